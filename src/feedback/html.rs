//! The receiver's own pages (zh-CN). Every dynamic value goes through `esc`.

use super::directory::{Directory, LedgerStatus};
use super::model::Kind;
use super::store::ReceiptStatus;

/// HTML escaping shared with the templates.
pub(super) use crate::render::escape_html as esc;

pub(super) const STYLE: &str = "body{font:18px/1.7 system-ui,\"Microsoft YaHei\",\"PingFang SC\",sans-serif;margin:0;color:#1a1a1a;background:#f6f6f4}
header{background:#9e1b1b;color:#fff;padding:.6em 1em}header p{margin:0;font-weight:bold}
main{max-width:44em;margin:1.5em auto;padding:0 1em}
h1{font-size:1.5em;margin:.4em 0}
.panel{background:#fff;border:3px solid #9e1b1b;border-radius:6px;padding:1em 1.2em;margin:1em 0}
.receipt{font:bold 1.5em/1.3 ui-monospace,Consolas,monospace;white-space:nowrap}.print-only{display:none}
.hash{font-family:ui-monospace,Consolas,monospace;font-size:.85em;word-break:break-all}
.error{border-color:#b35c00}
.ok{border-color:#1d6b32}.alarm{border-color:#b00020;background:#fff4f4}
form.report label{display:block;font-weight:bold;margin-top:.6em}form.report input[type=text]{width:100%;font:inherit}
form.report button{margin-top:.8em;font:inherit;padding:.3em 1.2em}
textarea{width:100%;min-height:8em;font:inherit}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1em}dt{font-weight:bold}dd{margin:0}
a{color:#0b4f9c}footer{max-width:44em;margin:2em auto;padding:0 1em;color:#555;font-size:.9em}
";

/// The site's frame around the receiver's pages: the theme's `receipt.html` (header,
/// navigation, footer, the site stylesheet) rendered when the site is loaded, split where the
/// page's body goes. The page title stands where [`TITLE_MARK`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    before: String,
    after: String,
}

/// Stands for the page title in the rendered frame (plain ASCII: escaping leaves it alone).
pub(crate) const TITLE_MARK: &str = "GONGSHI-RECEIVER-TITLE";
/// Where the body goes in the rendered frame.
pub(crate) const BODY_MARK: &str = "<!--gongshi:receiver-body-->";

impl Frame {
    /// Split a rendered frame at [`BODY_MARK`]; `None` when the theme left it out.
    pub fn split(html: &str) -> Option<Frame> {
        let (before, after) = html.split_once(BODY_MARK)?;
        Some(Frame {
            before: before.to_string(),
            after: after.to_string(),
        })
    }
}

/// What the receiver's pages are framed with: the site's title, and its frame when the site
/// could be rendered (otherwise a plain page with the receiver's own small stylesheet).
pub(super) struct SiteFrame {
    title: String,
    frame: Option<std::sync::Arc<Frame>>,
    tz: jiff::tz::TimeZone,
}

impl SiteFrame {
    pub(super) fn of(dir: &dyn Directory) -> SiteFrame {
        SiteFrame {
            title: dir.site_title(),
            frame: dir.frame(),
            tz: dir.time_zone(),
        }
    }
}

pub(super) fn page(site: &SiteFrame, title: &str, body: &str) -> String {
    if let Some(f) = &site.frame {
        let t = esc(title);
        let mut out = f.before.replace(TITLE_MARK, &t);
        out.push_str("<div class=\"receiver-page\">\n");
        out.push_str(body);
        out.push_str("</div>\n");
        out.push_str(&f.after.replace(TITLE_MARK, &t));
        return out;
    }
    let site = site.title.as_str();
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta name=\"robots\" content=\"noindex\">\n\
<title>{t} - {s}</title>\n<link rel=\"stylesheet\" href=\"/feedback/style.css\">\n</head>\n\
<body>\n<header><p>{s}</p></header>\n<main>\n{body}\n</main>\n\
<footer><p>本页由意见接收服务生成。如有疑问，请通过网站公布的联系电话咨询。</p></footer>\n\
</body>\n</html>\n",
        t = esc(title),
        s = esc(site),
    )
}

/// A refusal page. `echo` gives back what the person typed (escaped) so it is not lost.
pub(super) fn error_page(
    site: &SiteFrame,
    heading: &str,
    message: &str,
    echo: Option<(&str, &str)>,
) -> String {
    let mut body = format!(
        "<h1>{}</h1>\n<div class=\"panel error\" role=\"alert\"><p>{}</p></div>\n",
        esc(heading),
        esc(message)
    );
    if let Some((label, text)) = echo {
        body.push_str(&format!(
            "<p><label for=\"echo\">您填写的{}如下，可复制保存后返回重新提交：</label></p>\n<textarea id=\"echo\" readonly>{}</textarea>\n",
            esc(label),
            esc(text)
        ));
    }
    body.push_str(
        "<p>您的内容<strong>未被保存</strong>。请使用浏览器的“后退”返回表单修改后再提交。</p>\n",
    );
    page(site, heading, &body)
}

/// Where a comment's receipt stands against the consultation's published ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum LedgerCheck {
    /// Not a comment, or the site's ledger cannot be read.
    Unknown,
    /// In the ledger with the receipt's hash: line `seq` of `count`.
    Listed { seq: u64, count: u64 },
    /// In the ledger, but with another hash: report it.
    HashDiffers { ledger_hash: String },
    /// Not (yet) in the ledger, and nothing is wrong: the consultation is not concluded and
    /// the entry was not exported.
    NotYet,
    /// Not in the ledger although it should be: exported already, or the outcome published.
    Missing { why: String },
}

impl LedgerCheck {
    /// A short word for the JSON answer.
    pub(super) fn code(&self) -> &'static str {
        match self {
            LedgerCheck::Unknown => "unknown",
            LedgerCheck::Listed { .. } => "listed",
            LedgerCheck::HashDiffers { .. } => "hash-differs",
            LedgerCheck::NotYet => "not-yet",
            LedgerCheck::Missing { .. } => "missing",
        }
    }
    fn alarm(&self) -> bool {
        matches!(
            self,
            LedgerCheck::HashDiffers { .. } | LedgerCheck::Missing { .. }
        )
    }
}

