//! The seam for the feedback receiver in the preview: `POST /feedback/…` (comment, correction,
//! message forms) and `GET /receipt/…` (receipt look-up) go to a [`FormHandler`]. The
//! receiver (`crate::feedback`) mounts itself by implementing the trait and passing it in
//! [`super::ServeOptions::forms`]; until then [`NotMounted`] answers with a clear zh-CN 503
//! page. The trait uses plain types, so the receiver does not depend on the HTTP library.

use std::net::SocketAddr;

/// Request bodies larger than this are refused (413) before they reach the handler.
pub const MAX_BODY: usize = 1024 * 1024;

/// A form request as the handler sees it.
#[derive(Debug, Clone)]
pub struct FormRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The decoded-free request path, without the query (`/feedback/comment`).
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub remote: Option<SocketAddr>,
}

impl FormRequest {
    /// The first header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the handler answers.
#[derive(Debug, Clone)]
pub struct FormResponse {
    pub status: u16,
    pub content_type: String,
    /// Extra headers (e.g. `Location`).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Something that answers the site's forms (the feedback receiver).
pub trait FormHandler: Send + Sync {
    fn handle(&self, req: &FormRequest) -> FormResponse;
}

/// Does this request belong to the forms handler?
pub fn is_form_route(method: &str, path: &str) -> bool {
    (method == "POST" && (path == "/feedback" || path.starts_with("/feedback/")))
        || ((method == "GET" || method == "HEAD") && path.starts_with("/receipt/"))
}

/// The stand-in while no receiver is mounted in this preview.
pub struct NotMounted;

impl FormHandler for NotMounted {
    fn handle(&self, req: &FormRequest) -> FormResponse {
        let what = if req.path.starts_with("/receipt/") {
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
        FormResponse {
            status: 503,
            content_type: "text/html; charset=utf-8".into(),
            headers: vec![("Retry-After".into(), "3600".into())],
            body: body.into_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feedback_posts_and_receipt_lookups_are_routed_to_the_handler() {
        assert!(is_form_route("POST", "/feedback/comment"));
        assert!(is_form_route("POST", "/feedback"));
        assert!(is_form_route("GET", "/receipt/ABC-123"));
        assert!(!is_form_route("GET", "/feedback/comment"));
        assert!(!is_form_route("POST", "/feedbackx"));
        assert!(!is_form_route("GET", "/documents/"));
    }

    #[test]
    fn without_a_receiver_the_answer_is_a_chinese_503_page() {
        let r = NotMounted.handle(&FormRequest {
            method: "POST".into(),
            path: "/feedback/comment".into(),
            query: None,
            headers: vec![],
            body: vec![],
            remote: None,
        });
        assert_eq!(r.status, 503);
        let body = String::from_utf8_lossy(&r.body);
        assert!(body.contains("意见反馈接收服务没有接入本预览"));
    }
}
