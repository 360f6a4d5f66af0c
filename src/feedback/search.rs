//! The search for browsers that do not run the site's scripts: `GET /feedback/search?q=`.
//!
//! The site's search is static (`search.js` over `public/search/`): a page cannot read `?q=`
//! without a script. So the search forms' plain HTML target is the receiver, which already runs
//! beside every site that takes comments, and the site's script points the forms back at the
//! static search page where it can run it (progressive enhancement). The receiver lists the
//! catalogue filtered by the words: every published record (the records the static index
//! holds, with the same text) that contains all of them, those with every word in the title
//! first, then those whose 文号/索引号 holds a number of the query, then newest first. Words
//! are folded like the static search's (Traditional → Simplified, full width, case), question
//! words are dropped and the site's synonym list gives each word its alternatives. There is no
//! relevance ranking or partial match: that is the scripted page's.

use crate::content::Site;
use crate::facts::Facts;

/// Results per page.
pub const PAGE: usize = 20;
/// Characters of a query kept (longer ones are cut).
pub const MAX_QUERY_CHARS: usize = 100;
/// Words of a query used.
pub const MAX_WORDS: usize = 10;
/// Alternatives (synonym replacements) of one word.
const MAX_ALTERNATIVES: usize = 16;

/// Words of a question that say nothing about what is sought (as `STOP` in `search.js`),
/// longest first.
const STOP: &[&str] = &[
    "需要多少钱",
    "可不可以",
    "要多少钱",
    "多少钱",
    "在哪里",
    "在哪儿",
    "到哪里",
    "去哪里",
    "怎么办理",
    "怎么样",
    "怎么办",
    "为什么",
    "是什么",
    "能不能",
    "怎么",
    "如何",
    "怎样",
    "哪里",
    "哪儿",
    "在哪",
    "去哪",
    "什么",
    "办理",
    "我要",
    "我想",
    "想要",
    "请问",
    "需要",
    "可以",
    "是否",
    "多少",
    "一下",
    "哪些",
    "吗",
    "呢",
    "吧",
    "啊",
    "的",
];

/// One searchable record.
struct Entry {
    /// Address of the page (site-absolute, or absolute when the receiver is on another host).
    url: String,
    title: String,
    label: String,
    date: String,
    meta: Vec<String>,
    title_n: String,
    meta_n: String,
    /// Title, metadata and every text the page shows, normalised.
    hay: String,
}

/// The published records as the receiver searches them.
pub struct SearchList {
    entries: Vec<Entry>,
    /// Synonym groups, normalised.
    groups: Vec<Vec<String>>,
    /// What goes before a site path (`""`, `/prefix` or `https://host/prefix`).
    prefix: String,
}

/// A record for [`SearchList::of`]: `(url, title, label, date, meta, body)`.
pub type TestRecord<'a> = (&'a str, &'a str, &'a str, &'a str, &'a [&'a str], &'a str);

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    pub url: &'a str,
    pub title: &'a str,
    pub label: &'a str,
    pub date: &'a str,
    pub meta: &'a [String],
}

/// A query's answer: the words used and every match, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<'a> {
    pub words: Vec<String>,
    pub hits: Vec<Hit<'a>>,
}

