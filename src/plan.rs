//! Plan the site: from the model and the build time, every output path with its template and
//! view model (templates never see domain structs), plus the files to copy. No I/O, no clock.

use crate::content::view::date_text;
use crate::content::view::{attachment_ctx, to_value, AttachmentView, Link, MetaRow, ViewCx};
use crate::content::window::{self, State, Window};
use crate::content::{Data, Kind, Record, Site};
use crate::facts::{listed, Cx};
use crate::render::digested;
use crate::search::live::LiveIndex;
use crate::urls::{absolute, record_dir, record_url};
use serde::Serialize;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::path::PathBuf;

pub(crate) mod catalog;
pub(crate) mod services;

/// One thing to write.
#[derive(Debug, Clone)]
pub enum Output {
    /// Render `template` with `ctx` to `path` (relative to the output root).
    Page {
        path: String,
        template: String,
        ctx: Value,
    },
    /// Copy a file (site-relative source) to `path`.
    Copy { from: PathBuf, path: String },
    /// Write bytes as they are.
    Bytes { path: String, bytes: Vec<u8> },
}

impl Output {
    pub fn path(&self) -> &str {
        match self {
            Output::Page { path, .. } | Output::Copy { path, .. } | Output::Bytes { path, .. } => {
                path
            }
        }
    }
}

/// Which item of the main navigation (`site.nav`) a page is under, and how: `page` when it is
/// the item's own page, `true` when it is in the item's section (procedures and fees are
/// under 办事指南). Worked out once per page here rather than by four comparisons per item in
/// the template; it is also what the navigation bar rendered once per place is keyed by
/// (`src/render/chrome.rs`).
fn nav_current(nav: &[NavItem], url: &str, section: &str) -> Option<(usize, &'static str)> {
    nav.iter().enumerate().find_map(|(i, n)| {
        let s = n.section;
        if n.url == url {
            Some((i, "page"))
        } else if !s.is_empty()
            && (s == section
                || (s == "permits" && matches!(section, "procedures" | "fees" | "services")))
        {
            Some((i, "true"))
        } else {
            None
        }
    })
}

/// The items of the main navigation (`site.nav`): the home page, the kinds that have one, the
/// catalogue. 办事指南 leads to the 办事 hub (`services/`, [`services`]), which lists the
/// guides, procedures and fees together.
fn nav_items(site: &Site) -> Vec<NavItem> {
    let base = site.config.base_path();

    let kinds = Kind::ALL
        .iter()
        .filter_map(|k| k.nav_label().map(|l| (k.folder(), l)));
    std::iter::once(("", "首页"))
        .chain(kinds)
        .chain([("catalog", "信息公开目录")])
        .map(|(section, label)| NavItem {
            url: if section.is_empty() {
                base.clone()
            } else if section == Kind::Permit.folder() {
                format!("{base}services/")
            } else {
                format!("{base}{section}/")
            },
            label,
            section,
        })
        .collect()
}

/// An item of the main navigation: its URL, label and the section it leads to (empty for the
/// home page).
#[derive(Serialize)]
struct NavItem {
    url: String,
    label: &'static str,
    section: &'static str,
}

/// Site-wide context every template gets under `site`.
fn site_ctx(site: &Site, nav: &[NavItem]) -> Value {
    let c = &site.config;
    let base = c.base_path();
    let mut pages: Vec<&Record> = site.of_kind(Kind::Page).collect();
    pages.sort_by_key(|r| (r.data.order().unwrap_or(u32::MAX), r.id.clone()));
    let footer_pages: Vec<Link> = pages
        .iter()
        .map(|r| Link {
            url: format!("{base}{}/", r.id),
            title: &r.common.title,
        })
        .collect();
    let o = &c.organization;
    to_value(SiteView {
        title: &c.title,
        description: &c.description,
        base: &base,
        base_url: c.base_url_trimmed(),
        language: &c.language,
        feedback_url: feedback_url(site),
        org: OrgView {
            name: &o.name,
            address: &o.address,
            postcode: &o.postcode,
            phone: &o.phone,
            hotline: &o.hotline,
            email: &o.email,
            hours: &o.hours,
        },
        records: RecordsView {
            icp: &c.records.icp,
            public_security: &c.records.public_security,
            public_security_code: c
                .records
                .public_security
                .chars()
                .filter(char::is_ascii_digit)
                .collect(),
            site_code: &c.records.site_code,
            badge_url: &c.records.badge_url,
            badge_image: &c.records.badge_image,
        },
        nav,
        footer_pages,
        requests: c
            .requests
            .enabled
            .then_some(if c.requests.office.is_empty() {
                o.name.as_str()
            } else {
                c.requests.office.as_str()
            }),
    })
}

/// The view model of the receiver's frame (`receipt.html`, see `feedback::html::Frame`): the
/// site's header, navigation and footer around a body and a title the receiver fills in
/// (`title_mark`). A receiver on another host (an absolute `feedback_url`) gets absolute
/// addresses for the site's stylesheet, script and links.
pub(crate) fn receiver_frame_ctx(site: &Site, title_mark: &str) -> Value {
    let nav = nav_items(site);
    let mut s = site_ctx(site, &nav);
    let f = &site.config.feedback_url;
    if f.starts_with("http://") || f.starts_with("https://") {
        s["base"] = json!(format!("{}/", site.config.base_url_trimmed()));
    }
    let base = s["base"].as_str().unwrap_or("/").to_string();
    json!({
        "site": s,
        "page": {"title": title_mark, "noindex": true, "section": "receipt",
                 "breadcrumbs": [{"label": "首页", "url": base}, {"label": title_mark, "url": ""}]},
    })
}

/// `site`: the site's configuration as templates see it, its navigation and footer links.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base: &'a str,
    base_url: &'a str,
    language: &'a str,
    feedback_url: String,
    org: OrgView<'a>,
    records: RecordsView<'a>,
    nav: &'a [NavItem],
    footer_pages: Vec<Link<'a>>,
    /// 依申请公开: the office that handles requests, when the site takes them (`[requests]`);
    /// left out otherwise, so sites without it render as before.
    #[serde(skip_serializing_if = "Option::is_none")]
    requests: Option<&'a str>,
}

