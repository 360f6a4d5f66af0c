//! The receiver's event log: one line per event on stderr, `key=value` pairs (logfmt), e.g.
//!
//! ```text
//! level=info event=start addr=127.0.0.1:8787 db=/var/lib/gongshi/feedback.sqlite3 …
//! level=error event=store_failed entries=3 error="database or disk is full"
//! ```
//!
//! Under systemd (stderr connected to the journal, `JOURNAL_STREAM`) each line starts with a
//! `<N>` syslog priority, so `journalctl -p warning` shows warnings and errors only. Lines
//! never carry personal data: no client address, name, contact or text — refusals are counted
//! by kind. The event names and fields are listed in docs/feedback.md ("Logs").

use std::collections::{BTreeMap, HashMap};
use std::fmt::{self, Display, Write as _};
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warn,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
    /// syslog priority (journald reads `<N>` at the start of a line).
    fn priority(self) -> u8 {
        match self {
            Level::Info => 6,
            Level::Warn => 4,
            Level::Error => 3,
        }
    }
}

type Writer = Arc<dyn Fn(Level, &str) + Send + Sync>;

/// Where the receiver's event lines go. `none()` (the default of `ServeOptions::new`) drops
/// them; the CLI uses `stderr()`; tests collect them with `with`.
#[derive(Clone)]
pub struct LogSink {
    write: Option<Writer>,
    min: Level,
    throttle: Arc<Mutex<HashMap<String, (Instant, u64)>>>,
}

impl fmt::Debug for LogSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LogSink")
            .field("enabled", &self.write.is_some())
            .field("min", &self.min)
            .finish()
    }
}

impl Default for LogSink {
    fn default() -> Self {
        LogSink::none()
    }
}

/// How often a repeated event of the same key is written at most.
const THROTTLE: Duration = Duration::from_secs(10);

impl LogSink {
    pub fn none() -> LogSink {
        LogSink {
            write: None,
            min: Level::Info,
            throttle: Arc::default(),
        }
    }

    /// Lines to stderr, with a `<N>` priority prefix when stderr is the systemd journal.
    pub fn stderr() -> LogSink {
        let journal = stderr_is_journal();
        LogSink::from_fn(move |level, line| {
            let mut err = std::io::stderr().lock();
            let _ = if journal {
                writeln!(err, "<{}>{line}", level.priority())
            } else {
                writeln!(err, "{line}")
            };
        })
    }

    /// Every line (without priority prefix) to `f`.
    pub fn with(f: impl Fn(&str) + Send + Sync + 'static) -> LogSink {
        LogSink::from_fn(move |_, line| f(line))
    }

    fn from_fn(f: impl Fn(Level, &str) + Send + Sync + 'static) -> LogSink {
        LogSink {
            write: Some(Arc::new(f)),
            min: Level::Info,
            throttle: Arc::default(),
        }
    }

    /// Drops events below `min`.
    pub fn min_level(mut self, min: Level) -> LogSink {
        self.min = min;
        self
    }

    pub fn enabled(&self, level: Level) -> bool {
        self.write.is_some() && level >= self.min
    }

    /// Writes one event line.
    pub fn event(&self, level: Level, event: &str, fields: &[(&str, &dyn Display)]) {
        if !self.enabled(level) {
            return;
        }
        if let Some(w) = &self.write {
            w(level, &line(level, event, fields));
        }
    }

    /// Like `event`, but an event with the same `key` is written at most once per 10 s; the
    /// next line written says how many were left out (`repeated=N`).
    pub fn throttled(&self, key: &str, level: Level, event: &str, fields: &[(&str, &dyn Display)]) {
        if !self.enabled(level) {
            return;
        }
        let now = Instant::now();
        let skipped = {
            let Ok(mut t) = self.throttle.lock() else {
                return;
            };
            if t.len() > 1000 {
                t.clear();
            }
            match t.get_mut(key) {
                Some((last, n)) if now.duration_since(*last) < THROTTLE => {
                    *n += 1;
                    return;
                }
                Some((last, n)) => {
                    let skipped = *n;
                    *last = now;
                    *n = 0;
                    skipped
                }
                None => {
                    t.insert(key.to_string(), (now, 0));
                    0
                }
            }
        };
        if skipped == 0 {
            self.event(level, event, fields);
        } else {
            let mut all: Vec<(&str, &dyn Display)> = fields.to_vec();
            all.push(("repeated", &skipped));
            self.event(level, event, &all);
        }
    }
}

