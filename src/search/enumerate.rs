//! Every formula structure up to a length, once: the enumeration behind the exhaustive search.
//!
//! A structure is a postfix formula whose leaves are variables and a free constant `c` (fitted
//! later). Exhaustive Symbolic Regression (Bartlett, Desmond & Ferreira, IEEE TEVC 2024) lists
//! all of them and removes the duplicates with a computer-algebra system; here duplicates are
//! never made. [`Levels`] builds the structures of length n from those of lengths below n,
//! admitting a combination only in a canonical form:
//!
//! - a subtree without a variable is a single `c` (any constant expression is one constant);
//! - sums and products are left-deep chains with their operands in a fixed order, so each
//!   multiset of operands appears once, with at most one `c`; a − b and a / b never have a sum
//!   or difference (product or quotient) on the right and never a `c` there (x − c is c + x);
//!   a sum never holds a difference and a product never a quotient ((a − d) + b is (a + b) − d);
//! - negation and 1/x move outwards ((−a)·b is −(a·b), a·(1/b) is a/b), never meet themselves,
//!   and are absorbed where a free constant is (−(c·x) is c·x, 1/(c·x) is c/x);
//! - functions that commute with a free constant factor or offset do not take one:
//!   (c·x)² is c·x², e^(c + x) is c·eˣ, |c·x| is c·|x|; nor do inverse pairs meet (log eˣ).
//!
//! Two limits narrow the alphabet rather than remove duplicates, and the count the search
//! reports is "of up to n symbols" within them: no transcendental function (exp, log, the
//! trigonometric and hyperbolic ones) inside another (sin eˣ, log cos x), and a power's base or
//! exponent is a leaf (x^c, c^x, x^y, (c + x)^y; not x^(sin x)). Each cuts the count at length
//! 7 by a factor of about three, and measured laws rarely need what they leave out; the
//! genetic search that follows has no such limits.
//!
//! Each rule removes a formula only when a kept formula is no longer and has no more constants
//! and equals it on its domain for some values of the constants; so the shortest formula of
//! every length, in occam's code, is among those enumerated. (√(c·x) and log(c·x) stay: for
//! negative c their kept equals would need a negation, one symbol more.)
//!
//! Structures are stored as compact tokens (two bytes a node); the last length asked for is not
//! stored but handed out in order ([`Levels::visit`]), so memory holds only the shorter levels.

use crate::expr::{Expr, Form, Kind, Node, Op, OpSet};

/// A node of a stored structure: the free constant, a variable, or an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Const,
    Var(u16),
    Op(Op),
}

impl Token {
    fn pack(self) -> u16 {
        match self {
            Token::Const => 0,
            Token::Var(j) => 1 + j,
            Token::Op(op) => 0x8000 | op as u16,
        }
    }

    fn unpack(word: u16) -> Token {
        if word & 0x8000 != 0 {
            Token::Op(Op::ALL[(word & 0x7fff) as usize])
        } else if word == 0 {
            Token::Const
        } else {
            Token::Var(word - 1)
        }
    }
}

/// What the canonical rules need to know of a stored structure.
#[derive(Debug, Clone, Copy)]
struct Meta {
    root: Token,
    /// Position in the enumeration order (shorter first): the order operands are sorted by.
    id: u32,
    /// For a +, ×, − or ÷ root: the id of its right operand (the last of a sorted chain).
    last: u32,
    /// A product or quotient with a free constant factor (c·x, (c·x)/y, c/x).
    factor: bool,
    /// A sum or difference with a free constant term (c + x, c − x, (c + x) − y).
    offset: bool,
    /// A power whose exponent is the free constant.
    const_exponent: bool,
    /// Holds a transcendental function (exp, log, a trigonometric or hyperbolic one).
    transcendental: bool,
}

/// The structures of each length from 1 up to the longest stored one.
pub struct Levels {
    ops: OpSet,
    /// levels[n − 1]: the structures of length n, `n` tokens each, and their metadata.
    tokens: Vec<Vec<u16>>,
    meta: Vec<Vec<Meta>>,
}

/// A structure handed out by [`Levels::visit`]: its nodes as an [`Expr`] with every free constant
/// at 1 ([`Form::Real`]).
pub type Structure = Expr;

impl Levels {
    /// The enumeration over `vars` variables and the operators `ops`; length 1 is stored.
    pub fn new(ops: OpSet, vars: u16) -> Levels {
        let mut levels = Levels { ops, tokens: Vec::new(), meta: Vec::new() };
        let mut tokens = Vec::new();
        let mut meta = Vec::new();
        let leaf = |root: Token, id: u32| Meta {
            root,
            id,
            last: 0,
            factor: false,
            offset: false,
            const_exponent: false,
            transcendental: false,
        };
        tokens.push(Token::Const.pack());
        meta.push(leaf(Token::Const, 0));
        for j in 0..vars {
            tokens.push(Token::Var(j).pack());
            meta.push(leaf(Token::Var(j), 1 + j as u32));
        }
        levels.tokens.push(tokens);
        levels.meta.push(meta);
        levels
    }

