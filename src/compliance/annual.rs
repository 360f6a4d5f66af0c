//! 年度报告 — the two annual reports (`content/reports/`, the kind `report`):
//!
//! * due by 31 January for the year before (政府信息公开条例 Art. 49–50; the 行政执法统计年报 by
//!   the same date): from 1 January a missing report is a warning (`report.due`), after 31
//!   January an error (`report.overdue`). A site is held to a report type once it has
//!   published one of that type: every later year needs its own;
//! * a published report's figures do not change silently: `seal` (written by
//!   `gongshi report … --seal`) is the hash of every figure, and a record of that year added,
//!   edited or removed afterwards changes a figure (`report.seal-mismatch`, an error); a
//!   published report without a seal is a warning (`report.unsealed`). The seal itself, like
//!   the staff-written sections, is frozen by the git history (`git_history`).

use super::{date_zh, Input, Item, Section, Summary};
use crate::content::kinds::report::{cli_word, Report, ReportType};
use crate::content::{Data, Kind, Record};
use crate::diag::{Code, Diagnostic};

pub(crate) fn check(input: &Input, diags: &mut Vec<Diagnostic>, summary: &mut Summary) {
    let today = input.today;
    let reports: Vec<(&Record, &Report)> = input
        .site
        .of_kind(Kind::Report)
        .filter(|r| !r.common.draft)
        .filter_map(|r| match &r.data {
            Data::Report(x) => Some((r, &**x)),
            _ => None,
        })
        .collect();
    let published = |r: &Record| r.common.published.is_some_and(|p| p <= today);

    for (r, rep) in &reports {
        let seal = Report::seal_of(&rep.tables(input.site));
        match rep.seal.as_deref() {
            Some(s) if s != seal => diags.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::ReportSealMismatch,
                        &r.source,
                        format!(
                            "{}的数字与封存时不同：{}年的记录在封存后被新增、修改或删除",
                            rep.heading(),
                            rep.year
                        ),
                    ),
                    "seal",
                )
                .expected(format!("seal: {seal}（按现有记录统计）"))
                .found(format!("seal: {s}"))
                .hint(format!(
                    "已发布的年报不能悄悄改变。若改动记录是误操作，请恢复；若年报确需更正，请在 corrections 中登记（date、field: seal、reason），再运行 gongshi report {} {} --seal 重新封存。",
                    cli_word(rep.report),
                    rep.year
                )),
            ),
            None if published(r) => diags.push(
                r.diag_at(
                    Diagnostic::warning(
                        Code::ReportUnsealed,
                        &r.source,
                        format!("已发布的{}没有封存校验值", rep.heading()),
                    ),
                    "year",
                )
                .expected("seal: 全部数字的校验值")
                .found("没有 seal")
                .hint(format!(
                    "请运行 gongshi report {} {} --seal：写入校验值后，年报的数字在发布后如被改变，检查会报错。",
                    cli_word(rep.report),
                    rep.year
                )),
            ),
            _ => {}
        }
    }

    let this_year = i64::from(today.year());
    for t in [ReportType::OpenGov, ReportType::Enforcement] {
        let Some(first) = reports
            .iter()
            .filter(|(r, x)| x.report == t && published(r))
            .map(|(_, x)| x.year)
            .min()
        else {
            continue;
        };
        for year in first + 1..this_year {
            let done = reports
                .iter()
                .any(|(r, x)| x.report == t && x.year == year && published(r));
            if done {
                continue;
            }
            let Some(deadline) = i16::try_from(year + 1)
                .ok()
                .and_then(|y| jiff::civil::Date::new(y, 1, 31).ok())
            else {
                continue;
            };
            let title = match t {
                ReportType::OpenGov => format!("{year}年政府信息公开工作年度报告"),
                ReportType::Enforcement => format!("{year}年行政执法统计年报"),
            };
            let late = today > deadline;
            let note = format!("{title}应于{}前发布", date_zh(deadline));
            let d = if late {
                Diagnostic::error(
                    Code::ReportOverdue,
                    "content/reports",
                    format!("{title}逾期未发布"),
                )
            } else {
                Diagnostic::warning(
                    Code::ReportDue,
                    "content/reports",
                    format!("{title}尚未发布"),
                )
            };
            diags.push(
                d.expected(note.clone())
                    .found(format!("content/reports/ 中没有已发布的{year}年度“{t}”报告"))
                    .hint(format!(
                        "请新建 content/reports/{year}{}.md（year: {year}，report: {t}），运行 gongshi report {} {year} 核对数字后发布。",
                        if t == ReportType::Enforcement { "-enforcement" } else { "" },
                        cli_word(t)
                    )),
            );
            summary.push(Item {
                section: if late {
                    Section::Overdue
                } else {
                    Section::ExpiringSoon
                },
                date: Some(deadline),
                file: "content/reports".into(),
                title,
                note,
            });
        }
    }
}
