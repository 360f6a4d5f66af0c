//! The one pipeline after the check: plan → export → render → output, into a [`Sink`] — a
//! staging folder swapped into the output folder (`gongshi build`) or memory (the preview).
//! Both sinks get the same files from the same code; the preview adds two layers over it:
//! pages whose template and view model are those it rendered last time are not rendered
//! again ([`Reuse`]), and a one-record edit is patched onto the last build
//! ([`super::patch`]).

use super::output::{self, Content};
use super::pages::CacheOptions;
use super::{
    cache, check, check_reusing, phase, BuildError, BuildOptions, BuildReport, Checked, Live,
    Rendered, RenderedPages, Reuse,
};
use crate::content::Site;
use crate::diag::{Code, Diagnostic, Diagnostics};
use crate::facts::{BuildTime, Cx};
use crate::plan::{self, Output};
use crate::render::{Renderer, Theme};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// The plan and export steps: every page of the site ([`plan::plan_pages`]), the search index
/// ([`plan::plan_search`]), then the exports (feeds, open data, and the sitemap of the pages
/// just planned), each output handed to `emit` as soon as it is made. `pages_done` is called
/// between the pages and the search index. With `live`, what updating the search index and
/// the exports after a one-record edit needs is kept there.
pub fn plan_site(
    cx: Cx,
    mut live: Option<&mut Live>,
    emit: &mut dyn FnMut(Output),
    pages_done: &mut dyn FnMut(),
) {
    let site = cx.site;
    let t = Instant::now();
    let mut sitemap = crate::export::sitemap::Collector::new(cx);
    plan::plan_pages(cx, &mut |o: Output| {
        sitemap.add(site, &o);
        emit(o);
    });
    pages_done();
    phase("plan: pages", t);
    let t = Instant::now();
    // Its files are not pages: the sitemap need not see them.
    plan::plan_search(cx, live.as_deref_mut().map(|l| &mut l.search), emit);
    phase("plan: search index", t);
    let t = Instant::now();
    let exports = live.map(|l| &mut l.exports);
    crate::export::extend(cx, sitemap, exports, emit);
    phase("plan: exports", t);
}

/// How many planned outputs are rendered and written together: bounds the memory a build
/// needs (view models and HTML of one batch) while keeping both cores busy.
const BATCH: usize = 1024;

/// A batch is handed on early once its ready-made files (search index, open data, sitemap:
/// the few large outputs, made at the end) hold this many bytes, so that those files are
/// written as they are made instead of all waiting for the last batch.
const BATCH_BYTES: usize = 4 << 20;

/// The planning thread's batch being filled, and where full batches go.
struct Batcher {
    planned: Vec<Output>,
    /// Bytes of the ready-made files in `planned`.
    bytes: usize,
    tx: std::sync::mpsc::SyncSender<Vec<Output>>,
}

impl Batcher {
    fn push(&mut self, o: Output) {
        if let Output::Bytes { bytes: b, .. } = &o {
            self.bytes += b.len();
        }
        self.planned.push(o);
        if self.planned.len() >= BATCH || self.bytes >= BATCH_BYTES {
            self.hand_on();
        }
    }

    /// Hand on what is planned (if anything), waiting until the renderer takes it.
    fn hand_on(&mut self) {
        if self.planned.is_empty() {
            return;
        }
        self.bytes = 0;
        let full = std::mem::replace(&mut self.planned, Vec::with_capacity(BATCH));
        // The receiver only goes away when the pipeline's scope ends.
        let _ = self.tx.send(full);
    }
}

/// Where the pipeline writes (Zola's `BuildMode`).
pub(crate) enum Sink<'a> {
    /// A staging folder beside the output folder, swapped in by the caller when everything
    /// succeeded.
    Disk(&'a mut output::Staging),
    /// The output folder itself, only changed files written, applied by the caller when
    /// everything succeeded (a build with a usable page cache).
    InPlace(&'a mut output::InPlace),
    /// Memory: every file, in the order written (the caller sorts).
    Memory(&'a mut Vec<(String, Content)>),
}

impl Sink<'_> {
    fn write(&mut self, files: Vec<(String, Content)>) -> std::io::Result<()> {
        match self {
            Sink::Disk(staging) => staging.write(&files),
            Sink::InPlace(update) => update.write(&files),
            Sink::Memory(all) => {
                all.extend(files);
                Ok(())
            }
        }
    }
}

/// The pages an earlier build rendered, and whether to keep this build's for the next one.
pub(crate) struct PageReuse<'a> {
    /// Path → (template, view model, bytes) of the last build.
    pub previous: &'a RenderedPages,
    /// This build's pages, for the next one.
    pub next: RenderedPages,
}

