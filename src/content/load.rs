//! Walk `content/`, read every record file in parallel, and turn each into a typed [`Record`]
//! or the diagnostics that say why it could not be.

use super::kinds::{Common, Data, Kind};
use super::markdown::{self, Fields, Rendered};
use super::source::{self, SplitError};
use crate::config::Limits;
use crate::diag::{Code, Diagnostic};
use crate::lazy::Lazy;
use crate::schema::{self, Ctx, Field, Ty};
use crate::yaml::{self, Node, Value};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One record: a file under `content/<folder>/`, validated and typed. Serialized only by the
/// build snapshot (`build/snapshot.rs`), which sets the root again with [`Record::rooted`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Record {
    pub kind: Kind,
    /// File stem or bundle folder name; unique within the kind; its URL.
    pub id: String,
    /// The file, relative to the site root (`content/permits/x/index.md`).
    pub source: PathBuf,
    /// The folder its attachments are in, relative to the site root.
    pub dir: PathBuf,
    pub common: Common,
    #[serde(
        serialize_with = "Data::serialize_tagged",
        deserialize_with = "Data::deserialize_tagged"
    )]
    pub data: Data,
    /// The rendered body (decoded from the build snapshot only when read: [`Lazy`]).
    pub body: Lazy<Rendered>,
    /// Markdown-typed fields rendered to HTML, by field path (`facts`, `outcome.decision`)
    /// (decoded from the build snapshot only when read).
    pub md: Lazy<Fields>,
    /// The first line of the body (for links found in it).
    pub body_line: usize,
    /// Where the first `待填写` left by `gongshi new` is (line, column), outside comments.
    pub placeholder: Option<(usize, usize)>,
    /// The texts the privacy lint reads from the file had no finding when it was loaded (the
    /// [`Prescan`] hook said so): the lint need not read it again.
    pub(crate) privacy_quiet: bool,
    /// The site root, shared by every record: the file is read again for a diagnostic.
    #[serde(skip, default = "no_root")]
    root: Arc<Path>,
}

/// The root of a deserialized record until [`Record::rooted`] sets it.
fn no_root() -> Arc<Path> {
    Arc::from(Path::new(""))
}

impl Record {
    /// The same record under the site root `root` (a deserialized record has none).
    pub(crate) fn rooted(mut self, root: &Arc<Path>) -> Record {
        self.root = root.clone();
        self
    }

    /// `permits/x`, the record's key across the site.
    pub fn key(&self) -> String {
        format!("{}/{}", self.kind.folder(), self.id)
    }

    /// The file's text, read again (records do not keep it: it is only needed for the few
    /// diagnostics that show a source line or look at the raw file). `None` when the file
    /// can no longer be read.
    pub fn read_text(&self) -> Option<String> {
        let bytes = self.read_bytes()?;
        source::decode(&bytes).ok().map(str::to_string)
    }

    /// The record's file as it is now, undecoded.
    pub(crate) fn read_bytes(&self) -> Option<Vec<u8>> {
        std::fs::read(self.root.join(&self.source)).ok()
    }

    /// A diagnostic located at `field` of this record (or at line 1 when not found). The
    /// position and the source line come from the file, read and parsed again: a record keeps
    /// neither, as they would be a large share of the site model's memory.
    pub fn diag_at(&self, d: Diagnostic, field: &str) -> Diagnostic {
        let text = self.read_text().unwrap_or_default();
        let (line, col, len) = field_position(&self.source, &text, field).unwrap_or((1, 1, 1));
        d.span(line, col, len).field(field).with_source(&text)
    }
}

/// Line, column and length of a field path (`materials[2].name`) in a record file's text:
/// read up to the field ([`yaml::position_of`]), the whole tree only when that cannot tell.
fn field_position(file: &Path, text: &str, field: &str) -> Option<(usize, usize, usize)> {
    let parts = source::split_record(file, text)?;
    match yaml::position_of(parts.yaml, parts.yaml_line_offset, field) {
        yaml::Lookup::Found(line, col, len) => return Some((line, col, len)),
        yaml::Lookup::Absent => return None,
        yaml::Lookup::Unsure => {}
    }
    let node = yaml::parse(parts.yaml, parts.yaml_line_offset).ok()??;
    let mut positions = BTreeMap::new();
    collect_positions(&node, "", &mut positions);
    positions.get(field).copied()
}

