//! decode(encode(x)) == x for every kind of program on numbers and classes, the file's size
//! against its counted bits, and refusals that name what is wrong.

#![allow(clippy::disallowed_methods)] // tests build their data with std's functions

use super::*;
use crate::compress::{LayerCode, NetworkCode, WeightCode};
use crate::data::{load, LoadOptions};
use crate::expr::{Op, OpSet};
use crate::mdl::constants::Real;
use crate::mdl::residuals::tests::normal_draws;
use crate::mdl::tensor::Tensor;
use crate::model::{Activation, Output};
use crate::prepare::{prepare, Split};
use crate::search::{Scorer, SearchOptions};

fn table(csv: &str) -> Table {
    load("t.csv", csv.as_bytes(), &LoadOptions::default()).unwrap_or_else(|e| panic!("{e}")).table
}

fn options(target: &str) -> CodecOptions {
    CodecOptions { prepare: PrepareOptions { target: Some(target.to_string()), ..PrepareOptions::default() } }
}

fn without(table: &Table, column: &str) -> Table {
    let mut t = table.clone();
    t.columns.retain(|c| c.name != column);
    t
}

/// The prepared feature names of `table` as the codec sees them.
fn feature_names(table: &Table, target: &str) -> Vec<String> {
    let options = PrepareOptions {
        target: Some(target.to_string()),
        split: Split::Random { test_fraction: 0.0 },
        ..PrepareOptions::default()
    };
    prepare(table, &options).unwrap().features.iter().map(|f| f.name.clone()).collect()
}

/// Encodes, decodes against the table with and without its target column, checks the cells
/// and the bits, and returns what was encoded. Prints the size against the counted total.
fn round_trip(program: &Program, table: &Table, target: &str) -> Encoded {
    round_trip_with(program, table, &options(target))
}

fn round_trip_with(program: &Program, table: &Table, options: &CodecOptions) -> Encoded {
    let target = options.prepare.target.as_deref().unwrap_or_default();
    let encoded = encode(program, table, options).unwrap_or_else(|e| panic!("encode: {e}"));
    let column = table.column(target).unwrap();
    let expected: Vec<String> = (0..table.rows).map(|r| column.cell_text(r)).collect();
    // The same table, without its target, and with its columns in another order.
    let mut reversed = table.clone();
    reversed.columns.reverse();
    for (i, given) in [table.clone(), without(table, target), reversed].into_iter().enumerate() {
        // Feature columns are sent by position: in another order, the columns the program
        // reads are refused by the table check, or (reading none of them) decode the same.
        let decoded = match decode(&encoded.bytes, &given) {
            Err(CodecError::OtherTable { .. }) if i == 2 => continue,
            result => result.unwrap_or_else(|e| panic!("decode: {e}")),
        };
        assert_eq!(decoded.values, expected);
        assert_eq!(decoded.target, target);
        for (name, coded, read) in [
            ("header", encoded.header_bits, decoded.header_bits),
            ("model", encoded.model_bits, decoded.model_bits),
            ("data", encoded.data_bits, decoded.data_bits),
        ] {
            assert!((coded - read).abs() < 1e-6, "{name}: encoded {coded}, decoded {read}");
        }
    }
    // What the reports count as the header before any file is written.
    let foreseen = HeaderCost::of(table, options).unwrap().bits(program.kind());
    assert!(
        (foreseen - encoded.header_bits).abs() < 1e-6,
        "header: foreseen {foreseen}, coded {}",
        encoded.header_bits
    );
    let size = encoded.bytes.len() as f64 * 8.0;
    let total = encoded.total_bits();
    eprintln!(
        "{} bytes = {size} bits; header {:.2} + model {:.2} + data {:.2} = {total:.2}; gap {:.2}",
        encoded.bytes.len(),
        encoded.header_bits,
        encoded.model_bits,
        encoded.data_bits,
        size - total
    );
    assert!((size - total).abs() <= 0.01 * total + 64.0, "size {size} vs total {total}");
    // Tighter than asked: the flush and the last byte's padding.
    assert!(size - total <= 10.0 && size - total >= -8.0, "size {size} vs total {total}");
    encoded
}

