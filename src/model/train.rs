//! Fitting networks. [`TrainSettings`] is what a user chooses (checked before fitting, each
//! refusal a [`FitError`] naming the field); [`Training`] is a dataset's training rows made ready
//! once (standardised f32 inputs, targets, the seeded train/validation split); [`train`] fits a
//! network from a seeded initialisation and [`fine_tune`] continues from a given one with some
//! weights held at zero (pruning).
//!
//! Both run Adam on shuffled minibatches with L2 weight decay, and stop early: after each epoch
//! the loss on the validation rows is measured, training ends when it has not improved for
//! `patience` epochs, and the best epoch's weights are kept. Linear regression (no hidden layer)
//! needs none of that: it is solved in closed form ([`super::linear`]).
//!
//! Determinism: a minibatch is cut into chunks of [`CHUNK`] rows, a fixed count whatever the
//! pool; each chunk's gradient is summed in row order (on any thread), and the chunks' gradients
//! are added in chunk order. With seeded ChaCha8 streams for the split, the initialisation and
//! the shuffles, the same data and seed give the same weights, bit for bit, for any thread count
//! and natively or in wasm.

use std::ops::Range;

use ndarray::{Array1, Array2, Axis};
use rayon::prelude::*;

use super::adam::Adam;
use super::backprop::{transpose_into, Layout, Net, Scratch, Targets};
use super::linear::ridge;
use super::{Activation, Dense, FitError, Inputs, Mlp, Output};
use crate::control::Cancel;
use crate::prepare::{Dataset, Target};
use crate::random::Rng;

/// Rows per chunk of a minibatch: the unit of parallel work and of the fixed summation order.
pub const CHUNK: usize = 16;
/// Rows per chunk when measuring a loss.
const EVAL_CHUNK: usize = 64;
/// Rows × parameters of a minibatch above which its chunks run on the pool (below it the
/// pool's overhead costs more than it saves; the result is the same either way).
const PARALLEL_WORK: usize = 1 << 15;

const MAX_LAYERS: usize = 32;
const MAX_WIDTH: usize = 1 << 16;
const MAX_PARAMETERS: usize = 50_000_000;

/// Random streams of a seed (see [`Rng::stream`]).
const SPLIT_STREAM: u64 = 1;
const INIT_STREAM: u64 = 2;
const SHUFFLE_STREAM: u64 = 3;
const FINE_TUNE_STREAM: u64 = 4;

/// What a user chooses; checked before fitting ([`TrainSettings::check`]).
///
/// The defaults are scikit-learn's MLP defaults except the minibatch, 32 rows rather than 200:
/// on small tables (digits: 1,437 training rows) more, smaller steps reach the same accuracy in
/// fewer epochs, and the early stopping is measured on held-out rows, not the training loss.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainSettings {
    /// Hidden layer widths from the inputs on, e.g. [64, 32]; empty for a linear (regression)
    /// or logistic (classification) model.
    pub hidden: Vec<usize>,
    /// The hidden layers' nonlinearity (default ReLU).
    pub activation: Activation,
    /// At most this many passes over the training rows (default 200); early stopping usually
    /// ends sooner.
    pub epochs: usize,
    /// Rows per minibatch (default 32).
    pub batch_size: usize,
    /// Adam's step size (default 1e-3).
    pub learning_rate: f64,
    /// λ of the L2 penalty (λ/2)·‖W‖² on the weights, not the biases (default 1e-4).
    pub weight_decay: f64,
    /// Early stopping: epochs without a validation improvement before training ends (default 10).
    pub patience: usize,
    /// The share of the training rows held out to measure the validation loss, in [0, 0.5]
    /// (default 0.1). At 0, the training rows' own loss decides when to stop.
    pub validation_fraction: f64,
    pub seed: u64,
}

impl Default for TrainSettings {
    fn default() -> Self {
        TrainSettings {
            hidden: Vec::new(),
            activation: Activation::Relu,
            epochs: 200,
            batch_size: 32,
            learning_rate: 1e-3,
            weight_decay: 1e-4,
            patience: 10,
            validation_fraction: 0.1,
            seed: 1,
        }
    }
}

impl TrainSettings {
    /// Checks every setting, then that the dataset can be trained on with them.
    pub fn check(&self, dataset: &Dataset) -> Result<(), FitError> {
        self.check_fields()?;
        let features: Vec<usize> = (0..dataset.features.len()).collect();
        self.check_data(dataset, &features)
    }

    /// The settings alone.
    fn check_fields(&self) -> Result<(), FitError> {
        let bad = |name: &'static str, message: String| Err(FitError::Setting { name, message });
        if self.hidden.len() > MAX_LAYERS {
            return bad("hidden", format!("{} hidden layers, more than the {MAX_LAYERS} allowed", self.hidden.len()));
        }
        if self.hidden.contains(&0) {
            return bad("hidden", "a layer width of 0".into());
        }
        if let Some(&w) = self.hidden.iter().find(|&&w| w > MAX_WIDTH) {
            return bad("hidden", format!("a layer width of {w}, more than the {MAX_WIDTH} allowed"));
        }
        if self.epochs == 0 {
            return bad("epochs", "0: at least one epoch is needed".into());
        }
        if self.batch_size == 0 {
            return bad("batch_size", "0: a minibatch needs at least one row".into());
        }
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return bad("learning_rate", format!("{}: it must be a positive number", self.learning_rate));
        }
        if !(self.weight_decay.is_finite() && self.weight_decay >= 0.0) {
            return bad("weight_decay", format!("{}: it must be 0 or a positive number", self.weight_decay));
        }
        if self.patience == 0 {
            return bad("patience", "0: at least one epoch without improvement must be allowed".into());
        }
        if !(0.0..=0.5).contains(&self.validation_fraction) {
            return bad(
                "validation_fraction",
                format!("{}: the held-out share must be between 0 and 0.5", self.validation_fraction),
            );
        }
        Ok(())
    }

    /// The dataset restricted to `features`, with these settings.
    fn check_data(&self, dataset: &Dataset, features: &[usize]) -> Result<(), FitError> {
        if features.is_empty() {
            return Err(FitError::NoFeatures);
        }
        if let Some(&index) = features.iter().find(|&&j| j >= dataset.features.len()) {
            return Err(FitError::UnknownFeature { index, features: dataset.features.len() });
        }
        let outputs = match &dataset.target {
            Target::Regression(_) => 1,
            Target::Classification { classes, .. } => classes.len(),
        };
        let mut widths = vec![features.len()];
        widths.extend(&self.hidden);
        widths.push(outputs);
        let parameters = widths.windows(2).fold(0usize, |n, w| n.saturating_add(w[0].saturating_mul(w[1]) + w[1]));
        if parameters > MAX_PARAMETERS {
            return Err(FitError::Setting {
                name: "hidden",
                message: format!(
                    "{parameters} parameters with {} inputs, more than the {MAX_PARAMETERS} allowed",
                    features.len()
                ),
            });
        }
        let rows = dataset.train.len();
        if rows == 0 {
            return Err(FitError::NoRows);
        }
        let needed = if self.validation_fraction > 0.0 { 2 } else { 1 };
        if rows < needed {
            return Err(FitError::TooFewRows { rows, needed });
        }
        if rows <= features.len() {
            return Err(FitError::MoreFeaturesThanRows { rows, features: features.len() });
        }
        if let Target::Classification { classes, labels } = &dataset.target {
            let first = labels[dataset.train[0]];
            if dataset.train.iter().all(|&r| labels[r] == first) {
                return Err(FitError::OneClass { class: classes[first as usize].clone() });
            }
        }
        Ok(())
    }

    /// Rows held out of `rows` training rows: at least one when the share is positive.
    fn validation_rows(&self, rows: usize) -> usize {
        if self.validation_fraction > 0.0 {
            ((self.validation_fraction * rows as f64).round() as usize).clamp(1, rows - 1)
        } else {
            0
        }
    }
}

