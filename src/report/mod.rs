//! The results of a run, in one shape for the CLI, the page and the files they write.
//!
//! A [`Report`] describes the dataset ([`DatasetInfo`], [`ColumnSummary`]) and, once the
//! engines have run, every candidate program measured in bits ([`Candidate`]) with the
//! baselines beside them. It is the only result type that crosses the boundary (serde), so its
//! field names are a contract: DESIGN.md shows them and the page and users' scripts read them.

pub mod chart;
pub mod fit;
mod text;

pub use text::{candidates_csv, front_table, importance_table, schema_table};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Report {
    pub dataset: DatasetInfo,
    /// Every column's kind and statistics.
    pub columns: Vec<ColumnSummary>,
    /// The first rows as the file wrote them, for a preview.
    pub preview: Vec<Vec<String>>,
    /// What the loader repaired or doubted, each with its line and column.
    pub warnings: Vec<String>,
    pub baselines: Vec<Baseline>,
    pub candidates: Vec<Candidate>,
    /// Indices into `candidates` on the Pareto front of (model bits, data bits).
    pub front: Vec<usize>,
    /// Index into `candidates` of the shortest total.
    pub best: Option<usize>,
    pub seed: u64,
    /// Threads in the pool that ran the work.
    pub threads: usize,
    pub elapsed_s: f64,
    /// True when the run was cancelled and the report holds what was done so far.
    pub cancelled: bool,
    /// Feature importance in bits (feature selection).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub importance: Vec<FeatureImportance>,
    /// Seconds each stage took (training, compressing), for benchmarks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timings: Vec<Timing>,
    /// For a search: generations run per island, formulas scored, and why it stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<SearchStats>,
    /// The table's numeric columns on a sample of rows, for the fit plot: only a description of
    /// the table (`Action::Describe`) carries it, so the page receives it once per table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample: Option<Sample>,
    /// Everything needed to run this again: the table, the engine and its settings, the seed,
    /// the target and split, and occam's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rerun: Option<Rerun>,
}

/// A run's inputs, except the table's bytes: with the same table, these give the same report
/// (a time budget aside, which depends on the machine; `generations` does not).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Rerun {
    /// The table's name (an example's id, or the file's name).
    pub data: String,
    /// The engine and its settings, as the job gave them (`{"search": {"seconds": 10, …}}`).
    pub action: serde_json::Value,
    pub seed: u64,
    pub target: Option<String>,
    pub test_fraction: Option<f64>,
    pub extrapolate: Option<String>,
    pub task: Option<String>,
    pub version: String,
}

/// Numeric columns on evenly spaced rows (all of them for a small table), for drawing the
/// data: at most [`Sample::MAX_ROWS`] rows and [`Sample::MAX_CELLS`] cells.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Sample {
    pub columns: Vec<SampleColumn>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SampleColumn {
    pub name: String,
    /// One value a sampled row; None where the cell is missing.
    pub values: Vec<Option<f64>>,
}

impl Sample {
    /// Rows a sample keeps at most: more points than a plot can show apart.
    pub const MAX_ROWS: usize = 2_000;
    /// Cells at most, so that a wide table's sample stays a small message.
    pub const MAX_CELLS: usize = 40_000;

    /// The numeric columns of `table` on evenly spaced rows.
    pub fn of(table: &crate::data::Table) -> Sample {
        use crate::data::{ColumnData, Kind};
        let numeric: Vec<(&str, &[f64])> = table
            .columns
            .iter()
            .filter(|c| c.kind == Kind::Numeric)
            .filter_map(|c| match &c.data {
                ColumnData::Numeric { values, .. } => Some((c.name.as_str(), values.as_slice())),
                ColumnData::Text { .. } => None,
            })
            .collect();
        let keep = table.rows.min(Sample::MAX_ROWS).min(Sample::MAX_CELLS / numeric.len().max(1)).max(1);
        // Row i of the sample is row ⌊i·rows/keep⌋ of the table: the whole range, in order.
        let rows: Vec<usize> = (0..keep.min(table.rows)).map(|i| i * table.rows / keep).collect();
        let columns = numeric
            .into_iter()
            .map(|(name, values)| SampleColumn {
                name: name.to_string(),
                values: rows.iter().map(|&r| Some(values[r]).filter(|v| v.is_finite())).collect(),
            })
            .collect();
        Sample { columns }
    }

