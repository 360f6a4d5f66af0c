//! The request's receipt and status page: state and dates only, never the applicant or the
//! description (anyone with the receipt number may open it).

use super::deadline::{State, Timeline};
use super::model::EventKind;
use super::store::StoredRequest;
use crate::calendar::Calendar;
use crate::render::escape_html as esc;

fn date_zh(d: jiff::civil::Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The body of the status page (inside the receiver's page frame).
pub fn status_body(req: &StoredRequest, cal: &Calendar, new: bool) -> String {
    let mut b = String::new();
    if new {
        b.push_str("<h1>申请已提交</h1>\n<p>您的政府信息公开申请已经保存。请记下回执编号，凭编号可随时查询办理进度。</p>\n");
    } else {
        b.push_str("<h1>政府信息公开申请办理进度</h1>\n");
    }
    b.push_str(&format!(
        "<div class=\"panel\"><p>回执编号</p><p class=\"receipt\" id=\"receipt-no\">{}</p></div>\n<dl>\n",
        esc(&req.receipt)
    ));
    b.push_str(&format!(
        "<dt>提交方式</dt><dd>{}</dd>\n",
        esc(req.channel.as_str())
    ));
    match req.timeline(cal) {
        Ok(t) => push_timeline(&mut b, &t),
        Err(_) => b.push_str(
            "<dt>状态</dt><dd id=\"request-state\">办理中（暂时无法计算答复期限）</dd>\n",
        ),
    }
    b.push_str("</dl>\n");
    b.push_str("<h2>办理记录</h2>\n<ol id=\"request-events\">\n");
    for e in &req.events {
        let what = match e.kind {
            EventKind::Received => "收到申请",
            EventKind::SupplementRequested => "告知补正",
            EventKind::SupplementReceived => "收到补正材料",
            EventKind::Extended => "延长答复期限",
            EventKind::Replied => "作出答复",
            // Never whom: the note may name the third party.
            EventKind::ThirdPartyAsked => "征求意见（所需时间不计入答复期限）",
            EventKind::ThirdPartyAnswered => "收到意见，继续计算答复期限",
        };
        b.push_str(&format!("<li>{}：{}</li>\n", date_zh(e.date), what));
    }
    b.push_str("</ol>\n");
    if new {
        b.push_str("<h2>接下来</h2>\n<ul>\n<li>网上提交的申请，以双方确认之日为收到申请之日（《政府信息公开条例》第三十一条）；工作人员可能与您联系确认。</li>\n\
<li>行政机关自收到申请之日起 20 个工作日内答复；需要延长的，经批准最长延长 20 个工作日，并告知您。</li>\n\
<li>申请内容不明确的，我们将一次性告知您补正；答复期限自收到补正后的申请之日起计算。</li>\n\
<li>您的姓名、证件号码和联系方式只用于办理本申请，不会公开。</li>\n</ul>\n");
    }
    b.push_str(&format!(
        "<p>本页地址可随时打开查询：<a href=\"/receipt/{r}\">/receipt/{r}</a></p>\n",
        r = esc(&req.receipt)
    ));
    b
}

fn push_timeline(b: &mut String, t: &Timeline) {
    b.push_str(&format!(
        "<dt>收到申请之日</dt><dd>{}</dd>\n",
        date_zh(t.received)
    ));
    b.push_str(&format!(
        "<dt>状态</dt><dd id=\"request-state\">{}</dd>\n",
        t.state.label_zh()
    ));
    match (t.state, t.due) {
        (State::AwaitingSupplement, _) => {
            b.push_str("<dt>答复期限</dt><dd>待收到补正材料后重新计算（补正期间不计入）</dd>\n")
        }
        (State::AwaitingThirdParty, _) => b.push_str(
            "<dt>答复期限</dt><dd>正在征求意见，所需时间不计入答复期限（《政府信息公开条例》第三十三条），收到意见后顺延</dd>\n",
        ),
        (_, Some(due)) => {
            b.push_str(&format!(
                "<dt>答复期限</dt><dd id=\"request-due\">{}{}</dd>\n",
                date_zh(due),
                if t.extension_days > 0 {
                    format!("（已延长 {} 个工作日）", t.extension_days)
                } else {
                    String::new()
                }
            ));
        }
        _ => {}
    }
    if let Some(r) = t.replied {
        b.push_str(&format!("<dt>答复日期</dt><dd>{}</dd>\n", date_zh(r)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::requests::model::{ApplicantType, Event, RequestChannel};
    use jiff::civil::date;

    /// A consultation shows as such with its dates — never whom it asked (the note may name
    /// the third party) — and the due day waits for the answer.
    #[test]
    fn a_consultation_shows_its_dates_not_whom() {
        let mut req = StoredRequest {
            receipt: "YS20260202-0001-ABCD".into(),
            channel: RequestChannel::Letter,
            applicant_type: ApplicantType::Person,
            description: "某文件".into(),
            delivery: None,
            submitted: "2026-02-02T09:00:00+08:00".into(),
            events: vec![
                Event::new(EventKind::Received, date(2026, 2, 2)),
                Event {
                    reason: Some("第三方某某建材有限公司".into()),
                    ..Event::new(EventKind::ThirdPartyAsked, date(2026, 2, 6))
                },
            ],
            applicant: None,
        };
        let cal = Calendar::builtin();
        let page = status_body(&req, &cal, false);
        assert!(page.contains("征求意见中"), "{page}");
        assert!(page.contains("2026年2月6日：征求意见"), "{page}");
        assert!(!page.contains("某某建材"), "{page}");
        assert!(!page.contains("request-due"), "{page}");
        req.events
            .push(Event::new(EventKind::ThirdPartyAnswered, date(2026, 3, 5)));
        let page = status_body(&req, &cal, false);
        assert!(page.contains("2026年3月27日"), "{page}");
        assert!(!page.contains("某某建材"), "{page}");
    }
}
