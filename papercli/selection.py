"""Summary sentence selection, shared by `papercli summarize` and the evaluation of every summarizer.

A summarizer scores every body sentence (`doc.body_sentences()` order); `select` turns the scores into a
summary under a word budget, the same way for every system (optionally with keyword weights, so that the
summary covers the words an abstract would use). Also here: the texts a summary shows (`summary_texts`)
and the rules for sentences not to show on their own: fragments (`is_fragment`, also used by `papercli
ask` for its quotes) and sentences about the paper's layout or thanks (`about_the_text`).
"""

from __future__ import annotations

import re
from typing import Sequence

import numpy as np

from papercli.features import content_words, section_type
from papercli.ingest.document import Document
from papercli.ingest.sentences import BULLETS, is_caption, without_citations
from papercli.keywords import keyword_stems


def body_texts(doc: Document) -> list[str]:
    """The texts of the body sentences, in `doc.body_sentences()` order (the order of sentence scores)."""
    return [s.text for _, _, s in doc.body_sentences()]


def summary_texts(doc: Document) -> list[str]:
    """Body sentences as a summary shows them: without a list item's bullet, citations (author-year and
    numeric) and pointers to what a summary does not show ("(Section 4)"; `without_citations`)."""
    return [without_citations(re.sub(rf"^[{BULLETS}]\s+", "", t)) for t in body_texts(doc)]


KEYWORD_SCORE_WEIGHT = 3.0  # selection with keywords: weight of the z-scored sentence score (chosen on dev)
KEYWORD_LENGTH_POWER = 0.3  # ... and each gain is divided by (sentence words) ** this
MAX_OVERSHOOT = 1.5  # a sentence that would take a summary past this x the budget is skipped
MIN_SENTENCE_WORDS = 5  # shorter "sentences" are run-in headings, fragments, URLs: not picked


_SECTION_NUMBER = re.compile(r"(?:\d{1,2}(?:\.\d{1,2}){0,3}|[A-H](?:\.\d{1,2}){1,3})\.?")


def is_fragment(sentence: str, answer: bool = False) -> bool:
    """Not a sentence to show on its own: under MIN_SENTENCE_WORDS words (a run-in heading such as
    "Scoring programs.", a URL), a numbered heading read as a sentence ("8 Conclusion and Future Work.":
    a section number, not a list's "1.", then at most 8 words, half of them capitalised, the first not an
    acronym: "3 BERT models beat ..." is a sentence), a lead-in ending in ":" or in a list's dangling number
    ("... two questions in this paper: 1.") that points to an equation or a list shown elsewhere, or a piece
    that starts in lowercase: a list item ("use of the same grammar for analysis,"), an equation's "where W is
    ...", the tail of a sentence split in two ("iPhone", "word2vec", "k-means", "tf-idf" and name particles such
    as "van Noord" start sentences). As an
    `answer` quote, a lead-in and a piece may answer ("Each of the three layers has its own task:" answers
    "How many layers ...?", "where W is a projection matrix" answers "What is W?")."""
    s = sentence.rstrip()
    words = s.split()
    if len(words) < MIN_SENTENCE_WORDS or not answer and (
            s.endswith(":") or re.search(r":\s*\d{1,2}\.$", s) or _LOWERCASE_PIECE.match(s)):
        return True
    title = words[1:]
    return (len(words) <= 9 and bool(_SECTION_NUMBER.fullmatch(words[0])) and not re.fullmatch(r"\d+\.", words[0])
            and title[0][:1].isupper() and not title[0].isupper() and sum(w[:1].isupper() for w in title) >= 0.5 * len(title))


_LOWERCASE_PIECE = re.compile(  # "where ...", not "iPhone", "word2vec", "k-means", "tf-idf", "van Noord", "de Marneffe"
    r"(?!(?:van|von|de|del|della|di|da|du|der|den|dos|das|le|la|ten|ter)\s+[A-Z])[a-z](?![\w-]*[A-Z\d-])")


