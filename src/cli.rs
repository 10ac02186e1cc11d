//! The command line's definition: commands, options and their help text (clap).
//! What the commands do is `main.rs`.

use clap::{Parser, Subcommand};
use gongwen::workbook;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "gongwen", version, about = "把工作簿的每一行生成公文（工作联系函等），输出 Word (.docx) 与 PDF")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// 生成文件：每条协作需求 → 工作联系函（每个收函部门一份）等，.docx 与 .pdf
    Generate {
        /// 工作簿（.xlsx / .xls / .ods）
        workbook: PathBuf,
        /// 输出文件夹
        #[arg(short = 'o', long = "out", default_value = "out")]
        out: PathBuf,
        /// 要生成的表单，逗号分隔：letter（工作联系函）、application（协作需求申请表）、tasks（协作任务拆分清单）
        #[arg(long, value_delimiter = ',', default_value = "letter,application,tasks")]
        forms: Vec<String>,
        /// 输出格式，逗号分隔：docx,pdf
        #[arg(long, value_delimiter = ',', default_value = "docx,pdf")]
        format: Vec<String>,
        /// 并行线程数（默认：CPU 核数）
        #[arg(long)]
        jobs: Option<usize>,
        /// 有任何错误时不写任何文件
        #[arg(long)]
        strict: bool,
        /// 使用此文件夹中的表单定义（letter.toml 等）代替内置表单
        #[arg(long = "forms-dir")]
        forms_dir: Option<PathBuf>,
        /// 电子印章：发函部门=图片.png（可重复）；工作簿的“印章”列优先
        #[arg(long = "seal", value_name = "部门=PNG")]
        seals: Vec<String>,
        /// 电子印章的直径（毫米）
        #[arg(long = "seal-size", value_name = "毫米", default_value_t = workbook::DEFAULT_SEAL_MM)]
        seal_size: f32,
        /// 另外为每种表单生成一个打印合集 PDF（打印合集_工作联系函.pdf 等），每份从奇数页开始，便于双面打印
        #[arg(long)]
        bundle: bool,
        /// 不在 .docx 中嵌入字体（默认嵌入所用字形的子集，使没有这些字体的电脑也显示相同字体）
        #[arg(long = "no-embed-fonts")]
        no_embed_fonts: bool,
    },
    /// 只检查工作簿，列出所有问题，不写任何文件
    Check {
        /// 工作簿（.xlsx / .xls / .ods）
        workbook: PathBuf,
    },
    /// 写出空白的输入工作簿（含表头说明、下拉选项和一行示例），从它开始填写
    Template {
        /// 要写出的工作簿
        #[arg(short = 'o', long = "out", default_value = "协作需求模板.xlsx")]
        out: PathBuf,
    },
    /// 表单定义（措辞与版式）
    Forms {
        #[command(subcommand)]
        action: FormsAction,
    },
}

#[derive(Subcommand)]
pub enum FormsAction {
    /// 把内置表单定义（letter.toml 等）写到文件夹中，修改后用 generate --forms-dir 使用
    Export {
        /// 目标文件夹
        dir: PathBuf,
        /// 覆盖已有文件
        #[arg(long)]
        force: bool,
    },
}
