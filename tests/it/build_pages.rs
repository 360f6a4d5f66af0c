//! The page cache (src/build/pages.rs): `gongshi build` into the same folder across
//! processes renders only pages whose template or view model changed, and its output equals a
//! clean build byte for byte after any sequence of edits, additions, deletions, renames, theme
//! and `site.toml` changes and day changes. A day change renders again exactly the pages whose
//! bytes change. A corrupt or foreign cache is ignored with a note.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use crate::synth;
use gongshi::build::{self, BuildReport, CacheOptions};
use std::collections::BTreeSet;
use std::path::PathBuf;

struct Bench {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
    cache: PathBuf,
    scratch: PathBuf,
    now: jiff::Timestamp,
}

impl Bench {
    fn new(records: usize, seed: u64) -> Bench {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        generate_site(&root, records, seed);
        Bench {
            out: tmp.path().join("public"),
            cache: tmp.path().join("cache"),
            scratch: tmp.path().join("scratch"),
            root,
            _tmp: tmp,
            now: "2026-11-25T10:00:00+08:00".parse().unwrap(),
        }
    }

    /// A build into the kept output folder with the kept cache.
    fn cached(&self) -> Result<BuildReport, build::BuildError> {
        self.cached_at(self.now)
    }

    fn cached_at(&self, now: jiff::Timestamp) -> Result<BuildReport, build::BuildError> {
        let c = CacheOptions {
            dir: Some(self.cache.clone()),
            ignore: false,
            snapshot: false,
            exits: false,
        };
        build::build_with(&build_options(&self.root, &self.out, now), &c, &|_, _| {})
    }

