//! Requests for information (依申请公开): the online form end to end against the real
//! receiver, hostile form input, the staff commands (`gongshi requests …`) with their
//! deadlines on the calendar, and the held-back check (no personal data in `public/`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use crate::common::{self, text};
use crate::feedback_common::{enc, get, post, post_raw, post_with, TestServer};

/// A distinctive applicant, to grep for.
const NAME: &str = "申请人尉迟砚秋";
const ID: &str = "420583199001011234";
const CONTACT: &str = "yanqiu.yuchi@example.com";

fn good() -> Vec<(&'static str, &'static str)> {
    vec![
        ("applicant_type", "自然人"),
        ("name", NAME),
        ("id_number", ID),
        ("contact", CONTACT),
        ("address", "枝江市马家店街道"),
        ("info", "2026年度就业补贴资金发放明细（按乡镇汇总）"),
        ("delivery", "电子邮件"),
        ("token", "tok-0123456789abcdef"),
        ("website", ""),
    ]
}

#[test]
fn the_form_gives_a_receipt_and_the_status_shows_no_personal_data() {
    let s = TestServer::start();
    let r = post(s.addr, "/feedback/request", &good(), false);
    assert_eq!(r.status, 303, "{}", r.body);
    let loc = r.header("location").unwrap().to_string();
    assert!(loc.starts_with("/receipt/YS20261125-0001-"), "{loc}");
    let page = get(s.addr, &loc, false);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("申请已提交"), "{}", page.body);
    assert!(page.body.contains("2026年11月25日"), "{}", page.body);
    // Received Wed 25 Nov 2026: 20 working days end on Wed 23 Dec 2026.
    assert!(
        page.body.contains("<dd id=\"request-due\">2026年12月23日"),
        "{}",
        page.body
    );
    for secret in [NAME, ID, CONTACT, "马家店", "就业补贴资金"] {
        assert!(
            !page.body.contains(secret),
            "{secret} shown on the status page"
        );
    }
    // The lookup form (GET, any case, the lookup route) finds it too; JSON has state and dates.
    let no = loc
        .trim_start_matches("/receipt/")
        .trim_end_matches("?new=1");
    let lookup = get(
        s.addr,
        &format!("/feedback/request-status?no={}", enc(&no.to_lowercase())),
        false,
    );
    assert_eq!(lookup.status, 200, "{}", lookup.body);
    assert!(lookup.body.contains("办理进度"));
    let j = get(s.addr, &format!("/receipt/{no}"), true).json();
    assert_eq!(j["state"], "办理中");
    assert_eq!(j["due"], "2026-12-23");
    assert!(!j.to_string().contains(NAME));
    // The same page's token and fields again: the same receipt, nothing stored twice.
    let again = post(s.addr, "/feedback/request", &good(), true).json();
    assert_eq!(again["receipt"], no);
    assert_eq!(again["duplicate"], true);
    // A wrong check character or an unknown number: 404, nothing about anyone.
    let mut bad = no.to_string();
    let last = bad.pop().unwrap();
    bad.push(if last == 'X' { 'Y' } else { 'X' });
    assert_eq!(get(s.addr, &format!("/receipt/{bad}"), false).status, 404);
    assert_eq!(
        get(s.addr, "/feedback/request-status?no=YS", false).status,
        404
    );
}

