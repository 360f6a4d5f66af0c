//! Staff commands: export a consultation's ledger (or all of them), add offline opinions,
//! verify the chains and ledgers ([`super::audit`] adds the anchors outside the database).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::anchor::{self, Head};
use super::backend::{self, FeedbackStore};
use super::directory::Directory;
use super::forms::{valid_id, MAX_OPINION_CHARS, MAX_SHORT_CHARS};
use super::model::{
    self, stream_for_consultation, Accepted, Channel, CommentRecord, Content, Personal, Submission,
};
use super::report::{load_ledger, LedgerEntry, LEDGER_FILE};
use super::store;
use super::{io_err, FeedbackError};

/// `content/consultations/<id>/opinions.jsonl`.
pub fn ledger_path(root: &Path, consultation: &str) -> PathBuf {
    root.join("content")
        .join("consultations")
        .join(consultation)
        .join(LEDGER_FILE)
}

#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub root: PathBuf,
    pub db: PathBuf,
    pub consultation: String,
}

#[derive(Debug, Clone)]
pub struct ExportSummary {
    pub path: PathBuf,
    pub appended: usize,
    pub total: usize,
    pub head_hash: String,
    /// A line was added to the register (`content/consultations/heads.jsonl`).
    pub registered: bool,
}

impl ExportSummary {
    pub fn render(&self) -> String {
        let mut s = format!(
            "{}: 新增 {} 条，共 {} 条 (appended {}, total {})\n台账末条哈希 (head hash): {}\n",
            self.path.display(),
            self.appended,
            self.total,
            self.appended,
            self.total,
            self.head_hash
        );
        if self.registered {
            let _ = writeln!(
                s,
                "已记入链头登记簿 (head recorded in) {}",
                anchor::register_rel().display()
            );
        }
        s
    }
}

/// What `export --all` did: one summary per consultation, and the ones that failed.
#[derive(Debug, Clone, Default)]
pub struct ExportAllReport {
    pub summaries: Vec<ExportSummary>,
    /// (consultation, why).
    pub failed: Vec<(String, String)>,
}

impl ExportAllReport {
    pub fn ok(&self) -> bool {
        self.failed.is_empty()
    }
    pub fn render(&self) -> String {
        let mut s = String::new();
        for x in &self.summaries {
            s.push_str(&x.render());
        }
        if self.summaries.is_empty() && self.failed.is_empty() {
            s.push_str("数据库中没有征集意见 (no consultation has opinions)\n");
        }
        for (id, why) in &self.failed {
            let _ = writeln!(s, "错误 (failed) {id}: {why}");
        }
        s
    }
}

/// An existing feedback database (never created here): an SQLite file or a PostgreSQL URL.
pub(crate) fn open_existing(db: &Path) -> Result<Box<dyn FeedbackStore>, FeedbackError> {
    let name = db.to_string_lossy();
    if backend::is_url(&name) {
        return Ok(Box::new(backend::PgStore::connect(
            &name,
            super::dbcheck::Create::Never,
        )?));
    }
    if !db.exists() {
        return Err(FeedbackError::Invalid(format!(
            "数据库不存在 (database not found): {}",
            db.display()
        )));
    }
    Ok(Box::new(backend::SqliteStore::from_conn(store::open(db)?)))
}

fn ledger_line(e: &store::StoredEntry) -> Result<LedgerEntry, FeedbackError> {
    let rec: CommentRecord = serde_json::from_str(&e.record).map_err(|err| {
        FeedbackError::Integrity(format!("entry {}: bad record: {err}", e.receipt))
    })?;
    Ok(LedgerEntry::from_record(
        rec,
        e.hash.clone(),
        e.prev_hash.clone(),
    ))
}

