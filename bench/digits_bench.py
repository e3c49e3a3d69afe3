#!/usr/bin/env python3
"""Networks on scikit-learn's digits: occam's training and compression beside scikit-learn.

Exports the bundled digits table (1,797 rows × 64 pixels, ten classes) to CSV, then on the same
machine, in one run:

- scikit-learn's MLPClassifier with the same hidden widths, epochs, batch size, learning rate,
  L2 penalty and early stopping (10 % validation, patience 10): training time and test accuracy;
- `occam compress` on the same CSV, the same 80/20 split seed being occam's own (the split is
  not shared, so accuracies are compared as figures of the same experiment, not row for row):
  training time, test accuracy, every compressed variant, and the compression ratio against
  float32 of the shortest-model variant whose test accuracy is within 1 point of the
  uncompressed network;
- the two-part code's total bits against deflate and xz of the label column.

    cargo build --release
    python3 bench/digits_bench.py --hidden 64,32 --threads 2

Prints a table; --json writes the figures to a file.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
OCCAM = os.path.join(ROOT, "target", "release", "occam")


def export_digits(path):
    from sklearn.datasets import load_digits
    d = load_digits()
    with open(path, "w") as f:
        f.write(",".join(f"p{i}" for i in range(64)) + ",digit\n")
        for x, y in zip(d.data, d.target):
            f.write(",".join(str(int(v)) for v in x) + f",d{y}\n")
    return d


def sklearn_run(d, hidden, epochs, batch, lr, alpha, seed, threads):
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler
    x_train, x_test, y_train, y_test = train_test_split(d.data, d.target, test_size=0.2, random_state=seed)
    scaler = StandardScaler().fit(d.data)  # occam standardises with all rows' statistics too
    clf = MLPClassifier(hidden_layer_sizes=tuple(hidden), max_iter=epochs, batch_size=batch,
                        learning_rate_init=lr, alpha=alpha, early_stopping=True, validation_fraction=0.1,
                        n_iter_no_change=10, random_state=seed)
    start = time.perf_counter()
    clf.fit(scaler.transform(x_train), y_train)
    seconds = time.perf_counter() - start
    accuracy = clf.score(scaler.transform(x_test), y_test)
    return {"seconds": seconds, "accuracy": accuracy, "epochs": clf.n_iter_}


def occam_run(csv, hidden, epochs, batch, lr, seed, threads):
    cmd = [OCCAM, "compress", csv, "--target", "digit", "--hidden", ",".join(map(str, hidden)),
           "--epochs", str(epochs), "--batch-size", str(batch), "--learning-rate", str(lr),
           "--seed", str(seed), "--threads", str(threads), "--json"]
    start = time.perf_counter()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - start
    return json.loads(out), wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hidden", default="64,32")
    ap.add_argument("--epochs", type=int, default=200)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--alpha", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json")
    ap.add_argument("--export", help="only write the digits CSV to this path")
    a = ap.parse_args()
    if a.export:
        export_digits(a.export)
        return 0
    hidden = [int(h) for h in a.hidden.split(",") if h]

    tmp = tempfile.mkdtemp()
    csv = os.path.join(tmp, "digits.csv")
    d = export_digits(csv)

    sk = sklearn_run(d, hidden, a.epochs, a.batch, a.lr, a.alpha, a.seed, a.threads)
    report, wall = occam_run(csv, hidden, a.epochs, a.batch, a.lr, a.seed, a.threads)

    timings = {t["stage"]: t for t in report.get("timings", [])}
    train = timings.get("train network", {})
    cands = report["candidates"]
    nets = [c for c in cands if c["family"] == "mlp"]
    float32 = next(c for c in nets if c.get("compression") == "float32")
    acc0 = float32["test"]["accuracy"]
    within = [c for c in nets if c["test"]["accuracy"] is not None and c["test"]["accuracy"] >= acc0 - 0.01]
    smallest = min(within, key=lambda c: c["model_bits"])
    ratio = float32["model_bits"] / smallest["model_bits"]
    params_bits = 32 * float32["params"]
    best = cands[report["best"]]
    baselines = {b["name"]: b["total_bits"] for b in report["baselines"]}

    print(f"digits: {report['dataset']['rows']} rows, hidden {hidden}, {a.threads} threads, seed {a.seed}")
    print(f"{'':34}{'seconds':>9}{'epochs':>8}{'test acc':>10}")
    print(f"{'scikit-learn MLPClassifier':34}{sk['seconds']:>9.2f}{sk['epochs']:>8}{sk['accuracy']:>10.4f}")
    print(f"{'occam (training only)':34}{train.get('seconds', float('nan')):>9.2f}{train.get('epochs', 0):>8}{acc0:>10.4f}")
    print(f"speed: occam trains {sk['seconds'] / train['seconds']:.2f}x as fast (per epoch "
          f"{(sk['seconds'] / sk['epochs']) / (train['seconds'] / max(train['epochs'], 1)):.2f}x)")
    print(f"occam compress, whole run (train, sweeps, search, linear model): {wall:.1f} s")
    print()
    print(f"float32 network: {float32['params']} parameters = {params_bits:.0f} bits; "
          f"model bits as sent {float32['model_bits']:.0f}")
    print(f"smallest within 1 point ({smallest['test']['accuracy']:.4f} vs {acc0:.4f}): "
          f"{smallest['description']}: {smallest['model_bits']:.0f} bits -> {ratio:.1f}x smaller than float32")
    print(f"best total: {best['description']}: {best['model_bits']:.0f} + {best['data_bits']:.0f} = {best['total_bits']:.0f} bits; "
          + ", ".join(f"{k} {v:.0f}" for k, v in baselines.items()))
    if "deflate" in baselines:
        print(f"  {baselines['deflate'] / best['total_bits']:.2f}x shorter than deflate, "
              f"{baselines.get('xz', float('nan')) / best['total_bits']:.2f}x shorter than xz")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"sklearn": sk, "occam_train": train, "occam_wall": wall, "ratio": ratio,
                       "smallest": smallest, "best": best, "baselines": baselines, "float32": float32}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