    /// The longest length stored.
    pub fn stored(&self) -> usize {
        self.tokens.len()
    }

    /// How many structures of length `n` (≤ [`stored`](Levels::stored)) there are.
    pub fn count_stored(&self, n: usize) -> usize {
        self.meta.get(n - 1).map_or(0, Vec::len)
    }

    /// An upper bound on the structures of length `stored + 1`, without enumerating them: every
    /// operator over every pair of shorter structures. Cheap, for deciding whether to count.
    pub fn bound_next(&self) -> f64 {
        let n = self.stored() + 1;
        let count = |len: usize| self.count_stored(len) as f64;
        let unary = self.ops.with_arity(1).count() as f64 * count(n - 1);
        let pairs: f64 = (1..n.saturating_sub(1)).map(|i| count(i) * count(n - 1 - i)).sum();
        unary + self.ops.with_arity(2).count() as f64 * pairs
    }

    /// The number of structures of length `stored + 1`, by enumerating them without storing.
    pub fn count_next(&self) -> u64 {
        let mut count = 0u64;
        self.combine(self.stored() + 1, |_, _| count += 1);
        count
    }

    /// Builds and stores the structures of length `stored + 1`.
    pub fn extend(&mut self) {
        let n = self.stored() + 1;
        let base = self.meta.iter().map(Vec::len).sum::<usize>() as u32;
        let mut tokens = Vec::new();
        let mut meta = Vec::new();
        self.combine(n, |t, m| {
            tokens.extend_from_slice(t);
            meta.push(Meta { id: base + meta.len() as u32, ..m });
        });
        self.tokens.push(tokens);
        self.meta.push(meta);
    }

    /// Hands every structure of length `stored + 1` to `f`, in enumeration order, without
    /// storing them; `f` returns false to stop early.
    pub fn visit(&self, mut f: impl FnMut(Structure) -> bool) {
        let mut going = true;
        self.combine(self.stored() + 1, |tokens, _| {
            if going {
                going = f(structure(tokens));
            }
        });
    }

    /// Every stored structure of length `n`, as formulas (for tests and small levels).
    pub fn structures(&self, n: usize) -> Vec<Structure> {
        self.tokens.get(n - 1).map_or(Vec::new(), |t| t.chunks(n).map(structure).collect())
    }

    /// Calls `emit` with the tokens and metadata of every canonical structure of length `n`
    /// (all shorter lengths stored), in a fixed order: unary operators over length n − 1, then
    /// binary operators over each split of n − 1 nodes.
    fn combine(&self, n: usize, mut emit: impl FnMut(&[u16], Meta)) {
        let mut buffer: Vec<u16> = Vec::with_capacity(n);
        if n >= 2 {
            for op in self.ops.with_arity(1) {
                let (tokens, meta) = (&self.tokens[n - 2], &self.meta[n - 2]);
                for (k, child) in meta.iter().enumerate() {
                    if !self.unary_allowed(op, child) {
                        continue;
                    }
                    buffer.clear();
                    buffer.extend_from_slice(&tokens[k * (n - 1)..(k + 1) * (n - 1)]);
                    buffer.push(Token::Op(op).pack());
                    emit(&buffer, unary_meta(op, child));
                }
            }
        }
        for op in self.ops.with_arity(2) {
            for left_len in 1..n.saturating_sub(1) {
                let right_len = n - 1 - left_len;
                let (lt, lm) = (&self.tokens[left_len - 1], &self.meta[left_len - 1]);
                let (rt, rm) = (&self.tokens[right_len - 1], &self.meta[right_len - 1]);
                for (a, left) in lm.iter().enumerate() {
                    for (b, right) in rm.iter().enumerate() {
                        if !self.binary_allowed(op, left, right) {
                            continue;
                        }
                        buffer.clear();
                        buffer.extend_from_slice(&lt[a * left_len..(a + 1) * left_len]);
                        buffer.extend_from_slice(&rt[b * right_len..(b + 1) * right_len]);
                        buffer.push(Token::Op(op).pack());
                        emit(&buffer, binary_meta(op, left, right));
                    }
                }
            }
        }
    }