    /// A clean build (no cache, a fresh folder): its files.
    fn clean(&self, now: jiff::Timestamp) -> Option<Vec<(String, Vec<u8>)>> {
        let _ = std::fs::remove_dir_all(&self.scratch);
        let out = self.scratch.join("public");
        let c = CacheOptions {
            dir: Some(self.scratch.join("cache")),
            ignore: true,
            snapshot: false,
            exits: false,
        };
        let r = build::build_with(&build_options(&self.root, &out, now), &c, &|_, _| {}).ok()?;
        assert_eq!(r.rerendered, None);
        Some(tree(&out))
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
}

fn differing(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) -> BTreeSet<String> {
    let a: std::collections::BTreeMap<_, _> = a.iter().map(|(p, b)| (p, b)).collect();
    let b: std::collections::BTreeMap<_, _> = b.iter().map(|(p, b)| (p, b)).collect();
    a.keys()
        .chain(b.keys())
        .filter(|p| a.get(*p) != b.get(*p))
        .map(|p| p.replace('\\', "/"))
        .collect()
}

#[test]
fn random_edit_sequences_equal_clean_builds_byte_for_byte() {
    let b = Bench::new(1000, 7);
    let first = b.cached().unwrap_or_else(|_| panic!("first build failed"));
    assert_eq!(first.rerendered, None, "no cache yet");
    assert_eq!(first.rendered, first.pages);
    let mut now = b.now;
    let mut rng = synth::Rng::new(11);
    let footer = repo().join("themes/default/templates/partials/footer.html");
    let base_tpl = repo().join("themes/default/templates/base.html");
    let mut log = Vec::new();
    for step in 0..10 {
        let mut b_now = now;
        let docs = b.records("documents");
        let decisions = b.records("enforcement");
        let pick = |rng: &mut synth::Rng, v: &[PathBuf]| v[rng.below(v.len())].clone();
        // Every kind of change comes up once, in a random order, then at random.
        let what = if step < 7 {
            (step * 5 + 3) % 7
        } else {
            rng.below(7)
        };
        let mut undo: Option<Box<dyn Fn()>> = None;
        match what {
            0 => {
                let f = pick(&mut rng, &docs);
                let t = std::fs::read_to_string(&f).unwrap();
                std::fs::write(&f, format!("{t}\n补充说明第{step}条。\n")).unwrap();
                log.push(format!("edit body {}", f.display()));
            }
            1 => {
                let f = pick(&mut rng, &decisions);
                let t = std::fs::read_to_string(&f).unwrap();
                std::fs::write(
                    &f,
                    t.replacen("title: ", &format!("title: 第{step}次更正"), 1),
                )
                .unwrap();
                log.push(format!("edit title {}", f.display()));
            }
            2 => {
                let f = pick(&mut rng, &docs);
                let t = std::fs::read_to_string(&f).unwrap();
                let n = f.with_file_name(format!("added-{step}.md"));
                // A new title, index number and document number (they are unique).
                let t: String = t
                    .lines()
                    .map(|l| {
                        if let Some(v) = l.strip_prefix("index_no: ") {
                            let keep = v.len().saturating_sub(5);
                            format!("index_no: {}{:05}\n", &v[..keep], 90000 + step)
                        } else if l.starts_with("doc_no: ") {
                            format!("doc_no: 测试发〔2026〕{}号\n", 900 + step)
                        } else if let Some(v) = l.strip_prefix("title: ") {
                            format!("title: 新增{v}\n")
                        } else {
                            format!("{l}\n")
                        }
                    })
                    .collect();
                std::fs::write(&n, t).unwrap();
                let added = n.clone();
                undo = Some(Box::new(move || std::fs::remove_file(&added).unwrap()));
                log.push(format!("add {}", n.display()));
            }
            3 => {
                let f = pick(&mut rng, &docs);
                let t = std::fs::read(&f).unwrap();
                std::fs::remove_file(&f).unwrap();
                let back = f.clone();
                undo = Some(Box::new(move || std::fs::write(&back, &t).unwrap()));
                log.push(format!("delete {}", f.display()));
            }
            4 => {
                let f = pick(&mut rng, &decisions);
                let n = f.with_file_name(format!("renamed-{step}.md"));
                std::fs::rename(&f, &n).unwrap();
                let (from, to) = (f.clone(), n.clone());
                undo = Some(Box::new(move || std::fs::rename(&to, &from).unwrap()));
                log.push(format!("rename {}", f.display()));
            }
            5 => {
                let (src, rel) = if rng.chance(50) {
                    (&footer, "templates/partials/footer.html")
                } else {
                    (&base_tpl, "templates/base.html")
                };
                let to = b.root.join("themes/default").join(rel);
                std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                let t = match std::fs::read_to_string(&to) {
                    Ok(t) => t,
                    Err(_) => std::fs::read_to_string(src).unwrap(),
                };
                std::fs::write(&to, format!("{t}<!-- 主题第{step}版 -->\n")).unwrap();
                log.push(format!("theme {rel}"));
            }
            _ => {
                if rng.chance(50) {
                    let p = b.root.join("site.toml");
                    let t = std::fs::read_to_string(&p).unwrap();
                    let t = t.replacen("title = \"", &format!("title = \"第{step}版"), 1);
                    std::fs::write(&p, t).unwrap();
                    log.push("site.toml title".into());
                } else {
                    let days = 1 + rng.below(40) as i64;
                    b_now = now
                        .checked_add(jiff::SignedDuration::from_hours(24 * days))
                        .unwrap();
                    log.push(format!("day +{days}"));
                }
            }
        }
        let before = tree(&b.out);
        let clean = b.clean(b_now);
        let cached = b.cached_at(b_now);
        match (clean, cached) {
            (Some(clean), Ok(r)) => {
                assert!(
                    tree(&b.out) == clean,
                    "after {log:?}: the cached build differs from a clean build in {:?}",
                    differing(&tree(&b.out), &clean)
                );
                // A theme change drops the whole cache (with a note); nothing else does.
                if what == 5 {
                    assert_eq!(r.rendered, r.pages);
                    assert!(r.notes.iter().any(|n| n.contains("主题已改变")));
                } else {
                    assert!(
                        r.rerendered.is_some(),
                        "after {log:?}: the cache was not used"
                    );
                }
                now = b_now;
            }
            (None, Err(_)) => {
                // The change broke the site (a link to a deleted record): both fail and the
                // output is as it was; the change is taken back.
                assert!(
                    tree(&b.out) == before,
                    "after {log:?}: a failed build wrote"
                );
                let undo = undo.unwrap_or_else(|| panic!("after {log:?}: the build failed"));
                undo();
                log.push("(failed, undone)".into());
            }
            (clean, cached) => panic!(
                "after {log:?}: clean build ok {}, cached build ok {}",
                clean.is_some(),
                cached.is_ok()
            ),
        }
    }
}

#[test]
fn a_one_record_edit_renders_only_its_pages_and_a_day_change_only_what_changes() {
    let b = Bench::new(1000, 5);
    let full = b.cached().unwrap_or_else(|_| panic!("first build failed"));
    // A body edit: that record's page, nothing else.
    let f = b.records("documents")[3].clone();
    let t = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("{t}\n补充说明。\n")).unwrap();
    let r = b.cached().unwrap_or_else(|_| panic!("build failed"));
    let again = r.rerendered.clone().unwrap();
    assert_eq!(again.len(), 1, "{again:?}");
    assert!(again[0].starts_with("documents/"), "{again:?}");
    assert_eq!(r.pages, full.pages);

