//! Watching the site's sources (`site.toml`, `content/`, `themes/`, `calendar/`) and turning
//! bursts of file events into one [`Batch`] per rebuild (a short quiet period, bounded).

use super::classify::{classify, Batch, Change};
use notify::{RecursiveMode, Watcher as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The folders watched recursively (when they exist).
const FOLDERS: [&str; 3] = ["content", "themes", "calendar"];

/// A burst ends after this long without events (an editor's save is a few events within a
/// millisecond or two).
const QUIET: Duration = Duration::from_millis(15);
/// After a file was closed from writing (the save is complete), a burst ends sooner: the
/// events of an editor's rename, if any, follow within this.
const QUIET_AFTER_CLOSE: Duration = Duration::from_millis(3);
/// A burst is cut after this long even if events keep coming.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// The watcher and its event queue.
pub(crate) struct Watcher {
    root: PathBuf,
    inner: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    watched: Vec<PathBuf>,
}

impl Watcher {
    /// Watch `root` (a canonical path).
    pub(crate) fn new(root: &Path) -> Result<Watcher, String> {
        let (tx, rx) = channel();
        let inner = notify::recommended_watcher(move |ev| {
            let _ = tx.send(ev);
        })
        .map_err(|e| format!("无法监视文件变化：{e}"))?;
        let mut w = Watcher {
            root: root.to_path_buf(),
            inner,
            rx,
            watched: Vec::new(),
        };
        // The root itself, not recursively: site.toml, and folders created later. Recursing
        // would also watch public/, target/ and .git/.
        w.inner
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| format!("无法监视 {}：{e}", root.display()))?;
        w.watch_folders()?;
        Ok(w)
    }

    fn watch_folders(&mut self) -> Result<(), String> {
        for f in FOLDERS {
            let dir = self.root.join(f);
            if dir.is_dir() && !self.watched.contains(&dir) {
                self.inner
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| format!("无法监视 {}：{e}", dir.display()))?;
                self.watched.push(dir);
            } else if !dir.is_dir() {
                // Removed: inotify dropped it; watch it again when it comes back.
                self.watched.retain(|d| d != &dir);
            }
        }
        Ok(())
    }

    /// Wait for the next batch of changes that matter (blocks; `None` when the watcher
    /// stopped).
    pub(crate) fn next_batch(&mut self) -> Option<Batch> {
        loop {
            let first = self.rx.recv().ok()?;
            let mut batch = Batch::default();
            let mut closed = written(&first);
            self.add(&mut batch, first);
            let start = Instant::now();
            loop {
                let left = MAX_WAIT.saturating_sub(start.elapsed());
                if left.is_zero() {
                    break;
                }
                let quiet = if closed { QUIET_AFTER_CLOSE } else { QUIET };
                match self.rx.recv_timeout(quiet.min(left)) {
                    Ok(ev) => {
                        closed = written(&ev);
                        self.add(&mut batch, ev)
                    }
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            // A watched folder created or removed at the root: follow it. Any doubt: rebuild all.
            if batch.full || batch.theme || !batch.content.is_empty() {
                crate::build::phase("watch: batch after its first event", start);
                if self.watch_folders().is_err() {
                    batch.full = true;
                }
                return Some(batch);
            }
        }
    }

    fn add(&self, batch: &mut Batch, ev: notify::Result<notify::Event>) {
        match ev {
            Ok(ev) => {
                if ev.need_rescan() {
                    batch.full = true;
                }
                if matches!(ev.kind, notify::EventKind::Access(_)) {
                    return;
                }
                for p in &ev.paths {
                    batch.add(classify(&self.root, p));
                }
            }
            // The watcher lost track: rebuild everything.
            Err(_) => batch.add(Change::Config),
        }
    }
}

/// Is this event a file closed after writing (a save completed)?
fn written(ev: &notify::Result<notify::Event>) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    matches!(
        ev,
        Ok(e) if e.kind == EventKind::Access(AccessKind::Close(AccessMode::Write))
    )
}
