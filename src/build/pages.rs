//! The page cache: `gongshi build` renders again only the pages whose template or view model
//! changed since the last build into the same output folder, across processes.
//!
//! A page is a pure function of the theme, its template's name and its view model (the
//! renderer adds nothing else: the footer and navigation come from the view model's `site`
//! and `page.nav`). Everything a build reads — records, `site.toml`, holiday data, the clock
//! (consultation states, display periods, working days left), git history — reaches a page
//! only through its view model. So after a build the cache records, for every page, a hash of
//! its template name and view model and the identity of the file it wrote (size,
//! modification time, inode); the next build still loads, checks and plans everything, but
//! a page whose hash is unchanged and whose file in the output folder is still the one
//! recorded is kept instead of rendered: left where it is (the output folder is then
//! updated in place, `output::InPlace`), or hard-linked into a new output folder. Feeds, open data, the
//! search index and the sitemap are made every time (they are a small part of the work) and,
//! like every file, hard-linked when their bytes did not change.
//!
//! The cache file (`pages.msgpack` in the cache folder, by default `.gongshi-cache/` beside the
//! output folder) also names the binary (version and SHA-256: the embedded theme and calendar
//! are in it), a hash of every theme file, and the output folder. A
//! cache of another binary, theme or output folder, or one that does not parse, is ignored
//! with a note, and the build renders every page. A page file changed, replaced or removed
//! since the last build (by anyone) no longer matches its recorded identity and is rendered
//! again. The cache is written (atomically) only after the new output was swapped in; if
//! that fails the old cache still describes the files it names correctly (a rewritten file
//! has a new inode), so it can only cost renders, never give a wrong page.

use super::output::Content;
use crate::plan::Output;
use crate::render::Theme;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::io;
use std::path::{Path, PathBuf};

/// The cache file's format; a different one is ignored (with a note).
const FORMAT: u32 = 2;

/// The cache file's name inside the cache folder (MessagePack with field names).
const FILE: &str = "pages.msgpack";

/// The cache file's name before format 2 (JSON), removed when a cache is written.
const LEGACY_FILE: &str = "pages.json";

/// Where the cache lives and whether to read it.
#[derive(Debug, Clone, Default)]
pub struct CacheOptions {
    /// The cache folder (`--cache-dir`); None: `.gongshi-cache/` beside the output folder.
    pub dir: Option<PathBuf>,
    /// Do not use the cache's pages (`--no-cache`): every page is rendered (only the binary's
    /// hash it recorded is taken); a new one is still written.
    pub ignore: bool,
    /// Keep a snapshot of the build (`--snapshot`, [`super::snapshot`]) so that the next one
    /// patches a single edited record instead of loading the site; it holds the site model
    /// until the end of the build, so a large site's build peaks higher.
    pub snapshot: bool,
    /// The process ends after this build (`gongshi build`): what a snapshot patch loaded is
    /// left to the operating system instead of being freed piece by piece (0.2 s at 100,000
    /// records). Not for a process that goes on (the preview server, tests).
    pub exits: bool,
}

impl CacheOptions {
    /// The cache folder for the output folder `out`.
    pub fn dir_for(&self, out: &Path) -> PathBuf {
        match &self.dir {
            Some(d) => d.clone(),
            None => out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .join(".gongshi-cache"),
        }
    }
}

/// A page's template name and view model, hashed (SHA-256, first 16 bytes, hex).
type Key = String;

/// What the cache records of one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    /// Hash of the template name and the view model.
    #[serde(rename = "k")]
    key: Key,
    /// The written file's size, modification time (ns) and inode.
    #[serde(rename = "s")]
    size: u64,
    #[serde(rename = "m")]
    mtime: i64,
    #[serde(rename = "i")]
    ino: u64,
}

/// What makes a cache usable at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    format: u32,
    gongshi: String,
    /// SHA-256 of the running binary (a copy of the same binary, as CI downloads or
    /// installs it afresh, keeps the cache).
    exe: String,
    /// The binary's size and modification time when `exe` was taken.
    exe_stat: (u64, i64),
    /// SHA-256 of every theme file (path and bytes).
    theme: String,
    /// The output folder, absolute.
    out: PathBuf,
}

/// A cache file read for its header alone (its pages are skipped, not kept).
#[derive(Deserialize)]
struct HeaderOnly {
    header: Header,
}

#[derive(Debug, Serialize, Deserialize)]
struct CacheFile {
    header: Header,
    /// Output path → entry.
    pages: HashMap<String, Entry>,
}

/// One build's use of the cache: the previous build's pages, and this build's.
pub(crate) struct Pass {
    file: PathBuf,
    header: Option<Header>,
    old_out: PathBuf,
    previous: HashMap<String, Entry>,
    /// This build's pages: path → key.
    next: Vec<(String, Key)>,
    /// Pages rendered (not taken from the previous output).
    pub rendered: Vec<String>,
    /// Whether a usable cache was read.
    pub used: bool,
    /// Why an existing cache was not used (shown to the user).
    pub note: Option<String>,
}

/// SHA-256 as an `io::Write`, for streaming serialisers and files into it.
pub(super) struct Sha(pub(super) sha2::Sha256);

