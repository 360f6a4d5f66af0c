//! 修订记录 — each record file's change history, read from git in one pass.
//!
//! One `git log` over `content/` gives every commit (newest first) with the files it touched;
//! renames are followed so a record keeps its history when its file is moved. When the site
//! is not in a git repository, git is missing or fails, the map is simply empty: history is a
//! courtesy to readers, never a reason for a build to fail. The output depends only on the
//! repository's commits, so the same repository state gives the same bytes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

/// One commit, shared by the entries of every file it touched (a site's first commit lists
/// every file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The commit date (committer time).
    pub time: jiff::Timestamp,
    /// The first line of the commit message.
    pub subject: String,
    /// The commit's full hash (empty when the log did not give one).
    pub id: String,
    /// The public change note: the commit message's `公示说明:` trailer (see [`public_note`]).
    /// Only commits with one are shown to the public in 修订记录.
    pub note: Option<String>,
}

/// One commit that touched a record's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub commit: Arc<Commit>,
    /// The file's path in that commit, relative to the site root (differs from the key after
    /// a rename).
    pub path: PathBuf,
    /// The file was deleted in that commit.
    pub deleted: bool,
    /// The id of the file's content (blob) after that commit, when the log gave it (empty
    /// otherwise, and for a deletion): reading a version by its id is one look-up, where
    /// `commit:path` scans the folder's tree, which at tens of thousands of records in one
    /// folder made the 留痕 rules quadratic.
    pub blob: String,
}

/// The trailer key of a public change note (`公示说明: 更正咨询电话`).
pub const NOTE_KEY: &str = "公示说明";

/// The `公示说明` trailer of a commit message body, by git's trailer rules: the trailers are
/// the last paragraph of the message when every line of it is a trailer (`键: 值`, the
/// separator `:` or `：`, no blank in the key) or the continuation of one (a line starting with
/// a blank). Several notes are joined with 「；」. `None` when there is none or it is empty.
pub fn public_note(body: &str) -> Option<String> {
    let body = body.trim_end();
    let para_start = body
        .lines()
        .collect::<Vec<_>>()
        .iter()
        .rposition(|l| l.trim().is_empty())
        .map_or(0, |i| i + 1);
    let lines: Vec<&str> = body.lines().skip(para_start).collect();
    let mut trailers: Vec<(String, String)> = Vec::new();
    for line in &lines {
        if line.starts_with([' ', '\t']) {
            let (_, v) = trailers.last_mut()?;
            v.push(' ');
            v.push_str(line.trim());
            continue;
        }
        let (key, value) = line.split_once([':', '：'])?;
        let key = key.trim_end();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return None;
        }
        trailers.push((key.to_string(), value.trim().to_string()));
    }
    let notes: Vec<String> = trailers
        .into_iter()
        .filter(|(k, v)| k == NOTE_KEY && !v.is_empty())
        .map(|(_, v)| v)
        .collect();
    (!notes.is_empty()).then(|| notes.join("；"))
}

/// Record source path (relative to the site root, `/`-separated) → its commits, newest first.
/// A hash map: the first commit of a site lists every file, and ordering 100,000 paths by
/// their components was most of reading the history (nothing iterates it in order).
pub type Files = HashMap<PathBuf, Vec<Entry>, rustc_hash::FxBuildHasher>;

/// The history of every file under `content/` as of one commit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The commit it was read at (empty when there is none: not a repository, git missing).
    pub head: String,
    pub files: Files,
}

impl History {
    /// A file's commits, newest first.
    pub fn get(&self, path: &Path) -> Option<&Vec<Entry>> {
        self.files.get(path)
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Every path with a history (in no particular order).
    pub fn keys(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.keys()
    }

    /// Every file's commits (in no particular order of files).
    pub fn values(&self) -> impl Iterator<Item = &Vec<Entry>> {
        self.files.values()
    }
}

const COMMIT: char = '\u{1e}';
const FIELD: char = '\u{1f}';

/// Run git in `root` with `args` (paths unquoted, no signatures, never a prompt); its output
/// when it ran and succeeded.
pub(crate) fn git(root: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let o = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["-c", "core.quotepath=off", "-c", "log.showSignature=false"])
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    o.status.success().then_some(o.stdout)
}

