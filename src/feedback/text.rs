//! Invisible characters in submitted text.
//!
//! * Bidirectional formatting controls (U+202A–U+202E embeddings and overrides, U+2066–U+2069
//!   isolates, U+200E/U+200F/U+061C marks) make a text display in an order other than the
//!   one it is stored in ("Trojan source"): a comment could read differently in the report
//!   than in the ledger. They are removed. Chinese and the other languages of the site do
//!   not need them.
//! * Zero-width spaces (U+200B), word joiners (U+2060), byte-order marks (U+FEFF), the
//!   Mongolian vowel separator (U+180E) and the invisible operators (U+2061–U+2064) are
//!   removed too. Zero-width joiners (U+200D, emoji sequences) and non-joiners (U+200C) stay.
//! * A field that shows nothing — only white space and default-ignorable characters (joiners,
//!   variation selectors, fillers, tags) — counts as empty, so a required field made only of
//!   them is refused like a blank one.

use std::borrow::Cow;

/// Removed from every submitted text field.
pub(super) fn is_stripped(c: char) -> bool {
    matches!(c,
        '\u{061C}'
        | '\u{180E}'
        | '\u{200B}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{206A}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Characters that show nothing by themselves (Unicode Default_Ignorable_Code_Point, plus the
/// Hangul fillers and the blank Braille pattern that render as blank space).
pub(super) fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || is_stripped(c)
        || matches!(c,
            '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// The text without the characters of `is_stripped`.
pub(super) fn strip_format_controls(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_stripped) {
        Cow::Owned(s.chars().filter(|&c| !is_stripped(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// True when nothing of the text would be visible.
pub(super) fn is_blank(s: &str) -> bool {
    s.chars().all(is_invisible)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bidi_and_zero_width_keeps_joiners() {
        assert_eq!(strip_format_controls("a\u{202E}cba\u{202C}d"), "acbad");
        assert_eq!(strip_format_controls("同\u{200B}意"), "同意");
        assert_eq!(strip_format_controls("👨\u{200D}👩"), "👨\u{200D}👩");
        assert!(is_blank(
            "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}\u{3000} \u{3164}"
        ));
        assert!(!is_blank("\u{200B}好"));
    }
}
