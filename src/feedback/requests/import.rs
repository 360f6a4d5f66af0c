//! `gongshi requests import FILE`: requests that came by letter, in person or by fax, from a
//! table (CSV or `.xlsx`, read as `feedback import` reads paper opinions), each stored exactly
//! as `requests add` stores one: its receipt, its first event 收到 in the request chain, the
//! applicant in the private table.
//!
//! All or nothing: every row is checked first (including that its due day can be computed on
//! the calendar) and any bad row refuses the whole file, each problem located as
//! `file:row:column` (for a workbook also the sheet and cell); the rows are inserted in one
//! transaction. The same file (by its SHA-256) is refused a second time, and so is a row
//! identical to a request already stored (same channel, applicant, contact and description)
//! unless `--allow-same-rows`. Bounded by the limits of [`crate::feedback::import`]: 8 MB,
//! 5000 rows, the workbook reader's caps on zip bombs and sheet sizes.

use std::fmt::Write as _;
use std::path::PathBuf;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::deadline::{self, Timeline};
use super::model::{
    parse_fee, ApplicantType, Delivery, Event, EventKind, ReplyCategory, RequestChannel,
};
use super::store::{self, Applicant, ImportBatch, ImportOutcome, NewRequest, RequestAccepted};
use crate::calendar::Calendar;
use crate::feedback::dbcheck::Create;
use crate::feedback::import::{cut, parse_received, read_table, refuse, Cells, MAX_IMPORT_ROWS};
use crate::feedback::FeedbackError;

/// The columns: (header, ASCII alias as the `add` flag, required, what it holds).
pub const COLUMNS: &[crate::feedback::import::Column] = &[
    (
        "收到日期",
        "received",
        true,
        "收到申请之日（条例第三十一条），如 2026-03-02、2026/3/2 或 2026年3月2日",
    ),
    ("提交方式", "channel", true, "信函、当面 或 传真"),
    (
        "申请人类型",
        "applicant_type",
        true,
        "自然人、法人或其他组织、商业企业、科研机构、社会公益组织 或 法律服务机构",
    ),
    ("申请人姓名或名称", "name", true, "不公开"),
    (
        "证件号码",
        "id_number",
        false,
        "身份证件号码或统一社会信用代码，不公开",
    ),
    ("联系方式", "contact", true, "电话或电子邮箱，不公开"),
    ("通信地址", "address", false, "不公开"),
    (
        "所需信息描述",
        "info",
        true,
        "所需政府信息的名称、文号或特征性描述",
    ),
    (
        "获取方式",
        "delivery",
        false,
        "纸质文本、电子邮件、光盘等存储介质 或 当场阅览抄录",
    ),
    // The request's history so far (a request already being handled when it is entered):
    // each filled date is one event of its log, checked as `requests event` checks one.
    (
        "补正告知日期",
        "supplement_requested",
        false,
        "告知申请人补正之日（条例第三十条）；没有补正的不填",
    ),
    (
        "补正收到日期",
        "supplement_received",
        false,
        "收到补正之日，答复期限从这一天重新计算",
    ),
    (
        "征求意见日期",
        "third_party_asked",
        false,
        "征求第三方或其他机关意见之日（条例第三十二条、第三十三条第三款），征求意见期间不计算答复期限",
    ),
    ("征求意见说明", "third_party_note", false, "征求谁的意见"),
    (
        "收到意见日期",
        "third_party_answered",
        false,
        "收到第三方意见之日（第三方逾期未提出意见的，本机关决定不再等待之日），次日起继续计算",
    ),
    (
        "延期批准日期",
        "extended",
        false,
        "延长答复期限经批准之日（条例第三十三条第二款）",
    ),
    ("延期工作日", "extension_days", false, "延长的工作日数，1 至 20"),
    ("延期理由", "extension_reason", false, "延长答复期限的理由"),
    ("答复日期", "replied", false, "作出答复之日"),
    (
        "答复类别",
        "category",
        false,
        "年报表三的办理结果，如 予以公开、部分公开、不予公开-属于国家秘密（也可写 不予公开-1 这样的序号）",
    ),
    (
        "信息处理费",
        "fee",
        false,
        "收取的信息处理费（元），如 0、120 或 120.50；只在答复时填写",
    ),
];

