//! 修订记录 — each record file's change history, read from git in one pass.
//!
//! One `git log` over `content/` gives every commit (newest first) with the files it touched;
//! renames are followed so a record keeps its history when its file is moved. When the site
//! is not in a git repository, git is missing or fails, the map is simply empty: history is a
//! courtesy to readers, never a reason for a build to fail. The output depends only on the
//! repository's commits, so the same repository state gives the same bytes.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One commit that touched a record's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The commit date (committer time).
    pub time: jiff::Timestamp,
    /// The first line of the commit message.
    pub subject: String,
    /// The commit's full hash (empty when the log did not give one).
    pub commit: String,
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
    /// The public change note: the commit message's `公示说明:` trailer (see [`public_note`]).
    /// Only commits with one are shown to the public in 修订记录.
    pub note: Option<String>,
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
pub type History = HashMap<PathBuf, Vec<Entry>, rustc_hash::FxBuildHasher>;

const COMMIT: char = '\u{1e}';
const FIELD: char = '\u{1f}';

/// Read the history of every file under `root/content` from git. Empty when unavailable.
pub fn collect(root: &Path) -> History {
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "core.quotepath=off",
            "-c",
            "log.showSignature=false",
            "log",
            "--no-color",
            "--no-ext-diff",
            "--relative",
            "--raw",
            "--no-abbrev",
            "-M",
            "-z",
            "--format=%x1e%ct%x1f%H%x1f%s%x1f%b",
            "--",
            "content",
        ])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(o) if o.status.success() => parse(&String::from_utf8_lossy(&o.stdout)),
        _ => History::default(),
    }
}

/// Parse `git log --name-status -M -z --format=%x1e%ct%x1f%H%x1f%s%x1f%b` output (newest
/// commit first). The hash field may be left out (`%ct%x1f%s`), and the body too.
pub fn parse(text: &str) -> History {
    let mut history = History::default();
    // A file renamed in a later commit: its old path → the path it has now.
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    for chunk in text.split(COMMIT).filter(|c| !c.is_empty()) {
        let (header, rest) = chunk.split_once('\0').unwrap_or((chunk, ""));
        let Some((secs, rest_header)) = header.split_once(FIELD) else {
            continue;
        };
        let (commit, subject) = match rest_header.split_once(FIELD) {
            Some((h, s)) if h.len() == 40 && h.bytes().all(|b| b.is_ascii_hexdigit()) => (h, s),
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
        let entry = Entry {
            time,
            subject: subject.trim().to_string(),
            commit: commit.to_string(),
            path: PathBuf::new(),
            deleted: false,
            blob: String::new(),
            note: public_note(body),
        };
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
            let list = history.entry(PathBuf::from(&current)).or_default();
            let deleted = status.starts_with('D');
            let entry = Entry {
                path: PathBuf::from(new),
                deleted,
                blob: if deleted || blob.bytes().all(|b| b == b'0') {
                    String::new()
                } else {
                    blob.to_string()
                },
                ..entry.clone()
            };
            if list.last().is_none_or(|l| {
                (&l.time, &l.subject, &l.commit) != (&entry.time, &entry.subject, &entry.commit)
            }) {
                list.push(entry);
            }
            if let (Some(old), true) = (old, status.starts_with('R')) {
                renamed.insert(old.to_string(), current);
            }
        }
    }
    history
}

#[cfg(test)]
mod tests {
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
        let b = &h[Path::new("content/documents/b.md")];
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
        let a = &h[Path::new("content/documents/a.md")];
        assert_eq!(
            a,
            &vec![
                Entry {
                    time: ts(200),
                    subject: "改正错别字".into(),
                    commit: String::new(),
                    path: PathBuf::from("content/documents/a.md"),
                    deleted: false,
                    blob: String::new(),
                    note: None,
                },
                Entry {
                    time: ts(100),
                    subject: "发布 a 和 b".into(),
                    commit: String::new(),
                    path: PathBuf::from("content/documents/a.md"),
                    deleted: false,
                    blob: String::new(),
                    note: None,
                },
            ]
        );
        assert_eq!(h[Path::new("content/fees/b.yaml")].len(), 1);
    }

    #[test]
    fn renames_keep_the_older_history() {
        let out =
            "\u{1e}300\u{1f}改名\0\nR100\0content/documents/old.md\0content/documents/new.md\0\
                   \u{1e}100\u{1f}新建\0\nA\0content/documents/old.md\0";
        let h = parse(out);
        let new = &h[Path::new("content/documents/new.md")];
        assert_eq!(new.len(), 2);
        assert_eq!(new[1].subject, "新建");
        assert_eq!(new[1].path, PathBuf::from("content/documents/old.md"));
        assert_eq!(new[0].path, PathBuf::from("content/documents/new.md"));
        assert!(!h.contains_key(Path::new("content/documents/old.md")));
    }

    #[test]
    fn commit_hashes_and_deletions_are_kept() {
        let h40 = "0123456789abcdef0123456789abcdef01234567";
        let out = format!(
            "\u{1e}300\u{1f}{h40}\u{1f}删除\0\nD\0content/documents/a.md\0\
             \u{1e}100\u{1f}{h40}\u{1f}新建\0\nA\0content/documents/a.md\0"
        );
        let h = parse(&out);
        let a = &h[Path::new("content/documents/a.md")];
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].commit, h40);
        assert!(a[0].deleted);
        assert!(!a[1].deleted);
        assert_eq!(a[1].subject, "新建");
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
        let a = &h[Path::new("content/a.md")];
        assert_eq!(a[0].subject, "Reformat YAML");
        assert_eq!(a[0].note, None);
        assert_eq!(a[1].subject, "Fix phone");
        assert_eq!(a[1].note.as_deref(), Some("更正咨询电话"));
    }
}
