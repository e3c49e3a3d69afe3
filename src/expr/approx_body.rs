// The algorithm text of `approx.rs`, compiled once per float type. Before including it, a module
// defines `F` (the float), `U`/`I` (unsigned/signed integers of the same width), the constants
// named below and the coefficient arrays. All functions are `#[inline(always)]` so that they are
// compiled inside the caller's loop with the caller's target features.

/// `a * b + c`, fused when the build has FMA.
#[inline(always)]
fn mla<const FMA: bool>(a: F, b: F, c: F) -> F {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// Horner's rule over coefficients given highest degree first.
#[inline(always)]
fn poly<const FMA: bool, const N: usize>(x: F, c: &[F; N]) -> F {
    let mut acc = c[0];
    for &ci in &c[1..] {
        acc = mla::<FMA>(acc, x, ci);
    }
    acc
}

/// Rounds `x` (|x| < 2^(MANT−1)) to the nearest integer, as a float and as the integer's bits
/// (two's complement in the low bits), without a `round` instruction (SSE2 and simd128 lack
/// one for f64-to-int).
#[inline(always)]
fn round_int<const FMA: bool>(x: F, scale: F) -> (F, I) {
    let t = mla::<FMA>(x, scale, MAGIC);
    (t - MAGIC, (t.to_bits() as I).wrapping_sub(MAGIC.to_bits() as I))
}

/// 2^k for a k in the normal exponent range.
#[inline(always)]
fn pow2i(k: I) -> F {
    F::from_bits((k.wrapping_add(BIAS) as U) << MANT)
}

/// The exact product `a * b = p + e`: one FMA when available, else Dekker's splitting.
#[inline(always)]
fn two_prod<const FMA: bool>(a: F, b: F) -> (F, F) {
    let p = a * b;
    if FMA {
        (p, a.mul_add(b, -p))
    } else {
        let (ah, al) = split(a);
        let (bh, bl) = split(b);
        (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    }
}

#[inline(always)]
fn split(a: F) -> (F, F) {
    let c = SPLITTER * a;
    let hi = c - (c - a);
    (hi, a - hi)
}

/// exp(hi + lo) for |lo| ≪ ulp(hi), the core of exp and pow. The argument is clamped to
/// [EXP_LO, EXP_HI] (NaN passes through), where the result is 0 or ∞ anyway; the scale 2^k is
/// applied in two halves so that subnormal results are rounded once and overflow gives ∞.
#[inline(always)]
fn exp_parts<const FMA: bool>(hi: F, lo: F) -> F {
    let x = if hi > EXP_HI { EXP_HI } else { hi };
    let x = if x < EXP_LO { EXP_LO } else { x };
    let lo = if x == hi { lo } else { 0.0 };
    let (kf, k) = round_int::<FMA>(x, LOG2_E);
    let r = mla::<FMA>(kf, -LN2_HI, x);
    let r = mla::<FMA>(kf, -LN2_LO, r) + lo;
    let p = mla::<FMA>(r * r, poly::<FMA, { EXP.len() }>(r, &EXP), r) + 1.0;
    // floor(k / 2) with a logical shift (AVX2 has no 64-bit arithmetic shift).
    let k1 = ((k.wrapping_add(4096) as U) >> 1) as I - 2048;
    p * pow2i(k1) * pow2i(k.wrapping_sub(k1))
}

/// e^x. NaN → NaN, +∞ → +∞, −∞ → 0.
#[inline(always)]
pub fn exp<const FMA: bool>(x: F) -> F {
    exp_parts::<FMA>(x, 0.0)
}

/// e^y − 1 for 0 ≤ y ≤ 2·TANH_CLAMP (no cancellation near 0; used by tanh).
#[inline(always)]
fn expm1_pos<const FMA: bool>(y: F) -> F {
    let (kf, k) = round_int::<FMA>(y, LOG2_E);
    let r = mla::<FMA>(kf, -LN2_HI, y);
    let r = mla::<FMA>(kf, -LN2_LO, r);
    let p = mla::<FMA>(r * r, poly::<FMA, { EXP.len() }>(r, &EXP), r);
    let scale = pow2i(k);
    mla::<FMA>(scale, p, scale - 1.0)
}

/// ln x as an unevaluated sum `a + b` (|b| ≤ 0.35, `a` = k·LN2_HI exact) for x > 0 finite;
/// fdlibm's e_log.c reduction: x = 2^k (1+f), 1+f ∈ [√½, √2), then
/// ln(1+f) = f − (f²/2 − s (f²/2 + R)), s = f/(2+f), R = z Q(z).
#[inline(always)]
fn ln_parts<const FMA: bool>(x: F) -> (F, F) {
    let tiny = x < F::MIN_POSITIVE;
    let x = if tiny { x * SUBNORMAL_SCALE } else { x };
    let shift = if tiny { SUBNORMAL_SHIFT } else { 0.0 };
    // Offsetting the bits by 1 − √½ puts the exponent boundary at √½ instead of 1.
    let ix = x.to_bits().wrapping_add((1.0 as F).to_bits().wrapping_sub(SQRT_HALF.to_bits()));
    let biased = F::from_bits(TWO_MANT.to_bits() | (ix >> MANT)) - TWO_MANT;
    let kf = biased - BIAS as F - shift;
    let mantissa_mask: U = (1 << MANT) - 1;
    let f = F::from_bits((ix & mantissa_mask).wrapping_add(SQRT_HALF.to_bits())) - 1.0;
    let hfsq = 0.5 * f * f;
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * poly::<FMA, { LOG.len() }>(z, &LOG);
    let b = f - (hfsq - mla::<FMA>(s, hfsq + r, kf * LN2_LO));
    (kf * LN2_HI, b)
}

/// ln x. x < 0 or NaN → NaN, ±0 → −∞, +∞ → +∞.
#[inline(always)]
pub fn ln<const FMA: bool>(x: F) -> F {
    let (a, b) = ln_parts::<FMA>(x);
    let y = a + b;
    let y = if x == F::INFINITY { x } else { y };
    let y = if x == 0.0 { F::NEG_INFINITY } else { y };
    if x >= 0.0 {
        y
    } else {
        F::NAN
    }
}

/// x^y for x > 0 finite and y finite: exp(y ln x) with ln x kept as two parts and y·ln x
/// formed exactly, so the error does not grow with |ln x|.
#[inline(always)]
fn pow_positive<const FMA: bool>(x: F, y: F) -> F {
    let (a, b) = ln_parts::<FMA>(x);
    let (p, e) = two_prod::<FMA>(y, a);
    // When y·a overflows, e is NaN; the exponent is clamped anyway, so drop the low part.
    let lo = if p.abs() < F::INFINITY { mla::<FMA>(y, b, e) } else { 0.0 };
    let hi = p + lo;
    exp_parts::<FMA>(hi, (p - hi) + lo)
}

/// x^y on the lanes [`pow_inline`] admits: a negative base needs an integer exponent (its
/// parity gives the sign), and NaN follows IEEE (x^0 = 1^y = 1, otherwise NaN).
#[inline(always)]
pub fn pow<const FMA: bool>(x: F, y: F) -> F {
    let magnitude = pow_positive::<FMA>(x.abs(), y);
    let (rounded, int) = round_int::<FMA>(y, 1.0);
    let odd = int & 1 != 0;
    let negative = if rounded == y {
        if odd {
            -magnitude
        } else {
            magnitude
        }
    } else {
        F::NAN
    };
    let r = if x < 0.0 { negative } else { magnitude };
    let nan_rule = if y == 0.0 || x == 1.0 { 1.0 } else { F::NAN };
    if x.is_nan() || y.is_nan() {
        nan_rule
    } else {
        r
    }
}

/// Whether [`pow`] covers (x, y); other lanes (a zero or infinite operand, a huge exponent) go
/// to std's powf, which knows IEEE's special cases.
#[inline(always)]
pub fn pow_inline(x: F, y: F) -> bool {
    // A negative base needs |y| small enough to round to an integer in-line.
    let y_limit = if x < 0.0 { MAGIC / 4.0 } else { POW_Y_LIMIT };
    (x != 0.0 && x.abs() < F::INFINITY && y.abs() < y_limit) || x.is_nan() || y.is_nan()
}

/// Whether sin, cos and tan of x take the in-line path: |x| ≤ TRIG_LIMIT, or NaN or ±∞ (whose
/// result, NaN, the in-line path also gives).
#[inline(always)]
pub fn trig_inline(x: F) -> bool {
    !(x.abs() > TRIG_LIMIT && x.abs() < F::INFINITY)
}

/// x = q π/2 + r with |r| ≤ π/4 (Cody–Waite); returns sin r, cos r and q.
#[inline(always)]
fn sincos_reduced<const FMA: bool>(x: F) -> (F, F, I) {
    let (qf, q) = round_int::<FMA>(x, FRAC_2_PI);
    let r = mla::<FMA>(qf, -PIO2_1, x);
    let r = mla::<FMA>(qf, -PIO2_2, r);
    let r = mla::<FMA>(qf, -PIO2_3, r);
    let z = r * r;
    let sin = mla::<FMA>(r * z, poly::<FMA, { SIN.len() }>(z, &SIN), r);
    let cos = mla::<FMA>(z * z, poly::<FMA, { COS.len() }>(z, &COS), mla::<FMA>(-0.5, z, 1.0));
    (sin, cos, q)
}

/// Flips the sign of `v` when bit 1 of `q` is set (quadrants 2 and 3).
#[inline(always)]
fn negate_if_bit1(v: F, q: I) -> F {
    F::from_bits(v.to_bits() ^ (((q as U) & 2) << (U::BITS - 2)))
}

/// sin x for |x| ≤ TRIG_LIMIT.
#[inline(always)]
pub fn sin<const FMA: bool>(x: F) -> F {
    let (s, c, q) = sincos_reduced::<FMA>(x);
    negate_if_bit1(if q & 1 == 0 { s } else { c }, q)
}

/// cos x for |x| ≤ TRIG_LIMIT.
#[inline(always)]
pub fn cos<const FMA: bool>(x: F) -> F {
    let (s, c, q) = sincos_reduced::<FMA>(x);
    let q = q.wrapping_add(1);
    negate_if_bit1(if q & 1 == 0 { s } else { c }, q)
}

/// tan x for |x| ≤ TRIG_LIMIT: sin r / cos r, or −cos r / sin r in odd quadrants.
#[inline(always)]
pub fn tan<const FMA: bool>(x: F) -> F {
    let (s, c, q) = sincos_reduced::<FMA>(x);
    let odd = q & 1 != 0;
    let num = if odd { -c } else { s };
    let den = if odd { s } else { c };
    num / den
}

/// atan x: |x| is reduced to |t| ≤ tan(π/8) by atan x = π/4 + atan((x−1)/(x+1)) or
/// π/2 + atan(−1/x), with one division for all three ranges.
#[inline(always)]
pub fn atan<const FMA: bool>(x: F) -> F {
    let a = x.abs();
    let big = a > TAN_3PI_8;
    let mid = a > TAN_PI_8;
    let num = if big {
        -1.0
    } else if mid {
        a - 1.0
    } else {
        a
    };
    let den = if big {
        a
    } else if mid {
        a + 1.0
    } else {
        1.0
    };
    let base_hi = if big {
        PIO2_HI
    } else if mid {
        PIO4_HI
    } else {
        0.0
    };
    let base_lo = if big {
        PIO2_LO
    } else if mid {
        PIO4_LO
    } else {
        0.0
    };
    let t = num / den;
    let z = t * t;
    let p = mla::<FMA>(t * z, poly::<FMA, { ATAN.len() }>(z, &ATAN), t);
    (base_hi + (p + base_lo)).copysign(x)
}

/// asin |x| on its two ranges: |x| ≤ ½ directly, else from asin(√((1−|x|)/2)) (returned
/// with `small` = false, to be combined as π/2 − 2p by the caller).
#[inline(always)]
fn asin_core<const FMA: bool>(a: F) -> (F, bool) {
    let small = a <= 0.5;
    let z = if small { a * a } else { (1.0 - a) * 0.5 };
    let s = if small { a } else { z.sqrt() };
    (mla::<FMA>(s * z, poly::<FMA, { ASIN.len() }>(z, &ASIN), s), small)
}

/// asin x. |x| > 1 or NaN → NaN.
#[inline(always)]
pub fn asin<const FMA: bool>(x: F) -> F {
    let (p, small) = asin_core::<FMA>(x.abs());
    let big = PIO2_HI - (2.0 * p - PIO2_LO);
    (if small { p } else { big }).copysign(x)
}

/// acos x = π/2 − asin x near 0, 2 asin(√((1−x)/2)) near 1, π − that near −1.
#[inline(always)]
pub fn acos<const FMA: bool>(x: F) -> F {
    let (p, small) = asin_core::<FMA>(x.abs());
    let near_zero = PIO2_HI - (p.copysign(x) - PIO2_LO);
    let near_one = 2.0 * p;
    let near_minus_one = PI_HI - (2.0 * p - PI_LO);
    if small {
        near_zero
    } else if x > 0.0 {
        near_one
    } else {
        near_minus_one
    }
}

/// tanh x = t / (t + 2) with t = e^{2|x|} − 1, signed.
#[inline(always)]
pub fn tanh<const FMA: bool>(x: F) -> F {
    let a = x.abs();
    let a = if a > TANH_CLAMP { TANH_CLAMP } else { a };
    let t = expm1_pos::<FMA>(2.0 * a);
    (t / (t + 2.0)).copysign(x)
}
