//! The network engines behind [`run`](super::run): train a network and a linear (or logistic)
//! model, compress both and measure every variant ([`compress`]); rank the features by the bits
//! they carry and refit on the chosen ones ([`select`]).

use serde::{Deserialize, Serialize};

use crate::codec::Program;
use crate::compress::{CompressOptions, Compressor, Judge, NetworkCode, Variant};
use crate::control::{Cancel, Clock, Observer, Progress};
use crate::model::{self, Activation, FitError, Mlp, TrainSettings, Training};
use crate::prepare::Dataset;
use crate::report::{Candidate, FeatureImportance, Report, TestScore, Timing};

use super::RunError;

/// Training and compression settings a user chooses; the rest keep their defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompressSettings {
    /// Hidden layer widths of the network.
    pub hidden: Vec<usize>,
    pub activation: Activation,
    pub epochs: Option<usize>,
    pub batch_size: Option<usize>,
    pub learning_rate: Option<f64>,
    /// The genetic search over per-layer settings.
    pub population: Option<usize>,
    pub generations: Option<usize>,
    /// Also fit and compress a linear (or logistic) model.
    pub linear: bool,
}

impl Default for CompressSettings {
    fn default() -> Self {
        CompressSettings {
            hidden: vec![64, 32],
            activation: Activation::Relu,
            epochs: None,
            batch_size: None,
            learning_rate: None,
            population: None,
            generations: None,
            linear: true,
        }
    }
}

/// Which features carry the information, and a refit on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SelectSettings {
    /// "permutation" (bits under the model), "support" (first-layer weights) or
    /// "mutual_information".
    pub measure: String,
    /// Keep this many features…
    pub top_k: Option<usize>,
    /// …or the fewest whose importance adds up to this share of the total (default 0.95).
    pub share: Option<f64>,
    /// Hidden widths of the model importance is measured under ([] = linear or logistic).
    pub hidden: Vec<usize>,
}

impl Default for SelectSettings {
    fn default() -> Self {
        SelectSettings { measure: "permutation".into(), top_k: None, share: None, hidden: Vec::new() }
    }
}

impl From<FitError> for RunError {
    fn from(e: FitError) -> Self {
        match e {
            FitError::Cancelled => RunError::Cancelled,
            e => RunError::Fit(e),
        }
    }
}

fn train_settings(hidden: &[usize], s: &CompressSettings, seed: u64) -> TrainSettings {
    let d = TrainSettings::default();
    TrainSettings {
        hidden: hidden.to_vec(),
        activation: s.activation,
        epochs: s.epochs.unwrap_or(d.epochs),
        batch_size: s.batch_size.unwrap_or(d.batch_size),
        learning_rate: s.learning_rate.unwrap_or(d.learning_rate),
        seed,
        ..d
    }
}

/// A trained model, the rows it was trained on, and the epochs the training ran.
struct Fitted {
    model: Mlp,
    training: Training,
    epochs: usize,
}

/// Trains a model, reporting epochs as progress.
fn fit(
    dataset: &Dataset,
    settings: &TrainSettings,
    observer: &dyn Observer,
    cancel: &Cancel,
    what: &str,
) -> Result<Fitted, RunError> {
    settings.check(dataset)?;
    let training = Training::new(dataset, settings)?;
    let mut ran = 0;
    let mut progress = |epoch: usize, epochs: usize, loss: f64| {
        ran = ran.max(epoch);
        observer.progress(&Progress::new(
            "train",
            epoch as u64,
            epochs as u64,
            format!("{what}: epoch {epoch}, validation loss {loss:.4}"),
        ));
    };
    let model = model::train(&training, settings, cancel, &mut progress)?;
    Ok(Fitted { model, training, epochs: ran })
}

/// The candidate a measured variant becomes.
fn candidate(model: &Mlp, v: &Variant) -> Candidate {
    let widths: Vec<String> = model.widths().iter().map(usize::to_string).collect();
    let shape = match model.family() {
        "mlp" => format!("MLP {} {}", widths.join("-"), model.activation.name()),
        family => format!("{family} {}", widths.join("-")),
    };
    Candidate {
        family: model.family().into(),
        description: format!("{shape}, {}", v.description()),
        compression: Some(v.method.to_string()),
        params: Some(model.parameters()),
        model_bits: v.model_bits,
        data_bits: v.scores.data_bits,
        total_bits: v.total_bits(),
        test: TestScore {
            r2: v.scores.test_r2,
            accuracy: v.scores.test_accuracy,
            bits_per_row: v.scores.test_bits_per_row,
        },
        ..Default::default()
    }
}

