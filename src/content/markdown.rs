//! Markdown → HTML and plain text with pulldown-cmark: tables, footnotes, heading anchors,
//! Chinese-friendly emphasis, site-absolute links under the base path, and the links and
//! `<script>` tags found (for validation).

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;

/// What rendering one piece of Markdown produced.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    pub html: String,
    /// Text without markup, for search and summaries.
    pub text: String,
    /// Link destinations with their 1-based line within the Markdown text.
    pub links: Vec<(String, usize)>,
    /// Lines (1-based, within the text) where raw HTML contains `<script`.
    pub scripts: Vec<usize>,
}

/// The Markdown fields of a record, rendered, by field path (`facts`, `steps[2].description`),
/// in path order. A sorted boxed slice: a record has a few fields, and a `BTreeMap` would
/// spend a whole node on them.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Fields(Box<[(String, Rendered)]>);

impl Fields {
    /// The field at `path`.
    pub fn get(&self, path: &str) -> Option<&Rendered> {
        self.0
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
            .ok()
            .and_then(|i| self.0.get(i))
            .map(|(_, r)| r)
    }

    /// The fields in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Rendered)> {
        self.0.iter().map(|(p, r)| (p, r))
    }

    /// The rendered fields in path order.
    pub fn values(&self) -> impl Iterator<Item = &Rendered> {
        self.0.iter().map(|(_, r)| r)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, Rendered)> for Fields {
    /// Sorted by path; of two fields with the same path the last wins (as in a map).
    fn from_iter<I: IntoIterator<Item = (String, Rendered)>>(iter: I) -> Self {
        let mut v: Vec<(String, Rendered)> = iter.into_iter().collect();
        v.reverse();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.dedup_by(|a, b| a.0 == b.0);
        Fields(v.into_boxed_slice())
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a String, &'a Rendered);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, Rendered)>,
        fn(&'a (String, Rendered)) -> (&'a String, &'a Rendered),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(p, r)| (p, r))
    }
}

/// First private-use code point we borrow to hide full-width punctuation from the flanking rule.
const PUA_BASE: u32 = 0xF0000;

fn is_cjk_punct(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F   // CJK symbols and punctuation: 、。〈〉《》「」『』【】〔〕
        | 0xFF01..=0xFF0F // ！＂＃…／
        | 0xFF1A..=0xFF20 // ：；＜＝＞？＠
        | 0xFF3B..=0xFF40
        | 0xFF5B..=0xFF65
        | 0x2018..=0x201F // ‘’“”
        | 0x2026          // …
        | 0x2014          // —
    )
}

/// CommonMark refuses `**注意：**正文` because the closing `**` follows punctuation and
/// precedes a letter. Chinese text never has spaces there, so every full-width punctuation
/// character that touches a `*` run is swapped for a private-use character (a "letter" to the
/// flanking rule) before parsing, and swapped back in the output. The mapping is exact, so
/// nothing else changes; if the text already contains our private-use characters we leave it
/// alone.
///
/// Why not the library: pulldown-cmark's CJK-friendly emphasis option (upstream PR #1059) is
/// merged but in no release yet; 0.13.6, the version locked and the newest on crates.io, has
/// no such `Options` flag. Once a release carries it, enable it and drop this swap (the
/// `**注意：**` tests below must still pass).
fn protect_cjk_emphasis(src: &str) -> (std::borrow::Cow<'_, str>, Vec<char>) {
    if !src.contains('*')
        || src
            .chars()
            .any(|c| (PUA_BASE..PUA_BASE + 0x1000).contains(&(c as u32)))
    {
        return (std::borrow::Cow::Borrowed(src), Vec::new());
    }
    let chars: Vec<char> = src.chars().collect();
    let mut table: Vec<char> = Vec::new();
    let mut out = String::with_capacity(src.len() + 16);
    for (i, &c) in chars.iter().enumerate() {
        let touches_star = (i > 0 && chars[i - 1] == '*') || chars.get(i + 1) == Some(&'*');
        if touches_star && is_cjk_punct(c) {
            let idx = match table.iter().position(|&t| t == c) {
                Some(p) => p,
                None => {
                    table.push(c);
                    table.len() - 1
                }
            };
            out.push(char::from_u32(PUA_BASE + idx as u32).unwrap_or(c));
        } else {
            out.push(c);
        }
    }
    (std::borrow::Cow::Owned(out), table)
}

