//! A network's parameters as one flat f32 vector ([`Layout`]), and the loss and its gradient on
//! a chunk of rows ([`Scratch::gradient`]): a forward pass that keeps every layer's outputs,
//! then backpropagation.
//!
//! Losses: regression is the mean squared error on the standardised target; classification is
//! softmax cross-entropy (natural log). Gradients are scaled by 1/`batch` (the whole minibatch's
//! size), so the gradients of a minibatch's chunks add up to the gradient of its mean loss.

use std::ops::Range;

use super::kernel::{affine, weight_gradient};
use super::Activation;

/// Where each layer's weights (outputs × inputs, row-major) and bias sit in one flat vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// From inputs to outputs, e.g. [64, 64, 32, 10].
    widths: Vec<usize>,
    /// Where layer l's weights start; its bias follows them.
    starts: Vec<usize>,
    len: usize,
}

impl Layout {
    pub fn new(widths: &[usize]) -> Layout {
        let mut starts = Vec::with_capacity(widths.len().saturating_sub(1));
        let mut len = 0;
        for pair in widths.windows(2) {
            starts.push(len);
            len += pair[0] * pair[1] + pair[1];
        }
        Layout { widths: widths.to_vec(), starts, len }
    }

    pub fn layers(&self) -> usize {
        self.starts.len()
    }

    /// Parameters in all.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn inputs(&self, l: usize) -> usize {
        self.widths[l]
    }

    pub fn outputs(&self, l: usize) -> usize {
        self.widths[l + 1]
    }

    pub fn weights(&self, l: usize) -> Range<usize> {
        self.starts[l]..self.starts[l] + self.inputs(l) * self.outputs(l)
    }

    pub fn bias(&self, l: usize) -> Range<usize> {
        let start = self.weights(l).end;
        start..start + self.outputs(l)
    }

    /// The widest layer output.
    pub fn max_width(&self) -> usize {
        self.widths.iter().copied().max().unwrap_or(0)
    }
}

/// The weights transposed (inputs × outputs per layer, at the same offsets), as [`affine`] wants.
pub fn transpose_into(layout: &Layout, params: &[f32], transposed: &mut [f32]) {
    for l in 0..layout.layers() {
        let (inputs, outputs) = (layout.inputs(l), layout.outputs(l));
        let w = &params[layout.weights(l)];
        let t = &mut transposed[layout.weights(l)];
        for (o, row) in w.chunks_exact(inputs.max(1)).enumerate().take(outputs) {
            for (i, &v) in row.iter().enumerate() {
                t[i * outputs + o] = v;
            }
        }
    }
}

/// A network to run: its layout, parameters, transposed weights and hidden activation.
#[derive(Clone, Copy)]
pub struct Net<'a> {
    pub layout: &'a Layout,
    pub params: &'a [f32],
    pub transposed: &'a [f32],
    pub activation: Activation,
}

/// What the rows of a chunk should give.
#[derive(Clone, Copy)]
pub enum Targets<'a> {
    /// Standardised regression targets.
    Values(&'a [f32]),
    /// Class indices.
    Classes(&'a [u32]),
}

impl Targets<'_> {
    pub fn rows(&self) -> usize {
        match self {
            Targets::Values(v) => v.len(),
            Targets::Classes(c) => c.len(),
        }
    }
}

/// Buffers for one chunk of at most `rows` rows: every layer's outputs, the deltas, and the
/// chunk's gradient. Made once; a minibatch loop allocates nothing.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Layer l's outputs (after the activation for hidden layers), rows × width.
    outputs: Vec<Vec<f32>>,
    delta: Vec<f32>,
    back: Vec<f32>,
    zeros: Vec<f32>,
    /// The chunk's gradient, in the layout's order.
    pub grad: Vec<f32>,
    /// The chunk's summed loss (not divided by anything).
    pub loss: f64,
}

impl Scratch {
    pub fn new(layout: &Layout, rows: usize) -> Scratch {
        let widest = layout.max_width();
        Scratch {
            outputs: (0..layout.layers()).map(|l| vec![0.0; rows * layout.outputs(l)]).collect(),
            delta: vec![0.0; rows * widest],
            back: vec![0.0; rows * widest],
            zeros: vec![0.0; widest],
            grad: vec![0.0; layout.len()],
            loss: 0.0,
        }
    }

