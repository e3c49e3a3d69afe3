//! The MDL trade-off curve: every candidate program as a point (model bits, data bits), the
//! Pareto front joined, the shortest total highlighted, and the baselines drawn as lines of
//! equal total length (a point below a baseline's line is a shorter description than it).
//!
//! [`mdl_plot`] draws on any plotters backend: the page passes a canvas, the CLI and the
//! downloads an SVG ([`mdl_plot_svg`]), and the native tests read the SVG. [`fit_plot`] draws
//! the law over the data ([`fit::Picture`](super::fit::Picture)) the same way.
//!
//! Every size (fonts, markers, margins) is given in CSS pixels and multiplied by a `scale`: the
//! page draws on a canvas of its box's size times the device pixel ratio, so the plot is sharp
//! on any screen and its words stay as large as the page's own text.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::fit::{Mode, Picture};
use super::{Candidate, Report};
use crate::words::{self, Lang};

/// Colours of the families, and of the highlight.
const FORMULA: RGBColor = RGBColor(37, 99, 235);
const LINEAR: RGBColor = RGBColor(22, 163, 74);
const NETWORK: RGBColor = RGBColor(234, 88, 12);
const BEST: RGBColor = RGBColor(220, 38, 38);
const BASELINE: RGBColor = RGBColor(120, 120, 120);

/// How a candidate is marked on the plot: by family, and a network by how it was compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A filled circle.
    Formula,
    /// A filled square.
    Linear,
    /// A hollow triangle: a network as trained (float32).
    Network,
    /// A filled triangle: a network with its weights rounded.
    Quantised,
    /// A diamond: a network with its smallest weights set to zero.
    Pruned,
    /// A cross: a network with layers written as two thin matrices.
    LowRank,
    /// A large filled triangle: a network compressed with searched settings.
    Searched,
    /// A grey ring: the mean alone, on its own baseline.
    Null,
    /// The red ring around the shortest total.
    Best,
}

impl Mark {
    pub fn of(c: &Candidate) -> Mark {
        match c.family.as_str() {
            "formula" => Mark::Formula,
            "null" => Mark::Null,
            "linear" | "logistic" => Mark::Linear,
            _ => match c.compression.as_deref() {
                Some("float32") => Mark::Network,
                Some("pruned") => Mark::Pruned,
                Some("low rank") => Mark::LowRank,
                Some("searched") => Mark::Searched,
                _ => Mark::Quantised,
            },
        }
    }
}

/// One line of the plot's legend: its mark (None for the grey baselines, drawn as a line) and
/// the key of its words in the page's texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegendEntry {
    pub mark: Option<Mark>,
    pub key: &'static str,
}

/// The legend of `report`'s plot: an entry for each kind of mark it draws, in a fixed order.
pub fn legend(report: &Report) -> Vec<LegendEntry> {
    let has = |f: &dyn Fn(&Candidate) -> bool| report.candidates.iter().any(f);
    let mut entries = Vec::new();
    let mut add = |mark, key| entries.push(LegendEntry { mark, key });
    if has(&|c| c.family == "formula") {
        add(Some(Mark::Formula), "legend_formula");
    }
    if has(&|c| c.family == "linear" || c.family == "logistic") {
        add(Some(Mark::Linear), "legend_linear");
    }
    if has(&|c| c.family == "mlp") {
        add(Some(Mark::Network), "legend_network");
        add(Some(Mark::Pruned), "legend_pruned");
        add(Some(Mark::LowRank), "legend_low_rank");
    }
    if has(&|c| c.family == "null") {
        add(Some(Mark::Null), "legend_null");
    }
    if report.best.is_some() {
        add(Some(Mark::Best), "legend_best");
    }
    if !report.baselines.is_empty() {
        add(None, "legend_baselines");
    }
    entries
}

