"""On-disk cache of extracted documents and their token ids, keyed by file content.

Layout (all JSON, written atomically):
    <cache dir>/v<VERSION>-<code>/docs/<key>.json                                      Document.to_dict()
    <cache dir>/v<VERSION>-<code>/tokens/<sha256 of (key, tokenizer hash, VERSION)>.json  EncodedDocument fields
<key> is the sha256 of (the file's sha256, its lower-case suffix): the same bytes read as .md (Markdown) and
as .txt (plain text) are different documents. <code> is a short hash of the extraction and encoding source
files and the hyphenation lexicon: editing them starts a fresh cache.

The cache dir is $PAPERCLI_CACHE_DIR, else $XDG_CACHE_HOME/papercli, else ~/.cache/papercli.
A damaged or unreadable entry is a miss; a failed write is ignored (the cache is an optimisation).
Inputs read from stdin and password-protected PDFs are never cached (no stable key / no plaintext on disk).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from pathlib import Path

from papercli.context import EncodedDocument
from papercli.ingest.document import Document

VERSION = 2  # bump when the Document or the EncodedDocument layout changes
_CODE = ("ingest/*.py", "ingest/words.tsv.gz", "features.py", "context.py", "tokenizer.py")  # cached output's sources


def code_fingerprint() -> str:
    """Short hash of the extraction / encoding source and data, so that changing them starts a fresh cache."""
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    for pattern in _CODE:
        for f in sorted(pkg.glob(pattern)):
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:12]


def default_dir() -> Path:
    if os.environ.get("PAPERCLI_CACHE_DIR"):
        return Path(os.environ["PAPERCLI_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "papercli"


def document_key(path: str | os.PathLike) -> str:
    """Cache key of a file: its content and how it is parsed (its lower-case suffix: .md Markdown, .txt text)."""
    return hashlib.sha256(f"{file_hash(path)}:{Path(path).suffix.lower()}".encode()).hexdigest()


def file_hash(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _well_formed(doc: Document) -> bool:
    """A cached document of the right types throughout (a damaged entry may be valid JSON of other types)."""
    def texts(items) -> bool:
        return all(isinstance(x, str) for x in items)

    pars = doc.abstract + [p for sec in doc.sections for p in sec.paragraphs]
    return (texts([doc.title, doc.authors, *doc.references, *doc.warnings, *(sec.heading for sec in doc.sections)])
            and isinstance(doc.pages, int) and all(isinstance(sec.level, int) and isinstance(sec.page, int)
                                                   for sec in doc.sections)
            and all(isinstance(s.text, str) and isinstance(s.page, int) for p in pars for s in p.sentences)
            and texts(p.kind for p in pars))


class Cache:
    """Documents and token ids by content hash. `enabled=False` makes every lookup a miss and skips writes."""

    def __init__(self, directory: str | os.PathLike | None = None, enabled: bool = True):
        self.root = Path(directory) if directory else default_dir()
        self.dir = self.root / f"v{VERSION}-{code_fingerprint()}"
        self.enabled = enabled
        self.stats = {"doc_hits": 0, "doc_misses": 0, "token_hits": 0, "token_misses": 0}
        self._tok_hashes: dict[str, str] = {}

    # -- paths -----------------------------------------------------------------
    def doc_path(self, key: str) -> Path:
        return self.dir / "docs" / f"{key}.json"

    def tokens_path(self, key: str, tokenizer_file: str | os.PathLike) -> Path:
        tk = hashlib.sha256(f"{key}:{self.tokenizer_hash(tokenizer_file)}:{VERSION}".encode()).hexdigest()
        return self.dir / "tokens" / f"{tk}.json"

    def tokenizer_hash(self, tokenizer_file: str | os.PathLike) -> str:
        name = str(tokenizer_file)
        if name not in self._tok_hashes:
            self._tok_hashes[name] = file_hash(tokenizer_file)
        return self._tok_hashes[name]

    # -- io --------------------------------------------------------------------
    def _read(self, path: Path) -> dict | None:
        if not self.enabled:
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _write(self, path: Path, data: dict) -> None:
        if not self.enabled:
            return
        from papercli.io import to_json, write_atomic

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, to_json(data, compact=True))
        except OSError:
            pass

    # -- documents -------------------------------------------------------------
    def load_document(self, path: str, password: str | None = None) -> tuple[Document, str | None]:
        """(Document, content key) for an input path; the key is None when the input is not cacheable.

        Raises IngestError / OSError like `papercli.ingest.load_document`.
        """
        from papercli import ingest

        if path == "-" or password is not None or not self.enabled or not Path(path).is_file():
            return ingest.load_document(path, password), None
        try:
            key = document_key(path)
        except OSError:
            return ingest.load_document(path, password), None  # let ingest report the error
        cached = self._read(self.doc_path(key))
        try:
            doc = Document.from_dict(cached) if cached is not None else None
        except (KeyError, TypeError, ValueError, AttributeError):
            doc = None
        if doc is not None and not doc.is_empty and _well_formed(doc):  # (empty documents are never written)
            ingest.check_read_limits(path, doc.pages)
            doc.source = path
            self.stats["doc_hits"] += 1
            return doc, key
        self.stats["doc_misses"] += 1
        doc = ingest.load_document(path, password)
        self._write(self.doc_path(key), doc.to_dict())
        return doc, key

    # -- token ids -------------------------------------------------------------
    def encode(self, engine, doc: Document, key: str | None) -> EncodedDocument:
        """engine.encode(doc), through the cache when the document has a content key."""
        tok_file = getattr(engine, "tokenizer_file", None)
        if key is None or tok_file is None or not self.enabled:
            return engine.encode(doc)
        path = self.tokens_path(key, tok_file)
        cached = self._read(path)
        if cached is not None:
            try:
                enc = EncodedDocument(**cached)
                n = sum(1 for _ in doc.body_sentences())  # a damaged entry is a miss, not a failure later
                if (len(enc.sentences) == len(enc.sentence_section) == len(enc.features) == n
                        and len(enc.headings) == len(doc.sections)
                        and all(0 <= s < len(enc.headings) for s in enc.sentence_section)):
                    self.stats["token_hits"] += 1
                    return enc
            except TypeError:
                pass
        self.stats["token_misses"] += 1
        enc = engine.encode(doc)
        self._write(path, dataclasses.asdict(enc))
        return enc
