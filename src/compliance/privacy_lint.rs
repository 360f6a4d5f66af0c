//! 个人信息检查 — the privacy lint (SPEC §4.4) applied to what the site publishes: the public
//! texts of enforcement decisions (title, party name, facts, basis, decision, body), replies
//! (title, question, asker, reply, body), consultation outcomes and opinion ledgers — or, with
//! `--privacy-all`, every value of every record. Every finding is an error located at its
//! line and column, with the value masked (also in the source line shown).
//!
//! Codes: `privacy.resident-id`, `privacy.mobile`, `privacy.bank-card`, `privacy.email`,
//! `privacy.person-name` (an unmasked natural-person party), `privacy.minor` (errors);
//! `privacy.owner-name` (warning: a 个体工商户 name that seems to carry its owner's full name),
//! `privacy.asker-name` (warning: a reply's 留言人 that looks like a full name).

use super::fields::{self, FrontMatter};
use super::Input;
use crate::content::kinds::enforcement::PartyType;
use crate::content::{Data, Kind, Record};
use crate::diag::{Code, Diagnostic, MAX_PER_FILE};
use crate::pii::{self as privacy, Finding, PiiKind, PrivacyOptions};
use rayon::prelude::*;
use std::path::Path;

/// A record with its file's text, read again for the lint (records do not keep it).
struct Source<'a> {
    rec: &'a Record,
    text: String,
}

impl std::ops::Deref for Source<'_> {
    type Target = Record;
    fn deref(&self) -> &Record {
        self.rec
    }
}

/// The options from site.toml: the allowed numbers plus the organisation's own phone and
/// hotline; its e-mail domain when it has one.
pub(crate) fn options(config: &crate::config::Config) -> PrivacyOptions {
    let org = &config.organization;
    let mut allowed_numbers = config.publicity.allowed_numbers.clone();
    allowed_numbers.extend(
        [&org.phone, &org.hotline]
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .cloned(),
    );
    let allowed_email_domains = org
        .email
        .rsplit_once('@')
        .map(|(_, d)| vec![d.to_string()])
        .unwrap_or_default();
    let mut allowed_emails = config.publicity.allowed_emails.clone();
    if !org.email.trim().is_empty() {
        allowed_emails.push(org.email.clone());
    }
    PrivacyOptions {
        allowed_numbers,
        allowed_email_domains,
        allowed_emails,
    }
}

/// The public text fields of a record (front matter paths), or `None` when the record is not
/// linted by default.
fn public_fields(kind: Kind) -> Option<&'static [&'static str]> {
    kind.public_text()
}

fn field_zh(field: &str) -> &str {
    match field {
        "title" => "标题",
        "party.name" => "当事人名称",
        "party.legal_rep" => "法定代表人",
        "party.address" => "住所",
        "cause" => "案由",
        "remedy" => "救济途径",
        "facts" => "主要事实",
        "basis" => "执法依据",
        "decision" => "决定内容",
        "question" => "留言内容",
        "asker" => "留言人",
        "reply" => "答复内容",
        "outcome.decision" => "征集结果",
        "outcome.report" => "公众参与情况报告",
        "draft_text" => "征求意见稿全文",
        "body" => "正文",
        "opinion" => "意见内容",
        _ => "内容",
    }
}

fn code_of(kind: PiiKind) -> Code {
    match kind {
        PiiKind::ResidentId => Code::PrivacyResidentId,
        PiiKind::Mobile => Code::PrivacyMobile,
        PiiKind::BankCard => Code::PrivacyBankCard,
        PiiKind::Email => Code::PrivacyEmail,
    }
}

fn hint_of(kind: PiiKind) -> &'static str {
    match kind {
        PiiKind::ResidentId => "删除身份证号码；需要指明当事人时，自然人只写“张某”这样的化名。",
        PiiKind::Mobile => {
            "删除个人手机号码。单位对外公开的号码请写入 site.toml 的 publicity.allowed_numbers，就不会再被提示。"
        }
        PiiKind::BankCard => "删除银行卡号；缴款账户请写单位的对公账户名称。",
        PiiKind::Email => "删除个人电子邮箱。单位邮箱（.gov.cn、site.toml 中单位邮箱的域名）不受影响；单位在公共邮箱服务商开设的对外邮箱，请写入 site.toml 的 publicity.allowed_emails。",
    }
}

