//! clap types for `gongshi feedback <cmd>` and `run`, which turns them into option structs,
//! calls the library and returns what to print. Nothing here prints: `src/cmd/feedback.rs`
//! prints the output and maps a `FeedbackError` to the exit code (`gongshi::Error`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::anchor::ReceiptClaim;
use super::audit::{self, VerifyInputs};
use super::directory::Directory;
use super::export::{self, AddOptions, ExportOptions, VerifyOptions};
use super::guard::SiteHosts;
use super::http::{self, ServeOptions};
use super::log::LogSink;
use super::model::Channel;
use super::ratelimit::RateLimit;
use super::store;
use super::FeedbackError;
use crate::diag::Format;

#[derive(Debug, Clone, Args)]
pub struct FeedbackArgs {
    #[command(subcommand)]
    pub command: FeedbackCommand,
}

#[derive(Debug, Clone, Subcommand)]
pub enum FeedbackCommand {
    /// 运行意见接收服务 (run the feedback receiver)
    Serve(ServeArgs),
    /// 把征集事项的新意见（不含个人信息）追加到意见台账 opinions.jsonl，并记入链头登记簿
    Export(ExportArgs),
    /// 录入通过信函、电子邮件、电话、现场收到的意见，输出回执编号
    Add(AddArgs),
    /// 从表格（.xlsx 或 CSV）批量录入信函、电子邮件、电话、现场收到的意见（每行一条，出错时整个文件不导入）
    Import(ImportArgs),
    /// 校验数据库哈希链、各意见台账和库外记录的链头，列出未导出的意见；发现问题时退出码为 1
    Verify(VerifyArgs),
    /// 按征集事项、渠道、类型统计
    Stats(StatsArgs),
    /// 把 SQLite 意见数据库整体迁移到 PostgreSQL（或另一个空库），逐条核对哈希链与链头
    Migrate(MigrateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Site root (site.toml, content/)
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// SQLite database file (keep it outside public/ and the content repo), or a PostgreSQL
    /// URL (postgres://user@host/db); must exist unless --init
    #[arg(long)]
    pub db: PathBuf,
    /// Create the database (and its receipt secret) if it does not exist yet
    #[arg(long)]
    pub init: bool,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub addr: SocketAddr,
    /// Submissions per client (IPv4 address, IPv6 /64) no one else can use up: N/min, N/h,
    /// N/s, or off (no limit at all)
    #[arg(long, default_value = "10/min")]
    pub rate_limit: RateLimit,
    /// Extra submissions shared by clients over their own limit (offices, NAT); one client
    /// takes at most half: N/min, N/h, N/s, or off
    #[arg(long, default_value = "100/min")]
    pub shared_rate_limit: RateLimit,
    /// Fix the server clock (RFC 3339; tests and previews only)
    #[arg(long)]
    pub now: Option<String>,
    /// Take the client address from X-Forwarded-For/X-Real-IP when the peer is loopback
    #[arg(long)]
    pub trust_proxy: bool,
    /// Maximum open connections
    #[arg(long, default_value_t = 1024)]
    pub max_connections: usize,
    /// Maximum open connections from one client (not applied to a trusted proxy); 0 = no cap
    #[arg(long, default_value_t = 64)]
    pub max_connections_per_address: usize,
}

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// SQLite database file, or a PostgreSQL URL (postgres://user@host/db)
    #[arg(long)]
    pub db: PathBuf,
    /// Consultation id (its file or folder name under content/consultations/)
    #[arg(long, required_unless_present = "all", conflicts_with = "all")]
    pub consultation: Option<String>,
    /// 导出数据库中所有征集事项（每日定时任务用）
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// SQLite database file, or a PostgreSQL URL (postgres://user@host/db)
    #[arg(long)]
    pub db: PathBuf,
    /// Create the database if it does not exist yet
    #[arg(long)]
    pub init: bool,
    #[arg(long)]
    pub consultation: String,
    /// 信函 | 电子邮件 | 电话 | 现场
    #[arg(long, value_parser = parse_channel)]
    pub channel: Channel,
    /// 意见内容
    #[arg(long)]
    pub text: String,
    /// 收到日期: 2026-11-20, 2026-11-20 09:30 (site time zone) or RFC 3339; default now
    #[arg(long)]
    pub received: Option<String>,
    /// 涉及条款
    #[arg(long)]
    pub section: Option<String>,
    /// 本人同意公开意见内容
    #[arg(long)]
    pub consent: bool,
    /// 姓名 (never published)
    #[arg(long)]
    pub name: Option<String>,
    /// 单位 (never published)
    #[arg(long)]
    pub organization: Option<String>,
    /// 联系方式 (never published)
    #[arg(long)]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Consultation id (its file or folder name under content/consultations/)
    pub consultation: String,
    /// An `.xlsx` workbook (its first sheet) or a CSV (UTF-8) with the columns 收到日期, 渠道,
    /// 意见内容 and optionally 涉及条款, 姓名, 单位, 联系方式, 同意公开, 处理结果, 理由
    /// (docs/commands.md)
    pub file: PathBuf,
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    #[arg(long)]
    pub db: PathBuf,
    /// Create the database if it does not exist yet
    #[arg(long)]
    pub init: bool,
    /// 导入与已录入意见完全相同的行（确实是另一份相同的意见时）
    #[arg(long)]
    pub allow_same_rows: bool,
}

