//! Preparing tables: target and task, missing values, encoding, splits, and the refusals.

use occam::data::{load, LoadOptions, Table};
use occam::examples;
use occam::prepare::{
    prepare, Origin, PrepareError, PrepareOptions, Split, Target, Task, Validation, SMALL_TABLE_ROWS,
};

fn table(text: &str) -> Table {
    load("t.csv", text.as_bytes(), &LoadOptions::default()).unwrap().table
}

fn example(id: &str) -> Table {
    table(examples::find(id).unwrap().csv)
}

fn options(target: &str) -> PrepareOptions {
    PrepareOptions { target: Some(target.into()), ..Default::default() }
}

fn names(d: &occam::prepare::Dataset) -> Vec<&str> {
    d.features.iter().map(|f| f.name.as_str()).collect()
}

#[test]
fn kepler_is_a_regression_on_a_with_the_names_left_out() {
    let d = prepare(&example("kepler"), &options("T")).unwrap();
    assert_eq!(d.task, Task::Regression);
    assert_eq!(names(&d), vec!["a"]);
    let notes: Vec<String> = d.notes.iter().map(|m| m.to_string()).collect();
    assert_eq!(notes, vec!["left out 'planet': 10 distinct values in 10 rows look like names or ids"]);
    let Target::Regression(t) = &d.target else { panic!() };
    assert_eq!(t.precision(), 1e-5);
    assert_eq!(d.column(0)[4], 2.7675, "features stay in the file's units");
    // Ten rows: a small table fits on every row and is validated by leave-one-out; asked for a
    // random split, it holds out a fifth.
    assert_eq!((d.train.len(), d.test.len(), d.validation), (10, 0, Validation::LeaveOneOut));
    let split = PrepareOptions { split: Split::Random { test_fraction: 0.2 }, ..options("T") };
    let d = prepare(&example("kepler"), &split).unwrap();
    assert_eq!((d.train.len(), d.test.len(), d.validation), (8, 2, Validation::Holdout));
}

#[test]
fn the_small_table_rule_switches_at_fifty_rows() {
    assert_eq!(SMALL_TABLE_ROWS, 50);
    let rows = |n: usize| (0..n).map(|i| format!("{i},{}.5\n", i * 3)).collect::<String>();
    for (n, train, test, validation) in [(49, 49, 0, Validation::LeaveOneOut), (50, 40, 10, Validation::Holdout)] {
        let d = prepare(&table(&format!("x,y\n{}", rows(n))), &options("y")).unwrap();
        assert_eq!((d.train.len(), d.test.len(), d.validation), (train, test, validation), "{n} rows");
    }
}

#[test]
fn iris_is_a_classification_with_three_classes() {
    let d = prepare(&example("iris"), &PrepareOptions::default()).unwrap();
    assert_eq!((d.target_name.as_str(), d.task), ("species", Task::Classification));
    let Target::Classification { classes, labels } = &d.target else { panic!() };
    assert_eq!(classes, &["setosa", "versicolor", "virginica"]);
    assert_eq!((labels[0], labels[149]), (0, 2));
    assert_eq!(d.features.len(), 4);
    assert_eq!((d.train.len(), d.test.len()), (120, 30));
}

#[test]
fn missing_targets_are_dropped_and_counted() {
    let d = prepare(&table("x,y\n1,2.5\n2,\n3,4.5\n4,NA\n5,7.25\n"), &options("y")).unwrap();
    assert_eq!(d.dropped_rows, 2);
    assert_eq!(d.rows(), 3);
}

#[test]
fn missing_features_get_the_median_and_an_indicator() {
    let text = "x,c,y\n1,red,1.5\n,blue,2.5\n3,red,3.5\n5,,4.5\n7,green,5.5\n";
    let d =
        prepare(&table(text), &PrepareOptions { split: Split::Random { test_fraction: 0.2 }, seed: 3, ..options("y") })
            .unwrap();
    assert_eq!(names(&d), vec!["x", "x_missing", "c=blue", "c=green"]);
    assert_eq!(d.column(1), &[0.0, 1.0, 0.0, 0.0, 0.0]);
    // The missing colour takes the most frequent level, red, the reference.
    assert_eq!(d.column(2), &[0.0, 1.0, 0.0, 0.0, 0.0]);
    assert_eq!(d.column(3), &[0.0, 0.0, 0.0, 0.0, 1.0]);
    assert!(matches!(&d.features[2].origin, Origin::Level { column, level } if column == "c" && level == "blue"));
}

