//! The .occam file: a program and the target column coded given it, as real bytes.
//!
//! [`encode`] writes a [`Program`] (the null model, a formula, or a network) and the target of a
//! table coded with it; [`decode`] reads the file back against the same table, with or without
//! the target column, and returns the target's cells as text ([`Decoded`]). The file's length is
//! the figure occam reports: [`Encoded`] splits it into header, model and data bits, measured
//! on what the entropy coder actually coded, and the bytes exceed their sum by the coder's
//! final flush (a byte or so).
//!
//! **Format** (version 5; version 4 lacks the header's thermometers). Two bytes: the 12-bit signature 0x0CC and the 4-bit version. Two
//! bytes of checksum (CRC-32 of the rest, low 16 bits), checked before anything is decoded, so
//! a changed or cut file is refused before it can ask for work. Then one range-coded stream
//! ([`mdl::stream`](crate::mdl::stream)) holding, in order:
//!
//! - the header ([`header`]): row count, target name, task, decimal step or class labels, which
//!   rows lack a target (log₂ C(n, m) bits), the feature columns as positions among the table's
//!   other columns (one bit when they are all of them, in order), the preparation options
//!   (a bit each when they are the defaults), and the units given beside the table that put a
//!   column on a thermometer's scale (°C, °F: prepared as absolute temperature; one bit for none);
//! - the number of prepared features (it fixes a formula's alphabet), which program kind
//!   (log₂ 3 bits), and the formula's operator set (1 bit for the default set, 2 for + − × ÷,
//!   3 for all of them, else 3 + 20) or the network's input columns (1 bit when they are all
//!   the prepared features in order);
//! - the table check: 32 bits of CRC-32 over the row counts and the name and values of every
//!   prepared feature the program reads. The decoder recomputes it from its own table once it
//!   has read the program, and refuses a table that differs where the program reads it, naming
//!   those columns, before computing a prediction;
//! - the model: a formula's tokens in prefix order, each its arity's prefix code and its
//!   symbol uniform within the arity ([`Alphabet`](crate::expr::Alphabet)), and its
//!   constants (exactly `polish`'s model bits), a network's architecture and tensors
//!   ([`network_bits`]), or the null model's mean (a constant) or class counts;
//! - the data: for numbers the residual code's family bit and scale, then each
//!   k = round(y/δ) given μ/δ ([`ResidualModel`](crate::mdl::stream::ResidualModel)), k being
//!   the whole number of steps whose text reads back as y exactly ([`number::units`]); for
//!   classes each label under the model's quantised probabilities (2¹⁶ frequencies) or the null
//!   model's counts;
//! - 16 check bits, a hash of the coder's state, which a decoder that computed any prediction
//!   differently does not reproduce.
//!
//! Before any prediction the decoder bounds the work it is asked for ([`MAX_WORK`]: rows × a
//! formula's nodes or a network's multiplied-out weights), and a network's layers are bounded
//! as they are read, so a forged file cannot ask for an absurd allocation or hours of work.
//!
//! The signature, checksum, table check and closing check count in `header_bits`; so the
//! file's size × 8 exceeds header + model + data bits only by the coder's flush and the last
//! byte's padding.
//!
//! **What the receiver has.** The table's feature columns (the target column may be absent, or
//! present and then ignored). The decoder prepares the table as the encoder did — every row, the
//! same options, a placeholder target with the same missing cells — so imputation, one-hot
//! columns and the networks' input standardisation come out the same on both sides.

mod error;
mod header;
mod program;
#[cfg(test)]
mod tests;

pub use error::CodecError;
pub use program::network_bits;

use crate::compress::NetworkCode;
use crate::data::{number, Table};
use crate::expr::{Expr, OpSet};
use crate::mdl::baselines::null_numeric;
use crate::mdl::residuals::{Family, ResidualCode};
use crate::mdl::stream::{Decoder, Encoder};
use crate::mdl::{quantise, BitSink, BitSource, Constant};
use crate::prepare::{Dataset, PrepareOptions, Target, Task};

use header::Header;
use program::{class_model, read_class_counts, write_class_counts, Predictions, Resolved};

/// The format version this build writes (and the newest it reads).
pub const VERSION: u8 = 5;

/// The oldest format version this build reads: version 5 added the header's thermometers, and a
/// version-4 file is read as one without them.
pub const OLDEST_VERSION: u8 = 4;

