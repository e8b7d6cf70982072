"""Words as rouge-score sees them with stemming on: its tokenizer, then the Porter stem of every word
longer than three letters. The one stemming of papercli: content stems (`features.content_stems`: BM25,
keyword weights, question coverage) and the training labels (`train.labels`) compare these tokens."""

from __future__ import annotations

from functools import lru_cache

from nltk.stem import porter
from rouge_score import tokenize

_STEMMER = porter.PorterStemmer()


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _STEMMER.stem(word) if len(word) > 3 else word


@lru_cache(maxsize=8192)
def rouge_tokens(text: str) -> tuple[str, ...]:
    """Tokens as rouge-score sees them with stemming on."""
    return tuple(_stem(w) for w in tokenize.tokenize(text, None))
