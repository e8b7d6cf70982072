"""LongNet dilated attention (Ding et al. 2023) with global tokens.

For each pattern (w, r) the sequence is cut into segments of length w; inside a segment head h keeps the
positions offset + j*r with offset = h mod r (so the heads together cover every position when r <= H)
and runs dense attention over those w/r positions. Each pattern yields an output and a log-sum-exp per
query; the patterns are combined as out = sum_i softmax_i(lse) * out_i, gradients flowing through the
weights. A position a pattern does not cover gets lse = -1e30 there (weight 0).

Duplicate keys: as in the paper, every pattern is its own softmax, so a (query, key) pair covered by
k patterns is counted k times in the combined softmax (the tests use a reference doing exactly that).

Global tokens (the first G positions, the question) form one more pattern: every query also attends to
the G global keys. Global queries instead get exact dense attention over all N keys, O(N*G). In causal
mode a global query sees only keys at or before itself (i.e. the global prefix); since global keys come
first, every later query still sees all of them.

Padding keys are masked with an additive score bias of -1e4 carried in an extra head-dim column
(q gets 1/scale, k the bias, v zeros), so one mask-free fused kernel does everything: CPU flash attention,
or CUDA memory-efficient attention. q, k, v are extended once; each pattern runs on views (r = 1) or
gathers (r > 1) of them. Both kernels return the lse but do not differentiate it; _Attend folds
d(loss)/d(lse) into their backward (see there). Patterns are combined in float32.
"""

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from papercli.longnet.rotary import apply_rotary

MASK_BIAS = -1e4  # score bias of a padding key; exp underflows to 0, representable in fp16/bf16
NO_LSE = -1e30  # lse of a query a pattern does not cover


class _Attend(torch.autograd.Function):
    """Fused attention returning (out, lse), both differentiable, on "extended" inputs.

    q, k, v: (B, H, L, Dx), (B, H, S, Dx), (B, H, S, Dx) whose last column carries the key bias:
    q[..., -1] = 1/scale, k[..., -1] = bias, v[..., -1] = 0 (see _extend). Returns out (B, H, L, Dx)
    and lse (B, H, L) in float32.

    Backward: d lse_i / d s_ij = p_ij, so the lse gradient g adds g_i * p_ij to the score gradient
    dS_ij = p_ij (dout_i . v_j - delta_i), where the kernel computes delta_i = dout_i . out_i. Feeding
    it out_i = -1 and dout_i = g_i in the last column (where v is 0) turns delta_i into delta_i - g_i.
    """

    @staticmethod
    def forward(ctx, q, k, v, causal, scale):
        if q.is_cuda:
            out, lse, seed, offset = torch.ops.aten._scaled_dot_product_efficient_attention(
                q, k, v, None, True, 0.0, causal, scale=scale)
            ctx.rng = (seed, offset)
        else:
            out, lse = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu(
                q, k, v, 0.0, causal, scale=scale)
        ctx.save_for_backward(q, k, v, out, lse)
        ctx.causal, ctx.scale = causal, scale
        return out, lse[..., :q.shape[-2]].float()  # CUDA pads lse to a multiple of 32

    @staticmethod
    def backward(ctx, dout, dlse):
        q, k, v, out, lse = ctx.saved_tensors
        dout = torch.zeros_like(out) if dout is None else dout.clone()
        dout[..., -1] = 0.0 if dlse is None else dlse
        out = out.clone()
        out[..., -1] = -1.0
        if q.is_cuda:
            dq, dk, dv, _ = torch.ops.aten._scaled_dot_product_efficient_attention_backward(
                dout, q, k, v, None, out, lse, *ctx.rng, 0.0, [True, True, True, False], ctx.causal,
                scale=ctx.scale)
        else:
            dq, dk, dv = torch.ops.aten._scaled_dot_product_flash_attention_for_cpu_backward(
                dout, q, k, v, out, lse, 0.0, ctx.causal, scale=ctx.scale)
        return dq, dk, dv, None, None


def _extend(x: Tensor, last, L: int) -> Tensor:
    """(B, H, N, D) -> (B*H, L, Dx): zero rows up to L, zero columns up to Dx (D + 1, or the next
    multiple of 8 on CUDA for alignment), `last` in the last column."""
    B, H, N, D = x.shape
    Dx = D + 8 - D % 8 if x.is_cuda else D + 1
    out = x.new_empty(B, H, L, Dx)
    out[:, :, :N, :D] = x
    out[:, :, N:, :D] = 0.0
    out[..., D:] = 0.0
    if last is not None:
        out[..., -1] = last
    return out.view(B * H, L, Dx)


