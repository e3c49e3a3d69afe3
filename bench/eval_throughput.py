#!/usr/bin/env python3
"""Formula evaluation throughput, occam beside pyoperon, in one run on one machine.

Operon's setup: 1,000 random trees of up to 100 nodes, 10,000 rows x 10 columns; throughput is
node evaluations per second (nodes x rows / s), for + - * / and for + - * / with sin, cos, exp,
log, sqrt, pow, at 1 and 2 threads. pyoperon evaluates in float32 (its only evaluation type);
occam is shown in f32 and f64 with fused multiply-adds, and in the bit-exact f64 its search uses.

    cargo build --release --example expr_throughput && python3 bench/eval_throughput.py
"""

import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
TREES, MAX_LEN, ROWS, COLS = 1000, 100, 10_000, 10


def pyoperon_rate(symbols, threads, seed=0):
    import pyoperon as op
    rng_np = np.random.default_rng(seed)
    X = rng_np.uniform(-1, 1, size=(ROWS, COLS + 1)).astype(np.float32)
    ds = op.Dataset(np.asfortranarray(X))
    problem = op.Problem(ds)
    config = 0
    for s in ["add", "sub", "mul", "div", "constant", "variable"] + symbols:
        config |= int(getattr(op.NodeType, s.capitalize()))
    problem.ConfigurePrimitiveSet(config)
    inputs = [v.Hash for v in ds.Variables][:COLS]
    pset = problem.PrimitiveSet  # kept alive: the creator holds a reference to it
    creator = op.BalancedTreeCreator(pset, inputs, 0.0)
    rng = op.RandomGenerator(seed)
    lengths = np.random.default_rng(seed + 1).integers(1, MAX_LEN + 1, size=TREES)
    trees = [creator(rng, int(n), 1, 100) for n in lengths]
    nodes = sum(t.Length for t in trees)
    out = np.zeros(TREES * ROWS, dtype=np.float32)
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        op.EvaluateTrees(trees, ds, op.Range(0, ROWS), out, threads)
        best = min(best, time.perf_counter() - t0)
    return nodes * ROWS / best, nodes / TREES


def pyoperon_bench_rate(threads):
    """pyoperon's own benchmark (`pyoperon.Bench`: arithmetic trees, Operon's interpreter on a
    taskflow pool), in the same setup; timed around the call, which also draws the data and the
    trees (a few milliseconds of the total)."""
    import pyoperon as op
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        evals = op.Bench(num_trees=TREES, max_length=MAX_LEN, max_depth=100, num_rows=ROWS, num_cols=COLS,
                         random_state=0, num_threads=threads)
        best = min(best, time.perf_counter() - t0)
    return evals / best


def main():
    import pyoperon as op
    arith = []
    trans = ["sin", "cos", "exp", "log", "sqrt", "pow"]
    binary = os.path.join(ROOT, "target", "release", "examples", "expr_throughput")
    for threads in (1, 2):
        print(f"== {threads} thread(s) ==")
        for name, symbols in (("arithmetic", arith), ("transcendental", trans)):
            rate, mean = pyoperon_rate(symbols, threads)
            print(f"pyoperon {op.__version__ if hasattr(op, '__version__') else ''} {name:>15}: "
                  f"{rate / 1e9:.2f} G node-evals/s f32 (mean {mean:.1f} nodes)")
        print(f"pyoperon.Bench (its own)   arithmetic: {pyoperon_bench_rate(threads) / 1e9:.2f} G node-evals/s f32")
        out = subprocess.run([binary, "--threads", str(threads)], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if "node-evals" in line:
                print("occam    " + line.strip())
        sys.stdout.flush()


if __name__ == "__main__":
    main()
