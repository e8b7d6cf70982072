"""Ingestion: any supported input (PDF, .txt, .md, stdin) -> Document. Never imports torch.

`load_document` raises `IngestError` with a one-line message naming the file for every bad input.
Limits: PAPERCLI_MAX_PAGES (default 2000) and PAPERCLI_MAX_MB (default 200); another value than a positive
number (or inf) raises `LimitError`.
"""

from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path

from papercli.ingest.document import Document, Paragraph, Section, Sentence

__all__ = ["Document", "Paragraph", "Section", "Sentence", "IngestError", "LimitError", "load_document",
           "expand_inputs", "check_limits", "decode_text", "SUFFIXES"]

SUFFIXES = (".pdf", ".txt", ".md", ".markdown")
_OCR_HINT = "no text layer (scanned PDF?); run OCR first, e.g. `ocrmypdf in.pdf out.pdf`"


class IngestError(Exception):
    """A file that cannot be read; str() is one line naming the file."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


class LimitError(ValueError):
    """A limit variable set to something else than a positive number; str() is one line naming it."""


def _limit(name: str, default: float) -> float:
    """$name as a positive number (inf: no limit), `default` when unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if math.isnan(value) or value <= 0:
        raise LimitError(f"{name}={raw!r}: must be a positive number (or inf)")
    return value


def check_limits() -> None:
    """Raise LimitError when PAPERCLI_MAX_MB or PAPERCLI_MAX_PAGES is set to something else than a positive number."""
    _limit("PAPERCLI_MAX_MB", 200)
    _limit("PAPERCLI_MAX_PAGES", 2000)


