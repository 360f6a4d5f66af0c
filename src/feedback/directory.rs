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
}
