//! A synthetic bureau site for benchmarks and scale tests: N records spread like a county
//! human-resources bureau's publicity site, composed from phrase tables, deterministic for a
//! seed. Shared by `examples/gen_site` (the CLI) and `tests/generated_site.rs`.
//!
//! Three formats:
//! - [`Format::Gongshi`]: `site.toml` + `content/<folder>/…` with typed front matter, valid under
//!   gongshi's rules (dates, windows, unique index and case numbers, valid credit codes, masked
//!   names, a sample form beside every permit).
//! - [`Format::Markdown`]: the same records as plain Markdown pages (front matter: title, date)
//!   in a Hugo layout (`content/<section>/<id>.md`, `hugo.toml`, minimal layouts) — the
//!   *equivalent* site used to compare generators (see docs/performance.md).
//! - [`Format::Zola`]: the same Markdown pages (same text, TOML front matter) as a Zola site
//!   (`config.toml`, `templates/`) whose templates render the same page structure as the Hugo
//!   layouts: the second peer of `bench/run.sh`. [`Format::ZolaGetSection`] is the same site
//!   with the costlier home page it had first (kept to compare, docs/performance.md).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::path::Path;

/// Output format of the generated site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Gongshi,
    Markdown,
    /// The cheapest faithful Zola site (the home page's counts from an unrendered taxonomy).
    Zola,
    /// The same Zola site with the first home page: `get_section` of every section.
    ZolaGetSection,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    /// Number of records (the 3 free pages come on top).
    pub records: usize,
    pub seed: u64,
    pub format: Format,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records per folder (pages included).
    pub per_kind: BTreeMap<String, usize>,
    pub files: usize,
    pub bytes: u64,
}

// ---------------------------------------------------------------------------------------------
// PRNG: splitmix64 (deterministic, no dependency).

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6a09_e667_f3bc_c908)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0; 0 gives 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next_u64() % ((hi - lo + 1) as u64)) as i64
    }
    pub fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
    /// True with probability `pct`/100.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.next_u64() % 100 < pct
    }
}

// ---------------------------------------------------------------------------------------------
// Dates (proleptic Gregorian, day numbers) without a dependency.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Day(i64);

impl Day {
    pub fn ymd(y: i64, m: i64, d: i64) -> Day {
        // days from civil (Howard Hinnant)
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Day(era * 146_097 + doe - 719_468)
    }
    pub fn parts(self) -> (i64, i64, i64) {
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (yoe + era * 400 + i64::from(m <= 2), m, d)
    }
    pub fn plus(self, n: i64) -> Day {
        Day(self.0 + n)
    }
    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> i64 {
        (self.0 + 3).rem_euclid(7)
    }
    pub fn iso(self) -> String {
        let (y, m, d) = self.parts();
        format!("{y:04}-{m:02}-{d:02}")
    }
    pub fn zh(self) -> String {
        let (y, m, d) = self.parts();
        format!("{y}年{m}月{d}日")
    }
    /// The next Monday–Friday on or after this day.
    pub fn weekday_on_or_after(self) -> Day {
        let mut d = self;
        while d.weekday() >= 5 {
            d = d.plus(1);
        }
        d
    }
}

/// The build clock the generated site is valid for (2026-11-25).
pub fn today() -> Day {
    Day::ymd(2026, 11, 25)
}

// ---------------------------------------------------------------------------------------------
// Phrase tables.

const COUNTY: &str = "枝江县";
const BUREAU: &str = "枝江县人力资源和社会保障局";
const ORG_CODE: &str = "ZJRSJ";
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "建国", "晓燕", "志强", "婷", "海涛", "丽", "伟", "芳", "军", "敏", "俊杰", "秀英", "文华",
    "红梅", "国平", "玉兰", "明辉", "春燕", "德胜", "慧",
];
const TOWNS: &[&str] = &[
    "城关镇",
    "东城街道",
    "清河镇",
    "石桥镇",
    "柳林镇",
    "新华镇",
    "白洋镇",
    "仙女镇",
    "董市镇",
    "安福寺镇",
];
const BRAND: &[&str] = &[
    "华峰",
    "鑫源",
    "恒达",
    "宏图",
    "瑞丰",
    "金诚",
    "永兴",
    "润泽",
    "长江",
    "楚天",
    "兴隆",
    "锦程",
    "天和",
    "利民",
    "众鑫",
    "荣盛",
    "新世纪",
    "明珠",
    "顺达",
    "汇通",
    "佳美",
    "东方",
    "丰泰",
    "鼎盛",
    "康源",
    "卓越",
    "万家",
    "广厦",
    "晨光",
    "远航",
];
const TRADE: &[(&str, &str)] = &[
    ("纺织", "有限公司"),
    ("建筑工程", "有限公司"),
    ("物流", "有限公司"),
    ("食品", "有限公司"),
    ("机械制造", "有限公司"),
    ("物业管理", "有限公司"),
    ("餐饮管理", "有限公司"),
    ("装饰工程", "有限公司"),
    ("劳务", "有限公司"),
    ("保安服务", "有限公司"),
    ("电子科技", "股份有限公司"),
    ("化工", "有限责任公司"),
    ("农业开发", "有限公司"),
    ("商贸", "有限公司"),
];
const SHOPS: &[&str] = &[
    "餐馆",
    "超市",
    "汽车修理部",
    "美容美发店",
    "建材经营部",
    "服装店",
    "家具厂",
    "加工厂",
    "快餐店",
    "农家乐",
];
const ORG_KINDS: &[&str] = &[
    "民办职业培训学校",
    "养老服务中心",
    "人力资源服务中心",
    "幼儿园",
];

