"""Cached dev-split scores for the quick selection experiments in this folder's subfolders.

    python benchmarks/results/dev_scores.py      # ~3 min: writes runs/quick/dev.json.gz

Per dev paper: the record, its body sentences, the shipped model's salience and keyword weights, and
the feature baseline's scores (trained on 400 train papers, as in `papercli eval summarize`).
"""

import gzip
import json
import sys
from pathlib import Path

CACHE = Path("runs/quick/dev.json.gz")


def load_dev() -> list[dict]:
    """The cached dev papers (run this file first)."""
    with gzip.open(CACHE, "rt") as f:
        return json.load(f)


def main() -> None:
    from papercli.data import iter_records, record_to_document
    from papercli.eval import baselines as bl
    from papercli import selection
    from papercli.eval import load_engine
    from papercli.eval.summarize import spread

    train = spread(list(iter_records(None, split="train")), 400)
    lr = bl.train_feature_lr(((record_to_document(r), r["abstract"]) for r in train), 200)
    engine = load_engine(None)
    out = []
    for n, rec in enumerate(iter_records(None, split="dev")):
        doc = record_to_document(rec)
        scores, keywords = engine.salience(doc)
        out.append(dict(rec=rec, sents=selection.body_texts(doc), model=[float(x) for x in scores], kw=keywords,
                        lr=[float(x) for x in lr.scores(doc)]))
        if n % 20 == 0:
            print(n, file=sys.stderr, flush=True)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(CACHE, "wt") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
