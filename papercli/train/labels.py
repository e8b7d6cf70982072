"""Training labels from the corpus: greedy ROUGE oracle (salience) and question evidence by overlap."""

from __future__ import annotations

from collections import Counter

from papercli.stems import rouge_tokens


def _ngrams(tokens: list[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _f1(overlap: int, cand: int, ref: int) -> float:
    if overlap == 0:
        return 0.0
    p, r = overlap / cand, overlap / ref
    return 2 * p * r / (p + r)


def greedy_oracle(sentences: list[str], reference: str, max_words: int) -> list[int]:
    """Indices of sentences chosen greedily to maximise ROUGE-1 + ROUGE-2 F1 against `reference`.

    Stops when no sentence improves the score or the word budget is spent (the classic extractive oracle).
    """
    ref = rouge_tokens(reference)
    if not ref:
        return []
    ref1, ref2 = _ngrams(ref, 1), _ngrams(ref, 2)
    toks = [rouge_tokens(s) for s in sentences]
    uni = [_ngrams(t, 1) for t in toks]
    bi = [_ngrams(t, 2) for t in toks]
    words = [len(s.split()) for s in sentences]
    chosen: list[int] = []
    cur1, cur2, used, best = Counter(), Counter(), 0, 0.0
    while used < max_words:
        pick, pick_score = -1, best
        for i in range(len(sentences)):
            if i in chosen or not toks[i]:
                continue
            c1, c2 = cur1 + uni[i], cur2 + bi[i]
            s = (_f1(sum((c1 & ref1).values()), sum(c1.values()), len(ref))
                 + _f1(sum((c2 & ref2).values()), max(sum(c2.values()), 1), max(len(ref) - 1, 1)))
            if s > pick_score:
                pick, pick_score = i, s
        if pick < 0:
            break
        chosen.append(pick)
        cur1, cur2, used, best = cur1 + uni[pick], cur2 + bi[pick], used + words[pick], pick_score
    return sorted(chosen)


def sentence_scores(sentences: list[str], reference: str, smoothing: int = 5) -> list[float]:
    """Each sentence's density of `reference` n-grams: (shared unigrams + shared bigrams) / (length + smoothing).

    A dense salience signal beside the oracle. Density, not F1: under a fixed word budget a summary gains
    from sentences whose words are the reference's, and F1 against a long reference rewards long sentences.
    """
    ref = rouge_tokens(reference)
    ref1, ref2 = _ngrams(ref, 1), _ngrams(ref, 2)
    out = []
    for s in sentences:
        t = rouge_tokens(s)
        shared = sum((_ngrams(t, 1) & ref1).values()) + sum((_ngrams(t, 2) & ref2).values())
        out.append(shared / (len(t) + smoothing))
    return out


def overlap_evidence(query: str, sentences: list[str], top: int = 1) -> list[tuple[int, float]]:
    """Body sentences that restate `query`: the best by unigram+bigram F1 overlap, with their scores."""
    q = rouge_tokens(query)
    q1, q2 = _ngrams(q, 1), _ngrams(q, 2)
    scored = []
    for i, s in enumerate(sentences):
        t = rouge_tokens(s)
        if not t:
            continue
        t1, t2 = _ngrams(t, 1), _ngrams(t, 2)
        score = (_f1(sum((t1 & q1).values()), len(t), len(q))
                 + _f1(sum((t2 & q2).values()), max(len(t) - 1, 1), max(len(q) - 1, 1)))
        scored.append((i, score))
    scored.sort(key=lambda x: -x[1])
    return scored[:top]
