//! YAML into a tree that keeps the line and column of every key and value.
//!
//! We parse with `saphyr-parser` (the YAML organisation's maintained parser; serde_yaml is
//! archived) and build our own small tree, because staff diagnostics need `file:line:column`
//! for every field, and a key written twice must be an error, never last-one-wins.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

/// A position in the file: 1-based line, 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
}

/// A YAML value with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: Pos,
    /// Length in characters of the node's text on its first line (for carets).
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Scalar(String, Style),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub pos: Pos,
}

/// A YAML syntax or structure problem, already worded for staff.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub code: &'static str,
    pub pos: Pos,
    pub message: String,
    pub hint: Option<String>,
}

impl Node {
    /// The node's type in words, for "expected X, found Y" messages.
    pub fn type_zh(&self) -> &'static str {
        match &self.value {
            Value::Null => "空值",
            Value::Scalar(..) => "文字",
            Value::Seq(_) => "列表",
            Value::Map(_) => "键值对象",
        }
    }

    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// Look a key up in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

fn pos_of(span: &Span, line_offset: usize) -> Pos {
    Pos {
        line: span.start.line() + line_offset,
        col: span.start.col() + 1,
    }
}

fn is_null_plain(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

enum Frame {
    Seq(Vec<Node>, Pos, usize),
    Map(Vec<(Key, Node)>, Pos, usize, Option<Key>),
}

/// Parse one YAML document. `line_offset` is added to every line (front matter starts below
/// the `---` line). An empty document gives `Ok(None)`.
pub fn parse(text: &str, line_offset: usize) -> Result<Option<Node>, Vec<YamlError>> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut errors: Vec<YamlError> = Vec::new();
    let mut documents = 0usize;

    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let m = e.marker();
                return Err(vec![YamlError {
                    code: "yaml.syntax",
                    pos: Pos {
                        line: m.line() + line_offset,
                        col: m.col() + 1,
                    },
                    message: format!("YAML 格式错误：{}", explain_scan_error(e.info())),
                    hint: Some("检查这一行及上一行的缩进、冒号后的空格和引号是否成对；含有“: ”或以特殊符号开头的文字请用引号括起来。".to_string()),
                }]);
            }
        };
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => continue,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    errors.push(YamlError {
                        code: "yaml.multiple-documents",
                        pos: pos_of(&span, line_offset),
                        message: "一个文件只能有一个 YAML 文档，这里出现了第二个“---”".to_string(),
                        hint: Some(
                            "删除多余的“---”分隔线；正文请写在第二个“---”之后。".to_string(),
                        ),
                    });
                    break;
                }
                continue;
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => {
                    let mut n = n.clone();
                    n.pos = pos_of(&span, line_offset);
                    n
                }
                None => {
                    errors.push(YamlError {
                        code: "yaml.alias",
                        pos: pos_of(&span, line_offset),
                        message: "引用了未定义的锚点（*别名）".to_string(),
                        hint: Some("请直接写出内容，不要使用 YAML 的 & 和 * 引用。".to_string()),
                    });
                    Node {
                        value: Value::Null,
                        pos: pos_of(&span, line_offset),
                        len: 1,
                    }
                }
            },
            Event::Scalar(text, style, anchor, _tag) => {
                let pos = pos_of(&span, line_offset);
                let value = match style {
                    ScalarStyle::Plain if is_null_plain(&text) => Value::Null,
                    ScalarStyle::Plain => Value::Scalar(text.to_string(), Style::Plain),
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        Value::Scalar(text.to_string(), Style::Quoted)
                    }
                    _ => Value::Scalar(text.to_string(), Style::Block),
                };
                let len = match &value {
                    Value::Scalar(s, Style::Plain) => {
                        s.lines().next().map_or(1, |l| l.chars().count())
                    }
                    Value::Scalar(_, _) => span.len().max(1),
                    _ => 1,
                };
                let n = Node { value, pos, len };
                if anchor > 0 {
                    anchors.insert(anchor, n.clone());
                }
                n
            }
            Event::SequenceStart(anchor, _) => {
                stack.push(Frame::Seq(Vec::new(), pos_of(&span, line_offset), anchor));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                stack.push(Frame::Map(
                    Vec::new(),
                    pos_of(&span, line_offset),
                    anchor,
                    None,
                ));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, pos, anchor)) => {
                    let n = Node {
                        value: Value::Seq(items),
                        pos,
                        len: 1,
                    };
                    if anchor > 0 {
                        anchors.insert(anchor, n.clone());
                    }
                    n
                }
                _ => continue,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, pos, anchor, _)) => {
                    let n = Node {
                        value: Value::Map(entries),
                        pos,
                        len: 1,
                    };
                    if anchor > 0 {
                        anchors.insert(anchor, n.clone());
                    }
                    n
                }
                _ => continue,
            },
        };
        // Attach the finished node to its parent.
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq(items, _, _)) => items.push(node),
            Some(Frame::Map(entries, _, _, pending)) => match pending.take() {
                None => {
                    let text = match &node.value {
                        Value::Scalar(s, _) => s.clone(),
                        Value::Null => String::new(),
                        _ => {
                            errors.push(YamlError {
                                code: "yaml.complex-key",
                                pos: node.pos,
                                message: "字段名必须是简单文字".to_string(),
                                hint: None,
                            });
                            String::new()
                        }
                    };
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.text == text) {
                        errors.push(YamlError {
                            code: "yaml.duplicate-key",
                            pos: node.pos,
                            message: format!(
                                "字段“{}”写了两次（第一次在第 {} 行）",
                                text, first.pos.line
                            ),
                            hint: Some("同一个字段只能写一次：请删除或合并其中一处。".to_string()),
                        });
                    }
                    *pending = Some(Key {
                        text,
                        pos: node.pos,
                    });
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }
    if errors.is_empty() {
        Ok(root)
    } else {
        Err(errors)
    }
}

