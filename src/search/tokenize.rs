//! The search tokenizer: no word list, CJK character bigrams plus unigrams, ASCII words and
//! numbers. `themes/default/static/search.js` implements the same rules for queries; a change
//! here must be made there too (and `FORMAT_VERSION` bumped).
//!
//! Rules, applied to each character after normalisation:
//! - Traditional Chinese characters become Simplified (`crate::hant`, OpenCC's character
//!   table; the fold keeps byte offsets), so a record written in either script is found by a
//!   query in either: `search.js` folds queries with the same map (`static/t2s.json`).
//! - Full-width ASCII forms (`！`–`～`, so `０`–`９`, `Ａ`–`Ｚ`, `［］`) become ASCII; the
//!   ideographic space becomes a space. Letters are lower-cased.
//! - ASCII letters and the letters of Latin-1, Latin Extended-A/B, Greek and Cyrillic
//!   (U+00C0–U+024F without `×` `÷`, U+0370–U+052F) form *words*; ASCII digits form *numbers*.
//!   A letter run and a digit run are separate tokens (`人社罚2026` → … `2026`).
//! - Han ideographs (all blocks, plus `〇`), kana and Hangul syllables are *CJK*: a run of them
//!   yields every character (unigram) and every overlapping pair (bigram).
//! - Everything else (whitespace, punctuation, `〔〕【】`, symbols, emoji) separates tokens.
//! - Words and numbers longer than [`MAX_WORD_CHARS`] characters are cut to that length.

/// Longest word or number token, in characters; longer runs are truncated.
pub const MAX_WORD_CHARS: usize = 32;

/// What a token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenKind {
    /// A run of letters, lower-cased.
    Word,
    /// A run of ASCII digits.
    Number,
    /// Two adjacent CJK characters.
    Bigram,
    /// One CJK character.
    Unigram,
}

/// One token with its place in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Normalised text (what the index stores).
    pub text: String,
    pub kind: TokenKind,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Sep,
    Letter,
    Digit,
    Cjk,
}

/// Full-width → ASCII, ideographic space → space.
fn fold_width(c: char) -> char {
    let u = u32::from(c);
    if (0xFF01..=0xFF5E).contains(&u) {
        char::from_u32(u - 0xFEE0).unwrap_or(c)
    } else if u == 0x3000 {
        ' '
    } else {
        c
    }
}

/// True for the characters indexed as CJK (bigrams + unigrams).
pub fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x3007
        | 0x3041..=0x3096
        | 0x30A1..=0x30FA
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F
        | 0x30000..=0x3134F)
}

fn classify(c: char) -> Class {
    let u = u32::from(c);
    if c.is_ascii_alphabetic() {
        Class::Letter
    } else if c.is_ascii_digit() {
        Class::Digit
    } else if is_cjk(c) {
        Class::Cjk
    } else if ((0xC0..=0x24F).contains(&u) && u != 0xD7 && u != 0xF7)
        || (0x370..=0x52F).contains(&u)
    {
        // Same ranges as search.js; only letters there matter in practice.
        Class::Letter
    } else {
        Class::Sep
    }
}

/// The form a query character is matched in (as `search.js` normalises queries): full-width
/// ASCII folded, Traditional folded to Simplified, letters lower-cased; `None` for a character
/// that separates tokens.
pub fn normalise_char(c: char) -> Option<char> {
    let c = crate::hant::fold_char(fold_width(c));
    match classify(c) {
        Class::Sep => None,
        _ => Some(c.to_lowercase().next().unwrap_or(c)),
    }
}

/// A run of same-class characters: (class, normalised chars with their byte offsets).
struct Run {
    class: Class,
    chars: Vec<(char, usize, usize)>,
}

fn runs(text: &str) -> Vec<Run> {
    let folded = crate::hant::fold(text);
    let text = folded.as_ref();
    let mut out: Vec<Run> = Vec::new();
    let mut cur: Option<Run> = None;
    for (start, raw) in text.char_indices() {
        let end = start + raw.len_utf8();
        let c = fold_width(raw);
        let class = classify(c);
        if class == Class::Sep {
            if let Some(r) = cur.take() {
                out.push(r);
            }
            continue;
        }
        match cur.as_mut() {
            Some(r) if r.class == class => r.chars.push((c, start, end)),
            _ => {
                if let Some(r) = cur.take() {
                    out.push(r);
                }
                cur = Some(Run {
                    class,
                    chars: vec![(c, start, end)],
                });
            }
        }
    }
    if let Some(r) = cur.take() {
        out.push(r);
    }
    out
}

fn word_token(run: &Run, kind: TokenKind) -> Token {
    let mut text = String::new();
    let mut end = run.chars.first().map_or(0, |c| c.2);
    for &(c, _, e) in run.chars.iter().take(MAX_WORD_CHARS) {
        // Lower-casing per character, as JavaScript's toLowerCase does for these ranges.
        text.extend(c.to_lowercase());
        end = e;
    }
    Token {
        text,
        kind,
        start: run.chars.first().map_or(0, |c| c.1),
        end,
    }
}