impl io::Write for Sha {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The tag and length (8 bytes) [`encode`] writes before a string's bytes or an array's or
/// object's members.
fn encode_len(w: &mut impl io::Write, tag: u8, n: usize) -> io::Result<()> {
    w.write_all(&[tag])?;
    w.write_all(&(n as u64).to_le_bytes())
}

/// A string as [`encode`] writes it.
fn encode_str(w: &mut impl io::Write, s: &str) -> io::Result<()> {
    encode_len(w, b's', s.len())?;
    w.write_all(s.as_bytes())
}

/// `v` in a binary form that tells every two values apart, for hashing: a tag byte, then a
/// string's, array's or object's length (8 bytes) before its bytes or members, a number's 8
/// bytes. Unlike its JSON, nothing is escaped or formatted: the bytes of strings are copied
/// as they are (a 10k build hashes ~60 MB of view models).
fn encode(w: &mut impl io::Write, v: &serde_json::Value) -> io::Result<()> {
    use serde_json::Value;
    match v {
        Value::Null => w.write_all(b"n"),
        Value::Bool(b) => w.write_all(if *b { b"t" } else { b"f" }),
        Value::Number(n) => {
            // serde_json keeps a number as one of these three (JSON tells `1` from `1.0` too).
            let (tag, bits) = if let Some(u) = n.as_u64() {
                (b'u', u)
            } else if let Some(i) = n.as_i64() {
                (b'i', i as u64)
            } else {
                (b'd', n.as_f64().unwrap_or(f64::NAN).to_bits())
            };
            w.write_all(&[tag])?;
            w.write_all(&bits.to_le_bytes())
        }
        Value::String(s) => encode_str(w, s),
        Value::Array(a) => {
            encode_len(w, b'a', a.len())?;
            a.iter().try_for_each(|x| encode(w, x))
        }
        Value::Object(m) => {
            encode_len(w, b'o', m.len())?;
            m.iter().try_for_each(|(k, x)| {
                encode_str(w, k)?;
                encode(w, x)
            })
        }
    }
}

/// A page's key: SHA-256 of its template name, a zero byte and its view model
/// [`encode`]d, in which the value of a top-level `site` is replaced by the hex string of its
/// digest ([`crate::render::site_digest`]: every page of a build carries the same `site`, so
/// it is not encoded again for each).
pub(crate) fn key_of(template: &str, ctx: &serde_json::Value) -> Option<Key> {
    let mut h = Sha(sha2::Sha256::new());
    h.0.update(template.as_bytes());
    h.0.update([0u8]);
    // A buffer hands the hash whole blocks rather than each small piece.
    let mut w = io::BufWriter::with_capacity(8 * 1024, &mut h);
    match ctx {
        serde_json::Value::Object(m) if m.contains_key("site") => {
            // The object as `encode` writes it, `site` replaced.
            encode_len(&mut w, b'o', m.len()).ok()?;
            for (k, v) in m {
                encode_str(&mut w, k).ok()?;
                if k == "site" {
                    encode_str(&mut w, &hex::encode(crate::render::site_digest(v))).ok()?;
                } else {
                    encode(&mut w, v).ok()?;
                }
            }
        }
        _ => encode(&mut w, ctx).ok()?,
    }
    w.into_inner().ok()?;
    Some(hex::encode(&h.0.finalize()[..16]))
}

fn theme_hash(theme: &Theme) -> String {
    let mut h = sha2::Sha256::new();
    for f in theme.templates().chain(theme.statics()) {
        h.update((f.path.len() as u64).to_le_bytes());
        h.update(f.path.as_bytes());
        h.update((f.bytes.len() as u64).to_le_bytes());
        h.update(&f.bytes);
    }
    hex::encode(h.finalize())
}

/// The identity of a regular file (not a link): size, modification time, inode.
fn identity(path: &Path) -> Option<(u64, i64, u64)> {
    let m = std::fs::symlink_metadata(path).ok()?;
    if !m.file_type().is_file() {
        return None;
    }
    let (mtime, _, ino) = super::cache::stamps(&m);
    Some((m.len(), mtime, ino))
}

/// The cache entry of the page at `path` in the output folder `out`, made with `key` (None
/// when no regular file is there).
fn entry_at(out: &Path, path: &str, key: Key) -> Option<Entry> {
    let (size, mtime, ino) = identity(&out.join(path))?;
    Some(Entry {
        key,
        size,
        mtime,
        ino,
    })
}

/// SHA-256 of the running binary (shared with the build memo: read once per process).
fn exe_hash() -> Option<String> {
    super::cache::exe_hash()
}

fn header(theme: &Theme, out: &Path, known: Option<&Header>) -> Option<Header> {
    let exe_stat = super::cache::exe_identity()?;
    let exe = match known {
        Some(k) if k.exe_stat == exe_stat && !k.exe.is_empty() => k.exe.clone(),
        _ => exe_hash()?,
    };
    Some(Header {
        format: FORMAT,
        gongshi: env!("CARGO_PKG_VERSION").to_string(),
        exe,
        exe_stat,
        theme: theme_hash(theme),
        out: std::path::absolute(out).ok()?,
    })
}

impl Pass {
    /// A pass with nothing from a previous build.
    fn empty(file: PathBuf, header: Option<Header>, out: &Path) -> Pass {
        Pass {
            file,
            header,
            old_out: out.to_path_buf(),
            previous: HashMap::default(),
            next: Vec::new(),
            rendered: Vec::new(),
            used: false,
            note: None,
        }
    }

