//! The clock-dependent facts of a loaded site, derived once per build: consultation windows
//! and their states, working days left, enforcement decisions withdrawn or past their display
//! period, the participation reports and their ledgers' anchors; and the predicates every
//! later step asks of a record (is it listed, is it exported). Everything after this step
//! (compliance, plan, export, render) reads these; nothing here reads a later step.

use crate::content::kinds::enforcement::Enforcement;
use crate::content::{Data, Kind, Record, Site};
use crate::lifecycle::{self, State, Window};

pub(crate) use crate::content::kinds::enforcement::display_until;
use std::collections::BTreeMap;

/// When the build happens, and the facts derived from it once.
pub struct BuildTime {
    pub now: jiff::Timestamp,
}

/// What every step after the facts reads: the site, its clock-dependent facts and the build
/// time, borrowed together (one parameter instead of three).
#[derive(Clone, Copy)]
pub struct Cx<'a> {
    pub site: &'a Site,
    pub facts: &'a Facts,
    pub time: &'a BuildTime,
}

impl<'a> Cx<'a> {
    pub fn new(site: &'a Site, facts: &'a Facts, time: &'a BuildTime) -> Cx<'a> {
        Cx { site, facts, time }
    }
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
    /// The 行政复议 decisions reviewing each decision: reviewed record's id → reviewers' keys,
    /// in site order (built once, so a decision's page need not scan every decision).
    pub reviewed_by: BTreeMap<String, Vec<String>>,
}

impl crate::content::view::KindFacts for Facts {
    fn window(&self, key: &str) -> Option<&(Window, State)> {
        self.windows.get(key)
    }

    fn days_left(&self, key: &str) -> Option<u32> {
        self.days_left.get(key).copied()
    }

    fn has_report(&self, key: &str) -> bool {
        self.participation.contains_key(key)
    }

    fn exported(&self, r: &Record) -> bool {
        exported(self, r)
    }

    fn reviewed_by(&self, id: &str) -> &[String] {
        self.reviewed_by.get(id).map_or(&[], Vec::as_slice)
    }

    fn listed(&self, r: &Record) -> bool {
        listed(self, r)
    }
}

/// Why a decision is no longer shown.
#[derive(Debug, Clone)]
pub struct Hidden {
    pub date: jiff::civil::Date,
    pub reason: String,
    pub status: String,
}

/// Compute the clock-dependent facts (and the diagnostics of windows).
pub(crate) fn facts(
    site: &Site,
    cal: &crate::calendar::Calendar,
    time: &BuildTime,
) -> (Facts, Vec<crate::diag::Diagnostic>) {
    let mut windows = BTreeMap::new();
    let mut days_left = BTreeMap::new();
    let mut hidden = BTreeMap::new();
    let mut reviewed_by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut diags = Vec::new();
    let today = time.now.to_zoned_datetime(site.tz.clone()).date();
    for r in &site.records {
        match &r.data {
            Data::Consultation(c) => {
                let (w, ds) = lifecycle::window(cal, &site.config, &site.tz, r, c);
                diags.extend(ds);
                if let Some(w) = w {
                    let st = lifecycle::state(c, &w, time.now, &site.tz);
                    if st == State::Open {
                        if let Ok(n) = cal.working_days_left(today, w.close_date) {
                            days_left.insert(r.key(), n);
                        }
                    }
                    windows.insert(r.key(), (w, st));
                }
            }
            Data::Enforcement(e) => {
                if let Some(id) = e.reviews.as_deref().map(str::trim) {
                    reviewed_by.entry(id.to_string()).or_default().push(r.key());
                }
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
            reviewed_by,
        },
        diags,
    )
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
pub(crate) fn listed(facts: &Facts, r: &Record) -> bool {
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