/// Draws `mark` at `at` on `area`, in either the chart's coordinates or pixels.
fn draw_mark<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    at: CT::From,
    mark: Mark,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    CT::From: Clone + 'static,
{
    let r = |size: f64| px(size, scale);
    match mark {
        Mark::Formula => area.draw(&Circle::new(at, r(5.0), FORMULA.filled())),
        Mark::Null => area.draw(&Circle::new(at, r(6.0), BASELINE.stroke_width(r(3.0) as u32))),
        Mark::Best => area.draw(&Circle::new(at, r(8.0), BEST.stroke_width(r(3.0) as u32))),
        Mark::Linear => {
            area.draw(&(EmptyElement::at(at) + Rectangle::new([(-r(5.0), -r(5.0)), (r(5.0), r(5.0))], LINEAR.filled())))
        }
        Mark::Network => area.draw(&TriangleMarker::new(at, r(7.0), NETWORK.stroke_width(r(2.0) as u32))),
        Mark::Quantised => area.draw(&TriangleMarker::new(at, r(6.0), NETWORK.filled())),
        Mark::Pruned => area.draw(
            &(EmptyElement::at(at)
                + Polygon::new(vec![(0, -r(6.0)), (r(6.0), 0), (0, r(6.0)), (-r(6.0), 0)], NETWORK.filled())),
        ),
        Mark::LowRank => area.draw(&Cross::new(at, r(5.0), NETWORK.stroke_width(r(2.0) as u32))),
        Mark::Searched => area.draw(&TriangleMarker::new(at, r(9.0), NETWORK.filled())),
    }
}

/// The words on the plot, so the page can draw it in the reader's language.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    pub x: &'a str,
    pub y: &'a str,
    /// "shortest: {bits} bits"
    pub shortest: &'a str,
}

impl Labels<'static> {
    pub const ENGLISH: Labels<'static> = Labels::of(Lang::En);

    /// The plot's words in `lang`, from [`crate::words`].
    pub const fn of(lang: Lang) -> Labels<'static> {
        Labels {
            x: words::get(lang, "plot_x"),
            y: words::get(lang, "plot_y"),
            shortest: words::get(lang, "plot_shortest"),
        }
    }
}

/// A size in CSS pixels at `scale`, in the backend's pixels.
fn px(size: f64, scale: f64) -> i32 {
    (size * scale).round().max(1.0) as i32
}

/// Font sizes in CSS pixels: tick labels, axis titles and notes on the plot.
const TICK_FONT: f64 = 15.0;
const AXIS_FONT: f64 = 16.0;
const NOTE_FONT: f64 = 14.0;

/// Draws the MDL plot of `report` on `area`. `selected` marks one candidate (the table's
/// selection) with a ring.
pub fn mdl_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    selected: Option<usize>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    mdl_plot_with(area, report, selected, &Labels::ENGLISH, 1.0)
}

