//! The variants of a trained network that occam measures: the float32 original, uniform
//! quantisation, magnitude pruning with fine-tuning, low rank, and a genetic search over the
//! per-layer settings that minimises the total code length.
//!
//! The genetic search follows the seed: a genome is each layer's (bit width, sparsity, rank
//! share) as real numbers; children come by arithmetic crossover c = a + λ(b − a) and Gaussian
//! mutation c′ = c + ε·N(0, 1), and are rounded to settings only to be judged. To profit from
//! fine-tuning without paying for it on every genome, a genome's weights come from the pruned
//! and fine-tuned model of the sweep at the largest sparsity not above its own; the winner is
//! fine-tuned once more with its exact masks.

use rayon::prelude::*;

use crate::control::Cancel;
use crate::model::{fine_tune, FitError, Mlp, TrainSettings, Training};
use crate::random::Rng;

use super::code::NetworkCode;
use super::judge::{float32_bits, Judge, Scores};
use super::settings::{describe, encode, masks, LayerSetting};

/// What the sweep and the genetic search try.
#[derive(Debug, Clone, PartialEq)]
pub struct CompressOptions {
    pub bit_widths: Vec<u8>,
    pub sparsities: Vec<f64>,
    /// Bit widths a pruned model is also quantised at.
    pub pruned_bits: Vec<u8>,
    pub ranks: Vec<usize>,
    /// Epochs of fine-tuning after pruning.
    pub fine_tune_epochs: usize,
    pub population: usize,
    pub generations: usize,
}

impl Default for CompressOptions {
    fn default() -> Self {
        CompressOptions {
            bit_widths: vec![16, 12, 8, 6, 5, 4, 3, 2, 1],
            sparsities: vec![0.5, 0.75, 0.9, 0.95, 0.98],
            pruned_bits: vec![8, 6, 4, 3, 2],
            ranks: vec![1, 2, 4, 8, 16, 32],
            fine_tune_epochs: 60,
            population: 24,
            generations: 12,
        }
    }
}

/// One compressed network, measured.
#[derive(Debug, Clone)]
pub struct Variant {
    /// "float32", "quantised", "pruned", "low rank" or "searched".
    pub method: &'static str,
    pub settings: Vec<LayerSetting>,
    pub code: NetworkCode,
    pub model_bits: f64,
    pub scores: Scores,
}

impl Variant {
    pub fn total_bits(&self) -> f64 {
        self.model_bits + self.scores.data_bits
    }

    pub fn description(&self) -> String {
        describe(&self.settings)
    }
}

/// Everything [`variants`] needs: the model, the rows prepared for fine-tuning and judging.
pub struct Compressor<'a> {
    pub model: &'a Mlp,
    pub training: &'a Training,
    pub judge: &'a Judge<'a>,
    pub settings: &'a TrainSettings,
    pub cancel: &'a Cancel,
}

