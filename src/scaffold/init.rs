//! `gongshi init DIR`: a new site with a commented `site.toml`, one sample record of each
//! kind, an empty theme override folder and a calendar folder, each with a README in Chinese.
//! The new site builds and passes `check` at once.

use super::ScaffoldError;
use crate::content::Kind;
use std::path::{Path, PathBuf};

/// The files of a new site: (path in the site, bytes). Text files may hold `{{TODAY}}`,
/// `{{YEAR}}`, `{{PREV_YEAR}}`, `{{NEXT_YEAR}}` and `{{CODE}}`, replaced when they are written.
static FILES: &[(&str, &[u8])] = &[
    ("site.toml", include_bytes!("sample/site.toml")),
    ("README.md", include_bytes!("sample/README.md")),
    (".gitignore", include_bytes!("sample/gitignore")),
    (
        "calendar/README.md",
        include_bytes!("sample/calendar/README.md"),
    ),
    (
        "themes/default/README.md",
        include_bytes!("sample/themes/README.md"),
    ),
    (
        "content/duties/bangongshi.md",
        include_bytes!("sample/content/duties/bangongshi.md"),
    ),
    (
        "content/documents/shili-tongzhi.md",
        include_bytes!("sample/content/documents/shili-tongzhi.md"),
    ),
    (
        "content/procedures/xuke-banli.md",
        include_bytes!("sample/content/procedures/xuke-banli.md"),
    ),
    (
        "content/fees/gongben-fei.yaml",
        include_bytes!("sample/content/fees/gongben-fei.yaml"),
    ),
    (
        "content/permits/shenqing-xuke/index.md",
        include_bytes!("sample/content/permits/shenqing-xuke/index.md"),
    ),
    (
        "content/permits/shenqing-xuke/shenqingshu.pdf",
        include_bytes!("sample/content/permits/shenqing-xuke/shenqingshu.pdf"),
    ),
    (
        "content/consultations/yijian-zhengji/index.md",
        include_bytes!("sample/content/consultations/yijian-zhengji/index.md"),
    ),
    (
        "content/consultations/yijian-zhengji/opinions.jsonl",
        include_bytes!("sample/content/consultations/yijian-zhengji/opinions.jsonl"),
    ),
    (
        "content/consultations/yijian-zhengji/dispositions.yaml",
        include_bytes!("sample/content/consultations/yijian-zhengji/dispositions.yaml"),
    ),
    (
        "content/consultations/heads.jsonl",
        include_bytes!("sample/content/consultations/heads.jsonl"),
    ),
    (
        "content/enforcement/2026-shili-001.md",
        include_bytes!("sample/content/enforcement/2026-shili-001.md"),
    ),
    (
        "content/replies/shili-liuyan.md",
        include_bytes!("sample/content/replies/shili-liuyan.md"),
    ),
    (
        "content/decision-catalogues/catalogue.md",
        include_bytes!("sample/content/decision-catalogues/catalogue.md"),
    ),
    (
        "content/decisions/shili-juece.md",
        include_bytes!("sample/content/decisions/shili-juece.md"),
    ),
    (
        "content/officers/zhifa-renyuan.md",
        include_bytes!("sample/content/officers/zhifa-renyuan.md"),
    ),
    (
        "content/spot-check-lists/choucha-qingdan.md",
        include_bytes!("sample/content/spot-check-lists/choucha-qingdan.md"),
    ),
    (
        "content/spot-check-plans/choucha-jihua.md",
        include_bytes!("sample/content/spot-check-plans/choucha-jihua.md"),
    ),
    (
        "content/accountability/zhifa-zeren.md",
        include_bytes!("sample/content/accountability/zhifa-zeren.md"),
    ),
    (
        "content/reports/nianbao.md",
        include_bytes!("sample/content/reports/nianbao.md"),
    ),
    (
        "content/pages/about.md",
        include_bytes!("sample/content/pages/about.md"),
    ),
];

/// The organisation code written into the sample `site.toml`.
const SAMPLE_CODE: &str = "SLRSJ";

/// What `init` created.
#[derive(Debug, Clone)]
pub struct InitReport {
    pub dir: PathBuf,
    /// Files written, relative to `dir`.
    pub files: Vec<String>,
}

/// The sample files with their placeholders filled for `today` (used by tests as well).
pub fn sample_files(today: jiff::civil::Date) -> Vec<(&'static str, Vec<u8>)> {
    FILES
        .iter()
        .map(|(path, bytes)| {
            let filled = match std::str::from_utf8(bytes) {
                Ok(text) if !path.ends_with(".pdf") => text
                    .replace("{{TODAY}}", &today.to_string())
                    .replace("{{YEAR}}", &today.year().to_string())
                    .replace("{{NEXT_YEAR}}", &(today.year() + 1).to_string())
                    .replace("{{PREV_YEAR}}", &(today.year() - 1).to_string())
                    .replace("{{CODE}}", SAMPLE_CODE)
                    .into_bytes(),
                _ => bytes.to_vec(),
            };
            (*path, filled)
        })
        .collect()
}

