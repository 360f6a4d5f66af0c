//! Rules across records: unique ids and numbers, references between records, attachments,
//! links inside Markdown, raw `<script>`, and the internal consistency of each record.

use super::kinds::{permit::Permit, Data, Kind};
use super::load::Record;
use crate::config::Config;
use crate::diag::{Code, Diagnostic};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Run every cross-record rule; `root` is the site root (for attachment files).
pub fn validate(
    root: &Path,
    config: &Config,
    records: &[std::sync::Arc<Record>],
) -> Vec<Diagnostic> {
    let records: Vec<&Record> = records.iter().map(|r| &**r).collect();
    let records = records.as_slice();
    let mut out = Vec::new();
    let keys: HashSet<String> = records.iter().map(|r| r.key()).collect();

    for u in &UNIQUE {
        let mut seen: HashMap<String, &Record> = HashMap::new();
        for r in records {
            let Some(v) = (u.get)(r) else { continue };
            match seen.get(&v) {
                Some(first) => out.push(u.duplicate(r, first, &v)),
                None => {
                    seen.insert(v, r);
                }
            }
        }
    }
    legacy_meets_index_no(records, &config.organization.code, &mut out);
    for r in records {
        record_rules(root, config, r, &keys, &mut out);
    }
    out
}

/// `legacy_index_no:` left empty (or blank). Other optional fields left empty count as absent;
/// this one is not, because absent means the site's own 索引号 is published instead: a clerk
/// who meant to copy the old number and forgot would publish a different number for a record
/// the public already knows by its old one. Located at the key.
pub(crate) fn blank_legacy_index_no(node: &crate::yaml::Node, file: &Path) -> Option<Diagnostic> {
    use crate::yaml::Value;
    let Value::Map(entries) = &node.value else {
        return None;
    };
    let (key, value) = entries.iter().find(|(k, _)| k.text == "legacy_index_no")?;
    let blank = match &value.value {
        Value::Null => true,
        Value::Scalar(s, _) => s.trim().is_empty(),
        _ => false,
    };
    blank.then(|| {
        Diagnostic::error(
            Code::MetaLegacyIndexNo,
            file,
            "原索引号（legacy_index_no）是空的",
        )
        .span(key.pos.line, key.pos.col, key.text.chars().count())
        .field("legacy_index_no")
        .expected("本站启用前这条信息原有的索引号，照原样填写，如 011334156/2018-00012")
        .hint("没有原索引号的记录请删除这一行（页面显示本站分配的索引号 index_no）；有原索引号的请照原样填写。")
    })
}

/// A 原索引号 that is another record's own 索引号: both would publish the same number (the
/// error is on the record with the legacy number and names the other file); else one in the
/// site's own series, which a later `gongshi new` would allocate again. Run over the whole
/// site only: [`validate_one`] is not called when a legacy number changed.
fn legacy_meets_index_no(records: &[&Record], code: &str, out: &mut Vec<Diagnostic>) {
    let own: HashMap<&str, &Record> = records
        .iter()
        .filter_map(|r| r.common.index_no.as_deref().map(|no| (no, *r)))
        .collect();
    for r in records {
        let Some(no) = r.common.legacy_index_no.as_deref() else {
            continue;
        };
        let Some(other) = own.get(no).filter(|o| o.key() != r.key()) else {
            // A number of the site's own series would collide with one `gongshi new`
            // allocates later.
            if index_no_ok(no, code) {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::MetaLegacyIndexNo,
                            &r.source,
                            format!("原索引号“{no}”是本站索引号的格式，会与本站分配的索引号重复"),
                        ),
                        "legacy_index_no",
                    )
                    .expected(format!(
                        "本站启用前的其他格式的索引号（本站格式为 {code}/年份-五位序号）"
                    ))
                    .found(no.to_string())
                    .hint("这是本站的索引号：请写在 index_no 中，并删除 legacy_index_no 这一行。"),
                );
            }
            continue;
        };
        out.push(
            r.diag_at(
                Diagnostic::error(
                    Code::MetaDuplicate,
                    &r.source,
                    format!(
                        "原索引号“{no}”与 {} 的索引号相同",
                        other.source.display()
                    ),
                ),
                "legacy_index_no",
            )
            .hint(format!(
                "{} 和 {} 会公开同一个索引号。请核对原索引号；如果 {} 的索引号填错了，改正它（已发布的索引号不得更改）。",
                r.source.display(),
                other.source.display(),
                other.source.display()
            )),
        );
    }
}

