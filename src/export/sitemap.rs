//! `sitemap.xml` (sitemaps.org protocol 0.9) and `robots.txt`.
//!
//! The URLs are taken from the pages actually planned, so every HTML page the site publishes
//! is in it (including pages other modules add before the exports run), except pages marked
//! `noindex` (404, withdrawal notices) and drafts. `lastmod` is the record's own last date
//! (`updated`, else `published`; git commit times are left out: they depend on the clone and
//! can lie after the build's `--now`); for a list or other page, the newest date of the
//! records it lists; absent when nothing dates the page. Above `limit` URLs the URLs go
//! into `sitemap-1.xml`, `sitemap-2.xml`… and `sitemap.xml` becomes a sitemap index, so the
//! address given in `robots.txt` never changes.

use super::{content_date, exported, xml_escape};
use crate::content::Site;
use crate::facts::Facts;
use crate::plan::Output;
use crate::urls::{absolute, record_url};
use jiff::civil::Date;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

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
    pub fn new(site: &Site, facts: &Facts) -> Collector {
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
pub fn page_urls(site: &Site, facts: &Facts, out: &[Output]) -> Vec<Url> {
    let mut c = Collector::new(site, facts);
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

/// `sitemap.xml` (or the index and its parts) and `robots.txt`.
pub fn files(site: &Site, urls: &[Url], limit: usize) -> Vec<Output> {
    let base = site.config.base_path();
    let at = |name: &str| absolute(site, &format!("{base}{name}"));
    let mut v: Vec<Output> = documents(urls, limit, &at)
        .into_iter()
        .map(|(path, text)| Output::Bytes {
            path,
            bytes: text.into_bytes(),
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

/// The sitemap documents as (path, text): one `sitemap.xml` when `urls` fit in `limit`, else
/// an index at `sitemap.xml` and parts `sitemap-N.xml`. `at` makes a file's absolute URL.
pub fn documents(urls: &[Url], limit: usize, at: &dyn Fn(&str) -> String) -> Vec<(String, String)> {
    let limit = limit.max(1);
    if urls.len() <= limit {
        return vec![("sitemap.xml".into(), urlset(urls))];
    }
    let mut out = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, chunk) in urls.chunks(limit).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        let _ = write!(index, "  <sitemap><loc>{}</loc>", xml_escape(&at(&name)));
        if let Some(d) = chunk.iter().filter_map(|u| u.lastmod).max() {
            let _ = write!(index, "<lastmod>{d}</lastmod>");
        }
        index.push_str("</sitemap>\n");
        out.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    out.insert(0, ("sitemap.xml".into(), index));
    out
}

fn urlset(urls: &[Url]) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for u in urls {
        let _ = write!(x, "  <url><loc>{}</loc>", xml_escape(&u.loc));
        if let Some(d) = u.lastmod {
            let _ = write!(x, "<lastmod>{d}</lastmod>");
        }
        x.push_str("</url>\n");
    }
    x.push_str("</urlset>\n");
    x
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

    #[test]
    fn one_urlset_while_the_urls_fit() {
        let docs = documents(&urls(3), 3, &at);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].0, "sitemap.xml");
        assert!(docs[0].1.contains("<urlset"));
        assert_eq!(docs[0].1.matches("<url>").count(), 3);
    }

    #[test]
    fn a_sitemap_index_appears_above_the_limit() {
        let docs = documents(&urls(7), 3, &at);
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
            .contains("<loc>https://h.example/sitemap-3.xml</loc>"));
        assert_eq!(docs[0].1.matches("<sitemap>").count(), 3);
        let total: usize = docs[1..].iter().map(|d| d.1.matches("<url>").count()).sum();
        assert_eq!(total, 7);
        assert_eq!(docs[3].1.matches("<url>").count(), 1);
        // Each part's lastmod is the newest of its URLs.
        assert!(docs[0].1.contains("<lastmod>2026-01-03</lastmod>"));
    }
}
