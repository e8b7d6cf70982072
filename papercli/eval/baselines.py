"""Baselines the model is measured against: extractive summarizers and BM25 sentence ranking.

A summarizer scores every body sentence (`fn(doc) -> list[float]`, `doc.body_sentences()` order);
`select` turns scores into a summary under a word budget, the same way for every system (optionally
with keyword weights, so that the summary covers the words an abstract would use).
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter, defaultdict
from typing import Callable, Iterable, Sequence

import numpy as np

from papercli.features import content_stems, content_words, sentence_features
from papercli.ingest.document import Document
from papercli.ingest.sentences import BULLETS, is_caption, without_citations


def body_texts(doc: Document) -> list[str]:
    return [s.text for _, _, s in doc.body_sentences()]


def summary_texts(doc: Document) -> list[str]:
    """Body sentences as a summary shows them: without a list item's bullet, citations (author-year and
    numeric) and pointers to what a summary does not show ("(Section 4)"; `without_citations`)."""
    return [without_citations(re.sub(rf"^[{BULLETS}]\s+", "", t)) for t in body_texts(doc)]


KEYWORD_SCORE_WEIGHT = 3.0  # selection with keywords: weight of the z-scored sentence score (chosen on dev)
KEYWORD_LENGTH_POWER = 0.3  # ... and each gain is divided by (sentence words) ** this
MAX_OVERSHOOT = 1.5  # a sentence that would take a summary past this x the budget is skipped
MIN_SENTENCE_WORDS = 5  # shorter "sentences" are run-in headings, fragments, URLs: not picked


_SECTION_NUMBER = re.compile(r"(?:\d{1,2}(?:\.\d{1,2}){0,3}|[A-H](?:\.\d{1,2}){1,3})\.?")


def is_fragment(sentence: str, answer: bool = False) -> bool:
    """Not a sentence to show on its own: under MIN_SENTENCE_WORDS words (a run-in heading such as
    "Scoring programs.", a URL), a numbered heading read as a sentence ("8 Conclusion and Future Work.":
    a section number, not a list's "1.", then at most 8 words, half of them capitalised, the first not an
    acronym: "3 BERT models beat ..." is a sentence), a lead-in ending in ":" or in a list's dangling number
    ("... two questions in this paper: 1.") that points to an equation or a list shown elsewhere, or a piece
    that starts in lowercase: a list item ("use of the same grammar for analysis,"), an equation's "where W is
    ...", the tail of a sentence split in two ("iPhone", "word2vec", "k-means", "tf-idf" and name particles such
    as "van Noord" start sentences). As an
    `answer` quote, a lead-in and a piece may answer ("Each of the three layers has its own task:" answers
    "How many layers ...?", "where W is a projection matrix" answers "What is W?")."""
    s = sentence.rstrip()
    words = s.split()
    if len(words) < MIN_SENTENCE_WORDS or not answer and (
            s.endswith(":") or re.search(r":\s*\d{1,2}\.$", s) or _LOWERCASE_PIECE.match(s)):
        return True
    title = words[1:]
    return (len(words) <= 9 and bool(_SECTION_NUMBER.fullmatch(words[0])) and not re.fullmatch(r"\d+\.", words[0])
            and title[0][:1].isupper() and not title[0].isupper() and sum(w[:1].isupper() for w in title) >= 0.5 * len(title))


_LOWERCASE_PIECE = re.compile(  # "where ...", not "iPhone", "word2vec", "k-means", "tf-idf", "van Noord", "de Marneffe"
    r"(?!(?:van|von|de|del|della|di|da|du|der|den|dos|das|le|la|ten|ter)\s+[A-Z])[a-z](?![\w-]*[A-Z\d-])")


_ABOUT_THE_TEXT = re.compile(
    r"^(?:in |the (?:rest|remainder) of )?this (?:section|chapter|subsection)\b|^(?:in )?(?:the )?(?:rest|remainder) of "
    r"(?:this|the) (?:paper|article)\b|\bthis (?:paper|article) is (?:organi[sz]ed|structured)\b|"
    r"^(?:(?:finally|then|next),? )?(?:sections?|chapters?)[ -]?\d+(?:\.\d+)*(?: and \d+(?:\.\d+)*)? (?:\w+ly )?"
    r"(?:describes?|presents?|introduces?|discuss(?:es)?|concludes?|gives?|shows?|reviews?|outlines?|summari[sz]es?|"
    r"explains?|details?|reports?|compares?|deals? with|examines?|provides?|contains?|covers?|investigates?|"
    r"analy[sz]es?|defines?|illustrates?|sketch(?:es)?|address(?:es)?|focus(?:es)? on|turns? to|considers?|"
    r"(?:is|are) devoted to)\b|"
    r"^(?:for (?:a |an |the |more )?(?:\w+ )?(?:description|details?|discussion|overview|explanation|account|definition)"
    r"\b[^.;]{0,100}\bsee\b|see (?:also )?(?:sections?|chapters?|appendix|§))|"
    r"\bconclud(?:e|es|ing)(?: \w+){0,3} in (?:sections?|secs?\.|chapters?|§) ?\d|"
    r"^(?:(?:finally|then|next),? )?in (?:(?:sections?|secs?\.|§§?|chapters?|appendix)[ -]?[\dA-Z]+(?:\.\d+)*"
    r"(?: and [\dA-Z]+(?:\.\d+)*)?|the (?:next|following|last|final) (?:section|chapter)),? (?:we (?:\w+ly )?(?:discuss|describe|"
    r"present|introduce|show|give|conclude|review|report|outline|summari[sz]e|propose|explain|detail|evaluate|examine|"
    r"investigate|analy[sz]e|define|consider|turn|sketch|provide|address|focus|illustrate|motivate|formali[sz]e|"
    r"demonstrate|compare)\b(?! that)|"
    r"[^.;]{0,80}\b(?:is|are) (?:presented|described|introduced|discussed|given|reviewed|outlined|summari[sz]ed|"
    r"explained|detailed|reported)(?: (?:here|below|in detail))?(?=[,.;]|$| along\b| together\b| followed\b))|"
    r"\bwe (?:would like to )?thank\b|\b(?:work|research|project|study)\b.{0,60}\b(?:is|was|were|are) "
    r"(?:partially |partly |in part )?(?:supported|funded) by\b|"
    r"\bgrateful to\b", re.I)


def about_the_text(sentence: str) -> bool:
    """A sentence about the paper's layout or thanks, not its content: "In this section, we ...", "The rest
    of this paper is organized as follows", "In Section 4, we describe ..." (not "However, in Section 5 we
    show that ...", a finding), "Section 2 briefly reviews ...", "Section 4 deals with ...", "For a description
    of the tool see section 5.", "... and conclude in Section 7.", "We thank ...", "This work was supported by ..."."""
    return bool(_ABOUT_THE_TEXT.search(sentence))


