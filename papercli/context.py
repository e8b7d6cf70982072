"""One token sequence for one paper or a whole collection, with maps token -> sentence -> (document, page).

Layout:  [Q] question...  |  [DOC] title  ([SEC] heading  ([SENT] sentence)*)*  |  [DOC] ...
The question (if any) is the global prefix. Only body sentences get [SENT] slots: those are the
units the model scores for summaries and evidence. Abstract and references are left out (the
abstract is what summaries are judged against, references are noise for the model).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

from papercli.features import sentence_features
from papercli.ingest.document import Document
from papercli.tokenizer import Tokenizer

QUESTION_FEATURES = 3  # bm25 / max, reciprocal bm25 rank, share of sentence pieces found in the question


@dataclass
class EncodedDocument:
    """A document's token ids, cacheable as JSON: the title, per section its heading, per body sentence."""

    title: list[int]
    headings: list[list[int]]
    sentences: list[list[int]]
    sentence_section: list[int]
    features: list[list[float]]

    @classmethod
    def encode(cls, doc: Document, tok: Tokenizer) -> "EncodedDocument":
        rows = list(doc.body_sentences())
        return cls(title=tok.encode(doc.title[:300]),
                   headings=tok.encode_batch([s.heading[:200] for s in doc.sections]) if doc.sections else [],
                   sentences=tok.encode_batch([s.text for _, _, s in rows]) if rows else [],
                   sentence_section=[i for i, _, _ in rows], features=sentence_features(doc))

    @property
    def num_tokens(self) -> int:
        return 1 + len(self.title) + sum(1 + len(h) for h in self.headings) + sum(1 + len(s) for s in self.sentences)


@dataclass
class SentenceRef:
    doc: int     # index into the context's documents
    index: int   # index among the document's body sentences
    start: int   # first token of the sentence text (after its [SENT])
    end: int     # one past its last token


@dataclass
class Context:
    ids: list[int]
    num_global: int
    token_sentence: list[int]          # context sentence index per token, -1 outside sentences
    in_question: list[int]             # 1 where the token's piece occurs in the question
    sentences: list[SentenceRef]
    sentence_features: list[list[float]]
    question_features: list[list[float]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)


def build_context(encoded: list[EncodedDocument], tok: Tokenizer, question: str | None = None,
                  sentence_texts: list[list[str]] | None = None, max_question_tokens: int = 64) -> Context:
    """Concatenate encoded documents behind an optional question prefix.

    `sentence_texts` (body sentences per document) is needed for the question features (BM25).
    """
    q_ids = ([tok.q_id] + tok.encode(question)[:max_question_tokens]) if question else []
    q_set = {i for i in q_ids[1:] if len(tok.sp.id_to_piece(i).strip("▁")) > 2}
    ids, tsent, sents, feats = list(q_ids), [-1] * len(q_ids), [], []
    for d, enc in enumerate(encoded):
        ids += [tok.doc_id] + enc.title
        tsent += [-1] * (1 + len(enc.title))
        last_sec = -1
        for j, (sec, s_ids) in enumerate(zip(enc.sentence_section, enc.sentences)):
            if sec != last_sec:
                ids += [tok.sec_id] + enc.headings[sec]
                tsent += [-1] * (1 + len(enc.headings[sec]))
                last_sec = sec
            ids.append(tok.sent_id)
            start = len(ids)
            ids += s_ids
            tsent += [len(sents)] * (1 + len(s_ids))  # the [SENT] marker belongs to its sentence
            sents.append(SentenceRef(d, j, start, len(ids)))
        feats += enc.features
    ctx = Context(ids, len(q_ids), tsent, [int(i in q_set) for i in ids], sents, feats)
    if question:
        ctx.question_features = question_features(question, ctx, q_set, sentence_texts)
    return ctx


QUESTION_FILLER = frozenset("many much long often kind kinds type types paper papers article work authors author "
                            "main key primary major get gets got getting take takes took taken make makes made "
                            "give gives gave given go goes went gone achieve achieves achieved obtain obtains "
                            "obtained reach reaches reached yield yields yielded happen happens happened happening "
                            "stand try tries tried trying besides percentage percent fast version versions"
                            .split())  # "How fast ...?": "0.4 s a sentence"; "Which version of X?": "X 1.2"

