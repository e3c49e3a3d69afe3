//! The tables that ship inside the app, so the page has something to show before the user
//! brings a file, and never fetches one. The CSV texts live in web/examples/, and the measured
//! tables among them in bench/small_tables/ (their one home, beside their sources in laws.json).

/// A built-in table, which the page offers as a lesson: its id (used in the page's URL and
/// `#example-select`), a title, a one-sentence story for the class, the column to explain, the
/// engine the lesson is about, and the CSV text.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub story: &'static str,
    pub target: &'static str,
    pub engine: Engine,
    pub csv: &'static str,
}

/// What a lesson runs when the class presses its large button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// The formula search: a law.
    Formula,
    /// Networks and linear models, trained and compressed: a classifier.
    Networks,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        id: "kepler",
        title: "Kepler's third law: the planets (a in AU, T in years)",
        story: "Kepler spent ten years looking for the rule that links a planet's distance from the Sun to the length of its year; press the button and see how long it takes here.",
        target: "T",
        engine: Engine::Formula,
        csv: include_str!("../web/examples/kepler.csv"),
    },
    Example {
        id: "pendulum",
        title: "A pendulum: the period of a swing against the string's length (a classroom measurement, simulated)",
        story: "A class timed ten swings of a pendulum at nine lengths of string: does a longer string swing twice as slowly when it is twice as long?",
        target: "T [s]",
        engine: Engine::Formula,
        csv: include_str!("../bench/small_tables/pendulum.csv"),
    },
    Example {
        id: "free_fall",
        title: "Free fall: the time a ball takes to drop from a height (a classroom measurement, simulated)",
        story: "A ball dropped from eight heights, timed with a light gate: Galileo's question, how the time of a fall grows with its height.",
        target: "t [s]",
        engine: Engine::Formula,
        csv: include_str!("../bench/small_tables/free_fall.csv"),
    },
    Example {
        id: "boyle",
        title: "Boyle's 1662 table: the pressure of trapped air against its volume",
        story: "Robert Boyle trapped air in a glass tube with mercury and wrote down its volume and pressure in 1662: these are his own numbers.",
        target: "p [inHg]",
        engine: Engine::Formula,
        csv: include_str!("../bench/small_tables/boyle_1662.csv"),
    },
    Example {
        id: "decay",
        title: "Radioactive decay: counts from a source every two minutes (a classroom measurement, simulated)",
        story: "A Geiger counter counted a short-lived source every two minutes for twenty minutes: how fast does it fade, and will it ever reach zero?",
        target: "N [counts]",
        engine: Engine::Formula,
        csv: include_str!("../bench/small_tables/decay_counts.csv"),
    },
    Example {
        id: "balmer",
        title: "Hydrogen's Balmer lines: wavelength against the level n",
        story: "In 1885 Johann Balmer, a school teacher, found the rule behind the four colours of light that hydrogen gives off; here are the measured wavelengths.",
        target: "lambda [nm]",
        engine: Engine::Formula,
        csv: include_str!("../bench/small_tables/balmer_hydrogen.csv"),
    },
    Example {
        id: "cooling",
        title: "A mug of water cooling in a 21 °C room (a classroom measurement, simulated)",
        story: "A thermometer in a mug of hot water, read every five minutes in a 21 °C room: Newton's law of cooling, or something else?",
        target: "T [C]",
        engine: Engine::Formula,
        csv: include_str!("../bench/small_tables/cooling.csv"),
    },
    Example {
        id: "sound_speed",
        title: "The speed of sound at seven air temperatures in °C (a classroom measurement, simulated)",
        story: "A class measured the speed of sound in a resonance tube on days from −20 °C to 40 °C: does it grow with the temperature in degrees Celsius, or with something else?",
        target: "c [m/s]",
        engine: Engine::Formula,
        csv: include_str!("../bench/small_tables/sound_speed.csv"),
    },
    Example {
        id: "iris",
        title: "Iris flowers: species from petal and sepal sizes",
        story: "Edgar Anderson measured 150 iris flowers of three species in 1935; a network learns to tell them apart, and its compressed versions show how few bits that takes.",
        target: "species",
        engine: Engine::Networks,
        csv: include_str!("../web/examples/iris.csv"),
    },
];

pub fn find(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}
