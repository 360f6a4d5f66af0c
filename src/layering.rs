//! The module layering (docs/dev/architecture.md), checked on the source: every `crate::x`
//! path in `src/**.rs` is an edge from the top-level module of the file to the top-level
//! module `x`. The graph must stay acyclic, the static build must not reach the receiver or
//! the preview server, and the leaves import nothing of the crate.
//!
//! What counts: paths in code, not in comments (`//`, `///`, `//!` lines) and not in a
//! file's unit tests (everything from its first `#[cfg(test)]` line: test modules sit at the
//! end of a file). `lib.rs`, `main.rs` and this file are not modules of the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level module → (imported top-level module → files with such a path).
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// Modules of the static build: `gongshi build` and `gongshi check` run only these.
const STATIC_BUILD: &[&str] = &[
    "build",
    "calendar",
    "compliance",
    "config",
    "content",
    "diag",
    "export",
    "facts",
    "hant",
    "history",
    "lazy",
    "ledger",
    "participation",
    "pii",
    "plan",
    "render",
    "schema",
    "search",
    "urls",
    "yaml",
];

/// What the static build must not reach: the receiver (tokio, hyper, rusqlite), the preview
/// server and the command line.
const NOT_STATIC: &[&str] = &["cli", "feedback", "scaffold", "serve"];

/// Edges from the static build to [`NOT_STATIC`] that are allowed, and why. Each must still
/// exist (a stale exception is an error: remove it from this list).
const ALLOWED: &[(&str, &str, &str)] = &[(
    "build",
    "feedback",
    "`build --feedback-db` reads the receiver's chains from its database \
     (feedback::anchor::receiver_chains) to publish and check them beside the ledgers",
)];

/// Modules that import nothing of the crate but `diag` (the bottom: diagnostics and their
/// code registry, which the YAML reader's errors carry) and `hant` (the static char map
/// that folds Traditional characters, which the privacy detection reads keywords through).
const LEAVES: &[&str] = &["diag", "hant", "lazy", "ledger", "pii", "yaml"];

/// Edges that would put a step before one it follows (load → validate → facts → compliance →
/// plan → export → render → output), each with why it must not come back.
const FORBIDDEN: &[(&str, &str, &str)] = &[
    (
        "content",
        "compliance",
        "the loader takes a per-record hook (`Prescan`)",
    ),
    ("content", "facts", "facts are derived from the loaded site"),
    (
        "content",
        "plan",
        "a kind's hooks get `content::view::ViewCx` and its helpers, which plan fills",
    ),
    (
        "content",
        "export",
        "the open-data helpers a kind uses are in `content::view`",
    ),
    ("facts", "plan", "the plan reads the facts"),
    ("facts", "compliance", "the compliance rules read the facts"),
    (
        "plan",
        "export",
        "the build plans the exports after the pages",
    ),
    ("plan", "build", "the build drives the plan"),
    ("export", "build", "the build drives the exports"),
    (
        "compliance",
        "plan",
        "the rules read facts and URLs, not the plan",
    ),
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without comment lines and without its unit tests.
fn code_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        if line.trim_start().starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The top-level module names a piece of code names after `crate::`, including each first
/// segment of a `crate::{a::b, c}` group.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(is_ident) {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // First segments at depth 0 of the group: after `{` and after each `,`.
            let mut depth = 0usize;
            let mut at_start = true;
            let mut name = String::new();
            for c in group.chars() {
                if depth == 0 && at_start {
                    if is_ident(c) {
                        name.push(c);
                        continue;
                    }
                    if c.is_whitespace() && name.is_empty() {
                        continue;
                    }
                    if !name.is_empty() {
                        found.insert(std::mem::take(&mut name));
                    }
                    at_start = false;
                }
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_start = true,
                    _ => {}
                }
            }
        } else {
            let name: String = rest.chars().take_while(|c| is_ident(*c)).collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// The import graph of the crate's top-level modules.
fn graph() -> (BTreeSet<String>, Graph) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let top_of = |p: &Path| -> Option<String> {
        let rel = p.strip_prefix(&src).ok()?;
        let first = rel.components().next()?.as_os_str().to_str()?;
        Some(first.strip_suffix(".rs").unwrap_or(first).to_string())
    };
    let skip = ["lib", "main", "layering"];
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|p| top_of(p))
        .filter(|m| !skip.contains(&m.as_str()))
        .collect();
    let mut g = Graph::new();
    for p in &files {
        let Some(from) = top_of(p).filter(|m| modules.contains(m)) else {
            continue;
        };
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let rel = p
            .strip_prefix(&src)
            .unwrap_or(p)
            .to_string_lossy()
            .to_string();
        for to in crate_paths(&code_of(&text)) {
            if to != from && modules.contains(&to) {
                g.entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .insert(rel.clone());
            }
        }
    }
    (modules, g)
}