/// Training or validation rows: standardised inputs (rows × features, row-major) and targets.
#[derive(Debug, Clone)]
struct Part {
    rows: Vec<usize>,
    x: Vec<f32>,
    y: Y,
}

#[derive(Debug, Clone)]
enum Y {
    /// Standardised regression targets.
    Values(Vec<f32>),
    Classes(Vec<u32>),
}

impl Part {
    fn len(&self) -> usize {
        self.rows.len()
    }

    fn targets(&self, range: Range<usize>) -> Targets<'_> {
        match &self.y {
            Y::Values(v) => Targets::Values(&v[range]),
            Y::Classes(c) => Targets::Classes(&c[range]),
        }
    }
}

/// A dataset's training rows made ready once, so a network can be trained and fine-tuned many
/// times without redoing it: the input standardisation (from all rows of the feature columns),
/// the standardised f32 inputs, the targets (regression targets standardised by their mean and
/// deviation over the training rows), and the seeded split into fitting and validation rows.
#[derive(Debug, Clone)]
pub struct Training {
    features: Vec<usize>,
    inputs: Inputs,
    output: Output,
    /// Mean and deviation of the regression target over the training rows; (0, 1) for classes.
    target_scale: (f64, f64),
    fit: Part,
    validation: Part,
}

impl Training {
    /// Every feature column. The split uses `settings.validation_fraction` and `settings.seed`.
    pub fn new(dataset: &Dataset, settings: &TrainSettings) -> Result<Training, FitError> {
        let features: Vec<usize> = (0..dataset.features.len()).collect();
        Training::with_features(dataset, &features, settings)
    }

    /// Only these feature columns (indices into `dataset.features`), for refitting on selected
    /// features. The model's inputs are then these columns, in this order.
    pub fn with_features(
        dataset: &Dataset,
        features: &[usize],
        settings: &TrainSettings,
    ) -> Result<Training, FitError> {
        settings.check_fields()?;
        settings.check_data(dataset, features)?;
        let x = dataset.x.select(Axis(1), features);
        let inputs = Inputs::of(x.view());

        let mut shuffled = dataset.train.clone();
        Rng::stream(settings.seed, SPLIT_STREAM).shuffle(&mut shuffled);
        let held_out = settings.validation_rows(shuffled.len());
        let mut validation_rows = shuffled[..held_out].to_vec();
        let mut fit_rows = shuffled[held_out..].to_vec();
        validation_rows.sort_unstable();
        fit_rows.sort_unstable();

        let (output, target_scale) = match &dataset.target {
            Target::Regression(t) => {
                let n = dataset.train.len() as f64;
                let mean = dataset.train.iter().map(|&r| t.values[r]).sum::<f64>() / n;
                let var = dataset.train.iter().map(|&r| (t.values[r] - mean) * (t.values[r] - mean)).sum::<f64>() / n;
                let std = libm::sqrt(var);
                (Output::Regression, (mean, if std > 0.0 && std.is_finite() { std } else { 1.0 }))
            }
            Target::Classification { classes, .. } => (Output::Classes(classes.len()), (0.0, 1.0)),
        };
        let part = |rows: Vec<usize>| {
            let standardised = inputs.standardise(x.view(), &rows);
            let y = match &dataset.target {
                Target::Regression(t) => {
                    let (m, s) = target_scale;
                    Y::Values(rows.iter().map(|&r| ((t.values[r] - m) / s) as f32).collect())
                }
                Target::Classification { labels, .. } => Y::Classes(rows.iter().map(|&r| labels[r]).collect()),
            };
            Part { x: standardised.iter().copied().collect(), rows, y }
        };
        let (fit, validation) = (part(fit_rows), part(validation_rows));
        Ok(Training { features: features.to_vec(), inputs, output, target_scale, fit, validation })
    }

    /// The feature columns used, as indices into the dataset's features.
    pub fn features(&self) -> &[usize] {
        &self.features
    }

    /// The input standardisation every model trained on this has.
    pub fn inputs(&self) -> &Inputs {
        &self.inputs
    }

    pub fn output(&self) -> Output {
        self.output
    }

