import json
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from papercli.cli import app
from papercli.eval import qa, summarize
from papercli.eval.baselines import lead_scores
from papercli.selection import body_texts

PAPER = {
    "id": "t:1", "title": "Sparse attention for long documents", "split": "dev",
    "abstract": "We propose sparse attention for long documents. It reads whole papers at once.",
    "sections": [
        {"heading": "Introduction", "paragraphs": [
            "We propose sparse attention for long documents. Long inputs are common in science.",
            "Bananas are a popular fruit. They grow in warm places."]},
        {"heading": "Results", "paragraphs": ["The model reads whole papers at once. It is fast on long inputs."]}],
    "summaries": {"human": "Sparse attention reads whole papers."},
}
COVID = {
    "id": 1, "title": "A virus paper",
    "context": "A virus paper\n\nThe incubation period is 5 days on average. Masks reduce spread.\n\n"
               "Vaccines were tested in 2020. Hand washing helps.",
    "questions": [{"id": 1, "question": "What is the average incubation period?", "answers": [{"text": "5 days"}]},
                  {"id": 2, "question": "When were vaccines tested?", "answers": [{"text": "2020"}]}],
}


class FakeEngine:
    """Lead scores as salience; answers from the sentence that holds the gold answer, or refuses."""

    def __init__(self, refuse=False):
        self.refuse = refuse
        self.keywords = None

    def salience(self, doc):
        return lead_scores(doc), None

    def ask(self, doc, question):
        sents = body_texts(doc)
        gold = {"What is the average incubation period?": "5 days", "When were vaccines tested?": "2020"}[question]
        idx = next(i for i, s in enumerate(sents) if gold in s)

        evidence = [SimpleNamespace(index=idx, score=0.9), SimpleNamespace(index=0, score=0.1)]
        return SimpleNamespace(answer=None if self.refuse else gold, evidence=evidence,
                               answer_evidence=None if self.refuse else evidence[0])


def test_summarize_evaluate_with_fake_model():
    res = summarize.evaluate([PAPER, PAPER], words=12, engine=FakeEngine())
    systems = res["systems"]
    assert {"lead", "random", "lexrank", "textrank", "oracle", "model"} <= set(systems)
    assert set(systems["lead"]) == {"abstract", "human"} and systems["lead"]["abstract"]["n"] == 2
    assert systems["model"]["abstract"]["rouge1"] == systems["lead"]["abstract"]["rouge1"]
    best = max(s["abstract"]["rouge2"]["mean"] for s in systems.values())
    assert systems["oracle"]["abstract"]["rouge2"]["mean"] == pytest.approx(best)
    pair = res["paired"]  # model vs each real system on the same papers; the oracle is no system
    assert set(pair) == {"lead", "random", "lexrank", "textrank"}
    assert pair["lead"]["rouge1"] == {"mean": 0.0, "lo": 0.0, "hi": 0.0}  # the fake model is lead
    diff = systems["model"]["abstract"]["rouge1"]["mean"] - systems["random"]["abstract"]["rouge1"]["mean"]
    assert pair["random"]["rouge1"]["mean"] == pytest.approx(diff)
    assert summarize.evaluate([PAPER], words=12)["paired"] == {}  # no model, no pairs
    pos = res["oracle_recall_by_position"]  # where the oracle's sentences are, and which system keeps them
    assert len(pos["oracle_sentences"]) == summarize.PARTS and sum(pos["oracle_sentences"]) > 0
    assert pos["recall"]["model"] == pos["recall"]["lead"] and all(0 <= r <= 1 for r in pos["recall"]["random"])
    assert [summarize.part(i, 10) for i in (0, 1, 2, 5, 9)] == [0, 0, 1, 2, 4]
    # 12 words of lead are the paper's first two sentences (of 6): in the first fifth only
    assert pos["recall"]["lead"][1:] == [0.0] * (summarize.PARTS - 1) and pos["oracle_sentences"][0] > 0


def test_spread_covers_the_whole_list():
    assert summarize.spread(list(range(10)), 3) == [0, 3, 6]
    assert summarize.spread(list(range(3)), None) == [0, 1, 2]


def test_qa_evaluate_bm25_and_fake_model():
    res = qa.evaluate([COVID], FakeEngine())
    bm25, model = res["systems"]["bm25"], res["systems"]["model"]
    assert res["questions"] == 2
    assert bm25["hit1"]["mean"] == 100.0 and bm25["em"]["mean"] == 0.0 and bm25["f1"]["mean"] > 0
    assert model["em"]["mean"] == 100.0 and model["hit1"]["mean"] == 100.0 and model["refused"]["mean"] == 0.0
    assert model["answer_hit"]["mean"] == 100.0
    refused = qa.evaluate([COVID], FakeEngine(refuse=True), limit=1)["systems"]["model"]
    assert refused["refused"]["mean"] == 100.0 and refused["f1"]["mean"] == 0.0 and refused["hit1"]["mean"] == 100.0
    assert refused["answer_hit"]["mean"] == 0.0  # a refusal quotes no sentence


