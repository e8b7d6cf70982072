"""Rotary position embeddings, exact at a million positions.

An fp32 angle `pos * inv_freq` loses the fraction once pos is large (the spacing of fp32 near 1e6 is
0.06 rad), so angles, cos and sin are computed in float64 and only then cast to the working dtype.
Nothing is cached: the cost is O(N * D) per call, negligible next to attention.
"""

import torch
from torch import Tensor


def rotary_cos_sin(positions: Tensor, dim: int, base: float = 10000.0) -> tuple[Tensor, Tensor]:
    """cos and sin of shape positions.shape + (dim // 2,), in float64."""
    inv_freq = base ** (-torch.arange(0, dim, 2, dtype=torch.float64, device=positions.device) / dim)
    angles = positions.to(torch.float64)[..., None] * inv_freq
    return angles.cos(), angles.sin()


def _rotate(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    x1, x2 = x.chunk(2, dim=-1)  # half-split (GPT-NeoX) layout
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


def apply_rotary(q: Tensor, k: Tensor, positions: Tensor, base: float = 10000.0) -> tuple[Tensor, Tensor]:
    """Rotate q and k of shape (B, H, N, D) by absolute positions of shape (N,) or (B, N)."""
    cos, sin = rotary_cos_sin(positions, q.shape[-1], base)
    if positions.dim() == 2:  # (B, N, D/2) -> (B, 1, N, D/2), broadcast over heads
        cos, sin = cos[:, None], sin[:, None]
    cos, sin = cos.to(q.dtype), sin.to(q.dtype)
    return _rotate(q, cos, sin), _rotate(k, cos, sin)
