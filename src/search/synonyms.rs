//! The search's synonym list: groups of words that name the same thing (社保卡 = 社会保障卡).
//! A query holding one word of a group is also run with each other word of the group in its
//! place (in `search.js`; see docs/dev/search.md), so the list costs the index nothing and a
//! change to it needs no new postings.
//!
//! The list is a text file, one group a line, words separated by `=`; `#` starts a comment
//! line. The shipped default (`data/search/synonyms.txt`, for a human-resources and
//! social-security bureau) is used unless `site.toml` says `builtin_synonyms = false`; a site's
//! own file (`[search] synonyms_file`) adds groups to it. Groups that share a word are merged.

use crate::diag::{Code, Diagnostic};
use std::collections::BTreeMap;
use std::path::Path;

/// The shipped default list.
pub const BUILTIN: &str = include_str!("../../data/search/synonyms.txt");

/// Largest synonym file read, in bytes: a list of a few hundred groups is a few KB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;
/// Most groups in one file (each is sent with the search page).
pub const MAX_GROUPS: usize = 500;
/// Most words in one group.
pub const MAX_WORDS: usize = 8;
/// Longest word, in characters.
pub const MAX_WORD_CHARS: usize = 16;

/// Groups of words in the form queries are matched in (Simplified, lower-case, half-width),
/// each sorted, the groups sorted: the same list gives the same bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    pub groups: Vec<Vec<String>>,
}

impl Synonyms {
    /// The groups of several lists, groups sharing a word merged.
    pub fn merged(lists: impl IntoIterator<Item = Vec<Vec<String>>>) -> Synonyms {
        // Union-find over words.
        let mut id: BTreeMap<String, usize> = BTreeMap::new();
        let mut parent: Vec<usize> = Vec::new();
        fn find(parent: &mut [usize], mut x: usize) -> usize {
            while let Some(&p) = parent.get(x) {
                if p == x {
                    break;
                }
                let gp = parent.get(p).copied().unwrap_or(p);
                if let Some(slot) = parent.get_mut(x) {
                    *slot = gp;
                }
                x = p;
            }
            x
        }
        for group in lists.into_iter().flatten() {
            let mut first: Option<usize> = None;
            for w in group {
                let n = id.len();
                let i = *id.entry(w).or_insert_with(|| {
                    parent.push(n);
                    n
                });
                match first {
                    None => first = Some(i),
                    Some(f) => {
                        let (a, b) = (find(&mut parent, f), find(&mut parent, i));
                        if let Some(slot) = parent.get_mut(b) {
                            *slot = a;
                        }
                    }
                }
            }
        }
        let mut by_root: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        let words: Vec<(String, usize)> = id.into_iter().collect();
        for (w, i) in words {
            let r = find(&mut parent, i);
            by_root.entry(r).or_default().push(w);
        }
        let mut groups: Vec<Vec<String>> = by_root
            .into_values()
            .filter(|g| g.len() > 1)
            .map(|mut g| {
                g.sort();
                g
            })
            .collect();
        groups.sort();
        Synonyms { groups }
    }

