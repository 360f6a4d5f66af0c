//! NEEDS THE `gongshi` BINARY. The shipped deployment files must be right (issue 17 item 9):
//! the receiver is started with exactly the `ExecStart` of docs/deploy/systemd/
//! gongshi-feedback.service (binary and paths mapped to the test's), and a client plays the
//! shipped nginx config: it sets `X-Real-IP` and `X-Forwarded-For` as that config does.
//! Several visitors must not share one rate limit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::feedback_common::*;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn unit_file() -> String {
    std::fs::read_to_string(repo().join("docs/deploy/systemd/gongshi-feedback.service")).unwrap()
}

fn nginx_conf() -> String {
    std::fs::read_to_string(repo().join("docs/deploy/nginx/gongshi.conf")).unwrap()
}

/// The value of `Key=` in the unit's [Service] section (the last one wins, as in systemd).
fn service_key(unit: &str, key: &str) -> Option<String> {
    let mut in_service = false;
    let mut found = None;
    for line in unit.lines().map(str::trim) {
        if line.starts_with('[') {
            in_service = line == "[Service]";
            continue;
        }
        if in_service && !line.starts_with('#') {
            if let Some(v) = line.strip_prefix(&format!("{key}=")) {
                found = Some(v.trim().to_string());
            }
        }
    }
    found
}

/// ExecStart split into words (the shipped line uses no quoting or continuation).
fn exec_start(unit: &str) -> Vec<String> {
    let line = service_key(unit, "ExecStart").expect("ExecStart in [Service]");
    assert!(
        !line.contains(['"', '\'', '\\', '$', '%']),
        "ExecStart uses quoting or specifiers this test does not map: {line}"
    );
    line.split_whitespace().map(str::to_string).collect()
}

fn seconds(v: &str) -> u64 {
    v.trim_end_matches('s').parse().unwrap()
}

#[test]
fn the_shipped_unit_behind_the_shipped_proxy_limits_each_visitor_separately() {
    let unit = unit_file();
    let args = exec_start(&unit);
    assert_eq!(args[0], "/usr/local/bin/gongshi");
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("srv/gongshi/site");
    write_site_open_now(&root);
    let state = dir.path().join("var/lib/gongshi");
    let port = free_port();
    // Map the unit's paths and port into the test's.
    let mapped: Vec<String> = args[1..]
        .iter()
        .map(|a| {
            if let Some(rest) = a.strip_prefix("/srv/gongshi/site") {
                format!("{}{rest}", root.display())
            } else if let Some(rest) = a.strip_prefix("/var/lib/gongshi") {
                format!("{}{rest}", state.display())
            } else if a.starts_with('/') {
                panic!("ExecStart path {a} is not mapped by this test");
            } else if let Some(host) = a.strip_suffix(":8787") {
                assert_eq!(host, "127.0.0.1", "the receiver listens on loopback only");
                format!("{host}:{port}")
            } else {
                a.clone()
            }
        })
        .collect();
    let db = mapped
        .windows(2)
        .find(|w| w[0] == "--db")
        .map(|w| PathBuf::from(&w[1]))
        .expect("--db in ExecStart");
    assert!(
        !mapped.iter().any(|a| a == "--init"),
        "ExecStart must not create a database (a missing one must stop the service)"
    );
    // The install step creates the database once (docs/deploy/README.md).
    std::fs::create_dir_all(&state).unwrap();
    let mut init = std::process::Command::new(bin());
    init.args(&mapped).arg("--init");
    match start_cmd(init) {
        Started::Listening(mut c, _) => {
            sigterm(&c);
            assert_eq!(wait_timeout(&mut c, Duration::from_secs(15)), Some(0));
        }
        Started::Exited(code, l) => panic!("init failed ({code:?}): {}", lines_text(&l)),
    }
    assert!(db.is_file());

    let mut cmd = std::process::Command::new(bin());
    cmd.args(&mapped);
    let (mut child, log) = match start_cmd(cmd) {
        Started::Listening(c, l) => (c, l),
        Started::Exited(code, l) => panic!("ExecStart failed ({code:?}): {}", lines_text(&l)),
    };
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    // nginx: X-Real-IP $remote_addr; X-Forwarded-For $proxy_add_x_forwarded_for (whatever
    // the visitor sent, then its address) — a visitor may forge the first part.
    let conf = nginx_conf();
    assert!(conf.contains("proxy_set_header X-Real-IP $remote_addr;"));
    assert!(conf.contains("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"));
    let via_proxy = |visitor: &str, text: &str| {
        post_with(
            addr,
            "/feedback/comment",
            &[("consultation", "open-now"), ("opinion", text)],
            &format!(
                "X-Real-IP: {visitor}\r\nX-Forwarded-For: 10.9.9.9, {visitor}\r\nX-Forwarded-Proto: https\r\n"
            ),
        )
    };
    // 12 visitors × 10 comments: 120 in a minute, twice what any one address may send.
    for v in 1..=12 {
        for i in 0..10 {
            let r = via_proxy(&format!("198.51.100.{v}"), &format!("访客{v}的第{i}条意见"));
            assert_eq!(r.status, 200, "visitor {v}, comment {i}: {r:?}");
        }
    }
    // One visitor alone is limited (so the limit is there, and is per visitor).
    let mut limited = false;
    for i in 0..80 {
        let r = via_proxy("198.51.100.200", &format!("同一访客 {i}"));
        if r.status == 429 {
            limited = true;
            break;
        }
        assert_eq!(r.status, 200);
    }
    assert!(limited, "one visitor was never limited");
    assert_eq!(via_proxy("198.51.100.201", "又一位访客").status, 200);
    sigterm(&child);
    assert_eq!(wait_timeout(&mut child, Duration::from_secs(20)), Some(0));
    let text = lines_text(&log);
    assert!(text.contains("trust_proxy=true"), "{text}");
    assert!(
        !text.contains("198.51.100"),
        "the log shows a visitor's address"
    );
}

