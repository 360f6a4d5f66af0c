//! Building the static index files: `search/meta.json`, postings shards and document chunks.
//! The format is described in `docs/dev/search.md`; `search.js` reads it.

use super::tokenize::each_token;
use super::{OutputFile, SearchDoc};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io;

/// Bumped whenever the file format or the tokenizer changes (search.js checks it).
pub const FORMAT_VERSION: u32 = 2;
/// Characters of body text kept per document for snippets (then `…`).
pub const EXCERPT_CHARS: usize = 300;
/// Average postings shard size the shard count aims at.
const SHARD_TARGET_BYTES: usize = 32 * 1024;
/// Upper bound on the number of shards (a power of two).
const MAX_SHARDS: usize = 1024;
/// Average document chunk size the chunk length aims at.
const CHUNK_TARGET_BYTES: usize = 12 * 1024;
/// Alphabet of the VLQ postings encoding and the per-document kind string.
pub(crate) const B64: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Field bits of a posting code: title, meta; bits 2–3 hold the body term-frequency bucket.
pub(crate) const IN_TITLE: u8 = 1;
pub(crate) const IN_META: u8 = 2;

/// FNV-1a (32 bit) over the UTF-16 code units of a token — what search.js computes with
/// `charCodeAt` and `Math.imul`.
pub fn token_hash(token: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for unit in token.encode_utf16() {
        h ^= u32::from(unit);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The shard a token's postings live in.
pub fn shard_of(token: &str, shards: usize) -> usize {
    // shards ≥ 1 and fits in u32 (≤ MAX_SHARDS).
    (token_hash(token) as usize) % shards.max(1)
}

/// Body term frequency → 2-bit bucket (0 = absent, 1 = once, 2 = 2–3 times, 3 = 4+).
fn tf_bucket(tf: u32) -> u8 {
    match tf {
        0 => 0,
        1 => 1,
        2 | 3 => 2,
        _ => 3,
    }
}

/// Appends `v` as base-64 VLQ: 5 payload bits per character, least significant group first,
/// bit 5 (value ≥ 32) marks "more characters follow".
pub(crate) fn push_vlq(out: &mut String, mut v: u64) {
    loop {
        let digit = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            out.push(char::from(B64[digit]));
            return;
        }
        out.push(char::from(B64[digit | 32]));
    }
}

/// serde_json's compact output as the index writes it: U+2028 and U+2029 escaped (raw, they
/// end a line in a JavaScript string literal before ES2019) and every control character other
/// than `\n`, `\r` and `\t` as `\u00XX` (also backspace and form feed, which serde_json would
/// write `\b` and `\f`), so that the files keep their bytes.
struct IndexFormatter;

impl serde_json::ser::Formatter for IndexFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // U+2028/U+2029 are E2 80 A8/A9: cutting before them keeps the runs valid UTF-8.
        let b = fragment.as_bytes();
        let mut from = 0;
        for (i, &c) in b.iter().enumerate() {
            if c == 0xE2 && b.get(i + 1) == Some(&0x80) {
                let esc: &[u8] = match b.get(i + 2) {
                    Some(0xA8) => b"\\u2028",
                    Some(0xA9) => b"\\u2029",
                    _ => continue,
                };
                w.write_all(&b[from..i])?;
                w.write_all(esc)?;
                from = i + 3;
            }
        }
        w.write_all(&b[from..])
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        escape: serde_json::ser::CharEscape,
    ) -> io::Result<()> {
        use serde_json::ser::CharEscape::*;
        let code = match escape {
            Quote => return w.write_all(b"\\\""),
            ReverseSolidus => return w.write_all(b"\\\\"),
            Solidus => return w.write_all(b"\\/"),
            LineFeed => return w.write_all(b"\\n"),
            CarriageReturn => return w.write_all(b"\\r"),
            Tab => return w.write_all(b"\\t"),
            Backspace => 0x08,
            FormFeed => 0x0c,
            AsciiControl(c) => c,
        };
        write!(w, "\\u{code:04x}")
    }
}

