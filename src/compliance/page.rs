//! 合规检查页 — the compliance page for staff (`gongshi check --html FILE`): one
//! self-contained HTML file (inline CSS, no script, zh-CN) with, at a glance, what is overdue,
//! what was withdrawn, what expires soon and what is missing, then every diagnostic grouped
//! by file. The same input gives the same bytes.

use super::{date_zh, Section, Summary};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::render::escape_html as esc;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What the page is about.
pub(crate) struct PageInfo<'a> {
    /// The site's name (or the root folder when the site could not be loaded).
    pub site: &'a str,
    /// The check's time, as text.
    pub checked_at: &'a str,
    /// `--strict` was given (warnings fail).
    pub strict: bool,
    /// The check failed.
    pub failed: bool,
}

const CSS: &str = "body{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:0;color:#1a1a1a;background:#f5f6f8;line-height:1.6}\
main{max-width:1100px;margin:0 auto;padding:1.5rem}\
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid #c8102e;padding-bottom:.25rem}\
h3{font-size:1rem;margin:1.25rem 0 .5rem;font-family:ui-monospace,Consolas,monospace}\
.meta{color:#555;margin:0 0 1rem}\
.banner{padding:.75rem 1rem;border-radius:6px;font-weight:bold;margin:1rem 0}\
.ok{background:#e6f4ea;color:#0b5a1e}.bad{background:#fde7e9;color:#8a1020}\
.cards{display:flex;flex-wrap:wrap;gap:.75rem;margin:1rem 0}\
.card{background:#fff;border-radius:6px;padding:.75rem 1rem;min-width:9rem;box-shadow:0 1px 2px #0002}\
.card b{display:block;font-size:1.6rem}\
table{width:100%;border-collapse:collapse;background:#fff;box-shadow:0 1px 2px #0002}\
th,td{text-align:left;vertical-align:top;padding:.4rem .6rem;border-bottom:1px solid #e3e3e3}\
th{background:#eef0f3;white-space:nowrap}\
td.date{white-space:nowrap}\
.none{color:#555;background:#fff;padding:.5rem .75rem}\
.help{color:#555;margin:.25rem 0 .5rem}\
.sev{display:inline-block;padding:0 .4rem;border-radius:4px;font-size:.85rem;white-space:nowrap}\
.sev-error{background:#c8102e;color:#fff}.sev-warning{background:#f0a500;color:#000}.sev-info{background:#d0d7e2;color:#000}\
code,pre{font-family:ui-monospace,Consolas,monospace;font-size:.9rem}\
pre{background:#f7f7f7;padding:.25rem .5rem;margin:.25rem 0;overflow-x:auto}\
dl{margin:.25rem 0}dt{display:inline;color:#555}dd{display:inline;margin:0 1rem 0 .25rem}\
@media print{body{background:#fff}.card,table{box-shadow:none}}";

fn severity(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::Error => ("sev-error", "错误"),
        Severity::Warning => ("sev-warning", "警告"),
        Severity::Info => ("sev-info", "提示"),
    }
}

