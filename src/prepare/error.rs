//! Why a table cannot be prepared, each naming the column concerned.

use std::fmt;

use crate::words::Message;

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

impl PrepareError {
    /// What is wrong, in words for people (see [`crate::words`]).
    pub fn message(&self) -> Message {
        let col = |c: &String| ("column", c.clone());
        match self {
            PrepareError::UnknownColumn { column, available } => {
                Message::new("prep_unknown_column", &[col(column), ("available", available.join(", "))])
            }
            PrepareError::ConstantTarget { column } => Message::new("prep_constant_target", &[col(column)]),
            PrepareError::TargetAllMissing { column } => Message::new("prep_target_missing", &[col(column)]),
            PrepareError::TooFewRows { rows } => {
                Message::counted("prep_too_few_rows_one", "prep_too_few_rows", *rows, &[])
            }
            PrepareError::RegressionOnText { column } => Message::new("prep_regression_on_text", &[col(column)]),
            PrepareError::TooManyClasses { column, classes } => {
                Message::new("prep_too_many_classes", &[col(column), ("classes", classes.to_string())])
            }
            PrepareError::TargetAsFeature { column } => Message::new("prep_target_as_feature", &[col(column)]),
            PrepareError::NoFeatures { target } => Message::new("prep_no_features", &[("target", target.clone())]),
            PrepareError::NothingToExplain => Message::new("prep_nothing_to_explain", &[]),
            PrepareError::SplitColumnNotNumeric { column } => Message::new("prep_split_not_numeric", &[col(column)]),
            PrepareError::BadTestFraction { fraction } => {
                Message::new("prep_bad_test_fraction", &[("fraction", fraction.to_string())])
            }
        }
    }
}

impl fmt::Display for PrepareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.message().fmt(f)
    }
}

impl std::error::Error for PrepareError {}
