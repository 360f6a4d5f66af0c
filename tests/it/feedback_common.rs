//! Shared helpers for the feedback tests: an in-process server, a raw HTTP/1.1 client over
//! `TcpStream` (so malformed requests can be sent), /proc readings, and a site fixture for
//! the tests that run the real `gongshi` binary.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use gongshi::feedback::guard::SiteHosts;
use gongshi::feedback::http::Limits;
use gongshi::feedback::{
    start, ConsultationWindow, RateLimit, ServeOptions, ServerHandle, StaticDirectory,
};
use jiff::Timestamp;

/// The fixed server clock of the in-process tests.
pub const NOW: &str = "2026-11-25T10:00:00+08:00";

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

pub fn directory() -> StaticDirectory {
    let w =
        |id: &str, title: &str, opens: &str, closes: &str, withdrawn: bool| ConsultationWindow {
            id: id.into(),
            title: title.into(),
            opens: ts(opens),
            closes: ts(closes),
            withdrawn,
        };
    StaticDirectory {
        title: "枝江市人力资源和社会保障局".into(),
        consultations: vec![
            w(
                "open-one",
                "关于《就业补贴办法（征求意见稿）》的意见征集",
                "2026-11-20T09:00:00+08:00",
                "2026-12-01T00:00:00+08:00",
                false,
            ),
            w(
                "closed-one",
                "已截止的征集",
                "2026-10-01T09:00:00+08:00",
                "2026-10-15T00:00:00+08:00",
                false,
            ),
            w(
                "future-one",
                "尚未开始的征集",
                "2026-12-10T09:00:00+08:00",
                "2026-12-20T00:00:00+08:00",
                false,
            ),
            w(
                "withdrawn-one",
                "已撤回的征集",
                "2026-11-20T09:00:00+08:00",
                "2026-12-01T00:00:00+08:00",
                true,
            ),
        ],
    }
}

/// Tests measure process-wide threads and memory, so servers run one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub struct TestServer {
    pub _serial: std::sync::MutexGuard<'static, ()>,
    pub handle: Option<ServerHandle>,
    pub addr: SocketAddr,
    pub db: PathBuf,
    pub dir: tempfile::TempDir,
}

impl TestServer {
    pub fn start_with(f: impl FnOnce(&mut ServeOptions)) -> TestServer {
        let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("feedback.db");
        let mut opts = ServeOptions::new(db.clone(), "127.0.0.1:0".parse().unwrap());
        opts.init = true;
        opts.now = Some(ts(NOW));
        opts.rate_limit = RateLimit::OFF;
        opts.handle_signals = false;
        // The fixture site's base_url (write_site_fixture): correction pages and origins.
        opts.site_hosts = SiteHosts::from_urls(["https://example.gov.cn/"]);
        f(&mut opts);
        let handle = start(opts, Arc::new(directory())).unwrap();
        let addr = handle.local_addr();
        TestServer {
            _serial: serial,
            handle: Some(handle),
            addr,
            db,
            dir,
        }
    }

    pub fn start() -> TestServer {
        TestServer::start_with(|_| {})
    }

    /// Entries stored so far.
    pub fn stored(&self) -> u64 {
        gongshi::feedback::stats(&self.db).unwrap().total
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = h.shutdown();
        }
    }
}

pub fn short_limits() -> Limits {
    Limits {
        header_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(3),
        ..Limits::default()
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// Sends raw bytes (write errors ignored: the server may cut us off), reads to EOF.
/// Err when nothing parseable came back (connection cut off).
pub fn raw(addr: SocketAddr, req: &[u8]) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    s.set_write_timeout(Some(Duration::from_secs(20)))?;
    let _ = s.write_all(req);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    parse_response(&buf)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::ConnectionReset, "no response"))
}

pub fn parse_response(buf: &[u8]) -> Option<Resp> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&buf[..end]).to_string();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&buf[end + 4..]).to_string(),
    })
}

pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn post_raw(
    addr: SocketAddr,
    path: &str,
    content_type: &str,
    body: &[u8],
    json: bool,
) -> std::io::Result<Resp> {
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    )
    .into_bytes();
    if json {
        req.extend_from_slice(b"Accept: application/json\r\n");
    }
    req.extend_from_slice(b"\r\n");
    req.extend_from_slice(body);
    raw(addr, &req)
}

pub fn post(addr: SocketAddr, path: &str, fields: &[(&str, &str)], json: bool) -> Resp {
    post_raw(
        addr,
        path,
        "application/x-www-form-urlencoded",
        form(fields).as_bytes(),
        json,
    )
    .unwrap()
}

pub fn get(addr: SocketAddr, path: &str, json: bool) -> Resp {
    let accept = if json {
        "Accept: application/json\r\n"
    } else {
        ""
    };
    raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{accept}Connection: close\r\n\r\n")
            .as_bytes(),
    )
    .unwrap()
}

/// A valid comment on `open-one`.
pub fn comment(addr: SocketAddr, opinion: &str, json: bool) -> Resp {
    post(
        addr,
        "/feedback/comment",
        &[
            ("consultation", "open-one"),
            ("opinion", opinion),
            ("consent", "on"),
            ("website", ""),
        ],
        json,
    )
}

fn status_field(pid: &str, field: &str) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Threads of a process (`self` or a pid).
pub fn threads(pid: &str) -> u64 {
    status_field(pid, "Threads:")
}

/// Peak resident memory in KiB.
pub fn peak_rss_kib(pid: &str) -> u64 {
    status_field(pid, "VmHWM:")
}

/// CPU time (user + system) of a process so far, in seconds.
pub fn cpu_secs(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which may hold spaces) in parentheses.
    let rest = stat.rsplit_once(") ").map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name; 100 Hz.
    (ticks(11) + ticks(12)) / 100.0
}

/// Resident memory in KiB.
pub fn rss_kib(pid: &str) -> u64 {
    status_field(pid, "VmRSS:")
}

/// The (receipt, hash) pairs the receivers acknowledged.
pub type Acked = Arc<std::sync::Mutex<Vec<(String, String)>>>;