/// What running the pipeline did.
pub(crate) struct Ran {
    /// Pages planned.
    pub pages: usize,
    /// Pages rendered (the others were reused).
    pub rendered: usize,
}

/// A page rendered for the error list: `theme.render` with the template's message.
fn render_error(theme: &Theme, path: &str, e: &str) -> Diagnostic {
    Diagnostic::error(
        Code::ThemeRender,
        theme.origin_hint(),
        format!("渲染 {path} 时出错：{e}"),
    )
    .hint("检查模板中使用的变量名是否存在。")
}

fn duplicate_path(path: &str) -> Diagnostic {
    Diagnostic::error(
        Code::PlanDuplicatePath,
        "content",
        format!("两个页面使用了同一个地址“{path}”"),
    )
    .hint("页面（content/pages/）的文件名不能与栏目目录同名，如 documents、search。")
}

/// A batch of outputs made into files.
pub(crate) struct Made {
    pub files: Vec<(String, Content)>,
    /// Pages rendered (the others were reused).
    pub rendered: usize,
    /// Pages whose template failed: (path, message).
    pub failed: Vec<(String, String)>,
}

/// Render planned outputs into files, in parallel. A page whose template and view model are
/// those `reuse` rendered last time keeps its bytes; with `reuse`, every page is noted for the
/// next build.
pub(crate) fn render_outputs(
    renderer: &Renderer,
    site_root: &std::path::Path,
    outputs: Vec<Output>,
    reuse: Option<&mut PageReuse>,
) -> Made {
    use rayon::prelude::*;
    enum One {
        /// A file, and whether it is a page rendered now.
        File(String, Content, bool),
        /// A page with its template and view model, to remember.
        Page(String, String, serde_json::Value, Arc<[u8]>, bool),
        Failed(String, String),
    }
    let previous = reuse.as_deref().map(|r| r.previous);
    let keep = reuse.is_some();
    let made: Vec<One> = outputs
        .into_par_iter()
        .map(|o| match o {
            Output::Page {
                path,
                template,
                ctx,
            } => {
                let kept = previous.and_then(|p| {
                    p.get(&path)
                        .filter(|(t, c, _)| *t == template && *c == ctx)
                        .map(|(_, _, b)| b.clone())
                });
                match kept {
                    Some(bytes) => One::Page(path, template, ctx, bytes, false),
                    None if keep => match renderer.render_bytes(&template, ctx.clone()) {
                        Ok(b) => One::Page(path, template, ctx, b.into(), true),
                        Err(e) => One::Failed(path, e),
                    },
                    None => match renderer.render_bytes(&template, ctx) {
                        Ok(b) => One::File(path, Content::Bytes(b), true),
                        Err(e) => One::Failed(path, e),
                    },
                }
            }
            Output::Copy { from, path } => {
                One::File(path, Content::Copy(site_root.join(from)), false)
            }
            Output::Bytes { path, bytes } => One::File(path, Content::Bytes(bytes), false),
        })
        .collect();
    let mut files = Vec::with_capacity(made.len());
    let mut rendered = 0;
    let mut errors = Vec::new();
    let mut next = reuse.map(|r| &mut r.next);
    for m in made {
        match m {
            One::File(path, c, fresh) => {
                rendered += usize::from(fresh);
                files.push((path, c));
            }
            One::Page(path, template, ctx, bytes, fresh) => {
                rendered += usize::from(fresh);
                files.push((path.clone(), Content::Shared(bytes.clone())));
                if let Some(n) = next.as_deref_mut() {
                    n.insert(path, (template, ctx, bytes));
                }
            }
            One::Failed(path, e) => errors.push((path, e)),
        }
    }
    Made {
        files,
        rendered,
        failed: errors,
    }
}

