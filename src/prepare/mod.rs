//! From a loaded [`Table`](crate::data::Table) to a [`Dataset`] the engines can fit: a target,
//! a task, numeric feature columns, and seeded train/test rows.
//!
//! [`prepare`] chooses the target and task, drops rows whose target is missing, imputes missing
//! features (median or most frequent, with an indicator column), optionally clips outliers,
//! one-hot encodes categories (with a cap on levels), and splits the rows ([`Split`]). Features
//! stay in their original units, so formulas read in the user's units; the standardisation each
//! feature would need ([`Feature::mean`], [`Feature::std`]) is kept beside it for the models
//! that want it. All statistics come from the training rows only.

mod error;
mod split;

pub use error::PrepareError;
pub use split::{Split, Validation, SMALL_TABLE_ROWS};

use ndarray::{Array2, ShapeBuilder};

use crate::data::{ColumnData, Kind, Table, MISSING};
use crate::units::{self, Dimension};
use crate::words::Message;

/// What is asked of the target column. (A setting of a job too, so it crosses the boundary.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    Regression,
    Classification,
}

impl Task {
    pub fn name(self) -> &'static str {
        match self {
            Task::Regression => "regression",
            Task::Classification => "classification",
        }
    }

    /// The task named `name` ("regression" or "classification").
    pub fn from_name(name: &str) -> Option<Task> {
        [Task::Regression, Task::Classification].into_iter().find(|t| t.name() == name)
    }
}

/// A numeric target: values and the decimal step the file wrote them at.
#[derive(Debug, Clone, PartialEq)]
pub struct NumericTarget {
    pub values: Vec<f64>,
    /// δ = 10^-decimals; the data are sent as integers round(y/δ).
    pub decimals: i32,
}

impl NumericTarget {
    pub fn precision(&self) -> f64 {
        10f64.powi(-self.decimals)
    }
}

/// The column to explain.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Regression(NumericTarget),
    /// Class indices into `classes` (labels as the file wrote them, or numbers as text).
    Classification {
        classes: Vec<String>,
        labels: Vec<u32>,
    },
}

/// Where a feature column came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A numeric column, imputed where missing.
    Numeric { column: String },
    /// 1 where the numeric column was missing, else 0.
    MissingIndicator { column: String },
    /// 1 where the categorical column has this level, else 0.
    Level { column: String, level: String },
}

/// A feature column of the design matrix, with the standardisation it would take.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    /// The name formulas use: the column's own name for numeric columns, `col=level` or
    /// `col_missing` for derived ones.
    pub name: String,
    pub origin: Origin,
    /// The feature's dimension: its column's unit (from the header, `name [unit]`, or from
    /// [`PrepareOptions::units`]), none for an indicator; None where the unit is not known.
    pub unit: Option<Dimension>,
    /// Mean and standard deviation over the training rows (std 1 for a constant feature).
    pub mean: f64,
    pub std: f64,
    /// The thermometer a column of temperatures was read on (°C, °F), whose readings this
    /// feature holds made absolute: each plus [`Thermometer::zero`](units::Thermometer::zero),
    /// and the name says so (`T [C] + 273.15`). None for every other feature.
    pub thermometer: Option<units::Thermometer>,
}

/// A table made ready for fitting.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub target_name: String,
    pub task: Task,
    pub target: Target,
    /// The target's dimension, where its unit is known.
    pub target_unit: Option<Dimension>,
    pub features: Vec<Feature>,
    /// rows × features, column-major: `x.column(j)` is contiguous, as the evaluators want.
    pub x: Array2<f64>,
    pub train: Vec<usize>,
    pub test: Vec<usize>,
    /// How the candidates are tested: on the test rows, or by leave-one-out on a small table.
    pub validation: Validation,
    /// Rows of the table dropped because their target was missing.
    pub dropped_rows: usize,
    /// What preparing did that the user should know (columns left out, levels capped).
    pub notes: Vec<Message>,
}

impl Feature {
    /// A numeric feature derived from others (a dimensionless group, a symmetry's combination):
    /// its values on every row, standardised over the training rows.
    pub fn derived(name: String, unit: Option<Dimension>, values: &[f64], train: &[usize]) -> Feature {
        let (mean, std) = moments(values, train);
        Feature { origin: Origin::Numeric { column: name.clone() }, name, unit, mean, std, thermometer: None }
    }
}

