//! The git history ([`crate::history`]) kept in the cache folder between builds, with the
//! commit it was read at: a build after new commits reads only their log and puts it before
//! the kept one ([`crate::history::since`]), instead of the log of the whole repository
//! (a site's first commit lists every file: at 100,000 records `git log` and its parsing were
//! about 0.4 s of a one-record rebuild). When the kept history cannot be extended (another
//! repository, a rebase, a merge since, an unreadable file) the whole log is read, as without
//! a cache; what git says is always the source, the file only saves reading it again.

use crate::history::{Commit, Entry, Files, History};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The file inside the cache folder.
const FILE: &str = "history.bin";

/// The file's format; another one is read as no file.
const FORMAT: u32 = 1;

/// The file: compact MessagePack (fields by position), commits stored once.
#[derive(Serialize, Deserialize)]
struct Stored {
    format: u32,
    gongshi: String,
    /// The site root it was read for (absolute).
    root: PathBuf,
    head: String,
    commits: Vec<StoredCommit>,
    /// Each path with its entries, newest first; the paths in order.
    files: Vec<(String, Vec<StoredEntry>)>,
}

#[derive(Serialize, Deserialize)]
struct StoredCommit {
    /// Seconds since the epoch (what `git log --format=%ct` gives).
    time: i64,
    subject: String,
    id: String,
    note: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredEntry {
    /// Index into [`Stored::commits`].
    commit: u32,
    /// The path in that commit when it is not the key (a rename).
    path: Option<String>,
    blob: String,
    deleted: bool,
}

/// The history of `root` as of its `HEAD`, from the one kept in the cache folder `dir` when
/// it can be (`trust`: false reads the whole log, as `--no-cache` asks).
///
/// What is read whole is kept. An extended one is kept only once the commits since the kept
/// one add up to [`REKEEP`]: writing the whole history again costs more than reading a short
/// log each time (at 100,000 records, 0.1–0.2 s against 30 ms).
pub(super) fn read(dir: &Path, root: &Path, trust: bool) -> History {
    let t = std::time::Instant::now();
    let head = crate::history::head(root);
    if head.is_empty() {
        return History::default();
    }
    let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let kept = if trust { load(dir, &absolute) } else { None };
    super::phase("history: kept one read", t);
    if let Some(kept) = kept {
        if kept.head == head {
            return kept;
        }
        let t = std::time::Instant::now();
        let before = entries(&kept);
        if let Some(h) = crate::history::since(root, kept, head.clone()) {
            super::phase("history: extended", t);
            if entries(&h) - before >= REKEEP {
                keep(dir, &absolute, &h);
            }
            return h;
        }
    }
    let t = std::time::Instant::now();
    let h = crate::history::at(root, head);
    super::phase("history: read whole", t);
    if !h.head.is_empty() {
        keep(dir, &absolute, &h);
    }
    h
}

/// How many entries the commits since the kept history may add before it is kept again.
const REKEEP: usize = 4096;

/// The entries of every file.
fn entries(h: &History) -> usize {
    h.files.values().map(Vec::len).sum()
}

/// The history kept in `dir` for the site at `root`; `None` when there is none, or it is of
/// another format, program version or site, or does not decode.
fn load(dir: &Path, root: &Path) -> Option<History> {
    let bytes = std::fs::read(dir.join(FILE)).ok()?;
    let s: Stored = rmp_serde::from_slice(&bytes).ok()?;
    if s.format != FORMAT || s.gongshi != env!("CARGO_PKG_VERSION") || s.root != root {
        return None;
    }
    let commits = s
        .commits
        .into_iter()
        .map(|c| {
            Some(Arc::new(Commit {
                time: jiff::Timestamp::from_second(c.time).ok()?,
                subject: c.subject,
                id: c.id,
                note: c.note,
            }))
        })
        .collect::<Option<Vec<_>>>()?;
    let mut files = Files::default();
    files.reserve(s.files.len());
    for (key, entries) in s.files {
        let entries = entries
            .into_iter()
            .map(|e| {
                Some(Entry {
                    commit: commits.get(usize::try_from(e.commit).ok()?)?.clone(),
                    path: PathBuf::from(e.path.as_deref().unwrap_or(&key)),
                    deleted: e.deleted,
                    blob: e.blob,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        files.insert(PathBuf::from(key), entries);
    }
    Some(History {
        head: s.head,
        files,
    })
}

/// Keep `h` in `dir` (atomically: a temporary file renamed). A failure only costs the next
/// build the whole log.
fn keep(dir: &Path, root: &Path, h: &History) {
    let Some(stored) = stored(root, h) else {
        let _ = std::fs::remove_file(dir.join(FILE));
        return;
    };
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let bytes = rmp_serde::to_vec(&stored).map_err(std::io::Error::other)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, &bytes)?;
        tmp.persist(dir.join(FILE)).map_err(|e| e.error)?;
        Ok(())
    };
    if write().is_err() {
        let _ = std::fs::remove_file(dir.join(FILE));
    }
}

/// `h` in the file's form (`None` for a path that is not UTF-8, which the file cannot hold).
fn stored(root: &Path, h: &History) -> Option<Stored> {
    let mut index: HashMap<*const Commit, u32> = HashMap::new();
    let mut commits = Vec::new();
    let mut files: Vec<(String, Vec<StoredEntry>)> = Vec::with_capacity(h.files.len());
    // In order of the paths' bytes (`Path`'s own order compares component by component).
    let mut keys: Vec<(&str, &PathBuf)> = h
        .files
        .keys()
        .map(|k| k.to_str().map(|s| (s, k)))
        .collect::<Option<_>>()?;
    keys.sort_unstable();
    for (key_str, key) in keys {
        let mut entries = Vec::new();
        for e in h.files.get(key)? {
            let commit = *index.entry(Arc::as_ptr(&e.commit)).or_insert_with(|| {
                commits.push(StoredCommit {
                    time: e.commit.time.as_second(),
                    subject: e.commit.subject.clone(),
                    id: e.commit.id.clone(),
                    note: e.commit.note.clone(),
                });
                u32::try_from(commits.len() - 1).unwrap_or(u32::MAX)
            });
            let path = e.path.to_str()?;
            entries.push(StoredEntry {
                commit,
                path: (path != key_str).then(|| path.to_string()),
                blob: e.blob.clone(),
                deleted: e.deleted,
            });
        }
        files.push((key_str.to_string(), entries));
    }
    u32::try_from(commits.len()).ok()?;
    Some(Stored {
        format: FORMAT,
        gongshi: env!("CARGO_PKG_VERSION").to_string(),
        root: root.to_path_buf(),
        head: h.head.clone(),
        commits,
        files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::testing::{repo, run_git, write};

    /// A commit at time `t` of `rel` with `text`, with a public note.
    fn commit(root: &Path, t: i64, rel: &str, text: &str, message: &str) {
        write(root, rel, text);
        run_git(root, t, &["add", "-A"]);
        run_git(
            root,
            t,
            &["commit", "-q", "-m", message, "-m", "公示说明: 说明"],
        );
    }

    #[test]
    fn the_kept_history_is_used_extended_and_distrusted_when_asked() {
        let site = repo(&[("content/documents/a.md", "a\n")], "one");
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (root, dir) = (site.path().to_path_buf(), tmp.path().join("cache"));
        let h = read(&dir, &root, true);
        assert_eq!(h, crate::history::collect(&root));
        assert_eq!(h.files.len(), 1);
        assert!(dir.join(FILE).is_file());
        // Kept: what is in the file is what the next build uses (a mark shows it).
        let absolute = std::path::absolute(&root).unwrap_or_default();
        let mut marked = h.clone();
        marked
            .files
            .insert(PathBuf::from("content/mark.md"), Vec::new());
        keep(&dir, &absolute, &marked);
        assert_eq!(read(&dir, &root, true), marked);
        // `--no-cache`: read whole, and kept again.
        assert_eq!(read(&dir, &root, false), h);
        assert_eq!(load(&dir, &absolute), Some(h.clone()));
        // Commits since: extended from the file, the same as read whole; the file is left
        // as it is while they are few.
        commit(&root, 200, "content/documents/a.md", "a2\n", "two");
        commit(&root, 300, "content/documents/b.md", "b\n", "three");
        let whole = crate::history::collect(&root);
        assert_eq!(whole.files.len(), 2);
        assert_eq!(read(&dir, &root, true), whole);
        assert_eq!(load(&dir, &absolute), Some(h.clone()));
        assert_eq!(read(&dir, &root, true), whole);
        // Many since: kept again.
        let many: Vec<String> = (0..REKEEP)
            .map(|i| format!("content/fees/f{i}.yaml"))
            .collect();
        for p in &many {
            write(&root, p, "x: 1\n");
        }
        run_git(&root, 400, &["add", "-A"]);
        run_git(&root, 400, &["commit", "-q", "-m", "many"]);
        let whole = crate::history::collect(&root);
        assert_eq!(read(&dir, &root, true), whole);
        assert_eq!(load(&dir, &absolute), Some(whole.clone()));
        // Another site's file, or a damaged one: read whole.
        assert_eq!(load(&dir, Path::new("/elsewhere")), None);
        let _ = std::fs::write(dir.join(FILE), b"\x93garbage");
        assert_eq!(read(&dir, &root, true), whole);
        // Not a repository: no history, no file written.
        let plain = tmp.path().join("plain");
        let _ = std::fs::create_dir_all(plain.join("content"));
        let other = tmp.path().join("cache2");
        assert!(read(&other, &plain, true).is_empty());
        assert!(!other.join(FILE).exists());
    }
}
