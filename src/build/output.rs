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

/// A file's identity as it was written: what the build memo and the page cache record of
/// it, taken from the open file rather than by looking its path up again afterwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: u64,
    /// Modification and status change times, ns since the epoch.
    pub mtime: i64,
    pub ctime: i64,
    pub ino: u64,
}

impl Stamp {
    fn of(m: &std::fs::Metadata) -> Stamp {
        let (mtime, ctime, ino) = super::cache::stamps(m);
        Stamp {
            size: m.len(),
            mtime,
            ctime,
            ino,
        }
    }
}

/// Write `bytes` to a new file `target`; its stamp once written (`None` when the system
/// cannot say: it is then looked up by path).
fn write_stamped(target: &Path, bytes: &[u8]) -> io::Result<Option<Stamp>> {
    use io::Write;
    let mut f = std::fs::File::create(target)?;
    f.write_all(bytes)?;
    Ok(f.metadata().ok().map(|m| Stamp::of(&m)))
}

/// Write `bytes` at `target`, or hard-link the old output's file when it has these bytes.
/// Whether it was written, and the stamp of a written file (a linked file's status change
/// time changes again when the old output is removed).
fn place(target: &Path, old: &Path, bytes: &[u8]) -> io::Result<(bool, Option<Stamp>)> {
    if same_bytes(old, bytes) && std::fs::hard_link(old, target).is_ok() {
        return Ok((false, None));
    }
    Ok((true, write_stamped(target, bytes)?))
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
/// anything is published). Returns whether it was written, its size and, when it was
/// written, its stamp.
fn place_copy(target: &Path, old: &Path, src: &Path) -> io::Result<(bool, u64, Option<Stamp>)> {
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
        return Ok((false, meta.len(), None));
    }
    let mut from = std::fs::File::open(src)?;
    let mut to = std::fs::File::create(target)?;
    let n = io::copy(&mut from, &mut to)?;
    Ok((true, n, to.metadata().ok().map(|m| Stamp::of(&m))))
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
    /// Every file written, with its stamp when it was taken as it was written.
    files: Vec<(String, Option<Stamp>)>,
    stats: Stats,
    finished: bool,
}

/// What a [`Staging`] folder held when it became the output folder: every folder (`""` the
/// output folder itself) and every file with its stamp, in the order of a walk of the folder
/// sorted by name (a folder before what is in it). The build memo and the page cache record
/// the output from it instead of walking the folder again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    pub folders: Vec<String>,
    pub files: Vec<(String, Stamp)>,
}

/// The order of a walk sorted by name: paths compared name by name, so a folder comes
/// before what is in it (`a` < `a/b` < `a-b`, where comparing the strings would put `a-b`
/// before `a/b`).
pub(crate) fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    // `""` (the folder itself) is one empty name, before every other.
    a.split('/').cmp(b.split('/'))
}

impl Listing {
    /// The stamp of the file at `path` (output-relative, `/` separators).
    pub fn stamp(&self, path: &str) -> Option<Stamp> {
        self.files
            .binary_search_by(|(p, _)| walk_order(p, path))
            .ok()
            .and_then(|i| self.files.get(i))
            .map(|(_, s)| *s)
    }
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
        remove_stale_pending(&parent, &name);
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
            files: Vec::new(),
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
        let results: Vec<io::Result<(bool, u64, Option<Stamp>)>> = files
            .par_iter()
            .map(|(rel, content)| {
                let target = staging.join(rel);
                let old = out_dir.join(rel);
                match content {
                    Content::Bytes(b) => place(&target, &old, b)
                        .map(|(w, s)| (w, b.len() as u64, s))
                        .map_err(|e| with_context(e, "无法写入", &target)),
                    Content::Shared(b) => place(&target, &old, b)
                        .map(|(w, s)| (w, b.len() as u64, s))
                        .map_err(|e| with_context(e, "无法写入", &target)),
                    Content::Copy(src) => place_copy(&target, &old, src)
                        .map_err(|e| with_context(e, "无法复制附件", src)),
                    Content::Linked(src) => place_linked(&target, src)
                        .map(|n| (false, n, None))
                        .map_err(|e| with_context(e, "无法写入", &target)),
                }
            })
            .collect();
        self.files.reserve(files.len());
        for (r, (rel, _)) in results.into_iter().zip(files) {
            let (written, n, stamp) = r?;
            self.stats.files += 1;
            self.stats.bytes += n;
            if written {
                self.stats.written += 1;
            }
            self.files.push((rel.clone(), stamp));
        }
        Ok(())
    }

    /// Swap: the old output moves aside, the staging folder takes its place.
    pub fn finish(mut self) -> io::Result<Stats> {
        self.swap()?;
        Ok(self.stats)
    }

    /// [`Staging::finish`], with what the new output folder holds (`None` when a file's
    /// stamp cannot be taken, or a path was written twice).
    pub fn finish_listed(mut self) -> io::Result<(Stats, Option<Listing>)> {
        self.swap()?;
        let out = &self.out_dir;
        // Stamps not taken as the files were written (hard links, whose status change time
        // changed again when the old output was removed) are taken now.
        let files: Option<Vec<(String, Stamp)>> = std::mem::take(&mut self.files)
            .into_par_iter()
            .map(|(rel, stamp)| {
                let stamp = match stamp {
                    Some(s) => s,
                    None => {
                        let m = std::fs::symlink_metadata(out.join(&rel)).ok()?;
                        if !m.file_type().is_file() {
                            return None;
                        }
                        Stamp::of(&m)
                    }
                };
                Some((rel, stamp))
            })
            .collect();
        let listing = files.and_then(|mut files| {
            files.par_sort_unstable_by(|a, b| walk_order(&a.0, &b.0));
            if files.windows(2).any(|w| w[0].0 == w[1].0) {
                return None;
            }
            let mut folders: Vec<String> = self
                .made
                .iter()
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .collect();
            folders.push(String::new());
            folders.par_sort_unstable_by(|a, b| walk_order(a, b));
            Some(Listing { folders, files })
        });
        Ok((self.stats, listing))
    }

    fn swap(&mut self) -> io::Result<()> {
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
        Ok(())
    }
}