_ABOUT_THE_TEXT = re.compile(
    r"^(?:in |the (?:rest|remainder) of )?this (?:section|chapter|subsection)\b|^(?:in )?(?:the )?(?:rest|remainder) of "
    r"(?:this|the) (?:paper|article)\b|\bthis (?:paper|article) is (?:organi[sz]ed|structured)\b|"
    r"^(?:(?:finally|then|next|subsequently),? )?(?:sections?|chapters?)[ -]?\d+(?:\.\d+)*(?: and \d+(?:\.\d+)*)? (?:\w+ly )?"
    r"(?:describes?|presents?|introduces?|discuss(?:es)?|concludes?|gives?|shows?|reviews?|outlines?|summari[sz]es?|"
    r"explains?|details?|reports?|compares?|deals? with|examines?|provides?|contains?|covers?|investigates?|"
    r"analy[sz]es?|defines?|illustrates?|sketch(?:es)?|address(?:es)?|focus(?:es)? on|turns? to|considers?|"
    r"(?:is|are) devoted to)\b(?! that)|"
    r"^(?:for (?:a |an |the |more )?(?:\w+ )?(?:description|details?|discussion|overview|explanation|account|definition)"
    r"\b[^.;]{0,100}\bsee\b|see (?:also )?(?:sections?|chapters?|appendix|§))|"
    r"\bconclud(?:e|es|ing)(?: \w+){0,3} in (?:sections?|secs?\.|chapters?|§) ?\d|"
    r"^we (?:\w+ly )?(?:describe|present|discuss|introduce|review|give|outline|explain|detail|summari[sz]e) "
    r"(?:[^.;]{0,60} )?in (?:sections?|chapters?|§) ?\d|"  # "We describe in Section 2 the basics of ..."
    r"^(?:(?:finally|then|next|subsequently),? )?in (?:(?:sections?|secs?\.|§§?|chapters?|appendix)[ -]?[\dA-Z]+(?:\.\d+)*"
    r"(?: and [\dA-Z]+(?:\.\d+)*)?|the (?:next|following|last|final|previous|preceding) (?:section|chapter)),?\s*(?:we (?:\w+ly )?(?:discuss|describe|"
    r"present|introduce|show|give|conclude|review|report|outline|summari[sz]e|propose|explain|detail|evaluate|examine|"
    r"investigate|analy[sz]e|define|consider|turn|sketch|provide|address|focus|illustrate|motivate|formali[sz]e|"
    r"demonstrate|compare|have)\b(?! that)|"
    r"[^.;]{0,160}\b(?:is|are) (?:presented|described|introduced|discussed|given|reviewed|outlined|summari[sz]ed|"
    r"explained|detailed|reported)(?: (?:here|below|in detail))?(?=[,.;]|$| along\b| together\b| followed\b))|"
    r"\bwe (?:would like to )?thank\b|\b(?:work|research|project|study)\b.{0,60}\b(?:is|was|were|are) "
    r"(?:partially |partly |in part )?(?:supported|funded) by\b|"
    r"\bgrateful to\b", re.I)
_ABOUT_A_FLOAT = re.compile(  # "Table 1 lists the performance ...": about a float a summary does not show (not "Table 1
    r"^(?:table|figure|fig\.|tab\.)\s*\d+\w*\s+(?:shows|lists|presents|gives|summari[sz]es|reports|displays|"  # shows
    r"illustrates|compares|contains|depicts|plots)\b(?! that\b)", re.I)  # that our system ...", a finding)


def cut_to_words(text: str, words: int) -> str:
    """`text` as it is when it has at most `words` words, else its first `words` words and " …" (a scan's
    unpunctuated run quoted or shown whole)."""
    split = text.split()
    return text if len(split) <= words else " ".join(split[:words]) + " …"


_LAYOUT_OR_THANKS = re.compile(  # a section that is about the paper, not its content
    r"^(?:(?:\d+|[IVX]+|[A-Z])(?:\.\d+)*\.?\s+)?(?:acknowledge?ments?(?: and funding)?|funding(?: sources)?|"
    r"(?:plan|outline|organi[sz]ation|structure|overview|roadmap) of (?:the|this) (?:paper|article|thesis)|"
    r"(?:paper|article) (?:organi[sz]ation|outline|structure))\W*$", re.I)


_OURS = re.compile(r"\b(?:we|our|us)\b", re.I)
_RELATED_WORK = re.compile(  # (not "Semantic Relatedness Feature", "Unrelated ...")
    r"\b(?:related (?:work|research|literature|approaches)|prior (?:work|research|art)|previous (?:work|research|approaches)|"
    r"literature (?:review|survey)|background and related)\b", re.I)


