//! Shared helpers for the end-to-end tests: run the `gongwen` binary, build workbooks, and read
//! outputs back with the poppler tools and LibreOffice.
//!
//! Tests that need an external tool skip (saying so, through [`skip`]) when it is missing, so
//! `cargo test` works on a machine with only Rust; CI sets `GONGWEN_REQUIRE_TOOLS=1`, which
//! turns a skip into a failure.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub mod image;
mod skip;
pub mod xml;
pub use skip::skip;

/// The required columns of 协作需求, in the template's order (FORMS.md §1).
pub const REQUIRED_HEADERS: [&str; 12] = [
    "编号",
    "发函部门",
    "收函部门",
    "发函日期",
    "工作名称",
    "核心目标",
    "计划完成日期",
    "协作内容",
    "交付标准",
    "完成时限",
    "对接人",
    "联系电话",
];

/// A valid row of [`REQUIRED_HEADERS`] with 编号 `id`, sent by 行政部 to `to`.
pub fn required_values(id: &str, to: &str) -> Vec<String> {
    [
        id,
        "行政部",
        to,
        "2026-03-05",
        "供应商管理流程优化",
        "流程梳理",
        "2026-05-07",
        "提供业务数据",
        "数据准确完整",
        "2026-03-22",
        "杨磊",
        "13800000003",
    ]
    .map(String::from)
    .to_vec()
}

/// The columns a letter prints: the required ones and 工作性质, 预期成效, 电子邮箱, 协商截止日期,
/// in the template's order.
pub const LETTER_HEADERS: [&str; 16] = [
    "编号",
    "发函部门",
    "收函部门",
    "发函日期",
    "工作名称",
    "工作性质",
    "核心目标",
    "计划完成日期",
    "预期成效",
    "协作内容",
    "交付标准",
    "完成时限",
    "对接人",
    "联系电话",
    "电子邮箱",
    "协商截止日期",
];

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample() -> PathBuf {
    repo().join("samples/requests.xlsx")
}

/// Generate the sample workbook's `forms` into a fresh folder named after `tag` (tests share
/// it through a `OnceLock`, so the sample is generated once per test file).
pub fn generate_sample(tag: &str, forms: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongwen-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = gongwen(&["generate", sample().to_str().unwrap(), "-o", dir.to_str().unwrap(), "--forms", forms]);
    assert!(o.status.success(), "generate failed: {}", stderr(&o));
    dir
}

/// Run `gongwen` with `args`.
pub fn gongwen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongwen")).args(args).output().expect("run gongwen")
}

/// Run `gongwen` with `args`, killed if it has not finished after `limit`: returns its output
/// and the wall time it took; a run that had to be killed fails the test (it hung).
pub fn gongwen_within(limit: Duration, args: &[&str]) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gongwen");
    // Drained on their own threads, so a chatty run cannot stall on a full pipe.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for gongwen") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gongwen {args:?} did not finish within {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = start.elapsed();
    let output = Output { status, stdout: out.join().unwrap(), stderr: err.join().unwrap() };
    (output, took)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Is `tool` runnable? If not: skip (return false) or, under GONGWEN_REQUIRE_TOOLS, fail.
pub fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok() || Command::new(tool).arg("--version").output().is_ok();
    if !ok {
        skip(&format!("checks that use {tool}"), &format!("{tool} is not installed"));
    }
    ok
}

/// `pdftotext -layout`-free plain text of a PDF.
pub fn pdftotext(pdf: &Path) -> String {
    let o = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(pdf).arg("-").output().expect("pdftotext");
    assert!(o.status.success(), "pdftotext failed on {}", pdf.display());
    String::from_utf8(o.stdout).unwrap()
}

