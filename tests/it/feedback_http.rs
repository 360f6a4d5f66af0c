//! The receiver against bad and good input, over real loopback HTTP (in-process server).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::feedback_common::*;
use gongshi::feedback::RateLimit;

fn assert_security_headers(r: &Resp) {
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert!(r
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'self'"));
    assert!(r.header("referrer-policy").is_some());
}

#[test]
fn valid_comment_redirects_to_receipt_and_json_works() {
    let s = TestServer::start();
    let r = comment(s.addr, "建议提高补贴标准。", false);
    assert_eq!(r.status, 303, "{r:?}");
    assert_security_headers(&r);
    let loc = r.header("location").unwrap().to_string();
    assert!(
        loc.starts_with("/receipt/ZJ20261125-0001-") && loc.ends_with("?new=1"),
        "{loc}"
    );
    let page = get(s.addr, &loc, false);
    assert_eq!(page.status, 200);
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.body.contains("提交成功"));
    let receipt = loc
        .trim_start_matches("/receipt/")
        .trim_end_matches("?new=1");
    assert!(page.body.contains(receipt));
    assert!(
        !page.body.contains("建议提高补贴标准"),
        "receipt page must not show content"
    );

    let j = comment(s.addr, "另一条意见", true);
    assert_eq!(j.status, 200);
    let v = j.json();
    assert_eq!(v["hash"].as_str().unwrap().len(), 64);
    assert_eq!(v["received"], NOW);
    assert!(v["receipt"]
        .as_str()
        .unwrap()
        .starts_with("ZJ20261125-0002-"));
    assert_eq!(s.stored(), 2);
    assert_eq!(get(s.addr, "/healthz", false).status, 200);
}

#[test]
fn identical_resubmission_returns_the_same_receipt() {
    let s = TestServer::start();
    // The page's form token and identical fields make a resubmission (tests/feedback_dedup.rs
    // has the cases that are not).
    let fields = [
        ("consultation", "open-one"),
        ("opinion", "第三条应当明确申请期限。"),
        ("contact", "13800000000"),
        ("token", "0123456789abcdef0123456789abcdef"),
    ];
    let a = post(s.addr, "/feedback/comment", &fields, true).json();
    let b = post(s.addr, "/feedback/comment", &fields, true).json();
    assert_eq!(a["receipt"], b["receipt"]);
    assert_eq!(a["hash"], b["hash"]);
    assert_eq!(b["duplicate"], true);
    // Double click: concurrent identical posts.
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let addr = s.addr;
            std::thread::spawn(move || {
                post(
                    addr,
                    "/feedback/comment",
                    &[
                        ("consultation", "open-one"),
                        ("opinion", "同时提交"),
                        ("contact", "x@y.cn"),
                        ("token", "fedcba9876543210fedcba9876543210"),
                    ],
                    true,
                )
                .json()["receipt"]
                    .clone()
            })
        })
        .collect();
    let receipts: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(receipts.iter().all(|r| *r == receipts[0]));
    assert_eq!(s.stored(), 2);
    // A different contact is a different comment.
    let c = post(
        s.addr,
        "/feedback/comment",
        &[
            ("consultation", "open-one"),
            ("opinion", "第三条应当明确申请期限。"),
            ("contact", "other"),
            ("token", "0123456789abcdef0123456789abcdef"),
        ],
        true,
    )
    .json();
    assert_ne!(c["receipt"], a["receipt"]);
}

