"""Paired comparison of two arms' cached dev salience under the shipped selection, overall and by length quartile."""
import json, sys, numpy as np
from pathlib import Path
from papercli import selection
from papercli.eval.metrics import budget_summary, rouge, mean_ci
from papercli.ingest.sentences import without_citations
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/results: dev_scores
from dev_scores import load_dev  # noqa: E402
data = load_dev()


def scores(arg):
    """An arm's saved scores (arm_eval.py), or "shipped": the shipped model's cached ones."""
    return [d["model"] for d in data] if arg == "shipped" else json.load(open(arg))


A, B = scores(sys.argv[1]), scores(sys.argv[2])
rows = []
for d, a, b in zip(data, A, B):
    sents = [without_citations(t) for t in d["sents"]]
    ra = rouge(budget_summary(sents, selection.select(sents, a, 200, keywords=d["kw"]), 200), d["rec"]["abstract"])
    rb = rouge(budget_summary(sents, selection.select(sents, b, 200, keywords=d["kw"]), 200), d["rec"]["abstract"])
    rows.append((sum(len(t.split()) for t in d["sents"]), ra["rouge1"] - rb["rouge1"], ra["rouge2"] - rb["rouge2"]))
print("A - B R-1", mean_ci([r[1] for r in rows]), "R-2", mean_ci([r[2] for r in rows]))
rows.sort()
for q in np.array_split(np.arange(len(rows)), 4):
    print("quartile words %d-%d: A - B R-1 %+.2f" % (rows[q[0]][0], rows[q[-1]][0], np.mean([rows[i][1] for i in q])))
