//! Anchors outside the database (issue 16): a receiver database that lost its newest entries
//! — a `-wal` file lost after SIGKILL, an old backup restored, rows deleted with the `heads`
//! table fixed — or was rehashed throughout, used to pass `verify`. The head log beside the
//! database, the register in the content repository, a published `heads.json` and the
//! commenters' receipts now each catch it, naming the entry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::ledger_common::*;

use std::path::Path;

fn verify(root: &Path, db: &Path, args: &[&str]) -> (Option<i32>, String) {
    let o = feedback("verify", root, db, args);
    (o.status.code(), out(&o))
}

fn remove_wal(db: &Path) {
    for suffix in ["-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// `feedback.heads.jsonl` beside `feedback.db`.
fn head_log(db: &Path) -> std::path::PathBuf {
    db.with_file_name("feedback.heads.jsonl")
}

#[test]
fn a_wal_lost_after_sigkill_is_caught_naming_the_lost_entries() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    for i in 1..=3 {
        accepted(r.addr, "open-one", &format!("第{i}条意见"));
    }
    r.stop();
    // Everything so far is in the database file itself.
    rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    let r = Receiver::start(&root, &db, NOW);
    let (r4, _) = accepted(r.addr, "open-one", "第4条意见");
    let (r5, h5) = accepted(r.addr, "open-one", "第5条意见");
    r.kill(); // SIGKILL: entries 4 and 5 are only in the -wal file
    remove_wal(&db); // …which a file-copy backup, say, did not keep
    let (code, text) = verify(&root, &db, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("consultation/open-one seq 4"), "{text}");
    assert!(text.contains("第 4–5 条意见已丢失"), "{text}");
    assert!(text.contains(&r5), "{text}");
    // The commenter's receipt alone says so too.
    std::fs::remove_file(head_log(&db)).unwrap();
    let (code, text) = verify(&root, &db, &[]);
    assert_eq!(code, Some(0), "without any anchor nothing can tell: {text}");
    let (code, text) = verify(
        &root,
        &db,
        &["--receipt", &format!("{r5}:{h5}"), "--receipt", &r4],
    );
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&format!("回执 {r5}: 不在数据库中")), "{text}");
    assert!(text.contains(&format!("回执 {r4}: 不在数据库中")), "{text}");
}