/// `site.records`: 备案信息 and 网站标识码.
#[derive(Serialize)]
struct RecordsView<'a> {
    icp: &'a str,
    public_security: &'a str,
    /// The record number's digits (the police record site's query takes them).
    public_security_code: String,
    site_code: &'a str,
    badge_url: &'a str,
    badge_image: &'a str,
}

/// `site.org`: the organisation's contact details (not its internal code).
#[derive(Serialize)]
struct OrgView<'a> {
    name: &'a str,
    address: &'a str,
    postcode: &'a str,
    phone: &'a str,
    hotline: &'a str,
    email: &'a str,
    hours: &'a str,
}

fn feedback_url(site: &Site) -> String {
    let f = &site.config.feedback_url;
    if f.starts_with("http://") || f.starts_with("https://") {
        f.trim_end_matches('/').to_string()
    } else {
        let base = site.config.base_path();
        format!(
            "{}{}",
            base.trim_end_matches('/'),
            if f.starts_with('/') {
                f.clone()
            } else {
                format!("/{f}")
            }
        )
        .trim_end_matches('/')
        .to_string()
    }
}

/// An item of a page's breadcrumbs.
#[derive(Clone, Serialize)]
pub(crate) struct Crumb<'a> {
    label: Cow<'a, str>,
    url: String,
}

impl<'a> Crumb<'a> {
    pub(crate) fn new(label: impl Into<Cow<'a, str>>, url: String) -> Self {
        Crumb {
            label: label.into(),
            url,
        }
    }
}

/// The metadata table rows (索引号, 发布机构, 发布日期, 文号, 有效性 …).
fn meta_rows<'a>(site: &'a Site, r: &'a Record) -> Vec<MetaRow<'a>> {
    let mut rows = Vec::new();
    let org = r
        .common
        .organization
        .as_deref()
        .unwrap_or(&site.config.organization.name);
    if let Some(v) = r.common.public_index_no() {
        rows.push(MetaRow::text("索引号", v));
    }
    rows.push(MetaRow::text("发布机构", org));
    if let Some(v) = &r.common.category {
        rows.push(MetaRow::text("主题分类", v));
    }
    if let Some(d) = r.common.published {
        rows.push(MetaRow::date("发布日期", d));
    }
    if let Some(d) = r.common.updated {
        rows.push(MetaRow::date("更新日期", d));
    }
    if let Some(v) = &r.common.doc_no {
        rows.push(MetaRow::text("文号", v));
    }
    r.data.meta_rows(&mut rows);
    rows
}

/// Does the page of `x` show a link (URL and title) to the record `key`, other than as its
/// neighbour? Every `url_of` of [`kind_ctx`] must be here (a test checks the example site).
/// A decision's page also links the 行政复议 decisions that review it (「复议情况」), and a
/// document's page the documents that interpret it (「政策解读」).
pub(crate) fn links_to(site: &Site, x: &Record, key: &str) -> bool {
    x.data.links_to(key)
        || match (&x.data, site.get(key).map(|y| &y.data)) {
            (Data::Enforcement(_), Some(Data::Enforcement(y))) => {
                y.reviews.as_deref().map(str::trim) == Some(x.id.as_str())
            }
            (Data::Document(_), Some(Data::Document(y))) => {
                y.interprets.as_deref() == Some(x.id.as_str())
            }
            _ => false,
        }
}

fn kind_ctx(cx: Cx, r: &Record) -> Value {
    let Cx { site, facts, .. } = cx;
    r.data.view(&ViewCx { site, facts, r })
}

/// A service guide's group on the permits list: its rank and heading — the item types in the
/// national catalogue's order (行政许可, 公共服务, 其他行政权力), then 「未注明类型」 for a guide
/// whose `item_type` is not entered (never guessed).
fn permit_group(r: &Record) -> (usize, &'static str) {
    use crate::content::kinds::permit::ItemType;
    match &r.data {
        Data::Permit(p) => match p.item_type {
            Some(t) => (
                ItemType::VALUES
                    .iter()
                    .position(|v| *v == t.as_str())
                    .unwrap_or(0),
                t.as_str(),
            ),
            None => (ItemType::VALUES.len(), "未注明类型"),
        },
        _ => (0, ""),
    }
}

/// The permits list's groups on one page: heading, heading id and the list items, in order.
fn permit_groups(records: &[&Record], items: &[ListItem]) -> Vec<Value> {
    let mut groups: Vec<Value> = Vec::new();
    let mut last = None;
    for (r, it) in records.iter().zip(items) {
        let (rank, label) = permit_group(r);
        if last != Some(rank) {
            groups.push(json!({"label": label, "id": format!("type-{}", rank + 1), "items": []}));
            last = Some(rank);
        }
        if let Some(list) = groups
            .last_mut()
            .and_then(|g| g.get_mut("items"))
            .and_then(Value::as_array_mut)
        {
            list.push(to_value(it));
        }
    }
    groups
}

/// A record in a list: title, url, date, summary and a status word.
pub(crate) fn list_item<'a>(cx: Cx<'a>, r: &'a Record) -> ListItem<'a> {
    let Cx { site, facts, .. } = cx;
    let days_left = facts.days_left.get(&r.key()).copied();
    let (status, extra) = r.data.list_status(&ViewCx { site, facts, r });
    let c = &r.common;
    ListItem {
        url: record_url(site, r),
        title: &c.title,
        date: c.published.map(|d| d.to_string()),
        date_text: c.published.map(date_text),
        summary: c.summary.as_deref(),
        status,
        extra,
        days_left,
        kind: r.kind.folder(),
        kind_label: r.kind.label(),
        index_no: c.public_index_no().map(String::as_str),
        doc_no: c.doc_no.as_deref(),
        organization: c
            .organization
            .as_deref()
            .unwrap_or(&site.config.organization.name),
        category: c.category.as_deref(),
    }
}