#[test]
fn hostile_requests_are_refused_located_and_keep_the_text() {
    let s = TestServer::start();
    let with = |k: &'static str, v: &'static str| {
        let mut f = good();
        f.retain(|(n, _)| *n != k);
        f.push((k, v));
        f
    };
    // Honeypot: refused, nothing echoed.
    let r = post(
        s.addr,
        "/feedback/request",
        &with("website", "http://spam"),
        false,
    );
    assert_eq!(r.status, 400);
    assert!(!r.body.contains("就业补贴资金"));
    // A missing field names the field and echoes the description.
    let r = post(s.addr, "/feedback/request", &with("name", "  "), false);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("请填写“姓名”"), "{}", r.body);
    assert!(
        r.body.contains("就业补贴资金"),
        "the text typed is given back"
    );
    let r = post(
        s.addr,
        "/feedback/request",
        &with("applicant_type", "外星人"),
        false,
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("申请人类型"), "{}", r.body);
    // Over the length limit: the field and the limit are named.
    let long = "字".repeat(5001);
    let mut f = good();
    f.retain(|(n, _)| *n != "info");
    let r = post(
        s.addr,
        "/feedback/request",
        &[f.as_slice(), &[("info", long.as_str())]].concat(),
        false,
    );
    assert_eq!(r.status, 400);
    assert!(r.body.contains("最多 5000 个字"), "{}", r.body);
    // A body over 64 KB: 413 before reading it; bad UTF-8: 400; not a form: 415.
    let huge = format!("info={}", "a".repeat(70 * 1024));
    let r = post_raw(
        s.addr,
        "/feedback/request",
        "application/x-www-form-urlencoded",
        huge.as_bytes(),
        false,
    )
    .unwrap();
    assert_eq!(r.status, 413);
    let r = post_raw(
        s.addr,
        "/feedback/request",
        "application/x-www-form-urlencoded",
        b"name=%FF",
        false,
    )
    .unwrap();
    assert_eq!(r.status, 400);
    let r = post_raw(
        s.addr,
        "/feedback/request",
        "application/json",
        b"{}",
        false,
    )
    .unwrap();
    assert_eq!(r.status, 415);
    // Another site's page: 403.
    let r = post_with(
        s.addr,
        "/feedback/request",
        &good(),
        "Origin: https://evil.example.com\r\n",
    );
    assert_eq!(r.status, 403, "{}", r.body);
    // GET on the form's address: 405.
    assert_eq!(get(s.addr, "/feedback/request", false).status, 405);
    // Nothing was stored by any of these.
    let conn = rusqlite::Connection::open(&s.db).unwrap();
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn the_form_is_rate_limited() {
    let s = TestServer::start_with(|o| {
        o.rate_limit = "2/min".parse().unwrap();
        o.shared_rate_limit = gongshi::feedback::RateLimit::OFF;
    });
    let mut statuses = Vec::new();
    for i in 0..4 {
        let name = format!("甲{i}");
        let mut f = good();
        f.retain(|(n, _)| *n != "name" && *n != "token");
        let mut f: Vec<(&str, &str)> = f;
        f.push(("name", &name));
        statuses.push(post(s.addr, "/feedback/request", &f, true).status);
    }
    assert_eq!(&statuses[..2], &[200, 200]);
    assert!(statuses[2..].contains(&429), "{statuses:?}");
}

fn requests(args: &[&str]) -> std::process::Output {
    let mut v = vec!["requests"];
    v.extend_from_slice(args);
    common::run(&v)
}

fn add(root: &Path, db: &str, received: &str, name: &str, init: bool) -> String {
    let root = root.to_str().unwrap();
    let mut args = vec![
        "add",
        "--root",
        root,
        "--db",
        db,
        "--channel",
        "信函",
        "--received",
        received,
        "--applicant-type",
        "法人或其他组织",
        "--name",
        name,
        "--contact",
        "0717-0000000",
        "--info",
        "某文件",
    ];
    if init {
        args.push("--init");
    }
    let o = requests(&args);
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    out.split_whitespace()
        .find(|w| w.starts_with("YS"))
        .map(|w| {
            w.trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_string()
        })
        .unwrap_or_else(|| panic!("no receipt in {out}"))
        .split('（')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn staff_commands_track_deadlines_and_fail_ci_when_overdue() {
    let site = common::site("example");
    let root = site.path();
    let db = root.join("private/feedback.db");
    let db_s = db.to_str().unwrap();
    let r_s = root.to_str().unwrap();
    // A letter received Fri 6 Feb 2026: due Thu 12 Mar (across 春节 and two 调休 Saturdays).
    let a = add(root, db_s, "2026-02-06", "甲公司", true);
    // A fax received Mon 2 Mar, 补正 asked on 5 Mar and received on Fri 20 Mar: due 20 Apr.
    let b = add(root, db_s, "2026-03-02", "乙公司", false);
    let ev = |args: &[&str]| {
        let mut v = vec!["event", "--root", r_s, "--db", db_s];
        v.extend_from_slice(args);
        requests(&v)
    };
    let o = ev(&[&b, "补正告知", "--date", "2026-03-05"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("待补正"), "{}", text(&o));
    let o = ev(&[&b, "补正收到", "--date", "2026-03-20"]);
    assert!(text(&o).contains("答复期限 2026-04-20"), "{}", text(&o));
    // An extension of 21 days, or a reply without its category: refused, exit 2, located.
    let o = ev(&[
        &b,
        "延期",
        "--date",
        "2026-04-01",
        "--days",
        "21",
        "--reason",
        "x",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(&b) && text(&o).contains("1 到 20"),
        "{}",
        text(&o)
    );
    let o = ev(&[&b, "答复", "--date", "2026-04-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = ev(&[
        &b,
        "答复",
        "--date",
        "2026-04-01",
        "--category",
        "不予公开-9",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // On Tue 10 Mar: `a` is due within 5 working days (3 left), nothing overdue: exit 0.
    let due = |now: &str| requests(&["due", "--root", r_s, "--db", db_s, "--now", now]);
    let o = due("2026-03-10");
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "{a}  办理中  答复期限 2026-03-12，还剩 3 个工作日"
        )),
        "{}",
        text(&o)
    );
    // On Mon 16 Mar `a` is 2 working days late: exit 1 for CI; `b` is not listed (20 Apr).
    let o = due("2026-03-16");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("已逾期 2 个工作日"), "{}", text(&o));
    assert!(!text(&o).contains(&b), "{}", text(&o));
    // Replied (late) with a fee: nothing overdue any more.
    let o = ev(&[
        &a,
        "答复",
        "--date",
        "2026-03-16",
        "--category",
        "部分公开",
        "--fee",
        "0",
    ]);
    assert!(text(&o).contains("逾期答复"), "{}", text(&o));
    assert!(due("2026-03-16").status.success());
    // The staff export has every request, personal data marked.
    let o = requests(&["export", "--root", r_s, "--db", db_s]);
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(
        csv.starts_with("回执编号,提交方式,申请人类型,【个人信息】申请人姓名或名称"),
        "{csv}"
    );
    assert!(csv.contains("甲公司") && csv.contains("乙公司"));
    assert!(csv.contains("部分公开"));
    // The log is append-only: the database refuses to change an event.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let e = conn.execute("UPDATE request_events SET record = 'x'", []);
    assert!(e.is_err());
    let e = conn.execute("DELETE FROM request_events", []);
    assert!(e.is_err());
    // Altered behind the triggers' back: `due` finds the broken chain and fails.
    conn.execute_batch(
        "DROP TRIGGER request_events_append_only_u;
         UPDATE request_events SET record = replace(record, '2026-03-20', '2026-03-27');",
    )
    .unwrap();
    let o = due("2026-03-16");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("办理记录被改动"), "{}", text(&o));
}

