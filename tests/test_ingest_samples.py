"""The sample PDFs (samples/*.pdf, rendered from samples/*.md) read back as their source text."""

import re
import unicodedata
from pathlib import Path

import pymupdf
import pytest

from papercli.ingest import load_document
from papercli.ingest.sentences import split_sentences

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
NAMES = sorted(p.stem for p in SAMPLES.glob("*.pdf"))


def _body(doc, floats):
    """Body sentences outside the caption/footnote paragraphs."""
    return [s.text for s in doc.sections for p in s.paragraphs
            if not any(p.text.endswith(f) for f in floats) for s in p.sentences]


@pytest.fixture(scope="module", params=NAMES)
def pair(request):
    name = request.param
    return name, load_document(str(SAMPLES / f"{name}.pdf")), load_document(str(SAMPLES / f"{name}.md"))


def test_samples_exist():
    assert len(NAMES) >= 2


def test_front_matter(pair):
    _, pdf, md = pair
    assert pdf.title == md.title
    assert pdf.authors == md.authors
    assert [s.text for p in pdf.abstract for s in p.sentences] == [s.text for p in md.abstract for s in p.sentences]


def test_sections_and_references(pair):
    _, pdf, md = pair
    assert [(s.heading, s.level) for s in pdf.sections] == [(s.heading, s.level) for s in md.sections]
    assert pdf.references == md.references


def test_body_sentences_match_source(pair):
    """Hyphens joined, ligatures expanded, no header/page number/footnote/caption inside a sentence."""
    _, pdf, md = pair
    md_floats = [p.text for s in md.sections for p in s.paragraphs if p.text.startswith("Figure")]
    fn = re.findall(r"^\[\^\d+\]: (.+)$", (SAMPLES / f"{pair[0]}.md").read_text(), re.M)
    md_floats += fn
    assert _body(pdf, md_floats) == _body(md, md_floats)
    pdf_pars = [p.text for s in pdf.sections for p in s.paragraphs]
    for f in md_floats:  # each caption/footnote is a paragraph of its own, without its footnote mark
        assert f in pdf_pars, f


def test_captions_and_footnotes_are_marked(pair):
    """Paragraph.kind says caption / footnote, in the PDF as in its Markdown source, and survives JSON."""
    name, pdf, md = pair
    source = (SAMPLES / f"{name}.md").read_text()
    footnotes = re.findall(r"^\[\^\d+\]: (.+)$", source, re.M)
    captions = re.findall(r"^> (.+)$", source, re.M)
    for doc in (pdf, md, type(pdf).from_dict(pdf.to_dict())):
        kinds = {p.text: p.kind for s in doc.sections for p in s.paragraphs}
        assert {t for t, k in kinds.items() if k == "footnote"} == set(footnotes)
        assert {t for t, k in kinds.items() if k == "caption"} == set(captions)
        asides = [t for t, k in kinds.items() if k != "body"]
        assert sum(doc.body_asides()) == sum(len(split_sentences(t)) for t in asides) > 0
        body = [s.text for _, _, s in doc.body_sentences()]
        assert [body[i] for i, a in enumerate(doc.body_asides()) if a] == [x for t in asides for x in split_sentences(t)]


def test_furniture_and_ligatures(pair):
    name, pdf, _ = pair
    raw = "".join(page.get_text() for page in pymupdf.open(SAMPLES / f"{name}.pdf"))
    assert "\ufb01" in raw or "\ufb03" in raw  # the text layer has ligatures ...
    text = pdf.to_text() + " ".join(pdf.references)
    assert not re.search("[\ufb00-\ufb06]", text)  # ... the Document has none
    assert "papercli sample papers" not in text  # running header
    assert "[cs.CL]" not in text  # arXiv side stamp
    for _, _, s in pdf.body_sentences():
        assert not re.fullmatch(r"\d+", s.text)


def test_hyphenation_joined(pair):
    name, pdf, md = pair
    raw = pymupdf.open(SAMPLES / f"{name}.pdf")
    broken = []
    for page in raw:
        lines = page.get_text().splitlines()
        broken += [(a, b) for a, b in zip(lines, lines[1:]) if re.search(r"[a-z]-$", a) and b[:1].islower()]
    assert broken, "the sample should hyphenate some words at line ends"
    text, source = pdf.to_text(), md.to_text()
    for a, b in broken:
        head, tail = re.search(r"(\w+)-$", a).group(1), re.match(r"\w+", b).group(0)
        joined = unicodedata.normalize("NFKC", head + tail)
        expected = joined if joined in source else unicodedata.normalize("NFKC", f"{head}-{tail}")
        assert expected in text


def test_pages(pair):
    name, pdf, _ = pair
    raw = pymupdf.open(SAMPLES / f"{name}.pdf")
    page_words = [set(re.findall(r"\w+", unicodedata.normalize("NFKC", p.get_text()))) for p in raw]
    pages = [s.page for _, _, s in pdf.body_sentences()]
    assert pages[0] == 1 and pages == sorted(pages) and max(pages) >= 2
    for _, _, s in pdf.body_sentences():
        first = re.findall(r"\w{4,}", s.text)[:1]
        assert not first or first[0] in page_words[s.page - 1], (s.page, s.text)


def test_markdown_output_reads_back_the_same(pair, tmp_path):
    """`extract -f md` writes captions as quotes and footnotes as definitions: reading it back keeps
    every section, paragraph and paragraph kind."""
    name, pdf, _ = pair
    path = tmp_path / f"{name}.md"
    path.write_text(pdf.to_markdown())
    back = load_document(str(path))
    assert back.title == pdf.title and back.authors == pdf.authors
    assert [(p.kind, p.text) for p in back.abstract] == [(p.kind, p.text) for p in pdf.abstract]
    assert [(s.heading, [(p.kind, p.text) for p in s.paragraphs]) for s in back.sections] == \
        [(s.heading, [(p.kind, p.text) for p in s.paragraphs]) for s in pdf.sections]
