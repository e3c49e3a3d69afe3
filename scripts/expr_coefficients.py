"""Generates the polynomial coefficients of src/expr/approx.rs (the vectorisable transcendental
functions). Each polynomial is a Chebyshev fit (mpmath.chebyfit, 60 significant digits) of the
smooth remainder of a function on its reduced interval; the degree is the smallest whose
assembled approximation has a relative error below the target (2^-57 for f64, 2^-27 for f32).
Run: python3 scripts/expr_coefficients.py  (needs mpmath)."""
import struct
from mpmath import mp, mpf, chebyfit, sqrt, exp, log, sin, cos, atan, asin, atanh, pi, linspace

mp.dps = 60

def R(x):  # a real as the nearest double, in shortest form
    return repr(float(x))

def remainder_fns():
    ln2h = log(2) / 2
    return {
        # exp(r) = 1 + r + r^2 P(r),            r in [-ln2/2, ln2/2]
        "EXP": (lambda r: (exp(r) - 1 - r) / r**2, [-ln2h, ln2h],
                lambda r, p: (1 + r + r**2 * p) / exp(r) - 1),
        # log(1+f) = f - (hf - s (hf + z Q(z))), s = f/(2+f), z = s^2 <= (3-2sqrt2)^2
        "LOG": (lambda z: (2 * atanh(sqrt(z)) / sqrt(z) - 2) / z, [mpf(0), (3 - 2 * sqrt(2))**2],
                lambda z, p: (2 * sqrt(z) + sqrt(z) * z * p) / (2 * atanh(sqrt(z))) - 1),
        # sin(r) = r + r z S(z), z = r^2 <= (pi/4)^2
        "SIN": (lambda z: (sin(sqrt(z)) / sqrt(z) - 1) / z, [mpf(0), (pi / 4)**2],
                lambda z, p: (sqrt(z) + sqrt(z) * z * p) / sin(sqrt(z)) - 1),
        # cos(r) = 1 - z/2 + z^2 C(z)
        "COS": (lambda z: (cos(sqrt(z)) - 1 + z / 2) / z**2, [mpf(0), (pi / 4)**2],
                lambda z, p: (1 - z / 2 + z**2 * p) / cos(sqrt(z)) - 1),
        # atan(t) = t + t z A(z), z = t^2 <= tan(pi/8)^2
        "ATAN": (lambda z: (atan(sqrt(z)) / sqrt(z) - 1) / z, [mpf(0), (sqrt(2) - 1)**2],
                 lambda z, p: (sqrt(z) + sqrt(z) * z * p) / atan(sqrt(z)) - 1),
        # asin(s) = s + s z B(z), z = s^2 <= 1/4
        "ASIN": (lambda z: (asin(sqrt(z)) / sqrt(z) - 1) / z, [mpf(0), mpf(1) / 4],
                 lambda z, p: (sqrt(z) + sqrt(z) * z * p) / asin(sqrt(z)) - 1),
    }

def to_type(c, ctype):
    return mpf(float(c)) if ctype == 64 else mpf(struct.unpack("f", struct.pack("f", float(c)))[0])

def fit(name, f, iv, rel, target, ctype):
    g = lambda x: f(x if x != 0 else mpf(10)**-40)  # the removable singularity at 0
    for n in range(2, 30):
        coeffs = chebyfit(g, iv, n)
        rounded = [to_type(c, ctype) for c in coeffs]
        a, b = iv
        pts = linspace(a, b, 1001)
        err = max(abs(rel(x, sum(c * x**(len(rounded) - 1 - i) for i, c in enumerate(rounded)))) for x in pts if x != 0)
        if err < target:
            return rounded, err
    raise SystemExit(f"{name}: no fit")

if __name__ == "__main__":
    for ctype, target in ((64, mpf(2)**-57), (32, mpf(2)**-27)):
        for name, (f, iv, rel) in remainder_fns().items():
            coeffs, err = fit(name, f, iv, rel, target, ctype)
            print(f"// {name} f{ctype}: {len(coeffs)} terms, max relative error {float(err):.2e}")
            print(f"pub const {name}: [F; {len(coeffs)}] = [{', '.join(R(c) for c in coeffs)}];")
