//! Checks on a request before its form is looked at: the `Host` header, the `Origin` of a
//! post, and whether a correction report's page address is a page of the site.
//!
//! **Origin.** Browsers send `Origin` with every form POST, also a same-origin one
//! (`Origin: https://rsj.example.gov.cn`). A post whose `Origin` names another site was made
//! by that site's page in the visitor's browser (a hidden auto-submitting form: comments
//! in other people's names and from their addresses), and is refused. Allowed:
//! * no `Origin` (non-browser clients, very old browsers: nothing to judge);
//! * the host of the request itself (`Host`, which nginx passes on as `$host`);
//! * the hosts of the site's `base_url` and an absolute `feedback_url` (`Site::hosts`);
//! * for each of those, the same host with or without a leading `www.`, and its subdomains;
//! * a loopback origin when the request's own host is loopback (previews, local tests).
//!
//! `Origin: null` is refused: browsers send it from sandboxed frames and local files — the
//! way a hostile page hides where it is — and, for a POST, when the page's referrer policy
//! is `no-referrer` (or `same-origin` towards another origin). The shipped nginx config sends
//! `strict-origin-when-cross-origin`, under which a site's own forms always send their
//! origin; do not set `no-referrer` on the site's pages (docs/feedback.md).

use hyper::header::{self, HeaderMap};
use hyper::Version;
use std::net::IpAddr;

/// A valid HTTP/1.1 request has exactly one `Host`; no request may have two.
pub fn host_header_ok(version: Version, headers: &HeaderMap) -> bool {
    let n = headers.get_all(header::HOST).iter().count();
    match n {
        0 => version < Version::HTTP_11,
        1 => headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .and_then(split_host)
            .is_some(),
        _ => false,
    }
}

/// The host of the request's `Host` header, lower case, without port.
pub fn request_host(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .and_then(split_host)
}

/// `host[:port]` or `[v6]:port` → host (lower case, no trailing dot, IPv6 without brackets).
fn split_host(authority: &str) -> Option<String> {
    let a = authority.trim();
    if a.is_empty() || a.contains(['/', '@', ' ', '?', '#']) {
        return None;
    }
    let host = if let Some(rest) = a.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.starts_with(':')) {
            return None;
        }
        h
    } else {
        match a.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            Some(_) => return None,
            None => a,
        }
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

/// `scheme://authority[/…]` → (scheme, host). None for anything else.
fn url_host(url: &str) -> Option<(String, String)> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some((scheme, split_host(&rest[..end])?))
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether `host` is `allowed`, the same with or without `www.`, or a subdomain of it.
fn same_site(host: &str, allowed: &str) -> bool {
    if host == allowed {
        return true;
    }
    if host.parse::<IpAddr>().is_ok() || allowed.parse::<IpAddr>().is_ok() {
        return false;
    }
    let base = allowed.strip_prefix("www.").unwrap_or(allowed);
    // A bare public suffix ("cn", "gov.cn") never stands for a site.
    if !base.contains('.') {
        return false;
    }
    host == base || host.ends_with(&format!(".{base}"))
}

/// The site's own hosts (from `site.toml`: `base_url`, and `feedback_url` when absolute).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteHosts(Vec<String>);

impl SiteHosts {
    pub fn from_urls<'a>(urls: impl IntoIterator<Item = &'a str>) -> SiteHosts {
        let mut hosts: Vec<String> = urls
            .into_iter()
            .filter_map(|u| url_host(u).map(|(_, h)| h))
            .collect();
        hosts.sort();
        hosts.dedup();
        SiteHosts(hosts)
    }

    fn allows(&self, host: &str, request_host: Option<&str>) -> bool {
        if let Some(rh) = request_host {
            if same_site(host, rh) || (is_loopback(host) && is_loopback(rh)) {
                return true;
            }
        }
        self.0.iter().any(|a| same_site(host, a))
    }
}

/// Why a post's origin was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginError {
    /// `Origin: null` (sandboxed frame, local file, `no-referrer` page).
    Opaque,
    /// Another site's page, or an unreadable / repeated header.
    CrossSite,
}

