"""Inference: load the shipped model once, run one forward pass per context, decode grounded results.

Every result points back to its document and page. Refusal: an answer is given only when a paper
mentions enough of the question's content words and every name it asks about (the coverage rule,
`context.question_names`) and the probability mass of the top three evidence sentences clears a threshold;
both cut points are calibrated on dev data
(`calibration.json` in the model dir, see papercli/train/calibrate.py).
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from papercli.context import (Context, EncodedDocument, build_context, context_inputs, question_names,
                              unmentioned_terms)
from papercli.ingest.document import Document
from papercli.ingest.sentences import without_citations
from papercli.selection import about_the_text, cut_to_words, is_fragment
from papercli.tasks.acronyms import asked_acronym, definition, singular
from papercli.tokenizer import Tokenizer

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "papercli-longnet-small"  # papercli/models -> ../models
MAX_ANSWER_TOKENS = 30
ANSWER_POOL = 10  # the answer is quoted from the best 3 quotable sentences among the top 10 of the ranking
EVIDENCE_SKIP = 10  # at most this many fragments are passed over in the evidence list
MIN_SPAN_PROB = 0.5  # below this the span head is unsure: quote the whole evidence sentence instead
ALSO_POOL = 30  # "Which papers ...?": another paper answers too with a sentence among the top 30 of the ranking
MIN_ALSO_SHARE = 0.01  # ... scored at least this share of the best sentence's score
MIN_NUMBER_SHARE = 0.01  # a number is quoted only from a top sentence with at least this share of the best one's score
MAX_QUOTE_WORDS = 80  # a whole sentence quoted as the answer is cut here (a scan's unpunctuated run), with " …"
DEFAULT_MIN_COVERAGE = 0.5  # share of the question's content words the papers must mention (uncalibrated models)


_METRICS = (r"accuracy|precision|recall|f-?scores?|f1|f-measure|bleu|rouge(?:-\w+)?|uas|las|perplexity|kappa|agreement"
            r"|correlation")  # what a number question may name ("What parsing accuracy ...?")
_ASKS_FOR_A_NUMBER = re.compile(
    r"^\s*(?:how (?:many|much|long|old|often|large|big|high|far|fast)|what (?:percentage|proportion|fraction|number|year|age)"
    r"|what (?:is|was|are|were) the (?:number|percentage|proportion|rate|size|mean|median|average|duration|length|age"
    r"|speed|running time|run ?time|throughput)"
    r"|(?:what|which) (?:(?:is|was) the )?(?:accuracy|precision|recall|f-?score|f1|f-measure|bleu|error rate|perplexity)"
    r"|when\b|in (?:what|which) year|at what (?:age|temperature|dose|time)"
    # a setting or a bound: "What value is lambda set to?", "What threshold is used for ...?", "What is the
    # expert-based upper bound?"
    r"|(?:what|which) (?:values?|thresholds?|cut-?offs?)\b"
    # a hyperparameter: "What learning rate was used to train ...?", "What was the batch size?"
    r"|(?:what|which) (?:(?:is|was|are|were) the )?(?:[\w-]+ )?(?:learning rate|dropout(?: rate)?|batch size|"
    r"beam (?:size|width)|window size|weight decay|momentum|hidden (?:size|units)|embedding (?:size|dimension))\b"
    r"|what (?:is|was|are|were) the (?:[\w-]+ ){0,2}?(?:values?|thresholds?|cut-?offs?|upper bound|lower bound)\b"
    # a metric asked anywhere: "What parsing accuracy does ...?", "What UAS on ...?", "What TedEval score does it
    # get?"; not "What kind of agreement is measured?", "Which score is used to evaluate ...?" (a name)
    r"|(?:what|which) (?!.*\b(?:use[sd]?|using|measure[sd]?|adopt(?:s|ed)?|employ(?:s|ed)?|chos[e]n?|choose|analy[sz]e[sd]?)\b)"
    r"(?:(?!kind\b|type\b|sort\b)[\w-]+ ){0,3}?(?:" + _METRICS + r"|error rate|score|speed) (?:does|do|did|is|was|were"
    r"|are|has|have|had|on|for|of|in|at|with|when)\b)", re.I)
_DIGIT = r"(?<![^\W_])\d"  # a number's digit, not one inside a word ("b0,sed", an OCR slip; "BM25", "CoNLL2003")
_NUMBER = re.compile(
    _DIGIT + r"|\b(?:(?<!\bno )(?<!\bany )(?<!\bthe )(?<!\bthis )(?<!\bthat )(?<!\beach )(?<!\bevery )"  # "no one"
    r"(?<![-\u2010])one(?! of\b| can\b| could\b| may\b| might\b| would\b| should\b| must\b| another\b| has to\b|[-\u2010])|"
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|"
    r"hundred|thousand|million|billion|half|twice|dozens?)\b", re.I)  # ("one of", "one-to-one": no count)
_REFERENCE = re.compile(r"(?:\b(?:sections?|sec\.|tables?|tab\.|figures?|fig\.|eqs?\.|equations?|chapters?|appendix"
                        r"|group|step|line|rule|example|experiment|phase|stage)|§)"
                        r"[\s-]*\d+(?:\.\d+)*", re.I)  # "Section 3", "Table 4", "group 1 verbs", "line 5": a label, not a number
# a heading's number read into its first sentence: "2.2 Existing Treebank Formats ..." (not "4.5 BLEU points ...")
_HEADING_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)+\.?\s+(?=[A-Z][\w-]* [A-Z])")
_STOP = re.compile(r"[.!?][\"”’)\]]*\s*$")
_ASKED = re.compile(r"\?[\"”’)\]]*\s*$")  # a sentence that asks
_BRACKET_CITATION = re.compile(r"\[(?:[A-Z][^\]]{0,200}?\b)?(?:19|20)\d\d[a-z]?\]")  # "[Church, 1988]", "Baum [1972]"
_EQUATION_NUMBER = re.compile(  # "the mention-pair model (9)", "in (3)": an equation's label (not "hopped (29)", a count)
    r"\b(?:model|models|equations?|eqs?\.?|formulas?|objective|function|loss|probability|constraints?|rules?|steps?|"
    r"in|by|from|see|of|and|to)\s+\(\d{1,2}\)", re.I)
_NUMBERED_CITATION = re.compile(r"\[\d{1,3}(?:\s*[,;\u2013-]\s*\d{1,3})*\]")  # "[8]", "[3, 5-7]": no count
_ASKS_FOR_A_SPEED = re.compile(r"^\s*(?:how (?:fast|quickly)|what (?:is|was) the (?:speed|running time|run ?time|"
                               r"throughput)|how (?:long|much time) (?:does|do|did) .{0,80}\btake)|\bper (?:second|minute|hour)\b", re.I)
_TIME = re.compile(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|a few|several))\s*-?\s*"
                   r"(?:ms|s|secs?|seconds?|milliseconds?|minutes?|mins?|hours?|h|days?|weeks?|months?|years?|wps|tps)\b"
                   r"|\b(?:per (?:second|minute|hour|sec)|wps|tps)\b|/\s*(?:s|sec)\b", re.I)  # "0.4 s", "1M wps"
_ASKS_FOR_A_YEAR = re.compile(r"\b(?:when|years?)\b", re.I)


_ASKS_FOR_A_SCORE = re.compile(  # a metric named by its acronym: "What WAA does the corpus achieve on ...?"
    r"^\s*(?:[Ww]hat|[Ww]hich) (?P<unit>[A-Z][\w-]*[A-Z][\w-]*) (?:scores? )?(?:does|do|did|is|was|were|are)\b"
    r".*\b(?:achieve|get|reach|obtain|score|yield|attain|give)[sd]?\b")


_ASKS_FOR_A_VALUE = re.compile(  # a number question whose answer is a measured value, in digits: a metric, a setting
    # (not "How many annotators reached agreement?", "What percentage ...?": "half of the patients")
    r"^(?!\s*how (?:many|much)\b).*\b(?:" + _METRICS + r"|learning rate|dropout|batch size|beam (?:size|width)|"
    r"window size|weight decay|momentum|error rate|set to|thresholds?)\b", re.I)
_ASKS_FOR_PAPERS = re.compile(r"^\s*(?:which|what)\s+(?:of\s+(?:these|the)\s+)?(?:papers|articles|studies)\b", re.I)
_SET_TO = re.compile(r"\bset to\W*$", re.I)  # "What is the learning rate set to?"


def asks_for_a_number(question: str) -> bool:
    return bool(_ASKS_FOR_A_NUMBER.search(question) or _ASKS_FOR_A_SCORE.search(question)
                or _SET_TO.search(question))


def _numeric_text(text: str, years: bool) -> str:
    """`text` without pointers ("Section 3", "Table 4", "§6", a heading's "2.2" read into the sentence, an
    equation's "(9)" after a word) and numbered citations ("[8]"), and, unless `years`, without citations ("(Hobbs 1986)", "Feng and Hirst (2014)",
    "[Church, 1988]", "Baum [1972]")."""
    text = _EQUATION_NUMBER.sub(" ", _NUMBERED_CITATION.sub(" ", _REFERENCE.sub(" ", _HEADING_NUMBER.sub(" ", text))))
    return text if years else without_citations(_BRACKET_CITATION.sub(" ", text))


def has_a_number(text: str, years: bool = True) -> bool:
    """Digits or a number word, not counting pointers, nor "one" as a pronoun ("one of", "one can", "no one"),
    nor, unless `years`, a citation's year ("2000 sentences" counts; see `_numeric_text`)."""
    return bool(_NUMBER.search(_numeric_text(text, years)))


