//! Phone numbers in running text (Markdown bodies), for tap-to-call `tel:` links.
//!
//! Body text is full of digit runs that are not phone numbers — years, dates, amounts, 文号,
//! 索引号, 统一社会信用代码, ID numbers — so only the shapes Chinese public bodies print are
//! recognised, each standing alone:
//!
//! - a landline with its area code: `0717-4212345`, `010-12345678`, `(0717)4212345`,
//!   `（0717）4212345`, `0717 4212345`;
//! - a mobile number: `13812345678`, `138 1234 5678`, `138-1234-5678`;
//! - a public service hotline of five digits `12xxx` (`12345`, `12333`, `12315`…);
//! - a `400`/`800` number: `400-123-4567`, `4001234567`, `400 123 4567`.
//!
//! A candidate is refused when a letter, digit, `-`, `/`, `.`, `_`, `,`, `:`, `〔`, `[`, `¥`
//! or `￥` touches it, when a unit or counter follows it (元, 号, 年, 人, %…), when 第 precedes
//! it, or when a label such as 索引号, 文号, 编号, 代码 or 身份证 stands right before it.

use std::ops::Range;

/// One phone number found in a text: its byte range and the `tel:` target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    pub range: Range<usize>,
    /// Digits with the area code's hyphen kept (`0717-4212345`, `13812345678`).
    pub dial: String,
}

/// Characters that make a digit run part of something else when they touch it.
fn glued(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '/'
                | '.'
                | '_'
                | ','
                | ':'
                | '〔'
                | '['
                | '［'
                | '¥'
                | '￥'
                | '$'
                | '#'
                | '@'
                | '='
        )
        || c.is_alphabetic()
            && !crate::search::is_cjk(c)
            && !c.is_whitespace()
            && (c as u32) < 0x3000
}

/// Units and counters that make the number before them a quantity, a date or a serial.
const UNITS: &[char] = &[
    '元', '角', '分', '万', '亿', '千', '百', '年', '月', '日', '号', '时', '秒', '人', '名', '件',
    '个', '户', '次', '条', '项', '份', '页', '册', '本', '张', '套', '台', '辆', '吨', '米', '斤',
    '克', '升', '亩', '平', '天', '岁', '%', '％', '‰', '〕', ']', '］', '期', '届', '批', '位',
    '家', '座', '所', '间', '度', '倍', '股', '笔', '宗', '起', '例', '篇', '字', '码',
];

/// Labels after which a number is an identifier, never a phone number.
const ID_LABELS: &[&str] = &[
    "索引号",
    "文号",
    "案号",
    "编号",
    "证号",
    "代码",
    "身份证",
    "证件号",
    "回执号",
    "流水号",
    "登记号",
    "单号",
    "账号",
    "帐号",
    "卡号",
    "批号",
    "序号",
    "工号",
    "邮编",
    "邮政编码",
    "号码为",
];

/// Every phone number in `text`, in order, not overlapping.
pub fn find(text: &str) -> Vec<Phone> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        if !(c.is_ascii_digit() || c == '(' || c == '（') {
            i += 1;
            continue;
        }
        // Start of a candidate: nothing glued before it.
        if i > 0 && glued(chars[i - 1].1) {
            i += 1;
            continue;
        }
        match shape(&chars[i..]) {
            Some((len, dial)) if free(text, &chars, i, i + len) => {
                let start = chars[i].0;
                let end = chars.get(i + len).map_or(text.len(), |x| x.0);
                out.push(Phone {
                    range: start..end,
                    dial,
                });
                i += len;
            }
            _ => {
                // Skip the rest of this run of digits: a phone number never starts inside one.
                i += 1;
                while i < chars.len() && chars[i].1.is_ascii_digit() {
                    i += 1;
                }
            }
        }
    }
    out
}

/// The digits of `s` from its start: how many characters they span.
fn digits(s: &[(usize, char)]) -> usize {
    s.iter().take_while(|(_, c)| c.is_ascii_digit()).count()
}

fn text_of(s: &[(usize, char)]) -> String {
    s.iter().map(|(_, c)| c).collect()
}

