//! The throughput benchmark anyone can run (issue 4): `cargo bench --bench throughput`.
//!
//! Builds a synthetic, valid workbook of N requests (about five tasks each), then runs the
//! release `gongwen` binary on it as a child process once per scenario — `check`, letters as
//! PDF (all cores and `--jobs 1`), letters as OFD, letters as DOCX, and the full set of forms in both formats —
//! and reports wall seconds, requests/s, files/s, the child's own peak RSS (from `wait4`, so
//! one scenario's memory never hides in another's) and the median file size per form and
//! format, each next to its target. N comes from `GONGWEN_BENCH_N` (default `200,2000`);
//! `GONGWEN_BENCH_REPEAT=R` runs each scenario R times and keeps the fastest (default 1);
//! `GONGWEN_BENCH_KEEP=DIR` keeps the synthetic workbooks in DIR.
//! See benches/README.md.

#[path = "common/report.rs"]
mod report;
#[path = "common/workbook.rs"]
mod workbook;

use report::{load_average, machine, mark};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;
use workbook::{build_workbook, Synthetic};

/// The release binary under test (cargo builds it for benches).
const GONGWEN: &str = env!("CARGO_BIN_EXE_gongwen");

/// The forms of the "full set" scenario, as `--forms` names them. Forms the binary does not
/// provide yet (it exits with status 2) are left out, with a note.
const FULL_SET_FORMS: &[&str] = &["letter", "application", "tasks"];

/// Workbook sizes run when `GONGWEN_BENCH_N` is not set.
const DEFAULT_NS: &str = "200,2000";
/// … and when the target is run by `cargo test --benches` / `--all-targets` (no `--bench`
/// argument): a quick smoke run that only shows the benchmark still works.
const SMOKE_NS: &str = "5";

// Targets (issue 4).
const FULL_SET_MIN_REQUESTS_PER_S: f64 = 100.0;
const FULL_SET_MIN_FILES_PER_S: f64 = 600.0;
const LETTER_PDF_MIN_REQUESTS_PER_S: f64 = 300.0;
const MAX_PEAK_RSS_MB: f64 = 200.0;
/// Peak RSS at the largest N may be at most this many times the peak RSS at the smallest N.
const MAX_RSS_GROWTH: f64 = 1.2;
const MAX_MEDIAN_PDF_KB: f64 = 90.0;
/// Issue 8: the .docx carries subsets of its fonts; the median letter stays under 120 KB.
const MAX_MEDIAN_DOCX_KB: f64 = 120.0;
const CHECK_MAX_SECONDS: f64 = 1.0;

// ---------------------------------------------------------------------------------------
// The synthetic workbook (`common/workbook.rs`), built apart.

/// Set (to `DIR N`) in the child process that builds a workbook: see [`build_apart`].
const BUILD_ENV: &str = "GONGWEN_BENCH_BUILD";

/// [`build_workbook`] in a child process (this program again, told by [`BUILD_ENV`]). Not for
/// speed: Linux counts a child's peak RSS (`ru_maxrss`) from the parent's own peak at the
/// moment it is started, and building 2,000 requests took this process to ≈ 28 MB — which
/// every child's figure then showed as its floor (`check` at N = 2000 read 28 MB whatever it
/// used). Built apart, this process stays small and each figure is the child's own.
fn build_apart(dir: &Path, n: u32) -> Synthetic {
    let me = std::env::current_exe().expect("the benchmark's own path");
    let out = Command::new(me)
        .env(BUILD_ENV, format!("{} {n}", dir.display()))
        .stderr(Stdio::inherit())
        .output()
        .expect("start the workbook builder");
    assert!(out.status.success(), "building the workbook of {n} requests failed");
    let text = String::from_utf8(out.stdout).expect("builder output");
    let counts: Vec<usize> = text.split_whitespace().map(|w| w.parse().expect("builder output")).collect();
    let [requests, tasks, letters] = counts[..] else { panic!("builder output: {text}") };
    Synthetic { path: dir.join(format!("requests-{n}.xlsx")), requests, tasks, letters }
}

// ---------------------------------------------------------------------------------------
// Running the binary.

