//! 意见不能消失 — the completeness of each consultation's opinion ledger (docs/feedback.md,
//! "Anchors and threat model"):
//!
//! * every head recorded in the register (`content/consultations/heads.jsonl`, appended by
//!   `feedback export`) must still be in the ledger: a ledger shorter than a recorded head, or
//!   whose entry at that count has another hash, was truncated or rewritten — also when git
//!   history was rewritten with it (`participation.anchor`); a register line of a
//!   consultation that is no longer on the site is an error too;
//! * a consultation whose outcome is published and which took comments on the web carries a
//!   ledger, or states `outcome.opinions.total: 0` — checked against the register and the
//!   receiver (`participation.no-ledger`);
//! * with the receiver's database (`--feedback-db`): each ledger is a prefix of the receiver's
//!   chain (`participation.receiver-differs`), a concluded consultation's ledger reaches the
//!   receiver's final head (`participation.unexported`), and the receiver knows no
//!   consultation the site does not (`participation.receiver-unknown`);
//! * the figures staff state in `outcome.opinions` equal the ledger's (`participation.figures`).
//!
//! The git side (a ledger, dispositions file or the register deleted or rewritten in a
//! commit) is in [`super::git_history`].

use super::Input;
use crate::content::kinds::consultation::Consultation;
use crate::content::{Data, Record};
use crate::diag::{Code, Diagnostic};
use crate::ledger::report::Disposition;
use crate::ledger::{self, RegisterLine};
use crate::participation::Ledger;
use std::collections::BTreeMap;
use std::path::Path;

fn short(h: &str) -> &str {
    h.get(..12).unwrap_or(h)
}

/// "提交 1a2b3c4d（导出意见）" for the last commit that touched `path`, when there is one.
fn last_commit(input: &Input, path: &Path) -> Option<String> {
    let e = input.facts.history.get(path)?.first()?;
    if e.commit.id.is_empty() {
        return None;
    }
    let short: String = e.commit.id.chars().take(8).collect();
    Some(format!("提交 {short}（{}）", e.commit.subject))
}

pub(crate) fn check(input: &Input, diags: &mut Vec<Diagnostic>) {
    let site = input.site;
    let anchors = &input.facts.anchors;
    let consultations: BTreeMap<&str, (&Record, &Consultation)> = site
        .records
        .iter()
        .filter_map(|r| match &r.data {
            Data::Consultation(c) => Some((r.id.as_str(), (r.as_ref(), &**c))),
            _ => None,
        })
        .collect();
    let register: &[(usize, RegisterLine)] = match &anchors.register {
        Ok(lines) => lines,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    Code::ParticipationRegister,
                    ledger::register_rel(),
                    e.clone(),
                )
                .hint("链头登记簿由 gongshi feedback export 追加，不能手工修改；请用 git 恢复。"),
            );
            &[]
        }
    };
    if !register.is_empty() || ledger::register_path(&site.root).is_file() {
        if let Ok(false) =
            crate::ledger::report::ledger_is_append_only(&site.root, &ledger::register_rel())
        {
            diags.push(
                Diagnostic::error(Code::ParticipationRegister, ledger::register_rel(), "链头登记簿被改写：已提交的内容不是当前文件的开头部分")
                    .hint("链头登记簿只能由 gongshi feedback export 在末尾追加。请用 git checkout -- content/consultations/heads.jsonl 恢复。"),
            );
        }
    }
    let receiver = match &anchors.receiver {
        Some(Ok(r)) => Some(r),
        Some(Err(e)) => {
            diags.push(
                Diagnostic::error(
                    Code::ParticipationReceiver,
                    "content/consultations",
                    e.clone(),
                )
                .hint("--feedback-db 应为意见接收程序的数据库文件（生成时只读打开）。"),
            );
            None
        }
        None => None,
    };

    // The register: each recorded head must still be in the ledger.
    let mut by_id: BTreeMap<&str, Vec<&(usize, RegisterLine)>> = BTreeMap::new();
    for line in register {
        by_id
            .entry(line.1.consultation.as_str())
            .or_default()
            .push(line);
    }
    for (id, lines) in &by_id {
        let Some((r, _)) = consultations.get(id) else {
            if let Some((n, l)) = lines.last() {
                diags.push(
                    Diagnostic::error(
                        Code::ParticipationAnchor,
                        ledger::register_rel(),
                        format!(
                            "链头登记簿记录了征集事项 {id} 的 {} 条意见，但网站中已没有这个征集事项",
                            l.count
                        ),
                    )
                    .at(*n, 1)
                    .hint("征集事项及其意见台账不能删除。请用 git 恢复 content/consultations/ 下被删除的文件。"),
                );
            }
            continue;
        };
        let Some(ledger) = anchors.ledgers.get(&r.key()) else {
            continue;
        };
        if ledger.broken {
            continue; // participation.ledger says why
        }
        register_rule(input, ledger, lines, diags);
    }

    for (id, (r, c)) in &consultations {
        let Some(ledger) = anchors.ledgers.get(&r.key()) else {
            continue;
        };
        let chain = receiver.and_then(|rc| rc.get(*id));
        if let Some(chain) = chain {
            receiver_rule(r, c, ledger, chain, diags);
        }
        let Some(outcome) = &c.outcome else {
            continue;
        };
        let recorded = by_id
            .get(id)
            .and_then(|l| l.iter().map(|(_, l)| l.count).max())
            .unwrap_or(0);
        let received = chain.map(|c| c.links.len() as u64);
        if !ledger.present && c.form_offered() {
            let stated_none = outcome.opinions.as_ref().is_some_and(|o| o.total == 0);
            let contradicted = recorded.max(received.unwrap_or(0));
            if !stated_none {
                diags.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::ParticipationNoLedger,
                            &r.source,
                            "征集结果已公布，本征集开放过网上意见表单，但没有意见台账（opinions.jsonl）：无法证明所有意见都已列入公众参与情况报告",
                        ),
                        "outcome",
                    )
                    .expected(format!("{} 由 gongshi feedback export 导出的意见台账", ledger.rel.display()))
                    .found("没有意见台账")
                    .hint("在接收程序所在的服务器上运行 gongshi feedback export --all 并提交台账；确实没有收到任何意见时，在 outcome 下写 opinions: {total: 0}；征集期间网站没有开放意见表单时，把 channels.form 改为 false。"),
                );
            } else if contradicted > 0 {
                diags.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::ParticipationNoLedger,
                            &r.source,
                            format!(
                                "征集结果声明没有收到意见（opinions.total: 0），但{}记录了 {contradicted} 条意见",
                                if received.unwrap_or(0) > 0 { "意见接收程序" } else { "链头登记簿" }
                            ),
                        ),
                        "outcome.opinions.total",
                    )
                    .hint("请导出意见台账（gongshi feedback export --all），为每条意见填写处理结果，并改正意见数。"),
                );
            }
        }
        if let Some(stated) = &outcome.opinions {
            if ledger.present && !ledger.broken {
                figures_rule(r, ledger, stated, diags);
            }
        }
    }

    // The receiver knows consultations the site does not.
    if let Some(rc) = receiver {
        for (id, chain) in rc {
            if !consultations.contains_key(id.as_str()) && !chain.links.is_empty() {
                diags.push(
                    Diagnostic::error(
                        Code::ParticipationReceiverUnknown,
                        "content/consultations",
                        format!(
                            "意见接收程序收到过征集事项 {id} 的 {} 条意见，但网站中没有这个征集事项",
                            chain.links.len()
                        ),
                    )
                    .hint("征集事项不能删除。请用 git 恢复被删除的记录，并导出它的意见台账。"),
                );
            }
        }
    }
}