    fn unary_allowed(&self, op: Op, x: &Meta) -> bool {
        use Op::*;
        let root = |ops: &[Op]| matches!(x.root, Token::Op(o) if ops.contains(&o));
        if x.root == Token::Const || (x.transcendental && is_transcendental(op)) {
            return false;
        }
        let power_of_c = root(&[Pow]) && x.const_exponent;
        match op {
            Neg => !root(&[Neg, Sub]) && !x.factor && !x.offset,
            Inv => !root(&[Inv, Div, Neg, Exp]) && !x.factor && !power_of_c,
            Square => !root(&[Neg, Abs, Sqrt, Inv]) && !x.factor,
            Cube => !root(&[Neg, Inv]) && !x.factor,
            Sqrt => !(root(&[Inv]) || root(&[Square]) && self.ops.contains(Abs)),
            Exp => !root(&[Log]) && !x.offset,
            Log => !root(&[Exp, Inv]) && !power_of_c,
            Abs => !root(&[Abs, Neg, Square, Exp, Sqrt]) && !x.factor,
            Sin | Cos | Tan | Asin | Atan | Tanh => !root(&[Neg]),
            Acos => true,
            Add | Sub | Mul | Div | Pow => false,
        }
    }

    fn binary_allowed(&self, op: Op, l: &Meta, r: &Meta) -> bool {
        use Op::*;
        let is = |m: &Meta, ops: &[Op]| matches!(m.root, Token::Op(o) if ops.contains(&o));
        let (lc, rc) = (l.root == Token::Const, r.root == Token::Const);
        if lc && rc {
            return false; // a constant expression is one constant
        }
        match op {
            Add | Mul => {
                let (chain, inverse) = if op == Add { (Add, Sub) } else { (Mul, Div) };
                let signs: &[Op] = if op == Add { &[Neg] } else { &[Neg, Inv] };
                if is(r, &[chain, inverse]) || is(l, &[inverse]) || is(l, signs) || is(r, signs) {
                    return false;
                }
                if op == Mul && l.id == r.id && self.ops.contains(Square) {
                    return false; // x·x is x²
                }
                let first = if is(l, &[chain]) { l.last } else { l.id };
                first <= r.id
            }
            Sub | Div => {
                let (sum, product) = if op == Sub { (&[Add, Sub], Neg) } else { (&[Mul, Div], Inv) };
                if rc || is(r, sum) || is(r, &[Neg, product]) || is(l, &[Neg, product]) || l.id == r.id {
                    return false;
                }
                !is(l, &[op]) || l.last <= r.id
            }
            Pow => {
                // A power's base or exponent is a leaf (x^c, c^x, x^y, (1 + r)^n): compound
                // exponents of compound bases are not laws people measure, and they are many.
                let leaf = |m: &Meta| matches!(m.root, Token::Const | Token::Var(_));
                if is(l, &[Exp]) || !(leaf(l) || leaf(r)) {
                    return false;
                }
                if rc {
                    return !(l.factor || is(l, &[Sqrt, Inv]) || is(l, &[Pow]) && l.const_exponent);
                }
                !(lc && r.offset)
            }
            _ => false,
        }
    }
}

fn unary_meta(op: Op, child: &Meta) -> Meta {
    Meta {
        root: Token::Op(op),
        id: 0,
        last: 0,
        factor: false,
        offset: false,
        const_exponent: false,
        transcendental: child.transcendental || is_transcendental(op),
    }
}

/// exp, log and the trigonometric and hyperbolic functions: what the enumeration does not nest
/// (sin(eˣ), log(cos x)); powers and roots nest freely.
fn is_transcendental(op: Op) -> bool {
    use Op::*;
    matches!(op, Exp | Log | Sin | Cos | Tan | Asin | Acos | Atan | Tanh)
}

fn binary_meta(op: Op, l: &Meta, r: &Meta) -> Meta {
    let lc = l.root == Token::Const;
    Meta {
        root: Token::Op(op),
        id: 0,
        last: r.id,
        factor: matches!(op, Op::Mul | Op::Div) && (lc || l.factor),
        offset: matches!(op, Op::Add | Op::Sub) && (lc || l.offset),
        const_exponent: op == Op::Pow && r.root == Token::Const,
        transcendental: l.transcendental || r.transcendental,
    }
}

