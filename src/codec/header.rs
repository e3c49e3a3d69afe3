//! The header of a .occam file: what the receiver needs, besides the table's feature columns,
//! to rebuild the design matrix the program reads, and to write the target column back.
//!
//! [`Header`] holds the table's row count, the target's name and task, its decimal step or class
//! labels, which rows have no target, and the preparation options (feature columns, level cap,
//! clipping, and units given beside the table that make a column absolute temperature). [`Header::dataset`] prepares a table with it the way the encoder did: every row,
//! the same options, and in place of the target a placeholder with the same missing cells, so
//! that `prepare` keeps the same rows and computes the same imputation and one-hot columns.

use crate::data::{Column, ColumnData, Kind, Table, MISSING};
use crate::mdl::stream::{CountModel, Decoder, Encoder};
use crate::mdl::{BitSink, BitSource};
use crate::prepare::{prepare, Dataset, Origin, PrepareError, PrepareOptions, Split, Target, Task};
use crate::units;

use super::CodecError;

/// The longest text (a name or a class label) a file may hold, in bytes.
const MAX_TEXT: u64 = 1 << 16;
/// prepare's own limit on classes.
const MAX_CLASSES: u64 = 1000;

/// What the receiver is told before the program.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    pub rows: usize,
    pub target: String,
    pub task: Task,
    /// The target's decimal step (regression): δ = 10^−decimals.
    pub decimals: i32,
    /// The class labels in order of first appearance (classification).
    pub classes: Vec<String>,
    /// Table rows whose target is missing, ascending.
    pub missing: Vec<usize>,
    /// The table columns the features come from, in order.
    pub sources: Vec<String>,
    pub max_levels: usize,
    pub clip: Option<(f64, f64)>,
    /// The units given beside the table (not in its headers) that put a feature column on a
    /// thermometer's scale, °C or °F: such a column is prepared as absolute temperature, which
    /// the receiver must know to rebuild it. Other units change no prediction and stay out.
    pub thermometers: Vec<(String, String)>,
}

impl Header {
    /// The header of `table` prepared with `options`, and the dataset the program is coded on
    /// (every row, features from the named source columns).
    pub fn of(table: &Table, options: &PrepareOptions) -> Result<(Header, Dataset), CodecError> {
        if options.clip.is_some_and(|clip| !valid_clip(clip)) {
            return Err(CodecError::Options {
                why: format!("the clipping quantiles {:?} must satisfy 0 ≤ low ≤ high ≤ 1", options.clip),
            });
        }
        let mut first = options.clone();
        first.split = Split::Random { test_fraction: 0.0 };
        let found = prepare(table, &first)?;
        let mut sources: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for feature in &found.features {
            let column = match &feature.origin {
                Origin::Numeric { column } | Origin::MissingIndicator { column } | Origin::Level { column, .. } => {
                    column
                }
            };
            if seen.insert(column.as_str()) {
                sources.push(column.clone());
            }
        }
        let target_index = table.column_index(&found.target_name).ok_or_else(|| PrepareError::UnknownColumn {
            column: found.target_name.clone(),
            available: table.columns.iter().map(|c| c.name.clone()).collect(),
        })?;
        let missing = match &table.columns[target_index].data {
            ColumnData::Numeric { values, .. } => (0..table.rows).filter(|&r| values[r].is_nan()).collect(),
            ColumnData::Text { codes, .. } => (0..table.rows).filter(|&r| codes[r] == MISSING).collect(),
        };
        let (decimals, classes) = match &found.target {
            Target::Regression(t) => (t.decimals, Vec::new()),
            Target::Classification { classes, .. } => (0, classes.clone()),
        };
        let header = Header {
            rows: table.rows,
            target: found.target_name.clone(),
            task: found.task,
            decimals,
            classes,
            missing,
            sources,
            max_levels: options.max_levels,
            clip: options.clip,
            thermometers: options.units.iter().filter(|(name, unit)| is_thermometer(name, unit)).cloned().collect(),
        };
        let dataset = prepare(table, &header.options())?;
        Ok((header, dataset))
    }

