//! End-to-end tests of the staff workflow: `init`, `new`, the content guide and command
//! reference kept in step with the code, the deployment recipes, and 修订记录 from git.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn init_site() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["init", s(&tmp.path().join("site")), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    tmp
}

#[test]
fn init_creates_a_site_that_checks_and_builds_at_once() {
    let tmp = init_site();
    let site = tmp.path().join("site");
    for f in [
        "site.toml",
        "calendar/README.md",
        "themes/default/README.md",
        "content/permits/shenqing-xuke/shenqingshu.pdf",
    ] {
        assert!(site.join(f).is_file(), "missing {f}");
    }
    let o = run(&["check", "--root", s(&site), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!text(&o).contains("警告"), "{}", text(&o));
    let o = run(&["build", "--root", s(&site), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    for page in [
        "index.html",
        "duties/bangongshi/index.html",
        "documents/shili-tongzhi/index.html",
        "procedures/xuke-banli/index.html",
        "fees/gongben-fei/index.html",
        "permits/shenqing-xuke/index.html",
        "permits/shenqing-xuke/shenqingshu.pdf",
        "consultations/yijian-zhengji/index.html",
        "enforcement/2026-shili-001/index.html",
        "replies/shili-liuyan/index.html",
        "about/index.html",
        "decision-catalogues/catalogue/index.html",
        "decisions/shili-juece/index.html",
        "officers/zhifa-renyuan/index.html",
        "spot-check-lists/choucha-qingdan/index.html",
        "spot-check-plans/choucha-jihua/index.html",
        "accountability/zhifa-zeren/index.html",
    ] {
        assert!(site.join("public").join(page).is_file(), "missing {page}");
    }
    // Every kind has a sample record (the test kind is not in real sites).
    for kind in gongshi::content::Kind::ALL {
        if kind.name() == "inspection" {
            continue;
        }
        let folder = site.join("content").join(kind.folder());
        let any = std::fs::read_dir(&folder)
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| e.file_name() != "heads.jsonl");
        assert!(any, "no sample record in content/{}", kind.folder());
    }
    // The sample decision follows its catalogue item through every stage it has, and its
    // enforcement sample names officers of the sample register.
    let page =
        std::fs::read_to_string(site.join("public/decisions/shili-juece/index.html")).unwrap();
    for stage in [
        "公众参与",
        "专家论证",
        "风险评估",
        "合法性审查",
        "集体讨论决定",
        "决定公布",
        "实施后评估",
    ] {
        assert!(page.contains(stage), "decision page lacks {stage}");
    }
    let data = std::fs::read_to_string(site.join("public/data/enforcement.json")).unwrap();
    assert!(data.contains("00000120230001"), "{data}");
    // The sample site also passes with the real clock (today's date in the samples).
    let fresh = tempfile::tempdir().unwrap();
    let o = run(&["init", s(&fresh.path().join("x"))]);
    assert!(o.status.success(), "{}", text(&o));
    let o = run(&["check", "--root", s(&fresh.path().join("x"))]);
    assert!(o.status.success(), "{}", text(&o));
}

#[test]
fn init_refuses_a_non_empty_folder() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "x").unwrap();
    let o = run(&["init", s(tmp.path())]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("不是空的"), "{}", text(&o));
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
    // An existing empty folder is fine.
    let empty = tempfile::tempdir().unwrap();
    let o = run(&["init", s(empty.path()), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
}

/// Fill a `gongshi new` skeleton the way staff would: every placeholder replaced, plus the
/// few fields whose value must name something that exists.
fn fill(site: &Path, rel: &str) {
    let path = site.join(rel);
    let mut t = std::fs::read_to_string(&path).unwrap();
    t = t
        .replace("decision_type: 待填写", "decision_type: 规范性文件")
        .replace("procedure: 待填写", "procedure: xuke-banli")
        .replace("file: 待填写", "file: form.pdf")
        // A decision's party: an organisation with a valid credit code (the privacy and
        // credit-code rules refuse a person's unmasked name or a made-up code).
        .replace("  type: 待填写", "  type: 法人")
        .replace("credit_code: 待填写", "credit_code: 91420583MA4F2K7LX9")
        .replace("legal_rep: 待填写", "legal_rep: 张某")
        // Values a new record leaves for the clerk to choose (no silent default).
        .replace("action: 待填写", "action: 处罚")
        .replace("minor: 待填写", "minor: false")
        .replace("statutory_wd: 待填写", "statutory_wd: 20")
        .replace("promised_wd: 待填写", "promised_wd: 10")
        .replace("time_limit_wd: 待填写", "time_limit_wd: 5")
        .replace("copies: 待填写", "copies: 1")
        .replace("original: 待填写", "original: true")
        .replace("required: 待填写", "required: true")
        .replace("amount: 待填写", "amount: 10")
        .replace("decided: 待填写", "decided: 2026-11-20")
        .replace("received: 待填写", "received: 2026-11-20")
        .replace("validity: 待填写", "validity: 有效")
        .replace("doc_kind: 待填写", "doc_kind: notice")
        .replace("item_type: 待填写", "item_type: 行政许可")
        .replace("待填写", "示例内容");
    std::fs::write(&path, t).unwrap();
    if rel.contains("permits/") {
        // `new permit` writes the folder form: the sample form goes beside index.md.
        std::fs::copy(
            site.join("content/permits/shenqing-xuke/shenqingshu.pdf"),
            path.parent().unwrap().join("form.pdf"),
        )
        .unwrap();
    }
}

#[test]
fn new_writes_a_record_of_each_kind_that_builds_once_filled() {
    let tmp = init_site();
    let site = tmp.path().join("site");
    let mut files = Vec::new();
    for (i, kind) in [
        "duty",
        "documents",
        "procedure",
        "fee",
        "permit",
        "consultation",
        "enforcement",
        "reply",
        "page",
    ]
    .iter()
    .enumerate()
    {
        let name = format!("xin-{i}");
        let o = run(&["new", kind, &name, "--root", s(&site), "--now", NOW]);
        assert!(o.status.success(), "{kind}: {}", text(&o));
        let out = text(&o);
        let start = out.find("content/").unwrap_or_else(|| panic!("{out}"));
        let end = start + out[start..].find(".md").unwrap_or_else(|| panic!("{out}")) + 3;
        let rel = out[start..end].to_string();
        let body = std::fs::read_to_string(site.join(&rel)).unwrap();
        assert!(body.contains("published: 2026-11-25"), "{kind}: {body}");
        assert!(body.contains("# 标题（必填）"), "{kind}: {body}");
        files.push(rel);
    }
    // Before filling, the placeholders stop the build with a located error.
    let o = run(&["check", "--root", s(&site), "--now", NOW]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("content.placeholder"), "{}", text(&o));
    for rel in &files {
        fill(&site, rel);
    }
    let o = run(&["build", "--root", s(&site), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(site.join("public/permits/xin-4/index.html").is_file());
}

#[test]
fn new_permit_writes_the_folder_form_with_a_note_on_attachments_and_other_kinds_a_file() {
    let tmp = init_site();
    let site = tmp.path().join("site");
    let o = run(&[
        "new",
        "permit",
        "xin-xuke",
        "--root",
        s(&site),
        "--now",
        NOW,
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("content/permits/xin-xuke/index.md"),
        "{}",
        text(&o)
    );
    let body = std::fs::read_to_string(site.join("content/permits/xin-xuke/index.md")).unwrap();
    assert!(
        body.contains("# 附件：示范文本（sample_forms）")
            && body.contains("content/permits/xin-xuke/"),
        "{body}"
    );
    assert!(!site.join("content/permits/xin-xuke.md").exists());
    // A second permit of the same name is refused (the folder exists).
    let o = run(&[
        "new",
        "permits",
        "xin-xuke",
        "--root",
        s(&site),
        "--now",
        NOW,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // Other kinds are single files, without the note.
    let o = run(&["new", "fee", "xin-fei", "--root", s(&site), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let fee = std::fs::read_to_string(site.join("content/fees/xin-fei.md")).unwrap();
    assert!(!fee.contains("# 附件："), "{fee}");
    // The help text says where a permit goes.
    let o = run(&["new", "--help"]);
    assert!(
        text(&o).contains("content/permits/名称/index.md"),
        "{}",
        text(&o)
    );
}

#[test]
fn new_assigns_the_next_index_number_of_the_year() {
    let tmp = init_site();
    let site = tmp.path().join("site");
    // The sample site uses SLRSJ/2026-00001 … 00015.
    let o = run(&["new", "document", "a", "--root", s(&site), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("SLRSJ/2026-00016"), "{}", text(&o));
    let o = run(&["new", "fee", "b", "--root", s(&site), "--now", NOW]);
    assert!(text(&o).contains("SLRSJ/2026-00017"), "{}", text(&o));
    // A new year starts again at 00001.
    let o = run(&[
        "new",
        "reply",
        "c",
        "--root",
        s(&site),
        "--now",
        "2027-01-04T09:00:00+08:00",
    ]);
    assert!(text(&o).contains("SLRSJ/2027-00001"), "{}", text(&o));
}

#[test]
fn new_refuses_existing_unknown_and_invalid_names_with_exit_2() {
    let tmp = init_site();
    let site = tmp.path().join("site");
    let root = s(&site);
    for (args, says) in [
        (vec!["new", "document", "shili-tongzhi"], "已有名为"),
        // a bundle folder of that name
        (vec!["new", "permits", "shenqing-xuke"], "已有名为"),
        (vec!["new", "permt", "x"], "是否想写“permit”"),
        (vec!["new", "news", "x"], "未知的信息类别"),
        (vec!["new", "document", "Tong Zhi"], "不能用作网址"),
        (vec!["new", "document", "通知"], "不能用作网址"),
        (vec!["new", "document", "_x"], "不能用作网址"),
    ] {
        let mut a = args.clone();
        a.extend(["--root", root, "--now", NOW]);
        let o = run(&a);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(says), "{args:?}: {}", text(&o));
    }
    // Not a site at all.
    let o = run(&["new", "document", "x", "--root", s(tmp.path())]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("site.toml"), "{}", text(&o));
    // Nothing was written by the refused commands.
    assert!(!site.join("content/documents/x.md").exists());
}

/// The guide's field tables and examples are generated from the code; run
/// `UPDATE_DOCS=1 cargo test --test it workflow::` after changing a kind's fields.
#[test]
fn the_content_guide_matches_the_field_tables() {
    let path = repo().join(gongshi::scaffold::guide::GUIDE);
    let text = std::fs::read_to_string(&path).unwrap();
    let want = gongshi::scaffold::guide::update(&text).unwrap_or_else(|e| panic!("{e}"));
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    assert!(
        text == want,
        "{} is out of date: run `UPDATE_DOCS=1 cargo test --test it workflow::`",
        path.display()
    );
}

#[test]
fn the_command_reference_lists_every_command_and_flag() {
    let doc = std::fs::read_to_string(repo().join("docs/commands.md")).unwrap();
    let o = run(&["--help"]);
    let help = String::from_utf8_lossy(&o.stdout).to_string();
    let mut commands = Vec::new();
    let mut in_commands = false;
    for line in help.lines() {
        if line.starts_with("Commands:") {
            in_commands = true;
            continue;
        }
        if in_commands {
            if line.trim().is_empty() {
                break;
            }
            let name = line.split_whitespace().next().unwrap_or("");
            if name != "help" {
                commands.push(name.to_string());
            }
        }
    }
    assert!(commands.len() >= 5, "{help}");
    for c in &commands {
        assert!(
            doc.contains(&format!("## gongshi {c}")),
            "docs/commands.md lacks a section for `gongshi {c}`"
        );
        let o = run(&[c, "--help"]);
        let sub = String::from_utf8_lossy(&o.stdout).to_string();
        for flag in sub
            .split_whitespace()
            .filter(|w| w.starts_with("--") && w.len() > 2)
        {
            let flag = flag.trim_end_matches([',', '.']);
            if flag == "--help" || flag == "--version" {
                continue;
            }
            assert!(
                doc.contains(flag),
                "docs/commands.md does not mention `gongshi {c} {flag}`"
            );
        }
    }
}

#[test]
fn the_nginx_recipe_passes_nginx_t() {
    let nginx = ["nginx", "/usr/sbin/nginx"]
        .into_iter()
        .find(|n| Command::new(n).arg("-v").output().is_ok());
    let Some(nginx) = nginx else {
        eprintln!("nginx is not installed: skipped");
        return;
    };
    let Ok(openssl) = Command::new("openssl").arg("version").output() else {
        eprintln!("openssl is not installed: skipped");
        return;
    };
    assert!(openssl.status.success());
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let o = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args([
            "-subj",
            "/CN=rsj.example.gov.cn",
            "-keyout",
            s(&key),
            "-out",
        ])
        .arg(&cert)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let site = std::fs::read_to_string(repo().join("docs/deploy/nginx/gongshi.conf")).unwrap();
    // Point the recipe's certificate and web root at throwaway files.
    let site = site
        .replace("/etc/ssl/gongshi/fullchain.pem", s(&cert))
        .replace("/etc/ssl/gongshi/privkey.pem", s(&key))
        .replace("/srv/gongshi/site/public", s(dir));
    std::fs::write(dir.join("site.conf"), site).unwrap();
    let main = format!(
        "error_log stderr;\npid {}/nginx.pid;\nevents {{}}\nhttp {{\n  include {}/mime.types;\n  include {}/site.conf;\n}}\n",
        s(dir),
        "/etc/nginx",
        s(dir)
    );
    let mime = Path::new("/etc/nginx/mime.types");
    let main = if mime.is_file() {
        main
    } else {
        main.replace("  include /etc/nginx/mime.types;\n", "")
    };
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let o = Command::new(nginx)
        .args(["-t", "-p", s(dir), "-c"])
        .arg(dir.join("nginx.conf"))
        .output()
        .unwrap();
    assert!(o.status.success(), "nginx -t failed:\n{}", text(&o));
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=办公室",
            "-c",
            "user.email=bgs@example.gov.cn",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2026-11-20T10:00:00+08:00")
        .env("GIT_COMMITTER_DATE", "2026-11-20T10:00:00+08:00")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn history_lists_each_commit_that_touched_a_record() {
    let tmp = init_site();
    let site = tmp.path().join("site");
    if !git(&site, &["init", "-q"]) {
        eprintln!("git is not available: skipped");
        return;
    }
    assert!(git(&site, &["add", "."]));
    assert!(git(
        &site,
        &["commit", "-q", "-m", "新建网站", "-m", "公示说明: 首次发布"]
    ));
    let doc = site.join("content/documents/shili-tongzhi.md");
    let t = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, t.replace("即日起试运行", "自即日起试运行")).unwrap();
    // The public sees the 公示说明 trailer (issue 20), not the commit subject.
    assert!(git(
        &site,
        &[
            "commit",
            "-q",
            "-am",
            "改正通知的措辞",
            "-m",
            "公示说明: 改正通知的措辞"
        ]
    ));

    let h = gongshi::history::collect(&site);
    let entries = &h.files[Path::new("content/documents/shili-tongzhi.md")];
    let subjects: Vec<&str> = entries.iter().map(|e| e.commit.subject.as_str()).collect();
    assert_eq!(subjects, ["改正通知的措辞", "新建网站"]);
    assert_eq!(h.files[Path::new("content/fees/gongben-fei.yaml")].len(), 1);

    let out = tempfile::tempdir().unwrap();
    for dir in ["a", "b"] {
        let o = run(&[
            "build",
            "--root",
            s(&site),
            "--out",
            s(&out.path().join(dir)),
            "--now",
            NOW,
        ]);
        assert!(o.status.success(), "{}", text(&o));
    }
    let page = |d: &str| {
        std::fs::read_to_string(
            out.path()
                .join(d)
                .join("documents/shili-tongzhi/index.html"),
        )
        .unwrap()
    };
    let html = page("a");
    assert!(html.contains("修订记录（2 次）"), "{html}");
    assert!(html.contains("改正通知的措辞"));
    assert!(html.contains("2026年11月20日"));
    assert_eq!(html, page("b"), "same repository state, same bytes");

    // A record that was never committed has no 修订记录, and the build still succeeds.
    let o = run(&["new", "page", "lianxi", "--root", s(&site), "--now", NOW]);
    assert!(o.status.success());
    fill(&site, "content/pages/lianxi.md");
    let o = run(&["build", "--root", s(&site), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
}

/// A new record leaves every value that would pass unchanged (an enum's first word, 0,
/// false, a date other than `published`) as the placeholder, so a decision is never published
/// as a 许可 on a 自然人 because nobody chose.
#[test]
fn new_records_carry_no_silent_defaults() {
    let tmp = init_site();
    let site = tmp.path().join("site");
    for (kind, name) in [("enforcement", "jd"), ("permit", "xk")] {
        let o = run(&["new", kind, name, "--root", s(&site), "--now", NOW]);
        assert!(o.status.success(), "{}", text(&o));
    }
    let e = std::fs::read_to_string(site.join("content/enforcement/jd.md")).unwrap();
    for line in [
        "action: 待填写",
        "  type: 待填写",
        "  minor: 待填写",
        "decided: 待填写",
    ] {
        assert!(e.lines().any(|l| l == line), "{line}\n{e}");
    }
    assert!(
        e.contains("# 请从以下写法中选一个：许可、处罚、强制、检查、处理、复议、其他"),
        "{e}"
    );
    let p = std::fs::read_to_string(site.join("content/permits/xk/index.md")).unwrap();
    for line in [
        "  statutory_wd: 待填写",
        "    copies: 待填写",
        "    original: 待填写",
        "    required: 待填写",
    ] {
        assert!(p.lines().any(|l| l == line), "{line}\n{p}");
    }
    // Each is reported where it is, as a value still to be filled in.
    let o = run(&[
        "check",
        "--root",
        s(&site),
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o);
    for field in [
        "\"action\"",
        "\"party.type\"",
        "\"party.minor\"",
        "\"decided\"",
        "\"time_limit.statutory_wd\"",
        "\"materials[1].original\"",
    ] {
        assert!(out.contains(field), "{field}: {out}");
    }
}

/// `init` makes the site a git repository (the history rules and the 修订记录 read it) and
/// says so; `--no-git` leaves it out and says how to add it later.
#[test]
fn init_creates_the_git_repository_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let o = run(&["init", s(&site), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(site.join(".git").is_dir(), "{}", text(&o));
    assert!(text(&o).contains("已建立 git 仓库"), "{}", text(&o));
    let o = run(&["check", "--root", s(&site), "--now", NOW]);
    assert!(o.status.success(), "{}", text(&o));
    let other = tmp.path().join("other");
    let o = run(&["init", s(&other), "--now", NOW, "--no-git"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(!other.join(".git").exists());
    assert!(text(&o).contains("未建立 git 仓库"), "{}", text(&o));
    assert!(text(&o).contains("git init"), "{}", text(&o));
}
