//! 行政执法决定的公示期限 — an enforcement decision's lifecycle (SPEC §4.3): published within
//! its deadline (许可、处罚 7 working days after the decision, other actions 20, as configured),
//! a change of status published within `withdrawal_publish_days`, taken down after its
//! display period, and a valid unified social credit code.
//!
//! Codes: `enforcement.late` (warning; a note once `late_reason` explains it),
//! `enforcement.change-undated`, `enforcement.change-late`, `enforcement.future-published`
//! (warnings), `enforcement.expired`
//! (note), `enforcement.credit-code` (error), `enforcement.deadline-unknown` (error: the
//! calendar does not cover the decision's dates), `config.display-days-key` (warning).

use super::{add_days, date_zh, days_between, Input, Item, Section, Summary};
use crate::content::kinds::enforcement::{Action, Enforcement};
use crate::content::{Data, Record};
use crate::diag::{Code, Diagnostic};

/// A decision whose display period ends within this many days is listed as expiring soon.
pub(crate) const EXPIRING_DAYS: i64 = 30;

/// Run the enforcement lifecycle rules.
pub(crate) fn check(input: &Input, diags: &mut Vec<Diagnostic>, summary: &mut Summary) {
    display_days_keys(input, diags);
    for r in &input.site.records {
        if let Data::Enforcement(e) = &r.data {
            deadline(input, r, e, diags, summary);
            withdrawal(input, r, e, diags, summary);
            display(input, r, e, diags, summary);
            credit_code(r, e, diags);
            future_published(input, r, diags);
        }
    }
}

fn item(section: Section, r: &Record, date: Option<jiff::civil::Date>, note: String) -> Item {
    Item {
        section,
        date,
        file: r.source.to_string_lossy().replace('\\', "/"),
        title: r.common.title.clone(),
        note,
    }
}

/// The working days a decision of this action must be published within.
pub(crate) fn publish_working_days(input: &Input, e: &Enforcement) -> u32 {
    let p = &input.site.config.publicity;
    if matches!(e.action, Action::Licence | Action::Penalty) {
        p.decision_publish_working_days
    } else {
        p.other_publish_working_days
    }
}

fn deadline(
    input: &Input,
    r: &Record,
    e: &Enforcement,
    diags: &mut Vec<Diagnostic>,
    summary: &mut Summary,
) {
    let Some(published) = r.common.published else {
        return;
    };
    let n = publish_working_days(input, e);
    if n == 0 {
        return;
    }
    let due = match input.calendar.close_date(e.decided, n) {
        Ok(d) => d,
        Err(err) => {
            diags.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::EnforcementDeadlineUnknown,
                        &r.source,
                        "无法计算公开期限：节假日数据不覆盖决定日期之后的工作日",
                    ),
                    "decided",
                )
                .found(date_zh(e.decided))
                .hint(err.to_string()),
            );
            return;
        }
    };
    if published <= due {
        return;
    }
    let late_by = input
        .calendar
        .working_days_between(due, published)
        .map(|d| format!("，晚了{d}个工作日"))
        .unwrap_or_default();
    let message = format!(
        "行政{}决定公开晚于期限：应在决定后{n}个工作日内、即{}前公开",
        e.action,
        date_zh(due)
    );
    let found = format!("发布日期 {}{late_by}", date_zh(published));
    let d = match &e.late_reason {
        Some(reason) if !reason.trim().is_empty() => {
            Diagnostic::info(Code::EnforcementLate, &r.source, message)
                .hint(format!("已说明延迟原因：{}", reason.trim()))
        }
        _ => Diagnostic::warning(Code::EnforcementLate, &r.source, message).hint(
            "已经逾期，仍须公开，不要撤下。请在 late_reason 中写明延迟原因（写明后不再警告），并改进流程，今后按期发布。",
        ),
    };
    diags.push(
        r.diag_at(d, "published")
            .expected(format!("不晚于{}", date_zh(due)))
            .found(found.clone()),
    );
    summary.push(item(
        Section::Overdue,
        r,
        Some(due),
        format!(
            "{} 决定于{}作出，应于{}前公开，{found}",
            e.case_no,
            date_zh(e.decided),
            date_zh(due)
        ),
    ));
}

fn withdrawal(
    input: &Input,
    r: &Record,
    e: &Enforcement,
    diags: &mut Vec<Diagnostic>,
    summary: &mut Summary,
) {
    if e.in_force() {
        return;
    }
    let Some(changed) = &e.changed else {
        return; // enforcement.no-change-record (validate.rs) already says so
    };
    let days = input.site.config.publicity.withdrawal_publish_days;
    let due = add_days(changed.date, days);
    match r.common.updated {
        None => {
            diags.push(
                r.diag_at(
                    Diagnostic::warning(
                        Code::EnforcementChangeUndated,
                        &r.source,
                        format!("决定状态为“{}”，但没有填写更新日期 updated", e.status),
                    ),
                    "status",
                )
                .expected(format!(
                    "updated: 公开这一变更的日期，不晚于{}（变更后{days}日内）",
                    date_zh(due)
                ))
                .found("没有 updated")
                .hint(
                    "在文件开头的信息字段中加上 updated: 发布变更的日期，如 updated: 2026-11-20。",
                ),
            );
        }
        Some(updated) if updated > due => {
            diags.push(
                r.diag_at(
                    Diagnostic::warning(
                        Code::EnforcementChangeLate,
                        &r.source,
                        format!(
                            "决定{}的情况公开晚于期限：应在变更后{days}日内公开",
                            e.status
                        ),
                    ),
                    "updated",
                )
                .expected(format!("不晚于{}", date_zh(due)))
                .found(format!(
                    "更新日期 {}，晚了{}日",
                    date_zh(updated),
                    days_between(due, updated)
                ))
                .hint("变更、撤销或确认违法/无效的决定应及时撤下并说明；今后请在变更后及时更新。"),
            );
            summary.push(item(
                Section::Overdue,
                r,
                Some(due),
                format!(
                    "{} 于{}改为“{}”，应于{}前公开变更，实际{}",
                    e.case_no,
                    date_zh(changed.date),
                    e.status,
                    date_zh(due),
                    date_zh(updated)
                ),
            ));
        }
        Some(_) => {}
    }
}

