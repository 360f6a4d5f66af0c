//! `gongshi init DIR`: a new site that builds at once, optionally in a new git repository.

use super::{default_tz, parse_now, Global};
use crate::cli::InitArgs;
use crate::error::Error;
use crate::scaffold::init::{self, Git};

pub(super) fn run(a: InitArgs, g: Global) -> Result<(), Error> {
    let now = parse_now(a.now.as_deref())?;
    let today = now.to_zoned_datetime(default_tz()).date();
    let report = init::init(&a.dir, today)?;
    if !g.quiet {
        println!(
            "已新建站点 {}（{} 个文件，内容均为示例）。\n下一步：修改 site.toml 中的单位信息，然后在该目录运行 gongshi build。",
            report.dir.display(),
            report.files.len()
        );
    }
    if !a.no_git && ask_git(g.quiet) {
        let outcome = init::init_git(&report.dir);
        if !g.quiet || matches!(outcome, Git::Failed(_)) {
            println!("{}", outcome.sentence());
        }
    } else if !g.quiet {
        println!("{}", Git::Skipped.sentence());
    }
    Ok(())
}

/// Whether `init` should create the git repository: asked when run in a terminal (default
/// yes), else yes.
fn ask_git(quiet: bool) -> bool {
    use std::io::{BufRead, IsTerminal, Write};
    if quiet || !std::io::stdin().is_terminal() {
        return true;
    }
    print!("是否在站点目录中建立 git 仓库？修订记录和“已发布内容不得改动”等检查需要它。[Y/n] ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return true;
    }
    !matches!(line.trim(), "n" | "N" | "no" | "否" | "不")
}
