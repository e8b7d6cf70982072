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


def test_blank_text_and_empty_stdin_are_errors(tmp_path):
    blank = tmp_path / "blank.txt"
    blank.write_text("\n  \n\t\n")
    r = cli("info", blank)
    assert r.returncode == 2 and r.stdout == "" and "no extractable text" in r.stderr
    check_errors(r, [blank])
    r = cli("extract", "-", stdin="")
    assert r.returncode == 2 and r.stdout == "" and r.stderr.startswith("papercli: <stdin>: empty")


def test_extract_folder_outputs_never_clash(tmp_path):
    """Same-named files in different folders get distinct output files: none is overwritten."""
    src = tmp_path / "src"
    for i, sample in enumerate(sorted((ROOT / "samples").glob("*.md"))):
        (src / f"d{i}").mkdir(parents=True)
        (src / f"d{i}" / "x.md").write_bytes(sample.read_bytes())
    r = cli("extract", src, "-o", tmp_path / "out")
    assert r.returncode == 0, r.stderr
    outs = sorted((tmp_path / "out").iterdir())
    assert [f.name for f in outs] == ["d0__x.md.txt", "d1__x.md.txt", "d2__x.md.txt"]
    assert len({f.read_text().splitlines()[0] for f in outs}) == 3


def test_written_files_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        r = cli("extract", SAMPLE, "-o", tmp_path / "paper.txt")
    finally:
        os.umask(old)
    assert r.returncode == 0 and (tmp_path / "paper.txt").stat().st_mode & 0o777 == 0o644


def test_info_every_format():
    files = [SAMPLE, ROOT / "samples" / "sleep-exams.md"]
    md = cli("info", *files, "-f", "md")
    assert md.returncode == 0 and md.stdout.startswith(f"## {SAMPLE}\n") and "- pages: 3" in md.stdout
    jl = cli("info", *files, "-f", "jsonl")
    assert [json.loads(line)["file"] for line in jl.stdout.splitlines()] == [str(f) for f in files]


def test_json_is_a_list_for_several_inputs_even_if_one_fails(bad):
    for cmd in ("info", "extract"):
        r = cli(cmd, SAMPLE, bad / "empty.pdf", "-f", "json")
        assert r.returncode == 1 and isinstance(json.loads(r.stdout), list) and len(json.loads(r.stdout)) == 1


def test_no_color_means_no_escape_codes_in_usage_errors():
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "1", "TERM": "xterm-256color"}
    r = subprocess.run([sys.executable, "-m", "papercli", "extract", "-f", "xml", "x.pdf"], capture_output=True,
                       text=True, cwd=ROOT, env=env, timeout=60)
    assert r.returncode == 2 and "xml" in r.stderr and "\x1b[" not in r.stderr


def test_bad_limits_do_not_crash():
    """inf: no limit; a value that is no positive number: one usage-error line naming the variable, exit 2."""
    assert cli("info", SAMPLE, env={"PAPERCLI_MAX_PAGES": "inf"}).returncode == 0
    for value in ("nan", "lots", "0"):
        r = cli("info", SAMPLE, env={"PAPERCLI_MAX_PAGES": value})
        assert r.returncode == 2 and r.stderr.splitlines() == [
            f"papercli: PAPERCLI_MAX_PAGES={value!r}: must be a positive number (or inf)"]


def test_bench_attention_bad_lengths():
    r = cli("bench", "attention", "--lengths", "4096,abc")
    assert r.returncode == 2 and r.stderr.startswith("papercli: --lengths") and len(r.stderr.splitlines()) == 1


def test_extract_never_overwrites_an_input(tmp_path):
    paper = tmp_path / "paper.md"
    paper.write_text("# T\n\nA *body* sentence.\n")
    r = cli("extract", paper, "-f", "md", "-o", paper)
    assert r.returncode == 2 and "one of the inputs" in r.stderr
    r = cli("extract", tmp_path, "-f", "md", "-o", tmp_path)  # folder mode: paper.md -> paper.md
    assert r.returncode == 2 and "one of the inputs" in r.stderr
    assert paper.read_text() == "# T\n\nA *body* sentence.\n"