def select(sentences: Sequence[str], scores: Sequence[float], words: int, max_overlap: float = 0.5,
           keywords: dict[str, float] | None = None, count: int | None = None,
           asides: Sequence[bool] | None = None) -> list[int]:
    """Indices of summary sentences in the order they were picked, until `words` words (or `count` sentences).

    Without `keywords`: best score first. With `keywords` (content stem -> probability that it occurs in
    the abstract, `papercli.keywords`) each pick maximises (the keyword weight of the stems that no
    picked sentence has yet + KEYWORD_SCORE_WEIGHT x the sentence's z-scored score) / words **
    KEYWORD_LENGTH_POWER, so a summary covers the likely abstract words instead of repeating them.
    A sentence whose content words overlap a chosen one by more than `max_overlap` (Jaccard) is skipped,
    and so is one that would take the summary past MAX_OVERSHOOT x `words` (a run-on "sentence" of a
    scan without punctuation), unless no sentence fits at all, and so is a fragment (`is_fragment`:
    fewer than MIN_SENTENCE_WORDS words, a numbered heading read as a sentence, or a lead-in to an
    equation or list that the summary does not show), or a sentence about the text rather than its
    content (`about_the_text`: "In this section, we ...", "In Section 4, we describe ..."), unless there is
    nothing else. A figure or table caption and a sentence of a caption or footnote paragraph (`asides`,
    `Document.body_asides()`) are never picked.
    """
    bags = [set(content_words(s)) for s in sentences]
    sizes = [len(s.split()) for s in sentences]
    never = [is_caption(s) or bool(asides and asides[i]) for i, s in enumerate(sentences)]  # not even as a fallback
    unfit = [never[i] or is_fragment(s) or about_the_text(s) for i, s in enumerate(sentences)]
    count = len(sentences) if count is None else count
    chosen: list[int] = []
    used = 0

    def eligible(i: int) -> bool:
        return (bool(bags[i]) and used + sizes[i] <= MAX_OVERSHOOT * words and not unfit[i]
                and not any(len(bags[i] & bags[j]) / len(bags[i] | bags[j]) > max_overlap for j in chosen))

    if keywords is None:
        for i in sorted(range(len(sentences)), key=lambda j: -scores[j]):
            if used >= words or len(chosen) >= count:
                break
            if eligible(i):
                chosen.append(i)
                used += sizes[i]
        return chosen or _best_of_any_length(bags, unfit, never, scores, count)
    from papercli.keywords import keyword_stems

    z = np.asarray(scores, dtype=float)
    z = (z - z.mean()) / (z.std() + 1e-9) if len(z) else z
    stems = [list(dict.fromkeys(keyword_stems(s))) for s in sentences]  # ordered: float sums the same in every process
    lengths = [max(len(s.split()), 1) ** KEYWORD_LENGTH_POWER for s in sentences]
    covered: set[str] = set()
    left = set(range(len(sentences)))
    while left and used < words and len(chosen) < count:
        i = max(left, key=lambda j: ((sum(keywords.get(w, 0.0) for w in stems[j] if w not in covered)
                                      + KEYWORD_SCORE_WEIGHT * z[j]) / lengths[j], -j))
        left.discard(i)
        if eligible(i):
            chosen.append(i)
            used += sizes[i]
            covered.update(stems[i])
    return chosen or _best_of_any_length(bags, unfit, never, scores, count)


