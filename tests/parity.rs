//! Page-for-page agreement between our PDF and a word processor's rendering of our .docx
//! (issue 8, FORMS.md §5): every .docx of the sample workbook and of a probe workbook made here
//! is rendered by LibreOffice, and per document the page count must be equal and the text that
//! starts each page of our PDF must start the same page of LibreOffice's PDF.
//!
//! The probe holds 60 letters whose 协作内容 grows a sentence at a time (realistic sentences
//! with digits, dates, e-mail addresses, “quotes” and （brackets）, so every page-break position
//! and the line-breaking differences between the two layouts get exercised), application forms
//! whose 协作背景 grows with them, and task lists of 2 … 40 tasks.
//!
//! The figures (`parity: N docs, counts equal C, page starts equal S (P%), slip-only letters K
//! of L`) and every differing document are printed to stderr and written to
//! `target/parity.txt`, so a CI log (or `cat target/parity.txt`) shows them even when the test
//! passes. A "slip-only letter" is a letter with a page that holds only the reply slip (回执).

mod common;
use common::*;
use rust_xlsxwriter::Workbook;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Share of documents whose page starts must agree (acceptance of issue 8).
const MIN_SHARE: f64 = 0.95;
/// How many letters the probe has.
const PROBE_LETTERS: usize = 60;
/// How many characters of a page's text make its "start".
const START_CHARS: usize = 6;

/// Sentences for 协作内容 / 协作背景, the kind of text that exposes line-breaking differences:
/// digits next to ideographs, dates, e-mail addresses, quotes, brackets, percentages.
const SENTENCES: &[&str] = &[
    "请于2026年4月15日前提供近三年（2023—2025年）的业务数据，按季度汇总。",
    "数据需包含订单量、客单价和退货率三项指标，并注明统计口径。",
    "如对“客户满意度”指标的计算方法有疑问，请与对接人联系，邮箱zhangwei@example.com。",
    "请安排2名熟悉系统的技术人员参加4月20日上午9:30在3号会议室召开的需求评审会。",
    "评审会将讨论接口方案（含数据字段、传输频率和异常处理），请提前准备意见。",
    "对现有流程中存在的问题，请逐项列明，并提出不少于3条改进建议。",
    "相关材料请以电子版形式发送至project-office@example.com，纸质版一式两份。",
    "第一阶段工作计划于2026年5月31日前完成，第二阶段于7月15日前完成。",
    "请贵部门指定1名联络员，负责日常沟通，联系电话请填写在回执中。",
    "涉及的费用预算约为12.5万元，由我部门统一申报，贵部门无需另行列支。",
    "试点范围为华东、华南两个区域的18家门店，试点周期为90天。",
    "试点期间请每周五下午5点前报送周报，周报模板见附件2。",
    "对于系统改造中发现的“历史遗留问题”，请单独列出清单，不影响本期上线。",
    "验收标准参照《信息系统项目验收管理办法》（2024年修订版）第三章执行。",
    "请于每月10日前反馈上月配合工作完成情况，完成率需达到95%以上。",
    "如需调整时间节点，请至少提前5个工作日书面告知我部门。",
    "培训共安排4场，每场约2小时，参训人员名单请于4月8日前报送。",
    "项目编号为XM-2026-0417，请在所有往来文件中注明该编号。",
    "为保证数据安全，请通过公司内网共享盘（路径：/data/share/2026）传递文件，不得使用个人邮箱。",
    "协作成果将纳入年度部门协同考核，考核结果在第四季度通报。",
    "请核对附表中的236条记录，对有误的记录标注“需更正”并说明原因。",
    "现场调研安排在4月22日至24日，每天上午8:30出发，下午5:00返回。",
    "若贵部门人员紧张，可先提供书面材料，调研访谈可改为线上进行。",
    "最终方案需经分管领导审批后执行，审批流程预计需要3至5个工作日。",
];

