"""The commands that read papers with the model: `ask` (a question, or a file of questions, answered from all
the papers read at once: a quoted span with its page, or "not found") and `summarize` (each paper from its most
salient sentences; with -o, one file per paper, redone only when the paper, the options or the model changed,
which a stamp file in the -o folder records). The model is loaded once per run by `_task_engine`, and only
after the inputs are read, so that a bad path or option fails before the slow part.
"""

from __future__ import annotations

import sys
from typing import Optional

import typer

from papercli.cli.common import (DEVICE_OPTION, EXIT_FATAL, EXIT_PARTIAL, MAX_TOKENS_OPTION, MODEL_OPTION,
                                 NO_CACHE_OPTION, OUTPUT_SUFFIX, PASSWORD_OPTION, Device, Format, err, exit_for,
                                 expand_paths, say_interrupted, shown)


def _task_engine(model: Optional[str], device: Device):
    """The model for ask / summarize; any failure to load it is one error line and EXIT_FATAL (the
    evaluations' `eval.load_engine` instead goes on without a model)."""
    from papercli.tasks.engine import Engine

    try:
        return Engine.load(model, device.value)
    except Exception as e:  # missing or damaged files: safetensors, sentencepiece and json raise their own types
        err(f"cannot load the model: {e}")
        raise typer.Exit(EXIT_FATAL)


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
    model: Optional[str] = MODEL_OPTION,
    device: Device = DEVICE_OPTION,
    max_tokens: int = MAX_TOKENS_OPTION,
    no_cache: bool = NO_CACHE_OPTION,
    password: Optional[str] = PASSWORD_OPTION,
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

    inputs = expand_paths(paths)
    cache = Cache(enabled=not no_cache)
    papers, failed = task.load_papers(inputs, password, cache, err, with_abstract=True)
    if not papers:
        if len(inputs) > 1:  # (one input's own error line says it all)
            err("no readable papers")
        raise typer.Exit(EXIT_FATAL)
    papers = task.distinct(papers, err)
    engine = _task_engine(model, device)
    tokens = task.encode_papers(engine, papers, cache)
    try:
        task.check_budget(tokens, max_tokens, "these papers" if len(papers) > 1 else papers[0].path, note=err)
    except task.TooManyTokens as e:
        err(str(e))
        raise typer.Exit(EXIT_FATAL)
    from tqdm import tqdm

    results = []
    # a bar for many questions whose answers go to a file or pipe (on a terminal they show the progress)
    bar = tqdm(total=len(qs), file=sys.stderr, unit="question", desc="ask",
               disable=True if len(qs) < 2 or sys.stdout.isatty() else None)
    for n, r in enumerate(task.ask_many(engine, papers, qs, top_k)):
        bar.update()
        r.update((k, v) for k, v in extras[n].items() if k not in r)  # e.g. the "id" of a JSON question line
        if out_fmt == "json" and len(qs) > 1:
            results.append(r)
            continue
        if n and out_fmt in ("text", "md"):
            sys.stdout.write("\n")
        render.emit("ask", r, out_fmt)
    bar.close()
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


def summarize(
    paths: list[str] = typer.Argument(..., help="PDF, .txt or .md files, folders (recursive), or - for stdin."),
    output: Optional[str] = typer.Option(None, "--output", "-o",
                                         help="Folder for the summaries, one file per paper named after it "
                                              "(paper.pdf.txt, .md, .json or .jsonl); without it, summaries go "
                                              "to stdout."),
    sentences: Optional[int] = typer.Option(None, "--sentences", "-n", min=1, help="Summary length in sentences."),
    words: Optional[int] = typer.Option(None, "--words", "-w", min=1,
                                        help="Summary length in words (default 200, the evaluation budget): "
                                             "sentences are added until it is reached, so the last one may "
                                             "run past it (never past 1.5 times it unless nothing shorter fits)."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, md, json or jsonl."),
    force: bool = typer.Option(False, "--force", help="Redo papers whose output file is newer than the paper and "
                                                      "made with the same options and model (they are skipped "
                                                      "otherwise)."),
    model: Optional[str] = MODEL_OPTION,
    device: Device = DEVICE_OPTION,
    max_tokens: int = MAX_TOKENS_OPTION,
    no_cache: bool = NO_CACHE_OPTION,
    password: Optional[str] = PASSWORD_OPTION,
) -> None:
    """Summarize each paper from its most salient sentences, in paper order, each with its page."""
    import os
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
    inputs = expand_paths(paths, exclude=output)  # earlier summaries in an input folder are no input
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
        names = output_names(inputs, OUTPUT_SUFFIX[fmt.value])
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

    try:  # the bar goes to stderr: its width is stderr's terminal's, and one that reports 0 columns gets 80
        sized = os.get_terminal_size(sys.stderr.fileno()).columns > 0
    except (OSError, ValueError):
        sized = False
    bar = tqdm(todo, file=sys.stderr, unit="paper", desc="summarize", disable=None if batch else True,
               dynamic_ncols=sized, ncols=None if sized else 80)

    def report(msg: str) -> None:
        if bar.disable:
            err(msg)
        else:
            tqdm.write(f"papercli: {shown(msg)}", file=sys.stderr)

    def write_collected() -> None:  # the JSON document of the summaries kept for the end
        if collected:
            sys.stdout.write(render.render_many(collected, as_list=batch))  # a folder is a batch: a list
            sys.stdout.flush()

    try:
        for path in bar:
            bar.set_postfix_str(shown(Path(path).name), refresh=False)
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
                task.check_budget(tokens, max_tokens, path, note=report)
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
        say_interrupted(f"summarize: interrupted: {done} succeeded, {failed} failed, {skipped} skipped, "
                     f"{len(todo) - done - failed} not done" + (f" -> {output}" if output is not None else ""))
        raise
    bar.close()
    write_collected()
    if batch or output is not None:
        where = f" -> {output}" if output is not None else ""
        why = (" (their output files are newer than the papers and made with the same options; --force writes "
               "them again)") if skipped else ""
        err(f"summarize: {done} succeeded, {failed} failed, {skipped} skipped{why}{where}")
    exit_for(done + skipped, len(inputs))
