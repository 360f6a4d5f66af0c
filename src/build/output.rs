//! Writing the site: everything goes into a staging folder beside the output folder, which
//! replaces it only when every file was written. Files whose bytes did not change are
//! hard-linked from the previous output, so their modification times stay (rsync and CDN
//! uploads stay small) and a failed build never touches the last good site.

use rayon::prelude::*;
use std::io;
use std::path::{Path, PathBuf};

/// The content of one output file.
pub enum Content {
    Bytes(Vec<u8>),
    /// Bytes shared with a cache (the preview server keeps rendered pages between rebuilds).
    Shared(std::sync::Arc<[u8]>),
    /// Copy this file (absolute path).
    Copy(PathBuf),
    /// This file of the previous output, known to be what the build would write (the page
    /// cache, `build/pages.rs`): hard-linked, copied where a link cannot be made.
    Linked(PathBuf),
}

/// What writing did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub files: usize,
    /// Files whose bytes changed or are new.
    pub written: usize,
    pub bytes: u64,
}

fn same_bytes(old: &Path, new: &[u8]) -> bool {
    match std::fs::metadata(old) {
        Ok(m) if m.is_file() && m.len() == new.len() as u64 => {
            std::fs::read(old).map(|b| b == new).unwrap_or(false)
        }
        _ => false,
    }
}

fn place(target: &Path, old: &Path, bytes: &[u8]) -> io::Result<bool> {
    if same_bytes(old, bytes) && std::fs::hard_link(old, target).is_ok() {
        return Ok(false);
    }
    std::fs::write(target, bytes)?;
    Ok(true)
}

/// Do two readers give the same bytes? Read in blocks (a file of any size costs 128 KB).
fn same_stream(mut a: impl io::Read, mut b: impl io::Read) -> io::Result<bool> {
    let mut x = vec![0u8; 64 * 1024];
    let mut y = vec![0u8; 64 * 1024];
    loop {
        let n = read_full(&mut a, &mut x)?;
        let m = read_full(&mut b, &mut y)?;
        if n != m || x[..n] != y[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Fill `buf` as far as the reader goes.
fn read_full(r: &mut impl io::Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Copy the file `src` (an attachment) to `target`, hard-linking the old output when its
/// bytes are the same; neither file is read into memory. `src` must be a regular file, not a
/// symbolic link (the loader refuses links under `content/`; this is the last check before
/// anything is published). Returns whether it was written, and its size.
fn place_copy(target: &Path, old: &Path, src: &Path) -> io::Result<(bool, u64)> {
    let meta = std::fs::symlink_metadata(src)?;
    if !meta.file_type().is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "不是普通文件（符号链接、命名管道或设备），不能发布",
        ));
    }
    let same = match std::fs::metadata(old) {
        Ok(m) if m.is_file() && m.len() == meta.len() => {
            same_stream(std::fs::File::open(old)?, std::fs::File::open(src)?).unwrap_or(false)
        }
        _ => false,
    };
    if same && std::fs::hard_link(old, target).is_ok() {
        return Ok((false, meta.len()));
    }
    let mut from = std::fs::File::open(src)?;
    let mut to = std::fs::File::create(target)?;
    let n = io::copy(&mut from, &mut to)?;
    Ok((true, n))
}

/// Link the previous output's file `src` to `target` (copy it when links fail); its size.
fn place_linked(target: &Path, src: &Path) -> io::Result<u64> {
    if std::fs::hard_link(src, target).is_err() {
        std::fs::copy(src, target)?;
    }
    Ok(std::fs::symlink_metadata(target)?.len())
}

fn with_context(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}：{e}", path.display()))
}

/// Write `files` (relative paths with `/`) as the new content of `out_dir`.
pub fn write_site(out_dir: &Path, files: Vec<(String, Content)>) -> io::Result<Stats> {
    let mut staging = Staging::begin(out_dir)?;
    staging.write(&files)?;
    staging.finish()
}

/// A new output folder being written beside `out_dir`, in as many batches as the caller
/// likes; [`Staging::finish`] swaps it in, dropping it unfinished removes it and leaves the
/// old output untouched.
pub struct Staging {
    out_dir: PathBuf,
    parent: PathBuf,
    name: String,
    dir: PathBuf,
    /// Folders already created under the staging folder.
    made: std::collections::HashSet<PathBuf>,
    stats: Stats,
    finished: bool,
}

