//! NEEDS THE `gongshi` BINARY. The receiver as an operator meets it (issue 17): SIGTERM while
//! busy, a read-only or full database, a corrupt one, a missing / empty / mistyped `--db`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::feedback_common::*;

fn receipts_in(db: &Path) -> BTreeSet<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut st = conn.prepare("SELECT receipt FROM entries").unwrap();
    let v = st
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<BTreeSet<_>, _>>()
        .unwrap();
    v
}

fn listening(s: Started) -> (Server, Lines) {
    match s {
        Started::Listening(c, l) => (c, l),
        Started::Exited(code, l) => panic!("server exited ({code:?}):\n{}", lines_text(&l)),
    }
}

fn refused(s: Started) -> (Option<i32>, String) {
    match s {
        Started::Listening(mut c, l) => {
            let _ = c.kill();
            let _ = c.wait();
            panic!(
                "the server started but should have refused:\n{}",
                lines_text(&l)
            )
        }
        Started::Exited(code, l) => (code, lines_text(&l)),
    }
}

/// Creates a feedback database with one offline comment per text.
fn make_db(root: &Path, db: &Path, texts: &[&str]) {
    for (i, t) in texts.iter().enumerate() {
        let mut c = std::process::Command::new(bin());
        c.args(["feedback", "add", "--root"])
            .arg(root)
            .arg("--db")
            .arg(db)
            .args([
                "--consultation",
                "open-one",
                "--channel",
                "信函",
                "--consent",
            ])
            .args(["--text", t, "--received", "2026-11-22 09:00"]);
        if i == 0 {
            c.arg("--init");
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Many concurrent posts, SIGTERM mid-flight: every request that was committed gets its
/// answer, a request whose body is still arriving finishes, new connections are refused,
/// and the process exits 0.
#[test]
fn sigterm_answers_every_committed_request_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site_fixture(&root);
    let db = dir.path().join("feedback.db");
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let (mut child, log) = listening(start_cmd(serve_cmd(
        &root,
        &db,
        port,
        &["--init", "--rate-limit", "off"],
    )));
    let answered: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..32)
        .map(|c| {
            let answered = answered.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut i = 0;
                let mut failures = 0;
                while !stop.load(Ordering::Relaxed) && failures < 50 {
                    i += 1;
                    let op = format!("客户端{c}的第{i}条意见");
                    let body = form(&[("consultation", "open-one"), ("opinion", &op)]);
                    match post_raw(
                        addr,
                        "/feedback/comment",
                        "application/x-www-form-urlencoded",
                        body.as_bytes(),
                        true,
                    ) {
                        Ok(r) if r.status == 200 => answered
                            .lock()
                            .unwrap()
                            .push(r.json()["receipt"].as_str().unwrap().to_string()),
                        Ok(r) => panic!("unexpected {}: {}", r.status, r.body),
                        Err(_) => {
                            failures += 1;
                            std::thread::sleep(Duration::from_millis(2));
                        }
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    // A request whose body is still arriving when the signal comes.
    let body = form(&[
        ("consultation", "open-one"),
        ("opinion", "信号到达时仍在上传的意见"),
    ]);
    let (head, tail) = body.split_at(body.len() / 2);
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(format!("POST /feedback/comment HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{head}", body.len()).as_bytes()).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let before = answered.lock().unwrap().len();
    sigterm(&child);
    std::thread::sleep(Duration::from_millis(300));
    slow.write_all(tail.as_bytes()).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = Vec::new();
    let _ = slow.read_to_end(&mut buf);
    let r = parse_response(&buf).expect("the slow request was answered");
    assert_eq!(r.status, 200, "{r:?}");
    answered
        .lock()
        .unwrap()
        .push(r.json()["receipt"].as_str().unwrap().to_string());
    let code = wait_timeout(&mut child, Duration::from_secs(15));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().unwrap();
    }
    assert_eq!(code, Some(0), "exit code after SIGTERM");
    let answered: BTreeSet<String> = answered.lock().unwrap().iter().cloned().collect();
    let stored = receipts_in(&db);
    let unanswered: Vec<_> = stored.difference(&answered).collect();
    eprintln!(
        "answered before SIGTERM: {before}; stored {}, answered {}, committed but unanswered {}",
        stored.len(),
        answered.len(),
        unanswered.len()
    );
    assert!(before > 0);
    assert!(
        unanswered.is_empty(),
        "committed but never answered: {unanswered:?}"
    );
    assert!(answered.is_subset(&stored), "answered but not stored");
    let text = lines_text(&log);
    assert!(text.contains("event=stopping reason=SIGTERM"), "{text}");
    assert!(text.contains("event=stop reason=SIGTERM"), "{text}");
    assert!(text.contains(" cut=0 "), "{text}");
}

/// The process runs as `nobody` when the tests run as root (root ignores file modes).
fn as_service_user(mut cmd: std::process::Command) -> std::process::Command {
    if !running_as_root() {
        return cmd;
    }
    let prog = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    cmd = std::process::Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(prog)
        .args(args);
    cmd
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().nth(1))
        == Some("0")
}

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A database the service user cannot write: refused at start with a clear message, and no
/// `-wal`/`-shm` left behind; once the operator fixes the file, it starts.
#[test]
#[cfg(unix)]
fn a_read_only_database_is_refused_at_start_and_leaves_no_side_files() {
    let dir = tempfile::tempdir().unwrap();
    chmod(dir.path(), 0o755);
    let root = dir.path().join("site");
    write_site_fixture(&root);
    let state = dir.path().join("state");
    std::fs::create_dir(&state).unwrap();
    let db = state.join("feedback.db");
    make_db(&root, &db, &["一条已有的意见"]);
    // The folder belongs to the service user, the file does not (and is read-only).
    if running_as_root() {
        assert!(std::process::Command::new("chown")
            .args(["65534:65534"])
            .arg(&state)
            .status()
            .unwrap()
            .success());
    }
    chmod(&state, 0o777);
    chmod(&db, 0o444);
    let port = free_port();
    let cmd = as_service_user(serve_cmd(&root, &db, port, &[]));
    let (code, text) = refused(start_cmd(cmd));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("数据库不可写"), "{text}");
    assert!(
        text.contains("level=error event=start_failed reason=db_not_writable"),
        "{text}"
    );
    for side in ["-wal", "-shm"] {
        let p = state.join(format!("feedback.db{side}"));
        assert!(!p.exists(), "{} left behind", p.display());
    }
    // The operator fixes the file: it starts and takes comments.
    chmod(&db, 0o666);
    let cmd = as_service_user(serve_cmd(&root, &db, port, &[]));
    let (mut child, _) = listening(start_cmd(cmd));
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    assert_eq!(get(addr, "/healthz", false).status, 200);
    assert_eq!(comment(addr, "修好权限之后", true).status, 200);
    sigterm(&child);
    assert_eq!(wait_timeout(&mut child, Duration::from_secs(15)), Some(0));
}

/// A disk that fills up while running (file size limit on the process): posts get 500, the
/// error is logged, /healthz says so; everything acknowledged is there after a restart.
#[test]
#[cfg(unix)]
fn a_full_disk_is_logged_and_reported_by_healthz() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site_fixture(&root);
    let db = dir.path().join("feedback.db");
    make_db(&root, &db, &["已有意见"]);
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    // `ulimit -f`: writes beyond ~300 KiB fail with EFBIG (SIGXFSZ ignored), as on a full disk.
    let serve = serve_cmd(&root, &db, port, &["--rate-limit", "off"]);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg("trap '' XFSZ; ulimit -f 600; exec \"$0\" \"$@\"")
        .arg(serve.get_program())
        .args(serve.get_args());
    let (mut child, log) = listening(start_cmd(cmd));
    assert_eq!(get(addr, "/healthz", false).status, 200);
    let mut acked = Vec::new();
    let mut failed = None;
    for i in 0..5000 {
        let r = comment(
            addr,
            &format!("填满磁盘的第{i}条意见，{}", "内容".repeat(200)),
            true,
        );
        match r.status {
            200 => acked.push(r.json()["receipt"].as_str().unwrap().to_string()),
            500 => {
                failed = Some(r);
                break;
            }
            s => panic!("unexpected {s}: {}", r.body),
        }
    }
    let failed = failed.expect("the disk never filled up");
    assert_eq!(failed.json()["error"], "store_failed");
    let h = get(addr, "/healthz", false);
    assert_eq!(h.status, 503, "{h:?}");
    assert!(h.body.starts_with("unhealthy: store:"), "{}", h.body);
    std::thread::sleep(Duration::from_millis(200));
    let text = lines_text(&log);
    assert!(text.contains("level=error event=store_failed"), "{text}");
    assert!(text.contains("level=error event=unhealthy"), "{text}");
    sigterm(&child);
    wait_timeout(&mut child, Duration::from_secs(15));
    eprintln!("acknowledged before the disk filled: {}", acked.len());
    // More room: everything acknowledged is there and the chains verify.
    let mut child = Server(spawn_server(&root, &db, port, &["--rate-limit", "off"]));
    for r in &acked {
        assert_eq!(
            get(addr, &format!("/receipt/{r}"), true).status,
            200,
            "{r} lost"
        );
    }
    assert_eq!(get(addr, "/healthz", false).status, 200);
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
}

fn verify(root: &Path, db: &Path) -> (Option<i32>, String, String) {
    let out = std::process::Command::new(bin())
        .args(["feedback", "verify", "--root"])
        .arg(root)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// 40 flipped bytes in the b-tree pages: the receiver refuses to start (and does not touch
/// the file); verify reports where. Invalid UTF-8 inside a record: verify says which entry.
#[test]
fn a_corrupt_database_is_refused_and_verify_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site_fixture(&root);
    let db = dir.path().join("feedback.db");
    let texts: Vec<String> = (0..40)
        .map(|i| format!("第{i}封来信 MARKER{i:02}-ABCDEFGHIJ {}", "长".repeat(50)))
        .collect();
    make_db(
        &root,
        &db,
        &texts.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let clean = std::fs::read(&db).unwrap();
    assert_eq!(verify(&root, &db).0, Some(0));

    // (a) Structure: 40 bytes flipped in the cell pointers of the first leaf page of
    // `entries` and of `private` — not the pages an insert touches, so before quick_check
    // the receiver started and appended to this database.
    let mut bytes = clean.clone();
    let page = |n: usize| &clean[(n - 1) * 4096..n * 4096];
    let leaves = |want_seq: bool| {
        (2..=clean.len() / 4096)
            .filter(|&n| page(n)[0] == 0x0D)
            .filter(|&n| {
                let p = page(n);
                let has = |w: &[u8]| p.windows(w.len()).any(|x| x == w);
                has(b"MARKER") && has(b"\"seq\"") == want_seq
            })
            .collect::<Vec<_>>()
    };
    let (entries, private) = (leaves(true), leaves(false));
    assert!(
        entries.len() > 1 && private.len() > 1,
        "{entries:?} {private:?}"
    );
    for n in [entries[0], private[0]] {
        for b in &mut bytes[(n - 1) * 4096 + 8..(n - 1) * 4096 + 28] {
            *b ^= 0xA5;
        }
    }
    std::fs::write(&db, &bytes).unwrap();
    let port = free_port();
    let (code, text) = refused(start_cmd(serve_cmd(&root, &db, port, &[])));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("数据库已损坏"), "{text}");
    assert!(
        text.contains("event=start_failed reason=db_corrupt"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        bytes,
        "the refused start changed the file"
    );
    let (code, out, err) = verify(&root, &db);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("integrity_check"), "{out}");
    assert!(
        out.contains(&format!("page {}", entries[0])) && out.contains("[table entries]"),
        "{out}"
    );
    assert!(out.contains("[table private]"), "{out}");

    // (b) Content: one record's bytes are no longer UTF-8.
    let mut bytes = clean.clone();
    let needle = b"MARKER07-ABCDEFGHIJ";
    let mut hits = 0;
    let mut i = 0;
    while let Some(p) = bytes[i..].windows(needle.len()).position(|w| w == needle) {
        let at = i + p + 9;
        for b in &mut bytes[at..at + 10] {
            *b = 0xFF;
        }
        hits += 1;
        i = at + 10;
    }
    assert!(hits >= 1);
    std::fs::write(&db, &bytes).unwrap();
    let (code, out, err) = verify(&root, &db);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("UTF-8"), "{out}{err}");
    assert!(
        out.contains("entries id 8 (consultation/open-one seq 8, ZJ20261122-0008-"),
        "{out}"
    );
}

