//! Models that are not formulas: linear and logistic regression and dense multilayer perceptrons,
//! all one type, [`Mlp`] (a linear model is an MLP with no hidden layer).
//!
//! A model sees its inputs standardised by an [`Inputs`] transform that is a function of the
//! feature columns alone (means and deviations over all rows), so the receiver of a code, who
//! knows the features, computes it too and it costs no bits. Regression outputs are in the
//! target's own units (the target's scaling is folded into the last layer after training), so a
//! compressed network's predictions are what the decoder computes from the transmitted weights.
//!
//! Arithmetic is f32 in a fixed order with no fused multiply-adds, and `libm` for tanh and exp:
//! the same weights give the same predictions natively and in wasm, bit for bit.

use ndarray::{Array1, Array2, ArrayView2};

use crate::prepare::Dataset;

/// The hidden layers' nonlinearity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Relu,
    Tanh,
}

impl Activation {
    pub fn name(self) -> &'static str {
        match self {
            Activation::Relu => "relu",
            Activation::Tanh => "tanh",
        }
    }

    pub fn apply(self, v: f32) -> f32 {
        match self {
            Activation::Relu => v.max(0.0),
            Activation::Tanh => libm::tanhf(v),
        }
    }
}

/// What the last layer's outputs mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// One output: the prediction μ in the target's units.
    Regression,
    /// One output per class: logits, turned into probabilities by softmax.
    Classes(usize),
}

impl Output {
    pub fn width(self) -> usize {
        match self {
            Output::Regression => 1,
            Output::Classes(k) => k,
        }
    }
}

/// One dense layer: outputs = weights · inputs + bias.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    /// outputs × inputs.
    pub weights: Array2<f32>,
    pub bias: Array1<f32>,
}

impl Dense {
    pub fn inputs(&self) -> usize {
        self.weights.ncols()
    }

    pub fn outputs(&self) -> usize {
        self.weights.nrows()
    }
}

/// The standardisation a model applies to its inputs: (x − mean)/std per feature, computed from
/// every row of the feature columns (which a decoder has), so it is free to transmit.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub mean: Vec<f32>,
    /// 1 for a constant column.
    pub std: Vec<f32>,
}

impl Inputs {
    /// Means and deviations of each column of `x` (rows × features), summed in row order in f64.
    pub fn of(x: ArrayView2<f64>) -> Inputs {
        let n = x.nrows().max(1) as f64;
        let mut mean = Vec::with_capacity(x.ncols());
        let mut std = Vec::with_capacity(x.ncols());
        for column in x.columns() {
            let m = column.iter().sum::<f64>() / n;
            let var = column.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
            let s = libm::sqrt(var);
            mean.push(m as f32);
            std.push(if s > 0.0 && s.is_finite() { s as f32 } else { 1.0 });
        }
        Inputs { mean, std }
    }

    /// Rows `rows` of `x`, standardised, as rows × features f32.
    pub fn standardise(&self, x: ArrayView2<f64>, rows: &[usize]) -> Array2<f32> {
        let mut out = Array2::zeros((rows.len(), x.ncols()));
        for (i, &r) in rows.iter().enumerate() {
            for j in 0..x.ncols() {
                out[[i, j]] = (x[[r, j]] as f32 - self.mean[j]) / self.std[j];
            }
        }
        out
    }
}

/// A trained network: standardised inputs, dense layers with `activation` between them, and the
/// output's meaning. No hidden layers is a linear (or, with classes, logistic) model.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    pub inputs: Inputs,
    pub layers: Vec<Dense>,
    pub activation: Activation,
    pub output: Output,
}

impl Mlp {
    /// "linear", "logistic" or "mlp".
    pub fn family(&self) -> &'static str {
        match (self.layers.len(), self.output) {
            (1, Output::Regression) => "linear",
            (1, Output::Classes(_)) => "logistic",
            _ => "mlp",
        }
    }

    /// The widths from inputs to outputs, e.g. [64, 32, 10].
    pub fn widths(&self) -> Vec<usize> {
        let mut w = vec![self.layers.first().map_or(0, Dense::inputs)];
        w.extend(self.layers.iter().map(Dense::outputs));
        w
    }

    /// Weights and biases in all.
    pub fn parameters(&self) -> usize {
        self.layers.iter().map(|l| l.weights.len() + l.bias.len()).sum()
    }

    /// The last layer's outputs for standardised inputs (rows × features): μ for regression,
    /// logits for classes. Rows are independent; the order of every sum is fixed.
    pub fn forward(&self, x: &Array2<f32>) -> Array2<f32> {
        let mut h = x.clone();
        let last = self.layers.len().saturating_sub(1);
        for (i, layer) in self.layers.iter().enumerate() {
            h = dense_forward(layer, &h);
            if i < last {
                h.mapv_inplace(|v| self.activation.apply(v));
            }
        }
        h
    }

    /// Predictions for rows of a dataset: μ (regression) or class probabilities (rows × classes).
    pub fn predict(&self, dataset: &Dataset, rows: &[usize]) -> Array2<f32> {
        let x = self.inputs.standardise(dataset.x.view(), rows);
        let mut out = self.forward(&x);
        if let Output::Classes(_) = self.output {
            for mut row in out.rows_mut() {
                softmax(row.as_slice_mut().expect("rows of a standard-layout array"));
            }
        }
        out
    }
}

/// h · Wᵀ + b for a batch h (rows × inputs), summing each output in input order without FMA.
pub fn dense_forward(layer: &Dense, h: &Array2<f32>) -> Array2<f32> {
    let (n, outputs) = (h.nrows(), layer.outputs());
    let mut out = Array2::zeros((n, outputs));
    for i in 0..n {
        let hi = h.row(i);
        for o in 0..outputs {
            let w = layer.weights.row(o);
            let mut acc = 0.0f32;
            for (a, b) in hi.iter().zip(w.iter()) {
                acc += a * b;
            }
            out[[i, o]] = acc + layer.bias[o];
        }
    }
    out
}

/// Logits to probabilities in place (max-shifted; libm's exp).
pub fn softmax(z: &mut [f32]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0f32;
    for v in z.iter_mut() {
        *v = libm::expf(*v - max);
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
}
