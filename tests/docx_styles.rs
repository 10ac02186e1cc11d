//! The .docx of the sample, read by python-docx as Word would list it: every paragraph is in a
//! named style — the body text in 正文 (Word's Normal), the title in Word's Title, the headings
//! in 一级标题, the signature in 署名, the reply slip, the tables and the task list in theirs.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// Is python3 with python-docx there? If not: skip, or fail under GONGWEN_REQUIRE_TOOLS.
fn have_python_docx() -> bool {
    if !have("python3") {
        return false;
    }
    let ok = Command::new("python3").args(["-c", "import docx"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        skip("checks that use python-docx", "python-docx is not installed");
    }
    ok
}

/// (where, style name, text) of every paragraph of `docx`, body paragraphs (`P`) then table
/// cells (`C`), as python-docx reports them.
fn paragraph_styles(docx: &Path) -> Vec<(String, String, String)> {
    const SCRIPT: &str = r#"
import docx, sys
d = docx.Document(sys.argv[1])
clean = lambda s: s.replace("\t", " ").replace("\n", " ")
for p in d.paragraphs:
    print("P", p.style.name, clean(p.text), sep="\t")
for t in d.tables:
    for row in t.rows:
        for c in row.cells:
            for p in c.paragraphs:
                print("C", p.style.name, clean(p.text), sep="\t")
"#;
    let o = Command::new("python3").args(["-c", SCRIPT]).arg(docx).output().expect("python3");
    assert!(
        o.status.success(),
        "python-docx could not read {}: {}",
        docx.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            let mut next = || f.next().unwrap_or_default().to_string();
            (next(), next(), next())
        })
        .collect()
}

/// The style of the first paragraph whose text satisfies `pick`.
fn style_of(list: &[(String, String, String)], pick: impl Fn(&str) -> bool) -> &str {
    list.iter().find(|(_, _, text)| pick(text)).map(|(_, style, _)| style.as_str()).expect("such a paragraph")
}

#[test]
fn word_lists_the_letters_paragraphs_in_their_named_styles() {
    if !have_python_docx() {
        return;
    }
    let out = generate_sample("docx-styles", "letter,application,tasks");
    let letters = files_with_ext(&out, "docx")
        .into_iter()
        .filter(|f| f.to_string_lossy().contains("工作联系函"))
        .collect::<Vec<_>>();
    assert!(letters.len() >= 5);
    for letter in &letters {
        let list = paragraph_styles(letter);
        let body: Vec<&(String, String, String)> = list.iter().filter(|(kind, ..)| kind == "P").collect();
        assert_eq!(body[0].1, "Title", "{}: the title", letter.display());
        // The first heading and the text under it.
        let heading = body.iter().position(|(_, _, t)| t.starts_with("一、")).expect("a heading 一、");
        assert_eq!(body[heading].1, "一级标题", "{}", letter.display());
        assert_eq!(body[heading + 1].1, "Normal", "{}: body text is in 正文", letter.display());
        assert_eq!(style_of(&list, |t| t.starts_with("二、")), "一级标题");
        assert_eq!(style_of(&list, |t| t.contains("特此函告")), "Normal");
        assert_eq!(style_of(&list, |t| t.ends_with("（盖章）")), "署名");
        assert_eq!(style_of(&list, |t| t.starts_with("发函部门")), "版头栏目");
        assert_eq!(style_of(&list, |t| t.replace(' ', "") == "回执"), "回执标题");
        assert_eq!(style_of(&list, |t| t.starts_with('□')), "回执选项");
    }
    // The forms' tables: labels, text, the task list's header and cells.
    let application =
        files_with_ext(&out, "docx").into_iter().find(|f| f.to_string_lossy().contains("协作需求申请表")).unwrap();
    let list = paragraph_styles(&application);
    assert_eq!(list.iter().find(|(kind, ..)| kind == "P").unwrap().1, "表格标题");
    let cells: Vec<&str> = list.iter().filter(|(kind, ..)| kind == "C").map(|(_, s, _)| s.as_str()).collect();
    assert!(cells.contains(&"表格标签") && cells.contains(&"表格文字"), "{cells:?}");
    let tasks =
        files_with_ext(&out, "docx").into_iter().find(|f| f.to_string_lossy().contains("协作任务拆分清单")).unwrap();
    let list = paragraph_styles(&tasks);
    assert_eq!(style_of(&list, |t| t == "序号"), "清单表头");
    assert!(list.iter().any(|(_, s, _)| s == "清单文字"));
}
