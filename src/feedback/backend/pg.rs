//! [`FeedbackStore`] on PostgreSQL, for several receivers writing to one database.
//!
//! The driver is `postgres`, the blocking client of the rust-postgres project (tokio-postgres
//! underneath): the store is used from the receiver's writer thread (group commit, one
//! transaction per group) and from blocking reader tasks, never from the async threads.
//!
//! Guarantees, as on SQLite:
//! * a group is answered only after `COMMIT` returned (the server's `synchronous_commit`
//!   decides what a commit means: leave it `on`);
//! * each chain stays linear with several writers: a transaction first takes
//!   `pg_advisory_xact_lock` on every chain and every receipt counter it will touch, in sorted
//!   order (no deadlock between two groups), so the head it reads is the head it extends;
//!   `UNIQUE (stream, seq)` would refuse a fork anyway;
//! * receipts are unique across receivers: the daily counter row is incremented under the
//!   same locks, and `receipt` is `UNIQUE`;
//! * personal data lives in `feedback_private`, apart from the public `feedback_entries`.
//!
//! Tables are prefixed `feedback_` so that the store can share a database with other things.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::tz::TimeZone;
use postgres::error::SqlState;
use postgres::{Client, NoTls, Row};

use super::{import_note, Dump, FeedbackStore, ImportGroup, ImportOutcome, RawEntry, RawPrivate};
use crate::feedback::dbcheck::Create;
use crate::feedback::dedup::dedup_key;
use crate::feedback::model::{
    canonical_record, chain_hash, format_received, make_receipt, receipt_day, Accepted, Kind,
    Submission, GENESIS_HASH,
};
use crate::feedback::store::{ReceiptStatus, Stats, StoredEntry, DEDUP_WINDOW_SECS};
use crate::feedback::FeedbackError;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS feedback_meta (key TEXT PRIMARY KEY, value BYTEA NOT NULL);
CREATE TABLE IF NOT EXISTS feedback_entries (
    id BIGSERIAL PRIMARY KEY,
    stream TEXT NOT NULL,
    seq BIGINT NOT NULL CHECK (seq > 0),
    receipt TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    consultation TEXT,
    channel TEXT NOT NULL,
    received TEXT NOT NULL,
    received_unix BIGINT NOT NULL,
    record TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    dedup_key TEXT,
    exported_at TEXT,
    UNIQUE (stream, seq)
);
CREATE INDEX IF NOT EXISTS feedback_entries_dedup ON feedback_entries (dedup_key)
    WHERE dedup_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS feedback_private (
    entry_id BIGINT PRIMARY KEY REFERENCES feedback_entries (id),
    text TEXT NOT NULL,
    salt TEXT NOT NULL,
    name TEXT,
    organization TEXT,
    contact TEXT
);
CREATE TABLE IF NOT EXISTS feedback_heads (
    stream TEXT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback_counters (key TEXT PRIMARY KEY, n BIGINT NOT NULL);
";

/// The advisory lock key that serialises schema creation (two receivers started with
/// `--init` at once).
pub(crate) const SCHEMA_LOCK: i64 = 0x676f_6e67_7368_6931; // "gongshi1"

/// How often a group is retried after a deadlock or serialisation failure.
const RETRIES: usize = 5;

pub struct PgStore {
    url: String,
    client: Client,
}

impl From<postgres::Error> for FeedbackError {
    fn from(e: postgres::Error) -> Self {
        FeedbackError::Pg(e)
    }
}

/// The URL with its password (`user:PASSWORD@`, `?password=`) replaced by `***` (for
/// messages and logs).
pub fn redact(url: &str) -> String {
    let url = match url.split_once('?') {
        Some((base, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => p.to_string(),
                })
                .collect();
            format!("{base}?{}", params.join("&"))
        }
        None => url.to_string(),
    };
    let Some((scheme, rest)) = url.split_once("://") else {
        return url;
    };
    let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (auth, tail) = rest.split_at(auth_end);
    match auth.rsplit_once('@') {
        Some((user, host)) => {
            let user = match user.split_once(':') {
                Some((name, _)) => format!("{name}:***"),
                None => user.to_string(),
            };
            format!("{scheme}://{user}@{host}{tail}")
        }
        None => url.clone(),
    }
}

