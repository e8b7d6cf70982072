"""Bad inputs through the CLI: one line per failing file on stderr, exit codes 0/1/2, batches go on."""

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pymupdf
import pytest
from typer.testing import CliRunner

from papercli.cli import app

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "longnet-reading.pdf"


def cli(*args, env=None, stdin=None):
    """Run papercli in-process; returns an object with returncode, stdout, stderr."""
    r = CliRunner().invoke(app, [str(a) for a in args], env=env, input=stdin)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return SimpleNamespace(returncode=r.exit_code, stdout=r.stdout, stderr=r.stderr)


def check_errors(r, files):
    """One `papercli: FILE: reason` line per bad file, nothing else, no traceback."""
    lines = r.stderr.strip().splitlines()
    assert "Traceback" not in r.stderr
    assert len(lines) == len(files), r.stderr
    for line, f in zip(lines, files):
        assert line.startswith(f"papercli: {f}: "), line


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    (d / "empty.pdf").write_bytes(b"")
    data = SAMPLE.read_bytes()
    (d / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (d / "garbage.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    (d / "renamed.pdf").write_text("This is a text file, not a PDF.\n")
    with pymupdf.open(SAMPLE) as pdf:
        pdf.save(d / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    scan = pymupdf.open()
    page = scan.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 200), False)
    pix.set_rect(pix.irect, (220, 220, 220))
    page.insert_image(page.rect, pixmap=pix)
    scan.save(d / "scanned.pdf")
    (d / "paper.docx").write_bytes(b"PK\x03\x04")
    (d / "emptydir").mkdir()
    return d


@pytest.mark.parametrize("name,reason", [
    ("empty.pdf", "empty"),
    ("truncated.pdf", "PDF"),
    ("garbage.pdf", "PDF"),
    ("renamed.pdf", "not a PDF"),
    ("locked.pdf", "--password"),
    ("scanned.pdf", "OCR"),
    ("paper.docx", "unsupported"),
    ("missing.pdf", "no such file"),
    ("emptydir", "no .pdf"),
])
def test_bad_input(bad, name, reason):
    r = cli("extract", bad / name)
    assert r.returncode == 2, r.stderr
    check_errors(r, [bad / name])
    assert reason in r.stderr
    assert r.stdout == ""


def test_password(bad):
    r = cli("extract", bad / "locked.pdf", "--password", "wrong")
    assert r.returncode == 2 and "wrong password" in r.stderr
    check_errors(r, [bad / "locked.pdf"])
    r = cli("extract", bad / "locked.pdf", "--password", "secret")
    assert r.returncode == 0 and "Dilated Attention" in r.stdout


def test_page_limit(bad):
    r = cli("info", SAMPLE, env={"PAPERCLI_MAX_PAGES": "2"})
    assert r.returncode == 2 and "PAPERCLI_MAX_PAGES" in r.stderr
    check_errors(r, [SAMPLE])
    r = cli("info", SAMPLE, env={"PAPERCLI_MAX_MB": "0.001"})
    assert r.returncode == 2 and "PAPERCLI_MAX_MB" in r.stderr


def test_batch_goes_on(bad, tmp_path):
    files = [bad / "empty.pdf", SAMPLE, bad / "renamed.pdf", ROOT / "samples" / "sleep-exams.md"]
    r = cli("info", *files, "--format", "json")
    assert r.returncode == 1
    check_errors(r, [bad / "empty.pdf", bad / "renamed.pdf"])
    rows = json.loads(r.stdout)
    assert [row["file"] for row in rows] == [str(SAMPLE), str(files[3])]
    assert rows[0]["pages"] == 3 and rows[0]["abstract"] and rows[0]["warnings"] == []
    out = tmp_path / "out"
    r = cli("extract", *files, "-f", "json", "-o", out)
    assert r.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["longnet-reading.json", "sleep-exams.json"]
    doc = json.loads((out / "longnet-reading.json").read_text())
    assert {s["page"] for sec in doc["sections"] for p in sec["paragraphs"] for s in p["sentences"]} == {1, 2, 3}


def test_folder_expands(bad, tmp_path):
    r = cli("info", ROOT / "samples", "--format", "json")
    assert r.returncode == 0
    names = sorted(Path(row["file"]).name for row in json.loads(r.stdout))
    assert "longnet-reading.pdf" in names and "longnet-reading.md" in names


def test_extract_formats_and_stdin(tmp_path):
    r = cli("extract", SAMPLE, "-f", "md", "-o", tmp_path / "paper.md")
    assert r.returncode == 0 and r.stdout == ""
    md = (tmp_path / "paper.md").read_text()
    assert md.startswith("# Reading Whole Papers") and "## 1 Introduction" in md and "## References" in md
    r = subprocess.run([sys.executable, "-m", "papercli", "extract", "-", "/missing.txt"], capture_output=True,
                       text=True, cwd=ROOT, timeout=120,
                       input="# A Title\n\n## Abstract\n\nShort abstract here.\n\n## 1 Intro\n\nBody text.\n")
    assert r.returncode == 1 and r.stdout.startswith("A Title\n\nAbstract\n\nShort abstract here.")
    assert r.stderr == "papercli: /missing.txt: no such file\n"


def test_help_is_fast_and_torch_free():
    code = "import sys, papercli.cli, papercli.ingest, papercli.ingest.pdf; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr
