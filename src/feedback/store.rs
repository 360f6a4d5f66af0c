//! SQLite store: WAL, synchronous=FULL, one hash chain per stream.
//!
//! Tables: `entries` (public, hashed part + chain columns), `private` (full text, salt,
//! name, organization, contact), `heads` (last seq/hash per stream), `counters` (daily
//! receipt sequence), `meta` (the receipt secret). Writers use `BEGIN IMMEDIATE`, so the
//! server and `gongshi feedback add` can run at the same time.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use jiff::tz::TimeZone;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use super::model::{
    self, canonical_record, chain_hash, format_received, make_receipt, receipt_day, Accepted,
    CommentRecord, Kind, Submission, GENESIS_HASH,
};
use super::FeedbackError;

/// How long an identical resubmission returns the earlier receipt.
pub const DEDUP_WINDOW_SECS: i64 = 24 * 3600;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    stream TEXT NOT NULL,
    seq INTEGER NOT NULL,
    receipt TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    consultation TEXT,
    channel TEXT NOT NULL,
    received TEXT NOT NULL,
    received_unix INTEGER NOT NULL,
    record TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    dedup_key TEXT,
    exported_at TEXT,
    UNIQUE (stream, seq)
);
CREATE INDEX IF NOT EXISTS entries_dedup ON entries (dedup_key);
CREATE TABLE IF NOT EXISTS private (
    entry_id INTEGER PRIMARY KEY REFERENCES entries (id),
    text TEXT NOT NULL,
    salt TEXT NOT NULL,
    name TEXT,
    organization TEXT,
    contact TEXT
);
CREATE TABLE IF NOT EXISTS heads (stream TEXT PRIMARY KEY, seq INTEGER NOT NULL, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, n INTEGER NOT NULL);
";

/// Opens (creating if needed) the database with the durability settings.
pub fn open(path: &Path) -> Result<Connection, FeedbackError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(super::io_err(dir))?;
    }
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.execute_batch(SCHEMA)?;
    super::requests::sqlite::ensure_schema(&conn)?;
    Ok(conn)
}

/// The receipt/dedup secret, created once per database.
pub fn secret(conn: &Connection) -> Result<Vec<u8>, FeedbackError> {
    let existing: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM meta WHERE key = 'secret'", [], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(s) = existing {
        return Ok(s);
    }
    let mut s = vec![0u8; 32];
    getrandom::fill(&mut s).map_err(|e| FeedbackError::Server(format!("getrandom: {e}")))?;
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('secret', ?1)",
        params![s],
    )?;
    // Another process may have won the race: read back.
    Ok(
        conn.query_row("SELECT value FROM meta WHERE key = 'secret'", [], |r| {
            r.get(0)
        })?,
    )
}

