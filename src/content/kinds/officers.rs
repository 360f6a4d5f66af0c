//! 行政执法人员名录 — a unit's register of law-enforcement officers: name, certificate number
//! (执法证号), category, area and the certificate's validity. Enforcement decisions name their
//! officers (`officers:`), which must be in the register once a site has one
//! (`compliance::enforcement`). Officers' names are public by law on this page
//! (国办发〔2018〕118号, 事前公开), so the privacy lint does not treat them as personal names.

use crate::content::clock::{days_between, Clock, ClockCx, Due};
use crate::content::view::{date_text, to_value, ViewCx};
use crate::content::Record;
use crate::diag::{Code, Diagnostic};
use crate::schema::{ex, ex_null, Field, OpenTy, Ty, NOT_EXPORTED};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

static OFFICER: &[Field] = &[
    Field {
        name: "name",
        zh: "姓名",
        ty: Ty::Text,
        required: true,
        help: "执法人员的姓名（依法公开，写全名）",
        open: Some(ex(
            "name",
            OpenTy::Str,
            "姓名",
            "Full name of the officer, public by law.",
        )),
    },
    Field {
        name: "cert_no",
        zh: "执法证号",
        ty: Ty::Text,
        required: true,
        help: "行政执法证件号码，在名录中不得重复",
        open: Some(ex(
            "cert_no",
            OpenTy::Str,
            "执法证号",
            "Number of the officer's law-enforcement certificate.",
        )),
    },
    Field {
        name: "category",
        zh: "执法类别",
        ty: Ty::Text,
        required: true,
        help: "如 劳动保障监察",
        open: Some(ex(
            "category",
            OpenTy::Str,
            "执法类别",
            "Field of enforcement the certificate covers.",
        )),
    },
    Field {
        name: "area",
        zh: "执法区域",
        ty: Ty::Text,
        required: false,
        help: "如 枝江县全域。不写则显示“未注明”",
        open: Some(ex_null(
            "area",
            OpenTy::Str,
            "执法区域",
            "Area the officer may act in; `null` when not entered.",
        )),
    },
    Field {
        name: "valid_until",
        zh: "有效期至",
        ty: Ty::Date,
        required: true,
        help: "执法证有效期的最后一天",
        open: Some(ex(
            "valid_until",
            OpenTy::Date,
            "有效期至",
            "Last day the certificate is valid.",
        )),
    },
];

pub static FIELDS: &[Field] = &[
    Field {
        name: "unit",
        zh: "执法单位",
        ty: Ty::Text,
        required: true,
        help: "执法人员所在的单位，如 枝江县劳动保障监察大队",
        open: Some(ex("unit", OpenTy::Str, "执法单位", "Unit the officers belong to.")),
    },
    Field {
        name: "officers",
        zh: "执法人员",
        ty: Ty::List(&Ty::Obj(OFFICER)),
        required: true,
        help: "每人一项：name（姓名）、cert_no（执法证号）、category（执法类别）、area（执法区域）、valid_until（有效期至）",
        open: Some(ex(
            "officers",
            OpenTy::ObjList(OFFICER, &[]),
            "执法人员",
            "The officers of the unit.",
        )),
    },
    Field {
        name: "order",
        zh: "排序",
        ty: Ty::Int,
        required: false,
        help: "列表中的顺序，小的在前",
        open: NOT_EXPORTED,
    },
];

/// One officer of the register.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Officer {
    pub name: String,
    pub cert_no: String,
    pub category: String,
    #[serde(default)]
    pub area: Option<String>,
    pub valid_until: jiff::civil::Date,
}

impl Officer {
    /// The fragment id of the officer's row on the register page: `o-` and the certificate
    /// number (unique in the register), its characters other than ASCII letters and digits
    /// written as the hex of their UTF-8 bytes so that the id stays unique and valid.
    pub fn anchor(&self) -> String {
        let mut id = String::from("o-");
        for c in self.cert_no.trim().chars() {
            if c.is_ascii_alphanumeric() {
                id.push(c);
            } else {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    id.push_str(&format!("_{b:02x}"));
                }
            }
        }
        id
    }
}

/// 行政执法人员名录 — one unit's register.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Officers {
    pub unit: String,
    pub officers: Vec<Officer>,
    #[serde(default)]
    pub order: Option<u32>,
}