def test_load_engine_without_model_returns_none(tmp_path):
    from papercli.eval import load_engine

    assert load_engine(str(tmp_path / "no-model")) is None


def test_cli_eval_qa_writes_json(tmp_path):
    data = tmp_path / "qa.jsonl"
    data.write_text(json.dumps(COVID) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["eval", "qa", "--data", str(data), "--out", str(out),
                                      "--model", str(tmp_path / "no-model")])
    assert result.exit_code == 0, result.output
    assert "bm25" in result.output
    assert json.loads((out / "qa.json").read_text())["questions"] == 2


def test_cli_eval_summarize_writes_json_and_chart(tmp_path):
    import gzip

    data = tmp_path / "papers.jsonl.gz"
    with gzip.open(data, "wt") as f:
        for split in ("dev", "train"):
            f.write(json.dumps({**PAPER, "split": split}) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["eval", "summarize", "--data", str(data), "--words", "12",
                                      "--train-papers", "1", "--out", str(out),
                                      "--model", str(tmp_path / "no-model")])
    assert result.exit_code == 0, result.output
    saved = json.loads((out / "summarize.json").read_text())
    assert saved["papers"] == 1 and "lr_features" in saved["systems"]
    assert (out / "summarize.png").exists()


SCIREX = {
    "id": "t:2", "title": "Parsing news", "split": "dev", "abstract": "We parse news text with a new parser.",
    "sections": [{"heading": "Experiments", "paragraphs": [
        "Parsing is hard. We evaluate on the Penn Treebank and report labeled F1.",
        "The datasets we evaluate on are large. Our parser is fast."]}],
    "meta": {"relations": [{"dataset": "Penn Treebank", "metric": "labeled F1", "task": "Parsing", "method": "FastParse"}]},
}


class ReaderEngine:
    """Evidence: the sentence that names the gold entity for dataset questions, sentence 0 (the abstract's)
    otherwise; the answer is quoted from the Penn sentence for metric questions too."""

    def ask(self, doc, question):
        sents = body_texts(doc)
        penn = next(i for i, s in enumerate(sents) if "Penn" in s)
        idx = penn if "dataset" in question else 0
        source = penn if "dataset" in question or "metric" in question else 0
        return SimpleNamespace(evidence=[SimpleNamespace(index=idx)], answer_evidence=SimpleNamespace(index=source),
                               refused=False)


def test_reader_evaluate_bm25_and_fake_model():
    from papercli.eval import reader

    res = reader.evaluate([PAPER, SCIREX], ReaderEngine())  # PAPER has no relations: skipped
    assert res["papers"] == 1
    assert res["questions"] == 3  # dataset, metric, task are named in the text; the method is not
    model, bm25 = res["hit1_by_kind"]["model"], res["hit1_by_kind"]["bm25"]
    assert model == {"dataset": 100.0, "metric": 0.0, "task": 0.0}
    assert bm25["dataset"] == 0.0  # "The datasets we evaluate on are large." matches the words, not the answer
    assert res["systems"]["model"]["refused"]["mean"] == 0.0
    # the answer's sentence is scored apart from the evidence ranking: the Penn sentence also names the metric
    assert res["systems"]["model"]["hit1"]["mean"] == 100 / 3 and res["systems"]["model"]["answer"]["mean"] == 200 / 3
    assert res["systems"]["bm25"]["answer"] == res["systems"]["bm25"]["hit1"]  # BM25 answers with its top sentence
    assert reader.evaluate([SCIREX])["systems"].keys() == {"bm25", "bm25_expanded"}


def test_generic_nouns_rank_evidence_with_their_kind_words():
    from papercli.context import expand_query

    q = "What datasets do they evaluate on?"
    assert expand_query(q).startswith(q) and {"corpus", "treebank", "benchmark"} <= set(expand_query(q).split())
    assert {"accuracy", "f1", "bleu"} <= set(expand_query("Which metric do they report?").split())
    for q in ("How many sensors were installed?", "What task do they address?", "What method do they propose?"):
        assert expand_query(q) == q  # only "dataset" and "metric" are expanded (README: task/method hurt)


def test_cli_eval_reader_writes_json(tmp_path):
    import gzip

    data = tmp_path / "papers.jsonl.gz"
    with gzip.open(data, "wt") as f:
        f.write(json.dumps(SCIREX) + "\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["eval", "reader", "--data", str(data), "--out", str(out),
                                      "--model", str(tmp_path / "no-model")])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "reader.json").read_text())["questions"] == 3
