"""What every papercli command shares: the exit codes, the --format and --device choices, the one-line error
report on stderr (`err`, with control characters of file names shown escaped), the expansion of path
arguments into input files, the exit code for a run where some inputs failed, and the options of the commands
that load the model (ask, summarize, bench e2e). Nothing here imports torch or the model, so that --help stays
fast.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from typing import Optional

import typer

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


def shown(text: str) -> str:
    """`text` for one line of a terminal: control characters and line breaks (of file names) shown escaped."""
    from papercli.io import printable

    return printable(text).replace("\n", "\\n")


def err(msg: str) -> None:
    """One line on stderr, no traceback."""
    print(f"papercli: {shown(msg)}", file=sys.stderr, flush=True)


said_interrupted = False  # a command has said how far it got: `main` adds no second "interrupted" line


def say_interrupted(msg: str) -> None:
    """`err(msg)` for a command that stops on Ctrl-C after saying how far it got."""
    global said_interrupted
    said_interrupted = True
    err(msg)


# --format -> the suffix of its output files (extract -o FOLDER, summarize -o)
OUTPUT_SUFFIX = {"text": ".txt", "md": ".md", "json": ".json", "jsonl": ".jsonl"}


def expand_paths(paths: list[str], exclude: Optional[str] = None) -> list[str]:
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


def exit_for(ok: int, total: int) -> None:
    """Exit 1 when some of the `total` inputs failed, 2 when all of them did; return when none did."""
    if ok < total:
        raise typer.Exit(EXIT_PARTIAL if ok else EXIT_FATAL)


# --- the options of the commands that load the model: ask, summarize, bench e2e ---

MODEL_OPTION = typer.Option(None, "--model", help="Model directory (default: $PAPERCLI_MODEL, else the shipped "
                                                  "model).")
DEVICE_OPTION = typer.Option(Device.auto, "--device", help="auto: CUDA when available, else CPU.")
MAX_TOKENS_OPTION = typer.Option(1_500_000, "--max-tokens", min=1,
                                 help="Refuse contexts longer than this many tokens (memory guard).")
NO_CACHE_OPTION = typer.Option(False, "--no-cache", help="Neither read nor write the cache of extracted papers "
                                                         "and token ids ($PAPERCLI_CACHE_DIR, else "
                                                         "$XDG_CACHE_HOME/papercli).")
PASSWORD_OPTION = typer.Option(None, "--password", help="Password of encrypted PDFs (never cached).")
