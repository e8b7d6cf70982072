"""When should `papercli ask` refuse? Per-question records of the signals the refusal rule can use.

For each question: the answer confidence (evidence mass of the top three sentences), how many of its
content words the paper lacks (the coverage rule), whether the top evidence holds the answer, and
whether the paper can answer it at all. Question sets:

  covid_own     COVID-QA dev questions asked of their own paper (answerable, reader-written)
  covid_other   the same questions asked of the next COVID-QA paper (same field, not answerable)
  offtopic      COVID-QA questions asked of NLP dev papers (not answerable)
  needle / needle_absent, abstract / abstract_other, reader   the calibration's own questions
                (train/calibrate.py): planted and absent facts, abstract sentences of the paper and of
                another, "What dataset do they evaluate on?" and three more

    python benchmarks/refusal_study.py --out runs/refusal/records.jsonl     # ~10 min on 2 cores
    python benchmarks/refusal_study.py --out runs/refusal/records.jsonl --summary
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from papercli.data import covidqa_document, iter_covidqa, iter_records, record_to_document  # noqa: E402
from papercli.eval.metrics import contains_answer  # noqa: E402
from papercli.eval import load_engine  # noqa: E402
from papercli.selection import body_texts  # noqa: E402
from papercli.train.calibrate import calibration_questions  # noqa: E402


def record(kind: str, paper: str, question: str, res, answerable: bool, hit1: float | None) -> dict:
    return {"set": kind, "paper": paper, "question": question, "answerable": answerable,
            "confidence": round(res.confidence, 6), "missing": len(res.missing), "covered": res.covered,
            "coverage": round(res.coverage, 4), "refused": res.refused, "hit1": hit1,
            "evidence": [e.text for e in res.evidence], "answer": res.answer}


def summarize(path: str) -> dict:
    """Per question set: how many, share answered, and top-evidence hit@1 among answered / refused."""
    sets: dict[str, list[dict]] = {}
    for line in open(path):
        row = json.loads(line)
        sets.setdefault(row["set"], []).append(row)
    out = {}
    for name, rows in sets.items():
        answered = [r for r in rows if not r["refused"]]
        cell = {"questions": len(rows), "answerable": rows[0]["answerable"],
                "answered": round(len(answered) / len(rows), 3)}
        if rows[0]["hit1"] is not None:
            refused = [r for r in rows if r["refused"]]
            cell["hit1_answered"] = round(sum(r["hit1"] for r in answered) / len(answered), 3) if answered else None
            cell["hit1_refused"] = round(sum(r["hit1"] for r in refused) / len(refused), 3) if refused else None
        out[name] = cell
    pos = [c["answered"] for c in out.values() if c["answerable"]]
    neg = [1 - c["answered"] for c in out.values() if not c["answerable"]]
    return {"sets": out, "balanced_accuracy_by_set": round((sum(pos) / len(pos) + sum(neg) / len(neg)) / 2, 3)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--model", default=None)
    ap.add_argument("--papers", type=int, default=40, help="dev papers for the synthetic and off-topic sets")
    ap.add_argument("--summary", action="store_true", help="only summarise the records already in --out")
    args = ap.parse_args()
    if args.summary:
        print(json.dumps(summarize(args.out), indent=1))
        return
    engine = load_engine(args.model)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    out = open(args.out, "w")

    def emit(row: dict) -> None:
        out.write(json.dumps(row) + "\n")
        out.flush()

    covid = list(iter_covidqa())
    docs = [covidqa_document(r) for r in covid]
    for i, rec in enumerate(covid):
        sents = body_texts(docs[i])
        other = docs[(i + 1) % len(docs)]
        for q in rec["questions"]:
            golds = [a["text"] for a in q["answers"]]
            res = engine.ask(docs[i], q["question"])
            hit = float(bool(res.evidence) and contains_answer(sents[res.evidence[0].index], golds))
            emit(record("covid_own", rec["id"], q["question"], res, True, hit))
            emit(record("covid_other", str(covid[(i + 1) % len(covid)]["id"]), q["question"],
                        engine.ask(other, q["question"]), False, None))
        print(f"covid {i + 1}/{len(covid)}", file=sys.stderr, flush=True)

    # the calibration's own questions (train/calibrate.py, same seed): planted and absent facts, abstract
    # sentences of the paper and of another, the reader's questions
    dev = list(iter_records(None, split="dev"))
    rng = random.Random(0)
    rng.shuffle(dev)
    for kind, pid, question, res, answerable, hit in calibration_questions(engine, dev, args.papers, rng):
        emit(record(kind, pid, question, res, answerable, hit))
    print("calibration questions done", file=sys.stderr, flush=True)
    covid_qs = [q["question"] for r in covid for q in r["questions"]]
    rng = random.Random(1)
    for rec in dev[: args.papers]:  # off-topic: COVID-QA questions asked of NLP papers
        full = record_to_document(rec).with_abstract_in_body()
        for q in rng.sample(covid_qs, 3):
            emit(record("offtopic", rec["id"], q, engine.ask(full, q), False, None))
    out.close()


if __name__ == "__main__":
    main()
