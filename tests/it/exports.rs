//! End-to-end tests of the machine-readable exports of the example site: Atom feeds, the
//! sitemap and robots.txt, the iCalendar feed, open data (JSON + schemas, CSV) and the
//! catalogue facets. Every format is read back with an independent parser crate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const BASE: &str = "https://rsj.zhijiang.example.gov.cn/";
/// The withdrawn decision of the example site (status 已撤销) and the ways it could show.
const WITHDRAWN: [&str; 4] = [
    "2026-fa-013",
    "枝人社罚〔2026〕13号",
    "远航物流",
    "ZJRSJ/2026-00029",
];

/// The example site, built once for this test binary.
fn built() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("exports-example");
        let _ = std::fs::remove_dir_all(&dir);
        build_example(&dir);
        dir
    })
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(built().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn assert_no_withdrawn(rel: &str, text: &str) {
    for w in WITHDRAWN {
        assert!(
            !text.contains(w),
            "{rel} mentions the withdrawn decision ({w})"
        );
    }
}

const SECTIONS: [&str; 15] = [
    "duties",
    "documents",
    "procedures",
    "fees",
    "permits",
    "consultations",
    "enforcement",
    "replies",
    "decision-catalogues",
    "decisions",
    "officers",
    "spot-check-lists",
    "spot-check-plans",
    "accountability",
    "reports",
];

#[test]
fn the_site_feed_is_valid_atom_with_absolute_links_and_dated_entries() {
    let feed: atom_syndication::Feed = read("atom.xml").parse().unwrap();
    assert_eq!(feed.id(), BASE);
    assert_eq!(feed.title().as_str(), "枝江县人力资源和社会保障局");
    let links: Vec<(&str, &str)> = feed.links().iter().map(|l| (l.rel(), l.href())).collect();
    assert!(links.contains(&("self", "https://rsj.zhijiang.example.gov.cn/atom.xml")));
    assert!(links.contains(&("alternate", BASE)));
    let entries = feed.entries();
    assert!(!entries.is_empty() && entries.len() <= 50);
    // The feed's date is its newest entry's, not the build clock.
    let newest = entries.iter().map(|e| *e.updated()).max().unwrap();
    assert_eq!(*feed.updated(), newest);
    assert_ne!(feed.updated().to_rfc3339(), "2026-11-25T10:00:00+08:00");
    for e in entries {
        assert!(e.id().starts_with(BASE), "{}", e.id());
        assert_eq!(e.links()[0].href(), e.id());
        let published = e.published().expect("published");
        assert_eq!(published.offset().local_minus_utc(), 8 * 3600);
        assert_eq!(published.format("%H:%M:%S").to_string(), "00:00:00");
        assert!(e.updated() >= published);
        assert!(!e.authors().is_empty());
        assert!(
            e.summary().is_some_and(|s| !s.as_str().is_empty()),
            "{}",
            e.id()
        );
    }
    // Newest first.
    let dates: Vec<_> = entries.iter().map(|e| *e.published().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    // The open consultation is in it.
    assert!(entries
        .iter()
        .any(|e| e.id() == format!("{BASE}consultations/skills-subsidy-measures/")));
}

#[test]
fn every_section_has_its_own_feed() {
    for s in SECTIONS {
        let rel = format!("{s}/atom.xml");
        let feed: atom_syndication::Feed = read(&rel).parse().unwrap();
        assert_eq!(feed.id(), format!("{BASE}{s}/"));
        for e in feed.entries() {
            assert!(
                e.id().starts_with(&format!("{BASE}{s}/")),
                "{rel}: {}",
                e.id()
            );
        }
        assert!(!feed.entries().is_empty(), "{rel} is empty");
    }
    // The list pages announce them (autodiscovery).
    assert!(read("enforcement/index.html").contains("/enforcement/atom.xml"));
}

#[test]
fn the_sitemap_lists_every_indexable_page_with_lastmod() {
    let xml = read("sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    let mut locs = Vec::new();
    for url in root.children().filter(|n| n.is_element()) {
        let child = |name: &str| {
            url.children()
                .find(|c| c.tag_name().name() == name)
                .and_then(|c| c.text())
                .map(str::to_string)
        };
        let loc = child("loc").unwrap();
        assert!(loc.starts_with(BASE), "{loc}");
        let lastmod = child("lastmod");
        if loc.contains("/enforcement/") || loc.contains("/documents/") || loc == BASE {
            let d = lastmod.unwrap_or_else(|| panic!("{loc} has no lastmod"));
            assert!(d.len() == 10 && d.as_bytes()[4] == b'-', "{d}");
        }
        locs.push(loc);
    }
    for must in [
        BASE.to_string(),
        format!("{BASE}catalog/"),
        format!("{BASE}enforcement/"),
        format!("{BASE}enforcement/2026-fa-012/"),
        format!("{BASE}consultations/skills-subsidy-measures/"),
        format!("{BASE}about/"),
        format!("{BASE}catalog/year/2026/"),
    ] {
        assert!(locs.contains(&must), "{must} missing from sitemap.xml");
    }
    assert!(!locs.iter().any(|l| l.ends_with("404.html")));
    let mut sorted = locs.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), locs.len(), "duplicate URLs");
    assert_no_withdrawn("sitemap.xml", &xml);
    let robots = read("robots.txt");
    assert!(
        robots.contains(&format!("Sitemap: {BASE}sitemap.xml")),
        "{robots}"
    );
}

#[test]
fn the_calendar_has_one_all_day_event_for_the_open_consultation() {
    let bytes = std::fs::read(built().join("consultations.ics")).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    // CRLF everywhere, and no physical line above 75 octets.
    assert!(text.ends_with("\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(&bytes[..]));
    let cal = parser.next().unwrap().unwrap();
    assert!(parser.next().is_none());
    assert_eq!(cal.events.len(), 1, "{text}");
    let ev = &cal.events[0];
    let prop = |name: &str| {
        ev.properties
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    };
    assert_eq!(
        prop("UID").value.as_deref(),
        Some("skills-subsidy-measures@rsj.zhijiang.example.gov.cn")
    );
    // Opened 2026-11-20 for 10 working days: closes at 24:00 on 2026-12-04.
    let start = prop("DTSTART");
    assert_eq!(start.value.as_deref(), Some("20261204"));
    let params = start.params.clone().unwrap_or_default();
    assert!(params
        .iter()
        .any(|(k, v)| k == "VALUE" && v == &vec!["DATE".to_string()]));
    assert_eq!(prop("DTEND").value.as_deref(), Some("20261205"));
    assert_eq!(
        prop("SUMMARY").value.as_deref(),
        Some("意见征集截止：制定《枝江县职业技能提升补贴实施办法》")
    );
    // DTSTAMP is the published date (2026-11-20 00:00 +08:00), never the build clock.
    assert_eq!(prop("DTSTAMP").value.as_deref(), Some("20261119T160000Z"));
    assert_eq!(
        prop("URL").value.as_deref(),
        Some("https://rsj.zhijiang.example.gov.cn/consultations/skills-subsidy-measures/")
    );
    let desc = prop("DESCRIPTION").value.clone().unwrap();
    assert!(desc.contains("截至2026年12月4日24:00"), "{desc}");
    // The consultation page links the feed.
    assert!(read("consultations/skills-subsidy-measures/index.html").contains("consultations.ics"));
}

fn validator(schema: &serde_json::Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap()
}

fn json(rel: &str) -> serde_json::Value {
    serde_json::from_str(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn every_json_file_is_valid_against_its_published_schema() {
    let index = json("data/index.json");
    let v = validator(&json("data/index.schema.json"));
    let errors: Vec<String> = v.iter_errors(&index).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "index.json: {errors:?}");
    let datasets = index["datasets"].as_array().unwrap();
    let mut json_files = 0;
    for d in datasets {
        let url = d["url"].as_str().unwrap();
        let rel = url.strip_prefix(BASE).unwrap();
        assert!(built().join(rel).is_file(), "{rel} listed but missing");
        if d["format"] == "json" {
            json_files += 1;
            let schema_rel = d["schema"].as_str().unwrap().strip_prefix(BASE).unwrap();
            let schema = json(schema_rel);
            assert_eq!(
                schema["$schema"],
                "https://json-schema.org/draft/2020-12/schema"
            );
            let data = json(rel);
            let v = validator(&schema);
            let errors: Vec<String> = v
                .iter_errors(&data)
                .map(|e| format!("{}: {e}", e.instance_path))
                .collect();
            assert!(errors.is_empty(), "{rel}: {errors:?}");
            let items = data.as_array().unwrap();
            assert_eq!(d["records"].as_u64(), Some(items.len() as u64), "{rel}");
            assert!(!items.is_empty(), "{rel} is empty");
            for it in items {
                assert!(it["url"].as_str().unwrap().starts_with(BASE));
            }
        }
    }
    assert_eq!(json_files, SECTIONS.len());
    // A schema rejects what it should: an unknown field, a bad date.
    let schema = json("data/enforcement.schema.json");
    let mut data = json("data/enforcement.json");
    data[0]["extra"] = serde_json::json!(1);
    assert!(!validator(&schema).is_valid(&data));
    let mut data = json("data/enforcement.json");
    data[0]["decided"] = serde_json::json!("2026/09/15");
    assert!(!validator(&schema).is_valid(&data));
}

#[test]
fn open_data_leaves_out_withdrawn_decisions_and_personal_codes() {
    for rel in [
        "data/enforcement.json",
        "data/enforcement.csv",
        "data/index.json",
    ] {
        assert_no_withdrawn(rel, &read(rel));
    }
    let data = json("data/enforcement.json");
    for d in data.as_array().unwrap() {
        assert_eq!(d["status"], "有效");
        if d["party"]["type"] == "自然人" {
            assert!(d["party"]["credit_code"].is_null());
            let name = d["party"]["name"].as_str().unwrap();
            assert!(name.ends_with('某'), "{name}");
        }
    }
    // Dates are YYYY-MM-DD.
    assert!(data[0]["decided"].as_str().unwrap().len() == 10);
    // Replies carry no 留言人.
    for r in json("data/replies.json").as_array().unwrap() {
        assert!(r.get("asker").is_none());
    }
}

fn csv_of(rel: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let bytes = std::fs::read(built().join(rel)).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "{rel} has no BOM");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.contains("\r\n"));
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r.records().map(|x| x.unwrap()).collect();
    (headers, rows)
}

#[test]
fn csv_files_have_their_headers_and_one_row_per_item() {
    let (h, rows) = csv_of("data/fees.csv");
    assert_eq!(
        h,
        [
            "收费项目编号",
            "收费项目名称",
            "收费标准项目",
            "金额（元）",
            "计费单位",
            "备注",
            "缴费对象",
            "收费依据",
            "发布日期",
            "网址",
            "上级收费标准项目",
            "标准形式",
            "收费标准",
            "最低金额（元）",
            "最高金额（元）",
            "费率",
            "费率单位",
            "计费基数",
            "收费标准（文字）",
            "本项依据"
        ]
    );
    let fees = json("data/fees.json");
    let standards: usize = fees
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["standards"].as_array().unwrap())
        .map(|s| 1 + s["items"].as_array().unwrap().len())
        .sum();
    assert_eq!(rows.len(), standards);
    for r in &rows {
        // A fixed amount is a number; other forms leave the column empty.
        assert!(
            (r[11] == *"fixed") == r[3].parse::<f64>().is_ok(),
            "{:?}",
            r
        );
    }
    let (h, rows) = csv_of("data/enforcement.csv");
    assert_eq!(h[0], "决定书文号");
    // Columns are only ever appended (docs/open-data.md): the first 12, then the six of
    // issue 18 (案由 … 不予公开的原因), then the ten of issue 21 (legal review, officers, plan,
    // the derived 重大执法决定 and its rule), then the three typed outcomes of issue 22.
    assert_eq!(h.len(), 31);
    assert_eq!(h[11], "网址");
    assert_eq!(
        h[12..],
        [
            "案由",
            "法定代表人",
            "住所",
            "救济途径",
            "被复议的决定",
            "不予公开的原因",
            "标明为重大执法决定",
            "法制审核机构",
            "法制审核提交日期",
            "法制审核日期",
            "法制审核意见",
            "法制审核延期理由",
            "执法人员",
            "双随机抽查计划",
            "重大执法决定",
            "重大执法决定情形",
            "处罚种类",
            "没收违法所得金额（元）",
            "许可结果"
        ]
    );
    let decisions = json("data/enforcement.json");
    assert_eq!(rows.len(), decisions.as_array().unwrap().len());
    // The example's 重大执法决定 carries its legal review and officers as entered, in the CSV
    // and the JSON alike; a decision without them leaves the columns empty.
    let reviewed = rows
        .iter()
        .find(|r| &r[0] == "枝人社罚〔2026〕14号")
        .expect("the reviewed decision's row");
    assert_eq!(
        reviewed.iter().skip(18).collect::<Vec<_>>(),
        [
            "",
            "局政策法规股",
            "2026-09-10",
            "2026-09-16",
            "同意。事实清楚，证据确凿，适用依据正确，程序合法，处罚幅度符合本局行政处罚裁量基准。",
            "",
            "42050120230017；42050120210042",
            "",
            "是",
            "罚款金额",
            "罚款",
            "",
            ""
        ]
    );
    // The typed outcomes as entered: several 处罚种类 joined with ；, the amount confiscated,
    // a permit's result.
    let gains = rows
        .iter()
        .find(|r| &r[0] == "枝人社罚〔2026〕17号")
        .expect("the confiscation's row");
    assert_eq!(
        gains.iter().skip(28).collect::<Vec<_>>(),
        ["没收违法所得；罚款", "3200", ""]
    );
    let permit = rows
        .iter()
        .find(|r| &r[2] == "许可")
        .expect("the permit's row");
    assert_eq!(
        permit.iter().skip(28).collect::<Vec<_>>(),
        ["", "", "准予许可"]
    );
    let j = decisions
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["case_no"] == "枝人社罚〔2026〕14号")
        .unwrap();
    assert_eq!(j["penalties"], serde_json::json!(["罚款"]));
    assert!(j["permit_result"].is_null(), "{j}");
    assert_eq!(j["legal_review"]["office"], "局政策法规股");
    assert_eq!(j["legal_review"]["reviewed"], "2026-09-16");
    assert!(j["legal_review"]["extension"].is_null(), "{j}");
    assert_eq!(
        j["officers"],
        serde_json::json!(["42050120230017", "42050120210042"])
    );
    // Not marked `major: true`, but its fine reaches site.toml's review_fine_threshold: open
    // data says it is a 重大执法决定, and why, as the page's 「经法制审核」 does.
    assert_eq!(j["major"], true, "{j}");
    assert_eq!(j["major_rule"], "罚款金额", "{j}");
    assert!(
        j["major_reason"].as_str().is_some_and(
            |s| s.contains("review_fine_threshold") || s.contains("须经法制审核的金额")
        ),
        "{j}"
    );
    // A decision no rule reaches is not published as `false`.
    let other = decisions
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["case_no"] != "枝人社罚〔2026〕14号"
                && d["withheld"].is_null()
                && d["fine"].as_f64().is_some_and(|f| f < 50000.0)
        })
        .unwrap();
    assert!(
        other["major"].is_null() && other["major_rule"].is_null(),
        "{other}"
    );
    assert!(j["plan"].is_null(), "{j}");
    let plain = rows
        .iter()
        .find(|r| r[17].is_empty() && r[19].is_empty() && r[24].is_empty())
        .expect("a decision without a legal review");
    assert_eq!(&plain[18], "");
    assert!(plain.iter().skip(19).all(str::is_empty), "{plain:?}");
    let (h, rows) = csv_of("data/permit-materials.csv");
    assert_eq!(h[3], "材料名称");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r[5] == *"原件" || r[5] == *"复印件"));
}

