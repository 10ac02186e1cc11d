//! Hostile input files: workbooks whose claims would make a reader allocate gigabytes (built
//! here as a few KB of bytes), files that are not files (FIFOs, devices, folders, links out of
//! the workbook's folder), the files users give by mistake (a lock file, a CSV, an empty file),
//! and oversized seal images. Every case runs the real binary under a kill timeout and must
//! end with its exit code and a Chinese message naming the file or cell; on Linux the child's
//! peak memory (getrusage via wait4) must stay under the bound documented in
//! src/workbook/mod.rs.
//!
//! `GONGWEN_HOSTILE_DUMP=DIR cargo test --release --test hostile_input` also writes every
//! built workbook to DIR, to measure them by hand (`/usr/bin/time -v gongwen check FILE`).

mod common;
use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The documented bound on `check`'s peak memory (src/workbook/mod.rs): 1 GB.
const PEAK_BOUND_KB: u64 = 1024 * 1024;
/// Kill a run after this long: every case here ends in well under a second or two.
const KILL_AFTER: Duration = Duration::from_secs(60);

struct Run {
    code: Option<i32>,
    /// What it printed, stdout and stderr together as on a terminal (`check`'s report is on
    /// stdout, a fatal error on stderr).
    err: String,
    /// Peak resident memory of the child, KB (Linux only).
    peak_kb: Option<u64>,
}

/// The environment variables that make this test binary a helper (see [`run_in`]).
const HELPER_ARGS: &str = "GONGWEN_HOSTILE_ARGS";
const HELPER_CWD: &str = "GONGWEN_HOSTILE_CWD";
const HELPER_ERR: &str = "GONGWEN_HOSTILE_ERR";