def segment_layout(N: int, segments) -> list[tuple[int, int, int]]:
    """(w, r, S) per pattern: w capped at the sequence (a longer segment is only padding), S segments."""
    out = []
    for w, r in segments:
        assert w % r == 0, f"segment length {w} must be a multiple of its dilation {r}"
        w = min(w, -(-N // r) * r)
        out.append((w, r, -(-N // w)))
    return out


def dilated_attention(q: Tensor, k: Tensor, v: Tensor, segments: list[tuple[int, int]],
                      key_padding_mask: Tensor | None = None, causal: bool = False, num_global: int = 0) -> Tensor:
    """Dilated attention over q, k, v of shape (B, H, N, D); returns (B, H, N, D).

    segments: [(w, r), ...], each w a multiple of its r. key_padding_mask: (B, N) bool, True = real token;
    padding keys are never attended and padded queries output zeros. num_global: the first num_global
    positions attend to everything and are attended by everything (see module docstring).
    """
    B, H, N, D = q.shape
    BH, G = B * H, min(num_global, N)
    segs = segment_layout(N, segments)
    L = max(w * S for w, r, S in segs)
    bias = q.new_full((B, 1, L), MASK_BIAS)  # the padding up to L is masked too
    bias[..., :N] = 0.0 if key_padding_mask is None else (~key_padding_mask[:, None]) * MASK_BIAS
    qx, kx, vx = _extend(q, D ** 0.5, L), _extend(k, bias, L), _extend(v, None, L)
    Dx, scale = qx.shape[-1], D ** -0.5

    parts = []  # (out, lse, w, r, S, idx) per pattern, in the sparse layout (BH, S, m[, 1], Dx)
    for w, r, S in segs:
        m = w // r
        if r == 1:
            sparse, idx = (lambda x: x[:, :S * w].view(BH, S, m, Dx)), None
        else:  # head h keeps positions = h mod r (mod r) of each segment
            off = torch.arange(BH, device=q.device) % H % r
            idx = off.view(BH, 1, 1, 1, 1).expand(BH, S, m, 1, Dx)
            sparse = lambda x: x[:, :S * w].view(BH, S, m, r, Dx).gather(3, idx).view(BH, S, m, Dx)
        out, lse = _Attend.apply(sparse(qx), sparse(kx), sparse(vx), causal, scale)
        parts.append((out, lse, w, r, S, idx))

    # total lse per query over all patterns; a pattern that does not cover a query contributes NO_LSE
    lses = []
    for out, lse, w, r, S, idx in parts:
        if r > 1:
            lse = lse.new_full((BH, S, w // r, r), NO_LSE).scatter(3, idx[..., 0], lse[..., None])
        lses.append(F.pad(lse.reshape(BH, S * w), (0, L - S * w), value=NO_LSE))
    if G:  # every query also attends to the global keys
        glob_out, glob_lse = _Attend.apply(qx[:, None], kx[:, None, :G], vx[:, None, :G], False, scale)
        glob_out, glob_lse = glob_out[:, 0], glob_lse[:, 0]
        lses.append(glob_lse)
    lse_all = torch.stack(lses).logsumexp(0)  # (BH, L)

    acc = q.new_zeros(BH, L, D, dtype=torch.float32)
    for out, lse, w, r, S, idx in parts:
        m = w // r
        if r == 1:
            weight = (lse.reshape(BH, S * w) - lse_all[:, :S * w]).exp()
            acc[:, :S * w].addcmul_(out.reshape(BH, S * w, Dx)[..., :D], weight[..., None])
        else:
            total = lse_all[:, :S * w].view(BH, S, m, r).gather(3, idx[..., 0]).view(BH, S, m)
            contrib = out[..., :D] * (lse - total).exp()[..., None]
            acc[:, :S * w].view(BH, S, m, r, D).scatter_add_(3, idx[..., :D], contrib[..., None, :])
    if G:
        acc.addcmul_(glob_out[..., :D], (glob_lse - lse_all).exp()[..., None])
        kv = G if causal else L  # global queries see everything (causal: the global prefix)
        glob_q, _ = _Attend.apply(qx[:, None, :G], kx[:, None, :kv], vx[:, None, :kv], causal, scale)
        acc[:, :G] = glob_q[:, 0, :, :D]
    out = acc[:, :N].view(B, H, N, D)
    if key_padding_mask is not None:
        out = out.masked_fill(~key_padding_mask[:, None, :, None], 0.0)
    return out.to(q.dtype)


class DilatedSelfAttention(nn.Module):
    """Multi-head self-attention: qkv projection, rotary on q and k, dilated attention, out projection."""

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
        q, k, v = self.qkv(x).view(B, N, 3, self.n_heads, C // self.n_heads).permute(2, 0, 3, 1, 4)
        if positions is None:
            positions = torch.arange(N, device=x.device)
        q, k = apply_rotary(q, k, positions)
        y = dilated_attention(q, k, v, self.segments, key_padding_mask, causal, num_global)
        return self.dropout(self.proj(y.transpose(1, 2).reshape(B, N, C)))
