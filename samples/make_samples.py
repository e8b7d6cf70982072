"""Render the sample papers samples/<name>.md into realistic two-column PDFs with PyMuPDF.

    python samples/make_samples.py            # writes samples/<name>.pdf next to each .md

The PDFs carry what real papers carry: an arXiv side stamp (rotated text in the left margin), a title,
authors and an affiliation, a full-width abstract, two columns, a running header, page numbers,
ligature characters in the text layer (U+FB01..FB03), words hyphenated at line ends, a figure with
its caption floated to the top of the next column, a footnote at the bottom of the column, a
reference list with hanging indents, and (for the papers in OUTLINE) a bookmark outline.

Source format (also read by papercli as Markdown): `# Title`, `*Authors*`, `## Abstract`,
`## 1 Heading` / `### 1.1 Heading`, paragraphs, `> Figure 1: caption`, `[^1]` footnote marks with
`[^1]: text` definitions, `## References` followed by `- entry` lines.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pymupdf

W, H = 612, 792
MARGIN_X, TOP, BOTTOM = 92, 72, 716
GAP = 20
COL_W = (W - 2 * MARGIN_X - GAP) / 2
BODY, LEAD = 11, 14.4
FONTS = {"T": pymupdf.Font("tiro"), "TB": pymupdf.Font("tibo")}
_LIGATURES = (("ffi", "\ufb03"), ("fi", "\ufb01"), ("fl", "\ufb02"))
OUTLINE = {"longnet-reading"}  # PDFs given a bookmark outline (as LaTeX hyperref writes) for get_toc()


def parse(md: str) -> dict:
    """The sample Markdown as a dict of title, authors, abstract, elements, footnotes, references."""
    paper = {"title": "", "authors": "", "abstract": [], "elements": [], "footnotes": {}, "references": []}
    mode, buf = "body", []

    def flush():
        if buf:
            text = " ".join(buf)
            buf.clear()
            if mode == "abstract":
                paper["abstract"].append(text)
            else:
                paper["elements"].append(("par", text))

    for line in md.splitlines():
        line = line.strip()
        if not line:
            flush()
        elif line.startswith("# "):
            paper["title"] = line[2:]
        elif line.startswith("*") and line.endswith("*") and not paper["authors"]:
            paper["authors"] = line.strip("*")
        elif m := re.match(r"^(#{2,3}) (.+)$", line):
            flush()
            name = m.group(2)
            mode = {"Abstract": "abstract", "References": "references"}.get(name, "body")
            if mode == "body":
                paper["elements"].append(("h", len(m.group(1)) - 1, name))
        elif line.startswith("> "):
            flush()
            paper["elements"].append(("caption", line[2:]))
        elif m := re.match(r"^\[\^(\d+)\]: (.+)$", line):
            flush()
            paper["footnotes"][m.group(1)] = m.group(2)
        elif mode == "references":
            paper["references"].append(line[2:] if line.startswith("- ") else line)
        else:
            buf.append(line)
    flush()
    return paper


def ligate(text: str) -> str:
    for plain, lig in _LIGATURES:
        text = text.replace(plain, lig)
    return text


class Layout:
    """Greedy two-column typesetter writing lines with insert_text."""

    def __init__(self, pdf: pymupdf.Document, paper: dict):
        self.pdf, self.paper = pdf, paper
        words = re.findall(r"[A-Za-z]+", " ".join(t for e in paper["elements"] if e[0] == "par" for t in e[1:]))
        self.counts = Counter(w.lower() for w in words)
        self.broken: set[str] = set()  # each word is hyphenated at most once, so it also occurs whole
        self.floats: list[str] = []
        self.toc: list[list] = []  # [level, heading, page] for the PDF outline
        self.page = None
        self.new_page()

    def new_page(self) -> None:
        self.page = self.pdf.new_page(width=W, height=H)
        for name, font in FONTS.items():
            self.page.insert_font(fontname=name, fontbuffer=font.buffer)
        n = self.pdf.page_count
        if n > 1:
            header = f"{self.paper['short']} \u00b7 papercli sample papers"
            self.text_centered(header, 46, 8, "T")
        self.text_centered(str(n), 750, 9, "T")
        self.col, self.top, self.y, self.bottom = 0, TOP, TOP, BOTTOM

    def text_centered(self, text: str, y: float, size: float, font: str) -> None:
        x = (W - FONTS[font].text_length(text, size)) / 2
        self.page.insert_text((x, y), text, fontname=font, fontsize=size)

    @property
    def x(self) -> float:
        return MARGIN_X + self.col * (COL_W + GAP)

    def next_column(self) -> None:
        if self.col == 0:
            self.col, self.y, self.bottom = 1, self.top, BOTTOM
        else:
            self.new_page()
        while self.floats:
            self.place_figure(self.floats.pop(0))

    def place_figure(self, caption: str) -> None:
        box = pymupdf.Rect(self.x + 10, self.y, self.x + COL_W - 10, self.y + 80)
        self.page.draw_rect(box, color=(0, 0, 0), width=0.6)
        for i in range(5):  # a small bar chart
            h = 12 + 11 * i
            self.page.draw_rect(pymupdf.Rect(box.x0 + 20 + 30 * i, box.y1 - 6 - h, box.x0 + 38 + 30 * i, box.y1 - 6),
                                color=(0.2, 0.2, 0.2), fill=(0.6, 0.6, 0.6), width=0.4)
        self.y = box.y1 + 12
        for line in self.wrap(caption, 9, COL_W):
            self.page.insert_text((self.x, self.y), "".join(t for t, _ in line), fontname="T", fontsize=9)
            self.y += 11
        self.y += 8

    def wrap(self, text: str, size: float, width: float, indent: float = 0, font: str = "T",
             hyphenate: bool = False) -> list[list[tuple[str, str]]]:
        """Lines of (text, kind) runs; kind "mark" is a footnote mark. Long words may be hyphenated."""
        tokens = re.sub(r"(\[\^\d+\])", r" \1", text).split()
        lines, cur, cur_w, avail = [], [], 0.0, width - indent
        f, space = FONTS[font], FONTS[font].text_length(" ", size)
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.startswith("[^"):
                cur.append((tok[2:-1], "mark"))
                cur_w += f.text_length(tok[2:-1], size * 0.65)
                i += 1
                continue
            word = ligate(tok)
            w = f.text_length(word, size) + (space if cur else 0)
            if cur_w + w <= avail or not cur:
                cur.append(((" " if cur else "") + word, "text"))
                cur_w += w
                i += 1
                continue
            head, tail = self.split_word(tok, avail - cur_w - space, size, f) if hyphenate else (None, None)
            if head:
                cur.append((" " + ligate(head), "text"))
                tokens[i] = tail
            lines.append(cur)
            cur, cur_w, avail = [], 0.0, width
        if cur:
            lines.append(cur)
        return lines

    def split_word(self, tok: str, room: float, size: float, f: pymupdf.Font):
        """Split a word at the line end: after its own hyphen, or (for a word that occurs elsewhere and
        was not split before) inside it with an added hyphen."""
        core = tok.strip(".,;:()")
        if "-" in core[1:-1]:
            head = tok[:tok.index("-") + 1]
            if f.text_length(ligate(head), size) <= room:
                return head, tok[len(head):]
            return None, None
        if not core.isalpha() or len(core) < 8 or self.counts[core.lower()] < 2 or core.lower() in self.broken:
            return None, None
        start = tok.index(core)
        for cut in range(len(core) - 3, 3, -1):
            head = tok[:start + cut] + "-"
            if f.text_length(ligate(head), size) <= room:
                self.broken.add(core.lower())
                return head, tok[start + cut:]
        return None, None

    def draw(self, runs: list[tuple[str, str]], x: float, y: float, size: float, font: str) -> None:
        for text, kind in runs:
            if kind == "mark":
                self.page.insert_text((x, y - size * 0.4), text, fontname="T", fontsize=size * 0.65)
                x += FONTS["T"].text_length(text, size * 0.65)
            else:
                self.page.insert_text((x, y), text, fontname=font, fontsize=size)
                x += FONTS[font].text_length(text, size)

    def paragraph(self, text: str, indent: float, size: float = BODY, font: str = "T") -> None:
        for n, line in enumerate(self.wrap(text, size, COL_W, indent, font, hyphenate=True)):
            marks = [t for t, kind in line if kind == "mark"]
            need = sum(self.footnote_height(m) for m in marks)
            if self.y + LEAD > self.bottom - need:
                self.next_column()
            for mark in marks:
                self.footnote(mark)
            self.draw(line, self.x + (indent if n == 0 else 0), self.y + size, size, font)
            self.y += LEAD

    def footnote_height(self, mark: str) -> float:
        return 11 * len(self.wrap(self.paper["footnotes"][mark], 8, COL_W - 6)) + 8

    def footnote(self, mark: str) -> None:
        """Draw a footnote at the bottom of the current column, above earlier ones."""
        lines = self.wrap(self.paper["footnotes"][mark], 8, COL_W - 6)
        self.bottom -= self.footnote_height(mark)
        y = self.bottom + 8
        self.page.draw_line((self.x, y - 2), (self.x + 60, y - 2), width=0.4)
        self.draw([(mark, "mark")], self.x, y + 8, 8, "T")
        for n, line in enumerate(lines):
            self.page.insert_text((self.x + 6, y + 8 + 11 * n), "".join(t for t, _ in line).lstrip(),
                                  fontname="T", fontsize=8)

    def heading(self, level: int, text: str) -> None:
        size = 12 if level == 1 else 10.5
        if self.y + 3 * LEAD > self.bottom:
            self.next_column()
        self.y += 6 if self.y > self.top else 0
        self.page.insert_text((self.x, self.y + size), text, fontname="TB", fontsize=size)
        self.toc.append([level, text, self.pdf.page_count])
        self.y += size + 7

    def front(self) -> None:
        p = self.paper
        self.page.insert_text((34, 560), p["stamp"], fontname="T", fontsize=16, rotate=90, color=(0.5, 0.5, 0.5))
        y = 100
        for line in self.wrap(p["title"], 17, W - 2 * MARGIN_X - 40, font="TB"):
            self.text_centered("".join(t for t, _ in line), y, 17, "TB")
            y += 21
        self.text_centered(p["authors"], y + 8, 11, "T")
        self.text_centered("The papercli project, https://example.org/papercli", y + 22, 9.5, "T")
        self.text_centered("Abstract", y + 50, 11, "TB")
        self.y = y + 62
        for n, par in enumerate(p["abstract"]):
            for k, line in enumerate(self.wrap(par, BODY, W - 2 * MARGIN_X - 72, 12 if n else 0)):
                self.draw(line, MARGIN_X + 36 + (12 if n and k == 0 else 0), self.y + BODY, BODY, "T")
                self.y += LEAD
        self.top = self.y = self.y + 14

    def body(self) -> None:
        after_heading = True
        for el in self.paper["elements"]:
            if el[0] == "h":
                self.heading(el[1], el[2])
                after_heading = True
            elif el[0] == "caption":
                self.floats.append(el[1])
            else:
                self.paragraph(el[1], 0 if after_heading else 12)
                after_heading = False

    def references(self) -> None:
        self.heading(1, "References")
        for ref in self.paper["references"]:
            lines = self.wrap(ref, 9, COL_W - 10, -10)  # hanging indent
            if self.y + 11 * len(lines) > self.bottom:
                self.next_column()
            for n, line in enumerate(lines):
                self.page.insert_text((self.x + (10 if n else 0), self.y + 9), "".join(t for t, _ in line).lstrip(),
                                      fontname="T", fontsize=9)
                self.y += 11
            self.y += 3


def render(md_path: Path) -> Path:
    paper = parse(md_path.read_text(encoding="utf-8"))
    paper["short"] = paper["title"].split(":")[0]
    paper["stamp"] = f"arXiv:2611.{sum(map(ord, md_path.stem)) % 90000:05d}v1  [cs.CL]  29 Nov 2026"
    pdf = pymupdf.open()
    layout = Layout(pdf, paper)
    layout.front()
    layout.body()
    layout.references()
    if md_path.stem in OUTLINE:
        pdf.set_toc(layout.toc)
    pdf.set_metadata({"title": paper["title"], "author": paper["authors"], "creator": "samples/make_samples.py",
                      "creationDate": "D:20261129000000", "modDate": "D:20261129000000"})
    for page in pdf:
        page.clean_contents()  # one content stream per page instead of one per line
    pdf.subset_fonts()
    out = md_path.with_suffix(".pdf")
    pdf.save(out, garbage=4, deflate=True, deflate_fonts=True)
    return out


def main(argv: list[str]) -> int:
    folder = Path(__file__).resolve().parent
    for md in sorted(folder.glob("*.md")) if not argv else [Path(a) for a in argv]:
        if md.name.lower() != "readme.md":
            print(render(md))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
