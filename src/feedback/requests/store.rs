//! The request store (依申请公开) as a trait with two implementations, beside the comment
//! store of the same database and apart from anything published: SQLite ([`super::sqlite`],
//! the receiver's file) and PostgreSQL ([`super::pg`], several receivers on one database).
//!
//! Each holds three tables: the requests (what was asked, how, when), their applicants (name,
//! ID number, contact, address: personal data, read only by `requests export`) and the
//! append-only log of every request's events in one hash chain (stream [`STREAM`] in the
//! comment store's heads; triggers refuse UPDATE and DELETE). The guarantees are the comment
//! store's: a request is acknowledged only after its transaction committed; writers are
//! serialised on the request chain (SQLite `BEGIN IMMEDIATE`, PostgreSQL an advisory lock), so
//! the chain stays linear and receipt numbers are unique across receivers.
//!
//! `--db` names the store as for comments: a `postgres://` URL or an SQLite file ([`open`]).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::deadline::{self, Timeline};
use super::model::{ApplicantType, Delivery, Event, RequestChannel};
use super::pg::PgRequests;
use super::sqlite::SqliteRequests;
use crate::calendar::Calendar;
use crate::feedback::backend;
use crate::feedback::dbcheck::Create;
use crate::feedback::model::{chain_hash, format_received, hmac_sha256, GENESIS_HASH};
use crate::feedback::FeedbackError;

/// The receipt prefix of requests (依申请).
pub const RECEIPT_PREFIX: &str = "YS";
/// The chain of request events in `heads`.
pub const STREAM: &str = "requests";

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
pub(super) struct EventRecord {
    pub seq: u64,
    pub receipt: String,
    /// When it was recorded (RFC 3339, site time zone).
    pub recorded: String,
    #[serde(flatten)]
    pub event: Event,
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

/// What the applicant gets back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestAccepted {
    pub receipt: String,
    pub received: String,
    /// An identical resubmission: the earlier receipt.
    #[serde(skip)]
    pub duplicate: bool,
}

/// The duplicate key of an online request (its page token with the same fields).
pub(super) fn dedup_key(secret: &[u8], r: &NewRequest) -> Option<String> {
    let token = r.token.as_deref()?;
    let msg = format!(
        "request\0{token}\0{}\0{}\0{}",
        r.applicant.name, r.applicant.contact, r.description
    );
    Some(hex::encode(hmac_sha256(secret, msg.as_bytes())))
}

/// The receipt counter of requests stored on `day` (`YS20260302`).
pub(super) fn counter_key(day: &str) -> String {
    format!("{RECEIPT_PREFIX}{day}")
}

/// One event's record in the chain, and its hash after `prev_hash`.
pub(super) fn event_record(
    seq: u64,
    receipt: &str,
    recorded: &str,
    event: Event,
    prev_hash: &str,
) -> Result<(String, String), FeedbackError> {
    let record = serde_json::to_string(&EventRecord {
        seq,
        receipt: receipt.to_string(),
        recorded: recorded.to_string(),
        event,
    })
    .map_err(|e| FeedbackError::Server(format!("serialize: {e}")))?;
    let hash = chain_hash(prev_hash, &record);
    Ok((record, hash))
}

/// The event a stored record holds.
pub(super) fn parse_event(record: &str) -> Result<Event, FeedbackError> {
    let e: EventRecord = serde_json::from_str(record)
        .map_err(|e| FeedbackError::Integrity(format!("request event: {e}")))?;
    Ok(e.event)
}

/// A request's columns as both stores read them (the words checked).
pub(super) struct RequestColumns {
    pub receipt: String,
    pub channel: String,
    pub applicant_type: String,
    pub description: String,
    pub delivery: Option<String>,
    pub submitted: String,
}

fn known<T>(s: &str, parse: fn(&str) -> Option<T>, receipt: &str) -> Result<T, FeedbackError> {
    parse(s)
        .ok_or_else(|| FeedbackError::Integrity(format!("request {receipt}: unknown word {s:?}")))
}

