//! The server's bounded load run (issue 11): `cargo bench --bench serve_load`.
//!
//! Starts the release `gongwen` binary as `gongwen serve --listen 127.0.0.1:0 --jobs NPROC`
//! (127.0.0.1 only, a free port), then loads it over plain HTTP in two phases:
//!
//! - **render**: 16 client threads, each with its own connection, `POST /api/render` one
//!   letter as PDF after another for 30 s (`GONGWEN_LOAD_SECONDS=S` to shorten) — the letters
//!   of the synthetic 200-request workbook of `throughput.rs` (`common/workbook.rs`), sent as
//!   values, in turn;
//! - **generate**: 4 client threads `POST /api/generate?forms=letter&formats=pdf` that workbook,
//!   3 times each or for 60 s, whichever comes first.
//!
//! Every answer must be a 200 with a PDF (a zip of the letters and the manifest); one that is
//! not fails the benchmark. It reports requests/s, latency percentiles, the server's RSS
//! (sampled from `/proc/PID/status` every 250 ms) and its CPU time, and compares the letters
//! per second over HTTP with `gongwen generate` of the same workbook on the same machine, each
//! next to its target. The server is stopped at the end (and killed if the benchmark panics),
//! so the run stops by itself. Linux only. See benches/README.md.

#[path = "common/report.rs"]
mod report;
#[path = "common/workbook.rs"]
mod workbook;

use report::{load_average, machine, mark};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::io::{BufRead, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};
use workbook::{build_workbook, Cell, Synthetic, REQ_HEADERS};

/// The release binary under test (cargo builds it for benches).
const GONGWEN: &str = env!("CARGO_BIN_EXE_gongwen");

/// The requests of the benchmark workbook (the 200 of `throughput.rs`: 250 letters).
const WORKBOOK_N: u32 = 200;
const RENDER_CLIENTS: usize = 16;
/// Seconds of the render phase when `GONGWEN_LOAD_SECONDS` is not set.
const RENDER_SECONDS: f64 = 30.0;
const GENERATE_CLIENTS: usize = 4;
const GENERATES_PER_CLIENT: usize = 3;
/// The generate phase stops handing out requests after this many seconds.
const GENERATE_MAX_SECONDS: f64 = 60.0;
/// How often the server's RSS is read.
const RSS_EVERY: Duration = Duration::from_millis(250);
/// `gongwen generate` runs for the comparison, half before the server starts and half after it
/// stopped (the load on a shared machine drifts); the median is compared.
const CLI_RUNS: usize = 4;
/// No request may take longer than this (a hung server fails the run instead of stalling it).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(120);

/// Run by `cargo test --benches` / `--all-targets` (no `--bench` argument): a smoke run that
/// only shows the benchmark still works — 5 requests, 2 render clients for 2 s, 1 generate.
const SMOKE_N: u32 = 5;
const SMOKE_RENDER_CLIENTS: usize = 2;
const SMOKE_RENDER_SECONDS: f64 = 2.0;

// Targets (issue 11).
/// Letter PDFs over HTTP at least this share of the command line's letters per second.
const MIN_HTTP_TO_CLI: f64 = 0.8;
const MAX_RENDER_P99_MS: f64 = 150.0;
/// "RSS flat over the run": the last sample at most this many times the one after warm-up.
const MAX_RSS_GROWTH: f64 = 1.2;
/// Warm-up: the first tenth of a phase.
const WARM_SHARE: f64 = 0.1;

// ---------------------------------------------------------------------------------------
// The server.

