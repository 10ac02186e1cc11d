//! Fuzzing, run as ordinary tests (issue 9): each target feeds generated and mutated input to
//! one part of gongwen for a bounded time and fails on a panic, a hang or a broken invariant,
//! printing the smallest failing input proptest could shrink it to.
//!
//! Targets: (a) the workbook reader on mutated sample bytes, edited zip entries and generated
//! workbooks; (b) the cell parsers; (c) the form-file parser and template language on
//! arbitrary text and on mutations of forms/*.toml (what parses is also laid out and written);
//! (d) file-name sanitising and the name book; (e) every form laid out and written (PDF and
//! .docx) with arbitrary text in every field.
//!
//! `GONGWEN_FUZZ_SECONDS` sets each target's time (default 1, so `cargo test` stays quick;
//! CI gives more); `GONGWEN_FUZZ_SEED` replays a run (each run prints its seed). Each target
//! prints how many inputs it ran to stderr, past libtest's capture. A crash found here
//! becomes a plain named test at the end of this file, with its minimal input.

mod common;

use gongwen::forms::{Form, Per};
use gongwen::output::{safe_file_name, NameBook, MAX_NAME_BYTES};
use gongwen::request::{Request, Task};
use gongwen::workbook::cells;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::fmt::Debug;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---- the harness ----

/// A case running longer than this is a hang: the input is printed and the process ends.
const HANG_SECONDS: u64 = 60;

fn fuzz_seconds() -> f64 {
    std::env::var("GONGWEN_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0)
}

fn fuzz_seed() -> u64 {
    std::env::var("GONGWEN_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    })
}

/// Where the case in hand is (a form and a step), printed with a hang.
static STAGE: Mutex<String> = Mutex::new(String::new());

fn stage(s: String) {
    *STAGE.lock().unwrap_or_else(|e| e.into_inner()) = s;
}

/// What the watchdog sees: when the current case started, and the case.
type Watched = Arc<Mutex<Option<(Instant, String)>>>;

/// A thread that ends the process when one case runs past [`HANG_SECONDS`]: a loop inside
/// gongwen must fail the run, not hang CI. (A thread cannot be killed, so the process goes.)
fn watchdog(name: &'static str, seed: u64) -> Watched {
    let watched: Watched = Arc::new(Mutex::new(None));
    let w = watched.clone();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(500));
        let guard = w.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((started, case)) = guard.as_ref() {
            if started.elapsed().as_secs() >= HANG_SECONDS {
                let shown: String = case.chars().take(4000).collect();
                let _ = writeln!(
                    std::io::stderr(),
                    "fuzz {name}: HANG — one input ran over {HANG_SECONDS} s (seed {seed}){}; input:\n{shown}",
                    // Only the targets that render set the stage.
                    if name.starts_with("layout") || name.starts_with("form") {
                        format!(" in {}", STAGE.lock().unwrap_or_else(|e| e.into_inner()))
                    } else {
                        String::new()
                    }
                );
                if let Ok(path) = std::env::var("GONGWEN_FUZZ_DUMP") {
                    let _ = std::fs::write(path, case);
                }
                std::process::exit(101);
            }
        }
    });
    watched
}

/// Run `target` on values of `strategy` for the time budget; on a failure, shrink and fail
/// with the minimal input. Prints the number of executions.
fn fuzz<S>(name: &'static str, strategy: S, target: impl Fn(&S::Value))
where
    S: Strategy,
    S::Value: Debug,
{
    let seed = fuzz_seed();
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config =
        Config { failure_persistence: None, max_shrink_iters: 4000, max_shrink_time: 60_000, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let watched = watchdog(name, seed);
    // Said first: an abort (a runaway allocation) ends the process before the summary.
    let _ = writeln!(std::io::stderr(), "fuzz {name}: starting (seed {seed})");
    let started = Instant::now();
    let budget = Duration::from_secs_f64(fuzz_seconds());
    let mut n = 0u64;
    while n == 0 || started.elapsed() < budget {
        let tree = strategy.new_tree(&mut runner).expect("generate an input");
        let result = runner.run_one(tree, |v| {
            *watched.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), format!("{v:?}")));
            target(&v);
            *watched.lock().unwrap_or_else(|e| e.into_inner()) = None;
            Ok(())
        });
        n += 1;
        if let Err(e) = result {
            *watched.lock().unwrap_or_else(|e| e.into_inner()) = None;
            let _ = writeln!(std::io::stderr(), "fuzz {name}: FAILED after {n} executions (seed {seed}): {e}");
            panic!("fuzz {name} failed (seed {seed}, GONGWEN_FUZZ_SEED={seed} replays it): {e}");
        }
    }
    let _ = writeln!(
        std::io::stderr(),
        "fuzz {name}: {n} executions in {:.1} s, nothing found (seed {seed})",
        started.elapsed().as_secs_f64()
    );
}