#[test]
fn imputed_value_is_the_training_median() {
    let text = "x,y\n1,1.5\n2,2.5\n,3.5\n10,4.5\n20,5.5\n";
    let d = prepare(
        &table(text),
        &PrepareOptions { split: Split::Extrapolate { column: "y".into(), test_fraction: 0.2 }, ..options("y") },
    )
    .unwrap();
    // Train rows are y = 1.5 .. 4.5 (x = 1, 2, missing, 10): the median of 1, 2, 10 is 2.
    assert_eq!(d.column(0)[2], 2.0);
}

#[test]
fn clipping_uses_training_quantiles() {
    let mut text = String::from("x,y\n");
    for i in 0..100 {
        text.push_str(&format!("{},{}.5\n", if i == 50 { 1e6 } else { i as f64 }, i));
    }
    let d = prepare(&table(&text), &PrepareOptions { clip: Some((0.0, 0.95)), ..options("y") }).unwrap();
    assert!(d.column(0).iter().all(|&v| v < 1000.0));
}

#[test]
fn a_numeric_column_of_few_integers_is_a_class_target_unless_told() {
    let text = "x,y\n1,0\n2,1\n3,0\n4,1\n5,1\n";
    assert_eq!(prepare(&table(text), &options("y")).unwrap().task, Task::Classification);
    let told = PrepareOptions { task: Some(Task::Regression), ..options("y") };
    assert_eq!(prepare(&table(text), &told).unwrap().task, Task::Regression);
    let ratings = "x,y\n1,1\n2,2\n3,3\n4,1\n5,2\n6,3\n7,2\n";
    assert_eq!(prepare(&table(ratings), &options("y")).unwrap().task, Task::Classification);
}

#[test]
fn whole_number_readings_are_numbers() {
    // Decay counts (11 rows, every count its own), whole lux readings (9 rows), millimetres that
    // repeat (few values, but far from label codes): all regression targets.
    let counts = "t,A_cps\n0,1012\n2,817\n4,663\n6,540\n8,431\n10,352\n12,288\n14,229\n16,187\n18,151\n20,124\n";
    let lux = "d_m,E_lux\n0.5,1580\n0.6,1101\n0.7,806\n0.8,618\n0.9,489\n1.0,395\n1.2,275\n1.4,202\n1.6,155\n";
    let mm = "load,x_mm\n1,12\n2,12\n3,13\n4,13\n5,14\n6,14\n7,15\n8,15\n";
    for (text, target) in [(counts, "A_cps"), (lux, "E_lux"), (mm, "x_mm")] {
        let d = prepare(&table(text), &options(target)).unwrap();
        assert_eq!(d.task, Task::Regression, "{target}");
    }
    let told = PrepareOptions { task: Some(Task::Classification), ..options("x_mm") };
    assert_eq!(prepare(&table(mm), &told).unwrap().task, Task::Classification);
}

#[test]
fn random_split_is_seeded() {
    let t = example("iris");
    let split = |seed| {
        let d = prepare(&t, &PrepareOptions { seed, ..Default::default() }).unwrap();
        (d.train, d.test)
    };
    assert_eq!(split(5), split(5));
    assert_ne!(split(5), split(6));
    let (train, test) = split(5);
    let mut all: Vec<usize> = train.iter().chain(&test).copied().collect();
    all.sort();
    assert_eq!(all, (0..150).collect::<Vec<_>>());
}

#[test]
fn extrapolation_split_tests_on_the_high_end() {
    let t = example("kepler");
    let opts = PrepareOptions { split: Split::Extrapolate { column: "a".into(), test_fraction: 0.3 }, ..options("T") };
    let d = prepare(&t, &opts).unwrap();
    let a = d.column(0);
    let max_train = d.train.iter().map(|&r| a[r]).fold(f64::MIN, f64::max);
    let min_test = d.test.iter().map(|&r| a[r]).fold(f64::MAX, f64::min);
    assert!(max_train < min_test);
    assert_eq!(d.test.len(), 3);
}

