//! The build pipeline: load and validate, derive the clock-dependent facts, plan, render,
//! and write atomically. `check` is the same pipeline stopped before rendering.

use crate::calendar::Calendar;
use crate::content::{self, LoadOptions, Site};
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::{self, Content};
use crate::plan::{self, BuildTime, Facts, Output};
use crate::render::{Renderer, Theme};
use std::path::PathBuf;
use std::time::Instant;

/// Phase timings on stderr when `GONGSHI_TIMINGS` is set (for profiling; no effect otherwise).
fn phase(name: &str, since: Instant) {
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
        eprintln!(
            "[timing] {name}: {} ms (peak RSS {hwm})",
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

/// Load, validate and derive facts: every rule runs, nothing is written.
pub fn check(opts: &BuildOptions) -> Result<Checked, Diagnostics> {
    let (site, mut diags) = content::load_site(
        &opts.root,
        &LoadOptions {
            drafts: opts.drafts,
        },
    )?;
    let calendar = match Calendar::load(&opts.root) {
        Ok(c) => c,
        Err(ds) => {
            diags.extend(ds);
            diags.sort();
            return Err(diags);
        }
    };
    let time = BuildTime { now: opts.now };
    let (facts, ds) = plan::facts(&site, &calendar, &time);
    diags.extend(ds);
    diags.sort();
    if diags.has_errors() || (opts.strict && !diags.is_empty()) {
        return Err(diags);
    }
    Ok(Checked {
        site,
        calendar,
        facts,
        diags,
    })
}

/// A rendered site held in memory: every output file, sorted by path.
pub struct Rendered {
    pub files: Vec<(String, Content)>,
    pub records: usize,
    pub pages: usize,
    pub warnings: Diagnostics,
    pub root: PathBuf,
}

/// How many planned outputs are rendered and written together: bounds the memory a build
/// needs (view models and HTML of one batch) while keeping both cores busy.
const BATCH: usize = 1024;

/// Build the site into the output folder. `progress(done, total)` is called while rendering.
///
/// Outputs are planned, rendered and written in batches into a staging folder that replaces
/// the output folder only when everything succeeded; the bytes are the same as
/// [`render_site`] followed by [`output::write_site`].
pub fn build(
    opts: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let t = Instant::now();
    let Checked {
        mut site,
        facts,
        diags,
        ..
    } = check(opts).map_err(BuildError::Content)?;
    // Every rule has run: the source text and field positions kept for diagnostics are not
    // needed to plan and render. Freeing them lowers the peak memory of large sites.
    for r in &mut site.records {
        r.text = String::new();
        r.positions = Default::default();
    }
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
                    let r = renderer.render_owned(&template, ctx);
                    (path, r.map(|html| Content::Bytes(html.into_bytes())))
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
    plan::plan_each(&site, &facts, &time, &mut |o| {
        if !seen.insert(o.path().to_string()) {
            dup.push(duplicate_path(o.path()));
            return;
        }
        if matches!(o, Output::Page { .. }) {
            pages += 1;
        }
        batch.push(o);
        if batch.len() >= BATCH {
            flush(&mut batch, &mut staging, &mut errors, &mut io_error);
            progress(pages, estimate.max(pages + 1));
        }
    });
    flush(&mut batch, &mut staging, &mut errors, &mut io_error);
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
    Ok(BuildReport {
        records: site.records.len(),
        pages,
        files: stats.files,
        written: stats.written,
        bytes: stats.bytes,
        millis: start.elapsed().as_millis(),
        warnings: diags,
        out,
    })
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
    let t = Instant::now();
    let checked = check(opts).map_err(BuildError::Content)?;
    phase("load+check", t);
    let t = Instant::now();
    let Checked {
        site, facts, diags, ..
    } = checked;
    let time = BuildTime { now: opts.now };
    let theme = Theme::load(&site.root, &site.config.theme)
        .map_err(|e| BuildError::Io(format!("无法读取主题 themes/{}：{e}", site.config.theme)))?;
    let renderer =
        Renderer::new(&theme).map_err(|ds| BuildError::Content(ds.into_iter().collect()))?;
    let outputs = plan::plan(&site, &facts, &time);
    phase("theme+plan", t);
    let t = Instant::now();

    // Duplicate output paths mean two things want one address.
    let mut seen = std::collections::BTreeSet::new();
    let mut dup = Diagnostics::new();
    for o in &outputs {
        if !seen.insert(o.path().to_string()) {
            dup.push(duplicate_path(o.path()));
        }
    }
    if !dup.is_empty() {
        return Err(BuildError::Content(dup));
    }

    let jobs: Vec<(&str, &str, &serde_json::Value)> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Page {
                path,
                template,
                ctx,
            } => Some((path.as_str(), template.as_str(), ctx)),
            _ => None,
        })
        .collect();
    let total = jobs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let rendered: Vec<(&str, Result<String, String>)> = {
        use rayon::prelude::*;
        jobs.par_iter()
            .map(|(path, t, ctx)| {
                let r = renderer.render(t, ctx);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                if n % 256 == 0 || n == total {
                    progress(n, total);
                }
                (*path, r)
            })
            .collect()
    };
    phase("render", t);
    let t = Instant::now();
    let mut errors = Diagnostics::new();
    let mut files: Vec<(String, Content)> = Vec::with_capacity(outputs.len() + 32);
    for (path, r) in rendered {
        match r {
            Ok(html) => files.push((path.to_string(), Content::Bytes(html.into_bytes()))),
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
    if !errors.is_empty() {
        errors.sort();
        return Err(BuildError::Content(errors));
    }
    for o in outputs {
        match o {
            Output::Page { .. } => {}
            Output::Copy { from, path } => files.push((path, Content::Copy(site.root.join(from)))),
            Output::Bytes { path, bytes } => files.push((path, Content::Bytes(bytes))),
        }
    }
    for f in theme.statics() {
        files.push((f.path.clone(), Content::Bytes(f.bytes.clone())));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    phase("collect", t);
    Ok(Rendered {
        files,
        records: site.records.len(),
        pages: total,
        warnings: diags,
        root: site.root.clone(),
    })
}
