//! 修订记录 — each record file's change history, read from git in one pass.
//!
//! One `git log` over `content/` gives every commit (newest first) with the files it touched;
//! renames are followed so a record keeps its history when its file is moved. When the site
//! is not in a git repository, git is missing or fails, the map is simply empty: history is a
//! courtesy to readers, never a reason for a build to fail. The output depends only on the
//! repository's commits, so the same repository state gives the same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One commit that touched a record's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The commit date (committer time).
    pub time: jiff::Timestamp,
    /// The first line of the commit message.
    pub subject: String,
}

/// Record source path (relative to the site root, `/`-separated) → its commits, newest first.
pub type History = BTreeMap<PathBuf, Vec<Entry>>;

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
            "--name-status",
            "-M",
            "-z",
            "--format=%x1e%ct%x1f%s",
            "--",
            "content",
        ])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match output {
        Ok(o) if o.status.success() => parse(&String::from_utf8_lossy(&o.stdout)),
        _ => History::new(),
    }
}

/// Parse `git log --name-status -M -z --format=%x1e%ct%x1f%s` output (newest commit first).
pub fn parse(text: &str) -> History {
    let mut history = History::new();
    // A file renamed in a later commit: its old path → the path it has now.
    let mut renamed: BTreeMap<String, String> = BTreeMap::new();
    for chunk in text.split(COMMIT).filter(|c| !c.is_empty()) {
        let (header, rest) = chunk.split_once('\0').unwrap_or((chunk, ""));
        let Some((secs, subject)) = header.split_once(FIELD) else {
            continue;
        };
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
        };
        let mut tokens = rest
            .split('\0')
            .map(|t| t.trim_start_matches('\n'))
            .filter(|t| !t.is_empty());
        // Each commit lists a path at most once; a file may appear under two names in one
        // commit only as a copy, which is counted once under the new name.
        while let Some(status) = tokens.next() {
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
            if list.last() != Some(&entry) {
                list.push(entry.clone());
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
                    subject: "改正错别字".into()
                },
                Entry {
                    time: ts(100),
                    subject: "发布 a 和 b".into()
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
        assert!(!h.contains_key(Path::new("content/documents/old.md")));
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
}
