//! Which columns carry the information about the target, in bits.
//!
//! [`mutual_information`] estimates I(feature; target) for every feature of a [`Dataset`] from
//! its training rows, on equal-frequency bins, in parallel over features; [`top_k`] keeps the
//! features with the most, so a search over a wide table looks where the information is.
//! Under a fitted model, [`permutation_bits`] measures what shuffling a column costs the data
//! code and [`support`] what share of a network's first layer each input gets; [`choose`] keeps
//! the top k or a cumulative share, and [`subset`] cuts the dataset down to them for a refit.

mod importance;

pub use importance::{choose, permutation_bits, support};

use ndarray::{Array2, ShapeBuilder};
use rayon::prelude::*;

use crate::prepare::{Dataset, Target};

/// Bins for a continuous variable: about √n / 2 of them (so each joint cell expects a handful
/// of rows), between 2 and 32.
fn bins_for(rows: usize) -> usize {
    ((rows as f64).sqrt() / 2.0).round().clamp(2.0, 32.0) as usize
}

/// Equal-frequency bin indices of `values` (ties share a bin, so a 0/1 column has two bins).
fn equal_frequency(values: &[f64], bins: usize) -> (Vec<usize>, usize) {
    let mut sorted: Vec<f64> = values.to_vec();
    sorted.sort_unstable_by(f64::total_cmp);
    let mut edges: Vec<f64> = (1..bins).map(|k| sorted[k * sorted.len() / bins]).collect();
    edges.dedup();
    let index = values.iter().map(|v| edges.partition_point(|e| e <= v)).collect();
    (index, edges.len() + 1)
}

/// I(x; y) in bits from two discretisations (plug-in estimate).
fn mi_bits(x: &[usize], nx: usize, y: &[usize], ny: usize) -> f64 {
    let n = x.len() as f64;
    if x.is_empty() {
        return 0.0;
    }
    let mut joint = vec![0usize; nx * ny];
    let (mut px, mut py) = (vec![0usize; nx], vec![0usize; ny]);
    for (&a, &b) in x.iter().zip(y) {
        joint[a * ny + b] += 1;
        px[a] += 1;
        py[b] += 1;
    }
    let mut bits = 0.0;
    for a in 0..nx {
        for b in 0..ny {
            let c = joint[a * ny + b];
            if c > 0 {
                let p = c as f64 / n;
                bits += p * libm::log2(p * n * n / (px[a] as f64 * py[b] as f64));
            }
        }
    }
    bits.max(0.0)
}

/// I(feature; target) in bits for every feature, on the training rows.
pub fn mutual_information(dataset: &Dataset) -> Vec<f64> {
    let rows = &dataset.train;
    let bins = bins_for(rows.len());
    let (y, ny) = match &dataset.target {
        Target::Regression(t) => equal_frequency(&rows.iter().map(|&r| t.values[r]).collect::<Vec<_>>(), bins),
        Target::Classification { classes, labels } => {
            (rows.iter().map(|&r| labels[r] as usize).collect(), classes.len())
        }
    };
    (0..dataset.features.len())
        .into_par_iter()
        .map(|j| {
            let column = dataset.column(j);
            let values: Vec<f64> = rows.iter().map(|&r| column[r]).collect();
            let (x, nx) = equal_frequency(&values, bins);
            mi_bits(&x, nx, &y, ny)
        })
        .collect()
}

/// The dataset with only its `k` most informative features (by [`mutual_information`]; ties
/// keep the earlier column), in their original order, and their names.
pub fn top_k(dataset: &Dataset, k: usize) -> (Dataset, Vec<(String, f64)>) {
    let mi = mutual_information(dataset);
    let mut order: Vec<usize> = (0..mi.len()).collect();
    order.sort_by(|&a, &b| mi[b].total_cmp(&mi[a]).then(a.cmp(&b)));
    order.truncate(k.max(1));
    let kept_info: Vec<(String, f64)> = order.iter().map(|&j| (dataset.features[j].name.clone(), mi[j])).collect();
    order.sort_unstable();
    (subset(dataset, &order), kept_info)
}

/// The dataset with only the features `keep` (indices, ascending), rows and target unchanged.
pub fn subset(dataset: &Dataset, keep: &[usize]) -> Dataset {
    let order = keep;
    let rows = dataset.rows();
    let mut data = Vec::with_capacity(rows * order.len());
    for &j in order {
        data.extend_from_slice(dataset.column(j));
    }
    let x = Array2::from_shape_vec((rows, order.len()).f(), data).expect("one value per row and kept feature");
    let features = order.iter().map(|&j| dataset.features[j].clone()).collect();
    Dataset {
        target_name: dataset.target_name.clone(),
        task: dataset.task,
        target: dataset.target.clone(),
        target_unit: dataset.target_unit,
        features,
        x,
        train: dataset.train.clone(),
        test: dataset.test.clone(),
        validation: dataset.validation,
        dropped_rows: dataset.dropped_rows,
        notes: dataset.notes.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{load, LoadOptions};
    use crate::prepare::{prepare, PrepareOptions};

    fn dataset(text: &str, target: &str) -> Dataset {
        let table = load("t.csv", text.as_bytes(), &LoadOptions::default()).unwrap().table;
        prepare(&table, &PrepareOptions { target: Some(target.into()), ..Default::default() }).unwrap()
    }

    #[test]
    fn the_informative_column_comes_first() {
        let mut text = String::from("noise1,signal,noise2,y\n");
        let mut s = 12345u64;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s % 1000) as f64 / 1000.0
        };
        for _ in 0..800 {
            let (a, x, b) = (next(), next(), next());
            text.push_str(&format!("{a:.3},{x:.3},{b:.3},{:.4}\n", x * x + 0.01 * next()));
        }
        let d = dataset(&text, "y");
        let mi = mutual_information(&d);
        assert!(mi[1] > 2.0, "{mi:?}");
        assert!(mi[0] < 0.3 && mi[2] < 0.3, "{mi:?}");
        let (top, info) = top_k(&d, 1);
        assert_eq!(top.features.len(), 1);
        assert_eq!(info[0].0, "signal");
        assert_eq!(top.column(0), d.column(1));
    }

    #[test]
    fn a_class_target_uses_its_classes() {
        let mut text = String::from("x,z,c\n");
        for i in 0..300 {
            text.push_str(&format!("{},{},{}\n", i % 3, (i * 7) % 11, ["a", "b", "c"][i % 3]));
        }
        let mi = mutual_information(&dataset(&text, "c"));
        assert!((mi[0] - libm::log2(3.0)).abs() < 0.05, "x determines the class: {mi:?}");
        assert!(mi[1] < mi[0]);
    }
}
