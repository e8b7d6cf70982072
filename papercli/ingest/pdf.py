"""PDF -> Document with PyMuPDF: reading order, furniture removal, hyphenation, sections, references.

Pipeline: lines with font size/weight/bbox per page -> drop rotated text (arXiv stamp), running
headers/footers and page numbers -> split MuPDF blocks at stuck headings and at lines that leave the
block's column (table text merged into a paragraph) -> classify blocks (heading, caption, footnote,
body) -> order blocks by columns -> join lines (a line-end hyphen is dropped when the joined word occurs
in the paper, or the tail is a suffix, or the head only exists as the start of a longer word; attested
compounds keep it) -> paragraphs -> sentences, each with its 1-based page.

Choices: figure/table captions and footnotes are kept as separate paragraphs, marked as such
(`Paragraph.kind`; hyphens repaired like body lines), placed at the boundary nearer to where they sit
of the sentence they interrupt (the paragraph is split there; a float is never spliced into a
sentence); page furniture (the page-1 venue line included) and page-1 front matter (affiliations,
emails) are dropped from the body. A heading-less abstract is the long block(s) between title and
first heading, with the short blocks set flush with them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

import pymupdf

from papercli.ingest.document import Document, Paragraph, Section, Sentence
from papercli.ingest.lexicon import corpus_words
from papercli.ingest.sentences import BULLETS, is_caption, split_sentences

_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
_HYPHENS = ("-", "\u2010", "\u00ad")
_SPACING_ACCENTS = {"\u00a8": "\u0308", "\u00b4": "\u0301", "\u02c6": "\u0302", "\u02dc": "\u0303",
                    "\u02c7": "\u030c", "\u02d8": "\u0306", "\u02da": "\u030a", "\u00b8": "\u0327"}
_ACCENT_CHARS = frozenset(_SPACING_ACCENTS)
# a spacing accent before its letter; the tilde and the acute only inside a word ("Jo\u02dcao", "Daum\u00b4e";
# "/\u02dcanoop" is a URL's tilde), the acute not as an apostrophe ("John\u00b4s"); a cedilla after its letter
_ACCENTED = re.compile("([\u00a8\u02c6\u02c7\u02d8\u02da]|(?<=[A-Za-z])\u02dc|(?<=[A-Za-z])\u00b4(?!s\\b))"
                       "([A-Za-z\u0131])|([A-Za-z])(\u00b8)")
# a page-1 footnote that is the venue's line: "Proceedings of ...", "(c) 2008 ...", "Submitted 1/2013; ...",
# "Coling 2010: Poster Volume, pages 454–462," and its place and date "Beijing, August 2010"
_VENUE_FOOTER = re.compile(r"^Proceedings of\b|(?:©|\u20dd|\(c\))\s?(?:19|20)\d\d\b|\bQ\s(?:19|20)\d\d\s+Association|"
                           r"^Submitted \d{1,2}/\d{4}|\bpages \d+\s?[–-]\s?\d+,?$|"
                           r"^[A-Z][\w .'-]{1,40}, (?:January|February|March|April|May|June|July|August|September|October|"
                           r"November|December)(?: \d{1,2}(?:\s?[–-]\s?\d{1,2})?,?)? (?:19|20)\d\d\.?$")
_PLACEHOLDER_TITLE = re.compile(r"(?:\.\.\.|…)$|^(?:proceedings of|microsoft word|untitled)", re.I)
_COLUMN_LABEL = re.compile(r"^(?:squibs(?: and discussions)?|book reviews?|(?:research |review |original )?articles?|"
                           r"research (?:papers?|notes?)|short (?:papers?|communications?)|technical notes?|"
                           r"brief communications?|letters?(?: to the editor)?|commentary|position paper)[.:]?$", re.I)
_NUMBERED = re.compile(r"^(?P<num>(?:\d{1,2}(?:\.\d{1,2}){0,3}|[A-H](?:\.\d{1,2}){0,3}|[IVX]{1,5}))\.?\s+(?P<title>[A-Z][^\n]{1,90})$")
_NAMED = re.compile(
    r"^(abstract|introduction|related work|background|conclusions?|discussion|results|methods?|experiments?"
    r"|evaluation|references?|bibliography|acknowledge?ments?|appendix|appendices|limitations|future work"
    r"|summary|conclusions? and future work)\.?$", re.I)
# a reference entry's first line read as a lettered heading: initials, a surname, then ",", ". ", " and", " &" or " ("
# ("D. Jurafsky, Chuck", "B. Srinivas. 1997b.", "I. D. Melamed (1995)"; not "A Hyperparameters, Data")
_REFERENCE_ENTRY = re.compile(r"[A-Z]\.\s+(?:[A-Z]\.\s+)*[A-Z][\w'-]+(?:,|\.\s|\s+(?:and\b|&)|\s*\()")
_REFERENCES = re.compile(r"^(references?|bibliography|literature cited|works cited)$", re.I)
_ABSTRACT_RUNIN = re.compile(r"^abstract\s*[.:\u2014\u2013-]\s*", re.I)
_BULLET_FONT = re.compile(r"LCIRCLE|Dingbats|Wingdings", re.I)
_PAGE_NUMBER = re.compile(r"^(page\s*)?(\d{1,4}|[ivxlc]{1,6})(\s*(of|/)\s*\d+)?$", re.I)
_SUBSECTION_NUMBER = re.compile(r"\d{1,2}(?:\.\d{1,2}){1,3}\.?")
_WORD = re.compile(r"[^\W\d_]+(?:[-\u2010][^\W\d_]+)*")
_NOTE_MARKS = "*\u2020\u2021\u00a7\u00b6"  # footnote marks other than digits: * † ‡ § ¶
_FOOTNOTE_MARK = re.compile(rf"^(?:[1-9]\d?|[{_NOTE_MARKS}])\s*(?=[A-Z])")
_FOOTNOTE_START = re.compile(  # "1The", "* This", an unmarked "Present affiliation: ..." (C90-2039)
    rf"^(?:(?:[1-9]\d?|[{_NOTE_MARKS}] ?)[A-Z]"
    rf"|(?i:present|current|permanent)\W{{0,2}}\s*(?i:affiliations?|address(?:es)?)\b)")
# a note mark in an authors line: after a name ("Tillmann\u2217", "Pyysalo2,3\u2217", "Shih~") or after a space
# ("Lascarides \u2022"; an OCR'd dagger: "Poesio t")
_AUTHOR_MARK = re.compile(rf"(?<=[^\W\d_])[{_NOTE_MARKS}\u2217~\d]+(?:,[{_NOTE_MARKS}\u2217~\d]+)*"
                          rf"|(?<=\s)(?:[{_NOTE_MARKS}\u2217\u2022~]|t(?=\s+and\b|\s*,|$))(?=\s|,|$)")
_SUFFIXES = {"ing", "ings", "ed", "er", "ers", "ly", "tion", "tions", "ation", "ations", "ment", "ments", "ness",
             "able", "ible", "ity", "ities", "al", "ally", "ive", "ize", "ized", "izes", "ization", "ous", "ance",
             "ence", "ant", "ent", "est", "ism", "ist", "ists", "ful", "less", "ship", "ical", "ics", "ure", "ures"}
_REF_START = re.compile(r"^(\[\d+\]|\d{1,3}\.\s)")


@dataclass(slots=True)
class Line:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    bold_prefix: str  # a bold lead-in when the line goes on in plain text ("2.1 Model." ...; _bold_prefix)
    marker: int = 0  # length of the superscript/small footnote mark the line starts with (0: none)


@dataclass
class Block:
    lines: list[Line]
    page: int
    kind: str = "body"  # body | heading | caption | footnote | abstract | front (dropped)
    level: int = 1
    plain: bool = False  # a heading only by its numbering (body type): _drop_unordered_headings checks it
    x0: float = field(init=False)
    y0: float = field(init=False)
    x1: float = field(init=False)
    y1: float = field(init=False)

    def __post_init__(self) -> None:
        self.x0 = min(ln.x0 for ln in self.lines)
        self.y0 = min(ln.y0 for ln in self.lines)
        self.x1 = max(ln.x1 for ln in self.lines)
        self.y1 = max(ln.y1 for ln in self.lines)

    @cached_property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines)

    @property
    def size(self) -> float:
        c = Counter()
        for ln in self.lines:
            c[ln.size] += len(ln.text)
        return c.most_common(1)[0][0]

    @property
    def bold(self) -> bool:
        return all(ln.bold for ln in self.lines)


def _compose(m: re.Match) -> str:
    """"K\u00a8ubler" -> "K\u00fcbler": a spacing accent set before its letter (LaTeX via dvips), or a
    cedilla after it, as one character; left alone when Unicode has no such character."""
    accent, letter = (m[1], m[2]) if m[1] in _SPACING_ACCENTS else (m[4], m[3])
    letter = "i" if letter == "\u0131" else letter  # LaTeX puts the accent on a dotless i
    composed = unicodedata.normalize("NFC", letter + _SPACING_ACCENTS[accent])
    return composed if len(composed) == 1 else m[0]


# glyphs of a font without a text mapping: control characters ("\x10\x16": P04-1018) and private-use ones (a font's
# own codes; in the ACL PDFs only the pieces of large brackets, "\uf8ee")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ue000-\uf8ff]")


def _norm(text: str) -> str:
    """NFKC text with spacing accents composed; a control or private-use character, which a glyph of a font
    without a text mapping reads as, is U+FFFD (the unreadable character) like the glyphs MuPDF cannot map."""
    if _CONTROL.search(text):
        text = _CONTROL.sub("\ufffd", text)
    if text.isascii():
        return text
    if not _ACCENT_CHARS.isdisjoint(text):
        text = _ACCENTED.sub(_compose, text).replace("\u02dc", "~").replace("\u00b4", "'")  # "/~pkoehn", "John's"
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ")


def _is_mark(spans: list[dict], size: float) -> bool:
    """A footnote mark: one or two digits/symbols in a smaller font."""
    text = "".join(s["text"] for s in spans).strip()
    return 0 < len(text) <= 2 and all(c.isdigit() or c in _NOTE_MARKS for c in text) and \
        max(s["size"] for s in spans) < 0.8 * size


def _opens_a_note(ln: Line) -> bool:
    """A raised mark opens the line and a word or link follows ("2http://...", "5The intuition ..."); not a
    formula's subscript wrapped to the line start ("1) =", "1 | f J")."""
    return bool(ln.marker) and bool(re.match(r"\s*[^\W_]", ln.text[ln.marker:]))