/// Mean and standard deviation of a column over the training rows (1 for a constant column, so
/// that standardising divides by something).
fn moments(column: &[f64], train: &[usize]) -> (f64, f64) {
    let (mean, std) = mean_std(train.iter().map(|&r| column[r]));
    (mean, if std > 0.0 { std } else { 1.0 })
}

impl Dataset {
    /// The same target, rows and split over other features (`x` column-major, a column each):
    /// the table a search over fewer variables reads.
    pub fn with_features(&self, features: Vec<Feature>, x: Array2<f64>) -> Dataset {
        Dataset {
            target_name: self.target_name.clone(),
            task: self.task,
            target: self.target.clone(),
            target_unit: self.target_unit,
            features,
            x,
            train: self.train.clone(),
            test: self.test.clone(),
            validation: self.validation,
            dropped_rows: self.dropped_rows,
            notes: Vec::new(),
        }
    }

    pub fn rows(&self) -> usize {
        self.x.nrows()
    }

    /// Feature column j as a contiguous slice.
    pub fn column(&self, j: usize) -> &[f64] {
        self.x.column(j).to_slice().expect("x is column-major")
    }
}

/// Choices for [`prepare`]. The defaults follow the seed pipeline, an 80/20 random split, but
/// a table of fewer than [`SMALL_TABLE_ROWS`] rows fits on every row.
#[derive(Debug, Clone)]
pub struct PrepareOptions {
    /// The column to explain (default: the last column that is not constant).
    pub target: Option<String>,
    /// Override the inferred task.
    pub task: Option<Task>,
    /// Only these columns as features (default: all others that carry information).
    pub features: Option<Vec<String>>,
    /// Clip numeric features to these training quantiles, e.g. (0.01, 0.99).
    pub clip: Option<(f64, f64)>,
    /// Categorical columns keep at most this many levels; the rarest are merged into "other".
    pub max_levels: usize,
    pub split: Split,
    pub seed: u64,
    /// Units for columns whose headers have none (or to replace them): (column, unit text), the
    /// column named whole or by the text before its bracket. Only dimensional checks read them.
    pub units: Vec<(String, String)>,
}

impl Default for PrepareOptions {
    fn default() -> Self {
        PrepareOptions {
            target: None,
            task: None,
            features: None,
            clip: None,
            max_levels: 16,
            split: Split::Automatic { test_fraction: 0.2 },
            seed: 1,
            units: Vec::new(),
        }
    }
}

/// A numeric target with at most this many distinct integer values may be class labels.
const MAX_NUMERIC_CLASSES: usize = 10;

/// The target column and the task it sets, without preparing the rest: what a caller needs to
/// decide which engines apply (a formula search only fits a regression).
pub fn target_and_task(table: &Table, options: &PrepareOptions) -> Result<(usize, Task), PrepareError> {
    let target_index = choose_target(table, options.target.as_deref())?;
    Ok((target_index, options.task.unwrap_or_else(|| infer_task(&table.columns[target_index]))))
}

/// Prepares a table for fitting. Every refusal is a [`PrepareError`] that names the column.
pub fn prepare(table: &Table, options: &PrepareOptions) -> Result<Dataset, PrepareError> {
    let (target_index, task) = target_and_task(table, options)?;
    let target_column = &table.columns[target_index];
    let rows = target_rows(table, target_index);
    if rows.is_empty() {
        return Err(PrepareError::TargetAllMissing { column: target_column.name.clone() });
    }
    if rows.len() < 2 {
        return Err(PrepareError::TooFewRows { rows: rows.len() });
    }
    if target_column.kind == Kind::Constant {
        return Err(PrepareError::ConstantTarget { column: target_column.name.clone() });
    }
    let target = build_target(table, target_index, &rows, task)?;
    let (train, test) = options.split.rows(table, &rows, options.seed)?;

    let mut notes = Vec::new();
    let target_unit = column_unit(&target_column.name, options, &mut notes);
    let sources = feature_columns(table, target_index, options, &mut notes)?;
    let mut features = Vec::new();
    let mut data: Vec<f64> = Vec::new();
    for &c in &sources {
        encode_column(table, c, &rows, &train, options, &mut features, &mut data, &mut notes);
    }
    if features.is_empty() {
        return Err(PrepareError::NoFeatures { target: target_column.name.clone() });
    }
    let x = Array2::from_shape_vec((rows.len(), features.len()).f(), data).expect("one value per row and feature");
    for (j, feature) in features.iter_mut().enumerate() {
        (feature.mean, feature.std) = moments(x.column(j).to_slice().expect("x is column-major"), &train);
    }
    Ok(Dataset {
        target_name: target_column.name.clone(),
        task,
        target,
        target_unit,
        features,
        x,
        train,
        test,
        validation: options.split.validation(rows.len()),
        dropped_rows: table.rows - rows.len(),
        notes,
    })
}

