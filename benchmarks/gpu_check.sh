#!/usr/bin/env bash
# The checks that need a GPU, as one short script (for a machine with CUDA torch, typer, rich, pytest):
# the CUDA attention tests (fp32/bf16/fp16 against the float64 dense reference) and the bf16 benchmark
# table and plot, written to $OUT (default benchmarks/results). About 5 minutes on one H200.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1
out=${OUT:-benchmarks/results}
mkdir -p "$out"
python3 -m pytest -q tests/test_attention.py tests/test_model.py -k cuda 2>&1 | tee "$out/gpu_tests.log"
python3 -m papercli bench attention --device cuda --dtype bfloat16 --plot "$out/attention_cuda.png" \
    --lengths 4096,8192,16384,32768,65536,131072,262144,524288,1048576 2>&1 | tee "$out/attention_cuda.txt"
