//! The command line's definition: commands, options and their help text, and everything the
//! command line itself says — help and usage errors — in Chinese. clap parses; its English
//! framing (`Usage:`, `Options:`, `error:`, `For more information…`) never reaches a user:
//! [`command`] gives every (sub)command Chinese headings, usage lines and help/version flags,
//! and [`usage_error`] turns each clap error into one line that says what to do.
//! What the commands do is `main.rs`.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use gongwen::generate::Format;
use gongwen::workbook;
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "gongwen", version, about = "把工作簿的每一行生成公文（工作联系函等），输出 Word (.docx) 与 PDF")]
#[command(disable_help_subcommand = true, disable_version_flag = true)]
pub struct Cli {
    /// 显示版本号
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// 生成文件：每条协作需求 → 工作联系函（每个收函部门一份）等，.docx 与 .pdf（也可 .ofd）
    #[command(alias = "生成")]
    Generate {
        /// 工作簿（.xlsx / .xls / .ods），一次一个
        #[arg(value_name = "工作簿")]
        workbook: PathBuf,
        /// 输出文件夹
        #[arg(short = 'o', long = "out", value_name = "文件夹", default_value = "out")]
        out: PathBuf,
        /// 要生成的表单（名称或英文名），用逗号或顿号分隔，如 工作联系函,协作需求申请表（默认：工作簿中有所需工作表的全部表单）
        #[arg(long, value_name = "表单", value_delimiter = ',')]
        forms: Vec<String>,
        /// 输出格式，用逗号或顿号分隔：docx、pdf、ofd（大小写均可；ofd 为 GB/T 33190 版式文档）
        #[arg(long, value_name = "格式", value_delimiter = ',', default_value = "docx,pdf")]
        format: Vec<String>,
        /// 并行线程数（默认：CPU 核数；最多 64）
        // A negative number is this option's bad value, not an unknown option.
        #[arg(long, value_name = "线程数", allow_negative_numbers = true)]
        jobs: Option<usize>,
        /// 有任何错误时不写任何文件
        #[arg(long)]
        strict: bool,
        /// 使用此文件夹中的表单定义：与内置表单同名的文件（letter.toml 等）代替它，其他 .toml 文件是新表单
        #[arg(long = "forms-dir", value_name = "文件夹")]
        forms_dir: Option<PathBuf>,
        /// 电子印章：发函部门=图片.png（可重复）；工作簿的“印章”列优先
        #[arg(long = "seal", value_name = "部门=PNG")]
        seals: Vec<String>,
        /// 电子印章的直径（毫米）
        #[arg(long = "seal-size", value_name = "毫米", default_value_t = workbook::DEFAULT_SEAL_MM)]
        seal_size: f32,
        /// 另外为每种表单生成一个打印合集（打印合集_工作联系函.pdf 等；格式含 ofd 时另有 .ofd），每份从奇数页开始，便于双面打印
        #[arg(long)]
        bundle: bool,
        /// 不在 .docx 中嵌入字体（默认嵌入所用字形的子集，使没有这些字体的电脑也显示相同字体）
        #[arg(long = "no-embed-fonts")]
        no_embed_fonts: bool,
        /// 删除输出文件夹中上次生成、本次不再生成的文件（只删清单中记录且未被改动过的文件）
        #[arg(long)]
        clean: bool,
        /// 只生成协作需求表中这些行的需求（Excel 的行号），如 3,5-9；可与 --id 同用
        #[arg(long, value_name = "行号")]
        rows: Option<String>,
        /// 只生成这些编号的需求，如 协作函〔2026〕3号（可重复，或用逗号分隔）
        #[arg(long = "id", value_name = "编号", value_delimiter = ',')]
        ids: Vec<String>,
        /// PDF 的标准：a-2b、a-2a、a-3b（PDF/A 存档格式，ISO 19005）；默认为普通 PDF。PDF/A 文件中不能有内置字体没有的字，有这种字的需求不生成
        #[arg(long = "pdf-standard", value_name = "标准")]
        pdf_standard: Option<String>,
        /// 另外为每条需求生成一个审批合订本（{编号}_审批合订.pdf；格式含 ofd 时另有 .ofd）：它的各份文件依次排列，每份从奇数页开始，带书签，可直接附在 OA 审批上
        #[arg(long)]
        packet: bool,
    },
    /// 只检查工作簿，列出所有问题（可用 > 报告.txt 保存），不写任何文件
    #[command(alias = "检查")]
    Check {
        /// 工作簿（.xlsx / .xls / .ods），一次一个
        #[arg(value_name = "工作簿")]
        workbook: PathBuf,
    },
    /// 写出空白的输入工作簿（含表头说明、下拉选项和一行示例），从它开始填写
    #[command(alias = "模板")]
    Template {
        /// 要写出的工作簿
        #[arg(short = 'o', long = "out", value_name = "文件", default_value = "协作需求模板.xlsx")]
        out: PathBuf,
    },
    // ---- preview (page images without poppler; src/preview.rs) ----
    /// 预览：把一份文件的页面画成 PNG 图片（与 PDF 同一版面），不生成文件、不需要其他软件
    #[command(alias = "预览")]
    #[command(after_help = PREVIEW_HELP)]
    Preview {
        /// 工作簿（.xlsx / .xls / .ods）
        #[arg(value_name = "工作簿")]
        workbook: PathBuf,
        /// 要预览的表单（名称或英文名），如 工作联系函、协作需求申请表、letter
        #[arg(long, value_name = "表单")]
        form: String,
        /// 要预览的需求的编号（默认：第一条能生成的需求）
        #[arg(long, value_name = "编号", conflicts_with = "row")]
        id: Option<String>,
        /// 要预览的行：表单数据所在工作表的行号（Excel 左侧的数字）
        #[arg(long, value_name = "行号")]
        row: Option<u32>,
        /// 一份需求有多个收函部门时，预览给这个部门的那份（默认：第一个）
        #[arg(long, value_name = "收函部门")]
        to: Option<String>,
        /// 只画这一页（从 1 起；默认：每一页各画一张）
        #[arg(long, value_name = "页码")]
        page: Option<usize>,
        /// 分辨率（每英寸点数，20–600；屏幕预览 60–150）
        #[arg(long, value_name = "DPI", default_value_t = 60.0)]
        dpi: f32,
        /// 图片文件；不加 --page 时每页一张，文件名后加 -页码（预览-1.png、预览-2.png …）
        #[arg(short = 'o', long = "out", value_name = "文件", default_value = "预览.png")]
        out: PathBuf,
        /// 使用此文件夹中的表单定义（同 generate --forms-dir）
        #[arg(long = "forms-dir", value_name = "文件夹")]
        forms_dir: Option<PathBuf>,
        /// 电子印章：发函部门=图片.png（可重复；同 generate --seal）
        #[arg(long = "seal", value_name = "部门=PNG")]
        seals: Vec<String>,
    },
    // ---- end preview ----
    /// 启动网页工作台与 HTTP 接口（默认只有本机可以访问：http://127.0.0.1:8080/）
    #[command(alias = "服务")]
    Serve {
        /// 监听地址（IP:端口）；不是本机地址（127.0.0.1）时必须同时用 --token 设置口令
        #[arg(long, value_name = "地址", default_value = "127.0.0.1:8080")]
        listen: String,
        /// 访问口令：每个 /api/ 请求须带请求头 Authorization: Bearer 口令
        #[arg(long, value_name = "口令")]
        token: Option<String>,
        /// 上传内容的大小上限，如 20MB
        #[arg(long = "max-upload", value_name = "大小", default_value = "20MB")]
        max_upload: String,
        /// 同时处理的任务数（检查、生成）；更多的请求排队等候（默认：CPU 核数）
        #[arg(long, value_name = "个数")]
        jobs: Option<usize>,
        /// 每个请求的时限（秒），超过即停止并答复 503
        #[arg(long, value_name = "秒", default_value_t = 300)]
        timeout: u64,
        /// 任务已满时，新请求最多等候的秒数，之后答复“服务器正忙”（503）
        #[arg(long, value_name = "秒", default_value_t = 10)]
        wait: u64,
        /// 启动后在浏览器中打开工作台
        #[arg(long)]
        open: bool,
    },
    /// 表单定义（措辞与版式）
    #[command(alias = "表单")]
    Forms {
        #[command(subcommand)]
        action: FormsAction,
    },
}