/// The first placeholder outside comment lines: (line, column in characters), 1-based. See
/// [`placeholder_in`].
fn find_placeholder(text: &str) -> Option<(usize, usize)> {
    let maybe = PLACEHOLDER_WORDS
        .iter()
        .chain(PLACEHOLDER_VALUES)
        .any(|w| text.contains(w));
    if !maybe {
        return None;
    }
    text.lines().enumerate().find_map(|(i, line)| {
        if line.trim_start().starts_with('#') {
            return None;
        }
        let (byte, _) = placeholder_in(line)?;
        Some((i + 1, line[..byte].chars().count() + 1))
    })
}

/// Words a clerk types where the source lacks something, found anywhere in a line.
pub const PLACEHOLDER_WORDS: &[&str] = &[PLACEHOLDER, "待补充", "原文未提供", "待核实", "待确认"];

/// Words that are placeholders when they are a whole value (`key: 略`, `- 略`, `（略）`): as
/// part of a sentence they are ordinary words (策略, 不详细).
pub const PLACEHOLDER_VALUES: &[&str] = &[
    "略",
    "此处略",
    "以下略",
    "待定",
    "不详",
    "暂缺",
    "未提供",
    "TODO",
    "TBD",
    "XXX",
    "xxx",
    "××",
    "…",
    "……",
    "...",
];

/// The first placeholder in a line of a record: its byte offset and the word.
pub fn placeholder_in(line: &str) -> Option<(usize, &'static str)> {
    let found = PLACEHOLDER_WORDS
        .iter()
        .filter_map(|w| line.find(w).map(|at| (at, *w)))
        .min_by_key(|(at, _)| *at);
    if found.is_some() {
        return found;
    }
    // A whole value: after `key:` or a list dash, without quotes and brackets.
    let trimmed = line.trim_start();
    let rest = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    let value = match rest.split_once(": ") {
        Some((key, v)) if !key.contains(' ') && !key.is_empty() => v,
        _ => rest,
    };
    let brackets: &[char] = &[
        '"', '\'', '“', '”', '(', ')', '（', '）', '【', '】', '[', ']', '「', '」', ' ', '　',
    ];
    let bare = value.trim().trim_matches(brackets);
    let word = PLACEHOLDER_VALUES.iter().find(|w| **w == bare)?;
    let start = line.find(bare)?;
    Some((start, word))
}

pub use crate::schema::PLACEHOLDER;

/// What loading a folder found.
pub struct Loaded {
    pub records: Vec<std::sync::Arc<Record>>,
    pub diags: Vec<Diagnostic>,
}

/// A candidate record file and its kind.
struct Candidate {
    kind: Kind,
    id: String,
    rel: PathBuf,
    dir: PathBuf,
    bundle: bool,
}

fn rel_of(root: &Path, p: &Path) -> PathBuf {
    p.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| p.to_path_buf())
}

fn is_record_ext(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("md" | "yaml" | "yml")
    )
}

fn hidden(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('_')
}

