//! The workbook-wide rules on top of the cell values: unique 编号 across 协作需求, tasks
//! linked to an existing request, 序号 unique within a request, 前置任务 naming existing tasks
//! without cycles, 开始日期 not after 完成日期. Builds [`Request`]s, [`Task`]s, the rejected rows
//! and the blocked task lists.

use super::columns::{ReqField as R, TaskField as T};
use super::problem::Severity;
use super::sheet::{Header, Problems, RowValues};
use super::{Rejected, Workbook};
use crate::request::{format_date, Request, Task};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A sheet's name as written and its place in the problem order.
pub struct SheetName<'a> {
    pub name: &'a str,
    pub no: u8,
}

/// The rows read from one sheet, with the sheet's name and its header (the column of each field).
pub struct SheetRows<'a> {
    pub sheet: SheetName<'a>,
    pub rows: Vec<RowValues>,
    pub header: &'a Header,
}

/// Apply the workbook rules to the rows read from both sheets.
pub fn assemble(
    requests: SheetRows,
    tasks: Option<SheetRows>,
    others: Vec<super::records::OtherRows>,
    mut problems: Problems,
    seals: &mut super::seal::SealLoader,
) -> Workbook {
    let SheetRows { sheet: req_sheet, rows: req_rows, header: req_header } = requests;
    let req_cols = &req_header.col_of;
    let mut wb = Workbook::default();

    // 协作需求: unique 编号 (the second occurrence is the error), then build or reject.
    let mut first_row_of: HashMap<String, u32> = HashMap::with_capacity(req_rows.len());
    for mut row in req_rows {
        if let Some(id) = row.text(R::Id as usize) {
            if let Some(&first) = first_row_of.get(id) {
                let message = format!("编号：“{id}”与第 {first} 行重复，编号必须唯一");
                let col0 = req_cols[R::Id as usize].expect("required column present");
                problems.at(req_sheet.no, req_sheet.name, Severity::Error, row.row0, col0, message.clone());
                row.errors.push((col0, message));
            } else {
                first_row_of.insert(id.to_string(), row.row0 + 1);
            }
        }
        if row.errors.is_empty() {
            for (field, message) in likely_wrong(&row) {
                if let Some(col0) = req_cols[field as usize] {
                    problems.at(req_sheet.no, req_sheet.name, Severity::Warning, row.row0, col0, message);
                }
            }
            // A bad seal costs only the seal: a warning, and the seal area stays clear.
            let seal = row.take_text(R::Seal as usize).and_then(|text| match seals.from_cell(&text) {
                Ok(image) => Some(image),
                Err(message) => {
                    let col0 = req_cols[R::Seal as usize].expect("a value implies the column");
                    problems.at(req_sheet.no, req_sheet.name, Severity::Warning, row.row0, col0, message);
                    None
                }
            });
            let extra = row.take_extra(req_header);
            wb.requests.push(Request { seal, extra, ..build_request(row) });
        } else {
            let id = row.take_text(R::Id as usize);
            let reasons = row.errors.into_iter().map(|(_, message)| message).collect();
            wb.rejected.push(Rejected { row: row.row0 + 1, id, reasons });
        }
    }

    if let Some(SheetRows { sheet: task_sheet, rows: task_rows, header }) = tasks {
        let valid_ids: HashSet<&str> = wb.requests.iter().map(|r| r.id.as_str()).collect();
        let (tasks, blocked) = check_tasks(&task_sheet, task_rows, header, &first_row_of, &valid_ids, &mut problems);
        wb.tasks = tasks;
        wb.tasks_blocked = blocked;
    }
    let valid_ids: HashSet<&str> = wb.requests.iter().map(|r| r.id.as_str()).collect();
    let others =
        others.into_iter().map(|o| super::records::check(o, &first_row_of, &valid_ids, &mut problems)).collect();
    wb.others = others;
    (wb.problems, wb.unlisted) = problems.into_sorted();
    // Held for the whole run: no room left over from growing them (a third of the tasks' size).
    wb.requests.shrink_to_fit();
    wb.tasks.shrink_to_fit();
    wb
}

