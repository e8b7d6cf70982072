"""Robustness of the CLI and its files: cache keys, folder inputs, control characters, interruptions, limits,
stale outputs, atomic writes. No model is loaded: `summarize` runs on a fake engine where it needs one."""

import gzip
import json
import os
import pty
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from papercli.cli import app, main
from papercli.cli import tasks as task_commands

ROOT = Path(__file__).resolve().parents[1]
BODY = "A body sentence about rivers and their sensors here. " * 20
ESC_TITLE = "# Title \x1b]0;x\x07Here\n\n"  # an OSC sequence (it sets the terminal's title) in the title
ESC_BODY = "A body sentence with \x1b[31m red text and a\ttab. " + BODY


def cli(*args, env=None, stdin=None):
    r = CliRunner().invoke(app, [str(a) for a in args], env=env, input=stdin)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return SimpleNamespace(returncode=r.exit_code, stdout=r.stdout, stderr=r.stderr)


def paper(path: Path, title: str = "A Title") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# {title}\n\n{BODY}\n")
    return path


@pytest.fixture
def fake(monkeypatch, tmp_path):
    """`summarize` without a model: a fake engine and a one-sentence summary per paper; `calls` lists the papers
    summarized, `interrupt_at` (a call number) makes that call a Ctrl-C."""
    from papercli.tasks import ask as task
    from papercli.tasks import summarize as summ

    state = SimpleNamespace(calls=[], interrupt_at=None, model=tmp_path / "model")
    state.model.mkdir()
    for name in ("model.safetensors", "tokenizer.model"):
        (state.model / name).write_bytes(b"weights")

    def summarize(engine, p, words=None, sentences=None):
        state.calls.append(p.path)
        if len(state.calls) == state.interrupt_at:
            raise KeyboardInterrupt
        return {"document": p.path, "title": p.doc.title, "pages": 1, "sections": [], "words": 9,
                "summary": [{"text": "A body sentence.", "page": 1, "score": 1.0, "sentence": "A body sentence."}]}

    monkeypatch.setattr(task_commands, "_task_engine", lambda model, device: object())
    monkeypatch.setattr(task, "encode_papers", lambda engine, papers, cache: 0)
    monkeypatch.setattr(summ, "summarize", summarize)
    monkeypatch.setenv("PAPERCLI_MODEL", str(state.model))
    monkeypatch.setenv("PAPERCLI_CACHE_DIR", str(tmp_path / "cache"))
    return state


