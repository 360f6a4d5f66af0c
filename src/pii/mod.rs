//! Personal data detection (SPEC §4.4), the leaf the privacy lint (`compliance::privacy_lint`)
//! uses: finds personal data that must never be published in enforcement decisions, replies
//! and comment reports — resident ID numbers, mobile phone numbers, bank
//! card numbers and personal e-mail addresses — and checks masked natural-person names and
//! mentions of minors.
//!
//! Everything here is pure: no I/O, no configuration beyond [`PrivacyOptions`].
//!
//! # Detection rules
//!
//! The text is scanned character by character after a per-character normalisation
//! (full-width ASCII `！`…`～` — so `０`-`９`, `Ｘ`, `＠`, `－` — to ASCII, the ideographic
//! and no-break spaces to a space, Unicode hyphens to `-`). Byte ranges always refer to the
//! original text and lie on character boundaries.
//!
//! A *token* is a maximal run of ASCII letters and digits; a number is *standalone* when its
//! token is not part of a longer letter/digit run, so `19` digits are never an 18-digit ID, and
//! `身份证号码110105…，` is found (Chinese characters and punctuation are boundaries).
//!
//! * **Resident ID** (居民身份证号码): 17 digits + digit/`X`/`x` with a valid GB 11643-1999 check
//!   digit and a real birth date `YYYYMMDD` (1900–2100) at positions 7–14; or 15 digits with a
//!   real `YYMMDD` birth date at positions 7–12 and a real province prefix (11–15, 21–23, 31–37,
//!   41–46, 50–54, 61–65, 71, 81, 82 — a 15-digit number has no check digit, so the prefix is
//!   what keeps random 15-digit numbers out; a 15-digit number labelled `注册号`/`登记号`/
//!   `营业执照` just before it is an old business registration number, not an ID). Also found
//!   written in groups `6-8-4` (`110105 19900101 1237`).
//! * **Mobile** (手机号码): 11 digits `1[3-9]…`, bare or grouped `3-4-4`, `3-8`, `7-4` with one
//!   consistent separator (space or hyphen), optionally after `86`, `+86`, `0086` (joined or
//!   with one separator); the finding then covers the prefix too.
//! * **Bank card** (银行卡号): 16–19 digits, first digit not `0`, passing Luhn, bare or in groups
//!   of four (`4-4-4-4`, optionally a last group of 1–3 digits) with one consistent separator. An 18-digit number that is
//!   a valid resident ID is reported as an ID only; one that is a valid unified social credit
//!   code (GB 32100, can be all digits) is not reported.
//! * **E-mail** (个人电子邮箱): `local@domain.tld`; not reported when the domain is, or ends in,
//!   `gov.cn`, or is (a subdomain of) an entry of [`PrivacyOptions::allowed_email_domains`].
//!
//! Mobile and bank-card candidates are ignored when they are clearly something else: inside a
//! URL (`http://`, `https://`, `ftp://`, `www.` up to the first non-URL character; resident IDs
//! and e-mails inside URLs are still reported), part of a decimal (`….5`), or an amount
//! (followed by `元`/`万`/`亿`, preceded by `¥`/`￥`). Digits inside an e-mail address belong to
//! the e-mail finding only. Any numeric finding whose digits equal an entry of
//! [`PrivacyOptions::allowed_numbers`] (compared digits-only; a `86`/`0086` country prefix on
//! either side is ignored) is not reported.
//!
//! # The mask
//!
//! [`mask`] replaces **every** letter and digit by `*` and keeps every other character (so
//! length, separators, `@`, `.` and `+` stay). No digit of a found value is ever shown:
//! partially masked copies of the same number (`138****5678` here, `1381234****` elsewhere)
//! could be spliced back together.

use std::fmt;

/// What kind of personal data a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum PiiKind {
    /// 居民身份证号码 (GB 11643-1999, 18 digits; or an old 15-digit number).
    ResidentId,
    /// 手机号码 (11 digits starting `1[3-9]`).
    Mobile,
    /// 银行卡号 (16–19 digits, Luhn).
    BankCard,
    /// 个人电子邮箱 (an e-mail address not of a government domain).
    Email,
}

