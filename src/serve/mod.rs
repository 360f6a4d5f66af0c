//! `gongshi serve`: build the site in memory, serve it over HTTP with live reload, watch the
//! sources and rebuild what changed; while the sources do not build, keep serving the last
//! good site with an error overlay. Never touches `public/`.
//!
//! One job per file: [`classify`] (what a changed path means, pure), [`watch`] (file events
//! → batches), [`server`] (the one HTTP server: hyper, connection bounds, timeouts, the
//! `Host` check, routing), [`host`] (the names answered), [`http`] (the site's answers),
//! [`events`] (the live-reload stream), [`state`] (the snapshot served), [`reload`] (the
//! hub and the injected script), [`overlay`] (the error panel), [`receiver`] (the feedback
//! receiver mounted in-process), [`cleanup`] (the temporary database removed on every way
//! out).

pub(crate) mod classify;
pub(crate) mod cleanup;
pub(crate) mod events;
pub(crate) mod host;
pub(crate) mod http;
pub(crate) mod overlay;
pub(crate) mod receiver;
pub(crate) mod reload;
pub(crate) mod server;
pub(crate) mod state;
pub(crate) mod watch;

use crate::build::{self, BuildError, BuildOptions, Reuse};
use crate::diag::Diagnostics;
use classify::Batch;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// What to serve and how.
pub(crate) struct ServeOptions {
    pub root: PathBuf,
    /// Address to bind (`127.0.0.1:1111`; port 0 picks a free one).
    pub addr: String,
    /// The build's clock; `None`: the real clock, read at each rebuild.
    pub now: Option<jiff::Timestamp>,
    pub drafts: bool,
    /// Open the site in the default browser once it is ready.
    pub open: bool,
    /// The feedback receiver, mounted for `POST /feedback/…` and `GET /receipt/…`; `None`:
    /// those routes answer that the forms do not work in this preview.
    pub receiver: Option<receiver::Receiver>,
    /// Connections answered at once, besides the pages' event streams; more are refused with
    /// 503.
    pub max_connections: usize,
    /// Host names besides `localhost` and IP addresses that requests may use (`--allow-host`).
    pub allow_hosts: Vec<String>,
}

/// What happened, for the terminal (the library prints nothing).
pub(crate) enum ServeEvent<'a> {
    /// The first build is being served at `url`; `exposed` when bound to a non-loopback
    /// address.
    Listening { url: String, exposed: bool },
    /// A build is served.
    Built {
        first: bool,
        records: usize,
        files: usize,
        /// Files whose bytes changed (or appeared, or went).
        changed: usize,
        /// Pages rendered (the others were reused unchanged).
        rendered: usize,
        /// Record files read again.
        loaded: usize,
        millis: u128,
        warnings: &'a Diagnostics,
    },
    /// Sources changed but no output did.
    Unchanged { millis: u128 },
    /// The sources do not build; the last good site is served with the overlay.
    Failed {
        diags: &'a Diagnostics,
        problem: Option<&'a str>,
        /// No build has succeeded yet: there is no last good site, only the errors page.
        never_built: bool,
    },
    /// Something worth saying that is not fatal (the browser could not be opened…).
    Note(String),
}

/// Run the preview server until the watcher stops (normally: until the process is ended).
pub(crate) fn run(opts: ServeOptions, report: &dyn Fn(ServeEvent)) -> Result<(), String> {
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| format!("找不到站点目录 {}：{e}", opts.root.display()))?;
    let listener = std::net::TcpListener::bind(&opts.addr)
        .map_err(|e| format!("无法在 {} 上启动预览服务：{e}", opts.addr))?;
    let bound: SocketAddr = listener
        .local_addr()
        .map_err(|e| format!("无法在 {} 上启动预览服务：{e}", opts.addr))?;
    let hosts = host::Hosts::new(&opts.addr, &opts.allow_hosts);
    let shared = Arc::new(http::Shared::new());
    let limits = server::Limits {
        max_connections: opts.max_connections,
        ..server::Limits::default()
    };
    let service = opts.receiver.as_ref().map(receiver::Receiver::service);
    let _server = server::start(listener, shared.clone(), service, hosts, limits)?;
    let mut watcher = watch::Watcher::new(&root)?;

    let mut builder = Builder {
        root,
        now: opts.now,
        drafts: opts.drafts,
        reuse: Reuse::default(),
    };
    builder.rebuild(&Batch::everything(), &shared, report, true);
    let url = format!("http://{bound}/");
    report(ServeEvent::Listening {
        url: url.clone(),
        exposed: !bound.ip().is_loopback(),
    });
    if opts.open {
        if let Err(e) = open_browser(&url) {
            report(ServeEvent::Note(e));
        }
    }
    while let Some(batch) = watcher.next_batch() {
        builder.rebuild(&batch, &shared, report, false);
    }
    Ok(())
}

