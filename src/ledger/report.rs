//! Data for the participation report (公众参与情况报告): the ledger, dispositions, totals.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use super::{chain_hash, Channel, CommentRecord, Kind, GENESIS_HASH};

/// File names inside `content/consultations/<id>/`.
pub const LEDGER_FILE: &str = "opinions.jsonl";
pub const DISPOSITIONS_FILE: &str = "dispositions.yaml";

/// One line of `opinions.jsonl`: the comment's canonical public record + `hash`, `prev_hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerEntry {
    pub seq: u64,
    pub receipt: String,
    pub received: String,
    pub consultation: String,
    pub channel: Channel,
    pub kind: Kind,
    pub section: Option<String>,
    pub opinion: Option<String>,
    pub withheld: bool,
    pub opinion_digest: String,
    pub consent: bool,
    pub hash: String,
    pub prev_hash: String,
}

impl LedgerEntry {
    pub fn from_record(r: CommentRecord, hash: String, prev_hash: String) -> LedgerEntry {
        LedgerEntry {
            seq: r.seq,
            receipt: r.receipt,
            received: r.received,
            consultation: r.consultation,
            channel: r.channel,
            kind: r.kind,
            section: r.section,
            opinion: r.opinion,
            withheld: r.withheld,
            opinion_digest: r.opinion_digest,
            consent: r.consent,
            hash,
            prev_hash,
        }
    }

    pub fn record(&self) -> CommentRecord {
        CommentRecord {
            seq: self.seq,
            receipt: self.receipt.clone(),
            received: self.received.clone(),
            consultation: self.consultation.clone(),
            channel: self.channel,
            kind: self.kind,
            section: self.section.clone(),
            opinion: self.opinion.clone(),
            withheld: self.withheld,
            opinion_digest: self.opinion_digest.clone(),
            consent: self.consent,
        }
    }

    /// The canonical record JSON (what `hash` covers).
    pub fn canonical(&self) -> String {
        serde_json::to_string(&self.record()).unwrap_or_default()
    }

    /// The ledger line (without the newline).
    pub fn line(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A ledger that cannot be read or whose chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerError {
    pub path: String,
    /// 1-based line; 0 for the whole file.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.path, self.message)
        } else {
            write!(f, "{}:{}: {}", self.path, self.line, self.message)
        }
    }
}

impl std::error::Error for LedgerError {}

/// Why a dispositions file or the git history of a ledger could not be read. `Display` is the
/// one-line message the receiver's commands and the build's diagnostics show.
#[derive(Debug)]
pub enum FileError {
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not in the expected format: the message says how to write it.
    Invalid(String),
    /// git could not be run.
    Git(String),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            FileError::Invalid(m) => write!(f, "{m}"),
            FileError::Git(m) => write!(f, "server: {m}"),
        }
    }
}

impl std::error::Error for FileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FileError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Reads `opinions.jsonl` and verifies the chain inside it: seq 1, 2, 3…, each `prev_hash`
/// is the previous line's `hash` (the first is 64 zeros), each `hash` is
/// SHA-256(prev_hash ‖ canonical record), one consultation, opinion present iff consent.
pub fn load_ledger(path: &Path) -> Result<Vec<LedgerEntry>, LedgerError> {
    let p = path.display().to_string();
    let err = |line: usize, message: String| LedgerError {
        path: p.clone(),
        line,
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| err(0, format!("无法读取意见台账 (cannot read ledger): {e}")))?;
    let mut out: Vec<LedgerEntry> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let n = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let e: LedgerEntry = serde_json::from_str(line)
            .map_err(|e| err(n, format!("不是有效的台账记录 (not a ledger entry): {e}")))?;
        let expected_seq = out.len() as u64 + 1;
        if e.seq != expected_seq {
            return Err(err(n, format!(
                "序号应为 {expected_seq}，实为 {}：台账记录被删除或调换 (seq {} expected {expected_seq}: an entry was removed or reordered)",
                e.seq, e.seq
            )));
        }
        let prev = out.last().map(|p| p.hash.as_str()).unwrap_or(GENESIS_HASH);
        if e.prev_hash != prev {
            return Err(err(n, "prev_hash 与上一条的 hash 不一致：台账被改写 (chain broken: prev_hash does not match the previous hash)".into()));
        }
        if chain_hash(&e.prev_hash, &e.canonical()) != e.hash {
            return Err(err(
                n,
                format!(
                    "回执 {} 的内容与其 hash 不符：记录被修改 (entry altered: hash mismatch)",
                    e.receipt
                ),
            ));
        }
        if e.kind != Kind::Comment || e.withheld == e.consent || e.opinion.is_some() != e.consent {
            return Err(err(
                n,
                "记录字段不一致 (kind/consent/opinion inconsistent)".into(),
            ));
        }
        if let Some(first) = out.first() {
            if first.consultation != e.consultation {
                return Err(err(
                    n,
                    format!(
                        "记录属于另一个征集事项 {} (entry of another consultation)",
                        e.consultation
                    ),
                ));
            }
        }
        out.push(e);
    }
    Ok(out)
}