/// Keep a runaway allocation (a bomb the reader trusts) from taking the machine: past 4 GB
/// of address space an allocation fails and the test process ends, loudly.
fn limit_memory() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let limit = libc::rlimit { rlim_cur: 4 << 30, rlim_max: libc::RLIM_INFINITY };
        unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    });
}

// ---- hostile text ----

/// Pieces of text a user, a copy-paste or an attacker may put in a cell.
const NASTY: &[&str] = &[
    "\u{0}",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\u{b}",
    "\u{c}",
    "\u{1b}",
    "\u{7f}",
    "\u{85}",
    "\u{9f}",
    "\u{ad}",
    "\u{200b}",
    "\u{200d}",
    "\u{200e}",
    "\u{202e}",
    "\u{2028}",
    "\u{2029}",
    "\u{2066}",
    "\u{3000}",
    "\u{feff}",
    "\u{fffd}",
    "\u{fffe}",
    "\u{ffff}",
    "\u{1fffe}",
    "\u{10ffff}",
    "\u{e000}",
    "\u{f8ff}",
    "\u{e0001}",
    "\u{301}",
    "e\u{301}\u{302}\u{303}",
    "\u{1100}\u{1161}\u{11a8}",
    "👨‍👩‍👧‍👦",
    "👍🏽",
    "🇨🇳",
    "🏳️‍🌈",
    "مرحبا بالعالم",
    "שלום",
    "\u{202b}abc\u{202c}",
    "𠀀𪚥",
    "（",
    "）",
    "“",
    "”",
    "。",
    "，",
    "、",
    "；",
    "：",
    "—",
    "……",
    "《",
    "》",
    "【",
    "】",
    "{",
    "}",
    "[",
    "]",
    "\\",
    "/",
    ":",
    "*",
    "?",
    "\"",
    "<",
    ">",
    "|",
    "&",
    "'",
    ".",
    "..",
    " ",
    "CON",
    "nul",
    "COM1",
    "lpt9",
    "&amp;",
    "<w:t>",
    "]]>",
    "%PDF",
    "%%EOF",
    ")",
    "(",
    "\u{d7ff}",
    "1.5e308",
    "NaN",
    "-0",
    "=1+1",
    "@SUM(A1)",
    "~$",
    "\u{2060}",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => any::<char>().prop_map(String::from),
        3 => "[\u{4e00}-\u{9fa5}]{1,24}",
        3 => prop::sample::select(NASTY).prop_map(String::from),
        1 => ("[a-zA-Z0-9]", 1..2000usize).prop_map(|(c, n)| c.repeat(n)),
        1 => (any::<char>(), 1..600usize).prop_map(|(c, n)| c.to_string().repeat(n)),
        1 => (prop::sample::select(NASTY), 1..300usize).prop_map(|(c, n)| c.repeat(n)),
    ]
}

/// Any text: any Unicode, controls, combining marks, emoji, RTL, long unbroken runs, empty.
fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..8).prop_map(|v| v.concat())
}

// ---- (b) the cell parsers ----

fn cell_data() -> impl Strategy<Value = calamine::Data> {
    use calamine::{CellErrorType, Data, ExcelDateTime, ExcelDateTimeType};
    let texty = prop_oneof![
        hostile_text(),
        "[0-9０-９年月日号/\\-.．－— :T]{0,24}",
        "[0-9、,，;；\n \\-a-z]{0,30}",
        "[a-z0-9@＠.\\-_ ]{0,30}",
    ];
    prop_oneof![
        any::<i64>().prop_map(Data::Int),
        any::<f64>().prop_map(Data::Float),
        prop_oneof![Just(0.0), Just(60.0), Just(61.0), Just(2958465.0), Just(2958466.0), -1e6..3e6f64]
            .prop_map(Data::Float),
        texty.clone().prop_map(Data::String),
        any::<bool>().prop_map(Data::Bool),
        (any::<f64>(), any::<bool>(), any::<bool>()).prop_map(|(v, delta, is_1904)| {
            let kind = if delta { ExcelDateTimeType::TimeDelta } else { ExcelDateTimeType::DateTime };
            Data::DateTime(ExcelDateTime::new(v, kind, is_1904))
        }),
        (-1e6..3e6f64, any::<bool>()).prop_map(|(v, b)| Data::DateTime(ExcelDateTime::new(
            v,
            ExcelDateTimeType::DateTime,
            b
        ))),
        texty.clone().prop_map(Data::DateTimeIso),
        texty.prop_map(Data::DurationIso),
        prop::sample::select(vec![CellErrorType::Div0, CellErrorType::NA, CellErrorType::Value, CellErrorType::Ref])
            .prop_map(Data::Error),
        Just(Data::Empty),
    ]
}

fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

fn cell_target(data: &calamine::Data) {
    let text = cells::raw_text(data);
    if let calamine::Data::Float(f) = data {
        let shown = cells::number_text(*f);
        assert!(!f.is_finite() || !shown.contains(['e', 'E']), "{f} shown as {shown}");
    }
    let _ = cells::cell_date(data);
    let _ = cells::cell_seq(data);
    let _ = cells::cell_seq_list(data);
    if let Ok(Some(t)) = text {
        let (clean, _) = cells::clean_text(&t);
        assert!(clean.chars().all(|c| c != '\r' && (is_xml_char(c) || c == '\u{85}' || !c.is_control())), "{clean:?}");
        let _ = cells::parse_date_text(&t);
        let (depts, _) = cells::split_depts(&t);
        assert!(depts.iter().all(|d| !d.trim().is_empty()), "{depts:?}");
        let _ = cells::split_annex(&t);
        let _ = cells::parse_seq_text(&t);
        let _ = cells::email_problem(&t);
    }
}

#[test]
fn fuzz_cell_parsers() {
    fuzz("cell parsers", cell_data(), cell_target);
    fuzz("cell references", (any::<u32>(), any::<u32>()), |&(r, c)| {
        let letters = cells::column_letters(c);
        assert!(!letters.is_empty() && letters.bytes().all(|b| b.is_ascii_uppercase()), "{letters}");
        let _ = cells::cell_ref(r.min(1 << 24), c);
    });
}

// ---- (d) file names ----

fn stem() -> impl Strategy<Value = String> {
    prop_oneof![
        hostile_text(),
        ("[a-zA-Z]{0,3}", prop::sample::select(NASTY), 0..400usize).prop_map(|(a, b, n)| format!("{a}{}", b.repeat(n))),
        (1..400usize).prop_map(|n| "协".repeat(n)),
        (1..400usize, "[.  ]{0,5}").prop_map(|(n, tail)| format!("{}{tail}", "a".repeat(n))),
    ]
}

fn names_target(stems: &Vec<(String, bool)>) {
    let mut book = NameBook::default();
    let mut given = std::collections::HashSet::new();
    for (stem, pdf) in stems {
        let ext = if *pdf { "pdf" } else { "docx" };
        for name in [safe_file_name(stem, ext), book.claim(stem, ext)] {
            assert!(name.len() <= MAX_NAME_BYTES, "{} bytes: {name:?}", name.len());
            assert!(name.ends_with(&format!(".{ext}")), "{name:?}");
            assert!(!name.contains(['/', '\\', '\0']) && !name.chars().any(|c| c.is_control()), "{name:?}");
            assert!(!name.starts_with(['.', ' ']) && name != format!(".{ext}"), "{name:?}");
        }
        let claimed = book.claim(stem, ext);
        assert!(given.insert(claimed.to_lowercase()), "{claimed:?} handed out twice");
    }
}

#[test]
fn fuzz_file_names() {
    let stems = prop::collection::vec((stem(), any::<bool>()), 1..12);
    // Many documents of one request share a stem: repeat some.
    let repeated = (stem(), 1..40usize).prop_map(|(s, n)| vec![(s, true); n]);
    fuzz("file names", prop_oneof![stems, repeated], names_target);
}

// ---- (e) layout and writers ----

fn date() -> impl Strategy<Value = chrono::NaiveDate> {
    (1900i32..=2200, 1u32..=12, 1u32..=28).prop_map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap())
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(hostile_text())
}

fn request() -> impl Strategy<Value = Request> {
    let texts = prop::collection::vec(hostile_text(), 8);
    let opts = prop::collection::vec(opt_text(), 10);
    let dates = (date(), date(), date(), prop::option::of(date()));
    let lists = (prop::collection::vec(hostile_text(), 1..4), prop::collection::vec(hostile_text(), 0..4));
    (texts, opts, dates, lists).prop_map(|(t, o, (d1, d2, d3, d4), (to, annex))| Request {
        row: 2,
        id: t[0].clone(),
        from_dept: t[1].clone(),
        to_depts: to,
        date: d1,
        work_name: t[2].clone(),
        work_kind: o[0].clone(),
        objective: t[3].clone(),
        planned_finish: d2,
        expected_effect: o[1].clone(),
        collab_content: t[4].clone(),
        delivery_criteria: t[5].clone(),
        due_date: d3,
        contact: t[6].clone(),
        phone: t[7].clone(),
        email: o[2].clone(),
        consult_by: d4,
        annex,
        background: o[3].clone(),
        goal: o[4].clone(),
        resources: o[5].clone(),
        milestones: o[6].clone(),
        requester: o[7].clone(),
        urgency: o[8].clone(),
        extra: Default::default(),
        seal: None,
    })
}