/// A record in a list (see [`list_item`]).
#[derive(Serialize)]
pub(crate) struct ListItem<'a> {
    url: String,
    title: &'a str,
    date: Option<String>,
    date_text: Option<String>,
    summary: Option<&'a str>,
    status: Option<String>,
    extra: Option<String>,
    days_left: Option<u32>,
    kind: &'static str,
    kind_label: &'static str,
    index_no: Option<&'a str>,
    doc_no: Option<&'a str>,
    organization: &'a str,
    category: Option<&'a str>,
}

pub(crate) fn breadcrumbs<'a>(site: &Site, items: &[(&'a str, String)]) -> Vec<Crumb<'a>> {
    let base = site.config.base_path();
    let mut v = vec![Crumb::new("首页", base)];
    v.extend(items.iter().map(|(l, u)| Crumb::new(*l, u.clone())));
    v
}

/// The record's 修订记录 (newest first) with its first-published and last-changed dates.
/// Only commits carrying a public change note (`公示说明:` trailer, `history::public_note`)
/// are listed, under that note, and only they date 最后修改: a developer's commit subject or a
/// reformatting commit is never shown to the public.
fn history_ctx<'a>(cx: Cx<'a>, r: &Record) -> HistoryView<'a> {
    let Cx { site, facts, .. } = cx;
    let entries: Vec<HistoryEntry> = facts
        .history
        .get(&r.source)
        .map(|list| {
            list.iter()
                .filter_map(|e| e.commit.note.as_deref().map(|n| (e, n)))
                .map(|(e, note)| {
                    let d = e.commit.time.to_zoned_datetime(site.tz.clone()).date();
                    HistoryEntry {
                        date: date_text(d),
                        iso: d.to_string(),
                        subject: note,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let last_commit = facts
        .history
        .get(&r.source)
        .and_then(|l| l.iter().find(|e| e.commit.note.is_some()))
        .map(|e| e.commit.time.to_zoned_datetime(site.tz.clone()).date());
    let last = match (r.common.updated, last_commit) {
        (Some(u), Some(c)) => Some(u.max(c)),
        (u, c) => u.or(c),
    };
    HistoryView {
        entries,
        first_published: r.common.published.map(date_text),
        first_published_iso: r.common.published.map(|d| d.to_string()),
        last_changed: last.map(date_text),
        last_changed_iso: last.map(|d| d.to_string()),
    }
}

/// A record's 修订记录 (`record.history`, see [`history_ctx`]).
#[derive(Serialize)]
struct HistoryView<'a> {
    entries: Vec<HistoryEntry<'a>>,
    first_published: Option<String>,
    first_published_iso: Option<String>,
    last_changed: Option<String>,
    last_changed_iso: Option<String>,
}

/// One change of a record's history.
#[derive(Serialize)]
struct HistoryEntry<'a> {
    date: String,
    iso: String,
    subject: &'a str,
}

/// Everything searchable in a record beyond its body: table cells, lists, rendered fields.
pub(crate) fn search_text(r: &Record) -> String {
    let mut parts: Vec<String> = vec![r.body.text.clone()];
    if let Some(s) = &r.common.summary {
        parts.push(s.clone());
    }
    // A 不予公开 stub's decision texts are not published: the search does not hold them.
    if !matches!(&r.data, Data::Enforcement(e) if e.is_withheld()) {
        parts.extend(r.md.values().map(|m| m.text.clone()));
    }
    parts.extend(r.common.tags.iter().cloned());
    r.data.search_text(&mut parts);
    parts.join(" ")
}

/// The search index's document for a record (its body left empty: see [`search_text`]).
pub(crate) fn search_doc(
    site: &Site,
    facts: &crate::facts::Facts,
    r: &Record,
) -> crate::search::SearchDoc {
    let base = site.config.base_path();
    let url = record_url(site, r);
    let mut meta: Vec<String> = [r.common.doc_no.as_ref(), r.common.public_index_no()]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    if let Data::Enforcement(e) = &r.data {
        meta.push(e.case_no.clone());
        // The 统一社会信用代码 the page shows (never a natural person's, as in the open
        // data): people look a business up by it.
        if e.party.party_type != crate::content::kinds::enforcement::PartyType::NaturalPerson
            && !e.is_withheld()
        {
            meta.extend(e.party.credit_code.clone());
        }
    }
    meta.push(
        r.common
            .organization
            .clone()
            .unwrap_or_else(|| site.config.organization.name.clone()),
    );
    crate::search::SearchDoc {
        url: url
            .strip_prefix(base.trim_end_matches('/'))
            .unwrap_or(&url)
            .to_string(),
        title: r.common.title.clone(),
        kind: r.kind.folder().to_string(),
        kind_label: r.kind.label().to_string(),
        date: r
            .common
            .published
            .map(|d| d.to_string())
            .unwrap_or_default(),
        year: r.common.published.map(|d| i32::from(d.year())).unwrap_or(0),
        meta,
        body: String::new(),
        open: facts
            .windows
            .get(&r.key())
            .is_some_and(|(_, s)| *s == State::Open),
    }
}

/// The records of the search index and their documents.
fn search_docs<'a>(cx: Cx<'a>) -> (Vec<&'a Record>, Vec<crate::search::SearchDoc>) {
    let Cx { site, facts, .. } = cx;
    let indexed: Vec<&Record> = site
        .records
        .iter()
        .filter(|r| crate::facts::exported(facts, r))
        .map(|r| &**r)
        .collect();
    let docs = indexed.iter().map(|r| search_doc(site, facts, r)).collect();
    (indexed, docs)
}

/// [`search_outputs`], each file handed to `emit` as soon as it is made.
fn search_outputs_each(cx: Cx, emit: &mut dyn FnMut(Output)) {
    // The bodies are made as the index reads them, so that they are never all in memory at
    // once (on a large site that would be a large part of the build's memory).
    let (indexed, docs) = search_docs(cx);
    let body = |i: usize| indexed.get(i).map(|r| search_text(r)).unwrap_or_default();
    crate::search::build_index_each(&docs, &body, &mut |f| {
        emit(Output::Bytes {
            path: f.path,
            bytes: f.bytes,
        })
    });
}

/// [`search_outputs_each`], keeping the index for updates after a one-record edit.
pub(crate) fn search_outputs_live(
    cx: Cx,
    keep: &mut Option<LiveIndex>,
    emit: &mut dyn FnMut(Output),
) {
    let (indexed, docs) = search_docs(cx);
    let body = |i: usize| indexed.get(i).map(|r| search_text(r)).unwrap_or_default();
    let (index, files) = LiveIndex::build(&docs, &body);
    *keep = index;
    for f in files {
        emit(Output::Bytes {
            path: f.path,
            bytes: f.bytes,
        });
    }
}

/// The page numbers (0-based) a pager links to: the first and last pages and those within
/// 3 of the current one, with `None` for each gap. Listing every page made each list page
/// O(pages) long and a section O(pages²) to plan, render and store (55,000 decisions: 2,750
/// pages × 2,750 links).
pub(crate) fn pager_window(pages: usize, current: usize) -> Vec<Option<usize>> {
    const AROUND: usize = 3;
    let mut shown: Vec<usize> = (current.saturating_sub(AROUND)..=current + AROUND).collect();
    shown.push(0);
    shown.push(pages.saturating_sub(1));
    shown.retain(|&n| n < pages);
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() + 2);
    for (i, &n) in shown.iter().enumerate() {
        if i > 0 && shown.get(i - 1).is_some_and(|&prev| n > prev + 1) {
            out.push(None);
        }
        out.push(Some(n));
    }
    out
}

