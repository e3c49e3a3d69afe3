//! Drawing reports into the page: the table preview, the target menu, the MDL plot, the table
//! of candidates and the headline. Pure DOM output; the page decides when.

use plotters::prelude::IntoDrawingArea;
use plotters_canvas::CanvasBackend;
use web_sys::{Element, HtmlCanvasElement, HtmlElement, HtmlOptionElement, HtmlSelectElement};

use super::dom::{append, by_id, element, set_text};
use super::i18n::{t, t_dynamic, tf};
use crate::report::{chart, fit, Candidate, ColumnSummary, Report, Sample};

/// Shows a loaded table: its columns, kinds and first rows.
pub fn preview(report: &Report, load_s: f64) {
    let d = &report.dataset;
    let preview: HtmlElement = by_id("data-preview");
    preview.set_inner_html("");
    let caption = tf(
        if report.threads == 1 { "caption_one" } else { "caption_many" },
        &[
            ("name", &d.name),
            ("rows", &d.rows.to_string()),
            ("columns", &d.columns.to_string()),
            ("load", &format!("{:.0}", load_s * 1000.0)),
            ("describe", &format!("{:.0}", report.elapsed_s * 1000.0)),
            ("n", &report.threads.to_string()),
        ],
    );
    append(&preview, &element("p", Some(&caption)));
    let table = element("table", None);
    let head = element("thead", None);
    let names = element("tr", None);
    let kinds = element("tr", None);
    kinds.set_class_name("kinds");
    for column in &report.columns {
        append(&names, &element("th", Some(&column.name)));
        let th = element("th", Some(&column_note(column)));
        let _ = th.set_attribute("data-kind", &column.kind);
        append(&kinds, &th);
    }
    append(&head, &names);
    append(&head, &kinds);
    append(&table, &head);
    let body = element("tbody", None);
    for row in &report.preview {
        let tr = element("tr", None);
        for cell in row {
            append(&tr, &element("td", Some(cell)));
        }
        append(&body, &tr);
    }
    append(&table, &body);
    append(&preview, &table);
    if report.warnings.is_empty() {
        error("");
    } else {
        warnings(&report.warnings);
    }
}

/// "numeric · step 0.001 · 0.39 to 39.5 · 2 missing"
fn column_note(c: &ColumnSummary) -> String {
    let mut parts = vec![t_dynamic(&format!("kind_{}", c.kind), &c.kind).to_string()];
    if let Some(p) = c.precision {
        parts.push(tf("note_step", &[("step", &p.to_string())]));
    }
    if let (Some(min), Some(max)) = (c.min, c.max) {
        parts.push(tf("note_range", &[("min", &short(min)), ("max", &short(max))]));
    }
    if c.kind != "numeric" && c.distinct > 0 {
        parts.push(tf("note_levels", &[("n", &c.distinct.to_string())]));
    }
    if c.missing > 0 {
        parts.push(tf("note_missing", &[("n", &c.missing.to_string())]));
    }
    parts.join(" · ")
}

fn short(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.len() > 10 {
        format!("{v:.3e}")
    } else {
        s.to_string()
    }
}

/// Fills `select` with the columns of a report, selecting `preferred` if present, else the last
/// column that is not constant. `blank` adds a first, empty choice with that label.
pub fn column_options(id: &str, report: &Report, preferred: Option<&str>, blank: Option<&str>, numeric_only: bool) {
    let select: HtmlSelectElement = by_id(id);
    select.set_inner_html("");
    if let Some(label) = blank {
        let option = HtmlOptionElement::new_with_text_and_value(label, "").expect("an option");
        select.add_with_html_option_element(&option).expect("adding an option");
    }
    for column in report.columns.iter().filter(|c| !numeric_only || c.kind == "numeric") {
        let option = HtmlOptionElement::new_with_text_and_value(&column.name, &column.name).expect("an option");
        select.add_with_html_option_element(&option).expect("adding an option");
    }
    let fallback = report.columns.iter().rev().find(|c| c.kind != "constant").map(|c| c.name.as_str());
    let chosen = preferred.filter(|t| report.columns.iter().any(|c| c.name == *t)).or(if blank.is_some() {
        None
    } else {
        fallback
    });
    select.set_value(chosen.unwrap_or(""));
}

