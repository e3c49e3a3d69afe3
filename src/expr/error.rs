//! Errors for malformed formulas ([`ExprError`]) and for evaluation requests that do not fit
//! the data ([`EvalError`]). Nothing in `expr` panics on a malformed vector: it answers with one
//! of these.

use std::fmt;

use super::op::Op;

/// Why a node vector is not a well-formed postfix formula. Indices are node positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprError {
    /// The vector has no nodes.
    Empty,
    /// More nodes than a `u16` subtree length can describe.
    TooLong { nodes: usize },
    /// An operator finds fewer finished subtrees before it than it needs.
    MissingOperand { index: usize, op: Op, available: usize },
    /// A node's stored subtree length differs from the one its operands imply.
    WrongLength { index: usize, stored: u16, actual: usize },
    /// The vector describes several trees side by side rather than one.
    SeveralRoots { roots: usize },
    /// A node index past the end of the vector.
    NoSuchNode { index: usize, nodes: usize },
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExprError::Empty => write!(f, "the formula has no nodes"),
            ExprError::TooLong { nodes } => {
                write!(f, "the formula has {nodes} nodes; at most {} are allowed", u16::MAX)
            }
            ExprError::MissingOperand { index, op, available } => {
                write!(f, "node {index} ({op}) needs {} operands but only {available} precede it", op.arity())
            }
            ExprError::WrongLength { index, stored, actual } => {
                write!(f, "node {index} records a subtree of {stored} nodes but its operands make {actual}")
            }
            ExprError::SeveralRoots { roots } => {
                write!(f, "the nodes form {roots} separate trees instead of one")
            }
            ExprError::NoSuchNode { index, nodes } => {
                write!(f, "node {index} does not exist (the formula has {nodes} nodes)")
            }
        }
    }
}

impl std::error::Error for ExprError {}

/// Why a formula cannot be evaluated on the given data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The formula itself is malformed.
    Expr(ExprError),
    /// The formula reads column `index` but the data has only `columns`.
    NoSuchColumn { index: u16, columns: usize },
    /// A data column has a different number of rows from the first.
    ColumnLength { column: usize, rows: usize, expected: usize },
    /// The output slice does not have one entry per row (or per row and formula).
    OutputLength { found: usize, expected: usize },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Expr(e) => write!(f, "malformed formula: {e}"),
            EvalError::NoSuchColumn { index, columns } => {
                write!(f, "the formula reads variable {index} but the data has {columns} columns")
            }
            EvalError::ColumnLength { column, rows, expected } => {
                write!(f, "column {column} has {rows} rows but column 0 has {expected}")
            }
            EvalError::OutputLength { found, expected } => {
                write!(f, "the output has room for {found} values but {expected} are computed")
            }
        }
    }
}

impl std::error::Error for EvalError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EvalError::Expr(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ExprError> for EvalError {
    fn from(e: ExprError) -> Self {
        EvalError::Expr(e)
    }
}
