//! The build snapshot: what the preview's one-record rebuild ([`super::patch::LastBuild`])
//! holds, written to the cache folder after a `gongshi build`, so that a later process can
//! patch one edited record instead of loading the whole site (issue #23 §2; the plan and the
//! figures are in docs/dev/incremental.md).
//!
//! Only what cannot be made again cheaply is stored: every record as loaded and checked
//! (rendered bodies and Markdown fields included), the keys of every record read (drafts
//! too), the build's warnings, the live search index and the live exports. The rest is made
//! again on load: the configuration (`site.toml`, the synonyms), the site's lookup tables,
//! the holiday calendar, the clock-dependent facts (a pass over the records, no file read),
//! the git history (kept in a file of its own, [`super::history_cache`]) and the renderer.
//!
//! The format is MessagePack with field names (`rmp-serde`): the site model's serde
//! attributes were written for JSON and YAML (untagged enums, fields skipped when empty,
//! enumerated values read back from their Chinese words), which a format without field
//! names and types, such as postcard or bincode, cannot read back. The file starts with a
//! small header (format, program version, the build's time and options), read before the
//! body. A record's body and Markdown fields and the open data fragments are stored as their
//! own encoded bytes and decoded when the patch reads them ([`crate::lazy`]); one
//! that does not decode makes the patch a full build.

use super::cache::Memo;
use super::cache::StoredDiagnostic;
use super::patch::LastBuild;
use super::{phase, BuildError, BuildOptions, BuildReport, CacheOptions, Live};
use crate::content::Record;
use crate::diag::Diagnostics;
use crate::export::live::LiveExports;
use crate::search::live::LiveIndex;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The snapshot's format; another one is ignored.
const FORMAT: u32 = 4;

/// The snapshot's index file inside the cache folder (the parts are beside it).
pub(crate) const FILE: &str = "snapshot.bin";

/// How a part file's name starts and ends (`snapshot-<unique>.part`).
const PART_PREFIX: &str = "snapshot-";
const PART_SUFFIX: &str = ".part";

/// Records per part: a one-record patch writes again the part of the edited record only.
const CHUNK: usize = 2048;

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

/// One part file: its name in the cache folder and its length (a part of another length is
/// not the one written).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PartRef {
    name: String,
    len: u64,
}

/// What follows the header in the index file: the part holding each piece of the state.
#[derive(Debug, Serialize, Deserialize)]
struct Index {
    keys: PartRef,
    warnings: PartRef,
    search: PartRef,
    exports: PartRef,
    /// The records in site order, [`CHUNK`] to a part, with the number each part holds.
    records: Vec<(PartRef, usize)>,
    /// Parts of earlier snapshots that the search and exports parts refer to: values a patch
    /// left unchanged are written as references to where they already are
    /// ([`crate::lazy::writing_refs`]), not copied again.
    kept: Vec<PartRef>,
}

/// What a loaded snapshot lends to the next one written after a patch: its record parts and
/// the records read from them, in site order (a part whose records are all still the same
/// [`Arc`]s is not written again).
pub(crate) struct Parts {
    records: Vec<(PartRef, usize)>,
    loaded: Vec<Arc<Record>>,
    /// The warnings part, while the warnings are still those it holds.
    warnings: Option<PartRef>,
}

impl Parts {
    /// The warnings changed: their part is written again.
    pub(crate) fn warnings_changed(&mut self) {
        self.warnings = None;
    }
}

