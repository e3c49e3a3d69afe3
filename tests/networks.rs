//! Networks through `run`: training, compression and feature selection, measured in bits.

use occam::control::{Cancel, FrozenClock, Silent};
use occam::report::Report;
use occam::run::{run, Action, CompressSettings, DataSource, Job, RunError, SelectSettings};

fn csv(text: &str) -> DataSource {
    DataSource::Csv { name: "t.csv".into(), bytes: text.as_bytes().to_vec() }
}

/// A small, fast compression run (few generations).
fn quick(hidden: Vec<usize>) -> CompressSettings {
    CompressSettings { hidden, epochs: Some(60), generations: Some(3), population: Some(8), ..Default::default() }
}

fn compress(data: DataSource, target: &str, settings: CompressSettings) -> Result<Report, RunError> {
    let job = Job { target: Some(target.into()), ..Job::new(data, Action::Compress(settings)) };
    run(&job, &Silent, &Cancel::new(), &FrozenClock)
}

/// y = sin(x₁)·x₂ + noise, with a useless column.
fn nonlinear_table(rows: usize) -> String {
    let mut text = String::from("x1,x2,noise,y\n");
    let mut s = 99u64;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % 10_000) as f64 / 10_000.0
    };
    for _ in 0..rows {
        let (a, b, n) = (next() * 6.0 - 3.0, next() * 2.0 - 1.0, next());
        let y = libm::sin(a) * b + 0.01 * (next() - 0.5);
        text.push_str(&format!("{a:.4},{b:.4},{n:.4},{y:.4}\n"));
    }
    text
}

#[test]
fn iris_networks_beat_the_null_model_and_every_variant_is_measured() {
    let report = compress(DataSource::Example { id: "iris".into() }, "species", quick(vec![16])).unwrap();
    // On 120 rows no network pays for itself against the class frequencies (MDL says so), but
    // given the network the labels cost a fraction of the null model's bits.
    let null = report.baselines.iter().find(|b| b.name == "null").expect("a null baseline").total_bits;
    let best = &report.candidates[report.best.unwrap()];
    assert!(best.data_bits < null / 2.0, "best's data bits {} vs null {null}", best.data_bits);
    for family in ["mlp", "logistic"] {
        let float32 =
            report.candidates.iter().find(|c| c.family == family && c.compression.as_deref() == Some("float32"));
        let float32 = float32.unwrap_or_else(|| panic!("no float32 {family}"));
        assert!(float32.test.accuracy.unwrap() > 0.85, "{family}: {:?}", float32.test);
        assert!(float32.params.unwrap() > 0);
    }
    for method in ["quantised", "pruned", "low rank", "searched"] {
        assert!(report.candidates.iter().any(|c| c.compression.as_deref() == Some(method)), "no {method} variant");
    }
    // A 4-bit network is much shorter than its float32 original.
    let mlp = |m: &str| report.candidates.iter().find(|c| c.family == "mlp" && c.description.ends_with(m)).unwrap();
    // (8× less than 32 bits a weight, less the scales, histograms and 8-bit biases.)
    assert!(mlp(", 4-bit").model_bits < mlp(", float32").model_bits / 4.0);
    assert!(report.front.contains(&report.best.unwrap()));
}

#[test]
fn a_regression_network_learns_what_the_linear_model_cannot() {
    let report = compress(csv(&nonlinear_table(600)), "y", quick(vec![32, 16])).unwrap();
    let r2 = |family: &str| {
        report
            .candidates
            .iter()
            .find(|c| c.family == family && c.compression.as_deref() == Some("float32"))
            .unwrap()
            .test
            .r2
            .unwrap()
    };
    assert!(r2("mlp") > 0.9, "mlp R² {}", r2("mlp"));
    assert!(r2("linear") < 0.5, "linear R² {}", r2("linear"));
    // The network's data bits are far fewer; whether that pays for its weights is MDL's call.
    let data = |family: &str| {
        report.candidates.iter().filter(|c| c.family == family).map(|c| c.data_bits).fold(f64::INFINITY, f64::min)
    };
    assert!(data("mlp") + 300.0 < data("linear"), "mlp {} linear {}", data("mlp"), data("linear"));
}