#[test]
fn refusals_name_the_column() {
    let cases: &[(&str, PrepareOptions, &str)] = &[
        (
            "x,y\n1,5\n2,5\n3,5\n",
            options("y"),
            "column 'y' has the same value in every row: there is nothing to explain",
        ),
        ("x,y\n1,\n2,\n", options("y"), "column 'y' has no values: every cell is missing"),
        (
            "x,y\n1,2.5\n",
            options("y"),
            "the table has 1 row with a target value; at least 2 are needed to fit and test",
        ),
        ("x,y\n1,2.5\n2,3.5\n", options("z"), "there is no column 'z' (the columns are: x, y)"),
        (
            "x,y\n1,a\n2,b\n3,a\n",
            PrepareOptions { task: Some(Task::Regression), ..options("y") },
            "column 'y' holds text, so it can only be a classification target",
        ),
        ("x,y\n5,2.5\n5,3.5\n", options("y"), "no column is left to explain 'y' with (the others are constant or ids)"),
        (
            "x,y\n1,2.5\n2,3.5\n",
            PrepareOptions { split: Split::Random { test_fraction: 1.5 }, ..options("y") },
            "the test share must be at least 0 and below 1, not 1.5",
        ),
        (
            "x,c,y\n1,a,2.5\n2,b,3.5\n",
            PrepareOptions { split: Split::Extrapolate { column: "c".into(), test_fraction: 0.5 }, ..options("y") },
            "the extrapolation split needs a numeric column, and 'c' is not numeric",
        ),
    ];
    for (text, opts, message) in cases {
        let e: PrepareError = prepare(&table(text), opts).unwrap_err();
        assert_eq!(e.to_string(), *message, "{text:?}");
    }
}

#[test]
fn a_column_of_many_levels_keeps_the_most_frequent_and_says_so() {
    // Five levels, three kept: the note names the column and the counts, in both languages.
    let mut text = String::from("c,y\n");
    for (i, c) in ["a", "a", "a", "b", "b", "b", "c", "c", "d", "e"].iter().enumerate() {
        text.push_str(&format!("{c},{i}.5\n"));
    }
    let d = prepare(&table(&text), &PrepareOptions { max_levels: 3, ..options("y") }).unwrap();
    let notes: Vec<String> = d.notes.iter().map(|m| m.to_string()).collect();
    assert_eq!(notes, vec!["'c': kept the 3 most frequent of 5 levels, the rest count as none of them"]);
    assert_eq!(
        d.notes[0].render(occam::words::Lang::Zh),
        "“c”：保留了 5 个类别中最常见的 3 个，其余的不算其中任何一个"
    );
}

#[test]
fn a_temperature_in_degrees_is_searched_as_absolute_temperature() {
    let csv = "T [C],p [kPa],T_out [degF]\n-20,86.4,10\n0,93.2,20\n20,100.0,30\n40,106.8,41\n";
    let d = prepare(&table(csv), &options("p")).unwrap();
    assert_eq!(names(&d), vec!["T [C] + 273.15", "T_out [degF] + 459.67"]);
    assert_eq!(d.column(0), &[253.14999999999998, 273.15, 293.15, 313.15]);
    assert_eq!(d.column(1)[0], 469.67);
    assert_eq!(d.features[0].thermometer, Some(occam::units::Thermometer::Celsius));
    let notes: Vec<String> = d.notes.iter().map(|m| m.to_string()).collect();
    assert!(
        notes.iter().any(|n| n.contains("'T [C]' is searched as absolute temperature, 'T [C] + 273.15'")),
        "{notes:?}"
    );
    // Given on the side, the same; a temperature in kelvin, a charge in coulombs and a target in
    // °C stay as they are.
    let side = PrepareOptions { units: vec![("T".into(), "C".into())], ..options("p") };
    let d = prepare(&table("T,p\n-20,86.4\n0,93.2\n20,100.0\n"), &side).unwrap();
    assert_eq!(names(&d), vec!["T + 273.15"]);
    let d = prepare(&table("T [K],Q [C],y [C]\n250,1,3\n260,2,5\n270,4,6\n"), &options("y [C]")).unwrap();
    assert_eq!(names(&d), vec!["T [K]", "Q [C]"]);
    assert_eq!(d.column(0), &[250.0, 260.0, 270.0]);
    let Target::Regression(t) = &d.target else { panic!() };
    assert_eq!(t.values, vec![3.0, 5.0, 6.0]);
}
