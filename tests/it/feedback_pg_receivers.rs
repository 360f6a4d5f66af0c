//! Two receiver processes on one PostgreSQL database (`--db postgres://…`), posting to the
//! same consultation at once; then one is killed with SIGKILL while the other keeps serving.
//! Every acknowledged comment must be stored, receipts unique, the chain valid; `verify`,
//! `stats`, `export` and `migrate` work on the URL. Skipped (saying why) only when no
//! PostgreSQL server can be started; a failure with GONGSHI_PG_REQUIRED=1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::feedback_common::*;

fn run(args: &[&str], root: &Path, db: &str) -> (bool, String) {
    let out = std::process::Command::new(bin())
        .args(["feedback"])
        .args(args)
        .arg("--root")
        .arg(root)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn two_receivers_one_chain_and_sigkill_loses_nothing() {
    let Some(url) = crate::pg_common::fresh_url("feedback_pg_receivers::two_receivers") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site_fixture(&root);
    let (pa, pb) = (free_port(), free_port());
    let ea = ["--rate-limit", "off"];
    let eb = ea;
    // Both started with --init at once: the tables are created once.
    let db = Path::new(&url);
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| spawn_server(&root, db, pa, &ea));
        let b = s.spawn(|| spawn_server(&root, db, pb, &eb));
        (a.join().unwrap(), b.join().unwrap())
    });
    let mut a = Server(a);
    let mut b = Server(b);
    let addr = |p: u16| -> SocketAddr { format!("127.0.0.1:{p}").parse().unwrap() };

    // Phase 1: 16 clients on both receivers.
    let acked: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let hs = posting_clients(
        vec![addr(pa), addr(pb)],
        16,
        Duration::from_secs(60),
        true,
        stop.clone(),
        acked.clone(),
    );
    std::thread::sleep(Duration::from_millis(2000));
    let before_kill = acked.lock().unwrap().len();
    assert!(before_kill > 0, "nothing acknowledged with two receivers");
    // Phase 2: SIGKILL receiver A mid-run; B keeps serving the same clients.
    a.0.kill().unwrap();
    a.0.wait().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let after_kill = acked.lock().unwrap().len();
    stop.store(true, Ordering::Relaxed);
    for h in hs {
        h.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    eprintln!(
        "two receivers: {before_kill} acknowledged before the SIGKILL, {} in all",
        acked.len()
    );
    assert!(
        after_kill > before_kill,
        "B stopped serving after A was killed"
    );

    // Every acknowledged comment is there, through the surviving receiver.
    let receipts: BTreeSet<&str> = acked.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(receipts.len(), acked.len(), "a receipt was given twice");
    for (receipt, hash) in &acked {
        let r = get(addr(pb), &format!("/receipt/{receipt}"), true);
        assert_eq!(r.status, 200, "acknowledged {receipt} lost");
        assert_eq!(r.json()["hash"].as_str(), Some(hash.as_str()));
    }
    b.0.kill().unwrap();
    b.0.wait().unwrap();

    // One linear chain, verified by the CLI on the URL; stats count what was acknowledged
    // (and perhaps a few that were committed as A died, never more than were sent).
    let (ok, report) = run(&["verify"], &root, &url);
    assert!(ok, "{report}");
    let (ok, stats) = run_stats(&url);
    assert!(ok, "{stats}");
    let total: u64 = serde_json::from_str::<serde_json::Value>(&stats).unwrap()["total"]
        .as_u64()
        .unwrap();
    assert!(
        total >= acked.len() as u64,
        "{total} stored < {} acknowledged",
        acked.len()
    );
    let (ok, out) = run(&["export", "--consultation", "open-one"], &root, &url);
    assert!(ok, "{out}");
    let ledger =
        gongshi::feedback::load_ledger(&root.join("content/consultations/open-one/opinions.jsonl"))
            .unwrap();
    assert_eq!(ledger.len() as u64, total);
    let in_ledger: BTreeSet<&str> = ledger.iter().map(|l| l.receipt.as_str()).collect();
    for r in &receipts {
        assert!(in_ledger.contains(r), "{r} not exported");
    }
}

fn run_stats(db: &str) -> (bool, String) {
    let out = std::process::Command::new(bin())
        .args(["feedback", "stats", "--format", "json", "--db", db])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn migrate_command_copies_an_sqlite_receiver_to_postgres() {
    let Some(url) = crate::pg_common::fresh_url("feedback_pg_receivers::migrate_command") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site_fixture(&root);
    let sqlite = dir.path().join("feedback.sqlite3");
    let port = free_port();
    let server = Server(spawn_server(&root, &sqlite, port, &["--rate-limit", "off"]));
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut receipts = Vec::new();
    for i in 0..30 {
        let r = comment(addr, &format!("迁移前的第{i}条"), true);
        assert_eq!(r.status, 200, "{}", r.body);
        receipts.push(r.json()["receipt"].as_str().unwrap().to_string());
    }
    drop(server);
    let out = std::process::Command::new(bin())
        .args(["feedback", "migrate", "--from"])
        .arg(&sqlite)
        .args(["--to", &url])
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("已迁移 30 条意见"), "{text}");
    // A second run refuses: the target is not empty.
    let out = std::process::Command::new(bin())
        .args(["feedback", "migrate", "--from"])
        .arg(&sqlite)
        .args(["--to", &url])
        .output()
        .unwrap();
    assert!(!out.status.success());
    // The receiver on PostgreSQL answers the old receipts and goes on with the chain.
    let port = free_port();
    let _pg = Server(spawn_server(
        &root,
        Path::new(&url),
        port,
        &["--rate-limit", "off"],
    ));
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    for r in &receipts {
        assert_eq!(get(addr, &format!("/receipt/{r}"), true).status, 200, "{r}");
    }
    let r = comment(addr, "迁移后的意见", true);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["seq"].as_u64(), Some(31));
    let (ok, report) = run(&["verify"], &root, &url);
    assert!(ok, "{report}");
}

#[test]
fn a_bad_url_or_uninitialised_database_is_refused_with_a_reason() {
    // No server behind this socket folder: a connection error naming the URL, no panic.
    let out = std::process::Command::new(bin())
        .args([
            "feedback",
            "stats",
            "--db",
            "postgresql:///nowhere?host=/nonexistent-gongshi-socket&user=x&password=hunter2",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("无法连接 PostgreSQL"), "{err}");
    assert!(!err.contains("hunter2"), "password shown: {err}");
    let Some(url) = crate::pg_common::fresh_url("feedback_pg_receivers::a_bad_url") else {
        return;
    };
    // A database without our tables: serve without --init and stats refuse, saying --init.
    let out = std::process::Command::new(bin())
        .args(["feedback", "stats", "--db", &url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!out.status.success());
    assert!(err.contains("--init"), "{err}");
}
