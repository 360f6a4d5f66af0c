//! Requests in the receiver's SQLite database, beside the comments and apart from anything
//! published: `requests` (what was asked, how, when), `request_applicants` (the applicant's
//! name, ID number, contact, address: personal data, read only by `requests export`) and
//! `request_events`, the append-only log of every request's events in one hash chain
//! (stream `requests` in `heads`; triggers refuse UPDATE and DELETE). Writers use
//! `BEGIN IMMEDIATE`; a request is acknowledged only after its commit (synchronous=FULL).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::deadline::{self, Timeline};
use super::model::{ApplicantType, Delivery, Event, EventKind, RequestChannel};
use crate::calendar::Calendar;
use crate::feedback::model::{
    chain_hash, format_received, hmac_sha256, make_receipt, receipt_day, GENESIS_HASH,
};
use crate::feedback::FeedbackError;

/// The receipt prefix of requests (依申请).
pub const RECEIPT_PREFIX: &str = "YS";
/// The chain of request events in `heads`.
pub const STREAM: &str = "requests";

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    applicant_type TEXT NOT NULL,
    description TEXT NOT NULL,
    delivery TEXT,
    submitted TEXT NOT NULL,
    submitted_unix INTEGER NOT NULL,
    dedup_key TEXT
);
CREATE INDEX IF NOT EXISTS requests_dedup ON requests (dedup_key);
CREATE TABLE IF NOT EXISTS request_applicants (
    request_id INTEGER PRIMARY KEY REFERENCES requests (id),
    name TEXT NOT NULL,
    id_number TEXT,
    contact TEXT NOT NULL,
    address TEXT
);
CREATE TABLE IF NOT EXISTS request_events (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests (id),
    seq INTEGER NOT NULL UNIQUE,
    record TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS request_events_request ON request_events (request_id, id);
CREATE TRIGGER IF NOT EXISTS request_events_append_only_u BEFORE UPDATE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
CREATE TRIGGER IF NOT EXISTS request_events_append_only_d BEFORE DELETE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
";

/// The applicant (personal data).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applicant {
    pub name: String,
    /// 身份证件号码 or 统一社会信用代码.
    pub id_number: Option<String>,
    /// Telephone or e-mail.
    pub contact: String,
    /// Postal address (for a reply by post).
    pub address: Option<String>,
}

/// A request to store.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub channel: RequestChannel,
    pub applicant_type: ApplicantType,
    pub applicant: Applicant,
    pub description: String,
    pub delivery: Option<Delivery>,
    /// 收到申请之日 (条例第三十一条).
    pub received: Date,
    /// When it was stored (the receipt's day, and the duplicate window).
    pub submitted: Timestamp,
    /// The online form's per-page token: the same token with the same fields within 24 h
    /// returns the earlier receipt.
    pub token: Option<String>,
}

/// One event as stored: its place in the chain and the request's receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct EventRecord {
    seq: u64,
    receipt: String,
    /// When it was recorded (RFC 3339, site time zone).
    recorded: String,
    #[serde(flatten)]
    event: Event,
}

/// A stored request: what anyone handling it sees; `applicant` only when asked for.
#[derive(Debug, Clone, Serialize)]
pub struct StoredRequest {
    pub receipt: String,
    pub channel: RequestChannel,
    pub applicant_type: ApplicantType,
    pub description: String,
    pub delivery: Option<Delivery>,
    pub submitted: String,
    pub events: Vec<Event>,
    pub applicant: Option<Applicant>,
}

impl StoredRequest {
    pub fn timeline(&self, cal: &Calendar) -> Result<Timeline, deadline::DeadlineError> {
        deadline::timeline(cal, &self.events)
    }
}

/// Creates the request tables (idempotent; run by `feedback::store::open`).
pub(crate) fn ensure_schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)
}

/// What the applicant gets back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestAccepted {
    pub receipt: String,
    pub received: String,
    /// An identical resubmission: the earlier receipt.
    #[serde(skip)]
    pub duplicate: bool,
}

fn dedup_key(secret: &[u8], r: &NewRequest) -> Option<String> {
    let token = r.token.as_deref()?;
    let msg = format!(
        "request\0{token}\0{}\0{}\0{}",
        r.applicant.name, r.applicant.contact, r.description
    );
    Some(hex::encode(hmac_sha256(secret, msg.as_bytes())))
}