/// One problem found in a file, before it becomes a diagnostic: the byte range in the file
/// text (masked in the source line shown), and the diagnostic without a position.
struct Hit {
    range: Option<(usize, usize)>,
    /// Fallback position (line, col) when the value could not be found literally.
    at: (usize, usize),
    len: usize,
    diag: Diagnostic,
}

/// Run the privacy lint.
pub(crate) fn check(input: &Input, diags: &mut Vec<Diagnostic>) {
    let opts = options(&input.site.config);
    // Records are linted in parallel; the diagnostics keep the site's record order.
    let found: Vec<Vec<Diagnostic>> = input
        .site
        .records
        .par_iter()
        .map(|r| {
            let mut diags = Vec::new();
            lint(input, r, &opts, &mut diags);
            diags
        })
        .collect();
    diags.extend(found.into_iter().flatten());
}

/// What the loader notes while the file's parsed front matter is at hand: `true` when none of
/// the texts the default lint scans (the kind's public fields and the body) has a finding even
/// with nothing allowed. Allowed numbers and domains only ever take findings away, so such a
/// record has none under any site settings, and [`lint`] need not read and parse its file
/// again (it still applies the rules on typed values: names, minors).
pub(crate) fn prescan(kind: Kind, node: &crate::yaml::Node, body: &str, body_line: usize) -> bool {
    let Some(list) = public_fields(kind) else {
        return false;
    };
    let none = PrivacyOptions::default();
    let quiet =
        |t: &str| privacy::scan(t, &none).is_empty() && privacy::labelled_names(t).is_empty();
    list.iter()
        .filter_map(|f| fields::get(node, f).and_then(|n| n.as_str()))
        .all(quiet)
        && (body_line == 0 || body.is_empty() || quiet(body))
}

/// Whether one of the rules on typed values (an unmasked party or asker, a minor) applies.
fn typed_rules_apply(rec: &Record) -> bool {
    if let Data::Reply(x) = &rec.data {
        return x.asker.as_deref().is_some_and(asker_looks_like_name);
    }
    let Data::Enforcement(e) = &rec.data else {
        return false;
    };
    let name = e.party.name.as_str();
    let party = match e.party.party_type {
        PartyType::NaturalPerson => !privacy::is_masked_person_name(name),
        PartyType::SoleTrader => owner_name(name).is_some(),
        PartyType::LegalPerson | PartyType::OtherOrganisation => false,
    };
    let rep = e
        .party
        .legal_rep
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty() && !privacy::is_masked_person_name(n));
    let minor_path_chosen = e.minor_reviewed.is_some() || e.withheld.is_some();
    party
        || rep
        || (!minor_path_chosen
            && (e.party.minor
                || privacy::mentions_minor(&e.facts)
                || privacy::mentions_minor(&e.decision)))
}

/// The lint of one record (and its opinion ledger).
fn lint(input: &Input, rec: &Record, opts: &PrivacyOptions, diags: &mut Vec<Diagnostic>) {
    let all = input.options.privacy_all;
    let fields = public_fields(rec.kind);
    if fields.is_none() && !all {
        return;
    }
    if !all && rec.privacy_quiet && !typed_rules_apply(rec) {
        if rec.kind == Kind::Consultation {
            ledger(input, rec, opts, diags);
        }
        return;
    }
    let Some(text) = rec.read_text() else {
        return;
    };
    let r = &Source { rec, text };
    let Some(fm) = fields::front_matter(&r.source, &r.text) else {
        return;
    };
    let mut hits = Vec::new();
    let mut targets: Vec<(String, &crate::yaml::Node)> = Vec::new();
    if all {
        fields::scalars(&fm.node, "", &mut targets);
        targets.retain(|(p, _)| p != "body");
    } else if let Some(list) = fields {
        for f in list {
            if let Some(n) = fields::get(&fm.node, f) {
                targets.push((f.to_string(), n));
            }
        }
    }
    for (field, node) in &targets {
        if let Some(text) = node.as_str() {
            scan_value(
                r,
                field,
                text,
                node.pos.line,
                (node.pos.line, node.pos.col),
                opts,
                &mut hits,
            );
            if !NAME_FIELDS.contains(&field.as_str()) && !names_public(rec.kind) {
                let at = (node.pos.line, node.pos.col);
                scan_names(
                    &r.source,
                    &r.text,
                    field,
                    text,
                    node.pos.line,
                    at,
                    &mut hits,
                );
            }
        }
    }
    if fm.body_line > 0 && !fm.body.is_empty() {
        scan_value(
            r,
            "body",
            &fm.body,
            fm.body_line,
            (fm.body_line, 1),
            opts,
            &mut hits,
        );
    }
    if fm.body_line > 0 && !fm.body.is_empty() && !names_public(rec.kind) {
        let at = (fm.body_line, 1);
        scan_names(
            &r.source,
            &r.text,
            "body",
            &fm.body,
            fm.body_line,
            at,
            &mut hits,
        );
    }
    if let Data::Enforcement(e) = &r.data {
        party(r, &fm, e, &mut hits);
        hits.extend(legal_rep(&r.source, &r.text, &fm));
        minor(r, &fm, e, &mut hits);
    }
    if let Data::Reply(x) = &r.data {
        asker(r, &fm, x.asker.as_deref(), &mut hits);
    }
    emit(r, hits, opts, diags);
    if r.kind == Kind::Consultation {
        ledger(input, r, opts, diags);
    }
}

