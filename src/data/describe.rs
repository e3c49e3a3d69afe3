//! Per-column statistics of a table, computed in parallel over columns (rayon).
//!
//! This is the first job the page runs on every table it loads, so it also proves the thread
//! pool: columns are spread over the pool in chunks, with progress reported between chunks.

use rayon::prelude::*;

use super::{Column, ColumnData, Table, MISSING};
use crate::control::{Cancel, Observer, Progress};
pub use crate::report::ColumnSummary as ColumnStats;

/// The statistics of every column, or `None` if cancelled. Progress is reported on the calling
/// thread after each chunk of columns.
pub fn describe(table: &Table, observer: &dyn Observer, cancel: &Cancel) -> Option<Vec<ColumnStats>> {
    let total = table.columns.len();
    let chunk = (rayon::current_num_threads() * 4).max(1);
    let mut stats = Vec::with_capacity(total);
    for columns in table.columns.chunks(chunk) {
        if cancel.is_cancelled() {
            return None;
        }
        stats.par_extend(columns.par_iter().map(column_stats));
        let message = format!("column statistics: {} of {total}", stats.len());
        observer.progress(&Progress::new("describe", stats.len() as u64, total as u64, message));
    }
    Some(stats)
}

/// One column's statistics.
pub fn column_stats(column: &Column) -> ColumnStats {
    let mut stats = ColumnStats {
        name: column.name.clone(),
        kind: column.kind.name().to_string(),
        missing: column.missing,
        precision: column.precision(),
        ..Default::default()
    };
    match &column.data {
        ColumnData::Numeric { values, decimals } => {
            stats.decimals = Some(*decimals);
            let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
            if sorted.is_empty() {
                return stats;
            }
            sorted.sort_unstable_by(f64::total_cmp);
            let n = sorted.len();
            stats.distinct = 1 + sorted.windows(2).filter(|w| w[0] != w[1]).count();
            stats.min = Some(sorted[0]);
            stats.max = Some(sorted[n - 1]);
            stats.median = Some(if n % 2 == 1 { sorted[n / 2] } else { 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]) });
            // Two passes (mean, then squared deviations) for accuracy on large offsets.
            let mean = sorted.iter().sum::<f64>() / n as f64;
            let var = sorted.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n.max(2) - 1) as f64;
            stats.mean = Some(mean);
            stats.std = Some(var.sqrt());
        }
        ColumnData::Text { codes, levels } => {
            let mut counts = vec![0usize; levels.len()];
            for &code in codes.iter().filter(|&&c| c != MISSING) {
                counts[code as usize] += 1;
            }
            stats.distinct = levels.len();
            let mut order: Vec<usize> = (0..levels.len()).collect();
            order.sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
            stats.levels = order.into_iter().take(10).map(|i| (levels[i].clone(), counts[i])).collect();
        }
    }
    stats
}
