//! Editable wording: `--forms-dir` replaces a built-in form; a broken form file stops the run
//! before anything is written, naming the file and line.

mod common;
use common::*;

const BUILT_IN_LETTER: &str = include_str!("../forms/letter.toml");

#[test]
fn a_reworded_closing_sentence_appears_in_every_letter() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("我的表单");
    std::fs::create_dir(&forms).unwrap();
    let reworded = BUILT_IN_LETTER
        .replace("该工作的顺利开展离不开贵部门的支持与配合，望予协助。特此函告。", "感谢贵部门的大力支持！特此函告。");
    assert_ne!(reworded, BUILT_IN_LETTER);
    std::fs::write(forms.join("letter.toml"), reworded).unwrap();
    let out = dir.path().join("out");
    let o = gongwen(&[
        "generate",
        sample().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--forms-dir",
        forms.to_str().unwrap(),
        "--forms",
        "letter",
        "--format",
        "pdf",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let letters = files_with_ext(&out, "pdf");
    assert_eq!(letters.len(), 8);
    if !have("pdftotext") {
        return;
    }
    for pdf in letters {
        let text = squeezed(&pdftotext(&pdf));
        assert!(text.contains("感谢贵部门的大力支持！特此函告。"), "{}", pdf.display());
        assert!(!text.contains("望予协助"), "{}", pdf.display());
    }
}

#[test]
fn an_unknown_placeholder_is_rejected_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let broken = BUILT_IN_LETTER.replace("{对接人}为该工作对接人", "{联系人}为该工作对接人");
    let line = broken.lines().position(|l| l.contains("{联系人}")).unwrap() + 1;
    std::fs::write(dir.path().join("letter.toml"), broken).unwrap();
    let out = dir.path().join("out");
    let o = gongwen(&[
        "generate",
        sample().to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--forms-dir",
        dir.path().to_str().unwrap(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("letter.toml:{line}：")), "file and line in: {err}");
    assert!(err.contains("{联系人}"), "{err}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn forms_export_writes_the_built_in_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("表单");
    let o = gongwen(&["forms", "export", target.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(target.join("letter.toml")).unwrap(), BUILT_IN_LETTER);
    for f in ["application.toml", "tasks.toml"] {
        assert!(target.join(f).is_file(), "{f}");
    }
    // Exporting again would overwrite edits: refused unless --force.
    let o = gongwen(&["forms", "export", target.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(gongwen(&["forms", "export", target.to_str().unwrap(), "--force"]).status.success());
}

/// `gongwen generate SAMPLE -o DIR/out --forms-dir FORMS`, killed if it runs past 60 s (a
/// form file that is a FIFO must not block the run).
fn generate_with_forms(dir: &std::path::Path, forms: &std::path::Path) -> (Option<i32>, String) {
    use std::process::{Command, Stdio};
    let out = dir.join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongwen"))
        .args(["generate", sample().to_str().unwrap(), "-o", out.to_str().unwrap(), "--forms-dir"])
        .arg(forms)
        .args(["--forms", "letter", "--format", "docx"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run gongwen");
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed().as_secs() > 60 {
            child.kill().unwrap();
            panic!("gongwen did not finish within 60 s with --forms-dir {}", forms.display());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    (o.status.code(), stderr(&o))
}

/// The first line of what gongwen said, checked to be a Chinese error with no English tail.
fn the_error(code: Option<i32>, err: &str, out: &std::path::Path) -> String {
    assert_eq!(code, Some(2), "{err}");
    assert!(err.starts_with("错误："), "{err}");
    assert!(!err.contains("No such file") && !err.contains("expected") && !err.contains("os error"), "{err}");
    assert!(!out.exists(), "nothing is written: {err}");
    err.lines().next().unwrap().to_string()
}

#[test]
fn a_forms_dir_that_is_not_there_or_not_a_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = generate_with_forms(dir.path(), &dir.path().join("我的表单"));
    let first = the_error(code, &err, &dir.path().join("out"));
    assert!(first.contains("我的表单") && first.contains("不存在"), "{first}");

    let file = dir.path().join("letter.toml");
    std::fs::write(&file, BUILT_IN_LETTER).unwrap();
    let (code, err) = generate_with_forms(dir.path(), &file);
    let first = the_error(code, &err, &dir.path().join("out"));
    assert!(first.contains("应为文件夹"), "{first}");

    let empty = dir.path().join("空的");
    std::fs::create_dir(&empty).unwrap();
    let (code, err) = generate_with_forms(dir.path(), &empty);
    let first = the_error(code, &err, &dir.path().join("out"));
    assert!(first.contains("没有表单文件（*.toml，如 application.toml、"), "{first}");
}

/// A file that is not a form file is an error, never passed over (which would leave the user's
/// edit unused and the built-in form in its place); a new form file that takes a name another
/// form has is one too.
#[test]
fn a_file_that_is_not_a_known_form_is_an_error() {
    for (name, hint) in [
        ("Letter.toml", "是想替换内置的 letter.toml 吗"),
        ("letter.TOML", "是想替换内置的 letter.toml 吗"),
        ("letter.txt", "是想替换内置的 letter.toml 吗"),
        ("TASKS.toml", "是想替换内置的 tasks.toml 吗"),
        ("会议.toml", "表单文件名应由小写英文字母"),
        ("README.md", "只能有表单文件（*.toml"),
        // A new form, but named 工作联系函 like the built-in letter.
        ("memo.toml", "表单名称“工作联系函”与 forms/letter.toml 的表单重复"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let forms = dir.path().join("forms");
        std::fs::create_dir(&forms).unwrap();
        std::fs::write(forms.join(name), BUILT_IN_LETTER).unwrap();
        let (code, err) = generate_with_forms(dir.path(), &forms);
        let first = the_error(code, &err, &dir.path().join("out"));
        assert!(first.contains(name), "{name}: {first}");
        assert!(first.contains(hint), "{name}: {first}");
    }
    // A folder inside is not a form either.
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(forms.join("旧版")).unwrap();
    std::fs::write(forms.join("letter.toml"), BUILT_IN_LETTER).unwrap();
    let (code, err) = generate_with_forms(dir.path(), &forms);
    assert!(the_error(code, &err, &dir.path().join("out")).contains("旧版"), "{err}");
}

#[test]
fn hidden_system_files_beside_a_form_are_passed_over() {
    let dir = tempfile::tempdir().unwrap();
    let forms = dir.path().join("forms");
    std::fs::create_dir(&forms).unwrap();
    std::fs::write(forms.join("letter.toml"), BUILT_IN_LETTER).unwrap();
    std::fs::write(forms.join(".DS_Store"), b"\0\0\0\x01Bud1").unwrap();
    let (code, err) = generate_with_forms(dir.path(), &forms);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(files_with_ext(&dir.path().join("out"), "docx").len(), 8);
}

/// A form file that is a FIFO, not UTF-8, or far too large is refused without reading it
/// whole (a FIFO would block the run for ever).
#[test]
fn a_form_file_that_cannot_be_a_form_is_refused() {
    type Make = fn(&std::path::Path);
    let cases: [(&str, Make); 3] = [
        ("不是普通文件", |p| {
            let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
        }),
        ("不是 UTF-8 编码", |p| std::fs::write(p, b"[form]\nname = \"\xb9\xa4\xd7\xf7\"\n").unwrap()),
        ("文件过大", |p| std::fs::write(p, " ".repeat(300 * 1024)).unwrap()),
    ];
    for (says, make) in cases {
        let dir = tempfile::tempdir().unwrap();
        let forms = dir.path().join("forms");
        std::fs::create_dir(&forms).unwrap();
        make(&forms.join("letter.toml"));
        let (code, err) = generate_with_forms(dir.path(), &forms);
        let first = the_error(code, &err, &dir.path().join("out"));
        assert!(first.contains("letter.toml") && first.contains(says), "{says}: {first}");
    }
}

/// A number in a form file that is not a number the form can use stops the run at its line.
#[test]
fn a_bad_number_stops_the_run_at_its_line() {
    for (from, to, says) in [
        (
            "lines = [\"{发函部门}\", \"{发函日期}\"]",
            "lines = [\"{发函部门}\", \"[[[[[[[[[{发函日期}]]]]]]]]]\"]",
            "套得太深",
        ),
        ("{_14}", "{_nan}", "宽度应为 1–40 个字"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let forms = dir.path().join("forms");
        std::fs::create_dir(&forms).unwrap();
        let bad = BUILT_IN_LETTER.replacen(from, to, 1);
        let line = bad.lines().position(|l| l.contains(to)).unwrap() + 1;
        std::fs::write(forms.join("letter.toml"), bad).unwrap();
        let (code, err) = generate_with_forms(dir.path(), &forms);
        let first = the_error(code, &err, &dir.path().join("out"));
        assert!(first.contains(&format!("letter.toml:{line}：")), "{first}");
        assert!(first.contains(says), "{first}");
    }
}
