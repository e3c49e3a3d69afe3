//! Physical units: a column's unit text read into a [`Unit`], the dimension of a quantity over the
//! SI base units, and the arithmetic a formula does on dimensions.
//!
//! A measured table almost always knows its units, in its header: `g [m/s^2]`, `E (kg*m^2/s^2)`,
//! `d [km]`, `theta [1]`. [`split_header`] separates the column's name from its unit text, and
//! [`parse`] reads the text: SI symbols with prefixes (`km`, `mA`, `µs`, `mM`) and the usual
//! derived and customary units (N, J, W, Pa, V, Ω, Hz, lx, L, min, h, d, bar, atm, mmHg, mph, AU,
//! …), products and quotients with `*`, `·`, `.` or a space and `/`, powers with `^` or
//! superscripts (`m^2`, `s^-1`, `m²`, `s⁻¹`, `m2`), parentheses, and `1` for a dimensionless
//! column. A unit it does not know is an error naming it, which the caller turns into a warning:
//! the column is then left out of the dimensional checks, never refused.
//!
//! Why a small parser of our own: the well-kept unit library for Rust that reads such text,
//! rink-core, bundles the GNU units database under the GPL (occam is MIT or Apache-2.0), adds
//! about a megabyte to the page, and reads `dB` as a fraction of a byte and `counts` as a mass;
//! the units measured tables use fit in a table of a few dozen symbols.
//!
//! Temperatures in °C or °F are read as temperature (K) for their dimension. Their zero is not
//! absolute zero, and laws of temperature (a gas's pressure, the speed of sound, radiated power,
//! a reaction's rate) are laws of absolute temperature, so an input column in °C or °F is
//! searched on the absolute scale ([`Thermometer`]: `T [C] + 273.15`). `C` alone is the coulomb
//! and `F` the farad, as SI has them, except in a column named as a temperature (`T [C]`,
//! `temp [F]`: [`column`]), where a table written by hand means degrees.

use std::fmt;

/// The SI base units, in the order of a [`Dimension`]'s exponents.
pub const BASE: [&str; 7] = ["m", "kg", "s", "A", "K", "mol", "cd"];

/// Exponents closer than this are the same (exponents come from rational powers of units and,
/// for a fitted power law, from a real exponent).
const SAME: f64 = 1e-9;

/// A quantity's dimension: the exponent of each SI base unit ([`BASE`]). Exponents are real, so
/// that √(length) and a power law's real exponent have a dimension too.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Dimension(pub [f64; 7]);

/// A unit: its dimension and its size in SI base units (a kilometre is 1000 m).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    pub dimension: Dimension,
    pub scale: f64,
}

/// Why a unit's text could not be read: what, and the character position where it went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitError {
    /// A symbol that is no unit occam knows (`plates`).
    Unknown { symbol: String },
    /// Text that is not a unit expression (a stray character, an unclosed parenthesis).
    Malformed { at: usize, why: &'static str },
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::Unknown { symbol } => write!(f, "unknown unit '{symbol}'"),
            UnitError::Malformed { at, why } => write!(f, "{why} at character {}", at + 1),
        }
    }
}

impl Dimension {
    /// No dimension: a pure number.
    pub const NONE: Dimension = Dimension([0.0; 7]);

    /// A base unit's dimension (index into [`BASE`]).
    pub const fn base(i: usize) -> Dimension {
        let mut e = [0.0; 7];
        e[i] = 1.0;
        Dimension(e)
    }

    /// The dimension of a product.
    pub fn times(self, other: Dimension) -> Dimension {
        Dimension(std::array::from_fn(|i| self.0[i] + other.0[i]))
    }

    /// The dimension of a quotient.
    pub fn over(self, other: Dimension) -> Dimension {
        Dimension(std::array::from_fn(|i| self.0[i] - other.0[i]))
    }

    /// The dimension of a power.
    pub fn power(self, p: f64) -> Dimension {
        Dimension(std::array::from_fn(|i| self.0[i] * p))
    }

    /// Whether two dimensions are the same, to rounding.
    pub fn same(self, other: Dimension) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| (a - b).abs() <= SAME)
    }

    /// Whether this is no dimension at all.
    pub fn is_none(self) -> bool {
        self.same(Dimension::NONE)
    }

    /// Whether every exponent is finite (a power by NaN or ∞ has no dimension).
    pub fn is_finite(self) -> bool {
        self.0.iter().all(|e| e.is_finite())
    }
}