/// The diagnostics [`validate`] gives the file of `r`, where `keys` are those of every loaded
/// record (drafts included, as [`validate`] sees them). The rules across records are not run
/// again: call it only for an edit of a record of a site that had no error and whose values
/// that must be unique did not change ([`same_unique_values`]) — then no record shares one.
pub fn validate_one(
    root: &Path,
    config: &Config,
    r: &Record,
    keys: &HashSet<String>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    record_rules(root, config, r, keys, &mut out);
    out
}

/// Do `a` and `b` (one record before and after an edit) have the same values that must be
/// unique among records?
pub fn same_unique_values(a: &Record, b: &Record) -> bool {
    UNIQUE.iter().all(|u| (u.get)(a) == (u.get)(b))
}

/// A value no two records may share.
struct Unique {
    field: &'static str,
    zh: &'static str,
    get: fn(&Record) -> Option<String>,
}

/// The record's key (kind and id: `a.md` and `a.yaml`, or two sub-folders, would clash), its
/// 索引号 (the site's own, and one kept from before the site's numbering) and an enforcement
/// decision's 决定书文号.
const UNIQUE: [Unique; 4] = [
    Unique {
        field: "id",
        zh: "记录编号",
        get: |r| Some(r.key()),
    },
    Unique {
        field: "index_no",
        zh: "索引号",
        get: |r| r.common.index_no.clone(),
    },
    Unique {
        field: "legacy_index_no",
        zh: "原索引号",
        get: |r| r.common.legacy_index_no.clone(),
    },
    Unique {
        field: "case_no",
        zh: "决定书文号",
        get: |r| {
            if let Data::Enforcement(e) = &r.data {
                Some(e.case_no.clone())
            } else {
                None
            }
        },
    },
];

impl Unique {
    /// The error on `r`, whose value `v` the earlier record `first` has already.
    fn duplicate(&self, r: &Record, first: &Record, v: &str) -> Diagnostic {
        if self.field == "id" {
            return Diagnostic::error(
                Code::ContentDuplicateId,
                &r.source,
                format!("记录编号“{}”重复", r.id),
            )
            .at(1, 1)
            .hint(format!(
                "与 {} 的编号相同；同一类别中文件名不能重复，请改名其中一个。",
                first.source.display()
            ));
        }
        let zh = self.zh;
        r.diag_at(
            Diagnostic::error(
                Code::MetaDuplicate,
                &r.source,
                format!("{zh}“{v}”与其他记录重复"),
            ),
            self.field,
        )
        .hint(format!(
            "{} 已使用这个{zh}；{zh}不能重复。",
            first.source.display()
        ))
    }
}

/// The rules of one record on its own (numbers' format, attachments, placeholders, links and
/// references to other records by key, its kind's consistency).
fn record_rules(
    root: &Path,
    config: &Config,
    r: &Record,
    keys: &HashSet<String>,
    out: &mut Vec<Diagnostic>,
) {
    let code = &config.organization.code;
    if let Some(no) = &r.common.index_no {
        if !index_no_ok(no, code) {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::MetaIndexNo,
                        &r.source,
                        format!("索引号“{no}”格式不对"),
                    ),
                    "index_no",
                )
                .expected(format!("{code}/年份-五位序号，如 {code}/2026-00017"))
                .found(no.clone())
                .hint("用 `gongshi new` 新建记录会自动分配下一个索引号。"),
            );
        }
    }
    if let Some(no) = &r.common.doc_no {
        if !doc_no_ok(no) {
            out.push(
                r.diag_at(
                    Diagnostic::warning(
                        Code::MetaDocNo,
                        &r.source,
                        format!("文号“{no}”格式不规范"),
                    ),
                    "doc_no",
                )
                .expected("机关代字〔年份〕序号号，如 枝人社发〔2026〕12号（年份用六角括号〔〕）")
                .found(no.clone()),
            );
        }
    }
    attachments(root, r, out);
    placeholders(r, out);
    links(r, keys, out);
    kind_rules(config, r, keys, out);
}