/// The history columns in the order their events happen on one day (a 补正 round comes
/// before a consultation, which comes before an extension; the reply is last).
const HISTORY: &[(&str, EventKind)] = &[
    ("补正告知日期", EventKind::SupplementRequested),
    ("补正收到日期", EventKind::SupplementReceived),
    ("征求意见日期", EventKind::ThirdPartyAsked),
    ("收到意见日期", EventKind::ThirdPartyAnswered),
    ("延期批准日期", EventKind::Extended),
    ("答复日期", EventKind::Replied),
];

/// The cells that belong to an event's date column and mean nothing without it.
const DEPENDENT: &[(&str, &str)] = &[
    ("征求意见说明", "征求意见日期"),
    ("延期工作日", "延期批准日期"),
    ("延期理由", "延期批准日期"),
    ("答复类别", "答复日期"),
    ("信息处理费", "答复日期"),
    ("补正收到日期", "补正告知日期"),
    ("收到意见日期", "征求意见日期"),
];

const MAX_NAME_CHARS: usize = 100;
const MAX_CONTACT_CHARS: usize = 200;
const MAX_INFO_CHARS: usize = 5000;
/// 征求意见说明 and 延期理由 (as `requests event --reason`).
const MAX_NOTE_CHARS: usize = 500;

#[derive(Debug, Clone)]
pub struct RequestImportOptions {
    pub root: PathBuf,
    /// An SQLite file or a PostgreSQL URL.
    pub db: String,
    /// Create the database if it does not exist yet.
    pub init: bool,
    pub file: PathBuf,
    /// Import rows identical to requests already stored (a second identical letter).
    pub allow_same_rows: bool,
    pub time_zone: TimeZone,
    /// When the rows are entered: the receipts' day; no 收到日期 may be after it.
    pub now: Timestamp,
}

/// One checked row: the request, the later events of its history, and where it stands.
#[derive(Debug, Clone)]
struct Row {
    line: u64,
    request: NewRequest,
    later: Vec<Event>,
    timeline: Timeline,
}

/// What an import did: (table line, receipt, received, where the request stands) per row,
/// in order.
#[derive(Debug, Clone)]
pub struct RequestImportSummary {
    pub file: PathBuf,
    pub receipts: Vec<(u64, RequestAccepted, Date, Timeline)>,
}

impl RequestImportSummary {
    pub fn render(&self) -> String {
        let mut s = format!(
            "{}: 已录入 {} 件申请\n",
            self.file.display(),
            self.receipts.len()
        );
        for (line, a, received, t) in &self.receipts {
            let stands = match (t.replied, t.due) {
                (Some(r), _) if t.replied_late() => format!("{r} 已答复，逾期"),
                (Some(r), _) => format!("{r} 已答复"),
                (None, Some(due)) if t.state == deadline::State::Pending => {
                    format!("答复期限 {due}")
                }
                (None, Some(due)) => format!("{}，答复期限 {due}", t.state.label_zh()),
                (None, None) => format!("{}，暂停计算答复期限", t.state.label_zh()),
            };
            let _ = writeln!(
                s,
                "  第{line}行 → 回执 {}（收到 {received}，{stands}）",
                a.receipt
            );
        }
        s.push_str("申请人的个人信息只保存在数据库中；用 gongshi requests due 查看到期情况。\n");
        s
    }
}

