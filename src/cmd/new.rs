//! `gongshi new KIND NAME`: a record skeleton with today's date and the next 索引号.

use super::{parse_now, Global};
use crate::cli::NewArgs;
use crate::error::Error;
use crate::scaffold::new::{new_record, NewOptions};

pub(super) fn run(a: NewArgs, g: Global) -> Result<(), Error> {
    let now = parse_now(a.now.as_deref())?;
    let report = new_record(&NewOptions {
        root: a.root,
        kind: a.kind,
        name: a.name,
        now,
    })?;
    if !g.quiet {
        let index = report
            .index_no
            .map(|n| format!("，索引号 {n}"))
            .unwrap_or_default();
        println!(
            "已新建 {}{index}。\n请打开文件，把“待填写”换成实际内容，然后运行 gongshi check。",
            report.path.display()
        );
    }
    Ok(())
}
