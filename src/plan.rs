//! Plan the site: from the model and the build time, every output path with its template and
//! view model (templates never see domain structs), plus the files to copy. No I/O, no clock.

use crate::content::kinds::enforcement::Enforcement;
use crate::content::kinds::permit::{FeesRef, ProcedureRef};
use crate::content::kinds::procedure::Step;
use crate::content::{Data, Kind, Record, Site};
use crate::lifecycle::{self, date_text, State, Window};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One thing to write.
#[derive(Debug, Clone)]
pub enum Output {
    /// Render `template` with `ctx` to `path` (relative to the output root).
    Page {
        path: String,
        template: String,
        ctx: Value,
    },
    /// Copy a file (site-relative source) to `path`.
    Copy { from: PathBuf, path: String },
    /// Write bytes as they are.
    Bytes { path: String, bytes: Vec<u8> },
}

impl Output {
    pub fn path(&self) -> &str {
        match self {
            Output::Page { path, .. } | Output::Copy { path, .. } | Output::Bytes { path, .. } => {
                path
            }
        }
    }
}

/// When the build happens, and the facts derived from it once.
pub struct BuildTime {
    pub now: jiff::Timestamp,
}

/// Derived per-record facts that depend on the clock: consultation windows and states,
/// enforcement decisions that are withdrawn or past their display period.
pub struct Facts {
    pub windows: BTreeMap<String, (Window, State)>,
    /// Participation reports by consultation key.
    pub participation: BTreeMap<String, crate::participation::Participation>,
    /// Every consultation's ledger, the register of heads and (with `--feedback-db`) the
    /// receiver's chains: the completeness rules and `consultations/heads.json`.
    pub anchors: crate::participation::Anchors,
    /// Working days left (today included) for open consultations.
    pub days_left: BTreeMap<String, u32>,
    /// Enforcement decisions not shown in listings (key → notice text).
    pub hidden: BTreeMap<String, Hidden>,
    /// 修订记录 from git, by record source path (empty when the site is not a git repo).
    pub history: crate::history::History,
}

/// Why a decision is no longer shown.
#[derive(Debug, Clone)]
pub struct Hidden {
    pub date: jiff::civil::Date,
    pub reason: String,
    pub status: String,
}

/// Which item of the main navigation (`site.nav`) a page is under, and how: `page` when it is
/// the item's own page, `true` when it is in the item's section (procedures and fees are
/// under 办事指南). Worked out once per page here rather than by four comparisons per item in
/// the template; it is also what the navigation bar rendered once per place is keyed by
/// (`src/render/chrome.rs`).
fn nav_current(site_v: &Value, url: &str, section: &str) -> Option<(usize, &'static str)> {
    let nav = site_v.get("nav")?.as_array()?;
    fn field<'v>(n: &'v Value, k: &str) -> &'v str {
        n.get(k).and_then(Value::as_str).unwrap_or("")
    }
    nav.iter().enumerate().find_map(|(i, n)| {
        let s = field(n, "section");
        if field(n, "url") == url {
            Some((i, "page"))
        } else if !s.is_empty()
            && (s == section || (s == "permits" && matches!(section, "procedures" | "fees")))
        {
            Some((i, "true"))
        } else {
            None
        }
    })
}

/// Site-wide context every template gets under `site`.
fn site_ctx(site: &Site) -> Value {
    let c = &site.config;
    let base = c.base_path();
    let nav: Vec<Value> = [
        ("", "首页"),
        ("duties/", "机构职责"),
        ("documents/", "法规政策"),
        ("permits/", "办事指南"),
        ("consultations/", "意见征集"),
        ("enforcement/", "执法公示"),
        ("replies/", "互动交流"),
        ("catalog/", "信息公开目录"),
    ]
    .iter()
    .map(|(p, l)| json!({"url": format!("{base}{p}"), "label": l, "section": p.trim_end_matches('/')}))
    .collect();
    let mut pages: Vec<&Record> = site.of_kind(Kind::Page).collect();
    pages.sort_by_key(|r| match &r.data {
        Data::Page(p) => (p.order.unwrap_or(u32::MAX), r.id.clone()),
        _ => (u32::MAX, r.id.clone()),
    });
    let footer_pages: Vec<Value> = pages
        .iter()
        .map(|r| json!({"url": format!("{base}{}/", r.id), "title": r.common.title}))
        .collect();
    json!({
        "title": c.title,
        "description": c.description,
        "base": base,
        "base_url": c.base_url_trimmed(),
        "language": c.language,
        "feedback_url": feedback_url(site),
        "org": {
            "name": c.organization.name, "address": c.organization.address, "postcode": c.organization.postcode,
            "phone": c.organization.phone, "hotline": c.organization.hotline, "email": c.organization.email,
            "hours": c.organization.hours,
        },
        "records": {"icp": c.records.icp, "public_security": c.records.public_security, "site_code": c.records.site_code},
        "nav": nav,
        "footer_pages": footer_pages,
    })
}

fn feedback_url(site: &Site) -> String {
    let f = &site.config.feedback_url;
    if f.starts_with("http://") || f.starts_with("https://") {
        f.trim_end_matches('/').to_string()
    } else {
        let base = site.config.base_path();
        format!(
            "{}{}",
            base.trim_end_matches('/'),
            if f.starts_with('/') {
                f.clone()
            } else {
                format!("/{f}")
            }
        )
        .trim_end_matches('/')
        .to_string()
    }
}

/// An absolute URL for a site path (`/gk/a/` → `https://host/gk/a/`).
pub fn absolute(site: &Site, path: &str) -> String {
    let base_url = site.config.base_url_trimmed();
    let base_path = site.config.base_path();
    let origin = base_url
        .strip_suffix(base_path.trim_end_matches('/'))
        .unwrap_or(base_url);
    format!("{origin}{path}")
}

/// A record's URL (with the base path).
pub fn record_url(site: &Site, r: &Record) -> String {
    let base = site.config.base_path();
    if r.kind == Kind::Page {
        format!("{base}{}/", r.id)
    } else {
        format!("{base}{}/{}/", r.kind.folder(), r.id)
    }
}

/// The output folder of a record (relative, with a trailing slash).
pub fn record_dir(r: &Record) -> String {
    if r.kind == Kind::Page {
        format!("{}/", r.id)
    } else {
        format!("{}/{}/", r.kind.folder(), r.id)
    }
}

