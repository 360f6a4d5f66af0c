//! The build memo (src/build/cache.rs) end to end on the real binary: a rebuild with nothing
//! changed skips the build and leaves every output file alone; every change of an input, the
//! output folder, the options or the clock that can change the output builds again, giving
//! the same files as a fresh build.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One `gongshi build` run.
struct Built {
    /// The build ran (not answered from the memo): in full, or as a one-record patch of the
    /// last build's snapshot.
    full: bool,
    /// It was the one-record patch of the last build's snapshot (`--snapshot`).
    patched: bool,
    written: usize,
    /// What it printed, without the timings and the count of changed files.
    printed: String,
}

fn build_into(root: &Path, out: &Path, now: &str, extra: &[&str]) -> Built {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--now",
        now,
    ];
    args.extend_from_slice(extra);
    let o = Command::new(bin())
        .args(&args)
        .env("GONGSHI_TIMINGS", "1")
        .output()
        .unwrap();
    let all = text(&o);
    assert!(o.status.success(), "{all}");
    let timings: Vec<&str> = all.lines().filter(|l| l.starts_with("[timing]")).collect();
    let patched = timings
        .iter()
        .any(|l| l.starts_with("[timing] snapshot patch"));
    let full = patched || timings.iter().any(|l| l.starts_with("[timing] load+check"));
    assert!(
        full || timings.iter().any(|l| l.starts_with("[timing] memo")),
        "{all}"
    );
    let summary = all
        .lines()
        .find(|l| l.starts_with("完成："))
        .unwrap_or_else(|| panic!("no summary: {all}"));
    let written = summary
        .split("个文件（")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{summary}"));
    let printed = all
        .lines()
        .filter(|l| !l.starts_with("[timing]"))
        .map(|l| match l.split_once("个文件（") {
            Some((head, _)) => head.to_string(),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    Built {
        full,
        patched,
        written,
        printed,
    }
}

/// A copy of the example site with a warning that shows a source line and one that does not
/// (so that the memo has something to reprint), built into `root/public`.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = site("example");
        let s = Site { dir };
        s.edit(
            "content/consultations/skills-subsidy-measures/index.md",
            "decision_type: 规范性文件",
            "decision_type: 重大行政决策",
        );
        std::fs::write(s.root().join("content/notes.txt"), "草稿笔记\n").unwrap();
        s
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    fn memo(&self) -> PathBuf {
        self.root().join(".public.build-cache")
    }

    fn build(&self, now: &str, extra: &[&str]) -> Built {
        build_into(self.root(), &self.out(), now, extra)
    }

    /// Replace `from` by `to` in a site file (exactly once).
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let p = self.root().join(rel);
        let t = std::fs::read_to_string(&p).unwrap();
        assert_eq!(t.matches(from).count(), 1, "{rel}: {from}");
        std::fs::write(&p, t.replacen(from, to, 1)).unwrap();
    }

    /// The output equals a fresh build of the same site with the same options elsewhere.
    fn assert_fresh(&self, now: &str, extra: &[&str]) {
        let other = tempfile::tempdir().unwrap();
        let out = other.path().join("public");
        let b = build_into(self.root(), &out, now, extra);
        assert!(b.full);
        assert!(
            tree(&self.out()) == tree(&out),
            "the output differs from a fresh build"
        );
    }
}

/// Every output file's modification time and inode.
fn stats(dir: &Path) -> BTreeMap<PathBuf, (i64, i64, u64)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let m = e.metadata().unwrap();
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                (m.mtime(), m.mtime_nsec(), m.ino()),
            )
        })
        .collect()
}

fn set_mtime(p: &Path, t: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(p)
        .unwrap()
        .set_modified(t)
        .unwrap();
}

const NEXT_DAY: &str = "2026-11-26T10:00:00+08:00";

