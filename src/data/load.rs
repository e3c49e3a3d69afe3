//! The CSV reader: records from the `csv` crate, cells sorted into numeric or text columns.
//!
//! A column's mode is chosen from the first rows ([`SAMPLE_ROWS`]): numeric when nearly all
//! its filled cells are numbers, text otherwise. A numeric column keeps a few stray words as
//! missing cells (reported), and is read again as text if the strays turn out to be many.

use std::collections::HashMap;

use csv::{ByteRecord, ReaderBuilder, Trim};

use super::error::{LoadError, LoadErrorKind, Position, Warning};
use super::number;
use super::sniff::{self, Dialect};
use super::{Column, ColumnData, Kind, Table, MISSING};

/// Rows looked at to choose each column's mode.
const SAMPLE_ROWS: usize = 1000;
/// A numeric column may hold at most this share of non-numeric filled cells, treated as missing.
const STRAY_SHARE: f64 = 0.05;
/// Stray cells quoted in a warning, per column.
const STRAY_EXAMPLES: usize = 3;

/// Limits and overrides for [`load`]. The defaults read anything that fits in memory.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Use this dialect instead of sniffing one.
    pub dialect: Option<Dialect>,
    /// Refuse files larger than this many bytes (the browser sets it from its memory).
    pub max_bytes: Option<u64>,
    /// Refuse tables with more cells than this.
    pub max_cells: Option<u64>,
}

/// A table and what the loader had to say about it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub table: Table,
    pub warnings: Vec<Warning>,
}

