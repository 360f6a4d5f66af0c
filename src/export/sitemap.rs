//! `sitemap.xml` (sitemaps.org protocol 0.9) and `robots.txt`.
//!
//! The URLs are taken from the pages actually planned, so every HTML page the site publishes
//! is in it (including pages other modules add before the exports run), except pages marked
//! `noindex` (404, withdrawal notices) and drafts. `lastmod` is the record's own last date
//! (`updated`, else `published`; git commit times are left out: they depend on the clone and
//! can lie after the build's `--now`); for a list or other page, the newest date of the
//! records it lists; absent when nothing dates the page. Above `limit` URLs the URLs go
//! into `sitemap-1.xml`, `sitemap-2.xml`… and `sitemap.xml` becomes a sitemap index, so the
//! address given in `robots.txt` never changes. The XML is the theme's `sitemap.xml` and
//! `sitemap_index.xml` templates rendered with the view models made here.

use super::{content_date, exported};
use crate::content::Site;
use crate::facts::Cx;
use crate::plan::Output;
use crate::urls::{absolute, record_url};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The protocol's limit of URLs in one sitemap file.
pub const MAX_URLS: usize = 50_000;

/// One URL of the sitemap.
#[derive(Debug, Clone, PartialEq)]
pub struct Url {
    pub loc: String,
    pub lastmod: Option<Date>,
}

/// The sitemap's URLs, collected page by page while the site is planned: the page views are
/// rendered and dropped in batches, and this keeps only what the sitemap needs of each (its
/// address and `lastmod`), not a copy of the view model.
pub struct Collector {
    /// `lastmod` of every exported record, by its URL.
    dates: HashMap<String, Option<Date>>,
    base: String,
    seen: HashSet<String>,
    urls: Vec<Url>,
}

impl Collector {
    pub fn new(cx: Cx) -> Collector {
        let Cx { site, facts, .. } = cx;
        Collector {
            dates: site
                .records
                .iter()
                .filter(|r| exported(facts, r))
                .map(|r| (record_url(site, r), content_date(r)))
                .collect(),
            base: site.config.base_path(),
            seen: HashSet::new(),
            urls: Vec::new(),
        }
    }

    /// Note a planned output: an indexable HTML page becomes a URL (the first page planned at
    /// an address wins).
    pub fn add(&mut self, site: &Site, o: &Output) {
        let Output::Page { path, ctx, .. } = o else {
            return;
        };
        if !path.ends_with(".html") {
            return;
        }
        let page = &ctx["page"];
        if page["noindex"] == Value::Bool(true) || ctx["record"]["draft"] == Value::Bool(true) {
            return;
        }
        let url = match page["url"].as_str() {
            Some(u) => u.to_string(),
            None => format!("{}{}", self.base, path.trim_end_matches("index.html")),
        };
        if self.seen.contains(&url) {
            return;
        }
        let lastmod = match ctx["record"]["url"].as_str() {
            Some(u) => self.dates.get(u).copied().flatten(),
            None => {
                let mut found = Vec::new();
                for (k, v) in ctx.as_object().into_iter().flatten() {
                    if k != "site" && k != "page" {
                        collect_urls(v, &mut found);
                    }
                }
                found
                    .iter()
                    .filter_map(|u| self.dates.get(u.as_str()).copied().flatten())
                    .max()
            }
        };
        self.urls.push(Url {
            loc: absolute(site, &url),
            lastmod,
        });
        self.seen.insert(url);
    }

    /// The URLs, in plan order.
    pub fn finish(self) -> Vec<Url> {
        self.urls
    }
}

/// Every indexable page among `out`, with its `lastmod`, in plan order.
pub fn page_urls(cx: Cx, out: &[Output]) -> Vec<Url> {
    let site = cx.site;
    let mut c = Collector::new(cx);
    for o in out {
        c.add(site, o);
    }
    c.finish()
}

pub fn collect_urls(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("url", Value::String(s)) => out.push(s.clone()),
                    _ => collect_urls(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_urls(x, out)),
        _ => {}
    }
}

/// The theme's template of a sitemap (`<urlset>`; `themes/default/templates/sitemap.xml`).
pub const TEMPLATE: &str = "sitemap.xml";
/// The theme's template of a sitemap index (`<sitemapindex>`).
pub const INDEX_TEMPLATE: &str = "sitemap_index.xml";

/// `sitemap.xml` (or the index and its parts) and `robots.txt`.
pub fn files(site: &Site, urls: &[Url], limit: usize) -> Vec<Output> {
    let base = site.config.base_path();
    let at = |name: &str| absolute(site, &format!("{base}{name}"));
    let mut v: Vec<Output> = documents(urls, limit, &at)
        .into_iter()
        .map(|(path, template, ctx)| Output::Page {
            path,
            template: template.into(),
            ctx,
        })
        .collect();
    v.push(Output::Bytes {
        path: "robots.txt".into(),
        bytes: format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            at("sitemap.xml")
        )
        .into_bytes(),
    });
    v
}

