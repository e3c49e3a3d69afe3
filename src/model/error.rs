//! Why a network cannot be fitted, each naming what is wrong.

use std::fmt;

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

impl fmt::Display for FitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FitError::Setting { name, message } => write!(f, "training setting '{name}': {message}"),
            FitError::NoFeatures => f.write_str("no feature columns are selected: a model needs at least one"),
            FitError::UnknownFeature { index, features } => {
                write!(f, "feature {index} does not exist: the dataset has {features} feature columns")
            }
            FitError::NoRows => f.write_str("there are no training rows"),
            FitError::MoreFeaturesThanRows { rows, features } => write!(
                f,
                "{rows} training rows for {features} features: a model needs more rows than features (select fewer features, or add rows)"
            ),
            FitError::TooFewRows { rows, needed } => write!(
                f,
                "{rows} training row{} is too few: training with this validation share needs at least {needed}",
                if *rows == 1 { "" } else { "s" }
            ),
            FitError::OneClass { class } => write!(
                f,
                "every training row has class '{class}': a classifier needs at least two classes to tell apart"
            ),
            FitError::Mismatch { message } => write!(f, "the model does not fit the training data: {message}"),
            FitError::NotFinite { epoch } => write!(
                f,
                "training diverged at epoch {epoch}: the loss is no longer a finite number; \
                 try a smaller learning rate"
            ),
            FitError::Cancelled => f.write_str("training was cancelled"),
        }
    }
}

impl std::error::Error for FitError {}
