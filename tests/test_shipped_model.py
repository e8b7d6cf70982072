"""The shipped model: present, small, safetensors only, and loadable from a built wheel with no network."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "papercli-longnet-small"
FILES = ("model.safetensors", "config.json", "tokenizer.model", "calibration.json", "keywords.json", "MODEL_CARD.md")


def test_model_directory_is_complete_and_small():
    for name in FILES:
        assert (MODEL / name).exists(), name
    assert sum(p.stat().st_size for p in MODEL.iterdir()) < 60 * 2**20
    assert not list(MODEL.glob("*.pt")) and not list(MODEL.glob("*.bin")) and not list(MODEL.glob("*.pkl"))
    calibration = json.loads((MODEL / "calibration.json").read_text())
    assert 0.0 <= calibration["threshold"] < 1.0 and 0.5 <= calibration["min_coverage"] <= 1.0


def test_tokenizer_round_trips_scientific_text():
    from papercli.tokenizer import Tokenizer

    tok = Tokenizer(MODEL / "tokenizer.model")
    text = "BLEU rose from 27.3 to 28.9 (p < 0.05) on WMT'14 En→De; see Fig. 3, Eq. (2) and Table 1: α=0.1, ±2%."
    ids = tok.encode(text)
    assert tok.decode(ids) == text
    assert tok.sp.unk_id() not in ids


def test_loads_from_a_built_wheel(tmp_path):
    """Build the wheel, unpack it outside the checkout and run the engine from there (no network)."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("papercli-*.whl"))
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    assert (site / "papercli" / "models" / "papercli-longnet-small" / "model.safetensors").exists()
    assert (site / "papercli" / "ingest" / "words.tsv.gz").exists()  # the lexicon for line-end hyphens
    code = ("from papercli.tasks.engine import Engine, find_model_dir; from papercli.ingest.text import paragraphs_from_texts;"
            "from papercli.ingest.document import Document, Section;"
            "d = Document('x', 'T', sections=[Section('1 Intro', paragraphs=paragraphs_from_texts("
            "['We propose a method. It works well. The value of k is 7.']))]);"
            "e = Engine.load(device='cpu'); s, k = e.salience(d); print(find_model_dir()); print(len(s), len(k))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"})
    assert out.returncode == 0, out.stderr
    where, count, keywords = out.stdout.split()
    assert where.startswith(str(site)) and count == "3" and int(keywords) >= 5  # keyword weights came along