#[test]
fn an_old_backup_restored_is_caught_by_the_head_log_and_by_the_register() {
    let (tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    accepted(r.addr, "open-one", "第1条意见");
    accepted(r.addr, "open-one", "第2条意见");
    // The nightly backup, as the deploy recipe takes it (through SQLite), and a copy of the
    // head log taken with it.
    let backup = tmp.path().join("backup.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("VACUUM INTO ?1", [backup.to_str().unwrap()])
        .unwrap();
    let log_backup = tmp.path().join("backup.heads.jsonl");
    let _ = std::fs::copy(head_log(&db), &log_backup);
    let (r3, _) = accepted(r.addr, "open-one", "第3条意见");
    r.stop();
    // The daily export records the head in the content repository.
    let o = feedback("export", &root, &db, &["--consultation", "open-one"]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(verify(&root, &db, &[]).0 == Some(0));
    // The disk fails; the backup is restored.
    std::fs::copy(&backup, &db).unwrap();
    remove_wal(&db);
    let (code, text) = verify(&root, &db, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("链头日志"), "{text}");
    assert!(text.contains("consultation/open-one seq 3"), "{text}");
    assert!(text.contains(&r3), "{text}");
    // Even with the head log restored from the same backup, the register remembers.
    std::fs::copy(&log_backup, head_log(&db)).unwrap();
    let (code, text) = verify(&root, &db, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("链头登记簿"), "{text}");
    assert!(text.contains("第 3 条意见已丢失"), "{text}");
    // And export refuses to go on as if nothing happened.
    let o = feedback("export", &root, &db, &["--all"]);
    assert_eq!(o.status.code(), Some(1), "{}", out(&o));
}

#[test]
fn rows_deleted_with_the_heads_table_fixed_are_caught() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    accepted(r.addr, "open-one", "第1条意见");
    accepted(r.addr, "open-one", "第2条意见");
    let (r3, _) = accepted(r.addr, "open-one", "第3条意见：不方便公开的批评");
    r.stop();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DELETE FROM private WHERE entry_id = (SELECT id FROM entries WHERE seq = 3);
         DELETE FROM entries WHERE seq = 3;
         UPDATE heads SET seq = 2, hash = (SELECT hash FROM entries WHERE seq = 2);",
    )
    .unwrap();
    drop(conn);
    let (code, text) = verify(&root, &db, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("consultation/open-one seq 3"), "{text}");
    assert!(text.contains(&r3), "{text}");
}

/// Rewrites `open-one`'s chain without its second entry, renumbered and rehashed throughout,
/// with the `heads` table to match: every check inside the database passes.
fn rehash_without_second(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(
        "DELETE FROM private WHERE entry_id = (SELECT id FROM entries WHERE seq = 2 AND stream = 'consultation/open-one');
         DELETE FROM entries WHERE seq = 2 AND stream = 'consultation/open-one';",
    )
    .unwrap();
    let rows: Vec<(i64, u64, String)> = {
        let mut st = conn
            .prepare("SELECT id, seq, record FROM entries WHERE stream = 'consultation/open-one' ORDER BY seq")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    let mut prev = gongshi::feedback::model::GENESIS_HASH.to_string();
    for (i, (id, seq, record)) in rows.into_iter().enumerate() {
        let new_seq = i as u64 + 1;
        let record = record.replacen(
            &format!("{{\"seq\":{seq},"),
            &format!("{{\"seq\":{new_seq},"),
            1,
        );
        let hash = gongshi::feedback::model::chain_hash(&prev, &record);
        conn.execute(
            "UPDATE entries SET seq = ?1, record = ?2, prev_hash = ?3, hash = ?4 WHERE id = ?5",
            rusqlite::params![new_seq, record, prev, hash, id],
        )
        .unwrap();
        prev = hash;
    }
    conn.execute(
        "UPDATE heads SET seq = (SELECT MAX(seq) FROM entries WHERE stream = 'consultation/open-one'), hash = ?1 WHERE stream = 'consultation/open-one'",
        [prev],
    )
    .unwrap();
}

#[test]
fn a_full_rehash_without_a_ledger_is_caught_by_anchors_outside_the_database() {
    let (tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    accepted(r.addr, "open-one", "第1条意见");
    let (r2, h2) = accepted(r.addr, "open-one", "第2条意见");
    let (r3, h3) = accepted(r.addr, "open-one", "第3条意见");
    r.stop();
    // Yesterday's build, given the database, published the receiver's heads.
    let build = gongshi(&[
        "build",
        "-q",
        "--root",
        s(&root),
        "--now",
        NOW,
        "--feedback-db",
        s(&db),
    ]);
    let published = tmp.path().join("heads-archived.json");
    let _ = std::fs::copy(root.join("public/consultations/heads.json"), &published);
    let _ = std::fs::remove_dir_all(root.join("public"));

    rehash_without_second(&db);
    // The head log beside the database disagrees.
    let (code, text) = verify(&root, &db, &[]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("整条链被重新计算") || text.contains("已丢失"),
        "{text}"
    );
    assert!(build.status.success(), "{}", out(&build));
    let heads: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&published).unwrap()).unwrap();
    assert_eq!(heads["consultations"]["open-one"]["receiver"]["count"], 3);
    // Someone who can rewrite the database can delete that log too: then nothing inside the
    // machine can tell…
    std::fs::remove_file(head_log(&db)).unwrap();
    let (code, text) = verify(&root, &db, &[]);
    assert_eq!(code, Some(0), "{text}");
    // …but what was published can, and so can each commenter's receipt.
    let (code, text) = verify(&root, &db, &["--published", s(&published)]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("heads-archived.json"), "{text}");
    assert!(
        text.contains("第 3 条意见已丢失") || text.contains("重新计算"),
        "{text}"
    );
    let (code, text) = verify(&root, &db, &["--receipt", &format!("{r3}:{h3}")]);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains(&format!("({r3})")) && text.contains("重新计算"),
        "{text}"
    );
    let (code, text) = verify(&root, &db, &["--receipt", &format!("{r2}:{h2}")]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&format!("回执 {r2}: 不在数据库中")), "{text}");
}

#[test]
fn receipts_and_the_head_log_agree_with_an_intact_database() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    let (a, ha) = accepted(r.addr, "open-one", "第1条意见");
    let (b, _) = accepted(r.addr, "open-one", "第2条意见");
    r.stop();
    let o = feedback(
        "add",
        &root,
        &db,
        &[
            "--consultation",
            "open-one",
            "--channel",
            "电话",
            "--text",
            "电话意见",
        ],
    );
    assert!(o.status.success(), "{}", out(&o));
    let log = std::fs::read_to_string(head_log(&db)).unwrap();
    assert_eq!(log.lines().count(), 3, "{log}");
    assert!(log.lines().last().unwrap().contains("\"count\":3"), "{log}");
    let (code, text) = verify(
        &root,
        &db,
        &["--receipt", &format!("{a}:{ha}"), "--receipt", &b],
    );
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("链头日志 (head log) 3"), "{text}");
    assert!(text.contains("回执 (receipts) 2"), "{text}");
    assert!(text.contains("尚未导出到意见台账"), "{text}");
    let (code, text) = verify(
        &root,
        &db,
        &["--receipt", &format!("{a}:{}", "0".repeat(64))],
    );
    assert_eq!(code, Some(1), "{text}");
}
