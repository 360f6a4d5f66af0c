//! The parts of every page that depend on the site alone — the footer, and the main navigation
//! for each place a page can be in it — rendered once per build instead of once per page.
//!
//! Every page's HTML carries the same footer and one of a few navigation bars. Rendered by
//! Tera on each page, the two would cost a noticeable share of a build (each `site.org.name`
//! is a JSON-pointer look-up; figures in docs/performance.md). The theme keeps them as
//! ordinary templates:
//!
//! - `partials/footer.html` is rendered with `site` only;
//! - `partials/nav.html` is rendered with `site` and `page.nav` only (which item the page is
//!   under, worked out by the planner).
//!
//! Each page then gets `chrome.footer` and `chrome.nav`, HTML to print with `| safe`. A theme
//! that overrides these partials must use nothing else in them (anything else is undefined
//! there, and Tera reports it as an error). A theme whose `base.html` does not use `chrome`
//! loses nothing but the saving.

use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::Mutex;

pub(crate) const FOOTER: &str = "partials/footer.html";
pub(crate) const NAV: &str = "partials/nav.html";

/// Rendered chrome for one `site` value (a preview server's rebuild after a change of
/// site.toml brings another, and the cache starts again).
#[derive(Default)]
pub(crate) struct Chrome {
    /// The digest of the `site` it was rendered for ([`crate::render::site_digest`]).
    site: Option<[u8; 32]>,
    footer: Option<String>,
    /// By `page.nav` (as JSON text; `null` for pages under no item).
    navs: HashMap<String, String>,
}

/// What a page's `chrome` holds.
pub(crate) struct Parts {
    pub footer: Option<String>,
    pub nav: Option<String>,
}

impl Chrome {
    /// The footer and navigation for a page with this `site` and `page.nav`, rendered by
    /// `render` the first time they are needed.
    pub(crate) fn parts(
        cache: &Mutex<Chrome>,
        site: &Value,
        nav: &Value,
        want: (bool, bool),
        render: &dyn Fn(&str, Value) -> Result<String, String>,
    ) -> Result<Parts, String> {
        let mut c = cache
            .lock()
            .map_err(|_| "chrome cache poisoned".to_string())?;
        // A planned page's `site` carries its digest (`render::SITE_DIGEST`): comparing it is
        // comparing the values, for far less than a walk of both. Another `site` (the
        // feedback receiver's frame) is hashed.
        let digest = crate::render::site_digest(site);
        if c.site != Some(digest) {
            *c = Chrome {
                site: Some(digest),
                ..Chrome::default()
            };
        }
        let footer = match (&c.footer, want.0) {
            (_, false) => None,
            (Some(f), true) => Some(f.clone()),
            (None, true) => {
                let f = render(FOOTER, json!({ "site": site }))?;
                c.footer = Some(f.clone());
                Some(f)
            }
        };
        let nav = if want.1 {
            let key = nav.to_string();
            match c.navs.get(&key) {
                Some(n) => Some(n.clone()),
                None => {
                    let mut page = Map::new();
                    if !nav.is_null() {
                        page.insert("nav".into(), nav.clone());
                    }
                    let n = render(NAV, json!({ "site": site, "page": page }))?;
                    c.navs.insert(key, n.clone());
                    Some(n)
                }
            }
        } else {
            None
        };
        Ok(Parts { footer, nav })
    }
}

/// Add `chrome` to a page's view model (pages without `site` are left alone).
pub(crate) fn add(
    cache: &Mutex<Chrome>,
    ctx: &mut Value,
    want: (bool, bool),
    render: &dyn Fn(&str, Value) -> Result<String, String>,
) -> Result<(), String> {
    if !(want.0 || want.1) {
        return Ok(());
    }
    let Value::Object(m) = ctx else { return Ok(()) };
    let Some(site) = m.get("site") else {
        return Ok(());
    };
    let nav = m
        .get("page")
        .and_then(|p| p.get("nav"))
        .cloned()
        .unwrap_or(Value::Null);
    let parts = Chrome::parts(cache, site, &nav, want, render)?;
    m.insert(
        "chrome".into(),
        json!({"footer": parts.footer, "nav": parts.nav}),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn each_part_is_rendered_once_per_site_and_place() {
        let cache = Mutex::new(Chrome::default());
        let calls = Cell::new(0);
        let render = |name: &str, v: Value| -> Result<String, String> {
            calls.set(calls.get() + 1);
            Ok(format!(
                "{name}:{}:{}",
                v["site"]["title"], v["page"]["nav"]
            ))
        };
        let page = |title: &str, nav: Value| {
            let mut p = json!({"site": {"title": title}, "page": {"url": "/x/"}});
            if !nav.is_null() {
                p["page"]["nav"] = nav;
            }
            p
        };
        let mut a = page("甲", json!({"index": 2, "current": "page"}));
        add(&cache, &mut a, (true, true), &render).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            a["chrome"]["footer"],
            json!("partials/footer.html:\"甲\":null")
        );
        assert_eq!(
            a["chrome"]["nav"],
            json!("partials/nav.html:\"甲\":{\"current\":\"page\",\"index\":2}")
        );
        assert_eq!(calls.get(), 2);
        // The same site and place: nothing rendered again.
        let mut b = page("甲", json!({"index": 2, "current": "page"}));
        add(&cache, &mut b, (true, true), &render).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(calls.get(), 2);
        assert_eq!(a, b);
        // Another place: only its navigation.
        let mut c = page("甲", Value::Null);
        add(&cache, &mut c, (true, true), &render).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(calls.get(), 3);
        assert_eq!(c["chrome"]["nav"], json!("partials/nav.html:\"甲\":null"));
        // Another site (site.toml changed): everything again.
        let mut d = page("乙", json!({"index": 2, "current": "page"}));
        add(&cache, &mut d, (true, true), &render).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(calls.get(), 5);
        assert_eq!(
            d["chrome"]["footer"],
            json!("partials/footer.html:\"乙\":null")
        );
        // Planned pages' sites carry their digest: compared by it alone (the rest of the
        // value is what it is a digest of).
        let (d1, d2) = ("11".repeat(32), "22".repeat(32));
        let marked = |title: &str, digest: &str| {
            let mut p = page(title, Value::Null);
            p["site"][crate::render::SITE_DIGEST] = json!(digest);
            p
        };
        let mut f = marked("丙", &d1);
        add(&cache, &mut f, (true, true), &render).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(calls.get(), 7);
        let mut g = marked("丁", &d1);
        add(&cache, &mut g, (true, true), &render).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(calls.get(), 7);
        assert_eq!(g["chrome"], f["chrome"]);
        let mut h = marked("丙", &d2);
        add(&cache, &mut h, (true, true), &render).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(calls.get(), 9);
        // No site: left alone.
        let mut e = json!({"page": {}});
        add(&cache, &mut e, (true, true), &render).unwrap_or_else(|e| panic!("{e}"));
        assert!(e.get("chrome").is_none());
    }
}
