//! Tests of the detection rules (unit and property tests).

use super::*;
use proptest::prelude::*;

// ---- generators of valid numbers (check digits computed, never hard-coded) -------------

fn id18(first17: &str) -> String {
    let c = id_check_char(first17.as_bytes()).expect("17 digits");
    format!("{first17}{}", c as char)
}

/// An 18-digit ID with the wrong check digit that also fails Luhn (so it is no bank card).
fn id18_bad_check(first17: &str) -> String {
    let good = id_check_char(first17.as_bytes()).expect("17 digits");
    (b'0'..=b'9')
        .filter(|&d| d != good)
        .map(|d| format!("{first17}{}", d as char))
        .find(|s| !luhn(s.as_bytes()))
        .expect("some digit fails Luhn")
}

/// A valid 18-digit ID whose check character is `X`.
fn id18_x() -> String {
    (0..1000)
        .map(|n| id18(&format!("42058319850615{n:03}")))
        .find(|s| s.ends_with('X'))
        .expect("one in eleven ends in X")
}

fn luhn_digit(prefix: &str) -> char {
    (b'0'..=b'9')
        .map(char::from)
        .find(|d| luhn(format!("{prefix}{d}").as_bytes()))
        .expect("one digit fits")
}

fn card(prefix: &str) -> String {
    format!("{prefix}{}", luhn_digit(prefix))
}

/// A number that fails Luhn: the valid card with its last digit changed.
fn card_bad(prefix: &str) -> String {
    let good = luhn_digit(prefix);
    let bad = if good == '0' { '1' } else { '0' };
    format!("{prefix}{bad}")
}

fn credit(first17: &str) -> String {
    let sum: u32 = first17
        .bytes()
        .zip(CREDIT_WEIGHTS)
        .map(|(c, w)| {
            CREDIT_ALPHABET
                .iter()
                .position(|a| *a == c)
                .expect("alphabet") as u32
                * w
        })
        .sum();
    let check = CREDIT_ALPHABET[((31 - sum % 31) % 31) as usize] as char;
    format!("{first17}{check}")
}

