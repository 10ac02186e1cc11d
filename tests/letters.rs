//! End to end on the bundled sample workbook: every letter exists under its §6 name in both
//! formats, its PDF carries the row's values and every fixed sentence, fonts are embedded and
//! subset, no line starts with forbidden punctuation, and LibreOffice lays the .docx out on
//! the same number of pages as our PDF.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// (编号, 收函部门, 工作名称, 对接人, 电话, 发函日期) of each letter the sample must produce.
const LETTERS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("协作函〔2026〕1号", "研发中心", "2026年第三季度新产品上市", "王晓明", "13800138000", "2026年3月2日"),
    ("协作函〔2026〕2号", "人力资源部", "2026年度预算执行情况中期检查", "陈静", "13912345678", "2026年3月5日"),
    ("协作函〔2026〕2号", "行政部", "2026年度预算执行情况中期检查", "陈静", "13912345678", "2026年3月5日"),
    ("协作函〔2026〕3号", "采购中心", "供应商管理流程优化", "杨磊", "13800000003", "2026年3月8日"),
    ("协作函〔2026〕4号", "信息技术部", "客户服务一体化流程再造", "刘芳", "13912345678", "2026年3月12日"),
    ("协作函〔2026〕5号", "各事业部", "2026年校园招聘", "何丽", "010-62345678", "2026年3月16日"),
    ("协作函〔2026〕6号", "生产制造部", "春季安全生产大检查", "郑涛", "13700001111", "2026年3月20日"),
    ("协作函〔2026〕6号", "设备动力部", "春季安全生产大检查", "郑涛", "13700001111", "2026年3月20日"),
];

/// The fixed wording of FORMS.md §2 (whitespace-free), present in every letter.
const FIXED: &[&str] = &[
    "工作联系函",
    "发函部门：",
    "发函日期：",
    "函件编号：",
    "（以下简称“该工作”）的实施，确保各项任务高效协同、按期完成，现就该工作中需贵部门协作配合的事项函告如下：",
    "一、协作背景及目的",
    "需多部门协同推进。为确保该工作于",
    "前按计划完成",
    "需贵部门在相关环节给予专业支持与配合。",
    "二、具体协作事项及要求",
    "1.协作内容：",
    "2.交付标准：",
    "3.完成时限：请于",
    "前完成上述协作工作，并将成果及完成情况反馈至我部门。",
    "4.对接人员：我部门指定",
    "为该工作对接人，联系电话：",
    "贵部门可指派专人对接，便于工作沟通。",
    "三、其他事项",
    "1.我部门将全力配合本次协作工作，如需提供相关资料或配合开展前期工作，请及时告知。",
    "2.如遇特殊情况无法按上述时限完成协作，或对协作事项、标准有疑问，请",
    "与我部门对接人协商调整方案，确保该工作整体进度不受影响。",
    "该工作的顺利开展离不开贵部门的支持与配合，望予协助。特此函告。",
    "（盖章）",
    "回执",
    "（由收函部门填写）",
    "我部门同意按上述要求配合，指定",
    "为对接人，联系电话：",
    "我部门对协作事项有调整建议，具体为：",
    "请与我部门对接人",
    "协商。",
    "收函部门（盖章）：",
    "回复日期：",
];

/// The sample's documents, generated once for all tests in this file.
fn out() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| generate_sample("letters", "letter"))
}

fn letter_path(id: &str, dept: &str, ext: &str) -> PathBuf {
    out().join(format!("{id}_{dept}_工作联系函.{ext}"))
}

#[test]
fn every_letter_exists_in_both_formats_under_its_name() {
    for (id, dept, ..) in LETTERS {
        for ext in ["docx", "pdf"] {
            let p = letter_path(id, dept, ext);
            assert!(p.is_file(), "missing {}", p.display());
        }
    }
    assert_eq!(files_with_ext(out(), "pdf").len(), LETTERS.len());
    assert_eq!(files_with_ext(out(), "docx").len(), LETTERS.len());
    let manifest = std::fs::read_to_string(out().join("manifest.csv")).unwrap();
    assert!(manifest.starts_with('\u{feff}'));
    assert_eq!(manifest.lines().count(), 1 + 2 * LETTERS.len(), "{manifest}");
}

