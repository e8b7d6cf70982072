"""Quick dev eval of a model folder under the shipped selection, paired with the cached shipped model.

    python benchmarks/results/long_context/arm_eval.py MODEL_DIR SCORES_OUT.json
"""
import json, sys, numpy as np
from pathlib import Path
from papercli.data import record_to_document
from papercli import selection
from papercli.eval.metrics import budget_summary, rouge, mean_ci
from papercli.ingest.sentences import without_citations
from papercli.tasks.engine import Engine
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/results: dev_scores
from dev_scores import load_dev  # noqa: E402
data = load_dev()
eng = Engine.load(sys.argv[1], "cpu")
res = []
for d in data:
    doc = record_to_document(d["rec"])
    s, kw = eng.salience(doc)
    d["arm"] = list(map(float, s))
    sents = [without_citations(t) for t in d["sents"]]
    r = {}
    for name in ("arm", "model"):
        r[name] = rouge(budget_summary(sents, selection.select(sents, d[name], 200, keywords=d["kw"]), 200), d["rec"]["abstract"])
    res.append((sum(len(t.split()) for t in d["sents"]), r))
for name in ("arm", "model"):
    print(name, "R-1 %.2f R-2 %.2f" % (np.mean([r[name]["rouge1"] for _, r in res]), np.mean([r[name]["rouge2"] for _, r in res])))
print("arm - shipped R-1", mean_ci([r["arm"]["rouge1"] - r["model"]["rouge1"] for _, r in res]))
print("arm - shipped R-2", mean_ci([r["arm"]["rouge2"] - r["model"]["rouge2"] for _, r in res]))
res.sort(key=lambda x: x[0])
for q in np.array_split(np.arange(len(res)), 4):
    print("quartile words %d-%d: arm - shipped R-1 %+.2f" % (res[q[0]][0], res[q[-1]][0], np.mean([res[i][1]["arm"]["rouge1"] - res[i][1]["model"]["rouge1"] for i in q])))
json.dump([d["arm"] for d in data], open(sys.argv[2], "w"))  # the arm's dev salience, for compare_arms.py