/// [`mdl_plot`] with the words of `labels`, every size times `scale`.
pub fn mdl_plot_with<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    selected: Option<usize>,
    labels: &Labels,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let Ranges { x_min, x_max, y_min, y_max } = Ranges::of(report);
    let (width, _) = area.dim_in_pixel();
    let mut chart = chart_on(area, report, scale)?;
    chart
        .configure_mesh()
        .x_desc(labels.x)
        .y_desc(labels.y)
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(232, 232, 232))
        .y_labels(8)
        .y_label_formatter(&|v| format!("{v:.0}"))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .x_labels(((width as f64 / scale) / 110.0).clamp(3.0, 10.0) as usize)
        .label_style(("sans-serif", px(TICK_FONT, scale)))
        .axis_desc_style(("sans-serif", px(AXIS_FONT, scale)))
        .draw()?;

    // Lines of equal total: x + y = b, sampled evenly on the log x axis. A total counts the
    // file's header, which is on neither axis: each line is drawn at its total less its header,
    // so a point lies on the line of its own total.
    let iso = move |total: f64| {
        let (lo, hi) = (libm::log(x_min), libm::log(total.min(x_max)));
        (0..=200)
            .map(move |i| libm::exp(lo + (hi - lo) * i as f64 / 200.0))
            .map(move |x| (x, total - x))
            .filter(move |p| p.1 >= y_min)
    };
    let mut baselines: Vec<_> = report.baselines.iter().filter(|b| b.total_bits.is_finite()).collect();
    baselines.sort_by(|a, b| a.total_bits.total_cmp(&b.total_bits));
    // Each label sits at its line's left end; a label that would overprint the one below it
    // (two baselines of nearly equal length, such as the null model and the literal numbers)
    // moves up by a line of text.
    let (_, plot_height) = chart.plotting_area().dim_in_pixel();
    let line = (NOTE_FONT * 1.3 * scale) / plot_height.max(1) as f64 * (libm::log(y_max) - libm::log(y_min));
    let mut last_label = f64::NEG_INFINITY;
    for b in baselines {
        chart.draw_series(LineSeries::new(
            iso(b.total_bits - b.header_bits),
            BASELINE.mix(0.6).stroke_width(px(1.0, scale) as u32),
        ))?;
        let at = libm::log((b.total_bits - b.header_bits).min(y_max / 1.2) * 0.88).max(last_label + line);
        last_label = at;
        chart.draw_series(std::iter::once(Text::new(
            format!("{} {:.0}", b.name, b.total_bits),
            (x_min * 1.05, libm::exp(at)),
            ("sans-serif", px(NOTE_FONT, scale)).into_font().color(&BASELINE),
        )))?;
    }
    if let Some(best) = report.best.and_then(|b| report.candidates.get(b)) {
        chart.draw_series(LineSeries::new(
            iso(best.total_bits - best.header_bits),
            BEST.mix(0.35).stroke_width(px(1.0, scale) as u32),
        ))?;
    }

    // The Pareto front, joined in order of model bits.
    let mut front: Vec<(f64, f64)> = report
        .front
        .iter()
        .filter_map(|&i| report.candidates.get(i))
        .map(|c| (c.model_bits, c.data_bits.max(1.0)))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    front.sort_by(|a, b| a.0.total_cmp(&b.0));
    chart.draw_series(LineSeries::new(front, FORMULA.mix(0.5).stroke_width(px(2.0, scale) as u32)))?;
    let r = |size: f64| px(size, scale);

    for (i, c) in report.candidates.iter().enumerate() {
        if !(c.model_bits.is_finite() && c.data_bits.is_finite()) {
            continue;
        }
        let at = (c.model_bits, c.data_bits.max(1.0));
        draw_mark(chart.plotting_area(), at, Mark::of(c), scale)?;
        if selected == Some(i) {
            chart.draw_series(std::iter::once(Circle::new(at, r(10.0), BLACK.stroke_width(r(2.0) as u32))))?;
        }
    }
    if let Some(best) = report.best.and_then(|b| report.candidates.get(b)) {
        let at = (best.model_bits, best.data_bits.max(1.0));
        draw_mark(chart.plotting_area(), at, Mark::Best, scale)?;
        // Beside the point, above it: to its right, or to its left where the label would run
        // past the plot's right edge (the best is often the rightmost point).
        let text = labels.shortest.replace("{bits}", &format!("{:.0}", best.total_bits));
        let (x, y) = chart.backend_coord(&at);
        let right = chart.plotting_area().get_pixel_range().0.end;
        let font = ("sans-serif", r(NOTE_FONT)).into_font().color(&BEST);
        let width = area.estimate_text_size(&text, &font).map_or(0, |(w, _)| w as i32);
        let gap = r(8.0);
        let (anchor, x) = if x + gap + width <= right { (HPos::Left, x + gap) } else { (HPos::Right, x - gap) };
        area.draw(&Text::new(text, (x, y - gap), font.pos(Pos::new(anchor, VPos::Bottom))))?;
    }
    area.present()
}

/// The words of the fit plot.
#[derive(Debug, Clone, Copy)]
pub struct FitLabels<'a> {
    /// "{name}, predicted" for the vertical axis of a parity plot.
    pub predicted: &'a str,
    /// "{name}, measured" for its horizontal axis.
    pub measured: &'a str,
    /// "{name} (log scale)" for an axis on log–log axes.
    pub log_scale: &'a str,
}