/// What is legal in a valid request row but probably not meant: the template's example left
/// in, a deadline before the letter's date, a letter to its own sender. Warnings, by column.
fn likely_wrong(row: &RowValues) -> Vec<(R, String)> {
    let mut found = Vec::new();
    let example = |f: R| super::template::example_text(f);
    if row.text(R::Id as usize) == example(R::Id) && row.text(R::WorkName as usize) == example(R::WorkName) {
        found.push((
            R::Id,
            format!(
                "第 {} 行是模板自带的示例（编号“{}”），仍会生成；如不需要，请删除此行和“任务拆分”表中它的任务",
                row.row0 + 1,
                example(R::Id).unwrap_or_default()
            ),
        ));
    }
    if let Some(date) = row.date(R::Date as usize) {
        for field in [R::PlannedFinish, R::DueDate] {
            if let Some(d) = row.date(field as usize).filter(|d| *d < date) {
                let header = super::columns::REQUESTS.columns[field as usize].header;
                found.push((
                    field,
                    format!("{header}：{} 早于发函日期 {}，请确认日期是否写错", format_date(d), format_date(date)),
                ));
            }
        }
    }
    if let (Some(from), Some(super::sheet::Value::List(to))) =
        (row.text(R::FromDept as usize), &row.values[R::ToDept as usize])
    {
        if to.iter().any(|d| d == from) {
            found.push((
                R::ToDept,
                format!(
                    "收函部门：包含发函部门“{from}”自己，将给本部门也发一份函；如非本意，请从收函部门中删除“{from}”"
                ),
            ));
        }
    }
    found
}

fn build_request(mut row: RowValues) -> Request {
    let date = |row: &RowValues, f: R| row.date(f as usize).expect("required date checked");
    let text = |row: &mut RowValues, f: R| row.take_text(f as usize).expect("required text checked");
    Request {
        row: row.row0 + 1,
        date: date(&row, R::Date),
        planned_finish: date(&row, R::PlannedFinish),
        due_date: date(&row, R::DueDate),
        consult_by: row.date(R::ConsultBy as usize),
        id: text(&mut row, R::Id),
        from_dept: text(&mut row, R::FromDept),
        to_depts: row.take_list(R::ToDept as usize),
        work_name: text(&mut row, R::WorkName),
        work_kind: row.take_text(R::WorkKind as usize),
        objective: text(&mut row, R::Objective),
        expected_effect: row.take_text(R::ExpectedEffect as usize),
        collab_content: text(&mut row, R::CollabContent),
        delivery_criteria: text(&mut row, R::DeliveryCriteria),
        contact: text(&mut row, R::Contact),
        phone: text(&mut row, R::Phone),
        email: row.take_text(R::Email as usize),
        annex: row.take_list(R::Annex as usize),
        background: row.take_text(R::Background as usize),
        goal: row.take_text(R::Goal as usize),
        resources: row.take_text(R::Resources as usize),
        milestones: row.take_text(R::Milestones as usize),
        requester: row.take_text(R::Requester as usize),
        urgency: row.take_text(R::Urgency as usize),
        seal: None,
        extra: Default::default(),
    }
}

/// One task row during checking.
struct TaskRow {
    values: RowValues,
    /// Has a cell error or breaks a rule: not used.
    failed: bool,
}

/// Task-rule errors: reported as problems and remembered per request (to block its list).
struct TaskErrors<'a> {
    sheet: &'a SheetName<'a>,
    cols: &'a [Option<u32>],
    problems: &'a mut Problems,
    /// Request 编号 → each error of its tasks: (row, column, message with its place).
    by_request: BTreeMap<String, Vec<(u32, u32, String)>>,
}

impl TaskErrors<'_> {
    /// A rule broken in a task cell: a problem, and a reason to block `request`'s task list.
    fn report(&mut self, request: Option<&str>, row0: u32, field: T, message: String) {
        let col0 = self.cols[field as usize].unwrap_or(0);
        if let Some(id) = request {
            self.remember(id, row0, col0, &message);
        }
        self.problems.at(self.sheet.no, self.sheet.name, Severity::Error, row0, col0, message);
    }

    /// An error (already reported) that blocks `request`'s task list.
    fn remember(&mut self, request: &str, row0: u32, col0: u32, message: &str) {
        let placed = format!("{}!{} {message}", self.sheet.name, super::cells::cell_ref(row0, col0));
        self.by_request.entry(request.to_string()).or_default().push((row0, col0, placed));
    }
}