/// The lint of a record file that did not load (a schema error elsewhere in it), on its raw
/// values: the numbers and e-mail addresses in its kind's public texts and body, and an
/// unmasked natural-person party. What needs typed values (a minor, owner names) waits until
/// the record loads. Findings are errors, located and masked as in [`check`].
pub(crate) fn lint_unloaded(
    config: &crate::config::Config,
    kind: Kind,
    source: &Path,
    text: &str,
) -> Vec<Diagnostic> {
    let Some(list) = public_fields(kind) else {
        return Vec::new();
    };
    let Some(fm) = fields::front_matter(source, text) else {
        return Vec::new();
    };
    let opts = options(config);
    let mut hits = Vec::new();
    let mut scan = |field: &str, value: &str, from_line: usize, at: (usize, usize)| {
        for f in privacy::scan(value, &opts) {
            hits.push(Hit {
                range: fields::locate(text, from_line, value, f.start, f.end),
                at,
                len: f.masked.chars().count(),
                diag: finding_diag(source, field, &f),
            });
        }
    };
    for f in list {
        if let Some(n) = fields::get(&fm.node, f) {
            if let Some(v) = n.as_str() {
                scan(f, v, n.pos.line, (n.pos.line, n.pos.col));
            }
        }
    }
    if fm.body_line > 0 && !fm.body.is_empty() {
        scan("body", &fm.body, fm.body_line, (fm.body_line, 1));
    }
    for f in list.iter().filter(|f| !NAME_FIELDS.contains(f)) {
        if let Some(n) = fields::get(&fm.node, f) {
            if let Some(v) = n.as_str() {
                let at = (n.pos.line, n.pos.col);
                scan_names(source, text, f, v, n.pos.line, at, &mut hits);
            }
        }
    }
    if fm.body_line > 0 && !fm.body.is_empty() {
        let at = (fm.body_line, 1);
        scan_names(source, text, "body", &fm.body, fm.body_line, at, &mut hits);
    }
    let person = fields::get(&fm.node, "party.type").and_then(|n| n.as_str()) == Some("自然人");
    if kind == Kind::Enforcement && person {
        hits.extend(unmasked_name(
            source,
            text,
            &fm,
            "party.name",
            "当事人是自然人，名称必须隐去名字",
            "姓氏加“某”，如 张某、欧阳某某；或 王女士、李先生",
            "只保留姓氏，名字用“某”代替。",
        ));
    }
    if kind == Kind::Enforcement {
        hits.extend(legal_rep(source, text, &fm));
    }
    let mut ranges: Vec<(usize, usize)> = hits.iter().filter_map(|h| h.range).collect();
    ranges.sort();
    let masked = mask_ranges(text, &ranges);
    hits.into_iter()
        .map(|h| {
            let (line, col) = match h.range {
                Some((s, _)) => privacy::line_col(text, s),
                None => h.at,
            };
            h.diag.span(line, col, h.len).with_source(&masked)
        })
        .collect()
}

