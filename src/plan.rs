//! Plan the site: from the model and the build time, every output path with its template and
//! view model (templates never see domain structs), plus the files to copy. No I/O, no clock.

use crate::content::kinds::enforcement::Enforcement;
use crate::content::kinds::procedure::Step;
use crate::content::{Data, Kind, Record, Site};
use crate::facts::{display_until, listed, BuildTime, Facts};
use crate::lifecycle::{self, date_text, State, Window};
use crate::search::live::LiveIndex;
use crate::urls::{absolute, record_dir, record_url};
use serde_json::{json, Value};
use std::path::PathBuf;

pub mod catalog;

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
fn nav_current(site_v: &Value, url: &str, section: &str) -> Option<(usize, &'static str)> {
    let nav = site_v.get("nav")?.as_array()?;
    fn field<'v>(n: &'v Value, k: &str) -> &'v str {
        n.get(k).and_then(Value::as_str).unwrap_or("")
    }
    nav.iter().enumerate().find_map(|(i, n)| {
        let s = field(n, "section");
        if field(n, "url") == url {
            Some((i, "page"))
        } else if !s.is_empty()
            && (s == section || (s == "permits" && matches!(section, "procedures" | "fees")))
        {
            Some((i, "true"))
        } else {
            None
        }
    })
}

/// Site-wide context every template gets under `site`.
fn site_ctx(site: &Site) -> Value {
    let c = &site.config;
    let base = c.base_path();
    let kinds = Kind::ALL
        .iter()
        .filter_map(|k| k.nav_label().map(|l| (format!("{}/", k.folder()), l)));
    let nav: Vec<Value> = std::iter::once((String::new(), "首页"))
        .chain(kinds)
        .chain([("catalog/".to_string(), "信息公开目录")])
        .map(|(p, l)| json!({"url": format!("{base}{p}"), "label": l, "section": p.trim_end_matches('/')}))
        .collect();
    let mut pages: Vec<&Record> = site.of_kind(Kind::Page).collect();
    pages.sort_by_key(|r| (r.data.order().unwrap_or(u32::MAX), r.id.clone()));
    let footer_pages: Vec<Value> = pages
        .iter()
        .map(|r| json!({"url": format!("{base}{}/", r.id), "title": r.common.title}))
        .collect();
    json!({
        "title": c.title,
        "description": c.description,
        "base": base,
        "base_url": c.base_url_trimmed(),
        "language": c.language,
        "feedback_url": feedback_url(site),
        "org": {
            "name": c.organization.name, "address": c.organization.address, "postcode": c.organization.postcode,
            "phone": c.organization.phone, "hotline": c.organization.hotline, "email": c.organization.email,
            "hours": c.organization.hours,
        },
        "records": {"icp": c.records.icp, "public_security": c.records.public_security, "site_code": c.records.site_code},
        "nav": nav,
        "footer_pages": footer_pages,
    })
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

fn attachment_ctx(site: &Site, r: &Record, file: &str, title: &str) -> Value {
    let path = site.root.join(&r.dir).join(file);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let ext = file.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
    json!({
        "url": format!("{}{}", record_url(site, r), file),
        "absolute": absolute(site, &format!("{}{}", record_url(site, r), file)),
        "title": title,
        "file": file,
        "ext": ext,
        "size": size_text(size),
    })
}

/// `12.3 KB`.
pub fn size_text(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1024.0 / 1024.0)
    } else if n >= 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} 字节")
    }
}

pub(crate) fn md(r: &Record, field: &str) -> String {
    r.md.get(field).map(|m| m.html.clone()).unwrap_or_default()
}

/// A fee standard for the template: its form, the standard in words (「未注明」 when nothing
/// was entered), its own basis and its sub-items.
pub(crate) fn standard_ctx(s: &crate::content::kinds::fee::Standard) -> serde_json::Value {
    json!({
        "item": s.item, "form": s.form(), "display": s.display(money),
        "amount": s.amount.map(money), "unit": s.unit, "note": s.note,
        "basis": s.basis.iter().map(|b| b.label()).collect::<Vec<_>>(),
        "items": s.items.iter().map(standard_ctx).collect::<Vec<_>>(),
    })
}

