//! The preview's connections: one request per connection (every answer says
//! `Connection: close`), read and answered by a thread of its own, with at most
//! [`Limits::max_connections`] open at once (more are answered 503 and closed at once) and
//! every read and write under a deadline, so that idle or half-open sockets cost a bounded
//! number of threads for a bounded time. Requests whose `Host` is not a name of this preview
//! are refused before anything is served ([`Hosts`]: DNS rebinding).

use std::io::{self, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Bounds on the connections of the preview.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections served at once (one thread each); more are refused with 503.
    pub max_connections: usize,
    /// Time to send the request line and headers, from the connection on.
    pub head_timeout: Duration,
    /// Time to send a form's body.
    pub body_timeout: Duration,
    /// Time a client may take to take in each block of the answer.
    pub write_timeout: Duration,
    /// Size of the request line and headers.
    pub max_head: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 64,
            head_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            max_head: 16 * 1024,
        }
    }
}

/// The host names this preview answers to. A page of another site can make the browser
/// send requests here under a name of its own that resolves to this machine (DNS
/// rebinding), and read the answers (drafts, the feedback forms); such requests carry that
/// name in `Host` and are refused. Allowed: `localhost` (and `*.localhost`, which browsers
/// resolve to this machine themselves), any IP address written as such (no name is resolved,
/// so nothing can be rebound: `127.0.0.1`, `[::1]`, the bound address, this machine's LAN
/// address when bound to `0.0.0.0`), the name given in `--addr`, and the names given with
/// `--allow-host`.
#[derive(Debug, Clone, Default)]
pub struct Hosts {
    names: Vec<String>,
}

impl Hosts {
    /// The names for a preview started with `--addr addr` and `--allow-host extra…`.
    pub fn new(addr: &str, extra: &[String]) -> Hosts {
        let mut names: Vec<String> = extra.iter().filter_map(|n| normalise(n)).collect();
        if let Some(name) = host_part(addr).and_then(normalise) {
            names.push(name);
        }
        Hosts { names }
    }

    /// Does a request with this `Host` header value come to this preview?
    pub fn allows(&self, host: &str) -> bool {
        let Some(name) = host_part(host.trim()) else {
            return false;
        };
        if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            return v6.parse::<Ipv6Addr>().is_ok();
        }
        if name.parse::<Ipv4Addr>().is_ok() {
            return true;
        }
        let Some(name) = normalise(name) else {
            return false;
        };
        name == "localhost" || name.ends_with(".localhost") || self.names.contains(&name)
    }
}

/// `host` of `host:port`, `[v6]` of `[v6]:port`; `None` when empty or malformed.
fn host_part(s: &str) -> Option<&str> {
    let host = if s.starts_with('[') {
        let end = s.find(']')?;
        let rest = &s[end + 1..];
        if !(rest.is_empty() || rest.strip_prefix(':').is_some_and(all_digits)) {
            return None;
        }
        &s[..=end]
    } else {
        match s.rsplit_once(':') {
            Some((h, port)) if all_digits(port) => h,
            Some(_) => return None,
            None => s,
        }
    };
    (!host.is_empty()).then_some(host)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A host name in lower case without a final dot; `None` unless it is made of letters,
/// digits, `-`, `_` and dots.
fn normalise(name: &str) -> Option<String> {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then_some(name)
}

/// `IpAddr` of an IP literal host (for tests and messages).
pub fn is_ip_literal(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.parse::<IpAddr>().is_ok()
}

/// A request as read from its connection.
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    /// The request target as sent (percent-encoded, with the query).
    pub target: String,
    /// `(1, 0)` or `(1, 1)`.
    pub version: (u8, u8),
    /// Header names in lower case, with their values, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub remote: Option<SocketAddr>,
}

impl Request {
    /// The first header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// How many headers of that (lower-case) name.
    pub fn count(&self, name: &str) -> usize {
        self.headers.iter().filter(|(n, _)| n == name).count()
    }
}

/// The body of an answer.
pub enum Body {
    Bytes(Vec<u8>),
    /// An attachment, streamed: the open file and its length.
    File(std::fs::File, u64),
}

/// An answer. `Content-Length`, `Connection: close`, `Date` and
/// `X-Content-Type-Options: nosniff` are added when it is written.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Response {
        Response {
            status,
            headers,
            body: Body::Bytes(body),
        }
    }

    fn len(&self) -> u64 {
        match &self.body {
            Body::Bytes(b) => b.len() as u64,
            Body::File(_, n) => *n,
        }
    }
}

