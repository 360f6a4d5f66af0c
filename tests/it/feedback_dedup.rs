//! One person, one opinion (issue 16): a resubmission is recognised only when it is the same
//! submission — the page's form token and identical fields. Two people behind one address
//! (a NAT, a proxy) who send the same text are two opinions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::feedback_common::*;

const T1: &str = "5f0c3a6e9b2d4c718e0fa1b2c3d4e5f6";
const T2: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

fn post_comment(s: &TestServer, fields: &[(&str, &str)]) -> serde_json::Value {
    let mut f = vec![("consultation", "open-one"), ("website", "")];
    f.extend_from_slice(fields);
    let r = post(s.addr, "/feedback/comment", &f, true);
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

#[test]
fn two_people_behind_one_address_with_equal_texts_get_two_receipts() {
    let s = TestServer::start();
    // Both from 127.0.0.1, both 「同意」, anonymous, no consent: two page views.
    let a = post_comment(&s, &[("opinion", "同意"), ("token", T1)]);
    let b = post_comment(&s, &[("opinion", "同意"), ("token", T2)]);
    assert_ne!(a["receipt"], b["receipt"]);
    assert_eq!(b["duplicate"], false);
    // Without a token (JavaScript off) the same: nothing is merged.
    let c = post_comment(&s, &[("opinion", "同意")]);
    let d = post_comment(&s, &[("opinion", "同意")]);
    assert_ne!(c["receipt"], d["receipt"]);
    assert_eq!(s.stored(), 4);
}

#[test]
fn the_same_text_with_different_names_is_two_opinions_even_with_one_token() {
    let s = TestServer::start();
    let a = post_comment(
        &s,
        &[
            ("opinion", "同意"),
            ("name", "张三"),
            ("consent", "on"),
            ("token", T1),
        ],
    );
    let b = post_comment(
        &s,
        &[
            ("opinion", "同意"),
            ("name", "李四"),
            ("consent", "on"),
            ("token", T1),
        ],
    );
    assert_ne!(a["receipt"], b["receipt"]);
    // Consent is a field too: the same person changing their mind is a new submission.
    let c = post_comment(&s, &[("opinion", "同意"), ("name", "张三"), ("token", T1)]);
    assert_ne!(a["receipt"], c["receipt"]);
    assert_eq!(s.stored(), 3);
    let names: Vec<String> = {
        let conn = rusqlite::Connection::open(&s.db).unwrap();
        let mut st = conn
            .prepare("SELECT name FROM private ORDER BY entry_id")
            .unwrap();
        st.query_map([], |r| r.get::<_, Option<String>>(0))
            .unwrap()
            .map(|n| n.unwrap().unwrap_or_default())
            .collect()
    };
    assert_eq!(names, ["张三", "李四", "张三"]);
}

#[test]
fn a_double_click_gives_one_receipt() {
    let s = TestServer::start();
    let fields = [("opinion", "第五条应当写明办理时限。"), ("token", T1)];
    let a = post_comment(&s, &fields);
    let b = post_comment(&s, &fields);
    assert_eq!(a["receipt"], b["receipt"]);
    assert_eq!(a["hash"], b["hash"]);
    assert_eq!(a["seq"], b["seq"]);
    assert_eq!(b["duplicate"], true);
    // Two clicks at once.
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let addr = s.addr;
            std::thread::spawn(move || {
                post(
                    addr,
                    "/feedback/comment",
                    &[
                        ("consultation", "open-one"),
                        ("opinion", "同时点了两次"),
                        ("token", T2),
                    ],
                    true,
                )
                .json()["receipt"]
                    .clone()
            })
        })
        .collect();
    let receipts: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(receipts.iter().all(|r| *r == receipts[0]), "{receipts:?}");
    assert_eq!(s.stored(), 2);
    // The receipt carries its chain position: count and head at acceptance.
    assert_eq!(a["seq"], 1);
}

#[test]
fn the_theme_gives_every_form_a_token_field() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("themes/default");
    for t in [
        "templates/record/consultation.html",
        "templates/correction.html",
        "templates/message.html",
    ] {
        let html = std::fs::read_to_string(root.join(t)).unwrap();
        assert!(
            html.contains(r#"<input type="hidden" name="token" value="" data-form-token>"#),
            "{t}"
        );
    }
    let js = std::fs::read_to_string(root.join("static/site.js")).unwrap();
    assert!(js.contains("data-form-token") && js.contains("getRandomValues"));
}