/// The sitemap documents as (path, template, view model): one `sitemap.xml` when `urls` fit
/// in `limit`, else an index at `sitemap.xml` and parts `sitemap-N.xml`. `at` makes a file's
/// absolute URL. Each view model is `{"urls": [{loc, lastmod?}…]}`, for the index
/// `{"sitemaps": [{loc, lastmod?}…]}` (a part's `lastmod` is the newest of its URLs').
pub fn documents(
    urls: &[Url],
    limit: usize,
    at: &dyn Fn(&str) -> String,
) -> Vec<(String, &'static str, Value)> {
    let limit = limit.max(1);
    if urls.len() <= limit {
        return vec![("sitemap.xml".into(), TEMPLATE, urlset(urls))];
    }
    let mut out = Vec::new();
    let mut parts = Vec::new();
    for (i, chunk) in urls.chunks(limit).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        parts.push(Loc {
            loc: at(&name),
            lastmod: chunk.iter().filter_map(|u| u.lastmod).max(),
        });
        out.push((name, TEMPLATE, urlset(chunk)));
    }
    out.insert(
        0,
        (
            "sitemap.xml".into(),
            INDEX_TEMPLATE,
            crate::content::view::to_value(SitemapIndex { sitemaps: parts }),
        ),
    );
    out
}

/// A `<url>` or `<sitemap>` entry.
#[derive(Serialize)]
struct Loc {
    loc: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    lastmod: Option<Date>,
}

/// The sitemap index's view model.
#[derive(Serialize)]
struct SitemapIndex {
    sitemaps: Vec<Loc>,
}

/// A sitemap's view model.
#[derive(Serialize)]
struct Urlset {
    urls: Vec<Loc>,
}

fn urlset(urls: &[Url]) -> Value {
    let urls: Vec<Loc> = urls
        .iter()
        .map(|u| Loc {
            loc: u.loc.clone(),
            lastmod: u.lastmod,
        })
        .collect();
    crate::content::view::to_value(Urlset { urls })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(n: usize) -> Vec<Url> {
        (0..n)
            .map(|i| Url {
                loc: format!("https://h.example/p{i}/"),
                lastmod: Date::new(2026, 1, 1 + (i % 28) as i8).ok(),
            })
            .collect()
    }

    fn at(name: &str) -> String {
        format!("https://h.example/{name}")
    }

    /// The documents rendered with the default theme's templates.
    fn rendered(urls: &[Url], limit: usize) -> Vec<(String, String)> {
        let theme = crate::render::Theme::load(std::path::Path::new("/nonexistent"), "default")
            .unwrap_or_else(|e| panic!("{e}"));
        let r = crate::render::Renderer::new(&theme).unwrap_or_else(|e| panic!("{e:?}"));
        documents(urls, limit, &at)
            .into_iter()
            .map(|(path, t, ctx)| (path, r.render(t, &ctx).unwrap_or_else(|e| panic!("{e}"))))
            .collect()
    }

    #[test]
    fn one_urlset_while_the_urls_fit() {
        let docs = rendered(&urls(3), 3);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].0, "sitemap.xml");
        assert_eq!(
            docs[0].1,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
             \x20 <url><loc>https://h.example/p0/</loc><lastmod>2026-01-01</lastmod></url>\n\
             \x20 <url><loc>https://h.example/p1/</loc><lastmod>2026-01-02</lastmod></url>\n\
             \x20 <url><loc>https://h.example/p2/</loc><lastmod>2026-01-03</lastmod></url>\n\
             </urlset>\n"
        );
    }

    #[test]
    fn locations_are_escaped_and_lastmod_is_left_out_when_unknown() {
        let u = [Url {
            loc: "https://h.example/a?b=1&c='d'".into(),
            lastmod: None,
        }];
        let docs = rendered(&u, 3);
        assert!(docs[0]
            .1
            .contains("<url><loc>https://h.example/a?b=1&amp;c=&apos;d&apos;</loc></url>\n"));
    }

    #[test]
    fn a_sitemap_index_appears_above_the_limit() {
        let docs = rendered(&urls(7), 3);
        let names: Vec<&str> = docs.iter().map(|d| d.0.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        assert!(docs[0].1.contains("<sitemapindex"));
        assert!(docs[0]
            .1
            .contains("  <sitemap><loc>https://h.example/sitemap-3.xml</loc><lastmod>2026-01-07</lastmod></sitemap>\n"));
        assert_eq!(docs[0].1.matches("<sitemap>").count(), 3);
        let total: usize = docs[1..].iter().map(|d| d.1.matches("<url>").count()).sum();
        assert_eq!(total, 7);
        assert_eq!(docs[3].1.matches("<url>").count(), 1);
        // Each part's lastmod is the newest of its URLs.
        assert!(docs[0].1.contains("<lastmod>2026-01-03</lastmod>"));
    }
}
