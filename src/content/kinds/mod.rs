//! The record kinds: one file per kind with its fields and typed struct; this file is the
//! registry that ties a content folder to its kind.

pub mod consultation;
pub mod document;
pub mod duty;
pub mod enforcement;
pub mod fee;
pub mod page;
pub mod permit;
pub mod procedure;
pub mod reply;

use crate::schema::{Field, Ty};
use serde::{Deserialize, Serialize};

/// 信息类别 — the kinds of record a publicity site holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Duty,
    Document,
    Procedure,
    Fee,
    Permit,
    Consultation,
    Enforcement,
    Reply,
    Page,
}

impl Kind {
    /// Every kind, in the order of the site's navigation.
    pub const ALL: [Kind; 9] = [
        Kind::Duty,
        Kind::Document,
        Kind::Procedure,
        Kind::Fee,
        Kind::Permit,
        Kind::Consultation,
        Kind::Enforcement,
        Kind::Reply,
        Kind::Page,
    ];

    /// The folder under `content/` and the URL section.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Duty => "duties",
            Kind::Document => "documents",
            Kind::Procedure => "procedures",
            Kind::Fee => "fees",
            Kind::Permit => "permits",
            Kind::Consultation => "consultations",
            Kind::Enforcement => "enforcement",
            Kind::Reply => "replies",
            Kind::Page => "pages",
        }
    }

    /// The singular name used by `gongshi new KIND`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Duty => "duty",
            Kind::Document => "document",
            Kind::Procedure => "procedure",
            Kind::Fee => "fee",
            Kind::Permit => "permit",
            Kind::Consultation => "consultation",
            Kind::Enforcement => "enforcement",
            Kind::Reply => "reply",
            Kind::Page => "page",
        }
    }

    /// The Chinese name of the catalogue category.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Duty => "机构职责",
            Kind::Document => "法规政策",
            Kind::Procedure => "办事流程",
            Kind::Fee => "收费项目",
            Kind::Permit => "行政许可",
            Kind::Consultation => "意见征集",
            Kind::Enforcement => "执法公示",
            Kind::Reply => "留言答复",
            Kind::Page => "页面",
        }
    }

    pub fn from_folder(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == s)
    }

    pub fn from_name(s: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == s || k.folder() == s)
    }

    /// The fields of this kind beyond the common ones.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Duty => duty::FIELDS,
            Kind::Document => document::FIELDS,
            Kind::Procedure => procedure::FIELDS,
            Kind::Fee => fee::FIELDS,
            Kind::Permit => permit::FIELDS,
            Kind::Consultation => consultation::FIELDS,
            Kind::Enforcement => enforcement::FIELDS,
            Kind::Reply => reply::FIELDS,
            Kind::Page => page::FIELDS,
        }
    }

    /// A YAML skeleton of every field with Chinese comments (common fields first, except
    /// those the kind defines itself).
    pub fn skeleton(self, only_required: bool) -> String {
        let own: Vec<&str> = self.fields().iter().map(|f| f.name).collect();
        let common: Vec<&Field> = self
            .common_fields()
            .iter()
            .filter(|f| !own.contains(&f.name))
            .collect();
        let mut text = String::new();
        crate::schema::skeleton_refs(&common, 0, &mut text, only_required);
        crate::schema::skeleton(self.fields(), 0, &mut text, only_required);
        text
    }

    /// The common fields of this kind (pages have their own, smaller set).
    pub fn common_fields(self) -> &'static [Field] {
        if self == Kind::Page {
            page::COMMON
        } else {
            COMMON
        }
    }
}

/// 附件 — a file published with a record.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Attachment {
    pub file: String,
    pub title: String,
}

pub static ATTACHMENT: &[Field] = &[
    Field {
        name: "file",
        zh: "文件",
        ty: Ty::Text,
        required: true,
        help: "附件文件名，放在记录文件旁边，如 shenqingshu.docx",
    },
    Field {
        name: "title",
        zh: "显示名称",
        ty: Ty::Text,
        required: true,
        help: "页面上显示的附件名称",
    },
];

