//! The live-reload event stream (Server-Sent Events) at [`reload::EVENTS_PATH`], served by
//! the preview's own server: each open page holds one long response, a task of the runtime
//! (not a thread), at most [`reload::MAX_LISTENERS`] at once.

use super::http::Shared;
use super::reload;
use super::server::{self, Body};
use hyper::body::{Bytes, Frame};
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::mpsc;

/// How often a comment is sent, so that closed pages are noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// The stream for one page: `hello` with the generation served now, then `reload` whenever
/// another is served. 503 when [`reload::MAX_LISTENERS`] pages listen already.
pub(crate) fn stream(shared: &Shared) -> Response<Body> {
    let Some(mut ticket) = shared.hub.join() else {
        return server::plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "自动刷新的连接太多，请关闭一些预览页面。",
        );
    };
    let generation = shared.current().generation;
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    tokio::spawn(async move {
        let hello = format!("retry: 500\n\n{}", reload::event("hello", generation));
        if tx.send(Bytes::from(hello)).await.is_err() {
            return;
        }
        loop {
            let msg = tokio::select! {
                changed = ticket.rx.changed() => match changed {
                    Ok(()) => reload::event("reload", *ticket.rx.borrow_and_update()),
                    Err(_) => break,
                },
                _ = tokio::time::sleep(KEEP_ALIVE) => ": keep-alive\n\n".to_string(),
            };
            // The page is gone when its response body is: the ticket goes with this task.
            if tx.send(Bytes::from(msg)).await.is_err() {
                break;
            }
        }
    });
    let mut r = Response::new(Body::new(Events(rx)));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    *r.status_mut() = StatusCode::OK;
    r
}

/// The body of a stream: the events, as the task above sends them.
struct Events(mpsc::Receiver<Bytes>);

impl hyper::body::Body for Events {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|m| m.map(|b| Ok(Frame::data(b))))
    }
}