#[test]
fn a_request_never_reaches_public() {
    let site = common::site("example");
    let root = site.path();
    let s = TestServer::start();
    let r = post(s.addr, "/feedback/request", &good(), true);
    assert_eq!(r.status, 200, "{}", r.body);
    let out = root.join("public");
    let o = common::run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--now",
        common::NOW,
        "--feedback-db",
        s.db.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let mut files = 0;
    for e in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if !e.file_type().is_file() {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(e.path()).unwrap();
        let body = String::from_utf8_lossy(&bytes);
        for secret in [NAME, ID, CONTACT, "就业补贴资金发放明细"] {
            assert!(!body.contains(secret), "{secret} in {}", e.path().display());
        }
    }
    assert!(files > 50, "{files}");
    // The entry page: its form posts to the receiver with exactly the fields it reads, the
    // lookup form asks the status route, and the footer links to it.
    let page = std::fs::read_to_string(out.join("requests/index.html")).unwrap();
    assert!(page.contains("action=\"/feedback/request\""), "{page}");
    assert!(
        page.contains("action=\"/feedback/request-status\""),
        "{page}"
    );
    let start = page.find("action=\"/feedback/request\"").unwrap();
    let end = page.rfind("</form>").unwrap();
    let mut names: Vec<&str> = page[start..end]
        .split("name=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names,
        [
            "address",
            "applicant_type",
            "contact",
            "delivery",
            "id_number",
            "info",
            "name",
            "no",
            "token",
            "website"
        ]
    );
    let mut want: Vec<&str> = good().iter().map(|(k, _)| *k).collect();
    want.push("no");
    want.sort_unstable();
    assert_eq!(names, want);
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        home.contains("requests/\">依申请公开</a>"),
        "no footer link"
    );
}

#[test]
fn a_site_without_requests_has_no_request_page() {
    let site = common::site("example");
    let root = site.path();
    let toml = std::fs::read_to_string(root.join("site.toml")).unwrap();
    std::fs::write(
        root.join("site.toml"),
        toml.replace("[requests]\nenabled = true", "[requests]\nenabled = false"),
    )
    .unwrap();
    let out = root.join("public");
    let o = common::run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--now",
        common::NOW,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!out.join("requests").exists());
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains("依申请公开</a>"));
}

