//! The preview's answers for the site: the snapshot served from memory. Request paths are
//! resolved against the site's files only, never the disk (attachments are read from their
//! checked source path).

use super::overlay::escape;
use super::reload::{self, Hub};
use super::server::{full, Body};
use super::state::{Body as EntryBody, Entry, Snapshot};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

/// State shared by the server and the rebuild loop.
pub(crate) struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    pub hub: Arc<Hub>,
}

impl Default for Shared {
    fn default() -> Self {
        Shared::new()
    }
}

impl Shared {
    pub(crate) fn new() -> Shared {
        Shared {
            snapshot: RwLock::new(Arc::new(Snapshot::empty())),
            hub: Arc::new(Hub::default()),
        }
    }

    /// What is served now.
    pub(crate) fn current(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => s.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Serve `next` from now on and tell the open pages.
    pub(crate) fn publish(&self, next: Snapshot) {
        let generation = next.generation;
        match self.snapshot.write() {
            Ok(mut s) => *s = Arc::new(next),
            Err(p) => *p.into_inner() = Arc::new(next),
        }
        self.hub.broadcast(generation);
    }
}

/// Where a request path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A file of the site (its output path).
    File(String),
    /// A folder asked for without its trailing slash.
    Redirect(String),
    NotFound,
}

/// Resolve the request target `raw` (as sent: percent-encoded, maybe with a query) against
/// the site's files below `base` (`/` or `/sub/`). Anything that could step outside the site
/// — `..` or `.` segments, encoded or not, backslashes, NUL, empty segments, invalid
/// encodings — is not found.
pub(crate) fn resolve(raw: &str, base: &str, exists: &dyn Fn(&str) -> bool) -> Target {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    if !crate::feedback::forms::escapes_are_valid(path.as_bytes()) {
        return Target::NotFound;
    }
    let Ok(path) = percent_encoding::percent_decode_str(path).decode_utf8() else {
        return Target::NotFound;
    };
    if !path.starts_with('/') || path.contains('\\') || path.contains('\0') {
        return Target::NotFound;
    }
    let base = if base.starts_with('/') && base.ends_with('/') {
        base
    } else {
        "/"
    };
    if base.len() > 1 && path == base.trim_end_matches('/') {
        return Target::Redirect(base.to_string());
    }
    let Some(rest) = path.strip_prefix(base) else {
        return Target::NotFound;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (i, s) in segments.iter().enumerate() {
        if *s == ".." || *s == "." || (s.is_empty() && i != last) {
            return Target::NotFound;
        }
    }
    let key = if rest.is_empty() || rest.ends_with('/') {
        format!("{rest}index.html")
    } else {
        rest.to_string()
    };
    if exists(&key) {
        return Target::File(key);
    }
    if !rest.is_empty() && !rest.ends_with('/') && exists(&format!("{rest}/index.html")) {
        return Target::Redirect(format!("{base}{}/", percent_encode(rest)));
    }
    Target::NotFound
}

/// Characters escaped in a redirect's path: all but unreserved ones and `/`.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, PATH).to_string()
}

/// The media type of an output file, by its extension (`mime_guess`), with `charset=utf-8`
/// for text: the site is written in UTF-8.
pub(crate) fn content_type(path: &str) -> String {
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let essence = match ext.as_str() {
        // What browsers expect rather than the registry's older names.
        "js" | "mjs" => "text/javascript",
        "xml" => "application/xml",
        // The state's layout document format (GB/T 33190), unknown to the registry.
        "ofd" => "application/ofd",
        e => mime_guess::from_ext(e)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    };
    let textual = essence.starts_with("text/")
        || essence == "application/xml"
        || (essence.starts_with("application/") && essence.ends_with("+xml"));
    if textual {
        format!("{essence}; charset=utf-8")
    } else {
        essence.to_string()
    }
}

/// Whether the client's copy is current: `If-None-Match` decides when sent, else
/// `If-Modified-Since` (second precision).
pub(crate) fn not_modified(
    if_none_match: Option<&str>,
    if_modified_since: Option<&str>,
    etag: &str,
    modified: SystemTime,
) -> bool {
    if let Some(inm) = if_none_match {
        return inm
            .split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag);
    }
    let Some(ims) = if_modified_since else {
        return false;
    };
    let Ok(since) = jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(ims.trim()) else {
        return false;
    };
    match jiff::Timestamp::try_from(modified) {
        Ok(m) => m.as_second() <= since.as_second(),
        Err(_) => false,
    }
}

/// An HTTP date (RFC 9110).
pub(crate) fn http_date(t: SystemTime) -> String {
    jiff::Timestamp::try_from(t)
        .ok()
        .and_then(|ts| {
            jiff::fmt::rfc2822::DateTimePrinter::new()
                .timestamp_to_rfc9110_string(&ts)
                .ok()
        })
        .unwrap_or_default()
}

