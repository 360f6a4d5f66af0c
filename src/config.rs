//! `site.toml` → [`Config`]: site settings, the organisation, record numbers and the publicity
//! rules. Unknown keys are rejected with the line and a did-you-mean hint.

use crate::diag::{did_you_mean, Code, Diagnostic};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// 站点设置 — everything in `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// 网站名称, e.g. 枝江县人力资源和社会保障局.
    pub title: String,
    /// Public address with scheme, e.g. `https://rsj.example.gov.cn/` (may carry a path).
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_timezone")]
    pub timezone: String,
    /// One line under the site name.
    #[serde(default)]
    pub description: String,
    /// Public address of the feedback receiver (absolute, or a path on the same origin).
    #[serde(default = "default_feedback_url")]
    pub feedback_url: String,
    /// Records per list page.
    #[serde(default = "default_page_size")]
    pub page_size: usize,
    pub organization: Organization,
    #[serde(default)]
    pub records: Records,
    #[serde(default)]
    pub publicity: Publicity,
    #[serde(default)]
    pub consultation: ConsultationRules,
    #[serde(default)]
    pub limits: Limits,
    #[serde(default)]
    pub enforcement: EnforcementRules,
    #[serde(default)]
    pub search: SearchSettings,
    /// 依申请公开 (`[requests]`): the request page and its footer link.
    #[serde(default)]
    pub requests: Requests,
}

/// 依申请公开 (`[requests]`): whether the site has the request page (`requests/`, the online
/// form posting to the receiver, the status lookup) and its footer link. Off by default: a
/// site turns it on once its receiver accepts requests.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Requests {
    #[serde(default)]
    pub enabled: bool,
    /// 受理机构 (the office that handles requests), when not the organisation itself.
    #[serde(default)]
    pub office: String,
}

/// 重大执法决定法制审核目录 (`[enforcement]`): which enforcement decisions need the legal
/// office's review before they are made. Empty by default, so a site that sets nothing has no
/// decision in the catalogue; a decision may also put itself in it (`major: true`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EnforcementRules {
    /// A 行政处罚 whose fine (in yuan) is at least this much needs review.
    #[serde(default)]
    pub review_fine_threshold: Option<f64>,
    /// Revocations of a licence or permit (决定内容 says 吊销, 撤销许可, …) need review.
    #[serde(default)]
    pub review_revocation: bool,
    /// Other measures that need review, by the words the decision uses (责令停产停业, …):
    /// a decision whose 案由 or 决定内容 contains one is in the catalogue.
    #[serde(default)]
    pub review_measures: Vec<String>,
    /// How many working days (on the site's calendar) the review may take without an
    /// extension reason.
    #[serde(default = "seven")]
    pub review_working_days: u32,
}

impl Default for EnforcementRules {
    fn default() -> Self {
        EnforcementRules {
            review_fine_threshold: None,
            review_revocation: false,
            review_measures: Vec::new(),
            review_working_days: 7,
        }
    }
}

/// 站内搜索 (`[search]`): the synonym list (see `crate::search::synonyms`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchSettings {
    /// The site's own synonym file, relative to the site root (added to the shipped list).
    #[serde(default)]
    pub synonyms_file: Option<String>,
    /// Use the shipped synonym list (`data/search/synonyms.txt`); default true.
    #[serde(default = "default_true")]
    pub builtin_synonyms: bool,
    /// The merged list, filled in when the site is loaded (not a key of `site.toml`).
    #[serde(skip)]
    pub synonyms: crate::search::synonyms::Synonyms,
}

impl Default for SearchSettings {
    fn default() -> Self {
        SearchSettings {
            synonyms_file: None,
            builtin_synonyms: true,
            synonyms: crate::search::synonyms::Synonyms::default(),
        }
    }
}

fn default_true() -> bool {
    true
}

