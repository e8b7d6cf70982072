"""The commands for developers of papercli, each a group of its own: `bench` (speed: extraction against raw
PyMuPDF, dilated against dense attention, end-to-end `ask` on large collections), `eval` (quality against
baselines: summaries, question answering, reader questions, needle in a haystack) and `train` (the tokenizer,
the LongNet model, the summary keyword weights, the hyphenation lexicon, the refusal calibration). Each command
is a thin wrapper over the library (papercli.bench_attention, bench_e2e, eval, train, keywords,
ingest.lexicon) or benchmarks/extraction.py.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer

from papercli.cli.common import DEVICE_OPTION, EXIT_FATAL, MODEL_OPTION, Device, Format, err

bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks: each prints ratios against a baseline run in the same process.")
eval_app = typer.Typer(no_args_is_help=True, help="Quality evaluation against baselines on real papers.")
train_app = typer.Typer(no_args_is_help=True, help="Train on the corpus: the tokenizer, the LongNet model, the "
                                                    "summary keyword weights, the refusal calibration and the "
                                                    "hyphenation lexicon.")


# --- bench: extract, attention, e2e ---


@bench_app.command("extract")
def bench_extract(
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N papers of index.jsonl."),
) -> None:
    """PDF body-text recall/precision and pages/s: papercli against raw PyMuPDF on the ACL PDFs."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "extraction.py"
    if not script.exists():
        err(f"{script}: not found (run from a source checkout)")
        raise typer.Exit(EXIT_FATAL)
    spec = importlib.util.spec_from_file_location("papercli_bench_extraction", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = [] if limit is None else ["--limit", str(limit)]
    raise typer.Exit(module.main(args))


@bench_app.command("attention")
def bench_attention(
    lengths: str = typer.Option("4096,8192,16384,32768,65536,131072,262144,524288,1048576", "--lengths",
                                help="Sequence lengths in tokens, comma-separated."),
    heads: int = typer.Option(4, "--heads"),
    head_dim: int = typer.Option(64, "--head-dim"),
    device: Device = typer.Option(Device.cpu, "--device", help="auto: CUDA when available, else CPU."),
    dtype: Optional[str] = typer.Option(None, "--dtype", help="float32, bfloat16, float16 (default: float32 "
                                        "on cpu, bfloat16 on cuda)."),
    dense_max_s: float = typer.Option(300.0, "--dense-max-s", help="Skip dense runs estimated to take longer."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    plot: Optional[str] = typer.Option(None, "--plot", help="Save a PNG of time and memory against length."),
) -> None:
    """Dilated attention against dense SDPA: seconds, peak memory, GFLOP/s, 4K to 1M tokens."""
    from papercli import bench_attention
    from papercli.tasks.engine import resolve_device

    try:
        sizes = [int(n) for n in lengths.split(",") if n.strip()]
    except ValueError:
        err(f"--lengths must be comma-separated integers, got {lengths!r}")
        raise typer.Exit(EXIT_FATAL)
    try:
        dev = resolve_device(device.value)
    except RuntimeError as e:
        err(str(e))
        raise typer.Exit(EXIT_FATAL)
    dtype = dtype or ("bfloat16" if dev == "cuda" else "float32")
    if fmt.value not in ("text", "json") or dtype not in ("float32", "bfloat16", "float16"):
        err("--format must be text or json; --dtype float32, bfloat16 or float16")
        raise typer.Exit(EXIT_FATAL)
    bench_attention.run(sizes, heads, head_dim, dev, dtype, fmt.value, dense_max_s=dense_max_s, plot=plot)


@bench_app.command("e2e")
def bench_e2e_cmd(
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    sizes: str = typer.Option("100000,1000000", "--sizes",
                              help="Token targets of the repeated-samples collections, comma-separated."),
    model: Optional[str] = MODEL_OPTION,
    device: Device = DEVICE_OPTION,
    results: Optional[str] = typer.Option(None, "--results", help="Also write a Markdown report to this file "
                                                                  "(e.g. benchmarks/RESULTS_e2e.md)."),
) -> None:
    """End to end ask: seconds per stage and peak RSS, one sample paper and ~100K / ~1M-token collections."""
    from papercli import bench_e2e

    if fmt.value not in ("text", "json"):
        err("--format must be text or json")
        raise typer.Exit(EXIT_FATAL)
    try:
        targets = [int(x) for x in sizes.split(",") if x.strip()]
    except ValueError:
        err(f"--sizes must be comma-separated integers, got {sizes!r}")
        raise typer.Exit(EXIT_FATAL)
    raise typer.Exit(bench_e2e.run(targets, model, device.value, fmt.value, results))


# --- eval: summarize, qa, reader, needle ---

_EVAL_MODEL_OPT = typer.Option(None, "--model", help="Model directory (default: the shipped model, if any).")
_OUT_OPT = typer.Option(None, "--out", help="Directory for the JSON results and the PNG chart.")


@eval_app.command("summarize")
def eval_summarize(
    data: Optional[str] = typer.Option(None, "--data", help="papers.jsonl.gz (default: ../shared/data)."),
    split: str = typer.Option("dev", "--split"),
    words: int = typer.Option(200, "--words", help="Word budget of every summary."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Evaluate N papers spread evenly over the split."),
    train_papers: int = typer.Option(400, "--train-papers", help="Train papers for the feature baseline (0: none)."),
    out: Optional[str] = _OUT_OPT,
    model: Optional[str] = _EVAL_MODEL_OPT,
) -> None:
    """ROUGE of every system's summary against the abstract and the human summaries."""
    from papercli.eval import summarize

    summarize.run(data, split, words, limit, train_papers, out, model)


@eval_app.command("qa")
def eval_qa(
    data: Optional[str] = typer.Option(None, "--data", help="covidqa-dev.jsonl (default: ../shared/data)."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Evaluate the first N questions only."),
    out: Optional[str] = _OUT_OPT,
    model: Optional[str] = _EVAL_MODEL_OPT,
) -> None:
    """Answer EM / F1 and evidence hit@1/3 on COVID-QA, BM25 against the model."""
    from papercli.eval import qa

    qa.run(data, limit, out, model)


@eval_app.command("reader")
def eval_reader(
    data: Optional[str] = typer.Option(None, "--data", help="papers.jsonl.gz (default: ../shared/data)."),
    out: Optional[str] = _OUT_OPT,
    model: Optional[str] = _EVAL_MODEL_OPT,
) -> None:
    """Reader questions ("What dataset do they evaluate on?"...) on dev papers with SciREX entities: hit@1/3."""
    from papercli.eval import reader

    reader.run(data, out, model)


@eval_app.command("needle")
def eval_needle(
    lengths: str = typer.Option("1000,4000,16000,64000,256000,1000000", "--lengths",
                                help="Context lengths in tokens, comma-separated."),
    depths: int = typer.Option(11, "--depths", help="Depths evenly spaced over 0..100%."),
    seeds: int = typer.Option(3, "--seeds"),
    data: Optional[str] = typer.Option(None, "--data", help="papers.jsonl.gz for the filler (dev papers)."),
    out: Optional[str] = _OUT_OPT,
    model: Optional[str] = _EVAL_MODEL_OPT,
) -> None:
    """Recall of a fact placed at depth 0..100% of long contexts, per (length, depth)."""
    from papercli.eval import needle

    try:
        sizes = [int(x) for x in lengths.split(",") if x.strip()]
    except ValueError:
        err(f"--lengths must be comma-separated integers, got {lengths!r}")
        raise typer.Exit(EXIT_FATAL)
    needle.run(data, sizes, depths, seeds, out, model)


# --- train: tokenizer, model, keywords, lexicon, calibrate ---


@train_app.command("tokenizer")
def train_tokenizer_cmd(
    out: str = typer.Option("models/papercli-longnet-small/tokenizer.model", "--out"),
    data: Optional[str] = typer.Option(None, "--data", help="papers.jsonl.gz (default: ../shared/data)."),
    vocab_size: int = typer.Option(16000, "--vocab-size"),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Train the SentencePiece tokenizer on the train split."""
    from papercli.train.tokenizer_corpus import train_corpus_tokenizer

    tok = train_corpus_tokenizer(out, data, vocab_size, seed)
    print(f"tokenizer: {tok.vocab_size} pieces -> {out}", file=sys.stderr)


@train_app.command("model")
def train_model_cmd(
    out: str = typer.Option("runs/small", "--out", help="Run folder: cache, checkpoints (resumed), log."),
    tokenizer: str = typer.Option("models/papercli-longnet-small/tokenizer.model", "--tokenizer"),
    data: Optional[str] = typer.Option(None, "--data", help="papers.jsonl.gz (default: ../shared/data)."),
    steps: int = typer.Option(2000, "--steps", help="All steps, pretraining included."),
    mlm_steps: int = typer.Option(0, "--mlm-steps", help="Masked-token pretraining steps first (0: none)."),
    lr: float = typer.Option(1e-3, "--lr"),
    max_tokens: int = typer.Option(8192, "--max-tokens", help="Context length cap for training examples."),
    seed: int = typer.Option(0, "--seed"),
    limit: Optional[int] = typer.Option(None, "--limit", help="Use only the first N train papers."),
    threads: int = typer.Option(2, "--threads"),
    ckpt_every: int = typer.Option(50, "--ckpt-every"),
    init: Optional[str] = typer.Option(None, "--init", help="Start from this model folder's weights (fine-tune)."),
    question_weight: float = typer.Option(0.0, "--question-weight",
                                          help="Mixture weight of synthetic reader questions on body sentences."),
    soft_labels: float = typer.Option(0.0, "--soft-labels",
                                      help="Share of the summary target from each sentence's n-gram density "
                                           "against the abstract (0: the oracle alone)."),
    summary_weight: float = typer.Option(0.4, "--summary-weight", help="Mixture weight of the summary task."),
) -> None:
    """Train (or resume) the LongNet on the train split; the final model lands in OUT/final."""
    from papercli.train.loop import TrainConfig, train

    final = train(TrainConfig(out=out, tokenizer=tokenizer, data=data, steps=steps, mlm_steps=mlm_steps, lr=lr,
                              max_tokens=max_tokens, seed=seed, limit=limit, threads=threads, ckpt_every=ckpt_every,
                              init=init, question_weight=question_weight, soft_labels=soft_labels,
                              summary_weight=summary_weight))
    print(f"model -> {final}", file=sys.stderr)


@train_app.command("keywords")
def train_keywords_cmd(
    out: str = typer.Option("models/papercli-longnet-small/keywords.json", "--out"),
    data: Optional[str] = typer.Option(None, "--data", help="papers.jsonl.gz (default: ../shared/data)."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Use only N train papers, spread over the split."),
) -> None:
    """Fit the keyword weights for summaries (P(word in the abstract)) on the train split."""
    from papercli.data import iter_records, record_to_document
    from papercli.eval.summarize import spread
    from papercli.keywords import train_keyword_model

    records = spread(list(iter_records(data, split="train")), limit)
    model = train_keyword_model((record_to_document(r), r["abstract"]) for r in records)
    model.save(out)
    print(f"keywords: {len(model.df)} stems from {model.papers} papers -> {out}", file=sys.stderr)


@train_app.command("lexicon")
def train_lexicon_cmd(
    data: Optional[str] = typer.Option(None, "--data", help="papers.jsonl.gz (default: ../shared/data)."),
    pdfs: Optional[str] = typer.Option(None, "--pdfs", help="index.jsonl of the extraction benchmark, whose "
                                       "papers are left out (default: ../shared/pdfs/acl/index.jsonl)."),
) -> None:
    """Count the corpus's word forms (train split) for line-end hyphens: papercli/ingest/words.tsv.gz."""
    import json

    from papercli.data import DEFAULT_DATA, iter_records
    from papercli.ingest import lexicon

    from pathlib import Path

    index = Path(pdfs) if pdfs else DEFAULT_DATA.parent / "pdfs" / "acl" / "index.jsonl"
    benchmark = {json.loads(line)["paper_id"] for line in index.read_text().splitlines() if line.strip()}
    texts = (" ".join([r["title"], r["abstract"]] + [p for s in r["sections"] for p in [s["heading"], *s["paragraphs"]]])
             for r in iter_records(data, split="train") if r["id"] not in benchmark)
    counts = lexicon.count_forms(texts)
    lexicon.save(counts)
    print(f"lexicon: {len(counts)} word forms -> {lexicon.FILE}", file=sys.stderr)


@train_app.command("calibrate")
def train_calibrate_cmd(
    model: str = typer.Option("models/papercli-longnet-small", "--model", help="Model directory to calibrate."),
    papers: int = typer.Option(40, "--papers", help="Dev papers to calibrate on."),
    data: Optional[str] = typer.Option(None, "--data", help="papers.jsonl.gz (default: ../shared/data)."),
) -> None:
    """Calibrate the refusal rule (coverage of the question's words, confidence threshold) on dev papers;
    writes MODEL/calibration.json. Reader questions come from every dev paper with SciREX entities."""
    import json

    from papercli.tasks.engine import Engine
    from papercli.train.calibrate import write_calibration

    print(json.dumps(write_calibration(Engine.load(model, "cpu"), model, papers=papers, data=data), indent=2))
