//! Service guides as bureaus publish them (issue 18 §3): not every guide is a 行政许可. The
//! item type decides which items are mandatory and how the page is labelled; 事项编码, 承办机构
//! and 服务对象 render; 「原件及复印件」 and a statutory time limit of 「无」 are accepted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;

/// A 公共服务 guide without any of the 行政许可 items (依据、条件、数量、程序、期限、示范文本).
const SERVICE: &str = "---
title: 就业登记
published: 2026-11-20
item_type: 公共服务
item_code: 11420500MB1234567X4000117001
handling_org: 就业服务科
service_object: 自然人
materials:
  - name: 居民身份证
    form: 原件及复印件
    copies: 1
    required: true
fees: 不收费
---
";

const LICENCE: &str = "---
title: 测试许可
published: 2026-11-20
basis:
  - 《中华人民共和国劳动合同法》第五十七条
conditions:
  - 有符合规定的经营场所
quantity_limit: 无数量限制
procedure:
  - name: 受理
time_limit:
  statutory_wd: 无
materials:
  - name: 申请书
    form: 原件及复印件
    copies: 1
    required: true
fees: 不收费
sample_forms:
  - file: form.pdf
    title: 申请书示范文本
---
";

fn site_with(permit: &str) -> tempfile::TempDir {
    let site = site("minimal");
    let dir = site.path().join("content/permits/p");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.md"), permit).unwrap();
    std::fs::write(dir.join("form.pdf"), b"%PDF-1.4\n").unwrap();
    site
}

