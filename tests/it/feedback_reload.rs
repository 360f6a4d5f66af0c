//! The receiver follows content (issue 16): a consultation withdrawn, shortened or added while
//! `gongshi feedback serve` runs takes effect without a restart — on the file change, and on
//! SIGHUP — with a log line saying what changed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::ledger_common::*;

use std::time::Duration;

const OPEN: &str = "content/consultations/open-one.md";

fn edit(root: &std::path::Path, from: &str, to: &str) {
    let p = root.join(OPEN);
    let t = std::fs::read_to_string(&p).unwrap();
    assert!(t.contains(from), "{from}");
    // Write a new file and rename it over the old one, as editors and git do.
    let tmp = root.join("content/consultations/.open-one.md.tmp");
    std::fs::write(&tmp, t.replacen(from, to, 1)).unwrap();
    std::fs::rename(&tmp, &p).unwrap();
}

#[test]
fn a_consultation_withdrawn_while_the_receiver_runs_refuses_comments() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    assert_eq!(comment(r.addr, "open-one", "撤回前的意见", &[]).0, 200);
    edit(
        &root,
        "channels:",
        "withdrawn: {date: 2026-11-24, reason: 上位法已修订，本办法暂缓制定}\nchannels:",
    );
    // Within seconds, without a restart, comments are refused.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let (status, v) = loop {
        let (status, v) = comment(r.addr, "open-one", "撤回后的意见", &[]);
        if status != 200 || std::time::Instant::now() > deadline {
            break (status, v);
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(status, 403, "{v}");
    assert_eq!(v["error"], "consultation_closed");
    assert!(
        r.wait_for_log("open-one 已撤回", Duration::from_secs(5)),
        "no reload logged: {}",
        r.log.lock().unwrap()
    );
    // A window shortened: closed now.
    edit(
        &root,
        "withdrawn: {date: 2026-11-24, reason: 上位法已修订，本办法暂缓制定}\n",
        "",
    );
    assert!(r.wait_for_log("open-one 改为", Duration::from_secs(10)));
    assert_eq!(comment(r.addr, "open-one", "恢复后的意见", &[]).0, 200);
}

#[test]
fn sighup_reloads_and_a_broken_site_keeps_the_old_windows() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    // A content error: the reload is refused and logged; the receiver keeps working.
    edit(
        &root,
        "decision_type: 规范性文件",
        "decision_type: 不存在的类型",
    );
    assert!(
        r.wait_for_log("继续使用原来的征集期限", Duration::from_secs(10)),
        "{}",
        r.log.lock().unwrap()
    );
    assert_eq!(
        comment(r.addr, "open-one", "网站内容有错误时的意见", &[]).0,
        200
    );
    edit(
        &root,
        "decision_type: 不存在的类型",
        "decision_type: 规范性文件",
    );
    assert!(r.wait_for_log("已重新读取", Duration::from_secs(10)));
    // SIGHUP (systemctl reload) reads the site again at once.
    signal(&r.child, "HUP");
    assert!(
        r.wait_for_log(
            "收到 SIGHUP：已重新读取 2 个征集事项",
            Duration::from_secs(10)
        ),
        "{}",
        r.log.lock().unwrap()
    );
    assert_eq!(comment(r.addr, "open-one", "重新读取后的意见", &[]).0, 200);
}