/// Task names and descriptions for the probe's task lists.
const TASKS: &[(&str, &str)] = &[
    ("需求调研", "走访3个业务部门，形成调研报告（不少于5000字）"),
    ("方案设计", "完成总体方案与接口设计，经评审会确认"),
    ("数据准备", "清洗2023—2025年历史数据，准确率达到99.5%"),
    ("系统开发", "按方案完成功能开发与单元测试"),
    ("联调测试", "与财务、仓储系统联调，缺陷修复率100%"),
    ("用户培训", "组织4场培训，覆盖全部一线岗位人员"),
    ("试点运行", "在华东区域18家门店试点90天，每周报送周报"),
    ("验收总结", "形成验收报告和“经验教训”清单，报分管领导"),
];

const DEPTS: &[&str] = &["研发中心", "财务部", "人力资源部", "信息技术部", "采购中心", "法务部"];

/// The probe workbook: `PROBE_LETTERS` requests (one receiving department each, so one letter
/// each) whose 协作内容 has 1, 2, … sentences; 协作背景 grows half as fast; every third request
/// has 2, 4, … 40 tasks.
fn probe_workbook(dir: &Path) -> PathBuf {
    let headers = [
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
        "附件",
        "协作背景",
        "协作目标",
        "所需资源",
        "期望时间节点",
        "发起人",
        "紧急程度",
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let sentences =
        |n: usize, offset: usize| -> String { (0..n).map(|k| SENTENCES[(k + offset) % SENTENCES.len()]).collect() };
    for k in 1..=PROBE_LETTERS {
        let day = 1 + k % 28;
        let row = [
            format!("探针〔2026〕{k}号"),
            "市场营销部".to_string(),
            DEPTS[k % DEPTS.len()].to_string(),
            format!("2026-03-{day:02}"),
            format!("第{k}批门店数字化运营试点"),
            "年度重点工作".to_string(),
            format!("实现试点门店线上订单占比提升至{}%", 20 + k),
            "2026-09-30".to_string(),
            "流程效率提升20%".to_string(),
            sentences(k, 0),
            "数据准确完整，经双方负责人确认".to_string(),
            format!("2026-04-{:02}", 1 + k % 30),
            "王晓明".to_string(),
            format!("13800138{:03}", k),
            "wangxm@example.com".to_string(),
            if k % 2 == 0 { format!("2026-03-{:02}", 1 + (k + 5) % 28) } else { String::new() },
            if k % 4 == 0 { "试点门店名单；数据模板".to_string() } else { String::new() },
            sentences(k.div_ceil(2), 7),
            format!("第{k}批试点按期上线，客户满意度达到95%以上"),
            "技术人员2名、测试环境1套".to_string(),
            "2026年4月30日完成方案；2026年6月30日完成试点".to_string(),
            "李娜".to_string(),
            ["一般", "紧急", "特急"][k % 3].to_string(),
        ];
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(k as u32, c as u16, v).unwrap();
            }
        }
    }
    let ws = wb.add_worksheet().set_name("任务拆分").unwrap();
    let headers =
        ["编号", "序号", "任务名称", "承办部门", "承办人", "任务描述", "前置任务", "开始日期", "完成日期", "备注"];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let mut r = 1u32;
    for k in (3..=PROBE_LETTERS).step_by(3) {
        for seq in 1..=(2 * k / 3) {
            let (name, desc) = TASKS[(seq - 1) % TASKS.len()];
            let row = [
                format!("探针〔2026〕{k}号"),
                seq.to_string(),
                format!("{name}（第{seq}项）"),
                DEPTS[(seq + k) % DEPTS.len()].to_string(),
                ["张伟", "刘芳", "陈静"][seq % 3].to_string(),
                if seq % 5 == 0 { format!("{desc}；{}", SENTENCES[seq % SENTENCES.len()]) } else { desc.to_string() },
                if seq > 1 { (seq - 1).to_string() } else { String::new() },
                format!("2026-04-{:02}", 1 + seq % 28),
                format!("2026-05-{:02}", 1 + seq % 28),
                if seq % 4 == 0 { "需协调外部单位".to_string() } else { String::new() },
            ];
            write_row(ws, r, &row);
            r += 1;
        }
    }
    let path = dir.join("probe.xlsx");
    wb.save(&path).unwrap();
    path
}

