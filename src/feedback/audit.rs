//! `gongshi feedback verify`: the database's chains and the ledgers against the database
//! ([`export::verify`]), then the database against every head recorded outside it
//! ([`super::anchor`]) and every receipt given. Lists the opinions not yet exported, and fails
//! for a concluded consultation.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use super::anchor::{self, Claim, ReceiptClaim};
use super::export::{self, VerifyOptions, VerifyReport};
use super::model::stream_for_consultation;
use super::report::{load_ledger, LEDGER_FILE};
use super::store::StoredEntry;
use super::FeedbackError;

/// What `verify` checks besides the database and the ledgers, which it always reads.
#[derive(Debug, Clone, Default)]
pub struct VerifyInputs {
    /// Receipts commenters hold (`--receipt NO[:HASH]`).
    pub receipts: Vec<ReceiptClaim>,
    /// Published heads (`--published FILE`: a `heads.json` from the site or an archive, a
    /// register or head log copy).
    pub published: Vec<PathBuf>,
    /// Consultations whose outcome is published. None: unknown (the site could not be read),
    /// then unexported opinions are listed but do not fail.
    pub concluded: Option<BTreeSet<String>>,
}

/// What `gongshi feedback verify` found: the chains and ledgers ([`export::verify`]) and the
/// checks against the anchors.
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    /// Chains and ledgers against the database.
    pub base: VerifyReport,
    /// Heads recorded outside the database that were checked, by where they came from.
    pub anchors: BTreeMap<String, usize>,
    /// Opinions not yet in their consultation's ledger, one line per consultation.
    pub unexported: Vec<String>,
    /// Remarks that are not problems.
    pub notes: Vec<String>,
    /// Each break the anchors reveal, saying where (the base report has its own).
    pub problems: Vec<String>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.base.ok() && self.problems.is_empty()
    }
    /// Every problem: the chains' and ledgers', then the anchors'.
    pub fn all_problems(&self) -> Vec<&String> {
        self.base.problems.iter().chain(&self.problems).collect()
    }
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "数据库：{} 条链，{} 条记录；意见台账：{} 个 (db: {} chains, {} entries; {} ledger files)",
            self.base.streams,
            self.base.entries,
            self.base.ledgers.len(),
            self.base.streams,
            self.base.entries,
            self.base.ledgers.len()
        );
        if !self.anchors.is_empty() {
            let parts: Vec<String> = self
                .anchors
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            let _ = writeln!(
                s,
                "核对了库外记录的链头 (anchors checked): {}",
                parts.join("，")
            );
        }
        for n in &self.notes {
            let _ = writeln!(s, "注意 (note): {n}");
        }
        if !self.unexported.is_empty() {
            let _ = writeln!(s, "尚未导出到意见台账 (not yet exported):");
            for u in &self.unexported {
                let _ = writeln!(s, "  {u}");
            }
        }
        let problems = self.all_problems();
        if problems.is_empty() {
            s.push_str("校验通过 (all chains verify)\n");
        } else {
            let _ = writeln!(s, "发现 {} 处问题 (problems):", problems.len());
            for p in problems {
                let _ = writeln!(s, "  {p}");
            }
        }
        s
    }
}