def _make_line(segments: list[list[dict]], bbox: list[float]) -> Line:
    """One visual line from its MuPDF line segments: NFKC text, dominant size, bold share, bold prefix."""
    if len(segments) == 1 and len(segments[0]) == 1:  # the most common line: one span
        s = segments[0][0]
        bold = bool(s["flags"] & 16) or "Bold" in s["font"] or "bold" in s["font"]
        return Line(_norm(s["text"].strip()), *bbox, round(s["size"], 1), bold, "", False)
    spans, lengths, is_bold, sizes = [], [], [], {}
    bold_chars = 0
    for seg in segments:  # (one loop: this runs for every line of several spans)
        for s in seg:
            n = len(s["text"].strip())
            if n:
                font = s["font"]
                bold = bool(s["flags"] & 16) or "Bold" in font or "bold" in font
                key = round(s["size"], 1)
                sizes[key] = sizes.get(key, 0) + n
                spans.append(s)
                lengths.append(n)
                is_bold.append(bold)
                bold_chars += n if bold else 0
    text = _norm(_join_segments(segments))
    if len(spans) == 1:  # the same result as below in a fraction of the time
        return Line(text, *bbox, round(spans[0]["size"], 1), is_bold[0], "", False)
    size = max(sizes, key=sizes.get)
    marker = len(spans[0]["text"].strip()) if len(spans) > 1 and _is_mark(spans[:1], size) else 0
    end = _bold_lead(spans, is_bold)
    prefix = _bold_prefix(segments, spans[end] if 0 < end < len(spans) else None)
    bold = bold_chars >= 0.7 * sum(lengths) or end == len(spans)
    return Line(text, *bbox, size, bold, prefix, marker)


def _join_segments(segments: list[list[dict]]) -> str:
    """The text of a line's segments: spans joined as they are, segments with one space (none before
    punctuation)."""
    text = ""
    for seg in segments:
        piece = "".join(s["text"] for s in seg).strip()
        text += piece if not text or piece[:1] in ".,;:)]" else " " + piece
    return text


def _bold_lead(spans: list[dict], is_bold: list[bool]) -> int:
    """Where a line's bold lead-in ends (0: none; len(spans): the whole line). It may start with a
    subsection number in roman ("4.4.2" + bold title) and hold one plain span between bold ones (a
    small-caps name: "Results on the" + "Verbmobil" + "Task")."""
    k = int(len(spans) > 2 and is_bold[1] and bool(_SUBSECTION_NUMBER.fullmatch(spans[0]["text"].strip())))
    if not is_bold[k]:
        return 0
    end = k
    while end < len(spans) and (is_bold[end] or end + 1 < len(spans) and is_bold[end + 1]
                                and len(spans[end]["text"].split()) == 1):
        end += 1
    return end


def _bold_prefix(segments: list[list[dict]], plain: dict | None) -> str:
    """The bold lead-in of a line that goes on in plain text from span `plain` on ("2.1 Model." + "We use
    ..."), or "". A plain word that closes it belongs to it ("Precision and" + "Recall. Recall is ...");
    plain text that goes on in lower case continues it in another font: then there is none."""
    if plain is None:
        return ""
    at = next(i for i, seg in enumerate(segments) if any(s is plain for s in seg))
    cut = next(i for i, s in enumerate(segments[at]) if s is plain)
    before, after = segments[:at] + [segments[at][:cut]], [segments[at][cut:]] + segments[at + 1:]
    prefix, rest = _norm(_join_segments(before)), _norm(_join_segments(after))
    if rest[:1].islower():
        return ""
    closing = re.match(r"[A-Z][^\W\d_]*\.(?=\s|$)", rest)
    return prefix + " " + closing.group(0) if closing and not prefix.endswith((".", ":")) else prefix


def _page_lines(page: pymupdf.Page) -> list[list[Line]]:
    """Horizontal text lines of a page grouped by MuPDF block. Pieces of one visual line are merged
    ("1" + "Introduction"), footnote marks inside a line are dropped, rotated text (the arXiv stamp) too."""
    blocks = []
    for b in page.get_text("dict", flags=_FLAGS)["blocks"]:
        groups: list[tuple[list[list[dict]], list[float]]] = []
        for ln in b.get("lines", ()):
            dx, dy = ln["dir"]
            spans = ln["spans"]
            if abs(dy) > 0.05 or dx <= 0 or not (spans[0]["text"].strip() if len(spans) == 1
                                                 else any(s["text"].strip() for s in spans)):
                continue
            if len(spans) > 1:
                spans = [s for i, s in enumerate(spans) if not (i and s["flags"] & 1 and _is_mark([s], 99))]
            s = spans[0] if spans else None  # a list bullet from a symbol font reads as a letter ("r": lcircle)
            if s and len(s["text"]) <= 3 and len(s["text"].strip()) == 1 and _BULLET_FONT.search(s["font"]):
                s["text"] = s["text"].replace(s["text"].strip(), "\u2022")
            x0, y0, x1, y1 = ln["bbox"]
            if groups:
                segments, box = groups[-1]
                same_line = abs((y0 + y1) - (box[1] + box[3])) < 0.5 * max(y1 - y0, box[3] - box[1])
                if same_line and x0 >= box[0] and _is_mark(spans, segments[-1][-1]["size"]) and \
                        (y0 + y1) < (box[1] + box[3]):
                    continue  # raised footnote mark after a word
                if same_line and x0 >= box[2] - 2:
                    segments.append(spans)
                    box[2], box[1], box[3] = x1, min(box[1], y0), max(box[3], y1)
                    continue
            groups.append(([spans], [x0, y0, x1, y1]))
        lines = [_make_line(segments, box) for segments, box in groups]
        lines = [ln for ln in lines if ln.text]
        if lines:
            blocks.append(lines)
    return blocks


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower()).strip()


