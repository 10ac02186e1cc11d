//! The blank input workbook office staff start from (`gongwen template`): the 协作需求 and
//! 任务拆分 sheets with the headers, kinds and allowed values of [`super::columns`] (so the
//! template and the reader cannot disagree), a note on every header saying what goes there,
//! dropdowns for the choice columns, date / text formats per column, one filled example, and a
//! 填写说明 sheet. The output is byte-for-byte the same on every run.
//!
//! What this module adds to `columns` is only the wording for people ([`Guide`]: what a
//! column means, how wide it is, what the example rows hold), one exhaustive `match` per sheet
//! read by role; a column or sheet declared as data carries its own (`note`, `width`,
//! `examples` in `forms/columns.toml`), and every declared sheet is written.

use super::columns::{declared_sheets, Column, Kind, ReqField, Sheet, TaskField, REQUESTS, TASKS};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Note, Workbook, Worksheet, XlsxError,
};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the template could not be written. Messages are for users, in Chinese.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The file is there already; a filled-in workbook is never overwritten.
    #[error("文件已存在：{}。为免覆盖已填写的内容，请用 -o 换一个文件名，或先删除该文件", .0.display())]
    Exists(PathBuf),
    /// Creating or writing the file failed.
    #[error("无法写入 {}：{}", path.display(), crate::oserror::reason_writing(source))]
    Write { path: PathBuf, source: std::io::Error },
    /// rust_xlsxwriter refused the workbook (a bug in this module).
    #[error("无法生成模板工作簿：{0}")]
    Build(#[from] XlsxError),
}

/// Write the input template workbook to `path`. Refuses (with [`TemplateError::Exists`]) when
/// `path` already exists, so a filled-in workbook is never lost.
pub fn write_template(path: &Path) -> Result<(), TemplateError> {
    let bytes = template_bytes()?;
    let write_err = |source| TemplateError::Write { path: path.to_path_buf(), source };
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(TemplateError::Exists(path.to_path_buf()))
        }
        Err(e) => return Err(write_err(e)),
    };
    file.write_all(&bytes).and_then(|()| file.sync_all()).map_err(write_err)
}

/// The template workbook as .xlsx bytes (the same bytes on every call).
pub fn template_bytes() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation time keeps the output reproducible.
    let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("协作需求模板")
            .set_subject("gongwen 输入工作簿")
            .set_author("gongwen")
            .set_creation_datetime(&created),
    );
    let styles = Styles::new();
    write_sheet(wb.add_worksheet(), &REQUESTS, request_guide, 1, &styles)?;
    write_sheet(wb.add_worksheet(), &TASKS, task_guide, 2, &styles)?;
    for sheet in declared_sheets() {
        let rows = sheet.columns.iter().map(|c| c.examples.len()).max().unwrap_or(0);
        write_sheet(wb.add_worksheet(), sheet, |_| unreachable!("no roles"), rows, &styles)?;
    }
    write_instructions(wb.add_worksheet(), &styles)?;
    wb.save_to_buffer()
}

/// The last row (1-based, as Excel numbers it) the dropdowns cover.
pub const LAST_ROW: u32 = 1000;

/// Number format of date columns: how the documents print dates.
pub const DATE_FORMAT: &str = "yyyy\"年\"m\"月\"d\"日\"";

/// A cell of an example row.
#[derive(Debug, Clone, Copy)]
enum Example {
    Text(&'static str),
    Date(u16, u8, u8),
    Number(u32),
    Blank,
}

/// What the template tells people about one column.
struct Guide {
    /// What goes in the column, for its header note (a phrase, no final `。`).
    what: &'static str,
    /// Column width in Excel character units; long-text columns also wrap.
    width: f64,
    /// The column's cell in each example row.
    examples: Vec<Example>,
}

/// The guide of a column declared as data, from its `note`, `width` and `examples`; `rows`
/// example cells (blank past its own examples).
fn data_guide<F>(column: &Column<F>, rows: usize) -> Guide {
    let width = match column.width {
        w if w > 0.0 => w,
        _ if column.kind == Kind::Date => DATE_WIDTH,
        _ => 20.0,
    };
    let example = |i: usize| match column.examples.get(i) {
        None => Example::Blank,
        Some(&"") => Example::Blank,
        Some(t) if column.kind == Kind::Date => match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) => {
                use chrono::Datelike;
                Example::Date(d.year() as u16, d.month() as u8, d.day() as u8)
            }
            Err(_) => Example::Text(t),
        },
        Some(t) => Example::Text(t),
    };
    let what = if column.note.is_empty() { column.header } else { column.note };
    Guide { what, width, examples: (0..rows).map(example).collect() }
}