def run_main(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """`papercli ARGS` through the console script (`papercli.cli.main`) in this process: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["papercli", *map(str, args)])
    monkeypatch.setattr("signal.signal", lambda *a: None)  # main's SIGPIPE default is for a real process
    with pytest.raises(SystemExit) as e:
        main()
    out = capsys.readouterr()
    return e.value.code, out.out, out.err


# -- 1: the cache ----------------------------------------------------------------------------------------------

def test_cache_key_holds_the_parse_mode(tmp_path):
    """The same bytes as .md (Markdown: "# Title" is the title) and as .txt (plain text) are two documents."""
    from papercli.cache import Cache
    from papercli.ingest import load_document

    md, txt = paper(tmp_path / "a.md"), tmp_path / "a.txt"
    txt.write_bytes(md.read_bytes())
    cache = Cache(tmp_path / "cache")
    (doc_md, key_md), (doc_txt, key_txt) = cache.load_document(str(md)), cache.load_document(str(txt))
    assert key_md != key_txt and doc_md.title == "A Title"
    assert doc_txt.to_dict() == load_document(str(txt)).to_dict() != doc_md.to_dict()
    assert cache.load_document(str(txt))[0].to_dict() == doc_txt.to_dict() and cache.stats["doc_hits"] == 1


def test_code_fingerprint_covers_the_hyphenation_lexicon(tmp_path, monkeypatch):
    from papercli import cache

    pkg = tmp_path / "papercli"
    (pkg / "ingest").mkdir(parents=True)
    (pkg / "ingest" / "text.py").write_text("code")
    monkeypatch.setattr(cache, "__file__", str(pkg / "cache.py"))
    (pkg / "ingest" / "words.tsv.gz").write_bytes(gzip.compress(b"without\t1613\n"))
    before = cache.code_fingerprint()
    (pkg / "ingest" / "words.tsv.gz").write_bytes(gzip.compress(b"without\t1613\nwith-out\t2\n"))
    assert cache.code_fingerprint() != before


# -- 2: papercli's outputs in an input folder ---------------------------------------------------------------------

def test_a_folder_skips_papercli_outputs_a_named_file_is_read(tmp_path):
    src = tmp_path / "batch"
    paper(src / "a.md")
    paper(src / "b.txt")
    for name in ("a.md.txt", "out/x.pdf.md", "out/x.pdf-2.txt", "b.txt.txt.txt"):
        paper(src / name, "Earlier output")
    r = cli("info", src, "-f", "jsonl")
    assert r.returncode == 0, r.stderr
    assert [json.loads(line)["file"] for line in r.stdout.splitlines()] == [str(src / "a.md"), str(src / "b.txt")]
    assert r.stderr.splitlines() == ["papercli: skipped 4 files that look like papercli outputs "
                                     "(a.md.txt, b.txt.txt.txt, x.pdf-2.txt, ...); name them to read them"]
    r = cli("info", src / "a.md.txt", "-f", "jsonl")
    assert r.returncode == 0 and json.loads(r.stdout)["title"] == "# Earlier output" and r.stderr == ""


def test_summarize_into_its_own_input_folder_never_reads_its_outputs(fake, tmp_path):
    src = tmp_path / "s"
    paper(src / "a.md")
    for _ in range(3):
        r = cli("summarize", src, "-o", src, "--force")
        assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in src.iterdir() if not p.name.startswith(".")) == ["a.md", "a.md.txt"]
    assert fake.calls == [str(src / "a.md")] * 3
    r = cli("summarize", src, "-f", "jsonl")
    assert [json.loads(line)["document"] for line in r.stdout.splitlines()] == [str(src / "a.md")]
    assert "skipped 1 file that looks like a papercli output (a.md.txt); name it to read it" in r.stderr


# -- 3: control characters never reach the terminal ----------------------------------------------------------------

def test_info_shows_control_characters_escaped(tmp_path):
    odd = tmp_path / "a\x1b[2Jb.md"
    odd.write_text(ESC_TITLE + BODY + "\n")
    for fmt in ("text", "md"):
        r = cli("info", odd, "-f", fmt)
        assert r.returncode == 0, r.stderr
        assert "\x1b" not in r.stdout and "\x07" not in r.stdout
        assert "a\\x1b[2Jb.md" in r.stdout and "Title \\x1b]0;x\\x07Here" in r.stdout
    assert json.loads(cli("info", odd, "-f", "json").stdout)["title"] == "Title \x1b]0;x\x07Here"  # data as is


def test_batch_progress_messages_show_control_characters_escaped(fake, tmp_path, monkeypatch):
    """With the progress bar on (a terminal), errors go through tqdm.write: escaped like every error line."""
    import tqdm

    class Shown(tqdm.tqdm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "disable": False})

    monkeypatch.setattr(tqdm, "tqdm", Shown)
    src = tmp_path / "batch"
    paper(src / "good.md")
    (src / "bad\x1b[2J.pdf").write_bytes(b"%PDF-1.4 broken")
    r = cli("summarize", src)
    assert r.returncode == 1
    assert "bad\\x1b[2J.pdf" in r.stderr and "bad\x1b" not in r.stderr


def _extract_on_a_terminal(path: Path, *args) -> bytes:
    """stdout of `papercli extract PATH ARGS` in a real process whose stdout is a terminal (a pty)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "papercli", "extract", str(path), *args], stdout=slave,
                            stderr=subprocess.PIPE, cwd=ROOT, env={**os.environ, "PAPERCLI_CACHE_DIR": str(path.parent)})
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert proc.wait(timeout=120) == 0, proc.stderr.read()
    proc.stderr.close()
    return out


def test_extract_escapes_control_characters_on_a_terminal_only(tmp_path):
    src = tmp_path / "p.md"
    src.write_text(ESC_TITLE + ESC_BODY + "\n")
    for fmt in ("text", "md"):
        shown = _extract_on_a_terminal(src, "-f", fmt)
        assert b"\x1b" not in shown and b"\x07" not in shown
        assert b"Title \\x1b]0;x\\x07Here" in shown and b"with \\x1b[31m red" in shown
    piped = cli("extract", src)  # a pipe or a file: byte-exact
    assert "Title \x1b]0;x\x07Here" in piped.stdout and "\x1b[31m red" in piped.stdout
    cli("extract", src, "-f", "md", "-o", tmp_path / "out.md")
    assert "\x1b[31m red" in (tmp_path / "out.md").read_text()


