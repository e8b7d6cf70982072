import sys, numpy as np
from pathlib import Path
from papercli import selection
from papercli.eval.metrics import budget_summary, rouge
from papercli.ingest.sentences import without_citations
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/results: dev_scores
from dev_scores import load_dev  # noqa: E402
data = load_dev()
rows = []
for d in data:
    sents = [without_citations(s) for s in d["sents"]]
    words = sum(len(s.split()) for s in d["sents"])
    r = {}
    for name, sc in (("model", d["model"]), ("lr_kw", d["lr"])):
        r[name] = rouge(budget_summary(sents, selection.select(sents, sc, 200, keywords=d["kw"]), 200), d["rec"]["abstract"])["rouge1"]
    rows.append((words, r["model"], r["lr_kw"]))
rows.sort()
a = np.array(rows)
for q in np.array_split(a, 4):
    print(f"words {int(q[0,0])}-{int(q[-1,0])}: n={len(q)} model {q[:,1].mean():.2f} lr_kw {q[:,2].mean():.2f} diff {np.mean(q[:,1]-q[:,2]):+.2f}")