/// Columns at least this wide hold long text: they wrap and are top-aligned.
const LONG: f64 = 36.0;
const DATE_WIDTH: f64 = 16.0;

fn request_guide(field: ReqField) -> Guide {
    use Example::*;
    use ReqField as F;
    let (what, width, examples): (&'static str, f64, &[Example]) = match field {
        F::Id => ("本函的编号，在工作簿中不能重复；“任务拆分”表用它对应本需求", 20.0, &[Text("示例函〔2026〕1号")]),
        F::FromDept => ("发出本函的部门", 14.0, &[Text("市场营销部")]),
        F::ToDept => ("请求协作的部门", 18.0, &[Text("研发中心")]),
        F::Date => ("发出本函的日期", DATE_WIDTH, &[Date(2026, 3, 2)]),
        F::WorkName => ("需要协作的工作或项目名称", 26.0, &[Text("2026年第三季度新产品上市")]),
        F::WorkKind => ("该工作的性质", 18.0, &[Text("年度重点工作")]),
        F::Objective => ("该工作的核心目标", LONG, &[Text("新产品上市推广方案的制定与落地")]),
        F::PlannedFinish => ("该工作计划完成的日期", DATE_WIDTH, &[Date(2026, 6, 30)]),
        F::ExpectedEffect => ("该工作预期达到的成效", LONG, &[Text("新产品首月销量达到5000台")]),
        F::CollabContent => (
            "请收函部门具体做什么",
            LONG,
            &[Text("提供新产品技术参数说明、核心卖点提炼材料，并派技术人员参加两场产品培训会")],
        ),
        F::DeliveryCriteria => {
            ("协作成果应达到的标准", LONG, &[Text("技术参数准确完整，卖点材料经研发中心负责人审核确认")])
        }
        F::DueDate => ("收函部门完成协作的截止日期", DATE_WIDTH, &[Date(2026, 3, 20)]),
        F::Contact => ("本部门（发函部门）的对接人姓名", 12.0, &[Text("王晓明")]),
        F::Phone => ("对接人的联系电话（本列为文本格式，号码原样保留）", 16.0, &[Text("13800138000")]),
        F::Email => ("对接人的电子邮箱", 24.0, &[Text("wangxm@example.com")]),
        F::ConsultBy => ("对协作事项有疑问时，最迟与我部门协商的日期", DATE_WIDTH, &[Date(2026, 3, 10)]),
        F::Annex => ("随函附件的名称", 28.0, &[Text("新产品上市推广方案\n产品培训会日程安排")]),
        F::Background => {
            ("为什么需要协作（用于协作需求申请表）", LONG, &[Text("新产品研发已完成，需要研发中心配合制定推广计划")])
        }
        F::Goal => ("协作要达到的目标（用于协作需求申请表）", LONG, &[Text("30天内完成推广方案设计并启动推广")]),
        F::Resources => (
            "需要对方提供的人员、设备、资料等（用于协作需求申请表）",
            LONG,
            &[Text("研发中心技术人员2名，产品样机5台")],
        ),
        F::Milestones => {
            ("期望的阶段性时间安排（用于协作需求申请表）", LONG, &[Text("3月20日前完成材料；3月31日前完成培训")])
        }
        F::Requester => ("提出本需求的人", 12.0, &[Text("李华")]),
        F::Urgency => ("本需求的紧急程度", 12.0, &[Text("紧急")]),
        F::Seal => (
            "电子印章图片（PNG）的路径，相对于工作簿所在文件夹，如 印章/市场营销部.png；盖实体章则留空",
            22.0,
            &[Blank],
        ),
    };
    Guide { what, width, examples: examples.to_vec() }
}

fn task_guide(field: TaskField) -> Guide {
    use Example::*;
    use TaskField as F;
    let (what, width, examples): (&'static str, f64, &[Example]) = match field {
        F::Id => (
            "本任务所属协作需求的编号，须与“协作需求”表中的编号完全一致",
            20.0,
            &[Text("示例函〔2026〕1号"), Text("示例函〔2026〕1号")],
        ),
        F::Seq => ("任务在本需求内的序号", 8.0, &[Number(1), Number(2)]),
        F::Name => ("任务名称", 20.0, &[Text("整理技术参数"), Text("产品培训会")]),
        F::OwnerDept => ("负责本任务的部门", 14.0, &[Text("研发中心"), Text("研发中心")]),
        F::Owner => ("负责本任务的人", 12.0, &[Text("张工"), Blank]),
        F::Description => (
            "工作内容和交付要求",
            LONG,
            &[Text("整理新产品全部技术参数，形成说明文档"), Text("面向销售人员开展两场产品培训")],
        ),
        F::DependsOn => ("须先完成的任务", 12.0, &[Blank, Text("1")]),
        F::Start => ("任务开始日期", DATE_WIDTH, &[Date(2026, 3, 3), Date(2026, 3, 11)]),
        F::Finish => ("任务完成日期", DATE_WIDTH, &[Date(2026, 3, 10), Date(2026, 3, 20)]),
        F::Remark => ("其他说明", 20.0, &[Blank, Text("线上线下同步")]),
    };
    Guide { what, width, examples: examples.to_vec() }
}

