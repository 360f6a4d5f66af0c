//! `gongshi deploy`: publish a built `public/` to S3-compatible object storage or to a
//! directory, sending only what changed since the last deploy.
//!
//! The target keeps a manifest of the last finished deploy ([`manifest::MANIFEST`]: path →
//! SHA-256, size, Content-Type, Cache-Control). A deploy compares `public/` with it, writes
//! a journal naming every path it is about to touch, uploads new and changed files
//! (attachments, then pages, then the search index's `meta.json`), deletes what the build
//! no longer has, and only then writes the new manifest and removes the journal. A deploy
//! that stops anywhere leaves the old manifest and the journal; the next one re-sends and
//! re-deletes everything the journal names and ends consistent.

pub mod cli;
pub mod dir;
pub mod manifest;
pub mod s3;

use manifest::{Entry, Journal, Manifest, Plan, Read, JOURNAL, MANIFEST};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a deploy failed, in Chinese, saying what to fix.
#[derive(Debug)]
pub enum DeployError {
    /// Wrong arguments, missing credentials, a target that belongs to another site: exit 2.
    Usage(String),
    /// `public/` cannot be read: exit 1.
    Source(String),
    /// The target failed (network, permissions, server) after the deploy started writing:
    /// exit 1. The target may be half updated; the next deploy completes it.
    Target(String),
    /// The target failed before anything was written to it: exit 1.
    Unreached(String),
}

impl std::fmt::Display for DeployError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeployError::Usage(m)
            | DeployError::Source(m)
            | DeployError::Target(m)
            | DeployError::Unreached(m) => f.write_str(m),
        }
    }
}

/// One file to upload.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The `/`-separated path under `public/` and under the target.
    pub key: String,
    pub file: PathBuf,
    pub sha256: String,
    pub content_type: String,
    pub cache_control: String,
}

impl Upload {
    /// The file's contents, checked against the hash the plan was made with: `public/`
    /// changing under a deploy (a build running at the same time) stops it.
    pub fn read(&self) -> Result<Vec<u8>, DeployError> {
        use sha2::Digest as _;
        let bytes = std::fs::read(&self.file)
            .map_err(|e| DeployError::Source(format!("无法读取 {}：{e}", self.file.display())))?;
        if hex::encode(sha2::Sha256::digest(&bytes)) != self.sha256 {
            return Err(DeployError::Source(format!(
                "{} 在发布过程中被改动：请等生成结束后重新运行 gongshi deploy",
                self.file.display()
            )));
        }
        Ok(bytes)
    }
}

/// Where a deploy goes: a directory or a bucket.
pub trait Target {
    /// For messages: the directory, or `s3://bucket/prefix（endpoint）`.
    fn describe(&self) -> String;
    /// A deploy's own file (manifest, journal); `None` when there is none.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, DeployError>;
    fn put(
        &self,
        key: &str,
        bytes: &[u8],
        content_type: &str,
        cache_control: &str,
    ) -> Result<(), DeployError>;
    /// Upload `files`, calling `done` for each one that is up. Stops at the first failure.
    fn put_all(&self, files: &[Upload], done: &mut dyn FnMut(&Upload)) -> Result<(), DeployError>;
    /// Delete a file; one already gone is not an error.
    fn delete(&self, key: &str) -> Result<(), DeployError>;
}

/// What `deploy` did (or, with `dry_run`, would do).
#[derive(Debug, Default)]
pub struct Report {
    pub plan: Plan,
    /// Bytes uploaded (or to upload).
    pub bytes: u64,
    /// Things staff should know: an ignored manifest, a finished interrupted deploy.
    pub notes: Vec<String>,
}

/// The files of `public/`: key → manifest entry. Symbolic links, names that are not UTF-8
/// or not safe keys are refused: they would publish something nobody built.
pub fn scan(public: &Path) -> Result<BTreeMap<String, (PathBuf, Entry)>, DeployError> {
    if !public.join("index.html").is_file() {
        return Err(DeployError::Usage(format!(
            "{} 中没有生成好的网站（缺少 index.html）：请先运行 gongshi build，或用 --public 指定输出目录",
            public.display()
        )));
    }
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(public).sort_by_file_name() {
        let e =
            e.map_err(|e| DeployError::Source(format!("无法读取 {}：{e}", public.display())))?;
        if e.file_type().is_dir() {
            continue;
        }
        let rel = e.path().strip_prefix(public).unwrap_or(e.path());
        let shown = rel.display().to_string();
        if e.file_type().is_symlink() || !e.file_type().is_file() {
            return Err(DeployError::Source(format!(
                "{shown} 不是普通文件（符号链接或特殊文件）：生成的网站中不应有这种文件，请删除后重新生成"
            )));
        }
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let Some(parts) = parts else {
            return Err(DeployError::Source(format!(
                "{shown} 的文件名不是 UTF-8 编码：请改名后重新生成"
            )));
        };
        let key = parts.join("/");
        manifest::check_key(&key)
            .map_err(|why| DeployError::Source(format!("{shown} 不能发布：文件名{why}")))?;
        let entry = manifest::entry_of(&key, e.path())
            .map_err(|err| DeployError::Source(format!("无法读取 {shown}：{err}")))?;
        out.insert(key, (e.path().to_path_buf(), entry));
    }
    Ok(out)
}