/// Compute the clock-dependent facts (and the diagnostics of windows).
pub fn facts(
    site: &Site,
    cal: &crate::calendar::Calendar,
    time: &BuildTime,
) -> (Facts, Vec<crate::diag::Diagnostic>) {
    let mut windows = BTreeMap::new();
    let mut days_left = BTreeMap::new();
    let mut hidden = BTreeMap::new();
    let mut diags = Vec::new();
    let today = time.now.to_zoned_datetime(site.tz.clone()).date();
    for r in &site.records {
        match &r.data {
            Data::Consultation(c) => {
                let (w, ds) = lifecycle::window(cal, &site.config, &site.tz, r, c);
                diags.extend(ds);
                if let Some(w) = w {
                    let st = lifecycle::state(c, &w, time.now);
                    if st == State::Open {
                        if let Ok(n) = cal.working_days_left(today, w.close_date) {
                            days_left.insert(r.key(), n);
                        }
                    }
                    windows.insert(r.key(), (w, st));
                }
            }
            Data::Enforcement(e) => {
                if let Some(h) = hidden_reason(site, r, e, today) {
                    hidden.insert(r.key(), h);
                }
            }
            _ => {}
        }
    }
    let (participation, anchors, pdiags) = crate::participation::collect(site);
    diags.extend(pdiags);
    (
        Facts {
            windows,
            participation,
            anchors,
            days_left,
            hidden,
            history: crate::history::History::new(),
        },
        diags,
    )
}

/// The Chinese name of a field an enforcement correction names.
pub fn correction_label(field: &str) -> &'static str {
    match field {
        "facts" => "主要事实",
        "basis" => "执法依据",
        "decision" => "决定内容",
        "party" => "当事人",
        "case_no" => "决定书文号",
        "decided" => "决定日期",
        _ => "其他",
    }
}

/// The display period in days of a decision, from `publicity.display_days`: the most specific
/// key wins — `当事人类型.情节` (`自然人.一般`), then `情节`, then `当事人类型`, then `default`.
pub fn display_days(site: &Site, e: &Enforcement) -> Option<u32> {
    let days = &site.config.publicity.display_days;
    let party = e.party.party_type.as_str();
    let by_both = e
        .severity
        .as_ref()
        .and_then(|s| days.get(&format!("{party}.{s}")));
    by_both
        .or_else(|| e.severity.as_ref().and_then(|s| days.get(s)))
        .or_else(|| days.get(party))
        .or_else(|| days.get("default"))
        .copied()
}

/// The last day a decision stays published.
pub fn display_until(site: &Site, r: &Record, e: &Enforcement) -> Option<jiff::civil::Date> {
    if let Some(d) = e.display_until {
        return Some(d);
    }
    let n = display_days(site, e)?;
    let start = r.common.published.unwrap_or(e.decided);
    start.checked_add(jiff::Span::new().days(i64::from(n))).ok()
}

pub(crate) fn hidden_reason(
    site: &Site,
    r: &Record,
    e: &Enforcement,
    today: jiff::civil::Date,
) -> Option<Hidden> {
    if !e.in_force() {
        let (date, reason) = e
            .changed
            .as_ref()
            .map(|c| (c.date, c.reason.clone()))
            .unwrap_or((e.decided, String::new()));
        return Some(Hidden {
            date,
            reason,
            status: e.status.clone(),
        });
    }
    if e.party.minor {
        return Some(Hidden {
            date: e.decided,
            reason: "涉及未成年人，依法不予公开".into(),
            status: "不予公开".into(),
        });
    }
    let until = display_until(site, r, e)?;
    (today > until).then(|| Hidden {
        date: until,
        reason: "公示期限已届满".into(),
        status: "公示期满".into(),
    })
}

/// Is this record listed (not a withdrawn or expired decision)?
pub fn listed(facts: &Facts, r: &Record) -> bool {
    // Only decisions are ever hidden (and the check runs for every record of every list).
    r.kind != Kind::Enforcement || facts.hidden.is_empty() || !facts.hidden.contains_key(&r.key())
}

fn attachment_ctx(site: &Site, r: &Record, file: &str, title: &str) -> Value {
    let path = site.root.join(&r.dir).join(file);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let ext = file.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
    json!({
        "url": format!("{}{}", record_url(site, r), file),
        "absolute": absolute(site, &format!("{}{}", record_url(site, r), file)),
        "title": title,
        "file": file,
        "ext": ext,
        "size": size_text(size),
    })
}

/// `12.3 KB`.
pub fn size_text(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / 1024.0 / 1024.0)
    } else if n >= 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} 字节")
    }
}

fn md(r: &Record, field: &str) -> String {
    r.md.get(field).map(|m| m.html.clone()).unwrap_or_default()
}

/// A fee standard for the template: its form, the standard in words (「未注明」 when nothing
/// was entered), its own basis and its sub-items.
fn standard_ctx(s: &crate::content::kinds::fee::Standard) -> serde_json::Value {
    json!({
        "item": s.item, "form": s.form(), "display": s.display(money),
        "amount": s.amount.map(money), "unit": s.unit, "note": s.note,
        "basis": s.basis.iter().map(|b| b.label()).collect::<Vec<_>>(),
        "items": s.items.iter().map(standard_ctx).collect::<Vec<_>>(),
    })
}

fn money(n: f64) -> String {
    if n.fract() == 0.0 {
        let s = format!("{}", n as i64);
        // thousands separators
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 && c != '-' {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else {
        format!("{n:.2}")
    }
}

fn steps_ctx(r: &Record, steps: &[Step], prefix: &str) -> Vec<Value> {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({
                "n": i + 1,
                "name": s.name,
                "actor": s.actor,
                "time_limit_wd": s.time_limit_wd,
                "description": md(r, &format!("{prefix}[{}].description", i + 1)),
                "outputs": s.outputs,
            })
        })
        .collect()
}

/// The metadata table rows (索引号, 发布机构, 发布日期, 文号, 有效性 …).
fn meta_rows(site: &Site, r: &Record) -> Vec<Value> {
    let mut rows = Vec::new();
    let org = r
        .common
        .organization
        .clone()
        .unwrap_or_else(|| site.config.organization.name.clone());
    if let Some(v) = &r.common.index_no {
        rows.push(json!({"label": "索引号", "value": v}));
    }
    rows.push(json!({"label": "发布机构", "value": org}));
    if let Some(v) = &r.common.category {
        rows.push(json!({"label": "主题分类", "value": v}));
    }
    if let Some(d) = r.common.published {
        rows.push(json!({"label": "发布日期", "value": date_text(d)}));
    }
    if let Some(d) = r.common.updated {
        rows.push(json!({"label": "更新日期", "value": date_text(d)}));
    }
    if let Some(v) = &r.common.doc_no {
        rows.push(json!({"label": "文号", "value": v}));
    }
    match &r.data {
        Data::Document(d) => {
            if let Some(i) = d.issued {
                rows.push(json!({"label": "成文日期", "value": date_text(i)}));
            }
            if let Some(e) = d.effective {
                rows.push(json!({"label": "施行日期", "value": date_text(e)}));
            }
            rows.push(json!({"label": "有效性", "value": d.validity}));
        }
        Data::Enforcement(e) => {
            rows.push(json!({"label": "决定书文号", "value": e.case_no}));
            rows.push(json!({"label": "决定日期", "value": date_text(e.decided)}));
        }
        _ => {}
    }
    rows
}

