//! A network's length in bits on a dataset: model bits (architecture and tensors, as sent) and
//! data bits (the training targets given the network the decoder rebuilds), with the test scores
//! beside them.

use ndarray::Array2;

use crate::mdl::categorical_bits;
use crate::mdl::residuals::ResidualCode;
use crate::model::{softmax, Inputs, Mlp, Output};
use crate::prepare::{Dataset, Target};

use super::code::NetworkCode;

/// Bits of a network's description as the .occam file writes it ([`NetworkCode::bits`]).
pub fn model_bits(code: &NetworkCode) -> f64 {
    code.bits()
}

/// Float32 bits of a network's parameters: the reference compression ratios are against.
pub fn float32_bits(model: &Mlp) -> f64 {
    32.0 * model.parameters() as f64
}

/// How a network does: bits on the training rows, scores on the test rows.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Scores {
    pub data_bits: f64,
    pub test_r2: Option<f64>,
    pub test_accuracy: Option<f64>,
    pub test_bits_per_row: Option<f64>,
}

/// The standardised rows of a dataset, computed once for the many variants judged on them.
pub struct Judge<'a> {
    dataset: &'a Dataset,
    pub inputs: Inputs,
    x_train: Array2<f32>,
    x_test: Array2<f32>,
}

impl<'a> Judge<'a> {
    /// Rows as the model sees them (only the feature columns in `features`, when given).
    pub fn new(dataset: &'a Dataset) -> Judge<'a> {
        let inputs = Inputs::of(dataset.x.view());
        let x_train = inputs.standardise(dataset.x.view(), &dataset.train);
        let x_test = inputs.standardise(dataset.x.view(), &dataset.test);
        Judge { dataset, inputs, x_train, x_test }
    }

    pub fn dataset(&self) -> &Dataset {
        self.dataset
    }

    /// Data bits on the training rows and the test scores of the network `code` decodes to.
    pub fn score(&self, code: &NetworkCode) -> Scores {
        let mlp = code.to_mlp(self.inputs.clone());
        self.score_mlp(&mlp)
    }

    /// The standardised training and test rows, in the order of `dataset.train` and `.test`.
    pub fn rows(&self) -> (&Array2<f32>, &Array2<f32>) {
        (&self.x_train, &self.x_test)
    }

    /// Data bits of the targets of `rows` given the network on inputs `x` (one row of `x` per
    /// entry of `rows`): a residual code fitted to them, or Σ −log₂ p(y).
    pub fn bits_on(&self, mlp: &Mlp, x: &Array2<f32>, rows: &[usize]) -> f64 {
        let out = mlp.forward(x);
        match (&self.dataset.target, mlp.output) {
            (Target::Regression(t), Output::Regression) => {
                let (y, mu) = observed_and_predicted(&t.values, rows, &out);
                ResidualCode::fit(&y, &mu, t.precision()).map_or(f64::INFINITY, |c| c.total_bits)
            }
            (Target::Classification { labels, .. }, Output::Classes(k)) => class_bits(&out, rows, labels, k).0,
            _ => f64::INFINITY,
        }
    }

    pub fn score_mlp(&self, mlp: &Mlp) -> Scores {
        let (train_out, test_out) = (mlp.forward(&self.x_train), mlp.forward(&self.x_test));
        match (&self.dataset.target, mlp.output) {
            (Target::Regression(t), Output::Regression) => {
                let delta = t.precision();
                let (y, mu) = observed_and_predicted(&t.values, &self.dataset.train, &train_out);
                let (y_test, mu_test) = observed_and_predicted(&t.values, &self.dataset.test, &test_out);
                let Ok(code) = ResidualCode::fit(&y, &mu, delta) else {
                    return Scores { data_bits: f64::INFINITY, ..Scores::default() };
                };
                let test_bits = (!y_test.is_empty()).then(|| code.evaluate(&y_test, &mu_test, delta).ok()).flatten();
                Scores {
                    data_bits: code.total_bits,
                    test_r2: r2(&y_test, &mu_test),
                    test_accuracy: None,
                    test_bits_per_row: test_bits.map(|b| b / y_test.len() as f64),
                }
            }
            (Target::Classification { labels, .. }, Output::Classes(k)) => {
                let (bits, _) = class_bits(&train_out, &self.dataset.train, labels, k);
                let (test_bits, correct) = class_bits(&test_out, &self.dataset.test, labels, k);
                let n_test = self.dataset.test.len();
                Scores {
                    data_bits: bits,
                    test_r2: None,
                    test_accuracy: (n_test > 0).then(|| correct as f64 / n_test as f64),
                    test_bits_per_row: (n_test > 0).then(|| test_bits / n_test as f64),
                }
            }
            _ => Scores { data_bits: f64::INFINITY, ..Scores::default() },
        }
    }
}

/// The regression target on `rows` and a network's outputs for them (one row each, in order),
/// in the f64 the residual code works in.
fn observed_and_predicted(values: &[f64], rows: &[usize], out: &Array2<f32>) -> (Vec<f64>, Vec<f64>) {
    (rows.iter().map(|&r| values[r]).collect(), out.column(0).iter().map(|&v| f64::from(v)).collect())
}

/// Σ −log₂ p(y) under the quantised softmax, and how many rows the most probable class gets right.
fn class_bits(logits: &Array2<f32>, rows: &[usize], labels: &[u32], k: usize) -> (f64, usize) {
    let mut p_true = Vec::with_capacity(rows.len());
    let mut correct = 0;
    let mut p = vec![0f32; k];
    for (i, &r) in rows.iter().enumerate() {
        p.copy_from_slice(logits.row(i).as_slice().expect("standard layout"));
        softmax(&mut p);
        let y = labels[r] as usize;
        let top = (0..k).fold(0, |b, c| if p[c] > p[b] { c } else { b });
        correct += usize::from(top == y);
        p_true.push(if p[y].is_finite() { p[y] as f64 } else { 0.0 });
    }
    (categorical_bits(&p_true, k).unwrap_or(f64::INFINITY), correct)
}

/// 1 − SS_res/SS_tot on the test rows (None without test rows or variance).
pub fn r2(y: &[f64], mu: &[f64]) -> Option<f64> {
    if y.len() < 2 {
        return None;
    }
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let ss_tot: f64 = y.iter().map(|v| (v - mean) * (v - mean)).sum();
    let ss_res: f64 = y.iter().zip(mu).map(|(a, b)| (a - b) * (a - b)).sum();
    (ss_tot > 0.0).then(|| 1.0 - ss_res / ss_tot)
}