    /// The options both sides prepare with.
    fn options(&self) -> PrepareOptions {
        PrepareOptions {
            target: Some(self.target.clone()),
            task: Some(self.task),
            features: Some(self.sources.clone()),
            clip: self.clip,
            max_levels: self.max_levels,
            split: Split::Random { test_fraction: 0.0 },
            seed: 0,
            // Units change no prediction, only which formulas a search considers, except a
            // thermometer's, which makes a column absolute temperature.
            units: self.thermometers.clone(),
        }
    }

    /// The decoder's dataset: `table` (with or without the target column) prepared as the
    /// encoder prepared its own.
    pub fn dataset(&self, table: &Table) -> Result<Dataset, CodecError> {
        if table.rows != self.rows {
            return Err(CodecError::RowCount { file: self.rows, table: table.rows });
        }
        let mut columns: Vec<Column> = table.columns.iter().filter(|c| c.name != self.target).cloned().collect();
        columns.push(self.placeholder());
        let stand_in = Table { name: table.name.clone(), columns, rows: table.rows, dialect: table.dialect };
        let dataset = prepare(&stand_in, &self.options()).map_err(|e| match e {
            PrepareError::UnknownColumn { column, .. } => CodecError::MissingColumn { column },
            other => CodecError::Prepare(other),
        })?;
        if dataset.rows() + self.missing.len() != self.rows {
            return Err(CodecError::Damaged { why: "the rows with a target do not add up".to_string() });
        }
        Ok(dataset)
    }

    /// A target column with the real one's missing cells and two made-up values elsewhere, so
    /// that `prepare` keeps the same rows and accepts the task.
    fn placeholder(&self) -> Column {
        let mut missing = vec![false; self.rows];
        for &r in &self.missing {
            missing[r] = true;
        }
        let mut kept = 0u32;
        let mut next = || {
            kept += 1;
            kept % 2
        };
        let (kind, data) = match self.task {
            Task::Regression => (
                Kind::Numeric,
                ColumnData::Numeric {
                    values: missing.iter().map(|&m| if m { f64::NAN } else { next() as f64 }).collect(),
                    decimals: self.decimals,
                },
            ),
            Task::Classification => (
                Kind::Categorical,
                ColumnData::Text {
                    codes: missing.iter().map(|&m| if m { MISSING } else { next() }).collect(),
                    levels: vec!["0".to_string(), "1".to_string()],
                },
            ),
        };
        Column { name: self.target.clone(), kind, data, missing: self.missing.len() }
    }

    /// Writes the header against `table` (the encoder's, target column included): the feature
    /// columns as positions among the table's other columns, not as names, since the receiver
    /// has them. The row count comes first, so that the commonest mistake, another table, is
    /// named as such before anything else is read.
    pub fn write(&self, e: &mut Encoder, table: &Table) -> Result<(), CodecError> {
        e.write_natural(self.rows as u64);
        write_text(e, &self.target).map_err(CodecError::Coder)?;
        e.write_bit(self.task == Task::Classification);
        match self.task {
            Task::Regression => e.write_signed(self.decimals as i64),
            Task::Classification => {
                e.write_natural(self.classes.len() as u64 - 2);
                for class in &self.classes {
                    write_text(e, class).map_err(CodecError::Coder)?;
                }
            }
        }
        e.write_natural(self.missing.len() as u64);
        let mut flags = vec![false; self.rows];
        for &r in &self.missing {
            flags[r] = true;
        }
        write_subset(e, &flags, self.missing.len()).map_err(CodecError::Coder)?;
        write_sources(e, &self.sources, &other_columns(table, &self.target))?;
        let default_levels = self.max_levels == PrepareOptions::default().max_levels;
        e.write_bit(default_levels);
        if !default_levels {
            e.write_natural(self.max_levels as u64);
        }
        e.write_bit(self.clip.is_some());
        if let Some((lo, hi)) = self.clip {
            e.write_raw(lo.to_bits(), 64).map_err(CodecError::Coder)?;
            e.write_raw(hi.to_bits(), 64).map_err(CodecError::Coder)?;
        }
        e.write_natural(self.thermometers.len() as u64);
        for (name, unit) in &self.thermometers {
            write_text(e, name).map_err(CodecError::Coder)?;
            write_text(e, unit).map_err(CodecError::Coder)?;
        }
        Ok(())
    }

