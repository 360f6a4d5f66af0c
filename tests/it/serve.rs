//! End-to-end tests of `gongshi serve`: the real binary on a copy of the example site, spoken
//! to over raw HTTP/1.1.

// A test crate: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const NOW: &str = "2026-11-25T10:00:00+08:00";
const RECORD: &str = "content/documents/notice-winter-wage-campaign.md";
const RECORD_URL: &str = "/documents/notice-winter-wage-campaign/";
/// How long a change may take to show (generous: CI machines are shared).
const CHANGE_WAIT: Duration = Duration::from_secs(10);

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// A copy of the example site in a temporary folder.
fn example_site() -> tempfile::TempDir {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(src.join("site.toml"), tmp.path().join("site.toml")).unwrap();
    for d in ["content", "themes", "calendar"] {
        if src.join(d).is_dir() {
            copy_dir(&src.join(d), &tmp.path().join(d));
        }
    }
    tmp
}

/// The running server; killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(root: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["serve", "--addr", "127.0.0.1:0", "--now", NOW, "--root"])
        .arg(root)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(url) = line.strip_prefix("预览地址：") {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let url = match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(u) => u,
        Err(_) => {
            let _ = child.kill();
            panic!("the server did not print its address");
        }
    };
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    Server { child, addr }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request, sent exactly as given (the target is not normalised).
fn request(addr: &str, method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
    request_with_body(addr, method, target, headers, "")
}

