//! The test kind (feature `test-kind`, `src/content/kinds/inspection.rs`): a record kind is its
//! file, its registration line and its template, and then builds, lists, validates and exports
//! like the others. Run with `cargo test --features test-kind --test it test_kind::`.
#![cfg(feature = "test-kind")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

#[test]
fn a_site_with_the_test_kind_builds_lists_and_exports_it() {
    let site = site("test-kind");
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let public = site.path().join("public");
    // The page, rendered with the fixture's own template, found by the kind's name.
    let page = std::fs::read_to_string(public.join("inspections/canteen-2026/index.html")).unwrap();
    assert!(page.contains("<dd>测试县人力资源市场</dd>"), "{page}");
    assert!(page.contains("<dd>限期整改</dd>"), "{page}");
    assert!(page.contains("<dd>2026-12-31</dd>"), "{page}");
    assert!(
        page.contains("监督检查"),
        "the kind's label is the section: {page}"
    );
    // The list, with the status word the kind's hook gives.
    let list = std::fs::read_to_string(public.join("inspections/index.html")).unwrap();
    assert!(list.contains("/inspections/canteen-2026/"), "{list}");
    assert!(list.contains("限期整改"), "{list}");
    // Its deadline, declared by its clock hook alone: the working days left (2026-11-25
    // to 2026-12-31, today included).
    assert!(list.contains("整改期限还剩27个工作日"), "{list}");
    // The open data: the common fields of every record.
    let data = std::fs::read_to_string(public.join("data/inspections.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(v[0]["title"], "2026年县人力资源市场食堂监督检查", "{data}");
}

#[test]
fn the_test_kind_has_a_skeleton_and_its_own_rule() {
    let site = site("test-kind");
    let root = site.path().to_str().unwrap();
    let o = run(&[
        "new",
        "inspection",
        "market-2026",
        "--root",
        root,
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let skeleton =
        std::fs::read_to_string(site.path().join("content/inspections/market-2026.md")).unwrap();
    assert!(
        skeleton.contains("outcome:") && skeleton.contains("限期整改"),
        "{skeleton}"
    );
    std::fs::remove_file(site.path().join("content/inspections/market-2026.md")).unwrap();
    // A 限期整改 without a deadline breaks the kind's own rule.
    let file = site.path().join("content/inspections/canteen-2026.md");
    let md = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, md.replace("deadline: 2026-12-31\n", "")).unwrap();
    let o = run(&["check", "--root", root, "--now", NOW]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("inspection.no-deadline"), "{}", text(&o));
}

#[test]
fn the_test_kind_declares_its_deadline_through_its_clock_hook() {
    let site = site("test-kind");
    let root = site.path().to_str().unwrap();
    // Past its deadline: no more days left, and a line in the compliance page's 「逾期」.
    let file = site.path().join("content/inspections/canteen-2026.md");
    let md = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        md.replace("deadline: 2026-12-31", "deadline: 2026-11-24"),
    )
    .unwrap();
    let html = site.path().join("compliance.html");
    let o = run(&[
        "check",
        "--root",
        root,
        "--now",
        NOW,
        "--html",
        html.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("测试县人力资源市场的整改期限2026年11月24日已过"),
        "{page}"
    );
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let list = std::fs::read_to_string(site.path().join("public/inspections/index.html")).unwrap();
    assert!(!list.contains("整改期限还剩"), "{list}");
}
