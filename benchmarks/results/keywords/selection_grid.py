import json, sys, numpy as np
from runs_quick import recs, docs, sents
from papercli import selection
from papercli.eval.metrics import rouge, budget_summary
from papercli.keywords import KeywordModel
km = KeywordModel.load("runs/kw/keywords.json")
W = [km.weights(d) for d in docs]
S = {"model": [m[0] for m in json.load(open("runs/quick/shipped.kwout.json"))], "lr": json.load(open("runs/quick/lr.json"))}
for lam in [1.5, 2.0, 3.0]:
    for gamma in [0.2, 0.3, 0.5]:
        selection.KEYWORD_SCORE_WEIGHT, selection.KEYWORD_LENGTH_POWER = lam, gamma
        for name, sc in S.items():
            r1, r2 = [], []
            for rec, s, x, kw in zip(recs, sents, sc, W):
                r = rouge(budget_summary(s, selection.select(s, x, 200, keywords=kw), 200), rec["abstract"])
                r1.append(r["rouge1"]); r2.append(r["rouge2"])
            print(f"{name} lam={lam} gamma={gamma}: R-1 {np.mean(r1):.2f} R-2 {np.mean(r2):.2f} (even {np.mean(r1[::2]):.2f} odd {np.mean(r1[1::2]):.2f})", flush=True)
