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

/// The event stream's address, from the redirect the main address answers with.
fn events_addr(addr: &str) -> String {
    let r = get(addr, "/__gongshi/events");
    assert_eq!(r.status, 307);
    r.header("Location")
        .unwrap()
        .trim_start_matches("http://")
        .trim_end_matches("/__gongshi/events")
        .to_string()
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

    // Listen to the event stream first (it has a listener of its own).
    let events = events_addr(&srv.addr);
    let mut sse = TcpStream::connect(&events).unwrap();
    sse.set_read_timeout(Some(CHANGE_WAIT)).unwrap();
    write!(
        sse,
        "GET /__gongshi/events HTTP/1.1\r\nHost: {events}\r\nAccept: text/event-stream\r\n\r\n"
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
    // Event streams held open do not take the page workers.
    let events = events_addr(&srv.addr);
    let streams: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut s = TcpStream::connect(&events).unwrap();
            write!(s, "GET /__gongshi/events HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
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
