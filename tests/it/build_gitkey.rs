//! The build memo and the snapshot across commits and a CI cache restore (src/build/cache.rs:
//! the git commit is data, not part of the key; inputs carry a content hash). On a generated
//! 1k site made a git repository: record edits, each committed, are patched from the snapshot
//! and equal a clean `--no-cache` build of the same commit (修订记录 included); an edit built
//! before it was committed gets its 修订记录 when it is; a commit that touches no input is a
//! memo hit; a reset to an older commit is a full build; a history rule still fails the build;
//! a checkout with fresh times and inodes is answered by the content hashes.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::build_incremental::{differing, field, set_field, tree};
use crate::common::{build_options, commit_all, generate_site, git};
use crate::synth;
use gongshi::build::{self, BuildReport, CacheOptions};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// Commit everything with `subject` and the public change note `note` (shown in 修订记录).
fn commit(dir: &Path, subject: &str, note: &str) {
    commit_all(dir, &format!("{subject}\n\n公示说明: {note}\n"));
}

struct Repo {
    tmp: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
    cache: PathBuf,
}

/// How a build was answered.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum How {
    /// From the memo: nothing loaded, the memo and the snapshot left as they were.
    Memo,
    /// The snapshot patched.
    Patched,
    /// Loaded and built in full (with the page cache).
    Full,
}

impl Repo {
    fn new(records: usize, seed: u64) -> Repo {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        generate_site(&root, records, seed);
        git(&root, &["init", "-q"]);
        commit(&root, "初始发布", "首次发布");
        Repo {
            out: tmp.path().join("out/public"),
            cache: tmp.path().join("cache"),
            root,
            tmp,
        }
    }

    fn memo(&self) -> PathBuf {
        self.out.parent().unwrap().join(".public.build-cache")
    }

    /// The incremental build with `--snapshot`, and how it was answered (a memo hit neither
    /// rewrites the memo nor the snapshot).
    fn build(&self, now: jiff::Timestamp) -> Result<(BuildReport, How), build::BuildError> {
        let stamp = |p: &Path| {
            std::fs::metadata(p)
                .ok()
                .map(|m| (m.ino(), m.mtime(), m.mtime_nsec()))
        };
        let before = (stamp(&self.memo()), stamp(&self.cache.join("snapshot.bin")));
        let c = CacheOptions {
            dir: Some(self.cache.clone()),
            ignore: false,
            snapshot: true,
            exits: false,
        };
        let r = build::build_with(&build_options(&self.root, &self.out, now), &c, &|_, _| {})?;
        let after = (stamp(&self.memo()), stamp(&self.cache.join("snapshot.bin")));
        let how = if r.patched {
            How::Patched
        } else if before.0.is_some() && before == after {
            How::Memo
        } else {
            How::Full
        };
        Ok((r, how))
    }

    /// Build and compare with a clean build of the same working tree.
    fn build_and_compare(&self, now: jiff::Timestamp, log: &[String]) -> How {
        let clean = self.clean(now).expect("the site builds");
        let (r, how) = self
            .build(now)
            .unwrap_or_else(|_| panic!("after {log:?}: the build failed"));
        let diff = differing(&tree(&self.out), &clean);
        assert!(
            diff.is_empty(),
            "after {log:?} ({how:?}): differs from a clean build in {diff:?}"
        );
        if how == How::Patched {
            assert!(
                r.written < r.files / 20,
                "after {log:?}: {} of {} files written",
                r.written,
                r.files
            );
        }
        how
    }

    /// A clean build into a fresh folder: its tree, or None when it fails.
    fn clean(
        &self,
        now: jiff::Timestamp,
    ) -> Option<std::collections::BTreeMap<String, crate::build_incremental::Entry>> {
        let scratch = self.tmp.path().join("clean");
        let _ = std::fs::remove_dir_all(&scratch);
        let out = scratch.join("public");
        let c = CacheOptions {
            dir: Some(scratch.join("cache")),
            ignore: true,
            snapshot: false,
            exits: false,
        };
        let r = build::build_with(&build_options(&self.root, &out, now), &c, &|_, _| {});
        let t = r.ok().map(|_| tree(&out));
        let _ = std::fs::remove_dir_all(&scratch);
        t
    }