/// How a deploy runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The site's `base_url`: recorded in the manifest; a target with another site's
    /// manifest is refused.
    pub site: String,
    pub public: PathBuf,
    pub dry_run: bool,
}

/// Publish `o.public` to `target`. `progress` is told about each file as it goes up.
pub fn deploy(
    o: &Options,
    target: &dyn Target,
    progress: &mut dyn FnMut(&str),
) -> Result<Report, DeployError> {
    let files = scan(&o.public)?;
    let mut notes = Vec::new();
    let where_ = target.describe();

    // Nothing is written before the journal: a failure up to there changed nothing.
    let unreached = |e: DeployError| match e {
        DeployError::Target(m) => DeployError::Unreached(m),
        e => e,
    };
    let old = match target.get(MANIFEST).map_err(unreached)? {
        None => None,
        Some(bytes) => match manifest::parse_manifest(&bytes, &o.site) {
            Read::Valid(m) => Some(m),
            Read::Absent => None,
            Read::Corrupt(why) => {
                notes.push(format!(
                    "注意：{where_} 中的发布记录 {MANIFEST} 无法使用（{why}），已忽略：这次上传全部文件；不再生成的旧文件无法确定，不会删除，请人工检查"
                ));
                None
            }
            Read::OtherSite(other) => return Err(other_site(&where_, MANIFEST, &other, &o.site)),
        },
    };
    let mut journal = match target.get(JOURNAL).map_err(unreached)? {
        None => None,
        Some(bytes) => match manifest::parse_journal(&bytes, &o.site) {
            Read::Valid(j) => {
                notes.push(format!(
                    "上次发布没有完成（{} 个文件可能只更新了一部分），这次一并补齐",
                    j.touched.len()
                ));
                Some(j)
            }
            Read::Absent => None,
            Read::Corrupt(why) => {
                notes.push(format!(
                    "注意：{where_} 中的未完成发布记录 {JOURNAL} 无法使用（{why}），已忽略：这次上传全部文件"
                ));
                // Which files it touched is unknown: treat every file as touched.
                Some(Journal::new(&o.site, files.keys().cloned().collect()))
            }
            Read::OtherSite(other) => return Err(other_site(&where_, JOURNAL, &other, &o.site)),
        },
    };

    let new: BTreeMap<String, Entry> = files
        .iter()
        .map(|(k, (_, e))| (k.clone(), e.clone()))
        .collect();
    let plan = manifest::plan(&new, old.as_ref(), journal.as_ref());
    let bytes = plan
        .upload
        .iter()
        .filter_map(|(k, _)| new.get(k))
        .map(|e| e.size)
        .sum();
    let finished_manifest = Manifest::new(&o.site, new);
    if o.dry_run {
        return Ok(Report { plan, bytes, notes });
    }
    if plan.is_empty() && journal.is_none() && old.as_ref() == Some(&finished_manifest) {
        return Ok(Report { plan, bytes, notes });
    }

    // 1. The journal: everything this deploy may touch, and whatever an earlier unfinished
    //    one did.
    let mut touched = journal.take().map(|j| j.touched).unwrap_or_default();
    touched.extend(plan.upload.iter().map(|(k, _)| k.clone()));
    touched.extend(plan.delete.iter().cloned());
    let j = Journal::new(&o.site, touched);
    target.put(
        JOURNAL,
        &j.to_json(),
        "application/json; charset=utf-8",
        "no-store",
    )?;

    // 2. New and changed files, in the plan's order, one rank after the other.
    let uploads: Vec<Upload> = plan
        .upload
        .iter()
        .filter_map(|(k, _)| files.get(k).map(|(p, e)| (k, p, e)))
        .map(|(k, p, e)| Upload {
            key: k.clone(),
            file: p.clone(),
            sha256: e.sha256.clone(),
            content_type: e.content_type.clone(),
            cache_control: e.cache_control.clone(),
        })
        .collect();
    let mut start = 0;
    while start < uploads.len() {
        let rank = manifest::upload_rank(&uploads[start].key);
        let end = uploads[start..]
            .iter()
            .position(|u| manifest::upload_rank(&u.key) != rank)
            .map_or(uploads.len(), |n| start + n);
        target.put_all(&uploads[start..end], &mut |u| progress(&u.key))?;
        start = end;
    }

    // 3. What the build no longer has, now that no new page points at it.
    for k in &plan.delete {
        target.delete(k)?;
    }

    // 4. The manifest, then the journal goes.
    target.put(
        MANIFEST,
        &finished_manifest.to_json(),
        "application/json; charset=utf-8",
        "no-store",
    )?;
    target.delete(JOURNAL)?;
    Ok(Report { plan, bytes, notes })
}

fn other_site(where_: &str, file: &str, other: &str, site: &str) -> DeployError {
    DeployError::Usage(format!(
        "{where_} 中的发布记录 {file} 属于另一个网站（{other}），不是本站（{site}）：请检查发布目标（--to、--bucket、--prefix）是否写错；确实要用这个位置发布本站时，先删除其中的 {file}"
    ))
}