    /// The summed loss of the rows of x (rows × inputs) in `self.loss`, and its gradient scaled
    /// by 1/`batch` in `self.grad`.
    pub fn gradient(&mut self, net: Net, x: &[f32], targets: Targets, batch: usize) {
        let rows = targets.rows();
        let layout = net.layout;
        let last = layout.layers() - 1;
        forward_into(net, &x[..rows * layout.inputs(0)], rows, &mut self.outputs);
        let k = layout.outputs(last);
        let delta = &mut self.delta[..rows * k];
        self.loss = loss_and_delta(&self.outputs[last][..rows * k], targets, 1.0 / batch as f32, delta);
        self.grad.fill(0.0);
        for l in (0..=last).rev() {
            let (inputs, outputs) = (layout.inputs(l), layout.outputs(l));
            let h = if l == 0 { &x[..rows * inputs] } else { &self.outputs[l - 1][..rows * inputs] };
            let (gw, gb) = self.grad[layout.weights(l).start..layout.bias(l).end].split_at_mut(inputs * outputs);
            weight_gradient(&self.delta[..rows * outputs], h, gw, gb);
            if l > 0 {
                // Back through the weights (affine with the untransposed weights and no bias),
                // then through the activation, whose derivative is a function of its output.
                let back = &mut self.back[..rows * inputs];
                affine(&self.delta[..rows * outputs], &net.params[layout.weights(l)], &self.zeros[..inputs], back);
                match net.activation {
                    Activation::Relu => {
                        for (d, &a) in back.iter_mut().zip(h) {
                            *d = if a > 0.0 { *d } else { 0.0 };
                        }
                    }
                    Activation::Tanh => {
                        for (d, &a) in back.iter_mut().zip(h) {
                            *d *= 1.0 - a * a;
                        }
                    }
                }
                std::mem::swap(&mut self.delta, &mut self.back);
            }
        }
    }

    /// The summed loss of `rows` rows of `x` (forward only).
    pub fn loss(&mut self, net: Net, x: &[f32], targets: Targets) -> f64 {
        let rows = targets.rows();
        let layout = net.layout;
        let last = layout.layers() - 1;
        forward_into(net, x, rows, &mut self.outputs);
        let k = layout.outputs(last);
        loss_and_delta(&self.outputs[last][..rows * k], targets, 0.0, &mut self.delta[..rows * k])
    }
}

/// Every layer's outputs for `rows` rows of x, the activation applied after each hidden layer.
pub fn forward_into(net: Net, x: &[f32], rows: usize, outputs: &mut [Vec<f32>]) {
    let layout = net.layout;
    let last = layout.layers() - 1;
    for l in 0..=last {
        let (before, rest) = outputs.split_at_mut(l);
        let h = if l == 0 { x } else { &before[l - 1][..rows * layout.inputs(l)] };
        let out = &mut rest[0][..rows * layout.outputs(l)];
        affine(h, &net.transposed[layout.weights(l)], &net.params[layout.bias(l)], out);
        if l < last {
            activate(net.activation, out);
        }
    }
}

pub fn activate(activation: Activation, values: &mut [f32]) {
    match activation {
        Activation::Relu => values.iter_mut().for_each(|v| *v = Activation::Relu.apply(*v)),
        Activation::Tanh => values.iter_mut().for_each(|v| *v = libm::tanhf(*v)),
    }
}

