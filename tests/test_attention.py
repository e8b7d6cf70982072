"""Dilated attention against dense references, rotary precision, and memory complexity."""

import math

import pytest
import torch
import torch.nn.functional as F

from papercli.longnet.attention import DilatedSelfAttention, dilated_attention
from papercli.longnet.rotary import apply_rotary


def pattern_counts(B, H, N, segments, mask=None, causal=False, G=0):
    """(B, H, N, N) number of patterns in which query i attends to key j (duplicates counted)."""
    i = torch.arange(N)[:, None]
    j = torch.arange(N)[None, :]
    h = torch.arange(H)[:, None, None]
    count = torch.zeros(H, N, N)
    for w, r in segments:
        count += ((i // w == j // w) & (i % r == h % r) & (j % r == h % r)).float()
    if causal:
        count = count * (j <= i)
    if G:
        count = count + (j < G).float()  # the global-key pattern
        glob = torch.ones(N, N) * (j <= i) if causal else torch.ones(N, N)
        count[:, :G] = glob[:G]  # global queries: plain dense attention
    count = count.expand(B, H, N, N).clone()
    if mask is not None:
        count = count * mask[:, None, None, :]
        count[~mask[:, None, :, None].expand_as(count)] = 1.0  # padded queries: any finite row
    return count


def reference(q, k, v, segments, mask=None, causal=False, G=0):
    """softmax(q k^T / sqrt(D) + log count) v: the lse-combination of per-pattern softmaxes, densely."""
    B, H, N, D = q.shape
    count = pattern_counts(B, H, N, segments, mask, causal, G)
    scores = q @ k.transpose(-1, -2) / math.sqrt(D) + count.log()
    out = torch.softmax(scores, -1) @ v
    if mask is not None:
        out = out * mask[:, None, :, None]
    return out


def qkv(B, H, N, D, seed=0, grad=False):
    g = torch.Generator().manual_seed(seed)
    return [torch.randn(B, H, N, D, generator=g).requires_grad_(grad) for _ in range(3)]


CASES = [  # B, H, N, D, segments, padded, causal, G
    (1, 1, 16, 8, [(16, 1)], False, False, 0),
    (2, 2, 37, 16, [(8, 1), (16, 2)], True, False, 0),
    (1, 4, 50, 8, [(4, 1), (8, 2), (16, 4)], False, True, 0),
    (2, 4, 29, 8, [(8, 1), (32, 4), (64, 8)], True, True, 0),
    (1, 2, 40, 16, [(8, 1), (16, 4)], True, False, 5),
    (2, 4, 33, 8, [(4, 1), (16, 2), (32, 8)], True, True, 3),
    (1, 2, 7, 4, [(16, 1), (64, 4)], False, False, 2),
    (1, 2, 16, 8, [(8, 1), (16, 1), (16, 2)], False, False, 0),  # two patterns cover every position
]


@pytest.mark.parametrize("B,H,N,D,segments,padded,causal,G", CASES)
def test_matches_reference_forward_and_grad(B, H, N, D, segments, padded, causal, G):
    q, k, v = qkv(B, H, N, D, grad=True)
    mask = None
    if padded:
        mask = torch.ones(B, N, dtype=torch.bool)
        mask[0, N - N // 3:] = False  # right padding: whole segments are padding
        mask[-1, G + 1] = False  # a hole in the middle
    out = dilated_attention(q, k, v, segments, mask, causal, G)
    ref = reference(q, k, v, segments, mask, causal, G)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-4)
    grad = torch.randn_like(out)
    grads = torch.autograd.grad(out, (q, k, v), grad)
    ref_grads = torch.autograd.grad(ref, (q, k, v), grad)
    for a, b in zip(grads, ref_grads):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-3)


@pytest.mark.parametrize("N,causal", [(64, False), (50, True), (100, False)])
def test_single_full_segment_equals_sdpa(N, causal):
    q, k, v = qkv(2, 4, N, 16)
    out = dilated_attention(q, k, v, [(128, 1)], causal=causal)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=causal), atol=1e-5, rtol=1e-5)


def test_fully_padded_segments_no_nan():
    q, k, v = qkv(2, 4, 64, 8, grad=True)
    mask = torch.zeros(2, 64, dtype=torch.bool)
    mask[0, :10] = True  # batch 1 is entirely padding
    out = dilated_attention(q, k, v, [(8, 1), (32, 4)], mask, num_global=4)
    out.sum().backward()
    assert torch.isfinite(out).all() and all(torch.isfinite(t.grad).all() for t in (q, k, v))
    assert (out[1] == 0).all() and (out[0, :, 10:] == 0).all()


def test_global_tokens_reach_everything():
    N, G = 48, 4
    q, k, v = qkv(1, 2, N, 8)
    segments = [(8, 1), (16, 2)]
    out = dilated_attention(q, k, v, segments, num_global=G)
    for pos in range(N):  # a change anywhere reaches the global queries
        v2 = v.clone()
        v2[:, :, pos] += 1.0
        diff = (dilated_attention(q, k, v2, segments, num_global=G) - out).abs()
        assert (diff[:, :, :G] > 1e-6).all()
    v2 = v.clone()
    v2[:, :, G - 1] += 1.0  # a change in a global value reaches every query
    assert ((dilated_attention(q, k, v2, segments, num_global=G) - out).abs().amax(-1) > 1e-6).all()