#[test]
fn refusals_have_their_status_and_store_nothing() {
    let s = TestServer::start();
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, u16);
    let cases: Vec<Case> = vec![
        (
            "unknown",
            vec![("consultation", "no-such"), ("opinion", "x")],
            404,
        ),
        (
            "bad id",
            vec![("consultation", "../etc"), ("opinion", "x")],
            404,
        ),
        (
            "closed",
            vec![("consultation", "closed-one"), ("opinion", "x")],
            403,
        ),
        (
            "not yet open",
            vec![("consultation", "future-one"), ("opinion", "x")],
            403,
        ),
        (
            "withdrawn",
            vec![("consultation", "withdrawn-one"), ("opinion", "x")],
            403,
        ),
        ("no opinion", vec![("consultation", "open-one")], 400),
        (
            "blank opinion",
            vec![("consultation", "open-one"), ("opinion", "   ")],
            400,
        ),
        (
            "honeypot",
            vec![
                ("consultation", "open-one"),
                ("opinion", "x"),
                ("website", "http://spam"),
            ],
            400,
        ),
        (
            "duplicate field",
            vec![
                ("consultation", "open-one"),
                ("opinion", "x"),
                ("opinion", "y"),
            ],
            400,
        ),
        (
            "control char",
            vec![("consultation", "open-one"), ("opinion", "a\u{0}b")],
            400,
        ),
    ];
    for (name, fields, status) in &cases {
        let r = post(s.addr, "/feedback/comment", fields, false);
        assert_eq!(r.status, *status, "{name}: {}", r.body);
        assert!(
            r.header("content-type").unwrap().starts_with("text/html"),
            "{name}"
        );
        assert!(r.body.contains("lang=\"zh-CN\""), "{name}");
        assert!(r.body.contains("未被保存"), "{name}");
        assert_security_headers(&r);
    }
    let long = "长".repeat(5001);
    let r = post(
        s.addr,
        "/feedback/comment",
        &[("consultation", "open-one"), ("opinion", &long)],
        true,
    );
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "invalid_form");
    let ok5000 = "长".repeat(5000);
    assert_eq!(
        post(
            s.addr,
            "/feedback/comment",
            &[("consultation", "open-one"), ("opinion", &ok5000)],
            true
        )
        .status,
        200
    );
    // Messages and corrections.
    assert_eq!(
        post(
            s.addr,
            "/feedback/message",
            &[("category", "表扬"), ("subject", "s"), ("message", "m")],
            false
        )
        .status,
        400
    );
    assert_eq!(
        post(
            s.addr,
            "/feedback/message",
            &[("category", "投诉"), ("subject", "s")],
            false
        )
        .status,
        400
    );
    assert_eq!(
        post(
            s.addr,
            "/feedback/correction",
            &[("page", "https://x/a/")],
            false
        )
        .status,
        400
    );
    assert_eq!(s.stored(), 1);
    let m = post(
        s.addr,
        "/feedback/message",
        &[
            ("category", "咨询"),
            ("subject", "办理时间"),
            ("message", "周六能办理吗？"),
            ("name", "王某"),
        ],
        true,
    );
    assert!(m.json()["receipt"]
        .as_str()
        .unwrap()
        .starts_with("LY20261125-0001-"));
    let c = post(
        s.addr,
        "/feedback/correction",
        &[
            ("page", "https://example.gov.cn/fees/a/"),
            ("description", "电话号码有误"),
        ],
        false,
    );
    assert_eq!(c.status, 303);
    assert!(c
        .header("location")
        .unwrap()
        .starts_with("/receipt/JC20261125-0001-"));
    assert_eq!(s.stored(), 3);
}

