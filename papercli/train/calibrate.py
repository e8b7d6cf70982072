"""Calibrate `papercli ask`'s refusal rule on dev papers (never seen in training).

Answerable: a synthetic fact planted in a dev paper, asked about; one of the paper's own abstract
sentences (its body restates it); a reader's generic questions ("What dataset do they evaluate on?", ...)
of papers whose text names such an entity. Unanswerable: the same kind of fact question about a fact
that is NOT in the paper, and an abstract sentence of another paper. A question is answered when the
papers mention at least `min_coverage` of its content words and the answer confidence (the probability
mass of the top three evidence sentences) clears `threshold`; the pair that maximises balanced accuracy
of answer-vs-refuse is kept (ties: the lower coverage, then the lower threshold, i.e. answer more).
"""

from __future__ import annotations

import random
from pathlib import Path

from papercli.data import iter_records, record_to_document
from papercli.eval.metrics import contains_answer
from papercli.eval.needle import make_needle
from papercli.eval.reader import QUESTIONS
from papercli.ingest.document import Paragraph, Section, Sentence
from papercli.io import write_json
from papercli.selection import body_texts
from papercli.tasks.engine import covers

COVERAGE_GRID = (0.5, 0.6, 2 / 3, 0.75, 0.8, 0.9, 1.0)


def _plant(doc, fact: str, rng: random.Random):
    """A copy of `doc` with `fact` as a new paragraph in a random section (title, authors and abstract kept;
    unlike `eval.needle.with_needle`, which puts the fact into a paragraph at a given depth of the body)."""
    sections = [Section(s.heading, s.level, s.page, list(s.paragraphs)) for s in doc.sections]
    sec = rng.choice(sections)
    sec.paragraphs.insert(rng.randrange(len(sec.paragraphs) + 1), Paragraph([Sentence(fact, sec.page)]))
    return type(doc)(doc.source, doc.title, doc.authors, doc.abstract, sections)


def calibration_questions(engine, recs: list[dict], papers: int, rng: random.Random) -> list[tuple]:
    """(set, paper id, question, engine answer, answerable, top evidence holds the answer or None) per
    calibration question; `recs` are dev records in the order to draw from."""
    rows = []

    def ask(kind: str, rec: dict, doc, question: str, answerable: bool, golds: list[str] | None = None) -> None:
        res = engine.ask(doc, question)
        hit = None
        if golds is not None:
            hit = float(bool(res.evidence) and contains_answer(body_texts(doc)[res.evidence[0].index], golds))
        rows.append((kind, rec["id"], question, res, answerable, hit))

    for k, rec in enumerate(recs[:papers]):
        doc = record_to_document(rec)
        fact, question, _ = make_needle(rng)
        ask("needle", rec, _plant(doc, fact, rng), question, True)
        _, absent_q, _ = make_needle(rng)
        ask("needle_absent", rec, doc, absent_q, False)
        own = [s.text for p in doc.abstract for s in p.sentences]
        other = [s.text for p in record_to_document(recs[(k + 1) % len(recs)]).abstract for s in p.sentences]
        if own and other:  # a paraphrase search: near-copies of the abstract were removed from the body
            ask("abstract", rec, doc, rng.choice(own), True)
            ask("abstract_other", rec, doc, rng.choice(other), False)
    for rec in recs:  # every dev paper with SciREX entities (22): the reader's questions it can answer
        rels = rec.get("meta", {}).get("relations") or []
        if not rels:
            continue
        doc = record_to_document(rec).with_abstract_in_body()
        sents = body_texts(doc)
        for kind, question in QUESTIONS.items():
            golds = sorted({r[kind] for r in rels if r.get(kind)})
            if any(contains_answer(s, golds) for s in sents):
                ask("reader", rec, doc, question, True, golds)
    return rows


def choose_rule(rows: list[tuple[str, float, float, bool]]) -> tuple[float, float, float]:
    """(min_coverage, threshold, balanced accuracy) that best separate answerable from unanswerable rows: the
    most lenient rule that no stricter one beats by a whole question."""
    pos = [(c, v) for _, c, v, a in rows if a]
    neg = [(c, v) for _, c, v, a in rows if not a]
    if not pos or not neg:
        raise ValueError("calibration needs answerable and unanswerable questions")

    def balanced(t: float, m: float) -> float:
        answered = lambda c, v: c >= t and covers(v, m)  # noqa: E731
        return (sum(answered(c, v) for c, v in pos) / len(pos) + sum(not answered(c, v) for c, v in neg) / len(neg)) / 2

    # a stricter rule must do better by at least one question's weight (1 / (2 * the larger class)): a smaller
    # gain is noise, and the more lenient rule refuses fewer of a reader's paraphrased questions
    step = 1 / (2 * max(len(pos), len(neg))) - 1e-12
    best = (1.0, 2.0, 0.5)  # refuse everything: chance level, unless a rule does better
    for m in COVERAGE_GRID:
        covered = sorted({c for _, c, v, _ in rows if covers(v, m)})
        for t in [0.0] + covered:
            score = balanced(t, m)
            if score >= best[2] + step:
                # between equally good cut points take the middle of the gap below: robust to small shifts
                lower = max((c for c in covered if c < t), default=None)
                best = (m, (t + lower) / 2 if lower is not None and t > 0 else t, score)
    return best


def calibrate(engine, papers: int = 40, seed: int = 0, data: str | None = None) -> dict:
    rng = random.Random(seed)
    recs = list(iter_records(data, split="dev"))
    rng.shuffle(recs)
    rows = [(kind, res.confidence, 0.0 if res.names_missing else res.coverage, answerable)  # a missing name refuses
            for kind, _, _, res, answerable, _ in calibration_questions(engine, recs, papers, rng)]
    min_coverage, threshold, accuracy = choose_rule(rows)
    answered = {}
    for kind, c, v, _ in rows:
        answered.setdefault(kind, []).append(c >= threshold and covers(v, min_coverage))
    return {"threshold": threshold, "min_coverage": min_coverage, "balanced_accuracy": round(accuracy, 4),
            "questions": len(rows), "answerable": sum(a for *_, a in rows), "papers": papers,
            "answered_by_set": {k: round(sum(v) / len(v), 3) for k, v in answered.items()},
            "method": __doc__.strip().splitlines()[0]}


def write_calibration(engine, model_dir: Path, **kw) -> dict:
    result = calibrate(engine, **kw)
    write_json(Path(model_dir) / "calibration.json", result, indent=2)
    return result