/// Who answers a request whose head was read (and whose body was, for [`wants_body`]).
pub trait Handler: Send + Sync + 'static {
    /// Should the body of this request be read (up to `max`)? Others are answered without.
    fn wants_body(&self, req: &Request) -> Option<usize>;
    fn handle(&self, req: &Request) -> Response;
}

/// Accept connections from `listener` on a thread of its own and answer them with
/// `handler`.
pub fn start(
    listener: TcpListener,
    handler: Arc<dyn Handler>,
    hosts: Arc<Hosts>,
    limits: Limits,
) -> io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("preview-accept".into())
        .spawn(move || accept_loop(listener, handler, hosts, limits))
}

/// A counted connection; the count goes down when it is dropped (when its thread ends, or
/// with the thread that could not be started).
pub(crate) struct Slot(pub(crate) Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn accept_loop(
    listener: TcpListener,
    handler: Arc<dyn Handler>,
    hosts: Arc<Hosts>,
    limits: Limits,
) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let mut stream = match stream {
            Ok(s) => s,
            Err(_) => {
                // EMFILE and friends: back off instead of spinning.
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        if active.fetch_add(1, Ordering::SeqCst) >= limits.max_connections.max(1) {
            active.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
            let _ = write_response(
                &mut stream,
                false,
                plain(503, "预览服务正忙（同时打开的连接太多），请稍后刷新。"),
            );
            let _ = stream.shutdown(Shutdown::Both);
            continue;
        }
        let slot = Slot(active.clone());
        let handler = handler.clone();
        let hosts = hosts.clone();
        let limits = limits.clone();
        let spawned = std::thread::Builder::new()
            .name("preview-conn".into())
            .spawn(move || {
                let _slot = slot;
                serve_connection(stream, &*handler, &hosts, &limits);
            });
        if spawned.is_err() {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A short plain-text answer.
pub fn plain(status: u16, text: &str) -> Response {
    Response::new(
        status,
        vec![
            (
                "Content-Type".into(),
                "text/plain; charset=utf-8".to_string(),
            ),
            ("Cache-Control".into(), "no-store".into()),
        ],
        text.as_bytes().to_vec(),
    )
}

/// Why a request head could not be read.
enum HeadError {
    /// The connection closed or timed out before a request came: nothing to answer.
    Gone,
    /// Answer this and close.
    Answer(Response),
}

fn serve_connection(mut stream: TcpStream, handler: &dyn Handler, hosts: &Hosts, limits: &Limits) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let remote = stream.peer_addr().ok();
    let deadline = Instant::now() + limits.head_timeout;
    let (mut req, rest) = match read_head(&mut stream, deadline, limits.max_head) {
        Ok(x) => x,
        Err(HeadError::Gone) => return,
        Err(HeadError::Answer(r)) => return finish(stream, false, r),
    };
    req.remote = remote;
    let head_only = req.method == "HEAD";
    if let Some(r) = check_head(&req, hosts) {
        return finish(stream, head_only, r);
    }
    if let Some(max) = handler.wants_body(&req) {
        let len = match content_length(&req) {
            Ok(n) => n,
            Err(r) => return finish(stream, head_only, r),
        };
        if len > max as u64 {
            return finish(
                stream,
                head_only,
                plain(413, "提交的内容过大，请缩短后再提交。"),
            );
        }
        if req
            .header("expect")
            .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
        {
            let _ = stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        let deadline = Instant::now() + limits.body_timeout;
        match read_body(&mut stream, rest, len as usize, deadline) {
            Some(body) => req.body = body,
            None => return finish(stream, head_only, plain(408, "提交用时过长，连接已断开。")),
        }
    }
    let response = handler.handle(&req);
    finish(stream, head_only, response);
}

/// Write the answer, then close without resetting the connection (the client's unread
/// request bytes would make the kernel send a reset that can cut the answer short).
fn finish(mut stream: TcpStream, head_only: bool, response: Response) {
    let _ = write_response(&mut stream, head_only, response);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut sink = [0u8; 4096];
    let mut drained = 0usize;
    while let Ok(n) = stream.read(&mut sink) {
        drained += n;
        if n == 0 || drained > 256 * 1024 {
            break;
        }
    }
}

/// Read the request line and headers (until the empty line), within `deadline` and `max`
/// bytes. Returns the request and the bytes read past the head (the start of the body).
fn read_head(
    stream: &mut TcpStream,
    deadline: Instant,
    max: usize,
) -> Result<(Request, Vec<u8>), HeadError> {
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let end = loop {
        if let Some(i) = find_head_end(&buf) {
            break i;
        }
        if buf.len() > max {
            return Err(HeadError::Answer(plain(431, "请求头过大。")));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err(HeadError::Gone);
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err(HeadError::Gone),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return Err(HeadError::Gone),
        }
    };
    let (head, rest) = buf.split_at(end.0);
    let rest = rest[end.1..].to_vec();
    parse_head(head)
        .map(|r| (r, rest))
        .map_err(HeadError::Answer)
}

/// Where the head ends: (its length, the length of the blank line after it).
fn find_head_end(buf: &[u8]) -> Option<(usize, usize)> {
    let crlf = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| (i, 4));
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|i| (i, 2));
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(if a.0 <= b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

/// Parse the request line and headers.
fn parse_head(head: &[u8]) -> Result<Request, Response> {
    let bad = || plain(400, "请求格式不正确。");
    let text = std::str::from_utf8(head).map_err(|_| bad())?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let line = lines.next().ok_or_else(bad)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    if method.is_empty() || !method.bytes().all(|b| b.is_ascii_uppercase()) || target.is_empty() {
        return Err(bad());
    }
    let version = match version {
        "HTTP/1.1" => (1, 1),
        "HTTP/1.0" => (1, 0),
        v if v.starts_with("HTTP/") => {
            return Err(plain(505, "只支持 HTTP/1.0 和 HTTP/1.1。"));
        }
        _ => return Err(bad()),
    };
    let mut headers = Vec::new();
    for l in lines.filter(|l| !l.is_empty()) {
        // Folded lines (obsolete) and names with spaces are refused, as RFC 9112 says.
        let (name, value) = l.split_once(':').ok_or_else(bad)?;
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        {
            return Err(bad());
        }
        headers.push((name.to_ascii_lowercase(), value.trim().to_string()));
        if headers.len() > 100 {
            return Err(plain(431, "请求头过多。"));
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        version,
        headers,
        body: Vec::new(),
        remote: None,
    })
}

/// What every request must pass before it is served: exactly one `Host` in HTTP/1.1 (RFC
/// 9112), naming this preview ([`Hosts`]), and no `Transfer-Encoding` (bodies are sent with
/// a `Content-Length`).
fn check_head(req: &Request, hosts: &Hosts) -> Option<Response> {
    match (req.count("host"), req.version) {
        (0, (1, 0)) => {}
        (1, _) => {
            let host = req.header("host").unwrap_or("");
            if !hosts.allows(host) {
                return Some(misdirected(host));
            }
        }
        _ => return Some(plain(400, "请求必须有且只有一个 Host 头。")),
    }
    if req.count("transfer-encoding") > 0 {
        return Some(plain(
            501,
            "预览不接受分块传输的请求正文，请使用 Content-Length。",
        ));
    }
    None
}

/// The answer to a request for another host name (421 Misdirected Request).
fn misdirected(host: &str) -> Response {
    let host = crate::render::escape_html(&crate::diag::escape_controls(host));
    let body = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>地址不对</title></head>\
<body style=\"font:18px/1.7 sans-serif;max-width:40em;margin:2em auto;padding:0 1em\"><h1>地址不对</h1>\
<p>这是 <code>gongshi serve</code> 的本地预览，它只回答用 localhost 或 IP 地址（如 127.0.0.1）打开的请求，\
不回答用其他域名（这次是 <code>{host}</code>）打开的请求：这样别的网站无法借用域名读取预览中的草稿。</p>\
<p>请用终端中显示的预览地址打开；确需用这个域名访问时，请在启动时加上 <code>--allow-host 域名</code>。</p></body></html>"
    );
    Response::new(
        421,
        vec![
            ("Content-Type".into(), "text/html; charset=utf-8".into()),
            ("Cache-Control".into(), "no-store".into()),
        ],
        body.into_bytes(),
    )
}

/// The body's length: `Content-Length` (the same in every copy), 0 when absent.
fn content_length(req: &Request) -> Result<u64, Response> {
    let mut len: Option<u64> = None;
    for (n, v) in &req.headers {
        if n != "content-length" {
            continue;
        }
        let v: u64 = v
            .parse()
            .map_err(|_| plain(400, "Content-Length 不正确。"))?;
        if len.is_some_and(|l| l != v) {
            return Err(plain(400, "Content-Length 不正确。"));
        }
        len = Some(v);
    }
    Ok(len.unwrap_or(0))
}

/// Read `len` bytes of body (`start` already read) before `deadline`.
fn read_body(
    stream: &mut TcpStream,
    mut body: Vec<u8>,
    len: usize,
    deadline: Instant,
) -> Option<Vec<u8>> {
    body.truncate(len);
    body.reserve(len - body.len());
    let mut chunk = [0u8; 8192];
    while body.len() < len {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        stream.set_read_timeout(Some(left)).ok()?;
        let want = (len - body.len()).min(chunk.len());
        match stream.read(&mut chunk[..want]) {
            Ok(0) => return None,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some(body)
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        301 => "Moved Permanently",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        421 => "Misdirected Request",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// Write `response` (its body unless `head_only` or a 304).
fn write_response(stream: &mut TcpStream, head_only: bool, response: Response) -> io::Result<()> {
    let len = response.len();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (n, v) in &response.headers {
        // Header values come from the site and the receiver: never a line break in them.
        if v.contains(['\r', '\n']) || n.contains(['\r', '\n', ':']) {
            continue;
        }
        head.push_str(&format!("{n}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {len}\r\nConnection: close\r\nX-Content-Type-Options: nosniff\r\nDate: {}\r\n\r\n",
        super::http::http_date(std::time::SystemTime::now())
    ));
    let mut out = io::BufWriter::with_capacity(64 * 1024, stream);
    out.write_all(head.as_bytes())?;
    if !head_only && response.status != 304 {
        match response.body {
            Body::Bytes(b) => out.write_all(&b)?,
            Body::File(f, n) => {
                io::copy(&mut f.take(n), &mut out)?;
            }
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_previews_names_are_answered() {
        let hosts = Hosts::new("127.0.0.1:1111", &["preview.example.gov.cn".into()]);
        for ok in [
            "127.0.0.1:1111",
            "127.0.0.1",
            "localhost:1111",
            "LOCALHOST",
            "localhost.",
            "site.localhost:8080",
            "[::1]:1111",
            "[::1]",
            "192.168.1.20:1111",
            "preview.example.gov.cn:1111",
            "Preview.Example.Gov.Cn",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "attacker.example:1111",
            "attacker.example",
            "127.0.0.1.attacker.example",
            "localhost.attacker.example",
            "preview.example.gov.cn.attacker.example",
            "",
            ":1111",
            "[::1",
            "[zz]:1",
            "localhost:abc",
            "a b",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        // A name given as the address to bind is one of the preview's names.
        assert!(Hosts::new("myhost.lan:1111", &[]).allows("myhost.lan:1111"));
        assert!(!Hosts::new("0.0.0.0:1111", &[]).allows("myhost.lan:1111"));
        assert!(is_ip_literal("[::1]") && is_ip_literal("10.0.0.1") && !is_ip_literal("x"));
    }

    #[test]
    fn heads_are_parsed_strictly() {
        let r = parse_head(b"GET /a?b=1 HTTP/1.1\r\nHost: localhost\r\nX-A:  v \r\n")
            .unwrap_or_else(|_| panic!("parse"));
        assert_eq!((r.method.as_str(), r.target.as_str()), ("GET", "/a?b=1"));
        assert_eq!(r.header("x-a"), Some("v"));
        for bad in [
            &b"GET /a\r\n"[..],
            b"GET /a HTTP/1.1 x\r\n",
            b"get /a HTTP/1.1\r\n",
            b"GET /a HTTP/1.1\r\n folded: x\r\n",
            b"GET /a HTTP/1.1\r\nbad name: x\r\n",
            b"GET /a HTTP/1.1\r\nnocolon\r\n",
        ] {
            assert!(parse_head(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
        assert!(matches!(parse_head(b"GET / HTTP/2.0\r\n"), Err(r) if r.status == 505));
        let hosts = Hosts::default();
        let req = |h: &str| parse_head(h.as_bytes()).unwrap_or_else(|_| panic!("{h}"));
        let status = |h: &str| check_head(&req(h), &hosts).map(|r| r.status);
        assert_eq!(status("GET / HTTP/1.1\r\nHost: localhost:1"), None);
        assert_eq!(status("GET / HTTP/1.0\r\n"), None);
        assert_eq!(status("GET / HTTP/1.1\r\n"), Some(400));
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: a\r\nHost: localhost"),
            Some(400)
        );
        assert_eq!(status("GET / HTTP/1.1\r\nHost: evil.example"), Some(421));
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked"),
            Some(501)
        );
    }
}