impl PiiKind {
    /// The kind's name in messages for staff (zh-CN).
    pub(crate) fn label_zh(&self) -> &'static str {
        match self {
            PiiKind::ResidentId => "居民身份证号码",
            PiiKind::Mobile => "手机号码",
            PiiKind::BankCard => "银行卡号",
            PiiKind::Email => "个人电子邮箱",
        }
    }
}

impl fmt::Display for PiiKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// One piece of personal data found by [`scan`]: `text[start..end]` (byte offsets, on char
/// boundaries), and the value masked with [`mask`] for use in messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub kind: PiiKind,
    pub start: usize,
    pub end: usize,
    pub masked: String,
}

/// What a site allows to be published.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PrivacyOptions {
    /// The organisation's own published numbers (hotlines, office mobiles). Compared
    /// digits-only, so `138-1234-5678` allows `13812345678`.
    pub allowed_numbers: Vec<String>,
    /// E-mail domains that are not personal (e.g. the bureau's own `zjrsj.cn`); subdomains are
    /// allowed too. Domains ending in `gov.cn` are always allowed.
    pub allowed_email_domains: Vec<String>,
    /// Whole e-mail addresses that are official mailboxes published on purpose (compared
    /// without case), e.g. `zjrsj_zhengqiu@163.com`.
    pub allowed_emails: Vec<String>,
}

/// Masks a value for a message: every letter and digit becomes `*`, every other character
/// (separators, `@`, `.`, `+`) is kept, so the length and shape stay but no digit is shown.
pub(crate) fn mask(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_alphanumeric() { '*' } else { c })
        .collect()
}

/// 1-based line and 1-based column (in characters) of byte offset `byte` in `text`.
/// An offset past the end is clamped to the end; one inside a character counts as that
/// character's start.
pub(crate) fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let mut b = byte.min(text.len());
    while b > 0 && !text.is_char_boundary(b) {
        b -= 1;
    }
    let before = text.get(..b).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

// ---------------------------------------------------------------------------------------------
// Check digits

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// The GB 11643-1999 check character for the first 17 digits of an ID (`None` if `first17`
/// is not 17 ASCII digits).
fn id_check_char(first17: &[u8]) -> Option<u8> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    ID_CHECK.get((sum % 11) as usize).copied()
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0')))
}

