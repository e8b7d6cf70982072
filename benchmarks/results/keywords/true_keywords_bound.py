"""Upper bounds: selection with TRUE abstract keywords, set coverage vs count-aware coverage."""
import sys, numpy as np
from pathlib import Path
from collections import Counter
from papercli import selection
from papercli.eval.metrics import budget_summary, rouge
from papercli.keywords import keyword_stems
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/results: dev_scores
from dev_scores import load_dev  # noqa: E402
data = load_dev()[::2]
def run(kwfn):
    r1=[]
    for d in data:
        sents=d["sents2"]
        idx=selection.select(sents, d["model"], 200, keywords=kwfn(d))
        r1.append(rouge(budget_summary(sents, idx, 200), d["rec"]["abstract"])["rouge1"])
    return np.mean(r1)
from papercli.ingest.sentences import without_citations
for d in data:
    d["sents2"]=[without_citations(s) for s in d["sents"]]
    d["abs"]=Counter(keyword_stems(d["rec"]["abstract"]))
print("shipped kw", run(lambda d: d["kw"]))
print("true set kw (1.0)", run(lambda d: {w: 1.0 for w in d["abs"]}))
print("true set kw (0.5)", run(lambda d: {w: 0.5 for w in d["abs"]}))