/// A `待填写` left from `gongshi new`, or another placeholder a clerk typed where the source
/// lacks something (「待补充」「(原文未提供)」「略」…; comment lines aside): the record is not
/// finished.
fn placeholders(r: &Record, out: &mut Vec<Diagnostic>) {
    let Some((line, col)) = r.placeholder else {
        return;
    };
    let text = r.read_text().unwrap_or_default();
    let word = text
        .lines()
        .nth(line.saturating_sub(1))
        .and_then(super::load::placeholder_in)
        .map_or(super::load::PLACEHOLDER, |(_, w)| w);
    let d = if r.common.draft {
        Diagnostic::warning
    } else {
        Diagnostic::error
    };
    let hint = if word == super::load::PLACEHOLDER {
        "请把“待填写”换成实际内容；不需要的选填项可以整行删除。还没写完的记录可以先加一行 draft: true（草稿，不发布）。".to_string()
    } else {
        format!("“{word}”不是内容：原文没有这一项时，选填项整行删除（网站不显示或显示“未注明”），必填项请向承办单位核实后按原文填写。还没核实完的记录可以先加一行 draft: true（草稿，不发布）。")
    };
    out.push(
        d(
            Code::ContentPlaceholder,
            &r.source,
            format!("还有未填写的内容“{word}”"),
        )
        .span(line, col, word.chars().count())
        .with_source(&text)
        .hint(hint),
    );
}

/// `CODE/YYYY-NNNNN`.
pub fn index_no_ok(no: &str, code: &str) -> bool {
    let Some(rest) = no.strip_prefix(code).and_then(|r| r.strip_prefix('/')) else {
        return false;
    };
    let Some((year, seq)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && seq.len() == 5
        && seq.bytes().all(|b| b.is_ascii_digit())
}

/// `机关代字〔YYYY〕N号` (also 第N号), or a decree number `国务院令第423号`, `主席令第七十号`.
pub fn doc_no_ok(no: &str) -> bool {
    // 枝人社罰〔2026〕31號 is read as written in Simplified characters.
    let folded = crate::hant::fold(no);
    let no = folded.as_ref();
    if let Some((org, rest)) = no.split_once("令第") {
        if let Some(num) = rest.strip_suffix('号') {
            return !org.is_empty()
                && !num.is_empty()
                && num
                    .chars()
                    .all(|c| c.is_ascii_digit() || "〇零一二三四五六七八九十百千".contains(c));
        }
    }
    let Some((org, rest)) = no.split_once('〔') else {
        return false;
    };
    let Some((year, tail)) = rest.split_once('〕') else {
        return false;
    };
    let tail = tail.strip_prefix('第').unwrap_or(tail);
    let Some(num) = tail.strip_suffix('号') else {
        return false;
    };
    !org.is_empty()
        && year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && !num.is_empty()
        && num.bytes().all(|b| b.is_ascii_digit())
}

fn all_attachments(r: &Record) -> Vec<(String, &str)> {
    let mut v: Vec<(String, &str)> = r
        .common
        .attachments
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("attachments[{}].file", i + 1), a.file.as_str()))
        .collect();
    v.extend(r.data.attachments());
    v
}

/// Is `file` a safe relative path (no `..`, not absolute)?
pub fn safe_relative(file: &str) -> bool {
    !file.is_empty()
        && !file.starts_with('/')
        && !file.contains('\\')
        && !file.contains(':')
        && file.split('/').all(|s| !s.is_empty() && s != "..")
}

fn attachments(root: &Path, r: &Record, out: &mut Vec<Diagnostic>) {
    for (field, file) in all_attachments(r) {
        if !safe_relative(file) {
            out.push(
                r.diag_at(Diagnostic::error(Code::ContentAttachmentPath, &r.source, format!("附件路径“{file}”不允许")), &field)
                    .hint("附件必须放在记录文件旁边，只写文件名（或其下的子目录），不能用“..”或绝对路径。"),
            );
            continue;
        }
        let rel = r.dir.join(file);
        if let Some((link, meta)) = not_plain(root, &rel) {
            let what = if meta.file_type().is_symlink() {
                let target = std::fs::read_link(root.join(&link))
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                let which = if link == rel {
                    format!("附件“{file}”是符号链接（快捷方式），不能发布")
                } else {
                    format!(
                        "附件“{file}”所在的目录 {} 是符号链接（快捷方式），不能发布",
                        link.display()
                    )
                };
                (which, format!("指向 {target}"))
            } else {
                (
                    format!("附件“{file}”不是普通文件（是命名管道、套接字或设备），不能发布"),
                    String::new(),
                )
            };
            let mut d = r.diag_at(
                Diagnostic::error(Code::ContentAttachmentSymlink, &r.source, what.0),
                &field,
            );
            if !what.1.is_empty() {
                d = d.found(what.1);
            }
            out.push(d.hint(
                "附件必须是放在记录旁边的真实文件：符号链接可能把网站以外的文件（如服务器上的系统文件）发布出去。请删除链接（git rm），把文件本身复制到这里。",
            ));
            continue;
        }
        if !root.join(&rel).is_file() {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::ContentMissingAttachment,
                        &r.source,
                        format!("找不到附件文件“{file}”"),
                    ),
                    &field,
                )
                .hint(format!(
                    "请把文件放到 {}/ 目录中，并核对文件名（包括扩展名）。",
                    r.dir.display()
                )),
            );
        }
    }
}