fn request_with_body(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

fn get(addr: &str, target: &str) -> Reply {
    request(addr, "GET", target, &[])
}

/// Poll `target` until `ok` holds (bounded).
fn wait_for(addr: &str, target: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
    let start = Instant::now();
    loop {
        let r = get(addr, target);
        if ok(&r) || start.elapsed() > CHANGE_WAIT {
            return r;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let p = root.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} contains {from}");
    std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn an_edited_record_is_served_and_open_pages_are_told_to_reload() {
    let site = example_site();
    let srv = serve(site.path(), &[]);
    let page = get(&srv.addr, RECORD_URL);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("/__gongshi/events"), "reload script");

    // Listen to the event stream first (same address as the pages).
    let mut sse = TcpStream::connect(&srv.addr).unwrap();
    sse.set_read_timeout(Some(CHANGE_WAIT)).unwrap();
    write!(
        sse,
        "GET /__gongshi/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        srv.addr
    )
    .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("event: hello") {
        let n = sse.read(&mut buf).unwrap();
        assert!(n > 0, "stream closed: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    assert!(seen.contains("text/event-stream"));

    edit(
        site.path(),
        RECORD,
        "为切实保障劳动者",
        "【预览测试新文字】为切实保障劳动者",
    );
    let start = Instant::now();
    while !seen.contains("event: reload") {
        let n = sse.read(&mut buf).unwrap_or(0);
        assert!(
            n > 0 || start.elapsed() < CHANGE_WAIT,
            "no reload event: {seen}"
        );
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let page = wait_for(&srv.addr, RECORD_URL, |r| {
        r.text().contains("【预览测试新文字】")
    });
    assert!(page.text().contains("【预览测试新文字】"));
    // Nothing was written to public/.
    assert!(!site.path().join("public").exists());
}

#[test]
fn a_broken_record_shows_the_overlay_until_it_is_fixed() {
    let site = example_site();
    let srv = serve(site.path(), &[]);
    let before = get(&srv.addr, RECORD_URL).text();
    assert!(!before.contains("gongshi-overlay"));

    edit(site.path(), RECORD, "\ntitle: ", "\ntitel: ");
    let page = wait_for(&srv.addr, "/", |r| r.text().contains("gongshi-overlay"));
    let text = page.text();
    assert!(text.contains("gongshi-overlay"), "overlay shown");
    assert!(
        text.contains(&format!("{RECORD}:2:1")),
        "file:line in overlay"
    );
    assert!(text.contains("未知字段“titel”"));
    // The last good site is still served under it.
    assert!(get(&srv.addr, RECORD_URL)
        .text()
        .contains("关于开展2026年冬季根治欠薪专项行动的通告"));

    edit(site.path(), RECORD, "\ntitel: ", "\ntitle: ");
    let page = wait_for(&srv.addr, "/", |r| !r.text().contains("gongshi-overlay"));
    assert!(!page.text().contains("gongshi-overlay"), "overlay gone");
}

#[test]
fn paths_never_leave_the_site() {
    let site = example_site();
    let srv = serve(site.path(), &[]);
    for target in [
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/..%2fsite.toml",
        "/static/..\\..\\site.toml",
        "/static/%2e%2e/%2e%2e/site.toml",
        "/site.toml",
        "/etc/passwd",
        "//etc/passwd",
        "/content/documents/notice-winter-wage-campaign.md",
    ] {
        let r = get(&srv.addr, target);
        assert_eq!(r.status, 404, "{target}");
        assert!(!r.text().contains("base_url"), "{target}");
    }
    // The site's own 404 page, with status 404.
    let r = get(&srv.addr, "/no-such-page/");
    assert_eq!(r.status, 404);
    assert!(r.text().contains("页面未找到"));
    assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
}

#[test]
fn head_conditional_requests_and_content_types() {
    let site = example_site();
    let srv = serve(site.path(), &[]);
    let css = get(&srv.addr, "/static/site.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    let len = css.header("Content-Length").unwrap().to_string();
    assert_eq!(len, css.body.len().to_string());

    let head = request(&srv.addr, "HEAD", "/static/site.css", &[]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("Content-Length"), Some(len.as_str()));
    assert!(head.body.is_empty());

    let etag = css.header("ETag").unwrap().to_string();
    let r = request(
        &srv.addr,
        "GET",
        "/static/site.css",
        &[("If-None-Match", &etag)],
    );
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    let r = request(
        &srv.addr,
        "GET",
        "/static/site.css",
        &[("If-None-Match", "\"other\"")],
    );
    assert_eq!(r.status, 200);
    let lm = css.header("Last-Modified").unwrap().to_string();
    let r = request(
        &srv.addr,
        "GET",
        "/static/site.css",
        &[("If-Modified-Since", &lm)],
    );
    assert_eq!(r.status, 304);

    let page = get(&srv.addr, "/");
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let etag = page.header("ETag").unwrap().to_string();
    let r = request(&srv.addr, "GET", "/", &[("If-None-Match", &etag)]);
    assert_eq!(r.status, 304);

    assert_eq!(
        get(&srv.addr, "/static/site.js").header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(
        get(&srv.addr, "/static/emblem.svg").header("Content-Type"),
        Some("image/svg+xml")
    );
    let pdf = get(
        &srv.addr,
        "/documents/subsidy-policy-2026/zhengce-qingdan.pdf",
    );
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("Content-Type"), Some("application/pdf"));

    // A folder without its slash is redirected within the site.
    let r = get(&srv.addr, "/documents");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("Location"), Some("/documents/"));
}

/// A form POST with a body.
fn post(addr: &str, target: &str, body: &str) -> Reply {
    let len = body.len().to_string();
    request_with_body(
        addr,
        "POST",
        target,
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Content-Length", &len),
        ],
        body,
    )
}

#[test]
fn a_comment_posted_in_the_preview_gets_a_receipt_from_the_real_receiver() {
    let site = example_site();
    let srv = serve(site.path(), &[]);
    // 建议提高补贴标准 (the open consultation of the example site)
    let body = "consultation=skills-subsidy-measures&opinion=%E5%BB%BA%E8%AE%AE%E6%8F%90%E9%AB%98%E8%A1%A5%E8%B4%B4%E6%A0%87%E5%87%86&consent=yes";
    let r = post(&srv.addr, "/feedback/comment", body);
    assert_eq!(r.status, 303, "{}", r.text());
    let location = r.header("Location").unwrap().to_string();
    assert!(location.starts_with("/receipt/"), "{location}");
    let receipt = get(&srv.addr, &location);
    assert_eq!(receipt.status, 200);
    let no = location
        .trim_start_matches("/receipt/")
        .split('?')
        .next()
        .unwrap();
    assert!(receipt.text().contains(no), "{}", receipt.text());
    // The receipt page is inside the site frame (issue 20): the site's header, navigation,
    // footer and stylesheet, served by the preview on the same address; a link back to the
    // consultation.
    for part in [
        "href=\"/static/site.css\"",
        "class=\"masthead\"",
        "class=\"site-footer\"",
        "<a href=\"/consultations/skills-subsidy-measures/\">返回征集页面：",
    ] {
        assert!(
            receipt.text().contains(part),
            "no {part}: {}",
            receipt.text()
        );
    }
    let css = get(&srv.addr, "/static/site.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert!(css.text().contains(".receipt-panel"), "{}", css.text());
    // The receiver's own small stylesheet stays for a site it cannot frame.
    let css = get(&srv.addr, "/feedback/style.css");
    assert_eq!(css.status, 200);
    // The search without scripts is the receiver's too (失业金: the synonym list).
    let found = get(&srv.addr, "/feedback/search?q=%E5%A4%B1%E4%B8%9A%E9%87%91");
    assert_eq!(found.status, 200);
    assert!(
        found.text().contains("value=\"失业金\"")
            && found
                .text()
                .contains("href=\"/procedures/unemployment-benefit/\"")
            && found.text().contains("class=\"masthead\""),
        "{}",
        found.text()
    );
    // A closed consultation refuses, and nothing leaves the preview's own origin.
    let r = post(
        &srv.addr,
        "/feedback/comment",
        "consultation=gig-market-measures&opinion=x",
    );
    assert!((400..500).contains(&r.status), "{}", r.status);
    let r = request(&srv.addr, "DELETE", "/", &[]);
    assert_eq!(r.status, 405);
}

#[test]
fn many_connections_at_once_are_all_answered() {
    let site = example_site();
    let srv = serve(site.path(), &[]);
    // Event streams held open on the same listener do not keep pages from being answered.
    let streams: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut s = TcpStream::connect(&srv.addr).unwrap();
            write!(
                s,
                "GET /__gongshi/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
            )
            .unwrap();
            s
        })
        .collect();
    let handles: Vec<_> = (0..32)
        .map(|_| {
            let addr = srv.addr.clone();
            std::thread::spawn(move || get(&addr, "/").status)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    drop(streams);
}

#[test]
fn a_site_that_has_never_built_shows_the_overlay_not_a_bare_404() {
    let site = example_site();
    edit(site.path(), RECORD, "\ntitle: ", "\ntitel: ");
    let srv = serve(site.path(), &[]);
    for target in ["/", RECORD_URL, "/no/such/page/"] {
        let page = wait_for(&srv.addr, target, |r| r.text().contains("gongshi-overlay"));
        let text = page.text();
        assert_eq!(page.status, 503, "{target}: {text}");
        assert!(text.contains("gongshi-overlay"), "{target}: {text}");
        assert!(text.contains("网站还不能生成"), "{target}: {text}");
        assert!(text.contains("网站还没有成功生成过"), "{target}: {text}");
        assert!(!text.contains("上一次成功生成的网站"), "{target}: {text}");
        assert!(text.contains(&format!("{RECORD}:2:1")), "{target}: {text}");
        assert!(text.contains("/__gongshi/events"), "reload script: {text}");
    }
    // Fixed, the site is served.
    edit(site.path(), RECORD, "\ntitel: ", "\ntitle: ");
    let page = wait_for(&srv.addr, "/", |r| r.status == 200);
    assert_eq!(page.status, 200);
    assert!(!page.text().contains("gongshi-overlay"));
}

/// One request written exactly as given; the status of the answer (0 when the connection
/// was closed without one).
fn raw_status(addr: &str, request: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    String::from_utf8_lossy(&raw)
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn requests_for_other_host_names_are_refused() {
    // DNS rebinding: a page of attacker.example, its name now resolving to 127.0.0.1, asks
    // for the drafts with its own name in Host.
    let site = example_site();
    let srv = serve(site.path(), &["--allow-host", "preview.bureau.test"]);
    let port = srv.addr.rsplit(':').next().unwrap().to_string();
    let get_as = |host: &str| {
        raw_status(
            &srv.addr,
            &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        )
    };
    assert_eq!(get_as(&format!("attacker.example:{port}")), 421);
    assert_eq!(get_as(&format!("127.0.0.1.attacker.example:{port}")), 421);
    assert_eq!(get_as(&format!("localhost.attacker.example:{port}")), 421);
    assert_eq!(get_as(&format!("localhost:{port}")), 200);
    assert_eq!(get_as(&format!("127.0.0.1:{port}")), 200);
    assert_eq!(get_as(&format!("[::1]:{port}")), 200);
    assert_eq!(get_as(&format!("preview.bureau.test:{port}")), 200);
    // The refusal says what to do, in Chinese, and closes the connection although the client
    // asked to keep it (`Connection: close`, after which the server sends nothing more).
    let mut s = TcpStream::connect(&srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(b"GET / HTTP/1.1\r\nHost: attacker.example\r\n\r\n")
        .unwrap();
    let mut page = String::new();
    s.read_to_string(&mut page).unwrap();
    assert!(page.contains("--allow-host"), "{page}");
    assert!(
        page.to_ascii_lowercase()
            .contains("\r\nconnection: close\r\n"),
        "{page}"
    );
    // HTTP/1.1 without Host, or with two, is a bad request (RFC 9112).
    assert_eq!(
        raw_status(&srv.addr, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"),
        400
    );
    assert_eq!(
        raw_status(
            &srv.addr,
            &format!("GET / HTTP/1.1\r\nHost: localhost:{port}\r\nHost: attacker.example\r\n\r\n")
        ),
        400
    );
    // Forms and the event stream are behind the same check.
    assert_eq!(
        raw_status(
            &srv.addr,
            "POST /feedback/comment HTTP/1.1\r\nHost: attacker.example\r\nContent-Length: 3\r\n\r\na=b"
        ),
        421
    );
    let mut s = TcpStream::connect(&srv.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"GET /__gongshi/events HTTP/1.1\r\nHost: attacker.example\r\n\r\n")
        .unwrap();
    let mut head = [0u8; 64];
    let n = s.read(&mut head).unwrap_or(0);
    assert!(
        String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 421"),
        "{}",
        String::from_utf8_lossy(&head[..n])
    );
}

/// Threads of a process (Linux).
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|d| d.count())
        .unwrap_or(0)
}

#[cfg(target_os = "linux")]
#[test]
fn idle_connections_take_bounded_threads_and_are_closed() {
    let site = example_site();
    let srv = serve(site.path(), &[]);
    let pid = srv.child.id();
    let before = threads(pid);
    // 300 connections that never send a request (half-open, as from a port scanner or a
    // slow client).
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(&srv.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let during = threads(pid);
    assert!(
        during < before + 80,
        "{during} threads with 300 idle connections ({before} before)"
    );
    // Those past the limit were answered 503 and closed at once; the others are closed when
    // their time to send a request is over.
    let start = Instant::now();
    let mut open = 0;
    for mut s in idle {
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut buf = Vec::new();
        match s.read_to_end(&mut buf) {
            Ok(_) => {}
            Err(_) => open += 1,
        }
    }
    assert_eq!(open, 0, "connections never closed");
    assert!(
        start.elapsed() < Duration::from_secs(25),
        "{:?}",
        start.elapsed()
    );
    // And the preview answers again, with its threads back.
    assert_eq!(get(&srv.addr, "/").status, 200);
    std::thread::sleep(Duration::from_millis(500));
    assert!(threads(pid) <= before + 4, "{} threads after", threads(pid));
}

#[test]
fn a_request_over_the_connection_limit_is_answered_503() {
    let site = example_site();
    let srv = serve(site.path(), &[]);
    // 64 connections for pages and 64 for event streams, all taken by silent clients.
    let idle: Vec<TcpStream> = (0..128)
        .map(|_| TcpStream::connect(&srv.addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let r = get(&srv.addr, "/");
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.text().contains("预览服务正忙"), "{}", r.text());
    drop(idle);
    let start = Instant::now();
    let r = loop {
        let r = get(&srv.addr, "/");
        if r.status == 200 || start.elapsed() > CHANGE_WAIT {
            break r;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(r.status, 200);
}

#[cfg(unix)]
#[test]
fn an_attachment_turned_into_a_link_is_not_served() {
    let site = example_site();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.txt");
    std::fs::write(&secret, "TOP-SECRET 服务器上的文件").unwrap();
    let srv = serve(site.path(), &[]);
    let pdf = "/documents/subsidy-policy-2026/zhengce-qingdan.pdf";
    let real = get(&srv.addr, pdf);
    assert_eq!(real.status, 200);
    // A link in place of the attachment (as a merge request can commit one): the rebuild
    // refuses it, and the last good build, which still lists the file, must not follow it.
    let file = site
        .path()
        .join("content/documents/subsidy-policy-2026/zhengce-qingdan.pdf");
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(&secret, &file).unwrap();
    let page = wait_for(&srv.addr, "/", |r| r.text().contains("gongshi-overlay"));
    assert!(page.text().contains("content.symlink") || page.text().contains("符号链接"));
    let r = get(&srv.addr, pdf);
    assert!(!r.text().contains("TOP-SECRET"), "{}", r.text());
    assert_ne!(r.status, 200);
}

/// `gongshi serve` with `TMPDIR` set, printing its address; returns the child and address.
#[cfg(unix)]
fn serve_with_tmpdir(root: &Path, tmp: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["serve", "--addr", "127.0.0.1:0", "--now", NOW, "--root"])
        .arg(root)
        .env("TMPDIR", tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some(url) = line.strip_prefix("预览地址：") {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let url = rx.recv_timeout(Duration::from_secs(120)).unwrap();
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    Server { child, addr }
}

#[cfg(unix)]
#[test]
fn the_preview_database_is_private_fresh_and_removed_on_ctrl_c_and_sigterm() {
    use std::os::unix::fs::PermissionsExt;
    let site = example_site();
    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let tmp = tempfile::tempdir().unwrap();
        let mut srv = serve_with_tmpdir(site.path(), tmp.path());
        let pid = srv.child.id();
        // A comment typed into the preview is in the database.
        let body = "consultation=skills-subsidy-measures&opinion=%E5%BB%BA%E8%AE%AE&consent=yes";
        assert_eq!(post(&srv.addr, "/feedback/comment", body).status, 303);
        let dirs: Vec<PathBuf> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(dirs.len(), 1, "{dirs:?}");
        let dir = &dirs[0];
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("gongshi-preview-"), "{name}");
        // Not a name anyone could guess and make first.
        assert_ne!(name, format!("gongshi-preview-{pid}"));
        let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{dir:?}");
        assert!(dir.join("feedback.db").is_file());

        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let start = Instant::now();
        let status = loop {
            if let Some(s) = srv.child.try_wait().unwrap() {
                break s;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "still running");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(status.code(), Some(code), "SIG{signal}");
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert!(left.is_empty(), "SIG{signal} left {left:?}");
    }
}