/// Check the task rows; returns the usable tasks and the blocked task lists.
fn check_tasks(
    sheet: &SheetName,
    rows: Vec<RowValues>,
    header: &Header,
    request_rows: &HashMap<String, u32>,
    valid_ids: &HashSet<&str>,
    problems: &mut Problems,
) -> (Vec<Task>, BTreeMap<String, String>) {
    let mut errors = TaskErrors { sheet, cols: &header.col_of, problems, by_request: BTreeMap::new() };

    // Cell errors and unknown 编号; group the rest by request, in sheet order.
    let mut rows: Vec<TaskRow> =
        rows.into_iter().map(|values| TaskRow { failed: !values.errors.is_empty(), values }).collect();
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter_mut().enumerate() {
        let Some(id) = row.values.text(T::Id as usize).map(str::to_string) else { continue };
        if !request_rows.contains_key(&id) {
            let message = format!("编号：“{id}”在协作需求中不存在，请填写协作需求表中已有的编号");
            errors.report(None, row.values.row0, T::Id, message);
            row.failed = true;
            continue;
        }
        for (col0, message) in &row.values.errors {
            errors.remember(&id, row.values.row0, *col0, message);
        }
        groups.entry(id).or_default().push(i);
    }

    for (id, members) in &groups {
        let id = id.as_str();
        // 序号 unique within the request.
        let mut by_seq: HashMap<u32, usize> = HashMap::with_capacity(members.len());
        for &i in members {
            let Some(seq) = rows[i].values.seq(T::Seq as usize) else { continue };
            if let Some(&first) = by_seq.get(&seq) {
                let message =
                    format!("序号：{seq} 与第 {} 行重复，同一编号下序号必须唯一", rows[first].values.row0 + 1);
                errors.report(Some(id), rows[i].values.row0, T::Seq, message);
                rows[i].failed = true;
            } else {
                by_seq.insert(seq, i);
            }
        }
        // 前置任务 name existing tasks; 开始日期 not after 完成日期.
        for &i in members {
            let row = &rows[i].values;
            let own = row.seq(T::Seq as usize);
            let mut bad = Vec::new();
            for &dep in row.seqs(T::DependsOn as usize) {
                if Some(dep) == own {
                    bad.push(format!("前置任务：任务 {dep} 不能以自己为前置任务，请删除“{dep}”"));
                } else if !by_seq.contains_key(&dep) {
                    bad.push(format!("前置任务：任务 {dep} 不存在（编号“{id}”下没有序号 {dep}），请改正或删除"));
                }
            }
            if let (Some(start), Some(finish)) = (row.date(T::Start as usize), row.date(T::Finish as usize)) {
                if start > finish {
                    let message = format!(
                        "开始日期：{} 晚于完成日期 {}，请改正其中一个",
                        format_date(start),
                        format_date(finish)
                    );
                    errors.report(Some(id), row.row0, T::Start, message);
                    rows[i].failed = true;
                }
            }
            let row0 = rows[i].values.row0;
            for message in bad {
                errors.report(Some(id), row0, T::DependsOn, message);
                rows[i].failed = true;
            }
        }
        // Dependency cycles among this request's tasks.
        for cycle in find_cycles(&by_seq, |i| rows[i].values.seqs(T::DependsOn as usize)) {
            let message = format!("前置任务：任务 {} 形成循环依赖，请删除其中一个前置关系", cycle_text(&cycle));
            let row0 = rows[by_seq[&cycle[0]]].values.row0;
            errors.report(Some(id), row0, T::DependsOn, message);
            for seq in &cycle {
                rows[by_seq[seq]].failed = true;
            }
        }
    }

    let blocked: BTreeMap<String, String> = errors
        .by_request
        .into_iter()
        .filter(|(id, _)| valid_ids.contains(id.as_str()))
        .map(|(id, mut errors)| {
            errors.sort_by_key(|&(row0, col0, _)| (row0, col0));
            let messages: Vec<String> = errors.into_iter().map(|(_, _, m)| m).collect();
            (id, blocked_reason(&messages))
        })
        .collect();
    let tasks = rows
        .into_iter()
        .filter(|r| !r.failed)
        .filter_map(|r| build_task(r.values, header))
        .filter(|t| valid_ids.contains(t.request_id.as_str()) && !blocked.contains_key(&t.request_id))
        .collect();
    (tasks, blocked)
}

/// `3 → 5 → 3`; a long cycle is shortened to its first tasks: `1 → 2 → … → 1（共 40 个任务）`.
fn cycle_text(cycle: &[u32]) -> String {
    const SHOWN: usize = 8;
    let mut steps: Vec<String> = cycle.iter().take(SHOWN).map(u32::to_string).collect();
    if cycle.len() > SHOWN {
        steps.push("…".into());
    }
    steps.push(cycle[0].to_string());
    let mut text = steps.join(" → ");
    if cycle.len() > SHOWN {
        text.push_str(&format!("（共 {} 个任务）", cycle.len()));
    }
    text
}

