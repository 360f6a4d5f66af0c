//! The iCalendar feed of consultation deadlines (RFC 5545): `/consultations.ics`.
//!
//! One VEVENT per consultation that is upcoming or open at the build's clock. The event is an
//! all-day event on the window's last day (`DTSTART;VALUE=DATE` = close date, `DTEND` = the
//! day after): a notice closes at 24:00 of that day, and a timed event at 00:00 of the next
//! day would show on the wrong day in calendar apps. The exact instant is in DESCRIPTION.
//! All-day dates need no VTIMEZONE. `UID` is `<id>@<host>`; `DTSTAMP` is the record's
//! published date (00:00 site time, in UTC), `LAST-MODIFIED` its `updated` date, so the file
//! never carries the build clock. Lines end in CRLF and are folded at 75 octets without
//! splitting a UTF-8 character; TEXT values escape `\`, `;`, `,` and newlines.

use super::{exported, host};
use crate::content::window::{self, State};
use crate::content::{Data, Kind, Record, Site};
use crate::facts::Cx;
use crate::plan::Output;
use crate::urls::{absolute, record_url};
use jiff::civil::Date;

/// The calendar file.
pub fn calendar(cx: Cx) -> Vec<Output> {
    let Cx { site, facts, .. } = cx;
    let mut events: Vec<(&Record, &window::Window)> = site
        .of_kind(Kind::Consultation)
        .filter(|r| exported(facts, r))
        .filter_map(|r| match facts.windows.get(&r.key()) {
            Some((w, State::Open | State::Upcoming)) => Some((r, w)),
            _ => None,
        })
        .collect();
    events.sort_by(|a, b| a.1.closes.cmp(&b.1.closes).then(a.0.id.cmp(&b.0.id)));
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        format!("PRODID:-//gongshi//{}//ZH", host(site)),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        format!(
            "X-WR-CALNAME:{}",
            escape(&format!("{} 意见征集截止日期", site.config.title))
        ),
        format!(
            "X-WR-CALDESC:{}",
            escape("正在征集和即将征集意见事项的截止日期")
        ),
    ];
    for (r, w) in events {
        lines.extend(event(site, r, w));
    }
    lines.push("END:VCALENDAR".into());
    let mut text = String::new();
    for l in &lines {
        text.push_str(&fold(l));
    }
    vec![Output::Bytes {
        path: "consultations.ics".into(),
        bytes: text.into_bytes(),
    }]
}

fn event(site: &Site, r: &Record, w: &window::Window) -> Vec<String> {
    let url = absolute(site, &record_url(site, r));
    let stamp_date =
        super::midnight(site, r.common.published.unwrap_or(w.open_date)).unwrap_or(w.opens);
    let mut desc = window::notice_sentence(w, &site.tz);
    if let Data::Consultation(c) = &r.data {
        if c.form_offered() {
            desc.push_str("\n可在网页上直接提交意见：");
            desc.push_str(&url);
        }
        if let Some(e) = &c.channels().email {
            desc.push_str(&format!("\n电子邮箱：{e}"));
        }
    }
    let next = w.close_date.tomorrow().unwrap_or(w.close_date);
    let mut v = vec![
        "BEGIN:VEVENT".to_string(),
        format!("UID:{}", escape(&format!("{}@{}", r.id, host(site)))),
        format!("DTSTAMP:{}", utc(stamp_date)),
        format!("DTSTART;VALUE=DATE:{}", date(w.close_date)),
        format!("DTEND;VALUE=DATE:{}", date(next)),
        format!(
            "SUMMARY:{}",
            escape(&format!("意见征集截止：{}", r.common.title))
        ),
        format!("DESCRIPTION:{}", escape(&desc)),
        format!("URL:{url}"),
    ];
    if let Some(u) = r.common.updated {
        if let Some(t) = super::midnight(site, u) {
            v.push(format!("LAST-MODIFIED:{}", utc(t)));
        }
    }
    v.push(format!(
        "ORGANIZER;CN={}:{}",
        param(super::org_of(site, r)),
        organizer_uri(site)
    ));
    v.extend([
        "TRANSP:TRANSPARENT".to_string(),
        "STATUS:CONFIRMED".to_string(),
        "END:VEVENT".to_string(),
    ]);
    v
}

/// The ORGANIZER value must be a URI: the organisation's e-mail, else the site.
fn organizer_uri(site: &Site) -> String {
    let e = &site.config.organization.email;
    if e.is_empty() {
        absolute(site, &site.config.base_path())
    } else {
        format!("mailto:{e}")
    }
}

/// A parameter value: quoted, without the characters a quoted value cannot hold.
fn param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

fn date(d: Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

fn utc(t: jiff::Timestamp) -> String {
    t.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// Escape a TEXT value (RFC 5545 §3.3.11).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Fold a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character, and end
/// every physical line with CRLF. Continuation lines start with one space, which counts.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0usize;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_keeps_every_line_within_75_octets_and_characters_whole() {
        let line = format!("SUMMARY:{}", "意见征集截止：关于".repeat(12));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for l in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        // Unfolding gives the line back.
        assert_eq!(folded.trim_end_matches("\r\n").replace("\r\n ", ""), line);
    }

    #[test]
    fn fold_leaves_short_lines_alone() {
        assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
        let exact = "X".repeat(75);
        assert_eq!(fold(&exact), format!("{exact}\r\n"));
        assert_eq!(
            fold(&"X".repeat(76)),
            format!("{}\r\n X\r\n", "X".repeat(75))
        );
    }

    #[test]
    fn escape_handles_the_four_special_characters() {
        assert_eq!(escape("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
    }
}
