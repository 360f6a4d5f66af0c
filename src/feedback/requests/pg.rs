//! [`RequestStore`] on PostgreSQL, in the database of the comment store (`backend::pg`), with
//! its guarantees: a request is answered only after `COMMIT`; every write takes the advisory
//! lock of the request chain first, so the chain stays linear and the daily receipt counter
//! moves on by one at a time with several receivers; `receipt` is `UNIQUE`; applicants live in
//! `feedback_request_applicants`, apart from the requests. A trigger refuses UPDATE, DELETE
//! and TRUNCATE on the event log.

use std::collections::HashMap;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use postgres::{GenericClient, Row};

use super::deadline::Timeline;
use super::model::{Delivery, Event, EventKind};
use super::store::{
    check_events, counter_key, dedup_key, event_record, import_in, parse_event, record_event_in,
    unknown, Applicant, ImportBatch, ImportOutcome, ImportTx, NewRequest, RawEvent, RawRequest,
    RequestAccepted, RequestColumns, RequestDump, RequestStore, StoredRequest, RECEIPT_PREFIX,
    STREAM,
};
use crate::calendar::Calendar;
use crate::feedback::backend::pg::{i64_of, retrying, u64_of, PgStore, SCHEMA_LOCK};
use crate::feedback::backend::FeedbackStore;
use crate::feedback::dbcheck::Create;
use crate::feedback::model::{format_received, make_receipt, receipt_day, GENESIS_HASH};
use crate::feedback::store::DEDUP_WINDOW_SECS;
use crate::feedback::FeedbackError;

/// The request tables. Safe to run again while other connections write: a connection that
/// waited for the schema lock may still miss, in its catalog cache, the tables another one just
/// created and run this a second time, so the trigger is created only when it is missing
/// (dropping and re-creating it took an ACCESS EXCLUSIVE lock that deadlocked with writers).
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS feedback_requests (
    id BIGSERIAL PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    applicant_type TEXT NOT NULL,
    description TEXT NOT NULL,
    delivery TEXT,
    submitted TEXT NOT NULL,
    submitted_unix BIGINT NOT NULL,
    dedup_key TEXT
);
CREATE INDEX IF NOT EXISTS feedback_requests_dedup ON feedback_requests (dedup_key)
    WHERE dedup_key IS NOT NULL;
CREATE TABLE IF NOT EXISTS feedback_request_applicants (
    request_id BIGINT PRIMARY KEY REFERENCES feedback_requests (id),
    name TEXT NOT NULL,
    id_number TEXT,
    contact TEXT NOT NULL,
    address TEXT
);
CREATE TABLE IF NOT EXISTS feedback_request_events (
    id BIGSERIAL PRIMARY KEY,
    request_id BIGINT NOT NULL REFERENCES feedback_requests (id),
    seq BIGINT NOT NULL UNIQUE CHECK (seq > 0),
    record TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_request_events_request
    ON feedback_request_events (request_id, seq);
CREATE OR REPLACE FUNCTION feedback_request_events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'feedback_request_events is append-only'; END $$;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger
                   WHERE tgname = 'feedback_request_events_append_only'
                     AND tgrelid = 'feedback_request_events'::regclass) THEN
        CREATE TRIGGER feedback_request_events_append_only
            BEFORE UPDATE OR DELETE OR TRUNCATE ON feedback_request_events
            FOR EACH STATEMENT EXECUTE FUNCTION feedback_request_events_append_only();
    END IF;
END $$;
";

/// Every request write takes this lock first (the chain and the `YS` counters).
const CHAIN_LOCK: &str = "stream:requests";

pub struct PgRequests {
    store: PgStore,
}

fn has_tables(c: &mut impl GenericClient) -> Result<bool, FeedbackError> {
    Ok(c.query_one(
        "SELECT to_regclass('feedback_request_events') IS NOT NULL",
        &[],
    )?
    .try_get(0)?)
}

impl PgRequests {
    /// Connects as the comment store does (`create` likewise) and creates the request
    /// tables when they are missing (a database older than requests).
    pub fn connect(url: &str, create: Create) -> Result<PgRequests, FeedbackError> {
        let mut store = PgStore::connect(url, create)?;
        let c = store.client()?;
        if !has_tables(c)? {
            let mut tx = c.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
            if !has_tables(&mut tx)? {
                tx.batch_execute(SCHEMA)?;
            }
            tx.commit()?;
        }
        Ok(PgRequests { store })
    }

    /// Connects to read: None when the database has no request tables. Creates nothing.
    pub fn connect_existing(url: &str) -> Result<Option<PgRequests>, FeedbackError> {
        let mut store = PgStore::connect(url, Create::Never)?;
        if !has_tables(store.client()?)? {
            return Ok(None);
        }
        Ok(Some(PgRequests { store }))
    }

