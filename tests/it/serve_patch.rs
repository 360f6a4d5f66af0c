//! The preview's one-record rebuild (`gongshi::build::patch`) gives exactly what a full build gives:
//! after each edit, the patched file set (last build + the patched files) and the warnings
//! equal those of a fresh full render of the edited site, file by file. Edits that other
//! pages would show fall back to the full rebuild.

use crate::synth;

use gongshi::build::output::Content;
use gongshi::build::patch::{self, Outcome};
use gongshi::build::{self, BuildOptions, Reuse};
use std::collections::BTreeMap;
use std::error::Error;
use std::path::{Path, PathBuf};

type TestResult = Result<(), Box<dyn Error>>;

#[derive(Debug, PartialEq)]
enum Bytes {
    Data(Vec<u8>),
    File(PathBuf),
}

fn normalise(files: Vec<(String, Content)>) -> BTreeMap<String, Bytes> {
    files
        .into_iter()
        .map(|(p, c)| {
            let b = match c {
                Content::Bytes(b) => Bytes::Data(b),
                Content::Shared(b) => Bytes::Data(b.to_vec()),
                Content::Copy(f) | Content::Linked(f) => Bytes::File(f),
            };
            (p, b)
        })
        .collect()
}

fn warnings_text(ds: &gongshi::diag::Diagnostics) -> String {
    gongshi::diag::render_text(ds)
}

struct Preview {
    opts: BuildOptions,
    reuse: Reuse,
    files: BTreeMap<String, Bytes>,
}

impl Preview {
    fn start(root: &Path) -> Result<Preview, Box<dyn Error>> {
        let opts = BuildOptions {
            root: root.to_path_buf(),
            out: None,
            now: "2026-11-25T10:00:00+08:00".parse()?,
            drafts: false,
            strict: false,
            feedback_db: None,
        };
        let mut reuse = Reuse::default();
        let Ok(r) = build::render_site_with(&opts, &|_, _| {}, Some(&mut reuse)) else {
            return Err("first build failed".into());
        };
        Ok(Preview {
            opts,
            reuse,
            files: normalise(r.files),
        })
    }

    /// Edit `rel` with `f`, try the one-record rebuild; on success compare with a full build.
    fn edit(
        &mut self,
        rel: &str,
        f: impl Fn(&str) -> String,
    ) -> Result<Option<&'static str>, Box<dyn Error>> {
        let path = self.opts.root.join(rel);
        let before = std::fs::read_to_string(&path)?;
        let after = f(&before);
        assert_ne!(before, after, "the edit of {rel} changes nothing");
        std::fs::write(&path, after)?;
        match patch::apply(&mut self.reuse, &self.opts, &[PathBuf::from(rel)]) {
            Outcome::Fallback(why) => {
                // What the preview does then: the full rebuild, reusing what it can.
                self.reuse.records.forget(Path::new(rel));
                if let Ok(r) =
                    build::render_site_with(&self.opts, &|_, _| {}, Some(&mut self.reuse))
                {
                    self.files = normalise(r.files);
                }
                eprintln!("{rel}: full rebuild ({why})");
                Ok(Some(why))
            }
            Outcome::Patched(p) => {
                for (k, v) in normalise(p.files) {
                    self.files.insert(k, v);
                }
                let Ok(full) = build::render_site(&self.opts, &|_, _| {}) else {
                    return Err("full build of the edited site failed".into());
                };
                assert_eq!(
                    warnings_text(&p.warnings),
                    warnings_text(&full.warnings),
                    "warnings after patching {rel}"
                );
                let full = normalise(full.files);
                let a: Vec<&String> = self.files.keys().collect();
                let b: Vec<&String> = full.keys().collect();
                assert_eq!(a, b, "file set after patching {rel}");
                for (k, v) in &full {
                    assert!(
                        self.files.get(k) == Some(v),
                        "{k} differs from a full build after patching {rel}"
                    );
                }
                Ok(None)
            }
        }
    }
}

/// The first record file of a kind folder, site-relative.
fn first_of(root: &Path, folder: &str) -> Result<String, Box<dyn Error>> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("content").join(folder))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") || n.ends_with(".yaml"))
        .collect();
    names.sort();
    names
        .first()
        .map(|n| format!("content/{folder}/{n}"))
        .ok_or_else(|| format!("no record in {folder}").into())
}

/// The record files of a kind folder by `published:` date, oldest first (then by name).
fn by_date(root: &Path, folder: &str) -> Result<Vec<String>, Box<dyn Error>> {
    let mut all: Vec<(String, String)> = Vec::new();
    for e in std::fs::read_dir(root.join("content").join(folder))? {
        let name = e?.file_name().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(root.join("content").join(folder).join(&name))?;
        let date = text
            .lines()
            .find_map(|l| l.strip_prefix("published: "))
            .unwrap_or_default()
            .to_string();
        all.push((date, name));
    }
    all.sort();
    Ok(all
        .into_iter()
        .map(|(_, n)| format!("content/{folder}/{n}"))
        .collect())
}

/// The record file of a kind folder with the latest `published:` date (a feed's first entry).
fn newest_of(root: &Path, folder: &str) -> Result<String, Box<dyn Error>> {
    by_date(root, folder)?
        .pop()
        .ok_or_else(|| format!("no record in {folder}").into())
}

