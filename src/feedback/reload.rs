//! The receiver follows content: consultation windows are read again when the site changes
//! (a consultation withdrawn, shortened, extended or added), without a restart.
//!
//! Two triggers, both on by default for `gongshi feedback serve`: a file watcher (`notify`:
//! inotify on Linux) on `site.toml`, `content/` and `calendar/`, and `SIGHUP`
//! (`systemctl reload gongshi-feedback`). A burst of changes (a `git pull`) is one reload after
//! it has been quiet for [`QUIET`]. The new site is loaded completely first and then swapped in
//! at once ([`Following`]: a request sees either the old windows or the new ones, never a
//! mix); a site that does not load, or has a content error (the build would not publish it
//! either), keeps the old windows. Each reload is logged, with what
//! changed.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, RecvTimeoutError, Sender};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher as _};

use super::directory::{ConsultationWindow, Directory, LedgerStatus};
use super::model;

/// A burst of file events ends after this long without one.
pub const QUIET: Duration = Duration::from_millis(300);
/// …or after this long in all.
const MAX_WAIT: Duration = Duration::from_secs(3);

/// Loads the site's directory (the same loader as at start).
pub type Loader = Arc<dyn Fn(&Path) -> Result<Arc<dyn Directory>, String> + Send + Sync>;
/// Where reload messages go (stderr for the CLI: journald keeps them).
pub type Log = Arc<dyn Fn(&str) + Send + Sync>;

/// A directory that can be replaced while the receiver runs.
pub struct Following {
    current: RwLock<Arc<dyn Directory>>,
}

impl Following {
    pub fn new(initial: Arc<dyn Directory>) -> Following {
        Following {
            current: RwLock::new(initial),
        }
    }

    /// The directory in use now.
    pub fn current(&self) -> Arc<dyn Directory> {
        match self.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Swaps in `next` at once.
    pub fn replace(&self, next: Arc<dyn Directory>) {
        match self.current.write() {
            Ok(mut g) => *g = next,
            Err(p) => *p.into_inner() = next,
        }
    }
}

impl Directory for Following {
    fn consultation(&self, id: &str) -> Option<ConsultationWindow> {
        self.current().consultation(id)
    }
    fn site_title(&self) -> String {
        self.current().site_title()
    }
    fn time_zone(&self) -> jiff::tz::TimeZone {
        self.current().time_zone()
    }
    fn consultations(&self) -> Vec<ConsultationWindow> {
        self.current().consultations()
    }
    fn concluded(&self) -> Option<Vec<String>> {
        self.current().concluded()
    }
    fn ledger_status(&self, consultation: &str, receipt: &str) -> LedgerStatus {
        self.current().ledger_status(consultation, receipt)
    }
    fn frame(&self) -> Option<std::sync::Arc<super::html::Frame>> {
        self.current().frame()
    }
    fn consultation_url(&self, id: &str) -> Option<String> {
        self.current().consultation_url(id)
    }
    fn search(&self) -> Option<std::sync::Arc<super::search::SearchList>> {
        self.current().search()
    }
    fn content_error(&self) -> Option<String> {
        self.current().content_error()
    }
}

enum Trigger {
    Files,
    Hangup,
}

/// Keeps the watcher alive; dropping it stops watching (the SIGHUP listener lives as long as
/// the process).
pub struct FollowHandle {
    _watcher: Option<notify::RecommendedWatcher>,
}

/// Starts following the site at `root`: returns the directory to give the receiver.
/// `watch`: react to file changes; `sighup`: react to SIGHUP (install only in the CLI).
pub fn follow(
    root: PathBuf,
    initial: Arc<dyn Directory>,
    loader: Loader,
    log: Log,
    watch: bool,
    sighup: bool,
) -> Result<(Arc<Following>, FollowHandle), String> {
    let following = Arc::new(Following::new(initial));
    let (tx, rx) = channel::<Trigger>();
    let watcher = if watch {
        Some(watch_site(&root, tx.clone())?)
    } else {
        None
    };
    if sighup {
        listen_for_hangup(tx.clone(), log.clone());
    }
    drop(tx);
    let target = following.clone();
    std::thread::Builder::new()
        .name("feedback-reload".into())
        .spawn(move || {
            while let Ok(first) = rx.recv() {
                let mut why = first;
                // Let the burst (an editor's save, a git pull) finish.
                let start = Instant::now();
                loop {
                    let left = MAX_WAIT.saturating_sub(start.elapsed());
                    if left.is_zero() {
                        break;
                    }
                    match rx.recv_timeout(QUIET.min(left)) {
                        Ok(t) => {
                            if matches!(t, Trigger::Hangup) {
                                why = t;
                            }
                        }
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                reload(&root, &target, &loader, &log, &why);
            }
        })
        .map_err(|e| format!("spawn: {e}"))?;
    Ok((following, FollowHandle { _watcher: watcher }))
}

fn watch_site(root: &Path, tx: Sender<Trigger>) -> Result<notify::RecommendedWatcher, String> {
    let mut w = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev {
            if !matches!(ev.kind, notify::EventKind::Access(_)) {
                let _ = tx.send(Trigger::Files);
            }
        }
    })
    .map_err(|e| format!("无法监视网站内容的变化 (cannot watch the site): {e}"))?;
    // The root itself, not recursively (site.toml, folders created later), and the folders
    // the windows depend on.
    w.watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("无法监视 {}：{e}", root.display()))?;
    for f in ["content", "calendar"] {
        let dir = root.join(f);
        if dir.is_dir() {
            w.watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| format!("无法监视 {}：{e}", dir.display()))?;
        }
    }
    Ok(w)
}

