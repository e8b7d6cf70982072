"""Rendering of ask / summarize results: text (rich in a terminal, plain when piped), Markdown, JSON, JSON lines.

Text renderers build rich markup; `emit` prints it styled on a colour terminal and as plain text
otherwise (NO_COLOR set, TERM=dumb, or stdout not a TTY: no escape codes, no hard wrapping).
"""

from __future__ import annotations

import json
import os
import sys
from typing import TextIO

from rich.markup import escape

NOT_FOUND = "Not found in these papers"


def _page(doc: str, page: int) -> str:
    return f"{doc}, p. {page}"


# -- ask -------------------------------------------------------------------------------------------------------

def ask_text(r: dict) -> str:
    lines = [f"[bold]Q:[/bold] {escape(r['question'])}"]
    if r["found"]:
        src = r["source"]
        lines.append(f"[bold green]A:[/bold green] “{escape(r['answer'])}”")
        lines.append(f"   [dim]— {escape(_page(src['document'], src['page']))}  "
                     f"(confidence {r['confidence']:.2f})[/dim]")
        lines.append(f"   [italic]{escape(src['sentence'])}[/italic]")
    else:
        lines.append(f"[bold yellow]{NOT_FOUND}[/bold yellow] [dim](confidence {r['confidence']:.2f} is below "
                     f"the answer threshold)[/dim]")
    if r["evidence"]:
        lines.append("[bold]Evidence[/bold]" + ("" if r["found"] else " [dim](closest sentences, not an answer)[/dim]"))
        for i, e in enumerate(r["evidence"], 1):
            lines.append(f"  {i}. [cyan]{escape(_page(e['document'], e['page']))}[/cyan]  [dim]score {e['score']:.3f}[/dim]")
            lines.append(f"     {escape(e['text'])}")
    return "\n".join(lines) + "\n"


def ask_md(r: dict) -> str:
    out = [f"## Q: {r['question']}", ""]
    if r["found"]:
        src = r["source"]
        out += [f"**Answer:** “{r['answer']}” — *{_page(src['document'], src['page'])}* "
                f"(confidence {r['confidence']:.2f})", "", f"> {src['sentence']}", ""]
    else:
        out += [f"**{NOT_FOUND}** (confidence {r['confidence']:.2f} is below the answer threshold)", ""]
    if r["evidence"]:
        out += ["### Evidence", ""]
        out += [f"{i}. {e['text']} — *{_page(e['document'], e['page'])}*, score {e['score']:.3f}"
                for i, e in enumerate(r["evidence"], 1)]
        out.append("")
    return "\n".join(out) + "\n"


# -- summarize -------------------------------------------------------------------------------------------------

def _facts(r: dict) -> str:
    return (f"{r['document']} · {r['pages']} page{'s' if r['pages'] != 1 else ''} · "
            f"{len(r['sections'])} section{'s' if len(r['sections']) != 1 else ''} · summary {r['words']} words")


def summary_text(r: dict) -> str:
    lines = [f"[bold]{escape(r['title'])}[/bold]", f"[dim]{escape(_facts(r))}[/dim]"]
    if r["sections"]:
        lines.append(f"[dim]Sections: {escape('; '.join(r['sections']))}[/dim]")
    lines.append("")
    if not r["summary"]:
        lines.append("(no body sentences to summarize)")
    for s in r["summary"]:
        lines.append(f"- {escape(s['text'])} [cyan](p. {s['page']})[/cyan]")
    return "\n".join(lines) + "\n"


def summary_md(r: dict) -> str:
    out = [f"# {r['title']}", "", f"*{_facts(r)}*", ""]
    if r["sections"]:
        out += ["Sections: " + "; ".join(r["sections"]), ""]
    out += ["## Summary", ""]
    out += [f"- {s['text']} (p. {s['page']})" for s in r["summary"]] or ["(no body sentences to summarize)"]
    return "\n".join(out) + "\n"


# -- common ----------------------------------------------------------------------------------------------------

_RENDER = {"ask": {"text": ask_text, "md": ask_md}, "summarize": {"text": summary_text, "md": summary_md}}


def render(kind: str, result: dict, fmt: str, plain: bool = True) -> str:
    """One result as text / md / json (indented) / jsonl (one line). Text is plain unless plain=False."""
    if fmt == "json":
        return json.dumps(result, ensure_ascii=False, indent=1) + "\n"
    if fmt == "jsonl":
        return json.dumps(result, ensure_ascii=False) + "\n"
    out = _RENDER[kind][fmt](result)
    if fmt == "text" and plain:
        return to_plain(out)
    return out


def render_many(kind: str, results: list[dict], fmt: str) -> str:
    """Several results as one document (json: a list; text/md: separated by a blank line)."""
    if fmt == "json":
        return json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False, indent=1) + "\n"
    sep = "" if fmt == "jsonl" else "\n"
    return sep.join(render(kind, r, fmt) for r in results)


def to_plain(markup: str) -> str:
    from rich.text import Text

    return Text.from_markup(markup).plain


def styled_terminal(stream: TextIO = sys.stdout) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def emit(kind: str, result: dict, fmt: str, stream: TextIO | None = None) -> None:
    """Print one result to stdout: styled text in a colour terminal, plain bytes everywhere else."""
    stream = stream or sys.stdout
    if fmt == "text" and styled_terminal(stream):
        from rich.console import Console

        Console(file=stream, highlight=False).print(_RENDER[kind]["text"](result), end="")
    else:
        stream.write(render(kind, result, fmt))
    stream.flush()