/// Index tokens of a text: words, numbers, and for each CJK run its bigrams followed by its
/// unigrams. Never panics; empty or separator-only input gives no tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    scan(text, &mut |t, kind, start, end| {
        out.push(Token {
            text: t.to_string(),
            kind,
            start,
            end,
        })
    });
    out
}

/// The texts of [`tokenize`]'s tokens, in the same order, handed to `f` one at a time
/// without making a string for each (the index builder's hot loop: a record yields about a
/// thousand tokens, most of them seen before in the same record).
pub(super) fn each_token<F: FnMut(&str)>(text: &str, f: &mut F) {
    scan(text, &mut |t, _, _, _| f(t));
}

/// The tokenizer: hands each token's normalised text, kind and byte range in `text` to `f`.
/// Generic rather than taking a `dyn` closure: the index builder's per-token work (a hash-map
/// update) is then inlined into the loop instead of behind two indirect calls per token.
fn scan<F: FnMut(&str, TokenKind, usize, usize)>(text: &str, f: &mut F) {
    // Folded text has the byte offsets of `text`: the ranges handed out point into both.
    let folded = crate::hant::fold(text);
    let text = folded.as_ref();
    struct Run {
        class: Class,
        /// A word or number so far, normalised, and its byte range (up to its last kept
        /// character).
        word: String,
        chars: usize,
        span: (usize, usize),
        /// A CJK run's characters (byte ranges: they are never changed by normalisation).
        cjk: Vec<(usize, usize)>,
    }
    fn flush<F: FnMut(&str, TokenKind, usize, usize)>(run: &mut Run, text: &str, f: &mut F) {
        let (s, e) = run.span;
        match run.class {
            Class::Letter => f(&run.word, TokenKind::Word, s, e),
            Class::Digit => f(&run.word, TokenKind::Number, s, e),
            Class::Cjk => {
                for w in run.cjk.windows(2) {
                    f(&text[w[0].0..w[1].1], TokenKind::Bigram, w[0].0, w[1].1);
                }
                for &(s, e) in &run.cjk {
                    f(&text[s..e], TokenKind::Unigram, s, e);
                }
            }
            Class::Sep => {}
        }
        run.word.clear();
        run.chars = 0;
        run.cjk.clear();
    }
    let mut run = Run {
        class: Class::Sep,
        word: String::new(),
        chars: 0,
        span: (0, 0),
        cjk: Vec::new(),
    };
    for (start, raw) in text.char_indices() {
        let end = start + raw.len_utf8();
        let c = fold_width(raw);
        let class = classify(c);
        if class != run.class {
            flush(&mut run, text, f);
            run.class = class;
            run.span = (start, end);
        }
        match class {
            Class::Letter | Class::Digit => {
                if run.chars < MAX_WORD_CHARS {
                    // Lower-casing per character, as JavaScript's toLowerCase does for these
                    // ranges.
                    run.word.extend(c.to_lowercase());
                    run.chars += 1;
                    run.span.1 = end;
                }
            }
            Class::Cjk => run.cjk.push((start, end)),
            Class::Sep => {}
        }
    }
    flush(&mut run, text, f);
}