/// Text of a PDF with all whitespace removed (pdftotext breaks lines anywhere).
pub fn squeezed(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Drop the `—N—` page numbers, which pdftotext prints where a page ends, even mid-sentence.
pub fn without_page_numbers(squeezed: &str) -> String {
    let mut out = String::new();
    let mut rest = squeezed;
    while let Some(i) = rest.find('—') {
        let after = &rest[i + '—'.len_utf8()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with('—') {
            out.push_str(&rest[..i]);
            rest = &after[digits + '—'.len_utf8()..];
        } else {
            out.push_str(&rest[..i + '—'.len_utf8()]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Page count from `pdfinfo`.
pub fn pdf_pages(pdf: &Path) -> usize {
    let o = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo");
    let s = String::from_utf8_lossy(&o.stdout);
    s.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count for {}", pdf.display()))
}

/// Rows of `pdffonts`: (name, type, emb, sub, uni).
pub fn pdffonts(pdf: &Path) -> Vec<(String, String, bool, bool, bool)> {
    let o = Command::new("pdffonts").arg(pdf).output().expect("pdffonts");
    let s = String::from_utf8_lossy(&o.stdout).into_owned();
    s.lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let n = f.len();
            // name type... encoding emb sub uni object ID
            (f[0].to_string(), f[1..n - 6].join(" "), f[n - 5] == "yes", f[n - 4] == "yes", f[n - 3] == "yes")
        })
        .collect()
}

/// A fontconfig file in `work` that adds the bundled fonts and maps the names the .docx uses
/// to them (fonts/fontconfig), for LibreOffice.
fn fontconfig_file(work: &Path) -> PathBuf {
    let conf = work.join("fonts.conf");
    let fonts = repo().join("fonts");
    std::fs::write(
        &conf,
        format!(
            r#"<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include>
<dir>{}</dir>
<include ignore_missing="yes">{}</include>
<cachedir>{}</cachedir></fontconfig>"#,
            fonts.display(),
            fonts.join("fontconfig/gongwen-fonts.conf").display(),
            work.join("fc-cache").display()
        ),
    )
    .unwrap();
    conf
}

/// Convert .docx files to PDF with LibreOffice, with the bundled fonts standing in for the
/// names the .docx uses (fonts/fontconfig). Returns the PDFs' paths, in input order.
pub fn libreoffice_pdfs(docx: &[PathBuf], work: &Path) -> Vec<PathBuf> {
    libreoffice_render(docx, &fontconfig_file(work), work, "lo")
}

/// LibreOffice renders of `docx` under the fontconfig file `conf`, all in one soffice session
/// (its profile in `work/lo-profile`), into `work/<tag>`. Returns the PDFs' paths, in input
/// order.
pub fn libreoffice_render(docx: &[PathBuf], conf: &Path, work: &Path, tag: &str) -> Vec<PathBuf> {
    let outdir = work.join(tag);
    let profile = format!("file://{}", work.join("lo-profile").display());
    let status = Command::new("soffice")
        .env("FONTCONFIG_FILE", conf)
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&outdir)
        .args(docx)
        .output()
        .expect("soffice");
    assert!(status.status.success(), "soffice failed: {}", String::from_utf8_lossy(&status.stderr));
    docx.iter().map(|d| outdir.join(d.file_stem().unwrap()).with_extension("pdf")).collect()
}

/// The Basic macro behind [`libreoffice_pdfs_as_declared`]: for every .docx in a folder, open
/// it, switch CJK/Latin auto-spacing and hanging punctuation off in every paragraph style,
/// export the PDF to the output folder under the same stem.
const AS_DECLARED_MACRO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub ConvertDir(sIn As String, sOut As String)
  Dim sList As String
  sName = Dir(sIn &amp; &quot;/&quot;, 0)
  Do While sName &lt;&gt; &quot;&quot;
    If LCase(Right(sName, 5)) = &quot;.docx&quot; Then sList = sList &amp; sName &amp; Chr(10)
    sName = Dir()
  Loop
  aNames = Split(sList, Chr(10))
  Dim aLoad(0) As New com.sun.star.beans.PropertyValue
  aLoad(0).Name = &quot;Hidden&quot; : aLoad(0).Value = True
  Dim aSave(0) As New com.sun.star.beans.PropertyValue
  aSave(0).Name = &quot;FilterName&quot; : aSave(0).Value = &quot;writer_pdf_Export&quot;
  For k = 0 To UBound(aNames)
    If aNames(k) &lt;&gt; &quot;&quot; Then
      oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn &amp; &quot;/&quot; &amp; aNames(k)), &quot;_blank&quot;, 0, aLoad())
      oStyles = oDoc.StyleFamilies.getByName(&quot;ParagraphStyles&quot;)
      For i = 0 To oStyles.Count - 1
        oStyles.getByIndex(i).ParaIsCharacterDistance = False
        oStyles.getByIndex(i).ParaIsHangingPunctuation = False
      Next
      sPdf = sOut &amp; &quot;/&quot; &amp; Left(aNames(k), Len(aNames(k)) - 5) &amp; &quot;.pdf&quot;
      oDoc.storeToURL(ConvertToURL(sPdf), aSave())
      oDoc.close(True)
    End If
  Next
End Sub
</script:module>
"#;

/// Like [`libreoffice_pdfs`] for every .docx in `dir`, but with the two paragraph settings
/// LibreOffice 7.4's DOCX import cannot take from a .docx put back as the .docx declares
/// them (off), so the render shows what a word processor following the .docx does:
/// `w:autoSpaceDE`/`w:autoSpaceDN` are ignored (writerfilter drops them; LibreOffice always
/// puts 0.2 em between CJK and Latin letters or digits) and `w:overflowPunct` is read
/// inverted (`0` turns hanging punctuation on). The caller checks that the .docx does declare
/// both off. Returns the folder of the PDFs (named after the .docx).
pub fn libreoffice_pdfs_as_declared(dir: &Path, work: &Path) -> PathBuf {
    let conf = fontconfig_file(work);
    let outdir = work.join("lo-declared");
    std::fs::create_dir_all(&outdir).unwrap();
    let profile_dir = work.join("lo-macro-profile");
    let profile = format!("-env:UserInstallation=file://{}", profile_dir.display());
    // A fresh profile gets its default Basic library on first start: create it, then put the
    // macro in.
    let init = Command::new("soffice")
        .env("FONTCONFIG_FILE", &conf)
        .args([profile.as_str(), "--headless", "--terminate_after_init"])
        .output()
        .expect("soffice");
    assert!(init.status.success(), "soffice failed: {}", String::from_utf8_lossy(&init.stderr));
    let module = profile_dir.join("user/basic/Standard/Module1.xba");
    assert!(module.is_file(), "LibreOffice made no Basic library in {}", profile_dir.display());
    std::fs::write(&module, AS_DECLARED_MACRO).unwrap();
    let call = format!("macro:///Standard.Module1.ConvertDir(\"{}\",\"{}\")", dir.display(), outdir.display());
    let run = Command::new("soffice")
        .env("FONTCONFIG_FILE", &conf)
        .args([profile.as_str(), "--headless", call.as_str()])
        .output()
        .expect("soffice");
    assert!(run.status.success(), "soffice macro failed: {}", String::from_utf8_lossy(&run.stderr));
    outdir
}

/// Files in a folder with the given extension, sorted.
pub fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    v
}

