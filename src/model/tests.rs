//! Training end to end: what each model family reaches, masks, determinism, and the refusals.
//! (Backpropagation against finite differences is in `backprop`, the kernels' bits in `kernel`.)

use ndarray::Array2;

use super::*;
use crate::control::Cancel;
use crate::data::{load, LoadOptions};
use crate::prepare::{prepare, PrepareOptions, Target};
use crate::random::Rng;

/// A dataset from a header and rows, the last column the target (80/20 split, seed 1).
fn dataset(header: &str, rows: &[String]) -> Dataset {
    let text = format!("{header}\n{}\n", rows.join("\n"));
    let table = load("t.csv", text.as_bytes(), &LoadOptions::default()).unwrap().table;
    let target = header.rsplit(',').next().unwrap();
    prepare(&table, &PrepareOptions { target: Some(target.into()), ..Default::default() }).unwrap()
}

/// n rows of `columns` uniform values in [−1, 1], three decimals, and f of them as the target.
fn table(n: usize, columns: usize, seed: u64, f: impl Fn(&[f64]) -> String) -> Vec<String> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let x: Vec<f64> = (0..columns).map(|_| ((rng.uniform() * 2.0 - 1.0) * 1000.0).round() / 1000.0).collect();
            let cells: Vec<String> = x.iter().map(|v| format!("{v:.3}")).collect();
            format!("{},{}", cells.join(","), f(&x))
        })
        .collect()
}

fn fit(d: &Dataset, settings: &TrainSettings) -> Mlp {
    let training = Training::new(d, settings).unwrap();
    train(&training, settings, &Cancel::new(), &mut |_, _, _| {}).unwrap()
}

fn mse(model: &Mlp, d: &Dataset, rows: &[usize]) -> f64 {
    let Target::Regression(t) = &d.target else { panic!("not a regression") };
    let p = model.predict(d, rows);
    rows.iter().enumerate().map(|(i, &r)| (f64::from(p[[i, 0]]) - t.values[r]).powi(2)).sum::<f64>() / rows.len() as f64
}

fn accuracy(model: &Mlp, d: &Dataset, rows: &[usize]) -> f64 {
    let Target::Classification { labels, .. } = &d.target else { panic!("not classes") };
    let p = model.predict(d, rows);
    let right = rows
        .iter()
        .enumerate()
        .filter(|&(i, &r)| {
            let row = p.row(i);
            let best = (0..row.len()).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap();
            best == labels[r] as usize
        })
        .count();
    right as f64 / rows.len() as f64
}

fn bits(model: &Mlp) -> Vec<u32> {
    model.layers.iter().flat_map(|l| l.weights.iter().chain(l.bias.iter()).map(|v| v.to_bits())).collect()
}

#[test]
fn linear_regression_recovers_a_plane() {
    let d = dataset("a,b,y", &table(300, 2, 1, |x| format!("{:.4}", 2.0 * x[0] - 3.0 * x[1] + 1.0)));
    let model = fit(&d, &TrainSettings::default());
    assert_eq!(model.family(), "linear");
    // Back to the user's units: y = Σ (w_j / s_j)·x_j + b − Σ w_j·m_j / s_j.
    let (w, b) = (&model.layers[0].weights, model.layers[0].bias[0]);
    let coef: Vec<f64> = (0..2).map(|j| f64::from(w[[0, j]]) / f64::from(model.inputs.std[j])).collect();
    let intercept = f64::from(b) - (0..2).map(|j| coef[j] * f64::from(model.inputs.mean[j])).sum::<f64>();
    assert!(
        (coef[0] - 2.0).abs() < 1e-3 && (coef[1] + 3.0).abs() < 1e-3 && (intercept - 1.0).abs() < 1e-3,
        "{coef:?} {intercept}"
    );
    assert!(mse(&model, &d, &d.test) < 1e-6, "{}", mse(&model, &d, &d.test));
}

