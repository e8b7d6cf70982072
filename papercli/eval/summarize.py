"""Summary evaluation: every system under the same word budget, ROUGE against the abstract and human summaries."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from papercli.data import iter_records, record_to_document
from papercli.eval import baselines as bl
from papercli.eval import load_engine, log
from papercli.eval.metrics import ROUGE_KEYS, budget_indices, budget_summary, mean_ci, rouge
from papercli.ingest.document import Document
from papercli.io import write_json
from papercli.selection import result_sentences, select, summary_texts, unsummarized

REFERENCES = ("abstract", "human", "challenge", "approach", "outcome", "clscisumm_human")
PARTS = 5  # position in the paper, in fifths of its body sentences, for the oracle-recall table
METRIC_LABELS = {"rouge1": "R-1", "rouge2": "R-2", "rougeLsum": "R-Lsum"}


def part(i: int, n: int) -> int:
    """Which of PARTS equal parts of a paper's n body sentences sentence i is in (0-based)."""
    return PARTS * i // n


Scorer = Callable[[Document], tuple[list[float], dict[str, float] | None]]


def scorers(lr: bl.FeatureLR | None, engine) -> dict[str, Scorer]:
    """Systems by name: document -> (sentence scores, keyword weights or None). The oracle is apart.

    `lr_keywords` is the feature baseline with the model folder's keyword weights: the same selection
    the model gets, so that the two sentence scorers are compared on equal terms."""
    plain = {"lead": bl.lead_scores, "random": bl.random_scores, "lexrank": bl.lexrank_scores,
             "textrank": bl.textrank_scores}
    if lr is not None:
        plain["lr_features"] = lr.scores
    out: dict[str, Scorer] = {name: (lambda doc, fn=fn: (fn(doc), None)) for name, fn in plain.items()}
    if lr is not None and engine is not None and engine.keywords is not None:
        out["lr_keywords"] = lambda doc: (lr.scores(doc), engine.keywords.weights(doc))
    if engine is not None:
        out["model"] = engine.salience
    return out


def evaluate(records: list[dict], words: int, lr: bl.FeatureLR | None = None, engine=None) -> dict:
    """ROUGE per system and reference, mean with a 95% bootstrap CI, over `records`."""
    systems = scorers(lr, engine)
    raw: dict[str, dict[str, dict[str, list[float]]]] = {}
    oracle_by_part = [0] * PARTS
    found_by_part: dict[str, list[int]] = {name: [0] * PARTS for name in systems}

    def add(system: str, ref_name: str, scores: dict[str, float]) -> None:
        cell = raw.setdefault(system, {}).setdefault(ref_name, {k: [] for k in ROUGE_KEYS})
        for k in ROUGE_KEYS:
            cell[k].append(scores[k])

    for n, rec in enumerate(records, 1):
        doc = record_to_document(rec)
        sents, asides, results = summary_texts(doc), unsummarized(doc), result_sentences(doc)
        refs = {"abstract": rec["abstract"], **{k: v for k, v in (rec.get("summaries") or {}).items() if v}}
        picks = {}
        for name, fn in systems.items():
            scores, keywords = fn(doc)
            picks[name] = select(sents, scores, words, keywords=keywords, asides=asides, results=results)
        for ref_name, ref in refs.items():
            for name, idx in picks.items():
                add(name, ref_name, rouge(budget_summary(sents, idx, words), ref))
            oracle = bl.oracle_indices(sents, ref, words)
            add("oracle", ref_name, rouge(budget_summary(sents, oracle, words), ref))
            if ref_name == "abstract":  # where in the paper the oracle's sentences are, and who finds them
                kept = budget_indices(sents, oracle, words)
                for i in kept:
                    oracle_by_part[part(i, len(sents))] += 1
                for name, idx in picks.items():
                    for i in set(budget_indices(sents, idx, words)) & set(kept):
                        found_by_part[name][part(i, len(sents))] += 1
        if n % 10 == 0:
            log(f"summarize: {n}/{len(records)} papers")

    table = {}
    for system, per_ref in raw.items():
        for ref_name, cols in per_ref.items():
            cell = {"n": len(cols["rouge1"])}
            cell.update({k: mean_ci(vals) for k, vals in cols.items()})
            table.setdefault(system, {})[ref_name] = cell
    by_position = {"oracle_sentences": oracle_by_part,
                   "recall": {name: [f / max(o, 1) for f, o in zip(found, oracle_by_part)]
                              for name, found in found_by_part.items()}}
    return {"words": words, "papers": len(records), "systems": table, "paired": paired(raw),
            "oracle_recall_by_position": by_position}