/// `n` client threads posting comments to `open-one` until `stop` is set or `limit` has
/// passed, each attempt to the next of `addrs` (moving on when one refuses the connection);
/// every acknowledged (receipt, hash) is pushed to `acked`. With `tolerate_5xx` a 5xx answer
/// (a receiver being killed) counts as not acknowledged; otherwise any answer but 200 fails.
pub fn posting_clients(
    addrs: Vec<SocketAddr>,
    n: usize,
    limit: Duration,
    tolerate_5xx: bool,
    stop: Arc<std::sync::atomic::AtomicBool>,
    acked: Acked,
) -> Vec<std::thread::JoinHandle<()>> {
    use std::sync::atomic::Ordering;
    (0..n)
        .map(|c| {
            let addrs = addrs.clone();
            let stop = stop.clone();
            let acked = acked.clone();
            std::thread::spawn(move || {
                let deadline = std::time::Instant::now() + limit;
                let mut i = 0usize;
                while !stop.load(Ordering::Relaxed) && std::time::Instant::now() < deadline {
                    i += 1;
                    let addr = addrs[(c + i) % addrs.len()];
                    let body = form(&[
                        ("consultation", "open-one"),
                        ("opinion", &format!("客户端{c}的第{i}条意见")),
                        ("consent", "on"),
                    ]);
                    match post_raw(
                        addr,
                        "/feedback/comment",
                        "application/x-www-form-urlencoded",
                        body.as_bytes(),
                        true,
                    ) {
                        Ok(r) if r.status == 200 => {
                            let v = r.json();
                            acked.lock().unwrap().push((
                                v["receipt"].as_str().unwrap().to_string(),
                                v["hash"].as_str().unwrap().to_string(),
                            ));
                        }
                        Ok(r) if tolerate_5xx && r.status >= 500 => {}
                        Ok(r) => panic!("unexpected {}: {}", r.status, r.body),
                        Err(_) => std::thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        })
        .collect()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A site with one consultation `open-one` open at `NOW`, for the binary tests.
/// Valid for the real loader (`gongshi check --root` passes at NOW); keep it so.
pub fn write_site_fixture(root: &Path) {
    std::fs::create_dir_all(root.join("content/consultations")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        "title = \"枝江市人力资源和社会保障局\"\nbase_url = \"https://example.gov.cn/\"\n[organization]\nname = \"枝江市人力资源和社会保障局\"\ncode = \"ZJRS\"\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/consultations/open-one.md"),
        "---\ntitle: 关于《就业补贴办法（征求意见稿）》的意见征集\npublished: 2026-11-20\nsummary: 基本情况说明。\nbasis: 决策依据。\nreasons: 理由。\ndecision_type: 规范性文件\nopens: 2026-11-20 09:00\ncloses: 2026-12-15 00:00\nchannels: {form: true, email: rsj@example.gov.cn}\n---\n正文。\n",
    )
    .unwrap();
}

/// `gongshi` binary (needs the CLI wired: `gongshi feedback …`).
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gongshi")
}

/// Starts `gongshi feedback serve --init` (the database is created if missing) and waits
/// for its "listening" line.
pub fn spawn_server(root: &Path, db: &Path, port: u16, extra: &[&str]) -> std::process::Child {
    spawn_server_bin(bin(), root, db, port, extra)
}

/// [`spawn_server`] with another `gongshi` binary (benchmarks of a release build).
pub fn spawn_server_bin(
    program: &str,
    root: &Path,
    db: &Path,
    port: u16,
    extra: &[&str],
) -> std::process::Child {
    use std::io::BufRead;
    let mut child = std::process::Command::new(program)
        .args(["feedback", "serve", "--init", "--root"])
        .arg(root)
        .arg("--db")
        .arg(db)
        .args(["--addr", &format!("127.0.0.1:{port}"), "--now", NOW])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(out).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.contains("listening"),
        "unexpected first line: {first}"
    );
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    child
}

/// Server event lines (stderr) collected while a child runs.
pub type Lines = std::sync::Arc<std::sync::Mutex<Vec<String>>>;

pub fn lines_text(lines: &Lines) -> String {
    lines.lock().unwrap().join("\n")
}

/// A receiver process that is killed when the test ends, also when it fails.
pub struct Server(pub std::process::Child);

impl std::ops::Deref for Server {
    type Target = std::process::Child;
    fn deref(&self) -> &std::process::Child {
        &self.0
    }
}

impl std::ops::DerefMut for Server {
    fn deref_mut(&mut self) -> &mut std::process::Child {
        &mut self.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // No signal is sent to a child already waited for.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// How a started receiver process ended up: listening, or exited (with its code) first.
pub enum Started {
    Listening(Server, Lines),
    Exited(Option<i32>, Lines),
}

/// Runs `cmd` (a `gongshi feedback serve …`) with stdout and stderr captured and waits for
/// its "listening" line or its exit, whichever comes first (at most 30 s).
pub fn start_cmd(mut cmd: std::process::Command) -> Started {
    use std::io::BufRead;
    let mut child = Server(
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let lines: Lines = Default::default();
    let err = child.stderr.take().unwrap();
    let l2 = lines.clone();
    std::thread::spawn(move || {
        for l in std::io::BufReader::new(err).lines() {
            let Ok(l) = l else { break };
            eprintln!("[server] {l}");
            l2.lock().unwrap().push(l);
        }
    });
    let out = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut it = std::io::BufReader::new(out).lines();
        let first = it.next().and_then(|l| l.ok()).unwrap_or_default();
        let _ = tx.send(first);
        for _ in it {}
    });
    match rx.recv_timeout(Duration::from_secs(30)) {
        Ok(first) if first.contains("listening") => Started::Listening(child, lines),
        _ => {
            let code = wait_timeout(&mut child, Duration::from_secs(30));
            // Give the stderr reader a moment to collect the last lines.
            std::thread::sleep(Duration::from_millis(100));
            Started::Exited(code, lines)
        }
    }
}

/// Waits for the child to exit (killing it after `t`); its exit code.
pub fn wait_timeout(child: &mut std::process::Child, t: Duration) -> Option<i32> {
    let until = std::time::Instant::now() + t;
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st.code();
        }
        if std::time::Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not exit within {t:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `gongshi feedback serve --root R --db D --addr 127.0.0.1:P --now NOW` plus `extra`.
pub fn serve_cmd(root: &Path, db: &Path, port: u16, extra: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(bin());
    c.args(["feedback", "serve", "--root"])
        .arg(root)
        .arg("--db")
        .arg(db)
        .args(["--addr", &format!("127.0.0.1:{port}"), "--now", NOW])
        .args(extra);
    c
}

/// Sends SIGTERM to a child.
pub fn sigterm(child: &std::process::Child) {
    let ok = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -TERM failed");
}

/// `n` TCP connections to `addr` from the local address `from` (any 127.x.y.z on Linux).
pub fn connect_from(from: std::net::IpAddr, addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let sock = if from.is_ipv4() {
                tokio::net::TcpSocket::new_v4()
            } else {
                tokio::net::TcpSocket::new_v6()
            }
            .unwrap();
            sock.bind(SocketAddr::new(from, 0)).unwrap();
            let s = sock.connect(addr).await.unwrap().into_std().unwrap();
            s.set_nonblocking(false).unwrap();
            out.push(s);
        }
        out
    })
}

/// A raw request over an open stream; reads to EOF.
pub fn raw_on(mut s: TcpStream, req: &[u8]) -> std::io::Result<Resp> {
    s.set_read_timeout(Some(Duration::from_secs(20)))?;
    let _ = s.write_all(req);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    parse_response(&buf)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::ConnectionReset, "no response"))
}