/// Does the page of `x` show a link (URL and title) to the record `key`, other than as its
/// neighbour? Every `url_of` of [`kind_ctx`] must be here (a test checks the example site).
pub(crate) fn links_to(x: &Record, key: &str) -> bool {
    match &x.data {
        Data::Document(d) => d
            .superseded_by
            .as_ref()
            .is_some_and(|id| key.strip_prefix("documents/") == Some(id.as_str())),
        Data::Permit(p) => {
            let procedure = matches!(&p.procedure, Some(ProcedureRef::Id(id))
                if key.strip_prefix("procedures/") == Some(id.as_str()));
            let fee = matches!(&p.fees, Some(FeesRef::Ids(ids))
                if ids.iter().any(|id| key.strip_prefix("fees/") == Some(id.as_str())));
            procedure || fee
        }
        Data::Enforcement(e) => e
            .reviews
            .as_deref()
            .is_some_and(|id| key.strip_prefix("enforcement/") == Some(id.trim())),
        Data::Reply(r) => r
            .related
            .as_ref()
            .is_some_and(|k| k.trim_matches('/') == key),
        _ => false,
    }
}

fn kind_ctx(site: &Site, facts: &Facts, r: &Record, _time: &BuildTime) -> Value {
    let url_of = |key: &str| {
        site.get(key)
            .map(|x| json!({"url": record_url(site, x), "title": x.common.title}))
    };
    match &r.data {
        Data::Duty(d) => json!({
            "unit": d.unit, "unit_type": d.unit_type, "responsibilities": d.responsibilities, "basis": d.basis,
            "contact": d.contact, "officers": d.officers, "supervision": d.supervision,
        }),
        Data::Document(d) => json!({
            "doc_kind": d.doc_kind, "doc_kind_label": d.doc_kind_label(), "issuer": d.issuer,
            "validity": d.validity, "validity_note": d.validity_note,
            "in_force": d.validity == "有效",
            "superseded_by": d.superseded_by.as_ref().and_then(|id| url_of(&format!("documents/{id}"))),
        }),
        Data::Procedure(p) => json!({
            "procedure_type": p.procedure_type.clone().unwrap_or_else(|| "办事".into()),
            "applies_to": p.applies_to, "basis": p.basis, "steps": steps_ctx(r, &p.steps, "steps"),
            "total_time_limit_wd": p.total_time_limit_wd,
        }),
        Data::Fee(f) => json!({
            "basis": f.basis.iter().map(|b| json!({"title": b.title, "doc_no": b.doc_no, "label": b.label()})).collect::<Vec<_>>(),
            "standards": f.standards.iter().map(standard_ctx).collect::<Vec<_>>(),
            "payer": f.payer,
            "collections": f.collections.iter().map(|c| json!({"period": c.period, "amount": money(c.amount)})).collect::<Vec<_>>(),
            "complaint_phone": f.complaint_phone,
        }),
        Data::Permit(p) => {
            let (procedure_link, steps) = match &p.procedure {
                None => (None, Vec::new()),
                Some(ProcedureRef::Id(id)) => {
                    let key = format!("procedures/{id}");
                    let steps = match site.get(&key).map(|x| (&x.data, x)) {
                        Some((Data::Procedure(pr), x)) => steps_ctx(x, &pr.steps, "steps"),
                        _ => Vec::new(),
                    };
                    (url_of(&key), steps)
                }
                Some(ProcedureRef::Steps(s)) => (None, steps_ctx(r, s, "procedure")),
            };
            let fees = match &p.fees {
                None => json!({"words": NOT_STATED}),
                Some(FeesRef::Words(w)) => json!({"words": w}),
                Some(FeesRef::Ids(ids)) => {
                    json!({"links": ids.iter().filter_map(|id| url_of(&format!("fees/{id}"))).collect::<Vec<_>>()})
                }
            };
            json!({
                "item_type": p.item_type(), "licence": p.is_licence(),
                "item_code": p.item_code, "handling_org": p.handling_org,
                "basis": p.basis, "conditions": p.conditions, "quantity_limit": p.quantity_limit,
                "procedure_link": procedure_link, "steps": steps,
                "has_procedure": p.procedure.is_some(),
                "time_limit": p.time_limit.as_ref().map(|t| json!({
                    "statutory": t.statutory_wd.text(),
                    "promised_wd": t.promised_wd,
                })),
                "materials": p.materials.iter().enumerate().map(|(i, m)| json!({
                    "n": i + 1, "name": m.name,
                    "copies": m.copies.map_or_else(|| NOT_STATED.to_string(), |n| n.to_string()),
                    "form": m.form_text().unwrap_or(NOT_STATED),
                    "required": m.required.map_or(NOT_STATED, |r| if r { "必需" } else { "视情况提供" }), "note": m.note,
                })).collect::<Vec<_>>(),
                "sample_forms": p.sample_forms.iter().map(|a| attachment_ctx(site, r, &a.file, &a.title)).collect::<Vec<_>>(),
                "fees": fees,
                "department": p.department, "service_object": p.service_object, "location": p.location,
                "hours": p.hours, "phone": p.phone, "online_url": p.online_url,
            })
        }
        Data::Consultation(c) => {
            let w = facts.windows.get(&r.key());
            let tz = &site.tz;
            let (state, window) = match w {
                Some((w, st)) => (
                    *st,
                    json!({
                        "open_text": date_text(w.open_date),
                        "opens_iso": w.opens.to_string(),
                        "close_text": lifecycle::datetime_text(w.closes, tz),
                        "close_date": w.close_date.to_string(),
                        "closes_iso": w.closes.to_string(),
                        "length": w.length.text(),
                        "sentence": lifecycle::notice_sentence(w, tz),
                        "days_left": facts.days_left.get(&r.key()),
                    }),
                ),
                None => (State::Closed, Value::Null),
            };
            json!({
                "summary": md(r, "summary"), "basis": md(r, "basis"), "reasons": md(r, "reasons"),
                "decision_type": c.decision_type, "window": window,
                "state": state, "state_label": state.label(),
                "shortened_reason": c.shortened_reason,
                "channels": c.channels, "organizer": c.organizer, "contact": c.contact,
                "post_envelope": c.channels.post.as_deref().is_some_and(|p| !post_has_envelope_wording(p)),
                "post_send_to": c.channels.post.as_deref().is_some_and(|p| !post_has_send_verb(p)),
                "documents": c.documents.iter().map(|a| attachment_ctx(site, r, &a.file, &a.title)).collect::<Vec<_>>(),
                "outcome": c.outcome.as_ref().map(|o| json!({
                    "published": date_text(o.published), "decision": md(r, "outcome.decision"), "report": md(r, "outcome.report"),
                    "figures": o.opinions.as_ref().map(figures_text),
                })),
                "withdrawn": c.withdrawn.as_ref().map(|x| json!({"date": date_text(x.date), "reason": x.reason})),
                "form_open": state == State::Open && c.channels.form,
                "report_url": (c.outcome.is_some() && facts.participation.contains_key(&r.key()))
                    .then(|| format!("{}report/", record_url(site, r))),
            })
        }
        Data::Enforcement(e) => json!({
            "case_no": e.case_no, "action": e.action,
            "reviews": e.reviews.as_deref().and_then(|id| url_of(&format!("enforcement/{}", id.trim()))),
            "party": {"type": e.party.party_type, "name": e.party.name, "credit_code": e.party.credit_code,
                      "legal_rep": e.party.legal_rep,
                      "address": if e.party.party_type == "自然人" { None } else { e.party.address.clone() }},
            "cause": e.cause, "remedy": e.remedy.as_ref().map(|_| md(r, "remedy")),
            "facts": md(r, "facts"), "basis": md(r, "basis"), "decision": md(r, "decision"),
            "fine": e.fine.map(money), "decided": date_text(e.decided), "authority": e.authority,
            "status": e.status, "severity": e.severity,
            "display_until": display_until(site, r, e).map(date_text),
            "corrections": e.corrections.iter().map(|c| json!({
                "date": date_text(c.date), "field": c.field,
                "field_label": correction_label(&c.field), "reason": c.reason,
            })).collect::<Vec<_>>(),
        }),
        Data::Reply(x) => json!({
            "question": md(r, "question"), "asker": x.asker, "received": date_text(x.received),
            "replied": x.replied.map(date_text), "reply_unit": x.reply_unit, "reply": md(r, "reply"),
            "topic": x.topic,
            "related": x.related.as_ref().and_then(|k| url_of(k.trim_matches('/'))),
        }),
        Data::Page(_) => json!({}),
    }
}

