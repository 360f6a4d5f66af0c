//! The `gongshi` binary: parse arguments, call the library, print, and map the result to an
//! exit code (0 success, 1 content errors, 2 usage errors).

use clap::Parser;
use gongshi::build::{self, BuildError, BuildOptions};
use gongshi::cli::{Cli, Command};
use gongshi::diag::{self, Diagnostics};
use std::io::IsTerminal;
use std::process::ExitCode;

// mimalloc: a build allocates many short-lived strings and JSON values across rayon threads,
// where glibc malloc's chunk consolidation is costly (figures in docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn parse_now(now: Option<&str>) -> Result<jiff::Timestamp, String> {
    match now {
        None => Ok(jiff::Timestamp::now()),
        Some(s) => s.parse::<jiff::Timestamp>().map_err(|e| {
            format!("--now 的时间格式不对：{s}（{e}）；应为 RFC 3339，如 2026-11-25T10:00:00+08:00")
        }),
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("错误：{msg}");
    ExitCode::from(2)
}

fn scaffold_error(e: &gongshi::scaffold::ScaffoldError) -> ExitCode {
    use gongshi::scaffold::ScaffoldError;
    match e {
        ScaffoldError::Usage(m) | ScaffoldError::Io(m) => eprintln!("错误：{m}"),
        ScaffoldError::Content(ds) => print_diags(ds),
    }
    ExitCode::from(e.exit_code())
}