/// Valid ids: lowercase ASCII letters, digits, `-` and `_`, starting with a letter or digit.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn find_candidates(root: &Path, diags: &mut Vec<Diagnostic>) -> Vec<Candidate> {
    let content = root.join("content");
    let mut out = Vec::new();
    if let Ok(meta) = std::fs::symlink_metadata(&content) {
        if !meta.is_dir() && !meta.is_file() {
            diags.push(special_file(Path::new("content"), &meta, &content));
            return out;
        }
    }
    let Ok(entries) = std::fs::read_dir(&content) else {
        diags.push(
            Diagnostic::error(Code::ContentMissing, "content", "找不到 content 目录").hint(
                "站点根目录下应有 content/ 目录，每类信息一个子目录，如 content/documents/。",
            ),
        );
        return out;
    };
    let mut folders: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    folders.sort();
    for folder in folders {
        let name = folder
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if hidden(&name) {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(&folder) else {
            continue;
        };
        if !meta.is_dir() && !meta.is_file() {
            diags.push(special_file(&rel_of(root, &folder), &meta, &folder));
            continue;
        }
        if !meta.is_dir() {
            diags.push(
                Diagnostic::warning(
                    Code::ContentStrayFile,
                    rel_of(root, &folder),
                    "content 目录下的文件不会被发布",
                )
                .hint("每条记录应放在对应类别的子目录中，如 content/documents/。"),
            );
            continue;
        }
        let Some(kind) = Kind::from_folder(&name) else {
            let folders: Vec<&str> = Kind::ALL.iter().map(|k| k.folder()).collect();
            let mut d = Diagnostic::error(
                Code::ContentUnknownFolder,
                rel_of(root, &folder),
                format!("未知的信息类别目录“{name}”"),
            );
            d = match crate::diag::did_you_mean(&name, folders.iter().copied()) {
                Some(s) => d.hint(format!("是否想写“{s}”？可用的目录：{}", folders.join("、"))),
                None => d.hint(format!("可用的目录：{}", folders.join("、"))),
            };
            diags.push(d);
            continue;
        };
        let walker = walkdir::WalkDir::new(&folder)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !hidden(&e.file_name().to_string_lossy()));
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        Code::ContentRead,
                        rel_of(root, &folder),
                        format!("无法读取目录：{e}"),
                    ));
                    continue;
                }
            };
            let path = entry.path();
            let ft = entry.file_type();
            if !ft.is_file() && !ft.is_dir() {
                // A symbolic link (never followed: it could publish a file from outside the
                // site), a named pipe, a socket, a device.
                match entry.path().symlink_metadata() {
                    Ok(meta) => diags.push(special_file(&rel_of(root, path), &meta, path)),
                    Err(e) => diags.push(Diagnostic::error(
                        Code::ContentRead,
                        rel_of(root, path),
                        format!("无法读取：{e}"),
                    )),
                }
                continue;
            }
            if !ft.is_file() || is_data_file(path) {
                continue;
            }
            if !is_record_ext(path) {
                if let Some(d) = look_alike(&rel_of(root, path)) {
                    let in_bundle = path
                        .ancestors()
                        .skip(1)
                        .take_while(|a| *a != folder.as_path())
                        .any(has_index);
                    if !in_bundle {
                        diags.push(d);
                    }
                }
                continue;
            }
            let parent = path.parent().unwrap_or(&folder);
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            // A folder with an index file is a bundle: the folder name is the id, other files
            // in it (at any depth) belong to it.
            let bundle_root = path
                .ancestors()
                .skip(1)
                .take_while(|a| *a != folder.as_path())
                .filter(|a| has_index(a))
                .last();
            let (id, bundle, dir) =
                if stem == "index" && parent != folder.as_path() && has_index(parent) {
                    if bundle_root.is_some_and(|b| b != parent) {
                        continue; // an index inside another bundle is that bundle's file
                    }
                    (
                        parent
                            .file_name()
                            .and_then(|s| s.to_str())
                            .unwrap_or("")
                            .to_string(),
                        true,
                        parent.to_path_buf(),
                    )
                } else if bundle_root.is_some() {
                    continue; // a Markdown/YAML file inside a bundle: data of the bundle, not a record
                } else {
                    (stem, false, parent.to_path_buf())
                };
            out.push(Candidate {
                kind,
                id,
                rel: rel_of(root, path),
                dir: rel_of(root, &dir),
                bundle,
            });
        }
    }
    out
}

/// A file that is not read as a record but looks meant to be one: a record extension in
/// capitals (`.MD`: an error, it would silently not be published), a Markdown extension
/// gongshi does not read (`.markdown`), or a record extension hidden behind `.txt` (as Notepad
/// saves with extensions hidden): warnings, since such a file may be an attachment.
fn look_alike(rel: &Path) -> Option<Diagnostic> {
    let name = rel.file_name()?.to_str()?;
    let (stem, ext) = name.rsplit_once('.')?;
    let lower = ext.to_ascii_lowercase();
    if matches!(lower.as_str(), "md" | "yaml" | "yml") {
        return Some(
            Diagnostic::error(
                Code::ContentIgnoredFile,
                rel,
                format!("扩展名“.{ext}”不是小写，这个文件不会被读取和发布"),
            )
            .expected(format!("{stem}.{lower}"))
            .found(name.to_string())
            .hint(format!(
                "请把文件改名为 {stem}.{lower}（扩展名只能是小写的 .md、.yaml 或 .yml）。"
            )),
        );
    }
    let inner = stem.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let expected = if matches!(
        lower.as_str(),
        "markdown" | "mdown" | "mkd" | "mkdn" | "mdwn"
    ) {
        format!("{stem}.md")
    } else if lower == "txt" && matches!(inner.as_deref(), Some("md" | "yaml" | "yml")) {
        stem.to_string()
    } else {
        return None;
    };
    Some(
        Diagnostic::warning(
            Code::ContentIgnoredFile,
            rel,
            format!("“{name}”看起来是一条记录，但扩展名不是 .md、.yaml 或 .yml，不会作为记录发布"),
        )
        .expected(expected.clone())
        .found(name.to_string())
        .hint(format!(
            "若它是一条记录，请改名为 {expected}（Windows 请在资源管理器中打开“文件扩展名”显示后再改名）；若它是供下载的附件，请放进以“_”开头的子目录（如 _files/），再在记录中写附件路径。"
        )),
    )
}

