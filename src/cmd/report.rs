//! `gongshi report annual|enforcement YEAR`: the figures of an annual report as the site
//! computes them (every cell with its id, for `overrides`), and the two steps that write into
//! the report's record: `--db` counts the request register (the feedback database, which the
//! static build never reads) into `requests` and `requests_hash`; `--seal` writes `seal`, the
//! hash of every figure, when the report is published.

use crate::cli::{Format, ReportArgs, ReportWhich};
use crate::content::kinds::report::{
    count_requests, num_text, num_value, requests_hash, CountedRequest, Report, ReportType,
    RequestRow,
};
use crate::content::{load::LoadCache, load_site_lenient, Data, Kind, LoadOptions, Site};
use crate::error::Error;
use crate::feedback::requests::model::EventKind;
use std::path::{Path, PathBuf};

pub(super) fn run(a: ReportArgs) -> Result<(), Error> {
    let report = match a.which {
        ReportWhich::Annual => ReportType::OpenGov,
        ReportWhich::Enforcement => ReportType::Enforcement,
    };
    if !(1990..=9999).contains(&a.year) {
        return Err(Error::Usage(format!(
            "报告年度 {} 不对：请写四位年份，如 2025",
            a.year
        )));
    }
    let mut site = load(&a.root)?;
    if let Some(db) = &a.db {
        if report != ReportType::OpenGov {
            return Err(Error::Usage(
                "--db 只用于政府信息公开工作年度报告（gongshi report annual 年度 --db …）".into(),
            ));
        }
        let file = record_file(&site, report, a.year)?;
        let rows = register_rows(db, a.year)?;
        let hash = requests_hash(&rows);
        let text = read(&file)?;
        let text = set_key(&text, "requests", &requests_yaml(&rows))
            .and_then(|t| set_key(&t, "requests_hash", &format!("requests_hash: {hash}\n")))
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{} 没有可识别的前置信息（--- 之间的 YAML）",
                    file.display()
                ))
            })?;
        write(&file, &text)?;
        eprintln!("已写入依申请公开情况：{}（校验值 {hash}）", file.display());
        site = load(&a.root)?;
    }
    let rep = find(&site, report, a.year).cloned();
    let tables = match &rep {
        Some(r) => r.tables(&site),
        None => Report::blank(report, a.year).tables(&site),
    };
    if a.seal {
        let file = record_file(&site, report, a.year)?;
        let seal = Report::seal_of(&tables);
        let text = read(&file)?;
        let text = set_key(&text, "seal", &format!("seal: {seal}\n")).ok_or_else(|| {
            Error::Usage(format!(
                "{} 没有可识别的前置信息（--- 之间的 YAML）",
                file.display()
            ))
        })?;
        write(&file, &text)?;
        eprintln!("已封存：{}（seal: {seal}）", file.display());
    }
    match a.format {
        Format::Json => {
            let cells: Vec<serde_json::Value> = tables
                .iter()
                .flat_map(|t| {
                    t.rows.iter().flat_map(move |row| {
                        row.cells.iter().map(move |c| {
                            serde_json::json!({
                                "id": c.id, "table": t.id, "row": row.label, "column": c.column,
                                "value": c.value.map(num_value), "computed": c.computed.map(num_value),
                                "override_reason": c.override_reason, "source": c.source,
                                "records": c.records,
                            })
                        })
                    })
                })
                .collect();
            let out = serde_json::json!({
                "year": a.year,
                "report": report,
                "record": rep.is_some(),
                "seal": Report::seal_of(&tables),
                "cells": cells,
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        Format::Text => {
            let title = Report::blank(report, a.year).heading();
            let mut out = format!("{title}\n");
            if rep.is_none() {
                out.push_str(&format!(
                    "（还没有报告记录：content/reports/ 中新建 year: {}、report: {report} 的记录后，页面才会发布）\n",
                    a.year
                ));
            }
            for t in &tables {
                out.push_str(&format!("\n【{}】{}\n", t.id, t.title));
                for row in &t.rows {
                    if let Some(h) = row.heading {
                        out.push_str(&format!("  {h}\n"));
                    }
                    for c in &row.cells {
                        let v = c.value.map_or("未注明".to_string(), num_text);
                        let mut line = format!("  {}  {v}", c.id);
                        if let Some(reason) = &c.override_reason {
                            line.push_str(&format!(
                                "（人工调整：{reason}；系统统计 {}）",
                                c.computed.map_or("未注明".to_string(), num_text)
                            ));
                        } else if !c.records.is_empty() {
                            line.push_str(&format!("  ← {}", c.records.join("、")));
                        }
                        out.push_str(&line);
                        out.push('\n');
                    }
                }
            }
            out.push_str(&format!(
                "\n校验值（--seal 写入 seal）：{}\n",
                Report::seal_of(&tables)
            ));
            print!("{out}");
        }
    }
    Ok(())
}

fn load(root: &Path) -> Result<Site, Error> {
    let opts = LoadOptions {
        drafts: true,
        prescan: None,
    };
    // Lenient: a report whose request block no longer matches its hash is an error of the
    // site, and `--db` is how it is repaired.
    load_site_lenient(root, &opts, &mut LoadCache::default())
        .map(|(site, _)| site)
        .map_err(Error::Content)
}

fn find(site: &Site, report: ReportType, year: i64) -> Option<&Report> {
    site.of_kind(Kind::Report).find_map(|r| match &r.data {
        Data::Report(x) if x.report == report && x.year == year => Some(&**x),
        _ => None,
    })
}

fn record_file(site: &Site, report: ReportType, year: i64) -> Result<PathBuf, Error> {
    site.of_kind(Kind::Report)
        .find(|r| matches!(&r.data, Data::Report(x) if x.report == report && x.year == year))
        .map(|r| site.root.join(&r.source))
        .ok_or_else(|| {
            Error::Usage(format!(
                "没有 {year} 年度“{report}”报告的记录：请先新建 content/reports/{year}{}.md（year: {year}，report: {report}）",
                if report == ReportType::Enforcement { "-enforcement" } else { "" }
            ))
        })
}

/// Table 三 from the register: every request's type, received day and first reply.
fn register_rows(db: &Path, year: i64) -> Result<Vec<RequestRow>, Error> {
    let shown = db.to_string_lossy();
    if !crate::feedback::backend::is_url(&shown) && !db.is_file() {
        return Err(Error::Usage(format!("找不到反馈数据库 {}", db.display())));
    }
    let all = match crate::feedback::requests::store::open_existing(&shown)? {
        Some(mut store) => store.all(false)?,
        None => Vec::new(),
    };
    let mut counted = Vec::with_capacity(all.len());
    for q in &all {
        let Some(received) = q
            .events
            .iter()
            .find(|e| e.kind == EventKind::Received)
            .map(|e| e.date)
        else {
            return Err(Error::Usage(format!(
                "申请 {} 没有“收到”记录，无法计入年度报告",
                q.receipt
            )));
        };
        let replied = match q.events.iter().find(|e| e.kind == EventKind::Replied) {
            Some(e) => match e.category {
                Some(c) => Some((e.date, c.as_str())),
                None => {
                    return Err(Error::Usage(format!(
                        "申请 {} 的答复没有类别，无法计入表三：请用 gongshi requests event 补记",
                        q.receipt
                    )))
                }
            },
            None => None,
        };
        counted.push(CountedRequest {
            applicant_type: q.applicant_type.as_str(),
            received,
            replied,
        });
    }
    count_requests(year, &counted).map_err(Error::Usage)
}

/// The `requests:` block as YAML (words quoted as JSON strings, which YAML reads as they are).
fn requests_yaml(rows: &[RequestRow]) -> String {
    let mut s = String::from("requests:\n");
    for r in rows {
        let q = serde_json::to_string(&r.row).unwrap_or_default();
        s.push_str(&format!(
            "  - {{row: {q}, person: {}, business: {}, research: {}, nonprofit: {}, legal: {}, other: {}}}\n",
            r.person, r.business, r.research, r.nonprofit, r.legal, r.other
        ));
    }
    s
}

/// The record's text with the top-level key `key` (and the lines under it) replaced by
/// `block`, or `block` added at the end of the front matter. `None`: no front matter found.
fn set_key(text: &str, key: &str, block: &str) -> Option<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // The front matter's lines: between the `---` lines of a Markdown file, or all of YAML.
    let (start, end) = if lines.first().is_some_and(|l| l.trim_end() == "---") {
        let close = lines
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, l)| l.trim_end() == "---")?
            .0;
        (1, close)
    } else {
        (0, lines.len())
    };
    let prefix = format!("{key}:");
    let mut out: Vec<&str> = Vec::with_capacity(lines.len() + 32);
    out.extend_from_slice(&lines[..start]);
    let mut i = start;
    let mut placed = false;
    while i < end {
        let l = lines[i];
        if l.starts_with(&prefix) {
            out.push(block);
            placed = true;
            i += 1;
            while i < end
                && (lines[i].starts_with(' ')
                    || lines[i].starts_with('-')
                    || lines[i].starts_with('\t'))
            {
                i += 1;
            }
            continue;
        }
        out.push(l);
        i += 1;
    }
    let mut s: String = out.concat();
    if !placed {
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(block);
    }
    for l in &lines[end..] {
        s.push_str(l);
    }
    Some(s)
}

fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::Io(format!("无法读取 {}：{e}", path.display())))
}

fn write(path: &Path, text: &str) -> Result<(), Error> {
    std::fs::write(path, text).map_err(|e| Error::Io(format!("无法写入 {}：{e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::set_key;

    #[test]
    fn set_key_replaces_a_block_or_adds_it_at_the_end_of_the_front_matter() {
        let md = "---\ntitle: x\nrequests:\n  - {row: a}\n- {row: b}\nyear: 2025\n---\n\nbody\n";
        assert_eq!(
            set_key(md, "requests", "requests: []\n").as_deref(),
            Some("---\ntitle: x\nrequests: []\nyear: 2025\n---\n\nbody\n")
        );
        assert_eq!(
            set_key(md, "seal", "seal: s\n").as_deref(),
            Some("---\ntitle: x\nrequests:\n  - {row: a}\n- {row: b}\nyear: 2025\nseal: s\n---\n\nbody\n")
        );
        assert_eq!(set_key("---\ntitle: x\n", "seal", "seal: s\n"), None);
        assert_eq!(
            set_key("title: x", "seal", "seal: s\n").as_deref(),
            Some("title: x\nseal: s\n")
        );
        // A key that merely starts the same is another key.
        assert_eq!(
            set_key("---\nrequests_hash: h\n---\n", "requests", "requests: []\n").as_deref(),
            Some("---\nrequests_hash: h\nrequests: []\n---\n")
        );
    }
}