/// Run gongwen with `args` in `cwd`, killing it after [`KILL_AFTER`] (the test then fails).
///
/// It is started by a fresh copy of this test binary (running only
/// [`helper_runs_one_command`]), not by this process: Linux counts a parent's resident
/// memory at fork in the child's peak (it keeps the larger across exec), and this process
/// holds the bombs it built and the data of the tests running beside it.
fn run_in(cwd: Option<&Path>, args: &[&str]) -> Run {
    let err = tempfile::NamedTempFile::new().unwrap();
    let out = tempfile::NamedTempFile::new().unwrap();
    let mut helper = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "helper_runs_one_command", "--nocapture", "--test-threads=1", "-q"])
        .env(HELPER_ARGS, args.join("\u{1f}"))
        .env(HELPER_CWD, cwd.map(|c| c.as_os_str().to_owned()).unwrap_or_default())
        .env(HELPER_ERR, err.path())
        .stdin(Stdio::null())
        .stdout(out.reopen().unwrap())
        .stderr(Stdio::null())
        .spawn()
        .expect("run the helper");
    let start = Instant::now();
    while helper.try_wait().unwrap().is_none() {
        if start.elapsed() > KILL_AFTER + Duration::from_secs(30) {
            let _ = helper.kill();
            let _ = helper.wait();
            panic!("the helper running gongwen {args:?} did not finish");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let report = std::fs::read_to_string(out.path()).unwrap();
    let line = report.lines().find_map(|l| l.strip_prefix("HOSTILE_RESULT ")).unwrap_or_else(|| panic!("{report}"));
    let mut fields = line.split(' ').map(|f| f.parse::<i64>().ok());
    let (code, peak) = (fields.next().flatten(), fields.next().flatten());
    if code == Some(-9) {
        panic!("gongwen {args:?} did not finish within {KILL_AFTER:?}");
    }
    let err = std::fs::read_to_string(err.path()).unwrap_or_default();
    Run { code: code.map(|c| c as i32), err, peak_kb: peak.map(|p| p as u64) }
}

/// Run one gongwen command and report its exit code and peak memory (the helper of
/// [`run_in`]). Run as a test of its own, it checks itself on `gongwen --version`.
#[test]
// The child is reaped by wait4 (which also gives its peak memory), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn helper_runs_one_command() {
    let Ok(args) = std::env::var(HELPER_ARGS) else {
        let run = run_in(None, &["--version"]);
        assert_eq!(run.code, Some(0));
        if let Some(kb) = run.peak_kb {
            assert!(kb < 100 * 1024, "a small process measures small: {kb} KB");
        }
        return;
    };
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongwen"));
    let said = std::fs::File::create(std::env::var(HELPER_ERR).unwrap()).unwrap();
    cmd.args(args.split('\u{1f}')).stdin(Stdio::null()).stdout(said.try_clone().unwrap()).stderr(said);
    let cwd = std::env::var(HELPER_CWD).unwrap_or_default();
    if !cwd.is_empty() {
        cmd.current_dir(cwd);
    }
    let mut child = cmd.spawn().expect("run gongwen");
    let start = Instant::now();
    let (code, peak_kb): (Option<i32>, Option<u64>) = loop {
        #[cfg(target_os = "linux")]
        {
            let mut status = 0;
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            let pid = child.id() as libc::pid_t;
            let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
            if r == pid {
                let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
                break (code, Some(usage.ru_maxrss as u64));
            }
        }
        #[cfg(not(target_os = "linux"))]
        if let Some(status) = child.try_wait().unwrap() {
            break (status.code(), None);
        }
        if start.elapsed() > KILL_AFTER {
            let _ = child.kill();
            let _ = child.wait();
            break (Some(-9), None);
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let show = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    println!("HOSTILE_RESULT {} {}", show(code.map(|c| c.to_string())), show(peak_kb.map(|p| p.to_string())));
}

fn check(path: &Path) -> Run {
    run_in(None, &["check", path.to_str().unwrap()])
}

/// The run stopped with exit 2 and one Chinese error naming `name` and containing `what`,
/// within the memory bound.
fn assert_refused(run: &Run, name: &str, what: &str) {
    assert_eq!(run.code, Some(2), "exit 2 expected: {}", run.err);
    let first = run.err.lines().next().unwrap_or("");
    assert!(first.starts_with("错误："), "{}", run.err);
    assert!(first.contains(name), "names {name}: {first}");
    assert!(first.contains(what), "says {what}: {first}");
    assert_chinese(&run.err);
    assert_within_bound(run);
}

/// No English words from a library or the OS (ASCII runs are paths, numbers, cells, units).
fn assert_chinese(err: &str) {
    for word in ["error", "Error", "invalid", "Invalid", "panicked", "failed", "No such", "denied", "thread"] {
        assert!(!err.contains(word), "English in the message: {err}");
    }
}

fn assert_within_bound(run: &Run) {
    if let Some(kb) = run.peak_kb {
        assert!(kb < PEAK_BOUND_KB, "peak memory {kb} KB is over the bound: {}", run.err);
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    if let Some(dump) = std::env::var_os("GONGWEN_HOSTILE_DUMP") {
        let _ = std::fs::create_dir_all(&dump);
        std::fs::write(Path::new(&dump).join(name), bytes).unwrap();
    }
    path
}

// ---- workbooks as raw zip bytes ------------------------------------------------------------

use common::REQUIRED_HEADERS as HEADERS;

fn request_row(n: usize) -> [String; 12] {
    [
        format!("函{n}号"),
        "行政部".into(),
        "采购中心".into(),
        "2026-03-05".into(),
        "流程优化".into(),
        "目标".into(),
        "2026-05-07".into(),
        "内容".into(),
        "标准".into(),
        "2026-03-22".into(),
        "杨磊".into(),
        "13800000003".into(),
    ]
}

fn col_name(mut c: u32) -> String {
    let mut s = Vec::new();
    c += 1;
    while c > 0 {
        s.push(b'A' + ((c - 1) % 26) as u8);
        c = (c - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}

fn xlsx_row(r: u32, cells: &[String]) -> String {
    let mut x = format!("<row r=\"{}\">", r + 1);
    for (c, v) in cells.iter().enumerate() {
        x += &format!("<c r=\"{}{}\" t=\"inlineStr\"><is><t>{v}</t></is></c>", col_name(c as u32), r + 1);
    }
    x + "</row>"
}

/// The header row and `n` request rows, as `<sheetData>` content.
fn request_rows(n: usize) -> String {
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let mut x = xlsx_row(0, &headers);
    for i in 1..=n {
        x += &xlsx_row(i as u32, &request_row(i));
    }
    x
}

fn zip_of(parts: Vec<(&str, Vec<u8>)>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        let method = if name == "mimetype" { zip::CompressionMethod::Stored } else { zip::CompressionMethod::Deflated };
        zip.start_file(name, zip::write::SimpleFileOptions::default().compression_method(method)).unwrap();
        zip.write_all(&bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// An .xlsx with one sheet 协作需求 of `sheet_data`, an optional `<dimension>`, optional
/// shared strings and styles parts.
fn xlsx(dimension: Option<&str>, sheet_data: &str, shared: Option<Vec<u8>>, styles: Option<Vec<u8>>) -> Vec<u8> {
    let dim = dimension.map(|d| format!("<dimension ref=\"{d}\"/>")).unwrap_or_default();
    let mut rels = format!(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{REL_NS}/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    );
    let mut parts = vec![
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
             <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>"
                .as_bytes()
                .to_vec(),
        ),
        (
            "_rels/.rels",
            format!(
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"{REL_NS}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            )
            .into_bytes(),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\"><sheets><sheet name=\"协作需求\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            )
            .into_bytes(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!("<worksheet xmlns=\"{MAIN_NS}\">{dim}<sheetData>{sheet_data}</sheetData></worksheet>").into_bytes(),
        ),
    ];
    if let Some(shared) = shared {
        rels += &format!("<Relationship Id=\"rId2\" Type=\"{REL_NS}/sharedStrings\" Target=\"sharedStrings.xml\"/>");
        parts.push(("xl/sharedStrings.xml", shared));
    }
    if let Some(styles) = styles {
        rels += &format!("<Relationship Id=\"rId3\" Type=\"{REL_NS}/styles\" Target=\"styles.xml\"/>");
        parts.push(("xl/styles.xml", styles));
    }
    parts.push(("xl/_rels/workbook.xml.rels", (rels + "</Relationships>").into_bytes()));
    zip_of(parts)
}

/// An .ods whose first table, 协作需求, has the rows `rows` (table:table-row elements).
fn ods(rows: &str) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"协作需求\">{rows}</table:table>\
         </office:spreadsheet></office:body></office:document-content>"
    );
    zip_of(vec![
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet".to_vec()),
        ("content.xml", content.into_bytes()),
        (
            "META-INF/manifest.xml",
            b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>".to_vec(),
        ),
    ])
}

fn ods_row(cells: &[String]) -> String {
    let mut x = "<table:table-row>".to_string();
    for v in cells {
        x += &format!("<table:table-cell office:value-type=\"string\"><text:p>{v}</text:p></table:table-cell>");
    }
    x + "</table:table-row>"
}

fn ods_requests(n: usize) -> String {
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    (1..=n).fold(ods_row(&headers), |x, i| x + &ods_row(&request_row(i)))
}

// ---- .xls as a hand-built compound file ----------------------------------------------------

fn record(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

/// A BIFF8 LABEL record: a string cell.
fn label(row: u16, col: u16, text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend((units.len() as u16).to_le_bytes());
    d.push(1); // UTF-16LE
    for u in units {
        d.extend(u.to_le_bytes());
    }
    record(0x0204, &d)
}

/// A BIFF8 NUMBER record.
fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend(v.to_le_bytes());
    record(0x0203, &d)
}

/// The Workbook stream: globals naming one sheet 协作需求, then that sheet's `records`
/// between its BOF and EOF.
fn biff(records: &[Vec<u8>]) -> Vec<u8> {
    biff_with(&[], records)
}

/// [`biff`] with `globals` (such as an SST record) in the workbook globals.
fn biff_with(globals: &[Vec<u8>], records: &[Vec<u8>]) -> Vec<u8> {
    let bof = |dt: u16| {
        let mut d = 0x0600u16.to_le_bytes().to_vec();
        d.extend(dt.to_le_bytes());
        d.extend([0u8; 12]);
        record(0x0809, &d)
    };
    let name: Vec<u16> = "协作需求".encode_utf16().collect();
    let mut sheet = vec![0u8; 4];
    sheet.extend([0, 0, name.len() as u8, 1]);
    for u in &name {
        sheet.extend(u.to_le_bytes());
    }
    let extra: Vec<u8> = globals.concat();
    let globals_len = bof(5).len() + record(0x0085, &sheet).len() + extra.len() + record(0x000A, &[]).len();
    sheet[..4].copy_from_slice(&(globals_len as u32).to_le_bytes());
    let mut s = bof(5);
    s.extend(record(0x0085, &sheet));
    s.extend(extra);
    s.extend(record(0x000A, &[]));
    s.extend(bof(0x10));
    for r in records {
        s.extend(r);
    }
    s.extend(record(0x000A, &[]));
    s
}

/// A compound file (512-byte sectors) holding `stream` as "Workbook": the FAT's sectors, the
/// directory, then the stream (padded to 4096 bytes so it lives in the FAT). `patch_fat` may
/// rewrite the FAT from the directory's entry on (`[0]` is the directory's: a looping chain).
fn cfb(mut stream: Vec<u8>, patch_fat: impl Fn(&mut [u32])) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let len = stream.len().max(4096);
    stream.resize(len.div_ceil(512) * 512, 0);
    let n = stream.len() / 512;
    // FAT sectors first (128 entries each), then the directory, then the stream.
    let f = (n + 1).div_ceil(127);
    let dir = f as u32;
    let mut fat = vec![FREE; f * 128];
    fat[..f].fill(0xFFFF_FFFD);
    fat[f] = END;
    for i in 0..n {
        fat[f + 1 + i] = if i + 1 == n { END } else { (f + 2 + i) as u32 };
    }
    patch_fat(&mut fat[f..]);
    let mut h = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    h.extend([0u8; 16]);
    h.extend(0x3Eu16.to_le_bytes());
    h.extend(3u16.to_le_bytes());
    h.extend(0xFFFEu16.to_le_bytes());
    h.extend(9u16.to_le_bytes());
    h.extend(6u16.to_le_bytes());
    h.extend([0u8; 6]);
    h.extend(0u32.to_le_bytes()); // directory sectors (v3: 0)
    h.extend((f as u32).to_le_bytes()); // FAT sectors
    h.extend(dir.to_le_bytes()); // first directory sector
    h.extend(0u32.to_le_bytes());
    h.extend(4096u32.to_le_bytes());
    h.extend(END.to_le_bytes()); // mini FAT
    h.extend(0u32.to_le_bytes());
    h.extend(END.to_le_bytes()); // DIFAT
    h.extend(0u32.to_le_bytes());
    for id in 0..f as u32 {
        h.extend(id.to_le_bytes()); // DIFAT: the FAT's sectors
    }
    while h.len() < 512 {
        h.extend(FREE.to_le_bytes());
    }
    let entry = |name: &str, typ: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[64..66].copy_from_slice(&((units.len() * 2) as u16).to_le_bytes());
        e[66] = typ;
        e[67] = 1;
        e[68..72].copy_from_slice(&FREE.to_le_bytes());
        e[72..76].copy_from_slice(&FREE.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let mut out = h;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend(entry("Root Entry", 5, 1, END, 0));
    out.extend(entry("Workbook", 2, FREE, dir + 1, len as u32));
    out.extend(vec![0u8; 256]);
    out.extend(stream);
    out
}

fn xls_requests(n: u16) -> Vec<Vec<u8>> {
    let mut records: Vec<Vec<u8>> = HEADERS.iter().enumerate().map(|(c, h)| label(0, c as u16, h)).collect();
    for r in 1..=n {
        records.extend(request_row(r as usize).iter().enumerate().map(|(c, v)| label(r, c as u16, v)));
    }
    records
}

// ---- the cases ----------------------------------------------------------------------------

/// Well-formed workbooks built the same way read normally: the builders are right, so the
/// refusals below are for the claims, not for a broken file.
#[test]
fn hand_built_workbooks_read_normally() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("ok.xlsx", xlsx(Some("A1:L3"), &request_rows(2), None, None)),
        ("ok.ods", ods(&ods_requests(2))),
        ("ok.xls", cfb(biff(&xls_requests(2)), |_| {})),
    ] {
        let run = check(&write(dir.path(), name, &bytes));
        assert_eq!(run.code, Some(0), "{name}: {}", run.err);
        assert_within_bound(&run);
    }
}

/// Claims that are harmless once not trusted: a `<dimension>` of the whole sheet, and a
/// stray value in the sheet's last cell XFD1048576 (the rectangle to it would be 17 billion
/// cells). Both read normally.
#[test]
fn far_claims_and_far_cells_are_read_without_the_rectangle() {
    let dir = tempfile::tempdir().unwrap();
    let run = check(&write(dir.path(), "dimension.xlsx", &xlsx(Some("A1:XFD1048576"), &request_rows(1), None, None)));
    assert_eq!(run.code, Some(0), "{}", run.err);
    assert_within_bound(&run);

    // The far cell is a row of its own (its required cells empty): exit 1, that row named.
    let far = request_rows(1) + "<row r=\"1048576\"><c r=\"XFD1048576\"><v>1</v></c></row>";
    let run = check(&write(dir.path(), "far-cell.xlsx", &xlsx(None, &far, None, None)));
    assert_eq!(run.code, Some(1), "{}", run.err);
    let first = run.err.lines().next().unwrap_or_default();
    assert!(first.starts_with("错误：协作需求!A1048576 ") && first.contains("必填"), "{}", run.err);
    assert_within_bound(&run);
}

#[test]
fn a_shared_string_count_of_a_billion_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let shared =
        format!("<sst xmlns=\"{MAIN_NS}\" count=\"1000000000\" uniqueCount=\"1000000000\"><si><t>编号</t></si></sst>");
    let path = write(dir.path(), "sst-count.xlsx", &xlsx(None, &request_rows(1), Some(shared.into_bytes()), None));
    assert_refused(&check(&path), "sst-count.xlsx", "共享文字");
}

/// One 30,000-character shared string referenced by 10,000 cells: each cell would hold its
/// own copy (900 MB); the sheet's text limit stops it.
#[test]
fn one_long_shared_string_in_many_cells_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let shared = format!("<sst xmlns=\"{MAIN_NS}\" uniqueCount=\"1\"><si><t>{}</t></si></sst>", "长".repeat(30_000));
    let mut data = request_rows(1);
    for r in 3..10_003 {
        data += &format!("<row r=\"{r}\"><c r=\"H{r}\" t=\"s\"><v>0</v></c></row>");
    }
    let path = write(dir.path(), "shared-copies.xlsx", &xlsx(None, &data, Some(shared.into_bytes()), None));
    assert_refused(&check(&path), "shared-copies.xlsx", "文字超过");
}

/// Parts that inflate past their limit: a 300 MB worksheet of spaces (about 300 KB zipped)
/// and a 20 MB styles part; and a sheet whose central directory claims 1 KB.
#[test]
fn zip_bombs_are_refused_before_they_are_inflated_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let spaces = " ".repeat(300 * 1024 * 1024);
    let bomb = xlsx(None, &(request_rows(1) + &spaces), None, None);
    drop(spaces);
    assert!(bomb.len() < 2 * 1024 * 1024, "a small file: {}", bomb.len());
    assert_refused(&check(&write(dir.path(), "sheet-bomb.xlsx", &bomb)), "sheet-bomb.xlsx", "解压后超过");

    let styles =
        format!("<styleSheet xmlns=\"{MAIN_NS}\"><cellXfs>{}</cellXfs></styleSheet>", "<xf/>".repeat(4_000_000));
    let bomb = xlsx(None, &request_rows(1), None, Some(styles.into_bytes()));
    assert_refused(&check(&write(dir.path(), "styles-bomb.xlsx", &bomb)), "styles-bomb.xlsx", "解压后超过");

    // The same sheet bomb with its declared size rewritten to 1 KB in the central directory.
    let spaces = " ".repeat(300 * 1024 * 1024);
    let mut bomb = xlsx(None, &(request_rows(1) + &spaces), None, None);
    drop(spaces);
    let name = b"xl/worksheets/sheet1.xml";
    let cd = (0..bomb.len() - 4).rev().find(|&i| &bomb[i..i + 4] == b"PK\x01\x02" && bomb[i + 46..].starts_with(name));
    let cd = cd.expect("the sheet's central directory entry");
    bomb[cd + 24..cd + 28].copy_from_slice(&1024u32.to_le_bytes());
    let run = check(&write(dir.path(), "lying-size.xlsx", &bomb));
    assert_eq!(run.code, Some(2), "{}", run.err);
    assert!(run.err.starts_with("错误：") && run.err.contains("lying-size.xlsx"), "{}", run.err);
    assert_chinese(&run.err);
    assert_within_bound(&run);
}

/// ODS repeats: 2,000 rows of one value repeated across all 16,384 columns, and one row of
/// 90 values repeated down all 1,048,575 rows — calamine would expand each to gigabytes.
#[test]
fn ods_repeats_are_costed_before_they_are_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let wide = "<table:table-row><table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>";
    let bomb = ods(&(ods_requests(1) + &wide.repeat(2000)));
    assert_refused(&check(&write(dir.path(), "ods-columns.ods", &bomb)), "ods-columns.ods", "单元格范围过大");

    let tall = "<table:table-row table:number-rows-repeated=\"1048574\"><table:table-cell table:number-columns-repeated=\"90\" office:value-type=\"float\" office:value=\"1\"/></table:table-row>";
    let bomb = ods(&(ods_requests(1) + tall));
    assert_refused(&check(&write(dir.path(), "ods-rows.ods", &bomb)), "ods-rows.ods", "单元格范围过大");
}

