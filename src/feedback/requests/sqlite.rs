//! [`RequestStore`] on SQLite: the tables in the receiver's file, beside the comments
//! (`feedback::store::open` creates them), written with `BEGIN IMMEDIATE` and
//! synchronous=FULL.

use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::{
    params, Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};

use super::deadline::Timeline;
use super::model::{Delivery, Event, EventKind};
use super::store::{
    check_events, counter_key, dedup_key, event_record, import_in, parse_event, record_event_in,
    unknown, Applicant, ImportBatch, ImportOutcome, ImportTx, NewRequest, RawEvent, RawRequest,
    RequestAccepted, RequestColumns, RequestDump, RequestStore, StoredRequest, STREAM,
};
use crate::calendar::Calendar;
use crate::feedback::dbcheck::{self, Create};
use crate::feedback::model::{format_received, make_receipt, receipt_day, GENESIS_HASH};
use crate::feedback::FeedbackError;

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

/// Creates the request tables (idempotent; run by `feedback::store::open`).
pub(crate) fn ensure_schema(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)
}

pub struct SqliteRequests {
    conn: Connection,
    path: PathBuf,
}

impl SqliteRequests {
    /// Opens through `dbcheck` (missing, foreign, corrupt, unwritable files are refused).
    pub fn open_checked(path: &Path, create: Create) -> Result<SqliteRequests, FeedbackError> {
        Ok(SqliteRequests {
            conn: dbcheck::open_store(path, create)?.conn,
            path: path.to_path_buf(),
        })
    }

    /// Wraps a connection opened elsewhere (`feedback::store::open`).
    pub fn from_conn(conn: Connection) -> SqliteRequests {
        let path = conn.path().map(PathBuf::from).unwrap_or_default();
        SqliteRequests { conn, path }
    }

    /// Opens read-only: None when the file has no request tables. Reads only (writes fail).
    pub fn open_read_only(db: &Path) -> Result<Option<SqliteRequests>, FeedbackError> {
        if !db.is_file() {
            return Err(FeedbackError::Invalid(format!(
                "意见数据库不存在：{}",
                db.display()
            )));
        }
        let conn = Connection::open_with_flags(
            db,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let _ = conn.busy_timeout(std::time::Duration::from_secs(10));
        let has: Option<String> = conn
            .query_row(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'request_events'",
                [],
                |row| row.get(0),
            )
            .optional()?;
        Ok(has.map(|_| SqliteRequests {
            conn,
            path: db.to_path_buf(),
        }))
    }
}

/// Stores a request and its first event (收到) inside an open IMMEDIATE transaction.
fn insert(
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
        params![counter_key(&day)],
        |row| row.get(0),
    )?;
    let receipt = make_receipt(secret, super::store::RECEIPT_PREFIX, &day, n);
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

/// Appends one event to the chain (no rule checked: see `record_event`).
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
    let (record, hash) = event_record(seq, receipt, recorded, event, &head_hash)?;
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

const SELECT_REQUEST: &str = "SELECT r.id, r.receipt, r.channel, r.applicant_type,
        r.description, r.delivery, r.submitted, a.name, a.id_number, a.contact, a.address
     FROM requests r LEFT JOIN request_applicants a ON a.request_id = r.id";

type Row = (i64, RequestColumns, Option<Applicant>);

fn row_of(row: &rusqlite::Row<'_>, personal: bool) -> rusqlite::Result<Row> {
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
        RequestColumns {
            receipt: row.get(1)?,
            channel: row.get(2)?,
            applicant_type: row.get(3)?,
            description: row.get(4)?,
            delivery: row.get(5)?,
            submitted: row.get(6)?,
        },
        applicant,
    ))
}

fn events_of(conn: &Connection, request_id: i64) -> Result<Vec<Event>, FeedbackError> {
    let mut st =
        conn.prepare("SELECT record FROM request_events WHERE request_id = ?1 ORDER BY seq")?;
    let rows = st.query_map(params![request_id], |row| row.get::<_, String>(0))?;
    let mut out = Vec::new();
    for record in rows {
        out.push(parse_event(&record?)?);
    }
    Ok(out)
}