/// Why a task list is blocked: the first few task errors, then how many more.
pub(super) fn blocked_reason(errors: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut reason = format!("共 {} 处错误：{}", errors.len(), errors[..errors.len().min(SHOWN)].join("；"));
    if errors.len() > SHOWN {
        reason.push_str("；……");
    }
    reason
}

fn build_task(mut row: RowValues, header: &Header) -> Option<Task> {
    Some(Task {
        extra: row.take_extra(header),
        row: row.row0 + 1,
        seq: row.seq(T::Seq as usize)?,
        depends_on: row.seqs(T::DependsOn as usize).to_vec(),
        start: row.date(T::Start as usize),
        finish: row.date(T::Finish as usize)?,
        request_id: row.take_text(T::Id as usize)?,
        name: row.take_text(T::Name as usize)?,
        owner_dept: row.take_text(T::OwnerDept as usize)?,
        owner: row.take_text(T::Owner as usize),
        description: row.take_text(T::Description as usize),
        remark: row.take_text(T::Remark as usize),
    })
}

/// The dependency cycles among tasks `by_seq` (序号 → row index), each as the 序号 along
/// "has 前置任务" edges, starting at its smallest 序号; each cycle once. Self-dependencies and
/// edges to missing tasks are left to the caller. Iterative, so long chains cannot overflow.
fn find_cycles<'r>(by_seq: &HashMap<u32, usize>, deps_of: impl Fn(usize) -> &'r [u32]) -> Vec<Vec<u32>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut seqs: Vec<u32> = by_seq.keys().copied().collect();
    seqs.sort_unstable();
    let index: HashMap<u32, usize> = seqs.iter().enumerate().map(|(n, &s)| (s, n)).collect();
    let edges: Vec<Vec<usize>> = seqs
        .iter()
        .map(|s| deps_of(by_seq[s]).iter().filter(|d| *d != s).filter_map(|d| index.get(d).copied()).collect())
        .collect();

    let mut mark = vec![Mark::New; seqs.len()];
    let mut seen: HashSet<Vec<u32>> = HashSet::new();
    let mut cycles = Vec::new();
    for root in 0..seqs.len() {
        if mark[root] != Mark::New {
            continue;
        }
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        mark[root] = Mark::OnPath;
        while let Some(&mut (node, ref mut next)) = path.last_mut() {
            if let Some(&to) = edges[node].get(*next) {
                *next += 1;
                match mark[to] {
                    Mark::New => {
                        mark[to] = Mark::OnPath;
                        path.push((to, 0));
                    }
                    Mark::OnPath => {
                        let from = path.iter().position(|&(n, _)| n == to).expect("on path");
                        let mut cycle: Vec<u32> = path[from..].iter().map(|&(n, _)| seqs[n]).collect();
                        let smallest = (0..cycle.len()).min_by_key(|&k| cycle[k]).unwrap_or(0);
                        cycle.rotate_left(smallest);
                        if seen.insert(cycle.clone()) {
                            cycles.push(cycle);
                        }
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                path.pop();
            }
        }
    }
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycles_of(deps: &[(u32, &[u32])]) -> Vec<Vec<u32>> {
        let by_seq: HashMap<u32, usize> = deps.iter().enumerate().map(|(i, (s, _))| (*s, i)).collect();
        find_cycles(&by_seq, |i| deps[i].1)
    }

    #[test]
    fn cycles_are_found_once_from_their_smallest_task() {
        assert_eq!(cycles_of(&[(3, &[5]), (5, &[3])]), vec![vec![3, 5]]);
        assert_eq!(cycles_of(&[(1, &[]), (2, &[1, 4]), (3, &[2]), (4, &[3])]), vec![vec![2, 4, 3]]);
        assert!(cycles_of(&[(1, &[]), (2, &[1]), (3, &[1, 2])]).is_empty());
        assert!(cycles_of(&[(1, &[1])]).is_empty(), "self-dependency is reported separately");
    }

    #[test]
    fn long_cycles_are_shortened_in_messages() {
        assert_eq!(cycle_text(&[3, 5]), "3 → 5 → 3");
        let long: Vec<u32> = (1..=40).collect();
        assert_eq!(cycle_text(&long), "1 → 2 → 3 → 4 → 5 → 6 → 7 → 8 → … → 1（共 40 个任务）");
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let deps: Vec<Vec<u32>> = (1..=100_000u32).map(|s| if s > 1 { vec![s - 1] } else { vec![100_000] }).collect();
        let by_seq: HashMap<u32, usize> = (1..=100_000u32).map(|s| (s, s as usize - 1)).collect();
        let cycles = find_cycles(&by_seq, |i| &deps[i]);
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].len(), 100_000);
    }
}
