"""Training examples from the corpus: each is one context (1-3 papers) with targets for the heads.

Tasks (mixed at random, seeded):
  summary  no question; salience target = greedy ROUGE oracle against the abstract (abstract not in input),
           mixed with each sentence's n-gram density against the abstract when soft_labels > 0.
  restate  question = an abstract or aspect-summary sentence; evidence = the body sentence that restates it.
  cloze    question = an abstract sentence with a phrase cut out; answer = that phrase in its evidence sentence.
  relation SciREX tuple question ("Which dataset ...?"); answer = first sentence that names it.
  needle   a synthetic fact planted at a random depth; answer = its value.
  question (weight 0 unless asked for) a reader's question about one body sentence: an answer phrase cut
           out, a wh-word, some of the remaining content words in order; answer = the phrase.
With some probability other papers are appended, so the model learns to find the right paper.
"""

from __future__ import annotations

import math
import random
import re
import zlib
from dataclasses import asdict, dataclass, field

from papercli.context import Context, EncodedDocument, build_context
from papercli.data import record_to_document
from papercli.features import STOPWORDS
from papercli.ingest.sentences import split_sentences
from papercli.tokenizer import Tokenizer
from papercli.train.labels import greedy_oracle, overlap_evidence, sentence_scores

TASKS = {"summary": 0.4, "restate": 0.2, "cloze": 0.15, "relation": 0.05, "needle": 0.2, "question": 0.0}
ASPECT_QUESTIONS = {"challenge": "What problem does the paper address?",
                    "approach": "How does the paper approach the problem?",
                    "outcome": "What did the paper find?"}


@dataclass
class TrainingPaper:
    """A corpus paper prepared once: its encoding, sentence texts, oracle labels and questions."""

    enc: EncodedDocument
    texts: list[str]
    oracle: list[int]
    queries: list[tuple[str, int]]          # (question, evidence sentence index)
    clozes: list[tuple[str, int, str]]      # (question, evidence sentence index, answer text)
    relations: list[tuple[str, int, str]]
    soft: list[float] = field(default_factory=list)  # each sentence's density of abstract n-grams (labels.sentence_scores)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "TrainingPaper":
        return cls(EncodedDocument(**d["enc"]), d["texts"], d["oracle"], [tuple(q) for q in d["queries"]],
                   [tuple(c) for c in d["clozes"]], [tuple(r) for r in d["relations"]], d.get("soft", []))


@dataclass
class Example:
    ctx: Context
    salience: list[float] | None = None       # per context sentence, for summary examples
    evidence: int | None = None               # context sentence index
    span: tuple[int, int] | None = None       # token start, end (inclusive)


def _cloze(question: str, evidence: str, rng: random.Random) -> tuple[str, str] | None:
    """Cut a 1-5 word phrase shared by `question` and `evidence` out of the question."""
    q, e = question.split(), evidence.lower()
    spans = [(i, n) for n in (3, 2, 4, 1, 5) for i in range(len(q) - n + 1)
             if any(len(w) > 3 for w in q[i:i + n])]
    rng.shuffle(spans)
    for i, n in spans:
        phrase = " ".join(q[i:i + n]).strip(".,;:()")
        if len(phrase) > 3 and re.search(r"(?<!\w)" + re.escape(phrase.lower()) + r"(?!\w)", e):
            return " ".join(q[:i] + ["what"] + q[i + n:]).rstrip(".") + "?", phrase
    return None


