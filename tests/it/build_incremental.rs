//! Incremental `gongshi build` into the same output folder (src/build/pages.rs with the output
//! updated in place, src/build/output.rs `InPlace`): after every step of a random sequence
//! of edits — a body, a title, a date that moves the record in its list, a category that
//! moves it in the catalogue, a record added, a record deleted, a change that breaks
//! validation and then its fix, another day, stray files dropped into the output folder — the
//! output folder equals a clean build of the same site, files, folders and links alike (what
//! `diff -r` compares). A failed build leaves the folder as it was, and nothing is left
//! beside it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{build_options, generate_site};
use crate::synth;
use gongshi::build::{self, BuildReport, CacheOptions};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// One entry of a folder as `diff -r` sees it: a file's bytes, a folder, or a link's target.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Entry {
    File(Vec<u8>),
    Dir,
    Link(PathBuf),
}

/// Every entry under `dir` (not `dir` itself), by relative path.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Entry> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let ft = e.file_type();
            let entry = if ft.is_symlink() {
                Entry::Link(std::fs::read_link(e.path()).unwrap())
            } else if ft.is_dir() {
                Entry::Dir
            } else {
                Entry::File(std::fs::read(e.path()).unwrap())
            };
            (rel, entry)
        })
        .collect()
}

pub(crate) fn differing(a: &BTreeMap<String, Entry>, b: &BTreeMap<String, Entry>) -> Vec<String> {
    a.keys()
        .chain(b.keys())
        .filter(|p| a.get(*p) != b.get(*p))
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

struct Site {
    tmp: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
    cache: PathBuf,
}

impl Site {
    fn new(records: usize, seed: u64) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        generate_site(&root, records, seed);
        Site {
            out: tmp.path().join("out/public"),
            cache: tmp.path().join("cache"),
            root,
            tmp,
        }
    }

    /// The incremental build: the kept output folder and cache.
    fn incremental(&self, now: jiff::Timestamp) -> Result<BuildReport, build::BuildError> {
        let c = CacheOptions {
            dir: Some(self.cache.clone()),
            ignore: false,
            snapshot: true,
            exits: false,
        };
        build::build_with(&build_options(&self.root, &self.out, now), &c, &|_, _| {})
    }

    /// A clean build into a fresh folder: its tree, or None when it fails.
    fn clean(&self, now: jiff::Timestamp) -> Option<BTreeMap<String, Entry>> {
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

    /// What is beside the output folder (nothing but the folder itself after a build).
    fn beside(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.out.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".build-cache"))
            .collect();
        v.sort();
        v
    }
}

