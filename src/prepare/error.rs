//! Why a table cannot be prepared, each naming the column concerned.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum PrepareError {
    UnknownColumn { column: String, available: Vec<String> },
    ConstantTarget { column: String },
    TargetAllMissing { column: String },
    TooFewRows { rows: usize },
    RegressionOnText { column: String },
    TooManyClasses { column: String, classes: usize },
    TargetAsFeature { column: String },
    NoFeatures { target: String },
    NothingToExplain,
    SplitColumnNotNumeric { column: String },
    BadTestFraction { fraction: f64 },
}

impl fmt::Display for PrepareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrepareError::UnknownColumn { column, available } => {
                write!(f, "there is no column '{column}' (the columns are: {})", available.join(", "))
            }
            PrepareError::ConstantTarget { column } => {
                write!(f, "column '{column}' has the same value in every row: there is nothing to explain")
            }
            PrepareError::TargetAllMissing { column } => {
                write!(f, "column '{column}' has no values: every cell is missing")
            }
            PrepareError::TooFewRows { rows } => write!(
                f,
                "the table has {rows} row{} with a target value; at least 2 are needed to fit and test",
                if *rows == 1 { "" } else { "s" }
            ),
            PrepareError::RegressionOnText { column } => {
                write!(f, "column '{column}' holds text, so it can only be a classification target")
            }
            PrepareError::TooManyClasses { column, classes } => write!(
                f,
                "column '{column}' has {classes} distinct values, too many to be classes; \
                 if it is a number, check its cells for text"
            ),
            PrepareError::TargetAsFeature { column } => {
                write!(f, "column '{column}' is the target, so it cannot also be a feature")
            }
            PrepareError::NoFeatures { target } => {
                write!(f, "no column is left to explain '{target}' with (the others are constant or ids)")
            }
            PrepareError::NothingToExplain => f.write_str("every column is constant: there is nothing to explain"),
            PrepareError::SplitColumnNotNumeric { column } => {
                write!(f, "the extrapolation split needs a numeric column, and '{column}' is not numeric")
            }
            PrepareError::BadTestFraction { fraction } => {
                write!(f, "the test share must be at least 0 and below 1, not {fraction}")
            }
        }
    }
}

impl std::error::Error for PrepareError {}
