//! The law drawn over the data: what `#fit-plot` and `occam … --fit-plot` show for one
//! candidate. With one input, the measured points (target against that input) and the
//! candidate's curve through them; with several, each row's prediction against its measurement
//! and the diagonal where they agree.
//!
//! The page's main thread has no dataset, only the [`Sample`] the table's description carries,
//! and each candidate's exact [`expression`](super::Candidate::expression): evaluating a
//! formula on a few hundred points is the only arithmetic done here, so [`picture`] runs
//! wherever the plot is drawn, natively or in the page, with the same result.

use super::{Candidate, Report, Sample};
use crate::expr::{self, Columns, Evaluator, Expr};

/// Points of the curve drawn across the input's range.
pub const CURVE_POINTS: usize = 240;

/// What the fit plot shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub mode: Mode,
    /// The horizontal axis's column (the input, or the measured target in [`Mode::Parity`]).
    pub x_name: String,
    /// The target's name.
    pub y_name: String,
    /// The measured rows: (input, target), or (measured, predicted) in [`Mode::Parity`].
    pub points: Vec<(f64, f64)>,
    /// The candidate's curve over the input's range (empty when it cannot be drawn: a network,
    /// or a formula over columns the sample lacks).
    pub curve: Vec<(f64, f64)>,
    /// The candidate drawn, an index into the report's candidates.
    pub candidate: Option<usize>,
}

impl Picture {
    /// Whether the curve is drawn on log–log axes: when every point is positive and both the
    /// input and the target span two decades or more. A power law is then a straight line whose
    /// slope is its exponent (Kepler's T ∝ a^1.5), and the inner planets do not bunch at zero.
    pub fn log_axes(&self) -> bool {
        if self.mode != Mode::Curve || self.points.is_empty() {
            return false;
        }
        let spans = |v: &mut dyn Iterator<Item = f64>| {
            let (lo, hi) = v.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(x), hi.max(x)));
            lo > 0.0 && hi / lo >= 100.0
        };
        let all = || self.points.iter().chain(&self.curve);
        spans(&mut all().map(|p| p.0)) && spans(&mut all().map(|p| p.1))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The target against one input, with the candidate's curve.
    Curve,
    /// Predicted against measured, for a candidate of several inputs.
    Parity,
}

/// The picture of candidate `chosen` (else the best) of `report` over `sample`: None when the
/// target is not a numeric column of the sample (a classification, or no table yet).
pub fn picture(report: &Report, sample: &Sample, chosen: Option<usize>) -> Option<Picture> {
    let target = report.dataset.target.as_deref()?;
    let y = sample.column(target)?;
    let index = chosen.or(report.best).filter(|&i| i < report.candidates.len());
    let features = &report.dataset.features;
    let parse = |c: &Candidate| parse(c, features.len());
    let candidate = index.map(|i| &report.candidates[i]);
    let expr = candidate.and_then(parse);
    let used: Vec<String> = expr.as_ref().map_or_else(Vec::new, |e| names_of(e, features));
    let inputs: Vec<&str> =
        features.iter().map(String::as_str).filter(|f| sample.column(source(f).0).is_some()).collect();
    // The input to draw against: the candidate's own, else the best's, else the only one.
    let best_single = report
        .best
        .and_then(|b| report.candidates.get(b))
        .and_then(parse)
        .map(|e| names_of(&e, features))
        .filter(|n| n.len() == 1);
    let x_name = match used.len() {
        1 => Some(used[0].clone()),
        0 => best_single.map(|n| n[0].clone()).or_else(|| (inputs.len() == 1).then(|| inputs[0].to_string())),
        _ => None,
    };
    let picture = |mode, x_name: String, points, curve| Picture {
        mode,
        x_name,
        y_name: target.to_string(),
        points,
        curve,
        candidate: index,
    };
    match x_name.and_then(|name| sample.column(source(&name).0).map(|x| (name, x))) {
        Some((name, x)) => {
            // Drawn against the column as measured (°C, not kelvin), the formula read at each
            // point plus what the feature adds.
            let points = pairs(&x, &y);
            let curve = expr.as_ref().map_or_else(Vec::new, |e| curve(e, features, &name, &points));
            Some(picture(Mode::Curve, source(&name).0.to_string(), points, curve))
        }
        None => {
            // Several inputs: each row's prediction against its measurement.
            let predicted = expr.as_ref().and_then(|e| predict(e, features, sample));
            let points = match predicted {
                Some(p) => pairs(&y, &p),
                None => Vec::new(),
            };
            Some(picture(Mode::Parity, target.to_string(), points, Vec::new()))
        }
    }
}