/// Data files that live beside records but are not records: a consultation's opinion
/// dispositions (the ledger itself is `.jsonl`).
fn is_data_file(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()) == Some(crate::ledger::report::DISPOSITIONS_FILE)
}

fn has_index(dir: &Path) -> bool {
    ["index.md", "index.yaml", "index.yml"]
        .iter()
        .any(|f| dir.join(f).is_file())
}

/// A record file as the loader parsed it, handed to the [`Prescan`] hook.
pub struct RawRecord<'a> {
    pub kind: Kind,
    /// The front matter (or the whole YAML file), with positions.
    pub node: &'a Node,
    /// A Markdown file (front matter and body) rather than a YAML one.
    pub is_md: bool,
    /// The file split into its YAML text and Markdown body.
    pub parts: &'a source::Parts<'a>,
}

/// A check a later step runs on each record file while the loader has it parsed, so that it
/// need not read and parse the file again: its answer is kept in the record
/// (`Record::privacy_quiet`). The build passes the privacy lint's pre-scan; the loader itself
/// knows nothing of the rules.
pub type Prescan = fn(&RawRecord) -> bool;

/// Load every record under `root/content`.
pub fn load(
    root: &Path,
    base_path: &str,
    tz: &jiff::tz::TimeZone,
    limits: &Limits,
    prescan: Option<Prescan>,
) -> Loaded {
    load_cached(
        root,
        base_path,
        tz,
        limits,
        prescan,
        &mut LoadCache::default(),
    )
}

/// Records loaded by an earlier load of the same site, by file (site-relative), for the
/// preview server: it tells the cache which files changed ([`LoadCache::forget`]) and every
/// other file is not read again. A change of base path, time zone or limits empties it.
#[derive(Default)]
pub struct LoadCache {
    settings: Option<(String, String, Limits, bool)>,
    entries: HashMap<PathBuf, Loaded1>,
    /// Files read and parsed by the last load (the others came from the cache).
    pub last_loaded: usize,
}

impl LoadCache {
    /// Forget what was loaded from `rel` (a site-relative file or folder), and the bundle
    /// records it belongs to.
    pub fn forget(&mut self, rel: &Path) {
        // The common case, a record file outside any bundle: nothing else can depend on it
        // (a file has nothing under it), so no need to look at every entry.
        let index = |dir: &Path| {
            ["index.md", "index.yaml", "index.yml"]
                .iter()
                .any(|f| self.entries.contains_key(&dir.join(f)))
        };
        let plain = rel.file_stem().is_some_and(|s| s != "index")
            && self.entries.contains_key(rel)
            && !rel.ancestors().skip(1).any(index);
        if plain {
            self.entries.remove(rel);
            return;
        }
        self.entries.retain(|file, result| {
            let bundle_dir = match result {
                Ok(r) if file.file_stem().is_some_and(|s| s == "index") => Some(r.dir.as_path()),
                _ => None,
            };
            !(file.starts_with(rel) || bundle_dir.is_some_and(|d| rel.starts_with(d)))
        });
    }

    /// Remember `record` as what `rel` holds now (read by the preview's one-record rebuild).
    pub fn remember(&mut self, rel: &Path, record: std::sync::Arc<Record>) {
        self.entries.insert(rel.to_path_buf(), Ok(record));
    }

    /// Forget everything.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.settings = None;
    }

    /// How many files are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// What one file gave: its record, or the problems that kept it from being one.
type Loaded1 = Result<std::sync::Arc<Record>, Vec<Diagnostic>>;

