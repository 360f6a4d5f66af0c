//! Stat many paths under one folder, each relative to that folder opened once.
//!
//! Comparing the output folder with its manifest stats every file and folder in it (257,000
//! at 100,000 records). Given a whole path, the kernel walks every component of it, those of
//! the output folder's own path included, for each of them; relative to the open folder it
//! walks only the part below it. On Linux this is `statx(2)` on the open folder (rustix);
//! elsewhere the whole path is stat'ed through the standard library.

use std::io;
use std::path::Path;

/// What the manifest compares of an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Stat {
    /// `'f'` a regular file, `'d'` a folder, `'-'` anything else (a link, a device…).
    pub(super) kind: char,
    pub(super) size: u64,
    /// Modification and change time (ns since the epoch) and inode, as
    /// [`super::cache::stamps`] gives them.
    pub(super) stamps: (i64, i64, u64),
}

/// A folder whose descendants are stat'ed relative to it.
pub(super) struct Folder {
    #[cfg(target_os = "linux")]
    fd: std::os::fd::OwnedFd,
    #[cfg(not(target_os = "linux"))]
    path: std::path::PathBuf,
}

impl Folder {
    /// Open `path` (a folder) for relative stats.
    #[cfg(target_os = "linux")]
    pub(super) fn open(path: &Path) -> io::Result<Folder> {
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        Ok(Folder {
            fd: rustix::fs::open(path, flags, Mode::empty())?,
        })
    }

    #[cfg(not(target_os = "linux"))]
    pub(super) fn open(path: &Path) -> io::Result<Folder> {
        if !std::fs::metadata(path)?.is_dir() {
            return Err(io::Error::other(format!(
                "{} is not a folder",
                path.display()
            )));
        }
        Ok(Folder {
            path: path.to_path_buf(),
        })
    }

    /// `rel` (`/`-separated, relative to the folder; empty for the folder itself), not
    /// following a final symbolic link.
    #[cfg(target_os = "linux")]
    pub(super) fn stat(&self, rel: &str) -> io::Result<Stat> {
        use rustix::fs::{AtFlags, FileType, StatxFlags};
        let path = if rel.is_empty() { "." } else { rel };
        let want = StatxFlags::TYPE
            | StatxFlags::SIZE
            | StatxFlags::MTIME
            | StatxFlags::CTIME
            | StatxFlags::INO;
        let x = rustix::fs::statx(&self.fd, path, AtFlags::SYMLINK_NOFOLLOW, want)?;
        let ns = |t: rustix::fs::StatxTimestamp| {
            t.tv_sec
                .saturating_mul(1_000_000_000)
                .saturating_add(i64::from(t.tv_nsec))
        };
        let kind = match FileType::from_raw_mode(u32::from(x.stx_mode)) {
            FileType::RegularFile => 'f',
            FileType::Directory => 'd',
            _ => '-',
        };
        Ok(Stat {
            kind,
            size: x.stx_size,
            stamps: (ns(x.stx_mtime), ns(x.stx_ctime), x.stx_ino),
        })
    }

    #[cfg(not(target_os = "linux"))]
    pub(super) fn stat(&self, rel: &str) -> io::Result<Stat> {
        let m = std::fs::symlink_metadata(self.path.join(rel))?;
        let ft = m.file_type();
        let kind = if ft.is_file() {
            'f'
        } else if ft.is_dir() {
            'd'
        } else {
            '-'
        };
        Ok(Stat {
            kind,
            size: m.len(),
            stamps: super::cache::stamps(&m),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_stats_are_those_of_the_whole_path() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(root.join("a/b/index.html"), "<p>一</p>").unwrap_or_else(|e| panic!("{e}"));
        let folder = Folder::open(root).unwrap_or_else(|e| panic!("{e}"));
        for (rel, kind) in [("", 'd'), ("a", 'd'), ("a/b", 'd'), ("a/b/index.html", 'f')] {
            let s = folder.stat(rel).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let m = std::fs::symlink_metadata(root.join(rel)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.kind, kind, "{rel}");
            assert_eq!(s.stamps, super::super::cache::stamps(&m), "{rel}");
            if kind == 'f' {
                assert_eq!(s.size, m.len());
            }
        }
        let missing = folder.stat("a/none.html").map(|_| ()).unwrap_err();
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("b", root.join("a/link")).unwrap_or_else(|e| panic!("{e}"));
            let s = folder.stat("a/link").unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.kind, '-', "a link is not followed");
        }
        assert!(Folder::open(&root.join("a/b/index.html")).is_err());
    }
}