fn check(site: &tempfile::TempDir) -> String {
    let o = run(&[
        "check",
        "--root",
        site.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    text(&o)
}

fn build(site: &tempfile::TempDir) -> String {
    let root = site.path().to_str().unwrap();
    let o = run(&["build", "-q", "--root", root, "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    std::fs::read_to_string(site.path().join("public/permits/p/index.html")).unwrap()
}

#[test]
fn a_public_service_guide_without_licence_items_builds_and_shows_its_type() {
    let site = site_with(SERVICE);
    let out = check(&site);
    assert!(!out.contains("permit.missing-item"), "{out}");
    assert!(!out.contains("schema.missing-field"), "{out}");
    assert!(!out.contains("permit.no-sample-form"), "{out}");
    let html = build(&site);
    assert!(
        html.contains("<dt>事项类型</dt><dd>公共服务</dd>"),
        "{html}"
    );
    // No 行政许可 heading and no invented 依据 or 许可条件.
    assert!(!html.contains("许可条件"), "{html}");
    assert!(!html.contains("设定依据"), "{html}");
    // Its time limit was not entered: 未注明, never 0.
    let time = &html[html.find("id=\"h-time\"").unwrap()..];
    assert!(
        time.starts_with("id=\"h-time\">办理期限</h2><p>未注明</p>"),
        "{time}"
    );
}

#[test]
fn the_catalogue_fields_render_on_the_page_and_in_open_data() {
    let site = site_with(SERVICE);
    let html = build(&site);
    assert!(
        html.contains("<dt>事项编码</dt><dd>11420500MB1234567X4000117001</dd>"),
        "{html}"
    );
    assert!(
        html.contains("<dt>承办机构</dt><dd>就业服务科</dd>"),
        "{html}"
    );
    assert!(html.contains("<dt>服务对象</dt><dd>自然人</dd>"), "{html}");
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("public/data/permits.json")).unwrap(),
    )
    .unwrap();
    let p = &data[0];
    assert_eq!(p["item_type"], "公共服务");
    assert_eq!(p["item_code"], "11420500MB1234567X4000117001");
    assert_eq!(p["handling_org"], "就业服务科");
    assert_eq!(p["time_limit"], serde_json::Value::Null);
    assert_eq!(p["materials"][0]["form"], "原件及复印件");
}

#[test]
fn originals_and_copies_and_a_time_limit_of_none_render() {
    let site = site_with(LICENCE);
    let out = check(&site);
    assert!(!out.contains("permit.missing-item"), "{out}");
    assert!(!out.contains("permit.material-unstated"), "{out}");
    let html = build(&site);
    assert!(
        html.contains("<dt>事项类型</dt><dd>行政许可</dd>"),
        "{html}"
    );
    assert!(html.contains("<h2 id=\"h-cond\">许可条件</h2>"), "{html}");
    assert!(
        html.contains("data-label=\"原件/复印件\">原件及复印件</td>"),
        "{html}"
    );
    assert!(html.contains("法定办结时限：无。"), "{html}");
    assert!(!html.contains("0个工作日"), "{html}");
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.path().join("public/data/permits.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        data[0]["time_limit"]["statutory_wd"],
        serde_json::Value::Null
    );
    assert_eq!(data[0]["time_limit"]["statutory_text"], "无");
}

#[test]
fn a_guide_without_item_type_is_a_licence_and_needs_its_items() {
    // Every guide written before `item_type` existed is a 行政许可: its items stay mandatory.
    let site = site_with(&SERVICE.replace("item_type: 公共服务\n", ""));
    let out = check(&site);
    for field in [
        "basis",
        "conditions",
        "quantity_limit",
        "procedure",
        "time_limit",
    ] {
        assert!(
            out.contains(&format!("缺少必填字段“{field}”")),
            "{field}: {out}"
        );
    }
    assert!(out.contains("item_type: 公共服务"), "{out}");
    assert!(out.contains("permit.no-sample-form"), "{out}");
}

#[test]
fn a_time_limit_in_words_other_than_none_is_an_error() {
    let site = site_with(&LICENCE.replace("statutory_wd: 无", "statutory_wd: 二十天"));
    let out = check(&site);
    assert!(out.contains("time_limit.statutory_wd"), "{out}");
    assert!(out.contains("整数，或“无”"), "{out}");
    assert!(out.contains("index.md:12:17"), "{out}");
}

#[test]
fn the_permits_list_groups_guides_by_item_type_in_catalogue_order() {
    let site = site_with(LICENCE);
    let add = |id: &str, body: &str| {
        let dir = site.path().join("content/permits").join(id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.md"), body).unwrap();
        std::fs::write(dir.join("form.pdf"), b"%PDF-1.4\n").unwrap();
    };
    // Named so that the site order (by id) is not the group order.
    add("a-service", SERVICE);
    add(
        "b-other",
        &SERVICE
            .replace("item_type: 公共服务", "item_type: 其他行政权力")
            .replace("title: 就业登记", "title: 其他权力事项"),
    );
    add(
        "c-licence-typed",
        &LICENCE
            .replace("title: 测试许可", "title: 注明类型的许可")
            .replace("basis:", "item_type: 行政许可\nbasis:"),
    );
    build(&site);
    let html = std::fs::read_to_string(site.path().join("public/permits/index.html")).unwrap();
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing:\n{html}"))
    };
    let headings = [
        at("<h2 id=\"type-1\">行政许可</h2>"),
        at("/permits/c-licence-typed/\">注明类型的许可</a>"),
        at("<h2 id=\"type-2\">公共服务</h2>"),
        at("/permits/a-service/\">就业登记</a>"),
        at("<h2 id=\"type-3\">其他行政权力</h2>"),
        at("/permits/b-other/\">其他权力事项</a>"),
        at("<h2 id=\"type-4\">未注明类型</h2>"),
        at("/permits/p/\">测试许可</a>"),
    ];
    assert!(headings.windows(2).all(|w| w[0] < w[1]), "{html}");
    assert!(
        html.contains("<section aria-labelledby=\"type-2\">"),
        "{html}"
    );
    // Other lists stay flat.
    let docs = std::fs::read_to_string(site.path().join("public/documents/index.html")).unwrap();
    assert!(!docs.contains("aria-labelledby=\"type-"), "{docs}");
}

#[test]
fn a_permits_list_where_no_guide_states_its_type_stays_flat() {
    let site = site_with(LICENCE);
    build(&site);
    let html = std::fs::read_to_string(site.path().join("public/permits/index.html")).unwrap();
    assert!(html.contains("/permits/p/\">测试许可</a>"), "{html}");
    assert!(!html.contains("未注明类型"), "{html}");
}