impl fmt::Display for Dimension {
    /// `m·s^-2`, `kg·m^2·s^-2`, or `1` for no dimension.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (name, &e) in BASE.iter().zip(&self.0) {
            if e.abs() <= SAME {
                continue;
            }
            if (e - 1.0).abs() <= SAME {
                parts.push(name.to_string());
            } else if (e - e.round()).abs() <= SAME {
                parts.push(format!("{name}^{}", e.round() as i64));
            } else {
                parts.push(format!("{name}^{}", (e * 1e6).round() / 1e6));
            }
        }
        if parts.is_empty() {
            f.write_str("1")
        } else {
            f.write_str(&parts.join("·"))
        }
    }
}

/// The name and the unit text of a header written `name [unit]` or `name (unit)`: ("g",
/// Some("m/s^2")) for `g [m/s^2]`. A header without a trailing bracket has no unit text.
pub fn split_header(header: &str) -> (&str, Option<&str>) {
    let trimmed = header.trim_end();
    for (open, close) in [('[', ']'), ('(', ')')] {
        if let Some(inner) = trimmed.strip_suffix(close) {
            if let Some(at) = inner.rfind(open) {
                let name = inner[..at].trim_end();
                if !name.is_empty() {
                    return (name, Some(inner[at + open.len_utf8()..].trim()));
                }
            }
        }
    }
    (trimmed, None)
}

/// Reads a column's unit text as [`parse`] does, except that a lone `C` or `F` in a column whose
/// name says temperature (T, θ, or a name beginning with "temp") is degrees Celsius or Fahrenheit:
/// a classroom's cooling curve is headed `T [C]`, and a temperature in coulombs is never meant.
pub fn column(name: &str, text: &str) -> Result<Unit, UnitError> {
    match thermometer(name, text) {
        Some(_) => parse("°C"),
        None => parse(text),
    }
}

/// A temperature scale whose zero is not absolute zero. A reading on it plus [`Thermometer::zero`]
/// is the absolute temperature (kelvin for °C, rankine for °F: the same dimension, and a
/// dimensional check needs no more).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Thermometer {
    Celsius,
    Fahrenheit,
}

impl Thermometer {
    /// Absolute zero's distance below the scale's zero, as the text a formula shows
    /// (`T [C] + 273.15`): exact in decimals, so that the text reads back as the value.
    pub fn zero_text(self) -> &'static str {
        match self {
            Thermometer::Celsius => "273.15",
            Thermometer::Fahrenheit => "459.67",
        }
    }

    /// [`Thermometer::zero_text`] as a number.
    pub fn zero(self) -> f64 {
        match self {
            Thermometer::Celsius => 273.15,
            Thermometer::Fahrenheit => 459.67,
        }
    }
}

/// The name of a column's readings made absolute, as prepare gives the feature and formulas
/// print it: `T [C] + 273.15`.
pub fn absolute_name(column: &str, scale: Thermometer) -> String {
    format!("{column} + {}", scale.zero_text())
}

/// The column and the scale of a name made by [`absolute_name`]; None for every other name.
pub fn split_absolute(name: &str) -> Option<(&str, Thermometer)> {
    let (column, zero) = name.rsplit_once(" + ")?;
    let scale = [Thermometer::Celsius, Thermometer::Fahrenheit].into_iter().find(|s| s.zero_text() == zero)?;
    (!column.trim().is_empty()).then_some((column, scale))
}

/// The scale of a column whose unit text is a temperature with an offset zero: `°C`, `degC`,
/// `℃`, `°F`, `degF`, `℉`, or a lone `C` or `F` in a column named as a temperature ([`column`]).
/// None for every other unit, `K` and `°C/min` included (a rate has no offset).
pub fn thermometer(name: &str, text: &str) -> Option<Thermometer> {
    let lower = name.trim().to_lowercase();
    let temperature = lower == "t" || lower == "θ" || lower.starts_with("temp") || lower.starts_with("t_");
    match text.trim() {
        "C" if temperature => Some(Thermometer::Celsius),
        "F" if temperature => Some(Thermometer::Fahrenheit),
        "°C" | "degC" | "℃" => Some(Thermometer::Celsius),
        "°F" | "degF" | "℉" => Some(Thermometer::Fahrenheit),
        _ => None,
    }
}