fn tasks() -> impl Strategy<Value = Vec<Task>> {
    let task = (
        1u32..8,
        prop::collection::vec(hostile_text(), 2),
        prop::collection::vec(opt_text(), 3),
        prop::collection::vec(0u32..9, 0..3),
        prop::option::of(date()),
        date(),
    )
        .prop_map(|(seq, t, o, depends_on, start, finish)| Task {
            row: 2,
            request_id: String::new(),
            seq,
            name: t[0].clone(),
            owner_dept: t[1].clone(),
            owner: o[0].clone(),
            description: o[1].clone(),
            depends_on,
            start,
            finish,
            remark: o[2].clone(),
            extra: Default::default(),
        });
    prop::collection::vec(task, 0..6)
}

/// Every number the layout hands the PDF writer is finite.
fn assert_finite(laid: &gongwen::layout::Laid) {
    for (p, page) in laid.pages.iter().enumerate() {
        assert!(page.is_finite(), "page {p}: a number that is not finite");
    }
    assert!(laid.is_finite(), "seal places {:?}", laid.seals);
}

/// Every XML part of a .docx is well-formed and holds only characters XML 1.0 allows.
fn assert_docx_parses(docx: &[u8]) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("the .docx is a zip");
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().expect("entry name").to_string();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut xml = String::new();
        entry.read_to_string(&mut xml).unwrap_or_else(|e| panic!("{name}: not UTF-8: {e}"));
        if let Some(c) = xml.chars().find(|&c| !is_xml_char(c)) {
            panic!("{name}: character U+{:04X} is not allowed in XML 1.0", c as u32);
        }
        let mut reader = quick_xml::Reader::from_str(&xml);
        reader.config_mut().check_end_names = true;
        let mut depth = 0i64;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                Ok(_) => {}
                Err(e) => panic!("{name}: not well-formed at {}: {e}", reader.buffer_position()),
            }
        }
        assert_eq!(depth, 0, "{name}: unclosed elements");
    }
}

/// Build, settle, lay out and write one form for a request, checking what comes out.
fn render_form(form: &Form, req: &Request, tasks: &[Task]) {
    let refs: Vec<&Task> = tasks.iter().collect();
    let receivers = match form.per {
        _ if tasks.is_empty() && form.children.as_ref().is_some_and(|c| c.skip_empty) => vec![],
        Per::Receiver => req.to_depts.iter().take(2).cloned().collect(),
        Per::Row => vec![req.to_depts.join("、")],
    };
    for to in receivers {
        let source = gongwen::forms::Source { request: req, row: None, to_dept: &to, children: Vec::new() };
        let _ = safe_file_name(&form.file_stem(&source), "pdf");
        stage(format!("{}: build and settle", form.key));
        let doc = gongwen::layout::settle(&form.build(req, &to, &refs));
        stage(format!("{}: layout", form.key));
        let laid = gongwen::layout::layout(&doc);
        assert!(!laid.pages.is_empty(), "no page");
        assert_finite(&laid);
        stage(format!("{}: PDF", form.key));
        // A writer may refuse a document with an error (the run reports it as 未生成); what it
        // must not do is panic or write a broken file.
        if let Ok(pdf) = gongwen::pdf::write_pdf(&doc, &laid, gongwen::pdf::Standard::Plain) {
            assert!(pdf.starts_with(b"%PDF"));
        }
        stage(format!("{}: .docx", form.key));
        if let Ok(docx) = gongwen::docx::write_docx(&doc) {
            assert_docx_parses(&docx);
        }
    }
}

fn built_in_forms() -> Vec<Form> {
    gongwen::forms::load(None).expect("the built-in forms parse")
}

#[test]
fn fuzz_layout_of_any_text() {
    limit_memory();
    let forms = built_in_forms();
    fuzz("layout", (request(), tasks()), |(req, tasks)| {
        for form in &forms {
            render_form(form, req, tasks);
        }
    });
}

// ---- (c) form files and the template language ----