impl Staging {
    /// Create an empty staging folder for `out_dir`.
    pub fn begin(out_dir: &Path) -> io::Result<Staging> {
        let parent = out_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        std::fs::create_dir_all(&parent).map_err(|e| with_context(e, "无法创建目录", &parent))?;
        let name = out_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| with_context(e, "无法清理临时目录", &dir))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| with_context(e, "无法创建临时目录", &dir))?;
        Ok(Staging {
            out_dir: out_dir.to_path_buf(),
            parent,
            name,
            dir,
            made: std::collections::HashSet::new(),
            stats: Stats::default(),
            finished: false,
        })
    }

    /// Write a batch of files (in parallel). Unchanged files are hard-linked from the old
    /// output.
    pub fn write(&mut self, files: &[(String, Content)]) -> io::Result<()> {
        // Create folders first, then write files in parallel. Every folder not made yet (with
        // its parents) is created level by level, each level in parallel (a record page is a
        // folder of its own: 12,000 of them at 10,000 records).
        let mut levels: std::collections::BTreeMap<usize, std::collections::BTreeSet<&Path>> =
            std::collections::BTreeMap::new();
        for (p, _) in files {
            // Innermost first; above a folder already made, every one is made.
            for a in Path::new(p).ancestors().skip(1) {
                if a.as_os_str().is_empty() || self.made.contains(a) {
                    break;
                }
                levels.entry(a.components().count()).or_default().insert(a);
            }
        }
        for level in levels.into_values() {
            let level: Vec<&Path> = level.into_iter().collect();
            level.par_iter().try_for_each(|d| {
                let full = self.dir.join(d);
                match std::fs::create_dir(&full) {
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                        Err(with_context(e, "无法创建目录", &full))
                    }
                    _ => Ok(()),
                }
            })?;
            self.made.extend(level.into_iter().map(Path::to_path_buf));
        }
        let (staging, out_dir) = (&self.dir, &self.out_dir);
        let results: Vec<io::Result<(bool, u64)>> = files
            .par_iter()
            .map(|(rel, content)| {
                let target = staging.join(rel);
                let old = out_dir.join(rel);
                match content {
                    Content::Bytes(b) => place(&target, &old, b)
                        .map(|w| (w, b.len() as u64))
                        .map_err(|e| with_context(e, "无法写入", &target)),
                    Content::Shared(b) => place(&target, &old, b)
                        .map(|w| (w, b.len() as u64))
                        .map_err(|e| with_context(e, "无法写入", &target)),
                    Content::Copy(src) => place_copy(&target, &old, src)
                        .map_err(|e| with_context(e, "无法复制附件", src)),
                    Content::Linked(src) => place_linked(&target, src)
                        .map(|n| (false, n))
                        .map_err(|e| with_context(e, "无法写入", &target)),
                }
            })
            .collect();
        for r in results {
            let (written, n) = r?;
            self.stats.files += 1;
            self.stats.bytes += n;
            if written {
                self.stats.written += 1;
            }
        }
        Ok(())
    }

    /// Swap: the old output moves aside, the staging folder takes its place.
    pub fn finish(mut self) -> io::Result<Stats> {
        self.finished = true;
        let (out_dir, staging) = (&self.out_dir, &self.dir);
        let old = self
            .parent
            .join(format!(".{}.old-{}", self.name, std::process::id()));
        if out_dir.exists() {
            if let Err(e) = std::fs::rename(out_dir, &old) {
                let _ = std::fs::remove_dir_all(staging);
                return Err(with_context(e, "无法替换输出目录", out_dir));
            }
        }
        if let Err(e) = std::fs::rename(staging, out_dir) {
            let _ = std::fs::rename(&old, out_dir);
            let _ = std::fs::remove_dir_all(staging);
            return Err(with_context(e, "无法替换输出目录", out_dir));
        }
        if old.exists() {
            remove_tree(&old);
        }
        Ok(self.stats)
    }
}

