//! The build: load → validate → facts → compliance ([`check`], here), then plan → export →
//! render → output ([`pipeline`]) into a staging folder or memory. This file holds the types
//! and the check; `cache.rs` (the build memo) and `patch.rs` (the preview's one-record
//! rebuild) are layers over the pipeline. docs/dev/architecture.md has the map.

pub mod cache;
mod history_cache;
pub mod output;
pub mod pages;
pub mod patch;
pub(crate) mod pipeline;
pub(crate) mod snapshot;
mod stat;

pub use pages::CacheOptions;
pub use pipeline::{build, build_with, plan_site, render_site, render_site_with};

use crate::calendar::Calendar;
use crate::compliance;
use crate::content::load::LoadCache;
use crate::content::{self, LoadOptions, Site};
use crate::diag::{Code, Diagnostics};
use crate::facts::{BuildTime, Facts};
use crate::render::Renderer;
use output::Content;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Phase timings on stderr when `GONGSHI_TIMINGS` is set (for profiling; no effect otherwise).
pub(crate) fn phase(name: &str, since: Instant) {
    if std::env::var_os("GONGSHI_TIMINGS").is_some() {
        // Peak and current memory, where the system says (Linux).
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let (hwm, rss) = (field("VmHWM:"), field("VmRSS:"));
        // CPU time of the whole process so far (user + system), in clock ticks (Linux).
        let cpu = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| {
                let rest = s.rsplit_once(')')?.1;
                let f: Vec<&str> = rest.split_whitespace().collect();
                let u: u64 = f.get(11)?.parse().ok()?;
                let k: u64 = f.get(12)?.parse().ok()?;
                Some(format!(", CPU so far {} ms", (u + k) * 10))
            })
            .unwrap_or_default();
        eprintln!(
            "[timing] {name}: {} ms (peak RSS {hwm}, now {rss}{cpu})",
            since.elapsed().as_millis()
        );
    }
}

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder (default `root/public`).
    pub out: Option<PathBuf>,
    /// The build's clock (`--now`); the caller reads the real clock once when absent.
    pub now: jiff::Timestamp,
    pub drafts: bool,
    /// Treat warnings as errors.
    pub strict: bool,
    /// The feedback receiver's database (`--feedback-db`, read only): the completeness rules
    /// compare each ledger with the receiver's chain, and `consultations/heads.json` publishes
    /// the receiver's heads. A build given it never uses the build memo.
    pub feedback_db: Option<PathBuf>,
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct BuildReport {
    pub records: usize,
    pub pages: usize,
    pub files: usize,
    pub written: usize,
    pub bytes: u64,
    pub millis: u128,
    pub warnings: Diagnostics,
    pub out: PathBuf,
    /// Pages rendered (the others were linked from the previous output by the page cache).
    pub rendered: usize,
    /// With a usable page cache, the pages rendered again, in the order planned (none when
    /// the build memo answered); None when there was no usable page cache.
    pub rerendered: Option<Vec<String>>,
    /// Notes for the user (a page cache that could not be used, and why).
    pub notes: Vec<String>,
    /// The build patched the last build's snapshot after a one-record edit instead of
    /// loading the whole site (`build/snapshot.rs`).
    pub patched: bool,
}

/// Why a build did not publish.
#[derive(Debug)]
pub enum BuildError {
    /// Problems in the site's files (all of them).
    Content(Diagnostics),
    /// A file could not be written; the previous output is intact.
    Io(String),
}

/// A loaded, checked site with its clock-dependent facts.
pub struct Checked {
    pub site: Site,
    pub calendar: Calendar,
    pub facts: Facts,
    pub diags: Diagnostics,
}

/// Everything `gongshi check` reports: the diagnostics, whether they fail the check, the lists
/// of the compliance page, and the checked site when it could be loaded.
pub struct CheckReport {
    /// The loaded site (None when it could not be loaded or the calendar is missing).
    pub checked: Option<Checked>,
    /// Every diagnostic, sorted.
    pub diags: Diagnostics,
    /// Errors, or warnings under `--strict`.
    pub failed: bool,
    pub summary: compliance::Summary,
    /// The site's title, when the site could be loaded.
    pub site_title: Option<String>,
}

