//! Entries, their canonical (hashed) public form, receipts and hashes.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use crate::ledger::{chain_hash, Channel, CommentRecord, Kind, GENESIS_HASH};

/// Kind-specific content of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    Comment {
        consultation: String,
        section: Option<String>,
        opinion: String,
        consent: bool,
    },
    Correction {
        page: String,
        description: String,
    },
    Message {
        category: String,
        subject: String,
        message: String,
    },
}

impl Content {
    pub fn kind(&self) -> Kind {
        match self {
            Content::Comment { .. } => Kind::Comment,
            Content::Correction { .. } => Kind::Correction,
            Content::Message { .. } => Kind::Message,
        }
    }
    /// The hash chain this entry belongs to: one per consultation, one for corrections,
    /// one for messages. A consultation's ledger file is exactly its chain.
    pub fn stream(&self) -> String {
        match self {
            Content::Comment { consultation, .. } => stream_for_consultation(consultation),
            Content::Correction { .. } => "correction".to_string(),
            Content::Message { .. } => "message".to_string(),
        }
    }
    pub fn consultation(&self) -> Option<&str> {
        match self {
            Content::Comment { consultation, .. } => Some(consultation),
            _ => None,
        }
    }
    /// The private full text (kept in the `private` table).
    pub fn private_text(&self) -> &str {
        match self {
            Content::Comment { opinion, .. } => opinion,
            Content::Correction { description, .. } => description,
            Content::Message { message, .. } => message,
        }
    }
}

pub fn stream_for_consultation(id: &str) -> String {
    format!("consultation/{id}")
}

/// Personal data: stored in a separate table, never exported or shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Personal {
    pub name: Option<String>,
    pub organization: Option<String>,
    pub contact: Option<String>,
}

/// A validated submission waiting to be stored.
#[derive(Debug, Clone)]
pub struct Submission {
    pub content: Content,
    pub personal: Personal,
    pub channel: Channel,
    pub received: Timestamp,
    /// The web client's address (rate limiting upstream). Never stored, and not part of the
    /// duplicate key: two people behind one address are two people.
    pub client: Option<std::net::IpAddr>,
    /// The per-form token the page put in the form (`token`, random per page view). Only a
    /// submission with the same token and identical fields is a resubmission
    /// ([`super::dedup`]); without a token nothing is merged.
    pub token: Option<String>,
}

/// What the submitter gets back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accepted {
    pub receipt: String,
    pub hash: String,
    /// RFC 3339 in the site time zone.
    pub received: String,
    /// True when this was an identical resubmission and the earlier receipt is returned.
    #[serde(skip)]
    pub duplicate: bool,
    /// The entry's place in its chain. When it was accepted the chain had exactly `seq`
    /// entries and its head was `hash`: the receipt carries the count and head at acceptance.
    pub seq: u64,
    /// The chain (`consultation/<id>`, `correction`, `message`).
    #[serde(skip)]
    pub stream: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRecord {
    pub seq: u64,
    pub receipt: String,
    pub received: String,
    pub channel: Channel,
    pub kind: Kind,
    pub page: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRecord {
    pub seq: u64,
    pub receipt: String,
    pub received: String,
    pub channel: Channel,
    pub kind: Kind,
    pub category: String,
    pub subject: String,
    pub message: String,
}

/// Builds the canonical public JSON for a submission.
pub fn canonical_record(
    sub: &Submission,
    seq: u64,
    receipt: &str,
    received: &str,
    salt: &[u8],
) -> Result<String, serde_json::Error> {
    match &sub.content {
        Content::Comment {
            consultation,
            section,
            opinion,
            consent,
        } => serde_json::to_string(&CommentRecord {
            seq,
            receipt: receipt.to_string(),
            received: received.to_string(),
            consultation: consultation.clone(),
            channel: sub.channel,
            kind: Kind::Comment,
            section: section.clone(),
            opinion: consent.then(|| opinion.clone()),
            withheld: !consent,
            opinion_digest: text_digest(salt, opinion),
            consent: *consent,
        }),
        Content::Correction { page, description } => serde_json::to_string(&CorrectionRecord {
            seq,
            receipt: receipt.to_string(),
            received: received.to_string(),
            channel: sub.channel,
            kind: Kind::Correction,
            page: page.clone(),
            description: description.clone(),
        }),
        Content::Message {
            category,
            subject,
            message,
        } => serde_json::to_string(&MessageRecord {
            seq,
            receipt: receipt.to_string(),
            received: received.to_string(),
            channel: sub.channel,
            kind: Kind::Message,
            category: category.clone(),
            subject: subject.clone(),
            message: message.clone(),
        }),
    }
}

/// hex SHA-256(salt ‖ text).
pub fn text_digest(salt: &[u8], text: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(text.as_bytes());
    hex::encode(h.finalize())
}

/// HMAC-SHA-256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        let d = Sha256::digest(key);
        k[..32].copy_from_slice(&d);
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let ih = inner.finalize();
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(ih);
    outer.finalize().into()
}

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Receipt `ZJ20261125-0001-7F3A`: prefix, date (site time zone), daily sequence per prefix,
/// four Crockford base-32 check characters = first 20 bits of HMAC(secret, base).
pub fn make_receipt(secret: &[u8], prefix: &str, day: &str, n: u64) -> String {
    let base = format!("{prefix}{day}-{n:04}");
    let check = receipt_check(secret, &base);
    format!("{base}-{check}")
}