/// The terms of a query, in order, grouped the way ranking uses them: a CJK run of two or
/// more characters gives its bigrams only (consecutive bigrams of one run form a *phrase*
/// chain); a lone CJK character gives its unigram; words and numbers give themselves.
/// Each inner vector is one run. Duplicates are kept (ranking de-duplicates).
pub fn query_terms(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for run in runs(text) {
        match run.class {
            Class::Letter | Class::Digit => {
                let kind = if run.class == Class::Letter {
                    TokenKind::Word
                } else {
                    TokenKind::Number
                };
                out.push(vec![word_token(&run, kind).text]);
            }
            Class::Cjk => {
                if run.chars.len() == 1 {
                    out.push(run.chars.iter().map(|c| c.0.to_string()).collect());
                } else {
                    out.push(
                        run.chars
                            .windows(2)
                            .map(|w| {
                                let mut s = String::with_capacity(8);
                                s.push(w[0].0);
                                s.push(w[1].0);
                                s
                            })
                            .collect(),
                    );
                }
            }
            Class::Sep => {}
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    /// The tokens read run by run ([`runs`], [`word_token`]: what `query_terms` uses), to
    /// check [`scan`] against.
    fn by_runs(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        for run in runs(text) {
            match run.class {
                Class::Letter => out.push(word_token(&run, TokenKind::Word)),
                Class::Digit => out.push(word_token(&run, TokenKind::Number)),
                Class::Cjk => {
                    for w in run.chars.windows(2) {
                        out.push(Token {
                            text: format!("{}{}", w[0].0, w[1].0),
                            kind: TokenKind::Bigram,
                            start: w[0].1,
                            end: w[1].2,
                        });
                    }
                    for &(c, start, end) in &run.chars {
                        out.push(Token {
                            text: c.to_string(),
                            kind: TokenKind::Unigram,
                            start,
                            end,
                        });
                    }
                }
                Class::Sep => {}
            }
        }
        out
    }

    fn q(s: &str) -> Vec<String> {
        query_terms(s).into_iter().flatten().collect()
    }

    #[test]
    fn empty_and_whitespace() {
        assert!(tokenize("").is_empty());
        assert!(tokenize("  \t\n\u{3000} ").is_empty());
        assert!(query_terms("").is_empty());
        assert!(query_terms(" 　，。！").is_empty());
    }

    #[test]
    fn chinese_bigrams_and_unigrams() {
        assert_eq!(
            texts("行政处罚"),
            ["行政", "政处", "处罚", "行", "政", "处", "罚"]
        );
        assert_eq!(texts("税"), ["税"]);
        assert_eq!(q("行政处罚"), ["行政", "政处", "处罚"]);
        assert_eq!(q("税"), ["税"]);
    }

    #[test]
    fn punctuation_splits_runs() {
        assert_eq!(
            texts("社保，医保"),
            ["社保", "社", "保", "医保", "医", "保"]
        );
        assert_eq!(q("社保。医保"), ["社保", "医保"]);
    }

    #[test]
    fn doc_number_with_brackets() {
        let t = texts("枝人社罚〔2026〕17号");
        assert_eq!(
            t,
            ["枝人", "人社", "社罚", "枝", "人", "社", "罚", "2026", "17", "号"]
        );
        assert_eq!(q("〔2024〕17号"), ["2024", "17", "号"]);
        assert_eq!(q("[2024]17号"), ["2024", "17", "号"]);
        assert_eq!(q("【2024】17号"), ["2024", "17", "号"]);
        assert_eq!(q("人社罚2026"), ["人社", "社罚", "2026"]);
        assert_eq!(q("2026 17"), ["2026", "17"]);
    }

    #[test]
    fn full_width_forms_are_folded() {
        assert_eq!(q("［２０２６］１７号"), ["2026", "17", "号"]);
        assert_eq!(q("ＧＢ／Ｔ１９００１"), ["gb", "t", "19001"]);
        assert_eq!(q("ABC"), q("ａｂｃ"));
    }

    #[test]
    fn mixed_ascii_letters_digits_case() {
        assert_eq!(texts("ISO9001认证"), ["iso", "9001", "认证", "认", "证"]);
        assert_eq!(q("Word 2.5 版"), ["word", "2", "5", "版"]);
        assert_eq!(q("Ärger Straße"), ["ärger", "straße"]);
        assert_eq!(q("Москва"), ["москва"]);
    }

    #[test]
    fn emoji_and_symbols_are_separators() {
        assert_eq!(q("社保😀医保"), ["社保", "医保"]);
        assert_eq!(q("😀👍🏽"), Vec::<String>::new());
        assert_eq!(q("a×b"), ["a", "b"]);
        // Astral Han (Extension B) is CJK.
        assert_eq!(q("𠀀𠀁"), ["𠀀𠀁"]);
    }

    #[test]
    fn offsets_point_into_original() {
        let s = "第１７号：工伤";
        for t in tokenize(s) {
            assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            assert!(t.start < t.end);
        }
        let num = tokenize(s)
            .into_iter()
            .find(|t| t.kind == TokenKind::Number)
            .unwrap();
        assert_eq!(num.text, "17");
        assert_eq!(&s[num.start..num.end], "１７");
    }

    #[test]
    fn traditional_characters_are_folded_keeping_offsets() {
        assert_eq!(texts("行政處罰"), texts("行政处罚"));
        assert_eq!(q("廢止 公共服務"), ["废止", "公共", "共服", "服务"]);
        let s = "當事人：張某";
        for (a, b) in tokenize(s).iter().zip(tokenize("当事人：张某")) {
            assert_eq!((a.start, a.end, &a.text), (b.start, b.end, &b.text));
        }
    }

    #[test]
    fn long_words_are_truncated() {
        let long = "a".repeat(100);
        let t = tokenize(&long);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].text.len(), MAX_WORD_CHARS);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_offsets_valid(s in "\\PC*") {
            for t in tokenize(&s) {
                proptest::prop_assert!(!t.text.is_empty());
                proptest::prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            }
            let _ = query_terms(&s);
        }

        #[test]
        fn each_token_gives_the_tokens_texts(s in "(\\PC|[a-zA-Z0-9ａ-ｚＡ-Ｚ０-９ÀßΣя 　〇税行政处罚-]){0,80}") {
            let mut got = Vec::new();
            each_token(&s, &mut |t| got.push(t.to_string()));
            proptest::prop_assert_eq!(got, texts(&s));
            // And the tokens are those of the run-by-run reading the query side uses.
            proptest::prop_assert_eq!(tokenize(&s), by_runs(&s));
        }

        #[test]
        fn query_terms_are_index_tokens(s in "[a-zA-Z0-9 〔〕，。行政处罚决定书号税ａ１]{0,40}") {
            let idx: std::collections::HashSet<String> = tokenize(&s).into_iter().map(|t| t.text).collect();
            for term in query_terms(&s).into_iter().flatten() {
                proptest::prop_assert!(idx.contains(&term), "{term} missing");
            }
        }
    }
}
