//! Helpers shared by the end-to-end tests: the real binary, temporary site copies.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const NOW: &str = "2026-11-25T10:00:00+08:00";

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gongshi"))
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The options of an in-process build of `root` into `out` at `now`: no drafts, not strict,
/// no receiver database.
pub fn build_options(
    root: &Path,
    out: &Path,
    now: jiff::Timestamp,
) -> gongshi::build::BuildOptions {
    gongshi::build::BuildOptions {
        root: root.to_path_buf(),
        out: Some(out.to_path_buf()),
        now,
        drafts: false,
        strict: false,
        feedback_db: None,
    }
}

/// Writes a generated site of `records` records (examples/gen_site, seed `seed`) to `root`.
pub fn generate_site(root: &Path, records: usize, seed: u64) {
    crate::synth::generate(
        &crate::synth::Options {
            records,
            seed,
            format: crate::synth::Format::Gongshi,
        },
        root,
    )
    .unwrap();
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A temporary copy of a fixture site (or of the example site when `name` is "example").
pub fn site(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    if name == "example" {
        std::fs::copy(repo().join("site.toml"), tmp.path().join("site.toml")).unwrap();
        copy_dir(&repo().join("content"), &tmp.path().join("content"));
    } else {
        copy_dir(&repo().join("tests/fixtures").join(name), tmp.path());
    }
    tmp
}

pub fn run(args: &[&str]) -> Output {
    Command::new(bin()).args(args).output().unwrap()
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every file under `dir` as (relative path, bytes), sorted.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Build the repo's example site at the test clock into `out`, asserting success.
pub fn build_example(out: &Path) -> Output {
    let o = run(&[
        "build",
        "-q",
        "--root",
        repo().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    o
}

/// Runs a test alone in a child process of this test binary and reports whether the caller is
/// that child. For tests that measure the whole process (its threads, its resident memory):
/// in the one integration-test binary, other tests run in the same process at the same time.
/// In the parent it runs the child, asserts that exactly this test ran and passed there, and
/// returns false (the caller returns); in the child it returns true (the caller runs its body).
pub fn alone(module: &str, test: &str) -> bool {
    if std::env::var_os("GONGSHI_TEST_ALONE").is_some() {
        return true;
    }
    // `module_path!()` starts with the test crate's name (`it::…`); the filter does not.
    let module = module.split_once("::").map_or("", |(_, rest)| rest);
    let name = if module.is_empty() {
        test.to_string()
    } else {
        format!("{module}::{test}")
    };
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([name.as_str(), "--exact", "--test-threads=1", "--nocapture"])
        .env("GONGSHI_TEST_ALONE", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{name} in its own process:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    false
}

/// First line of a test that measures its own process: see [`alone`].
#[macro_export]
macro_rules! alone {
    ($test:ident) => {
        if !$crate::common::alone(module_path!(), stringify!($test)) {
            return;
        }
    };
}

/// A minimal 行政处罚 decision (the fields every enforcement record needs), for
/// `content/enforcement/`.
pub const DECISION: &str = "---
title: 测试有限公司违法案
published: 2026-11-20
case_no: 测人社罚〔2026〕1号
action: 处罚
party:
  type: 法人
  name: 测试有限公司
facts: 事实。
basis: 依据。
decision: 决定。
decided: 2026-11-13
authority: 测试县人力资源和社会保障局
---
";

/// A 行政复议 decision of 测试县人民政府 upholding the decision whose record id is `id`.
pub fn review_of(id: &str) -> String {
    format!(
        "---
title: 测试有限公司行政复议决定
published: 2026-11-20
case_no: 测政复决字〔2026〕2号
action: 复议
reviews: {id}
party:
  type: 法人
  name: 测试有限公司
facts: 申请人不服原处罚决定，申请行政复议。
basis: 《中华人民共和国行政复议法》第六十八条
decision: 维持原处罚决定。
decided: 2026-11-18
authority: 测试县人民政府
---
"
    )
}

/// Runs git in `dir` with a test identity and no signing; panics with git's output when it
/// fails. Returns its standard output, trimmed.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=测试",
            "-c",
            "user.email=t@test.example.gov.cn",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

/// Commits everything in `dir` with the message `msg`; returns the new commit's id.
pub fn commit_all(dir: &Path, msg: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", msg]);
    git(dir, &["rev-parse", "HEAD"])
}