/// The speed of sound at seven air temperatures in °C, c = 20.05·√(T + 273.15), as `header`.
fn sound_speed_csv(header: &str) -> String {
    let mut csv = format!("{header}\n");
    for t in (-20..=40).step_by(10) {
        csv += &format!("{t},{:.1}\n", 20.05 * (t as f64 + 273.15).sqrt());
    }
    csv
}

#[test]
fn a_column_in_degrees_is_absolute_temperature_on_both_sides() {
    let program = |feature: &str| Program::Formula {
        expr: Expr::binary(Op::Mul, Expr::constant(20.05), Expr::unary(Op::Sqrt, Expr::var(0))),
        constants: vec![Constant::Real(Real::new(20.05, 12).unwrap())],
        ops: OpSet::DEFAULT,
        features: vec![feature.into()],
    };
    // Its unit in its header: the receiver reads it there.
    let t = table(&sound_speed_csv("T [C],c [m/s]"));
    assert_eq!(feature_names(&t, "c [m/s]"), vec!["T [C] + 273.15"]);
    let headed = round_trip(&program("T [C] + 273.15"), &t, "c [m/s]");
    assert!(headed.data_bits < 20.0, "the law, exactly: {}", headed.data_bits);
    // Its unit given beside the table: the file carries it, and a receiver told nothing
    // prepares the same absolute column.
    let t = table(&sound_speed_csv("T,c"));
    let mut given = options("c");
    given.prepare.units = vec![("T".into(), "C".into()), ("c".into(), "m/s".into())];
    let beside = round_trip_with(&program("T + 273.15"), &t, &given);
    assert!(beside.data_bits < 20.0, "the law, exactly: {}", beside.data_bits);
}

#[test]
fn a_version_4_file_still_decodes() {
    // `occam encode v4.csv --generations 5` at 1c8e905 (format version 4, before thermometers):
    // the program 1 + x + x on five rows, one of them off the line.
    let t = table("x,y\n1,3\n2,5\n3,7\n4,9.5\n5,11\n");
    let hex = "0cc4497e723c9792a471262fe2119d1a77af3f";
    let bytes: Vec<u8> = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
    let decoded = decode(&bytes, &t).unwrap_or_else(|e| panic!("decode: {e}"));
    assert_eq!(decoded.values, vec!["3.0", "5.0", "7.0", "9.5", "11.0"]);
    assert!((decoded.header_bits + decoded.model_bits + decoded.data_bits - 151.8).abs() < 0.1);
    // A version this build does not know is named.
    let mut newer = bytes.clone();
    newer[1] = 0xc0 | (VERSION + 1);
    assert!(matches!(decode(&newer, &t), Err(CodecError::Version { found }) if found == VERSION + 1));
}

/// y = 2x + 1 exactly, x on a half grid.
fn linear_csv() -> String {
    let mut csv = String::from("x,y\n");
    for i in 0..200 {
        let x = i as f64 * 0.5 - 20.0;
        csv += &format!("{x:.1},{:.1}\n", 2.0 * x + 1.0);
    }
    csv
}

fn ops() -> OpSet {
    OpSet::of(&[Op::Add, Op::Sub, Op::Mul, Op::Div, Op::Square])
}

