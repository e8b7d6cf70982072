"""`papercli summarize`: per paper, the most salient body sentences (no near-duplicates) in paper order,
chosen to cover the words an abstract would likely use (keyword weights, `papercli.keywords`).

Result (the JSON schema of the command):
    {"document", "title", "pages", "sections": [heading, ...], "words": words in the summary (not a cut's "…"),
     "summary": [{"text", "page", "section" (its heading), "score" (the model's salience, a logit: higher is more
                  summary-worthy, comparable within a paper), "sentence"}, ...],
     "warnings": [what the reader noticed about the paper: garbled text of a scan, sections that may be missing]}
"text" is the sentence as the summary shows it, without parenthetical author-year citations
(`papercli.selection.summary_texts`); "sentence" is it verbatim as extracted.
Selection is `papercli.selection.select` on the shown texts, the same rule the evaluation uses
for every system.
"""

from __future__ import annotations

from pathlib import Path

from papercli.selection import MAX_OVERSHOOT, cut_to_words, result_sentences, select, summary_texts, unsummarized
from papercli.tasks.ask import Paper

DEFAULT_WORDS = 200  # the evaluation budget


def choose(texts: list[str], scores: list[float], words: int | None = None, sentences: int | None = None,
           keywords: dict[str, float] | None = None, asides: list[bool] | None = None,
           results: list[bool] | None = None) -> list[int]:
    """Indices (paper order) of the summary sentences: a word budget, or the N first picked."""
    if sentences is not None:
        return sorted(select(texts, scores, 10**12, keywords=keywords, count=max(sentences, 0), asides=asides,
                             results=results))
    return sorted(select(texts, scores, DEFAULT_WORDS if words is None else words, keywords=keywords,
                         asides=asides, results=results))


def _words(text: str) -> int:
    """Words of a summary text; the "…" that marks a cut is no word."""
    return sum(1 for w in text.split() if w != "…")


def summarize(engine, paper: Paper, words: int | None = None, sentences: int | None = None) -> dict:
    """One forward pass over the paper (must be encoded), then selection."""
    doc = paper.doc
    body = list(doc.body_sentences())
    rows = [s for _, _, s in body]
    scores, keywords = engine.salience(doc, paper.encoded) if rows else ([], None)
    texts = summary_texts(doc)
    chosen = choose(texts, scores, words, sentences, keywords, unsummarized(doc), result_sentences(doc))
    summary = [{"text": texts[i], "page": rows[i].page, "section": body[i][1].heading,
                "score": round(float(scores[i]), 6), "sentence": rows[i].text} for i in chosen]
    budget = DEFAULT_WORDS if words is None and sentences is None else words
    if budget and len(summary) == 1 and len(summary[0]["text"].split()) > MAX_OVERSHOOT * budget:
        # a text without sentence breaks (a scan without punctuation): its one "sentence", cut to the budget
        summary[0]["text"] = cut_to_words(summary[0]["text"], budget)
    return {
        "document": paper.path,
        "title": doc.title or Path(paper.path).stem,
        "pages": doc.pages,
        "sections": [s.heading for s in doc.sections if s.heading],
        "words": sum(_words(s["text"]) for s in summary),
        "summary": summary,
        "warnings": list(doc.warnings),
    }
