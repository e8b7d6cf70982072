"""The name rule of `ask` ("What dataset ...?" is answered from a sentence that names something), measured on
papers the rule was not written on: the first 120 train-split papers with SciREX relations (the model trained
on these papers, so absolute numbers are high; the rule's effect is the difference), asked the reader questions.

    python benchmarks/results/reader/name_rule.py train before   # the rule switched off
    python benchmarks/results/reader/name_rule.py train after
"""
import json
import sys

from papercli.data import iter_records
from papercli.eval import load_engine, reader
import papercli.tasks.engine as engine_module

split, arm = sys.argv[1], sys.argv[2]
if arm == "before":
    engine_module.asks_for_a_name = lambda question: False
records = list(iter_records(None, split=split))
if split == "train":
    records = [r for r in records if r.get("meta", {}).get("relations")][:120]
result = reader.evaluate(records, load_engine(None))
print(json.dumps({"split": split, "arm": arm, "questions": result["questions"],
                  "model": {k: round(v["mean"], 1) for k, v in result["systems"]["model"].items()},
                  "hit1_by_kind": result["hit1_by_kind"]["model"]}))