fn load_in(
    conn: &Connection,
    receipt: &str,
    personal: bool,
) -> Result<Option<(i64, StoredRequest)>, FeedbackError> {
    let row = conn
        .query_row(
            &format!("{SELECT_REQUEST} WHERE r.receipt = ?1"),
            params![receipt],
            |row| row_of(row, personal),
        )
        .optional()?;
    let Some((id, cols, applicant)) = row else {
        return Ok(None);
    };
    let mut req = cols.into_request(applicant)?;
    req.events = events_of(conn, id)?;
    Ok(Some((id, req)))
}

impl RequestStore for SqliteRequests {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn secret(&mut self) -> Result<Vec<u8>, FeedbackError> {
        crate::feedback::store::secret(&self.conn)
    }

    fn insert_batch(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        reqs: &[&NewRequest],
    ) -> Result<Vec<RequestAccepted>, FeedbackError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(reqs.len());
        for r in reqs {
            out.push(insert(&tx, secret, tz, r)?);
        }
        tx.commit()?;
        Ok(out)
    }

    fn import(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        batch: &ImportBatch<'_>,
    ) -> Result<ImportOutcome, FeedbackError> {
        let mut tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let outcome = import_in(&mut tx, secret, tz, batch)?;
        if matches!(outcome, ImportOutcome::Stored(_)) {
            tx.commit()?;
        }
        Ok(outcome)
    }

    fn record_event(
        &mut self,
        cal: &Calendar,
        tz: &TimeZone,
        receipt: &str,
        event: Event,
        now: Timestamp,
    ) -> Result<Timeline, FeedbackError> {
        let mut tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let t = record_event_in(&mut tx, cal, tz, receipt, event, now)?;
        tx.commit()?;
        Ok(t)
    }

    fn load(&mut self, receipt: &str) -> Result<Option<StoredRequest>, FeedbackError> {
        Ok(load_in(&self.conn, receipt, false)?.map(|(_, r)| r))
    }

    fn all(&mut self, personal: bool) -> Result<Vec<StoredRequest>, FeedbackError> {
        let mut st = self
            .conn
            .prepare(&format!("{SELECT_REQUEST} ORDER BY r.id"))?;
        let rows = st
            .query_map([], |row| row_of(row, personal))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, cols, applicant) in rows {
            let mut req = cols.into_request(applicant)?;
            req.events = events_of(&self.conn, id)?;
            out.push(req);
        }
        Ok(out)
    }

    fn verify_events(&mut self) -> Result<Vec<String>, FeedbackError> {
        let mut st = self
            .conn
            .prepare("SELECT seq, record, prev_hash, hash FROM request_events ORDER BY seq")?;
        let rows = st
            .query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let head: Option<(u64, String)> = self
            .conn
            .query_row(
                "SELECT seq, hash FROM heads WHERE stream = ?1",
                params![STREAM],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        Ok(check_events(rows, head))
    }

    fn dump(&mut self) -> Result<RequestDump, FeedbackError> {
        let mut st = self.conn.prepare(
            "SELECT r.receipt, r.channel, r.applicant_type, r.description, r.delivery,
                    r.submitted, r.submitted_unix, r.dedup_key,
                    a.request_id, a.name, a.id_number, a.contact, a.address
             FROM requests r LEFT JOIN request_applicants a ON a.request_id = r.id
             ORDER BY r.id",
        )?;
        let requests = st
            .query_map([], |r| {
                let has: Option<i64> = r.get(8)?;
                Ok(RawRequest {
                    receipt: r.get(0)?,
                    channel: r.get(1)?,
                    applicant_type: r.get(2)?,
                    description: r.get(3)?,
                    delivery: r.get(4)?,
                    submitted: r.get(5)?,
                    submitted_unix: r.get(6)?,
                    dedup_key: r.get(7)?,
                    applicant: match has {
                        None => None,
                        Some(_) => Some(Applicant {
                            name: r.get(9)?,
                            id_number: r.get(10)?,
                            contact: r.get(11)?,
                            address: r.get(12)?,
                        }),
                    },
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut st = self.conn.prepare(
            "SELECT r.receipt, e.seq, e.record, e.prev_hash, e.hash
             FROM request_events e JOIN requests r ON r.id = e.request_id ORDER BY e.seq",
        )?;
        let events = st
            .query_map([], |r| {
                Ok(RawEvent {
                    receipt: r.get(0)?,
                    seq: r.get(1)?,
                    record: r.get(2)?,
                    prev_hash: r.get(3)?,
                    hash: r.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RequestDump { requests, events })
    }

    fn load_dump(&mut self, dump: &RequestDump) -> Result<(), FeedbackError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n: i64 = tx.query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))?;
        if n > 0 {
            return Err(FeedbackError::Invalid(format!(
                "目标数据库已有 {n} 件依申请公开申请，只能迁移到空数据库 (the target already holds requests): {}",
                self.path.display()
            )));
        }
        let mut ids = std::collections::HashMap::new();
        for r in &dump.requests {
            tx.execute(
                "INSERT INTO requests (receipt, channel, applicant_type, description, delivery,
                     submitted, submitted_unix, dedup_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    r.receipt,
                    r.channel,
                    r.applicant_type,
                    r.description,
                    r.delivery,
                    r.submitted,
                    r.submitted_unix,
                    r.dedup_key
                ],
            )?;
            let id = tx.last_insert_rowid();
            if let Some(a) = &r.applicant {
                tx.execute(
                    "INSERT INTO request_applicants (request_id, name, id_number, contact, address)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, a.name, a.id_number, a.contact, a.address],
                )?;
            }
            ids.insert(r.receipt.as_str(), id);
        }
        for e in &dump.events {
            let id = ids
                .get(e.receipt.as_str())
                .ok_or_else(|| unknown(&e.receipt))?;
            tx.execute(
                "INSERT INTO request_events (request_id, seq, record, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, e.seq, e.record, e.prev_hash, e.hash],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

impl ImportTx for Transaction<'_> {
    fn note_of(&mut self, key: &str) -> Result<Option<Vec<u8>>, FeedbackError> {
        Ok(self
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn same_as(&mut self, r: &NewRequest) -> Result<Option<String>, FeedbackError> {
        Ok(self
            .query_row(
                "SELECT r.receipt FROM requests r
                 JOIN request_applicants a ON a.request_id = r.id
                 WHERE r.channel = ?1 AND r.description = ?2 AND a.name = ?3
                   AND a.contact = ?4 ORDER BY r.id LIMIT 1",
                params![
                    r.channel.as_str(),
                    r.description,
                    r.applicant.name,
                    r.applicant.contact
                ],
                |x| x.get(0),
            )
            .optional()?)
    }

    fn insert(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        r: &NewRequest,
    ) -> Result<RequestAccepted, FeedbackError> {
        insert(self, secret, tz, r)
    }

    fn append_to(
        &mut self,
        receipt: &str,
        recorded: &str,
        event: Event,
    ) -> Result<(), FeedbackError> {
        let id: i64 = self.query_row(
            "SELECT id FROM requests WHERE receipt = ?1",
            params![receipt],
            |row| row.get(0),
        )?;
        append(self, id, receipt, recorded, event)
    }

    fn put_note(&mut self, key: &str, note: &str) -> Result<(), FeedbackError> {
        self.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)",
            params![key, note.as_bytes()],
        )?;
        Ok(())
    }

    fn load_row(&mut self, receipt: &str) -> Result<Option<(i64, StoredRequest)>, FeedbackError> {
        load_in(self, receipt, false)
    }

    fn append_row(
        &mut self,
        id: i64,
        receipt: &str,
        recorded: &str,
        event: Event,
    ) -> Result<(), FeedbackError> {
        append(self, id, receipt, recorded, event)
    }
}
