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
    assert!(err.contains(&format!("letter.toml:{line}:")), "file and line in: {err}");
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