const FORM_FILES: [&str; 3] = [
    include_str!("../forms/letter.toml"),
    include_str!("../forms/application.toml"),
    include_str!("../forms/tasks.toml"),
];

/// Numbers worth trying wherever a form file has a number.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "20",
    "21",
    "40",
    "41",
    "225",
    "226",
    "1000",
    "1001",
    "2.5",
    "0.0001",
    "1e-300",
    "1e308",
    "nan",
    "-nan",
    "inf",
    "-inf",
    "+inf",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "0x7f",
    "1_000",
];

/// One edit to a form file, by line.
#[derive(Debug, Clone)]
enum Edit {
    /// Replace the k-th number on the line.
    Number(usize, usize, &'static str),
    DeleteLine(usize),
    DuplicateLine(usize, usize),
    /// Replace the k-th quoted string on the line.
    Text(usize, usize, String),
    Insert(usize, usize, String),
}

fn template_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[{}\\[\\]_|。！a字0-9 ]{0,40}",
        prop::collection::vec(
            prop::sample::select(vec![
                "{编号}",
                "{收函部门}",
                "{协作内容|。}",
                "{_5}",
                "{_40}",
                "{_41}",
                "[",
                "]",
                "{{",
                "}}",
                "{",
                "}",
                "{序号}",
                "{_0.5}",
                "{_nan}",
                "文字",
                "\\n",
                "（盖章）",
                "{前置任务}",
                "{附件}",
            ]),
            0..20
        )
        .prop_map(|v| v.concat()),
        hostile_text().prop_map(|s| s.replace(['"', '\\'], "")),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let line = 0..200usize;
    prop_oneof![
        4 => (line.clone(), 0..8usize, prop::sample::select(NUMBERS)).prop_map(|(l, k, n)| Edit::Number(l, k, n)),
        1 => line.clone().prop_map(Edit::DeleteLine),
        1 => (line.clone(), 1..30usize).prop_map(|(l, n)| Edit::DuplicateLine(l, n)),
        2 => (line.clone(), 0..8usize, template_text()).prop_map(|(l, k, t)| Edit::Text(l, k, t)),
        1 => (line, 0..80usize, prop_oneof![
            "[\\[\\]{}=\",#a-z0-9\n ]{0,12}".boxed(),
            Just("span = 2, rows = 3, ".to_string()).boxed(),
            Just("\n[[block]]\ntype = \"page-break\"\n".to_string()).boxed(),
            Just("\n[[block.row]]\nmin_height = 225\ncells = [{ text = \"x\", rows = 2 }]\n".to_string()).boxed(),
            Just("\nsplit = true\n".to_string()).boxed(),
            Just("\nkeep_with_previous = true\n".to_string()).boxed(),
        ]).prop_map(|(l, c, t)| Edit::Insert(l, c, t)),
    ]
}

/// Where the k-th run of digits (with sign, point, exponent) or the k-th quoted string is.
fn kth_token(line: &str, k: usize, string: bool) -> Option<std::ops::Range<usize>> {
    let mut found = Vec::new();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if string && b[i] == b'"' {
            let end = line[i + 1..].find('"').map(|e| i + 1 + e)?;
            found.push(i + 1..end);
            i = end + 1;
        } else if !string && (b[i].is_ascii_digit() || b[i] == b'-') && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_digit() || b"._eE+-".contains(&b[i])) {
                i += 1;
            }
            found.push(start..i);
        } else {
            i += 1;
        }
    }
    (!found.is_empty()).then(|| found[k % found.len()].clone())
}

fn apply(src: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = src.lines().map(String::from).collect();
    for e in edits {
        let n = lines.len().max(1);
        match e {
            Edit::Number(l, k, num) => {
                if let Some(line) = lines.get_mut(l % n) {
                    if let Some(r) = kth_token(line, *k, false) {
                        line.replace_range(r, num);
                    }
                }
            }
            Edit::DeleteLine(l) => {
                if !lines.is_empty() {
                    lines.remove(l % n);
                }
            }
            Edit::DuplicateLine(l, times) => {
                if let Some(line) = lines.get(l % n).cloned() {
                    for _ in 0..*times {
                        lines.insert(l % n, line.clone());
                    }
                }
            }
            Edit::Text(l, k, t) => {
                if let Some(line) = lines.get_mut(l % n) {
                    if let Some(r) = kth_token(line, *k, true) {
                        line.replace_range(r, t);
                    }
                }
            }
            Edit::Insert(l, c, t) => {
                if let Some(line) = lines.get_mut(l % n) {
                    let at = line.char_indices().nth(*c).map_or(line.len(), |(i, _)| i);
                    line.insert_str(at, t);
                }
            }
        }
    }
    lines.join("\n")
}

