//! Diagnostics: problems in a site's files, as values with a location, collected and rendered
//! for staff in the site's language (zh-CN).

mod code;
mod render;

pub use code::Code;
pub(crate) use render::{escape_controls, render_json, render_one};
pub use render::{is_unsafe, render_text};

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// How bad a problem is. Errors stop a build; warnings are reported (errors under `--strict`);
/// notes (提示) only inform — something the generator already handled, never a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// 诊断 — one problem in one place, with what was expected and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable machine code, e.g. `schema.unknown-field`.
    pub code: Code,
    /// Path relative to the site root, with `/` separators (empty: the site as a whole).
    pub file: PathBuf,
    /// 1-based line in the file; 0 when the problem has no position.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub col: usize,
    /// Field path such as `materials[2].name`.
    pub field: Option<String>,
    /// The message, in the site's language. The texts are `Cow`s so that the constant ones
    /// (most hints) are not copied into every diagnostic: a large site can draw tens of
    /// thousands of the same warning, all held until the report.
    pub message: Cow<'static, str>,
    pub expected: Option<Cow<'static, str>>,
    pub found: Option<Cow<'static, str>>,
    pub hint: Option<Cow<'static, str>>,
    /// The source line the problem is on (filled in by the loader for rendering).
    #[serde(skip)]
    pub source_line: Option<String>,
    /// Length in characters of the span to underline (at least 1 when shown).
    #[serde(skip)]
    pub span_len: usize,
    /// Characters of the line left out before [`Diagnostic::source_line`] (a long line is
    /// kept only around the column).
    #[serde(skip)]
    pub source_skip: usize,
}

/// How much of a long source line a diagnostic keeps: characters before the column, and in
/// all. A hostile file of one huge line must not be copied into every diagnostic about it.
const SOURCE_BEFORE: usize = 60;
const SOURCE_SHOWN: usize = 160;

/// Diagnostics listed for one file at most by the passes that can find any number of
/// problems in it (the loader, the privacy check); [`cap_per_file`] says how many more
/// there were.
pub(crate) const MAX_PER_FILE: usize = 100;

impl Diagnostic {
    fn new(
        severity: Severity,
        code: Code,
        file: impl AsRef<Path>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Diagnostic {
            severity,
            code,
            file: file.as_ref().to_path_buf(),
            line: 0,
            col: 0,
            field: None,
            message: message.into(),
            expected: None,
            found: None,
            hint: None,
            source_line: None,
            span_len: 1,
            source_skip: 0,
        }
    }

    /// An error: the build refuses to publish while it stands.
    pub fn error(
        code: Code,
        file: impl AsRef<Path>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Severity::Error, code, file, message)
    }

    /// A warning: reported, and an error only under `--strict`.
    pub fn warning(
        code: Code,
        file: impl AsRef<Path>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Severity::Warning, code, file, message)
    }

    /// A note (提示): reported, never a failure, not even under `--strict`.
    pub fn info(code: Code, file: impl AsRef<Path>, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Severity::Info, code, file, message)
    }

    /// Position: 1-based line and column (characters).
    pub fn at(mut self, line: usize, col: usize) -> Self {
        self.line = line;
        self.col = col;
        self
    }

    /// Position with the length of the span to underline.
    pub fn span(mut self, line: usize, col: usize, len: usize) -> Self {
        self.line = line;
        self.col = col;
        self.span_len = len.max(1);
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn expected(mut self, expected: impl Into<Cow<'static, str>>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn found(mut self, found: impl Into<Cow<'static, str>>) -> Self {
        self.found = Some(found.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Attach the source line from the file's text, when the position is known (a long line
    /// only around the column, with `…` where it was cut).
    pub fn with_source(mut self, text: &str) -> Self {
        if self.line > 0 {
            self.source_line = text.lines().nth(self.line - 1).map(|l| {
                let l = l.trim_end_matches('\r');
                let skip = self.col.saturating_sub(1).saturating_sub(SOURCE_BEFORE);
                let mut chars = l.chars().skip(skip);
                let mut shown: String = chars.by_ref().take(SOURCE_SHOWN).collect();
                if chars.next().is_some() {
                    shown.push('…');
                }
                self.source_skip = skip;
                shown
            });
        }
        self
    }
}

/// Keep at most [`MAX_PER_FILE`] diagnostics of each file (the first by position), and say
/// for each file how many more there were, as a diagnostic as severe as the worst left out
/// (so that leaving some out never lets a build pass).
pub(crate) fn cap_per_file(diags: &mut Vec<Diagnostic>) {
    let mut counts: std::collections::HashMap<&Path, usize> = std::collections::HashMap::new();
    for d in diags.iter() {
        *counts.entry(d.file.as_path()).or_default() += 1;
    }
    if counts.values().all(|&n| n <= MAX_PER_FILE) {
        return;
    }
    diags.sort_by(|a, b| (&a.file, a.line, a.col).cmp(&(&b.file, b.line, b.col)));
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(MAX_PER_FILE);
    // Per file, in order: (file, left out by severity).
    let mut left_out: Vec<(PathBuf, [usize; 3])> = Vec::new();
    let mut seen = 0usize;
    for d in diags.drain(..) {
        if kept.last().is_none_or(|k| k.file != d.file) {
            seen = 0;
        }
        seen += 1;
        if seen <= MAX_PER_FILE {
            kept.push(d);
            continue;
        }
        if left_out.last().is_none_or(|(f, _)| *f != d.file) {
            left_out.push((d.file.clone(), [0; 3]));
        }
        if let Some((_, n)) = left_out.last_mut() {
            n[d.severity as usize] += 1;
        }
    }
    for (file, [e, w, i]) in left_out {
        let total = e + w + i;
        let severity = if e > 0 {
            Severity::Error
        } else if w > 0 {
            Severity::Warning
        } else {
            Severity::Info
        };
        let mut parts = Vec::new();
        for (n, what) in [(e, "错误"), (w, "警告"), (i, "提示")] {
            if n > 0 {
                parts.push(format!("{n} 个{what}"));
            }
        }
        kept.push(Diagnostic::new(
            severity,
            Code::DiagMore,
            &file,
            format!(
                "这个文件另有 {total} 个问题没有列出（{}）",
                parts.join("、")
            ),
        )
        .hint(format!(
            "每个文件最多列出 {MAX_PER_FILE} 个问题：请先改正上面列出的问题，再运行 gongshi check 查看其余问题。"
        )));
    }
    *diags = kept;
}

/// A collection of diagnostics in a stable order (file, line, column, code).
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    pub fn info_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity == Severity::Info)
            .count()
    }

    /// Errors or warnings (what `--strict` refuses); notes do not count.
    pub fn has_problems(&self) -> bool {
        self.items.iter().any(|d| d.severity != Severity::Info)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Sort into the order they are shown: by file, then position, then code.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.col, a.code, &a.message)
                .cmp(&(&b.file, b.line, b.col, b.code, &b.message))
        });
        self.items.dedup();
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics {
            items: iter.into_iter().collect(),
        }
    }
}

