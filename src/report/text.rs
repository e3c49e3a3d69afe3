//! Reports as plain-text tables for the terminal.

use super::Report;
use crate::prepare::Validation;
use crate::words::{self, Lang};

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
        let num = |v: Option<f64>| v.map(statistic);
        let levels: Vec<String> = c.levels.iter().take(4).map(|(l, n)| format!("{l} ({n})")).collect();
        rows.push(vec![
            c.name.clone(),
            c.kind.clone(),
            c.missing.to_string(),
            c.distinct.to_string(),
            c.decimals.map(crate::data::number::step_text).unwrap_or_default(),
            num(c.min).unwrap_or_default(),
            num(c.max).unwrap_or_default(),
            num(c.mean).unwrap_or_default(),
            levels.join(", "),
        ]);
    }
    align(&rows)
}

/// A column's statistic at seven significant digits or six decimals: "2.333333", "1.5e-30".
fn statistic(v: f64) -> String {
    let trim = |t: &str| t.trim_end_matches('0').trim_end_matches('.').to_string();
    if v != 0.0 && !(1e-4..1e15).contains(&v.abs()) {
        let text = format!("{v:.6e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        format!("{}e{exponent}", trim(mantissa))
    } else {
        trim(&format!("{v:.6}"))
    }
}

/// The widest a cell of a padded column is shown, in characters; longer text (a name from the
/// file, which may be any length) is cut with an ellipsis, so that the padding depends on the
/// table's shape, never on what a cell holds. The last column is not padded and is shown whole
/// (a formula, or a column's levels).
const MAX_CELL: usize = 48;

fn align(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().enumerate().map(|(i, c)| if i + 1 < width { clipped(c) } else { c.clone() }).collect())
        .collect();
    let widths: Vec<usize> =
        (0..width).map(|i| rows.iter().map(|r| r.get(i).map_or(0, |c| c.chars().count())).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, c) in row.iter().enumerate() {
            if i > 0 {
                line.push_str("  ");
            }
            line.push_str(c);
            if i + 1 < width {
                line.extend(std::iter::repeat_n(' ', widths[i] - c.chars().count()));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `text` cut to [`MAX_CELL`] characters, the last of them an ellipsis.
fn clipped(text: &str) -> String {
    match text.char_indices().nth(MAX_CELL - 1) {
        Some((end, _)) if text.chars().count() > MAX_CELL => format!("{}…", &text[..end]),
        _ => text.to_string(),
    }
}

/// The formulas of a search as an aligned table (shortest model first), the best marked, then
/// the baselines and a one-line summary.
pub fn front_table(report: &Report) -> String {
    let d = &report.dataset;
    let mut out = format!(
        "{}: target '{}', {} training rows, {} test rows, step {}\n\n",
        d.name,
        d.target.as_deref().unwrap_or("?"),
        d.train_rows,
        d.test_rows,
        d.precision.map(|p| format!("{p}")).unwrap_or_else(|| "-".into())
    );
    if !d.units.is_empty() {
        let units: Vec<String> = d.units.iter().map(|(name, dim)| format!("{name}: {dim}")).collect();
        out.insert_str(
            out.len() - 1,
            &format!("units: {} (formulas whose units do not work out are left out)\n", units.join(", ")),
        );
    }
    let mut rows = vec![vec![
        "".to_string(),
        "model bits".into(),
        "data bits".into(),
        "total".into(),
        match (d.task.as_deref(), d.validation) {
            (Some("classification"), Some(Validation::LeaveOneOut)) => "LOO accuracy",
            (Some("classification"), _) => "accuracy",
            (_, Some(Validation::LeaveOneOut)) => "LOO R²",
            _ => "test R²",
        }
        .into(),
        "family".into(),
        "program".into(),
    ]];
    for (i, c) in report.candidates.iter().enumerate() {
        let test =
            c.test.r2.map(|r| format!("{r:.6}")).or_else(|| c.test.accuracy.map(|a| format!("{:.1}%", 100.0 * a)));
        rows.push(vec![
            if report.best == Some(i) { "*".into() } else { "".into() },
            format!("{:.1}", c.model_bits),
            format!("{:.1}", c.data_bits),
            format!("{:.1}", c.total_bits),
            test.unwrap_or_else(|| "-".into()),
            c.family.clone(),
            c.formula.clone().unwrap_or_else(|| c.description.clone()),
        ]);
    }
    out.push_str(&align(&rows));
    if !report.baselines.is_empty() {
        out.push('\n');
        for b in &report.baselines {
            out.push_str(&format!("baseline {:<10} {:>10.1} bits\n", b.name, b.total_bits));
        }
    }
    if let Some(best) = report.best.and_then(|b| report.candidates.get(b)).filter(|b| b.family == "null") {
        out.push_str(&format!(
            "\nbest: {} (the null model, {:.1} bits): no program found is shorter than {}; with {} rows, a law must save more bits than its own symbols and constants cost\n",
            best.formula.as_deref().unwrap_or(&best.description),
            best.total_bits,
            best.description,
            d.train_rows
        ));
    } else if let Some(best) = report.best.and_then(|b| report.candidates.get(b)) {
        out.push_str(&format!(
            "\nbest: {} = {}  ({:.1} bits: {:.1} model + {:.1} data + {:.1} header)\n",
            d.target.as_deref().unwrap_or("y"),
            best.formula.as_deref().unwrap_or(&best.description),
            best.total_bits,
            best.model_bits,
            best.data_bits,
            best.header_bits
        ));
    }
    // In the page's words (crate::words), so the command line and the headline say the same;
    // looked up at compile time, so a missing key fails the build.
    const NEAR: &str = words::get(Lang::En, "familiar_near");
    const THAT_IS: &str = words::get(Lang::En, "familiar_same");
    if let Some((c, extra)) = report.familiar() {
        let target = d.target.as_deref().unwrap_or("y");
        let lead = if extra > 0.0 {
            format!("{} ", words::fill(NEAR, &[("bits", &format!("{extra:.1}"))]))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{lead}{target} = {}{} {}\n",
            c.formula.as_deref().unwrap_or(&c.description),
            THAT_IS,
            c.familiar.as_deref().unwrap_or_default()
        ));
    }
    if let Some(s) = &report.search {
        out.push_str(&format!(
            "search: {} generations, {} formulas scored in {:.1} s ({:.0}/s), stopped by {}\n",
            s.generations,
            s.evaluations,
            report.elapsed_s,
            s.evaluations as f64 / report.elapsed_s.max(1e-9),
            s.stop
        ));
        if s.exhaustive_length > 0 {
            let which = if d.units.is_empty() {
                String::new()
            } else {
                format!(" whose units work out ({} of them fitted)", s.exhaustive_fitted)
            };
            out.push_str(&format!(
                "exhaustive: every formula of up to {} symbols{which} was tried, alone and as b·f + a ({} structures, {:.2} s), and the sums and products of {} pairs of short kernels\n",
                s.exhaustive_length, s.exhaustive_structures, s.exhaustive_seconds, s.exhaustive_sums
            ));
        }
        if let Some(groups) = &s.groups {
            out.push_str(&format!(
                "groups: searched first as P·f(π…) over the dimensionless groups of the units, {groups}\n"
            ));
        }
        if let Some(symmetry) = &s.symmetry {
            out.push_str(&format!("symmetry: searched first over one variable fewer, the target depending on two columns only through {symmetry}\n"));
        }
        for relation in &s.relations {
            out.push_str(&format!("relation: {relation}\n"));
        }
    }
    for w in &report.warnings {
        out.push_str(&format!("note: {w}\n"));
    }
    out
}

/// Feature importance as a table, most important (by permutation bits) first.
pub fn importance_table(report: &Report) -> String {
    let mut order: Vec<&super::FeatureImportance> = report.importance.iter().collect();
    order.sort_by(|a, b| b.permutation_bits.total_cmp(&a.permutation_bits));
    let mut rows = vec![vec![
        "".to_string(),
        "feature".into(),
        "permutation bits".into(),
        "support".into(),
        "mutual information".into(),
    ]];
    for f in order {
        rows.push(vec![
            if f.selected { "*".into() } else { "".into() },
            f.feature.clone(),
            format!("{:.1}", f.permutation_bits),
            format!("{:.3}", f.support),
            format!("{:.3} bits", f.mutual_information_bits),
        ]);
    }
    let kept = report.importance.iter().filter(|f| f.selected).count();
    format!("{}kept {kept} of {} features (*)\n\n", align(&rows), report.importance.len())
}

/// The candidates as CSV (one row each, the best marked), for a spreadsheet or a paper.
pub fn candidates_csv(report: &Report) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let _ = w.write_record([
        "best",
        "family",
        "description",
        "formula",
        "latex",
        "python",
        "model_bits",
        "data_bits",
        "total_bits",
        "test_r2",
        "test_accuracy",
        "test_bits_per_row",
        "compression",
        "params",
    ]);
    for (i, c) in report.candidates.iter().enumerate() {
        let _ = w.write_record([
            if report.best == Some(i) { "1".to_string() } else { "0".to_string() },
            c.family.clone(),
            c.description.clone(),
            c.formula.clone().unwrap_or_default(),
            c.latex.clone().unwrap_or_default(),
            c.python.clone().unwrap_or_default(),
            c.model_bits.to_string(),
            c.data_bits.to_string(),
            c.total_bits.to_string(),
            num(c.test.r2),
            num(c.test.accuracy),
            num(c.test.bits_per_row),
            c.compression.clone().unwrap_or_default(),
            c.params.map(|p| p.to_string()).unwrap_or_default(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
