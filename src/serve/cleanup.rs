//! What the preview leaves on disk — its temporary feedback database, which holds whatever
//! was typed into the preview's forms (names, phone numbers) — is removed on every way out: a
//! normal end, an error, Ctrl+C (SIGINT), SIGTERM, SIGHUP (the terminal closed), and a panic
//! of the main thread. Only SIGKILL cannot be caught; the folder is private (0700) and in the
//! system's temporary folder, which the system empties.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static PATHS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn paths() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    match PATHS.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Remove `path` (a folder) on the way out.
pub(crate) fn register(path: &Path) {
    paths().push(path.to_path_buf());
}

/// No longer remove `path` (it was removed by its owner).
pub(crate) fn unregister(path: &Path) {
    paths().retain(|p| p != path);
}

/// Remove every registered folder now.
pub(crate) fn remove_all() {
    for p in paths().drain(..) {
        let _ = std::fs::remove_dir_all(&p);
    }
}

/// On SIGINT, SIGTERM and SIGHUP (Ctrl+C elsewhere): remove the registered folders and end
/// the process with 128 + the signal's number (130, 143, 129), as a shell would report it.
/// Also on a panic of the main thread. Call once, early.
pub(crate) fn on_signals() -> Result<(), String> {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("main") {
            remove_all();
        }
        previous(info);
    }));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("无法监听退出信号：{e}"))?;
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{signal, SignalKind};
        let _guard = runtime.enter();
        let make = |k: SignalKind| signal(k).map_err(|e| format!("无法监听退出信号：{e}"));
        (
            make(SignalKind::interrupt())?,
            make(SignalKind::terminate())?,
            make(SignalKind::hangup())?,
        )
    };
    std::thread::Builder::new()
        .name("preview-signals".into())
        .spawn(move || {
            #[cfg(unix)]
            let code = runtime.block_on(async move {
                let (mut int, mut term, mut hup) = signals;
                tokio::select! {
                    _ = int.recv() => 130,
                    _ = term.recv() => 143,
                    _ = hup.recv() => 129,
                }
            });
            #[cfg(not(unix))]
            let code = runtime.block_on(async {
                let _ = tokio::signal::ctrl_c().await;
                130
            });
            remove_all();
            std::process::exit(code);
        })
        .map_err(|e| format!("无法监听退出信号：{e}"))?;
    Ok(())
}
