//! The citizen's site (issue 20): the receipt inside the site frame, its error page, and
//! what the example site shows a visitor.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::ledger_common::*;

#[test]
fn the_receipt_page_is_inside_the_site_frame_with_a_chinese_date_and_a_short_code() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    let (no, hash) = accepted(r.addr, "open-one", "建议提高补贴标准。");
    let (status, html) = http(r.addr, "GET", &format!("/receipt/{no}?new=1"), &[], false);
    assert_eq!(status, 200, "{html}");
    // The site frame: header, navigation, footer, the site's stylesheet and script.
    for part in [
        "class=\"masthead\"",
        "class=\"mainnav\"",
        "class=\"site-footer\"",
        "/static/site.css",
        "/static/site.js",
        "<title>提交成功 - ",
        "<meta name=\"robots\" content=\"noindex\">",
    ] {
        assert!(html.contains(part), "no {part}: {html}");
    }
    assert!(!html.contains("/feedback/style.css"), "{html}");
    // A Chinese date, not RFC 3339 in running text.
    let received = html
        .split("<time datetime=\"")
        .nth(1)
        .and_then(|s| s.split_once("\">"))
        .map(|(iso, rest)| (iso.to_string(), rest.split('<').next().unwrap().to_string()))
        .unwrap();
    assert!(received.0.contains('T'), "{received:?}");
    assert!(
        received.1.contains('年') && received.1.contains('日') && !received.1.contains('T'),
        "{received:?}"
    );
    // The short code in the text; the full hash behind a disclosure (and on paper).
    let short = &hash[..8];
    assert!(
        html.contains(&format!("id=\"receipt-code\">{short}<")),
        "{html}"
    );
    let visible_hash = html.matches(hash.as_str()).count();
    assert_eq!(
        visible_hash, 2,
        "the full hash: in the disclosure and the print line"
    );
    assert!(
        html.contains(&format!(
            "<details class=\"receipt-hash\"><summary>完整校验码（哈希值）</summary>\n<p class=\"hash\" id=\"receipt-hash\">{hash}</p></details>"
        )),
        "{html}"
    );
    // Print or save, and the way back to the consultation.
    assert!(html.contains("data-print>打印/保存回执</button>"), "{html}");
    assert!(html.contains("另存为PDF"), "{html}");
    assert!(
        html.contains("<a href=\"/consultations/open-one/\">返回征集页面："),
        "{html}"
    );
    r.stop();
}

#[test]
fn the_refusal_page_labels_the_echoed_text_and_keeps_the_frame() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    // A comment to a consultation that is not open: refused, the text given back.
    let (status, html) = http(
        r.addr,
        "POST",
        "/feedback/comment",
        &[("consultation", "done-one"), ("opinion", "我的意见原文。")],
        false,
    );
    assert!(status >= 400, "{status} {html}");
    assert!(html.contains("class=\"masthead\""), "{html}");
    assert!(
        html.contains("<label for=\"echo\">") && html.contains("<textarea id=\"echo\" readonly>"),
        "{html}"
    );
    assert!(html.contains("我的意见原文。"), "{html}");
    r.stop();
}

/// The example site built at the test clock.
fn example() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    crate::common::build_example(out.path());
    out
}

