//! The operator alphabet: [`Op`] names one primitive function, and [`OpSet`] is the subset a
//! search may use (parsed from a comma list such as "add,sub,mul,div,sqrt").
//!
//! The scalar meaning of every operator lives here ([`Op::apply`]), written with std's f64
//! functions: it is the oracle that the vectorised evaluator is tested against, and the rule
//! that constant folding follows, so the two can never disagree about what `pow` means.

use std::fmt;
use std::str::FromStr;

/// One primitive function. Binary operators take their operands in the order they are written
/// (`Sub` is `a - b`, `Pow` is `a ** b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Square,
    Cube,
    Sqrt,
    Exp,
    Log,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Tanh,
    Abs,
    Neg,
    Inv,
}

impl Op {
    /// Every operator, in declaration order (the order of [`OpSet`]'s bits).
    pub const ALL: [Op; 20] = [
        Op::Add,
        Op::Sub,
        Op::Mul,
        Op::Div,
        Op::Pow,
        Op::Square,
        Op::Cube,
        Op::Sqrt,
        Op::Exp,
        Op::Log,
        Op::Sin,
        Op::Cos,
        Op::Tan,
        Op::Asin,
        Op::Acos,
        Op::Atan,
        Op::Tanh,
        Op::Abs,
        Op::Neg,
        Op::Inv,
    ];

    /// How many operands the operator takes: 1 or 2.
    pub fn arity(self) -> usize {
        match self {
            Op::Add | Op::Sub | Op::Mul | Op::Div | Op::Pow => 2,
            _ => 1,
        }
    }

    /// The short lower-case name used in option lists and messages ("add", "sqrt").
    pub fn name(self) -> &'static str {
        match self {
            Op::Add => "add",
            Op::Sub => "sub",
            Op::Mul => "mul",
            Op::Div => "div",
            Op::Pow => "pow",
            Op::Square => "square",
            Op::Cube => "cube",
            Op::Sqrt => "sqrt",
            Op::Exp => "exp",
            Op::Log => "log",
            Op::Sin => "sin",
            Op::Cos => "cos",
            Op::Tan => "tan",
            Op::Asin => "asin",
            Op::Acos => "acos",
            Op::Atan => "atan",
            Op::Tanh => "tanh",
            Op::Abs => "abs",
            Op::Neg => "neg",
            Op::Inv => "inv",
        }
    }

    /// The operator with this short name, if any.
    pub fn from_name(name: &str) -> Option<Op> {
        Op::ALL.into_iter().find(|op| op.name() == name)
    }

    /// Whether `a op b == b op a` for all IEEE inputs (so operands may be reordered).
    pub fn is_commutative(self) -> bool {
        matches!(self, Op::Add | Op::Mul)
    }

    /// The operator applied to scalars with std's f64 math: the definition every evaluator and
    /// simplification must agree with. `b` is ignored by unary operators.
    pub fn apply(self, a: f64, b: f64) -> f64 {
        <f64 as super::eval::Real>::apply_std(self, a, b)
    }

    fn bit(self) -> u32 {
        1 << self as u8
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of enabled operators, as a bitset. Parsed from a comma list of operator names and
/// presets: "arith" (+ − × ÷) and "default" (arith and pow, square, cube, sqrt, exp, log, sin,
/// cos, inv, neg). Names may be mixed: "arith,sqrt".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OpSet(u32);

impl OpSet {
    pub const EMPTY: OpSet = OpSet(0);
    /// Addition, subtraction, multiplication and division.
    pub const ARITH: OpSet = OpSet::of(&[Op::Add, Op::Sub, Op::Mul, Op::Div]);
    /// The alphabet a search uses when the user names none.
    pub const DEFAULT: OpSet = OpSet::of(&[
        Op::Add,
        Op::Sub,
        Op::Mul,
        Op::Div,
        Op::Pow,
        Op::Square,
        Op::Cube,
        Op::Sqrt,
        Op::Exp,
        Op::Log,
        Op::Sin,
        Op::Cos,
        Op::Inv,
        Op::Neg,
    ]);
    /// Every operator.
    pub const ALL: OpSet = OpSet::of(&Op::ALL);

    /// The set holding exactly these operators (usable in constants).
    pub const fn of(ops: &[Op]) -> OpSet {
        let mut bits = 0;
        let mut i = 0;
        while i < ops.len() {
            bits |= 1 << ops[i] as u8;
            i += 1;
        }
        OpSet(bits)
    }

    pub fn contains(self, op: Op) -> bool {
        self.0 & op.bit() != 0
    }

    pub fn insert(&mut self, op: Op) {
        self.0 |= op.bit();
    }

    pub fn remove(&mut self, op: Op) {
        self.0 &= !op.bit();
    }

    pub fn union(self, other: OpSet) -> OpSet {
        OpSet(self.0 | other.0)
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The enabled operators in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Op> {
        Op::ALL.into_iter().filter(move |op| self.contains(*op))
    }

    /// The enabled operators of one arity, in declaration order (a search draws from these).
    pub fn with_arity(self, arity: usize) -> impl Iterator<Item = Op> {
        self.iter().filter(move |op| op.arity() == arity)
    }

    /// Parses a comma list of operator names and presets; blanks around names are ignored.
    pub fn parse(list: &str) -> Result<OpSet, UnknownOp> {
        let mut set = OpSet::EMPTY;
        for name in list.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            set = set.union(match name {
                "arith" => OpSet::ARITH,
                "default" => OpSet::DEFAULT,
                "all" => OpSet::ALL,
                _ => Op::from_name(name)
                    .map(|op| OpSet::of(&[op]))
                    .ok_or_else(|| UnknownOp { name: name.to_string() })?,
            });
        }
        Ok(set)
    }
}

impl FromStr for OpSet {
    type Err = UnknownOp;

    fn from_str(list: &str) -> Result<OpSet, UnknownOp> {
        OpSet::parse(list)
    }
}

/// Shows the set as the comma list that parses back to it.
impl fmt::Display for OpSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Op::name).collect();
        f.write_str(&names.join(","))
    }
}

/// An operator list named something that is neither an operator nor a preset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOp {
    pub name: String,
}

impl fmt::Display for UnknownOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown operator '{}': expected one of {} or a preset (arith, default, all)", self.name, OpSet::ALL)
    }
}

impl std::error::Error for UnknownOp {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_arities_are_one_or_two() {
        for op in Op::ALL {
            assert_eq!(Op::from_name(op.name()), Some(op));
            assert!(op.arity() == 1 || op.arity() == 2);
        }
    }

    #[test]
    fn parses_lists_and_presets() {
        let set = OpSet::parse("add, sub,mul,div,pow,sqrt,exp,log").unwrap();
        assert_eq!(set.len(), 8);
        assert!(set.contains(Op::Pow) && !set.contains(Op::Sin));
        assert_eq!(OpSet::parse("arith").unwrap(), OpSet::ARITH);
        assert_eq!(OpSet::parse("arith,sqrt").unwrap().len(), 5);
        assert_eq!(OpSet::DEFAULT.len(), 14);
        assert_eq!(OpSet::parse(&OpSet::DEFAULT.to_string()).unwrap(), OpSet::DEFAULT);
        assert_eq!(OpSet::parse("").unwrap(), OpSet::EMPTY);
    }

    #[test]
    fn unknown_operator_is_named() {
        let err = OpSet::parse("add,sinh").unwrap_err();
        assert_eq!(err.name, "sinh");
        assert!(err.to_string().starts_with("unknown operator 'sinh': expected one of add,"));
    }
}
