#!/usr/bin/env python3
"""A .occam file's size against the total the search reported for its program (issue 13).

Tables of 40 rows, y = 2.5·x0² + noise beside 2, 12 and 29 feature columns (names, steps and
the noise as a measured table has them); each kind of program is encoded with every row scored
(`--test-fraction 0`), so the reported total and the file code the same rows.

    cargo build --release && python3 bench/file_vs_report.py
"""
import json
import os
import random
import subprocess
import tempfile

OCCAM = os.path.join(os.path.dirname(__file__), "..", "target", "release", "occam")


def table(path, columns, seed=3):
    rng = random.Random(seed)
    names = [f"x{i}" for i in range(columns - 1)]
    with open(path, "w") as f:
        f.write(",".join(names + ["y"]) + "\n")
        for _ in range(40):
            xs = [round(rng.uniform(1, 10), 2) for _ in names]
            y = round(2.5 * xs[0] ** 2 + rng.gauss(0, 0.3), 2)
            f.write(",".join(map(str, xs + [y])) + "\n")


def main():
    print("| columns | program | file bits | header | model | data | reported total | file − reported |")
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for columns in (3, 13, 30):
            data = os.path.join(tmp, f"t{columns}.csv")
            table(data, columns)
            for model in ("formula", "linear", "mlp"):
                out = os.path.join(tmp, f"{columns}-{model}.occam")
                args = [OCCAM, "encode", data, "--target", "y", "--model", model, "--generations", "30",
                        "--test-fraction", "0", "-o", out, "--json"]
                d = json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)
                gap = d["file_bits"] - d["reported_bits"]
                name = d["program"][:40].replace("|", "\\|")
                print(f"| {columns} | {name} | {d['file_bits']} | {d['header_bits']:.1f} | "
                      f"{d['model_bits']:.1f} | {d['data_bits']:.1f} | {d['reported_bits']:.1f} | {gap:+.1f} |")


if __name__ == "__main__":
    main()
