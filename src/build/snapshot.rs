//! The build snapshot: what the preview's one-record rebuild ([`super::patch::LastBuild`])
//! holds, written to the cache folder after a `gongshi build`, so that a later process can
//! patch one edited record instead of loading the whole site (issue #23 §2; the plan and the
//! figures are in docs/dev/incremental.md).
//!
//! Only what cannot be made again cheaply is stored: every record as loaded and checked
//! (rendered bodies and Markdown fields included), the keys of every record read (drafts
//! too), the build's warnings, the live search index and the live exports. The rest is made
//! again on load: the configuration (`site.toml`, the synonyms), the site's lookup tables,
//! the holiday calendar, the clock-dependent facts and the git history (a pass over the
//! records, no file read), and the renderer.
//!
//! The format is MessagePack with field names (`rmp-serde`): the site model's serde
//! attributes were written for JSON and YAML (untagged enums, fields skipped when empty,
//! enumerated values read back from their Chinese words), which a format without field
//! names and types, such as postcard or bincode, cannot read back. The file starts with a
//! small header (format, program version, the build's time and options), read before the
//! body.

use super::cache::Memo;
use super::cache::StoredDiagnostic;
use super::patch::LastBuild;
use super::{phase, BuildError, BuildOptions, BuildReport, CacheOptions, Live};
use crate::content::Record;
use crate::diag::Diagnostics;
use crate::export::live::LiveExports;
use crate::search::live::LiveIndex;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// The snapshot's format; another one is ignored.
const FORMAT: u32 = 1;

/// The snapshot's file name inside the cache folder.
pub(crate) const FILE: &str = "snapshot.bin";

/// Read first: whether the body is worth reading.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Header {
    format: u32,
    gongshi: String,
    /// The build memo's digest of the key and inputs of the build that wrote it
    /// ([`super::cache::Memo::digest`]): the snapshot is used only after that build.
    inputs: String,
    now: jiff::Timestamp,
    drafts: bool,
}

/// The body as written (borrowing the build's state).
#[derive(Serialize)]
struct BodyOut<'a> {
    records: Vec<&'a Record>,
    keys: Vec<&'a String>,
    warnings: Vec<StoredDiagnostic>,
    search: Option<&'a LiveIndex>,
    exports: &'a LiveExports,
}

/// The body as read.
#[derive(Deserialize)]
struct BodyIn {
    records: Vec<Record>,
    keys: Vec<String>,
    warnings: Vec<StoredDiagnostic>,
    search: Option<LiveIndex>,
    exports: LiveExports,
}

/// Encode the state of a successful build.
#[cfg(test)]
pub(crate) fn encode(
    records: &[Arc<Record>],
    keys: &std::collections::HashSet<String>,
    warnings: &Diagnostics,
    live: &Live,
    inputs: &str,
    now: jiff::Timestamp,
    drafts: bool,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    encode_to(&mut out, records, keys, warnings, live, inputs, now, drafts)?;
    Ok(out)
}

/// Encode the state of a successful build into `out` (streamed: at 100,000 records the
/// snapshot is hundreds of megabytes, which must not be held beside the site model at the
/// end of a build).
#[allow(clippy::too_many_arguments)]
fn encode_to(
    out: &mut impl io::Write,
    records: &[Arc<Record>],
    keys: &std::collections::HashSet<String>,
    warnings: &Diagnostics,
    live: &Live,
    inputs: &str,
    now: jiff::Timestamp,
    drafts: bool,
) -> Result<(), String> {
    let header = Header {
        format: FORMAT,
        gongshi: env!("CARGO_PKG_VERSION").to_string(),
        inputs: inputs.to_string(),
        now,
        drafts,
    };
    let mut keys: Vec<&String> = keys.iter().collect();
    keys.sort();
    let body = BodyOut {
        records: records.iter().map(|r| &**r).collect(),
        keys,
        warnings: warnings.iter().map(StoredDiagnostic::from).collect(),
        search: live.search.as_ref(),
        exports: &live.exports,
    };
    rmp_serde::encode::write_named(out, &header).map_err(|e| e.to_string())?;
    rmp_serde::encode::write_named(out, &body).map_err(|e| e.to_string())?;
    Ok(())
}

