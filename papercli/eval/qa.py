"""Question answering over whole papers (COVID-QA): answer EM / F1 and evidence hit@k, BM25 vs the model."""

from __future__ import annotations

import sys
from pathlib import Path

from papercli.bm25 import BM25
from papercli.data import covidqa_document, iter_covidqa
from papercli.eval.metrics import exact_match, f1_score, hit_at_k, mean_ci
from papercli.eval import load_engine, log
from papercli.io import write_json
from papercli.selection import body_texts

METRICS = ("em", "f1", "hit1", "hit3", "answer_hit", "refused")


def score(answer: str | None, evidence: list[str], golds: list[str], source: str | None) -> dict[str, float]:
    """One question's metrics; `answer` None is a refusal, `source` the sentence the answer is quoted from
    ("answer_hit": it holds a gold answer; 0 when refused)."""
    return {"em": exact_match(answer, golds), "f1": f1_score(answer, golds),
            "hit1": hit_at_k(evidence, golds, 1), "hit3": hit_at_k(evidence, golds, 3),
            "answer_hit": hit_at_k([source] if answer is not None and source else [], golds, 1),
            "refused": float(answer is None)}


def evaluate(records: list[dict], engine=None, limit: int | None = None) -> dict:
    """Metrics (mean, 95% CI) per system over the questions of `records` (the first `limit` of them)."""
    raw: dict[str, dict[str, list[float]]] = {}
    n_q, papers = 0, 0
    for rec in records:
        if limit is not None and n_q >= limit:
            break
        doc = covidqa_document(rec)
        sents = body_texts(doc)
        bm25 = BM25(sents)
        papers += 1
        for q in rec["questions"]:
            if limit is not None and n_q >= limit:
                break
            golds = [a["text"] for a in q["answers"]]
            runs = {}
            top = [sents[i] for i, _ in bm25.rank(q["question"], top=3)]
            runs["bm25"] = score(top[0] if top else None, top, golds, top[0] if top else None)
            if engine is not None:
                res = engine.ask(doc, q["question"])
                source = res.answer_evidence and sents[res.answer_evidence.index]
                runs["model"] = score(res.answer, [sents[e.index] for e in res.evidence], golds, source)
            for name, m in runs.items():
                cols = raw.setdefault(name, {k: [] for k in METRICS})
                for k in METRICS:
                    cols[k].append(m[k])
            n_q += 1
        if papers % 10 == 0:
            log(f"qa: {papers} papers, {n_q} questions")
    systems = {name: {k: mean_ci([100 * v for v in vals]) for k, vals in cols.items()} for name, cols in raw.items()}
    return {"papers": papers, "questions": n_q, "systems": systems}


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"COVID-QA dev: {result['questions']} questions, {result['papers']} papers (%, mean [95% CI])")
    t.add_column("system")
    for k in ("EM", "F1", "hit@1", "hit@3", "answer hit", "refused"):
        t.add_column(k, justify="right")
    for name, cells in result["systems"].items():
        t.add_row(name, *(f"{cells[k]['mean']:.1f} [{cells[k]['lo']:.1f}, {cells[k]['hi']:.1f}]" for k in METRICS))
    Console(file=sys.stdout, width=120).print(t)


def run(data: str | None, limit: int | None, out: str | None, model_dir: str | None) -> dict:
    """The `papercli eval qa` command."""
    result = evaluate(list(iter_covidqa(data)), load_engine(model_dir), limit)
    print_table(result)
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        write_json(Path(out) / "qa.json", result)
    return result
