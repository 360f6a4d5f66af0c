//! 留痕 — what may never change once published, checked against the git history (SPEC §4.6):
//!
//! * an enforcement decision's `facts`, `basis`, `decision`, `party`, `case_no`, `decided`
//!   and `remedy` (救济途径, also when added later) are not edited in place after the commit
//!   that first published it: each change needs a dated entry in `corrections` (status
//!   changes go through `status` and `changed`);
//! * likewise a published annual report's sections, counts, overrides and `seal`
//!   ([`REPORT_FROZEN`]): a change needs its `corrections` entry;
//! * a record's `index_no` (索引号) stays what it was when first published;
//! * an opinion ledger (`opinions.jsonl`) only grows: every committed version is the start of
//!   the newest commit's (the working tree against HEAD is `participation.ledger-rewritten`).
//!
//! Versions are compared as parsed YAML values, so reformatting is not a change. For records
//! the working tree counts as the newest version (a check before committing sees the edit).
//! One `git log` (shared with the 修订记录, [`crate::history`]) and one `git cat-file --batch`
//! read everything. Not a git repository, or git missing: nothing is checked.
//!
//! * an opinion ledger, its dispositions and the register of heads
//!   (`content/consultations/heads.jsonl`) are never deleted, in the working tree or in a
//!   commit (the register also only grows).
//!
//! Codes: `history.edited-after-publication`, `history.index-no-changed`,
//! `history.ledger-rewritten`, `history.ledger-deleted` (errors).
//!
//! Known limit: versions are ordered by commit date, as `git log` lists them; edits made on
//! two branches at once are compared in that order.

use super::fields::{self, FrontMatter};
use super::Input;
use crate::content::{Data, Record};
use crate::diag::{Code, Diagnostic};
use crate::history::Entry;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The fields of a published decision that are never edited in place.
pub(crate) const FROZEN: [(&str, &str); 7] = [
    ("case_no", "决定书文号"),
    ("party", "当事人"),
    ("facts", "主要事实"),
    ("basis", "执法依据"),
    ("decision", "决定内容"),
    ("decided", "决定日期"),
    ("remedy", "救济途径"),
];

/// The fields of a published annual report that are never edited in place: the staff's
/// sections, the entered and generated counts, the overrides and the seal of its figures.
pub(crate) const REPORT_FROZEN: [(&str, &str); 9] = [
    ("year", "报告年度"),
    ("report", "报告类型"),
    ("overview", "一、总体情况"),
    ("problems", "五、存在的主要问题及改进情况"),
    ("other", "六、其他需要报告的事项"),
    ("reviews", "四、行政复议、行政诉讼"),
    ("requests", "三、依申请公开情况"),
    ("overrides", "人工调整"),
    ("seal", "封存校验值"),
];

/// One version of a file: the commit (None: the working tree) and its text.
struct Version<'a> {
    entry: Option<&'a Entry>,
    text: &'a str,
}

impl Version<'_> {
    fn label(&self) -> String {
        match self.entry {
            Some(e) => {
                let short: String = e.commit.id.chars().take(8).collect();
                format!("提交 {short}（{}）", e.commit.subject)
            }
            None => "尚未提交的修改".to_string(),
        }
    }
}