/// [`export::verify`] (chains, ledgers), then the database against every head recorded
/// outside it — the head log beside it, the register in the content repository, the last
/// local build's `public/consultations/heads.json`, the published files and receipts given —
/// and the ledgers against what was exported; lists unexported opinions (a problem for a
/// concluded consultation).
pub fn verify_with(
    opts: &VerifyOptions,
    inputs: &VerifyInputs,
) -> Result<AuditReport, FeedbackError> {
    let base = export::verify(opts)?;
    let mut rep = AuditReport {
        base,
        ..AuditReport::default()
    };
    if rep.base.streams == 0 && !rep.base.ok() && rep.base.ledgers.is_empty() {
        // The database itself could not be read: nothing to compare the anchors with.
        return Ok(rep);
    }
    let mut conn = export::open_existing(&opts.db)?;
    let mut chains: BTreeMap<String, Vec<StoredEntry>> = BTreeMap::new();
    for stream in conn.streams()? {
        let entries = conn.stream_entries(&stream)?;
        chains.insert(stream, entries);
    }
    let entries: usize = chains.values().map(Vec::len).sum();

    // Heads recorded outside the database.
    let mut claims: Vec<Claim> = Vec::new();
    fn count(rep: &mut AuditReport, what: &str, n: usize) {
        if n > 0 {
            *rep.anchors.entry(what.to_string()).or_default() += n;
        }
    }
    let (log, log_problems) = anchor::read_head_log(&opts.db);
    rep.problems.extend(log_problems);
    count(&mut rep, "链头日志 (head log)", log.len());
    if super::backend::is_url(&opts.db.to_string_lossy()) {
        rep.notes.push(
            "PostgreSQL 数据库旁没有链头日志：请以链头登记簿、已发布的链头和回执核对 (no head log beside a PostgreSQL database: the register, published heads and receipts are the anchors)"
                .to_string(),
        );
    } else if log.is_empty() && entries > 0 {
        rep.notes.push(format!(
            "没有链头日志 {}：数据库的新近记录无法与库外记录核对 (no head log beside the database)",
            anchor::head_log_path(&opts.db).display()
        ));
    }
    claims.extend(log);
    match anchor::read_register(&opts.root) {
        Ok(lines) => {
            let c = anchor::register_claims(&lines);
            count(&mut rep, "链头登记簿 (register)", c.len());
            claims.extend(c);
        }
        Err(e) => rep.problems.push(e),
    }
    let mut published = inputs.published.clone();
    let local = opts
        .root
        .join("public")
        .join("consultations")
        .join("heads.json");
    if local.is_file() && !published.contains(&local) {
        published.push(local);
    }
    for p in &published {
        match anchor::load_published(p) {
            Ok(c) => {
                count(&mut rep, "已发布 (published)", c.len());
                claims.extend(c);
            }
            Err(e) => rep.problems.push(e),
        }
    }
    rep.problems.extend(anchor::check_claims(&chains, &claims));
    count(&mut rep, "回执 (receipts)", inputs.receipts.len());
    rep.problems
        .extend(anchor::check_receipts(&chains, &inputs.receipts));

    // The ledgers against the database.
    let dir = opts.root.join("content").join("consultations");
    let mut ids: BTreeSet<String> = chains
        .keys()
        .filter_map(|s| s.strip_prefix("consultation/"))
        .map(str::to_string)
        .collect();
    if let Ok(rd) = std::fs::read_dir(&dir) {
        for e in rd.flatten() {
            if e.path().join(LEDGER_FILE).is_file() {
                ids.insert(e.file_name().to_string_lossy().to_string());
            }
        }
    }
    let empty = Vec::new();
    for id in ids {
        let path = dir.join(&id).join(LEDGER_FILE);
        let db = chains.get(&stream_for_consultation(&id)).unwrap_or(&empty);
        // Its lines were compared with the database by `export::verify`; here only how far
        // it reaches.
        let in_ledger = if path.is_file() {
            match load_ledger(&path) {
                Ok(lines) => lines.len(),
                Err(_) => continue, // reported by export::verify
            }
        } else {
            0
        };
        let rest = db.get(in_ledger..).unwrap_or(&[]);
        // Exported once, missing now: the ledger was truncated or deleted, or its history
        // rewritten (or this checkout is behind the one export wrote to).
        let gone: Vec<&StoredEntry> = rest.iter().filter(|e| e.exported_at.is_some()).collect();
        if let Some(first) = gone.first() {
            rep.problems.push(format!(
                "{} seq {} ({}): 已于 {} 导出到意见台账，但 {} 中没有（共 {} 条）：台账被截断或删除、git 历史被改写，或本目录不是导出时的最新版本 (exported, but missing from the ledger: truncated, deleted, history rewritten — or this checkout is not up to date)",
                stream_for_consultation(&id),
                first.seq,
                first.receipt,
                first.exported_at.as_deref().unwrap_or(""),
                path.display(),
                gone.len()
            ));
        }
        let waiting: Vec<&StoredEntry> = rest.iter().filter(|e| e.exported_at.is_none()).collect();
        if waiting.is_empty() {
            continue;
        }
        let names: Vec<&str> = waiting.iter().map(|e| e.receipt.as_str()).collect();
        let shown = if names.len() > 5 {
            format!("{} …", names[..5].join(", "))
        } else {
            names.join(", ")
        };
        rep.unexported.push(format!(
            "{id}: {} 条 (seq {}–{}): {shown}",
            waiting.len(),
            waiting.first().map_or(0, |e| e.seq),
            waiting.last().map_or(0, |e| e.seq),
        ));
        if inputs.concluded.as_ref().is_some_and(|c| c.contains(&id)) {
            rep.problems.push(format!(
                "{} seq {} ({}): 征集结果已公布，但还有 {} 条意见没有导出到意见台账，公众参与情况报告不完整。请运行 gongshi feedback export --all 并提交 (the outcome is published but {} opinions are not in the ledger)",
                stream_for_consultation(&id),
                waiting[0].seq,
                waiting[0].receipt,
                waiting.len(),
                waiting.len()
            ));
        }
    }
    Ok(rep)
}
