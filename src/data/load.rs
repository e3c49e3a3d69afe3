//! The CSV reader: records from the `csv` crate, cells sorted into numeric or text columns.
//!
//! A column's mode is chosen from the first rows ([`SAMPLE_ROWS`]): numeric when nearly all
//! its filled cells are numbers, text otherwise. A numeric column keeps a few stray words as
//! missing cells (reported), and is read again as text if the strays turn out to be many.

use std::collections::{HashMap, HashSet};

use csv::{ByteRecord, ReaderBuilder};
use rayon::prelude::*;

use super::error::{LoadError, LoadErrorKind, Position, Warning};
use super::number;
use super::sniff::{self, Dialect};
use super::{Column, ColumnData, Kind, Table, MISSING};
use crate::words::Message;

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
    let body = &*lone_carriage_returns_as_newlines(body);
    if body.trim_ascii().is_empty() {
        return Err(LoadError::new(LoadErrorKind::Empty, Position::default()));
    }
    let dialect = options.dialect.unwrap_or_else(|| sniff::sniff(body));
    let mut warnings = Vec::new();
    let mut head = Reader::new(body, 0, 1, dialect);
    let header = head.header(&mut warnings)?;
    // A CRLF header ends at its CR for the csv reader: the LF belongs to the header's line.
    let mut data = head.offset();
    if data > 0 && body[data - 1] == b'\r' && body.get(data) == Some(&b'\n') {
        data += 1;
    }
    let data_line = 1 + count_byte(&body[..data], b'\n') as u64;

    let modes = sample_modes(body, data, data_line, &header, dialect)?;
    let quotes = count_byte(body, b'"');
    let context = Context {
        body,
        bom: bytes.len() - body.len(),
        dialect,
        header: &header,
        // Rows are at most the lines, so a table whose lines fit needs no check row by row.
        cells_limit: match options.max_cells {
            Some(limit) if (count_byte(body, b'\n') as u64 + 1).saturating_mul(header.len() as u64) > limit => limit,
            _ => u64::MAX,
        },
        // Without quotes every newline ends a record, so the rows can be cut into parts at
        // newlines and read in parallel.
        parallel: quotes == 0,
    };
    let mut part = context.read(data, data_line, &modes)?;

    // Numeric columns whose strays turned out to be many are read again, as text.
    let reread: Vec<usize> = (0..header.len()).filter(|&c| part.builders[c].wants_text()).collect();
    if !reread.is_empty() {
        let modes: Vec<Mode> =
            (0..header.len()).map(|c| if reread.contains(&c) { Mode::Text } else { Mode::Skip }).collect();
        let mut again = context.read(data, data_line, &modes)?;
        for &c in &reread {
            part.builders[c] = std::mem::replace(&mut again.builders[c], Builder::Skip);
        }
    }

    part.warn(&mut warnings);
    // An unterminated quote runs to the end of the file; the quotes are then odd in number.
    if quotes % 2 == 1 {
        if let Some(line) = unterminated_quote(body, dialect.delimiter) {
            warnings
                .push(Warning { position: Position::line(line), message: Message::new("warn_unclosed_quote", &[]) });
        }
    }
    let rows = part.rows as usize;
    let mut strays = Vec::new();
    let columns = part
        .builders
        .into_iter()
        .zip(header)
        .enumerate()
        .map(|(index, (builder, name))| builder.finish(index, name, rows, &mut strays))
        .collect();
    warnings.extend(listed(strays, "warn_more_strays"));
    Ok(Loaded { table: Table { name: name.to_string(), columns, rows, dialect }, warnings })
}

/// The body with every carriage return that does not start a CRLF turned into a newline.
/// Old Mac files end lines with CR alone, and edited files mix the three ends; the csv reader
/// ends a record at any of them, but counts lines (and the cell limit counts rows) at LF only.
/// A byte for a byte, so positions in messages stay those of the file.
fn lone_carriage_returns_as_newlines(body: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let lone = |i: usize| body[i] == b'\r' && body.get(i + 1) != Some(&b'\n');
    if !(0..body.len()).any(lone) {
        return std::borrow::Cow::Borrowed(body);
    }
    std::borrow::Cow::Owned((0..body.len()).map(|i| if lone(i) { b'\n' } else { body[i] }).collect())
}