fn unusable(url: &str, e: &postgres::Error) -> FeedbackError {
    FeedbackError::Unusable(format!(
        "无法连接 PostgreSQL 数据库 (cannot connect to PostgreSQL): {}: {e}\n  \
         请检查 --db 中的主机、端口、用户名、数据库名，以及数据库服务是否在运行",
        redact(url)
    ))
}

pub(crate) fn i64_of(v: u64) -> Result<i64, FeedbackError> {
    i64::try_from(v).map_err(|_| FeedbackError::Server(format!("value out of range: {v}")))
}

pub(crate) fn u64_of(v: i64) -> Result<u64, FeedbackError> {
    u64::try_from(v).map_err(|_| FeedbackError::Integrity(format!("negative value {v}")))
}

impl PgStore {
    /// Connects, and creates the tables with `Create::IfMissing` (`--init`, `migrate`).
    /// Without it, a database without the tables or without a receipt secret is refused.
    pub fn connect(url: &str, create: Create) -> Result<PgStore, FeedbackError> {
        let client = Client::connect(url, NoTls).map_err(|e| unusable(url, &e))?;
        let mut store = PgStore {
            url: url.to_string(),
            client,
        };
        let exists: bool = store
            .client
            .query_one(
                "SELECT to_regclass('feedback_entries') IS NOT NULL
                    AND to_regclass('feedback_meta') IS NOT NULL",
                &[],
            )?
            .try_get(0)?;
        if !exists {
            if create == Create::Never {
                return Err(FeedbackError::Invalid(format!(
                    "PostgreSQL 数据库中还没有意见表 (the database has no feedback tables yet): {}\n  \
                     如果是第一次运行，请加 --init 建表；否则请检查 --db 是否指向了正确的数据库",
                    redact(url)
                )));
            }
            let mut tx = store.client.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
            tx.batch_execute(SCHEMA)?;
            tx.commit()?;
        } else if create == Create::Never {
            let has_secret: bool = store
                .client
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM feedback_meta WHERE key = 'secret')",
                    &[],
                )?
                .try_get(0)?;
            if !has_secret {
                return Err(FeedbackError::Invalid(format!(
                    "数据库中没有回执密钥 (the database has no receipt secret): {}\n  \
                     如果是第一次运行，请加 --init",
                    redact(url)
                )));
            }
        }
        Ok(store)
    }

    /// The connection, reconnected when it was lost (database restart, failover).
    pub(crate) fn client(&mut self) -> Result<&mut Client, FeedbackError> {
        if self.client.is_closed() {
            self.client = Client::connect(&self.url, NoTls).map_err(|e| unusable(&self.url, &e))?;
        }
        Ok(&mut self.client)
    }

    /// One group in one transaction, in a fixed number of round trips whatever its size:
    /// locks, existing duplicates, heads, counters, then each table written with one
    /// `INSERT … SELECT FROM unnest(…)`. The chain arithmetic (seq, prev_hash, hash) is done
    /// here in order, exactly as SQLite's per-row `store::insert` does it.
    fn try_insert_batch(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        subs: &[&Submission],
    ) -> Result<Vec<Accepted>, FeedbackError> {
        let mut tx = self.client()?.transaction()?;
        let out = insert_in(&mut tx, secret, tz, subs)?;
        tx.commit()?;
        Ok(out)
    }

    fn try_import(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        group: &ImportGroup<'_>,
        before_commit: &mut dyn FnMut(&[Accepted]) -> Result<(), FeedbackError>,
    ) -> Result<ImportOutcome, FeedbackError> {
        let mut tx = self.client()?.transaction()?;
        if let Some(r) = tx.query_opt(
            "SELECT value FROM feedback_meta WHERE key = $1",
            &[&group.key],
        )? {
            let v: Vec<u8> = r.try_get(0)?;
            return Ok(ImportOutcome::AlreadyImported(
                String::from_utf8_lossy(&v).into_owned(),
            ));
        }
        if group.refuse_same {
            let mut same = Vec::new();
            for (i, sub) in group.subs.iter().enumerate() {
                if let Some(hit) = tx.query_opt(
                    "SELECT e.receipt FROM feedback_entries e
                     JOIN feedback_private p ON p.entry_id = e.id
                     WHERE e.consultation IS NOT DISTINCT FROM $1 AND e.channel = $2
                       AND e.received = $3 AND p.text = $4 ORDER BY e.id LIMIT 1",
                    &[
                        &sub.content.consultation(),
                        &sub.channel.as_str(),
                        &format_received(sub.received, tz),
                        &sub.content.private_text(),
                    ],
                )? {
                    same.push((i, hit.try_get(0)?));
                }
            }
            if !same.is_empty() {
                return Ok(ImportOutcome::Same(same));
            }
        }
        let out = insert_in(&mut tx, secret, tz, &group.subs)?;
        tx.execute(
            "INSERT INTO feedback_meta (key, value) VALUES ($1, $2)",
            &[&group.key, &import_note(group.noted_at, &out).into_bytes()],
        )?;
        before_commit(&out)?;
        tx.commit()?;
        Ok(ImportOutcome::Stored(out))
    }
}

