//! Validated rows of the workbook: a collaboration [`Request`] (sheet 协作需求) and its
//! [`Task`]s (sheet 任务拆分), and how each field is printed in a document.
//!
//! Rows of any other declared sheet are [`SheetRow`]s: generic, each column's printed text by
//! its header. The columns of a sheet that no role reads — declared in `forms/columns.toml` or
//! a form file, or only present in the workbook — travel with their row as [`Extra`].
//!
//! Reading and validating cells is `workbook`; this module only holds the checked values.
//! [`Fields::field`] is the one way a form placeholder (`{工作名称}`) becomes text.

use chrono::{Datelike, NaiveDate};
use std::sync::Arc;

/// A row a form can print from: the printed value of a placeholder by its column's header
/// (or English alias); `None` for a name the row does not have, `Some("")` for a blank cell.
pub trait Fields {
    fn field(&self, name: &str) -> Option<String>;
}

/// Printed values of the columns of a row that no role reads, by header. The headers are
/// shared by every row of the sheet.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extra {
    pub headers: Arc<[Box<str>]>,
    /// One per header; empty for a blank cell.
    pub values: Box<[Box<str>]>,
}

impl Extra {
    /// The printed value of the column named `header`, when the row has that column.
    pub fn get(&self, header: &str) -> Option<&str> {
        self.headers.iter().position(|h| &**h == header).map(|i| &*self.values[i])
    }
}

/// One checked row of a sheet other than 协作需求 and 任务拆分 (沟通记录, 流程记录 or an
/// office's own): its columns' printed values, and the 编号 of the request it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetRow {
    /// 1-based worksheet row number.
    pub row: u32,
    /// The value of the sheet's key column: the 编号 of its request.
    pub key: String,
    pub values: Extra,
}

impl Fields for SheetRow {
    fn field(&self, name: &str) -> Option<String> {
        self.values.get(name).map(str::to_string)
    }
}

/// Print a date the official way: Arabic numerals, no zero padding: `2026年3月5日`.
pub fn format_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// One row of 协作需求, checked. Optional text fields are `None` when the cell is blank.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Request {
    /// 1-based worksheet row number (as Excel shows it), for messages and the manifest.
    pub row: u32,
    /// 编号, e.g. `协作函〔2026〕12号`.
    pub id: String,
    /// 发函部门
    pub from_dept: String,
    /// 收函部门, split into one entry per receiving department.
    pub to_depts: Vec<String>,
    /// 发函日期
    pub date: NaiveDate,
    /// 工作名称
    pub work_name: String,
    /// 工作性质
    pub work_kind: Option<String>,
    /// 核心目标
    pub objective: String,
    /// 计划完成日期
    pub planned_finish: NaiveDate,
    /// 预期成效
    pub expected_effect: Option<String>,
    /// 协作内容
    pub collab_content: String,
    /// 交付标准
    pub delivery_criteria: String,
    /// 完成时限
    pub due_date: NaiveDate,
    /// 对接人
    pub contact: String,
    /// 联系电话, as written (never `1.38e10`).
    pub phone: String,
    /// 电子邮箱
    pub email: Option<String>,
    /// 协商截止日期
    pub consult_by: Option<NaiveDate>,
    /// 附件: annex titles, one per entry.
    pub annex: Vec<String>,
    /// 协作背景
    pub background: Option<String>,
    /// 协作目标
    pub goal: Option<String>,
    /// 所需资源
    pub resources: Option<String>,
    /// 期望时间节点
    pub milestones: Option<String>,
    /// 发起人
    pub requester: Option<String>,
    /// 紧急程度
    pub urgency: Option<String>,
    /// The sender's electronic seal (印章 column, or `--seal 发函部门=FILE.png`).
    pub seal: Option<crate::model::SealImage>,
    /// The row's other columns (declared without a role, or only in the workbook).
    pub extra: Extra,
}