/// Run the history rules.
pub(crate) fn check(input: &Input, diags: &mut Vec<Diagnostic>) {
    let history = &input.facts.history;
    if history.is_empty() || history.values().flatten().all(|e| e.commit.id.is_empty()) {
        return;
    }
    let root = &input.site.root;
    let Some(prefix) = show_prefix(root) else {
        return;
    };
    // Which committed versions to read: every record, and each consultation's ledger. A
    // record whose working file is, byte for byte, its one committed version has nothing to
    // compare (no rule fires on one version): most records of a repository, so neither git
    // nor the YAML parser sees them. Its working text is kept for the others.
    let working: BTreeMap<&Path, String> = {
        use rayon::prelude::*;
        input
            .site
            .records
            .par_iter()
            .filter_map(|r| {
                let list = history.get(&r.source)?;
                let bytes = r.read_bytes()?;
                let mut committed = list
                    .iter()
                    .filter(|e| !e.deleted && !e.commit.id.is_empty());
                if let (Some(only), None) = (committed.next(), committed.next()) {
                    if blob_id(&bytes, only.blob.len()) == only.blob {
                        return None;
                    }
                }
                let text = crate::content::source::decode(&bytes).unwrap_or_default();
                Some((r.source.as_path(), text.to_string()))
            })
            .collect()
    };
    let mut wanted: Vec<(PathBuf, &[Entry])> = Vec::new();
    for r in &input.site.records {
        let compared = working.contains_key(r.source.as_path());
        if let Some(list) = history.get(&r.source).filter(|_| compared) {
            wanted.push((r.source.clone(), list));
        }
        if let Some(ledger) = super::ledger_path(r) {
            if let Some(list) = history.get(&ledger) {
                wanted.push((ledger, list));
            }
        }
    }
    // The register of heads only grows, like a ledger.
    let register = crate::ledger::register_rel();
    if let Some(list) = history.get(&register) {
        wanted.push((register.clone(), list));
    }
    let mut requests: Vec<String> = Vec::new();
    for (_, list) in &wanted {
        for e in list
            .iter()
            .filter(|e| !e.deleted && !e.commit.id.is_empty())
        {
            requests.push(object_name(e, &prefix));
        }
    }
    requests.sort();
    requests.dedup();
    let blobs = cat_file(root, &requests);
    let mut by_path: BTreeMap<&Path, Vec<Version>> = BTreeMap::new();
    for (path, list) in &wanted {
        let versions = by_path.entry(path.as_path()).or_default();
        // Oldest first.
        for e in list
            .iter()
            .rev()
            .filter(|e| !e.deleted && !e.commit.id.is_empty())
        {
            if let Some(text) = blobs.get(&object_name(e, &prefix)) {
                versions.push(Version {
                    entry: Some(e),
                    text: text.as_str(),
                });
            }
        }
    }
    for r in &input.site.records {
        if let (Some(versions), Some(text)) = (
            by_path.get_mut(r.source.as_path()),
            working.get(r.source.as_path()),
        ) {
            versions.push(Version {
                entry: None,
                text: text.as_str(),
            });
            record(r, versions, diags);
        }
        if let Some(ledger) = super::ledger_path(r) {
            // The working tree against HEAD is `participation.ledger-rewritten`; here the
            // committed history: every version must be the start of the newest commit's.
            if let Some((head, older)) = by_path.get(ledger.as_path()).and_then(|v| v.split_last())
            {
                ledger_rule(&ledger, older, head.text, head, diags);
            }
        }
    }
    if let Some((head, older)) = by_path.get(register.as_path()).and_then(|v| v.split_last()) {
        ledger_rule(&register, older, head.text, head, diags);
    }
    deleted_rule(input, diags);
}

/// A ledger, a dispositions file or the register that git held must still be there: deleting
/// one (in the working tree, or in a commit) removes opinions from the public record.
fn deleted_rule(input: &Input, diags: &mut Vec<Diagnostic>) {
    let history = &input.facts.history;
    let root = &input.site.root;
    let mut paths: Vec<PathBuf> = Vec::new();
    for r in &input.site.records {
        if let Some(ledger) = super::ledger_path(r) {
            paths.push(ledger.with_file_name(crate::ledger::report::DISPOSITIONS_FILE));
            paths.push(ledger);
        }
    }
    // Those of consultations that are gone altogether.
    let ledger_like = |p: &Path| {
        p.starts_with("content/consultations")
            && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n == crate::ledger::report::LEDGER_FILE
                    || n == crate::ledger::report::DISPOSITIONS_FILE
            })
    };
    paths.extend(history.keys().filter(|p| ledger_like(p)).cloned());
    paths.push(crate::ledger::register_rel());
    paths.sort();
    paths.dedup();
    for path in paths {
        let Some(list) = history.get(&path) else {
            continue;
        };
        if root.join(&path).exists() || !list.iter().any(|e| !e.deleted && !e.commit.id.is_empty())
        {
            continue;
        }
        let culprit = match list.first() {
            Some(e) if e.deleted && !e.commit.id.is_empty() => {
                let short: String = e.commit.id.chars().take(8).collect();
                format!("在提交 {short}（{}）中被删除", e.commit.subject)
            }
            _ => "在尚未提交的修改中被删除".to_string(),
        };
        let what = match path.file_name().and_then(|n| n.to_str()) {
            Some(crate::ledger::report::LEDGER_FILE) => "意见台账",
            Some(crate::ledger::report::DISPOSITIONS_FILE) => "意见处理结果文件",
            _ => "链头登记簿",
        };
        diags.push(
            Diagnostic::error(
                Code::HistoryLedgerDeleted,
                &path,
                format!("{what}已公开过，不能删除：{culprit}"),
            )
            .expected("文件保留（只能追加）")
            .found(culprit.clone())
            .hint("用 git 恢复这个文件（git checkout 删除前的提交号 -- 文件）。意见台账、处理结果和链头登记簿是公众参与的记录，不能删除。"),
        );
    }
}