    /// The list as the search page carries it (`data-synonyms`): groups joined by `|`, words
    /// by `=` (neither can occur in a word).
    pub fn to_attr(&self) -> String {
        self.groups
            .iter()
            .map(|g| g.join("="))
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// Parse one synonym file. `rel` is the path shown in diagnostics. Returns the groups of the
/// lines that are right and a located error for each line that is not.
pub fn parse(rel: &str, text: &str) -> (Vec<Vec<String>>, Vec<Diagnostic>) {
    let mut groups = Vec::new();
    let mut diags = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if groups.len() >= MAX_GROUPS {
            diags.push(
                Diagnostic::error(
                    Code::SearchSynonymsTooLarge,
                    rel,
                    format!("同义词表超过 {MAX_GROUPS} 组，其余各行没有读取"),
                )
                .at(line_no, 1)
                .hint("同义词表只收群众常用的简称、俗称；请删去不常用的组，或合并成一组。"),
            );
            break;
        }
        match parse_line(line) {
            Ok(g) => groups.push(g),
            Err((col, len, message, hint)) => diags.push(
                Diagnostic::error(Code::SearchSynonymsSyntax, rel, message)
                    .span(line_no, col, len)
                    .expected("一行一组，用“=”分隔，如：社保卡 = 社会保障卡")
                    .hint(hint)
                    .with_source(text),
            ),
        }
    }
    (groups, diags)
}

/// A line's words, normalised; or (column, length in characters, message, hint).
fn parse_line(line: &str) -> Result<Vec<String>, (usize, usize, String, String)> {
    let mut words: Vec<String> = Vec::new();
    let mut col = 1; // 1-based column, in characters, of the current piece
    for piece in line.split(['=', '＝']) {
        let len = piece.chars().count();
        let lead = piece.chars().take_while(|c| c.is_whitespace()).count();
        let word = piece.trim();
        let wcol = col + lead;
        let wlen = word.chars().count();
        col += len + 1;
        if word.is_empty() {
            return Err((
                wcol,
                1,
                "同义词表的这一行有空的说法".into(),
                "“=”两边都要写词语；一行末尾不要多写“=”。".into(),
            ));
        }
        if wlen > MAX_WORD_CHARS {
            return Err((
                wcol,
                wlen,
                format!("同义词“{word}”超过 {MAX_WORD_CHARS} 个字"),
                "同义词表只写简短的词语，不写句子。".into(),
            ));
        }
        let mut norm = String::with_capacity(word.len());
        for (i, c) in word.chars().enumerate() {
            match super::tokenize::normalise_char(c) {
                Some(n) => norm.push(n),
                None => {
                    return Err((
                        wcol + i,
                        1,
                        format!("同义词“{word}”中有不能搜索的字符“{c}”"),
                        "每个说法只能由汉字、字母和数字组成；不要写空格、标点或括号。".into(),
                    ))
                }
            }
        }
        if !words.contains(&norm) {
            words.push(norm);
        }
    }
    if words.len() < 2 {
        return Err((
            1,
            line.chars().count().max(1),
            "同义词表的这一行只有一个说法".into(),
            "每行至少写两个说法，用“=”分隔，如：失业金 = 失业保险金。".into(),
        ));
    }
    if words.len() > MAX_WORDS {
        return Err((
            1,
            line.chars().count().max(1),
            format!("同义词表的这一行超过 {MAX_WORDS} 个说法"),
            "一组只写同一事物的几种常见说法；不同的事物分行写。".into(),
        ));
    }
    Ok(words)
}

/// The site's synonym list: the shipped default (unless `builtin` is false) and the site's
/// file `file` (relative to `root`), with the problems of the site's file.
pub fn load(root: &Path, file: Option<&str>, builtin: bool) -> (Synonyms, Vec<Diagnostic>) {
    let mut lists = Vec::new();
    let mut diags = Vec::new();
    if builtin {
        lists.push(parse("data/search/synonyms.txt", BUILTIN).0);
    }
    if let Some(rel) = file {
        let outside = Path::new(rel).is_absolute()
            || Path::new(rel)
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)));
        let read = if outside {
            Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "路径须在站点目录之内，不能用“..”或绝对路径",
            ))
        } else {
            read_limited(&root.join(rel))
        };
        match read {
            Ok(Some(text)) => {
                let (g, d) = parse(rel, &text);
                lists.push(g);
                diags.extend(d);
            }
            Ok(None) => diags.push(
                Diagnostic::error(
                    Code::SearchSynonymsTooLarge,
                    rel,
                    format!("同义词表超过 {} KB，没有读取", MAX_FILE_BYTES / 1024),
                )
                .field("search.synonyms_file")
                .hint("同义词表只有几 KB：请检查 site.toml 中 synonyms_file 是否指向了别的文件。"),
            ),
            Err(e) => diags.push(
                Diagnostic::error(
                    Code::SearchSynonymsRead,
                    "site.toml",
                    format!("无法读取同义词表 {rel}：{}", io_reason(&e)),
                )
                .field("search.synonyms_file")
                .hint("synonyms_file 写站点根目录下的相对路径，如 synonyms.txt；文件须为 UTF-8 文本。"),
            ),
        }
    }
    (Synonyms::merged(lists), diags)
}