/// The fields every record has (pages have their own, smaller set).
pub static COMMON: &[Field] = &[
    Field {
        name: "title",
        zh: "标题",
        ty: Ty::Text,
        required: true,
        help: "页面和列表中显示的标题",
    },
    Field {
        name: "published",
        zh: "发布日期",
        ty: Ty::Date,
        required: true,
        help: "首次公开的日期，如 2026-11-02",
    },
    Field {
        name: "updated",
        zh: "更新日期",
        ty: Ty::Date,
        required: false,
        help: "最近一次修改内容的日期",
    },
    Field {
        name: "organization",
        zh: "发布机构",
        ty: Ty::Text,
        required: false,
        help: "默认为 site.toml 中的主办单位",
    },
    Field {
        name: "index_no",
        zh: "索引号",
        ty: Ty::Text,
        required: false,
        help: "格式为 机构代码/年份-五位序号，如 ZJRSJ/2026-00017；发布后不得更改",
    },
    Field {
        name: "doc_no",
        zh: "文号",
        ty: Ty::Text,
        required: false,
        help: "如 枝人社发〔2026〕12号",
    },
    Field {
        name: "category",
        zh: "主题分类",
        ty: Ty::Text,
        required: false,
        help: "如 劳动就业、社会保障、人事人才、劳动关系、综合政务",
    },
    Field {
        name: "tags",
        zh: "关键词",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "检索用关键词",
    },
    Field {
        name: "attachments",
        zh: "附件",
        ty: Ty::List(&Ty::Obj(ATTACHMENT)),
        required: false,
        help: "随记录公开的文件",
    },
    Field {
        name: "draft",
        zh: "草稿",
        ty: Ty::Bool,
        required: false,
        help: "写 true 时不发布（预览时加 --drafts 可见）",
    },
    Field {
        name: "summary",
        zh: "摘要",
        ty: Ty::Text,
        required: false,
        help: "一两句话的简介，显示在列表中",
    },
];

/// 公共字段 — the fields all records share.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Common {
    pub title: String,
    #[serde(default)]
    pub published: Option<jiff::civil::Date>,
    #[serde(default)]
    pub updated: Option<jiff::civil::Date>,
    #[serde(default)]
    pub organization: Option<String>,
    #[serde(default)]
    pub index_no: Option<String>,
    #[serde(default)]
    pub doc_no: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub summary: Option<String>,
}

/// The kind-specific part of a record.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Data {
    Duty(duty::Duty),
    Document(document::Document),
    Procedure(procedure::Procedure),
    Fee(fee::Fee),
    Permit(permit::Permit),
    Consultation(consultation::Consultation),
    Enforcement(enforcement::Enforcement),
    Reply(reply::Reply),
    Page(page::Page),
}

impl Data {
    /// Deserialize the kind-specific JSON (already checked against the schema).
    pub fn from_json(kind: Kind, v: serde_json::Value) -> Result<Data, serde_json::Error> {
        Ok(match kind {
            Kind::Duty => Data::Duty(serde_json::from_value(v)?),
            Kind::Document => Data::Document(serde_json::from_value(v)?),
            Kind::Procedure => Data::Procedure(serde_json::from_value(v)?),
            Kind::Fee => Data::Fee(serde_json::from_value(v)?),
            Kind::Permit => Data::Permit(serde_json::from_value(v)?),
            Kind::Consultation => Data::Consultation(serde_json::from_value(v)?),
            Kind::Enforcement => Data::Enforcement(serde_json::from_value(v)?),
            Kind::Reply => Data::Reply(serde_json::from_value(v)?),
            Kind::Page => Data::Page(serde_json::from_value(v)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{check_fields, Ctx};
    use std::path::Path;

    /// The skeleton `gongshi new` writes for each kind passes the schema and deserializes into
    /// the typed struct: the schema table and the struct agree.
    #[test]
    fn every_kind_skeleton_matches_its_struct() {
        let tz = jiff::tz::TimeZone::fixed(jiff::tz::offset(8));
        for kind in Kind::ALL {
            let text = kind.skeleton(false);
            let node = match crate::yaml::parse(&text, 0) {
                Ok(Some(n)) => n,
                other => panic!("{kind:?}: {other:?}\n{text}"),
            };
            let mut ctx = Ctx::new(Path::new("x.md"), &tz);
            let json = check_fields(&node, &[kind.fields(), kind.common_fields()], "", &mut ctx);
            assert!(ctx.diags.is_empty(), "{kind:?}: {:?}\n{text}", ctx.diags);
            let mut obj = match json {
                Some(serde_json::Value::Object(o)) => o,
                other => panic!("{other:?}"),
            };
            let kind_keys: Vec<&str> = kind.fields().iter().map(|f| f.name).collect();
            obj.retain(|k, _| kind_keys.contains(&k.as_str()));
            if let Err(e) = Data::from_json(kind, serde_json::Value::Object(obj)) {
                panic!("{kind:?}: {e}");
            }
        }
    }
}