/// What one child process did.
struct Run {
    wall_s: f64,
    cpu_s: f64,
    /// The child's own peak resident set, KiB (Linux `ru_maxrss`).
    peak_rss_kib: i64,
    exit: i32,
    /// What it printed, stdout and stderr together as on a terminal (`check`'s report is on
    /// stdout, everything else on stderr).
    output: String,
}

/// Run `gongwen args…` and wait for it with `wait4`, which gives that child's own resource
/// usage (unlike `getrusage(RUSAGE_CHILDREN)`, the maximum over every child so far).
fn run_gongwen(args: &[OsString], scratch: &Path) -> Run {
    let output_path = scratch.join("output.txt");
    let output_file = File::create(&output_path).unwrap();
    let started = Instant::now();
    let child = Command::new(GONGWEN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(output_file.try_clone().unwrap())
        .stderr(output_file)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {GONGWEN}: {e}"));
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; wait4 fills it in for the child we just started.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals; pid is our own child, not yet reaped.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if r == pid {
            break;
        }
        let err = std::io::Error::last_os_error();
        assert_eq!(err.kind(), std::io::ErrorKind::Interrupted, "wait4 failed: {err}");
    }
    let wall_s = started.elapsed().as_secs_f64();
    drop(child); // already reaped; dropping a Child does not wait
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    let exit = if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 };
    Run {
        wall_s,
        cpu_s: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        peak_rss_kib: usage.ru_maxrss,
        exit,
        output: std::fs::read_to_string(&output_path).unwrap_or_default(),
    }
}

fn os_args(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// The full-set form list the binary accepts: all of [`FULL_SET_FORMS`] if it takes them,
/// else those it takes one by one (tried on a tiny workbook), with a note on stdout.
fn available_full_set(tiny: &Path, scratch: &Path) -> Vec<&'static str> {
    let try_forms = |forms: &[&str]| {
        let out = scratch.join("probe-out");
        let _ = std::fs::remove_dir_all(&out);
        let wb = tiny.as_os_str().to_owned();
        let mut args = os_args(&["generate", "--format", "docx", "--forms", &forms.join(","), "-o"]);
        args.push(out.into_os_string());
        args.push(wb);
        run_gongwen(&args, scratch)
    };
    let all = try_forms(FULL_SET_FORMS);
    match all.exit {
        0 => return FULL_SET_FORMS.to_vec(),
        2 => {}
        other => panic!("gongwen generate on the tiny workbook exited with {other}:\n{}", all.output),
    }
    let mut available = Vec::new();
    for &form in FULL_SET_FORMS {
        let run = try_forms(&[form]);
        match run.exit {
            0 => available.push(form),
            2 => println!(
                "note: the binary does not take --forms {form} yet ({}); left out of the full set",
                run.output.trim()
            ),
            other => panic!("gongwen generate --forms {form} exited with {other}:\n{}", run.output),
        }
    }
    assert!(!available.is_empty(), "the binary takes none of the forms {FULL_SET_FORMS:?}");
    available
}

/// One way of running the binary.
struct Scenario {
    label: String,
    /// `None` for `check`, else the `--forms` and `--format` lists.
    generate: Option<(Vec<&'static str>, &'static str)>,
    jobs: Option<usize>,
}

/// Files of one form and format, by size.
type Sizes = BTreeMap<(String, String), Vec<u64>>;

/// One scenario measured at one N.
struct Measurement {
    n: usize,
    label: String,
    jobs: Option<usize>,
    run: Run,
    files: usize,
    sizes: Sizes,
}

/// Read the manifest: every row must be 已生成; returns the files' sizes by (form, format).
fn read_manifest(out: &Path) -> Sizes {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).from_path(out.join("manifest.csv")).expect("manifest.csv");
    let mut sizes = Sizes::new();
    for record in reader.records() {
        let r = record.expect("manifest row");
        assert_eq!(&r[8], "已生成", "manifest row not generated: {r:?}");
        let size = std::fs::metadata(out.join(&r[0])).unwrap_or_else(|e| panic!("{}: {e}", &r[0])).len();
        sizes.entry((r[1].to_string(), r[2].to_uppercase())).or_default().push(size);
    }
    sizes
}

