//! The receiver against hostile networks (issue 17, in-process server over loopback):
//! connection hogs, floods and offices behind one address, cross-site posts, Host headers,
//! invisible characters, foreign page addresses, the event log, health, and draining.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::{IpAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::feedback_common::*;
use gongshi::feedback::{LogSink, RateLimit};

fn lo(last: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, last])
}

/// One address holding ≥ 1,024 idle connections must not stall anyone else.
#[test]
fn one_address_holding_1100_idle_connections_does_not_stall_others() {
    // Default limits: 1,024 connections, header timeout, per-address cap.
    let s = TestServer::start();
    let t = Instant::now();
    let mut hog = connect_from(lo(2), s.addr, 1100);
    eprintln!("1100 connections opened in {:?}", t.elapsed());
    // Someone else posts at once and is answered at once.
    let t = Instant::now();
    let mut c = connect_from(lo(3), s.addr, 1);
    let body = form(&[("consultation", "open-one"), ("opinion", "别的地址的意见")]);
    let r = raw_on(
        c.pop().unwrap(),
        format!("POST /feedback/comment HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", s.addr, body.len()).as_bytes(),
    )
    .unwrap();
    let waited = t.elapsed();
    assert_eq!(r.status, 200, "{r:?}");
    assert!(
        waited < Duration::from_secs(2),
        "a post from another address waited {waited:?} behind one address's idle connections"
    );
    // The hog's connections beyond its cap were closed right away.
    let mut closed = 0;
    for h in &mut hog {
        h.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
        let mut b = [0u8; 64];
        match h.read(&mut b) {
            Ok(0) => closed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => closed += 1,
            _ => {}
        }
    }
    assert!(
        closed >= 1100 - 64,
        "only {closed} of the hog's 1100 connections were closed"
    );
    assert_eq!(s.stored(), 1);
}

/// With a trusted proxy: 30 people behind one (NAT) address all get through; one flooding
/// address is held to its allowance plus half the shared pool; IPv6 counts per /64.
#[test]
fn an_office_behind_one_address_gets_through_a_flood_does_not() {
    let s = TestServer::start_with(|o| {
        o.trust_proxy = true;
        o.rate_limit = RateLimit::per_minute(10);
        o.shared_rate_limit = RateLimit::per_minute(100);
    });
    let as_client = |ip: &str, text: &str| {
        post_with(
            s.addr,
            "/feedback/comment",
            &[("consultation", "open-one"), ("opinion", text)],
            &format!("X-Real-IP: {ip}\r\nX-Forwarded-For: {ip}\r\n"),
        )
        .status
    };
    // A flood from one address first.
    let mut flood_ok = 0;
    for i in 0..200 {
        match as_client("198.51.100.66", &format!("灌水 {i}")) {
            200 => flood_ok += 1,
            429 => {}
            other => panic!("flood got {other}"),
        }
    }
    assert!(
        (10..=60).contains(&flood_ok),
        "one address got {flood_ok} of 200 through"
    );
    // Then a village office: 30 people, one address, within the same minute.
    for i in 0..30 {
        assert_eq!(
            as_client("203.0.113.9", &format!("村委会第{i}位村民的意见")),
            200,
            "person {i} of the office was refused"
        );
    }
    // Someone else is unaffected.
    assert_eq!(as_client("192.0.2.1", "另一个人"), 200);
    assert_eq!(s.stored(), flood_ok + 31);
}

#[test]
fn ipv6_clients_are_limited_per_64() {
    let s = TestServer::start_with(|o| {
        o.trust_proxy = true;
        o.rate_limit = RateLimit::per_minute(2);
        o.shared_rate_limit = RateLimit::OFF;
    });
    let from = |ip: &str, i: usize| {
        post_with(
            s.addr,
            "/feedback/comment",
            &[
                ("consultation", "open-one"),
                ("opinion", &format!("v6 {ip} {i}")),
            ],
            &format!("X-Real-IP: {ip}\r\n"),
        )
        .status
    };
    assert_eq!(from("2001:db8:1:2::a", 0), 200);
    assert_eq!(from("2001:db8:1:2:ffff::b", 1), 200);
    assert_eq!(from("2001:db8:1:2::c", 2), 429, "same /64 shares one limit");
    assert_eq!(
        from("2001:db8:1:3::a", 3),
        200,
        "another /64 is another client"
    );
}

