"""Training: prepare corpus papers once (cached), then a seeded, resumable loop over mixed-task examples.

Optional first phase (`mlm_steps` > 0): masked-token pretraining on single papers. Then the supervised
phase: each step draws one example (one context of 1-3 papers). Every step's randomness is seeded by
(seed, phase, step within the phase), so a resumed run sees exactly the examples an uninterrupted run
would, and the supervised phase sees the same examples with or without pretraining (a fair comparison).
Each phase has its own warmup and cosine schedule. Checkpoints are safetensors + a JSON state.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import random
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from papercli.context import build_context, context_inputs
from papercli.data import DEFAULT_DATA, iter_records
from papercli.io import atomic_path, write_atomic, write_json
from papercli.longnet.model import LongNet, LongNetConfig, save_model
from papercli.tokenizer import Tokenizer
from papercli.train.examples import TASKS, Example, TrainingPaper, make_example, prepare_paper


@dataclass
class TrainConfig:
    out: str = "runs/small"
    tokenizer: str = "models/papercli-longnet-small/tokenizer.model"
    data: str | None = None
    steps: int = 2000          # all steps, pretraining included
    mlm_steps: int = 0         # masked-token pretraining steps first (0: none)
    lr: float = 1e-3
    warmup: int = 100
    weight_decay: float = 0.01
    max_tokens: int = 8192
    seed: int = 0
    ckpt_every: int = 50
    limit: int | None = None
    threads: int = 2
    init: str | None = None    # start from this model folder (weights and architecture) instead of random weights
    question_weight: float = 0.0  # weight of the synthetic reader-question task in the mixture (0: off)
    soft_labels: float = 0.0   # share of the summary target from each sentence's n-gram density (0: oracle only)
    summary_weight: float = TASKS["summary"]  # weight of the summary task in the mixture


def prepare_papers(cfg: TrainConfig, tok: Tokenizer) -> list[TrainingPaper]:
    """Train-split papers with labels, cached as gzip JSON lines in the run folder. The first line is the
    cache key (data file, limit, tokenizer hash): a cache made from other data or another tokenizer is rebuilt."""
    cache = Path(cfg.out) / "papers.jsonl.gz"
    key = {"data": str(Path(cfg.data or DEFAULT_DATA / "papers.jsonl.gz").resolve()), "limit": cfg.limit,
           "tokenizer": hashlib.sha256(Path(cfg.tokenizer).read_bytes()).hexdigest()}
    if cache.exists():
        with gzip.open(cache, "rt") as f:
            if json.loads(f.readline()) == {"key": key}:
                return [TrainingPaper.from_dict(json.loads(line)) for line in f]
        print(f"{cache}: made from other data or another tokenizer; preparing the papers again",
              file=sys.stderr, flush=True)
    papers = []
    recs = list(iter_records(cfg.data, split="train"))[: cfg.limit]
    for k, rec in enumerate(recs):
        p = prepare_paper(rec, tok)
        if p:
            papers.append(p)
        if k % 100 == 0:
            print(f"prepare {k}/{len(recs)}", file=sys.stderr, flush=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(cache) as tmp, gzip.open(tmp, "wt") as f:
        f.write(json.dumps({"key": key}) + "\n")
        for p in papers:
            f.write(json.dumps(p.to_dict()) + "\n")
    return papers


def example_loss(model: LongNet, ex: Example) -> tuple[torch.Tensor, dict]:
    """Summed loss of the heads this example has targets for."""
    out = model(**context_inputs(ex.ctx))
    losses = {}
    if ex.salience is not None:
        target = torch.tensor(ex.salience[: out["salience"].shape[1]])
        if target.sum() > 0:  # listwise: cross-entropy against the target distribution
            losses["salience"] = -(F.log_softmax(out["salience"][0], -1) * target / target.sum()).sum()
    if ex.evidence is not None:
        losses["evidence"] = F.cross_entropy(out["evidence"], torch.tensor([ex.evidence]))
    if ex.span is not None:  # over the tokens of the evidence sentence: decoding searches only there
        ref = ex.ctx.sentences[ex.evidence]
        target = torch.tensor([ex.span[0] - ref.start, ex.span[1] - ref.start])
        logits = torch.stack([out["start"][0, ref.start:ref.end], out["end"][0, ref.start:ref.end]])
        losses["span"] = F.cross_entropy(logits, target)
    return sum(losses.values(), torch.zeros(())), {k: v.item() for k, v in losses.items()}


MASK_RATE = 0.15


def mlm_loss(model: LongNet, papers: list[TrainingPaper], tok: Tokenizer, rng: random.Random,
             max_tokens: int) -> tuple[torch.Tensor, dict, int]:
    """BERT-style masked-token loss on one paper: 15% of sentence tokens, 80% [MASK] / 10% random / 10% kept."""
    ctx = build_context([rng.choice(papers).enc], tok)
    ids = ctx.ids[:max_tokens]
    in_sentences = [i for i, s in enumerate(ctx.token_sentence[:max_tokens]) if s >= 0]
    picked = [i for i in in_sentences if rng.random() < MASK_RATE] or in_sentences[:1]  # never an empty loss
    inputs = list(ids)
    for i in picked:
        u = rng.random()
        inputs[i] = tok.mask_id if u < 0.8 else rng.randrange(tok.vocab_size) if u < 0.9 else ids[i]
    h = model.encode(torch.tensor([inputs]), torch.zeros(1, len(ids), dtype=torch.long))
    logits = model.token_logits(h[0, picked])
    loss = F.cross_entropy(logits, torch.tensor([ids[i] for i in picked]))
    return loss, {"mlm": loss.item()}, len(ids)


def _lr(cfg: TrainConfig, step: int) -> float:
    """Warmup then cosine to 10%, restarted at the start of the supervised phase."""
    start, end = (0, cfg.mlm_steps) if step < cfg.mlm_steps else (cfg.mlm_steps, cfg.steps)
    step -= start
    if step < cfg.warmup:
        return cfg.lr * (step + 1) / cfg.warmup
    progress = (step - cfg.warmup) / max(end - start - cfg.warmup, 1)
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def _save_checkpoint(model, opt, step: int, out: Path) -> None:
    """Weights, optimizer state and step, written to checkpoint.tmp/ and then renamed into place: a crash
    at any moment leaves one complete checkpoint (checkpoint/, or checkpoint.old/ between the renames)."""
    from safetensors.torch import save_file

    tmp, ckpt, old = out / "checkpoint.tmp", out / "checkpoint", out / "checkpoint.old"
    shutil.rmtree(tmp, ignore_errors=True)
    save_model(model, tmp)
    state = opt.state_dict()
    tensors = {f"{i}.{k}": v for i, s in state["state"].items() for k, v in s.items() if torch.is_tensor(v)}
    save_file(tensors, str(tmp / "optimizer.safetensors"))
    (tmp / "state.json").write_text(json.dumps({"step": step}))
    if ckpt.exists():
        shutil.rmtree(old, ignore_errors=True)
        ckpt.rename(old)
    tmp.rename(ckpt)
    shutil.rmtree(old, ignore_errors=True)


def _load_checkpoint(model, opt, out: Path) -> int:
    ckpt = next((d for d in (out / "checkpoint", out / "checkpoint.old") if (d / "state.json").exists()), None)
    if ckpt is None:
        return 0
    model.load_state_dict(load_file(str(ckpt / "model.safetensors")))
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
    if cfg.init:  # a fine-tune keeps the architecture of the model it starts from
        model_cfg = LongNetConfig.load(Path(cfg.init) / "config.json")
    model_cfg = model_cfg or LongNetConfig(vocab_size=tok.vocab_size)
    torch.manual_seed(cfg.seed)
    model = LongNet(model_cfg)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr)
    if cfg.init:
        model.load_state_dict(load_file(str(Path(cfg.init) / "model.safetensors")))
    step = _load_checkpoint(model, opt, out)  # a checkpoint, when there is one, replaces the init weights
    tasks = {**TASKS, "summary": cfg.summary_weight, "question": cfg.question_weight}
    write_json(out / "train_config.json", asdict(cfg), indent=2)
    print(f"{len(papers)} papers, {model.num_parameters() / 1e6:.2f}M parameters, from step {step}",
          file=sys.stderr, flush=True)
    model.train()
    with _log_from(out / "log.jsonl", step) as log:
        _loop(cfg, model, opt, papers, tok, tasks, step, out, log)
    save_model(model, out / "final")
    return out / "final"


def _log_step(line: str) -> int | None:
    """The step of a log line; None for a line that does not parse (torn by a crash)."""
    try:
        return int(json.loads(line)["step"])
    except (ValueError, KeyError, TypeError):
        return None


def _log_from(path: Path, step: int):
    """The training log opened for appending after `step`: lines of later steps (logged before a crash, then
    redone from the checkpoint) and torn lines are dropped."""
    if path.exists():
        kept = [ln + "\n" for ln in path.read_text().splitlines() if (s := _log_step(ln)) is not None and s <= step]
        write_atomic(path, "".join(kept))
    return open(path, "a")


def _loop(cfg: TrainConfig, model: LongNet, opt, papers: list[TrainingPaper], tok: Tokenizer, tasks: dict,
          step: int, out: Path, log) -> None:
    """Steps from `step` to cfg.steps: one seeded example each, a checkpoint every cfg.ckpt_every."""
    t0 = time.time()
    while step < cfg.steps:
        pretraining = step < cfg.mlm_steps
        local = step if pretraining else step - cfg.mlm_steps
        seed = cfg.seed * 1_000_003 + local + (10**9 if pretraining else 0)
        rng = random.Random(seed)
        torch.manual_seed(seed)
        for g in opt.param_groups:
            g["lr"] = _lr(cfg, step)
        if pretraining:
            loss, parts, tokens = mlm_loss(model, papers, tok, rng, cfg.max_tokens)
        else:
            ex = None
            for _ in range(1000):  # a paper may offer no example of the drawn task: draw again
                ex = make_example(papers, tok, rng, cfg.max_tokens, tasks, cfg.soft_labels)
                if ex is not None:
                    break
            else:
                raise RuntimeError(f"no training example in 1000 draws: the papers offer none of the tasks {tasks}")
            loss, parts = example_loss(model, ex)
            tokens = len(ex.ctx)
        opt.zero_grad(set_to_none=True)
        if loss.requires_grad:
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        step += 1
        log.write(json.dumps({"step": step, "tokens": tokens, "sec": round(time.time() - t0, 1), **parts}) + "\n")
        if step % 10 == 0:
            log.flush()
            print(f"step {step}/{cfg.steps} {json.dumps(parts)} {(time.time() - t0) / 60:.1f} min",
                  file=sys.stderr, flush=True)
        if step % cfg.ckpt_every == 0 or step == cfg.steps:
            _save_checkpoint(model, opt, step, out)
