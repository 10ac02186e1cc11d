//! What both benchmarks print about the run: the machine, its load, and hit / MISS against a
//! target. Included with `#[path]` by benches/throughput.rs and benches/serve_load.rs.

/// The machine the figures come from: cores, CPU model, date.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let date = chrono::Local::now().format("%Y-%m-%d %H:%M %Z");
    format!("machine: nproc {cores}, CPU {cpu}, date {date}")
}

/// `/proc/loadavg`'s 1-, 5- and 15-minute averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// `hit` / `MISS` for a target check.
pub fn mark(ok: bool) -> &'static str {
    if ok {
        "hit"
    } else {
        "MISS"
    }
}