fn object_name(e: &Entry, prefix: &str) -> String {
    if !e.blob.is_empty() {
        return e.blob.clone();
    }
    format!(
        "{}:{prefix}{}",
        e.commit.id,
        e.path.to_string_lossy().replace('\\', "/")
    )
}

/// The git blob id of a file's bytes (`git hash-object`): SHA-1 of `blob <len>\0` and the
/// bytes, or SHA-256 in a repository of that object format (`hex_len` 64). A file checked out
/// through a filter (line endings converted, say) differs from its blob and is compared in
/// full, as before.
fn blob_id(bytes: &[u8], hex_len: usize) -> String {
    fn id<D: sha2::Digest>(header: &str, bytes: &[u8]) -> String {
        let mut h = D::new();
        h.update(header.as_bytes());
        h.update(bytes);
        hex::encode(h.finalize())
    }
    let header = format!("blob {}\0", bytes.len());
    if hex_len == 64 {
        id::<sha2::Sha256>(&header, bytes)
    } else {
        id::<sha1::Sha1>(&header, bytes)
    }
}

/// The site root's path inside its repository (`""` or `site/`); None when not a repository.
fn show_prefix(root: &Path) -> Option<String> {
    let o = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--show-prefix"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// Read many blobs with one `git cat-file --batch`: object name → text (missing ones left out).
fn cat_file(root: &Path, names: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if names.is_empty() {
        return out;
    }
    let child = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["cat-file", "--batch"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return out;
    };
    let input: String = names.iter().map(|n| format!("{n}\n")).collect();
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            let _ = stdin.write_all(input.as_bytes());
        })
    });
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::new(stdout);
        for name in names {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                break;
            }
            let parts: Vec<&str> = header.split_whitespace().collect();
            let size = match parts.as_slice() {
                [_, "blob", size] => size.parse::<usize>().ok(),
                [_, _, size] => {
                    // Not a blob: skip its content.
                    let n = size.parse::<usize>().unwrap_or(0);
                    let mut skip = vec![0u8; n + 1];
                    let _ = reader.read_exact(&mut skip);
                    None
                }
                _ => None, // "<name> missing"
            };
            if let Some(n) = size {
                let mut buf = vec![0u8; n + 1];
                if reader.read_exact(&mut buf).is_err() {
                    break;
                }
                buf.truncate(n);
                if let Ok(text) = crate::content::source::decode(&buf) {
                    out.insert(name.clone(), text.to_string());
                }
            }
        }
    }
    if let Some(w) = writer {
        let _ = w.join();
    }
    let _ = child.wait();
    out
}

fn is_draft(fm: &FrontMatter) -> bool {
    fm.node.get("draft").and_then(|n| n.as_str()) == Some("true")
}

fn value_of(fm: &FrontMatter, field: &str) -> serde_json::Value {
    fields::get(&fm.node, field).map_or(serde_json::Value::Null, fields::canonical)
}

