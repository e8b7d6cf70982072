"""Calibrate the refusal threshold on dev papers (never seen in training).

Answerable: a synthetic fact planted in a dev paper, asked about. Unanswerable: the same kind of
question about a fact that is NOT in the paper, and abstract sentences of another paper turned into
questions. The threshold on the top evidence probability maximises accuracy of answer-vs-refuse.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from papercli.data import iter_records, record_to_document
from papercli.eval.needle import make_needle
from papercli.ingest.document import Paragraph, Section, Sentence


def _plant(doc, fact: str, rng: random.Random):
    """A copy of `doc` with `fact` as a new paragraph in a random section."""
    sections = [Section(s.heading, s.level, s.page, list(s.paragraphs)) for s in doc.sections]
    sec = rng.choice(sections)
    sec.paragraphs.insert(rng.randrange(len(sec.paragraphs) + 1), Paragraph([Sentence(fact, sec.page)]))
    return type(doc)(doc.source, doc.title, doc.authors, doc.abstract, sections)


def calibrate(engine, papers: int = 40, seed: int = 0, data: str | None = None) -> dict:
    rng = random.Random(seed)
    recs = list(iter_records(data, split="dev"))
    rng.shuffle(recs)
    scores: list[tuple[float, bool]] = []
    for k, rec in enumerate(recs[:papers]):
        doc = record_to_document(rec)
        fact, question, _ = make_needle(rng)
        scores.append((engine.ask(_plant(doc, fact, rng), question).confidence, True))
        _, absent_q, _ = make_needle(rng)
        scores.append((engine.ask(doc, absent_q).confidence, False))
        other = record_to_document(recs[(k + 1) % len(recs)]).abstract
        if other and other[0].sentences:
            scores.append((engine.ask(doc, other[0].sentences[0].text).confidence, False))
    candidates = sorted({s for s, _ in scores})
    best = max(candidates, key=lambda t: sum((s >= t) == a for s, a in scores))
    acc = sum((s >= best) == a for s, a in scores) / len(scores)
    return {"threshold": best, "accuracy": round(acc, 4), "questions": len(scores), "papers": papers,
            "method": __doc__.strip().splitlines()[0]}


def write_calibration(engine, model_dir: Path, **kw) -> dict:
    result = calibrate(engine, **kw)
    (Path(model_dir) / "calibration.json").write_text(json.dumps(result, indent=2))
    return result
