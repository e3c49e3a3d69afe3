//! The command-line tool as a user runs it: exit status and output.

use std::process::Command;

fn occam(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_occam")).args(args).output().expect("runs occam");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
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
