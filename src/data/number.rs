//! Numbers as people write them in CSV files, with the decimal step their text shows.
//!
//! "3.140" is the number 3.14 written to a step of 0.001: the code-length rules transmit a numeric
//! target as integers k = round(y/δ), so the step a column was written at matters as much as
//! its values. [`parse`] returns both. [`is_missing`] names the cells that mean "no value".

/// A parsed cell: its value and the number of decimals its text shows (δ = 10^-decimals).
/// Scientific notation moves the step: "1.5e3" has decimals -2 (a step of 100).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    pub decimals: i32,
}

/// The markers that mean a missing cell (compared without regard to case), besides the empty cell.
/// Non-finite numbers and spreadsheet error values are among them: they carry no usable value.
pub const MISSING_MARKERS: [&str; 17] = [
    "na",
    "n/a",
    "nan",
    "-nan",
    "null",
    "none",
    "?",
    "-",
    "#n/a",
    "missing",
    "inf",
    "-inf",
    "+inf",
    "infinity",
    "-infinity",
    "#div/0!",
    "#value!",
];

/// True when the (trimmed) cell means "no value".
pub fn is_missing(cell: &[u8]) -> bool {
    match cell.first() {
        None => return true,
        // No marker starts with a digit: numbers leave here.
        Some(b) if b.is_ascii_digit() => return false,
        _ if cell.len() > 9 => return false,
        _ => {}
    }
    MISSING_MARKERS.iter().any(|m| m.as_bytes().eq_ignore_ascii_case(cell))
}

/// Parses a trimmed cell as a finite number. `decimal_comma` selects ',' as the decimal mark
/// (with '.' then allowed as a thousands separator); otherwise '.' is the mark and ',' may group
/// thousands. Non-finite values ("inf", "1e999") are not numbers: the caller treats them as missing.
pub fn parse(cell: &[u8], decimal_comma: bool) -> Option<Number> {
    let (mark, group) = if decimal_comma { (b',', b'.') } else { (b'.', b',') };
    let shape = scan(cell, mark, group)?;
    let value = match shape.fast_value() {
        Some(v) => v,
        None if shape.plain && !decimal_comma => std::str::from_utf8(cell).ok()?.parse::<f64>().ok()?,
        None => {
            let mut text = String::with_capacity(cell.len());
            for &b in cell {
                if b == mark {
                    text.push('.');
                } else if b != group {
                    text.push(b as char);
                }
            }
            text.parse::<f64>().ok()?
        }
    };
    (value.is_finite() && STEPS.contains(&shape.decimals)).then_some(Number { value, decimals: shape.decimals })
}

/// The decimals a number may show: its step 10^−decimals is then a normal f64, as are the
/// values in steps of it. "1e-400" (a value below f64's range, whose step would be 0) and
/// "1e400" are not numbers, as "1e999" is not.
pub const STEPS: std::ops::RangeInclusive<i32> = -308..=307;

/// The whole number of steps 10^−decimals that `value` is, if a text of that many steps reads
/// back as `value` exactly: k with `parse(units_text(k, decimals)) == value`. The quotient
/// value/δ in floating point can be off by a unit at large k or extreme steps; the neighbours
/// are tried, and a value no whole number of steps spells (more significant digits than an
/// f64 keeps, past 2⁵³ steps) gives `None`.
pub fn units(value: f64, decimals: i32) -> Option<i64> {
    if !value.is_finite() || !STEPS.contains(&decimals) {
        return None;
    }
    let guess = if decimals >= 0 { value * 10f64.powi(decimals) } else { value / 10f64.powi(-decimals) };
    let guess = guess.round();
    // i64 holds the steps, with room for the neighbours.
    if !(guess.abs() < 9.0e18) {
        return None;
    }
    let guess = guess as i64;
    [0, -1, 1, -2, 2]
        .into_iter()
        .map(|d| guess + d)
        .find(|&k| parse(units_text(k, decimals).as_bytes(), false).is_some_and(|n| n.value == value))
}

