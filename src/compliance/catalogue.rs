//! 公示目录完整性 — catalogue completeness (SPEC §4.5): every category the bureau must publish
//! (`publicity.required_categories`, kind folders) has at least one current record, and every
//! permit states its 依据、条件、数量、程序、期限、材料目录、示范文本.
//!
//! Codes: `catalogue.missing-category`, `permit.missing-item` (warnings; errors under
//! `--strict`), `config.unknown-category` (error: a name in `required_categories` that is no
//! kind folder).

use super::{Input, Item, Section, Summary};
use crate::content::kinds::permit::{ProcedureRef, Statutory};
use crate::content::{Data, Kind, Record};
use crate::diag::{did_you_mean, Code, Diagnostic};

/// Run the catalogue rules.
pub(crate) fn check(input: &Input, diags: &mut Vec<Diagnostic>, summary: &mut Summary) {
    categories(input, diags, summary);
    for r in &input.site.records {
        if matches!(&r.data, Data::Permit(p) if p.is_licence()) {
            permit_items(r, diags, summary);
        }
    }
}

/// A record counts for its category while it is current: listed (a decision not withdrawn
/// or expired) and current for its kind (a document still in force: `RecordKind::current`).
fn current(input: &Input, r: &Record) -> bool {
    r.data.current() && crate::facts::listed(input.facts, r)
}

fn categories(input: &Input, diags: &mut Vec<Diagnostic>, summary: &mut Summary) {
    for name in &input.site.config.publicity.required_categories {
        let Some(kind) = Kind::from_name(name) else {
            let folders: Vec<&str> = Kind::ALL.iter().map(|k| k.folder()).collect();
            let (line, col) = super::site_toml_pos(
                &input.site.root,
                "required_categories",
                &format!("\"{name}\""),
            );
            let mut d = Diagnostic::error(
                Code::ConfigUnknownCategory,
                "site.toml",
                format!("必须公开的类别“{name}”不存在"),
            )
            .at(line, col + usize::from(col > 0))
            .field("publicity.required_categories")
            .expected(format!("类别目录名：{}", folders.join("、")))
            .found(name.clone());
            if let Some(s) = did_you_mean(name, folders.iter().copied()) {
                d = d.hint(format!("是否想写“{s}”？"));
            }
            diags.push(d);
            continue;
        };
        if input.site.of_kind(kind).any(|r| current(input, r)) {
            continue;
        }
        let folder = kind.folder();
        diags.push(
            Diagnostic::warning(
                Code::CatalogueMissingCategory,
                format!("content/{folder}"),
                format!("必须公开的“{}”栏目还没有任何现行信息", kind.label()),
            )
            .expected(format!("content/{folder}/ 中至少一条现行记录"))
            .found("没有")
            .hint(format!(
                "用 `gongshi new {} 名称` 新建一条；如本单位确实不承担此项职能，请从 site.toml 的 publicity.required_categories 中删去“{folder}”，并在政府信息公开指南中说明。",
                kind.name()
            )),
        );
        summary.push(Item {
            section: Section::Missing,
            date: None,
            file: format!("content/{folder}"),
            title: kind.label().to_string(),
            note: "必须公开的栏目没有现行信息".to_string(),
        });
    }
}

/// The permit items of 行政执法公示制度: each stated, not left empty.
fn permit_items(r: &Record, diags: &mut Vec<Diagnostic>, summary: &mut Summary) {
    let Data::Permit(p) = &r.data else { return };
    let blank = |s: &str| s.trim().is_empty();
    let mut missing: Vec<(&str, &str, &str)> = Vec::new();
    if !p.basis.is_empty() && p.basis.iter().all(|b| blank(b)) {
        missing.push(("basis", "设定依据", "空"));
    }
    if !p.conditions.is_empty() && p.conditions.iter().all(|c| blank(c)) {
        missing.push(("conditions", "许可条件", "空"));
    }
    if p.quantity_limit.as_deref().is_some_and(blank) {
        missing.push(("quantity_limit", "数量限制", "空"));
    }
    let no_procedure = match &p.procedure {
        Some(ProcedureRef::Id(id)) => blank(id),
        Some(ProcedureRef::Steps(s)) => s.is_empty(),
        None => false,
    };
    if no_procedure {
        missing.push(("procedure", "办理程序", "空"));
    }
    if p.time_limit
        .as_ref()
        .is_some_and(|t| t.statutory_wd == Statutory::Days(0))
    {
        missing.push(("time_limit.statutory_wd", "办理期限", "0 个工作日"));
    }
    // 材料目录 and 示范文本 that are empty are errors already (permit.no-materials,
    // permit.no-sample-form); here only materials without a name.
    if !p.materials.is_empty() && p.materials.iter().all(|m| blank(&m.name)) {
        missing.push(("materials", "申请材料目录", "材料都没有名称"));
    }
    for (field, zh, found) in missing {
        diags.push(
            r.diag_at(
                Diagnostic::warning(
                    Code::PermitMissingItem,
                    &r.source,
                    format!("行政许可事项缺少“{zh}”"),
                ),
                field,
            )
            .expected(format!("填写{zh}"))
            .found(found)
            .hint("行政许可须公开依据、条件、数量、程序、期限、申请材料目录和申请书示范文本。"),
        );
        summary.push(Item {
            section: Section::Missing,
            date: None,
            file: r.source.to_string_lossy().replace('\\', "/"),
            title: r.common.title.clone(),
            note: format!("缺少{zh}"),
        });
    }
}