fn grouped(d: &str, sep: &str) -> String {
    let chunks: Vec<String> = d
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    chunks.join(sep)
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_graphic() {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn id_a() -> String {
    id18("11010519900101123")
}
fn id_b() -> String {
    id18("42058320000229004") // a leap day
}
fn card19() -> String {
    card("622202123456789012")
}
fn card16() -> String {
    card("622848001234567")
}
fn card18() -> String {
    card("62170012345678901")
}

fn found(text: &str, opts: &PrivacyOptions) -> Vec<(PiiKind, String)> {
    scan(text, opts)
        .into_iter()
        .map(|f| (f.kind, text[f.start..f.end].to_string()))
        .collect()
}

use PiiKind::*;

fn positives() -> Vec<(String, Vec<(PiiKind, String)>)> {
    let a = id_a();
    let b = id_b();
    let x = id18_x();
    let xl = x.to_lowercase();
    let id15 = "110105900101123".to_string();
    let id15b = "420583851231002".to_string();
    let c19 = card19();
    let c16 = card16();
    let c18 = card18();
    let one = |k: PiiKind, v: &str| vec![(k, v.to_string())];
    vec![
        // resident IDs
        (
            format!("当事人张某，身份证号码{a}，住枝江市。"),
            one(ResidentId, &a),
        ),
        (format!("身份证号：{a}。"), one(ResidentId, &a)),
        (format!("公民身份号码{a}"), one(ResidentId, &a)),
        (a.clone(), one(ResidentId, &a)),
        (format!("{a}（身份证）"), one(ResidentId, &a)),
        (format!("（{b}）"), one(ResidentId, &b)),
        (format!("身份证：{x}，"), one(ResidentId, &x)),
        (format!("身份证：{xl}。"), one(ResidentId, &xl)),
        (format!("证件号码 {x}"), one(ResidentId, &x)),
        (format!("张某（{x}）"), one(ResidentId, &x)),
        (
            format!("身份证号码{}，", full_width(&a)),
            one(ResidentId, &full_width(&a)),
        ),
        (
            format!("身份证号码{}。", full_width(&x)),
            one(ResidentId, &full_width(&x)),
        ),
        (format!("旧身份证号{id15}，"), one(ResidentId, &id15)),
        (
            format!("注册号：420583600123456，经营者身份证号{id15b}"),
            one(ResidentId, &id15b),
        ),
        (id15b.clone(), one(ResidentId, &id15b)),
        (
            format!("身份证号 {} {} {}。", &a[..6], &a[6..14], &a[14..]),
            one(
                ResidentId,
                &format!("{} {} {}", &a[..6], &a[6..14], &a[14..]),
            ),
        ),
        (format!("第一行\n身份证号:{a}\n第三行"), one(ResidentId, &a)),
        (format!("\"id\": \"{a}\","), one(ResidentId, &a)),
        (format!("<td>{b}</td>"), one(ResidentId, &b)),
        (
            format!("见 https://example.com/u/{a}.html"),
            one(ResidentId, &a),
        ),
        // mobiles
        ("手机13812345678。".into(), one(Mobile, "13812345678")),
        ("13812345678".into(), one(Mobile, "13812345678")),
        (
            "联系电话：138-1234-5678，".into(),
            one(Mobile, "138-1234-5678"),
        ),
        ("电话 138 1234 5678 。".into(), one(Mobile, "138 1234 5678")),
        ("电话138－1234－5678".into(), one(Mobile, "138－1234－5678")),
        ("电话 1381234 5678".into(), one(Mobile, "1381234 5678")),
        ("电话 138-12345678".into(), one(Mobile, "138-12345678")),
        ("+86 13812345678".into(), one(Mobile, "+86 13812345678")),
        (
            "手机：+8613812345678。".into(),
            one(Mobile, "+8613812345678"),
        ),
        ("86-138-1234-5678".into(), one(Mobile, "86-138-1234-5678")),
        (
            "+86 138 1234 5678，".into(),
            one(Mobile, "+86 138 1234 5678"),
        ),
        ("0086 13912345678".into(), one(Mobile, "0086 13912345678")),
        ("(+86)13712345678".into(), one(Mobile, "13712345678")),
        (
            "手机号１３８１２３４５６７８，".into(),
            one(Mobile, "１３８１２３４５６７８"),
        ),
        ("tel:19912345678".into(), one(Mobile, "19912345678")),
        (
            "13812345678、13912345678".into(),
            vec![
                (Mobile, "13812345678".into()),
                (Mobile, "13912345678".into()),
            ],
        ),
        (
            "13812345678,13912345678".into(),
            vec![
                (Mobile, "13812345678".into()),
                (Mobile, "13912345678".into()),
            ],
        ),
        (
            "138 1234 5678 139 1234 5678".into(),
            vec![
                (Mobile, "138 1234 5678".into()),
                (Mobile, "139 1234 5678".into()),
            ],
        ),
        (
            "投诉人王女士（15912345678）反映".into(),
            one(Mobile, "15912345678"),
        ),
        // bank cards
        (format!("银行卡号{c19}，"), one(BankCard, &c19)),
        (format!("账号：{c16}。"), one(BankCard, &c16)),
        (format!("卡号{c18}"), one(BankCard, &c18)),
        (
            format!("开户行账号 {}，", grouped(&c19, " ")),
            one(BankCard, &grouped(&c19, " ")),
        ),
        (
            format!("卡号{}。", grouped(&c19, "-")),
            one(BankCard, &grouped(&c19, "-")),
        ),
        (grouped(&c16, " "), one(BankCard, &grouped(&c16, " "))),
        (
            format!("卡号：{}", full_width(&c16)),
            one(BankCard, &full_width(&c16)),
        ),
        // e-mails
        (
            "邮箱zhangsan@qq.com，".into(),
            one(Email, "zhangsan@qq.com"),
        ),
        (
            "来信：wang.xiao-ming@163.com。".into(),
            one(Email, "wang.xiao-ming@163.com"),
        ),
        (
            "13812345678@139.com".into(),
            one(Email, "13812345678@139.com"),
        ),
        (
            "Li_Si+tag@Gmail.COM。".into(),
            one(Email, "Li_Si+tag@Gmail.COM"),
        ),
        ("foo@bar.co.uk".into(), one(Email, "foo@bar.co.uk")),
        ("mailto:abc@126.com".into(), one(Email, "abc@126.com")),
        (
            "邮箱：zhang＠qq．com，".into(),
            one(Email, "zhang＠qq．com"),
        ),
        (
            "请发至 a.b@sina.com.cn.".into(),
            one(Email, "a.b@sina.com.cn"),
        ),
        // several in one text
        (
            format!("当事人李某，身份证号{a}，手机138-1234-5678，邮箱lm@qq.com，卡号{c16}。"),
            vec![
                (ResidentId, a.clone()),
                (Mobile, "138-1234-5678".into()),
                (Email, "lm@qq.com".into()),
                (BankCard, c16.clone()),
            ],
        ),
    ]
}

fn negatives() -> Vec<String> {
    let a = id_a();
    let c19 = card19();
    // an all-digit credit code that passes Luhn (so only the credit-code rule saves it)
    let digit_credit = (0..100_000)
        .map(|n| credit(&format!("9142058300{n:07}")))
        .find(|c| c.bytes().all(|b| b.is_ascii_digit()) && luhn(c.as_bytes()))
        .expect("exists");
    assert!(valid_credit_code(&digit_credit) && !valid_resident_id(&digit_credit));
    // a 19-digit run containing a valid ID, failing Luhn
    let id_plus = (b'0'..=b'9')
        .map(|d| format!("{a}{}", d as char))
        .find(|s| !luhn(s.as_bytes()))
        .expect("exists");
    // a valid check digit but an impossible birth date (1990-13-01), failing Luhn
    let bad_date = (0..1000)
        .map(|n| id18(&format!("11010519901301{n:03}")))
        .find(|s| !luhn(s.as_bytes()))
        .expect("exists");
    let mut v: Vec<String> = vec![
        "枝人社罚〔2024〕17号".into(),
        "京人社监罚字〔2023〕第0012号".into(),
        "罚款人民币20000元".into(),
        "罚款12,345.67元".into(),
        "1500000".into(),
        "罚款13800000000元".into(),
        "金额¥13800000000".into(),
        "13812345678.5".into(),
        "2024年5月6日".into(),
        "2024-05-06".into(),
        "20240506".into(),
        "2024 05 06".into(),
        "统一社会信用代码：91420583MA49XXXX".into(),
        format!("统一社会信用代码：{}", credit("91420583MA49ABCD1")),
        format!("统一社会信用代码{}，", credit("12420583011234567")),
        format!("统一社会信用代码：{digit_credit}。"),
        "电话：0717-1234567".into(),
        "(0717)1234567".into(),
        "（0717）1234567".into(),
        "0717 1234567".into(),
        "电话：0717-6227021，传真：0717-6227022".into(),
        "010-12345678".into(),
        "+86-717-1234567".into(),
        "12333".into(),
        "咨询电话12345".into(),
        "邮编443200".into(),
        "执法证号42050120230017".into(),
        "注册号：420583600123456".into(),
        "营业执照注册号420583600123456，".into(),
        "执法证号：42050120230017、42050120230018".into(),
        format!("流水号{}", card_bad("622202123456789012")),
        format!("编号{}", card_bad("622848001234567")),
        format!("编号{}", id18_bad_check("11010519900101123")),
        format!("编号{}", id18_bad_check("42058320000229004")),
        format!("编号{id_plus}"),
        format!("编号{bad_date}"),
        format!("卡号{}", grouped(&card_bad("622202123456789012"), " ")),
        "1234 5678 9012 3456 7890 1234".into(),
        "http://www.zhijiang.gov.cn/art/2024/5/6/art_1234_5678.html".into(),
        "https://rsj.zhijiang.gov.cn/zfxxgk/202405/t20240506_12345678.shtml".into(),
        format!("https://example.com/?card={c19}&tel=13812345678"),
        "详见www.example.com/13812345678。".into(),
        "索引号：ZJRSJ/2026-00017".into(),
        "ZJRSJ/2026-00017、ZJRSJ/2026-00018".into(),
        "邮箱zjrsj@zhijiang.gov.cn".into(),
        "ZJRSJ@HB.GOV.CN".into(),
        "@某某 回复".into(),
        "a@b".into(),
        "13812345678901".into(),
        "138123456789".into(),
        "3812345678".into(),
        "12812345678".into(),
        "10012345678".into(),
        "1101051990010112".into(),
        "110105900101".into(),
        "000000900101123".into(),
        "110105901301123".into(),
        "版本1.13812345678".into(),
        format!("ID{a}"),
        format!("{a}A"),
        "当事人张某、李某某、欧阳某，王女士".into(),
    ];
    v.push(
        "枝江市人力资源和社会保障局\n行政处罚决定书\n枝人社罚〔2024〕17号\n\
         当事人：枝江市某某建筑有限公司\n统一社会信用代码：91420583MA49XXXX\n\
         法定代表人：张某\n地址：枝江市马家店街道江汉路100号（邮编443200）\n\
         经查，当事人于2024年3月1日至2024年5月6日期间拖欠劳动者工资共计12,345.67元。\n\
         依据《劳动保障监察条例》第二十六条，决定：罚款人民币20000元。\n\
         执法人员：李某（执法证号42050120230017）、王某（执法证号42050120230018）\n\
         联系电话：0717-1234567，监督电话12333，网址http://rsj.zhijiang.gov.cn/，\n\
         邮箱zjrsj@zhijiang.gov.cn。索引号ZJRSJ/2026-00017\n2024年5月20日"
            .into(),
    );
    v
}

#[test]
fn true_positives_table() {
    let opts = PrivacyOptions::default();
    let cases = positives();
    assert!(cases.len() >= 50);
    for (text, want) in cases {
        assert_eq!(found(&text, &opts), want, "text: {text}");
    }
}

#[test]
fn true_negatives_table() {
    let opts = PrivacyOptions::default();
    let cases = negatives();
    assert!(cases.len() >= 55);
    for text in cases {
        assert_eq!(found(&text, &opts), vec![], "text: {text}");
    }
}

#[test]
fn id_is_classified_before_bank_card() {
    let id = (0..1000)
        .map(|n| id18(&format!("11010519900101{n:03}")))
        .find(|s| luhn(s.as_bytes()))
        .expect("some valid ID passes Luhn");
    let text = format!("号码{id}。");
    assert_eq!(
        found(&text, &PrivacyOptions::default()),
        vec![(ResidentId, id)]
    );
}

#[test]
fn names_after_labels_and_in_lists() {
    let names = |t: &str| -> Vec<String> {
        labelled_names(t)
            .into_iter()
            .map(|(s, e)| t[s..e].to_string())
            .collect()
    };
    assert_eq!(names("当事人：张三丰，男，1980年出生。"), ["张三丰"]);
    assert_eq!(names("法定代表人:李四；住所：枝江县。"), ["李四"]);
    assert_eq!(names("经营者：王五。负责人： 赵六"), ["王五", "赵六"]);
    assert_eq!(
        names("欠薪职工刘一、陈二、周*三、吴某等人的工资"),
        ["刘一", "陈二"]
    );
    assert_eq!(names("调查组成员为郑大、冯二。"), ["郑大", "冯二"]);
    // Masked, organisations, words.
    assert!(names("当事人：张某；法定代表人：李*明；经营者：王女士").is_empty());
    assert!(names("当事人：枝江县某某建筑有限公司").is_empty());
    assert!(names("当事人：湖北宏达劳务公司").is_empty());
    assert!(names("负责人：全面负责本项目的工资支付").is_empty());
    assert!(names("职工工资由总包单位代发。").is_empty());
    assert!(
        names("职工张三").is_empty(),
        "one name after 职工 is not a list"
    );
}

#[test]
fn allow_lists() {
    let opts = PrivacyOptions {
        allowed_numbers: vec!["138-1234-5678".into(), "+86 139 0000 1111".into()],
        allowed_email_domains: vec!["@ZJRSJ.cn".into()],
        allowed_emails: vec!["ZJRSJ_ZhengQiu@163.com".into()],
    };
    assert!(scan("意见请发送至 zjrsj_zhengqiu@163.com。", &opts).is_empty());
    assert_eq!(scan("或 zhangsan@163.com", &opts).len(), 1);
    for t in [
        "办公电话13812345678",
        "138 1234 5678",
        "+86 13812345678",
        "8613812345678",
        "13900001111",
        "rsj@zjrsj.cn",
        "office@mail.zjrsj.cn",
    ] {
        assert_eq!(found(t, &opts), vec![], "{t}");
    }
    assert_eq!(
        found("13812345679", &opts),
        vec![(Mobile, "13812345679".into())]
    );
    assert_eq!(
        found("a@notzjrsj.cn", &opts),
        vec![(Email, "a@notzjrsj.cn".into())]
    );
}

#[test]
fn findings_carry_masked_value() {
    let f = scan("手机：138-1234-5678。", &PrivacyOptions::default());
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].masked, "***-****-****");
    let f = scan("zhang3@qq.com", &PrivacyOptions::default());
    assert_eq!(f[0].masked, "******@**.***");
    let fw = full_width(&id_a());
    let f = scan(&fw, &PrivacyOptions::default());
    assert_eq!(f[0].masked, "*".repeat(18));
}