impl FitLabels<'static> {
    pub const ENGLISH: FitLabels<'static> = FitLabels::of(Lang::En);

    /// The fit plot's words in `lang`, from [`crate::words`].
    pub const fn of(lang: Lang) -> FitLabels<'static> {
        FitLabels {
            predicted: words::get(lang, "fit_predicted"),
            measured: words::get(lang, "fit_measured"),
            log_scale: words::get(lang, "fit_log_scale"),
        }
    }
}

/// Draws `picture` on `area`: the measured points, and the candidate's curve through them (or,
/// in a parity plot, the diagonal where prediction equals measurement).
pub fn fit_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    picture: &Picture,
    labels: &FitLabels,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    // On log axes the points are drawn at their logarithms, and the ticks name whole decades.
    let log = picture.log_axes();
    let at = |(x, y): (f64, f64)| if log { (libm::log10(x), libm::log10(y)) } else { (x, y) };
    let points: Vec<(f64, f64)> = picture.points.iter().copied().map(at).collect();
    let curve: Vec<(f64, f64)> = picture.curve.iter().copied().map(at).collect();
    let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    for &(x, y) in points.iter().chain(&curve) {
        (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
    }
    if picture.mode == Mode::Parity {
        // The same range on both axes, so the diagonal is at 45°.
        (x0, x1) = (x0.min(y0), x1.max(y1));
        (y0, y1) = (x0, x1);
    }
    let pad = |lo: f64, hi: f64| {
        if !(lo.is_finite() && hi.is_finite()) {
            return (0.0, 1.0);
        }
        let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
        (lo - 0.06 * span, hi + 0.06 * span)
    };
    let ((x0, x1), (y0, y1)) = (pad(x0, x1), pad(y0, y1));
    let logged = |name: &str| if log { labels.log_scale.replace("{name}", name) } else { name.to_string() };
    let (x_desc, y_desc) = match picture.mode {
        Mode::Curve => (logged(&picture.x_name), logged(&picture.y_name)),
        Mode::Parity => {
            (labels.measured.replace("{name}", &picture.y_name), labels.predicted.replace("{name}", &picture.y_name))
        }
    };
    let (width, _) = area.dim_in_pixel();
    let mut chart = ChartBuilder::on(area)
        .margin(px(12.0, scale))
        .x_label_area_size(px(48.0, scale))
        .y_label_area_size(px(72.0, scale))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .light_line_style(WHITE)
        .bold_line_style(RGBColor(232, 232, 232))
        .x_labels(((width as f64 / scale) / 90.0).clamp(3.0, 10.0) as usize)
        .y_labels(7)
        .x_label_formatter(&|v| axis_tick(*v, log))
        .y_label_formatter(&|v| axis_tick(*v, log))
        .label_style(("sans-serif", px(TICK_FONT, scale)))
        .axis_desc_style(("sans-serif", px(AXIS_FONT, scale)))
        .draw()?;
    if picture.mode == Mode::Parity {
        chart.draw_series(LineSeries::new(
            [(x0, x0), (x1, x1)],
            BASELINE.mix(0.7).stroke_width(px(1.5, scale) as u32),
        ))?;
    }
    // The curve in pieces: a gap where the formula is not finite (a pole) stays a gap. The
    // curve's inputs are evenly spaced, so a gap is a step wider than theirs.
    let (lo, hi) = (picture.curve.first().map_or(0.0, |p| p.0), picture.curve.last().map_or(0.0, |p| p.0));
    let step = (hi - lo) / (super::fit::CURVE_POINTS - 1) as f64 * 1.5;
    let mut piece: Vec<(f64, f64)> = Vec::new();
    let mut last: Option<f64> = None;
    for (&(x, _), &drawn) in picture.curve.iter().zip(&curve) {
        if last.is_some_and(|l| x - l > step) {
            chart.draw_series(LineSeries::new(std::mem::take(&mut piece), BEST.stroke_width(px(3.0, scale) as u32)))?;
        }
        last = Some(x);
        piece.push(drawn);
    }
    chart.draw_series(LineSeries::new(piece, BEST.stroke_width(px(3.0, scale) as u32)))?;
    let r = px(5.0, scale);
    chart.draw_series(points.iter().map(|&p| Circle::new(p, r, FORMULA.mix(0.85).filled())))?;
    area.present()
}