impl RequestColumns {
    pub(super) fn into_request(
        self,
        applicant: Option<Applicant>,
    ) -> Result<StoredRequest, FeedbackError> {
        let r = &self.receipt;
        Ok(StoredRequest {
            channel: known(&self.channel, RequestChannel::from_word, r)?,
            applicant_type: known(&self.applicant_type, ApplicantType::from_word, r)?,
            delivery: match &self.delivery {
                Some(d) => Some(known(d, Delivery::from_word, r)?),
                None => None,
            },
            description: self.description,
            submitted: self.submitted,
            events: Vec::new(),
            applicant,
            receipt: self.receipt,
        })
    }
}

/// Checks the event chain given in seq order as (seq, record, prev_hash, hash) against the
/// stored head: contiguous seq from 1, links, hashes.
pub(super) fn check_events(
    rows: impl IntoIterator<Item = (u64, String, String, String)>,
    head: Option<(u64, String)>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut prev = GENESIS_HASH.to_string();
    let mut n = 0u64;
    for (seq, record, prev_hash, hash) in rows {
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
    if n > 0 && head != Some((n, prev.clone())) {
        problems.push(format!("{STREAM}: head differs from the last event"));
    }
    problems
}

pub(crate) fn unknown(receipt: &str) -> FeedbackError {
    FeedbackError::Invalid(format!(
        "没有回执编号为 {receipt} 的申请，请核对编号（形如 YS20260302-0001-7F3A）"
    ))
}

/// The `event` added to `req`'s log, checked against the rules of [`deadline::timeline`].
pub(super) fn check_new_event(
    cal: &Calendar,
    receipt: &str,
    req: &mut StoredRequest,
    event: Event,
) -> Result<Timeline, FeedbackError> {
    req.events.push(event);
    deadline::timeline(cal, &req.events)
        .map_err(|e| FeedbackError::Invalid(format!("{receipt}：{e}")))
}

/// A file of requests entered at once (`requests import`): all rows or none.
pub struct ImportBatch<'a> {
    /// The key recording the file in the store's meta table (the same file is refused a
    /// second time).
    pub key: &'a str,
    pub requests: Vec<&'a NewRequest>,
    /// For each request, the later events of its history (a request already being handled
    /// when it is entered), checked by the caller with [`deadline::timeline`]; stored after
    /// its 收到 with the request's own received time as their recorded time.
    pub history: Vec<&'a [Event]>,
    /// Refuse rows identical to a request already stored (same channel, applicant, contact
    /// and description).
    pub refuse_same: bool,
    /// When the rows were entered, as the note recording the file says.
    pub noted_at: &'a str,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// Every row stored (committed), in order.
    Stored(Vec<RequestAccepted>),
    /// Nothing stored: the file was imported before; the note written then.
    AlreadyImported(String),
    /// Nothing stored: rows (their index in `requests`) identical to stored requests (receipt).
    Same(Vec<(usize, String)>),
    /// Nothing stored: a row with a history (its index) is taken by the duplicate window for
    /// the request just stored (receipt); its events are not merged into the other's log.
    HistoryOnDuplicate(usize, String),
}

/// The statements an import needs inside one open transaction: [`import_in`] runs the
/// import's steps over them, so the two stores differ only in their SQL.
pub(super) trait ImportTx {
    /// The note of an earlier import of the file `key`, if any.
    fn note_of(&mut self, key: &str) -> Result<Option<Vec<u8>>, FeedbackError>;
    /// The receipt of a stored request identical to `r` (channel, applicant, contact and
    /// description), if any.
    fn same_as(&mut self, r: &NewRequest) -> Result<Option<String>, FeedbackError>;
    /// Stores `r` and its 收到 (the store's `insert`).
    fn insert(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        r: &NewRequest,
    ) -> Result<RequestAccepted, FeedbackError>;
    /// Appends `event` to the log of the request `receipt` (no rule checked).
    fn append_to(
        &mut self,
        receipt: &str,
        recorded: &str,
        event: Event,
    ) -> Result<(), FeedbackError>;
    /// Records the file `key` as imported.
    fn put_note(&mut self, key: &str, note: &str) -> Result<(), FeedbackError>;
    /// The request `receipt` as stored (no personal data), with its row id.
    fn load_row(&mut self, receipt: &str) -> Result<Option<(i64, StoredRequest)>, FeedbackError>;
    /// Appends `event` to the log of the request stored at row `id` (no rule checked).
    fn append_row(
        &mut self,
        id: i64,
        receipt: &str,
        recorded: &str,
        event: Event,
    ) -> Result<(), FeedbackError>;
}

