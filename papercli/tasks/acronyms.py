"""What an acronym stands for: "What does PRO stand for?" is answered by the sentence that defines it.

A definition is found the way Schwartz and Hearst (2003, "A simple algorithm for identifying abbreviation
definitions in biomedical text") find one: a long form next to the acronym in parentheses,
"pairwise ranking optimization (PRO)" or "PRO (pairwise ranking optimization)", whose words hold the
acronym's letters in order, the first letter starting a word. Failing that, "PRO stands for ...",
"... is short for ...", "... is an acronym for ..."; and last "TLAS is a new metric defined as ...".
"""

from __future__ import annotations

import re

_ACRONYM = r"[A-Za-z][\w&/-]*[A-Z][\w&/-]*"  # two capitals at least: "PRO", "HGFC", "PoS", "MRLs"
_ASKS = re.compile(
    rf"^\s*(?i:what) (?i:does|do|did|is|are) (?:(?i:the) )?(?:(?i:acronym|abbreviation|term) )?(?P<a>{_ACRONYM}) "
    rf"(?i:stand for|stands for|mean|refer to)\b"
    rf"|^\s*(?i:what) (?i:is|are) (?:(?i:the) )?(?i:full form|expansion|long form|full name) (?i:of) "
    rf"(?:(?i:the) )?(?:(?i:acronym|abbreviation) )?(?P<b>{_ACRONYM})\W*$"
    rf"|^\s*(?i:what) (?i:is|are) (?P<c>{_ACRONYM}) (?i:short for|an abbreviation for|an acronym for)\b")


def asked_acronym(question: str) -> str | None:
    """The acronym whose long form the question asks for, or None."""
    m = _ASKS.search(question)
    return next(g for g in m.groups() if g) if m else None


def _long_form(short: str, text: str) -> int | None:
    """Where in `text` the long form of `short` begins, its letters matched right to left (Schwartz-Hearst),
    or None: every letter or digit of `short` in order, its first one starting a word."""
    chars = [c.lower() for c in short if c.isalnum()]
    t = len(text) - 1
    for k in range(len(chars) - 1, -1, -1):
        while t >= 0 and (text[t].lower() != chars[k] or k == 0 and t > 0 and text[t - 1].isalnum()):
            t -= 1
        if t < 0:
            return None
        t -= 1
    return text.rfind(" ", 0, t + 2) + 1


def definition(acronym: str, sentence: str, weak: bool = False) -> str | None:
    """The part of `sentence` that defines `acronym` ("pairwise ranking optimization (PRO)"), or None.
    With `weak`, also "PRO is ... defined as ..." (the acronym's meaning, not its letters)."""
    a = re.escape(acronym.rstrip("s") if acronym.endswith("s") and acronym[:-1].isupper() else acronym)
    for m in re.finditer(rf"\(\s*{a}s?\s*[),;]", sentence):  # long form (ACRONYM)
        words = sentence[: m.start()].split()
        before = " ".join(words[-min(len(acronym) + 5, 2 * len(acronym)):])
        begin = _long_form(acronym, before)
        if begin is not None and len(re.split(r"[\s-]+", before[begin:])) >= 2:  # "part-of-speech (PoS)"
            start = sentence.rindex(before[begin:], 0, m.start())
            return sentence[start: sentence.index(")", m.start()) + 1] if ")" in sentence[m.start():] \
                else sentence[start: m.end()]
    for m in re.finditer(rf"\b{a}s?\s*\(([^()]{{3,120}})\)", sentence):  # ACRONYM (long form)
        inside = m.group(1)
        if len(inside.split()) >= 2 and _long_form(acronym, inside) == 0:
            return m.group(0)
    m = re.search(rf"\b{a}s?,? (?:which )?(?:stands for|is short for|is an? (?:acronym|abbreviation) for|short for)\b.*",
                  sentence)
    if m:
        return m.group(0).strip()
    if weak:
        m = re.search(rf"\b{a}s? (?:is|are) (?:\w+ ){{0,4}}defined as\b.*", sentence)
        if m:
            return m.group(0).strip()
    return None
