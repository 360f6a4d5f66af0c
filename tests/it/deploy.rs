//! `gongshi deploy`: only what changed goes up, deletions follow, an interrupted deploy is
//! completed by the next one; against a real S3 server (moto, `pip install 'moto[server]'`,
//! started here; skipped with a printed reason only when it cannot start) and against a
//! directory. Hostile targets: corrupt manifests, another site's manifest.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::{bin, repo, text, tree};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MANIFEST: &str = ".gongshi-deploy.json";
const JOURNAL: &str = ".gongshi-deploy.pending.json";

/// The fixture site: its site.toml gives the deploy its `base_url`.
fn root() -> PathBuf {
    repo().join("tests/fixtures/minimal")
}

/// A hand-made `public/`: one file of each kind the deploy treats differently.
fn public_v1(dir: &Path) {
    let files: &[(&str, &str)] = &[
        ("index.html", "<!doctype html><title>首页</title>"),
        ("about/index.html", "<!doctype html><title>关于</title>"),
        (
            "notices/a/index.html",
            "<!doctype html><title>公示甲</title>",
        ),
        ("static/site.css", "body{}"),
        ("static/site.js", "1"),
        ("static/app.3f9a0c1e.js", "2"),
        ("atom.xml", "<feed/>"),
        ("data/fees.csv", "a,b\n"),
        (
            "consultations/calendar.ics",
            "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        ),
        ("notices/a/fujian.pdf", "%PDF-1.4"),
        ("search/meta.json", "{\"v\":1}"),
        ("search/shards/0.json", "[]"),
        // Keys are percent-encoded on the wire: spaces, CJK, '+' and '&' must survive.
        ("files/申请表 (1)+a&b.docx", "PK"),
    ];
    for (p, c) in files {
        write(dir, p, c.as_bytes());
    }
}

fn write(dir: &Path, rel: &str, bytes: &[u8]) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn deploy(public: &Path, target: &[&str], extra: &[&str]) -> Output {
    let root = root();
    let mut args = vec![
        "deploy",
        "-v",
        "--root",
        root.to_str().unwrap(),
        "--public",
        public.to_str().unwrap(),
    ];
    args.extend_from_slice(target);
    args.extend_from_slice(extra);
    Command::new(bin())
        .args(&args)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .output()
        .unwrap()
}

/// The keys the deploy reported uploading (`-v`), sorted.
fn uploaded(o: &Output) -> Vec<String> {
    let mut v: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("已上传 ").map(str::to_string))
        .collect();
    v.sort();
    v
}

fn ok(o: &Output) {
    assert_eq!(o.status.code(), Some(0), "{}", text(o));
}

/// The target directory without the deploy's own manifest, as `tree` gives it.
fn mirror(dir: &Path) -> Vec<(String, Vec<u8>)> {
    tree(dir)
        .into_iter()
        .filter(|(p, _)| p != MANIFEST)
        .collect()
}

fn manifest_paths(bytes: &[u8]) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    v["files"].as_object().unwrap().keys().cloned().collect()
}

// ---------------------------------------------------------------------------------------
// The directory target.

