"""Training: prepare corpus papers once (cached), then a seeded, resumable loop over mixed-task examples.

Each step draws one example (one context of 1-3 papers) from `random.Random(seed, step)`, so a resumed
run sees exactly the examples an uninterrupted run would. Checkpoints are safetensors + a JSON state.
"""

from __future__ import annotations

import gzip
import json
import math
import random
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from papercli.context import context_inputs
from papercli.data import iter_records
from papercli.longnet.model import LongNet, LongNetConfig, load_model, save_model
from papercli.tokenizer import Tokenizer
from papercli.train.examples import Example, Paper, make_example, prepare_paper


@dataclass
class TrainConfig:
    out: str = "runs/small"
    tokenizer: str = "models/papercli-longnet-small/tokenizer.model"
    data: str | None = None
    steps: int = 3000
    lr: float = 1e-3
    warmup: int = 100
    weight_decay: float = 0.01
    max_tokens: int = 8192
    seed: int = 0
    ckpt_every: int = 100
    limit: int | None = None
    threads: int = 2


def prepare_papers(cfg: TrainConfig, tok: Tokenizer) -> list[Paper]:
    """Train-split papers with labels, cached as gzip JSON lines in the run folder."""
    cache = Path(cfg.out) / "papers.jsonl.gz"
    if cache.exists():
        with gzip.open(cache, "rt") as f:
            return [Paper.from_dict(json.loads(line)) for line in f]
    papers = []
    recs = list(iter_records(cfg.data, split="train"))[: cfg.limit]
    for k, rec in enumerate(recs):
        p = prepare_paper(rec, tok)
        if p:
            papers.append(p)
        if k % 100 == 0:
            print(f"prepare {k}/{len(recs)}", file=sys.stderr, flush=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    with gzip.open(tmp, "wt") as f:
        for p in papers:
            f.write(json.dumps(p.to_dict()) + "\n")
    tmp.replace(cache)
    return papers


def example_loss(model: LongNet, ex: Example) -> tuple[torch.Tensor, dict]:
    """Summed loss of the heads this example has targets for."""
    out = model(**context_inputs(ex.ctx))
    losses = {}
    if ex.salience is not None:
        target = torch.tensor(ex.salience[: out["salience"].shape[1]])
        if target.sum() > 0:  # listwise: probability mass on the oracle sentences
            losses["salience"] = -(F.log_softmax(out["salience"][0], -1) * target / target.sum()).sum()
    if ex.evidence is not None:
        losses["evidence"] = F.cross_entropy(out["evidence"], torch.tensor([ex.evidence]))
    if ex.span is not None:  # over the tokens of the evidence sentence: decoding searches only there
        ref = ex.ctx.sentences[ex.evidence]
        target = torch.tensor([ex.span[0] - ref.start, ex.span[1] - ref.start])
        logits = torch.stack([out["start"][0, ref.start:ref.end], out["end"][0, ref.start:ref.end]])
        losses["span"] = F.cross_entropy(logits, target)
    return sum(losses.values(), torch.zeros(())), {k: v.item() for k, v in losses.items()}


def _lr(cfg: TrainConfig, step: int) -> float:
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    progress = (step - cfg.warmup) / max(cfg.steps - cfg.warmup, 1)
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def _save_checkpoint(model, opt, step: int, out: Path) -> None:
    from safetensors.torch import save_file

    ckpt = out / "checkpoint"
    save_model(model, ckpt)
    state = opt.state_dict()
    tensors = {f"{i}.{k}": v for i, s in state["state"].items() for k, v in s.items() if torch.is_tensor(v)}
    save_file(tensors, str(ckpt / "optimizer.safetensors"))
    (ckpt / "state.json").write_text(json.dumps({"step": step}))


def _load_checkpoint(model, opt, out: Path) -> int:
    from safetensors.torch import load_file

    ckpt = out / "checkpoint"
    if not (ckpt / "state.json").exists():
        return 0
    model.load_state_dict(load_model(ckpt).state_dict())
    tensors = load_file(str(ckpt / "optimizer.safetensors"))
    state = opt.state_dict()
    for key, v in tensors.items():
        i, k = key.split(".", 1)
        state["state"].setdefault(int(i), {})[k] = v
    opt.load_state_dict(state)
    return json.loads((ckpt / "state.json").read_text())["step"]


def train(cfg: TrainConfig, model_cfg: LongNetConfig | None = None) -> Path:
    """Train (or resume) into `cfg.out`; returns the folder holding the final model."""
    torch.set_num_threads(cfg.threads)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(cfg.tokenizer)
    papers = prepare_papers(cfg, tok)
    model_cfg = model_cfg or LongNetConfig(vocab_size=tok.vocab_size)
    torch.manual_seed(cfg.seed)
    model = LongNet(model_cfg)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr)
    step = _load_checkpoint(model, opt, out)
    (out / "train_config.json").write_text(json.dumps(asdict(cfg), indent=2))
    print(f"{len(papers)} papers, {model.num_parameters() / 1e6:.2f}M parameters, from step {step}",
          file=sys.stderr, flush=True)
    model.train()
    log = open(out / "log.jsonl", "a")
    t0 = time.time()
    while step < cfg.steps:
        rng = random.Random(cfg.seed * 1_000_003 + step)
        torch.manual_seed(cfg.seed * 1_000_003 + step)
        ex = None
        while ex is None:
            ex = make_example(papers, tok, rng, cfg.max_tokens)
        for g in opt.param_groups:
            g["lr"] = _lr(cfg, step)
        loss, parts = example_loss(model, ex)
        opt.zero_grad(set_to_none=True)
        if loss.requires_grad:
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        step += 1
        log.write(json.dumps({"step": step, "tokens": len(ex.ctx), "sec": round(time.time() - t0, 1), **parts}) + "\n")
        if step % 10 == 0:
            log.flush()
            print(f"step {step}/{cfg.steps} {json.dumps(parts)} {(time.time() - t0) / 60:.1f} min",
                  file=sys.stderr, flush=True)
        if step % cfg.ckpt_every == 0 or step == cfg.steps:
            _save_checkpoint(model, opt, step, out)
    save_model(model, out / "final")
    return out / "final"
