//! What a deploy knows about a target: the manifest of the last finished deploy (path →
//! content hash, size, headers) and the journal of an unfinished one, and the plan that
//! compares them with the files of `public/`.
//!
//! Order of a deploy (see [`super::deploy`]): write the journal, upload new and changed
//! files, delete the files no longer built, write the manifest, remove the journal. The
//! manifest therefore always describes a finished deploy; a journal left behind names every
//! path an interrupted deploy may have touched, and the next deploy uploads those again and
//! considers them for deletion.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The manifest's key (object name or file name) under the target's prefix or directory.
pub const MANIFEST: &str = ".gongshi-deploy.json";
/// The journal of a deploy that has started and not finished.
pub const JOURNAL: &str = ".gongshi-deploy.pending.json";

const FORMAT: &str = "gongshi-deploy-manifest";
const JOURNAL_FORMAT: &str = "gongshi-deploy-journal";
const VERSION: u32 = 1;

/// One published file as the target has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// SHA-256 of the contents, lower-case hex.
    pub sha256: String,
    pub size: u64,
    pub content_type: String,
    pub cache_control: String,
}

/// The manifest of a finished deploy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// The site's `base_url`: a manifest of another site is refused.
    pub site: String,
    pub files: BTreeMap<String, Entry>,
}

/// The journal of an unfinished deploy: every path it may have written or deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    pub format: String,
    pub version: u32,
    pub site: String,
    pub touched: BTreeSet<String>,
}

impl Manifest {
    pub fn new(site: &str, files: BTreeMap<String, Entry>) -> Manifest {
        Manifest {
            format: FORMAT.to_string(),
            version: VERSION,
            site: site.to_string(),
            files,
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

impl Journal {
    pub fn new(site: &str, touched: BTreeSet<String>) -> Journal {
        Journal {
            format: JOURNAL_FORMAT.to_string(),
            version: VERSION,
            site: site.to_string(),
            touched,
        }
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).unwrap_or_default();
        v.push(b'\n');
        v
    }
}

/// What reading a manifest or journal from the target gave.
#[derive(Debug)]
pub enum Read<T> {
    /// There is none: a first deploy (or a finished one, for the journal).
    Absent,
    Valid(T),
    /// Not one of ours or damaged: why, in Chinese.
    Corrupt(String),
    /// Written by a deploy of another site (its `base_url`).
    OtherSite(String),
}

/// Parse a manifest read from the target, checking its format, version, site and entries.
pub fn parse_manifest(bytes: &[u8], site: &str) -> Read<Manifest> {
    let m: Manifest = match serde_json::from_slice(bytes) {
        Ok(m) => m,
        Err(e) => return Read::Corrupt(format!("不是有效的发布记录（{e}）")),
    };
    if m.format != FORMAT || m.version != VERSION {
        return Read::Corrupt(format!(
            "格式 {:?} 版本 {} 不是本程序写的发布记录",
            m.format, m.version
        ));
    }
    if m.site != site {
        return Read::OtherSite(m.site);
    }
    for (path, e) in &m.files {
        if let Err(why) = check_key(path) {
            return Read::Corrupt(format!("文件名 {path:?} 无效：{why}"));
        }
        if e.sha256.len() != 64 || !e.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Read::Corrupt(format!("{path} 的校验码 {:?} 无效", e.sha256));
        }
    }
    Read::Valid(m)
}

/// Parse a journal read from the target.
pub fn parse_journal(bytes: &[u8], site: &str) -> Read<Journal> {
    let j: Journal = match serde_json::from_slice(bytes) {
        Ok(j) => j,
        Err(e) => return Read::Corrupt(format!("不是有效的未完成发布记录（{e}）")),
    };
    if j.format != JOURNAL_FORMAT || j.version != VERSION {
        return Read::Corrupt(format!(
            "格式 {:?} 版本 {} 不是本程序写的未完成发布记录",
            j.format, j.version
        ));
    }
    if j.site != site {
        return Read::OtherSite(j.site);
    }
    for path in &j.touched {
        if let Err(why) = check_key(path) {
            return Read::Corrupt(format!("文件名 {path:?} 无效：{why}"));
        }
    }
    Read::Valid(j)
}

/// A relative path a deploy may write or delete: `/`-separated, no empty, `.` or `..`
/// part, no control characters, not one of the deploy's own files. Everything read from a
/// target passes this before it names a file to delete.
pub fn check_key(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("为空");
    }
    if path.starts_with('/') || path.contains('\\') {
        return Err("不是相对路径");
    }
    if path
        .split('/')
        .any(|p| p.is_empty() || p == "." || p == "..")
    {
        return Err("含有空的、“.”或“..”路径段");
    }
    if path.chars().any(char::is_control) {
        return Err("含有控制字符");
    }
    if path == MANIFEST || path == JOURNAL {
        return Err("是发布程序自己的记录文件");
    }
    Ok(())
}

