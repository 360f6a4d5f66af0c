//! The receiver's routes as one service: `POST /feedback/{comment,correction,message}`,
//! `GET /receipt/…`, `GET /healthz` and `GET /feedback/style.css`. The standalone receiver
//! ([`super::start`]) runs it on a listener of its own; the preview (`crate::serve`) mounts
//! the same service in its own server, with a private temporary database.

use std::convert::Infallible;
use std::fmt::Display;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use jiff::Timestamp;

use super::super::backend::{self, FeedbackStore, SqliteStore};
use super::super::dbcheck::{self, Create};
use super::super::directory::Directory;
use super::super::guard;
use super::super::html;
use super::super::limits::ConnLimiter;
use super::super::log::{Level, Tally};
use super::super::model::{self, Kind};
use super::super::ratelimit::{Limiter, RateLimit};
use super::super::requests::pg::PgRequests;
use super::super::requests::sqlite::SqliteRequests;
use super::super::requests::store::RequestStore;
use super::super::store;
use super::super::writer::{self, SendError, WriterHandle};
use super::super::FeedbackError;
use super::ServeOptions;

/// The receiver's routes and everything they share (database, writer, rate limits, counts).
/// Cheap to clone; the writer thread ends when the last clone is gone.
#[derive(Clone)]
pub struct Service {
    pub(super) state: Arc<State>,
}

/// The database opened and checked, before anything listens.
pub(super) struct Opened {
    /// The writer's connection.
    conn: Box<dyn FeedbackStore>,
    /// Receipt look-ups (a connection of their own).
    lookup: Box<dyn FeedbackStore>,
    /// The request store (依申请公开), in the same database (a connection of its own).
    requests: Box<dyn RequestStore>,
    secret: Vec<u8>,
    /// Entries stored when the receiver started (for the start line).
    pub(super) entries: i64,
}

/// Opens and checks the database (`dbcheck` for SQLite, `backend::pg` for a PostgreSQL URL):
/// a missing one only with `opts.init`.
pub(super) fn open_db(opts: &ServeOptions) -> Result<Opened, FeedbackError> {
    let create = if opts.init {
        Create::IfMissing
    } else {
        Create::Never
    };
    let url = opts.db.to_string_lossy();
    if backend::is_url(&url) {
        let mut conn = backend::PgStore::connect(&url, create)?;
        let secret = conn.secret()?;
        let entries = i64::try_from(conn.count_entries()?).unwrap_or(i64::MAX);
        let lookup = backend::PgStore::connect(&url, Create::Never)?;
        let requests = PgRequests::connect(&url, Create::Never)?;
        return Ok(Opened {
            conn: Box::new(conn),
            lookup: Box::new(lookup),
            requests: Box::new(requests),
            secret,
            entries,
        });
    }
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
    let lookup = store::open(&opts.db)?;
    let requests = store::open(&opts.db)?;
    Ok(Opened {
        conn: Box::new(SqliteStore::from_conn(conn)),
        lookup: Box::new(SqliteStore::from_conn(lookup)),
        requests: Box::new(SqliteRequests::from_conn(requests)),
        secret,
        entries,
    })
}

/// The limit on receipt look-ups: six times the limit on posts.
fn lookup_limit(posts: RateLimit) -> RateLimit {
    if posts.is_off() {
        RateLimit::OFF
    } else {
        RateLimit {
            max: posts.max.saturating_mul(6),
            per: posts.per,
        }
    }
}

/// The shared pool for clients over their own allowance (none when rate limits are off).
pub(super) fn shared_limit(opts: &ServeOptions) -> RateLimit {
    if opts.rate_limit.is_off() {
        RateLimit::OFF
    } else {
        opts.shared_rate_limit
    }
}

impl Service {
    /// Opens the database and starts the writer thread: the service for a server that has
    /// its own listener (`gongshi serve` mounts it; [`super::start`] runs it).
    pub fn open(
        opts: ServeOptions,
        dir: Arc<dyn Directory>,
    ) -> Result<(Service, JoinHandle<()>), FeedbackError> {
        let opened = open_db(&opts)?;
        Service::from_opened(opened, opts, dir)
    }