fn choose_target(table: &Table, name: Option<&str>) -> Result<usize, PrepareError> {
    match name {
        Some(name) => {
            let index = table.column_index(name).ok_or_else(|| PrepareError::UnknownColumn {
                column: name.to_string(),
                available: table.columns.iter().map(|c| c.name.clone()).collect(),
            })?;
            Ok(index)
        }
        None => table.columns.iter().rposition(|c| c.kind != Kind::Constant).ok_or(PrepareError::NothingToExplain),
    }
}

/// The table rows whose target is present.
fn target_rows(table: &Table, target: usize) -> Vec<usize> {
    match &table.columns[target].data {
        ColumnData::Numeric { values, .. } => (0..table.rows).filter(|&r| !values[r].is_nan()).collect(),
        ColumnData::Text { codes, .. } => (0..table.rows).filter(|&r| codes[r] != MISSING).collect(),
    }
}

/// Classification for text and booleans, and for a numeric column that looks like labels;
/// regression for every other numeric column, whole numbers included (counts, lux, millimetres).
fn infer_task(column: &crate::data::Column) -> Task {
    match &column.data {
        ColumnData::Text { .. } => Task::Classification,
        ColumnData::Numeric { values, .. } if looks_like_labels(values) => Task::Classification,
        ColumnData::Numeric { .. } => Task::Regression,
    }
}

/// Labels written as numbers are few codes near 0 that repeat: whole numbers, 2 to
/// [`MAX_NUMERIC_CLASSES`] distinct values, at least two rows a value on average, and codes
/// from −1, 0 or 1 up to at most one past their count (0/1, −1/1, ratings 1–5, classes 0–9).
/// Eleven decay counts, nine lux readings or lengths in millimetres are none of that.
fn looks_like_labels(values: &[f64]) -> bool {
    let present: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    let mut distinct = present.clone();
    distinct.sort_unstable_by(f64::total_cmp);
    distinct.dedup();
    let k = distinct.len();
    let (Some(&low), Some(&high)) = (distinct.first(), distinct.last()) else { return false };
    distinct.iter().all(|v| v.fract() == 0.0)
        && (2..=MAX_NUMERIC_CLASSES).contains(&k)
        && present.len() >= 2 * k
        && (-1.0..=1.0).contains(&low)
        && high <= k as f64 + 1.0
}

fn build_target(table: &Table, target: usize, rows: &[usize], task: Task) -> Result<Target, PrepareError> {
    let column = &table.columns[target];
    match (task, &column.data) {
        (Task::Regression, ColumnData::Numeric { values, decimals }) => Ok(Target::Regression(NumericTarget {
            values: rows.iter().map(|&r| values[r]).collect(),
            decimals: *decimals,
        })),
        (Task::Regression, ColumnData::Text { .. }) => {
            Err(PrepareError::RegressionOnText { column: column.name.clone() })
        }
        (Task::Classification, ColumnData::Text { codes, levels }) => {
            // Classes in order of first appearance among the kept rows, so indices are dense.
            let mut remap = vec![u32::MAX; levels.len()];
            let mut classes = Vec::new();
            let labels = rows
                .iter()
                .map(|&r| {
                    let code = codes[r] as usize;
                    if remap[code] == u32::MAX {
                        remap[code] = classes.len() as u32;
                        classes.push(levels[code].clone());
                    }
                    remap[code]
                })
                .collect();
            check_classes(&column.name, &classes)?;
            Ok(Target::Classification { classes, labels })
        }
        (Task::Classification, ColumnData::Numeric { values, decimals }) => {
            let mut classes: Vec<String> = Vec::new();
            let labels = rows
                .iter()
                .map(|&r| {
                    let text = crate::data::number::format(values[r], *decimals);
                    match classes.iter().position(|c| *c == text) {
                        Some(i) => i as u32,
                        None => {
                            classes.push(text);
                            (classes.len() - 1) as u32
                        }
                    }
                })
                .collect();
            check_classes(&column.name, &classes)?;
            Ok(Target::Classification { classes, labels })
        }
    }
}