fn measure(wb: &Synthetic, scenario: &Scenario, scratch: &Path, repeat: usize) -> Measurement {
    let out = scratch.join("out");
    let mut args: Vec<OsString> = match &scenario.generate {
        None => os_args(&["check"]),
        Some((forms, format)) => {
            let mut a = os_args(&["generate", "--forms", &forms.join(","), "--format", format, "-o"]);
            a.push(out.clone().into_os_string());
            a
        }
    };
    if let Some(j) = scenario.jobs {
        args.extend(os_args(&["--jobs", &j.to_string()]));
    }
    args.push(wb.path.clone().into_os_string());
    eprintln!("  N={} {} (jobs {}) …", wb.requests, scenario.label, jobs_label(scenario.jobs));
    // The fastest of `repeat` runs (a busy machine only ever slows a run down); the peak RSS
    // is the largest seen.
    let mut run: Option<Run> = None;
    for _ in 0..repeat {
        let _ = std::fs::remove_dir_all(&out);
        let this = run_gongwen(&args, scratch);
        assert_eq!(this.exit, 0, "gongwen {args:?} exited with {}:\n{}", this.exit, this.output);
        run = Some(match run {
            Some(best) if best.wall_s <= this.wall_s => {
                Run { peak_rss_kib: best.peak_rss_kib.max(this.peak_rss_kib), ..best }
            }
            Some(best) => Run { peak_rss_kib: best.peak_rss_kib.max(this.peak_rss_kib), ..this },
            None => this,
        });
    }
    let run = run.expect("at least one run");
    let (files, sizes) = if scenario.generate.is_some() {
        let sizes = read_manifest(&out);
        let _ = std::fs::remove_dir_all(&out);
        (sizes.values().map(Vec::len).sum(), sizes)
    } else {
        // The synthetic data is valid: `check` must pass without a single problem.
        let summary = run.output.lines().last().unwrap_or("");
        assert!(
            summary.contains(&format!("{} 条协作需求、{} 条任务；警告 0 条", wb.requests, wb.tasks)),
            "check did not pass cleanly:\n{}",
            run.output
        );
        (0, Sizes::new())
    };
    Measurement { n: wb.requests, label: scenario.label.clone(), jobs: scenario.jobs, run, files, sizes }
}

// ---------------------------------------------------------------------------------------
// Reporting.

fn mb(kib: i64) -> f64 {
    kib as f64 / 1024.0
}

fn median(sizes: &[u64]) -> u64 {
    let mut s = sizes.to_vec();
    s.sort_unstable();
    s[s.len() / 2]
}

const SCENARIO_CHECK: &str = "check";
const SCENARIO_LETTER_PDF: &str = "letter PDF";
const SCENARIO_FULL: &str = "full set";
/// Letters as OFD (issue 12), beside the letter PDF: same layout, another writer.
const SCENARIO_LETTER_OFD: &str = "letter OFD";

fn jobs_label(jobs: Option<usize>) -> String {
    jobs.map_or("all".into(), |j| j.to_string())
}

/// Target checks of one measurement that do not need another N: speed and check time.
fn speed_targets(m: &Measurement) -> Vec<String> {
    let rps = m.n as f64 / m.run.wall_s;
    let fps = m.files as f64 / m.run.wall_s;
    let mut t = Vec::new();
    if m.label == SCENARIO_FULL {
        t.push(format!("≥{FULL_SET_MIN_REQUESTS_PER_S} req/s {}", mark(rps >= FULL_SET_MIN_REQUESTS_PER_S)));
        t.push(format!("≥{FULL_SET_MIN_FILES_PER_S} files/s {}", mark(fps >= FULL_SET_MIN_FILES_PER_S)));
    }
    if m.label == SCENARIO_LETTER_PDF && m.jobs.is_none() {
        t.push(format!("≥{LETTER_PDF_MIN_REQUESTS_PER_S} req/s {}", mark(rps >= LETTER_PDF_MIN_REQUESTS_PER_S)));
    }
    if m.label == SCENARIO_CHECK {
        t.push(format!("<{CHECK_MAX_SECONDS} s {}", mark(m.run.wall_s < CHECK_MAX_SECONDS)));
    }
    if m.label != SCENARIO_CHECK {
        t.push(format!("RSS ≤{MAX_PEAK_RSS_MB} MB {}", mark(mb(m.run.peak_rss_kib) <= MAX_PEAK_RSS_MB)));
    }
    t
}

