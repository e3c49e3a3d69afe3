//! Exact rationals for the formula's algebra: the numbers equality saturation folds and the
//! exponents and coefficients of a law's familiar form.

use std::fmt;
use std::str::FromStr;

use super::node::Form;

/// Numerators and denominators kept by folding; beyond them a number stays unfolded.
const MAX_RATIO: i64 = 1 << 20;

/// An exact rational p/q in lowest terms with q > 0: the numbers the e-graph can fold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ratio {
    pub(super) p: i64,
    pub(super) q: i64,
}

impl Ratio {
    pub(super) fn new(p: i64, q: i64) -> Option<Ratio> {
        if q == 0 {
            return None;
        }
        let g = gcd(p.unsigned_abs(), q.unsigned_abs()).max(1) as i64;
        let (p, q) = if q < 0 { (-p / g, -q / g) } else { (p / g, q / g) };
        (p.abs() <= MAX_RATIO && q <= MAX_RATIO).then_some(Ratio { p, q })
    }

    pub(super) fn int(n: i64) -> Option<Ratio> {
        Ratio::new(n, 1)
    }

    pub(super) fn add(self, o: Ratio) -> Option<Ratio> {
        Ratio::new(self.p.checked_mul(o.q)?.checked_add(o.p.checked_mul(self.q)?)?, self.q.checked_mul(o.q)?)
    }

    pub(super) fn mul(self, o: Ratio) -> Option<Ratio> {
        Ratio::new(self.p.checked_mul(o.p)?, self.q.checked_mul(o.q)?)
    }

    pub(super) fn neg(self) -> Option<Ratio> {
        Ratio::new(-self.p, self.q)
    }

    pub(super) fn inv(self) -> Option<Ratio> {
        Ratio::new(self.q, self.p)
    }

    /// self^e for a small integer exponent.
    pub(super) fn pow(self, e: Ratio) -> Option<Ratio> {
        if e.q != 1 || e.p.abs() > 8 {
            return None;
        }
        let base = if e.p < 0 { self.inv()? } else { self };
        (0..e.p.abs()).try_fold(Ratio::int(1)?, |acc, _| acc.mul(base))
    }

    pub(super) fn value(self) -> f64 {
        self.p as f64 / self.q as f64
    }

    /// The constant's form for the formula: an integer, or a rational when it fits an i32 pair.
    pub(super) fn form(self) -> Form {
        match (i32::try_from(self.p), i32::try_from(self.q)) {
            _ if self.q == 1 => Form::Integer,
            (Ok(p), Ok(q)) => Form::Rational(p, q),
            _ => Form::Real,
        }
    }

    /// The ratio a constant of this value and form stands for, if it is one.
    pub(super) fn of(value: f64, form: Form) -> Option<Ratio> {
        match form {
            Form::Integer if value.fract() == 0.0 && value.abs() <= MAX_RATIO as f64 => Ratio::int(value as i64),
            Form::Rational(p, q) => Ratio::new(i64::from(p), i64::from(q)),
            Form::Real if value.fract() == 0.0 && value.abs() <= 64.0 => Ratio::int(value as i64),
            _ => None,
        }
    }
}

/// The least common multiple of two positive integers, if it fits.
pub(super) fn lcm(a: i64, b: i64) -> Option<i64> {
    let g = gcd(a.unsigned_abs(), b.unsigned_abs()).max(1) as i64;
    (a / g).checked_mul(b)
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.q == 1 {
            write!(f, "{}", self.p)
        } else {
            write!(f, "{}/{}", self.p, self.q)
        }
    }
}

impl FromStr for Ratio {
    type Err = ();

    fn from_str(s: &str) -> Result<Ratio, ()> {
        let (p, q) = s.split_once('/').unwrap_or((s, "1"));
        Ratio::new(p.parse().map_err(|_| ())?, q.parse().map_err(|_| ())?).ok_or(())
    }
}
