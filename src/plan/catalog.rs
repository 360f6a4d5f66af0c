//! 信息公开目录 (catalogue): the table of every listed record (索引号, 名称, 类别, 主题分类,
//! 发布机构, 文号, 发布日期), newest first, at `/catalog/`, and the same table browsed by 主题分类
//! (category), by year and by 发布机构 (publishing organisation), at
//! `/catalog/category/<slug>/`, `/catalog/year/<yyyy>/` and `/catalog/org/<slug>/`. Every table
//! is paginated like the section lists (site.toml `page_size` rows a page, later pages at
//! `…/page/<n>/`, the same pager), so that no page and no view model grows with the site.
//!
//! Slugs: years are the year; categories and organisations get the first 8 hex digits of the
//! SHA-256 of their name (`/catalog/category/5d41402a/`). A hash is ASCII (no percent-encoding
//! to break when a link is copied into a letter or a chat), stable (it depends only on the
//! name, not on which other categories exist, so adding one never moves another) and needs no
//! configuration. It changes when the name changes, as the page's content does. Two names with
//! the same 8 digits get 16.
//!
//! The facet pages list exactly the rows of the main catalogue (the same rows, filtered, in the
//! same order): records that are listed, which leaves out hidden enforcement decisions.

use crate::content::view::to_value;
use crate::content::{Kind, Record, Site};
use crate::facts::Cx;
use crate::plan::{self, Crumb, Output, Pager};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// Label of the rows without a 主题分类.
pub(crate) const UNCATEGORISED: &str = "未分类";

/// One facet: its URL segment and label.
struct Facet {
    segment: &'static str,
    label: &'static str,
}

const FACETS: [Facet; 3] = [
    Facet {
        segment: "category",
        label: "主题分类",
    },
    Facet {
        segment: "year",
        label: "年份",
    },
    Facet {
        segment: "org",
        label: "发布机构",
    },
];

/// A row of the catalogue: the record, with what the rows are sorted and grouped by.
struct Row<'a> {
    r: &'a Record,
    date: Option<Date>,
    org: &'a str,
}

/// The order of two records' addresses (`<base><folder>/<id>/`, the base shared), without
/// making them: the catalogue sorts every row by it.
fn url_order(a: &Record, b: &Record) -> std::cmp::Ordering {
    slash_cmp(a.kind.folder(), b.kind.folder()).then_with(|| slash_cmp(&a.id, &b.id))
}

/// The order of `a/` and `b/` (for `a` and `b` without a slash).
fn slash_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len().min(b.len());
    a[..n].cmp(&b[..n]).then_with(|| {
        let end = |s: &[u8]| s.get(n).copied().unwrap_or(b'/');
        end(a).cmp(&end(b))
    })
}

/// One value of a facet (a category, a year, an organisation) and its rows.
struct FacetValue {
    /// As shown: `劳动就业`, `2026年`.
    shown: String,
    url: String,
    /// Indices into the catalogue's rows.
    rows: Vec<usize>,
}

/// The value a row has in a facet.
fn value_of<'a>(
    segment: &str,
    category: Option<&'a str>,
    date: Option<Date>,
    org: &'a str,
) -> Option<Cow<'a, str>> {
    match segment {
        "category" => Some(Cow::Borrowed(
            category
                .filter(|s| !s.trim().is_empty())
                .unwrap_or(UNCATEGORISED),
        )),
        "year" => date.map(|d| Cow::Owned(format!("{:04}", d.year()))),
        _ => Some(Cow::Borrowed(org)),
    }
}

/// A name's slug: the first `len` hex digits of its SHA-256.
pub(crate) fn hash_slug(name: &str, len: usize) -> String {
    let h = hex::encode(Sha256::digest(name.as_bytes()));
    h.chars().take(len).collect()
}

/// Slugs for a set of names: 8 hex digits, 16 for all when two would collide.
fn slugs(segment: &str, names: &BTreeSet<String>) -> BTreeMap<String, String> {
    if segment == "year" {
        return names.iter().map(|n| (n.clone(), n.clone())).collect();
    }
    let short: BTreeMap<String, String> =
        names.iter().map(|n| (n.clone(), hash_slug(n, 8))).collect();
    let distinct: BTreeSet<&String> = short.values().collect();
    if distinct.len() == short.len() {
        short
    } else {
        names
            .iter()
            .map(|n| (n.clone(), hash_slug(n, 16)))
            .collect()
    }
}

/// A section with the number of its listed records: the home page's 信息公开目录, the
/// catalogue's 「按类别浏览」 line and the site map.
#[derive(Serialize)]
pub(crate) struct Category {
    pub label: &'static str,
    pub url: String,
    pub count: usize,
}

/// A facet with its values (the catalogue's 「按…浏览」 lines and the site map).
#[derive(Serialize)]
pub(crate) struct FacetView {
    segment: &'static str,
    label: &'static str,
    values: Vec<FacetLink>,
}

/// A facet value's page and its number of rows.
#[derive(Serialize)]
struct FacetLink {
    value: String,
    url: String,
    count: usize,
}