fn read(out: &tempfile::TempDir, rel: &str) -> String {
    std::fs::read_to_string(out.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn wayfinding_hub_message_correction_phone_and_record_numbers() {
    let out = example();
    // 办事 hub: every guide, procedure and fee, grouped for people, with sub-navigation; the
    // main navigation's 办事指南 leads there.
    let hub = read(&out, "services/index.html");
    for part in [
        "<h2 id=\"personal\">个人办事</h2>",
        "<h2 id=\"organisation\">单位办事</h2>",
        "<nav class=\"subnav\" aria-label=\"办事分类\">",
        "href=\"/procedures/unemployment-benefit/\"",
        "href=\"/permits/labor-dispatch/\"",
        "href=\"/fees/social-security-card-fee/\"",
    ] {
        assert!(hub.contains(part), "no {part}: {hub}");
    }
    // 考生 pay the exam fee: people, although the text names 事业单位 on the way.
    let org = hub.split("<h2 id=\"organisation\">").nth(1).unwrap();
    let org = org.split("<h2 id=").next().unwrap();
    assert!(!org.contains("personnel-exam-fee"), "{org}");
    for dir in ["permits", "procedures", "fees"] {
        for e in std::fs::read_dir(out.path().join(dir)).unwrap() {
            let name = e.unwrap().file_name().into_string().unwrap();
            if name == "index.html" || name == "page" || name == "atom.xml" {
                continue;
            }
            assert!(
                hub.contains(&format!("href=\"/{dir}/{name}/\"")),
                "{dir}/{name} not on the hub"
            );
        }
    }
    let home = read(&out, "index.html");
    assert!(
        home.contains("<a href=\"/services/\" aria-current")
            || home.contains("href=\"/services/\""),
        "{home}"
    );
    // 我要留言 on 互动交流, the home page and every reply.
    assert!(read(&out, "replies/index.html").contains("href=\"/message/\">我要留言"));
    assert!(home.contains("href=\"/message/\">我要留言"), "{home}");
    for e in std::fs::read_dir(out.path().join("replies")).unwrap() {
        let p = e.unwrap().path().join("index.html");
        if p.parent().unwrap().file_name().unwrap() != "page" && p.is_file() {
            let html = std::fs::read_to_string(&p).unwrap();
            assert!(
                html.contains("href=\"/message/\">我要留言"),
                "{}",
                p.display()
            );
        }
    }
    // 我要纠错 in every footer, 404 included; phone numbers are tap-to-call; the record
    // numbers link to their registers; no badge when site.toml sets none.
    for page in [
        "404.html",
        "index.html",
        "services/index.html",
        "sitemap/index.html",
    ] {
        let html = read(&out, page);
        assert!(
            html.contains("href=\"/correction/\" data-correction>我要纠错</a>"),
            "{page}"
        );
        assert!(
            html.contains("<a class=\"tel\" href=\"tel:0717-4212345\">0717-4212345</a>"),
            "{page}"
        );
        assert!(
            html.contains("<a class=\"tel\" href=\"tel:12333\">12333</a>"),
            "{page}"
        );
        assert!(
            html.contains(
                "<a href=\"https://beian.miit.gov.cn/\" rel=\"noopener\">鄂ICP备00000000号-1</a>"
            ),
            "{page}"
        );
        assert!(
            html.contains("https://beian.mps.gov.cn/#/query/webSearch?code=42058302000000"),
            "{page}"
        );
        assert!(!html.contains("footer-badge"), "{page}");
    }
}

#[test]
fn phone_numbers_in_body_text_are_tap_to_call_and_numbers_that_are_not_stay_text() {
    let out = example();
    // A reply's Markdown answer names a phone number in a sentence.
    let reply = read(&out, "replies/unemployment-transfer/index.html");
    assert!(
        reply.contains("电话<a class=\"tel\" href=\"tel:0717-4212380\">0717-4212380</a>咨询"),
        "{reply}"
    );
    // Every tel: link on every page of the site dials a phone number's shape, never a 文号,
    // 索引号, date or amount.
    let mut links = 0;
    let mut stack = vec![out.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "html") {
                continue;
            }
            let html = std::fs::read_to_string(&p).unwrap();
            for part in html.split("href=\"tel:").skip(1) {
                let dial = part.split('"').next().unwrap();
                links += 1;
                let digits = dial.chars().filter(char::is_ascii_digit).count();
                assert!(
                    dial.chars().all(|c| c.is_ascii_digit() || c == '-')
                        && (dial.starts_with('0') && (10..=12).contains(&digits)
                            || dial.starts_with('1') && (digits == 5 || digits == 11)
                            || dial.starts_with('4') && digits == 10),
                    "{}: tel:{dial}",
                    p.display()
                );
            }
        }
    }
    assert!(links > 100, "{links}");
}

