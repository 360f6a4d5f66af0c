//! 政策解读 (issue 20, Wayfinding): a document names the document it interprets
//! (`interprets`); both pages link each other, and a dangling id is refused, located.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

fn jiedu(interprets: &str) -> String {
    format!(
        "---
title: 冬季工资支付通知解读
published: 2026-11-21
index_no: CSRSJ/2026-00002
doc_kind: other
validity: 有效
interprets: {interprets}
---
问：通知要求做什么？答：12月31日前完成自查。
"
    )
}

fn build(site: &tempfile::TempDir) -> std::process::Output {
    let root = site.path().to_str().unwrap();
    run(&["build", "-q", "--no-cache", "--root", root, "--now", NOW])
}

fn page(site: &tempfile::TempDir, id: &str) -> String {
    std::fs::read_to_string(
        site.path()
            .join(format!("public/documents/{id}/index.html")),
    )
    .unwrap()
}

#[test]
fn an_interpretation_and_its_document_link_each_other() {
    let site = site("minimal");
    let docs = site.path().join("content/documents");
    std::fs::write(docs.join("jiedu.md"), jiedu("notice")).unwrap();
    let o = build(&site);
    assert!(o.status.success(), "{}", text(&o));

    let notice = page(&site, "notice");
    let at = notice
        .find(">政策解读</h2>")
        .expect("the interpreted page lists its 解读");
    assert!(
        notice[at..].contains(r#"<a href="/documents/jiedu/">冬季工资支付通知解读</a>"#),
        "{notice}"
    );
    let jiedu_page = page(&site, "jiedu");
    let at = jiedu_page
        .find(">解读的文件</h2>")
        .expect("the 解读 links back");
    assert!(
        jiedu_page[at..].contains(
            r#"<a href="/documents/notice/">关于做好2026年冬季农民工工资支付工作的通知</a>"#
        ),
        "{jiedu_page}"
    );
    assert!(
        !jiedu_page.contains(">政策解读</h2>"),
        "nothing interprets the 解读"
    );
    assert!(
        !notice.contains(">解读的文件</h2>"),
        "the notice interprets nothing"
    );

    // Open data carries the link.
    let data = std::fs::read_to_string(site.path().join("public/data/documents.json")).unwrap();
    assert!(data.contains(r#""interprets":"#), "{data}");
    assert!(data.contains("/documents/notice/"), "{data}");
}

#[test]
fn without_interpretations_no_heading_is_shown() {
    let site = site("minimal");
    let o = build(&site);
    assert!(o.status.success(), "{}", text(&o));
    let notice = page(&site, "notice");
    assert!(!notice.contains("政策解读"), "{notice}");
    assert!(!notice.contains("解读的文件"), "{notice}");
}

#[test]
fn a_dangling_or_self_interpretation_is_refused_and_located() {
    for (file, target) in [("jiedu.md", "no-such-notice"), ("jiedu.md", "jiedu")] {
        let site = site("minimal");
        let docs = site.path().join("content/documents");
        std::fs::write(docs.join(file), jiedu(target)).unwrap();
        let o = build(&site);
        assert!(!o.status.success(), "{}", text(&o));
        let out = text(&o);
        assert!(out.contains("content.dangling-ref"), "{out}");
        assert!(
            out.contains(&format!("解读的文件“{target}”不存在")),
            "{out}"
        );
        assert!(out.contains("content/documents/jiedu.md:7:"), "{out}");
        assert!(!site.path().join("public/documents/jiedu").exists());
    }
}

/// The documents naming a document and the 复议 decisions naming a decision share one index
/// of what points where: a review of an enforcement decision whose id is also a document's is
/// listed on the decision's page only, and the interpretation on the document's only.
#[test]
fn a_review_of_a_decision_with_a_documents_id_is_not_an_interpretation() {
    let site = site("minimal");
    let docs = site.path().join("content/documents");
    std::fs::write(docs.join("jiedu.md"), jiedu("notice")).unwrap();
    let enforcement = site.path().join("content/enforcement");
    std::fs::create_dir_all(&enforcement).unwrap();
    std::fs::write(enforcement.join("notice.md"), DECISION).unwrap();
    std::fs::write(enforcement.join("review.md"), review_of("notice")).unwrap();
    let o = build(&site);
    assert!(o.status.success(), "{}", text(&o));

    let notice = page(&site, "notice");
    let at = notice.find(">政策解读</h2>").expect("the 解读 is listed");
    assert!(notice[at..].contains("/documents/jiedu/"), "{notice}");
    assert!(!notice.contains("/enforcement/review/"), "{notice}");
    assert!(!notice.contains("行政复议决定"), "{notice}");

    let decision_page =
        std::fs::read_to_string(site.path().join("public/enforcement/notice/index.html")).unwrap();
    assert!(
        decision_page.contains("/enforcement/review/"),
        "the decision lists its review: {decision_page}"
    );
    assert!(
        !decision_page.contains("/documents/jiedu/"),
        "{decision_page}"
    );
}