fn count_byte(bytes: &[u8], byte: u8) -> usize {
    bytes.iter().filter(|&&b| b == byte).count()
}

/// Each column's mode, from the first SAMPLE_ROWS data rows.
fn sample_modes(
    body: &[u8],
    data: usize,
    line: u64,
    header: &[String],
    dialect: Dialect,
) -> Result<Vec<Mode>, LoadError> {
    let mut reader = Reader::new(body, data, line, dialect);
    let mut record = Record::default();
    let mut sample = Vec::new();
    while sample.len() < SAMPLE_ROWS && reader.next_record(header.len(), &mut record)? {
        sample.push(record.clone());
    }
    if sample.is_empty() {
        return Err(LoadError::new(LoadErrorKind::HeaderOnly { columns: header.len() }, Position::line(1)));
    }
    Ok((0..header.len()).map(|c| Mode::for_sample(sample.iter().map(|r| r.get(c)), dialect.decimal_comma)).collect())
}

/// Parts smaller than this are not worth a thread.
const MIN_PART_BYTES: usize = 1 << 20;

/// What every part of a read shares.
struct Context<'a> {
    body: &'a [u8],
    bom: usize,
    dialect: Dialect,
    header: &'a [String],
    cells_limit: u64,
    parallel: bool,
}

impl Context<'_> {
    /// Reads the data rows from byte `start` (on line `line`) to the end, in parallel parts when
    /// the file allows it. The result is the same as one sequential read.
    fn read(&self, start: usize, line: u64, modes: &[Mode]) -> Result<Part, LoadError> {
        let parts = self.parts(start, line);
        let results: Vec<Result<Part, LoadError>> = if parts.len() > 1 {
            parts.par_iter().map(|&(s, e, l)| self.read_part(s, e, l, modes)).collect()
        } else {
            parts.iter().map(|&(s, e, l)| self.read_part(s, e, l, modes)).collect()
        };
        let mut results = results.into_iter();
        let mut whole = results.next().expect("at least one part")?;
        for part in results {
            whole.append(part?);
        }
        Ok(whole)
    }

    /// (start, end, first line) of each part: cut at newlines, about equal in size.
    fn parts(&self, start: usize, line: u64) -> Vec<(usize, usize, u64)> {
        let len = self.body.len() - start;
        let threads = rayon::current_num_threads();
        let wanted = (len / MIN_PART_BYTES).min(threads * 4);
        // A cells limit is checked row by row, which needs one sequential part.
        if !self.parallel || threads < 2 || wanted < 2 || self.cells_limit != u64::MAX {
            return vec![(start, self.body.len(), line)];
        }
        let mut cuts = vec![start];
        for k in 1..wanted {
            let target = start + len * k / wanted;
            let Some(nl) = self.body[target..].iter().position(|&b| b == b'\n') else { break };
            let cut = target + nl + 1;
            if cut > *cuts.last().expect("starts non-empty") && cut < self.body.len() {
                cuts.push(cut);
            }
        }
        cuts.push(self.body.len());
        let mut parts = Vec::with_capacity(cuts.len() - 1);
        let mut first_line = line;
        for w in cuts.windows(2) {
            parts.push((w[0], w[1], first_line));
            first_line += count_byte(&self.body[w[0]..w[1]], b'\n') as u64;
        }
        parts
    }

    fn read_part(&self, start: usize, end: usize, line: u64, modes: &[Mode]) -> Result<Part, LoadError> {
        let width = self.header.len();
        let mut reader = Reader::new(&self.body[..end], start, line, self.dialect);
        let mut part = Part { builders: modes.iter().map(|m| m.builder()).collect(), ..Default::default() };
        let mut record = Record::default();
        let decimal_comma = self.dialect.decimal_comma;
        while reader.next_record(width, &mut record)? {
            part.rows += 1;
            if part.rows.saturating_mul(width as u64) > self.cells_limit {
                return Err(LoadError::new(
                    LoadErrorKind::TooManyCells { cells: part.rows * width as u64, limit: self.cells_limit },
                    Position::line(record.line),
                ));
            }
            for (c, (builder, cell)) in part.builders.iter_mut().zip(record.fields.iter()).enumerate() {
                builder
                    .push(cell.trim_ascii(), &record, c, &self.header[c], decimal_comma)
                    .map_err(|e| at_invalid_byte(e, self.body, self.bom))?;
            }
        }
        part.blank_rows = reader.blank_rows;
        part.padded_rows = reader.padded_rows;
        Ok(part)
    }
}

