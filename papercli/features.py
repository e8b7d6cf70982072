"""Hand-made sentence features (position, section type, cue phrases, length, centrality).

Used by the supervised feature baseline and, as side inputs, by the LongNet salience head, so that
the model starts from what simple features know and spends its capacity on whole-paper reading.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from papercli.ingest.document import Document

SECTION_TYPES = ("introduction", "related", "method", "experiment", "result", "conclusion", "other")
_SECTION_PATTERNS = [
    ("introduction", r"intro|overview|motivation|background"),
    ("related", r"related|prior work|previous work|literature"),
    ("conclusion", r"conclu|summary|discussion|future work|closing"),
    ("result", r"result|analysis|evaluation|findings|performance|comparison"),
    ("experiment", r"experiment|setup|setting|data|corpus|corpora|implementation|training"),
    ("method", r"method|approach|model|framework|architecture|algorithm|system|proposed|our"),
]
_CUE_CONTRIB = re.compile(r"\b(we (propose|present|introduce|describe|develop)|this (paper|work|article)|"
                          r"in this (paper|work)|our (approach|method|model|system)|novel)\b", re.I)
_CUE_RESULT = re.compile(r"\b(we (show|find|found|demonstrate|observe)|results? (show|indicate|suggest)|"
                         r"outperform\w*|state[- ]of[- ]the[- ]art|significant\w*|improv\w+)\b", re.I)
_CITATION = re.compile(r"\(\s*[A-Z][^()]*\d{4}[a-z]?\s*\)|\[\s*\d+(?:\s*[,-]\s*\d+)*\s*\]|\[reference\]")
_WORD = re.compile(r"[a-z][a-z0-9-]+")
STOPWORDS = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been being this
that these those it its we our us they their them he she his her which who whom what when where why how
not no nor can could may might must shall should will would do does did done has have had having than then
so such also into over under between through during before after above below up down out off again further
there here all any both each few more most other some same own only very just too s t one two using used use
based however thus while each per via i e g et al""".split())

FEATURE_NAMES = (
    ["pos_doc", "pos_doc_sq", "first_10pct", "last_10pct", "pos_section", "first_in_section",
     "first_in_paragraph", "section_index"]
    + [f"sec_{t}" for t in SECTION_TYPES]
    + ["cue_contrib", "cue_result", "citation", "length", "short", "digits", "centrality", "title_overlap"]
)
NUM_FEATURES = len(FEATURE_NAMES)


def section_type(heading: str) -> str:
    h = heading.lower()
    for name, pat in _SECTION_PATTERNS:
        if re.search(pat, h):
            return name
    return "other"


def content_words(text: str) -> list[str]:
    """Lower-case words of `text` minus stopwords (unstemmed: the sentence features' words)."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def fold_accents(text: str) -> str:
    """`text` without accents ("médiane" -> "mediane"); ASCII text as it is."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def content_stems(text: str) -> list[str]:
    """Lower-case alphanumeric words minus stopwords, then Porter-stemmed as rouge-score stems them: the
    words BM25, keyword weights and question coverage compare (stopwords go before stemming, so "this"
    never becomes a content stem "thi"). Accents are dropped first ("médiane" -> "mediane", "naïve" ->
    "naive"), so that an accented word stays one word."""
    from papercli.stems import rouge_tokens

    text = fold_accents(text)
    return rouge_tokens(" ".join(w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS))


def sentence_features(doc: Document) -> list[list[float]]:
    """One feature vector (len NUM_FEATURES) per body sentence, in `doc.body_sentences()` order."""
    rows = list(doc.body_sentences())
    n = len(rows)
    if n == 0:
        return []
    words = [content_words(s.text) for _, _, s in rows]
    doc_tf = Counter(w for ws in words for w in set(ws))
    title = set(content_words(doc.title))
    sec_sizes = Counter(i for i, _, _ in rows)
    n_sections = max(len(doc.sections), 1)
    feats, seen_sec, in_sec = [], set(), Counter()
    first_of_par = set()
    k = 0
    for sec in doc.sections:
        for par in sec.paragraphs:
            if par.sentences:
                first_of_par.add(k)
            k += len(par.sentences)
    for j, ((si, sec, s), ws) in enumerate(zip(rows, words)):
        pos = j / max(n - 1, 1)
        pos_sec = in_sec[si] / max(sec_sizes[si] - 1, 1)
        in_sec[si] += 1
        stype = section_type(sec.heading)
        n_words = len(s.text.split())
        distinct = dict.fromkeys(ws)  # in text order: a set's order, and so the float sum, changes per process
        cent = sum(math.log1p(doc_tf[w]) for w in distinct) / (len(distinct) + 1) / math.log1p(n)
        row = [pos, pos * pos, float(pos < 0.1), float(pos > 0.9), pos_sec, float(si not in seen_sec),
               float(j in first_of_par), si / n_sections]
        row += [float(stype == t) for t in SECTION_TYPES]
        row += [float(bool(_CUE_CONTRIB.search(s.text))), float(bool(_CUE_RESULT.search(s.text))),
                float(bool(_CITATION.search(s.text))), min(n_words, 80) / 40.0, float(n_words < 8),
                sum(c.isdigit() for c in s.text) / max(len(s.text), 1) * 10, cent,
                len(title & set(ws)) / (len(title) + 1)]
        seen_sec.add(si)
        feats.append(row)
    return feats
