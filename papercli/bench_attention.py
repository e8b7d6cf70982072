"""Benchmark: dilated attention against dense SDPA, same heads and head size, in one process.

Per length: forward seconds, peak memory above the inputs (CPU: resident set sampled from /proc in a
background thread, since tracemalloc does not see torch; CUDA: torch.cuda.max_memory_allocated), achieved
GFLOP/s on the work each actually does, and the dense/dilated time ratio. Dense runs are skipped where the
quadratic extrapolation from the last measured dense run exceeds dense_max_s.
"""

import ctypes
import json
import threading
import time

import torch
import torch.nn.functional as F

from papercli.longnet.attention import dilated_attention, segment_layout

SEGMENTS = [(2048, 1), (8192, 4), (32768, 16), (131072, 64)]  # w/r = 2048: equal cost per pattern per r


def peak_rss(fn) -> tuple[object, int]:
    """(fn(), peak resident bytes above the resident size at the call), sampled every 0.5 ms.

    glibc would serve allocations from memory freed earlier, invisible to the resident size; a fixed
    mmap threshold (mallopt M_MMAP_THRESHOLD = -3) gives every block over 64 KiB its own mapping,
    returned on free, so the resident size follows torch's live tensors.
    """
    ctypes.CDLL("libc.so.6").mallopt(-3, 65536)
    page = 4096
    read = lambda: int(open("/proc/self/statm").read().split()[1]) * page
    base, peak, done = read(), [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], read())
            time.sleep(0.0005)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        result = fn()
    finally:
        done.set()
        t.join()
    return result, max(peak[0], read()) - base


def _measure(fn, device: str) -> tuple[float, int]:
    """(seconds, peak bytes) of one call of fn."""
    if device == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        before = torch.cuda.memory_allocated()
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        return time.perf_counter() - t0, torch.cuda.max_memory_allocated() - before
    t0 = time.perf_counter()
    _, peak = peak_rss(fn)
    return time.perf_counter() - t0, peak


def dilated_flops(N: int, heads: int, head_dim: int, segments) -> float:
    """Multiply-adds x 2 of QK^T and PV over the sparse segments dilated attention actually computes."""
    return sum(4.0 * heads * S * (w // r) ** 2 * head_dim for w, r, S in segment_layout(N, segments))


def run(lengths: list[int], heads: int = 4, head_dim: int = 64, device: str = "cpu", dtype: str = "float32",
        fmt: str = "text", segments=None, dense_max_s: float = 300.0, plot: str | None = None) -> list[dict]:
    """Benchmark every length; print a table (fmt "text") or JSON, optionally save a PNG plot."""
    segments = segments or SEGMENTS
    dt = getattr(torch, dtype)
    rows, dense_last = [], None  # (N, seconds) of the last measured dense run

    def inputs(N):
        g = torch.Generator(device=device).manual_seed(0)
        return [torch.randn(1, heads, N, head_dim, generator=g, device=device, dtype=dt) for _ in range(3)]

    if fmt == "text":
        print(_header(heads, head_dim, device, dtype, segments), flush=True)
    with torch.no_grad():
        q, k, v = inputs(min(lengths))  # warm-up: kernels, allocator, thread pool
        dilated_attention(q, k, v, segments)
        F.scaled_dot_product_attention(q, k, v)
        for N in lengths:
            q, k, v = inputs(N)
            row = {"length": N, "heads": heads, "head_dim": head_dim, "device": device, "dtype": dtype}
            row["dilated_s"], row["dilated_bytes"] = _measure(lambda: dilated_attention(q, k, v, segments), device)
            row["dilated_gflops"] = dilated_flops(N, heads, head_dim, segments) / row["dilated_s"] / 1e9
            est = None if dense_last is None else dense_last[1] * (N / dense_last[0]) ** 2
            if est is not None and est > dense_max_s:
                row["dense_skipped_est_s"] = est
            else:
                row["dense_s"], row["dense_bytes"] = _measure(lambda: F.scaled_dot_product_attention(q, k, v), device)
                row["dense_gflops"] = 4.0 * heads * N * N * head_dim / row["dense_s"] / 1e9
                row["speedup"] = row["dense_s"] / row["dilated_s"]
                dense_last = (N, row["dense_s"])
            rows.append(row)
            if fmt == "text":
                print(_line(row), flush=True)
            del q, k, v
    if fmt == "json":
        print(json.dumps(rows, indent=1))
    if plot:
        _plot(rows, plot)
    return rows


def _header(heads: int, head_dim: int, device: str, dtype: str, segments=None) -> str:
    return (f"dilated {segments or SEGMENTS} vs dense SDPA, B=1 H={heads} D={head_dim} {device} {dtype}, "
            f"{torch.get_num_threads()} threads\n"
            f"{'length':>8} {'dilated s':>10} {'peak MiB':>9} {'GFLOP/s':>8} | {'dense s':>9} {'peak MiB':>9} "
            f"{'GFLOP/s':>8} | {'dense/dilated':>13}")


def _line(r: dict) -> str:
    left = f"{r['length']:>8} {r['dilated_s']:>10.3f} {r['dilated_bytes'] / 2**20:>9.0f} {r['dilated_gflops']:>8.1f}"
    if "dense_s" in r:
        return (f"{left} | {r['dense_s']:>9.3f} {r['dense_bytes'] / 2**20:>9.0f} {r['dense_gflops']:>8.1f} | "
                f"{r['speedup']:>12.1f}x")
    est = r["dense_skipped_est_s"]
    return f"{left} | dense: skipped (est. {est:.0f} s, {est / r['dilated_s']:.0f}x)"


def _plot(rows: list[dict], path: str) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot")
        return
    n = [r["length"] for r in rows]
    dn = [r["length"] for r in rows if "dense_s" in r]
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    a.loglog(n, [r["dilated_s"] for r in rows], "o-", label="dilated")
    a.loglog(dn, [r["dense_s"] for r in rows if "dense_s" in r], "s-", label="dense SDPA")
    sk = [r for r in rows if "dense_skipped_est_s" in r]
    a.loglog([r["length"] for r in sk], [r["dense_skipped_est_s"] for r in sk], "s--", mfc="none",
             label="dense (extrapolated)")
    a.set(xlabel="tokens", ylabel="forward seconds", title="time")
    b.loglog(n, [max(r["dilated_bytes"], 1) / 2**20 for r in rows], "o-", label="dilated")
    b.loglog(dn, [max(r["dense_bytes"], 1) / 2**20 for r in rows if "dense_s" in r], "s-", label="dense SDPA")
    b.set(xlabel="tokens", ylabel="peak MiB above inputs", title="memory")
    for ax in (a, b):
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot: {path}")
