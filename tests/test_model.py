"""The LongNet model on tiny configs: shapes, masks, learning, save/load, resumable training."""

import json
import random
from pathlib import Path

import pytest
import torch

from papercli.context import EncodedDocument, build_context, context_inputs
from papercli.ingest.document import Document, Paragraph, Section, Sentence
from papercli.longnet.model import LongNet, LongNetConfig, load_model, save_model
from papercli.tokenizer import Tokenizer
from papercli.train.examples import Example
from papercli.train.loop import example_loss

TOKENIZER = Path(__file__).resolve().parents[1] / "models" / "papercli-longnet-small" / "tokenizer.model"
TINY = dict(d_model=32, n_layers=2, n_heads=2, d_ff=64, segments=[[16, 1], [64, 4]], dropout=0.0)


@pytest.fixture(scope="module")
def tok():
    return Tokenizer(TOKENIZER)


def _doc(n=12):
    sents = [Sentence(f"Sentence number {i} talks about topic {i % 3} with value {i * 7}.", 1 + i // 6) for i in range(n)]
    return Document("t.txt", title="A tiny paper", sections=[Section("1 Introduction", 1, 1, [Paragraph(sents[:6])]),
                                                               Section("2 Results", 1, 2, [Paragraph(sents[6:])])])


def _model(tok, **kw):
    torch.manual_seed(0)
    return LongNet(LongNetConfig(vocab_size=tok.vocab_size, **{**TINY, **kw}))


def test_shapes_and_sentence_map(tok):
    doc = _doc()
    ctx = build_context([EncodedDocument.encode(doc, tok)], tok, "Which value has topic 2?",
                        [[s.text for _, _, s in doc.body_sentences()]])
    assert len(ctx.sentences) == 12 and ctx.num_global > 1
    for k, ref in enumerate(ctx.sentences):  # every sentence's tokens map back to it and decode to its text
        assert all(t == k for t in ctx.token_sentence[ref.start:ref.end])
        assert tok.decode(ctx.ids[ref.start:ref.end]) == list(doc.body_sentences())[k][2].text
    out = _model(tok).eval()(**context_inputs(ctx))
    assert out["salience"].shape == (1, 12) and out["evidence"].shape == (1, 12)
    assert out["start"].shape == (1, len(ctx)) and torch.isfinite(out["start"]).all()


def test_padding_does_not_change_real_outputs(tok):
    m = _model(tok).eval()
    ids = torch.randint(5, tok.vocab_size, (1, 40))
    ts = (torch.arange(40) // 10)[None]
    feats = torch.randn(1, 4, 23)
    base = m(ids, torch.zeros_like(ids), ts, feats)["salience"]
    padded = torch.cat([ids, torch.zeros(1, 9, dtype=torch.long)], 1)
    ts_p = torch.cat([ts, torch.full((1, 9), -1)], 1)
    mask = torch.arange(49)[None] < 40
    out = m(padded, torch.zeros_like(padded), ts_p, feats, key_padding_mask=mask)["salience"]
    torch.testing.assert_close(out, base, atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("num_global,padded", [(0, False), (5, True)])
def test_inplace_inference_path_matches_the_training_path(tok, num_global, padded):
    """Inference (no grad, eval) runs the blocks in place on token slices; it must compute the same function."""
    import papercli.longnet.model as model_mod

    m = _model(tok).eval()
    N = 150  # not a multiple of the slice length below, nor of the longest segment
    ids = torch.randint(5, tok.vocab_size, (1, N))
    in_q = (torch.arange(N) < num_global).long()[None]
    mask = (torch.arange(N) < N - 7)[None] if padded else None
    with torch.enable_grad():  # grad on: the plain out-of-place blocks
        ref = m.encode(ids, in_q, mask, num_global)
    old = model_mod.INFERENCE_CHUNK
    try:
        model_mod.INFERENCE_CHUNK = 32
        with torch.inference_mode():
            got = m.encode(ids, in_q, mask, num_global)
    finally:
        model_mod.INFERENCE_CHUNK = old
    torch.testing.assert_close(got, ref.detach(), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA GPU"))])
def test_inplace_inference_path_under_bf16_autocast(tok, device):
    """The engine's CUDA path: autocast bf16 keeps q, k, v in bf16 in the shared buffer; close to fp32."""
    m = _model(tok).to(device).eval()
    ids = torch.randint(5, tok.vocab_size, (1, 150), device=device)
    in_q = (torch.arange(150, device=device) < 5).long()[None]
    with torch.inference_mode():
        ref = m.encode(ids, in_q, None, 5)
        with torch.autocast(device, dtype=torch.bfloat16):
            got = m.encode(ids, in_q, None, 5)
    assert got.dtype == torch.float32
    torch.testing.assert_close(got, ref, atol=5e-2, rtol=5e-2)


def test_overfits_a_tiny_batch(tok):
    doc = _doc()
    enc = EncodedDocument.encode(doc, tok)
    texts = [[s.text for _, _, s in doc.body_sentences()]]
    summary = Example(build_context([enc], tok), salience=[float(i in (3, 8)) for i in range(12)])
    qa = Example(build_context([enc], tok, "What does sentence number 5 talk about?", texts), evidence=5)
    m = _model(tok)
    opt = torch.optim.AdamW(m.parameters(), lr=3e-3)
    first = None
    for _ in range(60):
        loss = example_loss(m, summary)[0] + example_loss(m, qa)[0]
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.35 * first  # the summary part cannot go below log(2): two targets share the mass
    m.eval()
    with torch.no_grad():
        assert int(m(**context_inputs(qa.ctx))["evidence"].argmax()) == 5
        assert set(m(**context_inputs(summary.ctx))["salience"][0].topk(2).indices.tolist()) == {3, 8}


def test_save_load_round_trip_is_bit_exact(tok, tmp_path):
    m = _model(tok).eval()
    save_model(m, tmp_path)
    assert json.loads((tmp_path / "config.json").read_text())["d_model"] == 32
    m2 = load_model(tmp_path)
    for (k, a), (_, b) in zip(m.state_dict().items(), m2.state_dict().items()):
        assert torch.equal(a, b), k
    ctx = build_context([EncodedDocument.encode(_doc(), tok)], tok)
    with torch.no_grad():
        assert torch.equal(m(**context_inputs(ctx))["salience"], m2(**context_inputs(ctx))["salience"])


@pytest.mark.skipif(not (Path(__file__).resolve().parents[2] / "shared" / "data" / "papers.jsonl.gz").exists(),
                    reason="needs ../shared/data")
@pytest.mark.parametrize("mlm_steps, stop", [(0, 2), (2, 1), (2, 3)])
def test_training_resumes_exactly(tmp_path, mlm_steps, stop):
    """Interrupted inside the pretraining phase, at its end, or inside the supervised phase."""
    from papercli.train.loop import TrainConfig, train

    cfg = dict(tokenizer=str(TOKENIZER), limit=6, max_tokens=512, ckpt_every=1, threads=1, mlm_steps=mlm_steps)
    model_cfg = LongNetConfig(vocab_size=16000, **TINY)
    straight = load_model(train(TrainConfig(out=str(tmp_path / "a"), steps=4, **cfg), model_cfg))
    train(TrainConfig(out=str(tmp_path / "b"), steps=stop, **cfg), model_cfg)  # interrupted
    # ... after logging a step past its last checkpoint, between the renames of a new checkpoint
    with open(tmp_path / "b" / "log.jsonl", "a") as log:
        log.write(json.dumps({"step": stop + 1, "tokens": 0, "sec": 0}) + "\n")
    (tmp_path / "b" / "checkpoint").rename(tmp_path / "b" / "checkpoint.old")
    resumed = load_model(train(TrainConfig(out=str(tmp_path / "b"), steps=4, **cfg), model_cfg))
    for (k, a), (_, b) in zip(straight.state_dict().items(), resumed.state_dict().items()):
        torch.testing.assert_close(a, b, rtol=0, atol=0, msg=k)
    assert [json.loads(line)["step"] for line in open(tmp_path / "b" / "log.jsonl")] == [1, 2, 3, 4]
    assert sorted(p.name for p in (tmp_path / "b").glob("checkpoint*")) == ["checkpoint"]


@pytest.mark.skipif(not (Path(__file__).resolve().parents[2] / "shared" / "data" / "papers.jsonl.gz").exists(),
                    reason="needs ../shared/data")
def test_prepared_papers_are_rebuilt_for_other_data(tmp_path, capsys):
    from papercli.train.loop import TrainConfig, prepare_papers
    from papercli.tokenizer import Tokenizer

    tok = Tokenizer(str(TOKENIZER))
    assert len(prepare_papers(TrainConfig(out=str(tmp_path), tokenizer=str(TOKENIZER), limit=3), tok)) == 3
    assert len(prepare_papers(TrainConfig(out=str(tmp_path), tokenizer=str(TOKENIZER), limit=3), tok)) == 3
    assert "preparing the papers again" not in capsys.readouterr().err  # the cache was used
    assert len(prepare_papers(TrainConfig(out=str(tmp_path), tokenizer=str(TOKENIZER), limit=2), tok)) == 2
    assert "preparing the papers again" in capsys.readouterr().err


@pytest.mark.skipif(not (Path(__file__).resolve().parents[2] / "shared" / "data" / "papers.jsonl.gz").exists(),
                    reason="needs ../shared/data")
def test_fine_tuning_starts_from_init_weights(tmp_path):
    """--init: step 0 is the given model bit for bit, architecture included; training from it (synthetic questions only) moves it."""
    from papercli.train.loop import TrainConfig, train

    cfg = dict(tokenizer=str(TOKENIZER), limit=6, max_tokens=512, ckpt_every=1, threads=1)
    model_cfg = LongNetConfig(vocab_size=16000, **TINY)
    torch.manual_seed(7)
    save_model(LongNet(model_cfg), tmp_path / "init")
    init = load_model(tmp_path / "init").state_dict()
    same = load_model(train(TrainConfig(out=str(tmp_path / "a"), steps=0, init=str(tmp_path / "init"), **cfg)))
    same = same.state_dict()  # no model config given: the init's own architecture (TINY, not the default)
    assert all(torch.equal(init[k], same[k]) for k in init)
    tuned = load_model(train(TrainConfig(out=str(tmp_path / "b"), steps=2, init=str(tmp_path / "init"), seed=1,
                                         question_weight=1e6, **cfg), model_cfg)).state_dict()
    assert not torch.equal(init["evidence.0.weight"], tuned["evidence.0.weight"])
    log = [json.loads(line) for line in open(tmp_path / "b" / "log.jsonl")]
    assert all("evidence" in row and "salience" not in row for row in log)  # every example was a question
    train(TrainConfig(out=str(tmp_path / "c"), steps=2, init=str(tmp_path / "init"), summary_weight=1e6,
                      soft_labels=1.0, **cfg), model_cfg)
    log = [json.loads(line) for line in open(tmp_path / "c" / "log.jsonl")]
    assert all("salience" in row and "evidence" not in row for row in log)  # every example was a summary


def test_body_question_cuts_an_answer_out_of_its_sentence():
    from papercli.train.examples import body_question

    texts = ["Short one.", "We evaluate the parser on the Penn Treebank and report a labeled F1 of 91.2 on section 23 "
             "of the Wall Street Journal corpus, which is the standard test set."]
    for seed in range(20):
        drawn = body_question(texts, random.Random(seed))
        if drawn is None:
            continue
        question, i, answer = drawn
        assert i == 1 and answer in texts[1] and question.endswith("?")
        words = question.rstrip("?").split()
        body = [w for w in words if w not in {"How", "many", "What", "value", "is", "Which"}]  # wh-words aside
        assert 3 <= len(body) <= 8 and all(w in texts[1] for w in body)  # the sentence's own words
        assert body_question(texts, random.Random(seed)) == drawn  # seeded


def test_soft_salience_target_mixes_the_oracle_with_sentence_scores(tok):
    """soft=0: uniform over the oracle; soft>0: a distribution whose extra mass follows each sentence's n-gram density."""
    from papercli.train.examples import TrainingPaper, salience_target
    from papercli.train.labels import sentence_scores

    abstract = "We propose a dilated attention encoder that reads whole papers and summarises them."
    texts = ["Cold weather was reported yesterday.", "We propose a dilated attention encoder for whole papers.",
             "Results are in Table 2.", "It summarises papers it reads whole."]
    scores = sentence_scores(texts, abstract)
    assert scores[1] == max(scores) and scores[0] == 0.0 and scores[3] > scores[2]
    paper = TrainingPaper(EncodedDocument.encode(_doc(4), tok), texts, [1, 3], [], [], [], scores)
    assert salience_target(paper, 0.0) == [0.0, 0.5, 0.0, 0.5]
    target = salience_target(paper, 0.5)
    assert abs(sum(target) - 1.0) < 1e-9 and target[1] > target[3] > target[2] >= target[0] > 0
    old = TrainingPaper.from_dict({**paper.to_dict(), "soft": []})  # caches from before the field still load ...
    assert salience_target(old, 0.0) == [0.0, 0.5, 0.0, 0.5]
    with pytest.raises(ValueError, match="cache"):  # ... but cannot silently train without the scores
        salience_target(old, 0.5)


def test_masked_token_pretraining_learns(tok):
    """The tied-embedding masked-token loss starts near ln(vocab) and falls when trained on."""
    from papercli.train.examples import TrainingPaper
    from papercli.train.loop import mlm_loss

    paper = TrainingPaper(EncodedDocument.encode(_doc(40), tok), [], [], [], [], [])
    model = _model(tok)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(30):
        loss, parts, _ = mlm_loss(model, [paper], tok, random.Random(0), 4096)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(parts["mlm"])
    assert losses[0] > 9.0 and losses[-1] < 0.5 * losses[0]  # from ~ln(16000) = 9.7 towards memorised


def test_unmentioned_terms_match_stems_and_skip_stopwords():
    from papercli.context import paper_stems, unmentioned_terms

    texts = [["We installed twelve sensors.", "Each sensor measured the water level."], ["Velocity-area gauging."]]
    assert unmentioned_terms("How many sensors were installed?", texts) == ([], 2)
    hits = paper_stems.cache_info().hits
    assert unmentioned_terms("Where were the sensors installed?", texts) == ([], 2)
    assert paper_stems.cache_info().hits == hits + 2  # the same papers: their words are gathered once
    assert unmentioned_terms("Which river?", texts) == (["river"], 1)
    assert unmentioned_terms("Which river?", texts, ["River sensors"]) == ([], 1)  # titles count too
    assert unmentioned_terms("How was the sensor installed on the bridge?", texts) == (["bridge"], 3)
    assert unmentioned_terms("What is the airspeed velocity of an unladen swallow?", texts) == (
        ["airspeed", "unladen", "swallow"], 4)
    assert unmentioned_terms("What is it?", texts) == ([], 0)
    # light verbs and "how long" name nothing; irregular forms match their base form both ways
    sleep = [["Students slept 6.9 hours before an exam.", "Forty students take part in the study."]]
    assert unmentioned_terms("How long did the students sleep?", sleep) == ([], 2)
    assert unmentioned_terms("How many students took part?", sleep) == ([], 2)
    assert unmentioned_terms("What accuracy do they get?", [["The accuracy is 91.2."]]) == ([], 1)
    assert unmentioned_terms("Who slept?", [["They sleep well."]]) == ([], 1)
    assert unmentioned_terms("What precision does the system achieve?", [["The system has a precision of 67.6%."]]) == (
        [], 2)
    # derived forms: an agent noun, a comparative, an adverb match their base (a doubled consonant is not undone:
    # "tagger" is not "tag", "summer" not "sum"); "happen", "stand (for)", "percentage" name nothing
    assert unmentioned_terms("What parser do they use?", [["Parsing is done with a chart."]]) == ([], 1)
    assert unmentioned_terms("Which tokens are tagged correctly?", [["The correct tag is assigned to each token."]]) == (
        [], 3)
    assert unmentioned_terms("Is the larger model better?", [["A large model is better."]]) == ([], 3)
    assert unmentioned_terms("What tagger do they use?", [["We tag the words."]]) == (["tagger"], 1)
    assert unmentioned_terms("Is the summer warm?", [["We sum the scores."]]) == (["summer", "warm"], 2)
    assert unmentioned_terms("What does AAA stand for?", [["We call it alternating alignment (AAA)."]]) == ([], 1)
    assert unmentioned_terms("What percentage of words happen to be tagged?", [["We tagged 96% of the words."]]) == (
        [], 2)
    # a compound is also mentioned as one word; "How fast ...?" is answered in seconds, not with "fast"
    assert unmentioned_terms("What was the inter-annotator agreement?", [["Interannotator agreement is 0.6."]]) == (
        [], 2)
    assert unmentioned_terms("What was the inter-annotator agreement?", [["The agreement is 0.6."]]) == (
        ["inter-annotator"], 2)
    assert unmentioned_terms("How fast is the parser?", [["The parser takes 0.4 s a sentence."]]) == ([], 1)
    assert unmentioned_terms("Which version of FrameNet is used?", [["We use FrameNet 1.2."]]) == ([], 1)
    # a name with digits is mentioned in parts ("COVID-19" for "COVID19"), and a question that names a benchmark
    # the paper lacks is refused for it ("... on WMT14?", J04-4002)
    assert unmentioned_terms("How does COVID19 spread?", [["COVID-19 spreads by droplets."]]) == ([], 2)
    from papercli.context import question_names
    assert "wmt14" in question_names("What BLEU score does it get on WMT14 English-German?")
    # accented words stay whole words ("médiane" was "m" + "diane"), and match their unaccented form
    assert unmentioned_terms("Was the naïve model used?", [["The naive model was used."]]) == ([], 2)
    assert unmentioned_terms("Quelle était l'erreur médiane?", [["The median error was 3 cm."]]) == (
        ["quelle", "etait", "erreur"], 4)


def test_prepared_training_paper_is_the_same_in_every_process():
    """Seeded means the same examples in every run: nothing may depend on Python's per-process str hash
    (hash() seeds, set order in float sums). Two processes with different PYTHONHASHSEED must agree."""
    import os
    import subprocess
    import sys

    sample = Path(__file__).resolve().parents[1] / "samples" / "longnet-reading.md"
    script = f"""
import json
from papercli.ingest import load_document
from papercli.tokenizer import Tokenizer
from papercli.train.examples import prepare_paper
doc = load_document({str(sample)!r})
rec = {{"id": "sample:1", "title": doc.title, "abstract": doc.abstract_text, "summaries": {{}}, "meta": {{}},
       "sections": [{{"heading": s.heading, "paragraphs": [p.text for p in s.paragraphs]}} for s in doc.sections]}}
print(json.dumps(prepare_paper(rec, Tokenizer({str(TOKENIZER)!r})).to_dict()))
"""
    outs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert outs[0] and outs[0] == outs[1]
