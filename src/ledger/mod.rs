//! The opinion ledger's chain format, shared by the receiver (`feedback`), which writes
//! chains, and the static build (`participation`, the compliance rules), which reads the
//! exported ledgers: the canonical comment record and its chain hash, the channels and entry
//! kinds, chain heads and the register of heads in the content repository
//! (`content/consultations/heads.jsonl`). A leaf: it imports nothing else of the crate, so
//! the build never depends on the receiver (its database, HTTP server or runtime).

pub mod report;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The hash that precedes the first entry of every chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Kind of entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// 意见 on a consultation.
    Comment,
    /// 我要纠错.
    Correction,
    /// 咨询/建议/投诉.
    Message,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Comment => "comment",
            Kind::Correction => "correction",
            Kind::Message => "message",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "comment" => Some(Kind::Comment),
            "correction" => Some(Kind::Correction),
            "message" => Some(Kind::Message),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::Comment => "征集意见",
            Kind::Correction => "纠错报告",
            Kind::Message => "留言",
        }
    }
    /// Receipt prefix: ZJ 征集, JC 纠错, LY 留言.
    pub fn receipt_prefix(self) -> &'static str {
        match self {
            Kind::Comment => "ZJ",
            Kind::Correction => "JC",
            Kind::Message => "LY",
        }
    }
}

/// How an entry reached the bureau.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Web,
    Letter,
    Email,
    Phone,
    InPerson,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Web,
        Channel::Letter,
        Channel::Email,
        Channel::Phone,
        Channel::InPerson,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "网站",
            Channel::Letter => "信函",
            Channel::Email => "电子邮件",
            Channel::Phone => "电话",
            Channel::InPerson => "现场",
        }
    }
    /// Accepts the Chinese names and ASCII aliases (web, letter, email, phone, in-person).
    pub fn parse(s: &str) -> Option<Channel> {
        match s.trim() {
            "网站" | "web" => Some(Channel::Web),
            "信函" | "letter" | "post" => Some(Channel::Letter),
            "电子邮件" | "邮件" | "email" => Some(Channel::Email),
            "电话" | "phone" => Some(Channel::Phone),
            "现场" | "in-person" | "in_person" => Some(Channel::InPerson),
            _ => None,
        }
    }
}

impl Serialize for Channel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Channel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Channel::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown channel {s}")))
    }
}

/// The canonical public record of a comment: this exact JSON (keys in this order, compact,
/// UTF-8 unescaped) is what is hashed, and a ledger line is it plus `hash` and `prev_hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentRecord {
    pub seq: u64,
    pub receipt: String,
    pub received: String,
    pub consultation: String,
    pub channel: Channel,
    pub kind: Kind,
    pub section: Option<String>,
    /// The opinion text, only with consent; otherwise null and `withheld` = true.
    pub opinion: Option<String>,
    pub withheld: bool,
    /// hex SHA-256(salt ‖ full text); the salt is private, so a withheld text cannot be
    /// guessed from it, but the database can prove the text was not altered.
    pub opinion_digest: String,
    pub consent: bool,
}

/// Chain hash: hex SHA-256(raw 32 bytes of prev_hash ‖ canonical record bytes).
/// A malformed `prev_hash` is hashed as its text, which never matches a valid chain.
pub fn chain_hash(prev_hash: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    match hex::decode(prev_hash) {
        Ok(raw) if raw.len() == 32 => h.update(&raw),
        _ => h.update(prev_hash.as_bytes()),
    }
    h.update(canonical.as_bytes());
    hex::encode(h.finalize())
}

/// The register's file name, in `content/consultations/`.
pub const REGISTER_FILE: &str = "heads.jsonl";

/// `content/consultations/heads.jsonl` (relative to the site root).
pub fn register_rel() -> PathBuf {
    Path::new("content")
        .join("consultations")
        .join(REGISTER_FILE)
}

pub fn register_path(root: &Path) -> PathBuf {
    root.join(register_rel())
}

/// A chain head: `count` entries, the last one's `head` hash (and receipt, when known).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub count: u64,
    pub head: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

impl Head {
    /// The head of a chain of `count` entries whose last entry has `last` = (hash, receipt);
    /// an empty chain's head is the genesis hash. The receiver's stored chain and a published
    /// ledger file both give their heads through this.
    pub fn after(count: usize, last: Option<(&str, &str)>) -> Head {
        match last {
            Some((hash, receipt)) => Head {
                count: count as u64,
                head: hash.to_string(),
                receipt: Some(receipt.to_string()),
            },
            None => Head {
                count: 0,
                head: GENESIS_HASH.to_string(),
                receipt: None,
            },
        }
    }
}

/// One line of the register (`content/consultations/heads.jsonl`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterLine {
    /// When `export` recorded it (RFC 3339, site time zone).
    pub date: String,
    pub consultation: String,
    pub count: u64,
    pub head: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

/// One consultation's chain in the receiver's database, as the build sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReceiverChain {
    /// (receipt, hash) in chain order.
    pub links: Vec<(String, String)>,
}

/// The register's lines with their 1-based line numbers; a missing file is empty.
pub fn read_register(root: &Path) -> Result<Vec<(usize, RegisterLine)>, String> {
    let path = register_path(root);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", register_rel().display())),
    };
    parse_register(&text).map_err(|(line, e)| format!("{}:{line}: {e}", register_rel().display()))
}

pub fn parse_register(text: &str) -> Result<Vec<(usize, RegisterLine)>, (usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let l: RegisterLine = serde_json::from_str(line).map_err(|e| {
            (
                i + 1,
                format!("不是有效的链头登记 (not a register line): {e}"),
            )
        })?;
        out.push((i + 1, l));
    }
    Ok(out)
}

/// The public `consultations/heads.json`: the build's date, per consultation the ledger's head
/// and (when the build was given the database) the receiver's, and the register.
pub fn public_heads_json(
    date: &str,
    ledgers: &BTreeMap<String, Head>,
    receiver: Option<&BTreeMap<String, Head>>,
    register: &[RegisterLine],
) -> String {
    let mut ids: Vec<&String> = ledgers.keys().collect();
    if let Some(r) = receiver {
        ids.extend(r.keys());
    }
    ids.sort();
    ids.dedup();
    let mut consultations = serde_json::Map::new();
    for id in ids {
        let mut o = serde_json::Map::new();
        if let Some(h) = ledgers.get(id) {
            o.insert("ledger".into(), serde_json::to_value(h).unwrap_or_default());
        }
        if let Some(h) = receiver.and_then(|r| r.get(id)) {
            o.insert(
                "receiver".into(),
                serde_json::to_value(h).unwrap_or_default(),
            );
        }
        consultations.insert(id.clone(), serde_json::Value::Object(o));
    }
    let v = serde_json::json!({
        "date": date,
        "consultations": consultations,
        "register": register,
    });
    serde_json::to_string(&v).unwrap_or_default() + "\n"
}

impl ReceiverChain {
    pub fn head(&self) -> Head {
        Head::after(
            self.links.len(),
            self.links.last().map(|(r, h)| (h.as_str(), r.as_str())),
        )
    }
}
