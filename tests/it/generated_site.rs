//! The synthetic site generator (examples/gen_site) and gongshi at scale: correctness only,
//! never timings.

use crate::synth;

use gongshi::build::{self, BuildError, BuildOptions};
use std::error::Error;
use std::path::Path;

type TestResult = Result<(), Box<dyn Error>>;

fn opts(records: usize, seed: u64, format: synth::Format) -> synth::Options {
    synth::Options {
        records,
        seed,
        format,
    }
}

type Tree = Vec<(String, Vec<u8>)>;

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &Path) -> Result<Tree, Box<dyn Error>> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e?;
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir)?.to_string_lossy().into_owned();
            out.push((rel, std::fs::read(e.path())?));
        }
    }
    Ok(out)
}

#[test]
fn same_seed_gives_identical_trees() -> TestResult {
    let tmp = tempfile::tempdir()?;
    for format in [synth::Format::Gongshi, synth::Format::Markdown] {
        let a = tmp.path().join(format!("{format:?}-a"));
        let b = tmp.path().join(format!("{format:?}-b"));
        let sa = synth::generate(&opts(200, 7, format), &a)?;
        let sb = synth::generate(&opts(200, 7, format), &b)?;
        assert_eq!(sa, sb);
        let (ta, tb) = (tree(&a)?, tree(&b)?);
        assert!(ta.len() > 200);
        assert!(ta == tb, "{format:?}: two runs with seed 7 differ");
    }
    // Another seed gives another site.
    let c = synth::files(&opts(200, 8, synth::Format::Gongshi));
    let a = synth::files(&opts(200, 7, synth::Format::Gongshi));
    assert_ne!(a, c);
    Ok(())
}

#[test]
fn spread_looks_like_a_bureau() {
    let files = synth::files(&opts(1000, 1, synth::Format::Gongshi));
    let count = |folder: &str| {
        files
            .keys()
            .filter(|k| {
                k.starts_with(&format!("content/{folder}/"))
                    && (k.ends_with(".md") || k.ends_with(".yaml"))
            })
            .count()
    };
    assert_eq!(count("enforcement"), 550);
    assert_eq!(count("documents"), 300);
    assert_eq!(count("pages"), 3);
    let total: usize = [
        "duties",
        "procedures",
        "fees",
        "permits",
        "consultations",
        "replies",
        "documents",
        "enforcement",
    ]
    .iter()
    .map(|f| count(f))
    .sum();
    assert_eq!(total, 1000);
    // Every permit has its sample form beside it.
    let permits = files
        .keys()
        .filter(|k| k.starts_with("content/permits/") && k.ends_with("/index.md"))
        .count();
    let forms = files
        .keys()
        .filter(|k| k.starts_with("content/permits/") && k.ends_with("/shenqingshu.docx"))
        .count();
    assert_eq!(permits, forms);
}

/// GB 32100-2015, written independently of the generator.
fn valid_credit_code(code: &str) -> bool {
    const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let values: Option<Vec<usize>> = code.chars().map(|c| ALPHABET.find(c)).collect();
    let Some(v) = values else { return false };
    if v.len() != 18 {
        return false;
    }
    let sum: usize = v.iter().zip(WEIGHTS).map(|(a, w)| a * w).sum();
    v[17] == (31 - sum % 31) % 31
}

#[test]
fn credit_codes_have_valid_check_characters() {
    let mut rng = synth::Rng::new(3);
    for kind in [1, 2, 5] {
        for _ in 0..200 {
            let c = synth::credit_code(&mut rng, kind);
            assert!(valid_credit_code(&c), "{c}");
        }
    }
}

