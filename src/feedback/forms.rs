//! `application/x-www-form-urlencoded` parsing (strict UTF-8) and form validation.

use super::model::{Content, Personal};

pub const MAX_OPINION_CHARS: usize = 5000;
pub const MAX_SHORT_CHARS: usize = 200;
pub const MAX_PAGE_CHARS: usize = 2000;

/// Why a form was refused. Every variant maps to one HTTP status and one zh-CN message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormError {
    /// Not urlencoded (multipart, JSON, missing): 415.
    UnsupportedType,
    /// Bad percent-encoding or invalid UTF-8: 400.
    Encoding,
    /// A field appears twice: 400.
    Duplicate(&'static str),
    /// Required field missing or blank: 400.
    Missing(&'static str),
    /// Field longer than allowed (chars): 400.
    TooLong { field: &'static str, max: usize },
    /// Control characters other than tab/newline: 400.
    Control(&'static str),
    /// Value not one of the allowed ones: 400.
    NotAllowed(&'static str),
    /// The honeypot field `website` was filled: 400 (see docs/feedback.md).
    Honeypot,
}

impl FormError {
    pub fn message_zh(&self) -> String {
        match self {
            FormError::UnsupportedType => {
                "提交格式不受支持：请使用网站上的表单直接提交（不支持文件上传）。".into()
            }
            FormError::Encoding => "提交的内容编码有误（需要 UTF-8），请返回后重新填写提交。".into(),
            FormError::Duplicate(f) => format!("“{}”填写了不止一次，请返回检查。", label(f)),
            FormError::Missing(f) => format!("请填写“{}”。", label(f)),
            FormError::TooLong { field, max } => {
                format!("“{}”最多 {} 个字，请删减后再提交。", label(field), max)
            }
            FormError::Control(f) => format!("“{}”中含有无法识别的字符，请检查。", label(f)),
            FormError::NotAllowed(f) => format!("“{}”的取值无效，请从选项中选择。", label(f)),
            FormError::Honeypot => {
                "提交未被受理：表单中的“网址”一栏应保持空白（它用于拦截自动程序）。如果浏览器自动填写了该栏，请清空后重新提交。".into()
            }
        }
    }
}

pub fn label(field: &str) -> &'static str {
    match field {
        "consultation" => "征集事项",
        "opinion" => "意见内容",
        "section" => "涉及条款",
        "name" => "姓名",
        "organization" => "单位",
        "contact" => "联系方式",
        "consent" => "同意公开",
        "page" => "页面地址",
        "description" => "问题描述",
        "category" => "类别",
        "subject" => "主题",
        "message" => "留言内容",
        "website" => "网址",
        "applicant_type" => "申请人类型",
        "id_number" => "身份证件号码或统一社会信用代码",
        "address" => "通信地址",
        "delivery" => "获取信息的方式",
        "info" => "所需政府信息的描述",
        _ => "字段",
    }
}

/// Checks the Content-Type header: `application/x-www-form-urlencoded`, optionally with a
/// UTF-8 charset parameter.
pub fn check_content_type(ct: Option<&str>) -> Result<(), FormError> {
    let Some(ct) = ct else {
        return Err(FormError::UnsupportedType);
    };
    let mut parts = ct.split(';');
    let mime = parts.next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Err(FormError::UnsupportedType);
    }
    for p in parts {
        if let Some((k, v)) = p.split_once('=') {
            if k.trim().eq_ignore_ascii_case("charset") {
                let v = v.trim().trim_matches('"');
                if !v.eq_ignore_ascii_case("utf-8") && !v.eq_ignore_ascii_case("utf8") {
                    return Err(FormError::UnsupportedType);
                }
            }
        }
    }
    Ok(())
}

/// Every `%` starts an escape of two hex digits (`percent_encoding` passes bad ones through;
/// here they are an error, like invalid UTF-8).
pub(crate) fn escapes_are_valid(raw: &[u8]) -> bool {
    raw.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || raw
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    })
}

/// A urlencoded name or value: `+` is a space, escapes decoded, strictly UTF-8.
fn decode(raw: &[u8]) -> Result<String, FormError> {
    if !escapes_are_valid(raw) {
        return Err(FormError::Encoding);
    }
    let spaced: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&spaced)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| FormError::Encoding)
}

