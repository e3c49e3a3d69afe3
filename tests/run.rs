//! The one door: jobs through `run::run`, with cancellation and thread-count independence.

use occam::control::{Cancel, FrozenClock, Silent};
use occam::run::{run, Action, DataSource, Job, RunError};

fn describe(data: DataSource) -> Result<occam::report::Report, RunError> {
    run(&Job { seed: 7, ..Job::new(data, Action::Describe) }, &Silent, &Cancel::new(), &FrozenClock)
}

#[test]
fn every_example_loads_and_is_described() {
    for example in occam::examples::EXAMPLES {
        let report = describe(DataSource::Example { id: example.id.into() }).unwrap();
        assert!(report.dataset.rows > 0, "{}", example.id);
        assert!(report.columns.iter().any(|c| c.name == example.target), "{}: no target column", example.id);
        assert!(report.warnings.is_empty(), "{}: {:?}", example.id, report.warnings);
    }
}

#[test]
fn kepler_statistics() {
    let report = describe(DataSource::Example { id: "kepler".into() }).unwrap();
    assert_eq!((report.dataset.rows, report.dataset.columns), (10, 3));
    let t = &report.columns[2];
    assert_eq!((t.name.as_str(), t.kind.as_str(), t.precision), ("T", "numeric", Some(1e-5)));
    assert_eq!((t.min, t.max), (Some(0.24085), Some(247.94)));
    assert_eq!(report.preview[2], vec!["Earth", "1.00000", "1.00002"]);
    assert_eq!(report.seed, 7);
}

#[test]
fn the_same_report_on_one_thread_and_on_four() {
    let mut text = String::from("a,b,c,d,e\n");
    for i in 0..5000u64 {
        let x = (i * 2654435761) % 1000;
        text.push_str(&format!("{x},{},{}.{},{},k{}\n", x * x, i % 97, i % 10, i % 3, i % 11));
    }
    let job = || DataSource::Csv { name: "t.csv".into(), bytes: text.clone().into_bytes() };
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let mut report = pool.install(|| describe(job())).unwrap();
        report.threads = 0;
        report
    };
    assert_eq!(on(1), on(4));
}

#[test]
fn cancel_stops_the_job() {
    let cancel = Cancel::new();
    cancel.cancel();
    let job = Job::new(DataSource::Example { id: "iris".into() }, Action::Describe);
    assert_eq!(run(&job, &Silent, &cancel, &FrozenClock), Err(RunError::Cancelled));
}

#[test]
fn an_unknown_example_is_named() {
    let e = describe(DataSource::Example { id: "mars".into() }).unwrap_err();
    assert_eq!(e.to_string(), "there is no example 'mars' (there are: kepler, pendulum, free_fall, boyle, decay, balmer, cooling, sound_speed, iris)");
}
