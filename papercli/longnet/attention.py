"""LongNet dilated attention (Ding et al. 2023) with global tokens.

For each pattern (w, r) the sequence is cut into segments of length w; inside a segment head h keeps the
positions offset + j*r with offset = h mod r (so the heads together cover every position when r <= H)
and runs dense attention over those w/r positions. Each pattern yields an output and a log-sum-exp per
query; the patterns are combined as out = sum_i softmax_i(lse) * out_i, gradients flowing through the
weights. A position a pattern does not cover gets lse = -1e30 there (weight 0).

Duplicate keys: as in the paper, every pattern is its own softmax, so a (query, key) pair covered by
k patterns is counted k times in the combined softmax (the tests use a reference doing exactly that).

Global tokens (the first G positions, the question) form one more pattern: every query also attends to
the G global keys (a global key a dilated pattern also covers counts once more, by the rule above).
Global queries instead get exact dense attention over all N keys, O(N*G). In causal mode a global query
sees only keys at or before itself (i.e. the global prefix); since global keys come first, every later
query still sees all of them.

Padding keys (and the padding up to a multiple of w) are masked with an additive score bias of -1e4
(finite: a fully padded segment gives a finite lse near -1e4, weight 0, never NaN). Every pattern runs
in one fused kernel call over all its segments: CPU flash attention or CUDA memory-efficient attention,
on views (r = 1) or row gathers (r > 1) of q, k, v. Both kernels return the lse but do not differentiate
it; _Attend folds d(loss)/d(lse) into their backward. Patterns are combined in float32.
"""

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from papercli.longnet.rotary import apply_rotary

MASK_BIAS = -1e4  # score bias of a padding key; exp underflows to 0, representable in fp16/bf16
NO_LSE = -1e30  # lse of a query a pattern does not cover


class _Attend(torch.autograd.Function):
    """Fused attention softmax(q k^T * scale + bias) v returning (out, lse), both differentiable.

    q: (B, H, L, D), k and v: (B, H, S, D), bias: None or (B, H, 1, S), added to every query's scores.
    Returns out (B, H, L, D) and lse (B, H, L) in float32. CPU: flash attention; CUDA: memory-efficient
    attention. Neither differentiates its lse, so the backward folds the lse gradient g in: since
    d lse_i / d s_ij = p_ij, g adds g_i * p_ij to the score gradient dS_ij = p_ij (dout_i . v_j - delta_i),
    where the kernel computes delta_i = dout_i . out_i. An extra head-dim column with q = k = v = 0,
    out = -1 and dout = g turns delta_i into delta_i - g_i and changes nothing else.
    """

    @staticmethod
    def forward(ctx, q, k, v, bias, causal, scale):
        if q.is_cuda:
            if bias is not None:  # the kernel wants a (B, H, L, S) bias with 16-aligned rows
                S = bias.shape[-1]
                bias = F.pad(bias, (0, -S % 16))[..., :S].expand(*q.shape[:-1], S)
            out, lse, seed, offset = torch.ops.aten._scaled_dot_product_efficient_attention(
                q, k, v, bias, True, 0.0, causal, scale=scale)
            ctx.rng = (seed, offset)
        else:
            out, lse = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu(
                q, k, v, 0.0, causal, attn_mask=bias, scale=scale)
        ctx.save_for_backward(q, k, v, bias, out, lse)
        ctx.causal, ctx.scale = causal, scale
        return out, lse[..., :q.shape[-2]].float()  # CUDA pads lse to a multiple of 32

    @staticmethod
    def backward(ctx, dout, dlse):
        q, k, v, bias, out, lse = ctx.saved_tensors
        D = q.shape[-1]
        pad = 8 - D % 8 if q.is_cuda else 1  # CUDA: keep the head dim 8-aligned

        def ext(x, last=0.0):  # append the extra columns: zeros, then `last`
            cols = x.new_zeros(*x.shape[:-1], pad)
            cols[..., -1] = last
            return torch.cat([x, cols], -1)

        q, k, v, out = ext(q), ext(k), ext(v), ext(out, -1.0)
        dout = ext(torch.zeros_like(out[..., :D]) if dout is None else dout, 0.0 if dlse is None else dlse)
        if q.is_cuda:
            dq, dk, dv, _ = torch.ops.aten._scaled_dot_product_efficient_attention_backward(
                dout, q, k, v, bias, out, lse, *ctx.rng, 0.0, [True, True, True, False], ctx.causal,
                scale=ctx.scale)
        else:
            dq, dk, dv = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu_backward(
                dout, q, k, v, out, lse, 0.0, ctx.causal, attn_mask=bias, scale=ctx.scale)
        return dq[..., :D], dk[..., :D], dv[..., :D], None, None, None


