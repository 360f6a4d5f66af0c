//! The preview's answers: the snapshot served from memory (connections are
//! [`super::conn`]'s); event streams get a listener of their own ([`super::events`]) so they
//! never hold a connection here; request paths are resolved against the site's files only,
//! never the disk.

use super::conn::{self, Handler, Request, Response};
use super::forms::{self, FormHandler, FormRequest};
use super::overlay::escape;
use super::reload::{self, Hub};
use super::state::{Body, Entry, Snapshot};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

/// State shared by the workers and the rebuild loop.
pub struct Shared {
    snapshot: RwLock<Arc<Snapshot>>,
    pub hub: Arc<Hub>,
    pub forms: Box<dyn FormHandler>,
    /// Where the event stream listens (see [`super::events`]).
    pub events_addr: Option<std::net::SocketAddr>,
}

impl Shared {
    pub fn new(forms: Box<dyn FormHandler>, events_addr: Option<std::net::SocketAddr>) -> Shared {
        Shared {
            snapshot: RwLock::new(Arc::new(Snapshot::empty())),
            hub: Arc::new(Hub::default()),
            forms,
            events_addr,
        }
    }

    /// What is served now.
    pub fn current(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => s.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Serve `next` from now on and tell the open pages.
    pub fn publish(&self, next: Snapshot) {
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
pub enum Target {
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
pub fn resolve(raw: &str, base: &str, exists: &dyn Fn(&str) -> bool) -> Target {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = percent_decode(path) else {
        return Target::NotFound;
    };
    let Ok(path) = String::from_utf8(decoded) else {
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

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            let h = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || b"-._~/".contains(&c) {
            out.push(char::from(c));
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// The media type of an output file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "wps" => "application/vnd.ms-works",
        "ofd" => "application/ofd",
        "zip" => "application/zip",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// Whether the client's copy is current: `If-None-Match` decides when sent, else
/// `If-Modified-Since` (second precision).
pub fn not_modified(
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
pub fn http_date(t: SystemTime) -> String {
    jiff::Timestamp::try_from(t)
        .ok()
        .and_then(|ts| {
            jiff::fmt::rfc2822::DateTimePrinter::new()
                .timestamp_to_rfc9110_string(&ts)
                .ok()
        })
        .unwrap_or_default()
}

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

fn respond(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Response {
    Response::new(status, headers, body)
}

fn text_page(status: u16, title: &str, message: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{t}</title></head>\
<body style=\"font:18px/1.7 sans-serif;max-width:40em;margin:2em auto;padding:0 1em\"><h1>{t}</h1><p>{m}</p></body></html>",
        t = escape(title),
        m = escape(message)
    );
    respond(
        status,
        vec![
            h("Content-Type", "text/html; charset=utf-8"),
            h("Cache-Control", "no-store"),
        ],
        body.into_bytes(),
    )
}

impl Handler for Shared {
    fn wants_body(&self, req: &Request) -> Option<usize> {
        let path = req.target.split(['?', '#']).next().unwrap_or("");
        forms::is_form_route(&req.method, path).then_some(forms::MAX_BODY)
    }

    fn handle(&self, req: &Request) -> Response {
        handle(req, self)
    }
}

/// Answer one request (its head checked and its form body read by [`super::conn`]).
pub fn handle(req: &Request, shared: &Shared) -> Response {
    let url = req.target.as_str();
    let path_only = url.split(['?', '#']).next().unwrap_or("").to_string();
    let method = req.method.as_str();

    if path_only == reload::EVENTS_PATH {
        // The stream has its own listener, so that it never holds a connection thread here.
        let Some(a) = shared.events_addr else {
            return text_page(404, "页面未找到", "自动刷新未启用。");
        };
        let location = format!("http://{a}{}", reload::EVENTS_PATH);
        return respond(
            307,
            vec![h("Location", &location), h("Cache-Control", "no-store")],
            Vec::new(),
        );
    }
    if forms::is_form_route(method, &path_only) {
        let form = FormRequest {
            method: method.to_string(),
            path: path_only,
            query: url.split_once('?').map(|(_, q)| q.to_string()),
            headers: req.headers.clone(),
            body: req.body.clone(),
            remote: req.remote,
        };
        let answer = shared.forms.handle(&form);
        let mut headers = vec![
            h("Content-Type", &answer.content_type),
            h("Cache-Control", "no-store"),
        ];
        headers.extend(answer.headers.iter().map(|(n, v)| h(n, v)));
        return respond(answer.status, headers, answer.body);
    }
    if method != "GET" && method != "HEAD" {
        return respond(
            405,
            vec![
                h("Allow", "GET, HEAD"),
                h("Content-Type", "text/plain; charset=utf-8"),
            ],
            "预览只支持 GET 和 HEAD 请求。".as_bytes().to_vec(),
        );
    }

    let snap = shared.current();
    let exists = |k: &str| snap.files.contains_key(k);
    match resolve(url, &snap.base, &exists) {
        Target::Redirect(location) => respond(
            301,
            vec![
                h("Location", &location),
                h("Content-Type", "text/plain; charset=utf-8"),
            ],
            Vec::new(),
        ),
        Target::File(key) => match snap.files.get(&key) {
            Some(entry) => serve_file(req, shared, &snap, &key, entry, 200),
            None => not_found(req, shared, &snap),
        },
        Target::NotFound => not_found(req, shared, &snap),
    }
}

fn not_found(req: &Request, shared: &Shared, snap: &Snapshot) -> Response {
    match snap.files.get("404.html") {
        Some(entry) => serve_file(req, shared, snap, "404.html", entry, 404),
        // A site that has never built: the errors on a page of their own, reloaded when fixed.
        None if snap.overlay.is_some() => never_built(shared, snap),
        None if snap.generation == 0 => text_page(
            503,
            "网站正在生成",
            "第一次生成尚未完成，请稍候刷新。若终端显示错误，请先改正内容。",
        ),
        None => text_page(404, "页面未找到", "您访问的页面不存在。"),
    }
}

/// The page of a site whose sources have never built: the error overlay (every problem, as
/// on the pages of a site that built before) and the live-reload script.
fn never_built(shared: &Shared, snap: &Snapshot) -> Response {
    let page = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>网站还不能生成</title></head>\
<body style=\"font:18px/1.7 sans-serif;max-width:40em;margin:2em auto;padding:0 1em\"><h1>网站还不能生成</h1>\
<p>内容有错误，网站一次也没有生成成功。请按下面列出的问题修改，保存后本页自动刷新。</p></body></html>";
    let mut extra = snap.overlay.as_deref().unwrap_or("").to_string();
    if let Some(a) = shared.events_addr {
        extra.push_str(&reload::script(snap.generation, a.port()));
    }
    let body = reload::inject(page.as_bytes(), &extra);
    respond(
        503,
        vec![
            h("Content-Type", "text/html; charset=utf-8"),
            h("Cache-Control", "no-store"),
        ],
        body,
    )
}

/// Open an attachment to serve it: a regular file reached without any symbolic link (the
/// build refuses links under `content/`, but one may have been made since the last good
/// build, and the preview reads attachments when asked for them). `path` is the site's
/// canonical root joined with a checked relative path, so it is its own canonical form
/// unless a link is on the way.
fn open_attachment(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let meta = std::fs::symlink_metadata(path)?;
    let direct = path.canonicalize().is_ok_and(|c| c == path);
    if !meta.file_type().is_file() || !direct {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "附件是符号链接或不是普通文件，预览不提供它",
        ));
    }
    std::fs::File::open(path)
}

fn serve_file(
    req: &Request,
    shared: &Shared,
    snap: &Snapshot,
    key: &str,
    entry: &Arc<Entry>,
    status: u16,
) -> Response {
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
    let headers = vec![
        h("Content-Type", ctype),
        h("ETag", &etag),
        h("Last-Modified", &http_date(modified)),
        h("Cache-Control", "no-cache"),
    ];
    let fresh = status == 200
        && not_modified(
            req.header("if-none-match"),
            req.header("if-modified-since"),
            &etag,
            modified,
        );
    let status = if fresh { 304 } else { status };
    let body: Vec<u8> = match &entry.body {
        Body::Bytes(b) if html => {
            let mut extra = shared
                .events_addr
                .map(|a| reload::script(snap.generation, a.port()))
                .unwrap_or_default();
            if let Some(o) = &snap.overlay {
                extra.insert_str(0, o);
            }
            reload::inject(b, &extra)
        }
        Body::Bytes(b) => b.to_vec(),
        Body::File(p) => match open_attachment(p) {
            Ok(f) => {
                let len = f.metadata().map_or(0, |m| m.len());
                return Response {
                    status,
                    headers,
                    body: conn::Body::File(f, len),
                };
            }
            Err(e) => {
                return text_page(
                    404,
                    "无法读取附件",
                    &format!(
                        "{}：{e}",
                        p.file_name().unwrap_or_default().to_string_lossy()
                    ),
                );
            }
        },
    };
    respond(status, headers, body)
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
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/site.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("static/site.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type("emblem.svg"), "image/svg+xml");
        assert_eq!(content_type("data/x.json"), "application/json");
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("c.ics"), "text/calendar; charset=utf-8");
        assert_eq!(content_type("a.PDF"), "application/pdf");
        assert!(content_type("a.docx").contains("wordprocessingml"));
        assert!(content_type("a.xlsx").contains("spreadsheetml"));
        assert_eq!(content_type("a.png"), "image/png");
        assert_eq!(content_type("a.jpg"), "image/jpeg");
        assert_eq!(content_type("noext"), "application/octet-stream");
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
