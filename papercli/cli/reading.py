"""The commands that read papers without the model: `extract` (clean text, Markdown or JSON of each paper, to
stdout, a file or a folder of files) and `info` (title, pages, words, sections, warnings of each paper). Both
read every input with `papercli.ingest`, say one line on stderr for each paper that fails, and go on with the
rest; text for a terminal has the escape sequences of a paper shown escaped.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import typer

from papercli.cli.common import EXIT_FATAL, OUTPUT_SUFFIX, Format, err, exit_for, expand_paths, shown
from papercli.io import to_json


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


def _render(doc, fmt: str) -> str:
    if fmt == "text":
        return doc.to_text()
    if fmt == "md":
        return doc.to_markdown()
    return to_json(doc.to_dict(), indent=None if fmt == "jsonl" else 1) + "\n"


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

    inputs = expand_paths(paths, exclude=output if output and Path(output).is_dir() else None)  # not our outputs
    to_dir = output is not None and (Path(output).is_dir() or output.endswith(("/", os.sep))
                                     or len(inputs) > 1 and not Path(output).suffix)
    if to_dir:
        try:
            Path(output).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            err(f"{output}: cannot create folder ({e.strerror or e})")
            raise typer.Exit(EXIT_FATAL)
        names = output_names(inputs, OUTPUT_SUFFIX[fmt.value], stem=True)  # x.pdf -> x.txt; a/x.pdf, b/x.pdf apart
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
    exit_for(ok, len(inputs))


def info(
    paths: list[str] = typer.Argument(..., help="PDF, .txt or .md files, folders (recursive), or - for stdin."),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text, md, json or jsonl."),
    password: Optional[str] = typer.Option(None, "--password", help="Password of encrypted PDFs."),
) -> None:
    """Title, pages, words, sections, abstract found, warnings of each paper."""
    inputs = expand_paths(paths)
    rows = []
    for path, doc in _load_all(inputs, password, warn=False):  # info shows the warnings itself
        row = {"file": path, "title": doc.title, "authors": doc.authors, "pages": doc.pages,
               "words": doc.word_count(), "sections": [s.heading for s in doc.sections if s.heading],
               "abstract": bool(doc.abstract), "references": len(doc.references), "warnings": doc.warnings}
        rows.append(row)
        title, sections = shown(row["title"] or "(none)"), shown("; ".join(row["sections"]) or "(none)")
        if fmt.value == "text":
            print(f"{shown(path)}\n  title: {title}\n  pages: {row['pages']}  words: {row['words']}"
                  f"  sections: {len(row['sections'])}  abstract: {'yes' if row['abstract'] else 'no'}"
                  f"  references: {row['references']}")
            for w in doc.warnings:
                print(f"  warning: {shown(w)}")
        elif fmt.value == "md":
            if len(rows) > 1:
                print()
            print(f"## {shown(path)}\n\n- title: {title}\n- pages: {row['pages']}\n- words: {row['words']}"
                  f"\n- sections: {sections}\n"
                  f"- abstract: {'yes' if row['abstract'] else 'no'}\n- references: {row['references']}")
            for w in doc.warnings:
                print(f"- warning: {shown(w)}")
        elif fmt.value == "jsonl":
            print(to_json(row))
    if fmt.value == "json" and rows:
        print(to_json(rows[0] if len(inputs) == 1 else rows, indent=1))
    exit_for(len(rows), len(inputs))
