//! The directory target (`gongshi deploy --to DIR`): a mirror of `public/` for sites that
//! publish by rsync or NFS, kept with the same manifest as object storage. Every file is
//! written to a temporary name beside it and renamed, so a web server reading the
//! directory never serves half a file.

use super::{DeployError, Target, Upload};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Temporary files are named so; a deploy killed mid-write leaves one, the next removes it.
const TMP_PREFIX: &str = ".gongshi-deploy.tmp";

pub struct DirTarget {
    root: PathBuf,
}

impl DirTarget {
    /// The target directory; created if missing (its parent must exist). `dry_run` opens
    /// it without creating it or removing a killed deploy's temporary files.
    pub fn open(root: &Path, dry_run: bool) -> Result<DirTarget, DeployError> {
        if root.exists() && !root.is_dir() {
            return Err(DeployError::Usage(format!(
                "--to {} 不是目录：请给出发布目录的路径",
                root.display()
            )));
        }
        if dry_run {
            return Ok(DirTarget {
                root: root.to_path_buf(),
            });
        }
        if !root.exists() {
            std::fs::create_dir(root).map_err(|e| {
                DeployError::Target(format!(
                    "无法创建发布目录 {}：{e}；请检查上级目录是否存在、是否有写权限",
                    root.display()
                ))
            })?;
        }
        remove_leftovers(root)?;
        Ok(DirTarget {
            root: root.to_path_buf(),
        })
    }

    fn path(&self, key: &str) -> PathBuf {
        let mut p = self.root.clone();
        p.extend(key.split('/'));
        p
    }

    fn write(&self, key: &str, bytes: &[u8]) -> Result<(), DeployError> {
        let dest = self.path(key);
        let fail = |e: std::io::Error| {
            DeployError::Target(format!(
                "无法写入 {}：{e}；请检查发布目录的权限和磁盘空间",
                dest.display()
            ))
        };
        let parent = dest.parent().unwrap_or(&self.root);
        // A file where a folder is needed (or the reverse) is the target's problem to
        // report, not to repair: it may be someone else's file.
        std::fs::create_dir_all(parent).map_err(fail)?;
        if dest.is_dir() {
            return Err(DeployError::Target(format!(
                "{} 是一个目录，而网站在这里有一个文件：请检查发布目录中是否有不属于本网站的内容",
                dest.display()
            )));
        }
        let mut tmp = tempfile::Builder::new()
            .prefix(TMP_PREFIX)
            .tempfile_in(parent)
            .map_err(fail)?;
        tmp.write_all(bytes).map_err(fail)?;
        tmp.as_file().sync_all().map_err(fail)?;
        tmp.persist(&dest).map_err(|e| fail(e.error))?;
        Ok(())
    }
}

/// The temporary files of a deploy that was killed while writing.
fn remove_leftovers(root: &Path) -> Result<(), DeployError> {
    for e in walkdir::WalkDir::new(root).into_iter().flatten() {
        let ours = e.file_type().is_file()
            && e.file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(TMP_PREFIX));
        if ours {
            std::fs::remove_file(e.path()).map_err(|err| {
                DeployError::Target(format!(
                    "无法删除上次未完成发布留下的临时文件 {}：{err}",
                    e.path().display()
                ))
            })?;
        }
    }
    Ok(())
}

impl Target for DirTarget {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, DeployError> {
        let p = self.path(key);
        match std::fs::read(&p) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(DeployError::Target(format!(
                "无法读取 {}：{e}",
                p.display()
            ))),
        }
    }

    fn put(&self, key: &str, bytes: &[u8], _ct: &str, _cc: &str) -> Result<(), DeployError> {
        self.write(key, bytes)
    }

    fn put_all(&self, files: &[Upload], done: &mut dyn FnMut(&Upload)) -> Result<(), DeployError> {
        for u in files {
            let bytes = u.read()?;
            self.write(&u.key, &bytes)?;
            done(u);
        }
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), DeployError> {
        let p = self.path(key);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(DeployError::Target(format!(
                    "无法删除 {}：{e}",
                    p.display()
                )))
            }
        }
        // Folders the site no longer has go too, up to the target itself; a folder that
        // still holds anything (another file, someone else's) stays.
        let mut dir = p.parent();
        while let Some(d) = dir {
            if d == self.root || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
        Ok(())
    }
}