/// Write the snapshot in `dir` with `fill` (atomically: a temporary file renamed). Returns
/// its size.
fn write_with(
    dir: &Path,
    fill: impl FnOnce(&mut dyn io::Write) -> Result<(), String>,
) -> io::Result<u64> {
    std::fs::create_dir_all(dir)?;
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    let mut w = io::BufWriter::with_capacity(1 << 20, tmp);
    fill(&mut w).map_err(io::Error::other)?;
    let tmp = w.into_inner().map_err(|e| e.into_error())?;
    let size = tmp.as_file().metadata()?.len();
    tmp.persist(dir.join(FILE)).map_err(|e| e.error)?;
    Ok(size)
}

/// Write `bytes` as the snapshot in `dir`.
#[cfg(test)]
pub(crate) fn write(dir: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(dir, |w| w.write_all(bytes).map_err(|e| e.to_string())).map(|_| ())
}

/// Remove the snapshot in `dir` (before the output folder changes).
pub(crate) fn forget(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(FILE));
}

/// The decoded snapshot, before the site is assembled around it.
pub(crate) struct Decoded {
    pub now: jiff::Timestamp,
    pub drafts: bool,
    records: Vec<Record>,
    keys: Vec<String>,
    warnings: Vec<StoredDiagnostic>,
    search: Option<LiveIndex>,
    exports: LiveExports,
}

/// Decode a snapshot taken after the build of digest `inputs`; `None` when it is of another
/// format, program version or build, or does not decode (a corrupt or truncated file).
pub(crate) fn decode(bytes: &[u8], inputs: &str) -> Option<Decoded> {
    let mut de = rmp_serde::Deserializer::from_read_ref(bytes);
    let header = Header::deserialize(&mut de).ok()?;
    if header.format != FORMAT
        || header.gongshi != env!("CARGO_PKG_VERSION")
        || header.inputs != inputs
    {
        return None;
    }
    let body = BodyIn::deserialize(&mut de).ok()?;
    Some(Decoded {
        now: header.now,
        drafts: header.drafts,
        records: body.records,
        keys: body.keys,
        warnings: body.warnings,
        search: body.search,
        exports: body.exports,
    })
}

/// The snapshot file of the cache folder `dir`.
pub(crate) fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

/// Read the snapshot in `dir` and make the rest of a [`LastBuild`] around it: the
/// configuration, the calendar, the facts and the renderer. `None` when anything is missing,
/// unreadable or of another version.
pub(crate) fn load(
    dir: &Path,
    opts: &BuildOptions,
    inputs: &str,
) -> Option<(LastBuild, crate::render::Theme)> {
    let t = Instant::now();
    let bytes = std::fs::read(path(dir)).ok()?;
    phase("snapshot: read", t);
    let t = Instant::now();
    let d = decode(&bytes, inputs)?;
    drop(bytes);
    phase("snapshot: decoded", t);
    let t = Instant::now();
    let (config, tz, _) = crate::content::load_config(&opts.root).ok()?;
    let root: Arc<Path> = Arc::from(opts.root.as_path());
    let records: Vec<Arc<Record>> = d
        .records
        .into_iter()
        .map(|r| Arc::new(r.rooted(&root)))
        .collect();
    let site = crate::content::assemble(
        &opts.root,
        config,
        tz,
        records,
        d.keys.into_iter().collect(),
    );
    phase("snapshot: site assembled", t);
    let t = Instant::now();
    let calendar = crate::calendar::Calendar::load(&opts.root).ok()?;
    let time = crate::facts::BuildTime { now: d.now };
    let (mut facts, _) = crate::facts::facts(&site, &calendar, &time);
    facts.history = crate::history::collect(&site.root);
    phase("snapshot: facts", t);
    let t = Instant::now();
    let theme = super::pipeline::load_theme(&site).ok()?;
    let renderer = Arc::new(super::pipeline::new_renderer(&theme).ok()?);
    phase("snapshot: renderer", t);
    let last = LastBuild {
        site,
        calendar,
        facts,
        warnings: Arc::new(
            d.warnings
                .into_iter()
                .map(StoredDiagnostic::restore)
                .collect(),
        ),
        renderer,
        now: d.now,
        drafts: d.drafts,
        live: Live {
            search: d.search,
            exports: d.exports,
        },
    };
    Some((last, theme))
}

