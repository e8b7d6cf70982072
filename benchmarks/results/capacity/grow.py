"""Deepen a model (benchmarks/results/capacity): after each block insert a copy whose output projections are zero,
so the deeper model computes the same function at step 0. Usage: python grow.py SRC_MODEL_DIR DST_DIR"""
import copy, sys
import torch
from papercli.longnet.model import LongNet, load_model, save_model
src, dst = sys.argv[1], sys.argv[2]
m = load_model(src)
blocks = []
for b in m.blocks:
    c = copy.deepcopy(b)
    torch.nn.init.zeros_(c.attn.proj.weight)
    torch.nn.init.zeros_(c.mlp[2].weight); torch.nn.init.zeros_(c.mlp[2].bias)
    blocks += [b, c]
m.blocks = torch.nn.ModuleList(blocks); m.cfg.n_layers = len(blocks)
save_model(m, dst)
m2 = load_model(dst); m1 = load_model(src)
ids = torch.randint(0, 16000, (1, 300)); iq = torch.zeros_like(ids)
print((m1.encode(ids, iq) - m2.encode(ids, iq)).abs().max().item(), m2.num_parameters())