/// What a page shows for a fact the record does not state (never a default in its place).
pub const NOT_STATED: &str = "未注明";

/// Does a notice's postal channel say itself what to write on the envelope (「请在信封上注明
/// “意见征集”字样」)? Then the theme adds no wording of its own.
fn post_has_envelope_wording(post: &str) -> bool {
    ["信封", "注明", "字样"].iter().any(|w| post.contains(w))
}

/// Does a notice's postal channel start with its own verb (「寄至…」, 「邮寄到…」)? Then the
/// theme does not write 「寄至」 before it.
fn post_has_send_verb(post: &str) -> bool {
    let p = post.trim_start();
    ["寄至", "寄到", "邮寄", "寄送", "请寄", "信函寄", "来信寄"]
        .iter()
        .any(|w| p.starts_with(w))
}

/// `共收到意见8条（网站5条、电子邮件1条）；采纳4条、部分采纳2条。`: the outcome's stated
/// figures (checked against the ledger by `participation.figures`).
fn figures_text(o: &crate::content::kinds::consultation::OpinionCounts) -> String {
    let stated = o.stated();
    let part = |fields: &[&str]| -> Vec<String> {
        stated
            .iter()
            .filter(|(f, _, _)| fields.contains(f))
            .map(|(_, zh, n)| format!("{zh}{n}条"))
            .collect()
    };
    let channels = part(&["web", "email", "letter", "phone", "in_person"]);
    let dispositions = part(&[
        "adopted",
        "partly_adopted",
        "not_adopted",
        "duplicate",
        "irrelevant",
    ]);
    let mut s = format!("共收到意见{}条", o.total);
    if !channels.is_empty() {
        s.push_str(&format!("（{}）", channels.join("、")));
    }
    if !dispositions.is_empty() {
        s.push_str(&format!("；{}", dispositions.join("、")));
    }
    s.push('。');
    s
}

/// A record in a list: title, url, date, summary and a status word.
pub(crate) fn list_item(site: &Site, facts: &Facts, r: &Record) -> Value {
    let mut status: Option<String> = None;
    let mut extra: Option<String> = None;
    let days_left = facts.days_left.get(&r.key()).copied();
    match &r.data {
        Data::Document(d) if d.validity != "有效" => status = Some(d.validity.clone()),
        Data::Consultation(_) => {
            if let Some((w, st)) = facts.windows.get(&r.key()) {
                status = Some(st.label().to_string());
                extra = Some(match st {
                    State::Open | State::Upcoming => {
                        format!("截至{}", lifecycle::datetime_text(w.closes, &site.tz))
                    }
                    _ => format!("{}至{}", date_text(w.open_date), date_text(w.close_date)),
                });
            }
        }
        Data::Enforcement(e) => extra = Some(format!("{} · {}", e.action, e.case_no)),
        Data::Reply(x) => {
            status = Some(if x.replied.is_some() {
                "已答复".into()
            } else {
                "待答复".into()
            })
        }
        _ => {}
    }
    json!({
        "url": record_url(site, r),
        "title": r.common.title,
        "date": r.common.published.map(|d| d.to_string()),
        "date_text": r.common.published.map(date_text),
        "summary": r.common.summary,
        "status": status,
        "extra": extra,
        "days_left": days_left,
        "kind": r.kind.folder(),
        "kind_label": r.kind.label(),
        "index_no": r.common.index_no,
        "doc_no": r.common.doc_no,
        "organization": r.common.organization.clone().unwrap_or_else(|| site.config.organization.name.clone()),
        "category": r.common.category,
    })
}

pub(crate) fn breadcrumbs(site: &Site, items: &[(&str, String)]) -> Vec<Value> {
    let base = site.config.base_path();
    let mut v = vec![json!({"label": "首页", "url": base})];
    v.extend(items.iter().map(|(l, u)| json!({"label": l, "url": u})));
    v
}

/// The record's 修订记录 (newest first) with its first-published and last-changed dates.
fn history_ctx(site: &Site, facts: &Facts, r: &Record) -> Value {
    let entries: Vec<Value> = facts
        .history
        .get(&r.source)
        .map(|list| {
            list.iter()
                .map(|e| {
                    let d = e.time.to_zoned_datetime(site.tz.clone()).date();
                    json!({"date": date_text(d), "iso": d.to_string(), "subject": e.subject})
                })
                .collect()
        })
        .unwrap_or_default();
    let last_commit = facts
        .history
        .get(&r.source)
        .and_then(|l| l.first())
        .map(|e| e.time.to_zoned_datetime(site.tz.clone()).date());
    let last = match (r.common.updated, last_commit) {
        (Some(u), Some(c)) => Some(u.max(c)),
        (u, c) => u.or(c),
    };
    json!({
        "entries": entries,
        "first_published": r.common.published.map(date_text),
        "first_published_iso": r.common.published.map(|d| d.to_string()),
        "last_changed": last.map(date_text),
        "last_changed_iso": last.map(|d| d.to_string()),
    })
}

