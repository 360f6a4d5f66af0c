//! Atom feeds (RFC 4287): `/atom.xml` for the whole site and `/<folder>/atom.xml` per kind.
//!
//! Ids are absolute URLs (the feed's HTML page, the record's page): they are permanent as
//! long as `base_url` is. Entry dates are the record's own dates at 00:00 in the site's time
//! zone (`published`; `updated` when given, else `published`); a feed's `updated` is its
//! newest entry's, and 00:00 of the build's day only when the feed has no entry at all.

use super::{content_date, day_start, exported, org_of, summary, xml_escape};
use crate::content::{Kind, Record, Site};
use crate::facts::{BuildTime, Facts};
use crate::plan::Output;
use crate::urls::{absolute, record_url};
use std::fmt::Write;

/// One feed to write; `E` is how its entries are held (records, or the preview's keys of
/// them: [`super::live`]).
pub(crate) struct Feed<E> {
    pub path: String,
    pub title: String,
    pub subtitle: String,
    /// The HTML page the feed mirrors (site path).
    pub page: String,
    pub entries: Vec<E>,
}

impl<E> Feed<E> {
    /// The same feed with its entries held another way (`None` when one can't be).
    pub(crate) fn map<F>(&self, f: impl FnMut(&E) -> Option<F>) -> Option<Feed<F>> {
        Some(Feed {
            path: self.path.clone(),
            title: self.title.clone(),
            subtitle: self.subtitle.clone(),
            page: self.page.clone(),
            entries: self.entries.iter().map(f).collect::<Option<Vec<F>>>()?,
        })
    }
}

/// Every feed of the site.
pub fn feeds(site: &Site, facts: &Facts, time: &BuildTime) -> Vec<Output> {
    feed_list(site, facts)
        .iter()
        .map(|f| output(site, time, f))
        .collect()
}

/// A feed's file.
pub(crate) fn output(site: &Site, time: &BuildTime, f: &Feed<&Record>) -> Output {
    Output::Bytes {
        path: f.path.clone(),
        bytes: render(site, time, f).into_bytes(),
    }
}

/// Every feed of the site and its entries.
pub(crate) fn feed_list<'a>(site: &'a Site, facts: &Facts) -> Vec<Feed<&'a Record>> {
    let base = site.config.base_path();
    let mut all: Vec<&Record> = site
        .records
        .iter()
        .filter(|r| r.kind != Kind::Page && r.common.published.is_some() && exported(facts, r))
        .map(|r| &**r)
        .collect();
    newest_first(&mut all);
    let mut feeds = vec![Feed {
        path: "atom.xml".into(),
        title: site.config.title.clone(),
        subtitle: if site.config.description.is_empty() {
            format!("{}最新发布的信息", site.config.title)
        } else {
            site.config.description.clone()
        },
        page: base.clone(),
        entries: all.iter().copied().take(super::FEED_ENTRIES).collect(),
    }];
    for kind in super::sections() {
        let mut recs: Vec<&Record> = all.iter().copied().filter(|r| r.kind == kind).collect();
        newest_first(&mut recs);
        recs.truncate(super::FEED_ENTRIES);
        feeds.push(Feed {
            path: format!("{}/atom.xml", kind.folder()),
            title: format!("{} · {}", kind.label(), site.config.title),
            subtitle: format!("{}最新发布的{}", site.config.title, kind.label()),
            page: format!("{base}{}/", kind.folder()),
            entries: recs,
        });
    }
    feeds
}

/// Newest published first; ties by the later update, then by key (stable across builds).
fn newest_first(v: &mut [&Record]) {
    v.sort_by(|a, b| {
        b.common
            .published
            .cmp(&a.common.published)
            .then(content_date(b).cmp(&content_date(a)))
            .then(a.key().cmp(&b.key()))
    });
}

fn render(site: &Site, time: &BuildTime, f: &Feed<&Record>) -> String {
    let base = site.config.base_path();
    let updated = f
        .entries
        .iter()
        .filter_map(|r| content_date(r))
        .max()
        .map(|d| day_start(site, d))
        // No entry: the start of the build's day (stable all day, so a rebuild with nothing
        // changed writes the same bytes; RFC 4287 asks for no finer time).
        .unwrap_or_else(|| day_start(site, time.now.to_zoned_datetime(site.tz.clone()).date()));
    let self_url = absolute(site, &format!("{base}{}", f.path));
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(&site.config.language)
    );
    let _ = writeln!(x, "  <id>{}</id>", xml_escape(&absolute(site, &f.page)));
    let _ = writeln!(x, "  <title>{}</title>", xml_escape(&f.title));
    let _ = writeln!(x, "  <subtitle>{}</subtitle>", xml_escape(&f.subtitle));
    let _ = writeln!(x, "  <updated>{updated}</updated>");
    let _ = writeln!(
        x,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&self_url)
    );
    let _ = writeln!(
        x,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&absolute(site, &f.page))
    );
    let _ = writeln!(
        x,
        "  <author><name>{}</name><uri>{}</uri></author>",
        xml_escape(&site.config.organization.name),
        xml_escape(&absolute(site, &base))
    );
    let _ = writeln!(
        x,
        "  <rights>© {}</rights>",
        xml_escape(&site.config.organization.name)
    );
    let _ = writeln!(x, "  <generator>gongshi</generator>");
    for r in &f.entries {
        entry(site, r, &mut x);
    }
    x.push_str("</feed>\n");
    x
}

fn entry(site: &Site, r: &Record, x: &mut String) {
    let url = absolute(site, &record_url(site, r));
    let published = r.common.published.map(|d| day_start(site, d));
    let updated = content_date(r).map(|d| day_start(site, d));
    x.push_str("  <entry>\n");
    let _ = writeln!(x, "    <id>{}</id>", xml_escape(&url));
    let _ = writeln!(x, "    <title>{}</title>", xml_escape(&r.common.title));
    if let Some(u) = &updated {
        let _ = writeln!(x, "    <updated>{u}</updated>");
    }
    if let Some(p) = &published {
        let _ = writeln!(x, "    <published>{p}</published>");
    }
    let _ = writeln!(
        x,
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_escape(&url)
    );
    let _ = writeln!(
        x,
        "    <author><name>{}</name></author>",
        xml_escape(org_of(site, r))
    );
    let _ = writeln!(
        x,
        "    <category term=\"{}\" label=\"{}\"/>",
        r.kind.folder(),
        r.kind.label()
    );
    if let Some(c) = &r.common.category {
        let _ = writeln!(x, "    <category term=\"{}\"/>", xml_escape(c));
    }
    let s = summary(r);
    if !s.is_empty() {
        let _ = writeln!(x, "    <summary type=\"text\">{}</summary>", xml_escape(&s));
    }
    x.push_str("  </entry>\n");
}