/// Plan, render and write the checked site into `sink`, in batches: planning runs on its own
/// thread and hands on full batches, so that its serial parts (list pages, the exports at the
/// end) overlap with the rendering and writing of the batch before. The hand-over is a
/// rendezvous: at most two batches are in memory. With `live`, what a one-record rebuild needs
/// is kept there; with `reuse`, pages rendered last time are reused and this build's noted.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run(
    cx: Cx,
    theme: &Theme,
    renderer: &Renderer,
    sink: &mut Sink,
    live: Option<&mut Live>,
    mut reuse: Option<&mut PageReuse>,
    mut cached: Option<&mut super::pages::Pass>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Ran, BuildError> {
    let mut seen = std::collections::HashSet::new();
    let mut dup = Diagnostics::new();
    let mut errors = Diagnostics::new();
    let mut io_error: Option<String> = None;
    let mut pages = 0usize;
    let mut rendered = 0usize;
    // A rough total for the progress bar (record pages and lists); the last call is exact.
    let site = cx.site;
    let estimate = site.records.len() + site.records.len() / site.config.page_size.max(1) + 16;
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Output>>(0);
        scope.spawn(move || {
            let batcher = std::cell::RefCell::new(Batcher {
                planned: Vec::with_capacity(BATCH),
                bytes: 0,
                tx,
            });
            plan_site(
                cx,
                live,
                &mut |o| batcher.borrow_mut().push(o),
                // The last pages are handed on before the search index is made, rather than
                // held (with their view models) while its tables grow: a large site's build
                // peaks there.
                &mut || batcher.borrow_mut().hand_on(),
            );
            batcher.borrow_mut().hand_on();
        });
        for planned in rx {
            let mut batch = Vec::with_capacity(planned.len());
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
            // Pages the page cache holds are linked from the previous output.
            let (batch, kept) = match cached.as_deref_mut() {
                Some(c) => c.sort(batch),
                None => (batch, Vec::new()),
            };
            let mut made = render_outputs(renderer, &site.root, batch, reuse.as_deref_mut());
            made.files.extend(kept);
            rendered += made.rendered;
            for (path, e) in made.failed {
                errors.push(render_error(theme, &path, &e));
            }
            // After the first problem nothing more is written (the staging folder is
            // dropped), but rendering goes on so that every template error is reported at
            // once.
            if errors.is_empty() && io_error.is_none() && dup.is_empty() {
                if let Err(e) = sink.write(made.files) {
                    io_error = Some(e.to_string());
                }
            }
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
        .map(|f| {
            // Stylesheets get fallbacks for engines without custom properties.
            let bytes = match (f.path.ends_with(".css"), std::str::from_utf8(&f.bytes)) {
                (true, Ok(css)) => crate::render::css::with_fallbacks(css).into_bytes(),
                _ => f.bytes.clone(),
            };
            (f.path.clone(), Content::Bytes(bytes))
        })
        .collect();
    sink.write(statics)
        .map_err(|e| BuildError::Io(e.to_string()))?;
    Ok(Ran { pages, rendered })
}

pub(super) fn load_theme(site: &Site) -> Result<Theme, BuildError> {
    Theme::load(&site.root, &site.config.theme)
        .map_err(|e| BuildError::Io(format!("无法读取主题 themes/{}：{e}", site.config.theme)))
}

pub(super) fn new_renderer(theme: &Theme) -> Result<Renderer, BuildError> {
    Renderer::new(theme).map_err(|ds| BuildError::Content(ds.into_iter().collect()))
}

/// Build the site into the output folder. `progress(done, total)` is called while rendering.
/// When nothing the build reads changed since the last successful build, the output folder is
/// as it left it and the clock is still inside the validity interval, the last report is
/// returned without loading anything ([`super::cache`]).
///
/// Outputs are planned, rendered and written in batches into a staging folder that replaces
/// the output folder only when everything succeeded; the bytes are those of [`render_site`]
/// (the same pipeline with the memory sink).
pub fn build(
    opts: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<BuildReport, BuildError> {
    build_with(opts, &CacheOptions::default(), progress)
}

/// [`build`] with the page cache where `cache` says ([`super::pages`]): only pages whose
/// template or view model changed since the last build into the same folder are rendered.
pub fn build_with(
    opts: &BuildOptions,
    cache: &CacheOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<BuildReport, BuildError> {
    let start = Instant::now();
    let memo = match cache::lookup(opts, cache.ignore) {
        cache::Lookup::Hit(report) => {
            phase("memo", start);
            return Ok(BuildReport {
                millis: start.elapsed().as_millis(),
                ..report
            });
        }
        cache::Lookup::Miss(memo) => memo,
    };
    phase("memo lookup", start);
    // One record file changed: patch the last build's snapshot (`snapshot.rs`).
    let memo = match super::snapshot::patch_build(opts, cache, memo, start) {
        super::snapshot::Tried::Built(report) => {
            phase("snapshot patch", start);
            return Ok(report);
        }
        super::snapshot::Tried::Failed(e) => return Err(e),
        super::snapshot::Tried::Fallback(memo, why) => {
            phase(&format!("snapshot not used ({why})"), start);
            memo
        }
    };
    // Asked for (`--snapshot`), the build writes a new snapshot; the old one goes before the
    // output folder changes either way.
    let snapshot = cache.snapshot && memo.fingerprinted();
    let mut live = Live::default();
    let t = Instant::now();
    // `check` has read the git history into the facts already.
    let out = opts.out.clone().unwrap_or_else(|| opts.root.join("public"));
    let Checked {
        site, facts, diags, ..
    } = super::check_in(opts, &cache.dir_for(&out), !cache.ignore).map_err(BuildError::Content)?;
    phase("load+check", t);
    let t = Instant::now();
    let time = BuildTime { now: opts.now };
    let theme = load_theme(&site)?;
    let renderer = new_renderer(&theme)?;
    super::snapshot::forget_all(&cache.dir_for(&out));
    let mut pass = super::pages::Pass::open(cache, &theme, &out);
    // With a usable page cache the output folder is updated in place (only what changed is
    // written); without one, a new folder replaces it. `GONGSHI_STAGING` set forces the new
    // folder (to measure one against the other in the same run, bench/incr.sh).
    let stats = if pass.used && std::env::var_os("GONGSHI_STAGING").is_none() {
        let mut update = output::InPlace::begin(&out).map_err(|e| BuildError::Io(e.to_string()))?;
        let ran = run(
            Cx::new(&site, &facts, &time),
            &theme,
            &renderer,
            &mut Sink::InPlace(&mut update),
            snapshot.then_some(&mut live),
            None,
            Some(&mut pass),
            progress,
        )?;
        phase("plan+render (in place)", t);
        let t = Instant::now();
        // A crash while the folder is half updated must not leave a cache that vouches
        // for it: the cache goes first and is written again after.
        pass.invalidate();
        let stats = update.finish().map_err(|e| BuildError::Io(e.to_string()))?;
        phase("applied in place", t);
        (stats, ran, None)
    } else {
        let mut staging =
            output::Staging::begin(&out).map_err(|e| BuildError::Io(e.to_string()))?;
        let ran = run(
            Cx::new(&site, &facts, &time),
            &theme,
            &renderer,
            &mut Sink::Disk(&mut staging),
            snapshot.then_some(&mut live),
            None,
            Some(&mut pass),
            progress,
        )?;
        phase("plan+render+write", t);
        let t = Instant::now();
        let (stats, listing) = staging
            .finish_listed()
            .map_err(|e| BuildError::Io(e.to_string()))?;
        phase("swap", t);
        (stats, ran, listing)
    };
    let (stats, ran, listing) = stats;
    let report = BuildReport {
        records: site.records.len(),
        pages: ran.pages,
        files: stats.files,
        written: stats.written,
        bytes: stats.bytes,
        millis: start.elapsed().as_millis(),
        warnings: diags,
        out,
        rendered: ran.rendered,
        rerendered: pass.used.then(|| std::mem::take(&mut pass.rendered)),
        notes: pass.note.take().into_iter().collect(),
        patched: false,
    };
    let t = Instant::now();
    pass.save(&report.out, listing.as_ref());
    phase("page cache saved", t);
    let t = Instant::now();
    let digest = memo.save(&report, &site.tz, &facts, listing.as_ref());
    phase("memo saved", t);
    if let Some(digest) = digest.filter(|_| snapshot) {
        super::snapshot::save(
            &cache.dir_for(&report.out),
            &site,
            &report.warnings,
            &live,
            &digest,
            opts,
            None,
        );
    }
    Ok(report)
}

/// Load, check, plan and render the whole site in memory (what `build` writes and `serve`
/// serves). Nothing is written.
pub fn render_site(
    opts: &BuildOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Rendered, BuildError> {
    render_site_with(opts, progress, None)
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
    let theme = load_theme(&site)?;
    let renderer: Arc<Renderer> = match reuse.as_deref_mut() {
        Some(r) => {
            let key = theme_fingerprint(&theme);
            match &r.renderer {
                Some((k, rd)) if *k == key => rd.clone(),
                _ => {
                    r.pages.clear();
                    r.renderer = None;
                    let rd = Arc::new(new_renderer(&theme)?);
                    r.renderer = Some((key, rd.clone()));
                    rd
                }
            }
        }
        None => Arc::new(new_renderer(&theme)?),
    };
    let mut files = Vec::new();
    let mut live = Live::default();
    let mut pages_reuse = reuse.as_deref().map(|r| PageReuse {
        previous: &r.pages,
        next: HashMap::new(),
    });
    let ran = run(
        Cx::new(&site, &facts, &time),
        &theme,
        &renderer,
        &mut Sink::Memory(&mut files),
        pages_reuse.is_some().then_some(&mut live),
        pages_reuse.as_mut(),
        None,
        progress,
    )?;
    let next = pages_reuse.map(|p| p.next);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let records = site.records.len();
    let root = site.root.clone();
    let base_path = site.config.base_path();
    if let (Some(r), Some(next)) = (reuse, next) {
        r.pages = next;
        r.last_rendered = ran.rendered;
        r.last = Some(super::patch::LastBuild {
            site,
            calendar,
            facts,
            warnings: Arc::new(diags.clone()),
            renderer: renderer.clone(),
            now: opts.now,
            drafts: opts.drafts,
            live,
        });
    }
    Ok(Rendered {
        files,
        records,
        pages: ran.pages,
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