def paired(raw: dict, system: str = "model", reference: str = "abstract") -> dict:
    """`system` minus every other real system, paper by paper against `reference`: mean difference, 95% CI.

    On the same papers the paired interval is much tighter than two overlapping per-system intervals;
    a lower bound above 0 says the lead is not paper-sampling noise.
    """
    if system not in raw:
        return {}
    ours = raw[system][reference]
    out = {}
    for other, per_ref in raw.items():
        if other in (system, "oracle") or reference not in per_ref:
            continue
        out[other] = {k: mean_ci([a - b for a, b in zip(ours[k], per_ref[reference][k])]) for k in ROUGE_KEYS}
    return out


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"ROUGE F1, {result['words']}-word summaries, {result['papers']} papers (mean [95% CI])")
    for col in ("reference", "system", "n", *METRIC_LABELS.values()):
        t.add_column(col, justify="left" if col in ("reference", "system") else "right")
    for ref_name in REFERENCES:
        for system, per_ref in result["systems"].items():
            cell = per_ref.get(ref_name)
            if cell:
                t.add_row(ref_name, system, str(cell["n"]),
                          *(f"{cell[k]['mean']:.1f} [{cell[k]['lo']:.1f}, {cell[k]['hi']:.1f}]" for k in ROUGE_KEYS))
    console = Console(file=sys.stdout, width=120)
    console.print(t)
    if result.get("paired"):
        p = Table(title="model minus each system, paired by paper, vs the abstract (mean [95% CI])")
        for col in ("system", *METRIC_LABELS.values()):
            p.add_column(col, justify="left" if col == "system" else "right")
        for other, cell in result["paired"].items():
            p.add_row(other, *(f"{cell[k]['mean']:+.2f} [{cell[k]['lo']:+.2f}, {cell[k]['hi']:+.2f}]" for k in ROUGE_KEYS))
        console.print(p)
    pos = result.get("oracle_recall_by_position")
    if pos:
        t = Table(title="share of the oracle's summary sentences (vs the abstract) that each system's summary "
                        "keeps, by position in the paper")
        t.add_column("system")
        for k, n in enumerate(pos["oracle_sentences"]):
            t.add_column(f"{k * 100 // PARTS}-{(k + 1) * 100 // PARTS}% (n={n})", justify="right")
        for system, recall in pos["recall"].items():
            t.add_row(system, *(f"{r:.3f}" for r in recall))
        console.print(t)


def plot(result: dict, path: Path) -> bool:
    """Bar chart of ROUGE against the abstract with CI whiskers; False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    systems = [s for s, per_ref in result["systems"].items() if "abstract" in per_ref]
    fig, ax = plt.subplots(figsize=(1.2 * len(systems) + 2, 4))
    width = 0.8 / len(ROUGE_KEYS)
    for j, k in enumerate(ROUGE_KEYS):
        cells = [result["systems"][s]["abstract"][k] for s in systems]
        means = [c["mean"] for c in cells]
        err = [[c["mean"] - c["lo"] for c in cells], [c["hi"] - c["mean"] for c in cells]]
        ax.bar([i + j * width for i in range(len(systems))], means, width, yerr=err, capsize=2,
               label=METRIC_LABELS[k])
    ax.set_xticks([i + width for i in range(len(systems))], systems)
    ax.set_ylabel("F1 vs abstract")
    ax.set_title(f"{result['words']}-word summaries, {result['papers']} papers")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def spread(records: list[dict], n: int | None) -> list[dict]:
    """`n` records evenly spaced over `records` (the corpus is ordered by source), all when n is None."""
    if n is None or n >= len(records):
        return records
    return [records[i * len(records) // n] for i in range(n)]


def run(data: str | None, split: str, words: int, limit: int | None, train_papers: int,
        out: str | None, model_dir: str | None) -> dict:
    """The `papercli eval summarize` command: evaluate, print the table, write JSON and a chart."""
    records = spread(list(iter_records(data, split=split)), limit)
    lr = None
    if train_papers > 0:
        log(f"summarize: training the feature baseline on {train_papers} train papers")
        train = spread(list(iter_records(data, split="train")), train_papers)
        pairs = ((record_to_document(r), r["abstract"]) for r in train)
        lr = bl.train_feature_lr(pairs, words)
    result = evaluate(records, words, lr, load_engine(model_dir))
    result.update(split=split, train_papers=train_papers)
    print_table(result)
    if out:
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        write_json(out_dir / "summarize.json", result)
        plot(result, out_dir / "summarize.png")
    return result
