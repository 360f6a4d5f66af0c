//! One test suite for both feedback stores (`gongshi::feedback::backend`): every test is a
//! function over a store opener, instantiated for SQLite and for PostgreSQL by `suite!`.
//! The PostgreSQL half runs on a throw-away cluster (`pg_common`); it is skipped, saying why,
//! only when no server can be started (a failure with GONGSHI_PG_REQUIRED=1, as in CI).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use gongshi::feedback::backend::{self, FeedbackStore};
use gongshi::feedback::dbcheck::Create;
use gongshi::feedback::model::{self, Channel, Content, Personal, Submission};
use jiff::tz::TimeZone;
use jiff::Timestamp;

type Opener = Box<dyn Fn() -> Box<dyn FeedbackStore> + Send + Sync>;

fn tz() -> TimeZone {
    model::default_time_zone()
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn comment(consultation: &str, opinion: &str, token: Option<&str>, when: &str) -> Submission {
    Submission {
        content: Content::Comment {
            consultation: consultation.into(),
            section: Some("第三条".into()),
            opinion: opinion.into(),
            consent: true,
        },
        personal: Personal {
            name: Some("张三".into()),
            organization: None,
            contact: Some("13800000000".into()),
        },
        channel: Channel::Web,
        received: at(when),
        client: None,
        token: token.map(str::to_string),
    }
}

fn message(text: &str) -> Submission {
    Submission {
        content: Content::Message {
            category: "咨询".into(),
            subject: "办事时间".into(),
            message: text.into(),
        },
        personal: Personal::default(),
        channel: Channel::Web,
        received: at("2026-11-25T02:00:00Z"),
        client: None,
        token: None,
    }
}

fn correction(text: &str) -> Submission {
    Submission {
        content: Content::Correction {
            page: "/notices/a/".into(),
            description: text.into(),
        },
        personal: Personal::default(),
        channel: Channel::Web,
        received: at("2026-11-25T02:00:00Z"),
        client: None,
        token: None,
    }
}

fn all_verify(s: &mut dyn FeedbackStore) {
    for stream in s.streams().unwrap() {
        let p = s.verify_stream(&stream).unwrap();
        assert!(p.is_empty(), "{stream}: {p:?}");
    }
}

// ---- the suite ------------------------------------------------------------------------------

fn insert_then_lookup(open: &Opener) {
    let mut s = open();
    let a = s
        .insert_one(
            &tz(),
            &comment("c1", "第一条意见", None, "2026-11-25T02:00:00Z"),
        )
        .unwrap();
    assert!(!a.duplicate);
    assert_eq!(a.seq, 1);
    assert_eq!(a.stream, "consultation/c1");
    let st = s.lookup(&a.receipt).unwrap().expect("stored");
    assert_eq!(st.receipt, a.receipt);
    assert_eq!(st.hash, a.hash);
    assert_eq!(st.seq, 1);
    assert_eq!(st.consultation.as_deref(), Some("c1"));
    assert_eq!(st.exported_at, None);
    assert!(s.lookup("ZJ20261125-9999-0000").unwrap().is_none());
    assert_eq!(
        s.head("consultation/c1").unwrap(),
        Some((1, a.hash.clone()))
    );
    assert_eq!(s.count_entries().unwrap(), 1);
    // A second connection sees the commit.
    let mut other = open();
    assert_eq!(other.lookup(&a.receipt).unwrap().unwrap().hash, a.hash);
    all_verify(s.as_mut());
}

fn a_group_is_one_transaction_in_order(open: &Opener) {
    let mut s = open();
    let secret = s.secret().unwrap();
    let subs = [
        comment("c1", "一", None, "2026-11-25T02:00:00Z"),
        comment("c2", "二", None, "2026-11-25T02:00:01Z"),
        comment("c1", "三", None, "2026-11-25T02:00:02Z"),
        message("四"),
        correction("五"),
        comment("c1", "六", None, "2026-11-25T02:00:03Z"),
    ];
    let refs: Vec<&Submission> = subs.iter().collect();
    let out = s.insert_batch(&secret, &tz(), &refs).unwrap();
    let seqs: Vec<(String, u64)> = out.iter().map(|a| (a.stream.clone(), a.seq)).collect();
    assert_eq!(
        seqs,
        [
            ("consultation/c1".to_string(), 1),
            ("consultation/c2".to_string(), 1),
            ("consultation/c1".to_string(), 2),
            ("message".to_string(), 1),
            ("correction".to_string(), 1),
            ("consultation/c1".to_string(), 3),
        ]
    );
    assert_eq!(
        s.streams().unwrap(),
        [
            "consultation/c1",
            "consultation/c2",
            "correction",
            "message"
        ]
    );
    let c1 = s.stream_entries("consultation/c1").unwrap();
    assert_eq!(c1.len(), 3);
    assert_eq!(c1[0].prev_hash, model::GENESIS_HASH);
    assert_eq!(c1[1].prev_hash, c1[0].hash);
    assert_eq!(c1[2].text.as_deref(), Some("六"));
    let receipts: BTreeSet<&str> = out.iter().map(|a| a.receipt.as_str()).collect();
    assert_eq!(receipts.len(), out.len(), "receipts unique");
    all_verify(s.as_mut());
}

fn a_resubmission_returns_the_earlier_receipt(open: &Opener) {
    let mut s = open();
    let token = Some("0123456789abcdef0123456789abcdef");
    let first = s
        .insert_one(
            &tz(),
            &comment("c1", "同一条", token, "2026-11-25T02:00:00Z"),
        )
        .unwrap();
    let again = s
        .insert_one(
            &tz(),
            &comment("c1", "同一条", token, "2026-11-25T02:05:00Z"),
        )
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(again.receipt, first.receipt);
    assert_eq!(s.count_entries().unwrap(), 1);
    // Another text with the same token is another opinion.
    let other = s
        .insert_one(
            &tz(),
            &comment("c1", "另一条", token, "2026-11-25T02:06:00Z"),
        )
        .unwrap();
    assert!(!other.duplicate);
    // Keys older than the window are forgotten: the same fields a day later are new.
    let n = s
        .expire_dedup_keys(at("2026-11-27T00:00:00Z").as_second())
        .unwrap();
    assert_eq!(n, 2);
    let later = s
        .insert_one(
            &tz(),
            &comment("c1", "同一条", token, "2026-11-25T02:10:00Z"),
        )
        .unwrap();
    assert!(!later.duplicate);
    assert_eq!(s.count_entries().unwrap(), 3);
    all_verify(s.as_mut());
}

fn a_repeat_inside_one_group_gets_the_same_receipt(open: &Opener) {
    let mut s = open();
    let secret = s.secret().unwrap();
    let token = Some("fedcba9876543210fedcba9876543210");
    let subs = [
        comment("c1", "同组重复", token, "2026-11-25T02:00:00Z"),
        comment("c1", "别的", None, "2026-11-25T02:00:00Z"),
        comment("c1", "同组重复", token, "2026-11-25T02:00:01Z"),
    ];
    let refs: Vec<&Submission> = subs.iter().collect();
    let out = s.insert_batch(&secret, &tz(), &refs).unwrap();
    assert!(!out[0].duplicate && !out[1].duplicate);
    assert!(out[2].duplicate);
    assert_eq!(out[2].receipt, out[0].receipt);
    assert_eq!(out[2].hash, out[0].hash);
    assert_eq!(out[1].seq, 2);
    assert_eq!(s.count_entries().unwrap(), 2);
    all_verify(s.as_mut());
}

fn personal_data_stays_out_of_the_public_record(open: &Opener) {
    let mut s = open();
    let a = s
        .insert_one(
            &tz(),
            &comment("c1", "意见正文", None, "2026-11-25T02:00:00Z"),
        )
        .unwrap();
    let e = &s.stream_entries("consultation/c1").unwrap()[0];
    assert!(!e.record.contains("张三"), "{}", e.record);
    assert!(!e.record.contains("13800000000"), "{}", e.record);
    let dump = s.dump().unwrap();
    let row = dump
        .entries
        .iter()
        .find(|r| r.receipt == a.receipt)
        .unwrap();
    let p = row.private.as_ref().expect("private row");
    assert_eq!(p.name.as_deref(), Some("张三"));
    assert_eq!(p.contact.as_deref(), Some("13800000000"));
    assert_eq!(p.text, "意见正文");
}

fn export_marks_once_and_stats_count(open: &Opener) {
    let mut s = open();
    let a = s
        .insert_one(&tz(), &comment("c1", "一", None, "2026-11-25T02:00:00Z"))
        .unwrap();
    s.insert_one(&tz(), &comment("c2", "二", None, "2026-11-25T02:00:00Z"))
        .unwrap();
    s.insert_one(&tz(), &message("三")).unwrap();
    let ids: Vec<i64> = s
        .stream_entries("consultation/c1")
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    s.mark_exported(&ids, "2026-11-26T09:00:00+08:00").unwrap();
    s.mark_exported(&ids, "2026-11-27T09:00:00+08:00").unwrap();
    assert_eq!(
        s.lookup(&a.receipt)
            .unwrap()
            .unwrap()
            .exported_at
            .as_deref(),
        Some("2026-11-26T09:00:00+08:00"),
        "the first export date stays"
    );
    let st = s.stats().unwrap();
    assert_eq!(st.total, 3);
    assert_eq!(st.by_kind.get("comment"), Some(&2));
    assert_eq!(st.by_kind.get("message"), Some(&1));
    assert_eq!(st.by_consultation.get("c1"), Some(&1));
    assert_eq!(st.by_channel.values().sum::<u64>(), 3);
    assert_eq!(st.by_channel.len(), 1, "{:?}", st.by_channel);
}

fn an_altered_row_is_found(open: &Opener) {
    // Tamper through a dump: load a changed copy into a fresh store and verify it.
    let mut s = open();
    for i in 0..3 {
        s.insert_one(
            &tz(),
            &comment("c1", &format!("第{i}条"), None, "2026-11-25T02:00:00Z"),
        )
        .unwrap();
    }
    let mut dump = s.dump().unwrap();
    dump.entries[1].private.as_mut().unwrap().text = "被改过的意见".into();
    let mut fresh = open_fresh_like(open);
    fresh.load(&dump).unwrap();
    let p = fresh.verify_stream("consultation/c1").unwrap();
    assert!(
        p.iter()
            .any(|p| p.contains("private opinion text was altered")),
        "{p:?}"
    );
    // A dropped last entry: the head no longer matches.
    let mut dump = s.dump().unwrap();
    dump.entries.pop();
    let mut fresh = open_fresh_like(open);
    fresh.load(&dump).unwrap();
    let p = fresh.verify_stream("consultation/c1").unwrap();
    assert!(
        p.iter().any(|p| p.contains("differs from the last entry")),
        "{p:?}"
    );
}

fn hostile_text_is_stored_or_refused_cleanly(open: &Opener) {
    let mut s = open();
    let texts = [
        "含\u{0}空字符".to_string(),
        "'); DROP TABLE feedback_entries; --".to_string(),
        "\u{202E}反向\u{202C}".to_string(),
        "😀".repeat(5000),
        "\\x00 $1 %s {0}".to_string(),
    ];
    let mut stored = 0;
    for t in &texts {
        match s.insert_one(&tz(), &comment("c1", t, None, "2026-11-25T02:00:00Z")) {
            Ok(a) => {
                stored += 1;
                let e = s.stream_entries("consultation/c1").unwrap();
                assert_eq!(e.last().unwrap().receipt, a.receipt);
                assert_eq!(e.last().unwrap().text.as_deref(), Some(t.as_str()));
            }
            // PostgreSQL text cannot hold NUL: an error, nothing half-stored.
            Err(e) => assert!(t.contains('\u{0}'), "{t:?}: {e}"),
        }
    }
    assert_eq!(s.count_entries().unwrap(), stored);
    // Still writable, still one valid chain.
    s.insert_one(&tz(), &comment("c1", "之后", None, "2026-11-25T02:00:00Z"))
        .unwrap();
    all_verify(s.as_mut());
}

fn concurrent_writers_keep_chains_linear(open: &Opener) {
    // Four connections (as four receivers would) write groups to the same consultations.
    let open = std::sync::Arc::new(open);
    let receipts: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|w| {
                let open = open.clone();
                scope.spawn(move || {
                    let mut s = open();
                    let secret = s.secret().unwrap();
                    let mut out = Vec::new();
                    for g in 0..10 {
                        let subs: Vec<Submission> = (0..5)
                            .map(|i| {
                                comment(
                                    if i % 2 == 0 { "c1" } else { "c2" },
                                    &format!("写者{w}组{g}第{i}条"),
                                    None,
                                    "2026-11-25T02:00:00Z",
                                )
                            })
                            .collect();
                        let refs: Vec<&Submission> = subs.iter().collect();
                        let acc = s.insert_batch(&secret, &tz(), &refs).unwrap();
                        out.extend(acc.into_iter().map(|a| a.receipt));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let mut s = open();
    assert_eq!(receipts.len(), 200);
    let unique: BTreeSet<&String> = receipts.iter().collect();
    assert_eq!(unique.len(), 200, "receipts unique across writers");
    assert_eq!(s.count_entries().unwrap(), 200);
    assert_eq!(s.stream_entries("consultation/c1").unwrap().len(), 120);
    assert_eq!(s.head("consultation/c2").unwrap().unwrap().0, 80);
    for r in &receipts {
        assert!(
            s.lookup(r).unwrap().is_some(),
            "{r} acknowledged but missing"
        );
    }
    all_verify(s.as_mut());
}

fn migrate_from_sqlite_copies_every_entry(open: &Opener) {
    let dir = tempfile::tempdir().unwrap();
    let src_path = dir.path().join("src.sqlite3");
    let mut src = backend::open(src_path.to_str().unwrap(), Create::IfMissing).unwrap();
    let token = Some("0123456789abcdef0123456789abcdef");
    for i in 0..20 {
        src.insert_one(
            &tz(),
            &comment(
                if i % 3 == 0 { "c1" } else { "c2" },
                &format!("第{i}条"),
                token,
                "2026-11-25T02:00:00Z",
            ),
        )
        .unwrap();
    }
    src.insert_one(&tz(), &message("留言")).unwrap();
    // A file imported before the migration stays imported after it.
    let secret = src.secret().unwrap();
    let imported = message("导入的留言");
    let group = backend::ImportGroup {
        key: "import:c1:0123abcd",
        subs: vec![&imported],
        refuse_same: true,
        noted_at: "2026-11-25T10:00:00+08:00",
    };
    let out = src.import(&secret, &tz(), &group, &mut |_| Ok(())).unwrap();
    assert!(matches!(out, backend::ImportOutcome::Stored(ref a) if a.len() == 1));
    let ids: Vec<i64> = src
        .stream_entries("consultation/c1")
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    src.mark_exported(&ids, "2026-11-26T09:00:00+08:00")
        .unwrap();
    let mut to = open();
    let rep = backend::migrate(src.as_mut(), to.as_mut()).unwrap();
    assert_eq!(rep.entries, 22);
    assert_eq!(rep.streams, 3);
    let again = to.import(&secret, &tz(), &group, &mut |_| Ok(())).unwrap();
    assert!(
        matches!(&again, backend::ImportOutcome::AlreadyImported(note) if note.contains("导入 1 条")),
        "{again:?}"
    );
    for stream in src.streams().unwrap() {
        assert_eq!(src.head(&stream).unwrap(), to.head(&stream).unwrap());
        let a = src.stream_entries(&stream).unwrap();
        let b = to.stream_entries(&stream).unwrap();
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(
                (&x.receipt, &x.record, &x.hash, &x.text, &x.exported_at),
                (&y.receipt, &y.record, &y.hash, &y.text, &y.exported_at)
            );
        }
    }
    // Same secret: receipts and duplicates carry over.
    assert_eq!(src.secret().unwrap(), to.secret().unwrap());
    let again = to
        .insert_one(
            &tz(),
            &comment("c2", "第1条", token, "2026-11-25T03:00:00Z"),
        )
        .unwrap();
    assert!(again.duplicate, "the dedup key survived the migration");
    // The receipt counter continues: the next receipt is new.
    let next = to
        .insert_one(
            &tz(),
            &comment("c2", "迁移后", None, "2026-11-25T03:00:00Z"),
        )
        .unwrap();
    assert!(src.lookup(&next.receipt).unwrap().is_none());
    assert_eq!(next.seq, 14);
    // A second migration into the same (now non-empty) target is refused.
    let err = backend::migrate(src.as_mut(), to.as_mut()).unwrap_err();
    assert!(err.to_string().contains("只能迁移到空数据库"), "{err}");
    all_verify(to.as_mut());
}

// ---- instantiation --------------------------------------------------------------------------

/// A second, empty store of the same kind as `open`'s (for tamper tests).
fn open_fresh_like(open: &Opener) -> Box<dyn FeedbackStore> {
    let d = open().describe();
    if backend::is_url(&d) {
        let url = crate::pg_common::fresh_url("open_fresh_like").unwrap();
        backend::open(&url, Create::IfMissing).unwrap()
    } else {
        let path = PathBuf::from(format!(
            "{d}.fresh{}",
            FRESH.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        backend::open(path.to_str().unwrap(), Create::IfMissing).unwrap()
    }
}

static FRESH: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn sqlite_opener() -> (tempfile::TempDir, Opener) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feedback.sqlite3");
    backend::open(path.to_str().unwrap(), Create::IfMissing).unwrap();
    let p = path.to_str().unwrap().to_string();
    (
        dir,
        Box::new(move || backend::open(&p, Create::Never).unwrap()),
    )
}

fn pg_opener(test: &str) -> Option<Opener> {
    let url = crate::pg_common::fresh_url(test)?;
    backend::open(&url, Create::IfMissing)
        .unwrap()
        .secret()
        .unwrap();
    Some(Box::new(move || {
        backend::open(&url, Create::Never).unwrap()
    }))
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let (_dir, open) = super::sqlite_opener();
                    super::$name(&open);
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    let Some(open) = super::pg_opener(concat!("feedback_store::postgres::", stringify!($name))) else {
                        return;
                    };
                    super::$name(&open);
                }
            )*
        }
    };
}

suite!(
    insert_then_lookup,
    a_group_is_one_transaction_in_order,
    a_resubmission_returns_the_earlier_receipt,
    a_repeat_inside_one_group_gets_the_same_receipt,
    personal_data_stays_out_of_the_public_record,
    export_marks_once_and_stats_count,
    an_altered_row_is_found,
    hostile_text_is_stored_or_refused_cleanly,
    concurrent_writers_keep_chains_linear,
    migrate_from_sqlite_copies_every_entry,
);

// ---- the request store (依申请公开), the same way on both ------------------------------------

mod request_suite {
    use std::collections::BTreeSet;

    use gongshi::feedback::backend::{self, FeedbackStore};
    use gongshi::feedback::dbcheck::Create;
    use gongshi::feedback::model::check_receipt;
    use gongshi::feedback::requests::model::{
        ApplicantType, Delivery, Event, EventKind, ReplyCategory, RequestChannel,
    };
    use gongshi::feedback::requests::store::{
        self, Applicant, ImportBatch, ImportOutcome, NewRequest, RequestStore,
    };
    use gongshi::feedback::requests::Calendar;
    use jiff::civil::Date;

    use super::{at, comment, tz};

    /// Opens the request store and the comment store of one database.
    pub struct Db {
        pub requests: Box<dyn Fn() -> Box<dyn RequestStore> + Send + Sync>,
        pub comments: Box<dyn Fn() -> Box<dyn FeedbackStore> + Send + Sync>,
        pub url: Option<String>,
        pub path: Option<std::path::PathBuf>,
    }

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn request(name: &str, info: &str, token: Option<&str>) -> NewRequest {
        NewRequest {
            channel: RequestChannel::Web,
            applicant_type: ApplicantType::Person,
            applicant: Applicant {
                name: name.into(),
                id_number: Some("420583199001010011".into()),
                contact: "13900000000".into(),
                address: Some("湖北省枝江市马家店街道".into()),
            },
            description: info.into(),
            delivery: Some(Delivery::Email),
            received: day("2026-03-02"),
            submitted: at("2026-03-02T02:00:00Z"),
            token: token.map(str::to_string),
        }
    }

    fn letter(name: &str, info: &str) -> NewRequest {
        NewRequest {
            channel: RequestChannel::Letter,
            token: None,
            ..request(name, info, None)
        }
    }

    pub fn insert_load_and_personal_data_apart(db: &Db) {
        let mut s = (db.requests)();
        let a = s
            .insert_one(&tz(), &request("王五", "2025年财政预算", None))
            .unwrap();
        assert!(!a.duplicate);
        assert!(a.receipt.starts_with("YS20260302-0001-"), "{}", a.receipt);
        let secret = s.secret().unwrap();
        assert_eq!(check_receipt(&secret, &a.receipt), Some(a.receipt.clone()));
        // The status: no applicant.
        let r = s.load(&a.receipt).unwrap().unwrap();
        assert!(r.applicant.is_none());
        assert_eq!(
            r.events,
            [Event::new(EventKind::Received, day("2026-03-02"))]
        );
        assert_eq!(r.channel, RequestChannel::Web);
        assert_eq!(r.delivery, Some(Delivery::Email));
        assert!(s.load("YS20260302-9999-0000").unwrap().is_none());
        // Only `all(true)` (the staff export) reads the applicant.
        assert!(s.all(false).unwrap()[0].applicant.is_none());
        let with = s.all(true).unwrap();
        assert_eq!(with[0].applicant.as_ref().unwrap().name, "王五");
        // A second connection sees the commit; the chain verifies.
        let mut other = (db.requests)();
        assert_eq!(other.load(&a.receipt).unwrap().unwrap().receipt, a.receipt);
        assert!(other.verify_events().unwrap().is_empty());
        // The comment store of the same database shares the secret, keeps the request chain
        // out of its streams, and still verifies with requests beside it.
        let mut c = (db.comments)();
        assert_eq!(c.secret().unwrap(), secret);
        c.insert_one(&tz(), &comment("c1", "意见", None, "2026-03-02T02:00:00Z"))
            .unwrap();
        assert_eq!(c.streams().unwrap(), ["consultation/c1"]);
        super::all_verify(c.as_mut());
    }

    pub fn a_resubmission_returns_the_earlier_receipt(db: &Db) {
        let mut s = (db.requests)();
        let token = Some("0123456789abcdef0123456789abcdef");
        let a = s
            .insert_one(&tz(), &request("王五", "预算", token))
            .unwrap();
        let b = s
            .insert_one(&tz(), &request("王五", "预算", token))
            .unwrap();
        assert!(b.duplicate);
        assert_eq!(a.receipt, b.receipt);
        // Another description with the same token is a new request; so is one without token.
        let c = s
            .insert_one(&tz(), &request("王五", "决算", token))
            .unwrap();
        assert!(!c.duplicate);
        let d = s.insert_one(&tz(), &request("王五", "预算", None)).unwrap();
        assert!(!d.duplicate);
        assert_eq!(s.all(false).unwrap().len(), 3);
        // In one group too, in order.
        let secret = s.secret().unwrap();
        let e = request("赵六", "项目", token);
        let out = s.insert_batch(&secret, &tz(), &[&e, &e]).unwrap();
        assert!(!out[0].duplicate && out[1].duplicate);
        assert_eq!(out[0].receipt, out[1].receipt);
        assert!(s.verify_events().unwrap().is_empty());
    }

    pub fn events_follow_the_rules_and_extend_the_chain(db: &Db) {
        let mut s = (db.requests)();
        let cal = Calendar::builtin();
        let a = s.insert_one(&tz(), &letter("王五", "预算")).unwrap();
        let now = at("2026-03-20T02:00:00Z");
        let t = s
            .record_event(
                &cal,
                &tz(),
                &a.receipt,
                Event::new(EventKind::SupplementRequested, day("2026-03-04")),
                now,
            )
            .unwrap();
        assert_eq!(
            t.due, None,
            "the clock stops while waiting for the supplement"
        );
        let t = s
            .record_event(
                &cal,
                &tz(),
                &a.receipt,
                Event::new(EventKind::SupplementReceived, day("2026-03-09")),
                now,
            )
            .unwrap();
        assert_eq!(t.due, Some(day("2026-04-07")));
        // A reply before the request was received is refused; nothing is appended.
        let mut early = Event::new(EventKind::Replied, day("2026-02-01"));
        early.category = Some(ReplyCategory::Disclosed);
        let err = s
            .record_event(&cal, &tz(), &a.receipt, early, now)
            .unwrap_err();
        assert!(err.to_string().contains(&a.receipt), "{err}");
        let mut reply = Event::new(EventKind::Replied, day("2026-03-25"));
        reply.category = Some(ReplyCategory::PartlyDisclosed);
        reply.fee = Some("0".into());
        s.record_event(&cal, &tz(), &a.receipt, reply.clone(), now)
            .unwrap();
        let err = s
            .record_event(
                &cal,
                &tz(),
                "YS20260302-9999-0000",
                Event::new(EventKind::Replied, day("2026-03-25")),
                now,
            )
            .unwrap_err();
        assert!(err.to_string().contains("没有回执编号"), "{err}");
        let r = (db.requests)().load(&a.receipt).unwrap().unwrap();
        assert_eq!(r.events.len(), 4);
        assert_eq!(r.events[3], reply);
        assert!(s.verify_events().unwrap().is_empty());
    }

    pub fn an_import_is_all_or_nothing_and_once(db: &Db) {
        let mut s = (db.requests)();
        let secret = s.secret().unwrap();
        let stored = s.insert_one(&tz(), &letter("李四", "规划图")).unwrap();
        let rows = [letter("张三", "预算"), letter("李四", "规划图")];
        let batch = |key, refuse_same| ImportBatch {
            key,
            requests: rows.iter().collect(),
            history: vec![&[]; rows.len()],
            refuse_same,
            noted_at: "2026-03-02T10:00:00+08:00",
        };
        // A row identical to a stored request: nothing is written.
        let out = s
            .import(&secret, &tz(), &batch("import:requests:aa", true))
            .unwrap();
        assert_eq!(out, ImportOutcome::Same(vec![(1, stored.receipt.clone())]));
        assert_eq!(s.all(false).unwrap().len(), 1);
        // Allowed: both stored, in order, in one transaction.
        let ImportOutcome::Stored(got) = s
            .import(&secret, &tz(), &batch("import:requests:aa", false))
            .unwrap()
        else {
            panic!("not stored");
        };
        assert_eq!(got.len(), 2);
        let all = s.all(false).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].receipt, got[0].receipt);
        // The same file a second time: refused, naming the first import.
        match s
            .import(&secret, &tz(), &batch("import:requests:aa", false))
            .unwrap()
        {
            ImportOutcome::AlreadyImported(note) => {
                assert!(note.contains("导入 2 件申请"), "{note}");
                assert!(note.contains(&got[0].receipt), "{note}");
            }
            o => panic!("{o:?}"),
        }
        assert_eq!(s.all(false).unwrap().len(), 3);
        assert!(s.verify_events().unwrap().is_empty());
    }

    /// A request entered with its history (`requests import` of a request already being
    /// handled): the events follow its 收到 in the chain, on both stores.
    pub fn an_import_carries_each_requests_history(db: &Db) {
        let mut s = (db.requests)();
        let secret = s.secret().unwrap();
        let rows = [letter("张三", "预算"), letter("李四", "规划图")];
        let history = [
            Event::new(EventKind::SupplementRequested, day("2026-03-04")),
            Event::new(EventKind::SupplementReceived, day("2026-03-10")),
        ];
        let ImportOutcome::Stored(got) = s
            .import(
                &secret,
                &tz(),
                &ImportBatch {
                    key: "import:requests:bb",
                    requests: rows.iter().collect(),
                    history: vec![&history[..], &[]],
                    refuse_same: true,
                    noted_at: "2026-03-11T10:00:00+08:00",
                },
            )
            .unwrap()
        else {
            panic!("not stored");
        };
        let first = s.load(&got[0].receipt).unwrap().unwrap();
        let kinds: Vec<EventKind> = first.events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                EventKind::Received,
                EventKind::SupplementRequested,
                EventKind::SupplementReceived
            ]
        );
        // 补正 time does not count: 20 working days from the day the supplement arrived.
        let t = first.timeline(&Calendar::builtin()).unwrap();
        assert_eq!(t.due, Some(day("2026-04-08")), "{t:?}");
        let second = s.load(&got[1].receipt).unwrap().unwrap();
        assert_eq!(second.events.len(), 1);
        assert!(s.verify_events().unwrap().is_empty());
    }

    pub fn concurrent_writers_keep_receipts_unique(db: &Db) {
        let receipts = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|sc| {
            for t in 0..4 {
                let receipts = &receipts;
                sc.spawn(move || {
                    let mut s = (db.requests)();
                    let cal = Calendar::builtin();
                    for i in 0..10 {
                        let a = s
                            .insert_one(&tz(), &letter(&format!("申请人{t}"), &format!("第{i}件")))
                            .unwrap();
                        s.record_event(
                            &cal,
                            &tz(),
                            &a.receipt,
                            Event::new(EventKind::SupplementRequested, day("2026-03-03")),
                            at("2026-03-03T02:00:00Z"),
                        )
                        .unwrap();
                        receipts.lock().unwrap().push(a.receipt);
                    }
                });
            }
        });
        let receipts = receipts.into_inner().unwrap();
        let unique: BTreeSet<&String> = receipts.iter().collect();
        assert_eq!(unique.len(), 40, "a receipt was given twice");
        let mut s = (db.requests)();
        assert!(s.verify_events().unwrap().is_empty());
        let dump = s.dump().unwrap();
        let seqs: Vec<u64> = dump.events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=80).collect::<Vec<u64>>());
    }

    pub fn an_altered_event_is_found(db: &Db) {
        let mut s = (db.requests)();
        let a = s.insert_one(&tz(), &letter("王五", "预算")).unwrap();
        s.insert_one(&tz(), &letter("王五", "决算")).unwrap();
        assert!(s.verify_events().unwrap().is_empty());
        // The log refuses changes through SQL ...
        let update = "UPDATE {t} SET record = replace(record, '2026-03-02', '2026-03-09')";
        let refused = match (&db.url, &db.path) {
            (Some(url), _) => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
                c.batch_execute(&update.replace("{t}", "feedback_request_events"))
                    .is_err()
            }
            (None, Some(path)) => rusqlite::Connection::open(path)
                .unwrap()
                .execute_batch(&update.replace("{t}", "request_events"))
                .is_err(),
            _ => unreachable!(),
        };
        assert!(refused, "the event log took an UPDATE");
        // ... and an alteration behind the triggers' back is found.
        match (&db.url, &db.path) {
            (Some(url), _) => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
                c.batch_execute(&format!(
                    "ALTER TABLE feedback_request_events DISABLE TRIGGER USER; {};",
                    update.replace("{t}", "feedback_request_events")
                ))
                .unwrap();
            }
            (None, Some(path)) => {
                rusqlite::Connection::open(path)
                    .unwrap()
                    .execute_batch(&format!(
                        "DROP TRIGGER request_events_append_only_u; {};",
                        update.replace("{t}", "request_events")
                    ))
                    .unwrap();
            }
            _ => unreachable!(),
        }
        let problems = s.verify_events().unwrap();
        assert!(
            problems.iter().any(|p| p.contains("seq 1: chain broken")),
            "{problems:?} ({})",
            a.receipt
        );
    }

    pub fn migrate_from_sqlite_copies_every_request(db: &Db) {
        let dir = tempfile::tempdir().unwrap();
        let src_path = dir.path().join("src.sqlite3");
        let src_db = src_path.to_str().unwrap();
        let mut src = backend::open(src_db, Create::IfMissing).unwrap();
        src.insert_one(&tz(), &comment("c1", "意见", None, "2026-03-02T02:00:00Z"))
            .unwrap();
        let mut rs = store::open(src_db, Create::Never).unwrap();
        let token = Some("0123456789abcdef0123456789abcdef");
        let cal = Calendar::builtin();
        let mut receipts = Vec::new();
        for i in 0..5 {
            let a = rs
                .insert_one(&tz(), &request(&format!("申请人{i}"), "预算", token))
                .unwrap();
            rs.record_event(
                &cal,
                &tz(),
                &a.receipt,
                Event::new(EventKind::SupplementRequested, day("2026-03-03")),
                at("2026-03-03T02:00:00Z"),
            )
            .unwrap();
            receipts.push(a.receipt);
        }
        let mut to_c = (db.comments)();
        let mut to_r = (db.requests)();
        backend::migrate(src.as_mut(), to_c.as_mut()).unwrap();
        assert_eq!(store::migrate(rs.as_mut(), to_r.as_mut()).unwrap(), 5);
        assert_eq!(rs.dump().unwrap(), to_r.dump().unwrap());
        assert!(to_r.verify_events().unwrap().is_empty());
        let a = to_r.all(true).unwrap();
        assert_eq!(a.len(), 5);
        assert_eq!(a[4].applicant.as_ref().unwrap().name, "申请人4");
        assert_eq!(a[4].events.len(), 2);
        // The duplicate key, the receipt counter and the chain carry on.
        let again = to_r
            .insert_one(&tz(), &request("申请人0", "预算", token))
            .unwrap();
        assert!(again.duplicate);
        assert_eq!(again.receipt, receipts[0]);
        let next = to_r.insert_one(&tz(), &letter("新申请人", "决算")).unwrap();
        assert!(
            next.receipt.starts_with("YS20260302-0006-"),
            "{}",
            next.receipt
        );
        assert!(to_r.verify_events().unwrap().is_empty());
        // A second migration into the non-empty target is refused.
        let err = store::migrate(rs.as_mut(), to_r.as_mut()).unwrap_err();
        assert!(err.to_string().contains("只能迁移到空数据库"), "{err}");
    }

    pub fn sqlite_db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feedback.sqlite3");
        backend::open(path.to_str().unwrap(), Create::IfMissing).unwrap();
        let (p1, p2) = (
            path.to_str().unwrap().to_string(),
            path.to_str().unwrap().to_string(),
        );
        (
            dir,
            Db {
                requests: Box::new(move || store::open(&p1, Create::Never).unwrap()),
                comments: Box::new(move || backend::open(&p2, Create::Never).unwrap()),
                url: None,
                path: Some(path),
            },
        )
    }

    pub fn pg_db(test: &str) -> Option<Db> {
        let url = crate::pg_common::fresh_url(test)?;
        backend::open(&url, Create::IfMissing)
            .unwrap()
            .secret()
            .unwrap();
        let (u1, u2) = (url.clone(), url.clone());
        Some(Db {
            requests: Box::new(move || store::open(&u1, Create::Never).unwrap()),
            comments: Box::new(move || backend::open(&u2, Create::Never).unwrap()),
            url: Some(url),
            path: None,
        })
    }
}

macro_rules! request_suite {
    ($($name:ident),* $(,)?) => {
        mod requests_sqlite {
            $(
                #[test]
                fn $name() {
                    let (_dir, db) = super::request_suite::sqlite_db();
                    super::request_suite::$name(&db);
                }
            )*
        }
        mod requests_postgres {
            $(
                #[test]
                fn $name() {
                    let Some(db) = super::request_suite::pg_db(concat!("feedback_store::requests_postgres::", stringify!($name))) else {
                        return;
                    };
                    super::request_suite::$name(&db);
                }
            )*
        }
    };
}

request_suite!(
    insert_load_and_personal_data_apart,
    a_resubmission_returns_the_earlier_receipt,
    events_follow_the_rules_and_extend_the_chain,
    an_import_is_all_or_nothing_and_once,
    an_import_carries_each_requests_history,
    concurrent_writers_keep_receipts_unique,
    an_altered_event_is_found,
    migrate_from_sqlite_copies_every_request,
);