/// The sample's column a feature reads, and what the feature adds to its values: the column of
/// the same name, or for a reading made absolute (`T [C] + 273.15`) the reading's column and its
/// scale's zero.
fn source(feature: &str) -> (&str, f64) {
    match crate::units::split_absolute(feature) {
        Some((column, scale)) => (column, scale.zero()),
        None => (feature, 0.0),
    }
}

/// The candidate's exact formula, over x0, x1, … (the report's `features` features).
fn parse(c: &Candidate, features: usize) -> Option<Expr> {
    let text = c.expression.as_deref()?;
    let names: Vec<String> = (0..features).map(|j| format!("x{j}")).collect();
    expr::parse(text, &names.iter().map(String::as_str).collect::<Vec<_>>()).ok()
}

/// The feature names a formula reads.
fn names_of(e: &Expr, features: &[String]) -> Vec<String> {
    e.variables().into_iter().filter_map(|j| features.get(usize::from(j)).cloned()).collect()
}

/// The finite (x, y) pairs, row by row.
fn pairs(x: &[f64], y: &[f64]) -> Vec<(f64, f64)> {
    x.iter().zip(y).map(|(&a, &b)| (a, b)).filter(|(a, b)| a.is_finite() && b.is_finite()).collect()
}

/// A formula of one input (or none) across the range of the measured inputs, at evenly spaced
/// points; values that are not finite are left out (a curve with a pole has a gap).
fn curve(e: &Expr, features: &[String], x_name: &str, points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let (lo, hi) = points.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
    if !(lo.is_finite() && hi.is_finite()) {
        return Vec::new();
    }
    let last = CURVE_POINTS - 1;
    let xs: Vec<f64> =
        (0..CURVE_POINTS).map(|i| if i == last { hi } else { lo + (hi - lo) * i as f64 / last as f64 }).collect();
    // Every feature column reads the grid: the formula uses at most the one named `x_name`.
    let grid_for = |j: usize| features.get(j).is_some_and(|f| f == x_name);
    let width = e.variables().last().map_or(0, |&j| usize::from(j) + 1);
    let nan = vec![f64::NAN; xs.len()];
    let zero = source(x_name).1;
    let read: Vec<f64> = xs.iter().map(|x| x + zero).collect();
    let columns: Vec<&[f64]> = (0..width).map(|j| if grid_for(j) { read.as_slice() } else { nan.as_slice() }).collect();
    let ys = evaluate(e, columns, xs.len());
    xs.into_iter().zip(ys).filter(|(_, y)| y.is_finite()).collect()
}

/// The formula on every sampled row; None when it reads a column the sample lacks.
fn predict(e: &Expr, features: &[String], sample: &Sample) -> Option<Vec<f64>> {
    let rows = sample.rows();
    let width = e.variables().last().map_or(0, |&j| usize::from(j) + 1);
    let used = e.variables();
    let mut owned = Vec::with_capacity(width);
    for j in 0..width {
        owned.push(if used.contains(&(j as u16)) {
            let (column, zero) = source(features.get(j)?);
            sample.column(column)?.into_iter().map(|x| x + zero).collect()
        } else {
            vec![f64::NAN; rows]
        });
    }
    Some(evaluate(e, owned.iter().map(Vec::as_slice).collect(), rows))
}