/// [`load`], reusing the records of `cache` and remembering the new ones in it.
pub fn load_cached(
    root: &Path,
    base_path: &str,
    tz: &jiff::tz::TimeZone,
    limits: &Limits,
    prescan: Option<Prescan>,
    cache: &mut LoadCache,
) -> Loaded {
    let settings = (
        base_path.to_string(),
        tz.iana_name().unwrap_or_default().to_string(),
        limits.clone(),
        prescan.is_some(),
    );
    if cache.settings.as_ref() != Some(&settings) {
        cache.clear();
        cache.settings = Some(settings);
    }
    let mut diags = Vec::new();
    let candidates = find_candidates(root, &mut diags);
    let shared: Arc<Path> = Arc::from(root);
    let fresh: Vec<(PathBuf, Loaded1)> = candidates
        .par_iter()
        .filter(|c| match cache.entries.get(&c.rel) {
            // The same file can become another record (a folder became a bundle).
            Some(Ok(r)) => r.id != c.id || r.dir != c.dir || r.kind != c.kind,
            Some(Err(_)) => false,
            None => true,
        })
        .map(|c| {
            let r = load_one(&shared, c, base_path, tz, limits, prescan).map(Arc::new);
            (c.rel.clone(), r)
        })
        .collect();
    cache.last_loaded = fresh.len();
    cache.entries.extend(fresh);
    let mut records = Vec::with_capacity(candidates.len());
    for c in &candidates {
        match cache.entries.get(&c.rel) {
            Some(Ok(rec)) => records.push(rec.clone()),
            Some(Err(ds)) => diags.extend(ds.iter().cloned()),
            None => {}
        }
    }
    // Files that are gone are forgotten.
    if cache.entries.len() > candidates.len() {
        let live: std::collections::HashSet<&PathBuf> = candidates.iter().map(|c| &c.rel).collect();
        cache.entries.retain(|k, _| live.contains(k));
    }
    Loaded { records, diags }
}

/// Read `old`'s file again as the same record (same kind, id and folder): the preview's
/// one-record rebuild. The caller makes sure the file still exists at the same place.
pub fn reload(
    root: &Path,
    old: &Record,
    base_path: &str,
    tz: &jiff::tz::TimeZone,
    limits: &Limits,
    prescan: Option<Prescan>,
) -> Result<Record, Vec<Diagnostic>> {
    let bundle = old.source.file_stem().is_some_and(|s| s == "index")
        && old.dir.file_name().is_some_and(|d| d == old.id.as_str());
    let c = Candidate {
        kind: old.kind,
        id: old.id.clone(),
        rel: old.source.clone(),
        dir: old.dir.clone(),
        bundle,
    };
    load_one(&Arc::from(root), &c, base_path, tz, limits, prescan)
}

