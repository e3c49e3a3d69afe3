//! Time to train a network on a table, and the test accuracy (or RMSE) it reaches: the figure
//! to set beside scikit-learn's MLPClassifier on the digits (1,797 × 64, ten classes).
//!
//! Write the table with
//!   python3 -c 'from sklearn.datasets import load_digits; d = load_digits(); \
//!     open("/tmp/digits.csv", "w").write(",".join(f"p{i}" for i in range(64)) + ",digit\n" + \
//!     "".join(",".join(str(int(v)) for v in x) + f",d{y}\n" for x, y in zip(d.data, d.target)))'
//! and run
//!   cargo run --release --example train_digits -- /tmp/digits.csv [--hidden 64,32] [--threads 2]
//!     [--batch 32] [--lr 0.001] [--epochs 200] [--patience 10] [--activation tanh] [--seeds 1]
//!     [--split-out /tmp/split.txt]
//! The last column is the target; the split is prepare's default (80/20, seed 1). --split-out
//! writes the training and test row numbers (two lines), so that bench/mlp_digits.py gives
//! scikit-learn the same rows.

use std::time::Instant;

use occam::control::Cancel;
use occam::data::{load, LoadOptions};
use occam::model::{train, Activation, Mlp, TrainSettings, Training};
use occam::prepare::{prepare, Dataset, PrepareOptions, Target};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let path = args.first().filter(|a| !a.starts_with("--")).cloned().unwrap_or_else(|| "/tmp/digits.csv".into());
    let mut settings = TrainSettings { hidden: vec![64, 32], ..Default::default() };
    if let Some(h) = flag("--hidden") {
        settings.hidden = h.split(',').filter(|s| !s.is_empty()).map(|s| s.parse().expect("a width")).collect();
    }
    if let Some(v) = flag("--batch") {
        settings.batch_size = v.parse().expect("a batch size");
    }
    if let Some(v) = flag("--lr") {
        settings.learning_rate = v.parse().expect("a learning rate");
    }
    if let Some(v) = flag("--epochs") {
        settings.epochs = v.parse().expect("an epoch count");
    }
    if let Some(v) = flag("--patience") {
        settings.patience = v.parse().expect("a patience");
    }
    if flag("--activation").as_deref() == Some("tanh") {
        settings.activation = Activation::Tanh;
    }
    let seeds: u64 = flag("--seeds").map_or(1, |v| v.parse().expect("a seed count"));
    let threads: usize = flag("--threads").map_or(0, |v| v.parse().expect("a thread count"));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");

    let bytes = std::fs::read(&path).expect("the table");
    let table = load(&path, &bytes, &LoadOptions::default()).expect("a table").table;
    let target = table.columns.last().expect("a column").name.clone();
    let dataset = prepare(&table, &PrepareOptions { target: Some(target), ..Default::default() }).expect("a dataset");
    if let Some(out) = flag("--split-out") {
        let line = |rows: &[usize]| rows.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(",");
        std::fs::write(&out, format!("{}\n{}\n", line(&dataset.train), line(&dataset.test))).expect("the split file");
    }
    println!(
        "{path}: {} rows × {} features, {} training rows; hidden {:?}, batch {}, lr {}, {} threads",
        dataset.rows(),
        dataset.features.len(),
        dataset.train.len(),
        settings.hidden,
        settings.batch_size,
        settings.learning_rate,
        pool.current_num_threads()
    );
    pool.install(|| {
        for seed in 1..=seeds {
            let settings = TrainSettings { seed, ..settings.clone() };
            let start = Instant::now();
            let training = Training::new(&dataset, &settings).expect("trainable");
            let prepared = start.elapsed().as_secs_f64();
            let mut epochs = 0;
            let mut last = f64::NAN;
            let model = train(&training, &settings, &Cancel::new(), &mut |e, _, loss| {
                epochs = e;
                last = loss;
            })
            .expect("a model");
            let seconds = start.elapsed().as_secs_f64();
            println!(
                "seed {seed}: {seconds:.3} s ({:.1} ms preparing), {epochs} epochs ({:.2} ms each), \
                 validation loss {last:.4}, test {}",
                prepared * 1e3,
                (seconds - prepared) * 1e3 / epochs.max(1) as f64,
                score(&model, &dataset)
            );
        }
    });
}

fn score(model: &Mlp, d: &Dataset) -> String {
    let p = model.predict(d, &d.test);
    match &d.target {
        Target::Classification { labels, .. } => {
            let right = d
                .test
                .iter()
                .enumerate()
                .filter(|&(i, &r)| {
                    let row = p.row(i);
                    (0..row.len()).max_by(|&a, &b| row[a].total_cmp(&row[b])) == Some(labels[r] as usize)
                })
                .count();
            format!("accuracy {:.4}", right as f64 / d.test.len() as f64)
        }
        Target::Regression(t) => {
            let se: f64 = d.test.iter().enumerate().map(|(i, &r)| (f64::from(p[[i, 0]]) - t.values[r]).powi(2)).sum();
            format!("rmse {:.5}", (se / d.test.len() as f64).sqrt())
        }
    }
}