/// `v` as compact JSON in the index's way ([`IndexFormatter`]).
fn to_json<T: Serialize + ?Sized>(v: &T) -> String {
    let mut buf = Vec::with_capacity(256);
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, IndexFormatter);
    // Strings, numbers, sequences and maps with string keys: serializing them cannot fail.
    match v.serialize(&mut ser) {
        Ok(()) => String::from_utf8(buf).unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// Body text for snippets: whitespace collapsed, cut at [`EXCERPT_CHARS`] characters.
fn excerpt(body: &str) -> String {
    let mut out = String::new();
    let mut n = 0;
    let mut pending_space = false;
    for c in body.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if n == EXCERPT_CHARS {
            out.push('…');
            return out;
        }
        if pending_space {
            out.push(' ');
            n += 1;
            pending_space = false;
            if n == EXCERPT_CHARS {
                out.push('…');
                return out;
            }
        }
        out.push(c);
        n += 1;
    }
    out
}

/// Strips a leading `/`: URLs in the index are relative to the site root.
fn root_relative(url: &str) -> &str {
    if url.contains("://") {
        url
    } else {
        url.trim_start_matches('/')
    }
}

/// A document's entry in the document chunks: `[url, title, label, date, [meta…], excerpt]`,
/// `label` the index of its `kind_label` in `meta.json`'s `labels`.
pub(crate) fn entry(d: &SearchDoc, label: usize, body: &str) -> String {
    to_json(&(
        root_relative(&d.url),
        &d.title,
        label,
        &d.date,
        &d.meta,
        excerpt(body),
    ))
}

fn fnv64(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
}

const FNV64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a (64 bit) of a file's path and bytes.
pub(crate) fn file_hash(path: &str, bytes: &[u8]) -> u64 {
    let mut h = FNV64_OFFSET;
    fnv64(&mut h, path.as_bytes());
    fnv64(&mut h, &[0]);
    fnv64(&mut h, bytes);
    h
}

/// The build hash of `meta.json`: FNV-1a (64 bit) over the [`file_hash`]es of the shards, then
/// the chunks (so one changed file changes it, and updating it does not re-read the others).
pub(crate) fn build_hash(hashes: &[u64]) -> u64 {
    let mut h = FNV64_OFFSET;
    for x in hashes {
        fnv64(&mut h, &x.to_le_bytes());
    }
    h
}

/// The shard count for postings of `total` bytes (key and value lengths plus 6 per token).
pub(crate) fn shard_count(total: usize) -> usize {
    total
        .div_ceil(SHARD_TARGET_BYTES)
        .next_power_of_two()
        .clamp(1, MAX_SHARDS)
}

/// The bytes a token's postings count towards the shard count.
pub(crate) fn posting_bytes(token: &str, postings: &str) -> usize {
    token.len() + postings.len() + 6
}

/// Documents per chunk for entries of `entry_bytes` bytes in all over `n` documents.
pub(crate) fn chunk_len(entry_bytes: usize, n: usize) -> usize {
    let avg = entry_bytes / n.max(1);
    (CHUNK_TARGET_BYTES / avg.max(1)).clamp(4, 256)
}

/// A postings shard's text: `{"token":"postings",…}` in token order.
pub(crate) fn shard_json<'a>(tokens: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    /// The pairs as a JSON object, in their order.
    struct Pairs<'a>(Vec<(&'a str, &'a str)>);
    impl Serialize for Pairs<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_map(self.0.iter().copied())
        }
    }
    to_json(&Pairs(tokens.collect()))
}

/// A document chunk's text.
pub(crate) fn chunk_json<S: std::borrow::Borrow<str>>(entries: &[S]) -> String {
    format!("[{}]", entries.join(","))
}

/// Where each token of a document occurs: token → posting code (field bits and body
/// frequency bucket).
pub(crate) fn doc_codes(d: &SearchDoc, body: &str) -> HashMap<String, u8> {
    doc_code_list(d, body)
        .into_iter()
        .map(|(t, c)| (t.into_string(), c))
        .collect()
}

