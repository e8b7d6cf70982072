"""Calibrate the refusal threshold on dev papers (never seen in training).

Answerable: a synthetic fact planted in a dev paper, asked about, and one of the paper's own abstract
sentences (its body restates it). Unanswerable: the same kind of fact question about a fact that is NOT
in the paper, and an abstract sentence of another paper. The threshold on the answer confidence (the
probability mass of the top three evidence sentences) maximises balanced accuracy of answer-vs-refuse,
where a question is answered when its confidence clears the threshold and the paper mentions enough of
its words (engine.MIN_COVERAGE: that rule is fixed, not calibrated).
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
    scores: list[tuple[float, bool]] = []  # (confidence, or -1 when the coverage rule refuses; answerable)

    def conf(res) -> float:
        return res.confidence if res.covered else -1.0

    for k, rec in enumerate(recs[:papers]):
        doc = record_to_document(rec)
        fact, question, _ = make_needle(rng)
        scores.append((conf(engine.ask(_plant(doc, fact, rng), question)), True))
        _, absent_q, _ = make_needle(rng)
        scores.append((conf(engine.ask(doc, absent_q)), False))
        own = [s.text for p in doc.abstract for s in p.sentences]
        other = [s.text for p in record_to_document(recs[(k + 1) % len(recs)]).abstract for s in p.sentences]
        if own and other:  # a paraphrase search: near-copies of the abstract were removed from the body
            scores.append((conf(engine.ask(doc, rng.choice(own))), True))
            scores.append((conf(engine.ask(doc, rng.choice(other))), False))
    pos = [s for s, a in scores if a]
    neg = [s for s, a in scores if not a]

    def balanced(t: float) -> float:
        return (sum(s >= t for s in pos) / len(pos) + sum(s < t for s in neg) / len(neg)) / 2

    candidates = sorted({s for s, _ in scores if s >= 0})
    best = max(balanced(t) for t in candidates)
    # among equally good cut points, take the middle of the widest gap: robust to small shifts
    good = [t for t in candidates if balanced(t) == best]
    below = [s for s, _ in scores if 0 <= s < good[0]]
    threshold = (good[0] + max(below)) / 2 if below else good[0]
    return {"threshold": threshold, "balanced_accuracy": round(best, 4), "questions": len(scores),
            "answerable": len(pos), "papers": papers, "method": __doc__.strip().splitlines()[0]}


def write_calibration(engine, model_dir: Path, **kw) -> dict:
    result = calibrate(engine, **kw)
    (Path(model_dir) / "calibration.json").write_text(json.dumps(result, indent=2))
    return result