fn check_classes(column: &str, classes: &[String]) -> Result<(), PrepareError> {
    if classes.len() < 2 {
        return Err(PrepareError::ConstantTarget { column: column.to_string() });
    }
    if classes.len() > 1000 {
        return Err(PrepareError::TooManyClasses { column: column.to_string(), classes: classes.len() });
    }
    Ok(())
}

/// The columns that become features: the requested ones, or every other column that carries
/// information. Text columns where nearly every row has its own level (names, ids) are left out.
fn feature_columns(
    table: &Table,
    target: usize,
    options: &PrepareOptions,
    notes: &mut Vec<Message>,
) -> Result<Vec<usize>, PrepareError> {
    if let Some(names) = &options.features {
        // A map, not a search per name: a list of 10⁵ features stays linear.
        let mut index_of = std::collections::HashMap::with_capacity(table.columns.len());
        for (c, column) in table.columns.iter().enumerate().rev() {
            index_of.insert(column.name.as_str(), c);
        }
        let mut chosen = Vec::new();
        for name in names {
            let index = index_of.get(name.as_str()).copied().or_else(|| table.column_index(name)).ok_or_else(|| {
                PrepareError::UnknownColumn {
                    column: name.clone(),
                    available: table.columns.iter().map(|c| c.name.clone()).collect(),
                }
            })?;
            if index == target {
                return Err(PrepareError::TargetAsFeature { column: name.clone() });
            }
            chosen.push(index);
        }
        return Ok(chosen);
    }
    let mut chosen = Vec::new();
    for (c, column) in table.columns.iter().enumerate() {
        if c == target {
            continue;
        }
        match (&column.kind, &column.data) {
            (Kind::Constant, _) => notes.push(Message::new("note_constant", &[("name", column.name.clone())])),
            (_, ColumnData::Text { levels, .. })
                if looks_like_ids(levels.len(), table.rows - column.missing, options) =>
            {
                notes.push(Message::new(
                    "note_ids",
                    &[
                        ("name", column.name.clone()),
                        ("distinct", levels.len().to_string()),
                        ("rows", table.rows.to_string()),
                    ],
                ))
            }
            _ => chosen.push(c),
        }
    }
    Ok(chosen)
}

/// Names and ids: (nearly) every filled cell has its own level, or more levels than the cap and
/// fewer than two rows a level. They cannot generalise to new rows.
fn looks_like_ids(levels: usize, filled: usize, options: &PrepareOptions) -> bool {
    let all_distinct = levels > 2 && levels as f64 >= 0.9 * filled as f64;
    all_distinct || (levels > options.max_levels && levels * 2 > filled)
}

