//! Writes the bundled sample workbook `samples/requests.xlsx` (run with
//! `cargo run --example make-sample`). Six requests: ordinary ones, one whose long fields make
//! its letter a page longer, one with two receiving departments, one with 40 tasks, dates as
//! date cells and as text, phone numbers as number cells; the record forms' columns and sheets
//! (沟通记录, 流程记录) filled for two of them.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, XlsxError};

const REQ_HEADERS: [&str; 30] = [
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
    "印章",
    "协同方式与频次",
    "风险提示与应对预案",
    "验收结果",
    "验收意见",
    "验收人",
    "复盘总结",
];

const COMMUNICATION_HEADERS: [&str; 6] = ["编号", "记录类型", "日期", "内容", "责任部门", "完成时间"];
const PROCESS_HEADERS: [&str; 4] = ["编号", "步骤名称", "实际完成日期", "情况说明"];

const TASK_HEADERS: [&str; 10] =
    ["编号", "序号", "任务名称", "承办部门", "承办人", "任务描述", "前置任务", "开始日期", "完成日期", "备注"];

/// A cell value: text, a date cell, or a number cell.
enum V {
    T(&'static str),
    S(String),
    D(u16, u8, u8),
    N(f64),
}

fn write_row(ws: &mut rust_xlsxwriter::Worksheet, row: u32, values: &[V], date: &Format) -> Result<(), XlsxError> {
    for (col, v) in values.iter().enumerate() {
        let col = col as u16;
        match v {
            V::T(s) => {
                if !s.is_empty() {
                    ws.write_string(row, col, *s)?;
                }
            }
            V::S(s) => {
                ws.write_string(row, col, s)?;
            }
            V::D(y, m, d) => {
                ws.write_datetime_with_format(row, col, &ExcelDateTime::from_ymd(*y, *m, *d)?, date)?;
            }
            V::N(n) => {
                ws.write_number(row, col, *n)?;
            }
        }
    }
    Ok(())
}

fn main() -> Result<(), XlsxError> {
    use V::*;
    let mut wb = Workbook::new();
    // A fixed creation time: regenerating the sample gives the same bytes.
    wb.set_properties(&DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(2026, 3, 1)?));
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let header = Format::new().set_bold();
    let long_objective = "对公司现有客户服务体系进行全面梳理，覆盖售前咨询、订单受理、交付实施、售后维护和客户回访五个环节，\
        统一服务标准与响应时限，建立跨部门的问题升级与闭环机制，打通客户关系管理系统、工单系统与财务结算系统之间的数据接口，\
        形成以客户为中心的一体化服务流程，并在此基础上建立季度服务质量评估与持续改进制度；同时对照行业先进企业的服务标准，\
        开展服务能力差距分析，明确各环节的岗位职责、操作规范和考核指标，推动服务流程由分段管理向全流程闭环管理转变，\
        实现客户诉求一次受理、全程跟踪、限时办结、结果回访，切实提升客户体验和公司品牌美誉度";
    let long_content =
        "请信息技术部牵头完成客户关系管理系统与工单系统、财务结算系统的接口改造，包括接口需求评审、数据字段映射、\
        历史数据清洗与迁移、联调测试和上线切换；同时请派出熟悉现有系统架构的技术骨干二至三名，全程参加流程设计研讨会，\
        对流程方案的技术可行性提出书面意见，并在上线后一个月内提供运行保障与问题响应支持；\
        此外，请协助梳理现有系统中与客户服务相关的全部数据表和接口清单，评估改造工作量并制定分阶段实施计划，\
        在每周例会上通报改造进展、风险和需要协调解决的问题";
    let requests: Vec<Vec<V>> = vec![
        vec![
            T("协作函〔2026〕1号"), T("市场营销部"), T("研发中心"), D(2026, 3, 2), T("2026年第三季度新产品上市"),
            T("年度重点工作"), T("新产品上市推广方案的制定与落地"), D(2026, 6, 30), T("新产品首月销量达到5000台"),
            T("提供新产品技术参数说明、核心卖点提炼材料，并派技术人员参加两场产品培训会"),
            T("技术参数准确完整，卖点材料经研发中心负责人审核确认"), D(2026, 3, 20), T("王晓明"), N(13800138000.0),
            T("wangxm@example.com"), D(2026, 3, 10), T("新产品上市推广方案\n产品培训会日程安排"),
            T("新产品研发已完成，需要市场营销部与研发中心配合制定推广计划"), T("30天内完成推广方案设计并启动推广"),
            T("研发中心技术人员2名，产品样机5台"), T("3月20日前完成材料；3月31日前完成培训"), T("李华"), T("紧急"),
            T(""), T("每周三10:00例会，每日17:00在协作群同步进度"),
            T("研发中心人力紧张可能影响培训安排；必要时由产品经理代讲，技术人员线上答疑"), T("通过"),
            T("需补充竞品参数对比表"), T("李华"),
            T("亮点：信息同步及时；改进点：卖点材料初稿返工一次；措施：下次先开需求评审会"),
        ],
        vec![
            T("协作函〔2026〕2号"), T("财务部"), T("人力资源部、行政部"), T("2026-03-05"), T("2026年度预算执行情况中期检查"),
            T("阶段性核心任务"), T("全面掌握各部门上半年预算执行情况，及时发现偏差并提出调整建议"), T("2026/7/15"),
            T("预算执行偏差率控制在5%以内"), T("按附件模板填报本部门上半年预算执行明细，并说明偏差原因"),
            T("数据与账面一致，偏差超过10%的项目附书面说明"), T("2026年4月10日"), T("陈静"), N(13912345678.0),
            T("chenjing@example.com"), T("2026.4.3"), T("预算执行情况填报模板"),
            T("根据公司年度预算管理办法，开展中期执行检查"), T("形成预算执行中期分析报告"), T("各部门预算专员配合填报"),
            T("4月10日前提交数据，4月20日前形成报告"), T("周强"), T("一般"),
        ],
        vec![
            T("协作函〔2026〕3号"), T("行政部"), T("采购中心"), D(2026, 3, 8), T("供应商管理流程优化"),
            T("日常运营重点任务"), T("完成供应商管理流程的梳理与资源整合"), D(2026, 5, 7), T("流程效率提升20%，项目按期交付"),
            T("请采购中心提供近两年业务数据报表，并派员参加方案评审会"),
            T("数据准确完整，按附件模板格式填写，评审意见形成书面材料"), D(2026, 3, 22), T("杨磊"), N(13800000003.0),
            T("contact3@example.com"), D(2026, 3, 15), T("工作方案\n任务清单"),
            T("现有供应商准入、评价与退出流程分散在多个部门，审批环节多、周期长"), T("建立统一的供应商全生命周期管理流程"),
            T("采购中心业务数据、供应商档案"), T("4月15日前完成流程设计，5月7日前上线试运行"), T("赵敏"), T("一般"),
            T(""), T("每周一上午碰头会，关键节点召开评审会"), T("历史数据口径不一致；先统一字段口径再汇总"),
        ],
        vec![
            T("协作函〔2026〕4号"), T("客户服务部"), T("信息技术部"), D(2026, 3, 12), T("客户服务一体化流程再造"),
            T("年度重点工作"), T(long_objective), D(2026, 9, 30), T("客户投诉平均处理时长缩短40%，客户满意度提升至95%以上"),
            T(long_content),
            T("接口文档、测试报告与上线方案齐全并经双方签字确认；数据迁移准确率达到100%；上线后系统可用性不低于99.9%，\
               重大问题4小时内响应、24小时内解决；技术意见以书面形式在每次研讨会后3个工作日内提交"),
            D(2026, 6, 30), T("刘芳"), N(13912345678.0), T("liufang@example.com"), D(2026, 4, 1),
            T("客户服务一体化流程再造工作方案\n系统接口改造需求说明书\n数据迁移与切换计划\n研讨会日程安排"),
            T("客户服务涉及多个系统与部门，信息不通、标准不一"), T("形成一体化服务流程并完成系统打通"),
            T("信息技术部技术骨干2至3名，测试环境一套"), T("4月30日前完成需求评审；6月30日前完成上线"), T("孙伟"),
            T("特急"),
        ],
        vec![
            T("协作函〔2026〕5号"), T("人力资源部"), T("各事业部"), T("2026年3月16日"), T("2026年校园招聘"),
            T(""), T("完成年度校园招聘计划，补充技术与营销岗位人员"), T("2026年6月30日"), T(""),
            T("提出本部门校园招聘岗位需求，并安排面试官参加宣讲与面试"), T("岗位需求说明完整，面试官按时到场并完成评价"),
            T("2026年3月31日"), T("何丽"), T("010-62345678"), T(""), T(""), T(""), T(""), T(""), T(""), T(""), T(""),
            T("一般"),
        ],
        vec![
            T("协作函〔2026〕6号"), T("安全环保部"), T("生产制造部，设备动力部"), D(2026, 3, 20), T("春季安全生产大检查"),
            T("阶段性核心任务"), T("排查并整改生产现场安全隐患"), D(2026, 4, 30), T("重大隐患整改率100%"),
            T("组织本部门开展自查，配合检查组现场检查，并按期完成隐患整改"),
            T("自查表填写完整，整改措施落实到人，整改结果附照片"), D(2026, 4, 20), T("郑涛"), N(13700001111.0),
            T("zhengtao@example.com"), D(2026, 4, 5), T("安全生产自查表"), T(""), T(""), T(""), T(""), T(""), T("紧急"),
        ],
    ];

