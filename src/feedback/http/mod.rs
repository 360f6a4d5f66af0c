//! The receiver: hyper 1 (HTTP/1.1) on a small tokio runtime.
//!
//! Bounds: header size (`max_header_size`, hyper answers 431), header read timeout (also
//! for idle keep-alive connections), whole-request timeout (408), body limit (413), at most
//! `max_connections` open connections (further ones wait in the kernel's accept queue) and
//! `max_connections_per_address` from one client (`limits`), a fixed number of runtime
//! threads. Connections are tasks, not threads.
//!
//! Stopping (SIGTERM/SIGINT or `ServerHandle::shutdown`) drains: the listening socket is
//! closed at once, every open connection finishes the request it is on (keep-alive is
//! turned off, idle connections close), the writer answers what it has committed, and after
//! `drain_timeout` whatever is still open is cut. Events go to `ServeOptions::log`.
//!
//! The routes themselves are [`Service`] (`service`, with the posts' checks in `submit`):
//! this file runs them on a listener of their own, `gongshi serve` mounts them in its server.

mod request;
mod service;
mod submit;

pub use service::{Resp, Service};

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch, Semaphore};

use super::directory::Directory;
use super::guard::SiteHosts;
use super::log::{Level, LogSink};
use super::model;
use super::ratelimit::RateLimit;
use super::FeedbackError;

/// Resource limits of the receiver.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Request body limit (bytes): 413 beyond.
    pub max_body: usize,
    /// Request head limit (bytes): 431 beyond.
    pub max_header_bytes: usize,
    /// Whole request head must arrive within this (also the keep-alive idle limit).
    pub header_timeout: Duration,
    /// Whole request (head, body, storing) within this: 408 beyond.
    pub request_timeout: Duration,
    /// Open connections at most; more wait in the accept queue.
    pub max_connections: usize,
    /// Open connections from one client (IPv4 address, IPv6 /64) at most; further ones are
    /// closed at once. Not applied to a trusted proxy's connections (`trust_proxy`). 0 = off.
    pub max_connections_per_address: usize,
    /// On stop, how long requests in flight may take to finish before they are cut.
    pub drain_timeout: Duration,
    /// Runtime worker threads.
    pub worker_threads: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 64 * 1024,
            max_header_bytes: 16 * 1024,
            header_timeout: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
            max_connections_per_address: 64,
            drain_timeout: Duration::from_secs(10),
            worker_threads: 2,
        }
    }
}

/// Options of `gongshi feedback serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub db: PathBuf,
    pub addr: SocketAddr,
    /// Create the database if it does not exist (`--init`). Without it a missing, empty or
    /// foreign `db` is refused (`dbcheck`).
    pub init: bool,
    /// POSTs per client (IPv4 address, IPv6 /64) that no one else can use up (receipt
    /// look-ups get six times as many).
    pub rate_limit: RateLimit,
    /// A pool for clients over their own allowance (offices, carrier-grade NAT), shared by
    /// all; one client takes at most half of it (`ratelimit::Limiter`). OFF = none.
    pub shared_rate_limit: RateLimit,
    /// Fixes the server clock (tests, previews).
    pub now: Option<Timestamp>,
    pub time_zone: TimeZone,
    /// Take the client address from X-Forwarded-For / X-Real-IP when the peer is loopback
    /// (the receiver runs behind a reverse proxy on the same host).
    pub trust_proxy: bool,
    /// The site's own hosts (`base_url`, absolute `feedback_url`): posts from pages of these
    /// (and of the request's own host) are accepted, others refused (`guard`).
    pub site_hosts: SiteHosts,
    pub limits: Limits,
    /// Stop on SIGINT/SIGTERM (true for the CLI; tests stop the handle instead).
    pub handle_signals: bool,
    /// Event lines (start, stop, refusal counts, storage errors); none by default.
    pub log: LogSink,
    /// The site root whose `calendar/` files extend the shipped holiday data (request
    /// deadlines); None = the shipped data alone.
    pub site_root: Option<PathBuf>,
}

impl ServeOptions {
    pub fn new(db: PathBuf, addr: SocketAddr) -> ServeOptions {
        ServeOptions {
            db,
            addr,
            init: false,
            rate_limit: RateLimit::default(),
            shared_rate_limit: RateLimit::per_minute(100),
            now: None,
            time_zone: model::default_time_zone(),
            trust_proxy: false,
            site_hosts: SiteHosts::default(),
            limits: Limits::default(),
            handle_signals: true,
            log: LogSink::none(),
            site_root: None,
        }
    }
}

/// A running receiver.
pub struct ServerHandle {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), FeedbackError>>>,
}