pub(crate) fn money(n: f64) -> String {
    if n.fract() == 0.0 {
        let s = format!("{}", n as i64);
        // thousands separators
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 && c != '-' {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else {
        format!("{n:.2}")
    }
}

pub(crate) fn steps_ctx(r: &Record, steps: &[Step], prefix: &str) -> Vec<Value> {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({
                "n": i + 1,
                "name": s.name,
                "actor": s.actor,
                "time_limit_wd": s.time_limit_wd,
                "description": md(r, &format!("{prefix}[{}].description", i + 1)),
                "outputs": s.outputs,
            })
        })
        .collect()
}

/// The metadata table rows (索引号, 发布机构, 发布日期, 文号, 有效性 …).
fn meta_rows(site: &Site, r: &Record) -> Vec<Value> {
    let mut rows = Vec::new();
    let org = r
        .common
        .organization
        .clone()
        .unwrap_or_else(|| site.config.organization.name.clone());
    if let Some(v) = &r.common.index_no {
        rows.push(json!({"label": "索引号", "value": v}));
    }
    rows.push(json!({"label": "发布机构", "value": org}));
    if let Some(v) = &r.common.category {
        rows.push(json!({"label": "主题分类", "value": v}));
    }
    if let Some(d) = r.common.published {
        rows.push(json!({"label": "发布日期", "value": date_text(d)}));
    }
    if let Some(d) = r.common.updated {
        rows.push(json!({"label": "更新日期", "value": date_text(d)}));
    }
    if let Some(v) = &r.common.doc_no {
        rows.push(json!({"label": "文号", "value": v}));
    }
    r.data.meta_rows(&mut rows);
    rows
}

/// Does the page of `x` show a link (URL and title) to the record `key`, other than as its
/// neighbour? Every `url_of` of [`kind_ctx`] must be here (a test checks the example site).
/// A decision's page also links the 行政复议 decisions that review it (「复议情况」).
pub(crate) fn links_to(site: &Site, x: &Record, key: &str) -> bool {
    x.data.links_to(key)
        || match (&x.data, site.get(key).map(|y| &y.data)) {
            (Data::Enforcement(_), Some(Data::Enforcement(y))) => {
                y.reviews.as_deref().map(str::trim) == Some(x.id.as_str())
            }
            _ => false,
        }
}

fn kind_ctx(site: &Site, facts: &Facts, r: &Record, _time: &BuildTime) -> Value {
    r.data.view(&ViewCx { site, facts, r })
}

/// What a kind's hooks see when they shape a record's page, list item or exported object.
pub struct ViewCx<'a> {
    pub site: &'a Site,
    pub facts: &'a Facts,
    pub r: &'a Record,
}

impl ViewCx<'_> {
    /// A link (URL and title) to the record `key`, if there is one.
    pub fn url_of(&self, key: &str) -> Option<Value> {
        self.site
            .get(key)
            .map(|x| json!({"url": record_url(self.site, x), "title": x.common.title}))
    }

    /// The HTML of a Markdown field.
    pub fn md(&self, field: &str) -> String {
        md(self.r, field)
    }

    /// A file the record attaches, for the template.
    pub fn attachment(&self, file: &str, title: &str) -> Value {
        attachment_ctx(self.site, self.r, file, title)
    }

    /// The record's URL (with the base path).
    pub fn url(&self) -> String {
        record_url(self.site, self.r)
    }

    /// Is `x` listed (not a withdrawn or expired decision)?
    pub fn listed(&self, x: &Record) -> bool {
        listed(self.facts, x)
    }

    /// The last day a decision stays published.
    pub fn display_until(&self, e: &Enforcement) -> Option<jiff::civil::Date> {
        display_until(self.site, self.r, e)
    }
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
fn permit_groups(records: &[&Record], items: &[Value]) -> Vec<Value> {
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
            list.push(it.clone());
        }
    }
    groups
}