    fn client(&mut self) -> Result<&mut postgres::Client, FeedbackError> {
        self.store.client()
    }
}

fn lock_chain(tx: &mut postgres::Transaction<'_>) -> Result<(), FeedbackError> {
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
        &[&CHAIN_LOCK],
    )?;
    Ok(())
}

/// Stores a request and its first event inside a transaction holding the chain lock.
fn insert(
    tx: &mut postgres::Transaction<'_>,
    secret: &[u8],
    tz: &TimeZone,
    r: &NewRequest,
) -> Result<RequestAccepted, FeedbackError> {
    let now = r.submitted.as_second();
    let key = dedup_key(secret, r);
    if let Some(key) = &key {
        if let Some(row) = tx.query_opt(
            "SELECT receipt, submitted FROM feedback_requests
             WHERE dedup_key = $1 AND submitted_unix > $2 ORDER BY id LIMIT 1",
            &[key, &(now - DEDUP_WINDOW_SECS)],
        )? {
            return Ok(RequestAccepted {
                receipt: row.try_get(0)?,
                received: row.try_get(1)?,
                duplicate: true,
            });
        }
    }
    let day = receipt_day(r.submitted, tz);
    let n: i64 = tx
        .query_one(
            "INSERT INTO feedback_counters (key, n) VALUES ($1, 1)
             ON CONFLICT (key) DO UPDATE SET n = feedback_counters.n + 1 RETURNING n",
            &[&counter_key(&day)],
        )?
        .try_get(0)?;
    let receipt = make_receipt(secret, RECEIPT_PREFIX, &day, u64_of(n)?);
    let submitted = format_received(r.submitted, tz);
    let id: i64 = tx
        .query_one(
            "INSERT INTO feedback_requests (receipt, channel, applicant_type, description,
                 delivery, submitted, submitted_unix, dedup_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            &[
                &receipt,
                &r.channel.as_str(),
                &r.applicant_type.as_str(),
                &r.description,
                &r.delivery.map(Delivery::as_str),
                &submitted,
                &now,
                &key,
            ],
        )?
        .try_get(0)?;
    let a = &r.applicant;
    tx.execute(
        "INSERT INTO feedback_request_applicants (request_id, name, id_number, contact, address)
         VALUES ($1, $2, $3, $4, $5)",
        &[&id, &a.name, &a.id_number, &a.contact, &a.address],
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

fn head(c: &mut impl GenericClient) -> Result<Option<(u64, String)>, FeedbackError> {
    match c.query_opt(
        "SELECT seq, hash FROM feedback_heads WHERE stream = $1",
        &[&STREAM],
    )? {
        Some(r) => Ok(Some((u64_of(r.try_get(0)?)?, r.try_get(1)?))),
        None => Ok(None),
    }
}

/// Appends one event to the chain (no rule checked); the chain lock is held.
fn append(
    tx: &mut postgres::Transaction<'_>,
    request_id: i64,
    receipt: &str,
    recorded: &str,
    event: Event,
) -> Result<(), FeedbackError> {
    let (head_seq, head_hash) = head(tx)?.unwrap_or((0, GENESIS_HASH.to_string()));
    let seq = i64_of(head_seq + 1)?;
    let (record, hash) = event_record(head_seq + 1, receipt, recorded, event, &head_hash)?;
    tx.execute(
        "INSERT INTO feedback_request_events (request_id, seq, record, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5)",
        &[&request_id, &seq, &record, &head_hash, &hash],
    )?;
    tx.execute(
        "INSERT INTO feedback_heads (stream, seq, hash) VALUES ($1, $2, $3)
         ON CONFLICT (stream) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
        &[&STREAM, &seq, &hash],
    )?;
    Ok(())
}

const SELECT_REQUEST: &str = "SELECT r.id, r.receipt, r.channel, r.applicant_type,
        r.description, r.delivery, r.submitted, a.name, a.id_number, a.contact, a.address
     FROM feedback_requests r LEFT JOIN feedback_request_applicants a ON a.request_id = r.id";

fn request_of(row: &Row, personal: bool) -> Result<(i64, StoredRequest), FeedbackError> {
    let applicant = if personal {
        Some(Applicant {
            name: row.try_get::<_, Option<String>>(7)?.unwrap_or_default(),
            id_number: row.try_get(8)?,
            contact: row.try_get::<_, Option<String>>(9)?.unwrap_or_default(),
            address: row.try_get(10)?,
        })
    } else {
        None
    };
    let cols = RequestColumns {
        receipt: row.try_get(1)?,
        channel: row.try_get(2)?,
        applicant_type: row.try_get(3)?,
        description: row.try_get(4)?,
        delivery: row.try_get(5)?,
        submitted: row.try_get(6)?,
    };
    Ok((row.try_get(0)?, cols.into_request(applicant)?))
}

fn load_in(
    c: &mut impl GenericClient,
    receipt: &str,
    personal: bool,
) -> Result<Option<(i64, StoredRequest)>, FeedbackError> {
    let Some(row) = c.query_opt(
        &format!("{SELECT_REQUEST} WHERE r.receipt = $1"),
        &[&receipt],
    )?
    else {
        return Ok(None);
    };
    let (id, mut req) = request_of(&row, personal)?;
    for r in c.query(
        "SELECT record FROM feedback_request_events WHERE request_id = $1 ORDER BY seq",
        &[&id],
    )? {
        req.events.push(parse_event(&r.try_get::<_, String>(0)?)?);
    }
    Ok(Some((id, req)))
}

impl PgRequests {
    fn try_insert_batch(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        reqs: &[&NewRequest],
    ) -> Result<Vec<RequestAccepted>, FeedbackError> {
        let mut tx = self.client()?.transaction()?;
        lock_chain(&mut tx)?;
        let mut out = Vec::with_capacity(reqs.len());
        for r in reqs {
            out.push(insert(&mut tx, secret, tz, r)?);
        }
        tx.commit()?;
        Ok(out)
    }
}

impl RequestStore for PgRequests {
    fn describe(&self) -> String {
        self.store.describe()
    }

    fn secret(&mut self) -> Result<Vec<u8>, FeedbackError> {
        self.store.secret()
    }

    fn insert_batch(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        reqs: &[&NewRequest],
    ) -> Result<Vec<RequestAccepted>, FeedbackError> {
        retrying(|| self.try_insert_batch(secret, tz, reqs))
    }

    fn import(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        batch: &ImportBatch<'_>,
    ) -> Result<ImportOutcome, FeedbackError> {
        let mut tx = self.client()?.transaction()?;
        lock_chain(&mut tx)?;
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
        let mut tx = self.client()?.transaction()?;
        lock_chain(&mut tx)?;
        let t = record_event_in(&mut tx, cal, tz, receipt, event, now)?;
        tx.commit()?;
        Ok(t)
    }

    fn load(&mut self, receipt: &str) -> Result<Option<StoredRequest>, FeedbackError> {
        Ok(load_in(self.client()?, receipt, false)?.map(|(_, r)| r))
    }

    fn all(&mut self, personal: bool) -> Result<Vec<StoredRequest>, FeedbackError> {
        let c = self.client()?;
        // One snapshot for the requests and their events.
        let mut tx = c
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let rows = tx.query(&format!("{SELECT_REQUEST} ORDER BY r.id"), &[])?;
        let mut out = Vec::with_capacity(rows.len());
        let mut index = HashMap::with_capacity(rows.len());
        for row in &rows {
            let (id, req) = request_of(row, personal)?;
            index.insert(id, out.len());
            out.push(req);
        }
        for r in tx.query(
            "SELECT request_id, record FROM feedback_request_events ORDER BY seq",
            &[],
        )? {
            let id: i64 = r.try_get(0)?;
            let event = parse_event(&r.try_get::<_, String>(1)?)?;
            if let Some(&i) = index.get(&id) {
                out[i].events.push(event);
            }
        }
        tx.commit()?;
        Ok(out)
    }

    fn verify_events(&mut self) -> Result<Vec<String>, FeedbackError> {
        let c = self.client()?;
        let mut tx = c
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let mut rows = Vec::new();
        for r in tx.query(
            "SELECT seq, record, prev_hash, hash FROM feedback_request_events ORDER BY seq",
            &[],
        )? {
            rows.push((
                u64_of(r.try_get(0)?)?,
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
            ));
        }
        let head = head(&mut tx)?;
        tx.commit()?;
        Ok(check_events(rows, head))
    }

    fn dump(&mut self) -> Result<RequestDump, FeedbackError> {
        let c = self.client()?;
        let mut requests = Vec::new();
        for r in c.query(
            "SELECT r.receipt, r.channel, r.applicant_type, r.description, r.delivery,
                    r.submitted, r.submitted_unix, r.dedup_key,
                    a.request_id, a.name, a.id_number, a.contact, a.address
             FROM feedback_requests r
             LEFT JOIN feedback_request_applicants a ON a.request_id = r.id
             ORDER BY r.id",
            &[],
        )? {
            let has: Option<i64> = r.try_get(8)?;
            requests.push(RawRequest {
                receipt: r.try_get(0)?,
                channel: r.try_get(1)?,
                applicant_type: r.try_get(2)?,
                description: r.try_get(3)?,
                delivery: r.try_get(4)?,
                submitted: r.try_get(5)?,
                submitted_unix: r.try_get(6)?,
                dedup_key: r.try_get(7)?,
                applicant: match has {
                    None => None,
                    Some(_) => Some(Applicant {
                        name: r.try_get(9)?,
                        id_number: r.try_get(10)?,
                        contact: r.try_get(11)?,
                        address: r.try_get(12)?,
                    }),
                },
            });
        }
        let mut events = Vec::new();
        for r in c.query(
            "SELECT r.receipt, e.seq, e.record, e.prev_hash, e.hash
             FROM feedback_request_events e JOIN feedback_requests r ON r.id = e.request_id
             ORDER BY e.seq",
            &[],
        )? {
            events.push(RawEvent {
                receipt: r.try_get(0)?,
                seq: u64_of(r.try_get(1)?)?,
                record: r.try_get(2)?,
                prev_hash: r.try_get(3)?,
                hash: r.try_get(4)?,
            });
        }
        Ok(RequestDump { requests, events })
    }

    fn load_dump(&mut self, dump: &RequestDump) -> Result<(), FeedbackError> {
        let shown = self.describe();
        let mut tx = self.client()?.transaction()?;
        lock_chain(&mut tx)?;
        let n: i64 = tx
            .query_one("SELECT COUNT(*) FROM feedback_requests", &[])?
            .try_get(0)?;
        if n > 0 {
            return Err(FeedbackError::Invalid(format!(
                "目标数据库已有 {n} 件依申请公开申请，只能迁移到空数据库 (the target already holds requests): {shown}"
            )));
        }
        let mut ids = HashMap::new();
        for r in &dump.requests {
            let id: i64 = tx
                .query_one(
                    "INSERT INTO feedback_requests (receipt, channel, applicant_type,
                         description, delivery, submitted, submitted_unix, dedup_key)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[
                        &r.receipt,
                        &r.channel,
                        &r.applicant_type,
                        &r.description,
                        &r.delivery,
                        &r.submitted,
                        &r.submitted_unix,
                        &r.dedup_key,
                    ],
                )?
                .try_get(0)?;
            if let Some(a) = &r.applicant {
                tx.execute(
                    "INSERT INTO feedback_request_applicants
                         (request_id, name, id_number, contact, address)
                     VALUES ($1, $2, $3, $4, $5)",
                    &[&id, &a.name, &a.id_number, &a.contact, &a.address],
                )?;
            }
            ids.insert(r.receipt.as_str(), id);
        }
        for e in &dump.events {
            let id = ids
                .get(e.receipt.as_str())
                .ok_or_else(|| unknown(&e.receipt))?;
            tx.execute(
                "INSERT INTO feedback_request_events (request_id, seq, record, prev_hash, hash)
                 VALUES ($1, $2, $3, $4, $5)",
                &[id, &i64_of(e.seq)?, &e.record, &e.prev_hash, &e.hash],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

impl ImportTx for postgres::Transaction<'_> {
    fn note_of(&mut self, key: &str) -> Result<Option<Vec<u8>>, FeedbackError> {
        match self.query_opt("SELECT value FROM feedback_meta WHERE key = $1", &[&key])? {
            Some(r) => Ok(Some(r.try_get(0)?)),
            None => Ok(None),
        }
    }

    fn same_as(&mut self, r: &NewRequest) -> Result<Option<String>, FeedbackError> {
        match self.query_opt(
            "SELECT r.receipt FROM feedback_requests r
             JOIN feedback_request_applicants a ON a.request_id = r.id
             WHERE r.channel = $1 AND r.description = $2 AND a.name = $3
               AND a.contact = $4 ORDER BY r.id LIMIT 1",
            &[
                &r.channel.as_str(),
                &r.description,
                &r.applicant.name,
                &r.applicant.contact,
            ],
        )? {
            Some(hit) => Ok(Some(hit.try_get(0)?)),
            None => Ok(None),
        }
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
        let id: i64 = self
            .query_one(
                "SELECT id FROM feedback_requests WHERE receipt = $1",
                &[&receipt],
            )?
            .try_get(0)?;
        append(self, id, receipt, recorded, event)
    }

    fn put_note(&mut self, key: &str, note: &str) -> Result<(), FeedbackError> {
        self.execute(
            "INSERT INTO feedback_meta (key, value) VALUES ($1, $2)",
            &[&key, &note.as_bytes()],
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