/// The pager of page `p` (0-based) of `pages` (`null` for a single page): the section lists
/// and the catalogue use the same one.
pub(crate) fn pager_ctx(pages: usize, p: usize, url_of: &dyn Fn(usize) -> String) -> Option<Pager> {
    if pages <= 1 {
        return None;
    }
    let links = pager_window(pages, p)
        .into_iter()
        .map(|n| match n {
            Some(n) => PagerLink::Page {
                n: n + 1,
                url: url_of(n),
                current: n == p,
            },
            None => PagerLink::Gap { gap: true },
        })
        .collect();
    Some(Pager {
        pages: links,
        prev: (p > 0).then(|| url_of(p - 1)),
        next: (p + 1 < pages).then(|| url_of(p + 1)),
    })
}

/// A list's pager (see [`pager_ctx`]).
#[derive(Serialize)]
pub(crate) struct Pager {
    pages: Vec<PagerLink>,
    prev: Option<String>,
    next: Option<String>,
}

/// A pager's link to a page (numbered from 1), or a gap between the pages it shows.
#[derive(Serialize)]
#[serde(untagged)]
enum PagerLink {
    Page {
        n: usize,
        url: String,
        current: bool,
    },
    Gap {
        gap: bool,
    },
}

/// Plan every page of the site (records, lists, the catalogue, fixed pages), handing each
/// output to `emit` as soon as it is planned. The search index ([`plan_search`]) and the
/// exports are planned after the pages, by the build ([`crate::build::plan_site`]).
pub(crate) fn plan_pages(cx: Cx, emit: &mut dyn FnMut(Output)) {
    plan_pages_of(cx, What::All, emit);
}

/// Plan the search index's files, handing each to `emit` as soon as it is made. With
/// `search`, the index is kept there for updates after a one-record edit (the preview).
pub(crate) fn plan_search(
    cx: Cx,
    search: Option<&mut Option<LiveIndex>>,
    emit: &mut dyn FnMut(Output),
) {
    match search {
        Some(l) => search_outputs_live(cx, l, emit),
        None => search_outputs_each(cx, emit),
    }
}

/// Adds the site-wide parts every page's view model has (`site`, the canonical URL).
struct PageMaker<'a> {
    site: &'a Site,
    site_v: Value,
    nav: Vec<NavItem>,
}

impl<'a> PageMaker<'a> {
    fn new(site: &'a Site) -> Self {
        let nav = nav_items(site);
        PageMaker {
            site,
            site_v: digested(site_ctx(site, &nav)),
            nav,
        }
    }

    fn page(&self, path: String, template: &str, mut ctx: Value) -> Output {
        if let Value::Object(m) = &mut ctx {
            if let Some(Value::Object(pg)) = m.get_mut("page") {
                let url = pg
                    .get("url")
                    .and_then(Value::as_str)
                    .unwrap_or("/")
                    .to_string();
                pg.insert("canonical".into(), json!(absolute(self.site, &url)));
                let section = pg.get("section").and_then(Value::as_str).unwrap_or("");
                if let Some((i, how)) = nav_current(&self.nav, &url, section) {
                    pg.insert("nav".into(), json!({"index": i, "current": how}));
                }
            }
            m.insert("site".into(), self.site_v.clone());
        }
        Output::Page {
            path,
            template: template.to_string(),
            ctx,
        }
    }
}

/// How many record pages are planned together (in parallel) before they are handed on.
const RECORD_CHUNK: usize = 512;