# -- 4, 5: Ctrl-C --------------------------------------------------------------------------------------------------

def test_interrupted_json_summaries_keep_what_is_done(fake, tmp_path, monkeypatch, capsys):
    papers = [paper(tmp_path / f"{n}.md") for n in ("a", "b", "c")]
    fake.interrupt_at = 2
    code, out, err = run_main(monkeypatch, capsys, "summarize", *papers, "-f", "json")
    assert code == 130
    assert [r["document"] for r in json.loads(out)] == [str(papers[0])]  # valid JSON: what was done
    assert err.splitlines() == ["papercli: summarize: interrupted: 1 succeeded, 0 failed, 0 skipped, 2 not done"]


def test_ctrl_c_says_interrupted_once(tmp_path, monkeypatch, capsys):
    import papercli.ingest

    def interrupt(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(papercli.ingest, "load_document", interrupt)
    code, out, err = run_main(monkeypatch, capsys, "extract", paper(tmp_path / "a.md"))
    assert code == 130 and out == "" and err == "papercli: interrupted\n"


# -- 6: limits ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["-1", "0", "lots", "nan"])
def test_a_bad_size_limit_is_a_usage_error(value, tmp_path):
    for args in (["extract", "-"], ["info", paper(tmp_path / "a.md")]):
        r = cli(*args, env={"PAPERCLI_MAX_MB": value}, stdin="# T\n\n" + BODY)
        assert r.returncode == 2 and r.stdout == "", r.stderr
        assert r.stderr.splitlines() == [f"papercli: PAPERCLI_MAX_MB={value!r}: must be a positive number (or inf)"]


def test_no_size_limit_reads_stdin():
    r = cli("extract", "-", env={"PAPERCLI_MAX_MB": "inf"}, stdin="# T\n\n" + BODY)
    assert r.returncode == 0 and r.stdout.startswith("T\n"), r.stderr


# -- 7: stale summaries ------------------------------------------------------------------------------------------

def test_summaries_made_with_other_options_or_model_are_redone(fake, tmp_path):
    src, out = tmp_path / "papers", tmp_path / "out"
    paper(src / "a.md")
    paper(src / "b.md")

    def run(*args):
        fake.calls.clear()
        r = cli("summarize", src, "-o", out, *args)
        assert r.returncode == 0, r.stderr
        return len(fake.calls)

    assert run("-n", "3") == 2
    assert run("-n", "3") == 0  # up to date
    assert run("-n", "5") == 2  # another length
    assert run("-n", "5") == 0
    weights = fake.model / "model.safetensors"
    weights.write_bytes(b"retrained weights")
    assert run("-n", "5") == 2  # another model
    assert run("-n", "5", "--model", fake.model) == 0  # the same model, named
    assert run("-n", "5", "-f", "md") == 2 and run("-n", "5") == 0  # another format: other files
    stamps = json.loads((out / ".papercli-summarize.json").read_text())["outputs"]
    assert set(stamps) == {"a.md.txt", "b.md.txt", "a.md.md", "b.md.md"}
    (out / ".papercli-summarize.json").write_text("{damaged")
    assert run("-n", "5") == 2


# -- 8: training log and atomic writes ---------------------------------------------------------------------------

def test_a_torn_training_log_line_is_dropped_on_resume(tmp_path):
    from papercli.train.loop import _log_from

    log = tmp_path / "log.jsonl"
    log.write_text('{"step": 1}\n{"step": 2}\nnot json\n{"step": 3}\n{"step": 4, "tok')
    with _log_from(log, 3) as f:
        f.write('{"step": 4}\n')
    assert [json.loads(line)["step"] for line in log.read_text().splitlines()] == [1, 2, 3, 4]


def test_atomic_path_replaces_only_a_complete_file(tmp_path):
    from papercli.io import atomic_path, write_atomic

    target = tmp_path / "f.bin"
    write_atomic(target, b"\x00old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"\x00old" and os.listdir(tmp_path) == ["f.bin"]


def test_save_model_never_leaves_half_a_weights_file(tmp_path, monkeypatch):
    import safetensors.torch

    from papercli.longnet.model import LongNet, LongNetConfig, save_model

    model = LongNet(LongNetConfig(vocab_size=64, d_model=16, n_layers=1, n_heads=2, d_ff=32))
    save_model(model, tmp_path)
    old = (tmp_path / "model.safetensors").read_bytes()

    def torn(tensors, filename, *args, **kwargs):
        Path(filename).write_bytes(b"half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safetensors.torch, "save_file", torn)
    with pytest.raises(OSError):
        save_model(model, tmp_path)
    assert (tmp_path / "model.safetensors").read_bytes() == old
    assert sorted(os.listdir(tmp_path)) == ["config.json", "model.safetensors"]


def test_tokenizer_file_is_replaced_not_rewritten(tmp_path, monkeypatch):
    """A reader holding the old tokenizer.model (here a hard link to it) keeps it whole."""
    from papercli import tokenizer

    out = tmp_path / "tokenizer.model"
    out.write_bytes(b"old model")
    os.link(out, tmp_path / "reader")
    monkeypatch.setattr(tokenizer.spm.SentencePieceTrainer, "train", lambda **kw: kw["model_writer"].write(b"new"))
    monkeypatch.setattr(tokenizer, "Tokenizer", lambda path: path)
    tokenizer.train_tokenizer(["a sentence"], out)
    assert out.read_bytes() == b"new" and (tmp_path / "reader").read_bytes() == b"old model"


def test_lexicon_save_leaks_no_temp_file(tmp_path):
    from papercli.ingest import lexicon

    target = tmp_path / "words.tsv.gz"
    lexicon.save(Counter({"without": 3}), target)

    class Broken(Counter):
        def items(self):
            raise ValueError("bad counts")

    with pytest.raises(ValueError):
        lexicon.save(Broken(), target)
    assert os.listdir(tmp_path) == ["words.tsv.gz"]
    assert gzip.decompress(target.read_bytes()) == b"without\t3\n"


# -- 9: clarity ----------------------------------------------------------------------------------------------------

def test_a_cut_summary_counts_its_words_without_the_ellipsis(tmp_path):
    from papercli.ingest import load_document
    from papercli.tasks.ask import Paper
    from papercli.tasks.summarize import summarize

    src = tmp_path / "run-on.txt"
    src.write_text("A Title\n\n" + "word " * 3000)
    doc = load_document(str(src))

    class Engine:
        def salience(self, doc, encoded):
            return [1.0] * sum(1 for _ in doc.body_sentences()), None

    r = summarize(Engine(), Paper(str(src), doc), words=20)
    assert r["summary"][0]["text"].endswith(" …") and r["words"] == 20


def test_help_says_what_the_commands_do():
    train = cli("train", "--help", env={"COLUMNS": "300"}).stdout
    assert all(w in train for w in ("tokenizer", "model", "keyword", "calibration", "lexicon"))
    summarize = cli("summarize", "--help", env={"COLUMNS": "300"}).stdout
    assert "paper.pdf.txt" in summarize and "<format>" not in summarize


def test_json_output_is_utf8_for_a_file_name_of_other_bytes(tmp_path):
    """A file name that is no UTF-8 ("\\xff\\xfe.txt": a fuzzer's) is escaped in JSON ("\\udcff"), so the output stays
    valid UTF-8 JSON; text output keeps the name's own bytes."""
    from papercli.io import to_json

    name = os.fsdecode(b"bad_\xff\xfe.txt")
    path = paper(tmp_path / name)
    for fmt in ("json", "jsonl"):
        out = subprocess.run([sys.executable, "-m", "papercli", "info", "-f", fmt, str(path)], capture_output=True,
                             cwd=ROOT, check=True).stdout
        assert json.loads(out.decode("utf-8"))["file"] == str(path)
    assert to_json({"a": "\u00e9"}) == '{"a": "\u00e9"}' and to_json({"a": name}).isascii()


def test_one_bad_input_is_one_line(tmp_path):
    """A fuzzer saw "no readable papers" follow the one input's own error: one input, one line."""
    empty = tmp_path / "zero.pdf"
    empty.write_bytes(b"")
    r = cli("ask", empty, "What is the main result?")
    assert r.returncode == 2 and r.stderr.strip().splitlines() == [f"papercli: {empty}: empty file (0 bytes)"], r.stderr
    r = cli("ask", empty, tmp_path / "missing.pdf", "What is the main result?")
    assert r.returncode == 2 and r.stderr.strip().splitlines()[-1] == "papercli: no readable papers"