/// A token while the index is built: tokens are short (a CJK bigram is 6 bytes), so one of
/// up to 15 bytes is held as its bytes and length packed into 16 bytes, without an allocation
/// (a document has hundreds of distinct tokens) and hashed and compared as one integer in a
/// few instructions; a longer one (a long word) as a string. Keyed by `CompactString` alone
/// (also inline, but hashed and compared byte by byte) the index costs clearly more: figures
/// in docs/performance.md. The packed bytes are a byte array rather than a `u128` so that a
/// `Tok` takes 24 bytes, not 32 (a `u128` is 16-byte aligned): the per-document token lists
/// and the postings tables hold millions of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Tok {
    Packed([u8; 16]),
    Long(compact_str::CompactString),
}

const _: () = assert!(std::mem::size_of::<Tok>() == 24);

impl std::hash::Hash for Tok {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match self {
            // A packed token is never equal to a long one, so their hashes need not differ.
            Tok::Packed(k) => h.write_u128(u128::from_le_bytes(*k)),
            Tok::Long(t) => t.hash(h),
        }
    }
}

impl Tok {
    #[cfg(test)]
    fn new(t: &str) -> Tok {
        match pack(t) {
            Some(k) => Tok::Packed(k.to_le_bytes()),
            None => Tok::Long(t.into()),
        }
    }

    /// Which of `parts` (a power of two) groups the token is merged in: the low bits of its
    /// [`token_hash`], as those of its shard ([`shard_of`]; shard counts are powers of two
    /// too), so that each group's tokens fall in shards of their own and a group's table can
    /// be made into shards and dropped before the next is looked at.
    fn part(&self, parts: usize) -> usize {
        (token_hash(self.as_str()) as usize) & (parts.max(1) - 1)
    }

    /// The token's UTF-8 bytes (their order is the order of the strings).
    fn bytes(&self) -> &[u8] {
        match self {
            Tok::Packed(k) => &k[..usize::from(k[15]).min(15)],
            Tok::Long(t) => t.as_bytes(),
        }
    }

    /// The token's text.
    fn as_str(&self) -> &str {
        // Packed from a `&str` whole, so always UTF-8.
        std::str::from_utf8(self.bytes()).unwrap_or_default()
    }

    pub(crate) fn into_string(self) -> String {
        self.as_str().to_string()
    }
}

/// [`doc_codes`] as a list, in no particular order (what the index builder iterates).
pub(crate) fn doc_code_list(d: &SearchDoc, body: &str) -> Vec<(Tok, u8)> {
    // Sized for a typical record (a few hundred distinct tokens) so that it rarely grows.
    let mut short: HashMap<u128, (u8, u32)> =
        HashMap::with_capacity_and_hasher(body.len() / 4 + 64, Default::default());
    let mut long: HashMap<compact_str::CompactString, (u8, u32)> = HashMap::default();
    let mut add = |t: &str, flags: u8, tf: u32| {
        let slot = match pack(t) {
            Some(key) => short.entry(key).or_default(),
            None => match long.get_mut(t) {
                Some(v) => v,
                None => long.entry(t.into()).or_default(),
            },
        };
        slot.0 |= flags;
        slot.1 += tf;
    };
    each_doc_token(d, body, &mut add);
    let mut out: Vec<(Tok, u8)> = Vec::with_capacity(short.len() + long.len());
    out.extend(
        short
            .into_iter()
            .map(|(k, v)| (Tok::Packed(k.to_le_bytes()), code(v))),
    );
    out.extend(long.into_iter().map(|(t, v)| (Tok::Long(t), code(v))));
    out
}

/// Every token of a document with what it adds to the token's entry: the title's and the
/// metadata's their field bit, the body's one occurrence.
fn each_doc_token<F: FnMut(&str, u8, u32)>(d: &SearchDoc, body: &str, add: &mut F) {
    each_token(&d.title, &mut |t| add(t, IN_TITLE, 0));
    for m in &d.meta {
        each_token(m, &mut |t| add(t, IN_META, 0));
    }
    each_token(body, &mut |t| add(t, 0, 1));
}

/// A posting's code from a token's field bits and body frequency.
fn code((flags, tf): (u8, u32)) -> u8 {
    flags | (tf_bucket(tf) << 2)
}

