#!/usr/bin/env python3
"""The summary table of a (possibly partial) feynman_bench.py results file.

    python3 bench/feynman_summary.py target/feynman-results.json
"""
import json
import sys

results = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "target/feynman-results.json"))
methods = list(dict.fromkeys(r["method"] for r in results))
print(f"{'noise':<7}{'method':<10}{'problems':>9}{'symbolic %':>12}{'exact %':>9}{'R2>0.999 %':>12}")
for noise in sorted({r["noise"] for r in results}):
    for method in methods:
        rs = [r for r in results if r["noise"] == noise and r["method"] == method]
        if rs:
            pct = lambda k: 100.0 * sum(1 for r in rs if k(r)) / len(rs)
            print(f"{noise:<7}{method:<10}{len(rs):>9}{pct(lambda r: r['symbolic']):>12.1f}"
                  f"{pct(lambda r: r['exact']):>9.1f}{pct(lambda r: r['r2'] > 0.999):>12.1f}")