/// The steps of [`RequestStore::record_event`] inside the transaction `tx` (the chain lock
/// already held); the caller commits.
pub(super) fn record_event_in(
    tx: &mut impl ImportTx,
    cal: &Calendar,
    tz: &TimeZone,
    receipt: &str,
    event: Event,
    now: Timestamp,
) -> Result<Timeline, FeedbackError> {
    let Some((id, mut req)) = tx.load_row(receipt)? else {
        return Err(unknown(receipt));
    };
    let t = check_new_event(cal, receipt, &mut req, event.clone())?;
    tx.append_row(id, &req.receipt, &format_received(now, tz), event)?;
    Ok(t)
}

/// The steps of [`RequestStore::import`] inside the transaction `tx`; the caller commits
/// only when the outcome is [`ImportOutcome::Stored`] (otherwise nothing was meant to be
/// written and dropping the transaction rolls back).
pub(super) fn import_in(
    tx: &mut impl ImportTx,
    secret: &[u8],
    tz: &TimeZone,
    batch: &ImportBatch<'_>,
) -> Result<ImportOutcome, FeedbackError> {
    if let Some(v) = tx.note_of(batch.key)? {
        return Ok(ImportOutcome::AlreadyImported(
            String::from_utf8_lossy(&v).into_owned(),
        ));
    }
    if batch.refuse_same {
        let mut same = Vec::new();
        for (i, r) in batch.requests.iter().enumerate() {
            if let Some(receipt) = tx.same_as(r)? {
                same.push((i, receipt));
            }
        }
        if !same.is_empty() {
            return Ok(ImportOutcome::Same(same));
        }
    }
    let mut out = Vec::with_capacity(batch.requests.len());
    for (i, r) in batch.requests.iter().enumerate() {
        let a = tx.insert(secret, tz, r)?;
        let later = batch.history.get(i).copied().unwrap_or_default();
        if !later.is_empty() {
            if a.duplicate {
                return Ok(ImportOutcome::HistoryOnDuplicate(i, a.receipt));
            }
            for e in later {
                tx.append_to(&a.receipt, &a.received, e.clone())?;
            }
        }
        out.push(a);
    }
    tx.put_note(batch.key, &import_note(batch.noted_at, &out))?;
    Ok(ImportOutcome::Stored(out))
}

/// The note recording an imported file.
pub(super) fn import_note(noted_at: &str, receipts: &[RequestAccepted]) -> String {
    format!(
        "{noted_at} 导入 {} 件申请，回执 {} 至 {}",
        receipts.len(),
        receipts.first().map_or("", |r| r.receipt.as_str()),
        receipts.last().map_or("", |r| r.receipt.as_str()),
    )
}

/// A request store. One value is one connection, used by one thread at a time.
pub trait RequestStore: Send {
    /// For messages: the file path, or the URL without its password.
    fn describe(&self) -> String;
    /// The receipt secret (shared with the comment store of the same database).
    fn secret(&mut self) -> Result<Vec<u8>, FeedbackError>;
    /// Stores `reqs` and their first event (收到) in one transaction, in order, and returns
    /// only after it committed. An identical online resubmission within the duplicate window
    /// returns the earlier receipt.
    fn insert_batch(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        reqs: &[&NewRequest],
    ) -> Result<Vec<RequestAccepted>, FeedbackError>;
    /// Stores a file of requests in one transaction (see [`ImportBatch`]).
    fn import(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        batch: &ImportBatch<'_>,
    ) -> Result<ImportOutcome, FeedbackError>;
    /// Records an event of the request `receipt` after checking it against its log
    /// ([`deadline::timeline`]); returns the new timeline.
    fn record_event(
        &mut self,
        cal: &Calendar,
        tz: &TimeZone,
        receipt: &str,
        event: Event,
        now: Timestamp,
    ) -> Result<Timeline, FeedbackError>;
    /// One request without its applicant (the status page).
    fn load(&mut self, receipt: &str) -> Result<Option<StoredRequest>, FeedbackError>;
    /// Every request in the order stored; with the applicant when `personal` (`export`).
    fn all(&mut self, personal: bool) -> Result<Vec<StoredRequest>, FeedbackError>;
    /// Checks the event chain: the problems, empty when it verifies.
    fn verify_events(&mut self) -> Result<Vec<String>, FeedbackError>;
    /// Every request row, applicant and event (`migrate`).
    fn dump(&mut self) -> Result<RequestDump, FeedbackError>;
    /// Loads a dump into this store, which must hold no requests yet; one transaction. The
    /// chain's head is the comment store's to copy (`backend::migrate`).
    fn load_dump(&mut self, dump: &RequestDump) -> Result<(), FeedbackError>;