/// One group inside the open transaction `tx` (committed by the caller).
fn insert_in(
    tx: &mut postgres::Transaction<'_>,
    secret: &[u8],
    tz: &TimeZone,
    subs: &[&Submission],
) -> Result<Vec<Accepted>, FeedbackError> {
    let preps: Vec<Prep> = subs
        .iter()
        .map(|sub| Prep {
            key: dedup_key(secret, sub),
            stream: sub.content.stream(),
            counter: counter_key(sub, tz),
            now: sub.received.as_second(),
        })
        .collect();
    let mut locks = BTreeSet::new();
    for p in &preps {
        locks.insert(format!("stream:{}", p.stream));
        locks.insert(format!("counter:{}", p.counter));
    }
    let locks: Vec<String> = locks.into_iter().collect();
    // In array order (sorted): every writer takes its locks in the same order.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest($1::text[]) AS k",
        &[&locks],
    )?;

    // Earlier entries with the same duplicate keys (oldest first, as SQLite's ORDER BY id).
    let keys: Vec<&str> = preps
        .iter()
        .filter_map(|p| p.key.as_deref())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut earlier: HashMap<String, Vec<(i64, Earlier)>> = HashMap::new();
    if !keys.is_empty() {
        for r in tx.query(
            "SELECT dedup_key, received_unix, receipt, hash, received, seq, stream
                 FROM feedback_entries WHERE dedup_key = ANY($1) ORDER BY id",
            &[&keys],
        )? {
            let key: String = r.try_get(0)?;
            let a = Accepted {
                receipt: r.try_get(2)?,
                hash: r.try_get(3)?,
                received: r.try_get(4)?,
                duplicate: true,
                seq: u64_of(r.try_get(5)?)?,
                stream: r.try_get(6)?,
            };
            earlier
                .entry(key)
                .or_default()
                .push((r.try_get(1)?, Earlier::Stored(a)));
        }
    }

    // Which submissions are new, which repeat an earlier one (stored or in this group).
    let mut dup_of: Vec<Option<Earlier>> = Vec::with_capacity(preps.len());
    let mut new_per_counter: BTreeMap<&str, i64> = BTreeMap::new();
    for (i, p) in preps.iter().enumerate() {
        let found = p.key.as_ref().and_then(|k| {
            earlier.get(k).and_then(|v| {
                v.iter()
                    .find(|(t, _)| {
                        *t > p.now - DEDUP_WINDOW_SECS && *t <= p.now + DEDUP_WINDOW_SECS
                    })
                    .map(|(_, e)| e.clone())
            })
        });
        if found.is_none() {
            *new_per_counter.entry(p.counter.as_str()).or_default() += 1;
            if let Some(k) = &p.key {
                earlier
                    .entry(k.clone())
                    .or_default()
                    .push((p.now, Earlier::InGroup(i)));
            }
        }
        dup_of.push(found);
    }

    // Receipt numbers: each counter moves on by its count of new entries at once.
    let mut next_n: HashMap<String, u64> = HashMap::new();
    if !new_per_counter.is_empty() {
        let ck: Vec<&str> = new_per_counter.keys().copied().collect();
        let cn: Vec<i64> = new_per_counter.values().copied().collect();
        for r in tx.query(
            "INSERT INTO feedback_counters (key, n)
                 SELECT * FROM unnest($1::text[], $2::bigint[])
                 ON CONFLICT (key) DO UPDATE SET n = feedback_counters.n + excluded.n
                 RETURNING key, n",
            &[&ck, &cn],
        )? {
            let key: String = r.try_get(0)?;
            let end = u64_of(r.try_get(1)?)?;
            let count = new_per_counter.get(key.as_str()).copied().unwrap_or(0);
            next_n.insert(key, end + 1 - u64_of(count)?);
        }
    }

    // Heads of the chains the group extends.
    let streams: Vec<&str> = preps
        .iter()
        .map(|p| p.stream.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut heads: HashMap<String, (u64, String)> = HashMap::new();
    for r in tx.query(
        "SELECT stream, seq, hash FROM feedback_heads WHERE stream = ANY($1)",
        &[&streams],
    )? {
        heads.insert(r.try_get(0)?, (u64_of(r.try_get(1)?)?, r.try_get(2)?));
    }

    // The new entries, in order.
    let mut rows = NewRows::default();
    let mut out: Vec<Option<Accepted>> = vec![None; preps.len()];
    for (i, (p, sub)) in preps.iter().zip(subs).enumerate() {
        if dup_of[i].is_some() {
            continue;
        }
        let (head_seq, head_hash) = heads
            .get(&p.stream)
            .cloned()
            .unwrap_or((0, GENESIS_HASH.to_string()));
        let n = next_n.entry(p.counter.clone()).or_insert(1);
        let prefix = sub.content.kind().receipt_prefix();
        let receipt = make_receipt(secret, prefix, &receipt_day(sub.received, tz), *n);
        *n += 1;
        let received = format_received(sub.received, tz);
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| FeedbackError::Server(format!("getrandom: {e}")))?;
        let seq = head_seq + 1;
        let record = canonical_record(sub, seq, &receipt, &received, &salt)
            .map_err(|e| FeedbackError::Server(format!("serialize: {e}")))?;
        let hash = chain_hash(&head_hash, &record);
        heads.insert(p.stream.clone(), (seq, hash.clone()));
        rows.stream.push(p.stream.clone());
        rows.seq.push(i64_of(seq)?);
        rows.receipt.push(receipt.clone());
        rows.kind.push(sub.content.kind().as_str().to_string());
        rows.consultation
            .push(sub.content.consultation().map(str::to_string));
        rows.channel.push(sub.channel.as_str().to_string());
        rows.received.push(received.clone());
        rows.received_unix.push(p.now);
        rows.record.push(record);
        rows.prev_hash.push(head_hash);
        rows.hash.push(hash.clone());
        rows.dedup_key.push(p.key.clone());
        rows.text.push(sub.content.private_text().to_string());
        rows.salt.push(hex::encode(salt));
        rows.name.push(sub.personal.name.clone());
        rows.organization.push(sub.personal.organization.clone());
        rows.contact.push(sub.personal.contact.clone());
        out[i] = Some(Accepted {
            receipt,
            hash,
            received,
            duplicate: false,
            seq,
            stream: p.stream.clone(),
        });
    }
    if !rows.receipt.is_empty() {
        let ids = tx.query(
            "INSERT INTO feedback_entries (stream, seq, receipt, kind, consultation, channel,
                     received, received_unix, record, prev_hash, hash, dedup_key)
                 SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[],
                     $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $10::text[],
                     $11::text[], $12::text[])
                 RETURNING receipt, id",
            &[
                &rows.stream,
                &rows.seq,
                &rows.receipt,
                &rows.kind,
                &rows.consultation,
                &rows.channel,
                &rows.received,
                &rows.received_unix,
                &rows.record,
                &rows.prev_hash,
                &rows.hash,
                &rows.dedup_key,
            ],
        )?;
        let mut id_of: HashMap<String, i64> = HashMap::with_capacity(ids.len());
        for r in &ids {
            id_of.insert(r.try_get(0)?, r.try_get(1)?);
        }
        let entry_ids =
            rows.receipt
                .iter()
                .map(|r| {
                    id_of.get(r).copied().ok_or_else(|| {
                        FeedbackError::Server(format!("insert returned no id for {r}"))
                    })
                })
                .collect::<Result<Vec<i64>, _>>()?;
        tx.execute(
            "INSERT INTO feedback_private (entry_id, text, salt, name, organization, contact)
                 SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],
                     $5::text[], $6::text[])",
            &[
                &entry_ids,
                &rows.text,
                &rows.salt,
                &rows.name,
                &rows.organization,
                &rows.contact,
            ],
        )?;
        let mut hs: Vec<&str> = Vec::new();
        let mut hq: Vec<i64> = Vec::new();
        let mut hh: Vec<&str> = Vec::new();
        for s in &streams {
            if let Some((seq, hash)) = heads.get(*s) {
                if rows.stream.iter().any(|x| x == s) {
                    hs.push(s);
                    hq.push(i64_of(*seq)?);
                    hh.push(hash);
                }
            }
        }
        tx.execute(
            "INSERT INTO feedback_heads (stream, seq, hash)
                 SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])
                 ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
            &[&hs, &hq, &hh],
        )?;
    }
    // Repeats of an entry of this same group get that entry's answer.
    let mut result = Vec::with_capacity(out.len());
    for (i, d) in dup_of.into_iter().enumerate() {
        let a = match d {
            None => out[i].clone(),
            Some(Earlier::Stored(a)) => Some(a),
            Some(Earlier::InGroup(j)) => out[j].clone().map(|a| Accepted {
                duplicate: true,
                ..a
            }),
        };
        result.push(a.ok_or_else(|| FeedbackError::Server("lost a group answer".into()))?);
    }
    Ok(result)
}

