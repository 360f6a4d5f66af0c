//! `gongshi build`: check everything and publish into `public/` only when it all passed.

use super::{parse_now, print_diags, Global};
use crate::build::{self, BuildError, BuildOptions};
use crate::cli::BuildArgs;
use crate::error::Error;
use std::io::IsTerminal;

pub(super) fn run(a: BuildArgs, g: Global) -> Result<(), Error> {
    let now = parse_now(a.now.as_deref())?;
    let opts = BuildOptions {
        root: a.root,
        out: a.out,
        now,
        drafts: a.drafts,
        strict: false,
        feedback_db: a.feedback_db,
    };
    let cache = crate::build::CacheOptions {
        dir: a.cache_dir,
        ignore: a.no_cache,
        snapshot: a.snapshot,
        exits: true,
    };
    // `--no-cache`: neither the build memo nor the page cache answers (`cache.ignore`); both
    // are replaced when the build succeeds.
    let bar = (!g.quiet && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(0);
        pb.set_style(
            indicatif::ProgressStyle::with_template("{spinner} 生成页面 {pos}/{len} {wide_bar}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    });
    let progress = |done: usize, total: usize| {
        if let Some(pb) = &bar {
            pb.set_length(total as u64);
            pb.set_position(done as u64);
        }
    };
    let result = build::build_with(&opts, &cache, &progress);
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    match result {
        Ok(report) => {
            if !report.warnings.is_empty() && (!g.quiet || g.verbose > 0) {
                print_diags(&report.warnings);
            }
            if !g.quiet {
                for note in &report.notes {
                    eprintln!("注意：{note}");
                }
                eprintln!(
                    "完成：{} 条记录，{} 个页面，{} 个文件（{} 个有变化，共 {:.1} MB，重新渲染 {} 个页面），用时 {} 毫秒 → {}",
                    report.records,
                    report.pages,
                    report.files,
                    report.written,
                    report.bytes as f64 / 1_048_576.0,
                    report.rendered,
                    report.millis,
                    report.out.display()
                );
            }
            Ok(())
        }
        Err(e @ BuildError::Content(_)) => {
            Err(Error::from(e).noted("未发布：请先修正以上错误，public/ 保持上一次的内容。"))
        }
        Err(e @ BuildError::Io(_)) => {
            Err(Error::from(e).noted("未发布：public/ 保持上一次的内容。"))
        }
    }
}