def decode_text(data: bytes, path: str) -> str:
    """Text of a text file: UTF-8 (BOM or not), UTF-16 with a BOM, else Latin-1; binary data is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise IngestError(path, "binary file, not text") from None
    if b"\x00" in data[:4096]:
        raise IngestError(path, "binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    head = text[:4096]
    if sum(ch < " " and ch not in "\t\n\r\f" or "\x7f" <= ch <= "\x9f" for ch in head) > 0.01 * len(head):
        raise IngestError(path, "binary file, not text (control characters)")
    return text


# The name papercli gives a text or Markdown output (`papercli.io.output_names`): an input's file name, maybe a
# counter, and one output suffix: "x.pdf.txt", "x.md.md", "x.pdf-2.txt" (JSON outputs are never read anyway).
_OUTPUT_NAME = re.compile(r".+\.(?:pdf|txt|md|markdown)(?:-\d+)?\.(?:txt|md)", re.IGNORECASE)


def looks_like_output(name: str) -> bool:
    """True for a file name papercli gives its own text/Markdown outputs ("paper.pdf.txt")."""
    return bool(_OUTPUT_NAME.fullmatch(name))


def expand_inputs(paths: list[str], exclude: str | None = None, skipped: list[str] | None = None) -> list[str]:
    """Folders expand recursively (sorted, symbolic links followed once) to their .pdf/.txt/.md files; other
    paths pass through. Broken links and unreadable subfolders are kept as inputs, so that loading them
    reports why; files under `exclude` (an output folder inside an input folder), and files of a folder
    named like papercli's outputs (`looks_like_output`; appended to `skipped`) are left out. A file named
    explicitly is always read."""
    skip = os.path.realpath(exclude) if exclude else None
    out = []
    for path in paths:
        if path == "-" or not os.path.isdir(path):
            out.append(path)
            continue
        found, outputs, seen = [], [], set()
        inside = skip if skip != os.path.realpath(path) else None  # the input folder itself is read
        for root, dirs, files in os.walk(path, followlinks=True, onerror=lambda e: found.append(e.filename)):
            real = os.path.realpath(root)
            if real in seen or inside and (real == inside or real.startswith(inside + os.sep)):
                dirs[:] = []  # a link loop, or the output folder
                continue
            seen.add(real)
            for name in files:
                f = os.path.join(root, name)
                if Path(name).suffix.lower() not in SUFFIXES or not (os.path.isfile(f) or os.path.islink(f)):
                    continue
                (outputs if looks_like_output(name) else found).append(f)
        out += sorted(found) or [path]  # an empty folder is reported by load_document
        if skipped is not None:
            skipped += sorted(outputs)
    return out


def load_document(path: str, password: str | None = None) -> Document:
    """Read a PDF, .txt/.md file, named pipe or stdin ("-") into a Document."""
    try:
        return _load(path, password)
    except OSError as e:  # permission denied, file name too long, ...
        raise IngestError(path, e.strerror or "cannot read") from None


def _load(path: str, password: str | None) -> Document:
    from papercli.ingest.text import read_text

    max_mb = _limit("PAPERCLI_MAX_MB", 200)
    if path == "-" or os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):
        # stdin, a named pipe, /dev/fd/N: read what comes (at most the size limit)
        name, most = ("<stdin>" if path == "-" else path), -1 if math.isinf(max_mb) else int(max_mb * 2**20) + 1
        if path == "-":
            data = sys.stdin.buffer.read(most)
        else:
            with open(path, "rb") as f:
                data = f.read(most)
        if not data:
            raise IngestError(name, "empty input (0 bytes)")
        if len(data) > max_mb * 2**20:
            raise IngestError(name, f"input too large (> PAPERCLI_MAX_MB={max_mb:g})")
        if data.startswith(b"%PDF"):
            return _load_pdf(name, password, data)
        return _nonempty(read_text(decode_text(data, name), name, markdown=True))
    p = Path(path)
    if os.path.islink(path) and not p.exists():
        raise IngestError(path, "broken symbolic link")
    if not p.exists():
        raise IngestError(path, "no such file")
    if p.is_dir():
        os.listdir(p)  # an unreadable folder says so
        raise IngestError(path, "folder holds no .pdf, .txt or .md files")
    size = p.stat().st_size
    if size == 0:
        raise IngestError(path, "empty file (0 bytes)")
    _check_size(path, size)
    suffix = p.suffix.lower()
    with open(p, "rb") as f:
        head = f.read(1024)
    if suffix == ".pdf" or head.lstrip().startswith(b"%PDF"):
        if b"%PDF" not in head:
            raise IngestError(path, "not a PDF (no %PDF header); renamed file?")
        return _load_pdf(path, password)
    if suffix in (".txt", ".md", ".markdown", ""):
        text = decode_text(p.read_bytes(), path)  # a file without a suffix is Markdown when it opens like it ("# Title")
        markdown = suffix in (".md", ".markdown") or not suffix and text.lstrip().startswith("# ")
        return _nonempty(read_text(text, path, markdown=markdown))
    raise IngestError(path, f"unsupported file type '{suffix}' (expected .pdf, .txt or .md)")


def check_read_limits(path: str, pages: int) -> None:
    """Raise IngestError when a file read before (a cached document of `pages` pages) is over PAPERCLI_MAX_MB
    or PAPERCLI_MAX_PAGES: the limits hold for every read, cached or not."""
    _check_size(path, os.stat(path).st_size)
    _check_pages(path, pages)


def _check_size(path: str, size: int) -> None:
    max_mb = _limit("PAPERCLI_MAX_MB", 200)
    if size > max_mb * 1024 * 1024:
        raise IngestError(path, f"file too large ({size / 2**20:.1f} MB > PAPERCLI_MAX_MB={max_mb:g})")


def _check_pages(path: str, pages: int) -> None:
    max_pages = _limit("PAPERCLI_MAX_PAGES", 2000)
    if pages > max_pages:
        raise IngestError(path, f"too many pages ({pages} > PAPERCLI_MAX_PAGES={max_pages:g})")


def _nonempty(doc: Document) -> Document:
    if doc.is_empty:
        raise IngestError(doc.source, "no extractable text")
    return doc


def _load_pdf(path: str, password: str | None, data: bytes | None = None) -> Document:
    import pymupdf

    from papercli.ingest.pdf import read_pdf
    from papercli.io import one_line

    try:
        pdf = pymupdf.open(stream=data, filetype="pdf") if data is not None else pymupdf.open(path, filetype="pdf")
    except Exception as e:  # FileDataError, EmptyFileError, MuPDF errors
        raise IngestError(path, f"corrupt or truncated PDF ({one_line(e)})") from None
    with pdf:
        if pdf.needs_pass:
            if password is None:
                raise IngestError(path, "encrypted PDF; pass --password")
            if not pdf.authenticate(password):
                raise IngestError(path, "encrypted PDF; wrong password")
        if pdf.page_count == 0:
            raise IngestError(path, "corrupt or truncated PDF (no pages)")
        _check_pages(path, pdf.page_count)
        try:
            doc = read_pdf(path, pdf=pdf)
        except Exception as e:  # MuPDF raises many types on damaged content streams
            raise IngestError(path, f"unreadable PDF ({one_line(e)})") from None
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
