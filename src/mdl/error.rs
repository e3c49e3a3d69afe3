//! The one error type of `mdl`: every way a length or a stream can be refused.

/// Why a code length could not be computed or a stream could not be read.
///
/// Each variant names the offending value (and row, where there is one), so that a caller can say
/// what was wrong without knowing how the code works.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MdlError {
    /// The reader ran out of bits in the middle of a codeword.
    #[error("the bit stream ended at bit {position} in the middle of a codeword")]
    EndOfStream { position: u64 },
    /// The bits read are not a codeword of the code expected there.
    #[error("invalid code at bit {position}: {what}")]
    InvalidCode { position: u64, what: &'static str },
    /// `write_bits` / `read_bits` handle at most 64 bits at a time.
    #[error("cannot move {count} bits at once (at most 64)")]
    TooManyBits { count: u32 },
    /// `write_bits` was given a value with bits set above `count`.
    #[error("value {value} does not fit in {count} bits")]
    ValueTooWide { value: u64, count: u32 },
    /// A single input value that must be finite was NaN or infinite.
    #[error("{what} must be finite, got {value}")]
    NotFinite { what: &'static str, value: f64 },
    /// A per-row input (target, prediction, residual) was NaN or infinite.
    #[error("{what} at row {row} is not finite ({value})")]
    NonFiniteRow { what: &'static str, row: usize, value: f64 },
    /// The precision δ must be finite and positive.
    #[error("the precision δ must be finite and positive, got {0}")]
    BadPrecision(f64),
    /// Two slices that must pair up row by row have different lengths.
    #[error("{left} targets but {right} predictions")]
    LengthMismatch { left: usize, right: usize },
    /// A code over rows was asked for with no rows.
    #[error("no rows to code")]
    Empty,
    /// A rational constant needs a denominator of at least 2 in lowest terms.
    #[error("{p}/{q} is not a rational constant: the denominator must be at least 2 in lowest terms")]
    BadRational { p: i64, q: u64 },
    /// A real constant carries at most 52 explicit mantissa bits (binary64's precision).
    #[error("a real constant carries at most 52 mantissa bits, not {0}")]
    MantissaWidth(u32),
    /// The value cannot be written as ±1.f × 2^e (zero, NaN, infinite, or overflowing when
    /// rounded).
    #[error("{value} cannot be sent as a real constant: {why}")]
    NotAReal { value: f64, why: &'static str },
    /// A probability was NaN or outside [0, 1].
    #[error("probability at row {row} is {value}; it must lie in [0, 1]")]
    BadProbability { row: usize, value: f64 },
    /// A categorical code needs between 1 and 65,536 classes (16-bit frequencies).
    #[error("{0} classes: a categorical code with 16-bit frequencies takes 1 to 65536")]
    ClassCount(usize),
    /// A stream was asked to code a value its model cannot send.
    #[error("{what}: {value} is outside what the code can send")]
    OutOfRange { what: &'static str, value: i128 },
    /// The entropy coder refused a symbol (its model gave it probability zero).
    #[error("the entropy coder cannot code {what}")]
    Uncodable { what: &'static str },
    /// The xz compressor reported an error (it writes to memory, so this should not happen).
    #[error("xz compression failed: {0}")]
    Compressor(String),
}
