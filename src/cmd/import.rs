//! `gongshi import KIND FILE`: records from a spreadsheet (CSV or XLSX), all or nothing.

use super::{parse_now, Global};
use crate::cli::ImportArgs;
use crate::error::Error;
use crate::scaffold::import::{import, ImportOptions};

pub(super) fn run(a: ImportArgs, g: Global) -> Result<(), Error> {
    let now = parse_now(a.now.as_deref())?;
    let kind = a.kind;
    let report = import(&ImportOptions {
        root: a.root,
        kind: a.kind,
        file: a.file,
        sheet: a.sheet,
        limits: crate::scaffold::import::Limits::DEFAULT,
        now,
    })
    .map_err(|e| {
        let e = Error::from(e);
        if g.quiet {
            e
        } else {
            e.noted("未导入：有错误时不写入任何文件，请修改表格后重新导入。")
        }
    })?;
    if !g.quiet {
        if kind == crate::content::Kind::Fee {
            println!(
                "已导入 {} 个收费标准，新建 {} 条收费记录：",
                report.rows,
                report.written.len()
            );
        } else {
            println!(
                "已导入 {} 行，新建 {} 条{}记录：",
                report.rows,
                report.written.len(),
                kind.label()
            );
        }
        for p in &report.written {
            println!("  {}", p.display());
        }
        println!("请运行 gongshi check 检查，核对无误后再发布。");
    }
    Ok(())
}