/// A tick of the fit plot: the value, or on log axes the power of ten at a whole decade (and
/// nothing between decades).
fn axis_tick(v: f64, log: bool) -> String {
    if !log {
        return tick(v);
    }
    let nearest = v.round();
    if (v - nearest).abs() > 1e-9 {
        return String::new();
    }
    tick(libm::pow(10.0, nearest))
}

/// A tick label without trailing zeros: 250, 2.5, 0.25, 1e-5.
fn tick(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !(1e-4..1e6).contains(&v.abs()) {
        return format!("{v:.1e}");
    }
    let text = format!("{v:.4}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The fit plot as an SVG document.
pub fn fit_plot_svg(picture: &Picture, width: u32, height: u32) -> String {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let _ = fit_plot(&area, picture, &FitLabels::ENGLISH, 1.0);
    }
    svg
}

/// The plot as an SVG document, in English.
pub fn mdl_plot_svg(report: &Report, width: u32, height: u32) -> String {
    mdl_plot_svg_in(report, width, height, Lang::En)
}

/// The plot as an SVG document in `lang`, its legend drawn below it, so that a downloaded plot
/// explains its own marks: `height` is the plot's, and the legend adds a line for each entry.
pub fn mdl_plot_svg_in(report: &Report, width: u32, height: u32, lang: Lang) -> String {
    let entries = legend(report);
    let line = px(LEGEND_LINE, 1.0) as u32;
    let full = height + if entries.is_empty() { 0 } else { line * entries.len() as u32 + line / 2 };
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, full)).into_drawing_area();
        let (plot, below) = area.split_vertically(height);
        // Drawing into a string cannot fail for I/O reasons; a layout error leaves what was drawn.
        // The legend first: the plot ends the document when it presents.
        let _ = draw_legend(&below, &entries, lang, 1.0);
        let _ = mdl_plot_with(&plot, report, None, &Labels::of(lang), 1.0);
    }
    svg
}

/// The height of a legend line, in CSS pixels.
const LEGEND_LINE: f64 = 22.0;

/// The legend's entries, one a line: each mark (a grey line for the baselines) and its words.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    lang: Lang,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let line = px(LEGEND_LINE, scale);
    let (left, text_at) = (px(24.0, scale), px(44.0, scale));
    let font = ("sans-serif", px(NOTE_FONT, scale)).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    for (k, entry) in entries.iter().enumerate() {
        let y = line / 2 + k as i32 * line;
        match entry.mark {
            Some(mark) => draw_mark(area, (left, y), mark, scale)?,
            None => area.draw(&PathElement::new(
                vec![(left - px(8.0, scale), y - px(6.0, scale)), (left + px(8.0, scale), y + px(6.0, scale))],
                BASELINE.stroke_width(px(1.5, scale) as u32),
            ))?,
        }
        area.draw(&Text::new(
            words::text(lang, entry.key).unwrap_or(entry.key).to_string(),
            (text_at, y),
            font.clone(),
        ))?;
    }
    Ok(())
}

/// Where each candidate is drawn on a plot of `width` × `height` at `scale` (None if not
/// drawn).
pub fn positions(report: &Report, width: u32, height: u32, scale: f64) -> Vec<Option<(i32, i32)>> {
    let mut svg = String::new();
    let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
    match layout(&area, report, scale) {
        Some(spec) => report.candidates.iter().map(|c| spec.to_pixel(c)).collect(),
        None => vec![None; report.candidates.len()],
    }
}

/// The point of `report` nearest to pixel (px, py) on a plot of `width` × `height` drawn by
/// [`mdl_plot_with`] at `scale` (within `radius` pixels), for hover and click in the page.
pub fn hit(report: &Report, width: u32, height: u32, scale: f64, px: i32, py: i32, radius: i32) -> Option<usize> {
    let mut best: Option<(i32, usize)> = None;
    for (i, at) in positions(report, width, height, scale).into_iter().enumerate() {
        let Some((x, y)) = at else { continue };
        let d = (x - px).pow(2) + (y - py).pow(2);
        if d <= radius * radius && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, i));
        }
    }
    best.map(|(_, i)| i)
}