fn counter_key(sub: &Submission, tz: &TimeZone) -> String {
    format!(
        "{}{}",
        sub.content.kind().receipt_prefix(),
        receipt_day(sub.received, tz)
    )
}

/// What a submission of the group needs before anything is written.
struct Prep {
    key: Option<String>,
    stream: String,
    counter: String,
    now: i64,
}

/// An earlier submission with the same duplicate key.
#[derive(Clone)]
enum Earlier {
    Stored(Accepted),
    /// The `i`-th submission of this group.
    InGroup(usize),
}

/// The group's new rows, column by column (for `unnest`).
#[derive(Default)]
struct NewRows {
    stream: Vec<String>,
    seq: Vec<i64>,
    receipt: Vec<String>,
    kind: Vec<String>,
    consultation: Vec<Option<String>>,
    channel: Vec<String>,
    received: Vec<String>,
    received_unix: Vec<i64>,
    record: Vec<String>,
    prev_hash: Vec<String>,
    hash: Vec<String>,
    dedup_key: Vec<Option<String>>,
    text: Vec<String>,
    salt: Vec<String>,
    name: Vec<Option<String>>,
    organization: Vec<Option<String>>,
    contact: Vec<Option<String>>,
}

/// Runs `attempt` (one whole transaction) again after a deadlock or serialisation failure,
/// at most [`RETRIES`] times in all; any other outcome is returned as it is.
pub(crate) fn retrying<T>(
    mut attempt: impl FnMut() -> Result<T, FeedbackError>,
) -> Result<T, FeedbackError> {
    let mut tries = 1;
    loop {
        match attempt() {
            Err(e) if retryable(&e) && tries < RETRIES => tries += 1,
            r => return r,
        }
    }
}