_AUX = r"(?:is|are|was|were|does|do|did|has|have|had|can|could|will|would|should)\b"
_ASKS_FOR_A_NAME = re.compile(  # "What dataset ...?", "Which machine learning system ...?", "Which similarity
    # measure ...?" (not "What problems do systems have?", "What control measures were taken?")
    r"^\s*(?:what|which)\s+(?:(?:of the|kind of|type of|(?!" + _AUX + r")[\w-]+(?: (?!" + _AUX + r")[\w-]+)?)\s+)?"
    r"(?P<kind>data ?sets?|corp(?:us|ora)|treebanks?|"
    r"benchmarks?|metrics?|methods?|models?|algorithms?|systems?|tools?|toolkits?|resources?|lexicons?|"
    r"dictionar(?:y|ies)|parsers?|taggers?|classifiers?|languages?|software|librar(?:y|ies)|baselines?|frameworks?|"
    r"architectures?|embeddings?|packages?|databases?|ontolog(?:y|ies)"
    r"|(?:similarity|relatedness|distance|association|evaluation|quality) measures?)\b", re.I)
_NOT_A_NAME = frozenset("table tables figure figures fig section sections sec eq equation equations appendix "
                        "appendices chapter chapters we our in the this these those it its a an for to as on at by "
                        "of if when while however i they their there here then thus also both each "
                        "url http nlp ai pdf".split())  # (generic acronyms: "the URL", "NLP systems")
