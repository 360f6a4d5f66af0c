//! Embeds the default theme (`themes/default/`) into the binary as a list of files, and turns
//! OpenCC's Traditional → Simplified character table (`data/opencc/TSCharacters.txt`) into the
//! static char map of `src/hant.rs`.

use std::fmt::Write;
use std::path::Path;

fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, root, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&manifest).join("themes/default");
    println!("cargo:rerun-if-changed=themes/default");
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    let mut code = String::from("/// The default theme's files: (path under themes/default, bytes).\npub(crate) static THEME_FILES: &[(&str, &[u8])] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed=themes/default/{f}");
        let _ = writeln!(code, "    ({f:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/themes/default/{f}\"))),");
    }
    let out = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    println!("cargo:rerun-if-changed=data/opencc/TSCharacters.txt");
    let table = std::fs::read_to_string(Path::new(&manifest).join("data/opencc/TSCharacters.txt"))
        .map_err(|e| e.to_string())
        .and_then(|t| t2s_pairs(&t));
    let t2s = match table {
        Ok(pairs) => {
            // The same map for the browser: the theme's `static/t2s.json`, one JSON string of
            // (Traditional, Simplified) character pairs, which search.js loads for a query
            // with a CJK character.
            let json: String = std::iter::once('"')
                .chain(pairs.iter().flat_map(|&(k, v)| [k, v]))
                .chain(std::iter::once('"'))
                .collect();
            let _ = std::fs::write(Path::new(&out).join("t2s.json"), json);
            code.push_str("    (\"static/t2s.json\", include_bytes!(concat!(env!(\"OUT_DIR\"), \"/t2s.json\"))),\n");
            t2s_code(&pairs)
        }
        Err(e) => format!(
            "compile_error!({:?});\n",
            format!("data/opencc/TSCharacters.txt: {e}")
        ),
    };
    code.push_str("];\n");
    let _ = std::fs::write(Path::new(&out).join("theme_files.rs"), code);
    let _ = std::fs::write(Path::new(&out).join("t2s.rs"), t2s);
}

/// `TRAD<TAB>SIMP [SIMP…]` lines → (Traditional, Simplified) pairs sorted by the Traditional
/// character (the first candidate). Identity pairs and pairs whose UTF-8 lengths differ are
/// left out: folding then never changes a text's byte offsets (the left-out pairs are rare
/// Extension A/B characters such as 㑮 → 𫝈).
fn t2s_pairs(table: &str) -> Result<Vec<(char, char)>, String> {
    let mut pairs = Vec::new();
    for (i, line) in table.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let bad = || {
            format!(
                "line {}: expected one character, a tab and its simplified forms",
                i + 1
            )
        };
        let (k, v) = line.split_once('\t').ok_or_else(bad)?;
        let mut kc = k.chars();
        let key = kc.next().ok_or_else(bad)?;
        let val = v.split(' ').next().and_then(|v| {
            let mut vc = v.chars();
            let c = vc.next()?;
            vc.next().is_none().then_some(c)
        });
        let val = val.ok_or_else(bad)?;
        if kc.next().is_some()
            || [key, val]
                .iter()
                .any(|c| matches!(c, '"' | '\\') || c.is_control())
        {
            return Err(bad());
        }
        if key != val && key.len_utf8() == val.len_utf8() {
            pairs.push((key, val));
        }
    }
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| p.0);
    Ok(pairs)
}

/// The Rust source of the map: the pairs and a bitset of their BMP keys.
fn t2s_code(pairs: &[(char, char)]) -> String {
    let mut bits = vec![0u64; 1024];
    for &(k, _) in pairs {
        let u = u32::from(k) as usize;
        if u < 0x10000 {
            bits[u / 64] |= 1 << (u % 64);
        }
    }
    let mut code = String::from("/// OpenCC's TSCharacters (first candidates), sorted by the Traditional character.\nstatic T2S: &[(char, char)] = &[\n");
    for (k, v) in pairs {
        let _ = writeln!(code, "    ({k:?}, {v:?}),");
    }
    code.push_str("];\n/// Bit `u` is set when U+`u` (in the BMP) is a key of [`T2S`].\nstatic BMP_KEYS: [u64; 1024] = [\n");
    for b in &bits {
        let _ = writeln!(code, "    {b:#x},");
    }
    code.push_str("];\n");
    code
}