/// The 12-bit signature in front of the version: a version-5 file starts 0x0C 0xC5.
const SIGNATURE: u16 = 0x0CC;

/// Bits of the signature and version, of the checksum of the bytes, of the check of the table
/// the program reads, and of the closing check of the decoder's state.
const SIGNATURE_BITS: f64 = 16.0;
const CHECKSUM_BITS: u32 = 16;
const TABLE_CHECK_BITS: u32 = 32;
const CHECK_BITS: u32 = 16;

/// The most work a decoder does to compute predictions: rows × (a formula's nodes, or the
/// multiply-adds of a network's layers), about ten seconds. A file that asks for more is
/// refused before any is done (and the encoder refuses to write one).
const MAX_WORK: u64 = 1 << 34;

/// Predictions and targets in units of δ stay below 2⁶² in magnitude.
const MAX_UNITS: f64 = 4_611_686_018_427_387_904.0;

/// A program that explains a table's target.
#[derive(Debug, Clone, PartialEq)]
pub enum Program {
    /// No features: the mean (sent as a constant; the encoder picks its cheapest form with the
    /// residual code) or the class frequencies (sent as counts).
    Null,
    /// A formula, as `Scorer::polish` gives it: `constants` are its constants as sent, in node
    /// order (their values replace the formula's own); `ops` is the operator alphabet it was
    /// scored with; `features[j]` is the name of the prepared feature that variable j reads.
    Formula { expr: Expr, constants: Vec<Constant>, ops: OpSet, features: Vec<String> },
    /// A network (or a linear model, one layer); `features[j]` names the prepared feature that
    /// feeds input j. Its input standardisation is computed from those columns over every row
    /// ([`Inputs::of`](crate::model::Inputs::of)).
    Network { code: NetworkCode, features: Vec<String> },
}

/// How the encoder prepares the table: the options the program was found with (target, task,
/// features, level cap, clipping). The split and seed are ignored: the codec codes every row.
#[derive(Debug, Clone, Default)]
pub struct CodecOptions {
    pub prepare: PrepareOptions,
}

/// A .occam file and its length in parts, as coded.
#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    pub bytes: Vec<u8>,
    /// Signature, header, program kind and alphabet or inputs, and the 16 check bits.
    pub header_bits: f64,
    /// The program: `polish`'s model bits for a formula, [`network_bits`] for a network, the
    /// mean's constant or the class counts for the null model.
    pub model_bits: f64,
    /// The targets given the program, the residual code's family and scale included.
    pub data_bits: f64,
}

impl Encoded {
    pub fn total_bits(&self) -> f64 {
        self.header_bits + self.model_bits + self.data_bits
    }
}

/// What [`decode`] gives back.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The target column's name.
    pub target: String,
    pub task: Task,
    /// One cell per table row, as the CSV wrote it: numbers at the column's decimal step, class
    /// labels as their text, "" where the target was missing.
    pub values: Vec<String>,
    /// The program, its features named as in the prepared table (the null model's mean is not
    /// kept).
    pub program: Program,
    pub header_bits: f64,
    pub model_bits: f64,
    pub data_bits: f64,
}

/// What a program's header costs besides the table: which kind it is, and its operator set or
/// how many prepared features it reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ProgramKind {
    Null,
    Formula(OpSet),
    /// A network reading `inputs` prepared features (all of them, in order, when it is their
    /// count).
    Network {
        inputs: usize,
    },
}

impl Program {
    pub fn kind(&self) -> ProgramKind {
        match self {
            Program::Null => ProgramKind::Null,
            Program::Formula { ops, .. } => ProgramKind::Formula(*ops),
            Program::Network { features, .. } => ProgramKind::Network { inputs: features.len() },
        }
    }
}

/// The bits a .occam file of one table spends besides its program and data, for each kind of
/// program: the signature, checksum, header, program kind and alphabet or inputs, the table
/// check and the closing check, exactly as [`encode`] counts them in `header_bits`. Every
/// total occam reports counts it, so that a candidate's total is the size of the file that
/// would send it (on the rows the file codes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeaderCost {
    /// Everything before the program's kind, and the checks.
    common: f64,
    features: usize,
}

