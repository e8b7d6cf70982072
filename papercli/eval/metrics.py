"""Evaluation metrics: ROUGE, SQuAD exact match / F1, evidence hit@k, bootstrap confidence intervals."""

from __future__ import annotations

import re
import string
from collections import Counter
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np

from papercli.ingest.sentences import split_sentences

ROUGE_KEYS = ("rouge1", "rouge2", "rougeLsum")


@lru_cache(maxsize=1)
def _scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(ROUGE_KEYS), use_stemmer=True)


def rouge(summary: Sequence[str], reference: str | Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/Lsum F1 (x100) of summary sentences against a reference (text or sentences).

    For Lsum both sides are one sentence per line; a reference given as text is split into sentences.
    """
    ref = split_sentences(reference) if isinstance(reference, str) else list(reference)
    scores = _scorer().score("\n".join(ref), "\n".join(summary))
    return {k: 100.0 * scores[k].fmeasure for k in ROUGE_KEYS}


def _budget(sentences: Sequence[str], picked: Sequence[int], words: int) -> dict[int, str]:
    kept: dict[int, str] = {}
    used = 0
    for i in picked:
        toks = sentences[i].split()
        if not toks:
            continue
        if used + len(toks) > words:
            if words - used > 0:
                kept[i] = " ".join(toks[: words - used])
            break
        kept[i] = sentences[i]
        used += len(toks)
    return kept


def budget_summary(sentences: Sequence[str], picked: Sequence[int], words: int) -> list[str]:
    """The `picked` sentences (in pick order) in paper order, at most `words` words: the sentence
    picked last is the one cut at the budget, and any picked after the budget is spent are dropped."""
    kept = _budget(sentences, picked, words)
    return [kept[i] for i in sorted(kept)]


def budget_indices(sentences: Sequence[str], picked: Sequence[int], words: int) -> list[int]:
    """Indices (paper order) of the sentences `budget_summary` keeps, the one cut at the budget included."""
    return sorted(_budget(sentences, picked, words))


def normalize_answer(text: str) -> str:
    """SQuAD normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str | None, golds: Iterable[str]) -> float:
    """1.0 when the normalised prediction equals a normalised gold answer (a refusal scores 0)."""
    if prediction is None:
        return 0.0
    p = normalize_answer(prediction)
    return float(any(p == normalize_answer(g) for g in golds))


def _token_f1(pred: str, gold: str) -> float:
    p, g = normalize_answer(pred).split(), normalize_answer(gold).split()
    if not p or not g:
        return float(p == g)
    common = sum((Counter(p) & Counter(g)).values())
    if common == 0:
        return 0.0
    prec, rec = common / len(p), common / len(g)
    return 2 * prec * rec / (prec + rec)


def f1_score(prediction: str | None, golds: Iterable[str]) -> float:
    """SQuAD token F1, the maximum over gold answers (a refusal scores 0)."""
    if prediction is None:
        return 0.0
    return max((_token_f1(prediction, g) for g in golds), default=0.0)


def contains_answer(sentence: str, golds: Iterable[str]) -> bool:
    """Whether the normalised sentence contains a normalised gold answer as a whole-word span."""
    s = f" {normalize_answer(sentence)} "
    return any(n and f" {n} " in s for n in (normalize_answer(g) for g in golds))


def hit_at_k(evidence: Sequence[str], golds: Iterable[str], k: int) -> float:
    """1.0 when one of the first k evidence sentences contains a gold answer."""
    golds = list(golds)
    return float(any(contains_answer(s, golds) for s in evidence[:k]))


def bootstrap_ci(values: Sequence[float], n_boot: int = 1000, seed: int = 0,
                 alpha: float = 0.05) -> tuple[float, float, float]:
    """(mean, low, high): the mean with its percentile-bootstrap (1 - alpha) confidence interval."""
    v = np.asarray(values, dtype=float)
    if v.size == 0:
        return float("nan"), float("nan"), float("nan")
    idx = np.random.default_rng(seed).integers(0, v.size, size=(n_boot, v.size))
    means = v[idx].mean(axis=1)
    lo, hi = np.percentile(means, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    return float(v.mean()), float(lo), float(hi)


def mean_ci(values: Sequence[float]) -> dict[str, float]:
    """{"mean", "lo", "hi"}: `bootstrap_ci` as a JSON-ready dict."""
    mean, lo, hi = bootstrap_ci(values)
    return {"mean": mean, "lo": lo, "hi": hi}