/// The output folder updated where it stands (a build with a usable page cache,
/// [`super::pages`]): instead of a new folder of hard links, only files whose bytes changed
/// are written, into a pending folder beside the output folder, and renamed over the old
/// ones by [`InPlace::finish`] once the whole build succeeded; files the build no longer
/// makes are removed then. Until `finish` the output folder is untouched (dropping an
/// unfinished `InPlace` removes the pending folder), so a failed build leaves the last good
/// site. During `finish` each file is replaced atomically (a rename), but the folder as a
/// whole is a mix of old and new files until it returns: the caller removes the page cache
/// before calling it, so that a crash there is followed by a full build.
pub struct InPlace {
    out_dir: PathBuf,
    pending: PathBuf,
    /// Every file of this build (relative paths with `/`).
    seen: std::collections::HashSet<String>,
    /// Files written into the pending folder, to be renamed into the output folder.
    changed: Vec<String>,
    stats: Stats,
    finished: bool,
}

/// Is `old` a regular file (not a link) with exactly these bytes?
fn same_file_bytes(old: &Path, new: &[u8]) -> bool {
    match std::fs::symlink_metadata(old) {
        Ok(m) if m.file_type().is_file() && m.len() == new.len() as u64 => {
            std::fs::read(old).map(|b| b == new).unwrap_or(false)
        }
        _ => false,
    }
}

/// Write `bytes` to `target`, creating its folders.
fn write_new(target: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(target, bytes)
}