/// A running `gongwen serve`, killed when dropped (a panic included).
struct Server {
    child: Child,
    pid: u32,
    base: String,
    jobs: usize,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// `gongwen serve --listen 127.0.0.1:0 --jobs JOBS`; waits (at most 20 s) for the line
    /// naming its address, `gongwen 工作台已启动：http://127.0.0.1:PORT/（按 Ctrl-C 停止）`.
    fn start(jobs: usize) -> Server {
        let child = Command::new(GONGWEN)
            .args(["serve", "--listen", "127.0.0.1:0", "--jobs", &jobs.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {GONGWEN} serve: {e}"));
        let pid = child.id();
        let mut server = Server { child, pid, base: String::new(), jobs };
        let stdout = server.child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        // Reads every line, so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let line = rx.recv_timeout(Duration::from_secs(20)).expect("gongwen serve printed no address within 20 s");
        let prefix = "http://127.0.0.1:";
        let at = line.find(prefix).unwrap_or_else(|| panic!("not the address line: {line}"));
        let port: String = line[at + prefix.len()..].chars().take_while(char::is_ascii_digit).collect();
        let port: u16 = port.parse().unwrap_or_else(|_| panic!("no port in: {line}"));
        server.base = format!("http://127.0.0.1:{port}");
        server
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// SIGTERM, as Ctrl-C: the server finishes what is under way and exits. Whether it did
    /// within 10 s (if not, dropping it kills it).
    fn stop(mut self) -> String {
        // SAFETY: a signal to our own child, not yet reaped.
        unsafe { libc::kill(self.pid as libc::pid_t, libc::SIGTERM) };
        let asked = Instant::now();
        while asked.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return format!("stopped by SIGTERM in {:.2} s ({status})", asked.elapsed().as_secs_f64());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        "did not stop within 10 s of SIGTERM: killed".into()
    }
}

/// An HTTP client with its own connection, that answers every status (no error for 4xx/5xx).
fn agent() -> ureq::Agent {
    let config = ureq::Agent::config_builder().timeout_global(Some(CLIENT_TIMEOUT)).http_status_as_error(false).build();
    ureq::Agent::new_with_config(config)
}

/// What came back.
struct Answer {
    status: u16,
    content_type: String,
    files: Option<usize>,
    body: Vec<u8>,
}

fn post(agent: &ureq::Agent, url: &str, content_type: &str, body: &[u8]) -> Result<Answer, String> {
    let mut response =
        agent.post(url).header("content-type", content_type).send(body).map_err(|e| format!("no answer: {e}"))?;
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let content_type = header("content-type").unwrap_or_default();
    let files = header("x-gongwen-files").and_then(|v| v.parse().ok());
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_vec()
        .map_err(|e| format!("{status}, body cut short: {e}"))?;
    Ok(Answer { status, content_type, files, body })
}

/// [`post`], and how long it took (ms): from sending the request to the last byte of the answer.
fn timed_post(agent: &ureq::Agent, url: &str, content_type: &str, body: &[u8]) -> (f64, Result<Answer, String>) {
    let started = Instant::now();
    let answer = post(agent, url, content_type, body);
    (started.elapsed().as_secs_f64() * 1000.0, answer)
}

/// A failed answer, told briefly.
fn told(a: &Answer) -> String {
    let text: String = String::from_utf8_lossy(&a.body).chars().take(300).collect();
    format!("HTTP {} ({}): {text}", a.status, a.content_type)
}

/// The form key of the letter, from `GET /api/forms` (the key `--forms` and `forms=` take).
fn letter_key(server: &Server) -> String {
    let mut response = agent().get(&server.url("/api/forms")).call().expect("GET /api/forms");
    assert_eq!(response.status().as_u16(), 200, "GET /api/forms");
    let forms: Value = serde_json::from_slice(&response.body_mut().read_to_vec().expect("the forms")).expect("JSON");
    let list = forms["forms"].as_array().expect("a forms list");
    let letter = list.iter().find(|f| f["name"] == "工作联系函").expect("the 工作联系函 form in /api/forms");
    letter["key"].as_str().expect("a key").to_string()
}

// ---------------------------------------------------------------------------------------
// What the server is sent.

/// A cell of the workbook as `/api/render` takes a value: text (dates as `2026-03-05`, as a
/// person types them), a number, or nothing (left out).
fn value(cell: &Cell) -> Option<Value> {
    match cell {
        Cell::Text(s) if s.is_empty() => None,
        Cell::Text(s) => Some(Value::from(s.as_str())),
        Cell::Date(d) => Some(Value::from(d.format("%Y-%m-%d").to_string())),
        Cell::Number(n) => Some(json!(n)),
        Cell::Blank => None,
    }
}

/// One `/api/render` body per letter of the workbook of `n` requests — each request's values,
/// once per receiving department (`to`) — as JSON bytes.
fn render_bodies(n: u32, form: &str) -> Vec<Vec<u8>> {
    let to_column = REQ_HEADERS.iter().position(|h| *h == "收函部门").expect("a 收函部门 column");
    let mut bodies = Vec::new();
    for (cells, n_to) in workbook::requests(n) {
        let request: Map<String, Value> =
            REQ_HEADERS.iter().zip(&cells).filter_map(|(h, c)| Some((h.to_string(), value(c)?))).collect();
        let Cell::Text(to) = &cells[to_column] else { panic!("收函部门 is text") };
        let receivers: Vec<&str> = to.split(['、', '，']).map(str::trim).collect();
        assert_eq!(receivers.len(), n_to, "receivers of {to}");
        for dept in receivers {
            let body = json!({"form": form, "format": "pdf", "to": dept, "request": request});
            bodies.push(body.to_string().into_bytes());
        }
    }
    bodies
}

// ---------------------------------------------------------------------------------------
// Measuring the server.

/// A `/proc/PID/status` field in KiB (`VmRSS`, `VmHWM`).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..].split_whitespace().next()?.parse().ok()
}

/// CPU seconds (user + system) the process `pid` has used so far.
fn process_cpu_s(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/PID/stat");
    // Fields after the command (which may hold spaces) in its parentheses: state is field 3,
    // utime and stime fields 14 and 15.
    let after = &stat[stat.rfind(')').expect("(comm)") + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks as f64 / clock_ticks()
}

/// CPU seconds of the whole machine so far (`/proc/stat`, all cores): (busy, stolen by the
/// hypervisor). Busy is user + nice + system + irq + softirq.
fn machine_cpu_s() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/stat").expect("/proc/stat");
    let line = stat.lines().find(|l| l.starts_with("cpu ")).expect("the cpu line of /proc/stat");
    let t: Vec<u64> = line.split_whitespace().skip(1).map(|v| v.parse().unwrap_or(0)).collect();
    let tick = |v: u64| v as f64 / clock_ticks();
    // user nice system idle iowait irq softirq steal …
    (tick(t[0] + t[1] + t[2] + t[5] + t[6]), tick(t.get(7).copied().unwrap_or(0)))
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf only reads a constant.
    unsafe { libc::sysconf(libc::_SC_CLK_TCK) as f64 }
}

/// CPU seconds (user + system) of this process (`RUSAGE_SELF`) or of its waited-for children.
fn rusage_cpu_s(who: libc::c_int) -> f64 {
    // SAFETY: rusage is plain old data; getrusage fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a local.
    assert_eq!(unsafe { libc::getrusage(who, &mut usage) }, 0, "getrusage");
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The server's RSS, read every [`RSS_EVERY`] on a thread of its own until [`Sampler::end`].
struct Sampler {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Vec<(f64, u64)>>,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut samples = Vec::new();
            loop {
                let last = stopped.load(Ordering::Relaxed);
                if let Some(kib) = status_kib(pid, "VmRSS") {
                    samples.push((started.elapsed().as_secs_f64(), kib));
                }
                if last {
                    return samples;
                }
                std::thread::sleep(RSS_EVERY);
            }
        });
        Sampler { stop, thread }
    }