/// A fee record file that a permit links to (`fees:` followed by `  - <id>`).
fn linked_fee(root: &Path) -> Result<String, Box<dyn Error>> {
    for e in std::fs::read_dir(root.join("content/permits"))? {
        let index = e?.path().join("index.md");
        let Ok(text) = std::fs::read_to_string(&index) else {
            continue;
        };
        if let Some(rest) = text.split("\nfees:\n  - ").nth(1) {
            let id = rest.lines().next().unwrap_or_default().trim();
            for ext in ["md", "yaml"] {
                let rel = format!("content/fees/{id}.{ext}");
                if root.join(&rel).is_file() {
                    return Ok(rel);
                }
            }
        }
    }
    Err("no permit links a fee".into())
}

#[test]
fn one_record_edits_equal_a_full_build_and_others_fall_back() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path().join("site");
    synth::generate(
        &synth::Options {
            records: 400,
            seed: 3,
            format: synth::Format::Gongshi,
        },
        &root,
    )?;
    let mut p = Preview::start(&root)?;
    let doc = first_of(&root, "documents")?;
    let dec = first_of(&root, "enforcement")?;
    let consultation = first_of(&root, "consultations")?;

    // A sentence of a document's body: patched, and equal to a full build.
    let r = p.edit(&doc, |t| {
        format!("{t}\n补充说明：本通知自发布之日起施行。\n")
    })?;
    assert_eq!(r, None, "a body edit is patched");
    // Again (the patched state is the base of the next patch).
    let r = p.edit(&doc, |t| t.replace("补充说明", "特别说明"))?;
    assert_eq!(r, None);
    // A decision's facts and its fine (its page, open data, search, feeds change).
    let r = p.edit(&dec, |t| t.replacen("查明", "经查明", 1))?;
    assert_eq!(r, None, "a decision's facts are patched");
    let r = p.edit(&dec, |t| {
        let mut out = String::new();
        for line in t.lines() {
            if let Some(v) = line.strip_prefix("fine: ") {
                let n: f64 = v.trim().parse().unwrap_or(1000.0);
                out.push_str(&format!("fine: {}\n", n + 100.0));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    })?;
    assert_eq!(r, None, "a decision's fine is patched");
    // The newest decision's decision text: the first entry of its feed, whose summary it is.
    let newest = newest_of(&root, "enforcement")?;
    let r = p.edit(&newest, |t| {
        t.replacen("decision: |\n", "decision: |\n  0. 予以警告；\n", 1)
    })?;
    assert_eq!(r, None, "the newest decision's decision is patched");
    // A fee's amount (its CSV rows), then one more standard (one more CSV row: the open data
    // files are all made again, and still equal).
    let fee = first_of(&root, "fees")?;
    let r = p.edit(&fee, |t| t.replacen("amount: ", "amount: 1", 1))?;
    assert_eq!(r, None, "a fee's amount is patched");
    let r = p.edit(&fee, |t| {
        t.replacen(
            "standards:\n",
            "standards:\n  - item: 新增收费项目\n    amount: 10\n    unit: 元/次\n",
            1,
        )
    })?;
    assert_eq!(r, None, "a fee's new standard is patched");

    // A title: its list page, the home page, the catalogue, its neighbours' pages are
    // planned again too; twice (the second against pages the first patched).
    let r = p.edit(&doc, |t| t.replacen("title: ", "title: 修订后的", 1))?;
    assert_eq!(r, None, "a title edit is patched");
    let r = p.edit(&doc, |t| t.replacen("修订后的", "再次修订的", 1))?;
    assert_eq!(r, None, "a second title edit is patched");
    let r = p.edit(&newest, |t| t.replacen("title: ", "title: 新", 1))?;
    assert_eq!(r, None, "the newest decision's title is patched");
    // Records far down the lists: on a later page of their section's list, of the catalogue
    // and of its facets (only the pages a record is on are planned again).
    for folder in ["documents", "enforcement"] {
        let all = by_date(&root, folder)?;
        assert!(
            all.len() > 40,
            "{folder}: enough records for three list pages"
        );
        for rel in [&all[all.len() / 2], &all[1]] {
            let r = p.edit(rel, |t| t.replacen("title: ", "title: 更正后的", 1))?;
            assert_eq!(r, None, "the title of {rel} is patched");
        }
    }
    // A fee a permit links to: the permit's page shows its title.
    let linked = linked_fee(&root)?;
    let r = p.edit(&linked, |t| t.replacen("title: ", "title: 调整后的", 1))?;
    assert_eq!(r, None, "a linked fee's title is patched");
    // Its 主题分类 (which catalogue facet lists it) falls back.
    let r = p.edit(&doc, |t| t.replacen("category: ", "category: 其他", 1))?;
    assert!(r.is_some(), "a category edit falls back");
    // A consultation (its window feeds the home page and the calendar) falls back.
    let r = p.edit(&consultation, |t| format!("{t}\n附：联系人电话见上。\n"))?;
    assert!(r.is_some(), "a consultation edit falls back");
    // After a fall-back, patching works again from the new state.
    let r = p.edit(&doc, |t| t.replace("特别说明", "另行说明"))?;
    assert_eq!(r, None);
    // An error is never patched (the preview shows it in the overlay).
    let r = p.edit(&doc, |t| {
        t.replacen("published: ", "published: 2026-13-45\nx_published: ", 1)
    })?;
    assert!(r.is_some(), "a broken file falls back");
    Ok(())
}