/// The first part of `rel` (site-relative) that is a symbolic link, or the file itself when
/// it exists and is neither a regular file nor a folder (a named pipe, a device), with its
/// metadata. Nothing is followed: an attachment must be a real file inside the site.
pub fn not_plain(root: &Path, rel: &Path) -> Option<(PathBuf, std::fs::Metadata)> {
    let mut at = PathBuf::new();
    for part in rel.components() {
        at.push(part);
        let meta = std::fs::symlink_metadata(root.join(&at)).ok()?;
        let ft = meta.file_type();
        if ft.is_symlink() || (!ft.is_file() && !ft.is_dir()) {
            return Some((at, meta));
        }
    }
    None
}

fn links(r: &Record, keys: &HashSet<String>, out: &mut Vec<Diagnostic>) {
    let mut check = |dest: &str, line: usize, field: Option<&str>| {
        let path = dest.split(['#', '?']).next().unwrap_or("");
        if !path.starts_with('/') || path.starts_with("//") {
            return;
        }
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        let Some(kind) = segs.first().and_then(|s| Kind::from_folder(s)) else {
            return;
        };
        if kind == Kind::Page || segs.len() < 2 {
            return;
        }
        let key = format!("{}/{}", kind.folder(), segs[1]);
        if !keys.contains(&key) {
            let mut d = Diagnostic::error(
                Code::ContentDanglingLink,
                &r.source,
                format!("链接指向不存在的记录“{path}”"),
            )
            .hint(format!(
                "{} 下没有编号为“{}”的记录；请核对链接或先发布那条记录。",
                kind.folder(),
                segs[1]
            ));
            d = match field {
                Some(f) => r.diag_at(d, f),
                None => d
                    .at(line, 1)
                    .with_source(&r.read_text().unwrap_or_default()),
            };
            out.push(d);
        }
    };
    for (dest, line) in &r.body.links {
        check(dest, r.body_line + line - 1, None);
    }
    for (field, rendered) in &*r.md {
        for (dest, _) in &rendered.links {
            check(dest, 0, Some(field));
        }
    }
    for line in &r.body.scripts {
        out.push(
            Diagnostic::error(
                Code::ContentScript,
                &r.source,
                "正文中不允许使用 <script> 脚本",
            )
            .at(r.body_line + line - 1, 1)
            .with_source(&r.read_text().unwrap_or_default())
            .hint("为保证网站安全，记录中不能嵌入脚本；如需表格或图片，请用 Markdown 写法。"),
        );
    }
    for (field, rendered) in &*r.md {
        if !rendered.scripts.is_empty() {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::ContentScript,
                        &r.source,
                        "字段中不允许使用 <script> 脚本",
                    )
                    .hint("为保证网站安全，记录中不能嵌入脚本。"),
                    field,
                ),
            );
        }
    }
}

pub(crate) fn dangling(r: &Record, field: &str, what: &str, folder: &str, id: &str) -> Diagnostic {
    r.diag_at(
        Diagnostic::error(
            Code::ContentDanglingRef,
            &r.source,
            format!("{what}“{id}”不存在"),
        ),
        field,
    )
    .hint(format!(
        "请填写 content/{folder}/ 下已有记录的文件名（不含扩展名）。"
    ))
}