/// k steps of 10^−decimals written exactly, at that step: "0.00123" (k = 123, decimals 5),
/// "-42" (k = −42, decimals 0). Past 20 decimals, and for steps above 1 (which only a number
/// written with an exponent has), in scientific notation whose mantissa carries k's digits:
/// "1.00e-30" (k = 100, decimals 32), "1.5e3" (k = 15, decimals −2). Either way the text reads
/// back at the same step, and its value is the decimal k·10^−decimals, correctly rounded.
pub fn units_text(k: i64, decimals: i32) -> String {
    let sign = if k < 0 { "-" } else { "" };
    let digits = k.unsigned_abs().to_string();
    if (0..=20).contains(&decimals) {
        let d = decimals as usize;
        if d == 0 {
            return format!("{sign}{digits}");
        }
        let padded = format!("{digits:0>width$}", width = d + 1);
        let (whole, fraction) = padded.split_at(padded.len() - d);
        return format!("{sign}{whole}.{fraction}");
    }
    let exponent = digits.len() as i64 - 1 - decimals as i64;
    let (first, rest) = digits.split_at(1);
    let point = if rest.is_empty() { "" } else { "." };
    format!("{sign}{first}{point}{rest}e{exponent}")
}

/// The step 10^−decimals as text: "0.001", "1", "100", and "1e-32" past 12 decimals.
pub fn step_text(decimals: i32) -> String {
    match decimals {
        0..=12 => format!("{:.prec$}", 10f64.powi(-decimals), prec = decimals as usize),
        -15..=-1 => format!("{}", 10u64.pow((-decimals) as u32)),
        _ => format!("1e{}", -decimals),
    }
}

/// Exact powers of ten: every one up to 10^22 is representable in f64.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

struct Shape {
    decimals: i32,
    /// Only digits, one '.', sign and exponent: std's parser takes the bytes as they are.
    plain: bool,
    negative: bool,
    /// The digits as an integer (None if more than 19 of them, leading zeros included), and the
    /// power of ten to apply.
    mantissa: Option<u64>,
    exponent10: i32,
}

impl Shape {
    /// Clinger's fast path (1990): a mantissa below 2^53 and a power of ten up to 10^22 are both
    /// exact in f64, so one IEEE multiplication or division rounds correctly. Most CSV numbers
    /// take it; the rest go to std's parser.
    fn fast_value(&self) -> Option<f64> {
        let m = self.mantissa?;
        if m >= 1 << 53 || self.exponent10.unsigned_abs() > 22 {
            return None;
        }
        let m = m as f64;
        let v = if self.exponent10 < 0 {
            m / POW10[(-self.exponent10) as usize]
        } else {
            m * POW10[self.exponent10 as usize]
        };
        Some(if self.negative { -v } else { v })
    }
}