/// Stores one submission inside an open (IMMEDIATE) transaction. The same submission sent
/// again within 24 h (same form token, identical fields: [`super::dedup`]) returns the
/// earlier receipt.
pub fn insert(
    tx: &Transaction<'_>,
    secret: &[u8],
    tz: &TimeZone,
    sub: &Submission,
) -> Result<Accepted, FeedbackError> {
    let key = super::dedup::dedup_key(secret, sub);
    let now = sub.received.as_second();
    let earlier = match &key {
        None => None,
        Some(key) => tx
            .query_row(
                "SELECT receipt, hash, received, seq, stream FROM entries
             WHERE dedup_key = ?1 AND received_unix > ?2 AND received_unix <= ?3
             ORDER BY id LIMIT 1",
                params![key, now - DEDUP_WINDOW_SECS, now + DEDUP_WINDOW_SECS],
                |r| {
                    Ok(Accepted {
                        receipt: r.get(0)?,
                        hash: r.get(1)?,
                        received: r.get(2)?,
                        duplicate: true,
                        seq: r.get(3)?,
                        stream: r.get(4)?,
                    })
                },
            )
            .optional()?,
    };
    if let Some(a) = earlier {
        return Ok(a);
    }
    let stream = sub.content.stream();
    let (head_seq, head_hash): (u64, String) = tx
        .query_row(
            "SELECT seq, hash FROM heads WHERE stream = ?1",
            params![stream],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS_HASH.to_string()));
    let prefix = sub.content.kind().receipt_prefix();
    let day = receipt_day(sub.received, tz);
    let n: u64 = tx.query_row(
        "INSERT INTO counters (key, n) VALUES (?1, 1)
         ON CONFLICT (key) DO UPDATE SET n = n + 1 RETURNING n",
        params![format!("{prefix}{day}")],
        |r| r.get(0),
    )?;
    let receipt = make_receipt(secret, prefix, &day, n);
    let received = format_received(sub.received, tz);
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| FeedbackError::Server(format!("getrandom: {e}")))?;
    let seq = head_seq + 1;
    let record = canonical_record(sub, seq, &receipt, &received, &salt)
        .map_err(|e| FeedbackError::Server(format!("serialize: {e}")))?;
    let hash = chain_hash(&head_hash, &record);
    tx.execute(
        "INSERT INTO entries (stream, seq, receipt, kind, consultation, channel, received,
             received_unix, record, prev_hash, hash, dedup_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            stream,
            seq,
            receipt,
            sub.content.kind().as_str(),
            sub.content.consultation(),
            sub.channel.as_str(),
            received,
            now,
            record,
            head_hash,
            hash,
            key
        ],
    )?;
    let id = tx.last_insert_rowid();
    tx.execute(
        "INSERT INTO private (entry_id, text, salt, name, organization, contact)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id,
            sub.content.private_text(),
            hex::encode(salt),
            sub.personal.name,
            sub.personal.organization,
            sub.personal.contact
        ],
    )?;
    tx.execute(
        "INSERT INTO heads (stream, seq, hash) VALUES (?1, ?2, ?3)
         ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![stream, seq, hash],
    )?;
    Ok(Accepted {
        receipt,
        hash,
        received,
        duplicate: false,
        seq,
        stream,
    })
}

/// Stores one submission in its own transaction (offline entries).
pub fn insert_one(
    conn: &mut Connection,
    tz: &TimeZone,
    sub: &Submission,
) -> Result<Accepted, FeedbackError> {
    let secret = secret(conn)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let a = insert(&tx, &secret, tz, sub)?;
    tx.commit()?;
    super::anchor::log_committed(conn, [&a]);
    Ok(a)
}

/// What `/receipt/<no>` may show: no content.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptStatus {
    pub receipt: String,
    pub kind: Kind,
    pub consultation: Option<String>,
    pub received: String,
    pub hash: String,
    pub exported_at: Option<String>,
    /// Its place in the chain: when it was accepted the chain had `seq` entries, head `hash`.
    pub seq: u64,
}

pub fn lookup(conn: &Connection, receipt: &str) -> Result<Option<ReceiptStatus>, FeedbackError> {
    Ok(conn
        .query_row(
            "SELECT receipt, kind, consultation, received, hash, exported_at, seq
             FROM entries WHERE receipt = ?1",
            params![receipt],
            |r| {
                let kind: String = r.get(1)?;
                Ok(ReceiptStatus {
                    receipt: r.get(0)?,
                    kind: Kind::parse(&kind).unwrap_or(Kind::Message),
                    consultation: r.get(2)?,
                    received: r.get(3)?,
                    hash: r.get(4)?,
                    exported_at: r.get(5)?,
                    seq: r.get(6)?,
                })
            },
        )
        .optional()?)
}

/// One stored entry of a stream, in chain order.
#[derive(Debug, Clone)]
pub struct StoredEntry {
    pub id: i64,
    pub seq: u64,
    pub receipt: String,
    pub record: String,
    pub prev_hash: String,
    pub hash: String,
    pub text: Option<String>,
    pub salt: Option<String>,
    /// When `export` wrote it to the consultation's ledger (None: not yet exported).
    pub exported_at: Option<String>,
}