impl Request {
    /// The printed value of a placeholder, by its Chinese header name (or English alias).
    /// `to_dept` is the receiving department of the letter being made (a request with two
    /// receiving departments makes two letters); forms with one document per request pass
    /// all departments joined with `、`.
    ///
    /// Returns `None` for an unknown name, `Some("")` for a known but empty field.
    pub fn field(&self, name: &str, to_dept: &str) -> Option<String> {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        Some(match name {
            "编号" | "id" => self.id.clone(),
            "发函部门" | "from_dept" => self.from_dept.clone(),
            "收函部门" | "to_dept" => to_dept.to_string(),
            "发函日期" | "date" => format_date(self.date),
            "工作名称" | "work_name" => self.work_name.clone(),
            "工作性质" | "work_kind" => opt(&self.work_kind),
            "核心目标" | "objective" => self.objective.clone(),
            "计划完成日期" | "planned_finish" => format_date(self.planned_finish),
            "预期成效" | "expected_effect" => opt(&self.expected_effect),
            "协作内容" | "collab_content" => self.collab_content.clone(),
            "交付标准" | "delivery_criteria" => self.delivery_criteria.clone(),
            "完成时限" | "due_date" => format_date(self.due_date),
            "对接人" | "contact" => self.contact.clone(),
            "联系电话" | "phone" => self.phone.clone(),
            "电子邮箱" | "email" => opt(&self.email),
            "协商截止日期" | "consult_by" => self.consult_by.map(format_date).unwrap_or_default(),
            "附件" | "annex" => self.annex.join("\n"),
            "协作背景" | "background" => opt(&self.background),
            "协作目标" | "goal" => opt(&self.goal),
            "所需资源" | "resources" => opt(&self.resources),
            "期望时间节点" | "milestones" => opt(&self.milestones),
            "发起人" | "requester" => opt(&self.requester),
            "紧急程度" | "urgency" => opt(&self.urgency),
            _ => return self.extra.get(name).map(str::to_string),
        })
    }

    /// Every placeholder name [`Request::field`] knows (Chinese headers), for form validation.
    pub const FIELD_NAMES: &'static [&'static str] = &[
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
}

/// One row of 任务拆分, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// 1-based worksheet row number.
    pub row: u32,
    /// 编号 of the request this task belongs to.
    pub request_id: String,
    /// 序号 within the request.
    pub seq: u32,
    /// 任务名称
    pub name: String,
    /// 承办部门
    pub owner_dept: String,
    /// 承办人
    pub owner: Option<String>,
    /// 任务描述
    pub description: Option<String>,
    /// 前置任务: 序号 of tasks that must finish first.
    pub depends_on: Vec<u32>,
    /// 开始日期
    pub start: Option<NaiveDate>,
    /// 完成日期
    pub finish: NaiveDate,
    /// 备注
    pub remark: Option<String>,
    /// The row's other columns.
    pub extra: Extra,
}

impl Fields for Task {
    fn field(&self, name: &str) -> Option<String> {
        Task::field(self, name)
    }
}

/// A request's tasks in the order the task list prints them: every task after the tasks it
/// depends on (前置任务), ties broken by 序号. Dependencies naming tasks not in `tasks` are
/// ignored; the workbook reader has already rejected cycles, but should one remain, the tasks
/// in it follow the rest by 序号 rather than being lost.
pub fn order_tasks<'a>(tasks: &[&'a Task]) -> Vec<&'a Task> {
    use std::cmp::Reverse;
    use std::collections::{BTreeMap, BinaryHeap};
    let by_seq: BTreeMap<u32, &Task> = tasks.iter().map(|t| (t.seq, *t)).collect();
    let mut waiting: BTreeMap<u32, usize> = BTreeMap::new();
    let mut followers: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for t in by_seq.values() {
        let deps: Vec<u32> = t.depends_on.iter().copied().filter(|d| by_seq.contains_key(d) && *d != t.seq).collect();
        waiting.insert(t.seq, deps.len());
        for d in deps {
            followers.entry(d).or_default().push(t.seq);
        }
    }
    let mut ready: BinaryHeap<Reverse<u32>> =
        waiting.iter().filter(|(_, n)| **n == 0).map(|(s, _)| Reverse(*s)).collect();
    let mut out = Vec::with_capacity(by_seq.len());
    while let Some(Reverse(seq)) = ready.pop() {
        out.push(by_seq[&seq]);
        for f in followers.get(&seq).into_iter().flatten() {
            let n = waiting.get_mut(f).unwrap();
            *n -= 1;
            if *n == 0 {
                ready.push(Reverse(*f));
            }
        }
    }
    if out.len() < by_seq.len() {
        let placed: std::collections::BTreeSet<u32> = out.iter().map(|t| t.seq).collect();
        out.extend(by_seq.values().filter(|t| !placed.contains(&t.seq)));
    }
    out
}

