//! 更新及时性 — freshness (SPEC §4.7): something new published within `stale_days`, questions
//! answered within `reply_overdue_days`, a closed consultation's outcome published within
//! `report_due_days`; and, for the compliance page, consultations closing within three
//! working days.
//!
//! Codes: `freshness.stale`; the kinds' own (`reply.overdue`, `consultation.report-overdue`,
//! warnings).

use super::{date_zh, days_between, Input, Item, Section, Summary};
use crate::content::clock::Due;
use crate::content::{Kind, Record};
use crate::diag::{Code, Diagnostic};

/// Run the freshness rules: the site's, and what each record's kind says is late or due soon
/// (its clock hook: an unanswered question, a consultation's report or close, an officer's
/// certificate, a decision's evaluation, a spot-check plan's results).
pub(crate) fn check(input: &Input, diags: &mut Vec<Diagnostic>, summary: &mut Summary) {
    stale(input, diags);
    let facts = input.facts;
    if facts.late.is_empty() && facts.soon.is_empty() {
        return;
    }
    for r in &input.site.records {
        let key = r.key();
        for due in facts.late.get(&key).into_iter().flatten() {
            diags.extend(due.warning.iter().cloned());
            summary.push(item(r, Section::Overdue, due));
        }
        for due in facts.soon.get(&key).into_iter().flatten() {
            diags.extend(due.warning.iter().cloned());
            summary.push(item(r, Section::ExpiringSoon, due));
        }
    }
}

fn item(r: &Record, section: Section, due: &Due) -> Item {
    Item {
        section,
        date: Some(due.date),
        file: r.source.to_string_lossy().replace('\\', "/"),
        title: r.common.title.clone(),
        note: due.note.clone(),
    }
}

/// Nothing new published for `stale_days` days before the build's date.
fn stale(input: &Input, diags: &mut Vec<Diagnostic>) {
    let days = input.site.config.publicity.stale_days;
    if days == 0 {
        return;
    }
    let latest = input
        .site
        .records
        .iter()
        .filter(|r| r.kind != Kind::Page)
        .filter_map(|r| r.common.published.map(|p| (p, r)))
        .filter(|(p, _)| *p <= input.today)
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.source.cmp(&a.1.source)));
    let quiet_since = match latest {
        Some((p, _)) => days_between(p, input.today),
        None => i64::MAX,
    };
    if quiet_since <= i64::from(days) {
        return;
    }
    let found = match latest {
        Some((p, r)) => format!(
            "最近一次发布是{}（{}），已过{quiet_since}日",
            date_zh(p),
            r.source.to_string_lossy().replace('\\', "/")
        ),
        None => "还没有发布任何信息".to_string(),
    };
    diags.push(
        Diagnostic::warning(
            Code::FreshnessStale,
            "content",
            format!("已有{days}日以上没有发布新信息"),
        )
        .expected(format!("每{days}日内至少发布一条新信息"))
        .found(found)
        .hint("请及时发布工作动态、通知公告或办事指南的更新；首页长期不更新会被认定为“不及时”。"),
    );
}