/// Text in the form it is matched in: each character as [`crate::search::normalise_char`]
/// gives it, separators as one space.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.chars() {
        match crate::search::normalise_char(c) {
            Some(c) => {
                out.push(c);
                space = false;
            }
            None => {
                if !space {
                    out.push(' ');
                }
                space = true;
            }
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of a query: normalised, question words dropped (unless nothing else is left),
/// de-duplicated, at most [`MAX_WORDS`].
pub fn words(q: &str) -> Vec<String> {
    let cut: String = q.chars().take(MAX_QUERY_CHARS).collect();
    let all = normalise(&cut);
    let mut kept = all.clone();
    for w in STOP {
        kept = kept.replace(w, " ");
    }
    let text = if kept.trim().is_empty() { &all } else { &kept };
    let mut out: Vec<String> = Vec::new();
    // Words split where letters, digits and Chinese meet, as the static search's tokens
    // (人社罚2026 → 人社罚, 2026).
    let mut pieces: Vec<String> = Vec::new();
    for w in text.split(' ') {
        let mut cur = String::new();
        let mut last: Option<Class> = None;
        for c in w.chars() {
            let k = class(c);
            if last.is_some_and(|l| l != k) {
                pieces.push(std::mem::take(&mut cur));
            }
            cur.push(c);
            last = Some(k);
        }
        pieces.push(cur);
    }
    for w in pieces.into_iter().filter(|w| !w.is_empty()) {
        if !out.contains(&w) && out.len() < MAX_WORDS {
            out.push(w);
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Digit,
    Other,
}

fn class(c: char) -> Class {
    if c.is_ascii_digit() {
        Class::Digit
    } else if c.is_alphabetic() && !crate::search::is_cjk(c) {
        Class::Letter
    } else {
        Class::Other
    }
}

/// Whether `hay` holds `w`; a word that begins or ends with a letter or digit only where
/// no letter or digit of the same kind continues it (`2026` is not in `20261`).
fn holds(hay: &str, w: &str) -> bool {
    let (Some(first), Some(last)) = (w.chars().next(), w.chars().last()) else {
        return false;
    };
    hay.match_indices(w).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + w.len()..].chars().next();
        let edge = |c: Option<char>, end: char| {
            c.is_none_or(|c| class(end) == Class::Other || class(c) != class(end))
        };
        edge(before, first) && edge(after, last)
    })
}

/// Whether `hay` holds the word `w`: as a whole, or, for a Chinese word of four characters or
/// more, all its character pairs but one (劳务派遣许可 in 劳务派遣经营许可: people leave out or
/// add a character; the static search ranks such partial matches, this list has no ranking).
fn matches(hay: &str, w: &str) -> bool {
    if holds(hay, w) {
        return true;
    }
    let cs: Vec<char> = w.chars().collect();
    if cs.len() < 4 || cs.iter().any(|&c| class(c) != Class::Other) {
        return false;
    }
    let missing = cs
        .windows(2)
        .filter(|p| !hay.contains(&p.iter().collect::<String>()))
        .count();
    missing <= 1
}

impl SearchList {
    /// The records the static search index holds (published, valid: [`crate::facts::exported`]),
    /// with the same text.
    pub fn build(site: &Site, facts: &Facts) -> SearchList {
        let f = &site.config.feedback_url;
        let prefix = if f.starts_with("http://") || f.starts_with("https://") {
            site.config.base_url_trimmed().to_string()
        } else {
            site.config.base_path().trim_end_matches('/').to_string()
        };
        let mut entries: Vec<Entry> = site
            .records
            .iter()
            .filter(|r| crate::facts::exported(facts, r))
            .map(|r| {
                let doc = crate::plan::search_doc(site, facts, r);
                let body = crate::plan::search_text(r);
                let meta_n = normalise(&doc.meta.join(" "));
                let title_n = normalise(&doc.title);
                let hay = format!("{title_n} {meta_n} {}", normalise(&body));
                let url = if doc.url.starts_with("http://") || doc.url.starts_with("https://") {
                    doc.url
                } else {
                    format!("{prefix}{}", doc.url)
                };
                Entry {
                    url,
                    title: doc.title,
                    label: doc.kind_label,
                    date: doc.date,
                    meta: doc.meta,
                    title_n,
                    meta_n,
                    hay,
                }
            })
            .collect();
        entries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
        let groups = site
            .config
            .search
            .synonyms
            .groups
            .iter()
            .map(|g| g.iter().map(|w| normalise(w)).collect())
            .collect();
        SearchList {
            entries,
            groups,
            prefix,
        }
    }