/// A sample request with every field and three tasks, for the forms that parse.
fn sample_request() -> (Request, Vec<Task>) {
    let wb = gongwen::workbook::read_workbook(&common::sample()).expect("the sample reads");
    let req = wb.requests.iter().max_by_key(|r| wb.tasks_of(&r.id).count()).unwrap().clone();
    let tasks = wb.tasks_of(&req.id).cloned().collect();
    (req, tasks)
}

fn form_target(src: &str, sample: &(Request, Vec<Task>)) {
    match Form::parse("letter", "forms/letter.toml", src) {
        Err(e) => {
            let shown = e.to_string();
            assert!(shown.starts_with("错误：forms/letter.toml:"), "{shown}");
            assert!(e.line <= src.lines().count() + 1, "line {} of {}", e.line, src.lines().count());
        }
        Ok(form) => render_form(&form, &sample.0, &sample.1),
    }
}

#[test]
fn fuzz_form_files() {
    limit_memory();
    let sample = sample_request();
    let mutated = (0..3usize, prop::collection::vec(edit(), 1..6)).prop_map(|(f, e)| apply(FORM_FILES[f], &e));
    fuzz("form files (mutated)", mutated, |src| form_target(src, &sample));
    let text = prop_oneof![hostile_text(), "\\PC{0,300}", "[\\[\\]{}=\"a-z0-9\n. ]{0,300}"];
    fuzz("form files (any text)", text, |src| form_target(src, &sample));
}

#[test]
fn fuzz_template_language() {
    fuzz("templates", (template_text(), hostile_text()), |(t, value)| {
        if let Ok(t) = gongwen::forms::template::Template::parse(t) {
            let _ = t.fields();
            let _ = t.render(&|_| value.clone());
            let _ = t.render_text(&|_| String::new());
        }
    });
}

// ---- (a) the workbook reader ----

const SAMPLE: &[u8] = include_bytes!("../samples/requests.xlsx");

#[derive(Debug, Clone)]
enum ByteOp {
    Flip(usize, u8),
    Set(usize, u8),
    Truncate(usize),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Insert(usize, Vec<u8>),
}

fn byte_op() -> impl Strategy<Value = ByteOp> {
    let at = 0..SAMPLE.len() + 16;
    prop_oneof![
        4 => (at.clone(), 1..=255u8).prop_map(|(a, b)| ByteOp::Flip(a, b)),
        2 => (at.clone(), any::<u8>()).prop_map(|(a, b)| ByteOp::Set(a, b)),
        1 => at.clone().prop_map(ByteOp::Truncate),
        1 => (at.clone(), 1..256usize).prop_map(|(a, n)| ByteOp::Delete(a, n)),
        1 => (at.clone(), 1..256usize).prop_map(|(a, n)| ByteOp::Duplicate(a, n)),
        1 => (at, prop::collection::vec(any::<u8>(), 1..16)).prop_map(|(a, v)| ByteOp::Insert(a, v)),
    ]
}

fn mutate_bytes(ops: &[ByteOp]) -> Vec<u8> {
    let mut b = SAMPLE.to_vec();
    for op in ops {
        let n = b.len().max(1);
        match op {
            ByteOp::Flip(a, x) => {
                if let Some(v) = b.get_mut(a % n) {
                    *v ^= x
                }
            }
            ByteOp::Set(a, x) => {
                if let Some(v) = b.get_mut(a % n) {
                    *v = *x
                }
            }
            ByteOp::Truncate(a) => b.truncate(a % n),
            ByteOp::Delete(a, len) => {
                let s = a % n;
                b.drain(s..(s + len).min(b.len()));
            }
            ByteOp::Duplicate(a, len) => {
                let s = a % n;
                let part = b[s.min(b.len())..(s + len).min(b.len())].to_vec();
                b.splice(s.min(b.len())..s.min(b.len()), part);
            }
            ByteOp::Insert(a, v) => {
                let s = (a % n).min(b.len());
                b.splice(s..s, v.iter().copied());
            }
        }
    }
    b
}

/// The sample's zip entries, unpacked once.
fn sample_entries() -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(SAMPLE)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut e = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            (e.name().unwrap().to_string(), data)
        })
        .collect()
}

