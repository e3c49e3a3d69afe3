//! The model part of a .occam file: a [`Program`] resolved against the prepared table
//! ([`Resolved`]), written and read, and the predictions the data part is coded with.
//!
//! Formulas: the tokens in prefix order, each by the structure code of [`Alphabet`] (its arity,
//! then its symbol within the arity: the enabled operators, or the prepared features and one
//! constant token), then each constant's own code in node order, so the model bits are
//! polish's: `Alphabet::structure_bits + Σ constant bits`. Networks: the
//! architecture by universal codes, then every tensor ([`network_bits`]).

use ndarray::Array2;

use crate::compress::{LayerCode, NetworkCode, WeightCode};
use crate::expr::{Alphabet, Evaluator, Expr, Form, Kind, Node, Op, OpSet};
use crate::mdl::stream::{CountModel, Decoder, Encoder};
use crate::mdl::tensor::{Tensor, MAX_VALUES};
use crate::mdl::{BitSink, BitSource, Constant};
use crate::model::{softmax, Activation, Inputs, Output};
use crate::prepare::{Dataset, Target, Task};

use super::{CodecError, Program};

/// The most nodes a formula may have (the evaluator's u16 subtree lengths).
const MAX_NODES: usize = u16::MAX as usize;
/// The most layers, and the widest layer, a network in a file may have.
const MAX_LAYERS: u64 = 64;
const MAX_WIDTH: u64 = 1 << 16;

/// Which program a file holds: one of three, log₂3 bits.
const KINDS: u64 = 3;

/// The operator sets a formula is usually searched with, by their prefix codes: the default
/// set costs 1 bit ("1"), + − × ÷ 2 ("01"), every operator 3 ("001"); any other set is "000"
/// and a bit for each of the 20 operators.
const PRESETS: [OpSet; 3] = [OpSet::DEFAULT, OpSet::ARITH, OpSet::ALL];

/// Writes a formula's operator set: a preset's prefix code, or "000" and the mask.
fn write_ops(e: &mut Encoder, ops: OpSet) -> Result<(), CodecError> {
    for preset in PRESETS {
        let this = ops == preset;
        e.write_bit(this);
        if this {
            return Ok(());
        }
    }
    let mask = Op::ALL.iter().enumerate().fold(0u64, |m, (i, op)| m | (ops.contains(*op) as u64) << i);
    e.write_raw(mask, Op::ALL.len() as u32).map_err(CodecError::Coder)
}

/// Reads [`write_ops`].
fn read_ops(d: &mut Decoder) -> Result<OpSet, CodecError> {
    for preset in PRESETS {
        if d.read_bit()? {
            return Ok(preset);
        }
    }
    let mask = d.read_raw(Op::ALL.len() as u32)?;
    let mut ops = OpSet::EMPTY;
    for (i, op) in Op::ALL.iter().enumerate() {
        if mask >> i & 1 == 1 {
            ops.insert(*op);
        }
    }
    Ok(ops)
}

/// A program made concrete on the prepared table: feature names turned into column indices,
/// constants into the values the decoder will have.
#[derive(Debug, Clone)]
pub(crate) enum Resolved {
    /// The mean (regression) or the class frequencies (classification); the mean's constant is
    /// chosen with the residual code by the encoder (`None` until then, and in the decoder until
    /// it is read).
    Null,
    Formula {
        expr: Expr,
        constants: Vec<Constant>,
        ops: OpSet,
    },
    /// `inputs[j]`: the prepared feature column of the network's input j.
    Network {
        code: NetworkCode,
        inputs: Vec<usize>,
    },
}

/// What the target is coded with.
pub(crate) enum Predictions {
    /// μ for every row, in the target's units.
    Numbers(Vec<f64>),
    /// Class probabilities for every row.
    Classes(Vec<Vec<f64>>),
}