/// .xls: a directory chain that loops (calamine would read it forever), a DIMENSIONS record
/// of 4 billion rows, and two cells at opposite corners of the .xls grid.
#[test]
fn xls_claims_are_checked_before_calamine_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let looped = cfb(biff(&xls_requests(1)), |fat| fat[0] = 1);
    assert_refused(&check(&write(dir.path(), "xls-loop.xls", &looped)), "xls-loop.xls", "损坏");

    let mut dims = 0u32.to_le_bytes().to_vec();
    dims.extend(u32::MAX.to_le_bytes());
    dims.extend(0u16.to_le_bytes());
    dims.extend(256u16.to_le_bytes());
    dims.extend(0u16.to_le_bytes());
    let mut records = vec![record(0x0200, &dims)];
    records.extend(xls_requests(1));
    let bomb = cfb(biff(&records), |_| {});
    assert_refused(&check(&write(dir.path(), "xls-dimensions.xls", &bomb)), "xls-dimensions.xls", "单元格范围过大");

    let mut records = xls_requests(1);
    records.push(number(65535, 255, 1.0));
    let bomb = cfb(biff(&records), |_| {});
    assert_refused(&check(&write(dir.path(), "xls-corners.xls", &bomb)), "xls-corners.xls", "单元格范围过大");
}