/// The service-guide rules that depend on the item type, and a material's two ways of
/// stating its form. (A statutory time limit other than a number or 无 is a schema error.)
pub(crate) fn permit_item_rules(r: &Record, p: &Permit, out: &mut Vec<Diagnostic>) {
    if p.is_licence() {
        // The seven 行政许可 items (the schema leaves them optional for other item types).
        let absent: [(bool, &str, &str); 5] = [
            (p.basis.is_empty(), "basis", "设定依据"),
            (p.conditions.is_empty(), "conditions", "许可条件"),
            (p.quantity_limit.is_none(), "quantity_limit", "数量限制"),
            (p.procedure.is_none(), "procedure", "办理程序"),
            (p.time_limit.is_none(), "time_limit", "办理期限"),
        ];
        for (_, field, zh) in absent.into_iter().filter(|a| a.0) {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::SchemaMissingField,
                        &r.source,
                        format!("缺少必填字段“{field}”（{zh}）"),
                    ),
                    "title",
                )
                .field(field)
                .hint(format!(
                    "行政许可事项须填写“{field}: …”（{zh}）。如本事项不是行政许可，请写 item_type: 公共服务 或 item_type: 其他行政权力。"
                )),
            );
        }
    }
    for (i, m) in p.materials.iter().enumerate() {
        if m.form.is_some() && m.original.is_some() {
            let field = format!("materials[{}].form", i + 1);
            out.push(
                r.diag_at(
                    Diagnostic::error(Code::PermitMaterialForm, &r.source, format!("第{}项材料“{}”同时写了 form 和 original", i + 1, m.name))
                        .hint("只保留一个：form: 原件 / 复印件 / 原件及复印件，或 original: true / false。"),
                    &field,
                ),
            );
        }
    }
}

/// What a kind's validation hook sees beyond its record.
pub struct KindCx<'a> {
    pub config: &'a Config,
    /// Every record's key (`folder/id`).
    pub keys: &'a HashSet<String>,
}

impl KindCx<'_> {
    /// Is there a record `id` of `kind`?
    pub fn has(&self, kind: Kind, id: &str) -> bool {
        self.keys.contains(&format!("{}/{}", kind.folder(), id))
    }
}

fn kind_rules(config: &Config, r: &Record, keys: &HashSet<String>, out: &mut Vec<Diagnostic>) {
    r.data.validate(&KindCx { config, keys }, r, out);
}

/// A fee's standards: one form each (amount, range, rate or text), a whole range, a rate
/// with its unit; nothing stated is published as 「未注明」 and warned about; a basis names a
/// document by title or number.
pub(crate) fn fee_rules(r: &Record, f: &super::kinds::fee::Fee, out: &mut Vec<Diagnostic>) {
    let mut bases: Vec<(String, &super::kinds::fee::Basis)> = f
        .basis
        .iter()
        .enumerate()
        .map(|(i, b)| (format!("basis[{}]", i + 1), b))
        .collect();
    let mut all = Vec::new();
    for (i, s) in f.standards.iter().enumerate() {
        let path = format!("standards[{}]", i + 1);
        for (j, c) in s.items.iter().enumerate() {
            all.push((format!("{path}.items[{}]", j + 1), c, false));
        }
        all.insert(all.len() - s.items.len(), (path, s, true));
    }
    for (path, s, top) in all {
        for (k, b) in s.basis.iter().enumerate() {
            bases.push((format!("{path}.basis[{}]", k + 1), b));
        }
        let forms = s.forms();
        if forms.len() > 1 {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::FeeStandardForms,
                        &r.source,
                        format!("收费标准“{}”同时写了几种标准", s.item),
                    ),
                    &path,
                )
                .expected("amount（固定金额）、min/max（幅度）、rate（费率）、text（文字）只写一种")
                .found(
                    forms
                        .iter()
                        .map(|f| match *f {
                            "fixed" => "amount",
                            "range" => "min/max",
                            other => other,
                        })
                        .collect::<Vec<_>>()
                        .join("、"),
                )
                .hint("按原文保留一种；原文同时有金额和说明的，说明写在 note（备注）。"),
            );
        }
        if forms.contains(&"range") {
            let bad = match (s.min, s.max) {
                (Some(a), Some(b)) => a > b,
                _ => true,
            };
            if bad {
                out.push(
                    r.diag_at(
                        Diagnostic::error(
                            Code::FeeRange,
                            &r.source,
                            format!("收费标准“{}”的幅度不完整或上下限颠倒", s.item),
                        ),
                        &path,
                    )
                    .expected("min（最低金额）和 max（最高金额）都写，且 min 不大于 max")
                    .hint("如 50—100元 写 min: 50 和 max: 100；只有上限的（不超过100元）写 text: 不超过100元。"),
                );
            }
        }
        if forms.contains(&"rate") && (s.rate.is_none() || s.rate_unit.is_none()) {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::FeeRate,
                        &r.source,
                        format!("收费标准“{}”的费率不完整", s.item),
                    ),
                    &path,
                )
                .expected("rate（数字）和 rate_unit（倍 或 %）都写")
                .hint(
                    "如 按基本收费标准的1.5倍 写 rate: 1.5、rate_unit: 倍、rate_of: 基本收费标准。",
                ),
            );
        }
        if forms.is_empty() && (!top || s.items.is_empty()) {
            out.push(
                r.diag_at(
                    Diagnostic::warning(
                        Code::FeeStandardUnstated,
                        &r.source,
                        format!("收费标准“{}”没有写明金额、幅度、费率或标准，页面将显示“未注明”", s.item),
                    ),
                    &path,
                )
                .hint("按原文填写：固定金额写 amount，幅度写 min 和 max，按比例写 rate 和 rate_unit，其他写 text（照原文抄写）；免收的写 amount: 0。原文确实没有写明的，请向收费单位核实。"),
            );
        }
    }
    for (path, b) in bases {
        if let Some(no) = b.doc_no.as_deref().filter(|n| !n.trim().is_empty()) {
            if !doc_no_ok(no) {
                out.push(
                    r.diag_at(
                        Diagnostic::warning(
                            Code::MetaDocNo,
                            &r.source,
                            format!("文号“{no}”格式不规范"),
                        ),
                        &format!("{path}.doc_no"),
                    )
                    .expected("机关代字〔年份〕序号号，如 鄂价费〔2020〕12号（年份用六角括号〔〕）；一项只写一个文号")
                    .found(no.to_string())
                    .hint("原文就是这样写的，照原文保留即可（这只是提醒，不影响发布），不要为了通过检查改动原文；抄错了的请改正。几个文号请分成几项，每项一个。"),
                );
            }
        }
        let blank = |o: &Option<String>| o.as_deref().is_none_or(|t| t.trim().is_empty());
        if blank(&b.title) && blank(&b.doc_no) {
            out.push(
                r.diag_at(
                    Diagnostic::error(
                        Code::FeeBasisEmpty,
                        &r.source,
                        "收费依据既没有文件名称也没有文号",
                    ),
                    &path,
                )
                .expected("title（文件名称）或 doc_no（文号），至少一项")
                .hint("照原文抄写文件名称或文号；原文只给文号的只写 doc_no。"),
            );
        }
    }
}