fn report(all: &[Measurement]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n{:<6} {:<12} {:>4} {:>8} {:>8} {:>9} {:>6} {:>8} {:>11} {:>7}  targets",
        "N", "scenario", "jobs", "wall s", "cpu s", "req/s", "files", "files/s", "cpu ms/file", "RSS MB"
    );
    for m in all {
        let _ = writeln!(
            s,
            "{:<6} {:<12} {:>4} {:>8.2} {:>8.2} {:>9.1} {:>6} {:>8.0} {:>11} {:>7.1}  {}",
            m.n,
            m.label,
            jobs_label(m.jobs),
            m.run.wall_s,
            m.run.cpu_s,
            m.n as f64 / m.run.wall_s,
            m.files,
            m.files as f64 / m.run.wall_s,
            if m.files == 0 { "-".to_string() } else { format!("{:.2}", m.run.cpu_s * 1000.0 / m.files as f64) },
            mb(m.run.peak_rss_kib),
            speed_targets(m).join(", ")
        );
    }

    // Memory growth from the smallest to the largest N, per scenario.
    let (n_min, n_max) = (all.iter().map(|m| m.n).min().unwrap(), all.iter().map(|m| m.n).max().unwrap());
    if n_min != n_max {
        let _ = writeln!(s, "\npeak RSS growth N={n_min} → N={n_max} (target ≤ {MAX_RSS_GROWTH}×):");
        for big in all.iter().filter(|m| m.n == n_max && m.label != SCENARIO_CHECK) {
            if let Some(small) = all.iter().find(|m| m.n == n_min && m.label == big.label && m.jobs == big.jobs) {
                let growth = big.run.peak_rss_kib as f64 / small.run.peak_rss_kib as f64;
                let _ = writeln!(
                    s,
                    "  {} (jobs {}): {:.1} MB → {:.1} MB = {growth:.2}× {}",
                    big.label,
                    jobs_label(big.jobs),
                    mb(small.run.peak_rss_kib),
                    mb(big.run.peak_rss_kib),
                    mark(growth <= MAX_RSS_GROWTH)
                );
            }
        }
    }

    // Median sizes, from the full-set run (it makes every form in both formats) and the letter
    // OFD run (beside the full set's letter PDF).
    let _ = writeln!(s, "\nmedian file size (full-set and letter OFD runs):");
    for m in all.iter().filter(|m| m.label == SCENARIO_FULL || m.label == SCENARIO_LETTER_OFD) {
        for ((form, format), sizes) in &m.sizes {
            let kb = median(sizes) as f64 / 1024.0;
            let target = match format.as_str() {
                "PDF" => format!("target ≤ {MAX_MEDIAN_PDF_KB} KB: {}", mark(kb <= MAX_MEDIAN_PDF_KB)),
                "OFD" => "no target; compare with the PDF".to_string(),
                _ => format!("target ≤ {MAX_MEDIAN_DOCX_KB} KB: {}", mark(kb <= MAX_MEDIAN_DOCX_KB)),
            };
            let _ = writeln!(s, "  N={} {form} {format}: {kb:.1} KB over {} files ({target})", m.n, sizes.len());
        }
    }

    // One line per figure, to paste into a README.
    let _ = writeln!(s, "\nfigures:");
    for m in all {
        let jobs = m.jobs.map_or(String::new(), |j| format!(" --jobs {j}"));
        if m.label == SCENARIO_CHECK {
            let _ = writeln!(s, "N={} check: {:.2} s, peak RSS {:.0} MB", m.n, m.run.wall_s, mb(m.run.peak_rss_kib));
        } else {
            // What the CPU time allows with every core busy and nothing else running.
            let cores = m.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            let _ = writeln!(
                s,
                "N={} {}{jobs}: {:.1} requests/s, {:.0} files/s, peak RSS {:.0} MB (CPU-bound ceiling on {cores} idle core(s): {:.0} requests/s)",
                m.n,
                m.label,
                m.n as f64 / m.run.wall_s,
                m.files as f64 / m.run.wall_s,
                mb(m.run.peak_rss_kib),
                m.n as f64 / m.run.cpu_s * cores as f64
            );
        }
    }
    s
}

