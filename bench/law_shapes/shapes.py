"""Writes the law-shapes set: one table for each of the usual shapes of measured laws (issue 12:
power laws with a real exponent, a + b·e^(−kt), a·(1 − e^(−t/τ)), a·bᵗ, a/(b + x), sums of two
such terms, trigonometric functions of an angle in degrees), with constants that are not round,
14 to 20 rows, 0.1 % noise and four significant digits: tables that can pay for their law, so
that a miss is the search's and not the data's. laws.json lists each law with a start for its
constants; bench/small_tables.py --set bench/law_shapes judges them by extrapolation.

    python3 bench/law_shapes/shapes.py      # rewrites the CSVs and laws.json, byte for byte
"""

import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(20261202)

# name: (law as a Python function, the same law for sympy in x0 and c0, c1, ..., its constants,
# the inputs)
SHAPES = {
    "power_real": (lambda x: 2.7 * x ** 1.38, "c0*x0**c1", [2.7, 1.38], [0.5 + 0.5 * i for i in range(16)]),
    "decay_to_offset": (lambda x: 20.5 + 61.0 * math.exp(-0.063 * x), "c0 + c1*exp(-c2*x0)", [20.5, 61.0, 0.063], [3 * i for i in range(16)]),
    "charging": (lambda x: 8.7 * (1 - math.exp(-x / 7.3)), "c0*(1 - exp(-x0/c1))", [8.7, 7.3], [2 * i + 1 for i in range(16)]),
    "growth": (lambda x: 3.1 * 1.27 ** x, "c0*c1**x0", [3.1, 1.27], [i for i in range(16)]),
    "hyperbola": (lambda x: 45.0 / (2.6 + x), "c0/(c1 + x0)", [45.0, 2.6], [0.5 * i for i in range(16)]),
    "saturation": (lambda x: 42.0 * x / (3.5 + x), "c0*x0/(c1 + x0)", [42.0, 3.5], [0.5, 1, 1.5, 2, 3, 4, 5, 7, 9, 12, 15, 20, 25, 30]),
    "offset_inverse_square": (lambda x: 3.0 + 250.0 / x ** 2, "c0 + c1/x0**2", [3.0, 250.0], [1 + 0.4 * i for i in range(16)]),
    "logarithmic": (lambda x: 12.3 + 8.6 * math.log(x), "c0 + c1*log(x0)", [12.3, 8.6], [0.5 * 1.35 ** i for i in range(16)]),
    "quadratic": (lambda x: 1.4 + 12.2 * x - 4.91 * x ** 2, "c0 + c1*x0 + c2*x0**2", [1.4, 12.2, -4.91], [0.15 * i for i in range(17)]),
    "two_decays": (lambda x: 5.0 * math.exp(-x / 2.1) + 3.2 * math.exp(-x / 9.4), "c0*exp(-x0/c1) + c2*exp(-x0/c3)", [5.0, 2.1, 3.2, 9.4], [0.7 * i for i in range(20)]),
    "power_and_line": (lambda x: 1.9 * x ** 1.5 + 4.2 * x, "c0*x0**1.5 + c1*x0", [1.9, 4.2], [0.5 + 0.6 * i for i in range(16)]),
    "sine_degrees": (lambda x: 37.2 * math.sin(math.radians(x)), "c0*sin(c1*x0)", [37.2, 0.01745], [5 + 5 * i for i in range(16)]),
    "double_angle_degrees": (lambda x: 12.4 * math.sin(math.radians(2 * x)), "c0*sin(c1*x0)", [12.4, 0.0349], [5 + 5 * i for i in range(16)]),
    "cosine_squared_degrees": (lambda x: 80.0 * math.cos(math.radians(x)) ** 2, "c0*cos(c1*x0)**2", [80.0, 0.01745], [5 * i for i in range(16)]),
    "damped_oscillation": (lambda x: 4.0 * math.exp(-0.21 * x) * math.cos(2.3 * x), "c0*exp(-c1*x0)*cos(c2*x0)", [4.0, 0.21, 2.3], [0.25 * i for i in range(20)]),
}


def four_digits(v):
    return f"{float(f'{v:.4g}'):g}" if v != 0 else "0"


tables = []
for name, (law, sympy_law, constants, xs) in SHAPES.items():
    with open(os.path.join(HERE, f"{name}.csv"), "w") as f:
        f.write("x,y\n")
        for x in xs:
            f.write(f"{x:g},{four_digits(law(x) * (1 + 0.001 * rng.gauss(0, 1)))}\n")
    tables.append({"file": f"{name}.csv", "target": "y", "inputs": ["x"], "law": sympy_law, "p0": constants, "kind": "simulated", "source": "shapes.py"})

with open(os.path.join(HERE, "laws.json"), "w") as f:
    json.dump({"about": "The usual shapes of measured laws at 0.1 % noise and four significant digits (shapes.py); 'law' and 'p0' as in bench/small_tables/laws.json.", "tables": tables}, f, indent=1)
    f.write("\n")