fn load_one(
    root: &Arc<Path>,
    c: &Candidate,
    base_path: &str,
    tz: &jiff::tz::TimeZone,
    limits: &Limits,
    prescan: Option<Prescan>,
) -> Result<Record, Vec<Diagnostic>> {
    let rel = c.rel.as_path();
    if !valid_id(&c.id) {
        let what = if c.bundle { "目录名" } else { "文件名" };
        return Err(vec![Diagnostic::error(
            Code::ContentBadId,
            rel,
            format!("{what}“{}”不能用作网址", c.id),
        )
        .expected("小写英文字母、数字、“-”或“_”，如 unemployment-benefit、2026-017")
        .found(c.id.clone())
        .hint(format!(
            "请把{what}改为拼音或英文，例如 shiye-baoxian；记录的网址由它决定。"
        ))]);
    }
    let bytes = read_record(&root.join(rel), rel, limits)?;
    let text = match source::decode(&bytes) {
        Ok(t) => t,
        Err(SplitError::NotUtf8 { line }) => {
            return Err(vec![Diagnostic::error(
            Code::ContentEncoding,
            rel,
            "文件不是 UTF-8 编码",
        )
        .at(line, 1)
        .hint(
            "请用 UTF-8 编码保存文件（记事本：另存为 → 编码选 UTF-8；WPS：另存为纯文本 UTF-8）。",
        )])
        }
        Err(_) => return Err(vec![]),
    };
    let is_md = rel.extension().and_then(|e| e.to_str()) == Some("md");
    let parts = if is_md {
        match source::split_markdown(text) {
            Ok(p) => p,
            Err(SplitError::NoFrontMatter) => {
                return Err(vec![Diagnostic::error(Code::ContentNoFrontMatter, rel, "文件开头缺少“---”包围的信息字段")
                    .at(1, 1)
                    .with_source(text)
                    .hint("Markdown 记录的第一行必须是“---”，接着写 title、published 等字段，再用一行“---”结束，然后才是正文。")])
            }
            Err(SplitError::Unclosed) => {
                return Err(vec![Diagnostic::error(Code::ContentUnclosedFrontMatter, rel, "开头的“---”没有对应的结束行“---”")
                    .at(1, 1)
                    .with_source(text)
                    .hint("在信息字段之后、正文之前加一行“---”。")])
            }
            Err(SplitError::NotUtf8 { .. }) => return Err(vec![]),
        }
    } else {
        source::split_yaml(text)
    };
    let node = match yaml::parse(parts.yaml, parts.yaml_line_offset) {
        Ok(Some(n)) => n,
        Ok(None) => {
            return Err(vec![Diagnostic::error(
                Code::ContentEmpty,
                rel,
                "记录没有任何信息字段",
            )
            .at(1, 1)
            .hint("至少需要 title（标题）等必填字段。")])
        }
        Err(errs) => {
            let mut ds = errs
                .into_iter()
                .map(|e| {
                    let d = Diagnostic::error(e.code, rel, e.message).at(e.pos.line, e.pos.col);
                    match e.hint {
                        Some(h) => d.hint(h),
                        None => d,
                    }
                })
                .collect();
            crate::diag::cap_per_file(&mut ds);
            return Err(ds.into_iter().map(|d| d.with_source(text)).collect());
        }
    };
    // Pure YAML records may carry their body in `body:`.
    static BODY: &[Field] = &[Field {
        name: "body",
        zh: "正文",
        ty: Ty::Markdown,
        required: false,
        help: "正文（Markdown）",
        open: crate::schema::NOT_EXPORTED,
    }];
    // A historical consultation does not require its notice's items, nor a 不予公开 stub the
    // decision's content.
    let kind_fields = c.kind.fields_for(&node);
    let groups: Vec<&[Field]> = if is_md {
        vec![kind_fields, c.kind.common_fields()]
    } else {
        vec![kind_fields, c.kind.common_fields(), BODY]
    };
    let mut ctx = Ctx::new(rel, tz);
    let mut json = schema::check_fields(&node, &groups, "", &mut ctx);
    if let Some(d) = super::validate::blank_legacy_index_no(&node, rel) {
        // Not "absent" as other blank optional fields are: see the function.
        ctx.diags.push(d);
        json = None;
    }
    let Some(serde_json::Value::Object(mut obj)) = json else {
        let mut ds = ctx.diags;
        crate::diag::cap_per_file(&mut ds);
        return Err(ds.into_iter().map(|d| d.with_source(text)).collect());
    };
    let (body_src, body_line) = if is_md {
        (parts.body.to_string(), parts.body_line)
    } else {
        let line = node.get("body").map_or(0, |n| n.pos.line);
        let body = obj
            .remove("body")
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        (body, line)
    };
    // A kind's own field wins over a common one of the same name (a consultation's `summary`
    // is its 基本情况说明).
    let kind_keys: Vec<&str> = c.kind.fields().iter().map(|f| f.name).collect();
    let mut common_obj = serde_json::Map::new();
    let mut kind_obj = serde_json::Map::new();
    for (k, v) in obj {
        if kind_keys.contains(&k.as_str()) {
            kind_obj.insert(k, v);
        } else {
            common_obj.insert(k, v);
        }
    }
    let kind_json = serde_json::Value::Object(kind_obj);
    let mut md_sources = Vec::new();
    collect_markdown(c.kind.fields(), &kind_json, "", &mut md_sources);
    let common: Common =
        serde_json::from_value(serde_json::Value::Object(common_obj)).map_err(|e| {
            vec![Diagnostic::error(
                Code::SchemaInternal,
                rel,
                format!("字段内容无法读取：{e}"),
            )]
        })?;
    let data = Data::from_json(c.kind, kind_json).map_err(|e| {
        vec![Diagnostic::error(
            Code::SchemaInternal,
            rel,
            format!("字段内容无法读取：{e}"),
        )]
    })?;
    let privacy_quiet = prescan.is_some_and(|f| {
        f(&RawRecord {
            kind: c.kind,
            node: &node,
            is_md,
            parts: &parts,
        })
    });
    let body = markdown::render(&body_src, base_path);
    let md = md_sources
        .into_iter()
        .map(|(path, src)| (path, markdown::render(&src, base_path)))
        .collect();
    Ok(Record {
        kind: c.kind,
        id: c.id.clone(),
        source: c.rel.clone(),
        dir: c.dir.clone(),
        common,
        data,
        body: Lazy::new(body),
        md: Lazy::new(md),
        body_line,
        placeholder: find_placeholder(text),
        privacy_quiet,
        root: root.clone(),
    })
}