/// A task's start–finish range as the list prints it: `3月6日—3月11日`, with the years when
/// the range crosses a year (`2026年12月28日—2027年1月5日`); `至3月11日` without a start.
pub fn format_range(start: Option<NaiveDate>, finish: NaiveDate) -> String {
    let short = |d: NaiveDate| format!("{}月{}日", d.month(), d.day());
    match start {
        Some(s) if s.year() != finish.year() => format!("{}—{}", format_date(s), format_date(finish)),
        Some(s) => format!("{}—{}", short(s), short(finish)),
        None => format!("至{}", short(finish)),
    }
}

impl Task {
    /// The printed value of a task placeholder in the task list, by its Chinese header name.
    pub fn field(&self, name: &str) -> Option<String> {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        Some(match name {
            "序号" => self.seq.to_string(),
            "任务名称" => self.name.clone(),
            "承办部门" => self.owner_dept.clone(),
            "承办人" => opt(&self.owner),
            "任务描述" => opt(&self.description),
            "前置任务" => {
                if self.depends_on.is_empty() {
                    "—".to_string()
                } else {
                    self.depends_on.iter().map(u32::to_string).collect::<Vec<_>>().join("、")
                }
            }
            "开始日期" => self.start.map(format_date).unwrap_or_default(),
            "完成日期" => format_date(self.finish),
            "起止日期" => format_range(self.start, self.finish),
            "备注" => opt(&self.remark),
            _ => return self.extra.get(name).map(str::to_string),
        })
    }

    /// Every placeholder name [`Task::field`] knows.
    pub const FIELD_NAMES: &'static [&'static str] =
        &["序号", "任务名称", "承办部门", "承办人", "任务描述", "前置任务", "开始日期", "完成日期", "起止日期", "备注"];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_without_zero_padding() {
        assert_eq!(format_date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()), "2026年3月5日");
        assert_eq!(format_date(NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()), "2026年12月25日");
    }

    fn task(seq: u32, deps: &[u32]) -> Task {
        Task {
            row: seq + 1,
            request_id: "R".into(),
            seq,
            name: format!("任务{seq}"),
            owner_dept: "部".into(),
            owner: None,
            description: None,
            depends_on: deps.to_vec(),
            start: None,
            finish: NaiveDate::from_ymd_opt(2026, 3, 11).unwrap(),
            remark: None,
            extra: Extra::default(),
        }
    }

    #[test]
    fn tasks_follow_their_prerequisites_then_seq() {
        let ts = [task(1, &[3]), task(2, &[]), task(3, &[]), task(4, &[1, 2]), task(5, &[])];
        let refs: Vec<&Task> = ts.iter().collect();
        let order: Vec<u32> = order_tasks(&refs).iter().map(|t| t.seq).collect();
        assert_eq!(order, vec![2, 3, 1, 4, 5]);
        // A leftover cycle keeps every task.
        let ts = [task(1, &[2]), task(2, &[1]), task(3, &[])];
        let refs: Vec<&Task> = ts.iter().collect();
        let order: Vec<u32> = order_tasks(&refs).iter().map(|t| t.seq).collect();
        assert_eq!(order, vec![3, 1, 2]);
    }

    #[test]
    fn ranges_print_short_within_a_year() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(format_range(Some(d(2026, 3, 6)), d(2026, 3, 11)), "3月6日—3月11日");
        assert_eq!(format_range(Some(d(2026, 12, 28)), d(2027, 1, 5)), "2026年12月28日—2027年1月5日");
        assert_eq!(format_range(None, d(2026, 3, 11)), "至3月11日");
    }
}