/// Train, compress and measure a network (and a linear model), appending to `report`; returns
/// what each appended candidate sends, in the same order (for the .occam file).
pub fn compress(
    dataset: &Dataset,
    s: &CompressSettings,
    seed: u64,
    report: &mut Report,
    observer: &dyn Observer,
    cancel: &Cancel,
    clock: &dyn Clock,
) -> Result<Vec<NetworkCode>, RunError> {
    let judge = Judge::new(dataset);
    let mut codes = Vec::new();
    let mut options = CompressOptions::default();
    if let Some(p) = s.population {
        options.population = p;
    }
    if let Some(g) = s.generations {
        options.generations = g;
    }
    let mut models: Vec<Vec<usize>> = vec![s.hidden.clone()];
    if s.linear && !s.hidden.is_empty() {
        models.push(Vec::new());
    }
    for hidden in models {
        let settings = train_settings(&hidden, s, seed);
        let what = if hidden.is_empty() { "linear model" } else { "network" };
        let start = clock.seconds();
        let Fitted { model, training, epochs } = fit(dataset, &settings, observer, cancel, what)?;
        report.timings.push(Timing {
            stage: format!("train {what}"),
            seconds: clock.seconds() - start,
            epochs: Some(epochs),
        });
        let start = clock.seconds();
        let compressor = Compressor { model: &model, training: &training, judge: &judge, settings: &settings, cancel };
        let before = report.candidates.len();
        let mut live = |done: usize, total: usize, so_far: &[Variant]| {
            let mut partial = report.clone();
            partial.candidates.truncate(before);
            partial.candidates.extend(so_far.iter().map(|v| candidate(&model, v)));
            partial.settle();
            let mut p = Progress::new(
                "compress",
                done as u64,
                total as u64,
                format!("compressing the {what}: {} variants", so_far.len()),
            );
            p.partial = Some(Box::new(partial));
            observer.progress(&p);
        };
        let variants = compressor.variants(&options, &mut live)?;
        report.timings.push(Timing {
            stage: format!("compress {what}"),
            seconds: clock.seconds() - start,
            epochs: None,
        });
        report.candidates.extend(variants.iter().map(|v| candidate(&model, v)));
        codes.extend(variants.into_iter().map(|v| v.code));
    }
    report.settle();
    Ok(codes)
}

/// Rank features by `s.measure` under a model, keep the chosen ones, refit and compare in bits.
/// Returns the programs of the candidates it added, in order: the network on every feature and,
/// when fewer were kept, the one refitted on them.
pub fn select(
    dataset: &Dataset,
    s: &SelectSettings,
    seed: u64,
    report: &mut Report,
    observer: &dyn Observer,
    cancel: &Cancel,
) -> Result<Vec<Program>, RunError> {
    let settings = TrainSettings { hidden: s.hidden.clone(), seed, ..TrainSettings::default() };
    let model = fit(dataset, &settings, observer, cancel, "model for importance")?.model;
    let judge = Judge::new(dataset);
    observer.progress(&Progress::new("select", 0, 2, "measuring importance".into()));
    let permutation = crate::select::permutation_bits(&model, &judge, seed);
    let support = crate::select::support(&model);
    let information = crate::select::mutual_information(dataset);
    let score = match s.measure.as_str() {
        "permutation" => &permutation,
        "support" => &support,
        "mutual_information" | "mi" => &information,
        other => {
            return Err(RunError::Setting {
                name: "measure",
                message: format!("'{other}' is not a measure (permutation, support, mutual_information)"),
            })
        }
    };
    if s.top_k == Some(0) {
        return Err(RunError::Setting {
            name: "top_k",
            message: "an empty selection: keep at least one feature".into(),
        });
    }
    if let Some(share) = s.share.filter(|v| !(*v > 0.0 && *v <= 1.0)) {
        return Err(RunError::Setting { name: "share", message: format!("{share} is not a share in (0, 1]") });
    }
    let keep = crate::select::choose(score, s.top_k, s.top_k.is_none().then_some(s.share.unwrap_or(0.95)));
    report.importance = dataset
        .features
        .iter()
        .enumerate()
        .map(|(j, f)| FeatureImportance {
            feature: f.name.clone(),
            permutation_bits: permutation[j],
            support: support[j],
            mutual_information_bits: information[j],
            selected: keep.contains(&j),
        })
        .collect();
    // The model on all features and refitted on the chosen ones, on the same scale.
    let all = judge.score_mlp(&model);
    let code = |m: &Mlp| crate::compress::encode(m, &vec![crate::compress::LayerSetting::FLOAT32; m.layers.len()]);
    let float = |m: &Mlp| code(m).bits();
    let program = |m: &Mlp, on: &Dataset| Program::Network {
        code: code(m),
        features: on.features.iter().map(|f| f.name.clone()).collect(),
    };
    let describe = |m: &Mlp, n: usize| format!("{} on {n} of {} features", m.family(), dataset.features.len());
    let as_candidate = |m: &Mlp, scores: crate::compress::Scores, n: usize| Candidate {
        family: m.family().into(),
        description: describe(m, n),
        params: Some(m.parameters()),
        model_bits: float(m),
        data_bits: scores.data_bits,
        total_bits: float(m) + scores.data_bits,
        test: TestScore { r2: scores.test_r2, accuracy: scores.test_accuracy, bits_per_row: scores.test_bits_per_row },
        ..Default::default()
    };
    report.candidates.push(as_candidate(&model, all, dataset.features.len()));
    let mut programs = vec![program(&model, dataset)];
    if keep.len() < dataset.features.len() {
        let chosen = crate::select::subset(dataset, &keep);
        let refit = fit(&chosen, &settings, observer, cancel, "refit on the chosen features")?.model;
        let scores = Judge::new(&chosen).score_mlp(&refit);
        report.candidates.push(as_candidate(&refit, scores, keep.len()));
        programs.push(program(&refit, &chosen));
    }
    observer.progress(&Progress::new(
        "select",
        2,
        2,
        format!("kept {} of {} features", keep.len(), dataset.features.len()),
    ));
    report.settle();
    Ok(programs)
}
