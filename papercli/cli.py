"""papercli command line: thin Typer commands over the library.

Results go to stdout, progress and logs to stderr. Exit codes: 0 ok, 1 partial failure, 2 usage or fatal.
Heavy imports (torch, the model) happen inside the commands that need them, so --help stays fast.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Optional

import typer

from papercli import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Read research papers with a small LongNet model: grounded summaries and answers over whole "
                       "papers, extraction of clean text. Results on stdout, progress and logs on stderr; exit codes "
                       "0 ok, 1 some inputs failed, 2 usage or fatal error, 130 interrupted.")
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks: each prints ratios against a baseline run in the same process.")
eval_app = typer.Typer(no_args_is_help=True, help="Quality evaluation against baselines on real papers.")
app.add_typer(bench_app, name="bench")
app.add_typer(eval_app, name="eval")

EXIT_OK, EXIT_PARTIAL, EXIT_FATAL, EXIT_INTERRUPTED = 0, 1, 2, 130


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class Format(str, Enum):
    text = "text"
    md = "md"
    json = "json"
    jsonl = "jsonl"


def _shown(text: str) -> str:
    """`text` for one line of a terminal: control characters and line breaks (of file names) shown escaped."""
    from papercli.io import printable

    return printable(text).replace("\n", "\\n")


def err(msg: str) -> None:
    """One line on stderr, no traceback."""
    print(f"papercli: {_shown(msg)}", file=sys.stderr, flush=True)


_said_interrupted = False  # a command has said how far it got: `main` adds no second "interrupted" line


def _interrupted(msg: str) -> None:
    global _said_interrupted
    _said_interrupted = True
    err(msg)


def _version(value: bool) -> None:
    if value:
        print(f"papercli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                                 help="Show the version and exit.")) -> None:
    """Read research papers with a small LongNet model: grounded summaries and answers, no chunking."""


# --- commands are added below, one block per command ---


# --- ingest: extract, info, bench extract ---

_EXT = {"text": ".txt", "md": ".md", "json": ".json", "jsonl": ".jsonl"}


def _expand(paths: list[str], exclude: Optional[str] = None) -> list[str]:
    """The inputs, folders expanded (`papercli.ingest.expand_inputs`); one line says which files of a folder
    were left out as papercli's own outputs. A bad PAPERCLI_MAX_MB / _PAGES is a usage error (exit 2)."""
    from papercli.ingest import LimitError, check_limits, expand_inputs

    try:
        check_limits()
    except LimitError as e:
        err(str(e))
        raise typer.Exit(EXIT_FATAL)
    skipped: list[str] = []
    inputs = expand_inputs(paths, exclude=exclude, skipped=skipped)
    if len(skipped) == 1:
        err(f"skipped 1 file that looks like a papercli output ({os.path.basename(skipped[0])}); name it to read it")
    elif skipped:
        names = ", ".join(os.path.basename(f) for f in skipped[:3]) + (", ..." if len(skipped) > 3 else "")
        err(f"skipped {len(skipped)} files that look like papercli outputs ({names}); name them to read them")
    return inputs


def _to_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _load_all(paths: list[str], password: Optional[str], warn: bool = True):
    """Yield (path, Document) for every readable input (already expanded); one error line per failing one,
    and (`warn`) one per warning of a document read ("page 3: no text layer (scanned?)")."""
    from papercli.ingest import IngestError, load_document

    for path in paths:
        try:
            doc = load_document(path, password)
        except IngestError as e:
            err(str(e))
            continue
        for warning in doc.warnings if warn else ():
            err(f"{path}: warning: {warning}")
        yield path, doc


def _overwrites_input(target, inputs: list[str]) -> bool:
    """True when writing `target` would replace one of the input files."""
    from pathlib import Path

    t = Path(target)
    return t.is_file() and any(p != "-" and Path(p).is_file() and t.samefile(p) for p in inputs)


