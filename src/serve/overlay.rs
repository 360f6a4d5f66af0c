//! The error overlay: when the sources stop building, every page of the last good site is
//! served with this panel listing each problem (file:line, message, hint), in zh-CN.

use crate::diag::{Diagnostics, Severity};

/// HTML escaping, with the characters that could forge or reorder what is shown (control
/// and bidirectional characters from file names and values) written out visibly, as on the
/// terminal ([`crate::diag::escape_controls`]).
pub(crate) fn escape(s: &str) -> String {
    crate::render::escape_html(&crate::diag::escape_controls(s))
}

/// `content/a.md:3:7` (the parts that are known).
pub(crate) fn location(file: &str, line: usize, col: usize) -> String {
    match (line, col) {
        (0, _) => file.to_string(),
        (l, 0) => format!("{file}:{l}"),
        (l, c) => format!("{file}:{l}:{c}"),
    }
}

/// The overlay for a failed rebuild (`problem` when it failed for another reason than content,
/// such as an unreadable file).
pub(crate) fn html(diags: &Diagnostics, problem: Option<&str>) -> String {
    let mut items = String::new();
    for d in diags.iter() {
        let file = d.file.to_string_lossy().replace('\\', "/");
        let sev = match d.severity {
            Severity::Error => "错误",
            _ => "警告",
        };
        items.push_str("<li style=\"margin:0 0 .8em\">");
        items.push_str(&format!(
            "<strong>{sev}</strong> <code style=\"background:#fff3f3;padding:0 .2em\">{}</code>",
            escape(&location(&file, d.line, d.col))
        ));
        if let Some(f) = &d.field {
            items.push_str(&format!("（字段 <code>{}</code>）", escape(f)));
        }
        items.push_str(&format!("<br>{}", escape(&d.message)));
        if let Some(src) = &d.source_line {
            items.push_str(&format!(
                "<pre style=\"margin:.3em 0;padding:.3em;background:#f6f6f6;white-space:pre-wrap\">{}</pre>",
                escape(src)
            ));
        }
        match (&d.expected, &d.found) {
            (Some(e), Some(f)) => {
                items.push_str(&format!("<br>应为：{}；实际：{}", escape(e), escape(f)))
            }
            (Some(e), None) => items.push_str(&format!("<br>应为：{}", escape(e))),
            _ => {}
        }
        if let Some(h) = &d.hint {
            items.push_str(&format!("<br>提示：{}", escape(h)));
        }
        items.push_str("</li>");
    }
    if let Some(p) = problem {
        items.push_str(&format!("<li><strong>错误</strong> {}</li>", escape(p)));
    }
    let count = diags.error_count() + usize::from(problem.is_some());
    format!(
        "<div id=\"gongshi-overlay\" lang=\"zh-CN\" role=\"alertdialog\" aria-labelledby=\"gongshi-overlay-title\" \
style=\"position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(255,255,255,.97);color:#222;\
font:16px/1.6 sans-serif;padding:1.5em;border-top:6px solid #c00\">\
<h2 id=\"gongshi-overlay-title\" style=\"color:#c00;margin-top:0\">内容有 {count} 处错误，网站未更新</h2>\
<p>下面是本次生成发现的全部问题。预览仍显示上一次成功生成的网站；改正并保存后，本提示会自动消失。</p>\
<ol style=\"padding-left:1.5em\">{items}</ol>\
<p><button type=\"button\" onclick=\"this.parentNode.parentNode.style.display='none'\">暂时关闭提示</button></p></div>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::diag::Diagnostic;

    #[test]
    fn every_problem_is_listed_with_its_location_and_escaped() {
        let mut ds = Diagnostics::new();
        ds.push(
            Diagnostic::error(
                Code::SchemaUnknownField,
                "content/documents/a.md",
                "缺少 <title>",
            )
            .at(3, 7)
            .hint("加上 title"),
        );
        ds.push(Diagnostic::error(Code::ConfigSyntax, "site.toml", "坏了"));
        let h = html(&ds, None);
        assert!(h.contains("content/documents/a.md:3:7"));
        assert!(h.contains("缺少 &lt;title&gt;"));
        assert!(h.contains("提示：加上 title"));
        assert!(h.contains("site.toml"));
        assert!(h.contains("2 处错误"));
        assert!(h.contains("lang=\"zh-CN\""));
    }

    #[test]
    fn locations_show_what_is_known() {
        assert_eq!(location("a.md", 0, 0), "a.md");
        assert_eq!(location("a.md", 4, 0), "a.md:4");
        assert_eq!(location("a.md", 4, 2), "a.md:4:2");
    }
}