/// Appends the consultation's entries that are not yet in its ledger file (creating the
/// folder and file if needed). The file must be a prefix of the database chain.
pub fn export(opts: &ExportOptions) -> Result<ExportSummary, FeedbackError> {
    if !valid_id(&opts.consultation) {
        return Err(FeedbackError::Invalid(format!(
            "征集事项编号无效 (bad consultation id): {:?}",
            opts.consultation
        )));
    }
    let mut conn = open_existing(&opts.db)?;
    let problems = conn.verify_stream(&stream_for_consultation(&opts.consultation))?;
    if !problems.is_empty() {
        return Err(FeedbackError::Integrity(problems.join("; ")));
    }
    let stream = stream_for_consultation(&opts.consultation);
    let entries = conn.stream_entries(&stream)?;
    // The database must still hold every head recorded outside it: never export from a
    // database that lost entries (a restored backup, a lost -wal) as if nothing happened.
    let (mut claims, log_problems) = anchor::read_head_log(&opts.db);
    let register = anchor::read_register(&opts.root).map_err(FeedbackError::Integrity)?;
    claims.extend(anchor::register_claims(&register));
    claims.retain(|c| c.stream == stream);
    let chains = BTreeMap::from([(stream.clone(), entries)]);
    let mut problems = log_problems;
    problems.extend(anchor::check_claims(&chains, &claims));
    if !problems.is_empty() {
        return Err(FeedbackError::Integrity(problems.join("; ")));
    }
    let entries = chains.into_values().next().unwrap_or_default();
    let path = ledger_path(&opts.root, &opts.consultation);
    let existing = if path.exists() {
        load_ledger(&path).map_err(|e| FeedbackError::Integrity(e.to_string()))?
    } else {
        Vec::new()
    };
    if existing.len() > entries.len() {
        return Err(FeedbackError::Integrity(format!(
            "{}: 台账有 {} 条，数据库只有 {} 条 (ledger longer than the database — wrong --db?)",
            path.display(),
            existing.len(),
            entries.len()
        )));
    }
    for (i, (l, d)) in existing.iter().zip(&entries).enumerate() {
        if l.hash != d.hash || l.canonical() != d.record {
            return Err(FeedbackError::Integrity(format!(
                "{}:{}: 台账记录与数据库不一致 (ledger entry {} differs from the database)",
                path.display(),
                i + 1,
                l.receipt
            )));
        }
    }
    let new = &entries[existing.len()..];
    if !new.is_empty() {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let mut text = String::new();
        if path.exists() {
            let current = std::fs::read(&path).map_err(io_err(&path))?;
            if !current.is_empty() && !current.ends_with(b"\n") {
                text.push('\n');
            }
        }
        for e in new {
            let _ = writeln!(text, "{}", ledger_line(e)?.line());
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        f.write_all(text.as_bytes()).map_err(io_err(&path))?;
        f.sync_all().map_err(io_err(&path))?;
        let at = model::format_received(Timestamp::now(), &model::default_time_zone());
        let ids: Vec<i64> = new.iter().map(|e| e.id).collect();
        conn.mark_exported(&ids, &at)?;
    }
    let head = Head::of(&entries);
    let date = model::format_received(Timestamp::now(), &model::default_time_zone());
    let registered = anchor::append_register(&opts.root, &date, &opts.consultation, &head)
        .map_err(FeedbackError::Integrity)?;
    Ok(ExportSummary {
        path,
        appended: new.len(),
        total: entries.len(),
        head_hash: head.head,
        registered,
    })
}

/// Exports every consultation that has opinions in the database (the daily job). A
/// consultation that cannot be exported does not stop the others; it is reported.
pub fn export_all(root: &Path, db: &Path) -> Result<ExportAllReport, FeedbackError> {
    let mut conn = open_existing(db)?;
    let ids: Vec<String> = conn
        .streams()?
        .into_iter()
        .filter_map(|s| s.strip_prefix("consultation/").map(str::to_string))
        .collect();
    drop(conn);
    let mut rep = ExportAllReport::default();
    for id in ids {
        let r = export(&ExportOptions {
            root: root.to_path_buf(),
            db: db.to_path_buf(),
            consultation: id.clone(),
        });
        match r {
            Ok(s) => rep.summaries.push(s),
            Err(e) => rep.failed.push((id, e.to_string())),
        }
    }
    Ok(rep)
}

/// An opinion that came by letter, email, phone or in person.
#[derive(Debug, Clone)]
pub struct AddOptions {
    pub db: PathBuf,
    /// Create the database if it does not exist (`--init`); otherwise it must exist.
    pub init: bool,
    pub consultation: String,
    pub channel: Channel,
    pub text: String,
    pub section: Option<String>,
    /// The commenter agreed to publication of the text.
    pub consent: bool,
    /// When it was received (default: now).
    pub received: Option<Timestamp>,
    pub name: Option<String>,
    pub organization: Option<String>,
    pub contact: Option<String>,
    pub time_zone: TimeZone,
}

pub fn add(opts: &AddOptions, dir: &dyn Directory) -> Result<Accepted, FeedbackError> {
    if opts.channel == Channel::Web {
        return Err(FeedbackError::Invalid(
            "渠道应为 信函、电子邮件、电话 或 现场 (channel must be an offline one)".into(),
        ));
    }
    if !valid_id(&opts.consultation) || dir.consultation(&opts.consultation).is_none() {
        return Err(FeedbackError::Invalid(format!(
            "没有这个征集事项 (unknown consultation): {}",
            opts.consultation
        )));
    }
    let text = opts.text.replace("\r\n", "\n").trim().to_string();
    if text.is_empty() {
        return Err(FeedbackError::Invalid("意见内容为空 (empty --text)".into()));
    }
    if text.chars().count() > MAX_OPINION_CHARS {
        return Err(FeedbackError::Invalid(format!(
            "意见内容超过 {MAX_OPINION_CHARS} 字：请分成几条录入 (text too long)"
        )));
    }
    let short = |v: &Option<String>| -> Result<Option<String>, FeedbackError> {
        match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) if s.chars().count() > MAX_SHORT_CHARS => Err(FeedbackError::Invalid(format!(
                "“{s}” 过长（最多 {MAX_SHORT_CHARS} 字）"
            ))),
            other => Ok(other.map(str::to_string)),
        }
    };
    let sub = Submission {
        content: Content::Comment {
            consultation: opts.consultation.clone(),
            section: short(&opts.section)?,
            opinion: text,
            consent: opts.consent,
        },
        personal: Personal {
            name: short(&opts.name)?,
            organization: short(&opts.organization)?,
            contact: short(&opts.contact)?,
        },
        channel: opts.channel,
        received: opts.received.unwrap_or_else(Timestamp::now),
        client: None,
        token: None,
    };
    let create = if opts.init {
        super::dbcheck::Create::IfMissing
    } else {
        super::dbcheck::Create::Never
    };
    let mut conn = backend::open(&opts.db.to_string_lossy(), create)?;
    conn.insert_one(&opts.time_zone, &sub)
}

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    pub root: PathBuf,
    pub db: PathBuf,
}

