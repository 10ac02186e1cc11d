//! The workbook-wide rules on top of the cell values: unique 编号 across 协作需求, tasks
//! linked to an existing request, 序号 unique within a request, 前置任务 naming existing tasks
//! without cycles, 开始日期 not after 完成日期. Builds [`Request`]s, [`Task`]s, the rejected rows
//! and the blocked task lists.

use super::columns::{ReqField as R, TaskField as T};
use super::problem::Severity;
use super::seal::SealLoader;
use super::sheet::{Header, Problems, RowValues};
use super::{Keep, Rejected};
use crate::request::{format_date, Request, Task};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A sheet's name as written and its place in the problem order.
#[derive(Clone, Copy)]
pub struct SheetName<'a> {
    pub name: &'a str,
    pub no: u8,
}

/// Which rows of a child sheet (任务拆分, 沟通记录 …) are used, kept when the rows themselves
/// are not (see [`Keep`]), so they can be read again request by request (`feed`).
#[derive(Debug, Clone, Default)]
pub struct ChildIndex {
    /// The used rows (0-based), in sheet order.
    pub rows: Vec<u32>,
    /// 0-based row of a valid request → the last of its used rows in this sheet.
    pub last: HashMap<u32, u32>,
}

impl ChildIndex {
    pub(super) fn add(&mut self, row0: u32, request_row0: u32) {
        self.rows.push(row0);
        let last = self.last.entry(request_row0).or_insert(row0);
        *last = (*last).max(row0);
    }

    pub(super) fn sort(&mut self) {
        self.rows.sort_unstable();
        self.rows.shrink_to_fit();
    }

    pub fn uses(&self, row0: u32) -> bool {
        self.rows.binary_search(&row0).is_ok()
    }
}

/// The 协作需求 rows as they are read: the second occurrence of an 编号 is an error, then each
/// row is a valid request or rejected with why.
pub struct Requests<'a> {
    pub sheet: SheetName<'a>,
    pub header: &'a Header,
    pub keep: Keep,
    /// Rows read (valid or not).
    pub read: usize,
    /// 编号 → 1-based row of its first occurrence (valid or not).
    pub first_row_of: HashMap<String, u32>,
    /// The valid rows: 0-based row and 编号, in sheet order.
    pub valid: Vec<(u32, Box<str>)>,
    /// The valid requests themselves, with [`Keep::Rows`].
    pub built: Vec<Request>,
    pub rejected: Vec<Rejected>,
    /// The 发函部门 of the valid requests, each once, in order of appearance.
    pub senders: Vec<String>,
}

impl<'a> Requests<'a> {
    pub fn new(sheet: SheetName<'a>, header: &'a Header, keep: Keep) -> Requests<'a> {
        Requests {
            sheet,
            header,
            keep,
            read: 0,
            first_row_of: HashMap::new(),
            valid: Vec::new(),
            built: Vec::new(),
            rejected: Vec::new(),
            senders: Vec::new(),
        }
    }

    /// Check one row as it is read.
    pub fn take(&mut self, mut row: RowValues, problems: &mut Problems, seals: &mut SealLoader) {
        let (sheet, cols) = (self.sheet, &self.header.col_of);
        self.read += 1;
        if let Some(id) = row.text(R::Id as usize) {
            if let Some(&first) = self.first_row_of.get(id) {
                let message = format!("编号：“{id}”与第 {first} 行重复，编号必须唯一");
                let col0 = cols[R::Id as usize].expect("required column present");
                problems.at(sheet.no, sheet.name, Severity::Error, row.row0, col0, message.clone());
                row.errors.push((col0, message));
            } else {
                self.first_row_of.insert(id.to_string(), row.row0 + 1);
            }
        }
        if !row.errors.is_empty() {
            let id = row.take_text(R::Id as usize);
            let reasons = row.errors.into_iter().map(|(_, message)| message).collect();
            self.rejected.push(Rejected { row: row.row0 + 1, id, reasons });
            return;
        }
        for (field, message) in likely_wrong(&row) {
            if let Some(col0) = cols[field as usize] {
                problems.at(sheet.no, sheet.name, Severity::Warning, row.row0, col0, message);
            }
        }
        let request = valid_request(row, self.header, seals, &mut |col0, message| {
            problems.at(sheet.no, sheet.name, Severity::Warning, col0.0, col0.1, message)
        });
        if !self.senders.contains(&request.from_dept) {
            self.senders.push(request.from_dept.clone());
        }
        self.valid.push((request.row - 1, request.id.as_str().into()));
        if self.keep == Keep::Rows {
            self.built.push(request);
        }
    }

    /// Is `id` the 编号 of a valid request? Its 0-based row, if so.
    pub fn valid_row0(&self, id: &str) -> Option<u32> {
        let row = *self.first_row_of.get(id)?;
        self.valid.binary_search_by_key(&(row - 1), |(r, _)| *r).ok().map(|_| row - 1)
    }
}