/// Why a file could not be read, in Chinese.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => e.to_string(),
        _ => "读取时出错".into(),
    }
}

fn read_limited(path: &Path) -> std::io::Result<Option<String>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Ok(None);
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "不是 UTF-8 编码的文本"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_list_parses_cleanly() {
        let (g, d) = parse("x", BUILTIN);
        assert!(
            d.is_empty(),
            "{:?}",
            d.iter().map(|d| d.message.clone()).collect::<Vec<_>>()
        );
        assert!((30..=60).contains(&g.len()), "{}", g.len());
        let s = Synonyms::merged([g]);
        assert!(s.groups.iter().any(|g| g == &["社会保障卡", "社保卡"]));
        // 退休金 = 养老金 and 养老金 = 基本养老金 are one group.
        assert!(s.groups.iter().any(|g| g.len() == 3
            && ["基本养老金", "养老金", "退休金"]
                .iter()
                .all(|w| g.iter().any(|x| x == w))));
    }

    #[test]
    fn words_are_normalised_and_groups_merged() {
        let (g, d) = parse("t", "社保卡＝社會保障卡\n# note\n\nＡＢＣ = abc = 社保卡\n");
        assert!(d.is_empty());
        let s = Synonyms::merged([g]);
        assert_eq!(s.groups.len(), 1);
        let mut g = s.groups[0].clone();
        g.sort();
        assert_eq!(g, vec!["abc", "社会保障卡", "社保卡"]);
        assert_eq!(s.to_attr(), s.groups[0].join("="));
    }

    #[test]
    fn bad_lines_are_located() {
        let (g, d) = parse(
            "syn.txt",
            "社保卡 = 社会保障卡\n失业金 =\n医保 = 医疗 保险\n只有一个\n",
        );
        assert_eq!(g.len(), 1);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].code, Code::SearchSynonymsSyntax);
        let pos: Vec<_> = d.iter().map(|d| (d.line, d.col)).collect();
        assert_eq!(pos, vec![(2, 6), (3, 8), (4, 1)]);
        assert!(d[1].message.contains("不能搜索的字符"));
    }

    #[test]
    fn hostile_input_is_bounded() {
        let many = "甲 = 乙\n".repeat(MAX_GROUPS + 10);
        let (g, d) = parse("t", &many);
        assert_eq!(g.len(), MAX_GROUPS);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::SearchSynonymsTooLarge);
        let long = format!("{} = 乙", "甲".repeat(10_000));
        let (g, d) = parse("t", &long);
        assert!(g.is_empty() && d.len() == 1);
        let wide: Vec<String> = (0..100).map(|i| format!("词{i}")).collect();
        let (_, d) = parse("t", &wide.join("="));
        assert!(d.len() == 1 && d[0].message.contains("超过"));
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.txt"), "甲=乙\n".repeat(20_000)).unwrap();
        let (s, d) = load(dir.path(), Some("big.txt"), false);
        assert!(s.groups.is_empty());
        assert_eq!(d[0].code, Code::SearchSynonymsTooLarge);
        let (_, d) = load(dir.path(), Some("missing.txt"), true);
        assert_eq!(d[0].code, Code::SearchSynonymsRead);
        let (s, d) = load(dir.path(), Some("../big.txt"), true);
        assert!(d[0].message.contains("站点目录"));
        assert!(!s.groups.is_empty());
        std::fs::write(dir.path().join("latin1.txt"), b"\xe7\xa4\xbe\xff=x\n").unwrap();
        let (_, d) = load(dir.path(), Some("latin1.txt"), false);
        assert!(d[0].message.contains("UTF-8"));
    }
}
