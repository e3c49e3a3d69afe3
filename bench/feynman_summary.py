#!/usr/bin/env python3
"""The summary table of (possibly partial) feynman_bench.py results files, merged: a long run
split in parts (say, the peers that do not change between sessions run on their own) sums up
as one.

    python3 bench/feynman_summary.py target/feynman-results.json [more.json ...]
"""
import json
import sys

results = [r for path in (sys.argv[1:] or ["target/feynman-results.json"]) for r in json.load(open(path))]
methods = list(dict.fromkeys(r["method"] for r in results))
print(f"{'noise':<7}{'method':<10}{'problems':>9}{'symbolic %':>12}{'exact %':>9}{'R2>0.999 %':>12}")
for noise in sorted({r["noise"] for r in results}):
    for method in methods:
        rs = [r for r in results if r["noise"] == noise and r["method"] == method]
        if rs:
            pct = lambda k: 100.0 * sum(1 for r in rs if k(r)) / len(rs)
            print(f"{noise:<7}{method:<10}{len(rs):>9}{pct(lambda r: r['symbolic']):>12.1f}"
                  f"{pct(lambda r: r['exact']):>9.1f}{pct(lambda r: r['r2'] > 0.999):>12.1f}")