/// A short token's bytes and length in one integer (`None` past 15 bytes): the bytes from
/// the lowest byte up, the length in the highest (byte 15).
///
/// Made in registers from at most four loads (two overlapping ones per half) rather than by
/// copying the bytes into a zeroed 16-byte buffer and reading it back: that copy is a call to
/// `memcpy` whose byte-sized stores the 16-byte load cannot take over (a store-forwarding
/// stall), and it was a quarter of the per-document token table's time.
fn pack(t: &str) -> Option<u128> {
    let b = t.as_bytes();
    let n = b.len();
    // Little-endian integers of `b[at..at + N]` (in bounds by the length checks below).
    let u64_at = |at: usize| {
        b.get(at..at + 8)
            .and_then(|s| <[u8; 8]>::try_from(s).ok())
            .map_or(0, u64::from_le_bytes)
    };
    let u32_at = |at: usize| {
        b.get(at..at + 4)
            .and_then(|s| <[u8; 4]>::try_from(s).ok())
            .map_or(0, |a| u64::from(u32::from_le_bytes(a)))
    };
    let u16_at = |at: usize| {
        b.get(at..at + 2)
            .and_then(|s| <[u8; 2]>::try_from(s).ok())
            .map_or(0, |a| u64::from(u16::from_le_bytes(a)))
    };
    // Bytes 0..8 in `lo`, bytes 8..n in `hi`. Two overlapping loads cover a length between
    // one and two load widths: the bytes they share are the same, so OR-ing is exact.
    let (lo, hi) = match n {
        0 => (0, 0),
        1 => (u64::from(b[0]), 0),
        2..=3 => (u16_at(0) | (u16_at(n - 2) << (8 * (n - 2))), 0),
        4..=7 => (u32_at(0) | (u32_at(n - 4) << (8 * (n - 4))), 0),
        8 => (u64_at(0), 0),
        // The top n − 8 bytes of the last eight are bytes 8..n.
        9..=15 => (u64_at(0), u64_at(n - 8) >> (8 * (16 - n))),
        _ => return None,
    };
    Some(u128::from(lo) | (u128::from(hi | ((n as u64) << 56)) << 64))
}

/// Document ids: newest first, so a lower id breaks ranking ties in favour of newer records.
/// Returns the indexes into `docs` in id order.
pub(crate) fn doc_order(docs: &[SearchDoc], body: &(dyn Fn(usize) -> String + Sync)) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&docs[i], &docs[j]);
        b.date
            .cmp(&a.date)
            .then_with(|| a.url.cmp(&b.url))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| body(i).cmp(&body(j)))
    });
    order
}

/// The distinct `kind_label`s, sorted, each with its index (what entries point to).
pub(crate) fn label_indexes<'a>(
    docs: impl Iterator<Item = &'a SearchDoc>,
) -> BTreeMap<&'a str, usize> {
    let mut labels: BTreeMap<&str, usize> = docs.map(|d| (d.kind_label.as_str(), 0)).collect();
    for (i, v) in labels.values_mut().enumerate() {
        *v = i;
    }
    labels
}

/// `meta.json` for the documents in id order.
pub(crate) fn meta_json(build: u64, shards: usize, chunk: usize, order: &[&SearchDoc]) -> String {
    // Kinds (filter) and labels (display).
    let mut kind_labels: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for d in order {
        *kind_labels
            .entry(&d.kind)
            .or_default()
            .entry(&d.kind_label)
            .or_default() += 1;
    }
    let labels = label_indexes(order.iter().copied());
    let kind_index: BTreeMap<&str, usize> = kind_labels
        .keys()
        .enumerate()
        .map(|(i, k)| (*k, i))
        .collect();
    // Filter label of each kind: its most frequent label (ties: the first in sort order).
    let kinds: Vec<(&str, &str)> = kind_labels
        .iter()
        .map(|(kind, ls)| {
            let mut best: (&str, usize) = ("", 0);
            for (l, n) in ls {
                if *n > best.1 {
                    best = (l, *n);
                }
            }
            (*kind, best.0)
        })
        .collect();
    // Per-document kind, `kw` base-64 characters each (most significant first).
    let kw = if kind_labels.len() <= 64 {
        1
    } else if kind_labels.len() <= 4096 {
        2
    } else {
        3
    };
    let mut k = String::with_capacity(order.len() * kw);
    for d in order {
        let idx = kind_index.get(d.kind.as_str()).copied().unwrap_or(0);
        for p in (0..kw).rev() {
            k.push(char::from(B64[(idx >> (6 * p)) & 63]));
        }
    }
    // Per-document title length in characters (capped at 63), one base-64 character each:
    // a short title that a query covers outranks a long one that merely contains it.
    let tl: String = order
        .iter()
        .map(|d| char::from(B64[d.title.chars().count().min(63)]))
        .collect();
    // Years, run-length encoded in id order: [[year, count], …].
    let mut years: Vec<(i32, usize)> = Vec::new();
    for d in order {
        match years.last_mut() {
            Some((y, n)) if *y == d.year => *n += 1,
            _ => years.push((d.year, 1)),
        }
    }
    to_json(&Meta {
        v: FORMAT_VERSION,
        build: format!("{build:016x}"),
        n: order.len(),
        shards,
        chunk,
        kinds,
        labels: labels.keys().copied().collect(),
        kw,
        k,
        tl,
        years,
        open: order
            .iter()
            .enumerate()
            .filter(|(_, d)| d.open)
            .map(|(i, _)| i)
            .collect(),
    })
}