fn main() {
    if let Ok(spec) = std::env::var(BUILD_ENV) {
        let (dir, n) = spec.rsplit_once(' ').expect("DIR N");
        let wb = build_workbook(Path::new(dir), n.parse().expect("N"));
        println!("{} {} {}", wb.requests, wb.tasks, wb.letters);
        return;
    }
    let under_cargo_bench = std::env::args().any(|a| a == "--bench");
    let ns: Vec<u32> = std::env::var("GONGWEN_BENCH_N")
        .unwrap_or_else(|_| if under_cargo_bench { DEFAULT_NS } else { SMOKE_NS }.into())
        .split(',')
        .map(|s| s.trim().parse().unwrap_or_else(|_| panic!("GONGWEN_BENCH_N: “{s}” is not a number (e.g. 200,2000)")))
        .collect();
    let repeat: usize = std::env::var("GONGWEN_BENCH_REPEAT").map_or(1, |s| {
        s.trim()
            .parse()
            .ok()
            .filter(|&r| r > 0)
            .unwrap_or_else(|| panic!("GONGWEN_BENCH_REPEAT: “{s}” is not a positive number"))
    });
    println!("gongwen throughput benchmark — {GONGWEN}");
    println!("{}", machine());
    println!("load average before: {}", load_average());
    if !under_cargo_bench {
        println!(
            "note: not run by `cargo bench`: a smoke run of a possibly unoptimised build; its figures mean nothing"
        );
    }

    let scratch = tempfile::tempdir().expect("temporary folder");
    // GONGWEN_BENCH_KEEP=DIR keeps the synthetic workbooks there (e.g. to profile a run).
    let workbook_dir =
        std::env::var_os("GONGWEN_BENCH_KEEP").map_or_else(|| scratch.path().to_path_buf(), PathBuf::from);
    std::fs::create_dir_all(&workbook_dir).expect("GONGWEN_BENCH_KEEP folder");
    let tiny = build_apart(scratch.path(), 3);
    let full_set = available_full_set(&tiny.path, scratch.path());
    println!("full set = --forms {} --format docx,pdf", full_set.join(","));
    let scenarios = [
        Scenario { label: SCENARIO_CHECK.into(), generate: None, jobs: None },
        Scenario { label: SCENARIO_LETTER_PDF.into(), generate: Some((vec!["letter"], "pdf")), jobs: None },
        Scenario { label: SCENARIO_LETTER_PDF.into(), generate: Some((vec!["letter"], "pdf")), jobs: Some(1) },
        Scenario { label: SCENARIO_LETTER_OFD.into(), generate: Some((vec!["letter"], "ofd")), jobs: None },
        Scenario { label: "letter DOCX".into(), generate: Some((vec!["letter"], "docx")), jobs: None },
        Scenario { label: SCENARIO_FULL.into(), generate: Some((full_set, "docx,pdf")), jobs: None },
    ];

    let mut all = Vec::new();
    for &n in &ns {
        let started = Instant::now();
        let wb = build_apart(&workbook_dir, n);
        eprintln!(
            "N={n}: workbook of {} requests, {} tasks, {} letters built in {:.1} s",
            wb.requests,
            wb.tasks,
            wb.letters,
            started.elapsed().as_secs_f64()
        );
        for scenario in &scenarios {
            let m = measure(&wb, scenario, scratch.path(), repeat);
            if scenario.generate.as_ref().is_some_and(|(forms, _)| forms == &["letter"]) {
                assert_eq!(m.files, wb.letters, "{}: one letter per receiving department expected", m.label);
            }
            all.push(m);
        }
    }
    print!("{}", report(&all));
    let load = load_average();
    println!("\nload average after: {load} (best of {repeat} run(s) per scenario)");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    if load.split_whitespace().next().and_then(|l| l.parse::<f64>().ok()).is_some_and(|l| l > cores / 2.0) {
        println!("note: the machine was busy (load > nproc/2): wall-clock figures are pessimistic; cpu s and the ceilings much less so");
    }
}
