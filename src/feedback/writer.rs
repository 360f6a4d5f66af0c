//! The single writer thread: group commit.
//!
//! Handlers send a job and await a oneshot answer. The writer blocks for one job, drains
//! whatever else is queued (up to `MAX_BATCH`), stores them all in one IMMEDIATE
//! transaction, commits (SQLite: WAL + synchronous=FULL, one fsync for the whole group;
//! PostgreSQL: one COMMIT, see `backend::pg`), and only
//! then answers every job. A failed commit answers every job of the group with an error
//! (and is logged: `event=store_failed`).
//!
//! Health probes (`GET /healthz`) go through the same queue: answered after the group they
//! arrive with is committed, or, with no group, after a write of their own (`dbcheck::
//! probe_write`). So an `ok` means the writer thread is alive and the store takes a write.
//! A failed group keeps probes failing until a group commits again (at most `FAILED_FOR`).

use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use jiff::tz::TimeZone;
use tokio::sync::oneshot;

use super::backend::FeedbackStore;
use super::log::{Level, LogSink};
use super::model::{Accepted, Submission};
use super::FeedbackError;

const MAX_BATCH: usize = 512;
/// How long a failed commit keeps health probes failing when no group has committed since.
const FAILED_FOR: Duration = Duration::from_secs(60);
/// Jobs waiting beyond this are refused at once with 503 instead of queueing without bound.
pub(super) const QUEUE_CAPACITY: usize = 4096;

pub(super) type Reply = Result<Accepted, String>;

pub(super) struct Job {
    pub sub: Submission,
    pub reply: oneshot::Sender<Reply>,
}

/// What the writer thread is asked to do.
enum Work {
    Store(Box<Job>),
    /// Answer Ok once a write has been committed.
    Probe(oneshot::Sender<Result<(), String>>),
}

#[derive(Clone)]
pub(super) struct WriterHandle {
    tx: SyncSender<Work>,
}

pub(super) enum SendError {
    Busy,
    Stopped,
}

impl WriterHandle {
    pub(super) fn submit(&self, sub: Submission) -> Result<oneshot::Receiver<Reply>, SendError> {
        let (reply, rx) = oneshot::channel();
        match self.tx.try_send(Work::Store(Box::new(Job { sub, reply }))) {
            Ok(()) => Ok(rx),
            Err(TrySendError::Full(_)) => Err(SendError::Busy),
            Err(TrySendError::Disconnected(_)) => Err(SendError::Stopped),
        }
    }

    /// A health probe: Ok once the writer has committed a write after this call.
    pub(super) fn probe(&self) -> Result<oneshot::Receiver<Result<(), String>>, SendError> {
        let (reply, rx) = oneshot::channel();
        match self.tx.try_send(Work::Probe(reply)) {
            Ok(()) => Ok(rx),
            Err(TrySendError::Full(_)) => Err(SendError::Busy),
            Err(TrySendError::Disconnected(_)) => Err(SendError::Stopped),
        }
    }
}

/// Starts the writer on its own thread. The thread ends when every handle is dropped.
pub(super) fn spawn(
    conn: Box<dyn FeedbackStore>,
    secret: Vec<u8>,
    tz: TimeZone,
    log: LogSink,
) -> Result<(WriterHandle, JoinHandle<()>), FeedbackError> {
    let (tx, rx) = mpsc::sync_channel(QUEUE_CAPACITY);
    let join = std::thread::Builder::new()
        .name("feedback-writer".into())
        .spawn(move || run(conn, secret, tz, rx, log))
        .map_err(|e| FeedbackError::Server(format!("spawn writer: {e}")))?;
    Ok((WriterHandle { tx }, join))
}

fn run(
    mut conn: Box<dyn FeedbackStore>,
    secret: Vec<u8>,
    tz: TimeZone,
    rx: Receiver<Work>,
    log: LogSink,
) {
    let mut last_expiry = Instant::now() - Duration::from_secs(3600);
    let mut last_failure: Option<(Instant, String)> = None;
    while let Ok(first) = rx.recv() {
        let mut batch = Vec::new();
        let mut probes = Vec::new();
        let mut next = Some(first);
        while let Some(w) = next.take() {
            match w {
                Work::Store(job) => batch.push(*job),
                Work::Probe(p) => probes.push(p),
            }
            if batch.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        // The server's clock (fixed by --now in tests and previews) is the one submissions
        // carry; keys expire against it, never against the wall clock.
        let clock = batch.iter().map(|j| j.sub.received).max();
        let committed = if batch.is_empty() {
            conn.probe_write().map_err(|e| {
                log.throttled(
                    "store_failed",
                    Level::Error,
                    "store_failed",
                    &[("entries", &0), ("error", &e)],
                );
                e.to_string()
            })
        } else {
            let n = batch.len();
            let results = commit_batch(conn.as_mut(), &secret, &tz, &batch);
            let outcome = match results.first() {
                Some(Err(e)) => {
                    log.throttled(
                        "store_failed",
                        Level::Error,
                        "store_failed",
                        &[("entries", &n), ("error", e)],
                    );
                    Err(e.clone())
                }
                _ => Ok(()),
            };
            for (job, result) in batch.into_iter().zip(results) {
                let _ = job.reply.send(result);
            }
            last_failure = outcome.as_ref().err().map(|e| (Instant::now(), e.clone()));
            outcome
        };
        let health = match (&committed, &last_failure) {
            (Ok(()), Some((at, e))) if at.elapsed() < FAILED_FOR => Err(format!(
                "the last commit failed {} s ago: {e}",
                at.elapsed().as_secs()
            )),
            _ => committed,
        };
        for p in probes {
            let _ = p.send(health.clone());
        }
        if last_expiry.elapsed() > Duration::from_secs(600) {
            last_expiry = Instant::now();
            if let Some(now) = clock {
                let _ = conn.expire_dedup_keys(now.as_second());
            }
        }
    }
}

fn commit_batch(
    conn: &mut dyn FeedbackStore,
    secret: &[u8],
    tz: &TimeZone,
    batch: &[Job],
) -> Vec<Reply> {
    let subs: Vec<&Submission> = batch.iter().map(|j| &j.sub).collect();
    // The store answers only after its transaction committed (and, on SQLite, after the new
    // heads went to the head log: docs/feedback.md, "Anchors").
    match conn.insert_batch(secret, tz, &subs) {
        Ok(v) => v.into_iter().map(Ok).collect(),
        Err(e) => {
            let msg = e.to_string();
            batch.iter().map(|_| Err(msg.clone())).collect()
        }
    }
}