    /// Stop sampling (after one last sample); the samples as (seconds, KiB).
    fn end(self) -> Vec<(f64, u64)> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("the RSS sampler")
    }
}

/// The server's RSS over a phase, KiB.
struct Rss {
    start: u64,
    /// The first sample after [`WARM_SHARE`] of the phase.
    warm: u64,
    peak: u64,
    last: u64,
    /// The process's peak RSS so far (`VmHWM`), read at the end of the phase.
    hwm: u64,
    /// The largest sample in each tenth of the phase.
    tenths: Vec<u64>,
}

impl Rss {
    fn of(samples: &[(f64, u64)], hwm: u64) -> Rss {
        let total = samples.last().expect("at least one RSS sample").0;
        let warm = samples.iter().find(|(t, _)| *t >= total * WARM_SHARE).map_or(samples[0].1, |s| s.1);
        let tenths = (0..10)
            .filter_map(|k| {
                let (from, to) = (total * k as f64 / 10.0, total * (k + 1) as f64 / 10.0);
                samples.iter().filter(|(t, _)| *t >= from && (*t < to || k == 9)).map(|s| s.1).max()
            })
            .collect();
        Rss {
            start: samples[0].1,
            warm,
            peak: samples.iter().map(|s| s.1).max().unwrap(),
            last: samples.last().unwrap().1,
            hwm,
            tenths,
        }
    }