/// What a page shows for a fact the record does not state (never a default in its place).
pub const NOT_STATED: &str = "未注明";

/// A record in a list: title, url, date, summary and a status word.
pub(crate) fn list_item(site: &Site, facts: &Facts, r: &Record) -> Value {
    let days_left = facts.days_left.get(&r.key()).copied();
    let (status, extra) = r.data.list_status(&ViewCx { site, facts, r });
    json!({
        "url": record_url(site, r),
        "title": r.common.title,
        "date": r.common.published.map(|d| d.to_string()),
        "date_text": r.common.published.map(date_text),
        "summary": r.common.summary,
        "status": status,
        "extra": extra,
        "days_left": days_left,
        "kind": r.kind.folder(),
        "kind_label": r.kind.label(),
        "index_no": r.common.index_no,
        "doc_no": r.common.doc_no,
        "organization": r.common.organization.clone().unwrap_or_else(|| site.config.organization.name.clone()),
        "category": r.common.category,
    })
}

pub(crate) fn breadcrumbs(site: &Site, items: &[(&str, String)]) -> Vec<Value> {
    let base = site.config.base_path();
    let mut v = vec![json!({"label": "首页", "url": base})];
    v.extend(items.iter().map(|(l, u)| json!({"label": l, "url": u})));
    v
}

/// The record's 修订记录 (newest first) with its first-published and last-changed dates.
fn history_ctx(site: &Site, facts: &Facts, r: &Record) -> Value {
    let entries: Vec<Value> = facts
        .history
        .get(&r.source)
        .map(|list| {
            list.iter()
                .map(|e| {
                    let d = e.time.to_zoned_datetime(site.tz.clone()).date();
                    json!({"date": date_text(d), "iso": d.to_string(), "subject": e.subject})
                })
                .collect()
        })
        .unwrap_or_default();
    let last_commit = facts
        .history
        .get(&r.source)
        .and_then(|l| l.first())
        .map(|e| e.time.to_zoned_datetime(site.tz.clone()).date());
    let last = match (r.common.updated, last_commit) {
        (Some(u), Some(c)) => Some(u.max(c)),
        (u, c) => u.or(c),
    };
    json!({
        "entries": entries,
        "first_published": r.common.published.map(date_text),
        "first_published_iso": r.common.published.map(|d| d.to_string()),
        "last_changed": last.map(date_text),
        "last_changed_iso": last.map(|d| d.to_string()),
    })
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
pub(crate) fn search_doc(site: &Site, r: &Record) -> crate::search::SearchDoc {
    let base = site.config.base_path();
    let url = record_url(site, r);
    let mut meta: Vec<String> = [&r.common.doc_no, &r.common.index_no]
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
    }
}

/// The records of the search index and their documents.
fn search_docs<'a>(
    site: &'a Site,
    facts: &Facts,
) -> (Vec<&'a Record>, Vec<crate::search::SearchDoc>) {
    let indexed: Vec<&Record> = site
        .records
        .iter()
        .filter(|r| crate::facts::exported(facts, r))
        .map(|r| &**r)
        .collect();
    let docs = indexed.iter().map(|r| search_doc(site, r)).collect();
    (indexed, docs)
}

