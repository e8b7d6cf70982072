"""Reader questions on dev papers: "What dataset do they evaluate on?" and three more, asked of each dev
paper that has SciREX relations (abstract included, as `papercli ask` reads a paper). Evidence hit@k =
one of the top k sentences names one of the paper's gold entities of that kind; "answer" = the sentence the
answer is quoted from does (BM25's is its top sentence); BM25 (on the question, and on the question with its
generic nouns' kind words, as the model's lexical features see it) against the model."""

from __future__ import annotations

import sys
from pathlib import Path

from papercli.bm25 import BM25
from papercli.context import expand_query
from papercli.data import iter_records, record_to_document
from papercli.eval.metrics import contains_answer, mean_ci
from papercli.eval import load_engine
from papercli.io import write_json
from papercli.selection import body_texts

METRICS = ("hit1", "hit3", "answer", "refused")
QUESTIONS = {  # a reader's questions about a paper as a whole, by SciREX entity kind
    "dataset": "What dataset do they evaluate on?",
    "metric": "Which metric do they report?",
    "task": "What task do they address?",
    "method": "What method do they propose?",
}


def evaluate(records: list[dict], engine=None) -> dict:
    """Metrics (mean, 95% CI) per system over all questions, and hit@1 per entity kind."""
    raw: dict[str, dict[str, list[float]]] = {}
    by_kind: dict[str, dict[str, list[float]]] = {}
    papers = 0
    for rec in records:
        rels = rec.get("meta", {}).get("relations") or []
        if not rels:
            continue
        doc = record_to_document(rec).with_abstract_in_body()
        sents = body_texts(doc)
        bm25 = BM25(sents)
        papers += 1
        for kind, question in QUESTIONS.items():
            golds = sorted({r[kind] for r in rels if r.get(kind)})
            if not any(contains_answer(s, golds) for s in sents):
                continue  # no sentence names it: unanswerable from this text
            bm25_top = [sents[i] for i, _ in bm25.rank(question, top=3)]
            expanded = [sents[i] for i, _ in bm25.rank(expand_query(question), top=3)]  # as the model's features
            runs = {"bm25": (bm25_top, bm25_top[0], False), "bm25_expanded": (expanded, expanded[0], False)}
            if engine is not None:
                res = engine.ask(doc, question)
                source = sents[res.answer_evidence.index] if res.answer_evidence else None
                runs["model"] = ([sents[e.index] for e in res.evidence], source, res.refused)
            for name, (top, source, refused) in runs.items():
                row = {"hit1": float(contains_answer(top[0], golds)),
                       "hit3": float(any(contains_answer(s, golds) for s in top[:3])),
                       "answer": float(source is not None and contains_answer(source, golds)), "refused": float(refused)}
                for k, v in row.items():
                    raw.setdefault(name, {m: [] for m in METRICS})[k].append(v)
                by_kind.setdefault(name, {}).setdefault(kind, []).append(row["hit1"])
    return {"papers": papers, "questions": len(next(iter(raw.values()), {"hit1": []})["hit1"]),
            "questions_asked": QUESTIONS,
            "systems": {n: {k: mean_ci([100 * v for v in vals]) for k, vals in cols.items()} for n, cols in raw.items()},
            "hit1_by_kind": {n: {k: round(100 * sum(v) / len(v), 1) for k, v in kinds.items()}
                             for n, kinds in by_kind.items()}}


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"Reader questions, dev: {result['questions']} questions, {result['papers']} papers "
                    "(%, mean [95% CI])")
    t.add_column("system")
    for k in ("hit@1", "hit@3", "answer", "refused", "hit@1 by kind"):
        t.add_column(k, justify="right")
    for name, cells in result["systems"].items():
        kinds = " ".join(f"{k} {v:.0f}" for k, v in result["hit1_by_kind"][name].items())
        t.add_row(name, *(f"{cells[k]['mean']:.1f} [{cells[k]['lo']:.1f}, {cells[k]['hi']:.1f}]" for k in METRICS),
                  kinds)
    Console(file=sys.stdout, width=140).print(t)


def run(data: str | None, out: str | None, model_dir: str | None) -> dict:
    """The `papercli eval reader` command."""
    result = evaluate(list(iter_records(data, split="dev")), load_engine(model_dir))
    print_table(result)
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        write_json(Path(out) / "reader.json", result)
    return result