impl HeaderCost {
    /// The header of `table` as [`encode`] would write it with `options`.
    pub fn of(table: &Table, options: &CodecOptions) -> Result<HeaderCost, CodecError> {
        let (header, dataset) = Header::of(table, &options.prepare)?;
        let features = dataset.features.len();
        let mut e = Encoder::new();
        header.write(&mut e, table)?;
        e.write_natural(features as u64);
        let checks = SIGNATURE_BITS + (CHECKSUM_BITS + TABLE_CHECK_BITS + CHECK_BITS) as f64;
        Ok(HeaderCost { common: e.bits() + checks, features })
    }

    /// The header's bits for a program of this kind.
    pub fn bits(&self, kind: ProgramKind) -> f64 {
        let resolved = match kind {
            ProgramKind::Null => Resolved::Null,
            ProgramKind::Formula(ops) => Resolved::Formula { expr: Expr::default(), constants: Vec::new(), ops },
            ProgramKind::Network { inputs } => Resolved::Network {
                code: NetworkCode {
                    activation: crate::model::Activation::Relu,
                    output: crate::model::Output::Regression,
                    layers: Vec::new(),
                },
                // Which inputs does not change the length: each is uniform over the features.
                inputs: (0..inputs).collect(),
            },
        };
        let mut e = Encoder::new();
        match resolved.write_kind(&mut e, self.features) {
            Ok(()) => self.common + e.bits(),
            Err(_) => f64::INFINITY,
        }
    }
}

/// Writes `program` and `table`'s target coded given it.
pub fn encode(program: &Program, table: &Table, options: &CodecOptions) -> Result<Encoded, CodecError> {
    let (header, dataset) = Header::of(table, &options.prepare)?;
    let resolved = Resolved::new(program, &dataset)?;
    let features = dataset.features.len();
    let kept: Vec<usize> = kept_rows(&header);
    resolved.check_work(dataset.rows())?;
    let mut e = Encoder::new();
    header.write(&mut e, table)?;
    e.write_natural(features as u64);
    resolved.write_kind(&mut e, features)?;
    let check = table_check(&dataset, &resolved.reads(), table.rows);
    e.write_raw(check as u64, TABLE_CHECK_BITS).map_err(CodecError::Coder)?;
    let header_end = e.bits();
    resolved.write_model(&mut e, features)?;
    let coder = CodecError::Coder;
    let model_end = match &dataset.target {
        Target::Regression(target) => {
            let delta = target.precision();
            let (mu, code) = match &resolved {
                Resolved::Null => {
                    let null = null_numeric(&target.values, delta).map_err(coder)?;
                    null.constant.write(&mut e);
                    (vec![null.constant.value(); target.values.len()], null.residuals)
                }
                _ => {
                    let mu = numbers(resolved.predict(&dataset)?)?;
                    for (i, &m) in mu.iter().enumerate() {
                        if !(m / delta).is_finite() || (m / delta).abs() >= MAX_UNITS {
                            return Err(CodecError::Prediction { row: kept[i] + 1, value: m });
                        }
                    }
                    let code = ResidualCode::fit(&target.values, &mu, delta).map_err(coder)?;
                    (mu, code)
                }
            };
            let model_end = e.bits();
            e.write_bit(code.family == Family::Laplace);
            code.scale.write(&mut e);
            let scale = code.scale.value();
            for (i, (&y, &m)) in target.values.iter().zip(&mu).enumerate() {
                let k = number::units(y, target.decimals)
                    .filter(|k| (k.unsigned_abs() as f64) < MAX_UNITS)
                    .ok_or(CodecError::Target { row: kept[i] + 1, value: y })?;
                e.write_residual(k, m / delta, code.family, scale).map_err(coder)?;
            }
            model_end
        }
        Target::Classification { classes, labels } => match &resolved {
            Resolved::Null => {
                let mut counts = vec![0u64; classes.len()];
                for &l in labels {
                    counts[l as usize] += 1;
                }
                write_class_counts(&mut e, &counts);
                let model_end = e.bits();
                let model = class_model(&counts)?;
                for &l in labels {
                    e.write_counted(l as usize, &model).map_err(coder)?;
                }
                model_end
            }
            _ => {
                let model_end = e.bits();
                let Predictions::Classes(p) = resolved.predict(&dataset)? else {
                    return Err(CodecError::Program { why: "the network predicts no classes".to_string() });
                };
                for (i, (&l, row)) in labels.iter().zip(&p).enumerate() {
                    let frequencies =
                        quantise(row).map_err(|_| CodecError::Prediction { row: kept[i] + 1, value: f64::NAN })?;
                    e.write_categorical(l as usize, &frequencies).map_err(coder)?;
                }
                model_end
            }
        },
    };
    let data_end = e.bits();
    let check = e.fingerprint();
    e.write_raw(check as u64, CHECK_BITS).map_err(coder)?;
    let signature = (SIGNATURE << 4) | VERSION as u16;
    let payload = e.finish();
    let mut bytes = signature.to_be_bytes().to_vec();
    bytes.extend(checksum(&payload).to_be_bytes());
    bytes.extend(payload);
    Ok(Encoded {
        bytes,
        header_bits: SIGNATURE_BITS + CHECKSUM_BITS as f64 + header_end + CHECK_BITS as f64,
        model_bits: model_end - header_end,
        data_bits: data_end - model_end,
    })
}