/// Replace the value of the front matter line `key: …` in `text`.
pub(crate) fn set_field(text: &str, key: &str, value: &str) -> Option<String> {
    let prefix = format!("{key}: ");
    let mut found = false;
    let t: String = text
        .lines()
        .map(|l| {
            if !found && l.starts_with(&prefix) {
                found = true;
                format!("{prefix}{value}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    found.then_some(t)
}

pub(crate) fn field<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let prefix = format!("{key}: ");
    text.lines().find_map(|l| l.strip_prefix(prefix.as_str()))
}

#[test]
fn random_edit_sequences_leave_the_output_folder_equal_to_a_clean_build() {
    let s = Site::new(1000, 23);
    let start: jiff::Timestamp = "2026-11-25T10:00:00+08:00".parse().unwrap();
    let first = s
        .incremental(start)
        .unwrap_or_else(|_| panic!("first build"));
    assert_eq!(first.rerendered, None, "no cache yet: a full build");
    let out_ino = std::fs::metadata(&s.out).unwrap().ino();
    let mut now = start;
    let mut rng = synth::Rng::new(5);
    let mut log: Vec<String> = Vec::new();
    let categories = ["劳动就业", "社会保障", "人事人才", "劳动关系", "综合政务"];
    for step in 0..10 {
        // Every kind of change once, in a scrambled order, then at random.
        let what = if step < 9 {
            (step * 4 + 1) % 9
        } else {
            rng.below(9)
        };
        let docs = s.records("documents");
        let decisions = s.records("enforcement");
        let doc = docs[rng.below(docs.len())].clone();
        let text = std::fs::read_to_string(&doc).unwrap();
        let mut at = now;
        match what {
            0 => {
                std::fs::write(&doc, format!("{text}\n补充说明第{step}条。\n")).unwrap();
                log.push(format!("body {}", doc.display()));
            }
            1 => {
                let f = &decisions[rng.below(decisions.len())];
                let t = std::fs::read_to_string(f).unwrap();
                let title = field(&t, "title").unwrap().trim_matches('"');
                let t = set_field(&t, "title", &format!("第{step}次更正{title}")).unwrap();
                std::fs::write(f, t).unwrap();
                log.push(format!("title {}", f.display()));
            }
            2 => {
                // Published one to three days later (never after the build's day): the
                // record moves in its list, the neighbours and the home page change.
                let d: jiff::civil::Date = field(&text, "published").unwrap().parse().unwrap();
                let later = d
                    .checked_add(jiff::Span::new().days(1 + rng.below(3) as i64))
                    .unwrap()
                    .min("2026-11-24".parse().unwrap());
                std::fs::write(
                    &doc,
                    set_field(&text, "published", &later.to_string()).unwrap(),
                )
                .unwrap();
                log.push(format!("published {d} → {later} {}", doc.display()));
            }
            3 => {
                let old = field(&text, "category").unwrap();
                let new = categories
                    .iter()
                    .find(|c| !old.contains(*c))
                    .copied()
                    .unwrap();
                std::fs::write(&doc, set_field(&text, "category", new).unwrap()).unwrap();
                log.push(format!("category {old} → {new} {}", doc.display()));
            }
            4 => {
                // A copy with a new title, index number and document number (they are
                // unique).
                let n = doc.with_file_name(format!("added-{step}.md"));
                let mut t = text.clone();
                if let Some(v) = field(&text, "index_no") {
                    let keep = v.len().saturating_sub(5);
                    t = set_field(
                        &t,
                        "index_no",
                        &format!("{}{:05}", &v[..keep], 90000 + step),
                    )
                    .unwrap();
                }
                if field(&text, "doc_no").is_some() {
                    t = set_field(&t, "doc_no", &format!("测试发〔2026〕{}号", 900 + step))
                        .unwrap();
                }
                let title = field(&text, "title").unwrap().trim_matches('"');
                t = set_field(&t, "title", &format!("新增{title}")).unwrap();
                std::fs::write(&n, t).unwrap();
                log.push(format!("add {}", n.display()));
            }
            5 => {
                std::fs::remove_file(&doc).unwrap();
                log.push(format!("delete {}", doc.display()));
            }
            6 => {
                // Broken (no such date), built, then fixed and built again: the failed
                // build leaves the output folder and its surroundings as they were.
                let before = tree(&s.out);
                let beside = s.beside();
                std::fs::write(&doc, set_field(&text, "published", "2026-02-30").unwrap()).unwrap();
                assert!(s.clean(now).is_none(), "the broken site builds");
                assert!(s.incremental(now).is_err(), "the broken site builds");
                assert!(
                    differing(&before, &tree(&s.out)).is_empty(),
                    "a failed build changed the output"
                );
                assert_eq!(s.beside(), beside, "a failed build left files");
                std::fs::write(&doc, &text).unwrap();
                log.push(format!("broken and fixed {}", doc.display()));
            }
            7 => {
                let days = 1 + rng.below(40) as i64;
                at = now
                    .checked_add(jiff::SignedDuration::from_hours(24 * days))
                    .unwrap();
                log.push(format!("day +{days}"));
            }
            _ => {
                // Someone else's files in the output folder: a clean build has none of them.
                std::fs::write(s.out.join("stray.html"), "x").unwrap();
                std::fs::create_dir_all(s.out.join("stray/deep")).unwrap();
                std::fs::write(s.out.join("stray/deep/a.txt"), "y").unwrap();
                std::os::unix::fs::symlink("index.html", s.out.join("stray-link")).unwrap();
                log.push("stray files".into());
            }
        }
        let clean = s.clean(at);
        let built = s.incremental(at);
        match (clean, built) {
            (Some(clean), Ok(r)) => {
                let now_tree = tree(&s.out);
                let diff = differing(&now_tree, &clean);
                assert!(
                    diff.is_empty(),
                    "after {log:?}: differs from a clean build in {diff:?}"
                );
                assert!(r.rerendered.is_some(), "after {log:?}: cache not used");
                assert_eq!(
                    std::fs::metadata(&s.out).unwrap().ino(),
                    out_ino,
                    "after {log:?}: the output folder was replaced, not updated"
                );
                assert_eq!(s.beside(), vec!["public".to_string()], "after {log:?}");
                if what == 0 {
                    // The record's page, search index files, feeds and open data: a few
                    // files of more than a thousand.
                    assert!(
                        r.written < r.files / 20,
                        "after {log:?}: {} of {} files written",
                        r.written,
                        r.files
                    );
                }
                now = at;
            }
            (None, Err(_)) => {
                // A deletion another record links to breaks the site: both fail; it is
                // taken back.
                assert_eq!(what, 5, "after {log:?}: both builds failed");
                std::fs::write(&doc, &text).unwrap();
                log.push("(failed, undone)".into());
            }
            (clean, built) => panic!(
                "after {log:?}: clean build ok {}, incremental build ok {}",
                clean.is_some(),
                built.is_ok()
            ),
        }
    }
}

#[test]
fn a_crash_while_updating_in_place_is_followed_by_a_correct_build() {
    let s = Site::new(200, 3);
    let now: jiff::Timestamp = "2026-11-25T10:00:00+08:00".parse().unwrap();
    s.incremental(now).unwrap_or_else(|_| panic!("first build"));
    let doc = s.records("documents")[2].clone();
    let text = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, format!("{text}\n补充。\n")).unwrap();
    // What a crash in the middle of applying an update leaves: the cache removed, the new
    // record page in place, another file half written, the pending folder beside.
    let clean = s.clean(now).unwrap();
    let page = clean
        .iter()
        .find(|(p, e)| {
            p.starts_with("documents/")
                && p.ends_with("index.html")
                && matches!(e, Entry::File(b) if !std::fs::read(s.out.join(p)).is_ok_and(|o| o == *b))
        })
        .map(|(p, _)| p.clone())
        .unwrap_or_else(|| panic!("no changed page"));
    if let Entry::File(b) = &clean[&page] {
        std::fs::write(s.out.join(&page), b).unwrap();
    }
    std::fs::write(s.out.join("index.html"), "<html>半").unwrap();
    std::fs::remove_dir_all(&s.cache).unwrap();
    std::fs::create_dir_all(s.out.parent().unwrap().join(".public.pending-1")).unwrap();
    let r = s.incremental(now).unwrap_or_else(|_| panic!("build"));
    assert_eq!(r.rerendered, None, "without a cache, a full build");
    assert!(differing(&tree(&s.out), &clean).is_empty());
    assert_eq!(
        s.beside(),
        vec!["public".to_string()],
        "the stale pending folder stays"
    );
}

/// The version string in a snapshot's header replaced by another of the same length: a
/// snapshot written by another version of the program.
fn other_version(snapshot: &Path) {
    let mut bytes = std::fs::read(snapshot).unwrap();
    let ours = env!("CARGO_PKG_VERSION").as_bytes();
    let at = bytes
        .windows(ours.len())
        .position(|w| w == ours)
        .expect("the version is in the header");
    for (i, b) in ours.iter().enumerate() {
        if b.is_ascii_digit() {
            bytes[at + i] = if *b == b'9' { b'8' } else { b'9' };
        }
    }
    std::fs::write(snapshot, bytes).unwrap();
}

#[test]
fn one_record_edits_patch_the_snapshot_and_equal_clean_builds() {
    let s = Site::new(1000, 41);
    let now: jiff::Timestamp = "2026-11-25T10:00:00+08:00".parse().unwrap();
    let first = s.incremental(now).unwrap_or_else(|_| panic!("first build"));
    assert!(!first.patched, "no snapshot yet: a full build");
    let snapshot = s.cache.join("snapshot.bin");
    assert!(snapshot.is_file(), "the build leaves a snapshot");
    let mut rng = synth::Rng::new(11);
    let mut log: Vec<String> = Vec::new();
    // What happens before each build: 0 an edit, 1 the snapshot overwritten with garbage,
    // 2 cut in half, 3 from another version, 4 an edit that breaks the record (the build
    // fails) and its fix, 5 an edit of a kind whose edits fall back (a consultation), 6 the
    // largest part file of the snapshot cut in half, 7 the edited record's body corrupted
    // inside its part (the part decodes; the body, decoded when the patch reads it, does not).
    let plan = [0, 0, 1, 0, 2, 0, 3, 4, 0, 5, 0, 6, 0, 7, 0];
    for (step, what) in plan.into_iter().enumerate() {
        let pool = if rng.below(2) == 0 {
            s.records("documents")
        } else {
            s.records("enforcement")
        };
        let file = pool[rng.below(pool.len())].clone();
        let text = std::fs::read_to_string(&file).unwrap();
        let edit = |text: &str, step: usize, rng: &mut synth::Rng| -> (String, String) {
            match rng.below(3) {
                0 => (format!("{text}\n补充说明第{step}条。\n"), "body".into()),
                1 => {
                    let title = field(text, "title").unwrap().trim_matches('"');
                    (
                        set_field(text, "title", &format!("第{step}次更正{title}")).unwrap(),
                        "title".into(),
                    )
                }
                _ => match field(text, "summary") {
                    Some(v) if !v.starts_with('|') && !v.starts_with('>') => (
                        set_field(text, "summary", &format!("第{step}次修订。{v}")).unwrap(),
                        "summary".into(),
                    ),
                    _ => (format!("{text}\n第{step}次补充。\n"), "body".into()),
                },
            }
        };
        let (new_text, how) = edit(&text, step, &mut rng);
        let mut expect_patch = true;
        match what {
            1 => {
                std::fs::write(&snapshot, b"\x93not a snapshot").unwrap();
                expect_patch = false;
                log.push("snapshot corrupt".into());
            }
            2 => {
                let b = std::fs::read(&snapshot).unwrap();
                std::fs::write(&snapshot, &b[..b.len() / 2]).unwrap();
                expect_patch = false;
                log.push("snapshot truncated".into());
            }
            3 => {
                other_version(&snapshot);
                expect_patch = false;
                log.push("snapshot of another version".into());
            }
            6 => {
                let largest = std::fs::read_dir(&s.cache)
                    .unwrap()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "part"))
                    .max_by_key(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
                    .expect("the snapshot has parts");
                let b = std::fs::read(&largest).unwrap();
                std::fs::write(&largest, &b[..b.len() / 2]).unwrap();
                expect_patch = false;
                log.push("snapshot part truncated".into());
            }
            7 => {
                let source = file
                    .strip_prefix(&s.root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let find = |b: &[u8], w: &[u8]| b.windows(w.len()).position(|x| x == w);
                let part = std::fs::read_dir(&s.cache)
                    .unwrap()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "part"))
                    .find(|p| {
                        let b = std::fs::read(p).unwrap();
                        find(&b, source.as_bytes())
                            .is_some_and(|at| find(&b[at..], b"\xa4body").is_some())
                    })
                    .expect("the record is in a part");
                let mut b = std::fs::read(&part).unwrap();
                // The record's `body`: a MessagePack bin holding the encoded body, whose
                // `html` string's first byte is made one that is not UTF-8.
                let at = find(&b, source.as_bytes()).unwrap();
                let body = at + find(&b[at..], b"\xa4body").expect("a body field") + 5;
                let inner = body
                    + match b[body] {
                        0xc4 => 2,
                        0xc5 => 3,
                        0xc6 => 5,
                        m => panic!("the body is not stored as bytes ({m:#x})"),
                    };
                let html = inner + find(&b[inner..], b"\xa4html").expect("an html field") + 5;
                let first = html
                    + match b[html] {
                        0xa0..=0xbf => 1,
                        0xd9 => 2,
                        0xda => 3,
                        _ => 5,
                    };
                b[first] = 0xff;
                std::fs::write(&part, b).unwrap();
                expect_patch = false;
                log.push("edited record's body corrupt in its part".into());
            }
            4 => {
                let before = tree(&s.out);
                std::fs::write(&file, set_field(&text, "published", "2026-02-30").unwrap())
                    .unwrap();
                assert!(s.incremental(now).is_err(), "the broken record builds");
                assert!(
                    differing(&before, &tree(&s.out)).is_empty(),
                    "a failed build changed the output"
                );
                assert_eq!(s.beside(), vec!["public".to_string()]);
                // The fix is a full build (the failed build left no memo), then edits patch
                // again.
                expect_patch = false;
                log.push(format!("broken and fixed {}", file.display()));
            }
            5 => {
                let c = s.records("consultations");
                let f = &c[rng.below(c.len())];
                let t = std::fs::read_to_string(f).unwrap();
                std::fs::write(f, format!("{t}\n补充。\n")).unwrap();
                expect_patch = false;
                log.push(format!("consultation {}", f.display()));
            }
            _ => {}
        }
        if what != 5 {
            std::fs::write(&file, &new_text).unwrap();
            log.push(format!("{how} {}", file.display()));
        }
        let clean = s.clean(now).expect("the edited site builds");
        let r = s
            .incremental(now)
            .unwrap_or_else(|_| panic!("after {log:?}: the build failed"));
        let diff = differing(&tree(&s.out), &clean);
        assert!(
            diff.is_empty(),
            "after {log:?}: differs from a clean build in {diff:?}"
        );
        assert_eq!(
            r.patched, expect_patch,
            "after {log:?}: patched {}, expected {expect_patch}",
            r.patched
        );
        if r.patched {
            assert!(
                r.written < r.files / 20,
                "after {log:?}: {} of {} files written",
                r.written,
                r.files
            );
            // The memo the patch left reports the same warnings (a patch that left them as
            // they were writes the last memo's again as they were read).
            let hit = s
                .incremental(now)
                .unwrap_or_else(|_| panic!("after {log:?}: the memo build failed"));
            assert!(
                !hit.patched && hit.written == 0,
                "after {log:?}: no memo hit"
            );
            assert_eq!(
                gongshi::diag::render_text(&hit.warnings),
                gongshi::diag::render_text(&r.warnings),
                "after {log:?}"
            );
        }
        assert_eq!(
            r.files,
            clean.values().filter(|e| !matches!(e, Entry::Dir)).count()
        );
        assert!(snapshot.is_file(), "after {log:?}: no snapshot left");
        assert_eq!(s.beside(), vec!["public".to_string()], "after {log:?}");
    }
}