impl Resolved {
    /// Resolves `program` against the dataset, checking it fits the task.
    pub fn new(program: &Program, dataset: &Dataset) -> Result<Resolved, CodecError> {
        let names: Vec<&str> = dataset.features.iter().map(|f| f.name.as_str()).collect();
        let index = |feature: &String| {
            names.iter().position(|n| n == feature).ok_or_else(|| CodecError::UnknownFeature {
                feature: feature.clone(),
                available: names.iter().map(|n| n.to_string()).collect(),
            })
        };
        let mismatch = |program| CodecError::TaskMismatch {
            program,
            target: dataset.target_name.clone(),
            task: dataset.task.name(),
        };
        match program {
            Program::Null => Ok(Resolved::Null),
            Program::Formula { expr, constants, ops, features } => {
                if dataset.task != Task::Regression {
                    return Err(mismatch("a formula"));
                }
                expr.validate().map_err(|e| bad(format!("the formula is malformed: {e}")))?;
                if expr.is_empty() || expr.len() > MAX_NODES {
                    return Err(bad(format!("a formula of {} nodes", expr.len())));
                }
                if expr.num_constants() != constants.len() {
                    return Err(bad(format!(
                        "the formula has {} constants but {} are given to send",
                        expr.num_constants(),
                        constants.len()
                    )));
                }
                let map = features.iter().map(index).collect::<Result<Vec<_>, _>>()?;
                let mut nodes = expr.nodes.clone();
                let mut sent = constants.iter();
                for node in nodes.iter_mut() {
                    match &mut node.kind {
                        Kind::Var(j) => {
                            let column = *map.get(usize::from(*j)).ok_or_else(|| {
                                bad(format!("variable x{j} beyond the {} features named", features.len()))
                            })?;
                            *j = u16::try_from(column).map_err(|_| bad("more than 65,535 features".to_string()))?;
                        }
                        Kind::Const(value, form) => {
                            let c = sent.next().ok_or_else(|| bad("too few constants".to_string()))?;
                            *value = c.value();
                            *form = form_of(c);
                        }
                        Kind::Op(op) if !ops.contains(*op) => {
                            return Err(bad(format!("the formula uses '{op}', which is not in its operator set")));
                        }
                        Kind::Op(_) => {}
                    }
                }
                Ok(Resolved::Formula { expr: Expr { nodes }, constants: constants.clone(), ops: *ops })
            }
            Program::Network { code, features } => {
                let inputs = features.iter().map(index).collect::<Result<Vec<_>, _>>()?;
                let wanted = match &dataset.target {
                    Target::Regression(_) => Output::Regression,
                    Target::Classification { classes, .. } => Output::Classes(classes.len()),
                };
                if code.output != wanted {
                    return Err(match wanted {
                        Output::Regression => mismatch("a classifier"),
                        Output::Classes(_) if matches!(code.output, Output::Regression) => {
                            mismatch("a regression network")
                        }
                        Output::Classes(k) => {
                            bad(format!("a network of {} outputs for {k} classes", code.output.width()))
                        }
                    });
                }
                check_network(code, inputs.len())?;
                Ok(Resolved::Network { code: code.clone(), inputs })
            }
        }
    }

    /// The prepared features the program reads, ascending: a formula's variables, a network's
    /// inputs, none for the null model.
    pub fn reads(&self) -> Vec<usize> {
        let mut reads: Vec<usize> = match self {
            Resolved::Null => Vec::new(),
            Resolved::Formula { expr, .. } => expr
                .nodes
                .iter()
                .filter_map(|n| match n.kind {
                    Kind::Var(j) => Some(usize::from(j)),
                    _ => None,
                })
                .collect(),
            Resolved::Network { inputs, .. } => inputs.clone(),
        };
        reads.sort_unstable();
        reads.dedup();
        reads
    }

    /// Refuses a program whose predictions over `rows` rows would cost more than
    /// [`super::MAX_WORK`]: a formula's nodes, a network's multiply-adds (a low-rank layer is
    /// multiplied out, so its work is its full product's).
    pub fn check_work(&self, rows: usize) -> Result<(), CodecError> {
        let per_row = match self {
            Resolved::Null => 0,
            Resolved::Formula { expr, .. } => expr.len() as u64,
            Resolved::Network { code, inputs } => dense_weights(code, inputs.len()),
        };
        let work = per_row.saturating_mul(rows as u64);
        if work > super::MAX_WORK {
            return Err(CodecError::TooMuchWork { rows, per_row });
        }
        Ok(())
    }

