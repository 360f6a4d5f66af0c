//! The build memo: `gongshi build` with nothing changed returns what the last build reported,
//! without loading, checking or rendering anything.
//!
//! After a successful build a small file beside the output folder
//! (`<parent>/.<out>.build-cache`, MessagePack, git-ignored like the staging folders)
//! records:
//!
//! * a fingerprint of every input the build reads — `site.toml`, everything under `content/`
//!   (records, attachments, opinion ledgers, dispositions), the site's `calendar/` folder and
//!   the theme folder `themes/<name>/` (or its absence: the theme compiled into the binary is
//!   used then) — as each file's relative path, size, modification and change times (ns) and
//!   inode, the way make and cargo decide. A file whose modification time is within 2 s of the
//!   moment the fingerprint was taken (or later) could be edited again without its time
//!   changing on a coarse-grained file system, so its SHA-256 is recorded too and compared.
//!   Every input file also carries the SHA-256 of its content: a file whose times or inode
//!   changed but whose bytes did not (a fresh checkout, a CI job restoring its cache, `touch`)
//!   counts as unchanged. The hash is read once per changed file (taken over from the last
//!   memo while the times are the same), and dropped at the end of the build for a file
//!   whose times changed while it ran (`settle`);
//! * the binary (the SHA-256 of `current_exe`, read again only when its size or modification
//!   time changed, and the version: the embedded theme and holiday calendar are in it) and
//!   the options (root, out, drafts, strict);
//! * the git `HEAD` commit when the site is in a repository, as data, not as part of the key:
//!   修订记录 and the history and ledger rules read the commits, but another commit changes
//!   only the history of the files it touched. When the old commit is an ancestor of the new
//!   one, the files under `content/` that a commit in between touched count as changed
//!   (`touched`); otherwise (a rebase, a reset, a shallow clone) nothing is reused;
//! * the clock: the output depends on `--now` only through the date in the site's time zone
//!   (working days left, display periods, freshness rules) and the instants consultation
//!   windows open and close (their states). The memo is valid from the latest of today's
//!   00:00 and the last such instant at or before the build's `now`, until the earliest of the
//!   next 00:00 and the next such instant;
//! * the report (numbers and warnings), and the manifest of the output folder as written
//!   (every entry's path, size, times and inode).
//!
//! A build is skipped when all of that is unchanged (another commit that touched no input
//! counts as unchanged) and the output folder is exactly as written (a deleted, edited or
//! extra file means a full build). Anything unreadable or unexpected means a full build; the
//! memo is removed before a build starts writing and written (atomically) only after it
//! succeeded.

use crate::build::output::{walk_order, Listing, Stamp};
use crate::build::stat::Folder;
use crate::build::{BuildOptions, BuildReport};
use crate::diag::{Code, Diagnostic, Severity};
use crate::facts::Facts;
use crate::lazy::Lazy;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The memo file's format; a different one is ignored.
const FORMAT: u32 = 3;

/// Files modified this close to (or after) the fingerprint are also compared by content.
const RACY_NANOS: i64 = 2_000_000_000;

/// One file system entry: what make-style change detection compares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    /// Relative path with `/`.
    #[serde(rename = "p")]
    path: String,
    /// `f` file, `d` folder, `l` symbolic link (its target's metadata), `o` other,
    /// `-` absent.
    #[serde(rename = "k")]
    kind: char,
    #[serde(rename = "s", default)]
    size: u64,
    /// Modification time, ns since the epoch.
    #[serde(rename = "m", default)]
    mtime: i64,
    /// Status change time, ns since the epoch (0 where the platform has none).
    #[serde(rename = "c", default)]
    ctime: i64,
    #[serde(rename = "i", default)]
    ino: u64,
    /// SHA-256 of the content, for files modified just before the fingerprint.
    #[serde(rename = "h", default, skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
    /// SHA-256 of the content of every input file (never of output entries): a file whose
    /// times or inode changed but whose content did not (a fresh checkout, a CI cache
    /// restore, `touch`) counts as unchanged ([`same_input`]).
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    content: Option<String>,
}

impl Entry {
    fn bare(path: String, kind: char) -> Entry {
        Entry {
            path,
            kind,
            size: 0,
            mtime: 0,
            ctime: 0,
            ino: 0,
            sha256: None,
            content: None,
        }
    }

    /// Equal, reading the file again when the memo holds its hash.
    fn matches(&self, now: &Entry, root: &Path) -> bool {
        fn stat(e: &Entry) -> (&str, char, u64, i64, i64, u64) {
            (&e.path, e.kind, e.size, e.mtime, e.ctime, e.ino)
        }
        if stat(self) != stat(now) {
            return false;
        }
        match (&self.sha256, &now.sha256) {
            (None, _) => true,
            (Some(a), Some(b)) => a == b,
            (Some(a), None) => sha256(&root.join(&self.path)).is_ok_and(|b| *a == b),
        }
    }
}

fn sha256(path: &Path) -> io::Result<String> {
    use sha2::Digest;
    Ok(hex::encode(sha2::Sha256::digest(std::fs::read(path)?)))
}

/// Whether the input `now` (of the fingerprint being taken, content hashes filled in) is the
/// one the last build read as `old`: the same times and inode (the make rule, and the hash
/// for racy times), or, when they differ, the same kind, size and content hash. No file is
/// read here beyond what [`Entry::matches`] reads for racy times: [`fill_content`] hashed
/// the files whose times changed when the fingerprint was taken.
fn same_input(old: &Entry, now: &Entry, root: &Path) -> bool {
    if old.matches(now, root) {
        return true;
    }
    (&old.path, old.kind, old.size) == (&now.path, now.kind, now.size)
        && old.kind == 'f'
        && old.content.is_some()
        && old.content == now.content
}

/// Fill in the content hash of every input file: taken over from the last build's memo where
/// the times and inode are the same (no file read: the make rule already trusts them), read
/// and hashed otherwise (in parallel). A file that cannot be read gets none (it counts as
/// changed whenever its times do).
fn fill_content(inputs: &mut [Entry], previous: Option<&MemoFile>, root: &Path) {
    use rayon::prelude::*;
    let before: rustc_hash::FxHashMap<&str, &Entry> = previous
        .map(|m| m.inputs.iter().map(|e| (e.path.as_str(), e)).collect())
        .unwrap_or_default();
    inputs
        .par_iter_mut()
        .filter(|e| e.kind == 'f')
        .for_each(|e| {
            let known = before
                .get(e.path.as_str())
                .filter(|b| b.content.is_some() && b.matches(e, root))
                .and_then(|b| b.content.clone());
            e.content = match (known, &e.sha256) {
                (Some(h), _) => Some(h),
                // Racy: already read and hashed by the scan.
                (None, Some(h)) => Some(h.clone()),
                (None, None) => sha256(&root.join(&e.path)).ok(),
            };
        });
}

