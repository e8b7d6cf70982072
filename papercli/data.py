"""Read the shared paper corpus (papers.jsonl.gz) and the QA set as Documents, for training and evaluation."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Iterator

from papercli.ingest.document import Document, Section
from papercli.ingest.text import paragraphs_from_texts

DEFAULT_DATA = Path(os.environ.get("PAPERCLI_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"))


def record_to_document(rec: dict) -> Document:
    """A corpus record as a Document (no page layout: every sentence is on page 1)."""
    sections = [Section(s["heading"] or "", 1, 1, paragraphs_from_texts(s["paragraphs"])) for s in rec["sections"]]
    return Document(source=str(rec["id"]), title=rec.get("title", ""),
                    abstract=paragraphs_from_texts([rec.get("abstract", "")]),
                    sections=[s for s in sections if s.paragraphs])


def iter_records(path: str | Path | None = None, split: str | None = None,
                 english_only: bool = True) -> Iterator[dict]:
    """Records of papers.jsonl.gz, optionally of one split ("train" or "dev")."""
    path = Path(path) if path else DEFAULT_DATA / "papers.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if split and rec["split"] != split:
                continue
            if english_only and rec.get("meta", {}).get("lang", "en") != "en":
                continue
            yield rec


def iter_covidqa(path: str | Path | None = None) -> Iterator[dict]:
    """COVID-QA papers: {"id", "title", "context", "questions": [{"question", "answers": [{"text"}]}]}."""
    path = Path(path) if path else DEFAULT_DATA / "covidqa-dev.jsonl"
    with open(path, encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def covidqa_document(rec: dict) -> Document:
    """A COVID-QA context as a Document: paragraphs split on blank lines, the first line as title."""
    blocks = [b.strip() for b in rec["context"].split("\n\n") if b.strip()]
    return Document(source=str(rec["id"]), title=rec.get("title", ""),
                    sections=[Section("", 1, 1, paragraphs_from_texts(blocks[1:]))])