/// Unmasked names after a label or in a list joined by 、 (see [`privacy::labelled_names`]).
fn scan_names(
    source: &Path,
    file_text: &str,
    field: &str,
    text: &str,
    from_line: usize,
    at: (usize, usize),
    hits: &mut Vec<Hit>,
) {
    for (s, e) in privacy::labelled_names(text) {
        let name = &text[s..e];
        hits.push(Hit {
            range: fields::locate(file_text, from_line, text, s, e),
            at,
            len: name.chars().count(),
            diag: Diagnostic::error(
                Code::PrivacyLabelledName,
                source,
                format!("{}中有未隐去名字的自然人姓名", field_zh(field)),
            )
            .field(field)
            .expected("姓氏加“某”，如 张某；或 张*祥、王女士")
            .found(privacy::mask(name))
            .hint("当事人、经营者、法定代表人、负责人和所列职工等自然人的姓名，只保留姓氏，名字用“某”或“*”代替。"),
        });
    }
}

fn scan_value(
    r: &Source,
    field: &str,
    text: &str,
    from_line: usize,
    at: (usize, usize),
    opts: &PrivacyOptions,
    hits: &mut Vec<Hit>,
) {
    for f in privacy::scan(text, opts) {
        // Past what is listed, a finding is only counted: locating each one is a search of
        // the file (quadratic for a file made of phone numbers).
        let range = if hits.len() < MAX_PER_FILE {
            fields::locate(&r.text, from_line, text, f.start, f.end)
        } else {
            None
        };
        hits.push(Hit {
            range,
            at,
            len: f.masked.chars().count(),
            diag: finding_diag(&r.source, field, &f),
        });
    }
}

fn finding_diag(file: &Path, field: &str, f: &Finding) -> Diagnostic {
    Diagnostic::error(
        code_of(f.kind),
        file,
        format!("{}中有{}，不得公开", field_zh(field), f.kind.label_zh()),
    )
    .field(field)
    .expected(format!("不含{}", f.kind.label_zh()))
    .found(f.masked.clone())
    .hint(hint_of(f.kind))
}

/// Fields holding one name, checked as names rather than scanned for labelled names.
/// Kinds whose pages publish officials' full names by law (the officer register,
/// 国办发〔2018〕118号): `--privacy-all` does not report their names as unmasked.
fn names_public(kind: Kind) -> bool {
    kind == Kind::Officers
}

const NAME_FIELDS: [&str; 2] = ["party.name", "party.legal_rep"];

/// 法定代表人 is a natural person whatever the party: only the masked name (张某) is public.
fn legal_rep(source: &Path, text: &str, fm: &FrontMatter) -> Option<Hit> {
    unmasked_name(
        source,
        text,
        fm,
        "party.legal_rep",
        "法定代表人是自然人，姓名必须隐去名字",
        "姓氏加“某”，如 张某、欧阳某某；或 张*祥",
        "只保留姓氏，名字用“某”代替，如 legal_rep: 张某。",
    )
}

/// A person's name at `field` that is not masked (张某): a `privacy.person-name` error there.
fn unmasked_name(
    source: &Path,
    text: &str,
    fm: &FrontMatter,
    field: &str,
    message: &'static str,
    expected: &'static str,
    hint: &'static str,
) -> Option<Hit> {
    let node = fields::get(&fm.node, field)?;
    let name = node.as_str()?.trim();
    if name.is_empty() || privacy::is_masked_person_name(name) {
        return None;
    }
    Some(Hit {
        range: fields::locate(text, node.pos.line, name, 0, name.len()),
        at: (node.pos.line, node.pos.col),
        len: name.chars().count(),
        diag: Diagnostic::error(Code::PrivacyPersonName, source, message)
            .field(field)
            .expected(expected)
            .found(privacy::mask(name))
            .hint(hint),
    })
}