/// Stores a request and its first event (收到) inside an open IMMEDIATE transaction.
pub fn insert(
    tx: &Transaction<'_>,
    secret: &[u8],
    tz: &TimeZone,
    r: &NewRequest,
) -> Result<RequestAccepted, FeedbackError> {
    let now = r.submitted.as_second();
    let key = dedup_key(secret, r);
    if let Some(key) = &key {
        let earlier: Option<(String, String)> = tx
            .query_row(
                "SELECT receipt, submitted FROM requests
                 WHERE dedup_key = ?1 AND submitted_unix > ?2 ORDER BY id LIMIT 1",
                params![key, now - crate::feedback::store::DEDUP_WINDOW_SECS],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if let Some((receipt, received)) = earlier {
            return Ok(RequestAccepted {
                receipt,
                received,
                duplicate: true,
            });
        }
    }
    let day = receipt_day(r.submitted, tz);
    let n: u64 = tx.query_row(
        "INSERT INTO counters (key, n) VALUES (?1, 1)
         ON CONFLICT (key) DO UPDATE SET n = n + 1 RETURNING n",
        params![format!("{RECEIPT_PREFIX}{day}")],
        |row| row.get(0),
    )?;
    let receipt = make_receipt(secret, RECEIPT_PREFIX, &day, n);
    let submitted = format_received(r.submitted, tz);
    tx.execute(
        "INSERT INTO requests (receipt, channel, applicant_type, description, delivery,
             submitted, submitted_unix, dedup_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            receipt,
            r.channel.as_str(),
            r.applicant_type.as_str(),
            r.description,
            r.delivery.map(Delivery::as_str),
            submitted,
            now,
            key
        ],
    )?;
    let id = tx.last_insert_rowid();
    let a = &r.applicant;
    tx.execute(
        "INSERT INTO request_applicants (request_id, name, id_number, contact, address)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, a.name, a.id_number, a.contact, a.address],
    )?;
    append(
        tx,
        id,
        &receipt,
        &submitted,
        Event::new(EventKind::Received, r.received),
    )?;
    Ok(RequestAccepted {
        receipt,
        received: submitted,
        duplicate: false,
    })
}

/// Stores a request with the later events of its history (`requests import` of a request
/// already being handled), after [`insert`]'s 收到. The caller has checked the whole log
/// with [`deadline::timeline`]. A row the dedup window takes for a request just stored is
/// refused rather than its events added to the other one.
pub fn insert_with_history(
    tx: &Transaction<'_>,
    secret: &[u8],
    tz: &TimeZone,
    r: &NewRequest,
    later: &[Event],
) -> Result<RequestAccepted, FeedbackError> {
    let a = insert(tx, secret, tz, r)?;
    if later.is_empty() {
        return Ok(a);
    }
    if a.duplicate {
        return Err(FeedbackError::Invalid(format!(
            "与刚录入的申请 {} 相同，其办理记录不能合并：请删去重复的一行",
            a.receipt
        )));
    }
    let id: i64 = tx.query_row(
        "SELECT id FROM requests WHERE receipt = ?1",
        params![a.receipt],
        |row| row.get(0),
    )?;
    for e in later {
        append(tx, id, &a.receipt, &a.received, e.clone())?;
    }
    Ok(a)
}

/// Appends one event to the chain (no rule checked: see [`record_event`]).
fn append(
    tx: &Transaction<'_>,
    request_id: i64,
    receipt: &str,
    recorded: &str,
    event: Event,
) -> Result<(), FeedbackError> {
    let (head_seq, head_hash): (u64, String) = tx
        .query_row(
            "SELECT seq, hash FROM heads WHERE stream = ?1",
            params![STREAM],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .unwrap_or((0, GENESIS_HASH.to_string()));
    let seq = head_seq + 1;
    let record = serde_json::to_string(&EventRecord {
        seq,
        receipt: receipt.to_string(),
        recorded: recorded.to_string(),
        event,
    })
    .map_err(|e| FeedbackError::Server(format!("serialize: {e}")))?;
    let hash = chain_hash(&head_hash, &record);
    tx.execute(
        "INSERT INTO request_events (request_id, seq, record, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![request_id, seq, record, head_hash, hash],
    )?;
    tx.execute(
        "INSERT INTO heads (stream, seq, hash) VALUES (?1, ?2, ?3)
         ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        params![STREAM, seq, hash],
    )?;
    Ok(())
}

/// Stores a request in its own transaction (staff entry of letters, faxes, visits).
pub fn insert_one(
    conn: &mut Connection,
    tz: &TimeZone,
    r: &NewRequest,
) -> Result<RequestAccepted, FeedbackError> {
    let secret = crate::feedback::store::secret(conn)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let a = insert(&tx, &secret, tz, r)?;
    tx.commit()?;
    Ok(a)
}

/// Records an event of the request `receipt` after checking it against its log
/// ([`deadline::timeline`]); returns the new timeline.
pub fn record_event(
    conn: &mut Connection,
    cal: &Calendar,
    tz: &TimeZone,
    receipt: &str,
    event: Event,
    now: Timestamp,
) -> Result<Timeline, FeedbackError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some((id, mut req)) = load_in(&tx, receipt, false)? else {
        return Err(unknown(receipt));
    };
    req.events.push(event.clone());
    let t = deadline::timeline(cal, &req.events)
        .map_err(|e| FeedbackError::Invalid(format!("{receipt}：{e}")))?;
    append(&tx, id, &req.receipt, &format_received(now, tz), event)?;
    tx.commit()?;
    Ok(t)
}

pub(crate) fn unknown(receipt: &str) -> FeedbackError {
    FeedbackError::Invalid(format!(
        "没有回执编号为 {receipt} 的申请，请核对编号（形如 YS20260302-0001-7F3A）"
    ))
}

