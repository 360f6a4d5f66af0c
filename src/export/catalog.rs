//! 信息公开目录 facets: the catalogue browsed by 主题分类 (category), by year and by 发布机构
//! (publishing organisation), at `/catalog/category/<slug>/`, `/catalog/year/<yyyy>/` and
//! `/catalog/org/<slug>/`, and the main catalogue page listing the facets with their counts.
//!
//! Slugs: years are the year; categories and organisations get the first 8 hex digits of the
//! SHA-256 of their name (`/catalog/category/5d41402a/`). A hash is ASCII (no percent-encoding
//! to break when a link is copied into a letter or a chat), stable (it depends only on the
//! name, not on which other categories exist, so adding one never moves another) and needs no
//! configuration. It changes when the name changes, as the page's content does. Two names with
//! the same 8 digits get 16.
//!
//! The facet pages list exactly the rows of the main catalogue page (taken from it, so both
//! always agree): records that are listed, which leaves out hidden enforcement decisions.

use crate::content::Site;
use crate::plan::Facts;
use crate::plan::{absolute, BuildTime, Output};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Label of the rows without a 主题分类.
pub const UNCATEGORISED: &str = "未分类";

/// One facet: its URL segment, label and the row field it groups by.
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

/// The value a row has in a facet.
fn value_of(segment: &str, row: &Value) -> Option<String> {
    match segment {
        "category" => Some(
            row["category"]
                .as_str()
                .filter(|s| !s.trim().is_empty())
                .unwrap_or(UNCATEGORISED)
                .to_string(),
        ),
        "year" => row["date"]
            .as_str()
            .and_then(|d| d.get(..4))
            .map(str::to_string),
        _ => row["organization"].as_str().map(str::to_string),
    }
}

/// A name's slug: the first `len` hex digits of its SHA-256.
pub fn hash_slug(name: &str, len: usize) -> String {
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

/// Add the facet pages, and the facets to the main catalogue page.
pub fn extend(site: &Site, _facts: &Facts, _time: &BuildTime, out: &mut Vec<Output>) {
    let base = site.config.base_path();
    let Some(main) = out
        .iter()
        .position(|o| matches!(o, Output::Page { path, .. } if path == "catalog/index.html"))
    else {
        return;
    };
    let (rows, shared, crumbs) = match &out[main] {
        Output::Page { ctx, .. } => (
            ctx["rows"].as_array().cloned().unwrap_or_default(),
            (ctx["site"].clone(), ctx["build_time"].clone()),
            ctx["page"]["breadcrumbs"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
        ),
        _ => return,
    };
    let mut facets_ctx = Vec::new();
    let mut pages = Vec::new();
    for f in &FACETS {
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for row in &rows {
            if let Some(v) = value_of(f.segment, row) {
                groups.entry(v).or_default().push(row.clone());
            }
        }
        let names: BTreeSet<String> = groups.keys().cloned().collect();
        let slug = slugs(f.segment, &names);
        let mut values: Vec<(String, Vec<Value>)> = groups.into_iter().collect();
        if f.segment == "year" {
            values.sort_by(|a, b| b.0.cmp(&a.0));
        } else {
            values.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        }
        let mut list = Vec::new();
        for (name, rows) in values {
            let s = slug.get(&name).cloned().unwrap_or_default();
            let url = format!("{base}catalog/{}/{s}/", f.segment);
            let shown = if f.segment == "year" {
                format!("{name}年")
            } else {
                name.clone()
            };
            list.push(json!({"value": shown, "url": url, "count": rows.len()}));
            let title = format!("信息公开目录 · {}：{shown}", f.label);
            let mut c = crumbs.clone();
            c.push(json!({"label": format!("{}：{shown}", f.label), "url": url}));
            pages.push(Output::Page {
                path: format!("catalog/{}/{s}/index.html", f.segment),
                template: "catalog.html".into(),
                ctx: json!({
                    "page": {"title": title, "url": url, "canonical": absolute(site, &url),
                             "breadcrumbs": c, "section": "catalog"},
                    "facet": {"segment": f.segment, "label": f.label, "value": shown, "count": rows.len()},
                    "catalog_url": format!("{base}catalog/"),
                    "rows": rows,
                    "site": shared.0,
                    "build_time": shared.1,
                }),
            });
        }
        facets_ctx.push(json!({"segment": f.segment, "label": f.label, "values": list}));
    }
    if let Some(Output::Page {
        ctx: Value::Object(m),
        ..
    }) = out.get_mut(main)
    {
        m.insert("facets".into(), Value::Array(facets_ctx));
    }
    out.extend(pages);
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let row = json!({"category": null, "date": "2026-01-02", "organization": "某局"});
        assert_eq!(value_of("category", &row).as_deref(), Some(UNCATEGORISED));
        assert_eq!(value_of("year", &row).as_deref(), Some("2026"));
        assert_eq!(value_of("org", &row).as_deref(), Some("某局"));
    }
}