fn party(
    r: &Source,
    fm: &FrontMatter,
    e: &crate::content::kinds::enforcement::Enforcement,
    hits: &mut Vec<Hit>,
) {
    let Some(node) = fields::get(&fm.node, "party.name") else {
        return;
    };
    let name = e.party.name.as_str();
    let range = fields::locate(&r.text, node.pos.line, name, 0, name.len());
    let at = (node.pos.line, node.pos.col);
    let len = name.chars().count();
    match e.party.party_type {
        PartyType::NaturalPerson if !privacy::is_masked_person_name(name) => hits.push(Hit {
            range,
            at,
            len,
            diag: Diagnostic::error(
                Code::PrivacyPersonName,
                &r.source,
                "当事人是自然人，名称必须隐去名字",
            )
            .field("party.name")
            .expected("姓氏加“某”，如 张某、欧阳某某；或 王女士、李先生")
            .found(privacy::mask(name))
            .hint("只保留姓氏，名字用“某”代替。"),
        }),
        PartyType::SoleTrader => {
            if let Some((s, e2)) = owner_name(name) {
                let range = fields::locate(&r.text, node.pos.line, name, s, e2);
                hits.push(Hit {
                    range,
                    at,
                    len: name[s..e2].chars().count(),
                    diag: Diagnostic::warning(
                        Code::PrivacyOwnerName,
                        &r.source,
                        "个体工商户名称中似乎含有经营者的完整姓名",
                    )
                    .field("party.name")
                    .expected("字号名称；需要写经营者时只写姓氏加“某”，如 经营者：张某")
                    .found(privacy::mask(&name[s..e2]))
                    .hint("经营者是自然人，其姓名按自然人的规则隐去名字。"),
                });
            }
        }
        PartyType::NaturalPerson | PartyType::LegalPerson | PartyType::OtherOrganisation => {}
    }
}

/// A 留言人 of 2–3 Han characters that is neither a masked name nor a generic word.
fn asker_looks_like_name(name: &str) -> bool {
    const NOT_NAMES: &[&str] = &[
        "匿名",
        "网友",
        "市民",
        "群众",
        "居民",
        "读者",
        "来信人",
        "留言人",
        "企业",
        "职工",
        "家长",
        "用人单位",
        "劳动者",
        "农民工",
    ];
    // 網友, 來信人: Traditional spellings of the words are read as the Simplified ones.
    let folded = crate::hant::fold(name.trim());
    let name = folded.as_ref();
    let n = name.chars().count();
    (2..=3).contains(&n)
        && name.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        && !name.contains('某')
        && !NOT_NAMES.contains(&name)
        && !privacy::is_masked_person_name(name)
}

/// 留言人 is a person: only the surname may be shown (王女士, 李先生, 张某).
fn asker(r: &Source, fm: &FrontMatter, asker: Option<&str>, hits: &mut Vec<Hit>) {
    let (Some(name), Some(node)) = (asker, fields::get(&fm.node, "asker")) else {
        return;
    };
    let name = name.trim();
    if !asker_looks_like_name(name) {
        return;
    }
    hits.push(Hit {
        range: fields::locate(&r.text, node.pos.line, name, 0, name.len()),
        at: (node.pos.line, node.pos.col),
        len: name.chars().count(),
        diag: Diagnostic::warning(Code::PrivacyAskerName, &r.source, "留言人似乎写了全名")
            .field("asker")
            .expected("姓氏加称呼，如 王女士、李先生、张某")
            .found(privacy::mask(name))
            .hint("删除名字，只保留姓氏和称呼；也可以不写留言人。"),
    });
}

/// A person's name written with a 个体工商户's name: after `经营者`/`业主`/`负责人` (with an
/// optional `：`), or in brackets at the end (`某某店（张三）`), 2–4 Han characters that are
/// not a masked name. Returns its byte range in `name`.
fn owner_name(name: &str) -> Option<(usize, usize)> {
    // 經營者/業主/負責人 in Traditional characters: matched on the folded name, whose byte
    // offsets are those of `name`.
    let folded = crate::hant::fold(name);
    let name = folded.as_ref();
    let is_han = |c: char| ('\u{4E00}'..='\u{9FFF}').contains(&c);
    let candidate = |start: usize| -> Option<(usize, usize)> {
        let rest = name.get(start..)?;
        let len: usize = rest
            .chars()
            .take_while(|c| is_han(*c))
            .take(4)
            .map(char::len_utf8)
            .sum();
        let n = rest.get(..len)?.chars().count();
        ((2..=4).contains(&n) && !privacy::is_masked_person_name(rest.get(..len)?))
            .then_some((start, start + len))
    };
    for label in ["经营者", "业主", "负责人"] {
        if let Some(i) = name.find(label) {
            let mut s = i + label.len();
            for sep in ["：", ":"] {
                if name.get(s..).is_some_and(|r| r.starts_with(sep)) {
                    s += sep.len();
                }
            }
            if let Some(found) = candidate(s) {
                return Some(found);
            }
        }
    }
    let trimmed = name.trim_end();
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(inner) = trimmed.strip_suffix(close) {
            if let Some(i) = inner.rfind(open) {
                let s = i + open.len();
                if let Some((a, b)) = candidate(s) {
                    if b == inner.len() {
                        return Some((a, b));
                    }
                }
            }
        }
    }
    None
}