/// Control characters other than line breaks and tabs (a pasted cell must not carry them
/// into messages and exports).
fn has_controls(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

/// Checks every row. Err: every problem, located.
fn check_rows(
    shown: &str,
    table: &Cells,
    opts: &RequestImportOptions,
    cal: &Calendar,
) -> Result<Vec<Row>, Vec<String>> {
    let (idx, mut problems) = crate::feedback::import::header_index(&table.headers, COLUMNS);
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|p| format!("{shown}:{p}"))
            .collect());
    }
    let today = opts.now.to_zoned_datetime(opts.time_zone.clone()).date();
    let mut rows = Vec::new();
    for (count, (line, record)) in table.rows.iter().enumerate() {
        let line = *line;
        if count + 1 > MAX_IMPORT_ROWS {
            // First: it is why nothing else was read.
            problems.insert(0, crate::feedback::import::too_many_rows(shown, line));
            break;
        }
        let sheet = table.sheet.as_deref();
        let mut err = |col: &str, msg: String| {
            let c = idx.get(col).map_or(1, |i| i + 1);
            problems.push(crate::feedback::import::cell_problem(
                shown, sheet, line, c, col, &msg,
            ));
        };
        let cell = |col: &str| -> &str {
            idx.get(col)
                .and_then(|i| record.get(*i))
                .map(|s| s.trim())
                .unwrap_or("")
        };
        // A word from a fixed list; None (and a located problem) otherwise.
        let mut word = |col: &str,
                        parse: &dyn Fn(&str) -> Option<&'static str>,
                        values: &str,
                        required: bool|
         -> Option<&'static str> {
            let v = cell(col);
            if v.is_empty() {
                if required {
                    err(col, format!("是空的：请填写 {values}"));
                }
                return None;
            }
            let w = parse(v);
            if w.is_none() {
                err(col, format!("不认识的“{}”：应为 {values}", cut(v)));
            }
            w
        };
        let channel = word(
            "提交方式",
            &|v| match RequestChannel::from_word(v) {
                Some(RequestChannel::Web) => None,
                c => c.map(RequestChannel::as_str),
            },
            "信函、当面 或 传真（网上申请由意见接收服务受理，不从表格导入）",
            true,
        )
        .and_then(RequestChannel::from_word);
        let applicant_type = word(
            "申请人类型",
            &|v| ApplicantType::from_word(v).map(ApplicantType::as_str),
            &ApplicantType::VALUES.join("、"),
            true,
        )
        .and_then(ApplicantType::from_word);
        let delivery_given = !cell("获取方式").is_empty();
        let delivery = word(
            "获取方式",
            &|v| Delivery::from_word(v).map(Delivery::as_str),
            &Delivery::VALUES.join("、"),
            false,
        )
        .and_then(Delivery::from_word);
        // Free text: required or not, at most `max` characters, no control characters.
        let mut text = |col: &str, max: usize, required: bool| -> Option<Option<String>> {
            let v = cell(col).replace("\r\n", "\n");
            if v.is_empty() {
                if required {
                    err(col, "是空的：请填写".into());
                    return None;
                }
                return Some(None);
            }
            if v.chars().count() > max {
                err(col, format!("过长（最多 {max} 字）"));
                return None;
            }
            if has_controls(&v) {
                err(col, "含有无法识别的控制字符：请删除后重新导入".into());
                return None;
            }
            Some(Some(v))
        };
        let name = text("申请人姓名或名称", MAX_NAME_CHARS, true);
        let id_number = text("证件号码", super::form::MAX_ID_CHARS, false);
        let contact = text("联系方式", MAX_CONTACT_CHARS, true);
        let address = text("通信地址", MAX_CONTACT_CHARS, false);
        let info = text("所需信息描述", MAX_INFO_CHARS, true);
        let note = text("征求意见说明", MAX_NOTE_CHARS, false);
        let reason = text("延期理由", MAX_NOTE_CHARS, false);
        let received = if cell("收到日期").is_empty() {
            err("收到日期", "是空的：请填写收到申请之日".into());
            None
        } else {
            match parse_received(cell("收到日期"), &opts.time_zone) {
                Ok(t) => {
                    let d = t.to_zoned_datetime(opts.time_zone.clone()).date();
                    if d > today {
                        err("收到日期", format!("{d} 晚于今天（{today}）：请核对日期"));
                        None
                    } else {
                        Some(d)
                    }
                }
                Err(m) => {
                    err("收到日期", m);
                    None
                }
            }
        };
        // The history: one event per filled date column, none after today.
        let mut history_ok = true;
        let mut later: Vec<(Event, &'static str)> = Vec::new();
        for (col, kind) in HISTORY {
            let v = cell(col);
            if v.is_empty() {
                continue;
            }
            match parse_received(v, &opts.time_zone) {
                Ok(t) => {
                    let d = t.to_zoned_datetime(opts.time_zone.clone()).date();
                    if d > today {
                        err(col, format!("{d} 晚于今天（{today}）：请核对日期"));
                        history_ok = false;
                    } else {
                        later.push((Event::new(*kind, d), col));
                    }
                }
                Err(m) => {
                    err(col, m);
                    history_ok = false;
                }
            }
        }
        for (col, needs) in DEPENDENT {
            if !cell(col).is_empty() && cell(needs).is_empty() {
                err(
                    col,
                    format!("填写了“{col}”，但没有“{needs}”：请补上日期或删去这一格"),
                );
                history_ok = false;
            }
        }
        if note.is_none() || reason.is_none() {
            history_ok = false;
        }
        for (e, _) in &mut later {
            match e.kind {
                EventKind::ThirdPartyAsked => e.reason = note.clone().flatten(),
                EventKind::Extended => {
                    e.reason = reason.clone().flatten();
                    let v = cell("延期工作日");
                    match v.parse::<u32>() {
                        Ok(n) if (1..=deadline::MAX_EXTENSION_DAYS).contains(&n) => {
                            e.days = Some(n)
                        }
                        _ => {
                            err(
                                "延期工作日",
                                format!(
                                    "“{}”不是 1 到 {} 的工作日数（条例第三十三条第二款）",
                                    cut(v),
                                    deadline::MAX_EXTENSION_DAYS
                                ),
                            );
                            history_ok = false;
                        }
                    }
                    if e.reason.is_none() {
                        err("延期理由", "是空的：延期须写明理由".into());
                        history_ok = false;
                    }
                }
                EventKind::Replied => {
                    let c = cell("答复类别");
                    e.category = ReplyCategory::parse(c);
                    if e.category.is_none() {
                        err(
                            "答复类别",
                            format!(
                                "{}：应为以下之一（也可写 不予公开-1 这样的序号）：{}",
                                if c.is_empty() {
                                    "是空的".to_string()
                                } else {
                                    format!("不认识的“{}”", cut(c))
                                },
                                ReplyCategory::VALUES.join("、")
                            ),
                        );
                        history_ok = false;
                    }
                    let f = cell("信息处理费");
                    if !f.is_empty() {
                        e.fee = parse_fee(f);
                        if e.fee.is_none() {
                            err(
                                "信息处理费",
                                format!("“{}”应为金额（元），如 0、120 或 120.50", cut(f)),
                            );
                            history_ok = false;
                        }
                    }
                }
                _ => {}
            }
        }
        // In the order they happened; on one day, in the order of [`HISTORY`].
        later.sort_by_key(|(e, _)| e.date);
        // The log must follow the rules and its due day be computable now, not discovered
        // wrong later: the first event that does not fit is located at its column.
        let timeline = received.filter(|_| history_ok).and_then(|d| {
            let mut events = vec![Event::new(EventKind::Received, d)];
            events.extend(later.iter().map(|(e, _)| e.clone()));
            match deadline::timeline(cal, &events) {
                Ok(t) => Some(t),
                Err(e) => {
                    let col = match &e {
                        deadline::DeadlineError::Order { index, .. } if *index > 0 => {
                            later.get(index - 1).map_or("收到日期", |(_, c)| *c)
                        }
                        _ => "收到日期",
                    };
                    err(col, e.to_string());
                    None
                }
            }
        });
        if delivery_given && delivery.is_none() {
            continue; // already located
        }
        if let (
            Some(channel),
            Some(applicant_type),
            Some(Some(name)),
            Some(id_number),
            Some(Some(contact)),
            Some(address),
            Some(Some(description)),
            Some(received),
            Some(timeline),
        ) = (
            channel,
            applicant_type,
            name,
            id_number,
            contact,
            address,
            info,
            received,
            timeline,
        ) {
            rows.push(Row {
                line,
                timeline,
                later: later.into_iter().map(|(e, _)| e).collect(),
                request: NewRequest {
                    channel,
                    applicant_type,
                    applicant: Applicant {
                        name,
                        id_number,
                        contact,
                        address,
                    },
                    description,
                    delivery,
                    received,
                    submitted: opts.now,
                    token: None,
                },
            });
        }
    }
    problems.extend(table.broken.clone());
    if !problems.is_empty() {
        return Err(problems);
    }
    if rows.is_empty() {
        return Err(vec![format!("{shown}:2:1: 表格中没有申请（只有表头）")]);
    }
    Ok(rows)
}

