//! Never publish a fact that nobody entered (issue 18 §2): what a record leaves out is shown
//! as 「未注明」 (and `check` warns), never as a default.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

const PERMIT: &str = "---
title: 测试许可
published: 2026-11-20
basis:
  - 《中华人民共和国劳动合同法》第五十七条
conditions:
  - 有符合规定的经营场所
quantity_limit: 无数量限制
procedure:
  - name: 受理
time_limit:
  statutory_wd: 20
materials:
  - name: 申请书
  - name: 营业执照
    copies: 2
    original: false
    required: true
sample_forms:
  - file: form.pdf
    title: 申请书示范文本
---
";

fn built(permit: &str) -> tempfile::TempDir {
    let site = site("minimal");
    let dir = site.path().join("content/permits/p");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.md"), permit).unwrap();
    std::fs::write(dir.join("form.pdf"), b"%PDF-1.4\n").unwrap();
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    site
}

#[test]
fn an_omitted_fee_and_unstated_materials_render_as_not_stated() {
    let site = built(PERMIT);
    let html = std::fs::read_to_string(site.path().join("public/permits/p/index.html")).unwrap();
    let fee = &html[html.find("id=\"h-fee\"").unwrap()..];
    assert!(fee.contains("<p>未注明</p>"), "{fee}");
    assert!(!html.contains("不收费"), "{html}");
    // The first material states nothing: no 复印件, 1份 or 必需 invented for it.
    let row = |name: &str| {
        let at = html
            .find(&format!("data-label=\"材料名称\">{name}</td>"))
            .unwrap();
        html[at..at + html[at..].find("</tr>").unwrap()].to_string()
    };
    let first = row("申请书");
    assert_eq!(first.matches(">未注明</td>").count(), 3, "{first}");
    let second = row("营业执照");
    assert!(
        second.contains(">复印件</td>")
            && second.contains(">2</td>")
            && second.contains(">必需</td>"),
        "{second}"
    );
    // The open data leaves them null too.
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("public/data/permits.json")).unwrap(),
    )
    .unwrap();
    let p = &data[0];
    assert_eq!(p["fee_note"], serde_json::Value::Null);
    assert_eq!(p["materials"][0]["copies"], serde_json::Value::Null);
    assert_eq!(p["materials"][0]["original"], serde_json::Value::Null);
    assert_eq!(p["materials"][0]["required"], serde_json::Value::Null);
    assert_eq!(p["materials"][1]["original"], false);
    // And `check` says what is missing.
    let o = run(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    let out = text(&o);
    assert!(out.contains("permit.fees-unstated"), "{out}");
    assert!(out.contains("permit.material-unstated"), "{out}");
}

#[test]
fn a_fee_entered_as_free_is_published_as_free() {
    let site = built(&PERMIT.replace("sample_forms:", "fees: 不收费\nsample_forms:"));
    let html = std::fs::read_to_string(site.path().join("public/permits/p/index.html")).unwrap();
    let fee = &html[html.find("id=\"h-fee\"").unwrap()..];
    assert!(fee.contains("<p>不收费</p>"), "{fee}");
}

#[test]
fn empty_text_where_text_is_required_is_an_error_and_optional_empty_text_is_left_out() {
    let site = site("minimal");
    let doc = site.path().join("content/documents/notice.md");
    let text0 = std::fs::read_to_string(&doc).unwrap();
    // An empty 文号 is left out (no empty 文号 row), not published.
    std::fs::write(
        &doc,
        text0.replace("doc_no: 测人社发〔2026〕3号", "doc_no: \"\""),
    )
    .unwrap();
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let html =
        std::fs::read_to_string(site.path().join("public/documents/notice/index.html")).unwrap();
    assert!(!html.contains(">文号<"), "{html}");
    // An empty title is an error, and nothing is published.
    std::fs::write(
        &doc,
        text0.replace(
            "title: 关于做好2026年冬季农民工工资支付工作的通知",
            "title: \" \"",
        ),
    )
    .unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("schema.empty"), "{}", text(&o));
}

#[test]
fn placeholders_a_clerk_types_are_caught_like_the_template_one() {
    let site = site("minimal");
    let doc = site.path().join("content/documents/notice.md");
    let text0 = std::fs::read_to_string(&doc).unwrap();
    let root = site.path().to_str().unwrap();
    for (line, word) in [
        ("issuer: 待补充\n", "待补充"),
        ("issuer: (原文未提供)\n", "原文未提供"),
        ("issuer: 略\n", "略"),
        ("issuer: 不详\n", "不详"),
    ] {
        std::fs::write(
            &doc,
            text0.replacen("validity: 有效\n", &format!("validity: 有效\n{line}"), 1),
        )
        .unwrap();
        let o = run(&["check", "--root", root, "--now", NOW]);
        assert_eq!(o.status.code(), Some(1), "{line}: {}", text(&o));
        assert!(
            text(&o).contains(&format!("还有未填写的内容“{word}”")),
            "{line}: {}",
            text(&o)
        );
    }
    // The same words inside a sentence are words.
    std::fs::write(
        &doc,
        text0.replacen(
            "validity: 有效\n",
            "validity: 有效\nsummary: 简略说明工资支付策略，不详细列举。\n",
            1,
        ),
    )
    .unwrap();
    let o = run(&["check", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
}

/// An empty download link (an attachment with no title) is an error, not a link of nothing.
#[test]
fn an_attachment_without_a_title_is_an_error() {
    let site = site("minimal");
    let dir = site.path().join("content/permits/p");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.md"),
        PERMIT.replace("    title: 申请书示范文本\n", "    title: \"\"\n"),
    )
    .unwrap();
    std::fs::write(dir.join("form.pdf"), b"%PDF-1.4\n").unwrap();
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("[schema.empty]"), "{out}");
    assert!(out.contains("必填字段“sample_forms["), "{out}");
    assert!(!site.path().join("public/permits/p/index.html").exists());
}