/// The rules of one record over its versions (oldest first, the working tree last).
fn record(r: &Record, versions: &[Version], diags: &mut Vec<Diagnostic>) {
    // A version equal to the one before it changes nothing (the working tree as committed,
    // a commit that touched another file): parse each distinct text once. The first of a run
    // is kept, so a change is still named after the version that made it.
    let distinct: Vec<&Version> = versions
        .iter()
        .enumerate()
        .filter(|(i, v)| *i == 0 || versions[i - 1].text != v.text)
        .map(|(_, v)| v)
        .collect();
    if distinct.len() < 2 {
        return;
    }
    let parsed: Vec<(&Version, FrontMatter)> = distinct
        .into_iter()
        .filter_map(|v| fields::front_matter(&r.source, v.text).map(|fm| (v, fm)))
        .filter(|(_, fm)| !is_draft(fm))
        .collect();
    let Some((_, first)) = parsed.first() else {
        return;
    };
    let current = parsed.last().map(|(_, fm)| fm);

    // 索引号: what it was when first published.
    let original = value_of(first, "index_no");
    if !original.is_null() && current.is_some_and(|c| value_of(c, "index_no") != original) {
        let culprit = parsed
            .iter()
            .find(|(_, fm)| value_of(fm, "index_no") != original)
            .map(|(v, _)| v.label())
            .unwrap_or_default();
        let was = original.as_str().unwrap_or_default().to_string();
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::HistoryIndexNoChanged,
                    &r.source,
                    format!("索引号发布后不得更改：在{culprit}中被修改"),
                ),
                "index_no",
            )
            .expected(format!("index_no: {was}（首次发布时的索引号）"))
            .found(
                r.common
                    .index_no
                    .clone()
                    .unwrap_or_else(|| "没有 index_no".to_string()),
            )
            .hint(format!(
                "请把 index_no 改回 {was}。索引号是信息的固定编号，公众和档案据此查找。"
            )),
        );
    }

    // 执法决定 and 年度报告: frozen fields change only with a correction entry.
    let (frozen, corrections, noun): (&[(&str, &str)], Vec<String>, &str) = match &r.data {
        Data::Enforcement(e) => (
            &FROZEN,
            e.corrections.iter().map(|c| c.field.clone()).collect(),
            "执法决定",
        ),
        Data::Report(x) => (
            &REPORT_FROZEN,
            x.corrections.iter().map(|c| c.field.clone()).collect(),
            "年度报告",
        ),
        _ => return,
    };
    for &(field, zh) in frozen {
        let changes: Vec<&Version> = parsed
            .windows(2)
            .filter(|w| value_of(&w[0].1, field) != value_of(&w[1].1, field))
            .map(|w| w[1].0)
            .collect();
        let allowed = corrections.iter().filter(|c| c.as_str() == field).count();
        let Some(culprit) = changes.get(allowed) else {
            continue;
        };
        let status = if matches!(r.data, Data::Enforcement(_)) {
            "决定被撤销或变更时只改 status 并填写 changed。"
        } else {
            "年报的数字变了时，登记 field: seal 后运行 gongshi report … --seal 重新封存。"
        };
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::HistoryEditedAfterPublication,
                    &r.source,
                    format!(
                        "已公开的{noun}的“{zh}”在{}中被直接修改",
                        culprit.label()
                    ),
                ),
                field,
            )
            .expected(format!(
                "发布后不直接修改“{zh}”；确需更正时在 corrections 中登记（已登记 {allowed} 次，修改了 {} 次）",
                changes.len()
            ))
            .found(format!("{}修改了 {field}", culprit.label()))
            .hint(format!(
                "更正必须留痕：在 corrections 下加一项 - date: 更正日期 / field: {field} / reason: 更正原因；{status}"
            )),
        );
    }
}

/// Every older committed version of a ledger must be the start of the newest one (`head`).
fn ledger_rule(
    path: &Path,
    versions: &[Version],
    current: &str,
    head: &Version,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(last_bad) = versions.iter().rposition(|v| !current.starts_with(v.text)) else {
        return;
    };
    let culprit = versions.get(last_bad + 1).unwrap_or(head).label();
    let bad = &versions[last_bad];
    // The first line where the old and the current text differ.
    let line = bad
        .text
        .lines()
        .zip(current.lines())
        .position(|(a, b)| a != b)
        .map_or_else(
            || bad.text.lines().count().min(current.lines().count()) + 1,
            |i| i + 1,
        );
    diags.push(
        Diagnostic::error(
            Code::HistoryLedgerRewritten,
            path,
            format!("意见台账只能追加，不能改写或删除：在{culprit}中被改写"),
        )
        .at(line, 1)
        .expected(format!("{}的内容原样保留在文件开头", bad.label()))
        .found(format!("第 {line} 行起与已提交的内容不同"))
        .hint("用 git 恢复原来的台账（git checkout 提交号 -- 文件），新意见只能用 gongshi feedback export/add 追加在末尾。"),
    );
}

#[cfg(test)]
mod tests {
    use super::blob_id;

    #[test]
    fn blob_ids_are_gits() {
        // `printf 'hello\n' | git hash-object --stdin`, and with --object-format=sha256.
        assert_eq!(
            blob_id(b"hello\n", 40),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
        assert_eq!(
            blob_id(b"hello\n", 64),
            "2cf8d83d9ee29543b34a87727421fdecb7e3f3a183d337639025de576db9ebb4"
        );
        assert_eq!(blob_id(b"", 0), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    }
}