def _exit_for(ok: int, total: int) -> None:
    if ok < total:
        raise typer.Exit(EXIT_PARTIAL if ok else EXIT_FATAL)


def _render(doc, fmt: str) -> str:
    import json

    if fmt == "text":
        return doc.to_text()
    if fmt == "md":
        return doc.to_markdown()
    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=None if fmt == "jsonl" else 1) + "\n"


@app.command()
def extract(
    paths: list[str] = typer.Argument(..., help="PDF, .txt or .md files, folders (recursive), or - for stdin."),
    fmt: Format = typer.Option(Format.text, "--format", "-f",
                               help="text: clean text (no references); md: Markdown with headings and "
                                    "references; json/jsonl: full structure with pages. Text and Markdown "
                                    "shown in a terminal have control characters escaped (\\xNN); files and "
                                    "pipes get them as they are."),
    output: Optional[str] = typer.Option(None, "--output", "-o",
                                         help="Output file, or folder (one file per input) when it is a "
                                              "folder, ends with /, or has no suffix and there are several "
                                              "inputs."),
    password: Optional[str] = typer.Option(None, "--password", help="Password of encrypted PDFs."),
) -> None:
    """Extract clean text, Markdown or JSON (sentences with pages) from papers."""
    from pathlib import Path

    from papercli.io import output_names, printable, write_atomic

    inputs = _expand(paths, exclude=output if output and Path(output).is_dir() else None)  # not our outputs
    to_dir = output is not None and (Path(output).is_dir() or output.endswith(("/", os.sep))
                                     or len(inputs) > 1 and not Path(output).suffix)
    if to_dir:
        try:
            Path(output).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            err(f"{output}: cannot create folder ({e.strerror or e})")
            raise typer.Exit(EXIT_FATAL)
        names = output_names(inputs, _EXT[fmt.value], stem=True)  # x.pdf -> x.txt; a/x.pdf, b/x.pdf apart
    elif output is not None and _overwrites_input(output, inputs):
        err(f"{output}: is one of the inputs; choose another -o")
        raise typer.Exit(EXIT_FATAL)
    rendered, ok = [], 0
    for path, doc in _load_all(inputs, password):
        text = _render(doc, fmt.value)
        if to_dir:
            target = Path(output) / names[path]
            if _overwrites_input(target, inputs):
                err(f"{target}: is one of the inputs; not overwritten")
                continue
            try:
                write_atomic(target, text)
            except OSError as e:
                err(f"{target}: cannot write ({e.strerror or e})")
                continue
        else:
            rendered.append(text)
        ok += 1
    if rendered:
        sep = "" if fmt.value in ("json", "jsonl") else "\n"
        out = sep.join(rendered)
        if fmt.value == "json" and len(inputs) > 1:
            out = "[\n" + ",\n".join(t.rstrip("\n") for t in rendered) + "\n]\n"
        if output:
            try:
                write_atomic(output, out)
            except OSError as e:
                err(f"{output}: cannot write ({e.strerror or e})")
                raise typer.Exit(EXIT_FATAL)
        elif fmt.value in ("text", "md") and _to_terminal():  # no escape sequence of a paper reaches the terminal
            sys.stdout.write(printable(out))
        else:
            sys.stdout.write(out)
    _exit_for(ok, len(inputs))


