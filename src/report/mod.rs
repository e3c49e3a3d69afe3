//! The results of a run, in one shape for the CLI, the page and the files they write.
//!
//! A [`Report`] describes the dataset ([`DatasetInfo`], [`ColumnSummary`]) and, once the
//! engines have run, every candidate program measured in bits ([`Candidate`]) with the
//! baselines beside them. It is the only result type that crosses the boundary (serde), so its
//! field names are a contract: DESIGN.md shows them and the page and users' scripts read them.

pub mod chart;
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
    /// Structures the exhaustive search fitted, and the seconds it took.
    #[serde(default)]
    pub exhaustive_structures: u64,
    #[serde(default)]
    pub exhaustive_seconds: f64,
    /// Pairs of the best short kernels whose sums and products it fitted (a + b·f + d·g and
    /// a + b·f·g, each also without a).
    #[serde(default)]
    pub exhaustive_sums: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub name: String,
    pub rows: usize,
    pub columns: usize,
    pub train_rows: usize,
    pub test_rows: usize,
    pub target: Option<String>,
    /// "regression" or "classification".
    pub task: Option<String>,
    /// The target's decimal step δ, for a numeric target.
    pub precision: Option<f64>,
    /// How the candidates' test scores were measured: "holdout", "extrapolation",
    /// "leave_one_out" (a small table: every row fits, each is predicted without itself) or
    /// "none".
    #[serde(default)]
    pub validation: Option<crate::prepare::Validation>,
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

impl Report {
    /// Recomputes the Pareto front over (model bits, data bits) and the shortest total from the
    /// candidates (finite ones only).
    pub fn settle(&mut self) {
        let c = &self.candidates;
        let finite = |i: &usize| c[*i].total_bits.is_finite();
        let mut order: Vec<usize> = (0..c.len()).filter(finite).collect();
        order.sort_by(|&a, &b| c[a].model_bits.total_cmp(&c[b].model_bits).then(c[a].data_bits.total_cmp(&c[b].data_bits)));
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
}

/// How a candidate does on rows it was not fitted on.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TestScore {
    pub r2: Option<f64>,
    pub accuracy: Option<f64>,
    pub bits_per_row: Option<f64>,
}
