//! `gongshi check`: every check, no output folder; text for staff or JSON for CI, and an
//! optional HTML report page.

use super::{default_tz, parse_now, Global};
use crate::build::{self, BuildOptions};
use crate::cli::{CheckArgs, Format};
use crate::diag;
use crate::error::Error;

pub(super) fn run(a: CheckArgs, g: Global) -> Result<(), Error> {
    let now = parse_now(a.now.as_deref())?;
    let opts = BuildOptions {
        root: a.root,
        out: None,
        now,
        drafts: a.drafts,
        strict: a.strict,
        feedback_db: a.feedback_db,
    };
    let mut report = build::check_report(
        &opts,
        &crate::compliance::Options {
            privacy_all: a.privacy_all,
        },
    );
    // Requests for information live only in the receiver's database: without it, nothing
    // is said about them.
    if let (Some(db), Some(checked)) = (&opts.feedback_db, &report.checked) {
        let today = now.to_zoned_datetime(checked.site.tz.clone()).date();
        let found = crate::feedback::requests::due::diagnostics(
            &db.to_string_lossy(),
            &checked.calendar,
            today,
            a.requests_within,
        );
        if !found.is_empty() {
            report.add_requests(found, a.strict);
        }
    }
    match a.format {
        Format::Json => println!("{}", diag::render_json(&report.diags)),
        Format::Text => print!("{}", diag::render_text(&report.diags)),
    }
    if let Some(path) = a.html {
        let tz = report
            .checked
            .as_ref()
            .map(|c| c.site.tz.clone())
            .unwrap_or_else(default_tz);
        let root_name = opts.root.display().to_string();
        let page = crate::compliance::page::render(
            &crate::compliance::page::PageInfo {
                site: report.site_title.as_deref().unwrap_or(&root_name),
                checked_at: &crate::content::view::datetime_text(now, &tz),
                strict: a.strict,
                failed: report.failed,
            },
            &report.summary,
            &report.diags,
        );
        if let Err(e) = std::fs::write(&path, page) {
            return Err(Error::Usage(format!(
                "无法写入合规检查页 {}：{e}",
                path.display()
            )));
        }
        if !g.quiet {
            eprintln!("合规检查页已写入 {}", path.display());
        }
    }
    if report.failed {
        Err(Error::Reported(1))
    } else {
        Ok(())
    }
}