def unsummarized(doc: Document) -> list[bool]:
    """Per body sentence (`doc.body_sentences()` order): never a summary sentence. Caption and footnote
    paragraphs (`Document.body_asides`), sections about the paper rather than its content ("1.3 Plan of
    the Paper", "Acknowledgments"), and the sentences of a related-work section that tell of others' work
    only, without "we" or "our" ("Miller et al. addressed the task from the parsing viewpoint": a review
    found such background in 8 of 10 summaries; dev R-1 unchanged)."""
    out = []
    for aside, (_, sec, s) in zip(doc.body_asides(), doc.body_sentences()):
        heading = sec.heading or ""
        out.append(aside or bool(_LAYOUT_OR_THANKS.match(heading))
                   or bool(_RELATED_WORK.search(heading)) and not _OURS.search(s.text))
    return out


# a sentence that leans on the one before it: "Hence, ...", "In comparison, our system ...", "They report ..."
_LEANS = re.compile(  # (a whole word: not "Second-order models", "His-tagged"; "Further work" and "Second
    # language learners" lean on nothing, "Further," and "Second," do)
    r"^(?:(?:hence|thus|therefore|instead|moreover|furthermore|similarly|likewise|consequently|nevertheless|"
    r"otherwise|in (?:comparison|contrast|addition)|by contrast|on the other hand|as a result|secondly|thirdly|"
    r"despite (?:this|these|that)|in (?:this|that|both|either) cases?|"
    r"they|their|theirs|them|these|those|such|he|she|his|her)(?![-\w])|(?:still|further|second|third),)", re.I)
_PAPER_NOUNS = r"(?:paper|work|article|study|thesis|report|research|note|chapter|abstract|letter|dissertation|demo|project|proposal)"
_POINTS_BACK = re.compile(  # no connective, but a pointer back: "This shows ...", "Indeed, ...", "such a pipeline"
    r"^(?:(?:this|that)(?! (?:[\w-]+ )?" + _PAPER_NOUNS + r"\b)|"  # not "This (short) paper ..."
    r"indeed|in fact|and|but|yet|now,|also,|the (?:former|latter)|"
    r"(?:with|without|despite|after|before|for|by|from|through|using|under|given|unlike|like) (?:this|these|those)"
    r"(?! (?:[\w-]+ )?" + _PAPER_NOUNS + r"\b)|"  # "Without this correction, ..." (not "For this work, ...")
    r"in (?:this|that|such an?) (?!(?:[\w-]+ )?(?:" + _PAPER_NOUNS[3:-1] + r"|section)\b)\w+)(?![-\w])|"
    # "such a pipeline", not "such a resource as WordNet", "such an extent that", "such a high accuracy"
    r"\bsuch an? (?!(?:way|extent|degree|manner|high|low|large|small|great|good|strong|wide|long|short)\b)\w+\b(?! as\b)",
    re.I)


def leans_on_the_one_before(sentence: str) -> bool:
    """A sentence that cannot stand alone in a summary: it opens with a connective or a pronoun that points
    back ("Hence, a tokenization accuracy of about 50% can be expected", "In comparison, our system is ...",
    "They report ...", "This shows that ...", "Indeed, ...", "In this alternation, ...", "Without this
    correction, ..."; not "This paper ...") or says "such a ..." ("... invisible to such a pipeline"):
    `select` shows it only together with the sentence before it."""
    return bool(_LEANS.match(sentence) or _POINTS_BACK.search(sentence))


def about_the_text(sentence: str) -> bool:
    """A sentence about the paper's layout or thanks, not its content: "In this section, we ...", "The rest
    of this paper is organized as follows", "In Section 4, we describe ..." (not "However, in Section 5 we
    show that ...", a finding), "Section 2 briefly reviews ...", "Section 4 deals with ...", "For a description
    of the tool see section 5.", "... and conclude in Section 7.", "We thank ...", "This work was supported by
    ..."."""
    return bool(_ABOUT_THE_TEXT.search(sentence))