/// Reads a unit's text (see the module documentation).
pub fn parse(text: &str) -> Result<Unit, UnitError> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser { chars: &chars, at: 0 };
    p.skip_spaces();
    if p.at == chars.len() {
        return Err(UnitError::Malformed { at: 0, why: "no unit" });
    }
    let unit = p.product()?;
    p.skip_spaces();
    if p.at < chars.len() {
        return Err(UnitError::Malformed { at: p.at, why: "unexpected character" });
    }
    Ok(unit)
}

const ONE: Unit = Unit { dimension: Dimension::NONE, scale: 1.0 };

fn times(a: Unit, b: Unit) -> Unit {
    Unit { dimension: a.dimension.times(b.dimension), scale: a.scale * b.scale }
}

fn power(a: Unit, p: f64) -> Unit {
    Unit { dimension: a.dimension.power(p), scale: libm::pow(a.scale, p) }
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    /// factor (('*' | '·' | '.' | ' ' | '/') factor)*: a '/' divides by the factor after it alone
    /// (m/s^2 is m·s⁻², kg/m/s is kg·m⁻¹·s⁻¹).
    fn product(&mut self) -> Result<Unit, UnitError> {
        let mut unit = self.factor()?;
        loop {
            let before = self.at;
            self.skip_spaces();
            let divide = match self.peek() {
                Some('/') => true,
                Some('*' | '·' | '.' | '×' | '⋅') => false,
                Some(c) if self.at > before && starts_factor(c) => {
                    unit = times(unit, self.factor()?);
                    continue;
                }
                _ => {
                    self.at = before;
                    return Ok(unit);
                }
            };
            self.at += 1;
            self.skip_spaces();
            let next = self.factor()?;
            unit = times(unit, if divide { power(next, -1.0) } else { next });
        }
    }

    /// A symbol, a parenthesised product or `1`, with an optional power.
    fn factor(&mut self) -> Result<Unit, UnitError> {
        let start = self.at;
        let base = match self.peek() {
            Some('(') => {
                self.at += 1;
                self.skip_spaces();
                let inner = self.product()?;
                self.skip_spaces();
                if self.peek() != Some(')') {
                    return Err(UnitError::Malformed { at: self.at, why: "expected ')'" });
                }
                self.at += 1;
                inner
            }
            Some('1') => {
                self.at += 1;
                ONE
            }
            Some(c) if is_symbol_char(c) => {
                while self.peek().is_some_and(is_symbol_char) {
                    self.at += 1;
                }
                let symbol: String = self.chars[start..self.at].iter().collect();
                lookup(&symbol).ok_or(UnitError::Unknown { symbol })?
            }
            _ => return Err(UnitError::Malformed { at: self.at, why: "expected a unit" }),
        };
        Ok(power(base, self.exponent()?))
    }

    /// `^n`, `^-n`, `^(p/q)`, superscripts (`²`, `⁻¹`) or bare digits after a symbol (`m2`,
    /// `s-1`); 1 when there is none.
    fn exponent(&mut self) -> Result<f64, UnitError> {
        if self.peek() == Some('^') {
            self.at += 1;
            let paren = self.peek() == Some('(');
            if paren {
                self.at += 1;
            }
            let value = self.number()?;
            if paren {
                if self.peek() != Some(')') {
                    return Err(UnitError::Malformed { at: self.at, why: "expected ')'" });
                }
                self.at += 1;
            }
            return Ok(value);
        }
        if self.peek().is_some_and(|c| superscript(c).is_some()) {
            let mut text = String::new();
            while let Some(d) = self.peek().and_then(superscript) {
                text.push(d);
                self.at += 1;
            }
            return text.parse().map_err(|_| UnitError::Malformed { at: self.at, why: "bad superscript power" });
        }
        let digits_follow = |p: &Self, from: usize| p.chars.get(from).is_some_and(|c| c.is_ascii_digit());
        if digits_follow(self, self.at) || (self.peek() == Some('-') && digits_follow(self, self.at + 1)) {
            return self.number();
        }
        Ok(1.0)
    }

    /// An integer or a fraction p/q, optionally signed.
    fn number(&mut self) -> Result<f64, UnitError> {
        let start = self.at;
        if matches!(self.peek(), Some('-' | '+' | '−')) {
            self.at += 1;
        }
        let whole = |p: &mut Self| {
            let from = p.at;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.at += 1;
            }
            (p.at > from).then(|| p.chars[from..p.at].iter().collect::<String>())
        };
        let Some(numerator) = whole(self) else {
            return Err(UnitError::Malformed { at: self.at, why: "expected a power" });
        };
        let negative = matches!(self.chars[start], '-' | '−');
        let mut value: f64 = numerator.parse().unwrap_or(f64::NAN);
        if self.peek() == Some('/') && self.chars.get(self.at + 1).is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
            let denominator: f64 = whole(self).and_then(|d| d.parse().ok()).unwrap_or(f64::NAN);
            value /= denominator;
        }
        if !value.is_finite() {
            return Err(UnitError::Malformed { at: start, why: "bad power" });
        }
        Ok(if negative { -value } else { value })
    }
}