/// The ledger against the register's lines for its consultation: the longest recorded head
/// it does not reach, and the first whose hash it contradicts.
fn register_rule(
    input: &Input,
    ledger: &Ledger,
    lines: &[&(usize, RegisterLine)],
    diags: &mut Vec<Diagnostic>,
) {
    let have = ledger.entries.len() as u64;
    let where_ = last_commit(input, &ledger.rel)
        .map(|c| format!("台账最后一次提交为{c}"))
        .unwrap_or_else(|| "台账尚未提交".to_string());
    if let Some((n, l)) = lines
        .iter()
        .map(|x| (&x.0, &x.1))
        .filter(|(_, l)| l.count > have)
        .max_by_key(|(_, l)| l.count)
    {
        let named = l
            .receipt
            .as_deref()
            .map(|r| format!("（第 {} 条为回执 {r}）", l.count))
            .unwrap_or_default();
        let what = if ledger.present {
            format!("意见台账只有 {have} 条")
        } else {
            "意见台账已不存在".to_string()
        };
        diags.push(
            Diagnostic::error(
                Code::ParticipationAnchor,
                &ledger.rel,
                format!(
                    "{what}，但链头登记簿第 {n} 行（{}）记录过 {} 条{named}：第 {} 条意见从台账中消失；{where_}",
                    l.date,
                    l.count,
                    if have + 1 == l.count {
                        l.count.to_string()
                    } else {
                        format!("{}–{}", have + 1, l.count)
                    }
                ),
            )
            .expected(format!("至少 {} 条，第 {} 条的校验码为 {}…", l.count, l.count, short(&l.head)))
            .found(format!("{have} 条"))
            .hint("意见台账只能追加，不能删减，git 历史也不能改写。请从接收程序重新导出（gongshi feedback export --all），或用 git 恢复完整的台账。"),
        );
    }
    if let Some((n, l)) = lines
        .iter()
        .map(|x| (&x.0, &x.1))
        .filter(|(_, l)| l.count > 0 && l.count <= have)
        .filter(|(_, l)| {
            ledger
                .entries
                .get(l.count as usize - 1)
                .is_some_and(|e| e.hash != l.head)
        })
        .min_by_key(|(_, l)| l.count)
    {
        let e = &ledger.entries[l.count as usize - 1];
        diags.push(
            Diagnostic::error(
                Code::ParticipationAnchor,
                &ledger.rel,
                format!(
                    "台账第 {} 条（回执 {}）的校验码为 {}…，而链头登记簿第 {n} 行（{}）记录的是 {}…：该条或其之前的意见被改写；{where_}",
                    l.count,
                    e.receipt,
                    short(&e.hash),
                    l.date,
                    short(&l.head)
                ),
            )
            .at(l.count as usize, 1)
            .hint("意见台账只能由 gongshi feedback export 追加。请用 git 恢复原来的台账。"),
        );
    }
}