/// Everything searchable in a record beyond its body: table cells, lists, rendered fields.
pub(crate) fn search_text(r: &Record) -> String {
    let mut parts: Vec<String> = vec![r.body.text.clone()];
    if let Some(s) = &r.common.summary {
        parts.push(s.clone());
    }
    parts.extend(r.md.values().map(|m| m.text.clone()));
    parts.extend(r.common.tags.iter().cloned());
    match &r.data {
        Data::Duty(d) => {
            parts.push(d.unit.clone());
            parts.extend(d.responsibilities.iter().cloned());
            parts.extend(d.basis.iter().cloned());
        }
        Data::Procedure(p) => {
            parts.extend(p.basis.iter().cloned());
            parts.extend(p.steps.iter().map(|s| s.name.clone()));
        }
        Data::Fee(f) => {
            parts.extend(f.basis.iter().map(|b| b.label()));
            for s in &f.standards {
                for s in std::iter::once(s).chain(&s.items) {
                    parts.push(format!(
                        "{} {} {} {}",
                        s.item,
                        s.display(money),
                        s.unit.clone().unwrap_or_default(),
                        s.basis
                            .iter()
                            .map(|b| b.label())
                            .collect::<Vec<_>>()
                            .join(" ")
                    ));
                }
            }
        }
        Data::Permit(p) => {
            parts.extend(p.basis.iter().cloned());
            parts.extend(p.conditions.iter().cloned());
            parts.extend(p.materials.iter().map(|m| m.name.clone()));
        }
        Data::Enforcement(e) => {
            parts.push(e.party.name.clone());
            parts.push(e.authority.clone());
        }
        Data::Reply(x) => {
            if let Some(t) = &x.topic {
                parts.push(t.clone());
            }
        }
        _ => {}
    }
    parts.join(" ")
}

/// The search index's document for a record (its body left empty: see [`search_text`]).
pub(crate) fn search_doc(site: &Site, r: &Record) -> crate::search::SearchDoc {
    let base = site.config.base_path();
    let url = record_url(site, r);
    let mut meta: Vec<String> = [&r.common.doc_no, &r.common.index_no]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    if let Data::Enforcement(e) = &r.data {
        meta.push(e.case_no.clone());
        // The 统一社会信用代码 the page shows (never a natural person's, as in the open
        // data): people look a business up by it.
        if e.party.party_type != "自然人" {
            meta.extend(e.party.credit_code.clone());
        }
    }
    meta.push(
        r.common
            .organization
            .clone()
            .unwrap_or_else(|| site.config.organization.name.clone()),
    );
    crate::search::SearchDoc {
        url: url
            .strip_prefix(base.trim_end_matches('/'))
            .unwrap_or(&url)
            .to_string(),
        title: r.common.title.clone(),
        kind: r.kind.folder().to_string(),
        kind_label: r.kind.label().to_string(),
        date: r
            .common
            .published
            .map(|d| d.to_string())
            .unwrap_or_default(),
        year: r.common.published.map(|d| i32::from(d.year())).unwrap_or(0),
        meta,
        body: String::new(),
    }
}

/// The records of the search index and their documents.
fn search_docs<'a>(
    site: &'a Site,
    facts: &Facts,
) -> (Vec<&'a Record>, Vec<crate::search::SearchDoc>) {
    let indexed: Vec<&Record> = site
        .records
        .iter()
        .filter(|r| crate::export::exported(facts, r))
        .map(|r| &**r)
        .collect();
    let docs = indexed.iter().map(|r| search_doc(site, r)).collect();
    (indexed, docs)
}

/// [`search_outputs`], each file handed to `emit` as soon as it is made.
fn search_outputs_each(site: &Site, facts: &Facts, emit: &mut dyn FnMut(Output)) {
    // The bodies are made as the index reads them, so that they are never all in memory at
    // once (on a large site that would be a large part of the build's memory).
    let (indexed, docs) = search_docs(site, facts);
    let body = |i: usize| indexed.get(i).map(|r| search_text(r)).unwrap_or_default();
    crate::search::build_index_each(&docs, &body, &mut |f| {
        emit(Output::Bytes {
            path: f.path,
            bytes: f.bytes,
        })
    });
}

/// [`search_outputs_each`], keeping the index for updates after a one-record edit.
pub(crate) fn search_outputs_live(
    site: &Site,
    facts: &Facts,
    live: &mut Live,
    emit: &mut dyn FnMut(Output),
) {
    let (indexed, docs) = search_docs(site, facts);
    let body = |i: usize| indexed.get(i).map(|r| search_text(r)).unwrap_or_default();
    let (index, files) = crate::search::live::LiveIndex::build(&docs, &body);
    live.search = index;
    for f in files {
        emit(Output::Bytes {
            path: f.path,
            bytes: f.bytes,
        });
    }
}

/// What a preview build keeps to update its exports after a one-record edit
/// ([`crate::patch`]).
#[derive(Default)]
pub struct Live {
    pub search: Option<crate::search::live::LiveIndex>,
    pub exports: crate::export::live::LiveExports,
}

/// The page numbers (0-based) a pager links to: the first and last pages and those within
/// 3 of the current one, with `None` for each gap. Listing every page made each list page
/// O(pages) long and a section O(pages²) to plan, render and store (55,000 decisions: 2,750
/// pages × 2,750 links).
pub(crate) fn pager_window(pages: usize, current: usize) -> Vec<Option<usize>> {
    const AROUND: usize = 3;
    let mut shown: Vec<usize> = (current.saturating_sub(AROUND)..=current + AROUND).collect();
    shown.push(0);
    shown.push(pages.saturating_sub(1));
    shown.retain(|&n| n < pages);
    shown.sort_unstable();
    shown.dedup();
    let mut out = Vec::with_capacity(shown.len() + 2);
    for (i, &n) in shown.iter().enumerate() {
        if i > 0 && shown.get(i - 1).is_some_and(|&prev| n > prev + 1) {
            out.push(None);
        }
        out.push(Some(n));
    }
    out
}

/// The pager of page `p` (0-based) of `pages` (`null` for a single page): the section lists
/// and the catalogue use the same one.
pub(crate) fn pager_ctx(pages: usize, p: usize, url_of: &dyn Fn(usize) -> String) -> Value {
    if pages <= 1 {
        return Value::Null;
    }
    let links: Vec<Value> = pager_window(pages, p)
        .into_iter()
        .map(|n| match n {
            Some(n) => json!({"n": n + 1, "url": url_of(n), "current": n == p}),
            None => json!({"gap": true}),
        })
        .collect();
    json!({"pages": links, "prev": (p > 0).then(|| url_of(p - 1)), "next": (p + 1 < pages).then(|| url_of(p + 1))})
}

/// Plan every output of the site.
pub fn plan(site: &Site, facts: &Facts, time: &BuildTime) -> Vec<Output> {
    let mut out = Vec::new();
    plan_each(site, facts, time, &mut |o| out.push(o));
    out
}

/// Plan every output of the site, handing each to `emit` as soon as it is planned (the build
/// renders and writes them in batches, so the whole site's view models never sit in memory).
/// The exports come last: feeds, open data and the sitemap (whose URLs are noted page by page
/// as they are planned).
pub fn plan_each(site: &Site, facts: &Facts, time: &BuildTime, emit: &mut dyn FnMut(Output)) {
    plan_each_live(site, facts, time, None, emit);
}

/// Plan every output of the site, and keep what updating the exports after a one-record edit
/// needs (the preview server).
pub fn plan_live(site: &Site, facts: &Facts, time: &BuildTime) -> (Vec<Output>, Live) {
    let mut out = Vec::new();
    let mut live = Live::default();
    plan_each_live(site, facts, time, Some(&mut live), &mut |o| out.push(o));
    (out, live)
}

