//! The addresses of the site: a record's URL and output folder, absolute URLs. Pure functions
//! of the configuration and the record, shared by the kinds' hooks, the plan, the exports and
//! the compliance page (`crate::urls` re-exports them).

use crate::content::{Kind, Record, Site};

/// An absolute URL for a site path (`/gk/a/` → `https://host/gk/a/`).
pub fn absolute(site: &Site, path: &str) -> String {
    let base_url = site.config.base_url_trimmed();
    let base_path = site.config.base_path();
    let origin = base_url
        .strip_suffix(base_path.trim_end_matches('/'))
        .unwrap_or(base_url);
    format!("{origin}{path}")
}

/// A record's URL (with the base path).
pub fn record_url(site: &Site, r: &Record) -> String {
    let base = site.config.base_path();
    if r.kind == Kind::Page {
        format!("{base}{}/", r.id)
    } else {
        format!("{base}{}/{}/", r.kind.folder(), r.id)
    }
}

/// The output folder of a record (relative, with a trailing slash).
pub fn record_dir(r: &Record) -> String {
    if r.kind == Kind::Page {
        format!("{}/", r.id)
    } else {
        format!("{}/{}/", r.kind.folder(), r.id)
    }
}