/// (violation, law violated, penalty basis, facts detail)
const VIOLATIONS: &[(&str, &str, &str, &str)] = &[
    (
        "未按规定与劳动者订立书面劳动合同",
        "《中华人民共和国劳动合同法》第十条",
        "《中华人民共和国劳动合同法》第八十二条",
        "招用劳动者后超过一个月未与其订立书面劳动合同",
    ),
    (
        "未建立职工名册",
        "《中华人民共和国劳动合同法》第七条",
        "《中华人民共和国劳动合同法实施条例》第三十三条",
        "自用工之日起未建立职工名册，无法提供劳动者的姓名、工作岗位、用工起始时间等信息",
    ),
    (
        "拖欠劳动者工资",
        "《保障农民工工资支付条例》第十五条",
        "《劳动保障监察条例》第二十六条",
        "未按照约定的日期足额支付劳动者劳动报酬，经责令限期支付后逾期仍未支付",
    ),
    (
        "未按规定参加社会保险",
        "《中华人民共和国社会保险法》第五十八条",
        "《中华人民共和国社会保险法》第八十四条",
        "自用工之日起三十日内未为职工向社会保险经办机构申请办理社会保险登记",
    ),
    (
        "违法延长劳动者工作时间",
        "《中华人民共和国劳动法》第四十一条",
        "《劳动保障监察条例》第二十五条",
        "安排劳动者在生产旺季每日工作超过十一小时，每月延长工作时间超过三十六小时",
    ),
    (
        "未按规定提供工资清单",
        "《保障农民工工资支付条例》第十五条",
        "《保障农民工工资支付条例》第五十五条",
        "发放工资时未向劳动者提供载明工资项目和金额的书面或者电子工资清单",
    ),
    (
        "无理抗拒、阻挠劳动保障监察",
        "《劳动保障监察条例》第十五条",
        "《劳动保障监察条例》第三十条",
        "拒不按照劳动保障监察询问通知书的要求提供有关材料",
    ),
    (
        "未经许可擅自经营劳务派遣业务",
        "《中华人民共和国劳动合同法》第五十七条",
        "《中华人民共和国劳动合同法》第九十二条",
        "在未取得劳务派遣经营许可的情况下，向本县多家企业派遣劳动者",
    ),
    (
        "未按规定设立农民工工资专用账户",
        "《保障农民工工资支付条例》第二十六条",
        "《保障农民工工资支付条例》第五十五条",
        "承包工程项目后未按规定开设农民工工资专用账户，未实行按月代发工资",
    ),
    (
        "未依法支付劳动者加班工资",
        "《中华人民共和国劳动法》第四十四条",
        "《劳动保障监察条例》第二十六条",
        "安排劳动者在法定休假日工作，未按不低于工资的百分之三百支付工资报酬",
    ),
];
const PERMIT_SUBJECTS: &[&str] = &[
    "劳务派遣经营许可",
    "人力资源服务许可",
    "企业实行不定时工作制审批",
    "企业实行综合计算工时工作制审批",
    "民办职业培训学校设立审批",
    "技工学校设立审批",
];
const CATEGORIES: &[&str] = &["劳动就业", "社会保障", "人事人才", "劳动关系", "综合政务"];
const DOC_TOPICS: &[&str] = &[
    "就业创业补贴申领",
    "失业保险待遇发放",
    "城乡居民基本养老保险缴费",
    "工伤保险先行支付",
    "高校毕业生就业服务",
    "农民工返乡创业扶持",
    "职业技能等级认定",
    "事业单位公开招聘",
    "专业技术职称评审",
    "根治欠薪专项行动",
    "劳动人事争议调解仲裁",
    "社会保障卡换发",
    "零工市场建设",
    "公益性岗位开发管理",
    "人力资源市场秩序整治",
    "企业职工养老保险待遇调整",
];
const DOC_KINDS: &[(&str, &str, u64)] = &[
    ("notice", "通知", 35),
    ("policy", "实施意见", 15),
    ("normative", "管理办法", 10),
    ("report", "工作报告", 8),
    ("meeting", "会议纪要", 10),
    ("plan", "工作方案", 12),
    ("commitment", "服务承诺", 5),
    ("decision", "决定", 5),
];
/// Sentences for document bodies (policy prose).
const PROSE: &[&str] = &[
    "为深入贯彻落实就业优先战略，进一步做好稳就业、保民生工作，结合我县实际，制定本方案。",
    "各镇（街道）、各有关单位要提高思想认识，加强组织领导，明确责任分工，确保各项措施落到实处。",
    "县人力资源和社会保障局负责统筹协调，县财政局负责资金保障，县市场监管局、县住建局等部门按照职责分工做好相关工作。",
    "符合条件的劳动者可以通过政务服务网、手机应用在线申请，也可以到县政务服务中心人社窗口现场办理。",
    "经办机构应当在受理之日起10个工作日内完成审核，审核通过的，按月将补贴资金发放至本人社会保障卡银行账户。",
    "对弄虚作假、骗取补贴资金的，依法追回已发放资金，并按照有关规定追究相关单位和人员的责任。",
    "各单位要加强政策宣传解读，通过政府网站、微信公众号、基层服务平台等渠道广泛宣传，提高政策知晓度。",
    "本通知自印发之日起施行，有效期至2028年12月31日。此前有关规定与本通知不一致的，以本通知为准。",
    "2026年以来，全县城镇新增就业人数稳步增长，城镇调查失业率保持在合理区间，就业形势总体稳定。",
    "坚持以人民为中心的发展思想，聚焦群众急难愁盼问题，持续优化公共服务，推动人社事业高质量发展。",
    "建立健全工作台账，实行月调度、季通报制度，对工作推进不力的单位进行约谈，确保年度目标任务按期完成。",
    "加强信息化建设，推进业务系统互联互通和数据共享，实现更多事项“一网通办”“跨省通办”。",
    "畅通投诉举报渠道，公布举报电话12333，对群众反映的问题做到件件有回应、事事有着落。",
    "严格落实政府信息公开有关规定，除依法不予公开的内容外，相关政策文件和办理结果一律向社会公开。",
    "会议强调，要坚持问题导向，聚焦重点行业和重点领域，统筹推进各项工作，切实维护劳动者合法权益。",
    "对就业困难人员实行实名制动态管理和分类帮扶，确保零就业家庭动态清零。",
];
const QUESTIONS: &[(&str, &str, &str)] = &[
    (
        "失业保险金能领多久",
        "失业保险",
        "我在公司工作了五年，一直缴纳失业保险，今年公司裁员和我解除了劳动合同。请问我可以领取多长时间的失业保险金？每月能领多少？",
    ),
    (
        "公司拖欠工资应当如何投诉",
        "工资支付",
        "我在一家建筑公司做钢筋工，老板已经两个月没有发工资，说等工程款到了再发。我没有签劳动合同，请问应该去哪里投诉？",
    ),
    (
        "灵活就业人员如何参加养老保险",
        "养老保险",
        "我现在没有固定单位，在县城开网约车，想自己缴纳养老保险。请问灵活就业人员怎样参保？缴费标准是多少？",
    ),
    (
        "职业技能提升补贴怎么申请",
        "职业技能",
        "我今年考取了电工中级职业技能等级证书，听说可以申请技能提升补贴。请问需要什么条件，到哪里申请？",
    ),
    (
        "工伤认定需要多长时间",
        "工伤保险",
        "我丈夫在工厂上班时被机器压伤了手，单位说会帮忙申请工伤认定。请问工伤认定一般需要多长时间？单位不申请怎么办？",
    ),
    (
        "事业单位招聘考试能否异地参加",
        "人事考试",
        "我在外地读研究生，想报考我县今年的事业单位公开招聘。请问笔试能不能在外地参加？面试时间什么时候公布？",
    ),
    (
        "退休人员养老金调整什么时候到账",
        "养老保险",
        "我是企业退休职工，听说今年基本养老金又上调了。请问调整后的养老金什么时候补发到账？",
    ),
    (
        "创业担保贷款申请条件",
        "创业扶持",
        "我大学毕业后回乡开了一家农产品网店，想申请创业担保贷款扩大经营。请问申请条件和额度是多少？",
    ),
];
const REPLY_UNITS: &[&str] = &[
    "枝江县就业服务中心",
    "枝江县社会保险事业局",
    "枝江县劳动保障监察大队",
    "枝江县人力资源和社会保障局人事人才股",
    "枝江县劳动人事争议仲裁院",
];
const UNITS: &[(&str, &str)] = &[
    ("办公室", "内设机构"),
    ("就业促进和职业能力建设股", "内设机构"),
    ("社会保险股", "内设机构"),
    ("劳动关系股", "内设机构"),
    ("人事人才股", "内设机构"),
    ("政策法规股", "内设机构"),
    ("劳动保障监察大队", "下属单位"),
    ("就业服务中心", "下属单位"),
    ("社会保险事业局", "下属单位"),
    ("劳动人事争议仲裁院", "下属单位"),
    ("人事考试中心", "下属单位"),
];
const DUTY_LINES: &[&str] = &[
    "贯彻执行国家和省、市有关法律法规和方针政策，拟订本领域工作规划并组织实施。",
    "负责本领域政策的宣传解读和业务指导，督促检查政策落实情况。",
    "受理群众咨询和投诉举报，依法依规办理并按期答复。",
    "负责相关统计数据的收集、分析和报送工作，按规定公开相关信息。",
    "承担本领域行政执法工作，规范执法行为，落实行政执法公示制度。",
    "指导各镇（街道）社会保障服务中心开展相关业务。",
    "负责经办业务的内部控制和风险防控工作，防范基金和资金安全风险。",
    "完成局党组交办的其他任务。",
];
const STEP_NAMES: &[(&str, &str)] = &[
    ("申请", "申请人"),
    ("受理", "政务服务中心人社窗口"),
    ("审查", "业务股室"),
    ("实地核查", "业务股室"),
    ("决定", "分管局领导"),
    ("送达与公示", "办公室"),
];
const FEE_ITEMS: &[(&str, &str)] = &[
    ("社会保障卡补换卡工本费", "元/张"),
    ("职业技能等级认定考务费", "元/人次"),
    ("事业单位公开招聘考试考务费", "元/人·科"),
    ("专业技术资格考试考务费", "元/人·科"),
];
const CONSULT_SUBJECTS: &[&str] = &[
    "职业技能提升补贴实施办法",
    "城乡居民基本养老保险县级补贴办法",
    "零工市场建设管理办法",
    "公益性岗位开发管理办法",
    "就业困难人员认定办法",
    "农民工工资保证金管理实施细则",
    "人力资源服务机构诚信评价办法",
    "高校毕业生就业见习管理办法",
];

// ---------------------------------------------------------------------------------------------
// Identifiers.

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_WEIGHTS: [usize; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code (GB 32100-2015) with a valid check character: registration
/// authority 9 (market regulation), `kind` 1 (enterprise) or 2 (individual business), region
/// 420583, a random 9-character organisation code.
pub fn credit_code(rng: &mut Rng, kind: u8) -> String {
    let mut v: Vec<usize> = vec![9, usize::from(kind)];
    v.extend([4, 2, 0, 5, 8, 3]);
    for _ in 0..9 {
        v.push(rng.below(31));
    }
    let sum: usize = v.iter().zip(CREDIT_WEIGHTS).map(|(a, w)| a * w).sum();
    v.push((31 - sum % 31) % 31);
    v.iter().map(|&i| char::from(CREDIT_ALPHABET[i])).collect()
}

fn masked_person(rng: &mut Rng) -> String {
    format!("{}某", rng.pick(SURNAMES))
}

fn full_name(rng: &mut Rng) -> String {
    let s = rng.pick(SURNAMES);
    let s = if s.chars().count() > 1 { "王" } else { s };
    format!("{s}{}", rng.pick(GIVEN))
}

fn company(rng: &mut Rng) -> String {
    let (trade, suffix) = TRADE[rng.below(TRADE.len())];
    format!("{COUNTY}{}{trade}{suffix}", rng.pick(BRAND))
}

/// A date in `lo..=hi`.
fn date_between(rng: &mut Rng, lo: Day, hi: Day) -> Day {
    Day(rng.range(lo.0, hi.0))
}

fn money(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A YAML scalar: plain when safe, double-quoted (JSON escapes) otherwise.
fn scalar(s: &str) -> String {
    let special_start = s
        .chars()
        .next()
        .is_none_or(|c| "-?:,[]{}#&*!|>'\"%@`0123456789 ".contains(c));
    if special_start
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.ends_with(' ')
        || s.contains('\n')
        || matches!(s, "true" | "false" | "null" | "yes" | "no" | "~")
    {
        let mut q = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => q.push_str("\\\""),
                '\\' => q.push_str("\\\\"),
                '\n' => q.push_str("\\n"),
                c => q.push(c),
            }
        }
        q.push('"');
        q
    } else {
        s.to_string()
    }
}

/// A YAML literal block (`key: |` followed by indented lines).
fn block(out: &mut String, indent: &str, key: &str, text: &str) {
    let _ = writeln!(out, "{indent}{key}: |");
    for line in text.trim_end().lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}  {line}");
        }
    }
}

fn kv(out: &mut String, indent: &str, key: &str, value: &str) {
    let _ = writeln!(out, "{indent}{key}: {}", scalar(value));
}

// ---------------------------------------------------------------------------------------------
// Records.

/// One generated record, in both shapes.
struct Rec {
    folder: &'static str,
    id: String,
    title: String,
    date: Option<Day>,
    /// YAML front matter lines (without `---`), gongshi format.
    front: String,
    /// Markdown body, gongshi format.
    body: String,
    /// The same facts as one Markdown page for other generators.
    plain: String,
    /// Attachment files beside the record (makes it a bundle).
    attachments: Vec<(String, Vec<u8>)>,
}

/// Sequence state shared by the records of one site.
struct Seq {
    index: usize,
    case_no: BTreeMap<(String, i64), usize>,
    doc_no: BTreeMap<i64, usize>,
}

impl Seq {
    /// The next 索引号 and the year its records are dated in: 2026-00001 … 2026-99999, then
    /// 2025-00001 …, so the number stays five digits at any N.
    fn next_index(&mut self) -> (String, i64) {
        self.index += 1;
        let year = 2026 - ((self.index - 1) / 99_999) as i64;
        let n = (self.index - 1) % 99_999 + 1;
        (format!("{ORG_CODE}/{year}-{n:05}"), year)
    }
    fn next_case(&mut self, word: &str, year: i64) -> String {
        let n = self.case_no.entry((word.to_string(), year)).or_insert(0);
        *n += 1;
        format!("枝人社{word}〔{year}〕{n}号")
    }
    fn next_doc(&mut self, year: i64) -> String {
        let n = self.doc_no.entry(year).or_insert(0);
        *n += 1;
        format!("枝人社发〔{year}〕{n}号")
    }
}