#[test]
fn logistic_regression_separates_two_classes() {
    // Class by the side of the line a + 2b = 0.1, rows within 0.05 of it left out.
    let rows: Vec<String> = table(600, 2, 2, |x| (if x[0] + 2.0 * x[1] > 0.1 { "yes" } else { "no" }).to_string())
        .into_iter()
        .filter(|r| {
            let v: Vec<f64> = r.split(',').take(2).map(|c| c.parse().unwrap()).collect();
            (v[0] + 2.0 * v[1] - 0.1).abs() > 0.05
        })
        .collect();
    let d = dataset("a,b,class", &rows);
    let settings = TrainSettings { learning_rate: 0.01, ..Default::default() };
    let model = fit(&d, &settings);
    assert_eq!(model.family(), "logistic");
    let all: Vec<usize> = (0..d.rows()).collect();
    assert_eq!(accuracy(&model, &d, &all), 1.0);
}

#[test]
fn a_network_learns_a_product_the_linear_model_cannot() {
    let d = dataset("a,b,y", &table(2_000, 2, 3, |x| format!("{:.4}", x[0] * x[1])));
    let linear = fit(&d, &TrainSettings::default());
    for activation in [Activation::Relu, Activation::Tanh] {
        let settings = TrainSettings { hidden: vec![32, 16], activation, learning_rate: 3e-3, ..Default::default() };
        let mlp = fit(&d, &settings);
        let (l, m) = (mse(&linear, &d, &d.test), mse(&mlp, &d, &d.test));
        assert!(m < 0.05 * l, "{activation:?}: network {m}, linear {l}");
    }
}

#[test]
fn a_network_learns_xor_classes() {
    let d =
        dataset("a,b,class", &table(1_000, 2, 4, |x| (if x[0] * x[1] > 0.0 { "same" } else { "differ" }).to_string()));
    let logistic = fit(&d, &TrainSettings::default());
    let mlp = fit(&d, &TrainSettings { hidden: vec![16], learning_rate: 1e-2, ..Default::default() });
    let (l, m) = (accuracy(&logistic, &d, &d.test), accuracy(&mlp, &d, &d.test));
    assert!(m > 0.93 && l < 0.7, "network {m}, logistic {l}");
}

#[test]
fn fine_tune_holds_masked_weights_at_zero() {
    let d = dataset("a,b,c,y", &table(500, 3, 5, |x| format!("{:.4}", x[0] * x[1] + x[2])));
    let settings = TrainSettings { hidden: vec![16, 8], ..Default::default() };
    let training = Training::new(&d, &settings).unwrap();
    let model = train(&training, &settings, &Cancel::new(), &mut |_, _, _| {}).unwrap();
    // Prune every other weight.
    let keep: Vec<Array2<bool>> =
        model.layers.iter().map(|l| Array2::from_shape_fn(l.weights.dim(), |(o, i)| (o + i) % 2 == 0)).collect();
    let tuned = fine_tune(&model, &training, &keep, 30, &settings, &Cancel::new()).unwrap();
    let mut moved = 0;
    for ((layer, before), keep) in tuned.layers.iter().zip(&model.layers).zip(&keep) {
        for ((&w, &w0), &k) in layer.weights.iter().zip(&before.weights).zip(keep) {
            if k {
                moved += usize::from(w != w0);
            } else {
                assert_eq!(w.to_bits(), 0.0f32.to_bits());
            }
        }
    }
    assert!(moved > 0, "fine-tuning changed nothing");
    // Retraining recovers most of what pruning lost.
    let mut pruned = model.clone();
    for (layer, keep) in pruned.layers.iter_mut().zip(&keep) {
        layer.weights.zip_mut_with(keep, |w, &k| *w = if k { *w } else { 0.0 });
    }
    assert!(mse(&tuned, &d, &d.test) < mse(&pruned, &d, &d.test));
    // A mask of the wrong shape is refused.
    let e = fine_tune(&model, &training, &keep[..1], 3, &settings, &Cancel::new()).unwrap_err();
    assert!(matches!(e, FitError::Mismatch { .. }), "{e}");
}