/// Why a path is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Not in the last manifest.
    New,
    /// Contents or headers differ from the last manifest.
    Changed,
    /// An interrupted deploy may have left it in any state.
    Unfinished,
}

/// What a deploy does.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// In upload order: attachments and theme files, then pages and data, then the search
    /// index's `meta.json` (see [`upload_rank`]).
    pub upload: Vec<(String, Why)>,
    /// Paths the target has (or may have) and the build no longer has, sorted.
    pub delete: Vec<String>,
    /// Files left as they are.
    pub unchanged: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.upload.is_empty() && self.delete.is_empty()
    }
}

/// Compare the files just built with the last finished deploy and an unfinished one's
/// journal. `old` is `None` for a first deploy (or an ignored manifest): everything is
/// uploaded and nothing is known to delete but what the journal names.
pub fn plan(
    new: &BTreeMap<String, Entry>,
    old: Option<&Manifest>,
    journal: Option<&Journal>,
) -> Plan {
    let empty = BTreeMap::new();
    let old_files = old.map(|m| &m.files).unwrap_or(&empty);
    let touched = journal.map(|j| &j.touched);
    let mut upload = Vec::new();
    let mut unchanged = 0;
    for (path, entry) in new {
        let why = match old_files.get(path) {
            _ if touched.is_some_and(|t| t.contains(path)) => Some(Why::Unfinished),
            None => Some(Why::New),
            Some(o) if o != entry => Some(Why::Changed),
            Some(_) => None,
        };
        match why {
            Some(w) => upload.push((path.clone(), w)),
            None => unchanged += 1,
        }
    }
    upload.sort_by(|a, b| (upload_rank(&a.0), &a.0).cmp(&(upload_rank(&b.0), &b.0)));
    let mut delete: BTreeSet<String> = old_files
        .keys()
        .filter(|p| !new.contains_key(*p))
        .cloned()
        .collect();
    if let Some(t) = touched {
        delete.extend(t.iter().filter(|p| !new.contains_key(*p)).cloned());
    }
    Plan {
        upload,
        delete: delete.into_iter().collect(),
        unchanged,
    }
}

/// Upload order, so that a page never points at a file that is not up yet: 0 attachments
/// and theme files, 1 pages, feeds and data, 2 the search index's `meta.json` (it names the
/// index build that `search.js` then fetches and caches).
pub fn upload_rank(path: &str) -> u8 {
    if path == "search/meta.json" {
        2
    } else if is_page_like(path) {
        1
    } else {
        0
    }
}

fn extension(path: &str) -> String {
    path.rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// Pages, feeds and data: they change with the day (consultation states, deadlines), so
/// browsers and CDNs must revalidate them.
fn is_page_like(path: &str) -> bool {
    matches!(
        extension(path).as_str(),
        "html" | "htm" | "xml" | "json" | "ics" | "csv" | "txt" | ""
    )
}

/// The `Content-Type` of a published file: the preview server's table (UTF-8 charset for
/// text), with the charset also on JSON, which the open data and search index are.
pub fn content_type(path: &str) -> String {
    let ct = crate::serve::http::content_type(path);
    if ct == "application/json" {
        "application/json; charset=utf-8".to_string()
    } else {
        ct
    }
}

/// The `Cache-Control` of a published file. A name carrying a content hash (a dot-separated
/// part of 8 or more hex digits with at least one digit, as in `site.3f9a0c1e.css`) never
/// changes contents: cached for a year. Pages, feeds and data: `no-cache` (revalidate every
/// time; unchanged files answer 304). Attachments and theme files: one hour.
pub fn cache_control(path: &str) -> &'static str {
    if is_hashed(path) {
        "public, max-age=31536000, immutable"
    } else if is_page_like(path) {
        "no-cache"
    } else {
        "public, max-age=3600"
    }
}

fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts: Vec<&str> = name.split('.').collect();
    if parts.len() < 3 {
        return false;
    }
    parts.pop();
    parts.iter().skip(1).any(|p| {
        p.len() >= 8
            && p.bytes().all(|b| b.is_ascii_hexdigit())
            && p.bytes().any(|b| b.is_ascii_digit())
    })
}