impl Compressor<'_> {
    fn measure(&self, method: &'static str, base: &Mlp, settings: Vec<LayerSetting>) -> Variant {
        let code = encode(base, &settings);
        let model_bits = code.bits();
        let scores = self.judge.score(&code);
        Variant { method, settings, code, model_bits, scores }
    }

    /// Fine-tuning's settings: the training's, at three times its learning rate (the pruned
    /// network starts far from a minimum and has few epochs to get back).
    fn tuning(&self) -> TrainSettings {
        TrainSettings { learning_rate: self.settings.learning_rate * 3.0, ..self.settings.clone() }
    }

    fn uniform(&self, s: LayerSetting) -> Vec<LayerSetting> {
        vec![s; self.model.layers.len()]
    }

    /// Every variant: float32, the sweeps and the searched one. `progress(done, total)` is
    /// called between steps on the calling thread.
    pub fn variants(
        &self,
        options: &CompressOptions,
        progress: &mut dyn FnMut(usize, usize, &[Variant]),
    ) -> Result<Vec<Variant>, FitError> {
        let total = 4 + options.sparsities.len() + options.generations;
        let mut out = vec![self.measure("float32", self.model, self.uniform(LayerSetting::FLOAT32))];
        progress(1, total, &out);

        let quantised: Vec<Variant> = options
            .bit_widths
            .par_iter()
            .map(|&b| {
                self.measure(
                    "quantised",
                    self.model,
                    self.uniform(LayerSetting { bits: Some(b), ..LayerSetting::FLOAT32 }),
                )
            })
            .collect();
        out.extend(quantised);
        progress(2, total, &out);

        let full = self.model.layers.iter().map(|l| l.weights.nrows().min(l.weights.ncols())).max().unwrap_or(1);
        let low_rank: Vec<Variant> = options
            .ranks
            .iter()
            .filter(|&&r| r < full)
            .flat_map(|&r| [None, Some(8u8)].map(move |bits| (r, bits)))
            .collect::<Vec<_>>()
            .par_iter()
            .map(|&(r, bits)| {
                self.measure("low rank", self.model, self.uniform(LayerSetting { bits, sparsity: 0.0, rank: Some(r) }))
            })
            .collect();
        out.extend(low_rank);
        progress(3, total, &out);

        // Pruned and fine-tuned bases, one per sparsity (sparsity 0 is the model itself), with
        // each layer's sparsity.
        let layers = self.model.layers.len();
        let mut bases: Vec<(Vec<f64>, Mlp)> = vec![(vec![0.0; layers], self.model.clone())];
        for (step, &s) in options.sparsities.iter().enumerate() {
            if self.cancel.is_cancelled() {
                return Err(FitError::Cancelled);
            }
            // Iterative pruning (Han et al. 2015): each sparsity starts from the previous one's
            // fine-tuned network, whose zeros are its smallest weights, so the masks nest.
            let previous = &bases.last().expect("the unpruned model is the first base").1;
            let sparsity = layer_sparsity(s, layers);
            let keep = masks(previous, &sparsity);
            let tuned =
                fine_tune(previous, self.training, &keep, options.fine_tune_epochs, &self.tuning(), self.cancel)?;
            let pruned: Vec<Variant> = std::iter::once(None)
                .chain(options.pruned_bits.iter().map(|&b| Some(b)))
                .collect::<Vec<_>>()
                .par_iter()
                .map(|&bits| {
                    let settings =
                        sparsity.iter().map(|&sparsity| LayerSetting { bits, sparsity, rank: None }).collect();
                    self.measure("pruned", &tuned, settings)
                })
                .collect();
            out.extend(pruned);
            bases.push((sparsity, tuned));
            progress(4 + step, total, &out);
        }

        let searched =
            self.genetic(&bases, options, &mut |g| progress(4 + options.sparsities.len() + g, total, &out))?;
        out.push(searched);
        progress(total, total, &out);
        Ok(out)
    }

    /// The genetic search over per-layer settings; the winner fine-tuned with its own masks.
    fn genetic(
        &self,
        bases: &[(Vec<f64>, Mlp)],
        options: &CompressOptions,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Variant, FitError> {
        let layers = self.model.layers.len();
        let mut rng = Rng::stream(self.settings.seed, 0xC0_4D_E5);
        let judge = |genome: &Genome| -> (f64, Variant) {
            let settings = genome.settings(self.model);
            let base = base_for(bases, &settings);
            let v = self.measure("searched", base, settings);
            (v.total_bits(), v)
        };
        // Seeds: a spread of uniform settings, then random genomes.
        let mut population: Vec<Genome> = (0..options.population.max(4))
            .map(|i| {
                if i < 6 {
                    Genome::uniform(layers, [8.0, 6.0, 4.0, 3.0, 4.0, 6.0][i], [0.0, 0.5, 0.75, 0.9, 0.95, 0.9][i], 1.0)
                } else {
                    Genome::random(layers, &mut rng)
                }
            })
            .collect();
        let mut scored: Vec<(f64, Variant)> = population.par_iter().map(judge).collect();
        for generation in 0..options.generations {
            if self.cancel.is_cancelled() {
                return Err(FitError::Cancelled);
            }
            let n = population.len();
            let children: Vec<Genome> = (0..n)
                .map(|_| {
                    let a = tournament(&scored, &mut rng);
                    let b = tournament(&scored, &mut rng);
                    population[a].cross(&population[b], &mut rng).mutate(&mut rng)
                })
                .collect();
            let child_scores: Vec<(f64, Variant)> = children.par_iter().map(judge).collect();
            // Elitist replacement: the n shortest of parents and children, ties to the earlier.
            let mut all: Vec<(Genome, (f64, Variant))> =
                population.into_iter().zip(scored).chain(children.into_iter().zip(child_scores)).collect();
            all.sort_by(|a, b| a.1 .0.total_cmp(&b.1 .0));
            all.truncate(n);
            (population, scored) = all.into_iter().unzip();
            progress(generation + 1);
        }
        let best = scored.into_iter().next().map(|(_, v)| v).expect("a population is never empty");
        // Fine-tune the winner with its exact masks, from the model it was cut from.
        let base = base_for(bases, &best.settings);
        let sparsity: Vec<f64> =
            best.settings.iter().map(|s| if s.rank.is_some() { 0.0 } else { s.sparsity }).collect();
        if sparsity.iter().any(|&s| s > 0.0) {
            let keep = masks(base, &sparsity);
            let tuned = fine_tune(base, self.training, &keep, options.fine_tune_epochs, &self.tuning(), self.cancel)?;
            let again = self.measure("searched", &tuned, best.settings.clone());
            if again.total_bits() < best.total_bits() {
                return Ok(again);
            }
        }
        Ok(best)
    }
}