def test_causal_never_sees_the_future():
    N, G = 70, 3
    q, k, v = qkv(1, 4, N, 8)
    segments = [(8, 1), (32, 4), (64, 8)]
    out = dilated_attention(q, k, v, segments, causal=True, num_global=G)
    for t in [1, 2, 20, 45]:
        k2, v2 = k.clone(), v.clone()
        k2[:, :, t:] += torch.randn_like(k2[:, :, t:])
        v2[:, :, t:] += 1.0
        out2 = dilated_attention(q, k2, v2, segments, causal=True, num_global=G)
        torch.testing.assert_close(out2[:, :, :t], out[:, :, :t], atol=0, rtol=0)
        assert (out2[:, :, t] != out[:, :, t]).any()


def test_module_shapes_and_grad():
    m = DilatedSelfAttention(32, 4, [(8, 1), (16, 2)])
    x = torch.randn(2, 20, 32, requires_grad=True)
    mask = torch.ones(2, 20, dtype=torch.bool)
    mask[1, 15:] = False
    y = m(x, key_padding_mask=mask, causal=True, num_global=2, positions=torch.arange(20) + 10**6)
    y.sum().backward()
    assert y.shape == x.shape and torch.isfinite(x.grad).all()


def test_rotary_exact_at_a_million():
    pos = torch.arange(10**6 - 64, 10**6 + 64)
    q, k = torch.randn(2, 1, 2, 1, 64).expand(-1, -1, -1, len(pos), -1).unbind(0)  # same q, k everywhere
    rq, rk = apply_rotary(q, k, pos)
    inv = 10000.0 ** (-torch.arange(0, 64, 2, dtype=torch.float64) / 64)
    ang = pos.double()[:, None] * inv
    cos, sin = ang.cos(), ang.sin()
    x1, x2 = q.double().chunk(2, -1)
    ref = torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)
    assert (rq.double() - ref).abs().max() < 1e-5
    s = (rq[:, :, 3:] * rk[:, :, :-3]).sum(-1)  # <rq_i, rk_j> depends on i - j only
    assert (s - s[..., :1]).abs().max() < 1e-4


_PEAK = """
import sys, torch
from papercli.bench_attention import peak_rss
from papercli.longnet.attention import dilated_attention
N = int(sys.argv[1])
torch.manual_seed(0)
q, k, v = torch.randn(3, 1, 4, N, 64).unbind(0)
segments = [(1024, 1), (4096, 4), (16384, 16)]
with torch.no_grad():
    dilated_attention(q, k, v, segments)  # warm up kernels and the thread pool
    print(min(peak_rss(lambda: dilated_attention(q, k, v, segments))[1] for _ in range(2)))
"""


def test_memory_grows_linearly():
    """Peak memory per token stays flat from 16K to 64K tokens (quadratic memory would grow 4x per token).

    Each size runs in a fresh process, so allocations of other tests cannot blur the reading.
    """
    import subprocess
    import sys

    per_token = []
    for N in (16384, 65536):
        out = subprocess.run([sys.executable, "-c", _PEAK, str(N)], capture_output=True, text=True, check=True)
        per_token.append(int(out.stdout.split()[-1]) / N)
    assert per_token[0] > 0 and per_token[1] < 1.5 * per_token[0], per_token


def test_bfloat16_close_to_float32():
    q, k, v = qkv(2, 4, 45, 16, grad=True)
    mask = torch.ones(2, 45, dtype=torch.bool)
    mask[1, 30:] = False
    args = ([(8, 1), (16, 4)], mask, False, 3)
    ref = dilated_attention(q, k, v, *args)
    lo = [t.detach().bfloat16().requires_grad_() for t in (q, k, v)]
    out = dilated_attention(*lo, *args)
    out.float().sum().backward()
    assert out.dtype == torch.bfloat16 and all(t.grad.dtype == torch.bfloat16 for t in lo)
    torch.testing.assert_close(out.float(), ref, atol=3e-2, rtol=3e-2)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
@pytest.mark.parametrize("B,H,N,D,segments,padded,causal,G", CASES)
def test_cuda_matches_reference(B, H, N, D, segments, padded, causal, G, dtype, device="cuda"):
    """The CUDA path (memory-efficient kernel, half precision too) against the float64 dense reference."""
    q, k, v = (x.double().requires_grad_() for x in qkv(B, H, N, D))
    mask = None
    if padded:
        mask = torch.ones(B, N, dtype=torch.bool)
        mask[0, N - N // 3:] = False
        mask[-1, G + 1] = False
    ref = reference(q, k, v, segments, mask, causal, G)
    grad = torch.randn_like(ref)
    ref_grads = torch.autograd.grad(ref, (q, k, v), grad)
    dev = [x.detach().to(device, dtype).requires_grad_() for x in (q, k, v)]
    out = dilated_attention(*dev, segments, None if mask is None else mask.to(device), causal, G)
    grads = torch.autograd.grad(out, dev, grad.to(device, dtype))
    tol = dict(atol=1e-3, rtol=1e-3) if dtype == torch.float32 else dict(atol=3e-2, rtol=3e-2)
    torch.testing.assert_close(out.double().cpu(), ref, **tol)
    for a, b in zip(grads, ref_grads):
        torch.testing.assert_close(a.double().cpu(), b, atol=3 * tol["atol"], rtol=3 * tol["rtol"])