#[test]
fn the_badge_slot_shows_when_site_toml_sets_it() {
    let site = crate::common::site("minimal");
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text = if text.contains("[records]") {
        text.replace(
            "[records]",
            "[records]\nbadge_url = \"https://bszs.conac.cn/sitename?id=1\"",
        )
    } else {
        format!("{text}\n[records]\nbadge_url = \"https://bszs.conac.cn/sitename?id=1\"\n")
    };
    std::fs::write(&toml, text).unwrap();
    let o = crate::common::run(&[
        "build",
        "-q",
        "--root",
        site.path().to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", crate::common::text(&o));
    let html = std::fs::read_to_string(site.path().join("public/index.html")).unwrap();
    assert!(
        html.contains("<p class=\"footer-badge\"><a href=\"https://bszs.conac.cn/sitename?id=1\" rel=\"noopener\">党政机关网站标识</a></p>"),
        "{html}"
    );
}

#[test]
fn the_participation_report_and_the_consultation_page_read_plainly() {
    let out = example();
    let report = read(&out, "consultations/gig-market-measures/report/index.html");
    // No 64-character hash in running text: the short code, the full head behind <details>.
    let text_only: String = report
        .split("<details")
        .enumerate()
        .map(|(i, s)| {
            if i == 0 {
                s
            } else {
                s.split_once("</details>").map_or("", |x| x.1)
            }
        })
        .collect();
    let long_hex = text_only
        .split(|c: char| !c.is_ascii_hexdigit())
        .any(|w| w.len() >= 64);
    assert!(!long_hex, "{text_only}");
    assert!(!report.contains("javascript:"));
    assert!(report.contains(
        "<button type=\"button\" class=\"linklike js-only\" data-print>【打印本页】</button>"
    ));
    assert!(report.contains("class=\"hint no-js-only\""));
    // The outcome's own report heading is the only heading (no empty 「公众参与情况」 above it).
    let page = read(&out, "consultations/gig-market-measures/index.html");
    assert!(!page.contains("<h3>公众参与情况</h3>"), "{page}");
}

#[test]
fn the_generated_stylesheet_has_a_fallback_before_every_var() {
    let out = example();
    let css = read(&out, "static/site.css");
    let decls: Vec<&str> = css
        .split(['{', '}', ';'])
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    let mut uses = 0;
    for (i, d) in decls.iter().enumerate() {
        let Some((prop, value)) = d.split_once(':') else {
            continue;
        };
        if prop.trim().starts_with("--") || !value.contains("var(") {
            continue;
        }
        uses += 1;
        let before = decls[i - 1].split_once(':');
        assert!(
            before.is_some_and(|(p, v)| p.trim() == prop.trim() && !v.contains("var(")),
            "no fallback before {d}"
        );
    }
    assert!(uses > 20, "{uses}");
    // Read by an engine without custom properties, the header is still red on white text.
    assert!(
        css.contains(".masthead{background:#a4121a;background:var(--red);color:#fff"),
        "{css}"
    );
}

/// The 修订记录 section of a built page (empty when it has none).
fn history_section(html: &str) -> String {
    html.split("<section class=\"record-history\"")
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .unwrap_or("")
        .to_string()
}

#[test]
fn the_example_site_shows_no_developer_commit_subjects_in_its_change_history() {
    let out = example();
    let mut pages = 0;
    let mut stack = vec![out.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                let h = history_section(&std::fs::read_to_string(&p).unwrap());
                if h.is_empty() {
                    continue;
                }
                pages += 1;
                // Markup aside, the text has no word in ASCII letters.
                let text: String = h
                    .split('<')
                    .map(|s| s.split_once('>').map_or("", |x| x.1))
                    .collect();
                let word = text
                    .split(|c: char| !c.is_ascii_alphabetic())
                    .find(|w| w.len() >= 2);
                assert!(word.is_none(), "{}: {word:?} in {text}", p.display());
            }
        }
    }
    assert!(pages > 10, "only {pages} pages with a 修订记录 section");
}