/// The columns built from a run of rows, and what was repaired on the way.
#[derive(Default)]
struct Part {
    builders: Vec<Builder>,
    rows: u64,
    blank_rows: usize,
    padded_rows: usize,
}

impl Part {
    /// Appends the rows of the part that follows this one.
    fn append(&mut self, next: Part) {
        for (builder, other) in self.builders.iter_mut().zip(next.builders) {
            builder.append(other);
        }
        self.rows += next.rows;
        self.blank_rows += next.blank_rows;
        self.padded_rows += next.padded_rows;
    }

    /// Warnings for the repairs made while reading.
    fn warn(&self, warnings: &mut Vec<Warning>) {
        if self.blank_rows > 0 {
            warnings.push(Warning {
                position: Position::default(),
                message: Message::counted("warn_blank_row", "warn_blank_rows", self.blank_rows, &[]),
            });
        }
        if self.padded_rows > 0 {
            warnings.push(Warning {
                position: Position::default(),
                message: Message::counted("warn_padded_row", "warn_padded_rows", self.padded_rows, &[]),
            });
        }
    }
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
#[derive(Clone, Default)]
struct Record {
    fields: ByteRecord,
    line: u64,
    byte: u64,
}

impl Record {
    /// Cell `c`, without surrounding whitespace (trimmed here rather than by the csv reader,
    /// whose trimming copies every record).
    fn get(&self, c: usize) -> &[u8] {
        self.fields.get(c).unwrap_or(b"").trim_ascii()
    }
}

/// The csv reader with occam's checks around it: ragged rows, blank rows, unterminated quotes.
/// It reads `body[start..]`, reporting lines and bytes as positions in the whole body.
struct Reader<'a> {
    body: &'a [u8],
    dialect: Dialect,
    csv: csv::Reader<&'a [u8]>,
    buffer: ByteRecord,
    start: usize,
    first_line: u64,
    blank_rows: usize,
    padded_rows: usize,
}