impl CheckReport {
    fn failed_with(diags: Diagnostics) -> CheckReport {
        CheckReport {
            checked: None,
            failed: true,
            diags,
            summary: compliance::Summary::default(),
            site_title: None,
        }
    }

    /// Adds `check`'s findings about requests for information (from the receiver's database,
    /// [`crate::feedback::requests::due::diagnostics`]): overdue ones also under 逾期 and those
    /// due soon under 即将到期 on the compliance page.
    pub fn add_requests(&mut self, found: Vec<crate::diag::Diagnostic>, strict: bool) {
        use compliance::{Item, Section};
        for d in &found {
            let section = match d.code {
                Code::RequestsOverdue => Section::Overdue,
                Code::RequestsDueSoon => Section::ExpiringSoon,
                _ => continue,
            };
            self.summary.push(Item {
                section,
                date: None,
                file: d.file.to_string_lossy().replace('\\', "/"),
                title: "政府信息公开申请".into(),
                note: d.message.to_string(),
            });
        }
        self.summary.items.sort();
        self.diags.extend(found);
        self.diags.sort();
        self.failed =
            self.failed || self.diags.has_errors() || (strict && self.diags.has_problems());
    }

    fn into_result(self) -> Result<Checked, Diagnostics> {
        match self.checked {
            Some(c) if !self.failed => Ok(c),
            _ => Err(self.diags),
        }
    }
}

/// The loader's options for a build: drafts as asked, and the privacy lint's pre-scan run on
/// each record file while it is parsed.
fn load_options(opts: &BuildOptions) -> LoadOptions {
    LoadOptions {
        drafts: opts.drafts,
        prescan: Some(privacy_prescan),
    }
}

/// The privacy lint's pre-scan of a record file ([`compliance::privacy_lint::prescan`]), the
/// loader's [`content::load::Prescan`] hook.
pub(crate) fn privacy_prescan(r: &content::load::RawRecord) -> bool {
    // The body as the lint reads it: a YAML record's `body:` as written, not as checked.
    let (body, line) = compliance::fields::body_of(r.is_md, r.parts, r.node);
    compliance::privacy_lint::prescan(r.kind, r.node, body, line)
}

/// Load, validate and derive facts: every rule runs, nothing is written.
pub fn check(opts: &BuildOptions) -> Result<Checked, Diagnostics> {
    check_report(opts, &compliance::Options::default()).into_result()
}

/// [`check`] for a build whose cache folder is `dir` (see [`HistoryCache`]).
pub(crate) fn check_in(
    opts: &BuildOptions,
    dir: &Path,
    trust: bool,
) -> Result<Checked, Diagnostics> {
    check_report_with(opts, &compliance::Options::default(), Some((dir, trust))).into_result()
}

/// [`check`] with the compliance options, returning the full report (also when it fails).
///
/// Every rule that can run does: when some records do not load (a schema error), the rules
/// that need a loaded site still run on the others, and the files that did not load still get
/// the privacy lint's number and name checks on their raw values, so a clerk sees every
/// problem in one round. Such a report never carries a site to build.
pub fn check_report(opts: &BuildOptions, copts: &compliance::Options) -> CheckReport {
    check_report_with(opts, copts, None)
}

/// Where a check reads the git history: the cache folder holding the history of an earlier
/// build ([`history_cache`]) and whether its contents may be used (`--no-cache`: only
/// written); None: from git alone.
type HistoryCache<'a> = Option<(&'a Path, bool)>;

/// [`check_report`], with the git history read through the cache folder.
fn check_report_with(
    opts: &BuildOptions,
    copts: &compliance::Options,
    history: HistoryCache,
) -> CheckReport {
    let loaded = content::load_site_lenient(
        &opts.root,
        &load_options(opts),
        &mut content::load::LoadCache::default(),
    );
    match loaded {
        Ok((site, diags)) if !diags.has_errors() => {
            finish_report(opts, copts, site, diags, history)
        }
        Ok((site, diags)) => partial_report(opts, copts, site, diags, history),
        Err(ds) => CheckReport::failed_with(ds),
    }
}