/// One row: what the table shows.
#[derive(Serialize)]
struct RowView<'a> {
    url: String,
    title: &'a str,
    kind_label: &'static str,
    index_no: Option<&'a str>,
    doc_no: Option<&'a str>,
    organization: &'a str,
    category: Option<&'a str>,
    date: Option<String>,
}

/// `page` of a catalogue page.
#[derive(Serialize)]
struct Head<'a> {
    title: String,
    url: String,
    breadcrumbs: &'a [Crumb<'a>],
    section: &'static str,
}

/// A page of the catalogue (`catalog.html`).
#[derive(Serialize)]
struct CatalogPage<'a> {
    page: Head<'a>,
    rows: Vec<RowView<'a>>,
    total: usize,
    categories: &'a [Category],
    facets: &'a [FacetView],
    pager: Option<Pager>,
}

/// A page of one facet value's rows (`catalog.html` with `facet`).
#[derive(Serialize)]
struct FacetPage<'a> {
    page: Head<'a>,
    facet: FacetHead<'a>,
    catalog_url: &'a str,
    rows: Vec<RowView<'a>>,
    total: usize,
    pager: Option<Pager>,
}

/// The facet value a page lists.
#[derive(Serialize)]
struct FacetHead<'a> {
    segment: &'static str,
    label: &'static str,
    value: &'a str,
    count: usize,
}

/// The view model of one row: what the table shows.
fn row_ctx<'a>(site: &Site, row: &Row<'a>) -> RowView<'a> {
    let r = row.r;
    let c = &r.common;
    RowView {
        url: crate::urls::record_url(site, r),
        title: &c.title,
        kind_label: r.kind.label(),
        index_no: c.public_index_no().map(String::as_str),
        doc_no: c.doc_no.as_deref(),
        organization: row.org,
        category: c.category.as_deref(),
        date: row.date.map(|d| d.to_string()),
    }
}

/// Plan the catalogue: its pages, then the pages of every facet value. `page` completes a view
/// model with what every page has (site, canonical URL); `categories` are the
/// sections with their counts (the “按类别浏览” line). Returns the facets with their values,
/// URLs and counts (for the site map page).
pub(crate) fn plan(
    cx: Cx,
    categories: &[Category],
    focus: Option<&Record>,
    page: &dyn Fn(String, &str, Value) -> Output,
    emit: &mut dyn FnMut(Output),
) -> Vec<FacetView> {
    let Cx { site, facts, .. } = cx;
    let base = site.config.base_path();
    let size = site.config.page_size.max(1);
    let mut rows: Vec<Row> = site
        .records
        .iter()
        .filter(|r| r.kind != Kind::Page && crate::facts::listed(facts, r))
        .map(|r| Row {
            r,
            date: r.common.published,
            org: crate::facts::org_of(site, r),
        })
        .collect();
    // Newest first, then by address.
    rows.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| url_order(a.r, b.r)));
    let catalog_url = format!("{base}catalog/");
    let crumbs = plan::breadcrumbs(site, &[("信息公开目录", catalog_url.clone())]);

    // The facet values, each with its rows (in catalogue order).
    let mut facets: Vec<(&Facet, Vec<FacetValue>)> = Vec::new();
    for f in &FACETS {
        let mut groups: BTreeMap<Cow<str>, Vec<usize>> = BTreeMap::new();
        for (i, row) in rows.iter().enumerate() {
            let c = row.r.common.category.as_deref();
            if let Some(v) = value_of(f.segment, c, row.date, row.org) {
                match groups.get_mut(&v) {
                    Some(g) => g.push(i),
                    None => {
                        groups.insert(v, vec![i]);
                    }
                }
            }
        }
        let names: BTreeSet<String> = groups.keys().map(|k| k.to_string()).collect();
        let slug = slugs(f.segment, &names);
        let mut values: Vec<(String, Vec<usize>)> = groups
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v))
            .collect();
        if f.segment == "year" {
            values.sort_by(|a, b| b.0.cmp(&a.0));
        } else {
            values.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        }
        let list = values
            .into_iter()
            .map(|(name, rows)| {
                let s = slug.get(&name).cloned().unwrap_or_default();
                FacetValue {
                    shown: if f.segment == "year" {
                        format!("{name}年")
                    } else {
                        name
                    },
                    url: format!("{base}catalog/{}/{s}/", f.segment),
                    rows,
                }
            })
            .collect();
        facets.push((f, list));
    }
    let facets_ctx: Vec<FacetView> = facets
        .iter()
        .map(|(f, values)| FacetView {
            segment: f.segment,
            label: f.label,
            values: values
                .iter()
                .map(|v| FacetLink {
                    value: v.shown.clone(),
                    url: v.url.clone(),
                    count: v.rows.len(),
                })
                .collect(),
        })
        .collect();

    // With a focus record, only the pages it is on are planned (its row, when it has one).
    let focus_row: Option<Option<usize>> =
        focus.map(|f| rows.iter().position(|row| plan::same_record(row.r, f)));
    let wanted = |page_rows: &[usize]| match focus_row {
        None => true,
        Some(None) => false,
        Some(Some(i)) => page_rows.binary_search(&i).is_ok(),
    };

    // The catalogue itself.
    let pages = rows.len().div_ceil(size).max(1);
    let url_of = |n: usize| {
        if n == 0 {
            catalog_url.clone()
        } else {
            format!("{catalog_url}page/{}/", n + 1)
        }
    };
    for p in 0..pages {
        if focus_row.is_some_and(|i| i.map(|i| i / size) != Some(p)) {
            continue;
        }
        let chunk: Vec<RowView> = rows
            .iter()
            .skip(p * size)
            .take(size)
            .map(|row| row_ctx(site, row))
            .collect();
        let title = if p == 0 {
            "信息公开目录".to_string()
        } else {
            format!("信息公开目录（第{}页）", p + 1)
        };
        emit(page(
            path_of(&url_of(p), &base),
            "catalog.html",
            to_value(CatalogPage {
                page: Head {
                    title,
                    url: url_of(p),
                    breadcrumbs: &crumbs,
                    section: "catalog",
                },
                rows: chunk,
                total: rows.len(),
                categories,
                facets: &facets_ctx,
                pager: plan::pager_ctx(pages, p, &url_of),
            }),
        ));
    }

    // Every facet value's pages.
    for (f, values) in &facets {
        for v in values {
            let pages = v.rows.len().div_ceil(size).max(1);
            let url_of = |n: usize| {
                if n == 0 {
                    v.url.clone()
                } else {
                    format!("{}page/{}/", v.url, n + 1)
                }
            };
            let mut c = crumbs.clone();
            c.push(plan::Crumb::new(
                format!("{}：{}", f.label, v.shown),
                v.url.clone(),
            ));
            for p in 0..pages {
                let start = (p * size).min(v.rows.len());
                let end = (start + size).min(v.rows.len());
                if !wanted(&v.rows[start..end]) {
                    continue;
                }
                let chunk: Vec<RowView> = v
                    .rows
                    .iter()
                    .skip(p * size)
                    .take(size)
                    .filter_map(|&i| rows.get(i))
                    .map(|row| row_ctx(site, row))
                    .collect();
                let mut title = format!("信息公开目录 · {}：{}", f.label, v.shown);
                if p > 0 {
                    title.push_str(&format!("（第{}页）", p + 1));
                }
                emit(page(
                    path_of(&url_of(p), &base),
                    "catalog.html",
                    to_value(FacetPage {
                        page: Head {
                            title,
                            url: url_of(p),
                            breadcrumbs: &c,
                            section: "catalog",
                        },
                        facet: FacetHead {
                            segment: f.segment,
                            label: f.label,
                            value: &v.shown,
                            count: v.rows.len(),
                        },
                        catalog_url: &catalog_url,
                        rows: chunk,
                        total: v.rows.len(),
                        pager: plan::pager_ctx(pages, p, &url_of),
                    }),
                ));
            }
        }
    }
    facets_ctx
}

