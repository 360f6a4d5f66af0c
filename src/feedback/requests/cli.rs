//! `gongshi requests …`: staff entry of requests that came by letter, in person or by fax,
//! their events, the deadline list (exit status for CI) and the staff export. Nothing here
//! prints: `src/cmd/requests.rs` prints [`RunOutput`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::deadline::{self, State};
use super::model::{ApplicantType, Delivery, Event, EventKind, ReplyCategory, RequestChannel};
use super::store::{self, Applicant, NewRequest};
use crate::calendar::Calendar;
use crate::feedback::cli::{parse_time, RunOutput};
use crate::feedback::dbcheck::Create;
use crate::feedback::model::{check_receipt, default_time_zone};
use crate::feedback::FeedbackError;

#[derive(Debug, Clone, Args)]
pub struct RequestsArgs {
    #[command(subcommand)]
    pub command: RequestsCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum RequestsCommand {
    /// 录入信函、当面、传真等方式收到的政府信息公开申请，输出回执编号
    Add(AddArgs),
    /// 从表格（CSV 或 Excel .xlsx）成批录入信函、当面、传真收到的申请；有一行出错则整个文件不导入
    Import(ImportArgs),
    /// 记录办理环节：补正告知、补正收到、征求第三方意见、收到第三方意见、延期、答复（或更正收到日期）
    Event(EventArgs),
    /// 列出 N 个工作日内到期和已逾期的申请；有逾期未答复的申请时退出码为 1
    Due(DueArgs),
    /// 导出全部申请（CSV，含申请人个人信息，仅供内部办理，不得公开）
    Export(ExportArgs),
}

#[derive(Debug, Clone, Args)]
pub struct Common {
    /// 站点根目录（读取 site.toml 的时区和 calendar/ 中的节假日补充）
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// 意见接收服务的数据库：SQLite 文件，或 PostgreSQL 地址（postgres://用户@主机/库名）
    #[arg(long)]
    pub db: String,
}

#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub common: Common,
    /// 数据库不存在时新建
    #[arg(long)]
    pub init: bool,
    /// 提交方式：信函 | 当面 | 传真 | 网上
    #[arg(long)]
    pub channel: String,
    /// 收到申请之日（条例第三十一条），如 2026-03-02
    #[arg(long)]
    pub received: String,
    /// 申请人类型：自然人 | 法人或其他组织 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构
    #[arg(long)]
    pub applicant_type: String,
    /// 申请人姓名或名称
    #[arg(long)]
    pub name: String,
    /// 身份证件号码或统一社会信用代码
    #[arg(long)]
    pub id_number: Option<String>,
    /// 联系电话或电子邮箱
    #[arg(long)]
    pub contact: String,
    /// 通信地址
    #[arg(long)]
    pub address: Option<String>,
    /// 所需政府信息的名称、文号或者便于查询的其他特征性描述
    #[arg(long)]
    pub info: String,
    /// 获取信息的方式：纸质文本 | 电子邮件 | 光盘等存储介质 | 当场阅览抄录
    #[arg(long)]
    pub delivery: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub common: Common,
    /// 数据库不存在时新建
    #[arg(long)]
    pub init: bool,
    /// 表格同一申请人以同一方式提交的同一描述已录入过时，仍然导入（确实是另一件申请）
    #[arg(long)]
    pub allow_same_rows: bool,
    /// 表格文件（.csv 为 UTF-8 编码，或 .xlsx 读第一个工作表）；列见 docs/commands.md
    pub file: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct EventArgs {
    #[command(flatten)]
    pub common: Common,
    /// 回执编号（YS 开头）
    pub receipt: String,
    /// 环节：补正告知 | 补正收到 | 征求第三方意见 | 收到第三方意见 | 延期 | 答复 | 收到（更正收到申请之日）
    pub kind: String,
    /// 日期（延期为批准日期），如 2026-03-20
    #[arg(long)]
    pub date: String,
    /// 延期：延长的工作日数（1–20）
    #[arg(long)]
    pub days: Option<u32>,
    /// 延期：理由；征求第三方意见：征求谁的意见；其他环节：备注
    #[arg(long)]
    pub reason: Option<String>,
    /// 答复：办理结果类别，如 予以公开、部分公开、不予公开-1（属于国家秘密）……
    #[arg(long)]
    pub category: Option<String>,
    /// 答复：收取的信息处理费（元），未收费写 0
    #[arg(long)]
    pub fee: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct DueArgs {
    #[command(flatten)]
    pub common: Common,
    /// 列出 N 个工作日内（含今天）到期的申请
    #[arg(long, default_value_t = super::due::DEFAULT_WITHIN)]
    pub within: u32,
    /// 以该时间为“今天”（RFC 3339 或 2026-03-02）
    #[arg(long)]
    pub now: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    /// 写入该文件（默认输出到屏幕）
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// The site's time zone (`site.toml`), else Asia/Shanghai.
fn site_tz(root: &Path) -> TimeZone {
    crate::config::Config::load(root)
        .ok()
        .and_then(|c| TimeZone::get(&c.timezone).ok())
        .unwrap_or_else(default_time_zone)
}

fn calendar(root: &Path) -> Result<Calendar, FeedbackError> {
    Calendar::load(root).map_err(|ds| {
        let first = ds.first().map(|d| d.message.clone()).unwrap_or_default();
        FeedbackError::Invalid(format!("节假日补充文件有误（calendar/）：{first}"))
    })
}

fn parse_date(s: &str, what: &str) -> Result<Date, FeedbackError> {
    s.trim()
        .parse::<Date>()
        .map_err(|_| FeedbackError::Invalid(format!("{what}“{s}”不是日期：请写成 2026-03-02")))
}

fn word<T>(
    s: &str,
    what: &str,
    parse: fn(&str) -> Option<T>,
    values: &[&str],
) -> Result<T, FeedbackError> {
    parse(s).ok_or_else(|| {
        FeedbackError::Invalid(format!("{what}“{s}”无效，应为：{}", values.join("、")))
    })
}

/// A text argument: trimmed, not blank, at most `max` characters, no control characters.
fn text(s: &str, what: &str, max: usize) -> Result<String, FeedbackError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(FeedbackError::Invalid(format!("请填写{what}")));
    }
    if t.chars().count() > max {
        return Err(FeedbackError::Invalid(format!("{what}最多 {max} 个字")));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FeedbackError::Invalid(format!(
            "{what}中含有无法识别的控制字符"
        )));
    }
    Ok(t.to_string())
}