/// An answer with these headers (values that are not valid header text are left out).
fn respond(status: StatusCode, headers: &[(HeaderName, &str)], body: Vec<u8>) -> Response<Body> {
    let mut r = Response::new(full(body));
    *r.status_mut() = status;
    for (n, v) in headers {
        if let Ok(v) = HeaderValue::from_str(v) {
            r.headers_mut().append(n.clone(), v);
        }
    }
    r
}

/// An HTML page that is not cached.
pub(crate) fn html_answer(status: StatusCode, page: String) -> Response<Body> {
    respond(
        status,
        &[
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page.into_bytes(),
    )
}

fn text_page(status: StatusCode, title: &str, message: &str) -> Response<Body> {
    let body = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\
<body style=\"font:18px/1.7 sans-serif;max-width:40em;margin:2em auto;padding:0 1em\"><h1>{t}</h1><p>{m}</p></body></html>",
        t = escape(title),
        m = escape(message)
    );
    html_answer(status, body)
}

/// The request's header `name`, when it is text.
fn header_of<B>(req: &Request<B>, name: HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Answer a request for the site (a `GET` or `HEAD`; the server has checked its `Host`).
pub(crate) fn handle<B>(req: &Request<B>, shared: &Shared) -> Response<Body> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return respond(
            StatusCode::METHOD_NOT_ALLOWED,
            &[
                (header::ALLOW, "GET, HEAD"),
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            ],
            "预览只支持 GET 和 HEAD 请求。".as_bytes().to_vec(),
        );
    }
    let snap = shared.current();
    let exists = |k: &str| snap.files.contains_key(k);
    match resolve(req.uri().path(), &snap.base, &exists) {
        Target::Redirect(location) => respond(
            StatusCode::MOVED_PERMANENTLY,
            &[
                (header::LOCATION, &location),
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            ],
            Vec::new(),
        ),
        Target::File(key) => match snap.files.get(&key) {
            Some(entry) => serve_file(req, &snap, &key, entry, StatusCode::OK),
            None => not_found(req, &snap),
        },
        Target::NotFound => not_found(req, &snap),
    }
}

fn not_found<B>(req: &Request<B>, snap: &Snapshot) -> Response<Body> {
    match snap.files.get("404.html") {
        Some(entry) => serve_file(req, snap, "404.html", entry, StatusCode::NOT_FOUND),
        // A site that has never built: the errors on a page of their own, reloaded when fixed.
        None if snap.overlay.is_some() => never_built(snap),
        None if snap.generation == 0 => text_page(
            StatusCode::SERVICE_UNAVAILABLE,
            "网站正在生成",
            "第一次生成尚未完成，请稍候刷新。若终端显示错误，请先改正内容。",
        ),
        None => text_page(StatusCode::NOT_FOUND, "页面未找到", "您访问的页面不存在。"),
    }
}

/// The page of a site whose sources have never built: the error overlay (every problem, as
/// on the pages of a site that built before) and the live-reload script.
fn never_built(snap: &Snapshot) -> Response<Body> {
    let page = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>网站还不能生成</title></head>\
<body style=\"font:18px/1.7 sans-serif;max-width:40em;margin:2em auto;padding:0 1em\"><h1>网站还不能生成</h1>\
<p>内容有错误，网站一次也没有生成成功。请按下面列出的问题修改，保存后本页自动刷新。</p></body></html>";
    let mut extra = snap.overlay.as_deref().unwrap_or("").to_string();
    extra.push_str(&reload::script(snap.generation));
    let body = reload::inject(page.as_bytes(), &extra);
    respond(
        StatusCode::SERVICE_UNAVAILABLE,
        &[
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
}

/// Read an attachment to serve it: a regular file reached without any symbolic link (the
/// build refuses links under `content/`, but one may have been made since the last good
/// build, and the preview reads attachments when asked for them). `path` is the site's
/// canonical root joined with a checked relative path, so it is its own canonical form
/// unless a link is on the way.
fn read_attachment(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path)?;
    let direct = path.canonicalize().is_ok_and(|c| c == path);
    if !meta.file_type().is_file() || !direct {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "附件是符号链接或不是普通文件，预览不提供它",
        ));
    }
    std::fs::read(path)
}

