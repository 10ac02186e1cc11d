//! The `gongwen` command line — `generate`, `check`, `template`, `forms export`, `preview` (src/preview.rs) — its exit
//! statuses, progress bar and the messages users read: in Chinese, each problem a line starting
//! with 错误： or 警告：. `check`'s report (problems and summary) goes to stdout so it can be
//! saved; everything else to stderr. Lines that are not problems: the summaries `检查通过：…`,
//! `发现 N 个错误…`, `完成：…`, and `已写出 …` / `修改后运行：…` after `template` / `forms export`.
//!
//! Exit status: 0 every row produced; 1 some rows had problems (good rows still produced;
//! with `--strict` nothing is written); 2 cannot run (unreadable file, missing sheet or
//! column, bad arguments, bad form file).

// Every message goes through these instead of std's: std's panic when the stream is gone (a
// pipe into `head` that closed, a closed stderr; SIGPIPE is ignored by Rust programs, so the
// write fails with EPIPE). A message nobody can read must not stop the run: the files and the
// manifest are still made.
macro_rules! eprintln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
#[allow(unused_macros)]
macro_rules! println {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

mod cli;
mod preview;

use cli::{Command, FormsAction};
use gongwen::generate::{self, Progress};
use gongwen::oserror::{reason, reason_writing};
use gongwen::output::OutDir;
use gongwen::workbook::{self, Workbook};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// A progress bar on stderr with rate and ETA, shown only when stderr is a terminal.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new() -> Bar {
        Bar(std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::hidden();
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} 份  {rate}  剩余 {eta}")
                    .expect("valid template")
                    .with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0} 份/秒", state.per_sec());
                    }),
            );
            bar
        }))
    }
    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn start(&self, documents: usize) {
        if let Some(b) = &self.0 {
            b.set_length(documents as u64);
            b.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }
    fn done(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }
}

/// `--seal 部门=FILE.png`: give each sending department without a seal in its 印章 cell
/// this image, and print every seal at `size` mm. A file that cannot be used is a warning and
/// only that seal is skipped; a malformed option cannot run.
fn apply_seals(wb: &mut Workbook, options: &[String], size: f32) -> Result<(), String> {
    let mut loader = workbook::seal::SealLoader::new(Path::new("."), size);
    let mut by_dept = std::collections::HashMap::new();
    for opt in options {
        let Some((dept, file)) = opt.split_once('=').filter(|(d, f)| !d.trim().is_empty() && !f.trim().is_empty())
        else {
            return Err(format!("--seal “{opt}”：应写作 发函部门=印章图片.png"));
        };
        match loader.from_path(Path::new(file.trim())) {
            Ok(image) => {
                by_dept.insert(dept.trim().to_string(), image);
            }
            Err(message) => eprintln!("警告：--seal {opt}：{message}，该部门不加盖电子印章"),
        }
    }
    // A seal for a department that sends nothing in this run would silently do nothing, and a
    // clerk would print unsealed letters thinking them sealed: say so, with the right names.
    let senders = &wb.senders;
    let mut unused: Vec<&String> = by_dept.keys().filter(|d| !senders.contains(d)).collect();
    unused.sort();
    for dept in unused {
        let list = if senders.is_empty() { "无".to_string() } else { senders.join("、") };
        eprintln!("警告：--seal {dept}：本次没有“{dept}”发出的联系函，此印章未使用（本次发函的部门：{list}）");
    }
    wb.seal_rule = Some(std::sync::Arc::new(workbook::SealRule { by_dept, width_mm: size }));
    Ok(())
}

/// `gongwen forms export DIR`: the built-in form files, for editing.
fn export_forms(dir: &Path, force: bool) -> ExitCode {
    if let Err(e) = std::fs::create_dir_all(dir) {
        return cannot_run(format!("无法创建文件夹 {}：{}", dir.display(), reason(&e)));
    }
    for (_, file, text) in gongwen::forms::BUILT_IN {
        let path = dir.join(file);
        if path.exists() && !force {
            return cannot_run(format!("{} 已存在；要覆盖请加 --force", path.display()));
        }
        if let Err(e) = std::fs::write(&path, text) {
            return cannot_run(format!("无法写入 {}：{}", path.display(), reason_writing(&e)));
        }
        eprintln!("已写出 {}", path.display());
    }
    eprintln!("修改后运行：gongwen generate 工作簿.xlsx --forms-dir {}", dir.display());
    ExitCode::SUCCESS
}