#[test]
fn index_numbers_stay_five_digits_past_99999() {
    // The 100,000th numbered record moves to the previous year instead of a sixth digit.
    let files = synth::files(&opts(100_010, 1, synth::Format::Gongshi));
    let mut seen = std::collections::HashSet::new();
    for (path, bytes) in &files {
        if !(path.ends_with(".md") || path.ends_with(".yaml")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        if let Some(line) = text.lines().find(|l| l.starts_with("index_no: ")) {
            let no = line.trim_start_matches("index_no: ").to_string();
            assert!(
                gongshi::content::validate::index_no_ok(&no, "ZJRSJ"),
                "{path}: {no}"
            );
            assert!(seen.insert(no), "{path}: duplicate index_no");
        }
    }
    assert_eq!(seen.len(), 100_010);
    assert!(seen.contains("ZJRSJ/2025-00011"));
}

/// The core issue's scale test: a site with 1,000 generated records builds.
#[test]
fn a_site_with_1000_generated_records_builds() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path().join("site");
    synth::generate(&opts(1000, 1, synth::Format::Gongshi), &root)?;
    let out = tmp.path().join("public");
    let build_opts = BuildOptions {
        root: root.clone(),
        out: Some(out.clone()),
        now: "2026-11-25T10:00:00+08:00".parse()?,
        drafts: false,
        strict: false,
        feedback_db: None,
    };
    let report = match build::build(&build_opts, &|_, _| {}) {
        Ok(r) => r,
        Err(BuildError::Content(ds)) => {
            return Err(gongshi::diag::render_text(&ds).into());
        }
        Err(BuildError::Io(e)) => return Err(e.into()),
    };
    assert_eq!(report.records, 1003);
    // Notes (提示) such as "expired, taken down automatically" are expected; nothing worse,
    // except the missing 救济途径 of generated penalty decisions (the generator, like the 10k
    // baseline site it made, writes none of the fields added since).
    let problems: Vec<_> = report
        .warnings
        .iter()
        .filter(|d| d.severity != gongshi::diag::Severity::Info)
        .filter(|d| d.code != gongshi::diag::Code::EnforcementNoRemedy)
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
    assert!(out.join("index.html").is_file());
    assert!(out.join("enforcement/page/2/index.html").is_file());
    assert!(out.join("permits/permit-0001/shenqingshu.docx").is_file());
    // A no-op rebuild writes nothing new and gives the same tree.
    let before = tree(&out)?;
    let again = match build::build(&build_opts, &|_, _| {}) {
        Ok(r) => r,
        Err(_) => return Err("second build failed".into()),
    };
    assert_eq!(again.written, 0);
    assert!(before == tree(&out)?, "a rebuild changed the output");
    Ok(())
}

/// The batched build writes exactly what rendering the whole site in memory gives.
#[test]
fn batched_build_equals_in_memory_render() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path().join("site");
    synth::generate(&opts(1500, 5, synth::Format::Gongshi), &root)?;
    let build_opts = BuildOptions {
        root: root.clone(),
        out: Some(tmp.path().join("batched")),
        now: "2026-11-25T10:00:00+08:00".parse()?,
        drafts: false,
        strict: false,
        feedback_db: None,
    };
    if build::build(&build_opts, &|_, _| {}).is_err() {
        return Err("batched build failed".into());
    }
    let Ok(rendered) = build::render_site(&build_opts, &|_, _| {}) else {
        return Err("render_site failed".into());
    };
    gongshi::build::output::write_site(&tmp.path().join("memory"), rendered.files)?;
    let (a, b) = (
        tree(&tmp.path().join("batched"))?,
        tree(&tmp.path().join("memory"))?,
    );
    assert_eq!(a.len(), b.len());
    assert!(a == b, "batched and in-memory builds differ");
    Ok(())
}