    pub(super) fn from_opened(
        opened: Opened,
        opts: ServeOptions,
        dir: Arc<dyn Directory>,
    ) -> Result<(Service, JoinHandle<()>), FeedbackError> {
        let (writer, writer_thread) = writer::spawn(
            opened.conn,
            opened.secret.clone(),
            opts.time_zone.clone(),
            opts.log.clone(),
        )?;
        let state = State {
            dir,
            writer,
            requests: Arc::new(Mutex::new(opened.requests)),
            lookup: Arc::new(Mutex::new(opened.lookup)),
            secret: opened.secret,
            posts: Limiter::with_shared(opts.rate_limit, shared_limit(&opts)),
            lookups: Limiter::new(lookup_limit(opts.rate_limit)),
            conns: ConnLimiter::new(opts.limits.max_connections_per_address),
            tally: Tally::default(),
            health: Mutex::new(Health::default()),
            calendar: Arc::new(
                opts.site_root
                    .as_deref()
                    .and_then(|root| crate::calendar::Calendar::load(root).ok())
                    .unwrap_or_else(crate::calendar::Calendar::builtin),
            ),
            opts,
        };
        Ok((
            Service {
                state: Arc::new(state),
            },
            writer_thread,
        ))
    }

    /// Is this request one of the receiver's (what a server that also serves other things
    /// hands over)? `/feedback/style.css` is the receiver's own style sheet, used by its
    /// pages (refusals, receipts).
    pub fn routes(method: &Method, path: &str) -> bool {
        let get = method == Method::GET || method == Method::HEAD;
        (method == Method::POST && (path == "/feedback" || path.starts_with("/feedback/")))
            || (get
                && (path.starts_with("/receipt/")
                    || path == "/feedback/style.css"
                    || path == SEARCH_PATH
                    || path == super::request::STATUS_PATH))
    }

    /// Answers one request from `peer`.
    pub async fn handle(&self, peer: SocketAddr, req: Request<Incoming>) -> Resp {
        match handle(self.state.clone(), peer, req).await {
            Ok(r) => r,
            Err(never) => match never {},
        }
    }

    /// Forgets old rate-limit records and logs the refusal counts (once a minute).
    pub fn housekeeping(&self, since_last: Duration) {
        let state = &self.state;
        state.posts.prune();
        state.lookups.prune();
        state.tally.flush(&state.opts.log, since_last.as_secs());
    }
}

pub(super) struct State {
    pub(super) dir: Arc<dyn Directory>,
    pub(super) writer: WriterHandle,
    /// The request store (依申请公开): the online form's writes and the status look-ups.
    pub(super) requests: Arc<Mutex<Box<dyn RequestStore>>>,
    /// Receipt look-ups in the feedback store (SQLite or PostgreSQL).
    pub(super) lookup: Arc<Mutex<Box<dyn FeedbackStore>>>,
    pub(super) secret: Vec<u8>,
    pub(super) posts: Limiter,
    pub(super) lookups: Limiter,
    /// The working-day calendar for request deadlines (shipped data + the site's files).
    pub(super) calendar: Arc<crate::calendar::Calendar>,
    pub(super) opts: ServeOptions,
    pub(super) conns: Arc<ConnLimiter>,
    pub(super) tally: Tally,
    health: Mutex<Health>,
}

/// The last `/healthz` probe: cached for a second, logged when it changes.
#[derive(Default)]
struct Health {
    checked: Option<(Instant, Result<(), String>)>,
    failing: bool,
}

impl State {
    pub(super) fn now(&self) -> Timestamp {
        self.opts.now.unwrap_or_else(Timestamp::now)
    }
    pub(super) fn log(&self, level: Level, event: &str, fields: &[(&str, &dyn Display)]) {
        self.opts.log.event(level, event, fields);
    }
}

/// An answer of the receiver.
pub type Resp = Response<Full<Bytes>>;