impl Officers {
    /// The officer a decision names by certificate number, or else by name.
    pub fn find(&self, entry: &str) -> Option<&Officer> {
        let entry = entry.trim();
        self.officers
            .iter()
            .find(|o| o.cert_no.trim() == entry)
            .or_else(|| self.officers.iter().find(|o| o.name.trim() == entry))
    }
}

#[derive(Serialize)]
struct View<'a> {
    unit: &'a str,
    officers: Vec<OfficerView<'a>>,
}

#[derive(Serialize)]
struct OfficerView<'a> {
    anchor: String,
    name: &'a str,
    cert_no: &'a str,
    category: &'a str,
    area: Option<&'a str>,
    valid_until: String,
}

/// A certificate expiring within this many days is warned about and listed as due soon.
pub const EXPIRING_DAYS: i64 = 30;

impl super::RecordKind for Officers {
    const NAME: &'static str = "officers";
    const FOLDER: &'static str = "officers";
    const LABEL: &'static str = "执法人员";
    const FIELDS: &'static [Field] = FIELDS;
    const LIST_BY_ORDER: bool = true;
    const IMPORT_ROWS: Option<&'static str> = Some("officers");

    fn order(&self) -> Option<u32> {
        self.order
    }

    fn summary(&self, _r: &Record) -> String {
        format!("{}行政执法人员{}名", self.unit, self.officers.len())
    }

    /// Each certificate that has expired (「逾期」) or expires within [`EXPIRING_DAYS`]
    /// (「即将到期」), with its `officers.expiring` warning located at its `valid_until`.
    fn clock(&self, cx: &ClockCx, r: &Record, _out: &mut Vec<Diagnostic>) -> Clock {
        let mut clock = Clock::default();
        for (i, o) in self.officers.iter().enumerate() {
            let left = days_between(cx.today, o.valid_until);
            if left > EXPIRING_DAYS {
                continue;
            }
            let until = date_text(o.valid_until);
            let (message, note) = if left < 0 {
                (
                    format!("执法人员{}的执法证已于{until}到期", o.name),
                    format!(
                        "执法人员{}（执法证号{}）的执法证已于{until}到期",
                        o.name, o.cert_no
                    ),
                )
            } else {
                (
                    format!("执法人员{}的执法证将于{until}到期，还有{left}日", o.name),
                    format!(
                        "执法人员{}（执法证号{}）的执法证{until}到期",
                        o.name, o.cert_no
                    ),
                )
            };
            let warning = r
                .diag_at(
                    Diagnostic::warning(Code::OfficersExpiring, &r.source, message),
                    &format!("officers[{}].valid_until", i + 1),
                )
                .found(until)
                .hint("证件到期后不得从事执法活动：换发新证后请更新 cert_no 和 valid_until；不再从事执法的人员请从名录中删去。");
            let due = Due {
                date: o.valid_until,
                note,
                warning: Some(warning),
            };
            if left < 0 {
                clock.late.push(due);
            } else {
                clock.soon.push(due);
            }
        }
        clock
    }

    fn view(&self, _cx: &ViewCx) -> Value {
        to_value(View {
            unit: &self.unit,
            officers: self
                .officers
                .iter()
                .map(|o| OfficerView {
                    anchor: o.anchor(),
                    name: &o.name,
                    cert_no: &o.cert_no,
                    category: &o.category,
                    area: o.area.as_deref(),
                    valid_until: date_text(o.valid_until),
                })
                .collect(),
        })
    }

    fn list_status(&self, _cx: &ViewCx) -> (Option<String>, Option<String>) {
        (None, Some(format!("{}名执法人员", self.officers.len())))
    }

    fn search_text(&self, parts: &mut Vec<String>) {
        parts.push(self.unit.clone());
        for o in &self.officers {
            parts.push(o.name.clone());
            parts.push(o.cert_no.clone());
            parts.push(o.category.clone());
        }
    }

    fn open_data(&self, _cx: &ViewCx) -> Value {
        json!({
            "unit": self.unit,
            "officers": self.officers.iter().map(|o| json!({
                "name": o.name, "cert_no": o.cert_no, "category": o.category,
                "area": o.area, "valid_until": o.valid_until.to_string(),
            })).collect::<Vec<_>>(),
        })
    }
}