fn is_symbol_char(c: char) -> bool {
    c.is_alphabetic() || matches!(c, 'µ' | 'μ' | 'Ω' | '°' | '%' | '℃' | '℉' | 'Å')
}

fn starts_factor(c: char) -> bool {
    is_symbol_char(c) || c == '('
}

/// The ASCII form of a superscript digit or sign.
fn superscript(c: char) -> Option<char> {
    Some(match c {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        '⁻' => '-',
        _ => return None,
    })
}

/// A symbol as written, else an SI prefix and a symbol that takes one.
fn lookup(symbol: &str) -> Option<Unit> {
    if let Some(u) = named(symbol) {
        return Some(u);
    }
    for (prefix, factor) in PREFIXES {
        if let Some(rest) = symbol.strip_prefix(prefix) {
            if let Some(u) = named(rest).filter(|_| takes_prefix(rest)) {
                return Some(Unit { dimension: u.dimension, scale: u.scale * factor });
            }
        }
    }
    None
}

/// SI prefixes, two-letter first.
const PREFIXES: [(&str, f64); 21] = [
    ("da", 1e1),
    ("Q", 1e30),
    ("R", 1e27),
    ("Y", 1e24),
    ("Z", 1e21),
    ("E", 1e18),
    ("P", 1e15),
    ("T", 1e12),
    ("G", 1e9),
    ("M", 1e6),
    ("k", 1e3),
    ("h", 1e2),
    ("d", 1e-1),
    ("c", 1e-2),
    ("m", 1e-3),
    ("µ", 1e-6),
    ("μ", 1e-6),
    ("u", 1e-6),
    ("n", 1e-9),
    ("p", 1e-12),
    ("f", 1e-15),
];

/// Whether a unit takes SI prefixes (km, mA, kPa, mM, mL, kWh, MeV; not kmin or cAU).
fn takes_prefix(symbol: &str) -> bool {
    matches!(
        symbol,
        "m" | "g"
            | "s"
            | "A"
            | "K"
            | "mol"
            | "cd"
            | "Hz"
            | "N"
            | "Pa"
            | "J"
            | "W"
            | "C"
            | "V"
            | "F"
            | "Ω"
            | "ohm"
            | "S"
            | "Wb"
            | "T"
            | "H"
            | "lm"
            | "lx"
            | "Bq"
            | "Gy"
            | "Sv"
            | "kat"
            | "L"
            | "l"
            | "M"
            | "eV"
            | "Wh"
            | "bar"
            | "cal"
    )
}

/// Dimension exponents in [`BASE`] order: m, kg, s, A, K, mol, cd.
const fn dim(m: i8, kg: i8, s: i8, a: i8, k: i8, mol: i8, cd: i8) -> Dimension {
    Dimension([m as f64, kg as f64, s as f64, a as f64, k as f64, mol as f64, cd as f64])
}