/// 文件大小上限 (`[limits]`): how big one record file under `content/` may be, so that a
/// mistaken or hostile file cannot take the memory of the build, the check or the preview.
/// Reading a record costs up to about 220 bytes of memory per byte of text (the peak of a
/// `check` of a file made only of Markdown markup such as `a\n a\n…` or `[[[…`, mostly
/// pulldown-cmark's tree), so the default keeps one file under about 64 MB; ordinary Chinese
/// text costs a tenth of that. Attachments are copied without being read into memory and have
/// no limit here.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// A record file (`.md`, `.yaml`, `.yml`, front matter and body together), in KB.
    #[serde(default = "default_record_kb")]
    pub record_kb: u64,
}

/// The default [`Limits::record_kb`]: 256 KB, about 87,000 Chinese characters (five times
/// the longest law a bureau publishes in full); a file made only of Markdown markup costs at
/// most about 64 MB to read at this size.
pub(crate) const DEFAULT_RECORD_KB: u64 = 256;

/// The largest [`Limits::record_kb`] a site may set (16 MB: up to about 2 GB of memory for
/// one hostile file).
pub(crate) const MAX_RECORD_KB: u64 = 16 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            record_kb: DEFAULT_RECORD_KB,
        }
    }
}

impl Limits {
    /// [`Limits::record_kb`] in bytes.
    pub fn record_bytes(&self) -> u64 {
        self.record_kb.saturating_mul(1024)
    }
}

fn default_record_kb() -> u64 {
    DEFAULT_RECORD_KB
}

/// 主办单位.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub name: String,
    /// 机构代码 used in 索引号 (`CODE/YYYY-NNNNN`).
    pub code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub hotline: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub hours: String,
}

/// 备案信息 and 网站标识码.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Records {
    /// ICP 备案号.
    #[serde(default)]
    pub icp: String,
    /// 公安机关备案号.
    #[serde(default)]
    pub public_security: String,
    /// 网站标识码.
    #[serde(default)]
    pub site_code: String,
    /// 党政机关网站标识: the address of the site's verification page (the badge links there).
    #[serde(default)]
    pub badge_url: String,
    /// 党政机关网站标识: the badge image, a file of the site's theme (`static/…`); without
    /// it the badge is a text link.
    #[serde(default)]
    pub badge_image: String,
}

/// 公示规则 — deadlines and display periods.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publicity {
    /// 许可、处罚决定 must be published within this many working days of the decision.
    #[serde(default = "seven")]
    pub decision_publish_working_days: u32,
    /// Other enforcement actions: working days.
    #[serde(default = "twenty")]
    pub other_publish_working_days: u32,
    /// A change of status (撤销、变更…) must be published within this many days.
    #[serde(default = "three")]
    pub withdrawal_publish_days: u32,
    /// How long decisions stay published, in days, by severity (一般/较重/严重) and `default`.
    #[serde(default = "default_display")]
    pub display_days: BTreeMap<String, u32>,
    /// Catalogue categories the site must publish (kind folders).
    #[serde(default = "default_required")]
    pub required_categories: Vec<String>,
    /// Warn when nothing new was published for this many days.
    #[serde(default = "fourteen")]
    pub stale_days: u32,
    /// Warn when a question waits longer than this many days for its reply.
    #[serde(default = "ninety")]
    pub reply_overdue_days: u32,
    /// Warn when a closed consultation has no outcome after this many days.
    #[serde(default = "thirty")]
    pub report_due_days: u32,
    /// Phone numbers the bureau publishes on purpose (never flagged by the privacy check).
    #[serde(default)]
    pub allowed_numbers: Vec<String>,
    /// Official mailboxes published on purpose (never flagged by the privacy check), e.g. a
    /// unit's mailbox at a public e-mail provider.
    #[serde(default)]
    pub allowed_emails: Vec<String>,
}