    fn flat(&self) -> bool {
        self.last as f64 <= MAX_RSS_GROWTH * self.warm as f64
    }
}

/// One phase of the load run, measured.
struct Phase {
    name: &'static str,
    clients: usize,
    /// Latency of every request, ms, sorted: from sending it to the last byte of its answer.
    latencies_ms: Vec<f64>,
    failed: usize,
    /// The first few failures, told.
    failures: Vec<String>,
    wall_s: f64,
    /// Documents (letters) per successful request.
    docs_per_request: usize,
    /// Workbook requests per successful HTTP request.
    rows_per_request: usize,
    rss: Rss,
    server_cpu_s: f64,
    client_cpu_s: f64,
    /// CPU seconds of every other process on the machine over the phase (a build beside the
    /// run shows here), and those stolen by the hypervisor.
    other_cpu_s: f64,
    steal_s: f64,
}

impl Phase {
    fn ok(&self) -> usize {
        self.latencies_ms.len() - self.failed
    }

    fn per_s(&self) -> f64 {
        self.ok() as f64 / self.wall_s
    }

    fn docs_per_s(&self) -> f64 {
        (self.ok() * self.docs_per_request) as f64 / self.wall_s
    }

    /// Nearest-rank percentile of the latencies, ms.
    fn pct(&self, p: f64) -> f64 {
        let n = self.latencies_ms.len();
        if n == 0 {
            return f64::NAN;
        }
        self.latencies_ms[((p * n as f64).ceil() as usize).clamp(1, n) - 1]
    }
}

/// What one client thread saw: latencies (ms), failures, the first few told.
type ClientResult = (Vec<f64>, usize, Vec<String>);

/// One request as a client makes it: its latency (ms) and what was wrong with a bad answer.
type Timed = (f64, Result<(), String>);