_WORD = re.compile(r"[^\W_][\w'’.+-]*[\w+]|[^\W_]")
_NARRATIVE_CITATION = re.compile(  # "Turney (2002)", "Pang and Lee (2004)", "Brown et al. (1993a)"
    r"\b[A-Z][\w'’-]+(?:(?:,? (?:and|&) | )[A-Z][\w'’-]+| et\.? al\.?)?'?s? \((?:19|20)\d\d[a-z]?\)")


def asks_for_a_name(question: str) -> bool:
    return bool(_ASKS_FOR_A_NAME.search(question))


@lru_cache(maxsize=1)
def _metric_stems() -> frozenset[str]:
    from papercli.context import KIND_WORDS
    from papercli.features import content_stems

    return frozenset(content_stems(KIND_WORDS["metric"]))


def has_a_name(text: str, question: str) -> bool:
    """A name the question does not use, outside citations ("Turney (2002) reports" names a work, not what
    the paper used): a capitalised word past the first ("the Penn Treebank"), an acronym or a mixed-case
    word anywhere ("WordNet", "BLEU"), a word with digits that starts with a letter ("F1", "MUC-6",
    "word2vec"; not "10-fold", "1990s"), or, for "Which metric ...?", a metric's name in lower case
    ("accuracies", "precision": `context.KIND_WORDS`, matched as stems; a dataset's kind words, "corpus",
    "corpora", name none); not "Table", "Sections", "We"."""
    from papercli.features import content_stems

    m = _ASKS_FOR_A_NAME.search(question)
    kind_stems = _metric_stems() if m and m["kind"].lower().startswith("metric") else frozenset()
    asked = {w.lower() for w in _WORD.findall(question)}
    text = without_citations(_NARRATIVE_CITATION.sub(" ", text))
    for k, w in enumerate(_WORD.findall(text)):
        low = w.lower()
        if low in _NOT_A_NAME or low in asked:
            continue
        letters = sum(c.isalpha() for c in w)
        if (letters >= 2 and sum(c.isupper() for c in w) >= 2 or w[0].isalpha() and any(c.isdigit() for c in w)
                or k > 0 and w[0].isupper() and letters > 1):
            return True
    return bool(kind_stems & set(content_stems(text)))