/// The text of the example request row in `field`'s column (the one the template is written
/// with), so the reader can tell when it was left in.
pub(super) fn example_text(field: ReqField) -> Option<&'static str> {
    match request_guide(field).examples.first() {
        Some(Example::Text(t)) => Some(t),
        _ => None,
    }
}

/// How to fill a column of this kind, for its note; `None` when the meaning says enough.
fn kind_hint(kind: Kind) -> Option<String> {
    Some(match kind {
        Kind::Text | Kind::Email | Kind::Phone => return None,
        Kind::Date => "填日期，如 2026-03-05 或 2026年3月5日".to_string(),
        Kind::Choice(values) => format!("从下拉列表选择：{}", values.join(" / ")),
        Kind::DeptList => "多个部门用“、”分隔，每个部门各生成一份联系函".to_string(),
        Kind::AnnexList => "多个附件每行一个（单元格内按 Alt+Enter 换行），或用“；”分隔".to_string(),
        Kind::Seq => "正整数 1、2、3…，同一需求内不能重复".to_string(),
        Kind::SeqList => "填这些任务的序号，多个用“、”分隔，如 1、2".to_string(),
    })
}

/// The note on a header: required or not, what goes there, how, and an example.
fn header_note(column: View, guide: &Guide) -> String {
    let mut note = format!("{}。{}：{}", if column.required { "必填" } else { "选填" }, column.header, guide.what);
    if let Some(hint) = kind_hint(column.kind) {
        note += &format!("。{hint}");
    }
    // Dates and choices already show their examples in the hint.
    let first = guide.examples.iter().find(|e| !matches!(e, Example::Blank));
    match (column.kind, first) {
        (Kind::Date | Kind::Choice(_), _) | (_, None | Some(Example::Blank | Example::Date(..))) => {}
        (_, Some(Example::Text(t))) => note += &format!("。例：{}", t.replace('\n', "、")),
        (_, Some(Example::Number(n))) => note += &format!("。例：{n}"),
    }
    note + "。"
}

/// What the template needs of a column.
#[derive(Clone, Copy)]
struct View {
    header: &'static str,
    required: bool,
    kind: Kind,
}

impl<F> From<&Column<F>> for View {
    fn from(c: &Column<F>) -> View {
        View { header: c.header, required: c.required, kind: c.kind }
    }
}

/// The formats shared by all sheets.
struct Styles {
    required_header: Format,
    optional_header: Format,
    title: Format,
    plain: Format,
}