pub(super) async fn handle(
    state: Arc<State>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Result<Resp, Infallible> {
    let json = wants_json(req.headers());
    let site = html::SiteFrame::of(state.dir.as_ref());
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

pub(super) fn response(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Resp {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// A refusal: zh-CN HTML page (or JSON `{error, message}`), never stored.
pub(super) fn refuse(
    site: &html::SiteFrame,
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

pub(super) fn client_ip(state: &State, peer: SocketAddr, h: &HeaderMap) -> IpAddr {
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
    let site = html::SiteFrame::of(state.dir.as_ref());
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
        return super::submit::submit(state, peer, req, kind, json).await;
    }
    if path == super::request::SUBMIT_PATH {
        if method != Method::POST {
            return method_not_allowed(&site, json, "POST");
        }
        return super::request::submit(state, peer, req, json).await;
    }
    if path == super::request::STATUS_PATH {
        if method != Method::GET && method != Method::HEAD {
            return method_not_allowed(&site, json, "GET");
        }
        let no = req.uri().query().and_then(super::request::query_receipt);
        let ip = client_ip(state, peer, req.headers());
        return super::request::status(state, ip, no.as_deref().unwrap_or(""), false, json).await;
    }
    if path == SEARCH_PATH {
        if method != Method::GET && method != Method::HEAD {
            return method_not_allowed(&site, json, "GET");
        }
        let ip = client_ip(state, peer, req.headers());
        if let Err(retry) = state.lookups.check(ip) {
            return too_many(&site, json, retry);
        }
        let query = req.uri().query().unwrap_or("");
        let q: String = query_param(query, "q")
            .unwrap_or_default()
            .trim()
            .chars()
            .take(crate::feedback::search::MAX_QUERY_CHARS)
            .collect();
        let page = query_param(query, "p")
            .and_then(|p| p.trim().parse::<usize>().ok())
            .unwrap_or(1);
        let list = state.dir.search();
        let mut r = response(
            StatusCode::OK,
            "text/html; charset=utf-8",
            html::search_page(&site, list.as_deref(), &q, page),
        );
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return r;
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
        if super::request::is_request_receipt(no) {
            return super::request::status(state, ip, no, new, json).await;
        }
        return receipt(state, ip, no, new, json).await;
    }
    not_found()
}

/// The search for browsers without scripts (see [`crate::feedback::search`]).
pub(super) const SEARCH_PATH: &str = "/feedback/search";

/// The value of `key` in a query string (`+` as a space, percent-decoded; bytes that are not
/// UTF-8 become U+FFFD); the first one when repeated. At most 4 KB of the value are read.
fn query_param(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|p| p.split_once('=').or(Some((p, ""))))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| {
            let v = v.get(..4096).unwrap_or(v).replace('+', " ");
            percent_encoding::percent_decode_str(&v)
                .decode_utf8_lossy()
                .into_owned()
        })
}

fn method_not_allowed(site: &html::SiteFrame, json: bool, allow: &'static str) -> Resp {
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

pub(super) fn too_many(site: &html::SiteFrame, json: bool, retry_after: u64) -> Resp {
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

/// Run one read on the request store off the async threads (a request's status). A failed
/// read (lock, database, task) is the 查询失败 answer in `Err`.
pub(super) async fn read_one<T: Send + 'static>(
    state: &State,
    site: &html::SiteFrame,
    json: bool,
    read: impl FnOnce(&mut dyn RequestStore) -> Result<Option<T>, FeedbackError> + Send + 'static,
) -> Result<Option<T>, Resp> {
    let requests = state.requests.clone();
    let found = tokio::task::spawn_blocking(move || {
        let mut store = requests
            .lock()
            .map_err(|_| FeedbackError::Server("request store lock".into()))?;
        read(store.as_mut())
    })
    .await;
    match found {
        Ok(Ok(v)) => Ok(v),
        _ => Err(refuse(
            site,
            json,
            StatusCode::INTERNAL_SERVER_ERROR,
            "lookup_failed",
            "查询失败",
            "暂时无法查询，请稍后再试。",
            None,
        )),
    }
}

async fn receipt(state: &State, ip: IpAddr, no: &str, new: bool, json: bool) -> Resp {
    let site = html::SiteFrame::of(state.dir.as_ref());
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
    let lookup = state.lookup.clone();
    let found = tokio::task::spawn_blocking(move || {
        lookup
            .lock()
            .map_err(|_| FeedbackError::Server("lookup lock".into()))?
            .lookup(&no)
    })
    .await;
    let found = match found {
        Ok(Ok(v)) => Ok(v),
        _ => Err(refuse(
            &site,
            json,
            StatusCode::INTERNAL_SERVER_ERROR,
            "lookup_failed",
            "查询失败",
            "暂时无法查询，请稍后再试。",
            None,
        )),
    };
    let st = match found {
        Ok(Some(st)) => st,
        Ok(None) => return not_found(),
        Err(refused) => return refused,
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
    let url = st
        .consultation
        .as_deref()
        .and_then(|c| state.dir.consultation_url(c));
    let back = title.as_deref().map(|t| html::Back {
        title: t,
        url: url.as_deref(),
    });
    response(
        StatusCode::OK,
        "text/html; charset=utf-8",
        html::receipt_page(&site, &st, back, new, &check),
    )
}
