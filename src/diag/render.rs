//! Rendering diagnostics for people (zh-CN text with the source line and a caret aligned by
//! display width) and for machines (JSON with stable codes).

use super::{Diagnostic, Diagnostics, Severity};
use std::fmt::Write;
use unicode_width::UnicodeWidthChar;

fn severity_zh(s: Severity) -> &'static str {
    match s {
        Severity::Error => "错误",
        Severity::Warning => "警告",
        Severity::Info => "提示",
    }
}

/// Characters that must not reach a terminal or a CI log as they are: C0 and C1 control
/// characters and DEL (escape sequences that recolour, retitle or rewrite the screen, the
/// bell, a carriage return that overwrites the line, a line feed that forges a new line) and
/// the invisible characters that reorder or break what is shown (bidirectional overrides and
/// isolates, "Trojan Source"; line and paragraph separators). A tab is harmless and kept.
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}'
        | '\u{a}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
    )
}

/// How an unsafe character is shown: `\n`, `\r`, or its code point as `\u{1b}`.
fn escaped(c: char) -> String {
    match c {
        '\n' => "\\n".to_string(),
        '\r' => "\\r".to_string(),
        c => format!("\\u{{{:x}}}", c as u32),
    }
}

/// `s` with every [`is_unsafe`] character written out visibly (`\u{1b}`), for text that goes
/// to a terminal or a log: file names, messages, source lines. Safe text is borrowed.
pub(crate) fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&escaped(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Display width of one character of a source line as shown (a tab as four spaces, an unsafe
/// character as its escape).
fn shown_width(c: char) -> usize {
    if c == '\t' {
        4
    } else if is_unsafe(c) {
        escaped(c).len()
    } else {
        c.width().unwrap_or(0)
    }
}

/// Display width of the first `chars` characters of `line` (CJK characters are two columns).
fn width_of_prefix(line: &str, chars: usize) -> usize {
    line.chars().take(chars).map(shown_width).sum()
}

fn width_of_span(line: &str, start: usize, len: usize) -> usize {
    let w: usize = line.chars().skip(start).take(len).map(shown_width).sum();
    w.max(1)
}

/// One diagnostic as text:
///
/// ```text
/// 错误[schema.unknown-field]: 未知字段“titel”
///   --> content/documents/a.md:3:1
///    |
///  3 | titel: 关于……
///    | ^^^^^
///    = 字段: titel
///    = 提示: 是否想写“title”？
/// ```
///
/// Every text that comes from the site's files (file names, messages quoting values, source
/// lines) is passed through [`escape_controls`].
pub(crate) fn render_one(d: &Diagnostic) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        severity_zh(d.severity),
        d.code,
        escape_controls(&d.message)
    );
    let file = d.file.to_string_lossy().replace('\\', "/");
    let file = escape_controls(&file);
    if !file.is_empty() {
        if d.line > 0 {
            let _ = writeln!(out, "  --> {}:{}:{}", file, d.line, d.col.max(1));
        } else {
            let _ = writeln!(out, "  --> {}", file);
        }
    }
    let gutter = d.line.to_string().len().max(1);
    let pad = " ".repeat(gutter);
    if let (Some(src), true) = (&d.source_line, d.line > 0) {
        let cut = if d.source_skip > 0 { "…" } else { "" };
        let shown: String = escape_controls(src).replace('\t', "    ");
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {cut}{}", d.line, shown);
        let col0 = d.col.saturating_sub(1).saturating_sub(d.source_skip);
        let lead = width_of_prefix(src, col0) + usize::from(d.source_skip > 0);
        let carets = width_of_span(src, col0, d.span_len);
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(lead), "^".repeat(carets));
    }
    // What is expected and the hint may run over several lines (an example of how to write
    // a list); a line of theirs that does not begin with a space is indented, so that no line
    // of the report can be one a value forged.
    let lines = [
        ("字段", d.field.as_deref(), false),
        ("应为", d.expected.as_deref(), true),
        ("实际", d.found.as_deref(), false),
        ("提示", d.hint.as_deref(), true),
    ];
    for (label, text, multiline) in lines {
        let Some(t) = text else { continue };
        let shown = if multiline {
            t.split('\n')
                .map(|l| escape_controls(l).into_owned())
                .enumerate()
                .map(|(i, l)| match i {
                    0 => l,
                    _ if l.starts_with(' ') => format!("\n{l}"),
                    _ => format!("\n{pad}   {l}"),
                })
                .collect::<String>()
        } else {
            escape_controls(t).into_owned()
        };
        let _ = writeln!(out, "{pad} = {label}：{shown}");
    }
    out
}