fn retryable(e: &FeedbackError) -> bool {
    match e {
        FeedbackError::Pg(e) => matches!(
            e.code(),
            Some(c) if *c == SqlState::T_R_DEADLOCK_DETECTED
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
        ),
        _ => false,
    }
}

fn entry_of(r: &Row) -> Result<StoredEntry, FeedbackError> {
    Ok(StoredEntry {
        id: r.try_get(0)?,
        seq: u64_of(r.try_get(1)?)?,
        receipt: r.try_get(2)?,
        record: r.try_get(3)?,
        prev_hash: r.try_get(4)?,
        hash: r.try_get(5)?,
        text: r.try_get(6)?,
        salt: r.try_get(7)?,
        exported_at: r.try_get(8)?,
    })
}

impl FeedbackStore for PgStore {
    fn describe(&self) -> String {
        redact(&self.url)
    }

    fn secret(&mut self) -> Result<Vec<u8>, FeedbackError> {
        let c = self.client()?;
        if let Some(r) = c.query_opt("SELECT value FROM feedback_meta WHERE key = 'secret'", &[])? {
            return Ok(r.try_get(0)?);
        }
        let mut s = vec![0u8; 32];
        getrandom::fill(&mut s).map_err(|e| FeedbackError::Server(format!("getrandom: {e}")))?;
        c.execute(
            "INSERT INTO feedback_meta (key, value) VALUES ('secret', $1)
             ON CONFLICT (key) DO NOTHING",
            &[&s],
        )?;
        // Another receiver may have won the race: read back.
        Ok(
            c.query_one("SELECT value FROM feedback_meta WHERE key = 'secret'", &[])?
                .try_get(0)?,
        )
    }