/// Reads a file written by [`encode`] against the table it was made from (the target column may
/// be missing from it; if present it is ignored).
pub fn decode(bytes: &[u8], table: &Table) -> Result<Decoded, CodecError> {
    let [first, second, payload @ ..] = bytes else { return Err(CodecError::NotOccam) };
    let signature = u16::from_be_bytes([*first, *second]);
    if signature >> 4 != SIGNATURE {
        return Err(CodecError::NotOccam);
    }
    let version = (signature & 0xf) as u8;
    if !(OLDEST_VERSION..=VERSION).contains(&version) {
        return Err(CodecError::Version { found: version });
    }
    let [high, low, payload @ ..] = payload else { return Err(CodecError::Truncated) };
    if checksum(payload) != u16::from_be_bytes([*high, *low]) {
        return Err(CodecError::Checksum);
    }
    let mut d = Decoder::new(payload);
    match decode_stream(&mut d, table, version) {
        Err(CodecError::Damaged { .. }) if d.bits() > d.payload_bits() as f64 + 32.0 => Err(CodecError::Truncated),
        result => result,
    }
}

fn decode_stream(d: &mut Decoder, table: &Table, version: u8) -> Result<Decoded, CodecError> {
    let header = Header::read(d, table, version)?;
    let dataset = header.dataset(table)?;
    let features = dataset.features.len();
    let kept = kept_rows(&header);
    let output = match &dataset.target {
        Target::Regression(_) => crate::model::Output::Regression,
        Target::Classification { .. } => crate::model::Output::Classes(header.classes.len()),
    };
    // The feature count decides the formula's alphabet: checked before the model is read
    // (the null model reads no feature, and is decoded whatever the table's features).
    let file_features = d.read_natural()?;
    let resolved = Resolved::read_kind(d, features, output);
    if file_features != features as u64 && !matches!(resolved, Ok(Resolved::Null)) {
        return Err(CodecError::FeatureCount { file: file_features, table: features });
    }
    let resolved = resolved?;
    let check = d.read_raw(TABLE_CHECK_BITS)?;
    let header_end = d.bits();
    let resolved = resolved.read_model(d, features)?;
    let reads = resolved.reads();
    if table_check(&dataset, &reads, table.rows) as u64 != check {
        return Err(CodecError::OtherTable {
            rows: table.rows,
            columns: reads.iter().map(|&j| dataset.features[j].name.clone()).collect(),
        });
    }
    resolved.check_work(dataset.rows())?;
    if let Resolved::Formula { .. } = resolved {
        if header.task != Task::Regression {
            return Err(damaged("a formula for a classification target"));
        }
    }
    let (cells, model_end) = match header.task {
        Task::Regression => {
            let delta = 10f64.powi(-header.decimals);
            let mu = match &resolved {
                Resolved::Null => vec![Constant::read(d)?.value(); kept.len()],
                _ => numbers(resolved.predict(&dataset)?)?,
            };
            let model_end = d.bits();
            let family = if d.read_bit()? { Family::Laplace } else { Family::Gaussian };
            let scale = Constant::read(d)?.value();
            if !(scale.is_finite() && scale > 0.0) {
                return Err(damaged("a residual scale that is not positive"));
            }
            let mut cells = Vec::with_capacity(mu.len());
            for &m in &mu {
                if !((m / delta).is_finite() && (m / delta).abs() < MAX_UNITS) {
                    return Err(damaged("a prediction that is not finite"));
                }
                cells.push(number::units_text(d.read_residual(m / delta, family, scale)?, header.decimals));
            }
            (cells, model_end)
        }
        Task::Classification => {
            let mut labels = Vec::with_capacity(kept.len());
            let model_end = match &resolved {
                Resolved::Null => {
                    let counts = read_class_counts(d, header.classes.len(), kept.len() as u64)?;
                    let model = class_model(&counts)?;
                    let model_end = d.bits();
                    for _ in 0..kept.len() {
                        labels.push(d.read_counted(&model)?);
                    }
                    model_end
                }
                _ => {
                    let model_end = d.bits();
                    let Predictions::Classes(p) = resolved.predict(&dataset)? else {
                        return Err(damaged("a regression network for classes"));
                    };
                    for row in &p {
                        let frequencies =
                            quantise(row).map_err(|_| damaged("a prediction that is not a probability"))?;
                        labels.push(d.read_categorical(&frequencies)?);
                    }
                    model_end
                }
            };
            (labels_to_text(&header, labels)?, model_end)
        }
    };
    finish(d, &header, &dataset, &resolved, &kept, cells, header_end, model_end)
}