/// Appends the feature columns that table column `c` becomes (values for `rows`, in order).
#[allow(clippy::too_many_arguments)]
fn encode_column(
    table: &Table,
    c: usize,
    rows: &[usize],
    train: &[usize],
    options: &PrepareOptions,
    features: &mut Vec<Feature>,
    data: &mut Vec<f64>,
    notes: &mut Vec<Message>,
) {
    let column = &table.columns[c];
    let unit = match &column.data {
        ColumnData::Numeric { .. } => column_unit(&column.name, options, notes),
        ColumnData::Text { .. } => None,
    };
    let thermometer = match &column.data {
        ColumnData::Numeric { .. } => column_thermometer(&column.name, options),
        ColumnData::Text { .. } => None,
    };
    // Indicators (a level, a missing cell) are pure numbers.
    let feature = |name: String, origin: Origin| {
        let unit = if matches!(origin, Origin::Numeric { .. }) { unit } else { Some(Dimension::NONE) };
        let thermometer = if matches!(origin, Origin::Numeric { .. }) { thermometer } else { None };
        Feature { name, origin, unit, mean: 0.0, std: 1.0, thermometer }
    };
    match &column.data {
        ColumnData::Numeric { values, .. } => {
            let mut xs: Vec<f64> = rows.iter().map(|&r| values[r]).collect();
            let missing: Vec<bool> = xs.iter().map(|v| v.is_nan()).collect();
            let mut train_values: Vec<f64> = train.iter().map(|&i| xs[i]).filter(|v| !v.is_nan()).collect();
            train_values.sort_unstable_by(f64::total_cmp);
            let fill = quantile(&train_values, 0.5).unwrap_or(0.0);
            let bounds =
                options.clip.and_then(|(lo, hi)| Some((quantile(&train_values, lo)?, quantile(&train_values, hi)?)));
            for x in xs.iter_mut() {
                if x.is_nan() {
                    *x = fill;
                } else if let Some((lo, hi)) = bounds {
                    *x = x.clamp(lo, hi);
                }
            }
            let name = match thermometer {
                // Laws of temperature are laws of absolute temperature: the feature is the
                // reading plus absolute zero's distance below the scale's zero, named so.
                Some(scale) => {
                    xs.iter_mut().for_each(|x| *x += scale.zero());
                    notes.push(Message::new(
                        "note_absolute_temperature",
                        &[("name", column.name.clone()), ("zero", scale.zero_text().to_string())],
                    ));
                    units::absolute_name(&column.name, scale)
                }
                None => column.name.clone(),
            };
            data.extend_from_slice(&xs);
            features.push(feature(name, Origin::Numeric { column: column.name.clone() }));
            if missing.iter().any(|&m| m) {
                data.extend(missing.iter().map(|&m| m as u8 as f64));
                features.push(feature(
                    format!("{}_missing", column.name),
                    Origin::MissingIndicator { column: column.name.clone() },
                ));
            }
        }
        ColumnData::Text { codes, levels } => {
            let kept = levels_to_keep(codes, levels.len(), rows, train, options.max_levels);
            if kept.len() < levels.len() {
                notes.push(Message::new(
                    "note_kept_levels",
                    &[
                        ("name", column.name.clone()),
                        ("kept", kept.len().to_string()),
                        ("levels", levels.len().to_string()),
                    ],
                ));
            }
            // The most frequent level (which also fills missing cells) is the reference: it
            // gets no column, so the indicators are not collinear with a constant term.
            let reference = kept.first().copied();
            for &level in kept.iter().skip(1) {
                data.extend(rows.iter().map(|&r| {
                    let code = codes[r];
                    let code = if code == MISSING { reference.unwrap_or(u32::MAX) } else { code };
                    (code == level) as u8 as f64
                }));
                let name = format!("{}={}", column.name, levels[level as usize]);
                features.push(feature(
                    name,
                    Origin::Level { column: column.name.clone(), level: levels[level as usize].clone() },
                ));
            }
        }
    }
}

/// A column's dimension: from [`PrepareOptions::units`] if it names the column, else from its
/// header's `name [unit]`; None, with a note that says why, when the unit is not one occam reads
/// (the column is then left out of dimensional checks, never refused), and None without a note
/// when no unit is given.
fn column_unit(header: &str, options: &PrepareOptions, notes: &mut Vec<Message>) -> Option<Dimension> {
    let (base, text) = unit_text(header, options)?;
    match units::column(base, text) {
        Ok(unit) => Some(unit.dimension),
        Err(e) => {
            notes.push(Message::new("note_unknown_unit", &[("name", header.to_string()), ("why", e.to_string())]));
            None
        }
    }
}

/// The temperature scale with an offset zero (°C, °F) that a column's unit names, from
/// [`PrepareOptions::units`] or its header, as [`column_unit`] reads them.
fn column_thermometer(header: &str, options: &PrepareOptions) -> Option<units::Thermometer> {
    let (base, text) = unit_text(header, options)?;
    units::thermometer(base, text)
}

/// A column's name without its unit, and its unit text: from [`PrepareOptions::units`] if it
/// names the column (whole or by the text before its bracket), else from its header.
fn unit_text<'a>(header: &'a str, options: &'a PrepareOptions) -> Option<(&'a str, &'a str)> {
    let (base, in_header) = units::split_header(header);
    let given = options.units.iter().find(|(name, _)| name == header || name == base).map(|(_, unit)| unit.as_str());
    Some((base, given.or(in_header)?))
}

/// The levels to give columns, most frequent (in the training rows) first, at most `max`.
fn levels_to_keep(codes: &[u32], levels: usize, rows: &[usize], train: &[usize], max: usize) -> Vec<u32> {
    let mut counts = vec![0usize; levels];
    for &i in train {
        let code = codes[rows[i]];
        if code != MISSING {
            counts[code as usize] += 1;
        }
    }
    let mut order: Vec<u32> = (0..levels as u32).filter(|&l| counts[l as usize] > 0).collect();
    order.sort_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
    order.truncate(max.max(2));
    order
}

/// Linear-interpolated quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    Some(sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64))
}

fn mean_std(values: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = values.clone().count();
    if n == 0 {
        return (0.0, 1.0);
    }
    let mean = values.clone().sum::<f64>() / n as f64;
    let var = values.map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
    (mean, var.sqrt())
}