/// Is this a page-number line (`— 3 —`, `第1页共2页`) once spaces are removed?
fn is_page_number(line: &str) -> bool {
    let dash = |c: char| matches!(c, '—' | '–' | '-');
    let trimmed = line.trim_matches(dash);
    if trimmed.len() != line.len() && line.starts_with(dash) && line.ends_with(dash) {
        return !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit());
    }
    line.strip_prefix('第')
        .and_then(|s| s.strip_suffix('页'))
        .and_then(|s| s.split_once("页共"))
        .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && (a.to_string() + b).chars().all(|c| c.is_ascii_digit()))
}

/// The text of each page of a PDF (`pdftotext -layout`), spaces removed, page numbers and
/// cut-line rows left out; trailing empty pages dropped. Same definition as
/// `../shared/checkdocs/pagestarts`.
fn page_texts(pdf: &Path) -> Vec<String> {
    let o = Command::new("pdftotext")
        .args(["-q", "-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let text = String::from_utf8_lossy(&o.stdout);
    let mut pages: Vec<String> = text
        .split('\u{c}')
        .map(|page| {
            page.lines()
                .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect::<String>())
                .filter(|l| !l.is_empty() && !is_page_number(l) && !l.chars().all(|c| "-–—✂.·┄╌".contains(c)))
                .collect()
        })
        .collect();
    while pages.last().is_some_and(|p| p.is_empty()) {
        pages.pop();
    }
    pages
}

fn start(page: &str) -> String {
    page.chars().take(START_CHARS).collect()
}

/// Does this page of a letter begin with the reply slip (so it holds nothing else: the slip
/// is the letter's last block)?
fn slip_only(page: &str) -> bool {
    page.starts_with("回执") || page.starts_with("回　执")
}

/// The comparison over one workbook's output.
#[derive(Default)]
struct Figures {
    docs: usize,
    counts_equal: usize,
    starts_equal: usize,
    letters: usize,
    slip_only_ours: usize,
    slip_only_theirs: usize,
    page_count_differs: Vec<String>,
    differences: Vec<String>,
}

impl Figures {
    fn share(&self) -> f64 {
        if self.docs == 0 {
            0.0
        } else {
            self.starts_equal as f64 / self.docs as f64
        }
    }

    fn summary(&self) -> String {
        format!(
            "parity: {} docs, counts equal {}, page starts equal {} ({:.0}%), slip-only letters {} of {}",
            self.docs,
            self.counts_equal,
            self.starts_equal,
            100.0 * self.share(),
            self.slip_only_ours,
            self.letters
        )
    }
}

/// Page by page comparison of our PDFs in `out` with LibreOffice's renders in `theirs`.
fn figures(docx: &[PathBuf], theirs: &Path) -> Figures {
    let mut f = Figures::default();
    for d in docx {
        let stem = d.file_stem().unwrap().to_string_lossy().into_owned();
        let ours = page_texts(&d.with_extension("pdf"));
        let render = theirs.join(format!("{stem}.pdf"));
        let theirs = if render.is_file() { page_texts(&render) } else { Vec::new() };
        f.docs += 1;
        if ours.len() == theirs.len() {
            f.counts_equal += 1;
        } else {
            f.page_count_differs.push(stem.clone());
        }
        let a: Vec<String> = ours.iter().map(|p| start(p)).collect();
        let b: Vec<String> = theirs.iter().map(|p| start(p)).collect();
        if a == b {
            f.starts_equal += 1;
        } else {
            f.differences.push(format!("{stem}: pages {} vs {}; starts {a:?} vs {b:?}", a.len(), b.len()));
        }
        if stem.ends_with("工作联系函") {
            f.letters += 1;
            f.slip_only_ours += ours.iter().any(|p| slip_only(p)) as usize;
            f.slip_only_theirs += theirs.iter().any(|p| slip_only(p)) as usize;
        }
    }
    f
}

/// A part of a .docx package as text.
fn part(docx: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(docx).unwrap()).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
    s
}