/// Digit groups of the given sizes separated by one `sep` (or none when `sep` is `None`).
fn groups(s: &[(usize, char)], sizes: &[usize], sep: Option<char>) -> Option<usize> {
    let mut at = 0;
    for (k, &n) in sizes.iter().enumerate() {
        if k > 0 {
            if let Some(sep) = sep {
                if s.get(at).map(|x| x.1) != Some(sep) {
                    return None;
                }
                at += 1;
            }
        }
        if s.len() < at + n || digits(&s[at..]) < n {
            return None;
        }
        at += n;
    }
    // The last group must end the digit run.
    if s.get(at).is_some_and(|x| x.1.is_ascii_digit()) {
        return None;
    }
    Some(at)
}

/// Whether the area code `code` (with its leading 0) is plausible: 010 and 02x are three
/// digits, all others four.
fn area(code: &str) -> bool {
    let b = code.as_bytes();
    match b.len() {
        3 => b[0] == b'0' && (b[1] == b'1' && b[2] == b'0' || b[1] == b'2'),
        4 => b[0] == b'0' && (b'3'..=b'9').contains(&b[1]),
        _ => false,
    }
}

/// The phone number shape at the start of `s`: its length in characters and dial string.
fn shape(s: &[(usize, char)]) -> Option<(usize, String)> {
    let first = s[0].1;
    // (0717)4212345 or （0717）4212345, optionally a space after the bracket.
    if first == '(' || first == '（' {
        let close = if first == '(' { ')' } else { '）' };
        let n = digits(&s[1..]);
        let code = text_of(&s[1..1 + n]);
        if !area(&code) || s.get(1 + n).map(|x| x.1) != Some(close) {
            return None;
        }
        let mut at = 2 + n;
        if s.get(at).is_some_and(|x| x.1 == ' ') {
            at += 1;
        }
        let local = digits(&s[at..]);
        if !(7..=8).contains(&local) || s[at].1 == '0' {
            return None;
        }
        let dial = format!("{code}-{}", text_of(&s[at..at + local]));
        return Some((at + local, dial));
    }
    let run = digits(s);
    let lead = text_of(&s[..run]);
    // Landline: area code, '-' or ' ', 7 or 8 digits (the local number never starts with 0).
    if area(&lead) {
        if s.get(run).is_some_and(|x| x.1 == '-' || x.1 == ' ') {
            let local = digits(&s[run + 1..]);
            if (7..=8).contains(&local) && s[run + 1].1 != '0' {
                let dial = format!("{lead}-{}", text_of(&s[run + 1..run + 1 + local]));
                return Some((run + 1 + local, dial));
            }
        }
        return None;
    }
    // Mobile: 1[3-9]x xxxx xxxx, whole or grouped 3-4-4 by one space or hyphen.
    let mobile =
        |t: &str| t.len() == 11 && t.starts_with('1') && (b'3'..=b'9').contains(&t.as_bytes()[1]);
    if run == 11 && mobile(&lead) {
        return Some((11, lead));
    }
    if run == 3 && lead.starts_with('1') {
        for sep in [' ', '-'] {
            if let Some(len) = groups(s, &[3, 4, 4], Some(sep)) {
                let d: String = text_of(&s[..len])
                    .chars()
                    .filter(char::is_ascii_digit)
                    .collect();
                if mobile(&d) {
                    return Some((len, d));
                }
            }
        }
        return None;
    }
    // 400/800: 400-123-4567, 400 123 4567.
    if run == 3 && (lead == "400" || lead == "800") {
        for sep in ['-', ' '] {
            if let Some(len) = groups(s, &[3, 3, 4], Some(sep)) {
                let d = text_of(&s[..len]);
                return Some((len, d.replace(' ', "-")));
            }
        }
        return None;
    }
    if run == 10 && (lead.starts_with("400") || lead.starts_with("800")) {
        return Some((10, lead));
    }
    // Hotline: five digits 12xxx.
    if run == 5 && lead.starts_with("12") {
        return Some((5, lead));
    }
    None
}