/// Where a plot's data area sits, to map candidates to pixels.
struct Layout {
    x_min: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
    left: i32,
    top: i32,
    width: i32,
    height: i32,
}

impl Layout {
    fn to_pixel(&self, c: &Candidate) -> Option<(i32, i32)> {
        if !(c.model_bits.is_finite() && c.data_bits.is_finite()) {
            return None;
        }
        let fx = (libm::log(c.model_bits.max(self.x_min)) - libm::log(self.x_min))
            / (libm::log(self.x_max) - libm::log(self.x_min));
        let fy =
            (libm::log(c.data_bits.max(1.0)) - libm::log(self.y_min)) / (libm::log(self.y_max) - libm::log(self.y_min));
        Some((self.left + (fx * self.width as f64) as i32, self.top + ((1.0 - fy) * self.height as f64) as i32))
    }
}

/// The plotted ranges, both on log scales (a 30-bit formula and a 200-kilobit network share the
/// plot), with room for the baselines.
struct Ranges {
    x_min: f64,
    x_max: f64,
    y_min: f64,
    y_max: f64,
}

impl Ranges {
    fn of(report: &Report) -> Ranges {
        let points: Vec<(f64, f64)> = report
            .candidates
            .iter()
            .map(|c| (c.model_bits, c.data_bits.max(1.0)))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let baselines: Vec<f64> = report.baselines.iter().map(|b| b.total_bits).filter(|b| b.is_finite()).collect();
        // The candidates set the width; the baselines' lines are clipped at its edge.
        let x_max = points.iter().map(|p| p.0).fold(10.0f64, f64::max) * 1.5;
        let x_min = points.iter().map(|p| p.0.max(1.0)).fold(x_max / 10.0, f64::min) / 1.5;
        let y_max = points.iter().map(|p| p.1).chain(baselines.iter().copied()).fold(16.0f64, f64::max) * 2.0;
        let y_min = points.iter().map(|p| p.1).fold(y_max, f64::min).clamp(1.0, y_max / 4.0) / 2.0;
        Ranges { x_min, x_max, y_min, y_max }
    }
}

type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<LogCoord<f64>, LogCoord<f64>>>;

fn chart_on<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    report: &Report,
    scale: f64,
) -> Result<Chart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let Ranges { x_min, x_max, y_min, y_max } = Ranges::of(report);
    ChartBuilder::on(area)
        .margin(px(12.0, scale))
        .x_label_area_size(px(48.0, scale))
        .y_label_area_size(px(72.0, scale))
        .build_cartesian_2d((x_min..x_max).log_scale(), (y_min..y_max).log_scale())
}

fn layout<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, report: &Report, scale: f64) -> Option<Layout> {
    let Ranges { x_min, x_max, y_min, y_max } = Ranges::of(report);
    let chart = chart_on(area, report, scale).ok()?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    Some(Layout {
        x_min,
        x_max,
        y_min,
        y_max,
        left: xr.start,
        top: yr.start,
        width: xr.end - xr.start,
        height: yr.end - yr.start,
    })
}

