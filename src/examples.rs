//! The tables that ship inside the app, so the page has something to show before the user
//! brings a file, and never fetches one. The CSV texts live in web/examples/.

/// A built-in table: its id (used in the page's URL and `#example-select`), a title, the column
/// to explain, and the CSV text.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub target: &'static str,
    pub csv: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        id: "kepler",
        title: "Kepler's third law: the planets (a in AU, T in years)",
        target: "T",
        csv: include_str!("../web/examples/kepler.csv"),
    },
    Example {
        id: "iris",
        title: "Iris flowers: species from petal and sepal sizes",
        target: "species",
        csv: include_str!("../web/examples/iris.csv"),
    },
];

pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}