/// The sweep's sparsity of each layer at nominal sparsity `s`: the output layer, small and
/// where every weight speaks for a class, is pruned half as much.
fn layer_sparsity(s: f64, layers: usize) -> Vec<f64> {
    (0..layers).map(|l| if l + 1 == layers && layers > 1 { s / 2.0 } else { s }).collect()
}

/// The most pruned fine-tuned base whose every layer is pruned no more than the settings ask.
fn base_for<'a>(bases: &'a [(Vec<f64>, Mlp)], settings: &[LayerSetting]) -> &'a Mlp {
    let wanted: Vec<f64> = settings.iter().map(|s| if s.rank.is_some() { 0.0 } else { s.sparsity }).collect();
    bases
        .iter()
        .rev()
        .find(|(base, _)| base.iter().zip(&wanted).all(|(b, w)| *b <= w + 1e-9))
        .map_or(&bases[0].1, |(_, m)| m)
}

fn tournament(scored: &[(f64, Variant)], rng: &mut Rng) -> usize {
    let a = rng.below(scored.len());
    let b = rng.below(scored.len());
    if scored[b].0 < scored[a].0 {
        b
    } else {
        a
    }
}

/// Per layer: bit width in [1, 16] (above 16.5: float32), sparsity in [0, 0.99], rank share in
/// (0, 1] (1: the whole matrix).
#[derive(Debug, Clone, PartialEq)]
struct Genome(Vec<[f64; 3]>);

const LIMITS: [(f64, f64); 3] = [(1.0, 17.0), (0.0, 0.99), (0.01, 1.0)];
/// ε of the Gaussian mutation, per gene.
const STEP: [f64; 3] = [1.0, 0.05, 0.1];

impl Genome {
    fn uniform(layers: usize, bits: f64, sparsity: f64, rank: f64) -> Genome {
        Genome(vec![[bits, sparsity, rank]; layers])
    }

    fn random(layers: usize, rng: &mut Rng) -> Genome {
        Genome(
            (0..layers)
                .map(|_| {
                    let mut g = [0.0; 3];
                    for (k, v) in g.iter_mut().enumerate() {
                        let (lo, hi) = LIMITS[k];
                        *v = lo + rng.uniform() * (hi - lo);
                    }
                    // Most layers are better whole: keep a rank share of 1 three times in four.
                    if rng.chance(0.75) {
                        g[2] = 1.0;
                    }
                    g
                })
                .collect(),
        )
    }

    /// c = a + λ(b − a) gene by gene, λ uniform in [0, 1].
    fn cross(&self, other: &Genome, rng: &mut Rng) -> Genome {
        Genome(
            self.0
                .iter()
                .zip(&other.0)
                .map(|(a, b)| {
                    let mut c = [0.0; 3];
                    for k in 0..3 {
                        c[k] = a[k] + rng.uniform() * (b[k] - a[k]);
                    }
                    c
                })
                .collect(),
        )
    }

    /// c′ = c + ε·N(0, 1) on each gene with probability ½, clamped to its range.
    fn mutate(mut self, rng: &mut Rng) -> Genome {
        for g in &mut self.0 {
            for k in 0..3 {
                if rng.chance(0.5) {
                    g[k] = (g[k] + STEP[k] * rng.normal()).clamp(LIMITS[k].0, LIMITS[k].1);
                }
            }
        }
        self
    }

    fn settings(&self, model: &Mlp) -> Vec<LayerSetting> {
        self.0
            .iter()
            .zip(&model.layers)
            .map(|(g, layer)| {
                let full = layer.weights.nrows().min(layer.weights.ncols());
                let rank = ((g[2] * full as f64).round() as usize).clamp(1, full);
                LayerSetting {
                    bits: (g[0] < 16.5).then(|| g[0].round().clamp(1.0, 16.0) as u8),
                    sparsity: (g[1] * 50.0).round() / 50.0,
                    rank: (rank < full).then_some(rank),
                }
            })
            .collect()
    }
}

/// Compression ratio against float32 of the variant's model bits.
pub fn ratio(model: &Mlp, variant: &Variant) -> f64 {
    float32_bits(model) / variant.model_bits
}
