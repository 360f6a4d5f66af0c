//! Search quality on the example site: the built index, queried by the real `search.js` under
//! node (skipped when node is absent), returns the intended record first for a title, a body
//! phrase, a 文号, a case number and a party's credit code; withdrawn decisions are not indexed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common::*;
use std::process::Command;

const DRIVER: &str = r#"
const s = require(process.argv[2]), fs = require('fs'), path = require('path');
const dir = process.argv[3], queries = JSON.parse(process.argv[4]);
const eng = s.createEngine(p => new Promise(ok => ok(JSON.parse(fs.readFileSync(path.join(dir, 'search', p), 'utf8')))));
(async () => {
  const out = {};
  for (const q of queries) {
    const r = await eng.search(q);
    const ds = await eng.docs(r.results.slice(0, 5).map(x => x.id));
    out[q] = ds.map(d => d.url);
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
    let cases = [
        (
            "不定时工作制和综合计算工时工作制审批",
            "permits/working-hours/",
        ),
        ("劳务派遣经营许可", "permits/labor-dispatch/"),
        ("农民工工资专用账户代发", "enforcement/2026-fa-014/"),
        (
            "枝人社发〔2026〕12号",
            "documents/enforcement-publicity-system/",
        ),
        ("枝人社罚〔2026〕14号", "enforcement/2026-fa-014/"),
        ("〔2026〕14号", "enforcement/2026-fa-014/"),
        ("91420583MA49XR3D1H", "enforcement/2026-fa-014/"),
    ];
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
    let answers: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&r.stdout).unwrap();
    for (q, want) in cases {
        let got = &answers[q];
        assert!(
            got.first()
                .is_some_and(|u| u.trim_start_matches('/') == want),
            "{q}: {got:?}"
        );
    }
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