/// The formula of a token sequence, free constants at 1.
fn structure(tokens: &[u16]) -> Expr {
    let mut nodes: Vec<Node> = Vec::with_capacity(tokens.len());
    let mut starts: Vec<usize> = Vec::with_capacity(tokens.len());
    for &word in tokens {
        let (kind, arity) = match Token::unpack(word) {
            Token::Const => (Kind::Const(1.0, Form::Real), 0),
            Token::Var(j) => (Kind::Var(j), 0),
            Token::Op(op) => (Kind::Op(op), op.arity()),
        };
        let start = if arity == 0 { nodes.len() } else { starts[starts.len() - arity] };
        starts.truncate(starts.len() - arity);
        starts.push(start);
        nodes.push(Node { kind, len: (nodes.len() + 1 - start) as u16 });
    }
    Expr { nodes }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::Syntax;

    fn texts(levels: &Levels, n: usize) -> Vec<String> {
        levels.structures(n).iter().map(|e| e.print(Syntax::Text, &["x", "y"]).unwrap()).collect()
    }

    fn up_to(ops: &str, vars: u16, n: usize) -> Levels {
        let mut levels = Levels::new(OpSet::parse(ops).unwrap(), vars);
        while levels.stored() < n {
            levels.extend();
        }
        levels
    }

    #[test]
    fn counts_for_add_and_mul_over_one_variable_match_a_hand_count() {
        // Leaves c, x. Length 3: c+x, x+x, c·x, x·x (no square in the alphabet): 4.
        // Length 5 by hand, sums (left-deep, sorted, at most one c): (c+x)+x, (x+x)+x,
        // c+(c·x)... the operands of a sum are c, x, c·x, x·x, (c+x), (x+x) as left chains:
        //   (c+x)+x, (x+x)+x, c+c·x, c+x·x, x+c·x, x+x·x  (left a leaf, right a product)
        //   and the same six with + and · swapped: (c·x)·x, (x·x)·x, c·(c+x), c·(x+x), x·(c+x),
        //   x·(x+x). Left a product, right a leaf: c·x + x? Sorted needs id(left) ≤ id(right),
        //   and products have larger ids than leaves, so never. 12 in all.
        let levels = up_to("add,mul", 1, 5);
        assert_eq!(levels.count_stored(1), 2);
        assert_eq!(levels.count_stored(2), 0);
        assert_eq!(texts(&levels, 3), ["1.0 + x", "x + x", "1.0*x", "x*x"]);
        assert_eq!(levels.count_stored(4), 0);
        assert_eq!(levels.count_stored(5), 12, "{:?}", texts(&levels, 5));
    }

    #[test]
    fn counting_visiting_and_storing_agree() {
        let mut levels = Levels::new(OpSet::DEFAULT, 2);
        for _ in 0..4 {
            let counted = levels.count_next();
            let mut visited = 0u64;
            levels.visit(|e| {
                assert!(e.validate().is_ok());
                visited += 1;
                true
            });
            assert!(counted as f64 <= levels.bound_next());
            levels.extend();
            assert_eq!(counted, visited);
            assert_eq!(counted, levels.count_stored(levels.stored()) as u64);
        }
    }

    #[test]
    fn no_two_structures_are_the_same_formula() {
        // Distinct structures with constants at 1 may still evaluate alike (c+x and x+1), but
        // no two may be the same node sequence, and none may hold a constant-only subtree.
        let levels = up_to("default", 2, 6);
        let mut seen = std::collections::HashSet::new();
        for n in 1..=6 {
            for e in levels.structures(n) {
                assert!(seen.insert(e.structural_hash()), "twice: {:?}", e.print(Syntax::Text, &["x", "y"]));
                for i in 0..e.len() {
                    let range = e.subtree(i).unwrap();
                    let sub = &e.nodes[range];
                    let has_var = sub.iter().any(|n| matches!(n.kind, Kind::Var(_)));
                    assert!(has_var || sub.len() == 1, "constant subtree in {:?}", e.print(Syntax::Text, &["x", "y"]));
                }
            }
        }
    }

    #[test]
    fn the_kernels_of_measured_laws_are_enumerated() {
        // The shapes the exhaustive search must reach, as kernels f of b·f + a (constants at 1
        // in the enumeration, any value here).
        let levels = up_to("default", 1, 6);
        let ones = |mut e: Expr| {
            e.constants_mut().for_each(|c| *c = 1.0);
            e.structural_hash()
        };
        let all: std::collections::HashSet<u64> = (1..=6).flat_map(|n| levels.structures(n)).map(ones).collect();
        for law in [
            "x ** 2.5",             // a power law with a real exponent
            "exp(2.0 * x)",         // a + b·e^(kt), Newton's cooling
            "2.0 - exp(2.0 * x)",   // a·(1 − e^(−t/τ)), a charging capacitor
            "2.0 ** x",             // a·bᵗ
            "2.0 / (2.0 + x)",      // a/(b + x)
            "1 / (2.0 - 1 / x**2)", // Balmer's B·n²/(n² − 4)
            "x + 2.0 * x**2",       // a stopping distance, v·t + v²/(2μg)
            "sin(2.0 * x)",         // an angle in degrees
            "sqrt(x)",              // a pendulum
        ] {
            let e = crate::expr::parse(law, &["x"]).unwrap();
            assert!(all.contains(&ones(e)), "{law} is not enumerated");
        }
    }
}
