//! Generate a synthetic bureau site for benchmarks:
//!
//! ```text
//! cargo run --release --example gen_site -- --records N --out DIR [--seed S] [--format gongshi|markdown|zola|zola-get-section]
//! ```
//!
//! `gongshi` writes `site.toml` + `content/` (build it with `gongshi build --root DIR --now
//! 2026-11-25T10:00:00+08:00`); `markdown` writes the equivalent Hugo site (`hugo --source DIR`),
//! `zola` the equivalent Zola site (`zola --root DIR build`).

mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str =
    "用法：gen_site --records N --out DIR [--seed S] [--format gongshi|markdown|zola|zola-get-section]";

fn parse() -> Result<(synth::Options, PathBuf), String> {
    let mut records = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut format = synth::Format::Gongshi;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{a} 需要一个值\n{USAGE}"))
        };
        match a.as_str() {
            "--records" | "-n" => {
                let v = value()?;
                records = Some(
                    v.replace(['_', ','], "")
                        .parse::<usize>()
                        .map_err(|e| format!("--records {v}：{e}"))?,
                );
            }
            "--out" | "-o" => out = Some(PathBuf::from(value()?)),
            "--seed" => {
                let v = value()?;
                seed = v.parse().map_err(|e| format!("--seed {v}：{e}"))?;
            }
            "--format" => {
                format = match value()?.as_str() {
                    "gongshi" => synth::Format::Gongshi,
                    "markdown" | "hugo" => synth::Format::Markdown,
                    "zola" => synth::Format::Zola,
                    "zola-get-section" => synth::Format::ZolaGetSection,
                    other => return Err(format!("未知的格式 {other}\n{USAGE}")),
                }
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("未知的参数 {other}\n{USAGE}")),
        }
    }
    let records = records.ok_or_else(|| format!("缺少 --records\n{USAGE}"))?;
    let out = out.ok_or_else(|| format!("缺少 --out\n{USAGE}"))?;
    Ok((
        synth::Options {
            records,
            seed,
            format,
        },
        out,
    ))
}

fn main() -> ExitCode {
    let (opts, out) = match parse() {
        Ok(x) => x,
        Err(m) => {
            eprintln!("{m}");
            return ExitCode::from(2);
        }
    };
    match synth::generate(&opts, &out) {
        Ok(s) => {
            let kinds: Vec<String> = s.per_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
            eprintln!(
                "已生成 {} 个文件（{} 字节）于 {}：{}",
                s.files,
                s.bytes,
                out.display(),
                kinds.join("，")
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("写入 {} 失败：{e}", out.display());
            ExitCode::FAILURE
        }
    }
}