    /// The dataset rows the weights are fitted on.
    pub fn fit_rows(&self) -> &[usize] {
        &self.fit.rows
    }

    /// The dataset rows held out for early stopping.
    pub fn validation_rows(&self) -> &[usize] {
        &self.validation.rows
    }

    /// The regression target's mean and deviation over the training rows ((0, 1) for classes).
    pub fn target_scale(&self) -> (f64, f64) {
        self.target_scale
    }

    fn widths(&self, hidden: &[usize]) -> Vec<usize> {
        let mut widths = vec![self.features.len()];
        widths.extend(hidden);
        widths.push(self.output.width());
        widths
    }

    /// The rows early stopping watches: the validation rows, or the fitting rows if none.
    fn monitored(&self) -> &Part {
        if self.validation.len() > 0 {
            &self.validation
        } else {
            &self.fit
        }
    }

    /// The model of flat parameters, the regression target's scaling folded into the last layer
    /// (weights·s, bias·s + m) so that it outputs μ in the target's units.
    fn to_mlp(&self, layout: &Layout, params: &[f32], activation: Activation) -> Mlp {
        let last = layout.layers() - 1;
        let (m, s) = self.target_scale;
        let layers = (0..layout.layers())
            .map(|l| {
                let mut weights =
                    Array2::from_shape_vec((layout.outputs(l), layout.inputs(l)), params[layout.weights(l)].to_vec())
                        .expect("a layer's weights fill its shape");
                let mut bias = Array1::from(params[layout.bias(l)].to_vec());
                if l == last && self.output == Output::Regression {
                    weights.mapv_inplace(|w| (f64::from(w) * s) as f32);
                    bias.mapv_inplace(|b| (f64::from(b) * s + m) as f32);
                }
                Dense { weights, bias }
            })
            .collect();
        Mlp { inputs: self.inputs.clone(), layers, activation, output: self.output }
    }

    /// The flat parameters of a model, the target's scaling taken out of the last layer again.
    fn params_of(&self, model: &Mlp, layout: &Layout) -> Vec<f32> {
        let last = layout.layers() - 1;
        let (m, s) = self.target_scale;
        let mut params = vec![0.0f32; layout.len()];
        for (l, layer) in model.layers.iter().enumerate() {
            let unfold = l == last && self.output == Output::Regression;
            for (p, &w) in params[layout.weights(l)].iter_mut().zip(layer.weights.iter()) {
                *p = if unfold { (f64::from(w) / s) as f32 } else { w };
            }
            for (p, &b) in params[layout.bias(l)].iter_mut().zip(layer.bias.iter()) {
                *p = if unfold { ((f64::from(b) - m) / s) as f32 } else { b };
            }
        }
        params
    }
}

/// Trains a network of `settings.hidden` layers from a seeded initialisation (He-normal for the
/// layers before a ReLU, Glorot-normal otherwise; biases 0) with Adam on minibatches, stopping
/// early on the validation rows and keeping the best epoch's weights. `progress(epoch, epochs,
/// loss)` is called after every epoch on the calling thread with the validation loss (mean
/// squared error of the standardised target, or mean cross-entropy in nats). Linear regression
/// is solved in closed form on all training rows (fitting and validation) and reports once.
pub fn train(
    training: &Training,
    settings: &TrainSettings,
    cancel: &Cancel,
    progress: &mut dyn FnMut(usize, usize, f64),
) -> Result<Mlp, FitError> {
    settings.check_fields()?;
    let layout = Layout::new(&training.widths(&settings.hidden));
    if cancel.is_cancelled() {
        return Err(FitError::Cancelled);
    }
    if settings.hidden.is_empty() && training.output == Output::Regression {
        let params = least_squares(training, &layout, settings.weight_decay).ok_or(FitError::NotFinite { epoch: 0 })?;
        let loss = evaluate(&layout, &params, settings.activation, training.monitored());
        if !loss.is_finite() {
            return Err(FitError::NotFinite { epoch: 0 });
        }
        progress(1, 1, loss);
        return Ok(training.to_mlp(&layout, &params, settings.activation));
    }
    let mut params = initialise(&layout, settings.activation, settings.seed);
    let run = Run { layout: &layout, training, settings, activation: settings.activation, keep: None };
    run.fit(&mut params, settings.epochs, SHUFFLE_STREAM, cancel, progress)?;
    Ok(training.to_mlp(&layout, &params, settings.activation))
}