impl Default for Publicity {
    fn default() -> Self {
        Publicity {
            decision_publish_working_days: 7,
            other_publish_working_days: 20,
            withdrawal_publish_days: 3,
            display_days: default_display(),
            required_categories: default_required(),
            stale_days: 14,
            reply_overdue_days: 90,
            report_due_days: 30,
            allowed_numbers: Vec::new(),
            allowed_emails: Vec::new(),
        }
    }
}

/// 意见征集规则: minimum windows per decision type.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsultationRules {
    /// Minimum window per `decision_type`. The types the norms name ([`NORM_TYPES`]) are
    /// always there (7 working days unless the site sets them); a site may add its own.
    #[serde(default = "default_types")]
    pub types: BTreeMap<String, WindowRule>,
}

impl Default for ConsultationRules {
    fn default() -> Self {
        ConsultationRules {
            types: default_types(),
        }
    }
}

/// The minimum window of one decision type: working days, or calendar days.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct WindowRule {
    #[serde(default)]
    pub min_working_days: Option<u32>,
    #[serde(default)]
    pub min_days: Option<u32>,
}

fn default_language() -> String {
    "zh-CN".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_timezone() -> String {
    "Asia/Shanghai".into()
}
fn default_feedback_url() -> String {
    "/feedback".into()
}
fn default_page_size() -> usize {
    20
}
fn seven() -> u32 {
    7
}
fn twenty() -> u32 {
    20
}
fn three() -> u32 {
    3
}
fn fourteen() -> u32 {
    14
}
fn thirty() -> u32 {
    30
}
fn ninety() -> u32 {
    90
}
fn default_display() -> BTreeMap<String, u32> {
    // Defaults follow common provincial practice for 行政处罚决定 publicity: 一般 6 months,
    // 较重/严重 up to 3 years; other decisions one year. Sites set their own.
    [
        ("一般", 180u32),
        ("较重", 365 * 2),
        ("严重", 365 * 3),
        ("default", 365),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}
fn default_required() -> Vec<String> {
    [
        "duties",
        "documents",
        "procedures",
        "fees",
        "permits",
        "consultations",
        "enforcement",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}
/// The decision types the norms name: 重大行政决策 (《重大行政决策程序暂行条例》), 行政规范性
/// 文件 (国办发〔2018〕37号), 规章 (《规章制定程序条例》), drafts of laws and regulations
/// (《立法法》, 《行政法规制定程序条例》), normative documents closely related to businesses
/// (《优化营商环境条例》第六十二条), and 其他.
pub(crate) const NORM_TYPES: &[&str] = &[
    "重大行政决策",
    "规范性文件",
    "规章",
    "法规草案",
    "涉企规范性文件",
    "其他",
];

fn default_types() -> BTreeMap<String, WindowRule> {
    NORM_TYPES
        .iter()
        .copied()
        .map(|k| {
            (
                k.to_string(),
                WindowRule {
                    min_working_days: Some(7),
                    min_days: None,
                },
            )
        })
        .collect()
}

/// The keys allowed at each level, for did-you-mean hints.
const TOP_KEYS: &[&str] = &[
    "title",
    "base_url",
    "language",
    "theme",
    "timezone",
    "description",
    "feedback_url",
    "page_size",
    "organization",
    "records",
    "publicity",
    "consultation",
    "limits",
    "requests",
    "enforcement",
    "search",
];

impl Config {
    /// Read and check `site.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join("site.toml");
        let rel = Path::new("site.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![
                Diagnostic::error(Code::ConfigRead, rel, format!("无法读取站点配置文件：{e}"))
                    .hint("站点根目录下应有 site.toml；可用 `gongshi init 目录` 新建一个站点。"),
            ]
        })?;
        Self::parse(&text)
    }

    /// Parse `site.toml` text.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let rel = Path::new("site.toml");
        let mut config: Config =
            toml::from_str(text).map_err(|e| vec![toml_diagnostic(&e, text)])?;
        for (name, rule) in default_types() {
            config.consultation.types.entry(name).or_insert(rule);
        }
        let mut diags = Vec::new();
        if config.timezone().is_none() {
            diags.push(
                Diagnostic::error(
                    Code::ConfigTimezone,
                    rel,
                    format!("无法识别的时区“{}”", config.timezone),
                )
                .field("timezone")
                .hint("中国大陆请写 Asia/Shanghai。"),
            );
        }
        if !(config.base_url.starts_with("http://") || config.base_url.starts_with("https://")) {
            diags.push(
                Diagnostic::error(
                    Code::ConfigBaseUrl,
                    rel,
                    "base_url 必须是以 http:// 或 https:// 开头的完整网址",
                )
                .field("base_url")
                .found(config.base_url.clone())
                .hint("例如 https://rsj.example.gov.cn/"),
            );
        }
        for (name, rule) in &config.consultation.types {
            if rule.min_working_days.is_some() == rule.min_days.is_some() {
                diags.push(
                    Diagnostic::error(
                        Code::ConfigWindowRule,
                        rel,
                        format!("决策类型“{name}”必须且只能设置 min_working_days 或 min_days 之一"),
                    )
                    .field(format!("consultation.types.{name}"))
                    .hint("例如 min_working_days = 7（工作日）或 min_days = 30（自然日）。"),
                );
            }
        }
        if !(1..=MAX_RECORD_KB).contains(&config.limits.record_kb) {
            diags.push(
                Diagnostic::error(
                    Code::ConfigLimits,
                    rel,
                    format!(
                        "limits.record_kb 应在 1 到 {MAX_RECORD_KB} 之间（单位 KB）"
                    ),
                )
                .field("limits.record_kb")
                .found(config.limits.record_kb.to_string())
                .hint(format!(
                    "不写时为 {DEFAULT_RECORD_KB}（约 8 万汉字），一般不需要改；上限越大，一个异常文件最多占用的内存越多（每 KB 约 0.25 MB）。"
                )),
            );
        }
        if let Some(t) = config.enforcement.review_fine_threshold {
            if !(t.is_finite() && t >= 0.0) {
                diags.push(
                    Diagnostic::error(
                        Code::ConfigEnforcement,
                        rel,
                        "enforcement.review_fine_threshold 应是不小于 0 的金额（元）",
                    )
                    .field("enforcement.review_fine_threshold")
                    .found(t.to_string())
                    .hint("例如 review_fine_threshold = 50000 表示罚款 5 万元及以上的处罚决定须经法制审核。"),
                );
            }
        }
        if config
            .enforcement
            .review_measures
            .iter()
            .any(|m| m.trim().is_empty())
        {
            diags.push(
                Diagnostic::error(
                    Code::ConfigEnforcement,
                    rel,
                    "enforcement.review_measures 中有空的一项",
                )
                .field("enforcement.review_measures")
                .hint("每一项写决定书中使用的措施名称，如 \"责令停产停业\"；空的一项会使所有决定都须经法制审核，请删去。"),
            );
        }
        if diags.is_empty() {
            Ok(config)
        } else {
            Err(diags)
        }
    }

    /// The site's time zone.
    pub fn timezone(&self) -> Option<jiff::tz::TimeZone> {
        jiff::tz::TimeZone::get(&self.timezone).ok()
    }

    /// The path part of `base_url`, always starting and ending with `/` (`/` or `/gk/`).
    pub fn base_path(&self) -> String {
        let rest = self
            .base_url
            .split_once("://")
            .map(|(_, r)| r)
            .unwrap_or(&self.base_url);
        let path = rest.find('/').map(|i| &rest[i..]).unwrap_or("/");
        let mut p = path.trim_end_matches('/').to_string();
        p.push('/');
        if !p.starts_with('/') {
            p.insert(0, '/');
        }
        p
    }

    /// `base_url` without the trailing slash.
    pub fn base_url_trimmed(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

fn toml_diagnostic(e: &toml::de::Error, text: &str) -> Diagnostic {
    let rel = Path::new("site.toml");
    let (line, col, len) = match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let len = text
                .get(span.clone())
                .map_or(1, |s| s.chars().count().max(1));
            (line, col, len)
        }
        None => (0, 0, 1),
    };
    let msg = e.message();
    let mut d = if let Some(rest) = msg.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or("");
        let candidates: Vec<String> = rest
            .split("expected")
            .nth(1)
            .map(|s| s.split('`').skip(1).step_by(2).map(String::from).collect())
            .unwrap_or_default();
        let mut d = Diagnostic::error(Code::ConfigUnknownKey, rel, format!("未知的设置项“{name}”"))
            .field(name);
        let cands: Vec<&str> = if candidates.is_empty() {
            TOP_KEYS.to_vec()
        } else {
            candidates.iter().map(String::as_str).collect()
        };
        d = match did_you_mean(name, cands.iter().copied()) {
            Some(s) => d.hint(format!("是否想写“{s}”？")),
            None => d.hint(format!("这里可用的设置项：{}", cands.join("、"))),
        };
        d
    } else if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or("");
        Diagnostic::error(
            Code::ConfigMissingKey,
            rel,
            format!("缺少必填设置项“{name}”"),
        )
        .field(name)
        .hint("请参照 `gongshi init` 生成的 site.toml 补上这一项。")
    } else {
        Diagnostic::error(
            Code::ConfigSyntax,
            rel,
            format!("site.toml 有误：{}", msg.trim()),
        )
        .hint("检查引号是否成对、等号两边的写法，以及 [小节] 名称。")
    };
    d = d.span(line, col, len).with_source(text);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title = \"示例局\"\nbase_url = \"https://x.example.gov.cn/gk/\"\n[organization]\nname = \"示例局\"\ncode = \"SLJ\"\n";

    #[test]
    fn minimal_config_gets_defaults() {
        let c = Config::parse(MINIMAL).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c.language, "zh-CN");
        assert_eq!(c.base_path(), "/gk/");
        assert_eq!(c.publicity.decision_publish_working_days, 7);
        assert_eq!(
            c.consultation.types["重大行政决策"].min_working_days,
            Some(7)
        );
        assert_eq!(c.consultation.types["法规草案"].min_working_days, Some(7));
        // No decision is in the legal-review catalogue unless the site says so.
        assert_eq!(c.enforcement, EnforcementRules::default());
        assert_eq!(c.enforcement.review_working_days, 7);
        assert_eq!(c.enforcement.review_fine_threshold, None);
    }

    #[test]
    fn a_site_listing_its_types_keeps_the_types_the_norms_name() {
        let text = format!("{MINIMAL}[consultation.types.\"规章\"]\nmin_days = 30\n[consultation.types.\"人才政策\"]\nmin_working_days = 10\n");
        let c = Config::parse(&text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(c.consultation.types["规章"].min_days, Some(30));
        assert_eq!(c.consultation.types["人才政策"].min_working_days, Some(10));
        for t in NORM_TYPES {
            assert!(c.consultation.types.contains_key(*t), "{t}");
        }
    }

    #[test]
    fn unknown_key_has_line_and_hint() {
        let text = format!("{MINIMAL}[records]\nicpp = \"x\"\n");
        let errs = Config::parse(&text).err().unwrap_or_default();
        assert_eq!(errs.len(), 1);
        let d = &errs[0];
        assert_eq!(d.code, Code::ConfigUnknownKey);
        assert_eq!(d.line, 7);
        assert_eq!(d.hint.as_deref(), Some("是否想写“icp”？"));
    }

    #[test]
    fn missing_title_is_reported() {
        let errs =
            Config::parse("base_url = \"https://a/\"\n[organization]\nname=\"a\"\ncode=\"b\"\n")
                .err()
                .unwrap_or_default();
        assert_eq!(errs[0].code, Code::ConfigMissingKey);
        assert!(errs[0].message.contains("title"));
    }
}