/// A column the candidates table can be sorted by, and the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Model,
    Data,
    Total,
    Test,
    BitsPerRow,
}

impl SortKey {
    pub fn parse(name: &str) -> Option<SortKey> {
        Some(match name {
            "model" => SortKey::Model,
            "data" => SortKey::Data,
            "total" => SortKey::Total,
            "test" => SortKey::Test,
            "bits-per-row" => SortKey::BitsPerRow,
            _ => return None,
        })
    }

    fn value(self, c: &Candidate) -> f64 {
        match self {
            SortKey::Model => c.model_bits,
            SortKey::Data => c.data_bits,
            SortKey::Total => c.total_bits,
            SortKey::Test => c.test.r2.or(c.test.accuracy).unwrap_or(f64::NEG_INFINITY),
            SortKey::BitsPerRow => c.test.bits_per_row.unwrap_or(f64::INFINITY),
        }
    }
}

/// How the table is shown: the selected candidate and the sort (None: shortest model first).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TableView {
    pub selected: Option<usize>,
    pub sort: Option<(SortKey, bool)>,
    /// Only the candidates on the Pareto front (a compress run has dozens of variants; the
    /// front is what a class looks at). The plot keeps every point.
    pub front_only: bool,
}

/// The results of an engine: plots, legend, table and headline. `live` marks a search still
/// running; `sample` is the loaded table's, for the fit plot.
pub fn results(report: &Report, sample: Option<&Sample>, view: TableView, live: bool) {
    plot(report, view.selected);
    fit_plot(report, sample, view.selected);
    legend(report);
    importance(report);
    table(report, view);
    headline(report, live);
}

/// Sizes a canvas's pixels to its box on the page times the device pixel ratio, and returns
/// that ratio: the scale the plot is drawn at, so that it is sharp on any screen and its words
/// keep their size in CSS pixels. A hidden canvas keeps its size.
pub fn fit_to_box(canvas: &HtmlCanvasElement) -> f64 {
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 4.0);
    let (width, height) = (canvas.client_width(), canvas.client_height());
    if width > 0 && height > 0 {
        let (w, h) = ((width as f64 * ratio).round() as u32, (height as f64 * ratio).round() as u32);
        if canvas.width() != w {
            canvas.set_width(w);
        }
        if canvas.height() != h {
            canvas.set_height(h);
        }
    }
    let _ = canvas.set_attribute("data-scale", &ratio.to_string());
    ratio
}

/// The scale a canvas was last drawn at (see [`fit_to_box`]).
pub fn scale_of(canvas: &HtmlCanvasElement) -> f64 {
    canvas.get_attribute("data-scale").and_then(|s| s.parse().ok()).unwrap_or(1.0)
}