/// .xls: one 8,000-character shared string referred to by 40,000 cells (calamine would
/// copy it into each, twice: 640 MB from a 600 KB file).
#[test]
fn xls_shared_string_copies_are_costed() {
    let dir = tempfile::tempdir().unwrap();
    let mut sst = 1u32.to_le_bytes().to_vec();
    sst.extend(1u32.to_le_bytes());
    sst.extend(8000u16.to_le_bytes());
    sst.push(0);
    sst.extend(std::iter::repeat_n(b'x', 8000));
    let mut records = xls_requests(1);
    for r in 2..40_002u32 {
        let mut d = (r as u16).to_le_bytes().to_vec();
        d.extend(7u16.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(0u32.to_le_bytes());
        records.push(record(0x00FD, &d));
    }
    let bomb = cfb(biff_with(&[record(0x00FC, &sst)], &records), |_| {});
    assert_refused(&check(&write(dir.path(), "xls-sst-copies.xls", &bomb)), "xls-sst-copies.xls", "单元格范围过大");
}

/// Formats the README does not promise, and files that are not what their name says.
#[test]
fn wrong_kinds_of_file_say_what_they_are_and_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let ok = xlsx(None, &request_rows(1), None, None);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("book.xlsb", ok.clone(), "另存为 .xlsx"),
        ("book.xlsm", ok.clone(), "另存为 .xlsx"),
        ("data.csv", "编号,发函部门\n".as_bytes().to_vec(), "另存为"),
        ("empty.xlsx", Vec::new(), "空文件"),
        ("csv-named.xlsx", "编号,发函部门\n函1号,行政部\n".as_bytes().to_vec(), "文本文件"),
        ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>".to_vec(), "网页"),
        ("picture.xlsx", RED_PNG.to_vec(), "图片"),
        ("zip.xlsx", zip_of(vec![("a.txt", b"hello".to_vec())]), "压缩包"),
        ("junk.xlsx", vec![0u8, 1, 2, 3, 0, 255, 254], "已损坏"),
    ];
    for (name, bytes, what) in cases {
        let run = check(&write(dir.path(), name, &bytes));
        assert_refused(&run, name, what);
        assert!(run.err.contains("请"), "says what to do: {}", run.err);
    }
    // Excel's lock file names the real workbook beside it.
    write(dir.path(), "需求.xlsx", &ok);
    let run = check(&write(dir.path(), "~$需求.xlsx", b"\x0eExcel lock"));
    assert_refused(&run, "~$需求.xlsx", "锁定文件");
    assert!(run.err.contains("需求.xlsx”"), "names the real workbook: {}", run.err);
}