/// Whether the candidate `chars[a..b]` stands alone: nothing glued after it, no unit after it,
/// no 第 or identifier label before it.
fn free(text: &str, chars: &[(usize, char)], a: usize, b: usize) -> bool {
    if let Some(&(_, next)) = chars.get(b) {
        if glued(next) || UNITS.contains(&next) {
            return false;
        }
        // "12345 元" with a space before the unit.
        if next == ' ' {
            if let Some(&(_, after)) = chars.get(b + 1) {
                if UNITS.contains(&after) {
                    return false;
                }
            }
        }
    }
    // A five-digit hotline right after another number ("2026 12345") is part of it.
    if b - a == 5 && a >= 2 && chars[a - 1].1 == ' ' && chars[a - 2].1.is_ascii_digit() {
        return false;
    }
    // What precedes, with spaces and a colon skipped.
    let before = &text[..chars[a].0];
    let before = before.trim_end_matches([' ', '：', ':', '\u{3000}', '为', '是']);
    if before.ends_with('第') {
        return false;
    }
    !ID_LABELS.iter().any(|l| before.ends_with(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dials(text: &str) -> Vec<String> {
        find(text).into_iter().map(|p| p.dial).collect()
    }

    fn found(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|p| &text[p.range]).collect()
    }

    #[test]
    fn the_shapes_chinese_bodies_print_are_found() {
        let cases: &[(&str, &str, &str)] = &[
            ("咨询电话：0717-4212345。", "0717-4212345", "0717-4212345"),
            ("联系电话010-12345678", "010-12345678", "010-12345678"),
            ("电话（0717）4212345", "（0717）4212345", "0717-4212345"),
            ("电话(027)87654321，", "(027)87654321", "027-87654321"),
            ("电话 (0717) 4212345", "(0717) 4212345", "0717-4212345"),
            ("拨打 0717 4212345 咨询", "0717 4212345", "0717-4212345"),
            ("手机13812345678", "13812345678", "13812345678"),
            ("手机 138 1234 5678。", "138 1234 5678", "13812345678"),
            ("手机：199-1234-5678", "199-1234-5678", "19912345678"),
            ("拨打12345政务服务便民热线", "12345", "12345"),
            ("人社服务热线12333。", "12333", "12333"),
            ("客服400-123-4567", "400-123-4567", "400-123-4567"),
            ("客服 400 123 4567", "400 123 4567", "400-123-4567"),
            ("客服4001234567", "4001234567", "4001234567"),
            ("免费电话800-810-1234", "800-810-1234", "800-810-1234"),
        ];
        for (text, shown, dial) in cases {
            assert_eq!(found(text), vec![*shown], "{text}");
            assert_eq!(dials(text), vec![dial.to_string()], "{text}");
        }
        assert_eq!(
            dials("电话0717-4212345、0717-4212346或12333"),
            ["0717-4212345", "0717-4212346", "12333"]
        );
    }

    #[test]
    fn numbers_that_are_not_phones_are_left_alone() {
        let not: &[&str] = &[
            "2026年",
            "发布日期：2026-11-25",
            "2026-11-25T10:00:00+08:00",
            "枝人社发〔2026〕12号",
            "枝人社罚〔2026〕12345号",
            "索引号：ZJRSJ/2026-01566",
            "索引号 11420500MB1234567X/2026-00012",
            "统一社会信用代码91420583Y9HP28YH1U",
            "身份证号420502199001011234",
            "身份证 42050219900101123X",
            "罚款12345元",
            "罚款 12345 元",
            "金额￥12345",
            "¥12345.00",
            "12345.67",
            "1,234,567",
            "12,345",
            "第12345号",
            "第 12345 号留言",
            "编号12333",
            "回执号：12345",
            "案号 12345",
            "共12345人次",
            "增长12345%",
            "ISO9001",
            "A12345",
            "12345B",
            "abc13812345678",
            "138123456789",
            "1381234567",
            "10000000000",
            "12345678",
            "123456",
            "1234",
            "0717-0212345",
            "0717-421234",
            "07174212345",
            "0000-1234567",
            "0717-4212345-801",
            "http://x.cn/0717-4212345",
            "v1.12345",
            "邮编443000",
            "邮政编码 443002",
            "8:30-17:30",
            "2026年1月1日至2026年12月31日",
            "12345678901234567890",
            "4001234",
            "400-12-34567",
            "12306a",
            "@13812345678",
            "#12345",
            "[12345]",
            "〔12345〕",
            "1234567890",
            "案卷 2026 12345",
        ];
        for t in not {
            assert!(find(t).is_empty(), "{t}: {:?}", find(t));
        }
    }
}