/// [`search_outputs`], each file handed to `emit` as soon as it is made.
fn search_outputs_each(site: &Site, facts: &Facts, emit: &mut dyn FnMut(Output)) {
    // The bodies are made as the index reads them, so that they are never all in memory at
    // once (on a large site that would be a large part of the build's memory).
    let (indexed, docs) = search_docs(site, facts);
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
    site: &Site,
    facts: &Facts,
    keep: &mut Option<LiveIndex>,
    emit: &mut dyn FnMut(Output),
) {
    let (indexed, docs) = search_docs(site, facts);
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
pub(crate) fn pager_ctx(pages: usize, p: usize, url_of: &dyn Fn(usize) -> String) -> Value {
    if pages <= 1 {
        return Value::Null;
    }
    let links: Vec<Value> = pager_window(pages, p)
        .into_iter()
        .map(|n| match n {
            Some(n) => json!({"n": n + 1, "url": url_of(n), "current": n == p}),
            None => json!({"gap": true}),
        })
        .collect();
    json!({"pages": links, "prev": (p > 0).then(|| url_of(p - 1)), "next": (p + 1 < pages).then(|| url_of(p + 1))})
}

/// Plan every page of the site (records, lists, the catalogue, fixed pages) and the search
/// index, handing each output to `emit` as soon as it is planned. With `search`, the search
/// index is kept there for updates after a one-record edit (the preview). The exports are
/// planned after the pages, by the build ([`crate::build::plan_site`]).
pub fn plan_pages(
    site: &Site,
    facts: &Facts,
    time: &BuildTime,
    search: Option<&mut Option<LiveIndex>>,
    emit: &mut dyn FnMut(Output),
) {
    plan_pages_of(site, facts, time, What::All(search), emit);
}

/// Adds the site-wide parts every page's view model has (`site`, the canonical URL).
struct PageMaker<'a> {
    site: &'a Site,
    site_v: Value,
}

impl PageMaker<'_> {
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
                if let Some((i, how)) = nav_current(&self.site_v, &url, section) {
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
    facts: &Facts,
    time: &BuildTime,
    r: &Record,
    prev: Option<&Record>,
    next: Option<&Record>,
) -> Vec<Output> {
    let site = pm.site;
    let kind = r.kind;
    let base = site.config.base_path();
    let url = record_url(site, r);
    let dir = record_dir(r);
    let section = json!({"label": kind.label(), "url": format!("{base}{}/", kind.folder())});
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
        return vec![pm.page(
            format!("{dir}index.html"),
            "withdrawn.html",
            json!({
                "page": {"title": r.common.title, "url": url, "breadcrumbs": crumbs, "section": kind.folder(), "noindex": true},
                "notice": {"date": date_text(h.date), "reason": h.reason, "status": h.status,
                           "case_no": if let Data::Enforcement(e) = &r.data { Some(e.case_no.clone()) } else { None }},
                "section_link": section,
            }),
        )];
    }
    let link = |x: &Record| json!({"url": record_url(site, x), "title": x.common.title});
    let attachments: Vec<Value> = r
        .common
        .attachments
        .iter()
        .map(|a| attachment_ctx(site, r, &a.file, &a.title))
        .collect();
    let template = format!("record/{}.html", kind.name());
    let mut out = vec![pm.page(
        format!("{dir}index.html"),
        &template,
        json!({
            "page": {"title": r.common.title, "url": url, "breadcrumbs": crumbs, "section": kind.folder(),
                     "description": r.common.summary, "source": r.source.to_string_lossy().replace('\\', "/")},
            "record": {
                "kind": kind.folder(), "kind_label": kind.label(), "id": r.id, "title": r.common.title, "url": url,
                "meta": meta_rows(site, r), "body": r.body.html, "summary": r.common.summary,
                "attachments": attachments, "tags": r.common.tags, "draft": r.common.draft,
                "published": r.common.published.map(date_text), "updated": r.common.updated.map(date_text),
                "d": kind_ctx(site, facts, r, time),
                "history": history_ctx(site, facts, r),
            },
            "prev": prev.map(link), "next": next.map(link), "section_link": section,
        }),
    )];
    // Attachments are copied next to the page.
    for f in attached_files(r) {
        out.push(Output::Copy {
            from: r.dir.join(f),
            path: format!("{dir}{f}"),
        });
    }
    out
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
pub(crate) fn one_record(site: &Site, facts: &Facts, time: &BuildTime, r: &Record) -> Vec<Output> {
    let pm = PageMaker {
        site,
        site_v: site_ctx(site),
    };
    let (prev, next) = neighbours(site, facts, r);
    record_outputs(&pm, facts, time, r, prev, next)
}