/// Parsed fields, in order. Values are decoded strictly: invalid UTF-8 is an error, never
/// replaced.
#[derive(Debug, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Result<Fields, FormError> {
        let mut v = Vec::new();
        for pair in body.split(|&b| b == b'&') {
            if pair.is_empty() {
                continue;
            }
            let (k, val) = match pair.iter().position(|&b| b == b'=') {
                Some(p) => (&pair[..p], &pair[p + 1..]),
                None => (pair, &b""[..]),
            };
            v.push((decode(k)?, decode(val)?));
        }
        Ok(Fields(v))
    }

    pub(crate) fn get(&self, name: &'static str) -> Result<Option<&str>, FormError> {
        let mut it = self.0.iter().filter(|(k, _)| k == name);
        let first = it.next().map(|(_, v)| v.as_str());
        if it.next().is_some() {
            return Err(FormError::Duplicate(name));
        }
        Ok(first)
    }

    /// A trimmed text field: None when absent or blank (also when made only of invisible
    /// characters). Normalises CRLF to LF and removes bidi controls and zero-width spaces
    /// (`super::text`).
    pub(crate) fn text(&self, name: &'static str, max: usize) -> Result<Option<String>, FormError> {
        let Some(v) = self.get(name)? else {
            return Ok(None);
        };
        let v = v.replace("\r\n", "\n").replace('\r', "\n");
        let v = super::text::strip_format_controls(&v);
        let v = v.trim();
        if super::text::is_blank(v) {
            return Ok(None);
        }
        if v.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(FormError::Control(name));
        }
        if v.chars().count() > max {
            return Err(FormError::TooLong { field: name, max });
        }
        Ok(Some(v.to_string()))
    }

    pub(crate) fn required(&self, name: &'static str, max: usize) -> Result<String, FormError> {
        self.text(name, max)?.ok_or(FormError::Missing(name))
    }

    fn checkbox(&self, name: &'static str) -> Result<bool, FormError> {
        Ok(matches!(
            self.get(name)?
                .map(|s| s.trim().to_ascii_lowercase())
                .as_deref(),
            Some("on" | "yes" | "1" | "true" | "同意")
        ))
    }

    /// The raw value of a field (for echoing back on an error page).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The per-form token (`token`), when present once and well formed; anything else is
    /// None (the submission is then stored but never merged with another).
    pub fn token(&self) -> Option<String> {
        self.get("token")
            .ok()
            .flatten()
            .map(str::trim)
            .filter(|t| super::dedup::valid_token(t))
            .map(str::to_string)
    }

    pub(crate) fn honeypot(&self) -> Result<(), FormError> {
        match self.get("website")? {
            Some(v) if !v.trim().is_empty() => Err(FormError::Honeypot),
            _ => Ok(()),
        }
    }

    fn personal(&self) -> Result<Personal, FormError> {
        Ok(Personal {
            name: self.text("name", 100)?,
            organization: self.text("organization", MAX_SHORT_CHARS)?,
            contact: self.text("contact", MAX_SHORT_CHARS)?,
        })
    }
}

/// The comment form: consultation, opinion, section, name, organization, contact, consent.
pub fn comment(f: &Fields) -> Result<(Content, Personal), FormError> {
    f.honeypot()?;
    let consultation = f.required("consultation", 100)?;
    let opinion = f.required("opinion", MAX_OPINION_CHARS)?;
    let section = f.text("section", MAX_SHORT_CHARS)?;
    let consent = f.checkbox("consent")?;
    Ok((
        Content::Comment {
            consultation,
            section,
            opinion,
            consent,
        },
        f.personal()?,
    ))
}

/// 我要纠错: page (prefilled), description, optional name/contact.
pub fn correction(f: &Fields) -> Result<(Content, Personal), FormError> {
    f.honeypot()?;
    let page = f.text("page", MAX_PAGE_CHARS)?.unwrap_or_default();
    let description = f.required("description", MAX_OPINION_CHARS)?;
    Ok((Content::Correction { page, description }, f.personal()?))
}

pub const MESSAGE_CATEGORIES: [&str; 3] = ["咨询", "建议", "投诉"];

/// 咨询/建议/投诉: category, subject, message, optional name/contact.
pub fn message(f: &Fields) -> Result<(Content, Personal), FormError> {
    f.honeypot()?;
    let category = f.required("category", 10)?;
    if !MESSAGE_CATEGORIES.contains(&category.as_str()) {
        return Err(FormError::NotAllowed("category"));
    }
    let subject = f.required("subject", MAX_SHORT_CHARS)?;
    let message = f.required("message", MAX_OPINION_CHARS)?;
    Ok((
        Content::Message {
            category,
            subject,
            message,
        },
        f.personal()?,
    ))
}

/// Consultation ids: lowercase ASCII letters, digits, `-`, `_` (the content schema's rule).
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_utf8_and_percent() {
        assert_eq!(Fields::parse(b"a=%FF").err(), Some(FormError::Encoding));
        assert_eq!(Fields::parse(b"a=%4").err(), Some(FormError::Encoding));
        let f = Fields::parse("opinion=%E5%90%8C%E6%84%8F+ok&consultation=x".as_bytes());
        let f = f.unwrap_or_default();
        assert_eq!(f.raw("opinion"), Some("同意 ok"));
    }

    #[test]
    fn comment_rules() {
        let long = "字".repeat(MAX_OPINION_CHARS + 1);
        let body = format!("consultation=x&opinion={long}");
        let f = Fields::parse(body.as_bytes()).unwrap_or_default();
        assert!(matches!(comment(&f), Err(FormError::TooLong { .. })));
        let f = Fields::parse(b"consultation=x&opinion=a&website=http").unwrap_or_default();
        assert_eq!(comment(&f).err(), Some(FormError::Honeypot));
        let f = Fields::parse(b"consultation=x&opinion=+++").unwrap_or_default();
        assert_eq!(comment(&f).err(), Some(FormError::Missing("opinion")));
        let f = Fields::parse(b"consultation=x&opinion=a&opinion=b").unwrap_or_default();
        assert_eq!(comment(&f).err(), Some(FormError::Duplicate("opinion")));
        assert!(check_content_type(Some("multipart/form-data; boundary=x")).is_err());
        assert!(
            check_content_type(Some("application/x-www-form-urlencoded; charset=UTF-8")).is_ok()
        );
    }
}