/// `gongwen serve`: runs until Ctrl-C; exit 2 when it cannot start (a bad option, the address
/// taken, off loopback without --token).
fn serve(
    listen: String,
    token: Option<String>,
    max_upload: &str,
    jobs: Option<usize>,
    timeout: u64,
    wait: u64,
    open: bool,
) -> ExitCode {
    let max_upload = match gongwen::serve::parse_size(max_upload) {
        Ok(n) => n,
        Err(msg) => return cannot_run(msg),
    };
    if timeout == 0 {
        return cannot_run("--timeout 0：时限应至少 1 秒，如 --timeout 300");
    }
    let options = gongwen::serve::Options {
        listen,
        token,
        max_upload,
        jobs: generate::thread_count(jobs),
        wait: std::time::Duration::from_secs(wait),
        timeout: std::time::Duration::from_secs(timeout),
        open,
    };
    match gongwen::serve::run(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => cannot_run(msg),
    }
}

fn cannot_run(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(2)
}

/// Where the workbook's problems are listed: `check`'s report goes to stdout, so it can be
/// saved (`gongwen check x.xlsx > 报告.txt`); `generate` keeps stdout free and uses stderr.
#[derive(Clone, Copy, PartialEq)]
enum Report {
    Stdout,
    Stderr,
}

impl Report {
    /// One line. A closed pipe (`gongwen check x.xlsx | head`) is not an error of the
    /// workbook: the rest of the report is dropped quietly rather than panicking in `println!`.
    /// Any other failure (a full disk under `> 报告.txt`) is remembered for [`Report::lost`].
    fn line(self, text: impl std::fmt::Display) {
        use std::io::Write;
        let written = match self {
            Report::Stdout => writeln!(std::io::stdout().lock(), "{text}"),
            Report::Stderr => writeln!(std::io::stderr().lock(), "{text}"),
        };
        if let Err(e) = written {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                let _ = REPORT_LOST.set(gongwen::oserror::reason_writing(&e));
            }
        }
    }

    /// Why the report could not be written in full, if it could not (the first failure).
    fn lost(self) -> Option<&'static str> {
        use std::io::Write;
        if let Err(e) = std::io::stdout().flush() {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                let _ = REPORT_LOST.set(gongwen::oserror::reason_writing(&e));
            }
        }
        REPORT_LOST.get().map(String::as_str)
    }
}

/// The first failure to write the report (not a closed pipe), see [`Report::line`].
static REPORT_LOST: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Read the workbook and list every problem, one per line. `Err` = cannot run (exit 2); why
/// is on stderr whatever `report` says, so a saved report never hides that nothing was checked.
fn read(path: &Path, report: Report) -> Result<Workbook, ExitCode> {
    read_with(path, &[], workbook::Glyphs::StandIn, report)
}

/// [`read`], with the sheets the forms in use declare, characters no font has as `glyphs` says.
fn read_with(
    path: &Path,
    forms: &[gongwen::forms::Form],
    glyphs: workbook::Glyphs,
    report: Report,
) -> Result<Workbook, ExitCode> {
    let wb = read_quietly(path, forms, glyphs)?;
    print_problems(&wb.problems, report);
    if let Some(line) = wb.unlisted_line() {
        report.line(line);
    }
    Ok(wb)
}

/// Read the workbook without listing its problems.
fn read_quietly(path: &Path, forms: &[gongwen::forms::Form], glyphs: workbook::Glyphs) -> Result<Workbook, ExitCode> {
    let sheets: Vec<_> = forms.iter().flat_map(|f| f.sheets.iter().copied()).collect();
    // Only which rows are valid is kept: generation reads them again a few at a time.
    let how = workbook::Reading { keep: workbook::Keep::Index, glyphs };
    workbook::read_workbook_with(path, &sheets, how).map_err(cannot_run)
}

fn print_problems<'a>(problems: impl IntoIterator<Item = &'a workbook::Problem>, report: Report) {
    for p in problems {
        report.line(p);
    }
}

