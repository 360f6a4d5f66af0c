//! `POST /feedback/request` (依申请公开, the online form) and its status page,
//! `GET /feedback/request-status?no=…` and `GET /receipt/YS…`. The post meets the same
//! checks as the other forms (`submit`: origin, rate, type, size, encoding, honeypot);
//! the request is committed (SQLite synchronous=FULL, PostgreSQL `COMMIT`) before the
//! receipt is shown.

use std::net::{IpAddr, SocketAddr};

use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Request, StatusCode};

use super::super::forms::{self, FormError};
use super::super::html;
use super::super::model;
use super::super::requests::{form, html as request_html, store as requests};
use super::super::FeedbackError;
use super::service::{read_one, refuse, response, too_many, Resp, State};
use super::submit::{
    check_content_type, check_origin, check_rate, parse_fields, read_body, Post, Step,
};

pub(super) const SUBMIT_PATH: &str = "/feedback/request";
pub(super) const STATUS_PATH: &str = "/feedback/request-status";

/// Does a typed receipt number name a request (`YS…`) rather than a comment?
pub(super) fn is_request_receipt(no: &str) -> bool {
    no.trim()
        .get(..2)
        .is_some_and(|p| p.eq_ignore_ascii_case(requests::RECEIPT_PREFIX))
}

/// The `no` parameter of the lookup form's query string.
pub(super) fn query_receipt(q: &str) -> Option<String> {
    q.split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "no")
        .and_then(|(_, v)| {
            let v = v.replace('+', " ");
            percent_encoding::percent_decode_str(&v)
                .decode_utf8()
                .ok()
                .map(|s| s.into_owned())
        })
}

pub(super) async fn submit(
    state: &State,
    peer: SocketAddr,
    req: Request<Incoming>,
    json: bool,
) -> Resp {
    let post = Post {
        state,
        site: html::SiteFrame::of(state.dir.as_ref()),
        json,
    };
    match steps(&post, peer, req).await {
        Ok(r) => r,
        Err(refusal) => *refusal,
    }
}

async fn steps(post: &Post<'_>, peer: SocketAddr, req: Request<Incoming>) -> Step<Resp> {
    let state = post.state;
    let ip = super::service::client_ip(state, peer, req.headers());
    check_origin(post, req.headers())?;
    check_rate(post, ip)?;
    check_content_type(post, req.headers())?;
    let body = read_body(post, req).await?;
    let fields = parse_fields(post, &body)?;
    let now = state.now();
    let tz = state.opts.time_zone.clone();
    let today = now.to_zoned_datetime(tz.clone()).date();
    let new = form::parse(&fields, today, now).map_err(|e| {
        let code = if e == FormError::Honeypot {
            "spam"
        } else {
            "invalid_form"
        };
        // Echo the description so that nothing typed is lost (not to a robot).
        let echo = fields
            .raw("info")
            .filter(|_| e != FormError::Honeypot)
            .map(|t| (forms::label("info"), t));
        post.refuse(
            StatusCode::BAD_REQUEST,
            code,
            "申请内容有误",
            &e.message_zh(),
            echo,
        )
    })?;
    let store = state.requests.clone();
    let secret = state.secret.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let mut store = store
            .lock()
            .map_err(|_| FeedbackError::Server("request store lock".into()))?;
        store
            .insert_batch(&secret, &tz, &[&new])?
            .pop()
            .ok_or_else(|| FeedbackError::Server("insert returned nothing".into()))
    })
    .await;
    let accepted = match stored {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => {
            state.log(
                super::super::log::Level::Error,
                "store_failed",
                &[("error", &e)],
            );
            return Err(post.refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "store_failed",
                "保存失败",
                "服务器未能保存您的申请（未保存任何数据），请稍后重新提交。",
                fields.raw("info").map(|t| (forms::label("info"), t)),
            ));
        }
        Err(_) => {
            return Err(post.refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                "store_failed",
                "保存失败",
                "服务器未能保存您的申请，请稍后重新提交。",
                fields.raw("info").map(|t| (forms::label("info"), t)),
            ))
        }
    };
    state.tally.accepted(accepted.duplicate);
    if post.json {
        let body = serde_json::json!({
            "receipt": accepted.receipt,
            "received": accepted.received,
            "duplicate": accepted.duplicate,
        })
        .to_string();
        return Ok(response(
            StatusCode::OK,
            "application/json; charset=utf-8",
            body,
        ));
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
    Ok(r)
}

/// The status of the request `no`: state and dates, never personal data.
pub(super) async fn status(state: &State, ip: IpAddr, no: &str, new: bool, json: bool) -> Resp {
    let site = html::SiteFrame::of(state.dir.as_ref());
    let not_found = || {
        refuse(
            &site,
            json,
            StatusCode::NOT_FOUND,
            "unknown_receipt",
            "未找到该申请",
            "没有找到这个回执编号，请核对后重新输入（编号形如 YS20261125-0001-7F3A）。",
            None,
        )
    };
    if let Err(retry) = state.lookups.check(ip) {
        return too_many(&site, json, retry);
    }
    let Some(no) = model::check_receipt(&state.secret, no).filter(|n| is_request_receipt(n)) else {
        return not_found();
    };
    let req = match read_one(state, &site, json, move |store| store.load(&no)).await {
        Ok(Some(r)) => r,
        Ok(None) => return not_found(),
        Err(refused) => return refused,
    };
    let cal = state.calendar.as_ref();
    if json {
        let t = req.timeline(cal).ok();
        let body = serde_json::json!({
            "receipt": req.receipt,
            "state": t.as_ref().map(|t| t.state.label_zh()),
            "received": t.as_ref().map(|t| t.received.to_string()),
            "due": t.as_ref().and_then(|t| t.due).map(|d| d.to_string()),
            "replied": t.as_ref().and_then(|t| t.replied).map(|d| d.to_string()),
            "events": req.events.iter().map(|e| serde_json::json!({
                "kind": e.kind.as_str(), "date": e.date.to_string()
            })).collect::<Vec<_>>(),
        })
        .to_string();
        return response(StatusCode::OK, "application/json; charset=utf-8", body);
    }
    let title = if new {
        "申请已提交"
    } else {
        "申请办理进度"
    };
    response(
        StatusCode::OK,
        "text/html; charset=utf-8",
        html::page(&site, title, &request_html::status_body(&req, cal, new)),
    )
}