/// XML a hostile or broken workbook may hold.
const XML_BITS: &[&str] = &[
    "A1:XFD1048576",
    "A1:ZZZZ99999999",
    "<c r=\"XFD1048576\"><v>1</v></c>",
    "<c r=\"A4294967295\" t=\"s\"><v>0</v></c>",
    " t=\"s\"><v>999999999</v>",
    "<v>1e308</v>",
    "<v>-1e308</v>",
    "<v>NaN</v>",
    "<v>inf</v>",
    " count=\"4294967295\"",
    " uniqueCount=\"2147483647\"",
    "<row r=\"1048577\">",
    "<row r=\"0\">",
    "<row r=\"-1\">",
    "</row>",
    "</sheetData>",
    "<si><t>",
    "</t></si>",
    "&#0;",
    "&#xFFFE;",
    "&amp;",
    "&",
    "<",
    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]>",
    "&a;",
    "<![CDATA[x]]>",
    "\u{0}",
    "<f>1/0</f>",
    " t=\"e\"><v>#DIV/0!</v>",
    " t=\"d\"><v>2026-13-45</v>",
    " t=\"b\"><v>2</v>",
    " s=\"999\"",
    "<mergeCell ref=\"A1:XFD1048576\"/>",
    "name=\"协作需求\"",
    "name=\"\"",
    "r:id=\"rId999\"",
    "Target=\"../../../etc/passwd\"",
    "Target=\"worksheets/sheet1.xml\"",
    "<numFmt numFmtId=\"164\" formatCode=\"yyyy\"/>",
];

#[derive(Debug, Clone)]
struct EntryEdit {
    entry: usize,
    at: usize,
    delete: usize,
    insert: String,
}

fn entry_edit() -> impl Strategy<Value = EntryEdit> {
    let insert = prop_oneof![
        3 => prop::sample::select(XML_BITS).prop_map(String::from),
        1 => hostile_text(),
        1 => "[<>/=\"a-z0-9: ]{0,12}",
    ];
    (0..64usize, 0..200_000usize, 0..64usize, insert).prop_map(|(entry, at, delete, insert)| EntryEdit {
        entry,
        at,
        delete,
        insert,
    })
}

fn rezip(entries: &[(String, Vec<u8>)], edits: &[EntryEdit], drop: Option<usize>) -> Vec<u8> {
    let mut entries = entries.to_vec();
    for e in edits {
        let count = entries.len();
        let (_, data) = &mut entries[e.entry % count];
        let at = e.at % (data.len() + 1);
        let end = (at + e.delete).min(data.len());
        data.splice(at..end, e.insert.bytes());
    }
    if let Some(d) = drop {
        entries.remove(d % entries.len());
    }
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in &entries {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A cell of a generated workbook.
#[derive(Debug, Clone)]
enum CellValue {
    Text(String),
    Number(f64),
    Date(u16, u8, u8),
    Bool(bool),
    Blank,
}

fn cell_value() -> impl Strategy<Value = CellValue> {
    prop_oneof![
        4 => hostile_text().prop_map(CellValue::Text),
        2 => "[0-9年月日/\\-、,，;；序号a-z@. ]{0,20}".prop_map(CellValue::Text),
        1 => any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(CellValue::Number),
        1 => (1900u16..=9999, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| CellValue::Date(y, m, d)),
        1 => any::<bool>().prop_map(CellValue::Bool),
        2 => Just(CellValue::Blank),
    ]
}

/// A workbook with the real sheets and headers (some headers dropped or moved) and rows of
/// arbitrary values, written by rust_xlsxwriter.
#[derive(Debug, Clone)]
struct Generated {
    requests: Vec<Vec<CellValue>>,
    tasks: Vec<Vec<CellValue>>,
    skip_header: Option<usize>,
    swap: (usize, usize),
}

fn generated() -> impl Strategy<Value = Generated> {
    use gongwen::workbook::columns::{REQUESTS, TASKS};
    let req_row = prop::collection::vec(cell_value(), REQUESTS.columns.len());
    let task_row = prop::collection::vec(cell_value(), TASKS.columns.len());
    (
        prop::collection::vec(req_row, 0..6),
        prop::collection::vec(task_row, 0..6),
        prop::option::weighted(0.2, 0..30usize),
        (0..30usize, 0..30usize),
    )
        .prop_map(|(requests, tasks, skip_header, swap)| Generated { requests, tasks, skip_header, swap })
}

fn build_workbook(g: &Generated) -> Vec<u8> {
    use gongwen::workbook::columns::{REQUESTS, TASKS};
    let mut wb = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    type Rows = Vec<Vec<CellValue>>;
    let sheets: [(&str, Vec<&str>, &Rows); 2] = [
        (REQUESTS.name, REQUESTS.columns.iter().map(|c| c.header).collect(), &g.requests),
        (TASKS.name, TASKS.columns.iter().map(|c| c.header).collect(), &g.tasks),
    ];
    for (name, mut headers, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        let n = headers.len();
        headers.swap(g.swap.0 % n, g.swap.1 % n);
        for (c, h) in headers.iter().enumerate() {
            if g.skip_header != Some(c) {
                ws.write_string(0, c as u16, *h).unwrap();
            }
        }
        for (r, row) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    CellValue::Text(s) => {
                        // Over Excel's 32 767 characters a cell cannot be written at all.
                        let s: String = s.chars().take(30_000).collect();
                        let _ = ws.write_string(r, c, s);
                    }
                    CellValue::Number(f) => {
                        let _ = ws.write_number(r, c, *f);
                    }
                    CellValue::Date(y, m, d) => {
                        let dt = rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                        let _ = ws.write_datetime_with_format(r, c, &dt, &date);
                    }
                    CellValue::Bool(b) => {
                        let _ = ws.write_boolean(r, c, *b);
                    }
                    CellValue::Blank => {}
                }
            }
        }
    }
    wb.save_to_buffer().expect("rust_xlsxwriter writes the workbook")
}