#[cfg(unix)]
fn listen_for_hangup(tx: Sender<Trigger>, log: Log) {
    let spawned = std::thread::Builder::new()
        .name("feedback-sighup".into())
        .spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    log(&format!("无法监听 SIGHUP (cannot listen for SIGHUP): {e}"));
                    return;
                }
            };
            rt.block_on(async move {
                use tokio::signal::unix::{signal, SignalKind};
                let Ok(mut hup) = signal(SignalKind::hangup()) else {
                    return;
                };
                while hup.recv().await.is_some() {
                    if tx.send(Trigger::Hangup).is_err() {
                        return;
                    }
                }
            });
        });
    drop(spawned);
}

#[cfg(not(unix))]
fn listen_for_hangup(_tx: Sender<Trigger>, _log: Log) {}

fn describe(w: &ConsultationWindow, tz: &jiff::tz::TimeZone) -> String {
    format!(
        "{}–{}{}",
        model::format_received(w.opens, tz),
        model::format_received(w.closes, tz),
        if w.withdrawn { "，已撤回" } else { "" }
    )
}

/// What changed between two sets of windows, one phrase per consultation.
pub fn changes(
    before: &[ConsultationWindow],
    after: &[ConsultationWindow],
    tz: &jiff::tz::TimeZone,
) -> Vec<String> {
    let mut out = Vec::new();
    for a in after {
        match before.iter().find(|b| b.id == a.id) {
            None => out.push(format!("新增 {}（{}）", a.id, describe(a, tz))),
            Some(b) if b != a => {
                if a.withdrawn && !b.withdrawn {
                    out.push(format!("{} 已撤回", a.id));
                } else {
                    out.push(format!("{} 改为 {}", a.id, describe(a, tz)));
                }
            }
            Some(_) => {}
        }
    }
    for b in before {
        if !after.iter().any(|a| a.id == b.id) {
            out.push(format!("删除 {}", b.id));
        }
    }
    out
}

fn reload(root: &Path, target: &Following, loader: &Loader, log: &Log, why: &Trigger) {
    let why = match why {
        Trigger::Files => "网站内容有变化 (content changed)",
        Trigger::Hangup => "收到 SIGHUP",
    };
    let loaded = loader(root).and_then(|next| match next.content_error() {
        // The build would not publish this state either: keep the windows in use.
        Some(e) => Err(e),
        None => Ok(next),
    });
    match loaded {
        Ok(next) => {
            let before = target.current().consultations();
            let after = next.consultations();
            let tz = next.time_zone();
            target.replace(next);
            let changed = changes(&before, &after, &tz);
            let what = if changed.is_empty() {
                "征集期限没有变化 (windows unchanged)".to_string()
            } else {
                changed.join("；")
            };
            log(&format!(
                "{why}：已重新读取 {} 个征集事项 (reloaded {} consultation windows)：{what}",
                after.len(),
                after.len()
            ));
        }
        Err(e) => log(&format!(
            "{why}，但网站内容有错误，继续使用原来的征集期限 (reload failed, keeping the old windows)：{}",
            e.lines().find(|l| !l.trim().is_empty()).unwrap_or("")
        )),
    }
}
