//! Reports as plain-text tables for the terminal.

use super::Report;

/// The dataset's columns as an aligned text table: name, kind, missing, distinct, precision,
/// range and the leading levels.
pub fn schema_table(report: &Report) -> String {
    let mut rows = vec![vec![
        "column".to_string(),
        "kind".into(),
        "missing".into(),
        "distinct".into(),
        "step".into(),
        "min".into(),
        "max".into(),
        "mean".into(),
        "levels".into(),
    ]];
    for c in &report.columns {
        let num = |v: Option<f64>| v.map(|v| format!("{v:.6}").trim_end_matches('0').trim_end_matches('.').to_string());
        let levels: Vec<String> = c.levels.iter().take(4).map(|(l, n)| format!("{l} ({n})")).collect();
        rows.push(vec![
            c.name.clone(),
            c.kind.clone(),
            c.missing.to_string(),
            c.distinct.to_string(),
            c.precision.map(|p| format!("{p}")).unwrap_or_default(),
            num(c.min).unwrap_or_default(),
            num(c.max).unwrap_or_default(),
            num(c.mean).unwrap_or_default(),
            levels.join(", "),
        ]);
    }
    align(&rows)
}

fn align(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|i| rows.iter().map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> =
            row.iter().enumerate().map(|(i, c)| format!("{c:<w$}", w = widths[i])).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}