/// Examples under `gongwen preview --help`.
const PREVIEW_HELP: &str = "\
例子：
  gongwen preview 工作簿.xlsx --form 工作联系函 --id 协作函〔2026〕3号 -o 联系函.png
      每页一张：联系函-1.png、联系函-2.png …
  gongwen preview 工作簿.xlsx --form 协作需求申请表 --row 5 --page 1 --dpi 150 -o 申请表.png
      只画第 1 页，写到 申请表.png";

#[derive(Subcommand)]
pub enum FormsAction {
    /// 把内置表单定义（letter.toml 等）写到文件夹中，修改后用 generate --forms-dir 使用
    #[command(alias = "导出")]
    Export {
        /// 目标文件夹
        #[arg(value_name = "文件夹")]
        dir: PathBuf,
        /// 覆盖已有文件
        #[arg(long)]
        force: bool,
    },
}

/// What `--help` prints for a command: clap's lists under Chinese headings with a full-width
/// colon (clap's own headings end in an ASCII one); only the sections the command has.
fn help_template(cmd: &clap::Command) -> String {
    let mut t = String::from("{about}\n\n用法：{usage}\n");
    if cmd.has_subcommands() {
        t += "\n命令：\n{subcommands}\n";
    }
    if cmd.get_positionals().next().is_some() {
        t += "\n参数：\n{positionals}\n";
    }
    t += "\n选项：\n{options}{after-help}";
    t
}