/// The outputs of one record: its page (or the notice that replaced it) and its attachments.
/// `prev`/`next` are its neighbours among the listed records of its kind.
fn record_outputs(
    pm: &PageMaker,
    cx: Cx,
    r: &Record,
    prev: Option<&Record>,
    next: Option<&Record>,
) -> Vec<Output> {
    let (site, facts) = (pm.site, cx.facts);
    let kind = r.kind;
    let base = site.config.base_path();
    let url = record_url(site, r);
    let dir = record_dir(r);
    let section = Crumb::new(kind.label(), format!("{base}{}/", kind.folder()));
    let crumbs = if kind == Kind::Page {
        breadcrumbs(site, &[(r.common.title.as_str(), url.clone())])
    } else {
        breadcrumbs(
            site,
            &[
                (kind.label(), format!("{base}{}/", kind.folder())),
                (r.common.title.as_str(), url.clone()),
            ],
        )
    };
    if let Some(h) = facts.hidden.get(&r.key()) {
        let notice = WithdrawnPage {
            page: WithdrawnHead {
                title: &r.common.title,
                url,
                breadcrumbs: crumbs,
                section: kind.folder(),
                noindex: true,
            },
            notice: Notice {
                date: date_text(h.date),
                reason: &h.reason,
                status: &h.status,
                case_no: match &r.data {
                    Data::Enforcement(e) => Some(e.case_no.as_str()),
                    _ => None,
                },
            },
            section_link: section,
        };
        return vec![pm.page(
            format!("{dir}index.html"),
            "withdrawn.html",
            to_value(notice),
        )];
    }
    let c = &r.common;
    let template = format!("record/{}.html", kind.name());
    let ctx = RecordPage {
        page: RecordHead {
            title: &c.title,
            url: url.clone(),
            breadcrumbs: crumbs,
            section: kind.folder(),
            description: c.summary.as_deref(),
            source: r.source.to_string_lossy().replace('\\', "/"),
        },
        record: RecordView {
            kind: kind.folder(),
            kind_label: kind.label(),
            id: &r.id,
            title: &c.title,
            url,
            meta: meta_rows(site, r),
            body: &r.body.html,
            summary: c.summary.as_deref(),
            lang: c.lang,
            attachments: c
                .attachments
                .iter()
                .map(|a| attachment_ctx(site, r, &a.file, &a.title))
                .collect(),
            tags: &c.tags,
            draft: c.draft,
            published: c.published.map(date_text),
            updated: c.updated.map(date_text),
            d: kind_ctx(cx, r),
            history: history_ctx(cx, r),
        },
        prev: prev.map(|x| Link::to(site, x)),
        next: next.map(|x| Link::to(site, x)),
        section_link: section,
    };
    let mut out = vec![pm.page(format!("{dir}index.html"), &template, to_value(ctx))];
    // Attachments are copied next to the page.
    for f in attached_files(r) {
        out.push(Output::Copy {
            from: r.dir.join(f),
            path: format!("{dir}{f}"),
        });
    }
    out
}

/// The home page (`index.html`): the open consultations, the latest records of three kinds
/// and the catalogue's categories with their counts.
#[derive(Serialize)]
struct HomePage<'a> {
    page: HomeHead<'a>,
    consultations: Vec<ListItem<'a>>,
    enforcement: Vec<ListItem<'a>>,
    documents: Vec<ListItem<'a>>,
    permits: Vec<ListItem<'a>>,
    catalogue: &'a [catalog::Category],
}

/// `page` of the home page.
#[derive(Serialize)]
struct HomeHead<'a> {
    title: &'a str,
    url: String,
    breadcrumbs: Vec<Crumb<'a>>,
    section: &'static str,
    home: bool,
}

/// A fixed page (纠错, 咨询建议投诉, 站内搜索); the search page also lists the kinds to filter
/// by.
#[derive(Serialize)]
struct FixedPage<'a> {
    page: FixedHead<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kinds: Option<Vec<KindLink>>,
    /// The search page's synonym list (`data-synonyms`, see `crate::search::synonyms`).
    #[serde(skip_serializing_if = "Option::is_none")]
    synonyms: Option<String>,
}

/// `page` of a fixed page; `noindex` is left out when false.
#[derive(Serialize)]
struct FixedHead<'a> {
    title: &'static str,
    url: String,
    breadcrumbs: Vec<Crumb<'a>>,
    section: &'static str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    noindex: bool,
}

/// The site map page (`sitemap.html`): the sections with their counts, the catalogue and its
/// facets, the free pages and the services.
#[derive(Serialize)]
struct SiteMapPage<'a> {
    page: FixedHead<'a>,
    sections: &'a [catalog::Category],
    catalog: SiteMapCatalog<'a>,
    pages: Vec<Link<'a>>,
    services: [Link<'static>; 3],
}

/// The catalogue on the site map: its URL, its number of rows and its facets.
#[derive(Serialize)]
struct SiteMapCatalog<'a> {
    url: String,
    count: usize,
    facets: &'a [catalog::FacetView],
}

/// A consultation's participation report page (`report.html`).
#[derive(Serialize)]
struct ReportPage<'a> {
    page: ReportHead<'a>,
    consultation: ReportOf<'a>,
    report: &'a crate::ledger::report::ReportData,
}

/// `page` of a participation report.
#[derive(Serialize)]
struct ReportHead<'a> {
    title: String,
    url: String,
    breadcrumbs: Vec<Crumb<'a>>,
    section: &'static str,
}

/// The consultation a participation report is about.
#[derive(Serialize)]
struct ReportOf<'a> {
    title: &'a str,
    url: String,
    decision_type: &'a str,
    /// The window's notice sentence, when it is known.
    window: Option<String>,
    outcome_published: String,
    organizer: Option<&'a str>,
}

/// A kind as the search page's filter names it.
#[derive(Serialize)]
struct KindLink {
    folder: &'static str,
    label: &'static str,
}

/// A page of a section's list (`list.html`).
#[derive(Serialize)]
struct ListPage<'a> {
    page: ListHead<'a>,
    kind: &'static str,
    kind_label: &'static str,
    items: Vec<ListItem<'a>>,
    groups: Option<Vec<Value>>,
    total: usize,
    pager: Option<Pager>,
}

/// `page` of a list page.
#[derive(Serialize)]
struct ListHead<'a> {
    title: String,
    url: String,
    breadcrumbs: Vec<Crumb<'a>>,
    section: &'static str,
}

/// The view model of a record's page (`record/NAME.html`).
#[derive(Serialize)]
struct RecordPage<'a> {
    page: RecordHead<'a>,
    record: RecordView<'a>,
    prev: Option<Link<'a>>,
    next: Option<Link<'a>>,
    section_link: Crumb<'a>,
}

/// `page` of a record's page.
#[derive(Serialize)]
struct RecordHead<'a> {
    title: &'a str,
    url: String,
    breadcrumbs: Vec<Crumb<'a>>,
    section: &'static str,
    description: Option<&'a str>,
    source: String,
}

/// `record` of a record's page: the common fields, the metadata table, the kind's own view
/// model (`d`) and the history.
#[derive(Serialize)]
struct RecordView<'a> {
    kind: &'static str,
    kind_label: &'static str,
    id: &'a str,
    title: &'a str,
    url: String,
    meta: Vec<MetaRow<'a>>,
    body: &'a str,
    summary: Option<&'a str>,
    lang: Option<crate::content::kinds::Lang>,
    attachments: Vec<AttachmentView<'a>>,
    tags: &'a [String],
    draft: bool,
    published: Option<String>,
    updated: Option<String>,
    d: Value,
    history: HistoryView<'a>,
}

