//! The 办事 hub (`/services/`): every listed service guide, procedure and fee on one page,
//! grouped for the people who use them — 个人办事, 单位办事, and 其他 — with sub-navigation.
//!
//! The group comes from what staff entered about who the item is for (a guide's
//! `service_object`, a procedure's `applies_to`, a fee's `payer`): the words that name who is
//! served (see [`head_noun`]) are read for people or organisations. An item whose text names both is listed in both groups; an item
//! with no such text, or none entered, is listed under 「其他」 — never guessed.

use super::{breadcrumbs, list_item, ListItem};
use crate::content::{Data, Kind, Record};
use crate::facts::{listed, Cx};
use serde::Serialize;

/// Words that name organisations as the ones served (单位办事).
const ORG_WORDS: &[&str] = &["企业", "单位", "法人", "组织", "机构", "个体工商户"];
/// Words that name people as the ones served (个人办事).
const PERSON_WORDS: &[&str] = &[
    "个人",
    "人员",
    "劳动者",
    "职工",
    "居民",
    "考生",
    "公民",
    "自然人",
    "毕业生",
    "退休",
    "参保人",
];

/// The kinds the hub lists, in the order of each group's parts.
pub(crate) const KINDS: [Kind; 3] = [Kind::Permit, Kind::Procedure, Kind::Fee];

/// Who a record is for, from the text entered: (people, organisations).
pub(crate) fn audience(r: &Record) -> (bool, bool) {
    let text = match &r.data {
        Data::Permit(p) => p.service_object.as_deref(),
        Data::Procedure(p) => p.applies_to.as_deref(),
        Data::Fee(f) => f.payer.as_deref(),
        _ => None,
    }
    .unwrap_or("");
    let text = head_noun(text);
    // 「个体工商户」 names a business, not a person.
    let person_text = text.replace("个体工商户", "");
    (
        PERSON_WORDS.iter().any(|w| person_text.contains(w)),
        ORG_WORDS.iter().any(|w| text.contains(w)),
    )
}

#[derive(Serialize)]
struct Part<'a> {
    label: &'static str,
    kind: &'static str,
    items: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct Group<'a> {
    id: &'static str,
    label: &'static str,
    hint: &'static str,
    count: usize,
    parts: Vec<Part<'a>>,
}

/// The hub's view model (every site has the hub: the navigation and the home page link it).
pub(crate) fn hub_ctx(cx: Cx) -> serde_json::Value {
    let site = cx.site;
    let base = site.config.base_path();
    let shown: Vec<&Record> = KINDS
        .iter()
        .flat_map(|k| site.of_kind(*k))
        .filter(|r| listed(cx.facts, r))
        .collect();
    let groups_def: [(&'static str, &'static str, &'static str); 3] = [
        (
            "personal",
            "个人办事",
            "面向个人的办事指南、办事流程和收费。",
        ),
        (
            "organisation",
            "单位办事",
            "面向企业和其他单位的办事指南、办事流程和收费。",
        ),
        ("other", "其他", "未写明服务对象的事项。"),
    ];
    let mut groups = Vec::new();
    for (gi, (id, label, hint)) in groups_def.into_iter().enumerate() {
        let in_group = |r: &Record| {
            let (p, o) = audience(r);
            match gi {
                0 => p,
                1 => o,
                _ => !p && !o,
            }
        };
        let parts: Vec<Part> = KINDS
            .iter()
            .map(|k| Part {
                label: part_label(*k),
                kind: k.folder(),
                items: shown
                    .iter()
                    .filter(|r| r.kind == *k && in_group(r))
                    .map(|r| list_item(cx, r))
                    .collect(),
            })
            .filter(|p| !p.items.is_empty())
            .collect();
        let count = parts.iter().map(|p| p.items.len()).sum();
        if count > 0 {
            groups.push(Group {
                id,
                label,
                hint,
                count,
                parts,
            });
        }
    }
    let url = format!("{base}services/");
    let all: Vec<serde_json::Value> = KINDS
        .iter()
        .filter(|k| shown.iter().any(|r| r.kind == **k))
        .map(|k| {
            serde_json::json!({"url": format!("{base}{}/", k.folder()), "label": part_label(*k),
                "count": shown.iter().filter(|r| r.kind == *k).count()})
        })
        .collect();
    serde_json::json!({
        "page": {"title": "办事服务", "url": url,
                 "breadcrumbs": breadcrumbs(site, &[("办事服务", url.clone())]),
                 "section": "services"},
        "groups": groups,
        "all": all,
        "total": shown.len(),
    })
}

/// The part of a description that names who is served: without parenthesised remarks, the
/// words after the last 「的」 (「…并通过资格初审的考生」 → 「考生」; 「企业法人、其他组织」
/// stays whole), so organisations named on the way (「…事业单位公开招聘考试…的考生」) do not
/// count.
fn head_noun(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '（' | '(' => depth += 1,
            '）' | ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    match plain.rfind('的') {
        Some(i) => plain[i + '的'.len_utf8()..].to_string(),
        None => plain,
    }
}

fn part_label(k: Kind) -> &'static str {
    match k {
        Kind::Permit => "办事指南",
        Kind::Procedure => "办事流程",
        Kind::Fee => "收费项目",
        _ => k.label(),
    }
}

#[cfg(test)]
mod tests {
    use super::head_noun;

    #[test]
    fn the_served_are_named_after_the_last_de_outside_remarks() {
        assert_eq!(
            head_noun("报名参加县事业单位公开招聘考试并通过资格初审的考生"),
            "考生"
        );
        assert_eq!(
            head_noun("申请劳动能力鉴定的用人单位或工伤职工（按规定由基金支付的除外）"),
            "用人单位或工伤职工"
        );
        assert_eq!(head_noun("企业法人、其他组织"), "企业法人、其他组织");
    }
}