/// A successful rebuild: the snapshot to serve next (`None`: nothing changed) and what the
/// terminal is told.
struct Done {
    next: Option<(state::Snapshot, usize)>,
    records: usize,
    rendered: usize,
    loaded: usize,
    warnings: Arc<Diagnostics>,
}

/// The rebuild loop's state: what the last build left for the next one.
struct Builder {
    root: PathBuf,
    now: Option<jiff::Timestamp>,
    drafts: bool,
    reuse: Reuse,
}

impl Builder {
    fn rebuild(
        &mut self,
        batch: &Batch,
        shared: &http::Shared,
        report: &dyn Fn(ServeEvent),
        first: bool,
    ) {
        let start = Instant::now();
        if batch.full {
            self.reuse.clear();
        }
        for p in &batch.content {
            self.reuse.records.forget(p);
        }
        let opts = BuildOptions {
            root: self.root.clone(),
            out: None,
            now: self.now.unwrap_or_else(jiff::Timestamp::now),
            drafts: self.drafts,
            strict: false,
            feedback_db: None,
        };
        let current = shared.current();
        // A one-record edit is patched onto what is served; anything else is a full rebuild
        // (reusing what it can).
        let patched = if !batch.full && !batch.theme && !first {
            let changed: Vec<PathBuf> = batch.content.iter().cloned().collect();
            match crate::build::patch::apply(&mut self.reuse, &opts, &changed) {
                crate::build::patch::Outcome::Patched(p) => Some(Done {
                    next: current.with_updates(p.files, SystemTime::now()),
                    records: p.records,
                    rendered: p.rendered,
                    loaded: 1,
                    warnings: p.warnings,
                }),
                crate::build::patch::Outcome::Fallback(_) => None,
            }
        } else {
            None
        };
        build::phase("serve: patched", start);
        let result = match patched {
            Some(done) => Ok(done),
            None => {
                build::render_site_with(&opts, &|_, _| {}, Some(&mut self.reuse)).map(|r| Done {
                    next: current.after_build(r.files, r.base_path, SystemTime::now()),
                    records: r.records,
                    rendered: self.reuse.last_rendered,
                    loaded: self.reuse.records.last_loaded,
                    warnings: Arc::new(r.warnings),
                })
            }
        };
        match result {
            Ok(done) => match done.next {
                Some((next, changed)) => {
                    build::phase("serve: snapshot made", start);
                    let files = next.files.len();
                    shared.publish(next);
                    build::phase("serve: published", start);
                    report(ServeEvent::Built {
                        first,
                        records: done.records,
                        files,
                        changed,
                        rendered: done.rendered,
                        loaded: done.loaded,
                        millis: start.elapsed().as_millis(),
                        warnings: &done.warnings,
                    });
                }
                None => report(ServeEvent::Unchanged {
                    millis: start.elapsed().as_millis(),
                }),
            },
            Err(e) => {
                // Nothing of a failed build is kept: the next one starts from a clean slate
                // for the records that failed, the rest stays cached.
                let (diags, problem) = match e {
                    BuildError::Content(ds) => (ds, None),
                    BuildError::Io(m) => (Diagnostics::new(), Some(m)),
                };
                let never_built = current.files.is_empty();
                let mut html = overlay::html(&diags, problem.as_deref());
                if never_built {
                    html =
                        html.replace("预览仍显示上一次成功生成的网站；", "网站还没有成功生成过；");
                }
                if let Some(next) = current.with_overlay(html, SystemTime::now()) {
                    shared.publish(next);
                }
                report(ServeEvent::Failed {
                    diags: &diags,
                    problem: problem.as_deref(),
                    never_built,
                });
            }
        }
    }
}

/// Open `url` in the default browser.
fn open_browser(url: &str) -> Result<(), String> {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("无法打开浏览器（{e}），请手动打开 {url}"))
}