#[test]
fn directory_first_second_edit_delete() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    let to = tmp.path().join("www");
    public_v1(&public);
    let t = ["--to", to.to_str().unwrap()];

    // First deploy: everything.
    let o = deploy(&public, &t, &[]);
    ok(&o);
    assert_eq!(uploaded(&o).len(), 13, "{}", text(&o));
    assert_eq!(mirror(&to), tree(&public));
    let m = std::fs::read(to.join(MANIFEST)).unwrap();
    assert_eq!(manifest_paths(&m).len(), 13);
    assert!(!to.join(JOURNAL).exists());

    // Second, nothing changed: nothing goes up, the manifest is not rewritten.
    let before = std::fs::metadata(to.join(MANIFEST))
        .unwrap()
        .modified()
        .unwrap();
    let o = deploy(&public, &t, &[]);
    ok(&o);
    assert!(uploaded(&o).is_empty(), "{}", text(&o));
    assert!(text(&o).contains("上传 0 个文件"), "{}", text(&o));
    assert_eq!(
        std::fs::metadata(to.join(MANIFEST))
            .unwrap()
            .modified()
            .unwrap(),
        before
    );

    // An edit, a new page, a removed record (its page and its attachment).
    write(
        &public,
        "about/index.html",
        "<!doctype html><title>关于我们</title>".as_bytes(),
    );
    write(
        &public,
        "notices/b/index.html",
        "<!doctype html><title>公示乙</title>".as_bytes(),
    );
    std::fs::remove_dir_all(public.join("notices/a")).unwrap();

    // --dry-run lists exactly that and touches nothing.
    let snapshot = tree(&to);
    let o = deploy(&public, &t, &["--dry-run"]);
    ok(&o);
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with("预演")).collect();
    assert_eq!(
        lines,
        vec![
            "上传（变化） about/index.html",
            "上传（新增） notices/b/index.html",
            "删除 notices/a/fujian.pdf",
            "删除 notices/a/index.html",
        ],
        "{out}"
    );
    assert_eq!(tree(&to), snapshot);

    let o = deploy(&public, &t, &[]);
    ok(&o);
    assert_eq!(
        uploaded(&o),
        vec!["about/index.html", "notices/b/index.html"],
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("删除 2 个"), "{}", text(&o));
    assert_eq!(mirror(&to), tree(&public));
    // The removed record's folder went with its files.
    assert!(!to.join("notices/a").exists());
}

#[test]
fn directory_killed_mid_way_then_redeployed_ends_consistent() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    let to = tmp.path().join("www");
    public_v1(&public);
    let t = ["--to", to.to_str().unwrap()];
    ok(&deploy(&public, &t, &[]));

    // v2: many new pages, so that the kill lands while files are being written.
    for i in 0..3000 {
        write(
            &public,
            &format!("p/{i}/index.html"),
            format!("<p>{i}</p>{}", "x".repeat(4000)).as_bytes(),
        );
    }
    write(&public, "index.html", b"<!doctype html><title>v2</title>");
    let root = root();
    let mut child = Command::new(bin())
        .args([
            "deploy",
            "-q",
            "--root",
            root.to_str().unwrap(),
            "--public",
            public.to_str().unwrap(),
            "--to",
            to.to_str().unwrap(),
        ])
        .spawn()
        .unwrap();
    // Kill as soon as the journal is there (the deploy has started writing).
    let start = Instant::now();
    while !to.join(JOURNAL).exists() && start.elapsed() < Duration::from_secs(60) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = child.kill();
    let _ = child.wait();

    // Whatever the kill interrupted, the manifest is still v1's or already v2's whole one.
    let m = manifest_paths(&std::fs::read(to.join(MANIFEST)).unwrap());
    assert!(m.len() == 13 || m.len() == 3013, "{}", m.len());

    // v3 is v1 again: the pages the killed deploy wrote must go, index.html must be v1's.
    std::fs::remove_dir_all(&public).unwrap();
    public_v1(&public);
    let o = deploy(&public, &t, &[]);
    ok(&o);
    assert_eq!(mirror(&to), tree(&public), "{}", text(&o));
    assert!(!to.join(JOURNAL).exists());
    assert!(!to.join("p").exists());
}