fn evaluate(e: &Expr, columns: Vec<&[f64]>, rows: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; rows];
    if let Ok(data) = Columns::new(columns, rows) {
        // The portable evaluator: the same values natively and in wasm.
        let _ = Evaluator::portable().eval(e, &data, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{DatasetInfo, SampleColumn};

    fn kepler() -> (Report, Sample) {
        let a = vec![0.387, 0.723, 1.0, 1.524, 5.203];
        let t: Vec<f64> = a.iter().map(|v: &f64| v.powf(1.5)).collect();
        let sample = Sample {
            columns: vec![
                SampleColumn { name: "a".into(), values: a.iter().map(|&v| Some(v)).collect() },
                SampleColumn { name: "T".into(), values: t.iter().map(|&v| Some(v)).collect() },
            ],
        };
        let formula =
            |e: &str| Candidate { family: "formula".into(), expression: Some(e.into()), ..Default::default() };
        let report = Report {
            dataset: DatasetInfo { target: Some("T".into()), features: vec!["a".into()], ..Default::default() },
            candidates: vec![
                formula("x0**(3/2)"),
                formula("1.2"),
                Candidate { family: "mlp".into(), ..Default::default() },
            ],
            best: Some(0),
            ..Default::default()
        };
        (report, sample)
    }

    #[test]
    fn one_input_draws_the_points_and_the_curve_through_them() {
        let (report, sample) = kepler();
        let p = picture(&report, &sample, None).unwrap();
        assert_eq!((p.mode, p.x_name.as_str(), p.y_name.as_str()), (Mode::Curve, "a", "T"));
        assert_eq!(p.points.len(), 5);
        assert_eq!(p.curve.len(), CURVE_POINTS);
        assert_eq!(p.curve[0].0, 0.387);
        assert_eq!(p.curve.last().unwrap().0, 5.203);
        for (x, y) in &p.curve {
            assert!((y - x.powf(1.5)).abs() < 1e-12, "{x} {y}");
        }
        // a from 0.387 to 5.2 is not two decades: linear axes.
        assert!(!p.log_axes());
        // The mean is drawn against the best's input, flat; a network shows the points alone.
        let mean = picture(&report, &sample, Some(1)).unwrap();
        assert_eq!(mean.x_name, "a");
        assert!(mean.curve.iter().all(|&(_, y)| y == 1.2));
        let network = picture(&report, &sample, Some(2)).unwrap();
        assert_eq!((network.points.len(), network.curve.len()), (5, 0));
    }

    #[test]
    fn a_law_over_decades_is_drawn_on_log_axes() {
        let (mut report, mut sample) = kepler();
        let a = [0.387, 1.0, 5.2, 39.5];
        sample.columns[0].values = a.iter().map(|&v| Some(v)).collect();
        sample.columns[1].values = a.iter().map(|&v: &f64| Some(v.powf(1.5))).collect();
        assert!(picture(&report, &sample, None).unwrap().log_axes());
        // A point at zero or below: linear.
        sample.columns[0].values[0] = Some(0.0);
        report.candidates[0].expression = Some("x0".into());
        assert!(!picture(&report, &sample, None).unwrap().log_axes());
    }

    #[test]
    fn several_inputs_draw_predicted_against_measured() {
        let (mut report, mut sample) = kepler();
        sample.columns.insert(1, SampleColumn { name: "b".into(), values: vec![Some(1.0); 5] });
        report.dataset.features = vec!["a".into(), "b".into()];
        report.candidates[0].expression = Some("x0**(3/2)*x1".into());
        let p = picture(&report, &sample, None).unwrap();
        assert_eq!(p.mode, Mode::Parity);
        assert_eq!(p.points.len(), 5);
        for (measured, predicted) in &p.points {
            assert!((measured - predicted).abs() < 1e-12);
        }
        // A classification, or a target the sample lacks: no picture.
        report.dataset.target = Some("species".into());
        assert!(picture(&report, &sample, None).is_none());
    }

    #[test]
    fn an_absolute_temperature_is_drawn_against_the_reading() {
        // The speed of sound against T in °C, searched as T [C] + 273.15.
        let (mut report, mut sample) = kepler();
        let t = [-20.0, 0.0, 20.0, 40.0];
        sample.columns[0] = SampleColumn { name: "T [C]".into(), values: t.iter().map(|&v| Some(v)).collect() };
        sample.columns[1] = SampleColumn {
            name: "c".into(),
            values: t.iter().map(|&v: &f64| Some(20.0 * (v + 273.15).sqrt())).collect(),
        };
        report.dataset.target = Some("c".into());
        report.dataset.features = vec!["T [C] + 273.15".into()];
        report.candidates[0].expression = Some("20*sqrt(x0)".into());
        let p = picture(&report, &sample, None).unwrap();
        assert_eq!((p.mode, p.x_name.as_str()), (Mode::Curve, "T [C]"));
        assert_eq!((p.curve[0].0, p.curve.last().unwrap().0), (-20.0, 40.0));
        for (x, y) in p.curve.iter().chain(&p.points) {
            assert!((y - 20.0 * (x + 273.15).sqrt()).abs() < 1e-9, "{x} {y}");
        }
        // The mean too is drawn against the reading.
        assert_eq!(picture(&report, &sample, Some(1)).unwrap().x_name, "T [C]");
    }
}