#[test]
fn mask_hides_every_letter_and_digit() {
    assert_eq!(mask("13812345678"), "***********");
    assert_eq!(mask("+86 138-1234-5678"), "+** ***-****-****");
    assert_eq!(mask("11010519900101123X"), "******************");
    assert_eq!(mask("a.b@qq.com"), "*.*@**.***");
    assert_eq!(mask("１２３"), "***");
    assert_eq!(mask(""), "");
}

#[test]
fn masked_names() {
    for n in [
        "张某",
        "张某某",
        "张*",
        "张**",
        "张×",
        "张××",
        "张X",
        "张XX",
        "欧阳某",
        "欧阳某某",
        "司马*",
        "诸葛××",
        "王女士",
        "李先生",
        "上官女士",
        " 李某 ",
        "张＊",
    ] {
        assert!(is_masked_person_name(n), "{n}");
    }
    for n in [
        "",
        "张三",
        "张小明",
        "李四",
        "欧阳明",
        "欧阳明月",
        "某",
        "*",
        "**",
        "张",
        "张某明",
        "张某某某",
        "张***",
        "Zhang*",
        "X某",
        "张 某",
        "女士",
        "枝江市某某公司",
    ] {
        assert!(!is_masked_person_name(n), "{n}");
    }
}

#[test]
fn check_digit_functions() {
    assert!(valid_resident_id(&id_a()));
    assert!(valid_resident_id(&id18_x()));
    assert!(valid_resident_id(&id18_x().to_lowercase()));
    assert!(valid_resident_id("110105900101123"));
    assert!(valid_resident_id("420583600123456")); // also an old 注册号 shape
    assert!(!valid_resident_id(&id18_bad_check("11010519900101123")));
    assert!(!valid_resident_id(&id18("11010518990101123"))); // year 1899
    assert!(!valid_resident_id(&id18("11010519000229123"))); // 1900 is no leap year
    assert!(valid_resident_id(&id18("11010520000229123")));
    assert!(!valid_resident_id(&id18("11010521010101123"))); // year 2101
    assert!(!valid_resident_id("110105901301123"));
    assert!(!valid_resident_id(""));
    assert!(!valid_resident_id("１１０１０５９００１０１１２３"));
    // a published sample: 11010519491231002X
    assert!(valid_resident_id("11010519491231002X"));

    let c = credit("91420583MA49ABCD1");
    assert!(valid_credit_code(&c));
    assert!(valid_credit_code("91350100M000100Y43"));
    assert!(!valid_credit_code(&c.to_lowercase()));
    assert!(!valid_credit_code("91350100M000100Y44"));
    assert!(!valid_credit_code("91420583MA49XXXX"));
    assert!(!valid_credit_code("91420583MA49IOZSV0"));
    assert!(!valid_credit_code(""));

    assert!(luhn(card19().as_bytes()));
    assert!(luhn(b"79927398713"));
    assert!(!luhn(b"79927398710"));
}

