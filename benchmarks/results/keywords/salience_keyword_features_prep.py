"""Experiment: 3 keyword features per sentence appended to the cached train papers' features, and an init
model whose salience head takes 26 features (the 3 new input columns start at zero)."""
import gzip, json, sys
import numpy as np
import torch
from papercli.data import iter_records, record_to_document
from papercli.keywords import KeywordModel, keyword_stems
from papercli.longnet.model import LongNet, LongNetConfig, load_model, save_model

km = KeywordModel.load("models/papercli-longnet-small/keywords.json")

def kfeat(texts, kw):
    out = []
    for t in texts:
        st = set(keyword_stems(t)); n = max(len(t.split()), 1)
        m = sum(kw.get(w, 0.0) for w in st)
        out.append([m / (n + 5), m / 10.0, max([kw.get(w, 0.0) for w in st], default=0.0)])
    return out

if __name__ == "__main__":
    papers = [json.loads(l) for l in gzip.open("runs/kw/papers.jsonl.gz", "rt")]
    k = 0
    with gzip.open("runs/kwf/papers.jsonl.gz", "wt") as f:
        for rec in iter_records(None, split="train"):
            doc = record_to_document(rec)
            texts = [s.text for _, _, s in doc.body_sentences()]
            if len(texts) < 10:
                continue
            p = papers[k]; k += 1
            assert p["texts"] == texts
            p["enc"]["features"] = [a + b for a, b in zip(p["enc"]["features"], kfeat(texts, km.weights(doc)))]
            f.write(json.dumps(p) + "\n")
    m = load_model("runs/base2200")
    cfg = LongNetConfig(**{**m.cfg.__dict__, "num_sentence_features": m.cfg.num_sentence_features + 3})
    new = LongNet(cfg)
    sd = m.state_dict()
    w = sd["salience.0.weight"]
    sd["salience.0.weight"] = torch.cat([w, torch.zeros(w.shape[0], 3)], 1)
    new.load_state_dict(sd)
    save_model(new, "runs/base2200_f26")
    print("ok", k)
