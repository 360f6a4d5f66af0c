//! A consultation's draft as HTML (issue 20, Pages): `draft_text` (Markdown) is shown under
//! 「征求意见稿全文」 beside the draft files, linted like other public text, and absent (no
//! empty heading) when not given.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

const ID: &str = "skills-subsidy-measures";

/// The example site with `draft` inserted as the consultation's `draft_text`, built.
fn built(draft: Option<&str>) -> (tempfile::TempDir, std::process::Output) {
    let site = site("example");
    let file = site
        .path()
        .join(format!("content/consultations/{ID}/index.md"));
    if let Some(draft) = draft {
        let text = std::fs::read_to_string(&file).unwrap();
        let block: String = draft.lines().map(|l| format!("  {l}\n")).collect();
        let text = text.replacen(
            "documents:\n",
            &format!("draft_text: |\n{block}documents:\n"),
            1,
        );
        std::fs::write(&file, text).unwrap();
    }
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--no-cache", "--root", root, "--now", NOW]);
    (site, o)
}

fn page(site: &tempfile::TempDir) -> String {
    std::fs::read_to_string(
        site.path()
            .join(format!("public/consultations/{ID}/index.html")),
    )
    .unwrap()
}

#[test]
fn the_draft_text_is_rendered_under_its_heading_with_the_files_still_listed() {
    let (site, o) = built(Some(
        "## 第一章 总则\n\n**第一条** 为规范职业技能提升补贴，制定本办法。",
    ));
    assert!(o.status.success(), "{}", text(&o));
    let html = page(&site);
    let at = html.find(">征求意见稿全文</h2>").expect("the heading");
    let draft = &html[at..];
    assert!(
        draft.contains("<h2>第一章 总则</h2>") || draft.contains(">第一章 总则</h2>"),
        "{draft}"
    );
    assert!(
        draft.contains("<strong>第一条</strong> 为规范职业技能提升补贴"),
        "{draft}"
    );
    // The draft files are still offered.
    assert!(html.contains("zhengqiuyijiangao.docx"), "{html}");
    assert!(html.contains(">草案及说明</h2>"), "{html}");
}

#[test]
fn without_draft_text_there_is_no_heading() {
    let (site, o) = built(None);
    assert!(o.status.success(), "{}", text(&o));
    let html = page(&site);
    assert!(!html.contains("征求意见稿全文"), "{html}");
    assert!(!html.contains("h-draft"), "{html}");
}

#[test]
fn the_draft_text_is_privacy_linted_and_located() {
    let (site, o) = built(Some("**第一条** 联系人手机13912345678。"));
    assert!(!o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("privacy.mobile"), "{out}");
    assert!(out.contains("征求意见稿全文中有手机号码"), "{out}");
    assert!(
        out.contains(&format!("content/consultations/{ID}/index.md:")),
        "{out}"
    );
    assert!(!out.contains("13912345678"), "masked: {out}");
    assert!(!site.path().join("public").exists());
}
