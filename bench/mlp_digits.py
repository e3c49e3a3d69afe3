"""occam's network training beside scikit-learn's MLPClassifier on the digits, on the same rows.

Writes /tmp/digits.csv (1,797 × 64, the label as text), runs examples/train_digits (release) to
train occam's network and to write its 80/20 split, then fits MLPClassifier on the same training
rows (inputs standardised over all rows, as occam does) and scores both on the same test rows.

    cargo build --release --example train_digits
    python3 bench/mlp_digits.py [--hidden 64,32] [--seeds 5] [--threads 1]
"""

import argparse
import re
import subprocess
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.neural_network import MLPClassifier

parser = argparse.ArgumentParser()
parser.add_argument("--hidden", default="64,32")
parser.add_argument("--seeds", type=int, default=5)
parser.add_argument("--threads", default="1")
parser.add_argument("--binary", default="target/release/examples/train_digits")
args = parser.parse_args()
hidden = tuple(int(h) for h in args.hidden.split(","))

digits = load_digits()
with open("/tmp/digits.csv", "w") as f:
    f.write(",".join(f"p{i}" for i in range(64)) + ",digit\n")
    for x, y in zip(digits.data, digits.target):
        f.write(",".join(str(int(v)) for v in x) + f",d{y}\n")

out = subprocess.run(
    [args.binary, "/tmp/digits.csv", "--hidden", args.hidden, "--seeds", str(args.seeds),
     "--threads", args.threads, "--split-out", "/tmp/digits-split.txt"],
    check=True, capture_output=True, text=True).stdout
print(out, end="")
runs = [(float(m[1]), float(m[2])) for m in re.finditer(r": ([\d.]+) s .*accuracy ([\d.]+)", out)]
print(f"occam    {hidden}: mean {np.mean([t for t, _ in runs]):.3f} s, accuracy {np.mean([a for _, a in runs]):.4f}")

train, test = (np.array([int(v) for v in line.split(",")]) for line in open("/tmp/digits-split.txt").read().split())
x = digits.data
std = x.std(axis=0)
x = (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0)
y = digits.target
for early in (False, True):
    times, scores = [], []
    for seed in range(1, args.seeds + 1):
        start = time.perf_counter()
        model = MLPClassifier(hidden_layer_sizes=hidden, random_state=seed, early_stopping=early, max_iter=200)
        model.fit(x[train], y[train])
        times.append(time.perf_counter() - start)
        scores.append(model.score(x[test], y[test]))
    print(f"sklearn  {hidden} early_stopping={early}: mean {np.mean(times):.3f} s, "
          f"accuracy {np.mean(scores):.4f} ({', '.join(f'{t:.3f} s {s:.4f}' for t, s in zip(times, scores))})")
