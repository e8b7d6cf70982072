"""Screening: do the shipped LongNet's token states add to the 11 word statistics for P(word in abstract)?
Train papers only (fit 300 / held-out 150); pooled first-token states per stem + stats -> LR; AUC."""
import json, re, numpy as np, torch
from papercli.data import iter_records, record_to_document
from papercli.eval.baselines import FeatureLR
from papercli.keywords import KeywordModel, keyword_stems
from papercli.context import build_context, context_inputs
from papercli.tasks.engine import Engine
torch.set_num_threads(2)
eng = Engine.load(device="cpu"); km = eng.keywords; tok = eng.tok
sp = tok.sp
starts = [sp.id_to_piece(i).startswith("\u2581") or sp.is_control(i) or sp.is_byte(i) for i in range(sp.get_piece_size())]
texts = [sp.id_to_piece(i).replace("\u2581", " ") if not (sp.is_control(i) or sp.is_byte(i)) else "" for i in range(sp.get_piece_size())]
recs = list(iter_records(None, split="train"))[::7][:450]
rows = []
for k, rec in enumerate(recs):
    doc = record_to_document(rec)
    words, x = km.table(doc)
    if not words: continue
    ctx = build_context([eng.encode(doc)], tok)
    with torch.inference_mode():
        inp = context_inputs(ctx); h = eng.model.encode(inp["ids"], inp["in_question"])[0]
    idx = {w: i for i, w in enumerate(words)}
    acc = np.zeros((len(words), h.shape[1])); cnt = np.zeros(len(words))
    for ref in ctx.sentences:
        first, text = None, ""
        for t in list(range(ref.start, ref.end)) + [None]:
            if t is None or (starts[ctx.ids[t]] and first is not None):
                for s in keyword_stems(text):
                    if s in idx: acc[idx[s]] += h[first].numpy(); cnt[idx[s]] += 1
                first, text = None, ""
                if t is None: break
            if first is None: first = t
            text += texts[ctx.ids[t]]
    hs = acc / np.maximum(cnt, 1)[:, None]
    ab = set(keyword_stems(rec["abstract"]))
    rows.append((x, hs, np.array([float(w in ab) for w in words])))
    if k % 50 == 0: print(k, flush=True)
def auc(p, y):
    pos, neg = p[y == 1], p[y == 0]
    if not len(pos) or not len(neg): return np.nan
    r = np.argsort(np.argsort(np.concatenate([pos, neg]))); return (r[:len(pos)].sum() - len(pos) * (len(pos) - 1) / 2) / (len(pos) * len(neg))
fit, held = rows[:300], rows[300:]
for name, f in [("stats", lambda x, hs: x), ("stats+states", lambda x, hs: np.hstack([x, hs]))]:
    lr = FeatureLR(10.0).fit(np.vstack([f(x, hs) for x, hs, y in fit]), np.concatenate([y for _, _, y in fit]))
    au, ll = [], []
    for x, hs, y in held:
        p = np.clip(1 / (1 + np.exp(-lr.decision(f(x, hs)))), 1e-6, 1 - 1e-6)
        au.append(auc(p, y)); ll.append(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    print(name, "held-out AUC %.4f logloss %.4f" % (np.nanmean(au), np.mean(ll)), flush=True)
