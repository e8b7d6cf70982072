"""Lost in the middle: a synthetic fact at depth 0..100% of long contexts made of real papers.

Recall per (context length, depth) cell: the answer value appears in the system's answer, or its top
evidence sentence is the fact. A control run also puts the question at the start of the context.
"""

from __future__ import annotations

import random
import sys
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np

from papercli.bm25 import BM25
from papercli.data import iter_records, record_to_document
from papercli.features import content_stems
from papercli.eval.metrics import contains_answer
from papercli.eval import load_engine, log
from papercli.ingest.document import Document, Paragraph, Section, Sentence
from papercli.io import write_json
from papercli.selection import body_texts

_ATTRIBUTES = ("calibration constant", "serial number", "reference frequency", "activation threshold",
               "batch code", "cooling coefficient", "firmware version", "registry number", "drift rate",
               "sampling period")
_OBJECTS = ("spectrometer", "reactor", "telescope", "sequencer", "turbine", "antenna array", "centrifuge",
            "interferometer", "collider", "probe")
_ONSETS = ("v", "k", "t", "m", "d", "z", "b", "s", "l", "th", "g", "r", "n", "p")
_VOWELS = ("a", "e", "i", "o", "u")
_CODAS = ("", "", "n", "k", "r", "x", "l", "s")

System = Callable[[Document, str], tuple["str | None", list[int]]]


def _name(rng: random.Random) -> str:
    syllables = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.randint(2, 3))]
    return ("".join(syllables) + rng.choice(_CODAS[2:])).capitalize()


