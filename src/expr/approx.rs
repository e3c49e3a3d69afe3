//! Branch-free approximations of the transcendental functions, written in plain Rust so that
//! LLVM vectorises a loop that calls them (AVX2 natively, simd128 on wasm).
//!
//! Each function follows the Cephes/fdlibm pattern: reduce the argument exactly (Cody–Waite
//! splits of ln 2 and π/2, exponent extraction by bit manipulation), evaluate a polynomial on the
//! reduced interval, rebuild the result with integer bit operations. Every choice a scalar libm
//! makes with a branch is made here with a select, so the loop body has no control flow. The
//! polynomials are Chebyshev fits made by `scripts/expr_coefficients.py`; the error bounds,
//! measured against std by `eval_tests.rs`, are stated on [`f64`](mod@f64).
//!
//! One algorithm text, `approx_body.rs`, is compiled twice: in [`f64`](mod@f64) and in [`f32`](mod@f32), each of
//! which first defines the float type `F`, its bit types `U`/`I` and its constants. Every function
//! takes `FMA`: `true` in the AVX2+FMA build, where `mul_add` is one instruction, `false`
//! elsewhere, where `mul_add` would be a slow libm call and `a * b + c` is used instead.
//!
//! What is not done branch-free: sin, cos and tan of finite |x| beyond [`f64::TRIG_LIMIT`]
//! (where a Cody–Waite reduction loses accuracy) and pow with a zero or infinite operand or a
//! huge exponent (where IEEE's special cases live). The evaluator sends those lanes to std, so
//! they equal the oracle.

/// f64 versions. Bounds measured against std (which is within 1 ULP of exact) on millions of
/// random arguments, with FMA and without: exp, log, sin, cos ≤ 2 ULP; tan, tanh, atan, asin,
/// acos ≤ 4 ULP; pow ≤ 4 ULP + |y|/2 ULP (the error of ln x is multiplied by y). Results that are
/// NaN, ±infinity or zero agree with std exactly.
pub mod f64 {
    type F = f64;
    type U = u64;
    type I = i64;
    const MANT: u32 = 52;
    const BIAS: I = 1023;
    /// 1.5 · 2^52: adding it rounds to an integer held in the low mantissa bits.
    const MAGIC: F = 6755399441055744.0;
    /// 2^52: or-ing a small integer into its mantissa turns the integer into a float.
    const TWO_MANT: F = 4503599627370496.0;
    /// Dekker's splitter 2^27 + 1 for exact products without FMA.
    const SPLITTER: F = 134217729.0;
    /// pow's exponent must stay below this for the splitting not to overflow.
    const POW_Y_LIMIT: F = 1e290;
    /// exp's argument is clamped here: below, the result is 0; above, infinity.
    const EXP_LO: F = -746.0;
    const EXP_HI: F = 710.0;
    /// tanh(x) rounds to ±1 beyond |x| ≈ 19.1; clamping keeps expm1 finite.
    const TANH_CLAMP: F = 40.0;
    /// Subnormal inputs to log are scaled by 2^54 first.
    const SUBNORMAL_SCALE: F = 18014398509481984.0;
    const SUBNORMAL_SHIFT: F = 54.0;
    const SQRT_HALF: F = std::f64::consts::FRAC_1_SQRT_2;
    const LOG2_E: F = std::f64::consts::LOG2_E;
    const FRAC_2_PI: F = std::f64::consts::FRAC_2_PI;
    /// ln 2 as 32 leading bits plus the rest, so k · LN2_HI is exact for |k| < 2^21.
    const LN2_HI: F = 0.6931471806019545;
    const LN2_LO: F = -4.2009150726810846e-11;
    /// π/2 in three 33-bit pieces (Cody–Waite), exact times any |q| < 2^20.
    const PIO2_1: F = 1.5707963267341256;
    const PIO2_2: F = 6.077100506303966e-11;
    const PIO2_3: F = 2.0222662487959506e-21;
    /// Largest |x| reduced in-line by sin, cos and tan (q < 2^16); beyond, std is used.
    pub const TRIG_LIMIT: F = 1e5;
    const PIO2_HI: F = std::f64::consts::FRAC_PI_2;
    const PIO2_LO: F = 6.123233995736766e-17;
    const PIO4_HI: F = std::f64::consts::FRAC_PI_4;
    const PIO4_LO: F = 3.061616997868383e-17;
    const PI_HI: F = std::f64::consts::PI;
    const PI_LO: F = 1.2246467991473532e-16;
    const TAN_PI_8: F = 0.41421356237309503;
    const TAN_3PI_8: F = 2.414213562373095;

