//! What a kind's hooks see and the helpers they share: the context of one record's page,
//! list item or exported object ([`ViewCx`], with the clock-dependent facts behind
//! [`KindFacts`]), and pure formatting of money, dates, steps, attachments and Markdown fields
//! for pages and for open data. It sits below the kinds so that a kind file imports nothing
//! of the steps after `content` (plan, export, facts): those call the hooks and implement
//! [`KindFacts`].

use crate::content::kinds::fee::{number, Basis, Standard};
use crate::content::kinds::procedure::Step;
use crate::content::urls::{absolute, record_url};
use crate::content::window::{State, Window};
use crate::content::{Record, Site};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{json, Value};
use std::borrow::Cow;

/// What the kinds' hooks may ask of the clock-dependent facts of a build (implemented by
/// `facts::Facts`).
pub trait KindFacts: Sync {
    /// A consultation's window and its state at the build's clock, by record key.
    fn window(&self, key: &str) -> Option<&(Window, State)>;
    /// Working days left (today included) of an open consultation, by record key.
    fn days_left(&self, key: &str) -> Option<u32>;
    /// Has the consultation `key` a participation report (`report/` page)?
    fn has_report(&self, key: &str) -> bool;
    /// Is this record part of the machine-readable exports?
    fn exported(&self, r: &Record) -> bool;
    /// Is this record listed (not a withdrawn or expired decision)?
    fn listed(&self, r: &Record) -> bool;
    /// The keys of the records whose clock hook points to the record `id` (`Clock::reviews`:
    /// a 复议 decision reviewing an enforcement decision, a 政策解读 interpreting a document),
    /// in site order, of any kind: callers keep their own kind.
    fn reviewed_by(&self, id: &str) -> &[String];
}

/// What a kind's hooks see when they shape a record's page, list item or exported object.
pub struct ViewCx<'a> {
    pub site: &'a Site,
    pub facts: &'a dyn KindFacts,
    pub r: &'a Record,
}

impl ViewCx<'_> {
    /// A link (URL and title) to the record `key`, if there is one.
    pub fn url_of(&self, key: &str) -> Option<Value> {
        self.site.get(key).map(|x| to_value(Link::to(self.site, x)))
    }

    /// The HTML of a Markdown field.
    pub fn md(&self, field: &str) -> String {
        md(self.r, field)
    }

    /// A file the record attaches, for the template.
    pub fn attachment(&self, file: &str, title: &str) -> Value {
        to_value(attachment_ctx(self.site, self.r, file, title))
    }

    /// The record's URL (with the base path).
    pub fn url(&self) -> String {
        record_url(self.site, self.r)
    }

    /// Is `x` listed (not a withdrawn or expired decision)?
    pub fn listed(&self, x: &Record) -> bool {
        self.facts.listed(x)
    }

    /// The last day a decision stays published.
    pub fn display_until(
        &self,
        e: &crate::content::kinds::enforcement::Enforcement,
    ) -> Option<Date> {
        crate::content::kinds::enforcement::display_until(self.site, self.r, e)
    }
}

/// What a page shows for a fact the record does not state (never a default in its place).
pub const NOT_STATED: &str = "未注明";

/// A file a record attaches, for the template: its URLs, title, type and size.
pub fn attachment_ctx<'a>(
    site: &Site,
    r: &Record,
    file: &'a str,
    title: &'a str,
) -> AttachmentView<'a> {
    let path = site.root.join(&r.dir).join(file);
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let ext = file.rsplit('.').next().unwrap_or("").to_ascii_uppercase();
    let url = format!("{}{}", record_url(site, r), file);
    AttachmentView {
        absolute: absolute(site, &url),
        url,
        title,
        file,
        ext,
        size: size_text(size),
    }
}

/// A file a record attaches, for the template (see [`attachment_ctx`]).
#[derive(Serialize)]
pub struct AttachmentView<'a> {
    url: String,
    absolute: String,
    title: &'a str,
    file: &'a str,
    ext: String,
    size: String,
}

/// A serialisable view model as the JSON value templates and the build's caches take. The
/// views are structs with string keys: serialising them cannot fail.
pub fn to_value(v: impl Serialize) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// A row of a record's metadata table (`record.meta`).
#[derive(Serialize)]
pub struct MetaRow<'a> {
    pub label: &'static str,
    pub value: Cow<'a, str>,
}

impl<'a> MetaRow<'a> {
    /// A row whose value is the record's own text.
    pub fn text(label: &'static str, value: &'a str) -> Self {
        MetaRow {
            label,
            value: Cow::Borrowed(value),
        }
    }

    /// A row whose value is a date, as pages print dates (`2026年11月2日`).
    pub fn date(label: &'static str, d: jiff::civil::Date) -> Self {
        MetaRow {
            label,
            value: Cow::Owned(date_text(d)),
        }
    }
}

/// A link to a page: its URL and title (neighbours, breadcrumbs' targets, related records).
#[derive(Serialize)]
pub struct Link<'a> {
    pub url: String,
    pub title: &'a str,
}

impl<'a> Link<'a> {
    /// The link to the record `r`.
    pub fn to(site: &Site, r: &'a Record) -> Self {
        Link {
            url: record_url(site, r),
            title: &r.common.title,
        }
    }
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

/// The HTML of a Markdown field (empty when absent).
pub fn md(r: &Record, field: &str) -> String {
    r.md.get(field).map(|m| m.html.clone()).unwrap_or_default()
}

/// A fee standard for the template: its form, the standard in words (「未注明」 when nothing
/// was entered), its own basis and its sub-items.
pub fn standard_ctx(s: &Standard) -> StandardView<'_> {
    StandardView {
        item: &s.item,
        form: s.form(),
        display: s.display(money),
        amount: s.amount.map(money),
        unit: s.unit.as_deref(),
        note: s.note.as_deref(),
        basis: s.basis.iter().map(|b| b.label()).collect(),
        items: s.items.iter().map(standard_ctx).collect(),
    }
}

