//! The feedback store as a trait with two implementations: SQLite (one file, the default)
//! and PostgreSQL (several receivers on one database).
//!
//! Everything the receiver and the commands need from a store goes through
//! [`FeedbackStore`]: storing a group of submissions in one transaction (answered only after
//! the commit), receipt look-ups, the chains (streams, entries, heads), marking exported
//! entries, statistics, forgetting old duplicate keys, and a full dump/load for
//! `gongshi feedback migrate`. The hashing, receipts and chain checks are shared
//! (`model`, [`store::check_chain`]); only the SQL differs.
//!
//! `--db` names the store: a `postgres://` or `postgresql://` URL is PostgreSQL, anything else
//! is an SQLite file ([`is_url`], [`open`]).

pub mod pg;
pub mod sqlite;

use jiff::tz::TimeZone;

use super::dbcheck::Create;
use super::model::{Accepted, Submission};
use super::store::{self, ReceiptStatus, Stats, StoredEntry};
use super::FeedbackError;

pub use pg::PgStore;
pub use sqlite::SqliteStore;

/// A feedback store. Methods take `&mut self`: one store value is one connection, used by one
/// thread at a time (the writer thread, or a reader behind a mutex).
pub trait FeedbackStore: Send {
    /// For messages and the start line: the file path, or the URL without its password.
    fn describe(&self) -> String;
    /// The receipt/dedup secret, created once per database.
    fn secret(&mut self) -> Result<Vec<u8>, FeedbackError>;
    /// Stores `subs` in one transaction, in order, and returns only after it committed.
    /// An identical resubmission within the window returns the earlier receipt
    /// (`Accepted::duplicate`). Concurrent writers (other receivers, `add`) are serialised
    /// per chain, so each chain stays linear.
    fn insert_batch(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        subs: &[&Submission],
    ) -> Result<Vec<Accepted>, FeedbackError>;
    /// Stores a file of entries entered by staff in one transaction (`feedback import`, see
    /// [`ImportGroup`]). `before_commit` runs after every row was written and before the
    /// commit, with the answers: an error from it rolls everything back.
    fn import(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        group: &ImportGroup<'_>,
        before_commit: &mut dyn FnMut(&[Accepted]) -> Result<(), FeedbackError>,
    ) -> Result<ImportOutcome, FeedbackError>;
    /// One committed write: proves the store takes a write now (health probes).
    fn probe_write(&mut self) -> Result<(), FeedbackError>;
    fn lookup(&mut self, receipt: &str) -> Result<Option<ReceiptStatus>, FeedbackError>;
    /// Every comment stream that has entries or a head, sorted (not the request chain,
    /// whose head sits beside theirs: `requests::store`).
    fn streams(&mut self) -> Result<Vec<String>, FeedbackError>;
    /// A stream's entries in chain order, with their private text and salt.
    fn stream_entries(&mut self, stream: &str) -> Result<Vec<StoredEntry>, FeedbackError>;
    fn head(&mut self, stream: &str) -> Result<Option<(u64, String)>, FeedbackError>;
    fn mark_exported(&mut self, ids: &[i64], at: &str) -> Result<(), FeedbackError>;
    /// Forgets duplicate keys older than the window; returns how many.
    fn expire_dedup_keys(&mut self, now_unix: i64) -> Result<usize, FeedbackError>;
    fn stats(&mut self) -> Result<Stats, FeedbackError>;
    fn count_entries(&mut self) -> Result<u64, FeedbackError>;
    /// Every row, for `migrate` (entries in id order).
    fn dump(&mut self) -> Result<Dump, FeedbackError>;
    /// Loads a dump into this store, which must hold no entries yet; one transaction.
    fn load(&mut self, dump: &Dump) -> Result<(), FeedbackError>;

    /// Checks one stream's chain: the problems, empty when it verifies.
    fn verify_stream(&mut self, stream: &str) -> Result<Vec<String>, FeedbackError> {
        let entries = self.stream_entries(stream)?;
        let head = self.head(stream)?;
        Ok(store::check_chain(stream, &entries, head))
    }

    /// Stores one submission in its own transaction (offline entries).
    fn insert_one(&mut self, tz: &TimeZone, sub: &Submission) -> Result<Accepted, FeedbackError> {
        let secret = self.secret()?;
        let mut out = self.insert_batch(&secret, tz, &[sub])?;
        out.pop()
            .ok_or_else(|| FeedbackError::Server("insert returned nothing".into()))
    }
}

/// A file of entries entered at once (`feedback import`): all rows or none.
pub struct ImportGroup<'a> {
    /// The key recording the file in the store's meta table (the same file is refused a
    /// second time).
    pub key: &'a str,
    pub subs: Vec<&'a Submission>,
    /// Refuse entries identical to one already stored (same consultation, channel, received
    /// time and text).
    pub refuse_same: bool,
    /// When the rows were entered, as the note recording the file says.
    pub noted_at: &'a str,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Every row stored (committed), in order.
    Stored(Vec<Accepted>),
    /// Nothing stored: the file was imported before; the note written then.
    AlreadyImported(String),
    /// Nothing stored: rows (their index in `subs`) identical to stored entries (receipt).
    Same(Vec<(usize, String)>),
}