    // Polynomials (highest degree first) from scripts/expr_coefficients.py; the comment gives
    // the relative error of the assembled approximation in exact arithmetic.
    /// exp(r) = 1 + r + r² P(r), |r| ≤ ln2/2; 5.8e-19.
    const EXP: [F; 12] = [
        1.6086622436215554e-10,
        2.0918129454967065e-09,
        2.5052071109214447e-08,
        2.755726330147475e-07,
        2.755731924720479e-06,
        2.480158733642132e-05,
        0.00019841269841263304,
        0.0013888888888879082,
        0.008333333333333333,
        0.04166666666666668,
        0.16666666666666666,
        0.5,
    ];
    /// ln(1+f) = 2 atanh(s) = 2s + s z Q(z), s = f/(2+f), z = s² ≤ (3−2√2)²; 4.6e-18.
    const LOG: [F; 7] = [
        0.14616449685043406,
        0.15331721600556042,
        0.18182889125261723,
        0.2222221113479508,
        0.28571428625975487,
        0.39999999999899505,
        0.666666666666667,
    ];
    /// sin(r) = r + r z S(z), z = r² ≤ (π/4)²; 6.3e-18.
    const SIN: [F; 7] = [
        -7.586697117706918e-13,
        1.6058531618986147e-10,
        -2.5052106232447578e-08,
        2.7557319219339167e-06,
        -0.00019841269841265065,
        0.008333333333333331,
        -0.16666666666666666,
    ];
    /// cos(r) = 1 − z/2 + z² C(z); 1.3e-18.
    const COS: [F; 6] = [
        -1.1382632425521717e-11,
        2.08761462684032e-09,
        -2.7557317271729793e-07,
        2.480158729876569e-05,
        -0.0013888888888887398,
        0.041666666666666664,
    ];
    /// atan(t) = t + t z A(z), z = t² ≤ tan²(π/8); 3.1e-18.
    const ATAN: [F; 12] = [
        0.016285756855221028,
        -0.034570561981427744,
        0.04551593220626549,
        -0.05230454270650244,
        0.05878928997834775,
        -0.06666424885738255,
        0.07692296375032143,
        -0.09090908753500877,
        0.11111111105155447,
        -0.14285714285659828,
        0.19999999999999804,
        -0.3333333333333333,
    ];
    /// asin(s) = s + s z B(z), z = s² ≤ 1/4; 5.1e-18.
    const ASIN: [F; 13] = [
        0.028757851367421566,
        -0.014851887071247204,
        0.01740087944269402,
        0.005457506718640358,
        0.01032281435018578,
        0.011479177415184906,
        0.013971212973552933,
        0.017352392720869973,
        0.02237217294214989,
        0.030381944138531247,
        0.04464285714635543,
        0.07499999999998433,
        0.16666666666666669,
    ];

    include!("approx_body.rs");
}

/// f32 versions, for the throughput comparison with float32 evaluators. Same algorithms with
/// shorter polynomials; bounds as for [`f64`](mod@crate::expr::approx::f64) in f32 ULPs. The literals are the
/// exact decimal values of the f32 coefficients, hence the allowed lint.
#[allow(clippy::excessive_precision)]
pub mod f32 {
    type F = f32;
    type U = u32;
    type I = i32;
    const MANT: u32 = 23;
    const BIAS: I = 127;
    const MAGIC: F = 12582912.0;
    const TWO_MANT: F = 8388608.0;
    const SPLITTER: F = 4097.0;
    const POW_Y_LIMIT: F = 1e30;
    const EXP_LO: F = -104.0;
    const EXP_HI: F = 89.0;
    const TANH_CLAMP: F = 10.0;
    const SUBNORMAL_SCALE: F = 33554432.0;
    const SUBNORMAL_SHIFT: F = 25.0;
    const SQRT_HALF: F = std::f32::consts::FRAC_1_SQRT_2;
    const LOG2_E: F = std::f32::consts::LOG2_E;
    const FRAC_2_PI: F = std::f32::consts::FRAC_2_PI;
    /// ln 2 as 15 leading bits plus the rest.
    const LN2_HI: F = 0.693145751953125;
    const LN2_LO: F = 1.428606765330187e-06;
    /// π/2 in 11-bit pieces, exact times any |q| < 2^13.
    const PIO2_1: F = 1.5703125;
    const PIO2_2: F = 0.0004837512969970703;
    const PIO2_3: F = 7.549790126404332e-08;
    pub const TRIG_LIMIT: F = 8192.0;
    const PIO2_HI: F = std::f32::consts::FRAC_PI_2;
    const PIO2_LO: F = -4.371138828673793e-08;
    const PIO4_HI: F = std::f32::consts::FRAC_PI_4;
    const PIO4_LO: F = -2.1855694143368964e-08;
    const PI_HI: F = std::f32::consts::PI;
    const PI_LO: F = -8.742277657347586e-08;
    const TAN_PI_8: F = 0.4142135679721832;
    const TAN_3PI_8: F = 2.4142136573791504;

    const EXP: [F; 6] = [
        0.00019890980911441147,
        0.0013933641603216529,
        0.00833331048488617,
        0.04166646674275398,
        0.1666666716337204,
        0.5,
    ];
    const LOG: [F; 3] = [0.29579949378967285, 0.3998878002166748, 0.6666668653488159];
    const SIN: [F; 4] = [2.7249925551586784e-06, -0.00019840087043121457, 0.008333331905305386, -0.1666666716337204];
    const COS: [F; 3] = [2.454794230288826e-05, -0.001388830249197781, 0.0416666641831398];
    const ATAN: [F; 5] =
        [-0.06451927870512009, 0.10743731260299683, -0.14263956248760223, 0.19999539852142334, -0.3333333134651184];
    const ASIN: [F; 6] = [
        0.03369084745645523,
        0.017149237915873528,
        0.031100662425160408,
        0.04459940269589424,
        0.07500094175338745,
        0.1666666567325592,
    ];

    include!("approx_body.rs");
}
