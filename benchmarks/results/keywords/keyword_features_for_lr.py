"""Would a per-sentence keyword-density feature help a sentence scorer? LR on 400 train papers with/without it."""
import json, numpy as np
from runs_quick import recs, docs, sents
from papercli.data import iter_records, record_to_document
from papercli.eval import baselines as bl
from papercli import selection
from papercli.eval.summarize import spread
from papercli.eval.metrics import rouge, budget_summary
from papercli.features import sentence_features
from papercli.keywords import KeywordModel, keyword_stems
km = KeywordModel.load("models/papercli-longnet-small/keywords.json")
def kfeat(doc, kw):
    out = []
    for t in selection.body_texts(doc):
        st = set(keyword_stems(t)); n = max(len(t.split()), 1)
        m = sum(kw.get(w, 0.0) for w in st)
        out.append([m / (n + 5), m, max([kw.get(w, 0.0) for w in st], default=0.0)])
    return out
train = [record_to_document(r) for r in spread(list(iter_records(None, split="train")), 400)]
tabs = [r["abstract"] for r in spread(list(iter_records(None, split="train")), 400)]
xs0, xs1, ys = [], [], []
for d, ab in zip(train, tabs):
    f = sentence_features(d)
    if not f: continue
    y = np.zeros(len(f)); y[bl.oracle_indices(selection.body_texts(d), ab, 200)] = 1
    kf = kfeat(d, km.weights(d))
    xs0.append(np.array(f)); xs1.append(np.hstack([np.array(f), np.array(kf)])); ys.append(y)
lr0 = bl.FeatureLR(1.0).fit(np.vstack(xs0), np.concatenate(ys)); lr1 = bl.FeatureLR(1.0).fit(np.vstack(xs1), np.concatenate(ys))
for name, lr, aug in [("lr", lr0, False), ("lr+kwfeat", lr1, True)]:
    for use_kw in [False, True]:
        r1, r2 = [], []
        for rec, d, s in zip(recs, docs, sents):
            f = sentence_features(d)
            if not f: r1.append(0); r2.append(0); continue
            kw = km.weights(d)
            x = np.hstack([np.array(f), np.array(kfeat(d, kw))]) if aug else np.array(f)
            sc = lr.decision(x).tolist()
            r = rouge(budget_summary(s, selection.select(s, sc, 200, keywords=kw if use_kw else None), 200), rec["abstract"])
            r1.append(r["rouge1"]); r2.append(r["rouge2"])
        print(name, "coverage" if use_kw else "plain", f"R-1 {np.mean(r1):.2f} R-2 {np.mean(r2):.2f}", flush=True)