#[test]
fn only_commits_with_a_public_note_are_listed_and_date_the_last_change() {
    let site = crate::common::site("minimal");
    let root = site.path();
    let dir = root.join("content/documents");
    std::fs::create_dir_all(&dir).unwrap();
    let rec = dir.join("n.md");
    let body = "---\ntitle: 关于调整咨询电话的通知\npublished: 2026-01-05\nindex_no: CSRSJ/2026-00002\ndoc_kind: notice\nvalidity: 有效\n---\n\n咨询电话调整。\n";
    std::fs::write(&rec, body).unwrap();
    let git = |args: &[&str], date: &str| {
        let o = std::process::Command::new("git")
            .arg("-C")
            .arg(root)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
            .args(args)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    git(&["init", "-q"], "2026-01-05T10:00:00+08:00");
    git(&["add", "-A"], "2026-01-05T10:00:00+08:00");
    git(
        &[
            "commit",
            "-q",
            "-m",
            "Add notice",
            "-m",
            "公示说明: 首次发布",
        ],
        "2026-01-05T10:00:00+08:00",
    );
    std::fs::write(
        &rec,
        body.replace("咨询电话调整。", "咨询电话调整为 0717-4212345。"),
    )
    .unwrap();
    git(
        &[
            "commit",
            "-qam",
            "Fix phone",
            "-m",
            "The old number was wrong.\n\n公示说明：更正咨询电话",
        ],
        "2026-02-10T10:00:00+08:00",
    );
    std::fs::write(
        &rec,
        body.replace("---\n\n", "---\n\n\n")
            .replace("咨询电话调整。", "咨询电话调整为 0717-4212345。"),
    )
    .unwrap();
    git(
        &["commit", "-qam", "Reformat every record"],
        "2026-03-20T10:00:00+08:00",
    );
    let o = crate::common::run(&[
        "build",
        "-q",
        "--root",
        root.to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", crate::common::text(&o));
    let html = std::fs::read_to_string(root.join("public/documents/n/index.html")).unwrap();
    let h = history_section(&html);
    assert!(h.contains("更正咨询电话") && h.contains("首次发布"), "{h}");
    assert!(
        !h.contains("Reformat") && !h.contains("Fix phone") && !h.contains("Add notice"),
        "{h}"
    );
    assert!(h.contains("修订记录（2 次）"), "{h}");
    // 最后修改: the noted change of 10 February, not the reformatting of 20 March.
    assert!(
        h.contains("最后修改：<time datetime=\"2026-02-10\">"),
        "{h}"
    );
}

/// The receiver's search without scripts over the example site: every everyday query of the
/// browser suite's fixture finds its record on the first page.
#[test]
fn the_search_without_scripts_finds_every_everyday_query_on_its_first_page() {
    use gongshi::feedback::Directory;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = gongshi::feedback::site::load_site_directory(root).unwrap();
    let list = dir.search().unwrap();
    let fixture = std::fs::read_to_string(root.join("tests/fixtures/search/everyday.txt")).unwrap();
    let mut missed = Vec::new();
    let mut n = 0;
    for line in fixture
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let mut cols = line.split('\t');
        let (q, want) = (cols.next().unwrap(), cols.next().unwrap());
        n += 1;
        let a = list.query(q);
        let urls: Vec<&str> = a
            .hits
            .iter()
            .take(gongshi::feedback::search::PAGE)
            .map(|h| h.url)
            .collect();
        if !urls.contains(&format!("/{want}").as_str()) {
            missed.push(format!(
                "{q}: {want} not in {urls:?} ({} hits)",
                a.hits.len()
            ));
        }
    }
    assert!(n >= 15, "{n}");
    assert!(missed.is_empty(), "{missed:#?}");
}

/// `GET /feedback/search?q=`: the search for browsers without scripts, inside the site frame,
/// the query kept in the box; hostile queries are only text.
#[test]
fn the_receiver_searches_without_scripts_inside_the_site_frame() {
    let (_tmp, root, db) = fresh();
    let r = Receiver::start(&root, &db, NOW);
    let enc = |q: &str| q.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
    let (status, html) = http(
        r.addr,
        "GET",
        &format!("/feedback/search?q={}", enc("稳岗返還怎么办理")),
        &[],
        false,
    );
    assert_eq!(status, 200, "{html}");
    for part in [
        "class=\"masthead\"",
        "class=\"site-footer\"",
        "<title>站内搜索 - ",
        "value=\"稳岗返還怎么办理\"",
        "找到 1 条同时含有“稳岗返还”的信息。",
        "<a href=\"/consultations/done-one/\">关于《失业保险稳岗返还办法（征求意见稿）》的意见征集</a>",
        "href=\"/catalog/\">信息公开目录</a>",
        "href=\"/search/?q=%E7%A8%B3",
    ] {
        assert!(html.contains(part), "no {part}: {html}");
    }
    assert!(!html.contains("JavaScript"), "{html}");
    // The frame's own header search box points here without scripts, to the static page with.
    assert!(
        html.contains("action=\"/feedback/search\" data-static-action=\"/search/\""),
        "{html}"
    );
    // Nothing found, no query, hostile input.
    let (status, html) = http(
        r.addr,
        "GET",
        "/feedback/search?q=%E9%87%8F%E5%AD%90",
        &[],
        false,
    );
    assert_eq!(status, 200);
    assert!(html.contains("没有找到同时含有“量子”的信息"), "{html}");
    let (_, html) = http(r.addr, "GET", "/feedback/search", &[], false);
    assert!(html.contains("请输入关键词。"), "{html}");
    for q in [
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
        "%FF%FE%80",
        "%%%ZZ",
        "a&q=b&p=-1&p=99999999999999999999999",
        &"%E5%AD%97".repeat(400),
    ] {
        let (status, html) = http(
            r.addr,
            "GET",
            &format!("/feedback/search?q={q}&p=x"),
            &[],
            false,
        );
        assert_eq!(status, 200, "{}: {html}", q.len());
        assert!(!html.contains("<script>alert"), "{q}");
        assert!(!html.contains("<img src=x"), "{q}");
    }
    // A long query is cut to its first 100 characters, kept in the box.
    let (_, html) = http(
        r.addr,
        "GET",
        &format!("/feedback/search?q={}", "%E5%AD%97".repeat(400)),
        &[],
        false,
    );
    assert!(
        html.contains(&format!("value=\"{}\"", "字".repeat(100))),
        "{html}"
    );
    // Only GET.
    let (status, _) = http(r.addr, "POST", "/feedback/search", &[("q", "稳岗")], false);
    assert_eq!(status, 405);
}