/// A valid request row made a [`Request`]: its seal loaded (a bad seal costs only the seal:
/// `seal_warning` gets its (row0, col0) and message, and the seal area stays clear) and its
/// other columns kept. Used when the row is first checked and when it is read again.
pub fn valid_request(
    mut row: RowValues,
    header: &Header,
    seals: &mut SealLoader,
    seal_warning: &mut dyn FnMut((u32, u32), String),
) -> Request {
    let seal = row.take_text(R::Seal as usize).and_then(|text| match seals.from_cell(&text) {
        Ok(image) => Some(image),
        Err(message) => {
            let col0 = header.col_of[R::Seal as usize].expect("a value implies the column");
            seal_warning((row.row0, col0), message);
            None
        }
    });
    let extra = row.take_extra(header);
    Request { seal, extra, ..build_request(row) }
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

/// One task row during checking: only what the rules between rows need.
struct TaskKey {
    row0: u32,
    seq: Option<u32>,
    deps: Box<[u32]>,
    /// Has a cell error or breaks a rule: not used.
    failed: bool,
}

/// The 任务拆分 rows as they are read, then the rules between them: 序号 unique within a
/// request, 前置任务 naming existing tasks without cycles. Task-rule errors are reported and
/// remembered per request, to block its list.
pub struct Tasks<'a> {
    sheet: SheetName<'a>,
    header: &'a Header,
    keep: Keep,
    keys: Vec<TaskKey>,
    /// The task of each key, with [`Keep::Rows`] (`None` when it could not be built).
    built: Vec<Option<Task>>,
    /// Request 编号 → its task rows (indexes into `keys`), in sheet order.
    groups: BTreeMap<String, Vec<usize>>,
    /// Request 编号 → each error of its tasks: (row, column, message with its place).
    by_request: BTreeMap<String, Vec<(u32, u32, String)>>,
}

/// What the task rows give: the usable tasks (with [`Keep::Rows`]), the blocked task lists
/// (request 编号 → why), and which rows are used.
pub struct TaskResult {
    pub tasks: Vec<Task>,
    pub blocked: BTreeMap<String, String>,
    pub index: ChildIndex,
}

