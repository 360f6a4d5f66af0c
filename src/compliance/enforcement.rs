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
//!
//! 重大执法决定法制审核 (issue 21 §2): a decision in the catalogue (`[enforcement]` of
//! site.toml, or `major: true`) carries its review, made before the decision and within the
//! configured working days or with an extension reason (`enforcement.review-missing`,
//! `enforcement.review-late`, `enforcement.review-overdue`, `enforcement.review-date-order`,
//! errors). Officers a decision names are in the register once the site has one, with a
//! certificate valid on the decision date (`enforcement.officer-unknown`,
//! `enforcement.officer-expired`, errors); the register's certificates are unique
//! (`officers.duplicate`, error). Certificates expiring within 30 days (`officers.expiring`)
//! are the register's own clock hook (`content::kinds::officers`), so they are listed in the
//! compliance page's 「即将到期」 and 「逾期」 as well.

use super::{add_days, date_zh, days_between, Input, Item, Section, Summary};
use crate::content::kinds::enforcement::{
    major_rule, review_reason, Action, Enforcement, MajorRule, PenaltyKind, PermitResult,
};
use crate::content::kinds::officers::Officer;
use crate::content::{Data, Kind, Record};
use crate::diag::{Code, Diagnostic};
use std::collections::HashMap;

/// A decision whose display period ends within this many days is listed as expiring soon.
pub(crate) const EXPIRING_DAYS: i64 = 30;

/// Run the enforcement lifecycle rules.
pub(crate) fn check(input: &Input, diags: &mut Vec<Diagnostic>, summary: &mut Summary) {
    display_days_keys(input, diags);
    let register = Register::of(input, diags);
    for r in &input.site.records {
        if let Data::Enforcement(e) = &r.data {
            deadline(input, r, e, diags, summary);
            withdrawal(input, r, e, diags, summary);
            display(input, r, e, diags, summary);
            credit_code(r, e, diags);
            future_published(input, r, diags);
            legal_review(input, r, e, diags);
            officers(register.as_ref(), r, e, diags);
        }
    }
}

/// 法制审核: a decision in the catalogue has its review; every review is dated in order,
/// before the decision, and within the working days allowed or explained.
fn legal_review(input: &Input, r: &Record, e: &Enforcement, diags: &mut Vec<Diagnostic>) {
    let rules = &input.site.config.enforcement;
    let Some(v) = &e.legal_review else {
        let Some(why) = review_reason(rules, e) else {
            return;
        };
        let field = match major_rule(rules, e) {
            Some((MajorRule::Marked, _)) => "major",
            Some((MajorRule::Fine, _)) => "fine",
            Some((MajorRule::Revocation, _))
                if e.penalties.contains(&PenaltyKind::RevokeLicence) =>
            {
                "penalties"
            }
            Some((MajorRule::Revocation, _)) if e.permit_result == Some(PermitResult::Revoked) => {
                "permit_result"
            }
            _ => "decision",
        };
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::EnforcementReviewMissing,
                    &r.source,
                    "重大执法决定没有法制审核记录",
                ),
                field,
            )
            .expected("legal_review：office（审核机构）、submitted（提交日期）、reviewed（审核日期，不晚于决定日期）、opinion（审核意见）")
            .found(why)
            .hint("重大执法决定须在作出决定前经法制审核。请照法制审核意见书添加 legal_review；确实未经审核的决定不得发布，请先报法制机构审核。不属于重大执法决定的，请检查 site.toml 的 [enforcement] 设置或删去 major: true。"),
        );
        return;
    };
    if v.submitted > v.reviewed {
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::EnforcementReviewDateOrder,
                    &r.source,
                    "法制审核的审核日期早于提交日期",
                ),
                "legal_review.reviewed",
            )
            .expected(format!("不早于提交日期{}", date_zh(v.submitted)))
            .found(date_zh(v.reviewed))
            .hint("请对照送审单和审核意见书核对 submitted 和 reviewed。"),
        );
        return;
    }
    if v.reviewed > e.decided {
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::EnforcementReviewLate,
                    &r.source,
                    "法制审核晚于决定日期：重大执法决定须先经法制审核再作出",
                ),
                "legal_review.reviewed",
            )
            .expected(format!("不晚于决定日期{}", date_zh(e.decided)))
            .found(date_zh(v.reviewed))
            .hint("请核对 reviewed 和 decided。决定确实在审核之前作出的，属于程序违法，请报法制机构处理，不要改日期。"),
        );
    }
    let allowed = rules.review_working_days;
    let took = match input.calendar.working_days_between(v.submitted, v.reviewed) {
        Ok(n) => n,
        Err(err) => {
            diags.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::EnforcementDeadlineUnknown,
                        &r.source,
                        "无法计算法制审核用时：节假日数据不覆盖提交日期到审核日期",
                    ),
                    "legal_review.submitted",
                )
                .found(format!(
                    "{} 至 {}",
                    date_zh(v.submitted),
                    date_zh(v.reviewed)
                ))
                .hint(err.to_string()),
            );
            return;
        }
    };
    let explained = v.extension.as_deref().is_some_and(|x| !x.trim().is_empty());
    if took > allowed && !explained {
        diags.push(
            r.diag_at(
                Diagnostic::error(
                    Code::EnforcementReviewOverdue,
                    &r.source,
                    format!("法制审核用了{took}个工作日，超过{allowed}个工作日，没有写明延期理由"),
                ),
                "legal_review.reviewed",
            )
            .expected(format!(
                "提交后{allowed}个工作日内审核，或在 extension 中写明延期理由"
            ))
            .found(format!(
                "{}提交，{}审核",
                date_zh(v.submitted),
                date_zh(v.reviewed)
            ))
            .hint("请在 legal_review 下添加 extension: 延期的理由（如 案情复杂，经负责人批准延长审核期限）。工作日按网站的节假日安排计算。"),
        );
    }
}