/// The `meta` key recording that a file of requests was imported.
fn import_key(sha: &str) -> String {
    format!("import:requests:{sha}")
}

pub fn import(
    opts: &RequestImportOptions,
    cal: &Calendar,
) -> Result<RequestImportSummary, FeedbackError> {
    let shown = opts.file.display().to_string();
    let (bytes, cells) = read_table(&opts.file, &shown)?;
    let rows = cells
        .and_then(|t| check_rows(&shown, &t, opts, cal))
        .map_err(|p| refuse(&shown, p))?;
    let sha = hex::encode(Sha256::digest(&bytes));
    let create = if opts.init {
        Create::IfMissing
    } else {
        Create::Never
    };
    let mut store = store::open(&opts.db, create)?;
    let secret = store.secret()?;
    let key = import_key(&sha);
    let noted_at = crate::feedback::model::format_received(opts.now, &opts.time_zone);
    let outcome = store.import(
        &secret,
        &opts.time_zone,
        &ImportBatch {
            key: &key,
            requests: rows.iter().map(|r| &r.request).collect(),
            history: rows.iter().map(|r| r.later.as_slice()).collect(),
            refuse_same: !opts.allow_same_rows,
            noted_at: &noted_at,
        },
    )?;
    let stored = match outcome {
        ImportOutcome::Stored(s) => s,
        ImportOutcome::AlreadyImported(note) => {
            return Err(FeedbackError::Invalid(format!(
                "{shown}: 这个文件已经导入过（{note}），未重复导入。如果表格改过，请只导入新增的行"
            )))
        }
        ImportOutcome::Same(hits) => {
            let mut same: Vec<String> = hits
                .iter()
                .filter_map(|(i, receipt)| rows.get(*i).map(|row| (row.line, receipt)))
                .map(|(line, receipt)| format!(
                    "{shown}:{line}:1: 与已录入的申请 {receipt} 相同（提交方式、申请人、联系方式和所需信息描述都一样）"
                ))
                .collect();
            same.push(format!(
                "{shown}: 确实是另一件内容相同的申请时，加 --allow-same-rows 再导入"
            ));
            return Err(refuse(&shown, same));
        }
        ImportOutcome::HistoryOnDuplicate(i, receipt) => {
            let line = rows.get(i).map_or(0, |r| r.line);
            return Err(FeedbackError::Invalid(format!(
                "{shown}:{line}:1: 与刚录入的申请 {receipt} 相同，其办理记录不能合并：请删去重复的一行"
            )));
        }
    };
    let receipts = rows
        .iter()
        .zip(stored)
        .map(|(row, a)| (row.line, a, row.request.received, row.timeline.clone()))
        .collect();
    Ok(RequestImportSummary {
        file: opts.file.clone(),
        receipts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> RequestImportOptions {
        RequestImportOptions {
            root: PathBuf::from("."),
            db: "unused.db".into(),
            init: false,
            file: PathBuf::from("r.csv"),
            allow_same_rows: false,
            time_zone: TimeZone::fixed(jiff::tz::offset(8)),
            now: "2027-01-10T02:00:00Z"
                .parse()
                .unwrap_or(Timestamp::UNIX_EPOCH),
        }
    }

    fn rows(csv: &str) -> Result<Vec<Row>, Vec<String>> {
        let cells = crate::feedback::import::read_csv("r.csv", csv.as_bytes())?;
        check_rows("r.csv", &cells, &opts(), &Calendar::builtin())
    }

    const HEAD: &str = "收到日期,提交方式,申请人类型,申请人姓名或名称,联系方式,所需信息描述\n";

    #[test]
    fn good_rows_carry_their_due_day() {
        let r = rows(&format!(
            "{HEAD}2026-02-06,信函,自然人,张三,123,某文件\n2026年3月2日,传真,商业企业,某公司,456,另一文件\n"
        ))
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].timeline.due, Some(jiff::civil::date(2026, 3, 12)));
        assert_eq!(r[1].request.channel, RequestChannel::Fax);
        assert_eq!(r[1].request.received, jiff::civil::date(2026, 3, 2));
        // English headers, any order.
        let r = rows("info,contact,name,applicant_type,channel,received\n某文件,1,李四,自然人,当面,2026/3/2\n")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(r[0].request.channel, RequestChannel::InPerson);
    }

    #[test]
    fn every_bad_cell_is_located() {
        let err = rows(&format!(
            "{HEAD}2026-02-30,信函,自然人,张三,123,某文件\n\
             2026-03-02,网上,自然人,张三,123,某文件\n\
             2026-03-02,信函,外星人,张三,123,某文件\n\
             2027-02-01,信函,自然人,张三,123,某文件\n\
             2026-12-20,信函,自然人,张三,123,某文件\n\
             2026-03-02,信函,自然人,,123,某文件\n\
             2026-03-02,信函,自然人,张\u{7}三,123,某文件\n"
        ))
        .err()
        .unwrap_or_default();
        assert_eq!(err.len(), 7, "{err:#?}");
        assert!(
            err[0].starts_with("r.csv:2:1: “收到日期”列：无法识别的日期"),
            "{err:?}"
        );
        assert!(
            err[1].starts_with("r.csv:3:2: “提交方式”列：不认识的“网上”"),
            "{err:?}"
        );
        assert!(err[2].starts_with("r.csv:4:3: “申请人类型”列"), "{err:?}");
        assert!(
            err[3].contains("r.csv:5:1:") && err[3].contains("晚于今天"),
            "{err:?}"
        );
        // Due in 2027, which the calendar does not cover: refused now, not found out later.
        assert!(
            err[4].starts_with("r.csv:6:1:") && err[4].contains("calendar/"),
            "{err:?}"
        );
        assert!(
            err[5].starts_with("r.csv:7:4: “申请人姓名或名称”列：是空的"),
            "{err:?}"
        );
        assert!(
            err[6].starts_with("r.csv:8:4:") && err[6].contains("控制字符"),
            "{err:?}"
        );
    }

    #[test]
    fn headers_are_checked_before_any_row() {
        let err = rows("收到日期,提交方式,收到日期,备注\n2026-03-02,信函,2026-03-02,x\n")
            .err()
            .unwrap_or_default();
        assert!(err.iter().any(|e| e.contains("出现了两次")), "{err:?}");
        assert!(
            err.iter().any(|e| e.contains("不认识的列名“备注”")),
            "{err:?}"
        );
        assert!(
            err.iter().any(|e| e.contains("缺少“所需信息描述”列")),
            "{err:?}"
        );
        let err = rows(HEAD).err().unwrap_or_default();
        assert!(err[0].contains("没有申请"), "{err:?}");
    }

    #[test]
    fn too_many_rows_stop_the_reading() {
        let mut csv = String::from(HEAD);
        for _ in 0..(MAX_IMPORT_ROWS + 3) {
            csv.push_str("2026-03-02,信函,自然人,张三,123,某文件\n");
        }
        let err = rows(&csv).err().unwrap_or_default();
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(err[0].contains("超过 5000 行"), "{err:?}");
    }
}
