"""Rendering of ask / summarize results: text (rich in a terminal, plain when piped), Markdown, JSON, JSON lines.

Text renderers build rich markup (markup=True) or plain text; `emit` prints markup styled on a colour
terminal and plain text otherwise (NO_COLOR set, TERM=dumb, or stdout not a TTY: no escape codes, no hard wrapping).
"""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

from rich.markup import escape

from papercli.io import printable, to_json

NOT_FOUND = "Not found in these papers"


def _page(doc: str, page: int) -> str:
    return f"{doc}, p. {page}"


# -- ask -------------------------------------------------------------------------------------------------------

def _styler(markup: bool):
    """st(text, style): rich markup with the text escaped (control characters too), or the text itself for
    plain output (`render` makes all of it printable)."""
    if not markup:
        return lambda text, style="": text
    return lambda text, style="": f"[{style}]{escape(printable(text))}[/]" if style else escape(printable(text))


def _why_not(r: dict) -> str:
    """Why a question was refused: the papers lack its words (coverage rule), or the model is unsure."""
    if not r.get("covered", True):
        if r.get("closest"):  # several papers: the rule holds paper by paper
            c = r["closest"]
            return (f"no paper mentions enough of its words; the closest, {c['document']}, never mentions: "
                    f"{', '.join(c['missing'])}")
        if not r["missing"]:
            return "the question names nothing to look for; `papercli summarize` tells what a paper is about"
        return f"they never mention: {', '.join(r['missing'])}"
    if r.get("lacks") == "a definition":  # "What does MERT stand for?"
        return "the papers never spell it out, and none of the best evidence sentences uses it"
    if r.get("lacks"):
        return f"none of the best evidence sentences gives {r['lacks']}"
    why = f"confidence {r['confidence']:.2f} is below the answer threshold"
    return why + (f"; not in the papers: {', '.join(r['missing'])}" if r.get("missing") else "")


def _scores(r: dict) -> str:
    """The quoted sentence's own score and the evidence confidence: "(score 0.357; top-3 confidence 0.60)"."""
    return f"(score {r['source']['score']:.3f}; top-3 confidence {r['confidence']:.2f})"


def ask_text(r: dict, markup: bool = False) -> str:
    st = _styler(markup)
    lines = [st("Q:", "bold") + " " + st(r["question"])]
    if r["found"]:
        src = r["source"]
        lines.append(st("A:", "bold green") + " " + st(f"“{r['answer']}”"))
        lines.append("   " + st(f"— {_page(src['document'], src['page'])}  {_scores(r)}", "dim"))
        if r["answer"] != src["sentence"]:  # the quoted span's sentence, unless the answer is all of it
            lines.append("   " + st(src["sentence"], "italic"))
        for e in r.get("also", ()):  # "Which papers ...?": the other papers' best sentences
            lines.append(st("Also:", "bold green") + " " + st(f"“{e['sentence']}”"))
            lines.append("   " + st(f"— {_page(e['document'], e['page'])}  (score {e['score']:.3f})", "dim"))
    else:
        lines.append(st(NOT_FOUND, "bold yellow") + " " + st(f"({_why_not(r)})", "dim"))
    if r["evidence"]:
        lines.append(st("Evidence", "bold") + ("" if r["found"] else " " + st("(closest sentences, not an answer)", "dim")))
        for i, e in enumerate(r["evidence"], 1):
            lines.append(f"  {i}. " + st(_page(e["document"], e["page"]), "cyan") + "  " + st(f"score {e['score']:.3f}", "dim"))
            lines.append("     " + st(e["text"]))
    return "\n".join(lines) + "\n"


def ask_md(r: dict) -> str:
    out = [f"## Q: {r['question']}", ""]
    if r["found"]:
        src = r["source"]
        out += [f"**Answer:** “{r['answer']}” — *{_page(src['document'], src['page'])}* "
                f"{_scores(r)}", ""]
        if r["answer"] != src["sentence"]:
            out += [f"> {src['sentence']}", ""]
        out += [f"**Also:** “{e['sentence']}” — *{_page(e['document'], e['page'])}* (score {e['score']:.3f})"
                for e in r.get("also", ())] + ([""] if r.get("also") else [])
    else:
        out += [f"**{NOT_FOUND}** ({_why_not(r)})", ""]
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


def summary_text(r: dict, markup: bool = False) -> str:
    st = _styler(markup)
    lines = [st(r["title"], "bold"), st(_facts(r), "dim")]
    if r["sections"]:
        lines.append(st("Sections: " + "; ".join(r["sections"]), "dim"))
    lines += [st(f"Warning: {w}", "yellow") for w in r.get("warnings", ())]
    lines.append("")
    if not r["summary"]:
        lines.append("(no body sentences to summarize)")
    for x in r["summary"]:
        lines.append("- " + st(x["text"]) + " " + st(f"(p. {x['page']})", "cyan"))
    return "\n".join(lines) + "\n"


def summary_md(r: dict) -> str:
    out = [f"# {r['title']}", "", f"*{_facts(r)}*", ""]
    if r["sections"]:
        out += ["Sections: " + "; ".join(r["sections"]), ""]
    out += [line for w in r.get("warnings", ()) for line in (f"> Warning: {w}", "")]  # one quote each
    out += ["## Summary", ""]
    out += [f"- {s['text']} (p. {s['page']})" for s in r["summary"]] or ["(no body sentences to summarize)"]
    return "\n".join(out) + "\n"


# -- common ----------------------------------------------------------------------------------------------------

_RENDER = {"ask": {"text": ask_text, "md": ask_md}, "summarize": {"text": summary_text, "md": summary_md}}


def render(kind: str, result: dict, fmt: str) -> str:
    """One result as plain text / md / json (indented) / jsonl (one line)."""
    if fmt == "json":
        return to_json(result, indent=1) + "\n"
    if fmt == "jsonl":
        return to_json(result) + "\n"
    return printable(_RENDER[kind][fmt](result))


def render_many(results: list[dict], as_list: bool = False) -> str:
    """Several results as one JSON document: a list (one result alone unless `as_list`)."""
    return to_json(results[0] if len(results) == 1 and not as_list else results, indent=1) + "\n"


def styled_terminal(stream: TextIO = sys.stdout) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


_HANG = re.compile(r" *(?:(?:[-*]|\d+\.|[QA]:) +)?")  # indent and list marker: where wrapped lines go on


def print_hanging(console, markup: str) -> None:
    """Print rich markup line by line, each wrapped line under the text of its own line: after its indent and
    its list marker ("- ", "1. ", "Q: "), not at the left margin. The markup is parsed whole (a styled file
    name may hold a line break)."""
    from rich.text import Text

    text = Text.from_markup(markup[:-1] if markup.endswith("\n") else markup)
    for line in text.split("\n", allow_blank=True):
        hang = _HANG.match(line.plain).end()
        if not 0 < hang < console.width // 2:
            console.print(line)
            continue
        for i, part in enumerate(line[hang:].wrap(console, console.width - hang)):
            console.print(Text.assemble(line[:hang] if i == 0 else " " * hang, part), soft_wrap=True)


def emit(kind: str, result: dict, fmt: str) -> None:
    """Print one result to stdout: styled text in a colour terminal, plain bytes everywhere else."""
    if fmt == "text" and styled_terminal(sys.stdout):
        from rich.console import Console

        print_hanging(Console(file=sys.stdout, highlight=False), _RENDER[kind]["text"](result, markup=True))
    else:
        sys.stdout.write(render(kind, result, fmt))
    sys.stdout.flush()