fn serve_file<B>(
    req: &Request<B>,
    snap: &Snapshot,
    key: &str,
    entry: &Arc<Entry>,
    status: StatusCode,
) -> Response<Body> {
    let ctype = content_type(key);
    let html = ctype.starts_with("text/html");
    // Pages carry the live-reload script (and the overlay), so they change with every
    // generation.
    let (etag, modified) = if html {
        (
            format!("\"{}-g{}\"", entry.etag(), snap.generation),
            snap.since.max(entry.modified),
        )
    } else {
        (format!("\"{}\"", entry.etag()), entry.modified)
    };
    let fresh = status == StatusCode::OK
        && not_modified(
            header_of(req, header::IF_NONE_MATCH),
            header_of(req, header::IF_MODIFIED_SINCE),
            &etag,
            modified,
        );
    let body: Vec<u8> = if fresh {
        Vec::new()
    } else {
        match &entry.body {
            EntryBody::Bytes(b) if html => {
                let mut extra = reload::script(snap.generation);
                if let Some(o) = &snap.overlay {
                    extra.insert_str(0, o);
                }
                reload::inject(b, &extra)
            }
            EntryBody::Bytes(b) => b.to_vec(),
            EntryBody::File(p) => match read_attachment(p) {
                Ok(bytes) => bytes,
                Err(e) => {
                    return text_page(
                        StatusCode::NOT_FOUND,
                        "无法读取附件",
                        &format!(
                            "{}：{e}",
                            p.file_name().unwrap_or_default().to_string_lossy()
                        ),
                    );
                }
            },
        }
    };
    respond(
        if fresh {
            StatusCode::NOT_MODIFIED
        } else {
            status
        },
        &[
            (header::CONTENT_TYPE, &ctype),
            (header::ETAG, &etag),
            (header::LAST_MODIFIED, &http_date(modified)),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn site(k: &str) -> bool {
        [
            "index.html",
            "about/index.html",
            "static/site.css",
            "404.html",
        ]
        .contains(&k)
    }

    fn r(url: &str) -> Target {
        resolve(url, "/", &site)
    }

    #[test]
    fn folders_serve_their_index_and_files_themselves() {
        assert_eq!(r("/"), Target::File("index.html".into()));
        assert_eq!(r("/about/"), Target::File("about/index.html".into()));
        assert_eq!(r("/about/?x=1"), Target::File("about/index.html".into()));
        assert_eq!(
            r("/static/site.css"),
            Target::File("static/site.css".into())
        );
        assert_eq!(r("/about"), Target::Redirect("/about/".into()));
        assert_eq!(r("/nothing"), Target::NotFound);
    }

    #[test]
    fn traversal_and_odd_paths_never_leave_the_site() {
        for url in [
            "/../site.toml",
            "/%2e%2e/site.toml",
            "/%2E%2E/site.toml",
            "/..%2fsite.toml",
            "/..%2Fsite.toml",
            "/static/..\\..\\site.toml",
            "/static/%5c..%5csite.toml",
            "/./index.html",
            "//etc/passwd",
            "/etc/passwd",
            "C:\\site.toml",
            "site.toml",
            "http://example.com/../site.toml",
            "/%00",
            "/%zz",
            "/%e4",
            "/about/../index.html",
        ] {
            assert_eq!(r(url), Target::NotFound, "{url}");
        }
    }

    #[test]
    fn a_base_path_is_respected() {
        let t = |u: &str| resolve(u, "/sub/", &site);
        assert_eq!(t("/sub/"), Target::File("index.html".into()));
        assert_eq!(t("/sub"), Target::Redirect("/sub/".into()));
        assert_eq!(t("/about/"), Target::NotFound);
    }

    #[test]
    fn redirects_are_encoded_and_local() {
        let exists = |k: &str| k == "关于/index.html";
        assert_eq!(
            resolve("/%E5%85%B3%E4%BA%8E", "/", &exists),
            Target::Redirect("/%E5%85%B3%E4%BA%8E/".into())
        );
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(&content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(&content_type("static/site.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("static/site.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(&content_type("emblem.svg"), "image/svg+xml");
        assert_eq!(&content_type("data/x.json"), "application/json");
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(&content_type("c.ics"), "text/calendar; charset=utf-8");
        assert_eq!(&content_type("a.PDF"), "application/pdf");
        assert!(content_type("a.docx").contains("wordprocessingml"));
        assert!(content_type("a.xlsx").contains("spreadsheetml"));
        assert_eq!(&content_type("a.png"), "image/png");
        assert_eq!(&content_type("a.jpg"), "image/jpeg");
        assert_eq!(&content_type("noext"), "application/octet-stream");
    }

    #[test]
    fn validators_decide_not_modified() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let date = http_date(t);
        assert!(date.ends_with("GMT"));
        assert!(not_modified(Some("\"abc\""), None, "\"abc\"", t));
        assert!(not_modified(Some("W/\"abc\", \"x\""), None, "\"abc\"", t));
        assert!(!not_modified(Some("\"x\""), Some(&date), "\"abc\"", t));
        assert!(not_modified(None, Some(&date), "\"abc\"", t));
        assert!(!not_modified(
            None,
            Some(&date),
            "\"abc\"",
            t + Duration::from_secs(2)
        ));
        assert!(!not_modified(None, Some("garbage"), "\"abc\"", t));
        assert!(!not_modified(None, None, "\"abc\"", t));
    }
}
