"""Okapi BM25 ranking of sentences: the lexical evidence `papercli ask` gives the model (question
features, `context.lexical_index`) and the BM25 baseline of the question evaluations."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Callable, Sequence

import numpy as np

from papercli.features import content_stems


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