/// The report of a site some of whose records did not load: the rules on the rest, less the
/// site-wide findings the missing records could change, plus the raw privacy lint of the
/// files that did not load.
fn partial_report(
    opts: &BuildOptions,
    copts: &compliance::Options,
    site: Site,
    diags: Diagnostics,
    history: HistoryCache,
) -> CheckReport {
    let loaded: std::collections::HashSet<std::path::PathBuf> =
        site.records.iter().map(|r| r.source.clone()).collect();
    // The record files with errors that did not load, with their kind.
    let mut failed: Vec<(std::path::PathBuf, content::Kind)> = diags
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .filter(|d| !loaded.contains(&d.file))
        .filter_map(|d| {
            let mut parts = d.file.components();
            (parts.next()?.as_os_str() == "content").then_some(())?;
            let folder = parts.next()?.as_os_str().to_str()?;
            Some((d.file.clone(), content::Kind::from_folder(folder)?))
        })
        .collect();
    failed.sort();
    failed.dedup();
    let failed_folders: std::collections::HashSet<String> = failed
        .iter()
        .map(|(_, k)| format!("content/{}", k.folder()))
        .collect();
    let config = site.config.clone();
    let mut report = finish_report(opts, copts, site, diags, history);
    let mut kept: Diagnostics = report
        .diags
        .into_iter()
        .filter(|d| match d.code {
            // The records that did not load may be what the category or the freshness needs.
            Code::CatalogueMissingCategory => {
                !failed_folders.contains(&d.file.to_string_lossy().replace('\\', "/"))
            }
            Code::FreshnessStale => failed.is_empty(),
            _ => true,
        })
        .collect();
    // Read as the loader reads records: a regular file inside the content folder (never a
    // link, which could show another file's text in the findings; never a named pipe, which
    // would block), within the size limit.
    let content_root = opts.root.join("content").canonicalize().ok();
    for (file, kind) in &failed {
        let path = opts.root.join(file);
        let inside = match (&content_root, path.canonicalize()) {
            (Some(root), Ok(real)) => real.starts_with(root),
            _ => false,
        };
        if !inside {
            continue;
        }
        let Ok(bytes) = content::load::read_record(&path, file, &config.limits) else {
            continue;
        };
        if let Ok(text) = String::from_utf8(bytes) {
            kept.extend(compliance::privacy_lint::lint_unloaded(
                &config, *kind, file, &text,
            ));
        }
    }
    kept.sort();
    report.diags = kept;
    report.failed = true;
    report.checked = None;
    report
}

/// The calendar and the clock-dependent facts of a loaded site.
fn finish_check(
    opts: &BuildOptions,
    site: Site,
    diags: Diagnostics,
) -> Result<Checked, Diagnostics> {
    finish_report(opts, &compliance::Options::default(), site, diags, None).into_result()
}

/// The calendar, the clock-dependent facts, the git history and the compliance rules of a
/// loaded site.
fn finish_report(
    opts: &BuildOptions,
    copts: &compliance::Options,
    site: Site,
    mut diags: Diagnostics,
    history: HistoryCache,
) -> CheckReport {
    let calendar = match Calendar::load(&opts.root) {
        Ok(c) => c,
        Err(ds) => {
            diags.extend(ds);
            diags.sort();
            return CheckReport::failed_with(diags);
        }
    };
    let time = BuildTime { now: opts.now };
    let (mut facts, ds) = crate::facts::facts(&site, &calendar, &time);
    diags.extend(ds);
    facts.history = match history {
        Some((dir, trust)) => history_cache::read(dir, &site.root, trust),
        None => crate::history::collect(&site.root),
    };
    if let Some(db) = &opts.feedback_db {
        facts.anchors.receiver = Some(crate::feedback::anchor::receiver_chains(db));
    }
    let (ds, summary) = compliance::run(&compliance::Input {
        site: &site,
        calendar: &calendar,
        facts: &facts,
        today: opts.now.to_zoned_datetime(site.tz.clone()).date(),
        options: copts,
    });
    diags.extend(ds);
    diags.sort();
    let failed = diags.has_errors() || (opts.strict && diags.has_problems());
    let site_title = Some(site.config.title.clone());
    CheckReport {
        checked: Some(Checked {
            site,
            calendar,
            facts,
            diags: diags.clone(),
        }),
        diags,
        failed,
        summary,
        site_title,
    }
}