def _drop_furniture(pages: list[list[list[Line]]], heights: list[float]) -> None:
    """Remove page numbers and lines repeating in the top/bottom margins of several pages (in place). Further
    in (the outer 15%), a number alone in its block is a page number when it runs with the pages (page
    i + k on several pages: H92-1022 sets them at 89% of the page height), not a plot's tick."""
    def in_margin(ln: Line, h: float, band: float = 0.1) -> bool:
        return ln.y1 < band * h or ln.y0 > (1 - band) * h

    counts = Counter()
    for blocks, h in zip(pages, heights):
        counts.update({_furniture_key(ln.text) for b in blocks for ln in b if in_margin(ln, h)})
    limit = max(2, round(0.25 * len(pages)))
    lone = {(i, id(b[0])): int(b[0].text) - i for i, (blocks, h) in enumerate(zip(pages, heights)) for b in blocks
            if len(b) == 1 and b[0].text.isdigit() and len(b[0].text) <= 4 and in_margin(b[0], h, 0.15)}
    pages_by_offset = Counter(k for _, k in {(i, k) for (i, _), k in lone.items()})  # number - page: on how many pages
    offset, runs = pages_by_offset.most_common(1)[0] if lone else (None, 0)
    for i, (blocks, h) in enumerate(zip(pages, heights)):
        for b in blocks:
            b[:] = [ln for ln in b if not (in_margin(ln, h) and (
                counts[_furniture_key(ln.text)] >= limit or _PAGE_NUMBER.match(ln.text))
                or runs >= max(3, len(pages) / 2) and lone.get((i, id(ln))) == offset)]
        blocks[:] = [b for b in blocks if b]


def _split_columns(blocks: list[Block], width: float) -> list[Block]:
    """Reading order: full-width blocks in vertical order; between them, left column then right column."""
    if not blocks:
        return blocks
    left, right = min(b.x0 for b in blocks), max(b.x1 for b in blocks)
    mid, tol = (left + right) / 2, 0.03 * (right - left)
    side = {}
    for b in blocks:
        side[id(b)] = "L" if b.x1 <= mid + tol else "R" if b.x0 >= mid - tol else "S"
    chars = Counter()
    for b in blocks:
        chars[side[id(b)]] += len(b.text)
    total = sum(chars.values())
    if chars["L"] < 0.15 * total or chars["R"] < 0.15 * total:  # single column
        return sorted(blocks, key=lambda b: (round(b.y0), b.x0))
    spanning = sorted((b for b in blocks if side[id(b)] == "S"), key=lambda b: b.y0)
    bands: list[list[Block]] = [[] for _ in range(len(spanning) + 1)]
    for b in blocks:
        if side[id(b)] != "S":
            i = sum(1 for s in spanning if s.y0 < b.y0 - 1)
            bands[i].append(b)
    out = []
    for i, band in enumerate(bands):
        out += sorted(band, key=lambda b: (side[id(b)], b.y0))
        if i < len(spanning):
            out.append(spanning[i])
    return out


def _split_block(lines: list[Line], body: float, height: float = 792.0) -> list[list[Line]]:
    """Split a MuPDF block where a heading is stuck to its paragraph (the font size jumps, a bold
    heading line precedes plain text, or a plain line reads "References" or another section name), before
    a line that opens with a run-in subsection or section name ("5.1.2 Evaluation. The precision"; not
    "1. Tokenization. We split", a list item), never right after a run-in heading line,
    where a line leaves the block's column (table or figure text merged into a column's paragraph), before
    a caption under lines that are no running text (a table's cells and its caption in one block: I08-1004),
    and where body text gives way to small type that runs to the block's end (a footnote set in the text's
    block: P06-1104's last paragraph of page 1 had been read as part of the footnote)."""
    parts, cur = [], [lines[0]]
    left, right = lines[0].x0, lines[0].x1
    run_in = _run_in_heading(lines[0], stop=True)
    small_from = len(lines)  # the block's lines from here on are all in small type (a footnote under the text)
    while small_from > 0 and lines[small_from - 1].size < body - 1.5:
        small_from -= 1
    for i, (prev, ln) in enumerate(zip(lines, lines[1:]), 1):
        prev_run_in, run_in = run_in, _run_in_heading(ln, stop=True)
        split = not (prev_run_in and not run_in) and bool(  # not inside a run-in heading's paragraph
            run_in and (_NAMED.match(run_in) or _SUBSECTION_NUMBER.match(ln.text))  # a run-in subsection starts
            or abs(ln.size - prev.size) > 0.6 and max(ln.size, prev.size) > body + 0.6  # the font size jumps
            or i == small_from and prev.size > body - 0.6 and ln.y0 > 0.7 * height and _opens_a_note(ln)  # body
            # text, then a marked footnote low on the page to the block's end (P06-1104)
            or prev.bold and not ln.bold and _is_heading_text(prev.text)  # a bold heading line, then text
            or prev is lines[0] and _section_name(prev.text)  # "References", "4 Results" in body type
            or prev is lines[0] and "." in prev.text.split()[0] and _plain_numbered_heading(prev.text)
            and prev.x1 < ln.x1 - 4 * body and ln.text[:1].isupper() and len(ln.text.split()) >= 5  # "2.2 Existing
            # Treebank Formats", then a line of text (A97-1014; not a heading's second line: "WJ and simB")
            or len(cur) > 2 and (ln.x0 < left - 2 * body or ln.x1 > right + 2 * body)  # a line leaves the column
            or is_caption(ln.text) and not any(_prose(c.text) for c in cur)  # a table's cells, then its caption
            and not re.search(r"\b[a-z]+$", prev.text))  # (not "... shown in" / "Table 2. Our system ...")
        if split:
            parts.append(cur)
            cur = []
            left, right = ln.x0, ln.x1
        cur.append(ln)
        left, right = min(left, ln.x0), max(right, ln.x1)
    parts.append(cur)
    return parts


def _run_in_heading(ln: Line, stop: bool = False) -> str:
    """The heading that opens a line in bold and runs into its paragraph's text, or "". It ends with a stop
    or a colon ("2.1 Model. We use"), or, unless `stop`, is a section name ("Acknowledgments This work").
    Unless `stop`, a line that is a bold heading and up to 4 more words with no stop is a heading whose last
    words are in another font ("5 Concluding" + "Remarks")."""
    head = ln.bold_prefix.rstrip(".: ")
    if not head or not _is_heading_text(head):
        return ""
    if ln.bold_prefix.endswith((".", ":")) or not stop and _NAMED.match(head):
        return head
    if stop or len(ln.text.split()) - len(ln.bold_prefix.split()) > 4 or _ends_sentence(ln.text):
        return ""
    return ln.text.strip()  # the whole line: "5 Concluding" + "Remarks"


def _section_name(text: str) -> bool:
    """A capitalised section name, numbered or not ("Results", "4 Results"): a heading in any font."""
    m = _NUMBERED.match(text)
    name = m["title"] if m else text
    return name[:1].isupper() and bool(_NAMED.match(name))


_SENTENCE_OPENERS = {"We", "It", "Its", "This", "These", "Those", "They", "Their", "Our", "He", "She", "There",
                     "Here", "I", "A", "An", "If", "In", "On", "At", "For", "To", "As", "By", "With", "From", "All",
                     "Each", "Every", "Some", "No", "One", "Two", "Three", "Such", "That", "When", "While", "Then"}
_OPEN_ENDINGS = {"a", "an", "the", "of", "and", "or", "for", "in", "to", "with", "on", "by", "from", "at"}


def _plain_numbered_heading(text: str) -> bool:
    """A numbered heading set in body type, as old scans have them: "3.1 A simple system", "2 The MUC
    Competition" (a line of its own, an arabic number, a title of words only; a number without a dot
    needs a title in title case, so "2 We then ..." stays text). Kept only when its number follows
    the headings before it (`_number_follows`)."""
    m = _NUMBERED.match(text)
    if not m or not m["num"][0].isdigit() or not re.fullmatch(r"[A-Za-z][A-Za-z()'&/ -]*", m["title"]):
        return False
    words = m["title"].split()
    if not 1 <= len(words) <= 8 or words[-1].lower() in _OPEN_ENDINGS:  # "3 Frequency Distributions of the"
        return False
    if len(words) == 1 and words[0].isupper() and "." not in m["num"]:  # "1 VBNP": a table's tag, not "5.4.1 MERT"
        return False
    long_words = [w for w in words if len(w) > 3]
    if "." in m["num"] or sum(w[0].isupper() for w in long_words) >= max(1, 0.75 * len(long_words)):
        return True
    # sentence case, as many ACL papers set headings ("5 The role of gazetteers", "4 MUC results"): a short title
    # that opens with a capital, not with a sentence's pronoun ("2 We then tag the words")
    return 2 <= len(words) <= 6 and words[0][0].isupper() and words[0] not in _SENTENCE_OPENERS


