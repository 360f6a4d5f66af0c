//! [`FeedbackStore`] on SQLite: the functions of `store` (WAL, synchronous=FULL,
//! `BEGIN IMMEDIATE`) behind the trait, plus the head log beside the file after each commit.

use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{import_note, Dump, FeedbackStore, ImportGroup, ImportOutcome, RawEntry, RawPrivate};
use crate::feedback::dbcheck::{self, Create};
use crate::feedback::model::{format_received, Accepted, Submission};
use crate::feedback::store::{self, ReceiptStatus, Stats, StoredEntry};
use crate::feedback::FeedbackError;

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens through `dbcheck` (missing, foreign, corrupt, unwritable files are refused).
    pub fn open_checked(path: &Path, create: Create) -> Result<SqliteStore, FeedbackError> {
        let opened = dbcheck::open_store(path, create)?;
        Ok(SqliteStore {
            conn: opened.conn,
            path: path.to_path_buf(),
        })
    }

    /// Wraps a connection opened elsewhere (`store::open`).
    pub fn from_conn(conn: Connection) -> SqliteStore {
        let path = conn.path().map(PathBuf::from).unwrap_or_default();
        SqliteStore { conn, path }
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn into_conn(self) -> Connection {
        self.conn
    }
}

fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

impl FeedbackStore for SqliteStore {
    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn secret(&mut self) -> Result<Vec<u8>, FeedbackError> {
        store::secret(&self.conn)
    }

