//! `gongshi serve`: the local preview; prints what the preview server reports.

use super::{parse_now, print_diags, Global};
use crate::cli::ServeArgs;
use crate::diag;
use crate::error::Error;
use crate::serve::{self, ServeEvent};

pub(super) fn run(a: ServeArgs, g: Global) -> Result<(), Error> {
    let now = a.now.as_deref().map(|s| parse_now(Some(s))).transpose()?;
    // Before the temporary database exists: it is removed however the preview ends.
    if let Err(m) = serve::cleanup::on_signals() {
        eprintln!("提示：{m}");
    }
    let receiver = match serve::receiver::Receiver::start(&a.root, a.db, now) {
        Ok(r) => Some(r),
        Err(m) => {
            eprintln!("提示：预览中的意见表单不可用：{m}");
            None
        }
    };
    let opts = serve::ServeOptions {
        root: a.root,
        addr: a.addr,
        now,
        drafts: a.drafts,
        open: a.open,
        receiver,
        max_connections: 64,
        allow_hosts: a.allow_host,
    };
    let quiet = g.quiet;
    let report = |ev: ServeEvent| report(ev, quiet);
    let result = serve::run(opts, &report);
    serve::cleanup::remove_all();
    result.map_err(Error::Io)
}

/// Print one event of the preview server.
fn report(ev: ServeEvent, quiet: bool) {
    match ev {
        ServeEvent::Listening { url, exposed } => {
            println!("预览地址：{url}");
            if exposed {
                eprintln!("注意：预览服务没有绑定在本机地址上，同一网络中的其他人也能访问它（包括草稿）。只在确有需要时使用 --addr 0.0.0.0。");
            }
            if !quiet {
                eprintln!(
                    "正在监视 site.toml、content/、themes/、calendar/ 的变化；按 Ctrl+C 停止。"
                );
            }
        }
        ServeEvent::Built {
            first,
            records,
            files,
            changed,
            rendered,
            loaded,
            millis,
            warnings,
        } => {
            if !warnings.is_empty() && !quiet {
                print_diags(warnings);
            }
            if quiet {
                return;
            }
            if first {
                eprintln!("已生成：{records} 条记录，{files} 个文件，用时 {millis} 毫秒");
            } else if changed == 0 {
                eprintln!("错误已改正，预览恢复正常（用时 {millis} 毫秒）");
            } else {
                eprintln!(
                    "已更新：{changed} 个文件有变化（读取 {loaded} 个记录文件，生成 {rendered} 个页面），用时 {millis} 毫秒"
                );
            }
        }
        ServeEvent::Unchanged { millis } => {
            if !quiet {
                eprintln!("内容已重新读取，网站没有变化（用时 {millis} 毫秒）");
            }
        }
        ServeEvent::Failed {
            diags,
            problem,
            never_built,
        } => {
            print_diags(diags);
            if let Some(p) = problem {
                eprintln!("错误：{}", diag::escape_controls(p));
            }
            if never_built {
                eprintln!("网站还不能生成：预览的每个页面都列出以上错误，改正并保存后自动刷新。");
            } else {
                eprintln!("未更新：预览继续显示上一次成功生成的网站，并在页面上列出以上错误。");
            }
        }
        ServeEvent::Note(m) => eprintln!("{}", diag::escape_controls(&m)),
    }
}
