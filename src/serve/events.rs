//! The live-reload event stream (Server-Sent Events) on a listener of its own: each open
//! page holds one long connection, and here each gets its own thread (at most
//! [`reload::MAX_LISTENERS`]), so streams never occupy the threads that serve pages. Pages
//! connect to it cross-origin (the stream carries nothing but build numbers).

use super::http::Shared;
use super::reload;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// How often a comment is sent, so that closed pages are noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(5);

/// Bind the stream's listener next to `main` (same address, a free port).
pub fn bind(main: SocketAddr) -> Result<(TcpListener, SocketAddr), String> {
    let listener = TcpListener::bind(SocketAddr::new(main.ip(), 0))
        .map_err(|e| format!("无法启动自动刷新服务：{e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("无法启动自动刷新服务：{e}"))?;
    Ok((listener, addr))
}

/// Serve event streams from `listener` (in a thread of its own).
pub fn start(listener: TcpListener, shared: Arc<Shared>) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let shared = shared.clone();
            std::thread::spawn(move || stream_to(stream, &shared));
        }
    });
}

/// Read the request head (bounded in size and time); `None` when it is not a complete
/// `GET` of the event path.
fn read_head(stream: &mut TcpStream) -> Option<String> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).ok()?;
        if n == 0 || head.len() + n > 16 * 1024 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let line = text.lines().next()?;
    let mut parts = line.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    let path = target.split('?').next()?;
    (method == "GET" && path == reload::EVENTS_PATH).then_some(text)
}

fn stream_to(mut stream: TcpStream, shared: &Shared) {
    if read_head(&mut stream).is_none() {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    }
    let Some(ticket) = shared.hub.join() else {
        let _ = stream.write_all(
            b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
    };
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
Cache-Control: no-store\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\nretry: 500\n\n";
    let hello = reload::event("hello", shared.current().generation);
    if stream.write_all(head.as_bytes()).is_err() || stream.write_all(hello.as_bytes()).is_err() {
        return;
    }
    loop {
        let msg = match ticket.rx.recv_timeout(KEEP_ALIVE) {
            Ok(g) => reload::event("reload", g),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => ": keep-alive\n\n".to_string(),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        };
        if stream.write_all(msg.as_bytes()).is_err() {
            break;
        }
    }
}
