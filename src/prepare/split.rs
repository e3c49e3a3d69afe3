//! Train/test splits, all seeded: a random split, and an extrapolation split that trains on
//! the low part of a column and tests on the high part (does the law hold beyond the data?).

use super::PrepareError;
use crate::data::{ColumnData, Table};
use crate::random::Rng;

/// Below this many rows (with a target), [`Split::Automatic`] fits on every row and
/// generalisation is measured by leave-one-out instead: a fifth of eight rows is too much of
/// the evidence to set aside, and MDL needs no held-out rows to choose.
pub const SMALL_TABLE_ROWS: usize = 50;

#[derive(Debug, Clone, PartialEq)]
pub enum Split {
    /// A random `test_fraction` of the rows for testing (at least one row each side, unless the
    /// fraction is 0: then every row trains).
    Random { test_fraction: f64 },
    /// Every row trains below [`SMALL_TABLE_ROWS`] rows (validation by leave-one-out), else
    /// [`Split::Random`] with `test_fraction`.
    Automatic { test_fraction: f64 },
    /// Train on the rows where `column` is lowest, test on the highest `test_fraction`.
    /// Ties are broken by row order, so the split is the same every time.
    Extrapolate { column: String, test_fraction: f64 },
}

/// How a dataset's candidates are tested on rows they were not fitted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Validation {
    /// On a random share of the rows held out.
    Holdout,
    /// On the rows where a column is highest, held out.
    Extrapolation,
    /// Every row trains; each row is predicted by the model refitted without it.
    LeaveOneOut,
    /// Every row trains, as asked; nothing is tested.
    None,
}

impl Split {
    /// How a dataset split this way from `rows` rows is validated.
    pub fn validation(&self, rows: usize) -> Validation {
        match self {
            Split::Random { test_fraction } if *test_fraction == 0.0 => Validation::None,
            Split::Random { .. } => Validation::Holdout,
            Split::Extrapolate { .. } => Validation::Extrapolation,
            Split::Automatic { test_fraction } if rows >= SMALL_TABLE_ROWS && *test_fraction > 0.0 => {
                Validation::Holdout
            }
            Split::Automatic { .. } if rows >= SMALL_TABLE_ROWS => Validation::None,
            Split::Automatic { .. } => Validation::LeaveOneOut,
        }
    }

    /// Splits `rows` (table rows kept for the dataset) into train and test, as indices into
    /// `rows`, each sorted ascending.
    pub fn rows(&self, table: &Table, rows: &[usize], seed: u64) -> Result<(Vec<usize>, Vec<usize>), PrepareError> {
        let n = rows.len();
        let fraction = match self {
            Split::Random { test_fraction } | Split::Extrapolate { test_fraction, .. } => *test_fraction,
            Split::Automatic { test_fraction } if n >= SMALL_TABLE_ROWS => *test_fraction,
            Split::Automatic { .. } => 0.0,
        };
        if !(0.0..1.0).contains(&fraction) {
            return Err(PrepareError::BadTestFraction { fraction });
        }
        // No test rows only when asked for none (a benchmark may hold its own test rows out).
        let test_n = if fraction == 0.0 { 0 } else { ((n as f64 * fraction).round() as usize).clamp(1, n - 1) };
        let mut order: Vec<usize> = (0..n).collect();
        match self {
            Split::Random { .. } | Split::Automatic { .. } => Rng::new(seed).shuffle(&mut order),
            Split::Extrapolate { column, .. } => {
                let index = table.column_index(column).ok_or_else(|| PrepareError::UnknownColumn {
                    column: column.clone(),
                    available: table.columns.iter().map(|c| c.name.clone()).collect(),
                })?;
                let ColumnData::Numeric { values, .. } = &table.columns[index].data else {
                    return Err(PrepareError::SplitColumnNotNumeric { column: column.clone() });
                };
                // Missing values sort lowest: they are never extrapolated to.
                let key = |i: usize| {
                    let v = values[rows[i]];
                    if v.is_nan() {
                        f64::NEG_INFINITY
                    } else {
                        v
                    }
                };
                order.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
            }
        }
        let mut test = order.split_off(n - test_n);
        let mut train = order;
        train.sort_unstable();
        test.sort_unstable();
        Ok((train, test))
    }
}