/// Publication date range for a year: all of it up to the day before the build date.
fn year_span(year: i64) -> (Day, Day) {
    let lo = Day::ymd(year, 1, 5);
    let hi = if year >= 2026 {
        today().plus(-1)
    } else {
        Day::ymd(year, 12, 28)
    };
    (lo, hi)
}

fn common(front: &mut String, title: &str, published: Option<Day>, index_no: &str, cat: &str) {
    kv(front, "", "title", title);
    if let Some(p) = published {
        let _ = writeln!(front, "published: {}", p.iso());
    }
    let _ = writeln!(front, "index_no: {index_no}");
    kv(front, "", "category", cat);
}

fn prose(rng: &mut Rng, sentences: usize) -> String {
    let mut s = String::new();
    for _ in 0..sentences {
        s.push_str(rng.pick(PROSE));
    }
    s
}

fn enforcement(rng: &mut Rng, seq: &mut Seq, i: usize) -> Rec {
    let (index_no, year) = seq.next_index();
    let (lo, hi) = year_span(year);
    let decided = date_between(rng, lo, hi.plus(-6)).weekday_on_or_after();
    // Published within 1–6 calendar days (always within the 7-working-day rule).
    let published = decided.plus(rng.range(1, 6)).min(hi);
    let r = rng.below(100);
    let (action, word) = match r {
        0..=74 => ("处罚", "罚"),
        75..=84 => ("检查", "监检"),
        85..=94 => ("许可", "许"),
        _ => ("强制", "强"),
    };
    let case_no = seq.next_case(word, year);
    let (violation, law, penalty, detail) = VIOLATIONS[rng.below(VIOLATIONS.len())];
    let town = rng.pick(TOWNS);
    let p = rng.below(100);
    // Permits are granted to companies; the other decisions concern every kind of party.
    let (ptype, name, code, short) = if action == "许可" || p < 55 {
        let c = company(rng);
        ("法人", c.clone(), Some(credit_code(rng, 1)), c)
    } else if p < 80 {
        let owner = masked_person(rng);
        let shop = format!("{COUNTY}{town}{}{}", rng.pick(BRAND), rng.pick(SHOPS));
        (
            "个体工商户",
            format!("{shop}（经营者：{owner}）"),
            Some(credit_code(rng, 2)),
            shop,
        )
    } else if p < 90 {
        let o = format!("{COUNTY}{}{}", rng.pick(BRAND), rng.pick(ORG_KINDS));
        ("其他组织", o.clone(), Some(credit_code(rng, 5)), o)
    } else {
        let n = masked_person(rng);
        ("自然人", n.clone(), None, n)
    };
    let workers = rng.range(3, 260);
    let affected = rng.range(1, workers.min(40));
    let month = decided.parts().1.max(2) - 1;
    let fine = if action == "处罚" {
        Some(rng.range(4, 100) * 500)
    } else {
        None
    };
    let (title, facts, basis, decision) = match action {
        "许可" => {
            let subject = rng.pick(PERMIT_SUBJECTS);
            (
                format!("准予{short}{subject}的决定"),
                format!(
                    "{short}于{}向我局提交{subject}申请，申请材料齐全、符合法定形式，我局当日予以受理。\n\n经审查，申请人注册资本、经营场所、管理制度等符合法定条件，我局指派两名工作人员进行了实地核查，核查情况与申请材料一致。申请人现有职工{workers}人，均已依法签订劳动合同并参加社会保险。",
                    decided.plus(-rng.range(5, 15)).zh()
                ),
                "《中华人民共和国行政许可法》第三十八条；《劳务派遣行政许可实施办法》第十二条。".to_string(),
                format!(
                    "准予{short}{subject}，许可证有效期三年，自{}起至{}止。被许可人应当在许可范围内依法经营，按规定报送年度经营情况报告。",
                    decided.zh(),
                    decided.plus(365 * 3 - 1).zh()
                ),
            )
        }
        "检查" => (
            format!("{short}劳动保障专项检查结果"),
            format!(
                "{}，我局根据“双随机、一公开”抽查结果，对当事人遵守劳动保障法律法规情况进行了现场检查，检查内容包括劳动合同签订、工资支付、工作时间和社会保险参保情况。\n\n经查，当事人现有职工{workers}人，{}年1月至{month}月工资均按月足额支付；发现当事人存在{violation}的问题，涉及劳动者{affected}人。",
                decided.plus(-rng.range(1, 5)).zh(),
                decided.parts().0
            ),
            format!("《劳动保障监察条例》第十一条、第十五条；{law}。"),
            format!(
                "检查结果：基本符合规定。对{violation}的问题，责令当事人于{}前改正，并将整改情况书面报送我局。我局将适时进行回访。",
                decided.plus(30).zh()
            ),
        ),
        "强制" => (
            format!("{short}{violation}案行政强制决定"),
            format!(
                "{}，我局在调查{short}{violation}一案时发现，当事人有转移、隐匿与案件有关的工资支付记录和考勤资料的可能。\n\n为防止证据灭失，经局负责人批准，我局依法对当事人的工资台账、考勤记录等资料采取先行登记保存措施，涉及劳动者{affected}人。",
                decided.zh()
            ),
            "《中华人民共和国行政处罚法》第五十六条；《中华人民共和国行政强制法》第九条。".to_string(),
            format!(
                "对当事人{}年{month}月以来的工资支付记录、考勤记录等资料予以先行登记保存，保存期限为七日。保存期间，当事人不得销毁或者转移证据。",
                decided.parts().0
            ),
        ),
        _ => (
            format!("{short}{violation}案"),
            format!(
                "{}，我局根据劳动者投诉进行调查，查明当事人{detail}，涉及劳动者{affected}人。当事人现有职工{workers}人，主要从事生产经营活动。\n\n我局于{}下达劳动保障监察限期改正指令书，责令当事人限期改正，当事人逾期未改正。以上事实有询问笔录、现场检查笔录、劳动者名单、工资支付记录等证据证实。",
                decided.plus(-rng.range(20, 40)).zh(),
                decided.plus(-rng.range(8, 18)).zh()
            ),
            format!(
                "当事人的行为违反了{law}的规定。依据{penalty}的规定作出处罚。"
            ),
            format!(
                "1. 责令当事人立即改正违法行为；\n2. 处以罚款**{}元**。\n\n当事人应当自收到本决定书之日起十五日内到指定银行缴纳罚款。逾期不缴纳的，每日按罚款数额的百分之三加处罚款。",
                money(fine.unwrap_or(0))
            ),
        ),
    };
    let severity = match rng.below(100) {
        0..=49 => "一般",
        50..=84 => "较重",
        _ => "严重",
    };
    let id = format!("{year}-{word_id}-{i:06}", word_id = ascii_word(word));
    let mut front = String::new();
    common(&mut front, &title, Some(published), &index_no, "劳动关系");
    kv(&mut front, "", "case_no", &case_no);
    kv(&mut front, "", "action", action);
    front.push_str("party:\n");
    kv(&mut front, "  ", "type", ptype);
    kv(&mut front, "  ", "name", &name);
    if let Some(c) = &code {
        kv(&mut front, "  ", "credit_code", c);
    }
    block(&mut front, "", "facts", &facts);
    block(&mut front, "", "basis", &basis);
    block(&mut front, "", "decision", &decision);
    if let Some(f) = fine {
        let _ = writeln!(front, "fine: {f}");
        // Every generated penalty is a fine (the decision's text says so).
        front.push_str("penalties: [罚款]\n");
    }
    if action == "许可" {
        kv(&mut front, "", "permit_result", "准予许可");
    }
    let _ = writeln!(front, "decided: {}", decided.iso());
    kv(&mut front, "", "authority", BUREAU);
    if action == "处罚" {
        kv(&mut front, "", "severity", severity);
    }
    // About 1% of decisions were later revoked on administrative review.
    let revoked = rng.chance(1) && published < hi.plus(-10);
    if revoked {
        kv(&mut front, "", "status", "已撤销");
        let changed = date_between(rng, published.plus(1), hi);
        // The change is published the same day (within the 3-day rule).
        let _ = writeln!(front, "updated: {}", changed.iso());
        front.push_str("changed:\n");
        let _ = writeln!(front, "  date: {}", changed.iso());
        kv(
            &mut front,
            "  ",
            "reason",
            "经行政复议，县人民政府决定撤销本决定",
        );
    }
    let body = format!(
        "当事人如对本决定不服，可以在收到本决定书之日起六十日内向{COUNTY}人民政府申请行政复议，或者在六个月内向人民法院提起行政诉讼。\n\n本决定依法向社会公开，公开内容已隐去当事人的个人隐私信息。如有疑问，请拨打12333咨询。\n"
    );
    let plain = format!(
        "- 决定书文号：{case_no}\n- 执法类别：{action}\n- 当事人：{name}（{ptype}）{}\n- 决定日期：{}\n- 执法机关：{BUREAU}\n\n## 主要事实\n\n{facts}\n\n## 执法依据\n\n{basis}\n\n## 决定内容\n\n{decision}\n\n{body}",
        code.as_deref().map(|c| format!("，统一社会信用代码 {c}")).unwrap_or_default(),
        decided.zh()
    );
    Rec {
        folder: "enforcement",
        id,
        title,
        date: Some(published),
        front,
        body,
        plain,
        attachments: Vec::new(),
    }
}

fn ascii_word(word: &str) -> &'static str {
    match word {
        "罚" => "fa",
        "监检" => "jc",
        "许" => "xu",
        _ => "qz",
    }
}