/// The whole command tree with Chinese framing (see [`chinese`]).
pub fn command() -> clap::Command {
    chinese(Cli::command(), "gongwen")
}

/// Give `cmd` and its subcommands Chinese help: a usage line built from Chinese value names,
/// headings 命令 / 参数 / 选项, defaults written into the help text (`（默认：out）`), and a
/// `-h/--help` flag described in Chinese in place of clap's own.
fn chinese(cmd: clap::Command, path: &str) -> clap::Command {
    let mut usage = path.to_string();
    let has_options = cmd.get_arguments().any(|a| !a.is_positional());
    if has_options || cmd.has_subcommands() {
        usage += " [选项]";
    }
    for a in cmd.get_positionals() {
        let name =
            a.get_value_names().and_then(|v| v.first()).map_or_else(|| a.get_id().to_string(), |n| n.to_string());
        usage += &if a.is_required_set() { format!(" {name}") } else { format!(" [{name}]") };
    }
    if cmd.has_subcommands() {
        usage += " 命令";
    }
    let template = help_template(&cmd);
    let cmd = cmd
        .help_template(template)
        .override_usage(usage)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .arg(clap::Arg::new("help").short('h').long("help").action(ArgAction::Help).help("显示本帮助"))
        .mut_args(|mut a| {
            let defaults: Vec<String> =
                a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
            if a.get_action().takes_values() && !defaults.is_empty() && !a.is_hide_default_value_set() {
                let help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                a = a.help(format!("{help}（默认：{}）", defaults.join(","))).hide_default_value(true);
            }
            a
        });
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    names.into_iter().fold(cmd, |cmd, name| {
        let sub_path = format!("{path} {name}");
        cmd.mut_subcommand(&name, |sub| chinese(sub, &sub_path))
    })
}

/// Parse the process's arguments. `Err` holds what to do instead of running: print the help
/// or version (exit 0) or a usage error (exit 2), already in Chinese.
pub fn parse() -> Result<Cli, Exit> {
    parse_from(std::env::args_os().collect())
}

/// What the command line asks for instead of a run.
#[derive(Debug)]
pub enum Exit {
    /// Help or version text for stdout.
    Show(String),
    /// A usage error, one line starting with 错误：, for stderr.
    Usage(String),
}

pub fn parse_from(mut args: Vec<OsString>) -> Result<Cli, Exit> {
    // `gongwen help [命令]` (clap's help subcommand is off: its text is English) means `--help`.
    if args.get(1).is_some_and(|a| a == "help" || a == "帮助") {
        args.remove(1);
        args.push("--help".into());
    }
    let matches = command().try_get_matches_from(&args);
    let result = matches.and_then(|m| Cli::from_arg_matches(&m));
    result.map_err(|e| match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let text = e.render().to_string();
            Exit::Show(if text.ends_with('\n') { text } else { text + "\n" })
        }
        _ => Exit::Usage(usage_error(&e, &args)),
    })
}

/// The subcommand the user typed (`generate`, `forms export` …), for naming it in messages.
fn typed_command(args: &[OsString]) -> Option<String> {
    let top = command();
    let mut cmd = &top;
    let mut path: Vec<String> = Vec::new();
    for a in args.iter().skip(1).filter_map(|a| a.to_str()) {
        if a.starts_with('-') {
            continue;
        }
        match cmd.find_subcommand(a) {
            Some(sub) => {
                path.push(sub.get_name().to_string());
                cmd = sub;
            }
            None => break,
        }
    }
    (!path.is_empty()).then(|| path.join(" "))
}