/// What trying the snapshot gave.
pub(crate) enum Tried {
    /// The output folder was patched.
    Built(BuildReport),
    /// The patch failed after it began to change the output folder.
    Failed(BuildError),
    /// Build in full (the reason is for tests and the curious).
    Fallback(Box<Memo>, &'static str),
}

/// The one-record rebuild across processes: when the only input that changed since the last
/// build is one record file (the build memo's fingerprint says), load the snapshot, patch it
/// ([`super::patch::apply_to`]) and write only the files that changed into the output folder,
/// then the page cache, the memo and the snapshot again. Anything the patch cannot do is a
/// [`Tried::Fallback`], before the output folder was touched.
pub(crate) fn patch_build(
    opts: &BuildOptions,
    cache: &CacheOptions,
    memo: Box<Memo>,
    start: Instant,
) -> Tried {
    let out = opts.out.clone().unwrap_or_else(|| opts.root.join("public"));
    let dir = cache.dir_for(&out);
    if !cache.snapshot || cache.ignore || opts.feedback_db.is_some() || opts.strict {
        return Tried::Fallback(memo, "options");
    }
    if std::env::var_os("GONGSHI_STAGING").is_some() || !path(&dir).is_file() {
        return Tried::Fallback(memo, "no snapshot");
    }
    let t = Instant::now();
    let (Some(changed), Some(inputs), Some(totals)) = (
        memo.changed(&opts.root),
        memo.previous_digest(),
        memo.previous_totals(),
    ) else {
        return Tried::Fallback(memo, "not only content changed");
    };
    phase("snapshot: inputs compared", t);
    if changed.is_empty() || !changed.iter().all(|p| p.starts_with("content")) {
        return Tried::Fallback(memo, "not only content changed");
    }
    let Some((mut last, theme)) = load(&dir, opts, &inputs) else {
        return Tried::Fallback(memo, "snapshot not usable");
    };
    let pass = super::pages::Pass::open(cache, &theme, &out);
    if !pass.used {
        return Tried::Fallback(memo, "page cache not usable");
    }
    let t = Instant::now();
    let unchanged =
        |p: &str, template: &str, ctx: &serde_json::Value| pass.unchanged(p, template, ctx);
    let patched = match super::patch::apply_to(&mut last, &unchanged, opts, &changed) {
        super::patch::Outcome::Patched(p) => p,
        super::patch::Outcome::Fallback(why) => return Tried::Fallback(memo, why),
    };
    phase("snapshot: patched", t);
    if patched.search_remade {
        return Tried::Fallback(memo, "the search index was made again");
    }
    let t = Instant::now();
    // Sizes before, for the report's totals.
    let before: Vec<Option<u64>> = patched
        .files
        .iter()
        .map(|(p, _)| {
            std::fs::symlink_metadata(out.join(p))
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len())
        })
        .collect();
    let mut update = match super::output::InPlace::begin(&out) {
        Ok(u) => u,
        Err(_) => return Tried::Fallback(memo, "the output folder cannot be written"),
    };
    if update.write(&patched.files).is_err() {
        return Tried::Fallback(memo, "the output folder cannot be written");
    }
    // Nothing in the output folder has changed yet. The page cache and the snapshot go
    // first (the memo went at lookup): a crash from here on is followed by a full build.
    pass.invalidate();
    forget(&dir);
    let stats = match update.apply() {
        Ok(s) => s,
        Err(e) => return Tried::Failed(BuildError::Io(e.to_string())),
    };
    phase("snapshot: applied in place", t);
    let t = Instant::now();
    let (mut files, mut bytes) = (totals.files, totals.bytes);
    for ((p, _), old) in patched.files.iter().zip(&before) {
        let new = std::fs::symlink_metadata(out.join(p))
            .map(|m| m.len())
            .unwrap_or(0);
        match old {
            Some(n) => bytes = bytes.saturating_sub(*n).saturating_add(new),
            None => {
                files += 1;
                bytes = bytes.saturating_add(new);
            }
        }
    }
    // As the page cache reports them: the pages whose template or view model changed.
    let rendered_pages: Vec<String> = patched
        .keys
        .iter()
        .filter(|(p, k)| !pass.had(p, k))
        .map(|(p, _)| p.clone())
        .collect();
    let report = BuildReport {
        records: patched.records,
        pages: totals.pages,
        files,
        written: stats.written,
        bytes,
        millis: start.elapsed().as_millis(),
        warnings: (*patched.warnings).clone(),
        out: out.clone(),
        // Counted as the page cache counts them (the patch also renders pages it cannot
        // tell unchanged, feeds for one; their bytes are the same and are not written).
        rendered: rendered_pages.len(),
        rerendered: Some(rendered_pages),
        notes: Vec::new(),
        patched: true,
    };
    pass.save_patched(&out, patched.keys);
    phase("snapshot: page cache saved", t);
    let t = Instant::now();
    let digest = memo.digest();
    memo.save(&report, &last.site.tz, &last.facts);
    phase("snapshot: memo saved", t);
    if let Some(digest) = digest {
        save(&dir, &last.site, &last.warnings, &last.live, &digest, opts);
    }
    Tried::Built(report)
}

