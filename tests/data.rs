//! The CSV loader, as a table of cases in the style of the csv crate's `parses_to!`: one per
//! dialect, one per repair, one per error, each error checked for its line and column.

use occam::data::{load, ColumnData, Kind, LoadErrorKind, LoadOptions, Loaded};

fn read(input: &[u8]) -> Loaded {
    load("t.csv", input, &LoadOptions::default()).unwrap_or_else(|e| panic!("should load, got: {e}"))
}

/// Each column as (name, kind, cells as text).
fn columns(loaded: &Loaded) -> Vec<(String, Kind, Vec<String>)> {
    let t = &loaded.table;
    t.columns.iter().map(|c| (c.name.clone(), c.kind, (0..t.rows).map(|r| c.cell_text(r)).collect())).collect()
}

macro_rules! reads {
    ($name:ident, $input:expr, [$(($col:expr, $kind:ident, [$($cell:expr),*])),* $(,)?]) => {
        #[test]
        fn $name() {
            let loaded = read($input.as_ref());
            let want: Vec<(String, Kind, Vec<String>)> =
                vec![$(($col.to_string(), Kind::$kind, vec![$($cell.to_string()),*])),*];
            assert_eq!(columns(&loaded), want);
        }
    };
}

macro_rules! refuses {
    ($name:ident, $input:expr, $message:expr) => {
        #[test]
        fn $name() {
            match load("t.csv", $input.as_ref(), &LoadOptions::default()) {
                Ok(l) => panic!("should fail, loaded {} rows", l.table.rows),
                Err(e) => assert_eq!(e.to_string(), $message),
            }
        }
    };
}

// Dialects.
reads!(comma, "x,y\n1,2\n3,4\n", [("x", Numeric, ["1", "3"]), ("y", Numeric, ["2", "4"])]);
reads!(semicolon_decimal_comma, "x;y\n1,5;2\n3,25;4\n", [("x", Numeric, ["1.50", "3.25"]), ("y", Numeric, ["2", "4"])]);
reads!(tab, "x\ty\n1\ta\n2\tb\n", [("x", Numeric, ["1", "2"]), ("y", Categorical, ["a", "b"])]);
reads!(pipe, "x|y\n1|2\n3|4\n", [("x", Numeric, ["1", "3"]), ("y", Numeric, ["2", "4"])]);
reads!(bom_and_crlf, "\u{feff}x,y\r\n1,2\r\n3,4\r\n", [("x", Numeric, ["1", "3"]), ("y", Numeric, ["2", "4"])]);
reads!(no_final_newline, "x,y\n1,2\n3,4", [("x", Numeric, ["1", "3"]), ("y", Numeric, ["2", "4"])]);
reads!(
    quotes_escaped_quotes_and_newlines,
    "name,n\n\"Smith, J.\",1\n\"say \"\"hi\"\"\",2\n\"two\nlines\",3\n",
    [("name", Categorical, ["Smith, J.", "say \"hi\"", "two\nlines"]), ("n", Numeric, ["1", "2", "3"])]
);
reads!(blank_lines_skipped, "x,y\n1,2\n\n3,4\n\n", [("x", Numeric, ["1", "3"]), ("y", Numeric, ["2", "4"])]);
reads!(surrounding_whitespace, "x , y\n 1 , a \n2,  b\n", [("x", Numeric, ["1", "2"]), ("y", Categorical, ["a", "b"])]);
reads!(
    missing_markers,
    "x,y\n1,a\nNA,b\n,N/A\nnull,?\n5,-\n",
    [("x", Numeric, ["1", "", "", "", "5"]), ("y", Categorical, ["a", "b", "", "", ""])]
);
reads!(non_finite_is_missing, "x\n1\ninf\n2\n", [("x", Numeric, ["1", "", "2"])]);
reads!(
    kinds,
    "n,c,b,k\n1,red,yes,7\n2,blue,no,7\n3,red,yes,7\n",
    [
        ("n", Numeric, ["1", "2", "3"]),
        ("c", Categorical, ["red", "blue", "red"]),
        ("b", Boolean, ["yes", "no", "yes"]),
        ("k", Constant, ["7", "7", "7"]),
    ]
);
reads!(
    german_excel,
    "Gewicht;Preis\n1.234,5;3,10\n2,0;4,00\n",
    [("Gewicht", Numeric, ["1234.5", "2.0"]), ("Preis", Numeric, ["3.10", "4.00"])]
);

#[test]
fn precision_is_the_finest_step_in_the_text() {
    let loaded = read(b"a,b,c\n3.140,1,1.5e3\n2.5,20,2e3\n");
    let steps: Vec<Option<f64>> = loaded.table.columns.iter().map(|c| c.precision()).collect();
    assert_eq!(steps, vec![Some(0.001), Some(1.0), Some(100.0)]);
}

