//! Site search: a static, sharded inverted index built at build time and queried in the
//! browser by `themes/default/static/search.js` (no server, no external resource).
//!
//! Chinese is indexed without a word list: overlapping CJK character bigrams plus single
//! characters, ASCII words and numbers (see [`tokenize`]), so a 文号 such as
//! `枝人社罚〔2026〕17号` is found by `〔2026〕17号`, `2026 17` or `人社罚2026`.
//!
//! Only published, valid records may be passed in: drafts, withdrawn or changed enforcement
//! decisions and records past their display period must be filtered out by the caller — the
//! index would otherwise keep serving their text.
//!
//! The file format, ranking and the page markup contract are documented in
//! `docs/dev/search.md`.

mod index;
pub mod live;
pub mod synonyms;
mod tokenize;

#[cfg(test)]
mod tests;

pub use index::{
    build_index, build_index_each, build_index_with, shard_of, token_hash, EXCERPT_CHARS,
    FORMAT_VERSION,
};
pub use tokenize::{
    is_cjk, normalise_char, query_terms, tokenize, Token, TokenKind, MAX_WORD_CHARS,
};

/// One searchable record.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SearchDoc {
    /// Page URL relative to the site root, e.g. `/documents/2026-012/` (a leading `/` is
    /// dropped; the script prefixes the site root).
    pub url: String,
    pub title: String,
    /// Content folder: `documents`, `enforcement`, … — the kind filter.
    pub kind: String,
    /// What the result list shows, e.g. `法规政策`, `行政处罚`.
    pub kind_label: String,
    /// `YYYY-MM-DD`; newer documents win ranking ties.
    pub date: String,
    /// The year filter (usually the year of `date`).
    pub year: i32,
    /// Searchable metadata values: 文号, 案号, 索引号, 发布机构… (weighted between title and
    /// body; shown under the result).
    pub meta: Vec<String>,
    /// Plain text of the body, table cells included.
    pub body: String,
    /// A consultation open for comment now: first for a query with 征求意见, 意见, 草案….
    pub open: bool,
}

/// A file to write under the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the site root with `/` separators, e.g. `search/meta.json`.
    pub path: String,
    pub bytes: Vec<u8>,
}
