//! Anchors outside the database: where a chain's head (entry count and last hash) is written
//! down somewhere the database cannot change, so that a truncated, rolled back, restored or
//! rehashed chain no longer verifies (docs/feedback.md, "Anchors and threat model").
//!
//! * the **head log** beside the database (`feedback.heads.jsonl` for `feedback.sqlite3`):
//!   the writer appends each group commit's new heads after the commit (no fsync: it may lag
//!   the database after a crash, never lead it). A database that lost its `-wal`, was restored from a backup or
//!   had rows deleted has fewer entries than the log says;
//! * the **register** in the content repository (`content/consultations/heads.jsonl`):
//!   `feedback export` appends each consultation's head when it exported it, so git holds a
//!   dated, append-only history of heads (and the build publishes it);
//! * what the **built site published** (`consultations/heads.json`): per consultation the ledger's
//!   head and, when the build was given the database, the receiver's; copies kept by anyone
//!   (an archive, a commenter, the previous deploy) can be handed to `verify --published`;
//! * **receipts**: each carries its chain position and hash (`seq`, `hash`: the count and head
//!   when it was accepted); `verify --receipt NO[:HASH]` checks them.
//!
//! A head `(n, h)` holds for a chain when the chain has at least `n` entries and its `n`-th
//! entry's hash is `h` — i.e. the anchored chain is a prefix of the current one. Hashes are
//! chained, so that one comparison covers every entry before it.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use super::model::{stream_for_consultation, Accepted};
use super::store::StoredEntry;

pub use crate::ledger::{
    parse_register, public_heads_json, read_register, register_path, register_rel, Head,
    ReceiverChain, RegisterLine, REGISTER_FILE,
};

/// The head log's name is the database's file stem and this (`feedback.sqlite3` →
/// `feedback.heads.jsonl`): beside the database, but not matched by `feedback.sqlite3*`, so
/// that restoring a database backup with its `-wal`/`-shm` does not restore an old head log.
pub const HEAD_LOG_SUFFIX: &str = ".heads.jsonl";

/// `<db stem>.heads.jsonl` beside the database.
pub fn head_log_path(db: &Path) -> PathBuf {
    let mut name = db
        .file_stem()
        .map(|s| s.to_os_string())
        .unwrap_or_else(|| "feedback".into());
    name.push(HEAD_LOG_SUFFIX);
    db.with_file_name(name)
}

impl Head {
    pub fn of(entries: &[StoredEntry]) -> Head {
        Head::after(
            entries.len(),
            entries
                .last()
                .map(|e| (e.hash.as_str(), e.receipt.as_str())),
        )
    }
}

/// One line of the head log beside the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadLogLine {
    pub at: String,
    pub stream: String,
    pub count: u64,
    pub head: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

/// A head someone recorded, to be checked against the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// Where it was recorded (`file:line (date)`), for the message.
    pub source: String,
    pub stream: String,
    pub head: Head,
}

/// A receipt a commenter holds: its number and, when given, its hash (校验码).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptClaim {
    pub receipt: String,
    pub hash: Option<String>,
}

impl ReceiptClaim {
    /// `ZJ20261125-0001-7F3A`, `ZJ…:HASH` or `ZJ…=HASH`.
    pub fn parse(s: &str) -> Result<ReceiptClaim, String> {
        let s = s.trim();
        let (r, h) = match s.split_once([':', '=']) {
            Some((r, h)) => (r.trim(), Some(h.trim().to_ascii_lowercase())),
            None => (s, None),
        };
        if r.is_empty() || r.len() > 40 || !r.is_ascii() {
            return Err(format!("不是回执编号 (not a receipt number): {s:?}"));
        }
        if let Some(h) = &h {
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(format!(
                    "校验码应为 64 位十六进制 (hash must be 64 hex digits): {s:?}"
                ));
            }
        }
        Ok(ReceiptClaim {
            receipt: r.to_ascii_uppercase(),
            hash: h,
        })
    }
}

// ---- the head log ---------------------------------------------------------------------------