def _heading_number(text: str) -> tuple[int, ...] | None:
    m = _NUMBERED.match(text)
    return tuple(int(x) for x in m["num"].split(".")) if m and m["num"][0].isdigit() else None


def _number_follows(num: tuple[int, ...], last: tuple[int, ...] | None) -> bool:
    """Whether heading number `num` can come after `last` (the previous numbered heading): later in
    order and at most one chapter on ("2.2" -> "2.3", "3", "3.1", "2.2.1"; not "2", "5")."""
    if last is None:
        return num[0] <= 2
    return num > last and num[0] <= last[0] + 1


def _drop_unordered_headings(pages: list[list[Block]]) -> None:
    """Plain numbered headings (body type) whose number does not follow the headings before them are
    table rows or examples ("2 Bridging" in a table after section 5): body text."""
    last = None
    for b in (b for blocks in pages for b in blocks if b.kind == "heading"):
        num = _heading_number(b.text)
        if b.plain and (num is None or not _number_follows(num, last)):
            b.kind, b.plain = "body", False
        elif num is not None:
            last = num


_HEADING_GLUE = {"and", "of", "the", "for", "in", "on", "with", "to", "a", "an", "--", "-"}  # a title's small words
_OPEN_HEADING = re.compile(r"(?:[,:\u2013\u2014-]|\b(?:and|of|the|for|in|on|with|to))\s*$", re.I)  # goes on below


def _capitals_heading(b: Block, body: float) -> bool:
    """An unnumbered heading set in bold capitals, as old scans have them ("THE CORPUS -- TECHNICAL,",
    "EXPERIMENT #1: CLASSIFICATION OF THE 1,000 HIGHEST FREQUENCY WORDS"): up to 3 lines and 12 words
    of at least body size, mostly letters, two words or more, no sentence's end, with a title's small word
    ("OF", "AND"), a closing ":" or a section number, and no other word twice (a table's header has neither:
    "SYSTEM PRECISION RECALL", "TEST 1 TEST 2")."""
    text = b.text
    if len(b.lines) > 3 or len(text) > 150 or not text.isupper() or not b.bold:  # (the cheap tests first)
        return False
    words = text.split()
    content = [w for w in words if w.lower() not in _HEADING_GLUE]
    return (2 <= len(words) <= 12 and b.size >= body - 0.5 and text.rstrip()[-1:] not in ".!?"
            and sum(c.isalpha() for c in text) > 0.7 * len(text.replace(" ", ""))
            and (len(content) < len(words) or text.rstrip().endswith(":") or _NUMBERED.match(text))
            and len(set(content)) == len(content))


def _join_heading_lines(pages: list[list[Block]]) -> None:
    """A heading's second line set as a block of its own (old scans) joins it: a one-line block of at most 6
    words, mostly letters, in the heading's type right below it, bold and not left of it (or centred under
    a heading that cannot end there, bold or in capitals), that starts in lower case ("2.1 Measures based
    on the general" / "corpus:") or is an unnumbered heading set under a numbered one's title ("5. The
    Strategic Incremental Copy Graph Unification" / "Method") or under one that cannot end there ("THE
    CORPUS -- TECHNICAL," / "FOCUSED AND SMALL", "EXPERIMENT #2:" / "DISAMBIGUATION OF -ED"). Before, the
    line opened the section's first paragraph or was a section of its own."""
    for blocks in pages:
        i = 0
        while i + 1 < len(blocks):
            a, b = blocks[i], blocks[i + 1]
            if a.kind != "heading" or len(b.lines) != 1:  # (the cheap tests first: this runs for every block)
                i += 1
                continue
            centred = abs(a.x0 + a.x1 - b.x0 - b.x1) < 4 * a.size  # (centre to centre within 2 em)
            open_ended = bool(_OPEN_HEADING.search(a.text)) or len(a.lines) > 1 and centred  # a third centred line
            words_only = sum(c.isalpha() for c in b.text) > 0.7 * len(b.text.replace(" ", "")) and not re.search(
                r"[=|<>]|->", b.text)  # not a formula or a grammar rule ("S -> NP VP")
            second = words_only and (b.kind == "body" and (b.text[:1].islower() or open_ended and b.text.isupper())
                      or b.kind == "heading" and _heading_number(b.text) is None
                      and (b.x0 > a.x0 + 2 and _heading_number(a.text) is not None or open_ended))
            if second and (b.bold or open_ended and b.text.isupper()) and len(b.text.split()) <= 6 \
                    and abs(b.size - a.size) < 0.5 and (open_ended or not _ends_sentence(a.text)) \
                    and -2 <= b.y0 - a.y1 < 0.5 * a.size and (a.x0 - 2 <= b.x0 < a.x1 or open_ended and centred):
                blocks[i:i + 2] = [Block(a.lines + b.lines, a.page, "heading", a.level, a.plain)]
            else:  # (after a join, the joined heading may take a third line)
                i += 1


def _is_heading_text(text: str) -> bool:
    return bool(_NAMED.match(text) or _NUMBERED.match(text))


def _heading_level(text: str) -> int:
    m = _NUMBERED.match(text)
    return m.group("num").count(".") + 1 if m else 1