#[test]
fn cross_site_posts_are_refused_same_site_and_absent_origin_accepted() {
    let s = TestServer::start();
    let with_origin = |origin: &str, text: &str| {
        post_with(
            s.addr,
            "/feedback/comment",
            &[("consultation", "open-one"), ("opinion", text)],
            &format!("Origin: {origin}\r\n"),
        )
    };
    let r = with_origin("https://evil.example", "跨站提交");
    assert_eq!(r.status, 403, "{r:?}");
    assert_eq!(r.json()["error"], "cross_site");
    assert_eq!(with_origin("null", "沙箱框架").status, 403);
    assert_eq!(
        with_origin("https://example.gov.cn.evil.example", "仿冒域名").status,
        403
    );
    assert_eq!(s.stored(), 0);
    // The site's own pages (base_url host, its www., the request's own host) and no Origin.
    assert_eq!(with_origin("https://example.gov.cn", "本站").status, 200);
    assert_eq!(
        with_origin("https://www.example.gov.cn", "本站 www").status,
        200
    );
    assert_eq!(
        with_origin(&format!("http://{}", s.addr), "同源").status,
        200
    );
    assert_eq!(comment(s.addr, "没有 Origin", true).status, 200);
    assert_eq!(s.stored(), 4);
}

#[test]
fn http11_without_host_or_with_two_hosts_gets_400() {
    let s = TestServer::start();
    let body = form(&[("consultation", "open-one"), ("opinion", "无 Host")]);
    let no_host = format!("POST /feedback/comment HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    assert_eq!(raw(s.addr, no_host.as_bytes()).unwrap().status, 400);
    let two = format!("POST /feedback/comment HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    assert_eq!(raw(s.addr, two.as_bytes()).unwrap().status, 400);
    assert_eq!(
        raw(
            s.addr,
            b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap()
        .status,
        400
    );
    // HTTP/1.0 needs no Host.
    assert_eq!(
        raw(s.addr, b"GET /healthz HTTP/1.0\r\n\r\n")
            .unwrap()
            .status,
        200
    );
    assert_eq!(s.stored(), 0);
}

#[test]
fn invisible_only_comments_are_refused_bidi_controls_removed() {
    let s = TestServer::start();
    for invisible in [
        "\u{200B}\u{200B}\u{200B}",
        "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}",
        " \u{3000}\u{200B}\n\u{3164}",
        "\u{202E}\u{202C}",
    ] {
        let r = post(
            s.addr,
            "/feedback/comment",
            &[("consultation", "open-one"), ("opinion", invisible)],
            true,
        );
        assert_eq!(r.status, 400, "{invisible:?}: {r:?}");
    }
    assert_eq!(s.stored(), 0);
    let r = post(
        s.addr,
        "/feedback/comment",
        &[
            ("consultation", "open-one"),
            ("opinion", "同意\u{202E}意同不\u{202C}此条"),
            ("name", "\u{200B}\u{200B}"),
            ("consent", "on"),
        ],
        true,
    );
    assert_eq!(r.status, 200, "{r:?}");
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let (text, name): (String, Option<String>) = conn
        .query_row("SELECT text, name FROM private", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(text, "同意意同不此条");
    assert_eq!(name, None);
    let record: String = conn
        .query_row("SELECT record FROM entries", [], |r| r.get(0))
        .unwrap();
    assert!(!record.contains('\u{202E}'));
}

#[test]
fn a_correction_must_name_a_page_of_the_site() {
    let s = TestServer::start();
    let correction = |page: &str| {
        post(
            s.addr,
            "/feedback/correction",
            &[("page", page), ("description", "电话号码有误")],
            false,
        )
    };
    for bad in [
        "https://evil.example/phish",
        "//evil.example/x",
        "javascript:alert(1)",
        "http://example.gov.cn.evil.example/",
    ] {
        let r = correction(bad);
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.body.contains("本网站"), "{bad}");
        assert!(
            r.body.contains("电话号码有误"),
            "the description is given back"
        );
    }
    assert_eq!(s.stored(), 0);
    for good in [
        "https://example.gov.cn/fees/a/",
        "/fees/a/",
        "example.gov.cn/fees/b/",
        "",
    ] {
        assert_eq!(correction(good).status, 303, "{good:?}");
    }
    assert_eq!(s.stored(), 4);
}

fn collecting_log() -> (LogSink, Arc<Mutex<Vec<String>>>) {
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let l2 = lines.clone();
    (
        LogSink::with(move |l| l2.lock().unwrap().push(l.to_string())),
        lines,
    )
}

/// Start, refusals by kind (counts only, no addresses or content) and stop are logged, one
/// line each; /healthz probes the store through the writer.
#[test]
fn events_are_logged_without_personal_data() {
    let (log, lines) = collecting_log();
    let mut s = TestServer::start_with(|o| {
        o.log = log;
        o.trust_proxy = true;
        o.rate_limit = RateLimit::per_minute(1);
        o.shared_rate_limit = RateLimit::OFF;
    });
    let secret_text = "我的手机号13800001111";
    let from = |ip: &str, origin: &str| {
        post_with(
            s.addr,
            "/feedback/comment",
            &[
                ("consultation", "open-one"),
                ("opinion", secret_text),
                ("contact", "13800001111"),
            ],
            &format!("X-Real-IP: {ip}\r\n{origin}"),
        )
        .status
    };
    assert_eq!(from("203.0.113.77", ""), 200);
    assert_eq!(from("203.0.113.77", ""), 429);
    assert_eq!(
        from("203.0.113.78", "Origin: https://evil.example\r\n"),
        403
    );
    assert_eq!(get(s.addr, "/nope", false).status, 404);
    let h = get(s.addr, "/healthz", false);
    assert_eq!(h.status, 200);
    assert_eq!(h.body, "ok\n");
    s.handle.take().unwrap().shutdown().unwrap();
    let all = lines.lock().unwrap().clone();
    let text = all.join("\n");
    eprintln!("{text}");
    assert!(
        all[0].starts_with("level=warn event=db_created db="),
        "{text}"
    );
    assert!(
        all[1].starts_with("level=info event=start addr=127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("trust_proxy=true"));
    let summary = all
        .iter()
        .find(|l| l.contains("event=summary"))
        .expect("a summary line at stop");
    for part in [
        "accepted=1",
        "rate_limited=1",
        "cross_site=1",
        "not_found=1",
        "refused=3",
    ] {
        assert!(summary.contains(part), "{part} missing in {summary}");
    }
    assert!(text.contains("event=stopping reason=stop"));
    assert!(
        all.last()
            .unwrap()
            .starts_with("level=info event=stop reason=stop"),
        "{text}"
    );
    for personal in ["203.0.113", "13800001111", "手机号"] {
        assert!(!text.contains(personal), "the log shows {personal}");
    }
    for l in &all {
        assert!(l.starts_with("level="), "{l}");
    }
}

/// Stopping lets a request in flight finish (its body still arriving) and refuses new
/// connections; a request that never finishes is cut after the drain time.
#[test]
fn stopping_finishes_requests_in_flight_within_the_drain_time() {
    let (log, lines) = collecting_log();
    let mut s = TestServer::start_with(|o| {
        o.log = log;
        o.limits.drain_timeout = Duration::from_millis(1500);
    });
    let addr = s.addr;
    let body = form(&[
        ("consultation", "open-one"),
        ("opinion", "停机时正在提交的意见"),
    ]);
    let (head, tail) = body.split_at(body.len() / 2);
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(format!("POST /feedback/comment HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{head}", body.len()).as_bytes()).unwrap();
    // One that will never finish its body.
    let mut stuck = TcpStream::connect(addr).unwrap();
    stuck
        .write_all(b"POST /feedback/comment HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nconsul")
        .unwrap();
    // An idle keep-alive connection: closed at once on stop.
    let mut idle = TcpStream::connect(addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let handle = s.handle.take().unwrap();
    let t = Instant::now();
    let stopper = std::thread::spawn(move || handle.shutdown());
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err(),
        "new connections must be refused while draining"
    );
    idle.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    assert_eq!(
        idle.read(&mut [0u8; 16]).unwrap_or(0),
        0,
        "idle connection closed"
    );
    slow.write_all(tail.as_bytes()).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = Vec::new();
    let _ = slow.read_to_end(&mut buf);
    let r = parse_response(&buf).expect("the request in flight was answered");
    assert_eq!(r.status, 200, "{r:?}");
    stopper.join().unwrap().unwrap();
    let took = t.elapsed();
    assert!(
        took < Duration::from_secs(4),
        "the stop took {took:?} (drain time 1.5 s)"
    );
    stuck
        .set_read_timeout(Some(Duration::from_secs(1)))
        .unwrap();
    let _ = stuck.read(&mut [0u8; 16]);
    assert_eq!(gongshi::feedback::stats(&s.db).unwrap().total, 1);
    let text = lines.lock().unwrap().join("\n");
    assert!(
        text.contains("event=stopping reason=stop open_connections=3"),
        "{text}"
    );
    assert!(
        text.contains("level=warn event=stop reason=stop drained=2 cut=1"),
        "{text}"
    );
}
