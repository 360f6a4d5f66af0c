//! Hostile content, as a merge request can bring it to the CI runner that builds the site:
//! every file is loaded in bounded memory and time, nothing outside the site is published,
//! and nothing from a file reaches the terminal raw. Each test runs the real binary; where a
//! run could eat the machine before the fix, it runs under a memory limit and a deadline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// `gongshi args…` with at most `mem_mb` of address space (Linux: `ulimit -v`) and killed
/// after `secs` seconds. Returns the output and how long it took.
fn bounded(args: &[&str], mem_mb: u64, secs: u64) -> (Output, Duration) {
    let mut cmd = if cfg!(target_os = "linux") {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", mem_mb * 1024))
            .arg(bin())
            .args(args);
        c
    } else {
        let mut c = Command::new(bin());
        c.args(args);
        c
    };
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("gongshi {args:?} still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (out, start.elapsed())
}

fn check(root: &Path) -> (Output, Duration) {
    bounded(
        &["check", "--root", root.to_str().unwrap(), "--now", NOW],
        1024,
        60,
    )
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const HEAD: &str = "---\ntitle: 关于做好冬季工资支付工作的通知\npublished: 2026-11-20\nindex_no: CSRSJ/2026-00002\ndoc_kind: notice\nvalidity: 有效\n";

/// Nine levels of nine aliases: 9^9 values once expanded.
fn billion_laughs() -> String {
    let mut s = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        s.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
    }
    s
}

#[test]
fn a_yaml_alias_bomb_is_refused_with_its_place_in_bounded_memory_and_time() {
    let site = site("minimal");
    write(
        site.path(),
        "content/documents/bomb.md",
        &format!("---\ntitle: 炸弹\n{}---\n正文\n", billion_laughs()),
    );
    let (o, took) = check(site.path());
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("错误[yaml.too-complex]"), "{t}");
    // `e: &e [` on line 7: the list whose copies go past the limit.
    assert!(t.contains("--> content/documents/bomb.md:7:4"), "{t}");
    assert!(took < Duration::from_secs(20), "{took:?}");
}

#[test]
fn a_record_file_over_the_size_limit_is_refused_where_it_crosses_it() {
    let site = site("minimal");
    // 600 KB of a body that costs the most memory per byte in the Markdown parser.
    let body = "*a **a ".repeat(600 * 1024 / 7);
    write(
        site.path(),
        "content/documents/big.md",
        &format!("{HEAD}---\n{body}\n"),
    );
    let (o, _) = check(site.path());
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(t.contains("错误[content.too-large]"), "{t}");
    assert!(t.contains("超过上限 256 KB"), "{t}");
    assert!(t.contains("--> content/documents/big.md:8:"), "{t}");
    assert!(t.contains("[limits]"), "{t}");

    // The limit is the site's to set.
    let toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    std::fs::write(
        site.path().join("site.toml"),
        format!("{toml}\n[limits]\nrecord_kb = 1024\n"),
    )
    .unwrap();
    let (o, _) = check(site.path());
    assert!(!text(&o).contains("content.too-large"), "{}", text(&o));
}

