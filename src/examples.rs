//! The tables that ship inside the app, so the page has something to show before the user
//! brings a file, and never fetches one. The CSV texts live in web/examples/, and the measured
//! tables among them in bench/small_tables/ (their one home, beside their sources in laws.json).

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
        id: "boyle",
        title: "Boyle's 1662 table: the pressure of trapped air against its volume",
        target: "p [inHg]",
        csv: include_str!("../bench/small_tables/boyle_1662.csv"),
    },
    Example {
        id: "balmer",
        title: "Hydrogen's Balmer lines: wavelength against the level n",
        target: "lambda [nm]",
        csv: include_str!("../bench/small_tables/balmer_hydrogen.csv"),
    },
    Example {
        id: "cooling",
        title: "A mug of water cooling in a 21 °C room (a classroom measurement, simulated)",
        target: "T [C]",
        csv: include_str!("../bench/small_tables/cooling.csv"),
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