#[test]
fn a_stray_word_in_a_numeric_column_is_missing_and_reported() {
    let mut text = String::from("x,y\n");
    for i in 0..40 {
        text.push_str(&format!("{i},{}\n", 2 * i));
    }
    text.push_str("40,oops\n");
    let loaded = read(text.as_bytes());
    let y = &loaded.table.columns[1];
    assert_eq!(y.kind, Kind::Numeric);
    assert_eq!(y.missing, 1);
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings, vec!["column 'y' (2): 1 cell that is not a number treated as missing (line 42 'oops')"]);
    // The page's reader may read Chinese: the same warning, its place and values kept.
    assert_eq!(
        loaded.warnings[0].render(occam::words::Lang::Zh),
        "列“y”（第 2 列）：1 个不是数字的单元格按缺失处理（行 42 'oops'）"
    );
}

#[test]
fn a_ragged_row_is_named_in_either_language() {
    let e = load("bad.csv", b"a,b\n1,2\n3,4,5\n", &LoadOptions::default()).unwrap_err();
    assert_eq!(e.to_string(), "line 3: found 3 fields, the header has 2");
    assert_eq!(e.render(occam::words::Lang::Zh), "第 3 行：这一行有 3 个字段，表头有 2 个");
}

#[test]
fn a_text_column_that_starts_with_numbers_is_read_as_text() {
    let mut text = String::from("code\n");
    for i in 0..1500 {
        text.push_str(&format!("{}\n", if i < 1200 { format!("{i}") } else { format!("A{i}") }));
    }
    let loaded = read(text.as_bytes());
    let code = &loaded.table.columns[0];
    assert_eq!(code.kind, Kind::Categorical);
    assert_eq!(code.cell_text(0), "0");
    assert_eq!(code.cell_text(1499), "A1499");
    assert!(matches!(&code.data, ColumnData::Text { levels, .. } if levels.len() == 1500));
}

#[test]
fn duplicate_and_empty_names_are_repaired_with_warnings() {
    let loaded = read(b"x,,x\n1,2,3\n");
    let names: Vec<&str> = loaded.table.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, vec!["x", "column_2", "x_2"]);
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        warnings,
        vec![
            "line 1, column 'column_2' (2): the header has no name here; called it 'column_2'",
            "line 1, column 'x' (3): the name 'x' appears twice; renamed this one 'x_2'",
        ]
    );
}

#[test]
fn many_repairs_of_one_kind_are_listed_ten_and_counted() {
    // 20,000 copies of one name, 30 empty names, and 40 columns of words among numbers.
    let mut header = vec!["x"; 20_000];
    header.extend(vec![""; 30]);
    let width = header.len();
    let mut text = header.join(",") + "\n";
    for row in 0..30 {
        let cells: Vec<String> =
            (0..width).map(|j| if row == 0 && j < 40 { "word".into() } else { format!("{j}") }).collect();
        text += &(cells.join(",") + "\n");
    }
    let loaded = read(text.as_bytes());
    assert_eq!(loaded.table.columns.len(), width);
    assert_eq!(loaded.table.columns[19_999].name, "x_20000");
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    let of = |words: &str| warnings.iter().filter(|w| w.contains(words)).count();
    assert_eq!(of("appears twice"), 10, "{warnings:#?}");
    assert_eq!(of("no name here"), 10, "{warnings:#?}");
    assert_eq!(of("not a number"), 10, "{warnings:#?}");
    for more in [
        "and 19989 more repeated names",
        "and 20 more columns with no name",
        "and 30 more columns with cells that are not numbers",
    ] {
        assert_eq!(of(more), 1, "{more}: {warnings:#?}");
    }
    assert_eq!(warnings.len(), 33, "{warnings:#?}");
}

#[test]
fn trailing_empty_cells_are_dropped_with_a_warning() {
    let loaded = read(b"x,y\n1,2,\n3,4,,\n");
    assert_eq!(loaded.table.columns.len(), 2);
    assert_eq!(loaded.warnings[0].to_string(), "ignored empty cells past the last column in 2 rows");
}

// Errors, each with its position.
refuses!(empty_file, "", "the file is empty");
refuses!(only_whitespace, " \n\n", "the file is empty");
refuses!(header_only, "x,y\n", "line 1: the file has a header (2 columns) but no data rows");
refuses!(ragged_row, "x,y\n1,2\n3,4,5\n", "line 3: found 3 fields, the header has 2");
refuses!(short_row, "x,y\n1,2\n3\n", "line 3: found 1 field, the header has 2");
refuses!(
    unterminated_quote,
    "x,y\n1,2\n\"3,4\n5,6\n",
    "line 3: a quoted field starts here and is never closed (a '\"' is missing)"
);
refuses!(
    invalid_utf8_in_a_cell,
    b"x,y\n1,abc\n2,\xff\xfe\n".as_slice(),
    "line 3, column 'y' (2), byte 12: the text is not valid UTF-8; save the file as UTF-8 (in Excel: 'CSV UTF-8')"
);
refuses!(
    invalid_utf8_in_the_header,
    b"x,\xc3\n1,2\n".as_slice(),
    "line 1, column '#2' (2): the text is not valid UTF-8; save the file as UTF-8 (in Excel: 'CSV UTF-8')"
);