class _Builder:
    """Accumulates paragraphs (as (text, page) pieces) and routes them to abstract/sections/references."""

    def __init__(self, doc: Document, vocab: Counter):
        self.doc, self.vocab, self.corpus = doc, vocab, corpus_words()
        self.mode = "body"  # body | abstract | references
        self.pieces: list[tuple[str, int]] = []
        self.pending: list[tuple[int, str, int, str]] = []  # (offset in open paragraph, text, page, kind) of floats
        self.last: tuple[Line, int, float] | None = None  # last body line, its page, its block's right edge

    def _glue(self, text: str, nxt: str) -> tuple[str, str]:
        """How two consecutive lines join: (previous line, possibly without its hyphen; separator).

        A line-end hyphen follows the paper: dropped when the joined word occurs in it at least as often as
        the hyphenated form, kept when the hyphenated form is the more frequent. When the paper has neither,
        it follows the corpus (`lexicon`: "with-out" -> "without", "kernel-based" stays) the same way; two
        words the corpus knows keep it ("PoS-unaware"). Else it is dropped if the tail is a suffix
        ("correspond-ing"), the head is no word of the paper but begins one ("signifi-cantly" next to
        "significant"), or the tail is no word of the paper and the head has 2-3 letters ("as-sumptions")
        or is no word of the paper either ("hierarchi-cal"); otherwise kept ("summary-worthy"). When the
        tail goes on with a hyphen it is dropped only for a known word ("ker-" + "nel-based"), never
        otherwise ("off-" + "the-shelf")."""
        if nxt[:1].isdigit() and re.search(r"(?<![\w-])[A-Z][^\W\d_]*[-\u2010\u2013]$|\d\u2013$", text):
            return text, ""  # "MUC-" + "7", "Senseval-" + "3", "61.8–" + "74.8" (not "propor-" + a note's "3")
        if text[-1] not in _HYPHENS:
            return text, " "
        if text.endswith("\u00ad"):
            return text[:-1], ""
        head = re.search(r"([^\W\d_]+)[-\u2010]$", text)
        tail = re.match(r"[^\W\d_]+", nxt)
        if text.endswith("/-") and nxt[:1].isalnum():  # a URL broken after "/": ".../pabo/-" + "movie-review-data/"
            return text[:-1], ""
        if tail and nxt[:1].islower() and re.search(r"\d[-\u2010]$", text):  # "120-" + "document": one word
            return text, ""
        if not (head and tail):
            return text, " "
        h, t = head.group(1).lower(), tail.group(0).lower()
        if not nxt[:1].islower():  # "Anglo-" + "Saxon" keeps it; "CoNL-" + "L" is "CoNLL" when the paper says so
            known = self.vocab[h + t] and not self.vocab[f"{h}-{t}"] and (
                head.group(1)[-1:].isupper() or head.group(1)[:1].isupper() and self.vocab[h + t] >= 2)  # "Sem-" + "Cor"
            return (text[:-1] if known else text), ""
        corpus = self.corpus
        if nxt[tail.end():tail.end() + 1] in _HYPHENS:  # "ker-" + "nel-based", "off-" + "the-shelf"
            known = (self.vocab[h + t] or corpus[h + t]) and not (self.vocab[f"{h}-{t}"] or corpus[f"{h}-{t}"])
            return (text[:-1] if known else text), ""
        for joined, hyphenated in ((self.vocab[h + t], self.vocab[f"{h}-{t}"]), (corpus[h + t], corpus[f"{h}-{t}"])):
            if joined or hyphenated:  # the paper's usage, else the corpus's
                return (text[:-1] if joined >= hyphenated else text), ""
        if corpus[t] and (self.vocab[h] or corpus[h]):  # two known words: a compound
            return text, ""
        if t in _SUFFIXES or not self.vocab[h] and h in self.prefixes \
                or not self.vocab[t] and len(h) >= 2 and (len(h) <= 3 or not self.vocab[h]):
            return text[:-1], ""
        return text, ""

    @cached_property
    def prefixes(self) -> set[str]:
        """Proper prefixes (3+ letters) of the paper's words."""
        return {w[:i] for w in self.vocab if "-" not in w for i in range(3, len(w))}

    def join(self, lines: list[str]) -> str:
        """Lines of one caption/footnote joined like body lines (hyphens repaired)."""
        text = lines[0]
        for ln in lines[1:]:
            text, sep = self._glue(text, ln)
            text += sep + ln
        return text

    def add_line(self, text: str, page: int) -> None:
        if self.pieces:
            last, p = self.pieces[-1]
            last, sep = self._glue(last, text)
            self.pieces[-1] = (last, p)
            text = sep + text
        self.pieces.append((text, page))

    def close(self) -> None:
        """Finish the open paragraph, with the captions/footnotes that interrupted it placed after the
        sentence they interrupt (the paragraph is split there; no sentence is ever cut)."""
        if self.pieces:
            self._emit(self.pieces, self.pending)
            self.pieces = []
        else:
            for _, text, page, kind in self.pending:
                self._emit([(text, page)], kind=kind)
        self.pending = []

    def add_float(self, b: Block) -> None:
        """A caption or footnote: a paragraph of its own, after the sentence it interrupts if any. A block of
        several footnotes is one paragraph per note: a line that opens with a raised mark starts a note
        ("1 The same data as in Section 3.2." / "2 http://code.google.com/p/jwpl/", E12-1054)."""
        notes = [[b.lines[0]]]
        for ln in b.lines[1:]:
            if b.kind == "footnote" and _opens_a_note(ln):
                notes.append([ln])
            else:
                notes[-1].append(ln)
        for lines in notes:
            text = self.join([ln.text for ln in lines])
            if b.kind == "footnote":  # its own mark ("1 The code ...", a raised "2" before a URL) is no text
                # (exactly the raised mark: a note may open with digits of its own, "2" + "50 of the papers")
                text = text[lines[0].marker:].lstrip() if _opens_a_note(lines[0]) else _FOOTNOTE_MARK.sub("", text, count=1)
            if self.pieces:
                self.pending.append((sum(len(t) for t, _ in self.pieces), text, b.page, b.kind))
            else:
                self._emit([(text, b.page)], kind=b.kind)

    def _emit(self, pieces: list[tuple[str, int]], floats: list[tuple[int, str, int, str]] = (),
              kind: str = "body") -> None:
        text, starts = "", []
        for t, p in pieces:
            starts.append((len(text), p))
            text += t
        if self.mode == "references":
            self.doc.references.append(re.sub(r"\s+", " ", text).strip())
            for _, t, p, k in floats:
                self._emit([(t, p)], kind=k)
            return
        sents, offsets, cursor = [], [], 0
        for s in split_sentences(text):
            first = s.split(" ", 1)[0]
            i = text.find(first, cursor)
            i = cursor if i < 0 else i
            page = next((p for off, p in reversed(starts) if off <= i), starts[0][1])
            sents.append(Sentence(s, page))
            offsets.append(i)
            cursor = i + len(first)
        # cut at the boundary of the sentence holding each float's position that is nearer to that
        # position (before or after the sentence): [sentences][float][sentences]...
        k = 0
        for at, t, p, float_kind in floats:
            n = sum(1 for o in offsets if o < at)
            if 0 < n and at - offsets[n - 1] < (offsets[n] if n < len(offsets) else len(text)) - at:
                n -= 1
            n = max(n, k)
            if n > k:
                self._add_paragraph(Paragraph(sents[k:n], kind))
                k = n
            self._add_paragraph_text(t, p, float_kind)
        if k < len(sents):
            self._add_paragraph(Paragraph(sents[k:], kind))

    def _add_paragraph_text(self, text: str, page: int, kind: str) -> None:
        sents = [Sentence(s, page) for s in split_sentences(text)]
        if sents:
            self._add_paragraph(Paragraph(sents, kind))

    def _add_paragraph(self, par: Paragraph) -> None:
        if self.mode == "abstract":
            self.doc.abstract.append(par)
        else:
            if not self.doc.sections:
                self.doc.sections.append(Section("", 1, par.page))
            self.doc.sections[-1].paragraphs.append(par)

    def heading(self, text: str, level: int, page: int) -> None:
        self.close()
        numbered = _NUMBERED.match(text)
        name = (numbered.group("title") if numbered else text).rstrip(".:")
        if self.mode == "references" and _REFERENCE_ENTRY.match(text):
            self.add_line(text, page)  # "D. Jurafsky, Chuck Wooters, ...", "B. Srinivas. 1997b.": an entry, no heading
        elif name.lower() == "abstract":
            self.mode = "abstract"
        elif _REFERENCES.match(name):
            self.mode = "references"
        else:
            self.mode = "body"
            self.doc.sections.append(Section(text, level, page))


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?:;][\"')\]]*$", text))


def read_pdf(path: str, password: str | None = None, pdf: pymupdf.Document | None = None) -> Document:
    """Read a born-digital PDF into a Document (see the module docstring for the pipeline)."""
    own = pdf is None
    if own:
        pdf = pymupdf.open(path)
    try:
        if pdf.is_encrypted and not pdf.authenticate(password or ""):
            raise ValueError("encrypted PDF: wrong or missing password")
        return _read(pdf, str(path))
    finally:
        if own:
            pdf.close()