def segment_layout(N: int, segments) -> list[tuple[int, int, int]]:
    """(w, r, S) per pattern: w capped at the sequence (a longer segment is only padding), S segments."""
    out = []
    for w, r in segments:
        assert w % r == 0, f"segment length {w} must be a multiple of its dilation {r}"
        w = min(w, -(-N // r) * r)
        out.append((w, r, -(-N // w)))
    return out


def padded_length(N: int, segments) -> int:
    """The length every pattern's segments span (>= N): inputs shorter than this are zero-padded to it."""
    return max(w * S for w, r, S in segment_layout(N, segments))


def _positions(H: int, L: int, r: int, n: int, device) -> Tensor:
    """Indices into a flattened (H*L) axis of the positions dilation r keeps among the first n.

    Head h keeps h mod r, h mod r + r, ...; with w a multiple of r these are exactly the positions
    offset + j*r of every segment, in order, so segments are consecutive runs of w/r of them.
    """
    h = torch.arange(H, device=device)[:, None]
    return (h * L + h % r + r * torch.arange(n // r, device=device)).flatten()


def dilated_attention(q: Tensor, k: Tensor, v: Tensor, segments: list[tuple[int, int]],
                      key_padding_mask: Tensor | None = None, causal: bool = False, num_global: int = 0) -> Tensor:
    """Dilated attention over q, k, v of shape (B, H, N, D); returns (B, H, N, D).

    segments: [(w, r), ...], each w a multiple of its r. key_padding_mask: (B, N) bool, True = real token;
    padding keys are never attended and padded queries output zeros. num_global: the first num_global
    positions attend to everything and are attended by everything (see module docstring).
    """
    B, H, N, D = q.shape
    G, scale = min(num_global, N), D ** -0.5
    segs = segment_layout(N, segments)
    L = padded_length(N, segments)  # every pattern fits in L >= N; the tail is masked padding
    q, k, v = (F.pad(x, (0, 0, 0, L - N)) if L > N else x.contiguous() for x in (q, k, v))
    bias = None  # (B, H, L) score bias per key
    if key_padding_mask is not None or L > N:
        bias = q.new_full((B, 1, L), MASK_BIAS)
        bias[..., :N] = 0.0 if key_padding_mask is None else (~key_padding_mask[:, None]) * MASK_BIAS
        bias = bias.expand(B, H, L)

    parts = []  # (out (B, H, n/r, D), lse (B, H*n/r), r, n, positions or None) per pattern, n = S*w
    for w, r, S in segs:
        n, m = S * w, w // r
        idx = None if r == 1 and n == L else _positions(H, L, r, n, q.device)  # None: every position, in order

        def sparse(x):  # (B, H, L, E) -> (B*H, S, m, E)
            x = x[:, :, :n] if r == 1 else x.flatten(1, 2).index_select(1, idx)
            return x.reshape(B * H, S, m, x.shape[-1])

        b = None if bias is None else sparse(bias[..., None]).transpose(-1, -2)
        out, lse = _Attend.apply(sparse(q), sparse(k), sparse(v), b, causal, scale)
        parts.append((out.view(B, H, S * m, D), lse.reshape(B, H * S * m), r, n, idx))

    # total lse per query over all patterns; a pattern that does not cover a query contributes NO_LSE
    lses = [lse if idx is None else lse.new_full((B, H * L), NO_LSE).index_copy(1, idx, lse)
            for out, lse, r, n, idx in parts]
    if G:  # every query also attends to the global keys
        b = None if bias is None else bias[:, :, None, :G]
        glob_out, glob_lse = _Attend.apply(q, k[:, :, :G], v[:, :, :G], b, False, scale)
        lses.append(glob_lse.flatten(1))
    lse_all = torch.stack(lses).logsumexp(0)  # (B, H*L)

    acc = None  # the combined output, float32; a pattern covering every position starts it (no zero fill)
    for out, lse, r, n, idx in sorted(parts, key=lambda p: p[4] is not None):
        weight = (lse - (lse_all if idx is None else lse_all.index_select(1, idx))).exp().view(B, H, -1, 1)
        if acc is None and idx is None:
            acc = out.float() * weight
            continue
        if acc is None:
            acc = q.new_zeros(B, H, L, D, dtype=torch.float32)
        if r == 1:
            acc[:, :, :n].addcmul_(out, weight)
        else:
            acc.view(B, H * L, D).index_add_(1, idx, (out * weight).flatten(1, 2))
    if G:
        acc.addcmul_(glob_out, (glob_lse - lse_all.view(B, H, L)).exp()[..., None])
        kv = G if causal else N  # global queries see everything (causal: the global prefix)
        b = None if bias is None else bias[:, :, None, :kv]
        glob_q, _ = _Attend.apply(q[:, :, :G], k[:, :, :kv], v[:, :, :kv], b, causal, scale)
        acc[:, :, :G] = glob_q  # in place: acc is ours and no backward needs its old values
    out = acc[:, :, :N]
    if key_padding_mask is not None:
        out.masked_fill_(~key_padding_mask[:, None, :, None], 0.0)
    return out.to(q.dtype)


class DilatedSelfAttention(nn.Module):
    """Multi-head self-attention: qkv projection, rotary on q and k, dilated attention, out projection.

    dropout applies to the output projection (attention probabilities are never materialised).
    """

    def __init__(self, d_model: int, n_heads: int, segments: list[tuple[int, int]], dropout: float = 0.0):
        super().__init__()
        assert d_model % n_heads == 0
        self.n_heads, self.segments = n_heads, list(segments)
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=False)
        self.proj = nn.Linear(d_model, d_model, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: Tensor, key_padding_mask: Tensor | None = None, causal: bool = False,
                num_global: int = 0, positions: Tensor | None = None) -> Tensor:
        """x: (B, N, d_model); positions: (N,) or (B, N), default 0..N-1. Returns (B, N, d_model)."""
        B, N, C = x.shape
        if positions is None:
            positions = torch.arange(N, device=x.device)
        q, k, v = self.rotated_qkv(x, positions)
        y = dilated_attention(q, k, v, self.segments, key_padding_mask, causal, num_global)
        return self.dropout(self.proj(y.transpose(1, 2).reshape(B, N, C)))

    def rotated_qkv(self, x: Tensor, positions: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """q, k (rotary applied) and v, each (B, H, N, D), for x (B, N, d_model)."""
        B, N, C = x.shape
        q, k, v = self.qkv(x).view(B, N, 3, self.n_heads, C // self.n_heads).permute(2, 0, 3, 1, 4)
        q, k = apply_rotary(q, k, positions)
        return q, k, v