def _value(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return str(rng.randint(10000, 99999))
    if kind == 1:
        return f"{rng.randint(1, 99)}.{rng.randint(100, 999)}"
    return f"{rng.choice('BCDFGHJKLMNPQRSTVWXZ')}{rng.choice('BCDFGHJKLMNPQRSTVWXZ')}-{rng.randint(1000, 9999)}"


def make_needle(rng: random.Random) -> tuple[str, str, str]:
    """(fact sentence, question, answer) about a made-up instrument, e.g.
    ("The calibration constant of the Varnak spectrometer is 48173.", "What is ...?", "48173")."""
    attr, obj, name, value = rng.choice(_ATTRIBUTES), rng.choice(_OBJECTS), _name(rng), _value(rng)
    return (f"The {attr} of the {name} {obj} is {value}.", f"What is the {attr} of the {name} {obj}?", value)


def approx_tokens(text: str) -> float:
    """Token count estimate when no model (and so no tokenizer) is loaded: 1.3 tokens per word."""
    return 1.3 * len(text.split())


def filler_document(docs, tokens: float, count_tokens: Callable[[str], float] = approx_tokens) -> Document:
    """Sections of `docs` (an iterable of Documents) concatenated until about `tokens` tokens."""
    sections, used = [], 0.0
    for doc in docs:
        for sec in doc.sections:
            pars = []
            for par in sec.paragraphs:
                sents = []
                for s in par.sentences:
                    if used >= tokens:
                        break
                    sents.append(s)
                    used += count_tokens(s.text)
                if sents:
                    pars.append(Paragraph(sents))
            if pars:
                sections.append(Section(sec.heading, sec.level, sec.page, pars))
            if used >= tokens:
                return Document(source="needle-context", sections=sections)
    return Document(source="needle-context", sections=sections)


def with_needle(base: Document, fact: str, depth: float, question_first: str | None = None) -> tuple[Document, int]:
    """A copy of `base` with `fact` as the sentence at `depth` (0..1) of the body, and its index.

    With `question_first`, that text is added as the first sentence (the control condition).
    """
    n = sum(1 for _ in base.body_sentences())
    at = round(depth * n)
    sections, k, placed = [], 0, False
    for sec in base.sections:
        pars = []
        for par in sec.paragraphs:
            sents = list(par.sentences)
            if not placed and at <= k + len(sents):
                sents.insert(at - k, Sentence(fact, 1))
                placed = True
            k += len(par.sentences)
            pars.append(Paragraph(sents))
        sections.append(Section(sec.heading, sec.level, sec.page, pars))
    if not placed:
        sections.append(Section("", 1, 1, [Paragraph([Sentence(fact, 1)])]))
    if question_first:
        sections.insert(0, Section("", 1, 1, [Paragraph([Sentence(question_first, 1)])]))
        at += 1
    return Document(source=base.source, sections=sections), at


def bm25_system() -> System:
    """BM25 as a needle system: the top sentence is both the answer and the evidence."""
    tokenize = lru_cache(maxsize=None)(content_stems)  # contexts share their sentences across depths

    def ask(doc: Document, question: str) -> tuple[str | None, list[int]]:
        sents = body_texts(doc)
        ranked = BM25(sents, tokenize=tokenize).rank(question, top=3)
        return (sents[ranked[0][0]] if ranked else None), [i for i, _ in ranked]

    return ask


def model_system(engine) -> System:
    def ask(doc: Document, question: str) -> tuple[str | None, list[int]]:
        res = engine.ask(doc, question)
        return res.answer, [e.index for e in res.evidence]

    return ask


def recalled(answer: str | None, evidence: list[int], value: str, needle_index: int) -> bool:
    return bool(answer and contains_answer(answer, [value])) or (bool(evidence) and evidence[0] == needle_index)


def evaluate(docs: list[Document], systems: dict[str, System], lengths, depths: int = 11, seeds: int = 3,
             count_tokens: Callable[[str], float] = approx_tokens, controls: tuple[str, ...] = ("model",)) -> dict:
    """Recall per system per (length, depth), averaged over seeds.

    Systems named in `controls` also run the question-first control (not BM25: there the question
    sentence itself always ranks first).
    """
    depth_pcts = [round(100 * i / (depths - 1)) if depths > 1 else 0 for i in range(depths)]
    hits: dict[str, list[list[float]]] = {}
    for seed in range(seeds):
        rng = random.Random(seed)
        fact, question, value = make_needle(rng)
        order = docs[:]
        rng.shuffle(order)
        for li, length in enumerate(lengths):
            base = filler_document(order, length - count_tokens(fact), count_tokens)
            for di, pct in enumerate(depth_pcts):
                for control in (False, True):
                    doc, at = with_needle(base, fact, pct / 100, question if control else None)
                    for name, ask in systems.items():
                        if control and name not in controls:
                            continue
                        key = f"{name}+question-first" if control else name
                        grid = hits.setdefault(key, [[0.0] * len(depth_pcts) for _ in lengths])
                        grid[li][di] += recalled(*ask(doc, question), value, at) / seeds
            log(f"needle: seed {seed}, length {length} done")
    return {"lengths": list(lengths), "depths": depth_pcts, "seeds": seeds, "recall": hits}


def print_table(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=sys.stdout, width=120)
    for name, grid in result["recall"].items():
        t = Table(title=f"needle recall, {name} ({result['seeds']} seeds); columns: depth %")
        t.add_column("tokens", justify="right")
        for d in result["depths"]:
            t.add_column(str(d), justify="right")
        t.add_column("mean", justify="right")
        for length, row in zip(result["lengths"], grid):
            t.add_row(f"{length:,}", *(f"{v:.2f}" for v in row), f"{sum(row) / len(row):.2f}")
        console.print(t)


def plot(result: dict, path: Path) -> bool:
    """One recall heatmap (length x depth) per system; False when matplotlib is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    names = list(result["recall"])
    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names) + 1, 0.5 * len(result["lengths"]) + 2),
                             squeeze=False, layout="constrained")
    for ax, name in zip(axes[0], names):
        grid = result["recall"][name]
        im = ax.imshow(grid, vmin=0, vmax=1, cmap="RdYlGn", aspect="auto")
        for (i, j), v in np.ndenumerate(np.array(grid)):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7)
        ax.set_xticks(range(len(result["depths"])), result["depths"])
        ax.set_yticks(range(len(result["lengths"])), [f"{n:,}" for n in result["lengths"]])
        ax.set_xlabel("depth %")
        ax.set_ylabel("context tokens")
        ax.set_title(name)
    fig.colorbar(im, ax=axes[0].tolist(), label="recall")
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def run(data: str | None, lengths, depths: int, seeds: int, out: str | None, model_dir: str | None) -> dict:
    """The `papercli eval needle` command: dev papers as filler, BM25 and (if present) the model."""
    count_tokens = approx_tokens
    systems = {"bm25": bm25_system()}
    engine = load_engine(model_dir)
    if engine is not None:
        systems["model"] = model_system(engine)
        count_tokens = lambda text: len(engine.tok.encode(text))  # noqa: E731
    need = max(lengths) / 1.3 * 1.1  # words of filler needed, with a margin
    docs, words = [], 0
    for rec in iter_records(data, split="dev"):
        docs.append(record_to_document(rec))
        words += len(docs[-1].body_text().split())
        if words >= need and len(docs) >= 20:
            break
    if words < need:
        log(f"note: dev papers hold ~{words:,} words, contexts of {max(lengths):,} tokens will be shorter")
    result = evaluate(docs, systems, lengths, depths, seeds, count_tokens)
    print_table(result)
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        write_json(Path(out) / "needle.json", result)
        plot(result, Path(out) / "needle.png")
    return result