    let ws = wb.add_worksheet().set_name("协作需求")?;
    for (c, h) in REQ_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
    }
    for (i, r) in requests.iter().enumerate() {
        write_row(ws, i as u32 + 1, r, &date)?;
    }
    ws.set_column_width(0, 20)?;
    ws.set_column_range_width(1, 22, 16)?;
    ws.set_freeze_panes(1, 0)?;

    // Tasks: a few for requests 1, 2 and 6; forty for request 3 (its list runs over pages);
    // none for requests 4 and 5.
    let ws = wb.add_worksheet().set_name("任务拆分")?;
    for (c, h) in TASK_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
    }
    let mut row = 1u32;
    let mut task = |ws: &mut rust_xlsxwriter::Worksheet, v: Vec<V>| -> Result<(), XlsxError> {
        write_row(ws, row, &v, &date)?;
        row += 1;
        Ok(())
    };
    // Request 1's 序号 2 depends on 序号 3, so its list prints 1, 3, 2.
    task(
        ws,
        vec![
            T("协作函〔2026〕1号"),
            N(1.0),
            T("整理技术参数"),
            T("研发中心"),
            T("张工"),
            T("整理新产品全部技术参数，形成说明文档"),
            T(""),
            D(2026, 3, 3),
            D(2026, 3, 10),
            T(""),
        ],
    )?;
    task(
        ws,
        vec![
            T("协作函〔2026〕1号"),
            N(2.0),
            T("产品培训会"),
            T("研发中心"),
            T("张工"),
            T("面向销售人员开展两场产品培训"),
            T("1、3"),
            D(2026, 3, 16),
            D(2026, 3, 20),
            T("线上线下同步"),
        ],
    )?;
    task(
        ws,
        vec![
            T("协作函〔2026〕1号"),
            N(3.0),
            T("提炼核心卖点"),
            T("市场营销部"),
            T("李华"),
            T("根据技术参数提炼三至五个核心卖点"),
            N(1.0),
            D(2026, 3, 11),
            D(2026, 3, 15),
            T(""),
        ],
    )?;
    task(
        ws,
        vec![
            T("协作函〔2026〕2号"),
            N(1.0),
            T("下发填报模板"),
            T("财务部"),
            T("陈静"),
            T("向各部门下发预算执行填报模板"),
            T(""),
            T("2026-03-06"),
            T("2026-03-08"),
            T(""),
        ],
    )?;
    task(
        ws,
        vec![
            T("协作函〔2026〕2号"),
            N(2.0),
            T("填报执行数据"),
            T("人力资源部"),
            T(""),
            T("按模板填报上半年执行数据"),
            T("1"),
            T("2026-03-09"),
            T("2026-04-10"),
            T(""),
        ],
    )?;
    let depts = ["采购中心", "行政部", "财务部", "信息技术部", "法务部"];
    let names = ["需求调研", "现状梳理", "流程设计", "制度起草", "系统配置", "数据准备", "试点运行", "问题整改"];
    for i in 1..=40u32 {
        let dep = if i == 1 {
            String::new()
        } else if i % 5 == 0 {
            format!("{}、{}", i - 1, i - 4)
        } else {
            format!("{}", i - 1)
        };
        let day = i + 8;
        let (sm, sd) = (3 + (day / 31) as u8, (day % 31 + 1) as u8);
        let end = day + 4;
        let (em, ed) = (3 + (end / 31) as u8, (end % 31 + 1) as u8);
        task(
            ws,
            vec![
                T("协作函〔2026〕3号"),
                N(i as f64),
                S(format!("{}（第{}项）", names[(i as usize - 1) % names.len()], i)),
                T(depts[(i as usize - 1) % depts.len()]),
                T(if i % 3 == 0 { "杨磊" } else { "" }),
                S(format!("完成第{i}项工作内容，形成书面成果并提交对接人审核；交付物须经承办部门负责人签字确认。")),
                if dep.is_empty() { T("") } else { S(dep) },
                D(2026, sm, sd),
                D(2026, em, ed),
                T(if i % 7 == 0 { "关键节点" } else { "" }),
            ],
        )?;
    }
    task(
        ws,
        vec![
            T("协作函〔2026〕6号"),
            N(1.0),
            T("部门自查"),
            T("生产制造部"),
            T(""),
            T("对照自查表开展全面自查"),
            T(""),
            D(2026, 3, 21),
            D(2026, 4, 5),
            T(""),
        ],
    )?;
    task(
        ws,
        vec![
            T("协作函〔2026〕6号"),
            N(2.0),
            T("现场检查"),
            T("安全环保部"),
            T("郑涛"),
            T("检查组到现场逐项检查"),
            N(1.0),
            D(2026, 4, 6),
            D(2026, 4, 12),
            T(""),
        ],
    )?;
    task(
        ws,
        vec![
            T("协作函〔2026〕6号"),
            N(3.0),
            T("隐患整改"),
            T("设备动力部"),
            T(""),
            T("按检查意见完成整改并报送结果"),
            N(2.0),
            D(2026, 4, 13),
            D(2026, 4, 20),
            T(""),
        ],
    )?;
    ws.set_column_width(0, 20)?;
    ws.set_column_range_width(1, 9, 14)?;
    ws.set_freeze_panes(1, 0)?;

    // The record forms' sheets: request 1's meeting conclusions, to-dos and progress, and what
    // happened at request 3's first steps (and one step of its own).
    let ws = wb.add_worksheet().set_name("沟通记录")?;
    for (c, h) in COMMUNICATION_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
    }
    let records: Vec<Vec<V>> = vec![
        vec![
            T("协作函〔2026〕1号"),
            T("会议共识"),
            D(2026, 3, 4),
            T("研发中心负责整理技术参数说明，市场营销部负责卖点提炼"),
            T("研发中心"),
            D(2026, 3, 10),
        ],
        vec![
            T("协作函〔2026〕1号"),
            T("待办事项"),
            D(2026, 3, 4),
            T("补充用户使用场景文档，供卖点提炼参考"),
            T("市场营销部"),
            D(2026, 3, 7),
        ],
        vec![
            T("协作函〔2026〕1号"),
            T("进度更新"),
            D(2026, 3, 6),
            T("技术参数说明完成八成，剩余三项待测试数据确认"),
            T(""),
            T(""),
        ],
        vec![
            T("协作函〔2026〕1号"),
            T("进度更新"),
            D(2026, 3, 11),
            T("技术参数说明与卖点材料已定稿，培训会定于3月25日"),
            T(""),
            T(""),
        ],
    ];
    for (i, r) in records.iter().enumerate() {
        write_row(ws, i as u32 + 1, r, &date)?;
    }
    ws.set_column_width(0, 20)?;
    ws.set_column_width(3, 48)?;
    let ws = wb.add_worksheet().set_name("流程记录")?;
    for (c, h) in PROCESS_HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
    }
    let steps: Vec<Vec<V>> = vec![
        vec![T("协作函〔2026〕3号"), T("需求发起与确认"), D(2026, 3, 9), T("采购中心当日确认承接")],
        vec![T("协作函〔2026〕3号"), T("任务拆分与分工"), D(2026, 3, 11), T("拆分为40项任务，分四个阶段推进")],
        vec![T("协作函〔2026〕3号"), T("方案评审会"), D(2026, 3, 18), T("评审通过，补充供应商分级标准")],
    ];
    for (i, r) in steps.iter().enumerate() {
        write_row(ws, i as u32 + 1, r, &date)?;
    }
    ws.set_column_width(0, 20)?;
    ws.set_column_width(3, 40)?;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/requests.xlsx");
    wb.save(&path)?;
    println!("wrote {}", path.display());
    Ok(())
}
