//! The build pipeline: load and validate, derive the clock-dependent facts, plan, render,
//! and write atomically. `check` is the same pipeline stopped before rendering.

pub mod cache;
pub mod output;
pub mod patch;

use crate::calendar::Calendar;
use crate::compliance;
use crate::content::load::LoadCache;
use crate::content::{self, LoadOptions, Site};
use crate::diag::{Diagnostic, Diagnostics};
use crate::facts::{BuildTime, Facts};
use crate::plan::{self, Output};
use crate::render::{Renderer, Theme};
use output::Content;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

/// Phase timings on stderr when `GONGSHI_TIMINGS` is set (for profiling; no effect otherwise).
pub(crate) fn phase(name: &str, since: Instant) {
    if std::env::var_os("GONGSHI_TIMINGS").is_some() {
        // Peak memory so far, where the system says (Linux).
        let hwm = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
            })
            .unwrap_or_default();
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
            "[timing] {name}: {} ms (peak RSS {hwm}{cpu})",
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

/// [`check`] with the compliance options, returning the full report (also when it fails).
///
/// Every rule that can run does: when some records do not load (a schema error), the rules
/// that need a loaded site still run on the others, and the files that did not load still get
/// the privacy lint's number and name checks on their raw values, so a clerk sees every
/// problem in one round. Such a report never carries a site to build.
pub fn check_report(opts: &BuildOptions, copts: &compliance::Options) -> CheckReport {
    let loaded = content::load_site_lenient(
        &opts.root,
        &load_options(opts),
        &mut content::load::LoadCache::default(),
    );
    match loaded {
        Ok((site, diags)) if !diags.has_errors() => finish_report(opts, copts, site, diags),
        Ok((site, diags)) => partial_report(opts, copts, site, diags),
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
    let mut report = finish_report(opts, copts, site, diags);
    let mut kept: Diagnostics = report
        .diags
        .into_iter()
        .filter(|d| match d.code {
            // The records that did not load may be what the category or the freshness needs.
            "catalogue.missing-category" => {
                !failed_folders.contains(&d.file.to_string_lossy().replace('\\', "/"))
            }
            "freshness.stale" => failed.is_empty(),
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
    finish_report(opts, &compliance::Options::default(), site, diags).into_result()
}

/// The calendar, the clock-dependent facts, the git history and the compliance rules of a
/// loaded site.
fn finish_report(
    opts: &BuildOptions,
    copts: &compliance::Options,
    site: Site,
    mut diags: Diagnostics,
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
    facts.history = crate::history::collect(&site.root);
    if let Some(db) = &opts.feedback_db {
        facts.anchors.receiver = Some(crate::feedback::anchor::receiver_chains(db));
    }
    let (ds, summary) = compliance::run(&compliance::Input {
        site: &site,
        calendar: &calendar,
        facts: &facts,
        now: opts.now,
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

/// The plan and export steps: every page of the site and the search index
/// ([`plan::plan_pages`]), then the exports (feeds, open data, and the sitemap of the pages
/// just planned), each output handed to `emit` as soon as it is made. With `live`, what
/// updating the search index and the exports after a one-record edit needs is kept there.
pub fn plan_site(
    site: &Site,
    facts: &Facts,
    time: &BuildTime,
    mut live: Option<&mut Live>,
    emit: &mut dyn FnMut(Output),
) {
    let mut sitemap = crate::export::sitemap::Collector::new(site, facts);
    let search = live.as_deref_mut().map(|l| &mut l.search);
    plan::plan_pages(site, facts, time, search, &mut |o: Output| {
        sitemap.add(site, &o);
        emit(o);
    });
    let exports = live.map(|l| &mut l.exports);
    crate::export::extend(site, facts, time, sitemap, exports, emit);
}

/// How many planned outputs are rendered and written together: bounds the memory a build
/// needs (view models and HTML of one batch) while keeping both cores busy.
const BATCH: usize = 1024;

/// Build the site into the output folder. `progress(done, total)` is called while rendering.
/// When nothing the build reads changed since the last successful build, the output folder is
/// as it left it and the clock is still inside the validity interval, the last report is
/// returned without loading anything ([`crate::build::cache`]).
///
/// Outputs are planned, rendered and written in batches into a staging folder that replaces
/// the output folder only when everything succeeded; the bytes are the same as
/// [`render_site`] followed by [`output::write_site`].
pub fn build(
    opts: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let memo = match crate::build::cache::lookup(opts) {
        crate::build::cache::Lookup::Hit(report) => {
            phase("memo", start);
            return Ok(BuildReport {
                millis: start.elapsed().as_millis(),
                ..report
            });
        }
        crate::build::cache::Lookup::Miss(memo) => memo,
    };
    phase("memo lookup", start);
    let t = Instant::now();
    // `check` has read the git history into the facts already.
    let Checked {
        site, facts, diags, ..
    } = check(opts).map_err(BuildError::Content)?;
    phase("load+check", t);
    let t = Instant::now();
    let time = BuildTime { now: opts.now };
    let theme = Theme::load(&site.root, &site.config.theme)
        .map_err(|e| BuildError::Io(format!("无法读取主题 themes/{}：{e}", site.config.theme)))?;
    let renderer =
        Renderer::new(&theme).map_err(|ds| BuildError::Content(ds.into_iter().collect()))?;
    let out = opts.out.clone().unwrap_or_else(|| site.root.join("public"));
    let mut staging = output::Staging::begin(&out).map_err(|e| BuildError::Io(e.to_string()))?;

    let mut seen = std::collections::HashSet::new();
    let mut dup = Diagnostics::new();
    let mut errors = Diagnostics::new();
    let mut io_error: Option<String> = None;
    let mut batch: Vec<Output> = Vec::with_capacity(BATCH);
    let mut pages = 0usize;
    // A rough total for the progress bar (record pages and lists); the last call is exact.
    let estimate = site.records.len() + site.records.len() / site.config.page_size.max(1) + 16;
    let flush = |batch: &mut Vec<Output>,
                 staging: &mut output::Staging,
                 errors: &mut Diagnostics,
                 io_error: &mut Option<String>| {
        use rayon::prelude::*;
        let items: Vec<(String, Result<Content, String>)> = batch
            .par_drain(..)
            .map(|o| match o {
                Output::Page {
                    path,
                    template,
                    ctx,
                } => {
                    let r = renderer.render_bytes(&template, ctx);
                    (path, r.map(Content::Bytes))
                }
                Output::Copy { from, path } => (path, Ok(Content::Copy(site.root.join(from)))),
                Output::Bytes { path, bytes } => (path, Ok(Content::Bytes(bytes))),
            })
            .collect();
        let mut files = Vec::with_capacity(items.len());
        for (path, r) in items {
            match r {
                Ok(c) => files.push((path, c)),
                Err(e) => errors.push(
                    Diagnostic::error(
                        "theme.render",
                        theme.origin_hint(),
                        format!("渲染 {path} 时出错：{e}"),
                    )
                    .hint("检查模板中使用的变量名是否存在。"),
                ),
            }
        }
        // After the first problem nothing more is written (the staging folder is dropped),
        // but rendering goes on so that every template error is reported at once.
        if errors.is_empty() && io_error.is_none() {
            if let Err(e) = staging.write(&files) {
                *io_error = Some(e.to_string());
            }
        }
    };
    // Planning runs on its own thread and hands on full batches, so that its serial parts
    // (list pages, the exports at the end) overlap with the rendering and writing of the
    // batch before. The hand-over is a rendezvous: at most two batches are in memory.
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Output>>(0);
        let (site, facts, time) = (&site, &facts, &time);
        scope.spawn(move || {
            let mut planned: Vec<Output> = Vec::with_capacity(BATCH);
            plan_site(site, facts, time, None, &mut |o| {
                planned.push(o);
                if planned.len() >= BATCH {
                    let full = std::mem::replace(&mut planned, Vec::with_capacity(BATCH));
                    // The receiver only goes away when this scope ends.
                    let _ = tx.send(full);
                }
            });
            let _ = tx.send(planned);
        });
        for planned in rx {
            for o in planned {
                if !seen.insert(o.path().to_string()) {
                    dup.push(duplicate_path(o.path()));
                    continue;
                }
                if matches!(o, Output::Page { .. }) {
                    pages += 1;
                }
                batch.push(o);
            }
            flush(&mut batch, &mut staging, &mut errors, &mut io_error);
            progress(pages, estimate.max(pages + 1));
        }
    });
    progress(pages, pages);
    if !dup.is_empty() {
        return Err(BuildError::Content(dup));
    }
    if !errors.is_empty() {
        errors.sort();
        return Err(BuildError::Content(errors));
    }
    if let Some(e) = io_error {
        return Err(BuildError::Io(e));
    }
    let statics: Vec<(String, Content)> = theme
        .statics()
        .filter(|f| seen.insert(f.path.clone()))
        .map(|f| (f.path.clone(), Content::Bytes(f.bytes.clone())))
        .collect();
    staging
        .write(&statics)
        .map_err(|e| BuildError::Io(e.to_string()))?;
    phase("plan+render+write", t);
    let t = Instant::now();
    let stats = staging
        .finish()
        .map_err(|e| BuildError::Io(e.to_string()))?;
    phase("swap", t);
    let report = BuildReport {
        records: site.records.len(),
        pages,
        files: stats.files,
        written: stats.written,
        bytes: stats.bytes,
        millis: start.elapsed().as_millis(),
        warnings: diags,
        out,
    };
    let t = Instant::now();
    memo.save(&report, &site.tz, &facts);
    phase("memo saved", t);
    Ok(report)
}

fn duplicate_path(path: &str) -> Diagnostic {
    Diagnostic::error(
        "plan.duplicate-path",
        "content",
        format!("两个页面使用了同一个地址“{path}”"),
    )
    .hint("页面（content/pages/）的文件名不能与栏目目录同名，如 documents、search。")
}

/// Load, check, plan and render the whole site in memory (what `build` writes and `serve`
/// serves). Nothing is written.
pub fn render_site(
    opts: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Rendered, BuildError> {
    render_site_with(opts, progress, None)
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

/// [`render_site`], reusing (and refreshing) what an earlier build left in `reuse`. The
/// files are the same, byte for byte.
pub fn render_site_with(
    opts: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    mut reuse: Option<&mut Reuse>,
) -> Result<Rendered, BuildError> {
    // A failed build leaves nothing to patch: the next one is a full one.
    if let Some(r) = reuse.as_deref_mut() {
        r.last = None;
    }
    let checked = match reuse.as_deref_mut() {
        Some(r) => check_reusing(opts, &mut r.records),
        None => check(opts),
    }
    .map_err(BuildError::Content)?;
    let Checked {
        site,
        facts,
        diags,
        calendar,
    } = checked;
    let time = BuildTime { now: opts.now };
    let theme = Theme::load(&site.root, &site.config.theme)
        .map_err(|e| BuildError::Io(format!("无法读取主题 themes/{}：{e}", site.config.theme)))?;
    let new_renderer = || -> Result<Renderer, BuildError> {
        Renderer::new(&theme).map_err(|ds| BuildError::Content(ds.into_iter().collect()))
    };
    let renderer: std::sync::Arc<Renderer> = match reuse.as_deref_mut() {
        Some(r) => {
            let key = theme_fingerprint(&theme);
            match &r.renderer {
                Some((k, rd)) if *k == key => rd.clone(),
                _ => {
                    r.pages.clear();
                    r.renderer = None;
                    let rd = std::sync::Arc::new(new_renderer()?);
                    r.renderer = Some((key, rd.clone()));
                    rd
                }
            }
        }
        None => std::sync::Arc::new(new_renderer()?),
    };
    let mut outputs = Vec::new();
    let mut live = Live::default();
    let keep = reuse.is_some().then_some(&mut live);
    plan_site(&site, &facts, &time, keep, &mut |o| outputs.push(o));

    // Duplicate output paths mean two things want one address.
    let mut seen = std::collections::BTreeSet::new();
    let mut dup = Diagnostics::new();
    for o in &outputs {
        if !seen.insert(o.path().to_string()) {
            dup.push(
                Diagnostic::error(
                    "plan.duplicate-path",
                    "content",
                    format!("两个页面使用了同一个地址“{}”", o.path()),
                )
                .hint("页面（content/pages/）的文件名不能与栏目目录同名，如 documents、search。"),
            );
        }
    }
    if !dup.is_empty() {
        return Err(BuildError::Content(dup));
    }

    let mut pages: Vec<(String, String, serde_json::Value)> = Vec::new();
    let mut others: Vec<Output> = Vec::new();
    for o in outputs {
        match o {
            Output::Page {
                path,
                template,
                ctx,
            } => pages.push((path, template, ctx)),
            o => others.push(o),
        }
    }
    // A page is rendered unless an earlier build rendered the same template with an equal
    // view model.
    let previous = |path: &str, template: &str, ctx: &serde_json::Value| {
        reuse.as_deref().and_then(|r| {
            r.pages
                .get(path)
                .filter(|(t, c, _)| t == template && c == ctx)
                .map(|(_, _, b)| b.clone())
        })
    };
    let kept: Vec<Option<std::sync::Arc<[u8]>>> =
        pages.iter().map(|(p, t, c)| previous(p, t, c)).collect();
    let jobs: Vec<usize> = (0..pages.len()).filter(|i| kept[*i].is_none()).collect();
    let total = jobs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let mut rendered: Vec<Option<Result<String, String>>> = {
        use rayon::prelude::*;
        let mut out: Vec<Option<Result<String, String>>> = (0..pages.len()).map(|_| None).collect();
        let results: Vec<(usize, Result<String, String>)> = jobs
            .par_iter()
            .map(|&i| {
                let (_, t, ctx) = &pages[i];
                let r = renderer.render(t, ctx);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n.is_multiple_of(256) || n == total {
                    progress(n, total);
                }
                (i, r)
            })
            .collect();
        for (i, r) in results {
            out[i] = Some(r);
        }
        out
    };
    let mut errors = Diagnostics::new();
    for (i, (path, _, _)) in pages.iter().enumerate() {
        if let Some(Err(e)) = &rendered[i] {
            errors.push(
                Diagnostic::error(
                    "theme.render",
                    theme.origin_hint(),
                    format!("渲染 {path} 时出错：{e}"),
                )
                .hint("检查模板中使用的变量名是否存在。"),
            );
        }
    }
    if !errors.is_empty() {
        errors.sort();
        return Err(BuildError::Content(errors));
    }
    let pages_total = pages.len();
    let mut files: Vec<(String, Content)> = Vec::with_capacity(pages_total + others.len() + 32);
    let mut cache = HashMap::new();
    for (i, ((path, template, ctx), kept)) in pages.into_iter().zip(kept).enumerate() {
        let fresh = match rendered[i].take() {
            Some(Ok(html)) => Some(html.into_bytes()),
            _ => None,
        };
        match (reuse.is_some(), fresh, kept) {
            (false, Some(bytes), _) => files.push((path, Content::Bytes(bytes))),
            (true, Some(bytes), _) => {
                let shared: std::sync::Arc<[u8]> = bytes.into();
                files.push((path.clone(), Content::Shared(shared.clone())));
                cache.insert(path, (template, ctx, shared));
            }
            (_, None, Some(shared)) => {
                files.push((path.clone(), Content::Shared(shared.clone())));
                cache.insert(path, (template, ctx, shared));
            }
            (_, None, None) => {}
        }
    }
    for o in others {
        match o {
            Output::Page { .. } => {}
            Output::Copy { from, path } => files.push((path, Content::Copy(site.root.join(from)))),
            Output::Bytes { path, bytes } => files.push((path, Content::Bytes(bytes))),
        }
    }
    for f in theme.statics() {
        files.push((f.path.clone(), Content::Bytes(f.bytes.clone())));
    }
    let page_count = pages_total;
    let records = site.records.len();
    let root = site.root.clone();
    let base_path = site.config.base_path();
    if let Some(r) = reuse {
        r.pages = cache;
        r.last_rendered = total;
        r.last = Some(crate::build::patch::LastBuild {
            site,
            calendar,
            facts,
            warnings: std::sync::Arc::new(diags.clone()),
            renderer: renderer.clone(),
            now: opts.now,
            drafts: opts.drafts,
            live,
        });
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(Rendered {
        files,
        records,
        pages: page_count,
        warnings: diags,
        root,
        base_path,
    })
}

/// A hash of every file of the theme (templates decide every page).
fn theme_fingerprint(theme: &Theme) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in theme.templates().chain(theme.statics()) {
        f.path.hash(&mut h);
        f.bytes.hash(&mut h);
    }
    h.finish()
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
                    Content::Copy(f) => std::fs::read(f).unwrap_or_default(),
                };
                (p.clone(), b)
            })
            .collect()
    }

    #[test]
    fn reusing_an_earlier_build_gives_the_same_bytes_and_renders_nothing_new() {
        let opts = BuildOptions {
            root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            out: None,
            now: "2026-11-25T10:00:00+08:00"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
            drafts: false,
            strict: false,
            feedback_db: None,
        };
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