/// Looks the receipt up in the consultation's ledger in the site's content (what the build
/// publishes).
pub(super) fn ledger_check(dir: &dyn Directory, st: &ReceiptStatus) -> LedgerCheck {
    let (Kind::Comment, Some(c)) = (st.kind, st.consultation.as_deref()) else {
        return LedgerCheck::Unknown;
    };
    let concluded = dir
        .concluded()
        .is_some_and(|list| list.iter().any(|x| x == c));
    match dir.ledger_status(c, &st.receipt) {
        LedgerStatus::Unknown => LedgerCheck::Unknown,
        LedgerStatus::Listed { hash, seq, count } => {
            if hash == st.hash {
                LedgerCheck::Listed { seq, count }
            } else {
                LedgerCheck::HashDiffers { ledger_hash: hash }
            }
        }
        LedgerStatus::Missing { count } => {
            if let Some(at) = &st.exported_at {
                LedgerCheck::Missing {
                    why: format!(
                        "本意见已于 {at} 登记入意见台账，但网站的意见台账（共 {count} 条）中没有这个回执。"
                    ),
                }
            } else if concluded {
                LedgerCheck::Missing {
                    why: format!("征集结果已经公布，但意见台账（共 {count} 条）中没有这个回执。"),
                }
            } else {
                LedgerCheck::NotYet
            }
        }
    }
}

/// The 我要纠错 form, prefilled with the receipt number (posted to this receiver; no
/// JavaScript needed).
fn report_form(st: &ReceiptStatus, why: &str) -> String {
    let description = format!(
        "回执编号 {}（校验码 {}，收到时间 {}）：{}请核实我的意见是否被完整收录。",
        st.receipt, st.hash, st.received, why
    );
    let mut token = [0u8; 16];
    let _ = getrandom::fill(&mut token);
    let token: String = token.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        r#"<h2>请告诉我们</h2>
<p>您的意见没有出现在公布的意见台账中，或者校验码不一致。请提交下面的纠错报告（已填好回执编号），我们会核实并答复；也可以带上回执编号，通过网站公布的电话或信箱反映。</p>
<form class="report" method="post" action="/feedback/correction" accept-charset="utf-8">
<input type="hidden" name="page" value="/receipt/{r}">
<input type="hidden" name="token" value="{token}">
<label for="description">问题描述</label>
<textarea id="description" name="description" required>{d}</textarea>
<label for="name">姓名（选填，不公开）</label>
<input id="name" name="name" type="text" maxlength="100">
<label for="contact">联系方式（选填，用于答复，不公开）</label>
<input id="contact" name="contact" type="text" maxlength="200">
<button type="submit">提交纠错报告</button>
</form>
"#,
        r = esc(&st.receipt),
        d = esc(&description),
    )
}