#[test]
fn an_exact_formula_round_trips_with_polish_model_bits() {
    let t = table(&linear_csv());
    // 2 * x + 1, postfix.
    let expr = Expr::binary(Op::Add, Expr::binary(Op::Mul, Expr::constant(2.0), Expr::var(0)), Expr::constant(1.0));
    let constants = vec![Constant::Integer(2), Constant::Integer(1)];
    let program =
        Program::Formula { expr: expr.clone(), constants: constants.clone(), ops: ops(), features: vec!["x".into()] };
    let encoded = round_trip(&program, &t, "y");
    // Two binary operators ("11" and one of four: 4 bits each), three leaves ("0" and one of x
    // and the constant token: 2 bits each), and the two integers.
    let expected_model = 2.0 * 4.0 + 3.0 * 2.0 + (Constant::Integer(2).bits() + Constant::Integer(1).bits()) as f64;
    assert!((encoded.model_bits - expected_model).abs() < 1e-6, "{}", encoded.model_bits);
    assert!(encoded.data_bits < 20.0, "an exact law: {}", encoded.data_bits);

    // polish on the same rows counts the same model bits and (nearly) the same data bits.
    let dataset = prepare(
        &t,
        &PrepareOptions { target: Some("y".into()), split: Split::Random { test_fraction: 0.0 }, ..Default::default() },
    )
    .unwrap();
    let search = SearchOptions { ops: ops(), ..SearchOptions::default() };
    let polished = Scorer::new(&dataset, &search).unwrap().polish(&expr);
    let program = Program::Formula {
        expr: polished.expr.clone(),
        constants: polished.constants.clone(),
        ops: ops(),
        features: vec!["x".into()],
    };
    let encoded = encode(&program, &t, &options("y")).unwrap();
    assert!(
        (encoded.model_bits - polished.model_bits).abs() < 1e-6,
        "{} vs {}",
        encoded.model_bits,
        polished.model_bits
    );
    assert!((encoded.data_bits - polished.data_bits).abs() < 0.01 * polished.data_bits + 2.0);
}

/// y = 1.37 x² − 3 + noise (σ = 0.4) at three decimals, with a missing x and a missing y.
fn noisy_csv() -> String {
    let noise = normal_draws(300, 5);
    let mut csv = String::from("x,w,y\n");
    for (i, z) in noise.iter().enumerate() {
        let x = (i as f64 * 0.731).sin() * 4.0;
        let y = 1.37 * x * x - 3.0 + 0.4 * z;
        let xs = if i == 17 { String::new() } else { format!("{x:.2}") };
        let ys = if i == 40 || i == 41 { "NA".to_string() } else { format!("{y:.3}") };
        csv += &format!("{xs},{},{ys}\n", i % 7);
    }
    csv
}

#[test]
fn a_noisy_formula_with_missing_cells_round_trips() {
    let t = table(&noisy_csv());
    assert!(feature_names(&t, "y").contains(&"x_missing".to_string()));
    // 1.37 * square(x) - 3, with 1.37 as a 12-bit real.
    let expr = Expr::binary(
        Op::Sub,
        Expr::binary(Op::Mul, Expr::constant(1.37), Expr::unary(Op::Square, Expr::var(0))),
        Expr::constant(3.0),
    );
    let constants = vec![Constant::Real(Real::new(1.37, 12).unwrap()), Constant::Integer(3)];
    let program = Program::Formula { expr, constants, ops: ops(), features: vec!["x".into()] };
    let encoded = round_trip(&program, &t, "y");
    // 298 rows at σ/δ = 400: about log₂(400·√(2πe)) ≈ 10.7 bits a row.
    let per_row = encoded.data_bits / 298.0;
    assert!((10.3..11.2).contains(&per_row), "{per_row} bits a row");
    let decoded = decode(&encoded.bytes, &t).unwrap();
    let Program::Formula { constants, .. } = decoded.program else { panic!("a formula") };
    assert_eq!(constants[0], Constant::Real(Real::new(1.37, 12).unwrap()));
}

#[test]
fn the_null_model_round_trips_on_numbers_and_classes() {
    let t = table(&noisy_csv());
    let encoded = round_trip(&Program::Null, &t, "y");
    let column = t.column("y").unwrap();
    let values: Vec<f64> = (0..t.rows)
        .filter_map(|r| column.precision().map(|_| column.cell_text(r)))
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    let null = null_numeric(&values, 0.001).unwrap();
    assert!((encoded.model_bits + encoded.data_bits - null.total_bits).abs() < 0.01 * null.total_bits + 2.0);

    let t = table(&classes_csv());
    let encoded = round_trip(&Program::Null, &t, "label");
    assert!(encoded.model_bits > 0.0);
}

/// Three classes from x and a colour, with a missing x, a missing colour and a missing label.
fn classes_csv() -> String {
    let colours = ["red", "green", "blue"];
    let mut csv = String::from("x,colour,label\n");
    for i in 0..240 {
        let x = (i as f64 * 1.618).sin() * 3.0;
        let colour = colours[(i * 7 / 3) % 3];
        let label = if x > 1.0 {
            "high"
        } else if colour == "red" {
            "red-ish"
        } else {
            "low"
        };
        let xs = if i == 5 { String::new() } else { format!("{x:.3}") };
        let cs = if i == 9 { "" } else { colour };
        let ls = if i == 30 { "" } else { label };
        csv += &format!("{xs},{cs},{ls}\n");
    }
    csv
}