/// The manifest entry of a file's contents at `path` (relative key `key`).
pub fn entry_of(key: &str, file: &Path) -> std::io::Result<Entry> {
    let bytes = std::fs::read(file)?;
    Ok(Entry {
        sha256: hex::encode(Sha256::digest(&bytes)),
        size: bytes.len() as u64,
        content_type: content_type(key),
        cache_control: cache_control(key).to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(h: char) -> Entry {
        Entry {
            sha256: std::iter::repeat_n(h, 64).collect(),
            size: 1,
            content_type: "text/html; charset=utf-8".into(),
            cache_control: "no-cache".into(),
        }
    }

    fn files(list: &[(&str, char)]) -> BTreeMap<String, Entry> {
        list.iter().map(|(p, h)| (p.to_string(), e(*h))).collect()
    }

    #[test]
    fn types_and_caching_by_extension() {
        let cases = [
            ("index.html", "text/html; charset=utf-8", "no-cache"),
            (
                "static/site.css",
                "text/css; charset=utf-8",
                "public, max-age=3600",
            ),
            (
                "static/site.js",
                "text/javascript; charset=utf-8",
                "public, max-age=3600",
            ),
            (
                "search/meta.json",
                "application/json; charset=utf-8",
                "no-cache",
            ),
            ("atom.xml", "application/xml; charset=utf-8", "no-cache"),
            ("data/fees.csv", "text/csv; charset=utf-8", "no-cache"),
            ("calendar.ics", "text/calendar; charset=utf-8", "no-cache"),
            ("a/b.pdf", "application/pdf", "public, max-age=3600"),
            (
                "static/site.3f9a0c1e.css",
                "text/css; charset=utf-8",
                "public, max-age=31536000, immutable",
            ),
        ];
        for (p, ct, cc) in cases {
            assert_eq!(content_type(p), ct, "{p}");
            assert_eq!(cache_control(p), cc, "{p}");
        }
        // Words of hex letters only and short numbers are not hashes.
        assert!(!is_hashed("static/facade.deadbeef.css"));
        assert!(!is_hashed("a.2026.pdf"));
        assert!(!is_hashed("3f9a0c1e12.css"));
    }

    #[test]
    fn plan_compares_with_the_manifest_and_the_journal() {
        let old = Manifest::new(
            "s",
            files(&[("a.html", 'a'), ("b.html", 'b'), ("c.pdf", 'c')]),
        );
        let new = files(&[
            ("a.html", 'a'),
            ("b.html", 'B'),
            ("d.pdf", 'd'),
            ("search/meta.json", 'm'),
        ]);
        let p = plan(&new, Some(&old), None);
        assert_eq!(
            p.upload,
            vec![
                ("d.pdf".to_string(), Why::New),
                ("b.html".to_string(), Why::Changed),
                ("search/meta.json".to_string(), Why::New),
            ]
        );
        assert_eq!(p.delete, vec!["c.pdf".to_string()]);
        assert_eq!(p.unchanged, 1);
        // An interrupted deploy touched a.html (unchanged now) and x.html (not built now).
        let j = Journal::new("s", ["a.html".to_string(), "x.html".to_string()].into());
        let p = plan(&new, Some(&old), Some(&j));
        assert!(p.upload.contains(&("a.html".to_string(), Why::Unfinished)));
        assert_eq!(p.delete, vec!["c.pdf".to_string(), "x.html".to_string()]);
        assert_eq!(p.unchanged, 0);
        // First deploy: everything, nothing to delete.
        let p = plan(&new, None, None);
        assert_eq!(p.upload.len(), 4);
        assert!(p.delete.is_empty());
    }

    #[test]
    fn hostile_manifests_are_refused() {
        assert!(matches!(parse_manifest(b"", "s"), Read::Corrupt(_)));
        assert!(matches!(
            parse_manifest(b"{\"format\":1}", "s"),
            Read::Corrupt(_)
        ));
        let m = Manifest::new("other", files(&[("a.html", 'a')]));
        assert!(matches!(parse_manifest(&m.to_json(), "s"), Read::OtherSite(s) if s == "other"));
        for bad in [
            "../etc/passwd",
            "/abs",
            "a//b",
            "a/./b",
            "a\u{7}",
            MANIFEST,
            "a\\b",
            "",
        ] {
            let m = Manifest::new("s", files(&[(bad, 'a')]));
            assert!(
                matches!(parse_manifest(&m.to_json(), "s"), Read::Corrupt(_)),
                "{bad:?}"
            );
            let j = Journal::new("s", [bad.to_string()].into());
            assert!(
                matches!(parse_journal(&j.to_json(), "s"), Read::Corrupt(_)),
                "{bad:?}"
            );
        }
        let mut m = Manifest::new("s", files(&[("a.html", 'a')]));
        if let Some(x) = m.files.get_mut("a.html") {
            x.sha256 = "zz".into();
        }
        assert!(matches!(
            parse_manifest(&m.to_json(), "s"),
            Read::Corrupt(_)
        ));
        let good = Manifest::new("s", files(&[("a.html", 'a')]));
        assert!(matches!(parse_manifest(&good.to_json(), "s"), Read::Valid(m) if m == good));
    }
}
