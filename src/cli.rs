//! Command-line arguments (clap). Only the commands in [`crate::cmd`] see these types: each
//! turns its arguments into the library's option structs.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// gongshi（公示）：政府信息公示网站生成器。
#[derive(Debug, Parser)]
#[command(name = "gongshi", version, about = "gongshi（公示）：把 content/ 中的记录生成政务公开网站", long_about = None)]
pub struct Cli {
    /// 只输出错误（不显示进度和摘要）
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// 显示更多信息
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// 生成网站到 public/（失败时保留上一次的结果）
    Build(BuildArgs),
    /// 检查全部内容，不生成网站
    Check(CheckArgs),
    /// 本地预览：生成网站并在浏览器中查看，修改内容后自动刷新（不写入 public/）
    Serve(ServeArgs),
    /// 新建一个站点：带说明的 site.toml、每类一条示例记录、主题替换目录和节假日补充目录
    Init(InitArgs),
    /// 新建一条记录：列出必填项和常用项并附中文说明，自动填写今天的日期和下一个索引号
    ///
    /// 记录写在 content/类别目录/名称.md；办事指南（permit）写成目录形式 content/permits/名称/index.md，
    /// 示范文本、申请表等附件放在同一文件夹中。
    New(NewArgs),
    /// 计算工作日期限：DATE +N 给出截止日期；DATE DATE 计算两个日期之间的工作日和自然日；只给 DATE 时说明当天是否为工作日
    Calendar(CalendarArgs),
    /// 从表格导入记录：gongshi import documents 目录.xlsx（或 .csv），列名见 docs/commands.md；有错误时不写入任何文件
    Import(ImportArgs),
    /// 意见接收与台账：serve（接收服务）、export（导出台账）、add（录入线下意见）、verify（校验）、stats（统计）
    Feedback(crate::feedback::cli::FeedbackArgs),
    /// 依申请公开：add（录入信函、当面、传真申请）、event（记录补正、延期、答复）、due（到期和逾期清单）、export（导出，含个人信息）
    Requests(crate::feedback::requests::cli::RequestsArgs),
    /// 发布到对象存储（S3 兼容）或目录：只上传上次发布以来有变化的文件，删除不再生成的文件；--dry-run 只列出改动
    Deploy(crate::deploy::cli::DeployArgs),
    /// 年度报告：annual（政府信息公开工作年度报告）或 enforcement（行政执法统计年报）YEAR，列出统计数字；--db 写入依申请公开情况，--seal 封存
    Report(ReportArgs),
}

/// Which annual report (`gongshi report annual|enforcement YEAR`).
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum ReportWhich {
    /// 政府信息公开工作年度报告
    Annual,
    /// 行政执法统计年报
    Enforcement,
}

// The arguments of `gongshi report` (the help text is on [`Command::Report`]).
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// annual（政府信息公开工作年度报告）或 enforcement（行政执法统计年报）
    #[arg(value_enum)]
    pub(crate) which: ReportWhich,
    /// 报告年度，如 2025
    pub(crate) year: i64,
    /// 站点根目录（含 site.toml）
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
    /// 意见接收程序的数据库（只读）：统计依申请公开情况（表三），写入该年度报告记录的 requests 和 requests_hash
    #[arg(long, value_name = "FILE")]
    pub(crate) db: Option<PathBuf>,
    /// 发布时封存：把全部数字的校验值写入报告记录的 seal；此后数字变化，检查即报错
    #[arg(long)]
    pub(crate) seal: bool,
    /// 输出格式：text（表格）或 json（每个单元格一项）
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
}

// The arguments of `gongshi build` (the help text is on [`Command::Build`]).
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// 站点根目录（含 site.toml）
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
    /// 输出目录（默认为 根目录/public）
    #[arg(long)]
    pub(crate) out: Option<PathBuf>,
    /// 固定生成时间（RFC 3339，如 2026-11-25T10:00:00+08:00），用于预览未来某天或复现结果
    #[arg(long)]
    pub(crate) now: Option<String>,
    /// 同时发布草稿
    #[arg(long)]
    pub(crate) drafts: bool,
    /// 不使用上次生成的记录，完整地重新生成（默认在内容、主题、设置和时间都没有变化时跳过生成，有变化时只重新生成受影响的页面）
    #[arg(long)]
    pub(crate) no_cache: bool,
    /// 构建缓存目录（默认为输出目录旁的 .gongshi-cache/）；持续集成可保留此目录，使下次生成只重新生成有变化的页面
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// 在构建缓存目录中保留构建快照：下次生成时若只改了一个记录文件，只处理该记录及受影响的页面（生成时约需多用一半内存）
    #[arg(long)]
    pub(crate) snapshot: bool,
    /// 意见接收程序的数据库（只读）：核对已公布结果的征集是否全部导出，并在 consultations/heads.json 中发布接收程序的链头
    #[arg(long, value_name = "FILE")]
    pub(crate) feedback_db: Option<PathBuf>,
}