fn minor(
    r: &Source,
    fm: &FrontMatter,
    e: &crate::content::kinds::enforcement::Enforcement,
    hits: &mut Vec<Hit>,
) {
    // The two documented ways to publish a decision about a minor: identities masked and the
    // masking reviewed (the name rules, all errors, still apply), or a 不予公开 stub.
    if e.minor_reviewed.is_some() || e.withheld.is_some() {
        return;
    }
    let pos = |field: &str| {
        fields::get(&fm.node, field)
            .map(|n| (n.pos.line, n.pos.col))
            .unwrap_or((1, 1))
    };
    let field = if e.party.minor {
        Some("party.minor")
    } else {
        [("facts", &e.facts), ("decision", &e.decision)]
            .into_iter()
            .find(|(_, t)| privacy::mentions_minor(t))
            .map(|(f, _)| f)
    };
    if let Some(field) = field {
        hits.push(Hit {
            range: None,
            at: pos(field),
            len: 1,
            diag: Diagnostic::error(
                Code::PrivacyMinor,
                &r.source,
                "涉及未成年人的执法决定不得公开",
            )
            .field(field)
            .expected("隐去身份信息并经审核后公开（minor_reviewed），或只公开不予公开说明（withheld）")
            .found(if field == "party.minor" {
                "party.minor: true".to_string()
            } else {
                format!("{}中提到未成年人", field_zh(field))
            })
            .hint(
                "按规定可选以下一种方式：(1) 隐去全部身份信息（自然人姓名写成“张某”，不写身份证号、住址等），经审核后添加 minor_reviewed:（by: 审核人，date: 审核日期），决定照常公开；(2) 添加 withheld:（reason: 不予公开的原因，如 涉及未成年人，依法不予公开），网站只显示文号、决定日期、执法机关和原因。两种都不适用的，请把此文件移出 content/（在案卷中保存）。",
            ),
        });
    }
}

/// Turn hits into diagnostics, located in the file, with every finding masked in the source
/// lines shown. At most [`MAX_PER_FILE`] are listed, and one more says how many are not.
fn emit(r: &Source, mut hits: Vec<Hit>, opts: &PrivacyOptions, diags: &mut Vec<Diagnostic>) {
    if hits.is_empty() {
        return;
    }
    let rest = hits.split_off(hits.len().min(MAX_PER_FILE));
    let mut ranges: Vec<(usize, usize)> = hits.iter().filter_map(|h| h.range).collect();
    if !rest.is_empty() {
        // The findings not located may be on the lines shown: mask what a scan of the whole
        // file finds as well (one pass).
        ranges.extend(
            privacy::scan(&r.text, opts)
                .iter()
                .map(|f| (f.start, f.end)),
        );
    }
    ranges.sort();
    let masked = mask_ranges(&r.text, &ranges);
    for h in hits {
        let (line, col) = match h.range {
            Some((s, _)) => privacy::line_col(&r.text, s),
            None => h.at,
        };
        diags.push(h.diag.span(line, col, h.len).with_source(&masked));
    }
    if let Some(first) = rest.first() {
        diags.push(more(&r.source, rest.len(), first.diag.severity));
    }
}

/// Findings past [`MAX_PER_FILE`] of one file, counted.
fn more(file: &Path, n: usize, severity: crate::diag::Severity) -> Diagnostic {
    let d = match severity {
        crate::diag::Severity::Error => Diagnostic::error,
        crate::diag::Severity::Warning => Diagnostic::warning,
        crate::diag::Severity::Info => Diagnostic::info,
    };
    d(
        Code::DiagMore,
        file,
        format!("这个文件另有 {n} 处个人信息没有列出"),
    )
    .hint(format!(
        "每个文件最多列出 {MAX_PER_FILE} 处：请先改正上面列出的内容，再运行 gongshi check 查看其余的。"
    ))
}

