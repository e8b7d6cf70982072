"""Keyword weights: how likely each content word of a paper is to occur in its abstract.

Summaries use them to cover many likely abstract words instead of repeating a few
(`papercli.selection.select` with `keywords`). Words are compared as ROUGE sees them: lower case,
Porter-stemmed; stopwords, numbers and one-letter words are not content words. The model is a logistic
regression over 11 statistics of a word in its paper (below), trained on the train split
(`papercli train keywords`) and shipped as `keywords.json` next to the LongNet weights.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable

import numpy as np

from papercli.features import content_stems, section_type
from papercli.ingest.document import Document

STATISTICS = ("log_count", "log_count_introduction", "log_count_conclusion", "log_count_first_10pct",
              "first_position", "in_title", "idf", "sections", "log_count_x_idf", "in_introduction",
              "in_conclusion")


def keyword_stems(text: str) -> tuple[str, ...]:
    """The content stems of `text` that can be keywords: no numbers, no one-letter words."""
    return tuple(t for t in content_stems(text) if len(t) > 1 and not t.isdigit())


def body_stems(doc: Document) -> set[str]:
    return {w for _, _, s in doc.body_sentences() for w in keyword_stems(s.text)}


MIN_DF = 2  # stems in fewer training papers count as unseen (keeps keywords.json small)


class KeywordModel:
    """P(a content stem of the body occurs in the abstract), from its statistics in the paper."""

    def __init__(self, df: dict[str, int], papers: int, mean, std, w):
        self.df, self.papers = df, papers  # document frequency of stems over the training papers
        self.mean, self.std, self.w = (np.asarray(v, dtype=float) for v in (mean, std, w))

    def table(self, doc: Document) -> tuple[list[str], np.ndarray]:
        """The body's content stems and their STATISTICS rows."""
        return word_table(doc, self.df, self.papers)

    def weights(self, doc: Document) -> dict[str, float]:
        words, x = self.table(doc)
        if not words:
            return {}
        z = (x - self.mean) / self.std
        return dict(zip(words, (1 / (1 + np.exp(-(z @ self.w[:-1] + self.w[-1])))).tolist()))

    def save(self, path: str | Path) -> None:
        from papercli.io import write_atomic

        write_atomic(path, json.dumps({"statistics": STATISTICS, "papers": self.papers, "mean": self.mean.tolist(),
                                       "std": self.std.tolist(), "w": self.w.tolist(),
                                       "df": dict(sorted(self.df.items()))}))

    @classmethod
    def load(cls, path: str | Path) -> "KeywordModel":
        try:
            d = json.loads(Path(path).read_text())
            if tuple(d["statistics"]) != STATISTICS:
                raise ValueError("made for other word statistics")
            return cls(d["df"], d["papers"], d["mean"], d["std"], d["w"])
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path}: not a usable keywords file ({e}); rebuild it with `papercli train keywords`")


def word_table(doc: Document, df: dict[str, int], papers: int) -> tuple[list[str], np.ndarray]:
    """The body's content stems and their STATISTICS rows (`df`: document frequency over `papers`)."""
    rows = list(doc.body_sentences())
    n = max(len(rows), 1)
    title = set(keyword_stems(doc.title or ""))
    count, intro, concl, early, first, sections = Counter(), Counter(), Counter(), Counter(), {}, defaultdict(set)
    for i, (k, sec, sent) in enumerate(rows):
        kind = section_type(sec.heading or "")
        for w in keyword_stems(sent.text):
            count[w] += 1
            intro[w] += kind == "introduction"
            concl[w] += kind == "conclusion"
            early[w] += i < 0.1 * n
            first.setdefault(w, i / n)
            sections[w].add(k)
    words = list(count)
    table = []
    for w in words:
        idf = math.log((papers + 1) / (df.get(w, 0) + 1))
        table.append([math.log1p(count[w]), math.log1p(intro[w]), math.log1p(concl[w]), math.log1p(early[w]),
                      first[w], float(w in title), idf, len(sections[w]), math.log1p(count[w]) * idf,
                      float(intro[w] > 0), float(concl[w] > 0)])
    return words, np.array(table, dtype=float).reshape(len(words), len(STATISTICS))


def train_keyword_model(pairs: Iterable[tuple[Document, str]], l2: float = 1.0) -> KeywordModel:
    """Fit on (document, abstract) pairs; a stem's label: it occurs in the abstract."""
    from papercli.eval.baselines import FeatureLR

    pairs = list(pairs)
    df = {w: c for w, c in Counter(w for doc, _ in pairs for w in body_stems(doc)).items() if c >= MIN_DF}
    xs, ys = [], []
    for doc, reference in pairs:
        words, x = word_table(doc, df, len(pairs))
        ref = set(keyword_stems(reference))
        xs.append(x)
        ys.append(np.array([float(w in ref) for w in words]))
    lr = FeatureLR(l2).fit(np.vstack(xs), np.concatenate(ys))
    return KeywordModel(df, len(pairs), lr.mean, lr.std, lr.w)