#[test]
fn a_file_at_the_limit_loads_in_bounded_memory() {
    // Just under the default limit, the costliest Markdown we know of per byte: within the
    // 1 GB the run is given (the issue measured 2.7 GB for 14 MB of it).
    let site = site("minimal");
    let body = "[".repeat(250 * 1024);
    write(
        site.path(),
        "content/documents/big.md",
        &format!("{HEAD}---\n{body}\n"),
    );
    let (o, took) = bounded(
        &[
            "build",
            "--root",
            site.path().to_str().unwrap(),
            "--now",
            NOW,
            "-q",
        ],
        1024,
        120,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(took < Duration::from_secs(60), "{took:?}");
}

#[test]
fn a_flood_of_problems_in_one_file_is_listed_up_to_a_limit_and_counted() {
    // 20,000 unknown fields on one line: each problem used to carry a copy of the line
    // (11 GB and 50 s for a 200 KB file).
    let site = site("minimal");
    let keys: Vec<String> = (0..20_000).map(|i| format!("k{i}: v")).collect();
    write(
        site.path(),
        "content/documents/flood.md",
        &format!("---\n{{title: a, {}}}\n---\nx\n", keys.join(", ")),
    );
    let (o, took) = check(site.path());
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(took < Duration::from_secs(20), "{took:?}");
    assert_eq!(
        t.matches("错误[schema.unknown-field]").count(),
        100 - 3,
        "{t}"
    );
    assert!(t.contains("错误[diag.more]: 这个文件另有"), "{t}");
    assert!(t.len() < 200_000, "{} bytes of report", t.len());
}

#[cfg(unix)]
#[test]
fn symbolic_links_and_special_files_are_refused_and_never_published() {
    let site = site("minimal");
    let root = site.path();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("passwd");
    std::fs::write(&secret, "root:x:0:0:TOP-SECRET\n").unwrap();
    // The attachment of a record is a link to a file outside the site.
    write(
        root,
        "content/documents/draft-notice.md",
        &format!("{HEAD}attachments:\n  - file: draft.pdf\n    title: 草稿\n---\n正文\n"),
    );
    std::os::unix::fs::symlink(&secret, root.join("content/documents/draft.pdf")).unwrap();
    // A record that is a link, a folder that is a link, a named pipe.
    std::os::unix::fs::symlink(&secret, root.join("content/documents/linked.md")).unwrap();
    std::fs::create_dir_all(outside.path().join("replies")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("replies"), root.join("content/replies"))
        .unwrap();
    let fifo = root.join("content/documents/pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());

    let (o, took) = check(root);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        took < Duration::from_secs(20),
        "a pipe must not be read: {took:?}"
    );
    for (code, at) in [
        ("content.symlink", "content/documents/draft.pdf"),
        ("content.symlink", "content/documents/linked.md"),
        ("content.symlink", "content/replies"),
        ("content.special-file", "content/documents/pipe.md"),
        (
            "content.attachment-symlink",
            "content/documents/draft-notice.md:8:11",
        ),
    ] {
        assert!(
            t.contains(&format!("错误[{code}]")) && t.contains(&format!("--> {at}")),
            "{code} at {at}: {t}"
        );
    }
    assert!(!t.contains("TOP-SECRET"), "{t}");

    let out = outside.path().join("public");
    let o = run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--now",
        NOW,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(!out.exists());
}

#[test]
fn record_files_that_would_vanish_are_reported() {
    let site = site("minimal");
    let record = std::fs::read_to_string(site.path().join("content/documents/notice.md"))
        .unwrap()
        .replace("CSRSJ/2026-00001", "CSRSJ/2026-00009");
    write(site.path(), "content/documents/upper.MD", &record);
    write(site.path(), "content/documents/mixed.Yml", "title: x\n");
    write(site.path(), "content/documents/notepad.md.txt", &record);
    write(site.path(), "content/documents/long.markdown", &record);
    // An attachment inside a bundle is the bundle's business.
    write(
        site.path(),
        "content/documents/b/index.md",
        &record.replace("00009", "00010"),
    );
    write(site.path(), "content/documents/b/README.MD", "x");
    let (o, _) = check(site.path());
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(
        t.contains("错误[content.ignored-file]: 扩展名“.MD”不是小写"),
        "{t}"
    );
    assert!(t.contains("--> content/documents/upper.MD"), "{t}");
    assert!(t.contains("--> content/documents/mixed.Yml"), "{t}");
    assert!(t.contains("警告[content.ignored-file]"), "{t}");
    assert!(t.contains("--> content/documents/notepad.md.txt"), "{t}");
    assert!(t.contains("--> content/documents/long.markdown"), "{t}");
    assert!(!t.contains("README.MD"), "{t}");
}

#[test]
fn control_characters_in_file_names_and_values_never_reach_the_terminal() {
    let site = site("minimal");
    // ESC ] 0 ; … BEL retitles the terminal window; ESC [ 2 J clears the screen; a carriage
    // return and a line feed could forge a line of the report; U+202E reverses the text.
    let name = "a\u{1b}]0;pwned\u{7}\u{1b}[2J\r\n错误[ok]: \u{202e}fdp.md";
    write(site.path(), &format!("content/documents/{name}"), "x");
    write(
        site.path(),
        "content/documents/values.md",
        "---\ntitle: x\u{1b}[31m\nbad\u{9b}key: 1\n---\n",
    );
    for format in ["text", "json"] {
        let o = run(&[
            "check",
            "--root",
            site.path().to_str().unwrap(),
            "--now",
            NOW,
            "--format",
            format,
        ]);
        let t = text(&o);
        assert_eq!(o.status.code(), Some(1), "{t}");
        let raw: Vec<char> = t
            .chars()
            .filter(|c| gongshi::diag::is_unsafe(*c) && *c != '\n')
            .collect();
        assert!(raw.is_empty(), "{format}: {raw:?} in {t}");
        assert!(!t.lines().any(|l| l.starts_with("错误[ok]")), "{t}");
        if format == "text" {
            assert!(
                t.contains("\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\r\\n错误[ok]: \\u{202e}fdp.md"),
                "{t}"
            );
            assert!(t.contains("bad\\u{9b}key"), "{t}");
        } else {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let files: Vec<&str> = v["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|d| d["file"].as_str())
                .collect();
            assert!(files.iter().any(|f| f.ends_with(name)), "{files:?}");
        }
    }
}
