//! Reading a table of data: CSV bytes in, a typed [`Table`] out.
//!
//! [`load`] sniffs the dialect ([`sniff`]), reads the records with the `csv` crate, infers each
//! column's [`Kind`] and keeps each numeric column's decimal step, because the code lengths of
//! the MDL rules are counted at that step. Anything it cannot read comes back as a
//! [`LoadError`] that names the line and column; repairs it makes (a renamed duplicate header,
//! a stray word in a numeric column) come back as [`Warning`]s beside the table.

mod describe;
mod error;
mod load;
pub mod number;
pub mod sniff;

pub use describe::{describe, ColumnStats};
pub use error::{LoadError, LoadErrorKind, Position, Warning};
pub use load::{load, LoadOptions, Loaded};
pub use sniff::Dialect;

/// The code of a missing cell in a text column.
pub const MISSING: u32 = u32::MAX;

/// What a column holds, as inferred from its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Numeric,
    Categorical,
    Boolean,
    /// At most one distinct value (or none): it carries no information.
    Constant,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Numeric => "numeric",
            Kind::Categorical => "categorical",
            Kind::Boolean => "boolean",
            Kind::Constant => "constant",
        }
    }
}

/// A column's cells. Numbers keep the finest decimal step seen in their text; text keeps its
/// distinct levels in order of first appearance, with cells as indices into them.
#[derive(Debug, Clone, PartialEq)]
pub enum ColumnData {
    /// Missing cells are NaN. δ = 10^-decimals.
    Numeric { values: Vec<f64>, decimals: i32 },
    /// Missing cells are [`MISSING`].
    Text { codes: Vec<u32>, levels: Vec<String> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    pub data: ColumnData,
    pub missing: usize,
}

impl Column {
    /// The decimal step δ of a numeric column.
    pub fn precision(&self) -> Option<f64> {
        match &self.data {
            ColumnData::Numeric { decimals, .. } => Some(10f64.powi(-decimals)),
            ColumnData::Text { .. } => None,
        }
    }

    pub fn levels(&self) -> Option<&[String]> {
        match &self.data {
            ColumnData::Text { levels, .. } => Some(levels),
            ColumnData::Numeric { .. } => None,
        }
    }

    /// A cell as text, the way the file wrote it (numbers at the column's step); "" if missing.
    pub fn cell_text(&self, row: usize) -> String {
        match &self.data {
            ColumnData::Numeric { values, decimals } => number::format(values[row], *decimals),
            ColumnData::Text { codes, levels } => match codes[row] {
                MISSING => String::new(),
                code => levels[code as usize].clone(),
            },
        }
    }
}

/// A loaded table: named, typed columns of equal length.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: usize,
    pub dialect: Dialect,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.column_index(name).map(|i| &self.columns[i])
    }

    /// The column named `name`: by its whole header, or else by the name before its unit
    /// (`T` for `T [s]`) when exactly one column has it.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name).or_else(|| {
            let mut by_base =
                self.columns.iter().enumerate().filter(|(_, c)| crate::units::split_header(&c.name).0 == name);
            match (by_base.next(), by_base.next()) {
                (Some((i, _)), None) => Some(i),
                _ => None,
            }
        })
    }
}