def _read(pdf: pymupdf.Document, source: str) -> Document:
    doc = Document(source=source, pages=pdf.page_count)
    raw_pages, heights, widths = [], [], []
    for i, page in enumerate(pdf):
        blocks = _page_lines(page)
        chars = sum(len(ln.text) for b in blocks for ln in b)
        if chars < 20 and page.get_images():
            doc.warnings.append(f"page {i + 1}: no text layer (scanned?)")
        elif chars and sum(ln.text.count("\ufffd") for b in blocks for ln in b) > UNREADABLE_PAGE * chars:
            doc.warnings.append(f"page {i + 1}: mostly unreadable characters (U+FFFD)")
            blocks = []
        raw_pages.append(blocks)
        heights.append(page.rect.height)
        widths.append(page.rect.width)
    _drop_furniture(raw_pages, heights)

    sizes: Counter = Counter()
    for ln in (ln for blocks in raw_pages for b in blocks for ln in b):
        sizes[ln.size] += len(ln.text)
    vocab = _paper_vocab(raw_pages)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    toc = {_toc_key(t): lvl for lvl, t, _ in pdf.get_toc()}

    pages = []
    for pno, blocks in enumerate(raw_pages):
        # old scans set some pages in a smaller type: a footnote is small for its page's prose, not for the paper
        page_sizes: Counter = Counter()
        for ln in (ln for b in blocks for ln in b if _prose(ln.text)):
            page_sizes[ln.size] += len(ln.text)
        small = min(body, page_sizes.most_common(1)[0][0]) if page_sizes else body
        out, continued = [], set()  # (captions that took a line below them)
        for lines in blocks:
            for part in _split_block(lines, body, heights[pno]):
                b = Block(part, pno + 1)
                _classify(b, body, heights[pno], toc, small)
                note = out[-1] if out and out[-1].kind == "footnote" else None
                if note and b.kind == "body" and b.y0 > 0.75 * heights[pno] and abs(b.y0 - note.y1) < note.size \
                        and note.text.rstrip().endswith((",", ";", ":", "-")):
                    b.kind = "footnote"  # the rest of a footnote cut at a comma, as a block of its own (C90-2039)
                cap = out[-1] if out and out[-1].kind == "caption" else None
                if cap and b.kind == "body" and -1 <= b.y0 - cap.y1 < cap.size and not _ends_sentence(cap.text) and (
                        b.size < small - 0.9 and abs(b.x0 - cap.x0) < body and cap.lines[-1].x1 >= b.x1 - body
                        and (b.text[:1].islower() or id(cap) in continued)
                        or len(b.lines) == 1 and b.text[:1].islower() and cap.x0 - 1 <= b.x0 and b.x1 <= cap.x1 + 1):
                    # a caption's rest set as blocks of their own below it: in small type, one per line (P09-1074:
                    # "... including the number of" / "documents, annotated CEs, ..." / "CEs per chain ..."), or
                    # a centred last line ("Table 7: optimal context size using both" / "classifiers.", C04-1131).
                    # It goes on in lower case, under a caption line that was wrapped (ran as far right as the
                    # block); a short caption over a table's small-type cells ("System P R F1 ...") takes none
                    out[-1] = Block(cap.lines + b.lines, b.page, kind="caption")
                    continued.add(id(out[-1]))
                    continue
                out.append(b)
        _mark_figure_text(out, body, widths[pno])
        pages.append(_split_columns(out, widths[pno]))
    _front_matter(doc, pages, body, pdf.metadata.get("title") or "")
    _drop_unordered_headings(pages)
    _join_heading_lines(pages)

    builder = _Builder(doc, vocab)
    for blocks in pages:
        for b in blocks:
            if b.kind == "front":
                continue
            if b.kind == "caption" or b.kind == "footnote" and builder.mode != "references":
                builder.add_float(b)
            elif b.kind == "heading":  # (a heading's lines joined like body lines: "Relation Ex-" + "traction")
                builder.heading(builder.join([ln.text for ln in b.lines]), b.level, b.page)
            else:
                _add_body_block(builder, b)
    builder.close()
    gap = _numbering_gap([s.heading for s in doc.sections])
    if gap:
        doc.warnings.append(f"section numbers jump from {gap[0]} to {gap[1]}: a heading may have been read as text")
    sentences = [s.text for _, _, s in doc.body_sentences()]
    unreadable = sum("\ufffd" in t for t in sentences) / max(1, len(sentences))
    if unreadable > UNREADABLE_SHARE:
        doc.warnings.append(f"{unreadable:.0%} of the sentences hold unreadable characters (a font without a text "
                            "mapping): numbers, symbols or words may be missing from them")
    unknown = _unknown_share(doc.body_text())
    if unknown > GARBLED_SHARE:
        doc.warnings.append(f"{unknown:.0%} of the words are unknown to the corpus lexicon: a garbled text layer "
                            "(OCR?) or another language")
    return doc


UNREADABLE_PAGE = 0.5  # a page whose characters are mostly U+FFFD is dropped (a broken font); below, its text stays
# (over the 120 ACL PDFs at most 6% per page, formula glyphs; the warning below tells the reader)
UNREADABLE_SHARE = 0.1  # over the 120 ACL PDFs: 4 papers above (P04-1018's numbers, P01-1027, W03-1025, I05-3013)
GARBLED_SHARE = 0.12  # over the 120 ACL PDFs: median 1.5%; above this, 4 papers: 3 garbled scans, 1 with Urdu


def _unknown_share(text: str) -> float:
    """Share of the words (3+ letters) in the first 20,000 characters of a text that the corpus lexicon lacks
    (0 if there are fewer than 300 such words)."""
    lexicon = corpus_words()
    words = re.findall(r"[^\W\d_]{3,}", text[:20_000].lower())  # (the first 20,000 characters tell)
    return sum(w not in lexicon for w in words) / len(words) if len(words) >= 300 and lexicon else 0.0


def _numbering_gap(headings: list[str]) -> tuple[int, int] | None:
    """The first jump in the chapter numbers of numbered headings ("2 ...", "4 ..."), if any."""
    chapters = [n[0] for n in map(_heading_number, headings) if n]
    return next(((a, b) for a, b in zip(chapters, chapters[1:]) if b > a + 1), None)


def _paper_vocab(pages: list[list[list[Line]]]) -> Counter:
    """Lower-case word counts of the paper, with the parts of in-line compounds ("rule-based": rule-based,
    rule, based). The two pieces of a word split by a line-end hyphen ("imple-" / "menting") are not
    words of the paper: counted, a word split twice made its pieces look like words. A split at a block's
    end continues in the next block that starts in lower case, on the same page or the next (past a
    figure or a column)."""
    found: list[str] = []
    carried = -9  # the page on which an earlier block ended with a split word
    for page, blocks in enumerate(pages):
        for b in blocks:
            split = False  # the previous line ended with a split word
            for ln in b:
                words = _WORD.findall(ln.text.lower())
                if ln.text.lstrip()[:1].islower() and (split or ln is b[0] and page - carried <= 1):
                    words, carried = words[1:], carried if ln is not b[0] else -9
                end = ln.text.rstrip()[-2:]
                split = len(end) == 2 and end[1] in _HYPHENS and end[0].isalpha()
                if split:
                    words = words[:-1]
                found += words
                if "-" in ln.text:
                    found += [part for w in words if "-" in w for part in w.split("-")]
            carried = page if split else carried
    return Counter(found)


def _mark_figure_text(blocks: list[Block], body: float, width: float = 612.0) -> None:
    """Text inside a figure or table (cells, axis labels, plotted words) is part of its float, not body
    text: blocks without a line of running text that overlap a caption horizontally (or, for a plot's tick
    labels, the chain's width, in the caption's column) and lie between it and the far edge of the chain
    of such blocks stacked above it (or below a table caption), or within 2.5 lines past that edge, become
    caption paragraphs, placed like the caption (never
    inside a sentence) and never picked for a summary; so do blocks of mostly numbers anywhere (a table's
    rows, a plot's ticks: "79 80 81 ... 89")."""
    gap = 2.5 * body
    captions = [b for b in blocks if b.kind == "caption"]
    loose = [b for b in blocks if b.kind == "body" and not _prose_block(b)]  # candidates for float text
    for b in loose:  # a table's rows or a plot's ticks: mostly numbers
        tokens = b.text.split()
        if len(tokens) >= 6 and sum(bool(_NUMBER_TOKEN.fullmatch(t)) for t in tokens) >= 0.5 * len(tokens):
            b.kind = "caption"
    for cap in captions:
        # a table under its caption only when nothing sits on top of it (else below is text: references...)
        mid = width / 2  # tick labels only from the caption's column (the gutter is narrower than `gap`)
        lo, hi = (0.0, mid) if cap.x1 <= mid + body else (mid, width) if cap.x0 >= mid - body else (0.0, width)
        for above in (True, False) if cap.text.lower().startswith("tab") else (True,):
            edge, marked, x0, x1 = (cap.y0 if above else cap.y1), 0, cap.x0, cap.x1
            while True:
                # between the caption and the chain's far edge, or within `gap` past it (plot labels overlap);
                # beside the caption's width only a plot's tick labels ("0.25", "Value"), within the chain's width
                near = [b for b in loose if (b.x1 > cap.x0 and b.x0 < cap.x1
                                             or _tick_label(b) and b.x1 > x0 and b.x0 < x1 and b.x0 >= lo and b.x1 <= hi)
                        and (b.y1 <= cap.y0 + 2 and edge - b.y1 <= gap if above
                             else b.y0 >= cap.y1 - 2 and b.y0 - edge <= gap)]
                if not near:
                    break
                for b in near:  # each block joins one chain
                    b.kind = "caption"
                    loose.remove(b)
                marked += len(near)
                edge = min(edge, *(b.y0 for b in near)) if above else max(edge, *(b.y1 for b in near))
                x0, x1 = min(x0, *(b.x0 - gap for b in near)), max(x1, *(b.x1 + gap for b in near))
            if marked:
                break


def _tick_label(b: Block) -> bool:
    """A plot's tick or axis label: one line of numbers, or of at most two words without a lower-case one."""
    tokens = b.text.split()
    return len(b.lines) == 1 and (all(_NUMBER_TOKEN.fullmatch(t) for t in tokens)
                                  or len(tokens) <= 2 and not any(t[:1].islower() for t in tokens))