    /// A column's values, NaN where missing.
    pub fn column(&self, name: &str) -> Option<Vec<f64>> {
        let c = self.columns.iter().find(|c| c.name == name)?;
        Some(c.values.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    }

    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, |c| c.values.len())
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SearchStats {
    pub generations: u64,
    pub evaluations: u64,
    /// "generations", "time", "converged" or "cancelled".
    pub stop: String,
    /// Every formula of up to this many symbols was fitted by the exhaustive search that runs
    /// first (alone and under a linear scaling b·f + a); 0 when it did not run.
    #[serde(default)]
    pub exhaustive_length: usize,
    /// Structures the exhaustive search enumerated, and the seconds it took.
    #[serde(default)]
    pub exhaustive_structures: u64,
    /// Of those, the ones it fitted: the others' units could not work out.
    #[serde(default)]
    pub exhaustive_fitted: u64,
    #[serde(default)]
    pub exhaustive_seconds: f64,
    /// Pairs of the best short kernels whose sums and products it fitted (a + b·f + d·g and
    /// a + b·f·g, each also without a).
    #[serde(default)]
    pub exhaustive_sums: u64,
    /// The dimensionless groups searched first, as "P = x·c^-1; π1 = c^-1·u, …" (the target is
    /// P times a function of the groups), when the columns' units gave fewer groups than columns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<String>,
    /// The symmetry searched first, as "theta − theta1" (the target depends on the two features
    /// only through it), when the training rows showed one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symmetry: Option<String>,
    /// The rational relations the training rows obey (`search::rational`), in words: each was
    /// offered to the search as a candidate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub name: String,
    pub rows: usize,
    pub columns: usize,
    pub train_rows: usize,
    pub test_rows: usize,
    pub target: Option<String>,
    /// The features the models read, in order: a candidate's `expression` reads feature j as xj.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// "regression" or "classification".
    pub task: Option<String>,
    /// The target's decimal step δ, for a numeric target.
    pub precision: Option<f64>,
    /// How the candidates' test scores were measured: "holdout", "extrapolation",
    /// "leave_one_out" (a small table: every row fits, each is predicted without itself) or
    /// "none".
    #[serde(default)]
    pub validation: Option<crate::prepare::Validation>,
    /// The dimension of each column the formulas are checked against (the target first, then
    /// the features), as (name, dimension in SI base units): empty when no unit is known or
    /// units are not checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<(String, String)>,
    /// The delimiter as text (",", ";", "\t", "|").
    pub delimiter: String,
    pub decimal_comma: bool,
}

/// A column's kind, missing cells and statistics.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ColumnSummary {
    pub name: String,
    /// "numeric", "categorical", "boolean" or "constant".
    pub kind: String,
    pub missing: usize,
    pub distinct: usize,
    /// The decimal step of a numeric column's text.
    pub precision: Option<f64>,
    pub decimals: Option<i32>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
    pub std: Option<f64>,
    pub median: Option<f64>,
    /// The most frequent levels of a text column, with their counts (at most ten).
    pub levels: Vec<(String, usize)>,
}

/// A reference code length that needs no model of the features.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub name: String,
    /// The part of the total that is the .occam file's header, as for a [`Candidate`].
    #[serde(default)]
    pub header_bits: f64,
    pub total_bits: f64,
}

