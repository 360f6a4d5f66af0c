//! What a changed file means for the preview: a pure function from a path to a [`Change`],
//! and the batch of changes one rebuild answers. When in doubt, rebuild everything.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

/// One changed path, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change {
    /// Not a source of the site (output folders, editor swap files, version control…).
    Ignore,
    /// `site.toml`: everything is rebuilt.
    Config,
    /// `calendar/`: holiday data changes working days everywhere; everything is rebuilt.
    Calendar,
    /// `themes/`: the theme is read again; pages are re-rendered when it differs.
    Theme,
    /// A file or folder under `content/` (site-relative): it is read again, and every output
    /// whose view model changed is re-rendered.
    Content(PathBuf),
}

/// Classify a changed `path` (absolute, or relative to the current folder like `root`).
pub(crate) fn classify(root: &Path, path: &Path) -> Change {
    let Ok(rel) = path.strip_prefix(root) else {
        return Change::Ignore;
    };
    let parts: Vec<&str> = match rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str().ok_or(()),
            _ => Err(()),
        })
        .collect::<Result<Vec<_>, ()>>()
    {
        Ok(p) => p,
        // Not valid UTF-8, `..` and the like: nothing the site reads, but be safe.
        Err(()) => return Change::Config,
    };
    let Some(first) = parts.first() else {
        // The site folder itself (moved, re-created): start over.
        return Change::Config;
    };
    if parts.iter().any(|p| scratch_name(p)) {
        return Change::Ignore;
    }
    match *first {
        "site.toml" if parts.len() == 1 => Change::Config,
        "calendar" => Change::Calendar,
        "themes" => Change::Theme,
        "content" => Change::Content(rel.to_path_buf()),
        _ => Change::Ignore,
    }
}

/// Names editors and tools use for scratch files, and hidden files (which the loader skips).
fn scratch_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [".swp", ".swx", ".swo", ".tmp", ".crdownload", ".part"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// What one rebuild has to take into account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Batch {
    /// Forget every cache: a configuration or calendar change, or a watcher in doubt.
    pub full: bool,
    /// The theme changed (its fingerprint decides what is re-rendered).
    pub theme: bool,
    /// Content paths to read again (site-relative).
    pub content: BTreeSet<PathBuf>,
}

impl Batch {
    /// A batch that rebuilds everything.
    pub(crate) fn everything() -> Batch {
        Batch {
            full: true,
            ..Batch::default()
        }
    }

    pub(crate) fn add(&mut self, change: Change) {
        match change {
            Change::Ignore => {}
            Change::Config | Change::Calendar => self.full = true,
            Change::Theme => self.theme = true,
            Change::Content(p) => {
                self.content.insert(p);
            }
        }
    }

    /// Nothing that the site is built from changed.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        !self.full && !self.theme && self.content.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(p: &str) -> Change {
        classify(Path::new("/site"), &Path::new("/site").join(p))
    }

    #[test]
    fn site_toml_is_configuration_but_other_root_files_are_not() {
        assert_eq!(c("site.toml"), Change::Config);
        assert_eq!(c("README.md"), Change::Ignore);
        assert_eq!(
            c("content/site.toml"),
            Change::Content("content/site.toml".into())
        );
    }

    #[test]
    fn record_files_and_attachments_are_content_changes() {
        assert_eq!(
            c("content/documents/a.md"),
            Change::Content("content/documents/a.md".into())
        );
        assert_eq!(
            c("content/permits/x/form.pdf"),
            Change::Content("content/permits/x/form.pdf".into())
        );
        assert_eq!(c("content"), Change::Content("content".into()));
    }

    #[test]
    fn theme_and_calendar_changes_are_recognised() {
        assert_eq!(c("themes/default/templates/base.html"), Change::Theme);
        assert_eq!(c("themes"), Change::Theme);
        assert_eq!(c("calendar/2027.toml"), Change::Calendar);
    }

    #[test]
    fn output_folders_build_folders_and_editor_scratch_files_are_ignored() {
        for p in [
            "public/index.html",
            "target/debug/gongshi",
            ".git/index",
            "content/documents/.a.md.swp",
            "content/documents/a.md~",
            "content/documents/4913",
            "content/documents/#a.md#",
            "content/.hidden/a.md",
            "themes/default/templates/.base.html.swx",
        ] {
            assert_eq!(c(p), Change::Ignore, "{p}");
        }
    }

    #[test]
    fn paths_outside_the_site_are_ignored_and_the_site_folder_itself_rebuilds_all() {
        assert_eq!(
            classify(Path::new("/site"), Path::new("/other/site.toml")),
            Change::Ignore
        );
        assert_eq!(
            classify(Path::new("/site"), Path::new("/site")),
            Change::Config
        );
    }

    #[test]
    fn a_batch_is_full_when_configuration_or_calendar_changed() {
        let mut b = Batch::default();
        assert!(b.is_empty());
        b.add(Change::Ignore);
        assert!(b.is_empty());
        b.add(Change::Content("content/documents/a.md".into()));
        b.add(Change::Content("content/documents/a.md".into()));
        assert_eq!(b.content.len(), 1);
        assert!(!b.full);
        b.add(Change::Theme);
        assert!(b.theme && !b.full);
        b.add(Change::Calendar);
        assert!(b.full);
        assert!(Batch::everything().full);
    }
}