/// Read `bytes` as a workbook file: any outcome but a panic (or a hang) is fine, and what
/// it reports must carry cell references.
fn read_target(dir: &std::path::Path, bytes: &[u8]) {
    let path = dir.join(format!("fuzz-{:?}.xlsx", std::thread::current().id()));
    std::fs::write(&path, bytes).unwrap();
    let _ = gongwen::workbook::read_workbook(&path);
}

#[derive(Debug, Clone)]
enum WorkbookInput {
    Bytes(Vec<ByteOp>),
    Entries(Vec<EntryEdit>, Option<usize>),
    Generated(Generated),
}

#[test]
fn fuzz_workbook_reader() {
    limit_memory();
    let dir = tempfile::tempdir().unwrap();
    let entries = sample_entries();
    let input = prop_oneof![
        2 => prop::collection::vec(byte_op(), 1..6).prop_map(WorkbookInput::Bytes),
        3 => (prop::collection::vec(entry_edit(), 1..5), prop::option::weighted(0.1, 0..64usize))
            .prop_map(|(e, d)| WorkbookInput::Entries(e, d)),
        2 => generated().prop_map(WorkbookInput::Generated),
    ];
    fuzz("workbook reader", input, |i| {
        let bytes = match i {
            WorkbookInput::Bytes(ops) => mutate_bytes(ops),
            WorkbookInput::Entries(edits, drop) => rezip(&entries, edits, *drop),
            WorkbookInput::Generated(g) => build_workbook(g),
        };
        read_target(dir.path(), &bytes);
    });
}

// ---- crashes found by the targets, kept as plain tests ----

/// A date cell holding a number far outside Excel's dates (-1e13): calamine's conversion to a
/// time of day panicked ("TimeDelta::milliseconds out of bounds"). Found by the cell target.
#[test]
fn a_date_cell_far_outside_excels_range_reads_as_its_number() {
    use calamine::{Data, ExcelDateTime, ExcelDateTimeType};
    for v in [-1e13, -1.682307067441399e249, 1e300] {
        let cell = Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, false));
        assert_eq!(cells::raw_text(&cell), Ok(Some(cells::number_text(v))), "{v}");
        assert!(cells::cell_date(&cell).is_err(), "{v}");
    }
}

/// Run `f` on a thread and fail if it has not finished within `secs` (a hang found by a
/// target must fail its regression test, not hang the suite).
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs)).unwrap_or_else(|_| panic!("did not finish within {secs} s"))
}

/// A task row taller than a page whose 备注 is empty lines (`\r\n` typed many times): settle
/// cut it by counting glyphs, and lines without glyphs never moved on to the next part, so
/// the same row was cut for ever. Found by the layout target (the row also held long text).
#[test]
fn a_tall_row_of_empty_lines_is_cut_and_settles() {
    let (req, mut tasks) = sample_request();
    tasks.truncate(1);
    tasks[0].description = Some("字".repeat(3000));
    tasks[0].remark = Some(format!("备注{}", "\r\n".repeat(400)));
    let form = built_in_forms().into_iter().find(|f| f.key == "tasks").unwrap();
    let pages = within(60, move || {
        let refs: Vec<&Task> = tasks.iter().collect();
        let doc = gongwen::layout::settle(&form.build(&req, "", &refs));
        gongwen::layout::layout(&doc).pages.len()
    });
    assert!(pages > 1, "{pages} pages");
}