    /// The program as the decoder hands it back: feature names from the prepared table.
    pub fn program(&self, dataset: &Dataset) -> Program {
        let names = || dataset.features.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
        match self {
            Resolved::Null => Program::Null,
            Resolved::Formula { expr, constants, ops } => {
                Program::Formula { expr: expr.clone(), constants: constants.clone(), ops: *ops, features: names() }
            }
            Resolved::Network { code, inputs } => Program::Network {
                code: code.clone(),
                features: inputs.iter().map(|&j| dataset.features[j].name.clone()).collect(),
            },
        }
    }

    /// The header's part: which kind, and the operator set (formula) or the input columns
    /// (network: one bit when they are all the prepared features in order).
    pub fn write_kind(&self, e: &mut Encoder, features: usize) -> Result<(), CodecError> {
        let coder = CodecError::Coder;
        match self {
            Resolved::Null => e.write_uniform(0, KINDS).map_err(coder),
            Resolved::Formula { ops, .. } => {
                e.write_uniform(1, KINDS).map_err(coder)?;
                write_ops(e, *ops)
            }
            Resolved::Network { inputs, .. } => {
                e.write_uniform(2, KINDS).map_err(coder)?;
                let all = inputs.len() == features && inputs.iter().enumerate().all(|(i, &j)| i == j);
                e.write_bit(all);
                if !all {
                    e.write_natural(inputs.len() as u64);
                    for &j in inputs {
                        e.write_uniform(j as u64, features as u64).map_err(coder)?;
                    }
                }
                Ok(())
            }
        }
    }

    /// Reads [`Resolved::write_kind`]; the formula's and network's contents come with
    /// [`Resolved::read_model`].
    pub fn read_kind(d: &mut Decoder, features: usize, output: Output) -> Result<Resolved, CodecError> {
        Ok(match d.read_uniform(KINDS)? {
            0 => Resolved::Null,
            1 => {
                if features > MAX_NODES {
                    return Err(damaged("a formula over more than 65,535 features"));
                }
                Resolved::Formula { expr: Expr::default(), constants: Vec::new(), ops: read_ops(d)? }
            }
            _ => {
                let inputs = if d.read_bit()? {
                    (0..features).collect()
                } else {
                    let count = d.read_natural()?;
                    if count > MAX_WIDTH {
                        return Err(damaged("a network with too many inputs"));
                    }
                    (0..count).map(|_| d.read_uniform(features as u64).map(|j| j as usize)).collect::<Result<_, _>>()?
                };
                let code = NetworkCode { activation: Activation::Relu, output, layers: Vec::new() };
                Resolved::Network { code, inputs }
            }
        })
    }

    /// Writes the formula's tokens and constants or the network's architecture and tensors
    /// (the null model's part is the data's business: see `super::data`).
    pub fn write_model(&self, e: &mut Encoder, features: usize) -> Result<(), CodecError> {
        match self {
            Resolved::Null => Ok(()),
            Resolved::Formula { expr, constants, ops } => {
                let alphabet = Alphabet::new(*ops, features);
                for i in prefix_order(expr) {
                    let token = alphabet
                        .token(&expr.nodes[i].kind)
                        .ok_or_else(|| bad("a formula symbol outside its alphabet".into()))?;
                    let (prefix, len) = token.prefix;
                    e.write_bits(prefix, len).map_err(CodecError::Coder)?;
                    e.write_uniform(token.index, token.size).map_err(CodecError::Coder)?;
                }
                for c in constants {
                    c.write(e);
                }
                Ok(())
            }
            Resolved::Network { code, .. } => write_network(e, code),
        }
    }