/// The summed loss of the outputs (rows × k) and, in `delta`, its derivative by each output
/// times `scale`. Regression: (z − y)², derivative 2(z − y). Classes: −ln softmax(z)[y],
/// derivative softmax(z) − onehot(y). The loss is summed in f64 in row order.
fn loss_and_delta(z: &[f32], targets: Targets, scale: f32, delta: &mut [f32]) -> f64 {
    let mut loss = 0.0f64;
    match targets {
        Targets::Values(y) => {
            for ((&z, &y), d) in z.iter().zip(y).zip(delta.iter_mut()) {
                let e = z - y;
                loss += f64::from(e) * f64::from(e);
                *d = 2.0 * e * scale;
            }
        }
        Targets::Classes(labels) => {
            let k = z.len() / labels.len().max(1);
            for ((z, d), &label) in z.chunks_exact(k).zip(delta.chunks_exact_mut(k)).zip(labels) {
                let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                let mut sum = 0.0f32;
                for (d, &z) in d.iter_mut().zip(z) {
                    *d = libm::expf(z - max);
                    sum += *d;
                }
                // −ln p_y = ln Σ exp(z − max) − (z_y − max).
                loss += f64::from(libm::logf(sum)) - f64::from(z[label as usize] - max);
                for d in d.iter_mut() {
                    *d = *d / sum * scale;
                }
                d[label as usize] -= scale;
            }
        }
    }
    loss
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::Rng;

    /// The loss in f64 with plain loops: the reference for finite differences.
    fn reference_loss(layout: &Layout, params: &[f64], activation: Activation, x: &[f64], targets: Targets) -> f64 {
        let rows = targets.rows();
        let mut total = 0.0;
        for r in 0..rows {
            let mut h: Vec<f64> = x[r * layout.inputs(0)..(r + 1) * layout.inputs(0)].to_vec();
            for l in 0..layout.layers() {
                let (inputs, outputs) = (layout.inputs(l), layout.outputs(l));
                let w = &params[layout.weights(l)];
                let b = &params[layout.bias(l)];
                let mut z: Vec<f64> =
                    (0..outputs).map(|o| (0..inputs).map(|i| w[o * inputs + i] * h[i]).sum::<f64>() + b[o]).collect();
                if l + 1 < layout.layers() {
                    for v in &mut z {
                        *v = match activation {
                            Activation::Relu => v.max(0.0),
                            Activation::Tanh => libm::tanh(*v),
                        };
                    }
                }
                h = z;
            }
            total += match targets {
                Targets::Values(y) => (h[0] - f64::from(y[r])).powi(2),
                Targets::Classes(c) => {
                    let max = h.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let sum: f64 = h.iter().map(|v| libm::exp(v - max)).sum();
                    libm::log(sum) - (h[c[r] as usize] - max)
                }
            };
        }
        total / rows as f64
    }

    fn check_gradient(widths: &[usize], activation: Activation, classes: bool) {
        let layout = Layout::new(widths);
        let mut rng = Rng::new(11);
        let rows = 7;
        let params: Vec<f32> = (0..layout.len()).map(|_| (rng.normal() * 0.7) as f32).collect();
        let x: Vec<f32> = (0..rows * widths[0]).map(|_| rng.normal() as f32).collect();
        let values: Vec<f32> = (0..rows).map(|_| rng.normal() as f32).collect();
        let k = *widths.last().unwrap();
        let labels: Vec<u32> = (0..rows).map(|_| rng.below(k) as u32).collect();
        let targets = if classes { Targets::Classes(&labels) } else { Targets::Values(&values) };

        let mut transposed = vec![0.0; layout.len()];
        transpose_into(&layout, &params, &mut transposed);
        let net = Net { layout: &layout, params: &params, transposed: &transposed, activation };
        let mut scratch = Scratch::new(&layout, rows);
        scratch.gradient(net, &x, targets, rows);

        let p64: Vec<f64> = params.iter().map(|&v| f64::from(v)).collect();
        let x64: Vec<f64> = x.iter().map(|&v| f64::from(v)).collect();
        // The f32 loss agrees with the f64 reference.
        let loss = reference_loss(&layout, &p64, activation, &x64, targets);
        assert!((scratch.loss / rows as f64 - loss).abs() < 1e-4 * (1.0 + loss), "{} vs {loss}", scratch.loss);
        let h = 1e-6;
        for j in 0..layout.len() {
            let mut plus = p64.clone();
            plus[j] += h;
            let mut minus = p64.clone();
            minus[j] -= h;
            let numeric = (reference_loss(&layout, &plus, activation, &x64, targets)
                - reference_loss(&layout, &minus, activation, &x64, targets))
                / (2.0 * h);
            let analytic = f64::from(scratch.grad[j]);
            assert!(
                (numeric - analytic).abs() <= 1e-3 * (1.0 + numeric.abs()),
                "{widths:?} {activation:?} classes={classes}: parameter {j}: backprop {analytic}, finite differences {numeric}"
            );
        }
    }

    #[test]
    fn backprop_matches_finite_differences() {
        for activation in [Activation::Relu, Activation::Tanh] {
            check_gradient(&[3, 5, 4, 1], activation, false);
            check_gradient(&[3, 5, 4, 3], activation, true);
            check_gradient(&[4, 6, 1], activation, false);
            check_gradient(&[2, 9, 2], activation, true);
        }
        check_gradient(&[3, 1], Activation::Relu, false);
        check_gradient(&[3, 4], Activation::Relu, true);
    }

    #[test]
    fn layout_offsets() {
        let layout = Layout::new(&[3, 4, 2]);
        assert_eq!(layout.len(), 3 * 4 + 4 + 4 * 2 + 2);
        assert_eq!((layout.weights(0), layout.bias(0)), (0..12, 12..16));
        assert_eq!((layout.weights(1), layout.bias(1)), (16..24, 24..26));
    }
}