/// The input files whose git history can differ between the commits `old` and `new` (as
/// [`crate::history::collect`] reads it: every path under `content/` that a commit after
/// `old` up to `new` touched, and every path that differs between the two), relative to
/// `root`. `Some(empty)` when the commits are the same; None when it cannot be told: one of
/// them missing (not a repository), `old` not an ancestor of `new` (a rebase, a reset, a
/// shallow clone without `old`), or git failing.
fn touched(root: &Path, old: &str, new: &str) -> Option<Vec<PathBuf>> {
    if old == new {
        return Some(Vec::new());
    }
    // Both come from files (the memo, git): never an option on git's command line.
    if !crate::history::is_commit_id(old) || !crate::history::is_commit_id(new) {
        return None;
    }
    let git = |args: &[&str]| crate::history::git(root, args);
    git(&["merge-base", "--is-ancestor", old, new])?;
    let range = format!("{old}..{new}");
    // Without rename detection a rename lists both names; every commit in the range counts,
    // also one whose change a later commit undid (it is still a line of 修订记录).
    // Both list changed paths under content/, relative, NUL-separated, renames as two names.
    let names = |cmd: &str, range: &[&str]| {
        let mut args = vec![cmd];
        if cmd == "log" {
            args.push("--format=");
        }
        args.extend(["--no-color", "--no-ext-diff", "--relative", "--no-renames"]);
        args.extend(["--name-only", "-z"]);
        args.extend(range);
        args.extend(["--", "content"]);
        git(&args)
    };
    let log = names("log", &[&range])?;
    let diff = names("diff", &[old, new])?;
    let mut paths: Vec<PathBuf> = [log, diff]
        .iter()
        .flat_map(|out| {
            String::from_utf8_lossy(out)
                .split('\0')
                .map(|t| t.trim_matches('\n').to_string())
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
        })
        .map(PathBuf::from)
        .collect();
    paths.sort();
    paths.dedup();
    Some(paths)
}

/// Modification time, change time (ns) and inode.
#[cfg(unix)]
pub(super) fn stamps(m: &std::fs::Metadata) -> (i64, i64, u64) {
    use std::os::unix::fs::MetadataExt;
    let ns = |s: i64, n: i64| s.saturating_mul(1_000_000_000).saturating_add(n);
    (
        ns(m.mtime(), m.mtime_nsec()),
        ns(m.ctime(), m.ctime_nsec()),
        m.ino(),
    )
}

#[cfg(not(unix))]
pub(super) fn stamps(m: &std::fs::Metadata) -> (i64, i64, u64) {
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    (mtime, 0, 0)
}

/// Every entry under `base.join(rel)` (a file or a folder, walked in name order), with paths
/// relative to `base`. Files modified at or after `racy_from` (ns) get their hash. Folders
/// are read in parallel (the output folder of a 10,000-record site has 12,000 of them); the
/// order is that of a walk sorted by file name.
fn scan(base: &Path, rel: &str, racy_from: Option<i64>, out: &mut Vec<Entry>) -> io::Result<()> {
    let top = base.join(rel);
    let ft = match std::fs::symlink_metadata(&top) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            out.push(Entry::bare(rel.to_string(), '-'));
            return Ok(());
        }
        Err(e) => return Err(e),
        Ok(m) => m.file_type(),
    };
    scan_tree(base, &top, ft, None, racy_from, out)
}

/// `entry`: `at`'s entry in its folder's listing, when it comes from one (its metadata is
/// then taken relative to the open folder, without resolving the whole path again).
fn scan_tree(
    base: &Path,
    at: &Path,
    ft: std::fs::FileType,
    entry: Option<&std::fs::DirEntry>,
    racy_from: Option<i64>,
    out: &mut Vec<Entry>,
) -> io::Result<()> {
    use rayon::prelude::*;
    let path = at
        .strip_prefix(base)
        .map_err(io::Error::other)?
        .to_string_lossy()
        .replace('\\', "/");
    if ft.is_dir() {
        out.push(Entry::bare(path, 'd'));
        let mut children = std::fs::read_dir(at)?
            .map(|e| {
                let e = e?;
                Ok((e.file_name(), e.path(), e.file_type()?, e))
            })
            .collect::<io::Result<Vec<_>>>()?;
        children.sort_by(|a, b| a.0.cmp(&b.0));
        let parts = children
            .par_iter()
            .map(|(_, p, ft, e)| {
                let mut v = Vec::new();
                scan_tree(base, p, *ft, Some(e), racy_from, &mut v).map(|()| v)
            })
            .collect::<io::Result<Vec<Vec<Entry>>>>()?;
        out.extend(parts.into_iter().flatten());
        return Ok(());
    }
    let kind = if ft.is_symlink() {
        'l'
    } else if ft.is_file() {
        'f'
    } else {
        'o'
    };
    let m = match entry {
        // Not a link: its own metadata is the one to take.
        Some(e) if !ft.is_symlink() => e.metadata(),
        _ => std::fs::metadata(at),
    };
    let m = match m {
        Ok(m) => m,
        // A dangling link.
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            out.push(Entry::bare(path, '-'));
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let (mtime, ctime, ino) = stamps(&m);
    let sha256 = match racy_from {
        Some(t) if m.is_file() && mtime >= t => Some(sha256(at)?),
        _ => None,
    };
    out.push(Entry {
        path,
        kind,
        size: m.len(),
        mtime,
        ctime,
        ino,
        sha256,
        content: None,
    });
    Ok(())
}

/// What the build depends on besides the input files and the clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Key {
    gongshi: String,
    /// SHA-256 of the running binary: the same binary installed or restored afresh (a CI
    /// job) keeps the memo.
    exe: String,
    root: PathBuf,
    out: PathBuf,
    drafts: bool,
    strict: bool,
    theme: String,
}

/// The key and the input files, taken before anything is read.
#[derive(Debug, Clone)]
struct Fingerprint {
    key: Key,
    /// The binary's size and modification time when `key.exe` was taken (the hash is taken
    /// over from the last memo while they are the same).
    exe_stat: (u64, i64),
    /// `git rev-parse HEAD` in the site root; empty when it is not a repository. Not part
    /// of the key: another commit changes only the history of the files it touched
    /// ([`touched`]).
    head: String,
    /// The folders and files scanned (site-relative), to take their times again at the end.
    scanned: Vec<String>,
    inputs: Vec<Entry>,
}

fn out_dir(opts: &BuildOptions) -> PathBuf {
    opts.out.clone().unwrap_or_else(|| opts.root.join("public"))
}

/// `<parent>/.<name>.build-cache` for the output folder `<parent>/<name>`.
pub fn memo_path(out: &Path) -> PathBuf {
    memo_path_with(out, "")
}

/// Where the memo was kept up to format 2 (JSON): removed when a memo is saved.
fn legacy_memo_path(out: &Path) -> PathBuf {
    memo_path_with(out, ".json")
}

fn memo_path_with(out: &Path, extension: &str) -> PathBuf {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    parent.join(format!(".{name}.build-cache{extension}"))
}