#[test]
fn directory_hostile_manifests() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    let to = tmp.path().join("www");
    public_v1(&public);
    let t = ["--to", to.to_str().unwrap()];

    // Another site's manifest: refused, nothing written.
    std::fs::create_dir_all(&to).unwrap();
    let other = r#"{"format":"gongshi-deploy-manifest","version":1,"site":"https://other.example.gov.cn/","files":{}}"#;
    std::fs::write(to.join(MANIFEST), other).unwrap();
    let o = deploy(&public, &t, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("另一个网站（https://other.example.gov.cn/）"),
        "{}",
        text(&o)
    );
    assert_eq!(tree(&to).len(), 1);

    // Corrupt manifests: ignored with a note; everything uploaded, nothing deleted.
    for bad in [
        "not json".to_string(),
        r#"{"format":"x","version":1,"site":"https://rsj.test.example.gov.cn/","files":{}}"#.into(),
        format!(
            r#"{{"format":"gongshi-deploy-manifest","version":1,"site":"https://rsj.test.example.gov.cn/","files":{{"../../etc/passwd":{{"sha256":"{}","size":1,"content_type":"a","cache_control":"b"}}}}}}"#,
            "0".repeat(64)
        ),
    ] {
        std::fs::write(to.join(MANIFEST), &bad).unwrap();
        write(&to, "someone-elses.txt", b"keep");
        let o = deploy(&public, &t, &[]);
        ok(&o);
        assert!(text(&o).contains("已忽略"), "{}", text(&o));
        assert_eq!(uploaded(&o).len(), 13, "{}", text(&o));
        assert!(to.join("someone-elses.txt").exists());
        assert!(!tmp.path().join("etc").exists());
        std::fs::remove_file(to.join("someone-elses.txt")).unwrap();
        assert_eq!(mirror(&to), tree(&public));
    }

    // A corrupt journal: everything is sent again.
    std::fs::write(to.join(JOURNAL), "{").unwrap();
    let o = deploy(&public, &t, &[]);
    ok(&o);
    assert_eq!(uploaded(&o).len(), 13, "{}", text(&o));
    assert!(!to.join(JOURNAL).exists());
}

