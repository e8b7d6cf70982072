"""What an acronym stands for: "What does PRO stand for?" is answered by the sentence that defines it.

A definition is found the way Schwartz and Hearst (2003, "A simple algorithm for identifying abbreviation
definitions in biomedical text") find one: a long form next to the acronym in parentheses,
"pairwise ranking optimization (PRO)" or "PRO (pairwise ranking optimization)", whose words hold the
acronym's letters in order, the first letter starting a word (checked for plausibility: no formula, no
small first word). Failing that, "LAS = labeled attachment score", "PRO stands for ...", "... is short
for ...", "... is an acronym for ..."; and last "TLAS is a new metric defined as ...". When no sentence
defines it, `Engine.ask` quotes the best top sentence that uses it, or refuses.
"""

from __future__ import annotations

import re

from papercli.selection import cut_to_words

_ACRONYM = r"[A-Za-z](?=[\w&/-]*[A-Z])[\w&/-]*[A-Z][\w&/-]*"  # two capitals at least: "PRO", "HGFC", "PoS", "MRLs"
_ASKS = re.compile(
    rf"^\s*(?i:what) (?i:does|do|did|is|are) (?:(?i:the) )?(?:(?i:acronym|abbreviation|term) )?(?P<a>{_ACRONYM}) "
    rf"(?:(?i:stand for|stands for|refer to)\b|(?i:mean)\W*$)"
    rf"|^\s*(?i:what) (?i:is|are) (?:(?i:the) )?(?i:full form|expansion|long form|full name) (?i:of) "
    rf"(?:(?i:the) )?(?:(?i:acronym|abbreviation) )?(?P<b>{_ACRONYM})\W*$"
    rf"|^\s*(?i:what) (?i:is|are) (?P<c>{_ACRONYM}) (?i:short for|an abbreviation for|an acronym for)\b")
_NO_LONG_FORM = re.compile(r"[(=\u2190\u2192<>]")  # a formula or a nested bracket: "BEAM <-PRUNE(TMP, b1, b2)"
_SMALL_WORDS = {"in", "on", "at", "as", "of", "the", "a", "an", "and", "or", "for", "to", "by", "with", "from", "is"}


def asked_acronym(question: str) -> str | None:
    """The acronym whose long form the question asks for, or None ("What does PRO stand for?", "What does
    MT mean?"; not "What does MT mean for low-resource languages?")."""
    m = _ASKS.search(question[:300])
    return next(g for g in m.groups() if g) if m else None


def singular(acronym: str) -> str:
    """"PCFGs" -> "PCFG" (a capital before the "s"); "PoS", "HGFC" as they are."""
    return acronym[:-1] if acronym.endswith("s") and len(acronym) > 2 and acronym[-2].isupper() else acronym


def _long_form(short: str, text: str) -> int | None:
    """Where in `text` the long form of `short` begins, its letters matched right to left (Schwartz-Hearst),
    or None: every letter of `short` in order (its digits when the text has them: "MUC-7", "L2R" = "learning
    to rank"), the first one starting a word."""
    chars = [c.lower() for c in short if c.isalpha() or c.isdigit() and c in text]
    t = len(text) - 1
    for k in range(len(chars) - 1, -1, -1):
        while t >= 0 and (text[t].lower() != chars[k] or k == 0 and t > 0 and text[t - 1].isalnum()):
            t -= 1
        if t < 0:
            return None
        t -= 1
    return max(text.rfind(" ", 0, t + 2), text.rfind("\n", 0, t + 2), text.rfind("\t", 0, t + 2)) + 1


def _plausible(long_form: str, acronym: str) -> bool:
    """A long form of two words or more (one long word for an acronym of its initial letters: "pronoun
    (PRO)"), not opening with a small word ("in prior work (IR)"), without the acronym itself or a formula,
    and ending in a word that gives one of its letters ("part-of-speech accuracy (POS)" ends in none)."""
    words = re.split(r"[\s-]+", long_form.strip())
    letters = {c.lower() for c in acronym if c.isalpha()}
    return (bool(words) and (len(words) >= 2 or len(words[0]) >= 2 * len(acronym) and acronym.isupper())
            and words[0].lower() not in _SMALL_WORDS and not _NO_LONG_FORM.search(long_form)
            and acronym.lower() not in (w.lower() for w in words) and bool(letters & set(words[-1].lower())))


def _clause(text: str, max_words: int = 40) -> str:
    """`text` up to the end of its first clause (". ", ";"), at most `max_words` words."""
    return cut_to_words(re.split(r"(?<=[.;])\s", text, maxsplit=1)[0], max_words)


def definition(acronym: str, sentence: str, weak: bool = False) -> str | None:
    """The part of `sentence` that defines `acronym` ("pairwise ranking optimization (PRO)"), or None.
    With `weak`, also "PRO is ... defined as ..." (the acronym's meaning, not its letters)."""
    one = singular(acronym)
    a = re.escape(one)
    for m in re.finditer(rf"\(\s*{a}s?\s*[),;]", sentence):  # long form (ACRONYM)
        words = list(re.finditer(r"\S+", sentence[max(0, m.start() - 400): m.start()]))
        if not words:
            continue
        offset = max(0, m.start() - 400) + words[-min(len(one) + 5, 2 * len(one), len(words))].start()
        before = sentence[offset: m.start()]
        begin = _long_form(one, before)
        if begin is not None and _plausible(before[begin:], one):
            end = sentence.find(")", m.start())
            return sentence[offset + begin: end + 1 if end >= 0 else m.end()]
    for m in re.finditer(rf"\b{a}s?\s*\(([^()]{{3,120}})\)", sentence):  # ACRONYM (long form)
        if _long_form(one, m.group(1)) == 0 and _plausible(m.group(1), one):
            return m.group(0)
    for m in re.finditer(rf"\b{a}s?\s*=\s*([A-Za-z][\w\s-]{{3,80}})", sentence):  # "LAS = labeled attachment score"
        if _long_form(one, m.group(1).strip()) == 0:
            return _clause(m.group(0).strip(), 20)
    m = re.search(rf"\b{a}s?,? (?:which )?(?:stands for|is short for|is an? (?:acronym|abbreviation) for|short for)\b.*",
                  sentence)
    if m:
        return _clause(m.group(0).strip())
    if weak:
        m = re.search(rf"\b{a}s? (?:is|are) (?:\w+ ){{0,4}}defined as\b.*", sentence)
        if m:
            return _clause(m.group(0).strip())
    return None