/// Draws the MDL plot on the canvas.
pub fn plot(report: &Report, selected: Option<usize>) {
    let canvas: HtmlCanvasElement = by_id("mdl-plot");
    let scale = fit_to_box(&canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else { return };
    let area = backend.into_drawing_area();
    let labels = chart::Labels::of(super::i18n::lang());
    if chart::mdl_plot_with(&area, report, selected, &labels, scale).is_ok() {
        let _ = canvas.set_attribute("data-points", &report.candidates.len().to_string());
        // Where the points are, in canvas pixels ("x,y x,y ..."), for scripts and tests.
        let xy: Vec<String> = chart::positions(report, canvas.width(), canvas.height(), scale)
            .into_iter()
            .map(|p| p.map_or_else(|| "-".to_string(), |(x, y)| format!("{x},{y}")))
            .collect();
        let _ = canvas.set_attribute("data-xy", &xy.join(" "));
    }
}

/// The selected candidate (else the best) drawn over the measured data on `#fit-plot`, with a
/// caption in words; the measured points alone before a run.
pub fn fit_plot(report: &Report, sample: Option<&Sample>, selected: Option<usize>) {
    let canvas: HtmlCanvasElement = by_id("fit-plot");
    let figure: HtmlElement = by_id("fit-figure");
    let picture = sample.and_then(|s| fit::picture(report, s, selected));
    let _ = figure.style().set_property("display", if picture.is_some() { "" } else { "none" });
    let Some(picture) = picture else { return };
    let scale = fit_to_box(&canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else { return };
    let labels = chart::FitLabels::of(super::i18n::lang());
    let _ = chart::fit_plot(&backend.into_drawing_area(), &picture, &labels, scale);
    let mode = match picture.mode {
        fit::Mode::Curve => "curve",
        fit::Mode::Parity => "parity",
    };
    let _ = canvas.set_attribute("data-mode", mode);
    let _ = canvas.set_attribute("data-axes", if picture.log_axes() { "log" } else { "linear" });
    let _ = canvas.set_attribute("data-x", &picture.x_name);
    let _ = canvas.set_attribute("data-points", &picture.points.len().to_string());
    let _ = canvas.set_attribute("data-curve", &picture.curve.len().to_string());
    let _ = canvas.set_attribute("data-candidate", &picture.candidate.map_or_else(String::new, |i| i.to_string()));
    let drawn = !picture.curve.is_empty() || (picture.mode == fit::Mode::Parity && !picture.points.is_empty());
    let caption = match (picture.mode, drawn) {
        (fit::Mode::Curve, true) if picture.log_axes() => {
            tf("fit_caption_log", &[("y", &picture.y_name), ("x", &picture.x_name)])
        }
        (fit::Mode::Curve, true) => tf("fit_caption_curve", &[("y", &picture.y_name), ("x", &picture.x_name)]),
        (fit::Mode::Curve, false) => tf("fit_caption_points", &[("y", &picture.y_name), ("x", &picture.x_name)]),
        (fit::Mode::Parity, true) => tf("fit_caption_parity", &[("y", &picture.y_name)]),
        (fit::Mode::Parity, false) => t("fit_caption_none").to_string(),
    };
    set_text("fit-caption", &caption);
    let _ = canvas.set_attribute("aria-label", &caption);
    data_table(&picture);
}

/// A point's tooltip on the MDL plot: "sqrt(a)**3: 12 model bits + 155 data bits + 70 header = 237".
pub fn tooltip(c: &Candidate) -> String {
    let program = c.formula.as_deref().unwrap_or(&c.description);
    let bits = |v: f64| format!("{v:.0}");
    tf(
        "tooltip",
        &[
            ("program", program),
            ("model", &bits(c.model_bits)),
            ("data", &bits(c.data_bits)),
            ("header", &bits(c.header_bits)),
            ("total", &bits(c.total_bits)),
        ],
    )
}

/// The fit plot's points as a table for assistive technology (visually hidden).
fn data_table(picture: &fit::Picture) {
    let host: HtmlElement = by_id("fit-data");
    host.set_inner_html("");
    let table = element("table", None);
    let head = element("tr", None);
    let (x, y) = match picture.mode {
        fit::Mode::Curve => (picture.x_name.clone(), picture.y_name.clone()),
        fit::Mode::Parity => {
            (tf("fit_measured", &[("name", &picture.y_name)]), tf("fit_predicted", &[("name", &picture.y_name)]))
        }
    };
    append(&head, &element("th", Some(&x)));
    append(&head, &element("th", Some(&y)));
    append(&table, &head);
    for (a, b) in picture.points.iter().take(200) {
        let tr = element("tr", None);
        append(&tr, &element("td", Some(&short(*a))));
        append(&tr, &element("td", Some(&short(*b))));
        append(&table, &tr);
    }
    append(&host, &table);
}

/// What the marks on the MDL plot mean, for the families and baselines it shows.
fn legend(report: &Report) {
    let host: HtmlElement = by_id("mdl-legend");
    host.set_inner_html("");
    for entry in chart::legend(report) {
        let (mark, class) = match entry.mark {
            Some(chart::Mark::Formula) => ("●", "formula"),
            Some(chart::Mark::Linear) => ("■", "linear"),
            Some(chart::Mark::Network | chart::Mark::Quantised | chart::Mark::Searched) => ("▲", "network"),
            Some(chart::Mark::Pruned) => ("◆", "network"),
            Some(chart::Mark::LowRank) => ("✕", "network"),
            Some(chart::Mark::Null) => ("○", "null"),
            Some(chart::Mark::Best) => ("◯", "best"),
            None => ("╲", "baseline"),
        };
        let li = element("li", None);
        let m = element("span", Some(mark));
        m.set_class_name(&format!("mark {class}"));
        let _ = m.set_attribute("aria-hidden", "true");
        append(&li, &m);
        append(&li, &element("span", Some(t_dynamic(entry.key, entry.key))));
        append(&host, &li);
    }
}

/// Feature importance in bits as bars on `#importance-plot`, shown only when there is some.
pub fn importance(report: &Report) {
    let canvas: HtmlCanvasElement = by_id("importance-plot");
    let shown = !report.importance.is_empty();
    let figure: HtmlElement = by_id("importance-figure");
    let _ = figure.style().set_property("display", if shown { "" } else { "none" });
    let _ = canvas.set_attribute("data-bars", &report.importance.len().min(IMPORTANCE_BARS).to_string());
    if !shown {
        return;
    }
    let scale = fit_to_box(&canvas);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas) else { return };
    let _ = chart::importance_plot(&backend.into_drawing_area(), report, t("importance_x"), IMPORTANCE_BARS, scale);
}

/// Bars on the importance plot at most.
const IMPORTANCE_BARS: usize = 24;

/// The candidates as a table, the best marked; headers sort, buttons copy LaTeX and Python.
fn table(report: &Report, view: TableView) {
    let host: HtmlElement = by_id("front-table");
    host.set_inner_html("");
    let table = element("table", None);
    let head = element("tr", None);
    // A small table is validated by leave-one-out, and its columns say so.
    let loo = report.dataset.validation == Some(crate::prepare::Validation::LeaveOneOut);
    let columns = [
        ("", None),
        (t("col_family"), None),
        (t("col_formula"), None),
        (t("col_model"), Some("model")),
        (t("col_data"), Some("data")),
        (t("col_total"), Some("total")),
        (t(if loo { "col_loo" } else { "col_test" }), Some("test")),
        (t(if loo { "col_loo_bits_per_row" } else { "col_bits_per_row" }), Some("bits-per-row")),
        (t("col_copy"), None),
    ];
    for (title, key) in columns {
        let th = element("th", Some(title));
        if let Some(key) = key {
            let _ = th.set_attribute("data-sort", key);
            let _ = th.set_attribute("title", t("sort_by"));
            // Reachable by keyboard; Enter or Space sorts (the page listens).
            let _ = th.set_attribute("tabindex", "0");
            let _ = th.set_attribute("aria-sort", "none");
            if let Some((_, ascending)) = view.sort.filter(|(k, _)| SortKey::parse(key) == Some(*k)) {
                th.set_text_content(Some(&format!("{title} {}", if ascending { "▲" } else { "▼" })));
                let _ = th.set_attribute("aria-sort", if ascending { "ascending" } else { "descending" });
            }
        }
        append(&head, &th);
    }
    let thead = element("thead", None);
    append(&thead, &head);
    append(&table, &thead);
    let body = element("tbody", None);
    let mut order: Vec<usize> =
        (0..report.candidates.len()).filter(|i| !view.front_only || report.front.contains(i)).collect();
    if let Some((key, ascending)) = view.sort {
        order.sort_by(|&a, &b| {
            let o = key.value(&report.candidates[a]).total_cmp(&key.value(&report.candidates[b]));
            if ascending {
                o
            } else {
                o.reverse()
            }
        });
    }
    for i in order {
        let c = &report.candidates[i];
        let tr = element("tr", None);
        let _ = tr.set_attribute("data-index", &i.to_string());
        let mut class = String::new();
        if report.best == Some(i) {
            class.push_str("best ");
        }
        if report.front.contains(&i) {
            class.push_str("front ");
        }
        if view.selected == Some(i) {
            class.push_str("selected");
        }
        tr.set_class_name(class.trim());
        let _ = tr.set_attribute("tabindex", "0");
        let _ = tr.set_attribute("aria-selected", if view.selected == Some(i) { "true" } else { "false" });
        let cells = [
            if report.best == Some(i) { "★".to_string() } else { String::new() },
            t_dynamic(&format!("family_{}", c.family), &c.family).to_string(),
            c.formula.clone().unwrap_or_else(|| c.description.clone()),
            format!("{:.1}", c.model_bits),
            format!("{:.1}", c.data_bits),
            format!("{:.1}", c.total_bits),
            c.test.r2.or(c.test.accuracy).map(|v| format!("{v:.6}")).unwrap_or_else(|| "–".into()),
            c.test.bits_per_row.map(|v| format!("{v:.2}")).unwrap_or_else(|| "–".into()),
        ];
        for (k, text) in cells.iter().enumerate() {
            let td = element("td", Some(text));
            if k == 2 {
                formula_cell(&td, c, text);
            }
            append(&tr, &td);
        }
        let copy = element("td", None);
        for (label, text) in [("LaTeX", &c.latex), ("Python", &c.python)] {
            if let Some(text) = text {
                let button = element("button", Some(label));
                button.set_class_name("copy");
                let _ = button.set_attribute("type", "button");
                let _ = button.set_attribute("data-copy", text);
                let _ = button.set_attribute("aria-label", &tf("copy_as", &[("format", label)]));
                append(&copy, &button);
            }
        }
        append(&tr, &copy);
        append(&body, &tr);
    }
    append(&table, &body);
    append(&host, &table);
}

/// The formula cell: the formula in mathematical notation when the candidate has MathML, else
/// its text; the text also in `data-text` (for copying and tests) and as the tooltip.
fn formula_cell(td: &Element, c: &Candidate, text: &str) {
    td.set_class_name("formula");
    let _ = td.set_attribute("data-text", text);
    if let (Some(mathml), Some(_)) = (&c.mathml, &c.formula) {
        // The printer escapes names (they come from the user's file) and makes the rest itself.
        td.set_inner_html(&format!("<math>{mathml}</math>"));
        let _ = td.set_attribute("title", text);
    }
}

/// The law in mathematical notation, large, and a sentence a student reads: how much of what
/// the average leaves it explains, and its bits against the average's.
fn headline(report: &Report, live: bool) {
    let host: HtmlElement = by_id("headline");
    let law: HtmlElement = by_id("headline-law");
    let Some(best) = report.best.and_then(|b| report.candidates.get(b)) else {
        let _ = host.remove_attribute("data-formula");
        law.set_inner_html("");
        return set_text("headline-words", if live { t("searching_alone") } else { "" });
    };
    let target = report.dataset.target.as_deref().unwrap_or("y");
    let _ = host.set_attribute("data-formula", best.formula.as_deref().unwrap_or(&best.description));
    let _ = host.set_attribute("data-family", &best.family);
    match (&best.mathml, &best.formula) {
        (Some(mathml), Some(_)) => {
            let name = crate::expr::Expr::var(0).print(crate::expr::Syntax::MathMl, &[target]).unwrap_or_default();
            law.set_inner_html(&format!("<math>{name}<mo>=</mo>{mathml}</math>{}", familiar(report, &name)));
        }
        // A network or a linear model: its description names it ("logistic 4-3, 76% pruned").
        _ => law.set_text_content(Some(&format!("{target}: {}", best.description))),
    }
    let mut words = if best.family == "null" {
        // Nothing beat the mean: say so, and why, rather than present the mean as a law.
        tf(
            "headline_null",
            &[("rows", &report.dataset.train_rows.to_string()), ("bits", &format!("{:.0}", best.total_bits))],
        )
    } else {
        explained(report, best)
    };
    if !report.dataset.units.is_empty() {
        let units: Vec<String> =
            report.dataset.units.iter().map(|(name, dimension)| format!("{name}: {dimension}")).collect();
        words.push_str(&tf("units_checked", &[("units", &units.join(", "))]));
    }
    if live {
        words.push_str(t("searching"));
    } else if report.cancelled {
        words.push_str(t("cancelled_best"));
    }
    set_text("headline-words", &words);
}

/// The law as people learned it, after the best formula: "that is T² = a³" for the best's own
/// familiar form, or "nearly as short (1.8 bits more): T = √a³, that is T² = a³" for a
/// front member's ([`Report::familiar`]); empty when there is none. `name` is the target's
/// name as MathML.
fn familiar(report: &Report, name: &str) -> String {
    let Some((c, extra)) = report.familiar() else { return String::new() };
    let Some(equation) = &c.familiar_mathml else { return String::new() };
    let lead = if extra > 0.0 {
        let formula = c.mathml.as_deref().unwrap_or_default();
        format!(
            "{} <math>{name}<mo>=</mo>{formula}</math>{} ",
            tf("familiar_near", &[("bits", &format!("{extra:.1}"))]),
            t("familiar_same")
        )
    } else {
        format!("{} ", t("familiar_same"))
    };
    format!("<span class=\"familiar\">{lead}<math>{equation}</math></span>")
}

/// "It explains 99.97 % of what the average leaves, each row predicted from the others. 12 bits
/// of law + 155 bits of corrections + 70 of header = 237 bits; the average alone needs 330."
fn explained(report: &Report, best: &Candidate) -> String {
    let loo = report.dataset.validation == Some(crate::prepare::Validation::LeaveOneOut);
    let mut text = String::new();
    if let Some(r2) = best.test.r2 {
        let how = t(if loo { "checked_loo" } else { "checked_test" });
        text = if r2 > 0.0 {
            match percent(r2) {
                Percent::Shown(p) => tf("explains", &[("percent", &p), ("how", how)]),
                Percent::Over(p) => tf("explains_over", &[("percent", &p), ("how", how)]),
            }
        } else {
            tf("explains_nothing", &[("how", how)])
        };
    } else if let Some(accuracy) = best.test.accuracy {
        let how = t(if loo { "checked_loo" } else { "checked_test" });
        text = tf("right_share", &[("percent", &format!("{:.1}", accuracy * 100.0)), ("how", how)]);
    }
    let null = report.candidates.iter().find(|c| c.family == "null").map(|c| c.total_bits);
    let parts = [
        ("model", best.model_bits),
        ("data", best.data_bits),
        ("header", best.header_bits),
        ("total", best.total_bits),
    ]
    .map(|(k, v)| (k, format!("{v:.0}")));
    let parts: Vec<(&str, &str)> = parts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    text.push_str(&tf(if best.formula.is_some() { "bits_law" } else { "bits_model" }, &parts));
    if let Some(null) = null {
        text.push_str(&tf("bits_average", &[("bits", &format!("{null:.0}"))]));
    }
    text
}

/// A share as the headline says it.
enum Percent {
    Shown(String),
    /// Closer to 100 % than three decimals show: "more than 99.999".
    Over(String),
}

/// R² as a percentage with as many decimals as it takes not to round up to 100 (99.97, not
/// 100.0), at most three; above 99.999 %, "more than 99.999".
fn percent(r2: f64) -> Percent {
    let p = r2 * 100.0;
    if p >= 100.0 {
        return Percent::Shown("100".into());
    }
    for decimals in 1..=3 {
        let text = format!("{p:.decimals$}");
        if text.parse::<f64>().is_ok_and(|v| v < 100.0) {
            return Percent::Shown(text);
        }
    }
    Percent::Over("99.999".into())
}

pub fn error(message: &str) {
    let error: HtmlElement = by_id("error");
    error.set_class_name(if message.is_empty() { "" } else { "error" });
    error.set_text_content(Some(message));
}

pub fn warnings(warnings: &[String]) {
    let error: HtmlElement = by_id("error");
    error.set_class_name("warning");
    error.set_inner_html("");
    for w in warnings {
        append(&error, &element("div", Some(&tf("warning", &[("text", w)]))));
    }
}

/// Clears the results area (a new table or a new run) and draws empty axes. Drawing them also
/// compiles the chart code before the first results arrive, so a live update never stalls the
/// page on the first draw (that first draw once took ~100 ms on the main thread).
pub fn clear_results(sample: Option<&Sample>, table: &Report) {
    by_id::<HtmlElement>("front-table").set_inner_html("");
    headline(&Report::default(), false);
    importance(&Report::default());
    plot(&Report::default(), None);
    legend(&Report::default());
    // The measured points alone, against the table's own target (none yet: the last column).
    fit_plot(table, sample, None);
    let canvas: HtmlCanvasElement = by_id("mdl-plot");
    let _ = canvas.set_attribute("data-points", "0");
}