fn restore(s: &str, table: &[char]) -> String {
    if table.is_empty() {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            let u = c as u32;
            if u >= PUA_BASE && ((u - PUA_BASE) as usize) < table.len() {
                table[(u - PUA_BASE) as usize]
            } else {
                c
            }
        })
        .collect()
}

/// A heading id from its text: keeps letters (Chinese too) and digits, joins words with `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    if out.is_empty() {
        "section".to_string()
    } else {
        out
    }
}

/// Render Markdown. `base_path` (`/` or `/prefix/`) is put before site-absolute links.
pub fn render(src: &str, base_path: &str) -> Rendered {
    let (protected, table) = protect_cjk_emphasis(src);
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);

    // Line starts, to map byte offsets to lines.
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(protected.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |off: usize| line_starts.partition_point(|&s| s <= off);

    let mut links = Vec::new();
    let mut scripts = Vec::new();
    let mut text = String::new();
    // Events are handed to the HTML writer as they come (the parser's own tree is all the
    // memory a text takes), except a heading's, held until its end gives its id.
    let mut ready: std::collections::VecDeque<Event> = std::collections::VecDeque::new();
    let mut heading: Vec<Event> = Vec::new();
    let mut heading_ids: HashMap<String, usize> = HashMap::new();
    let mut in_heading: Option<HeadingLevel> = None;
    let mut heading_text = String::new();
    let prefix = base_path.trim_end_matches('/');
    // Where phone numbers stay text: inside a link or an image's alt text, code, a heading.
    let mut no_tel = 0usize;

    let mut parser = Parser::new_ext(&protected, opts).into_offset_iter();
    let events = std::iter::from_fn(|| loop {
        if let Some(ev) = ready.pop_front() {
            return Some(ev);
        }
        let (ev, range) = parser.next()?;
        let ev = match ev {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                no_tel += 1;
                links.push((restore(&dest_url, &table), line_of(range.start)));
                let dest_url = if dest_url.starts_with('/')
                    && !dest_url.starts_with("//")
                    && !prefix.is_empty()
                {
                    CowStr::from(format!("{prefix}{dest_url}"))
                } else {
                    dest_url
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                no_tel += 1;
                links.push((restore(&dest_url, &table), line_of(range.start)));
                let dest_url = if dest_url.starts_with('/')
                    && !dest_url.starts_with("//")
                    && !prefix.is_empty()
                {
                    CowStr::from(format!("{prefix}{dest_url}"))
                } else {
                    dest_url
                };
                Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                })
            }
            Event::Html(ref h) | Event::InlineHtml(ref h) => {
                let lower = h.to_ascii_lowercase();
                if lower.contains("<script") {
                    scripts.push(line_of(range.start));
                }
                // An author's own <a>, <code>, <pre>, <kbd> or <samp> keeps its text as is.
                let tag = |t: &str| {
                    lower.strip_prefix(t).is_some_and(|r| {
                        ["a", "code", "pre", "kbd", "samp"].iter().any(|n| {
                            r.strip_prefix(n)
                                .is_some_and(|r| r.starts_with([' ', '>', '\t', '\n']))
                        })
                    })
                };
                if matches!(ev, Event::InlineHtml(_)) {
                    if tag("<") {
                        no_tel += 1;
                    } else if tag("</") {
                        no_tel = no_tel.saturating_sub(1);
                    }
                }
                ev
            }
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some(level);
                heading_text.clear();
                heading.clear();
                heading.push(ev);
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(level) = in_heading.take() {
                    if let Some(Event::Start(Tag::Heading {
                        id, classes, attrs, ..
                    })) = heading.first().cloned()
                    {
                        let id = match id {
                            Some(id) => id,
                            None => {
                                let base = slugify(&restore(&heading_text, &table));
                                let n = heading_ids.entry(base.clone()).or_insert(0);
                                *n += 1;
                                let slug = if *n == 1 {
                                    base
                                } else {
                                    format!("{base}-{}", *n - 1)
                                };
                                CowStr::from(slug)
                            }
                        };
                        heading[0] = Event::Start(Tag::Heading {
                            level,
                            id: Some(id),
                            classes,
                            attrs,
                        });
                    }
                }
                text.push('\n');
                ready.extend(heading.drain(..));
                ready.push_back(ev);
                continue;
            }
            Event::Start(Tag::CodeBlock(_)) => {
                no_tel += 1;
                ev
            }
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                no_tel = no_tel.saturating_sub(1);
                ev
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if in_heading.is_some() {
                    heading_text.push_str(t);
                }
                text.push_str(t);
                match ev {
                    Event::Text(t) if no_tel == 0 && in_heading.is_none() => tel_links(t),
                    ev => ev,
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                text.push(' ');
                ev
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::TableRow) => {
                text.push(' ');
                ev
            }
            other => other,
        };
        if in_heading.is_some() {
            heading.push(ev);
        } else {
            return Some(ev);
        }
    });
    let mut out = String::with_capacity(src.len() * 3 / 2);
    html::push_html(&mut out, events);
    Rendered {
        html: restore(&out, &table),
        text: collapse_ws(&restore(&text, &table)),
        links,
        scripts,
    }
}