#[test]
fn one_thread_and_four_give_the_same_weights() {
    // Wide enough that a minibatch's chunks run on the pool.
    let d = dataset(
        "a,b,c,d,class",
        &table(800, 4, 6, |x| format!("k{}", usize::from(x[0] + x[1] > 0.0) + usize::from(x[2] * x[3] > 0.0))),
    );
    let settings = TrainSettings { hidden: vec![64, 32], epochs: 8, ..Default::default() };
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(|| {
            let training = Training::new(&d, &settings).unwrap();
            let mut losses = Vec::new();
            let model = train(&training, &settings, &Cancel::new(), &mut |_, _, loss| losses.push(loss)).unwrap();
            let keep: Vec<Array2<bool>> = model.layers.iter().map(|l| l.weights.mapv(|w| w.abs() > 0.05)).collect();
            let tuned = fine_tune(&model, &training, &keep, 3, &settings, &Cancel::new()).unwrap();
            let all: Vec<usize> = (0..d.rows()).collect();
            (bits(&model), bits(&tuned), losses, model.predict(&d, &all))
        })
    };
    let (one, four) = (run(1), run(4));
    assert_eq!(one.2.len(), 8);
    assert!(one.0 == four.0, "trained weights differ");
    assert!(one.1 == four.1, "fine-tuned weights differ");
    assert_eq!(one.2, four.2);
    assert!(one.3.iter().zip(&four.3).all(|(a, b)| a.to_bits() == b.to_bits()));
    // And another seed gives another network.
    let other = fit(&d, &TrainSettings { seed: 2, ..settings.clone() });
    assert!(bits(&other) != one.0);
}

#[test]
fn regression_outputs_are_in_the_targets_units() {
    // A target far from 0 with a large spread: the folded scaling must put it back.
    let d = dataset("a,y", &table(400, 1, 7, |x| format!("{:.2}", 5_000.0 + 300.0 * x[0] * x[0])));
    let model = fit(&d, &TrainSettings { hidden: vec![16], learning_rate: 1e-2, ..Default::default() });
    let rmse = mse(&model, &d, &d.test).sqrt();
    assert!(rmse < 20.0, "rmse {rmse}");
}

#[test]
fn progress_reports_every_epoch_and_cancel_stops() {
    let d = dataset("a,b,y", &table(200, 2, 8, |x| format!("{:.4}", x[0] * x[1])));
    let settings = TrainSettings { hidden: vec![8], epochs: 5, patience: 100, ..Default::default() };
    let training = Training::new(&d, &settings).unwrap();
    let mut seen = Vec::new();
    train(&training, &settings, &Cancel::new(), &mut |e, n, loss| seen.push((e, n, loss.is_finite()))).unwrap();
    assert_eq!(seen, (1..=5).map(|e| (e, 5, true)).collect::<Vec<_>>());

    let cancel = Cancel::new();
    let mut epochs = 0;
    let e = train(&training, &settings, &cancel, &mut |_, _, _| {
        epochs += 1;
        cancel.cancel();
    })
    .unwrap_err();
    assert_eq!((e, epochs), (FitError::Cancelled, 1));
}

#[test]
fn a_diverging_loss_is_reported() {
    let d = dataset("a,b,y", &table(200, 2, 9, |x| format!("{:.4}", x[0] * x[1])));
    let settings = TrainSettings { hidden: vec![8], learning_rate: 1e30, ..Default::default() };
    let training = Training::new(&d, &settings).unwrap();
    let e = train(&training, &settings, &Cancel::new(), &mut |_, _, _| {}).unwrap_err();
    assert!(matches!(e, FitError::NotFinite { .. }), "{e:?}");
    assert!(e.to_string().contains("diverged"), "{e}");
}