#[test]
fn a_rebuild_with_nothing_changed_writes_nothing_and_prints_the_same() {
    let s = Site::new();
    // A JSON memo left by an older version goes when the new memo is saved.
    let legacy = s.root().join(".public.build-cache.json");
    std::fs::write(&legacy, "{}").unwrap();
    let first = s.build(NOW, &[]);
    assert!(first.full);
    assert!(!legacy.exists());
    assert!(first.written > 0);
    assert!(first.printed.contains("consultation.under-30-days"));
    assert!(first.printed.contains("content/notes.txt"));
    assert!(first.printed.contains("window_working_days: 10"));
    assert!(s.memo().is_file());
    let before = stats(&s.out());
    // Later the same day, with the real clock's kind of `now`.
    for now in [
        NOW,
        "2026-11-25T23:59:59+08:00",
        "2026-11-25T00:00:00+08:00",
    ] {
        let again = s.build(now, &[]);
        assert!(!again.full, "{now}");
        assert_eq!(again.written, 0);
        assert_eq!(again.printed, first.printed);
        assert!(stats(&s.out()) == before, "an output file was touched");
    }
    s.assert_fresh(NOW, &[]);
}

#[test]
fn editing_a_record_without_changing_its_size_builds_again() {
    let s = Site::new();
    assert!(s.build(NOW, &[]).full);
    let rel = "content/documents/meeting-2026-09.md";
    let p = s.root().join(rel);
    let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
    let size = std::fs::metadata(&p).unwrap().len();
    // One CJK character for another: the same number of bytes.
    s.edit(rel, "局务会议纪要", "局务会议记要");
    assert_eq!(std::fs::metadata(&p).unwrap().len(), size);
    set_mtime(&p, mtime - std::time::Duration::from_secs(3600));
    let b = s.build(NOW, &[]);
    assert!(b.full && b.written > 0);
    let page =
        std::fs::read_to_string(s.out().join("documents/meeting-2026-09/index.html")).unwrap();
    assert!(page.contains("局务会议记要"));
    s.assert_fresh(NOW, &[]);
    // Back, with the very modification time the memo holds: the change time still tells.
    let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
    s.edit(rel, "局务会议记要", "局务会议纪要");
    set_mtime(&p, mtime);
    let b = s.build(NOW, &[]);
    assert!(b.full && b.written > 0);
    s.assert_fresh(NOW, &[]);
    assert!(!s.build(NOW, &[]).full);
}

#[test]
fn with_snapshot_one_edited_record_is_patched_and_equals_a_fresh_build() {
    let s = Site::new();
    let rel = "content/documents/meeting-2026-09.md";
    // Without the option no snapshot is kept, so an edit builds the whole site.
    assert!(s.build(NOW, &[]).full);
    s.edit(rel, "局务会议纪要", "局务会议纪要（修订）");
    let b = s.build(NOW, &[]);
    assert!(b.full && !b.patched);
    // With it, the next one-record edit is patched from the snapshot.
    assert!(s.build(NOW, &["--snapshot", "--no-cache"]).full);
    s.edit(rel, "局务会议纪要（修订）", "局务会议纪要（第二次修订）");
    let b = s.build(NOW, &["--snapshot"]);
    assert!(b.patched && b.written > 0, "{}", b.printed);
    let page =
        std::fs::read_to_string(s.out().join("documents/meeting-2026-09/index.html")).unwrap();
    assert!(page.contains("第二次修订"));
    s.assert_fresh(NOW, &[]);
    // A build without the option ignores the snapshot and removes it.
    s.edit(rel, "（第二次修订）", "");
    let b = s.build(NOW, &[]);
    assert!(b.full && !b.patched);
    s.edit(rel, "局务会议纪要", "局务会议纪要（三）");
    let b = s.build(NOW, &["--snapshot"]);
    assert!(b.full && !b.patched, "no snapshot was left to patch");
    s.assert_fresh(NOW, &[]);
}

#[test]
fn adding_and_removing_a_content_file_builds_again() {
    let s = Site::new();
    assert!(s.build(NOW, &[]).full);
    let extra = s.root().join("content/pages/extra.md");
    std::fs::copy(s.root().join("content/pages/guide.md"), &extra).unwrap();
    let b = s.build(NOW, &[]);
    assert!(b.full && b.written > 0);
    assert!(s.out().join("extra/index.html").is_file());
    s.assert_fresh(NOW, &[]);
    std::fs::remove_file(&extra).unwrap();
    let b = s.build(NOW, &[]);
    assert!(b.full);
    assert!(!s.out().join("extra").exists());
    s.assert_fresh(NOW, &[]);
}

