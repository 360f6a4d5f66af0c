//! The preview's one-record rebuild: when a single record file was edited, re-read that file,
//! check it, and produce only the outputs that can have changed — its own page, the search
//! index, the feeds and the open data, updated in place ([`crate::search::live`],
//! [`crate::export::live`]) — instead of planning and comparing every page of the site.
//!
//! What other pages take from a record (its [`projection`]: the list entry, the link title,
//! dates, listing state, attached files) is compared before and after the edit. When only the
//! list entry changed (a title, a summary) and not what decides where the record is listed,
//! its neighbours' pages, the pages linking to it ([`plan::links_to`]), the page of its
//! section's list, of the catalogue and of each catalogue facet it is on, and the home page
//! ([`plan::plan_lists_with`]) are planned again, and those whose view model changed are
//! rendered.
//! Anything else — a new or deleted file, a consultation (its window and state feed the home
//! page and the calendar), a procedure (permits embed its steps), a duty (its list order), a
//! free page (the footer links it), a changed date, category or organisation, an error,
//! another day — falls back to the full rebuild ([`Outcome::Fallback`] says why). The
//! integration test `tests/it/serve_patch.rs` compares a patched site with a full build, file by
//! file.

use crate::build::output::Content;
use crate::build::{BuildOptions, Reuse};
use crate::calendar::Calendar;
use crate::content::clock::ClockCx;
use crate::content::{self, Kind, Record, Site};
use crate::diag::{Diagnostic, Diagnostics};
use crate::facts::{BuildTime, Cx, Facts};
use crate::plan::{self, Output};
use crate::render::Renderer;
use crate::search::live::DocText;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

/// What the last successful preview build left for a one-record rebuild.
pub struct LastBuild {
    pub site: Site,
    pub calendar: Calendar,
    pub facts: Facts,
    /// Its warnings (and notes), sorted.
    pub warnings: Arc<Diagnostics>,
    pub renderer: Arc<Renderer>,
    pub now: jiff::Timestamp,
    pub drafts: bool,
    /// The exports kept up to date in place.
    pub live: crate::build::Live,
}

/// The outputs a one-record rebuild produced (the others are those of the last build).
pub struct Patched {
    /// Every output that may have changed, with its new bytes.
    pub files: Vec<(String, Content)>,
    pub warnings: Arc<Diagnostics>,
    /// Pages rendered.
    pub rendered: usize,
    pub records: usize,
    /// The pages planned, with their page cache keys ([`crate::build::pages`]), in the order
    /// planned.
    pub keys: Vec<(String, String)>,
    /// The search index was made again instead of updated in place (its files may not be
    /// the same ones: another shard count).
    pub search_remade: bool,
}

/// The result of trying a one-record rebuild.
pub enum Outcome {
    Patched(Patched),
    /// Do a full rebuild; the reason is for tests and the curious.
    Fallback(&'static str),
}

/// Kinds whose records other pages show only through their projection.
fn patchable(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Document | Kind::Enforcement | Kind::Reply | Kind::Duty | Kind::Fee | Kind::Permit
    )
}

/// What pages other than a record's own take from it: its entry in lists, the catalogue and
/// the home page, its link (title, URL) in neighbours, the site map and other records, the
/// dates the sitemap and feeds order by, whether it is listed, and the files copied with it.
fn projection(cx: Cx, r: &Record, own: &[Output]) -> Value {
    let facts = cx.facts;
    let copies: Vec<&str> = own
        .iter()
        .filter_map(|o| match o {
            Output::Copy { path, .. } => Some(path.as_str()),
            _ => None,
        })
        .collect();
    json!([
        plan::list_item(cx, r),
        r.common.updated.map(|d| d.to_string()),
        r.common.draft,
        crate::facts::listed(facts, r),
        copies,
    ])
}

/// The day of `now` in the site's time zone.
fn today(site: &Site, now: jiff::Timestamp) -> jiff::civil::Date {
    now.to_zoned_datetime(site.tz.clone()).date()
}

/// Try to rebuild after the edit of `changed` (site-relative paths of one batch of events),
/// from what the last [`crate::build::render_site_with`] left in `reuse`. On success `reuse`
/// describes the new site; on fallback it is unchanged.
pub fn apply(reuse: &mut Reuse, opts: &BuildOptions, changed: &[PathBuf]) -> Outcome {
    let Some(last) = reuse.last.as_mut() else {
        return Outcome::Fallback("no earlier build");
    };
    let pages = &reuse.pages;
    let unchanged = |path: &str, template: &str, ctx: &Value| {
        pages
            .get(path)
            .is_some_and(|(t, c, _)| t == template && c == ctx)
    };
    let outcome = apply_to(last, &unchanged, opts, changed);
    if matches!(outcome, Outcome::Patched(_)) {
        // The loader's cache holds the records as they are now.
        for rel in changed {
            if let Some(r) = last
                .site
                .records
                .iter()
                .find(|r| r.source.as_os_str() == rel.as_os_str())
            {
                reuse.records.remember(rel, r.clone());
            }
        }
    }
    outcome
}