fn receipt_check(secret: &[u8], base: &str) -> String {
    let mac = hmac_sha256(secret, base.as_bytes());
    let bits = (u32::from(mac[0]) << 16) | (u32::from(mac[1]) << 8) | u32::from(mac[2]);
    (0..4)
        .map(|i| char::from(CROCKFORD[((bits >> (19 - 5 * i - 4)) & 31) as usize]))
        .collect()
}

/// Normalises a typed receipt (trim, upper case, O→0, I/L→1) and checks its check
/// characters. Returns None when it cannot be a receipt this database issued.
pub fn check_receipt(secret: &[u8], typed: &str) -> Option<String> {
    let t = typed.trim().to_ascii_uppercase();
    if t.len() > 40 || !t.is_ascii() {
        return None;
    }
    // Crockford: O reads as 0, I and L as 1 — in the check characters only.
    let t = match t.rsplit_once('-') {
        Some((base, check)) => {
            let check: String = check
                .chars()
                .map(|c| match c {
                    'O' => '0',
                    'I' | 'L' => '1',
                    c => c,
                })
                .collect();
            format!("{base}-{check}")
        }
        None => return None,
    };
    let (base, check) = t.rsplit_once('-')?;
    let (prefix_day, seq) = base.split_once('-')?;
    if prefix_day.len() != 10 || !prefix_day[2..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if seq.len() < 4 || !seq.bytes().all(|b| b.is_ascii_digit()) || check.len() != 4 {
        return None;
    }
    if receipt_check(secret, base) == check {
        Some(t)
    } else {
        None
    }
}

/// RFC 3339 with the site's offset, second precision: `2026-11-25T10:03:00+08:00`.
pub fn format_received(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned_datetime(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `20261125` in the site time zone.
pub fn receipt_day(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned_datetime(tz.clone())
        .strftime("%Y%m%d")
        .to_string()
}

/// The site time zone (Asia/Shanghai unless configured).
pub fn default_time_zone() -> TimeZone {
    TimeZone::get("Asia/Shanghai").unwrap_or(TimeZone::fixed(jiff::tz::offset(8)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_check_and_normalise() {
        let secret = b"k";
        let r = make_receipt(secret, "ZJ", "20261125", 1);
        assert!(r.starts_with("ZJ20261125-0001-"));
        assert_eq!(check_receipt(secret, &r.to_lowercase()), Some(r.clone()));
        let mut bad = r.clone();
        bad.pop();
        bad.push(if r.ends_with('X') { 'Y' } else { 'X' });
        assert_eq!(check_receipt(secret, &bad), None);
        assert_eq!(check_receipt(secret, "../../etc"), None);
    }

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