#[test]
fn wrong_content_type_invalid_utf8_and_big_bodies() {
    let s = TestServer::start();
    let body = form(&[("consultation", "open-one"), ("opinion", "x")]);
    for ct in [
        "multipart/form-data; boundary=xyz",
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded; charset=gbk",
    ] {
        let r = post_raw(s.addr, "/feedback/comment", ct, body.as_bytes(), false).unwrap();
        assert_eq!(r.status, 415, "{ct}");
    }
    let r = raw(s.addr, format!("POST /feedback/comment HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).as_bytes()).unwrap();
    assert_eq!(r.status, 415, "missing content type");
    // Invalid UTF-8, raw and percent-encoded; a broken escape.
    for bad in [
        &b"consultation=open-one&opinion=\xff\xfe"[..],
        b"consultation=open-one&opinion=%C3%28",
        b"consultation=open-one&opinion=%G1",
    ] {
        let r = post_raw(
            s.addr,
            "/feedback/comment",
            "application/x-www-form-urlencoded",
            bad,
            false,
        )
        .unwrap();
        assert_eq!(r.status, 400);
    }
    // 1 MiB body with Content-Length: 413 (or cut off), nothing stored.
    let big = format!("consultation=open-one&opinion={}", "a".repeat(1 << 20));
    match post_raw(
        s.addr,
        "/feedback/comment",
        "application/x-www-form-urlencoded",
        big.as_bytes(),
        false,
    ) {
        Ok(r) => assert_eq!(r.status, 413),
        Err(e) => eprintln!("cut off: {e}"),
    }
    // 1 MiB chunked without Content-Length: 413 (or cut off).
    let mut req = b"POST /feedback/comment HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..16 {
        req.extend_from_slice(format!("{:x}\r\n", 65536).as_bytes());
        req.extend_from_slice(&[b'a'; 65536]);
        req.extend_from_slice(b"\r\n");
    }
    req.extend_from_slice(b"0\r\n\r\n");
    match raw(s.addr, &req) {
        Ok(r) => assert_eq!(r.status, 413),
        Err(e) => eprintln!("cut off: {e}"),
    }
    assert_eq!(s.stored(), 0);
    assert_eq!(comment(s.addr, "之后仍然正常", true).status, 200);
}

#[test]
fn script_is_escaped_on_output_and_kept_verbatim_in_store() {
    let s = TestServer::start();
    let evil = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>";
    // Echoed on a refusal page (too long) — escaped.
    let long = format!("{evil}{}", "字".repeat(5000));
    let r = post(
        s.addr,
        "/feedback/comment",
        &[("consultation", "open-one"), ("opinion", &long)],
        false,
    );
    assert_eq!(r.status, 400);
    assert!(!r.body.contains("<script>"));
    assert!(!r.body.contains("<img"));
    assert!(r
        .body
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    // Echoed on a closed-consultation page — escaped.
    let r = post(
        s.addr,
        "/feedback/comment",
        &[("consultation", "closed-one"), ("opinion", evil)],
        false,
    );
    assert_eq!(r.status, 403);
    assert!(!r.body.contains("<script>"));
    // Stored verbatim, exported verbatim (the site templates escape it).
    let j = post(
        s.addr,
        "/feedback/comment",
        &[
            ("consultation", "open-one"),
            ("opinion", evil),
            ("consent", "on"),
        ],
        true,
    )
    .json();
    let page = get(
        s.addr,
        &format!("/receipt/{}", j["receipt"].as_str().unwrap()),
        false,
    );
    assert!(!page.body.contains("<script>"));
    let root = s.dir.path().join("site");
    gongshi::feedback::export(&gongshi::feedback::ExportOptions {
        root: root.clone(),
        db: s.db.clone(),
        consultation: "open-one".into(),
    })
    .unwrap();
    let ledger =
        gongshi::feedback::load_ledger(&root.join("content/consultations/open-one/opinions.jsonl"))
            .unwrap();
    assert_eq!(ledger[0].opinion.as_deref(), Some(evil));
}

#[test]
fn dotdot_paths_unknown_routes_and_methods() {
    let s = TestServer::start();
    for p in [
        "/receipt/../../etc/passwd",
        "/feedback/../feedback/comment",
        "/feedback/%2e%2e/comment",
        "/receipt/..%2f..%2fdb",
        "/nothing",
        "/",
    ] {
        let r = raw(
            s.addr,
            format!("GET {p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .unwrap();
        assert_eq!(r.status, 404, "{p}");
    }
    let r = raw(s.addr, b"POST /feedback/../feedback/comment HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 31\r\nConnection: close\r\n\r\nconsultation=open-one&opinion=x").unwrap();
    assert_eq!(r.status, 404);
    assert_eq!(get(s.addr, "/feedback/comment", false).status, 405);
    assert_eq!(
        get(s.addr, "/receipt/ZJ20261125-0001-0000", false).status,
        404
    );
    // Not even a valid request target: hyper refuses it with 400.
    assert!([400, 404].contains(&get(s.addr, "/receipt/<script>", false).status));
    assert_eq!(s.stored(), 0);
}

#[test]
fn huge_headers_are_refused_and_server_keeps_serving() {
    // Measures this process (threads, resident memory): run alone in a child process.
    crate::alone!(huge_headers_are_refused_and_server_keeps_serving);
    let s = TestServer::start();
    let mut req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n".to_vec();
    let line = format!("X-Filler: {}\r\n", "a".repeat(8000));
    while req.len() < 8 << 20 {
        req.extend_from_slice(line.as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    let t = Instant::now();
    match raw(s.addr, &req) {
        Ok(r) => assert_eq!(r.status, 431),
        Err(e) => eprintln!("cut off: {e}"),
    }
    assert!(t.elapsed() < Duration::from_secs(10));
    assert!(rss_kib("self") < 400 * 1024);
    assert_eq!(comment(s.addr, "大请求头之后", true).status, 200);
}

#[test]
fn rate_limit_answers_429_with_retry_after() {
    let s = TestServer::start_with(|o| {
        o.rate_limit = RateLimit::per_minute(3);
        o.shared_rate_limit = RateLimit::OFF;
    });
    for i in 0..3 {
        assert_eq!(comment(s.addr, &format!("第{i}条"), true).status, 200);
    }
    let r = comment(s.addr, "第4条", false);
    assert_eq!(r.status, 429);
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry));
    assert!(r.body.contains("秒后再试"));
    assert_eq!(s.stored(), 3);
}

#[test]
fn slow_body_times_out_with_408() {
    let s = TestServer::start_with(|o| o.limits = short_limits());
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.write_all(b"POST /feedback/comment HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nconsultat").unwrap();
    c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let t = Instant::now();
    let mut buf = Vec::new();
    let _ = c.read_to_end(&mut buf);
    assert!(t.elapsed() < Duration::from_secs(8));
    let r = parse_response(&buf).unwrap();
    assert_eq!(r.status, 408);
    assert_eq!(s.stored(), 0);
}

#[test]
fn idle_half_open_connections_are_bounded_and_cut_off() {
    // Measures this process (threads, resident memory): run alone in a child process.
    crate::alone!(idle_half_open_connections_are_bounded_and_cut_off);
    // All from one address here: the per-address cap is off (tests/it/feedback_limits.rs has it).
    let s = TestServer::start_with(|o| {
        o.limits = short_limits();
        o.limits.max_connections_per_address = 0;
    });
    let threads_before = threads("self");
    let rss_before = rss_kib("self");
    let mut idle = Vec::new();
    for i in 0..500 {
        let mut c = TcpStream::connect(s.addr).unwrap();
        if i % 2 == 0 {
            // Half a request line, then nothing.
            c.write_all(b"POST /feedback/comment HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
        }
        idle.push(c);
    }
    // Valid posts keep succeeding meanwhile.
    for i in 0..5 {
        assert_eq!(
            comment(s.addr, &format!("空闲连接期间 {i}"), true).status,
            200
        );
    }
    let threads_during = threads("self");
    assert!(
        threads_during <= threads_before + 8,
        "threads grew from {threads_before} to {threads_during}"
    );
    assert!(rss_kib("self") < rss_before + 100 * 1024);
    // After the header timeout every idle connection is closed by the server.
    std::thread::sleep(Duration::from_secs(3));
    let mut closed = 0;
    for c in &mut idle {
        c.set_read_timeout(Some(Duration::from_millis(500)))
            .unwrap();
        let mut b = [0u8; 1024];
        match c.read(&mut b) {
            Ok(_) => closed += 1, // EOF, or a 408 then EOF
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => closed += 1,
            Err(_) => {}
        }
    }
    assert_eq!(closed, 500);
    assert_eq!(s.stored(), 5);
    assert_eq!(comment(s.addr, "之后", true).status, 200);
}

#[test]
fn keep_alive_serves_many_requests_on_one_connection() {
    let s = TestServer::start();
    let mut c = TcpStream::connect(s.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    for i in 0..3 {
        let body = form(&[
            ("consultation", "open-one"),
            ("opinion", &format!("长连接 {i}")),
        ]);
        c.write_all(format!("POST /feedback/comment HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}", body.len()).as_bytes()).unwrap();
        let mut buf = vec![0u8; 4096];
        let n = c.read(&mut buf).unwrap();
        let r = parse_response(&buf[..n]).unwrap();
        assert_eq!(r.status, 200);
    }
    assert_eq!(s.stored(), 3);
}