/// Encode and write the snapshot of a successful build (timed); failing only means the next
/// build is a full one.
pub(crate) fn save(
    dir: &Path,
    site: &crate::content::Site,
    warnings: &Diagnostics,
    live: &Live,
    digest: &str,
    opts: &BuildOptions,
) {
    let t = Instant::now();
    let written = write_with(dir, |mut w| {
        encode_to(
            &mut w,
            &site.records,
            &site.keys,
            warnings,
            live,
            digest,
            opts.now,
            opts.drafts,
        )
    });
    if let Ok(size) = written {
        phase(&format!("snapshot written ({size} bytes)"), t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> BuildOptions {
        BuildOptions {
            root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            out: None,
            now: "2026-11-25T10:00:00+08:00"
                .parse()
                .unwrap_or_else(|e| panic!("{e}")),
            drafts: false,
            strict: false,
            feedback_db: None,
        }
    }

    #[test]
    fn the_example_site_survives_the_round_trip() {
        let opts = opts();
        let mut reuse = crate::build::Reuse::default();
        crate::build::render_site_with(&opts, &|_, _| {}, Some(&mut reuse))
            .unwrap_or_else(|_| panic!("build failed"));
        let last = reuse.last.unwrap_or_else(|| panic!("no last build"));
        let bytes = encode(
            &last.site.records,
            &last.site.keys,
            &last.warnings,
            &last.live,
            "inputs",
            last.now,
            last.drafts,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        write(tmp.path(), &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert!(load(tmp.path(), &opts, "other inputs").is_none());
        let (back, _) = load(tmp.path(), &opts, "inputs").unwrap_or_else(|| panic!("did not load"));
        assert_eq!(back.site.records.len(), last.site.records.len());
        // Everything stored reads back as it was written (compared as JSON, whose maps are
        // sorted: the live exports' hash maps are encoded in no fixed order).
        let canonical = |l: &LastBuild| {
            let mut keys: Vec<&String> = l.site.keys.iter().collect();
            keys.sort();
            serde_json::to_value(BodyOut {
                records: l.site.records.iter().map(|r| &**r).collect(),
                keys,
                warnings: l.warnings.iter().map(StoredDiagnostic::from).collect(),
                search: l.live.search.as_ref(),
                exports: &l.live.exports,
            })
            .unwrap_or_else(|e| panic!("{e}"))
        };
        assert!(
            canonical(&back) == canonical(&last),
            "the snapshot changed something"
        );
        assert!(back.live.search.is_some());
        // The facts made again are those of the build.
        assert_eq!(back.facts.windows, last.facts.windows);
        assert_eq!(back.facts.days_left, last.facts.days_left);
        assert_eq!(back.facts.reviewed_by, last.facts.reviewed_by);
        // A truncated or corrupt file, or another version, is refused.
        assert!(decode(&bytes, "inputs").is_some());
        assert!(decode(&bytes[..bytes.len() / 2], "inputs").is_none());
        let mut bad = bytes.clone();
        bad[0] ^= 0xff;
        assert!(decode(&bad, "inputs").is_none());
        let mut other = Vec::new();
        rmp_serde::encode::write_named(
            &mut other,
            &Header {
                format: FORMAT,
                gongshi: "0.0.0-other".into(),
                inputs: "inputs".into(),
                now: last.now,
                drafts: false,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut ours = Vec::new();
        rmp_serde::encode::write_named(
            &mut ours,
            &Header {
                format: FORMAT,
                gongshi: env!("CARGO_PKG_VERSION").into(),
                inputs: "inputs".into(),
                now: last.now,
                drafts: false,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(bytes.starts_with(&ours));
        let header_len = ours.len();
        other.extend_from_slice(&bytes[header_len..]);
        assert!(decode(&other, "inputs").is_none());
    }
}

#[cfg(test)]
mod sizes {
    use super::*;

    /// What each part of a snapshot weighs (`GONGSHI_SNAPSHOT_SIZES=FILE`; not a check).
    #[test]
    fn part_sizes() {
        let Some(file) = std::env::var_os("GONGSHI_SNAPSHOT_SIZES") else {
            return;
        };
        let bytes = std::fs::read(file).unwrap_or_default();
        let mut de = rmp_serde::Deserializer::from_read_ref(&bytes[..]);
        let _ = Header::deserialize(&mut de).unwrap_or_else(|e| panic!("{e}"));
        let b = BodyIn::deserialize(&mut de).unwrap_or_else(|e| panic!("{e}"));
        let len = |v: &dyn erased::Ser| v.len();
        mod erased {
            pub(super) trait Ser {
                fn len(&self) -> usize;
            }
            impl<T: serde::Serialize> Ser for T {
                fn len(&self) -> usize {
                    rmp_serde::to_vec_named(self).map(|v| v.len()).unwrap_or(0)
                }
            }
        }
        let html: usize = b.records.iter().map(|r| r.body.html.len()).sum();
        let text: usize = b.records.iter().map(|r| r.body.text.len()).sum();
        let md: usize = b.records.iter().map(|r| len(&r.md)).sum();
        let data: usize = b
            .records
            .iter()
            .map(|r| {
                let mut v = Vec::new();
                let mut s = rmp_serde::Serializer::new(&mut v).with_struct_map();
                r.data
                    .serialize_tagged(&mut s)
                    .map(|_| v.len())
                    .unwrap_or(0)
            })
            .sum();
        let common: usize = b.records.iter().map(|r| len(&r.common)).sum();
        eprintln!(
            "file {} records {} (n={}: body html {html} text {text}, md fields {md}, data {data}, common {common}) keys {} warnings {} search {} exports {}",
            bytes.len(),
            len(&b.records),
            b.records.len(),
            len(&b.keys),
            len(&b.warnings),
            len(&b.search),
            len(&b.exports)
        );
    }
}