impl<'a> Tasks<'a> {
    pub fn new(sheet: SheetName<'a>, header: &'a Header, keep: Keep) -> Tasks<'a> {
        Tasks {
            sheet,
            header,
            keep,
            keys: Vec::new(),
            built: Vec::new(),
            groups: BTreeMap::new(),
            by_request: BTreeMap::new(),
        }
    }

    /// A rule broken in a task cell: a problem, and a reason to block `request`'s task list.
    fn report(&mut self, problems: &mut Problems, request: Option<&str>, row0: u32, field: T, message: String) {
        let col0 = self.header.col_of[field as usize].unwrap_or(0);
        if let Some(id) = request {
            self.remember(id, row0, col0, &message);
        }
        problems.at(self.sheet.no, self.sheet.name, Severity::Error, row0, col0, message);
    }

    /// An error (already reported) that blocks `request`'s task list.
    fn remember(&mut self, request: &str, row0: u32, col0: u32, message: &str) {
        let placed = format!("{}!{} {message}", self.sheet.name, super::cells::cell_ref(row0, col0));
        self.by_request.entry(request.to_string()).or_default().push((row0, col0, placed));
    }

    /// Check one row as it is read: its 编号 names a request, its dates are in order.
    pub fn take(&mut self, mut row: RowValues, requests: &Requests, problems: &mut Problems) {
        let mut key = TaskKey {
            row0: row.row0,
            seq: row.seq(T::Seq as usize),
            deps: row.seqs(T::DependsOn as usize).into(),
            failed: !row.errors.is_empty(),
        };
        let at = self.keys.len();
        if let Some(id) = row.text(T::Id as usize).map(str::to_string) {
            if !requests.first_row_of.contains_key(&id) {
                let message = format!("编号：“{id}”在协作需求中不存在，请填写协作需求表中已有的编号");
                self.report(problems, None, row.row0, T::Id, message);
                key.failed = true;
            } else {
                for (col0, message) in &row.errors {
                    self.remember(&id, row.row0, *col0, message);
                }
                if let (Some(start), Some(finish)) = (row.date(T::Start as usize), row.date(T::Finish as usize)) {
                    if start > finish {
                        let message = format!(
                            "开始日期：{} 晚于完成日期 {}，请改正其中一个",
                            format_date(start),
                            format_date(finish)
                        );
                        self.report(problems, Some(&id), row.row0, T::Start, message);
                        key.failed = true;
                    }
                }
                self.groups.entry(id).or_default().push(at);
            }
        }
        if self.keep == Keep::Rows {
            self.built.push(if key.failed { None } else { build_task(&mut row, self.header) });
        }
        self.keys.push(key);
    }

    /// The rules between rows, once every row is read.
    pub fn finish(mut self, requests: &Requests, problems: &mut Problems) -> TaskResult {
        let groups = std::mem::take(&mut self.groups);
        for (id, members) in &groups {
            let id = id.as_str();
            // 序号 unique within the request.
            let mut by_seq: HashMap<u32, usize> = HashMap::with_capacity(members.len());
            for &i in members {
                let Some(seq) = self.keys[i].seq else { continue };
                if let Some(&first) = by_seq.get(&seq) {
                    let message =
                        format!("序号：{seq} 与第 {} 行重复，同一编号下序号必须唯一", self.keys[first].row0 + 1);
                    self.report(problems, Some(id), self.keys[i].row0, T::Seq, message);
                    self.keys[i].failed = true;
                } else {
                    by_seq.insert(seq, i);
                }
            }
            // 前置任务 name existing tasks.
            for &i in members {
                let key = &self.keys[i];
                let mut bad = Vec::new();
                for &dep in key.deps.iter() {
                    if Some(dep) == key.seq {
                        bad.push(format!("前置任务：任务 {dep} 不能以自己为前置任务，请删除“{dep}”"));
                    } else if !by_seq.contains_key(&dep) {
                        bad.push(format!("前置任务：任务 {dep} 不存在（编号“{id}”下没有序号 {dep}），请改正或删除"));
                    }
                }
                let row0 = key.row0;
                for message in bad {
                    self.report(problems, Some(id), row0, T::DependsOn, message);
                    self.keys[i].failed = true;
                }
            }
            // Dependency cycles among this request's tasks.
            let keys = &self.keys;
            let cycles = find_cycles(&by_seq, |i| &keys[i].deps[..]);
            for cycle in cycles {
                let message = format!("前置任务：任务 {} 形成循环依赖，请删除其中一个前置关系", cycle_text(&cycle));
                let row0 = self.keys[by_seq[&cycle[0]]].row0;
                self.report(problems, Some(id), row0, T::DependsOn, message);
                for seq in &cycle {
                    self.keys[by_seq[seq]].failed = true;
                }
            }
        }

        let blocked: BTreeMap<String, String> = std::mem::take(&mut self.by_request)
            .into_iter()
            .filter(|(id, _)| requests.valid_row0(id).is_some())
            .map(|(id, mut errors)| {
                errors.sort_by_key(|&(row0, col0, _)| (row0, col0));
                let messages: Vec<String> = errors.into_iter().map(|(_, _, m)| m).collect();
                (id, blocked_reason(&messages))
            })
            .collect();
        let mut index = ChildIndex::default();
        let mut used: Vec<usize> = Vec::new();
        for (id, members) in &groups {
            let Some(request_row0) = requests.valid_row0(id).filter(|_| !blocked.contains_key(id)) else { continue };
            for &i in members.iter().filter(|&&i| !self.keys[i].failed) {
                index.add(self.keys[i].row0, request_row0);
                used.push(i);
            }
        }
        index.sort();
        used.sort_unstable();
        let tasks = match self.keep {
            Keep::Rows => used.into_iter().filter_map(|i| self.built[i].take()).collect(),
            Keep::Index => Vec::new(),
        };
        TaskResult { tasks, blocked, index }
    }
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

/// A task row with no error made a [`Task`] (`None` when a required value is missing).
pub fn build_task(row: &mut RowValues, header: &Header) -> Option<Task> {
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
