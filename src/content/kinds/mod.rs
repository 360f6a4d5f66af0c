//! The record kinds: one file per kind with its fields and typed struct; this file is the
//! registry that ties a content folder to its kind.

use crate::content::Record;
use crate::diag::Diagnostic;
use crate::schema::{ex, ex_null, OpenField, OpenTy, NOT_EXPORTED};
use crate::schema::{Field, Ty};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A record kind: its names, its one field table and its hooks. Every hook has a default, so a
/// new kind implements only what it adds; see `docs/dev/adding-a-kind.md`.
pub trait RecordKind: Serialize + DeserializeOwned + Clone + std::fmt::Debug + Sized {
    /// The singular name used by `gongshi new NAME`, in the theme's `record/NAME.html` and in
    /// JSON (`kind` of diagnostics and exports).
    const NAME: &'static str;
    /// The folder under `content/` and the URL section.
    const FOLDER: &'static str;
    /// The Chinese name of the catalogue category (信息类别).
    const LABEL: &'static str;
    /// The label of the kind's item in the main navigation, if it has one.
    const NAV_LABEL: Option<&'static str> = None;
    /// The fields of this kind beyond the common ones.
    const FIELDS: &'static [Field];
    /// The common fields (pages have their own, smaller set).
    const COMMON: &'static [Field] = COMMON;
    /// Optional fields `gongshi new` writes into a new record beside the required ones.
    const SKELETON: &'static [&'static str] = &[];
    /// Are the kind's lists in the records' `order` ([`RecordKind::order`]) rather than by
    /// date?
    const LIST_BY_ORDER: bool = false;
    /// The public text fields (front matter paths) the privacy lint checks by default, or
    /// `None` when records of this kind are not linted by default.
    const PUBLIC_TEXT: Option<&'static [&'static str]> = None;
    /// The open-data entries of one exported object that are derived rather than entered (a
    /// URL, a state, a computed number), placed among the fields that `FIELDS` exports (see
    /// `schema::open_fields`).
    const OPEN_DERIVED: &'static [OpenField] = &[];
    /// The list of objects `gongshi import` fills one item per table row (a catalogue's
    /// `items`): its sub-fields are columns (`items.title`, `事项.事项名称`), and rows with the
    /// same 文件名 are one record. `None`: one row is one record and such lists are not
    /// importable.
    const IMPORT_ROWS: Option<&'static str> = None;

    /// Cross-record and kind-specific rules after the schema check.
    fn validate(
        &self,
        _cx: &crate::content::validate::KindCx,
        _r: &Record,
        _out: &mut Vec<Diagnostic>,
    ) {
    }

    /// The record's clock-dependent facts — its deadlines: a window, the working days left,
    /// why it is no longer listed, the record it points to, what is late or due soon — derived
    /// once per build by the `facts` step (see [`crate::content::clock`]). Problems found on
    /// the way (a window against its rules) go to `out`.
    fn clock(
        &self,
        _cx: &crate::content::clock::ClockCx,
        _r: &Record,
        _out: &mut Vec<Diagnostic>,
    ) -> crate::content::clock::Clock {
        crate::content::clock::Clock::default()
    }

    /// Has the clock moving on to `now`, within the day of the last build, changed what the
    /// record's pages show (a consultation opening or closing at a given hour)? The preview's
    /// one-record rebuild then rebuilds everything; another day always does.
    fn clock_moved(
        &self,
        _facts: &dyn crate::content::view::KindFacts,
        _r: &Record,
        _now: jiff::Timestamp,
        _tz: &jiff::tz::TimeZone,
    ) -> bool {
        false
    }

    /// Does the record count for its catalogue category while it is listed (a document only
    /// while in force)?
    fn current(&self) -> bool {
        true
    }

    /// The record's place in its lists (or the footer, for pages) when it states one.
    fn order(&self) -> Option<u32> {
        None
    }

    /// The kind's main text for a plain-text summary when the record has no `summary`
    /// (empty: the body is used).
    fn summary(&self, _r: &Record) -> String {
        String::new()
    }

    /// Files the record attaches beyond `attachments`, with their front matter path.
    fn attachments(&self) -> Vec<(String, &str)> {
        Vec::new()
    }

    /// The view model the record template gets as `record.d`.
    fn view(&self, _cx: &crate::content::view::ViewCx) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Rows the kind adds to the metadata table (after the common ones).
    fn meta_rows<'a>(&'a self, _rows: &mut Vec<crate::content::view::MetaRow<'a>>) {}

    /// A list item's status word and extra line.
    fn list_status(&self, _cx: &crate::content::view::ViewCx) -> (Option<String>, Option<String>) {
        (None, None)
    }

    /// Searchable text beyond the body, summary, Markdown fields and tags.
    fn search_text(&self, _parts: &mut Vec<String>) {}

    /// Does the record's page link to the record `key` (other than as a neighbour)?
    fn links_to(&self, _key: &str) -> bool {
        false
    }

    /// The exported object's kind-specific fields (keys as in the kind's open-data fields).
    fn open_data(&self, _cx: &crate::content::view::ViewCx) -> Value {
        Value::Object(serde_json::Map::new())
    }

    /// The rows this record adds to its kind's open-data CSV file (see `export::opendata::CSVS`);
    /// `url` is the record's absolute URL.
    fn csv_rows(&self, _site: &crate::content::Site, _r: &Record, _url: &str) -> Vec<Vec<String>> {
        Vec::new()
    }
}

