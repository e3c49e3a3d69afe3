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
                "this .occam file has format version {found}; this build of occam reads version {}",
                super::VERSION
            ),
            CodecError::Truncated => f.write_str("the .occam file is truncated: it ends before its contents do"),
            CodecError::Damaged { why } => write!(f, "the .occam file is damaged: {why}"),
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
            CodecError::Program { why } => write!(f, "the program cannot be written: {why}"),
            CodecError::Prediction { row, value } => write!(
                f,
                "the program's prediction for row {row} is not finite ({value}), so the target cannot be coded \
                 given it"
            ),
            CodecError::Target { row, value } => {
                write!(f, "the target at row {row} ({value}) is too large to count in steps of its precision")
            }
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
