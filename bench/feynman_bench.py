#!/usr/bin/env python3
"""Exact recovery on the public Feynman problems, occam beside pyoperon and gplearn.

For each problem of ../shared/feynman (its generator writes the CSVs) and each noise level,
the rows are split 75/25 (seeded); every method gets the same training rows and time budget, and
is judged on the same test rows, as SRBench does (La Cava et al. 2021):

- symbolic solution: the found formula minus the true one, or their ratio, simplifies to a
  constant (sympy, after rounding floats to 3 decimals as SRBench does);
- exact: the difference simplifies to 0 with the constants as the method wrote them;
- accuracy solution: test R^2 > 0.999.

    python3 bench/feynman_bench.py --seconds 60 --methods occam,pyoperon,gplearn --noise 0,0.001
    python3 bench/feynman_bench.py --seconds 10 --ids I.14.3,II.37.1 --methods occam

The occam binary is target/release/occam (cargo build --release). Results go to a JSON file and
a table on stdout.
"""

import argparse
import csv
import json
import math
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), ".."))
FEYNMAN = os.path.normpath(os.path.join(ROOT, "..", "shared", "feynman", "feynman.py"))
OCCAM = os.path.join(ROOT, "target", "release", "occam")


def generate(out, noise, rows, seed, units=False):
    subprocess.run([sys.executable, FEYNMAN, "--list", "public", "--out", out, "--rows", str(rows),
                    "--noise", str(noise), "--seed", str(seed)] + (["--units"] if units else []),
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "metadata.json")) as f:
        return json.load(f)["equations"]


def read_csv(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return rows[0], [[float(v) for v in r] for r in rows[1:]]


def split(rows, seed):
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    cut = int(round(len(rows) * 0.75))
    return [rows[i] for i in sorted(order[:cut])], [rows[i] for i in sorted(order[cut:])]


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([repr(v) for v in r])


# --- methods: each returns a formula string over the safe names x0, x1, ... --------------------

def run_occam(train_path, names, seconds, threads, seed):
    out = subprocess.run(
        [OCCAM, "search", train_path, "--target", "target", "--seconds", str(seconds), "--threads", str(threads),
         "--seed", str(seed), "--test-fraction", "0", "--json"],
        check=True, capture_output=True, text=True)
    report = json.loads(out.stdout)
    # The formula over x0, x1, ... (the headers may carry units: 'x0 [m/s]').
    return report["candidates"][report["best"]]["expression"]


def run_pyoperon(X, y, seconds, threads, seed):
    from pyoperon.sklearn import SymbolicRegressor
    est = SymbolicRegressor(max_time=int(math.ceil(seconds)), n_threads=threads, random_state=seed,
                            allowed_symbols="add,sub,mul,div,constant,variable,sin,cos,exp,log,sqrt,pow",
                            generations=10**9, max_evaluations=10**12)
    est.fit(X, y)
    names = {f"X{i + 1}": f"x{i}" for i in range(X.shape[1])}
    text = est.get_model_string(est.model_, 16, names=[f"x{i}" for i in range(X.shape[1])])
    return text


def run_gplearn(X, y, seconds, threads, seed):
    from gplearn.genetic import SymbolicRegressor
    # gplearn has no time budget: run generations until the budget is spent (warm start).
    est = SymbolicRegressor(population_size=1000, generations=1, warm_start=True, n_jobs=threads, random_state=seed,
                            function_set=("add", "sub", "mul", "div", "sqrt", "log", "sin", "cos"),
                            parsimony_coefficient=0.001)
    start = time.time()
    gens = 0
    while time.time() - start < seconds:
        gens += 1
        est.set_params(generations=gens)
        est.fit(X, y)
    return gplearn_to_sympy(str(est._program))


def gplearn_to_sympy(program):
    """gplearn prints prefix calls: add(X0, mul(X1, 0.5)); sympy wants infix."""
    import sympy
    fns = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
           "div": lambda a, b: a / b, "sqrt": lambda a: sympy.sqrt(sympy.Abs(a)),
           "log": lambda a: sympy.log(sympy.Abs(a)), "sin": sympy.sin, "cos": sympy.cos,
           "neg": lambda a: -a, "inv": lambda a: 1 / a}
    local = dict(fns)
    for i in range(64):
        local[f"X{i}"] = sympy.Symbol(f"x{i}")
    return str(sympy.sympify(program, locals=local))


# --- judging -----------------------------------------------------------------------------------