/// The .docx declares CJK/Latin auto-spacing and hanging punctuation off (in the document
/// defaults) and turns neither on anywhere: what `libreoffice_pdfs_as_declared` applies.
fn assert_declares_no_autospace_no_hanging(docx: &Path) {
    let styles = part(docx, "word/styles.xml");
    let document = part(docx, "word/document.xml");
    for name in ["w:autoSpaceDE", "w:autoSpaceDN", "w:overflowPunct"] {
        let off = format!("<{name} w:val=\"0\"/>");
        let defaults = styles.split("</w:docDefaults>").next().unwrap();
        assert!(defaults.contains(&off), "{}: docDefaults lack {off}", docx.display());
        for xml in [&styles, &document] {
            assert_eq!(
                xml.matches(&format!("<{name}")).count(),
                xml.matches(&off).count(),
                "{}: {name} on",
                docx.display()
            );
        }
    }
}

/// Generate `workbook`'s documents into `work/out`, render their .docx with LibreOffice as it
/// is and as the .docx declares (see `common::libreoffice_pdfs_as_declared`), and compare
/// each with our PDFs: (as is, as declared).
fn compare(workbook: &Path, work: &Path) -> (Figures, Figures) {
    let _ = std::fs::remove_dir_all(work);
    std::fs::create_dir_all(work).unwrap();
    let out = work.join("out");
    let o = gongwen(&["generate", workbook.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "generate failed: {}", stderr(&o));
    let docx = files_with_ext(&out, "docx");
    assert!(!docx.is_empty(), "nothing generated from {}", workbook.display());
    for d in &docx {
        assert_declares_no_autospace_no_hanging(d);
    }
    let raw = libreoffice_pdfs(&docx, work);
    let raw_dir = raw[0].parent().unwrap().to_path_buf();
    let declared = libreoffice_pdfs_as_declared(&out, work);
    (figures(&docx, &raw_dir), figures(&docx, &declared))
}

#[test]
fn page_is_recognised_the_way_pagestarts_does() {
    assert!(is_page_number("—1—") && is_page_number("—12—") && is_page_number("-3-"));
    assert!(is_page_number("第1页共2页") && is_page_number("第10页共12页"));
    assert!(!is_page_number("—") && !is_page_number("——") && !is_page_number("第一页") && !is_page_number("—1—文"));
    assert!(!is_page_number("1") && !is_page_number("第1页"));
}

#[test]
fn the_docx_paginates_as_the_pdf_in_libreoffice() {
    if !have("soffice") || !have("pdftotext") {
        return;
    }
    let began = std::time::Instant::now();
    let work = std::env::temp_dir().join(format!("gongwen-parity-{}", std::process::id()));
    std::fs::create_dir_all(&work).unwrap();
    let probe = probe_workbook(&work);
    let sets = [("sample", sample()), ("probe", probe)];
    let mut report = String::new();
    let mut all = Vec::new();
    for (name, workbook) in &sets {
        let (raw, declared) = compare(workbook, &work.join(name));
        for d in &declared.differences {
            writeln!(report, "{name}: {d}").unwrap();
        }
        let changed = raw.differences.len().saturating_sub(declared.differences.len());
        writeln!(
            report,
            "{name} {} (LibreOffice: slip-only letters {})",
            declared.summary(),
            declared.slip_only_theirs
        )
        .unwrap();
        writeln!(
            report,
            "{name} LibreOffice as is (0.2 em CJK/Latin spacing, hanging punctuation): {}; {changed} more documents differ",
            raw.summary()
        )
        .unwrap();
        all.push((name, declared));
    }
    writeln!(report, "({:.0} s)", began.elapsed().as_secs_f64()).unwrap();
    if std::env::var_os("GONGWEN_PARITY_KEEP").is_some() {
        writeln!(report, "outputs and renders kept in {}", work.display()).unwrap();
    }
    eprint!("{report}");
    let target = Path::new(env!("CARGO_BIN_EXE_gongwen")).parent().and_then(Path::parent).unwrap();
    std::fs::write(target.join("parity.txt"), &report).unwrap();

    for (name, f) in &all {
        assert!(f.docs > 0);
        assert!(f.page_count_differs.is_empty(), "{name}: page counts differ for {:?}\n{report}", f.page_count_differs);
        assert!(f.share() >= MIN_SHARE, "{name}: page starts agree for only {}\n{report}", f.summary());
    }
    let probe = &all[1].1;
    assert!(probe.letters >= PROBE_LETTERS, "the probe makes {} letters", probe.letters);
    if std::env::var_os("GONGWEN_PARITY_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&work);
    }
}
