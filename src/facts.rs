//! The clock-dependent facts of a loaded site, derived once per build: consultation windows
//! and their states, working days left, enforcement decisions withdrawn or past their display
//! period, the participation reports and their ledgers' anchors; and the predicates every
//! later step asks of a record (is it listed, is it exported). Everything after this step
//! (compliance, plan, export, render) reads these; nothing here reads a later step.

use crate::content::kinds::enforcement::Enforcement;
use crate::content::{Data, Kind, Record, Site};
use crate::lifecycle::{self, State, Window};
use std::collections::BTreeMap;

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
            status: e.status.to_string(),
        });
    }
    // Marked as about a minor with neither documented way to publish it chosen (the privacy
    // lint blocks the build; a preview still shows the notice, never the decision).
    if e.minor_blocked() {
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

/// Is this record part of the machine-readable exports? Listed (not hidden) and not a draft.
pub fn exported(facts: &Facts, r: &Record) -> bool {
    listed(facts, r) && !r.common.draft
}

/// The organisation that published a record (发布机构).
pub fn org_of<'a>(site: &'a Site, r: &'a Record) -> &'a str {
    r.common
        .organization
        .as_deref()
        .unwrap_or(&site.config.organization.name)
}