/// Continues training `model` for up to `epochs` epochs (Adam from fresh moments, the same
/// early stopping, the starting weights counting as epoch 0), keeping every weight whose `keep`
/// flag is false at exactly 0; `keep[l]` has the shape of layer l's weights, and biases are
/// always trained. This is how pruning fine-tunes. The model must have been trained on the same
/// features (its input standardisation equals `training.inputs()`). Deterministic for the seed.
pub fn fine_tune(
    model: &Mlp,
    training: &Training,
    keep: &[Array2<bool>],
    epochs: usize,
    settings: &TrainSettings,
    cancel: &Cancel,
) -> Result<Mlp, FitError> {
    fine_tune_with_progress(model, training, keep, epochs, settings, cancel, &mut |_, _, _| {})
}

/// [`fine_tune`], reporting each epoch as [`train`] does.
pub fn fine_tune_with_progress(
    model: &Mlp,
    training: &Training,
    keep: &[Array2<bool>],
    epochs: usize,
    settings: &TrainSettings,
    cancel: &Cancel,
    progress: &mut dyn FnMut(usize, usize, f64),
) -> Result<Mlp, FitError> {
    settings.check_fields()?;
    let mismatch = |message: String| Err(FitError::Mismatch { message });
    if model.output != training.output {
        return mismatch(format!("the model has outputs {:?}, the data {:?}", model.output, training.output));
    }
    if model.layers.is_empty() {
        return mismatch("the model has no layers".into());
    }
    let widths = model.widths();
    if widths[0] != training.features.len() || model.inputs != training.inputs {
        return mismatch(format!(
            "the model was trained on {} inputs standardised differently from these {} features",
            widths[0],
            training.features.len()
        ));
    }
    if widths.last() != Some(&training.output.width())
        || model.layers.windows(2).any(|p| p[0].outputs() != p[1].inputs())
    {
        return mismatch("the model's layers do not chain".into());
    }
    if keep.len() != model.layers.len() {
        return mismatch(format!("{} masks for {} layers", keep.len(), model.layers.len()));
    }
    if let Some(l) = (0..keep.len()).find(|&l| keep[l].dim() != model.layers[l].weights.dim()) {
        return mismatch(format!(
            "layer {l}'s mask is {:?} but its weights are {:?}",
            keep[l].dim(),
            model.layers[l].weights.dim()
        ));
    }
    let layout = Layout::new(&widths);
    let mut mask = vec![1.0f32; layout.len()];
    for (l, flags) in keep.iter().enumerate() {
        for (m, &k) in mask[layout.weights(l)].iter_mut().zip(flags.iter()) {
            *m = if k { 1.0 } else { 0.0 };
        }
    }
    let mut params = training.params_of(model, &layout);
    let run = Run { layout: &layout, training, settings, activation: model.activation, keep: Some(&mask) };
    run.fit(&mut params, epochs, FINE_TUNE_STREAM, cancel, progress)?;
    Ok(training.to_mlp(&layout, &params, model.activation))
}

/// He-normal (variance 2/fan-in) weights before a ReLU, Glorot-normal (2/(fan-in + fan-out))
/// elsewhere, from the seed's initialisation stream; biases 0.
fn initialise(layout: &Layout, activation: Activation, seed: u64) -> Vec<f32> {
    let mut rng = Rng::stream(seed, INIT_STREAM);
    let mut params = vec![0.0f32; layout.len()];
    for l in 0..layout.layers() {
        let (fan_in, fan_out) = (layout.inputs(l) as f64, layout.outputs(l) as f64);
        let before_relu = l + 1 < layout.layers() && activation == Activation::Relu;
        let sd = if before_relu { (2.0 / fan_in).sqrt() } else { (2.0 / (fan_in + fan_out)).sqrt() };
        for w in &mut params[layout.weights(l)] {
            *w = (rng.normal() * sd) as f32;
        }
    }
    params
}