    /// A list of the given records, for tests.
    pub fn of(records: &[TestRecord], groups: &[&[&str]]) -> SearchList {
        let mut entries: Vec<Entry> = records
            .iter()
            .map(|(url, title, label, date, meta, body)| {
                let meta: Vec<String> = meta.iter().map(|m| m.to_string()).collect();
                let title_n = normalise(title);
                let meta_n = normalise(&meta.join(" "));
                Entry {
                    hay: format!("{title_n} {meta_n} {}", normalise(body)),
                    url: url.to_string(),
                    title: title.to_string(),
                    label: label.to_string(),
                    date: date.to_string(),
                    meta,
                    title_n,
                    meta_n,
                }
            })
            .collect();
        entries.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.url.cmp(&b.url)));
        SearchList {
            entries,
            groups: groups
                .iter()
                .map(|g| g.iter().map(|w| normalise(w)).collect())
                .collect(),
            prefix: String::new(),
        }
    }

    /// What goes before a site path on the receiver's pages.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// A word and its synonym replacements (each synonym found in it replaced by the other
    /// words of its group), at most [`MAX_ALTERNATIVES`].
    fn alternatives(&self, w: &str) -> Vec<String> {
        let mut out = vec![w.to_string()];
        for g in &self.groups {
            for s in g.iter().filter(|s| !s.is_empty() && w.contains(s.as_str())) {
                for o in g.iter().filter(|o| *o != s) {
                    let alt = w.replace(s.as_str(), o);
                    if out.len() < MAX_ALTERNATIVES && !out.contains(&alt) {
                        out.push(alt);
                    }
                }
            }
        }
        out
    }

    /// Every record holding all words of `q` (each in one of its forms), best first.
    pub fn query(&self, q: &str) -> Answer<'_> {
        let words = words(q);
        if words.is_empty() {
            return Answer {
                words,
                hits: Vec::new(),
            };
        }
        let alts: Vec<Vec<String>> = words.iter().map(|w| self.alternatives(w)).collect();
        let any = |text: &str, a: &[String]| a.iter().any(|w| matches(text, w));
        let mut found: Vec<(bool, bool, usize)> = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| alts.iter().all(|a| any(&e.hay, a)))
            .map(|(i, e)| {
                let in_title = alts.iter().all(|a| any(&e.title_n, a));
                let number_in_meta = alts.iter().any(|a| {
                    a.iter()
                        .any(|w| w.chars().any(|c| c.is_ascii_digit()) && holds(&e.meta_n, w))
                });
                (in_title, number_in_meta, i)
            })
            .collect();
        // Entries are newest first already: a stable sort keeps that order within a rank.
        found.sort_by_key(|&(t, m, _)| (!t, !m));
        Answer {
            words,
            hits: found
                .into_iter()
                .filter_map(|(_, _, i)| self.entries.get(i))
                .map(|e| Hit {
                    url: &e.url,
                    title: &e.title,
                    label: &e.label,
                    date: &e.date,
                    meta: &e.meta,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> SearchList {
        SearchList::of(
            &[
                (
                    "/fees/card/",
                    "社会保障卡工本费",
                    "收费项目",
                    "2026-03-01",
                    &["ZJRSJ/2026-00031"],
                    "补领、换领社会保障卡收取工本费。",
                ),
                (
                    "/procedures/unemployment/",
                    "失业保险金申领",
                    "办事流程",
                    "2026-05-01",
                    &[],
                    "失业人员可以申领失业保险金，携带社会保障卡到窗口办理。",
                ),
                (
                    "/documents/wage/",
                    "关于做好2026年根治欠薪工作的通知",
                    "政策文件",
                    "2026-01-10",
                    &["枝人社发〔2026〕12号", "ZJRSJ/2026-00012"],
                    "各乡镇人民政府：……",
                ),
                (
                    "/enforcement/a/",
                    "行政处罚决定书",
                    "行政处罚",
                    "2025-12-20",
                    &["枝人社罚〔2025〕120号"],
                    "拖欠工资20261元。",
                ),
            ],
            &[&["社保卡", "社会保障卡"], &["失业金", "失业保险金"]],
        )
    }

    fn urls(q: &str) -> Vec<String> {
        let l = list();
        let a = l.query(q);
        a.hits.iter().map(|h| h.url.to_string()).collect()
    }

    #[test]
    fn words_drop_question_words_fold_and_cut() {
        assert_eq!(words("社保卡怎么领？"), ["社保卡", "领"]);
        assert_eq!(words("怎么"), ["怎么"]);
        assert_eq!(words("  "), Vec::<String>::new());
        assert_eq!(words("社會保障卡"), ["社会保障卡"]);
        assert_eq!(words("ＺＪＲＳＪ／２０２６"), ["zjrsj", "2026"]);
        assert_eq!(words("a a a b"), ["a", "b"]);
        assert_eq!(
            words("人社罚2026号ISO9001"),
            ["人社罚", "2026", "号", "iso", "9001"]
        );
        let many: String = (0..50).map(|i| format!("w{i} ")).collect();
        assert_eq!(words(&many).len(), MAX_WORDS);
        let long = "字".repeat(10_000);
        assert_eq!(words(&long), ["字".repeat(MAX_QUERY_CHARS)]);
        assert_eq!(words("<script>alert(1)</script>"), ["script", "alert", "1"]);
    }

    #[test]
    fn every_word_must_match_in_one_of_its_forms() {
        // A synonym and a question: the record that says 社会保障卡.
        assert_eq!(
            urls("社保卡怎么办理"),
            ["/fees/card/", "/procedures/unemployment/"]
        );
        // Title matches first, then newest first.
        assert_eq!(urls("失业金"), ["/procedures/unemployment/"]);
        assert_eq!(urls("社会保障卡 工本费"), ["/fees/card/"]);
        // Traditional.
        assert_eq!(urls("失業保險金"), ["/procedures/unemployment/"]);
        // A character more or less in a long word.
        assert_eq!(urls("失业保险申领"), ["/procedures/unemployment/"]);
        assert!(urls("失业保险办法").is_empty(), "two pairs missing");
        // Nothing holds every word.
        assert!(urls("社会保障卡 欠薪").is_empty());
        assert!(urls("量子计算机").is_empty());
        assert!(urls("").is_empty());
    }

    #[test]
    fn numbers_match_whole_and_a_number_in_the_metadata_comes_first() {
        // 2026 does not match 20261; the record whose 文号 holds it first.
        assert_eq!(
            urls("2026 12"),
            ["/documents/wage/"],
            "the enforcement's 120 and 20261 are other numbers"
        );
        assert_eq!(urls("枝人社发〔2026〕12号"), ["/documents/wage/"]);
        assert_eq!(urls("ZJRSJ/2026-00031"), ["/fees/card/"]);
        assert_eq!(urls("[2025]120"), ["/enforcement/a/"]);
        assert_eq!(urls("人社罚2025"), ["/enforcement/a/"]);
    }

    #[test]
    fn hostile_queries_are_only_text() {
        for q in [
            "\u{0}\u{1}\u{7f}",
            "%%%",
            "\"><img src=x onerror=alert(1)>",
            "\u{202e}\u{200b}",
            "🙂🙂🙂",
            "𠀀𠀁",
        ] {
            let l = list();
            let a = l.query(q);
            assert!(a.hits.len() <= 4, "{q}");
        }
    }

    /// The script drops question words as the receiver's search without scripts does
    /// (`crate::feedback::search::words`): the same words stay for the same query.
    #[test]
    fn js_question_words_agree_with_the_receiver() {
        if std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_err()
        {
            return;
        }
        let queries = [
            "社保卡怎么办理",
            "社保卡怎么领",
            "劳务派遣许可在哪里办理",
            "社会保障卡补卡要多少钱",
            "请问失业金如何申领",
            "怎么",
        ];
        let code = format!(
            "const s = require({:?}); console.log(JSON.stringify({}.map(q => s.normalise(q))))",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/themes/default/static/search.js"
            ),
            serde_json::to_string(&queries).unwrap()
        );
        let out = std::process::Command::new("node")
            .arg("-e")
            .arg(code)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let js: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        for (q, j) in queries.iter().zip(js) {
            let js_words: Vec<&str> = j.split(' ').filter(|w| !w.is_empty()).collect();
            assert_eq!(words(q), js_words, "{q}");
        }
    }
}
