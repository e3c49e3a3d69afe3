//! The formula parser on arbitrary text: a formula or a ParseError, never a panic; a formula it
//! returns is well formed, prints, and evaluates (to numbers or an error) on a few rows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use occam::expr::{parse, Columns, Evaluator};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let names = ["a", "b", "T"];
    if let Ok(expr) = parse(text, &names) {
        expr.validate().expect("a parsed formula is well formed");
        expr.to_text(&names).expect("a parsed formula prints");
        let (a, b, t) = ([0.5, 1.0, -2.0], [3.0, 0.0, 1e300], [1.0, 2.0, 3.0]);
        if let Ok(columns) = Columns::new(vec![&a[..], &b[..], &t[..]], 3) {
            let mut out = [0.0; 3];
            let _ = Evaluator::new().eval(&expr, &columns, &mut out);
        }
    }
});
