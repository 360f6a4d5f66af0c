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

use std::convert::Infallible;
use std::fmt::Display;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use rusqlite::Connection;
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch, Semaphore};

use super::dbcheck::{self, Create};
use super::directory::Directory;
use super::forms::{self, FormError};
use super::guard::{self, OriginError, SiteHosts};
use super::html;
use super::limits::ConnLimiter;
use super::log::{Level, LogSink, Tally};
use super::model::{self, Channel, Kind, Submission};
use super::ratelimit::{Limiter, RateLimit};
use super::store;
use super::writer::{self, SendError, WriterHandle};
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
        }
    }
}

struct State {
    dir: Arc<dyn Directory>,
    writer: WriterHandle,
    reader: Arc<Mutex<Connection>>,
    secret: Vec<u8>,
    posts: Limiter,
    lookups: Limiter,
    opts: ServeOptions,
    conns: Arc<ConnLimiter>,
    tally: Tally,
    health: Mutex<Health>,
}

/// The last `/healthz` probe: cached for a second, logged when it changes.
#[derive(Default)]
struct Health {
    checked: Option<(Instant, Result<(), String>)>,
    failing: bool,
}

impl State {
    fn now(&self) -> Timestamp {
        self.opts.now.unwrap_or_else(Timestamp::now)
    }
    fn log(&self, level: Level, event: &str, fields: &[(&str, &dyn Display)]) {
        self.opts.log.event(level, event, fields);
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
    let db = opts.db.display().to_string();
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
    let create = if opts.init {
        Create::IfMissing
    } else {
        Create::Never
    };
    let opened = dbcheck::open_store(&opts.db, create)?;
    let conn = opened.conn;
    if opened.created {
        opts.log
            .event(Level::Warn, "db_created", &[("db", &opts.db.display())]);
    }
    let secret = store::secret(&conn)?;
    let entries: i64 = conn
        .query_row("SELECT COUNT(*) FROM entries", [], |r| r.get(0))
        .unwrap_or(0);
    let reader = store::open(&opts.db)?;
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
    let (writer, writer_thread) = writer::spawn(
        conn,
        secret.clone(),
        opts.time_zone.clone(),
        opts.log.clone(),
    )?;
    let lookups = if opts.rate_limit.is_off() {
        RateLimit::OFF
    } else {
        RateLimit {
            max: opts.rate_limit.max.saturating_mul(6),
            per: opts.rate_limit.per,
        }
    };
    let shared = if opts.rate_limit.is_off() {
        RateLimit::OFF
    } else {
        opts.shared_rate_limit
    };
    let l = &opts.limits;
    opts.log.event(
        Level::Info,
        "start",
        &[
            ("addr", &addr),
            ("db", &opts.db.display()),
            ("entries", &entries),
            ("rate_limit", &opts.rate_limit),
            ("shared_rate_limit", &shared),
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
    let state = Arc::new(State {
        dir,
        writer,
        reader: Arc::new(Mutex::new(reader)),
        secret,
        posts: Limiter::with_shared(opts.rate_limit, shared),
        lookups: Limiter::new(lookups),
        conns: ConnLimiter::new(opts.limits.max_connections_per_address),
        tally: Tally::default(),
        health: Mutex::new(Health::default()),
        opts,
    });
    let log = state.opts.log.clone();
    let signals = if state.opts.handle_signals {
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
                Ok::<Stopped, FeedbackError>(accept_loop(listener, state, signals, stop_rx).await)
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
    state: Arc<State>,
    signals: Option<Signals>,
    stop: oneshot::Receiver<()>,
) -> Stopped {
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
                state.posts.prune();
                state.lookups.prune();
                state.tally.flush(&state.opts.log, last_summary.elapsed().as_secs());
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
        let st = state.clone();
        let limits = limits.clone();
        let mut stopping = stopping_rx.clone();
        tokio::spawn(async move {
            let svc = service_fn(move |req| handle(st.clone(), peer, req));
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

type Resp = Response<Full<Bytes>>;

async fn handle(
    state: Arc<State>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Result<Resp, Infallible> {
    let json = wants_json(req.headers());
    let site = state.dir.site_title();
    let timeout = state.opts.limits.request_timeout;
    let mut resp = if !guard::host_header_ok(req.version(), req.headers()) {
        // HTTP/1.1 without Host, or two of them (RFC 9112 §3.2): 400.
        refuse(
            &site,
            json,
            StatusCode::BAD_REQUEST,
            "bad_host",
            "请求有误",
            "请求缺少或重复了 Host 头。",
            None,
        )
    } else {
        match tokio::time::timeout(timeout, route(&state, peer, req, json)).await {
            Ok(r) => r,
            Err(_) => refuse(
                &site,
                json,
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                "请求超时",
                "提交用时过长，连接已断开。请检查网络后重新提交。",
                None,
            ),
        }
    };
    if let Some(Refusal(kind)) = resp.extensions().get::<Refusal>() {
        state.tally.refused(kind);
        if kind == "store_failed" {
            // The next /healthz probes again instead of answering from its cache.
            if let Ok(mut h) = state.health.lock() {
                h.checked = None;
            }
        }
    }
    security_headers(resp.headers_mut());
    Ok(resp)
}

/// The kind of a refusal (its `error` code), carried to `handle` for the counts.
#[derive(Clone)]
struct Refusal(String);

fn security_headers(h: &mut HeaderMap) {
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

fn wants_json(h: &HeaderMap) -> bool {
    h.get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

fn response(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Resp {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// A refusal: zh-CN HTML page (or JSON `{error, message}`), never stored.
fn refuse(
    site: &str,
    json: bool,
    status: StatusCode,
    code: &str,
    heading: &str,
    message: &str,
    echo: Option<(&str, &str)>,
) -> Resp {
    let mut r = if json {
        let body = serde_json::json!({ "error": code, "message": message }).to_string();
        response(status, "application/json; charset=utf-8", body)
    } else {
        let body = html::error_page(site, heading, message, echo);
        response(status, "text/html; charset=utf-8", body)
    };
    r.extensions_mut().insert(Refusal(code.to_string()));
    r
}

fn client_ip(state: &State, peer: SocketAddr, h: &HeaderMap) -> IpAddr {
    if state.opts.trust_proxy && peer.ip().is_loopback() {
        let fwd = h
            .get("x-real-ip")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| {
                h.get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.rsplit(',').next().map(str::to_string))
            });
        if let Some(ip) = fwd.and_then(|s| s.trim().parse().ok()) {
            return ip;
        }
    }
    peer.ip()
}

fn path_is_suspicious(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    path.contains("..") || lower.contains("%2e") || lower.contains("%2f") || path.contains('\\')
}

async fn route(state: &State, peer: SocketAddr, req: Request<Incoming>, json: bool) -> Resp {
    let site = state.dir.site_title();
    let path = req.uri().path().to_string();
    let not_found = || {
        refuse(
            &site,
            json,
            StatusCode::NOT_FOUND,
            "not_found",
            "页面不存在",
            "您访问的地址不存在。",
            None,
        )
    };
    if path_is_suspicious(&path) {
        return not_found();
    }
    let method = req.method().clone();
    let kind = match path.as_str() {
        "/feedback/comment" => Some(Kind::Comment),
        "/feedback/correction" => Some(Kind::Correction),
        "/feedback/message" => Some(Kind::Message),
        _ => None,
    };
    if let Some(kind) = kind {
        if method != Method::POST {
            return method_not_allowed(&site, json, "POST");
        }
        return submit(state, peer, req, kind, json).await;
    }
    if path == "/healthz" {
        if method != Method::GET && method != Method::HEAD {
            return method_not_allowed(&site, json, "GET");
        }
        return health(state).await;
    }
    if path == "/feedback/style.css" {
        let mut r = response(StatusCode::OK, "text/css; charset=utf-8", html::STYLE);
        r.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        );
        return r;
    }
    if let Some(no) = path.strip_prefix("/receipt/") {
        if method != Method::GET && method != Method::HEAD {
            return method_not_allowed(&site, json, "GET");
        }
        let new = req
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|p| p == "new=1"));
        let ip = client_ip(state, peer, req.headers());
        return receipt(state, ip, no, new, json).await;
    }
    not_found()
}

fn method_not_allowed(site: &str, json: bool, allow: &'static str) -> Resp {
    let mut r = refuse(
        site,
        json,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "请求方式不正确",
        "请通过网站上的表单或链接访问。",
        None,
    );
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

fn too_many(site: &str, json: bool, retry_after: u64) -> Resp {
    let mut r = refuse(
        site,
        json,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "提交过于频繁",
        &format!("您提交得太频繁了，请 {retry_after} 秒后再试。"),
        None,
    );
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    r
}

async fn submit(
    state: &State,
    peer: SocketAddr,
    req: Request<Incoming>,
    kind: Kind,
    json: bool,
) -> Resp {
    let site = state.dir.site_title();
    let ip = client_ip(state, peer, req.headers());
    if let Some(r) = check_post_origin(state, req.headers(), json) {
        return r;
    }
    let host = guard::request_host(req.headers());
    if let Err(retry) = state.posts.check(ip) {
        return too_many(&site, json, retry);
    }
    let bad = |status: StatusCode, code: &str, heading: &str, msg: &str| {
        refuse(&site, json, status, code, heading, msg, None)
    };
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if forms::check_content_type(ct).is_err() {
        return bad(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "提交格式不受支持",
            &FormError::UnsupportedType.message_zh(),
        );
    }
    let too_large = || {
        bad(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "提交内容过长",
            "提交的内容超过了允许的大小（64 KB），请删减后再提交。",
        )
    };
    let max = state.opts.limits.max_body;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return too_large();
    }
    let body = match Limited::new(req.into_body(), max).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                return too_large();
            }
            return bad(
                StatusCode::BAD_REQUEST,
                "bad_body",
                "提交不完整",
                "提交的内容不完整，请重新提交。",
            );
        }
    };
    let fields = match forms::Fields::parse(&body) {
        Ok(f) => f,
        Err(e) => {
            return bad(
                StatusCode::BAD_REQUEST,
                "bad_encoding",
                "提交内容有误",
                &e.message_zh(),
            )
        }
    };
    let parsed = match kind {
        Kind::Comment => forms::comment(&fields),
        Kind::Correction => forms::correction(&fields),
        Kind::Message => forms::message(&fields),
    };
    let echo_field = match kind {
        Kind::Comment => "opinion",
        Kind::Correction => "description",
        Kind::Message => "message",
    };
    let (content, personal) = match parsed {
        Ok(x) => x,
        Err(e) => {
            let code = if e == FormError::Honeypot {
                "spam"
            } else {
                "invalid_form"
            };
            let echo = fields
                .raw(echo_field)
                .filter(|_| e != FormError::Honeypot)
                .map(|t| (forms::label(echo_field), t));
            return refuse(
                &site,
                json,
                StatusCode::BAD_REQUEST,
                code,
                "提交内容有误",
                &e.message_zh(),
                echo,
            );
        }
    };
    let now = state.now();
    if let model::Content::Comment {
        consultation,
        opinion,
        ..
    } = &content
    {
        let echo = Some((forms::label("opinion"), opinion.as_str()));
        let window = if forms::valid_id(consultation) {
            state.dir.consultation(consultation)
        } else {
            None
        };
        let Some(w) = window else {
            return refuse(
                &site,
                json,
                StatusCode::NOT_FOUND,
                "unknown_consultation",
                "征集事项不存在",
                "没有找到该意见征集事项，请从网站的征集页面进入后提交。",
                echo,
            );
        };
        if !w.is_open_at(now) {
            let why = if w.withdrawn {
                format!("“{}”已撤回，不再征集意见。", w.title)
            } else if now < w.opens {
                format!(
                    "“{}”尚未开始征集意见，开始时间：{}。",
                    w.title,
                    model::format_received(w.opens, &state.opts.time_zone)
                )
            } else {
                format!(
                    "“{}”的意见征集已于 {} 截止，不再接收网上意见。",
                    w.title,
                    model::format_received(w.closes, &state.opts.time_zone)
                )
            };
            return refuse(
                &site,
                json,
                StatusCode::FORBIDDEN,
                "consultation_closed",
                "不在征集期内",
                &why,
                echo,
            );
        }
    }
    if let Some(r) = check_correction_page(state, &content, host.as_deref(), json) {
        return r;
    }
    let sub = Submission {
        content,
        personal,
        channel: Channel::Web,
        received: now,
        client: Some(ip),
        token: fields.token(),
    };
    let busy = |msg: &str| {
        let mut r = bad(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "暂时无法受理",
            msg,
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        r
    };
    let rx = match state.writer.submit(sub) {
        Ok(rx) => rx,
        Err(SendError::Busy) => return busy("提交人数较多，请稍候几秒后重新提交。"),
        Err(SendError::Stopped) => {
            state.log(Level::Error, "writer_stopped", &[]);
            return busy("服务正在重启，请稍后重新提交。");
        }
    };
    let accepted = match rx.await {
        Ok(Ok(a)) => a,
        _ => {
            return refuse(
                &site,
                json,
                StatusCode::INTERNAL_SERVER_ERROR,
                "store_failed",
                "保存失败",
                "服务器未能保存您的内容（未保存任何数据），请稍后重新提交。",
                None,
            )
        }
    };
    state.tally.accepted(accepted.duplicate);
    if json {
        let body = serde_json::json!({
            "receipt": accepted.receipt,
            "hash": accepted.hash,
            "received": accepted.received,
            "duplicate": accepted.duplicate,
            "seq": accepted.seq,
        })
        .to_string();
        return response(StatusCode::OK, "application/json; charset=utf-8", body);
    }
    let mut r = response(
        StatusCode::SEE_OTHER,
        "text/html; charset=utf-8",
        format!(
            "<!DOCTYPE html><a href=\"/receipt/{0}?new=1\">/receipt/{0}</a>\n",
            html::esc(&accepted.receipt)
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("/receipt/{}?new=1", accepted.receipt)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Refuses a post made by another site's page (`guard::check_origin`).
fn check_post_origin(state: &State, headers: &HeaderMap, json: bool) -> Option<Resp> {
    let Err(e) = guard::check_origin(headers, &state.opts.site_hosts) else {
        return None;
    };
    let (code, msg) = match e {
        OriginError::Opaque => (
            "opaque_origin",
            "提交未被受理：浏览器没有说明表单来自哪个网页（可能来自本地保存的网页或嵌入的框架）。请打开本网站的页面，在页面上的表单中重新填写提交。",
        ),
        OriginError::CrossSite => (
            "cross_site",
            "提交未被受理：表单不是从本网站的页面提交的。请打开本网站的页面，在页面上的表单中填写提交。",
        ),
    };
    Some(refuse(
        &state.dir.site_title(),
        json,
        StatusCode::FORBIDDEN,
        code,
        "请从本网站提交",
        msg,
        None,
    ))
}

/// A correction report must name a page of this site (`guard::page_of_site`).
fn check_correction_page(
    state: &State,
    content: &model::Content,
    request_host: Option<&str>,
    json: bool,
) -> Option<Resp> {
    let model::Content::Correction { page, description } = content else {
        return None;
    };
    if guard::page_of_site(page, request_host, &state.opts.site_hosts) {
        return None;
    }
    Some(refuse(
        &state.dir.site_title(),
        json,
        StatusCode::BAD_REQUEST,
        "not_site_page",
        "页面地址有误",
        "“出错页面的网址”应是本网站某一页的网址。请从出错的页面点击“我要纠错”进入（会自动填写），或把该页浏览器地址栏中的网址复制到这里；也可以留空，在错误内容中说明是哪一页。",
        Some((forms::label("description"), description.as_str())),
    ))
}

/// `GET /healthz`: `ok` when the writer thread is alive and the store takes a committed
/// write (probed through the writer's queue, at most once a second); else 503 with the
/// reason. Changes are logged (`event=unhealthy` / `event=healthy`).
async fn health(state: &State) -> Resp {
    let cached = state.health.lock().ok().and_then(|h| {
        h.checked
            .as_ref()
            .filter(|(at, _)| at.elapsed() < Duration::from_secs(1))
            .map(|(_, r)| r.clone())
    });
    let result = match cached {
        Some(r) => r,
        None => {
            let r = match state.writer.probe() {
                Ok(rx) => match tokio::time::timeout(Duration::from_secs(5), rx).await {
                    Ok(Ok(r)) => r.map_err(|e| format!("store: {e}")),
                    Ok(Err(_)) => Err("writer: stopped".to_string()),
                    Err(_) => Err("writer: no answer within 5 s".to_string()),
                },
                Err(SendError::Busy) => Err("writer: queue full".to_string()),
                Err(SendError::Stopped) => Err("writer: stopped".to_string()),
            };
            if let Ok(mut h) = state.health.lock() {
                h.checked = Some((Instant::now(), r.clone()));
                match (&r, h.failing) {
                    (Err(e), false) => {
                        h.failing = true;
                        state.log(Level::Error, "unhealthy", &[("error", e)]);
                    }
                    (Ok(()), true) => {
                        h.failing = false;
                        state.log(Level::Info, "healthy", &[]);
                    }
                    _ => {}
                }
            }
            r
        }
    };
    match result {
        Ok(()) => response(StatusCode::OK, "text/plain; charset=utf-8", "ok\n"),
        Err(e) => {
            let mut r = response(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/plain; charset=utf-8",
                format!("unhealthy: {e}\n"),
            );
            r.extensions_mut().insert(Refusal("unhealthy".into()));
            r
        }
    }
}

async fn receipt(state: &State, ip: IpAddr, no: &str, new: bool, json: bool) -> Resp {
    let site = state.dir.site_title();
    let not_found = || {
        refuse(
            &site,
            json,
            StatusCode::NOT_FOUND,
            "unknown_receipt",
            "未找到该回执",
            "没有找到这个回执编号，请核对后重新输入（编号形如 ZJ20261125-0001-7F3A）。",
            None,
        )
    };
    if let Err(retry) = state.lookups.check(ip) {
        return too_many(&site, json, retry);
    }
    let Some(no) = model::check_receipt(&state.secret, no) else {
        return not_found();
    };
    let reader = state.reader.clone();
    let found = tokio::task::spawn_blocking(move || {
        let conn = reader
            .lock()
            .map_err(|_| FeedbackError::Server("reader lock".into()))?;
        store::lookup(&conn, &no)
    })
    .await;
    let st = match found {
        Ok(Ok(Some(st))) => st,
        Ok(Ok(None)) => return not_found(),
        _ => {
            return refuse(
                &site,
                json,
                StatusCode::INTERNAL_SERVER_ERROR,
                "lookup_failed",
                "查询失败",
                "暂时无法查询，请稍后再试。",
                None,
            )
        }
    };
    let check = html::ledger_check(state.dir.as_ref(), &st);
    if json {
        let mut v = serde_json::to_value(&st).unwrap_or_default();
        if let Some(o) = v.as_object_mut() {
            o.insert("ledger".into(), check.code().into());
        }
        return response(
            StatusCode::OK,
            "application/json; charset=utf-8",
            v.to_string(),
        );
    }
    let title = st
        .consultation
        .as_deref()
        .and_then(|c| state.dir.consultation(c))
        .map(|w| w.title);
    response(
        StatusCode::OK,
        "text/html; charset=utf-8",
        html::receipt_page(&site, &st, title.as_deref(), new, &check),
    )
}