def test_usage_errors_are_one_line():
    """An unknown option, a bad value or a missing argument: one line on stderr, exit 2, no box."""
    for args, start in ((["extract", "--bogus", str(SAMPLE)], "papercli: No such option: --bogus"),
                        (["extract", "-f", "xml", str(SAMPLE)], "papercli: Invalid value for '--format'"),
                        (["info"], "papercli: Missing argument")):
        r = subprocess.run([sys.executable, "-m", "papercli", *args], capture_output=True, text=True, cwd=ROOT,
                           timeout=120, env={**os.environ, "NO_COLOR": "1"})
        assert r.returncode == 2 and r.stdout == "", args
        assert r.stderr.startswith(start) and len(r.stderr.splitlines()) == 1, r.stderr
    r = subprocess.run([sys.executable, "-m", "papercli"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 2 and "Usage: papercli" in r.stdout  # no command: the help


def test_unexpected_errors_are_one_line(tmp_path):
    """An error no command handles (here a missing --data file) is one line and exit 2, never a traceback;
    PAPERCLI_DEBUG=1 shows the traceback."""
    args = [sys.executable, "-m", "papercli", "train", "keywords", "--data", str(tmp_path / "none.jsonl.gz"),
            "--out", str(tmp_path / "k.json")]
    r = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 2 and r.stderr.splitlines() == [
        f"papercli: {tmp_path / 'none.jsonl.gz'}: No such file or directory (PAPERCLI_DEBUG=1 shows the traceback)"]
    r = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, timeout=120,
                       env={**os.environ, "PAPERCLI_DEBUG": "1"})
    assert r.returncode != 0 and "Traceback" in r.stderr


def test_special_outputs_are_written_into_not_replaced(tmp_path):
    """-o a symbolic link writes its target (the link stays); -o a device or pipe writes into it."""
    from papercli.io import write_atomic

    target = tmp_path / "target.txt"
    target.write_text("old")
    (tmp_path / "link.txt").symlink_to(target)
    write_atomic(tmp_path / "link.txt", "new")
    assert (tmp_path / "link.txt").is_symlink() and target.read_text() == "new"
    write_atomic(os.devnull, "into the device")
    assert not Path(os.devnull).is_file()  # still the device


def test_batch_inputs_that_cannot_even_be_opened(tmp_path):
    """A broken link, a file name too long, binary junk: each one line, the good inputs are still read (exit 1)."""
    good = tmp_path / "good.md"
    good.write_bytes((ROOT / "samples" / "sleep-exams.md").read_bytes())
    (tmp_path / "broken.md").symlink_to(tmp_path / "missing.md")
    junk = tmp_path / "junk.txt"
    junk.write_bytes(b"\x1b[31m\x01\x02\x03 junk \x04\x05\x06" * 50)
    long_name = tmp_path / ("x" * 300 + ".md")
    r = cli("info", good, tmp_path / "broken.md", junk, long_name)
    assert r.returncode == 1 and "Sleep Timing" in r.stdout, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 3 and "broken symbolic link" in lines[0] and "binary file" in lines[1]
    assert "File name too long" in lines[2]
    utf16 = tmp_path / "utf16.txt"
    utf16.write_text("A Title\n\nThe first sentence of the text. The second one.\n", encoding="utf-16")
    assert "The second one." in cli("extract", utf16).stdout


def test_named_pipes_are_read(tmp_path):
    """A FIFO (or bash's <(...)) is read like stdin, not refused as an empty file."""
    import threading

    fifo = tmp_path / "in.md"
    os.mkfifo(fifo)
    text = (ROOT / "samples" / "sleep-exams.md").read_bytes()
    writer = threading.Thread(target=lambda: fifo.write_bytes(text))
    writer.start()
    r = cli("info", fifo)
    writer.join()
    assert r.returncode == 0 and "Sleep Timing" in r.stdout, r.stderr


def test_an_output_folder_inside_the_input_folder_is_no_input(tmp_path):
    """extract papers/ -o papers/out twice: the first run's outputs are not read back as papers."""
    src = tmp_path / "papers"
    src.mkdir()
    (src / "x.md").write_bytes((ROOT / "samples" / "sleep-exams.md").read_bytes())
    for _ in range(2):
        r = cli("extract", src, "-o", f"{src / 'out'}/")
        assert r.returncode == 0, r.stderr
    assert sorted(f.name for f in (src / "out").iterdir()) == ["x.txt"]


def test_a_closed_pipe_ends_papercli_quietly(tmp_path):
    """`papercli extract ... | head -1`: no traceback, no error line; the exit status of a SIGPIPE (141)."""
    paper = tmp_path / "long.txt"
    paper.write_text("A Title\n\n" + "This is one sentence of a long text. " * 20000)
    r = subprocess.run(f"{sys.executable} -m papercli extract {paper} | head -c 10 >/dev/null; "
                       "echo ${PIPESTATUS[0]}", shell=True, executable="/bin/bash", capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.stdout.strip() == "141" and r.stderr == ""