/// `text` with every range replaced by its mask (ranges sorted; overlaps skipped).
fn mask_ranges(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &(s, e) in ranges {
        if s < at || e > text.len() {
            continue;
        }
        if let (Some(before), Some(value)) = (text.get(at..s), text.get(s..e)) {
            out.push_str(before);
            out.push_str(&privacy::mask(value));
            at = e;
        }
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// The opinion texts of a consultation's ledger (`opinions.jsonl` beside the record).
fn ledger(input: &Input, r: &Record, opts: &PrivacyOptions, diags: &mut Vec<Diagnostic>) {
    let Some(rel) = super::ledger_path(r) else {
        return;
    };
    let Ok(text) = std::fs::read_to_string(input.site.root.join(&rel)) else {
        return;
    };
    let mut hits = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let value: Option<String> = serde_json::from_str::<serde_json::Value>(line.trim())
            .ok()
            .and_then(|v| v.get("opinion").and_then(|o| o.as_str()).map(String::from));
        if let Some(opinion) = value {
            for f in privacy::scan(&opinion, opts) {
                let range = opinion
                    .get(f.start..f.end)
                    .and_then(|needle| line.find(needle))
                    .map(|i| (offset + i, offset + i + (f.end - f.start)));
                hits.push((range, f));
            }
        }
        offset += line.len();
    }
    if hits.is_empty() {
        return;
    }
    let mut ranges: Vec<(usize, usize)> = hits.iter().filter_map(|h| h.0).collect();
    ranges.sort();
    let masked = mask_ranges(&text, &ranges);
    let rest = hits.split_off(hits.len().min(MAX_PER_FILE));
    if !rest.is_empty() {
        diags.push(more(&rel, rest.len(), crate::diag::Severity::Error));
    }
    for (range, f) in hits {
        let (line, col) = range.map_or((1, 1), |(s, _)| privacy::line_col(&text, s));
        diags.push(
            finding_diag(&rel, "opinion", &f)
                .span(line, col, f.masked.chars().count())
                .with_source(&masked)
                .hint(format!(
                    "{}意见台账只能追加、不能改写：不要直接修改此文件。请在意见接收库中把这条意见改为不公开后重新导出，或联系管理员处理。",
                    hint_of(f.kind).split('。').next().map(|s| format!("{s}。")).unwrap_or_default()
                )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_names_in_business_names() {
        let n = "枝江县红星饭店（经营者：张三丰）";
        let (s, e) = owner_name(n).unwrap();
        assert_eq!(&n[s..e], "张三丰");
        assert_eq!(owner_name("枝江县红星饭店（经营者：张某）"), None);
        let n = "枝江县红星饭店（李四）";
        let (s, e) = owner_name(n).unwrap();
        assert_eq!(&n[s..e], "李四");
        assert_eq!(owner_name("枝江县红星饭店"), None);
        assert_eq!(owner_name("枝江县红星饭店（李某）"), None);
    }

    #[test]
    fn masking_keeps_everything_else() {
        let t = "电话 13800001111，邮箱 a@b.com";
        let s = t.find("138").unwrap();
        let m = mask_ranges(t, &[(s, s + 11)]);
        assert_eq!(m, "电话 ***********，邮箱 a@b.com");
    }

    fn quiet(kind: Kind, yaml: &str, body: &str) -> bool {
        let node = crate::yaml::parse(yaml, 0).unwrap().unwrap();
        prescan(kind, &node, body, usize::from(!body.is_empty()))
    }

    #[test]
    fn prescan_is_quiet_only_when_nothing_could_be_found() {
        let clean = "title: 行政处罚决定\nfacts: 未按时足额支付劳动报酬。\ndecision: 责令改正。\n";
        assert!(quiet(Kind::Enforcement, clean, ""));
        // A mobile number in a public field or in the body.
        let phone = "title: 行政处罚决定\nfacts: 联系电话13800001111。\n";
        assert!(!quiet(Kind::Enforcement, phone, ""));
        assert!(!quiet(
            Kind::Enforcement,
            clean,
            "邮箱 zhang.san@example.com"
        ));
        // Nothing is allowed here: the bureau's own number is left to the lint itself.
        let own = "title: 行政处罚决定\nfacts: 举报电话0717-4212345。\n";
        let allowed = PrivacyOptions {
            allowed_numbers: vec!["0717-4212345".into()],
            ..Default::default()
        };
        assert!(privacy::scan("举报电话0717-4212345。", &allowed).is_empty());
        assert_eq!(
            quiet(Kind::Enforcement, own, ""),
            privacy::scan("举报电话0717-4212345。", &PrivacyOptions::default()).is_empty()
        );
        // Kinds the default lint does not read are never quiet (the lint decides).
        assert!(!quiet(Kind::Document, clean, ""));
    }
}