/// `--rows` / `--id`: keep only the chosen requests. Their problems (and those of other sheets
/// and whole sheets) are listed; the other rows' are counted in one line. `Err` when something
/// chosen is not there (nothing is written). Returns the errors that count for this run.
fn choose(wb: &mut Workbook, rows: Option<&str>, ids: &[String]) -> Result<usize, ExitCode> {
    let rows = match rows.map(|t| workbook::rows_chosen(t).map_err(|e| format!("--rows “{t}”：{e}"))).transpose() {
        Ok(r) => r.unwrap_or_default(),
        Err(msg) => return Err(cannot_run(msg)),
    };
    let missing = wb.choose(&rows, ids);
    if !missing.is_empty() {
        for m in &missing {
            eprintln!("错误：{m}");
        }
        return Err(ExitCode::from(2));
    }
    let chosen_rows: Vec<u32> =
        wb.valid.iter().map(|(row0, _)| row0 + 1).chain(wb.rejected.iter().map(|r| r.row)).collect();
    let (shown, other): (Vec<&workbook::Problem>, Vec<&workbook::Problem>) = wb
        .problems
        .iter()
        .partition(|p| p.sheet != wb.request_sheet || p.row().is_none_or(|row| chosen_rows.contains(&row)));
    print_problems(shown.iter().copied(), Report::Stderr);
    if let Some(line) = wb.unlisted_line() {
        Report::Stderr.line(line);
    }
    if !other.is_empty() {
        eprintln!("（另有 {} 个问题在未选中的行中，本次不生成这些行；gongwen check 可查看全部）", other.len());
    }
    for r in &wb.rejected {
        let id = r.id.as_deref().map(|id| format!("（{id}）")).unwrap_or_default();
        eprintln!("错误：所选的第 {} 行{id}有错误，未生成：{}", r.row, r.reasons.join("；"));
    }
    Ok(shown.iter().filter(|p| p.is_error()).count())
}