/// The closed-form linear regression on all training rows, as flat parameters.
fn least_squares(training: &Training, layout: &Layout, decay: f64) -> Option<Vec<f32>> {
    let (Y::Values(fit_y), Y::Values(validation_y)) = (&training.fit.y, &training.validation.y) else {
        return None;
    };
    let x: Vec<f32> = training.fit.x.iter().chain(&training.validation.x).copied().collect();
    let y: Vec<f32> = fit_y.iter().chain(validation_y).copied().collect();
    let (w, intercept) = ridge(&x, &y, training.features.len(), decay)?;
    let mut params = vec![0.0f32; layout.len()];
    for (p, &v) in params[layout.weights(0)].iter_mut().zip(&w) {
        *p = v as f32;
    }
    params[layout.bias(0)][0] = intercept as f32;
    Some(params)
}

/// The mean loss of a part's rows, in chunks on the pool, the chunks' sums added in order.
fn evaluate(layout: &Layout, params: &[f32], activation: Activation, part: &Part) -> f64 {
    let mut transposed = vec![0.0f32; layout.len()];
    transpose_into(layout, params, &mut transposed);
    let net = Net { layout, params, transposed: &transposed, activation };
    evaluate_net(net, part)
}

fn evaluate_net(net: Net, part: &Part) -> f64 {
    let rows = part.len();
    if rows == 0 {
        return 0.0;
    }
    let d = net.layout.inputs(0);
    let chunks = rows.div_ceil(EVAL_CHUNK);
    let chunk_loss = |scratch: &mut Scratch, c: usize| {
        let range = c * EVAL_CHUNK..((c + 1) * EVAL_CHUNK).min(rows);
        scratch.loss(net, &part.x[range.start * d..range.end * d], part.targets(range))
    };
    let sums: Vec<f64> = if rows * net.layout.len() >= PARALLEL_WORK {
        (0..chunks).into_par_iter().map_init(|| Scratch::new(net.layout, EVAL_CHUNK), chunk_loss).collect()
    } else {
        let mut scratch = Scratch::new(net.layout, EVAL_CHUNK);
        (0..chunks).map(|c| chunk_loss(&mut scratch, c)).collect()
    };
    sums.iter().sum::<f64>() / rows as f64
}

/// One chunk's buffers: its gathered rows and targets, and the backpropagation scratch.
struct Worker {
    x: Vec<f32>,
    values: Vec<f32>,
    labels: Vec<u32>,
    scratch: Scratch,
}

impl Worker {
    fn new(layout: &Layout) -> Worker {
        Worker {
            x: vec![0.0; CHUNK * layout.inputs(0)],
            values: vec![0.0; CHUNK],
            labels: vec![0; CHUNK],
            scratch: Scratch::new(layout, CHUNK),
        }
    }

    /// The gradient of the chunk `rows` (indices into the part) of a minibatch of `batch` rows.
    fn run(&mut self, net: Net, part: &Part, rows: &[u32], batch: usize) {
        let d = net.layout.inputs(0);
        for (dst, &r) in self.x.chunks_exact_mut(d.max(1)).zip(rows) {
            let r = r as usize;
            dst.copy_from_slice(&part.x[r * d..(r + 1) * d]);
        }
        let n = rows.len();
        let targets = match &part.y {
            Y::Values(v) => {
                for (dst, &r) in self.values.iter_mut().zip(rows) {
                    *dst = v[r as usize];
                }
                Targets::Values(&self.values[..n])
            }
            Y::Classes(c) => {
                for (dst, &r) in self.labels.iter_mut().zip(rows) {
                    *dst = c[r as usize];
                }
                Targets::Classes(&self.labels[..n])
            }
        };
        self.scratch.gradient(net, &self.x[..n * d], targets, batch);
    }
}