/// Checks the closing fingerprint and lays the cells out over the table's rows.
#[allow(clippy::too_many_arguments)]
fn finish(
    d: &mut Decoder,
    header: &Header,
    dataset: &Dataset,
    resolved: &Resolved,
    kept: &[usize],
    cells: Vec<String>,
    header_end: f64,
    model_end: f64,
) -> Result<Decoded, CodecError> {
    let data_end = d.bits();
    let expected = d.fingerprint();
    if d.read_raw(CHECK_BITS)? != expected as u64 {
        return Err(damaged("its check value does not match what was decoded"));
    }
    let mut values = vec![String::new(); header.rows];
    for (&row, cell) in kept.iter().zip(cells) {
        values[row] = cell;
    }
    Ok(Decoded {
        target: header.target.clone(),
        task: header.task,
        values,
        program: resolved.program(dataset),
        header_bits: SIGNATURE_BITS + CHECKSUM_BITS as f64 + header_end + CHECK_BITS as f64,
        model_bits: model_end - header_end,
        data_bits: data_end - model_end,
    })
}

/// The file's bytes after the checksum, checked before anything is decoded: a changed or cut
/// file is refused before it can ask for work. (The low 16 bits of their CRC-32.)
fn checksum(payload: &[u8]) -> u16 {
    crc32fast::hash(payload) as u16
}

/// What the program reads of the table, as the decoder must have it: the row counts, and the
/// name and every value of each prepared feature the program reads (CRC-32). A table whose
/// columns differ where the program looks would give other predictions and so other targets,
/// silently: this check refuses it, naming the columns. Columns the program does not read may
/// differ freely.
fn table_check(dataset: &Dataset, reads: &[usize], table_rows: usize) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(&(table_rows as u64).to_le_bytes());
    h.update(&(dataset.rows() as u64).to_le_bytes());
    for &j in reads {
        h.update(dataset.features[j].name.as_bytes());
        h.update(&[0]);
        for v in dataset.column(j) {
            h.update(&v.to_bits().to_le_bytes());
        }
    }
    h.finalize()
}

fn labels_to_text(header: &Header, labels: Vec<usize>) -> Result<Vec<String>, CodecError> {
    labels
        .into_iter()
        .map(|l| header.classes.get(l).cloned().ok_or_else(|| damaged("a class index beyond the labels")))
        .collect()
}

/// Table rows that have a target, ascending.
fn kept_rows(header: &Header) -> Vec<usize> {
    let mut missing = header.missing.iter().peekable();
    (0..header.rows)
        .filter(|&r| {
            if missing.peek() == Some(&&r) {
                missing.next();
                false
            } else {
                true
            }
        })
        .collect()
}

fn numbers(predictions: Predictions) -> Result<Vec<f64>, CodecError> {
    match predictions {
        Predictions::Numbers(mu) => Ok(mu),
        Predictions::Classes(_) => Err(CodecError::Program { why: "a classifier for a numeric target".to_string() }),
    }
}

fn damaged(why: &str) -> CodecError {
    CodecError::Damaged { why: why.to_string() }
}
