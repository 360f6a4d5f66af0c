//! Theme files: the default theme compiled into the binary, and a site's `themes/<name>/`
//! folder whose files replace the default ones of the same path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/theme_files.rs"));

/// One file of the theme.
#[derive(Debug, Clone)]
pub struct ThemeFile {
    /// Path under the theme (`templates/base.html`, `static/site.css`); for templates, `name`
    /// is the path under `templates/`.
    pub path: String,
    pub name: String,
    pub bytes: Vec<u8>,
    /// Where it came from, when it is a site file (for messages).
    pub origin: Option<PathBuf>,
}

/// The resolved theme.
pub struct Theme {
    files: BTreeMap<String, ThemeFile>,
    site_dir: Option<PathBuf>,
}

impl Theme {
    /// The embedded default theme, overridden by `root/themes/<name>/` where it exists.
    pub fn load(root: &Path, name: &str) -> std::io::Result<Theme> {
        let mut files = BTreeMap::new();
        for (path, bytes) in THEME_FILES {
            files.insert(path.to_string(), file(path, bytes.to_vec(), None));
        }
        let dir = root.join("themes").join(name);
        let mut site_dir = None;
        if dir.is_dir() {
            site_dir = Some(dir.clone());
            for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
                let entry = entry.map_err(std::io::Error::other)?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let rel = entry
                    .path()
                    .strip_prefix(&dir)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                if rel.is_empty() || rel.split('/').any(|s| s.starts_with('.')) {
                    continue;
                }
                let bytes = std::fs::read(entry.path())?;
                files.insert(
                    rel.clone(),
                    file(&rel, bytes, Some(entry.path().to_path_buf())),
                );
            }
        }
        Ok(Theme { files, site_dir })
    }

    /// Templates (files under `templates/`).
    pub fn templates(&self) -> impl Iterator<Item = &ThemeFile> {
        self.files
            .values()
            .filter(|f| f.path.starts_with("templates/"))
    }

    /// Static files (under `static/`), with their output path (`static/site.css`).
    pub fn statics(&self) -> impl Iterator<Item = &ThemeFile> {
        self.files
            .values()
            .filter(|f| f.path.starts_with("static/"))
    }

    pub fn get(&self, path: &str) -> Option<&ThemeFile> {
        self.files.get(path)
    }

    /// Where to look when a template is wrong.
    pub fn origin_hint(&self) -> PathBuf {
        self.site_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("themes/default"))
    }
}

fn file(path: &str, bytes: Vec<u8>, origin: Option<PathBuf>) -> ThemeFile {
    ThemeFile {
        path: path.to_string(),
        name: path.strip_prefix("templates/").unwrap_or(path).to_string(),
        bytes,
        origin,
    }
}