/// The positional arguments the user typed after the command (workbooks, folders).
fn typed_operands(args: &[OsString]) -> Vec<String> {
    let top = command();
    let mut cmd = &top;
    let mut operands = Vec::new();
    let mut iter = args.iter().skip(1).map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = iter.next() {
        if let Some(opt) = a.strip_prefix("--") {
            // An option that takes a value swallows the next argument unless written `--x=v`.
            let takes = cmd.get_arguments().any(|x| x.get_long() == Some(opt) && x.get_action().takes_values());
            if takes {
                iter.next();
            }
        } else if let Some(short) = a.strip_prefix('-').filter(|s| s.chars().count() == 1) {
            let c = short.chars().next().expect("one char");
            if cmd.get_arguments().any(|x| x.get_short() == Some(c) && x.get_action().takes_values()) {
                iter.next();
            }
        } else if let Some(sub) = operands.is_empty().then(|| cmd.find_subcommand(&a)).flatten() {
            cmd = sub;
        } else {
            operands.push(a);
        }
    }
    operands
}

fn context_str(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join("、")),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The option an error is about, as typed: `--jobs <线程数>` → `--jobs`.
fn option_name(arg: &str) -> String {
    arg.split([' ', '=']).next().unwrap_or(arg).to_string()
}

/// What a value of each option must look like, for value errors (clap's own reasons are English).
fn value_hint(option: &str) -> &'static str {
    match option {
        "--jobs" => "应为正整数，如 --jobs 4",
        "--seal-size" => "应为数字（毫米），如 --seal-size 42",
        "-o" | "--out" => "应为文件夹或文件名",
        "--forms" => "如 --forms 工作联系函,协作需求申请表",
        "--format" => "如 --format pdf 或 --format docx,pdf",
        "--seal" => "应写作 发函部门=印章图片.png",
        "--forms-dir" => "应为存放表单定义的文件夹",
        "--dpi" => "应为数字（每英寸点数，20–600），如 --dpi 60",
        "--page" => "应为页码（从 1 起），如 --page 1",
        "--row" => "应为行号（Excel 左侧的数字），如 --row 5",
        "--listen" => "应为 IP:端口，如 --listen 127.0.0.1:8080",
        "--max-upload" => "应为大小，如 --max-upload 20MB",
        "--timeout" | "--wait" => "应为秒数（正整数），如 --timeout 300",
        _ => "请查看 --help 中此选项的说明",
    }
}

/// Does `s` look like a workbook file name?
fn looks_like_workbook(s: &str) -> bool {
    let lower = s.to_lowercase();
    [".xlsx", ".xls", ".xlsm", ".ods", ".csv", ".xlsb"].iter().any(|e| lower.ends_with(e))
        || std::path::Path::new(s).is_file()
}