fn document(rng: &mut Rng, seq: &mut Seq, i: usize) -> Rec {
    let (index_no, year) = seq.next_index();
    let (lo, hi) = year_span(year);
    let published = date_between(rng, lo, hi).weekday_on_or_after().min(hi);
    let issued = published.plus(-rng.range(0, 5));
    let total: u64 = DOC_KINDS.iter().map(|k| k.2).sum();
    let mut roll = rng.next_u64() % total;
    let mut kind = DOC_KINDS[0];
    for k in DOC_KINDS {
        if roll < k.2 {
            kind = *k;
            break;
        }
        roll -= k.2;
    }
    let (doc_kind, word, _) = kind;
    let topic = rng.pick(DOC_TOPICS);
    let title = match doc_kind {
        "meeting" => format!("{year}年第{}次局务会议纪要（{topic}）", rng.range(1, 24)),
        "report" => format!("{year}年{topic}工作情况报告"),
        "commitment" => format!("{topic}服务承诺"),
        _ => format!("关于{topic}的{word}"),
    };
    let validity = match rng.below(100) {
        0..=91 => "有效",
        92..=96 => "已修订",
        _ => "已废止",
    };
    let cat = rng.pick(CATEGORIES);
    let doc_no = (matches!(
        doc_kind,
        "notice" | "policy" | "normative" | "plan" | "decision"
    ))
    .then(|| seq.next_doc(year));
    let summary = format!(
        "{}，明确{topic}的对象范围、办理程序和保障措施。",
        if doc_kind == "meeting" {
            "会议研究部署相关工作"
        } else {
            "本文件就有关事项作出规定"
        }
    );
    let mut body = String::new();
    let _ = writeln!(
        body,
        "各镇（街道）社会保障服务中心，局属各单位，各有关单位：\n"
    );
    let _ = writeln!(body, "{}\n", prose(rng, 2));
    for (n, h) in ["一、主要内容", "二、工作措施", "三、有关要求"]
        .iter()
        .enumerate()
    {
        let _ = writeln!(body, "## {h}\n");
        if n == 1 {
            for k in 1..=3 {
                let _ = writeln!(body, "{k}. {}", rng.pick(PROSE));
            }
            body.push('\n');
        } else {
            let _ = writeln!(body, "{}\n", prose(rng, 2));
        }
    }
    let _ = writeln!(body, "{BUREAU}\n{}", issued.zh());
    let mut front = String::new();
    common(&mut front, &title, Some(published), &index_no, cat);
    kv(&mut front, "", "doc_kind", doc_kind);
    if let Some(d) = &doc_no {
        kv(&mut front, "", "doc_no", d);
    }
    kv(&mut front, "", "issuer", BUREAU);
    let _ = writeln!(front, "issued: {}", issued.iso());
    if doc_kind != "meeting" && doc_kind != "report" {
        let _ = writeln!(front, "effective: {}", published.iso());
    }
    kv(&mut front, "", "validity", validity);
    kv(&mut front, "", "summary", &summary);
    let plain = format!(
        "- 索引号：{index_no}\n{}- 有效性：{validity}\n\n{summary}\n\n{body}",
        doc_no
            .as_deref()
            .map(|d| format!("- 文号：{d}\n"))
            .unwrap_or_default()
    );
    Rec {
        folder: "documents",
        id: format!("doc-{i:06}"),
        title,
        date: Some(published),
        front,
        body,
        plain,
        attachments: Vec::new(),
    }
}

fn reply(rng: &mut Rng, seq: &mut Seq, i: usize, procedures: usize) -> Rec {
    let (index_no, year) = seq.next_index();
    let (lo, hi) = year_span(year);
    let (q_title, topic, question) = QUESTIONS[rng.below(QUESTIONS.len())];
    // A few recent questions are still unanswered.
    let received = date_between(rng, lo, hi.plus(-2))
        .weekday_on_or_after()
        .min(hi);
    let unanswered = received > hi.plus(-20) && rng.chance(30);
    let replied = (!unanswered).then(|| received.plus(rng.range(1, 10)).min(hi));
    let asker = format!("{}{}", rng.pick(SURNAMES), ["女士", "先生"][rng.below(2)]);
    let unit = rng.pick(REPLY_UNITS);
    let answer = format!(
        "{asker}：您好！\n\n{}\n\n{}\n\n{}\n\n感谢您对人力资源和社会保障工作的关心和支持。如有其他疑问，请在工作日拨打12333服务热线咨询。",
        "根据国家和省有关规定，您反映的问题属于我局职责范围。我们对您的留言高度重视，经认真研究，现答复如下。",
        prose(rng, 2),
        prose(rng, 1)
    );
    let mut front = String::new();
    let title = format!("{q_title}（第{i}号留言）");
    common(
        &mut front,
        &title,
        replied.or(Some(received)),
        &index_no,
        "劳动就业",
    );
    kv(&mut front, "", "asker", &asker);
    kv(&mut front, "", "topic", topic);
    let _ = writeln!(front, "received: {}", received.iso());
    if let Some(r) = replied {
        let _ = writeln!(front, "replied: {}", r.iso());
        kv(&mut front, "", "reply_unit", unit);
    }
    if procedures > 0 && rng.chance(30) {
        let _ = writeln!(
            front,
            "related: procedures/proc-{:04}",
            rng.below(procedures) + 1
        );
    }
    block(&mut front, "", "question", question);
    if replied.is_some() {
        block(&mut front, "", "reply", &answer);
    }
    let plain = format!(
        "- 留言人：{asker}\n- 受理日期：{}\n\n## 留言内容\n\n{question}\n\n## 答复\n\n{}",
        received.zh(),
        if replied.is_some() {
            answer.as_str()
        } else {
            "待答复"
        }
    );
    Rec {
        folder: "replies",
        id: format!("reply-{i:06}"),
        title,
        date: replied.or(Some(received)),
        front,
        body: String::new(),
        plain,
        attachments: Vec::new(),
    }
}

fn duty(rng: &mut Rng, seq: &mut Seq, i: usize) -> Rec {
    let (index_no, _) = seq.next_index();
    let (unit, unit_type) = UNITS[(i - 1) % UNITS.len()];
    let unit = if i > UNITS.len() {
        format!("{}（第{}组）", unit, (i - 1) / UNITS.len() + 1)
    } else {
        unit.to_string()
    };
    let full = format!("{COUNTY}{}", unit);
    let published = date_between(rng, Day::ymd(2026, 1, 5), Day::ymd(2026, 6, 30));
    let mut front = String::new();
    common(
        &mut front,
        &format!("{full}职责"),
        Some(published),
        &index_no,
        "综合政务",
    );
    kv(&mut front, "", "unit", &full);
    kv(&mut front, "", "unit_type", unit_type);
    let _ = writeln!(front, "order: {i}");
    front.push_str("responsibilities:\n");
    let mut plain = String::from("## 主要职责\n\n");
    for l in DUTY_LINES.iter().take(4 + rng.below(4)) {
        let _ = writeln!(front, "  - {}", scalar(l));
        let _ = writeln!(plain, "- {l}");
    }
    front.push_str(
        "basis:\n  - 《劳动保障监察条例》（国务院令第423号）\n  - 《中华人民共和国社会保险法》\n",
    );
    let phone = format!("0717-12345{:02}", rng.below(100));
    let _ = writeln!(
        front,
        "contact:\n  phone: {phone}\n  address: {COUNTY}城关镇民主大道88号\n  hours: 法定工作日8:30—12:00，14:30—17:30"
    );
    front.push_str("officers:\n");
    plain.push_str("\n## 行政执法人员\n\n| 姓名 | 执法证号 | 执法类别 |\n|---|---|---|\n");
    for k in 0..rng.range(2, 6) {
        let name = full_name(rng);
        let cert = format!("4205012{:03}{:04}", 20 + rng.below(6), i * 10 + k as usize);
        let town = rng.pick(TOWNS);
        let _ = writeln!(
            front,
            "  - name: {name}\n    cert_no: \"{cert}\"\n    scope: 劳动保障监察（{town}）"
        );
        let _ = writeln!(plain, "| {name} | {cert} | 劳动保障监察（{town}） |");
    }
    kv(
        &mut front,
        "",
        "supervision",
        "对执法人员的违法违纪行为，可向局政策法规股反映，或拨打县12345政务服务便民热线。",
    );
    let body = format!("## 工作说明\n\n{}\n", prose(rng, 3));
    plain.push('\n');
    plain.push_str(&body);
    Rec {
        folder: "duties",
        id: format!("unit-{i:04}"),
        title: format!("{full}职责"),
        date: Some(published),
        front,
        body,
        plain,
        attachments: Vec::new(),
    }
}

fn steps_yaml(out: &mut String, indent: &str, rng: &mut Rng, plain: &mut String) -> i64 {
    let mut total = 0;
    for (n, (name, actor)) in STEP_NAMES.iter().enumerate() {
        let wd = if n == 0 { 0 } else { rng.range(1, 6) };
        total += wd;
        let _ = writeln!(out, "{indent}- name: {name}\n{indent}  actor: {actor}");
        if wd > 0 {
            let _ = writeln!(out, "{indent}  time_limit_wd: {wd}");
        }
        let desc = rng.pick(PROSE);
        let _ = writeln!(out, "{indent}  description: {}", scalar(desc));
        let _ = writeln!(
            plain,
            "{}. **{name}**（{actor}，{wd}个工作日）：{desc}",
            n + 1
        );
    }
    total
}

fn procedure(rng: &mut Rng, seq: &mut Seq, i: usize) -> Rec {
    let (index_no, _) = seq.next_index();
    let subject = rng.pick(PERMIT_SUBJECTS);
    let title = format!("{subject}办理流程（{i}）");
    let published = date_between(rng, Day::ymd(2026, 1, 5), Day::ymd(2026, 6, 30));
    let mut front = String::new();
    common(&mut front, &title, Some(published), &index_no, "综合政务");
    kv(
        &mut front,
        "",
        "procedure_type",
        if i.is_multiple_of(3) {
            "执法"
        } else {
            "办事"
        },
    );
    kv(
        &mut front,
        "",
        "applies_to",
        &format!("本局实施的{subject}等事项。"),
    );
    front.push_str("basis:\n  - 《中华人民共和国行政许可法》第二十九条至第五十条\n");
    front.push_str("steps:\n");
    let mut plain = String::from("## 办理步骤\n\n");
    let total = steps_yaml(&mut front, "  ", rng, &mut plain);
    let _ = writeln!(front, "total_time_limit_wd: {total}");
    let body = format!(
        "法定办结时限为{total}个工作日。{}\n\n{}\n",
        prose(rng, 2),
        prose(rng, 2)
    );
    plain.push('\n');
    plain.push_str(&body);
    Rec {
        folder: "procedures",
        id: format!("proc-{i:04}"),
        title,
        date: Some(published),
        front,
        body,
        plain,
        attachments: Vec::new(),
    }
}

