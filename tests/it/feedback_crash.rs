//! NEEDS THE `gongshi` BINARY with `gongshi feedback …` wired (runs it as a child process).
//!
//! Many clients post concurrently; the server is killed with SIGKILL mid-run and restarted.
//! Every acknowledged comment must be there and every chain must verify.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::feedback_common::*;

#[test]
fn acknowledged_comments_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site_fixture(&root);
    let db = dir.path().join("feedback.db");
    let port = free_port();
    let mut child = spawn_server(&root, &db, port, &["--rate-limit", "off"]);
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let pid = child.id().to_string();

    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let clients = posting_clients(
        vec![addr],
        16,
        Duration::from_secs(20),
        false,
        stop.clone(),
        acked.clone(),
    );
    // Let it run, check that threads stay bounded, then kill it mid-run.
    std::thread::sleep(Duration::from_millis(1500));
    let t = threads(&pid);
    assert!(t > 0 && t <= 16, "server has {t} threads");
    let before_kill = acked.lock().unwrap().len();
    assert!(
        before_kill > 0,
        "no comment was acknowledged before the kill"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    eprintln!("acknowledged before SIGKILL: {}", acked.len());

    let mut child = spawn_server(&root, &db, port, &["--rate-limit", "off"]);
    for (receipt, hash) in &acked {
        let r = get(addr, &format!("/receipt/{receipt}"), true);
        assert_eq!(r.status, 200, "acknowledged {receipt} lost");
        assert_eq!(r.json()["hash"].as_str(), Some(hash.as_str()));
    }
    // Still accepting after the restart.
    assert_eq!(comment(addr, "重启之后的意见", true).status, 200);
    child.kill().unwrap();
    child.wait().unwrap();

    let out = std::process::Command::new(bin())
        .args(["feedback", "verify", "--root"])
        .arg(&root)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The head log the writer kept beside the database (written after each commit, so it
    // may lag but never lead after SIGKILL) agrees with it, and so do the receipts.
    let sample: Vec<String> = acked
        .iter()
        .step_by((acked.len() / 50).max(1))
        .map(|(r, h)| format!("{r}:{h}"))
        .collect();
    let mut verify = std::process::Command::new(bin());
    verify
        .args(["feedback", "verify", "--root"])
        .arg(&root)
        .arg("--db")
        .arg(&db);
    for r in &sample {
        verify.args(["--receipt", r]);
    }
    let out = verify.output().unwrap();
    let report = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{report}");
    assert!(report.contains("链头日志 (head log)"), "{report}");
    let out = std::process::Command::new(bin())
        .args(["feedback", "export", "--consultation", "open-one", "--root"])
        .arg(&root)
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ledger =
        gongshi::feedback::load_ledger(&root.join("content/consultations/open-one/opinions.jsonl"))
            .unwrap();
    assert!(ledger.len() > acked.len());
    for (receipt, hash) in &acked {
        assert!(ledger
            .iter()
            .any(|e| &e.receipt == receipt && &e.hash == hash));
    }
}

#[test]
fn cli_add_verify_stats_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site_fixture(&root);
    let db = dir.path().join("feedback.db");
    let run = |args: &[&str]| {
        std::process::Command::new(bin())
            .arg("feedback")
            .args(args)
            .arg("--db")
            .arg(&db)
            .output()
            .unwrap()
    };
    let root_s = root.to_str().unwrap();
    let first = [
        "add",
        "--root",
        root_s,
        "--consultation",
        "open-one",
        "--channel",
        "电话",
        "--text",
        "电话意见",
        "--received",
        "2026-11-23 15:00",
        "--name",
        "赵六",
    ];
    // No database yet: without --init nothing is created.
    let out = run(&first);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--init"));
    assert!(!db.exists());
    let out = run(&[&first[..], &["--init"]].concat());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ZJ20261123-0001-"));
    let out = run(&[
        "add",
        "--root",
        root_s,
        "--consultation",
        "nope",
        "--channel",
        "电话",
        "--text",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["stats"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("电话: 1"));
    let out = run(&["verify", "--root", root_s]);
    assert_eq!(out.status.code(), Some(0));
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE entries SET record = replace(record, '电话', '现场')",
        [],
    )
    .unwrap();
    let out = run(&["verify", "--root", root_s]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("consultation/open-one seq 1"));
}
