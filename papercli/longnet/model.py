"""The papercli LongNet: a pre-norm encoder of dilated-attention blocks with three heads.

Input: one context (question prefix as global tokens + every sentence of one or more papers).
Output, in one forward pass:
  salience  (B, S)  per body sentence: does it belong in a summary?
  evidence  (B, S)  per body sentence: does it answer the question?
  start/end (B, N)  per token: answer span boundaries.
Sentence vectors are the mean of their tokens' states; hand-made sentence features (position,
section type, cue phrases...) and lexical question features (BM25) join them in the heads, so the
model never knows less than those simple signals.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn as nn

from papercli.io import write_json
from papercli.context import QUESTION_FEATURES
from papercli.features import NUM_FEATURES
from papercli.longnet.attention import DilatedSelfAttention, dilated_attention, padded_length

INFERENCE_CHUNK = 16384  # tokens per slice of the position-wise layers in the in-place inference path


@dataclass
class LongNetConfig:
    vocab_size: int = 16000
    d_model: int = 128
    n_layers: int = 4
    n_heads: int = 4
    d_ff: int = 512
    segments: list = field(default_factory=lambda: [[256, 1], [1024, 4], [4096, 16], [16384, 64], [65536, 256]])
    dropout: float = 0.1
    num_sentence_features: int = NUM_FEATURES
    num_question_features: int = QUESTION_FEATURES

    def save(self, path: Path) -> None:
        write_json(path, asdict(self), indent=2)

    @classmethod
    def load(cls, path: Path) -> "LongNetConfig":
        return cls(**json.loads(Path(path).read_text()))


class Block(nn.Module):
    def __init__(self, cfg: LongNetConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = DilatedSelfAttention(cfg.d_model, cfg.n_heads, [tuple(s) for s in cfg.segments], cfg.dropout)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = nn.Sequential(nn.Linear(cfg.d_model, cfg.d_ff), nn.GELU(), nn.Linear(cfg.d_ff, cfg.d_model),
                                 nn.Dropout(cfg.dropout))

    def forward(self, x, key_padding_mask, num_global):
        x = x + self.attn(self.ln1(x), key_padding_mask=key_padding_mask, num_global=num_global)
        return x + self.mlp(self.ln2(x))

    def forward_inplace(self, x, qkv, mask, num_global):
        """The same function as `forward` for inference (kept equal by tests/test_model.py's
        test_inplace_inference_path_matches_the_training_path), updating x in place. Position-wise work (norms, projections,
        rotary, MLP) runs on slices of INFERENCE_CHUNK tokens, so its temporaries are small and reused
        instead of fresh full-length buffers (each a new mmap the kernel faults in page by page). q, k, v
        go to `qkv` and `mask` covers its zero-padded tail (both from `inference_buffers`, shared by all blocks)."""
        B, N, C = x.shape
        a, chunk = self.attn, INFERENCE_CHUNK
        positions = torch.arange(N, device=x.device)
        for s in range(0, N, chunk):
            e = min(s + chunk, N)
            qkv[:, :, :, s:e] = torch.stack(a.rotated_qkv(self.ln1(x[:, s:e]), positions[s:e]))
        y = dilated_attention(qkv[0], qkv[1], qkv[2], a.segments, mask, False, num_global).transpose(1, 2)
        for s in range(0, N, chunk):
            xs = x[:, s:s + chunk]
            xs += a.proj(y[:, s:s + xs.shape[1]].reshape(B, -1, C))
            xs += self.mlp(self.ln2(xs))
        return x


def inference_buffers(x, key_padding_mask, n_heads: int, segments):
    """For x (B, N, C): a (3, B, H, L, D) buffer for q, k, v, zero beyond N up to the attention's padded
    length L, and the (B, L) key mask that marks that tail as padding (None when nothing is padded)."""
    B, N, C = x.shape
    L = padded_length(N, segments)
    kind = x.device.type  # under autocast (CUDA bf16) q, k, v come out in the autocast dtype: keep it
    dtype = torch.get_autocast_dtype(kind) if torch.is_autocast_enabled(kind) else x.dtype
    qkv = x.new_empty(3, B, n_heads, L, C // n_heads, dtype=dtype)
    qkv[:, :, :, N:] = 0
    mask = key_padding_mask
    if L > N:
        mask = torch.zeros(B, L, dtype=torch.bool, device=x.device)
        mask[:, :N] = True if key_padding_mask is None else key_padding_mask
    return qkv, mask


def _head(d_in: int, d: int) -> nn.Module:
    return nn.Sequential(nn.Linear(d_in, d), nn.GELU(), nn.Linear(d, 1))


class LongNet(nn.Module):
    def __init__(self, cfg: LongNetConfig):
        super().__init__()
        self.cfg = cfg
        d = cfg.d_model
        self.tok_emb = nn.Embedding(cfg.vocab_size, d)
        self.in_question_emb = nn.Embedding(2, d)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layers))
        self.ln_f = nn.LayerNorm(d)
        self.salience = _head(d + cfg.num_sentence_features, d)
        self.evidence = _head(2 * d + cfg.num_question_features, d)
        self.span = nn.Linear(d, 2)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, std=0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())

    def encode(self, ids, in_question, key_padding_mask=None, num_global=0):
        """Token states (B, N, d) after the dilated-attention stack."""
        x = self.drop(self.tok_emb(ids) + self.in_question_emb(in_question))
        if not torch.is_grad_enabled() and not self.training:  # inference: x is ours, update it in place
            qkv, mask = inference_buffers(x, key_padding_mask, self.cfg.n_heads, self.cfg.segments)
            for block in self.blocks:
                x = block.forward_inplace(x, qkv, mask, num_global)
        else:
            for block in self.blocks:
                x = block(x, key_padding_mask, num_global)
        return self.ln_f(x)

    def token_logits(self, h):
        """Vocabulary logits for token states (..., d), tied to the token embedding (masked-token pretraining)."""
        return h @ self.tok_emb.weight.T

    @staticmethod
    def pool_sentences(h, token_sentence, num_sentences: int):
        """Mean of token states per sentence: (B, N, d) -> (B, S, d). token_sentence is -1 outside sentences."""
        B, N, d = h.shape
        idx = token_sentence.clamp(min=-1) + 1  # bucket 0 collects tokens outside sentences
        sums = h.new_zeros(B, num_sentences + 1, d).scatter_add_(1, idx.unsqueeze(-1).expand(B, N, d), h)
        counts = h.new_zeros(B, num_sentences + 1).scatter_add_(1, idx, torch.ones_like(h[..., 0]))
        return (sums / counts.clamp(min=1).unsqueeze(-1))[:, 1:]

    def forward(self, ids, in_question, token_sentence, sentence_features, question_features=None,
                key_padding_mask=None, num_global=0):
        h = self.encode(ids, in_question, key_padding_mask, num_global)
        S = sentence_features.shape[1]
        sent = self.pool_sentences(h, token_sentence, S)
        out = {"salience": self.salience(torch.cat([sent, sentence_features], -1)).squeeze(-1)}
        if num_global > 0:
            q = h[:, :num_global].mean(1, keepdim=True).expand_as(sent)
            out["evidence"] = self.evidence(torch.cat([sent, sent * q, question_features], -1)).squeeze(-1)
            start, end = self.span(h).unbind(-1)
            out["start"], out["end"] = start, end
        return out


def save_model(model: LongNet, directory: Path) -> None:
    """Write `model.safetensors` and `config.json` into `directory`, each atomically."""
    from safetensors.torch import save_file

    from papercli.io import atomic_path

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with atomic_path(directory / "model.safetensors") as tmp:
        save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(tmp))
    model.cfg.save(directory / "config.json")


def load_model(directory: Path, device="cpu") -> LongNet:
    from safetensors.torch import load_file

    directory = Path(directory)
    model = LongNet(LongNetConfig.load(directory / "config.json"))
    model.load_state_dict(load_file(str(directory / "model.safetensors"), device=str(device)))
    return model.to(device).eval()