/// A cycle of the graph, if there is one (the modules in order, the first repeated last).
fn find_cycle(modules: &BTreeSet<String>, g: &Graph) -> Option<Vec<String>> {
    // 0 unvisited, 1 on the current path, 2 done.
    fn visit(
        m: &str,
        g: &Graph,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(m.to_string(), 1);
        path.push(m.to_string());
        for to in g.get(m).map(|e| e.keys()).into_iter().flatten() {
            match state.get(to).copied().unwrap_or(0) {
                1 => {
                    let start = path.iter().position(|x| x == to).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(to.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(c) = visit(to, g, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(m.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in modules {
        if state.get(m).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(m, g, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

fn describe(g: &Graph, from: &str, to: &str) -> String {
    let files = g
        .get(from)
        .and_then(|e| e.get(to))
        .map(|f| f.iter().cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    format!("{from} -> {to} ({files})")
}

#[test]
fn the_group_paths_are_read() {
    let found =
        crate_paths("use crate::{a::{b, c}, d, e::f};\nlet x = crate::g::h();\nmy_crate::i");
    let want: BTreeSet<String> = ["a", "d", "e", "g"].iter().map(|s| s.to_string()).collect();
    assert_eq!(found, want);
    assert!(
        crate_paths("// crate::x\n").contains("x"),
        "code_of strips comments, not this"
    );
    assert!(!crate_paths(&code_of("// crate::x\n#[cfg(test)]\ncrate::y")).contains("y"));
}

#[test]
fn the_module_graph_has_no_circle() {
    let (modules, g) = graph();
    assert!(modules.len() > 20, "the modules were found: {modules:?}");
    if let Some(cycle) = find_cycle(&modules, &g) {
        let edges: Vec<String> = cycle
            .windows(2)
            .map(|w| describe(&g, &w[0], &w[1]))
            .collect();
        panic!(
            "import circle between top-level modules (see docs/dev/architecture.md):\n  {}",
            edges.join("\n  ")
        );
    }
}

#[test]
fn the_static_build_does_not_reach_the_servers() {
    let (_, g) = graph();
    let allowed = |from: &str, to: &str| ALLOWED.iter().any(|(f, t, _)| *f == from && *t == to);
    let mut problems = Vec::new();
    for (from, to, why) in ALLOWED {
        if !g.get(*from).is_some_and(|e| e.contains_key(*to)) {
            problems.push(format!(
                "stale exception {from} -> {to} ({why}): remove it from ALLOWED"
            ));
        }
    }
    for start in STATIC_BUILD {
        // Everything `start` reaches, not following the allowed edges.
        let mut seen = BTreeSet::new();
        let mut todo = vec![(start.to_string(), vec![start.to_string()])];
        while let Some((m, path)) = todo.pop() {
            for to in g.get(&m).map(|e| e.keys()).into_iter().flatten() {
                if allowed(&m, to) || !seen.insert(to.clone()) {
                    continue;
                }
                let mut p = path.clone();
                p.push(to.clone());
                if NOT_STATIC.contains(&to.as_str()) {
                    let edges: Vec<String> =
                        p.windows(2).map(|w| describe(&g, &w[0], &w[1])).collect();
                    problems.push(format!("{start} reaches {to}: {}", edges.join("; ")));
                }
                todo.push((to.clone(), p));
            }
        }
    }
    for leaf in LEAVES {
        if let Some(e) = g.get(*leaf) {
            let edges: Vec<String> = e
                .keys()
                .filter(|to| !matches!(to.as_str(), "diag" | "hant"))
                .map(|to| describe(&g, leaf, to))
                .collect();
            if edges.is_empty() {
                continue;
            }
            problems.push(format!("the leaf {leaf} imports {}", edges.join("; ")));
        }
    }
    for (from, to, why) in FORBIDDEN {
        if g.get(*from).is_some_and(|e| e.contains_key(*to)) {
            problems.push(format!("{} — but {why}", describe(&g, from, to)));
        }
    }
    assert!(
        problems.is_empty(),
        "layering broken:\n  {}",
        problems.join("\n  ")
    );
}