    /// Read the cache for a build of `theme` into `out`. Never fails: an unusable cache
    /// means every page is rendered (with a note when a cache file was there).
    pub(crate) fn open(opts: &CacheOptions, theme: &Theme, out: &Path) -> Pass {
        let file = opts.dir_for(out).join(FILE);
        if opts.ignore {
            // Its pages are not used, but the binary's hash it recorded is (hashing the
            // binary costs more than reading the cache file); anything unreadable is ignored
            // in silence.
            let known = std::fs::read(&file)
                .ok()
                .and_then(|b| rmp_serde::from_slice::<HeaderOnly>(&b).ok());
            return Pass::empty(
                file,
                header(theme, out, known.as_ref().map(|k| &k.header)),
                out,
            );
        }
        let read = match std::fs::read(&file) {
            Ok(b) => Ok(Some(rmp_serde::from_slice::<CacheFile>(&b))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        };
        // The binary's hash is taken from the cache while the binary's size and time are
        // those the cache recorded.
        let known = match &read {
            Ok(Some(Ok(c))) => Some(&c.header),
            _ => None,
        };
        let header = header(theme, out, known);
        let mut pass = Pass::empty(file, header, out);
        let parsed = match read {
            Ok(Some(p)) => p,
            Ok(None) => return pass,
            Err(e) => {
                pass.note = Some(format!(
                    "无法读取构建缓存 {}（{e}），本次重新生成全部页面。",
                    pass.file.display()
                ));
                return pass;
            }
        };
        let why = match parsed {
            Err(_) => Some("文件已损坏"),
            Ok(c) => match &pass.header {
                None => Some("无法确定本程序或输出目录"),
                Some(h) if c.header.format != h.format => Some("格式不同"),
                Some(h) if c.header.gongshi != h.gongshi || c.header.exe != h.exe => {
                    Some("由另一版本的程序生成")
                }
                Some(h) if c.header.out != h.out => Some("属于另一个输出目录"),
                Some(h) if c.header.theme != h.theme => Some("主题已改变"),
                Some(_) => {
                    pass.previous = c.pages;
                    pass.used = true;
                    None
                }
            },
        };
        if let Some(why) = why {
            pass.note = Some(format!(
                "构建缓存 {} 不可用（{why}），本次重新生成全部页面。",
                pass.file.display()
            ));
        }
        pass
    }

    /// Split a batch: pages whose view model and output file are as the cache records become
    /// links to the previous output's file; the rest is returned to be rendered. Every page's
    /// key is noted for the next build.
    pub(crate) fn sort(&mut self, batch: Vec<Output>) -> (Vec<Output>, Vec<(String, Content)>) {
        enum One {
            Kept(String, Key),
            Render(Output, Option<(String, Key)>),
        }
        let (previous, old_out) = (&self.previous, &self.old_out);
        let sorted: Vec<One> = batch
            .into_par_iter()
            .map(|o| {
                let Output::Page {
                    path,
                    template,
                    ctx,
                } = &o
                else {
                    return One::Render(o, None);
                };
                let Some(key) = key_of(template, ctx) else {
                    return One::Render(o, None);
                };
                let hit = previous.get(path).is_some_and(|e| {
                    e.key == key && identity(&old_out.join(path)) == Some((e.size, e.mtime, e.ino))
                });
                if hit {
                    One::Kept(path.clone(), key)
                } else {
                    let noted = (path.clone(), key);
                    One::Render(o, Some(noted))
                }
            })
            .collect();
        let mut render = Vec::new();
        let mut kept = Vec::new();
        for one in sorted {
            match one {
                One::Kept(path, key) => {
                    kept.push((path.clone(), Content::Linked(self.old_out.join(&path))));
                    self.next.push((path, key));
                }
                One::Render(o, noted) => {
                    if matches!(o, Output::Page { .. }) {
                        self.rendered.push(o.path().to_string());
                    }
                    if let Some(n) = noted {
                        self.next.push(n);
                    }
                    render.push(o);
                }
            }
        }
        (render, kept)
    }

    /// Is the page at `path`, as the cache recorded it, the one this template and view model
    /// make, and its file still the one written (a one-record patch leaves it as it is)?
    pub(crate) fn unchanged(&self, path: &str, template: &str, ctx: &serde_json::Value) -> bool {
        self.previous.get(path).is_some_and(|e| {
            key_of(template, ctx).is_some_and(|k| k == e.key)
                && identity(&self.old_out.join(path)) == Some((e.size, e.mtime, e.ino))
        })
    }

    /// Did the last build's page at `path` have this key?
    pub(crate) fn had(&self, path: &str, key: &str) -> bool {
        self.previous.get(path).is_some_and(|e| e.key == key)
    }

    /// After a one-record patch was applied to the output folder: the last build's entries,
    /// with those of the pages the patch planned (`keys`) taken again from their files.
    pub(crate) fn save_patched(mut self, out: &Path, keys: Vec<(String, Key)>) {
        for (path, key) in keys {
            match entry_at(out, &path, key) {
                Some(entry) => {
                    self.previous.insert(path, entry);
                }
                None => {
                    self.previous.remove(&path);
                }
            }
        }
        let pages = std::mem::take(&mut self.previous);
        self.write(pages);
    }

    /// Remove the cache file (before the output folder is changed in place; [`Pass::save`]
    /// writes it again).
    pub(crate) fn invalidate(&self) {
        let _ = std::fs::remove_file(&self.file);
    }

    /// After the new output was swapped in: record every page's key and file identity
    /// (from `listing`, what the writer listed, where it has the file). Failing only means
    /// the next build renders more.
    pub(crate) fn save(self, out: &Path, listing: Option<&super::output::Listing>) {
        let Some(header) = self.header else {
            return;
        };
        let pages: HashMap<String, Entry> = self
            .next
            .into_par_iter()
            .filter_map(|(path, key)| {
                let entry = match listing.and_then(|l| l.stamp(&path)) {
                    Some(s) => Entry {
                        key,
                        size: s.size,
                        mtime: s.mtime,
                        ino: s.ino,
                    },
                    None => entry_at(out, &path, key)?,
                };
                Some((path, entry))
            })
            .collect();
        Pass::write_file(&self.file, header, pages);
    }

    fn write(self, pages: HashMap<String, Entry>) {
        let Some(header) = self.header else {
            return;
        };
        Pass::write_file(&self.file, header, pages);
    }

    fn write_file(file: &Path, header: Header, pages: HashMap<String, Entry>) {
        let Ok(bytes) = rmp_serde::to_vec_named(&CacheFile { header, pages }) else {
            return;
        };
        let Some(dir) = file.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(mut tmp) = tempfile::NamedTempFile::new_in(dir) else {
            return;
        };
        if io::Write::write_all(&mut tmp, &bytes).is_ok() && tmp.persist(file).is_ok() {
            let _ = std::fs::remove_file(dir.join(LEGACY_FILE));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_covers_the_template_and_every_value_of_the_view_model() {
        let a = serde_json::json!({"page": {"title": "甲", "n": 1}});
        let b = serde_json::json!({"page": {"title": "甲", "n": 2}});
        let ka = key_of("record.html", &a);
        assert!(ka.is_some());
        assert_eq!(ka, key_of("record.html", &a));
        assert_ne!(ka, key_of("record.html", &b));
        assert_ne!(ka, key_of("list.html", &a));
        // Values that JSON or a careless encoding could confuse keep apart.
        let distinct = [
            serde_json::json!(["a", "b"]),
            serde_json::json!(["ab"]),
            serde_json::json!({"a": "b"}),
            serde_json::json!([["a"], "b"]),
            serde_json::json!(1),
            serde_json::json!(1.0),
            serde_json::json!(-1),
            serde_json::json!("1"),
            serde_json::json!(null),
            serde_json::json!(""),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!(false),
        ];
        let keys: std::collections::HashSet<Option<Key>> =
            distinct.iter().map(|v| key_of("t", v)).collect();
        assert_eq!(keys.len(), distinct.len());
        // The separator keeps the template name apart from the model.
        assert_ne!(
            key_of("a", &serde_json::json!("b")),
            key_of("a\"", &serde_json::json!("b"))
        );
    }

    #[test]
    fn the_site_is_hashed_once_and_still_covered() {
        let page = |title: &str, org: &str| {
            serde_json::json!({
                "page": {"title": title},
                "site": {"org": {"name": org}, "nav": [1, 2]},
                "z": [true, null],
            })
        };
        let a = key_of("record.html", &page("甲", "局"));
        assert!(a.is_some());
        // The same model has the same key, each time.
        assert_eq!(a, key_of("record.html", &page("甲", "局")));
        assert_eq!(a, key_of("record.html", &page("甲", "局")));
        assert_ne!(a, key_of("record.html", &page("乙", "局")));
        // Another site has another key.
        let other = key_of("record.html", &page("甲", "厅"));
        assert_ne!(a, other);
        assert_eq!(other, key_of("record.html", &page("甲", "厅")));
        // The key is that of the encoded model with `site` replaced by its digest's hex.
        let encoded = |v: &serde_json::Value| {
            let mut b = Vec::new();
            encode(&mut b, v).unwrap_or_else(|e| panic!("{e}"));
            b
        };
        // (A `site` that carries no digest: the SHA-256 of its JSON, `render::site_digest`.)
        let site_json = serde_json::to_vec(&page("甲", "局")["site"]).unwrap_or_default();
        let mut swapped = page("甲", "局");
        swapped["site"] = serde_json::json!(hex::encode(sha2::Sha256::digest(&site_json)));
        let mut h = sha2::Sha256::new();
        h.update(b"record.html\0");
        h.update(encoded(&swapped));
        assert_eq!(a, Some(hex::encode(&h.finalize()[..16])));
        // A planned page's `site` carries its digest: that is what the key holds.
        let marked = |title: &str, digest: &str| {
            let mut p = page(title, "局");
            p["site"][crate::render::SITE_DIGEST] = serde_json::json!(digest);
            p
        };
        let d1 = hex::encode([1u8; 32]);
        let m = key_of("record.html", &marked("甲", &d1));
        let mut swapped = page("甲", "局");
        swapped["site"] = serde_json::json!(d1);
        let mut h = sha2::Sha256::new();
        h.update(b"record.html\0");
        h.update(encoded(&swapped));
        assert_eq!(m, Some(hex::encode(&h.finalize()[..16])));
        assert_ne!(
            m,
            key_of("record.html", &marked("甲", &hex::encode([2u8; 32])))
        );
        assert_ne!(m, key_of("record.html", &marked("乙", &d1)));
    }

    #[test]
    fn without_the_cache_its_recorded_binary_hash_is_still_taken() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let opts = CacheOptions {
            dir: None,
            ignore: true,
            snapshot: false,
            exits: false,
        };
        let theme = Theme::load(tmp.path(), "default").unwrap_or_else(|e| panic!("{e}"));
        // A cache of this binary (same size and time) that recorded a hash: taken as it is,
        // the binary is not read.
        let header = Header {
            format: FORMAT,
            gongshi: env!("CARGO_PKG_VERSION").to_string(),
            exe: "recorded".into(),
            exe_stat: super::super::cache::exe_identity().unwrap_or_else(|| panic!("no exe")),
            theme: theme_hash(&theme),
            out: std::path::absolute(&out).unwrap_or_else(|e| panic!("{e}")),
        };
        let page = Entry {
            key: "k".into(),
            size: 1,
            mtime: 1,
            ino: 1,
        };
        let file = CacheFile {
            header,
            pages: HashMap::from_iter([("index.html".to_string(), page)]),
        };
        let dir = opts.dir_for(&out);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let bytes = rmp_serde::to_vec_named(&file).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join(FILE), bytes).unwrap_or_else(|e| panic!("{e}"));
        let pass = Pass::open(&opts, &theme, &out);
        assert_eq!(pass.header.map(|h| h.exe), Some("recorded".to_string()));
        // Its pages are not used, and nothing is said about it.
        assert!(!pass.used && pass.previous.is_empty() && pass.note.is_none());
    }

    #[test]
    fn the_default_folder_is_beside_the_output() {
        let o = CacheOptions::default();
        assert_eq!(
            o.dir_for(Path::new("/x/site/public")),
            PathBuf::from("/x/site/.gongshi-cache")
        );
        let o = CacheOptions {
            dir: Some(PathBuf::from("/ci/cache")),
            ignore: false,
            snapshot: false,
            exits: false,
        };
        assert_eq!(o.dir_for(Path::new("public")), PathBuf::from("/ci/cache"));
    }
}