/// The decision type a notice's own words for its kind of draft mean (「立法」, 「条例草案」,
/// 「行政规范性文件」), for the hint of an unknown type.
pub(crate) fn type_alias(t: &str) -> Option<&'static str> {
    let t = t.trim();
    if t.contains("规章") {
        Some("规章")
    } else if t.contains("立法") || t.contains("法律") || t.contains("法规") || t.contains("条例")
    {
        Some("法规草案")
    } else if t.contains("规范性文件") {
        if t.contains("涉企") || t.contains("营商") || t.contains("市场主体") {
            Some("涉企规范性文件")
        } else {
            Some("规范性文件")
        }
    } else if t.contains("重大") && t.contains("决策") {
        Some("重大行政决策")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_words_for_a_type_name_the_type() {
        assert_eq!(type_alias("立法"), Some("法规草案"));
        assert_eq!(type_alias("地方性法规草案"), Some("法规草案"));
        assert_eq!(type_alias("政府规章"), Some("规章"));
        assert_eq!(type_alias("行政规范性文件"), Some("规范性文件"));
        assert_eq!(type_alias("重大决策"), Some("重大行政决策"));
        assert_eq!(type_alias("人才政策"), None);
    }

    #[test]
    fn index_numbers() {
        assert!(index_no_ok("ZJRSJ/2026-00017", "ZJRSJ"));
        assert!(!index_no_ok("ZJRSJ/2026-017", "ZJRSJ"));
        assert!(!index_no_ok("XX/2026-00017", "ZJRSJ"));
        assert!(!index_no_ok("ZJRSJ/26-00017", "ZJRSJ"));
    }

    #[test]
    fn document_numbers() {
        assert!(doc_no_ok("枝人社发〔2026〕12号"));
        assert!(doc_no_ok("京人社监罚字〔2023〕第0012号"));
        assert!(doc_no_ok("国务院令第423号"));
        assert!(doc_no_ok("中华人民共和国主席令第七十号"));
        assert!(!doc_no_ok("国务院令第号"));
        assert!(!doc_no_ok("枝人社发[2026]12号"));
        assert!(!doc_no_ok("枝人社发〔26〕12号"));
        assert!(!doc_no_ok("〔2026〕12号"));
    }

    #[test]
    fn relative_paths() {
        assert!(safe_relative("form.docx"));
        assert!(safe_relative("files/form.docx"));
        assert!(!safe_relative("../x.pdf"));
        assert!(!safe_relative("/etc/passwd"));
        assert!(!safe_relative("a\\b"));
        assert!(!safe_relative("C:x"));
    }
}