    // The next days: exactly the pages whose bytes change are rendered again.
    let mut day = b.now;
    for days in [1, 7, 30] {
        let next = day
            .checked_add(jiff::SignedDuration::from_hours(24 * days))
            .unwrap();
        let before = b.clean(day).unwrap();
        let after = b.clean(next).unwrap();
        let changed = differing(&before, &after);
        let r = b.cached_at(next).unwrap_or_else(|_| panic!("build failed"));
        let again: BTreeSet<String> = r.rerendered.unwrap().into_iter().collect();
        assert!(
            tree(&b.out) == after,
            "day +{days}: differs from a clean build"
        );
        // Every HTML page whose bytes changed was rendered again, and no page whose bytes
        // stayed (feeds and the sitemap are pages too; open data files are not).
        let now_there: BTreeSet<String> = after.iter().map(|(p, _)| p.replace('\\', "/")).collect();
        let html: BTreeSet<String> = changed
            .iter()
            .filter(|p| p.ends_with(".html") && now_there.contains(*p))
            .cloned()
            .collect();
        let extra: Vec<&String> = again.difference(&changed).collect();
        let missing: Vec<&String> = html.difference(&again).collect();
        assert!(
            extra.is_empty(),
            "day +{days}: rendered, unchanged: {extra:?}"
        );
        assert!(
            missing.is_empty(),
            "day +{days}: changed, not rendered: {missing:?}"
        );
        assert!(again.len() < full.pages / 4, "day +{days}: {}", again.len());
        day = next;
    }
}

fn write_cache(b: &Bench, text: &[u8]) {
    std::fs::create_dir_all(&b.cache).unwrap();
    std::fs::write(b.cache.join("pages.msgpack"), text).unwrap();
}

#[test]
fn a_corrupt_or_foreign_cache_is_ignored_with_a_note() {
    let b = Bench::new(60, 2);
    b.cached().unwrap_or_else(|_| panic!("build failed"));
    let good = std::fs::read(b.cache.join("pages.msgpack")).unwrap();
    let clean = b.clean(b.now).unwrap();
    let value: serde_json::Value = rmp_serde::from_slice(&good).unwrap();
    let out_abs = std::path::absolute(&b.out).unwrap();
    assert_eq!(value["header"]["out"], serde_json::json!(out_abs));
    // The good cache with one header field changed.
    let with = |field: &str, v: serde_json::Value| {
        let mut c = value.clone();
        c["header"][field] = v;
        let bytes = rmp_serde::to_vec_named(&c).unwrap();
        assert_ne!(bytes, good, "{field}");
        bytes
    };
    let program = format!("0.0.0-{}", value["header"]["gongshi"].as_str().unwrap());
    let wrong_types = serde_json::json!({"header": {"format": "2"}, "pages": [1, 2, 3]});
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", b"\x00\xffnot json".to_vec()),
        ("truncated", good[..good.len() / 2].to_vec()),
        ("empty", Vec::new()),
        (
            "another output folder",
            with("out", serde_json::json!("/elsewhere/public")),
        ),
        ("another format", with("format", serde_json::json!(99))),
        (
            "another program",
            with("gongshi", serde_json::json!(program)),
        ),
        (
            "wrong types",
            rmp_serde::to_vec_named(&wrong_types).unwrap(),
        ),
        ("JSON", serde_json::to_vec(&value).unwrap()),
    ];
    for (what, bytes) in cases {
        // A changed record, so that the build memo does not answer.
        let f = b.records("documents")[0].clone();
        let t = std::fs::read_to_string(&f).unwrap();
        std::fs::write(&f, format!("{t}\n{what}。\n")).unwrap();
        let clean = b.clean(b.now).unwrap();
        write_cache(&b, &bytes);
        let r = b
            .cached()
            .unwrap_or_else(|_| panic!("{what}: build failed"));
        assert_eq!(r.rerendered, None, "{what}");
        assert_eq!(r.rendered, r.pages, "{what}");
        assert!(
            r.notes
                .iter()
                .any(|n| n.contains("构建缓存") && n.contains("不可用")),
            "{what}: {:?}",
            r.notes
        );
        assert!(tree(&b.out) == clean, "{what}: differs from a clean build");
        // The build wrote a good cache again.
        let std::result::Result::Ok(fresh) = std::fs::read(b.cache.join("pages.msgpack")) else {
            panic!("{what}: no cache written");
        };
        assert!(rmp_serde::from_slice::<serde_json::Value>(&fresh).is_ok());
    }
    drop(clean);

    // A theme change on disk: the whole cache goes, with a note.
    let to = b.root.join("themes/default/templates/partials/footer.html");
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    let t = std::fs::read_to_string(repo().join("themes/default/templates/partials/footer.html"))
        .unwrap();
    std::fs::write(&to, format!("{t}<!-- 新 -->\n")).unwrap();
    let r = b.cached().unwrap_or_else(|_| panic!("build failed"));
    assert_eq!(r.rendered, r.pages);
    assert!(
        r.notes.iter().any(|n| n.contains("主题已改变")),
        "{:?}",
        r.notes
    );
    assert!(tree(&b.out) == b.clean(b.now).unwrap());
}