/// The note recording an imported file.
pub(crate) fn import_note(noted_at: &str, accepted: &[Accepted]) -> String {
    format!(
        "{noted_at} 导入 {} 条，回执 {} 至 {}",
        accepted.len(),
        accepted.first().map_or("", |a| a.receipt.as_str()),
        accepted.last().map_or("", |a| a.receipt.as_str()),
    )
}

/// One entry with all its columns, public and private, as `migrate` copies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    /// The row id in the store it was read from (order only; not compared).
    pub id: i64,
    pub stream: String,
    pub seq: u64,
    pub receipt: String,
    pub kind: String,
    pub consultation: Option<String>,
    pub channel: String,
    pub received: String,
    pub received_unix: i64,
    pub record: String,
    pub prev_hash: String,
    pub hash: String,
    pub dedup_key: Option<String>,
    pub exported_at: Option<String>,
    pub private: Option<RawPrivate>,
}

/// The private part of an entry (never exported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPrivate {
    pub text: String,
    pub salt: String,
    pub name: Option<String>,
    pub organization: Option<String>,
    pub contact: Option<String>,
}

/// A whole store: secret, entries, heads, receipt counters, and the notes that a file was
/// imported (meta keys `import:…`, so that `migrate` keeps refusing a second import).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dump {
    pub secret: Option<Vec<u8>>,
    pub entries: Vec<RawEntry>,
    pub heads: Vec<(String, u64, String)>,
    pub counters: Vec<(String, u64)>,
    pub imports: Vec<(String, Vec<u8>)>,
}

/// Is `db` a PostgreSQL URL (`postgres://…`, `postgresql://…`)?
pub fn is_url(db: &str) -> bool {
    let lower = db.get(..13).unwrap_or(db).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// Opens the store `db` names: a PostgreSQL URL or an SQLite file (checked by `dbcheck`).
/// `create` says whether a missing or empty one may be initialised (`--init`).
pub fn open(db: &str, create: Create) -> Result<Box<dyn FeedbackStore>, FeedbackError> {
    if is_url(db) {
        Ok(Box::new(PgStore::connect(db, create)?))
    } else {
        Ok(Box::new(SqliteStore::open_checked(
            std::path::Path::new(db),
            create,
        )?))
    }
}

/// What `migrate` did.
#[derive(Debug, Clone, Default)]
pub struct MigrateReport {
    pub entries: usize,
    pub streams: usize,
}

/// Copies every row of `from` into `to` (which must hold no entries), then verifies entry by
/// entry: the dump read back from `to` equals the source's (ids aside), every chain verifies
/// and every head is the same on both sides.
pub fn migrate(
    from: &mut dyn FeedbackStore,
    to: &mut dyn FeedbackStore,
) -> Result<MigrateReport, FeedbackError> {
    let dump = from.dump()?;
    if dump.secret.is_none() {
        return Err(FeedbackError::Invalid(format!(
            "源数据库没有回执密钥，不是意见数据库或尚未初始化 (the source has no receipt secret): {}",
            from.describe()
        )));
    }
    to.load(&dump)?;
    let back = to.dump()?;
    let mut problems = Vec::new();
    if back.secret != dump.secret {
        problems.push("receipt secret differs".to_string());
    }
    if back.entries.len() != dump.entries.len() {
        problems.push(format!(
            "{} entries copied, {} read back",
            dump.entries.len(),
            back.entries.len()
        ));
    }
    for (a, b) in dump.entries.iter().zip(&back.entries) {
        let b = RawEntry {
            id: a.id,
            ..b.clone()
        };
        if *a != b {
            problems.push(format!(
                "{} seq {} ({}): differs after the copy",
                a.stream, a.seq, a.receipt
            ));
        }
    }
    if back.heads != dump.heads {
        problems.push("chain heads differ".to_string());
    }
    if back.counters != dump.counters {
        problems.push("receipt counters differ".to_string());
    }
    if back.imports != dump.imports {
        problems.push("import notes differ".to_string());
    }
    let streams = from.streams()?;
    for s in &streams {
        if from.head(s)? != to.head(s)? {
            problems.push(format!("{s}: head differs"));
        }
        problems.extend(to.verify_stream(s)?);
    }
    if !problems.is_empty() {
        return Err(FeedbackError::Integrity(format!(
            "迁移后校验失败 (migration check failed; the target keeps what was copied, drop it before retrying): {}",
            problems.join("; ")
        )));
    }
    Ok(MigrateReport {
        entries: dump.entries.len(),
        streams: streams.len(),
    })
}
