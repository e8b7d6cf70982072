"""`papercli bench e2e`: end-to-end `ask` cost per stage, one sample paper and repeated-sample collections.

Every (case, cold|warm) runs in its own subprocess so that the peak RSS (getrusage ru_maxrss, the
high-water mark of the process) belongs to that run alone. Stages: load model (incl. importing torch),
ingest (extraction, or the cached Document), tokenize (or the cached token ids), forward (context
build + model), decode (evidence ranking + answer span). Cold: an empty cache folder; warm: the same
folder again, so ingest and tokenize come from the cache.

Collections repeat samples/*.pdf and samples/*.md until the token target is reached. Every copy gets
distinct bytes (trailing bytes after the PDF's %%EOF / trailing newlines in Markdown) so the content-keyed
cache cannot deduplicate them: a cold run really extracts and tokenizes every file. For targets of
500K tokens and more the warm run skips forward/decode (same work as cold; run once, it is slow on CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
QUESTION = "What is the main result of the paper?"
STAGES = ("load_model", "ingest", "tokenize", "forward", "decode")
WARM_FORWARD_MAX = 500_000


def _peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 2**20


def worker(paths: list[str], cache_dir: str, model: str | None, device: str, forward: bool) -> dict:
    """One measured run in this process; returns seconds per stage and the peak RSS."""
    from papercli.cache import Cache

    t = {}
    t0 = time.perf_counter()
    import torch  # noqa: F401  (part of the model's cost)

    from papercli.tasks.engine import Engine

    engine = Engine.load(model, device)
    t["load_model"] = time.perf_counter() - t0
    cache = Cache(cache_dir)
    t0 = time.perf_counter()
    docs = [cache.load_document(p) for p in paths]
    t["ingest"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    encoded = [cache.encode(engine, d, k) for d, k in docs]
    t["tokenize"] = time.perf_counter() - t0
    tokens = sum(e.num_tokens for e in encoded)
    if forward:
        engine.ask([d for d, _ in docs], QUESTION, encoded, top_k=3)
        t["forward"], t["decode"] = engine.timings["forward"], engine.timings["decode"]
    else:
        t["forward"] = t["decode"] = None
    return {"seconds": t, "peak_rss_mb": round(_peak_rss_mb(), 1), "tokens": tokens, "files": len(paths),
            "device": engine.device, "cache": cache.stats}


def _sample_files() -> list[Path]:
    files = sorted(SAMPLES.glob("*.pdf")) + sorted(SAMPLES.glob("*.md"))
    if not files:
        raise FileNotFoundError(f"{SAMPLES}: no sample papers (samples/*.pdf, samples/*.md)")
    return files


def _tokens_per_file(model: str | None) -> dict[str, int]:
    """Token count of every sample (cheap: tokenizer only, no model)."""
    from papercli.context import EncodedDocument
    from papercli.ingest import load_document
    from papercli.tasks.engine import find_model_dir
    from papercli.tokenizer import Tokenizer

    tok = Tokenizer(find_model_dir(model) / "tokenizer.model")
    return {str(f): EncodedDocument.encode(load_document(str(f)), tok).num_tokens for f in _sample_files()}


def make_collection(folder: Path, target: int, sizes: dict[str, int]) -> list[str]:
    """Distinct copies of the samples, round-robin, until `target` tokens."""
    folder.mkdir(parents=True, exist_ok=True)
    out, total, n = [], 0, 0
    files = list(sizes)
    while total < target:
        src = Path(files[n % len(files)])
        copy = n // len(files)
        data = src.read_bytes()
        data += (f"\n% papercli bench copy {copy}\n".encode() if src.suffix == ".pdf" else b"\n" * (copy + 1))
        dst = folder / f"{copy:05d}-{src.name}"
        dst.write_bytes(data)
        out.append(str(dst))
        total += sizes[str(src)]
        n += 1
    return out


def _spawn(paths: list[str], cache_dir: str, model: str | None, device: str, forward: bool, tmp: Path) -> dict:
    plist = tmp / "paths.txt"
    plist.write_text("\n".join(paths))
    cmd = [sys.executable, "-m", "papercli.bench_e2e", "--worker", str(plist), "--cache", cache_dir,
           "--device", device] + (["--model", model] if model else []) + ([] if forward else ["--no-forward"])
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark worker failed: {proc.stderr.strip().splitlines()[-1:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall_s"] = round(time.perf_counter() - t0, 2)
    return res


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def measure(targets: list[int], model: str | None, device: str) -> dict:
    sizes = _tokens_per_file(model)
    cases = []
    with tempfile.TemporaryDirectory(prefix="papercli-bench-") as tmpd:
        tmp = Path(tmpd)
        single = next(f for f in sizes if f.endswith(".pdf")) if any(f.endswith(".pdf") for f in sizes) else next(iter(sizes))
        plan = [("1 paper", [single], 0)]
        for t in targets:
            label = f"~{t / 1e6:g}M tokens" if t >= 1_000_000 else f"~{t / 1e3:g}K tokens"
            plan.append((label, make_collection(tmp / f"c{t}", t, sizes), t))
        for label, paths, target in plan:
            cache_dir = tmp / f"cache-{len(cases)}"
            row = {"case": label, "files": len(paths)}
            for mode in ("cold", "warm"):
                forward = mode == "cold" or target < WARM_FORWARD_MAX
                _log(f"bench e2e: {label}, {mode} ({len(paths)} files)…")
                row[mode] = _spawn(paths, str(cache_dir), model, device, forward, tmp)
            row["tokens"] = row["cold"]["tokens"]
            cases.append(row)
            shutil.rmtree(cache_dir, ignore_errors=True)
    import torch

    return {"question": QUESTION, "device": cases[0]["cold"]["device"], "cpus": os.cpu_count(),
            "torch_threads": torch.get_num_threads(), "torch": torch.__version__, "python": platform.python_version(),
            "model": model or os.environ.get("PAPERCLI_MODEL") or "(shipped)", "cases": cases}


def _fmt_s(v) -> str:
    return "—" if v is None else f"{v:.2f}"


def table(result: dict) -> str:
    head = "| case | tokens | files | run | " + " | ".join(STAGES) + " | total s | peak RSS MB |"
    lines = [head, "|" + "---|" * (len(STAGES) + 6)]
    for c in result["cases"]:
        for mode in ("cold", "warm"):
            r = c[mode]
            total = sum(v for v in r["seconds"].values() if v is not None)
            lines.append(f"| {c['case']} | {c['tokens']:,} | {c['files']} | {mode} | "
                         + " | ".join(_fmt_s(r["seconds"][s]) for s in STAGES)
                         + f" | {total:.2f} | {r['peak_rss_mb']:.0f} |")
    return "\n".join(lines) + "\n"


def markdown(result: dict, command: str) -> str:
    return (f"# End-to-end `ask` benchmark\n\nCommand: `{command}`\n\n"
            f"Machine: {result['cpus']} CPUs visible, torch {result['torch']} with {result['torch_threads']} "
            f"threads, device {result['device']}, Python {result['python']}, model `{result['model']}`.\n"
            f"Question: \"{result['question']}\". Seconds per stage; peak RSS is the high-water mark of the "
            f"process (its own subprocess per run). Cold: empty cache; warm: ingest and tokenize from the cache. "
            f"— = not run (the warm forward of the largest collections is the same work as cold).\n\n"
            + table(result))


def run(targets: list[int], model: str | None, device: str, fmt: str, results_path: str | None) -> int:
    from papercli.tasks.engine import resolve_device

    try:
        device = resolve_device(device)
        result = measure(targets, model, device)
    except (FileNotFoundError, RuntimeError) as e:
        print(f"papercli: {e}", file=sys.stderr)
        return 2
    if fmt == "json":
        print(json.dumps(result, indent=1))
    else:
        sys.stdout.write(table(result))
    if results_path:
        from papercli.io import write_atomic

        command = "papercli " + " ".join(sys.argv[1:]) if sys.argv[0].endswith("papercli") else " ".join(sys.argv)
        if os.environ.get("PAPERCLI_MODEL") and not model:
            command = f"PAPERCLI_MODEL={os.environ['PAPERCLI_MODEL']} {command}"
        write_atomic(results_path, markdown(result, command))
    return 0


def _main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="papercli bench e2e worker (use `papercli bench e2e`)")
    p.add_argument("--worker", required=True, help="File with one input path a line.")
    p.add_argument("--cache", required=True)
    p.add_argument("--model")
    p.add_argument("--device", default="cpu")
    p.add_argument("--no-forward", action="store_true")
    a = p.parse_args(argv)
    paths = Path(a.worker).read_text().splitlines()
    print(json.dumps(worker(paths, a.cache, a.model, a.device, not a.no_forward)))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
