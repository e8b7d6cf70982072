"""Cache dev salience (model), keywords and LR scores for quick offline selection experiments."""
import json, pickle, sys
from papercli.data import iter_records, record_to_document
from papercli.eval import baselines as bl
from papercli.eval.summarize import spread, load_engine
recs = list(iter_records(None, split="dev"))
train = spread(list(iter_records(None, split="train")), 400)
lr = bl.train_feature_lr(((record_to_document(r), r["abstract"]) for r in train), 200)
eng = load_engine(None)
out = []
for n, rec in enumerate(recs):
    doc = record_to_document(rec)
    sents = bl.body_texts(doc)
    s, kw = eng.salience(doc)
    out.append(dict(rec=rec, sents=sents, model=list(map(float, s)), kw=kw, lr=list(map(float, lr.scores(doc)))))
    if n % 20 == 0: print(n, file=sys.stderr, flush=True)
pickle.dump(out, open("runs/quick/dev.pkl", "wb"))
