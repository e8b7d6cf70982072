"""`papercli ask`: every input in one context, one forward pass per question, grounded answer or refusal.

The result of a question is a plain dict (the JSON schema of the command):
    {"question", "answer": str|None, "found": bool,
     "confidence": float (the model's probability mass on its top three evidence sentences; also given for a
                          refusal, which papers lacking the question's words get however high it is: read "found"),
     "source": {"document", "page", "sentence", "score" (the model's probability that this sentence answers,
                as in "evidence": a quote from a sentence it ranked low has a low score)} | None,
     "evidence": [{"document", "page", "text", "score"}, ...],
     "missing": [question words that no paper mentions, ...],
     "covered": bool (the papers mention enough of the question's content words, and every name it asks about),
     "lacks": str|None (a refusal because none of the ten best quotable sentences holds what the question asks
                        for: "a number" for "How many ...?"; or "a definition" for "What does X stand for?"
                        when the papers never spell X out and none of those sentences uses it),
     "closest": {"document", "missing"}|None (a refusal of several papers because none mentions enough of the
                question's words: the paper that mentions most, and the words it never mentions),
     "also": [{"document", "page", "sentence", "score"}, ...] ("Which papers ...?" of several papers: the best
             sentence of each other paper that covers the question and ranks among the top 30, at >= 1% of the
             best score; else empty)}
An answer needs papers that mention enough of the question's content words and a confident enough
evidence ranking (both cut points calibrated: `calibration.json`, papercli/train/calibrate.py).
"document" is the input path as given ("-" for stdin; folder members as folder/…/file).
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from papercli.cache import Cache
from papercli.context import EncodedDocument
from papercli.ingest.document import Document


@dataclass
class Paper:
    path: str                                # the input path as given
    doc: Document
    key: str | None = None                   # content hash when cacheable
    encoded: EncodedDocument | None = None


class TooManyTokens(Exception):
    def __init__(self, tokens: int, limit: int, what: str = "these papers"):
        super().__init__(f"{what} {'hold' if what == 'these papers' else 'holds'} {tokens:,} tokens, more than --max-tokens {limit:,}; "
                         f"ask about fewer papers or raise --max-tokens (memory and time grow with the length)")
        self.tokens, self.limit = tokens, limit


def load_papers(paths: Iterable[str], password: str | None, cache: Cache, on_error: Callable[[str], None],
                with_abstract: bool = False) -> tuple[list[Paper], int]:
    """(papers read, number of inputs that failed); every failure, and every warning of a paper read
    ("page 3: no text layer", "damaged PDF was repaired"), is reported through `on_error`.

    `with_abstract`: the abstract becomes the first body section (for questions; see
    `Document.with_abstract_in_body`), with its own token-cache key."""
    from papercli.ingest import IngestError

    papers, failed = [], 0
    for path in paths:
        try:
            doc, key = cache.load_document(path, password)
        except IngestError as e:
            on_error(str(e))
            failed += 1
            continue
        except OSError as e:
            on_error(f"{path}: {e.strerror or e}")
            failed += 1
            continue
        for warning in doc.warnings:
            on_error(f"{path}: warning: {warning}")
        if with_abstract and doc.abstract:
            doc, key = doc.with_abstract_in_body(), key and f"{key}+abstract"
        papers.append(Paper(path, doc, key))
    return papers, failed


def distinct(papers: list[Paper], note: Callable[[str], None]) -> list[Paper]:
    """The papers without repeats of the same text (the same file named twice, a copy, stdin), each repeat noted:
    read twice, a paper would show each evidence sentence twice and split the model's probability."""
    seen: dict[str, str] = {}
    out = []
    for p in papers:
        ident = hashlib.sha256(p.doc.to_text().encode("utf-8", "surrogatepass")).hexdigest()  # (stdin too)
        if ident in seen:
            note(f"{p.path}: the same paper as {seen[ident]}; read once")
            continue
        seen[ident] = p.path
        out.append(p)
    return out