impl Styles {
    fn new() -> Styles {
        let header = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        Styles {
            required_header: header.clone().set_bold().set_background_color(Color::RGB(0xF8CBAD)),
            optional_header: header.set_background_color(Color::RGB(0xE7E6E6)),
            title: Format::new().set_bold().set_font_size(14),
            plain: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }

    fn header(&self, required: bool) -> &Format {
        if required {
            &self.required_header
        } else {
            &self.optional_header
        }
    }
}

/// The format of a column's data cells (the whole column, and its example cells).
fn body_format(kind: Kind, width: f64) -> Format {
    let format = match kind {
        Kind::Date => Format::new().set_num_format(DATE_FORMAT).set_align(FormatAlign::Center),
        Kind::Seq => Format::new(),
        // Text, so Excel keeps 13800138000, 001 and 2026-1 as typed instead of converting them.
        Kind::Text | Kind::Email | Kind::Phone | Kind::Choice(_) | Kind::DeptList | Kind::AnnexList | Kind::SeqList => {
            Format::new().set_num_format("@")
        }
    };
    let format = format.set_align(FormatAlign::Top);
    if wraps(kind, width) {
        format.set_text_wrap()
    } else {
        format
    }
}

/// Does a column wrap its text? Long-text columns and the one-per-line 附件 list do.
fn wraps(kind: Kind, width: f64) -> bool {
    width >= LONG || kind == Kind::AnnexList
}

/// Lines a text takes in a column `width` characters wide (a CJK character counts two).
fn lines_needed(text: &str, width: f64) -> u32 {
    text.split('\n')
        .map(|line| {
            let units: usize = line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            (units as f64 / width).ceil().max(1.0) as u32
        })
        .sum()
}

/// Points per line of 11 pt text, as Excel spaces rows.
const LINE_HEIGHT: f64 = 15.0;

/// One data sheet: header row with notes, column formats and widths, dropdowns, examples.
/// `guide_of` gives the wording of a role column; the others carry their own, for `rows`
/// example rows.
fn write_sheet<F: Copy>(
    ws: &mut Worksheet,
    sheet: &Sheet<F>,
    guide_of: fn(F) -> Guide,
    rows: usize,
    styles: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(sheet.name)?;
    ws.set_default_note_author("gongwen");
    ws.set_row_height(0, 22)?;
    // Excel does not grow a row to fit wrapped text on opening, so the example rows are given
    // the height their longest wrapped cell needs.
    let mut example_lines: Vec<u32> = Vec::new();
    let columns = sheet
        .columns
        .iter()
        .map(|c| {
            let guide = if sheet.key.is_some() { data_guide(c, rows) } else { guide_of(c.field) };
            (c.header, c.required, c.kind, guide)
        })
        .chain(sheet.extra.iter().map(|c| (c.header, c.required, c.kind, data_guide(c, rows))));
    for (col, (header, required, kind, guide)) in columns.enumerate() {
        let col = u16::try_from(col).expect("a sheet has fewer than 65536 columns");
        let column = View { header, required, kind };
        let body = body_format(column.kind, guide.width);
        ws.set_column_width(col, guide.width)?;
        ws.set_column_format(col, &body)?;
        ws.write_string_with_format(0, col, column.header, styles.header(column.required))?;
        let note = Note::new(header_note(column, &guide)).add_author_prefix(false).set_width(260).set_height(110);
        ws.insert_note(0, col, &note)?;
        if let Kind::Choice(values) = column.kind {
            let list = DataValidation::new()
                .allow_list_strings(values)?
                .set_input_title(column.header)?
                .set_input_message("请从下拉列表选择")?
                .set_error_title(column.header)?
                .set_error_message(format!("通常填写：{}。仍要保留所填内容请点“是”。", values.join(" / ")))?
                // A value outside the list is only a warning for the reader too.
                .set_error_style(DataValidationErrorStyle::Warning);
            ws.add_data_validation(1, col, LAST_ROW - 1, col, &list)?;
        }
        for (i, example) in guide.examples.iter().enumerate() {
            let row = 1 + i as u32;
            if example_lines.len() <= i {
                example_lines.push(1);
            }
            match *example {
                Example::Text(t) => {
                    if wraps(column.kind, guide.width) {
                        example_lines[i] = example_lines[i].max(lines_needed(t, guide.width));
                    }
                    ws.write_string_with_format(row, col, t, &body)?
                }
                Example::Date(y, m, d) => {
                    ws.write_datetime_with_format(row, col, ExcelDateTime::from_ymd(y, m, d)?, &body)?
                }
                Example::Number(n) => ws.write_number_with_format(row, col, n, &body)?,
                Example::Blank => ws.write_blank(row, col, &body)?,
            };
        }
    }
    for (i, lines) in example_lines.into_iter().enumerate() {
        ws.set_row_height(1 + i as u32, LINE_HEIGHT * lines as f64)?;
    }
    ws.set_freeze_panes(1, 1)?;
    // Printed: A4 landscape, the header row and 编号 column on every page.
    ws.set_paper_size(9).set_landscape().set_repeat_rows(0, 0)?.set_repeat_columns(0, 0)?;
    Ok(())
}

/// The 填写说明 sheet: short instructions and the header colour legend.
fn write_instructions(ws: &mut Worksheet, styles: &Styles) -> Result<(), XlsxError> {
    const TEXT_WIDTH: f64 = 76.0;
    ws.set_name("填写说明")?;
    ws.set_column_width(0, 8)?;
    ws.set_column_width(1, TEXT_WIDTH)?;
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    ws.write_string_with_format(0, 0, "协作需求工作簿填写说明", &styles.title)?;
    let mut lines = vec![
        format!("“{}”表：每行一个协作需求，生成工作联系函（每个收函部门一份）和协作需求申请表。", REQUESTS.name),
        format!(
            "“{}”表：每行一个任务，用“编号”对应协作需求，生成协作任务拆分清单；没有任务的需求不必填写。",
            TASKS.name
        ),
        "表头下面的行是示例，可照着改写；不需要时整行删除。".to_string(),
        "把鼠标移到表头上，可以看到该列填什么、是否必填和示例。".to_string(),
        "日期可填 2026-03-05、2026/3/5 或 2026年3月5日；工作性质、紧急程度可从下拉列表选择。".to_string(),
        "请不要修改表头文字和工作表名称；可以增加数据行，也可以增加自己的列（自定义表单中用“{列名}”引用）。"
            .to_string(),
        "填好后先检查：gongwen check 工作簿.xlsx；再生成：gongwen generate 工作簿.xlsx -o 输出文件夹".to_string(),
    ];
    // The sheets declared as data say what they are for, after the two above.
    for (i, sheet) in declared_sheets().iter().enumerate() {
        let what = if sheet.note.is_empty() { "每行一条记录" } else { sheet.note };
        lines.insert(2 + i, format!("“{}”表：{what}；用“编号”对应协作需求，不需要时可以不填。", sheet.name));
    }
    let mut row = 2;
    for (i, line) in lines.iter().enumerate() {
        ws.write_number_with_format(row, 0, (i + 1) as f64, &styles.plain)?;
        ws.write_string_with_format(row, 1, line, &styles.plain)?;
        ws.set_row_height(row, LINE_HEIGHT * lines_needed(line, TEXT_WIDTH) as f64)?;
        row += 1;
    }
    row += 1;
    for (required, meaning) in
        [(true, "表头为橙色加粗：必填，每行都要填写"), (false, "表头为灰色：选填，不填时文档中相应语句自动省略")]
    {
        ws.write_string_with_format(row, 0, if required { "必填" } else { "选填" }, styles.header(required))?;
        ws.write_string(row, 1, meaning)?;
        row += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_template() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("模板.xlsx");
        write_template(&path).expect("template written");
        (dir, path)
    }

    #[test]
    fn the_template_passes_the_reader_without_problems() {
        let (_dir, path) = temp_template();
        let wb = super::super::read_workbook(&path).expect("readable");
        // Only the reminder that the example row is still there.
        let printed: Vec<String> = wb.problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            printed,
            ["警告：协作需求!A2 第 2 行是模板自带的示例（编号“示例函〔2026〕1号”），仍会生成；如不需要，请删除此行和“任务拆分”表中它的任务"]
        );
        assert_eq!(wb.requests.len(), 1);
        let request = &wb.requests[0];
        assert_eq!(request.phone, "13800138000");
        assert_eq!(request.date, chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(request.annex, ["新产品上市推广方案", "产品培训会日程安排"]);
        let tasks: Vec<_> = wb.tasks_of(&request.id).collect();
        assert_eq!(tasks.len(), 2);
        assert_eq!(tasks[1].depends_on, [1]);
    }

    #[test]
    fn every_example_column_has_one_cell_per_example_row() {
        for c in REQUESTS.columns {
            assert_eq!(request_guide(c.field).examples.len(), 1, "{}", c.header);
        }
        for c in TASKS.columns {
            assert_eq!(task_guide(c.field).examples.len(), 2, "{}", c.header);
        }
    }

    #[test]
    fn notes_say_required_or_not_and_how() {
        let date = &REQUESTS.columns[ReqField::Date as usize];
        assert_eq!(
            header_note(date.into(), &request_guide(date.field)),
            "必填。发函日期：发出本函的日期。填日期，如 2026-03-05 或 2026年3月5日。"
        );
        let email = &REQUESTS.columns[ReqField::Email as usize];
        assert_eq!(
            header_note(email.into(), &request_guide(email.field)),
            "选填。电子邮箱：对接人的电子邮箱。例：wangxm@example.com。"
        );
    }

    #[test]
    fn wrapped_lines_count_cjk_as_two_columns() {
        assert_eq!(lines_needed("abc", 36.0), 1);
        assert_eq!(lines_needed(&"字".repeat(19), 36.0), 2);
        assert_eq!(lines_needed("一\n二", 36.0), 2);
    }

    #[test]
    fn output_is_reproducible() {
        assert!(template_bytes().unwrap() == template_bytes().unwrap());
    }

    #[test]
    fn an_existing_file_is_not_overwritten() {
        let (_dir, path) = temp_template();
        std::fs::write(&path, b"filled in").unwrap();
        let err = write_template(&path).unwrap_err();
        assert!(matches!(err, TemplateError::Exists(_)));
        assert!(err.to_string().starts_with("文件已存在"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"filled in");
    }

    #[test]
    fn a_missing_folder_is_named_in_chinese() {
        let err = write_template(Path::new("/nonexistent-gongwen-dir/t.xlsx")).unwrap_err();
        assert!(err.to_string().contains("所在文件夹不存在"), "{err}");
    }
}
