//! `POST /feedback/{comment,correction,message}`: one step per check, in the order a post
//! meets them. Each step either passes its result on or refuses (a zh-CN page or JSON,
//! never stored); only a post that passes every one reaches the writer.

use std::net::{IpAddr, SocketAddr};

use http_body_util::{BodyExt, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Request, StatusCode};
use jiff::Timestamp;

use super::super::forms::{self, Fields, FormError};
use super::super::guard::{self, OriginError};
use super::super::html;
use super::super::log::Level;
use super::super::model::{self, Accepted, Channel, Content, Kind, Personal, Submission};
use super::super::writer::SendError;
use super::service::{client_ip, refuse, response, too_many, Resp, State};

/// A step's outcome: go on with `T`, or answer with the refusal (boxed: an answer is large
/// next to what the steps pass on).
pub(super) type Step<T> = Result<T, Box<Resp>>;

/// Who is refused, and how (an HTML page with the site's title, or JSON).
pub(super) struct Post<'a> {
    pub(super) state: &'a State,
    pub(super) site: html::SiteFrame,
    pub(super) json: bool,
}

impl Post<'_> {
    pub(super) fn refuse(
        &self,
        status: StatusCode,
        code: &str,
        heading: &str,
        message: &str,
        echo: Option<(&str, &str)>,
    ) -> Box<Resp> {
        Box::new(refuse(
            &self.site, self.json, status, code, heading, message, echo,
        ))
    }
}

/// Answers a post of `kind`: a 303 to its receipt (JSON: the receipt), or a refusal.
pub(super) async fn submit(
    state: &State,
    peer: SocketAddr,
    req: Request<Incoming>,
    kind: Kind,
    json: bool,
) -> Resp {
    let post = Post {
        state,
        site: html::SiteFrame::of(state.dir.as_ref()),
        json,
    };
    match steps(&post, peer, req, kind).await {
        Ok(r) => r,
        Err(refusal) => *refusal,
    }
}

async fn steps(
    post: &Post<'_>,
    peer: SocketAddr,
    req: Request<Incoming>,
    kind: Kind,
) -> Step<Resp> {
    let ip = client_ip(post.state, peer, req.headers());
    check_origin(post, req.headers())?;
    let host = guard::request_host(req.headers());
    check_rate(post, ip)?;
    check_content_type(post, req.headers())?;
    let body = read_body(post, req).await?;
    let fields = parse_fields(post, &body)?;
    let (content, personal) = validate(post, &fields, kind)?;
    let now = post.state.now();
    check_window(post, &content, now)?;
    check_correction_page(post, &content, host.as_deref())?;
    let sub = Submission {
        content,
        personal,
        channel: Channel::Web,
        received: now,
        client: Some(ip),
        token: fields.token(),
    };
    let accepted = store(post, sub).await?;
    post.state.tally.accepted(accepted.duplicate);
    Ok(accepted_answer(&accepted, post.json))
}

/// Refuses a post made by another site's page (`guard::check_origin`).
pub(super) fn check_origin(post: &Post, headers: &HeaderMap) -> Step<()> {
    let Err(e) = guard::check_origin(headers, &post.state.opts.site_hosts) else {
        return Ok(());
    };
    let (code, msg) = match e {
        OriginError::Opaque => (
            "opaque_origin",
            "提交未被受理：浏览器没有说明表单来自哪个网页（可能来自本地保存的网页或嵌入的框架）。请打开本网站的页面，在页面上的表单中重新填写提交。",
        ),
        OriginError::CrossSite => (
            "cross_site",
            "提交未被受理：表单不是从本网站的页面提交的。请打开本网站的页面，在页面上的表单中填写提交。",
        ),
    };
    Err(post.refuse(StatusCode::FORBIDDEN, code, "请从本网站提交", msg, None))
}

/// Posts per client (`ratelimit::Limiter`): 429 with `Retry-After` beyond.
pub(super) fn check_rate(post: &Post, ip: IpAddr) -> Step<()> {
    match post.state.posts.check(ip) {
        Ok(_) => Ok(()),
        Err(retry) => Err(Box::new(too_many(&post.site, post.json, retry))),
    }
}

/// Only `application/x-www-form-urlencoded` in UTF-8 is read.
pub(super) fn check_content_type(post: &Post, headers: &HeaderMap) -> Step<()> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    forms::check_content_type(ct).map_err(|_| {
        post.refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "提交格式不受支持",
            &FormError::UnsupportedType.message_zh(),
            None,
        )
    })
}

/// The body, at most `Limits::max_body` bytes (413 beyond, before reading when the length
/// is declared).
pub(super) async fn read_body(post: &Post<'_>, req: Request<Incoming>) -> Step<Bytes> {
    let too_large = || {
        post.refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "提交内容过长",
            "提交的内容超过了允许的大小（64 KB），请删减后再提交。",
            None,
        )
    };
    let max = post.state.opts.limits.max_body;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large());
    }
    match Limited::new(req.into_body(), max).collect().await {
        Ok(b) => Ok(b.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(too_large())
        }
        Err(_) => Err(post.refuse(
            StatusCode::BAD_REQUEST,
            "bad_body",
            "提交不完整",
            "提交的内容不完整，请重新提交。",
            None,
        )),
    }
}

