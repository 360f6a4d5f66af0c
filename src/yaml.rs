//! YAML into a tree that keeps the line and column of every key and value.
//!
//! We parse with `saphyr-parser` (the YAML organisation's maintained parser; serde_yaml is
//! archived) and build our own small tree, because staff diagnostics need `file:line:column`
//! for every field, and a key written twice must be an error, never last-one-wins.

use crate::diag::Code;
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
pub(crate) struct YamlError {
    pub code: Code,
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

/// A scalar node's [`Node::len`]: a plain text's first line in characters, a quoted or block
/// one's span, 1 for a null.
fn scalar_len(text: &str, style: ScalarStyle, span: &Span) -> usize {
    match style {
        ScalarStyle::Plain if is_null_plain(text) => 1,
        ScalarStyle::Plain => text.lines().next().map_or(1, |l| l.chars().count()),
        _ => span.len().max(1),
    }
}

/// What [`position_of`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// Line, column and length, as a diagnostic's caret takes them.
    Found(usize, usize, usize),
    /// The document has no such field.
    Absent,
    /// The way there has an alias, a complex key, a second document or a syntax error: only
    /// the whole tree ([`parse`]) can tell.
    Unsure,
}

/// Where the field `path` (`action`, `outcome.decision`, `materials[2].name`; list items
/// counted from 1) is: for a text, the value (its line, column and [`Node::len`]); for a
/// list, an object or an empty value, the key (its length in characters). Read from the
/// parser's events up to the field, without building the tree: a diagnostic about one field
/// of a file read again costs the lines before it. Only for a text that [`parse`] took
/// without errors (a record that loaded): errors after the field are not looked for.
pub(crate) fn position_of(text: &str, line_offset: usize, path: &str) -> Lookup {
    enum Frame {
        /// A mapping at this path, with the key whose value comes next.
        Map(String, Option<(String, Pos)>),
        /// A sequence at this path, with the number of items so far.
        Seq(String, usize),
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    // Events left of a value not on the way to `path` (nesting depth inside it).
    let mut skip = 0usize;
    let mut documents = 0usize;
    while let Some(next) = parser.next_event() {
        let Ok((event, span)) = next else {
            return Lookup::Unsure;
        };
        if skip > 0 {
            match event {
                Event::MappingStart(..) | Event::SequenceStart(..) => skip += 1,
                Event::MappingEnd | Event::SequenceEnd => skip -= 1,
                _ => {}
            }
            continue;
        }
        let pos = pos_of(&span, line_offset);
        let container = matches!(event, Event::MappingStart(..) | Event::SequenceStart(..));
        // The node this event starts: its path, and where a match would point.
        let (child, at) = match (&event, stack.last_mut()) {
            (Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing, _) => {
                continue
            }
            (Event::DocumentStart(_), _) => {
                documents += 1;
                if documents > 1 {
                    return Lookup::Unsure;
                }
                continue;
            }
            (Event::MappingEnd | Event::SequenceEnd, _) => {
                stack.pop();
                continue;
            }
            (Event::Alias(_), _) => return Lookup::Unsure,
            (_, None) => {
                match event {
                    Event::MappingStart(..) => stack.push(Frame::Map(String::new(), None)),
                    Event::SequenceStart(..) => stack.push(Frame::Seq(String::new(), 0)),
                    _ => {}
                }
                continue;
            }
            (_, Some(Frame::Map(prefix, key))) => {
                // A key (the slot is empty), or the value of the key before it.
                let Some((k, kpos)) = key.take() else {
                    match &event {
                        Event::Scalar(t, style, ..) => {
                            let t = match style {
                                ScalarStyle::Plain if is_null_plain(t) => String::new(),
                                _ => t.to_string(),
                            };
                            *key = Some((t, pos));
                        }
                        _ => return Lookup::Unsure,
                    }
                    continue;
                };
                let key_len = k.chars().count();
                let child = if prefix.is_empty() {
                    k
                } else {
                    format!("{prefix}.{k}")
                };
                let null =
                    matches!(&event, Event::Scalar(t, ScalarStyle::Plain, ..) if is_null_plain(t));
                let at = match &event {
                    _ if container || null => (kpos.line, kpos.col, key_len),
                    Event::Scalar(t, style, ..) => {
                        (pos.line, pos.col, scalar_len(t, *style, &span))
                    }
                    _ => return Lookup::Unsure,
                };
                (child, at)
            }
            (_, Some(Frame::Seq(prefix, n))) => {
                *n += 1;
                let child = format!("{prefix}[{n}]");
                let at = match &event {
                    Event::Scalar(t, style, ..) => {
                        (pos.line, pos.col, scalar_len(t, *style, &span))
                    }
                    _ => (pos.line, pos.col, 1),
                };
                (child, at)
            }
        };
        if child == path {
            return Lookup::Found(at.0, at.1, at.2);
        }
        let on_the_way = path
            .strip_prefix(child.as_str())
            .is_some_and(|rest| rest.starts_with(['.', '[']));
        match event {
            Event::MappingStart(..) if on_the_way => stack.push(Frame::Map(child, None)),
            Event::SequenceStart(..) if on_the_way => stack.push(Frame::Seq(child, 0)),
            _ if container => skip = 1,
            _ => {}
        }
    }
    Lookup::Absent
}

/// What one YAML text may make, so that a hostile file (a "billion laughs" of aliases, a
/// deep nest of brackets, a flood of keys) costs bounded memory, stack and time. A record's
/// fields never come near these: a real record has tens to a few thousand values, nesting of
/// four or five levels, and no aliases at all.
pub(crate) mod limits {
    /// Collections (lists and key-value objects) nested in one another. Deeper structures
    /// would overflow the stack of the recursive code that reads the tree.
    pub(crate) const MAX_DEPTH: usize = 64;
    /// Values in the tree, counting every copy an alias (`*name`) makes and the copies the
    /// parser keeps of anchored (`&name`) values: about 100 bytes of memory each.
    pub(crate) const MAX_NODES: usize = 100_000;
    /// Bytes of text copied by aliases (the text of the file itself is bounded by the size
    /// limit of content files).
    pub(crate) const MAX_ALIAS_BYTES: usize = 1 << 20;
}

/// What a finished node costs: values in its tree and bytes of scalar text.
#[derive(Debug, Clone, Copy, Default)]
struct Weight {
    nodes: usize,
    bytes: usize,
}

impl Weight {
    fn add(&mut self, w: Weight) {
        self.nodes = self.nodes.saturating_add(w.nodes);
        self.bytes = self.bytes.saturating_add(w.bytes);
    }
}

/// Keys already in a mapping: a linear search while there are few (most mappings), an
/// index once there are many (so that a mapping of 100,000 keys is not quadratic).
const INDEX_KEYS_FROM: usize = 16;

struct MapFrame {
    entries: Vec<(Key, Node)>,
    pos: Pos,
    anchor: usize,
    pending: Option<Key>,
    index: Option<HashMap<String, usize>>,
    weight: Weight,
}

impl MapFrame {
    /// The first key written as `text`, if any.
    fn find(&mut self, text: &str) -> Option<&Key> {
        if self.index.is_none() && self.entries.len() >= INDEX_KEYS_FROM {
            let mut index = HashMap::with_capacity(self.entries.len() * 2);
            for (i, (k, _)) in self.entries.iter().enumerate() {
                index.entry(k.text.clone()).or_insert(i);
            }
            self.index = Some(index);
        }
        match &self.index {
            Some(index) => index.get(text).map(|&i| &self.entries[i].0),
            None => self
                .entries
                .iter()
                .find(|(k, _)| k.text == text)
                .map(|(k, _)| k),
        }
    }

    fn push(&mut self, key: Key, node: Node) {
        if let Some(index) = &mut self.index {
            index.entry(key.text.clone()).or_insert(self.entries.len());
        }
        self.entries.push((key, node));
    }
}

enum Frame {
    Seq(Vec<Node>, Pos, usize, Weight),
    Map(MapFrame),
}

impl Frame {
    fn weight(&mut self) -> &mut Weight {
        match self {
            Frame::Seq(_, _, _, w) => w,
            Frame::Map(m) => &mut m.weight,
        }
    }
}

/// The error for a file past one of [`limits`].
fn too_big(pos: Pos, what: &str) -> YamlError {
    YamlError {
        code: Code::YamlTooComplex,
        pos,
        message: format!("YAML 内容过于复杂：{what}"),
        hint: Some(
            "记录的信息字段不需要这样的结构：请直接写出每个字段的内容，不要使用 YAML 的 & 和 * 引用，也不要层层嵌套。"
                .to_string(),
        ),
    }
}

/// Parse one YAML document. `line_offset` is added to every line (front matter starts below
/// the `---` line). An empty document gives `Ok(None)`. A text past one of [`limits`] is
/// refused with a `yaml.too-complex` error where it went past, before the memory is spent.
pub(crate) fn parse(text: &str, line_offset: usize) -> Result<Option<Node>, Vec<YamlError>> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut anchors: HashMap<usize, (Node, Weight)> = HashMap::new();
    let mut errors: Vec<YamlError> = Vec::new();
    let mut documents = 0usize;
    // Values made so far (alias copies and kept anchors included), and bytes aliases copied.
    let mut nodes = 0usize;
    let mut alias_bytes = 0usize;

    loop {
        let (event, span) = match parser.next_event() {
            None => break,
            Some(Ok(ev)) => ev,
            Some(Err(e)) => {
                let m = e.marker();
                return Err(vec![YamlError {
                    code: Code::YamlSyntax,
                    pos: Pos {
                        line: m.line() + line_offset,
                        col: m.col() + 1,
                    },
                    message: format!("YAML 格式错误：{}", explain_scan_error(e.info())),
                    hint: Some("检查这一行及上一行的缩进、冒号后的空格和引号是否成对；含有“: ”或以特殊符号开头的文字请用引号括起来。".to_string()),
                }]);
            }
        };
        if matches!(
            event,
            Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
        ) {
            nodes += 1;
            if nodes > limits::MAX_NODES {
                return Err(vec![too_big(
                    pos_of(&span, line_offset),
                    &format!("超过 {} 个值", limits::MAX_NODES),
                )]);
            }
        }
        let (node, weight, anchor) = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing | Event::DocumentEnd => continue,
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    errors.push(YamlError {
                        code: Code::YamlMultipleDocuments,
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
                Some((n, w)) => {
                    // The copy is counted before it is made.
                    let pos = pos_of(&span, line_offset);
                    nodes = nodes.saturating_add(w.nodes);
                    alias_bytes = alias_bytes.saturating_add(w.bytes);
                    if nodes > limits::MAX_NODES {
                        return Err(vec![too_big(
                            pos,
                            &format!("& 和 * 引用展开后超过 {} 个值", limits::MAX_NODES),
                        )]);
                    }
                    if alias_bytes > limits::MAX_ALIAS_BYTES {
                        return Err(vec![too_big(
                            pos,
                            &format!(
                                "& 和 * 引用展开后的文字超过 {} KB",
                                limits::MAX_ALIAS_BYTES / 1024
                            ),
                        )]);
                    }
                    let mut n = n.clone();
                    n.pos = pos;
                    (n, *w, 0)
                }
                None => {
                    errors.push(YamlError {
                        code: Code::YamlAlias,
                        pos: pos_of(&span, line_offset),
                        message: "引用了未定义的锚点（*别名）".to_string(),
                        hint: Some("请直接写出内容，不要使用 YAML 的 & 和 * 引用。".to_string()),
                    });
                    let n = Node {
                        value: Value::Null,
                        pos: pos_of(&span, line_offset),
                        len: 1,
                    };
                    (n, Weight { nodes: 1, bytes: 0 }, 0)
                }
            },
            Event::Scalar(text, style, anchor, _tag) => {
                let pos = pos_of(&span, line_offset);
                let weight = Weight {
                    nodes: 1,
                    bytes: text.len(),
                };
                let value = match style {
                    ScalarStyle::Plain if is_null_plain(&text) => Value::Null,
                    ScalarStyle::Plain => Value::Scalar(text.to_string(), Style::Plain),
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        Value::Scalar(text.to_string(), Style::Quoted)
                    }
                    _ => Value::Scalar(text.to_string(), Style::Block),
                };
                let len = scalar_len(&text, style, &span);
                let n = Node { value, pos, len };
                (n, weight, anchor)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let pos = pos_of(&span, line_offset);
                if stack.len() >= limits::MAX_DEPTH {
                    return Err(vec![too_big(
                        pos,
                        &format!("列表或键值对象嵌套超过 {} 层", limits::MAX_DEPTH),
                    )]);
                }
                let start = Weight { nodes: 1, bytes: 0 };
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(Vec::new(), pos, anchor, start)
                } else {
                    Frame::Map(MapFrame {
                        entries: Vec::new(),
                        pos,
                        anchor,
                        pending: None,
                        index: None,
                        weight: start,
                    })
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, pos, anchor, weight)) => (
                    Node {
                        value: Value::Seq(items),
                        pos,
                        len: 1,
                    },
                    weight,
                    anchor,
                ),
                _ => continue,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(m)) => (
                    Node {
                        value: Value::Map(m.entries),
                        pos: m.pos,
                        len: 1,
                    },
                    m.weight,
                    m.anchor,
                ),
                _ => continue,
            },
        };
        // An anchored value is kept for its aliases: the copy counts like any other value.
        if anchor > 0 {
            nodes = nodes.saturating_add(weight.nodes);
            if nodes > limits::MAX_NODES {
                return Err(vec![too_big(
                    node.pos,
                    &format!("& 和 * 引用展开后超过 {} 个值", limits::MAX_NODES),
                )]);
            }
            anchors.insert(anchor, (node.clone(), weight));
        }
        // Attach the finished node to its parent.
        match stack.last_mut() {
            None => root = Some(node),
            Some(parent) => {
                parent.weight().add(weight);
                match parent {
                    Frame::Seq(items, _, _, _) => items.push(node),
                    Frame::Map(m) => match m.pending.take() {
                        None => {
                            let text = match &node.value {
                                Value::Scalar(s, _) => s.clone(),
                                Value::Null => String::new(),
                                _ => {
                                    errors.push(YamlError {
                                        code: Code::YamlComplexKey,
                                        pos: node.pos,
                                        message: "字段名必须是简单文字".to_string(),
                                        hint: None,
                                    });
                                    String::new()
                                }
                            };
                            if let Some(first) = m.find(&text) {
                                errors.push(YamlError {
                                    code: Code::YamlDuplicateKey,
                                    pos: node.pos,
                                    message: format!(
                                        "字段“{}”写了两次（第一次在第 {} 行）",
                                        text, first.pos.line
                                    ),
                                    hint: Some(
                                        "同一个字段只能写一次：请删除或合并其中一处。".to_string(),
                                    ),
                                });
                            }
                            m.pending = Some(Key {
                                text,
                                pos: node.pos,
                            });
                        }
                        Some(key) => m.push(key, node),
                    },
                }
            }
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
        assert_eq!(errs[0].code, Code::YamlDuplicateKey);
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
        assert_eq!(errs[0].code, Code::YamlSyntax);
        assert!(errs[0].pos.line >= 2);
    }

    /// The "billion laughs": nine levels of nine aliases each would make 9^9 values.
    pub(crate) fn billion_laughs() -> String {
        let mut s = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(",");
            s.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
        }
        s
    }

    #[test]
    fn an_alias_bomb_is_refused_where_it_explodes_without_spending_the_memory() {
        let text = billion_laughs();
        let start = std::time::Instant::now();
        let errs = parse(&text, 1).err().unwrap_or_default();
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].code, Code::YamlTooComplex);
        // Where the copies go past the limit: the list anchored as `e` on line 5 of the text
        // (6 of the file), made of aliases.
        assert_eq!(errs[0].pos, Pos { line: 6, col: 4 }, "{errs:?}");
        assert!(errs[0].message.contains("引用"), "{}", errs[0].message);
    }

    #[test]
    fn a_big_scalar_copied_by_aliases_is_refused() {
        let big = "字".repeat(200_000);
        let text = format!("a: &a \"{big}\"\nb: [*a, *a, *a, *a]\n");
        let errs = parse(&text, 0).err().unwrap_or_default();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].code, Code::YamlTooComplex);
        assert_eq!(errs[0].pos.line, 2);
        // A few copies of a short value are fine.
        let n = p("a: &a 窗口\nb: *a\nc: [*a, *a]\n");
        assert_eq!(n.get("b").and_then(Node::as_str), Some("窗口"));
    }

    #[test]
    fn deep_nesting_is_refused_before_the_stack_is() {
        for text in [
            format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            format!("x:\n  {}a\n", "- ".repeat(100_000)),
            format!("x: {}1{}\n", "{a: ".repeat(1000), "}".repeat(1000)),
        ] {
            let errs = parse(&text, 0).err().unwrap_or_default();
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert!(
                matches!(errs[0].code, Code::YamlTooComplex | Code::YamlSyntax),
                "{errs:?}"
            );
        }
        let errs = parse(&format!("x:\n  {}a\n", "- ".repeat(100)), 0)
            .err()
            .unwrap_or_default();
        assert_eq!(errs[0].code, Code::YamlTooComplex);
        assert_eq!(errs[0].pos.line, 2);
        // 64 levels are fine.
        assert!(parse(&format!("x: {}{}\n", "[".repeat(63), "]".repeat(63)), 0).is_ok());
    }

    #[test]
    fn too_many_values_are_refused_and_many_keys_are_not_quadratic() {
        let text = format!("x: [{}a]\n", "a,".repeat(200_000));
        let errs = parse(&text, 0).err().unwrap_or_default();
        assert_eq!(errs[0].code, Code::YamlTooComplex);
        // 40,000 keys: a quadratic duplicate check would make this test take seconds.
        let mut text = String::from("x:\n");
        for i in 0..40_000 {
            text.push_str(&format!("  k{i}: v\n"));
        }
        text.push_str("  k17: again\n");
        let start = std::time::Instant::now();
        let errs = parse(&text, 0).err().unwrap_or_default();
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].code, Code::YamlDuplicateKey);
        assert!(
            errs[0].message.contains("第一次在第 19 行"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn empty_document_is_none() {
        assert!(matches!(parse("", 0), Ok(None)));
        assert!(matches!(parse("# only a comment\n", 0), Ok(None)));
    }
}