    /// Reads a header written against a table with `table`'s feature columns (the target column
    /// may be absent from it), in format `version` (4 has no thermometers).
    pub fn read(d: &mut Decoder, table: &Table, version: u8) -> Result<Header, CodecError> {
        let rows = d.read_natural()?;
        if rows != table.rows as u64 {
            return Err(CodecError::RowCount { file: usize::try_from(rows).unwrap_or(usize::MAX), table: table.rows });
        }
        let rows = table.rows;
        let target = read_text(d)?;
        let task = if d.read_bit()? { Task::Classification } else { Task::Regression };
        let (mut decimals, mut classes) = (0, Vec::new());
        match task {
            Task::Regression => {
                decimals = i32::try_from(d.read_signed()?)
                    .ok()
                    .filter(|d| crate::data::number::STEPS.contains(d))
                    .ok_or_else(|| damaged("a decimal step beyond what a number may have"))?;
            }
            Task::Classification => {
                let count = d.read_natural()?.saturating_add(2);
                if count > MAX_CLASSES {
                    return Err(damaged("more classes than a target may have"));
                }
                for _ in 0..count {
                    classes.push(read_text(d)?);
                }
            }
        }
        let count = d.read_natural()?;
        if count > rows as u64 {
            return Err(damaged("more rows without a target than rows"));
        }
        let flags = read_subset(d, rows, count as usize)?;
        let missing = (0..rows).filter(|&r| flags[r]).collect();
        let sources = read_sources(d, &other_columns(table, &target))?;
        let max_levels = if d.read_bit()? {
            PrepareOptions::default().max_levels
        } else {
            usize::try_from(d.read_natural()?).map_err(|_| damaged("a level cap beyond usize"))?
        };
        let clip =
            if d.read_bit()? { Some((f64::from_bits(d.read_raw(64)?), f64::from_bits(d.read_raw(64)?))) } else { None };
        if clip.is_some_and(|clip| !valid_clip(clip)) {
            return Err(damaged("clipping quantiles out of order"));
        }
        let mut thermometers = Vec::new();
        if version >= 5 {
            let count = d.read_natural()?;
            if count > sources.len() as u64 {
                return Err(damaged("more thermometers than feature columns"));
            }
            for _ in 0..count {
                let (name, unit) = (read_text(d)?, read_text(d)?);
                if !is_thermometer(&name, &unit) {
                    return Err(damaged("a thermometer's unit that is none"));
                }
                thermometers.push((name, unit));
            }
        }
        Ok(Header { rows, target, task, decimals, classes, missing, sources, max_levels, clip, thermometers })
    }
}

/// Whether a unit given beside the table (`--units T=C`) puts its column on a thermometer's
/// scale, which prepares it as absolute temperature: the one kind of unit the header carries.
fn is_thermometer(name: &str, unit: &str) -> bool {
    units::thermometer(units::split_header(name).0, unit).is_some()
}

/// The names of `table`'s columns other than `target`, in order: what feature positions count
/// in, the same whether or not the table holds the target column.
fn other_columns<'a>(table: &'a Table, target: &str) -> Vec<&'a str> {
    table.columns.iter().map(|c| c.name.as_str()).filter(|&n| n != target).collect()
}

/// The feature columns among the `columns` the receiver has: one bit when they are those
/// columns in order (the usual case), else whether they are in table order (then which, as a
/// subset: log₂ C(n, m) bits) or each position in turn.
fn write_sources(e: &mut Encoder, sources: &[String], columns: &[&str]) -> Result<(), CodecError> {
    let all = sources.len() == columns.len() && sources.iter().zip(columns).all(|(s, c)| s == c);
    e.write_bit(all);
    if all {
        return Ok(());
    }
    let position: std::collections::HashMap<&str, usize> = columns.iter().enumerate().map(|(i, &c)| (c, i)).collect();
    let positions: Vec<usize> = sources
        .iter()
        .map(|s| position.get(s.as_str()).copied().ok_or_else(|| CodecError::MissingColumn { column: s.clone() }))
        .collect::<Result<_, _>>()?;
    let ordered = positions.windows(2).all(|w| w[0] < w[1]);
    e.write_bit(ordered);
    e.write_natural(positions.len() as u64);
    if ordered {
        let mut flags = vec![false; columns.len()];
        for &p in &positions {
            flags[p] = true;
        }
        write_subset(e, &flags, positions.len()).map_err(CodecError::Coder)
    } else {
        for &p in &positions {
            e.write_uniform(p as u64, columns.len() as u64).map_err(CodecError::Coder)?;
        }
        Ok(())
    }
}

