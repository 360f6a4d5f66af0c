//! End-to-end tests of `gongshi build` on the example site and fixtures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

#[test]
fn the_example_site_builds_with_every_page_kind() {
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    for page in [
        "index.html",
        "404.html",
        "sitemap/index.html",
        "catalog/index.html",
        "duties/index.html",
        "documents/index.html",
        "procedures/index.html",
        "fees/index.html",
        "permits/index.html",
        "consultations/index.html",
        "enforcement/index.html",
        "replies/index.html",
        "about/index.html",
        "guide/index.html",
        "contact/index.html",
        "static/site.css",
    ] {
        assert!(out.path().join(page).is_file(), "missing {page}");
    }
    // A permit's sample form is copied next to its page and listed with its size.
    let permit =
        std::fs::read_to_string(out.path().join("permits/labor-dispatch/index.html")).unwrap();
    assert!(permit.contains("申请材料目录"));
    assert!(permit.contains("shenqingshu.docx"));
    assert!(out
        .path()
        .join("permits/labor-dispatch/shenqingshu.docx")
        .is_file());
    // Chinese emphasis next to full-width punctuation renders bold.
    let summary = text(&o);
    assert!(summary.contains("条记录"), "{summary}");
}

#[test]
fn two_builds_are_byte_identical() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    for out in [&a, &b] {
        build_example(out.path());
    }
    let ta = tree(a.path());
    let tb = tree(b.path());
    assert_eq!(ta.len(), tb.len());
    for (x, y) in ta.iter().zip(tb.iter()) {
        assert_eq!(x.0, y.0);
        assert!(x.1 == y.1, "{} differs between builds", x.0);
    }
}

#[test]
fn a_failed_build_leaves_the_previous_public_untouched() {
    let site = site("minimal");
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let before = tree(&site.path().join("public"));
    std::fs::write(
        site.path().join("content/documents/broken.md"),
        "---\ntitle: 坏记录\n---\n",
    )
    .unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("public/ 保持上一次的内容"));
    assert_eq!(tree(&site.path().join("public")), before);
    // Nothing is left beside the output but the page cache, which still describes it.
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".gongshi-cache")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_unchanged_rebuild_rewrites_nothing() {
    use std::os::unix::fs::MetadataExt;
    let site = site("minimal");
    let root = site.path().to_str().unwrap();
    assert!(run(&["build", "-q", "--root", root, "--now", NOW])
        .status
        .success());
    let ino = std::fs::metadata(site.path().join("public/index.html"))
        .unwrap()
        .ino();
    let o = run(&["build", "--root", root, "--now", NOW]);
    assert!(text(&o).contains("0 个有变化"), "{}", text(&o));
    assert_eq!(
        std::fs::metadata(site.path().join("public/index.html"))
            .unwrap()
            .ino(),
        ino
    );
}

#[test]
fn usage_errors_exit_2() {
    let o = run(&["build", "--now", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn chinese_emphasis_renders_bold_in_the_page() {
    let site = site("minimal");
    let root = site.path().to_str().unwrap();
    assert!(run(&["build", "-q", "--root", root, "--now", NOW])
        .status
        .success());
    let html =
        std::fs::read_to_string(site.path().join("public/documents/notice/index.html")).unwrap();
    assert!(html.contains("<strong>注意：</strong>请于"), "{html}");
}