/// A urlencoded POST with extra header lines (each ending in \r\n).
pub fn post_with(addr: SocketAddr, path: &str, fields: &[(&str, &str)], extra: &str) -> Resp {
    let body = form(fields);
    raw(
        addr,
        format!(
            "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
            body.len()
        )
        .as_bytes(),
    )
    .unwrap()
}

/// A site whose consultation `open-now` is open at the real clock (for servers without --now).
/// Its window stays short (14 days around today) so that the working days it spans are in
/// a year the shipped holiday calendar covers for as much of the year as possible: the
/// calendar refuses to count days of an uncovered year.
pub fn write_site_open_now(root: &Path) {
    write_site_fixture(root);
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").unwrap();
    let now = Timestamp::now().to_zoned_datetime(tz);
    let opens = now
        .saturating_sub(jiff::Span::new().days(5))
        .strftime("%Y-%m-%d %H:%M");
    let closes = now
        .saturating_add(jiff::Span::new().days(9))
        .strftime("%Y-%m-%d %H:%M");
    std::fs::write(
        root.join("content/consultations/open-now.md"),
        format!("---\ntitle: 正在征求意见的办法\npublished: {}\nsummary: 基本情况说明。\nbasis: 决策依据。\nreasons: 理由。\ndecision_type: 规范性文件\nopens: {opens}\ncloses: {closes}\nchannels: {{form: true, email: rsj@example.gov.cn}}\n---\n正文。\n", now.strftime("%Y-%m-%d")),
    )
    .unwrap();
    // The window follows the real clock, so near the end of a year it reaches into the next
    // one; until the State Council's arrangement for that year ships in data/holidays, the
    // calendar (rightly) refuses uncovered dates. The test is about the clock, not the
    // holidays: give the fixture site an empty, clearly labelled arrangement for such years.
    let first = now.year() - 1;
    for year in first..=now.year() + 1 {
        let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("data/holidays/{year}.yaml"));
        if !shipped.exists() {
            std::fs::create_dir_all(root.join("calendar")).unwrap();
            std::fs::write(
                root.join(format!("calendar/{year}.yaml")),
                format!("year: {year}\nsource:\n  - \"测试夹具：本年度安排尚未发布（非官方数据）\"\nholidays: []\nworkdays: []\n"),
            )
            .unwrap();
        }
    }
}
