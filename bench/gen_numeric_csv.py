#!/usr/bin/env python3
"""Writes a numeric CSV of about N megabytes: 10 columns of values like -123.4567 (seeded)."""
import random
import sys

path, megabytes = sys.argv[1], float(sys.argv[2])
random.seed(1)
cols = 10
limit = int(megabytes * 1_000_000)
with open(path, "w") as f:
    f.write(",".join(f"x{i}" for i in range(cols)) + "\n")
    size = 0
    while size < limit:
        line = ",".join(f"{random.uniform(-1000, 1000):.4f}" for _ in range(cols)) + "\n"
        f.write(line)
        size += len(line)
