"""A rule-based sentence splitter for scientific prose.

Splits after . ! ? when the next token starts a sentence, and not after abbreviations ("et al.",
"e.g.", "Fig. 3", "Eq."), initials ("J. Smith"), decimals ("3.5") or inside brackets/citations.
"""

from __future__ import annotations

import re

_ABBREV = {
    "al", "e.g", "i.e", "eg", "ie", "etc", "cf", "vs", "fig", "figs", "eq", "eqs", "sec", "secs",
    "tab", "no", "nos", "vol", "pp", "p", "ch", "chap", "ref", "refs", "approx", "resp", "dr", "mr",
    "mrs", "ms", "prof", "inc", "ltd", "co", "corp", "jr", "sr", "st", "dept", "univ", "viz", "ca",
    "appx", "app", "def", "thm", "lem", "prop", "alg", "est", "min", "max", "avg", "std", "var",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}
BULLETS = "\u2022\u25aa\u25cf\u25e6"  # list bullets: • ▪ ● ◦
_BULLET = re.compile(rf"(?<=[.:;!?\"')\]\u201d]) (?=[{BULLETS}] )")  # a list bullet after a sentence or ":"
_CANDIDATE = re.compile(r"[.!?]+[\"'”’)\]]*\s+")  # closing quotes straight or curly
_CAPTION = re.compile(r"^(?:(?i:figure|fig\.|table|tab\.|algorithm|listing)\s*\d+[a-z]?\s*(?:[:.|]|\" )"  # (an OCR'd colon: 'Table 1" Pronoun ...')
                      r"|(?:Figure|Table)\s+\d+[a-z]?\s+[A-Z][a-z]+\b(?! \d))")  # journals: "Figure 4 Input lattice"
_BRACKET = re.compile(r"[(\[{)\]}]")
BRACKET_REACH = 200  # an opening bracket further back than this many characters is a stray one (OCR, a formula)
_LIST_NUMBER = re.compile(r"\s(\d{1,2})\.$")  # "... YouTube 2." before an inline list's next item
_RATIO = re.compile(r"\d\s*:$")  # "2 :" before "1.": a ratio, not a list's lead-in
# Abbreviations after which a following number/label is expected ("Fig. 3", "Sec. 2.1").
_TAKES_A_NUMBER = {"section", "sections", "sec", "secs", "table", "tables", "tab", "figure", "figures", "fig", "figs",
                   "eq", "eqs", "equation", "equations", "step", "steps", "chapter", "ch", "page", "pages", "p", "pp",
                   "algorithm", "example", "line", "lines", "rule", "appendix", "part", "item", "no", "stage", "phase",
                   "level", "version", "experiment", "case", "row", "column", "=", "of", "to", "than", "and", "or"}


def _last_word(text: str) -> str:
    m = re.search(r"([A-Za-z][A-Za-z.]*)\.$", text[-64:])
    return m.group(1).lower() if m else ""


def _open_brackets(text: str, start: int, end: int, opens: list[int]) -> None:
    """Update `opens`, the positions of the brackets open in text[..start], with text[start:end]
    (a stray closing bracket is ignored)."""
    for m in _BRACKET.finditer(text, start, end):
        if m.group() in "([{":
            opens.append(m.start())
        elif opens:
            opens.pop()