fn plan_each_live(
    site: &Site,
    facts: &Facts,
    time: &BuildTime,
    mut live: Option<&mut Live>,
    emit: &mut dyn FnMut(Output),
) {
    let mut sitemap = crate::export::sitemap::Collector::new(site, facts);
    plan_pages_of(
        site,
        facts,
        time,
        What::All(live.as_deref_mut()),
        &mut |o: Output| {
            sitemap.add(site, &o);
            emit(o);
        },
    );
    let exports = live.map(|l| &mut l.exports);
    crate::export::extend(site, facts, time, sitemap, exports, emit);
}

/// Adds the site-wide parts every page's view model has (`site`, the canonical URL).
struct PageMaker<'a> {
    site: &'a Site,
    site_v: Value,
}

impl PageMaker<'_> {
    fn page(&self, path: String, template: &str, mut ctx: Value) -> Output {
        if let Value::Object(m) = &mut ctx {
            if let Some(Value::Object(pg)) = m.get_mut("page") {
                let url = pg
                    .get("url")
                    .and_then(Value::as_str)
                    .unwrap_or("/")
                    .to_string();
                pg.insert("canonical".into(), json!(absolute(self.site, &url)));
                let section = pg.get("section").and_then(Value::as_str).unwrap_or("");
                if let Some((i, how)) = nav_current(&self.site_v, &url, section) {
                    pg.insert("nav".into(), json!({"index": i, "current": how}));
                }
            }
            m.insert("site".into(), self.site_v.clone());
        }
        Output::Page {
            path,
            template: template.to_string(),
            ctx,
        }
    }
}

/// How many record pages are planned together (in parallel) before they are handed on.
const RECORD_CHUNK: usize = 512;

/// The outputs of one record: its page (or the notice that replaced it) and its attachments.
/// `prev`/`next` are its neighbours among the listed records of its kind.
fn record_outputs(
    pm: &PageMaker,
    facts: &Facts,
    time: &BuildTime,
    r: &Record,
    prev: Option<&Record>,
    next: Option<&Record>,
) -> Vec<Output> {
    let site = pm.site;
    let kind = r.kind;
    let base = site.config.base_path();
    let url = record_url(site, r);
    let dir = record_dir(r);
    let section = json!({"label": kind.label(), "url": format!("{base}{}/", kind.folder())});
    let crumbs = if kind == Kind::Page {
        breadcrumbs(site, &[(r.common.title.as_str(), url.clone())])
    } else {
        breadcrumbs(
            site,
            &[
                (kind.label(), format!("{base}{}/", kind.folder())),
                (r.common.title.as_str(), url.clone()),
            ],
        )
    };
    if let Some(h) = facts.hidden.get(&r.key()) {
        return vec![pm.page(
            format!("{dir}index.html"),
            "withdrawn.html",
            json!({
                "page": {"title": r.common.title, "url": url, "breadcrumbs": crumbs, "section": kind.folder(), "noindex": true},
                "notice": {"date": date_text(h.date), "reason": h.reason, "status": h.status,
                           "case_no": match &r.data { Data::Enforcement(e) => Some(e.case_no.clone()), _ => None }},
                "section_link": section,
            }),
        )];
    }
    let link = |x: &Record| json!({"url": record_url(site, x), "title": x.common.title});
    let attachments: Vec<Value> = r
        .common
        .attachments
        .iter()
        .map(|a| attachment_ctx(site, r, &a.file, &a.title))
        .collect();
    let template = format!("record/{}.html", kind.name());
    let mut out = vec![pm.page(
        format!("{dir}index.html"),
        &template,
        json!({
            "page": {"title": r.common.title, "url": url, "breadcrumbs": crumbs, "section": kind.folder(),
                     "description": r.common.summary, "source": r.source.to_string_lossy().replace('\\', "/")},
            "record": {
                "kind": kind.folder(), "kind_label": kind.label(), "id": r.id, "title": r.common.title, "url": url,
                "meta": meta_rows(site, r), "body": r.body.html, "summary": r.common.summary,
                "attachments": attachments, "tags": r.common.tags, "draft": r.common.draft,
                "published": r.common.published.map(date_text), "updated": r.common.updated.map(date_text),
                "d": kind_ctx(site, facts, r, time),
                "history": history_ctx(site, facts, r),
            },
            "prev": prev.map(link), "next": next.map(link), "section_link": section,
        }),
    )];
    // Attachments are copied next to the page.
    for f in attached_files(r) {
        out.push(Output::Copy {
            from: r.dir.join(f),
            path: format!("{dir}{f}"),
        });
    }
    out
}

/// The files a record attaches (attachments, a permit's sample forms, a consultation's
/// documents), relative to its folder, sorted and without repeats.
pub(crate) fn attached_files(r: &Record) -> Vec<&str> {
    let mut files: Vec<&str> = r
        .common
        .attachments
        .iter()
        .map(|a| a.file.as_str())
        .collect();
    match &r.data {
        Data::Permit(p) => files.extend(p.sample_forms.iter().map(|a| a.file.as_str())),
        Data::Consultation(c) => files.extend(c.documents.iter().map(|a| a.file.as_str())),
        _ => {}
    }
    files.sort_unstable();
    files.dedup();
    files
}

/// The outputs of one record as the full plan makes them (the preview's one-record rebuild):
/// its page with its neighbours among the listed records of its kind, and its attachments.
pub(crate) fn one_record(site: &Site, facts: &Facts, time: &BuildTime, r: &Record) -> Vec<Output> {
    let pm = PageMaker {
        site,
        site_v: site_ctx(site),
    };
    let (prev, next) = neighbours(site, facts, r);
    record_outputs(&pm, facts, time, r, prev, next)
}

/// The listed records of the same kind before and after `r` (records are sorted by kind, so
/// they are next to it); none when it is not listed itself.
pub(crate) fn neighbours<'a>(
    site: &'a Site,
    facts: &Facts,
    r: &Record,
) -> (Option<&'a Record>, Option<&'a Record>) {
    let at = site.position(&r.key()).filter(|_| listed(facts, r));
    let shown = |i: &usize| {
        site.records
            .get(*i)
            .filter(|x| x.kind == r.kind)
            .map(|x| &**x)
    };
    let walk = |range: &mut dyn Iterator<Item = usize>| {
        range.map_while(|i| shown(&i)).find(|x| listed(facts, x))
    };
    let prev = at.and_then(|p| walk(&mut (0..p).rev()));
    let next = at.and_then(|p| walk(&mut (p + 1..site.records.len())));
    (prev, next)
}

/// The records before and after place `pos` of `shown` (none when the record is not shown).
fn around<'a>(
    shown: &[&'a Record],
    pos: Option<usize>,
) -> (Option<&'a Record>, Option<&'a Record>) {
    let prev = pos
        .and_then(|p| p.checked_sub(1))
        .and_then(|p| shown.get(p))
        .copied();
    let next = pos.and_then(|p| shown.get(p + 1)).copied();
    (prev, next)
}