def body_question(texts: list[str], rng: random.Random) -> tuple[str, int, str] | None:
    """(question, sentence index, answer) about one body sentence, the way a reader writes one: a 2-8 word
    answer phrase cut out, a wh-word by its type, 3-8 of the other content words kept in order."""
    sents = [i for i, t in enumerate(texts) if 12 <= len(t.split()) <= 60]
    if not sents:
        return None
    i = rng.choice(sents)
    words = texts[i].split()
    n = rng.randint(2, min(8, len(words) // 3))
    a = rng.randrange(len(words) - n + 1)
    answer = " ".join(words[a:a + n]).strip(".,;:()[]")
    kept = [w.strip(".,;:()[]\"'") for w in words[:a] + words[a + n:]]
    kept = [w for w in kept if w and w.lower() not in STOPWORDS]
    if len(answer) < 3 or len(kept) < 3:
        return None
    kept = [kept[j] for j in sorted(rng.sample(range(len(kept)), min(len(kept), rng.randint(3, 8))))]
    wh = rng.choice(["How many", "What value"] if re.search(r"\d", answer) else ["What", "What is", "Which", "How"])
    return f"{wh} {' '.join(kept)}?", i, answer


def _relation_questions(rec: dict, texts: list[str]) -> list[tuple[str, int, str]]:
    out = []
    for rel in rec.get("meta", {}).get("relations", [])[:6]:
        for ask, kind in (("Which dataset is {m} evaluated on for {t}?", "dataset"),
                          ("Which metric is reported for {m} on {d}?", "metric")):
            answer = rel.get(kind)
            if not answer:
                continue
            for i, t in enumerate(texts):
                if answer.lower() in t.lower():
                    out.append((ask.format(m=rel.get("method", "the method"), t=rel.get("task", "the task"),
                                           d=rel.get("dataset", "the dataset")), i, answer))
                    break
    return out


def prepare_paper(rec: dict, tok: Tokenizer, words: int = 200) -> TrainingPaper | None:
    doc = record_to_document(rec)
    texts = [s.text for _, _, s in doc.body_sentences()]
    if len(texts) < 10:
        return None
    rng = random.Random(zlib.crc32(rec["id"].encode()))  # not hash(): it changes from process to process
    queries, clozes = [], []
    abstract = split_sentences(rec["abstract"])
    for name, q in ASPECT_QUESTIONS.items():
        if rec.get("summaries", {}).get(name):
            (i, score), = overlap_evidence(rec["summaries"][name], texts) or [(0, 0.0)]
            if score > 0.3:
                queries.append((q, i))
    for a in abstract:
        ev = overlap_evidence(a, texts)
        if ev and ev[0][1] > 0.5:
            queries.append((a, ev[0][0]))
            c = _cloze(a, texts[ev[0][0]], rng)
            if c:
                clozes.append((c[0], ev[0][0], c[1]))
    return TrainingPaper(EncodedDocument.encode(doc, tok), texts, greedy_oracle(texts, rec["abstract"], words),
                 queries, clozes, _relation_questions(rec, texts), sentence_scores(texts, rec["abstract"]))


def _with_needle(paper: TrainingPaper, tok: Tokenizer, rng: random.Random) -> tuple[TrainingPaper, str, int, str]:
    """A copy of `paper` with a synthetic fact inserted at a random body position."""
    from papercli.eval.needle import make_needle

    fact, question, answer = make_needle(rng)
    pos = rng.randrange(len(paper.texts) + 1)
    texts = paper.texts[:pos] + [fact] + paper.texts[pos:]
    enc = paper.enc
    sec = enc.sentence_section[min(pos, len(texts) - 2)]
    new = EncodedDocument(enc.title, enc.headings, enc.sentences[:pos] + [tok.encode(fact)] + enc.sentences[pos:],
                          enc.sentence_section[:pos] + [sec] + enc.sentence_section[pos:],
                          enc.features[:pos] + [enc.features[min(pos, len(enc.features) - 1)]] + enc.features[pos:])
    return TrainingPaper(new, texts, [], [], [], []), question, pos, answer


def _answer_span(ctx: Context, sent: int, answer: str, text: str, tok: Tokenizer) -> tuple[int, int] | None:
    """Token span of `answer` inside context sentence `sent` (whose text is `text`)."""
    at = text.lower().find(answer.lower())
    if at < 0:
        return None
    ids, offsets = tok.encode_with_offsets(text)
    ref = ctx.sentences[sent]
    if ids != ctx.ids[ref.start:ref.end]:
        return None
    toks = [k for k, (b, e) in enumerate(offsets) if e > at and b < at + len(answer)]
    return (ref.start + toks[0], ref.start + toks[-1]) if toks else None


SOFT_TEMPERATURE = 0.1  # of the per-paper max-normalised sentence scores


def salience_target(paper: TrainingPaper, soft: float) -> list[float]:
    """Summary target distribution: (1 - soft) uniform over the oracle + soft softmax of the sentence scores."""
    if soft > 0 and len(paper.soft) != len(paper.texts):
        raise ValueError("the prepared-paper cache has no sentence scores (made before --soft-labels): "
                         "delete its papers.jsonl.gz to rebuild it")
    target = [0.0] * len(paper.texts)
    for i in paper.oracle:
        target[i] = (1.0 - soft) / len(paper.oracle)
    top = max(paper.soft, default=0.0)
    if soft > 0 and top > 0:
        e = [math.exp((x / top - 1.0) / SOFT_TEMPERATURE) for x in paper.soft]
        z = sum(e)
        target = [t + soft * x / z for t, x in zip(target, e)]
    return target


def make_example(papers: list[TrainingPaper], tok: Tokenizer, rng: random.Random, max_tokens: int,
                 tasks: dict[str, float] = TASKS, soft: float = 0.0) -> Example | None:
    """Draw one training example (task by `tasks` weight, main paper, distractor papers) with `rng`.

    `soft`: share of the summary target given to the dense sentence scores (0: the oracle alone).
    """
    main = rng.choice(papers)
    task = rng.choices(list(tasks), list(tasks.values()))[0]
    if task == "summary":
        ctx = build_context([main.enc], tok)
        return Example(_truncate(ctx, max_tokens), salience=salience_target(main, soft))
    answer = None
    if task == "needle":
        main, question, ev, answer = _with_needle(main, tok, rng)
    elif task == "question":
        drawn = body_question(main.texts, rng)
        if drawn is None:
            return None
        question, ev, answer = drawn
    else:
        pool = {"restate": [(q, i, None) for q, i in main.queries], "cloze": main.clozes,
                "relation": main.relations}[task]
        if not pool:
            return None
        question, ev, answer = rng.choice(pool)
    group = [main] + (rng.sample(papers, rng.choice([1, 2])) if rng.random() < 0.3 else [])
    group = [p for k, p in enumerate(group) if k == 0 or p is not main]
    rng.shuffle(group)
    ctx = build_context([p.enc for p in group], tok, question, [p.texts for p in group])
    d = group.index(main)
    sent = next(k for k, s in enumerate(ctx.sentences) if s.doc == d and s.index == ev)
    span = _answer_span(ctx, sent, answer, main.texts[ev], tok) if answer else None
    if len(ctx) > max_tokens and ctx.sentences[sent].end > max_tokens:
        return None
    return Example(_truncate(ctx, max_tokens), evidence=sent, span=span)


def _truncate(ctx: Context, max_tokens: int) -> Context:
    """Cut a context to `max_tokens`, dropping sentences that no longer fit."""
    if len(ctx) <= max_tokens:
        return ctx
    keep = sum(1 for s in ctx.sentences if s.end <= max_tokens)
    return Context(ctx.ids[:max_tokens], ctx.num_global,
                   [t if t < keep else -1 for t in ctx.token_sentence[:max_tokens]], ctx.in_question[:max_tokens],
                   ctx.sentences[:keep], ctx.sentence_features[:keep], ctx.question_features[:keep])