/// A valid 2×1 PNG of pure red pixels (a stand-in seal: printed 42 mm wide, it is a red
/// 42 × 21 mm rectangle that is easy to find on a rendered page).
pub const RED_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x7b, 0x40, 0xe8, 0xdd, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x44, 0x00, 0x08, 0xfe, 0x01, 0xff, 0xc6, 0x9e, 0x79,
    0xf7, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// Boxes (xMin, yMin, xMax, yMax, in points) of the words on 1-based `page` whose text
/// contains `needle`, from `pdftotext -bbox`.
pub fn word_boxes(pdf: &Path, page: usize, needle: &str) -> Vec<(f32, f32, f32, f32)> {
    let o = Command::new("pdftotext")
        .args(["-bbox", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let s = String::from_utf8_lossy(&o.stdout).into_owned();
    let attr = |line: &str, k: &str| -> f32 {
        let at = line.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
        line[at..].split('"').next().unwrap().parse().unwrap()
    };
    s.lines()
        .filter(|l| l.trim_start().starts_with("<word") && l.contains(needle))
        .map(|l| (attr(l, "xMin"), attr(l, "yMin"), attr(l, "xMax"), attr(l, "yMax")))
        .collect()
}

/// Bounding box (in points) of the clearly red pixels on 1-based `page`, rendered at 72 dpi.
pub fn red_box(pdf: &Path, page: usize) -> Option<(f32, f32, f32, f32)> {
    let o = Command::new("pdftoppm")
        .args(["-r", "72", "-f", &page.to_string(), "-l", &page.to_string()])
        .arg(pdf)
        .output()
        .expect("pdftoppm");
    // Binary PPM: "P6\n<w> <h>\n255\n" then RGB triples.
    let d = o.stdout;
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while d[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !d[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&d[start..i]).into_owned());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &d[i + 1..];
    let mut b: Option<(usize, usize, usize, usize)> = None;
    for y in 0..h {
        for x in 0..w {
            let p = &pixels[(y * w + x) * 3..(y * w + x) * 3 + 3];
            if p[0] > 200 && p[1] < 80 && p[2] < 80 {
                b = Some(match b {
                    None => (x, y, x, y),
                    Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
                });
            }
        }
    }
    b.map(|(x0, y0, x1, y1)| (x0 as f32, y0 as f32, x1 as f32 + 1.0, y1 as f32 + 1.0))
}

/// Write one workbook row: the cells of `row` from column A, leaving empty strings blank (an
/// empty cell, as a clerk leaves it, not an empty string).
pub fn write_row(ws: &mut rust_xlsxwriter::Worksheet, r: u32, row: &[String]) {
    for (c, v) in row.iter().enumerate() {
        if !v.is_empty() {
            ws.write_string(r, c as u16, v).unwrap();
        }
    }
}

/// `../shared/checkdocs/checkdocs` beside the repository (or `GONGWEN_CHECKDOCS`), if it is
/// there; else skip (saying so) or, under GONGWEN_REQUIRE_TOOLS, fail.
pub fn checkdocs_tool() -> Option<PathBuf> {
    let tool = std::env::var("GONGWEN_CHECKDOCS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo().join("../shared/checkdocs/checkdocs"));
    if tool.exists() {
        return Some(tool);
    }
    skip("checkdocs", &format!("not found at {} (set GONGWEN_CHECKDOCS)", tool.display()));
    None
}

/// The text of a .docx's document.xml, tags removed.
pub fn docx_text(path: &Path) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// A PDF's outline (bookmarks) as (title, 1-based page), from `qpdf --json`.
pub fn outline(pdf: &Path) -> Vec<(String, usize)> {
    let o = std::process::Command::new("qpdf").args(["--json", "--json-key=outlines"]).arg(pdf).output().expect("qpdf");
    assert!(o.status.success(), "qpdf --json: {}", String::from_utf8_lossy(&o.stderr));
    let json = String::from_utf8(o.stdout).unwrap();
    // qpdf writes one key per line; a flat outline's items each have one title and one page.
    let value = |line: &str, key: &str| {
        line.trim().strip_prefix(&format!("\"{key}\": ")).map(|v| v.trim_end_matches(',').to_string())
    };
    let pages: Vec<usize> =
        json.lines().filter_map(|l| value(l, "destpageposfrom1")).map(|v| v.parse().unwrap()).collect();
    let titles: Vec<String> =
        json.lines().filter_map(|l| value(l, "title")).map(|v| v.trim_matches('"').to_string()).collect();
    assert_eq!(pages.len(), titles.len(), "{json}");
    titles.into_iter().zip(pages).collect()
}

/// A workbook of two requests to 财务部, the second (row 3) with the impossible date
/// `2026-02-30` in D3, saved as `坏日期.xlsx` in `dir`.
pub fn bad_date_workbook(dir: &Path) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet().set_name("协作需求").unwrap();
    write_row(ws, 0, &REQUIRED_HEADERS.map(String::from));
    write_row(ws, 1, &required_values("协作函〔2026〕1号", "财务部"));
    let mut bad = required_values("协作函〔2026〕2号", "财务部");
    bad[3] = "2026-02-30".into();
    write_row(ws, 2, &bad);
    let path = dir.join("坏日期.xlsx");
    book.save(&path).unwrap();
    path
}
