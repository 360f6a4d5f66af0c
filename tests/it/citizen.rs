//! The citizen's site (issue 20): the receipt inside the site frame, its error page, and
//! what the example site shows a visitor.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::ledger_common::*;

#[test]
fn the_receipt_page_is_inside_the_site_frame_with_a_chinese_date_and_a_short_code() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    let (no, hash) = accepted(r.addr, "open-one", "建议提高补贴标准。");
    let (status, html) = http(r.addr, "GET", &format!("/receipt/{no}?new=1"), &[], false);
    assert_eq!(status, 200, "{html}");
    // The site frame: header, navigation, footer, the site's stylesheet and script.
    for part in [
        "class=\"masthead\"",
        "class=\"mainnav\"",
        "class=\"site-footer\"",
        "/static/site.css",
        "/static/site.js",
        "<title>提交成功 - ",
        "<meta name=\"robots\" content=\"noindex\">",
    ] {
        assert!(html.contains(part), "no {part}: {html}");
    }
    assert!(!html.contains("/feedback/style.css"), "{html}");
    // A Chinese date, not RFC 3339 in running text.
    let received = html
        .split("<time datetime=\"")
        .nth(1)
        .and_then(|s| s.split_once("\">"))
        .map(|(iso, rest)| (iso.to_string(), rest.split('<').next().unwrap().to_string()))
        .unwrap();
    assert!(received.0.contains('T'), "{received:?}");
    assert!(
        received.1.contains('年') && received.1.contains('日') && !received.1.contains('T'),
        "{received:?}"
    );
    // The short code in the text; the full hash behind a disclosure (and on paper).
    let short = format!("{} {}", &hash[..4], &hash[4..8]);
    assert!(
        html.contains(&format!("id=\"receipt-code\">{short}<")),
        "{html}"
    );
    let visible_hash = html.matches(hash.as_str()).count();
    assert_eq!(
        visible_hash, 2,
        "the full hash: in the disclosure and the print line"
    );
    assert!(
        html.contains(&format!(
            "<details class=\"receipt-hash\"><summary>完整校验码（哈希值）</summary>\n<p class=\"hash\" id=\"receipt-hash\">{hash}</p></details>"
        )),
        "{html}"
    );
    // Print or save, and the way back to the consultation.
    assert!(html.contains("data-print>打印/保存回执</button>"), "{html}");
    assert!(html.contains("另存为PDF"), "{html}");
    assert!(
        html.contains("<a href=\"/consultations/open-one/\">返回征集页面："),
        "{html}"
    );
    r.stop();
}

#[test]
fn the_refusal_page_labels_the_echoed_text_and_keeps_the_frame() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    // A comment to a consultation that is not open: refused, the text given back.
    let (status, html) = http(
        r.addr,
        "POST",
        "/feedback/comment",
        &[("consultation", "done-one"), ("opinion", "我的意见原文。")],
        false,
    );
    assert!(status >= 400, "{status} {html}");
    assert!(html.contains("class=\"masthead\""), "{html}");
    assert!(
        html.contains("<label for=\"echo\">") && html.contains("<textarea id=\"echo\" readonly>"),
        "{html}"
    );
    assert!(html.contains("我的意见原文。"), "{html}");
    r.stop();
}
