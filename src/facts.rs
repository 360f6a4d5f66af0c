//! The clock-dependent facts of a loaded site, derived once per build: what each record's
//! kind says through its clock hook (`RecordKind::clock`: consultation windows and their
//! states, working days left, decisions withdrawn or past their display period, what is late
//! or due soon), the participation reports and their ledgers' anchors; and the predicates
//! every later step asks of a record (is it listed, is it exported). Everything after this
//! step (compliance, plan, export, render) reads these; nothing here reads a later step, and
//! nothing here names a kind.

use crate::content::clock::{Clock, ClockCx, Due, Hidden};
use crate::content::window::{State, Window};
use crate::content::{Kind, Record, Site};

pub(crate) use crate::content::kinds::enforcement::display_until;
use std::collections::{BTreeMap, BTreeSet};

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

/// Derived per-record facts that depend on the clock, by record key: what the kinds' clock
/// hooks said ([`Clock`]), kept in one map per fact.
pub struct Facts {
    pub windows: BTreeMap<String, (Window, State)>,
    /// Participation reports by consultation key.
    pub participation: BTreeMap<String, crate::participation::Participation>,
    /// Every consultation's ledger, the register of heads and (with `--feedback-db`) the
    /// receiver's chains: the completeness rules and `consultations/heads.json`.
    pub anchors: crate::participation::Anchors,
    /// Working days left (today included) before what a record announces is due.
    pub days_left: BTreeMap<String, u32>,
    /// Records not shown in listings (key → notice text).
    pub hidden: BTreeMap<String, Hidden>,
    /// The kinds that have (or had, in this preview) a hidden record: [`listed`] looks up
    /// only records of these.
    hiding: BTreeSet<Kind>,
    /// What is past its due date (the freshness rules' warnings and 「逾期」 lines).
    pub late: BTreeMap<String, Vec<Due>>,
    /// What is due soon (the compliance page's 「即将到期」 lines).
    pub soon: BTreeMap<String, Vec<Due>>,
    /// 修订记录 from git, by record source path (empty when the site is not a git repo).
    pub history: crate::history::History,
    /// The records pointing to each record (a 复议 decision's `reviews`, a 政策解读's
    /// `interprets`: the clock hooks' `reviews`): pointed record's id → pointing records' keys,
    /// in site order, of any kind (built once, so a decision's or a document's page need not
    /// scan every record of its kind).
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

impl Facts {
    /// Keep a record's clock facts (all but what it points to, which [`facts`] indexes once),
    /// replacing those it had; returns them (the preview's one-record rebuild puts them back
    /// when it gives up).
    pub(crate) fn set(&mut self, r: &Record, clock: Clock) -> Clock {
        fn put<T>(map: &mut BTreeMap<String, T>, key: &str, v: Option<T>) -> Option<T> {
            match v {
                Some(v) => map.insert(key.to_string(), v),
                None => map.remove(key),
            }
        }
        fn nonempty(v: Vec<Due>) -> Option<Vec<Due>> {
            (!v.is_empty()).then_some(v)
        }
        let key = r.key();
        if clock.hidden.is_some() {
            self.hiding.insert(r.kind);
        }
        Clock {
            window: put(&mut self.windows, &key, clock.window),
            days_left: put(&mut self.days_left, &key, clock.days_left),
            hidden: put(&mut self.hidden, &key, clock.hidden),
            reviews: clock.reviews,
            late: put(&mut self.late, &key, nonempty(clock.late)).unwrap_or_default(),
            soon: put(&mut self.soon, &key, nonempty(clock.soon)).unwrap_or_default(),
        }
    }
}

/// Compute the clock-dependent facts (and the diagnostics of windows).
pub(crate) fn facts(
    site: &Site,
    cal: &crate::calendar::Calendar,
    time: &BuildTime,
) -> (Facts, Vec<crate::diag::Diagnostic>) {
    let (participation, anchors, pdiags) = crate::participation::collect(site);
    let mut facts = Facts {
        windows: BTreeMap::new(),
        participation,
        anchors,
        days_left: BTreeMap::new(),
        hidden: BTreeMap::new(),
        hiding: BTreeSet::new(),
        late: BTreeMap::new(),
        soon: BTreeMap::new(),
        history: crate::history::History::default(),
        reviewed_by: BTreeMap::new(),
    };
    let mut diags = Vec::new();
    let cx = ClockCx::new(site, cal, time.now);
    for r in &site.records {
        let mut clock = r.data.clock(&cx, r, &mut diags);
        if let Some(id) = clock.reviews.take() {
            facts.reviewed_by.entry(id).or_default().push(r.key());
        }
        facts.set(r, clock);
    }
    diags.extend(pdiags);
    (facts, diags)
}

/// Is this record listed (not a withdrawn or expired decision)?
pub(crate) fn listed(facts: &Facts, r: &Record) -> bool {
    // The check runs for every record of every list: the key is made only for a kind that
    // hides records.
    !facts.hiding.contains(&r.kind) || !facts.hidden.contains_key(&r.key())
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