/// The new heads of a group of accepted submissions: per stream, its last new entry.
pub fn batch_heads<'a>(accepted: impl IntoIterator<Item = &'a Accepted>) -> Vec<(String, Head)> {
    let mut last: BTreeMap<&str, &Accepted> = BTreeMap::new();
    for a in accepted.into_iter().filter(|a| !a.duplicate) {
        let e = last.entry(a.stream.as_str()).or_insert(a);
        if a.seq > e.seq {
            *e = a;
        }
    }
    last.into_iter()
        .map(|(s, a)| {
            (
                s.to_string(),
                Head {
                    count: a.seq,
                    head: a.hash.clone(),
                    receipt: Some(a.receipt.clone()),
                },
            )
        })
        .collect()
}

/// Appends the heads of a committed group to the head log of `conn`'s database. Called only
/// after the commit succeeded, so the log never runs ahead of the database. Best effort: a
/// failed write loses an anchor, never a comment.
pub fn log_committed<'a>(conn: &Connection, accepted: impl IntoIterator<Item = &'a Accepted>) {
    let accepted: Vec<&Accepted> = accepted.into_iter().collect();
    let heads = batch_heads(accepted.iter().copied());
    let Some(at) = accepted.iter().map(|a| a.received.as_str()).max() else {
        return;
    };
    let Some(db) = conn.path().filter(|p| !p.is_empty()) else {
        return;
    };
    let _ = append_head_log(Path::new(db), at, &heads);
}

pub fn append_head_log(db: &Path, at: &str, heads: &[(String, Head)]) -> std::io::Result<()> {
    if heads.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    for (stream, h) in heads {
        let line = HeadLogLine {
            at: at.to_string(),
            stream: stream.clone(),
            count: h.count,
            head: h.head.clone(),
            receipt: h.receipt.clone(),
        };
        text.push_str(&serde_json::to_string(&line).unwrap_or_default());
        text.push('\n');
    }
    // One write(2) with O_APPEND: concurrent writers (the server and `add`) do not interleave.
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(head_log_path(db))?;
    f.write_all(text.as_bytes())
}

/// The head log's claims. A malformed line is a problem, except a torn last line (a crash
/// in the middle of the write: its heads are also in the database or were never acknowledged).
pub fn read_head_log(db: &Path) -> (Vec<Claim>, Vec<String>) {
    if super::backend::is_url(&db.to_string_lossy()) {
        // PostgreSQL: no file beside the database (docs/feedback.md, "PostgreSQL").
        return (Vec::new(), Vec::new());
    }
    let path = head_log_path(db);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(_) => return (Vec::new(), Vec::new()),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut claims = Vec::new();
    let mut problems = Vec::new();
    let lines: Vec<&str> = text.split('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<HeadLogLine>(line) {
            Ok(l) => claims.push(Claim {
                source: format!("链头日志 (head log) {name}:{} ({})", i + 1, l.at),
                stream: l.stream,
                head: Head {
                    count: l.count,
                    head: l.head,
                    receipt: l.receipt,
                },
            }),
            Err(_) if i + 1 == lines.len() => {} // torn last line, no newline yet
            Err(e) => problems.push(format!(
                "{}:{}: 链头日志的这一行无法读取 (unreadable head log line): {e}",
                path.display(),
                i + 1
            )),
        }
    }
    (claims, problems)
}

// ---- the register in the content repository --------------------------------------------

pub fn register_claims(lines: &[(usize, RegisterLine)]) -> Vec<Claim> {
    lines
        .iter()
        .map(|(n, l)| Claim {
            source: format!(
                "链头登记簿 (register) {}:{n} ({})",
                register_rel().display(),
                l.date
            ),
            stream: stream_for_consultation(&l.consultation),
            head: Head {
                count: l.count,
                head: l.head.clone(),
                receipt: l.receipt.clone(),
            },
        })
        .collect()
}