#[test]
fn editing_site_toml_builds_again() {
    let s = Site::new();
    assert!(s.build(NOW, &[]).full);
    let t = std::fs::read_to_string(s.root().join("site.toml")).unwrap();
    let title = t
        .lines()
        .find(|l| l.starts_with("title"))
        .unwrap()
        .to_string();
    s.edit("site.toml", &title, "title = \"测试站点\"");
    let b = s.build(NOW, &[]);
    assert!(b.full && b.written > 0);
    assert!(std::fs::read_to_string(s.out().join("index.html"))
        .unwrap()
        .contains("测试站点"));
    s.assert_fresh(NOW, &[]);
}

#[test]
fn editing_a_theme_template_on_disk_builds_again() {
    let s = Site::new();
    copy_dir(
        &repo().join("themes/default"),
        &s.root().join("themes/default"),
    );
    assert!(s.build(NOW, &[]).full);
    assert!(!s.build(NOW, &[]).full);
    let base = s.root().join("themes/default/templates/base.html");
    let mut t = std::fs::read_to_string(&base).unwrap();
    t.push_str("<!-- 主题已修改 -->\n");
    std::fs::write(&base, t).unwrap();
    let b = s.build(NOW, &[]);
    assert!(b.full && b.written > 0);
    assert!(std::fs::read_to_string(s.out().join("index.html"))
        .unwrap()
        .contains("主题已修改"));
    s.assert_fresh(NOW, &[]);
    // A theme folder that goes away: the embedded theme again.
    std::fs::remove_dir_all(s.root().join("themes")).unwrap();
    assert!(s.build(NOW, &[]).full);
    s.assert_fresh(NOW, &[]);
}