/// A record file's bytes: a regular file (never a symbolic link, which could publish a file
/// from outside the site), at most [`Limits::record_kb`] (never read further).
pub(crate) fn read_record(
    path: &Path,
    rel: &Path,
    limits: &Limits,
) -> Result<Vec<u8>, Vec<Diagnostic>> {
    use std::io::Read;
    let read_error = |e: std::io::Error| {
        vec![Diagnostic::error(
            Code::ContentRead,
            rel,
            format!("无法读取文件：{e}"),
        )]
    };
    let meta = std::fs::symlink_metadata(path).map_err(read_error)?;
    if !meta.file_type().is_file() {
        return Err(vec![special_file(rel, &meta, path)]);
    }
    let limit = limits.record_bytes();
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize + 1);
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(read_error)?;
    if bytes.len() as u64 > limit {
        // Where the limit is crossed.
        let upto = &bytes[..limit as usize];
        let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = upto.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let col = String::from_utf8_lossy(&upto[line_start..]).chars().count() + 1;
        let size = meta.len().max(bytes.len() as u64);
        return Err(vec![Diagnostic::error(
            Code::ContentTooLarge,
            rel,
            format!(
                "记录文件太大：{} KB，超过上限 {} KB（从这里开始超出）",
                size.div_ceil(1024),
                limits.record_kb
            ),
        )
        .at(line, col)
        .hint(format!(
            "一个记录文件最多 {} KB（约 {} 个汉字）。很长的正文请分成几条记录，或把全文作为附件（PDF、Word）上传、正文只写摘要；确有需要时可在 site.toml 的 [limits] 中调大 record_kb。",
            limits.record_kb,
            approx_chars(limits.record_kb)
        ))]);
    }
    Ok(bytes)
}

/// About how many Chinese characters (three bytes each in UTF-8) `kb` holds, in words.
fn approx_chars(kb: u64) -> String {
    let chars = kb * 1024 / 3;
    if chars >= 10_000 {
        format!("{} 万", chars / 10_000)
    } else {
        chars.to_string()
    }
}

/// A file under `content/` that is not a regular file: a symbolic link, a named pipe, a
/// socket or a device.
pub(crate) fn special_file(rel: &Path, meta: &std::fs::Metadata, path: &Path) -> Diagnostic {
    let ft = meta.file_type();
    if ft.is_symlink() {
        let target = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        Diagnostic::error(
            Code::ContentSymlink,
            rel,
            "这是一个符号链接（快捷方式），不能发布",
        )
        .found(format!("指向 {target}"))
        .hint("content/ 中只能放真实的文件：符号链接可能把网站以外的文件（如服务器上的系统文件）发布出去。请删除链接（git rm），把要发布的文件本身复制到这里。")
    } else {
        Diagnostic::error(
            Code::ContentSpecialFile,
            rel,
            "这不是普通文件（是命名管道、套接字或设备），不能读取或发布",
        )
        .hint("content/ 中只能放普通文件和目录：请删除它。")
    }
}

/// Find the Markdown-typed values in a record's JSON, by field path.
fn collect_markdown(
    fields: &[Field],
    v: &serde_json::Value,
    prefix: &str,
    out: &mut Vec<(String, String)>,
) {
    let Some(obj) = v.as_object() else { return };
    for f in fields {
        let Some(val) = obj.get(f.name) else { continue };
        let path = if prefix.is_empty() {
            f.name.to_string()
        } else {
            format!("{prefix}.{}", f.name)
        };
        match (&f.ty, val) {
            (Ty::Markdown, serde_json::Value::String(s)) => out.push((path, s.clone())),
            (Ty::Obj(inner), _) => collect_markdown(inner, val, &path, out),
            (
                Ty::List(Ty::Obj(inner)) | Ty::TextOr(Ty::List(Ty::Obj(inner))),
                serde_json::Value::Array(items),
            ) => {
                for (i, item) in items.iter().enumerate() {
                    collect_markdown(inner, item, &format!("{path}[{}]", i + 1), out);
                }
            }
            _ => {}
        }
    }
}