_METRIC_ASKED = re.compile(r"^\s*(?:what|which) (?:[\w-]+ ){0,3}?(?P<unit>" + _METRICS + r")\b", re.I)
_COUNT_ASKED = re.compile(r"^\s*how (?:many|much) (?P<unit>[^\W\d_][\w-]*)", re.I)


def _asked_unit(question: str) -> str | None:
    """For a number question, the stem of what "How many ...?" counts ("How many patches were learned?" ->
    "patch") or of the metric asked for ("What parsing accuracy ...?" -> "accuraci", "What WAA does ...
    achieve?" -> "waa"), or None."""
    from papercli.features import content_stems

    m = _COUNT_ASKED.match(question) or _METRIC_ASKED.match(question) or _ASKS_FOR_A_SCORE.match(question)
    stems = content_stems(m.group("unit")) if m else ()
    return stems[0] if stems else None


_ASKS_WHAT_IT_IS = re.compile(  # "What is disease resilience?", "What are inovirus-associated vectors?"
    r"^\s*what (?:is|are) (?:an? |the )?(?P<term>[^\W\d_][\w-]*(?: [\w-]+){0,3}?)\s*\?*\s*$", re.I)
_NOT_A_TERM = re.compile(r"\b(?:of|in|for|to|on|by|with|between|from|after|before|during|about|that|which|who|when|"
                         r"where|how|why|this|these|they|it|its|their|there|paper|study|review|article)\b", re.I)


def asked_term(question: str) -> str | None:
    """The term a "What is X?" question asks to define ("disease resilience"), or None: not when X relates
    or points to something ("What is the advantage of adenovirus?", "What is the focus of this review?")."""
    m = _ASKS_WHAT_IT_IS.match(question[:200])
    return m["term"] if m and not _NOT_A_TERM.search(m["term"]) else None


_NOT_DEFINING = (r"(?:used|shown|given|presented|described|listed|reported|computed|calculated|estimated|obtained|set|"
                  r"applied|based|found|seen|illustrated|depicted|plotted|summari[sz]ed|compared|trained|evaluated|"
                  r"tested|measured|performed|available|discussed|explained|introduced|provided|included|displayed|"
                  r"increased|decreased|reduced|higher|lower|better|worse|important|needed|required|still|now|in|at|on)")


def defines(term: str, text: str) -> bool:
    """`text` says what `term` is: "Disease resilience is the ability ...", "Inovirus-associated vectors
    (IAVs) are engineered ...", "X refers to ..."; not "X is used in ..." nor "X is shown in Table 2"."""
    forms = {term, term + "s", term + "es"} | ({term[:-1]} if term[-1:] in "sS" else set()) \
        | ({term[:-2]} if term[-2:].lower() == "es" else set())  # "virus" / "viruses", "Coronaviruses" / "Coronavirus"
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True) if len(f) > 1)
    return bool(re.search(rf"\b(?:{alternatives})\b(?:\s*\([^()]{{1,60}}\))?,?\s+(?:(?:is|are) (?:defined as|known as)"
                          rf"|refers? to|denotes?|(?:is|are)(?! (?:not |also |then )?{_NOT_DEFINING}\b))\s", text, re.I))


_OWN = re.compile(r"\b(?:we|our|us|this (?:paper|work|article))\b", re.I)


