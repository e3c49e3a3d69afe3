//! Why a program could not be written to a .occam file, or a file could not be read back.

use std::fmt;

use crate::mdl::MdlError;
use crate::prepare::PrepareError;

/// Every way [`encode`](super::encode) or [`decode`](super::decode) can refuse, each naming what
/// is wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum CodecError {
    /// The bytes do not start with the .occam magic number.
    NotOccam,
    /// A .occam file of a version this build cannot read.
    Version { found: u8 },
    /// The file ends before everything it announces has been read.
    Truncated,
    /// The file's checksum does not match its bytes: a byte was changed, or the file was cut.
    Checksum,
    /// The table given to the decoder prepares to another number of features than the
    /// encoder's (a feature column missing or added, or one with other levels).
    FeatureCount { file: u64, table: usize },
    /// The table given to the decoder is not the encoder's where the program reads it: its row
    /// count or a feature column the program reads differs (`columns`: those the program reads).
    OtherTable { rows: usize, columns: Vec<String> },
    /// The file's contents do not decode consistently (its check value differs, or a field holds
    /// an impossible value).
    Damaged { why: String },
    /// The table given to the decoder has a different number of rows from the encoder's.
    RowCount { file: usize, table: usize },
    /// The table given to the decoder lacks a feature column the file was made with.
    MissingColumn { column: String },
    /// The program reads a feature that the prepared table does not have.
    UnknownFeature { feature: String, available: Vec<String> },
    /// The program does not fit the target's task (a formula or a regression network for
    /// classes, a classifier for numbers).
    TaskMismatch { program: &'static str, target: String, task: &'static str },
    /// Computing the program's predictions would take more than the codec allows (rows × the
    /// work a row).
    TooMuchWork { rows: usize, per_row: u64 },
    /// The program is not well formed (a constant count, a shape, an operator).
    Program { why: String },
    /// The program's prediction for a row is not finite, so the target cannot be coded given it.
    Prediction { row: usize, value: f64 },
    /// A target value is too large to be counted in units of its step δ.
    Target { row: usize, value: f64 },
    /// The preparation options cannot be used (clipping quantiles out of order).
    Options { why: String },
    /// Preparing the table failed (the same refusal as a search would get).
    Prepare(PrepareError),
    /// The entropy coder refused a value while writing.
    Coder(MdlError),
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::NotOccam => f.write_str("not an occam file: it does not start with the .occam signature"),
            CodecError::Version { found } => write!(
                f,
                "this .occam file has format version {found}; this build of occam reads versions {} to {}",
                super::OLDEST_VERSION,
                super::VERSION
            ),
            CodecError::Truncated => f.write_str("the .occam file is truncated: it ends before its contents do"),
            CodecError::Damaged { why } => write!(f, "the .occam file is damaged: {why}"),
            CodecError::Checksum => {
                f.write_str("the .occam file is damaged or cut short: its checksum does not match its bytes")
            }
            CodecError::FeatureCount { file, table } => write!(
                f,
                "this table gives {table} features where the file's gave {file}: a feature column is missing \
                 or added, or holds other levels; decode needs the encoder's table (its target column may be \
                 left out)"
            ),
            CodecError::OtherTable { rows, columns } => {
                let what = match columns.as_slice() {
                    [] => "its row count".to_string(),
                    [one] => format!("its row count or the column '{one}' the program reads"),
                    many => format!("its row count or one of the columns the program reads ('{}')", many.join("', '")),
                };
                write!(
                    f,
                    "this table ({rows} rows) is not the one the file was made from: {what} differs; decode \
                     needs the encoder's table (its target column may be left out)"
                )
            }
            CodecError::RowCount { file, table } => write!(
                f,
                "the file was made from a table of {file} rows, but this table has {table}: decode needs the \
                 same rows"
            ),
            CodecError::MissingColumn { column } => {
                write!(f, "the table lacks the feature column '{column}' that the file was made with")
            }
            CodecError::UnknownFeature { feature, available } => write!(
                f,
                "the program reads the feature '{feature}', which the prepared table does not have (it has: {})",
                available.join(", ")
            ),
            CodecError::TaskMismatch { program, target, task } => {
                write!(f, "{program} cannot explain '{target}', which is a {task} target")
            }
            CodecError::TooMuchWork { rows, per_row } => write!(
                f,
                "the program would take {per_row} operations a row over {rows} rows, more than the 2³⁴ a file \
                 may ask of its decoder"
            ),
            CodecError::Program { why } => write!(f, "the program cannot be written: {why}"),
            CodecError::Prediction { row, value } => write!(
                f,
                "the program's prediction for row {row} is not finite ({value}), so the target cannot be coded \
                 given it"
            ),
            CodecError::Target { row, value } => write!(
                f,
                "the target at row {row} ({value}) cannot be sent exactly as a whole number of steps of its \
                 precision (too large, or more significant digits than a number keeps)"
            ),
            CodecError::Options { why } => write!(f, "the preparation options cannot be used: {why}"),
            CodecError::Prepare(e) => write!(f, "{e}"),
            CodecError::Coder(e) => write!(f, "the entropy coder refused a value: {e}"),
        }
    }
}

impl std::error::Error for CodecError {}

/// A stream error while reading: the file ends too soon, or does not decode.
impl From<MdlError> for CodecError {
    fn from(e: MdlError) -> Self {
        match e {
            MdlError::EndOfStream { .. } => CodecError::Truncated,
            e => CodecError::Damaged { why: e.to_string() },
        }
    }
}

impl From<PrepareError> for CodecError {
    fn from(e: PrepareError) -> Self {
        CodecError::Prepare(e)
    }
}