    fn insert_batch(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        subs: &[&Submission],
    ) -> Result<Vec<Accepted>, FeedbackError> {
        retrying(|| self.try_insert_batch(secret, tz, subs))
    }

    fn import(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        group: &ImportGroup<'_>,
        before_commit: &mut dyn FnMut(&[Accepted]) -> Result<(), FeedbackError>,
    ) -> Result<ImportOutcome, FeedbackError> {
        self.try_import(secret, tz, group, before_commit)
    }

    fn probe_write(&mut self) -> Result<(), FeedbackError> {
        let mut value = jiff::Timestamp::now().to_string().into_bytes();
        value.resize(16384 + value.len(), 0);
        self.client()?.execute(
            "INSERT INTO feedback_meta (key, value) VALUES ('last_write_check', $1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&value],
        )?;
        Ok(())
    }

    fn lookup(&mut self, receipt: &str) -> Result<Option<ReceiptStatus>, FeedbackError> {
        let row = self.client()?.query_opt(
            "SELECT receipt, kind, consultation, received, hash, exported_at, seq
             FROM feedback_entries WHERE receipt = $1",
            &[&receipt],
        )?;
        let Some(r) = row else { return Ok(None) };
        let kind: String = r.try_get(1)?;
        Ok(Some(ReceiptStatus {
            receipt: r.try_get(0)?,
            kind: Kind::parse(&kind).unwrap_or(Kind::Message),
            consultation: r.try_get(2)?,
            received: r.try_get(3)?,
            hash: r.try_get(4)?,
            exported_at: r.try_get(5)?,
            seq: u64_of(r.try_get(6)?)?,
        }))
    }