    fn insert_batch(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        subs: &[&Submission],
    ) -> Result<Vec<Accepted>, FeedbackError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut out = Vec::with_capacity(subs.len());
        for sub in subs {
            out.push(store::insert(&tx, secret, tz, sub)?);
        }
        tx.commit()?;
        // Committed: anchor the new heads outside the database (docs/feedback.md, "Anchors").
        crate::feedback::anchor::log_committed(&self.conn, &out);
        Ok(out)
    }

    fn import(
        &mut self,
        secret: &[u8],
        tz: &TimeZone,
        group: &ImportGroup<'_>,
        before_commit: &mut dyn FnMut(&[Accepted]) -> Result<(), FeedbackError>,
    ) -> Result<ImportOutcome, FeedbackError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let earlier: Option<Vec<u8>> = tx
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                params![group.key],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(v) = earlier {
            return Ok(ImportOutcome::AlreadyImported(
                String::from_utf8_lossy(&v).into_owned(),
            ));
        }
        if group.refuse_same {
            let mut same = Vec::new();
            for (i, sub) in group.subs.iter().enumerate() {
                let hit: Option<String> = tx
                    .query_row(
                        "SELECT e.receipt FROM entries e JOIN private p ON p.entry_id = e.id
                         WHERE e.consultation IS ?1 AND e.channel = ?2 AND e.received = ?3
                           AND p.text = ?4 LIMIT 1",
                        params![
                            sub.content.consultation(),
                            sub.channel.as_str(),
                            format_received(sub.received, tz),
                            sub.content.private_text()
                        ],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(receipt) = hit {
                    same.push((i, receipt));
                }
            }
            if !same.is_empty() {
                return Ok(ImportOutcome::Same(same));
            }
        }
        let mut out = Vec::with_capacity(group.subs.len());
        for sub in &group.subs {
            out.push(store::insert(&tx, secret, tz, sub)?);
        }
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)",
            params![group.key, import_note(group.noted_at, &out).as_bytes()],
        )?;
        before_commit(&out)?;
        tx.commit()?;
        crate::feedback::anchor::log_committed(&self.conn, &out);
        Ok(ImportOutcome::Stored(out))
    }

    fn probe_write(&mut self) -> Result<(), FeedbackError> {
        Ok(dbcheck::probe_write(&mut self.conn)?)
    }

    fn lookup(&mut self, receipt: &str) -> Result<Option<ReceiptStatus>, FeedbackError> {
        store::lookup(&self.conn, receipt)
    }

    fn streams(&mut self) -> Result<Vec<String>, FeedbackError> {
        store::streams(&self.conn)
    }

    fn stream_entries(&mut self, stream: &str) -> Result<Vec<StoredEntry>, FeedbackError> {
        store::stream_entries(&self.conn, stream)
    }

    fn head(&mut self, stream: &str) -> Result<Option<(u64, String)>, FeedbackError> {
        store::head(&self.conn, stream)
    }

    fn mark_exported(&mut self, ids: &[i64], at: &str) -> Result<(), FeedbackError> {
        store::mark_exported(&self.conn, ids, at)
    }

    fn expire_dedup_keys(&mut self, now_unix: i64) -> Result<usize, FeedbackError> {
        store::expire_dedup_keys(&self.conn, now_unix)
    }

    fn stats(&mut self) -> Result<Stats, FeedbackError> {
        store::stats_of(&self.conn)
    }

    fn count_entries(&mut self) -> Result<u64, FeedbackError> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM entries", [], |r| r.get(0))?;
        Ok(u64_of(n))
    }

    fn dump(&mut self) -> Result<Dump, FeedbackError> {
        let c = &self.conn;
        let secret: Option<Vec<u8>> = c
            .query_row("SELECT value FROM meta WHERE key = 'secret'", [], |r| {
                r.get(0)
            })
            .optional()?;
        let mut st = c.prepare(
            "SELECT e.id, e.stream, e.seq, e.receipt, e.kind, e.consultation, e.channel,
                    e.received, e.received_unix, e.record, e.prev_hash, e.hash, e.dedup_key,
                    e.exported_at, p.entry_id, p.text, p.salt, p.name, p.organization, p.contact
             FROM entries e LEFT JOIN private p ON p.entry_id = e.id ORDER BY e.id",
        )?;
        let entries = st
            .query_map([], |r| {
                let has_private: Option<i64> = r.get(14)?;
                Ok(RawEntry {
                    id: r.get(0)?,
                    stream: r.get(1)?,
                    seq: r.get(2)?,
                    receipt: r.get(3)?,
                    kind: r.get(4)?,
                    consultation: r.get(5)?,
                    channel: r.get(6)?,
                    received: r.get(7)?,
                    received_unix: r.get(8)?,
                    record: r.get(9)?,
                    prev_hash: r.get(10)?,
                    hash: r.get(11)?,
                    dedup_key: r.get(12)?,
                    exported_at: r.get(13)?,
                    private: match has_private {
                        None => None,
                        Some(_) => Some(RawPrivate {
                            text: r.get(15)?,
                            salt: r.get(16)?,
                            name: r.get(17)?,
                            organization: r.get(18)?,
                            contact: r.get(19)?,
                        }),
                    },
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut st = c.prepare("SELECT stream, seq, hash FROM heads ORDER BY stream")?;
        let heads = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut st = c.prepare("SELECT key, n FROM counters ORDER BY key")?;
        let counters = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut st =
            c.prepare("SELECT key, value FROM meta WHERE key LIKE 'import:%' ORDER BY key")?;
        let imports = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Dump {
            secret,
            entries,
            heads,
            counters,
            imports,
        })
    }

    fn load(&mut self, dump: &Dump) -> Result<(), FeedbackError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n: i64 = tx.query_row("SELECT COUNT(*) FROM entries", [], |r| r.get(0))?;
        if n > 0 {
            return Err(FeedbackError::Invalid(format!(
                "目标数据库已有 {n} 条意见，只能迁移到空数据库 (the target already holds entries): {}",
                self.path.display()
            )));
        }
        if let Some(secret) = &dump.secret {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('secret', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![secret],
            )?;
        }
        for e in &dump.entries {
            tx.execute(
                "INSERT INTO entries (stream, seq, receipt, kind, consultation, channel, received,
                     received_unix, record, prev_hash, hash, dedup_key, exported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
                    e.stream,
                    e.seq,
                    e.receipt,
                    e.kind,
                    e.consultation,
                    e.channel,
                    e.received,
                    e.received_unix,
                    e.record,
                    e.prev_hash,
                    e.hash,
                    e.dedup_key,
                    e.exported_at
                ],
            )?;
            if let Some(p) = &e.private {
                tx.execute(
                    "INSERT INTO private (entry_id, text, salt, name, organization, contact)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        tx.last_insert_rowid(),
                        p.text,
                        p.salt,
                        p.name,
                        p.organization,
                        p.contact
                    ],
                )?;
            }
        }
        tx.execute("DELETE FROM heads", [])?;
        for (s, seq, hash) in &dump.heads {
            tx.execute(
                "INSERT INTO heads (stream, seq, hash) VALUES (?1, ?2, ?3)",
                params![s, seq, hash],
            )?;
        }
        tx.execute("DELETE FROM counters", [])?;
        for (k, n) in &dump.counters {
            tx.execute(
                "INSERT INTO counters (key, n) VALUES (?1, ?2)",
                params![k, n],
            )?;
        }
        for (k, v) in &dump.imports {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![k, v],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}