#[test]
fn hostile_sources_and_arguments() {
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    let to = tmp.path().join("www");
    let t = ["--to", to.to_str().unwrap()];

    // Nothing built.
    let o = deploy(&public, &t, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("gongshi build"), "{}", text(&o));

    // A target inside public/.
    public_v1(&public);
    let inside = public.join("www");
    let o = deploy(&public, &["--to", inside.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("重叠"), "{}", text(&o));

    // A symbolic link in public/ would publish whatever it points at.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("/etc/passwd", public.join("passwd.html")).unwrap();
        let o = deploy(&public, &t, &[]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        assert!(
            text(&o).contains("passwd.html 不是普通文件"),
            "{}",
            text(&o)
        );
        assert!(!to.join(MANIFEST).exists());
        std::fs::remove_file(public.join("passwd.html")).unwrap();
    }

    // S3 without keys, with a bad endpoint, with an unreachable one.
    let s3 = [
        "--bucket",
        "b",
        "--endpoint",
        "http://127.0.0.1:9",
        "--path-style",
    ];
    let o = Command::new(bin())
        .args(["deploy", "--root", root().to_str().unwrap()])
        .args(["--public", public.to_str().unwrap()])
        .args(s3)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("AWS_ACCESS_KEY_ID"), "{}", text(&o));
    let o = deploy(&public, &["--bucket", "b", "--endpoint", "ftp://x"], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--endpoint"), "{}", text(&o));
    let o = deploy(&public, &s3, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("请检查 --endpoint"), "{}", text(&o));
    assert!(text(&o).contains("没有做任何改动"), "{}", text(&o));
    // A credentials file that is not one.
    let creds = tmp.path().join("keys.toml");
    std::fs::write(&creds, "password = 1\n").unwrap();
    let o = deploy(&public, &s3, &["--credentials", creds.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("secret_access_key"), "{}", text(&o));
    // No target at all.
    let o = deploy(&public, &[], &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

// ---------------------------------------------------------------------------------------
// S3 against moto.

/// A moto S3 server on a free port, stopped on drop.
struct Moto {
    child: Child,
    port: u16,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Why moto cannot run: printed and the test passes as skipped, unless
/// `GONGSHI_REQUIRE_MOTO` is set (as .ci/run does), where it fails.
fn skip(why: &str) -> Option<Moto> {
    assert!(
        std::env::var_os("GONGSHI_REQUIRE_MOTO").is_none(),
        "moto is required here (GONGSHI_REQUIRE_MOTO): {why}"
    );
    eprintln!("SKIPPED: {why}; install it: pip install 'moto[server]'");
    None
}

/// Start moto (`moto_server`, else `python3 -m moto.server`), or say why not.
fn moto() -> Option<Moto> {
    let port = free_port();
    let p = port.to_string();
    let args = ["-H", "127.0.0.1", "-p", p.as_str()];
    let spawn = |cmd: &str, pre: &[&str]| {
        Command::new(cmd)
            .args(pre)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    };
    let child = match spawn("moto_server", &[]) {
        Ok(c) => c,
        Err(_) => match spawn("python3", &["-m", "moto.server"]) {
            Ok(c) => c,
            Err(e) => return skip(&format!("neither moto_server nor python3 can start ({e})")),
        },
    };
    let mut m = Moto { child, port };
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Some(st) = m.child.try_wait().unwrap() {
            return skip(&format!("the moto server exited at start ({st})"));
        }
        if http(port, "GET", "/", b"").is_some_and(|r| r.starts_with("HTTP/1.1 200")) {
            return Some(m);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    skip("the moto server did not answer within 60 s")
}

/// One raw HTTP/1.1 request (moto does not check signatures): the whole response.
fn http(port: u16, method: &str, path: &str, body: &[u8]) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

fn bucket(m: &Moto, name: &str) -> Box<s3::Bucket> {
    let r = http(m.port, "PUT", &format!("/{name}"), b"").unwrap();
    assert!(r.starts_with("HTTP/1.1 200"), "{r}");
    let region = s3::Region::Custom {
        region: "us-east-1".into(),
        endpoint: format!("http://127.0.0.1:{}", m.port),
    };
    let creds = s3::creds::Credentials::new(Some("test"), Some("test"), None, None, None).unwrap();
    s3::Bucket::new(name, region, creds)
        .unwrap()
        .with_path_style()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Every object under `prefix/` as (key without the prefix, bytes), sorted.
fn objects(b: &s3::Bucket, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let rt = rt();
    let pages = rt.block_on(b.list(format!("{prefix}/"), None)).unwrap();
    let mut v = Vec::new();
    for page in pages {
        for o in page.contents {
            let bytes = rt.block_on(b.get_object(&o.key)).unwrap().to_vec();
            let k = o
                .key
                .strip_prefix(&format!("{prefix}/"))
                .unwrap()
                .to_string();
            v.push((k, bytes));
        }
    }
    v.sort();
    v
}

fn site_objects(b: &s3::Bucket, prefix: &str) -> Vec<(String, Vec<u8>)> {
    objects(b, prefix)
        .into_iter()
        .filter(|(k, _)| k != MANIFEST)
        .collect()
}

fn s3_target(m: &Moto, port: Option<u16>) -> Vec<String> {
    vec![
        "--bucket".into(),
        "site".into(),
        "--prefix".into(),
        "gk".into(),
        "--endpoint".into(),
        format!("http://127.0.0.1:{}", port.unwrap_or(m.port)),
        "--path-style".into(),
    ]
}

#[test]
fn s3_first_second_edit_delete_and_headers() {
    let Some(m) = moto() else { return };
    let b = bucket(&m, "site");
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    public_v1(&public);
    let t = s3_target(&m, None);
    let t: Vec<&str> = t.iter().map(String::as_str).collect();

    let o = deploy(&public, &t, &[]);
    ok(&o);
    assert_eq!(uploaded(&o).len(), 13, "{}", text(&o));
    assert_eq!(site_objects(&b, "gk"), tree(&public));

    // Content-Type with charset and Cache-Control by kind of file.
    let rt = rt();
    let want: BTreeMap<&str, (&str, &str)> = [
        ("index.html", ("text/html; charset=utf-8", "no-cache")),
        (
            "static/site.css",
            ("text/css; charset=utf-8", "public, max-age=3600"),
        ),
        (
            "static/site.js",
            ("text/javascript; charset=utf-8", "public, max-age=3600"),
        ),
        (
            "static/app.3f9a0c1e.js",
            (
                "text/javascript; charset=utf-8",
                "public, max-age=31536000, immutable",
            ),
        ),
        ("atom.xml", ("application/xml; charset=utf-8", "no-cache")),
        ("data/fees.csv", ("text/csv; charset=utf-8", "no-cache")),
        (
            "consultations/calendar.ics",
            ("text/calendar; charset=utf-8", "no-cache"),
        ),
        (
            "search/meta.json",
            ("application/json; charset=utf-8", "no-cache"),
        ),
        (
            "notices/a/fujian.pdf",
            ("application/pdf", "public, max-age=3600"),
        ),
    ]
    .into();
    for (k, (ct, cc)) in want {
        let (h, code) = rt.block_on(b.head_object(format!("gk/{k}"))).unwrap();
        assert_eq!(code, 200, "{k}");
        assert_eq!(h.content_type.as_deref(), Some(ct), "{k}");
        assert_eq!(h.cache_control.as_deref(), Some(cc), "{k}");
    }

    // No change: nothing goes up.
    let o = deploy(&public, &t, &[]);
    ok(&o);
    assert!(uploaded(&o).is_empty(), "{}", text(&o));

    // One edit, one removed record.
    write(
        &public,
        "notices/a/index.html",
        "<!doctype html><title>公示甲（更正）</title>".as_bytes(),
    );
    std::fs::remove_file(public.join("notices/a/fujian.pdf")).unwrap();
    let o = deploy(&public, &t, &[]);
    ok(&o);
    assert_eq!(uploaded(&o), vec!["notices/a/index.html"], "{}", text(&o));
    assert_eq!(site_objects(&b, "gk"), tree(&public));
    let man = rt
        .block_on(b.get_object("gk/.gongshi-deploy.json"))
        .unwrap()
        .to_vec();
    assert_eq!(manifest_paths(&man).len(), 12);
}

/// A proxy in front of moto that lets `allow` PUT requests through and then answers every
/// PUT with 500, as a failing server would.
fn failing_proxy(upstream: u16, allow: usize) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let puts = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for c in l.incoming().flatten() {
            let puts = puts.clone();
            std::thread::spawn(move || proxy_one(c, upstream, &puts, allow));
        }
    });
    port
}

/// One request per client connection, forwarded on its own upstream connection (moto
/// answers with `Connection: close`, so the client opens a new one for the next request).
fn proxy_one(mut c: TcpStream, upstream: u16, puts: &AtomicUsize, allow: usize) {
    // The request head, then Content-Length bytes of body.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match c.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let h = String::from_utf8_lossy(&head).to_string();
    let len: usize = h
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    if c.read_exact(&mut body).is_err() {
        return;
    }
    if h.starts_with("PUT ") && puts.fetch_add(1, Ordering::SeqCst) >= allow {
        let r = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\nContent-Length: 53\r\nConnection: close\r\n\r\n<Error><Code>InternalError</Code></Error>            ";
        let _ = c.write_all(r.as_bytes());
        return;
    }
    let Ok(mut u) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    let h: String = h
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n");
    let h = h.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n");
    if u.write_all(h.as_bytes()).is_err() || u.write_all(&body).is_err() {
        return;
    }
    let mut resp = Vec::new();
    if u.read_to_end(&mut resp).is_ok() {
        let _ = c.write_all(&resp);
    }
}

#[test]
fn s3_interrupted_by_a_failing_server_then_redeployed_ends_consistent() {
    let Some(m) = moto() else { return };
    let b = bucket(&m, "site");
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    public_v1(&public);
    let direct = s3_target(&m, None);
    let direct: Vec<&str> = direct.iter().map(String::as_str).collect();
    ok(&deploy(&public, &direct, &[]));
    let v1 = site_objects(&b, "gk");

    // v2: 30 new pages, index changed, the attachment gone. The server fails after the
    // journal and 10 files.
    for i in 0..30 {
        write(
            &public,
            &format!("p/{i}/index.html"),
            format!("<p>{i}</p>").as_bytes(),
        );
    }
    write(&public, "index.html", b"<!doctype html><title>v2</title>");
    std::fs::remove_file(public.join("notices/a/fujian.pdf")).unwrap();
    let proxy = failing_proxy(m.port, 11);
    let via = s3_target(&m, Some(proxy));
    let via: Vec<&str> = via.iter().map(String::as_str).collect();
    let o = deploy(&public, &via, &["--jobs", "1"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("500 InternalError"), "{}", text(&o));
    assert!(text(&o).contains("发布没有完成"), "{}", text(&o));
    // The old manifest still stands; the journal says a deploy is unfinished; nothing was
    // deleted before the new files were up.
    let objs: BTreeMap<String, Vec<u8>> = objects(&b, "gk").into_iter().collect();
    assert_eq!(manifest_paths(&objs[MANIFEST]).len(), 13);
    assert!(objs.contains_key(JOURNAL));
    assert!(objs.contains_key("notices/a/fujian.pdf"));
    // index.html sorts before p/: it and nine new pages went up.
    assert_eq!(objs.keys().filter(|k| k.starts_with("p/")).count(), 9);
    assert_ne!(
        objs["index.html"],
        v1[..].iter().find(|(k, _)| k == "index.html").unwrap().1
    );

    // v3 = v1: the pages the failed deploy wrote go, everything is v1's again.
    std::fs::remove_dir_all(&public).unwrap();
    public_v1(&public);
    let o = deploy(&public, &direct, &[]);
    ok(&o);
    assert!(text(&o).contains("上次发布没有完成"), "{}", text(&o));
    assert_eq!(site_objects(&b, "gk"), v1);
    assert!(site_objects(&b, "gk").iter().all(|(k, _)| k != JOURNAL));
    // And a further deploy has nothing to do.
    let o = deploy(&public, &direct, &[]);
    ok(&o);
    assert!(uploaded(&o).is_empty(), "{}", text(&o));
}

#[test]
fn s3_another_sites_manifest_is_refused() {
    let Some(m) = moto() else { return };
    let b = bucket(&m, "site");
    let other = r#"{"format":"gongshi-deploy-manifest","version":1,"site":"https://other.example.gov.cn/","files":{}}"#;
    rt().block_on(b.put_object("gk/.gongshi-deploy.json", other.as_bytes()))
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let public = tmp.path().join("public");
    public_v1(&public);
    let t = s3_target(&m, None);
    let t: Vec<&str> = t.iter().map(String::as_str).collect();
    let o = deploy(&public, &t, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("另一个网站"), "{}", text(&o));
    assert_eq!(objects(&b, "gk").len(), 1);
    // A bucket that does not exist is named as such.
    let mut t2 = s3_target(&m, None);
    t2[1] = "nosuch".into();
    let t2: Vec<&str> = t2.iter().map(String::as_str).collect();
    let o = deploy(&public, &t2, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("存储桶不存在"), "{}", text(&o));
}

// ---------------------------------------------------------------------------------------
// A real build.

fn build(root: &Path, out: &Path) {
    let o = Command::new(bin())
        .args(["build", "-q", "--no-cache", "--now", crate::common::NOW])
        .args([
            "--root",
            root.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    ok(&o);
}

/// On the example site, an edit to one record's body sends exactly the files that the
/// rebuild changed (its page, and whatever lists or indexes it), nothing else.
#[test]
fn a_real_edit_uploads_exactly_the_files_the_rebuild_changed() {
    let site = crate::common::site("example");
    let root = site.path();
    let public = root.join("public");
    let to = root.join("www");
    build(root, &public);
    let o = Command::new(bin())
        .args(["deploy", "-q", "--root", root.to_str().unwrap(), "--to"])
        .arg(&to)
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(mirror(&to), tree(&public));
    let before: BTreeMap<String, Vec<u8>> = tree(&public).into_iter().collect();

    let doc = root.join("content/documents/law-employment-promotion.md");
    let text_before = std::fs::read_to_string(&doc).unwrap();
    std::fs::write(&doc, format!("{text_before}\n本页于本周更新。\n")).unwrap();
    build(root, &public);
    let after: BTreeMap<String, Vec<u8>> = tree(&public).into_iter().collect();
    let mut changed: Vec<String> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    changed.sort();
    assert!(
        changed
            .iter()
            .any(|k| k.contains("law-employment-promotion")),
        "{changed:?}"
    );
    assert!(changed.len() < after.len() / 2, "{changed:?}");

    let o = Command::new(bin())
        .args(["deploy", "-v", "--root", root.to_str().unwrap(), "--to"])
        .arg(&to)
        .output()
        .unwrap();
    ok(&o);
    assert_eq!(uploaded(&o), changed, "{}", text(&o));
    assert_eq!(mirror(&to), tree(&public));
}