def cites_others(text: str) -> bool:
    """`text` cites a work and does not speak of the paper's own ("Zhang et al. (2006) report 70.9"; not
    "Our kernel reaches 74.1, above Zhang et al. (2006)")."""
    return _numeric_text(text, years=False) != _numeric_text(text, years=True) and not _OWN.search(text)


def typed_answers(question: str, texts: list[str]) -> list[int]:
    """The positions of `texts` that hold what the question asks for: a number ("How many ...?", "What was
    the mean ...?", "What accuracy ...?"; a citation's year only when it asks "when" or for a year: "(Hobbs
    1986)" answers no "How many"; for "How fast ...?" a time; those that name what "How many ...?" counts or
    the metric asked for first ("three experts" before "11 In the comparison ..."), then those about the
    paper's own work before those that only cite others' ("Zhang et al. (2006) report 70.9"), then digits
    before number words), or a name ("What dataset ...?", "Which metric ...?"), or a definition ("What is
    X?": the sentences that say what X is, when some do); for any other question, all."""
    from papercli.features import content_stems

    if asks_for_a_number(question):
        years = bool(_ASKS_FOR_A_YEAR.search(question))  # "(Hobbs 1986)" counts for "when" only
        numeric = {i: _numeric_text(t, years) for i, t in enumerate(texts)}
        speed = bool(_ASKS_FOR_A_SPEED.search(question))  # "How fast ...?": a time ("0.4 seconds per sentence")
        unit = _asked_unit(question)  # "How many experts ...?": "three experts" before "69.5%"; "What WAA ...?": "95.4% WAA"
        named = {i: unit is None or unit in content_stems(t) for i, t in numeric.items()}
        value = bool(_ASKS_FOR_A_VALUE.search(question))  # a measured value is written in digits ("two models"
        # answers no "What learning rate ...?")
        return sorted((i for i, t in numeric.items() if _NUMBER.search(t) and (not speed or _TIME.search(t))
                       and (not value or re.search(_DIGIT, t))),
                      key=lambda i: (not named[i], not years and cites_others(texts[i]),
                                     not re.search(_DIGIT, numeric[i])))
    if asks_for_a_name(question):
        return [i for i, t in enumerate(texts) if has_a_name(t, question)]
    term = asked_term(question)  # "What is X?": the sentences that say what X is, if any
    return [i for i, t in enumerate(texts) if term and defines(term, t)] or list(range(len(texts)))


def covers(coverage: float, min_coverage: float) -> bool:
    """The coverage rule: the papers mention at least `min_coverage` of the question's content words
    (with a float tolerance, so that 3 of 4 words meet 0.75)."""
    return coverage >= min_coverage - 1e-9


@dataclass
class Evidence:
    doc: int        # index of the document in the inputs
    index: int      # body sentence index within that document
    page: int
    text: str
    score: float    # probability that this sentence answers the question


@dataclass
class Answer:
    question: str
    answer: str | None                    # None when refused
    evidence: list[Evidence] = field(default_factory=list)
    answer_evidence: Evidence | None = None
    confidence: float = 0.0
    refused: bool = False
    missing: list[str] = field(default_factory=list)  # question words no paper mentions
    covered: bool = True                  # a paper mentions Engine.min_coverage of the question's words and its names
    coverage: float = 1.0                 # share of the question's content words the papers mention
    names_missing: list[str] = field(default_factory=list)  # names the question asks about that the papers lack
    lacks: str | None = None              # refused: what the question asks for that no top sentence holds ("a number")
    closest: tuple[int, list[str]] | None = None  # of several papers: the one covering most words, and what it lacks
    also: list[Evidence] = field(default_factory=list)  # "Which papers ...?": the best sentence of each other paper


def resolve_device(device: str = "auto") -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("--device cuda: no CUDA GPU is available")
    return device


def find_model_dir(model_dir: str | Path | None = None) -> Path:
    """The model folder: an explicit path, else $PAPERCLI_MODEL, else the one shipped in the package or checkout."""
    model_dir = model_dir or os.environ.get("PAPERCLI_MODEL") or None
    d = Path(model_dir) if model_dir else DEFAULT_MODEL
    if (d / "model.safetensors").exists() and (d / "tokenizer.model").exists():
        return d
    raise FileNotFoundError(f"no trained model found in {d} (needs model.safetensors and tokenizer.model)")