/// Checks the grammar `[+-]? digits-with-groups? (mark digits*)? ([eE] [+-]? digits)?`, counts
/// the decimals and gathers the digits. Thousands groups must be exactly three digits after the
/// first group.
fn scan(cell: &[u8], mark: u8, group: u8) -> Option<Shape> {
    let n = cell.len();
    let negative = n > 0 && cell[0] == b'-';
    let mut i = usize::from(n > 0 && (cell[0] == b'+' || cell[0] == b'-'));
    let mut mantissa = 0u64;
    let mut digits = 0u32; // digits gathered; past 19 the mantissa may have wrapped
    let mut push = |d: u8| {
        digits += 1;
        mantissa = mantissa.wrapping_mul(10).wrapping_add(d as u64);
    };
    let int_start = i;
    let mut grouped = false;
    let mut run = 0usize; // digits since the last group separator
    while i < n {
        let b = cell[i];
        if b.is_ascii_digit() {
            push(b - b'0');
            run += 1;
        } else if b == group && i > int_start {
            if (!grouped && run > 3) || (grouped && run != 3) {
                return None;
            }
            grouped = true;
            run = 0;
        } else {
            break;
        }
        i += 1;
    }
    if grouped && run != 3 {
        return None;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0i32;
    if i < n && cell[i] == mark {
        i += 1;
        while i < n && cell[i].is_ascii_digit() {
            push(cell[i] - b'0');
            i += 1;
            frac_digits += 1;
        }
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    let mut exponent = 0i32;
    if i < n && (cell[i] == b'e' || cell[i] == b'E') {
        i += 1;
        let negative = i < n && cell[i] == b'-';
        if i < n && (cell[i] == b'+' || cell[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < n && cell[i].is_ascii_digit() {
            exponent = exponent.saturating_mul(10).saturating_add((cell[i] - b'0') as i32);
            i += 1;
        }
        if i == exp_start {
            return None;
        }
        if negative {
            exponent = -exponent;
        }
    }
    if i != n {
        return None;
    }
    Some(Shape {
        decimals: frac_digits.saturating_sub(exponent),
        plain: !grouped,
        negative,
        mantissa: (digits <= 19).then_some(mantissa),
        exponent10: exponent.saturating_sub(frac_digits),
    })
}

/// Formats a value at a column's step, as the file wrote it ("0.38710" stays "0.38710").
pub fn format(value: f64, decimals: i32) -> String {
    if value.is_nan() {
        return String::new();
    }
    if (0..=12).contains(&decimals) && value.abs() < 1e15 {
        format!("{value:.prec$}", prec = decimals as usize)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str, comma: bool) -> Option<(f64, i32)> {
        parse(text.as_bytes(), comma).map(|n| (n.value, n.decimals))
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn numbers_and_their_steps() {
        let cases: &[(&str, bool, Option<(f64, i32)>)] = &[
            ("2.710", false, Some((2.71, 3))),
            ("42", false, Some((42.0, 0))),
            ("-0.5", false, Some((-0.5, 1))),
            ("+7", false, Some((7.0, 0))),
            (".25", false, Some((0.25, 2))),
            ("5.", false, Some((5.0, 0))),
            ("1.5e3", false, Some((1500.0, -2))),
            ("2.50E-3", false, Some((0.0025, 5))),
            ("1,234.5", false, Some((1234.5, 1))),
            ("1,234,567", false, Some((1234567.0, 0))),
            ("2,71", true, Some((2.71, 2))),
            ("1.234,5", true, Some((1234.5, 1))),
            ("-0,001", true, Some((-0.001, 3))),
            ("12,34", false, None),
            ("1,2345", false, None),
            ("abc", false, None),
            ("1.2.3", false, None),
            ("1e", false, None),
            ("e5", false, None),
            ("-", false, None),
            ("", false, None),
            ("inf", false, None),
            ("1e999", false, None),
            ("0x10", false, None),
            ("12%", false, None),
        ];
        for (text, comma, want) in cases {
            assert_eq!(num(text, *comma), *want, "{text:?} (decimal comma: {comma})");
        }
    }

    /// A decimal of 1 to `max_digits` digits with the point anywhere, one in `exponent_odds`
    /// with an exponent in ±`max_exponent`, half of them negative; and its digit count.
    fn random_decimal(
        next: &mut impl FnMut() -> u64,
        max_digits: u64,
        exponent_odds: u64,
        max_exponent: u64,
    ) -> (String, u64) {
        let digits = 1 + next() % max_digits;
        let mantissa = next() % 10u64.pow(digits as u32);
        let point = next() % (digits + 1);
        let mut text = format!("{mantissa:0width$}", width = digits as usize);
        text.insert(text.len() - point as usize, '.');
        if next() % exponent_odds == 0 {
            text.push_str(&format!("e{}", (next() % (2 * max_exponent + 1)) as i64 - max_exponent as i64));
        }
        if next() % 2 == 0 {
            text.insert(0, '-');
        }
        (text, digits)
    }

    #[test]
    fn the_fast_path_rounds_as_std_does() {
        // Clinger's fast path must give the very bits std's correctly rounded parser gives.
        let mut next = crate::testing::xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..200_000 {
            let (text, _) = random_decimal(&mut next, 17, 3, 20);
            let ours = parse(text.as_bytes(), false).map(|n| n.value.to_bits());
            let std = text.parse::<f64>().ok().filter(|v| v.is_finite()).map(f64::to_bits);
            assert_eq!(ours, std, "{text}");
        }
    }

    #[test]
    fn steps_beyond_f64_are_not_numbers() {
        assert_eq!(num("1e-400", false), None);
        assert_eq!(num("1e400", false), None);
        assert_eq!(num("0e-400", false), None);
        assert_eq!(num("1e-307", false), Some((1e-307, 307)));
    }

    #[test]
    fn units_spell_the_value_exactly() {
        let cases: &[(&str, i64, &str)] = &[
            ("1.00e-30", 100, "1.00e-30"),
            ("1.00e300", 100, "1.00e300"),
            ("1.5e3", 15, "1.5e3"),
            ("0.00123", 123, "0.00123"),
            ("-42", -42, "-42"),
            ("-0.5", -5, "-0.5"),
            ("0.1234567890123456789", 1234567890123456789, "0.1234567890123456789"),
            ("123456789012345678", 123456789012345678, "123456789012345678"),
            ("0.000000000000000000000000001", 1, "1e-27"),
        ];
        for &(text, k, back) in cases {
            let n = parse(text.as_bytes(), false).expect(text);
            let units = units(n.value, n.decimals);
            // Past 2⁵³ a neighbour may spell the same f64: any k that reads back is exact.
            let units = units.expect(text);
            assert!(units == k || k.unsigned_abs() > 1 << 53, "{text}: {units}");
            let written = units_text(units, n.decimals);
            if units == k {
                assert_eq!(written, back, "{text}");
            }
            let again = parse(written.as_bytes(), false).unwrap();
            assert_eq!((again.value.to_bits(), again.decimals), (n.value.to_bits(), n.decimals), "{text} → {written}");
        }
        assert_eq!(units(0.1, 400), None);
        assert_eq!(step_text(3), "0.001");
        assert_eq!(step_text(0), "1");
        assert_eq!(step_text(-2), "100");
        assert_eq!(step_text(32), "1e-32");
    }

    #[test]
    fn every_decimal_comes_back_exactly() {
        // decode(encode(x)) = x: any decimal the loader reads, of any length and exponent, is a
        // whole number of its steps that spells its value back.
        let mut next = crate::testing::xorshift(0x2545_F491_4F6C_DD1D);
        let mut refused = 0;
        for _ in 0..100_000 {
            let (text, digits) = random_decimal(&mut next, 19, 2, 300);
            let Some(n) = parse(text.as_bytes(), false) else { continue };
            match units(n.value, n.decimals) {
                Some(k) => {
                    let back = parse(units_text(k, n.decimals).as_bytes(), false).expect(&text);
                    assert_eq!((back.value, back.decimals), (n.value, n.decimals), "{text}");
                }
                // Only numbers with more digits than an f64 holds may be refused.
                None => {
                    refused += 1;
                    assert!(digits > 15, "{text} refused");
                }
            }
        }
        assert!(refused < 50_000, "{refused}");
    }

    #[test]
    fn missing_markers() {
        for text in ["", "NA", "n/a", "NaN", "null", "NULL", "?", "-", "None", "#N/A", "inf", "-Infinity", "#DIV/0!"] {
            assert!(is_missing(text.as_bytes()), "{text:?}");
        }
        for text in ["0", "nap", "--", "Nancy"] {
            assert!(!is_missing(text.as_bytes()), "{text:?}");
        }
    }

    #[test]
    fn formatting_keeps_the_step() {
        assert_eq!(format(0.3871, 5), "0.38710");
        assert_eq!(format(12.0, 0), "12");
        assert_eq!(format(1500.0, -2), "1500");
        assert_eq!(format(f64::NAN, 2), "");
    }
}