/// Create a new site in `dir` (which must not exist, or be empty). `today` is the date the
/// sample records are published on.
pub fn init(dir: &Path, today: jiff::civil::Date) -> Result<InitReport, ScaffoldError> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(ScaffoldError::Usage(format!(
                "“{}”已存在且不是目录；请换一个目录名",
                dir.display()
            )));
        }
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| ScaffoldError::Io(format!("无法读取目录 {}：{e}", dir.display())))?;
        if entries.next().is_some() {
            return Err(ScaffoldError::Usage(format!(
                "目录“{}”不是空的；为避免覆盖已有文件，请指定一个新目录或空目录",
                dir.display()
            )));
        }
    }
    let mut written = Vec::new();
    for (rel, bytes) in sample_files(today) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                ScaffoldError::Io(format!("无法创建目录 {}：{e}", parent.display()))
            })?;
        }
        std::fs::write(&path, bytes)
            .map_err(|e| ScaffoldError::Io(format!("无法写入 {}：{e}", path.display())))?;
        written.push(rel.to_string());
    }
    // Every kind's folder exists, so staff see where each kind of record goes.
    for kind in Kind::ALL {
        let folder = dir.join("content").join(kind.folder());
        std::fs::create_dir_all(&folder)
            .map_err(|e| ScaffoldError::Io(format!("无法创建目录 {}：{e}", folder.display())))?;
    }
    Ok(InitReport {
        dir: dir.to_path_buf(),
        files: written,
    })
}

/// What `init` did about the git repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Git {
    /// `git init` made a new repository in the site folder.
    Created,
    /// The folder is already inside a git work tree (a repository holding several sites).
    Inside,
    /// Not asked for (`--no-git`, or the clerk said no).
    Skipped,
    /// git is missing or failed.
    Failed(String),
}

impl Git {
    /// What to tell the clerk.
    pub fn sentence(&self) -> String {
        const WHY: &str = "修订记录和“已发布内容不得改动”等检查需要它";
        match self {
            Git::Created => format!(
                "已建立 git 仓库（{WHY}）。内容确认后请提交：git add -A && git commit -m \"新建站点\"。"
            ),
            Git::Inside => format!("该目录已在一个 git 仓库中，未另建仓库（{WHY}）。"),
            Git::Skipped => format!(
                "未建立 git 仓库。{WHY}：需要时在站点目录运行 git init，并提交全部文件。"
            ),
            Git::Failed(why) => format!(
                "未能建立 git 仓库：{why}。{WHY}：请安装 git 后在站点目录运行 git init，并提交全部文件。"
            ),
        }
    }
}

/// Make `dir` a git repository (unless it is inside one already).
pub fn init_git(dir: &Path) -> Git {
    use std::process::{Command, Stdio};
    let inside = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--is-inside-work-tree"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    match inside {
        Ok(o) if o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "true" => {
            return Git::Inside
        }
        Err(e) => return Git::Failed(format!("找不到 git 程序（{e}）")),
        _ => {}
    }
    match Command::new("git")
        .args(["init", "-q"])
        .arg(dir)
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) if o.status.success() => Git::Created,
        Ok(o) => Git::Failed(String::from_utf8_lossy(&o.stderr).trim().to_string()),
        Err(e) => Git::Failed(format!("找不到 git 程序（{e}）")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn today() -> jiff::civil::Date {
        jiff::civil::date(2026, 11, 25)
    }

    #[test]
    fn sample_config_parses_and_explains_every_key() {
        let files = sample_files(today());
        let text = files
            .iter()
            .find(|(p, _)| *p == "site.toml")
            .map(|(_, b)| String::from_utf8_lossy(b).to_string())
            .unwrap_or_default();
        let config = Config::parse(&text).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(config.organization.code, SAMPLE_CODE);
        // Every key of Config appears, each after a comment line.
        for key in [
            "title",
            "base_url",
            "language",
            "theme",
            "timezone",
            "description",
            "feedback_url",
            "page_size",
            "[organization]",
            "name",
            "code",
            "address",
            "postcode",
            "phone",
            "hotline",
            "email",
            "hours",
            "[records]",
            "icp",
            "public_security",
            "site_code",
            "badge_url",
            "badge_image",
            "[requests]",
            "enabled",
            "office",
            "[publicity]",
            "decision_publish_working_days",
            "other_publish_working_days",
            "withdrawal_publish_days",
            "display_days",
            "required_categories",
            "stale_days",
            "reply_overdue_days",
            "report_due_days",
            "allowed_numbers",
            "allowed_emails",
            "[limits]",
            "record_kb",
            "[search]",
            "builtin_synonyms",
            "[consultation.types.",
            "min_working_days",
        ] {
            let lines: Vec<&str> = text.lines().collect();
            let at = lines
                .iter()
                .position(|l| l.starts_with(&format!("{key} =")) || l.starts_with(key))
                .unwrap_or_else(|| panic!("site.toml lacks {key}"));
            assert!(
                at > 0
                    && (lines[at - 1].starts_with('#')
                        || key.starts_with("[consultation")
                        || key == "min_working_days"),
                "{key} has no comment above it"
            );
        }
    }

    #[test]
    fn refuses_a_non_empty_folder() {
        let dir = std::env::temp_dir().join(format!("gongshi-init-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join("x.txt"), "x");
        let r = init(&dir, today());
        assert!(matches!(r, Err(ScaffoldError::Usage(_))), "{r:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