pub(super) fn exe_identity() -> Option<(u64, i64)> {
    let m = std::fs::metadata(std::env::current_exe().ok()?).ok()?;
    Some((m.len(), stamps(&m).0))
}

/// SHA-256 of the running binary (streamed: a release binary is over 100 MB), read at most
/// once per process: the memo and the page cache both need it on a first build.
pub(super) fn exe_hash() -> Option<String> {
    static HASH: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    HASH.get_or_init(read_exe_hash).clone()
}

fn read_exe_hash() -> Option<String> {
    use sha2::Digest;
    let mut f = std::fs::File::open(std::env::current_exe().ok()?).ok()?;
    let mut h = super::pages::Sha(sha2::Sha256::new());
    io::copy(&mut f, &mut h).ok()?;
    Some(hex::encode(h.0.finalize()))
}

fn fingerprint(opts: &BuildOptions, previous: Option<&MemoFile>) -> Option<Fingerprint> {
    let racy_from = i64::try_from(Timestamp::now().as_nanosecond())
        .ok()?
        .saturating_sub(RACY_NANOS);
    let root = &opts.root;
    let mut inputs = Vec::new();
    // site.toml first: the theme's name is read from it after its times were taken.
    scan(root, "site.toml", Some(racy_from), &mut inputs).ok()?;
    let theme = crate::config::Config::load(root).ok()?.theme;
    let scanned = vec![
        "site.toml".to_string(),
        "content".to_string(),
        "calendar".to_string(),
        format!("themes/{theme}"),
    ];
    for rel in &scanned[1..] {
        scan(root, rel, Some(racy_from), &mut inputs).ok()?;
    }
    fill_content(&mut inputs, previous, root);
    let exe_stat = exe_identity()?;
    let exe = match previous {
        Some(m) if m.exe_stat == exe_stat && !m.key.exe.is_empty() => m.key.exe.clone(),
        _ => exe_hash()?,
    };
    let key = Key {
        gongshi: env!("CARGO_PKG_VERSION").to_string(),
        exe,
        root: std::path::absolute(root).ok()?,
        out: std::path::absolute(out_dir(opts)).ok()?,
        drafts: opts.drafts,
        strict: opts.strict,
        theme,
    };
    Some(Fingerprint {
        key,
        exe_stat,
        head: crate::history::head(root),
        scanned,
        inputs,
    })
}

/// At the end of a build: take the input files' times again and drop the content hash of any
/// file whose times changed since the fingerprint. The hash was read when the fingerprint was
/// taken, the build read the file later: a file edited during the build and edited back
/// afterwards would otherwise match a hash of content the build never read. Such a file
/// keeps its old times in the memo, so the next build finds it changed.
///
/// `read`: after a one-record patch, the only files under `content/` the build read (the
/// changed ones); the other content files' pages come from the snapshot, made from the very
/// content their hashes hold, so they need not be taken again. `None`: every input.
fn settle(fp: &mut Fingerprint, root: &Path, read: Option<&[PathBuf]>) -> io::Result<()> {
    let mut again = Vec::new();
    for rel in &fp.scanned {
        match read {
            Some(read) if rel == "content" => {
                for p in read {
                    scan(
                        root,
                        &p.to_string_lossy().replace('\\', "/"),
                        None,
                        &mut again,
                    )?;
                }
            }
            _ => scan(root, rel, None, &mut again)?,
        }
    }
    let again: rustc_hash::FxHashMap<&str, &Entry> =
        again.iter().map(|e| (e.path.as_str(), e)).collect();
    let unread =
        |path: &str| read.is_some() && path.starts_with("content/") && !again.contains_key(path);
    for e in &mut fp.inputs {
        if unread(&e.path) {
            continue;
        }
        let same = again.get(e.path.as_str()).is_some_and(|a| {
            (a.kind, a.size, a.mtime, a.ctime, a.ino) == (e.kind, e.size, e.mtime, e.ctime, e.ino)
        });
        if !same {
            e.content = None;
        }
    }
    Ok(())
}

/// The instants a memo made at `now` stays valid: `[from, until)`. Nothing the build derives
/// from the clock changes inside: not the date in the site's time zone, and not the state of
/// any consultation (`transitions` are the instants windows open and close).
pub fn validity(
    now: Timestamp,
    tz: &TimeZone,
    transitions: impl IntoIterator<Item = Timestamp>,
) -> Option<(Timestamp, Timestamp)> {
    let today = now.to_zoned_datetime(tz.clone());
    let mut from = today.start_of_day().ok()?.timestamp();
    let mut until = today
        .date()
        .tomorrow()
        .ok()?
        .to_zoned_datetime(tz.clone())
        .ok()?
        .start_of_day()
        .ok()?
        .timestamp();
    for t in transitions {
        if t <= now {
            from = from.max(t);
        } else {
            until = until.min(t);
        }
    }
    Some((from, until))
}

/// A warning as stored in the memo (every field `render_text` shows).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct StoredDiagnostic {
    severity: Severity,
    code: Code,
    file: PathBuf,
    line: usize,
    col: usize,
    field: Option<String>,
    message: Cow<'static, str>,
    expected: Option<Cow<'static, str>>,
    found: Option<Cow<'static, str>>,
    hint: Option<Cow<'static, str>>,
    source_line: Option<String>,
    span_len: usize,
    #[serde(default)]
    source_skip: usize,
}

impl From<&Diagnostic> for StoredDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        StoredDiagnostic {
            severity: d.severity,
            code: d.code,
            file: d.file.clone(),
            line: d.line,
            col: d.col,
            field: d.field.clone(),
            message: d.message.clone(),
            expected: d.expected.clone(),
            found: d.found.clone(),
            hint: d.hint.clone(),
            source_line: d.source_line.clone(),
            span_len: d.span_len,
            source_skip: d.source_skip,
        }
    }
}

impl StoredDiagnostic {
    pub(super) fn restore(self) -> Diagnostic {
        Diagnostic {
            severity: self.severity,
            code: self.code,
            file: self.file,
            line: self.line,
            col: self.col,
            field: self.field,
            message: self.message,
            expected: self.expected,
            found: self.found,
            hint: self.hint,
            source_line: self.source_line,
            span_len: self.span_len,
            source_skip: self.source_skip,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredReport {
    records: usize,
    pages: usize,
    files: usize,
    bytes: u64,
    /// Decoded only for a memo hit (the report is printed again); after a patch that left
    /// the warnings as they were, written again as the bytes read.
    warnings: Lazy<Vec<StoredDiagnostic>>,
}

/// The memo file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct MemoFile {
    format: u32,
    key: Key,
    /// The `now` of the build that wrote it, and the interval it holds for.
    now: Timestamp,
    valid_from: Timestamp,
    valid_until: Timestamp,
    report: StoredReport,
    /// The git commit the build saw ([`Fingerprint::head`]).
    #[serde(default)]
    head: String,
    /// [`Fingerprint::exe_stat`].
    #[serde(default)]
    exe_stat: (u64, i64),
    #[serde(deserialize_with = "entries")]
    inputs: Vec<Entry>,
    #[serde(deserialize_with = "entries")]
    output: Vec<Entry>,
    /// [`digest`] of `key` and `inputs` as saved: names the snapshot taken after this build.
    #[serde(default)]
    digest: String,
}

/// A list of entries decoded into one allocation of the length the memo announces. serde's
/// `Vec` starts from at most 1 MiB and grows by doubling, copying the 257,000 entries of the
/// output manifest at 100,000 records about five times. The announced length is trusted up
/// to [`MAX_PREALLOCATED`] entries (a longer list grows as usual).
fn entries<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Entry>, D::Error> {
    struct Entries;
    impl<'de> serde::de::Visitor<'de> for Entries {
        type Value = Vec<Entry>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of file system entries")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<Entry>, A::Error> {
            let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_PREALLOCATED));
            while let Some(e) = seq.next_element()? {
                v.push(e);
            }
            Ok(v)
        }
    }
    d.deserialize_seq(Entries)
}