#[test]
fn pdf_text_has_the_row_values_and_every_fixed_sentence() {
    if !have("pdftotext") {
        return;
    }
    for (id, dept, work, contact, phone, date) in LETTERS {
        let text = without_page_numbers(&squeezed(&pdftotext(&letter_path(id, dept, "pdf"))));
        for want in [*id, *dept, *work, *contact, *phone, *date] {
            assert!(text.contains(want), "{id} {dept}: {want:?} not in PDF text");
        }
        assert!(text.contains(&format!("{dept}：")), "salutation");
        for s in FIXED {
            assert!(text.contains(s), "{id} {dept}: fixed sentence {s:?} not in PDF text:\n{text}");
        }
    }
}

#[test]
fn empty_optional_fields_leave_no_dangling_phrases() {
    if !have("pdftotext") {
        return;
    }
    // Request 5 has no e-mail, no 协商截止日期, no 工作性质, no 预期成效 and no 附件.
    let text = squeezed(&pdftotext(&letter_path("协作函〔2026〕5号", "各事业部", "pdf")));
    assert!(text.contains("联系电话：010-62345678。贵部门可指派"), "{text}");
    for bad in ["电子邮箱", "于前", "附件：", "实现目标", "公司，涉及"] {
        assert!(!text.contains(bad), "{bad:?} should be gone:\n{text}");
    }
}

#[test]
fn fonts_are_embedded_subset_and_files_small() {
    if !have("pdffonts") {
        return;
    }
    for (id, dept, ..) in LETTERS {
        let pdf = letter_path(id, dept, "pdf");
        let fonts = pdffonts(&pdf);
        assert!(fonts.len() >= 3, "title, body and heading fonts expected: {fonts:?}");
        for (name, _, emb, sub, uni) in &fonts {
            assert!(*emb && *sub && *uni, "{name} in {}: emb {emb} sub {sub} uni {uni}", pdf.display());
        }
        for family in ["GongwenTitle", "GongwenFangSong", "GongwenHei"] {
            assert!(fonts.iter().any(|f| f.0.contains(family)), "{family} not used in {}", pdf.display());
        }
        // 120 KB for the usual three-page letter (Typst makes 116 KB); longer letters get the
        // same 40 KB a page.
        let size = std::fs::metadata(&pdf).unwrap().len();
        let pages = pdf_pages(&pdf).max(3) as u64;
        assert!(size <= pages * 40 * 1024, "{} is {size} bytes for {pages} pages", pdf.display());
    }
}

#[test]
fn no_line_starts_or_ends_with_forbidden_punctuation() {
    if !have("pdftotext") {
        return;
    }
    for (id, dept, ..) in LETTERS {
        let text = pdftotext(&letter_path(id, dept, "pdf"));
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let first = line.chars().next().unwrap();
            let last = line.chars().last().unwrap();
            assert!(!"，。、；：？！）】」』”’》%".contains(first), "{id}: line starts with {first}: {line}");
            assert!(!"（【「『“‘《".contains(last), "{id}: line ends with {last}: {line}");
        }
    }
}

#[test]
fn long_letter_runs_a_page_longer() {
    if !have("pdfinfo") {
        return;
    }
    let short = pdf_pages(&letter_path("协作函〔2026〕3号", "采购中心", "pdf"));
    let long = pdf_pages(&letter_path("协作函〔2026〕4号", "信息技术部", "pdf"));
    assert!((2..=3).contains(&short), "an ordinary letter is two or three pages, got {short}");
    assert!(long > short, "the long letter ({long}) should run longer than {short}");
}