#[test]
fn compression_is_the_same_on_one_thread_and_on_four() {
    let text = nonlinear_table(300);
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut report = pool.install(|| compress(csv(&text), "y", quick(vec![8]))).unwrap();
        report.threads = 0;
        report
    };
    assert_eq!(on(1), on(4));
}

#[test]
fn selection_keeps_the_informative_columns() {
    let job = Job {
        target: Some("y".into()),
        ..Job::new(
            csv(&nonlinear_table(600)),
            Action::Select(SelectSettings { hidden: vec![16], top_k: Some(2), ..Default::default() }),
        )
    };
    let report = run(&job, &Silent, &Cancel::new(), &FrozenClock).unwrap();
    let kept: Vec<&str> = report.importance.iter().filter(|f| f.selected).map(|f| f.feature.as_str()).collect();
    assert_eq!(kept, vec!["x1", "x2"]);
    let noise = report.importance.iter().find(|f| f.feature == "noise").unwrap();
    let x1 = report.importance.iter().find(|f| f.feature == "x1").unwrap();
    assert!(
        x1.permutation_bits > 100.0 && noise.permutation_bits < x1.permutation_bits / 10.0,
        "{:?}",
        report.importance
    );
    // All features, the refit on the chosen two, and the null model, on the same scale.
    assert_eq!(report.candidates.len(), 3);
    assert!(report.candidates[1].model_bits < report.candidates[0].model_bits);
    assert_eq!(report.candidates[2].family, "null");
}

#[test]
fn bad_settings_and_impossible_tables_are_named() {
    let e = compress(
        DataSource::Example { id: "iris".into() },
        "species",
        CompressSettings { hidden: vec![0], ..quick(vec![]) },
    )
    .unwrap_err();
    assert!(e.to_string().contains("hidden"), "{e}");
    let one_class = "a,b,c\n1,2,x\n2,3,x\n3,4,x\n4,5,x\n5,6,x\n";
    let e = compress(csv(one_class), "c", quick(vec![4])).unwrap_err().to_string();
    assert!(e.contains("class") || e.contains("same value in every row"), "{e}");
    let mut wide = String::from("a,b,c,d,e,f,y\n");
    for r in 0..6 {
        wide.push_str(&format!("{r},{},{},{},{},{},{}\n", r * r, r % 2, r % 3, 7 - r, r * 3 % 5, r as f64 * 0.5));
    }
    let e = compress(csv(&wide), "y", quick(vec![4])).unwrap_err().to_string();
    assert!(e.contains("training rows for 6 features"), "{e}");
    let empty = Job {
        target: Some("y".into()),
        ..Job::new(csv(&nonlinear_table(50)), Action::Select(SelectSettings { top_k: Some(0), ..Default::default() }))
    };
    let e = run(&empty, &Silent, &Cancel::new(), &FrozenClock).unwrap_err().to_string();
    assert!(e.contains("empty selection"), "{e}");
    let bad = Job {
        target: Some("y".into()),
        ..Job::new(
            csv(&nonlinear_table(50)),
            Action::Select(SelectSettings { measure: "vibes".into(), ..Default::default() }),
        )
    };
    let e = run(&bad, &Silent, &Cancel::new(), &FrozenClock).unwrap_err();
    assert!(e.to_string().contains("measure"), "{e}");
}

#[test]
fn cancel_stops_training() {
    let cancel = Cancel::new();
    cancel.cancel();
    let job = Job::new(DataSource::Example { id: "iris".into() }, Action::Compress(quick(vec![8])));
    assert_eq!(run(&job, &Silent, &cancel, &FrozenClock).unwrap_err(), RunError::Cancelled);
}