    /// Reads what [`Resolved::write_model`] wrote into a resolved kind from
    /// [`Resolved::read_kind`].
    pub fn read_model(self, d: &mut Decoder, features: usize) -> Result<Resolved, CodecError> {
        match self {
            Resolved::Null => Ok(Resolved::Null),
            Resolved::Formula { ops, .. } => {
                let alphabet = Alphabet::new(ops, features);
                let mut prefix = Vec::new();
                let mut open = 1usize;
                while open > 0 {
                    if prefix.len() >= MAX_NODES {
                        return Err(damaged("a formula of more than 65,535 nodes"));
                    }
                    let arity = alphabet.read_arity(|| d.read_bit())?;
                    let index = d.read_uniform(alphabet.size(arity))?;
                    let kind = alphabet.kind(arity, index).ok_or_else(|| damaged("a symbol outside the alphabet"))?;
                    open = open - 1 + Node { kind, len: 1 }.arity();
                    prefix.push(kind);
                }
                let mut nodes: Vec<Node> = postfix_of(&prefix).into_iter().map(|kind| Node { kind, len: 1 }).collect();
                let mut constants = Vec::new();
                for node in nodes.iter_mut() {
                    if let Kind::Const(value, form) = &mut node.kind {
                        let c = Constant::read(d)?;
                        *value = c.value();
                        *form = form_of(&c);
                        constants.push(c);
                    }
                }
                let mut expr = Expr { nodes };
                expr.recompute_lengths().map_err(|_| damaged("the formula's tokens do not form a tree"))?;
                Ok(Resolved::Formula { expr, constants, ops })
            }
            Resolved::Network { code, inputs } => {
                let code = read_network(d, code.output, inputs.len())?;
                Ok(Resolved::Network { code, inputs })
            }
        }
    }

    /// The predictions the target is coded with, computed from what the decoder has.
    pub fn predict(&self, dataset: &Dataset) -> Result<Predictions, CodecError> {
        let n = dataset.rows();
        match self {
            Resolved::Null => Err(bad("the null model predicts nothing by itself".to_string())),
            Resolved::Formula { expr, .. } => {
                let columns: Vec<&[f64]> = (0..dataset.features.len()).map(|j| dataset.column(j)).collect();
                let columns = crate::expr::Columns::new(columns, n)
                    .map_err(|e| bad(format!("the feature columns do not line up: {e}")))?;
                let mut mu = vec![0.0; n];
                Evaluator::new()
                    .eval(expr, &columns, &mut mu)
                    .map_err(|e| bad(format!("the formula cannot be evaluated: {e}")))?;
                Ok(Predictions::Numbers(mu))
            }
            Resolved::Network { code, inputs } => {
                let mut x = Array2::<f64>::zeros((n, inputs.len()));
                for (i, &j) in inputs.iter().enumerate() {
                    x.column_mut(i).assign(&dataset.x.column(j));
                }
                let standardisation = Inputs::of(x.view());
                let rows: Vec<usize> = (0..n).collect();
                let xs = standardisation.standardise(x.view(), &rows);
                let out = code.to_mlp(standardisation).forward(&xs);
                match code.output {
                    Output::Regression => Ok(Predictions::Numbers(out.column(0).iter().map(|&v| v as f64).collect())),
                    Output::Classes(_) => Ok(Predictions::Classes(
                        out.rows()
                            .into_iter()
                            .map(|row| {
                                let mut z = row.to_vec();
                                softmax(&mut z);
                                z.into_iter().map(f64::from).collect()
                            })
                            .collect(),
                    )),
                }
            }
        }
    }
}

/// The length of a network's model part as a .occam file writes it: the layer count − 1, the
/// activation flag, each hidden width − 1 (universal codes), per layer a full/low-rank flag and
/// the rank − 1, then every tensor's [`Tensor::bits`]. The input width and the output width are
/// known to the receiver (the features and the target). +∞ if a tensor cannot be written.
pub fn network_bits(code: &NetworkCode) -> f64 {
    code.bits()
}