fn opt_text(s: Option<&str>, what: &str, max: usize) -> Result<Option<String>, FeedbackError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => text(s, what, max).map(Some),
    }
}

pub fn run(args: RequestsArgs) -> Result<RunOutput, FeedbackError> {
    match args.command {
        RequestsCommand::Add(a) => add(a),
        RequestsCommand::Import(a) => import(a),
        RequestsCommand::Event(a) => event(a),
        RequestsCommand::Due(a) => due(a),
        RequestsCommand::Export(a) => export(a),
    }
}

fn out(stdout: String, exit_code: i32) -> RunOutput {
    RunOutput { stdout, exit_code }
}

fn add(a: AddArgs) -> Result<RunOutput, FeedbackError> {
    let tz = site_tz(&a.common.root);
    let cal = calendar(&a.common.root)?;
    let received = parse_date(&a.received, "--received")?;
    let r = NewRequest {
        channel: word(
            &a.channel,
            "--channel",
            RequestChannel::from_word,
            RequestChannel::VALUES,
        )?,
        applicant_type: word(
            &a.applicant_type,
            "--applicant-type",
            ApplicantType::from_word,
            ApplicantType::VALUES,
        )?,
        applicant: Applicant {
            name: text(&a.name, "申请人姓名或名称（--name）", 100)?,
            id_number: opt_text(
                a.id_number.as_deref(),
                "证件号码（--id-number）",
                super::form::MAX_ID_CHARS,
            )?,
            contact: text(&a.contact, "联系方式（--contact）", 200)?,
            address: opt_text(a.address.as_deref(), "通信地址（--address）", 200)?,
        },
        description: text(&a.info, "所需信息的描述（--info）", 5000)?,
        delivery: match a.delivery.as_deref() {
            None => None,
            Some(d) => Some(word(
                d,
                "--delivery",
                Delivery::from_word,
                Delivery::VALUES,
            )?),
        },
        received,
        submitted: Timestamp::now(),
        token: None,
    };
    // The due day must be computable now, not discovered missing later.
    let t = deadline::timeline(&cal, &[Event::new(EventKind::Received, received)])
        .map_err(|e| FeedbackError::Invalid(e.to_string()))?;
    let create = if a.init {
        Create::IfMissing
    } else {
        Create::Never
    };
    let acc = store::open(&a.common.db, create)?.insert_one(&tz, &r)?;
    let due = t.due.map(|d| d.to_string()).unwrap_or_default();
    Ok(out(
        format!(
            "已录入申请：回执编号 {}（收到 {received}，答复期限 {due}）\n",
            acc.receipt
        ),
        0,
    ))
}