pub fn stream_entries(conn: &Connection, stream: &str) -> Result<Vec<StoredEntry>, FeedbackError> {
    let mut st = conn.prepare(
        "SELECT e.id, e.seq, e.receipt, e.record, e.prev_hash, e.hash, p.text, p.salt,
                e.exported_at
         FROM entries e LEFT JOIN private p ON p.entry_id = e.id
         WHERE e.stream = ?1 ORDER BY e.seq",
    )?;
    let rows = st.query_map(params![stream], |r| {
        Ok(StoredEntry {
            id: r.get(0)?,
            seq: r.get(1)?,
            receipt: r.get(2)?,
            record: r.get(3)?,
            prev_hash: r.get(4)?,
            hash: r.get(5)?,
            text: r.get(6)?,
            salt: r.get(7)?,
            exported_at: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

pub fn streams(conn: &Connection) -> Result<Vec<String>, FeedbackError> {
    let mut st = conn.prepare(
        "SELECT stream FROM entries UNION SELECT stream FROM heads WHERE stream != ?1 ORDER BY 1",
    )?;
    // The request chain's head sits beside the comment heads; its events are checked by
    // `requests::store::RequestStore::verify_events`.
    let rows = st.query_map([super::requests::store::STREAM], |r| r.get(0))?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Checks one stream's chain: contiguous seq from 1, links, hashes, the record's own
/// seq/receipt, the opinion digest against the private text, and the head.
pub fn verify_stream(conn: &Connection, stream: &str) -> Result<Vec<String>, FeedbackError> {
    let entries = stream_entries(conn, stream)?;
    let head = head(conn, stream)?;
    Ok(check_chain(stream, &entries, head))
}

/// The stored head (last seq and hash) of a stream.
pub fn head(conn: &Connection, stream: &str) -> Result<Option<(u64, String)>, FeedbackError> {
    Ok(conn
        .query_row(
            "SELECT seq, hash FROM heads WHERE stream = ?1",
            params![stream],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Checks one stream's chain as read from any store (`entries` in seq order, the stored
/// head): the problems found, empty when it verifies.
pub fn check_chain(
    stream: &str,
    entries: &[StoredEntry],
    head: Option<(u64, String)>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut prev = GENESIS_HASH.to_string();
    for (i, e) in entries.iter().enumerate() {
        let at = format!("{stream} seq {} ({})", e.seq, e.receipt);
        if e.seq != i as u64 + 1 {
            problems.push(format!(
                "{at}: expected seq {} — an entry is missing",
                i + 1
            ));
        }
        if e.prev_hash != prev {
            problems.push(format!(
                "{at}: prev_hash does not link to the previous entry"
            ));
        }
        if chain_hash(&e.prev_hash, &e.record) != e.hash {
            problems.push(format!(
                "{at}: hash does not match the stored record (altered)"
            ));
        }
        let v: serde_json::Value = match serde_json::from_str(&e.record) {
            Ok(v) => v,
            Err(err) => {
                problems.push(format!("{at}: record is not JSON: {err}"));
                prev = e.hash.clone();
                continue;
            }
        };
        if v.get("seq").and_then(|s| s.as_u64()) != Some(e.seq)
            || v.get("receipt").and_then(|s| s.as_str()) != Some(e.receipt.as_str())
        {
            problems.push(format!("{at}: record's seq/receipt differ from the row"));
        }
        if v.get("kind").and_then(|k| k.as_str()) == Some("comment") {
            match serde_json::from_str::<CommentRecord>(&e.record) {
                Ok(c) => {
                    let salt = e.salt.as_deref().and_then(|s| hex::decode(s).ok());
                    match (salt, e.text.as_deref()) {
                        (Some(salt), Some(text)) => {
                            if model::text_digest(&salt, text) != c.opinion_digest {
                                problems.push(format!("{at}: private opinion text was altered"));
                            }
                            if c.opinion.as_deref().is_some_and(|o| o != text) {
                                problems.push(format!("{at}: public and private text differ"));
                            }
                        }
                        _ => problems.push(format!("{at}: private row missing")),
                    }
                }
                Err(err) => problems.push(format!("{at}: bad comment record: {err}")),
            }
        }
        prev = e.hash.clone();
    }
    let last = entries.last().map(|e| (e.seq, e.hash.clone()));
    if head != last {
        problems.push(format!(
            "{stream}: head {:?} differs from the last entry {:?} (entries dropped or added)",
            head, last
        ));
    }
    problems
}

/// Forgets duplicate keys older than the window (they may derive from a client address).
pub fn expire_dedup_keys(conn: &Connection, now_unix: i64) -> Result<usize, FeedbackError> {
    Ok(conn.execute(
        "UPDATE entries SET dedup_key = NULL
         WHERE dedup_key IS NOT NULL AND received_unix < ?1",
        params![now_unix - DEDUP_WINDOW_SECS],
    )?)
}

pub fn mark_exported(conn: &Connection, ids: &[i64], at: &str) -> Result<(), FeedbackError> {
    let tx = conn.unchecked_transaction()?;
    for id in ids {
        tx.execute(
            "UPDATE entries SET exported_at = ?1 WHERE id = ?2 AND exported_at IS NULL",
            params![at, id],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// Counts by consultation, channel and kind.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub total: u64,
    pub by_kind: BTreeMap<String, u64>,
    pub by_channel: BTreeMap<String, u64>,
    pub by_consultation: BTreeMap<String, u64>,
    /// (consultation, channel) → count, comments only.
    pub by_consultation_channel: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Stats {
    /// Plain-text table for the terminal.
    pub fn render_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "共 {} 条 (total)", self.total);
        let _ = writeln!(s, "\n按类型 (by kind):");
        for (k, n) in &self.by_kind {
            let label = Kind::parse(k).map(|k| k.label_zh()).unwrap_or("?");
            let _ = writeln!(s, "  {label} {k}: {n}");
        }
        let _ = writeln!(s, "\n按渠道 (by channel):");
        for (k, n) in &self.by_channel {
            let _ = writeln!(s, "  {k}: {n}");
        }
        let _ = writeln!(s, "\n按征集事项 (comments by consultation):");
        for (c, n) in &self.by_consultation {
            let _ = write!(s, "  {c}: {n}");
            if let Some(ch) = self.by_consultation_channel.get(c) {
                let parts: Vec<String> = ch.iter().map(|(k, v)| format!("{k} {v}")).collect();
                let _ = write!(s, " ({})", parts.join(", "));
            }
            s.push('\n');
        }
        s
    }
}

pub fn stats(db: &Path) -> Result<Stats, FeedbackError> {
    if !db.exists() {
        return Err(FeedbackError::Invalid(format!(
            "数据库不存在 (database not found): {}",
            db.display()
        )));
    }
    let conn = open(db)?;
    stats_of(&conn)
}

/// [`stats`] of an open database.
pub fn stats_of(conn: &Connection) -> Result<Stats, FeedbackError> {
    let mut st =
        conn.prepare("SELECT kind, channel, consultation, COUNT(*) FROM entries GROUP BY 1, 2, 3")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, u64>(3)?,
        ))
    })?;
    let rows = rows.collect::<Result<Vec<_>, _>>()?;
    Ok(Stats::from_counts(rows))
}

impl Stats {
    /// Folds `(kind, channel, consultation, count)` groups.
    pub fn from_counts(
        rows: impl IntoIterator<Item = (String, String, Option<String>, u64)>,
    ) -> Stats {
        let mut s = Stats::default();
        for row in rows {
            let (kind, channel, consultation, n) = row;
            s.total += n;
            *s.by_kind.entry(kind).or_default() += n;
            *s.by_channel.entry(channel.clone()).or_default() += n;
            if let Some(c) = consultation {
                *s.by_consultation.entry(c.clone()).or_default() += n;
                *s.by_consultation_channel
                    .entry(c)
                    .or_default()
                    .entry(channel)
                    .or_default() += n;
            }
        }
        s
    }
}