#[test]
fn feeds_and_catalogue_leave_out_the_withdrawn_decision() {
    let mut checked = 0;
    for entry in walkdir::WalkDir::new(built()) {
        let entry = entry.unwrap();
        let rel = entry
            .path()
            .strip_prefix(built())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let export = rel.ends_with("atom.xml")
            || rel.starts_with("sitemap")
            || rel.starts_with("data/")
            || rel.starts_with("catalog/")
            || rel == "consultations.ics";
        if entry.file_type().is_file() && export {
            assert_no_withdrawn(&rel, &std::fs::read_to_string(entry.path()).unwrap());
            checked += 1;
        }
    }
    assert!(checked > 30, "only {checked} files checked");
    // Its own URL keeps the withdrawal notice.
    assert!(read("enforcement/2026-fa-013/index.html").contains("已撤销"));
}

#[test]
fn the_catalogue_is_browsable_by_category_year_and_organisation() {
    let main = read("catalog/index.html");
    for h in ["按主题分类浏览", "按年份浏览", "按发布机构浏览"] {
        assert!(main.contains(h), "{h}");
    }
    assert!(main.contains("/catalog/year/2026/"));
    let year = read("catalog/year/2026/index.html");
    assert!(year.contains("年份：2026年"));
    for col in [
        "索引号",
        "名称",
        "类别",
        "主题分类",
        "发布机构",
        "文号",
        "发布日期",
    ] {
        assert!(year.contains(col), "{col}");
    }
    // A category page lists only rows of its category: find one from the main page.
    let start = main.find("/catalog/category/").unwrap();
    let slug: String = main[start + "/catalog/category/".len()..]
        .chars()
        .take_while(|c| *c != '/')
        .collect();
    assert_eq!(slug.len(), 8);
    assert!(slug.chars().all(|c| c.is_ascii_hexdigit()));
    let page = read(&format!("catalog/category/{slug}/index.html"));
    assert!(page.contains("主题分类："));
    // The organisation facet exists too.
    assert!(main.contains("/catalog/org/"));
}