/// Reads CSV bytes into a [`Table`]. Never panics on any input.
pub fn load(name: &str, bytes: &[u8], options: &LoadOptions) -> Result<Loaded, LoadError> {
    if let Some(limit) = options.max_bytes {
        if bytes.len() as u64 > limit {
            return Err(LoadError::new(
                LoadErrorKind::TooLarge { bytes: bytes.len() as u64, limit },
                Position::default(),
            ));
        }
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if body.trim_ascii().is_empty() {
        return Err(LoadError::new(LoadErrorKind::Empty, Position::default()));
    }
    let dialect = options.dialect.unwrap_or_else(|| sniff::sniff(body));
    let mut reader = Reader::new(body, dialect);
    let mut warnings = Vec::new();

    let header = reader.header(&mut warnings)?;
    let width = header.len();
    let mut sample = Vec::new();
    while sample.len() < SAMPLE_ROWS {
        match reader.next_record(width)? {
            Some(record) => sample.push(record),
            None => break,
        }
    }
    if sample.is_empty() {
        return Err(LoadError::new(LoadErrorKind::HeaderOnly { columns: width }, Position::line(1)));
    }
    let mut builders: Vec<Builder> = (0..width)
        .map(|c| Builder::for_sample(sample.iter().map(|r| r.get(c)), dialect.decimal_comma))
        .collect();
    let cells_limit = options.max_cells.unwrap_or(u64::MAX);
    let mut rows = 0u64;
    let mut push = |record: &Record, builders: &mut [Builder]| -> Result<(), LoadError> {
        rows += 1;
        if rows.saturating_mul(width as u64) > cells_limit {
            return Err(LoadError::new(
                LoadErrorKind::TooManyCells { cells: rows * width as u64, limit: cells_limit },
                Position::line(record.line),
            ));
        }
        for (c, builder) in builders.iter_mut().enumerate() {
            builder.push(record, c, &header[c], dialect.decimal_comma)?;
        }
        Ok(())
    };
    let bom = bytes.len() - body.len();
    for record in &sample {
        push(record, &mut builders).map_err(|e| at_invalid_byte(e, body, bom))?;
    }
    drop(sample);
    while let Some(record) = reader.next_record(width)? {
        push(&record, &mut builders).map_err(|e| at_invalid_byte(e, body, bom))?;
    }
    reader.finish(&mut warnings);

    // Numeric columns whose strays turned out to be many are read again, as text.
    let reread: Vec<usize> = (0..width).filter(|&c| builders[c].wants_text()).collect();
    if !reread.is_empty() {
        for &c in &reread {
            builders[c] = Builder::Text(TextBuilder::default());
        }
        let mut again = Reader::new(body, dialect);
        let mut ignored = Vec::new();
        again.header(&mut ignored)?;
        while let Some(record) = again.next_record(width)? {
            for &c in &reread {
                builders[c].push(&record, c, &header[c], dialect.decimal_comma)?;
            }
        }
    }

    let rows = rows as usize;
    let columns = builders
        .into_iter()
        .zip(header)
        .enumerate()
        .map(|(index, (builder, name))| builder.finish(index, name, rows, &mut warnings))
        .collect();
    Ok(Loaded { table: Table { name: name.to_string(), columns, rows, dialect }, warnings })
}

/// Moves an invalid-UTF-8 error's byte from the start of its record to the first invalid byte
/// (counted in the file as given, BOM included). Cells before it in the record are valid: the
/// header and every text cell are checked as they are read, and numbers are ASCII.
fn at_invalid_byte(mut e: LoadError, body: &[u8], bom: usize) -> LoadError {
    if let (LoadErrorKind::InvalidUtf8, Some(start)) = (&e.kind, e.position.byte) {
        let rest = body.get(start as usize..).unwrap_or_default();
        let valid = std::str::from_utf8(rest).err().map_or(0, |u| u.valid_up_to());
        e.position.byte = Some(start + valid as u64 + bom as u64);
    }
    e
}

/// One record's cells (trimmed) and the line it starts on.
struct Record {
    fields: ByteRecord,
    line: u64,
    byte: u64,
}

impl Record {
    fn get(&self, c: usize) -> &[u8] {
        self.fields.get(c).unwrap_or(b"")
    }
}

/// The csv reader with occam's checks around it: ragged rows, blank rows, unterminated quotes.
struct Reader<'a> {
    bytes: &'a [u8],
    dialect: Dialect,
    csv: csv::Reader<&'a [u8]>,
    buffer: ByteRecord,
    blank_rows: usize,
    padded_rows: usize,
    last_had_newline: bool,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], dialect: Dialect) -> Self {
        let csv = ReaderBuilder::new()
            .delimiter(dialect.delimiter)
            .has_headers(false)
            .flexible(true)
            .trim(Trim::All)
            .from_reader(bytes);
        Reader {
            bytes,
            dialect,
            csv,
            buffer: ByteRecord::new(),
            blank_rows: 0,
            padded_rows: 0,
            last_had_newline: false,
        }
    }

    /// The header's names: valid UTF-8, empty ones named after their position, duplicates
    /// numbered.
    fn header(&mut self, warnings: &mut Vec<Warning>) -> Result<Vec<String>, LoadError> {
        if !self.read()? {
            return Err(LoadError::new(LoadErrorKind::Empty, Position::default()));
        }
        let line = self.line();
        let mut names: Vec<String> = Vec::with_capacity(self.buffer.len());
        for (i, raw) in self.buffer.iter().enumerate() {
            let name = std::str::from_utf8(raw).map_err(|_| {
                LoadError::new(
                    LoadErrorKind::InvalidUtf8,
                    Position { line: Some(line), column: Some((i, format!("#{}", i + 1))), byte: None },
                )
            })?;
            let mut name = name.to_string();
            if name.is_empty() {
                name = format!("column_{}", i + 1);
                warnings.push(Warning {
                    position: Position::cell(line, i, &name),
                    message: format!("the header has no name here; called it '{name}'"),
                });
            }
            if names.contains(&name) {
                let base = name.clone();
                let mut k = 2;
                while names.contains(&format!("{base}_{k}")) {
                    k += 1;
                }
                name = format!("{base}_{k}");
                warnings.push(Warning {
                    position: Position::cell(line, i, &base),
                    message: format!("the name '{base}' appears twice; renamed this one '{name}'"),
                });
            }
            names.push(name);
        }
        Ok(names)
    }

    /// The next data record with exactly `width` cells, skipping rows whose cells are all
    /// empty and dropping empty cells past the header's width.
    fn next_record(&mut self, width: usize) -> Result<Option<Record>, LoadError> {
        loop {
            if !self.read()? {
                return Ok(None);
            }
            let line = self.line();
            if self.buffer.iter().all(|f| f.is_empty()) {
                self.blank_rows += 1;
                continue;
            }
            let found = self.buffer.len();
            if found < width || (found > width && self.buffer.iter().skip(width).any(|f| !f.is_empty())) {
                if let Some(quote_line) = unterminated_quote(self.bytes, self.dialect.delimiter) {
                    return Err(LoadError::new(LoadErrorKind::UnterminatedQuote, Position::line(quote_line)));
                }
                return Err(LoadError::new(
                    LoadErrorKind::RaggedRow { found, expected: width },
                    Position::line(line),
                ));
            }
            if found > width {
                self.padded_rows += 1;
                self.buffer.truncate(width);
            }
            self.last_had_newline = self.buffer.iter().any(|f| f.contains(&b'\n'));
            let byte = self.buffer.position().map_or(0, |p| p.byte());
            return Ok(Some(Record { fields: std::mem::take(&mut self.buffer), line, byte }));
        }
    }

    fn read(&mut self) -> Result<bool, LoadError> {
        self.csv.read_byte_record(&mut self.buffer).map_err(|e| {
            let position = e.position().map(|p| Position::line(p.line())).unwrap_or_default();
            LoadError::new(LoadErrorKind::Csv(e.to_string()), position)
        })
    }

    fn line(&self) -> u64 {
        self.buffer.position().map_or(0, |p| p.line())
    }

    /// Warnings for the repairs made while reading.
    fn finish(&mut self, warnings: &mut Vec<Warning>) {
        if self.blank_rows > 0 {
            warnings.push(Warning {
                position: Position::default(),
                message: format!("skipped {} row{} with no values", self.blank_rows, plural(self.blank_rows)),
            });
        }
        if self.padded_rows > 0 {
            warnings.push(Warning {
                position: Position::default(),
                message: format!(
                    "ignored empty cells past the last column in {} row{}",
                    self.padded_rows,
                    plural(self.padded_rows)
                ),
            });
        }
        if self.last_had_newline {
            if let Some(line) = unterminated_quote(self.bytes, self.dialect.delimiter) {
                warnings.push(Warning {
                    position: Position::line(line),
                    message: "a quoted field starts here and is never closed; it runs to the end of the file"
                        .into(),
                });
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The line where a quoted field opens and never closes, if one does. Follows the same rules
/// as the csv crate: a quote opens a field only at the field's start; `""` inside is a quote.
fn unterminated_quote(bytes: &[u8], delimiter: u8) -> Option<u64> {
    #[derive(PartialEq)]
    enum State {
        Start,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut state, mut line, mut opened) = (State::Start, 1u64, 1u64);
    for &b in bytes {
        state = match state {
            State::Start | State::Unquoted if b == delimiter || b == b'\n' => State::Start,
            State::Start if b == b'"' => {
                opened = line;
                State::Quoted
            }
            State::Start if b == b' ' || b == b'\t' || b == b'\r' => State::Start,
            State::Start | State::Unquoted => State::Unquoted,
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            State::QuoteInQuoted if b == delimiter || b == b'\n' => State::Start,
            State::QuoteInQuoted => State::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    (state == State::Quoted).then_some(opened)
}

/// A column under construction.
enum Builder {
    Numeric(NumericBuilder),
    Text(TextBuilder),
}

#[derive(Default)]
struct NumericBuilder {
    values: Vec<f64>,
    decimals: Option<i32>,
    filled: usize,
    strays: usize,
    examples: Vec<(u64, String)>,
}

#[derive(Default)]
struct TextBuilder {
    codes: Vec<u32>,
    index: HashMap<Box<[u8]>, u32>,
    levels: Vec<String>,
}

impl Builder {
    /// Numeric if nearly all filled sample cells are numbers (or none are filled), text otherwise.
    fn for_sample<'c>(cells: impl Iterator<Item = &'c [u8]>, decimal_comma: bool) -> Builder {
        let (mut filled, mut numbers) = (0usize, 0usize);
        for cell in cells {
            if !number::is_missing(cell) {
                filled += 1;
                numbers += number::parse(cell, decimal_comma).is_some() as usize;
            }
        }
        if (filled - numbers) as f64 <= STRAY_SHARE * filled as f64 {
            Builder::Numeric(NumericBuilder::default())
        } else {
            Builder::Text(TextBuilder::default())
        }
    }

    fn push(&mut self, record: &Record, c: usize, name: &str, decimal_comma: bool) -> Result<(), LoadError> {
        let cell = record.get(c);
        match self {
            Builder::Numeric(b) => {
                if number::is_missing(cell) {
                    b.values.push(f64::NAN);
                    return Ok(());
                }
                b.filled += 1;
                match number::parse(cell, decimal_comma) {
                    Some(n) => {
                        b.values.push(n.value);
                        b.decimals = Some(b.decimals.map_or(n.decimals, |d| d.max(n.decimals)));
                    }
                    None => {
                        let text = utf8(cell, record, c, name)?;
                        b.values.push(f64::NAN);
                        b.strays += 1;
                        if b.examples.len() < STRAY_EXAMPLES {
                            b.examples.push((record.line, text.to_string()));
                        }
                    }
                }
            }
            Builder::Text(b) => {
                if number::is_missing(cell) {
                    b.codes.push(MISSING);
                    return Ok(());
                }
                let code = match b.index.get(cell) {
                    Some(&code) => code,
                    None => {
                        let text = utf8(cell, record, c, name)?;
                        let code = b.levels.len() as u32;
                        b.levels.push(text.to_string());
                        b.index.insert(cell.into(), code);
                        code
                    }
                };
                b.codes.push(code);
            }
        }
        Ok(())
    }

    fn wants_text(&self) -> bool {
        matches!(self, Builder::Numeric(b) if b.strays as f64 > STRAY_SHARE * b.filled as f64)
    }

    fn finish(self, index: usize, name: String, rows: usize, warnings: &mut Vec<Warning>) -> Column {
        match self {
            Builder::Numeric(b) => {
                if b.strays > 0 {
                    let examples: Vec<String> =
                        b.examples.iter().map(|(line, text)| format!("line {line} '{text}'")).collect();
                    warnings.push(Warning {
                        position: Position { column: Some((index, name.clone())), ..Default::default() },
                        message: format!(
                            "{} treated as missing ({}{})",
                            if b.strays == 1 {
                                "1 cell that is not a number".to_string()
                            } else {
                                format!("{} cells that are not numbers", b.strays)
                            },
                            examples.join(", "),
                            if b.strays > examples.len() { ", ..." } else { "" }
                        ),
                    });
                }
                let missing = b.values.iter().filter(|v| v.is_nan()).count();
                let constant = distinct_at_most_one(&b.values);
                Column {
                    name,
                    kind: if constant { Kind::Constant } else { Kind::Numeric },
                    data: ColumnData::Numeric { values: b.values, decimals: b.decimals.unwrap_or(0) },
                    missing,
                }
            }
            Builder::Text(b) => {
                let missing = b.codes.iter().filter(|&&c| c == MISSING).count();
                debug_assert_eq!(b.codes.len(), rows);
                let kind = match b.levels.len() {
                    0 | 1 => Kind::Constant,
                    2 if is_boolean(&b.levels) => Kind::Boolean,
                    _ => Kind::Categorical,
                };
                Column { name, kind, data: ColumnData::Text { codes: b.codes, levels: b.levels }, missing }
            }
        }
    }
}

fn utf8<'c>(cell: &'c [u8], record: &Record, c: usize, name: &str) -> Result<&'c str, LoadError> {
    std::str::from_utf8(cell).map_err(|_| {
        LoadError::new(LoadErrorKind::InvalidUtf8, Position::cell(record.line, c, name).with_byte(record.byte))
    })
}

fn distinct_at_most_one(values: &[f64]) -> bool {
    let mut first = None;
    for &v in values.iter().filter(|v| !v.is_nan()) {
        match first {
            None => first = Some(v),
            Some(f) if f != v => return false,
            _ => {}
        }
    }
    true
}

fn is_boolean(levels: &[String]) -> bool {
    const PAIRS: [[&str; 2]; 4] = [["false", "true"], ["no", "yes"], ["f", "t"], ["n", "y"]];
    let mut lower: Vec<String> = levels.iter().map(|l| l.to_ascii_lowercase()).collect();
    lower.sort();
    PAIRS.iter().any(|pair| lower[0] == pair[0] && lower[1] == pair[1])
}
