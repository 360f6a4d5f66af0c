//! Benchmark (not a test): the time from saving one record to the updated page being served
//! by a running preview server. Starts the server itself (or measures one given with
//! `--url`), edits `--record`, polls `--page` until the new text is served, repeats.
//!
//! ```text
//! cargo run --release --example serve_latency -- --root SITE --record content/documents/x.md \
//!     --page /documents/x/ [--edit body|title] [--runs 21] [--bin target/release/gongshi]
//! cargo run --release --example serve_latency -- --url http://127.0.0.1:1313 --root SITE ...
//! ```
//! Prints the first build time (when it started the server) and the median and 90th
//! percentile of the save → served latency.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn fetch(addr: &str, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return String::new();
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let _ = write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nCache-Control: no-cache\r\n\r\n"
    );
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = PathBuf::from(arg(&args, "--root").expect("--root SITE"));
    let record = root.join(arg(&args, "--record").expect("--record content/…"));
    let page = arg(&args, "--page").expect("--page /kind/id/");
    let runs: usize = arg(&args, "--runs")
        .and_then(|r| r.parse().ok())
        .unwrap_or(21);
    let edit = arg(&args, "--edit").unwrap_or_else(|| "body".into());
    let bin = arg(&args, "--bin").unwrap_or_else(|| "target/release/gongshi".into());

    let mut child = None;
    let addr = match arg(&args, "--url") {
        Some(u) => u
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string(),
        None => {
            let start = Instant::now();
            let mut c = Command::new(&bin)
                .args([
                    "serve",
                    "--quiet",
                    "--addr",
                    "127.0.0.1:0",
                    "--now",
                    "2026-11-25T10:00:00+08:00",
                    "--root",
                ])
                .arg(&root)
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("start gongshi serve");
            let out = c.stdout.take().expect("stdout");
            let mut line = String::new();
            let mut reader = BufReader::new(out);
            let url = loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    panic!("server exited");
                }
                if let Some(u) = line.trim().strip_prefix("预览地址：") {
                    break u.to_string();
                }
            };
            println!(
                "first build (start → serving): {} ms",
                start.elapsed().as_millis()
            );
            std::thread::spawn(move || for _ in reader.lines() {});
            child = Some(c);
            url.trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string()
        }
    };

    let original = std::fs::read_to_string(&record).expect("read the record");
    let mut times = Vec::new();
    for i in 0..runs {
        let marker = format!("BENCHMARK{i}X{}", std::process::id());
        let text = match edit.as_str() {
            "title" => original.replacen("\ntitle: ", &format!("\ntitle: {marker}"), 1),
            _ => format!("{original}\n\n{marker}\n"),
        };
        // Let the server settle, then save and start the clock.
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(&record, &text).expect("write the record");
        let t0 = Instant::now();
        loop {
            if fetch(&addr, &page).contains(&marker) {
                break;
            }
            if t0.elapsed() > Duration::from_secs(60) {
                panic!("the change was not served within 60 s");
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    std::fs::write(&record, &original).expect("restore the record");
    times.sort_by(|a, b| a.total_cmp(b));
    let median = times[times.len() / 2];
    let p90 = times[(times.len() * 9 / 10).min(times.len() - 1)];
    println!(
        "save → served ({edit} edit, {runs} runs): median {median:.1} ms, p90 {p90:.1} ms, min {:.1} ms, max {:.1} ms",
        times[0],
        times[times.len() - 1]
    );
    if let Some(mut c) = child {
        let _ = c.kill();
        let _ = c.wait();
    }
}
