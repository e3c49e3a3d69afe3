//! The command-line tool as a user runs it: exit status and output.

use std::process::Command;

fn occam(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_occam")).args(args).output().expect("runs occam");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn temp_csv(name: &str, text: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("occam-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn inspect_prints_the_schema() {
    let (code, out, _) = occam(&["inspect", "web/examples/kepler.csv"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("web/examples/kepler.csv: 10 rows, 3 columns\n"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("T ") && l.contains("numeric") && l.contains("0.00001")), "{out}");
}

#[test]
fn inspect_json_is_the_report() {
    let (code, out, _) = occam(&["inspect", "web/examples/iris.csv", "--json"]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["dataset"]["rows"], 150);
    assert_eq!(report["columns"][4]["kind"], "categorical");
    assert_eq!(report["columns"][4]["levels"][0][0], "setosa");
}

#[test]
fn bad_input_exits_2_with_the_position() {
    let path = temp_csv("ragged.csv", b"x,y\n1,2\n3,4,5\n");
    let (code, _, err) = occam(&["inspect", path.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.ends_with("ragged.csv: line 3: found 3 fields, the header has 2\n"), "{err}");
    let (code, _, err) = occam(&["inspect", "no/such/file.csv"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read no/such/file.csv"), "{err}");
}

/// Encodes with `model`, decodes against the features only, and checks the column comes back
/// and the file's size is the coded total; gives the encoder's summary.
fn round_trip(data: &str, target: &str, model: &str, extra: &[&str]) -> serde_json::Value {
    let file = temp_csv(&format!("{model}-{target}.occam"), b"");
    let mut args = vec!["encode", data, "--target", target, "--model", model, "-o", file.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let (code, out, err) = occam(&args);
    assert_eq!(code, 0, "{err}");
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    let (file_bits, total) = (summary["file_bits"].as_f64().unwrap(), summary["total_bits"].as_f64().unwrap());
    assert!((file_bits - total).abs() <= 0.01 * total + 64.0, "{file_bits} bits in the file, {total} reported");

    // The receiver's table: every column but the target.
    let text = std::fs::read_to_string(data).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let t = header.iter().position(|h| *h == target).unwrap();
    let cut =
        |line: &str| line.split(',').enumerate().filter(|(i, _)| *i != t).map(|(_, c)| c).collect::<Vec<_>>().join(",");
    let features = temp_csv(
        &format!("features-{model}-{target}.csv"),
        text.lines().map(cut).collect::<Vec<_>>().join("\n").as_bytes(),
    );
    let decoded = temp_csv(&format!("decoded-{model}-{target}.csv"), b"");
    let (code, _, err) =
        occam(&["decode", file.to_str().unwrap(), features.to_str().unwrap(), "-o", decoded.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let back = std::fs::read_to_string(&decoded).unwrap();
    let original: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').nth(t).unwrap()).collect();
    let values: Vec<&str> = back.lines().skip(1).collect();
    assert_eq!(values.len(), original.len());
    for (v, o) in values.iter().zip(&original) {
        // Numbers come back at the column's step ("4.6041" as "4.60410"), labels as their text.
        match (v.parse::<f64>(), o.parse::<f64>()) {
            (Ok(v), Ok(o)) => assert_eq!(v, o),
            _ => assert_eq!(v, o),
        }
    }
    summary
}

#[test]
fn encode_and_decode_give_back_the_column() {
    // A small table is scored on every row, so the search's total for the program is the file.
    for (model, extra) in [("formula", &["--generations", "30"][..]), ("mlp", &["--hidden", "4"][..])] {
        let summary = round_trip("web/examples/kepler.csv", "T", model, extra);
        let (file_bits, reported) =
            (summary["file_bits"].as_f64().unwrap(), summary["reported_bits"].as_f64().unwrap());
        assert!(
            (file_bits - reported).abs() <= 0.01 * reported + 64.0,
            "{model}: {file_bits} bits in the file, {reported} reported by the search"
        );
    }
    round_trip("web/examples/kepler.csv", "T", "null", &[]);
    round_trip("web/examples/iris.csv", "species", "mlp", &["--hidden", "8"]);
    round_trip("web/examples/iris.csv", "species", "linear", &[]);
}
