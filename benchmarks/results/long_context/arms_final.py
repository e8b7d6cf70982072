import pickle, numpy as np
from papercli.eval import baselines as bl
from papercli.eval.metrics import budget_summary, rouge, mean_ci
from papercli.ingest.sentences import without_citations
data = pickle.load(open("runs/quick/dev.pkl", "rb"))
arms = {"shipped": [d["model"] for d in data], "ft8k": pickle.load(open("runs/quick/runs_ft8k_final.scores.pkl", "rb")),
        "ft16k": pickle.load(open("runs/quick/runs_ft16k_final.scores.pkl", "rb"))}
R = {k: [] for k in arms}
for i, d in enumerate(data):
    sents = [without_citations(t) for t in d["sents"]]
    for k, sc in arms.items():
        R[k].append(rouge(budget_summary(sents, bl.select(sents, sc[i], 200, keywords=d["kw"]), 200), d["rec"]["abstract"]))
for k in R: print(k, round(np.mean([r["rouge1"] for r in R[k]]), 2), round(np.mean([r["rouge2"] for r in R[k]]), 2))
for a, b in (("ft8k", "shipped"), ("ft16k", "shipped"), ("ft16k", "ft8k")):
    print(a, "-", b, {m: {x: round(y, 2) for x, y in mean_ci([p[m] - q[m] for p, q in zip(R[a], R[b])]).items()} for m in ("rouge1", "rouge2")})
