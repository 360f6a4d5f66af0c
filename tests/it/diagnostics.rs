//! One fixture per diagnostic: each folder under tests/fixtures/diagnostics/ holds files laid
//! over the minimal site and `expected.txt`, the exact output of `gongshi check`.
//! Regenerate after an intended change with `UPDATE_SNAPSHOTS=1 cargo test --test it diagnostics::`
//! and review the diff.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

#[test]
fn every_diagnostic_has_its_exact_text_file_and_line() {
    let dir = repo().join("tests/fixtures/diagnostics");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    cases.sort();
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let site = site("minimal");
        for entry in walkdir::WalkDir::new(case) {
            let entry = entry.unwrap();
            let rel = entry.path().strip_prefix(case).unwrap();
            if entry.file_type().is_file() && rel != std::path::Path::new("expected.txt") {
                let target = site.path().join(rel);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::copy(entry.path(), target).unwrap();
            }
            // A symbolic link in a fixture (as git stores one) is made again as it is.
            #[cfg(unix)]
            if entry.file_type().is_symlink() {
                let target = site.path().join(rel);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                let _ = std::fs::remove_file(&target);
                std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), target)
                    .unwrap();
            }
        }
        let o = run(&[
            "check",
            "--root",
            site.path().to_str().unwrap(),
            "--now",
            NOW,
        ]);
        let got = text(&o);
        let expected_path = case.join("expected.txt");
        if update {
            std::fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if got != expected {
            failures.push(format!("== {name}\n-- expected\n{expected}\n-- got\n{got}"));
        }
        // The fixture is named after what it must report.
        let code = name.split('-').take(2).collect::<Vec<_>>().join("-");
        let _ = code;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        cases.len() >= 30,
        "only {} diagnostic fixtures",
        cases.len()
    );
}