#[test]
fn two_builds_give_byte_identical_exports() {
    let again = tempfile::tempdir().unwrap();
    build_example(again.path());
    let a = tree(built());
    let b = tree(again.path());
    assert_eq!(
        a.iter().map(|x| &x.0).collect::<Vec<_>>(),
        b.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    for (x, y) in a.iter().zip(b.iter()) {
        assert!(x.1 == y.1, "{} differs between builds", x.0);
    }
    for must in [
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "consultations.ics",
        "data/index.json",
        "data/fees.csv",
    ] {
        assert!(a.iter().any(|x| x.0 == must), "{must} missing");
    }
}

/// `docs/open-data.md` carries the field reference generated from the code.
/// `UPDATE_DOCS=1 cargo test --test it exports::` after changing a field.
#[test]
fn the_open_data_field_reference_is_current() {
    let path = repo().join("docs/open-data.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- fields:begin -->\n", "<!-- fields:end -->");
    let i = doc.find(begin).expect("begin marker") + begin.len();
    let j = doc.find(end).expect("end marker");
    let want = gongshi::export::opendata::field_reference();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let new = format!("{}{want}{}", &doc[..i], &doc[j..]);
        std::fs::write(&path, new).unwrap();
        return;
    }
    assert!(
        doc[i..j] == want,
        "docs/open-data.md is out of date: run `UPDATE_DOCS=1 cargo test --test it exports::`"
    );
}

