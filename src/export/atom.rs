//! Atom feeds (RFC 4287): `/atom.xml` for the whole site and `/<folder>/atom.xml` per kind.
//!
//! Ids are absolute URLs (the feed's HTML page, the record's page): they are permanent as
//! long as `base_url` is. Entry dates are the record's own dates at 00:00 in the site's time
//! zone (`published`; `updated` when given, else `published`); a feed's `updated` is its
//! newest entry's, and 00:00 of the build's day only when the feed has no entry at all.
//!
//! The XML is the theme's `atom.xml` template rendered with the view model made here (a theme
//! may override it: docs/open-data.md).

use super::{content_date, day_start, exported, org_of, summary};
use crate::content::{Kind, Record, Site};
use crate::facts::{BuildTime, Cx};
use crate::plan::Output;
use crate::urls::{absolute, record_url};
use serde::Serialize;
use serde_json::Value;

/// The theme's template of a feed (`themes/default/templates/atom.xml`; a theme may override
/// it like any other template).
pub const TEMPLATE: &str = "atom.xml";

/// One feed to write; `E` is how its entries are held (records, or the preview's keys of
/// them: [`super::live`]).
#[derive(serde::Serialize, serde::Deserialize)]
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
pub fn feeds(cx: Cx) -> Vec<Output> {
    let Cx { site, time, .. } = cx;
    feed_list(cx)
        .iter()
        .map(|f| output(site, time, f))
        .collect()
}

/// A feed's file: the theme's `atom.xml` with the feed's view model.
pub(crate) fn output(site: &Site, time: &BuildTime, f: &Feed<&Record>) -> Output {
    Output::Page {
        path: f.path.clone(),
        template: TEMPLATE.into(),
        ctx: view(site, time, f),
    }
}

/// Every feed of the site and its entries.
pub(crate) fn feed_list<'a>(cx: Cx<'a>) -> Vec<Feed<&'a Record>> {
    let Cx { site, facts, .. } = cx;
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

/// The feed's view model: `feed` (what the `<feed>` element says of itself) and `entries`.
fn view(site: &Site, time: &BuildTime, f: &Feed<&Record>) -> Value {
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
    let org = &site.config.organization.name;
    let feed = FeedView {
        language: &site.config.language,
        id: absolute(site, &f.page),
        title: &f.title,
        subtitle: &f.subtitle,
        updated,
        self_url: absolute(site, &format!("{base}{}", f.path)),
        author: org,
        author_uri: absolute(site, &base),
    };
    let entries: Vec<EntryView> = f.entries.iter().map(|r| entry(site, r)).collect();
    crate::content::view::to_value(FeedPage { feed, entries })
}

/// The feed template's view model.
#[derive(Serialize)]
struct FeedPage<'a> {
    feed: FeedView<'a>,
    entries: Vec<EntryView<'a>>,
}

/// What a feed says of itself.
#[derive(Serialize)]
struct FeedView<'a> {
    /// `xml:lang`.
    language: &'a str,
    /// The feed's id: the absolute URL of the HTML page it mirrors (also its `alternate`).
    id: String,
    title: &'a str,
    subtitle: &'a str,
    updated: String,
    self_url: String,
    /// The publishing organisation and the site's home page.
    author: &'a str,
    author_uri: String,
}

/// One entry: a record.
#[derive(Serialize)]
struct EntryView<'a> {
    /// The record page's absolute URL (its id and `alternate` link).
    url: String,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    author: &'a str,
    /// The kind's folder and label (the first `<category>`).
    kind: &'static str,
    kind_label: &'static str,
    /// The record's 主题分类 (a second `<category>`).
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    /// Plain text; empty when the record has none.
    summary: String,
}

fn entry<'a>(site: &'a Site, r: &'a Record) -> EntryView<'a> {
    EntryView {
        url: absolute(site, &record_url(site, r)),
        title: &r.common.title,
        updated: content_date(r).map(|d| day_start(site, d)),
        published: r.common.published.map(|d| day_start(site, d)),
        author: org_of(site, r),
        kind: r.kind.folder(),
        kind_label: r.kind.label(),
        category: r.common.category.as_deref(),
        summary: summary(r),
    }
}