impl<'a> Reader<'a> {
    fn new(body: &'a [u8], start: usize, first_line: u64, dialect: Dialect) -> Self {
        let csv = ReaderBuilder::new()
            .delimiter(dialect.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(&body[start..]);
        Reader { body, dialect, csv, buffer: ByteRecord::new(), start, first_line, blank_rows: 0, padded_rows: 0 }
    }

    /// The byte (in the body) where the next record starts.
    fn offset(&self) -> usize {
        self.start + self.csv.position().byte() as usize
    }

    /// The line and byte (in the whole body) of a position in this reader's slice.
    /// The csv reader ends a CRLF record at its CR and starts the next at the LF, before it
    /// counts that line: such a record starts a byte and a line further on.
    fn place(&self, position: Option<&csv::Position>) -> (u64, u64) {
        position.map_or((0, 0), |p| {
            let (line, byte) = (self.first_line + p.line() - 1, self.start as u64 + p.byte());
            let at = byte as usize;
            if at > 0 && self.body.get(at) == Some(&b'\n') && self.body[at - 1] == b'\r' {
                (line + 1, byte + 1)
            } else {
                (line, byte)
            }
        })
    }

    /// The header's names: valid UTF-8, empty ones named after their position, duplicates
    /// numbered.
    fn header(&mut self, warnings: &mut Vec<Warning>) -> Result<Vec<String>, LoadError> {
        if !self.read()? {
            return Err(LoadError::new(LoadErrorKind::Empty, Position::default()));
        }
        let line = self.line();
        let mut names: Vec<String> = Vec::with_capacity(self.buffer.len());
        // The names so far, and for each repeated name the next number to try: linear in the
        // header's length however many times a name repeats.
        let mut taken: HashSet<String> = HashSet::with_capacity(self.buffer.len());
        let mut next_number: HashMap<String, usize> = HashMap::new();
        let (mut unnamed, mut renamed) = (Vec::new(), Vec::new());
        for (i, raw) in self.buffer.iter().map(<[u8]>::trim_ascii).enumerate() {
            let name = std::str::from_utf8(raw).map_err(|_| {
                LoadError::new(
                    LoadErrorKind::InvalidUtf8,
                    Position { line: Some(line), column: Some((i, format!("#{}", i + 1))), byte: None },
                )
            })?;
            let mut name = name.to_string();
            if name.is_empty() {
                name = format!("column_{}", i + 1);
                unnamed.push(Warning {
                    position: Position::cell(line, i, &name),
                    message: Message::new("warn_unnamed", &[("name", name.clone())]),
                });
            }
            if taken.contains(&name) {
                let base = name.clone();
                let k = next_number.entry(base.clone()).or_insert(2);
                while taken.contains(&format!("{base}_{k}")) {
                    *k += 1;
                }
                name = format!("{base}_{k}");
                *k += 1;
                renamed.push(Warning {
                    position: Position::cell(line, i, &base),
                    message: Message::new("warn_renamed", &[("base", base.clone()), ("name", name.clone())]),
                });
            }
            taken.insert(name.clone());
            names.push(name);
        }
        warnings.extend(listed(unnamed, "warn_more_unnamed"));
        warnings.extend(listed(renamed, "warn_more_renamed"));
        Ok(names)
    }

    /// Reads the next data record with exactly `width` cells into `record` (false at the end),
    /// skipping rows whose cells are all empty and dropping empty cells past the header's width.
    /// The record's buffers are reused from row to row.
    fn next_record(&mut self, width: usize, record: &mut Record) -> Result<bool, LoadError> {
        loop {
            if !self.read_into(&mut record.fields)? {
                return Ok(false);
            }
            let (line, byte) = self.place(record.fields.position());
            let fields = &mut record.fields;
            if fields.iter().all(|f| f.trim_ascii().is_empty()) {
                self.blank_rows += 1;
                continue;
            }
            let found = fields.len();
            if found < width || (found > width && fields.iter().skip(width).any(|f| !f.trim_ascii().is_empty())) {
                if let Some(quote_line) = unterminated_quote(self.body, self.dialect.delimiter) {
                    return Err(LoadError::new(LoadErrorKind::UnterminatedQuote, Position::line(quote_line)));
                }
                return Err(LoadError::new(LoadErrorKind::RaggedRow { found, expected: width }, Position::line(line)));
            }
            if found > width {
                self.padded_rows += 1;
                fields.truncate(width);
            }
            record.line = line;
            record.byte = byte;
            return Ok(true);
        }
    }

    fn read(&mut self) -> Result<bool, LoadError> {
        let mut buffer = std::mem::take(&mut self.buffer);
        let more = self.read_into(&mut buffer);
        self.buffer = buffer;
        more
    }

    fn read_into(&mut self, fields: &mut ByteRecord) -> Result<bool, LoadError> {
        self.csv.read_byte_record(fields).map_err(|e| {
            let position = e.position().map(|p| Position::line(self.place(Some(p)).0)).unwrap_or_default();
            LoadError::new(LoadErrorKind::Csv(e.to_string()), position)
        })
    }

    fn line(&self) -> u64 {
        self.place(self.buffer.position()).0
    }
}

/// The most warnings of one kind listed one by one: a header of 20,000 copies of one name gives
/// ten lines and a count, not 20,000 lines.
const LISTED: usize = 10;

/// The first [`LISTED`] of `found`, then one warning that counts the rest in the words of the
/// key `more`.
fn listed(mut found: Vec<Warning>, more: &'static str) -> Vec<Warning> {
    if found.len() > LISTED {
        let rest = found.len() - LISTED;
        found.truncate(LISTED);
        found.push(Warning { position: Position::default(), message: Message::counted(more, more, rest, &[]) });
    }
    found
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

/// How a column is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Numeric,
    Text,
    /// Not read (a second pass reads only the columns that need it).
    Skip,
}

impl Mode {
    /// Numeric if nearly all filled sample cells are numbers (or none are filled), text otherwise.
    fn for_sample<'c>(cells: impl Iterator<Item = &'c [u8]>, decimal_comma: bool) -> Mode {
        let (mut filled, mut numbers) = (0usize, 0usize);
        for cell in cells {
            if !number::is_missing(cell) {
                filled += 1;
                numbers += number::parse(cell, decimal_comma).is_some() as usize;
            }
        }
        if (filled - numbers) as f64 <= STRAY_SHARE * filled as f64 {
            Mode::Numeric
        } else {
            Mode::Text
        }
    }