impl InPlace {
    /// Start updating `out_dir` (which need not exist).
    pub fn begin(out_dir: &Path) -> io::Result<InPlace> {
        let parent = out_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| with_context(e, "无法创建目录", parent))?;
        let name = out_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        remove_stale_pending(parent, &name);
        let pending = parent.join(format!(".{name}.pending-{}", std::process::id()));
        std::fs::create_dir_all(&pending)
            .map_err(|e| with_context(e, "无法创建临时目录", &pending))?;
        Ok(InPlace {
            out_dir: out_dir.to_path_buf(),
            pending,
            seen: std::collections::HashSet::new(),
            changed: Vec::new(),
            stats: Stats::default(),
            finished: false,
        })
    }

    /// Take a batch of files (in parallel): those whose bytes differ from the output
    /// folder's file go to the pending folder; the others cost a comparison only (pages the
    /// page cache vouches for, [`Content::Linked`] to their own path, not even that).
    pub fn write(&mut self, files: &[(String, Content)]) -> io::Result<()> {
        let (pending, out_dir) = (&self.pending, &self.out_dir);
        let results: Vec<io::Result<(bool, u64)>> = files
            .par_iter()
            .map(|(rel, content)| {
                let target = pending.join(rel);
                let old = out_dir.join(rel);
                match content {
                    Content::Bytes(b) => Ok(same_file_bytes(&old, b))
                        .and_then(|same| {
                            if !same {
                                write_new(&target, b)?;
                            }
                            Ok((!same, b.len() as u64))
                        })
                        .map_err(|e| with_context(e, "无法写入", &target)),
                    Content::Shared(b) => Ok(same_file_bytes(&old, b))
                        .and_then(|same| {
                            if !same {
                                write_new(&target, b)?;
                            }
                            Ok((!same, b.len() as u64))
                        })
                        .map_err(|e| with_context(e, "无法写入", &target)),
                    Content::Copy(src) => {
                        if let Some(dir) = target.parent() {
                            std::fs::create_dir_all(dir)
                                .map_err(|e| with_context(e, "无法创建目录", dir))?;
                        }
                        // Compared with the output's file by `place_copy` (only a regular
                        // file: a link there is replaced); an unchanged copy is a link in the
                        // pending folder, dropped below.
                        let regular =
                            std::fs::symlink_metadata(&old).is_ok_and(|m| m.file_type().is_file());
                        let old = if regular { old } else { PathBuf::new() };
                        let r = place_copy(&target, &old, src)
                            .map_err(|e| with_context(e, "无法复制附件", src))?;
                        if !r.0 {
                            std::fs::remove_file(&target)
                                .map_err(|e| with_context(e, "无法写入", &target))?;
                        }
                        Ok((r.0, r.1))
                    }
                    Content::Linked(src) if *src == old => {
                        let m = std::fs::symlink_metadata(&old)
                            .map_err(|e| with_context(e, "无法读取", &old))?;
                        Ok((false, m.len()))
                    }
                    Content::Linked(src) => {
                        if let Some(dir) = target.parent() {
                            std::fs::create_dir_all(dir)
                                .map_err(|e| with_context(e, "无法创建目录", dir))?;
                        }
                        place_linked(&target, src)
                            .map(|n| (true, n))
                            .map_err(|e| with_context(e, "无法写入", &target))
                    }
                }
            })
            .collect();
        for (r, (rel, _)) in results.into_iter().zip(files) {
            let (written, n) = r?;
            self.stats.files += 1;
            self.stats.bytes += n;
            if written {
                self.stats.written += 1;
                self.changed.push(rel.clone());
            }
            self.seen.insert(rel.clone());
        }
        Ok(())
    }

    /// The files (paths relative to the output folder) whose bytes differ from the output
    /// folder's, which [`InPlace::apply`] and [`InPlace::finish`] move in.
    pub fn changed(&self) -> &[String] {
        &self.changed
    }

    /// Move the changed files into the output folder, leaving every other file as it is (a
    /// one-record patch, `build/snapshot.rs`, gives only the files that can have changed).
    pub fn apply(mut self) -> io::Result<Stats> {
        self.finished = true;
        self.rename_changed()?;
        let _ = std::fs::remove_dir_all(&self.pending);
        Ok(self.stats)
    }

    fn rename_changed(&mut self) -> io::Result<()> {
        let out = &self.out_dir;
        std::fs::create_dir_all(out).map_err(|e| with_context(e, "无法创建目录", out))?;
        self.changed.sort();
        for rel in &self.changed {
            let from = self.pending.join(rel);
            let to = out.join(rel);
            make_room(out, Path::new(rel)).map_err(|e| with_context(e, "无法写入", &to))?;
            std::fs::rename(&from, &to).map_err(|e| with_context(e, "无法写入", &to))?;
        }
        Ok(())
    }

    /// Move the changed files into the output folder and remove the files (and the folders
    /// left empty) that the build no longer makes.
    pub fn finish(mut self) -> io::Result<Stats> {
        self.finished = true;
        self.rename_changed()?;
        let out = &self.out_dir;
        // What the build did not make: files (and links) not seen, then the folders that
        // held them, deepest first, when nothing is left in them.
        let mut gone = Vec::new();
        for e in walkdir::WalkDir::new(out).min_depth(1) {
            let e = e.map_err(|e| io::Error::other(format!("无法读取输出目录：{e}")))?;
            let Ok(rel) = e.path().strip_prefix(out) else {
                continue;
            };
            let rel_s = rel.to_string_lossy().replace('\\', "/");
            if e.file_type().is_dir() {
                continue;
            }
            if !self.seen.contains(&rel_s) {
                gone.push(rel.to_path_buf());
            }
        }
        gone.par_iter().try_for_each(|rel| {
            let p = out.join(rel);
            std::fs::remove_file(&p).map_err(|e| with_context(e, "无法删除", &p))
        })?;
        let mut dirs: Vec<&Path> = gone
            .iter()
            .flat_map(|r| r.ancestors().skip(1))
            .filter(|a| !a.as_os_str().is_empty())
            .collect();
        dirs.sort_by_key(|d| std::cmp::Reverse((d.components().count(), d.to_path_buf())));
        dirs.dedup();
        for d in dirs {
            // Fails (and stays) when something is still in it.
            let _ = std::fs::remove_dir(out.join(d));
        }
        let _ = std::fs::remove_dir_all(&self.pending);
        Ok(self.stats)
    }
}