/// The most entries [`entries`] allocates for before it has read them (a memo that announces
/// more, being corrupt or hostile, costs at most this much address space).
const MAX_PREALLOCATED: usize = 1 << 21;

/// The result of looking for a memo at the start of a build.
pub enum Lookup {
    /// Nothing changed: the last build's report (`written` 0; the caller sets `millis`).
    Hit(BuildReport),
    /// Build, then [`Memo::save`].
    Miss(Box<Memo>),
}

/// A build in progress: what to record when it succeeds.
pub struct Memo {
    file: PathBuf,
    out: PathBuf,
    /// The site root.
    root: PathBuf,
    now: Timestamp,
    /// None when the inputs could not be fingerprinted or the old memo not removed: then no
    /// memo is written.
    fingerprint: Option<Fingerprint>,
    /// The last build's memo, when it was readable (what changed since: [`Memo::changed`]).
    previous: Option<MemoFile>,
}

/// Forget the memo of `opts`' output folder (`gongshi build --no-cache`): the next build is a
/// full one.
pub fn forget(opts: &BuildOptions) {
    let _ = std::fs::remove_file(memo_path(&out_dir(opts)));
}

/// At the start of a build: the stored report when nothing changed, else a [`Memo`] to save
/// when the build succeeds. The old memo is removed before the build writes anything.
/// With `ignore` (`gongshi build --no-cache`) the old memo answers nothing and says nothing
/// of what changed, but the hashes it recorded (the binary's, each input's whose size, times
/// and inode are unchanged) are kept instead of being read again.
pub fn lookup(opts: &BuildOptions, ignore: bool) -> Lookup {
    let out = out_dir(opts);
    let file = memo_path(&out);
    // The receiver's database changes without any file the fingerprint covers changing:
    // a build given it is always a full one, and leaves no memo.
    let previous = std::fs::read(&file)
        .ok()
        .and_then(|b| {
            let b: crate::lazy::Shared = Arc::new(b);
            crate::lazy::reading_from(b, None, |b| rmp_serde::from_slice::<MemoFile>(b).ok())
        })
        .filter(|m| m.format == FORMAT);
    let fingerprint = if opts.feedback_db.is_some() {
        None
    } else {
        fingerprint(opts, previous.as_ref())
    };
    let previous = previous.filter(|_| !ignore);
    if let (Some(fp), Some(memo)) = (&fingerprint, &previous) {
        if let Some(report) = hit(memo, fp, opts, &out) {
            return Lookup::Hit(report);
        }
    }
    let removed = match std::fs::remove_file(&file) {
        Ok(()) => true,
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    };
    Lookup::Miss(Box::new(Memo {
        file,
        out,
        root: opts.root.clone(),
        now: opts.now,
        fingerprint: fingerprint.filter(|_| removed),
        previous,
    }))
}

fn hit(memo: &MemoFile, fp: &Fingerprint, opts: &BuildOptions, out: &Path) -> Option<BuildReport> {
    let valid = memo.key == fp.key
        && memo.valid_from <= opts.now
        && opts.now < memo.valid_until
        && memo.inputs.len() == fp.inputs.len()
        && memo
            .inputs
            .iter()
            .zip(&fp.inputs)
            .all(|(a, b)| same_input(a, b, &opts.root))
        // Another commit: a hit only when no commit since touched an input (the history,
        // 修订记录 and the ledger rules, is that of the same files).
        && touched(&opts.root, &memo.head, &fp.head).is_some_and(|t| t.is_empty());
    if !valid {
        return None;
    }
    if !output_unchanged(out, &memo.output) {
        return None;
    }
    let r = memo.report.clone();
    Some(BuildReport {
        records: r.records,
        pages: r.pages,
        files: r.files,
        written: 0,
        bytes: r.bytes,
        millis: 0,
        warnings: r
            .warnings
            .into_inner()
            .into_iter()
            .map(StoredDiagnostic::restore)
            .collect(),
        out: out.to_path_buf(),
        rendered: 0,
        rerendered: Some(Vec::new()),
        notes: Vec::new(),
        patched: false,
    })
}

/// A digest of a build's key and input files: names the build a snapshot was taken after
/// (`build/snapshot.rs`).
fn digest(key: &Key, inputs: &[Entry]) -> Option<String> {
    use sha2::Digest;
    let bytes = rmp_serde::to_vec_named(&(key, inputs)).ok()?;
    Some(hex::encode(sha2::Sha256::digest(bytes)))
}

/// What the last build reported: pages, files and bytes written.
#[derive(Debug, Clone, Copy)]
pub struct Totals {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
}

impl Memo {
    /// Whether this build's key and inputs were taken (if not, no memo, and no snapshot, is
    /// written).
    pub fn fingerprinted(&self) -> bool {
        self.fingerprint.is_some()
    }

    /// The digest of the last build's key and inputs, as its memo holds it.
    pub fn previous_digest(&self) -> Option<String> {
        let m = self.previous.as_ref()?;
        Some(m.digest.clone()).filter(|d| !d.is_empty())
    }

    /// What the last build reported.
    pub fn previous_totals(&self) -> Option<Totals> {
        let r = &self.previous.as_ref()?.report;
        Some(Totals {
            pages: r.pages,
            files: r.files,
            bytes: r.bytes,
        })
    }