/// `2026年11月25日 10:00` for an RFC 3339 instant, in the site's time zone; the text as
/// stored when it does not parse.
fn date_zh(at: &str, tz: &jiff::tz::TimeZone) -> String {
    match at.parse::<jiff::Timestamp>() {
        Ok(t) => {
            let z = t.to_zoned_datetime(tz.clone());
            format!(
                "{}年{}月{}日 {:02}:{:02}",
                z.year(),
                z.month(),
                z.day(),
                z.hour(),
                z.minute()
            )
        }
        Err(_) => at.to_string(),
    }
}

/// The short check code shown in running text: the hash's first 8 characters, as the
/// participation report shows it (the full hash is behind a disclosure and in the ledger).
pub(super) fn short_code(hash: &str) -> String {
    hash.chars().take(8).collect()
}

/// The consultation a receipt belongs to: its title and the address of its page.
pub(super) struct Back<'a> {
    pub title: &'a str,
    pub url: Option<&'a str>,
}

pub(super) fn receipt_page(
    site: &SiteFrame,
    st: &ReceiptStatus,
    consultation: Option<Back>,
    new: bool,
    check: &LedgerCheck,
) -> String {
    let mut body = String::new();
    if new {
        body.push_str("<h1>提交成功</h1>\n<p>您的");
        body.push_str(st.kind.label_zh());
        body.push_str("已经保存。请记下回执编号，以便日后查询。</p>\n");
    } else {
        body.push_str("<h1>回执查询</h1>\n");
    }
    body.push_str(&format!(
        "<div class=\"panel receipt-panel\">\n<p class=\"receipt-label\">回执编号</p>\n\
<p class=\"receipt\" id=\"receipt-no\">{r}</p>\n\
<p class=\"receipt-code\">校验码 <strong class=\"nowrap\" id=\"receipt-code\">{c}</strong></p>\n\
<details class=\"receipt-hash\"><summary>完整校验码（哈希值）</summary>\n\
<p class=\"hash\" id=\"receipt-hash\">{h}</p></details>\n\
<p class=\"print-only hash\">完整校验码：{h}</p>\n</div>\n",
        r = esc(&st.receipt),
        c = esc(&short_code(&st.hash)),
        h = esc(&st.hash)
    ));
    body.push_str(
        "<div class=\"receipt-save\">\n\
<button type=\"button\" class=\"button js-only\" data-print>打印/保存回执</button>\n\
<p class=\"hint\">保存回执：用浏览器菜单中的“打印”（电脑上按 Ctrl+P），可选“另存为PDF”；手机上可截屏保存。</p>\n</div>\n<dl class=\"kv receipt-facts\">\n",
    );
    body.push_str(&format!(
        "<dt>类型</dt><dd>{}</dd>\n",
        esc(st.kind.label_zh())
    ));
    if let Some(c) = &st.consultation {
        let title = consultation.as_ref().map_or(c.as_str(), |b| b.title);
        match consultation.as_ref().and_then(|b| b.url) {
            Some(u) => body.push_str(&format!(
                "<dt>征集事项</dt><dd><a href=\"{}\">{}</a></dd>\n",
                esc(u),
                esc(title)
            )),
            None => body.push_str(&format!("<dt>征集事项</dt><dd>{}</dd>\n", esc(title))),
        }
    }
    body.push_str(&format!(
        "<dt>收到时间</dt><dd><time datetime=\"{}\">{}</time></dd>\n",
        esc(&st.received),
        esc(&date_zh(&st.received, &site.tz))
    ));
    let status = match (&st.exported_at, st.kind) {
        (Some(_), Kind::Comment) => "已登记入意见台账，待公布处理结果",
        (None, Kind::Comment) => "已收到，待征集结束后统一研究处理",
        (_, Kind::Correction) => "已收到，工作人员将核实并更正",
        (_, Kind::Message) => "已收到，工作人员将按规定办理",
    };
    body.push_str(&format!("<dt>状态</dt><dd>{}</dd>\n", esc(status)));
    if st.kind == Kind::Comment {
        body.push_str(&format!(
            "<dt>链上位置</dt><dd>第 {n} 条：收到时本事项的意见链共 {n} 条，末条校验码即上面的校验码</dd>\n",
            n = st.seq
        ));
    }
    body.push_str("</dl>\n");
    match check {
        LedgerCheck::Listed { seq, count } => body.push_str(&format!(
            "<div class=\"panel ok\" id=\"ledger-check\"><p>核对结果：本回执已列入公布的意见台账（第 {seq} 条，共 {count} 条），校验码一致。</p></div>\n"
        )),
        LedgerCheck::NotYet => body.push_str(
            "<div class=\"panel\" id=\"ledger-check\"><p>核对结果：本回执尚未列入公布的意见台账。意见在征集期间逐日登记，征集结束后全部公布；届时可再来核对。</p></div>\n",
        ),
        LedgerCheck::HashDiffers { ledger_hash } => body.push_str(&format!(
            "<div class=\"panel alarm\" id=\"ledger-check\" role=\"alert\"><p>核对结果：公布的意见台账中这个回执的校验码为 <span class=\"hash\">{}</span>，与您的回执不一致。</p></div>\n",
            esc(ledger_hash)
        )),
        LedgerCheck::Missing { why } => body.push_str(&format!(
            "<div class=\"panel alarm\" id=\"ledger-check\" role=\"alert\"><p>核对结果：{}</p></div>\n",
            esc(why)
        )),
        LedgerCheck::Unknown => {}
    }
    if check.alarm() {
        let why = match check {
            LedgerCheck::Missing { why } => why.clone(),
            _ => "公布的意见台账中的校验码与回执不一致。".to_string(),
        };
        body.push_str(&report_form(st, &why));
    }
    if new {
        body.push_str("<h2>接下来</h2>\n<ul>\n");
        match st.kind {
            Kind::Comment => body.push_str(
                "<li>征集期结束后，我们将逐条研究每一条意见，并在网站公布《公众参与情况报告》，列出每个回执编号的采纳情况和理由。</li>\n\
<li>报告页面提供“回执核对”功能：输入回执编号和上面的校验码，即可确认您的意见已被完整收录、未被改动。</li>\n\
<li>您的姓名、单位和联系方式不会公开。</li>\n",
            ),
            Kind::Correction => body.push_str(
                "<li>工作人员将核实您指出的问题，确认后及时更正页面。</li>\n<li>如您留了联系方式，我们可能与您联系核实。</li>\n",
            ),
            Kind::Message => body.push_str(
                "<li>工作人员将按规定办理，答复可能以留言答复的形式公布（不含个人信息）。</li>\n<li>如您留了联系方式，我们可能与您联系。</li>\n",
            ),
        }
        body.push_str("</ul>\n");
    }
    body.push_str(&format!(
        "<p>本页地址可随时打开查询：<a class=\"nowrap\" href=\"/receipt/{r}\">/receipt/{r}</a></p>\n",
        r = esc(&st.receipt)
    ));
    match consultation
        .as_ref()
        .and_then(|b| b.url.map(|u| (u, b.title)))
    {
        Some((u, t)) => body.push_str(&format!(
            "<p class=\"receipt-back\"><a href=\"{}\">返回征集页面：{}</a></p>\n",
            esc(u),
            esc(t)
        )),
        None => body.push_str("<p class=\"receipt-back\"><a href=\"/\">返回网站首页</a></p>\n"),
    }
    page(site, if new { "提交成功" } else { "回执查询" }, &body)
}