/// Remove a folder and everything in it, the files in parallel and then the folders deepest
/// first, each depth in parallel: there is one folder per record page, and a serial
/// `remove_dir_all` of them all is a noticeable tail on every build (figures in
/// docs/performance.md). Best effort, like the `remove_dir_all` it stands for; what is left
/// is removed by it.
fn remove_tree(root: &Path) {
    let mut files = Vec::new();
    let mut dirs: Vec<(usize, PathBuf)> = Vec::new();
    for e in walkdir::WalkDir::new(root).into_iter().flatten() {
        if e.file_type().is_dir() {
            dirs.push((e.depth(), e.into_path()));
        } else {
            files.push(e.into_path());
        }
    }
    files.par_iter().for_each(|f| {
        let _ = std::fs::remove_file(f);
    });
    dirs.sort_by_key(|d| std::cmp::Reverse(d.0));
    for level in dirs.chunk_by(|a, b| a.0 == b.0) {
        level.par_iter().for_each(|(_, d)| {
            let _ = std::fs::remove_dir(d);
        });
    }
    if root.exists() {
        let _ = std::fs::remove_dir_all(root);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn remove_tree_removes_everything() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = tmp.path().join("old");
        for i in 0..50 {
            let d = root.join(format!("k{}/r{i}/deep", i % 3));
            std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(d.join("index.html"), b"x").unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(root.join(format!("f{i}.txt")), b"y").unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::create_dir_all(root.join("empty/a/b")).unwrap_or_else(|e| panic!("{e}"));
        remove_tree(&root);
        assert!(!root.exists());
        assert!(tmp.path().exists());
    }

    #[test]
    fn unchanged_files_keep_their_inode_and_changed_ones_are_rewritten() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let files = || {
            vec![
                ("a/index.html".to_string(), Content::Bytes(b"same".to_vec())),
                ("b.txt".to_string(), Content::Bytes(b"one".to_vec())),
            ]
        };
        let s1 = write_site(&out, files()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s1.written, 2);
        let ino = std::fs::metadata(out.join("a/index.html"))
            .map(|m| m.ino())
            .unwrap_or(0);
        let s2 = write_site(
            &out,
            vec![
                ("a/index.html".to_string(), Content::Bytes(b"same".to_vec())),
                ("b.txt".to_string(), Content::Bytes(b"two".to_vec())),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s2.written, 1);
        assert_eq!(
            std::fs::metadata(out.join("a/index.html"))
                .map(|m| m.ino())
                .unwrap_or(1),
            ino
        );
        assert_eq!(
            std::fs::read_to_string(out.join("b.txt")).unwrap_or_default(),
            "two"
        );
        // Stale files disappear and nothing is left beside the output.
        write_site(
            &out,
            vec![("c.txt".to_string(), Content::Bytes(b"c".to_vec()))],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(!out.join("b.txt").exists());
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn attachments_are_copied_in_blocks_kept_when_unchanged_and_never_through_a_link() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let src = tmp.path().join("a.pdf");
        let big: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&src, &big).unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let copy = || vec![("a.pdf".to_string(), Content::Copy(src.clone()))];
        let stats = write_site(&out, copy()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((stats.written, stats.bytes), (1, 300_000));
        assert_eq!(std::fs::read(out.join("a.pdf")).unwrap_or_default(), big);
        let stats = write_site(&out, copy()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            stats.written, 0,
            "unchanged: hard-linked from the old output"
        );
        let mut changed = big.clone();
        changed[299_999] ^= 1;
        std::fs::write(&src, &changed).unwrap_or_else(|e| panic!("{e}"));
        let stats = write_site(&out, copy()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stats.written, 1);
        assert_eq!(
            std::fs::read(out.join("a.pdf")).unwrap_or_default(),
            changed
        );
        #[cfg(unix)]
        {
            let link = tmp.path().join("draft.pdf");
            std::os::unix::fs::symlink(&src, &link).unwrap_or_else(|e| panic!("{e}"));
            let r = write_site(&out, vec![("draft.pdf".to_string(), Content::Copy(link))]);
            assert!(r.is_err());
            assert!(!out.join("draft.pdf").exists());
        }
    }

    #[test]
    fn a_failed_write_leaves_the_old_output() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        write_site(
            &out,
            vec![("index.html".to_string(), Content::Bytes(b"good".to_vec()))],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let r = write_site(
            &out,
            vec![(
                "x.html".to_string(),
                Content::Copy(tmp.path().join("missing")),
            )],
        );
        assert!(r.is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap_or_default(),
            "good"
        );
    }
}