fn write_network(e: &mut Encoder, code: &NetworkCode) -> Result<(), CodecError> {
    let coder = CodecError::Coder;
    let layers = &code.layers;
    e.write_natural(layers.len() as u64 - 1);
    e.write_bit(code.activation == Activation::Tanh);
    for (i, layer) in layers.iter().enumerate() {
        if i + 1 < layers.len() {
            e.write_natural(layer.bias.shape().1 as u64 - 1);
        }
        match &layer.weights {
            WeightCode::Full(t) => {
                e.write_bit(false);
                t.write(e).map_err(coder)?;
            }
            WeightCode::LowRank { left, right } => {
                e.write_bit(true);
                e.write_natural(left.shape().1 as u64 - 1);
                left.write(e).map_err(coder)?;
                right.write(e).map_err(coder)?;
            }
        }
        layer.bias.write(e).map_err(coder)?;
    }
    Ok(())
}

fn read_network(d: &mut Decoder, output: Output, inputs: usize) -> Result<NetworkCode, CodecError> {
    let count = d.read_natural()?.saturating_add(1);
    if count > MAX_LAYERS {
        return Err(damaged("a network of more than 64 layers"));
    }
    let activation = if d.read_bit()? { Activation::Tanh } else { Activation::Relu };
    let mut layers = Vec::new();
    let mut width_in = inputs;
    let mut values = 0usize;
    let mut dense = 0usize;
    for i in 0..count {
        let width_out = if i + 1 < count {
            let w = d.read_natural()?.saturating_add(1);
            if w > MAX_WIDTH {
                return Err(damaged("a layer wider than 65,536"));
            }
            w as usize
        } else {
            output.width()
        };
        let mut tensor = |d: &mut Decoder, rows: usize, cols: usize| -> Result<Tensor, CodecError> {
            values = values.saturating_add(rows.saturating_mul(cols));
            if values > MAX_VALUES {
                return Err(damaged("a network with more than 2²⁶ weights"));
            }
            Ok(Tensor::read(d, rows, cols)?)
        };
        // The forward pass multiplies a low-rank layer out: its full product must fit too.
        dense = dense.saturating_add(width_in.saturating_mul(width_out));
        if dense > MAX_VALUES {
            return Err(damaged("a network whose layers multiply out to more than 2²⁶ weights"));
        }
        let weights = if d.read_bit()? {
            let rank = d.read_natural()?.saturating_add(1);
            if rank > width_in.min(width_out) as u64 {
                return Err(damaged("a rank above the layer's widths"));
            }
            let rank = rank as usize;
            let left = tensor(d, width_out, rank)?;
            let right = tensor(d, rank, width_in)?;
            WeightCode::LowRank { left, right }
        } else {
            WeightCode::Full(tensor(d, width_out, width_in)?)
        };
        let bias = tensor(d, 1, width_out)?;
        layers.push(LayerCode { weights, bias });
        width_in = width_out;
    }
    Ok(NetworkCode { activation, output, layers })
}

/// The weights of a network's layers multiplied out (as its forward pass holds them):
/// Σ inputs × outputs over the layers.
fn dense_weights(code: &NetworkCode, inputs: usize) -> u64 {
    let mut width_in = inputs as u64;
    let mut total = 0u64;
    for layer in &code.layers {
        let width_out = layer.bias.shape().1 as u64;
        total = total.saturating_add(width_in.saturating_mul(width_out));
        width_in = width_out;
    }
    total
}

