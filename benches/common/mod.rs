//! Helpers shared by the benches (each bench is its own crate and includes this module).

/// The process's resident set size in MB (Linux; 0 elsewhere).
pub fn rss_mb() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1e6
}

/// The median of `runs`, in milliseconds.
pub fn median_ms(mut runs: Vec<std::time::Duration>) -> f64 {
    runs.sort();
    runs[runs.len() / 2].as_secs_f64() * 1e3
}