/// The closest candidate to `word` by edit distance, for "did you mean" hints.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(word, c);
        if score > 0.75 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// An output format for diagnostics and reports: `text` for people, `json` for programs (CI).
/// Here rather than in `cli` so the command plumbing of `feedback` and the CLI share it
/// without an import circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    // No doc comments on the values: `--help` lists them as before, `[possible values: text, json]`.
    Text,
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_field_names() {
        assert_eq!(
            did_you_mean("titel", ["title", "published", "tags"]),
            Some("title")
        );
        assert_eq!(
            did_you_mean("publised", ["title", "published"]),
            Some("published")
        );
        assert_eq!(did_you_mean("zzz", ["title", "published"]), None);
    }

    #[test]
    fn a_long_source_line_is_kept_only_around_the_column() {
        let line = format!("{}错{}", "a".repeat(100_000), "b".repeat(100_000));
        let d = Diagnostic::error(Code::SchemaUnknownField, "a.md", "m")
            .span(2, 100_001, 1)
            .with_source(&format!("first\n{line}\n"));
        let src = d.source_line.clone().unwrap_or_default();
        assert_eq!(d.source_skip, 100_000 - 60);
        assert!(
            src.starts_with(&"a".repeat(60)) && src.ends_with('…'),
            "{src}"
        );
        assert_eq!(src.chars().count(), 161);
        let text = render::render_one(&d);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[3].starts_with(&format!("2 | …{}错", "a".repeat(60))));
        // The caret is under 错: "2 | " then the "…" and 60 columns.
        assert_eq!(lines[4], format!("  | {}^^", " ".repeat(61)));
    }

    #[test]
    fn at_most_so_many_diagnostics_of_a_file_are_kept_and_the_rest_counted() {
        let mut ds: Vec<Diagnostic> = (1..=150)
            .map(|i| Diagnostic::warning(Code::SchemaWrongType, "a.md", "w").at(i, 1))
            .collect();
        ds.push(Diagnostic::error(Code::SchemaMissingField, "a.md", "e").at(500, 1));
        ds.push(Diagnostic::error(Code::SchemaMissingField, "b.md", "e").at(1, 1));
        cap_per_file(&mut ds);
        let a: Vec<&Diagnostic> = ds.iter().filter(|d| d.file == Path::new("a.md")).collect();
        assert_eq!(a.len(), MAX_PER_FILE + 1);
        let more = a[MAX_PER_FILE];
        assert_eq!(more.code, Code::DiagMore);
        // An error was left out: the count is an error, so the build still fails.
        assert_eq!(more.severity, Severity::Error);
        assert!(more.message.contains("另有 51 个问题"), "{}", more.message);
        assert!(
            more.message.contains("1 个错误、50 个警告"),
            "{}",
            more.message
        );
        assert_eq!(ds.iter().filter(|d| d.file == Path::new("b.md")).count(), 1);
    }

    #[test]
    fn diagnostics_sort_by_file_then_line() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error(Code::SchemaBadValue, "b.md", "x").at(3, 1));
        ds.push(Diagnostic::error(Code::SchemaBadValue, "a.md", "x").at(9, 1));
        ds.push(Diagnostic::error(Code::SchemaBadValue, "b.md", "x").at(1, 1));
        ds.sort();
        let order: Vec<_> = ds
            .iter()
            .map(|d| (d.file.display().to_string(), d.line))
            .collect();
        assert_eq!(
            order,
            vec![("a.md".into(), 9), ("b.md".into(), 1), ("b.md".into(), 3)]
        );
    }
}
