//! The build pipeline: load and validate, derive the clock-dependent facts, plan, render,
//! and write atomically. `check` is the same pipeline stopped before rendering.

use crate::calendar::Calendar;
use crate::compliance;
use crate::content::{self, LoadOptions, Site};
use crate::diag::{Diagnostic, Diagnostics};
use crate::output::{self, Content};
use crate::plan::{self, BuildTime, Facts, Output};
use crate::render::{Renderer, Theme};
use std::path::PathBuf;
use std::time::Instant;

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

/// Load, validate and derive facts: every rule runs, nothing is written.
pub fn check(opts: &BuildOptions) -> Result<Checked, Diagnostics> {
    let report = check_report(opts, &compliance::Options::default());
    match report.checked {
        Some(c) if !report.failed => Ok(c),
        _ => Err(report.diags),
    }
}

/// [`check`] with the compliance options, returning the full report (also when it fails).
pub fn check_report(opts: &BuildOptions, copts: &compliance::Options) -> CheckReport {
    let failed_with = |diags: Diagnostics| CheckReport {
        checked: None,
        failed: true,
        diags,
        summary: compliance::Summary::default(),
        site_title: None,
    };
    let (site, mut diags) = match content::load_site(
        &opts.root,
        &LoadOptions {
            drafts: opts.drafts,
        },
    ) {
        Ok(x) => x,
        Err(ds) => return failed_with(ds),
    };
    let calendar = match Calendar::load(&opts.root) {
        Ok(c) => c,
        Err(ds) => {
            diags.extend(ds);
            diags.sort();
            return failed_with(diags);
        }
    };
    let time = BuildTime { now: opts.now };
    let (mut facts, ds) = plan::facts(&site, &calendar, &time);
    diags.extend(ds);
    facts.history = crate::history::collect(&site.root);
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
}

/// Build the site into the output folder. `progress(done, total)` is called while rendering.
pub fn build(
    opts: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let rendered = render_site(opts, progress)?;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| rendered.root.join("public"));
    let stats =
        output::write_site(&out, rendered.files).map_err(|e| BuildError::Io(e.to_string()))?;
    Ok(BuildReport {
        records: rendered.records,
        pages: rendered.pages,
        files: stats.files,
        written: stats.written,
        bytes: stats.bytes,
        millis: start.elapsed().as_millis(),
        warnings: rendered.warnings,
        out,
    })
}

/// Load, check, plan and render the whole site in memory (what `build` writes and `serve`
/// serves). Nothing is written.
pub fn render_site(
    opts: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Rendered, BuildError> {
    let checked = check(opts).map_err(BuildError::Content)?;
    let Checked {
        site, facts, diags, ..
    } = checked;
    let time = BuildTime { now: opts.now };
    let theme = Theme::load(&site.root, &site.config.theme)
        .map_err(|e| BuildError::Io(format!("无法读取主题 themes/{}：{e}", site.config.theme)))?;
    let renderer =
        Renderer::new(&theme).map_err(|ds| BuildError::Content(ds.into_iter().collect()))?;
    let outputs = plan::plan(&site, &facts, &time);

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
                if n.is_multiple_of(256) || n == total {
                    progress(n, total);
                }
                (*path, r)
            })
            .collect()
    };
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
    Ok(Rendered {
        files,
        records: site.records.len(),
        pages: total,
        warnings: diags,
        root: site.root.clone(),
    })
}
