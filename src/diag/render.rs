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

/// Display width of the first `chars` characters of `line` (CJK characters are two columns).
fn width_of_prefix(line: &str, chars: usize) -> usize {
    line.chars()
        .take(chars)
        .map(|c| if c == '\t' { 4 } else { c.width().unwrap_or(0) })
        .sum()
}

fn width_of_span(line: &str, start: usize, len: usize) -> usize {
    let w: usize = line
        .chars()
        .skip(start)
        .take(len)
        .map(|c| if c == '\t' { 4 } else { c.width().unwrap_or(0) })
        .sum();
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
pub fn render_one(d: &Diagnostic) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}[{}]: {}",
        severity_zh(d.severity),
        d.code,
        d.message
    );
    let file = d.file.to_string_lossy().replace('\\', "/");
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
        let shown: String = src.replace('\t', "    ");
        let _ = writeln!(out, "{pad} |");
        let _ = writeln!(out, "{} | {}", d.line, shown);
        let col0 = d.col.saturating_sub(1);
        let lead = width_of_prefix(src, col0);
        let carets = width_of_span(src, col0, d.span_len);
        let _ = writeln!(out, "{pad} | {}{}", " ".repeat(lead), "^".repeat(carets));
    }
    if let Some(f) = &d.field {
        let _ = writeln!(out, "{pad} = 字段：{f}");
    }
    if let Some(e) = &d.expected {
        let _ = writeln!(out, "{pad} = 应为：{e}");
    }
    if let Some(f) = &d.found {
        let _ = writeln!(out, "{pad} = 实际：{f}");
    }
    if let Some(h) = &d.hint {
        let _ = writeln!(out, "{pad} = 提示：{h}");
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
pub fn summary_line(ds: &Diagnostics) -> String {
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
pub fn render_json(ds: &Diagnostics) -> String {
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
    serde_json::to_string_pretty(&out).unwrap_or_else(|_| "{}".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_is_aligned_by_display_width() {
        let d = Diagnostic::error("x", "content/a.md", "消息")
            .span(3, 8, 2)
            .with_source("a\nb\ntitle: 标题错误\n");
        let text = render_one(&d);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[3], "3 | title: 标题错误");
        // "title: " is 7 columns; the span is two CJK characters = 4 columns.
        assert_eq!(lines[4], "  |        ^^^^");
    }
}
