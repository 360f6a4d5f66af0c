//! Fallbacks for old engines: 360/QQ browsers in 兼容模式 (an IE11-class engine) ignore every
//! declaration that uses a custom property, which left the header white on white. At build
//! time each declaration using `var(--x)` is preceded by a copy with the values of `:root`
//! (or the `var()`'s own fallback) written out; an engine that knows custom properties takes
//! the second declaration, an old one keeps the first.

use std::collections::BTreeMap;

/// The custom properties the first `:root{…}` rule defines.
fn root_values(css: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(start) = css.find(":root{") else {
        return out;
    };
    let body = &css[start + ":root{".len()..];
    let body = body.split('}').next().unwrap_or("");
    for decl in body.split(';') {
        if let Some((k, v)) = decl.split_once(':') {
            let k = k.trim();
            if k.starts_with("--") {
                out.insert(k.to_string(), v.trim().to_string());
            }
        }
    }
    out
}

/// `value` with every `var(--x)` / `var(--x, fallback)` replaced by the `:root` value (or the
/// fallback); `None` when one has neither.
fn resolve(value: &str, root: &BTreeMap<String, String>, depth: u8) -> Option<String> {
    if depth > 8 {
        return None;
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(i) = rest.find("var(") {
        out.push_str(&rest[..i]);
        let inner_start = i + "var(".len();
        // The matching parenthesis (a fallback may hold its own).
        let mut level = 1u32;
        let mut end = None;
        for (j, c) in rest[inner_start..].char_indices() {
            match c {
                '(' => level += 1,
                ')' => {
                    level -= 1;
                    if level == 0 {
                        end = Some(inner_start + j);
                        break;
                    }
                }
                _ => {}
            }
        }
        let end = end?;
        let inner = &rest[inner_start..end];
        let (name, fallback) = match inner.split_once(',') {
            Some((n, f)) => (n.trim(), Some(f.trim())),
            None => (inner.trim(), None),
        };
        let v = root.get(name).map(String::as_str).or(fallback)?;
        out.push_str(&resolve(v, root, depth + 1)?);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// The stylesheet with a fallback declaration before every declaration that uses `var()`.
pub(crate) fn with_fallbacks(css: &str) -> String {
    let root = root_values(css);
    let mut out = String::with_capacity(css.len() + css.len() / 4);
    // Declarations are the runs between `{`/`;` and `;`/`}`; a selector never holds `var(`.
    let mut start = 0;
    for (i, c) in css.char_indices() {
        if !matches!(c, ';' | '}' | '{') {
            continue;
        }
        let piece = &css[start..i];
        let fallback = piece.split_once(':').and_then(|(prop, value)| {
            let p = prop.trim();
            let is_decl = c != '{'
                && !p.starts_with("--")
                && !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'-');
            (is_decl && value.contains("var("))
                .then(|| resolve(value, &root, 0))
                .flatten()
                .map(|v| format!("{prop}:{v};"))
        });
        if let Some(f) = fallback {
            // Keep leading blanks before the copy, then the original declaration.
            let lead = piece.len() - piece.trim_start().len();
            out.push_str(&piece[..lead]);
            out.push_str(f.trim_start());
            out.push_str(&piece[lead..]);
        } else {
            out.push_str(piece);
        }
        out.push(c);
        start = i + c.len_utf8();
    }
    out.push_str(&css[start..]);
    out
}

/// Declarations that use `var()` without a fallback declaration just before them (for the
/// test of the generated stylesheet).
#[cfg(test)]
fn missing_fallbacks(css: &str) -> Vec<String> {
    let decls: Vec<&str> = css
        .split(['{', '}', ';'])
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    let mut missing = Vec::new();
    for (i, d) in decls.iter().enumerate() {
        let Some((prop, value)) = d.split_once(':') else {
            continue;
        };
        if prop.trim().starts_with("--") || !value.contains("var(") {
            continue;
        }
        let ok = i > 0
            && decls[i - 1]
                .split_once(':')
                .is_some_and(|(p, v)| p.trim() == prop.trim() && !v.contains("var("));
        if !ok {
            missing.push((*d).to_string());
        }
    }
    missing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_var_gets_a_fallback_from_root() {
        let css = ":root{--red:#a4121a;--fs:17px;--b:var(--red)}\n.m{background:var(--red);color:#fff}\nhtml{font-size:var(--fs)}\n.x:hover{border:1px solid var(--b)}\n.y{color:var(--nope,#000)}\nhtml.hc{--red:#000}";
        let out = with_fallbacks(css);
        assert!(
            out.contains(".m{background:#a4121a;background:var(--red);color:#fff}"),
            "{out}"
        );
        assert!(
            out.contains("html{font-size:17px;font-size:var(--fs)}"),
            "{out}"
        );
        assert!(
            out.contains(".x:hover{border:1px solid #a4121a;border:1px solid var(--b)}"),
            "{out}"
        );
        assert!(
            out.contains(".y{color:#000;color:var(--nope,#000)}"),
            "{out}"
        );
        assert!(out.contains("html.hc{--red:#000}"), "{out}");
        assert!(
            missing_fallbacks(&out).is_empty(),
            "{:?}",
            missing_fallbacks(&out)
        );
        assert_eq!(missing_fallbacks(css).len(), 4);
    }

    #[test]
    fn the_default_theme_stylesheet_has_a_fallback_for_every_var() {
        let css = include_str!("../../themes/default/static/site.css");
        let out = with_fallbacks(css);
        assert_eq!(missing_fallbacks(&out), Vec::<String>::new());
        // Without the custom properties (an engine that ignores them), the header is red.
        let stripped: String = out
            .split(';')
            .filter(|d| !d.contains("var("))
            .collect::<Vec<_>>()
            .join(";");
        assert!(
            stripped.contains(".masthead{background:#a4121a"),
            "{stripped}"
        );
    }
}