#[test]
fn a_folder_lists_its_workbooks() {
    let dir = tempfile::tempdir().unwrap();
    let ok = xlsx(None, &request_rows(1), None, None);
    write(dir.path(), "甲.xlsx", &ok);
    write(dir.path(), "乙.ods", &ods(&ods_requests(1)));
    write(dir.path(), "~$甲.xlsx", b"lock");
    write(dir.path(), "说明.txt", b"x");
    let run = check(dir.path());
    assert_eq!(run.code, Some(2), "{}", run.err);
    let first = run.err.lines().next().unwrap();
    assert!(first.starts_with("错误：") && first.contains("是文件夹"), "{first}");
    assert!(first.contains("“乙.ods”") && first.contains("“甲.xlsx”"), "{first}");
    assert!(!first.contains("~$") && !first.contains("说明.txt"), "{first}");
}

/// A FIFO named like a workbook is refused without being opened (opening it would block
/// until a writer came); so is a device.
#[cfg(unix)]
#[test]
fn fifos_and_devices_are_not_opened() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.xlsx");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    assert_refused(&check(&fifo), "fifo.xlsx", "命名管道");
    for dev in ["/dev/zero", "/dev/urandom"] {
        assert_refused(&check(Path::new(dev)), dev, "设备文件");
    }
}