/// The addresses `attr="…"` in `html` that follow `marker` (e.g. the rows' `<a href="`).
fn hrefs_after(html: &str, marker: &str) -> Vec<String> {
    html.split(marker)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

/// The page's `rel="next"` link, if any.
fn next_of(html: &str) -> Option<String> {
    let at = html.find("\" rel=\"next\"")?;
    let start = html[..at].rfind("href=\"")? + "href=\"".len();
    Some(html[start..at].to_string())
}

/// Follow the pager from `first` (a site URL): every page's catalogue rows (their links), and
/// the pages visited.
fn catalogue_rows(out: &Path, first: &str) -> Result<(Vec<String>, Vec<String>), Box<dyn Error>> {
    let (mut rows, mut pages) = (Vec::new(), Vec::new());
    let mut url = Some(first.to_string());
    while let Some(u) = url {
        let html = std::fs::read_to_string(out.join(u.trim_start_matches('/')).join("index.html"))?;
        let here = hrefs_after(&html, "<td data-label=\"名称\"><a href=\"");
        assert!(
            !here.is_empty() && here.len() <= 20,
            "{u}: {} rows",
            here.len()
        );
        rows.extend(here);
        assert!(!pages.contains(&u), "{u}: the pager goes round in a circle");
        pages.push(u);
        url = next_of(&html);
    }
    Ok((rows, pages))
}

/// The catalogue and its facet pages are paginated (20 rows a page on this site), linked from
/// one to the next, and together list every listed record exactly once; the site map page
/// lists the sections and the catalogue, not every record.
#[test]
fn the_catalogue_is_paginated_and_lists_every_listed_record_once() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let root = tmp.path().join("site");
    synth::generate(&opts(1000, 1, synth::Format::Gongshi), &root)?;
    let out = tmp.path().join("public");
    let build_opts = BuildOptions {
        root,
        out: Some(out.clone()),
        now: "2026-11-25T10:00:00+08:00".parse()?,
        drafts: false,
        strict: false,
        feedback_db: None,
    };
    if build::build(&build_opts, &|_, _| {}).is_err() {
        return Err("build failed".into());
    }
    // The listed records, from sitemap.xml (withdrawn and expired decisions are not in it):
    // `/<section>/<id>/` of a section folder.
    let sections = [
        "duties",
        "documents",
        "procedures",
        "fees",
        "permits",
        "consultations",
        "enforcement",
        "replies",
    ];
    let xml = std::fs::read_to_string(out.join("sitemap.xml"))?;
    let origin = "https://rsj.zhijiang.example.gov.cn";
    let mut listed: Vec<String> = hrefs_after(&xml, "<loc>")
        .into_iter()
        .filter_map(|l| {
            l.split('<')
                .next()
                .map(|u| u.trim_start_matches(origin).to_string())
        })
        .filter(|u| {
            let segs: Vec<&str> = u.trim_matches('/').split('/').collect();
            segs.len() == 2 && sections.contains(&segs[0]) && segs[1] != "page"
        })
        .collect();
    listed.sort();
    assert!(listed.len() > 900, "{} listed records", listed.len());

    // The main catalogue: page after page, every listed record once.
    let (mut rows, pages) = catalogue_rows(&out, "/catalog/")?;
    assert_eq!(pages.len(), listed.len().div_ceil(20));
    assert_eq!(pages[1], "/catalog/page/2/");
    let on_disk = std::fs::read_dir(out.join("catalog/page"))?.count();
    assert_eq!(
        on_disk + 1,
        pages.len(),
        "a catalogue page no pager reaches"
    );
    rows.sort();
    assert!(
        rows == listed,
        "the catalogue pages do not list every listed record once"
    );
    assert!(xml.contains(&format!("<loc>{origin}/catalog/page/2/</loc>")));

    // Each facet: its values' pages, each paginated, together list every listed record once.
    let main = std::fs::read_to_string(out.join("catalog/index.html"))?;
    for segment in ["category", "year", "org"] {
        let values: Vec<String> = hrefs_after(&main, "<a href=\"")
            .into_iter()
            .filter(|u| u.starts_with(&format!("/catalog/{segment}/")) && !u.contains("/page/"))
            .collect();
        assert!(!values.is_empty(), "no {segment} facet on the catalogue");
        let mut all = Vec::new();
        for v in &values {
            let (rows, pages) = catalogue_rows(&out, v)?;
            let html =
                std::fs::read_to_string(out.join(v.trim_start_matches('/')).join("index.html"))?;
            assert!(
                html.contains(&format!("共 {} 条", rows.len())),
                "{v}: count"
            );
            if pages.len() > 1 {
                assert_eq!(pages[1], format!("{v}page/2/"));
            }
            all.extend(rows);
        }
        all.sort();
        assert!(
            all == listed,
            "the {segment} facet does not list every listed record once"
        );
    }

    // The site map page: sections and catalogue, not every record.
    let sitemap = std::fs::read_to_string(out.join("sitemap/index.html"))?;
    for s in sections {
        assert!(
            sitemap.contains(&format!("href=\"/{s}/\"")),
            "{s} missing from the site map"
        );
    }
    assert!(sitemap.contains("href=\"/catalog/\""));
    assert!(sitemap.contains("href=\"/about/\""));
    assert!(!sitemap.contains(&format!("href=\"{}\"", listed[0])));
    Ok(())
}

/// The cheapest Zola site (`--format zola`) is the first one (`zola-get-section`) with another
/// home page: the same files and page texts, except that every page of a section names that
/// section as its term of the unrendered `section` taxonomy the home page counts with.
#[test]
fn cheap_zola_site_differs_only_in_home_page_and_section_terms() {
    let cheap = synth::files(&opts(300, 5, synth::Format::Zola));
    let first = synth::files(&opts(300, 5, synth::Format::ZolaGetSection));
    assert_eq!(
        cheap.keys().collect::<Vec<_>>(),
        first.keys().collect::<Vec<_>>()
    );
    let text = |b: &Vec<u8>| String::from_utf8_lossy(b).into_owned();
    let mut terms = 0;
    for (path, bytes) in &cheap {
        let (a, b) = (text(bytes), text(&first[path]));
        match path.as_str() {
            "config.toml" => {
                assert!(a.contains("taxonomies = [{ name = \"section\", render = false }]"));
                assert!(!b.contains("taxonomies"));
                assert_eq!(a.lines().filter(|l| !b.contains(l)).count(), 2, "{a}");
            }
            "templates/index.html" => {
                assert!(a.contains("get_taxonomy_term(kind=\"section\""));
                assert_eq!(a.matches("get_section(").count(), 3);
                assert!(b.contains("get_section(path=s ~"));
            }
            p if p.starts_with("content/") && p.ends_with(".md") && !p.ends_with("_index.md") => {
                let folder = p.split('/').nth(1).unwrap_or("");
                let line = format!("[taxonomies]\nsection = [\"{folder}\"]\n");
                if p.matches('/').count() == 1 {
                    // A free page at the content root: in no section.
                    assert_eq!(a, b, "{p}");
                } else {
                    assert_eq!(a.replacen(&line, "", 1), b, "{p}");
                    assert!(a.contains(&line), "{p}");
                    terms += 1;
                }
            }
            _ => assert_eq!(a, b, "{path}"),
        }
    }
    assert_eq!(terms, 300);
}