# Irregular verb forms, which stemming does not bring together: "How long did they sleep?" is answered by a paper
# that says "slept" (unambiguous forms only: not "bound", "found", "left", "saw").
IRREGULAR = {
    "arose": "arise", "arisen": "arise", "began": "begin", "begun": "begin", "bought": "buy", "broke": "break",
    "broken": "break", "brought": "bring", "built": "build", "caught": "catch", "chose": "choose",
    "chosen": "choose", "dealt": "deal", "drew": "draw", "drawn": "draw", "drove": "drive", "driven": "drive",
    "ate": "eat", "eaten": "eat", "fell": "fall", "fallen": "fall", "fed": "feed", "felt": "feel",
    "fought": "fight", "flew": "fly", "flown": "fly", "forgot": "forget", "forgotten": "forget",
    "froze": "freeze", "frozen": "freeze", "went": "go", "gone": "go", "grew": "grow", "grown": "grow",
    "heard": "hear", "held": "hold", "kept": "keep", "knew": "know", "known": "know", "led": "lead",
    "lent": "lend", "lost": "lose", "meant": "mean", "met": "meet", "overcame": "overcome", "paid": "pay",
    "ran": "run", "risen": "rise", "said": "say", "seen": "see", "sought": "seek", "sold": "sell", "sent": "send",
    "shook": "shake", "shaken": "shake", "shown": "show", "slept": "sleep", "spoke": "speak", "spoken": "speak",
    "spent": "spend", "stood": "stand", "struck": "strike", "taught": "teach", "told": "tell",
    "thought": "think", "threw": "throw", "thrown": "throw", "understood": "understand",
    "undertook": "undertake", "undertaken": "undertake", "withdrew": "withdraw", "withdrawn": "withdraw",
    "won": "win", "wore": "wear", "worn": "wear", "wrote": "write", "written": "write",
}

# A reader's generic words, which a paper answers in its own words: "What dataset do they evaluate on?" is
# answered by "... the ACE RDC 2003 corpus ...". Such a word counts as mentioned when the papers use the
# word or one of these (matched as Porter stems, so "datasets", "proposed", "evaluation" are included).
KIND_WORDS = {
    "dataset": "dataset corpus corpora treebank benchmark",
    "metric": "metric measure accuracy precision recall f1 bleu rouge perplexity error correlation score",
    "method": "method approach algorithm technique model framework system architecture",
    "task": "task problem",
    "propose": "propose present introduce describe",
    "evaluate": "evaluate evaluation experiment test benchmark",
    "report": "report show present achieve obtain",
    "address": "address tackle solve study focus",
    "contribution": "contribution contribute propose present introduce",
    "result": "result finding show",
    "conclude": "conclude conclusion",
}


@lru_cache(maxsize=2)
def lexical_index(sentences: tuple[str, ...]):
    """BM25 over a context's body sentences, built once per set of papers: every question asked of the
    same papers (question features, the coverage rule) reuses it."""
    from papercli.bm25 import BM25

    return BM25(sentences)


RANKING_KINDS = ("dataset", "metric")  # generic nouns whose kind words also rank evidence (measured: README)


def expand_query(question: str) -> str:
    """The question for lexical evidence ranking: a generic noun brings the words of its kind along
    ("What dataset ...?" also looks for "corpus", "treebank", "benchmark")."""
    from papercli.features import content_stems

    stems = set(content_stems(question))
    extra = [KIND_WORDS[k] for k in RANKING_KINDS if content_stems(k)[0] in stems]
    return " ".join([question, *extra])


@lru_cache(maxsize=1)
def _filler_and_kinds() -> tuple[frozenset, dict, dict]:
    """QUESTION_FILLER, KIND_WORDS and IRREGULAR as Porter stems."""
    from papercli.features import content_stems

    filler = frozenset(t for w in QUESTION_FILLER for t in content_stems(w))
    kinds = {content_stems(w)[0]: frozenset(t for k in ks.split() for t in content_stems(k)) for w, ks in KIND_WORDS.items()}
    irregular = {content_stems(form)[0]: content_stems(base)[0] for form, base in IRREGULAR.items()}
    return filler, kinds, irregular


DIGIT_NAME = re.compile(r"[a-z]+\d+")  # a benchmark's or a version's name: "wmt14", "muc6", "covid19"


def derivation_base(stem: str) -> str:
    """A Porter stem without an agent noun's, a comparative's or an adverb's ending ("parser" -> "pars",
    "larger" -> "larg", "correctli" -> "correct"), when at least 4 letters are left ("user", "paper", "layer"
    keep theirs; "tagger" -> "tagg" meets no "tag": a doubled consonant is not undone, or "summer" would
    be "sum")."""
    base = re.sub(r"(?:er|li)$", "", stem)
    return base if len(base) >= 4 else stem


@lru_cache(maxsize=64)
def paper_stems(sentence_texts: tuple[str, ...]) -> frozenset[str]:
    """The content stems of one paper's sentences, kept for the questions asked of it."""
    from papercli.features import content_stems

    return frozenset(t for text in sentence_texts for t in content_stems(text))