fn fee(rng: &mut Rng, seq: &mut Seq, i: usize) -> Rec {
    let (index_no, _) = seq.next_index();
    let (item, unit) = FEE_ITEMS[rng.below(FEE_ITEMS.len())];
    let title = format!("{item}（{i}）");
    let published = date_between(rng, Day::ymd(2026, 1, 5), Day::ymd(2026, 6, 30));
    let mut front = String::new();
    common(&mut front, &title, Some(published), &index_no, "综合政务");
    kv(&mut front, "", "payer", "申请办理相关业务的个人或单位");
    front.push_str(
        "basis:\n  - title: 省发展改革委 省财政厅关于规范人力资源社会保障行政事业性收费的通知\n    doc_no: 鄂发改价费〔2024〕118号\n",
    );
    front.push_str("standards:\n");
    let mut plain = String::from("## 收费标准\n\n| 项目 | 金额 | 单位 |\n|---|---|---|\n");
    for k in 1..=rng.range(1, 3) {
        let amount = rng.range(1, 12) * 10;
        let _ = writeln!(
            front,
            "  - item: {item}（{k}类）\n    amount: {amount}\n    unit: {unit}"
        );
        let _ = writeln!(plain, "| {item}（{k}类） | {amount} | {unit} |");
    }
    front.push_str("collections:\n");
    plain.push_str("\n## 收缴情况\n\n");
    for q in ["第一季度", "第二季度", "第三季度"] {
        let amount = rng.range(0, 300) * 100;
        let _ = writeln!(front, "  - period: 2026年{q}\n    amount: {amount}");
        let _ = writeln!(plain, "- 2026年{q}：{} 元", money(amount));
    }
    let _ = writeln!(front, "complaint_phone: 0717-1230315");
    let body = format!("## 减免政策\n\n{}\n", prose(rng, 3));
    plain.push('\n');
    plain.push_str(&body);
    Rec {
        folder: "fees",
        id: format!("fee-{i:04}"),
        title,
        date: Some(published),
        front,
        body,
        plain,
        attachments: Vec::new(),
    }
}

/// A small fake DOCX-named sample form (the generator only needs a file to link to).
fn sample_form(rng: &mut Rng, title: &str) -> Vec<u8> {
    let mut s =
        format!("{title}\n\n申请单位（盖章）：\n统一社会信用代码：\n法定代表人：\n联系电话：\n\n");
    for _ in 0..(8 + rng.below(8)) {
        s.push_str("申请事项说明：________________________________________\n");
    }
    s.into_bytes()
}

fn permit(rng: &mut Rng, seq: &mut Seq, i: usize, procedures: usize, fees: usize) -> Rec {
    let (index_no, _) = seq.next_index();
    let subject = rng.pick(PERMIT_SUBJECTS);
    let title = format!("{subject}（{i}）");
    let published = date_between(rng, Day::ymd(2026, 1, 5), Day::ymd(2026, 9, 30));
    let mut front = String::new();
    common(&mut front, &title, Some(published), &index_no, "劳动关系");
    kv(
        &mut front,
        "",
        "summary",
        &format!("在本县登记注册的单位办理{subject}，应当向本局提出申请。"),
    );
    kv(&mut front, "", "department", BUREAU);
    kv(&mut front, "", "service_object", "企业法人");
    front.push_str(
        "basis:\n  - 《中华人民共和国劳动合同法》第五十七条\n  - 《中华人民共和国行政许可法》\n",
    );
    front.push_str("conditions:\n  - 有与开展业务相适应的固定的经营场所和设施。\n  - 有符合法律、行政法规规定的管理制度。\n  - 法律、行政法规规定的其他条件。\n");
    front.push_str("quantity_limit: 无数量限制\n");
    let mut plain = String::new();
    if procedures > 0 && rng.chance(70) {
        let _ = writeln!(front, "procedure: proc-{:04}", rng.below(procedures) + 1);
        plain.push_str("## 办理程序\n\n见本局行政许可办理流程。\n\n");
    } else {
        front.push_str("procedure:\n");
        plain.push_str("## 办理程序\n\n");
        steps_yaml(&mut front, "  ", rng, &mut plain);
        plain.push('\n');
    }
    let statutory = rng.range(10, 20);
    let _ = writeln!(
        front,
        "time_limit:\n  statutory_wd: {statutory}\n  promised_wd: {}",
        rng.range(3, statutory)
    );
    front.push_str("materials:\n");
    plain.push_str("## 申请材料\n\n| 序号 | 材料名称 | 份数 | 形式 |\n|---|---|---|---|\n");
    let materials = [
        (format!("{subject}申请书"), true),
        ("营业执照或者《名称预先核准通知书》".to_string(), false),
        ("法定代表人的身份证明".to_string(), false),
        ("经营场所的使用证明".to_string(), false),
        ("有关管理制度文本".to_string(), true),
    ];
    for (n, (name, original)) in materials.iter().enumerate() {
        let _ = writeln!(
            front,
            "  - name: {}\n    copies: 1\n    original: {original}\n    required: true",
            scalar(name)
        );
        let _ = writeln!(
            plain,
            "| {} | {name} | 1 | {} |",
            n + 1,
            if *original { "原件" } else { "复印件" }
        );
    }
    let form_title = format!("{subject}申请书（示范文本）");
    let _ = writeln!(
        front,
        "sample_forms:\n  - file: shenqingshu.docx\n    title: {}",
        scalar(&form_title)
    );
    if fees > 0 && rng.chance(20) {
        let _ = writeln!(front, "fees:\n  - fee-{:04}", rng.below(fees) + 1);
    } else {
        front.push_str("fees: 不收费\n");
    }
    kv(
        &mut front,
        "",
        "location",
        "枝江县城关镇民主大道86号县政务服务中心二楼人社窗口",
    );
    kv(&mut front, "", "hours", "法定工作日8:30—12:00，14:30—17:30");
    kv(&mut front, "", "phone", "0717-1234576");
    let body = format!(
        "## 办理说明\n\n1. {}\n2. {}\n\n**注意：**申请材料应当真实有效，以隐瞒有关情况或者提供虚假材料取得许可的，依法撤销许可。\n",
        rng.pick(PROSE),
        rng.pick(PROSE)
    );
    let _ = writeln!(plain, "\n[{form_title}](shenqingshu.docx)\n");
    plain.push_str(&body);
    let form = sample_form(rng, &form_title);
    Rec {
        folder: "permits",
        id: format!("permit-{i:04}"),
        title,
        date: Some(published),
        front,
        body,
        plain,
        attachments: vec![("shenqingshu.docx".to_string(), form)],
    }
}

fn consultation(rng: &mut Rng, seq: &mut Seq, i: usize, n: usize) -> Rec {
    let (index_no, _) = seq.next_index();
    let subject = rng.pick(CONSULT_SUBJECTS);
    let title = format!("制定《{COUNTY}{subject}》（第{i}号）");
    // Spread over 2026 up to the build day; the last few are open now. Every window closes
    // by mid-December (the calendar has no 2027 data).
    let opens = if i + 2 > n {
        today().plus(-(rng.range(0, 4)))
    } else {
        date_between(rng, Day::ymd(2026, 1, 12), today().plus(-30))
    }
    .weekday_on_or_after()
    .min(today());
    // A 重大行政决策 gets the 30 days the State Council regulation asks for (only where that
    // still closes before mid-December); the others 7–15 working days.
    let major = rng.chance(35) && opens.plus(30) < Day::ymd(2026, 12, 15);
    let decision_type = if major {
        "重大行政决策"
    } else {
        ["规范性文件", "其他"][rng.below(2)]
    };
    let window = if major { 30 } else { rng.range(7, 15) };
    let window_text = if major {
        "30日".to_string()
    } else {
        format!("{window}个工作日")
    };
    let mut front = String::new();
    common(&mut front, &title, Some(opens), &index_no, "劳动就业");
    kv(&mut front, "", "decision_type", decision_type);
    let _ = writeln!(front, "opens: \"{} 09:00\"", opens.iso());
    if major {
        let _ = writeln!(front, "window_days: {window}");
    } else {
        let _ = writeln!(front, "window_working_days: {window}");
    }
    let summary = format!(
        "为进一步规范相关工作，我局起草了《{COUNTY}{subject}（征求意见稿）》。\n\n{}",
        prose(rng, 3)
    );
    let basis = "- 《中华人民共和国就业促进法》\n- 《重大行政决策程序暂行条例》（国务院令第713号）\n- 《枝江县重大行政决策公众参与制度》";
    let reasons = prose(rng, 3);
    block(&mut front, "", "summary", &summary);
    block(&mut front, "", "basis", basis);
    block(&mut front, "", "reasons", &reasons);
    // Closed consultations have their outcome (a closed one without it for 30 days is
    // reported as overdue). They took opinions by mail and phone only: a concluded
    // consultation with a web form needs its opinion ledger (`participation.no-ledger`),
    // which a synthetic site has no receiver to export.
    let closed_long_ago = opens < today().plus(-25) && (!major || opens < today().plus(-45));
    let _ = writeln!(
        front,
        "channels:\n  form: {}\n  email: rsj@zhijiang.example.gov.cn\n  post: {COUNTY}城关镇民主大道88号 {BUREAU}（邮编443200）\n  phone: 0717-1234582",
        !closed_long_ago
    );
    kv(&mut front, "", "organizer", &format!("{BUREAU}政策法规股"));
    if closed_long_ago {
        let _ = writeln!(
            front,
            "outcome:\n  published: {}",
            opens.plus(rng.range(30, 40)).min(today().plus(-1)).iso()
        );
        block(
            &mut front,
            "  ",
            "decision",
            &format!("根据公众意见修改完善后，《{COUNTY}{subject}》已印发施行。"),
        );
        block(
            &mut front,
            "  ",
            "report",
            &format!(
                "征求意见期间共收到意见{}条，采纳{}条。未采纳的意见主要涉及上位法已有明确规定的事项。",
                rng.range(5, 90),
                rng.range(1, 5)
            ),
        );
    }
    let body = "欢迎社会各界提出意见和建议。提出意见时，请写明具体条款和修改理由。\n\n征求意见结束后，将在本页面公布意见采纳情况和公众参与情况报告。\n".to_string();
    let plain = format!(
        "- 决策类型：{decision_type}\n- 征集开始：{}\n- 期限：{window_text}\n\n## 基本情况\n\n{summary}\n\n## 决策依据\n\n{basis}\n\n## 理由\n\n{reasons}\n\n{body}",
        opens.zh()
    );
    Rec {
        folder: "consultations",
        id: format!("consult-{i:04}"),
        title,
        date: Some(opens),
        front,
        body,
        plain,
        attachments: Vec::new(),
    }
}