#[derive(Debug, Clone, Args)]
pub struct VerifyArgs {
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// SQLite database file, or a PostgreSQL URL (postgres://user@host/db)
    #[arg(long)]
    pub db: PathBuf,
    /// 意见人持有的回执：编号，或 编号:校验码（可重复）
    #[arg(long, value_name = "NO[:HASH]")]
    pub receipt: Vec<String>,
    /// 曾经发布的链头：网站的 consultations/heads.json（或其存档、链头登记簿副本）（可重复）
    #[arg(long, value_name = "FILE")]
    pub published: Vec<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    /// The SQLite database to copy (read only)
    #[arg(long)]
    pub from: PathBuf,
    /// The target: a PostgreSQL URL (postgres://user@host/db) or an SQLite file; its tables
    /// are created if missing and must hold no opinions yet
    #[arg(long)]
    pub to: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct StatsArgs {
    /// SQLite database file, or a PostgreSQL URL (postgres://user@host/db)
    #[arg(long)]
    pub db: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    Channel::parse(s).ok_or_else(|| format!("渠道应为 信函、电子邮件、电话 或 现场，而不是 {s:?}"))
}

/// Parses RFC 3339 (`2026-11-25T10:00:00+08:00`), a civil date-time in the site time zone
/// (`2026-11-25 10:00`, `2026-11-25T10:00`) or a date (`2026-11-25` = 00:00).
pub fn parse_time(s: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts);
    }
    let civil = s
        .replacen(' ', "T", 1)
        .parse::<jiff::civil::DateTime>()
        .or_else(|_| {
            s.parse::<jiff::civil::Date>()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        });
    match civil {
        Ok(dt) => dt
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string()),
        Err(_) => Err(format!(
            "无法识别的时间 {s:?}：请写成 2026-11-20、2026-11-20 09:30 或 2026-11-20T09:30:00+08:00"
        )),
    }
}

/// The site's own hosts from `site.toml` (`base_url`, an absolute `feedback_url`), for the
/// receiver's Origin and page-address checks. None readable: only the request's own host.
pub fn site_hosts(root: &Path) -> SiteHosts {
    match crate::config::Config::load(root) {
        Ok(c) => SiteHosts::from_urls([c.base_url.as_str(), c.feedback_url.as_str()]),
        Err(_) => SiteHosts::default(),
    }
}

/// What `main` prints (stdout) and the exit code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    pub stdout: String,
    pub exit_code: i32,
}

impl RunOutput {
    fn ok(stdout: String) -> RunOutput {
        RunOutput {
            stdout,
            exit_code: 0,
        }
    }
}

/// Builds the site's `Directory` from `--root` (the lead's content loader). `serve` calls it
/// again when the content changes ([`super::reload`]).
pub type DirectoryLoader<'a> =
    &'a (dyn Fn(&Path) -> Result<Arc<dyn Directory>, String> + Send + Sync);