/// Checks the `Origin` header of a post (see the module documentation).
pub fn check_origin(headers: &HeaderMap, site: &SiteHosts) -> Result<(), OriginError> {
    let mut all = headers.get_all(header::ORIGIN).iter();
    let Some(origin) = all.next() else {
        return Ok(());
    };
    if all.next().is_some() {
        return Err(OriginError::CrossSite);
    }
    let origin = origin.to_str().map_err(|_| OriginError::CrossSite)?.trim();
    if origin.eq_ignore_ascii_case("null") {
        return Err(OriginError::Opaque);
    }
    let (_, host) = url_host(origin).ok_or(OriginError::CrossSite)?;
    if site.allows(&host, request_host(headers).as_deref()) {
        Ok(())
    } else {
        Err(OriginError::CrossSite)
    }
}

/// A correction report's page address must be a page of this site: a path (`/records/…`),
/// or an http(s) address — with or without `http(s)://` — on one of the site's hosts or
/// the request's own host. An empty address is allowed (the field is optional).
pub fn page_of_site(page: &str, request_host: Option<&str>, site: &SiteHosts) -> bool {
    let page = page.trim();
    if page.is_empty() {
        return true;
    }
    if page.starts_with('/') {
        return !page.starts_with("//") && !page.contains('\\');
    }
    let host = match url_host(page) {
        Some((_, h)) => Some(h),
        // `rsj.example.gov.cn/records/…` as typed from the address bar.
        None if !page.contains("://") && !page.contains(char::is_whitespace) => {
            let end = page.find(['/', '?', '#']).unwrap_or(page.len());
            split_host(&page[..end]).filter(|h| h.contains('.') || is_loopback(h))
        }
        None => None,
    };
    let Some(host) = host else {
        return false;
    };
    if let Some(rh) = request_host {
        if host == rh || (is_loopback(&host) && is_loopback(rh)) {
            return true;
        }
    }
    site.0.iter().any(|a| same_site(&host, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn host_rules() {
        assert!(host_header_ok(
            Version::HTTP_11,
            &headers(&[("host", "a.cn")])
        ));
        assert!(host_header_ok(
            Version::HTTP_11,
            &headers(&[("host", "[::1]:80")])
        ));
        assert!(!host_header_ok(Version::HTTP_11, &headers(&[])));
        assert!(host_header_ok(Version::HTTP_10, &headers(&[])));
        assert!(!host_header_ok(
            Version::HTTP_11,
            &headers(&[("host", "a.cn"), ("host", "b.cn")])
        ));
        assert!(!host_header_ok(
            Version::HTTP_11,
            &headers(&[("host", "a.cn:x")])
        ));
    }

    #[test]
    fn origin_rules() {
        let site = SiteHosts::from_urls(["https://www.zj.gov.cn/", "https://fk.zj.gov.cn"]);
        let ok =
            |o: &str, host: &str| check_origin(&headers(&[("origin", o), ("host", host)]), &site);
        assert_eq!(ok("https://www.zj.gov.cn", "fk.zj.gov.cn"), Ok(()));
        assert_eq!(ok("https://zj.gov.cn", "fk.zj.gov.cn"), Ok(()));
        assert_eq!(ok("https://rsj.other.cn", "rsj.other.cn"), Ok(()));
        assert_eq!(ok("http://localhost:1111", "127.0.0.1:5000"), Ok(()));
        assert_eq!(
            ok("https://evil.example", "fk.zj.gov.cn"),
            Err(OriginError::CrossSite)
        );
        assert_eq!(
            ok("https://zj.gov.cn.evil.example", "fk.zj.gov.cn"),
            Err(OriginError::CrossSite)
        );
        assert_eq!(
            ok("https://gov.cn", "fk.zj.gov.cn"),
            Err(OriginError::CrossSite)
        );
        assert_eq!(ok("null", "fk.zj.gov.cn"), Err(OriginError::Opaque));
        assert_eq!(check_origin(&headers(&[("host", "x.cn")]), &site), Ok(()));
    }

    #[test]
    fn page_rules() {
        let site = SiteHosts::from_urls(["https://rsj.zj.gov.cn/"]);
        let h = Some("rsj.zj.gov.cn");
        for good in [
            "",
            "/records/a/",
            "https://rsj.zj.gov.cn/records/a/",
            "rsj.zj.gov.cn/records/a/",
            "http://www.rsj.zj.gov.cn/x",
        ] {
            assert!(page_of_site(good, h, &site), "{good}");
        }
        for bad in [
            "https://evil.example/phish",
            "//evil.example/x",
            "javascript:alert(1)",
            "首页有错",
            "ftp://rsj.zj.gov.cn/x",
        ] {
            assert!(!page_of_site(bad, h, &site), "{bad}");
        }
    }
}