#[test]
fn minors() {
    for t in [
        "当事人招用未成年人从事危险作业",
        "经查，王某某未满十八周岁",
        "未满18周岁",
        "未满１８周岁",
        "不满十六周岁的",
        "不满 16 岁",
        "使用童工一名",
        "违反《禁止使用童工规定》",
        "未成年工未定期体检",
        "不足十四周岁",
        "十六周岁以下",
        "年满十六周岁未满十八周岁",
    ] {
        assert!(mentions_minor(t), "{t}");
    }
    for t in [
        "",
        "当事人拖欠劳动者工资",
        "年满十八周岁",
        "不满1年",
        "未满60周岁",
        "不足30日",
        "60岁以下",
        "罚款人民币20000元",
        "年满16周岁的劳动者",
    ] {
        assert!(!mentions_minor(t), "{t}");
    }
}

#[test]
fn line_and_column() {
    let t = "第一行\n身份证ab\r\nx";
    assert_eq!(line_col(t, 0), (1, 1));
    assert_eq!(line_col(t, 3), (1, 2));
    assert_eq!(line_col(t, 4), (1, 2)); // inside a char: its start
    assert_eq!(line_col(t, 9), (1, 4)); // the newline itself
    assert_eq!(line_col(t, 10), (2, 1));
    assert_eq!(line_col(t, 19), (2, 4));
    assert_eq!(line_col(t, t.len()), (3, 2));
    assert_eq!(line_col(t, 1000), (3, 2));
    assert_eq!(line_col("", 0), (1, 1));
    let text = format!("甲\n乙：{}", id_a());
    let f = scan(&text, &PrivacyOptions::default());
    assert_eq!(line_col(&text, f[0].start), (2, 3));
}