_NUMBER_TOKEN = re.compile(r"[-+±(]?\d[\d.,:/]*%?\)?|[-–—]")


def _prose_block(b: Block) -> bool:
    """Running text: a line of prose, lines of it in a narrow column ("Given multiple constituents that
    cover / identical spans ..."), or a sentence's end ("... according to Figure 5.")."""
    if any(_prose(ln.text) for ln in b.lines):
        return True
    words = b.text.split()
    if len(words) < 5 or len(words) < 12 and not _ends_sentence(b.text[-1:]):
        return False
    lower = _lower_words(words)
    return (len(b.lines) > 1 and len(words) >= 12 and lower >= 0.75 * len(words)
            or _ends_sentence(b.text[-1:]) and lower >= 0.5 * len(words))


@lru_cache(maxsize=8192)  # asked per line for the page's type size, then again per block
def _prose(text: str) -> bool:
    """A line of running text, not a table row: 8+ words, nearly all of them lower-case words."""
    words = text.split()
    return len(words) >= 8 and _lower_words(words) >= 0.75 * len(words)


def _lower_words(words: list[str]) -> int:
    """How many of the words are lower-case words ("parser", "rule-based,"), not numbers, symbols or names."""
    n = 0
    for w in words:  # (a loop, not sum() over a generator: this runs for every line of every page)
        if w[:1].islower() and w.strip(".,;:()").replace("-", "").isalpha():
            n += 1
    return n


def _toc_key(text: str) -> str:
    return re.sub(r"[^a-z]", "", _norm(text).lower())


def _mostly_letters(text: str) -> bool:
    """A numbered line of letters, not a formula's: "3 Results", or a title with a word ("2.2 Stage 2"; not
    "4 V k a;", "16 Ku"); a figure's "I I I" counts, to be set apart as figure text (`_classify`)."""
    def share(t: str) -> float:
        return sum(c.isalpha() for c in t) / max(1, len(t.replace(" ", "")))
    title = _NUMBERED.match(text)["title"]
    return share(text) > 0.6 or share(title) > 0.6 and bool(re.search(r"[^\W\d_]{3}", title))


def _classify(b: Block, body: float, height: float, toc: dict[str, int], page_body: float | None = None) -> None:
    """Heading, caption, footnote (smaller than the page's body type, or a marked block low on the page)
    or body; `page_body`: the type size of the page's running text when smaller than the paper's."""
    text, size = b.text, b.size
    page_body = min(body, page_body or body)
    short = len(text) <= 100 and len(b.lines) <= 2 and not _run_in_heading(b.lines[0], stop=True)
    if is_caption(text):
        b.kind = "caption"
    elif short and toc and _toc_key(text) in toc and not _ends_sentence(text[-1:]):
        b.kind, b.level = "heading", toc[_toc_key(text)]
    elif short and (_section_name(text) and (_NUMBERED.match(text) or size >= page_body - 1.5) and (  # a table's
                    # "Related Work" in small type is no heading (C10-2052)
                    b.bold or size > body + 0.5 or text.isupper() or len(b.lines) == 1 and text[-1] != ".")
                    or _NUMBERED.match(text) and (b.bold or size > body + 0.5)  # letters, not a formula's
                    and _mostly_letters(text)):
        b.kind, b.level = "heading", _heading_level(text)
    elif short and (len(b.lines) == 1 or b.lines[1].x0 > b.lines[0].x0 + 3) and size >= page_body - 0.9 \
            and _plain_numbered_heading(text):  # one line, or two with the title's hanging indent (P97-1041)
        b.kind, b.level, b.plain = "heading", _heading_level(text), True
    elif _capitals_heading(b, body):
        b.kind, b.level = "heading", 1
    elif len(text) > 3 and (size < page_body - 0.9 and b.y0 > 0.6 * height or b.y0 > 0.75 * height and (
            b.lines[0].marker and size < page_body - 0.4 or _FOOTNOTE_START.match(text))):
        # (a small raised "1" opening a line in body type is a subscript, "f_1^J grows ...", not a mark)
        b.kind = "footnote"
        if b.page == 1 and _VENUE_FOOTER.search(text):  # "Proceedings of ..., pages 9-16", "(c) 2008 ACL"
            b.kind = "front"
    if b.page == 1 and b.y1 < 0.1 * height and any(_VENUE_FOOTER.search(ln.text) for ln in b.lines):
        b.kind = "front"  # the venue line set as a page-1 header ("Proceedings of the Conference on ...": W02-1011)
    if b.kind == "heading" and not re.search(r"[^\W\d_]{2}", text):  # "I I I", "1 K M": a figure's letters
        b.kind = "caption"


def _front_matter(doc: Document, pages: list[list[Block]], body: float, meta_title: str) -> None:
    """Title, authors, abstract without a heading, and page-1 blocks above the first heading (dropped).

    The title is the metadata title when page 1 shows it (a placeholder such as "Proceedings of the..."
    does not count), else the largest-font text of page 1.
    """
    first = pages[0] if pages else []
    for b in first:  # a journal's column label above the title ("Squibs and Discussions")
        if _COLUMN_LABEL.match(b.text.strip()):
            b.kind = "front"
    candidates = [b for b in first if b.kind != "front" and sum(c.isalpha() for c in b.text) >= 4]
    if not candidates:
        return
    for b in first:  # run-in "Abstract—We ..." paragraph
        if b.kind == "body" and _ABSTRACT_RUNIN.match(b.text):
            b.lines[0].text = _ABSTRACT_RUNIN.sub("", b.lines[0].text)
            b.kind = "abstract"
            break
    key = "" if _PLACEHOLDER_TITLE.search(meta_title.strip()) else _toc_key(meta_title)
    title_block = next((b for b in candidates if len(key) > 10 and (
        key in _toc_key(b.text) or len(_toc_key(b.text)) > 10 and key.startswith(_toc_key(b.text)))), None)
    from_metadata = title_block is not None
    top = max(max(ln.size for ln in b.lines) for b in candidates)
    if title_block is None:
        title_block = next(b for b in candidates if max(ln.size for ln in b.lines) == top)
        if top <= body + 0.5 or title_block.y0 > 0.5 * max(b.y1 for b in first):
            return
    top = max(ln.size for ln in title_block.lines)
    title_lines = [ln for ln in title_block.lines if ln.size >= top - 0.6]
    title_block.kind = "front"
    for b in first[first.index(title_block) + 1:]:  # a title set as several blocks, one per line
        if (from_metadata and key in _toc_key(" ".join(ln.text for ln in title_lines))
                and not title_lines[-1].text.rstrip().endswith((":", "-", "–", ","))):
            break  # the metadata title is complete: what follows in the same font is the authors line
        if abs(b.size - top) > 0.6 or b.y0 - title_lines[-1].y1 > 1.5 * top or b.bold != title_block.bold or (
                _NAMED.match(b.text)):
            break
        title_lines += b.lines
        b.kind = "front"
    doc.title = re.sub(r"\s*[*\u2217\u2020\u2021]+$", "", " ".join(ln.text for ln in title_lines))  # footnote marks
    mark = re.search(r"\s[1It]$", doc.title)  # an OCR'd note mark the metadata title lacks ("... Grammars I": J98-2005)
    if mark and len(doc.title) > 20 and _toc_key(meta_title).endswith(_toc_key(doc.title[:mark.start()])) \
            and not re.search(rf"\s{mark.group().strip()}\W*$", meta_title):  # ("... Part 1" in both keeps it)
        doc.title = doc.title[:mark.start()]
    doc.title = re.sub(r"(?<=[^\W\d_]{4})\.$", "", doc.title)  # a title set as a sentence ("... Alternations.": A00-2034)
    start = first.index(title_block) + 1
    abstract_at = next((i for i, b in enumerate(first[start:], start) if b.kind == "heading"
                        and b.text.lower().startswith("abstract")), start)
    abstract = first[abstract_at] if abstract_at < len(first) and first[abstract_at].kind == "heading" else None
    for i, b in enumerate(first[start:], start):  # an authors line read as a lettered heading ("H. Ney, F. J. Och"),
        # or an address in the right column above the Abstract heading ("2 Buccleuch Pl., Edinburgh": N04-1016)
        if b.kind == "heading" and (i < abstract_at or abstract is not None and b is not abstract
                                    and title_block.y1 - 1 <= b.y0 and b.y1 <= abstract.y0):
            b.kind = "body"
    stop = next((i for i, b in enumerate(first) if b.kind in ("heading", "abstract")), None)
    if stop is None:  # no heading on page 1 (journal style): front matter ends at the first long block
        stop = next((i for i, b in enumerate(first) if b.kind == "body" and b.y0 > title_block.y0
                     and len(b.text.split()) >= 30), None)
        if stop is not None and not any(b.kind == "abstract" for b in first):
            first[stop].kind = "abstract"
    limit = first[stop].y0 if stop is not None else title_block.y1
    front = [b for i, b in enumerate(first) if b.kind == "body" and b.y0 >= title_block.y0 and (
        b.y1 <= limit + 2 or b.y0 < limit and stop is not None and i < stop)]
    has_abstract = any(b.kind == "abstract" or b.kind == "heading" and b.text.lower().startswith("abstract")
                       for b in first)
    for b in front:
        b.kind = "abstract" if not has_abstract and len(b.text.split()) >= 30 else "front"
    grown = True
    while grown:  # shorter blocks set flush with an abstract block, above or below it, belong to it
        grown = False
        for a in [b for b in front if b.kind == "abstract"]:
            for b in front:
                if b.kind == "front" and _abstract_neighbour(a, b, body):
                    b.kind, grown = "abstract", True
    after = sorted((b for b in front if b.kind == "front" and b.y0 >= title_block.y1 - 1), key=lambda b: b.y0)
    if after:
        row = [b for b in after if abs(b.y0 - after[0].y0) < 4]
        names = [b.lines[0].text for b in sorted(row, key=lambda b: b.x0) if "@" not in b.lines[0].text]
        doc.authors = _authors_line(names)