/// Run `clients` threads, each with its own connection, calling `request(agent)` until
/// `more()` says no. `request` gives the request's latency (ms: [`timed_post`]) and what was
/// wrong with a bad answer.
fn load(
    server: &Server,
    name: &'static str,
    clients: usize,
    more: &(dyn Fn() -> bool + Sync),
    request: &(dyn Fn(&ureq::Agent) -> Timed + Sync),
    docs_per_request: usize,
    rows_per_request: usize,
) -> Phase {
    let client_cpu = rusage_cpu_s(libc::RUSAGE_SELF);
    let server_cpu = process_cpu_s(server.pid);
    let machine_cpu = machine_cpu_s();
    let sampler = Sampler::start(server.pid);
    let started = Instant::now();
    let results: Vec<ClientResult> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..clients)
            .map(|_| {
                scope.spawn(|| {
                    let agent = agent();
                    let (mut latencies, mut failed, mut failures) = (Vec::new(), 0, Vec::new());
                    while more() {
                        let (latency_ms, result) = request(&agent);
                        latencies.push(latency_ms);
                        if let Err(why) = result {
                            failed += 1;
                            if failures.len() < 3 {
                                failures.push(why);
                            }
                        }
                    }
                    (latencies, failed, failures)
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().expect("a client thread")).collect()
    });
    let wall_s = started.elapsed().as_secs_f64();
    let samples = sampler.end();
    let hwm = status_kib(server.pid, "VmHWM").unwrap_or(0);
    let server_cpu_s = process_cpu_s(server.pid) - server_cpu;
    let client_cpu_s = rusage_cpu_s(libc::RUSAGE_SELF) - client_cpu;
    let (busy, steal) = machine_cpu_s();
    let mut latencies_ms: Vec<f64> = results.iter().flat_map(|r| r.0.iter().copied()).collect();
    latencies_ms.sort_by(f64::total_cmp);
    Phase {
        name,
        clients,
        latencies_ms,
        failed: results.iter().map(|r| r.1).sum(),
        failures: results.into_iter().flat_map(|r| r.2).take(5).collect(),
        wall_s,
        docs_per_request,
        rows_per_request,
        rss: Rss::of(&samples, hwm),
        server_cpu_s,
        client_cpu_s,
        other_cpu_s: (busy - machine_cpu.0 - server_cpu_s - client_cpu_s).max(0.0),
        steal_s: steal - machine_cpu.1,
    }
}

/// 16 clients render letters, in turn, for `seconds`.
fn render_phase(server: &Server, bodies: &[Vec<u8>], clients: usize, seconds: f64) -> Phase {
    let url = server.url("/api/render");
    let next = AtomicUsize::new(0);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let request = |agent: &ureq::Agent| {
        let body = &bodies[next.fetch_add(1, Ordering::Relaxed) % bodies.len()];
        let (ms, answer) = timed_post(agent, &url, "application/json", body);
        let checked = answer.and_then(|a| {
            if a.status == 200 && a.content_type == "application/pdf" && a.body.starts_with(b"%PDF") {
                Ok(())
            } else {
                Err(told(&a))
            }
        });
        (ms, checked)
    };
    load(server, "render", clients, &|| Instant::now() < deadline, &request, 1, 1)
}

/// Each of `clients` clients asks for `per_client` generations (at most
/// [`GENERATE_MAX_SECONDS`]): a zip with a PDF for each of the workbook's letters.
fn generate_phase(server: &Server, wb: &Synthetic, letter: &str, clients: usize, per_client: usize) -> Phase {
    let url = server.url(&format!("/api/generate?forms={letter}&formats=pdf"));
    let bytes = std::fs::read(&wb.path).expect("the workbook");
    let handed = AtomicUsize::new(0);
    let deadline = Instant::now() + Duration::from_secs_f64(GENERATE_MAX_SECONDS);
    let more = || Instant::now() < deadline && handed.fetch_add(1, Ordering::Relaxed) < clients * per_client;
    let xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let request = |agent: &ureq::Agent| {
        let (ms, answer) = timed_post(agent, &url, xlsx, &bytes);
        (ms, answer.and_then(|a| check_zip(&a, wb.letters)))
    };
    load(server, "generate", clients, &more, &request, wb.letters, wb.requests)
}