def unmentioned_terms(question: str, sentence_texts: list[list[str]],
                      titles: Sequence[str] = ()) -> tuple[list[str], int]:
    """(the question's content words that no sentence or title of the papers contains, how many it has).

    Words match as BM25 terms (Porter-stemmed: "sensors" finds "sensor"; IRREGULAR forms: "slept" finds
    "sleep"); stopwords, one-letter tokens and QUESTION_FILLER words ("how many", "this paper", "get") are
    not content words; a KIND_WORDS word is mentioned when one of its kind is ("dataset": "corpus").
    """
    from papercli.features import content_stems, content_words, fold_accents

    filler, kinds, irregular = _filler_and_kinds()
    vocab = frozenset().union(*(paper_stems(tuple(texts)) for texts in sentence_texts),
                              *(content_stems(title) for title in titles))
    vocab |= {irregular[t] for t in vocab if t in irregular}  # "slept" mentions "sleep"

    def known(t: str) -> bool:  # and "slept" is mentioned by "sleep", "parser" by "parsing", "correctly" by "correct"
        if t in vocab or irregular.get(t) in vocab:
            return True
        base = derivation_base(t)  # a paper's stem with the same base: the base itself, or it with an ending
        return any(v in vocab and derivation_base(v) == base for v in (base, base + "er", base + "li"))

    def spellings(word: str) -> list[str]:  # a compound also as one word: "inter-annotator" by "interannotator";
        # a name with digits also in parts: "COVID19" by "COVID-19"
        return ([word.replace("-", "")] if "-" in word else []) + (
            [re.sub(r"(?<=[a-z])(?=\d)", " ", word)] if DIGIT_NAME.fullmatch(word) else [])

    def mentioned(word: str, stems) -> bool:
        return (all(map(known, stems)) or len(stems) == 1 and any(map(known, kinds.get(stems[0], ())))
                or any(all(map(known, content_stems(w))) for w in spellings(word)))

    words = {w: content_stems(w) for w in dict.fromkeys(content_words(fold_accents(question))) if len(w) > 1}
    words = {w: stems for w, stems in words.items() if stems and not set(stems) <= filler}
    return [w for w, stems in words.items() if not mentioned(w, stems)], len(words)


def question_names(question: str) -> set[str]:
    """The question's content words that it writes capitalised past its first word and that the corpus
    lexicon knows: names ("How well does it do on Chinese?", "... the Hobbs algorithm?"), which a paper that
    can answer it mentions. A form the corpus never wrote ("Influenze", "PR8perform", "COVID19": typos,
    spelling variants, new terms) is left to the coverage rule, and so are the first word of each clause,
    one-letter compounds ("F-score", a synonym of "F-measure") and questions in Title Case or capitals.
    Letters then digits past the first word name a benchmark or a version ("... on WMT14?", "MUC6"), known
    to the lexicon or not (a paper mentions "COVID19" also as "COVID-19": `unmentioned_terms`)."""
    from papercli.features import content_words, fold_accents
    from papercli.ingest.lexicon import corpus_words

    lexicon = corpus_words()
    names = set()
    for part in re.split(r"[.?!:;\"“‘(]+", fold_accents(question)):  # each sentence or clause: its first word is no name
        tokens = re.findall(r"[^\W\d_][\w'’-]*", part)[1:]
        capitalised = [t for t in tokens if t[0].isupper() and not re.match(r"[A-Z]-", t)]  # not "F-score", "N-gram"
        if len(capitalised) > len(tokens) / 2:  # a question in Title Case or capitals names nothing by case
            continue
        names |= {w for t in capitalised for w in content_words(t) if lexicon[w]}
        names |= {w for t in tokens for w in content_words(t) if DIGIT_NAME.fullmatch(w)}  # "WMT14", "MUC6"
    return names


def question_features(question: str, ctx: Context, q_set: set[int],
                      sentence_texts: list[list[str]] | None) -> list[list[float]]:
    """Lexical evidence per sentence: BM25 score (scaled by the best), its reciprocal rank, piece overlap."""
    n = len(ctx.sentences)
    overlap = [sum(ctx.in_question[s.start:s.end]) / max(s.end - s.start, 1) for s in ctx.sentences]
    if not sentence_texts:
        return [[0.0, 0.0, o] for o in overlap]
    flat = [t for texts in sentence_texts for t in texts]
    scores = lexical_index(tuple(flat)).scores(expand_query(question)) if flat else []
    top = max(max(scores, default=0.0), 1e-9)
    order = sorted(range(n), key=lambda i: -scores[i])
    rank = [0] * n
    for r, i in enumerate(order):
        rank[i] = r
    return [[float(scores[i]) / top, 1.0 / (1 + rank[i]), overlap[i]] for i in range(n)]


def context_inputs(ctx: Context, device="cpu") -> dict:
    """Model keyword inputs (batch of one) for a context."""
    import torch

    S = len(ctx.sentences)
    inputs = {
        "ids": torch.tensor([ctx.ids], device=device),
        "in_question": torch.tensor([ctx.in_question], device=device),
        "token_sentence": torch.tensor([ctx.token_sentence], device=device),
        "sentence_features": torch.tensor([ctx.sentence_features], dtype=torch.float32, device=device).view(1, S, -1),
        "num_global": ctx.num_global,
    }
    if ctx.num_global:
        inputs["question_features"] = torch.tensor([ctx.question_features], dtype=torch.float32,
                                                   device=device).view(1, S, -1)
    return inputs