/// Runs one `gongshi feedback` command. `progress` receives lines to show while a long
/// command runs (serve: the listening address); the final text is in `RunOutput`.
pub fn run(
    args: FeedbackArgs,
    load: DirectoryLoader<'static>,
    progress: &mut dyn FnMut(&str),
) -> Result<RunOutput, FeedbackError> {
    match args.command {
        FeedbackCommand::Serve(a) => {
            let dir = load(&a.root).map_err(FeedbackError::Invalid)?;
            // Follow the content: windows are read again on change and on SIGHUP. Reload
            // messages go to stderr (the service's journal).
            let (dir, _follow) = super::reload::follow(
                a.root.clone(),
                dir,
                Arc::new(load),
                Arc::new(|line: &str| eprintln!("{line}")),
                true,
                true,
            )
            .map_err(FeedbackError::Server)?;
            let tz = dir.time_zone();
            let now = match &a.now {
                Some(s) => Some(parse_time(s, &tz).map_err(FeedbackError::Invalid)?),
                None => None,
            };
            let mut opts = ServeOptions::new(a.db, a.addr);
            opts.init = a.init;
            opts.rate_limit = a.rate_limit;
            opts.shared_rate_limit = a.shared_rate_limit;
            opts.now = now;
            opts.time_zone = tz;
            opts.trust_proxy = a.trust_proxy;
            opts.limits.max_connections = a.max_connections;
            opts.limits.max_connections_per_address = a.max_connections_per_address;
            opts.site_hosts = site_hosts(&a.root);
            opts.site_root = Some(a.root.clone());
            opts.log = LogSink::stderr();
            let handle = http::start(opts, dir)?;
            progress(&format!(
                "意见接收服务已启动 (feedback receiver listening on http://{})",
                handle.local_addr()
            ));
            handle.wait()?;
            Ok(RunOutput::ok("意见接收服务已停止 (stopped)\n".into()))
        }
        FeedbackCommand::Export(a) => match a.consultation {
            Some(consultation) if !a.all => {
                let s = export::export(&ExportOptions {
                    root: a.root,
                    db: a.db,
                    consultation,
                })?;
                Ok(RunOutput::ok(s.render()))
            }
            _ => {
                let rep = export::export_all(&a.root, &a.db)?;
                Ok(RunOutput {
                    stdout: rep.render(),
                    exit_code: if rep.ok() { 0 } else { 1 },
                })
            }
        },
        FeedbackCommand::Add(a) => {
            let dir = load(&a.root).map_err(FeedbackError::Invalid)?;
            let tz = dir.time_zone();
            let received = match &a.received {
                Some(s) => Some(parse_time(s, &tz).map_err(FeedbackError::Invalid)?),
                None => None,
            };
            let acc = export::add(
                &AddOptions {
                    db: a.db,
                    init: a.init,
                    consultation: a.consultation,
                    channel: a.channel,
                    text: a.text,
                    section: a.section,
                    consent: a.consent,
                    received,
                    name: a.name,
                    organization: a.organization,
                    contact: a.contact,
                    time_zone: tz,
                },
                dir.as_ref(),
            )?;
            Ok(RunOutput::ok(format!(
                "回执编号 (receipt): {}\n哈希 (hash): {}\n收到时间 (received): {}\n",
                acc.receipt, acc.hash, acc.received
            )))
        }
        FeedbackCommand::Import(a) => {
            let dir = load(&a.root).map_err(FeedbackError::Invalid)?;
            let s = super::import::import(
                &super::import::ImportOptions {
                    root: a.root,
                    db: a.db,
                    init: a.init,
                    consultation: a.consultation.clone(),
                    file: a.file,
                    allow_same_rows: a.allow_same_rows,
                    time_zone: dir.time_zone(),
                },
                dir.as_ref(),
            )?;
            Ok(RunOutput::ok(s.render(&a.consultation)))
        }
        FeedbackCommand::Verify(a) => {
            let receipts = a
                .receipt
                .iter()
                .map(|r| ReceiptClaim::parse(r))
                .collect::<Result<Vec<_>, _>>()
                .map_err(FeedbackError::Invalid)?;
            // Which consultations are concluded: from the site (the same loader as the build).
            let site = load(&a.root);
            let concluded = site
                .as_ref()
                .ok()
                .and_then(|d| d.concluded())
                .map(|c| c.into_iter().collect());
            let mut rep = audit::verify_with(
                &VerifyOptions {
                    root: a.root,
                    db: a.db,
                },
                &VerifyInputs {
                    receipts,
                    published: a.published,
                    concluded,
                },
            )?;
            if let Err(e) = site {
                rep.notes.push(format!(
                    "无法读取网站内容，未核对已公布结果的征集是否全部导出 (site not readable: {})",
                    e.lines().next().unwrap_or("")
                ));
            }
            Ok(RunOutput {
                stdout: rep.render(),
                exit_code: if rep.ok() { 0 } else { 1 },
            })
        }
        FeedbackCommand::Migrate(a) => {
            let mut from = super::export::open_existing(&a.from)?;
            let mut to =
                super::backend::open(&a.to.to_string_lossy(), super::dbcheck::Create::IfMissing)?;
            let rep = super::backend::migrate(from.as_mut(), to.as_mut())?;
            // The requests after the comments: the comment store carries their chain's head
            // and receipt counters.
            let requests = super::requests::store::migrate(
                super::requests::store::open(
                    &a.from.to_string_lossy(),
                    super::dbcheck::Create::Never,
                )?
                .as_mut(),
                super::requests::store::open(
                    &a.to.to_string_lossy(),
                    super::dbcheck::Create::Never,
                )?
                .as_mut(),
            )?;
            Ok(RunOutput::ok(format!(
                "已迁移 {} 条意见、{} 条链、{} 件依申请公开申请，逐条核对一致 (migrated {} entries in {} chains and {} requests; every entry, chain and head checked)\n{} → {}\n",
                rep.entries,
                rep.streams,
                requests,
                rep.entries,
                rep.streams,
                requests,
                from.describe(),
                to.describe()
            )))
        }
        FeedbackCommand::Stats(a) => {
            let s = if super::backend::is_url(&a.db.to_string_lossy()) {
                super::export::open_existing(&a.db)?.stats()?
            } else {
                store::stats(&a.db)?
            };
            let out = if a.format == Format::Json {
                serde_json::to_string_pretty(&s).unwrap_or_default() + "\n"
            } else {
                s.render_text()
            };
            Ok(RunOutput::ok(out))
        }
    }
}