/// A generation's answer: a 200 zip with a PDF for each of the `letters` and the manifest,
/// `x-gongwen-files` counting them.
fn check_zip(a: &Answer, letters: usize) -> Result<(), String> {
    if a.status != 200 || a.content_type != "application/zip" {
        return Err(told(a));
    }
    // The zip's directory and each letter's first bytes (it is stored, not compressed).
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&a.body)).map_err(|e| format!("not a zip: {e}"))?;
    let (mut pdfs, mut manifest) = (0, false);
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(|e| format!("zip entry {i}: {e}"))?;
        let name = file.name().map_err(|e| format!("zip entry {i}: {e}"))?.into_owned();
        if name == "manifest.csv" {
            manifest = true;
        } else if name.ends_with(".pdf") {
            let mut head = [0u8; 4];
            file.read_exact(&mut head).map_err(|e| format!("{name}: {e}"))?;
            if &head != b"%PDF" {
                return Err(format!("{name} is not a PDF"));
            }
            pdfs += 1;
        }
    }
    if pdfs != letters || !manifest || a.files != Some(zip.len()) {
        return Err(format!(
            "the zip holds {pdfs} PDFs of {letters} letters, manifest {manifest}, {} files (x-gongwen-files {:?})",
            zip.len(),
            a.files
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The command line, for comparison.

/// One `gongwen generate --forms letter --format pdf` (default jobs) of the workbook.
struct CliRun {
    wall_s: f64,
    cpu_s: f64,
}

fn cli_run(wb: &Synthetic, letter: &str, scratch: &Path) -> CliRun {
    let out = scratch.join("cli-out");
    let _ = std::fs::remove_dir_all(&out);
    let cpu = rusage_cpu_s(libc::RUSAGE_CHILDREN);
    let started = Instant::now();
    let o = Command::new(GONGWEN)
        .args(["generate", "--forms", letter, "--format", "pdf", "-o"])
        .arg(&out)
        .arg(&wb.path)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot start {GONGWEN}: {e}"));
    let wall_s = started.elapsed().as_secs_f64();
    let cpu_s = rusage_cpu_s(libc::RUSAGE_CHILDREN) - cpu;
    assert!(o.status.success(), "gongwen generate failed:\n{}", String::from_utf8_lossy(&o.stderr));
    let pdfs = std::fs::read_dir(&out)
        .expect("the output folder")
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".pdf")))
        .count();
    assert_eq!(pdfs, wb.letters, "gongwen generate: one letter per receiving department expected");
    let _ = std::fs::remove_dir_all(&out);
    CliRun { wall_s, cpu_s }
}

// ---------------------------------------------------------------------------------------
// Reporting.

fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn report(phases: &[&Phase], cli_letters_per_s: f64) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n{:<9} {:>7} {:>8} {:>6} {:>7} {:>8} {:>9} {:>7} {:>7} {:>7} {:>7} {:>13} {:>8}  targets",
        "phase",
        "clients",
        "requests",
        "failed",
        "wall s",
        "req/s",
        "letters/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "srv cpu ms/lt",
        "client s"
    );
    for p in phases {
        let targets = if p.name == "render" {
            let ratio = p.docs_per_s() / cli_letters_per_s;
            format!(
                "≥{:.0} % of CLI {}, p99 <{MAX_RENDER_P99_MS} ms {}",
                MIN_HTTP_TO_CLI * 100.0,
                mark(ratio >= MIN_HTTP_TO_CLI),
                mark(p.pct(0.99) < MAX_RENDER_P99_MS)
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "{:<9} {:>7} {:>8} {:>6} {:>7.2} {:>8.2} {:>9.1} {:>7.1} {:>7.1} {:>7.1} {:>7.1} {:>13.2} {:>8.2}  {targets}",
            p.name,
            p.clients,
            p.latencies_ms.len(),
            p.failed,
            p.wall_s,
            p.per_s(),
            p.docs_per_s(),
            p.pct(0.5),
            p.pct(0.9),
            p.pct(0.99),
            p.pct(1.0),
            p.server_cpu_s * 1000.0 / (p.ok() * p.docs_per_request).max(1) as f64,
            p.client_cpu_s,
        );
    }
    let _ = writeln!(
        s,
        "\n{:<9} {:>8} {:>9} {:>8} {:>8} {:>8}  flat (last ≤ {MAX_RSS_GROWTH} × after warm-up)",
        "RSS MB", "start", "after 10%", "peak", "last", "VmHWM"
    );
    for p in phases {
        let r = &p.rss;
        let _ = writeln!(
            s,
            "{:<9} {:>8.1} {:>9.1} {:>8.1} {:>8.1} {:>8.1}  {:.2}× {}",
            p.name,
            mb(r.start),
            mb(r.warm),
            mb(r.peak),
            mb(r.last),
            mb(r.hwm),
            r.last as f64 / r.warm as f64,
            mark(r.flat())
        );
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for p in phases {
        let _ = writeln!(
            s,
            "  {} CPU, cores busy on average (of {cores}): server {:.2}, clients {:.2}, other processes {:.2}, stolen {:.2}",
            p.name,
            p.server_cpu_s / p.wall_s,
            p.client_cpu_s / p.wall_s,
            p.other_cpu_s / p.wall_s,
            p.steal_s / p.wall_s
        );
    }
    for p in phases {
        let tenths: Vec<String> = p.rss.tenths.iter().map(|&k| format!("{:.1}", mb(k))).collect();
        let _ = writeln!(s, "  {} RSS MB, largest in each tenth of the phase: {}", p.name, tenths.join(" "));
    }
    s
}

/// One line per figure, to paste into a README.
fn figures(render: &Phase, generate: &Phase, cli: &[CliRun], letters: usize, jobs: usize) -> String {
    let cli_letters_per_s = letters as f64 / cli_median_wall(cli);
    let mut s = String::new();
    let ratio = render.docs_per_s() / cli_letters_per_s;
    let _ = writeln!(s, "\nfigures:");
    let _ = writeln!(
        s,
        "render (--jobs {jobs}, {} clients, {:.0} s): {:.1} letter PDFs/s, p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms (target < {MAX_RENDER_P99_MS} ms: {}), max {:.1} ms, {} requests, {} failed",
        render.clients,
        render.wall_s,
        render.per_s(),
        render.pct(0.5),
        render.pct(0.9),
        render.pct(0.99),
        mark(render.pct(0.99) < MAX_RENDER_P99_MS),
        render.pct(1.0),
        render.latencies_ms.len(),
        render.failed
    );
    let _ = writeln!(
        s,
        "generate ({} clients, {} requests of {} rows): {:.2} requests/s = {:.1} workbook rows/s, {:.1} letters/s, p50 {:.0} ms, p99 {:.0} ms, {} failed",
        generate.clients,
        generate.latencies_ms.len(),
        generate.rows_per_request,
        generate.per_s(),
        generate.per_s() * generate.rows_per_request as f64,
        generate.docs_per_s(),
        generate.pct(0.5),
        generate.pct(0.99),
        generate.failed
    );
    for p in [render, generate] {
        let r = &p.rss;
        let _ = writeln!(
            s,
            "{} RSS: start {:.1} MB, after warm-up {:.1} MB, peak {:.1} MB, last {:.1} MB, VmHWM {:.1} MB — flat (last ≤ {MAX_RSS_GROWTH}× after warm-up): {:.2}× {}",
            p.name,
            mb(r.start),
            mb(r.warm),
            mb(r.peak),
            mb(r.last),
            mb(r.hwm),
            r.last as f64 / r.warm as f64,
            mark(r.flat())
        );
    }
    let walls: Vec<String> = cli.iter().map(|r| format!("{:.2}", r.wall_s)).collect();
    let cpu_ms = median(cli.iter().map(|r| r.cpu_s).collect()) * 1000.0 / letters as f64;
    let _ = writeln!(
        s,
        "CLI (gongwen generate --forms letter --format pdf, default jobs, {letters} letters): {cli_letters_per_s:.1} letters/s (median of {} s, before and after the server), {cpu_ms:.2} cpu ms/letter",
        walls.join(" / ")
    );
    let _ = writeln!(
        s,
        "letter PDFs over HTTP / CLI: {:.1} / {cli_letters_per_s:.1} = {:.0} % (target ≥ {:.0} %: {})",
        render.docs_per_s(),
        ratio * 100.0,
        MIN_HTTP_TO_CLI * 100.0,
        mark(ratio >= MIN_HTTP_TO_CLI)
    );
    s
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n.is_multiple_of(2) {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    } else {
        v[n / 2]
    }
}

fn cli_median_wall(cli: &[CliRun]) -> f64 {
    median(cli.iter().map(|r| r.wall_s).collect())
}

fn main() {
    let under_cargo_bench = std::env::args().any(|a| a == "--bench");
    let (n, render_clients, generate_clients, per_client, cli_runs) = if under_cargo_bench {
        (WORKBOOK_N, RENDER_CLIENTS, GENERATE_CLIENTS, GENERATES_PER_CLIENT, CLI_RUNS)
    } else {
        (SMOKE_N, SMOKE_RENDER_CLIENTS, 1, 1, 1)
    };
    let seconds = match std::env::var("GONGWEN_LOAD_SECONDS") {
        Ok(s) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|&s| s > 0.0 && s <= 3600.0)
            .unwrap_or_else(|| panic!("GONGWEN_LOAD_SECONDS: “{s}” is not a number of seconds (e.g. 10)")),
        Err(_) if under_cargo_bench => RENDER_SECONDS,
        Err(_) => SMOKE_RENDER_SECONDS,
    };
    // One job per core, as `gongwen serve` does by default: a render is CPU-bound, so more
    // jobs than cores only share the same cores. 16 clients then queue for the jobs, each for
    // far less than `--wait` (10 s), so none is turned away (503).
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());

    println!("gongwen server load run — {GONGWEN}");
    println!("{}", machine());
    let load_before = load_average();
    println!("load average before: {load_before}");
    if !under_cargo_bench {
        println!(
            "note: not run by `cargo bench`: a smoke run of a possibly unoptimised build; its figures mean nothing"
        );
    }

    let scratch = tempfile::tempdir().expect("temporary folder");
    let wb = build_workbook(scratch.path(), n);
    println!("workbook: {} requests, {} tasks, {} letters", wb.requests, wb.tasks, wb.letters);

    // The command line alone on the machine, before the server starts (and after it stopped).
    eprintln!("gongwen generate --forms letter --format pdf ×{} …", cli_runs.div_ceil(2));
    let mut cli: Vec<CliRun> = (0..cli_runs.div_ceil(2)).map(|_| cli_run(&wb, "letter", scratch.path())).collect();

    let server = Server::start(jobs);
    println!(
        "server: gongwen serve --listen 127.0.0.1:0 --jobs {} → {} (pid {})",
        server.jobs, server.base, server.pid
    );
    let letter = letter_key(&server);
    let bodies = render_bodies(n, &letter);
    assert_eq!(bodies.len(), wb.letters, "one render body per letter");

    eprintln!("render: {render_clients} clients for {seconds} s …");
    let render = render_phase(&server, &bodies, render_clients, seconds);
    eprintln!("generate: {generate_clients} clients × {per_client} …");
    let generate = generate_phase(&server, &wb, &letter, generate_clients, per_client);
    let stopped = server.stop();
    eprintln!("gongwen generate --forms letter --format pdf ×{} …", cli_runs / 2);
    cli.extend((0..cli_runs / 2).map(|_| cli_run(&wb, "letter", scratch.path())));
    let cli_letters_per_s = wb.letters as f64 / cli_median_wall(&cli);

    print!("{}", report(&[&render, &generate], cli_letters_per_s));
    print!("{}", figures(&render, &generate, &cli, wb.letters, jobs));
    println!("server: {stopped}");
    // The run itself keeps the cores busy (the server's jobs and the clients): the load after
    // it says little of what else ran; the load before does.
    println!("\nload average after: {} (the run's own server and clients included)", load_average());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    if load_before.split_whitespace().next().and_then(|l| l.parse::<f64>().ok()).is_some_and(|l| l > cores / 2.0) {
        println!(
            "note: the machine was busy before the run (load > nproc/2): requests/s and latencies may be pessimistic"
        );
    }

    let mut failed = false;
    for p in [&render, &generate] {
        if p.failed > 0 || p.ok() == 0 {
            failed = true;
            eprintln!("{}: {} of {} requests failed; first failures:", p.name, p.failed, p.latencies_ms.len());
            for f in &p.failures {
                eprintln!("  {f}");
            }
        }
    }
    assert!(!failed, "requests failed (see above): the load run does not count");
}
