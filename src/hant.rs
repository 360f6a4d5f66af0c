//! Traditional → Simplified Chinese folding, character by character, with OpenCC's
//! `TSCharacters` table (`data/opencc/`, Apache-2.0; turned into a static map by `build.rs`).
//!
//! Used where a Traditional spelling must mean the same as the Simplified one: enumerated
//! field values, the privacy lint's keywords and labels, the search index and its queries.
//! Never to change what is published: a record is published as written.
//!
//! The fold maps one character to one character of the same UTF-8 length (the table's pairs
//! that would change the length are left out by `build.rs`), so byte offsets, lines and
//! columns in the folded text are those of the original. Text without a Traditional character
//! (every Simplified site) is returned borrowed after one scan that looks at a bitset only.
//!
//! A leaf: it imports nothing of the crate.

use std::borrow::Cow;

include!(concat!(env!("OUT_DIR"), "/t2s.rs"));

/// True when `c` is a Traditional character the table folds.
#[inline]
fn is_key(c: char) -> bool {
    let u = u32::from(c);
    if u < 0x3400 {
        // Below CJK Extension A there is nothing to fold (the table's keys are ideographs).
        false
    } else if u < 0x10000 {
        let u = u as usize;
        BMP_KEYS[u / 64] & (1 << (u % 64)) != 0
    } else {
        T2S.binary_search_by_key(&c, |p| p.0).is_ok()
    }
}

/// The Simplified form of one character (itself when it has none).
#[inline]
pub(crate) fn fold_char(c: char) -> char {
    if !is_key(c) {
        return c;
    }
    match T2S.binary_search_by_key(&c, |p| p.0) {
        Ok(i) => T2S.get(i).map_or(c, |p| p.1),
        Err(_) => c,
    }
}

/// True when `s` holds a character the fold changes.
pub(crate) fn has_traditional(s: &str) -> bool {
    // ASCII bytes and the lead bytes below U+3400 are skipped without decoding most of them.
    s.chars().any(is_key)
}

/// `s` with every Traditional character replaced by its Simplified form; borrowed when there
/// is none. The result has the same length and the same character boundaries as `s`.
pub(crate) fn fold(s: &str) -> Cow<'_, str> {
    let Some(first) = s.char_indices().find(|&(_, c)| is_key(c)).map(|(i, _)| i) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..first]);
    out.extend(s[first..].chars().map(fold_char));
    Cow::Owned(out)
}

/// The map as (Traditional, Simplified) pairs, sorted by the Traditional character.
#[cfg(test)]
fn pairs() -> &'static [(char, char)] {
    T2S
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn folds_the_words_of_real_decisions() {
        assert_eq!(fold("行政處罰決定書"), "行政处罚决定书");
        assert_eq!(fold("廢止"), "废止");
        assert_eq!(fold("公共服務"), "公共服务");
        assert_eq!(fold("身份證號碼"), "身份证号码");
        assert_eq!(fold("當事人：張三"), "当事人：张三");
        assert_eq!(fold("經營者"), "经营者");
        assert_eq!(fold("法定代表人"), "法定代表人");
    }

    #[test]
    fn simplified_and_ascii_text_is_borrowed() {
        for s in ["", "abc 123", "行政处罚决定书", "有效", "〔2026〕17号 😀"] {
            assert!(matches!(fold(s), Cow::Borrowed(_)), "{s}");
            assert!(!has_traditional(s), "{s}");
        }
        assert!(has_traditional("有效期至2026年，廢止"));
    }

    #[test]
    fn the_table_is_sorted_and_keeps_lengths() {
        let p = pairs();
        assert!(p.len() > 3000, "{}", p.len());
        for w in p.windows(2) {
            assert!(w[0].0 < w[1].0);
        }
        for &(k, v) in p {
            assert_ne!(k, v);
            assert_eq!(k.len_utf8(), v.len_utf8());
            assert!(is_key(k), "{k}");
            assert_eq!(fold_char(k), v);
        }
        // A pair that would change the length (Extension A → B) is left out.
        assert_eq!(fold_char('㑮'), '㑮');
    }

    #[test]
    fn the_browsers_map_is_the_same_table() {
        let json = include_str!(concat!(env!("OUT_DIR"), "/t2s.json"));
        let chars: Vec<char> = serde_json::from_str::<String>(json)
            .unwrap()
            .chars()
            .collect();
        let want: Vec<char> = pairs().iter().flat_map(|&(k, v)| [k, v]).collect();
        assert_eq!(chars, want);
    }

    proptest::proptest! {
        #[test]
        fn folding_keeps_every_char_boundary(s in "(\\PC|[廢處罰證號當張經營公共服務])*") {
            let f = fold(&s);
            proptest::prop_assert_eq!(f.len(), s.len());
            let a: Vec<usize> = s.char_indices().map(|c| c.0).collect();
            let b: Vec<usize> = f.char_indices().map(|c| c.0).collect();
            proptest::prop_assert_eq!(a, b);
            proptest::prop_assert!(!has_traditional(&f));
        }
    }
}
