//! What the preview serves: the last good build held in memory (a [`Snapshot`] swapped in
//! whole after each rebuild), and the error overlay while the sources do not build.

use crate::build::output::Content;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

/// One file of the site.
pub(crate) struct Entry {
    pub body: Body,
    /// When these bytes were first served.
    pub modified: SystemTime,
    etag: OnceLock<String>,
}

/// Where a file's bytes are.
pub(crate) enum Body {
    Bytes(Arc<[u8]>),
    /// An attachment, read from the site when asked for (as `build` copies it).
    File(PathBuf),
}

impl Entry {
    fn new(body: Body, modified: SystemTime) -> Entry {
        Entry {
            body,
            modified,
            etag: OnceLock::new(),
        }
    }

    /// A strong validator of the bytes (computed once, when first asked).
    pub(crate) fn etag(&self) -> String {
        self.etag
            .get_or_init(|| match &self.body {
                Body::Bytes(b) => {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::collections::hash_map::DefaultHasher::new();
                    b.hash(&mut h);
                    format!("{:016x}-{:x}", h.finish(), b.len())
                }
                Body::File(p) => {
                    let m = std::fs::metadata(p).ok();
                    let len = m.as_ref().map_or(0, |m| m.len());
                    let t = m
                        .and_then(|m| m.modified().ok())
                        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                        .map_or(0, |d| d.as_nanos());
                    format!("f{t:x}-{len:x}")
                }
            })
            .clone()
    }
}

/// The files of a snapshot: those of the last full build, and on top of them those a
/// one-record rebuild replaced (so a new snapshot after an edit copies only the few replaced
/// entries, not a map of every file of the site).
#[derive(Clone, Default)]
pub(crate) struct Files {
    base: Arc<HashMap<String, Arc<Entry>>>,
    over: Arc<HashMap<String, Arc<Entry>>>,
}

/// Replaced entries are folded into the base once there are this many.
const MAX_OVER: usize = 2048;

impl Files {
    fn new(map: HashMap<String, Arc<Entry>>) -> Files {
        Files {
            base: Arc::new(map),
            over: Arc::default(),
        }
    }

    /// The file at an output path (`documents/a/index.html`).
    pub(crate) fn get(&self, path: &str) -> Option<&Arc<Entry>> {
        self.over.get(path).or_else(|| self.base.get(path))
    }

    pub(crate) fn contains_key(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// Every output path.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &String> {
        self.over
            .keys()
            .chain(self.base.keys().filter(|k| !self.over.contains_key(*k)))
    }

    pub(crate) fn len(&self) -> usize {
        self.base.len()
            + self
                .over
                .keys()
                .filter(|k| !self.base.contains_key(*k))
                .count()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// These files with `updates` replacing (or adding) the entries of their paths.
    fn with(&self, updates: Vec<(String, Arc<Entry>)>) -> Files {
        if self.over.len() + updates.len() > MAX_OVER {
            let mut all = (*self.base).clone();
            all.extend(self.over.iter().map(|(k, v)| (k.clone(), v.clone())));
            all.extend(updates);
            return Files::new(all);
        }
        let mut over = (*self.over).clone();
        over.extend(updates);
        Files {
            base: self.base.clone(),
            over: Arc::new(over),
        }
    }
}

/// The site being served.
pub(crate) struct Snapshot {
    /// Increases whenever what is served changes (pages carry it for live reload).
    pub generation: u64,
    /// Output path (`documents/a/index.html`) → file.
    pub files: Files,
    /// The error overlay, while the last rebuild failed.
    pub overlay: Option<Arc<str>>,
    /// When this generation began to be served (pages change with every generation, since
    /// they carry it).
    pub since: SystemTime,
    /// The site's base path (`/` or `/sub/`).
    pub base: String,
}

impl Snapshot {
    /// Nothing built yet.
    pub(crate) fn empty() -> Snapshot {
        Snapshot {
            generation: 0,
            files: Files::default(),
            overlay: None,
            since: SystemTime::now(),
            base: "/".into(),
        }
    }

    /// The next snapshot after a successful build; files whose bytes did not change keep
    /// their entry (and so their validators). Returns it with the number of changed files,
    /// or `None` when nothing at all changed.
    pub(crate) fn after_build(
        &self,
        files: Vec<(String, Content)>,
        base: String,
        now: SystemTime,
    ) -> Option<(Snapshot, usize)> {
        let mut changed = 0;
        let mut out = HashMap::with_capacity(files.len());
        for (path, content) in files {
            let (entry, new) = entry_for(self.files.get(&path), content, now);
            changed += usize::from(new);
            out.insert(path, entry);
        }
        let removed = self.files.keys().filter(|k| !out.contains_key(*k)).count();
        if changed == 0 && removed == 0 && self.overlay.is_none() && base == self.base {
            return None;
        }
        Some((
            Snapshot {
                generation: self.generation + 1,
                files: Files::new(out),
                overlay: None,
                since: now,
                base,
            },
            changed + removed,
        ))
    }

    /// The next snapshot after a one-record rebuild: `files` replace the files of the same
    /// path, every other file stays. `None` when no byte changed (and no overlay is shown).
    pub(crate) fn with_updates(
        &self,
        files: Vec<(String, Content)>,
        now: SystemTime,
    ) -> Option<(Snapshot, usize)> {
        let mut updates = Vec::new();
        for (path, content) in files {
            let (entry, new) = entry_for(self.files.get(&path), content, now);
            if new {
                updates.push((path, entry));
            }
        }
        let changed = updates.len();
        if changed == 0 && self.overlay.is_none() {
            return None;
        }
        Some((
            Snapshot {
                generation: self.generation + 1,
                files: self.files.with(updates),
                overlay: None,
                since: now,
                base: self.base.clone(),
            },
            changed,
        ))
    }