/// All diagnostics as text, grouped by file in a stable order, with a closing count line.
pub fn render_text(ds: &Diagnostics) -> String {
    let mut out = String::new();
    for d in ds.iter() {
        out.push_str(&render_one(d));
        out.push('\n');
    }
    out.push_str(&summary_line(ds));
    out.push('\n');
    out
}

/// `共 2 个错误、1 个警告` — the count line that ends a report.
pub(super) fn summary_line(ds: &Diagnostics) -> String {
    let e = ds.error_count();
    let w = ds.warning_count();
    let i = ds.info_count();
    match (e, w, i) {
        (0, 0, 0) => "检查通过：没有发现问题。".to_string(),
        (0, 0, i) => format!("检查通过：没有错误和警告，另有 {i} 条提示。"),
        (e, w, 0) => format!("共 {e} 个错误、{w} 个警告。"),
        (e, w, i) => format!("共 {e} 个错误、{w} 个警告，另有 {i} 条提示。"),
    }
}

/// JSON for CI: `{"errors": N, "warnings": N, "infos": N, "diagnostics": [...]}` with stable
/// codes; each diagnostic's `severity` is `error`, `warning` or `info`.
pub(crate) fn render_json(ds: &Diagnostics) -> String {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        errors: usize,
        warnings: usize,
        infos: usize,
        diagnostics: Vec<&'a Diagnostic>,
    }
    let out = Out {
        errors: ds.error_count(),
        warnings: ds.warning_count(),
        infos: ds.info_count(),
        diagnostics: ds.iter().collect(),
    };
    let json = serde_json::to_string_pretty(&out).unwrap_or_else(|_| "{}".to_string());
    // serde_json escapes the C0 controls inside strings (the line feeds left are its layout);
    // DEL, the C1 controls and the bidirectional ones are escaped too (they can only be inside
    // strings, where `\uXXXX` means the same character), so that the JSON is safe to print.
    let unsafe_in_string = |c: char| is_unsafe(c) && c >= '\u{7f}';
    if !json.chars().any(unsafe_in_string) {
        return json;
    }
    json.chars()
        .map(|c| {
            if unsafe_in_string(c) {
                format!("\\u{:04x}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    #[test]
    fn control_and_bidi_characters_never_reach_the_terminal_or_the_json() {
        let evil = "a\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}fdp.exe\rb\nerror: fake";
        let d = Diagnostic::error(
            Code::SchemaUnknownField,
            format!("content/documents/{evil}.md"),
            format!("未知字段“{evil}”"),
        )
        .span(1, 12, 1)
        .field(evil)
        .found(evil)
        .hint(evil)
        .with_source(&format!("{evil}: 1\n"));
        let ds: Diagnostics = [d].into_iter().collect();
        for out in [render_text(&ds), render_json(&ds)] {
            let bad: Vec<char> = out
                .chars()
                .filter(|c| is_unsafe(*c) && *c != '\n')
                .collect();
            assert!(bad.is_empty(), "{bad:?} in {out}");
        }
        let text = render_text(&ds);
        assert!(
            text.contains(
                "a\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}31m\\u{202e}fdp.exe\\rb\\nerror: fake"
            ),
            "{text}"
        );
        // No line of the report is a forged one: every line is one the renderer wrote.
        assert!(
            !text.lines().any(|l| l.starts_with("error: fake")),
            "{text}"
        );
        // The JSON reads back to the very same text.
        let json = render_json(&ds);
        let v: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
        assert_eq!(v["diagnostics"][0]["field"].as_str(), Some(evil));
        assert_eq!(
            v["diagnostics"][0]["file"].as_str(),
            Some(format!("content/documents/{evil}.md").as_str())
        );
    }

    #[test]
    fn the_caret_counts_an_escaped_character_as_its_escape() {
        let d = Diagnostic::error(Code::SchemaUnknownField, "a.md", "m")
            .span(1, 3, 2)
            .with_source("\u{1b}[标题\n");
        let text = render_one(&d);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[3], "1 | \\u{1b}[标题");
        // "\u{1b}[" is 7 columns; the span is one CJK character and the newline is not shown.
        assert_eq!(lines[4], "  |        ^^^^");
    }

    #[test]
    fn caret_is_aligned_by_display_width() {
        let d = Diagnostic::error(Code::SchemaUnknownField, "content/a.md", "消息")
            .span(3, 8, 2)
            .with_source("a\nb\ntitle: 标题错误\n");
        let text = render_one(&d);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[3], "3 | title: 标题错误");
        // "title: " is 7 columns; the span is two CJK characters = 4 columns.
        assert_eq!(lines[4], "  |        ^^^^");
    }
}