/// The notice that replaces a withdrawn record's page (`withdrawn.html`).
#[derive(Serialize)]
struct WithdrawnPage<'a> {
    page: WithdrawnHead<'a>,
    notice: Notice<'a>,
    section_link: Crumb<'a>,
}

/// `page` of a withdrawn record's notice (never indexed).
#[derive(Serialize)]
struct WithdrawnHead<'a> {
    title: &'a str,
    url: String,
    breadcrumbs: Vec<Crumb<'a>>,
    section: &'static str,
    noindex: bool,
}

/// Why and since when a record is withdrawn.
#[derive(Serialize)]
struct Notice<'a> {
    date: String,
    reason: &'a str,
    status: &'a str,
    case_no: Option<&'a str>,
}

/// The files a record attaches (attachments, a permit's sample forms, a consultation's
/// documents), relative to its folder, sorted and without repeats.
pub(crate) fn attached_files(r: &Record) -> Vec<&str> {
    let mut files: Vec<&str> = r
        .common
        .attachments
        .iter()
        .map(|a| a.file.as_str())
        .collect();
    files.extend(r.data.attachments().into_iter().map(|(_, f)| f));
    files.sort_unstable();
    files.dedup();
    files
}

/// The outputs of one record as the full plan makes them (the preview's one-record rebuild):
/// its page with its neighbours among the listed records of its kind, and its attachments.
pub(crate) fn one_record(cx: Cx, r: &Record) -> Vec<Output> {
    let pm = PageMaker::new(cx.site);
    let (prev, next) = neighbours(cx, r);
    record_outputs(&pm, cx, r, prev, next)
}

/// The listed records of the same kind before and after `r` (records are sorted by kind, so
/// they are next to it); none when it is not listed itself.
pub(crate) fn neighbours<'a>(cx: Cx<'a>, r: &Record) -> (Option<&'a Record>, Option<&'a Record>) {
    let Cx { site, facts, .. } = cx;
    let at = site.position(&r.key()).filter(|_| listed(facts, r));
    let shown = |i: &usize| {
        site.records
            .get(*i)
            .filter(|x| x.kind == r.kind)
            .map(|x| &**x)
    };
    let walk = |range: &mut dyn Iterator<Item = usize>| {
        range.map_while(|i| shown(&i)).find(|x| listed(facts, x))
    };
    let prev = at.and_then(|p| walk(&mut (0..p).rev()));
    let next = at.and_then(|p| walk(&mut (p + 1..site.records.len())));
    (prev, next)
}

/// The records before and after place `pos` of `shown` (none when the record is not shown).
fn around<'a>(
    shown: &[&'a Record],
    pos: Option<usize>,
) -> (Option<&'a Record>, Option<&'a Record>) {
    let prev = pos
        .and_then(|p| p.checked_sub(1))
        .and_then(|p| shown.get(p))
        .copied();
    let next = pos.and_then(|p| shown.get(p + 1)).copied();
    (prev, next)
}

/// Which pages [`plan_pages_of`] plans.
enum What<'a> {
    /// Every page.
    All,
    /// The pages other than records' own that show this record's list entry: the page of its
    /// section's list and of the catalogue and each catalogue facet it is on, and the home
    /// page, site map, reports and fixed pages (few, and cheap to compare); no search index.
    ListsWith(&'a Record),
}

/// The pages other than records' own that can show `r`'s list entry (see
/// [`What::ListsWith`]). The one-record rebuild plans them after an edit of a title (or
/// another field of the list entry) that left the record in the same place of every list.
pub(crate) fn plan_lists_with(cx: Cx, r: &Record) -> Vec<Output> {
    let mut out = Vec::new();
    plan_pages_of(cx, What::ListsWith(r), &mut |o| out.push(o));
    out
}

/// Is `x` the record `focus` (the same kind and id: unique in a site)?
pub(crate) fn same_record(x: &Record, focus: &Record) -> bool {
    x.kind == focus.kind && x.id == focus.id
}