pub(super) fn parse_fields(post: &Post, body: &[u8]) -> Step<Fields> {
    Fields::parse(body).map_err(|e| {
        post.refuse(
            StatusCode::BAD_REQUEST,
            "bad_encoding",
            "提交内容有误",
            &e.message_zh(),
            None,
        )
    })
}

/// The form's own rules (`forms::comment` …); a refusal echoes the main text so that
/// nothing typed is lost (not for the honeypot: that is a robot).
fn validate(post: &Post, fields: &Fields, kind: Kind) -> Step<(Content, Personal)> {
    let parsed = match kind {
        Kind::Comment => forms::comment(fields),
        Kind::Correction => forms::correction(fields),
        Kind::Message => forms::message(fields),
    };
    let echo_field = match kind {
        Kind::Comment => "opinion",
        Kind::Correction => "description",
        Kind::Message => "message",
    };
    parsed.map_err(|e| {
        let code = if e == FormError::Honeypot {
            "spam"
        } else {
            "invalid_form"
        };
        let echo = fields
            .raw(echo_field)
            .filter(|_| e != FormError::Honeypot)
            .map(|t| (forms::label(echo_field), t));
        post.refuse(
            StatusCode::BAD_REQUEST,
            code,
            "提交内容有误",
            &e.message_zh(),
            echo,
        )
    })
}

/// A comment must be on a consultation of the site that is open now.
fn check_window(post: &Post, content: &Content, now: Timestamp) -> Step<()> {
    let Content::Comment {
        consultation,
        opinion,
        ..
    } = content
    else {
        return Ok(());
    };
    let echo = Some((forms::label("opinion"), opinion.as_str()));
    let window = if forms::valid_id(consultation) {
        post.state.dir.consultation(consultation)
    } else {
        None
    };
    let Some(w) = window else {
        return Err(post.refuse(
            StatusCode::NOT_FOUND,
            "unknown_consultation",
            "征集事项不存在",
            "没有找到该意见征集事项，请从网站的征集页面进入后提交。",
            echo,
        ));
    };
    if w.is_open_at(now) {
        return Ok(());
    }
    let tz = &post.state.opts.time_zone;
    let why = if w.withdrawn {
        format!("“{}”已撤回，不再征集意见。", w.title)
    } else if now < w.opens {
        format!(
            "“{}”尚未开始征集意见，开始时间：{}。",
            w.title,
            model::format_received(w.opens, tz)
        )
    } else {
        format!(
            "“{}”的意见征集已于 {} 截止，不再接收网上意见。",
            w.title,
            model::format_received(w.closes, tz)
        )
    };
    Err(post.refuse(
        StatusCode::FORBIDDEN,
        "consultation_closed",
        "不在征集期内",
        &why,
        echo,
    ))
}

/// A correction report must name a page of this site (`guard::page_of_site`).
fn check_correction_page(post: &Post, content: &Content, request_host: Option<&str>) -> Step<()> {
    let Content::Correction { page, description } = content else {
        return Ok(());
    };
    if guard::page_of_site(page, request_host, &post.state.opts.site_hosts) {
        return Ok(());
    }
    Err(post.refuse(
        StatusCode::BAD_REQUEST,
        "not_site_page",
        "页面地址有误",
        "“出错页面的网址”应是本网站某一页的网址。请从出错的页面点击“我要纠错”进入（会自动填写），或把该页浏览器地址栏中的网址复制到这里；也可以留空，在错误内容中说明是哪一页。",
        Some((forms::label("description"), description.as_str())),
    ))
}

/// Hands the submission to the writer and waits for its commit.
async fn store(post: &Post<'_>, sub: Submission) -> Step<Accepted> {
    let busy = |msg: &str| {
        let mut r = post.refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "暂时无法受理",
            msg,
            None,
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        r
    };
    let rx = match post.state.writer.submit(sub) {
        Ok(rx) => rx,
        Err(SendError::Busy) => return Err(busy("提交人数较多，请稍候几秒后重新提交。")),
        Err(SendError::Stopped) => {
            post.state.log(Level::Error, "writer_stopped", &[]);
            return Err(busy("服务正在重启，请稍后重新提交。"));
        }
    };
    match rx.await {
        Ok(Ok(a)) => Ok(a),
        _ => Err(post.refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store_failed",
            "保存失败",
            "服务器未能保存您的内容（未保存任何数据），请稍后重新提交。",
            None,
        )),
    }
}

/// A stored post: 303 to its receipt page (JSON: the receipt and its hash).
fn accepted_answer(accepted: &Accepted, json: bool) -> Resp {
    if json {
        let body = serde_json::json!({
            "receipt": accepted.receipt,
            "hash": accepted.hash,
            "received": accepted.received,
            "duplicate": accepted.duplicate,
            "seq": accepted.seq,
        })
        .to_string();
        return response(StatusCode::OK, "application/json; charset=utf-8", body);
    }
    let mut r = response(
        StatusCode::SEE_OTHER,
        "text/html; charset=utf-8",
        format!(
            "<!DOCTYPE html><a href=\"/receipt/{0}?new=1\">/receipt/{0}</a>\n",
            html::esc(&accepted.receipt)
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("/receipt/{}?new=1", accepted.receipt)) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}