/// Turn the parser's English messages into short Chinese explanations where we know them.
fn explain_scan_error(info: &str) -> String {
    let known: &[(&str, &str)] = &[
        (
            "mapping values are not allowed",
            "此处不能出现“: ”，文字中含有冒号时请用引号括起来",
        ),
        (
            "did not find expected key",
            "缩进不一致，或字段名前缺少空格",
        ),
        ("did not find expected '-'", "列表项的缩进不一致"),
        (
            "found character that cannot start any token",
            "出现了不能作为开头的字符（例如制表符 Tab 或 @、`），请改用空格或加引号",
        ),
        ("found a tab character", "使用了制表符 Tab，请改用空格缩进"),
        ("unclosed quoted scalar", "引号没有闭合"),
        ("while parsing a quoted scalar", "引号没有闭合"),
        ("invalid indentation", "缩进不正确"),
        (
            "block sequence entries are not allowed",
            "列表项“- ”的位置不正确，请检查缩进",
        ),
        (
            "could not find expected ':'",
            "缺少冒号“:”，或冒号后少了空格",
        ),
    ];
    for (en, zh) in known {
        if info.contains(en) {
            return format!("{zh}（{info}）");
        }
    }
    info.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Node {
        match parse(s, 0) {
            Ok(Some(n)) => n,
            other => panic!("parse failed: {other:?}"),
        }
    }

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let n = p("title: 标题\nsteps:\n  - name: 受理\n    actor: 窗口\n");
        let Value::Map(entries) = &n.value else {
            panic!()
        };
        assert_eq!(entries[0].0.pos, Pos { line: 1, col: 1 });
        assert_eq!(entries[0].1.pos, Pos { line: 1, col: 8 });
        let steps = n.get("steps").unwrap_or_else(|| panic!());
        let Value::Seq(items) = &steps.value else {
            panic!()
        };
        let actor = items[0].get("actor").unwrap_or_else(|| panic!());
        assert_eq!(actor.pos, Pos { line: 4, col: 12 });
    }

    #[test]
    fn line_offset_is_added() {
        let n = match parse("a: 1\n", 5) {
            Ok(Some(n)) => n,
            _ => panic!(),
        };
        assert_eq!(n.get("a").map(|v| v.pos.line), Some(6));
    }

    #[test]
    fn duplicate_key_is_an_error_with_both_lines() {
        let errs = parse("title: a\npublished: 2024-01-01\ntitle: b\n", 1)
            .err()
            .unwrap_or_default();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, "yaml.duplicate-key");
        assert_eq!(errs[0].pos.line, 4);
        assert!(
            errs[0].message.contains("第一次在第 2 行"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn nulls_and_styles() {
        let n = p("a:\nb: ~\nc: '2024'\nd: 2024\ne: |\n  x\n");
        assert_eq!(n.get("a").map(|v| &v.value), Some(&Value::Null));
        assert_eq!(n.get("b").map(|v| &v.value), Some(&Value::Null));
        assert_eq!(
            n.get("c").map(|v| &v.value),
            Some(&Value::Scalar("2024".into(), Style::Quoted))
        );
        assert_eq!(
            n.get("d").map(|v| &v.value),
            Some(&Value::Scalar("2024".into(), Style::Plain))
        );
        assert_eq!(
            n.get("e").map(|v| &v.value),
            Some(&Value::Scalar("x\n".into(), Style::Block))
        );
    }

    #[test]
    fn syntax_error_has_a_position() {
        let errs = parse("title: a\n  bad: : x\n", 0).err().unwrap_or_default();
        assert_eq!(errs[0].code, "yaml.syntax");
        assert!(errs[0].pos.line >= 2);
    }

    #[test]
    fn empty_document_is_none() {
        assert!(matches!(parse("", 0), Ok(None)));
        assert!(matches!(parse("# only a comment\n", 0), Ok(None)));
    }
}
