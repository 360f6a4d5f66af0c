//! The real feedback receiver mounted in the preview: `gongshi serve` opens
//! `crate::feedback`'s service with a throw-away database (or `--db FILE`) and its server
//! hands the receiver's routes to it in-process ([`super::server`]), so a reviewer can try a
//! comment end to end with the very code that runs in production — its receipt page and
//! style sheet included.

use super::server::{full, Body};
use crate::feedback::{self, ServeOptions, Service};
use hyper::header::{self, HeaderValue};
use hyper::{Response, StatusCode};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The receiver's service and what it needs kept alive.
pub(crate) struct Receiver {
    service: Service,
    _tmp: Option<TempDb>,
    /// The receiver's windows follow the content, as in production.
    _follow: Option<feedback::reload::FollowHandle>,
}

/// The temporary folder of the preview database: a new one each time, with a random name
/// (never one that exists already, which someone else could have made), private to the user
/// (mode 0700: the database holds what was typed into the forms), removed when the preview
/// stops, however it stops ([`super::cleanup`]).
struct TempDb(Option<tempfile::TempDir>);

impl TempDb {
    fn new() -> Result<TempDb, String> {
        let dir = tempfile::Builder::new()
            .prefix("gongshi-preview-")
            .tempdir()
            .map_err(|e| format!("无法创建临时目录：{e}"))?;
        #[cfg(unix)]
        {
            // tempfile makes it 0700 already; say so where it matters.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
                .map_err(|e| format!("无法设置临时目录 {} 的权限：{e}", dir.path().display()))?;
        }
        super::cleanup::register(dir.path());
        Ok(TempDb(Some(dir)))
    }

    fn path(&self) -> PathBuf {
        self.0
            .as_ref()
            .map(|d| d.path().to_path_buf())
            .unwrap_or_default()
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            super::cleanup::unregister(dir.path());
            let _ = dir.close();
        }
    }
}

impl Receiver {
    /// Start the receiver for the site at `root`. `db`: keep comments in this file; `None`:
    /// a throw-away database. `now` fixes the receiver's clock like the preview's.
    pub(crate) fn start(
        root: &Path,
        db: Option<PathBuf>,
        now: Option<jiff::Timestamp>,
    ) -> Result<Receiver, String> {
        let dir = feedback::site::load_directory(root)?;
        let (dir, follow): (std::sync::Arc<dyn feedback::Directory>, _) =
            match feedback::reload::follow(
                root.to_path_buf(),
                dir.clone(),
                std::sync::Arc::new(feedback::site::load_directory),
                std::sync::Arc::new(|_: &str| {}),
                true,
                false,
            ) {
                Ok((d, h)) => (d, Some(h)),
                Err(_) => (dir, None),
            };
        let (db, tmp) = match db {
            Some(p) => (p, None),
            None => {
                let tmp = TempDb::new()?;
                (tmp.path().join("feedback.db"), Some(tmp))
            }
        };
        // Not bound: the preview's server hands the requests over.
        let unbound = SocketAddr::from(([127, 0, 0, 1], 0));
        let mut opts = ServeOptions::new(db, unbound);
        // The throw-away database is new on every start; a `--db FILE` of the preview is
        // created on first use too (it only ever holds trial comments).
        opts.init = true;
        opts.now = now;
        opts.handle_signals = false;
        opts.site_hosts = feedback::cli::site_hosts(root);
        opts.log = feedback::LogSink::stderr().min_level(feedback::Level::Error);
        // The writer thread ends with the last clone of the service.
        let (service, _writer) =
            Service::open(opts, dir).map_err(|e| format!("意见接收服务无法启动：{e}"))?;
        Ok(Receiver {
            service,
            _tmp: tmp,
            _follow: follow,
        })
    }

    /// The service to mount (a clone: the receiver keeps its database alive).
    pub(crate) fn service(&self) -> Service {
        self.service.clone()
    }
}

/// The answer to a form or receipt route while no receiver is mounted: a clear zh-CN 503.
pub(crate) fn not_mounted(path: &str) -> Response<Body> {
    let what = if path.starts_with("/receipt/") {
        "回执查询"
    } else {
        "意见提交"
    };
    let body = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>预览中暂不能{what}</title></head>\
<body style=\"font:18px/1.7 sans-serif;max-width:40em;margin:2em auto;padding:0 1em\">\
<h1>预览中暂不能{what}</h1>\
<p>这是 <code>gongshi serve</code> 的本地预览。意见反馈接收服务没有接入本预览，所以表单不会被提交，也没有保存任何内容。</p>\
<p>网站正式发布后，表单由反馈接收服务（<code>gongshi feedback serve</code>）处理。</p>\
<p><a href=\"javascript:history.back()\">返回上一页</a></p></body></html>"
    );
    let mut r = Response::new(full(body));
    *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::Method;

    #[test]
    fn feedback_posts_and_receipt_lookups_are_routed_to_the_receiver() {
        assert!(Service::routes(&Method::POST, "/feedback/comment"));
        assert!(Service::routes(&Method::POST, "/feedback"));
        assert!(Service::routes(&Method::GET, "/receipt/ABC-123"));
        assert!(Service::routes(&Method::GET, "/feedback/style.css"));
        assert!(!Service::routes(&Method::GET, "/feedback/comment"));
        assert!(!Service::routes(&Method::POST, "/feedbackx"));
        assert!(!Service::routes(&Method::GET, "/documents/"));
    }

    #[test]
    fn without_a_receiver_the_answer_is_a_chinese_503_page() {
        let r = not_mounted("/feedback/comment");
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