#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub streams: usize,
    pub entries: usize,
    pub ledgers: Vec<PathBuf>,
    /// Each break, saying where. Empty = everything checks.
    pub problems: Vec<String>,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "数据库：{} 条链，{} 条记录；意见台账：{} 个 (db: {} chains, {} entries; {} ledger files)",
            self.streams,
            self.entries,
            self.ledgers.len(),
            self.streams,
            self.entries,
            self.ledgers.len()
        );
        if self.ok() {
            s.push_str("校验通过 (all chains verify)\n");
        } else {
            let _ = writeln!(s, "发现 {} 处问题 (problems):", self.problems.len());
            for p in &self.problems {
                let _ = writeln!(s, "  {p}");
            }
        }
        s
    }
}

/// Checks every chain in the database and every `content/consultations/*/opinions.jsonl`
/// against it.
pub fn verify(opts: &VerifyOptions) -> Result<VerifyReport, FeedbackError> {
    // A damaged file is reported where it is damaged (page, table, row), not walked.
    // (PostgreSQL checks its own pages; `amcheck` is the tool for that, docs/feedback.md.)
    let physical = if backend::is_url(&opts.db.to_string_lossy()) {
        Vec::new()
    } else {
        super::dbcheck::database_problems(&opts.db)?
    };
    let mut rep = VerifyReport {
        problems: physical,
        ..VerifyReport::default()
    };
    if !rep.ok() {
        return Ok(rep);
    }
    let mut conn = open_existing(&opts.db)?;
    for stream in conn.streams()? {
        rep.streams += 1;
        rep.entries += conn.stream_entries(&stream)?.len();
        rep.problems.extend(conn.verify_stream(&stream)?);
    }
    let dir = opts.root.join("content").join("consultations");
    let mut ledgers = Vec::new();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            let p = e.path().join(LEDGER_FILE);
            if p.is_file() {
                ledgers.push((e.file_name().to_string_lossy().to_string(), p));
            }
        }
    }
    ledgers.sort();
    for (id, path) in ledgers {
        rep.ledgers.push(path.clone());
        let lines = match load_ledger(&path) {
            Ok(l) => l,
            Err(e) => {
                rep.problems.push(e.to_string());
                continue;
            }
        };
        let db = conn.stream_entries(&stream_for_consultation(&id))?;
        for (i, l) in lines.iter().enumerate() {
            match db.get(i) {
                None => rep.problems.push(format!(
                    "{}:{}: 回执 {} 不在数据库中 (entry not in the database)",
                    path.display(),
                    i + 1,
                    l.receipt
                )),
                Some(d) if d.hash != l.hash || d.record != l.canonical() => {
                    rep.problems.push(format!(
                        "{}:{}: 回执 {} 与数据库不一致 (differs from the database)",
                        path.display(),
                        i + 1,
                        l.receipt
                    ))
                }
                Some(_) => {}
            }
            if l.consultation != id {
                rep.problems.push(format!(
                    "{}:{}: 记录属于征集事项 {} (entry of another consultation)",
                    path.display(),
                    i + 1,
                    l.consultation
                ));
            }
        }
    }
    Ok(rep)
}