// ---- seals ---------------------------------------------------------------------------------

/// A workbook `s.xlsx` in `dir` with one request whose 印章 cell is `seal`.
fn sealed_workbook(dir: &Path, seal: &str) -> PathBuf {
    let mut headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    headers.push("印章".into());
    let mut row = request_row(1).to_vec();
    row.push(seal.into());
    let data = xlsx_row(0, &headers) + &xlsx_row(1, &row);
    write(dir, "s.xlsx", &xlsx(None, &data, None, None))
}

fn png_of(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = png::Encoder::new(&mut out, w, h);
    e.set_color(png::ColorType::Rgba);
    e.set_depth(png::BitDepth::Eight);
    let mut wr = e.write_header().unwrap();
    let px: Vec<u8> = (0..w * h).flat_map(|_| [200, 0, 0, 255]).collect();
    wr.write_image_data(&px).unwrap();
    wr.finish().unwrap();
    out
}

/// However the workbook's path is written, a seal cell that is a link out of its folder, a
/// FIFO or a folder is a warning on its cell (M2), and the letter is still checked.
#[cfg(unix)]
#[test]
fn seal_cells_that_are_not_files_in_the_folder_are_refused_with_their_cell() {
    let root = tempfile::tempdir().unwrap();
    let book_dir = root.path().join("x");
    std::fs::create_dir(&book_dir).unwrap();
    std::fs::write(root.path().join("outside.png"), RED_PNG).unwrap();
    std::os::unix::fs::symlink(root.path().join("outside.png"), book_dir.join("link.png")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", book_dir.join("zero.png")).unwrap();
    let fifo = std::ffi::CString::new(book_dir.join("fifo.png").to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    std::fs::create_dir(book_dir.join("dir.png")).unwrap();
    let cases = [("link.png", "之外"), ("zero.png", "之外"), ("fifo.png", "命名管道"), ("dir.png", "文件夹")];
    for (seal, what) in cases {
        sealed_workbook(&book_dir, seal);
        let abs = book_dir.join("s.xlsx");
        for (cwd, arg) in [
            (book_dir.as_path(), "s.xlsx"),
            (book_dir.as_path(), "./s.xlsx"),
            (root.path(), "x/s.xlsx"),
            (book_dir.as_path(), "../x/s.xlsx"),
            (root.path(), abs.to_str().unwrap()),
        ] {
            let run = run_in(Some(cwd), &["check", arg]);
            assert_eq!(run.code, Some(0), "{seal} via {arg}: a warning only: {}", run.err);
            let line = run
                .err
                .lines()
                .find(|l| l.contains("协作需求!M2"))
                .unwrap_or_else(|| panic!("{seal} via {arg}: {}", run.err));
            assert!(line.starts_with("警告：") && line.contains(what), "{seal} via {arg}: {line}");
            assert_chinese(&run.err);
        }
    }
}

/// `--seal` naming a device, a FIFO, a folder, a file over 2 MB or a PNG declaring more than
/// 4096 pixels a side: a warning, that seal skipped, the letters made.
#[cfg(unix)]
#[test]
fn seal_options_that_are_not_usable_images_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let book = sealed_workbook(dir.path(), "");
    let fifo = dir.path().join("fifo.png");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let big = dir.path().join("big.png");
    let mut bytes = RED_PNG.to_vec();
    bytes.resize(3 * 1024 * 1024, 0);
    std::fs::write(&big, bytes).unwrap();
    let wide = dir.path().join("wide.png");
    std::fs::write(&wide, png_of(5000, 1)).unwrap();
    for (seal, what) in [
        (PathBuf::from("/dev/zero"), "设备文件"),
        (PathBuf::from("/dev/urandom"), "设备文件"),
        (fifo, "命名管道"),
        (dir.path().to_path_buf(), "文件夹"),
        (big, "2 MB"),
        (wide, "5000×1"),
    ] {
        let out = dir.path().join("out");
        let _ = std::fs::remove_dir_all(&out);
        let opt = format!("行政部={}", seal.display());
        let run = run_in(
            None,
            &[
                "generate",
                book.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "--forms",
                "letter",
                "--format",
                "docx",
                "--seal",
                &opt,
            ],
        );
        assert_eq!(run.code, Some(0), "{opt}: {}", run.err);
        let line = run.err.lines().find(|l| l.contains("--seal")).unwrap_or_else(|| panic!("{opt}: {}", run.err));
        assert!(line.starts_with("警告：") && line.contains(what), "{opt}: {line}");
        assert_chinese(&run.err);
        assert_within_bound(&run);
        assert_eq!(files_with_ext(&out, "docx").len(), 1, "the letter is made");
    }
}

/// A 3000 × 3000 seal is embedded at 1000 × 1000 in the .docx (and the same image in the PDF).
#[test]
fn large_seals_are_embedded_scaled() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("seal.png"), png_of(3000, 3000)).unwrap();
    let book = sealed_workbook(dir.path(), "seal.png");
    let out = dir.path().join("out");
    let run = run_in(None, &["generate", book.to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms", "letter"]);
    assert_eq!(run.code, Some(0), "{}", run.err);
    let docx = files_with_ext(&out, "docx").pop().unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut part = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name("word/media/seal1.png").unwrap(), &mut part).unwrap();
    let side = |at: usize| u32::from_be_bytes(part[at..at + 4].try_into().unwrap());
    assert_eq!((side(16), side(20)), (1000, 1000));
    let pdf = files_with_ext(&out, "pdf").pop().unwrap();
    assert!(std::fs::metadata(pdf).unwrap().len() < 1024 * 1024, "the PDF holds the scaled image");
}

