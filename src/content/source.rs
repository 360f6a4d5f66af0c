//! Splitting a record file into its YAML part and its Markdown body, keeping line offsets so
//! every diagnostic points at the right line of the real file.

/// The parts of one record file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts<'a> {
    /// The YAML text (front matter, or the whole file for `.yaml`).
    pub yaml: &'a str,
    /// Lines before the YAML text starts (added to YAML line numbers).
    pub yaml_line_offset: usize,
    /// The Markdown body (empty for pure YAML files).
    pub body: &'a str,
    /// 1-based line of the body's first line.
    pub body_line: usize,
}

/// Why a file could not be split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file is not UTF-8; `line` is where the first bad byte is.
    NotUtf8 { line: usize },
    /// A Markdown file without a `---` front matter block.
    NoFrontMatter,
    /// `---` opened the front matter on line 1 but no closing `---` line follows.
    Unclosed,
}

/// Decode the bytes as UTF-8 (a leading BOM is dropped).
pub fn decode(bytes: &[u8]) -> Result<&str, SplitError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let upto = &bytes[..e.valid_up_to()];
        SplitError::NotUtf8 {
            line: upto.iter().filter(|b| **b == b'\n').count() + 1,
        }
    })
}

fn is_fence(line: &str) -> bool {
    let t = line.trim_end_matches(['\r', '\n']).trim_end();
    t == "---"
}

/// Split a Markdown file: `---\n<yaml>\n---\n<body>`.
pub fn split_markdown(text: &str) -> Result<Parts<'_>, SplitError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if !is_fence(first) {
        return Err(SplitError::NoFrontMatter);
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_no = 1usize;
    for line in lines {
        line_no += 1;
        if is_fence(line) || line.trim_end_matches(['\r', '\n']) == "..." {
            let yaml = &text[yaml_start..offset];
            let body_start = offset + line.len();
            return Ok(Parts {
                yaml,
                yaml_line_offset: 1,
                body: &text[body_start..],
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(SplitError::Unclosed)
}

/// A record file's parts, by its extension: a `.md` file split at its `---` lines (`None`
/// when they are missing or unclosed), any other file all YAML.
pub(crate) fn split_record<'a>(path: &std::path::Path, text: &'a str) -> Option<Parts<'a>> {
    if path.extension().and_then(|e| e.to_str()) == Some("md") {
        split_markdown(text).ok()
    } else {
        Some(split_yaml(text))
    }
}

/// A pure YAML file: all of it is YAML.
pub fn split_yaml(text: &str) -> Parts<'_> {
    Parts {
        yaml: text,
        yaml_line_offset: 0,
        body: "",
        body_line: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_front_matter_and_keeps_body_line() {
        let p = split_markdown("---\ntitle: a\n---\n正文\n").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.yaml, "title: a\n");
        assert_eq!(p.yaml_line_offset, 1);
        assert_eq!(p.body, "正文\n");
        assert_eq!(p.body_line, 4);
    }

    #[test]
    fn crlf_and_trailing_spaces_on_fences() {
        let p =
            split_markdown("--- \r\ntitle: a\r\n---\r\nbody").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(p.yaml, "title: a\r\n");
        assert_eq!(p.body, "body");
    }

    #[test]
    fn missing_and_unclosed_front_matter() {
        assert_eq!(split_markdown("# 标题\n"), Err(SplitError::NoFrontMatter));
        assert_eq!(split_markdown("---\ntitle: a\n"), Err(SplitError::Unclosed));
        assert_eq!(split_markdown(""), Err(SplitError::NoFrontMatter));
    }

    #[test]
    fn bom_is_dropped_and_bad_utf8_located() {
        assert_eq!(decode(b"\xEF\xBB\xBFabc"), Ok("abc"));
        assert_eq!(decode(b"a\nb\n\xFF"), Err(SplitError::NotUtf8 { line: 3 }));
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            if let Ok(text) = decode(&bytes) {
                let _ = split_markdown(text);
                let _ = crate::yaml::parse(text, 0);
            }
        }

        #[test]
        fn never_panics_on_front_matter_like_text(s in "(---\n)?[a-z: \\-\n\"'\\[\\]{}#|>]{0,200}(---\n)?.{0,50}") {
            if let Ok(p) = split_markdown(&s) {
                let _ = crate::yaml::parse(p.yaml, p.yaml_line_offset);
            }
        }
    }
}
