//! 公众参与情况报告: each consultation's opinion ledger (`opinions.jsonl`, exported by
//! `gongshi feedback export`) and the staff's dispositions (`dispositions.yaml`) become the
//! participation report. The build fails when a concluded consultation has an opinion without
//! a disposition, or when the ledger is not an append-only extension of what git holds.

use crate::content::{Data, Record, Site};
use crate::diag::{Code, Diagnostic};
use crate::ledger::report::{
    self, DispositionEntry, LedgerEntry, ReportData, DISPOSITIONS_FILE, LEDGER_FILE,
};
use crate::ledger::{self, Head, ReceiverChain, RegisterLine};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// One consultation's report data and its public ledger (receipt → hash) for the receipt check.
#[derive(Debug, Clone)]
pub struct Participation {
    pub report: ReportData,
    pub public_json: String,
}

/// One consultation's ledger as found in the content, also when its report cannot be built.
#[derive(Debug, Clone)]
pub struct Ledger {
    /// The consultation's id.
    pub id: String,
    /// `…/opinions.jsonl`, site-relative.
    pub rel: PathBuf,
    /// The file exists.
    pub present: bool,
    /// Its entries (empty when absent or unreadable).
    pub entries: Vec<LedgerEntry>,
    /// The file exists but its chain does not verify (reported as `participation.ledger`).
    pub broken: bool,
    /// `dispositions.yaml` (empty when absent or unreadable).
    pub dispositions: BTreeMap<String, DispositionEntry>,
}

impl Ledger {
    pub fn head(&self) -> Head {
        Head::after(
            self.entries.len(),
            self.entries
                .last()
                .map(|e| (e.hash.as_str(), e.receipt.as_str())),
        )
    }
}

/// Everything the completeness rules and `consultations/heads.json` need: every consultation's
/// ledger, the register of heads in the content repository and, when the build was given the
/// receiver's database, the receiver's chains.
#[derive(Debug, Clone)]
pub struct Anchors {
    /// By consultation key.
    pub ledgers: BTreeMap<String, Ledger>,
    /// `content/consultations/heads.jsonl` (line number, line); Err when unreadable.
    pub register: Result<Vec<(usize, RegisterLine)>, String>,
    /// The receiver's chains by consultation id (`--feedback-db`); None when not given.
    pub receiver: Option<Result<BTreeMap<String, ReceiverChain>, String>>,
}

impl Default for Anchors {
    fn default() -> Self {
        Anchors {
            ledgers: BTreeMap::new(),
            register: Ok(Vec::new()),
            receiver: None,
        }
    }
}

impl Anchors {
    /// The public `consultations/heads.json` for a build on `date`.
    pub fn public_json(&self, date: &str) -> String {
        let ledgers: BTreeMap<String, Head> = self
            .ledgers
            .values()
            .filter(|l| l.present && !l.broken)
            .map(|l| (l.id.clone(), l.head()))
            .collect();
        let receiver: Option<BTreeMap<String, Head>> = match &self.receiver {
            Some(Ok(r)) => Some(r.iter().map(|(id, c)| (id.clone(), c.head())).collect()),
            _ => None,
        };
        let register: Vec<RegisterLine> = self
            .register
            .as_ref()
            .map(|l| l.iter().map(|(_, l)| l.clone()).collect())
            .unwrap_or_default();
        ledger::public_heads_json(date, &ledgers, receiver.as_ref(), &register)
    }
}

/// The folder a consultation's ledger lives in (the bundle folder, or `<id>/` beside the file).
pub(crate) fn ledger_dir(r: &Record) -> PathBuf {
    let is_bundle = r.source.file_stem().and_then(|s| s.to_str()) == Some("index");
    if is_bundle {
        r.dir.clone()
    } else {
        r.dir.join(&r.id)
    }
}

/// Read every consultation's ledger and dispositions, and the register of heads.
pub(crate) fn collect(site: &Site) -> (BTreeMap<String, Participation>, Anchors, Vec<Diagnostic>) {
    let mut out = BTreeMap::new();
    let mut anchors = Anchors {
        register: ledger::read_register(&site.root),
        ..Anchors::default()
    };
    let mut diags = Vec::new();
    for r in site.records.iter() {
        let Data::Consultation(c) = &r.data else {
            continue;
        };
        let dir = ledger_dir(r);
        let ledger_rel = dir.join(LEDGER_FILE);
        let ledger = site.root.join(&ledger_rel);
        let disp_rel = dir.join(DISPOSITIONS_FILE);
        let mut found = Ledger {
            id: r.id.clone(),
            rel: ledger_rel.clone(),
            present: ledger.is_file(),
            entries: Vec::new(),
            broken: false,
            dispositions: report::load_dispositions(&site.root.join(&disp_rel)).unwrap_or_default(),
        };
        if !found.present {
            anchors.ledgers.insert(r.key(), found);
            continue;
        }
        let entries = match report::load_ledger(&ledger) {
            Ok(e) => e,
            Err(e) => {
                found.broken = true;
                anchors.ledgers.insert(r.key(), found);
                diags.push(
                    Diagnostic::error(
                        Code::ParticipationLedger,
                        &ledger_rel,
                        // The error names the absolute path; staff see the site-relative one.
                        format!("意见台账无法读取：{}", e.to_string().replace(&format!("{}/", site.root.display()), "")),
                    )
                        .hint("意见台账只能由 `gongshi feedback export` 追加，不能手工修改；请用 git 恢复被改动的行。"),
                );
                continue;
            }
        };
        found.entries = entries.clone();
        anchors.ledgers.insert(r.key(), found);
        match report::ledger_is_append_only(&site.root, &ledger_rel) {
            Ok(true) => {}
            Ok(false) => diags.push(
                Diagnostic::error(Code::ParticipationLedgerRewritten, &ledger_rel, "意见台账被改写：已提交的内容不是当前文件的开头部分")
                    .hint("台账只能在末尾追加。请用 `git checkout -- 文件` 恢复后，再用 `gongshi feedback export` 追加新意见。"),
            ),
            Err(e) => diags.push(Diagnostic::warning(Code::ParticipationGit, &ledger_rel, format!("无法用 git 核对意见台账：{e}"))),
        }
        let dispositions = match report::load_dispositions(&site.root.join(&disp_rel)) {
            Ok(d) => d,
            Err(e) => {
                diags.push(
                    Diagnostic::error(Code::ParticipationDispositions, &disp_rel, format!("意见处理情况文件有误：{e}"))
                        .hint("每个回执编号下写 disposition（采纳/部分采纳/未采纳/重复/与主题无关）和 reason。"),
                );
                continue;
            }
        };
        match report::build_report(&entries, &dispositions) {
            Ok(data) => {
                out.insert(
                    r.key(),
                    Participation {
                        report: data,
                        public_json: report::ledger_public_json(&entries),
                    },
                );
            }
            Err(problems) => {
                // Before the outcome is published, dispositions may still be in progress.
                if c.outcome.is_some() {
                    for p in problems {
                        diags.push(
                            Diagnostic::error(Code::ParticipationDisposition, &disp_rel, p.to_string())
                                .hint("征集结果公布前，每条意见都必须有处理结果，公众参与情况报告才能生成。"),
                        );
                    }
                }
            }
        }
    }
    (out, anchors, diags)
}
