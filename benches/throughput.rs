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

use chrono::{Datelike, Duration, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

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
// The synthetic workbook.

// Column headers and the pools of text the rows are made from (kept compact on purpose).
#[rustfmt::skip]
const REQ_HEADERS: [&str; 23] = [
    "编号", "发函部门", "收函部门", "发函日期", "工作名称", "工作性质", "核心目标", "计划完成日期", "预期成效",
    "协作内容", "交付标准", "完成时限", "对接人", "联系电话", "电子邮箱", "协商截止日期", "附件", "协作背景",
    "协作目标", "所需资源", "期望时间节点", "发起人", "紧急程度",
];
#[rustfmt::skip]
const TASK_HEADERS: [&str; 10] =
    ["编号", "序号", "任务名称", "承办部门", "承办人", "任务描述", "前置任务", "开始日期", "完成日期", "备注"];

#[rustfmt::skip]
const DEPTS: &[&str] = &[
    "市场营销部", "研发中心", "财务部", "人力资源部", "行政部", "采购中心", "客户服务部", "信息技术部",
    "安全环保部", "生产制造部", "设备动力部", "法务部", "质量管理部", "战略发展部", "各事业部",
];
#[rustfmt::skip]
const PEOPLE: &[&str] =
    &["王晓明", "陈静", "杨磊", "刘芳", "何丽", "郑涛", "李华", "周强", "赵敏", "孙伟", "张工", "吴琳"];
#[rustfmt::skip]
const TOPICS: &[&str] = &[
    "供应商管理", "客户服务", "预算执行", "校园招聘", "安全生产", "新产品上市", "信息系统", "档案管理",
    "质量体系", "合同管理", "办公场地", "培训体系", "数据治理", "成本控制",
];
#[rustfmt::skip]
const WORK_SUFFIXES: &[&str] = &["流程优化", "专项检查", "推进工作", "体系建设", "改造升级", "中期评估"];
const WORK_KINDS: &[&str] = &["年度重点工作", "阶段性核心任务", "日常运营重点任务"];
const URGENCIES: &[&str] = &["一般", "紧急", "特急"];
const OBJECTIVES: &[&str] = &[
    "完成现有流程的梳理与资源整合",
    "全面掌握各部门执行情况，及时发现偏差并提出调整建议",
    "排查并整改现场存在的问题",
    "统一工作标准与响应时限",
    "建立跨部门的问题升级与闭环机制",
    "形成可复制推广的工作方法",
    "补充关键岗位人员，保障业务正常开展",
];
const CONTENTS: &[&str] = &[
    "请提供近两年业务数据报表",
    "派员参加方案评审会并提出书面意见",
    "按附件模板填报本部门执行明细，并说明偏差原因",
    "组织本部门开展自查，配合检查组现场检查",
    "提供技术参数说明和核心卖点提炼材料",
    "安排熟悉业务的骨干人员全程参与",
    "按期完成整改并报送整改结果",
];
const CRITERIA: &[&str] = &[
    "数据准确完整",
    "按附件模板格式填写",
    "评审意见形成书面材料",
    "经部门负责人审核确认",
    "偏差超过10%的项目附书面说明",
    "整改措施落实到人，整改结果附照片",
];
#[rustfmt::skip]
const EFFECTS: &[&str] =
    &["流程效率提升20%", "预算执行偏差率控制在5%以内", "重大隐患整改率100%", "客户满意度提升至95%以上"];
const ANNEXES: &[&str] = &["工作方案", "任务清单", "填报模板", "日程安排", "需求说明书", "自查表"];
const BACKGROUNDS: &[&str] = &[
    "现有流程分散在多个部门，审批环节多、周期长",
    "根据公司年度管理办法开展本项工作",
    "相关系统之间信息不通、标准不一",
];
const RESOURCES: &[&str] = &["业务数据与档案资料", "技术人员2名", "测试环境一套", "各部门专员配合填报"];
#[rustfmt::skip]
const TASK_NAMES: &[&str] =
    &["需求调研", "现状梳理", "流程设计", "制度起草", "系统配置", "数据准备", "试点运行", "问题整改", "总结验收"];
const TASK_DESCRIPTIONS: &[&str] = &[
    "形成书面成果并提交对接人审核",
    "交付物须经承办部门负责人签字确认",
    "与相关部门逐项核对",
    "召开专题会议研究解决存在的问题",
];
const LONG_OBJECTIVE: &str = "对公司现有客户服务体系进行全面梳理，覆盖售前咨询、订单受理、交付实施、售后维护和客户回访五个环节，\
    统一服务标准与响应时限，建立跨部门的问题升级与闭环机制，打通客户关系管理系统、工单系统与财务结算系统之间的数据接口，\
    形成以客户为中心的一体化服务流程，并在此基础上建立季度服务质量评估与持续改进制度";
const LONG_CONTENT: &str =
    "请信息技术部牵头完成客户关系管理系统与工单系统、财务结算系统的接口改造，包括接口需求评审、数据字段映射、\
    历史数据清洗与迁移、联调测试和上线切换；同时请派出熟悉现有系统架构的技术骨干二至三名，全程参加流程设计研讨会，\
    对流程方案的技术可行性提出书面意见，并在上线后一个月内提供运行保障与问题响应支持";
const LONG_CRITERIA: &str =
    "接口文档、测试报告与上线方案齐全并经双方签字确认；数据迁移准确率达到100%；上线后系统可用性不低于99.9%，\
    重大问题4小时内响应、24小时内解决；技术意见以书面形式在每次研讨会后3个工作日内提交";

/// A deterministic pseudo-random number for (row, salt) — splitmix64, so the workbook is the
/// same on every run without an RNG crate.
fn pick(row: u32, salt: u64) -> u64 {
    let mut z = (u64::from(row) << 16 ^ salt).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn choose<'a>(pool: &[&'a str], row: u32, salt: u64) -> &'a str {
    pool[(pick(row, salt) % pool.len() as u64) as usize]
}

