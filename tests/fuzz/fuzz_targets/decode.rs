//! `codec::decode` on arbitrary bytes, against a fixed table: it must return the target or a
//! CodecError, never panic, hang or allocate without bound. The first input byte chooses the
//! file: as given (the checksum gate then refuses nearly everything), or the rest behind a
//! valid signature and checksum, so that the fuzzer reaches the header, program and data readers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use occam::data::{load, LoadOptions};

const TABLE: &str = "a,b,c,T\n0.39,1,x,0.241\n0.72,2,y,0.615\n1.00,3,x,1.000\n1.52,,y,1.881\n5.20,5,x,11.86\n\
                     9.54,6,y,29.46\n19.2,7,x,84.01\n30.1,8,y,164.8\n";

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else { return };
    let table = load("t.csv", TABLE.as_bytes(), &LoadOptions::default()).expect("the fixed table loads").table;
    let bytes = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        let crc = crc32fast::hash(rest) as u16;
        let mut file = vec![0x0c, 0xc0 | occam::codec::VERSION, (crc >> 8) as u8, crc as u8];
        file.extend_from_slice(rest);
        file
    };
    if let Ok(decoded) = occam::codec::decode(&bytes, &table) {
        assert_eq!(decoded.values.len(), table.rows);
    }
});