def _best_of_any_length(bags: list[set], unfit: list[bool], never: list[bool], scores: Sequence[float],
                        count: int) -> list[int]:
    """When no sentence fits the budget: the best-scored one with content words that is not unfit for a
    summary, else the best-scored fragment (a text of fragments only), never a caption or an aside;
    empty when count is 0 or there is nothing else."""
    candidates = ([i for i, b in enumerate(bags) if b and not unfit[i]]
                  or [i for i, b in enumerate(bags) if b and not never[i]])
    best = max(candidates, key=lambda i: scores[i], default=None)
    return [best] if best is not None and count > 0 else []


def lead_scores(doc: Document) -> list[float]:
    """Earlier is better."""
    n = sum(1 for _ in doc.body_sentences())
    return [float(n - i) for i in range(n)]


def random_scores(doc: Document, seed: int = 0) -> list[float]:
    """Random scores, reproducible per (seed, document)."""
    n = sum(1 for _ in doc.body_sentences())
    return np.random.default_rng([seed, zlib.crc32(doc.source.encode())]).random(n).tolist()


def _pagerank(weights: np.ndarray, damping: float = 0.85, iters: int = 100, tol: float = 1e-8) -> np.ndarray:
    """Stationary distribution of a random walk on a weighted graph (dangling rows jump uniformly)."""
    n = weights.shape[0]
    sums = weights.sum(axis=1, keepdims=True)
    trans = np.where(sums > 0, weights / np.where(sums > 0, sums, 1.0), 1.0 / n)
    p = np.full(n, 1.0 / n)
    for _ in range(iters):
        nxt = (1 - damping) / n + damping * (p @ trans)
        if np.abs(nxt - p).sum() < tol:
            return nxt
        p = nxt
    return p


def _bags(doc: Document) -> tuple[list[list[str]], dict[str, int]]:
    bags = [content_words(t) for t in body_texts(doc)]
    vocab = {w: i for i, w in enumerate(sorted({w for b in bags for w in b}))}
    return bags, vocab


def lexrank_scores(doc: Document, threshold: float = 0.1) -> list[float]:
    """LexRank: PageRank over the graph of sentence pairs whose TF-IDF cosine exceeds `threshold`."""
    bags, vocab = _bags(doc)
    n = len(bags)
    if n == 0:
        return []
    tf = np.zeros((n, max(len(vocab), 1)), dtype=np.float32)
    for i, b in enumerate(bags):
        for w, c in Counter(b).items():
            tf[i, vocab[w]] = c
    idf = np.log(n / np.maximum((tf > 0).sum(axis=0), 1))
    vec = tf * idf
    norms = np.linalg.norm(vec, axis=1, keepdims=True)
    vec = vec / np.where(norms > 0, norms, 1.0)
    graph = (vec @ vec.T > threshold).astype(np.float64)
    np.fill_diagonal(graph, 0.0)  # a self-loop would let an isolated sentence keep its mass
    return _pagerank(graph).tolist()


