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
//! the same weights give the same predictions natively and in wasm, bit for bit ([`kernel`]).
//!
//! Fitting lives in [`train`]: [`TrainSettings`] (checked before fitting), [`Training`] (a
//! dataset's rows made ready once), [`train()`] and [`fine_tune`] (pruning's retraining), with
//! [`FitError`] for every refusal.

mod adam;
mod backprop;
mod error;
pub mod kernel;
mod linear;
pub mod train;

pub use error::FitError;
pub use train::{fine_tune, fine_tune_with_progress, train, TrainSettings, Training};

use ndarray::{Array1, Array2, ArrayView2};
use rayon::prelude::*;

use crate::prepare::Dataset;

/// Rows per parallel part of [`Mlp::forward`].
const FORWARD_ROWS: usize = 256;

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

    /// The nonlinearity of one value. ReLU is a select, not `max`, so that −0 and NaN give +0
    /// on every platform (`f32::max` may return either zero).
    pub fn apply(self, v: f32) -> f32 {
        match self {
            Activation::Relu => relu(v),
            Activation::Tanh => libm::tanhf(v),
        }
    }
}

#[inline(always)]
fn relu(v: f32) -> f32 {
    if v > 0.0 {
        v
    } else {
        0.0
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
    /// logits for classes. Rows are independent and the order of every sum is fixed
    /// ([`kernel::affine`]), so the result does not depend on the thread count.
    pub fn forward(&self, x: &Array2<f32>) -> Array2<f32> {
        let Some(last) = self.layers.last() else { return x.clone() };
        let (n, inputs, width) = (x.nrows(), x.ncols(), last.outputs());
        let x = x.as_standard_layout();
        let x = x.as_slice().expect("a standard-layout array");
        let transposed: Vec<Vec<f32>> = self.layers.iter().map(transpose).collect();
        let mut out = vec![0.0f32; n * width];
        if width > 0 {
            out.par_chunks_mut(FORWARD_ROWS * width).enumerate().for_each(|(c, out)| {
                let rows = out.len() / width;
                let mut h = x[c * FORWARD_ROWS * inputs..(c * FORWARD_ROWS + rows) * inputs].to_vec();
                for (i, (layer, wt)) in self.layers.iter().zip(&transposed).enumerate() {
                    let mut z = vec![0.0f32; rows * layer.outputs()];
                    kernel::affine(&h, wt, layer.bias.as_slice().expect("a contiguous bias"), &mut z);
                    if i + 1 < self.layers.len() {
                        backprop::activate(self.activation, &mut z);
                    }
                    h = z;
                }
                out.copy_from_slice(&h);
            });
        }
        Array2::from_shape_vec((n, width), out).expect("one output per row")
    }

    /// Predictions for rows of a dataset: μ (regression) or class probabilities (rows × classes).
    /// The model's inputs are all of the dataset's features, in order.
    pub fn predict(&self, dataset: &Dataset, rows: &[usize]) -> Array2<f32> {
        self.finish(self.inputs.standardise(dataset.x.view(), rows))
    }

    /// [`Mlp::predict`] for a model whose inputs are only these feature columns (indices into
    /// `dataset.features`, as given to [`Training::with_features`]).
    pub fn predict_features(&self, dataset: &Dataset, features: &[usize], rows: &[usize]) -> Array2<f32> {
        let x = dataset.x.select(ndarray::Axis(1), features);
        self.finish(self.inputs.standardise(x.view(), rows))
    }

    fn finish(&self, x: Array2<f32>) -> Array2<f32> {
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
    let h = h.as_standard_layout();
    let mut out = Array2::zeros((h.nrows(), layer.outputs()));
    kernel::affine(
        h.as_slice().expect("a standard-layout array"),
        &transpose(layer),
        &layer.bias.to_vec(),
        out.as_slice_mut().expect("a new array is contiguous"),
    );
    out
}

/// A layer's weights as inputs × outputs, row-major.
fn transpose(layer: &Dense) -> Vec<f32> {
    layer.weights.t().iter().copied().collect()
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

#[cfg(test)]
mod tests;