/// The ledger against the receiver's chain for the same consultation.
fn receiver_rule(
    r: &Record,
    c: &Consultation,
    ledger: &Ledger,
    chain: &ledger::ReceiverChain,
    diags: &mut Vec<Diagnostic>,
) {
    if ledger.broken {
        return;
    }
    for (i, e) in ledger.entries.iter().enumerate() {
        let differs = match chain.links.get(i) {
            None => Some("接收程序的数据库中没有这一条".to_string()),
            Some((receipt, hash)) if *receipt != e.receipt || *hash != e.hash => Some(format!(
                "接收程序数据库中的第 {} 条为回执 {receipt}，校验码 {}…",
                i + 1,
                short(hash)
            )),
            Some(_) => None,
        };
        if let Some(d) = differs {
            diags.push(
                Diagnostic::error(
                    Code::ParticipationReceiverDiffers,
                    &ledger.rel,
                    format!(
                        "意见台账第 {} 条（回执 {}）与意见接收程序不一致：{d}",
                        i + 1,
                        e.receipt
                    ),
                )
                .at(i + 1, 1)
                .hint("台账必须是接收程序哈希链的开头部分。请运行 gongshi feedback verify 查明是台账还是数据库被改动。"),
            );
            return;
        }
    }
    let have = ledger.entries.len();
    if c.outcome.is_some() && chain.links.len() > have {
        let missing: Vec<&str> = chain.links[have..]
            .iter()
            .map(|(r, _)| r.as_str())
            .collect();
        let shown = if missing.len() > 5 {
            format!("{} …", missing[..5].join("、"))
        } else {
            missing.join("、")
        };
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::ParticipationUnexported,
                    &r.source,
                    format!(
                        "征集结果已公布，但意见接收程序还有 {} 条意见没有导出到意见台账（第 {}–{} 条：{shown}），公众参与情况报告不完整",
                        missing.len(),
                        have + 1,
                        chain.links.len()
                    ),
                ),
                "outcome",
            )
            .expected(format!("意见台账有 {} 条，末条校验码与接收程序一致", chain.links.len()))
            .found(format!("意见台账 {have} 条"))
            .hint("运行 gongshi feedback export --all 导出这些意见，在 dispositions.yaml 中填写处理结果，并改正意见数后再公布。"),
        );
    }
}

/// The staff's figures against the ledger and its dispositions.
fn figures_rule(
    r: &Record,
    ledger: &Ledger,
    stated: &crate::content::kinds::consultation::OpinionCounts,
    diags: &mut Vec<Diagnostic>,
) {
    let count_channel = |zh: &str| {
        ledger
            .entries
            .iter()
            .filter(|e| e.channel.as_str() == zh)
            .count() as u32
    };
    let count_disposition = |d: Disposition| {
        ledger
            .entries
            .iter()
            .filter(|e| {
                ledger
                    .dispositions
                    .get(&e.receipt)
                    .is_some_and(|x| x.disposition == d)
            })
            .count() as u32
    };
    for (field, zh, n) in stated.stated() {
        let actual = match field {
            "total" => ledger.entries.len() as u32,
            "web" => count_channel("网站"),
            "email" | "letter" | "phone" | "in_person" => count_channel(zh),
            "adopted" => count_disposition(Disposition::Adopted),
            "partly_adopted" => count_disposition(Disposition::PartlyAdopted),
            "not_adopted" => count_disposition(Disposition::NotAdopted),
            "duplicate" => count_disposition(Disposition::Duplicate),
            "irrelevant" => count_disposition(Disposition::Irrelevant),
            _ => continue,
        };
        if actual != n {
            let source = if matches!(
                field,
                "total" | "web" | "email" | "letter" | "phone" | "in_person"
            ) {
                "意见台账"
            } else {
                "意见台账的处理结果（dispositions.yaml）"
            };
            diags.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::ParticipationFigures,
                        &r.source,
                        format!("征集结果写的“{zh}”为 {n} 条，{source}为 {actual} 条：公布的数字必须一致"),
                    ),
                    &format!("outcome.opinions.{field}"),
                )
                .expected(format!("{field}: {actual}"))
                .found(format!("{field}: {n}"))
                .hint("公众参与情况报告按意见台账逐条生成。请改正 outcome.opinions 中的数字（以及 report 正文中的数字）；如果台账缺少意见，先导出（gongshi feedback export --all）。"),
            );
        }
    }
}