/// A query in a URL (`q=` value): percent-encoded UTF-8.
fn url_q(q: &str) -> String {
    percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The search without scripts (`GET /feedback/search?q=&p=`): the query kept in the box, the
/// records holding every word, [`super::search::PAGE`] a page, inside the site frame.
pub(super) fn search_page(
    site: &SiteFrame,
    list: Option<&super::search::SearchList>,
    q: &str,
    page_no: usize,
) -> String {
    use super::search::PAGE;
    let prefix = list.map(|l| l.prefix()).unwrap_or("");
    let mut b = String::from("<h1>站内搜索</h1>\n");
    b.push_str(&format!(
        "<form action=\"search\" method=\"get\" role=\"search\" class=\"search-page-form\" data-static-action=\"{p}/search/\">\n\
<label for=\"search-q\">搜索关键词</label>\n\
<p class=\"hint\" id=\"search-hint\">可输入要办的事（如 社保卡怎么领、失业金）、文件标题、文号（如 枝人社发〔2026〕12号）或索引号。</p>\n\
<input id=\"search-q\" name=\"q\" type=\"search\" value=\"{q}\" aria-describedby=\"search-hint\">\n\
<button type=\"submit\" class=\"button\">搜索</button>\n</form>\n",
        p = esc(prefix),
        q = esc(q),
    ));
    let answer = list.map(|l| l.query(q));
    let quoted = |ws: &[String]| {
        ws.iter()
            .map(|w| format!("“{}”", esc(w)))
            .collect::<Vec<_>>()
            .join("")
    };
    match &answer {
        None => b.push_str(
            "<p id=\"search-status\" role=\"status\">搜索暂时无法使用，请通过下面的信息公开目录、网站地图查找。</p>\n",
        ),
        Some(a) if a.words.is_empty() => {
            b.push_str("<p id=\"search-status\" role=\"status\">请输入关键词。</p>\n")
        }
        Some(a) if a.hits.is_empty() => b.push_str(&format!(
            "<p id=\"search-status\" role=\"status\">没有找到同时含有{}的信息。建议：检查错别字，换用更短或更少的关键词；文号、案号可只输入年份和序号，如“2026 17”；也可浏览下面的信息公开目录、网站地图。</p>\n",
            quoted(&a.words)
        )),
        Some(a) => {
            let pages = a.hits.len().div_ceil(PAGE);
            let page_no = page_no.clamp(1, pages);
            let first = (page_no - 1) * PAGE;
            b.push_str(&format!(
                "<p id=\"search-status\" role=\"status\">找到 {} 条同时含有{}的信息{}。</p>\n",
                a.hits.len(),
                quoted(&a.words),
                if pages > 1 {
                    format!("，这是第 {page_no} 页（共 {pages} 页）")
                } else {
                    String::new()
                }
            ));
            b.push_str(&format!(
                "<ol class=\"search-results\" start=\"{}\">\n",
                first + 1
            ));
            for h in a.hits.iter().skip(first).take(PAGE) {
                b.push_str(&format!(
                    "<li class=\"search-result\"><h2 class=\"search-result-title\"><a href=\"{}\">{}</a></h2>\
<p class=\"search-result-info\"><span class=\"search-result-kind\">{} </span><time datetime=\"{d}\">{d}</time></p>",
                    esc(h.url),
                    esc(h.title),
                    esc(h.label),
                    d = esc(h.date),
                ));
                if !h.meta.is_empty() {
                    b.push_str(&format!(
                        "<p class=\"search-result-meta\">{}</p>",
                        esc(&h.meta.join("　"))
                    ));
                }
                b.push_str("</li>\n");
            }
            b.push_str("</ol>\n");
            if pages > 1 {
                b.push_str("<nav class=\"pager\" aria-label=\"分页\">");
                let link = |n: usize| format!("search?q={}&amp;p={n}", url_q(q));
                if page_no > 1 {
                    b.push_str(&format!(
                        "<a href=\"{}\" rel=\"prev\">上一页</a>",
                        link(page_no - 1)
                    ));
                }
                b.push_str(&format!(
                    "<span aria-current=\"page\">{page_no}</span>"
                ));
                if page_no < pages {
                    b.push_str(&format!(
                        "<a href=\"{}\" rel=\"next\">下一页</a>",
                        link(page_no + 1)
                    ));
                }
                b.push_str("</nav>\n");
            }
        }
    }
    b.push_str(&format!(
        "<p class=\"search-note\">这是不需要浏览器运行脚本的简易搜索：只列出同时含有全部关键词的信息，标题中含有关键词的排在前面，其余按发布日期从新到旧排列。浏览器允许本网站运行脚本时，<a href=\"{p}/search/?q={u}\">站内搜索</a>还能按相关程度排序，并列出只含部分关键词的结果。</p>\n\
<div id=\"search-fallback\"><p>您也可以通过以下方式查找信息：</p>\n<ul>\n\
<li><a href=\"{p}/catalog/\">信息公开目录</a>：按索引号、文号、发布日期、主题分类浏览全部信息</li>\n\
<li><a href=\"{p}/sitemap/\">网站地图</a>：按栏目列出全部信息</li>\n</ul></div>\n",
        p = esc(prefix),
        u = url_q(q),
    ));
    page(site, "站内搜索", &b)
}