class Engine:
    def __init__(self, model, tok: Tokenizer, device: str, threshold: float,
                 min_coverage: float = DEFAULT_MIN_COVERAGE):
        self.model, self.tok, self.device, self.threshold = model, tok, device, threshold
        self.min_coverage = min_coverage
        self.timings: dict[str, float] = {}  # seconds of the last call: "forward" (incl. context), "decode"
        self.tokenizer_file: Path | None = None  # hashed into the token-id cache key
        self.keywords = None  # papercli.keywords.KeywordModel from keywords.json: keyword weights for summaries

    @classmethod
    def load(cls, model_dir: str | Path | None = None, device: str = "auto") -> "Engine":
        from papercli.longnet.model import load_model

        d = find_model_dir(model_dir)
        device = resolve_device(device)
        calib = json.loads((d / "calibration.json").read_text()) if (d / "calibration.json").exists() else {}
        threshold = calib.get("threshold", 0.0)
        if os.environ.get("PAPERCLI_REFUSAL_THRESHOLD"):  # test/debug override of the calibrated threshold
            threshold = float(os.environ["PAPERCLI_REFUSAL_THRESHOLD"])
        engine = cls(load_model(d, device), Tokenizer(d / "tokenizer.model"), device, threshold,
                     calib.get("min_coverage", DEFAULT_MIN_COVERAGE))
        engine.tokenizer_file = d / "tokenizer.model"
        if (d / "keywords.json").exists():
            from papercli.keywords import KeywordModel

            engine.keywords = KeywordModel.load(d / "keywords.json")
        return engine

    def encode(self, doc: Document) -> EncodedDocument:
        return EncodedDocument.encode(doc, self.tok)

    def _forward(self, ctx: Context) -> dict:
        import torch

        with torch.inference_mode():
            if self.device == "cuda":
                with torch.autocast("cuda", dtype=torch.bfloat16):
                    out = self.model(**context_inputs(ctx, self.device))
            else:
                out = self.model(**context_inputs(ctx, self.device))
        return {k: v[0].float().cpu() for k, v in out.items()}

    def salience(self, doc: Document, encoded: EncodedDocument | None = None
                 ) -> tuple[list[float], dict[str, float] | None]:
        """One salience score per body sentence of `doc` (`doc.body_sentences()` order), and the keyword
        weight of each content stem of the body (None when the model folder has no keywords.json)."""
        ctx = build_context([encoded or self.encode(doc)], self.tok)
        scores = self._forward(ctx)["salience"].tolist()
        return scores, self.keywords.weights(doc) if self.keywords else None

    def ask(self, docs: Document | list[Document], question: str, encoded: list[EncodedDocument] | None = None,
            top_k: int = 3) -> Answer:
        """Answer `question` from all `docs` read at once: ranked evidence, a quoted span, or a refusal."""
        import torch

        self.timings = {}
        docs = [docs] if isinstance(docs, Document) else docs
        encoded = encoded or [self.encode(d) for d in docs]
        rows = [list(d.body_sentences()) for d in docs]
        texts = [[s.text for _, _, s in r] for r in rows]
        # the coverage rule holds paper by paper: an unrelated paper beside it lends a question no words; and a
        # paper that lacks a name the question asks about ("... on Chinese?") cannot answer it, whatever its share
        acronym = asked_acronym(question)
        if acronym:  # "What does PER stand for?": a paper that uses the acronym covers it ("per" is a stopword)
            used = re.compile(rf"\b{re.escape(singular(acronym))}s?\b")
            by_paper = [([] if any(used.search(x) for x in t) else [acronym], 1) for t in texts]
        else:
            by_paper = [unmentioned_terms(question, [t], [d.title]) for t, d in zip(texts, docs)]
        shares = [1.0 - len(m) / n if n else 0.0 for m, n in by_paper]  # no content word: nothing to look for
        names = question_names(question)
        ok = [covers(share, self.min_coverage) and not names & set(m) for share, (m, _) in zip(shares, by_paper)]
        best_paper = max(range(len(docs)), key=lambda i: (ok[i], shares[i]))
        lacking, coverage, covered = by_paper[best_paper][0], shares[best_paper], ok[best_paper]
        names_missing = sorted(names & set(lacking))
        missing = [w for w in lacking if all(w in m for m, _ in by_paper)]  # words no paper mentions
        closest = (best_paper, lacking) if len(docs) > 1 and lacking else None  # (none lacking: nothing to look for)
        t0 = time.perf_counter()
        ctx = build_context(encoded, self.tok, question, texts)
        if not ctx.sentences:
            return Answer(question, None, refused=True, missing=missing, covered=covered, coverage=coverage,
                          names_missing=names_missing, closest=closest)
        out = self._forward(ctx)
        t1 = time.perf_counter()
        self.timings = {"forward": t1 - t0}
        prob = torch.softmax(out["evidence"], -1)
        order = torch.argsort(prob, descending=True).tolist()

        def evidence(k: int) -> Evidence:
            ref = ctx.sentences[k]
            s = rows[ref.doc][ref.index][2]
            return Evidence(ref.doc, ref.index, s.page, s.text, float(prob[k]))

        # the evidence shown: sentences, not a table's header row ("Improved Error score reduction"): a short
        # piece without a stop is passed over ("Accuracy exceeds 96%." and "Scoring programs." are shown)
        # a question the paper asks itself ("Why does the criterion work so well?") is no evidence either
        shown = (evidence(k) for k in order[: max(top_k, 3) + EVIDENCE_SKIP])
        ranked = [e for e in shown if not (is_fragment(e.text, answer=True) and not _STOP.search(e.text))
                  and not _ASKED.search(e.text)][: max(top_k, 3)] or [evidence(k) for k in order[: max(top_k, 3)]]
        confidence = sum(e.score for e in ranked[:3])  # mass on the top 3 shown: support may span sentences
        if confidence < self.threshold or not covered:
            self.timings["decode"] = time.perf_counter() - t1
            return Answer(question, None, ranked[:top_k], confidence=confidence, refused=True, missing=missing,
                          covered=covered, coverage=coverage, names_missing=names_missing, closest=closest)
        if acronym:  # "What does PRO stand for?": the best-ranked sentence of a covering paper that defines it
            in_order = [(k, rows[ctx.sentences[k].doc][ctx.sentences[k].index][2].text) for k in order
                        if ok[ctx.sentences[k].doc]]
            found = next(((k, d) for weak in (False, True) for k, t in in_order
                          for d in [definition(acronym, t, weak)] if d), None)
            if found is not None:
                self.timings["decode"] = time.perf_counter() - t1
                return Answer(question, found[1], ranked[:top_k], evidence(found[0]), confidence, missing=missing,
                              coverage=coverage)
        # the answer is quoted from a paper that covers the question, from its running text or a caption: not a
        # run-in heading ("Scoring programs."), figure or table text or a footnote (they stay evidence); a lead-in
        # ending in ":" may answer ("Each of the three layers has its own task:"); nor a sentence about the paper's
        # layout ("For a description of the annotation tool see section 5.": `about_the_text`) unless it gives a
        # figure ("Section 4 reports an F1 of 88.2"; not "... and provides three algorithms")
        quotes = [d.body_quotable() for d in docs]

        def quotable(k: int) -> bool:
            ref, text = ctx.sentences[k], evidence(k).text
            roadmap = about_the_text(text) and not re.search(_DIGIT, _numeric_text(text, True))
            return (ok[ref.doc] and quotes[ref.doc][ref.index] and not is_fragment(text, answer=True) and not roadmap
                    and not _ASKED.search(text))

        pool = [k for k in order[:ANSWER_POOL] if quotable(k)]
        if len(docs) > 1 and pool:  # of several papers, the one the evidence points to answers: the most probability
            mass = [0.0] * len(docs)  # among the quotable top ten (a number of another paper, "above 75%-80%" at 0.018,
            for k in pool:  # had answered "What precision does the distant supervision model achieve?")
                mass[ctx.sentences[k].doc] += float(prob[k])
            lead = max(range(len(docs)), key=lambda d: mass[d])
            pool = [k for k in pool if ctx.sentences[k].doc == lead]
        if acronym:  # no definition: the best top sentences that use it ("its chance-adjusted variant ARI"), if any
            pool = [k for k in pool if used.search(evidence(k).text)]
            if not pool:
                self.timings["decode"] = time.perf_counter() - t1
                return Answer(question, None, ranked[:top_k], confidence=confidence, refused=True, missing=missing,
                              coverage=coverage, lacks="a definition")
        # a question that asks for a number or a name is answered by a sentence that has one ("... was 6.9 hours",
        # "... WORDNET 1.7.1 ..."), the best three such among the quotable ones; else the best three quotable ones
        # (a sentence the model all but ruled out does not answer because it holds a number: "70/30" at 0.002
        # for "How long does it take?" when the top sentence has 0.9)
        number = asks_for_a_number(question)
        floor = MIN_NUMBER_SHARE * float(prob[order[0]]) if number else 0.0
        typed = [i for i in typed_answers(question, [evidence(k).text for k in pool]) if float(prob[pool[i]]) >= floor]
        if pool and not typed and number:  # "How many words per second ...?" of a paper
            self.timings["decode"] = time.perf_counter() - t1  # that gives no speed: no sentence to quote
            return Answer(question, None, ranked[:top_k], confidence=confidence, refused=True, missing=missing,
                          coverage=coverage, lacks="a number")
        candidates = [pool[i] for i in typed][:3] or pool[:3] or order[:3]
        k, i, j, span_prob = self._best_span(ctx, out, candidates, prob)
        if span_prob >= MIN_SPAN_PROB:
            best = evidence(k)
            text = self._quote(best.text, i, j)
        else:  # an unsure span says nothing about which sentence answers: quote the top evidence sentence
            best = evidence(candidates[0])
            text = cut_to_words(best.text, MAX_QUOTE_WORDS)
        answer = Answer(question, text, ranked[:top_k], best, confidence, missing=missing, coverage=coverage)
        if len(docs) > 1 and _ASKS_FOR_PAPERS.search(question):  # "Which papers use the ACE data?": one sentence
            floor = MIN_ALSO_SHARE * float(prob[order[0]])  # of each other paper that covers the question, if the
            for d in range(len(docs)):  # model ranks it high enough
                k = next((k for k in order[:ALSO_POOL] if ctx.sentences[k].doc == d and float(prob[k]) >= floor
                          and quotable(k)), None)
                if d != best.doc and k is not None:
                    answer.also.append(evidence(k))
        self.timings["decode"] = time.perf_counter() - t1
        return answer

    @staticmethod
    def _best_span(ctx: Context, out: dict, candidates: list[int], prob) -> tuple[int, int, int, float]:
        """(context sentence, first token, last token, span probability) of the best span in the top sentences.

        Token positions are relative to the sentence. Start and end are normalised over the sentence's
        tokens (as in training); a span's score is log p(sentence) + log p(start) + log p(end).
        """
        import torch

        best, best_score = (candidates[0], 0, 0, 0.0), -float("inf")
        for k in candidates:
            ref = ctx.sentences[k]
            n = ref.end - ref.start
            if n <= 0:
                continue
            start = torch.log_softmax(out["start"][ref.start:ref.end], -1)
            end = torch.log_softmax(out["end"][ref.start:ref.end], -1)
            # spans of 1..MAX_ANSWER_TOKENS tokens only, as a band (span i..i+d at [i, d]): memory O(n), not
            # O(n^2) (an unpunctuated scan is one 40,000-token "sentence"); row-major argmax keeps (i, j) order
            width = min(n, MAX_ANSWER_TOKENS)
            band = torch.full((n, width), -float("inf"))
            for d in range(width):
                band[: n - d, d] = start[: n - d] + end[d:]
            i, d = divmod(int(torch.argmax(band)), width)
            span = float(band[i, d])
            score = span + float(torch.log(prob[k]))
            if score > best_score:
                best, best_score = (k, i, i + d, math.exp(span)), score
        return best

    def _quote(self, text: str, i: int, j: int) -> str:
        """The exact characters of `text` covered by its tokens i..j."""
        _, offsets = self.tok.encode_with_offsets(text)
        if not offsets:
            return text
        i, j = min(i, len(offsets) - 1), min(j, len(offsets) - 1)
        return text[offsets[i][0]:offsets[j][1]].strip()
