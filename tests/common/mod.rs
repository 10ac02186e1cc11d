//! Shared helpers for the end-to-end tests: run the `gongwen` binary, build workbooks, and read
//! outputs back with the poppler tools and LibreOffice.
//!
//! Tests that need an external tool skip (saying so) when it is missing, so `cargo test` works
//! on a machine with only Rust; CI sets `GONGWEN_REQUIRE_TOOLS=1`, which turns a skip into a
//! failure.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample() -> PathBuf {
    repo().join("samples/requests.xlsx")
}

/// Run `gongwen` with `args`.
pub fn gongwen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongwen")).args(args).output().expect("run gongwen")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Is `tool` runnable? If not: skip (return false) or, under GONGWEN_REQUIRE_TOOLS, fail.
pub fn have(tool: &str) -> bool {
    let ok = Command::new(tool).arg("-v").output().is_ok() || Command::new(tool).arg("--version").output().is_ok();
    if !ok {
        if std::env::var_os("GONGWEN_REQUIRE_TOOLS").is_some() {
            panic!("{tool} is required (GONGWEN_REQUIRE_TOOLS is set) but not installed");
        }
        eprintln!("SKIP: {tool} is not installed");
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

/// Convert .docx files to PDF with LibreOffice, with the bundled fonts standing in for the
/// names the .docx uses (fonts/fontconfig). Returns the PDFs' paths, in input order.
pub fn libreoffice_pdfs(docx: &[PathBuf], work: &Path) -> Vec<PathBuf> {
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
    let outdir = work.join("lo");
    let profile = format!("file://{}", work.join("lo-profile").display());
    let status = Command::new("soffice")
        .env("FONTCONFIG_FILE", &conf)
        .arg(format!("-env:UserInstallation={profile}"))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&outdir)
        .args(docx)
        .output()
        .expect("soffice");
    assert!(status.status.success(), "soffice failed: {}", String::from_utf8_lossy(&status.stderr));
    docx.iter()
        .map(|d| outdir.join(d.file_stem().unwrap()).with_extension("pdf"))
        .collect()
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
