"""Ingestion: any supported input (PDF, .txt, .md, stdin) -> Document. Never imports torch.

`load_document` raises `IngestError` with a one-line message naming the file for every bad input.
Limits: PAPERCLI_MAX_PAGES (default 2000) and PAPERCLI_MAX_MB (default 200).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from papercli.ingest.document import Document, Paragraph, Section, Sentence

__all__ = ["Document", "Paragraph", "Section", "Sentence", "IngestError", "load_document", "expand_inputs",
           "SUFFIXES"]

SUFFIXES = (".pdf", ".txt", ".md", ".markdown")
_OCR_HINT = "no text layer (scanned PDF?); run OCR first, e.g. `ocrmypdf in.pdf out.pdf`"


class IngestError(Exception):
    """A file that cannot be read; str() is one line naming the file."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def _limit(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


def _decode(data: bytes, path: str) -> str:
    if b"\x00" in data[:4096]:
        raise IngestError(path, "binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def expand_inputs(paths: list[str]) -> list[str]:
    """Folders expand recursively (sorted) to their .pdf/.txt/.md files; other paths pass through."""
    out = []
    for path in paths:
        p = Path(path)
        if path != "-" and p.is_dir():
            files = sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
            out += files or [path]  # an empty folder is reported by load_document
        else:
            out.append(path)
    return out


def load_document(path: str, password: str | None = None) -> Document:
    """Read a PDF, .txt/.md file, or stdin ("-") into a Document."""
    from papercli.ingest.text import read_text

    if path == "-":
        data = sys.stdin.buffer.read()
        if not data:
            raise IngestError("<stdin>", "empty input (0 bytes)")
        if data.startswith(b"%PDF"):
            return _load_pdf("<stdin>", password, data)
        return _nonempty(read_text(_decode(data, "<stdin>"), "<stdin>", markdown=True))
    p = Path(path)
    if not p.exists():
        raise IngestError(path, "no such file")
    if p.is_dir():
        raise IngestError(path, "folder holds no .pdf, .txt or .md files")
    size = p.stat().st_size
    if size == 0:
        raise IngestError(path, "empty file (0 bytes)")
    max_mb = _limit("PAPERCLI_MAX_MB", 200)
    if size > max_mb * 1024 * 1024:
        raise IngestError(path, f"file too large ({size / 2**20:.0f} MB > PAPERCLI_MAX_MB={max_mb:g})")
    suffix = p.suffix.lower()
    try:
        with open(p, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise IngestError(path, e.strerror or "cannot read") from None
    if suffix == ".pdf" or head.lstrip().startswith(b"%PDF"):
        if b"%PDF" not in head:
            raise IngestError(path, "not a PDF (no %PDF header); renamed file?")
        return _load_pdf(path, password)
    if suffix in (".txt", ".md", ".markdown", ""):
        return _nonempty(read_text(_decode(p.read_bytes(), path), path, markdown=suffix in (".md", ".markdown")))
    raise IngestError(path, f"unsupported file type '{suffix}' (expected .pdf, .txt or .md)")


def _nonempty(doc: Document) -> Document:
    if doc.is_empty:
        raise IngestError(doc.source, "no extractable text")
    return doc


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def _load_pdf(path: str, password: str | None, data: bytes | None = None) -> Document:
    import pymupdf

    from papercli.ingest.pdf import read_pdf

    try:
        pdf = pymupdf.open(stream=data, filetype="pdf") if data is not None else pymupdf.open(path, filetype="pdf")
    except Exception as e:  # FileDataError, EmptyFileError, MuPDF errors
        raise IngestError(path, f"corrupt or truncated PDF ({_first_line(e)})") from None
    with pdf:
        if pdf.needs_pass:
            if password is None:
                raise IngestError(path, "encrypted PDF; pass --password")
            if not pdf.authenticate(password):
                raise IngestError(path, "encrypted PDF; wrong password")
        if pdf.page_count == 0:
            raise IngestError(path, "corrupt or truncated PDF (no pages)")
        max_pages = _limit("PAPERCLI_MAX_PAGES", 2000)
        if pdf.page_count > max_pages:
            raise IngestError(path, f"too many pages ({pdf.page_count} > PAPERCLI_MAX_PAGES={max_pages:g})")
        try:
            doc = read_pdf(path, pdf=pdf)
        except Exception as e:  # MuPDF raises many types on damaged content streams
            raise IngestError(path, f"unreadable PDF ({_first_line(e)})") from None
        repaired = pdf.is_repaired
    if doc.is_empty:
        if repaired:
            raise IngestError(path, "corrupt or truncated PDF (no text after repair)")
        if any(w.endswith("(scanned?)") for w in doc.warnings):
            raise IngestError(path, _OCR_HINT)
        if any("U+FFFD" in w for w in doc.warnings):
            raise IngestError(path, "text layer is unreadable (U+FFFD everywhere; broken font encoding?)")
        raise IngestError(path, "no extractable text")
    if repaired:
        doc.warnings.append("damaged PDF was repaired; text may be incomplete")
    return doc