/// The output file of a page URL under the base path (`/gk/catalog/page/2/` →
/// `catalog/page/2/index.html`).
fn path_of(url: &str, base: &str) -> String {
    format!("{}index.html", url.strip_prefix(base).unwrap_or(url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slash_order_is_the_order_of_the_addresses() {
        let ids = ["a", "a-b", "a0", "ab", "", "b", "a.b", "A", "中文", "a_"];
        for x in ids {
            for y in ids {
                assert_eq!(
                    slash_cmp(x, y),
                    format!("{x}/").cmp(&format!("{y}/")),
                    "{x:?} {y:?}"
                );
            }
        }
    }

    #[test]
    fn slugs_are_ascii_stable_and_independent_of_other_names() {
        let a: BTreeSet<String> = ["劳动就业".to_string()].into();
        let b: BTreeSet<String> = ["劳动就业".to_string(), "社会保障".to_string()].into();
        let sa = slugs("category", &a);
        let sb = slugs("category", &b);
        assert_eq!(sa["劳动就业"], sb["劳动就业"]);
        assert_eq!(sa["劳动就业"].len(), 8);
        assert!(sa["劳动就业"].chars().all(|c| c.is_ascii_hexdigit()));
        let y: BTreeSet<String> = ["2026".to_string()].into();
        assert_eq!(slugs("year", &y)["2026"], "2026");
    }

    #[test]
    fn rows_without_a_category_are_uncategorised() {
        let date = Date::new(2026, 1, 2).ok();
        assert_eq!(
            value_of("category", None, date, "某局").as_deref(),
            Some(UNCATEGORISED)
        );
        assert_eq!(
            value_of("category", Some("  "), date, "某局").as_deref(),
            Some(UNCATEGORISED)
        );
        assert_eq!(
            value_of("year", None, date, "某局").as_deref(),
            Some("2026")
        );
        assert_eq!(value_of("year", None, None, "某局"), None);
        assert_eq!(value_of("org", None, date, "某局").as_deref(), Some("某局"));
    }

    #[test]
    fn page_paths_follow_their_urls() {
        assert_eq!(path_of("/catalog/", "/"), "catalog/index.html");
        assert_eq!(
            path_of("/gk/catalog/year/2026/page/3/", "/gk/"),
            "catalog/year/2026/page/3/index.html"
        );
    }
}