fn git(root: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "user.name=测试",
            "-c",
            "user.email=test@example.gov.cn",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn a_new_git_commit_builds_again() {
    let s = Site::new();
    if !git(s.root(), &["init", "-q"]) {
        eprintln!("git is not available: skipped");
        return;
    }
    assert!(git(s.root(), &["add", "-A"]));
    assert!(git(s.root(), &["commit", "-q", "-m", "发布"]));
    assert!(s.build(NOW, &[]).full);
    // An edit not yet committed, built; then committed without touching the file: the page's
    // 修订记录 gains the commit's public note (issue 20: only noted commits are listed).
    s.edit(
        "content/documents/meeting-2026-09.md",
        "局务会议研究",
        "局务会议专题研究",
    );
    assert!(s.build(NOW, &[]).full);
    assert!(!s.build(NOW, &[]).full);
    assert!(git(
        s.root(),
        &[
            "commit",
            "-q",
            "-am",
            "Fix summary",
            "-m",
            "公示说明: 改正会议纪要摘要"
        ]
    ));
    let b = s.build(NOW, &[]);
    assert!(b.full && b.written > 0);
    assert!(
        std::fs::read_to_string(s.out().join("documents/meeting-2026-09/index.html"))
            .unwrap()
            .contains("改正会议纪要摘要")
    );
    s.assert_fresh(NOW, &[]);
}

#[test]
fn a_deleted_or_extra_file_in_the_output_builds_again() {
    let s = Site::new();
    assert!(s.build(NOW, &[]).full);
    std::fs::remove_file(s.out().join("404.html")).unwrap();
    assert!(s.build(NOW, &[]).full);
    assert!(s.out().join("404.html").is_file());
    s.assert_fresh(NOW, &[]);
    std::fs::write(s.out().join("stray.txt"), "x").unwrap();
    assert!(s.build(NOW, &[]).full);
    assert!(!s.out().join("stray.txt").exists());
    s.assert_fresh(NOW, &[]);
    // An output file edited in place (same size).
    let p = s.out().join("static/site.css");
    let t = std::fs::read(&p).unwrap();
    let mut t2 = t.clone();
    t2[0] ^= 0x20;
    std::fs::write(&p, t2).unwrap();
    assert!(s.build(NOW, &[]).full);
    assert_eq!(std::fs::read(&p).unwrap(), t);
    assert!(!s.build(NOW, &[]).full);
}

#[test]
fn the_next_day_builds_again() {
    let s = Site::new();
    assert!(s.build(NOW, &[]).full);
    let b = s.build(NEXT_DAY, &[]);
    assert!(b.full && b.written > 0, "working days left change");
    s.assert_fresh(NEXT_DAY, &[]);
    // And back: the memo is of the 26th now.
    assert!(s.build(NOW, &[]).full);
    s.assert_fresh(NOW, &[]);
}

#[test]
fn a_consultation_closing_or_opening_within_the_day_builds_again() {
    let s = Site::new();
    // Closes at 17:00 on 5 December (after the computed 24:00 of 4 December).
    s.edit(
        "content/consultations/skills-subsidy-measures/index.md",
        "window_working_days: 10\n",
        "window_working_days: 10\ncloses: \"2026-12-05 17:00\"\n",
    );
    let page = s
        .out()
        .join("consultations/skills-subsidy-measures/index.html");
    assert!(s.build("2026-12-05T16:00:00+08:00", &[]).full);
    assert!(!s.build("2026-12-05T16:59:59+08:00", &[]).full);
    let open = std::fs::read_to_string(&page).unwrap();
    let b = s.build("2026-12-05T17:00:00+08:00", &[]);
    assert!(b.full && b.written > 0);
    let closed = std::fs::read_to_string(&page).unwrap();
    assert_ne!(open, closed);
    assert!(closed.contains("征集已结束"));
    s.assert_fresh("2026-12-05T17:00:00+08:00", &[]);
    assert!(!s.build("2026-12-05T18:30:00+08:00", &[]).full);
    s.assert_fresh("2026-12-05T18:30:00+08:00", &[]);
    // Backwards across the instant too.
    assert!(s.build("2026-12-05T16:30:00+08:00", &[]).full);
    assert_eq!(std::fs::read_to_string(&page).unwrap(), open);

    // The example site as it is: the notice opens at 09:00 on 20 November.
    let e = Site::new();
    assert!(e.build("2026-11-20T08:00:00+08:00", &[]).full);
    let b = e.build("2026-11-20T10:00:00+08:00", &[]);
    assert!(b.full && b.written > 0);
    e.assert_fresh("2026-11-20T10:00:00+08:00", &[]);
}

#[test]
fn toggling_drafts_builds_again() {
    let s = Site::new();
    s.edit(
        "content/documents/meeting-2026-09.md",
        "published: 2026-09-11\n",
        "published: 2026-09-11\ndraft: true\n",
    );
    let page = s.out().join("documents/meeting-2026-09/index.html");
    assert!(s.build(NOW, &[]).full);
    assert!(!page.exists());
    let b = s.build(NOW, &["--drafts"]);
    assert!(b.full && b.written > 0);
    assert!(page.is_file());
    s.assert_fresh(NOW, &["--drafts"]);
    assert!(!s.build(NOW, &["--drafts"]).full);
    assert!(s.build(NOW, &[]).full);
    assert!(!page.exists());
    s.assert_fresh(NOW, &[]);
}

#[test]
fn no_cache_builds_in_full_and_leaves_a_fresh_memo() {
    let s = Site::new();
    assert!(s.build(NOW, &[]).full);
    let before = stats(&s.out());
    let b = s.build(NOW, &["--no-cache"]);
    assert!(b.full);
    assert_eq!(b.written, 0);
    assert!(
        stats(&s.out()) == before,
        "unchanged files keep their times"
    );
    assert!(!s.build(NOW, &[]).full);
}

#[test]
fn a_corrupt_memo_is_ignored() {
    let s = Site::new();
    assert!(s.build(NOW, &[]).full);
    let memo = std::fs::read(s.memo()).unwrap();
    // MessagePack with field names: "format" (a 6-byte string) and its number (3, one byte).
    let format = b"\xa6format\x03";
    let at = memo
        .windows(format.len())
        .position(|w| w == format)
        .expect("the memo's format field");
    let mut other = memo.clone();
    other[at + format.len() - 1] = 99;
    for bad in [
        Vec::new(),
        b"{not json".to_vec(),
        memo[..memo.len() / 2].to_vec(),
        other,
    ] {
        std::fs::write(s.memo(), &bad).unwrap();
        let b = s.build(NOW, &[]);
        assert!(b.full);
        s.assert_fresh(NOW, &[]);
        assert!(!s.build(NOW, &[]).full, "a good memo again");
    }
    // A folder where the memo should be: the build still succeeds.
    std::fs::remove_file(s.memo()).unwrap();
    std::fs::create_dir(s.memo()).unwrap();
    assert!(s.build(NOW, &[]).full);
    assert!(s.build(NOW, &[]).full);
    s.assert_fresh(NOW, &[]);
}