/// Which pages [`plan_pages_of`] plans.
enum What<'a> {
    /// Every page and the search index (kept in `Live` when given).
    All(Option<&'a mut Live>),
    /// The pages other than records' own that show this record's list entry: the page of its
    /// section's list and of the catalogue and each catalogue facet it is on, and the home
    /// page, site map, reports and fixed pages (few, and cheap to compare); no search index.
    ListsWith(&'a Record),
}

/// The pages other than records' own that can show `r`'s list entry (see
/// [`What::ListsWith`]). The one-record rebuild plans them after an edit of a title (or
/// another field of the list entry) that left the record in the same place of every list.
pub(crate) fn plan_lists_with(
    site: &Site,
    facts: &Facts,
    time: &BuildTime,
    r: &Record,
) -> Vec<Output> {
    let mut out = Vec::new();
    plan_pages_of(site, facts, time, What::ListsWith(r), &mut |o| out.push(o));
    out
}

/// Is `x` the record `focus` (the same kind and id: unique in a site)?
pub(crate) fn same_record(x: &Record, focus: &Record) -> bool {
    x.kind == focus.kind && x.id == focus.id
}

fn plan_pages_of(
    site: &Site,
    facts: &Facts,
    time: &BuildTime,
    what: What,
    emit: &mut dyn FnMut(Output),
) {
    let record_pages = matches!(what, What::All(_));
    let focus = match what {
        What::ListsWith(r) => Some(r),
        What::All(_) => None,
    };
    let pm = PageMaker {
        site,
        site_v: site_ctx(site),
    };
    let page = |path: String, template: &str, ctx: Value| pm.page(path, template, ctx);
    let base = site.config.base_path();

    // Record pages.
    for kind in Kind::ALL {
        if focus.is_some_and(|f| f.kind != kind) {
            continue;
        }
        let recs: Vec<&Record> = site.of_kind(kind).collect();
        let shown: Vec<&Record> = recs.iter().copied().filter(|r| listed(facts, r)).collect();
        if record_pages {
            // Ids are unique within a kind: a record's place among the listed ones, found once.
            let position: std::collections::HashMap<&str, usize> = shown
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id.as_str(), i))
                .collect();
            let neighbours = |r: &Record| around(&shown, position.get(r.id.as_str()).copied());
            // Planned in parallel a chunk at a time (view models are built independently),
            // then handed on in site order.
            for chunk in recs.chunks(RECORD_CHUNK) {
                use rayon::prelude::*;
                let planned: Vec<Vec<Output>> = chunk
                    .par_iter()
                    .map(|r| {
                        let (prev, next) = neighbours(r);
                        record_outputs(&pm, facts, time, r, prev, next)
                    })
                    .collect();
                for o in planned.into_iter().flatten() {
                    emit(o);
                }
            }
        }
        if kind == Kind::Page {
            continue;
        }
        // Paginated lists.
        let mut items: Vec<&Record> = shown.clone();
        if kind == Kind::Consultation {
            items.sort_by_key(|r| {
                let (st, close) = facts
                    .windows
                    .get(&r.key())
                    .map(|(w, s)| (*s, w.closes))
                    .unwrap_or((State::Closed, jiff::Timestamp::UNIX_EPOCH));
                // open first (soonest deadline first), then upcoming, then the rest newest first
                let order = match st {
                    State::Open => 0,
                    State::Upcoming => 1,
                    _ => 2,
                };
                let key = if order < 2 {
                    close.as_second()
                } else {
                    -close.as_second()
                };
                (order, key, r.id.clone())
            });
        }
        if kind == Kind::Duty {
            items.sort_by_key(|r| match &r.data {
                Data::Duty(d) => (d.order.unwrap_or(u32::MAX), r.id.clone()),
                _ => (u32::MAX, r.id.clone()),
            });
        }
        let size = site.config.page_size.max(1);
        let pages = items.len().div_ceil(size).max(1);
        // With a focus, only the page it is on.
        let on_page = focus.map(|f| {
            items
                .iter()
                .position(|x| same_record(x, f))
                .map(|i| i / size)
        });
        for p in 0..pages {
            if on_page.is_some_and(|q| q != Some(p)) {
                continue;
            }
            let chunk: Vec<Value> = items
                .iter()
                .skip(p * size)
                .take(size)
                .map(|r| list_item(site, facts, r))
                .collect();
            let list_url = |n: usize| {
                if n == 0 {
                    format!("{base}{}/", kind.folder())
                } else {
                    format!("{base}{}/page/{}/", kind.folder(), n + 1)
                }
            };
            let path = if p == 0 {
                format!("{}/index.html", kind.folder())
            } else {
                format!("{}/page/{}/index.html", kind.folder(), p + 1)
            };
            emit(page(
                path,
                "list.html",
                json!({
                    "page": {"title": if p == 0 { kind.label().to_string() } else { format!("{}（第{}页）", kind.label(), p + 1) },
                             "url": list_url(p), "breadcrumbs": breadcrumbs(site, &[(kind.label(), list_url(0))]), "section": kind.folder()},
                    "kind": kind.folder(), "kind_label": kind.label(), "items": chunk, "total": items.len(),
                    "pager": pager_ctx(pages, p, &list_url),
                }),
            ));
        }
    }

    // Home.
    let mut open: Vec<(&Record, &Window, State)> = site
        .of_kind(Kind::Consultation)
        .filter_map(|r| facts.windows.get(&r.key()).map(|(w, s)| (r, w, *s)))
        .filter(|(_, _, s)| matches!(s, State::Open | State::Upcoming))
        .collect();
    open.sort_by_key(|(r, w, s)| (*s, w.closes, r.id.clone()));
    let latest = |kind: Kind, n: usize| -> Vec<Value> {
        site.of_kind(kind)
            .filter(|r| listed(facts, r))
            .take(n)
            .map(|r| list_item(site, facts, r))
            .collect()
    };
    let catalogue: Vec<Value> = Kind::ALL
        .iter()
        .filter(|k| **k != Kind::Page)
        .map(|k| json!({"label": k.label(), "url": format!("{base}{}/", k.folder()), "count": site.of_kind(*k).filter(|r| listed(facts, r)).count()}))
        .collect();
    emit(page(
        "index.html".into(),
        "index.html",
        json!({
            "page": {"title": site.config.title, "url": base, "breadcrumbs": [], "section": "", "home": true},
            "consultations": open.iter().map(|(r, _, _)| list_item(site, facts, r)).collect::<Vec<_>>(),
            "enforcement": latest(Kind::Enforcement, 6),
            "documents": latest(Kind::Document, 8),
            "permits": latest(Kind::Permit, 6),
            "catalogue": catalogue,
        }),
    ));

    // The catalogue (paginated, with its facets), then the site map page: the sections with
    // their counts, the catalogue's facets and the free pages (a page listing every record
    // would grow with the site).
    let facets = crate::export::catalog::plan(site, facts, &catalogue, focus, &page, emit);
    let mut free: Vec<&Record> = site
        .of_kind(Kind::Page)
        .filter(|r| listed(facts, r))
        .collect();
    free.sort_by_key(|r| match &r.data {
        Data::Page(p) => (p.order.unwrap_or(u32::MAX), r.id.clone()),
        _ => (u32::MAX, r.id.clone()),
    });
    let listed_total: u64 = catalogue.iter().filter_map(|c| c["count"].as_u64()).sum();
    emit(page(
        "sitemap/index.html".into(),
        "sitemap.html",
        json!({"page": {"title": "网站地图", "url": format!("{base}sitemap/"), "breadcrumbs": breadcrumbs(site, &[("网站地图", format!("{base}sitemap/"))]), "section": "sitemap"},
        "sections": catalogue,
        "catalog": {"url": format!("{base}catalog/"), "count": listed_total, "facets": facets},
        "pages": free.iter().map(|r| json!({"url": record_url(site, r), "title": r.common.title})).collect::<Vec<_>>(),
        "services": [
            {"url": format!("{base}search/"), "title": "站内搜索"},
            {"url": format!("{base}message/"), "title": "咨询建议投诉"},
            {"url": format!("{base}correction/"), "title": "我要纠错"},
        ]}),
    ));
    // Participation reports (公众参与情况报告) of concluded consultations.
    for r in site.of_kind(Kind::Consultation) {
        let (Some(p), Data::Consultation(c)) = (facts.participation.get(&r.key()), &r.data) else {
            continue;
        };
        let Some(outcome) = &c.outcome else { continue };
        let url = format!("{}report/", record_url(site, r));
        emit(page(
            format!("{}report/index.html", record_dir(r)),
            "report.html",
            json!({
                "page": {"title": format!("{}公众参与情况报告", r.common.title), "url": url,
                         "breadcrumbs": breadcrumbs(site, &[(Kind::Consultation.label(), format!("{base}consultations/")), (r.common.title.as_str(), record_url(site, r)), ("公众参与情况报告", url.clone())]),
                         "section": "consultations"},
                "consultation": {"title": r.common.title, "url": record_url(site, r), "decision_type": c.decision_type,
                                 "window": facts.windows.get(&r.key()).map(|(w, _)| lifecycle::notice_sentence(w, &site.tz)),
                                 "outcome_published": date_text(outcome.published), "organizer": c.organizer},
                "report": p.report,
            }),
        ));
        emit(Output::Bytes {
            path: format!("{}opinions.json", record_dir(r)),
            bytes: p.public_json.clone().into_bytes(),
        });
    }
    // The heads of every consultation's chain, published with every build: an anchor outside
    // the receiver's database that anyone can keep (docs/feedback.md).
    if site.of_kind(Kind::Consultation).next().is_some() {
        let date = time
            .now
            .to_zoned_datetime(site.tz.clone())
            .date()
            .to_string();
        emit(Output::Bytes {
            path: "consultations/heads.json".into(),
            bytes: facts.anchors.public_json(&date).into_bytes(),
        });
    }
    emit(page(
        "correction/index.html".into(),
        "correction.html",
        json!({"page": {"title": "我要纠错", "url": format!("{base}correction/"), "breadcrumbs": breadcrumbs(site, &[("我要纠错", format!("{base}correction/"))]), "section": "correction", "noindex": true}}),
    ));
    emit(page(
        "message/index.html".into(),
        "message.html",
        json!({"page": {"title": "咨询建议投诉", "url": format!("{base}message/"), "breadcrumbs": breadcrumbs(site, &[("咨询建议投诉", format!("{base}message/"))]), "section": "message"}}),
    ));
    emit(page(
        "search/index.html".into(),
        "search.html",
        json!({"page": {"title": "站内搜索", "url": format!("{base}search/"), "breadcrumbs": breadcrumbs(site, &[("站内搜索", format!("{base}search/"))]), "section": "search", "noindex": true},
               "kinds": Kind::ALL.iter().filter(|k| **k != Kind::Page).map(|k| json!({"folder": k.folder(), "label": k.label()})).collect::<Vec<_>>()}),
    ));
    match what {
        What::All(Some(l)) => search_outputs_live(site, facts, l, emit),
        What::All(None) => search_outputs_each(site, facts, emit),
        What::ListsWith(_) => {}
    }
    emit(page(
        "404.html".into(),
        "404.html",
        json!({"page": {"title": "页面未找到", "url": format!("{base}404.html"), "breadcrumbs": [], "section": "", "noindex": true}}),
    ));
}

