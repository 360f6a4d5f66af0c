//! The receiver's view of the site: consultation windows computed by the same loader and
//! calendar as the build, so "is this consultation open?" has one answer; which consultations
//! are concluded; and where a receipt stands in the consultation's ledger.

use super::directory::{ConsultationWindow, Directory, LedgerStatus, StaticDirectory};
use super::html::{Frame, TITLE_MARK};
use crate::calendar::Calendar;
use crate::content::{self, Data, LoadOptions};
use crate::diag::{self, Diagnostics};
use crate::facts::BuildTime;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The site as loaded from `root`.
pub struct SiteDirectory {
    windows: StaticDirectory,
    time_zone: jiff::tz::TimeZone,
    concluded: Vec<String>,
    /// Consultation id → its ledger file.
    ledgers: BTreeMap<String, PathBuf>,
    /// The first error the loader or the window computation reported.
    error: Option<String>,
    /// The site's frame for the receiver's pages (none when the theme cannot render it).
    frame: Option<Arc<Frame>>,
    /// Consultation id → the address of its page.
    urls: BTreeMap<String, String>,
    /// The published records, for the search without scripts.
    search: Arc<super::search::SearchList>,
}

/// Render the theme's `receipt.html` with the site's header, navigation and footer; `None`
/// when the theme cannot be loaded or rendered (the receiver then serves plain pages).
fn receiver_frame(site: &content::Site) -> Option<Frame> {
    let theme = crate::render::Theme::load(&site.root, &site.config.theme).ok()?;
    let renderer = crate::render::Renderer::new(&theme).ok()?;
    let ctx = crate::plan::receiver_frame_ctx(site, TITLE_MARK);
    let html = renderer.render_owned("receipt.html", ctx).ok()?;
    Frame::split(&html)
}

impl SiteDirectory {
    /// The windows, for comparing two loads.
    pub fn windows(&self) -> &[ConsultationWindow] {
        &self.windows.consultations
    }
}

impl Directory for SiteDirectory {
    fn consultation(&self, id: &str) -> Option<ConsultationWindow> {
        self.windows.consultation(id)
    }
    fn site_title(&self) -> String {
        self.windows.site_title()
    }
    fn time_zone(&self) -> jiff::tz::TimeZone {
        self.time_zone.clone()
    }
    fn consultations(&self) -> Vec<ConsultationWindow> {
        self.windows.consultations.clone()
    }
    fn concluded(&self) -> Option<Vec<String>> {
        Some(self.concluded.clone())
    }
    fn content_error(&self) -> Option<String> {
        self.error.clone()
    }
    fn frame(&self) -> Option<Arc<Frame>> {
        self.frame.clone()
    }
    fn consultation_url(&self, id: &str) -> Option<String> {
        self.urls.get(id).cloned()
    }
    fn search(&self) -> Option<Arc<super::search::SearchList>> {
        Some(self.search.clone())
    }
    fn ledger_status(&self, consultation: &str, receipt: &str) -> LedgerStatus {
        let Some(path) = self.ledgers.get(consultation) else {
            return LedgerStatus::Unknown;
        };
        if !path.is_file() {
            return LedgerStatus::Missing { count: 0 };
        }
        match super::report::load_ledger(path) {
            Ok(entries) => {
                let count = entries.len() as u64;
                match entries.into_iter().find(|e| e.receipt == receipt) {
                    Some(e) => LedgerStatus::Listed {
                        hash: e.hash,
                        seq: e.seq,
                        count,
                    },
                    None => LedgerStatus::Missing { count },
                }
            }
            Err(_) => LedgerStatus::Unknown,
        }
    }
}

/// Load the site under `root`: its consultations' windows, conclusions and ledgers.
pub fn load_site_directory(root: &Path) -> Result<SiteDirectory, String> {
    let (site, load_diags) =
        content::load_site(root, &LoadOptions::default()).map_err(|ds| diag::render_text(&ds))?;
    let cal = Calendar::load(root)
        .map_err(|ds| diag::render_text(&ds.into_iter().collect::<Diagnostics>()))?;
    let time = BuildTime {
        now: jiff::Timestamp::now(),
    };
    let (facts, fact_diags) = crate::facts::facts(&site, &cal, &time);
    let error = load_diags
        .iter()
        .chain(fact_diags.iter())
        .find(|d| d.is_error())
        .map(|d| {
            diag::render_one(d)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string()
        });
    let mut consultations = Vec::new();
    let mut concluded = Vec::new();
    let mut ledgers = BTreeMap::new();
    for r in site.records.iter() {
        let Data::Consultation(c) = &r.data else {
            continue;
        };
        if c.outcome.is_some() {
            concluded.push(r.id.clone());
        }
        ledgers.insert(
            r.id.clone(),
            site.root
                .join(crate::participation::ledger_dir(r))
                .join(super::report::LEDGER_FILE),
        );
        if let Some((w, _)) = facts.windows.get(&r.key()) {
            consultations.push(ConsultationWindow {
                id: r.id.clone(),
                title: r.common.title.clone(),
                opens: w.opens,
                closes: w.closes,
                withdrawn: c.withdrawn.is_some(),
            });
        } else if c.historical {
            // Held before the site, without both dates: known (its paper opinions can be
            // added), never open to the form.
            consultations.push(ConsultationWindow {
                id: r.id.clone(),
                title: r.common.title.clone(),
                opens: jiff::Timestamp::UNIX_EPOCH,
                closes: jiff::Timestamp::UNIX_EPOCH,
                withdrawn: c.withdrawn.is_some(),
            });
        }
    }
    let urls = site
        .of_kind(crate::content::Kind::Consultation)
        .map(|r| (r.id.clone(), crate::urls::record_url(&site, r)))
        .collect();
    let frame = receiver_frame(&site).map(Arc::new);
    let search = Arc::new(super::search::SearchList::build(&site, &facts));
    Ok(SiteDirectory {
        frame,
        urls,
        search,
        windows: StaticDirectory {
            title: site.config.title.clone(),
            consultations,
        },
        time_zone: site.tz.clone(),
        concluded,
        ledgers,
        error,
    })
}

/// Load the site under `root` and list its consultations' windows.
pub fn load_directory(root: &Path) -> Result<Arc<dyn Directory>, String> {
    Ok(Arc::new(load_site_directory(root)?))
}
