"""Held-out train papers: log-loss / AUC of keyword models with extra statistics (dev untouched)."""
import math, re, sys, numpy as np
from collections import Counter, defaultdict
from papercli.data import iter_records, record_to_document
from papercli.eval.baselines import FeatureLR
from papercli import keywords as K
from papercli.features import section_type, _CUE_CONTRIB, _CUE_RESULT

recs = list(iter_records(None, split="train"))
held = recs[::8][:250]; fit = [r for i, r in enumerate(recs) if i % 8 != 0][:1200]
pf = [(record_to_document(r), r["abstract"]) for r in fit]
ph = [(record_to_document(r), r["abstract"]) for r in held]
df = {w: c for w, c in Counter(w for d, _ in pf for w in K.body_stems(d)).items() if c >= 2}

def extra(doc):
    rows = list(doc.body_sentences()); n = max(len(rows), 1)
    cue, late, heads, parfirst, first_sec, res = Counter(), Counter(), set(), Counter(), Counter(), Counter()
    for s in doc.sections:
        heads |= set(K.keyword_stems(s.heading or ""))
    for sec in doc.sections:
        for p in sec.paragraphs:
            if p.sentences:
                for w in K.keyword_stems(p.sentences[0].text): parfirst[w] += 1
    for i, (k, sec, sent) in enumerate(rows):
        ws = K.keyword_stems(sent.text)
        c, r_ = bool(_CUE_CONTRIB.search(sent.text)), bool(_CUE_RESULT.search(sent.text))
        for w in ws:
            cue[w] += c; res[w] += r_; late[w] += i >= 0.9 * n; first_sec[w] += k == 0
    return lambda w: [math.log1p(cue[w]), math.log1p(res[w]), math.log1p(late[w]), float(w in heads), math.log1p(parfirst[w]), math.log1p(first_sec[w])]

def data(pairs, use_extra):
    xs, ys = [], []
    for d, ab in pairs:
        words, x = K.word_table(d, df, len(pf))
        if use_extra and words:
            f = extra(d); x = np.hstack([x, np.array([f(w) for w in words])])
        ref = set(K.keyword_stems(ab)); xs.append(x); ys.append(np.array([float(w in ref) for w in words]))
    return xs, ys

def auc(p, y):
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg): return np.nan
    r = np.argsort(np.argsort(np.concatenate([pos, neg]))); return (r[:len(pos)].sum() - len(pos) * (len(pos) - 1) / 2) / (len(pos) * len(neg))

for use_extra in [False, True]:
    xs, ys = data(pf, use_extra); lr = FeatureLR(1.0).fit(np.vstack(xs), np.concatenate(ys))
    hx, hy = data(ph, use_extra)
    ll, au = [], []
    for x, y in zip(hx, hy):
        if not len(y): continue
        p = np.clip(1 / (1 + np.exp(-lr.decision(x))), 1e-6, 1 - 1e-6)
        ll.append(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))); au.append(auc(p, y))
    print("extra" if use_extra else "base", "logloss %.4f auc %.4f" % (np.mean(ll), np.nanmean(au)), np.round(lr.w, 2), flush=True)
