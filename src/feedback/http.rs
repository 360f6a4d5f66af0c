//! The receiver: hyper 1 (HTTP/1.1) on a small tokio runtime.
//!
//! Bounds: header size (`max_header_size`, hyper answers 431), header read timeout (also
//! for idle keep-alive connections), whole-request timeout (408), body limit (413), at most
//! `max_connections` open connections (further ones wait in the kernel's accept queue),
//! a fixed number of runtime threads. Connections are tasks, not threads.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

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
use tokio::sync::{oneshot, Semaphore};

use super::directory::Directory;
use super::forms::{self, FormError};
use super::html;
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
    /// Runtime worker threads.
    pub worker_threads: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body: 64 * 1024,
            max_header_bytes: 16 * 1024,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
            worker_threads: 2,
        }
    }
}

/// Options of `gongshi feedback serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub db: PathBuf,
    pub addr: SocketAddr,
    /// POSTs per client address (receipt look-ups get six times as many).
    pub rate_limit: RateLimit,
    /// Fixes the server clock (tests, previews).
    pub now: Option<Timestamp>,
    pub time_zone: TimeZone,
    /// Take the client address from X-Forwarded-For / X-Real-IP when the peer is loopback
    /// (the receiver runs behind a reverse proxy on the same host).
    pub trust_proxy: bool,
    pub limits: Limits,
    /// Stop on SIGINT/SIGTERM (true for the CLI; tests stop the handle instead).
    pub handle_signals: bool,
}

impl ServeOptions {
    pub fn new(db: PathBuf, addr: SocketAddr) -> ServeOptions {
        ServeOptions {
            db,
            addr,
            rate_limit: RateLimit::default(),
            now: None,
            time_zone: model::default_time_zone(),
            trust_proxy: false,
            limits: Limits::default(),
            handle_signals: true,
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
}

impl State {
    fn now(&self) -> Timestamp {
        self.opts.now.unwrap_or_else(Timestamp::now)
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

    /// Stops accepting, lets requests in flight finish (≤ 5 s), flushes the writer.
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
pub fn start(opts: ServeOptions, dir: Arc<dyn Directory>) -> Result<ServerHandle, FeedbackError> {
    let conn = store::open(&opts.db)?;
    let secret = store::secret(&conn)?;
    let reader = store::open(&opts.db)?;
    let (writer, writer_thread) = writer::spawn(conn, secret.clone(), opts.time_zone.clone())?;
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
    let lookups = if opts.rate_limit.is_off() {
        RateLimit::OFF
    } else {
        RateLimit {
            max: opts.rate_limit.max.saturating_mul(6),
            per: opts.rate_limit.per,
        }
    };
    let state = Arc::new(State {
        dir,
        writer,
        reader: Arc::new(Mutex::new(reader)),
        secret,
        posts: Limiter::new(opts.rate_limit),
        lookups: Limiter::new(lookups),
        opts,
    });
    let (stop_tx, stop_rx) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("feedback-server".into())
        .spawn(move || {
            let result = runtime.block_on(async move {
                let listener = TcpListener::from_std(std_listener)
                    .map_err(|e| FeedbackError::Server(format!("listen: {e}")))?;
                accept_loop(listener, state, stop_rx).await;
                Ok::<(), FeedbackError>(())
            });
            runtime.shutdown_timeout(Duration::from_secs(5));
            // Every WriterHandle is gone with the runtime's tasks: the writer finishes its
            // queue and ends.
            let _ = writer_thread.join();
            result
        })
        .map_err(|e| FeedbackError::Server(format!("spawn: {e}")))?;
    Ok(ServerHandle {
        addr,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}

async fn shutdown_signal(handle_signals: bool, stop: oneshot::Receiver<()>) {
    if !handle_signals {
        let _ = stop.await;
        return;
    }
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        if let (Ok(mut term), Ok(mut int)) = (term, int) {
            tokio::select! {
                _ = stop => {},
                _ = term.recv() => {},
                _ = int.recv() => {},
            }
            return;
        }
    }
    tokio::select! {
        _ = stop => {},
        _ = tokio::signal::ctrl_c() => {},
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, stop: oneshot::Receiver<()>) {
    let limits = state.opts.limits.clone();
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let shutdown = shutdown_signal(state.opts.handle_signals, stop);
    tokio::pin!(shutdown);
    let mut prune = tokio::time::interval(Duration::from_secs(60));
    loop {
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(_) => {
                    // EMFILE and friends: back off instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = prune.tick() => {
                state.posts.prune();
                state.lookups.prune();
                continue;
            }
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let st = state.clone();
        let limits = limits.clone();
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
            let _ = conn.await;
            drop(permit);
        });
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
    let mut resp = match tokio::time::timeout(timeout, route(&state, peer, req, json)).await {
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
    };
    security_headers(resp.headers_mut());
    Ok(resp)
}

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
    if json {
        let body = serde_json::json!({ "error": code, "message": message }).to_string();
        response(status, "application/json; charset=utf-8", body)
    } else {
        let body = html::error_page(site, heading, message, echo);
        response(status, "text/html; charset=utf-8", body)
    }
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
        return response(StatusCode::OK, "text/plain; charset=utf-8", "ok\n");
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
        Err(SendError::Stopped) => return busy("服务正在重启，请稍后重新提交。"),
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