/// An enumerated field's values: a Rust enum whose serde wire values are the Chinese words
/// the content writes (`有效`), with those words as `VALUES` for the field table, so code
/// compares variants, never Chinese literals.
macro_rules! wire_enum {
    ($(#[$attr:meta])* pub enum $name:ident { $( $(#[$vattr:meta])* $var:ident = $wire:literal, )* }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        pub enum $name {
            $( $(#[$vattr])* #[serde(rename = $wire)] $var, )*
        }

        impl $name {
            /// The words the content may write, in order.
            pub const VALUES: &'static [&'static str] = &[ $( $wire, )* ];

            /// The word as written.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$var => $wire, )* }
            }

            /// The variant a word names, in Simplified or Traditional characters (`廢止` is
            /// `废止`): the Traditional spelling is folded first (`crate::hant`).
            pub fn from_word(word: &str) -> Option<Self> {
                match crate::hant::fold(word.trim()).as_ref() {
                    $( $wire => Some($name::$var), )*
                    _ => None,
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::from_word(&word)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&word, Self::VALUES))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// The registry: one line per kind, `Variant => module::Type`, in the order of the site's
/// navigation. Generates [`Kind`], [`Data`] and their dispatch, so every match over kinds is
/// exhaustive and written once, here.
macro_rules! kinds {
    ($( $(#[$attr:meta])* $var:ident => $module:ident :: $ty:ident, )*) => {

        /// 信息类别 — the kinds of record a publicity site holds.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum Kind {
            $( $(#[$attr])* $var, )*
        }

        impl Kind {
            /// How many kinds there are.
            pub const COUNT: usize = {
                let mut n = 0;
                $( $(#[$attr])* { n += 1; } )*
                n
            };

            /// Every kind, in the order of the site's navigation.
            pub const ALL: [Kind; Kind::COUNT] = [ $( $(#[$attr])* Kind::$var, )* ];

            /// The folder under `content/` and the URL section.
            pub fn folder(self) -> &'static str {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::FOLDER, )* }
            }

            /// The singular name used by `gongshi new KIND` and the record template.
            pub fn name(self) -> &'static str {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::NAME, )* }
            }

            /// The Chinese name of the catalogue category.
            pub fn label(self) -> &'static str {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::LABEL, )* }
            }

            /// The label of the kind's item in the main navigation, if it has one.
            pub fn nav_label(self) -> Option<&'static str> {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::NAV_LABEL, )* }
            }

            /// The fields of this kind beyond the common ones.
            pub fn fields(self) -> &'static [Field] {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::FIELDS, )* }
            }

            /// The common fields of this kind (pages have their own, smaller set).
            pub fn common_fields(self) -> &'static [Field] {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::COMMON, )* }
            }

            /// Optional fields `gongshi new` writes beside the required ones.
            pub fn skeleton_fields(self) -> &'static [&'static str] {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::SKELETON, )* }
            }

            /// Are the kind's lists in the records' `order`?
            pub fn list_by_order(self) -> bool {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::LIST_BY_ORDER, )* }
            }

            /// The public text fields the privacy lint checks by default.
            pub fn public_text(self) -> Option<&'static [&'static str]> {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::PUBLIC_TEXT, )* }
            }

            /// The list `gongshi import` fills one item per row ([`RecordKind::IMPORT_ROWS`]).
            pub fn import_rows(self) -> Option<&'static str> {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::IMPORT_ROWS, )* }
            }

            /// The kind's derived open-data entries ([`RecordKind::OPEN_DERIVED`]).
            pub fn open_derived(self) -> &'static [OpenField] {
                match self { $( $(#[$attr])* Kind::$var => <$module::$ty as RecordKind>::OPEN_DERIVED, )* }
            }
        }

        /// The kind-specific part of a record, boxed: the kinds' structs differ in size
        /// (an enforcement decision's is several times a document's), and inline every
        /// record would be as large as the largest kind's.
        #[derive(Debug, Clone, Serialize)]
        #[serde(untagged)]
        pub enum Data {
            $( $(#[$attr])* $var(Box<$module::$ty>), )*
        }

        impl Data {
            /// Deserialize the kind-specific JSON (already checked against the schema).
            pub fn from_json(kind: Kind, v: Value) -> Result<Data, serde_json::Error> {
                Ok(match kind { $( $(#[$attr])* Kind::$var => Data::$var(Box::new(serde_json::from_value(v)?)), )* })
            }

            pub fn kind(&self) -> Kind {
                match self { $( $(#[$attr])* Data::$var(_) => Kind::$var, )* }
            }

            /// Serialize as (kind, data): the untagged form above is for views and cannot be
            /// read back (the build snapshot, `build/snapshot.rs`, reads this one).
            pub fn serialize_tagged<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeTuple;
                let mut t = s.serialize_tuple(2)?;
                match self { $( $(#[$attr])* Data::$var(x) => { t.serialize_element(&Kind::$var)?; t.serialize_element(&**x)?; } )* }
                t.end()
            }

            /// Read what [`Data::serialize_tagged`] wrote.
            pub fn deserialize_tagged<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Data, D::Error> {
                struct Tagged;
                impl<'de> serde::de::Visitor<'de> for Tagged {
                    type Value = Data;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str("a record kind and its data")
                    }
                    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Data, A::Error> {
                        let missing = |i| serde::de::Error::invalid_length(i, &"a kind and its data");
                        let kind: Kind = seq.next_element()?.ok_or_else(|| missing(0))?;
                        Ok(match kind { $( $(#[$attr])* Kind::$var => Data::$var(seq.next_element()?.ok_or_else(|| missing(1))?), )* })
                    }
                }
                d.deserialize_tuple(2, Tagged)
            }

            pub fn validate(&self, cx: &crate::content::validate::KindCx, r: &Record, out: &mut Vec<Diagnostic>) {
                match self { $( $(#[$attr])* Data::$var(x) => x.validate(cx, r, out), )* }
            }

            pub fn clock(&self, cx: &crate::content::clock::ClockCx, r: &Record, out: &mut Vec<Diagnostic>) -> crate::content::clock::Clock {
                match self { $( $(#[$attr])* Data::$var(x) => x.clock(cx, r, out), )* }
            }

            pub fn clock_moved(&self, facts: &dyn crate::content::view::KindFacts, r: &Record, now: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> bool {
                match self { $( $(#[$attr])* Data::$var(x) => x.clock_moved(facts, r, now, tz), )* }
            }

            pub fn current(&self) -> bool {
                match self { $( $(#[$attr])* Data::$var(x) => x.current(), )* }
            }

            pub fn order(&self) -> Option<u32> {
                match self { $( $(#[$attr])* Data::$var(x) => x.order(), )* }
            }

            pub fn summary(&self, r: &Record) -> String {
                match self { $( $(#[$attr])* Data::$var(x) => x.summary(r), )* }
            }

            pub fn attachments(&self) -> Vec<(String, &str)> {
                match self { $( $(#[$attr])* Data::$var(x) => x.attachments(), )* }
            }

            pub fn view(&self, cx: &crate::content::view::ViewCx) -> Value {
                match self { $( $(#[$attr])* Data::$var(x) => x.view(cx), )* }
            }

            pub fn meta_rows<'a>(&'a self, rows: &mut Vec<crate::content::view::MetaRow<'a>>) {
                match self { $( $(#[$attr])* Data::$var(x) => x.meta_rows(rows), )* }
            }

            pub fn list_status(&self, cx: &crate::content::view::ViewCx) -> (Option<String>, Option<String>) {
                match self { $( $(#[$attr])* Data::$var(x) => x.list_status(cx), )* }
            }

            pub fn search_text(&self, parts: &mut Vec<String>) {
                match self { $( $(#[$attr])* Data::$var(x) => x.search_text(parts), )* }
            }

            pub fn links_to(&self, key: &str) -> bool {
                match self { $( $(#[$attr])* Data::$var(x) => x.links_to(key), )* }
            }

            pub fn open_data(&self, cx: &crate::content::view::ViewCx) -> Value {
                match self { $( $(#[$attr])* Data::$var(x) => x.open_data(cx), )* }
            }

            pub fn csv_rows(&self, site: &crate::content::Site, r: &Record, url: &str) -> Vec<Vec<String>> {
                match self { $( $(#[$attr])* Data::$var(x) => x.csv_rows(site, r, url), )* }
            }
        }
    };
}

// The kinds' modules, declared here rather than by `kinds!` so that rustfmt sees their files.
pub mod accountability;
pub mod consultation;
pub mod decision;
pub mod decision_catalogue;
pub mod document;
pub mod duty;
pub mod enforcement;
pub mod fee;
#[cfg(feature = "test-kind")]
pub mod inspection;
pub mod officers;
pub mod page;
pub mod permit;
pub mod procedure;
pub mod reply;
pub mod report;
pub mod spot_check;

kinds! {
    Duty => duty::Duty,
    Document => document::Document,
    Procedure => procedure::Procedure,
    Fee => fee::Fee,
    Permit => permit::Permit,
    Consultation => consultation::Consultation,
    Enforcement => enforcement::Enforcement,
    Reply => reply::Reply,
    DecisionCatalogue => decision_catalogue::DecisionCatalogue,
    Decision => decision::Decision,
    Page => page::Page,
    Officers => officers::Officers,
    SpotCheckList => spot_check::SpotCheckList,
    SpotCheckPlan => spot_check::SpotCheckPlan,
    Accountability => accountability::Accountability,
    Report => report::Report,
    #[cfg(feature = "test-kind")]
    Inspection => inspection::Inspection,
}

impl Kind {
    /// The kind's own field table a record file is checked against: the kind's, or for a
    /// record that says it is one, the looser table of a historical consultation or of a
    /// 不予公开 enforcement stub (whose absent items are never published).
    pub fn fields_for(self, node: &crate::yaml::Node) -> &'static [Field] {
        match self {
            Kind::Consultation => consultation::fields_for(node),
            Kind::Enforcement => enforcement::fields_for(node),
            _ => self.fields(),
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

    /// A YAML skeleton of every field with Chinese comments (common fields first, except
    /// those the kind defines itself).
    pub fn skeleton(self, only_required: bool) -> String {
        let own: Vec<&str> = self.fields().iter().map(|f| f.name).collect();
        let common: Vec<&Field> = self
            .common_fields()
            .iter()
            // `lang` is for the rare record written in Traditional characters: the guide
            // explains it; a skeleton line would invite `zh-Hans` on every record.
            .filter(|f| !own.contains(&f.name) && f.name != "lang")
            .collect();
        let mut text = String::new();
        crate::schema::skeleton_refs(&common, 0, &mut text, only_required);
        crate::schema::skeleton(self.fields(), 0, &mut text, only_required);
        text
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
        open: NOT_EXPORTED,
    },
    Field {
        name: "title",
        zh: "显示名称",
        ty: Ty::Text,
        required: true,
        help: "页面上显示的附件名称",
        open: Some(ex("title", OpenTy::Str, "附件名称", "Title of the file.")),
    },
];

/// The open-data entries of an attachment that are derived rather than entered.
pub static ATTACHMENT_DERIVED: &[OpenField] =
    &[ex("url", OpenTy::Url, "下载地址", "Absolute URL of the file.").after("title")];

/// The fields every record has (pages have their own, smaller set).
pub static COMMON: &[Field] = &[
    Field {
        name: "title",
        zh: "标题",
        ty: Ty::Text,
        required: true,
        help: "页面和列表中显示的标题",
        open: Some(ex("title", OpenTy::Str, "名称", "Title of the record.")),
    },
    Field {
        name: "published",
        zh: "发布日期",
        ty: Ty::Date,
        required: true,
        help: "首次公开的日期，如 2026-11-02",
        open: Some(
            ex(
                "published",
                OpenTy::Date,
                "发布日期",
                "Date of publication.",
            )
            .after("organization"),
        ),
    },
    Field {
        name: "updated",
        zh: "更新日期",
        ty: Ty::Date,
        required: false,
        help: "最近一次修改内容的日期",
        open: Some(
            ex_null(
                "updated",
                OpenTy::Date,
                "更新日期",
                "Date of the last substantive update, if any.",
            )
            .after("published"),
        ),
    },
    Field {
        name: "organization",
        zh: "发布机构",
        ty: Ty::Text,
        required: false,
        help: "默认为 site.toml 中的主办单位",
        open: Some(
            ex(
                "organization",
                OpenTy::Str,
                "发布机构",
                "Organisation that published the record.",
            )
            .after("category"),
        ),
    },
    Field {
        name: "index_no",
        zh: "索引号",
        ty: Ty::Text,
        required: false,
        help: "格式为 机构代码/年份-五位序号，如 ZJRSJ/2026-00017；发布后不得更改",
        open: Some(ex_null(
            "index_no",
            OpenTy::Str,
            "索引号",
            "Catalogue index number (`机构代码/YYYY-NNNNN`, or the number a record kept from before the site's numbering, `legacy_index_no`), never changed once published.",
        )),
    },
    Field {
        name: "legacy_index_no",
        zh: "原索引号",
        ty: Ty::Text,
        required: false,
        help: "本站启用前已经公开的信息原有的索引号，照原样填写；填写后页面、开放数据和检索中显示这个索引号（index_no 仍由本站分配，不公开），全站不得重复",
        open: NOT_EXPORTED,
    },
    Field {
        name: "doc_no",
        zh: "文号",
        ty: Ty::Text,
        required: false,
        help: "如 枝人社发〔2026〕12号",
        open: Some(ex_null(
            "doc_no",
            OpenTy::Str,
            "文号",
            "Document number, e.g. `枝人社发〔2026〕12号`.",
        )),
    },
    Field {
        name: "category",
        zh: "主题分类",
        ty: Ty::Text,
        required: false,
        help: "如 劳动就业、社会保障、人事人才、劳动关系、综合政务",
        open: Some(ex_null(
            "category",
            OpenTy::Str,
            "主题分类",
            "Subject category of the catalogue.",
        )),
    },
    Field {
        name: "tags",
        zh: "关键词",
        ty: Ty::List(&Ty::Text),
        required: false,
        help: "检索用关键词",
        open: Some(ex(
            "tags",
            OpenTy::StrList,
            "标签",
            "Free keywords (may be empty).",
        )),
    },
    Field {
        name: "attachments",
        zh: "附件",
        ty: Ty::List(&Ty::Obj(ATTACHMENT)),
        required: false,
        help: "随记录公开的文件",
        open: Some(ex(
            "attachments",
            OpenTy::ObjList(ATTACHMENT, ATTACHMENT_DERIVED),
            "附件",
            "Files published with the record.",
        )),
    },
    Field {
        name: "draft",
        zh: "草稿",
        ty: Ty::Bool,
        required: false,
        help: "写 true 时不发布（预览时加 --drafts 可见）",
        open: NOT_EXPORTED,
    },
    Field {
        name: "summary",
        zh: "摘要",
        ty: Ty::Text,
        required: false,
        help: "一两句话的简介，显示在列表中",
        open: Some(
            ex_null(
                "summary",
                OpenTy::Str,
                "摘要",
                "Short summary written by the publisher, if any.",
            )
            .after("updated"),
        ),
    },
    Field {
        name: "lang",
        zh: "文字",
        ty: Ty::Enum(Lang::VALUES),
        required: false,
        help: "正文用繁体字写时写 zh-Hant（原样发布，不转换）；默认为网站语言（简体）",
        open: NOT_EXPORTED,
    },
];

/// The open-data entries every exported record has beyond its fields.
pub static COMMON_DERIVED: &[OpenField] = &[
    ex("id", OpenTy::Str, "记录标识", "Identifier of the record, unique within its data set; the last segment of its URL. Never reused.").first(),
    ex("url", OpenTy::Url, "网址", "Absolute URL of the record's page.").after("id"),
];

wire_enum! {
    /// 文字 — the script a record is written in (`lang`).
    pub enum Lang {
        /// 简体中文.
        Hans = "zh-Hans",
        /// 繁體中文: published as written, marked `lang="zh-Hant"` for screen readers.
        Hant = "zh-Hant",
    }
}

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
    /// The 索引号 a record kept from before the site's numbering: published instead of
    /// `index_no`.
    #[serde(default)]
    pub legacy_index_no: Option<String>,
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
    /// The script, when the record declares one (absent: the site's language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Lang>,
}

impl Common {
    /// The 索引号 the public sees: the one kept from before the site's numbering, if any,
    /// else the site's own.
    pub fn public_index_no(&self) -> Option<&String> {
        self.legacy_index_no.as_ref().or(self.index_no.as_ref())
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
