//! Rendering pages with Tera: the default theme embedded in the binary, overridden file by
//! file by the site's `themes/<name>/` folder; pages rendered in parallel.

mod chrome;
pub(crate) mod css;
mod theme;

pub(crate) use theme::Theme;

/// The field of the pages' `site` that holds the SHA-256 (hex) of the rest of it. Every page
/// of a build carries a clone of the same `site` ([`digested`] by `plan::PageMaker`): the
/// chrome cache and the page cache's keys read it instead of comparing or hashing the whole
/// value on each page.
pub(crate) const SITE_DIGEST: &str = "digest";

/// SHA-256 of a value's JSON.
fn json_sha256(v: &Value) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(serde_json::to_vec(v).unwrap_or_default()).into()
}

/// `site` with its [`SITE_DIGEST`].
pub(crate) fn digested(mut site: Value) -> Value {
    let d = hex::encode(json_sha256(&site));
    if let Value::Object(m) = &mut site {
        m.insert(SITE_DIGEST.into(), Value::String(d));
    }
    site
}

/// The digest of a `site`: the one it carries ([`digested`]), else the SHA-256 of its JSON,
/// as [`digested`] would have made it.
pub(crate) fn site_digest(site: &Value) -> [u8; 32] {
    site.get(SITE_DIGEST)
        .and_then(Value::as_str)
        .and_then(|h| hex::decode(h).ok())
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .unwrap_or_else(|| json_sha256(site))
}

use crate::diag::{Code, Diagnostic};
use rayon::prelude::*;
use serde_json::Value;

/// The template engine loaded with a theme.
pub struct Renderer {
    tera: tera::Tera,
    /// The XML templates (`*.xml`: the Atom feeds and the sitemap), escaped for XML.
    xml: tera::Tera,
    /// The theme has `partials/footer.html`, `partials/nav.html` (see [`chrome`]).
    chrome_parts: (bool, bool),
    chrome: std::sync::Mutex<chrome::Chrome>,
}

impl Renderer {
    /// Compile every template of the theme once.
    pub fn new(theme: &Theme) -> Result<Renderer, Vec<Diagnostic>> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        let templates: Vec<(String, String)> = theme
            .templates()
            .map(|f| {
                (
                    f.name.clone(),
                    String::from_utf8_lossy(&f.bytes).into_owned(),
                )
            })
            .collect();
        tera.register_filter("tel", tel_filter);
        tera.add_raw_templates(templates)
            .map_err(|e| vec![template_diag(&e, theme)])?;
        let has = |name: &str| tera.get_template_names().any(|n| n == name);
        let chrome_parts = (has(chrome::FOOTER), has(chrome::NAV));
        // XML templates get their own engine: Tera has one escape function per engine, and
        // XML wants `&apos;` and no control characters where HTML pages want `&#39;`.
        let mut xml = tera::Tera::default();
        xml.autoescape_on(vec![XML_SUFFIX]);
        xml.set_escape_fn(escape_xml);
        xml.add_raw_templates(
            theme
                .templates()
                .filter(|f| f.name.ends_with(XML_SUFFIX))
                .map(|f| {
                    (
                        f.name.clone(),
                        String::from_utf8_lossy(&f.bytes).into_owned(),
                    )
                }),
        )
        .map_err(|e| vec![template_diag(&e, theme)])?;
        Ok(Renderer {
            tera,
            xml,
            chrome_parts,
            chrome: std::sync::Mutex::new(chrome::Chrome::default()),
        })
    }

    /// Render one template with its view model.
    pub fn render(&self, template: &str, ctx: &Value) -> Result<String, String> {
        self.render_owned(template, ctx.clone())
    }

    /// Render one template with its view model, consuming it (no copy of the model).
    pub fn render_owned(&self, template: &str, ctx: Value) -> Result<String, String> {
        String::from_utf8(self.render_bytes(template, ctx)?).map_err(|e| e.to_string())
    }

    /// [`Renderer::render_owned`] as the bytes of the page: what is written to disk. Tera
    /// writes into the buffer directly (its `render` would check the whole page is UTF-8 once
    /// more, for nothing).
    pub fn render_bytes(&self, template: &str, mut ctx: Value) -> Result<Vec<u8>, String> {
        chrome::add(&self.chrome, &mut ctx, self.chrome_parts, &|name, v| {
            self.render_plain(name, v)
        })?;
        let ctx = tera::Context::from_value(ctx).map_err(|e| error_chain(&e))?;
        let mut out = Vec::with_capacity(32 * 1024);
        let engine = if template.ends_with(XML_SUFFIX) {
            &self.xml
        } else {
            &self.tera
        };
        engine
            .render_to(template, &ctx, &mut out)
            .map_err(|e| error_chain(&e))?;
        Ok(out)
    }

    fn render_plain(&self, template: &str, ctx: Value) -> Result<String, String> {
        let ctx = tera::Context::from_value(ctx).map_err(|e| error_chain(&e))?;
        self.tera
            .render(template, &ctx)
            .map_err(|e| error_chain(&e))
    }

    /// Render many pages in parallel; results keep the input order.
    pub fn render_all<'a>(
        &self,
        jobs: &'a [(&'a str, &'a str, &'a Value)],
    ) -> Vec<(&'a str, Result<String, String>)> {
        jobs.par_iter()
            .map(|(path, t, ctx)| (*path, self.render(t, ctx)))
            .collect()
    }
}

