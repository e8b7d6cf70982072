"""Does a salience-weighted word count help the keyword model? 2-fold cross-fit on dev (optimistic probe)."""
import sys, math, numpy as np
from pathlib import Path
from collections import Counter, defaultdict
from papercli.data import record_to_document
from papercli.eval import baselines as bl
from papercli import selection
from papercli.eval.metrics import budget_summary, rouge
from papercli.keywords import KeywordModel, keyword_stems
from papercli.ingest.sentences import without_citations
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/results: dev_scores
from dev_scores import load_dev  # noqa: E402
data = load_dev()
km = KeywordModel.load("models/papercli-longnet-small/keywords.json")
def sal_feats(sents, scores, words):
    s = np.asarray(scores, float); p = np.exp(s - s.max()); p /= p.sum()
    z = (s - s.mean()) / (s.std() + 1e-9)
    wmass, wmax = defaultdict(float), defaultdict(lambda: -9.0)
    for t, pi, zi in zip(sents, p, z):
        for w in set(keyword_stems(t)):
            wmass[w] += pi; wmax[w] = max(wmax[w], zi)
    return np.array([[math.log(wmass[w] + 1e-6), wmax[w]] for w in words])
rows = []
for d in data:
    doc = record_to_document(d["rec"])
    words, x = km.table(doc)
    ref = set(keyword_stems(d["rec"]["abstract"]))
    y = np.array([float(w in ref) for w in words])
    xs = sal_feats(d["sents"], d["model"], words)
    rows.append((words, x, xs, y))
    d["sents2"] = [without_citations(s) for s in d["sents"]]
def roc_auc_score(y, p):
    y = np.asarray(y); p = np.asarray(p)
    order = np.argsort(p); ranks = np.empty(len(p)); ranks[order] = np.arange(1, len(p) + 1)
    npos = y.sum(); nneg = len(y) - npos
    return (ranks[y == 1].sum() - npos * (npos + 1) / 2) / (npos * nneg)
def fit(idx, extra):
    X = np.vstack([np.hstack([rows[i][1], rows[i][2]]) if extra else rows[i][1] for i in idx])
    Y = np.concatenate([rows[i][3] for i in idx])
    return bl.FeatureLR(1.0).fit(X, Y)
def weights(lr, i, extra):
    X = np.hstack([rows[i][1], rows[i][2]]) if extra else rows[i][1]
    return dict(zip(rows[i][0], (1/(1+np.exp(-lr.decision(X)))).tolist()))
folds = [list(range(0, len(data), 2)), list(range(1, len(data), 2))]
for extra in (False, True):
    r1 = []; aucs = []
    for a, b in ((0, 1), (1, 0)):
        lr = fit(folds[a], extra)
        for i in folds[b]:
            kw = weights(lr, i, extra); d = data[i]
            if rows[i][3].sum() > 0 and rows[i][3].sum() < len(rows[i][3]):
                aucs.append(roc_auc_score(rows[i][3], [kw[w] for w in rows[i][0]]))
            idx = selection.select(d["sents2"], d["model"], 200, keywords=kw)
            r1.append(rouge(budget_summary(d["sents2"], idx, 200), d["rec"]["abstract"])["rouge1"])
    print("extra" if extra else "base (refit on dev)", "R-1", round(np.mean(r1), 2), "AUC", round(np.mean(aucs), 4), flush=True)