fn errors(wb: &Workbook) -> usize {
    wb.error_count()
}

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(c) => c,
        Err(cli::Exit::Show(text)) => {
            print!("{text}");
            return ExitCode::SUCCESS;
        }
        Err(cli::Exit::Usage(line)) => {
            eprintln!("{line}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Forms { action: FormsAction::Export { dir, force } } => export_forms(&dir, force),
        // ---- preview (src/preview.rs) ----
        Command::Preview { workbook, form, id, row, to, page, dpi, out, forms_dir, seals } => {
            preview::run(preview::Args { workbook, form, id, row, to, page, dpi, out, forms_dir, seals })
        }
        // ---- end preview ----
        Command::Serve { listen, token, max_upload, jobs, timeout, wait, open } => {
            serve(listen, token, &max_upload, jobs, timeout, wait, open)
        }
        Command::Template { out } => match workbook::template::write_template(&out) {
            Ok(()) => {
                eprintln!("已写出 {}：填好后运行 gongwen check {0} 检查，再 gongwen generate {0}", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => cannot_run(e),
        },
        Command::Check { workbook } => {
            let wb = match read(&workbook, Report::Stdout) {
                Ok(wb) => wb,
                Err(code) => return code,
            };
            Report::Stdout.line(wb.summary());
            let code = if errors(&wb) == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) };
            // A report cut short (a full disk under `> 报告.txt`) must not pass for a whole one.
            match Report::Stdout.lost() {
                Some(reason) => cannot_run(format!(
                    "检查报告未能完整写出：{reason}；请把报告保存到别的位置后重新运行 gongwen check"
                )),
                None => code,
            }
        }
        Command::Generate {
            workbook,
            out,
            forms,
            format,
            jobs,
            strict,
            forms_dir,
            bundle,
            seals,
            seal_size,
            no_embed_fonts,
            clean,
            rows,
            ids,
            packet,
            pdf_standard,
        } => {
            let started = Instant::now();
            let formats = match cli::chosen_formats(&format) {
                Ok(f) => f,
                Err(msg) => return cannot_run(msg),
            };
            let pdf_standard = match cli::chosen_standard(pdf_standard.as_deref()) {
                Ok(s) => s,
                Err(msg) => return cannot_run(msg),
            };
            let all_forms = match gongwen::forms::load(forms_dir.as_deref()) {
                Ok(f) => f,
                Err(errs) => {
                    for e in &errs {
                        eprintln!("{e}");
                    }
                    return ExitCode::from(2);
                }
            };
            let keys = match forms.is_empty() {
                true => None,
                false => match cli::chosen_forms(&forms, &all_forms) {
                    Ok(k) => Some(k),
                    Err(msg) => return cannot_run(msg),
                },
            };
            if !(10.0..=80.0).contains(&seal_size) {
                return cannot_run(format!("--seal-size {seal_size}：印章直径应在 10–80 毫米之间"));
            }
            let chosen: Vec<_> = match &keys {
                Some(keys) => all_forms.into_iter().filter(|f| keys.contains(&f.key)).collect(),
                None => all_forms,
            };
            let selecting = rows.is_some() || !ids.is_empty();
            let writing = generate::Writing {
                docx: gongwen::docx::DocxOptions { embed_fonts: !no_embed_fonts },
                pdf: pdf_standard,
            };
            let glyphs = writing.glyphs(&formats);
            let read = if selecting {
                read_quietly(&workbook, &chosen, glyphs)
            } else {
                read_with(&workbook, &chosen, glyphs, Report::Stderr)
            };
            let mut wb = match read {
                Ok(wb) => wb,
                Err(code) => return code,
            };
            let workbook_errors = match selecting {
                true => match choose(&mut wb, rows.as_deref(), &ids) {
                    Ok(n) => n,
                    Err(code) => return code,
                },
                false => errors(&wb),
            };
            // The forms the workbook can make (forms::choice, the rule `serve` applies too).
            let choice = gongwen::forms::choice::for_workbook(chosen, keys.is_some(), &wb);
            for line in &choice.said {
                eprintln!("{line}");
            }
            // A form printing a column neither declared nor in the workbook stops the run, as a
            // broken form file does: nothing is written.
            if !choice.missing.is_empty() {
                for e in &choice.missing {
                    eprintln!("{e}");
                }
                return ExitCode::from(2);
            }
            let (chosen, missing_sheets) = (choice.forms, choice.errors);
            if let Err(msg) = apply_seals(&mut wb, &seals, seal_size) {
                return cannot_run(msg);
            }
            let n_err = workbook_errors + missing_sheets;
            if strict && n_err > 0 {
                eprintln!("发现 {n_err} 个错误；因使用 --strict，未写任何文件");
                return ExitCode::from(1);
            }
            // From here on Ctrl-C lets the files being written finish and leaves a true manifest.
            let stop = generate::Stop::on_signals();
            let folder = out;
            let out = match OutDir::open(&folder) {
                Ok(o) => o,
                Err(e) => return cannot_run(e),
            };
            for notice in out.notices() {
                eprintln!("{notice}");
            }
            let threads = generate::thread_count(jobs);
            if jobs.is_some_and(|j| j != threads) {
                eprintln!(
                    "警告：--jobs {} 超出范围，按 {threads} 个线程运行（1–{}）",
                    jobs.unwrap_or(0),
                    generate::MAX_JOBS
                );
            }
            let bar = Bar::new();
            let options =
                generate::Options { formats: &formats, jobs: threads, bundle, packet, writing, clean, stop: &stop };
            let report = generate::run(&wb, &chosen, &out, &options, &bar);
            bar.finish();
            let report = match report {
                Ok(r) => r,
                Err(e) => return cannot_run(e),
            };
            for notice in report.notices(&folder) {
                eprintln!("{notice}");
            }
            if report.interrupted {
                return ExitCode::from(130);
            }
            let made: Vec<String> = report
                .counts
                .iter()
                .map(|(form, fmt, n)| format!("{form} {} {n} 份", fmt.ext().to_uppercase()))
                .collect();
            let skipped = if wb.rejected.is_empty() {
                String::new()
            } else {
                format!("；跳过 {} 行（{n_err} 个错误）", wb.rejected.len())
            };
            eprintln!(
                "完成：{}{skipped}；用时 {:.1} 秒；清单：{}",
                if made.is_empty() { "未生成文件".to_string() } else { made.join("，") },
                started.elapsed().as_secs_f64(),
                report.manifest.display()
            );
            if n_err > 0 || !report.failed.is_empty() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