/// `gongshi check --feedback-db` lists requests due soon (a note) and overdue (an error, exit
/// 1), names the receipt, and says nothing about requests without the database.
#[test]
fn check_lists_due_and_overdue_requests_from_the_database() {
    let site = common::site("minimal");
    let root = site.path();
    let db = root.join("private/feedback.db");
    let db_s = db.to_str().unwrap();
    let r_s = root.to_str().unwrap();
    // Received Fri 6 Feb 2026: due Thu 12 Mar. Received Mon 2 Mar: due Mon 30 Mar.
    let a = add(root, db_s, "2026-02-06", "甲公司", true);
    let b = add(root, db_s, "2026-03-02", "乙公司", false);
    let check = |now: &str, extra: &[&str]| {
        let mut v = vec!["check", "--root", r_s, "--now", now];
        v.extend_from_slice(extra);
        common::run(&v)
    };
    // Without the database: nothing about requests, whatever their state.
    let o = check("2026-03-16T10:00:00+08:00", &[]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("requests."), "{}", text(&o));
    // Tue 10 Mar: `a` due within 5 working days — a note (never fails the check); `b`
    // (14 left) not listed.
    let o = check("2026-03-10T10:00:00+08:00", &["--feedback-db", db_s]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "提示[requests.due-soon]: 政府信息公开申请 {a} 将于 2026-03-12 到期，还剩 3 个工作日（办理中）"
        )),
        "{}",
        text(&o)
    );
    assert!(!text(&o).contains(&b), "{}", text(&o));
    // --requests-within 20 also lists `b`.
    let o = check(
        "2026-03-10T10:00:00+08:00",
        &["--feedback-db", db_s, "--requests-within", "20"],
    );
    assert!(text(&o).contains(&b), "{}", text(&o));
    // Mon 16 Mar: `a` is 2 working days late — an error, exit 1, in JSON too.
    let o = check("2026-03-16T10:00:00+08:00", &["--feedback-db", db_s]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "错误[requests.overdue]: 政府信息公开申请 {a} 已逾期未答复：答复期限 2026-03-12，已逾期 2 个工作日"
        )),
        "{}",
        text(&o)
    );
    let o = check(
        "2026-03-16T10:00:00+08:00",
        &["--feedback-db", db_s, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"requests.overdue"), "{codes:?}");
    // A consultation sent Thu 5 Mar for `b` stops its clock; by Thu 26 Mar (15 working days:
    // 6, 9–13, 16–20, 23–26 → 15; on 27 Mar 16) it is past the third party's 15 days: a
    // warning, and `b` is neither due nor overdue.
    let ev = |args: &[&str]| {
        let mut v = vec!["event", "--root", r_s, "--db", db_s];
        v.extend_from_slice(args);
        requests(&v)
    };
    let o = ev(&[
        &b,
        "征求第三方意见",
        "--date",
        "2026-03-05",
        "--reason",
        "丙公司",
    ]);
    assert!(text(&o).contains("征求意见中"), "{}", text(&o));
    let o = ev(&[&a, "答复", "--date", "2026-03-16", "--category", "予以公开"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = check("2026-03-26T10:00:00+08:00", &["--feedback-db", db_s]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        !text(&o).contains("requests.consultation-long"),
        "{}",
        text(&o)
    );
    let o = check("2026-03-27T10:00:00+08:00", &["--feedback-db", db_s]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "警告[requests.consultation-long]: 政府信息公开申请 {b} 自 2026-03-05 征求意见，已过 16 个工作日"
        )),
        "{}",
        text(&o)
    );
    // The answer on Fri 27 Mar: 3 used (3–5 Mar), 17 remain from 30 Mar (30–31, 1–3 Apr,
    // 4–6 清明, 7–10, 13–17, 20–22) → Wed 22 Apr.
    let o = ev(&[&b, "收到第三方意见", "--date", "2026-03-27"]);
    assert!(text(&o).contains("答复期限 2026-04-22"), "{}", text(&o));
    assert!(text(&o).contains("注意：征求意见"), "{}", text(&o));
    let o = requests(&[
        "due",
        "--root",
        r_s,
        "--db",
        db_s,
        "--now",
        "2026-04-20",
        "--within",
        "3",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "{b}  办理中  答复期限 2026-04-22，还剩 3 个工作日"
        )),
        "{}",
        text(&o)
    );
    // A database without request tables: nothing about requests.
    let empty = root.join("private/empty.db");
    rusqlite::Connection::open(&empty)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER);")
        .unwrap();
    let o = check(
        "2026-03-16T10:00:00+08:00",
        &["--feedback-db", empty.to_str().unwrap()],
    );
    assert!(!text(&o).contains("requests."), "{}", text(&o));
    // An altered log: an error naming what to do.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TRIGGER request_events_append_only_u;
         UPDATE request_events SET record = replace(record, '2026-03-27', '2026-03-20');",
    )
    .unwrap();
    let o = check("2026-03-16T10:00:00+08:00", &["--feedback-db", db_s]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("错误[requests.log]: 办理记录被改动"),
        "{}",
        text(&o)
    );
}

/// Requests by letter, in person or by fax, from a table a clerk keeps.
const REQUESTS_CSV: &str = "收到日期,提交方式,申请人类型,申请人姓名或名称,证件号码,联系方式,通信地址,所需信息描述,获取方式\n\
2026-02-06,信函,自然人,申请人欧阳青禾,420583199203031234,0717-1234567,枝江市马家店街道1号,2025年度农村公路建设资金使用情况,纸质文本\n\
2026/3/2,传真,商业企业,某某建材有限公司,,0717-7654321,,\"关于某项目环评批复的文件，\n含附件\",\n\
2026年3月9日,当面,自然人,申请人欧阳青禾,,0717-1234567,,某文件的全文,当场阅览抄录\n";