/// `min..=max` distinct clauses of `pool` joined with `，` (text of varied length).
fn clauses(pool: &[&str], row: u32, salt: u64, min: u64, max: u64) -> String {
    let n = (min + pick(row, salt) % (max - min + 1)) as usize;
    let start = pick(row, salt + 1) as usize;
    (0..n.min(pool.len())).map(|i| pool[(start + i) % pool.len()]).collect::<Vec<_>>().join("，")
}

/// A cell of the synthetic workbook.
enum Cell {
    Text(String),
    Date(NaiveDate),
    Number(f64),
    Blank,
}

/// Dates are written three ways, by row: as date cells, as `2026-03-05` and as `2026年3月5日`.
fn date_cell(row: u32, date: NaiveDate) -> Cell {
    match row % 3 {
        0 => Cell::Date(date),
        1 => Cell::Text(date.format("%Y-%m-%d").to_string()),
        _ => Cell::Text(format!("{}年{}月{}日", date.year(), date.month(), date.day())),
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn write_row(
    ws: &mut Worksheet,
    row: u32,
    cells: &[Cell],
    date_format: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (col, cell) in cells.iter().enumerate() {
        let col = col as u16;
        match cell {
            Cell::Text(s) if !s.is_empty() => {
                ws.write_string(row, col, s)?;
            }
            Cell::Date(d) => {
                let d = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_datetime_with_format(row, col, &d, date_format)?;
            }
            Cell::Number(n) => {
                ws.write_number(row, col, *n)?;
            }
            Cell::Text(_) | Cell::Blank => {}
        }
    }
    Ok(())
}

/// The 协作需求 row of request number `i` (1-based) and the number of receiving departments.
fn request_row(i: u32, date: NaiveDate) -> (Vec<Cell>, usize) {
    let from = choose(DEPTS, i, 1);
    let others: Vec<&str> = DEPTS.iter().copied().filter(|d| *d != from).collect();
    let first_to = choose(&others, i, 2);
    // Every fourth request goes to two departments.
    let (to, n_to) = if i % 4 == 1 {
        let second = others
            [(others.iter().position(|d| *d == first_to).unwrap() + 1 + (pick(i, 3) % 5) as usize) % others.len()];
        let sep = if i % 8 == 1 { "、" } else { "，" };
        (format!("{first_to}{sep}{second}"), 2)
    } else {
        (first_to.to_string(), 1)
    };
    // Every eighth request has long fields (its letter runs a page longer).
    let long = i % 8 == 3;
    let objective = if long { LONG_OBJECTIVE.to_string() } else { clauses(OBJECTIVES, i, 10, 1, 3) };
    let content = if long { LONG_CONTENT.to_string() } else { clauses(CONTENTS, i, 20, 1, 3) };
    let criteria = if long { LONG_CRITERIA.to_string() } else { clauses(CRITERIA, i, 30, 1, 4) };
    let optional = |salt: u64, s: String| if pick(i, salt).is_multiple_of(3) { Cell::Blank } else { text(s) };
    let annex_count = pick(i, 40) % 5;
    let annex: Vec<String> =
        (0..annex_count).map(|k| format!("{}{}", choose(TOPICS, i, 41 + k), choose(ANNEXES, i, 50 + k))).collect();
    let day = |n: i64| date + Duration::days(n);
    let phone =
        if i.is_multiple_of(5) { text(format!("010-6{i:07}")) } else { Cell::Number(13_800_000_000.0 + f64::from(i)) };
    let cells = vec![
        text(format!("协作函〔2026〕{i}号")),
        text(from),
        text(to),
        date_cell(i, date),
        text(format!(
            "{}{}{}",
            if i.is_multiple_of(2) { "2026年" } else { "" },
            choose(TOPICS, i, 4),
            choose(WORK_SUFFIXES, i, 5)
        )),
        optional(6, choose(WORK_KINDS, i, 7).to_string()),
        text(objective),
        date_cell(i + 1, day(60 + (pick(i, 8) % 90) as i64)),
        optional(9, choose(EFFECTS, i, 11).to_string()),
        text(content),
        text(criteria),
        date_cell(i + 2, day(14 + (pick(i, 12) % 30) as i64)),
        text(choose(PEOPLE, i, 13)),
        phone,
        optional(14, format!("contact{i}@example.com")),
        if i.is_multiple_of(6) { Cell::Blank } else { date_cell(i, day(7)) },
        if annex.is_empty() { Cell::Blank } else { text(annex.join("\n")) },
        optional(15, clauses(BACKGROUNDS, i, 16, 1, 2)),
        optional(17, format!("建立统一的{}工作机制", choose(TOPICS, i, 18))),
        optional(19, clauses(RESOURCES, i, 20, 1, 2)),
        optional(
            21,
            format!("{}月{}日前完成材料；{}月底前完成全部工作", day(10).month(), day(10).day(), day(45).month()),
        ),
        optional(22, choose(PEOPLE, i, 23).to_string()),
        optional(24, choose(URGENCIES, i, 25).to_string()),
    ];
    (cells, n_to)
}

/// The 任务拆分 rows of request number `i`: 3 to 7 tasks (five on average).
fn task_rows(i: u32, date: NaiveDate) -> Vec<Vec<Cell>> {
    let n = 3 + (pick(i, 60) % 5) as u32;
    let mut start = date + Duration::days(1);
    (1..=n)
        .map(|seq| {
            let row = i * 8 + seq;
            let finish = start + Duration::days(2 + (pick(row, 61) % 6) as i64);
            let depends = match seq {
                1 => Cell::Blank,
                2 => Cell::Number(1.0),
                _ if seq % 3 == 0 => text(format!("1、{}", seq - 1)),
                _ => text(format!("{}", seq - 1)),
            };
            let cells = vec![
                text(format!("协作函〔2026〕{i}号")),
                Cell::Number(f64::from(seq)),
                text(format!("{}（第{seq}项）", choose(TASK_NAMES, row, 62))),
                text(choose(DEPTS, row, 63)),
                if seq % 3 == 0 { text(choose(PEOPLE, row, 64)) } else { Cell::Blank },
                text(format!("完成第{seq}项工作内容，{}", clauses(TASK_DESCRIPTIONS, row, 65, 1, 3))),
                depends,
                if seq % 4 == 0 { Cell::Blank } else { date_cell(row, start) },
                date_cell(row + 1, finish),
                if seq % 5 == 0 { text("关键节点") } else { Cell::Blank },
            ];
            start = finish;
            cells
        })
        .collect()
}

/// A synthetic workbook on disk and what it holds.
struct Synthetic {
    path: PathBuf,
    requests: usize,
    tasks: usize,
    /// Letters it makes (one per receiving department).
    letters: usize,
}

/// Write a workbook of `n` valid requests into `dir`.
fn build_workbook(dir: &Path, n: u32) -> Synthetic {
    let mut wb = Workbook::new();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let header = Format::new().set_bold();
    let first_day = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let date_of = |i: u32| first_day + Duration::days(i64::from(i % 300));

    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    for (c, h) in REQ_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header).unwrap();
    }
    let mut letters = 0;
    for i in 1..=n {
        let (cells, n_to) = request_row(i, date_of(i));
        write_row(ws, i, &cells, &date_format).unwrap();
        letters += n_to;
    }

    let ws = wb.add_worksheet().set_name("任务拆分").unwrap();
    for (c, h) in TASK_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header).unwrap();
    }
    let mut row = 1;
    for i in 1..=n {
        for cells in task_rows(i, date_of(i)) {
            write_row(ws, row, &cells, &date_format).unwrap();
            row += 1;
        }
    }
    let path = dir.join(format!("requests-{n}.xlsx"));
    wb.save(&path).unwrap();
    Synthetic { path, requests: n as usize, tasks: row as usize - 1, letters }
}

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

/// `hit` / `MISS` for a target check.
fn mark(ok: bool) -> &'static str {
    if ok {
        "hit"
    } else {
        "MISS"
    }
}

fn machine() -> String {
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

/// `/proc/loadavg`'s 1-, 5- and 15-minute averages.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}
