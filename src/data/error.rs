//! Load errors and warnings: each says where (line, column) and what is wrong, in words a person
//! can act on. The style follows the csv crate: "line 13, column 'y' (2): found 3 fields, the
//! header has 2".

use std::fmt;

use crate::words::{Lang, Message};

/// Where in the file something is. Lines are 1-based, as an editor shows them; columns are
/// 1-based too in messages, and carry their header name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Position {
    pub line: Option<u64>,
    pub column: Option<(usize, String)>,
    pub byte: Option<u64>,
}

impl Position {
    pub fn line(line: u64) -> Self {
        Position { line: Some(line), ..Default::default() }
    }

    pub fn cell(line: u64, index: usize, name: &str) -> Self {
        Position { line: Some(line), column: Some((index, name.to_string())), byte: None }
    }

    pub fn with_byte(mut self, byte: u64) -> Self {
        self.byte = Some(byte);
        self
    }
}

impl Position {
    /// "line 4, column 'T' (2)", in `lang`; empty when it names nothing.
    pub fn render(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if let Some(line) = self.line {
            parts.push(Message::new("pos_line", &[("line", line.to_string())]));
        }
        if let Some((index, name)) = &self.column {
            parts.push(Message::new("pos_column", &[("name", name.clone()), ("number", (index + 1).to_string())]));
        }
        if let Some(byte) = self.byte {
            parts.push(Message::new("pos_byte", &[("byte", byte.to_string())]));
        }
        let separator = if lang == Lang::Zh { "，" } else { ", " };
        parts.iter().map(|m| m.render(lang)).collect::<Vec<_>>().join(separator)
    }
}

impl Position {
    /// `text` after this place and a colon ("line 3: …", "第 3 行：…"), or alone when the place
    /// names nothing.
    fn before(&self, text: &str, lang: Lang) -> String {
        let at = self.render(lang);
        match (at.is_empty(), lang) {
            (true, _) => text.to_string(),
            (false, Lang::Zh) => format!("{at}：{text}"),
            (false, Lang::En) => format!("{at}: {text}"),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// What went wrong while reading a table. Each variant has its own message.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadErrorKind {
    Empty,
    HeaderOnly { columns: usize },
    InvalidUtf8,
    RaggedRow { found: usize, expected: usize },
    UnterminatedQuote,
    TooLarge { bytes: u64, limit: u64 },
    TooManyCells { cells: u64, limit: u64 },
    Csv(String),
}

/// A file that cannot be read as a table. The loader never panics on input: everything it
/// refuses comes back as one of these.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadError {
    pub kind: LoadErrorKind,
    pub position: Position,
}

impl LoadError {
    pub fn new(kind: LoadErrorKind, position: Position) -> Self {
        LoadError { kind, position }
    }
}

impl LoadError {
    /// What is wrong, in words for people (see [`crate::words`]).
    pub fn message(&self) -> Message {
        let n = |v: u64| v.to_string();
        match &self.kind {
            LoadErrorKind::Empty => Message::new("load_empty", &[]),
            LoadErrorKind::HeaderOnly { columns } => {
                Message::counted("load_header_only_one", "load_header_only", *columns, &[])
            }
            LoadErrorKind::InvalidUtf8 => Message::new("load_utf8", &[]),
            LoadErrorKind::RaggedRow { found, expected } => {
                Message::counted("load_ragged_one", "load_ragged", *found, &[("expected", expected.to_string())])
            }
            LoadErrorKind::UnterminatedQuote => Message::new("load_quote", &[]),
            LoadErrorKind::TooLarge { bytes, limit } => {
                Message::new("load_too_large", &[("mb", n(bytes / 1_000_000)), ("limit", n(limit / 1_000_000))])
            }
            LoadErrorKind::TooManyCells { cells, limit } => {
                Message::new("load_too_many_cells", &[("cells", n(*cells)), ("limit", n(*limit))])
            }
            LoadErrorKind::Csv(message) => Message::new("load_csv", &[("message", message.clone())]),
        }
    }

    /// The error in `lang`, its place first.
    pub fn render(&self, lang: Lang) -> String {
        self.position.before(&self.message().render(lang), lang)
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl std::error::Error for LoadError {}

/// A repair the loader made, or a doubt about the input, reported beside the table.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub position: Position,
    pub message: Message,
}

impl Warning {
    /// The warning in `lang`, its place first.
    pub fn render(&self, lang: Lang) -> String {
        self.position.before(&self.message.render(lang), lang)
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}
