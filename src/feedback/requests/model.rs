//! The words of a request for information (依申请公开): who applied, how, what form of
//! delivery, the states a request moves through, and the reply's category exactly as the
//! annual report (国办公开办函〔2021〕30号, table 三) counts it.

use serde::Serialize;

/// An enum whose wire value is its Chinese word (what staff type and the CSV holds).
macro_rules! words {
    ($(#[$attr:meta])* pub enum $name:ident { $( $(#[$vattr:meta])* $var:ident = $wire:literal, )* }) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum $name {
            $( $(#[$vattr])* #[serde(rename = $wire)] $var, )*
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[ $( $name::$var, )* ];
            /// The words, in order (for messages that list the choices).
            pub const VALUES: &'static [&'static str] = &[ $( $wire, )* ];

            pub fn as_str(self) -> &'static str {
                match self { $( $name::$var => $wire, )* }
            }

            pub fn from_word(word: &str) -> Option<Self> {
                match word.trim() {
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

words! {
    /// 申请人类型 — the columns of the annual report's table 三 (自然人; 法人或其他组织 split
    /// into 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他). `法人或其他组织` alone is
    /// counted as 其他.
    pub enum ApplicantType {
        Person = "自然人",
        Organization = "法人或其他组织",
        Business = "商业企业",
        Research = "科研机构",
        NonProfit = "社会公益组织",
        Legal = "法律服务机构",
    }
}

impl ApplicantType {
    pub fn is_person(self) -> bool {
        self == ApplicantType::Person
    }
}

words! {
    /// 提交方式 (条例第二十九条、第三十一条): how the request reached the office.
    pub enum RequestChannel {
        Web = "网上",
        Letter = "信函",
        InPerson = "当面",
        Fax = "传真",
    }
}

words! {
    /// 获取信息的方式 (条例第二十九条第二款第三项, 第四十条).
    pub enum Delivery {
        Paper = "纸质文本",
        Email = "电子邮件",
        Disc = "光盘等存储介质",
        OnSite = "当场阅览抄录",
    }
}

words! {
    /// The reply's category: the rows of table 三 "本年度办理结果" of 国办公开办函〔2021〕30号,
    /// one variant per row that the report counts (the sub-rows of 不予公开, 无法提供, 不予处理
    /// and 其他处理 are the categories; their group rows are sums).
    pub enum ReplyCategory {
        /// （一）予以公开
        Disclosed = "予以公开",
        /// （二）部分公开（区分处理的，只计这一情形，不计其他情形）
        PartlyDisclosed = "部分公开",
        /// （三）不予公开 1.属于国家秘密
        StateSecret = "不予公开-属于国家秘密",
        /// 2.其他法律行政法规禁止公开
        ForbiddenByLaw = "不予公开-其他法律行政法规禁止公开",
        /// 3.危及“三安全一稳定”
        Security = "不予公开-危及“三安全一稳定”",
        /// 4.保护第三方合法权益
        ThirdParty = "不予公开-保护第三方合法权益",
        /// 5.属于三类内部事务信息
        Internal = "不予公开-属于三类内部事务信息",
        /// 6.属于四类过程性信息
        Process = "不予公开-属于四类过程性信息",
        /// 7.属于行政执法案卷
        EnforcementFile = "不予公开-属于行政执法案卷",
        /// 8.属于行政查询事项
        Inquiry = "不予公开-属于行政查询事项",
        /// （四）无法提供 1.本机关不掌握相关政府信息
        NotHeld = "无法提供-本机关不掌握相关政府信息",
        /// 2.没有现成信息需要另行制作
        NeedsCreating = "无法提供-没有现成信息需要另行制作",
        /// 3.补正后申请内容仍不明确
        StillUnclear = "无法提供-补正后申请内容仍不明确",
        /// （五）不予处理 1.信访举报投诉类申请
        Petition = "不予处理-信访举报投诉类申请",
        /// 2.重复申请
        Repeated = "不予处理-重复申请",
        /// 3.要求提供公开出版物
        Publication = "不予处理-要求提供公开出版物",
        /// 4.无正当理由大量反复申请
        Massive = "不予处理-无正当理由大量反复申请",
        /// 5.要求行政机关确认或重新出具已获取信息
        Reissue = "不予处理-要求行政机关确认或重新出具已获取信息",
        /// （六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请
        NoSupplement = "其他处理-申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        /// 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请
        FeeUnpaid = "其他处理-申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        /// 3.其他
        Other = "其他处理-其他",
    }
}

impl ReplyCategory {
    /// The group row of table 三 this category is counted under: （一）…（六）.
    pub fn group(self) -> &'static str {
        use ReplyCategory::*;
        match self {
            Disclosed => "予以公开",
            PartlyDisclosed => "部分公开",
            StateSecret | ForbiddenByLaw | Security | ThirdParty | Internal | Process
            | EnforcementFile | Inquiry => "不予公开",
            NotHeld | NeedsCreating | StillUnclear => "无法提供",
            Petition | Repeated | Publication | Massive | Reissue => "不予处理",
            NoSupplement | FeeUnpaid | Other => "其他处理",
        }
    }

    /// The category a staff member typed: the full word (`不予公开-属于国家秘密`) or the
    /// group and the sub-row's number (`不予公开-1`, `不予公开1`, `不予公开 1`).
    pub fn parse(word: &str) -> Option<ReplyCategory> {
        let w = word.trim();
        if let Some(c) = ReplyCategory::from_word(w) {
            return Some(c);
        }
        let digits = w.trim_start_matches(|c: char| !c.is_ascii_digit());
        let group = w[..w.len() - digits.len()].trim_end_matches(['-', ' ', '：', ':', '.']);
        let n: usize = digits.parse().ok()?;
        ReplyCategory::ALL
            .iter()
            .copied()
            .filter(|c| c.group() == group && c.as_str().contains('-'))
            .nth(n.checked_sub(1)?)
    }
}

words! {
    /// 办理环节 — the events of a request's log (the order of the words is the order they
    /// were added, not the order they happen).
    pub enum EventKind {
        /// 收到申请 (条例第三十一条: the day that counts as received; a later 收到 before any
        /// other event corrects it, e.g. the day an online request was confirmed).
        Received = "收到",
        /// 告知补正 (条例第三十条).
        SupplementRequested = "补正告知",
        /// 收到补正 — the reply period counts from this day (条例第三十条).
        SupplementReceived = "补正收到",
        /// 延长答复期限 (条例第三十三条第二款): approval date, reason, working days (≤ 20).
        Extended = "延期",
        /// 答复, with its category and any 信息处理费.
        Replied = "答复",
        /// 征求第三方意见 (条例第三十二条; also another agency's opinion, 第三十三条第三款):
        /// the day the letter was sent; the note says whom. The time until the answer is not
        /// counted towards the reply period.
        ThirdPartyAsked = "征求第三方意见",
        /// 收到第三方意见 — the answer arrived (or the agency decides without it after the
        /// third party's 15 working days, 条例第三十二条); the count resumes the next day.
        ThirdPartyAnswered = "收到第三方意见",
    }
}

/// A 信息处理费 as staff type it (`0`, `120`, `120.50`): digits with at most two decimals,
/// kept as typed; `None` when it is not an amount.
pub fn parse_fee(s: &str) -> Option<String> {
    let f = s.trim();
    let ok = !f.is_empty()
        && f.len() <= 12
        && f.chars().all(|c| c.is_ascii_digit() || c == '.')
        && f.matches('.').count() <= 1
        && f.split('.')
            .nth(1)
            .is_none_or(|d| !d.is_empty() && d.len() <= 2);
    ok.then(|| f.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_one_categories_in_six_groups() {
        assert_eq!(ReplyCategory::ALL.len(), 21);
        let count = |g: &str| ReplyCategory::ALL.iter().filter(|c| c.group() == g).count();
        assert_eq!(count("不予公开"), 8);
        assert_eq!(count("无法提供"), 3);
        assert_eq!(count("不予处理"), 5);
        assert_eq!(count("其他处理"), 3);
        assert_eq!(
            ReplyCategory::parse("不予公开-1"),
            Some(ReplyCategory::StateSecret)
        );
        assert_eq!(
            ReplyCategory::parse("不予处理5"),
            Some(ReplyCategory::Reissue)
        );
        assert_eq!(
            ReplyCategory::parse("予以公开"),
            Some(ReplyCategory::Disclosed)
        );
        assert_eq!(ReplyCategory::parse("不予公开-9"), None);
        assert_eq!(ReplyCategory::parse("不予公开-0"), None);
        assert_eq!(ReplyCategory::parse("随便"), None);
    }
}

/// One event of a request's log, as recorded (append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Event {
    pub kind: EventKind,
    /// The day it happened (site time zone): for 延期 the approval date.
    pub date: jiff::civil::Date,
    /// 延期: the working days added (1–20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
    /// 延期: the reason; other events: a note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// 答复: the category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<ReplyCategory>,
    /// 答复: the 信息处理费 charged, in yuan as typed (`0`, `120.50`); absent = none recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
}

impl Event {
    pub fn new(kind: EventKind, date: jiff::civil::Date) -> Event {
        Event {
            kind,
            date,
            days: None,
            reason: None,
            category: None,
            fee: None,
        }
    }
}