    /// Stores one request in its own transaction (staff entry).
    fn insert_one(
        &mut self,
        tz: &TimeZone,
        r: &NewRequest,
    ) -> Result<RequestAccepted, FeedbackError> {
        let secret = self.secret()?;
        let mut out = self.insert_batch(&secret, tz, &[r])?;
        out.pop()
            .ok_or_else(|| FeedbackError::Server("insert returned nothing".into()))
    }
}

/// A request with every column, public and private, as `migrate` copies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRequest {
    pub receipt: String,
    pub channel: String,
    pub applicant_type: String,
    pub description: String,
    pub delivery: Option<String>,
    pub submitted: String,
    pub submitted_unix: i64,
    pub dedup_key: Option<String>,
    pub applicant: Option<Applicant>,
}

/// One event of the chain, with the receipt of its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEvent {
    pub receipt: String,
    pub seq: u64,
    pub record: String,
    pub prev_hash: String,
    pub hash: String,
}

/// A whole request store: requests in the order stored, events in chain order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestDump {
    pub requests: Vec<RawRequest>,
    pub events: Vec<RawEvent>,
}

/// Opens the request store `db` names (a PostgreSQL URL or an SQLite file, checked as the
/// comment store is); `create` as for [`backend::open`].
pub fn open(db: &str, create: Create) -> Result<Box<dyn RequestStore>, FeedbackError> {
    if backend::is_url(db) {
        Ok(Box::new(PgRequests::connect(db, create)?))
    } else {
        Ok(Box::new(SqliteRequests::open_checked(
            std::path::Path::new(db),
            create,
        )?))
    }
}

/// Opens `db` to read it (`check`, `report annual`): None when it has no request tables (a
/// receiver older than requests). Creates nothing.
pub fn open_existing(db: &str) -> Result<Option<Box<dyn RequestStore>>, FeedbackError> {
    if backend::is_url(db) {
        Ok(PgRequests::connect_existing(db)?.map(|s| Box::new(s) as Box<dyn RequestStore>))
    } else {
        Ok(SqliteRequests::open_read_only(std::path::Path::new(db))?
            .map(|s| Box::new(s) as Box<dyn RequestStore>))
    }
}

/// Copies every request of `from` into `to` (which must hold none) after the comment store
/// was copied (it carries the chain's head and the receipt counters), then verifies entry by
/// entry: the dump read back equals the source's and the chain verifies on `to`. Returns how
/// many requests were copied.
pub fn migrate(
    from: &mut dyn RequestStore,
    to: &mut dyn RequestStore,
) -> Result<usize, FeedbackError> {
    let dump = from.dump()?;
    to.load_dump(&dump)?;
    let back = to.dump()?;
    let mut problems = Vec::new();
    if back.requests.len() != dump.requests.len() || back.events.len() != dump.events.len() {
        problems.push(format!(
            "{} requests and {} events copied, {} and {} read back",
            dump.requests.len(),
            dump.events.len(),
            back.requests.len(),
            back.events.len()
        ));
    }
    for (a, b) in dump.requests.iter().zip(&back.requests) {
        if a != b {
            problems.push(format!("request {}: differs after the copy", a.receipt));
        }
    }
    for (a, b) in dump.events.iter().zip(&back.events) {
        if a != b {
            problems.push(format!("{STREAM} seq {}: differs after the copy", a.seq));
        }
    }
    problems.extend(to.verify_events()?);
    if !problems.is_empty() {
        return Err(FeedbackError::Integrity(format!(
            "依申请公开记录迁移后校验失败 (request migration check failed; drop the target before retrying): {}",
            problems.join("; ")
        )));
    }
    Ok(dump.requests.len())
}