/// One Chinese line for a clap error: what was wrong and what to type instead.
pub fn usage_error(e: &clap::Error, args: &[OsString]) -> String {
    let cmd = typed_command(args);
    let shown = cmd.as_deref().map_or_else(|| "gongwen".to_string(), |c| format!("gongwen {c}"));
    let help = format!("（{shown} --help 查看说明）");
    let arg = context_str(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = context_str(e, ContextKind::InvalidValue).unwrap_or_default();
    const COMMANDS: &str = "gongwen check 工作簿.xlsx（检查）、gongwen generate 工作簿.xlsx -o 输出文件夹（生成）、gongwen template（写出空白模板）";
    let body = match e.kind() {
        ErrorKind::InvalidSubcommand => {
            let typed = context_str(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            if looks_like_workbook(&typed) {
                format!(
                    "请先写要做什么，再写工作簿：gongwen check {typed}（检查），或 gongwen generate {typed}（生成）"
                )
            } else {
                let suggested = context_str(e, ContextKind::SuggestedSubcommand)
                    .map(|s| format!("是不是 {s}？"))
                    .unwrap_or_default();
                format!("没有“{typed}”这个命令。{suggested}可用：{COMMANDS}")
            }
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => match cmd.as_deref() {
            Some("forms") => "缺少命令：gongwen forms export 文件夹（导出内置表单定义）".to_string(),
            _ => format!("缺少命令，请写明要做什么：{COMMANDS}；gongwen --help 查看说明"),
        },
        ErrorKind::MissingRequiredArgument => {
            let usage = context_str(e, ContextKind::Usage).unwrap_or_default();
            // clap frames the usage line with its own English heading; keep from our command on.
            let usage = usage.find("gongwen").map_or(usage.as_str(), |at| &usage[at..]).trim();
            let what = arg.trim_matches(['<', '>']).to_string();
            format!("缺少{what}：应写作 {usage}{help}")
        }
        ErrorKind::UnknownArgument if !arg.starts_with('-') || arg == "-" => {
            let operands = typed_operands(args);
            let first = operands.first().cloned().unwrap_or_default();
            match cmd.as_deref() {
                Some("check") => format!(
                    "一次只能检查一个工作簿，却给了 {} 个（{}）；请逐个运行：gongwen check {first}，然后 gongwen check {arg}",
                    operands.len(),
                    operands.join("、")
                ),
                Some("generate") if looks_like_workbook(&arg) => format!(
                    "一次只能生成一个工作簿，却给了 {} 个（{}）；请逐个运行，并用 -o 给每个指定输出文件夹：gongwen generate {first} -o 输出1，然后 gongwen generate {arg} -o 输出2",
                    operands.len(),
                    operands.join("、")
                ),
                Some("generate") => format!("多余的“{arg}”：若它是输出文件夹，请写 -o {arg}{help}"),
                _ => format!("多余的“{arg}”{help}"),
            }
        }
        ErrorKind::UnknownArgument => {
            let suggested =
                context_str(e, ContextKind::SuggestedArg).map(|s| format!("是不是 {s}？")).unwrap_or_default();
            format!("{shown} 没有选项“{arg}”。{suggested}{help}")
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation | ErrorKind::NoEquals => {
            let option = option_name(&arg);
            if value.is_empty() {
                format!("选项 {option} 后面缺少值：{}{help}", value_hint(&option))
            } else {
                format!("选项 {option} 的值“{value}”不对：{}", value_hint(&option))
            }
        }
        ErrorKind::ArgumentConflict => {
            let prior = context_str(e, ContextKind::PriorArg).unwrap_or_default();
            if option_name(&prior) == option_name(&arg) || prior.is_empty() {
                format!("选项 {} 只能写一次{help}", option_name(&arg))
            } else {
                format!("选项 {} 与 {} 不能同时使用{help}", option_name(&arg), option_name(&prior))
            }
        }
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("选项 {} 的值的个数不对{help}", option_name(&arg))
        }
        ErrorKind::InvalidUtf8 => "参数中有无法识别的字符（不是 UTF-8 编码），请改用普通文字".to_string(),
        _ => format!("命令行有误{help}"),
    };
    format!("错误：{body}")
}

/// The items of a list option: clap splits on `,`; people also write `，` `、` `;` `；` or spaces.
fn items(values: &[String]) -> impl Iterator<Item = &str> {
    gongwen::forms::choice::items(values.iter().map(String::as_str))
}

/// `--forms`: the keys of the chosen `forms`, in their order, each once. A form is named by
/// its key (any case), its Chinese name or one of its aliases (`工作联系函`, `联系函`, `letter`).
pub fn chosen_forms(values: &[String], forms: &[gongwen::forms::Form]) -> Result<Vec<String>, String> {
    use gongwen::forms::choice;
    let chosen = choice::pick(items(values), forms).map_err(|item| {
        format!("--forms：没有“{item}”这种表单；可用：{}，多个用逗号或顿号分隔", choice::known(forms))
    })?;
    if chosen.is_empty() {
        return Err("--forms：没有写要生成的表单，如 --forms 工作联系函".to_string());
    }
    Ok(chosen)
}

/// `--format`: `docx` / `pdf` / `ofd` in any case, with or without the dot (`.PDF`); `word` is docx.
/// `--pdf-standard`'s value: the PDF/A standard named (none: plain PDF).
pub fn chosen_standard(value: Option<&str>) -> Result<gongwen::pdf::Standard, String> {
    let Some(name) = value else { return Ok(gongwen::pdf::Standard::Plain) };
    gongwen::pdf::Standard::from_name(name).ok_or_else(|| {
        format!(
            "--pdf-standard：没有“{}”这种标准；可用：a-2b、a-2a、a-3b（PDF/A），如 --pdf-standard a-2b",
            name.trim()
        )
    })
}

pub fn chosen_formats(values: &[String]) -> Result<Vec<Format>, String> {
    let mut formats = Vec::new();
    for item in items(values) {
        formats.push(Format::from_name(item).ok_or_else(|| {
            format!("--format：没有“{item}”这种格式；可用：docx、pdf、ofd，如 --format pdf 或 --format docx,pdf")
        })?);
    }
    if formats.is_empty() {
        return Err("--format：没有写输出格式，如 --format pdf".to_string());
    }
    formats.sort();
    formats.dedup();
    Ok(formats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn usage(args: &[&str]) -> String {
        match parse_from(args.iter().map(OsString::from).collect()) {
            Err(Exit::Usage(line)) => line,
            Err(Exit::Show(text)) => panic!("help instead of an error: {text}"),
            Ok(_) => panic!("{args:?} parsed"),
        }
    }

    #[test]
    fn forms_by_key_or_chinese_name_with_any_separator() {
        let forms = gongwen::forms::load(None).unwrap();
        let chosen_forms = |v: &[String]| chosen_forms(v, &forms);
        assert_eq!(chosen_forms(&strings(&["工作联系函"])).unwrap(), ["letter"]);
        assert_eq!(chosen_forms(&strings(&["Tasks，工作联系函、申请表"])).unwrap(), ["letter", "application", "tasks"]);
        assert_eq!(chosen_forms(&strings(&["letter", "LETTER"])).unwrap(), ["letter"]);
        let err = chosen_forms(&strings(&["公函"])).unwrap_err();
        assert!(err.contains("没有“公函”这种表单") && err.contains("工作联系函（letter）"), "{err}");
        assert!(chosen_forms(&strings(&["、"])).is_err());
    }

    #[test]
    fn formats_in_any_case() {
        assert_eq!(chosen_formats(&strings(&["PDF"])).unwrap(), [Format::Pdf]);
        assert_eq!(chosen_formats(&strings(&["Pdf、.DOCX", "pdf"])).unwrap(), [Format::Docx, Format::Pdf]);
        assert_eq!(chosen_formats(&strings(&[".OFD,pdf"])).unwrap(), [Format::Pdf, Format::Ofd]);
        let err = chosen_formats(&strings(&["odt"])).unwrap_err();
        assert!(err.contains("没有“odt”这种格式") && err.contains("docx、pdf、ofd"), "{err}");
    }

    #[test]
    fn help_is_chinese_for_every_command() {
        for args in
            [&["gongwen", "--help"][..], &["gongwen", "generate", "-h"], &["gongwen", "help", "forms", "export"]]
        {
            let Err(Exit::Show(text)) = parse_from(args.iter().map(OsString::from).collect()) else {
                panic!("{args:?}")
            };
            for english in ["Usage", "Options", "Arguments", "Commands", "Print", "default:", "[OPTIONS]"] {
                assert!(!text.contains(english), "{english} in {args:?}:\n{text}");
            }
            assert!(text.contains("用法：gongwen"), "{text}");
        }
    }

    #[test]
    fn usage_errors_are_one_chinese_line() {
        assert_eq!(
            usage(&["gongwen", "check", "a.xlsx", "b.xlsx"]),
            "错误：一次只能检查一个工作簿，却给了 2 个（a.xlsx、b.xlsx）；请逐个运行：gongwen check a.xlsx，然后 gongwen check b.xlsx"
        );
        assert!(usage(&["gongwen", "generate", "a.xlsx", "--form", "letter"]).contains("是不是 --forms？"));
        assert!(usage(&["gongwen", "generate", "a.xlsx", "--jobs", "x"]).starts_with("错误：选项 --jobs 的值“x”不对"));
        assert!(usage(&["gongwen", "generate", "a.xlsx", "--jobs", "-1"]).starts_with("错误：选项 --jobs 的值“-1”不对"));
        assert!(usage(&["gongwen", "a.xlsx"]).contains("gongwen check a.xlsx"));
        assert!(usage(&["gongwen", "generate", "a.xlsx", "out"]).contains("请写 -o out"));
        assert_eq!(
            usage(&["gongwen", "check"]),
            "错误：缺少工作簿：应写作 gongwen check 工作簿（gongwen check --help 查看说明）"
        );
    }
}