/// One piece of the state to encode into a part.
enum Job<'a> {
    Keys(Vec<&'a String>),
    Warnings(&'a Diagnostics),
    Search(Option<&'a LiveIndex>),
    Exports(&'a LiveExports),
    Records(&'a [Arc<Record>]),
    /// A records part kept from the last snapshot.
    Kept(PartRef),
}

/// A part as decoded.
enum Part {
    Keys(Vec<String>),
    Warnings(Vec<StoredDiagnostic>),
    Search(Option<LiveIndex>),
    Exports(LiveExports),
    Records(Vec<Record>),
}

/// A new part file name in `dir` (unique within the process and across processes).
fn part_name() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{PART_PREFIX}{nanos:x}-{}-{}{PART_SUFFIX}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Encode `value` (MessagePack with field names) into a new part file in `dir`.
fn write_part(dir: &Path, value: &impl Serialize) -> io::Result<PartRef> {
    let name = part_name();
    let file = std::fs::File::create(dir.join(&name))?;
    let mut w = io::BufWriter::with_capacity(1 << 20, file);
    rmp_serde::encode::write_named(&mut w, value).map_err(io::Error::other)?;
    let file = w.into_inner().map_err(|e| e.into_error())?;
    let len = file.metadata()?.len();
    Ok(PartRef { name, len })
}

/// The parts a written part refers to, by name, with their lengths.
type Refs = std::collections::BTreeMap<String, u64>;

impl Job<'_> {
    /// Write the part; with the parts it refers to.
    fn write(&self, dir: &Path) -> io::Result<(PartRef, Refs)> {
        use crate::lazy::writing_refs;
        let alone = |p: io::Result<PartRef>| p.map(|p| (p, Refs::new()));
        let referring = |(p, refs): (io::Result<PartRef>, Refs)| p.map(|p| (p, refs));
        match self {
            Job::Keys(keys) => alone(write_part(dir, keys)),
            Job::Warnings(w) => {
                let w: Vec<StoredDiagnostic> = w.iter().map(StoredDiagnostic::from).collect();
                alone(write_part(dir, &w))
            }
            // A patch changes a handful of their values: the rest are referred to.
            Job::Search(s) => referring(writing_refs(|| write_part(dir, s))),
            Job::Exports(e) => referring(writing_refs(|| write_part(dir, e))),
            Job::Records(r) => {
                let r: Vec<&Record> = r.iter().map(|r| &**r).collect();
                alone(write_part(dir, &r))
            }
            Job::Kept(p) => Ok((p.clone(), Refs::new())),
        }
    }
}

/// Write the snapshot of a successful build into `dir`: the parts (in parallel; record parts
/// whose records `reuse` still holds unchanged are kept), then the index file (atomically: a
/// temporary file renamed), then the part files no index names are removed. Returns the
/// bytes written.
#[allow(clippy::too_many_arguments)]
fn write_snapshot(
    dir: &Path,
    records: &[Arc<Record>],
    keys: &std::collections::HashSet<String>,
    warnings: &Diagnostics,
    live: &Live,
    inputs: &str,
    now: jiff::Timestamp,
    drafts: bool,
    reuse: Option<&Parts>,
) -> io::Result<u64> {
    std::fs::create_dir_all(dir)?;
    let header = Header {
        format: FORMAT,
        gongshi: env!("CARGO_PKG_VERSION").to_string(),
        inputs: inputs.to_string(),
        now,
        drafts,
    };
    let mut keys: Vec<&String> = keys.iter().collect();
    keys.sort();
    let mut jobs = vec![
        Job::Keys(keys),
        match reuse.and_then(|p| p.warnings.clone()) {
            Some(part) => Job::Kept(part),
            None => Job::Warnings(warnings),
        },
        Job::Search(live.search.as_ref()),
        Job::Exports(&live.exports),
    ];
    let mut start = 0;
    for (i, chunk) in records.chunks(CHUNK).enumerate() {
        let kept = reuse.and_then(|p| {
            let (part, n) = p.records.get(i)?;
            let old = p.loaded.get(start..start + chunk.len())?;
            let same = *n == chunk.len()
                && p.loaded.len() == records.len()
                && old.iter().zip(chunk).all(|(a, b)| Arc::ptr_eq(a, b));
            same.then(|| part.clone())
        });
        jobs.push(kept.map_or(Job::Records(chunk), Job::Kept));
        start += chunk.len();
    }
    let mut written: u64 = 0;
    let parts = jobs
        .par_iter()
        .map(|j| {
            let fresh = !matches!(j, Job::Kept(_));
            j.write(dir).map(|(p, refs)| (p, refs, fresh))
        })
        .collect::<Vec<io::Result<(PartRef, Refs, bool)>>>();
    let mut refs = Vec::with_capacity(parts.len());
    let mut kept = Refs::new();
    let mut failed = None;
    for p in parts {
        match p {
            Ok((p, to, fresh)) => {
                if fresh {
                    written += p.len;
                }
                refs.push(p);
                kept.extend(to);
            }
            Err(e) => failed = Some(e),
        }
    }
    if let Some(e) = failed {
        collect_garbage(dir, &[]);
        return Err(e);
    }
    let mut refs = refs.into_iter();
    let mut next = || {
        refs.next()
            .ok_or_else(|| io::Error::other("a part is missing"))
    };
    let index = Index {
        keys: next()?,
        warnings: next()?,
        search: next()?,
        exports: next()?,
        records: records
            .chunks(CHUNK)
            .map(|c| next().map(|p| (p, c.len())))
            .collect::<io::Result<_>>()?,
        kept: kept
            .into_iter()
            .map(|(name, len)| PartRef { name, len })
            .collect(),
    };
    let tmp = tempfile::NamedTempFile::new_in(dir)?;
    let mut w = io::BufWriter::new(tmp);
    rmp_serde::encode::write_named(&mut w, &header).map_err(io::Error::other)?;
    rmp_serde::encode::write_named(&mut w, &index).map_err(io::Error::other)?;
    let tmp = w.into_inner().map_err(|e| e.into_error())?;
    written += tmp.as_file().metadata()?.len();
    tmp.persist(dir.join(FILE)).map_err(|e| e.error)?;
    let mut names: Vec<&str> = [&index.keys, &index.warnings, &index.search, &index.exports]
        .into_iter()
        .map(|p| p.name.as_str())
        .collect();
    names.extend(index.records.iter().map(|(p, _)| p.name.as_str()));
    names.extend(index.kept.iter().map(|p| p.name.as_str()));
    collect_garbage(dir, &names);
    Ok(written)
}

/// Remove the part files in `dir` other than `keep`.
fn collect_garbage(dir: &Path, keep: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let keep: std::collections::HashSet<&str> = keep.iter().copied().collect();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if name.starts_with(PART_PREFIX) && name.ends_with(PART_SUFFIX) && !keep.contains(name) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Make the snapshot in `dir` unusable (before the output folder changes): its index file
/// goes; the parts stay for the snapshot written after a patch, which removes those it does
/// not name.
pub(crate) fn forget(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(FILE));
}

/// Remove the snapshot in `dir`, index and parts (a full build, or one without
/// `--snapshot`).
pub(crate) fn forget_all(dir: &Path) {
    forget(dir);
    collect_garbage(dir, &[]);
}

/// The decoded snapshot, before the site is assembled around it.
pub(crate) struct Decoded {
    pub now: jiff::Timestamp,
    pub drafts: bool,
    records: Vec<Vec<Record>>,
    parts: Vec<(PartRef, usize)>,
    warnings_part: PartRef,
    keys: Vec<String>,
    warnings: Vec<StoredDiagnostic>,
    search: Option<LiveIndex>,
    exports: LiveExports,
}

/// Read the header and index of the snapshot whose index file holds `bytes`, taken after the
/// build of digest `inputs`; `None` when it is of another format, program version or build,
/// or does not decode (a corrupt or truncated file).
fn read_index(bytes: &[u8], inputs: &str) -> Option<(Header, Index)> {
    let mut de = rmp_serde::Deserializer::from_read_ref(bytes);
    let header = Header::deserialize(&mut de).ok()?;
    if header.format != FORMAT
        || header.gongshi != env!("CARGO_PKG_VERSION")
        || header.inputs != inputs
    {
        return None;
    }
    let index = Index::deserialize(&mut de).ok()?;
    Some((header, index))
}

/// How one part's bytes are decoded.
type DecodePart = fn(&[u8]) -> Option<Part>;

/// A part file's bytes, mapped (or read where it cannot be mapped), under its name: lazy
/// values decoded from it keep ranges of it, and are written as references to it while they
/// are unchanged ([`crate::lazy`]).
struct Mapped {
    name: String,
    bytes: MappedBytes,
    /// Whether values still in it are written as references to it (see [`decode`]).
    referable: bool,
}

enum MappedBytes {
    Map(memmap2::Mmap),
    Read(Vec<u8>),
}

impl crate::lazy::Source for Mapped {
    fn bytes(&self) -> &[u8] {
        match &self.bytes {
            MappedBytes::Map(m) => m,
            MappedBytes::Read(v) => v,
        }
    }
    fn name(&self) -> Option<&str> {
        self.referable.then_some(self.name.as_str())
    }
}

/// Map (or, where it cannot be mapped, read) the part file `part` of `dir`; `None` when it is
/// missing or of another length.
fn open_part(dir: &Path, part: &PartRef, referable: bool) -> Option<crate::lazy::Shared> {
    let file = std::fs::File::open(dir.join(&part.name)).ok()?;
    if file.metadata().ok()?.len() != part.len {
        return None;
    }
    let bytes = match map(&file) {
        Some(m) if m.len() as u64 == part.len => MappedBytes::Map(m),
        _ => {
            let mut bytes = Vec::new();
            io::Read::read_to_end(&mut &file, &mut bytes).ok()?;
            if bytes.len() as u64 != part.len {
                return None;
            }
            MappedBytes::Read(bytes)
        }
    };
    Some(Arc::new(Mapped {
        name: part.name.clone(),
        bytes,
        referable,
    }))
}

/// `file` mapped read-only into memory.
fn map(file: &std::fs::File) -> Option<memmap2::Mmap> {
    // SAFETY: a mapping is undefined behaviour if the file changes under it. Part files are
    // written once under a new unique name (`part_name`), never opened for writing again,
    // and removed only by unlinking, which leaves an existing mapping intact; their length
    // was checked against the index. What is left is another program truncating or writing
    // into gongshi's cache folder while a build runs, the risk ripgrep accepts for the files
    // it maps.
    unsafe { memmap2::Mmap::map(file) }.ok()
}

/// Finds the earlier parts that `index`'s parts refer to (only those its `kept` list names,
/// of the length it gives), each mapped once.
fn resolver(dir: &Path, index: &Index) -> crate::lazy::Resolve {
    use std::collections::HashMap;
    use std::sync::Mutex;
    let dir = dir.to_path_buf();
    let kept: HashMap<String, PartRef> = index
        .kept
        .iter()
        .map(|p| (p.name.clone(), p.clone()))
        .collect();
    let open: Mutex<HashMap<String, Option<crate::lazy::Shared>>> = Mutex::new(HashMap::new());
    Arc::new(move |name: &str| {
        let part = kept.get(name)?;
        let mut open = open.lock().ok()?;
        open.entry(name.to_string())
            .or_insert_with(|| open_part(&dir, part, true))
            .clone()
    })
}

/// Map one part file and decode it (`None` when it is missing, of another length or does
/// not decode). The lazy values decoded from it keep ranges of the mapping
/// ([`crate::lazy::reading_from`]): the bodies and fragments a patch never reads
/// are not even read from the disk.
fn read_part(
    dir: &Path,
    part: &PartRef,
    referable: bool,
    resolve: &crate::lazy::Resolve,
    decode: DecodePart,
) -> Option<Part> {
    let shared = open_part(dir, part, referable)?;
    crate::lazy::reading_from(shared, Some(resolve.clone()), decode)
}

/// Decode the snapshot in `dir` taken after the build of digest `inputs`: the index, then
/// every part, two at a time.
///
/// Which parts the next snapshot may refer to: those of a full build (its search and exports
/// parts, written when no part was kept) and the parts kept for reference; not a patch's
/// own search and exports parts, whose few values are copied into the next one instead.
/// So references only ever name the last full build's two parts, and each patch replaces
/// the parts of the one before it instead of adding to them.
pub(crate) fn decode(dir: &Path, inputs: &str) -> Option<Decoded> {
    let bytes = std::fs::read(path(dir)).ok()?;
    let (header, index) = read_index(&bytes, inputs)?;
    fn of<T: serde::de::DeserializeOwned>(b: &[u8]) -> Option<T> {
        rmp_serde::from_slice(b).ok()
    }
    let resolve = resolver(dir, &index);
    let base = index.kept.is_empty();
    let mut jobs: Vec<(&PartRef, bool, DecodePart)> = vec![
        (&index.search, base, |b| of(b).map(Part::Search)),
        (&index.exports, base, |b| of(b).map(Part::Exports)),
        (&index.warnings, false, |b| of(b).map(Part::Warnings)),
        (&index.keys, false, |b| of(b).map(Part::Keys)),
    ];
    jobs.extend(index.records.iter().map(|(p, _)| {
        (
            p,
            false,
            (|b| of(b).map(Part::Records)) as fn(&[u8]) -> Option<Part>,
        )
    }));
    let parts = jobs
        .par_iter()
        .with_max_len(1)
        .map(|(p, referable, f)| read_part(dir, p, *referable, &resolve, *f))
        .collect::<Option<Vec<Part>>>()?;
    let mut d = Decoded {
        now: header.now,
        drafts: header.drafts,
        records: Vec::with_capacity(index.records.len()),
        parts: Vec::new(),
        warnings_part: index.warnings.clone(),
        keys: Vec::new(),
        warnings: Vec::new(),
        search: None,
        exports: LiveExports::default(),
    };
    let mut parts = parts.into_iter();
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (
            Some(Part::Search(search)),
            Some(Part::Exports(exports)),
            Some(Part::Warnings(warnings)),
            Some(Part::Keys(keys)),
        ) => {
            d.search = search;
            d.exports = exports;
            d.warnings = warnings;
            d.keys = keys;
        }
        _ => return None,
    }
    for (part, (_, n)) in parts.zip(&index.records) {
        match part {
            Part::Records(r) if r.len() == *n => d.records.push(r),
            _ => return None,
        }
    }
    d.parts = index.records;
    Some(d)
}

/// The snapshot's index file in the cache folder `dir`.
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
) -> Option<(LastBuild, crate::render::Theme, Parts)> {
    let t = Instant::now();
    let d = decode(dir, inputs)?;
    phase("snapshot: read and decoded", t);
    let t = Instant::now();
    let (config, tz, _) = crate::content::load_config(&opts.root).ok()?;
    let root: Arc<Path> = Arc::from(opts.root.as_path());
    let records: Vec<Arc<Record>> = d
        .records
        .into_iter()
        .flatten()
        .map(|r| Arc::new(r.rooted(&root)))
        .collect();
    let site = crate::content::assemble(
        &opts.root,
        config,
        tz,
        records.clone(),
        d.keys.into_iter().collect(),
    );
    // The parts can be kept only while the site holds the records in the order read.
    let in_order = site.records.len() == records.len()
        && site
            .records
            .iter()
            .zip(&records)
            .all(|(a, b)| Arc::ptr_eq(a, b));
    let parts = Parts {
        records: d.parts,
        loaded: if in_order { records } else { Vec::new() },
        warnings: Some(d.warnings_part),
    };
    phase("snapshot: site assembled", t);
    let t = Instant::now();
    let calendar = crate::calendar::Calendar::load(&opts.root).ok()?;
    let time = crate::facts::BuildTime { now: d.now };
    let (mut facts, _) = crate::facts::facts(&site, &calendar, &time);
    facts.history = super::history_cache::read(dir, &site.root, true);
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
    Some((last, theme, parts))
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
    // A record's body and Markdown fields and the open data fragments are decoded when the
    // patch reads them ([`crate::lazy`]): one that does not decode is counted.
    let failures = crate::lazy::failures();
    let Some((mut last, theme, mut parts)) = load(&dir, opts, &inputs) else {
        return Tried::Fallback(memo, "snapshot not usable");
    };
    let pass = super::pages::Pass::open(cache, &theme, &out);
    if !pass.used {
        return Tried::Fallback(memo, "page cache not usable");
    }
    let t = Instant::now();
    let unchanged =
        |p: &str, template: &str, ctx: &serde_json::Value| pass.unchanged(p, template, ctx);
    let warnings = last.warnings.clone();
    let patched = match super::patch::apply_to(&mut last, &unchanged, opts, &changed) {
        super::patch::Outcome::Patched(p) => p,
        super::patch::Outcome::Fallback(why) => return Tried::Fallback(memo, why),
    };
    // The patch hands back the same list when the edited file's warnings did not change.
    let same_warnings = Arc::ptr_eq(&warnings, &last.warnings);
    drop(warnings);
    if !same_warnings {
        parts.warnings_changed();
    }
    phase("snapshot: patched", t);
    if patched.search_remade {
        return Tried::Fallback(memo, "the search index was made again");
    }
    if crate::lazy::failures() != failures {
        return Tried::Fallback(memo, "a part of the snapshot did not decode");
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
    // The files written, for the memo's manifest of the output folder.
    let touched = update.changed().to_vec();
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
    let digest = memo.save_patched(
        &report,
        &last.site.tz,
        &last.facts,
        &touched,
        &changed,
        same_warnings,
    );
    phase("snapshot: memo saved", t);
    if let Some(digest) = digest {
        save(
            &dir,
            &last.site,
            &last.warnings,
            &last.live,
            &digest,
            opts,
            Some(&parts),
        );
    }
    if cache.exits {
        // The process ends now: the operating system takes the memory back at once, freeing
        // the site model's million allocations one by one took 0.2 s at 100,000 records.
        std::mem::forget(last);
        std::mem::forget(parts);
    }
    Tried::Built(report)
}

/// Encode and write the snapshot of a successful build (timed; after a patch, `reuse` names
/// the parts of the snapshot it loaded); failing only means the next build is a full one.
pub(crate) fn save(
    dir: &Path,
    site: &crate::content::Site,
    warnings: &Diagnostics,
    live: &Live,
    digest: &str,
    opts: &BuildOptions,
    reuse: Option<&Parts>,
) {
    let t = Instant::now();
    let written = write_snapshot(
        dir,
        &site.records,
        &site.keys,
        warnings,
        live,
        digest,
        opts.now,
        opts.drafts,
        reuse,
    );
    if let Ok(size) = written {
        phase(&format!("snapshot written ({size} bytes)"), t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The part files in `dir`, sorted.
    fn part_files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .filter_map(|e| e.file_name().to_str().map(str::to_string))
                    .filter(|n| n.starts_with(PART_PREFIX))
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Writes `l`'s state with `records` in place of its own, under the digest "inputs".
    fn write(dir: &Path, l: &LastBuild, records: &[Arc<Record>], reuse: Option<&Parts>) {
        write_snapshot(
            dir,
            records,
            &l.site.keys,
            &l.warnings,
            &l.live,
            "inputs",
            l.now,
            l.drafts,
            reuse,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn the_example_site_survives_the_round_trip() {
        let opts = crate::build::example_options();
        let mut reuse = crate::build::Reuse::default();
        crate::build::render_site_with(&opts, &|_, _| {}, Some(&mut reuse))
            .unwrap_or_else(|_| panic!("build failed"));
        let last = reuse.last.unwrap_or_else(|| panic!("no last build"));
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path();
        write(dir, &last, &last.site.records, None);
        assert!(load(dir, &opts, "other inputs").is_none());
        let (back, _, parts) = load(dir, &opts, "inputs").unwrap_or_else(|| panic!("did not load"));
        assert_eq!(back.site.records.len(), last.site.records.len());
        // Loading decodes no record's body or Markdown fields (the facts, the site's tables
        // and the renderer do not read them).
        assert!(
            back.site
                .records
                .iter()
                .all(|r| !r.body.is_decoded() && !r.md.is_decoded()),
            "a record's body or Markdown fields were decoded"
        );
        assert_eq!(parts.loaded.len(), back.site.records.len());
        // Everything stored reads back as it was written (compared as JSON, whose maps are
        // sorted: the live exports' hash maps are encoded in no fixed order).
        let canonical = |l: &LastBuild| {
            let mut keys: Vec<&String> = l.site.keys.iter().collect();
            keys.sort();
            let records: Vec<&Record> = l.site.records.iter().map(|r| &**r).collect();
            let warnings: Vec<StoredDiagnostic> =
                l.warnings.iter().map(StoredDiagnostic::from).collect();
            serde_json::to_value((
                records,
                keys,
                warnings,
                l.live.search.as_ref(),
                &l.live.exports,
            ))
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

        // Written again with the parts it was loaded from: the record parts are kept (the
        // records are the same), the others are new; the new search and exports parts refer
        // to the values of the old ones, which are kept too; the rest are removed.
        let first = part_files(dir);
        let index_of = || {
            let bytes = std::fs::read(path(dir)).unwrap_or_else(|e| panic!("{e}"));
            read_index(&bytes, "inputs")
                .unwrap_or_else(|| panic!("no index"))
                .1
        };
        let old = index_of();
        let records_parts: Vec<&str> = parts.records.iter().map(|(p, _)| p.name.as_str()).collect();
        write(dir, &back, &back.site.records, Some(&parts));
        let second = part_files(dir);
        assert_eq!(second.len(), first.len() + 2);
        for name in &records_parts {
            assert!(second.iter().any(|n| n == name), "{name} was written again");
        }
        let new = index_of();
        let kept: Vec<&str> = new.kept.iter().map(|p| p.name.as_str()).collect();
        let mut expect = vec![old.search.name.as_str(), old.exports.name.as_str()];
        expect.sort();
        assert_eq!(kept, expect);
        // The warnings are the same: their part is kept; the keys' is written again.
        assert!(!second.contains(&old.keys.name));
        assert_eq!(new.warnings, old.warnings);
        // The new parts hold references, not the values again.
        let size = |p: &PartRef| p.len;
        assert!(size(&new.search) < size(&old.search) / 4);
        assert!(size(&new.exports) < size(&old.exports) / 4);
        let (again, _, _) = load(dir, &opts, "inputs").unwrap_or_else(|| panic!("did not load"));
        assert!(canonical(&again) == canonical(&last));
        // Written from a patch's snapshot: still references to the full build's parts only;
        // the patch's own search and exports parts go.
        write(dir, &again, &again.site.records, None);
        let newer = index_of();
        assert_eq!(newer.kept, new.kept);
        let now = part_files(dir);
        assert!(!now.contains(&new.search.name) && !now.contains(&new.exports.name));
        let (again, _, _) = load(dir, &opts, "inputs").unwrap_or_else(|| panic!("did not load"));
        assert!(canonical(&again) == canonical(&last));
        // One record replaced: its part only is written again.
        let mut records = back.site.records.clone();
        let mut edited = (*records[0]).clone();
        edited.body.html.push_str("<p>edited</p>");
        records[0] = Arc::new(edited);
        write(dir, &back, &records, Some(&parts));
        let third = part_files(dir);
        assert!(!third.iter().any(|n| n == records_parts[0]));
        for name in &records_parts[1..] {
            assert!(third.iter().any(|n| n == name));
        }
        assert_eq!(index_of().warnings, old.warnings);
        // Warnings that changed: their part is written again.
        let mut parts = parts;
        parts.warnings_changed();
        write(dir, &back, &records, Some(&parts));
        assert_ne!(index_of().warnings, old.warnings);
        let (edited, _, _) = load(dir, &opts, "inputs").unwrap_or_else(|| panic!("did not load"));
        assert!(edited.site.records[0].body.html.ends_with("<p>edited</p>"));

        // A truncated, corrupt or missing part, or one the search part refers to, a corrupt
        // index or another version: refused. (Nothing mapping the files is alive while they
        // are cut.)
        drop((back, parts, again, records, edited));
        let index = std::fs::read(path(dir)).unwrap_or_else(|e| panic!("{e}"));
        let (_, ix) = read_index(&index, "inputs").unwrap_or_else(|| panic!("no index"));
        assert!(!ix.kept.is_empty());
        // (Bytes changed inside a part referred to are found when the value is decoded, as
        // for any lazy value: `lazy::failures`.)
        for (part, referred) in [(&ix.search.name, false), (&ix.kept[0].name, true)] {
            let part = dir.join(part);
            let bytes = std::fs::read(&part).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(&part, &bytes[..bytes.len() / 2]).unwrap_or_else(|e| panic!("{e}"));
            assert!(decode(dir, "inputs").is_none(), "a truncated part");
            let mut bad = bytes.clone();
            bad[0] ^= 0xff;
            std::fs::write(&part, &bad).unwrap_or_else(|e| panic!("{e}"));
            assert!(
                referred || decode(dir, "inputs").is_none(),
                "a corrupt part"
            );
            std::fs::remove_file(&part).unwrap_or_else(|e| panic!("{e}"));
            assert!(decode(dir, "inputs").is_none(), "a missing part");
            std::fs::write(&part, &bytes).unwrap_or_else(|e| panic!("{e}"));
            assert!(decode(dir, "inputs").is_some());
        }
        assert!(read_index(&index[..index.len() / 2], "inputs").is_none());
        let mut bad = index.clone();
        bad[0] ^= 0xff;
        assert!(read_index(&bad, "inputs").is_none());
        let header = |gongshi: &str| {
            let mut v = Vec::new();
            rmp_serde::encode::write_named(
                &mut v,
                &Header {
                    format: FORMAT,
                    gongshi: gongshi.into(),
                    inputs: "inputs".into(),
                    now: last.now,
                    drafts: false,
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
            v
        };
        let ours = header(env!("CARGO_PKG_VERSION"));
        assert!(index.starts_with(&ours));
        let mut other = header("0.0.0-other");
        other.extend_from_slice(&index[ours.len()..]);
        assert!(read_index(&other, "inputs").is_none());
        // Written in new parts without being decoded (the bytes as read), the records read
        // back the same.
        let (fresh, _, _) = load(dir, &opts, "inputs").unwrap_or_else(|| panic!("did not load"));
        write(dir, &fresh, &fresh.site.records, None);
        assert!(fresh.site.records.iter().all(|r| !r.body.is_decoded()));
        let (again, _, _) = load(dir, &opts, "inputs").unwrap_or_else(|| panic!("did not load"));
        let records = |l: &LastBuild| {
            let r: Vec<&Record> = l.site.records.iter().map(|r| &**r).collect();
            serde_json::to_value(r).unwrap_or_else(|e| panic!("{e}"))
        };
        assert!(records(&again) == records(&fresh));
        assert!(again.site.records[0].body.html.ends_with("<p>edited</p>"));
        // Removed with its parts.
        forget_all(dir);
        assert!(part_files(dir).is_empty() && !path(dir).exists());
    }
}

#[cfg(test)]
mod sizes {
    use super::*;

    /// The cache folder `GONGSHI_SNAPSHOT_SIZES` names and its snapshot's index (None: unset).
    fn stored_index() -> Option<(PathBuf, Index)> {
        let dir = PathBuf::from(std::env::var_os("GONGSHI_SNAPSHOT_SIZES")?);
        let bytes = std::fs::read(path(&dir)).unwrap_or_default();
        let mut de = rmp_serde::Deserializer::from_read_ref(&bytes[..]);
        let _ = Header::deserialize(&mut de).unwrap_or_else(|e| panic!("{e}"));
        let ix = Index::deserialize(&mut de).unwrap_or_else(|e| panic!("{e}"));
        Some((dir, ix))
    }

    /// How long each part of a snapshot takes to decode, one after the other
    /// (`GONGSHI_SNAPSHOT_SIZES=CACHE_DIR`; not a check).
    #[test]
    fn part_times() {
        let Some((dir, ix)) = stored_index() else {
            return;
        };
        let read = |p: &PartRef| std::fs::read(dir.join(&p.name)).unwrap_or_default();
        let time = |what: &str, f: &dyn Fn()| {
            let t = Instant::now();
            f();
            eprintln!("{what}: {:.3} s", t.elapsed().as_secs_f64());
        };
        let b = read(&ix.search);
        time("search", &|| {
            let _: Option<LiveIndex> = rmp_serde::from_slice(&b).unwrap_or_else(|e| panic!("{e}"));
        });
        let b = read(&ix.exports);
        time("exports", &|| {
            let _: LiveExports = rmp_serde::from_slice(&b).unwrap_or_else(|e| panic!("{e}"));
        });
        let b = read(&ix.warnings);
        time("warnings", &|| {
            let _: Vec<StoredDiagnostic> =
                rmp_serde::from_slice(&b).unwrap_or_else(|e| panic!("{e}"));
        });
        let b = read(&ix.keys);
        time("keys", &|| {
            let _: Vec<String> = rmp_serde::from_slice(&b).unwrap_or_else(|e| panic!("{e}"));
        });
        let parts: Vec<Vec<u8>> = ix.records.iter().map(|(p, _)| read(p)).collect();
        time("records", &|| {
            for b in &parts {
                let _: Vec<Record> = rmp_serde::from_slice(b).unwrap_or_else(|e| panic!("{e}"));
            }
        });
    }

    /// What each part of a snapshot weighs (`GONGSHI_SNAPSHOT_SIZES=CACHE_DIR`; not a check).
    #[test]
    fn part_sizes() {
        let Some((dir, ix)) = stored_index() else {
            return;
        };
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
        let (mut html, mut text, mut md, mut data, mut common, mut n) = (0, 0, 0, 0, 0, 0);
        for (p, _) in &ix.records {
            let b = std::fs::read(dir.join(&p.name)).unwrap_or_default();
            let records: Vec<Record> = rmp_serde::from_slice(&b).unwrap_or_default();
            n += records.len();
            for r in &records {
                html += r.body.html.len();
                text += r.body.text.len();
                md += len(&r.md);
                common += len(&r.common);
                let mut v = Vec::new();
                let mut s = rmp_serde::Serializer::new(&mut v).with_struct_map();
                data += r
                    .data
                    .serialize_tagged(&mut s)
                    .map(|_| v.len())
                    .unwrap_or(0);
            }
        }
        let records: u64 = ix.records.iter().map(|(p, _)| p.len).sum();
        eprintln!(
            "index {} records {records} in {} parts (n={n}: body html {html} text {text}, md fields {md}, data {data}, common {common}) keys {} warnings {} search {} exports {}",
            std::fs::metadata(path(&dir)).map_or(0, |m| m.len()),
            ix.records.len(),
            ix.keys.len,
            ix.warnings.len,
            ix.search.len,
            ix.exports.len
        );
    }
}