/// A rendered site held in memory: every output file, sorted by path.
pub struct Rendered {
    pub files: Vec<(String, Content)>,
    pub records: usize,
    pub pages: usize,
    pub warnings: Diagnostics,
    pub root: PathBuf,
    /// The site's base path (`/`, or `/sub/` when `base_url` has a path).
    pub base_path: String,
}

/// What a preview build keeps to update its search index and exports after a one-record
/// edit ([`patch`]).
#[derive(Default)]
pub struct Live {
    pub search: Option<crate::search::live::LiveIndex>,
    pub exports: crate::export::live::LiveExports,
}

/// The pages of the last preview build: path → (template, view model, bytes).
pub(crate) type RenderedPages = HashMap<String, (String, serde_json::Value, std::sync::Arc<[u8]>)>;

/// What an earlier build of the same site left for the next one (the preview server keeps
/// one; `build` uses none). Every reuse is checked, not trusted: a record file is read again
/// when [`LoadCache::forget`] was told it changed; a page is rendered again unless its template
/// name, its view model and the whole theme are equal to those it was rendered from.
#[derive(Default)]
pub struct Reuse {
    pub records: LoadCache,
    renderer: Option<(u64, std::sync::Arc<Renderer>)>,
    pub(crate) pages: RenderedPages,
    /// Pages rendered by the last build (the others were reused).
    pub last_rendered: usize,
    /// The last successful build's site and facts, for one-record rebuilds
    /// ([`crate::build::patch`]).
    pub(crate) last: Option<crate::build::patch::LastBuild>,
}

impl Reuse {
    /// Forget everything (the next build is a full one).
    pub fn clear(&mut self) {
        *self = Reuse::default();
    }
}

/// Load the site, reading again only what `reuse` does not hold.
fn check_reusing(opts: &BuildOptions, cache: &mut LoadCache) -> Result<Checked, Diagnostics> {
    let (site, diags) = content::load_site_cached(&opts.root, &load_options(opts), cache)?;
    finish_check(opts, site, diags)
}

/// The example site (the repository itself) as the tests build it.
#[cfg(test)]
pub(crate) fn example_options() -> BuildOptions {
    BuildOptions {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        out: None,
        now: "2026-11-25T10:00:00+08:00"
            .parse()
            .unwrap_or_else(|e| panic!("{e}")),
        drafts: false,
        strict: false,
        feedback_db: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(files: &[(String, Content)]) -> Vec<(String, Vec<u8>)> {
        files
            .iter()
            .map(|(p, c)| {
                let b = match c {
                    Content::Bytes(b) => b.clone(),
                    Content::Shared(b) => b.to_vec(),
                    Content::Copy(f) | Content::Linked(f) => std::fs::read(f).unwrap_or_default(),
                };
                (p.clone(), b)
            })
            .collect()
    }

    #[test]
    fn reusing_an_earlier_build_gives_the_same_bytes_and_renders_nothing_new() {
        let opts = example_options();
        let plain = render_site(&opts, &|_, _| {}).unwrap_or_else(|_| panic!("build failed"));
        let mut reuse = Reuse::default();
        let first = render_site_with(&opts, &|_, _| {}, Some(&mut reuse))
            .unwrap_or_else(|_| panic!("build failed"));
        assert_eq!(reuse.last_rendered, plain.pages);
        let second = render_site_with(&opts, &|_, _| {}, Some(&mut reuse))
            .unwrap_or_else(|_| panic!("build failed"));
        assert_eq!(reuse.last_rendered, 0);
        assert_eq!(reuse.records.last_loaded, 0);
        assert!(bytes(&plain.files) == bytes(&first.files));
        assert!(bytes(&plain.files) == bytes(&second.files));
    }
}