/// The officer registers of the site, indexed once: by certificate number and by name.
struct Register<'a> {
    by_cert: HashMap<&'a str, &'a Officer>,
    by_name: HashMap<&'a str, Vec<&'a Officer>>,
}

impl<'a> Register<'a> {
    /// `None` when the site has no register (decisions' officers are then not checked, so
    /// sites that publish none keep building). Checks the registers themselves on the way.
    fn of(input: &'a Input, diags: &mut Vec<Diagnostic>) -> Option<Register<'a>> {
        let mut reg = Register {
            by_cert: HashMap::new(),
            by_name: HashMap::new(),
        };
        let mut any = false;
        for r in input.site.of_kind(Kind::Officers) {
            let Data::Officers(list) = &r.data else {
                continue;
            };
            any = true;
            for (i, o) in list.officers.iter().enumerate() {
                let at = format!("officers[{}]", i + 1);
                let cert = o.cert_no.trim();
                if reg.by_cert.insert(cert, o).is_some() {
                    diags.push(
                        r.diag_at(
                            Diagnostic::error(
                                Code::OfficersDuplicate,
                                &r.source,
                                format!("执法证号“{cert}”在执法人员名录中重复"),
                            ),
                            &format!("{at}.cert_no"),
                        )
                        .hint("每个执法证号只能登记一次：请删去重复的一项，或核对证号是否写错。"),
                    );
                }
                reg.by_name.entry(o.name.trim()).or_default().push(o);
            }
        }
        any.then_some(reg)
    }
}

/// The officers a decision names: in the register, with a certificate valid on the day.
fn officers(reg: Option<&Register>, r: &Record, e: &Enforcement, diags: &mut Vec<Diagnostic>) {
    let Some(reg) = reg else {
        return;
    };
    for (i, entry) in e.officers.iter().enumerate() {
        let at = format!("officers[{}]", i + 1);
        let entry = entry.trim();
        let by_name = reg.by_name.get(entry).map_or(&[][..], Vec::as_slice);
        let found = match (reg.by_cert.get(entry), by_name) {
            (Some(o), _) => *o,
            (None, [o]) => *o,
            (None, []) => {
                diags.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::EnforcementOfficerUnknown,
                            &r.source,
                            format!("执法人员“{entry}”不在执法人员名录中"),
                        ),
                        &at,
                    )
                    .expected("content/officers/ 名录中某位执法人员的执法证号或姓名")
                    .found(entry.to_string())
                    .hint("请核对执法证号；没有执法证的人员不得从事执法活动。新取得执法证的人员，请先加入执法人员名录。"),
                );
                continue;
            }
            (None, _) => {
                diags.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::EnforcementOfficerUnknown,
                            &r.source,
                            format!(
                                "执法人员名录中有{}位“{entry}”，无法确定是哪一位",
                                by_name.len()
                            ),
                        ),
                        &at,
                    )
                    .found(entry.to_string())
                    .hint("请改写执法证号。"),
                );
                continue;
            }
        };
        if found.valid_until < e.decided {
            diags.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::EnforcementOfficerExpired,
                        &r.source,
                        format!("执法人员{}的执法证在决定日期已过期", found.name),
                    ),
                    &at,
                )
                .expected(format!("有效期至不早于决定日期{}", date_zh(e.decided)))
                .found(format!(
                    "执法证号{}，有效期至{}",
                    found.cert_no,
                    date_zh(found.valid_until)
                ))
                .hint("请核对名录中的有效期和本决定的执法人员；证件过期的人员不得从事执法活动。"),
            );
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