/// The listed records of the same kind before and after `r` (records are sorted by kind, so
/// they are next to it); none when it is not listed itself.
pub(crate) fn neighbours<'a>(
    site: &'a Site,
    facts: &Facts,
    r: &Record,
) -> (Option<&'a Record>, Option<&'a Record>) {
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
    /// Every page and the search index (kept in the given place when there is one).
    All(Option<&'a mut Option<LiveIndex>>),
    /// The pages other than records' own that show this record's list entry: the page of its
    /// section's list and of the catalogue and each catalogue facet it is on, and the home
    /// page, site map, reports and fixed pages (few, and cheap to compare); no search index.
    ListsWith(&'a Record),
}

/// The pages other than records' own that can show `r`'s list entry (see
/// [`What::ListsWith`]). The one-record rebuild plans them after an edit of a title (or
/// another field of the list entry) that left the record in the same place of every list.
pub(crate) fn plan_lists_with(
    site: &Site,
    facts: &Facts,
    time: &BuildTime,
    r: &Record,
) -> Vec<Output> {
    let mut out = Vec::new();
    plan_pages_of(site, facts, time, What::ListsWith(r), &mut |o| out.push(o));
    out
}

/// Is `x` the record `focus` (the same kind and id: unique in a site)?
pub(crate) fn same_record(x: &Record, focus: &Record) -> bool {
    x.kind == focus.kind && x.id == focus.id
}

fn plan_pages_of(
    site: &Site,
    facts: &Facts,
    time: &BuildTime,
    what: What,
    emit: &mut dyn FnMut(Output),
) {
    let record_pages = matches!(what, What::All(_));
    let focus = match what {
        What::ListsWith(r) => Some(r),
        What::All(_) => None,
    };
    let pm = PageMaker {
        site,
        site_v: site_ctx(site),
    };
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
                        record_outputs(&pm, facts, time, r, prev, next)
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
            let chunk: Vec<Value> = on_this.iter().map(|r| list_item(site, facts, r)).collect();
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
            emit(page(
                path,
                "list.html",
                json!({
                    "page": {"title": if p == 0 { kind.label().to_string() } else { format!("{}（第{}页）", kind.label(), p + 1) },
                             "url": list_url(p), "breadcrumbs": breadcrumbs(site, &[(kind.label(), list_url(0))]), "section": kind.folder()},
                    "kind": kind.folder(), "kind_label": kind.label(), "items": chunk, "groups": groups, "total": items.len(),
                    "pager": pager_ctx(pages, p, &list_url),
                }),
            ));
        }
    }

    // Home.
    let mut open: Vec<(&Record, &Window, State)> = site
        .of_kind(Kind::Consultation)
        .filter_map(|r| facts.windows.get(&r.key()).map(|(w, s)| (r, w, *s)))
        .filter(|(_, _, s)| matches!(s, State::Open | State::Upcoming))
        .collect();
    open.sort_by_key(|(r, w, s)| (*s, w.closes, r.id.clone()));
    let latest = |kind: Kind, n: usize| -> Vec<Value> {
        site.of_kind(kind)
            .filter(|r| listed(facts, r))
            .take(n)
            .map(|r| list_item(site, facts, r))
            .collect()
    };
    let catalogue: Vec<Value> = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Page)
        .map(|k| json!({"label": k.label(), "url": format!("{base}{}/", k.folder()), "count": site.of_kind(*k).filter(|r| listed(facts, r)).count()}))
        .collect();
    emit(page(
        "index.html".into(),
        "index.html",
        json!({
            "page": {"title": site.config.title, "url": base, "breadcrumbs": [], "section": "", "home": true},
            "consultations": open.iter().map(|(r, _, _)| list_item(site, facts, r)).collect::<Vec<_>>(),
            "enforcement": latest(Kind::Enforcement, 6),
            "documents": latest(Kind::Document, 8),
            "permits": latest(Kind::Permit, 6),
            "catalogue": catalogue,
        }),
    ));

    // The catalogue (paginated, with its facets), then the site map page: the sections with
    // their counts, the catalogue's facets and the free pages (a page listing every record
    // would grow with the site).
    let facets = catalog::plan(site, facts, &catalogue, focus, &page, emit);
    let mut free: Vec<&Record> = site
        .of_kind(Kind::Page)
        .filter(|r| listed(facts, r))
        .collect();
    free.sort_by_key(|r| (r.data.order().unwrap_or(u32::MAX), r.id.clone()));
    let listed_total: u64 = catalogue.iter().filter_map(|c| c["count"].as_u64()).sum();
    emit(page(
        "sitemap/index.html".into(),
        "sitemap.html",
        json!({"page": {"title": "网站地图", "url": format!("{base}sitemap/"), "breadcrumbs": breadcrumbs(site, &[("网站地图", format!("{base}sitemap/"))]), "section": "sitemap"},
        "sections": catalogue,
        "catalog": {"url": format!("{base}catalog/"), "count": listed_total, "facets": facets},
        "pages": free.iter().map(|r| json!({"url": record_url(site, r), "title": r.common.title})).collect::<Vec<_>>(),
        "services": [
            {"url": format!("{base}search/"), "title": "站内搜索"},
            {"url": format!("{base}message/"), "title": "咨询建议投诉"},
            {"url": format!("{base}correction/"), "title": "我要纠错"},
        ]}),
    ));
    // Participation reports (公众参与情况报告) of concluded consultations.
    for r in site.of_kind(Kind::Consultation) {
        let (Some(p), Data::Consultation(c)) = (facts.participation.get(&r.key()), &r.data) else {
            continue;
        };
        let Some(outcome) = &c.outcome else { continue };
        let url = format!("{}report/", record_url(site, r));
        emit(page(
            format!("{}report/index.html", record_dir(r)),
            "report.html",
            json!({
                "page": {"title": format!("{}公众参与情况报告", r.common.title), "url": url,
                         "breadcrumbs": breadcrumbs(site, &[(Kind::Consultation.label(), format!("{base}consultations/")), (r.common.title.as_str(), record_url(site, r)), ("公众参与情况报告", url.clone())]),
                         "section": "consultations"},
                "consultation": {"title": r.common.title, "url": record_url(site, r), "decision_type": c.decision_type,
                                 "window": facts.windows.get(&r.key()).map(|(w, _)| lifecycle::notice_sentence(w, &site.tz)),
                                 "outcome_published": date_text(outcome.published), "organizer": c.organizer},
                "report": p.report,
            }),
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
    emit(page(
        "correction/index.html".into(),
        "correction.html",
        json!({"page": {"title": "我要纠错", "url": format!("{base}correction/"), "breadcrumbs": breadcrumbs(site, &[("我要纠错", format!("{base}correction/"))]), "section": "correction", "noindex": true}}),
    ));
    emit(page(
        "message/index.html".into(),
        "message.html",
        json!({"page": {"title": "咨询建议投诉", "url": format!("{base}message/"), "breadcrumbs": breadcrumbs(site, &[("咨询建议投诉", format!("{base}message/"))]), "section": "message"}}),
    ));
    emit(page(
        "search/index.html".into(),
        "search.html",
        json!({"page": {"title": "站内搜索", "url": format!("{base}search/"), "breadcrumbs": breadcrumbs(site, &[("站内搜索", format!("{base}search/"))]), "section": "search", "noindex": true},
               "kinds": Kind::ALL.iter().filter(|k| **k != Kind::Page).map(|k| json!({"folder": k.folder(), "label": k.label()})).collect::<Vec<_>>()}),
    ));
    match what {
        What::All(Some(l)) => search_outputs_live(site, facts, l, emit),
        What::All(None) => search_outputs_each(site, facts, emit),
        What::ListsWith(_) => {}
    }
    emit(page(
        "404.html".into(),
        "404.html",
        json!({"page": {"title": "页面未找到", "url": format!("{base}404.html"), "breadcrumbs": [], "section": "", "noindex": true}}),
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
        let time = BuildTime { now: opts.now };
        let mut found = 0;
        for x in &site.records {
            let text: String = one_record(site, facts, &time, x)
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
