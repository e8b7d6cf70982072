"""The Document model every input becomes: sections, paragraphs, sentences, each sentence with its page."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass, field
from typing import Iterator


@dataclass
class Sentence:
    text: str
    page: int  # 1-based page number; 1 for plain-text inputs


@dataclass
class Paragraph:
    sentences: list[Sentence]
    kind: str = "body"  # body | caption (figure/table) | footnote: asides are kept, and marked

    @property
    def page(self) -> int:
        return self.sentences[0].page if self.sentences else 1

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)


@dataclass
class Section:
    heading: str
    level: int = 1
    page: int = 1
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Document:
    """One paper. `abstract` and `references` are kept apart from the body `sections`."""

    source: str
    title: str = ""
    authors: str = ""
    abstract: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    pages: int = 1
    warnings: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """No title, no abstract and no body paragraph: nothing was read."""
        return not self.title and not self.abstract and not any(s.paragraphs for s in self.sections)

    @property
    def abstract_text(self) -> str:
        return " ".join(p.text for p in self.abstract)

    def with_abstract_in_body(self) -> "Document":
        """A copy whose abstract is the first body section, "Abstract" (what `ask` reads: an answer may be
        stated only there; summaries leave it out, since it is what they are judged against)."""
        if not self.abstract:
            return self
        sec = Section("Abstract", 1, self.abstract[0].page, list(self.abstract))
        return dataclasses.replace(self, abstract=[], sections=[sec, *self.sections])

    def body_sentences(self) -> Iterator[tuple[int, Section, Sentence]]:
        """Yield (section index, section, sentence) over the body, in reading order."""
        for i, sec in enumerate(self.sections):
            for par in sec.paragraphs:
                for s in par.sentences:
                    yield i, sec, s

    def body_asides(self) -> list[bool]:
        """Per body sentence (`body_sentences` order): whether it is in a caption or footnote paragraph."""
        return [par.kind != "body" for sec in self.sections for par in sec.paragraphs for _ in par.sentences]

    def body_quotable(self) -> list[bool]:
        """Per body sentence (`body_sentences` order): whether an answer may quote it: running text or a
        figure/table caption ("Figure 1: ... Dilated attention grows linearly"), not the text inside a
        figure or table (cells, axis labels), a caption's note ("Boldface: best performance ...") nor a
        footnote."""
        import re

        from papercli.ingest.sentences import is_caption

        def note(text: str) -> bool:
            return bool(re.match(r"[A-Z][A-Za-z ]{0,15}:\s", text)) and not is_caption(text)

        return [par.kind == "body" or par.kind == "caption" and is_caption(par.sentences[0].text) and not note(s.text)
                for sec in self.sections for par in sec.paragraphs for s in par.sentences]

    def body_text(self) -> str:
        return "\n\n".join(p.text for sec in self.sections for p in sec.paragraphs)

    def word_count(self) -> int:
        return len(self.abstract_text.split()) + len(self.body_text().split())

    def to_text(self) -> str:
        """Clean text: title, abstract, headings and paragraphs separated by blank lines (no references)."""
        blocks = [self.title] if self.title else []
        if self.abstract:
            blocks += ["Abstract"] + [p.text for p in self.abstract]
        for sec in self.sections:
            blocks += ([sec.heading] if sec.heading else []) + [p.text for p in sec.paragraphs]
        return "\n\n".join(blocks) + "\n"

    def to_markdown(self) -> str:
        """Markdown: `#` title, `##`+ section headings by level, captions as `> ` quotes, footnotes as
        `[^n]: ` definitions (as the Markdown reader takes them back), the references as a list."""
        blocks = [f"# {self.title}"] if self.title else []
        if self.authors:
            blocks.append(f"*{self.authors}*")
        footnotes = 0

        def paragraph(p: Paragraph) -> str:
            nonlocal footnotes
            footnotes += p.kind == "footnote"
            text = "\\" + p.text if p.text.startswith(("#", ">")) else p.text  # body text, not markup
            return {"caption": f"> {p.text}", "footnote": f"[^{footnotes}]: {p.text}"}.get(p.kind, text)

        if self.abstract:
            blocks += ["## Abstract"] + [paragraph(p) for p in self.abstract]
        for sec in self.sections:
            if sec.heading:
                blocks.append(f"{'#' * min(6, sec.level + 1)} {sec.heading}")
            blocks += [paragraph(p) for p in sec.paragraphs]
        if self.references:
            blocks += ["## References", "\n".join(f"- {r}" for r in self.references)]
        return "\n\n".join(blocks) + "\n"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Document":
        def pars(items):
            return [Paragraph([Sentence(**s) for s in p["sentences"]], p.get("kind", "body")) for p in items]

        return cls(
            source=d["source"], title=d.get("title", ""), authors=d.get("authors", ""),
            abstract=pars(d.get("abstract", [])),
            sections=[Section(s["heading"], s.get("level", 1), s.get("page", 1), pars(s["paragraphs"]))
                      for s in d.get("sections", [])],
            references=list(d.get("references", [])), pages=d.get("pages", 1),
            warnings=list(d.get("warnings", [])),
        )