@app.command()
def info(
    paths: list[str] = typer.Argument(..., help="PDF, .txt or .md files, folders (recursive), or - for stdin."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, md, json or jsonl."),
    password: Optional[str] = typer.Option(None, "--password", help="Password of encrypted PDFs."),
) -> None:
    """Title, pages, words, sections, abstract found, warnings of each paper."""
    import json

    inputs = _expand(paths)
    rows = []
    for path, doc in _load_all(inputs, password, warn=False):  # info shows the warnings itself
        row = {"file": path, "title": doc.title, "authors": doc.authors, "pages": doc.pages,
               "words": doc.word_count(), "sections": [s.heading for s in doc.sections if s.heading],
               "abstract": bool(doc.abstract), "references": len(doc.references), "warnings": doc.warnings}
        rows.append(row)
        title, sections = _shown(row["title"] or "(none)"), _shown("; ".join(row["sections"]) or "(none)")
        if fmt.value == "text":
            print(f"{_shown(path)}\n  title: {title}\n  pages: {row['pages']}  words: {row['words']}"
                  f"  sections: {len(row['sections'])}  abstract: {'yes' if row['abstract'] else 'no'}"
                  f"  references: {row['references']}")
            for w in doc.warnings:
                print(f"  warning: {_shown(w)}")
        elif fmt.value == "md":
            if len(rows) > 1:
                print()
            print(f"## {_shown(path)}\n\n- title: {title}\n- pages: {row['pages']}\n- words: {row['words']}"
                  f"\n- sections: {sections}\n"
                  f"- abstract: {'yes' if row['abstract'] else 'no'}\n- references: {row['references']}")
            for w in doc.warnings:
                print(f"- warning: {_shown(w)}")
        elif fmt.value == "jsonl":
            print(json.dumps(row, ensure_ascii=False))
    if fmt.value == "json" and rows:
        print(json.dumps(rows[0] if len(inputs) == 1 else rows, ensure_ascii=False, indent=1))
    _exit_for(len(rows), len(inputs))


@bench_app.command("extract")
def bench_extract(
    limit: Optional[int] = typer.Option(None, "--limit", help="Only the first N papers of index.jsonl."),
) -> None:
    """PDF body-text recall/precision and pages/s: papercli against raw PyMuPDF on the ACL PDFs."""
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "extraction.py"
    if not script.exists():
        err(f"{script}: not found (run from a source checkout)")
        raise typer.Exit(EXIT_FATAL)
    spec = importlib.util.spec_from_file_location("papercli_bench_extraction", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    args = [] if limit is None else ["--limit", str(limit)]
    raise typer.Exit(module.main(args))


# --- bench attention ---


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


# --- train: tokenizer, model, keywords, lexicon, calibrate ---

train_app = typer.Typer(no_args_is_help=True, help="Train on the corpus: the tokenizer, the LongNet model, the "
                                                    "summary keyword weights, the refusal calibration and the "
                                                    "hyphenation lexicon.")
app.add_typer(train_app, name="train")


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


# --- eval: summarize, qa, reader, needle ---

_MODEL_OPT = typer.Option(None, "--model", help="Model directory (default: the shipped model, if any).")
_OUT_OPT = typer.Option(None, "--out", help="Directory for the JSON results and the PNG chart.")


@eval_app.command("summarize")
def eval_summarize(
    data: Optional[str] = typer.Option(None, "--data", help="papers.jsonl.gz (default: ../shared/data)."),
    split: str = typer.Option("dev", "--split"),
    words: int = typer.Option(200, "--words", help="Word budget of every summary."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Evaluate N papers spread evenly over the split."),
    train_papers: int = typer.Option(400, "--train-papers", help="Train papers for the feature baseline (0: none)."),
    out: Optional[str] = _OUT_OPT,
    model: Optional[str] = _MODEL_OPT,
) -> None:
    """ROUGE of every system's summary against the abstract and the human summaries."""
    from papercli.eval import summarize

    summarize.run(data, split, words, limit, train_papers, out, model)


@eval_app.command("qa")
def eval_qa(
    data: Optional[str] = typer.Option(None, "--data", help="covidqa-dev.jsonl (default: ../shared/data)."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Evaluate the first N questions only."),
    out: Optional[str] = _OUT_OPT,
    model: Optional[str] = _MODEL_OPT,
) -> None:
    """Answer EM / F1 and evidence hit@1/3 on COVID-QA, BM25 against the model."""
    from papercli.eval import qa

    qa.run(data, limit, out, model)


@eval_app.command("reader")
def eval_reader(
    data: Optional[str] = typer.Option(None, "--data", help="papers.jsonl.gz (default: ../shared/data)."),
    out: Optional[str] = _OUT_OPT,
    model: Optional[str] = _MODEL_OPT,
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
    model: Optional[str] = _MODEL_OPT,
) -> None:
    """Recall of a fact placed at depth 0..100% of long contexts, per (length, depth)."""
    from papercli.eval import needle

    try:
        sizes = [int(x) for x in lengths.split(",") if x.strip()]
    except ValueError:
        err(f"--lengths must be comma-separated integers, got {lengths!r}")
        raise typer.Exit(EXIT_FATAL)
    needle.run(data, sizes, depths, seeds, out, model)


# --- tasks: ask, summarize, bench e2e ---


_TASK_MODEL_OPT = typer.Option(None, "--model", help="Model directory (default: $PAPERCLI_MODEL, else the shipped "
                                                     "model).")
_TASK_DEVICE_OPT = typer.Option(Device.auto, "--device", help="auto: CUDA when available, else CPU.")
_TASK_MAX_TOKENS_OPT = typer.Option(1_500_000, "--max-tokens", min=1,
                                    help="Refuse contexts longer than this many tokens (memory guard).")
_TASK_NO_CACHE_OPT = typer.Option(False, "--no-cache", help="Neither read nor write the cache of extracted papers "
                                                            "and token ids ($PAPERCLI_CACHE_DIR, else "
                                                            "$XDG_CACHE_HOME/papercli).")
_TASK_PASSWORD_OPT = typer.Option(None, "--password", help="Password of encrypted PDFs (never cached).")


def _task_engine(model: Optional[str], device: Device):
    """The model for ask / summarize; any failure to load it is one error line and EXIT_FATAL (the
    evaluations' `eval.load_engine` instead goes on without a model)."""
    from papercli.tasks.engine import Engine

    try:
        return Engine.load(model, device.value)
    except Exception as e:  # missing or damaged files: safetensors, sentencepiece and json raise their own types
        err(f"cannot load the model: {e}")
        raise typer.Exit(EXIT_FATAL)


@app.command()
def ask(
    args: Optional[list[str]] = typer.Argument(None, metavar="PATH... QUESTION",
                                               help="Papers (PDF, .txt, .md, folders, - for stdin), then the "
                                                    "question; with --questions every argument is a path."),
    questions: Optional[str] = typer.Option(None, "--questions", "-q",
                                            help="File with one question a line, or JSON lines with a "
                                                 "\"question\" field (- for stdin); the papers are read once, "
                                                 "one JSON line per question by default."),
    top_k: int = typer.Option(3, "--top-k", "-k", min=1, help="Evidence sentences to show."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f",
                                         help="text (default), md, json, jsonl (default with --questions)."),
    model: Optional[str] = _TASK_MODEL_OPT,
    device: Device = _TASK_DEVICE_OPT,
    max_tokens: int = _TASK_MAX_TOKENS_OPT,
    no_cache: bool = _TASK_NO_CACHE_OPT,
    password: Optional[str] = _TASK_PASSWORD_OPT,
) -> None:
    """Answer a question from all the papers read at once: a quoted span with its page, or "not found"."""
    from pathlib import Path

    from papercli.cache import Cache
    from papercli.tasks import ask as task
    from papercli.tasks import render

    args = list(args or [])
    usage = 'usage: papercli ask PATH... "QUESTION"   or   papercli ask PATH... --questions FILE'
    if questions is None:
        if len(args) < 2:
            err(f"missing {'QUESTION' if args else 'PATH and QUESTION'}; {usage}")
            raise typer.Exit(EXIT_FATAL)
        paths, qs, extras, failed_questions = args[:-1], [args[-1]], [{}], 0
        if not qs[0].strip():
            err(f"empty question; {usage}")
            raise typer.Exit(EXIT_FATAL)
        if qs[0] == "-" or (Path(qs[0]).exists() and not qs[0].rstrip().endswith("?")):
            err(f"the last argument must be the question, got the path {qs[0]!r}; {usage}")
            raise typer.Exit(EXIT_FATAL)
    else:
        paths = args
        if not paths:
            err(f"missing PATH; {usage}")
            raise typer.Exit(EXIT_FATAL)
        if questions == "-" and "-" in paths:
            err("stdin (-) cannot hold both a paper and the questions")
            raise typer.Exit(EXIT_FATAL)
        from papercli.ingest import IngestError

        try:
            items, problems = task.read_questions(questions)
            qs, extras = [q for q, _ in items], [extra for _, extra in items]
        except OSError as e:
            err(f"{questions}: cannot read questions ({e.strerror or e})")
            raise typer.Exit(EXIT_FATAL)
        except IngestError as e:
            err(f"{questions}: cannot read questions ({e.reason})")
            raise typer.Exit(EXIT_FATAL)
        for problem in problems:
            err(f"{questions}: {problem}")
        failed_questions = len(problems)
        if not qs:
            err(f"{questions}: no questions (one question a line, or JSON lines with a \"question\")")
            raise typer.Exit(EXIT_FATAL)
    out_fmt = (fmt.value if fmt else ("jsonl" if questions is not None else "text"))

    inputs = _expand(paths)
    cache = Cache(enabled=not no_cache)
    papers, failed = task.load_papers(inputs, password, cache, err, with_abstract=True)
    if not papers:
        err("no readable papers")
        raise typer.Exit(EXIT_FATAL)
    engine = _task_engine(model, device)
    tokens = task.encode_papers(engine, papers, cache)
    try:
        task.check_budget(tokens, max_tokens, "these papers" if len(papers) > 1 else papers[0].path)
    except task.TooManyTokens as e:
        err(str(e))
        raise typer.Exit(EXIT_FATAL)
    results = []
    for n, r in enumerate(task.ask_many(engine, papers, qs, top_k)):
        r.update((k, v) for k, v in extras[n].items() if k not in r)  # e.g. the "id" of a JSON question line
        if out_fmt == "json" and len(qs) > 1:
            results.append(r)
            continue
        if n and out_fmt in ("text", "md"):
            sys.stdout.write("\n")
        render.emit("ask", r, out_fmt)
    if results:
        sys.stdout.write(render.render_many(results))
    if failed or failed_questions:
        raise typer.Exit(EXIT_PARTIAL)


_STAMPS = ".papercli-summarize.json"  # in a `summarize -o` folder: {"outputs": {file name: _summary_stamp}}
_MODEL_FILES = ("model.safetensors", "config.json", "tokenizer.model", "keywords.json")  # what summaries use


def _summary_stamp(fmt: str, sentences: Optional[int], words: Optional[int], model: Optional[str]) -> str:
    """Short hash of what a summary depends on besides its paper: format, length, and the model (its folder,
    and the size and mtime of the files summaries use)."""
    import hashlib
    import json

    from papercli.tasks.engine import find_model_dir

    try:
        d = find_model_dir(model).resolve()
        used = [str(d), {f.name: [f.stat().st_size, f.stat().st_mtime_ns] for f in map(d.joinpath, _MODEL_FILES)
                         if f.exists()}]
    except OSError:  # no model: loading it says so
        used = None
    options = {"format": fmt, "sentences": sentences, "words": words, "model": used}
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()[:16]


def _read_stamps(folder: str) -> dict[str, str]:
    """Output file name -> the stamp it was made with, from the folder's sidecar ({} when missing or damaged)."""
    import json
    from pathlib import Path

    try:
        outputs = json.loads((Path(folder) / _STAMPS).read_text(encoding="utf-8"))["outputs"]
        return {name: stamp for name, stamp in outputs.items() if isinstance(stamp, str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write_stamps(folder: str, stamps: dict[str, str]) -> None:
    from pathlib import Path

    from papercli.io import write_json

    try:
        write_json(Path(folder) / _STAMPS, {"outputs": stamps})
    except OSError:  # the outputs are then redone next time
        pass


@app.command()
def summarize(
    paths: list[str] = typer.Argument(..., help="PDF, .txt or .md files, folders (recursive), or - for stdin."),
    output: Optional[str] = typer.Option(None, "--output", "-o",
                                         help="Folder for the summaries, one file per paper named after it "
                                              "(paper.pdf.txt, .md, .json or .jsonl); without it, summaries go "
                                              "to stdout."),
    sentences: Optional[int] = typer.Option(None, "--sentences", "-n", min=1, help="Summary length in sentences."),
    words: Optional[int] = typer.Option(None, "--words", "-w", min=1,
                                        help="Summary length in words (default 200, the evaluation budget)."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, md, json or jsonl."),
    force: bool = typer.Option(False, "--force", help="Redo papers whose output file is newer than the paper and "
                                                      "made with the same options and model (they are skipped "
                                                      "otherwise)."),
    model: Optional[str] = _TASK_MODEL_OPT,
    device: Device = _TASK_DEVICE_OPT,
    max_tokens: int = _TASK_MAX_TOKENS_OPT,
    no_cache: bool = _TASK_NO_CACHE_OPT,
    password: Optional[str] = _TASK_PASSWORD_OPT,
) -> None:
    """Summarize each paper from its most salient sentences, in paper order, each with its page."""
    from pathlib import Path

    from tqdm import tqdm

    from papercli.cache import Cache
    from papercli.io import output_names, write_atomic
    from papercli.tasks import ask as task
    from papercli.tasks import render
    from papercli.tasks import summarize as summ

    if sentences is not None and words is not None:
        err("give --sentences or --words, not both")
        raise typer.Exit(EXIT_FATAL)
    inputs = _expand(paths, exclude=output)  # earlier summaries in an input folder are no input
    batch = len(inputs) > 1 or any(p != "-" and Path(p).is_dir() for p in paths)
    targets: dict[str, Path] = {}
    if output is not None:
        if Path(output).exists() and not Path(output).is_dir():
            err(f"{output}: not a folder (-o takes a folder, one file per paper)")
            raise typer.Exit(EXIT_FATAL)
        try:
            Path(output).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            err(f"{output}: cannot create folder ({e.strerror or e})")
            raise typer.Exit(EXIT_FATAL)
        names = output_names(inputs, _EXT[fmt.value])
        targets = {p: Path(output) / names[p] for p in inputs}
        stamp, stamps = _summary_stamp(fmt.value, sentences, words, model), _read_stamps(output)

    def up_to_date(p: str) -> bool:  # like make: an output older than its paper, or made otherwise, is redone
        try:
            return (p != "-" and stamps.get(targets[p].name) == stamp
                    and targets[p].stat().st_mtime >= Path(p).stat().st_mtime)
        except OSError:
            return False

    todo = [p for p in inputs if force or p not in targets or not up_to_date(p)]
    skipped = len(inputs) - len(todo)
    cache = Cache(enabled=not no_cache)
    engine, done, failed, collected = None, 0, 0, []

    bar = tqdm(todo, file=sys.stderr, unit="paper", desc="summarize", disable=None if batch else True,
               dynamic_ncols=True)

    def report(msg: str) -> None:
        if bar.disable:
            err(msg)
        else:
            tqdm.write(f"papercli: {_shown(msg)}", file=sys.stderr)

    def write_collected() -> None:  # the JSON document of the summaries kept for the end
        if collected:
            sys.stdout.write(render.render_many(collected, as_list=len(inputs) > 1))
            sys.stdout.flush()

    try:
        for path in bar:
            papers, bad = task.load_papers([path], password, cache, report)
            if bad:
                failed += 1
                continue
            paper = papers[0]
            if next(paper.doc.body_sentences(), None) is None:  # headings only: nothing to summarize
                report(f"{path}: no body text to summarize")
                failed += 1
                continue
            try:
                if engine is None:
                    engine = _task_engine(model, device)
                tokens = task.encode_papers(engine, [paper], cache)
                task.check_budget(tokens, max_tokens, path)
                result = summ.summarize(engine, paper, words, sentences)
            except typer.Exit:
                bar.close()
                raise
            except task.TooManyTokens as e:
                report(str(e))
                failed += 1
                continue
            except Exception as e:  # one bad paper must not stop a batch
                report(f"{path}: summarization failed ({type(e).__name__}: {e})")
                failed += 1
                continue
            if path in targets:
                try:
                    write_atomic(targets[path], render.render("summarize", result, fmt.value))
                except OSError as e:
                    report(f"{targets[path]}: cannot write ({e.strerror or e})")
                    failed += 1
                    continue
                stamps[targets[path].name] = stamp
                _write_stamps(output, stamps)
            elif fmt.value == "json":
                collected.append(result)
            else:
                if done and fmt.value in ("text", "md"):
                    sys.stdout.write("\n")
                render.emit("summarize", result, fmt.value)
            done += 1
    except KeyboardInterrupt:  # write what is done, say how far the batch got, then stop as interrupted
        bar.close()
        write_collected()
        _interrupted(f"summarize: interrupted: {done} succeeded, {failed} failed, {skipped} skipped, "
                     f"{len(todo) - done - failed} not done" + (f" -> {output}" if output is not None else ""))
        raise
    bar.close()
    write_collected()
    if batch or output is not None:
        where = f" -> {output}" if output is not None else ""
        why = (" (their output files are newer than the papers and made with the same options; --force writes "
               "them again)") if skipped else ""
        err(f"summarize: {done} succeeded, {failed} failed, {skipped} skipped{why}{where}")
    _exit_for(done + skipped, len(inputs))


@bench_app.command("e2e")
def bench_e2e_cmd(
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    sizes: str = typer.Option("100000,1000000", "--sizes",
                              help="Token targets of the repeated-samples collections, comma-separated."),
    model: Optional[str] = _TASK_MODEL_OPT,
    device: Device = _TASK_DEVICE_OPT,
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


def _kind(e: BaseException) -> set[str]:
    """Class names of an exception and its bases (typer may bring its own copy of click's exceptions)."""
    return {c.__name__ for c in type(e).__mro__}


def main() -> None:
    """The console script: usage errors are one line on stderr (exit 2), like every other error. Ctrl-C
    says "interrupted" (exit 130); a closed pipe (`papercli extract x.pdf | head`) ends papercli quietly,
    as it ends `cat` (SIGPIPE, exit 141)."""
    global _said_interrupted
    import signal

    from papercli.io import one_line

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if os.environ.get("NO_COLOR"):
        os.environ["TERM"] = "dumb"  # rich (help) then prints no escape codes at all
    _said_interrupted = False
    try:
        code = app(prog_name="papercli", standalone_mode=False)  # typer turns Ctrl-C into 130, silently
    except (KeyboardInterrupt, typer.Abort):
        code = EXIT_INTERRUPTED
    except Exception as e:
        kinds = _kind(e)
        if "UsageError" in kinds:
            ctx = getattr(e, "ctx", None)
            if "NoArgsIsHelpError" not in kinds:  # ("papercli" alone has printed its help) unknown option, bad value...
                err(f"{e.format_message()} (see '{ctx.command_path if ctx else 'papercli'} --help')")
        elif os.environ.get("PAPERCLI_DEBUG"):
            raise
        else:  # an error no command handles (a missing --data file, the GPU out of memory): one line, never a traceback
            err(f"{one_line(e)} (PAPERCLI_DEBUG=1 shows the traceback)")
        code = EXIT_FATAL
    if code == EXIT_INTERRUPTED and not _said_interrupted:
        err("interrupted")
    sys.exit(code if isinstance(code, int) else EXIT_OK)