#[test]
fn drafts_stay_out_of_feeds_data_and_sitemap_even_in_a_preview() {
    let site = site("example");
    std::fs::write(
        site.path().join("content/documents/draft-notice.md"),
        "---\ntitle: 草稿通知不应外泄\npublished: 2026-11-24\nindex_no: ZJRSJ/2026-00099\ncategory: 综合政务\ndoc_kind: notice\nvalidity: 有效\ndraft: true\n---\n\n草稿正文。\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = run(&[
        "build",
        "-q",
        "--drafts",
        "--root",
        site.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let get = |rel: &str| std::fs::read_to_string(out.path().join(rel)).unwrap();
    // The preview shows it…
    assert!(get("documents/index.html").contains("草稿通知不应外泄"));
    // …but no export carries it.
    for rel in [
        "atom.xml",
        "documents/atom.xml",
        "sitemap.xml",
        "data/documents.json",
        "data/index.json",
    ] {
        let t = get(rel);
        assert!(!t.contains("draft-notice"), "{rel} carries the draft");
        assert!(!t.contains("草稿通知不应外泄"), "{rel} carries the draft");
    }
}

/// Issue 21's example records, as the public sees them: the major decision with every stage
/// and the consultation (and its report) it used, the 重大执法决定 with its review and
/// officers linked to the register, the random-inspection list and the plan with results.
#[test]
fn the_example_site_shows_the_decision_process_and_the_lawful_enforcement_records() {
    let page = read("decisions/resident-pension-supplement/index.html");
    let mut at = 0;
    for stage in [
        "公众参与：已完成",
        "专家论证：已完成",
        "风险评估：已完成",
        "合法性审查：已完成",
        "集体讨论决定：已完成",
        "决定公布：已完成",
        "实施后评估：待进行",
        "跟踪反馈：已完成",
    ] {
        let i = page[at..]
            .find(&format!("flow-name\">{stage}"))
            .unwrap_or_else(|| panic!("{stage} missing or out of order"));
        at += i;
    }
    for link in [
        "href=\"/consultations/resident-pension-supplement/\"",
        "href=\"/consultations/resident-pension-supplement/report/\"",
        "href=\"/decision-catalogues/2026/\"",
    ] {
        assert!(page.contains(link), "{link}");
    }
    let page = read("enforcement/2026-fa-014/index.html");
    assert!(page.contains("经法制审核"), "{page}");
    assert!(
        page.contains("href=\"/officers/labor-inspection/#o-42050120230017\""),
        "{page}"
    );
    assert!(read("officers/labor-inspection/index.html").contains("42050120230017"));
    assert!(read("spot-check-lists/list/index.html").contains("工资保证金"));
    let plan = read("spot-check-plans/2026/index.html");
    assert!(plan.contains("枝江县华峰纺织有限公司"), "{plan}");
    assert!(plan.contains("已责令改正"), "{plan}");
}
