//! Why a network cannot be fitted, each naming what is wrong.

use std::fmt;

use crate::words::Message;

#[derive(Debug, Clone, PartialEq)]
pub enum FitError {
    /// A training setting out of range: the field's name and what is wrong with its value.
    Setting {
        name: &'static str,
        message: String,
    },
    /// The feature selection is empty.
    NoFeatures,
    /// A selected feature index past the dataset's features.
    UnknownFeature {
        index: usize,
        features: usize,
    },
    /// The dataset has no training rows.
    NoRows,
    /// Fewer training rows than fitting and early stopping need.
    TooFewRows {
        rows: usize,
        needed: usize,
    },
    /// No more training rows than features: any model of them could memorise the rows.
    MoreFeaturesThanRows {
        rows: usize,
        features: usize,
    },
    /// Classification whose training rows all have one class.
    OneClass {
        class: String,
    },
    /// The model, the masks and the training data do not fit together (fine-tuning).
    Mismatch {
        message: String,
    },
    /// The loss became infinite or NaN at this epoch.
    NotFinite {
        epoch: usize,
    },
    Cancelled,
}

impl FitError {
    /// The words of the errors a reader of the page meets (too few rows, one class, a loss that
    /// diverged), in either language ([`crate::words`]); None for settings and mismatches, which
    /// only a program sends and which stay in English.
    pub fn message(&self) -> Option<Message> {
        Some(match self {
            FitError::NoFeatures => Message::new("fit_no_features", &[]),
            FitError::NoRows => Message::new("fit_no_rows", &[]),
            FitError::MoreFeaturesThanRows { rows, features } => Message::new(
                "fit_more_features_than_rows",
                &[("rows", rows.to_string()), ("features", features.to_string())],
            ),
            FitError::TooFewRows { rows, needed } => {
                Message::counted("fit_too_few_rows_one", "fit_too_few_rows", *rows, &[("needed", needed.to_string())])
            }
            FitError::OneClass { class } => Message::new("fit_one_class", &[("class", class.clone())]),
            FitError::NotFinite { epoch } => Message::new("fit_not_finite", &[("epoch", epoch.to_string())]),
            FitError::Cancelled => Message::new("fit_cancelled", &[]),
            FitError::Setting { .. } | FitError::UnknownFeature { .. } | FitError::Mismatch { .. } => return None,
        })
    }
}

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(message) = self.message() {
            return message.fmt(f);
        }
        match self {
            FitError::Setting { name, message } => write!(f, "training setting '{name}': {message}"),
            FitError::UnknownFeature { index, features } => {
                write!(f, "feature {index} does not exist: the dataset has {features} feature columns")
            }
            FitError::Mismatch { message } => write!(f, "the model does not fit the training data: {message}"),
            _ => unreachable!("every other error has its words"),
        }
    }
}

impl std::error::Error for FitError {}