/// Peak memory of `check` on a legitimate workbook of about 10 MB (printed for the record).
#[test]
fn a_ten_megabyte_workbook_is_checked_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    write_row(ws, 0, &headers);
    // Distinct text in every row, so the file does not compress away: common characters
    // (in the bundled fonts, so no row draws a warning).
    let common: Vec<char> = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系很情者最立代想已通并提直题程展五果料象员位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严".chars().collect();
    let mut seed = 12345u64;
    let mut noise = |n: usize| -> String {
        (0..n)
            .map(|_| {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                common[((seed >> 33) % common.len() as u64) as usize]
            })
            .collect()
    };
    let rows = 50_000;
    for r in 1..=rows {
        let mut row = request_row(r as usize);
        row[7] = noise(60);
        row[8] = noise(30);
        write_row(ws, r, &row);
    }
    let path = dir.path().join("big.xlsx");
    wb.save(&path).unwrap();
    if let Some(dump) = std::env::var_os("GONGWEN_HOSTILE_DUMP") {
        std::fs::copy(&path, Path::new(&dump).join("big.xlsx")).unwrap();
    }
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size > 8 * 1024 * 1024, "about 10 MB: {size}");
    let run = check(&path);
    assert!(matches!(run.code, Some(0 | 1)), "{}", run.err.lines().take(3).collect::<Vec<_>>().join("\n"));
    assert_within_bound(&run);
    eprintln!("10 MB workbook ({size} bytes): peak {:?} KB", run.peak_kb);
}