fn import_requests(root: &Path, db: &Path, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut v = vec![
        "import",
        "--root",
        root.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ];
    v.extend_from_slice(extra);
    v.push(file.to_str().unwrap());
    requests(&v)
}

/// A table of requests enters the same store and chain as `add` (receipts, 收到 events, the
/// applicants apart, deadlines on the calendar); a bad row refuses the whole file, located;
/// nothing is imported twice; a workbook reads as its CSV; a zip bomb is refused.
#[test]
fn requests_import_from_a_table_all_or_nothing() {
    let site = common::site("example");
    let root = site.path();
    let db = root.join("private/feedback.db");
    let csv = root.join("申请.csv");
    // A bad row (an unknown 申请人类型 and a date that does not exist) refuses the file:
    // every problem located, no database created.
    let bad = REQUESTS_CSV
        .replace("商业企业", "外星企业")
        .replace("2026年3月9日", "2026年2月30日");
    std::fs::write(&csv, &bad).unwrap();
    let o = import_requests(root, &db, &csv, &["--init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("发现 2 处问题，整个文件未导入"), "{out}");
    assert!(
        out.contains("申请.csv:3:3: “申请人类型”列：不认识的“外星企业”"),
        "{out}"
    );
    // The quoted description spans two lines: the third row starts on line 5.
    assert!(
        out.contains("申请.csv:5:1: “收到日期”列：无法识别的日期“2026年2月30日”"),
        "{out}"
    );
    assert!(!db.exists());

    std::fs::write(&csv, REQUESTS_CSV).unwrap();
    let o = import_requests(root, &db, &csv, &["--init"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert_eq!(out.matches("→ 回执 YS").count(), 3, "{out}");
    // Received Fri 6 Feb → due Thu 12 Mar (春节 and both 调休 Saturdays); 2 Mar → 30 Mar.
    assert!(out.contains("第2行 → 回执 YS"), "{out}");
    assert!(
        out.contains("（收到 2026-02-06，答复期限 2026-03-12）"),
        "{out}"
    );
    assert!(
        out.contains("（收到 2026-03-02，答复期限 2026-03-30）"),
        "{out}"
    );
    assert!(!out.contains("欧阳青禾"), "{out}");
    // The same file again: refused. A corrected copy with the same rows: refused row by row,
    // unless --allow-same-rows.
    let o = import_requests(root, &db, &csv, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("已经导入过"), "{}", text(&o));
    let copy = root.join("申请-副本.csv");
    std::fs::write(&copy, format!("{REQUESTS_CSV}\n")).unwrap();
    let o = import_requests(root, &db, &copy, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("申请-副本.csv:2:1: 与已录入的申请 YS"),
        "{}",
        text(&o)
    );
    // In the same store: `due`, `event` and `export` see them; the chain verifies.
    let (r_s, db_s) = (root.to_str().unwrap(), db.to_str().unwrap());
    let o = requests(&["due", "--root", r_s, "--db", db_s, "--now", "2026-03-16"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("已逾期未答复：1 件"), "{}", text(&o));
    let o = requests(&["export", "--root", r_s, "--db", db_s]);
    let exported = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(exported.matches("申请人欧阳青禾").count(), 2, "{exported}");
    assert!(
        exported.contains("关于某项目环评批复的文件，\n含附件"),
        "{exported}"
    );
    assert!(exported.contains(",传真,商业企业,"), "{exported}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let events: i64 = conn
        .query_row("SELECT count(*) FROM request_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 3);
    // Personal data only in the applicants' table.
    let public: String = conn
        .query_row(
            "SELECT group_concat(description || channel || applicant_type) FROM requests",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !public.contains("欧阳青禾") && !public.contains("0717"),
        "{public}"
    );
    drop(conn);
    // The built site holds none of it.
    let out = root.join("public");
    let o = common::run(&[
        "build",
        "--root",
        r_s,
        "--out",
        out.to_str().unwrap(),
        "--now",
        common::NOW,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    for e in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if e.file_type().is_file() {
            let bytes = std::fs::read(e.path()).unwrap();
            let s = String::from_utf8_lossy(&bytes);
            assert!(
                !s.contains("欧阳青禾") && !s.contains("0717-1234567"),
                "{}",
                e.path().display()
            );
        }
    }

    // A workbook of the same table: the same requests, located problems by cell.
    let book = root.join("申请.xlsx");
    let db2 = root.join("private/feedback2.db");
    requests_xlsx(&book, REQUESTS_CSV, |_, _, _| {});
    let o = import_requests(root, &db2, &book, &["--init"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("（收到 2026-02-06，答复期限 2026-03-12）"),
        "{}",
        text(&o)
    );
    let o = requests(&["export", "--root", r_s, "--db", db2.to_str().unwrap()]);
    let from_xlsx = String::from_utf8_lossy(&o.stdout).to_string();
    let strip = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| l.split_once(',').map_or(l, |(_, rest)| rest).to_string())
            .collect()
    };
    assert_eq!(strip(&exported), strip(&from_xlsx));
    let bad_book = root.join("坏.xlsx");
    let db3 = root.join("private/feedback3.db");
    requests_xlsx(&bad_book, REQUESTS_CSV, |r, c, v| {
        if (r, c) == (1, 1) {
            *v = "网上".into();
        }
    });
    let o = import_requests(root, &db3, &bad_book, &["--init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("坏.xlsx:2:2: 工作表“申请”第2行“提交方式”列（B2单元格）：不认识的“网上”"),
        "{}",
        text(&o)
    );
    assert!(!db3.exists());
    let bomb = crate::common::repo().join("tests/fixtures/import/bomb.xlsx");
    let o = import_requests(root, &db3, &bomb, &["--init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("解压后超过"), "{}", text(&o));
    assert!(!db3.exists());
}

/// Hostile tables: too large, not UTF-8, an over-long cell, a control character, a folder —
/// refused, bounded, nothing written.
#[test]
fn hostile_request_tables_are_refused_and_nothing_is_written() {
    let site = common::site("example");
    let root = site.path();
    let db = root.join("private/feedback.db");
    let big = root.join("big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(8 * 1024 * 1024 + 1).unwrap();
    let o = import_requests(root, &db, &big, &["--init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("超过 8 MB"), "{}", text(&o));
    let gbk = root.join("gbk.csv");
    std::fs::write(&gbk, b"\xca\xd5\xb5\xbd\xc8\xd5\xc6\xda\n").unwrap();
    let o = import_requests(root, &db, &gbk, &["--init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("不是 UTF-8 编码"), "{}", text(&o));
    // A description over 5000 characters and a control character: located, refused.
    let long = root.join("long.csv");
    let head = REQUESTS_CSV.lines().next().unwrap();
    std::fs::write(
        &long,
        format!(
            "{head}\n2026-03-02,信函,自然人,张三,,1,,{},\n2026-03-02,信函,自然人,张{}三,,1,,某文件,\n",
            "字".repeat(5001),
            '\u{1b}'
        ),
    )
    .unwrap();
    let o = import_requests(root, &db, &long, &["--init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("long.csv:2:8: “所需信息描述”列：过长（最多 5000 字）"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("long.csv:3:4:") && text(&o).contains("控制字符"),
        "{}",
        text(&o)
    );
    let dir = root.join("dir.csv");
    std::fs::create_dir(&dir).unwrap();
    let o = import_requests(root, &db, &dir, &["--init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("不是文件"), "{}", text(&o));
    assert!(!db.exists());
}

/// `csv` as a workbook with sheet 申请; `edit` may change a cell (row, column) first.
fn requests_xlsx(out: &Path, csv: &str, edit: impl Fn(usize, usize, &mut String)) {
    use rust_xlsxwriter::Workbook;
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("申请").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let mut v = v.clone();
            edit(r, c, &mut v);
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, &v).unwrap();
            }
        }
    }
    wb.save(out).unwrap();
}

/// Requests already being handled when they are entered carry their history: each filled
/// date column is one event of the log, in the order they happened.
const HISTORY_CSV: &str = "收到日期,提交方式,申请人类型,申请人姓名或名称,联系方式,所需信息描述,补正告知日期,补正收到日期,征求意见日期,征求意见说明,收到意见日期,延期批准日期,延期工作日,延期理由,答复日期,答复类别,信息处理费\n\
2026-03-02,信函,自然人,申请人甲,1,补正后办理的申请,2026-03-04,2026-03-10,,,,,,,,,\n\
2026-03-02,信函,自然人,申请人乙,2,待补正的申请,2026-03-03,,,,,,,,,,\n\
2026-03-02,信函,商业企业,申请人丙,3,延期的申请,,,,,,2026-03-25,20,涉及档案检索，需要调取历年纸质档案,,,\n\
2026-03-02,传真,自然人,申请人丁,4,征求第三方意见的申请,,,2026-03-05,某某公司,,,,,,,\n\
2026-02-06,当面,法律服务机构,申请人戊,5,已答复的申请,,,,,,,,,2026-03-10,不予公开-4,0\n";

#[test]
fn requests_import_carries_each_requests_history() {
    let site = common::site("example");
    let root = site.path();
    let db = root.join("private/feedback.db");
    let csv = root.join("申请.csv");
    std::fs::write(&csv, HISTORY_CSV).unwrap();
    let o = import_requests(root, &db, &csv, &["--init"]);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("（收到 2026-03-02，待补正，暂停计算答复期限）"),
        "{out}"
    );
    assert!(
        out.contains("（收到 2026-03-02，征求意见中，暂停计算答复期限）"),
        "{out}"
    );
    assert!(
        out.contains("（收到 2026-02-06，2026-03-10 已答复）"),
        "{out}"
    );
    // 1 收到 each, plus 2 (补正 and its answer), 1 (补正 awaited), 1 (延期), 1 (征求意见)
    // and 1 (答复).
    let conn = rusqlite::Connection::open(&db).unwrap();
    let events: i64 = conn
        .query_row("SELECT count(*) FROM request_events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events, 5 + 2 + 1 + 1 + 1 + 1);
    drop(conn);
    let (r_s, db_s) = (root.to_str().unwrap(), db.to_str().unwrap());
    let o = requests(&["export", "--root", r_s, "--db", db_s]);
    assert!(o.status.success(), "{}", text(&o));
    let mut rd = csv::Reader::from_reader(o.stdout.as_slice());
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    let row = |desc: &str| {
        rows.iter()
            .find(|r| &r[7] == desc)
            .unwrap_or_else(|| panic!("no row {desc}"))
            .clone()
    };
    // 状态, 答复期限, 延期工作日, 答复日期, 办理结果, 信息处理费 (columns 10–15).
    let tail = |desc: &str| -> Vec<String> {
        row(desc)
            .iter()
            .skip(10)
            .take(6)
            .map(str::to_string)
            .collect()
    };
    // 补正 received Tue 10 Mar: 20 working days from then, 清明 (Mon 6 Apr) off → Wed 8 Apr.
    assert_eq!(
        tail("补正后办理的申请"),
        ["办理中", "2026-04-08", "0", "", "", ""]
    );
    assert_eq!(tail("待补正的申请"), ["待补正", "", "0", "", "", ""]);
    // Due Mon 30 Mar, extended by 20 working days (清明 off) → Tue 28 Apr.
    assert_eq!(
        tail("延期的申请"),
        ["已延期", "2026-04-28", "20", "", "", ""]
    );
    assert_eq!(
        tail("征求第三方意见的申请"),
        ["征求意见中", "", "0", "", "", ""]
    );
    assert_eq!(
        tail("已答复的申请"),
        [
            "已答复",
            "2026-03-12",
            "0",
            "2026-03-10",
            "不予公开-保护第三方合法权益",
            "0"
        ]
    );
    assert!(
        row("延期的申请")[16]
            .contains("2026-03-25 延期 20个工作日（涉及档案检索，需要调取历年纸质档案）"),
        "{:?}",
        row("延期的申请")
    );
    assert!(
        row("征求第三方意见的申请")[16].contains("2026-03-05 征求第三方意见（某某公司）"),
        "{:?}",
        row("征求第三方意见的申请")
    );

    // A history that breaks the rules refuses the whole file, each problem at its cell.
    let bad = HISTORY_CSV
        // 补正 received with no notice.
        .replace("2026-03-04,2026-03-10", ",2026-03-10")
        // An extension of 25 working days.
        .replace("2026-03-25,20,", "2026-03-25,25,")
        // A reply category that is not one.
        .replace("不予公开-4", "不予公开-9");
    // An extension after the reply (the log refuses it, located at 延期批准日期).
    let bad = format!(
        "{bad}2026-02-06,当面,自然人,申请人己,6,答复后又延期,,,,,,2026-03-11,5,理由,2026-03-10,予以公开,\n"
    );
    let csv2 = root.join("坏申请.csv");
    std::fs::write(&csv2, bad).unwrap();
    let db2 = root.join("private/feedback2.db");
    let o = import_requests(root, &db2, &csv2, &["--init"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let out = text(&o);
    assert!(out.contains("发现 4 处问题，整个文件未导入"), "{out}");
    assert!(
        out.contains(
            "坏申请.csv:2:8: “补正收到日期”列：填写了“补正收到日期”，但没有“补正告知日期”"
        ),
        "{out}"
    );
    assert!(
        out.contains("坏申请.csv:4:13: “延期工作日”列：“25”不是 1 到 20 的工作日数"),
        "{out}"
    );
    assert!(
        out.contains("坏申请.csv:6:16: “答复类别”列：不认识的“不予公开-9”"),
        "{out}"
    );
    assert!(
        out.contains("坏申请.csv:7:12: “延期批准日期”列：该申请已答复，不能再记录其他环节"),
        "{out}"
    );
    assert!(!db2.exists());
}

/// The request store on PostgreSQL (`--db postgres://…`) end to end: the online form on a
/// receiver started with the URL and nothing else, the status page, staff entry, import,
/// events, `due`, `export` and `check --feedback-db` on the URL, personal data only in the
/// applicants' table. Skipped (saying why) only when no PostgreSQL server can be started.
#[test]
fn the_request_store_on_postgres_end_to_end() {
    use crate::feedback_common::{free_port, spawn_server, write_site_fixture, Server};
    let Some(url) = crate::pg_common::fresh_url("requests::the_request_store_on_postgres") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    write_site_fixture(&root);
    let r_s = root.to_str().unwrap();
    let port = free_port();
    let server = Server(spawn_server(
        &root,
        Path::new(&url),
        port,
        &["--rate-limit", "off"],
    ));
    let addr: std::net::SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let r = post(addr, "/feedback/request", &good(), true);
    assert_eq!(r.status, 200, "{}", r.body);
    let online = r.json()["receipt"].as_str().unwrap().to_string();
    assert!(online.starts_with("YS20261125-0001-"), "{online}");
    let again = post(addr, "/feedback/request", &good(), true).json();
    assert_eq!(again["receipt"], online.as_str());
    assert_eq!(again["duplicate"], true);
    let j = get(addr, &format!("/receipt/{online}"), true).json();
    assert_eq!(j["due"], "2026-12-23");
    assert!(!j.to_string().contains(NAME));
    drop(server);

    // Staff entry, import and events on the URL: the same store and chain.
    let a = add(&root, &url, "2026-02-06", "甲公司", false);
    let csv = root.join("申请.csv");
    std::fs::write(&csv, REQUESTS_CSV).unwrap();
    let o = requests(&["import", "--root", r_s, "--db", &url, csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(text(&o).matches("→ 回执 YS").count(), 3, "{}", text(&o));
    let o = requests(&["import", "--root", r_s, "--db", &url, csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("已经导入过"), "{}", text(&o));
    let o = requests(&[
        "event",
        "--root",
        r_s,
        "--db",
        &url,
        &online,
        "补正告知",
        "--date",
        "2026-11-26",
    ]);
    assert!(text(&o).contains("待补正"), "{}", text(&o));
    // On Mon 16 Mar 2026: `a` and the imported letter of 6 Feb are overdue (exit 1).
    let o = requests(&["due", "--root", r_s, "--db", &url, "--now", "2026-03-16"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("已逾期未答复：2 件"), "{}", text(&o));
    assert!(text(&o).contains(&a), "{}", text(&o));
    let o = common::run(&[
        "check",
        "--root",
        r_s,
        "--now",
        "2026-03-16T10:00:00+08:00",
        "--feedback-db",
        &url,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "错误[requests.overdue]: 政府信息公开申请 {a} 已逾期未答复"
        )),
        "{}",
        text(&o)
    );
    let o = requests(&["export", "--root", r_s, "--db", &url]);
    let exported = String::from_utf8_lossy(&o.stdout).to_string();
    assert_eq!(
        exported.lines().filter(|l| l.starts_with("YS")).count(),
        5,
        "{exported}"
    );
    assert!(
        exported.contains(NAME) && exported.contains("甲公司"),
        "{exported}"
    );
    // Personal data only in the applicants' table.
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let public: String = c
        .query_one(
            "SELECT string_agg(description || channel || applicant_type || submitted, '|')
             FROM feedback_requests",
            &[],
        )
        .unwrap()
        .get(0);
    for secret in [NAME, ID, CONTACT, "甲公司", "欧阳青禾"] {
        assert!(
            !public.contains(secret),
            "{secret} outside the applicants' table"
        );
    }
    let events: String = c
        .query_one(
            "SELECT string_agg(record, '|') FROM feedback_request_events",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(
        !events.contains(NAME) && !events.contains("甲公司"),
        "{events}"
    );
}

/// `feedback migrate` moves the requests with the comments, entry by entry: the receiver on
/// PostgreSQL answers the old request receipts and numbers new ones after them.
#[test]
fn migrate_moves_requests_to_postgres() {
    let Some(url) = crate::pg_common::fresh_url("requests::migrate_moves_requests") else {
        return;
    };
    let site = common::site("example");
    let root = site.path();
    let r_s = root.to_str().unwrap();
    let db = root.join("private/feedback.db");
    let db_s = db.to_str().unwrap();
    let a = add(root, db_s, "2026-02-06", "甲公司", true);
    let o = requests(&[
        "event",
        "--root",
        r_s,
        "--db",
        db_s,
        &a,
        "答复",
        "--date",
        "2026-03-10",
        "--category",
        "予以公开",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let b = add(root, db_s, "2026-03-02", "乙公司", false);
    let o = common::run(&["feedback", "migrate", "--from", db_s, "--to", &url]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("2 件依申请公开申请"), "{}", text(&o));
    let export = |db: &str| {
        let o = requests(&["export", "--root", r_s, "--db", db]);
        assert!(o.status.success(), "{}", text(&o));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    assert_eq!(export(&url), export(db_s));
    assert!(export(&url).contains(&b));
    let c = add(root, &url, "2026-03-03", "丙公司", false);
    assert!(c != a && c != b);
    let o = requests(&["due", "--root", r_s, "--db", &url, "--now", "2026-03-03"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("无法判断"), "{}", text(&o));
}