#[cfg(test)]
mod links_tests {
    use super::*;

    /// Every record page of the example site that shows another record's title and URL (other
    /// than its neighbours) is one `links_to` names.
    #[test]
    fn links_to_names_every_link_a_record_page_shows() {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let opts = crate::build::BuildOptions {
            root,
            out: None,
            now: "2026-11-25T10:00:00+08:00"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
            drafts: true,
            strict: false,
            feedback_db: None,
        };
        let checked = crate::build::check(&opts).unwrap_or_else(|_| panic!("example site"));
        let (site, facts) = (&checked.site, &checked.facts);
        let time = BuildTime { now: opts.now };
        let mut found = 0;
        for x in &site.records {
            let text: String = one_record(site, facts, &time, x)
                .iter()
                .filter_map(|o| match o {
                    Output::Page { ctx, .. } => Some(ctx.to_string()),
                    _ => None,
                })
                .collect();
            let (prev, next) = {
                let shown: Vec<&Record> =
                    site.of_kind(x.kind).filter(|y| listed(facts, y)).collect();
                around(&shown, shown.iter().position(|y| y.id == x.id))
            };
            // Free pages are linked from every page (the footer): never patched.
            for r in site.records.iter().filter(|r| r.kind != Kind::Page) {
                let link = json!({"title": r.common.title, "url": record_url(site, r)}).to_string();
                let link = link.trim_start_matches('{').trim_end_matches('}');
                let neighbour = [prev, next].iter().flatten().any(|n| n.key() == r.key());
                if r.key() != x.key() && !neighbour && text.contains(link) {
                    found += 1;
                    assert!(links_to(x, &r.key()), "{} shows {}", x.key(), r.key());
                }
            }
        }
        assert!(found > 0, "the example site has records linking others");
    }
}

#[cfg(test)]
mod tests {
    use super::pager_window;

    #[test]
    fn pager_shows_ends_and_neighbours_with_gaps() {
        let all: Vec<Option<usize>> = (0..9).map(Some).collect();
        assert_eq!(pager_window(9, 4), all);
        assert_eq!(pager_window(1, 0), vec![Some(0)]);
        assert_eq!(
            pager_window(100, 50),
            vec![
                Some(0),
                None,
                Some(47),
                Some(48),
                Some(49),
                Some(50),
                Some(51),
                Some(52),
                Some(53),
                None,
                Some(99)
            ]
        );
        assert_eq!(
            pager_window(100, 0),
            vec![Some(0), Some(1), Some(2), Some(3), None, Some(99)]
        );
    }
}
