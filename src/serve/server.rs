//! The preview's HTTP server: hyper (HTTP/1.1) on a small tokio runtime, one listener for
//! everything — the site's pages ([`super::http`]), the live-reload stream
//! ([`super::events`]) and the feedback receiver's routes, whose service is mounted here
//! in-process ([`super::receiver`]).
//!
//! Bounds: at most [`Limits::max_connections`] connections are served at once (plus
//! [`reload::MAX_LISTENERS`] for the event streams the open pages hold); a request over the
//! limit is answered 503 and its connection closed. The request head must arrive within
//! [`Limits::head_timeout`] (also the limit for an idle keep-alive connection) and within
//! [`Limits::max_head`] bytes (hyper answers 431). Connections are tasks, not threads.
//! Requests whose `Host` is not a name of this preview are refused before anything is served
//! ([`Hosts`]: DNS rebinding).

use super::host::{self, Hosts};
use super::http::{self, Shared};
use super::{events, reload};
use crate::feedback::http::Service;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

/// The body of every answer (a page in memory, or an event stream).
pub(crate) type Body = http_body_util::combinators::BoxBody<Bytes, Infallible>;

/// A body from bytes in memory.
pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).boxed()
}

/// Bounds on the connections of the preview.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// Connections served at once, besides the event streams; more are answered 503.
    pub max_connections: usize,
    /// Time to send the request line and headers, from the connection on (or from the end
    /// of the previous answer on a kept-alive connection).
    pub head_timeout: Duration,
    /// Size of the request line and headers.
    pub max_head: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 64,
            head_timeout: Duration::from_secs(10),
            max_head: 16 * 1024,
        }
    }
}

/// Who answers: the snapshot and hub, the receiver mounted (if any) and the allowed names.
struct App {
    shared: Arc<Shared>,
    receiver: Option<Service>,
    hosts: Hosts,
}

/// The running server: its runtime, which ends (and closes every connection) when dropped.
pub(crate) struct Server {
    _runtime: tokio::runtime::Runtime,
}

/// Serve `listener` on a runtime of its own until the [`Server`] is dropped.
pub(crate) fn start(
    listener: std::net::TcpListener,
    shared: Arc<Shared>,
    receiver: Option<Service>,
    hosts: Hosts,
    limits: Limits,
) -> Result<Server, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .thread_name("preview-http")
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动预览服务：{e}"))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("无法启动预览服务：{e}"))?;
    let listener = {
        let _rt = runtime.enter();
        TcpListener::from_std(listener).map_err(|e| format!("无法启动预览服务：{e}"))?
    };
    let app = Arc::new(App {
        shared,
        receiver,
        hosts,
    });
    if let Some(service) = app.receiver.clone() {
        runtime.spawn(housekeeping(service));
    }
    runtime.spawn(accept_loop(listener, app, limits));
    Ok(Server { _runtime: runtime })
}

/// The receiver's rate limits forget old clients, as in `gongshi feedback serve`.
async fn housekeeping(service: Service) {
    let every = Duration::from_secs(60);
    loop {
        tokio::time::sleep(every).await;
        service.housekeeping(every);
    }
}

/// A counted connection; the count goes down when its task ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Slot {
    /// Take a place among `max`, if one is free.
    fn take(count: &Arc<AtomicUsize>, max: usize) -> Option<Slot> {
        if count.fetch_add(1, Ordering::SeqCst) >= max {
            count.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Slot(count.clone()))
    }
}

async fn accept_loop(listener: TcpListener, app: Arc<App>, limits: Limits) {
    let max = limits.max_connections.max(1) + reload::MAX_LISTENERS;
    let served = Arc::new(AtomicUsize::new(0));
    // Connections over the limit get their 503 from a pool of the same size; beyond that
    // they are closed unanswered.
    let refused = Arc::new(AtomicUsize::new(0));
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(_) => {
                // EMFILE and friends: back off instead of spinning.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        if let Some(slot) = Slot::take(&served, max) {
            let app = app.clone();
            let limits = limits.clone();
            tokio::spawn(async move {
                serve_connection(stream, peer, app, &limits).await;
                drop(slot);
            });
        } else if let Some(slot) = Slot::take(&refused, max) {
            tokio::spawn(async move {
                busy(stream).await;
                drop(slot);
            });
        }
    }
}

fn builder(head_timeout: Duration, max_head: usize) -> http1::Builder {
    let mut b = http1::Builder::new();
    b.timer(TokioTimer::new())
        .header_read_timeout(head_timeout)
        .max_header_size(max_head)
        .max_buf_size(max_head.max(8192) + 8192)
        .max_headers(100);
    b
}

async fn serve_connection(stream: TcpStream, peer: SocketAddr, app: Arc<App>, limits: &Limits) {
    let svc = service_fn(move |req| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(answer(&app, peer, req).await) }
    });
    let _ = builder(limits.head_timeout, limits.max_head)
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), svc)
        .await;
}

/// A connection over the limit: its request (if it comes soon) is answered 503, then it
/// is closed.
async fn busy(stream: TcpStream) {
    let svc = service_fn(|_req: Request<Incoming>| async {
        let mut r = plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "预览服务正忙（同时打开的连接太多），请稍后刷新。",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        Ok::<_, Infallible>(r)
    });
    let _ = builder(Duration::from_secs(1), 8192)
        .keep_alive(false)
        .serve_connection(TokioIo::new(stream), svc)
        .await;
}

/// Answer one request: the `Host` check, then the event stream, the receiver's routes or
/// the site.
async fn answer(app: &App, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    let mut r = match check_host(&app.hosts, &req) {
        Some(refusal) => refusal,
        None => route(app, peer, req).await,
    };
    r.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

async fn route(app: &App, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    let path = req.uri().path();
    if path == reload::EVENTS_PATH && req.method() == Method::GET {
        return events::stream(&app.shared);
    }
    if Service::routes(req.method(), path) {
        return match &app.receiver {
            Some(service) => service.handle(peer, req).await.map(BodyExt::boxed),
            None => super::receiver::not_mounted(path),
        };
    }
    http::handle(&req, &app.shared)
}

/// Exactly one `Host` in HTTP/1.1 (RFC 9112; none is allowed in HTTP/1.0), naming this
/// preview ([`Hosts`]). `None`: the request may be served. A refusal closes the connection:
/// a client asking for another name (a page on another site, DNS rebinding) or sending no
/// or two `Host`s gets nothing more on it, and does not keep it open until the idle limit.
fn check_host(hosts: &Hosts, req: &Request<Incoming>) -> Option<Response<Body>> {
    let sent: Vec<&HeaderValue> = req.headers().get_all(header::HOST).iter().collect();
    let mut refusal = match sent.as_slice() {
        [] if req.version() < Version::HTTP_11 => return None,
        [one] => {
            let host = String::from_utf8_lossy(one.as_bytes());
            if hosts.allows(&host) {
                return None;
            }
            http::html_answer(
                StatusCode::MISDIRECTED_REQUEST,
                host::misdirected_page(&host),
            )
        }
        _ => plain(StatusCode::BAD_REQUEST, "请求必须有且只有一个 Host 头。"),
    };
    refusal
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    Some(refusal)
}

/// A short plain-text answer, not cached.
pub(crate) fn plain(status: StatusCode, text: &str) -> Response<Body> {
    let mut r = Response::new(full(text.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}
