"""Dev R-1/R-2 of the 26-feature fine-tune (keyword features in the salience head), coverage selection."""
import json, sys, numpy as np, torch
from runs_quick import recs, docs, sents
from papercli.context import EncodedDocument, build_context, context_inputs
from papercli import selection
from papercli.eval.metrics import rouge, budget_summary
from papercli.keywords import KeywordModel
from papercli.longnet.model import load_model
from papercli.tokenizer import Tokenizer
from kwf_prep import kfeat
torch.set_num_threads(2)
km = KeywordModel.load("models/papercli-longnet-small/keywords.json")
tok = Tokenizer("models/papercli-longnet-small/tokenizer.model")
model = load_model(sys.argv[1])
out = []
for d, s in zip(docs, sents):
    kw = km.weights(d)
    enc = EncodedDocument.encode(d, tok)
    enc.features = [a + b for a, b in zip(enc.features, kfeat(s, kw))]
    with torch.inference_mode():
        sc = model(**context_inputs(build_context([enc], tok)))["salience"][0].tolist()
    out.append((sc, kw))
json.dump([o[0] for o in out], open(sys.argv[2], "w"))
for use_kw in [False, True]:
    r1, r2 = [], []
    for rec, s, (sc, kw) in zip(recs, sents, out):
        r = rouge(budget_summary(s, selection.select(s, sc, 200, keywords=kw if use_kw else None), 200), rec["abstract"])
        r1.append(r["rouge1"]); r2.append(r["rouge2"])
    json.dump(r1, open(sys.argv[2] + (".kw" if use_kw else ".plain") + ".r1.json", "w"))
    print("coverage" if use_kw else "plain", f"R-1 {np.mean(r1):.2f} R-2 {np.mean(r2):.2f} (even {np.mean(r1[::2]):.2f} odd {np.mean(r1[1::2]):.2f})", flush=True)