#[test]
fn a_page_file_changed_in_the_output_is_rendered_again() {
    let b = Bench::new(60, 4);
    b.cached().unwrap_or_else(|_| panic!("build failed"));
    let clean = b.clean(b.now).unwrap();
    // Someone edits one page of the output, replaces another by a link, removes a third.
    let pages: Vec<String> = clean
        .iter()
        .map(|(p, _)| p.replace('\\', "/"))
        .filter(|p| p.ends_with("/index.html") && p.starts_with("documents/"))
        .take(3)
        .collect();
    assert_eq!(pages.len(), 3);
    let p0 = b.out.join(&pages[0]);
    let len = std::fs::metadata(&p0).unwrap().len() as usize;
    std::fs::write(&p0, "x".repeat(len)).unwrap();
    let p1 = b.out.join(&pages[1]);
    std::fs::remove_file(&p1).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&p0, &p1).unwrap();
    std::fs::remove_file(b.out.join(&pages[2])).unwrap();
    // A record change elsewhere, so that the build memo does not answer.
    let f = b.records("enforcement")[0].clone();
    let t = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("{t}\n补充。\n")).unwrap();
    let clean = b.clean(b.now).unwrap();
    let r = b.cached().unwrap_or_else(|_| panic!("build failed"));
    let again: BTreeSet<String> = r.rerendered.unwrap().into_iter().collect();
    for p in &pages {
        assert!(again.contains(p), "{p} not rendered again: {again:?}");
    }
    assert!(tree(&b.out) == clean);
}

#[test]
fn the_cli_takes_a_cache_folder_and_no_cache_renders_everything() {
    let b = Bench::new(30, 9);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "build",
            "--root",
            b.root.to_str().unwrap(),
            "--out",
            b.out.to_str().unwrap(),
            "--now",
            "2026-11-25T10:00:00+08:00",
            "--cache-dir",
            b.cache.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = std::process::Command::new(bin())
            .args(&args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        text(&o)
    };
    // A JSON cache of an older gongshi goes when the new one is written.
    std::fs::create_dir_all(&b.cache).unwrap();
    std::fs::write(b.cache.join("pages.json"), "{}").unwrap();
    let first = run(&[]);
    assert!(b.cache.join("pages.msgpack").is_file(), "{first}");
    assert!(!b.cache.join("pages.json").exists(), "{first}");
    let f = b.records("documents")[0].clone();
    let t = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, format!("{t}\n补充。\n")).unwrap();
    let second = run(&[]);
    assert!(second.contains("重新渲染 1 个页面"), "{second}");
    std::fs::write(b.cache.join("pages.msgpack"), "{").unwrap();
    std::fs::write(&f, format!("{t}\n再补充。\n")).unwrap();
    let third = run(&[]);
    assert!(third.contains("注意：构建缓存"), "{third}");
    let fourth = run(&["--no-cache"]);
    assert!(!fourth.contains("重新渲染 1 个页面"), "{fourth}");
    assert!(!fourth.contains("注意："), "{fourth}");
}