/// One program that explains the target, measured in bits.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Candidate {
    /// "formula", "linear", "logistic", "mlp".
    pub family: String,
    pub description: String,
    pub formula: Option<String>,
    pub latex: Option<String>,
    /// The formula as presentation MathML, without the `<math>` element around it (the page
    /// adds it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mathml: Option<String>,
    /// The same law in the form people learned it, where that differs (T² = a³ for T = √a³):
    /// the whole equation as text, and as MathML without `<math>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub familiar: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub familiar_mathml: Option<String>,
    /// The formula exactly (every constant to the last bit), over x0, x1, … for the features
    /// in `dataset.features`' order: what the fit plot evaluates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
    /// The formula as Python (numpy) code, to paste.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub python: Option<String>,
    /// For a network or linear model: how it was compressed ("float32", "quantised", "pruned",
    /// "low rank", "searched").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<String>,
    /// For a network or linear model: weights and biases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub params: Option<usize>,
    pub model_bits: f64,
    pub data_bits: f64,
    /// What the .occam file that sends this program spends besides model and data (signature,
    /// checksums, the target's name and step, the program's kind): the same for every candidate
    /// of a kind, so it never changes their order within a family. 0 until counted.
    #[serde(default)]
    pub header_bits: f64,
    /// Header + model + data: the size of the file that sends this program and the rows it
    /// was scored on.
    pub total_bits: f64,
    pub test: TestScore,
}

/// How long a stage took.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Timing {
    pub stage: String,
    pub seconds: f64,
    /// Epochs run (training stages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epochs: Option<usize>,
}

/// What a feature is worth, by three measures.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FeatureImportance {
    pub feature: String,
    /// Bits the data code grows by when the column is shuffled, under the fitted model.
    pub permutation_bits: f64,
    /// Share of the model's first-layer absolute weight on this input.
    pub support: f64,
    /// I(feature; target) on equal-frequency bins.
    pub mutual_information_bits: f64,
    /// Kept by the selection.
    pub selected: bool,
}

impl Candidate {
    /// Counts the file's header in this candidate's total, once.
    pub fn count_header(&mut self, bits: f64) {
        if self.header_bits == 0.0 {
            self.header_bits = bits;
            self.total_bits += bits;
        }
    }
}

impl Report {
    /// Recomputes the Pareto front over (model bits, data bits) and the shortest total from the
    /// candidates (finite ones only).
    pub fn settle(&mut self) {
        let c = &self.candidates;
        let finite = |i: &usize| c[*i].total_bits.is_finite();
        let mut order: Vec<usize> = (0..c.len()).filter(finite).collect();
        order.sort_by(|&a, &b| {
            c[a].model_bits.total_cmp(&c[b].model_bits).then(c[a].data_bits.total_cmp(&c[b].data_bits))
        });
        let mut front = Vec::new();
        let mut lowest = f64::INFINITY;
        for i in order {
            if c[i].data_bits < lowest {
                lowest = c[i].data_bits;
                front.push(i);
            }
        }
        self.best = (0..c.len()).filter(finite).min_by(|&a, &b| c[a].total_bits.total_cmp(&c[b].total_bits));
        self.front = front;
    }

    /// The law in a form people learned, for the headline: the best candidate's own familiar
    /// form, or else the shortest candidate of the front that has one and is at most
    /// [`FAMILIAR_MARGIN`] bits longer than the best (Kepler's planets: the best is
    /// T = a^1.4998, and T = √a³, that is T² = a³, is 1.7 bits longer). With it, how many bits
    /// longer than the best it is (0 for the best's own).
    pub fn familiar(&self) -> Option<(&Candidate, f64)> {
        let best = self.candidates.get(self.best?)?;
        if best.familiar.is_some() {
            return Some((best, 0.0));
        }
        self.front
            .iter()
            .filter_map(|&i| self.candidates.get(i))
            .filter(|c| c.familiar.is_some() && c.total_bits - best.total_bits <= FAMILIAR_MARGIN)
            .min_by(|a, b| a.total_bits.total_cmp(&b.total_bits))
            .map(|c| (c, c.total_bits - best.total_bits))
    }
}

/// How much longer than the best a familiar form may be and still be shown beside it: 2⁻¹⁰ is
/// the odds the code gives it against the best, far from certain, so the headline says
/// "nearly as short" and gives the difference.
pub const FAMILIAR_MARGIN: f64 = 10.0;

/// How a candidate does on rows it was not fitted on.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TestScore {
    pub r2: Option<f64>,
    pub accuracy: Option<f64>,
    pub bits_per_row: Option<f64>,
}
