//! Which requests need attention on a given day: overdue ones, those due within N working
//! days, consultations that have run past the third party's 15 working days, and logs that
//! cannot be trusted. `gongshi requests due` prints the list; `gongshi check --feedback-db`
//! turns it into diagnostics ([`diagnostics`]).

use jiff::civil::Date;

use super::deadline::{self, Timeline, Urgency, THIRD_PARTY_DAYS};
use super::store::{self, RequestStore};
use crate::calendar::Calendar;
use crate::diag::{Code, Diagnostic};
use crate::feedback::FeedbackError;

/// Working days ahead `check` and `requests due` look by default.
pub const DEFAULT_WITHIN: u32 = 5;

/// The requests that need attention on `today`, each list in receipt order.
#[derive(Debug, Clone, Default)]
pub struct DueList {
    /// Not replied, due day passed: (receipt, timeline, working days late).
    pub overdue: Vec<(String, Timeline, u32)>,
    /// Not replied, due within `within` working days: (receipt, timeline, days left).
    pub soon: Vec<(String, Timeline, u32)>,
    /// A consultation open for more than [`THIRD_PARTY_DAYS`] working days: (receipt,
    /// timeline, working days since the letter was sent).
    pub consulting: Vec<(String, Timeline, u32)>,
    /// Why a request's dates cannot be trusted or computed (zh-CN, names the receipt).
    pub problems: Vec<String>,
}

impl DueList {
    /// Something is overdue or cannot be judged: the CI exit status is 1.
    pub fn fails(&self) -> bool {
        !self.overdue.is_empty() || !self.problems.is_empty()
    }
}

/// Reads every request (never the applicant) and sorts out those needing attention.
pub fn list(
    store: &mut dyn RequestStore,
    cal: &Calendar,
    today: Date,
    within: u32,
) -> Result<DueList, FeedbackError> {
    let mut out = DueList {
        // A log altered outside gongshi: its dates cannot be trusted.
        problems: store
            .verify_events()?
            .into_iter()
            .map(|p| format!("办理记录被改动（{p}），请从备份恢复数据库"))
            .collect(),
        ..DueList::default()
    };
    for r in store.all(false)? {
        let t = match r.timeline(cal) {
            Ok(t) => t,
            Err(e) => {
                out.problems.push(format!("{}：{e}", r.receipt));
                continue;
            }
        };
        match deadline::urgency(cal, &t, today) {
            Ok(Urgency::Overdue { days_late }) => out.overdue.push((r.receipt, t, days_late)),
            Ok(Urgency::Due { working_days_left }) if working_days_left <= within => {
                out.soon.push((r.receipt, t, working_days_left))
            }
            Ok(Urgency::Consulting { working_days }) if working_days > THIRD_PARTY_DAYS => {
                out.consulting.push((r.receipt, t, working_days))
            }
            Ok(_) => {}
            Err(e) => out
                .problems
                .push(format!("{}：无法计算答复期限：{e}", r.receipt)),
        }
    }
    Ok(out)
}

fn due_text(t: &Timeline) -> String {
    t.due.map(|d| d.to_string()).unwrap_or_default()
}

/// `check`'s findings about requests in the database `db` (shown as given): overdue is an
/// error (`requests.overdue`), due within `within` working days a note (`requests.due-soon`:
/// never fails, not even `--strict`), a consultation past 15 working days a warning
/// (`requests.consultation-long`), an altered or impossible log an error (`requests.log`).
/// Nothing when the database has no request tables. A missing database is
/// `participation.receiver`'s to report. `db` is an SQLite file or a PostgreSQL URL (shown
/// without its password).
pub fn diagnostics(db: &str, cal: &Calendar, today: Date, within: u32) -> Vec<Diagnostic> {
    let is_url = crate::feedback::backend::is_url(db);
    if !is_url && !std::path::Path::new(db).is_file() {
        return Vec::new();
    }
    let file = if is_url {
        crate::feedback::backend::pg::redact(db)
    } else {
        db.replace('\\', "/")
    };
    let log_error = |message: String| {
        Diagnostic::error(Code::RequestsLog, &file, message).hint(
            "用 gongshi requests due --db 数据库 查看；办理记录被改动的，请从备份恢复数据库。",
        )
    };
    let mut store = match store::open_existing(db) {
        Ok(Some(s)) => s,
        Ok(None) => return Vec::new(),
        Err(e) => return vec![log_error(format!("无法打开意见数据库 {file}：{e}"))],
    };
    let l = match list(store.as_mut(), cal, today, within) {
        Ok(l) => l,
        Err(e) => return vec![log_error(format!("无法读取依申请公开记录：{e}"))],
    };
    let mut out = Vec::new();
    for (no, t, late) in &l.overdue {
        out.push(
            Diagnostic::error(
                Code::RequestsOverdue,
                &file,
                format!(
                    "政府信息公开申请 {no} 已逾期未答复：答复期限 {}，已逾期 {late} 个工作日（{}）",
                    due_text(t),
                    t.state.label_zh()
                ),
            )
            .hint(format!(
                "尽快答复，并用 gongshi requests event {no} 答复 --date 日期 --category 类别 记录；已答复未记录的，补记答复日期。"
            )),
        );
    }
    for (no, t, left) in &l.soon {
        out.push(
            Diagnostic::info(
                Code::RequestsDueSoon,
                &file,
                format!(
                    "政府信息公开申请 {no} 将于 {} 到期，还剩 {left} 个工作日（{}）",
                    due_text(t),
                    t.state.label_zh()
                ),
            )
            .hint("需要延长的，应在期限届满前经政府信息公开工作机构负责人同意并告知申请人（条例第三十三条），用 gongshi requests event 记录“延期”。"),
        );
    }
    for (no, t, days) in &l.consulting {
        let since = t
            .consulting_since
            .map(|d| d.to_string())
            .unwrap_or_default();
        out.push(
            Diagnostic::warning(
                Code::RequestsConsultationLong,
                &file,
                format!(
                    "政府信息公开申请 {no} 自 {since} 征求意见，已过 {days} 个工作日仍未记录收到意见（第三方应在 {THIRD_PARTY_DAYS} 个工作日内提出意见，条例第三十二条）"
                ),
            )
            .hint(format!(
                "收到意见或第三方逾期未提出意见的，用 gongshi requests event {no} 收到第三方意见 --date 日期 记录，答复期限从次日起继续计算。"
            )),
        );
    }
    for p in l.problems {
        out.push(log_error(p));
    }
    out
}