fn print_diags(ds: &Diagnostics) {
    eprint!("{}", diag::render_text(ds));
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Build {
            root,
            out,
            now,
            drafts,
            no_cache,
            feedback_db,
        } => {
            let now = match parse_now(now.as_deref()) {
                Ok(n) => n,
                Err(m) => return usage_error(&m),
            };
            let opts = BuildOptions {
                root,
                out,
                now,
                drafts,
                strict: false,
                feedback_db,
            };
            if no_cache {
                gongshi::build_cache::forget(&opts);
            }
            let bar = (!cli.quiet && std::io::stderr().is_terminal()).then(|| {
                let pb = indicatif::ProgressBar::new(0);
                pb.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} 生成页面 {pos}/{len} {wide_bar}",
                    )
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
            let result = build::build(&opts, &progress);
            if let Some(pb) = &bar {
                pb.finish_and_clear();
            }
            match result {
                Ok(report) => {
                    if !report.warnings.is_empty() && (!cli.quiet || cli.verbose > 0) {
                        print_diags(&report.warnings);
                    }
                    if !cli.quiet {
                        eprintln!(
                            "完成：{} 条记录，{} 个页面，{} 个文件（{} 个有变化，共 {:.1} MB），用时 {} 毫秒 → {}",
                            report.records,
                            report.pages,
                            report.files,
                            report.written,
                            report.bytes as f64 / 1_048_576.0,
                            report.millis,
                            report.out.display()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(BuildError::Content(ds)) => {
                    print_diags(&ds);
                    eprintln!("未发布：请先修正以上错误，public/ 保持上一次的内容。");
                    ExitCode::from(1)
                }
                Err(BuildError::Io(m)) => {
                    eprintln!("错误：{}", diag::escape_controls(&m));
                    eprintln!("未发布：public/ 保持上一次的内容。");
                    ExitCode::from(1)
                }
            }
        }
        Command::Check {
            root,
            now,
            strict,
            format,
            drafts,
            html,
            privacy_all,
            feedback_db,
        } => {
            let now = match parse_now(now.as_deref()) {
                Ok(n) => n,
                Err(m) => return usage_error(&m),
            };
            let opts = BuildOptions {
                root,
                out: None,
                now,
                drafts,
                strict,
                feedback_db,
            };
            let report = build::check_report(&opts, &gongshi::compliance::Options { privacy_all });
            if format == "json" {
                println!("{}", diag::render_json(&report.diags));
            } else {
                print!("{}", diag::render_text(&report.diags));
            }
            if let Some(path) = html {
                let tz = report
                    .checked
                    .as_ref()
                    .map(|c| c.site.tz.clone())
                    .unwrap_or_else(|| {
                        jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC)
                    });
                let root_name = opts.root.display().to_string();
                let page = gongshi::compliance::page::render(
                    &gongshi::compliance::page::PageInfo {
                        site: report.site_title.as_deref().unwrap_or(&root_name),
                        checked_at: &gongshi::lifecycle::datetime_text(now, &tz),
                        strict,
                        failed: report.failed,
                    },
                    &report.summary,
                    &report.diags,
                );
                if let Err(e) = std::fs::write(&path, page) {
                    eprintln!("错误：无法写入合规检查页 {}：{e}", path.display());
                    return ExitCode::from(2);
                }
                if !cli.quiet {
                    eprintln!("合规检查页已写入 {}", path.display());
                }
            }
            if report.failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Command::Serve {
            root,
            addr,
            now,
            drafts,
            open,
            db,
            allow_host,
        } => {
            let now = match now.as_deref().map(|s| parse_now(Some(s))).transpose() {
                Ok(n) => n,
                Err(m) => return usage_error(&m),
            };
            // Before the temporary database exists: it is removed however the preview ends.
            if let Err(m) = gongshi::serve::cleanup::on_signals() {
                eprintln!("提示：{m}");
            }
            let forms: Box<dyn gongshi::serve::forms::FormHandler> =
                match gongshi::serve::receiver::Receiver::start(&root, db, now) {
                    Ok(r) => Box::new(r),
                    Err(m) => {
                        eprintln!("提示：预览中的意见表单不可用：{m}");
                        Box::new(gongshi::serve::forms::NotMounted)
                    }
                };
            serve(
                gongshi::serve::ServeOptions {
                    root,
                    addr,
                    now,
                    drafts,
                    open,
                    forms,
                    max_connections: 64,
                    allow_hosts: allow_host,
                },
                cli.quiet,
            )
        }
        Command::Init { dir, now, no_git } => {
            let now = match parse_now(now.as_deref()) {
                Ok(n) => n,
                Err(m) => return usage_error(&m),
            };
            let today = now
                .to_zoned_datetime(
                    jiff::tz::TimeZone::get("Asia/Shanghai").unwrap_or(jiff::tz::TimeZone::UTC),
                )
                .date();
            match gongshi::scaffold::init::init(&dir, today) {
                Ok(report) => {
                    if !cli.quiet {
                        println!(
                            "已新建站点 {}（{} 个文件，内容均为示例）。\n下一步：修改 site.toml 中的单位信息，然后在该目录运行 gongshi build。",
                            report.dir.display(),
                            report.files.len()
                        );
                    }
                    if !no_git && ask_git(cli.quiet) {
                        let outcome = gongshi::scaffold::init::init_git(&report.dir);
                        if !cli.quiet || matches!(outcome, gongshi::scaffold::init::Git::Failed(_))
                        {
                            println!("{}", outcome.sentence());
                        }
                    } else if !cli.quiet {
                        println!("{}", gongshi::scaffold::init::Git::Skipped.sentence());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => scaffold_error(&e),
            }
        }
        Command::New {
            kind,
            name,
            root,
            now,
        } => {
            let now = match parse_now(now.as_deref()) {
                Ok(n) => n,
                Err(m) => return usage_error(&m),
            };
            let opts = gongshi::scaffold::new::NewOptions {
                root,
                kind,
                name,
                now,
            };
            match gongshi::scaffold::new::new_record(&opts) {
                Ok(report) => {
                    if !cli.quiet {
                        let index = report
                            .index_no
                            .map(|n| format!("，索引号 {n}"))
                            .unwrap_or_default();
                        println!(
                            "已新建 {}{index}。\n请打开文件，把“待填写”换成实际内容，然后运行 gongshi check。",
                            report.path.display()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => scaffold_error(&e),
            }
        }
        Command::Import {
            kind,
            file,
            root,
            now,
        } => {
            let now = match parse_now(now.as_deref()) {
                Ok(n) => n,
                Err(m) => return usage_error(&m),
            };
            let opts = gongshi::scaffold::import::ImportOptions {
                root,
                kind,
                file,
                now,
            };
            match gongshi::scaffold::import::import(&opts) {
                Ok(report) => {
                    if !cli.quiet {
                        println!(
                            "已导入 {} 个收费标准，新建 {} 条收费记录：",
                            report.rows,
                            report.written.len()
                        );
                        for p in &report.written {
                            println!("  {}", p.display());
                        }
                        println!("请运行 gongshi check 检查，核对无误后再发布。");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    let code = scaffold_error(&e);
                    if !cli.quiet {
                        eprintln!("未导入：有错误时不写入任何文件，请修改表格后重新导入。");
                    }
                    code
                }
            }
        }
        Command::Feedback(args) => {
            let mut progress = |line: &str| println!("{line}");
            match gongshi::feedback::cli::run(
                args,
                &gongshi::feedback::site::load_directory,
                &mut progress,
            ) {
                Ok(o) => {
                    print!("{}", o.stdout);
                    ExitCode::from(u8::try_from(o.exit_code).unwrap_or(1))
                }
                Err(e) => {
                    eprintln!("错误：{e}");
                    ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
                }
            }
        }
        Command::Calendar { date, days, root } => {
            match gongshi::calendar_cli::run(&root, &date, days.as_deref()) {
                Ok(text) => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
                Err((code, msg)) => {
                    eprintln!("{msg}");
                    ExitCode::from(code)
                }
            }
        }
    }
}

/// `gongshi serve`: print what the preview server reports.
fn serve(opts: gongshi::serve::ServeOptions, quiet: bool) -> ExitCode {
    use gongshi::serve::ServeEvent;
    let report = |ev: ServeEvent| match ev {
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
    };
    let result = gongshi::serve::run(opts, &report);
    gongshi::serve::cleanup::remove_all();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(m) => {
            eprintln!("错误：{}", diag::escape_controls(&m));
            ExitCode::from(1)
        }
    }
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