/// Render the page.
pub(crate) fn render(info: &PageInfo, summary: &Summary, diags: &Diagnostics) -> String {
    let mut h = String::with_capacity(16 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>合规检查 · {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(info.site)
    );
    let _ = writeln!(h, "<h1>合规检查：{}</h1>", esc(info.site));
    let _ = writeln!(
        h,
        "<p class=\"meta\">检查时间：{}{}</p>",
        esc(info.checked_at),
        if info.strict {
            "（严格模式：警告也视为错误）"
        } else {
            ""
        }
    );
    let (class, text) = if info.failed {
        (
            "bad",
            "未通过：有必须改正的问题，网站不会发布。请按下面的说明逐项修改。",
        )
    } else if diags.warning_count() > 0 {
        ("ok", "可以发布，但有需要处理的警告。")
    } else {
        ("ok", "检查通过。")
    };
    let _ = writeln!(h, "<p class=\"banner {class}\">{text}</p>");

    h.push_str("<div class=\"cards\">\n");
    for (n, label) in [
        (diags.error_count(), "错误"),
        (diags.warning_count(), "警告"),
        (diags.info_count(), "提示"),
    ] {
        let _ = writeln!(h, "<div class=\"card\"><b>{n}</b>{label}</div>");
    }
    for s in Section::ALL {
        let n = summary.in_section(s).count();
        let _ = writeln!(
            h,
            "<div class=\"card\"><b>{n}</b><a href=\"#{}\">{}</a></div>",
            section_id(s),
            s.label()
        );
    }
    h.push_str("</div>\n");

    for s in Section::ALL {
        let _ = writeln!(h, "<h2 id=\"{}\">{}</h2>", section_id(s), s.label());
        let _ = writeln!(h, "<p class=\"help\">{}</p>", s.help());
        let items: Vec<_> = summary.in_section(s).collect();
        if items.is_empty() {
            h.push_str("<p class=\"none\">无。</p>\n");
            continue;
        }
        h.push_str("<table>\n<thead><tr><th>日期</th><th>标题</th><th>说明</th><th>文件</th></tr></thead>\n<tbody>\n");
        for i in items {
            let _ = writeln!(
                h,
                "<tr><td class=\"date\">{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                i.date.map(date_zh).unwrap_or_default(),
                esc(&i.title),
                esc(&i.note),
                esc(&i.file)
            );
        }
        h.push_str("</tbody>\n</table>\n");
    }

    h.push_str("<h2 id=\"all\">全部问题（按文件）</h2>\n");
    if diags.is_empty() {
        h.push_str("<p class=\"none\">没有发现问题。</p>\n");
    }
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in diags.iter() {
        by_file
            .entry(d.file.to_string_lossy().replace('\\', "/"))
            .or_default()
            .push(d);
    }
    for (file, ds) in by_file {
        let name = if file.is_empty() {
            "整个站点"
        } else {
            &file
        };
        let _ = writeln!(h, "<h3>{}</h3>", esc(name));
        h.push_str(
            "<table>\n<thead><tr><th>级别</th><th>位置</th><th>问题</th></tr></thead>\n<tbody>\n",
        );
        for d in ds {
            let (class, label) = severity(d.severity);
            let pos = if d.line > 0 {
                format!("{}:{}", d.line, d.col.max(1))
            } else {
                String::new()
            };
            let _ = write!(
                h,
                "<tr><td><span class=\"sev {class}\">{label}</span></td><td class=\"date\">{pos}</td><td><strong>{}</strong> <code>{}</code>",
                esc(&d.message),
                d.code
            );
            if let Some(src) = &d.source_line {
                let _ = write!(h, "<pre>{}</pre>", esc(src));
            }
            h.push_str("<dl>");
            for (k, v) in [
                ("字段", d.field.as_deref()),
                ("应为", d.expected.as_deref()),
                ("实际", d.found.as_deref()),
                ("提示", d.hint.as_deref()),
            ] {
                if let Some(v) = v {
                    let _ = write!(h, "<dt>{k}：</dt><dd>{}</dd>", esc(v));
                }
            }
            h.push_str("</dl></td></tr>\n");
        }
        h.push_str("</tbody>\n</table>\n");
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

fn section_id(s: Section) -> &'static str {
    match s {
        Section::Overdue => "overdue",
        Section::Withdrawn => "withdrawn",
        Section::ExpiringSoon => "expiring",
        Section::Missing => "missing",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::Item;
    use crate::diag::Code;

    #[test]
    fn the_page_lists_items_and_escapes_text() {
        let mut s = Summary::default();
        s.push(Item {
            section: Section::Overdue,
            date: jiff::civil::Date::new(2026, 9, 17).ok(),
            file: "content/enforcement/a.md".into(),
            title: "<某>案".into(),
            note: "晚了3个工作日".into(),
        });
        let mut ds = Diagnostics::new();
        ds.push(
            Diagnostic::warning(Code::EnforcementLate, "content/enforcement/a.md", "晚了")
                .at(3, 12),
        );
        let html = render(
            &PageInfo {
                site: "测试局",
                checked_at: "2026年11月25日 10:00",
                strict: false,
                failed: false,
            },
            &s,
            &ds,
        );
        assert!(html.contains("&lt;某&gt;案"));
        assert!(html.contains("2026年9月17日"));
        assert!(html.contains("<code>enforcement.late</code>"));
        assert!(html.contains("3:12"));
        assert!(!html.contains("<script"));
    }
}