fn pages(rng: &mut Rng) -> Vec<Rec> {
    let about = format!(
        "## 基本情况\n\n{BUREAU}是{COUNTY}人民政府工作部门。{}\n\n## 主要职责\n\n1. {}\n2. {}\n3. {}\n\n各内设机构和下属单位的详细职责请见[机构职责](/duties/)栏目。\n",
        prose(rng, 2),
        rng.pick(DUTY_LINES),
        rng.pick(DUTY_LINES),
        rng.pick(DUTY_LINES)
    );
    let guide = format!(
        "## 一、主动公开\n\n{}\n\n## 二、依申请公开\n\n公民、法人或者其他组织可以向本局申请获取政府信息。{}\n",
        prose(rng, 2),
        prose(rng, 1)
    );
    let contact = format!(
        "## {BUREAU}\n\n- **地址：**{COUNTY}城关镇民主大道88号\n- **邮政编码：**443200\n- **办公室电话：**0717-4212345\n- **电子邮箱：**rsj@zhijiang.example.gov.cn\n\n人力资源社会保障政策咨询也可拨打服务热线 **12333**。\n"
    );
    [
        ("about", "机构概况", about),
        ("guide", "政府信息公开指南", guide),
        ("contact", "联系我们", contact),
    ]
    .into_iter()
    .enumerate()
    .map(|(n, (id, title, body))| Rec {
        folder: "pages",
        id: id.to_string(),
        title: title.to_string(),
        date: None,
        front: format!("title: {title}\norder: {}\nmenu: true\n", n + 1),
        plain: body.clone(),
        body,
        attachments: Vec::new(),
    })
    .collect()
}