impl ServerHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Blocks until the server stops (SIGINT/SIGTERM when `handle_signals`).
    pub fn wait(mut self) -> Result<(), FeedbackError> {
        self.join()
    }

    /// Stops accepting, lets requests in flight finish (≤ `Limits::drain_timeout`), flushes
    /// the writer.
    pub fn shutdown(mut self) -> Result<(), FeedbackError> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.join()
    }

    fn join(&mut self) -> Result<(), FeedbackError> {
        match self.thread.take() {
            Some(t) => t
                .join()
                .map_err(|_| FeedbackError::Server("server thread panicked".into()))?,
            None => Ok(()),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = self.join();
    }
}

/// Runs the receiver until SIGINT/SIGTERM.
pub fn serve(opts: ServeOptions, dir: Arc<dyn Directory>) -> Result<(), FeedbackError> {
    start(opts, dir)?.wait()
}

/// Opens the database, binds the address and starts serving on background threads.
/// Returns once the socket is bound (so `local_addr` is known, also for port 0).
/// Refuses a missing (without `init`), corrupt or unwritable database (`dbcheck`).
pub fn start(opts: ServeOptions, dir: Arc<dyn Directory>) -> Result<ServerHandle, FeedbackError> {
    let log = opts.log.clone();
    let db = super::backend::pg::redact(&opts.db.display().to_string());
    start_inner(opts, dir).inspect_err(|e| {
        let reason = match e {
            FeedbackError::Invalid(_) => "db_missing_or_foreign",
            FeedbackError::Integrity(_) => "db_corrupt",
            FeedbackError::Unusable(_) => "db_not_writable",
            FeedbackError::Server(_) => "listen",
            _ => "error",
        };
        let first = e.to_string();
        let first = first.lines().next().unwrap_or_default().to_string();
        log.event(
            Level::Error,
            "start_failed",
            &[("reason", &reason), ("db", &db), ("error", &first)],
        );
    })
}

