//! One person, one opinion: when a web submission is a resubmission of an earlier one.
//!
//! A resubmission is the *same submission* sent again (a double click, a retry after a
//! network error, the back button and 提交 again): the same per-form token, which the page
//! generates at random when it is shown (`token`, see `themes/default/static/site.js`), and
//! identical fields — kind, consultation or page, every text, name, organization, contact and
//! consent. Two people are never merged: two page views have two tokens, even behind one
//! address, and the client address is not part of the key. Without a token (JavaScript off,
//! a hand-made client) nothing is merged: a double click then gives two receipts, which the
//! staff mark 重复 in the dispositions — an extra opinion is recoverable, a dropped one is not.
//!
//! Offline entries (`gongshi feedback add`) are never merged.

use super::model::{self, Channel, Content, Submission};

/// Shortest and longest accepted token; the theme sends 32 hex digits.
pub const TOKEN_MIN: usize = 16;
pub const TOKEN_MAX: usize = 64;

/// A well-formed token: 16–64 ASCII letters, digits, `-` or `_`. Anything else is ignored
/// (the submission is stored, just never merged).
pub fn valid_token(t: &str) -> bool {
    (TOKEN_MIN..=TOKEN_MAX).contains(&t.len())
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The duplicate key of a web submission with a token: HMAC(secret, every field). None for
/// offline entries and for submissions without a (valid) token.
pub fn dedup_key(secret: &[u8], sub: &Submission) -> Option<String> {
    if sub.channel != Channel::Web {
        return None;
    }
    let token = sub.token.as_deref().filter(|t| valid_token(t))?;
    let mut msg = String::new();
    // Every field, each followed by a separator that cannot occur in form text (control
    // characters are refused by the form parser), with a marker for "absent".
    let mut field = |v: Option<&str>| {
        match v {
            Some(v) => {
                msg.push('=');
                msg.push_str(v);
            }
            None => msg.push('-'),
        }
        msg.push('\u{1f}');
    };
    field(Some("v2"));
    field(Some(token));
    field(Some(sub.content.kind().as_str()));
    field(Some(&sub.content.stream()));
    match &sub.content {
        Content::Comment {
            consultation,
            section,
            opinion,
            consent,
        } => {
            field(Some(consultation));
            field(section.as_deref());
            field(Some(opinion));
            field(Some(if *consent { "consent" } else { "no-consent" }));
        }
        Content::Correction { page, description } => {
            field(Some(page));
            field(Some(description));
        }
        Content::Message {
            category,
            subject,
            message,
        } => {
            field(Some(category));
            field(Some(subject));
            field(Some(message));
        }
    }
    field(sub.personal.name.as_deref());
    field(sub.personal.organization.as_deref());
    field(sub.personal.contact.as_deref());
    Some(hex::encode(model::hmac_sha256(secret, msg.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feedback::model::Personal;

    fn sub(opinion: &str, name: Option<&str>, token: Option<&str>) -> Submission {
        Submission {
            content: Content::Comment {
                consultation: "c".into(),
                section: None,
                opinion: opinion.into(),
                consent: true,
            },
            personal: Personal {
                name: name.map(str::to_string),
                ..Personal::default()
            },
            channel: Channel::Web,
            received: jiff::Timestamp::UNIX_EPOCH,
            client: Some(std::net::IpAddr::from([10, 0, 0, 1])),
            token: token.map(str::to_string),
        }
    }

    #[test]
    fn only_the_same_form_with_identical_fields_is_a_resubmission() {
        let t = "0123456789abcdef0123456789abcdef";
        let k = |s: &Submission| dedup_key(b"k", s);
        assert!(k(&sub("同意", None, Some(t))).is_some());
        assert_eq!(
            k(&sub("同意", None, Some(t))),
            k(&sub("同意", None, Some(t)))
        );
        // Another page view (token), another name, another text: another opinion.
        let other = "fedcba9876543210fedcba9876543210";
        assert_ne!(
            k(&sub("同意", None, Some(t))),
            k(&sub("同意", None, Some(other)))
        );
        assert_ne!(
            k(&sub("同意", Some("甲"), Some(t))),
            k(&sub("同意", Some("乙"), Some(t)))
        );
        assert_ne!(
            k(&sub("同意", None, Some(t))),
            k(&sub("同意。", None, Some(t)))
        );
        // No token, a malformed token: never merged.
        assert_eq!(k(&sub("同意", None, None)), None);
        assert_eq!(k(&sub("同意", None, Some("short"))), None);
        assert_eq!(k(&sub("同意", None, Some("a b c d e f g h i j k"))), None);
    }
}
