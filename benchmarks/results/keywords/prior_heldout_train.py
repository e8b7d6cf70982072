"""Held-out train papers: + a per-word prior P(in abstract | in body) from the fitting papers."""
import math, numpy as np
from collections import Counter
from papercli.data import iter_records, record_to_document
from papercli.eval.baselines import FeatureLR
from papercli import keywords as K
recs = list(iter_records(None, split="train"))
held = recs[::8][:250]; fit = [r for i, r in enumerate(recs) if i % 8 != 0]
pf = [(record_to_document(r), r["abstract"]) for r in fit]
ph = [(record_to_document(r), r["abstract"]) for r in held]
body = [K.body_stems(d) for d, _ in pf]; abst = [set(K.keyword_stems(a)) for _, a in pf]
dfc = Counter(w for b in body for w in b); hit = Counter(w for b, a in zip(body, abst) for w in b & a)
df = {w: c for w, c in dfc.items() if c >= 2}
base = sum(hit.values()) / sum(dfc.values()); print("base rate", round(base, 4))
def prior(w, alpha=5.0):
    r = (hit.get(w, 0) + alpha * base) / (dfc.get(w, 0) + alpha); return math.log(r / (1 - r))
def data(pairs, loo=False):
    xs, ys = [], []
    for d, ab in pairs:
        words, x = K.word_table(d, df, len(pf)); ref = set(K.keyword_stems(ab))
        x = np.hstack([x, np.array([[prior(w)] for w in words]).reshape(len(words), 1)])
        xs.append(x); ys.append(np.array([float(w in ref) for w in words]))
    return xs, ys
def auc(p, y):
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg): return np.nan
    r = np.argsort(np.argsort(np.concatenate([pos, neg]))); return (r[:len(pos)].sum() - len(pos) * (len(pos) - 1) / 2) / (len(pos) * len(neg))
# fit on a subset with the prior computed from all fit papers (in-sample prior: optimistic weight) vs
# fit on papers whose own labels are excluded from the prior (leave-one-out) -- do leave-one-out properly:
sub = list(range(0, len(pf), 3))[:700]
xs, ys = [], []
for i in sub:
    d, ab = pf[i]; words, x = K.word_table(d, df, len(pf)); ref = abst[i]
    pr = []
    for w in words:  # leave this paper out of the prior
        n = dfc.get(w, 0) - 1; h = hit.get(w, 0) - (w in ref)
        r = (h + 5.0 * base) / (n + 5.0); pr.append(math.log(r / (1 - r)))
    xs.append(np.hstack([x, np.array(pr).reshape(-1, 1)])); ys.append(np.array([float(w in ref) for w in words]))
hx, hy = data(ph)
X, Y = np.vstack(xs), np.concatenate(ys)
for cols, name in [(slice(0, 11), "stats"), (slice(0, 12), "stats+prior")]:
    lr = FeatureLR(1.0).fit(X[:, cols], Y)
    ll, au = [], []
    for x, y in zip(hx, hy):
        if not len(y): continue
        p = np.clip(1 / (1 + np.exp(-lr.decision(x[:, cols]))), 1e-6, 1 - 1e-6)
        ll.append(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))); au.append(auc(p, y))
    print(name, "logloss %.4f auc %.4f" % (np.mean(ll), np.nanmean(au)), np.round(lr.w, 2), flush=True)