fn load_in(
    conn: &Connection,
    receipt: &str,
    personal: bool,
) -> Result<Option<(i64, StoredRequest)>, FeedbackError> {
    let row = conn
        .query_row(
            "SELECT r.id, r.receipt, r.channel, r.applicant_type, r.description, r.delivery,
                    r.submitted, a.name, a.id_number, a.contact, a.address
             FROM requests r LEFT JOIN request_applicants a ON a.request_id = r.id
             WHERE r.receipt = ?1",
            params![receipt],
            |row| row_to_request(row, personal),
        )
        .optional()?;
    let Some((id, mut req)) = row else {
        return Ok(None);
    };
    req.events = events_of(conn, id)?;
    Ok(Some((id, req)))
}

fn word<T>(s: String, parse: fn(&str) -> Option<T>, col: usize) -> rusqlite::Result<T> {
    parse(&s).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            col,
            rusqlite::types::Type::Text,
            format!("unknown word {s:?}").into(),
        )
    })
}

fn row_to_request(
    row: &rusqlite::Row<'_>,
    personal: bool,
) -> rusqlite::Result<(i64, StoredRequest)> {
    let delivery: Option<String> = row.get(5)?;
    let applicant = if personal {
        Some(Applicant {
            name: row.get::<_, Option<String>>(7)?.unwrap_or_default(),
            id_number: row.get(8)?,
            contact: row.get::<_, Option<String>>(9)?.unwrap_or_default(),
            address: row.get(10)?,
        })
    } else {
        None
    };
    Ok((
        row.get(0)?,
        StoredRequest {
            receipt: row.get(1)?,
            channel: word(row.get(2)?, RequestChannel::from_word, 2)?,
            applicant_type: word(row.get(3)?, ApplicantType::from_word, 3)?,
            description: row.get(4)?,
            delivery: match delivery {
                Some(d) => Some(word(d, Delivery::from_word, 5)?),
                None => None,
            },
            submitted: row.get(6)?,
            events: Vec::new(),
            applicant,
        },
    ))
}

fn events_of(conn: &Connection, request_id: i64) -> Result<Vec<Event>, FeedbackError> {
    let mut st =
        conn.prepare("SELECT record FROM request_events WHERE request_id = ?1 ORDER BY seq")?;
    let rows = st.query_map(params![request_id], |row| row.get::<_, String>(0))?;
    let mut out = Vec::new();
    for record in rows {
        let record = record?;
        let e: EventRecord = serde_json::from_str(&record)
            .map_err(|e| FeedbackError::Integrity(format!("request event: {e}")))?;
        out.push(e.event);
    }
    Ok(out)
}

/// One request without its applicant (the status page, `due`).
pub fn load(conn: &Connection, receipt: &str) -> Result<Option<StoredRequest>, FeedbackError> {
    Ok(load_in(conn, receipt, false)?.map(|(_, r)| r))
}

/// Every request in receipt order; with the applicant when `personal` (`export`).
pub fn all(conn: &Connection, personal: bool) -> Result<Vec<StoredRequest>, FeedbackError> {
    let mut st = conn.prepare(
        "SELECT r.id, r.receipt, r.channel, r.applicant_type, r.description, r.delivery,
                r.submitted, a.name, a.id_number, a.contact, a.address
         FROM requests r LEFT JOIN request_applicants a ON a.request_id = r.id
         ORDER BY r.id",
    )?;
    let rows = st.query_map([], |row| row_to_request(row, personal))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, mut req) = row?;
        req.events = events_of(conn, id)?;
        out.push(req);
    }
    Ok(out)
}

/// Checks the event chain: contiguous seq from 1, links, hashes, the head.
pub fn verify_events(conn: &Connection) -> Result<Vec<String>, FeedbackError> {
    let mut st =
        conn.prepare("SELECT seq, record, prev_hash, hash FROM request_events ORDER BY seq")?;
    let rows = st.query_map([], |row| {
        Ok((
            row.get::<_, u64>(0)?,
            row.get::<_, String>(1)?,
            row.get::<_, String>(2)?,
            row.get::<_, String>(3)?,
        ))
    })?;
    let mut problems = Vec::new();
    let mut prev = GENESIS_HASH.to_string();
    let mut n = 0u64;
    for row in rows {
        let (seq, record, prev_hash, hash) = row?;
        n += 1;
        if seq != n {
            problems.push(format!(
                "{STREAM} seq {seq}: expected {n} — an event is missing"
            ));
        }
        if prev_hash != prev || chain_hash(&prev_hash, &record) != hash {
            problems.push(format!("{STREAM} seq {seq}: chain broken (altered)"));
        }
        prev = hash;
    }
    let head: Option<(u64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM heads WHERE stream = ?1",
            params![STREAM],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    if n > 0 && head != Some((n, prev.clone())) {
        problems.push(format!("{STREAM}: head differs from the last event"));
    }
    Ok(problems)
}