fn import(a: ImportArgs) -> Result<RunOutput, FeedbackError> {
    let cal = calendar(&a.common.root)?;
    let s = super::import::import(
        &super::import::RequestImportOptions {
            root: a.common.root.clone(),
            db: a.common.db,
            init: a.init,
            file: a.file,
            allow_same_rows: a.allow_same_rows,
            time_zone: site_tz(&a.common.root),
            now: Timestamp::now(),
        },
        &cal,
    )?;
    Ok(out(s.render(), 0))
}

fn event(a: EventArgs) -> Result<RunOutput, FeedbackError> {
    let tz = site_tz(&a.common.root);
    let cal = calendar(&a.common.root)?;
    let kind = word(&a.kind, "环节", EventKind::from_word, EventKind::VALUES)?;
    let mut e = Event::new(kind, parse_date(&a.date, "--date")?);
    e.reason = opt_text(a.reason.as_deref(), "理由或备注（--reason）", 500)?;
    if kind == EventKind::Extended {
        e.days = a.days;
    } else if a.days.is_some() {
        return Err(FeedbackError::Invalid("--days 只用于“延期”".into()));
    }
    if kind == EventKind::Replied {
        if let Some(c) = a.category.as_deref() {
            e.category = Some(ReplyCategory::parse(c).ok_or_else(|| {
                FeedbackError::Invalid(format!(
                    "办理结果类别“{c}”无效，应为以下之一（也可写 不予公开-1 这样的序号）：{}",
                    ReplyCategory::VALUES.join("、")
                ))
            })?);
        }
        if let Some(f) = a.fee.as_deref() {
            e.fee = Some(super::model::parse_fee(f).ok_or_else(|| {
                FeedbackError::Invalid(format!(
                    "信息处理费“{}”应为金额（元），如 0、120 或 120.50",
                    f.trim()
                ))
            })?);
        }
    } else if a.category.is_some() || a.fee.is_some() {
        return Err(FeedbackError::Invalid(
            "--category 和 --fee 只用于“答复”".into(),
        ));
    }
    let mut store = store::open(&a.common.db, Create::Never)?;
    let secret = store.secret()?;
    let receipt = check_receipt(&secret, &a.receipt).ok_or_else(|| store::unknown(&a.receipt))?;
    let t = store.record_event(&cal, &tz, &receipt, e, Timestamp::now())?;
    let mut s = format!("已记录：{receipt} {kind}，状态 {}", t.state.label_zh());
    if let Some(d) = t.due.filter(|_| t.state != State::Replied) {
        let _ = write!(s, "，答复期限 {d}");
    }
    if t.replied_late() {
        s.push_str("（逾期答复）");
    }
    s.push('\n');
    for n in &t.notes {
        let _ = writeln!(s, "注意：{n}");
    }
    Ok(out(s, 0))
}

