//! The synthetic workbook of the benchmarks (issue 4), shared by `throughput.rs` and
//! `serve_load.rs` (each includes it with `#[path = "common/workbook.rs"] mod workbook;`): N
//! valid requests of realistic Chinese text with about five tasks each, the same on every run
//! (every value is picked by a hash of the row number, no RNG crate). It owns the rows and the
//! file; what a benchmark does with them is its own.

use chrono::{Datelike, Duration, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use std::path::{Path, PathBuf};

// Column headers and the pools of text the rows are made from (kept compact on purpose).
#[rustfmt::skip]
pub const REQ_HEADERS: [&str; 23] = [
    "编号", "发函部门", "收函部门", "发函日期", "工作名称", "工作性质", "核心目标", "计划完成日期", "预期成效",
    "协作内容", "交付标准", "完成时限", "对接人", "联系电话", "电子邮箱", "协商截止日期", "附件", "协作背景",
    "协作目标", "所需资源", "期望时间节点", "发起人", "紧急程度",
];
#[rustfmt::skip]
const TASK_HEADERS: [&str; 10] =
    ["编号", "序号", "任务名称", "承办部门", "承办人", "任务描述", "前置任务", "开始日期", "完成日期", "备注"];

#[rustfmt::skip]
const DEPTS: &[&str] = &[
    "市场营销部", "研发中心", "财务部", "人力资源部", "行政部", "采购中心", "客户服务部", "信息技术部",
    "安全环保部", "生产制造部", "设备动力部", "法务部", "质量管理部", "战略发展部", "各事业部",
];
#[rustfmt::skip]
const PEOPLE: &[&str] =
    &["王晓明", "陈静", "杨磊", "刘芳", "何丽", "郑涛", "李华", "周强", "赵敏", "孙伟", "张工", "吴琳"];
#[rustfmt::skip]
const TOPICS: &[&str] = &[
    "供应商管理", "客户服务", "预算执行", "校园招聘", "安全生产", "新产品上市", "信息系统", "档案管理",
    "质量体系", "合同管理", "办公场地", "培训体系", "数据治理", "成本控制",
];
#[rustfmt::skip]
const WORK_SUFFIXES: &[&str] = &["流程优化", "专项检查", "推进工作", "体系建设", "改造升级", "中期评估"];
const WORK_KINDS: &[&str] = &["年度重点工作", "阶段性核心任务", "日常运营重点任务"];
const URGENCIES: &[&str] = &["一般", "紧急", "特急"];
const OBJECTIVES: &[&str] = &[
    "完成现有流程的梳理与资源整合",
    "全面掌握各部门执行情况，及时发现偏差并提出调整建议",
    "排查并整改现场存在的问题",
    "统一工作标准与响应时限",
    "建立跨部门的问题升级与闭环机制",
    "形成可复制推广的工作方法",
    "补充关键岗位人员，保障业务正常开展",
];
const CONTENTS: &[&str] = &[
    "请提供近两年业务数据报表",
    "派员参加方案评审会并提出书面意见",
    "按附件模板填报本部门执行明细，并说明偏差原因",
    "组织本部门开展自查，配合检查组现场检查",
    "提供技术参数说明和核心卖点提炼材料",
    "安排熟悉业务的骨干人员全程参与",
    "按期完成整改并报送整改结果",
];
const CRITERIA: &[&str] = &[
    "数据准确完整",
    "按附件模板格式填写",
    "评审意见形成书面材料",
    "经部门负责人审核确认",
    "偏差超过10%的项目附书面说明",
    "整改措施落实到人，整改结果附照片",
];
#[rustfmt::skip]
const EFFECTS: &[&str] =
    &["流程效率提升20%", "预算执行偏差率控制在5%以内", "重大隐患整改率100%", "客户满意度提升至95%以上"];
const ANNEXES: &[&str] = &["工作方案", "任务清单", "填报模板", "日程安排", "需求说明书", "自查表"];
const BACKGROUNDS: &[&str] = &[
    "现有流程分散在多个部门，审批环节多、周期长",
    "根据公司年度管理办法开展本项工作",
    "相关系统之间信息不通、标准不一",
];
const RESOURCES: &[&str] = &["业务数据与档案资料", "技术人员2名", "测试环境一套", "各部门专员配合填报"];
#[rustfmt::skip]
const TASK_NAMES: &[&str] =
    &["需求调研", "现状梳理", "流程设计", "制度起草", "系统配置", "数据准备", "试点运行", "问题整改", "总结验收"];
const TASK_DESCRIPTIONS: &[&str] = &[
    "形成书面成果并提交对接人审核",
    "交付物须经承办部门负责人签字确认",
    "与相关部门逐项核对",
    "召开专题会议研究解决存在的问题",
];
const LONG_OBJECTIVE: &str = "对公司现有客户服务体系进行全面梳理，覆盖售前咨询、订单受理、交付实施、售后维护和客户回访五个环节，\
    统一服务标准与响应时限，建立跨部门的问题升级与闭环机制，打通客户关系管理系统、工单系统与财务结算系统之间的数据接口，\
    形成以客户为中心的一体化服务流程，并在此基础上建立季度服务质量评估与持续改进制度";
const LONG_CONTENT: &str =
    "请信息技术部牵头完成客户关系管理系统与工单系统、财务结算系统的接口改造，包括接口需求评审、数据字段映射、\
    历史数据清洗与迁移、联调测试和上线切换；同时请派出熟悉现有系统架构的技术骨干二至三名，全程参加流程设计研讨会，\
    对流程方案的技术可行性提出书面意见，并在上线后一个月内提供运行保障与问题响应支持";
const LONG_CRITERIA: &str =
    "接口文档、测试报告与上线方案齐全并经双方签字确认；数据迁移准确率达到100%；上线后系统可用性不低于99.9%，\
    重大问题4小时内响应、24小时内解决；技术意见以书面形式在每次研讨会后3个工作日内提交";

/// A deterministic pseudo-random number for (row, salt) — splitmix64, so the workbook is the
/// same on every run without an RNG crate.
fn pick(row: u32, salt: u64) -> u64 {
    let mut z = (u64::from(row) << 16 ^ salt).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn choose<'a>(pool: &[&'a str], row: u32, salt: u64) -> &'a str {
    pool[(pick(row, salt) % pool.len() as u64) as usize]
}

