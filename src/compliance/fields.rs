//! Raw field values of a record file with their places in the file: the YAML tree of the front
//! matter (keeping positions), the Markdown body, and finding a piece of a value in the file
//! text so a diagnostic points at the exact line and column — also inside block scalars.

use crate::content::source;
use crate::yaml::{self, Node, Value};
use std::path::Path;

/// A record file split into its YAML tree and its body.
pub(crate) struct FrontMatter {
    pub node: Node,
    /// The Markdown body (`.md` files) or the `body:` value (`.yaml` files).
    pub body: String,
    /// 1-based line where the body starts (0 when there is none).
    pub body_line: usize,
}

/// Parse a record file's text (`path` decides Markdown or YAML). `None` when it does not parse.
pub(crate) fn front_matter(path: &Path, text: &str) -> Option<FrontMatter> {
    let is_md = path.extension().and_then(|e| e.to_str()) == Some("md");
    let parts = source::split_record(path, text)?;
    let node = yaml::parse(parts.yaml, parts.yaml_line_offset).ok()??;
    let (body, body_line) = body_of(is_md, &parts, &node);
    let body = body.to_string();
    Some(FrontMatter {
        node,
        body,
        body_line,
    })
}

/// A record file's body as written and the line it starts on (0 when there is none): the
/// Markdown after the front matter, or a YAML record's `body:` value.
pub(crate) fn body_of<'a>(
    is_md: bool,
    parts: &source::Parts<'a>,
    node: &'a Node,
) -> (&'a str, usize) {
    if is_md {
        (parts.body, parts.body_line)
    } else {
        match node.get("body") {
            Some(b) => (b.as_str().unwrap_or(""), b.pos.line),
            None => ("", 0),
        }
    }
}

/// The node at a dotted path (`party.name`, `outcome.report`).
pub(crate) fn get<'a>(node: &'a Node, path: &str) -> Option<&'a Node> {
    path.split('.').try_fold(node, |n, key| n.get(key))
}

/// Every scalar in the tree with its field path (`materials[2].name`), in file order.
pub(crate) fn scalars<'a>(node: &'a Node, prefix: &str, out: &mut Vec<(String, &'a Node)>) {
    match &node.value {
        Value::Scalar(..) => out.push((prefix.to_string(), node)),
        Value::Map(entries) => {
            for (k, v) in entries {
                let path = if prefix.is_empty() {
                    k.text.clone()
                } else {
                    format!("{prefix}.{}", k.text)
                };
                scalars(v, &path, out);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                scalars(item, &format!("{prefix}[{}]", i + 1), out);
            }
        }
        Value::Null => {}
    }
}

/// A node as a plain JSON value for comparing versions: formatting (quotes, block style,
/// indentation, key order, trailing spaces and blank lines) is not a change.
pub(crate) fn canonical(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Scalar(s, _) => J::String(
            s.lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string(),
        ),
        Value::Seq(items) => J::Array(items.iter().map(canonical).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.text.clone(), canonical(v)))
                .collect(),
        ),
    }
}

/// Byte offset where 1-based `line` starts in `text` (the end when past it).
pub(crate) fn line_start(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n')
        .nth(line - 2)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// Where `value[start..end]` (a piece of a field's value that begins on or after `from_line`)
/// is in the file: the byte range of the same text in `file`, found by searching from
/// `from_line` for the same occurrence (the n-th, when the piece appears more than once in the
/// value). `None` when the file does not contain it literally (e.g. an escaped string).
pub(crate) fn locate(
    file: &str,
    from_line: usize,
    value: &str,
    start: usize,
    end: usize,
) -> Option<(usize, usize)> {
    let needle = value.get(start..end)?;
    if needle.is_empty() {
        return None;
    }
    let nth = value.get(..start)?.matches(needle).count();
    let from = line_start(file, from_line);
    let (i, _) = file.get(from..)?.match_indices(needle).nth(nth)?;
    Some((from + i, from + i + needle.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "---\ntitle: 标题\nparty:\n  name: 张三\nfacts: |\n  第一行\n  联系电话 13800000000，再次 13800000000。\n---\n正文 13800000000\n";

    #[test]
    fn values_are_found_at_their_line_and_column() {
        let fm = front_matter(Path::new("a.md"), MD).unwrap();
        let name = get(&fm.node, "party.name").unwrap();
        assert_eq!(name.as_str(), Some("张三"));
        assert_eq!((name.pos.line, name.pos.col), (4, 9));
        let facts = get(&fm.node, "facts").unwrap();
        let v = facts.as_str().unwrap();
        // The second occurrence in the value is the second one in the file.
        let s = v.rfind("13800000000").unwrap();
        let (b, _) = locate(MD, facts.pos.line, v, s, s + 11).unwrap();
        assert_eq!(crate::pii::line_col(MD, b), (7, 23));
        assert_eq!(fm.body_line, 9);
        assert_eq!(fm.body, "正文 13800000000\n");
    }

    #[test]
    fn formatting_is_not_a_change() {
        let a = yaml::parse(
            "facts: |\n  一行  \n  二行\nparty: {name: 张某, type: 自然人}\n",
            0,
        )
        .unwrap()
        .unwrap();
        let b = yaml::parse(
            "party:\n  type: 自然人\n  name: \"张某\"\nfacts: \"一行\\n二行\"\n",
            0,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            canonical(get(&a, "facts").unwrap()),
            canonical(get(&b, "facts").unwrap())
        );
        assert_eq!(
            canonical(get(&a, "party").unwrap()),
            canonical(get(&b, "party").unwrap())
        );
    }

    #[test]
    fn line_starts() {
        assert_eq!(line_start("a\nb\nc", 1), 0);
        assert_eq!(line_start("a\nb\nc", 3), 4);
        assert_eq!(line_start("a\nb\nc", 9), 5);
    }
}