#[test]
fn limits_are_refused_before_parsing() {
    let options = LoadOptions { max_bytes: Some(10), ..Default::default() };
    let e = load("big.csv", b"x\n1\n2\n3\n4\n5\n6\n", &options).unwrap_err();
    assert!(matches!(e.kind, LoadErrorKind::TooLarge { bytes: 14, limit: 10 }), "{e:?}");
    let options = LoadOptions { max_cells: Some(4), ..Default::default() };
    let e = load("wide.csv", b"x,y\n1,2\n3,4\n5,6\n", &options).unwrap_err();
    assert_eq!(e.to_string(), "line 4: the table has 6 cells, more than the 4 this tab can hold; use the command-line tool `occam` for tables this large");
}

#[test]
fn wide_tables_load() {
    let cols = 2000;
    let mut text: String = (0..cols).map(|c| format!("c{c}")).collect::<Vec<_>>().join(",");
    text.push('\n');
    for r in 0..5 {
        text.push_str(&(0..cols).map(|c| (r * c).to_string()).collect::<Vec<_>>().join(","));
        text.push('\n');
    }
    let loaded = read(text.as_bytes());
    assert_eq!((loaded.table.columns.len(), loaded.table.rows), (cols, 5));
}

#[test]
fn garbage_never_panics() {
    // A cheap stand-in between fuzzing runs: every prefix of a tricky file either loads or errs.
    let nasty = b"a,\"b\nc\",d\r\n\"\"\"\",\xff,\n1,2,3\n\"x".to_vec();
    for end in 0..=nasty.len() {
        let _ = load("n.csv", &nasty[..end], &LoadOptions::default());
    }
}

/// A quote-free file over a few MB: read in parallel parts when the pool has threads.
fn big_file(rows: usize, ragged_at: Option<usize>) -> Vec<u8> {
    let mut text = String::from("id,x,label,flag,y\n");
    for i in 0..rows {
        if Some(i) == ragged_at {
            text.push_str("1,2\n");
            continue;
        }
        let x = if i % 97 == 0 { "NA".to_string() } else { format!("{}.{:03}", i % 1000, i % 7) };
        let label = ["red", "green", "blue", "teal"][(i * 7) % 4];
        let y = if i == rows - 5 { "oops".to_string() } else { format!("{}", i as f64 * 0.5) };
        text.push_str(&format!("{i},{x},{label}{},{},{y}\n", if i > rows / 2 { i % 13 } else { 0 }, i % 2 == 0));
        if i % 5000 == 0 {
            text.push('\n');
        }
    }
    text.into_bytes()
}

/// Everything about a table, with NaN cells comparable (as bits), in a form small to print.
fn fingerprint(table: &occam::data::Table) -> Vec<String> {
    use std::hash::{DefaultHasher, Hash, Hasher};
    table
        .columns
        .iter()
        .map(|c| {
            let mut h = DefaultHasher::new();
            match &c.data {
                ColumnData::Numeric { values, decimals } => {
                    values.iter().for_each(|v| v.to_bits().hash(&mut h));
                    decimals.hash(&mut h);
                }
                ColumnData::Text { codes, levels } => {
                    codes.hash(&mut h);
                    levels.hash(&mut h);
                }
            }
            format!("{} {:?} missing {} hash {:x}", c.name, c.kind, c.missing, h.finish())
        })
        .collect()
}

fn in_pool<T: Send>(threads: usize, work: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap().install(work)
}

#[test]
fn parallel_parts_read_the_same_table_as_one_thread() {
    let bytes = big_file(200_000, None);
    assert!(bytes.len() > 4 << 20, "big enough to be cut into parts");
    let one = in_pool(1, || read(&bytes));
    let four = in_pool(4, || read(&bytes));
    assert_eq!(fingerprint(&one.table), fingerprint(&four.table));
    assert_eq!(one.warnings, four.warnings);
    assert_eq!(one.table.rows, 200_000);
    let label = &one.table.columns[2];
    assert!(matches!(&label.data, ColumnData::Text { levels, .. } if levels[0] == "red0" && levels.len() > 4 * 13 - 4));
    assert_eq!(
        one.warnings.iter().map(|w| w.to_string()).collect::<Vec<_>>(),
        // Blank lines are skipped silently (by the csv reader); rows of empty cells would be counted.
        vec!["column 'y' (5): 1 cell that is not a number treated as missing (line 200037 'oops')".to_string()]
    );
}

#[test]
fn errors_deep_in_a_parallel_read_name_their_line() {
    let bytes = big_file(120_000, Some(100_000));
    // Rows 0..100000 hold 20 blank lines (one after every 5000th row, from row 0).
    let e = in_pool(4, || load("t.csv", &bytes, &LoadOptions::default())).unwrap_err();
    assert_eq!(e.to_string(), "line 100022: found 2 fields, the header has 5");
    let e1 = in_pool(1, || load("t.csv", &bytes, &LoadOptions::default())).unwrap_err();
    assert_eq!(e, e1);
}
