"""Plain text and Markdown inputs."""

from papercli.ingest import IngestError, load_document
from papercli.ingest.text import read_text

MD = """# Sparse Attention Revisited

*A. Author, B. Author*

## Abstract

We revisit sparse attention. It works.

## 1 Introduction

Long inputs are common.[^1] They are costly.

[^1]: For example, whole books.

### 1.1 Scope

We study papers, e.g. ACL papers.

> Figure 1: A caption.

## References

- Ding et al. 2023. LongNet.
- Liu et al. 2024. Lost in the middle.
"""


def test_markdown_structure():
    doc = read_text(MD, "x.md", markdown=True)
    assert doc.title == "Sparse Attention Revisited"
    assert doc.authors == "A. Author, B. Author"
    assert [s.text for p in doc.abstract for s in p.sentences] == ["We revisit sparse attention.", "It works."]
    assert [(s.heading, s.level) for s in doc.sections] == [("1 Introduction", 1), ("1.1 Scope", 2)]
    pars = [p.text for s in doc.sections for p in s.paragraphs]
    assert pars == ["Long inputs are common. They are costly.", "For example, whole books.",
                    "We study papers, e.g. ACL papers.", "Figure 1: A caption."]
    assert doc.references == ["Ding et al. 2023. LongNet.", "Liu et al. 2024. Lost in the middle."]
    assert all(s.page == 1 for _, _, s in doc.body_sentences())


def test_plain_text():
    text = "A Study of Things\n\nAbstract\nWe study things.\n\n1 Introduction\nThings matter. They do.\n\nMore text.\n"
    doc = read_text(text, "x.txt")
    assert doc.title == "A Study of Things"
    assert doc.abstract_text == "We study things."
    assert [s.heading for s in doc.sections] == ["1 Introduction"]
    assert [p.text for p in doc.sections[0].paragraphs] == ["Things matter. They do.", "More text."]


def test_ligatures_and_soft_hyphens_normalised():
    doc = read_text("An e\ufb03cient method with soft\u00adhyphens.", "x.txt")
    assert doc.body_text() == "An efficient method with softhyphens."


def test_load_document_errors(tmp_path):
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    for path, reason in [(tmp_path / "bin.txt", "binary"), (tmp_path / "nope.md", "no such file")]:
        try:
            load_document(str(path))
        except IngestError as e:
            assert str(e).startswith(str(path)) and reason in str(e) and "\n" not in str(e)
        else:
            raise AssertionError("expected IngestError")


def test_markdown_escapes_body_text_that_looks_like_markup():
    """Table text read as a paragraph ("# labeled data 100 ...") stays body text in the Markdown output."""
    from papercli.ingest.document import Document, Paragraph, Section, Sentence

    texts = ["# labeled data SVM 100 69.1%.", "> 5 and < 3 hold."]
    doc = Document(source="t", title="T", sections=[Section("1 Results", 1, 1, [Paragraph([Sentence(t, 1)]) for t in texts])])
    md = doc.to_markdown()
    assert "\n\\# labeled data" in md and "\n# labeled" not in md
    back = read_text(md, "t.md", markdown=True)
    assert [s.heading for s in back.sections] == ["1 Results"]
    assert [p.text for p in back.sections[0].paragraphs] == texts
    assert all(p.kind == "body" for p in back.sections[0].paragraphs)
