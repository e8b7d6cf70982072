"""SentencePiece tokenizer with special pieces for document, section and sentence boundaries and the question."""

from __future__ import annotations

import io
from pathlib import Path

import sentencepiece as spm

SPECIALS = ("[DOC]", "[SEC]", "[SENT]", "[Q]", "[MASK]")


class Tokenizer:
    """Thin wrapper over a SentencePiece model: `encode` text pieces, special ids as attributes."""

    def __init__(self, model_file: str | Path):
        self.sp = spm.SentencePieceProcessor(model_file=str(model_file))
        self.pad_id = self.sp.pad_id()
        self.doc_id, self.sec_id, self.sent_id, self.q_id, self.mask_id = (self.sp.piece_to_id(p) for p in SPECIALS)

    @property
    def vocab_size(self) -> int:
        return self.sp.get_piece_size()

    def encode(self, text: str) -> list[int]:
        return self.sp.encode(text)

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return self.sp.encode(texts)

    def encode_with_offsets(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        """Piece ids and each piece's (start, end) character span in `text`."""
        proto = self.sp.encode(text, return_type="proto")  # offsets are in UTF-8 bytes
        char_at = [0] * (len(text.encode("utf-8")) + 1)
        pos = 0
        for i, ch in enumerate(text):
            n = len(ch.encode("utf-8"))
            char_at[pos:pos + n] = [i] * n
            pos += n
        char_at[pos] = len(text)
        return [p.id for p in proto.pieces], [(char_at[p.begin], char_at[p.end]) for p in proto.pieces]

    def decode(self, ids: list[int]) -> str:
        return self.sp.decode(ids)


def train_tokenizer(texts, out_file: str | Path, vocab_size: int = 16000, seed_sentences: int = 400_000) -> Tokenizer:
    """Train a unigram SentencePiece model on an iterable of sentences; digits are split one by one."""
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=buf, vocab_size=vocab_size, model_type="unigram",
        character_coverage=0.9999, split_digits=True, byte_fallback=True, pad_id=0, unk_id=1, bos_id=-1,
        eos_id=-1, control_symbols=list(SPECIALS), input_sentence_size=seed_sentences,
        shuffle_input_sentence=True, max_sentence_length=4096, num_threads=2, normalization_rule_name="nmt_nfkc",
    )
    from papercli.io import write_atomic

    Path(out_file).parent.mkdir(parents=True, exist_ok=True)
    write_atomic(out_file, buf.getvalue())
    return Tokenizer(out_file)