/// `min..=max` distinct clauses of `pool` joined with `，` (text of varied length).
fn clauses(pool: &[&str], row: u32, salt: u64, min: u64, max: u64) -> String {
    let n = (min + pick(row, salt) % (max - min + 1)) as usize;
    let start = pick(row, salt + 1) as usize;
    (0..n.min(pool.len())).map(|i| pool[(start + i) % pool.len()]).collect::<Vec<_>>().join("，")
}

/// A cell of the synthetic workbook.
pub enum Cell {
    Text(String),
    Date(NaiveDate),
    Number(f64),
    Blank,
}

/// Dates are written three ways, by row: as date cells, as `2026-03-05` and as `2026年3月5日`.
fn date_cell(row: u32, date: NaiveDate) -> Cell {
    match row % 3 {
        0 => Cell::Date(date),
        1 => Cell::Text(date.format("%Y-%m-%d").to_string()),
        _ => Cell::Text(format!("{}年{}月{}日", date.year(), date.month(), date.day())),
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn write_row(
    ws: &mut Worksheet,
    row: u32,
    cells: &[Cell],
    date_format: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (col, cell) in cells.iter().enumerate() {
        let col = col as u16;
        match cell {
            Cell::Text(s) if !s.is_empty() => {
                ws.write_string(row, col, s)?;
            }
            Cell::Date(d) => {
                let d = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                ws.write_datetime_with_format(row, col, &d, date_format)?;
            }
            Cell::Number(n) => {
                ws.write_number(row, col, *n)?;
            }
            Cell::Text(_) | Cell::Blank => {}
        }
    }
    Ok(())
}

/// The 协作需求 row of request number `i` (1-based) and the number of receiving departments.
fn request_row(i: u32, date: NaiveDate) -> (Vec<Cell>, usize) {
    let from = choose(DEPTS, i, 1);
    let others: Vec<&str> = DEPTS.iter().copied().filter(|d| *d != from).collect();
    let first_to = choose(&others, i, 2);
    // Every fourth request goes to two departments.
    let (to, n_to) = if i % 4 == 1 {
        let second = others
            [(others.iter().position(|d| *d == first_to).unwrap() + 1 + (pick(i, 3) % 5) as usize) % others.len()];
        let sep = if i % 8 == 1 { "、" } else { "，" };
        (format!("{first_to}{sep}{second}"), 2)
    } else {
        (first_to.to_string(), 1)
    };
    // Every eighth request has long fields (its letter runs a page longer).
    let long = i % 8 == 3;
    let objective = if long { LONG_OBJECTIVE.to_string() } else { clauses(OBJECTIVES, i, 10, 1, 3) };
    let content = if long { LONG_CONTENT.to_string() } else { clauses(CONTENTS, i, 20, 1, 3) };
    let criteria = if long { LONG_CRITERIA.to_string() } else { clauses(CRITERIA, i, 30, 1, 4) };
    let optional = |salt: u64, s: String| if pick(i, salt).is_multiple_of(3) { Cell::Blank } else { text(s) };
    let annex_count = pick(i, 40) % 5;
    let annex: Vec<String> =
        (0..annex_count).map(|k| format!("{}{}", choose(TOPICS, i, 41 + k), choose(ANNEXES, i, 50 + k))).collect();
    let day = |n: i64| date + Duration::days(n);
    let phone =
        if i.is_multiple_of(5) { text(format!("010-6{i:07}")) } else { Cell::Number(13_800_000_000.0 + f64::from(i)) };
    let cells = vec![
        text(format!("协作函〔2026〕{i}号")),
        text(from),
        text(to),
        date_cell(i, date),
        text(format!(
            "{}{}{}",
            if i.is_multiple_of(2) { "2026年" } else { "" },
            choose(TOPICS, i, 4),
            choose(WORK_SUFFIXES, i, 5)
        )),
        optional(6, choose(WORK_KINDS, i, 7).to_string()),
        text(objective),
        date_cell(i + 1, day(60 + (pick(i, 8) % 90) as i64)),
        optional(9, choose(EFFECTS, i, 11).to_string()),
        text(content),
        text(criteria),
        date_cell(i + 2, day(14 + (pick(i, 12) % 30) as i64)),
        text(choose(PEOPLE, i, 13)),
        phone,
        optional(14, format!("contact{i}@example.com")),
        if i.is_multiple_of(6) { Cell::Blank } else { date_cell(i, day(7)) },
        if annex.is_empty() { Cell::Blank } else { text(annex.join("\n")) },
        optional(15, clauses(BACKGROUNDS, i, 16, 1, 2)),
        optional(17, format!("建立统一的{}工作机制", choose(TOPICS, i, 18))),
        optional(19, clauses(RESOURCES, i, 20, 1, 2)),
        optional(
            21,
            format!("{}月{}日前完成材料；{}月底前完成全部工作", day(10).month(), day(10).day(), day(45).month()),
        ),
        optional(22, choose(PEOPLE, i, 23).to_string()),
        optional(24, choose(URGENCIES, i, 25).to_string()),
    ];
    (cells, n_to)
}

/// The 任务拆分 rows of request number `i`: 3 to 7 tasks (five on average).
fn task_rows(i: u32, date: NaiveDate) -> Vec<Vec<Cell>> {
    let n = 3 + (pick(i, 60) % 5) as u32;
    let mut start = date + Duration::days(1);
    (1..=n)
        .map(|seq| {
            let row = i * 8 + seq;
            let finish = start + Duration::days(2 + (pick(row, 61) % 6) as i64);
            let depends = match seq {
                1 => Cell::Blank,
                2 => Cell::Number(1.0),
                _ if seq % 3 == 0 => text(format!("1、{}", seq - 1)),
                _ => text(format!("{}", seq - 1)),
            };
            let cells = vec![
                text(format!("协作函〔2026〕{i}号")),
                Cell::Number(f64::from(seq)),
                text(format!("{}（第{seq}项）", choose(TASK_NAMES, row, 62))),
                text(choose(DEPTS, row, 63)),
                if seq % 3 == 0 { text(choose(PEOPLE, row, 64)) } else { Cell::Blank },
                text(format!("完成第{seq}项工作内容，{}", clauses(TASK_DESCRIPTIONS, row, 65, 1, 3))),
                depends,
                if seq % 4 == 0 { Cell::Blank } else { date_cell(row, start) },
                date_cell(row + 1, finish),
                if seq % 5 == 0 { text("关键节点") } else { Cell::Blank },
            ];
            start = finish;
            cells
        })
        .collect()
}

/// A synthetic workbook on disk and what it holds.
pub struct Synthetic {
    pub path: PathBuf,
    pub requests: usize,
    pub tasks: usize,
    /// Letters it makes (one per receiving department).
    pub letters: usize,
}

/// The date of request number `i`: its 发函日期, from which its other dates count.
fn request_date(i: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 5).unwrap() + Duration::days(i64::from(i % 300))
}

/// The 协作需求 rows of a workbook of `n` requests, in the order of [`REQ_HEADERS`], each with
/// its number of receiving departments: what [`build_workbook`] writes (and a benchmark may
/// send as values instead).
pub fn requests(n: u32) -> impl Iterator<Item = (Vec<Cell>, usize)> {
    (1..=n).map(|i| request_row(i, request_date(i)))
}

/// Write a workbook of `n` valid requests into `dir`.
pub fn build_workbook(dir: &Path, n: u32) -> Synthetic {
    let mut wb = Workbook::new();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let header = Format::new().set_bold();

    let ws = wb.add_worksheet().set_name("协作需求").unwrap();
    for (c, h) in REQ_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header).unwrap();
    }
    let mut letters = 0;
    for (i, (cells, n_to)) in (1..).zip(requests(n)) {
        write_row(ws, i, &cells, &date_format).unwrap();
        letters += n_to;
    }

    let ws = wb.add_worksheet().set_name("任务拆分").unwrap();
    for (c, h) in TASK_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header).unwrap();
    }
    let mut row = 1;
    for i in 1..=n {
        for cells in task_rows(i, request_date(i)) {
            write_row(ws, row, &cells, &date_format).unwrap();
            row += 1;
        }
    }
    let path = dir.join(format!("requests-{n}.xlsx"));
    wb.save(&path).unwrap();
    Synthetic { path, requests: n as usize, tasks: row as usize - 1, letters }
}