/// `level=… event=… k=v …`; values are quoted when they contain spaces, quotes, `=` or
/// control characters (escaped, so one event is always one line).
pub fn line(level: Level, event: &str, fields: &[(&str, &dyn Display)]) -> String {
    let mut s = format!("level={} event={event}", level.as_str());
    for (k, v) in fields {
        s.push(' ');
        s.push_str(k);
        s.push('=');
        push_value(&mut s, &v.to_string());
    }
    s
}

fn push_value(out: &mut String, v: &str) {
    let plain = !v.is_empty()
        && v.chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != '"' && c != '=' && c != '\\');
    if plain {
        out.push_str(v);
        return;
    }
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// systemd sets `JOURNAL_STREAM=<dev>:<inode>` for a service whose stderr is the journal.
fn stderr_is_journal() -> bool {
    let Some(want) = std::env::var_os("JOURNAL_STREAM") else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(m) = std::fs::metadata("/proc/self/fd/2") {
            return want.to_string_lossy() == format!("{}:{}", m.dev(), m.ino());
        }
    }
    !want.is_empty()
}

/// Counts of answers by kind between two summary lines (no addresses, no content).
#[derive(Default)]
pub struct Tally {
    accepted: AtomicU64,
    duplicates: AtomicU64,
    refused: Mutex<BTreeMap<String, u64>>,
}

impl Tally {
    pub fn accepted(&self, duplicate: bool) {
        self.accepted.fetch_add(1, Ordering::Relaxed);
        if duplicate {
            self.duplicates.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn refused(&self, kind: &str) {
        if let Ok(mut m) = self.refused.lock() {
            match m.get_mut(kind) {
                Some(n) => *n += 1,
                None => {
                    m.insert(kind.to_string(), 1);
                }
            }
        }
    }

    /// Writes `event=summary` with the counts since the last call, if there were any.
    pub fn flush(&self, log: &LogSink, seconds: u64) {
        let accepted = self.accepted.swap(0, Ordering::Relaxed);
        let duplicates = self.duplicates.swap(0, Ordering::Relaxed);
        let refused = self
            .refused
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default();
        if accepted == 0 && refused.is_empty() {
            return;
        }
        let total: u64 = refused.values().sum();
        let mut fields: Vec<(&str, &dyn Display)> = vec![
            ("seconds", &seconds),
            ("accepted", &accepted),
            ("duplicates", &duplicates),
            ("refused", &total),
        ];
        for (k, n) in &refused {
            fields.push((k.as_str(), n));
        }
        log.event(Level::Info, "summary", &fields);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_logfmt_and_one_line() {
        let l = line(
            Level::Error,
            "store_failed",
            &[("entries", &3), ("error", &"disk \"full\"\nnext")],
        );
        assert_eq!(
            l,
            "level=error event=store_failed entries=3 error=\"disk \\\"full\\\"\\nnext\""
        );
        assert_eq!(
            line(Level::Info, "x", &[("k", &"")]),
            "level=info event=x k=\"\""
        );
    }

    #[test]
    fn throttled_events_are_counted() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let l2 = lines.clone();
        let log = LogSink::with(move |s| {
            l2.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(s.to_string())
        });
        for _ in 0..5 {
            log.throttled("k", Level::Error, "store_failed", &[]);
        }
        assert_eq!(lines.lock().map(|l| l.len()).unwrap_or(0), 1);
    }
}