fn quantised(rows: usize, cols: usize, bits: u8, alpha: f32, seed: u64) -> Tensor {
    let l = Tensor::levels(bits) as u64;
    let symbols = (0..rows * cols)
        .map(|i| {
            let v = (i as u64 + 1).wrapping_mul(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> 40;
            if v % 3 == 0 {
                0
            } else {
                (v % (2 * l + 1)) as i32 - l as i32
            }
        })
        .collect();
    Tensor::Quantised { rows, cols, bits, alpha, symbols }
}

fn zeros(rows: usize, cols: usize) -> Tensor {
    Tensor::Quantised { rows, cols, bits: 2, alpha: 1.0, symbols: vec![0; rows * cols] }
}

fn float32(rows: usize, cols: usize, seed: u64) -> Tensor {
    let values = (0..rows * cols).map(|i| ((i as f64 + seed as f64) * 0.77).sin() as f32 * 0.8).collect();
    Tensor::Float32 { rows, cols, values }
}

#[test]
fn a_network_round_trips_on_numbers() {
    let t = table(&noisy_csv());
    let features = feature_names(&t, "y"); // x, x_missing, w
    let p = features.len();
    let code = NetworkCode {
        activation: Activation::Tanh,
        output: Output::Regression,
        layers: vec![
            LayerCode {
                weights: WeightCode::LowRank { left: quantised(4, 2, 4, 0.3, 1), right: float32(2, p, 2) },
                bias: quantised(1, 4, 3, 0.1, 3),
            },
            LayerCode { weights: WeightCode::Full(float32(1, 4, 4)), bias: float32(1, 1, 5) },
        ],
    };
    let encoded = round_trip(&Program::Network { code: code.clone(), features: features.clone() }, &t, "y");
    // The header's input flag is one bit; the model is exactly network_bits.
    assert!(
        (encoded.model_bits - network_bits(&code)).abs() < 1e-6,
        "{} vs {}",
        encoded.model_bits,
        network_bits(&code)
    );
    let decoded = decode(&encoded.bytes, &without(&t, "y")).unwrap();
    assert_eq!(decoded.program, Program::Network { code: code.clone(), features: features.clone() });

    // Inputs in another order (and one left out) cost their indices and still round-trip.
    let reordered = vec![features[2].clone(), features[0].clone()];
    let mut code = code;
    code.layers[0].weights = WeightCode::LowRank { left: quantised(4, 2, 4, 0.3, 1), right: float32(2, 2, 2) };
    round_trip(&Program::Network { code, features: reordered }, &t, "y");
}

#[test]
fn a_network_round_trips_on_classes() {
    let t = table(&classes_csv());
    let features = feature_names(&t, "label");
    let p = features.len();
    let code = NetworkCode {
        activation: Activation::Relu,
        output: Output::Classes(3),
        layers: vec![
            LayerCode { weights: WeightCode::Full(quantised(5, p, 6, 0.05, 7)), bias: float32(1, 5, 8) },
            LayerCode { weights: WeightCode::Full(float32(3, 5, 9)), bias: quantised(1, 3, 2, 0.5, 10) },
        ],
    };
    let encoded = round_trip(&Program::Network { code, features }, &t, "label");
    // 239 labels under quantised softmax probabilities: at most 16 bits each.
    assert!(encoded.data_bits > 0.0 && encoded.data_bits < 239.0 * 16.0);
}

#[test]
fn the_decoder_names_what_is_wrong() {
    let t = table(&noisy_csv());
    let encoded = encode(&Program::Null, &t, &options("y")).unwrap();
    let bytes = &encoded.bytes;

    assert_eq!(decode(b"", &t), Err(CodecError::NotOccam));
    assert_eq!(decode(b"PK\x03\x04 a zip file", &t), Err(CodecError::NotOccam));
    let mut future = bytes.clone();
    future[1] = 0xc9;
    assert_eq!(decode(&future, &t), Err(CodecError::Version { found: 9 }));

    let mut fewer = t.clone();
    for c in fewer.columns.iter_mut() {
        match &mut c.data {
            crate::data::ColumnData::Numeric { values, .. } => {
                values.pop();
            }
            crate::data::ColumnData::Text { codes, .. } => {
                codes.pop();
            }
        }
    }
    fewer.rows -= 1;
    assert_eq!(decode(bytes, &fewer), Err(CodecError::RowCount { file: 300, table: 299 }));
    // The null model reads no feature: a table without one decodes the same.
    assert_eq!(decode(bytes, &without(&t, "x")).map(|d| d.values), decode(bytes, &t).map(|d| d.values));

    // Cut anywhere, or a byte changed anywhere: the checksum refuses it before any decoding.
    assert_eq!(decode(&bytes[..bytes.len() / 2], &t), Err(CodecError::Checksum));
    for len in 2..bytes.len() {
        assert!(decode(&bytes[..len], &t).is_err(), "cut at {len} of {}", bytes.len());
    }
    for at in 2..bytes.len() {
        let mut flipped = bytes.clone();
        flipped[at] ^= 0x5a;
        let result = decode(&flipped, &t);
        assert_eq!(result, Err(CodecError::Checksum), "flipped byte {at}");
    }
}

/// x² − 3 on `noisy_csv`, reading x only.
fn square_of_x() -> Program {
    let expr = Expr::binary(
        Op::Sub,
        Expr::binary(Op::Mul, Expr::constant(1.37), Expr::unary(Op::Square, Expr::var(0))),
        Expr::constant(3.0),
    );
    let constants = vec![Constant::Real(Real::new(1.37, 12).unwrap()), Constant::Integer(3)];
    Program::Formula { expr, constants, ops: ops(), features: vec!["x".into()] }
}

fn set_cell(table: &mut Table, column: &str, row: usize, value: f64) {
    let c = table.columns.iter_mut().find(|c| c.name == column).unwrap();
    let crate::data::ColumnData::Numeric { values, .. } = &mut c.data else { panic!("numeric") };
    values[row] = value;
}

#[test]
fn a_table_that_differs_where_the_program_reads_is_refused() {
    let t = table(&noisy_csv());
    let encoded = encode(&square_of_x(), &t, &options("y")).unwrap();
    let refused = Err(CodecError::OtherTable { rows: 300, columns: vec!["x".into()] });
    // One cell of x moved by a step, or by a whole unit: other predictions, refused.
    for delta in [0.01, 1.0, -100.0] {
        let mut changed = t.clone();
        set_cell(&mut changed, "x", 123, (123.0 * 0.731f64).sin() * 4.0 + delta);
        assert_eq!(decode(&encoded.bytes, &changed), refused, "x moved by {delta}");
    }
    // Its column missing, renamed, or the columns shifted: refused too.
    assert_eq!(decode(&encoded.bytes, &without(&t, "x")), Err(CodecError::FeatureCount { file: 3, table: 1 }));
    let mut renamed = t.clone();
    renamed.columns[0].name = "x2".into();
    assert_eq!(decode(&encoded.bytes, &renamed), Err(CodecError::OtherTable { rows: 300, columns: vec!["x2".into()] }));
    let mut shifted = t.clone();
    shifted.columns.swap(0, 1);
    assert!(matches!(decode(&encoded.bytes, &shifted), Err(CodecError::OtherTable { .. })));
    // A column the program does not read may differ: the target comes back the same.
    let mut other = t.clone();
    set_cell(&mut other, "w", 5, 99.0);
    assert_eq!(decode(&encoded.bytes, &other).unwrap().values, decode(&encoded.bytes, &t).unwrap().values);
}

#[test]
fn a_forged_network_is_refused_before_any_work() {
    // A low-rank layer of 65,536 × 65,536 (rank 1: 131,072 weights sent) multiplies out to 2³²
    // weights: the writer refuses it, and so does the reader however the file was made.
    let t = table(&noisy_csv());
    let wide = 1 << 16;
    let code = NetworkCode {
        activation: Activation::Relu,
        output: Output::Regression,
        layers: vec![
            LayerCode { weights: WeightCode::Full(zeros(wide, 2)), bias: zeros(1, wide) },
            LayerCode {
                weights: WeightCode::LowRank { left: zeros(wide, 1), right: zeros(1, wide) },
                bias: zeros(1, wide),
            },
            LayerCode { weights: WeightCode::Full(zeros(1, wide)), bias: zeros(1, 1) },
        ],
    };
    let features = feature_names(&t, "y")[..2].to_vec();
    let result = encode(&Program::Network { code, features }, &t, &options("y"));
    assert!(matches!(result, Err(CodecError::Program { .. })), "{result:?}");
}

/// A file forged by hand, with a valid checksum and a header for this very table, whose network
/// the writer would refuse: the reader refuses it too, while it reads the layers and before it
/// computes a prediction (the decompression bomb of issue 13: 16 GiB asked for by 65 bytes).
#[test]
fn a_hand_forged_network_bomb_is_refused_while_its_layers_are_read() {
    let t = table(&noisy_csv());
    let options = options("y");
    let (header, dataset) = Header::of(&t, &options.prepare).unwrap();
    let features = dataset.features.len();
    let forge = |layers: Vec<LayerCode>| -> Vec<u8> {
        let code = NetworkCode { activation: Activation::Relu, output: Output::Regression, layers };
        let resolved = Resolved::Network { code, inputs: (0..features).collect() };
        let mut e = Encoder::new();
        header.write(&mut e, &t).unwrap();
        e.write_natural(features as u64);
        resolved.write_kind(&mut e, features).unwrap();
        let check = table_check(&dataset, &resolved.reads(), t.rows);
        e.write_raw(check as u64, TABLE_CHECK_BITS).unwrap();
        resolved.write_model(&mut e, features).unwrap();
        for _ in 0..64 {
            e.write_raw(0, 32).unwrap();
        }
        let payload = e.finish();
        let mut bytes = ((SIGNATURE << 4) | VERSION as u16).to_be_bytes().to_vec();
        bytes.extend(checksum(&payload).to_be_bytes());
        bytes.extend(payload);
        bytes
    };
    let rank_one = |width: usize| LayerCode {
        weights: WeightCode::LowRank { left: zeros(width, 1), right: zeros(1, width) },
        bias: zeros(1, width),
    };
    let first = |width: usize| LayerCode { weights: WeightCode::Full(zeros(width, features)), bias: zeros(1, width) };
    let last = |width: usize| LayerCode { weights: WeightCode::Full(zeros(1, width)), bias: zeros(1, 1) };
    let wide = 1 << 16;
    // One rank-1 layer that multiplies out to 2³² weights.
    let product = forge(vec![first(wide), rank_one(wide), last(wide)]);
    // Sixty rank-1 layers of 2¹³, each 2²⁶ weights multiplied out: minutes of work per row.
    let deep =
        forge([first(1 << 13)].into_iter().chain((0..60).map(|_| rank_one(1 << 13))).chain([last(1 << 13)]).collect());
    for (name, bytes) in [("product", product), ("deep", deep)] {
        match decode(&bytes, &t) {
            Err(CodecError::Damaged { why }) => assert!(why.contains("weights"), "{name}: {why}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn garbage_gives_errors_not_panics() {
    let t = table(&classes_csv());
    let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
    for round in 0..300 {
        let mut bytes = vec![0x0c, 0xc1];
        bytes.extend((0..round % 64).map(|_| next() as u8));
        assert!(decode(&bytes, &t).is_err());
    }
    // A valid header for this table followed by garbage.
    let encoded = encode(&Program::Null, &t, &options("label")).unwrap();
    for keep in [4, 8, 12] {
        let mut bytes = encoded.bytes[..keep.min(encoded.bytes.len())].to_vec();
        bytes.extend((0..200).map(|i| (i * 37 + keep) as u8));
        assert!(decode(&bytes, &t).is_err());
    }
}

#[test]
fn the_encoder_refuses_programs_that_do_not_fit() {
    let t = table(&classes_csv());
    let formula =
        Program::Formula { expr: Expr::var(0), constants: vec![], ops: OpSet::ARITH, features: vec!["x".into()] };
    assert!(matches!(encode(&formula, &t, &options("label")), Err(CodecError::TaskMismatch { .. })));

    let t = table(&linear_csv());
    let unknown =
        Program::Formula { expr: Expr::var(0), constants: vec![], ops: OpSet::ARITH, features: vec!["z".into()] };
    assert!(
        matches!(encode(&unknown, &t, &options("y")), Err(CodecError::UnknownFeature { feature, .. }) if feature == "z")
    );
    let missing_constant =
        Program::Formula { expr: Expr::constant(1.0), constants: vec![], ops: OpSet::ARITH, features: vec![] };
    assert!(matches!(encode(&missing_constant, &t, &options("y")), Err(CodecError::Program { .. })));
    let foreign_op = Program::Formula {
        expr: Expr::unary(Op::Sin, Expr::var(0)),
        constants: vec![],
        ops: OpSet::ARITH,
        features: vec!["x".into()],
    };
    assert!(matches!(encode(&foreign_op, &t, &options("y")), Err(CodecError::Program { .. })));
    // log(x) on negative x: not finite, cannot be sent.
    let log = Program::Formula {
        expr: Expr::unary(Op::Log, Expr::var(0)),
        constants: vec![],
        ops: OpSet::DEFAULT,
        features: vec!["x".into()],
    };
    assert!(matches!(encode(&log, &t, &options("y")), Err(CodecError::Prediction { .. })));
    let classifier = NetworkCode {
        activation: Activation::Relu,
        output: Output::Classes(2),
        layers: vec![LayerCode { weights: WeightCode::Full(float32(2, 1, 1)), bias: float32(1, 2, 2) }],
    };
    let network = Program::Network { code: classifier, features: vec!["x".into()] };
    assert!(matches!(encode(&network, &t, &options("y")), Err(CodecError::TaskMismatch { .. })));
    let mut clipped = options("y");
    clipped.prepare.clip = Some((0.9, 0.1));
    assert!(matches!(encode(&Program::Null, &t, &clipped), Err(CodecError::Options { .. })));
    clipped.prepare.clip = Some((0.05, 0.95));
    round_trip_with(&Program::Null, &t, &clipped);
    let misshapen = NetworkCode {
        activation: Activation::Relu,
        output: Output::Regression,
        layers: vec![LayerCode { weights: WeightCode::Full(float32(1, 3, 1)), bias: float32(1, 1, 2) }],
    };
    let network = Program::Network { code: misshapen, features: vec!["x".into()] };
    assert!(matches!(encode(&network, &t, &options("y")), Err(CodecError::Program { .. })));
}

#[test]
fn every_damaged_byte_is_caught_without_a_panic() {
    let t = table(&classes_csv());
    let features = feature_names(&t, "label");
    let code = NetworkCode {
        activation: Activation::Tanh,
        output: Output::Classes(3),
        layers: vec![LayerCode {
            weights: WeightCode::LowRank { left: quantised(3, 1, 5, 0.2, 3), right: float32(1, features.len(), 4) },
            bias: quantised(1, 3, 3, 0.5, 5),
        }],
    };
    let network = encode(&Program::Network { code, features }, &t, &options("label")).unwrap();
    let n = table(&noisy_csv());
    let expr = Expr::binary(Op::Mul, Expr::constant(1.5), Expr::unary(Op::Square, Expr::var(0)));
    let formula = Program::Formula {
        expr,
        constants: vec![Constant::ratio(3, 2).unwrap()],
        ops: ops(),
        features: vec!["x".into()],
    };
    let formula = encode(&formula, &n, &options("y")).unwrap();
    for (bytes, given) in [(&network.bytes, &t), (&formula.bytes, &n)] {
        let mut accepted = 0;
        for at in 2..bytes.len() {
            for mask in [0x01u8, 0x80, 0xff] {
                let mut damaged = bytes.clone();
                damaged[at] ^= mask;
                accepted += decode(&damaged, given).is_ok() as u32;
            }
        }
        // The 16 check bits let through about one damaged file in 65,536.
        assert!(accepted <= 1, "{accepted} damaged files decoded");
    }
}