/// A fee standard on a fee's page (see [`standard_ctx`]).
#[derive(Serialize)]
pub struct StandardView<'a> {
    item: &'a str,
    form: &'static str,
    display: String,
    amount: Option<String>,
    unit: Option<&'a str>,
    note: Option<&'a str>,
    basis: Vec<String>,
    items: Vec<StandardView<'a>>,
}

/// An amount of money: `1,200` for a whole number, `12.50` otherwise.
pub fn money(n: f64) -> String {
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

/// A procedure's steps for the template, numbered from 1, with their descriptions' HTML
/// (Markdown fields `PREFIX[N].description` of `r`).
pub fn steps_ctx<'a>(r: &Record, steps: &'a [Step], prefix: &str) -> Vec<StepView<'a>> {
    steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepView {
            n: i + 1,
            name: &s.name,
            actor: s.actor.as_deref(),
            time_limit_wd: s.time_limit_wd,
            description: md(r, &format!("{prefix}[{}].description", i + 1)),
            outputs: &s.outputs,
        })
        .collect()
}

/// A procedure step on a page (see [`steps_ctx`]).
#[derive(Serialize)]
pub struct StepView<'a> {
    n: usize,
    name: &'a str,
    actor: Option<&'a str>,
    time_limit_wd: Option<u32>,
    description: String,
    outputs: &'a [String],
}

/// `2026年12月4日`.
pub fn date_text(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `2026年11月20日 09:00` in the site's zone.
pub fn datetime_text(t: Timestamp, tz: &TimeZone) -> String {
    let z = t.to_zoned_datetime(tz.clone());
    if z.hour() == 0 && z.minute() == 0 {
        // Midnight is the end of the previous day: say 24:00 of that day.
        let prev = z.date().yesterday().unwrap_or(z.date());
        format!("{}24:00", date_text(prev))
    } else {
        format!("{}{:02}:{:02}", date_text(z.date()), z.hour(), z.minute())
    }
}

/// An instant in the site's time zone (RFC 3339 with the offset).
pub fn instant(site: &Site, t: jiff::Timestamp) -> String {
    t.to_zoned_datetime(site.tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// The plain text of a Markdown field (empty when absent).
pub fn md_text(r: &Record, field: &str) -> String {
    r.md.get(field).map(|m| m.text.clone()).unwrap_or_default()
}

// Open data (`/data/FOLDER.json`): absolute URLs, `null` for what was not entered.

/// A date for open data (`null` when absent).
pub fn date(d: Option<jiff::civil::Date>) -> Value {
    d.map(|d| Value::String(d.to_string()))
        .unwrap_or(Value::Null)
}

/// The absolute URL of a file the record attaches.
pub fn file_url(site: &Site, r: &Record, file: &str) -> String {
    absolute(site, &format!("{}{}", record_url(site, r), file))
}

/// Attachments for open data: title and absolute URL.
pub fn attachments(site: &Site, r: &Record, list: &[crate::content::kinds::Attachment]) -> Value {
    Value::Array(
        list.iter()
            .map(|a| json!({"title": a.title, "url": file_url(site, r, &a.file)}))
            .collect(),
    )
}

/// A text for open data, `null` when blank.
pub fn nonempty(s: String) -> Value {
    if s.trim().is_empty() {
        Value::Null
    } else {
        Value::String(s)
    }
}

/// A procedure's steps for open data.
pub fn steps(r: &Record, steps: &[Step], prefix: &str) -> Value {
    Value::Array(
        steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                json!({
                    "n": i + 1, "name": s.name, "actor": s.actor, "time_limit_wd": s.time_limit_wd,
                    "description": nonempty(md_text(r, &format!("{prefix}[{}].description", i + 1))),
                    "outputs": s.outputs,
                })
            })
            .collect(),
    )
}

/// The absolute URL of the exported record `key`, if it is exported.
pub fn url_of(cx: &ViewCx, key: &str) -> Option<String> {
    let site = cx.site;
    site.get(key)
        .filter(|x| cx.facts.exported(x))
        .map(|x| absolute(site, &record_url(site, x)))
}

/// A fee's legal basis for open data.
pub fn fee_basis(b: &Basis) -> Value {
    json!({"title": b.title, "doc_no": b.doc_no})
}

/// A fee standard (a sub-item has no `items`).
pub fn fee_standard(s: &Standard) -> Value {
    json!({
        "item": s.item, "form": s.form(), "amount": s.amount, "min": s.min, "max": s.max,
        "rate": s.rate, "rate_unit": s.rate_unit, "rate_of": s.rate_of, "unit": s.unit,
        "text": s.text, "display": s.display(number),
        "basis": s.basis.iter().map(fee_basis).collect::<Vec<_>>(), "note": s.note,
    })
}

/// A top-level fee standard: with its sub-items.
pub fn fee_standard_top(s: &Standard) -> Value {
    let mut v = fee_standard(s);
    if let Value::Object(m) = &mut v {
        m.insert(
            "items".into(),
            Value::Array(s.items.iter().map(fee_standard).collect()),
        );
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_text_says_24_00_for_midnight() {
        let tz = TimeZone::fixed(jiff::tz::offset(8));
        let t: Timestamp = "2026-12-04T16:00:00Z".parse().unwrap_or_else(|_| panic!());
        assert_eq!(datetime_text(t, &tz), "2026年12月4日24:00");
        let t: Timestamp = "2026-11-20T01:30:00Z".parse().unwrap_or_else(|_| panic!());
        assert_eq!(datetime_text(t, &tz), "2026年11月20日09:30");
    }
}