    fn streams(&mut self) -> Result<Vec<String>, FeedbackError> {
        let rows = self.client()?.query(
            "SELECT stream FROM (SELECT stream FROM feedback_entries
                                 UNION SELECT stream FROM feedback_heads WHERE stream <> $1) s
             ORDER BY stream COLLATE \"C\"",
            &[&crate::feedback::requests::store::STREAM],
        )?;
        Ok(rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<Vec<_>, _>>()?)
    }

    fn stream_entries(&mut self, stream: &str) -> Result<Vec<StoredEntry>, FeedbackError> {
        let rows = self.client()?.query(
            "SELECT e.id, e.seq, e.receipt, e.record, e.prev_hash, e.hash, p.text, p.salt,
                    e.exported_at
             FROM feedback_entries e LEFT JOIN feedback_private p ON p.entry_id = e.id
             WHERE e.stream = $1 ORDER BY e.seq",
            &[&stream],
        )?;
        rows.iter().map(entry_of).collect()
    }

    fn head(&mut self, stream: &str) -> Result<Option<(u64, String)>, FeedbackError> {
        match self.client()?.query_opt(
            "SELECT seq, hash FROM feedback_heads WHERE stream = $1",
            &[&stream],
        )? {
            Some(r) => Ok(Some((u64_of(r.try_get(0)?)?, r.try_get(1)?))),
            None => Ok(None),
        }
    }

    fn mark_exported(&mut self, ids: &[i64], at: &str) -> Result<(), FeedbackError> {
        let ids = ids.to_vec();
        self.client()?.execute(
            "UPDATE feedback_entries SET exported_at = $1
             WHERE id = ANY($2) AND exported_at IS NULL",
            &[&at, &ids],
        )?;
        Ok(())
    }

    fn expire_dedup_keys(&mut self, now_unix: i64) -> Result<usize, FeedbackError> {
        let n = self.client()?.execute(
            "UPDATE feedback_entries SET dedup_key = NULL
             WHERE dedup_key IS NOT NULL AND received_unix < $1",
            &[&(now_unix - DEDUP_WINDOW_SECS)],
        )?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn stats(&mut self) -> Result<Stats, FeedbackError> {
        let rows = self.client()?.query(
            "SELECT kind, channel, consultation, COUNT(*) FROM feedback_entries GROUP BY 1, 2, 3",
            &[],
        )?;
        let mut groups = Vec::with_capacity(rows.len());
        for r in &rows {
            groups.push((
                r.try_get(0)?,
                r.try_get(1)?,
                r.try_get(2)?,
                u64_of(r.try_get(3)?)?,
            ));
        }
        Ok(Stats::from_counts(groups))
    }

    fn count_entries(&mut self) -> Result<u64, FeedbackError> {
        let n: i64 = self
            .client()?
            .query_one("SELECT COUNT(*) FROM feedback_entries", &[])?
            .try_get(0)?;
        u64_of(n)
    }

    fn dump(&mut self) -> Result<Dump, FeedbackError> {
        let c = self.client()?;
        let secret =
            match c.query_opt("SELECT value FROM feedback_meta WHERE key = 'secret'", &[])? {
                Some(r) => Some(r.try_get(0)?),
                None => None,
            };
        let rows = c.query(
            "SELECT e.id, e.stream, e.seq, e.receipt, e.kind, e.consultation, e.channel,
                    e.received, e.received_unix, e.record, e.prev_hash, e.hash, e.dedup_key,
                    e.exported_at, p.entry_id, p.text, p.salt, p.name, p.organization, p.contact
             FROM feedback_entries e LEFT JOIN feedback_private p ON p.entry_id = e.id
             ORDER BY e.id",
            &[],
        )?;
        let mut entries = Vec::with_capacity(rows.len());
        for r in &rows {
            let has_private: Option<i64> = r.try_get(14)?;
            entries.push(RawEntry {
                id: r.try_get(0)?,
                stream: r.try_get(1)?,
                seq: u64_of(r.try_get(2)?)?,
                receipt: r.try_get(3)?,
                kind: r.try_get(4)?,
                consultation: r.try_get(5)?,
                channel: r.try_get(6)?,
                received: r.try_get(7)?,
                received_unix: r.try_get(8)?,
                record: r.try_get(9)?,
                prev_hash: r.try_get(10)?,
                hash: r.try_get(11)?,
                dedup_key: r.try_get(12)?,
                exported_at: r.try_get(13)?,
                private: match has_private {
                    None => None,
                    Some(_) => Some(RawPrivate {
                        text: r.try_get(15)?,
                        salt: r.try_get(16)?,
                        name: r.try_get(17)?,
                        organization: r.try_get(18)?,
                        contact: r.try_get(19)?,
                    }),
                },
            });
        }
        let mut heads = Vec::new();
        for r in c.query(
            "SELECT stream, seq, hash FROM feedback_heads ORDER BY stream COLLATE \"C\"",
            &[],
        )? {
            heads.push((r.try_get(0)?, u64_of(r.try_get(1)?)?, r.try_get(2)?));
        }
        let mut counters = Vec::new();
        for r in c.query(
            "SELECT key, n FROM feedback_counters ORDER BY key COLLATE \"C\"",
            &[],
        )? {
            counters.push((r.try_get(0)?, u64_of(r.try_get(1)?)?));
        }
        let mut imports = Vec::new();
        for r in c.query(
            "SELECT key, value FROM feedback_meta WHERE key LIKE 'import:%'
             ORDER BY key COLLATE \"C\"",
            &[],
        )? {
            imports.push((r.try_get(0)?, r.try_get(1)?));
        }
        Ok(Dump {
            secret,
            entries,
            heads,
            counters,
            imports,
        })
    }

    fn load(&mut self, dump: &Dump) -> Result<(), FeedbackError> {
        let url = redact(&self.url);
        let mut tx = self.client()?.transaction()?;
        tx.execute("LOCK TABLE feedback_entries IN EXCLUSIVE MODE", &[])?;
        let n: i64 = tx
            .query_one("SELECT COUNT(*) FROM feedback_entries", &[])?
            .try_get(0)?;
        if n > 0 {
            return Err(FeedbackError::Invalid(format!(
                "目标数据库已有 {n} 条意见，只能迁移到空数据库 (the target already holds entries): {url}"
            )));
        }
        if let Some(secret) = &dump.secret {
            tx.execute(
                "INSERT INTO feedback_meta (key, value) VALUES ('secret', $1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[secret],
            )?;
        }
        let ins = tx.prepare(
            "INSERT INTO feedback_entries (stream, seq, receipt, kind, consultation, channel,
                 received, received_unix, record, prev_hash, hash, dedup_key, exported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )?;
        let ins_private = tx.prepare(
            "INSERT INTO feedback_private (entry_id, text, salt, name, organization, contact)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )?;
        for e in &dump.entries {
            let id: i64 = tx
                .query_one(
                    &ins,
                    &[
                        &e.stream,
                        &i64_of(e.seq)?,
                        &e.receipt,
                        &e.kind,
                        &e.consultation,
                        &e.channel,
                        &e.received,
                        &e.received_unix,
                        &e.record,
                        &e.prev_hash,
                        &e.hash,
                        &e.dedup_key,
                        &e.exported_at,
                    ],
                )?
                .try_get(0)?;
            if let Some(p) = &e.private {
                tx.execute(
                    &ins_private,
                    &[&id, &p.text, &p.salt, &p.name, &p.organization, &p.contact],
                )?;
            }
        }
        tx.execute("DELETE FROM feedback_heads", &[])?;
        for (s, seq, hash) in &dump.heads {
            tx.execute(
                "INSERT INTO feedback_heads (stream, seq, hash) VALUES ($1, $2, $3)",
                &[s, &i64_of(*seq)?, hash],
            )?;
        }
        tx.execute("DELETE FROM feedback_counters", &[])?;
        for (k, n) in &dump.counters {
            tx.execute(
                "INSERT INTO feedback_counters (key, n) VALUES ($1, $2)",
                &[k, &i64_of(*n)?],
            )?;
        }
        for (k, v) in &dump.imports {
            tx.execute(
                "INSERT INTO feedback_meta (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[k, v],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            redact("postgres://gs:secret@db.example:5432/fb"),
            "postgres://gs:***@db.example:5432/fb"
        );
        assert_eq!(redact("postgres://gs@db/fb"), "postgres://gs@db/fb");
        assert_eq!(
            redact("postgresql:///fb?host=/tmp/x&user=gs"),
            "postgresql:///fb?host=/tmp/x&user=gs"
        );
        assert_eq!(redact("not a url"), "not a url");
        assert_eq!(
            redact("postgresql:///fb?host=/s&password=hunter2&user=a"),
            "postgresql:///fb?host=/s&password=***&user=a"
        );
    }
}