/// Appends `head` for `consultation` to the register unless its last line already says so.
/// Returns whether a line was written.
pub fn append_register(
    root: &Path,
    date: &str,
    consultation: &str,
    head: &Head,
) -> Result<bool, String> {
    let lines = read_register(root)?;
    let last = lines
        .iter()
        .rev()
        .find(|(_, l)| l.consultation == consultation);
    if last.is_some_and(|(_, l)| l.count == head.count && l.head == head.head) {
        return Ok(false);
    }
    if last.is_none() && head.count == 0 {
        return Ok(false);
    }
    let path = register_path(root);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut text = String::new();
    if let Ok(current) = std::fs::read(&path) {
        if !current.is_empty() && !current.ends_with(b"\n") {
            text.push('\n');
        }
    }
    let line = RegisterLine {
        date: date.to_string(),
        consultation: consultation.to_string(),
        count: head.count,
        head: head.head.clone(),
        receipt: head.receipt.clone(),
    };
    text.push_str(&serde_json::to_string(&line).unwrap_or_default());
    text.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(true)
}

// ---- what a build published ---------------------------------------------------------------

/// Claims from a published file: a `heads.json` as the build writes it, or a register /
/// head log (`.jsonl`).
pub fn load_published(path: &Path) -> Result<Vec<Claim>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let shown = path.display().to_string();
    if text.trim_start().starts_with('{') {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
            if v.get("consultations").is_some() {
                return Ok(claims_from_heads_json(&v, &shown));
            }
        }
    }
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if let Ok(l) = serde_json::from_str::<RegisterLine>(line) {
            out.push(Claim {
                source: format!("{shown}:{} ({})", i + 1, l.date),
                stream: stream_for_consultation(&l.consultation),
                head: Head {
                    count: l.count,
                    head: l.head,
                    receipt: l.receipt,
                },
            });
        } else if let Ok(l) = serde_json::from_str::<HeadLogLine>(line) {
            out.push(Claim {
                source: format!("{shown}:{} ({})", i + 1, l.at),
                stream: l.stream,
                head: Head {
                    count: l.count,
                    head: l.head,
                    receipt: l.receipt,
                },
            });
        } else {
            return Err(format!(
                "{shown}:{}: 不是 heads.json、链头登记簿或链头日志 (not a heads file)",
                i + 1
            ));
        }
    }
    Ok(out)
}

fn claims_from_heads_json(v: &serde_json::Value, shown: &str) -> Vec<Claim> {
    let date = v.get("date").and_then(|d| d.as_str()).unwrap_or("?");
    let mut out = Vec::new();
    if let Some(cs) = v.get("consultations").and_then(|c| c.as_object()) {
        for (id, o) in cs {
            for which in ["ledger", "receiver"] {
                if let Some(h) = o
                    .get(which)
                    .and_then(|h| serde_json::from_value::<Head>(h.clone()).ok())
                {
                    out.push(Claim {
                        source: format!("{shown} ({date}, {id} {which})"),
                        stream: stream_for_consultation(id),
                        head: h,
                    });
                }
            }
        }
    }
    if let Some(lines) = v.get("register").and_then(|r| r.as_array()) {
        for (i, l) in lines.iter().enumerate() {
            if let Ok(l) = serde_json::from_value::<RegisterLine>(l.clone()) {
                out.push(Claim {
                    source: format!("{shown} (register #{}, {})", i + 1, l.date),
                    stream: stream_for_consultation(&l.consultation),
                    head: Head {
                        count: l.count,
                        head: l.head,
                        receipt: l.receipt,
                    },
                });
            }
        }
    }
    out
}

// ---- checking -------------------------------------------------------------------------------

fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// Whether `claim` holds for `entries` (its stream's chain, in order): None, or the problem,
/// naming the entry.
pub fn check_claim(entries: &[StoredEntry], claim: &Claim) -> Option<String> {
    let n = claim.head.count as usize;
    if n == 0 {
        return None;
    }
    let named = claim
        .head
        .receipt
        .as_deref()
        .map(|r| format!("（第 {n} 条为回执 {r}）"))
        .unwrap_or_default();
    if entries.len() < n {
        let first = entries.len() + 1;
        let range = if first == n {
            format!("{n}")
        } else {
            format!("{first}–{n}")
        };
        return Some(format!(
            "{stream} seq {first}: {src} 记录该链有 {n} 条{named}、末条校验码 {h}…，数据库只有 {m} 条：第 {range} 条意见已丢失（数据库被截断、回滚、从旧备份恢复或 -wal 文件丢失）(entries {first}..{n} are gone: the chain was truncated, rolled back, restored from an old backup or lost its WAL)",
            stream = claim.stream,
            src = claim.source,
            h = short(&claim.head.head),
            m = entries.len(),
        ));
    }
    let e = &entries[n - 1];
    if e.hash != claim.head.head {
        return Some(format!(
            "{stream} seq {n} ({r}): 哈希为 {have}…，而 {src} 记录的是 {want}…{named}：第 {n} 条或其之前的记录被改写，或整条链被重新计算 (the chain up to entry {n} was rewritten or rehashed)",
            stream = claim.stream,
            r = e.receipt,
            have = short(&e.hash),
            want = short(&claim.head.head),
            src = claim.source,
        ));
    }
    if let Some(r) = claim.head.receipt.as_deref().filter(|r| *r != e.receipt) {
        return Some(format!(
            "{stream} seq {n}: 回执为 {have}，而 {src} 记录的是 {r} (receipt differs)",
            stream = claim.stream,
            have = e.receipt,
            src = claim.source,
        ));
    }
    None
}

/// Checks every claim against the chains (`stream → entries`). Per stream and source file at
/// most the lowest rewritten entry and the longest truncation are reported (a rehashed chain
/// would otherwise give one line per anchor), with how many more there are.
pub fn check_claims(chains: &BTreeMap<String, Vec<StoredEntry>>, claims: &[Claim]) -> Vec<String> {
    // (stream, source file) → (lowest rewrite (n, msg), longest truncation (n, msg), others)
    type Worst = (Option<(u64, String)>, Option<(u64, String)>, usize);
    let mut worst: BTreeMap<(String, String), Worst> = BTreeMap::new();
    let empty = Vec::new();
    for c in claims {
        let entries = chains.get(&c.stream).unwrap_or(&empty);
        let Some(msg) = check_claim(entries, c) else {
            continue;
        };
        let file = c.source.split(':').next().unwrap_or("").to_string();
        let w = worst.entry((c.stream.clone(), file)).or_default();
        let n = c.head.count;
        let truncated = (entries.len() as u64) < n;
        let slot = if truncated { &mut w.1 } else { &mut w.0 };
        let better = match slot {
            None => true,
            Some((m, _)) => {
                if truncated {
                    n > *m
                } else {
                    n < *m
                }
            }
        };
        if slot.is_some() {
            w.2 += 1;
        }
        if better {
            *slot = Some((n, msg));
        }
    }
    let mut out = Vec::new();
    for (_, (rewrite, trunc, more)) in worst {
        out.extend(rewrite.map(|(_, m)| m));
        out.extend(trunc.map(|(_, m)| m));
        if more > 0 {
            out.push(format!(
                "  （同一来源另有 {more} 处记录与数据库不符 (and {more} more anchors of that source)）"
            ));
        }
    }
    out
}

/// Checks receipts commenters hold against every chain.
pub fn check_receipts(
    chains: &BTreeMap<String, Vec<StoredEntry>>,
    receipts: &[ReceiptClaim],
) -> Vec<String> {
    let mut out = Vec::new();
    for rc in receipts {
        let found = chains
            .iter()
            .find_map(|(s, es)| es.iter().find(|e| e.receipt == rc.receipt).map(|e| (s, e)));
        match (found, &rc.hash) {
            (None, _) => out.push(format!(
                "回执 {}: 不在数据库中——该意见已被删除或丢失 (receipt not in the database: deleted or lost)",
                rc.receipt
            )),
            (Some((s, e)), Some(h)) if &e.hash != h => out.push(format!(
                "{s} seq {} ({}): 数据库中的校验码 {}… 与回执上的 {}… 不同：记录被改写或链被重新计算 (receipt hash differs: rewritten or rehashed)",
                e.seq,
                e.receipt,
                short(&e.hash),
                short(h)
            )),
            _ => {}
        }
    }
    out
}