    /// The same files with an overlay (`None` when it is the one already shown).
    pub(crate) fn with_overlay(&self, overlay: String, now: SystemTime) -> Option<Snapshot> {
        if self.overlay.as_deref() == Some(overlay.as_str()) {
            return None;
        }
        Some(Snapshot {
            generation: self.generation + 1,
            files: self.files.clone(),
            overlay: Some(overlay.into()),
            since: now,
            base: self.base.clone(),
        })
    }
}

/// The entry to serve `content` from: the previous one when the bytes (or the attached file)
/// are the same, else a new one first served at `now`; `true` when it is new.
fn entry_for(prev: Option<&Arc<Entry>>, content: Content, now: SystemTime) -> (Arc<Entry>, bool) {
    let unchanged = match (&content, prev) {
        (Content::Shared(b), Some(p)) => same(&p.body, b),
        (Content::Bytes(b), Some(p)) => same(&p.body, b),
        (Content::Copy(f) | Content::Linked(f), Some(p)) => {
            matches!(&p.body, Body::File(q) if q == f)
        }
        (_, None) => false,
    };
    match prev {
        Some(p) if unchanged => (p.clone(), false),
        _ => {
            let body = match content {
                Content::Shared(b) => Body::Bytes(b),
                Content::Bytes(b) => Body::Bytes(b.into()),
                Content::Copy(f) | Content::Linked(f) => Body::File(f),
            };
            (Arc::new(Entry::new(body, now)), true)
        }
    }
}

fn same(body: &Body, bytes: &[u8]) -> bool {
    match body {
        // Pages reused from the last build share their bytes: no need to compare them.
        Body::Bytes(b) => {
            (std::ptr::eq(b.as_ptr(), bytes.as_ptr()) && b.len() == bytes.len())
                || b.as_ref() == bytes
        }
        Body::File(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(a: &str) -> Vec<(String, Content)> {
        vec![
            ("a.html".into(), Content::Bytes(a.as_bytes().to_vec())),
            ("b.css".into(), Content::Bytes(b"css".to_vec())),
        ]
    }

    #[test]
    fn unchanged_files_keep_their_entry_and_changed_ones_get_a_new_one() {
        let t0 = SystemTime::UNIX_EPOCH;
        let (s1, n) = Snapshot::empty()
            .after_build(files("one"), "/".into(), t0)
            .unwrap_or_else(|| panic!("first build serves"));
        assert_eq!((s1.generation, n), (1, 2));
        assert!(s1.after_build(files("one"), "/".into(), t0).is_none());
        let (s2, n) = s1
            .after_build(files("two"), "/".into(), t0)
            .unwrap_or_else(|| panic!("a change serves"));
        assert_eq!((s2.generation, n), (2, 1));
        let same_css = match (s1.files.get("b.css"), s2.files.get("b.css")) {
            (Some(x), Some(y)) => Arc::ptr_eq(x, y),
            _ => false,
        };
        assert!(same_css);
        assert_ne!(
            s1.files.get("a.html").map(|e| e.etag()),
            s2.files.get("a.html").map(|e| e.etag())
        );
    }

    #[test]
    fn updates_lie_over_the_full_build_and_are_folded_in_when_many() {
        let t0 = SystemTime::UNIX_EPOCH;
        let (mut snap, _) = Snapshot::empty()
            .after_build(files("one"), "/".into(), t0)
            .unwrap_or_else(|| panic!("first build serves"));
        for i in 0..(MAX_OVER + 10) {
            let (next, n) = snap
                .with_updates(
                    vec![
                        (
                            "a.html".into(),
                            Content::Bytes(format!("v{i}").into_bytes()),
                        ),
                        (format!("new{i}.html"), Content::Bytes(vec![1])),
                    ],
                    t0,
                )
                .unwrap_or_else(|| panic!("an update serves"));
            assert!(n >= 1);
            snap = next;
            let body = match snap.files.get("a.html").map(|e| &e.body) {
                Some(Body::Bytes(b)) => b.to_vec(),
                _ => Vec::new(),
            };
            assert_eq!(body, format!("v{i}").into_bytes());
            let mut keys: Vec<&String> = snap.files.keys().collect();
            keys.sort();
            keys.dedup();
            assert_eq!(keys.len(), snap.files.len());
            assert_eq!(snap.files.len(), 2 + i + 1);
        }
        assert!(snap.files.contains_key("b.css"));
    }

    #[test]
    fn an_overlay_is_a_new_generation_and_a_good_build_removes_it() {
        let t0 = SystemTime::UNIX_EPOCH;
        let (s1, _) = Snapshot::empty()
            .after_build(files("one"), "/".into(), t0)
            .unwrap_or_else(|| panic!("first build serves"));
        let s2 = s1
            .with_overlay("<div>错</div>".into(), t0)
            .unwrap_or_else(|| panic!("overlay shown"));
        assert_eq!(s2.generation, 2);
        assert!(s2.with_overlay("<div>错</div>".into(), t0).is_none());
        let (s3, _) = s2
            .after_build(files("one"), "/".into(), t0)
            .unwrap_or_else(|| panic!("fixing removes the overlay"));
        assert!(s3.overlay.is_none());
        assert_eq!(s3.generation, 3);
    }
}