/// Feature importance as horizontal bars: bits lost when each feature is shuffled (the most
/// important first, at most `max_bars`), the selected ones in colour.
pub fn importance_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    report: &Report,
    x_label: &str,
    max_bars: usize,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&WHITE)?;
    let mut bars: Vec<&super::FeatureImportance> = report.importance.iter().collect();
    bars.sort_by(|a, b| b.permutation_bits.total_cmp(&a.permutation_bits));
    bars.truncate(max_bars.max(1));
    if bars.is_empty() {
        return area.present();
    }
    let top = bars.iter().map(|b| b.permutation_bits).fold(1.0f64, f64::max) * 1.1;
    let low = bars.iter().map(|b| b.permutation_bits).fold(0.0f64, f64::min);
    let n = bars.len();
    let mut chart = ChartBuilder::on(area)
        .margin(px(10.0, scale))
        .x_label_area_size(px(44.0, scale))
        .y_label_area_size(px(10.0, scale))
        .build_cartesian_2d(low..top, 0f64..n as f64)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(6)
        .label_style(("sans-serif", px(TICK_FONT, scale)))
        .axis_desc_style(("sans-serif", px(AXIS_FONT, scale)))
        .draw()?;
    // Each feature's bar (light, the selected ones in colour) with its name written on it.
    for (i, b) in bars.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        let colour = if b.selected { FORMULA.mix(0.45) } else { BASELINE.mix(0.3) };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, y + 0.1), (b.permutation_bits, y + 0.9)],
            colour.filled(),
        )))?;
        let label = format!("{}  {:.1} bits", b.feature, b.permutation_bits);
        let style =
            ("sans-serif", px(NOTE_FONT, scale)).into_font().color(&BLACK).pos(Pos::new(HPos::Left, VPos::Center));
        chart.draw_series(std::iter::once(Text::new(label, (low + (top - low) * 0.01, y + 0.5), style)))?;
    }
    area.present()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Baseline, Candidate, FeatureImportance};

    #[test]
    fn the_importance_plot_has_a_bar_and_a_label_per_feature() {
        let f = |name: &str, bits: f64| FeatureImportance {
            feature: name.into(),
            permutation_bits: bits,
            selected: bits > 1.0,
            ..Default::default()
        };
        for features in [vec![f("a", 3.0)], vec![f("a", 3.0), f("b", 0.5), f("c", 12.0)]] {
            let report = Report { importance: features.clone(), ..Default::default() };
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, (600, 300)).into_drawing_area();
                importance_plot(&area, &report, "bits", 10, 1.0).unwrap();
            }
            for x in &features {
                assert!(
                    svg.contains(&format!("{}  {:.1} bits", x.feature, x.permutation_bits)),
                    "{} missing: {svg}",
                    x.feature
                );
            }
        }
    }

    fn report() -> Report {
        let c = |model: f64, data: f64| Candidate {
            family: "formula".into(),
            model_bits: model,
            data_bits: data,
            total_bits: model + data,
            ..Default::default()
        };
        Report {
            candidates: vec![c(4.0, 213.0), c(12.0, 129.0), c(38.0, 107.0)],
            front: vec![0, 1, 2],
            best: Some(1),
            baselines: vec![Baseline { name: "deflate".into(), total_bits: 416.0, ..Default::default() }],
            ..Default::default()
        }
    }

    #[test]
    fn the_svg_has_a_point_per_candidate_and_the_labels() {
        let svg = mdl_plot_svg(&report(), 900, 520);
        // Three points, the best's ring, and the deflate label.
        assert!(svg.matches("<circle").count() >= 4, "{}", &svg[..200.min(svg.len())]);
        assert!(svg.contains("deflate 416"));
        assert!(svg.contains("shortest: 141 bits"));
        assert!(svg.contains("model bits (the program)"));
    }

    #[test]
    fn the_svg_explains_its_marks_in_the_readers_language() {
        let english = mdl_plot_svg(&report(), 900, 520);
        assert!(english.contains("a formula") && english.contains("the shortest total: the answer"), "{english}");
        assert!(english.contains("grey lines: what an answer must beat"));
        assert!(!english.contains("a network"), "no network, no network in the legend");
        let chinese = mdl_plot_svg_in(&report(), 900, 520, Lang::Zh);
        assert!(chinese.contains("一个公式") && chinese.contains("模型比特"), "{chinese}");
        // Three legend lines (a formula, the best, the baselines) of 22 pixels and half a line
        // below the 520 of the plot.
        assert!(chinese.contains("height=\"597\""), "{}", &chinese[..200]);
        assert_eq!(chinese.matches("</svg>").count(), 1);
        assert!(chinese.trim_end().ends_with("</svg>"));
    }

    /// The y coordinate of the SVG text element that holds `needle`.
    fn text_y(svg: &str, needle: &str) -> f64 {
        let at = svg.find(needle).unwrap_or_else(|| panic!("{needle} missing"));
        let start = svg[..at].rfind("<text").unwrap();
        let tag = &svg[start..at];
        let y = tag.split("y=\"").nth(1).unwrap();
        y[..y.find('"').unwrap()].parse().unwrap()
    }

    #[test]
    fn baselines_of_nearly_equal_length_are_labelled_apart() {
        let mut r = report();
        r.baselines = vec![
            Baseline { name: "null".into(), total_bits: 300.0, ..Default::default() },
            Baseline { name: "literal".into(), total_bits: 302.0, ..Default::default() },
            Baseline { name: "deflate".into(), total_bits: 416.0, ..Default::default() },
        ];
        for scale in [1.0, 2.0] {
            let mut svg = String::new();
            {
                let area = SVGBackend::with_string(&mut svg, (900, 520)).into_drawing_area();
                mdl_plot_with(&area, &r, None, &Labels::ENGLISH, scale).unwrap();
            }
            let (null, literal) = (text_y(&svg, "null 300"), text_y(&svg, "literal 302"));
            assert!(
                (null - literal).abs() >= NOTE_FONT * scale,
                "labels {null} and {literal} overprint at scale {scale}"
            );
        }
    }

    /// The x coordinate and the anchor of the SVG text element that holds `needle`.
    fn text_x(svg: &str, needle: &str) -> (f64, bool) {
        let at = svg.find(needle).unwrap_or_else(|| panic!("{needle} missing"));
        let tag = &svg[svg[..at].rfind("<text").unwrap()..at];
        let x = tag.split(" x=\"").nth(1).unwrap();
        (x[..x.find('"').unwrap()].parse().unwrap(), tag.contains("text-anchor=\"end\""))
    }

    #[test]
    fn the_shortest_label_stays_inside_the_plot() {
        // The best is the rightmost point, as on Kepler's table: its label turns to its left.
        let mut r = report();
        r.best = Some(2);
        let width = 480;
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (width, 520)).into_drawing_area();
            mdl_plot_with(&area, &r, None, &Labels::ENGLISH, 1.0).unwrap();
        }
        let (x, end) = text_x(&svg, "shortest: 145 bits");
        assert!(end, "anchored at its end: {svg}");
        assert!(x <= width as f64, "{x} beyond {width}");
        // A best in the middle keeps its label on its right.
        let (_, end) = text_x(&mdl_plot_svg(&report(), 900, 520), "shortest: 141 bits");
        assert!(!end);
    }

    #[test]
    fn the_fit_plot_draws_every_point_and_the_curve() {
        let picture = Picture {
            mode: Mode::Curve,
            x_name: "a".into(),
            y_name: "T".into(),
            points: vec![(1.0, 1.0), (4.0, 8.0), (9.0, 27.0)],
            curve: (0..=80).map(|i| 1.0 + i as f64 * 0.1).map(|x: f64| (x, x.powf(1.5))).collect(),
            candidate: Some(0),
        };
        let svg = fit_plot_svg(&picture, 640, 480);
        assert_eq!(svg.matches("<circle").count(), 3, "{svg}");
        assert!(svg.contains("<polyline"));
        assert!(svg.contains(">\na\n</text>") && svg.contains(">\nT\n</text>"), "axis titles");
        let parity = Picture { mode: Mode::Parity, curve: Vec::new(), ..picture };
        let svg = fit_plot_svg(&parity, 640, 480);
        assert!(svg.contains("T, measured") && svg.contains("T, predicted"));
    }

    #[test]
    fn positions_and_hits_agree() {
        let r = report();
        let at = positions(&r, 900, 520, 1.0);
        assert!(at.iter().all(Option::is_some));
        // More model bits is further right; more data bits is higher (smaller y).
        let (x0, y0) = at[0].unwrap();
        let (x2, y2) = at[2].unwrap();
        assert!(x0 < x2 && y0 < y2, "{at:?}");
        for (i, p) in at.iter().enumerate() {
            let (x, y) = p.unwrap();
            assert_eq!(hit(&r, 900, 520, 1.0, x + 2, y - 1, 6), Some(i));
        }
        assert_eq!(hit(&r, 900, 520, 1.0, 5, 5, 6), None);
    }
}
