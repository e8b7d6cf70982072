"""Evaluation harnesses (summaries, COVID-QA, reader questions, needle) and what they share."""

from __future__ import annotations

import sys


def log(msg: str) -> None:
    """Progress of a harness, on stderr."""
    print(msg, file=sys.stderr, flush=True)


def load_engine(model_dir: str | None):
    """The model's Engine (`model_dir` None: the shipped model), or None with a note when there is none."""
    try:
        from papercli.tasks.engine import Engine

        return Engine.load(model_dir, "auto")
    except (ImportError, FileNotFoundError) as e:
        log(f"note: model skipped ({e})")
        return None
