//! What the receiver needs to know about the site: implemented by the content loader.

use jiff::Timestamp;

/// One consultation's comment window, as the site build computes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationWindow {
    pub id: String,
    pub title: String,
    /// First instant at which comments are accepted.
    pub opens: Timestamp,
    /// First instant at which comments are refused (`opens <= now < closes`).
    pub closes: Timestamp,
    pub withdrawn: bool,
}

impl ConsultationWindow {
    /// Whether a comment received at `now` is accepted.
    pub fn is_open_at(&self, now: Timestamp) -> bool {
        !self.withdrawn && self.opens <= now && now < self.closes
    }
}

/// The site as the receiver sees it. Implementations must be cheap to call
/// (cache the loaded content); `consultation` is called once per comment.
pub trait Directory: Send + Sync {
    fn consultation(&self, id: &str) -> Option<ConsultationWindow>;
    fn site_title(&self) -> String;
    /// The site time zone (receipt dates, RFC 3339 offsets). Default: Asia/Shanghai.
    fn time_zone(&self) -> jiff::tz::TimeZone {
        super::model::default_time_zone()
    }
    /// Every consultation's window (for logging what a reload changed). Default: none.
    fn consultations(&self) -> Vec<ConsultationWindow> {
        Vec::new()
    }
    /// The first content error found when this directory was loaded, if any. A reload that
    /// finds one keeps the windows in use ([`super::reload`]).
    fn content_error(&self) -> Option<String> {
        None
    }
    /// The consultations whose outcome is published (concluded), when known.
    fn concluded(&self) -> Option<Vec<String>> {
        None
    }
    /// Where a receipt stands in the consultation's ledger in the site's content (what the
    /// build publishes). Default: unknown.
    fn ledger_status(&self, _consultation: &str, _receipt: &str) -> LedgerStatus {
        LedgerStatus::Unknown
    }
    /// The site's frame for the receiver's pages (see [`super::html::Frame`]). Default: none
    /// (plain pages).
    fn frame(&self) -> Option<std::sync::Arc<super::html::Frame>> {
        None
    }
    /// The address of a consultation's page on the site (a receipt links back to it).
    /// Default: unknown.
    fn consultation_url(&self, _id: &str) -> Option<String> {
        None
    }
    /// The published records for the search without scripts (`GET /feedback/search`).
    /// Default: none (the receiver then points to the catalogue).
    fn search(&self) -> Option<std::sync::Arc<super::search::SearchList>> {
        None
    }
}

/// A receipt against the consultation's published ledger (`opinions.jsonl`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerStatus {
    /// The directory cannot tell (no site, unreadable ledger).
    Unknown,
    /// In the ledger with this hash, at this line (1-based); `count` lines in all.
    Listed { hash: String, seq: u64, count: u64 },
    /// Not in the ledger, which has `count` lines (0: no ledger yet).
    Missing { count: u64 },
}

/// A fixed, in-memory directory (tests, tools).
#[derive(Debug, Clone, Default)]
pub struct StaticDirectory {
    pub title: String,
    pub consultations: Vec<ConsultationWindow>,
}

impl Directory for StaticDirectory {
    fn consultation(&self, id: &str) -> Option<ConsultationWindow> {
        self.consultations.iter().find(|c| c.id == id).cloned()
    }
    fn site_title(&self) -> String {
        self.title.clone()
    }
    fn consultations(&self) -> Vec<ConsultationWindow> {
        self.consultations.clone()
    }
}