#[test]
fn bad_settings_name_the_field() {
    let d = dataset("a,b,y", &table(50, 2, 10, |x| format!("{:.4}", x[0] + x[1])));
    let cases: Vec<(&str, TrainSettings)> = vec![
        ("hidden", TrainSettings { hidden: vec![8, 0], ..Default::default() }),
        ("hidden", TrainSettings { hidden: vec![100_000], ..Default::default() }),
        ("epochs", TrainSettings { epochs: 0, ..Default::default() }),
        ("batch_size", TrainSettings { batch_size: 0, ..Default::default() }),
        ("learning_rate", TrainSettings { learning_rate: 0.0, ..Default::default() }),
        ("learning_rate", TrainSettings { learning_rate: f64::NAN, ..Default::default() }),
        ("weight_decay", TrainSettings { weight_decay: -1.0, ..Default::default() }),
        ("patience", TrainSettings { patience: 0, ..Default::default() }),
        ("validation_fraction", TrainSettings { validation_fraction: 0.6, ..Default::default() }),
        ("validation_fraction", TrainSettings { validation_fraction: -0.1, ..Default::default() }),
    ];
    for (field, settings) in cases {
        let e = settings.check(&d).unwrap_err();
        let FitError::Setting { name, .. } = &e else { panic!("{field}: {e:?}") };
        assert_eq!(*name, field);
        assert!(e.to_string().contains(field), "{e}");
        assert_eq!(Training::new(&d, &settings).unwrap_err(), e);
    }
    assert_eq!(TrainSettings::default().check(&d), Ok(()));
    let e = TrainSettings { hidden: vec![8, 0], ..Default::default() }.check(&d).unwrap_err();
    assert_eq!(e.to_string(), "training setting 'hidden': a layer width of 0");
}

#[test]
fn data_that_cannot_be_trained_on_is_refused() {
    let settings = TrainSettings::default();
    let d = dataset("a,b,class", &table(60, 2, 11, |x| (if x[0] > 0.0 { "up" } else { "down" }).to_string()));
    let Target::Classification { classes, labels } = &d.target else { panic!() };

    let mut one = d.clone();
    let up = classes.iter().position(|c| c == "up").unwrap() as u32;
    one.train.retain(|&r| labels[r] == up);
    assert_eq!(Training::new(&one, &settings).unwrap_err(), FitError::OneClass { class: "up".into() });
    assert!(settings.check(&one).unwrap_err().to_string().contains("'up'"));

    assert_eq!(Training::with_features(&d, &[], &settings).unwrap_err(), FitError::NoFeatures);
    assert_eq!(
        Training::with_features(&d, &[0, 5], &settings).unwrap_err(),
        FitError::UnknownFeature { index: 5, features: 2 }
    );
    let mut none = d.clone();
    none.train.clear();
    assert_eq!(Training::new(&none, &settings).unwrap_err(), FitError::NoRows);
    let mut single = d.clone();
    single.train.truncate(1);
    assert_eq!(Training::new(&single, &settings).unwrap_err(), FitError::TooFewRows { rows: 1, needed: 2 });
    // Without a validation share two rows will do for one feature (for regression; one row is
    // one class), but not one row: no more rows than features.
    let r = dataset("a,y", &table(30, 1, 12, |x| format!("{:.3}", x[0])));
    let mut two = r.clone();
    two.train.truncate(2);
    assert!(Training::new(&two, &TrainSettings { validation_fraction: 0.0, ..Default::default() }).is_ok());
    two.train.truncate(1);
    assert_eq!(
        Training::new(&two, &TrainSettings { validation_fraction: 0.0, ..Default::default() }).unwrap_err(),
        FitError::MoreFeaturesThanRows { rows: 1, features: 1 }
    );
}

#[test]
fn a_subset_of_features_trains_on_those_columns() {
    let d = dataset("noise,a,y", &table(300, 2, 13, |x| format!("{:.4}", 3.0 * x[1])));
    let settings = TrainSettings::default();
    let training = Training::with_features(&d, &[1], &settings).unwrap();
    assert_eq!(training.features(), &[1]);
    assert_eq!(training.fit_rows().len() + training.validation_rows().len(), d.train.len());
    let model = train(&training, &settings, &Cancel::new(), &mut |_, _, _| {}).unwrap();
    assert_eq!(model.widths(), vec![1, 1]);
    assert!((f64::from(model.layers[0].weights[[0, 0]] / model.inputs.std[0]) - 3.0).abs() < 1e-3);
    let Target::Regression(t) = &d.target else { panic!() };
    let p = model.predict_features(&d, &[1], &d.test);
    for (i, &r) in d.test.iter().enumerate() {
        assert!((f64::from(p[[i, 0]]) - t.values[r]).abs() < 1e-3, "row {r}");
    }
}