_ASKED = re.compile(r"^[^:]*\?\W*$")  # a question the paper asks, not "This paper asks a question: how ...?"
_FUTURE_WORK = re.compile(  # what the paper has not done yet, as its sentence opens: "We plan to ...", "In future work,
    # ...", "Finally, we are hoping to ...", "... our next steps" (not "we hope to avoid spurious senses by ...", "The next
    # steps are to generate ...", "... and leaves logical constraints as future work", "In the future tense, ...")
    r"^(?:(?:finally|also|next|further(?:more)?),?\s+)?(?:we (?:plan|intend|are planning|would like) to\b|"
    r"we are hoping to\b|in (?:the )?future(?: work)?,|future work (?:will|should|could|would|may|might|includes?|is)\b|"
    r"(?:currently,? )?we are (?:currently )?working on\b)|\bour next steps\b", re.I)
MAX_THIS_PAPER = 2  # at most this many sentences saying what "this paper" does (they restate each other)
_THIS_PAPER = re.compile(r"\bthis (?:[\w-]+ )?(?:paper|work|article|study|thesis)\b", re.I)  # "this (short) paper"
RESULT_BONUS = 1.0  # with keywords: added to the gain of a result sentence until the summary has one (dev)
_RESULT_VERB = re.compile(r"\b(?:achiev|obtain|reach|improv|outperform|yield|attain|gain|reduc|increas|surpass|beat|"
                          r"score|perform|boost|exceed)\w*", re.I)
_RESULT_NUMBER = re.compile(r"\d(?:\.\d+)?\s?%|\b\d*\.\d+\b|\b\d+ (?:points?|percent)\b")
_POINTS_AT_A_FLOAT = re.compile(r"^(?:as )?(?:table|figure|fig\.|tab\.)\s*\d", re.I)


def states_a_result(sentence: str) -> bool:
    """A sentence that gives a result with its number: "Our methods achieve about 80% accuracy ...",
    "... improves F1 by 2.3 points" (not one that points at a table: "Table 1 shows ...")."""
    return bool(_RESULT_VERB.search(sentence) and _RESULT_NUMBER.search(sentence)
                and not _POINTS_AT_A_FLOAT.match(sentence))


def result_sentences(doc: Document) -> list[bool]:
    """Per body sentence (`doc.body_sentences()` order): a result with its number (`states_a_result`) in the
    introduction or the conclusion, where a paper states its headline result ("Our methods achieve about 80%
    accuracy ... compared to around 50% ..."). A summary takes one of them if it can (`select`)."""
    return [section_type(sec.heading) in ("introduction", "conclusion") and states_a_result(s.text)
            for _, sec, s in doc.body_sentences()]