def textrank_scores(doc: Document) -> list[float]:
    """TextRank: PageRank with word-overlap similarity |Si & Sj| / (log|Si| + log|Sj|)."""
    bags, vocab = _bags(doc)
    n = len(bags)
    if n == 0:
        return []
    occ = np.zeros((n, max(len(vocab), 1)), dtype=np.float32)
    for i, b in enumerate(bags):
        occ[i, [vocab[w] for w in set(b)]] = 1.0
    logs = np.log1p(occ.sum(axis=1))
    sim = (occ @ occ.T) / np.maximum(logs[:, None] + logs[None, :], 1e-9)
    np.fill_diagonal(sim, 0.0)
    return _pagerank(sim.astype(np.float64)).tolist()


def oracle_indices(sentences: Sequence[str], reference: str, words: int) -> list[int]:
    """The greedy ROUGE oracle's sentences against `reference` (the ceiling of extractive systems)."""
    from papercli.train.labels import greedy_oracle

    return greedy_oracle(list(sentences), reference, words)


class FeatureLR:
    """L2-regularised logistic regression over standardised feature rows (`sentence_features` for the
    feature baseline, word statistics for papercli.keywords), fit by Newton steps."""

    def __init__(self, l2: float = 1.0):
        self.l2 = l2
        self.mean = self.std = self.w = None

    def fit(self, x: np.ndarray, y: np.ndarray, iters: int = 30) -> "FeatureLR":
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.mean, self.std = x.mean(axis=0), x.std(axis=0) + 1e-6
        z = np.hstack([(x - self.mean) / self.std, np.ones((len(x), 1))])
        reg = np.full(z.shape[1], self.l2)
        reg[-1] = 0.0  # no penalty on the bias
        w = np.zeros(z.shape[1])
        for _ in range(iters):
            p = 1 / (1 + np.exp(-z @ w))
            grad = z.T @ (p - y) + reg * w
            hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(reg) + 1e-9 * np.eye(len(w))
            step = np.linalg.solve(hess, grad)
            w -= step
            if np.abs(step).max() < 1e-6:
                break
        self.w = w
        return self

    def decision(self, x: np.ndarray) -> np.ndarray:
        z = (np.asarray(x, dtype=float) - self.mean) / self.std
        return z @ self.w[:-1] + self.w[-1]

    def scores(self, doc: Document) -> list[float]:
        feats = sentence_features(doc)
        return self.decision(np.array(feats)).tolist() if feats else []


def train_feature_lr(pairs: Iterable[tuple[Document, str]], words: int, l2: float = 1.0) -> FeatureLR:
    """Fit FeatureLR on (document, reference) pairs, labels from the greedy oracle at `words` words."""
    xs, ys = [], []
    for doc, reference in pairs:
        feats = sentence_features(doc)
        if not feats:
            continue
        label = np.zeros(len(feats))
        label[oracle_indices(body_texts(doc), reference, words)] = 1.0
        xs.append(np.array(feats))
        ys.append(label)
    return FeatureLR(l2).fit(np.vstack(xs), np.concatenate(ys))


class BM25:
    """Okapi BM25 over short documents (here: sentences)."""

    def __init__(self, docs: Sequence[str], k1: float = 1.5, b: float = 0.75,
                 tokenize: Callable[[str], list[str]] = content_stems):
        self.tokenize = tokenize
        self.n = len(docs)
        lens = np.array([0.0] * self.n)
        self.postings: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, d in enumerate(docs):
            toks = tokenize(d)
            lens[i] = len(toks)
            for w, c in Counter(toks).items():
                ids, tfs = self.postings[w]
                ids.append(i)
                tfs.append(c)
        self.norm = k1 * (1 - b + b * lens / max(lens.mean(), 1e-9)) if self.n else lens
        self.k1 = k1

    def scores(self, query: str) -> np.ndarray:
        out = np.zeros(self.n)
        for w in dict.fromkeys(self.tokenize(query)):  # in query order: a set's order (and the float sum) varies per process
            if w not in self.postings:
                continue
            ids, tfs = self.postings[w]
            idf = math.log((self.n - len(ids) + 0.5) / (len(ids) + 0.5) + 1)
            tf = np.array(tfs, dtype=float)
            out[ids] += idf * tf * (self.k1 + 1) / (tf + self.norm[ids])
        return out

    def rank(self, query: str, top: int | None = None) -> list[tuple[int, float]]:
        """(sentence index, score), best first; ties keep paper order."""
        s = self.scores(query)
        order = np.argsort(-s, kind="stable")[:top]
        return [(int(i), float(s[i])) for i in order]