fn display(
    input: &Input,
    r: &Record,
    e: &Enforcement,
    diags: &mut Vec<Diagnostic>,
    summary: &mut Summary,
) {
    if let Some(h) = input.facts.hidden.get(&r.key()) {
        let note = format!("{}：{}（{}）", e.case_no, h.status, h.reason);
        summary.push(item(Section::Withdrawn, r, Some(h.date), note));
    }
    if !e.in_force() || e.minor_blocked() {
        return;
    }
    let Some(until) = crate::facts::display_until(input.site, r, e) else {
        return;
    };
    let field = if e.display_until.is_some() {
        "display_until"
    } else {
        "published"
    };
    if input.today > until {
        diags.push(
            r.diag_at(
                Diagnostic::info(
                    Code::EnforcementExpired,
                    &r.source,
                    format!("已过公示期，已自动撤下（公示截止{}）", date_zh(until)),
                ),
                field,
            )
            .hint("无需处理：决定已从列表、搜索和订阅中撤下，原网址显示撤下说明。"),
        );
    } else if days_between(input.today, until) <= EXPIRING_DAYS {
        summary.push(item(
            Section::ExpiringSoon,
            r,
            Some(until),
            format!(
                "{} 公示期至{}，还有{}日",
                e.case_no,
                date_zh(until),
                days_between(input.today, until)
            ),
        ));
    }
}

/// A `published` date after today (`--now`): a typo, or a page put up before its day.
fn future_published(input: &Input, r: &Record, diags: &mut Vec<Diagnostic>) {
    let Some(published) = r.common.published else {
        return;
    };
    if published <= input.today {
        return;
    }
    diags.push(
        r.diag_at(
            Diagnostic::warning(
                Code::EnforcementFuturePublished,
                &r.source,
                format!("发布日期{}晚于今天", date_zh(published)),
            ),
            "published",
        )
        .expected(format!("不晚于今天（{}）", date_zh(input.today)))
        .found(date_zh(published))
        .hint("published 应是决定实际在网站公开的日期。请核对是否写错了年份或月份；如果要到那天才公开，请先加上 draft: true，到期再发布。"),
    );
}

fn credit_code(r: &Record, e: &Enforcement, diags: &mut Vec<Diagnostic>) {
    let Some(code) = &e.party.credit_code else {
        return;
    };
    if crate::pii::valid_credit_code(code.trim()) {
        return;
    }
    diags.push(
        r.diag_at(
            Diagnostic::error(
                Code::EnforcementCreditCode,
                &r.source,
                "统一社会信用代码不正确（校验位不符或含有不允许的字符）",
            ),
            "party.credit_code",
        )
        .expected("18 位代码，由数字和大写字母组成（不含 I、O、Z、S、V），最后一位为校验码")
        .found(code.clone())
        .hint("请对照营业执照或“国家企业信用信息公示系统”逐位核对。"),
    );
}

/// Keys of `publicity.display_days` must name a severity, a party type, both, or `default`.
fn display_days_keys(input: &Input, diags: &mut Vec<Diagnostic>) {
    const SEVERITIES: [&str; 3] = ["一般", "较重", "严重"];
    const PARTIES: [&str; 4] = ["自然人", "个体工商户", "法人", "其他组织"];
    for key in input.site.config.publicity.display_days.keys() {
        let ok = key == "default"
            || SEVERITIES.contains(&key.as_str())
            || PARTIES.contains(&key.as_str())
            || key
                .split_once('.')
                .is_some_and(|(p, s)| PARTIES.contains(&p) && SEVERITIES.contains(&s));
        if !ok {
            let (line, col) = super::site_toml_pos(&input.site.root, "display_days", key);
            diags.push(
                Diagnostic::warning(
                    Code::ConfigDisplayDaysKey,
                    "site.toml",
                    format!("公示期限设置项“{key}”不会被使用"),
                )
                .at(line, col)
                .field(format!("publicity.display_days.{key}"))
                .expected("一般、较重、严重、当事人类型（自然人、个体工商户、法人、其他组织）、“自然人.一般”这样的组合，或 default")
                .found(key.clone())
                .hint("请检查 site.toml 的 [publicity.display_days] 中的写法。"),
            );
        }
    }
}