    fn records(&self, folder: &str) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = walkdir::WalkDir::new(self.root.join("content").join(folder))
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .filter(|e| {
                let n = e.file_name().to_string_lossy();
                n.ends_with(".md") && n != "_index.md"
            })
            .map(|e| e.into_path())
            .collect();
        v.sort();
        v
    }

    /// The page of the record file `file` in the output folder (its `index.html` under the
    /// folder named like the file).
    fn page_of(&self, file: &Path) -> String {
        let rel = file.strip_prefix(self.root.join("content")).unwrap();
        let folder = rel.parent().unwrap();
        let stem = rel.file_stem().unwrap();
        let candidates = [
            self.out.join(folder).join(stem).join("index.html"),
            self.out
                .join(folder)
                .join(format!("{}.html", stem.to_string_lossy())),
        ];
        for c in &candidates {
            if let Ok(t) = std::fs::read_to_string(c) {
                return t;
            }
        }
        // Look for the page by its file name anywhere (sections may map folders).
        let name = stem.to_string_lossy().to_string();
        walkdir::WalkDir::new(&self.out)
            .into_iter()
            .filter_map(|e| e.ok())
            .find(|e| {
                e.file_name() == "index.html"
                    && e.path()
                        .parent()
                        .and_then(|p| p.file_name())
                        .is_some_and(|n| n.to_string_lossy() == name)
            })
            .and_then(|e| std::fs::read_to_string(e.path()).ok())
            .unwrap_or_else(|| panic!("no page for {}", file.display()))
    }

    /// Every input file written again through a copy renamed over it: new inode, new times,
    /// same bytes — what a fresh checkout (or a CI job restoring its cache) gives.
    fn fresh_checkout(&self) {
        let files: Vec<PathBuf> = walkdir::WalkDir::new(&self.root)
            .into_iter()
            .filter_entry(|e| e.file_name() != ".git")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        assert!(files.len() > 1000);
        for f in files {
            let tmp = f.with_extension("fresh-copy");
            std::fs::copy(&f, &tmp).unwrap();
            std::fs::rename(&tmp, &f).unwrap();
        }
    }
}

fn now() -> jiff::Timestamp {
    "2026-11-25T10:00:00+08:00".parse().unwrap()
}

/// A body, title or summary edit of `text` (as the snapshot test makes them).
fn edit(text: &str, step: usize, rng: &mut synth::Rng) -> String {
    match rng.below(3) {
        0 => format!("{text}\n补充说明第{step}条。\n"),
        1 => {
            let title = field(text, "title").unwrap().trim_matches('"');
            set_field(text, "title", &format!("第{step}次更正{title}")).unwrap()
        }
        _ => match field(text, "summary") {
            Some(v) if !v.starts_with('|') && !v.starts_with('>') => {
                set_field(text, "summary", &format!("第{step}次修订。{v}")).unwrap()
            }
            _ => format!("{text}\n第{step}次补充。\n"),
        },
    }
}

