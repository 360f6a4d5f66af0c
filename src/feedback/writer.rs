//! The single writer thread: group commit.
//!
//! Handlers send a job and await a oneshot answer. The writer blocks for one job, drains
//! whatever else is queued (up to `MAX_BATCH`), stores them all in one IMMEDIATE
//! transaction, commits (WAL + synchronous=FULL: one fsync for the whole group), and only
//! then answers every job. A failed commit answers every job of the group with an error.

use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError, TrySendError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use jiff::tz::TimeZone;
use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::model::{Accepted, Submission};
use super::store;
use super::FeedbackError;

const MAX_BATCH: usize = 512;
/// Jobs waiting beyond this are refused at once with 503 instead of queueing without bound.
pub const QUEUE_CAPACITY: usize = 4096;

pub type Reply = Result<Accepted, String>;

pub struct Job {
    pub sub: Submission,
    pub reply: oneshot::Sender<Reply>,
}

#[derive(Clone)]
pub struct WriterHandle {
    tx: SyncSender<Job>,
}

pub enum SendError {
    Busy,
    Stopped,
}

impl WriterHandle {
    pub fn submit(&self, sub: Submission) -> Result<oneshot::Receiver<Reply>, SendError> {
        let (reply, rx) = oneshot::channel();
        match self.tx.try_send(Job { sub, reply }) {
            Ok(()) => Ok(rx),
            Err(TrySendError::Full(_)) => Err(SendError::Busy),
            Err(TrySendError::Disconnected(_)) => Err(SendError::Stopped),
        }
    }
}

/// Starts the writer on its own thread. The thread ends when every handle is dropped.
pub fn spawn(
    conn: Connection,
    secret: Vec<u8>,
    tz: TimeZone,
) -> Result<(WriterHandle, JoinHandle<()>), FeedbackError> {
    let (tx, rx) = mpsc::sync_channel(QUEUE_CAPACITY);
    let join = std::thread::Builder::new()
        .name("feedback-writer".into())
        .spawn(move || run(conn, secret, tz, rx))
        .map_err(|e| FeedbackError::Server(format!("spawn writer: {e}")))?;
    Ok((WriterHandle { tx }, join))
}

fn run(mut conn: Connection, secret: Vec<u8>, tz: TimeZone, rx: Receiver<Job>) {
    let mut last_expiry = Instant::now() - Duration::from_secs(3600);
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => batch.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        // The server's clock (fixed by --now in tests and previews) is the one submissions
        // carry; keys expire against it, never against the wall clock.
        let clock = batch.iter().map(|j| j.sub.received).max();
        let results = commit_batch(&mut conn, &secret, &tz, &batch);
        for (job, result) in batch.into_iter().zip(results) {
            let _ = job.reply.send(result);
        }
        if last_expiry.elapsed() > Duration::from_secs(600) {
            last_expiry = Instant::now();
            if let Some(now) = clock {
                let _ = store::expire_dedup_keys(&conn, now.as_second());
            }
        }
    }
}

fn commit_batch(conn: &mut Connection, secret: &[u8], tz: &TimeZone, batch: &[Job]) -> Vec<Reply> {
    match store_batch(conn, secret, tz, batch) {
        Ok(v) => v.into_iter().map(Ok).collect(),
        Err(e) => {
            let msg = e.to_string();
            batch.iter().map(|_| Err(msg.clone())).collect()
        }
    }
}

fn store_batch(
    conn: &mut Connection,
    secret: &[u8],
    tz: &TimeZone,
    batch: &[Job],
) -> Result<Vec<Accepted>, FeedbackError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut out = Vec::with_capacity(batch.len());
    for job in batch {
        out.push(store::insert(&tx, secret, tz, &job.sub)?);
    }
    tx.commit()?;
    // Committed: anchor the new heads outside the database (docs/feedback.md, "Anchors").
    super::anchor::log_committed(conn, &out);
    Ok(out)
}