/// Remove the pending folders of updates in place of `<parent>/<name>` that never finished
/// (a build that crashed while applying one; one build at a time writes an output folder).
fn remove_stale_pending(parent: &Path, name: &str) {
    let prefix = format!(".{name}.pending-");
    let Ok(dir) = std::fs::read_dir(parent) else {
        return;
    };
    for e in dir.flatten() {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// Make `out/rel` a place a file can be renamed to: a file where a folder of its path should
/// be, or a folder where the file should be, is removed (an output whose shape changed).
fn make_room(out: &Path, rel: &Path) -> io::Result<()> {
    let target = out.join(rel);
    if let Some(dir) = target.parent() {
        if std::fs::create_dir_all(dir).is_err() {
            for a in rel
                .ancestors()
                .skip(1)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
            {
                if a.as_os_str().is_empty() {
                    continue;
                }
                let p = out.join(a);
                if let Ok(m) = std::fs::symlink_metadata(&p) {
                    if !m.is_dir() {
                        std::fs::remove_file(&p)?;
                    }
                }
            }
            std::fs::create_dir_all(dir)?;
        }
    }
    if let Ok(m) = std::fs::symlink_metadata(&target) {
        if m.is_dir() {
            std::fs::remove_dir_all(&target)?;
        }
    }
    Ok(())
}

impl Drop for InPlace {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.pending);
        }
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
    fn an_update_in_place_writes_only_changes_and_removes_what_is_gone() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let bytes = |s: &str| Content::Bytes(s.as_bytes().to_vec());
        write_site(
            &out,
            vec![
                ("a/index.html".to_string(), bytes("same")),
                ("b.txt".to_string(), bytes("one")),
                ("gone/deep/x.html".to_string(), bytes("x")),
                ("kept/y.html".to_string(), bytes("y")),
                ("kept/z.html".to_string(), bytes("z")),
            ],
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let ino = |p: &str| std::fs::metadata(out.join(p)).map(|m| m.ino()).ok();
        let (out_ino, a_ino) = (ino(""), ino("a/index.html"));
        let files = vec![
            ("a/index.html".to_string(), bytes("same")),
            ("b.txt".to_string(), bytes("two")),
            (
                "kept/y.html".to_string(),
                Content::Linked(out.join("kept/y.html")),
            ),
            ("new/n.html".to_string(), bytes("n")),
        ];
        // Dropped unfinished: nothing changes, nothing is left beside.
        let mut update = InPlace::begin(&out).unwrap_or_else(|e| panic!("{e}"));
        update.write(&files).unwrap_or_else(|e| panic!("{e}"));
        drop(update);
        assert_eq!(
            std::fs::read_to_string(out.join("b.txt")).ok(),
            Some("one".into())
        );
        assert!(!out.join("new").exists());
        let beside = || {
            std::fs::read_dir(tmp.path())
                .map(|d| d.filter_map(|e| e.ok()).count())
                .unwrap_or(0)
        };
        assert_eq!(beside(), 1);
        let mut update = InPlace::begin(&out).unwrap_or_else(|e| panic!("{e}"));
        update.write(&files).unwrap_or_else(|e| panic!("{e}"));
        let stats = update.finish().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((stats.files, stats.written), (4, 2));
        assert_eq!((ino(""), ino("a/index.html")), (out_ino, a_ino));
        assert_eq!(
            std::fs::read_to_string(out.join("b.txt")).ok(),
            Some("two".into())
        );
        assert_eq!(
            std::fs::read_to_string(out.join("new/n.html")).ok(),
            Some("n".into())
        );
        assert!(!out.join("gone").exists(), "emptied folders go");
        assert!(!out.join("kept/z.html").exists());
        assert!(out.join("kept/y.html").exists());
        assert_eq!(beside(), 1);
        // A file where a folder is now needed, and a folder where a file is.
        std::fs::remove_file(out.join("b.txt")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(out.join("b.txt/inner")).unwrap_or_else(|e| panic!("{e}"));
        let mut update = InPlace::begin(&out).unwrap_or_else(|e| panic!("{e}"));
        update
            .write(&[
                ("b.txt".to_string(), bytes("three")),
                ("a/index.html/deeper.html".to_string(), bytes("d")),
            ])
            .unwrap_or_else(|e| panic!("{e}"));
        update.finish().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            std::fs::read_to_string(out.join("b.txt")).ok(),
            Some("three".into())
        );
        assert_eq!(
            std::fs::read_to_string(out.join("a/index.html/deeper.html")).ok(),
            Some("d".into())
        );
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