#[test]
fn the_unit_gives_the_drain_time_before_sigkill() {
    let unit = unit_file();
    let stop = seconds(&service_key(&unit, "TimeoutStopSec").unwrap());
    let drain = gongshi::feedback::http::Limits::default()
        .drain_timeout
        .as_secs();
    assert!(
        stop >= drain + 2,
        "TimeoutStopSec={stop}s leaves no time for the {drain} s drain"
    );
    assert_eq!(service_key(&unit, "Restart").as_deref(), Some("on-failure"));
}

#[test]
fn the_nginx_config_caps_connections_bodies_and_slow_clients_for_the_receiver() {
    let conf = nginx_conf();
    let start = conf.find("location ~ ^/(feedback|receipt)").unwrap();
    let block = &conf[start..start + conf[start..].find("\n    }").unwrap()];
    for needed in [
        "limit_req zone=gongshi_feedback",
        "limit_conn gongshi_feedback_conn",
        "client_max_body_size 64k;",
        "client_body_timeout",
        "proxy_pass http://127.0.0.1:8787;",
    ] {
        assert!(
            block.contains(needed),
            "the receiver's location lacks `{needed}`"
        );
    }
    assert!(conf.contains("limit_conn_zone $binary_remote_addr zone=gongshi_feedback_conn"));
    assert!(conf.contains("client_header_timeout"));
    // The per-address request rate must let an office behind one address through.
    let rate = conf
        .lines()
        .find(|l| l.starts_with("limit_req_zone") && l.contains("gongshi_feedback:"))
        .and_then(|l| l.split("rate=").nth(1))
        .map(|r| r.trim_end_matches(';').to_string())
        .unwrap();
    let per_minute: u32 = if let Some(n) = rate.strip_suffix("r/m") {
        n.parse().unwrap()
    } else {
        rate.strip_suffix("r/s").unwrap().parse::<u32>().unwrap() * 60
    };
    assert!(per_minute >= 30, "nginx allows only {rate} per address");
}