/// Counts per kind for `n` records: ≈55% enforcement, ≈30% documents, the rest spread over
/// the other kinds (at least one of each).
fn spread(n: usize) -> [(&'static str, usize); 8] {
    let part = |pct: f64, min: usize| ((n as f64 * pct / 100.0).round() as usize).max(min);
    let duties = part(1.5, 1);
    let procedures = part(1.5, 1);
    let fees = part(1.0, 1);
    let permits = part(3.0, 1);
    let consultations = part(2.0, 1);
    let replies = part(6.0, 1);
    let documents = part(30.0, 1);
    let used = duties + procedures + fees + permits + consultations + replies + documents;
    let enforcement = n.saturating_sub(used).max(1);
    [
        ("duties", duties),
        ("procedures", procedures),
        ("fees", fees),
        ("permits", permits),
        ("consultations", consultations),
        ("replies", replies),
        ("documents", documents),
        ("enforcement", enforcement),
    ]
}

fn all_records(opts: &Options) -> Vec<Rec> {
    let mut rng = Rng::new(opts.seed);
    let mut seq = Seq {
        index: 0,
        case_no: BTreeMap::new(),
        doc_no: BTreeMap::new(),
    };
    let counts: BTreeMap<&str, usize> = spread(opts.records).into_iter().collect();
    let count = |k: &str| counts.get(k).copied().unwrap_or(0);
    let mut recs = pages(&mut rng);
    for (kind, n) in spread(opts.records) {
        for i in 1..=n {
            let r = match kind {
                "duties" => duty(&mut rng, &mut seq, i),
                "procedures" => procedure(&mut rng, &mut seq, i),
                "fees" => fee(&mut rng, &mut seq, i),
                "permits" => permit(&mut rng, &mut seq, i, count("procedures"), count("fees")),
                "consultations" => consultation(&mut rng, &mut seq, i, n),
                "replies" => reply(&mut rng, &mut seq, i, count("procedures")),
                "documents" => document(&mut rng, &mut seq, i),
                _ => enforcement(&mut rng, &mut seq, i),
            };
            recs.push(r);
        }
    }
    recs
}

const SITE_TOML: &str = r#"# 枝江县人力资源和社会保障局（gongshi 合成站点，由 examples/gen_site 生成，机构与数据均为虚构）
title = "枝江县人力资源和社会保障局"
base_url = "https://rsj.zhijiang.example.gov.cn/"
language = "zh-CN"
theme = "default"
timezone = "Asia/Shanghai"
description = "政务公开 · 行政执法公示 · 重大行政决策公众参与"
feedback_url = "/feedback"
page_size = 20

[organization]
name = "枝江县人力资源和社会保障局"
code = "ZJRSJ"
address = "枝江县民主大道88号"
postcode = "443200"
phone = "0717-4212345"
hotline = "12333"
email = "rsj@zhijiang.example.gov.cn"
hours = "工作日 上午8:30—12:00，下午14:30—17:30"

[records]
icp = "鄂ICP备00000000号-1"
public_security = "鄂公网安备 42058302000000号"
site_code = "4205830001"

[publicity]
decision_publish_working_days = 7
other_publish_working_days = 20
withdrawal_publish_days = 3
allowed_numbers = ["0717-4212345", "12333"]

[consultation.types."重大行政决策"]
min_working_days = 7

[consultation.types."规范性文件"]
min_working_days = 7

[consultation.types."规章"]
min_working_days = 7

[consultation.types."其他"]
min_working_days = 7
"#;

const HUGO_TOML: &str = r#"# The Markdown equivalent of a gongshi synthetic site (examples/gen_site --format markdown).
baseURL = "https://rsj.zhijiang.example.gov.cn/"
languageCode = "zh-CN"
title = "枝江县人力资源和社会保障局"
# gongshi has no taxonomies and (in the measured version) no feeds: same pages on both sides.
disableKinds = ["taxonomy", "term", "RSS"]
enableRobotsTXT = false

[pagination]
pagerSize = 20

[params]
description = "政务公开 · 行政执法公示 · 重大行政决策公众参与"
"#;

const HUGO_BASEOF: &str = r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} - {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="stylesheet" href="/site.css">
</head>
<body>
<header><a href="/">{{ site.Title }}</a><p>{{ site.Params.description }}</p></header>
<nav aria-label="主导航"><ul>
<li><a href="/">首页</a></li>
{{ range site.Sections }}<li><a href="{{ .RelPermalink }}"{{ if eq $.Section .Section }} aria-current="page"{{ end }}>{{ .Title }}</a></li>
{{ end }}</ul></nav>
<main>
{{ block "main" . }}{{ end }}
</main>
{{ partialCached "footer.html" . }}
</body>
</html>
"#;

/// The footer is the same on every page: rendered once (gongshi computes it once too).
const HUGO_FOOTER: &str = r#"<footer>
<ul>{{ range where site.RegularPages "Section" "" }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
<p>主办单位：{{ site.Title }} · 地址：枝江县民主大道88号 · 电话：0717-4212345 · 服务热线：12333</p>
<p>鄂ICP备00000000号-1 · 鄂公网安备 42058302000000号 · 网站标识码：4205830001</p>
</footer>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}
<nav class="breadcrumbs" aria-label="当前位置"><a href="/">首页</a>{{ with .Parent }}{{ if not .IsHome }} › <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }} › <span>{{ .Title }}</span></nav>
<article>
<h1>{{ .Title }}</h1>
{{ with .Date }}{{ if not .IsZero }}<p class="meta">发布日期：<time datetime="{{ .Format "2006-01-02" }}">{{ .Format "2006-01-02" }}</time></p>{{ end }}{{ end }}
{{ .Content }}
</article>
<nav class="prevnext">
{{ with .PrevInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
{{ end }}
"#;

/// Same pager as gongshi's list.html: first, last and ±3 pages around the current one.
const HUGO_LIST: &str = r#"{{ define "main" }}
<nav class="breadcrumbs" aria-label="当前位置"><a href="/">首页</a> › <span>{{ .Title }}</span></nav>
<h1>{{ .Title }}</h1>
<p class="count">共 {{ len .Pages }} 条</p>
{{ $p := .Paginate .Pages }}
<ul class="record-list">
{{ range $p.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006-01-02" }}</time>{{ with .Description }}<p class="list-summary">{{ . }}</p>{{ end }}</li>
{{ end }}</ul>
{{ if gt $p.TotalPages 1 }}<nav class="pager" aria-label="分页">
{{ with $p.Prev }}<a href="{{ .URL }}" rel="prev">上一页</a>{{ end }}
{{ $cur := $p.PageNumber }}{{ $last := $p.TotalPages }}
{{ $lo := cond (gt $cur 4) (sub $cur 3) 1 }}{{ $hi := cond (lt (add $cur 3) $last) (add $cur 3) $last }}
{{ if gt $lo 1 }}<a href="{{ $p.First.URL }}">1</a>{{ if gt $lo 2 }}<span class="gap" aria-hidden="true">…</span>{{ end }}{{ end }}
{{ range seq $lo $hi }}{{ if eq . $cur }}<span aria-current="page">{{ . }}</span>{{ else if eq . 1 }}<a href="{{ $p.First.URL }}">1</a>{{ else }}<a href="{{ $.RelPermalink }}page/{{ . }}/">{{ . }}</a>{{ end }}{{ end }}
{{ if lt $hi $last }}{{ if lt $hi (sub $last 1) }}<span class="gap" aria-hidden="true">…</span>{{ end }}<a href="{{ $p.Last.URL }}">{{ $last }}</a>{{ end }}
{{ with $p.Next }}<a href="{{ .URL }}" rel="next">下一页</a>{{ end }}
</nav>{{ end }}
{{ end }}
"#;

const HUGO_HOME: &str = r#"{{ define "main" }}
<h1>{{ site.Title }}</h1>
<section><h2>意见征集</h2><ul>{{ range first 6 (where site.RegularPages "Section" "consultations") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></section>
<section><h2>执法公示</h2><ul>{{ range first 6 (where site.RegularPages "Section" "enforcement") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul></section>
<section><h2>法规政策</h2><ul>{{ range first 8 (where site.RegularPages "Section" "documents") }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul></section>
<section><h2>信息公开目录</h2><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>（{{ len .Pages }}）</li>{{ end }}</ul></section>
{{ end }}
"#;

const SECTION_TITLES: &[(&str, &str)] = &[
    ("duties", "机构职责"),
    ("documents", "法规政策"),
    ("procedures", "办事流程"),
    ("fees", "收费项目"),
    ("permits", "行政许可"),
    ("consultations", "意见征集"),
    ("enforcement", "执法公示"),
    ("replies", "互动交流"),
];

// The Zola site (`--format zola`): the Hugo layouts above rewritten as Tera templates, so both
// peers render the same page structure from the same Markdown. Compared with the Hugo build at
// 1,000 and 10,000 records: the same index.html files and sitemap entries; what differs is
// - the order of pages with the same date (Hugo: by title, Zola: by path), in lists, at pager
//   and home-list cut-offs and in prev/next links;
// - Zola also writes a 404.html (Hugo has no 404 layout here), and its /page/1/ redirect pages
//   are shaped differently;
// - heading ids keep punctuation such as "、" (Hugo drops it);
// - links to a colocated attachment become absolute URLs (Zola rewrites them).

const ZOLA_BASE: &str = r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock title %}</title>
<meta name="description" content="{% block description %}{{ config.description }}{% endblock description %}">
<link rel="stylesheet" href="/site.css">
</head>
<body>
<header><a href="/">{{ config.title }}</a><p>{{ config.description }}</p></header>
<nav aria-label="主导航"><ul>
<li><a href="/">首页</a></li>
{% for s in config.extra.nav %}<li><a href="/{{ s }}/"{% if current_path is starting_with("/" ~ s ~ "/") %} aria-current="page"{% endif %}>{{ config.extra.section_titles[s] }}</a></li>
{% endfor %}</ul></nav>
<main>
{% block main %}{% endblock main %}
</main>
{% include "partials/footer.html" %}
</body>
</html>
"#;

/// Tera has no cached partial (Hugo's partialCached): the footer is rendered on every page.
const ZOLA_FOOTER: &str = r#"<footer>
<ul>{% for l in config.extra.footer_links %}<li><a href="{{ l.path | safe }}">{{ l.title }}</a></li>{% endfor %}</ul>
<p>主办单位：{{ config.title }} · 地址：枝江县民主大道88号 · 电话：0717-4212345 · 服务热线：12333</p>
<p>鄂ICP备00000000号-1 · 鄂公网安备 42058302000000号 · 网站标识码：4205830001</p>
</footer>
"#;

/// Hugo's `.PrevInSection` (rel="next", the older page) is Zola's `page.higher` (the next one in
/// the date-sorted list), `.NextInSection` is `page.lower`.
const ZOLA_PAGE: &str = r#"{% extends "base.html" %}
{% block title %}{{ page.title }} - {{ config.title }}{% endblock title %}
{% block description %}{% if page.description %}{{ page.description }}{% else %}{{ config.description }}{% endif %}{% endblock description %}
{% block main %}
{% set sec = page.components | first %}
<nav class="breadcrumbs" aria-label="当前位置"><a href="/">首页</a>{% if page.components | length > 1 %} › <a href="/{{ sec }}/">{{ config.extra.section_titles[sec] }}</a>{% endif %} › <span>{{ page.title }}</span></nav>
<article>
<h1>{{ page.title }}</h1>
{% if page.date %}<p class="meta">发布日期：<time datetime="{{ page.date | date(format="%Y-%m-%d") }}">{{ page.date | date(format="%Y-%m-%d") }}</time></p>{% endif %}
{{ page.content | safe }}
</article>
<nav class="prevnext">
{% if page.higher %}<a rel="next" href="{{ page.higher.path | safe }}">{{ page.higher.title }}</a>{% endif %}
{% if page.lower %}<a rel="prev" href="{{ page.lower.path | safe }}">{{ page.lower.title }}</a>{% endif %}
</nav>
{% endblock main %}
"#;

/// Same pager as gongshi's list.html and HUGO_LIST: first, last and ±3 pages around the current
/// one, with relative links like Hugo's (Zola's `paginator.previous` etc. are absolute URLs).
/// The section's own `pages` is empty when it is paginated: the count is `total_pages`.
const ZOLA_SECTION: &str = r#"{% extends "base.html" %}
{% block title %}{{ section.title }} - {{ config.title }}{% endblock title %}
{% block description %}{% if section.description %}{{ section.description }}{% else %}{{ config.description }}{% endif %}{% endblock description %}
{% block main %}
<nav class="breadcrumbs" aria-label="当前位置"><a href="/">首页</a> › <span>{{ section.title }}</span></nav>
<h1>{{ section.title }}</h1>
<p class="count">共 {{ paginator.total_pages }} 条</p>
<ul class="record-list">
{% for p in paginator.pages %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a> <time datetime="{{ p.date | date(format="%Y-%m-%d") }}">{{ p.date | date(format="%Y-%m-%d") }}</time>{% if p.description %}<p class="list-summary">{{ p.description }}</p>{% endif %}</li>
{% endfor %}</ul>
{% set base = section.path %}{% set cur = paginator.current_index %}{% set last = paginator.number_pagers %}
{% if last > 1 %}<nav class="pager" aria-label="分页">
{% if cur > 1 %}<a href="{{ base | safe }}{% if cur > 2 %}page/{{ cur - 1 }}/{% endif %}" rel="prev">上一页</a>{% endif %}
{% if cur > 4 %}{% set lo = cur - 3 %}{% else %}{% set lo = 1 %}{% endif %}{% if cur + 3 < last %}{% set hi = cur + 3 %}{% else %}{% set hi = last %}{% endif %}
{% if lo > 1 %}<a href="{{ base | safe }}">1</a>{% if lo > 2 %}<span class="gap" aria-hidden="true">…</span>{% endif %}{% endif %}
{% for i in range(start=lo, end=hi + 1) %}{% if i == cur %}<span aria-current="page">{{ i }}</span>{% elif i == 1 %}<a href="{{ base | safe }}">1</a>{% else %}<a href="{{ base | safe }}page/{{ i }}/">{{ i }}</a>{% endif %}{% endfor %}
{% if hi < last %}{% if hi < last - 1 %}<span class="gap" aria-hidden="true">…</span>{% endif %}<a href="{{ base | safe }}page/{{ last }}/">{{ last }}</a>{% endif %}
{% if cur < last %}<a href="{{ base | safe }}page/{{ cur + 1 }}/" rel="next">下一页</a>{% endif %}
</nav>{% endif %}
{% endblock main %}
"#;

/// The home page of the cheapest faithful Zola site (`--format zola`), as a Zola expert writes
/// it. Zola gives a section's page count only with its pages: `get_section(..,
/// metadata_only=true)` has an empty `pages` and no count. The count of every section comes
/// from a taxonomy that is not rendered (`section`, `render = false`, one term per section in
/// each page's front matter), whose `get_taxonomy_term(.., include_pages=false)` carries
/// `page_count` without serializing a page. Only the three sections whose latest items are
/// listed are fetched with their pages (there is no way to ask Zola for the first N pages of a
/// section only); the five others are never serialized.
const ZOLA_INDEX: &str = r#"{% extends "base.html" %}
{% block main %}
<h1>{{ config.title }}</h1>
{% set consultations = get_section(path="consultations/_index.md") %}{% set enforcement = get_section(path="enforcement/_index.md") %}{% set documents = get_section(path="documents/_index.md") %}
<section><h2>意见征集</h2><ul>{% for p in consultations.pages | slice(end=6) %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a></li>{% endfor %}</ul></section>
<section><h2>执法公示</h2><ul>{% for p in enforcement.pages | slice(end=6) %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a> {{ p.date | date(format="%Y-%m-%d") }}</li>{% endfor %}</ul></section>
<section><h2>法规政策</h2><ul>{% for p in documents.pages | slice(end=8) %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a> {{ p.date | date(format="%Y-%m-%d") }}</li>{% endfor %}</ul></section>
<section><h2>信息公开目录</h2><ul>{% for s in config.extra.nav %}{% set term = get_taxonomy_term(kind="section", term=s, include_pages=false) %}<li><a href="/{{ s }}/">{{ config.extra.section_titles[s] }}</a>（{{ term.page_count }}）</li>{% endfor %}</ul></section>
{% endblock main %}
"#;

/// The home page of the first Zola site (`--format zola-get-section`, kept to compare): every
/// section fetched with `get_section`, which hands the template every page of the section,
/// serialized, for its count and latest items (each section once, in one pass). At 10k records,
/// with a home page without these lists, the build took ~2 s less and ~600 MB less peak memory
/// (2-core machine).
const ZOLA_INDEX_GET_SECTION: &str = r#"{% extends "base.html" %}
{% block main %}
<h1>{{ config.title }}</h1>
{% set_global counts = [] %}{% for s in config.extra.nav %}{% set sec = get_section(path=s ~ "/_index.md") %}{% set_global counts = counts | concat(with=sec.pages | length) %}{% if s == "consultations" %}{% set_global consultations = sec.pages | slice(end=6) %}{% elif s == "enforcement" %}{% set_global enforcement = sec.pages | slice(end=6) %}{% elif s == "documents" %}{% set_global documents = sec.pages | slice(end=8) %}{% endif %}{% endfor %}
<section><h2>意见征集</h2><ul>{% for p in consultations %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a></li>{% endfor %}</ul></section>
<section><h2>执法公示</h2><ul>{% for p in enforcement %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a> {{ p.date | date(format="%Y-%m-%d") }}</li>{% endfor %}</ul></section>
<section><h2>法规政策</h2><ul>{% for p in documents %}<li><a href="{{ p.path | safe }}">{{ p.title }}</a> {{ p.date | date(format="%Y-%m-%d") }}</li>{% endfor %}</ul></section>
<section><h2>信息公开目录</h2><ul>{% for s in config.extra.nav %}<li><a href="/{{ s }}/">{{ config.extra.section_titles[s] }}</a>（{{ counts | nth(n=loop.index0) }}）</li>{% endfor %}</ul></section>
{% endblock main %}
"#;

/// A TOML basic string (quoted, escaped).
fn toml_str(s: &str) -> String {
    let mut q = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => q.push_str("\\r"),
            '\t' => q.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(q, "\\u{:04X}", c as u32);
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

/// `config.toml` of the Zola site. The navigation is written out in Hugo's order for
/// `site.Sections` (the section with the latest page first, ties by title) and the footer links
/// in Hugo's order for the undated free pages (by title), so both sites show the same lists.
fn zola_config(recs: &[Rec], format: Format) -> String {
    let mut latest: BTreeMap<&str, Day> = BTreeMap::new();
    for r in recs {
        if let Some(d) = r.date {
            let e = latest.entry(r.folder).or_insert(d);
            *e = (*e).max(d);
        }
    }
    let mut nav: Vec<(&str, &str)> = SECTION_TITLES.to_vec();
    nav.sort_by(|a, b| {
        latest
            .get(b.0)
            .cmp(&latest.get(a.0))
            .then_with(|| a.1.cmp(b.1))
    });
    let mut free: Vec<&Rec> = recs.iter().filter(|r| r.folder == "pages").collect();
    free.sort_by(|a, b| a.title.cmp(&b.title));

    let mut c = String::from(
        r#"# The Zola equivalent of a gongshi synthetic site (examples/gen_site --format zola).
base_url = "https://rsj.zhijiang.example.gov.cn/"
title = "枝江县人力资源和社会保障局"
description = "政务公开 · 行政执法公示 · 重大行政决策公众参与"
# gongshi has no taxonomy pages, search index or (in the measured version) feeds, Hugo's site
# has neither feeds nor robots.txt: same pages on all sides.
compile_sass = false
build_search_index = false
generate_feeds = false
generate_robots_txt = false
generate_sitemap = true
# Hugo's sitemap has no pager pages (/page/N/); Zola's has them unless told otherwise.
exclude_paginated_pages_in_sitemap = "all"
"#,
    );
    if format == Format::Zola {
        c.push_str(
            r#"# The home page's counts: one term per section, no taxonomy page (not in the sitemap).
taxonomies = [{ name = "section", render = false }]
"#,
        );
    }
    c.push_str(
        r#"

[slugify]
# Heading ids in the page's own script, like Hugo's (the default transliterates to ASCII).
anchors = "safe"

[extra]
# Main navigation (section folders), in Hugo's site.Sections order.
nav = ["#,
    );
    let names: Vec<String> = nav.iter().map(|(k, _)| toml_str(k)).collect();
    c.push_str(&names.join(", "));
    c.push_str("]\n# The free pages at the content root.\nfooter_links = [\n");
    for r in free {
        let _ = writeln!(
            c,
            "  {{ path = {}, title = {} }},",
            toml_str(&format!("/{}/", r.id)),
            toml_str(&r.title)
        );
    }
    c.push_str("]\n\n[extra.section_titles]\n");
    for (k, t) in SECTION_TITLES {
        let _ = writeln!(c, "{k} = {}", toml_str(t));
    }
    c
}

/// A record's page in the Hugo and Zola sites (`text`: front matter and body): a free page at
/// the content root; a record with attachments as a folder holding its `index.md` and them
/// (Hugo's leaf bundle, Zola's colocated assets: both copy them beside the page); any other
/// as a file of its section.
fn put_markdown_page(out: &mut BTreeMap<String, Vec<u8>>, r: Rec, text: String) {
    if r.folder == "pages" {
        out.insert(format!("content/{}.md", r.id), text.into_bytes());
    } else if r.attachments.is_empty() {
        out.insert(
            format!("content/{}/{}.md", r.folder, r.id),
            text.into_bytes(),
        );
    } else {
        out.insert(
            format!("content/{}/{}/index.md", r.folder, r.id),
            text.into_bytes(),
        );
        for (name, bytes) in r.attachments {
            out.insert(format!("content/{}/{}/{name}", r.folder, r.id), bytes);
        }
    }
}

/// All files of the site, relative path → bytes, in a stable order.
pub fn files(opts: &Options) -> BTreeMap<String, Vec<u8>> {
    let recs = all_records(opts);
    let mut out = BTreeMap::new();
    match opts.format {
        Format::Gongshi => {
            out.insert("site.toml".to_string(), SITE_TOML.as_bytes().to_vec());
            for r in recs {
                let text = if r.body.is_empty() {
                    r.front.clone()
                } else {
                    format!("---\n{}---\n\n{}", r.front, r.body)
                };
                // Records without a body are pure YAML, like part of the example site.
                let ext = if r.body.is_empty() { "yaml" } else { "md" };
                if r.attachments.is_empty() {
                    out.insert(
                        format!("content/{}/{}.{ext}", r.folder, r.id),
                        text.into_bytes(),
                    );
                } else {
                    out.insert(
                        format!("content/{}/{}/index.{ext}", r.folder, r.id),
                        text.into_bytes(),
                    );
                    for (name, bytes) in r.attachments {
                        out.insert(format!("content/{}/{}/{name}", r.folder, r.id), bytes);
                    }
                }
            }
        }
        Format::Markdown => {
            out.insert("hugo.toml".to_string(), HUGO_TOML.as_bytes().to_vec());
            out.insert(
                "layouts/baseof.html".to_string(),
                HUGO_BASEOF.as_bytes().to_vec(),
            );
            out.insert(
                "layouts/single.html".to_string(),
                HUGO_SINGLE.as_bytes().to_vec(),
            );
            out.insert(
                "layouts/list.html".to_string(),
                HUGO_LIST.as_bytes().to_vec(),
            );
            out.insert(
                "layouts/home.html".to_string(),
                HUGO_HOME.as_bytes().to_vec(),
            );
            out.insert(
                "layouts/_partials/footer.html".to_string(),
                HUGO_FOOTER.as_bytes().to_vec(),
            );
            for (section, title) in SECTION_TITLES {
                out.insert(
                    format!("content/{section}/_index.md"),
                    format!("---\ntitle: {title}\n---\n").into_bytes(),
                );
            }
            for r in recs {
                let mut front = format!("---\ntitle: {}\n", scalar(&r.title));
                if let Some(d) = r.date {
                    let _ = writeln!(front, "date: {}", d.iso());
                }
                front.push_str("---\n\n");
                front.push_str(&r.plain);
                put_markdown_page(&mut out, r, front);
            }
        }
        Format::Zola | Format::ZolaGetSection => {
            let format = opts.format;
            out.insert(
                "config.toml".to_string(),
                zola_config(&recs, format).into_bytes(),
            );
            let index = if format == Format::Zola {
                ZOLA_INDEX
            } else {
                ZOLA_INDEX_GET_SECTION
            };
            for (name, text) in [
                ("base.html", ZOLA_BASE),
                ("page.html", ZOLA_PAGE),
                ("section.html", ZOLA_SECTION),
                ("index.html", index),
                ("partials/footer.html", ZOLA_FOOTER),
            ] {
                out.insert(format!("templates/{name}"), text.as_bytes().to_vec());
            }
            // The root is not sorted by date: Zola 0.22 neither lists nor renders the pages of a
            // date-sorted section that have no date ("ignored"), and the three free pages at the
            // content root have none (in Hugo they are undated too). By title in byte (= code
            // point) order, as Hugo orders undated pages, so their prev/next links are Hugo's.
            out.insert(
                "content/_index.md".to_string(),
                format!(
                    "+++\ntitle = {}\nsort_by = \"title_bytes\"\n+++\n",
                    toml_str("枝江县人力资源和社会保障局")
                )
                .into_bytes(),
            );
            for (section, title) in SECTION_TITLES {
                out.insert(
                    format!("content/{section}/_index.md"),
                    format!(
                        "+++\ntitle = {}\nsort_by = \"date\"\npaginate_by = 20\n+++\n",
                        toml_str(title)
                    )
                    .into_bytes(),
                );
            }
            for r in recs {
                let mut text = format!("+++\ntitle = {}\n", toml_str(&r.title));
                if let Some(d) = r.date {
                    let _ = writeln!(text, "date = {}", d.iso());
                }
                if format == Format::Zola && r.folder != "pages" {
                    let _ = write!(text, "[taxonomies]\nsection = [{}]\n", toml_str(r.folder));
                }
                text.push_str("+++\n\n");
                text.push_str(&r.plain);
                put_markdown_page(&mut out, r, text);
            }
        }
    }
    out
}

/// Generate the site into `out` (created; existing files with the same names are replaced).
pub fn generate(opts: &Options, out: &Path) -> io::Result<Summary> {
    let files = files(opts);
    let mut summary = Summary::default();
    for (rel, bytes) in &files {
        let path = out.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
        summary.files += 1;
        summary.bytes += bytes.len() as u64;
        if let Some(folder) = rel
            .strip_prefix("content/")
            .and_then(|r| r.split('/').next())
        {
            let is_record = rel.ends_with(".md") || rel.ends_with(".yaml");
            if is_record && !rel.ends_with("_index.md") {
                let key = if folder.ends_with(".md") {
                    "pages"
                } else {
                    folder
                };
                *summary.per_kind.entry(key.to_string()).or_insert(0) += 1;
            }
        }
    }
    Ok(summary)
}