fn collect_positions(node: &Node, prefix: &str, out: &mut BTreeMap<String, (usize, usize, usize)>) {
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                let path = if prefix.is_empty() {
                    k.text.clone()
                } else {
                    format!("{prefix}.{}", k.text)
                };
                let pos = if matches!(v.value, Value::Map(_) | Value::Seq(_) | Value::Null) {
                    (k.pos.line, k.pos.col, k.text.chars().count())
                } else {
                    (v.pos.line, v.pos.col, v.len)
                };
                out.insert(path.clone(), pos);
                collect_positions(v, &path, out);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let path = format!("{prefix}[{}]", i + 1);
                out.insert(path.clone(), (item.pos.line, item.pos.col, item.len));
                collect_positions(item, &path, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of every record file of the example site and the test fixtures, and a few
    /// made-up texts: reading up to the field gives the position the whole tree gives, and a
    /// field that is not there is absent.
    #[test]
    fn a_fields_position_read_up_to_it_is_the_trees() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts: Vec<(PathBuf, String)> = Vec::new();
        for dir in ["content", "tests/fixtures"] {
            for e in walkdir::WalkDir::new(manifest.join(dir))
                .into_iter()
                .flatten()
            {
                let p = e.path();
                let ext = p.extension().and_then(|x| x.to_str());
                if matches!(ext, Some("md" | "yaml" | "yml")) {
                    if let Ok(t) = std::fs::read_to_string(p) {
                        texts.push((p.to_path_buf(), t));
                    }
                }
            }
        }
        for (name, t) in [
            ("a.yaml", "a: 1\nb:\n  - x\n  - {c: 'q', d: ~}\n  -\ne: |\n  block\n  text\nf: [1, [2, 3]]\ng:\n"),
            ("b.yaml", "list:\n  - name: 一\n    n: 2\n  - name: \"二\"\n    deep: {x: {y: [a, b]}}\n~: nullkey\n"),
            ("c.yaml", "a: &x {b: 1}\nc: *x\nd: 2\n"),
        ] {
            texts.push((PathBuf::from(name), t.to_string()));
        }
        let mut checked = 0;
        for (file, text) in &texts {
            let Some(parts) = source::split_record(file, text) else {
                continue;
            };
            let Ok(Some(node)) = yaml::parse(parts.yaml, parts.yaml_line_offset) else {
                continue;
            };
            let mut positions = BTreeMap::new();
            collect_positions(&node, "", &mut positions);
            for (path, &(line, col, len)) in &positions {
                match yaml::position_of(parts.yaml, parts.yaml_line_offset, path) {
                    yaml::Lookup::Found(l, c, n) => {
                        assert_eq!((l, c, n), (line, col, len), "{} {path}", file.display())
                    }
                    yaml::Lookup::Unsure => {}
                    yaml::Lookup::Absent => panic!("{} {path}: absent", file.display()),
                }
                assert_eq!(
                    field_position(file, text, path),
                    Some((line, col, len)),
                    "{} {path}",
                    file.display()
                );
                checked += 1;
            }
            for missing in ["no_such_field", "a.no", "list[9]", "list[1].none"] {
                if !positions.contains_key(missing) {
                    assert_eq!(field_position(file, text, missing), None, "{missing}");
                }
            }
        }
        assert!(checked > 1000, "only {checked} fields compared");
        // An alias on the way needs the tree: the copy is found where the alias is.
        let t = "a: &x {b: 1}\nc: *x\n";
        assert_eq!(yaml::position_of(t, 0, "c.b"), yaml::Lookup::Unsure);
        assert_eq!(
            field_position(Path::new("c.yaml"), t, "c.b"),
            Some((1, 11, 1))
        );
        assert_eq!(
            yaml::position_of(t, 0, "a.b"),
            yaml::Lookup::Found(1, 11, 1)
        );
    }

    #[test]
    fn ids_are_url_safe() {
        assert!(valid_id("unemployment-benefit"));
        assert!(valid_id("2026_017"));
        assert!(!valid_id("失业保险"));
        assert!(!valid_id("Foo"));
        assert!(!valid_id("-a"));
        assert!(!valid_id(""));
    }
}