/// A text with its phone numbers as tap-to-call links that never break across lines
/// ([`super::phone`]); the text itself when it has none.
fn tel_links(t: CowStr<'_>) -> Event<'_> {
    let phones = super::phone::find(&t);
    if phones.is_empty() {
        return Event::Text(t);
    }
    let mut out = String::with_capacity(t.len() + 64 * phones.len());
    let mut from = 0;
    for p in phones {
        out.push_str(&crate::render::escape_html(&t[from..p.range.start]));
        out.push_str(&format!(
            "<a class=\"tel\" href=\"tel:{}\">{}</a>",
            p.dial,
            crate::render::escape_html(&t[p.range.clone()])
        ));
        from = p.range.end;
    }
    out.push_str(&crate::render::escape_html(&t[from..]));
    Event::InlineHtml(CowStr::from(out))
}

fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_by_path_in_path_order_and_the_last_of_a_path_wins() {
        let f: Fields = [
            ("facts".to_string(), render("a", "/")),
            ("basis".to_string(), render("b", "/")),
            ("facts".to_string(), render("c", "/")),
        ]
        .into_iter()
        .collect();
        assert_eq!(f.len(), 2);
        assert_eq!(f.get("facts").map(|r| r.text.as_str()), Some("c"));
        assert_eq!(f.get("basis").map(|r| r.text.as_str()), Some("b"));
        assert!(f.get("decision").is_none());
        let paths: Vec<&String> = f.iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["basis", "facts"]);
    }

    #[test]
    fn chinese_emphasis_next_to_fullwidth_punctuation() {
        let r = render("**注意：**请携带原件。", "/");
        assert_eq!(r.html, "<p><strong>注意：</strong>请携带原件。</p>\n");
        let r = render("正文**“引号”**正文", "/");
        assert_eq!(r.html, "<p>正文<strong>“引号”</strong>正文</p>\n");
        // Plain CommonMark cases are unchanged.
        assert_eq!(
            render("a **b** c", "/").html,
            "<p>a <strong>b</strong> c</p>\n"
        );
        assert_eq!(
            render("`**：**x`", "/").html,
            "<p><code>**：**x</code></p>\n"
        );
    }

    #[test]
    fn tables_footnotes_and_heading_anchors() {
        let r = render("## 办理 流程\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n注[^1]\n\n[^1]: 脚注\n\n## 办理 流程\n", "/");
        assert!(r.html.contains("<h2 id=\"办理-流程\">"), "{}", r.html);
        assert!(r.html.contains("<h2 id=\"办理-流程-1\">"), "{}", r.html);
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("footnote"));
        assert!(r.text.contains("甲 乙 1 2"), "{}", r.text);
    }

    #[test]
    fn site_links_get_the_base_path_and_are_collected() {
        let r = render(
            "见[流程](/procedures/a/)。\n\n![图](/static/x.png)\n",
            "/gk/",
        );
        assert!(r.html.contains("href=\"/gk/procedures/a/\""), "{}", r.html);
        assert_eq!(
            r.links,
            vec![
                ("/procedures/a/".to_string(), 1),
                ("/static/x.png".to_string(), 3)
            ]
        );
    }

    #[test]
    fn phone_numbers_in_text_become_tap_to_call_links() {
        let r = render(
            "咨询电话：0717-4212345，（0717）4212346；手机 138 1234 5678。\n\n| 事项 | 电话 |\n|---|---|\n| 咨询 | 12333 |\n",
            "/",
        );
        assert!(
            r.html.contains(
                "咨询电话：<a class=\"tel\" href=\"tel:0717-4212345\">0717-4212345</a>，"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<a class=\"tel\" href=\"tel:0717-4212346\">（0717）4212346</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<a class=\"tel\" href=\"tel:13812345678\">138 1234 5678</a>"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<td><a class=\"tel\" href=\"tel:12333\">12333</a></td>"),
            "{}",
            r.html
        );
        // The plain text (search, summaries) is unchanged.
        assert!(
            r.text.contains("咨询电话：0717-4212345，（0717）4212346"),
            "{}",
            r.text
        );
        // The text around a number is still escaped.
        let r = render("a<b 电话12345 &c", "/");
        assert!(!r.html.contains("<b "), "{}", r.html);
    }

    #[test]
    fn phone_numbers_in_code_links_headings_and_html_stay_text() {
        for src in [
            "`0717-4212345`",
            "```\n0717-4212345\n```",
            "    0717-4212345",
            "[电话 0717-4212345](/contact/)",
            "[0717-4212345](tel:07174212345)",
            "![0717-4212345](/x.png)",
            "## 咨询 0717-4212345",
            "<a href=\"/contact/\">0717-4212345</a>",
            "文字 <code>0717-4212345</code> 文字",
            "<kbd>12345</kbd>",
            "<https://example.cn/0717-4212345>",
            "枝人社罚〔2026〕12345号，罚款12345元，索引号 ZJRSJ/2026-01566，2026-11-25",
        ] {
            let r = render(src, "/");
            assert!(!r.html.contains("class=\"tel\""), "{src}: {}", r.html);
        }
        // A link's text is linked once, by its author.
        let r = render("[热线](tel:12333) 与 12345", "/");
        assert_eq!(r.html.matches("href=\"tel:").count(), 2, "{}", r.html);
        // Other inline HTML does not hide a number.
        let r = render("<span>电话</span> 12345 <A HREF=\"/x\">a</A> 12333", "/");
        assert_eq!(r.html.matches("href=\"tel:").count(), 2, "{}", r.html);
    }

    #[test]
    fn script_tags_are_found_with_their_line() {
        let r = render("第一行\n\n<script>alert(1)</script>\n", "/");
        assert_eq!(r.scripts, vec![3]);
        let r = render("文字 <SCRIPT src=x></SCRIPT>", "/");
        assert_eq!(r.scripts, vec![1]);
    }
}