/// [`apply`] on `last`; `unchanged(path, template, view model)` says whether the last build's
/// page at `path` is the one this template and view model make (list pages that are are not
/// rendered again).
pub(crate) fn apply_to(
    last: &mut LastBuild,
    unchanged: &dyn Fn(&str, &str, &Value) -> bool,
    opts: &BuildOptions,
    changed: &[PathBuf],
) -> Outcome {
    let t0 = std::time::Instant::now();
    // Editors save through a temporary file renamed over the real one: a path that is gone
    // and that the site never read (not a record, not a file a record attaches) is ignored.
    let live: Vec<&PathBuf> = changed
        .iter()
        .filter(|p| {
            last.site.root.join(p).exists()
                || last
                    .site
                    .records
                    .iter()
                    .any(|r| r.source == **p || attaches(r, p))
        })
        .collect();
    let [rel] = live.as_slice() else {
        return Outcome::Fallback("more than one path changed");
    };
    let rel: &PathBuf = rel;
    if opts.drafts != last.drafts {
        return Outcome::Fallback("options changed");
    }
    // The clock: the same day, and nothing whose pages change at a given hour (a
    // consultation opening or closing) changed (each kind's `clock_moved`).
    let site = &last.site;
    if today(site, opts.now) != today(site, last.now) {
        return Outcome::Fallback("another day");
    }
    if site
        .records
        .iter()
        .any(|r| r.data.clock_moved(&last.facts, r, opts.now, &site.tz))
    {
        return Outcome::Fallback("a consultation changed state");
    }
    let Some(index) = site
        .records
        .iter()
        .position(|r| r.source.as_os_str() == rel.as_os_str())
    else {
        return Outcome::Fallback("not a record file of the last build");
    };
    let old = site.records[index].clone();
    if !patchable(old.kind) {
        return Outcome::Fallback("a kind other pages show in full");
    }
    if !site.root.join(rel).is_file() {
        return Outcome::Fallback("the file is gone");
    }
    let new = match content::load::reload(
        &site.root,
        &old,
        &site.config.base_path(),
        &site.tz,
        &site.config.limits,
        Some(crate::build::privacy_prescan),
    ) {
        Ok(r) => Arc::new(r),
        Err(_) => return Outcome::Fallback("the file has errors"),
    };
    if new.common.draft && !opts.drafts {
        return Outcome::Fallback("the record became a draft");
    }
    crate::build::phase("patch: reloaded", t0);
    let Some(next_site) = site.with_record(index, new.clone()) else {
        return Outcome::Fallback("its place in the order changed");
    };
    let time = BuildTime { now: opts.now };
    let key = new.key();

    // The record's clock facts (its kind's clock hook), before and after the edit. The
    // record it points to decides which other page lists it (a 复议 decision's
    // 「复议情况」).
    let mut clock_diags = Vec::new();
    let old_points_to = old
        .data
        .clock(
            &ClockCx::new(site, &last.calendar, opts.now),
            &old,
            &mut Vec::new(),
        )
        .reviews;
    let mut new_clock = new.data.clock(
        &ClockCx::new(&next_site, &last.calendar, opts.now),
        &new,
        &mut clock_diags,
    );
    if new_clock.reviews.take() != old_points_to {
        return Outcome::Fallback("the decision a review decision reviews changed");
    }
    // The document an interpretation names lists it (「政策解读」).
    if content::kinds::document::interprets(&old) != content::kinds::document::interprets(&new) {
        return Outcome::Fallback("the document an interpretation interprets changed");
    }
    let old_cx = Cx::new(site, &last.facts, &time);
    let old_own = plan::one_record(old_cx, &old);
    let old_view = projection(old_cx, &old, &old_own);
    let old_clock = last.facts.set(&new, new_clock);
    let new_cx = Cx::new(&next_site, &last.facts, &time);
    let new_own = plan::one_record(new_cx, &new);
    let new_view = projection(new_cx, &new, &new_own);
    // What other pages see must not have changed, or only its list entry (a title, a
    // summary…): then the pages that show entries or links are planned again too.
    let entry_changed = old_view != new_view;
    let restore = |facts: &mut Facts| {
        facts.set(&old, old_clock.clone());
    };
    if entry_changed && !only_the_entry(&old, &new, &old_view, &new_view) {
        restore(&mut last.facts);
        return Outcome::Fallback("what other pages show of it changed");
    }

    crate::build::phase("patch: projection compared", t0);
    // The rules: every file-level and cross-record rule of the loader, and the compliance
    // rules of this record; diagnostics of other files are those of the last build.
    if !content::validate::same_unique_values(&old, &new) {
        restore(&mut last.facts);
        return Outcome::Fallback("a number other records are checked against changed");
    }
    let mut diags: Vec<Diagnostic> =
        content::validate::validate_one(&next_site.root, &next_site.config, &new, &next_site.keys);
    diags.extend(clock_diags);
    crate::build::phase("patch: site rules", t0);
    let one = next_site.subset(vec![new.clone()]);
    let (cds, _) = crate::compliance::run(&crate::compliance::Input {
        site: &one,
        calendar: &last.calendar,
        facts: &last.facts,
        today: today(site, opts.now),
        options: &crate::compliance::Options::default(),
    });
    diags.extend(cds.into_iter().filter(|d| d.file == *rel));
    crate::build::phase("patch: compliance rules", t0);
    if diags.iter().any(Diagnostic::is_error) {
        restore(&mut last.facts);
        return Outcome::Fallback("the file has errors");
    }
    // The site's warnings with this file's replaced (the same list when they did not change,
    // as after most edits).
    let mut diags: Diagnostics = diags.into_iter().collect();
    diags.sort();
    let before: Vec<&Diagnostic> = last.warnings.iter().filter(|d| d.file == *rel).collect();
    let warnings =
        if before.len() == diags.len() && before.iter().zip(diags.iter()).all(|(a, b)| *a == b) {
            last.warnings.clone()
        } else {
            let mut all: Diagnostics = last
                .warnings
                .iter()
                .filter(|d| d.file != *rel)
                .cloned()
                .collect();
            all.extend(diags.iter().cloned());
            all.sort();
            Arc::new(all)
        };
    crate::build::phase("patch: warnings merged", t0);
    // The outputs that can have changed.
    let mut outputs = new_own;
    // (Whether the record is in the index is part of its projection: the same as before.)
    let in_index = crate::export::exported(&last.facts, &new);
    let mut search_remade = false;
    let updated = last
        .live
        .search
        .as_mut()
        .filter(|_| in_index)
        .and_then(|index| {
            index.update(
                DocText {
                    doc: &plan::search_doc(site, &last.facts, &old),
                    body: &plan::search_text(&old),
                },
                DocText {
                    doc: &plan::search_doc(&next_site, &last.facts, &new),
                    body: &plan::search_text(&new),
                },
            )
        });
    match updated {
        _ if !in_index => {}
        Some(files) => outputs.extend(files.into_iter().map(|f| Output::Bytes {
            path: f.path,
            bytes: f.bytes,
        })),
        // Not in place: the index is made again (and kept).
        None => {
            search_remade = true;
            plan::search_outputs_live(
                Cx::new(&next_site, &last.facts, &time),
                &mut last.live.search,
                &mut |o| outputs.push(o),
            )
        }
    }
    crate::build::phase("patch: search index", t0);
    let exports = &mut last.live.exports;
    let cx = Cx::new(&next_site, &last.facts, &time);
    match exports.update(cx, &new) {
        Some(files) => outputs.extend(files),
        None => outputs.extend(exports.remake(cx)),
    }
    crate::build::phase("patch: feeds and open data", t0);
    if entry_changed {
        // Its neighbours' pages, the pages that link to it, and the list, catalogue and home
        // pages it is on; those whose view model is the one last rendered are left as they
        // are.
        let cx = Cx::new(&next_site, &last.facts, &time);
        let (prev, next) = plan::neighbours(cx, &new);
        let others = next_site
            .records
            .iter()
            .filter(|x| plan::links_to(&next_site, x, &key))
            .map(|x| &**x);
        for x in prev.into_iter().chain(next).chain(others) {
            outputs.extend(plan::one_record(cx, x));
        }
        outputs.extend(
            plan::plan_lists_with(cx, &new)
                .into_iter()
                .filter(|o| match o {
                    Output::Page {
                        path,
                        template,
                        ctx,
                    } => !unchanged(path, template, ctx),
                    _ => true,
                }),
        );
        crate::build::phase("patch: lists planned", t0);
    }
    let keys = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Page {
                path,
                template,
                ctx,
            } => Some((path.clone(), crate::build::pages::key_of(template, ctx)?)),
            _ => None,
        })
        .collect();
    // Rendered as the full build renders (the same step, without its page reuse).
    let crate::build::pipeline::Made {
        files,
        rendered,
        failed,
    } = crate::build::pipeline::render_outputs(&last.renderer, &next_site.root, outputs, None);
    if !failed.is_empty() {
        restore(&mut last.facts);
        return Outcome::Fallback("a template failed");
    }
    crate::build::phase("patch: rendered", t0);
    let records = next_site.records.len();
    last.site = next_site;
    last.warnings = warnings.clone();
    last.now = opts.now;
    Outcome::Patched(Patched {
        files,
        warnings,
        rendered,
        records,
        keys,
        search_remade,
    })
}

/// Did the edit change only the record's list entry (its title, summary, the fields shown in
/// lists), with its dates, listing state, attachments, and everything that decides which list,
/// catalogue facet and place it is in, the same?
fn only_the_entry(old: &Record, new: &Record, old_view: &Value, new_view: &Value) -> bool {
    let rest = |v: &Value| {
        v.as_array()
            .map(|a| a.iter().skip(1).cloned().collect::<Vec<_>>())
    };
    old.kind != Kind::Duty
        && rest(old_view) == rest(new_view)
        && old.common.category == new.common.category
        && old.common.organization == new.common.organization
}

/// Does `r` attach the site-relative file `p` (or is `p` a folder holding something of it)?
fn attaches(r: &Record, p: &std::path::Path) -> bool {
    r.dir.starts_with(p) || plan::attached_files(r).iter().any(|f| r.dir.join(f) == p)
}