#[test]
fn committed_edits_patch_the_snapshot_and_equal_clean_builds() {
    let s = Repo::new(1000, 43);
    let (first, how) = s.build(now()).unwrap_or_else(|_| panic!("first build"));
    assert_eq!(how, How::Full);
    assert!(!first.patched);
    let mut rng = synth::Rng::new(17);
    let mut log: Vec<String> = Vec::new();
    let pick = |rng: &mut synth::Rng| {
        let pool = if rng.below(2) == 0 {
            s.records("documents")
        } else {
            s.records("enforcement")
        };
        pool[rng.below(pool.len())].clone()
    };

    // Random single-record edits, each committed with a public note, each patched.
    for step in 0..5 {
        let file = pick(&mut rng);
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, edit(&text, step, &mut rng)).unwrap();
        let note = format!("第{step}次公开更正");
        commit(&s.root, &format!("edit {step}"), &note);
        log.push(format!("committed {}", file.display()));
        assert_eq!(s.build_and_compare(now(), &log), How::Patched, "{log:?}");
        assert!(s.page_of(&file).contains(&note), "{log:?}: no 修订记录");
    }

    // An edit built before it is committed: the commit changes no file's times, only its
    // history; the record's 修订记录 must get the commit's note.
    let file = pick(&mut rng);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, edit(&text, 10, &mut rng)).unwrap();
    log.push(format!("uncommitted {}", file.display()));
    assert_eq!(s.build_and_compare(now(), &log), How::Patched, "{log:?}");
    let note = "先构建后提交的更正";
    assert!(!s.page_of(&file).contains(note));
    commit(&s.root, "commit after build", note);
    log.push(format!("then committed {}", file.display()));
    assert_eq!(s.build_and_compare(now(), &log), How::Patched, "{log:?}");
    assert!(s.page_of(&file).contains(note), "{log:?}: no 修订记录");

    // A commit touching no input (a file outside content/, site.toml, the calendar and the
    // theme): nothing to build.
    std::fs::write(s.root.join("NOTES.txt"), "工作记录\n").unwrap();
    commit(&s.root, "notes", "无");
    log.push("commit of a file the build does not read".into());
    assert_eq!(s.build_and_compare(now(), &log), How::Memo, "{log:?}");

    // Two commits, one undoing the other: the file is as it was, its history is not.
    let file = pick(&mut rng);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\n临时补充。\n")).unwrap();
    commit(&s.root, "temporary", "临时补充");
    std::fs::write(&file, &text).unwrap();
    commit(&s.root, "undo", "撤回临时补充");
    log.push(format!(
        "edited and undone in two commits {}",
        file.display()
    ));
    let how = s.build_and_compare(now(), &log);
    assert_eq!(how, How::Patched, "{log:?}");
    assert!(s.page_of(&file).contains("撤回临时补充"), "{log:?}");

    // A reset to an older commit: the last build's commit is no ancestor of HEAD.
    git(&s.root, &["reset", "-q", "--hard", "HEAD~1"]);
    log.push("reset --hard HEAD~1".into());
    assert_eq!(s.build_and_compare(now(), &log), How::Full, "{log:?}");
    // Edits patch again after it.
    let file = pick(&mut rng);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, edit(&text, 20, &mut rng)).unwrap();
    commit(&s.root, "after the reset", "重置后的更正");
    log.push(format!("committed {}", file.display()));
    assert_eq!(s.build_and_compare(now(), &log), How::Patched, "{log:?}");

    // A published decision's facts edited and committed: the history rule still fails the
    // build, and leaves the output folder as it was.
    let file = s.records("enforcement")[3].clone();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("facts: |\n  "), "{text}");
    let changed = text.replacen("facts: |\n  ", "facts: |\n  另查明其他事实。", 1);
    std::fs::write(&file, changed).unwrap();
    commit(&s.root, "改了事实", "改事实");
    let before = tree(&s.out);
    match s.build(now()) {
        Err(build::BuildError::Content(ds)) => {
            let text = gongshi::diag::render_text(&ds);
            assert!(text.contains("history.edited-after-publication"), "{text}");
        }
        Err(e) => panic!("{e:?}"),
        Ok((_, how)) => panic!("a decision edited after publication built ({how:?})"),
    }
    assert!(differing(&before, &tree(&s.out)).is_empty());
}

#[test]
fn a_fresh_checkout_is_answered_by_the_content_hashes() {
    let s = Repo::new(1000, 47);
    let (_, how) = s.build(now()).unwrap_or_else(|_| panic!("first build"));
    assert_eq!(how, How::Full);
    let mut log: Vec<String> = vec!["fresh checkout".into()];
    // Every input with new times and inodes, same bytes: nothing to build.
    s.fresh_checkout();
    assert_eq!(s.build_and_compare(now(), &log), How::Memo, "{log:?}");
    // Again, with one record edited and committed (a CI job checking out the next commit):
    // the hashes tell the one file that changed, and the snapshot patches it.
    let file = s.records("documents")[7].clone();
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}\nCI 补充。\n")).unwrap();
    commit(&s.root, "ci edit", "CI 更正");
    s.fresh_checkout();
    log.push(format!("committed {} and fresh checkout", file.display()));
    assert_eq!(s.build_and_compare(now(), &log), How::Patched, "{log:?}");
    assert!(s.page_of(&file).contains("CI 更正"));
    // After the patch the memo holds the new times: a build with nothing changed is a hit.
    log.push("nothing".into());
    assert_eq!(s.build_and_compare(now(), &log), How::Memo, "{log:?}");
}