/// Shapes that chain from `inputs` to the output, each tensor writable.
fn check_network(code: &NetworkCode, inputs: usize) -> Result<(), CodecError> {
    let layers = &code.layers;
    if layers.is_empty() || layers.len() as u64 > MAX_LAYERS {
        return Err(bad(format!("a network of {} layers (1 to 64)", layers.len())));
    }
    let mut width_in = inputs;
    if dense_weights(code, inputs) > MAX_VALUES as u64 {
        return Err(bad("a network whose layers multiply out to more than 2²⁶ weights".to_string()));
    }
    for (i, layer) in layers.iter().enumerate() {
        let (bias_rows, width_out) = layer.bias.shape();
        let last = i + 1 == layers.len();
        if bias_rows != 1
            || width_out == 0
            || width_out as u64 > MAX_WIDTH
            || (last && width_out != code.output.width())
        {
            return Err(bad(format!("layer {i}'s bias is {bias_rows} × {width_out}")));
        }
        let fits = match &layer.weights {
            WeightCode::Full(t) => t.shape() == (width_out, width_in),
            WeightCode::LowRank { left, right } => {
                let rank = left.shape().1;
                rank >= 1
                    && rank <= width_in.min(width_out)
                    && left.shape().0 == width_out
                    && right.shape() == (rank, width_in)
            }
        };
        if !fits {
            return Err(bad(format!("layer {i}'s weights do not map {width_in} inputs to {width_out} outputs")));
        }
        let tensors: Vec<&Tensor> = match &layer.weights {
            WeightCode::Full(t) => vec![t, &layer.bias],
            WeightCode::LowRank { left, right } => vec![left, right, &layer.bias],
        };
        for t in tensors {
            t.check().map_err(|e| bad(format!("layer {i}: {e}")))?;
        }
        width_in = width_out;
    }
    Ok(())
}

/// Node indices of a valid postfix formula in prefix order (root, then each child's subtree
/// from the first).
fn prefix_order(expr: &Expr) -> Vec<usize> {
    let mut order = Vec::with_capacity(expr.len());
    let mut stack = vec![expr.len() - 1];
    while let Some(i) = stack.pop() {
        order.push(i);
        match expr.nodes[i].arity() {
            1 => stack.push(i - 1),
            2 => {
                let second = i - 1;
                let first = second - usize::from(expr.nodes[second].len);
                stack.push(second);
                stack.push(first);
            }
            _ => {}
        }
    }
    order
}

/// Prefix kinds (a complete tree) to postfix: each operator is emitted once its last operand is.
fn postfix_of(prefix: &[Kind]) -> Vec<Kind> {
    let mut out = Vec::with_capacity(prefix.len());
    let mut pending: Vec<(Kind, usize)> = Vec::new();
    for &kind in prefix {
        let arity = Node { kind, len: 1 }.arity();
        if arity > 0 {
            pending.push((kind, arity));
            continue;
        }
        out.push(kind);
        while let Some(top) = pending.last_mut() {
            top.1 -= 1;
            if top.1 > 0 {
                break;
            }
            out.push(top.0);
            pending.pop();
        }
    }
    out
}

/// The display form matching a constant as sent.
fn form_of(c: &Constant) -> Form {
    match c {
        Constant::Integer(_) => Form::Integer,
        Constant::Rational(r) => match (i32::try_from(r.numerator()), i32::try_from(r.denominator())) {
            (Ok(p), Ok(q)) => Form::Rational(p, q),
            _ => Form::Real,
        },
        Constant::Pi => Form::Pi,
        Constant::E => Form::E,
        Constant::Real(_) => Form::Real,
    }
}

fn bad(why: String) -> CodecError {
    CodecError::Program { why }
}

fn damaged(why: &str) -> CodecError {
    CodecError::Damaged { why: why.to_string() }
}

/// Class counts for the null classifier: the first K − 1 by the universal code (each ≥ 1, so
/// count − 1), the last from the row count.
pub(crate) fn write_class_counts(e: &mut Encoder, counts: &[u64]) {
    for &c in &counts[..counts.len() - 1] {
        e.write_natural(c.saturating_sub(1));
    }
}

pub(crate) fn read_class_counts(d: &mut Decoder, classes: usize, rows: u64) -> Result<Vec<u64>, CodecError> {
    let mut counts = Vec::with_capacity(classes);
    let mut total = 0u64;
    for _ in 1..classes {
        let c = d.read_natural()?.saturating_add(1);
        total = total.saturating_add(c);
        counts.push(c);
    }
    if total >= rows {
        return Err(damaged("class counts beyond the rows"));
    }
    counts.push(rows - total);
    Ok(counts)
}

/// The static model of class counts.
pub(crate) fn class_model(counts: &[u64]) -> Result<CountModel, CodecError> {
    CountModel::from_counts(counts).map_err(CodecError::Coder)
}
