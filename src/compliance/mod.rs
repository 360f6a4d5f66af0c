//! Compliance as code (SPEC §4.3–4.7): the publicity rules that need the whole loaded site,
//! the calendar, the clock-dependent facts and the build time — enforcement deadlines and
//! display periods, privacy, catalogue completeness, metadata that must never change (checked
//! against the git history), and freshness. `gongshi check` reports them; `gongshi build` runs
//! the same rules and refuses to publish errors. One job per file:
//!
//! * [`enforcement`] — publication deadline, withdrawal, display period (`enforcement.*`)
//! * [`privacy_lint`] — personal data in public texts (`privacy.*`), using [`crate::pii`]
//! * [`catalogue`] — required categories and permit items (`catalogue.*`, `permit.*`)
//! * [`decisions`] — a major decision against its catalogue, consultations and the clock
//!   (`decision.*`)
//! * [`git_history`] — what may never be edited once published (`history.*`)
//! * [`ledgers`] — no opinion can vanish: ledgers against the register of heads, the receiver
//!   and the outcome's figures (`participation.*`)
//! * [`freshness`] — staleness, overdue replies and reports (`freshness.*`, …)
//! * [`annual`] — the annual reports due by 31 January, sealed figures (`report.*`)
//! * [`page`] — the staff compliance page (`check --html`)
//!
//! Besides diagnostics the rules fill a [`Summary`]: the lists the compliance page shows.

pub(crate) mod annual;
pub(crate) mod catalogue;
pub(crate) mod decisions;
pub(crate) mod enforcement;
pub(crate) mod fields;
pub(crate) mod freshness;
pub(crate) mod git_history;
pub(crate) mod ledgers;
pub(crate) mod page;
pub(crate) mod privacy_lint;

use crate::calendar::Calendar;
use crate::content::Site;
use crate::diag::Diagnostic;
use crate::facts::Facts;
use serde::Serialize;

/// Options of the compliance rules (from the command line).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--privacy-all`: run the privacy lint on every record, not only the public texts of
    /// enforcement decisions, replies, opinion ledgers and consultation outcomes.
    pub privacy_all: bool,
}

/// What the rules look at.
pub(crate) struct Input<'a> {
    pub site: &'a Site,
    pub calendar: &'a Calendar,
    pub facts: &'a Facts,
    /// The build's date in the site's time zone.
    pub today: jiff::civil::Date,
    pub options: &'a Options,
}

/// The section of the compliance page an item belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Section {
    /// 逾期：late decisions, overdue replies, missing reports, late withdrawals.
    Overdue,
    /// 已撤下：withdrawn decisions and those past their display period.
    Withdrawn,
    /// 即将到期：display periods ending within 30 days, consultations closing soon, and what
    /// the kinds' clock hooks say is due soon (certificates, evaluations, spot-check results).
    ExpiringSoon,
    /// 缺项：catalogue categories and permit items missing.
    Missing,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Overdue,
        Section::Withdrawn,
        Section::ExpiringSoon,
        Section::Missing,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Section::Overdue => "逾期",
            Section::Withdrawn => "已撤下",
            Section::ExpiringSoon => "即将到期",
            Section::Missing => "缺项",
        }
    }

    pub fn help(self) -> &'static str {
        match self {
            Section::Overdue => "超过期限仍未完成的事项：请尽快处理。",
            Section::Withdrawn => "已从列表、搜索和订阅中撤下的执法决定（原网址只显示撤下说明）。",
            Section::ExpiringSoon => "30 日内公示期满的执法决定、到期的执法证和应完成的实施后评估，年内应公开的抽查结果，3 个工作日内截止的意见征集，以及（给出 --feedback-db 时）即将到期的政府信息公开申请。",
            Section::Missing => "必须公开但还没有内容的栏目和事项。",
        }
    }
}

/// One line of the compliance page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Item {
    pub section: Section,
    /// The date that matters (deadline, withdrawal date, end of display), when there is one.
    pub date: Option<jiff::civil::Date>,
    /// The record's file (site-relative), or empty for the site as a whole.
    pub file: String,
    pub title: String,
    /// What is due or what happened, in zh-CN.
    pub note: String,
}

/// The lists of the compliance page, sorted.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub items: Vec<Item>,
}

impl Summary {
    pub fn push(&mut self, item: Item) {
        self.items.push(item);
    }

    pub fn in_section(&self, s: Section) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.section == s)
    }
}

/// Run every compliance rule.
pub(crate) fn run(input: &Input) -> (Vec<Diagnostic>, Summary) {
    let mut diags = Vec::new();
    let mut summary = Summary::default();
    enforcement::check(input, &mut diags, &mut summary);
    privacy_lint::check(input, &mut diags);
    catalogue::check(input, &mut diags, &mut summary);
    decisions::check(input, &mut diags, &mut summary);
    git_history::check(input, &mut diags);
    ledgers::check(input, &mut diags);
    freshness::check(input, &mut diags, &mut summary);
    annual::check(input, &mut diags, &mut summary);
    summary.items.sort();
    summary.items.dedup();
    (diags, summary)
}

/// A consultation's opinion ledger (`opinions.jsonl` in its folder, as
/// [`crate::participation::ledger_dir`] finds it).
pub(crate) fn ledger_path(r: &crate::content::Record) -> Option<std::path::PathBuf> {
    (r.kind == crate::content::Kind::Consultation)
        .then(|| crate::participation::ledger_dir(r).join(crate::ledger::report::LEDGER_FILE))
}

/// Line and column of `needle` in the site's `site.toml`, searched after `after` (a key or
/// table name); (0, 0) when not found.
pub(crate) fn site_toml_pos(root: &std::path::Path, after: &str, needle: &str) -> (usize, usize) {
    let Ok(text) = std::fs::read_to_string(root.join("site.toml")) else {
        return (0, 0);
    };
    text.find(after)
        .and_then(|from| text[from..].find(needle).map(|i| from + i))
        .map_or((0, 0), |b| crate::pii::line_col(&text, b))
}

/// `2026年9月17日`.
pub(crate) fn date_zh(d: jiff::civil::Date) -> String {
    crate::content::view::date_text(d)
}

pub(crate) use crate::content::clock::{add_days, days_between};
