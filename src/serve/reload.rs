//! Live reload: the hub that tells open event streams ([`super::events`]) a rebuild finished,
//! and the small script `serve` (only `serve`) injects before `</body>`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::watch;

/// The path of the event stream.
pub(crate) const EVENTS_PATH: &str = "/__gongshi/events";

/// At most this many pages listen at once; more are refused (503).
pub(crate) const MAX_LISTENERS: usize = 64;

/// The generation served now, watched by the open event streams.
pub(crate) struct Hub {
    generation: watch::Sender<u64>,
    active: AtomicUsize,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            generation: watch::Sender::new(0),
            active: AtomicUsize::new(0),
        }
    }
}

/// A place on the hub, released when dropped.
pub(crate) struct Ticket {
    hub: Arc<Hub>,
    /// Changes when another generation is served.
    pub rx: watch::Receiver<u64>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.hub.active.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hub {
    /// Join, unless [`MAX_LISTENERS`] already listen.
    pub(crate) fn join(self: &Arc<Self>) -> Option<Ticket> {
        let n = self.active.fetch_add(1, Ordering::SeqCst);
        if n >= MAX_LISTENERS {
            self.active.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Ticket {
            hub: self.clone(),
            rx: self.generation.subscribe(),
        })
    }

    /// Tell every listener that build `generation` is being served.
    pub(crate) fn broadcast(&self, generation: u64) {
        self.generation.send_replace(generation);
    }

    /// How many pages listen.
    #[cfg(test)]
    pub(crate) fn active(&self) -> usize {
        self.active.load(Ordering::SeqCst)
    }
}

/// One event in the SSE wire format.
pub(crate) fn event(name: &str, generation: u64) -> String {
    format!("event: {name}\ndata: {generation}\n\n")
}

/// The script: reload when the server serves another build than the one this page came from
/// (also right after connecting, so a rebuild that finished while the page loaded is not
/// missed). The stream comes from the page's own server. Pages work without it.
pub(crate) fn script(generation: u64) -> String {
    format!(
        "<script>/* gongshi serve：自动刷新 */(function(){{if(!window.EventSource)return;\
var g={generation},s=new EventSource(\"{EVENTS_PATH}\");\
function f(e){{if(Number(e.data)!==g){{s.close();location.reload();}}}}\
s.addEventListener(\"hello\",f);s.addEventListener(\"reload\",f);}})();</script>"
    )
}

/// Insert `extra` before the last `</body>` (or at the end when there is none).
pub(crate) fn inject(html: &[u8], extra: &str) -> Vec<u8> {
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + extra.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len())
        .rev()
        .find(|&i| hay[i..].starts_with(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_last_closing_body() {
        let out = inject(b"<p></body>x</body>\n</html>", "<s>");
        assert_eq!(out, b"<p></body>x<s></body>\n</html>");
        assert_eq!(inject(b"<p>", "<s>"), b"<p><s>");
    }

    #[test]
    fn the_script_knows_its_build_and_the_event_path() {
        let s = script(42);
        assert!(s.contains("g=42"));
        assert!(s.contains("EventSource(\"/__gongshi/events\")"));
        assert_eq!(event("reload", 7), "event: reload\ndata: 7\n\n");
    }

    #[test]
    fn listeners_are_limited_and_released() {
        let hub = Arc::new(Hub::default());
        let tickets: Vec<_> = (0..MAX_LISTENERS).filter_map(|_| hub.join()).collect();
        assert_eq!(tickets.len(), MAX_LISTENERS);
        assert!(hub.join().is_none());
        hub.broadcast(3);
        assert!(tickets[0].rx.has_changed().unwrap_or(false));
        assert_eq!(*tickets[0].rx.borrow(), 3);
        drop(tickets);
        assert_eq!(hub.active(), 0);
        assert!(hub.join().is_some());
    }
}
