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


def main() -> None:
    if os.environ.get("NO_COLOR"):
        os.environ.setdefault("TERM", "dumb")
    try:
        app()
    except KeyboardInterrupt:
        err("interrupted")
        sys.exit(130)
