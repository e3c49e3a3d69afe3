//! The CSV loader on arbitrary bytes: it must return a table or a LoadError, never panic, and
//! a table it returns must be well formed (every column as long as the row count).
#![no_main]

use libfuzzer_sys::fuzz_target;
use occam::data::{load, ColumnData, LoadOptions};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(loaded) = load("fuzz.csv", bytes, &LoadOptions::default()) {
        let table = &loaded.table;
        for column in &table.columns {
            let len = match &column.data {
                ColumnData::Numeric { values, .. } => values.len(),
                ColumnData::Text { codes, levels } => {
                    assert!(codes.iter().all(|&c| c == occam::data::MISSING || (c as usize) < levels.len()));
                    codes.len()
                }
            };
            assert_eq!(len, table.rows);
            for row in 0..table.rows.min(3) {
                let _ = column.cell_text(row);
            }
        }
        let _ = occam::data::describe(table, &occam::control::Silent, &occam::control::Cancel::new());
    }
});