/// The commit `HEAD` names in `root`'s repository; empty when there is none (not a
/// repository, no commit yet, git missing).
pub fn head(root: &Path) -> String {
    git(root, &["rev-parse", "--verify", "--quiet", "HEAD"])
        .map(|o| String::from_utf8_lossy(&o).trim().to_string())
        .filter(|h| is_commit_id(h))
        .unwrap_or_default()
}

/// A full commit id (40 hex digits, or 64 in a SHA-256 repository). Commits read back from a
/// cache file are checked with it before they reach git's command line: a value starting
/// with `-` would be read as an option (`--output=…` writes a file).
pub fn is_commit_id(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `git log` over `content/` for `revs` (a commit, or a range `old..new`) in the form
/// [`parse`] reads.
fn log(root: &Path, revs: &str) -> Option<Vec<u8>> {
    git(
        root,
        &[
            "log",
            "--no-color",
            "--no-ext-diff",
            "--relative",
            "--raw",
            "--no-abbrev",
            "-M",
            "-z",
            "--format=%x1e%ct%x1f%H%x1f%s%x1f%b",
            revs,
            "--",
            "content",
        ],
    )
}

/// Read the history of every file under `root/content` from git, as of `HEAD`. Empty when
/// unavailable.
pub fn collect(root: &Path) -> History {
    at(root, head(root))
}

/// The history as of commit `head` (empty when `head` is not a commit id, or git fails).
pub fn at(root: &Path, head: String) -> History {
    if !is_commit_id(&head) {
        return History::default();
    }
    match log(root, &head) {
        Some(out) => History {
            files: parse(&String::from_utf8_lossy(&out)).files,
            head,
        },
        None => History::default(),
    }
}

/// The history as of commit `head`, made from `older` (the history as of an earlier commit)
/// and the log of the commits after it only: what [`at`] gives, without reading the whole
/// history again. `None` when that cannot be told to be the same: `older.head` is not an
/// ancestor of `head`, or a merge lies between them (a merge's side branch interleaves with
/// the older commits by date in the full log), the newer commits rename a file onto a path
/// with an older history of its own, or git fails.
pub fn since(root: &Path, older: History, head: String) -> Option<History> {
    if !is_commit_id(&older.head) || !is_commit_id(&head) {
        return None;
    }
    if older.head == head {
        return Some(older);
    }
    // Every commit in the range with its parents, newest first: a chain from `head` down to
    // `older.head`, one parent each.
    let chain = git(
        root,
        &["rev-list", "--parents", &format!("{}..{head}", older.head)],
    )?;
    let chain = String::from_utf8_lossy(&chain);
    let mut expected = head.as_str();
    for line in chain.lines() {
        let mut ids = line.split_whitespace();
        match (ids.next(), ids.next(), ids.next()) {
            (Some(c), Some(parent), None) if c == expected => expected = parent,
            _ => return None,
        }
    }
    if expected != older.head {
        return None;
    }
    let out = log(root, &format!("{}..{head}", older.head))?;
    let (newer, renamed) = parse_renamed(&String::from_utf8_lossy(&out));
    Some(History {
        files: join(newer, &renamed, older.files)?,
        head,
    })
}

/// The history of the newer commits followed by that of the older ones, each older path
/// under the name the newer commits renamed it to, as one pass over the whole log gives;
/// `None` when two older paths would end under one name (their entries would interleave by
/// date there). Touches only the newer commits' paths: the older map is most of the site.
fn join(newer: Files, renamed: &HashMap<String, String>, mut older: Files) -> Option<Files> {
    let mut moved = Files::default();
    for (old, current) in renamed {
        if let Some(list) = older.remove(Path::new(old)) {
            if moved.insert(PathBuf::from(current), list).is_some() {
                return None;
            }
        }
    }
    for (current, list) in moved {
        if older.insert(current, list).is_some() {
            return None;
        }
    }
    for (path, mut list) in newer {
        let slot = older.entry(path).or_default();
        list.append(slot);
        *slot = list;
    }
    Some(older)
}

/// Parse `git log --name-status -M -z --format=%x1e%ct%x1f%H%x1f%s%x1f%b` output (newest
/// commit first). The hash field may be left out (`%ct%x1f%s`), and the body too.
pub fn parse(text: &str) -> History {
    History {
        head: String::new(),
        files: parse_renamed(text).0,
    }
}

/// [`parse`], with the renames it saw: each old path → the path the file has now.
fn parse_renamed(text: &str) -> (Files, HashMap<String, String>) {
    let mut files = Files::default();
    // A file renamed in a later commit: its old path → the path it has now.
    let mut renamed: HashMap<String, String> = HashMap::new();
    for chunk in text.split(COMMIT).filter(|c| !c.is_empty()) {
        let (header, rest) = chunk.split_once('\0').unwrap_or((chunk, ""));
        let Some((secs, rest_header)) = header.split_once(FIELD) else {
            continue;
        };
        let (id, subject) = match rest_header.split_once(FIELD) {
            Some((h, s)) if is_commit_id(h) => (h, s),
            _ => ("", rest_header),
        };
        let (subject, body) = subject.split_once(FIELD).unwrap_or((subject, ""));
        let Ok(time) = secs
            .trim()
            .parse::<i64>()
            .map_err(|_| ())
            .and_then(|s| jiff::Timestamp::from_second(s).map_err(|_| ()))
        else {
            continue;
        };
        let commit = Arc::new(Commit {
            time,
            subject: subject.trim().to_string(),
            id: id.to_string(),
            note: public_note(body),
        });
        let mut tokens = rest
            .split('\0')
            .map(|t| t.trim_start_matches('\n'))
            .filter(|t| !t.is_empty());
        // Each commit lists a path at most once; a file may appear under two names in one
        // commit only as a copy, which is counted once under the new name.
        while let Some(token) = tokens.next() {
            // `--raw`: ":old-mode new-mode old-blob new-blob STATUS"; `--name-status`: STATUS.
            let (status, blob) = match token.strip_prefix(':') {
                Some(raw) => {
                    let fields: Vec<&str> = raw.split_whitespace().collect();
                    match fields.as_slice() {
                        [_, _, _, new_blob, status] => (*status, *new_blob),
                        _ => break,
                    }
                }
                None => (token, ""),
            };
            let two_paths = status.starts_with('R') || status.starts_with('C');
            let (old, new) = if two_paths {
                match (tokens.next(), tokens.next()) {
                    (Some(o), Some(n)) => (Some(o), n),
                    _ => break,
                }
            } else {
                match tokens.next() {
                    Some(p) => (None, p),
                    None => break,
                }
            };
            let current = renamed.get(new).cloned().unwrap_or_else(|| new.to_string());
            let list = files.entry(PathBuf::from(&current)).or_default();
            let deleted = status.starts_with('D');
            let entry = Entry {
                commit: commit.clone(),
                path: PathBuf::from(new),
                deleted,
                blob: if deleted || blob.bytes().all(|b| b == b'0') {
                    String::new()
                } else {
                    blob.to_string()
                },
            };
            if list.last().is_none_or(|l| {
                let (a, b) = (&l.commit, &entry.commit);
                (&a.time, &a.subject, &a.id) != (&b.time, &b.subject, &b.id)
            }) {
                list.push(entry);
            }
            if let (Some(old), true) = (old, status.starts_with('R')) {
                renamed.insert(old.to_string(), current);
            }
        }
    }
    (files, renamed)
}

/// Repositories for tests: git run with the test's own configuration and fixed dates.
#[cfg(test)]
pub(crate) mod testing {
    use std::path::Path;
    use std::process::{Command, Stdio};

    /// Run git in `dir` as a committer with a fixed date (`secs`), the test's own config only.
    pub(crate) fn run_git(dir: &Path, secs: i64, args: &[&str]) {
        let date = format!("@{} +0800", 1_700_000_000 + secs);
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.gov.cn"])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "git {args:?}");
    }

    pub(crate) fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap_or(dir)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    }

    /// A new repository whose first commit (`message`, at time 100) holds `files`.
    pub(crate) fn repo(files: &[(&str, &str)], message: &str) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let d = tmp.path();
        run_git(d, 0, &["init", "-q"]);
        for (rel, text) in files {
            write(d, rel, text);
        }
        run_git(d, 100, &["add", "-A"]);
        run_git(d, 100, &["commit", "-q", "-m", message]);
        tmp
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{repo, run_git, write};
    use super::*;

    fn ts(s: i64) -> jiff::Timestamp {
        jiff::Timestamp::from_second(s).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn the_raw_log_gives_each_versions_blob() {
        let new = "1".repeat(40);
        let old = "2".repeat(40);
        let zero = "0".repeat(40);
        let out = format!(
            "\u{1e}300\u{1f}{c}\u{1f}删除\u{1f}\0\n:100644 000000 {new} {zero} D\0content/documents/b.md\0\
             \u{1e}200\u{1f}{c}\u{1f}改名\u{1f}\0\n:100644 100644 {old} {new} R090\0content/documents/a.md\0content/documents/b.md\0\
             \u{1e}100\u{1f}{c}\u{1f}发布\u{1f}\0\n:000000 100644 {zero} {old} A\0content/documents/a.md\0",
            c = "c".repeat(40)
        );
        let h = parse(&out);
        let b = &h.files[Path::new("content/documents/b.md")];
        let blobs: Vec<(&str, &str, bool)> = b
            .iter()
            .map(|e| (e.path.to_str().unwrap_or(""), e.blob.as_str(), e.deleted))
            .collect();
        assert_eq!(
            blobs,
            vec![
                ("content/documents/b.md", "", true),
                ("content/documents/b.md", new.as_str(), false),
                ("content/documents/a.md", old.as_str(), false),
            ]
        );
    }

    #[test]
    fn commits_are_grouped_by_file_newest_first() {
        let out = "\u{1e}200\u{1f}改正错别字\0\nM\0content/documents/a.md\0\
                   \u{1e}100\u{1f}发布 a 和 b\0\nA\0content/documents/a.md\0A\0content/fees/b.yaml\0";
        let h = parse(out);
        let a = &h.files[Path::new("content/documents/a.md")];
        let entry = |time: i64, subject: &str| Entry {
            commit: Arc::new(Commit {
                time: ts(time),
                subject: subject.into(),
                id: String::new(),
                note: None,
            }),
            path: PathBuf::from("content/documents/a.md"),
            deleted: false,
            blob: String::new(),
        };
        assert_eq!(
            a,
            &vec![entry(200, "改正错别字"), entry(100, "发布 a 和 b")]
        );
        assert_eq!(h.files[Path::new("content/fees/b.yaml")].len(), 1);
    }

    #[test]
    fn renames_keep_the_older_history() {
        let out =
            "\u{1e}300\u{1f}改名\0\nR100\0content/documents/old.md\0content/documents/new.md\0\
                   \u{1e}100\u{1f}新建\0\nA\0content/documents/old.md\0";
        let h = parse(out);
        let new = &h.files[Path::new("content/documents/new.md")];
        assert_eq!(new.len(), 2);
        assert_eq!(new[1].commit.subject, "新建");
        assert_eq!(new[1].path, PathBuf::from("content/documents/old.md"));
        assert_eq!(new[0].path, PathBuf::from("content/documents/new.md"));
        assert!(!h.files.contains_key(Path::new("content/documents/old.md")));
    }

    #[test]
    fn commit_hashes_and_deletions_are_kept() {
        let h40 = "0123456789abcdef0123456789abcdef01234567";
        let out = format!(
            "\u{1e}300\u{1f}{h40}\u{1f}删除\0\nD\0content/documents/a.md\0\
             \u{1e}100\u{1f}{h40}\u{1f}新建\0\nA\0content/documents/a.md\0"
        );
        let h = parse(&out);
        let a = &h.files[Path::new("content/documents/a.md")];
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].commit.id, h40);
        assert!(a[0].deleted);
        assert!(!a[1].deleted);
        assert_eq!(a[1].commit.subject, "新建");
        // A SHA-256 repository's ids (64 digits) are ids too, not part of the subject.
        let h64 = "ab".repeat(32);
        let out = format!("\u{1e}100\u{1f}{h64}\u{1f}新建\0\nA\0content/documents/a.md\0");
        let a = &parse(&out).files[Path::new("content/documents/a.md")];
        assert_eq!(
            (a[0].commit.id.as_str(), a[0].commit.subject.as_str()),
            (h64.as_str(), "新建")
        );
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(parse("").is_empty());
        assert!(parse("fatal: not a git repository").is_empty());
    }

    #[test]
    fn a_folder_that_is_not_a_repository_has_no_history() {
        let dir = std::env::temp_dir().join(format!("gongshi-history-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        // The temp dir is usually outside any repository; if not, the map is still valid.
        let h = collect(&dir.join("does-not-exist"));
        assert!(h.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_public_note_is_the_trailer_by_git_rules() {
        assert_eq!(
            public_note("正文说明。\n\n公示说明: 更正咨询电话\nSigned-off-by: A <a@b>\n"),
            Some("更正咨询电话".into())
        );
        // The full-width colon, a continuation line, two notes.
        assert_eq!(
            public_note("公示说明：更正办理时限\n  和咨询电话\n公示说明: 补充材料清单"),
            Some("更正办理时限 和咨询电话；补充材料清单".into())
        );
        // Not the last paragraph, or a paragraph that is not all trailers: no note.
        assert_eq!(public_note("公示说明: 更正\n\n其他说明。"), None);
        assert_eq!(public_note("这一段说明了 公示说明: 更正"), None);
        assert_eq!(public_note(""), None);
        assert_eq!(public_note("公示说明:   "), None);
    }

    #[test]
    fn the_body_field_carries_the_note() {
        let out = "\u{1e}200\u{1f}Reformat YAML\u{1f}\0\nM\0content/a.md\0\
                   \u{1e}100\u{1f}Fix phone\u{1f}Body.\n\n公示说明: 更正咨询电话\n\0\nM\0content/a.md\0";
        let h = parse(out);
        let a = &h.files[Path::new("content/a.md")];
        assert_eq!(a[0].commit.subject, "Reformat YAML");
        assert_eq!(a[0].commit.note, None);
        assert_eq!(a[1].commit.subject, "Fix phone");
        assert_eq!(a[1].commit.note.as_deref(), Some("更正咨询电话"));
    }

    /// After each commit of a sequence with edits, renames (also back and forth), deletions,
    /// a re-added path, notes and a commit outside `content/`, the history made from the last
    /// one and the new commits is the history read whole.
    #[test]
    fn the_history_since_a_commit_is_the_history_read_whole() {
        let tmp = repo(
            &[
                ("content/documents/a.md", "a\n"),
                ("content/documents/b.md", "b\n"),
                ("content/fees/c.yaml", "c: 1\n"),
            ],
            "发布",
        );
        let d = tmp.path();
        let mut kept = collect(d);
        assert_eq!(kept.files.len(), 3);
        let steps: Vec<(&str, Vec<&[&str]>)> = vec![
            (
                "edit",
                vec![&["commit", "-q", "-am", "改正", "-m", "公示说明: 更正"]],
            ),
            (
                "rename",
                vec![&["mv", "content/documents/a.md", "content/documents/a2.md"]],
            ),
            ("delete", vec![&["rm", "-q", "content/fees/c.yaml"]]),
            (
                "back",
                vec![&["mv", "content/documents/a2.md", "content/documents/a.md"]],
            ),
            ("readd", vec![]),
            ("outside", vec![]),
        ];
        let mut t = 200;
        for (what, cmds) in steps {
            t += 100;
            match what {
                "edit" => write(d, "content/documents/b.md", "b2\n"),
                "readd" => write(d, "content/fees/c.yaml", "c: 2\n"),
                "outside" => write(d, "README.txt", "readme\n"),
                _ => {}
            }
            for c in &cmds {
                run_git(d, t, c);
            }
            if what != "edit" {
                run_git(d, t, &["add", "-A"]);
                run_git(d, t, &["commit", "-q", "-m", what]);
            }
            let whole = collect(d);
            let made = since(d, kept.clone(), head(d));
            assert_eq!(made.as_ref(), Some(&whole), "after {what}");
            kept = whole;
        }
        let a = &kept.files[Path::new("content/documents/a.md")];
        assert_eq!(a.len(), 3, "{a:?}");
        assert_eq!(kept.files[Path::new("content/fees/c.yaml")].len(), 3);
        // Several commits since, with a rename: the same as read whole.
        let first = at(
            d,
            String::from_utf8_lossy(
                &git(d, &["rev-list", "--max-parents=0", "HEAD"]).unwrap_or_default(),
            )
            .trim()
            .to_string(),
        );
        assert_eq!(since(d, first, head(d)), Some(collect(d)));
    }

    /// A merge since the kept commit, or a kept commit that is no longer an ancestor (a reset),
    /// is not extended: the caller reads the whole log.
    #[test]
    fn merges_and_rewritten_history_are_read_whole() {
        let tmp = repo(&[("content/documents/a.md", "a\n")], "one");
        let d = tmp.path();
        let kept = collect(d);
        run_git(d, 200, &["checkout", "-q", "-b", "side"]);
        write(d, "content/documents/b.md", "b\n");
        run_git(d, 200, &["add", "-A"]);
        run_git(d, 200, &["commit", "-q", "-m", "side"]);
        run_git(d, 300, &["checkout", "-q", "main"]);
        write(d, "content/documents/c.md", "c\n");
        run_git(d, 300, &["add", "-A"]);
        run_git(d, 300, &["commit", "-q", "-m", "main"]);
        let before_merge = collect(d);
        run_git(d, 400, &["merge", "-q", "--no-edit", "side"]);
        assert_eq!(since(d, kept.clone(), head(d)), None);
        assert_eq!(since(d, before_merge, head(d)), None);
        // A reset to before the kept commit: not an ancestor any more.
        let merged = collect(d);
        run_git(d, 500, &["reset", "-q", "--hard", &kept.head]);
        assert_eq!(since(d, merged, head(d)), None);
        // The same commit: the kept history as it is.
        assert_eq!(since(d, kept.clone(), head(d)), Some(kept));
    }

    /// A file renamed onto a path that had a history of its own before the kept commit: both
    /// histories end under one name, interleaved by date, which only the whole log gives.
    #[test]
    fn a_rename_onto_an_older_path_is_read_whole() {
        let tmp = repo(
            &[
                ("content/documents/a.md", "a\n"),
                ("content/documents/b.md", "b b b b b b\n"),
            ],
            "one",
        );
        let d = tmp.path();
        let kept = collect(d);
        run_git(d, 200, &["rm", "-q", "content/documents/b.md"]);
        run_git(d, 200, &["commit", "-q", "-m", "rm b"]);
        run_git(
            d,
            300,
            &["mv", "content/documents/a.md", "content/documents/b.md"],
        );
        run_git(d, 300, &["commit", "-q", "-m", "a to b"]);
        let whole = collect(d);
        // (The rename, the deletion, and the first commit once for both paths.)
        assert_eq!(whole.files[Path::new("content/documents/b.md")].len(), 3);
        assert_eq!(since(d, kept, head(d)), None);
    }

    /// A kept commit read back from a file is checked before it reaches git: one that is an
    /// option (`--output=…` would write a file) is refused, and the history is read whole.
    #[test]
    fn a_kept_commit_that_is_not_an_id_never_reaches_git() {
        let tmp = repo(&[("content/documents/a.md", "a\n")], "one");
        let d = tmp.path();
        let mut kept = collect(d);
        assert!(is_commit_id(&kept.head));
        // git would create `written..<head>` (rev-list) or write the log there (log).
        kept.head = format!("--output={}", d.join("written").display());
        assert_eq!(since(d, kept, head(d)), None);
        assert!(at(d, format!("--output={}", d.join("written").display())).is_empty());
        let names: Vec<String> = std::fs::read_dir(d)
            .map(|r| {
                r.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        assert!(!names.iter().any(|n| n.starts_with("written")), "{names:?}");
        assert!(!is_commit_id("HEAD"));
        assert!(!is_commit_id(&"g".repeat(40)));
        assert!(is_commit_id(&"a".repeat(64)));
    }
}