#[test]
fn labels() {
    assert_eq!(ResidentId.label_zh(), "居民身份证号码");
    assert_eq!(Mobile.label_zh(), "手机号码");
    assert_eq!(BankCard.label_zh(), "银行卡号");
    assert_eq!(Email.label_zh(), "个人电子邮箱");
    assert_eq!(Mobile.to_string(), "手机号码");
}

fn well_formed(text: &str, fs: &[Finding]) {
    let mut last_end = 0;
    for f in fs {
        assert!(f.start < f.end && f.end <= text.len());
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert!(f.start >= last_end, "overlap");
        last_end = f.end;
        assert!(!f.masked.bytes().any(|b| b.is_ascii_digit()));
        assert_eq!(f.masked, mask(&text[f.start..f.end]));
    }
}

proptest! {
    #[test]
    fn scan_never_panics_on_text(s in "\\PC*") {
        let fs = scan(&s, &PrivacyOptions::default());
        well_formed(&s, &fs);
        let _ = mentions_minor(&s);
        let _ = is_masked_person_name(&s);
        let _ = valid_credit_code(&s);
        let _ = valid_resident_id(&s);
    }

    #[test]
    fn scan_never_panics_on_bytes(b in proptest::collection::vec(any::<u8>(), 0..400)) {
        let s = String::from_utf8_lossy(&b);
        let fs = scan(&s, &PrivacyOptions::default());
        well_formed(&s, &fs);
    }

    #[test]
    fn scan_digit_soup(s in "[0-9０-９ Xx@.+\\-,，。（）：元a-z身份证号\n]{0,80}") {
        let opts = PrivacyOptions {
            allowed_numbers: vec!["13812345678".into()],
            allowed_email_domains: vec!["qq.com".into()],
            allowed_emails: Vec::new(),
        };
        let fs = scan(&s, &opts);
        well_formed(&s, &fs);
        for i in 0..=s.len() {
            let (l, c) = line_col(&s, i);
            prop_assert!(l >= 1 && c >= 1);
        }
    }

    #[test]
    fn mask_has_no_ascii_digit(s in "\\PC*") {
        let m = mask(&s);
        prop_assert!(!m.bytes().any(|b| b.is_ascii_digit()));
        prop_assert_eq!(m.chars().count(), s.chars().count());
    }

    #[test]
    fn generated_ids_are_found_in_sentences(
        region in 110_000u32..660_000,
        days in 0u32..(200 * 366),
        seq in 0u32..1000,
        pre in prop::sample::select(vec!["", "身份证号", "号码：", "（", "，", " ", "\n", "ab "]),
        post in prop::sample::select(vec!["", "，", "。", "）", "的", " ", "\n", "号"]),
    ) {
        let y = 1901 + days / 366;
        let m = 1 + (days % 366) / 31 % 12;
        let d = 1 + days % 28;
        let id = id18(&format!("{region:06}{y:04}{m:02}{d:02}{seq:03}"));
        let text = format!("{pre}{id}{post}");
        let fs = scan(&text, &PrivacyOptions::default());
        prop_assert_eq!(fs.len(), 1);
        prop_assert_eq!(fs[0].kind, ResidentId);
        prop_assert_eq!(&text[fs[0].start..fs[0].end], id.as_str());
    }

    #[test]
    fn generated_cards_are_found(
        body in "[1-9][0-9]{14,17}",
        sep in prop::sample::select(vec!["", " ", "-"]),
    ) {
        let c = card(&body);
        prop_assume!(!valid_resident_id(&c) && !valid_credit_code(&c));
        let shown = if sep.is_empty() { c.clone() } else { grouped(&c, sep) };
        let text = format!("卡号：{shown}。");
        let fs = scan(&text, &PrivacyOptions::default());
        prop_assert_eq!(fs.len(), 1, "{}", text);
        prop_assert_eq!(fs[0].kind, BankCard);
        prop_assert_eq!(&text[fs[0].start..fs[0].end], shown.as_str());
    }

    #[test]
    fn generated_mobiles_are_found(
        second in 3u8..10,
        rest in "[0-9]{9}",
        form in 0usize..6,
    ) {
        let m = format!("1{second}{rest}");
        let shown = match form {
            0 => m.clone(),
            1 => format!("{}-{}-{}", &m[..3], &m[3..7], &m[7..]),
            2 => format!("{} {} {}", &m[..3], &m[3..7], &m[7..]),
            3 => format!("+86 {m}"),
            4 => format!("86-{m}"),
            _ => format!("+86{m}"),
        };
        let text = format!("联系电话：{shown}，");
        let fs = scan(&text, &PrivacyOptions::default());
        prop_assert_eq!(fs.len(), 1, "{}", text);
        prop_assert_eq!(fs[0].kind, Mobile);
        prop_assert_eq!(&text[fs[0].start..fs[0].end], shown.as_str());
    }
}