def _is_boundary(before: str, after: str, in_brackets: bool) -> bool:
    """Decide whether a candidate break ends a sentence: `before` is the end of the sentence so far (its
    last characters), `after` the next character, `in_brackets` whether a bracket opened lately is still open."""
    if not after:
        return False
    stripped = before.rstrip("\"'”’)] \t\n")
    if stripped.endswith(("!", "?")):
        return after[0].isupper() or after[0].isdigit() or after[0] in "\"'“‘(["
    word = _last_word(stripped)
    if word:
        if word.rstrip(".") in _ABBREV or word in _ABBREV:
            return False
        if len(word) == 1 and word.isalpha() and stripped[-2:-1].isupper():  # initials: "J. Smith"
            return False
        if "." in word.rstrip("."):  # "e.g.", "U.S."
            return after[0].isupper() and word.rstrip(".") not in {"e.g", "i.e"} and len(word) > 4
    return not in_brackets and (  # not inside an open bracket or citation
        after[0].isupper() or after[0] in "\"'“‘([" or (after[0].isdigit() and not stripped[-1:].isdigit()))


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences; whitespace is normalised. A list bullet ("• ") after a sentence's
    end or a colon starts a new sentence (in a formula, "a • b", it does not)."""
    text = re.sub(r"\s+", " ", text).strip()
    parts = _BULLET.split(text) if any(b in text for b in BULLETS) else [text]
    return [s for part in parts for s in _split(part.strip())]


def _split(text: str) -> list[str]:
    """Split bullet-free text into sentences. Linear in the paragraph's length: each
    candidate break looks at the sentence's last 100 characters and the next one, and bracket depth is
    counted as the sentence grows (a 500 KB paragraph without a sentence break takes well under a second).
    A bracket opened more than BRACKET_REACH characters back no longer holds the sentence open."""
    if not text:
        return []
    out, start, item = [], 0, 0  # item: the number of the last inline list item seen ("1. ... 2. ...")
    opens, counted, counted_from = [], 0, 0  # positions of the brackets open in text[counted_from:counted]
    for m in _CANDIDATE.finditer(text):
        if m.start() < start:
            continue
        if counted_from != start:
            opens, counted, counted_from = [], start, start
        _open_brackets(text, counted, m.end(), opens)
        counted = m.end()
        in_brackets = bool(opens) and opens[-1] >= m.end() - BRACKET_REACH
        window = max(start, m.end() - 100)
        stripped = text[window:m.end()].rstrip()
        number = _LIST_NUMBER.search(" " + stripped[-4:])  # " 2." at the end
        n, head = 0, ""  # head: the end of the text before the number
        if number:
            cut = window + len(stripped) - len(number[1]) - 1  # where the number starts
            head = text[max(start, cut - 64):cut].strip()
            if not head or head.rsplit(" ", 1)[-1].lower().rstrip(".") not in _TAKES_A_NUMBER:  # "in Section 4."
                n = int(number[1])
        if n and (n == item + 1 if item else not head or n == 1 and head[-1] in ":;" and not _RATIO.search(head)):
            # "... YouTube 2. Google's ...": the number opens the next item of an inline numbered list
            # (a list opens with "1." after ":" or ";", or with any number at a paragraph's start or right after
            # a sentence, where items may be paragraphs of their own: "1. How effective is ...?"; "when n = 1.
            # ... n = 2." and "a ratio of 2 : 1." are no list)
            if head:
                out.append(text[start:cut].strip())
            start = cut
            item = n
            continue
        if _is_boundary(stripped, text[m.end():m.end() + 1], in_brackets):
            out.append(text[start:m.end()].strip())
            start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def is_caption(text: str) -> bool:
    """Does the text open like a figure/table caption ("Figure 2:", "Tab. 1.")?"""
    return bool(_CAPTION.match(text))


_YEARS_AT_END = re.compile(r"(?:^|,?\s+)((?:19|20)\d\d[a-z]?(?:\s*,\s*(?:19|20)\d\d[a-z]?)*)"
                           r"(?:\s*,\s*(?:inter alia|pp?\.\s*\d+(?:\s*[-–]\s*\d+)?))?$")
_CITE_PREFIX = re.compile(r"^(?:e\.\s?g\.|i\.\s?e\.|see(?:\s+also)?|cf\.)[,\s]*", re.I)
_NAME_SEPARATOR = re.compile(r"\s*[&,]\s*|\s+")
_PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "le", "la", "dos", "das"}
_NAME_LINKS = {"and", "et", "et.", "al", "al."} | _PARTICLES  # ("et. al.", a common slip)
_MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"}
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
# the word before a citation when the citation is a phrase's object: "as in (X, 2010)", "based on [12]", "following [12]"
_ARGUMENT = re.compile(r"(?:\b(?:in|by|of|from|to|see|than|with|and|as|on|over|for|like|unlike|following|via|using)|"
                       r"\be\.g\.,?|\bi\.e\.,?|\bcf\.)$", re.I)
_CITING_VERB = re.compile(r"\b(?:uses?|used|extends?|extended|follows?|followed|adopts?|adopted|applies|apply|applied)$",
                          re.I)  # "We extend [12] to trees": a numeric citation as the verb's object
_NARRATIVE = re.compile(r"(?:\bet\.? al\.?|\b[A-Z][a-z][\w'’\-]*(?: and [A-Z][a-z][\w'’\-]*)?)$")
# a pointer to a part of the paper that a summary does not show: "(Section 4)", "(see Table 2 for details)", "(§3)"
_LABEL = r"(?:[A-Z]?\d+(?:\.\d+)*[a-z]?|[A-Z](?:\.\d+)*|[IVX]+)\b"
_POINTER = re.compile(rf"(?:(?:see|cf\.|e\.g\.,?)\s+)?(?:also\s+)?(?:(?:sub)?sections?|secs?\.|§§?|tables?|tabs?\.|figures?|"
                      rf"figs?\.|equations?|eqs?\.|appendix|appendices|algorithms?|chapters?)\s*{_LABEL}"
                      rf"(?:\s*(?:,|and|&|-|–|—)\s*{_LABEL}){{0,4}}(?:\s+for(?: more)? details)?", re.I)
_BRACKET_NUMBERS = r"\[[1-9]\d{0,2}(?:\s*[,–-]\s*\d{1,3}){0,9}\]"
_NUMERIC_CITATION = re.compile(rf"{_BRACKET_NUMBERS}(?:\s*[,–-]\s*{_BRACKET_NUMBERS})*")  # "[12]", "[4, 5]", "[3]–[7]"
_OPENS_CITATION = re.compile(r"\((?:(?:e\.g\.|i\.e\.|see|cf\.),?\s*)?$", re.I)
# what may come before a bracket of numbers that is no citation: "the range [1, 5]", "filter sizes [3, 4, 5]", "x ∈ [3, 4]"
_BEFORE_INTERVAL = re.compile(r"(?:\b(?:ranges?|intervals?|scales?|between|within|sizes?|shapes?|vectors?|dimensions?)"
                              r"|[=∈∉⊂⊆<>≤≥:])$", re.I)


def _citation_names(item: str) -> str | None:
    """The author names of one citation ("e.g., Grosz et al., 1994, 1995" -> "Grosz et al."; "" for a bare
    year), or None when `item` is no citation. Every name word is capitalised or a link ("and", "et al.",
    "van", ...), so "(Subtask A of SemEval 2017)" is no citation."""
    item = _CITE_PREFIX.sub("", item.strip())
    if len(item) > 200:  # no citation is that long (and the search below stays cheap)
        return None
    m = _YEARS_AT_END.search(item)
    if m is None:
        return None
    names = item[:m.start()].strip()
    words = [w for w in _NAME_SEPARATOR.split(names) if w] if names else []
    if words and not (words[0][0].isupper() or words[0] in _PARTICLES):  # "de Marneffe", not "and 2010"
        return None
    if any(not (w[0].isupper() or w in _NAME_LINKS) or w in _MONTHS for w in words):
        return None
    return names


def without_citations(text: str) -> str:
    """`text` as a summary shows it: without citations, nor pointers to parts of the paper it does not show.

    "(Lai and Tetreault, 2018)", "(e.g., Grosz et al., 1994; Joty et al., 2015)", numeric citations
    ("[12]", "[4, 5]", "[3], [7]", "[3]–[7]", "(e.g., [12])"), pointers ("(Section 4)", "(see Table 2 for
    details)", "(§3)") and the year of a narrative citation ("Feng and Hirst (2014) show" -> "Feng and
    Hirst show") go. Kept: a parenthesis that is not only citations apart by ";" or one pointer ("(Subtask
    A of SemEval 2017)", "(Smith 2010, Jones 2011)", "(see Table 2, where ...)", "(tables)"), a bare year
    not after an author's name ("data (2018)", "WMT (2014)", "June (2019)"), anything that opens the
    sentence or is a phrase's object ("as in (Mann and Thompson, 1988)", "based on [12]", "Following
    [12], we", "[12]'s parser"), and a bracket of numbers that may be no citation ("the range [1, 5]",
    "filter sizes [3, 4, 5]", "x = [3, 4]", "[0, 1]", "[1, 0, 0]"). Each parenthesis is checked citation
    by citation, in time linear in the length of `text`.
    """
    def before(m: re.Match) -> str:  # (read from the string being rewritten; "\x00" marks what went)
        return m.string[max(0, m.start() - 40):m.start()].replace("\x00", "").rstrip()

    def drop_numeric(m: re.Match) -> str:
        left, numbers = before(m), [int(n) for n in re.findall(r"\d+", m.group(0))]
        if _OPENS_CITATION.search(left):  # "(e.g., [12])": the parenthesis goes with it
            return "\x00"
        keep = (not left or _ARGUMENT.search(left) or _CITING_VERB.search(left) or _BEFORE_INTERVAL.search(left)
                or m.string[m.end():m.end() + 2] in ("'s", "’s")  # "[12]'s parser"
                or any(b <= a for a, b in zip(numbers, numbers[1:])) and not re.search(r"[–-]", m.group(0)))
        return m.group(0) if keep else "\x00"

    def drop(m: re.Match) -> str:
        left, inside = before(m), m.group(1)
        if not left or _ARGUMENT.search(left):
            return m.group(0)
        if "\x00" in inside and not _CITE_PREFIX.sub("", inside.replace("\x00", "").strip()).strip(" ,;"):
            return "\x00"  # only numeric citations: "(e.g., [12])"
        if _POINTER.fullmatch(inside.strip()):
            return "\x00"
        names = [_citation_names(part) for part in inside.split(";")]
        if None in names or (not any(names) and (not _NARRATIVE.search(left)
                                                 or left.rsplit(None, 1)[-1] in _MONTHS)):
            return m.group(0)
        return "\x00"

    out = _PARENTHESIS.sub(drop, _NUMERIC_CITATION.sub(drop_numeric, text))
    if out == text:
        return text
    return re.sub(r"\s*\x00", "", out).strip()
