#!/usr/bin/env python3
"""Convert diagnostic codes written as string literals to the `Code` enum.

    python3 dev/convert-codes.py        (from the repository root; runs `cargo fmt --all`)

The registry is src/diag/code.rs (`Variant = "family.name",`). This script:

1. types the code fields: `code: &'static str` becomes `code: Code` (Diagnostic and its
   constructors, the YAML reader's error), privacy_lint's `code_of` returns `Code`;
2. replaces every string literal that is exactly a registered name, anywhere under src/
   (outside the registry), by `Code::Variant`; placeholder codes in unit tests
   (`Diagnostic::error("x", …)`) become real ones;
3. removes the build memo's interning of code strings (`fn intern`, `Box::leak`): a stored
   diagnostic keeps its `Code`, which reads back only if registered;
4. adds `use crate::diag::Code;` where a file now names `Code` without importing it.

It is idempotent: run it again after merging branches that add call sites with string
literals; it changes only what is not converted yet. Prints the files it changed.
"""

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
REGISTRY = SRC / "diag" / "code.rs"

# Codes in unit tests that only stand for "some code": a registered one of the same role.
PLACEHOLDERS = {
    "x": "schema.unknown-field",
    "y": "config.syntax",
    "a": "schema.bad-value",
    "e": "schema.missing-field",
    "w": "schema.wrong-type",
}


def registry():
    text = REGISTRY.read_text(encoding="utf-8")
    body = text[text.index("codes! {") :]
    pairs = re.findall(r'^\s*([A-Z][A-Za-z0-9]*) = "([^"]+)",', body, re.M)
    if not pairs:
        sys.exit("no codes found in src/diag/code.rs")
    return {name: variant for variant, name in pairs}


def test_module_start(text):
    """Offset of the first `#[cfg(test)] mod tests {`, or None."""
    m = re.search(r"^#\[cfg\(test\)\]\s*\nmod tests \{", text, re.M)
    return m.start() if m else None


def add_import(path, text):
    """`use crate::diag::Code;` where the file names `Code` and nothing brings it in."""
    if path in (SRC / "diag" / "mod.rs", REGISTRY):
        return text
    if re.search(r"\buse crate::diag::(Code\b|\{[^}]*\bCode\b)", text) or re.search(
        r"\buse super::Code\b", text
    ):
        return text
    # `Code` or `Code::X`, not some other enum's variant (`Event::Code`).
    uses = [m.start() for m in re.finditer(r"(?<!::)\bCode\b", text)]
    if not uses:
        return text
    tests = test_module_start(text)
    if tests is not None and all(u > tests for u in uses):
        # Only the tests name it: import it there (after `use super::*;`).
        m = re.compile(r"^(\s*)use super::\*;\n", re.M).search(text, tests)
        if m:
            return text[: m.end()] + f"{m.group(1)}use crate::diag::Code;\n" + text[m.end() :]
        m = re.compile(r"^mod tests \{\n", re.M).search(text, tests)
        return text[: m.end()] + "    use crate::diag::Code;\n" + text[m.end() :]
    # At the top: into an existing `use crate::diag::…;`, else before the first `use`.
    m = re.search(r"^use crate::diag::(?:\{([^}]*)\}|(\w+));\n", text, re.M)
    if m:
        items = m.group(1) if m.group(1) is not None else m.group(2)
        merged = f"use crate::diag::{{Code, {items.strip()}}};\n"
        return text[: m.start()] + merged + text[m.end() :]
    m = None
    for m in re.finditer(r"^use [^;]*;\n", text, re.M):
        break
    if m is None:
        # No `use` yet: after the module's inner doc comment.
        docs = re.match(r"(?://![^\n]*\n)*\n?", text)
        at = docs.end() if docs else 0
        return text[:at] + "use crate::diag::Code;\n\n" + text[at:]
    return text[: m.start()] + "use crate::diag::Code;\n" + text[m.start() :]


def unintern(text):
    """The build memo: store a `Code`, no interning of code strings."""
    if "fn intern(code: String)" not in text:
        return text
    text = re.sub(
        r"(struct StoredDiagnostic \{[^}]*?\bcode: )String,", r"\1Code,", text, flags=re.S
    )
    text = text.replace("code: d.code.to_string(),", "code: d.code,")
    text = text.replace("code: intern(self.code),", "code: self.code,")
    text = re.sub(
        r"\n(?:///[^\n]*\n)*fn intern\(code: String\) -> &'static str \{\n.*?\n\}\n",
        "\n",
        text,
        flags=re.S,
    )
    return text


def convert(path, text, codes):
    out = text
    if path == SRC / "diag" / "mod.rs" or re.search(r"\bpub code: &'static str,", out):
        out = re.sub(r"\bcode: &'static str\b", "code: Code", out)
    out = re.sub(
        r"(fn code_of\([^)]*\)) -> &'static str\b", r"\1 -> Code", out
    )
    out = re.sub(
        r'(Diagnostic::(?:error|warning|info)\(\s*)"([a-z])"',
        lambda m: m.group(1) + f'"{PLACEHOLDERS.get(m.group(2), m.group(2))}"',
        out,
    )

    def literal(m):
        name = m.group(1)
        return f"Code::{codes[name]}" if name in codes else m.group(0)

    # A whole literal, not a raw string, not inside a longer one.
    out = re.sub(r'(?<![\w#\\])"([a-z][a-z0-9_]*\.[a-z0-9][a-z0-9_-]*)"', literal, out)
    # Collected `(d.code, …)` tuples typed with `&str` for the code.
    out = re.sub(
        r"(let \w+: Vec<\()&str(,[^;]*?\.map\(\|(\w+)\| \(\3\.code,)",
        r"\1Code\2",
        out,
        flags=re.S,
    )
    out = unintern(out)
    return add_import(path, out)


def main():
    codes = registry()
    changed = []
    for path in sorted(SRC.rglob("*.rs")):
        if path == REGISTRY:
            continue
        text = path.read_text(encoding="utf-8")
        out = convert(path, text, codes)
        if out != text:
            path.write_text(out, encoding="utf-8")
            changed.append(path.relative_to(ROOT))
    for p in changed:
        print(p)
    print(f"{len(changed)} files changed, {len(codes)} codes registered", file=sys.stderr)
    if "--no-fmt" not in sys.argv:
        subprocess.run(["cargo", "fmt", "--all"], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