def _authors_line(names: list[str]) -> str:
    """The authors line from its blocks' first lines, without note marks; a mark between two names parts them
    ("Christoph Tillmann\u2217" -> "Christoph Tillmann", "Pontus Stenetorp\u2217Sampo Pyysalo2,3" -> "Pontus
    Stenetorp, Sampo Pyysalo", "Franz Josef Och\u2217 Hermann Ney\u2020" -> "Franz Josef Och, Hermann Ney")."""
    text = re.sub(r"\s{2,}", ", ", ", ".join(n.strip() for n in names))  # names set apart by wide spaces
    text = re.sub(r"\x00+\s*(?=[A-Z])", ", ", _AUTHOR_MARK.sub("\x00", text)).replace("\x00", " ")
    text = re.sub(r"(?:\s*,)+", ",", " ".join(text.split())).strip(" ,")
    return re.sub(r",? ?\band\b,", " and", text)  # "Hwee Tou Ng  and  Jin Kiat Low": "and" is no name


def _abstract_neighbour(a: Block, b: Block, body: float) -> bool:
    """Whether front-matter block b directly continues (below) or precedes (above) abstract block a."""
    aligned = abs(a.x0 - b.x0) < 2 * body and abs(a.x1 - b.x1) < 4 * body
    if -2 < b.y0 - a.y1 < 1.5 * body:
        return aligned or b.text[:1].islower()
    if -2 < a.y0 - b.y1 < 1.5 * body:
        return aligned and not _ends_sentence(b.text)
    return False


def _continues(builder: _Builder, b: Block, first: Line, second: Line | None) -> bool:
    """Whether a new block continues the open paragraph (or reference entry) across a block,
    column or page break."""
    if not builder.pieces or builder.last is None or _bullet_item(first.text):
        return False  # (a list item is a paragraph of its own)
    prev, page, right = builder.last
    if builder.mode == "references":
        if _REF_START.match(first.text):
            return False
        if page == b.page and abs(first.x0 - prev.x0) < 3 * first.size:  # same column: a hanging indent
            return first.x0 > prev.x0 + 0.5 * first.size
        # top of the next column or page: an entry's later lines are indented or go on in lower case
        return first.x0 > b.x0 + 0.5 * first.size or first.text[:1].islower()
    if not _ends_sentence(prev.text) or first.text[:1].islower():
        return True
    indented = second is not None and first.x0 > second.x0 + 0.8 * first.size
    short = prev.x1 < right - 2 * first.size
    gap = page == b.page and abs(first.x0 - prev.x0) < first.size and first.y0 - prev.y1 > 0.8 * first.size
    return not (indented or short or gap)


def _bullet_item(text: str) -> bool:
    return text[:1] in BULLETS and text[1:2] == " "


def _breaks(prev: Line, ln: Line, right: float, refs: bool) -> bool:
    """Whether `ln` starts a new paragraph (or reference entry) inside a block."""
    if refs:
        return bool(_REF_START.match(ln.text)) or ln.x0 < prev.x0 - 0.5 * ln.size
    if _bullet_item(ln.text):  # a list item starts at its bullet
        return True
    hanging = _bullet_item(prev.text) and prev.x0 < ln.x0 <= prev.x0 + 2.5 * ln.size  # set flush with the item's text
    if prev.bold and not ln.bold and _label_line(prev.text) and ln.text[:1].isupper():
        return True  # a bold label on a line of its own, then the text ("Research Scenario" / "The database ...")
    return _ends_sentence(prev.text) and not ln.text[:1].islower() and (
        ln.x0 > prev.x0 + 0.8 * ln.size and not hanging or prev.x1 < right - 2 * ln.size)


def _label_line(text: str) -> bool:
    """A short label in title case: 1-5 words, capitalised (small words aside), no stop or comma at its end."""
    words = text.split()
    return (0 < len(words) <= 5 and not re.search(r"[.,;:!?]$", text.strip())
            and all(w[:1].isupper() or w in _SMALL_WORDS for w in words) and bool(re.search(r"[^\W\d_]{3}", text)))


_SMALL_WORDS = frozenset("a an the of and or for to in on with by from at as vs".split())


def _after(text: str, prefix: str) -> str:
    """`text` after its first len(prefix without spaces) non-space characters: the line after its bold
    lead-in, however the two were spaced."""
    n = len(prefix.replace(" ", ""))
    i = 0
    while n and i < len(text):
        n -= not text[i].isspace()
        i += 1
    return text[i:].strip()


def _run_in_label(ln: Line) -> bool:
    """A paragraph's bold label of 1-3 words, without a stop, before a sentence that starts in capitals:
    "Robust" + "Text corpora contain ..." (A92-1018's list of a tagger's properties). It gets a colon, which
    keeps it with its sentence (a stop would make it a sentence of its own, and a float could go between)."""
    label = ln.bold_prefix.strip()
    rest = _after(ln.text, label) if label else ""
    return (0 < len(label.split()) <= 3 and label[:1].isupper() and bool(re.search(r"[^\W\d_]{3}", label))
            and not label.endswith((".", ":", ",", ";")) and rest[:1].isupper()
            and len(rest.split()) > 2 and not _is_heading_text(label))


def _add_body_block(builder: _Builder, b: Block) -> None:
    """Add a body block's lines, starting new paragraphs at indents and short closing lines."""
    if b.kind == "abstract" and builder.mode != "abstract":
        builder.heading("Abstract", 1, b.page)
    lines = b.lines
    head = _run_in_heading(lines[0]) if lines else ""
    if head:
        builder.heading(head, _heading_level(head), b.page)
        rest = _after(lines[0].text, lines[0].bold_prefix) if head != lines[0].text.strip() else ""
        lines = ([replace(lines[0], text=rest, bold=False, bold_prefix="")] if rest else []) + lines[1:]
    elif lines and _run_in_label(lines[0]):  # "Robust Text corpora contain ...": "Robust: Text corpora ..."
        label = lines[0].bold_prefix.strip()
        lines = [replace(lines[0], text=f"{label}: {_after(lines[0].text, label)}", bold_prefix="")] + lines[1:]
    if not lines:
        return
    if not _continues(builder, b, lines[0], lines[1] if len(lines) > 1 else None):
        builder.close()
    refs = builder.mode == "references"
    for i, ln in enumerate(lines):
        if i and _breaks(lines[i - 1], ln, b.x1, refs):
            builder.close()
        builder.add_line(ln.text, b.page)
        builder.last = (ln, b.page, b.x1)
