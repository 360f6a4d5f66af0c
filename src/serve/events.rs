//! The live-reload event stream (Server-Sent Events) on a listener of its own: each open
//! page holds one long connection, and here each gets its own thread (at most
//! [`reload::MAX_LISTENERS`]), so streams never occupy the threads that serve pages. Pages
//! connect to it cross-origin (the stream carries nothing but build numbers).

use super::conn::{Hosts, Slot};
use super::http::Shared;
use super::reload;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Connections being read or streamed at once (the streams themselves are at most
/// [`reload::MAX_LISTENERS`]); more are closed at once.
const MAX_CONNECTIONS: usize = reload::MAX_LISTENERS + 16;

/// Time to send the request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);

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
pub fn start(listener: TcpListener, shared: Arc<Shared>, hosts: Arc<Hosts>) {
    std::thread::spawn(move || {
        let active = Arc::new(AtomicUsize::new(0));
        for stream in listener.incoming() {
            let Ok(stream) = stream else {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            };
            if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                active.fetch_sub(1, Ordering::SeqCst);
                drop(stream);
                continue;
            }
            let slot = Slot(active.clone());
            let shared = shared.clone();
            let hosts = hosts.clone();
            let spawned = std::thread::Builder::new()
                .name("preview-events".into())
                .spawn(move || {
                    let _slot = slot;
                    stream_to(stream, &shared, &hosts);
                });
            if spawned.is_err() {
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    });
}

/// Read the request head (at most 16 KB within [`HEAD_TIMEOUT`]); `None` when it is not a
/// complete `GET` of the event path with one `Host` of this preview.
fn read_head(stream: &mut TcpStream, hosts: &Hosts) -> Option<String> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        stream.set_read_timeout(Some(left)).ok()?;
        let n = stream.read(&mut buf).ok()?;
        if n == 0 || head.len() + n > 16 * 1024 {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.lines();
    let line = lines.next()?;
    let mut parts = line.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    let path = target.split('?').next()?;
    let hosts_sent: Vec<&str> = lines
        .filter_map(|l| l.split_once(':'))
        .filter(|(n, _)| n.trim().eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.trim())
        .collect();
    let host_ok = matches!(hosts_sent.as_slice(), [h] if hosts.allows(h));
    (method == "GET" && path == reload::EVENTS_PATH && host_ok).then_some(text)
}

fn stream_to(mut stream: TcpStream, shared: &Shared, hosts: &Hosts) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    if read_head(&mut stream, hosts).is_none() {
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
