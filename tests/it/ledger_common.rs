//! Helpers for the "no opinion can vanish" tests (issue 16): a site with an open and a
//! closed consultation, the real `gongshi` binary as receiver and as staff tool, git.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub use crate::common::{commit_all as commit, git};
use std::io::{BufRead, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The test clock: `open-one` is open, `done-one` closed (its window was 11-02 to 11-20).
pub const NOW: &str = "2026-11-25T10:00:00+08:00";
/// Inside `done-one`'s window.
pub const DURING: &str = "2026-11-05T10:00:00+08:00";

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gongshi")
}

pub const DONE: &str = "content/consultations/done-one/index.md";
pub const DONE_LEDGER: &str = "content/consultations/done-one/opinions.jsonl";
pub const DONE_DISPOSITIONS: &str = "content/consultations/done-one/dispositions.yaml";
pub const REGISTER: &str = "content/consultations/heads.jsonl";

const DONE_MD: &str = "---\ntitle: 关于《失业保险稳岗返还办法（征求意见稿）》的意见征集\npublished: 2026-11-02\nsummary: 基本情况说明。\nbasis: 决策依据。\nreasons: 理由。\ndecision_type: 规范性文件\nopens: 2026-11-02 09:00\ncloses: 2026-11-20 00:00\nchannels: {form: true, email: rsj@example.gov.cn}\n---\n正文。\n";

/// A site with `open-one` (open at NOW) and `done-one` (closed at NOW, no outcome yet).
pub fn write_site(root: &Path) {
    crate::feedback_common::write_site_fixture(root);
    std::fs::create_dir_all(root.join("content/consultations/done-one")).unwrap();
    std::fs::write(root.join(DONE), DONE_MD).unwrap();
}

/// Publishes `done-one`'s outcome with `figures` (YAML flow mapping, e.g. `{total: 2}`), and
/// a disposition 采纳 for every receipt in its ledger.
pub fn conclude(root: &Path, figures: &str) {
    conclude_with(root, Some(figures));
}

/// Publishes `done-one`'s outcome, with figures when given, and a disposition 采纳 for every
/// receipt in its ledger.
pub fn conclude_with(root: &Path, figures: Option<&str>) {
    let figures = figures
        .map(|f| format!("  opinions: {f}\n"))
        .unwrap_or_default();
    let md = DONE_MD.replace(
        "---\n正文。",
        &format!(
            "outcome:\n  published: 2026-11-22\n  decision: 已印发施行。\n{figures}---\n正文。"
        ),
    );
    std::fs::write(root.join(DONE), md).unwrap();
    dispose_all(root);
}

/// A disposition 采纳 for every receipt of `done-one`'s ledger.
pub fn dispose_all(root: &Path) {
    let ledger = std::fs::read_to_string(root.join(DONE_LEDGER)).unwrap_or_default();
    let mut yaml = String::new();
    for l in ledger.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        yaml.push_str(&format!(
            "{}:\n  disposition: 采纳\n",
            v["receipt"].as_str().unwrap()
        ));
    }
    std::fs::write(root.join(DONE_DISPOSITIONS), yaml).unwrap();
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `gongshi feedback serve` with its clock at `now`.
pub struct Receiver {
    pub child: Child,
    pub addr: SocketAddr,
    /// Everything the receiver wrote to stderr (reload log lines), as it comes.
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Receiver {
    pub fn start(root: &Path, db: &Path, now: &str) -> Receiver {
        let port = free_port();
        let mut child = Command::new(bin())
            .args(["feedback", "serve", "--rate-limit", "off", "--root"])
            .arg(root)
            .arg("--db")
            .arg(db)
            .args(["--addr", &format!("127.0.0.1:{port}"), "--now", now])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let mut lines = std::io::BufReader::new(out).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(
            first.contains("listening"),
            "unexpected first line: {first}"
        );
        std::thread::spawn(move || for _ in lines {});
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        Receiver {
            child,
            addr: format!("127.0.0.1:{port}").parse().unwrap(),
            log,
        }
    }

    /// SIGTERM and wait: the receiver finishes and closes the database (checkpointing the WAL).
    pub fn stop(mut self) {
        signal(&self.child, "TERM");
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.child.try_wait().unwrap().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("receiver did not stop on SIGTERM");
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits until the receiver's log has a line containing `needle`.
    pub fn wait_for_log(&self, needle: &str, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if self.log.lock().unwrap().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn signal(child: &Child, sig: &str) {
    let o = Command::new("kill")
        .arg(format!("-{sig}"))
        .arg(child.id().to_string())
        .output()
        .unwrap();
    assert!(o.status.success());
}

/// (status, body) of a request.
pub fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    form: &[(&str, &str)],
    json: bool,
) -> (u16, String) {
    let body = crate::feedback_common::form(form);
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let accept = if json {
        "Accept: application/json\r\n"
    } else {
        ""
    };
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n{accept}Connection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Posts a comment (JSON answer); returns (status, answer).
pub fn comment(
    addr: SocketAddr,
    consultation: &str,
    opinion: &str,
    extra: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    let mut f = vec![
        ("consultation", consultation),
        ("opinion", opinion),
        ("consent", "on"),
    ];
    f.extend_from_slice(extra);
    let (status, body) = http(addr, "POST", "/feedback/comment", &f, true);
    (
        status,
        serde_json::from_str(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// A comment that must be accepted: (receipt, hash).
pub fn accepted(addr: SocketAddr, consultation: &str, opinion: &str) -> (String, String) {
    let (status, v) = comment(addr, consultation, opinion, &[]);
    assert_eq!(status, 200, "{v}");
    (
        v["receipt"].as_str().unwrap().to_string(),
        v["hash"].as_str().unwrap().to_string(),
    )
}

pub fn gongshi(args: &[&str]) -> Output {
    Command::new(bin()).args(args).output().unwrap()
}

pub fn out(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `gongshi feedback <cmd> --root ROOT --db DB <args>`.
pub fn feedback(cmd: &str, root: &Path, db: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(["feedback", cmd, "--root"])
        .arg(root)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// `gongshi check --root ROOT --now NOW <args>`.
pub fn check(root: &Path, args: &[&str]) -> (bool, String) {
    let o = Command::new(bin())
        .args(["check", "--root"])
        .arg(root)
        .args(["--now", NOW])
        .args(args)
        .output()
        .unwrap();
    (o.status.success(), out(&o))
}

/// A site folder and a database beside it (outside the site, as in production), created
/// with its receipt secret as at installation (the receiver does not create one by itself).
pub fn fresh() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    write_site(&root);
    let db = tmp.path().join("db").join("feedback.db");
    let conn = gongshi::feedback::store::open(&db).unwrap();
    gongshi::feedback::store::secret(&conn).unwrap();
    drop(conn);
    (tmp, root, db)
}
