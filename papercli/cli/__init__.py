"""papercli command line: thin Typer commands over the library. This package holds the `app`, the table of its
commands and `main`, the console script; the commands themselves are in reading.py (extract, info), tasks.py
(ask, summarize), dev.py (the bench, eval and train groups) and what they share in common.py.

Results go to stdout, progress and logs to stderr. Exit codes: 0 ok, 1 partial failure, 2 usage or fatal (no input read).
Heavy imports (torch, the model) happen inside the commands that need them, so --help stays fast.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import typer

from papercli import __version__
from papercli.cli import common
from papercli.cli.common import EXIT_FATAL, EXIT_INTERRUPTED, EXIT_OK, err
from papercli.cli.dev import bench_app, eval_app, train_app
from papercli.cli.reading import extract, info
from papercli.cli.tasks import ask, summarize

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Read research papers with a small LongNet model: grounded summaries and answers over whole "
                       "papers, extraction of clean text. Results on stdout, progress and logs on stderr; exit codes "
                       "0 ok, 1 some inputs failed, 2 usage or fatal error (also when no input could be read), "
                       "130 interrupted.")


def _version(value: bool) -> None:
    if value:
        print(f"papercli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                                 help="Show the version and exit.")) -> None:
    """Read research papers with a small LongNet model: grounded summaries and answers, no chunking."""


# --- the commands, in the order --help lists them ---

app.command()(extract)
app.command()(info)
app.command()(ask)
app.command()(summarize)
app.add_typer(bench_app, name="bench")
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")


def _kind(e: BaseException) -> set[str]:
    """Class names of an exception and its bases (typer may bring its own copy of click's exceptions)."""
    return {c.__name__ for c in type(e).__mro__}


def main() -> None:
    """The console script: usage errors are one line on stderr (exit 2), like every other error. Ctrl-C
    says "interrupted" (exit 130); a closed pipe (`papercli extract x.pdf | head`) ends papercli quietly,
    as it ends `cat` (SIGPIPE, exit 141)."""
    import signal

    from papercli.io import one_line

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if os.environ.get("NO_COLOR"):
        os.environ["TERM"] = "dumb"  # rich (help) then prints no escape codes at all
    common.said_interrupted = False
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
    if code == EXIT_INTERRUPTED and not common.said_interrupted:
        err("interrupted")
    sys.exit(code if isinstance(code, int) else EXIT_OK)