def select(sentences: Sequence[str], scores: Sequence[float], words: int, max_overlap: float = 0.5,
           keywords: dict[str, float] | None = None, count: int | None = None,
           asides: Sequence[bool] | None = None, results: Sequence[bool] | None = None) -> list[int]:
    """Indices of summary sentences in the order they were picked, until `words` words (or `count` sentences).

    Without `keywords`: best score first. With `keywords` (content stem -> probability that it occurs in
    the abstract, `papercli.keywords`) each pick maximises (the keyword weight of the stems that no
    picked sentence has yet + KEYWORD_SCORE_WEIGHT x the sentence's z-scored score) / words **
    KEYWORD_LENGTH_POWER, so a summary covers the likely abstract words instead of repeating them.
    A sentence whose content words overlap a chosen one by more than `max_overlap` (Jaccard) is skipped,
    and so is one that would take the summary past MAX_OVERSHOOT x `words` (a run-on "sentence" of a
    scan without punctuation), unless no sentence fits at all, and so is a fragment (`is_fragment`:
    fewer than MIN_SENTENCE_WORDS words, a numbered heading read as a sentence, or a lead-in to an
    equation or list that the summary does not show), or a sentence about the text rather than its
    content (`about_the_text`: "In this section, we ...", "In Section 4, we describe ..."), unless there is
    nothing else, or a question the paper asks ("How can this method be evaluated?"), or future work ("We
    plan to ...": what the paper has not done), or one about a figure or table ("Table 1 lists ..."). A
    sentence that leans on the one before it (`leans_on_the_one_before`: "Hence, ...", "They ...", "This
    shows ...") is picked only together with that one. At most MAX_THIS_PAPER sentences say what "this paper" does (they restate
    each other). With `keywords`, the sentences marked in `results` (`result_sentences`: a result with its
    number) get RESULT_BONUS added to their gain until one is picked. A figure or table caption and the
    sentences marked in `asides` (`unsummarized`: captions, footnotes, a "Plan of the Paper" section) are
    never picked.
    """
    bags = [set(content_words(s)) for s in sentences]
    sizes = [len(s.split()) for s in sentences]
    never = [is_caption(s) or bool(asides and asides[i]) for i, s in enumerate(sentences)]  # not even as a fallback
    unfit = [never[i] or is_fragment(s) or about_the_text(s) or _ASKED.search(s) is not None
             or _FUTURE_WORK.search(s) is not None or _ABOUT_A_FLOAT.match(s) is not None
             for i, s in enumerate(sentences)]
    about_paper = [bool(_THIS_PAPER.search(s)) for s in sentences]
    count = len(sentences) if count is None else count
    chosen: list[int] = []
    used = 0

    before: list[int | None] = []  # the sentence before each, passing over captions and footnotes placed between
    for i in range(len(sentences)):
        before.append(None if i == 0 else i - 1 if not never[i - 1] else before[i - 1])
    leans = [before[i] is not None and leans_on_the_one_before(s) for i, s in enumerate(sentences)]

    def take(i: int) -> list[int]:
        """Pick sentence i, with the one before it when it leans on it and that one is not picked yet, if
        they fit (the budget, the count, no near-duplicate, nothing unfit); the sentences picked."""
        nonlocal used
        group = [before[i], i] if leans[i] and before[i] not in chosen else [i]
        if (i in chosen or len(chosen) + len(group) > count or leans[group[0]] and before[group[0]] not in chosen
                or used + sum(sizes[j] for j in group) > MAX_OVERSHOOT * words):
            return []
        if sum(about_paper[j] for j in chosen + group) > MAX_THIS_PAPER:
            return []
        for j in group:
            if (not bags[j] or unfit[j] or j in chosen
                    or any(len(bags[j] & bags[k]) / len(bags[j] | bags[k]) > max_overlap for k in chosen)):
                return []
        chosen.extend(group)
        used += sum(sizes[j] for j in group)
        return group

    if keywords is None:
        for i in sorted(range(len(sentences)), key=lambda j: -scores[j]):
            if used >= words or len(chosen) >= count:
                break
            take(i)
        return chosen or _best_of_any_length(bags, unfit, leans, never, scores, count)
    z = np.asarray(scores, dtype=float)
    z = (z - z.mean()) / (z.std() + 1e-9) if len(z) else z
    stems = [list(dict.fromkeys(keyword_stems(s))) for s in sentences]  # ordered: float sums the same in every process
    lengths = [max(len(s.split()), 1) ** KEYWORD_LENGTH_POWER for s in sentences]
    result = results or [False] * len(sentences)
    covered: set[str] = set()
    left = set(range(len(sentences)))
    while left and used < words and len(chosen) < count:
        bonus = 0.0 if any(result[k] for k in chosen) else RESULT_BONUS
        i = max(left, key=lambda j: ((sum(keywords.get(w, 0.0) for w in stems[j] if w not in covered)
                                      + KEYWORD_SCORE_WEIGHT * z[j] + bonus * result[j]) / lengths[j], -j))
        left.discard(i)
        for j in take(i):
            left.discard(j)
            covered.update(stems[j])
    return chosen or _best_of_any_length(bags, unfit, leans, never, scores, count)


def _best_of_any_length(bags: list[set], unfit: list[bool], leans: list[bool], never: list[bool],
                        scores: Sequence[float], count: int) -> list[int]:
    """When no sentence fits the budget: the best-scored one with content words that is not unfit for a
    summary and stands alone, else one that is fit, else the best-scored fragment (a text of fragments
    only), never a caption or an aside; empty when count is 0 or there is nothing else."""
    candidates = ([i for i, b in enumerate(bags) if b and not unfit[i] and not leans[i]]
                  or [i for i, b in enumerate(bags) if b and not unfit[i]]
                  or [i for i, b in enumerate(bags) if b and not never[i]])
    best = max(candidates, key=lambda i: scores[i], default=None)
    return [best] if best is not None and count > 0 else []