    /// The input files (site-relative paths) added, removed or changed since the last build,
    /// when nothing else changed: the same key (binary, options, theme name) and the output
    /// folder exactly as the last build left it. A file changed when its times and its
    /// content hash differ ([`same_input`]). When the git commit is another one, the files
    /// whose history can differ ([`touched`]) count as changed too; None when that cannot be
    /// told (the old commit is not an ancestor of the new one), or when such a file is no
    /// longer there (a ledger added and removed in between: the rules on deleted ledgers
    /// read the whole history). Sorted, without duplicates.
    pub fn changed(&self, root: &Path) -> Option<Vec<PathBuf>> {
        let fp = self.fingerprint.as_ref()?;
        let old = self.previous.as_ref()?;
        if old.key != fp.key {
            return None;
        }
        let before: rustc_hash::FxHashMap<&str, &Entry> =
            old.inputs.iter().map(|e| (e.path.as_str(), e)).collect();
        let now: rustc_hash::FxHashSet<&str> = fp.inputs.iter().map(|e| e.path.as_str()).collect();
        let mut changed: Vec<PathBuf> = fp
            .inputs
            .iter()
            .filter(|e| {
                before
                    .get(e.path.as_str())
                    .is_none_or(|b| !same_input(b, e, root))
            })
            .map(|e| PathBuf::from(&e.path))
            .collect();
        changed.extend(
            old.inputs
                .iter()
                .filter(|e| !now.contains(e.path.as_str()))
                .map(|e| PathBuf::from(&e.path)),
        );
        if old.head != fp.head {
            for p in touched(root, &old.head, &fp.head)? {
                if !now.contains(p.to_string_lossy().as_ref()) {
                    return None;
                }
                changed.push(p);
            }
        }
        changed.sort();
        changed.dedup();
        output_unchanged(&self.out, &old.output).then_some(changed)
    }

    /// Record a successful build (its report, clock-dependent facts and the output folder as
    /// it now is). Failing to write the memo only means the next build is a full one.
    /// Returns the digest of the key and inputs saved, which names a snapshot taken after this
    /// build (None when no memo was written). The output folder is taken from `listing`,
    /// what its writer listed ([`super::output::Staging::finish_listed`]), or else walked.
    pub fn save(
        self,
        report: &BuildReport,
        tz: &TimeZone,
        facts: &Facts,
        listing: Option<&Listing>,
    ) -> Option<String> {
        let output = listing.map(|l| {
            let racy_from = wall_nanos().saturating_sub(RACY_NANOS);
            let mut output = manifest_of(l);
            stamp_folders(&self.out, &mut output, racy_from);
            output
        });
        self.save_with(report, tz, facts, output, None, None)
    }

    /// [`Memo::save`] after a one-record patch (`build/snapshot.rs`) that moved the files
    /// `touched` (output-relative) into an output folder that, when the patch began, was
    /// exactly the last memo's manifest ([`Memo::changed`] compared them): the manifest is
    /// that one with the touched files and their new folders read again, not a scan of the
    /// whole folder ([`patched_manifest`]). `read`: the content files the patch read (the
    /// changed ones), the only content files whose times are taken again ([`settle`]).
    /// `same_warnings`: the patch left the last build's warnings as they were (the last
    /// memo's are then written again as they were read, not encoded afresh).
    pub fn save_patched(
        mut self,
        report: &BuildReport,
        tz: &TimeZone,
        facts: &Facts,
        touched: &[String],
        read: &[PathBuf],
        same_warnings: bool,
    ) -> Option<String> {
        let (output, warnings) = match self.previous.take() {
            Some(m) => (
                patched_manifest(&self.out, m.output, touched),
                same_warnings.then_some(m.report.warnings),
            ),
            None => (None, None),
        };
        self.save_with(report, tz, facts, output, Some(read), warnings)
    }

    /// Save with the output manifest `output`, or a scan of the output folder when `None`;
    /// `read`: the content files the build read, when not all of them ([`settle`]);
    /// `warnings`: the report's warnings as stored, when they are those of the last memo.
    fn save_with(
        self,
        report: &BuildReport,
        tz: &TimeZone,
        facts: &Facts,
        output: Option<Vec<Entry>>,
        read: Option<&[PathBuf]>,
        warnings: Option<Lazy<Vec<StoredDiagnostic>>>,
    ) -> Option<String> {
        let mut fp = self.fingerprint?;
        settle(&mut fp, &self.root, read).ok()?;
        let transitions = facts
            .windows
            .values()
            .flat_map(|(w, _)| [w.opens, w.closes]);
        let (valid_from, valid_until) = validity(self.now, tz, transitions)?;
        let output = match output {
            Some(o) => o,
            None => {
                let racy_from = wall_nanos().saturating_sub(RACY_NANOS);
                let mut output = Vec::new();
                scan(&self.out, "", None, &mut output).ok()?;
                stamp_folders(&self.out, &mut output, racy_from);
                output
            }
        };
        let digest = digest(&fp.key, &fp.inputs)?;
        let memo = MemoFile {
            format: FORMAT,
            key: fp.key,
            now: self.now,
            valid_from,
            valid_until,
            report: StoredReport {
                records: report.records,
                pages: report.pages,
                files: report.files,
                bytes: report.bytes,
                warnings: match warnings {
                    Some(w) => w,
                    None => Lazy::new(report.warnings.iter().map(StoredDiagnostic::from).collect()),
                },
            },
            head: fp.head,
            exe_stat: fp.exe_stat,
            inputs: fp.inputs,
            output,
            digest,
        };
        let mut tmp = self.file.clone().into_os_string();
        tmp.push(format!(".tmp-{}", std::process::id()));
        let tmp = PathBuf::from(tmp);
        // Written as it is encoded: on a large site the memo runs to tens of MB, which would
        // otherwise be held whole at the end of the build. MessagePack with field names
        // (JSON up to format 2) reads and writes faster (docs/performance.md).
        let written = std::fs::File::create(&tmp).and_then(|f| {
            let mut w = io::BufWriter::with_capacity(1 << 20, f);
            rmp_serde::encode::write_named(&mut w, &memo).map_err(io::Error::other)?;
            io::Write::flush(&mut w)
        });
        let _ = std::fs::remove_file(legacy_memo_path(&self.out));
        if written.is_err() || std::fs::rename(&tmp, &self.file).is_err() {
            let _ = std::fs::remove_file(&tmp);
            return None;
        }
        Some(memo.digest)
    }
}