def judge(true_formula, var_names, found, test_rows, queue):
    import sympy
    from sympy.parsing.sympy_parser import parse_expr
    try:
        # Every variable of the public tables is drawn from a positive range, so the symbols are
        # positive: √(a·b) is √a·√b there, as sympy will only say for positive symbols.
        syms = {f"x{i}": sympy.Symbol(f"x{i}", positive=True) for i in range(len(var_names))}
        true_local = {name: syms[f"x{i}"] for i, name in enumerate(var_names)}
        true_local.update({"pi": sympy.pi, "exp": sympy.exp, "sqrt": sympy.sqrt, "log": sympy.log,
                           "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "asin": sympy.asin,
                           "acos": sympy.acos, "atan": sympy.atan, "tanh": sympy.tanh})
        true_expr = parse_expr(true_formula, local_dict=true_local)
        found_expr = parse_expr(found, local_dict=dict(syms))
        f = sympy.lambdify([syms[f"x{i}"] for i in range(len(var_names))], found_expr, "math")
        ys, preds = [], []
        for r in test_rows:
            try:
                preds.append(float(f(*r[:-1])))
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                preds.append(float("nan"))
            ys.append(r[-1])
        mean = sum(ys) / len(ys)
        ss = sum((y - mean) ** 2 for y in ys)
        res = sum((y - p) ** 2 for y, p in zip(ys, preds))
        r2 = 1 - res / ss if ss > 0 and math.isfinite(res) else float("-inf")

        def rounded(e):
            return e.xreplace({n: sympy.Float(round(float(n), 3)) for n in e.atoms(sympy.Float)})

        def constant(e):
            e = sympy.simplify(e)
            return len(e.free_symbols) == 0 and e.is_finite is not False and e != sympy.zoo

        diff = rounded(true_expr - found_expr)
        ratio = rounded(found_expr / true_expr)
        symbolic = constant(diff) or (constant(ratio) and sympy.simplify(ratio) != 0)
        exact = sympy.simplify(true_expr - found_expr) == 0
        queue.put({"r2": r2, "symbolic": bool(symbolic), "exact": bool(exact)})
    except Exception as e:  # a formula sympy cannot read is not a solution
        queue.put({"r2": float("-inf"), "symbolic": False, "exact": False, "error": str(e)[:200]})


def judged(true_formula, var_names, found, test_rows, timeout=60):
    queue = mp.Queue()
    p = mp.Process(target=judge, args=(true_formula, var_names, found, test_rows, queue))
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.kill()
        return {"r2": float("nan"), "symbolic": False, "exact": False, "error": "sympy timed out"}
    return queue.get() if not queue.empty() else {"r2": float("nan"), "symbolic": False, "exact": False}


def main():
    global OCCAM
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--methods", default="occam,pyoperon,gplearn")
    ap.add_argument("--noise", default="0,0.001")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--ids", default="")
    ap.add_argument("--units", action="store_true", help="headers carry the variables' units (occam reads them; the peers get none)")
    ap.add_argument("--occam", default=None, help="the occam binary (another build, to compare)")
    ap.add_argument("--out", default=os.path.join(ROOT, "target", "feynman-results.json"))
    args = ap.parse_args()
    OCCAM = args.occam or OCCAM
    methods = args.methods.split(",")
    results = []
    for noise in [float(n) for n in args.noise.split(",")]:
        with tempfile.TemporaryDirectory() as tmp:
            equations = generate(tmp, noise, args.rows, args.seed, args.units)
            if args.ids:
                wanted = set(args.ids.split(","))
                equations = [e for e in equations if e["id"] in wanted]
            for eq in equations:
                header, rows = read_csv(os.path.join(tmp, eq["file"]))
                train, test = split(rows, args.seed)
                # The true formula names the variables without their units.
                var_names = [h.split(" [")[0] for h in header[:-1]]
                # Safe names for the peers' formulas; occam also keeps each header's unit.
                unit = lambda h: h[h.index(" ["):] if " [" in h else ""
                safe = [f"x{i}{unit(h)}" for i, h in enumerate(header[:-1])] + [f"target{unit(header[-1])}"]
                train_path = os.path.join(tmp, "train-" + eq["file"])
                write_csv(train_path, safe, train)
                import numpy as np
                X = np.array([r[:-1] for r in train])
                y = np.array([r[-1] for r in train])
                for method in methods:
                    start = time.time()
                    try:
                        if method == "occam":
                            found = run_occam(train_path, var_names, args.seconds, args.threads, args.seed)
                        elif method == "pyoperon":
                            found = run_pyoperon(X, y, args.seconds, args.threads, args.seed)
                        else:
                            found = run_gplearn(X, y, args.seconds, args.threads, args.seed)
                    except Exception as e:
                        found = f"error: {e}"
                    took = time.time() - start
                    verdict = judged(eq["formula"], var_names, found, test)
                    row = {"id": eq["id"], "noise": noise, "method": method, "formula": found,
                           "true": eq["formula"], "seconds": round(took, 1), **verdict}
                    results.append(row)
                    # Written after every problem, so a long run that is stopped keeps what it did.
                    os.makedirs(os.path.dirname(args.out), exist_ok=True)
                    with open(args.out, "w") as f:
                        json.dump(results, f, indent=1)
                    print(f"{noise:<6} {eq['id']:<10} {method:<9} r2={verdict['r2']:.6f} "
                          f"sym={int(verdict['symbolic'])} exact={int(verdict['exact'])} {took:5.1f}s  {found[:90]}",
                          flush=True)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
    print()
    print(f"{'noise':<7}{'method':<10}{'problems':>9}{'symbolic %':>12}{'exact %':>9}{'R2>0.999 %':>12}")
    for noise in sorted({r["noise"] for r in results}):
        for method in methods:
            rs = [r for r in results if r["noise"] == noise and r["method"] == method]
            if not rs:
                continue
            n = len(rs)
            pct = lambda k: 100.0 * sum(1 for r in rs if k(r)) / n
            print(f"{noise:<7}{method:<10}{n:>9}{pct(lambda r: r['symbolic']):>12.1f}{pct(lambda r: r['exact']):>9.1f}"
                  f"{pct(lambda r: r['r2'] > 0.999):>12.1f}")


if __name__ == "__main__":
    main()
