//! Machine-readable exports planned beside the pages: Atom feeds, the iCalendar feed of
//! consultation deadlines, open data (JSON with JSON Schemas, CSV), `sitemap.xml` and
//! `robots.txt`; and the paginated 信息公开目录 (catalogue) with its facets, planned with the
//! pages.
//!
//! Everything here is a pure function of the site model, the facts and the build time: no I/O
//! and no clock. Dates that reach output come from the records (published, updated, decided,
//! the consultation window), never from the build clock, so two builds of the same inputs give
//! the same bytes even with a different `--now` as long as no state changed.
//!
//! What is left out: enforcement decisions that are withdrawn, changed, about minors or past
//! their display period (`Facts::hidden`) leave every feed, data file, sitemap and catalogue
//! page; drafts (present only in a `--drafts` preview) never enter a feed, data file or the
//! sitemap, so a preview deployed by mistake does not push them to subscribers.

pub mod atom;
pub mod ics;
pub mod live;
pub mod opendata;
pub mod sitemap;

use crate::content::{Kind, Record, Site};
use crate::facts::{Cx, Facts};
use crate::plan::Output;

pub use crate::content::view::{instant, md_text};
pub use crate::facts::{exported, org_of};
use jiff::civil::Date;

/// The most entries a feed carries.
pub const FEED_ENTRIES: usize = 50;

/// Plan the exports. Must run after every page has been planned: `sitemap` has noted the
/// pages. Each export is handed to `emit` as soon as it is made.
pub fn extend(
    cx: Cx,
    sitemap: sitemap::Collector,
    mut live: Option<&mut live::LiveExports>,
    emit: &mut dyn FnMut(Output),
) {
    match live.as_deref_mut() {
        Some(l) => l.feeds(cx).into_iter().for_each(&mut *emit),
        None => atom::feeds(cx).into_iter().for_each(&mut *emit),
    }
    ics::calendar(cx).into_iter().for_each(&mut *emit);
    opendata::files_with(cx, live.map(|l| &mut l.data), emit);
    let urls = sitemap.finish();
    sitemap::files(cx.site, &urls, sitemap::MAX_URLS)
        .into_iter()
        .for_each(&mut *emit);
}

/// The exported records of one kind, in site order (newest first).
pub fn exported_of<'a>(
    site: &'a Site,
    facts: &'a Facts,
    kind: Kind,
) -> impl Iterator<Item = &'a Record> + 'a {
    site.of_kind(kind).filter(move |r| exported(facts, r))
}

/// The kinds that have a section (every kind but free pages).
pub fn sections() -> impl Iterator<Item = Kind> {
    Kind::ALL.into_iter().filter(|k| *k != Kind::Page)
}

/// The date a record last changed by its own account: `updated`, else `published`.
pub fn content_date(r: &Record) -> Option<Date> {
    match (r.common.updated, r.common.published) {
        (Some(u), Some(p)) => Some(u.max(p)),
        (u, p) => u.or(p),
    }
}

/// 00:00 of a day in the site's time zone.
pub fn midnight(site: &Site, d: Date) -> Option<jiff::Timestamp> {
    d.to_datetime(jiff::civil::Time::midnight())
        .to_zoned_datetime(site.tz.clone())
        .ok()
        .map(|z| z.timestamp())
}

/// `2026-11-20T00:00:00+08:00`: the start of a day in the site's time zone (RFC 3339).
pub fn day_start(site: &Site, d: Date) -> String {
    match midnight(site, d) {
        Some(t) => instant(site, t),
        None => format!("{d}T00:00:00Z"),
    }
}

/// The host of `base_url` (`rsj.example.gov.cn`), for UIDs.
pub fn host(site: &Site) -> String {
    let b = site.config.base_url_trimmed();
    let rest = b.split_once("://").map(|(_, r)| r).unwrap_or(b);
    rest.split(['/', ':']).next().unwrap_or(rest).to_string()
}

/// Cut a text to at most `n` characters, with an ellipsis when cut.
pub fn cut(text: &str, n: usize) -> String {
    let t = text.trim();
    if t.chars().count() <= n {
        t.to_string()
    } else {
        let mut s: String = t.chars().take(n).collect();
        s.push('…');
        s
    }
}

/// A short plain-text summary of a record: its `summary` field, else the kind's main text.
pub fn summary(r: &Record) -> String {
    if let Some(s) = &r.common.summary {
        if !s.trim().is_empty() {
            return cut(s, 200);
        }
    }
    let main = r.data.summary(r);
    let main = if main.trim().is_empty() {
        r.body.text.clone()
    } else {
        main
    };
    cut(&main, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_counts_characters_not_bytes() {
        assert_eq!(cut("意见征集", 2), "意见…");
        assert_eq!(cut(" 意见 ", 2), "意见");
    }
}