fn valid_date(y: u32, m: u32, d: u32) -> bool {
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn valid_id18(b: &[u8]) -> bool {
    let (Some(first17), Some(&last)) = (b.get(..17), b.get(17)) else {
        return false;
    };
    if b.len() != 18 || id_check_char(first17) != Some(last.to_ascii_uppercase()) {
        return false;
    }
    match (num(&b[6..10]), num(&b[10..12]), num(&b[12..14])) {
        (Some(y), Some(m), Some(d)) => (1900..=2100).contains(&y) && valid_date(y, m, d),
        _ => false,
    }
}

fn valid_province(b: &[u8]) -> bool {
    matches!(
        num(b.get(..2).unwrap_or(b"")),
        Some(11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82)
    )
}

fn valid_id15(b: &[u8]) -> bool {
    if b.len() != 15 || !b.iter().all(u8::is_ascii_digit) || !valid_province(b) {
        return false;
    }
    match (num(&b[6..8]), num(&b[8..10]), num(&b[10..12])) {
        (Some(y), Some(m), Some(d)) => valid_date(1900 + y, m, d),
        _ => false,
    }
}

/// Whether `s` is a resident ID number: 18 characters (17 ASCII digits and a digit, `X` or `x`)
/// with a valid GB 11643-1999 check digit and a real birth date (1900–2100) at positions 7–14,
/// or an old 15-digit number with a real `YYMMDD` birth date at positions 7–12 and a real
/// province prefix. No trimming, no full-width digits.
pub(crate) fn valid_resident_id(s: &str) -> bool {
    let b = s.as_bytes();
    match b.len() {
        18 => valid_id18(b),
        15 => valid_id15(b),
        _ => false,
    }
}

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Whether `code` is a unified social credit code (统一社会信用代码, GB 32100-2015): 18
/// characters from `0-9A-HJ-NPQRTUWXY` (upper case) with a valid check character.
pub(crate) fn valid_credit_code(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let mut values = Vec::with_capacity(18);
    for c in b {
        match CREDIT_ALPHABET.iter().position(|a| a == c) {
            Some(v) => values.push(v as u32),
            None => return false,
        }
    }
    let sum: u32 = values.iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
    let check = (31 - sum % 31) % 31;
    values.get(17) == Some(&check)
}

fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            let v = u32::from(d - b'0');
            if i % 2 == 1 {
                let dv = v * 2;
                if dv > 9 {
                    dv - 9
                } else {
                    dv
                }
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

fn is_mobile(d: &[u8]) -> bool {
    d.len() == 11
        && d.iter().all(u8::is_ascii_digit)
        && d[0] == b'1'
        && (b'3'..=b'9').contains(&d[1])
}

fn is_card(d: &[u8]) -> bool {
    (16..=19).contains(&d.len())
        && d.first() != Some(&b'0')
        && luhn(d)
        && !valid_credit_code_bytes(d)
}

fn valid_credit_code_bytes(d: &[u8]) -> bool {
    std::str::from_utf8(d).is_ok_and(valid_credit_code)
}

/// Strips a `86`/`0086` country prefix from a 13/15-digit number that is a mobile number.
fn national(d: &str) -> &str {
    for p in ["0086", "86"] {
        if let Some(rest) = d.strip_prefix(p) {
            if is_mobile(rest.as_bytes()) {
                return rest;
            }
        }
    }
    d
}

// ---------------------------------------------------------------------------------------------
// Masked names, minors

const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "公冶", "申屠",
    "太史", "闻人", "万俟", "赫连", "钟离", "宗政", "濮阳", "淳于", "单于", "拓跋", "东郭", "公羊",
    "司空", "仲孙", "第五", "梁丘", "左丘", "谷梁", "乐正", "漆雕", "壤驷", "亓官", "司寇", "巫马",
];

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

fn is_name_mask(c: char) -> bool {
    matches!(c, '某' | '*' | '＊' | '×' | 'X' | 'x' | 'Ｘ' | 'ｘ')
}

/// Whether `name` is a masked natural-person name that may be published: a surname (one Han
/// character, or a compound surname such as 欧阳/司马/诸葛) followed by one or two mask
/// characters (`某`, `*`, `＊`, `×`, `X`) — `张某`, `张某某`, `欧阳*`, `李**` — or by a title
/// (`女士`, `先生`, `小姐`): `王女士`. `张三`, `张小明`, `张某明` and `""` are not.
/// Surrounding whitespace is ignored.
pub(crate) fn is_masked_person_name(name: &str) -> bool {
    // Traditional spellings (歐陽某) are read as their Simplified forms.
    let folded = crate::hant::fold(name.trim());
    let name = folded.as_ref();
    let mut rests: Vec<&str> = Vec::new();
    let mut chars = name.chars();
    if chars.next().is_some_and(is_han) {
        rests.push(chars.as_str());
    }
    for s in COMPOUND_SURNAMES {
        if let Some(rest) = name.strip_prefix(s) {
            rests.push(rest);
        }
    }
    rests.into_iter().any(|rest| {
        let n = rest.chars().count();
        ((1..=2).contains(&n) && rest.chars().all(is_name_mask))
            || matches!(rest, "女士" | "先生" | "小姐")
    })
}

/// The labels real decisions put before a natural person's name: 当事人：张三.
const NAME_LABELS: &[&str] = &[
    "当事人",
    "经营者",
    "法定代表人",
    "法人代表",
    "负责人",
    "投资人",
    "实际控制人",
];

/// The words before a list of names joined by 、: 成员为张三、李四; 职工王五、赵六.
const LIST_LABELS: &[&str] = &["成员为", "成员：", "成员:", "职工", "员工", "工人"];

/// Single-character surnames common enough to tell a name from a word after a label.
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝";

/// Endings of an organisation's name (当事人：某某有限公司 is not a person).
const ORG_ENDINGS: &[&str] = &[
    "公司", "厂", "店", "社", "局", "站", "所", "部", "队", "行", "馆", "院", "校", "会", "中心",
    "集团", "单位", "门市", "超市", "工地", "项目", "场", "室", "处", "科",
];

/// Whether a name shows a mask: 张某, 张*祥, 李××, 王女士.
fn name_is_masked(name: &str) -> bool {
    name.chars().any(is_name_mask) || ["女士", "先生", "小姐"].iter().any(|t| name.ends_with(t))
}

/// Whether `name` (2–4 Han characters) reads as a natural person's name: a common or compound
/// surname first, not an organisation.
fn reads_as_name(name: &str) -> bool {
    let n = name.chars().count();
    if !(2..=4).contains(&n) || ORG_ENDINGS.iter().any(|e| name.ends_with(e)) {
        return false;
    }
    COMPOUND_SURNAMES
        .iter()
        .any(|s| name.starts_with(s) && n >= 3)
        || name.chars().next().is_some_and(|c| SURNAMES.contains(c))
}

/// The run of name characters (Han, masks, `·`) starting at byte `at` of `text`: its end.
fn name_run(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    at + rest
        .char_indices()
        .find(|(_, c)| !(is_han(*c) || is_name_mask(*c) || *c == '·'))
        .map_or(rest.len(), |(i, _)| i)
}

/// Unmasked natural-person names in free text, found after the labels real decisions use
/// (「当事人：张三」, 「法定代表人：李四」, 「经营者：王五」, 「负责人：赵六」) and in lists joined by
/// 「、」 after 「成员为」/「职工」 (「职工张三、李四、王五等」): their byte ranges. A masked name
/// (张某, 张*祥, 王女士) is not reported, nor an organisation (当事人：某某有限公司).
pub(crate) fn labelled_names(text: &str) -> Vec<(usize, usize)> {
    // Labels and surnames in Traditional characters (當事人：張三) are matched on the folded
    // text, whose byte offsets are those of `text` (`crate::hant::fold` keeps lengths).
    let folded = crate::hant::fold(text);
    let text = folded.as_ref();
    let mut out = Vec::new();
    for label in NAME_LABELS {
        for (at, _) in text.match_indices(label) {
            let mut s = at + label.len();
            let rest = &text[s..];
            let Some(colon) = rest.chars().next().filter(|c| matches!(c, '：' | ':')) else {
                continue;
            };
            s += colon.len_utf8();
            s += text[s..].len() - text[s..].trim_start_matches([' ', '　']).len();
            let e = name_run(text, s);
            let name = &text[s..e];
            if !name_is_masked(name) && reads_as_name(name) {
                out.push((s, e));
            }
        }
    }
    for label in LIST_LABELS {
        for (at, _) in text.match_indices(label) {
            let mut s = at + label.len();
            s += text[s..].len() - text[s..].trim_start_matches(['：', ':', ' ']).len();
            let mut items = Vec::new();
            loop {
                let e = name_run(text, s);
                let mut name = &text[s..e];
                let last = !text[e..].starts_with('、');
                if last {
                    name = name.trim_end_matches("等人").trim_end_matches('等');
                }
                items.push((s, s + name.len(), name));
                if last {
                    break;
                }
                s = e + '、'.len_utf8();
            }
            // A list: two names or more, each a name or a masked one.
            let all_names = items
                .iter()
                .all(|(_, _, n)| name_is_masked(n) || reads_as_name(n));
            if items.len() >= 2 && all_names {
                out.extend(
                    items
                        .iter()
                        .filter(|(_, _, n)| !name_is_masked(n))
                        .map(|(s, e, _)| (*s, *e)),
                );
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Parses a small number written with ASCII digits or Chinese numerals at the start of `s`
/// (`18`, `十八`, `十六`, `一十四`, `两`); returns it and the rest of `s`.
fn leading_number(s: &str) -> Option<(u32, &str)> {
    // (Called at every character of every text checked: no allocation.)
    let digits = s.bytes().take_while(u8::is_ascii_digit).take(4).count();
    if digits > 0 {
        let n = s.get(..digits)?.parse().ok()?;
        return Some((n, s.get(digits..)?));
    }
    let zh = |c: char| match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let mut total = 0u32;
    let mut cur: Option<u32> = None;
    let mut used = 0usize;
    let mut any = false;
    for c in s.chars() {
        if let Some(v) = zh(c) {
            cur = Some(v);
        } else if c == '十' {
            total = total.saturating_add(cur.unwrap_or(1) * 10);
            cur = None;
        } else {
            break;
        }
        any = true;
        used += c.len_utf8();
    }
    if !any {
        return None;
    }
    Some((total.saturating_add(cur.unwrap_or(0)), s.get(used..)?))
}

/// Heuristic: whether `text` is about a minor (未成年人, 未满十八周岁, 不满16岁, 十四周岁以下,
/// 童工 — child-labour cases always concern a minor). Decisions about minors are never
/// published. Full-width digits and whitespace are tolerated.
pub(crate) fn mentions_minor(text: &str) -> bool {
    let t: String = text
        .chars()
        .map(normalize_char)
        .map(crate::hant::fold_char)
        .filter(|c| !c.is_whitespace())
        .collect();
    if t.contains("未成年") || t.contains("童工") {
        return true;
    }
    // Every age mention below ends in 岁: most texts have none and need no closer look.
    if !t.contains('岁') {
        return false;
    }
    let age_of = |rest: &str| -> Option<(u32, bool)> {
        let (n, rest) = leading_number(rest)?;
        let rest = rest.strip_prefix('周').unwrap_or(rest);
        let rest = rest.strip_prefix('岁')?;
        Some((n, rest.starts_with("以下")))
    };
    for (i, _) in t.char_indices() {
        let Some(tail) = t.get(i..) else { continue };
        for p in ["未满", "不满", "不足", "未达", "未年满", "不到"] {
            if let Some(rest) = tail.strip_prefix(p) {
                if age_of(rest).is_some_and(|(n, _)| (1..=18).contains(&n)) {
                    return true;
                }
            }
        }
        let prev_is_digit = t
            .get(..i)
            .and_then(|s| s.chars().next_back())
            .is_some_and(|c| {
                c.is_ascii_digit()
                    || leading_number(c.encode_utf8(&mut [0; 4])).is_some()
                    || c == '十'
            });
        if !prev_is_digit && age_of(tail).is_some_and(|(n, below)| below && (1..=18).contains(&n)) {
            return true;
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Scanning

fn normalize_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2212}' => '-',
        _ => c,
    }
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    s: usize,
    e: usize,
}

struct Scanner<'a> {
    text: &'a str,
    /// Normalised characters.
    chars: Vec<char>,
    /// Original characters.
    orig: Vec<char>,
    /// Byte offset of each character; one extra entry: `text.len()`.
    offs: Vec<usize>,
    toks: Vec<Tok>,
    emails: Vec<(usize, usize)>,
    urls: Vec<(usize, usize)>,
    allowed: Vec<String>,
    findings: Vec<Finding>,
}

/// Separators allowed between the groups of a grouped number.
fn is_group_sep(c: char) -> bool {
    c == ' ' || c == '-'
}

fn is_email_local(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_email_domain(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+;=%".contains(c)
}

/// Finds personal data in `text`; findings are sorted by position and do not overlap.
pub(crate) fn scan(text: &str, opts: &PrivacyOptions) -> Vec<Finding> {
    let mut sc = Scanner::new(text, opts);
    sc.find_emails(opts);
    sc.find_urls();
    sc.find_numbers();
    let mut out = sc.findings;
    out.sort_by_key(|f| (f.start, f.end));
    out
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, opts: &PrivacyOptions) -> Self {
        // Sized once: grown push by push, the three lists took about 40 % of the scan's time.
        let n = text.chars().count();
        let mut chars = Vec::with_capacity(n);
        let mut orig = Vec::with_capacity(n);
        let mut offs = Vec::with_capacity(n + 1);
        for (i, c) in text.char_indices() {
            orig.push(c);
            chars.push(normalize_char(c));
            offs.push(i);
        }
        offs.push(text.len());
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i].is_ascii_alphanumeric() {
                let s = i;
                while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                toks.push(Tok { s, e: i });
            } else {
                i += 1;
            }
        }
        let allowed = opts
            .allowed_numbers
            .iter()
            .map(|a| {
                let d: String = a
                    .chars()
                    .map(normalize_char)
                    .filter(char::is_ascii_digit)
                    .collect();
                national(&d).to_string()
            })
            .filter(|d| !d.is_empty())
            .collect();
        Scanner {
            text,
            chars,
            orig,
            offs,
            toks,
            emails: Vec::new(),
            urls: Vec::new(),
            allowed,
            findings: Vec::new(),
        }
    }

    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn before(&self, i: usize) -> Option<char> {
        i.checked_sub(1).and_then(|j| self.at(j))
    }

    fn push(&mut self, kind: PiiKind, s: usize, e: usize) {
        let (Some(&start), Some(&end)) = (self.offs.get(s), self.offs.get(e)) else {
            return;
        };
        let masked = mask(self.text.get(start..end).unwrap_or(""));
        self.findings.push(Finding {
            kind,
            start,
            end,
            masked,
        });
    }

    fn find_emails(&mut self, opts: &PrivacyOptions) {
        let allowed: Vec<String> = opts
            .allowed_email_domains
            .iter()
            .map(|d| {
                d.trim()
                    .trim_start_matches('@')
                    .trim_start_matches('.')
                    .to_ascii_lowercase()
            })
            .filter(|d| !d.is_empty())
            .collect();
        let n = self.chars.len();
        let mut k = 0;
        while k < n {
            if self.chars[k] != '@' {
                k += 1;
                continue;
            }
            let mut j = k;
            while j > 0 && is_email_local(self.chars[j - 1]) {
                j -= 1;
            }
            while j < k && self.chars[j] == '.' {
                j += 1;
            }
            let mut m = k + 1;
            while m < n && is_email_domain(self.chars[m]) {
                m += 1;
            }
            while m > k + 1 && matches!(self.chars[m - 1], '.' | '-') {
                m -= 1;
            }
            let domain: String = self.chars[k + 1..m]
                .iter()
                .collect::<String>()
                .to_ascii_lowercase();
            if j == k || !valid_email_domain(&domain) {
                k += 1;
                continue;
            }
            self.emails.push((j, m));
            let address: String = self.chars[j..m]
                .iter()
                .collect::<String>()
                .to_ascii_lowercase();
            let listed = opts
                .allowed_emails
                .iter()
                .any(|a| a.trim().eq_ignore_ascii_case(&address));
            let ok = listed
                || domain == "gov.cn"
                || domain.ends_with(".gov.cn")
                || allowed
                    .iter()
                    .any(|a| domain == *a || domain.ends_with(&format!(".{a}")));
            if !ok {
                self.push(PiiKind::Email, j, m);
            }
            k = m;
        }
    }

    fn find_urls(&mut self) {
        let n = self.chars.len();
        let mut i = 0;
        while i < n {
            let starts_url = ["http://", "https://", "ftp://", "www."].iter().any(|p| {
                p.chars()
                    .enumerate()
                    .all(|(k, pc)| self.at(i + k).is_some_and(|c| c.to_ascii_lowercase() == pc))
            });
            let left_ok = !self.before(i).is_some_and(|c| c.is_ascii_alphanumeric());
            if !(starts_url && left_ok) {
                i += 1;
                continue;
            }
            let mut e = i;
            while e < n && self.orig[e].is_ascii() && is_url_char(self.orig[e]) {
                e += 1;
            }
            while e > i && matches!(self.orig[e - 1], '.' | ';' | ':' | '!' | '?' | ')' | '\'') {
                e -= 1;
            }
            self.urls.push((i, e));
            i = e.max(i + 1);
        }
    }

    /// Whether `s..e` overlaps one of `spans` (sorted, non-overlapping).
    fn in_spans(spans: &[(usize, usize)], s: usize, e: usize) -> bool {
        let k = spans.partition_point(|&(_, b)| b <= s);
        spans.get(k).is_some_and(|&(a, _)| a < e)
    }

    fn tok_str(&self, t: Tok) -> String {
        self.chars[t.s..t.e].iter().collect()
    }

    fn tok_digits(&self, t: Tok) -> bool {
        self.chars[t.s..t.e].iter().all(char::is_ascii_digit)
    }

    /// Tokens `i..i+lens.len()` joined by one consistent group separator, with the given
    /// lengths (`(min, max)` each). Returns the concatenation and the separator.
    fn group(&self, i: usize, lens: &[(usize, usize)], last_may_x: bool) -> Option<(String, char)> {
        let mut out = String::new();
        let mut sep: Option<char> = None;
        for (k, &(lo, hi)) in lens.iter().enumerate() {
            let t = *self.toks.get(i + k)?;
            let len = t.e - t.s;
            if len < lo || len > hi {
                return None;
            }
            let s = self.tok_str(t);
            let last = k + 1 == lens.len();
            let ok = s.bytes().enumerate().all(|(p, b)| {
                b.is_ascii_digit()
                    || (last && last_may_x && p + 1 == len && (b == b'X' || b == b'x'))
            });
            if !ok {
                return None;
            }
            if k > 0 {
                let prev = *self.toks.get(i + k - 1)?;
                if prev.e + 1 != t.s {
                    return None;
                }
                let c = self.at(prev.e)?;
                if !is_group_sep(c) || sep.is_some_and(|s| s != c) {
                    return None;
                }
                sep = Some(c);
            }
            out.push_str(&s);
        }
        Some((out, sep?))
    }

    /// Whether a group `s..e` (chars) with separator `sep` continues on either side with more
    /// digit groups (then it is part of a longer number).
    fn group_continues(&self, s: usize, e: usize, sep: char) -> bool {
        let left = s >= 2
            && self.before(s) == Some(sep)
            && self.before(s - 1).is_some_and(|c| c.is_ascii_digit());
        let right = self.at(e) == Some(sep) && self.at(e + 1).is_some_and(|c| c.is_ascii_digit());
        left || right
    }

    /// Whether a number at `s..e` is a decimal, an amount or inside a URL — never a mobile or
    /// bank card number there.
    fn not_a_phone_or_card(&self, s: usize, e: usize) -> bool {
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        let decimal = (self.at(e) == Some('.') && digit(self.at(e + 1)))
            || (s >= 2 && self.before(s) == Some('.') && digit(self.before(s - 1)));
        let mut k = e;
        while self.at(k) == Some(' ') {
            k += 1;
        }
        let amount = matches!(self.at(k), Some('元' | '万' | '亿'))
            || matches!(self.before(s), Some('¥' | '￥'));
        decimal || amount || Self::in_spans(&self.urls, s, e)
    }

    /// Whether the text just before char `s` labels a registration number (an old 15-digit
    /// 工商注册号 of a 个体工商户 looks like a 15-digit ID: `420583600123456`).
    fn labelled_registration_no(&self, s: usize) -> bool {
        let from = s.saturating_sub(12);
        let before: String = self.chars.get(from..s).unwrap_or(&[]).iter().collect();
        ["注册号", "登记号", "营业执照", "执照号"]
            .iter()
            .any(|l| before.contains(l))
    }

    fn allowed(&self, digits: &str) -> bool {
        let d = national(digits);
        self.allowed.iter().any(|a| a == d)
    }

    fn report(&mut self, kind: PiiKind, s: usize, e: usize, digits: &str) {
        if Self::in_spans(&self.emails, s, e) {
            return;
        }
        if kind != PiiKind::ResidentId && self.not_a_phone_or_card(s, e) {
            return;
        }
        if !self.allowed(digits) {
            self.push(kind, s, e);
        }
    }

    /// Tries to read a mobile number (bare 11 digits or a grouped form) at token `i`; returns
    /// the number of tokens used.
    fn mobile_at(&self, i: usize) -> Option<(usize, String)> {
        for lens in [
            &[(3, 3), (4, 4), (4, 4)][..],
            &[(3, 3), (8, 8)][..],
            &[(7, 7), (4, 4)][..],
        ] {
            if let Some((d, _)) = self.group(i, lens, false) {
                if is_mobile(d.as_bytes()) {
                    return Some((lens.len(), d));
                }
            }
        }
        let t = *self.toks.get(i)?;
        let d = self.tok_str(t);
        is_mobile(d.as_bytes()).then_some((1, d))
    }

    /// Classifies the number(s) starting at token `i`; returns how many tokens were used.
    fn number_at(&mut self, i: usize) -> Option<usize> {
        let t = *self.toks.get(i)?;
        let first = self.tok_str(t);

        // Country prefix, separated: `+86 138…`, `86-138-1234-5678`, `0086 138…`.
        if first == "86" || first == "0086" {
            let sep_ok = self
                .toks
                .get(i + 1)
                .is_some_and(|n| n.s == t.e + 1 && self.at(t.e).is_some_and(is_group_sep));
            if sep_ok {
                if let Some((used, d)) = self.mobile_at(i + 1) {
                    let s = if self.before(t.s) == Some('+') {
                        t.s - 1
                    } else {
                        t.s
                    };
                    let e = self.toks.get(i + used).map_or(t.e, |x| x.e);
                    self.report(PiiKind::Mobile, s, e, &d);
                    return Some(1 + used);
                }
            }
        }

        // Bank cards in groups of four.
        for lens in [
            &[(4, 4), (4, 4), (4, 4), (4, 4), (1, 3)][..],
            &[(4, 4), (4, 4), (4, 4), (4, 4)][..],
        ] {
            if let Some((d, sep)) = self.group(i, lens, true) {
                let e = self.toks.get(i + lens.len() - 1).map_or(t.e, |x| x.e);
                if self.group_continues(t.s, e, sep) {
                    continue;
                }
                if valid_resident_id(&d) {
                    self.report(PiiKind::ResidentId, t.s, e, &d);
                    return Some(lens.len());
                }
                if is_card(d.as_bytes()) {
                    self.report(PiiKind::BankCard, t.s, e, &d);
                    return Some(lens.len());
                }
            }
        }

        // Resident ID in groups 6-8-4: `110105 19900101 1237`.
        if let Some((d, sep)) = self.group(i, &[(6, 6), (8, 8), (4, 4)], true) {
            let e = self.toks.get(i + 2).map_or(t.e, |x| x.e);
            if !self.group_continues(t.s, e, sep) && valid_resident_id(&d) {
                self.report(PiiKind::ResidentId, t.s, e, &d);
                return Some(3);
            }
        }

        // Grouped mobile.
        if let Some((used, d)) = self.mobile_at(i) {
            if used > 1 {
                let e = self.toks.get(i + used - 1).map_or(t.e, |x| x.e);
                self.report(PiiKind::Mobile, t.s, e, &d);
                return Some(used);
            }
        }

        // A single token.
        let b = first.as_bytes();
        let all_digits = self.tok_digits(t);
        let registration = b.len() == 15 && self.labelled_registration_no(t.s);
        if (b.len() == 18 || (b.len() == 15 && !registration)) && valid_resident_id(&first) {
            self.report(PiiKind::ResidentId, t.s, t.e, &first);
            return Some(1);
        }
        if !all_digits {
            return None;
        }
        if is_mobile(b) || (b.len() > 11 && national(&first).len() == 11) {
            let s = if b.len() > 11 && self.before(t.s) == Some('+') {
                t.s - 1
            } else {
                t.s
            };
            self.report(PiiKind::Mobile, s, t.e, &first);
            return Some(1);
        }
        if is_card(b) {
            self.report(PiiKind::BankCard, t.s, t.e, &first);
            return Some(1);
        }
        None
    }

    fn find_numbers(&mut self) {
        let mut i = 0;
        while i < self.toks.len() {
            let t = self.toks[i];
            let starts_with_digit = self.at(t.s).is_some_and(|c| c.is_ascii_digit());
            if !starts_with_digit || Self::in_spans(&self.emails, t.s, t.e) {
                i += 1;
                continue;
            }
            // (`report` also drops a grouped number that runs into an e-mail address.)
            i += self.number_at(i).unwrap_or(1);
        }
    }
}

fn valid_email_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.len() >= 2 && t.chars().all(|c| c.is_ascii_alphabetic()));
    tld_ok
        && labels
            .iter()
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests;