/// The `tel` filter: [`tel_links`] of a string (print it with `| safe`; the filter escapes).
fn tel_filter(v: &Value, _: &std::collections::HashMap<String, Value>) -> tera::Result<Value> {
    match v {
        Value::String(s) => Ok(Value::String(tel_links(s))),
        Value::Null => Ok(Value::String(String::new())),
        other => Ok(Value::String(escape_html(&other.to_string()))),
    }
}

/// Escape `text` for HTML and make every phone number in it a tap-to-call link that never
/// breaks across lines: `<a class="tel" href="tel:0717-4212345">0717-4212345</a>`. A phone
/// number is a run of digits, hyphens and a leading `+` holding at least five digits and
/// not touching an ASCII letter (so `2026`, `8:30-17:30` and codes like `A12345` stay text).
pub(crate) fn tel_links(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 32);
    let mut from = 0;
    let mut i = 0;
    while i < b.len() {
        let starts =
            b[i].is_ascii_digit() || (b[i] == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit));
        let after_word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-');
        if !starts || after_word {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len()
            && (b[j].is_ascii_digit()
                || (b[j] == b'-' && b.get(j + 1).is_some_and(u8::is_ascii_digit)))
        {
            j += 1;
        }
        let digits = b[i..j].iter().filter(|c| c.is_ascii_digit()).count();
        let touches = j < b.len() && (b[j].is_ascii_alphabetic() || b[j] == b':' || b[j] == b'.');
        if digits >= 5 && !touches {
            out.push_str(&escape_html(&text[from..i]));
            let n = &text[i..j];
            out.push_str(&format!("<a class=\"tel\" href=\"tel:{n}\">{n}</a>"));
            from = j;
        }
        i = j;
    }
    out.push_str(&escape_html(&text[from..]));
    out
}

/// HTML escaping of `& < > " '` (Tera's default also escapes `/`, which bloats every URL).
pub(crate) fn escape_html(input: &str) -> String {
    // Byte-wise: the five characters are ASCII, and every page escapes thousands of values
    // (most with nothing to escape), so runs between them are copied whole.
    let mut out = String::with_capacity(input.len() + 8);
    let mut from = 0;
    for (i, b) in input.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&input[from..i]);
        out.push_str(rep);
        from = i + 1;
    }
    out.push_str(&input[from..]);
    out
}

/// Templates whose names end so are XML documents, rendered with [`escape_xml`].
const XML_SUFFIX: &str = ".xml";

/// Escape text for XML content and attribute values (`&apos;` for `'`); drop the characters
/// XML 1.0 forbids (control characters other than tab, line feed and carriage return, U+FFFE
/// and U+FFFF).
pub(crate) fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The whole cause chain of a Tera error, one line.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push('：');
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

fn template_diag(e: &tera::Error, theme: &Theme) -> Diagnostic {
    Diagnostic::error(
        Code::ThemeTemplate,
        theme.origin_hint(),
        format!("模板有误：{}", error_chain(e)),
    )
    .hint("检查最近修改的模板文件中的 {{ }} 与 {% %} 是否成对。")
}

#[cfg(test)]
mod tests {
    use super::{escape_html, escape_xml};

    #[test]
    fn a_digested_site_carries_the_digest_of_the_rest() {
        use super::{digested, site_digest, SITE_DIGEST};
        use sha2::Digest;
        let site = serde_json::json!({"title": "枝江县人社局", "nav": [{"url": "/"}]});
        let d = digested(site.clone());
        let json = serde_json::to_vec(&site).unwrap_or_default();
        assert_eq!(
            d[SITE_DIGEST],
            serde_json::json!(hex::encode(sha2::Sha256::digest(&json)))
        );
        assert_eq!(d["title"], site["title"]);
        let other = digested(serde_json::json!({"title": "枝江县人社局", "nav": []}));
        assert_ne!(other[SITE_DIGEST], d[SITE_DIGEST]);
        // A site without the field is digested as `digested` would have: the same digest.
        assert_eq!(site_digest(&d), site_digest(&site));
        assert_ne!(site_digest(&other), site_digest(&site));
    }

    #[test]
    fn escape_xml_escapes_markup_and_drops_control_characters() {
        assert_eq!(escape_xml("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape_xml("甲\t乙\n\u{FFFE}"), "甲\t乙\n");
    }

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("人社罚〔2026〕12号"), "人社罚〔2026〕12号");
        assert_eq!(
            escape_html(r#"<a href="/x?a=1&b='2'">张某</a>"#),
            "&lt;a href=&quot;/x?a=1&amp;b=&#39;2&#39;&quot;&gt;张某&lt;/a&gt;"
        );
        assert_eq!(escape_html("&&"), "&amp;&amp;");
        assert_eq!(escape_html("末尾>"), "末尾&gt;");
    }
}
