//! 页面 — a free page (about, 政府信息公开指南, contact) rendered at the site root.

use super::ATTACHMENT;
use crate::schema::{Field, Ty, NOT_EXPORTED};
use serde::{Deserialize, Serialize};

pub static COMMON: &[Field] = &[
    Field {
        name: "title",
        zh: "标题",
        ty: Ty::Text,
        required: true,
        help: "页面标题",
        open: NOT_EXPORTED,
    },
    Field {
        name: "published",
        zh: "发布日期",
        ty: Ty::Date,
        required: false,
        help: "首次发布日期",
        open: NOT_EXPORTED,
    },
    Field {
        name: "updated",
        zh: "更新日期",
        ty: Ty::Date,
        required: false,
        help: "最近修改日期",
        open: NOT_EXPORTED,
    },
    Field {
        name: "summary",
        zh: "摘要",
        ty: Ty::Text,
        required: false,
        help: "一句话简介",
        open: NOT_EXPORTED,
    },
    Field {
        name: "attachments",
        zh: "附件",
        ty: Ty::List(&Ty::Obj(ATTACHMENT)),
        required: false,
        help: "随页面公开的文件",
        open: NOT_EXPORTED,
    },
    Field {
        name: "draft",
        zh: "草稿",
        ty: Ty::Bool,
        required: false,
        help: "写 true 时不发布",
        open: NOT_EXPORTED,
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "order",
        zh: "排序",
        ty: Ty::Int,
        required: false,
        help: "页脚链接中的顺序，小的在前",
        open: NOT_EXPORTED,
    },
    Field {
        name: "menu",
        zh: "显示在页脚",
        ty: Ty::Bool,
        required: false,
        help: "写 true 时在页脚列出",
        open: NOT_EXPORTED,
    },
];

/// 页面.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct Page {
    #[serde(default)]
    pub order: Option<u32>,
    #[serde(default)]
    pub menu: bool,
}

impl super::RecordKind for Page {
    const NAME: &'static str = "page";
    const FOLDER: &'static str = "pages";
    const LABEL: &'static str = "页面";
    const FIELDS: &'static [Field] = FIELDS;
    const COMMON: &'static [Field] = COMMON;

    fn order(&self) -> Option<u32> {
        self.order
    }

    fn view(&self, _cx: &crate::content::view::ViewCx) -> serde_json::Value {
        crate::content::view::to_value(View {})
    }
}

/// The view model of a page (`record.d`): nothing beyond the common fields (`order` and
/// `menu` place it in the footer, which every page's `site` carries).
#[derive(Serialize)]
struct View {}