def encode_papers(engine, papers: list[Paper], cache: Cache) -> int:
    """Token ids of every paper (from the cache when possible); returns the total context length."""
    for p in papers:
        if p.encoded is None:
            p.encoded = cache.encode(engine, p.doc, p.key)
    return sum(p.encoded.num_tokens for p in papers)


LONG_CONTEXT = 250_000  # tokens: past this, the wait is long enough to say so


def check_budget(tokens: int, limit: int | None, what: str = "these papers",
                 note: Callable[[str], None] | None = None) -> None:
    """Raise TooManyTokens past `limit`; below it, a long context is announced through `note` (the forward pass
    over a million tokens takes about a minute on two CPU cores, and says nothing meanwhile)."""
    if limit is not None and limit > 0 and tokens > limit:
        raise TooManyTokens(tokens, limit, what)
    if note is not None and tokens > LONG_CONTEXT:
        note(f"{what}: reading {tokens:,} tokens at once; on a CPU this takes about a minute per million tokens "
             "(--max-tokens caps it)")


def read_questions(source: str) -> tuple[list[tuple[str, dict]], list[str]]:
    """([(question, the other fields of its JSON line)], [problems]) for a file of questions ("-": stdin):
    one a line, or JSON lines with a "question" field (as `ask` writes them; other fields such as an
    "id" are kept to be copied into the answer). Empty lines and lines starting with # are skipped; a
    line that holds no question (a JSON line without a "question" string, or an empty one) is skipped
    with a problem naming its line. Decoded as text files are (`papercli.ingest.decode_text`: UTF-8 with or
    without a byte-order mark, UTF-16, else Latin-1; IngestError for binary data)."""
    import json
    from pathlib import Path

    from papercli.ingest import decode_text

    text = decode_text(sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes(), source)
    questions, problems = [], []
    for n, line in enumerate(text.splitlines(), 1):
        line, extra = line.strip(), {}
        if not line or line.startswith("#"):
            continue
        if line.startswith("{"):
            try:
                extra = json.loads(line)
                line = extra.pop("question").strip()
            except (ValueError, KeyError, TypeError, AttributeError):
                problems.append(f"line {n}: a JSON line needs a \"question\" string; skipped")
                continue
        if line:
            questions.append((line, extra))
        else:
            problems.append(f"line {n}: empty question; skipped")
    return questions, problems


def answer_to_dict(answer, papers: list[Paper]) -> dict:
    def ev(e) -> dict:
        return {"document": papers[e.doc].path, "page": e.page, "text": e.text, "score": round(float(e.score), 6)}

    src = answer.answer_evidence
    found = answer.answer is not None  # None when refused
    return {
        "question": answer.question,
        "answer": answer.answer if found else None,
        "found": found,
        "confidence": round(float(answer.confidence), 6),
        "source": ({"document": papers[src.doc].path, "page": src.page, "sentence": src.text,
                    "score": round(float(src.score), 6)}
                   if found and src is not None else None),
        "evidence": [ev(e) for e in answer.evidence],
        "missing": list(answer.missing),
        "covered": answer.covered,
        "lacks": answer.lacks,
        "closest": ({"document": papers[answer.closest[0]].path, "missing": list(answer.closest[1])}
                    if answer.closest and not answer.covered else None),
        "also": [{"document": papers[e.doc].path, "page": e.page, "sentence": e.text, "score": round(float(e.score), 6)}
                 for e in answer.also],
    }


def ask(engine, papers: list[Paper], question: str, top_k: int = 3) -> dict:
    """One question over all papers at once (papers must be encoded)."""
    answer = engine.ask([p.doc for p in papers], question, [p.encoded for p in papers], top_k=top_k)
    return answer_to_dict(answer, papers)


def ask_many(engine, papers: list[Paper], questions: Iterable[str], top_k: int = 3) -> Iterator[dict]:
    """The papers are read and tokenized once; each question is one forward pass over the whole context."""
    for q in questions:
        yield ask(engine, papers, q, top_k)
