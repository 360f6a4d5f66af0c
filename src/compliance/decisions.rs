//! 重大行政决策 — the rules of a major decision that need other records or the clock
//! (重大行政决策程序暂行条例, 国务院令第713号): the decision follows an item of its year's
//! catalogue; an item that calls for a risk assessment is not decided without one; a
//! consultation that is part of the decision has concluded with a published report before
//! the decision; and the current year's catalogue is published by 31 March. An evaluation
//! due soon or past its due date is the kind's clock hook (listed in 「即将到期」/「逾期」). The rules of one record alone are the kind's own
//! (`content::kinds::decision`).
//!
//! Codes: `decision.unknown-item`, `decision.no-risk-assessment`,
//! `decision.consultation-open` (errors); `decision.catalogue-missing` (warning); the kind's
//! `decision.evaluation-overdue` (warning).

use super::{date_zh, Input, Item, Section, Summary};
use crate::content::kinds::decision::{catalogue_of, Decision};
use crate::content::view::KindFacts;
use crate::content::{Data, Kind, Record};
use crate::diag::{Code, Diagnostic};

/// Run the decision rules.
pub(crate) fn check(input: &Input, diags: &mut Vec<Diagnostic>, summary: &mut Summary) {
    for r in &input.site.records {
        if let Data::Decision(d) = &r.data {
            catalogue_item(input, r, d, diags);
            consultations(input, r, d, diags);
        }
    }
    catalogue_missing(input, diags, summary);
}

/// The item the decision follows, and the risk assessment its catalogue calls for.
fn catalogue_item(input: &Input, r: &Record, d: &Decision, diags: &mut Vec<Diagnostic>) {
    let Some((_, cat)) = catalogue_of(input.site, d.year) else {
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::DecisionUnknownItem,
                    &r.source,
                    format!("没有{}年度的重大行政决策事项目录", d.year),
                ),
                "year",
            )
            .expected(format!("content/decision-catalogues/ 中 year: {} 的目录", d.year))
            .found("没有")
            .hint("请先用 `gongshi new decision_catalogue` 发布该年度的决策事项目录，或核对 year（目录年度）。"),
        );
        return;
    };
    let Some(item) = cat.item(&d.item) else {
        let nos: Vec<&str> = cat.items.iter().map(|i| i.no.as_str()).collect();
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::DecisionUnknownItem,
                    &r.source,
                    format!("{}年度决策事项目录中没有序号为“{}”的事项", d.year, d.item),
                ),
                "item",
            )
            .expected(format!("目录中的序号：{}", nos.join("、")))
            .found(d.item.clone())
            .hint("重大行政决策应当列入年度决策事项目录；请核对 item（目录序号），或先把事项补入目录。"),
        );
        return;
    };
    if item.risk == Some(true) && d.risk.is_none() {
        if let Some((date, field)) = d.decided() {
            let stage = field.split('.').next().unwrap_or(field);
            diags.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::DecisionNoRiskAssessment,
                        &r.source,
                        "未经风险评估，不得作出决策",
                    ),
                    stage,
                )
                .expected(format!(
                    "{}前完成的 risk（风险评估：date、conclusion）；{}年度目录第{}项写明需要风险评估",
                    date_zh(date),
                    d.year,
                    item.no
                ))
                .found("没有 risk")
                .hint("请补上风险评估的日期和结论（可附评估报告）；尚未评估的，先删去 discussion 和 publication。"),
            );
        }
    }
}

/// Each consultation of the decision concluded before the decision was made: its window
/// closed before the decision date and its outcome, with the participation report, was
/// published on or before it (issue #21: the report feeds the decision, so it must exist when
/// the decision is taken). The decision date is `discussion.date`, else `publication.date`.
fn consultations(input: &Input, r: &Record, d: &Decision, diags: &mut Vec<Diagnostic>) {
    let (Some(p), Some((decided, field))) = (&d.participation, d.decided()) else {
        return;
    };
    for (i, id) in p.consultations.iter().enumerate() {
        let key = format!("consultations/{id}");
        let Some(c) = input.site.get(&key) else {
            continue; // a dangling reference, reported by validation
        };
        let Data::Consultation(cons) = &c.data else {
            continue;
        };
        let has_report = cons
            .outcome
            .as_ref()
            .is_some_and(|o| o.report.as_ref().is_some_and(|t| !t.trim().is_empty()))
            || input.facts.has_report(&key);
        let closed = input.facts.window(&key).map(|(w, _)| w.close_date);
        let problem = match (&cons.outcome, closed) {
            (_, Some(close)) if close >= decided => Some((
                "在决定作出时还没有结束".to_string(),
                format!("{}结束征集", date_zh(close)),
            )),
            (None, _) => Some(("还没有公布征集结果".to_string(), "没有 outcome".to_string())),
            (Some(o), _) if o.published > decided => Some((
                "征集结果晚于决定作出".to_string(),
                format!("结果于{}公布", date_zh(o.published)),
            )),
            (Some(_), _) if !has_report => Some((
                "没有公众参与情况报告".to_string(),
                "outcome 中没有 report".to_string(),
            )),
            _ => None,
        };
        if let Some((what, found)) = problem {
            diags.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::DecisionConsultationOpen,
                        &r.source,
                        format!("作为决策依据的意见征集“{}”{what}", c.common.title),
                    ),
                    &format!("participation.consultations[{}]", i + 1),
                )
                .expected(format!(
                    "{}（决定日期，{field}）前结束征集，最迟于当日公布征集结果和公众参与情况报告",
                    date_zh(decided)
                ))
                .found(found)
                .hint(format!(
                    "请在 {} 的 outcome 中填写 published、decision 和 report；日期有误的，请核对 discussion.date 和 publication.date。",
                    c.source.display()
                )),
            );
        }
    }
}

/// The current year's catalogue, due by 31 March, on a site that publishes major decisions
/// (it has a catalogue or a decision record): never reported before 1 April.
fn catalogue_missing(input: &Input, diags: &mut Vec<Diagnostic>, summary: &mut Summary) {
    let site = input.site;
    let uses = site.of_kind(Kind::DecisionCatalogue).next().is_some()
        || site.of_kind(Kind::Decision).next().is_some();
    let year = input.today.year();
    let Ok(deadline) = jiff::civil::Date::new(year, 3, 31) else {
        return;
    };
    let Ok(year_u) = u32::try_from(year) else {
        return;
    };
    if !uses || input.today <= deadline || catalogue_of(site, year_u).is_some() {
        return;
    }
    let folder = Kind::DecisionCatalogue.folder();
    diags.push(
        Diagnostic::warning(
            Code::DecisionCatalogueMissing,
            format!("content/{folder}"),
            format!("{year}年度重大行政决策事项目录还没有公布"),
        )
        .expected(format!("{}前公布 year: {year} 的决策事项目录", date_zh(deadline)))
        .found("没有")
        .hint(format!(
            "用 `gongshi new decision_catalogue {year}` 新建本年度目录，列出计划决策的事项；本年度确无重大行政决策事项的，也请发布目录并在正文中说明。"
        )),
    );
    summary.push(Item {
        section: Section::Missing,
        date: Some(deadline),
        file: format!("content/{folder}"),
        title: Kind::DecisionCatalogue.label().to_string(),
        note: format!("{year}年度目录未公布"),
    });
}