/// The wall clock, ns since the epoch.
fn wall_nanos() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Give the folders of the output manifest `entries` their stamps (modification and change
/// time, inode), except those changed at or after `racy_from` (ns), which stay bare.
///
/// Why [`output_unchanged`] may then stat a stamped folder instead of listing it: adding,
/// removing or renaming an entry in a folder sets the folder's modification and change time
/// to the current time, so a file added by hand shows in its folder's stamps, as a file
/// edited by hand shows in its own. The clock the file system stamps with is coarse (a few
/// ms): a change within the same tick as the build's last one would not show, which is why
/// a folder changed less than [`RACY_NANOS`] before the scan stays bare and is listed.
fn stamp_folders(out: &Path, entries: &mut [Entry], racy_from: i64) {
    use rayon::prelude::*;
    let Ok(folder) = Folder::open(out) else {
        return;
    };
    entries
        .par_iter_mut()
        .filter(|e| e.kind == 'd')
        .for_each(|e| {
            if let Ok(s) = folder.stat(&e.path) {
                let (mtime, ctime, ino) = s.stamps;
                if s.kind == 'd' && mtime < racy_from && ctime < racy_from {
                    (e.mtime, e.ctime, e.ino) = (mtime, ctime, ino);
                }
            }
        });
}

/// Whether the output folder `out` is still what its `manifest` (a [`scan`], folders
/// stamped by [`stamp_folders`]) says, without listing every folder: each file is stat'ed
/// and compared; a stamped folder is stat'ed (an entry added or removed in it changes its
/// stamps); a bare folder is listed and its names compared with the manifest's.
fn output_unchanged(out: &Path, manifest: &[Entry]) -> bool {
    use rayon::prelude::*;
    use rustc_hash::FxHashMap as HashMap;
    let bare = |e: &Entry| e.kind == 'd' && e.mtime == 0 && e.ctime == 0 && e.ino == 0;
    let mut names: HashMap<&str, Vec<&str>> = manifest
        .iter()
        .filter(|e| bare(e))
        .map(|e| (e.path.as_str(), Vec::new()))
        .collect();
    for e in manifest.iter().filter(|e| !e.path.is_empty()) {
        let (folder, name) = e.path.rsplit_once('/').unwrap_or(("", e.path.as_str()));
        if let Some(v) = names.get_mut(folder) {
            v.push(name);
        }
    }
    let Ok(folder) = Folder::open(out) else {
        return false;
    };
    manifest.par_iter().all(|e| match e.kind {
        'd' => {
            let Ok(s) = folder.stat(&e.path) else {
                return false;
            };
            if s.kind != 'd' {
                return false;
            }
            match names.get(e.path.as_str()) {
                Some(expected) => {
                    let Ok(listing) = std::fs::read_dir(out.join(&e.path)) else {
                        return false;
                    };
                    let mut found: Vec<String> = Vec::new();
                    for entry in listing {
                        let Ok(entry) = entry else {
                            return false;
                        };
                        found.push(entry.file_name().to_string_lossy().into_owned());
                    }
                    found.sort();
                    found.len() == expected.len() && found.iter().zip(expected).all(|(a, b)| a == b)
                }
                None => s.stamps == (e.mtime, e.ctime, e.ino),
            }
        }
        'f' => folder.stat(&e.path).is_ok_and(|s| {
            s.kind == 'f' && s.size == e.size && s.stamps == (e.mtime, e.ctime, e.ino)
        }),
        _ => {
            let mut now = Vec::new();
            scan(out, &e.path, None, &mut now).is_ok() && now.len() == 1 && now[0] == *e
        }
    })
}

/// The manifest `entries` of the output folder `out` (a [`scan`], in its order) after the
/// files `touched` were moved in and nothing else changed: each touched file read again, and
/// the folders made for them added. `None` (scan the folder) when a touched path or one of
/// its folders was not what the manifest says (a folder where a file goes, a file where a
/// folder goes: `InPlace` removes what is in the way).
///
/// Why this is as safe as a scan: the patch began only when a scan of the folder equalled
/// the manifest, and between then and now only `InPlace::apply` changed it, by renaming the
/// touched files in and making their folders. A file changed by hand after the comparison is
/// not recorded here (a scan would have recorded it), so the next build notices it.
fn patched_manifest(out: &Path, mut entries: Vec<Entry>, touched: &[String]) -> Option<Vec<Entry>> {
    let mut replaced: Vec<(usize, Entry)> = Vec::new();
    let mut added: Vec<Entry> = Vec::new();
    let mut folders: std::collections::HashSet<String> = std::collections::HashSet::new();
    {
        let at: rustc_hash::FxHashMap<&str, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.path.as_str(), i))
            .collect();
        for rel in touched {
            for (i, _) in rel.match_indices('/') {
                let folder = &rel[..i];
                match at.get(folder) {
                    Some(&j) if entries[j].kind == 'd' => {}
                    Some(_) => return None,
                    None if folders.contains(folder) => {}
                    None => {
                        let m = std::fs::symlink_metadata(out.join(folder)).ok()?;
                        if !m.is_dir() {
                            return None;
                        }
                        folders.insert(folder.to_string());
                    }
                }
            }
            let mut now = Vec::new();
            scan(out, rel, None, &mut now).ok()?;
            let [e] = <[Entry; 1]>::try_from(now).ok()?;
            if e.kind == 'd' {
                return None;
            }
            match at.get(rel.as_str()) {
                Some(&j) if entries[j].kind == 'd' => return None,
                Some(&j) => replaced.push((j, e)),
                None => added.push(e),
            }
        }
    }
    for (j, e) in replaced {
        entries[j] = e;
    }
    // The folders the files were moved into changed: their stamps go (they are listed).
    let mut moved_into: std::collections::HashSet<&str> = std::collections::HashSet::from([""]);
    for rel in touched {
        moved_into.extend(rel.match_indices('/').map(|(i, _)| &rel[..i]));
    }
    for e in entries.iter_mut() {
        if e.kind == 'd' && moved_into.contains(e.path.as_str()) {
            *e = Entry::bare(std::mem::take(&mut e.path), 'd');
        }
    }
    entries.extend(folders.into_iter().map(|f| Entry::bare(f, 'd')));
    entries.extend(added);
    entries.sort_by(|a, b| walk_order(&a.path, &b.path));
    entries.dedup_by(|a, b| a.path == b.path);
    Some(entries)
}