/// `meta.json`: the fields in the order of docs/dev/search.md.
#[derive(Serialize)]
struct Meta<'a> {
    v: u32,
    build: String,
    n: usize,
    shards: usize,
    chunk: usize,
    kinds: Vec<(&'a str, &'a str)>,
    labels: Vec<&'a str>,
    kw: usize,
    k: String,
    tl: String,
    years: Vec<(i32, usize)>,
    /// Ids of the consultations open for comment (left out when there is none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    open: Vec<usize>,
}

/// Builds every index file for `docs`. Deterministic: the order of `docs` does not matter and
/// the same documents give the same bytes. Callers pass only published, valid records (no
/// drafts, no withdrawn or expired decisions).
pub fn build_index(docs: &[SearchDoc]) -> Vec<OutputFile> {
    build_index_with(docs, &|i| {
        docs.get(i).map(|d| d.body.clone()).unwrap_or_default()
    })
}

/// How many documents are tokenized together before their postings are merged: bounds the
/// memory of the per-document token tables, which would otherwise grow with the site.
const BLOCK: usize = 1024;

/// [`build_index`], with the body of `docs[i]` given by `body(i)` instead of `docs[i].body`
/// (which is not read): a large site makes each body when it is indexed, so the bodies of all
/// documents are never in memory together. The same documents give the same bytes.
pub fn build_index_with(
    docs: &[SearchDoc],
    body: &(dyn Fn(usize) -> String + Sync),
) -> Vec<OutputFile> {
    let mut files = Vec::new();
    build_index_each(docs, body, &mut |f| files.push(f));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

/// [`build_index_with`], handing each file to `emit` as soon as it is made (postings shards,
/// then document chunks, then `meta.json`), so a caller can write them while the rest is made.
/// Each body is made twice (`body(i)` is called once for the postings and once for the
/// document chunks): cheaper than keeping the chunks of every document until the postings
/// are done.
pub fn build_index_each(
    docs: &[SearchDoc],
    body: &(dyn Fn(usize) -> String + Sync),
    emit: &mut dyn FnMut(OutputFile),
) {
    build_index_stats(docs, body, false, emit);
}

/// What [`build_index_stats`] learnt on the way, for an index kept up to date
/// ([`super::live::LiveIndex`]).
pub(crate) struct Stats {
    /// Indexes into `docs` in id order.
    pub ids: Vec<usize>,
    /// Sum of [`posting_bytes`] over every token.
    pub total: usize,
    pub shards: usize,
    pub chunk: usize,
    /// Every document's entry, in id order (only when asked to keep them).
    pub entries: Vec<String>,
    /// [`file_hash`] of each shard, then of each chunk.
    pub hashes: Vec<u64>,
}

/// One document's (token, code, merge group) triples, ordered by the merge group of their
/// token, with where each group starts: one list sized once rather than a list per group.
struct DocTokens {
    pairs: Vec<(Tok, u8, u8)>,
    /// `pairs[starts[p]..starts[p + 1]]` are group `p`'s.
    starts: Vec<u32>,
}

impl DocTokens {
    /// `parts` is at most 256 (a group is held in a byte).
    ///
    /// A counting sort: each token's group worked out once (a hash of its characters), the
    /// groups counted, then each pair moved straight to its place. A comparison sort of the
    /// 32-byte triples by their group byte was ~1.3 % of a 10k build's profile.
    fn new(pairs: Vec<(Tok, u8)>, parts: usize) -> DocTokens {
        let groups: Vec<u8> = pairs.iter().map(|(t, _)| t.part(parts) as u8).collect();
        let mut starts = vec![0u32; parts + 1];
        for &g in &groups {
            if let Some(n) = starts.get_mut(usize::from(g) + 1) {
                *n += 1;
            }
        }
        let mut sum = 0;
        for n in starts.iter_mut() {
            sum += *n;
            *n = sum;
        }
        // Where the next pair of each group goes; every place is written once.
        let mut next = starts.clone();
        let mut sorted: Vec<(Tok, u8, u8)> = vec![(Tok::Packed([0; 16]), 0, 0); pairs.len()];
        for ((t, c), g) in pairs.into_iter().zip(groups) {
            if let Some(at) = next.get_mut(usize::from(g)) {
                if let Some(slot) = sorted.get_mut(*at as usize) {
                    *slot = (t, c, g);
                }
                *at += 1;
            }
        }
        DocTokens {
            pairs: sorted,
            starts,
        }
    }

    /// The pairs of group `p`.
    fn part(&self, p: usize) -> &[(Tok, u8, u8)] {
        let at = |i: usize| self.starts.get(i).map_or(0, |&n| n as usize);
        self.pairs.get(at(p)..at(p + 1)).unwrap_or_default()
    }
}

/// [`build_index_each`], returning its [`Stats`]; with `keep_entries` the document entries
/// are kept too.
pub(crate) fn build_index_stats(
    docs: &[SearchDoc],
    body: &(dyn Fn(usize) -> String + Sync),
    keep_entries: bool,
    emit: &mut dyn FnMut(OutputFile),
) -> Stats {
    use rayon::prelude::*;
    let ids = doc_order(docs, body);
    let order: Vec<&SearchDoc> = ids.iter().map(|&i| &docs[i]).collect();
    let labels = label_indexes(order.iter().copied());
    let label = |d: &SearchDoc| labels.get(d.kind_label.as_str()).copied().unwrap_or(0);

    // Postings: token → [(doc id, code)], doc ids ascending, encoded as they come: per posting
    // (gap from the previous id, first gap = id + 1) × 16 + code. Documents are taken in
    // blocks in id order; a block's token tables are made in parallel, already split into
    // `PARTS` groups by token hash, and each group is merged into its own table in parallel.
    // The length of each document's entry ([url, title, label, date, [meta…], excerpt]) is
    // noted on the way: the chunk size depends on their average.
    const PARTS: usize = 64;
    let mut tables: Vec<HashMap<Tok, (String, i64)>> = vec![HashMap::default(); PARTS];
    let mut entry_bytes = 0usize;
    for (b, block) in ids.chunks(BLOCK).enumerate() {
        let made: Vec<(DocTokens, usize)> = block
            .par_iter()
            .map(|&i| {
                let d = &docs[i];
                let text = body(i);
                let tokens = DocTokens::new(doc_code_list(d, &text), PARTS);
                (tokens, entry(d, label(d), &text).len())
            })
            .collect();
        let first = b * BLOCK;
        tables.par_iter_mut().enumerate().for_each(|(part, table)| {
            for (k, (tokens, _)) in made.iter().enumerate() {
                let id = i64::try_from(first + k).unwrap_or(i64::MAX);
                for (tok, code, _) in tokens.part(part) {
                    // A packed token is copied without an allocation: one look-up through
                    // `entry`; a long one is cloned only when it is new.
                    let slot = match tok {
                        Tok::Packed(_) => table.entry(tok.clone()).or_insert((String::new(), -1)),
                        Tok::Long(_) => match table.get_mut(tok) {
                            Some(slot) => slot,
                            None => table.entry(tok.clone()).or_insert((String::new(), -1)),
                        },
                    };
                    let gap = (id - slot.1) as u64;
                    slot.1 = id;
                    push_vlq(&mut slot.0, (gap << 4) | u64::from(*code));
                }
            }
        });
        entry_bytes += made.iter().map(|(_, n)| n).sum::<usize>();
    }
    let total: usize = tables
        .iter()
        .flat_map(|t| t.iter())
        .map(|(k, (v, _))| posting_bytes(k.as_str(), v))
        .sum();
    let shards = shard_count(total);
    // A group's tokens all fall in the shards `s` with `s % groups == g` (see `Tok::part`;
    // both counts are powers of two): the shards are made a group at a time, each group's
    // tables dropped as their tokens are taken, so that the tables and a list of every token
    // of the site are never held together (a large site's build peaks at the end of
    // indexing). The shards are handed on in that order; their hashes are kept in shard order.
    let groups = shards.min(PARTS);
    let mut hashes = vec![0u64; shards];
    for g in 0..groups {
        // (shard, token, postings) of the group, the postings moved rather than copied.
        let mut encoded: Vec<(usize, Tok, String)> = Vec::new();
        for p in (g..PARTS).step_by(groups) {
            let table = std::mem::take(&mut tables[p]);
            encoded.reserve(table.len());
            encoded.extend(
                table
                    .into_iter()
                    .map(|(tok, (s, _))| (shard_of(tok.as_str(), shards), tok, s)),
            );
        }
        // Each shard's postings in token order (tokens are unique).
        encoded.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.bytes().cmp(b.1.bytes())));
        let mut rest = encoded.into_iter().peekable();
        for i in (g..shards).step_by(groups) {
            let mut group = Vec::new();
            while let Some(e) = rest.next_if(|e| e.0 == i) {
                group.push(e);
            }
            let f = OutputFile {
                path: format!("search/shards/{i}.json"),
                bytes: shard_json(group.iter().map(|(_, k, v)| (k.as_str(), v.as_str())))
                    .into_bytes(),
            };
            if let Some(h) = hashes.get_mut(i) {
                *h = file_hash(&f.path, &f.bytes);
            }
            emit(f);
        }
    }
    drop(tables);

    let mut put = |f: OutputFile| {
        hashes.push(file_hash(&f.path, &f.bytes));
        emit(f);
    };

    // The document chunks, made again a block at a time in id order.
    let chunk = chunk_len(entry_bytes, order.len());
    let mut kept = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut n = 0;
    let mut flush = |group: &[String], put: &mut dyn FnMut(OutputFile)| {
        put(OutputFile {
            path: format!("search/docs/{n}.json"),
            bytes: chunk_json(group).into_bytes(),
        });
        n += 1;
    };
    for block in ids.chunks(BLOCK) {
        let made: Vec<String> = block
            .par_iter()
            .map(|&i| entry(&docs[i], label(&docs[i]), &body(i)))
            .collect();
        if keep_entries {
            kept.extend(made.iter().cloned());
        }
        pending.extend(made);
        while pending.len() >= chunk {
            let rest = pending.split_off(chunk);
            flush(&pending, &mut put);
            pending = rest;
        }
    }
    if !pending.is_empty() {
        flush(&pending, &mut put);
    }

    let build = build_hash(&hashes);
    emit(OutputFile {
        path: "search/meta.json".to_string(),
        bytes: meta_json(build, shards, chunk, &order).into_bytes(),
    });
    Stats {
        ids,
        total,
        shards,
        chunk,
        entries: kept,
        hashes,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// The codes of a document kept the plain way: every token a `String` key.
    fn codes_by_strings(d: &SearchDoc, body: &str) -> BTreeMap<String, u8> {
        let mut seen: BTreeMap<String, (u8, u32)> = BTreeMap::new();
        each_doc_token(d, body, &mut |t, flags, tf| {
            let v = seen.entry(t.to_string()).or_default();
            v.0 |= flags;
            v.1 += tf;
        });
        seen.into_iter().map(|(t, v)| (t, code(v))).collect()
    }

    fn doc(title: &str, meta: &[&str]) -> SearchDoc {
        SearchDoc {
            title: title.to_string(),
            meta: meta.iter().map(|m| m.to_string()).collect(),
            ..SearchDoc::default()
        }
    }

    proptest::proptest! {
        #[test]
        fn json_strings_are_serde_jsons(s in "(\\PC|[\"\\\\\n\r\t\u{0}\u{1f}\u{2028}\u{2029}税])*") {
            let out = to_json(&s);
            let back: String = serde_json::from_str(&out).unwrap();
            proptest::prop_assert_eq!(back, s.clone());
            let raw_separators = out.contains(['\u{2028}', '\u{2029}']);
            proptest::prop_assert!(!raw_separators);
        }

        #[test]
        fn packed_tokens_give_the_same_codes(
            title in "[行政处罚决定书税ab12 ]{0,12}",
            meta in "[〔〕号人社罚字2026 ]{0,12}",
            body in "(\\PC|[行政处罚决定书税工资支付 abcAB0-9𠀀𠀁]){0,200}",
        ) {
            let d = doc(&title, &[&meta]);
            let got: BTreeMap<String, u8> = doc_code_list(&d, &body)
                .into_iter()
                .map(|(t, c)| (t.into_string(), c))
                .collect();
            proptest::prop_assert_eq!(got, codes_by_strings(&d, &body));
        }
    }

    proptest::proptest! {
        #[test]
        fn pack_is_the_copy(t in "(\\PC|[\u{0}-\u{7f}]){0,16}") {
            proptest::prop_assert_eq!(pack(&t), pack_by_copy(&t));
        }

        #[test]
        fn each_group_holds_exactly_its_tokens(
            body in "(\\PC|[行政处罚决定书税工资支付 abcAB0-9]|91420583MA4F[0-9]{6}){0,200}",
            parts in 1usize..70,
        ) {
            let pairs = doc_code_list(&doc("标题", &[]), &body);
            let mut all: Vec<(String, u8)> =
                pairs.iter().map(|(t, c)| (t.as_str().to_string(), *c)).collect();
            let grouped = DocTokens::new(pairs, parts);
            let mut seen = Vec::new();
            for p in 0..parts {
                for (t, c, g) in grouped.part(p) {
                    proptest::prop_assert_eq!(t.part(parts), p);
                    proptest::prop_assert_eq!(usize::from(*g), p);
                    seen.push((t.as_str().to_string(), *c));
                }
            }
            all.sort();
            seen.sort();
            proptest::prop_assert_eq!(seen, all);
        }
    }

    #[test]
    fn long_tokens_spread_over_the_merge_groups() {
        let groups: std::collections::BTreeSet<usize> = (0..64)
            .map(|i| Tok::new(&format!("91420583MA4F{i:06}")).part(64))
            .collect();
        assert!(groups.len() > 16, "{groups:?}");
    }

    /// What [`pack`] gives, by copying the bytes into a buffer.
    fn pack_by_copy(t: &str) -> Option<u128> {
        let b = t.as_bytes();
        if b.len() > 15 {
            return None;
        }
        let mut buf = [0u8; 16];
        buf[..b.len()].copy_from_slice(b);
        buf[15] = b.len() as u8;
        Some(u128::from_le_bytes(buf))
    }

    #[test]
    fn pack_is_the_copy_for_every_length() {
        let bytes = "行政处罚决定书abcdefghijklmnopqrstuvwxyz0123456789";
        for start in 0..bytes.len() {
            for end in start..=bytes.len() {
                if let Some(t) = bytes.get(start..end) {
                    assert_eq!(pack(t), pack_by_copy(t), "{t:?}");
                }
            }
        }
        assert_eq!(pack(""), pack_by_copy(""));
    }

    #[test]
    fn pack_round_trips_short_tokens_only() {
        for t in ["税", "行政", "𠀀𠀁", "a", "123456789012345"] {
            assert_eq!(Tok::new(t).bytes(), t.as_bytes());
            assert_eq!(Tok::new(t).into_string(), t);
        }
        let long = "abcdefghijklmnopqrstuvwxyz";
        assert_eq!(Tok::new(long), Tok::Long(long.into()));
        assert_eq!(Tok::new(long).into_string(), long);
        assert_eq!(pack("1234567890123456"), None);
        assert_ne!(pack("a"), pack("a\0"));
    }
}