fn plan_pages_of(cx: Cx, what: What, emit: &mut dyn FnMut(Output)) {
    let Cx { site, facts, time } = cx;
    let record_pages = matches!(what, What::All);
    let focus = match what {
        What::ListsWith(r) => Some(r),
        What::All => None,
    };
    let pm = PageMaker::new(site);
    let page = |path: String, template: &str, ctx: Value| pm.page(path, template, ctx);
    let base = site.config.base_path();

    // Record pages.
    for kind in Kind::ALL {
        if focus.is_some_and(|f| f.kind != kind) {
            continue;
        }
        let recs: Vec<&Record> = site.of_kind(kind).collect();
        let shown: Vec<&Record> = recs.iter().copied().filter(|r| listed(facts, r)).collect();
        if record_pages {
            // Ids are unique within a kind: a record's place among the listed ones, found once.
            let position: std::collections::HashMap<&str, usize> = shown
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.as_str(), i))
                .collect();
            let neighbours = |r: &Record| around(&shown, position.get(r.id.as_str()).copied());
            // Planned in parallel a chunk at a time (view models are built independently),
            // then handed on in site order.
            for chunk in recs.chunks(RECORD_CHUNK) {
                use rayon::prelude::*;
                let planned: Vec<Vec<Output>> = chunk
                    .par_iter()
                    .map(|r| {
                        let (prev, next) = neighbours(r);
                        record_outputs(&pm, cx, r, prev, next)
                    })
                    .collect();
                for o in planned.into_iter().flatten() {
                    emit(o);
                }
            }
        }
        if kind == Kind::Page {
            continue;
        }
        // Paginated lists.
        let mut items: Vec<&Record> = shown.clone();
        if kind == Kind::Consultation {
            items.sort_by_key(|r| {
                let (st, close) = facts
                    .windows
                    .get(&r.key())
                    .map(|(w, s)| (*s, w.closes))
                    .unwrap_or((State::Closed, jiff::Timestamp::UNIX_EPOCH));
                // open first (soonest deadline first), then upcoming, then the rest newest first
                let order = match st {
                    State::Open => 0,
                    State::Upcoming => 1,
                    _ => 2,
                };
                let key = if order < 2 {
                    close.as_second()
                } else {
                    -close.as_second()
                };
                (order, key, r.id.clone())
            });
        }
        if kind.list_by_order() {
            items.sort_by_key(|r| (r.data.order().unwrap_or(u32::MAX), r.id.clone()));
        }
        // Service guides are grouped by item type once any guide states one (a stable sort
        // keeps the site order within a group); a site that states none keeps its flat list.
        let grouped = kind == Kind::Permit
            && items
                .iter()
                .any(|r| matches!(&r.data, Data::Permit(p) if p.item_type.is_some()));
        if grouped {
            items.sort_by_key(|r| permit_group(r).0);
        }
        let size = site.config.page_size.max(1);
        let pages = items.len().div_ceil(size).max(1);
        // With a focus, only the page it is on.
        let on_page = focus.map(|f| {
            items
                .iter()
                .position(|x| same_record(x, f))
                .map(|i| i / size)
        });
        for p in 0..pages {
            if on_page.is_some_and(|q| q != Some(p)) {
                continue;
            }
            let on_this: Vec<&Record> = items.iter().skip(p * size).take(size).copied().collect();
            let chunk: Vec<ListItem> = on_this.iter().map(|r| list_item(cx, r)).collect();
            let groups = grouped.then(|| permit_groups(&on_this, &chunk));
            let list_url = |n: usize| {
                if n == 0 {
                    format!("{base}{}/", kind.folder())
                } else {
                    format!("{base}{}/page/{}/", kind.folder(), n + 1)
                }
            };
            let path = if p == 0 {
                format!("{}/index.html", kind.folder())
            } else {
                format!("{}/page/{}/index.html", kind.folder(), p + 1)
            };
            let ctx = ListPage {
                page: ListHead {
                    title: if p == 0 {
                        kind.label().to_string()
                    } else {
                        format!("{}（第{}页）", kind.label(), p + 1)
                    },
                    url: list_url(p),
                    breadcrumbs: breadcrumbs(site, &[(kind.label(), list_url(0))]),
                    section: kind.folder(),
                },
                kind: kind.folder(),
                kind_label: kind.label(),
                items: chunk,
                groups,
                total: items.len(),
                pager: pager_ctx(pages, p, &list_url),
            };
            emit(page(path, "list.html", to_value(ctx)));
        }
    }

    // The 办事 hub: every guide, procedure and fee, grouped for people.
    if focus.is_none_or(|f| services::KINDS.contains(&f.kind)) {
        emit(page(
            "services/index.html".into(),
            "services.html",
            services::hub_ctx(cx),
        ));
    }

    // Home.
    let mut open: Vec<(&Record, &Window, State)> = site
        .of_kind(Kind::Consultation)
        .filter_map(|r| facts.windows.get(&r.key()).map(|(w, s)| (r, w, *s)))
        .filter(|(_, _, s)| matches!(s, State::Open | State::Upcoming))
        .collect();
    open.sort_by_key(|(r, w, s)| (*s, w.closes, r.id.clone()));
    let latest = |kind: Kind, n: usize| -> Vec<ListItem> {
        site.of_kind(kind)
            .filter(|r| listed(facts, r))
            .take(n)
            .map(|r| list_item(cx, r))
            .collect()
    };
    let catalogue: Vec<catalog::Category> = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Page)
        .map(|k| catalog::Category {
            label: k.label(),
            url: format!("{base}{}/", k.folder()),
            count: site.of_kind(*k).filter(|r| listed(facts, r)).count(),
        })
        .collect();
    let home = HomePage {
        page: HomeHead {
            title: &site.config.title,
            url: base.clone(),
            breadcrumbs: Vec::new(),
            section: "",
            home: true,
        },
        consultations: open.iter().map(|(r, _, _)| list_item(cx, r)).collect(),
        enforcement: latest(Kind::Enforcement, 6),
        documents: latest(Kind::Document, 8),
        permits: latest(Kind::Permit, 6),
        catalogue: &catalogue,
    };
    emit(page("index.html".into(), "index.html", to_value(home)));

    // The catalogue (paginated, with its facets), then the site map page: the sections with
    // their counts, the catalogue's facets and the free pages (a page listing every record
    // would grow with the site).
    let facets = catalog::plan(cx, &catalogue, focus, &page, emit);
    let mut free: Vec<&Record> = site
        .of_kind(Kind::Page)
        .filter(|r| listed(facts, r))
        .collect();
    free.sort_by_key(|r| (r.data.order().unwrap_or(u32::MAX), r.id.clone()));
    let service = |title: &'static str, section: &str| Link {
        url: format!("{base}{section}/"),
        title,
    };
    let site_map = SiteMapPage {
        page: FixedHead {
            title: "网站地图",
            url: format!("{base}sitemap/"),
            breadcrumbs: breadcrumbs(site, &[("网站地图", format!("{base}sitemap/"))]),
            section: "sitemap",
            noindex: false,
        },
        sections: &catalogue,
        catalog: SiteMapCatalog {
            url: format!("{base}catalog/"),
            count: catalogue.iter().map(|c| c.count).sum(),
            facets: &facets,
        },
        pages: free.iter().map(|r| Link::to(site, r)).collect(),
        services: [
            service("站内搜索", "search"),
            service("咨询建议投诉", "message"),
            service("我要纠错", "correction"),
        ],
    };
    emit(page(
        "sitemap/index.html".into(),
        "sitemap.html",
        to_value(site_map),
    ));
    // Participation reports (公众参与情况报告) of concluded consultations.
    for r in site.of_kind(Kind::Consultation) {
        let (Some(p), Data::Consultation(c)) = (facts.participation.get(&r.key()), &r.data) else {
            continue;
        };
        let Some(outcome) = &c.outcome else { continue };
        // Not before the outcome's own date (the consultation is still 征集已结束 then).
        if facts
            .windows
            .get(&r.key())
            .is_some_and(|(_, st)| *st != State::Concluded)
        {
            continue;
        }
        let url = format!("{}report/", record_url(site, r));
        let report = ReportPage {
            page: ReportHead {
                title: format!("{}公众参与情况报告", r.common.title),
                breadcrumbs: breadcrumbs(
                    site,
                    &[
                        (Kind::Consultation.label(), format!("{base}consultations/")),
                        (r.common.title.as_str(), record_url(site, r)),
                        ("公众参与情况报告", url.clone()),
                    ],
                ),
                url,
                section: "consultations",
            },
            consultation: ReportOf {
                title: &r.common.title,
                url: record_url(site, r),
                decision_type: &c.decision_type,
                window: if c.historical {
                    Some(crate::content::kinds::consultation::historical_sentence(
                        c, &site.tz,
                    ))
                } else {
                    facts
                        .windows
                        .get(&r.key())
                        .map(|(w, _)| window::notice_sentence(w, &site.tz))
                },
                outcome_published: date_text(outcome.published),
                organizer: c.organizer.as_deref(),
            },
            report: &p.report,
        };
        emit(page(
            format!("{}report/index.html", record_dir(r)),
            "report.html",
            to_value(report),
        ));
        emit(Output::Bytes {
            path: format!("{}opinions.json", record_dir(r)),
            bytes: p.public_json.clone().into_bytes(),
        });
    }
    // The heads of every consultation's chain, published with every build: an anchor outside
    // the receiver's database that anyone can keep (docs/feedback.md).
    if site.of_kind(Kind::Consultation).next().is_some() {
        let date = time
            .now
            .to_zoned_datetime(site.tz.clone())
            .date()
            .to_string();
        emit(Output::Bytes {
            path: "consultations/heads.json".into(),
            bytes: facts.anchors.public_json(&date).into_bytes(),
        });
    }
    // The fixed pages: each has a breadcrumb to itself.
    let fixed = |title: &'static str, section: &'static str, noindex: bool| {
        let url = format!("{base}{section}/");
        FixedHead {
            title,
            breadcrumbs: breadcrumbs(site, &[(title, url.clone())]),
            url,
            section,
            noindex,
        }
    };
    let correction = FixedPage {
        page: fixed("我要纠错", "correction", true),
        kinds: None,
        synonyms: None,
    };
    emit(page(
        "correction/index.html".into(),
        "correction.html",
        to_value(correction),
    ));
    let message = FixedPage {
        page: fixed("咨询建议投诉", "message", false),
        kinds: None,
        synonyms: None,
    };
    emit(page(
        "message/index.html".into(),
        "message.html",
        to_value(message),
    ));
    if site.config.requests.enabled {
        let requests = FixedPage {
            page: fixed("政府信息公开申请", "requests", false),
            kinds: None,
            synonyms: None,
        };
        emit(page(
            "requests/index.html".into(),
            "requests.html",
            to_value(requests),
        ));
    }
    let search = FixedPage {
        page: fixed("站内搜索", "search", true),
        kinds: Some(
            Kind::ALL
                .iter()
                .filter(|k| **k != Kind::Page)
                .map(|k| KindLink {
                    folder: k.folder(),
                    label: k.label(),
                })
                .collect(),
        ),
        synonyms: Some(site.config.search.synonyms.to_attr()),
    };
    emit(page(
        "search/index.html".into(),
        "search.html",
        to_value(search),
    ));
    emit(page(
        "404.html".into(),
        "404.html",
        to_value(FixedPage {
            page: FixedHead {
                title: "页面未找到",
                url: format!("{base}404.html"),
                breadcrumbs: Vec::new(),
                section: "",
                noindex: true,
            },
            kinds: None,
            synonyms: None,
        }),
    ));
}

