"""Train the SentencePiece tokenizer on the train split of the corpus (titles, abstracts, body paragraphs)."""

from __future__ import annotations

import random
from pathlib import Path

from papercli.data import iter_records, record_to_document
from papercli.tokenizer import Tokenizer, train_tokenizer


def train_corpus_tokenizer(out_file: str | Path, data: str | None = None, vocab_size: int = 16000,
                           seed: int = 0) -> Tokenizer:
    texts = []
    for rec in iter_records(data, split="train", english_only=False):
        doc = record_to_document(rec)
        texts.append(doc.title)
        texts += [p.text for p in doc.abstract]
        texts += [p.text for s in doc.sections for p in s.paragraphs]
    random.Random(seed).shuffle(texts)
    return train_tokenizer(texts, out_file, vocab_size=vocab_size)