    fn builder(self) -> Builder {
        match self {
            Mode::Numeric => Builder::Numeric(NumericBuilder::default()),
            Mode::Text => Builder::Text(TextBuilder::default()),
            Mode::Skip => Builder::Skip,
        }
    }
}

/// A column under construction.
enum Builder {
    Numeric(NumericBuilder),
    Text(TextBuilder),
    Skip,
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
    /// Adds `cell` (cell `c` of `record`, trimmed) to the column.
    fn push(
        &mut self,
        cell: &[u8],
        record: &Record,
        c: usize,
        name: &str,
        decimal_comma: bool,
    ) -> Result<(), LoadError> {
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
            Builder::Skip => {}
        }
        Ok(())
    }

    /// Appends the cells of the same column from the rows that follow.
    fn append(&mut self, next: Builder) {
        match (self, next) {
            (Builder::Numeric(a), Builder::Numeric(b)) => {
                a.values.extend_from_slice(&b.values);
                a.decimals = a.decimals.max(b.decimals);
                a.filled += b.filled;
                a.strays += b.strays;
                a.examples.extend(b.examples);
                a.examples.truncate(STRAY_EXAMPLES);
            }
            (Builder::Text(a), Builder::Text(b)) => {
                // Levels stay in order of first appearance: the next part's new levels follow.
                let remap: Vec<u32> = b
                    .levels
                    .into_iter()
                    .map(|level| match a.index.get(level.as_bytes()) {
                        Some(&code) => code,
                        None => {
                            let code = a.levels.len() as u32;
                            a.index.insert(level.as_bytes().into(), code);
                            a.levels.push(level);
                            code
                        }
                    })
                    .collect();
                a.codes.extend(b.codes.iter().map(|&c| if c == MISSING { MISSING } else { remap[c as usize] }));
            }
            (Builder::Skip, Builder::Skip) => {}
            _ => unreachable!("parts of one read share their modes"),
        }
    }

    fn wants_text(&self) -> bool {
        matches!(self, Builder::Numeric(b) if b.strays as f64 > STRAY_SHARE * b.filled as f64)
    }

    fn finish(self, index: usize, name: String, rows: usize, warnings: &mut Vec<Warning>) -> Column {
        match self {
            Builder::Numeric(b) => {
                if b.strays > 0 {
                    let examples: Vec<String> =
                        b.examples.iter().map(|(line, text)| format!("{line} '{text}'")).collect();
                    let more = if b.strays > examples.len() { ", ..." } else { "" };
                    warnings.push(Warning {
                        position: Position { column: Some((index, name.clone())), ..Default::default() },
                        message: Message::counted(
                            "warn_stray",
                            "warn_strays",
                            b.strays,
                            &[("examples", format!("{}{more}", examples.join(", ")))],
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
            Builder::Skip => unreachable!("skipped columns are replaced before they are finished"),
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