fn read_sources(d: &mut Decoder, columns: &[&str]) -> Result<Vec<String>, CodecError> {
    if d.read_bit()? {
        return Ok(columns.iter().map(|c| c.to_string()).collect());
    }
    let ordered = d.read_bit()?;
    let count = d.read_natural()?;
    if count > columns.len() as u64 || (count > 0 && columns.is_empty()) {
        return Err(CodecError::Damaged {
            why: format!("it names {count} feature columns, and the table has {}", columns.len()),
        });
    }
    let positions: Vec<usize> = if ordered {
        let flags = read_subset(d, columns.len(), count as usize)?;
        (0..columns.len()).filter(|&p| flags[p]).collect()
    } else {
        (0..count).map(|_| d.read_uniform(columns.len() as u64).map(|p| p as usize)).collect::<Result<_, _>>()?
    };
    Ok(positions.into_iter().map(|p| columns[p].to_string()).collect())
}

/// Quantiles `prepare` can clip to (it panics on others).
fn valid_clip((low, high): (f64, f64)) -> bool {
    (0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high) && low <= high
}

fn damaged(why: &str) -> CodecError {
    CodecError::Damaged { why: why.to_string() }
}

/// Text as its byte count (universal code) and its bytes (8 bits each).
fn write_text(e: &mut Encoder, text: &str) -> Result<(), crate::mdl::MdlError> {
    e.write_natural(text.len() as u64);
    for &b in text.as_bytes() {
        e.write_raw(b as u64, 8)?;
    }
    Ok(())
}

fn read_text(d: &mut Decoder) -> Result<String, CodecError> {
    let len = d.read_natural()?;
    if len > MAX_TEXT {
        return Err(damaged("a name longer than 65,536 bytes"));
    }
    // 8 raw bits a byte: a name longer than what is left of the file is a cut file.
    if len as f64 * 8.0 > d.room_bits() + 128.0 {
        return Err(CodecError::Truncated);
    }
    let mut bytes = Vec::with_capacity(len as usize);
    for _ in 0..len {
        bytes.push(d.read_raw(8)? as u8);
    }
    String::from_utf8(bytes).map_err(|_| damaged("a name that is not UTF-8"))
}

/// Which of n rows are marked, m of them known: each row's flag under the counts still to come
/// (marked and unmarked rows left), log₂ C(n, m) bits in all; nothing once either count is zero.
fn write_subset(e: &mut Encoder, flags: &[bool], marked: usize) -> Result<(), crate::mdl::MdlError> {
    let (mut rows_left, mut marked_left) = (flags.len() as u64, marked as u64);
    for &flag in flags {
        if marked_left == 0 || marked_left == rows_left {
            break;
        }
        let model = CountModel::from_counts(&[rows_left - marked_left, marked_left])?;
        e.write_counted(flag as usize, &model)?;
        rows_left -= 1;
        marked_left -= flag as u64;
    }
    Ok(())
}

fn read_subset(d: &mut Decoder, rows: usize, marked: usize) -> Result<Vec<bool>, CodecError> {
    let mut flags = vec![false; rows];
    let (mut rows_left, mut marked_left) = (rows as u64, marked as u64);
    for flag in flags.iter_mut() {
        if marked_left == 0 {
            break;
        }
        if marked_left == rows_left {
            *flag = true;
            marked_left -= 1;
            rows_left -= 1;
            continue;
        }
        let model = CountModel::from_counts(&[rows_left - marked_left, marked_left])?;
        *flag = d.read_counted(&model)? == 1;
        rows_left -= 1;
        marked_left -= *flag as u64;
    }
    Ok(flags)
}