fn due(a: DueArgs) -> Result<RunOutput, FeedbackError> {
    let tz = site_tz(&a.common.root);
    let cal = calendar(&a.common.root)?;
    let now = match &a.now {
        Some(s) => parse_time(s, &tz).map_err(FeedbackError::Invalid)?,
        None => Timestamp::now(),
    };
    let today = now.to_zoned_datetime(tz.clone()).date();
    let mut store = store::open(&a.common.db, Create::Never)?;
    let l = super::due::list(store.as_mut(), &cal, today, a.within)?;
    let mut s = String::new();
    let _ = writeln!(s, "今天 {today}");
    let _ = writeln!(s, "已逾期未答复：{} 件", l.overdue.len());
    for (no, t, late) in &l.overdue {
        let due = t.due.map(|d| d.to_string()).unwrap_or_default();
        let _ = writeln!(
            s,
            "  {no}  {}  答复期限 {due}，已逾期 {late} 个工作日",
            t.state.label_zh()
        );
    }
    let _ = writeln!(s, "{} 个工作日内到期：{} 件", a.within, l.soon.len());
    for (no, t, left) in &l.soon {
        let due = t.due.map(|d| d.to_string()).unwrap_or_default();
        let _ = writeln!(
            s,
            "  {no}  {}  答复期限 {due}，还剩 {left} 个工作日",
            t.state.label_zh()
        );
    }
    if !l.consulting.is_empty() {
        let _ = writeln!(
            s,
            "征求意见超过 {} 个工作日未记录收到意见：{} 件",
            deadline::THIRD_PARTY_DAYS,
            l.consulting.len()
        );
    }
    for (no, t, days) in &l.consulting {
        let since = t
            .consulting_since
            .map(|d| d.to_string())
            .unwrap_or_default();
        let _ = writeln!(s, "  {no}  {since} 征求意见，已过 {days} 个工作日");
    }
    for p in &l.problems {
        let _ = writeln!(s, "无法判断：{p}");
    }
    let code = i32::from(l.fails());
    Ok(out(s, code))
}

fn export(a: ExportArgs) -> Result<RunOutput, FeedbackError> {
    let cal = calendar(&a.common.root)?;
    let mut store = store::open(&a.common.db, Create::Never)?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| FeedbackError::Server(format!("csv: {e}"));
    w.write_record([
        "回执编号",
        "提交方式",
        "申请人类型",
        "【个人信息】申请人姓名或名称",
        "【个人信息】证件号码",
        "【个人信息】联系方式",
        "【个人信息】通信地址",
        "所需信息描述",
        "获取方式",
        "收到申请之日",
        "状态",
        "答复期限",
        "延期工作日",
        "答复日期",
        "办理结果",
        "信息处理费（元）",
        "办理记录",
    ])
    .map_err(csv_err)?;
    let rows = store.all(true)?;
    for r in &rows {
        let t = r.timeline(&cal).ok();
        let a = r.applicant.clone().unwrap_or_default();
        let reply = r.events.iter().find(|e| e.kind == EventKind::Replied);
        let log: Vec<String> = r
            .events
            .iter()
            .map(|e| {
                let mut x = format!("{} {}", e.date, e.kind);
                if let Some(d) = e.days {
                    let _ = write!(x, " {d}个工作日");
                }
                if let Some(why) = &e.reason {
                    let _ = write!(x, "（{why}）");
                }
                x
            })
            .collect();
        let d = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        w.write_record([
            r.receipt.as_str(),
            r.channel.as_str(),
            r.applicant_type.as_str(),
            &a.name,
            a.id_number.as_deref().unwrap_or(""),
            &a.contact,
            a.address.as_deref().unwrap_or(""),
            &r.description,
            r.delivery.map(Delivery::as_str).unwrap_or("未注明"),
            &t.as_ref()
                .map(|t| t.received.to_string())
                .unwrap_or_default(),
            t.as_ref().map(|t| t.state.label_zh()).unwrap_or("无法计算"),
            &d(t.as_ref().and_then(|t| t.due)),
            &t.as_ref()
                .map(|t| t.extension_days.to_string())
                .unwrap_or_default(),
            &d(t.as_ref().and_then(|t| t.replied)),
            reply
                .and_then(|e| e.category)
                .map(ReplyCategory::as_str)
                .unwrap_or(""),
            reply.and_then(|e| e.fee.as_deref()).unwrap_or(""),
            &log.join("；"),
        ])
        .map_err(csv_err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| FeedbackError::Server(format!("csv: {e}")))?;
    let csv = String::from_utf8(bytes).map_err(|e| FeedbackError::Server(e.to_string()))?;
    let note = format!(
        "注意：共 {} 件申请，文件含申请人个人信息（标有【个人信息】的列），仅供内部办理使用，不得公开或放入网站目录。\n",
        rows.len()
    );
    match a.out {
        Some(path) => {
            std::fs::write(&path, csv.as_bytes()).map_err(crate::feedback::io_err(&path))?;
            Ok(out(format!("已导出到 {}\n{note}", path.display()), 0))
        }
        None => Ok(out(csv, 0)),
    }
}
