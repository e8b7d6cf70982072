"""Plain text and Markdown -> Document.

Markdown: `#` headings become sections (the first `# ` heading is the title, an `*italic*` line right
after it the authors), a heading or a leading paragraph label named "Abstract" fills `Document.abstract`,
`> ` quotes (captions) and `[^n]: ` footnotes are paragraphs of their own (`Paragraph.kind` caption /
footnote), `[^n]` marks are dropped,
a "References"/"Bibliography" section fills `Document.references` (one entry per line or list item). Plain text: blank-line separated paragraphs;
short title-like lines ("1 Introduction", "Abstract") are recognised as headings too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable

from papercli.ingest.document import Document, Paragraph, Section, Sentence
from papercli.ingest.sentences import split_sentences

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_TXT_HEADING = re.compile(
    r"^((\d{1,2}(\.\d{1,2}){0,3}\.?|[A-H](\.\d{1,2}){1,3}|[A-H]\.)\s+[A-Z][^.!?]{1,80}|abstract|references|bibliography"
    r"|acknowledge?ments?|appendix)$", re.I)
_REFERENCES = re.compile(r"^(references|bibliography)$", re.I)
_AUTHORS = re.compile(r"^([*_])[^*_].*\1$")
_FOOTNOTE_MARK = re.compile(r"(?<=\S)\[\^\w+\]")
_FOOTNOTE_DEF = re.compile(r"^\[\^\w+\]:\s*")
_ABSTRACT_LABEL = re.compile(r"^\**abstract\**\s*[.:\u2014-]\s*", re.I)


def paragraphs_from_texts(texts: Iterable[str], kind: str = "body") -> list[Paragraph]:
    """One Paragraph of `kind` per text, its sentences (`split_sentences`) on page 1; a text without
    sentences gives none (also the corpus reader's paragraphs, `papercli.data`)."""
    pars = [Paragraph([Sentence(s, 1) for s in split_sentences(t)], kind) for t in texts]
    return [p for p in pars if p.sentences]


def read_text(text: str, source: str, markdown: bool = False) -> Document:
    """Parse text (Markdown when `markdown`) into a Document; every sentence is on page 1."""
    text = unicodedata.normalize("NFKC", text).replace("\r\n", "\n").replace("\u00ad", "")
    doc = Document(source=source)
    mode = "body"  # body | abstract | references
    buf: list[str] = []

    def flush(kind: str = "body") -> None:
        nonlocal mode
        if not buf:
            return
        raw = "\n".join(buf)
        buf.clear()
        if mode == "references":
            entries = [re.sub(r"^\s*([-*+]|\d+\.|\[\d+\])\s+", "", ln).strip() for ln in raw.splitlines()]
            doc.references += [e for e in entries if e]
            return
        if mode == "body" and not doc.abstract and not doc.sections and _ABSTRACT_LABEL.match(raw):
            raw, mode = _ABSTRACT_LABEL.sub("", raw), "abstract"
        pars = paragraphs_from_texts([raw], kind)
        if not pars:
            return
        par = pars[0]
        if mode == "abstract":
            doc.abstract.append(par)
            return
        if not doc.sections:
            doc.sections.append(Section("", 1, 1))
        doc.sections[-1].paragraphs.append(par)

    for line in text.split("\n"):
        stripped = _FOOTNOTE_MARK.sub("", line.strip()) if markdown else line.strip()
        if markdown and doc.title and not doc.authors and not doc.sections and _AUTHORS.match(stripped):
            doc.authors = stripped.strip("*_ ")
            continue
        if markdown and stripped[:2] in ("\\#", "\\>"):  # an escaped markup character opens body text
            buf.append(stripped[1:])
            continue
        if markdown and (stripped.startswith("> ") or _FOOTNOTE_DEF.match(stripped)):
            flush()  # a caption or footnote is a paragraph of its own
            buf.append(_FOOTNOTE_DEF.sub("", stripped[2:] if stripped.startswith("> ") else stripped))
            flush("caption" if stripped.startswith("> ") else "footnote")
            continue
        m = _MD_HEADING.match(stripped) if markdown else None
        plain_heading = not markdown and not buf and len(stripped) <= 60 and _TXT_HEADING.match(stripped)
        if m or plain_heading:
            flush()
            heading = m.group(2) if m else stripped
            level = len(m.group(1)) if m else 1
            if m and level == 1 and not doc.title:
                doc.title = heading
            elif heading.lower().rstrip(".:") == "abstract":
                mode = "abstract"
            elif _REFERENCES.match(heading.rstrip(".:")):
                mode = "references"
            else:
                mode = "body"
                doc.sections.append(Section(heading, max(1, level - 1) if markdown and doc.title else level, 1))
        elif not stripped:
            flush()
            if mode == "abstract" and doc.abstract and not markdown:
                mode = "body"
        else:
            buf.append(stripped)
    flush()
    if not markdown and not doc.title and doc.sections and doc.sections[0].paragraphs:
        first = doc.sections[0].paragraphs[0]
        if len(first.sentences) == 1 and len(first.text.split()) <= 20 and not first.text.endswith("."):
            doc.title = first.text
            doc.sections[0].paragraphs.pop(0)
    doc.sections = [s for s in doc.sections if s.paragraphs or s.heading]
    return doc