/// One fitting run: what is trained and how.
struct Run<'a> {
    layout: &'a Layout,
    training: &'a Training,
    settings: &'a TrainSettings,
    activation: Activation,
    /// 1 for a trainable parameter, 0 for a weight held at 0.
    keep: Option<&'a [f32]>,
}

impl Run<'_> {
    /// Adam with early stopping from `params`, leaving the best epoch's weights in `params`.
    fn fit(
        &self,
        params: &mut [f32],
        epochs: usize,
        stream: u64,
        cancel: &Cancel,
        progress: &mut dyn FnMut(usize, usize, f64),
    ) -> Result<(), FitError> {
        let (layout, settings, fit) = (self.layout, self.settings, &self.training.fit);
        let batch = settings.batch_size.min(fit.len()).max(1);
        let mut workers: Vec<Worker> = (0..batch.div_ceil(CHUNK)).map(|_| Worker::new(layout)).collect();
        let mut transposed = vec![0.0f32; layout.len()];
        let mut adam = Adam::new(layout.len(), settings.learning_rate);
        let decay = settings.weight_decay as f32;
        let parallel = batch * layout.len() >= PARALLEL_WORK && rayon::current_num_threads() > 1;
        if let Some(keep) = self.keep {
            hold(params, keep);
        }
        transpose_into(layout, params, &mut transposed);

        let monitored = self.training.monitored();
        let net = Net { layout, params, transposed: &transposed, activation: self.activation };
        let mut best_loss = evaluate_net(net, monitored);
        if !best_loss.is_finite() {
            return Err(FitError::NotFinite { epoch: 0 });
        }
        let mut best = params.to_vec();
        let mut stale = 0;
        let mut order: Vec<u32> = (0..fit.len() as u32).collect();
        let mut rng = Rng::stream(settings.seed, stream);
        for epoch in 1..=epochs {
            rng.shuffle(&mut order);
            for rows in order.chunks(batch) {
                if cancel.is_cancelled() {
                    return Err(FitError::Cancelled);
                }
                let net = Net { layout, params, transposed: &transposed, activation: self.activation };
                let used = rows.len().div_ceil(CHUNK);
                let work = |(worker, chunk): (&mut Worker, &[u32])| worker.run(net, fit, chunk, rows.len());
                if parallel {
                    workers[..used].par_iter_mut().zip(rows.par_chunks(CHUNK)).for_each(work);
                } else {
                    workers[..used].iter_mut().zip(rows.chunks(CHUNK)).for_each(work);
                }
                let (first, rest) = workers[..used].split_at_mut(1);
                let grad = &mut first[0].scratch.grad;
                for other in rest {
                    for (g, &o) in grad.iter_mut().zip(&other.scratch.grad) {
                        *g += o;
                    }
                }
                if decay > 0.0 {
                    for l in 0..layout.layers() {
                        let range = layout.weights(l);
                        for (g, &p) in grad[range.clone()].iter_mut().zip(&params[range]) {
                            *g += decay * p;
                        }
                    }
                }
                if let Some(keep) = self.keep {
                    for (g, &k) in grad.iter_mut().zip(keep) {
                        *g *= k;
                    }
                }
                adam.step(params, grad);
                if let Some(keep) = self.keep {
                    hold(params, keep);
                }
                transpose_into(layout, params, &mut transposed);
            }
            let net = Net { layout, params, transposed: &transposed, activation: self.activation };
            let loss = evaluate_net(net, monitored);
            if !loss.is_finite() {
                return Err(FitError::NotFinite { epoch });
            }
            progress(epoch, epochs, loss);
            if loss < best_loss {
                best_loss = loss;
                best.copy_from_slice(params);
                stale = 0;
            } else {
                stale += 1;
                if stale >= settings.patience {
                    break;
                }
            }
        }
        params.copy_from_slice(&best);
        Ok(())
    }
}

/// Sets the parameters whose flag is 0 to exactly +0.
fn hold(params: &mut [f32], keep: &[f32]) {
    for (p, &k) in params.iter_mut().zip(keep) {
        if k == 0.0 {
            *p = 0.0;
        }
    }
}