/// The units occam knows by name.
fn named(symbol: &str) -> Option<Unit> {
    let (scale, dimension) = match symbol {
        // Base units (the gram, so that prefixes work: kg = k + g).
        "m" => (1.0, dim(1, 0, 0, 0, 0, 0, 0)),
        "g" => (1e-3, dim(0, 1, 0, 0, 0, 0, 0)),
        "s" | "sec" => (1.0, dim(0, 0, 1, 0, 0, 0, 0)),
        "A" => (1.0, dim(0, 0, 0, 1, 0, 0, 0)),
        "K" => (1.0, dim(0, 0, 0, 0, 1, 0, 0)),
        "mol" => (1.0, dim(0, 0, 0, 0, 0, 1, 0)),
        "cd" => (1.0, dim(0, 0, 0, 0, 0, 0, 1)),
        // Derived SI units.
        "Hz" | "Bq" => (1.0, dim(0, 0, -1, 0, 0, 0, 0)),
        "N" => (1.0, dim(1, 1, -2, 0, 0, 0, 0)),
        "Pa" => (1.0, dim(-1, 1, -2, 0, 0, 0, 0)),
        "J" => (1.0, dim(2, 1, -2, 0, 0, 0, 0)),
        "W" => (1.0, dim(2, 1, -3, 0, 0, 0, 0)),
        "C" => (1.0, dim(0, 0, 1, 1, 0, 0, 0)),
        "V" => (1.0, dim(2, 1, -3, -1, 0, 0, 0)),
        "F" => (1.0, dim(-2, -1, 4, 2, 0, 0, 0)),
        "Ω" | "ohm" | "Ohm" => (1.0, dim(2, 1, -3, -2, 0, 0, 0)),
        "S" => (1.0, dim(-2, -1, 3, 2, 0, 0, 0)),
        "Wb" => (1.0, dim(2, 1, -2, -1, 0, 0, 0)),
        "T" => (1.0, dim(0, 1, -2, -1, 0, 0, 0)),
        "H" => (1.0, dim(2, 1, -2, -2, 0, 0, 0)),
        "lm" => (1.0, dim(0, 0, 0, 0, 0, 0, 1)),
        "lx" => (1.0, dim(-2, 0, 0, 0, 0, 0, 1)),
        "Gy" | "Sv" => (1.0, dim(2, 0, -2, 0, 0, 0, 0)),
        "kat" => (1.0, dim(0, 0, -1, 0, 0, 1, 0)),
        // Volume, concentration, time, length and mass outside SI.
        "L" | "l" => (1e-3, dim(3, 0, 0, 0, 0, 0, 0)),
        "M" => (1e3, dim(-3, 0, 0, 0, 0, 1, 0)),
        "min" => (60.0, dim(0, 0, 1, 0, 0, 0, 0)),
        "h" | "hr" => (3600.0, dim(0, 0, 1, 0, 0, 0, 0)),
        "d" | "day" | "days" => (86_400.0, dim(0, 0, 1, 0, 0, 0, 0)),
        "yr" | "year" | "years" | "a" => (31_557_600.0, dim(0, 0, 1, 0, 0, 0, 0)),
        "AU" | "au" => (1.495_978_707e11, dim(1, 0, 0, 0, 0, 0, 0)),
        "ly" => (9.460_730_472_580_8e15, dim(1, 0, 0, 0, 0, 0, 0)),
        "pc" => (3.085_677_581_491_367e16, dim(1, 0, 0, 0, 0, 0, 0)),
        "Å" => (1e-10, dim(1, 0, 0, 0, 0, 0, 0)),
        "in" | "inch" => (0.0254, dim(1, 0, 0, 0, 0, 0, 0)),
        "ft" => (0.3048, dim(1, 0, 0, 0, 0, 0, 0)),
        "mi" | "mile" => (1609.344, dim(1, 0, 0, 0, 0, 0, 0)),
        "lb" => (0.453_592_37, dim(0, 1, 0, 0, 0, 0, 0)),
        "t" => (1000.0, dim(0, 1, 0, 0, 0, 0, 0)),
        "mph" => (0.447_04, dim(1, 0, -1, 0, 0, 0, 0)),
        "kph" => (1.0 / 3.6, dim(1, 0, -1, 0, 0, 0, 0)),
        "kn" | "knot" => (1852.0 / 3600.0, dim(1, 0, -1, 0, 0, 0, 0)),
        // Energy and pressure outside SI.
        "eV" => (1.602_176_634e-19, dim(2, 1, -2, 0, 0, 0, 0)),
        "Wh" => (3600.0, dim(2, 1, -2, 0, 0, 0, 0)),
        "cal" => (4.184, dim(2, 1, -2, 0, 0, 0, 0)),
        "bar" => (1e5, dim(-1, 1, -2, 0, 0, 0, 0)),
        "atm" => (101_325.0, dim(-1, 1, -2, 0, 0, 0, 0)),
        "mmHg" | "Torr" | "torr" => (133.322_387_415, dim(-1, 1, -2, 0, 0, 0, 0)),
        "inHg" => (3386.389, dim(-1, 1, -2, 0, 0, 0, 0)),
        "psi" => (6_894.757_293_168, dim(-1, 1, -2, 0, 0, 0, 0)),
        // Temperatures with an offset: their dimension is temperature.
        "°C" | "degC" | "℃" | "°F" | "degF" | "℉" => (f64::NAN, dim(0, 0, 0, 0, 1, 0, 0)),
        // Rates of counting.
        "cps" => (1.0, dim(0, 0, -1, 0, 0, 0, 0)),
        "cpm" | "rpm" => (1.0 / 60.0, dim(0, 0, -1, 0, 0, 0, 0)),
        // Pure numbers: angles, ratios, counts, levels.
        "rad" | "sr" | "counts" | "count" | "cts" | "dB" => (1.0, Dimension::NONE),
        "deg" | "°" => (std::f64::consts::PI / 180.0, Dimension::NONE),
        "%" => (1e-2, Dimension::NONE),
        "ppm" => (1e-6, Dimension::NONE),
        _ => return None,
    };
    Some(Unit { dimension, scale })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(text: &str) -> Dimension {
        parse(text).unwrap_or_else(|e| panic!("{text}: {e}")).dimension
    }

    #[test]
    fn headers_split_into_name_and_unit() {
        assert_eq!(split_header("g [m/s^2]"), ("g", Some("m/s^2")));
        assert_eq!(split_header("E (kg*m^2/s^2)"), ("E", Some("kg*m^2/s^2")));
        assert_eq!(split_header("theta [1] "), ("theta", Some("1")));
        assert_eq!(split_header("a"), ("a", None));
        assert_eq!(split_header("[m]"), ("[m]", None));
        assert_eq!(split_header("f(x)"), ("f", Some("x")));
    }

    /// A table of unit texts and their dimensions, counted by hand (m, kg, s, A, K, mol, cd).
    #[test]
    fn unit_texts_read_into_dimensions() {
        let table: [(&str, [f64; 7]); 22] = [
            ("m/s^2", [1., 0., -2., 0., 0., 0., 0.]),
            ("kg*m^2/s^2", [2., 1., -2., 0., 0., 0., 0.]),
            ("kg·m²·s⁻²", [2., 1., -2., 0., 0., 0., 0.]),
            ("J", [2., 1., -2., 0., 0., 0., 0.]),
            ("N m", [2., 1., -2., 0., 0., 0., 0.]),
            ("km", [1., 0., 0., 0., 0., 0., 0.]),
            ("1", [0.; 7]),
            ("m s-1", [1., 0., -1., 0., 0., 0., 0.]),
            ("kg/m/s", [-1., 1., -1., 0., 0., 0., 0.]),
            ("kg/(m*s)", [-1., 1., -1., 0., 0., 0., 0.]),
            ("V", [2., 1., -3., -1., 0., 0., 0.]),
            ("Ω", [2., 1., -3., -2., 0., 0., 0.]),
            ("mA", [0., 0., 0., 1., 0., 0., 0.]),
            ("lx", [-2., 0., 0., 0., 0., 0., 1.]),
            ("umol/min", [0., 0., -1., 0., 0., 1., 0.]),
            ("mM", [-3., 0., 0., 0., 0., 1., 0.]),
            ("Mm", [1., 0., 0., 0., 0., 0., 0.]),
            ("°C", [0., 0., 0., 0., 1., 0., 0.]),
            ("counts", [0.; 7]),
            ("m^(1/2)", [0.5, 0., 0., 0., 0., 0., 0.]),
            ("Hz", [0., 0., -1., 0., 0., 0., 0.]),
            ("kWh", [2., 1., -2., 0., 0., 0., 0.]),
        ];
        for (text, want) in table {
            assert!(dims(text).same(Dimension(want)), "{text}: {} (want {})", dims(text), Dimension(want));
        }
    }

    #[test]
    fn prefixes_and_customary_units_scale() {
        let scale = |t: &str| parse(t).unwrap().scale;
        assert!((scale("km") - 1e3).abs() < 1e-9);
        assert!((scale("kg") - 1.0).abs() < 1e-12);
        assert!((scale("mm") - 1e-3).abs() < 1e-15);
        assert!((scale("min") - 60.0).abs() < 1e-12);
        assert!((scale("km/h") - 1.0 / 3.6).abs() < 1e-12);
        assert!((scale("mL") - 1e-6).abs() < 1e-18);
        assert!((scale("µs") - 1e-6).abs() < 1e-18);
        // A symbol is read whole before it is read as a prefix and a unit.
        assert!((scale("min") - 60.0).abs() < 1e-12 && (scale("cd") - 1.0).abs() < 1e-12);
    }

    #[test]
    fn unknown_and_malformed_units_are_named() {
        assert_eq!(parse("plates"), Err(UnitError::Unknown { symbol: "plates".into() }));
        assert_eq!(parse("kmin"), Err(UnitError::Unknown { symbol: "kmin".into() }));
        assert!(matches!(parse("m/"), Err(UnitError::Malformed { at: 2, .. })));
        assert!(matches!(parse("(m/s"), Err(UnitError::Malformed { .. })));
        assert!(matches!(parse(""), Err(UnitError::Malformed { .. })));
        assert!(matches!(parse("m^x"), Err(UnitError::Malformed { .. })));
        assert_eq!(parse("spaces").unwrap_err().to_string(), "unknown unit 'spaces'");
    }

    #[test]
    fn a_lone_c_is_degrees_only_in_a_temperature_column() {
        let kelvin = Dimension::base(4);
        for (name, text) in [("T", "C"), ("temp", "F"), ("Temperature", " C "), ("θ", "C"), ("T_room", "C")] {
            assert!(column(name, text).unwrap().dimension.same(kelvin), "{name} [{text}]");
        }
        let charge = parse("A*s").unwrap().dimension;
        for (name, text) in [("Q", "C"), ("q", "C"), ("time", "C")] {
            assert!(column(name, text).unwrap().dimension.same(charge), "{name} [{text}]");
        }
        assert!(column("T", "mC").unwrap().dimension.same(charge));
        assert!(column("C", "F").unwrap().dimension.same(parse("C/V").unwrap().dimension));
    }

    #[test]
    fn a_thermometer_is_a_temperature_with_an_offset_zero() {
        assert_eq!(thermometer("T", "C"), Some(Thermometer::Celsius));
        assert_eq!(thermometer("temp", "F"), Some(Thermometer::Fahrenheit));
        assert_eq!(thermometer("x", "°C"), Some(Thermometer::Celsius));
        assert_eq!(thermometer("x", "degF"), Some(Thermometer::Fahrenheit));
        for (name, text) in [("T", "K"), ("Q", "C"), ("T", "°C/min"), ("T", "mC"), ("C", "F")] {
            assert_eq!(thermometer(name, text), None, "{name} [{text}]");
        }
        let kelvin = Dimension::base(4);
        assert!(column("T", "F").unwrap().dimension.same(kelvin));
        for scale in [Thermometer::Celsius, Thermometer::Fahrenheit] {
            assert_eq!(scale.zero_text().parse::<f64>(), Ok(scale.zero()));
            assert_eq!(split_absolute(&absolute_name("T [C]", scale)), Some(("T [C]", scale)));
        }
        assert_eq!(split_absolute("a + b"), None);
        assert_eq!(split_absolute("x + 5"), None);
    }

    #[test]
    fn dimensions_combine_as_powers_do() {
        let length = Dimension::base(0);
        let time = Dimension::base(2);
        let speed = length.over(time);
        assert!(speed.times(time).same(length));
        assert!(length.power(0.5).power(2.0).same(length));
        assert!(!speed.is_none() && speed.over(speed).is_none());
        assert_eq!(speed.to_string(), "m·s^-1");
        assert_eq!(Dimension::NONE.to_string(), "1");
    }
}
