"""Summarizers the model is measured against: lead-k, random, LexRank, TextRank, the greedy ROUGE
oracle and a logistic regression over hand-made sentence features (`FeatureLR`, also the keyword model's
fit). A summarizer scores every body sentence (`fn(doc) -> list[float]`, `doc.body_sentences()` order);
`papercli.selection.select` turns the scores into a summary, the same way for every system. The BM25
sentence ranking the question evaluations compare with is `papercli.bm25.BM25`.
"""

from __future__ import annotations

import zlib
from collections import Counter
from typing import Iterable, Sequence

import numpy as np

from papercli.features import content_words, sentence_features
from papercli.ingest.document import Document
from papercli.selection import body_texts


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