#[test]
fn libreoffice_renders_the_docx_on_as_many_pages_as_the_pdf() {
    if !have("soffice") || !have("pdfinfo") {
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let docx: Vec<PathBuf> = LETTERS.iter().map(|(id, dept, ..)| letter_path(id, dept, "docx")).collect();
    let rendered = libreoffice_pdfs(&docx, work.path());
    for ((id, dept, ..), lo_pdf) in LETTERS.iter().zip(&rendered) {
        let ours = pdf_pages(&letter_path(id, dept, "pdf"));
        let theirs = pdf_pages(lo_pdf);
        assert_eq!(
            ours, theirs,
            "{id} {dept}: our PDF has {ours} pages, LibreOffice's rendering of the .docx {theirs}"
        );
    }
}

/// (发函部门, 发函日期) of each letter's signature.
fn signatures() -> impl Iterator<Item = (&'static str, &'static str, &'static str, &'static str)> {
    const SENDERS: &[&str] =
        &["市场营销部", "财务部", "财务部", "行政部", "客户服务部", "人力资源部", "安全环保部", "安全环保部"];
    LETTERS.iter().zip(SENDERS).map(|((id, dept, .., date), from)| (*id, *dept, *from, *date))
}

#[test]
fn date_ends_four_characters_from_the_right_and_the_name_is_centred_over_it() {
    if !have("pdftotext") {
        return;
    }
    const MM: f32 = 72.0 / 25.4;
    // GB/T 9704 §7.3.5.1: 右空四字 — four 三号 characters (4 × 16 pt) in from the right edge of
    // the type area (A4, right margin 26 mm).
    let right = (210.0 - 26.0) * MM;
    for (id, dept, from, date) in signatures() {
        let pdf = letter_path(id, dept, "pdf");
        let name_text = format!("{from}（盖章）");
        let page = (1..=pdf_pages(&pdf))
            .find(|&p| !word_boxes(&pdf, p, &name_text).is_empty())
            .unwrap_or_else(|| panic!("{id} {dept}: no signature"));
        let name = word_boxes(&pdf, page, &name_text)[0];
        let date = *word_boxes(&pdf, page, date).iter().find(|b| b.1 > name.1).expect("the date under the name");
        assert!(
            (date.2 - (right - 4.0 * 16.0)).abs() <= 1.0 * MM,
            "{id} {dept}: the date ends at {} mm, not 4 characters in",
            date.2 / MM
        );
        let (nc, dc) = ((name.0 + name.2) / 2.0, (date.0 + date.2) / 2.0);
        assert!((nc - dc).abs() <= 1.0 * MM, "{id} {dept}: name centred at {nc}, date at {dc}");
        assert!(name.2 <= right + 0.5, "{id} {dept}: the name runs past the type area");
    }
}

#[test]
fn slip_title_copies_as_one_word_and_numbered_items_end_their_sentence() {
    if !have("pdftotext") {
        return;
    }
    for (id, dept, ..) in LETTERS {
        let text = pdftotext(&letter_path(id, dept, "pdf"));
        // Letter-spaced, not typed spaces: the title copies as 回执 on a line of its own.
        assert!(text.lines().any(|l| l.trim() == "回执"), "{id} {dept}: 回执 does not copy as one word");
        let flat = squeezed(&text);
        // No space after "1." and each numbered item built from a cell ends with 。.
        for (item, next) in [("1.协作内容：", "2.交付标准："), ("2.交付标准：", "3.完成时限：")] {
            let at = flat.find(item).unwrap_or_else(|| panic!("{id}: {item}"));
            let end = at + flat[at..].find(next).unwrap();
            assert!(flat[at..end].ends_with('。'), "{id} {dept}: {:?} does not end with 。", &flat[at..end]);
        }
    }
}

#[test]
fn ordinary_letters_keep_the_slip_with_the_signature_when_it_fits() {
    if !have("pdfinfo") || !have("pdftotext") {
        return;
    }
    // 5号 has one-phrase fields and no annex: signature and slip share page 2.
    let pdf = letter_path("协作函〔2026〕5号", "各事业部", "pdf");
    assert_eq!(pdf_pages(&pdf), 2);
    let o = std::process::Command::new("pdftotext")
        .args(["-f", "2", "-l", "2", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let last = squeezed(&String::from_utf8(o.stdout).unwrap());
    assert!(last.contains("人力资源部（盖章）") && last.contains("回执") && last.contains("回复日期"), "{last}");
}