fn start_inner(opts: ServeOptions, dir: Arc<dyn Directory>) -> Result<ServerHandle, FeedbackError> {
    let opened = service::open_db(&opts)?;
    let entries = opened.entries;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(opts.limits.worker_threads.max(1))
        .max_blocking_threads(4)
        .thread_name("feedback-http")
        .enable_all()
        .build()
        .map_err(|e| FeedbackError::Server(format!("runtime: {e}")))?;
    let std_listener = std::net::TcpListener::bind(opts.addr)
        .map_err(|e| FeedbackError::Server(format!("cannot listen on {}: {e}", opts.addr)))?;
    std_listener
        .set_nonblocking(true)
        .map_err(|e| FeedbackError::Server(format!("listen: {e}")))?;
    let addr = std_listener
        .local_addr()
        .map_err(|e| FeedbackError::Server(format!("listen: {e}")))?;
    log_start(&opts, addr, entries);
    let (service, writer_thread) = Service::from_opened(opened, opts, dir)?;
    let log = service.state.opts.log.clone();
    let signals = if service.state.opts.handle_signals {
        let _rt = runtime.enter();
        Some(Signals::install()?)
    } else {
        None
    };
    let (stop_tx, stop_rx) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("feedback-server".into())
        .spawn(move || {
            let started = Instant::now();
            let result = runtime.block_on(async move {
                let listener = TcpListener::from_std(std_listener)
                    .map_err(|e| FeedbackError::Server(format!("listen: {e}")))?;
                Ok::<Stopped, FeedbackError>(accept_loop(listener, service, signals, stop_rx).await)
            });
            // Whatever the drain left open is cut here.
            runtime.shutdown_timeout(Duration::from_secs(1));
            // Every WriterHandle is gone with the runtime's tasks: the writer finishes its
            // queue and ends.
            let _ = writer_thread.join();
            if let Ok(st) = &result {
                log.event(
                    if st.cut == 0 {
                        Level::Info
                    } else {
                        Level::Warn
                    },
                    "stop",
                    &[
                        ("reason", &st.reason),
                        ("drained", &st.open_at_stop.saturating_sub(st.cut)),
                        ("cut", &st.cut),
                        ("drain_s", &format!("{:.2}", st.drain.as_secs_f64())),
                        ("uptime_s", &started.elapsed().as_secs()),
                    ],
                );
            }
            result.map(|_| ())
        })
        .map_err(|e| FeedbackError::Server(format!("spawn: {e}")))?;
    Ok(ServerHandle {
        addr,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

/// The start line: where, which database, and the limits in force.
fn log_start(opts: &ServeOptions, addr: SocketAddr, entries: i64) {
    let l = &opts.limits;
    opts.log.event(
        Level::Info,
        "start",
        &[
            ("addr", &addr),
            (
                "db",
                &super::backend::pg::redact(&opts.db.display().to_string()),
            ),
            ("entries", &entries),
            ("rate_limit", &opts.rate_limit),
            ("shared_rate_limit", &service::shared_limit(opts)),
            ("trust_proxy", &opts.trust_proxy),
            ("max_connections", &l.max_connections),
            (
                "max_connections_per_address",
                &l.max_connections_per_address,
            ),
            ("header_timeout_s", &l.header_timeout.as_secs_f32()),
            ("drain_timeout_s", &l.drain_timeout.as_secs_f32()),
            ("version", &env!("CARGO_PKG_VERSION")),
        ],
    );
}

/// SIGTERM and SIGINT handlers, installed before `start` returns (a signal that arrives
/// right after the "listening" line must drain, not kill).
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    /// Must run inside the runtime's context.
    fn install() -> Result<Signals, FeedbackError> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let err = |e: std::io::Error| FeedbackError::Server(format!("signal handler: {e}"));
            Ok(Signals {
                term: signal(SignalKind::terminate()).map_err(err)?,
                int: signal(SignalKind::interrupt()).map_err(err)?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }
}

/// Waits for the stop request; says which one it was.
async fn shutdown_signal(signals: Option<Signals>, stop: oneshot::Receiver<()>) -> &'static str {
    let Some(signals) = signals else {
        let _ = stop.await;
        return "stop";
    };
    #[cfg(unix)]
    {
        let Signals { mut term, mut int } = signals;
        tokio::select! {
            _ = stop => "stop",
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = signals;
        tokio::select! {
            _ = stop => "stop",
            _ = tokio::signal::ctrl_c() => "SIGINT",
        }
    }
}

/// How a stop went.
struct Stopped {
    reason: &'static str,
    /// Connections open when the stop began.
    open_at_stop: usize,
    /// Connections still open when the drain time ran out (cut).
    cut: usize,
    drain: Duration,
}

/// Refusals of connections (no request to answer): counted like refusals of requests.
const TOO_MANY_CONNECTIONS: &str = "too_many_connections";

async fn accept_loop(
    listener: TcpListener,
    service: Service,
    signals: Option<Signals>,
    stop: oneshot::Receiver<()>,
) -> Stopped {
    let state = service.state.clone();
    let limits = state.opts.limits.clone();
    let max = limits.max_connections.clamp(1, u32::MAX as usize);
    let permits = Arc::new(Semaphore::new(max));
    let (stopping_tx, stopping_rx) = watch::channel(false);
    let shutdown = shutdown_signal(signals, stop);
    tokio::pin!(shutdown);
    let mut prune = tokio::time::interval(Duration::from_secs(60));
    prune.tick().await;
    let mut last_summary = Instant::now();
    let reason = loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break "error",
            },
            r = &mut shutdown => break r,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    state.opts.log.throttled(
                        "accept_failed",
                        Level::Error,
                        "accept_failed",
                        &[("error", &e)],
                    );
                    // EMFILE and friends: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = prune.tick() => {
                service.housekeeping(last_summary.elapsed());
                last_summary = Instant::now();
                continue;
            }
            r = &mut shutdown => break r,
        };
        // A trusted proxy speaks for many clients: its connections are not capped here.
        let proxied = state.opts.trust_proxy && peer.ip().is_loopback();
        let slot = if proxied {
            None
        } else {
            match state.conns.try_open(peer.ip()) {
                Some(slot) => Some(slot),
                None => {
                    state.tally.refused(TOO_MANY_CONNECTIONS);
                    drop(stream);
                    continue;
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let svc = service.clone();
        let limits = limits.clone();
        let mut stopping = stopping_rx.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| {
                let svc = svc.clone();
                async move { Ok::<_, Infallible>(svc.handle(peer, req).await) }
            });
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_header_size(limits.max_header_bytes)
                .max_buf_size(limits.max_header_bytes.max(8192) + 8192)
                .max_headers(100)
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), svc);
            tokio::pin!(conn);
            let stop_now = tokio::select! {
                _ = conn.as_mut() => false,
                r = stopping.wait_for(|s| *s) => r.is_ok(),
            };
            if stop_now {
                // Finish the request in flight (if any), then close.
                conn.as_mut().graceful_shutdown();
                let _ = conn.as_mut().await;
            }
            drop(slot);
            drop(permit);
        });
    };
    // Stop accepting: close the listening socket, so new connections are refused at once.
    drop(listener);
    let began = Instant::now();
    let open_at_stop = max - permits.available_permits();
    state.log(
        Level::Info,
        "stopping",
        &[("reason", &reason), ("open_connections", &open_at_stop)],
    );
    let _ = stopping_tx.send(true);
    let drained = tokio::time::timeout(limits.drain_timeout, permits.acquire_many(max as u32))
        .await
        .is_ok_and(|r| r.is_ok());
    let cut = if drained {
        0
    } else {
        max - permits.available_permits()
    };
    state
        .tally
        .flush(&state.opts.log, last_summary.elapsed().as_secs());
    Stopped {
        reason,
        open_at_stop,
        cut,
        drain: began.elapsed(),
    }
}
