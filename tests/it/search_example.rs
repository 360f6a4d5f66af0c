//! Search quality on the example site: the built index, queried by the real `search.js` under
//! node (skipped when node is absent) with the search page's synonym list, returns the
//! intended record first for each everyday query of `tests/fixtures/search/everyday.txt`
//! (titles, body phrases, questions, everyday names, Traditional characters, 文号 in any
//! bracket style, 索引号, consultations); withdrawn decisions are not indexed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use std::process::Command;

const DRIVER: &str = r#"
const s = require(process.argv[2]), fs = require('fs'), path = require('path');
const dir = process.argv[3], queries = JSON.parse(process.argv[4]);
const read = p => fs.readFileSync(path.join(dir, p), 'utf8');
const syn = /data-synonyms="([^"]*)"/.exec(read('search/index.html'));
const eng = s.createEngine(p => new Promise(ok => ok(JSON.parse(read('search/' + p)))),
  () => Promise.resolve(JSON.parse(read('static/t2s.json'))), { synonyms: syn ? syn[1] : '' });
(async () => {
  const out = {};
  for (const q of queries) {
    const r = await eng.search(q);
    const ds = await eng.docs(r.results.slice(0, 5).map(x => x.id));
    out[q] = { n: r.results.length, urls: ds.map(d => d.url) };
  }
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
"#;

#[test]
fn example_site_queries_find_the_intended_record_first() {
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("node not found: skipping");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    build_example(out.path());
    let fixture =
        std::fs::read_to_string(repo().join("tests/fixtures/search/everyday.txt")).unwrap();
    let cases: Vec<(&str, &str, Option<usize>)> = fixture
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut f = l.split('\t');
            let q = f.next().unwrap();
            let want = f
                .next()
                .unwrap_or_else(|| panic!("no expected result: {l}"));
            (q, want, f.next().map(|n| n.parse().unwrap()))
        })
        .collect();
    assert!(cases.len() >= 15);
    // The page carries the shipped synonym list.
    let page = std::fs::read_to_string(out.path().join("search/index.html")).unwrap();
    assert!(page.contains("data-synonyms=\"") && page.contains("失业保险金=失业金"));
    let driver = out.path().join("driver.js");
    std::fs::write(&driver, DRIVER).unwrap();
    let queries: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let script = repo().join("themes/default/static/search.js");
    let r = Command::new("node")
        .arg(&driver)
        .arg(&script)
        .arg(out.path())
        .arg(serde_json::to_string(&queries).unwrap())
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let answers: std::collections::BTreeMap<String, serde_json::Value> =
        serde_json::from_slice(&r.stdout).unwrap();
    let mut wrong = Vec::new();
    for (q, want, most) in cases {
        let got = &answers[q];
        let first = got["urls"][0].as_str().unwrap_or("");
        let n = got["n"].as_u64().unwrap_or(0) as usize;
        if first.trim_start_matches('/') != want || most.is_some_and(|m| n > m) {
            wrong.push(format!(
                "{q}: want {want} (at most {most:?} results), got {n}: {}",
                got["urls"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The revoked decision (2026-fa-013) is in no shard or document chunk.
    for f in walkdir::WalkDir::new(out.path().join("search"))
        .into_iter()
        .filter_map(|e| e.ok())
    {
        if f.file_type().is_file() {
            let t = std::fs::read_to_string(f.path()).unwrap();
            assert!(
                !t.contains("2026-fa-013") && !t.contains("枝人社罚〔2026〕13号"),
                "{}",
                f.path().display()
            );
        }
    }
}
