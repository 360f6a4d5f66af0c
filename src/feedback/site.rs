//! The receiver's view of the site: consultation windows computed by the same loader and
//! calendar as the build, so "is this consultation open?" has one answer.

use super::directory::{ConsultationWindow, Directory, StaticDirectory};
use crate::calendar::Calendar;
use crate::content::{self, Data, LoadOptions};
use crate::diag::{self, Diagnostics};
use crate::plan::{self, BuildTime};
use std::path::Path;
use std::sync::Arc;

/// Load the site under `root` and list its consultations' windows.
pub fn load_directory(root: &Path) -> Result<Arc<dyn Directory>, String> {
    let (site, _) = content::load_site(root, &LoadOptions { drafts: false })
        .map_err(|ds| diag::render_text(&ds))?;
    let cal = Calendar::load(root)
        .map_err(|ds| diag::render_text(&ds.into_iter().collect::<Diagnostics>()))?;
    let time = BuildTime {
        now: jiff::Timestamp::now(),
    };
    let (facts, _) = plan::facts(&site, &cal, &time);
    let consultations = site
        .records
        .iter()
        .filter_map(|r| match &r.data {
            Data::Consultation(c) => facts
                .windows
                .get(&r.key())
                .map(|(w, _)| ConsultationWindow {
                    id: r.id.clone(),
                    title: r.common.title.clone(),
                    opens: w.opens,
                    closes: w.closes,
                    withdrawn: c.withdrawn.is_some(),
                }),
            _ => None,
        })
        .collect();
    Ok(Arc::new(StaticDirectory {
        title: site.config.title.clone(),
        consultations,
    }))
}
