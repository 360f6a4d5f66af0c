//! Benchmark (not a test): what each incremental layer of the build saves, on one site, in
//! one process (docs/performance.md, "Incremental layers").
//!
//! ```text
//! cargo run --release --example rebuild_layers -- --root SITE --record content/documents/x.md \
//!     [--runs 5] [--out /dev/shm/out]
//! ```
//! Measures, each as the median of `--runs`:
//! * `gongshi build`: a no-op rebuild with the build memo (`build::cache`) and without it;
//! * the preview: a no-op rebuild reusing the last build (`build::Reuse`), and a one-record
//!   edit (the record's body) with the one-record rebuild (`build::patch`), without it (a
//!   rebuild reusing the loaded records and the pages whose view model did not change), and
//!   without any reuse.
//!
//! The record file is edited in place and restored at the end.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gongshi::build::{self, patch, BuildOptions, Reuse};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn time<T>(f: impl FnOnce() -> T) -> (Duration, T) {
    let t = Instant::now();
    let r = f();
    (t.elapsed(), r)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = PathBuf::from(arg(&args, "--root").expect("--root SITE"));
    let rel = PathBuf::from(arg(&args, "--record").expect("--record content/…"));
    let runs: usize = arg(&args, "--runs").map_or(5, |n| n.parse().expect("--runs N"));
    let out =
        PathBuf::from(arg(&args, "--out").unwrap_or_else(|| "/dev/shm/rebuild-layers".into()));
    let now: jiff::Timestamp = "2026-11-25T02:00:00Z".parse().unwrap();
    let opts = BuildOptions {
        root: root.clone(),
        out: Some(out.clone()),
        now,
        drafts: false,
        strict: false,
        feedback_db: None,
    };
    let quiet = |_: usize, _: usize| {};
    let file = root.join(&rel);
    let original = std::fs::read_to_string(&file).expect("the record file");
    let mut edits = 0usize;
    let mut edit = || {
        edits += 1;
        std::fs::write(&file, format!("{original}\n修改 {edits}。\n")).unwrap();
    };

    // `gongshi build`.
    build::cache::forget(&opts);
    let (full, r) = time(|| build::build(&opts, &quiet));
    let r = r.unwrap_or_else(|e| panic!("build: {e:?}"));
    println!("build, full (no memo): {} ({} pages)", ms(full), r.pages);
    let memo: Vec<Duration> = (0..runs)
        .map(|_| time(|| build::build(&opts, &quiet).unwrap()).0)
        .collect();
    println!("build, no-op, with the memo: {}", ms(median(memo)));
    let no_memo: Vec<Duration> = (0..runs)
        .map(|_| {
            build::cache::forget(&opts);
            time(|| build::build(&opts, &quiet).unwrap()).0
        })
        .collect();
    println!("build, no-op, without the memo: {}", ms(median(no_memo)));

    // The preview.
    let mut reuse = Reuse::default();
    let (first, r) = time(|| build::render_site_with(&opts, &quiet, Some(&mut reuse)));
    r.unwrap_or_else(|e| panic!("render: {e:?}"));
    println!("preview, first build: {}", ms(first));
    let noop: Vec<Duration> = (0..runs)
        .map(|_| {
            time(|| {
                build::render_site_with(&opts, &quiet, Some(&mut reuse)).unwrap();
            })
            .0
        })
        .collect();
    println!("preview, no-op rebuild (reuse): {}", ms(median(noop)));
    let patched: Vec<Duration> = (0..runs)
        .map(|_| {
            edit();
            time(|| {
                reuse.records.forget(&rel);
                match patch::apply(&mut reuse, &opts, std::slice::from_ref(&rel)) {
                    patch::Outcome::Patched(_) => {}
                    patch::Outcome::Fallback(why) => panic!("fell back: {why}"),
                }
            })
            .0
        })
        .collect();
    println!("preview, one-record edit, patch: {}", ms(median(patched)));
    let reused: Vec<Duration> = (0..runs)
        .map(|_| {
            edit();
            time(|| {
                reuse.records.forget(&rel);
                build::render_site_with(&opts, &quiet, Some(&mut reuse)).unwrap();
            })
            .0
        })
        .collect();
    println!(
        "preview, one-record edit, no patch (reuse): {} ({} pages rendered)",
        ms(median(reused)),
        reuse.last_rendered
    );
    let plain: Vec<Duration> = (0..runs)
        .map(|_| {
            edit();
            time(|| {
                build::render_site(&opts, &quiet).unwrap();
            })
            .0
        })
        .collect();
    println!(
        "preview, one-record edit, no reuse at all: {}",
        ms(median(plain))
    );
    std::fs::write(&file, original).unwrap();
    build::cache::forget(&opts);
    let _ = std::fs::remove_dir_all(&out);
}