/// 处理结果.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Disposition {
    #[serde(rename = "采纳")]
    Adopted,
    #[serde(rename = "部分采纳")]
    PartlyAdopted,
    #[serde(rename = "未采纳")]
    NotAdopted,
    #[serde(rename = "重复")]
    Duplicate,
    #[serde(rename = "与主题无关")]
    Irrelevant,
}

impl Disposition {
    pub const ALL: [Disposition; 5] = [
        Disposition::Adopted,
        Disposition::PartlyAdopted,
        Disposition::NotAdopted,
        Disposition::Duplicate,
        Disposition::Irrelevant,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Adopted => "采纳",
            Disposition::PartlyAdopted => "部分采纳",
            Disposition::NotAdopted => "未采纳",
            Disposition::Duplicate => "重复",
            Disposition::Irrelevant => "与主题无关",
        }
    }
}

/// One entry of `dispositions.yaml`: `<receipt>: {disposition: 未采纳, reason: …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispositionEntry {
    pub disposition: Disposition,
    #[serde(default)]
    pub reason: Option<String>,
}

/// Reads `dispositions.yaml`. A missing file is an empty mapping (every receipt will then
/// be reported as lacking a disposition).
pub fn load_dispositions(path: &Path) -> Result<BTreeMap<String, DispositionEntry>, FileError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(source) => {
            return Err(FileError::Io {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    if text.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    serde_saphyr::from_str::<BTreeMap<String, DispositionEntry>>(&text).map_err(|e| {
        FileError::Invalid(format!(
            "{}: {e}\n（格式：每个回执编号一项，例如\n  ZJ20261125-0001-7F3A:\n    disposition: 未采纳\n    reason: 理由……\n  disposition 只能是 采纳、部分采纳、未采纳、重复、与主题无关）",
            path.display()
        ))
    })
}

/// Why the report cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReportProblem {
    /// A ledger receipt without an entry in dispositions.yaml.
    MissingDisposition { receipt: String },
    /// dispositions.yaml names a receipt that is not in the ledger.
    UnknownReceipt { receipt: String },
    /// Every disposition other than 采纳 needs a reason.
    MissingReason { receipt: String },
}

impl fmt::Display for ReportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportProblem::MissingDisposition { receipt } => write!(
                f,
                "回执 {receipt} 还没有处理结果：请在 dispositions.yaml 中为它填写 disposition 和 reason"
            ),
            ReportProblem::UnknownReceipt { receipt } => write!(
                f,
                "dispositions.yaml 中的回执 {receipt} 不在意见台账 opinions.jsonl 中：请核对编号"
            ),
            ReportProblem::MissingReason { receipt } => write!(
                f,
                "回执 {receipt} 的处理结果缺少理由：除“采纳”外都要填写 reason"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountRow {
    pub label: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportOpinion {
    pub seq: u64,
    pub receipt: String,
    pub received: String,
    pub channel: String,
    pub section: Option<String>,
    /// None when the commenter did not consent to publication (show 「未同意公开」).
    pub opinion: Option<String>,
    pub withheld: bool,
    pub disposition: String,
    pub reason: Option<String>,
    pub hash: String,
}

/// Everything the report page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportData {
    pub consultation: Option<String>,
    pub total: usize,
    /// All five channels in a fixed order, zeros included.
    pub by_channel: Vec<CountRow>,
    /// All five dispositions in a fixed order, zeros included.
    pub by_disposition: Vec<CountRow>,
    pub opinions: Vec<ReportOpinion>,
    /// The ledger's last hash (64 zeros for an empty ledger).
    pub head_hash: String,
}

pub fn build_report(
    entries: &[LedgerEntry],
    dispositions: &BTreeMap<String, DispositionEntry>,
) -> Result<ReportData, Vec<ReportProblem>> {
    let mut problems = Vec::new();
    let mut opinions = Vec::new();
    for e in entries {
        match dispositions.get(&e.receipt) {
            None => problems.push(ReportProblem::MissingDisposition {
                receipt: e.receipt.clone(),
            }),
            Some(d) => {
                let reason = d
                    .reason
                    .as_ref()
                    .map(|r| r.trim().to_string())
                    .filter(|r| !r.is_empty());
                if reason.is_none() && d.disposition != Disposition::Adopted {
                    problems.push(ReportProblem::MissingReason {
                        receipt: e.receipt.clone(),
                    });
                }
                opinions.push(ReportOpinion {
                    seq: e.seq,
                    receipt: e.receipt.clone(),
                    received: e.received.clone(),
                    channel: e.channel.as_str().to_string(),
                    section: e.section.clone(),
                    opinion: e.opinion.clone(),
                    withheld: e.withheld,
                    disposition: d.disposition.as_str().to_string(),
                    reason,
                    hash: e.hash.clone(),
                });
            }
        }
    }
    for receipt in dispositions.keys() {
        if !entries.iter().any(|e| &e.receipt == receipt) {
            problems.push(ReportProblem::UnknownReceipt {
                receipt: receipt.clone(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let by_channel = Channel::ALL
        .iter()
        .map(|c| CountRow {
            label: c.as_str().to_string(),
            count: entries.iter().filter(|e| e.channel == *c).count(),
        })
        .collect();
    let by_disposition = Disposition::ALL
        .iter()
        .map(|d| CountRow {
            label: d.as_str().to_string(),
            count: opinions
                .iter()
                .filter(|o| o.disposition == d.as_str())
                .count(),
        })
        .collect();
    Ok(ReportData {
        consultation: entries.first().map(|e| e.consultation.clone()),
        total: entries.len(),
        by_channel,
        by_disposition,
        opinions,
        head_hash: entries
            .last()
            .map(|e| e.hash.clone())
            .unwrap_or_else(|| GENESIS_HASH.to_string()),
    })
}

/// True when the committed version of `rel_path` (HEAD) is a prefix of the working file,
/// i.e. lines were only appended. Not a git repository, no commit yet, or a file not in
/// HEAD → true. A working file that was deleted but is committed → false.
pub fn ledger_is_append_only(root: &Path, rel_path: &Path) -> Result<bool, FileError> {
    let inside = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "--is-inside-work-tree"])
        .output();
    match inside {
        Ok(o) if o.status.success() => {}
        _ => return Ok(true),
    }
    let rel = rel_path.to_string_lossy().replace('\\', "/");
    let committed = Command::new("git")
        .arg("-C")
        .arg(root)
        .arg("show")
        .arg(format!("HEAD:./{rel}"))
        .output()
        .map_err(|e| FileError::Git(format!("git: {e}")))?;
    if !committed.status.success() {
        return Ok(true);
    }
    let full = root.join(rel_path);
    let working = match std::fs::read(&full) {
        Ok(w) => w,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(committed.stdout.is_empty())
        }
        Err(source) => return Err(FileError::Io { path: full, source }),
    };
    Ok(working.starts_with(&committed.stdout))
}

/// JSON for the static "check my receipt" helper:
/// `{"consultation": id, "count": n, "head": hash, "receipts": {receipt: hash}}`.
pub fn ledger_public_json(entries: &[LedgerEntry]) -> String {
    let receipts: BTreeMap<&str, &str> = entries
        .iter()
        .map(|e| (e.receipt.as_str(), e.hash.as_str()))
        .collect();
    serde_json::json!({
        "consultation": entries.first().map(|e| e.consultation.as_str()),
        "count": entries.len(),
        "head": entries.last().map(|e| e.hash.as_str()).unwrap_or(GENESIS_HASH),
        "receipts": receipts,
    })
    .to_string()
}
