//! Load benchmark (ignored by default; run via bench/feedback_load.sh).
//! NEEDS THE `gongshi` BINARY unless FEEDBACK_BENCH_ADDR points at a running receiver.
//!
//! 32 keep-alive clients (FEEDBACK_BENCH_CLIENTS) post distinct comments for
//! FEEDBACK_BENCH_SECS seconds (default 10); prints accepted comments/s and p50/p99 latency.
//! FEEDBACK_BENCH_STORE=postgres runs the receivers on a throw-away PostgreSQL cluster;
//! FEEDBACK_BENCH_RECEIVERS=N starts N receiver processes on the same store (clients take
//! them in turn, as a load balancer would). FEEDBACK_BENCH_CONSULTATIONS=N opens N
//! consultations and spreads the clients over them (N chains instead of one).
//! GONGSHI_BIN=path runs that `gongshi` binary as the receiver (a release build) instead of
//! the one built with the tests. Prints the receivers' CPU time (user+sys) and peak RSS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::feedback_common::*;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn client(
    addr: std::net::SocketAddr,
    consultation: String,
    c: u64,
    until: Instant,
) -> (u64, u64, Vec<u32>) {
    let mut ok = 0;
    let mut failed = 0;
    let mut lat = Vec::new();
    let mut i = 0u64;
    'outer: while Instant::now() < until {
        let Ok(stream) = TcpStream::connect(addr) else {
            failed += 1;
            continue;
        };
        stream.set_nodelay(true).ok();
        let mut w = stream.try_clone().unwrap();
        let mut r = BufReader::new(stream);
        while Instant::now() < until {
            i += 1;
            let body = form(&[
                ("consultation", &consultation),
                ("opinion", &format!("压测意见 客户端{c} 第{i}条")),
                ("consent", "on"),
            ]);
            let req = format!("POST /feedback/comment HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}", body.len());
            let t = Instant::now();
            if w.write_all(req.as_bytes()).is_err() {
                failed += 1;
                continue 'outer;
            }
            let mut status = 0;
            let mut len = 0usize;
            let mut line = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    failed += 1;
                    continue 'outer;
                }
                let l = line.trim_end();
                if l.is_empty() {
                    break;
                }
                if let Some(s) = l.strip_prefix("HTTP/1.1 ") {
                    status = s[..3].parse().unwrap_or(0);
                } else if let Some((k, v)) = l.split_once(':') {
                    if k.eq_ignore_ascii_case("content-length") {
                        len = v.trim().parse().unwrap_or(0);
                    }
                }
            }
            let mut body = vec![0u8; len];
            if r.read_exact(&mut body).is_err() {
                failed += 1;
                continue 'outer;
            }
            if status == 200 {
                ok += 1;
                lat.push(t.elapsed().as_micros() as u32);
            } else {
                failed += 1;
            }
        }
    }
    (ok, failed, lat)
}

#[test]
#[ignore = "benchmark: bench/feedback_load.sh"]
fn feedback_load() {
    let clients = env_or("FEEDBACK_BENCH_CLIENTS", 32);
    let secs = env_or("FEEDBACK_BENCH_SECS", 10);
    let dir = tempfile::tempdir().unwrap();
    let receivers = env_or("FEEDBACK_BENCH_RECEIVERS", 1).max(1);
    let chains = env_or("FEEDBACK_BENCH_CONSULTATIONS", 1).max(1);
    let program = std::env::var("GONGSHI_BIN").unwrap_or_else(|_| bin().to_string());
    let (addrs, consultation, children): (Vec<std::net::SocketAddr>, String, Vec<_>) =
        match std::env::var("FEEDBACK_BENCH_ADDR") {
            // One address, or several separated by commas (clients take them in turn).
            Ok(a) => (
                a.split(',').map(|a| a.trim().parse().unwrap()).collect(),
                std::env::var("FEEDBACK_BENCH_CONSULTATION").unwrap_or("open-one".into()),
                Vec::new(),
            ),
            Err(_) => {
                let root = dir.path().join("site");
                write_site_fixture(&root);
                // Consultations open-one, open-2 … open-N: the same text, their own chains.
                let one = root.join("content/consultations/open-one.md");
                for k in 2..=chains {
                    std::fs::copy(&one, one.with_file_name(format!("open-{k}.md"))).unwrap();
                }
                // FEEDBACK_BENCH_STORE=postgres: a throw-away PostgreSQL cluster
                // (tests/it/pg_common.rs; synchronous_commit on) instead of an SQLite file.
                let db: std::path::PathBuf = match std::env::var("FEEDBACK_BENCH_STORE").as_deref()
                {
                    Ok("postgres") => crate::pg_common::fresh_url("feedback_load")
                        .expect("no PostgreSQL server")
                        .into(),
                    _ => std::env::var("FEEDBACK_BENCH_DB")
                        .map(Into::into)
                        .unwrap_or_else(|_| dir.path().join("feedback.db")),
                };
                let mut addrs = Vec::new();
                let mut children = Vec::new();
                // Started one after the other: `--init` creates the tables once.
                for _ in 0..receivers {
                    let port = free_port();
                    let extra = ["--rate-limit", "off", "--max-connections", "256"];
                    children.push(spawn_server_bin(&program, &root, &db, port, &extra));
                    addrs.push(format!("127.0.0.1:{port}").parse().unwrap());
                }
                (addrs, "open-one".to_string(), children)
            }
        };
    let until = Instant::now() + Duration::from_secs(secs);
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let consultation = match c % chains {
                0 => consultation.clone(),
                k => format!("open-{}", k + 1),
            };
            let addr = addrs[c as usize % addrs.len()];
            std::thread::spawn(move || client(addr, consultation, c, until))
        })
        .collect();
    let mut ok = 0;
    let mut failed = 0;
    let mut lat = Vec::new();
    for h in handles {
        let (o, f, l) = h.join().unwrap();
        ok += o;
        failed += f;
        lat.extend(l);
    }
    let elapsed = start.elapsed().as_secs_f64();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    let pids: Vec<String> = children.iter().map(|c| c.id().to_string()).collect();
    let server_threads: u64 = pids.iter().map(|p| threads(p)).sum();
    let cpu: f64 = pids.iter().map(|p| cpu_secs(p)).sum();
    let peak_rss = pids.iter().map(|p| peak_rss_kib(p)).max().unwrap_or(0);
    let receivers = addrs.len();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "feedback load: {clients} clients, {receivers} receiver(s), {chains} chain(s), {elapsed:.1} s: {ok} comments accepted ({:.0}/s), {failed} failed; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; server threads {server_threads}; receivers' CPU {cpu:.1} s user+sys, peak RSS {} MiB (largest receiver); loadavg {}",
        ok as f64 / elapsed,
        pct(0.50),
        pct(0.99),
        pct(1.0),
        peak_rss / 1024,
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" "),
    );
    for mut c in children {
        c.kill().ok();
        c.wait().ok();
    }
    assert!(ok > 0);
}