// The arguments of `gongshi check` (the help text is on [`Command::Check`]).
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// 站点根目录（含 site.toml）
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
    /// 按此时间检查（RFC 3339，如 2026-11-25T10:00:00+08:00），默认为当前时间
    #[arg(long)]
    pub(crate) now: Option<String>,
    /// 警告也视为错误
    #[arg(long)]
    pub(crate) strict: bool,
    /// 输出格式：text（给人看）或 json（给 CI）
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// 同时检查草稿
    #[arg(long)]
    pub(crate) drafts: bool,
    /// 另外生成一页合规检查报告（HTML，可直接用浏览器打开），如 --html 合规检查.html
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
    /// 个人信息检查扩大到全部内容（默认只查执法决定、留言答复、意见台账和征集结果）
    #[arg(long)]
    pub(crate) privacy_all: bool,
    /// 意见接收程序的数据库（只读）：核对意见台账与接收程序是否一致、已公布结果的征集是否全部导出，并检查依申请公开的答复期限（逾期未答复为错误）
    #[arg(long, value_name = "FILE")]
    pub(crate) feedback_db: Option<PathBuf>,
    /// 依申请公开：同时列出 N 个工作日内（含今天）到期的申请，作为提示，不影响检查结果；需要 --feedback-db 选项
    #[arg(long, value_name = "N", default_value_t = crate::feedback::requests::due::DEFAULT_WITHIN)]
    pub(crate) requests_within: u32,
}

// The arguments of `gongshi serve` (the help text is on [`Command::Serve`]).
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// 站点根目录（含 site.toml）
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
    /// 监听地址；默认只允许本机访问。端口为 0 时自动选择空闲端口
    #[arg(long, default_value = "127.0.0.1:1111")]
    pub(crate) addr: String,
    /// 固定生成时间（RFC 3339），用于预览未来某天；不写则每次重新生成时读取当前时间
    #[arg(long)]
    pub(crate) now: Option<String>,
    /// 同时显示草稿
    #[arg(long)]
    pub(crate) drafts: bool,
    /// 生成完成后在浏览器中打开
    #[arg(long)]
    pub(crate) open: bool,
    /// 预览中的意见表单保存到此数据库文件（默认使用临时数据库，预览结束即删除）
    #[arg(long)]
    pub(crate) db: Option<PathBuf>,
    /// 除 localhost 和 IP 地址外，还允许用这个域名访问预览（可写多次）；其他域名的请求一律拒绝
    #[arg(long = "allow-host", value_name = "域名")]
    pub(crate) allow_host: Vec<String>,
}

// The arguments of `gongshi init` (the help text is on [`Command::Init`]).
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// 新站点的目录（不存在或为空）
    pub(crate) dir: PathBuf,
    /// 示例记录的发布日期按此时间计算（RFC 3339），默认为当前时间
    #[arg(long)]
    pub(crate) now: Option<String>,
    /// 不建立 git 仓库（默认会建立：修订记录和“已发布内容不得改动”等检查需要它；在终端中运行时先询问）
    #[arg(long)]
    pub(crate) no_git: bool,
}

// The arguments of `gongshi new` (the help text is on [`Command::New`]).
#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// 信息类别：duty、document、procedure、fee、permit、consultation、enforcement、reply、page（也可写目录名，如 permits）
    pub(crate) kind: String,
    /// 记录名称，即文件名和网址：小写英文字母、数字、“-”或“_”，如 shiye-baoxian
    pub(crate) name: String,
    /// 站点根目录（含 site.toml）
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
    /// 按此时间填写发布日期和索引号年份（RFC 3339），默认为当前时间
    #[arg(long)]
    pub(crate) now: Option<String>,
}

// The arguments of `gongshi calendar` (the help text is on [`Command::Calendar`]).
#[derive(Debug, Args)]
pub(crate) struct CalendarArgs {
    /// 日期，如 2026-11-20（也可写 2026-3-6、2026/03/06、2026年3月6日）
    pub(crate) date: String,
    /// 期限：+7（7个工作日）或 +30天（30日）；或第二个日期，如 2026-12-10
    #[arg(allow_hyphen_values = true)]
    pub(crate) days: Option<String>,
    /// 站点根目录（读取其中 calendar/ 补充的年份）
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
}

// The arguments of `gongshi import` (the help text is on [`Command::Import`]).
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// 导入的类别（每行一条记录；fees 每行一个收费标准）
    pub(crate) kind: crate::content::Kind,
    /// 表格文件：.xlsx（Excel 工作簿，读第一个工作表）或 .csv（UTF-8 编码）；第一行为列名
    pub(crate) file: PathBuf,
    /// 读取 .xlsx 文件中这个名称的工作表（默认第一个）
    #[arg(long, value_name = "工作表名称")]
    pub(crate) sheet: Option<String>,
    /// 站点根目录（含 site.toml）
    #[arg(long, default_value = ".")]
    pub(crate) root: PathBuf,
    /// 按此时间填写默认发布日期和索引号年份（RFC 3339），默认为当前时间
    #[arg(long)]
    pub(crate) now: Option<String>,
}

pub use crate::diag::Format;

const IMPORTABLE: [crate::content::Kind; crate::content::Kind::COUNT - 1] = {
    use crate::content::Kind;
    let mut out = [Kind::Document; Kind::COUNT - 1];
    let (mut i, mut j) = (0, 0);
    while i < Kind::COUNT {
        if !matches!(Kind::ALL[i], Kind::Page) {
            out[j] = Kind::ALL[i];
            j += 1;
        }
        i += 1;
    }
    out
};

/// The kinds `gongshi import` takes, by folder name (`documents`) or kind name
/// (`document`). Pages are not imported from tables: a page is prose. Consultations are,
/// chiefly the records of those held before the site (`historical: true`); their opinions
/// go into the opinion chain with `gongshi feedback import`.
impl clap::ValueEnum for crate::content::Kind {
    fn value_variants<'a>() -> &'a [Self] {
        &IMPORTABLE
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let v = clap::builder::PossibleValue::new(self.folder()).help(self.label());
        Some(if self.name() == self.folder() {
            v
        } else {
            v.alias(self.name())
        })
    }
}