#[cfg(test)]
mod links_tests {
    use super::*;

    /// Every record page of the example site that shows another record's title and URL (other
    /// than its neighbours) is one `links_to` names.
    #[test]
    fn links_to_names_every_link_a_record_page_shows() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let opts = crate::build::BuildOptions {
            root,
            out: None,
            now: "2026-11-25T10:00:00+08:00"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
            drafts: true,
            strict: false,
            feedback_db: None,
        };
        let checked = crate::build::check(&opts).unwrap_or_else(|_| panic!("example site"));
        let (site, facts) = (&checked.site, &checked.facts);
        let time = crate::facts::BuildTime { now: opts.now };
        let mut found = 0;
        for x in &site.records {
            let cx = Cx {
                site,
                facts,
                time: &time,
            };
            let text: String = one_record(cx, x)
                .iter()
                .filter_map(|o| match o {
                    Output::Page { ctx, .. } => Some(ctx.to_string()),
                    _ => None,
                })
                .collect();
            let (prev, next) = {
                let shown: Vec<&Record> =
                    site.of_kind(x.kind).filter(|y| listed(facts, y)).collect();
                around(&shown, shown.iter().position(|y| y.id == x.id))
            };
            // Free pages are linked from every page (the footer): never patched.
            for r in site.records.iter().filter(|r| r.kind != Kind::Page) {
                let link = json!({"title": r.common.title, "url": record_url(site, r)}).to_string();
                let link = link.trim_start_matches('{').trim_end_matches('}');
                let neighbour = [prev, next].iter().flatten().any(|n| n.key() == r.key());
                if r.key() != x.key() && !neighbour && text.contains(link) {
                    found += 1;
                    assert!(links_to(site, x, &r.key()), "{} shows {}", x.key(), r.key());
                }
            }
        }
        assert!(found > 0, "the example site has records linking others");
    }
}

#[cfg(test)]
mod tests {
    use super::pager_window;

    #[test]
    fn pager_shows_ends_and_neighbours_with_gaps() {
        let all: Vec<Option<usize>> = (0..9).map(Some).collect();
        assert_eq!(pager_window(9, 4), all);
        assert_eq!(pager_window(1, 0), vec![Some(0)]);
        assert_eq!(
            pager_window(100, 50),
            vec![
                Some(0),
                None,
                Some(47),
                Some(48),
                Some(49),
                Some(50),
                Some(51),
                Some(52),
                Some(53),
                None,
                Some(99)
            ]
        );
        assert_eq!(
            pager_window(100, 0),
            vec![Some(0), Some(1), Some(2), Some(3), None, Some(99)]
        );
    }
}