/// The manifest of an output folder as [`scan`] makes it (folders not stamped), from what
/// its writer listed.
fn manifest_of(listing: &Listing) -> Vec<Entry> {
    let file = |(path, s): &(String, Stamp)| Entry {
        path: path.clone(),
        kind: 'f',
        size: s.size,
        mtime: s.mtime,
        ctime: s.ctime,
        ino: s.ino,
        sha256: None,
        content: None,
    };
    // Both lists are in walk order: merged, so is the manifest.
    let mut out = Vec::with_capacity(listing.folders.len() + listing.files.len());
    let mut folders = listing.folders.iter().peekable();
    let mut files = listing.files.iter().peekable();
    loop {
        let folder_first = match (folders.peek(), files.peek()) {
            (Some(d), Some(f)) => walk_order(d, &f.0).is_lt(),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if folder_first {
            if let Some(d) = folders.next() {
                out.push(Entry::bare(d.clone(), 'd'));
            }
        } else if let Some(f) = files.next() {
            out.push(file(f));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostics;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn shanghai() -> TimeZone {
        TimeZone::get("Asia/Shanghai").unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn without_windows_the_memo_holds_for_the_day_in_the_site_time_zone() {
        let (from, until) = validity(ts("2026-11-25T10:00:00+08:00"), &shanghai(), [])
            .unwrap_or_else(|| panic!("no interval"));
        assert_eq!(from, ts("2026-11-25T00:00:00+08:00"));
        assert_eq!(until, ts("2026-11-26T00:00:00+08:00"));
        // 01:30 UTC on the 25th is already 09:30 on the 25th in Shanghai.
        let (from, _) = validity(ts("2026-11-25T01:30:00Z"), &shanghai(), [])
            .unwrap_or_else(|| panic!("no interval"));
        assert_eq!(from, ts("2026-11-24T16:00:00Z"));
    }

    #[test]
    fn window_instants_cut_the_interval_on_both_sides() {
        let now = ts("2026-11-25T10:00:00+08:00");
        let (from, until) = validity(
            now,
            &shanghai(),
            [
                ts("2026-11-25T09:00:00+08:00"), // opened this morning
                ts("2026-11-20T09:00:00+08:00"), // days ago: today's start is later
                ts("2026-11-25T17:30:00+08:00"), // closes this afternoon
                ts("2026-12-04T16:00:00Z"),      // later: tomorrow's start is earlier
            ],
        )
        .unwrap_or_else(|| panic!("no interval"));
        assert_eq!(from, ts("2026-11-25T09:00:00+08:00"));
        assert_eq!(until, ts("2026-11-25T17:30:00+08:00"));
    }

    #[test]
    fn an_instant_equal_to_now_has_already_happened() {
        // `state` says Open from `opens` on (now >= opens): the transition is behind us.
        let now = ts("2026-11-25T10:00:00+08:00");
        let (from, until) = validity(now, &shanghai(), [now]).unwrap_or_else(|| panic!());
        assert_eq!(from, now);
        assert_eq!(until, ts("2026-11-26T00:00:00+08:00"));
    }

    #[test]
    fn the_day_ends_at_midnight_even_across_a_dst_change() {
        let ny = TimeZone::get("America/New_York").unwrap_or_else(|e| panic!("{e}"));
        // 2026-11-01 is a 25-hour day in New York.
        let (from, until) =
            validity(ts("2026-11-01T12:00:00-05:00"), &ny, []).unwrap_or_else(|| panic!());
        assert_eq!(from, ts("2026-11-01T00:00:00-04:00"));
        assert_eq!(until, ts("2026-11-02T00:00:00-05:00"));
    }

    #[test]
    fn warnings_survive_the_round_trip() {
        let mut ds = Diagnostics::new();
        ds.push(
            Diagnostic::warning(Code::ContentStrayFile, "content/x.txt", "不会被发布")
                .span(3, 2, 4)
                .field("title")
                .hint("移走它")
                .with_source("a\nb\nc 行\n"),
        );
        let bytes = rmp_serde::to_vec_named(
            &ds.iter()
                .map(StoredDiagnostic::from)
                .collect::<Vec<StoredDiagnostic>>(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let back: Vec<StoredDiagnostic> =
            rmp_serde::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
        let back: Diagnostics = back.into_iter().map(StoredDiagnostic::restore).collect();
        assert_eq!(
            crate::diag::render_text(&back),
            crate::diag::render_text(&ds)
        );
        assert_eq!(back.into_vec(), ds.into_vec());
    }

    #[test]
    fn the_writers_listing_is_the_scan_of_the_folder_it_made() {
        use crate::build::output::{Content, Staging};
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path().join("public");
        let attachment = tmp.path().join("a.docx");
        std::fs::write(&attachment, "附件").unwrap_or_else(|e| panic!("{e}"));
        let build = |second: bool| {
            let mut files: Vec<(String, Content)> = [
                "index.html",
                "a/index.html",
                "a/b/index.html",
                "a-b/x.json",
                "a.b",
                "z/y/x/w.html",
            ]
            .iter()
            .map(|p| (p.to_string(), Content::Bytes(p.as_bytes().to_vec())))
            .collect();
            files.push(("d/a.docx".into(), Content::Copy(attachment.clone())));
            if second {
                // New bytes for one file; the others are hard-linked from the first output.
                files[1].1 = Content::Bytes(b"changed".to_vec());
                files.push(("n/index.html".into(), Content::Bytes(b"new".to_vec())));
            }
            let mut staging = Staging::begin(&out).unwrap_or_else(|e| panic!("{e}"));
            // In two batches, as the build hands them on.
            let rest = files.split_off(3);
            staging.write(&files).unwrap_or_else(|e| panic!("{e}"));
            staging.write(&rest).unwrap_or_else(|e| panic!("{e}"));
            let (stats, listing) = staging.finish_listed().unwrap_or_else(|e| panic!("{e}"));
            (stats, listing.unwrap_or_else(|| panic!("no listing")))
        };
        for second in [false, true] {
            let (stats, listing) = build(second);
            if second {
                assert!(stats.written < stats.files, "{stats:?}");
            }
            let mut scanned = Vec::new();
            scan(&out, "", None, &mut scanned).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(manifest_of(&listing), scanned);
            for e in scanned.iter().filter(|e| e.kind == 'f') {
                let s = listing
                    .stamp(&e.path)
                    .unwrap_or_else(|| panic!("{}", e.path));
                assert_eq!(
                    (s.size, s.mtime, s.ctime, s.ino),
                    (e.size, e.mtime, e.ctime, e.ino)
                );
            }
            assert_eq!(listing.stamp("a"), None);
        }
    }

    #[test]
    fn a_patched_manifest_is_the_scan_of_the_patched_folder() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path();
        let put = |rel: &str, text: &str| {
            let p = out.join(rel);
            if let Some(d) = p.parent() {
                std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
            }
            std::fs::write(p, text).unwrap_or_else(|e| panic!("{e}"));
        };
        for rel in [
            "index.html",
            "a/index.html",
            "a/b/index.html",
            "c.xml",
            "a-b/x.json",
        ] {
            put(rel, "old");
        }
        let mut before = Vec::new();
        scan(out, "", None, &mut before).unwrap_or_else(|e| panic!("{e}"));
        // A changed file, new files in an old and in new folders.
        let touched: Vec<String> = ["a/b/index.html", "a/new.html", "n/m/index.html", "b.xml"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for rel in &touched {
            put(rel, "new text");
        }
        let mut after = Vec::new();
        scan(out, "", None, &mut after).unwrap_or_else(|e| panic!("{e}"));
        let patched = patched_manifest(out, before.clone(), &touched);
        assert_eq!(patched.as_ref(), Some(&after));
        // A folder where the manifest has a file: scan instead.
        std::fs::remove_file(out.join("c.xml")).unwrap_or_else(|e| panic!("{e}"));
        put("c.xml/index.html", "x");
        assert_eq!(
            patched_manifest(out, before, &["c.xml/index.html".to_string()]),
            None
        );
    }

    #[test]
    fn a_file_with_new_times_and_the_same_bytes_is_the_same_input() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = tmp.path();
        std::fs::write(root.join("a.md"), "one").unwrap_or_else(|e| panic!("{e}"));
        let take = |previous: Option<&MemoFile>| {
            let mut v = Vec::new();
            scan(root, "a.md", None, &mut v).unwrap_or_else(|e| panic!("{e}"));
            fill_content(&mut v, previous, root);
            v.remove(0)
        };
        let first = take(None);
        assert!(first.content.is_some());
        // Written again through a renamed copy: new inode and times, same bytes.
        std::fs::write(root.join("a.tmp"), "one").unwrap_or_else(|e| panic!("{e}"));
        std::fs::rename(root.join("a.tmp"), root.join("a.md")).unwrap_or_else(|e| panic!("{e}"));
        let again = take(None);
        assert!(!first.matches(&again, root));
        assert!(same_input(&first, &again, root));
        // Other bytes of the same size: changed.
        std::fs::write(root.join("a.md"), "two").unwrap_or_else(|e| panic!("{e}"));
        let other = take(None);
        assert!(!same_input(&first, &other, root));
        // An entry without a content hash (an older memo, an unreadable file) falls back to
        // the times.
        let mut bare = first.clone();
        bare.content = None;
        assert!(!same_input(&bare, &again, root));
    }

    #[test]
    fn a_file_changed_during_the_build_loses_its_content_hash() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = tmp.path();
        for d in ["content", "calendar"] {
            std::fs::create_dir(root.join(d)).unwrap_or_else(|e| panic!("{e}"));
        }
        for n in [
            "content/a.md",
            "content/b.md",
            "content/c.md",
            "calendar/d.yaml",
        ] {
            std::fs::write(root.join(n), n).unwrap_or_else(|e| panic!("{e}"));
        }
        let mut inputs = Vec::new();
        for rel in ["calendar", "content"] {
            scan(root, rel, None, &mut inputs).unwrap_or_else(|e| panic!("{e}"));
        }
        fill_content(&mut inputs, None, root);
        let fp = Fingerprint {
            key: Key {
                gongshi: String::new(),
                exe: String::new(),
                root: root.to_path_buf(),
                out: root.join("public"),
                drafts: false,
                strict: false,
                theme: String::new(),
            },
            exe_stat: (0, 0),
            head: String::new(),
            scanned: vec!["calendar".into(), "content".into()],
            inputs,
        };
        // Edited while the build ran (renamed over: a new inode whatever the clock).
        for n in ["content/b.md", "content/c.md", "calendar/d.yaml"] {
            std::fs::write(root.join("x.tmp"), "B!").unwrap_or_else(|e| panic!("{e}"));
            std::fs::rename(root.join("x.tmp"), root.join(n)).unwrap_or_else(|e| panic!("{e}"));
        }
        let hashed = |read: Option<&[PathBuf]>| {
            let mut fp = fp.clone();
            settle(&mut fp, root, read).unwrap_or_else(|e| panic!("{e}"));
            fp.inputs
                .iter()
                .filter(|e| e.kind == 'f')
                .map(|e| (e.path.clone(), e.content.is_some()))
                .collect::<Vec<(String, bool)>>()
        };
        let expect = |v: &[(&str, bool)]| {
            v.iter()
                .map(|(p, h)| (p.to_string(), *h))
                .collect::<Vec<(String, bool)>>()
        };
        // A full build read every file.
        assert_eq!(
            hashed(None),
            expect(&[
                ("calendar/d.yaml", false),
                ("content/a.md", true),
                ("content/b.md", false),
                ("content/c.md", false)
            ])
        );
        // A patch that read content/b.md only: the content files it did not read keep their
        // hashes (their pages came from the snapshot); every other input is taken again.
        assert_eq!(
            hashed(Some(&[PathBuf::from("content/b.md")])),
            expect(&[
                ("calendar/d.yaml", false),
                ("content/a.md", true),
                ("content/b.md", false),
                ("content/c.md", true)
            ])
        );
    }

    #[test]
    fn a_change_by_hand_in_the_output_is_noticed_in_stamped_and_bare_folders() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let out = tmp.path();
        for rel in ["index.html", "a/index.html", "a/b/index.html", "c/x.json"] {
            let p = out.join(rel);
            std::fs::create_dir_all(p.parent().unwrap_or(out)).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(p, "text").unwrap_or_else(|e| panic!("{e}"));
        }
        // Every folder stamped (none racy), or every folder bare (all racy).
        for racy_from in [i64::MAX, i64::MIN] {
            let manifest = || {
                // The folders' modification times set in the past: a change now shows in
                // them even within one tick of the file system's coarse clock.
                let past = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1 << 30);
                for dir in ["", "a", "a/b", "c"] {
                    std::fs::File::open(out.join(dir))
                        .and_then(|f| f.set_modified(past))
                        .unwrap_or_else(|e| panic!("{e}"));
                }
                let mut m = Vec::new();
                scan(out, "", None, &mut m).unwrap_or_else(|e| panic!("{e}"));
                stamp_folders(out, &mut m, racy_from);
                m
            };
            let m = manifest();
            assert_eq!(
                m.iter().any(|e| e.kind == 'd' && e.ino != 0),
                racy_from == i64::MAX
            );
            assert!(output_unchanged(out, &m));
            // A file added, then removed (its folder's stamps changed).
            std::fs::write(out.join("a/b/stray.txt"), "x").unwrap_or_else(|e| panic!("{e}"));
            assert!(!output_unchanged(out, &m), "a file added");
            std::fs::remove_file(out.join("a/b/stray.txt")).unwrap_or_else(|e| panic!("{e}"));
            let m = manifest();
            // A file removed; a file rewritten.
            std::fs::remove_file(out.join("c/x.json")).unwrap_or_else(|e| panic!("{e}"));
            assert!(!output_unchanged(out, &m), "a file removed");
            std::fs::write(out.join("c/x.json"), "text").unwrap_or_else(|e| panic!("{e}"));
            let m = manifest();
            std::fs::write(out.join("a/index.html"), "more text").unwrap_or_else(|e| panic!("{e}"));
            assert!(!output_unchanged(out, &m), "a file rewritten");
            // A folder added at the top.
            let m = manifest();
            std::fs::create_dir(out.join("new")).unwrap_or_else(|e| panic!("{e}"));
            assert!(!output_unchanged(out, &m), "a folder added");
            std::fs::remove_dir(out.join("new")).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn recently_modified_files_are_hashed_and_compared_by_content() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(tmp.path().join("a.md"), "one").unwrap_or_else(|e| panic!("{e}"));
        let mut v = Vec::new();
        scan(tmp.path(), "a.md", Some(i64::MIN), &mut v).unwrap_or_else(|e| panic!("{e}"));
        assert!(v[0].sha256.is_some());
        let mut stat_only = v[0].clone();
        stat_only.sha256 = None;
        assert!(v[0].matches(&stat_only, tmp.path()));
        // Same size, same times (as on a coarse file system): the hash tells.
        std::fs::write(tmp.path().join("a.md"), "two").unwrap_or_else(|e| panic!("{e}"));
        let mut same_stat = v[0].clone();
        same_stat.sha256 = None;
        assert!(!v[0].matches(&same_stat, tmp.path()));
        let mut w = Vec::new();
        scan(tmp.path(), "missing", None, &mut w).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w, vec![Entry::bare("missing".into(), '-')]);
    }
}
