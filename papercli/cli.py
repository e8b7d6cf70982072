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

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__.splitlines()[0])
bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks: each prints ratios against a baseline run in the same process.")
eval_app = typer.Typer(no_args_is_help=True, help="Quality evaluation against baselines on real papers.")
app.add_typer(bench_app, name="bench")
app.add_typer(eval_app, name="eval")

EXIT_OK, EXIT_PARTIAL, EXIT_FATAL = 0, 1, 2


class Format(str, Enum):
    text = "text"
    md = "md"
    json = "json"
    jsonl = "jsonl"


def err(msg: str) -> None:
    """One line on stderr, no traceback."""
    print(f"papercli: {msg}", file=sys.stderr, flush=True)


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


def _load_all(paths: list[str], password: Optional[str]):
    """Yield (path, Document) for every readable input; print one line per failing input."""
    from papercli.ingest import IngestError, expand_inputs, load_document

    for path in expand_inputs(paths):
        try:
            yield path, load_document(path, password)
        except IngestError as e:
            err(str(e))
        except OSError as e:
            err(f"{path}: {e.strerror or e}")


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
                                    "references; json/jsonl: full structure with pages."),
    output: Optional[str] = typer.Option(None, "--output", "-o",
                                         help="Output file, or folder (one file per input) when it is a "
                                              "folder, ends with /, or there are several inputs."),
    password: Optional[str] = typer.Option(None, "--password", help="Password of encrypted PDFs."),
) -> None:
    """Extract clean text, Markdown or JSON (sentences with pages) from papers."""
    from pathlib import Path

    from papercli.ingest import expand_inputs
    from papercli.io import write_atomic

    inputs = expand_inputs(paths)
    to_dir = output is not None and (Path(output).is_dir() or output.endswith(("/", os.sep)) or len(inputs) > 1)
    if to_dir:
        Path(output).mkdir(parents=True, exist_ok=True)
    rendered, ok = [], 0
    for path, doc in _load_all(inputs, password):
        text = _render(doc, fmt.value)
        if to_dir:
            name = "stdin" if path == "-" else Path(path).stem
            target = Path(output) / f"{name}{_EXT[fmt.value]}"
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
        if fmt.value == "json" and len(rendered) > 1:
            out = "[\n" + ",\n".join(t.rstrip("\n") for t in rendered) + "\n]\n"
        if output:
            try:
                write_atomic(output, out)
            except OSError as e:
                err(f"{output}: cannot write ({e.strerror or e})")
                raise typer.Exit(EXIT_FATAL)
        else:
            sys.stdout.write(out)
    _exit_for(ok, len(inputs))


@app.command()
def info(
    paths: list[str] = typer.Argument(..., help="PDF, .txt or .md files, folders (recursive), or - for stdin."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text or json."),
    password: Optional[str] = typer.Option(None, "--password", help="Password of encrypted PDFs."),
) -> None:
    """Title, pages, words, sections, abstract found, warnings of each paper."""
    import json

    from papercli.ingest import expand_inputs

    inputs = expand_inputs(paths)
    rows = []
    for path, doc in _load_all(inputs, password):
        row = {"file": path, "title": doc.title, "authors": doc.authors, "pages": doc.pages,
               "words": doc.word_count(), "sections": [s.heading for s in doc.sections if s.heading],
               "abstract": bool(doc.abstract), "references": len(doc.references), "warnings": doc.warnings}
        rows.append(row)
        if fmt.value == "text":
            print(f"{path}\n  title: {row['title'] or '(none)'}\n  pages: {row['pages']}  words: {row['words']}"
                  f"  sections: {len(row['sections'])}  abstract: {'yes' if row['abstract'] else 'no'}"
                  f"  references: {row['references']}")
            for w in doc.warnings:
                print(f"  warning: {w}")
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


class _Device(str, Enum):
    cpu = "cpu"
    cuda = "cuda"


@bench_app.command("attention")
def bench_attention(
    lengths: str = typer.Option("4096,8192,16384,32768,65536,131072,262144,524288,1048576", "--lengths",
                                help="Sequence lengths in tokens, comma-separated."),
    heads: int = typer.Option(4, "--heads"),
    head_dim: int = typer.Option(64, "--head-dim"),
    device: _Device = typer.Option(_Device.cpu, "--device"),
    dtype: Optional[str] = typer.Option(None, "--dtype", help="float32, bfloat16, float16 (default: float32 "
                                        "on cpu, bfloat16 on cuda)."),
    dense_max_s: float = typer.Option(300.0, "--dense-max-s", help="Skip dense runs estimated to take longer."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    plot: Optional[str] = typer.Option(None, "--plot", help="Save a PNG of time and memory against length."),
) -> None:
    """Dilated attention against dense SDPA: seconds, peak memory, GFLOP/s, 4K to 1M tokens."""
    import torch

    from papercli import bench_attention

    if device.value == "cuda" and not torch.cuda.is_available():
        err("--device cuda: CUDA is not available")
        raise typer.Exit(EXIT_FATAL)
    dtype = dtype or ("bfloat16" if device.value == "cuda" else "float32")
    if fmt.value not in ("text", "json") or dtype not in ("float32", "bfloat16", "float16"):
        err("--format must be text or json; --dtype float32, bfloat16 or float16")
        raise typer.Exit(EXIT_FATAL)
    bench_attention.run([int(n) for n in lengths.split(",")], heads, head_dim, device.value, dtype, fmt.value,
                        dense_max_s=dense_max_s, plot=plot)


# --- eval: summarize, qa, needle ---

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


def main() -> None:
    if os.environ.get("NO_COLOR"):
        os.environ.setdefault("TERM", "dumb")
    try:
        app()
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