/// Rows out of order in the sheet's XML (Excel never writes them; a hand-made or damaged file
/// may): the sheet, read row by row, is read again whole, and says exactly what the same rows
/// in order say — the bad date in its own cell, the later of two cells at one place kept.
#[test]
fn rows_out_of_order_read_as_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let headers: Vec<String> = HEADERS.iter().map(|h| h.to_string()).collect();
    let mut bad = request_row(2);
    bad[3] = "2026-02-30".into();
    let in_order = xlsx_row(0, &headers) + &xlsx_row(1, &request_row(1)) + &xlsx_row(2, &bad);
    // Row 3 before row 2, and row 2's 编号 written twice: first as row 3's (which, kept,
    // would be a repeated 编号), then its own.
    let twice = "<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>函2号</t></is></c>";
    let shuffled =
        xlsx_row(0, &headers) + &xlsx_row(2, &bad) + &xlsx_row(1, &request_row(1)).replace("<row r=\"2\">", twice);
    let ordered = check(&write(dir.path(), "ordered.xlsx", &xlsx(None, &in_order, None, None)));
    let run = check(&write(dir.path(), "shuffled.xlsx", &xlsx(None, &shuffled, None, None)));
    assert_eq!(run.code, Some(1), "{}", run.err);
    assert!(run.err.starts_with("错误：协作需求!D3 "), "{}", run.err);
    assert!(!run.err.contains("重复"), "{}", run.err);
    assert_eq!((run.code, &run.err), (ordered.code, &ordered.err));
}