/// `--db` that is missing, empty, a folder, another file or another program's database is
/// refused (exit 2) without creating or changing anything; `--init` creates a database once,
/// and a restart without `--init` keeps its secret (old receipts still found).
#[test]
fn a_missing_empty_or_mistyped_db_is_refused_without_init() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site_fixture(&root);
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let try_db = |db: &Path| refused(start_cmd(serve_cmd(&root, db, port, &[])));

    let missing = dir.path().join("state/feedbak.db");
    let (code, text) = try_db(&missing);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains("数据库不存在") && text.contains("--init"),
        "{text}"
    );
    assert!(!missing.exists() && !missing.parent().unwrap().exists());

    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let (code, text) = try_db(&empty);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("--init"), "{text}");
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);

    let toml = root.join("site.toml");
    let before = std::fs::read(&toml).unwrap();
    let (code, text) = try_db(&toml);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("不是 SQLite 数据库"), "{text}");
    assert_eq!(std::fs::read(&toml).unwrap(), before);

    let (code, _) = try_db(dir.path());
    assert_eq!(code, Some(2));

    let other = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        .unwrap();
    let (code, text) = try_db(&other);
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains("不是意见数据库"), "{text}");

    // --init creates it (and says so), once.
    let db = dir.path().join("state/feedback.db");
    let (mut child, log) = listening(start_cmd(serve_cmd(&root, &db, port, &["--init"])));
    assert!(lines_text(&log).contains("level=warn event=db_created"));
    let receipt = comment(addr, "第一条", true).json()["receipt"]
        .as_str()
        .unwrap()
        .to_string();
    sigterm(&child);
    assert_eq!(wait_timeout(&mut child, Duration::from_secs(15)), Some(0));
    let (mut child, log) = listening(start_cmd(serve_cmd(&root, &db, port, &[])));
    assert!(!lines_text(&log).contains("db_created"));
    assert_eq!(get(addr, &format!("/receipt/{receipt}"), true).status, 200);
    sigterm(&child);
    assert_eq!(wait_timeout(&mut child, Duration::from_secs(15)), Some(0));
}