// ---- the receiver's chains for a build ------------------------------------------------------

/// Reads every consultation's chain from the receiver's database, read-only (the build never
/// writes it). Consultation id → chain.
pub fn receiver_chains(db: &Path) -> Result<BTreeMap<String, ReceiverChain>, String> {
    let url = db.to_string_lossy();
    if super::backend::is_url(&url) {
        return pg_receiver_chains(&url);
    }
    if !db.is_file() {
        return Err(format!("意见数据库不存在：{}", db.display()));
    }
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("无法打开意见数据库 {}：{e}", db.display()))?;
    let _ = conn.busy_timeout(std::time::Duration::from_secs(10));
    let mut st = conn
        .prepare(
            "SELECT consultation, receipt, hash FROM entries
             WHERE kind = 'comment' AND consultation IS NOT NULL ORDER BY stream, seq",
        )
        .map_err(|e| format!("无法读取意见数据库 {}：{e}", db.display()))?;
    let rows = st
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(|e| format!("无法读取意见数据库 {}：{e}", db.display()))?;
    let mut out: BTreeMap<String, ReceiverChain> = BTreeMap::new();
    for row in rows {
        let (c, r, h) = row.map_err(|e| format!("无法读取意见数据库 {}：{e}", db.display()))?;
        out.entry(c).or_default().links.push((r, h));
    }
    Ok(out)
}

/// [`receiver_chains`] of a PostgreSQL store: every consultation's chain.
fn pg_receiver_chains(url: &str) -> Result<BTreeMap<String, ReceiverChain>, String> {
    use super::backend::FeedbackStore;
    let shown = super::backend::pg::redact(url);
    let fail = |e: super::FeedbackError| format!("无法读取意见数据库 {shown}：{e}");
    let mut store =
        super::backend::PgStore::connect(url, super::dbcheck::Create::Never).map_err(fail)?;
    let mut out: BTreeMap<String, ReceiverChain> = BTreeMap::new();
    for stream in store.streams().map_err(fail)? {
        let Some(c) = stream.strip_prefix("consultation/") else {
            continue;
        };
        let links = store
            .stream_entries(&stream)
            .map_err(fail)?
            .into_iter()
            .map(|e| (e.receipt, e.hash))
            .collect();
        out.insert(c.to_string(), ReceiverChain { links });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(seq: u64, hash: &str) -> StoredEntry {
        StoredEntry {
            id: seq as i64,
            seq,
            receipt: format!("R{seq}"),
            record: String::new(),
            prev_hash: String::new(),
            hash: hash.into(),
            text: None,
            salt: None,
            exported_at: None,
        }
    }

    fn claim(count: u64, head: &str) -> Claim {
        Claim {
            source: "t:1".into(),
            stream: "consultation/c".into(),
            head: Head {
                count,
                head: head.into(),
                receipt: None,
            },
        }
    }

    #[test]
    fn a_head_holds_for_a_chain_it_is_a_prefix_of() {
        let chain = vec![entry(1, "a"), entry(2, "b"), entry(3, "c")];
        assert_eq!(check_claim(&chain, &claim(2, "b")), None);
        assert_eq!(check_claim(&chain, &claim(0, "x")), None);
        let lost = check_claim(&chain[..1], &claim(3, "c")).unwrap_or_default();
        assert!(
            lost.contains("seq 2") && lost.contains("第 2–3 条"),
            "{lost}"
        );
        let rewritten = check_claim(&chain, &claim(2, "z")).unwrap_or_default();
        assert!(rewritten.contains("seq 2 (R2)"), "{rewritten}");
    }

    #[test]
    fn receipts_parse_with_or_without_hash() {
        let h = "a".repeat(64);
        assert_eq!(
            ReceiptClaim::parse(&format!("zj20261125-0001-7f3a:{h}")),
            Ok(ReceiptClaim {
                receipt: "ZJ20261125-0001-7F3A".into(),
                hash: Some(h)
            })
        );
        assert!(ReceiptClaim::parse("ZJ1:xyz").is_err());
    }
}
