//! `gongshi deploy`: publish `public/` to object storage or a directory, sending only what
//! changed ([`crate::deploy`] does the work).

use super::Global;
use crate::config::Config;
use crate::deploy::cli::DeployArgs;
use crate::deploy::dir::DirTarget;
use crate::deploy::manifest::Why;
use crate::deploy::s3::{S3Options, S3Target};
use crate::deploy::{self, DeployError, Options, Target};
use crate::diag::Diagnostics;
use crate::error::Error;
use std::path::Path;

impl From<DeployError> for Error {
    fn from(e: DeployError) -> Error {
        match e {
            DeployError::Usage(m) => Error::Usage(m),
            DeployError::Source(m) => Error::Io(m),
            DeployError::Unreached(m) => Error::Io(m).noted("没有做任何改动"),
            DeployError::Target(m) => Error::Io(m).noted(
                "发布没有完成：网站上可能只更新了一部分文件。排除问题后重新运行 gongshi deploy，会补齐这次的全部改动",
            ),
        }
    }
}

pub(super) fn run(a: DeployArgs, g: Global) -> Result<(), Error> {
    let config = Config::load(&a.root).map_err(|ds| {
        let ds: Diagnostics = ds.into_iter().collect();
        Error::Content(ds)
    })?;
    let public = a.public.clone().unwrap_or_else(|| a.root.join("public"));
    let target: Box<dyn Target> = match (&a.to, &a.bucket) {
        (Some(dir), _) => {
            refuse_overlap(&public, dir)?;
            Box::new(DirTarget::open(dir, a.dry_run)?)
        }
        (None, Some(bucket)) => {
            if let Some(c) = &a.credentials {
                warn_if_in_site(&a.root, c, g);
            }
            Box::new(S3Target::open(&S3Options {
                bucket: bucket.clone(),
                prefix: a.prefix.clone(),
                endpoint: a.endpoint.clone().unwrap_or_default(),
                region: a.region.clone(),
                path_style: a.path_style,
                credentials: a.credentials.clone(),
                jobs: usize::from(a.jobs),
            })?)
        }
        (None, None) => {
            return Err(Error::Usage(
                "请给出发布目标：--to 目录，或 --bucket 存储桶 --endpoint 服务地址".into(),
            ))
        }
    };
    let o = Options {
        site: config.base_url.clone(),
        public,
        dry_run: a.dry_run,
    };
    let mut progress = |key: &str| {
        if g.verbose > 0 && !g.quiet {
            println!("已上传 {key}");
        }
    };
    let r = deploy::deploy(&o, target.as_ref(), &mut progress)?;
    for n in &r.notes {
        eprintln!("{n}");
    }
    let p = &r.plan;
    if a.dry_run {
        for (k, why) in &p.upload {
            let w = match why {
                Why::New => "新增",
                Why::Changed => "变化",
                Why::Unfinished => "补传",
            };
            println!("上传（{w}） {}", crate::diag::escape_controls(k));
        }
        for k in &p.delete {
            println!("删除 {}", crate::diag::escape_controls(k));
        }
        println!(
            "预演：将上传 {} 个文件（{}），删除 {} 个，{} 个不变；没有做任何改动",
            p.upload.len(),
            size(r.bytes),
            p.delete.len(),
            p.unchanged
        );
    } else if !g.quiet {
        println!(
            "已发布到 {}：上传 {} 个文件（{}），删除 {} 个，{} 个不变",
            target.describe(),
            p.upload.len(),
            size(r.bytes),
            p.delete.len(),
            p.unchanged
        );
    }
    Ok(())
}

fn size(bytes: u64) -> String {
    if bytes < 10 * 1024 {
        format!("{bytes} 字节")
    } else if bytes < 10 * 1024 * 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{} MB", bytes / 1024 / 1024)
    }
}

/// A target inside `public/` (or the reverse) would publish itself or delete the build.
fn refuse_overlap(public: &Path, to: &Path) -> Result<(), Error> {
    let canon = |p: &Path| {
        // The target may not exist yet: its parent decides where it is.
        std::fs::canonicalize(p).ok().or_else(|| {
            let parent = p.parent().filter(|x| !x.as_os_str().is_empty())?;
            Some(std::fs::canonicalize(parent).ok()?.join(p.file_name()?))
        })
    };
    if let (Some(a), Some(b)) = (canon(public), canon(to)) {
        if a.starts_with(&b) || b.starts_with(&a) {
            return Err(Error::Usage(format!(
                "--to {} 与要发布的 {} 重叠：请发布到 public/ 以外的目录",
                to.display(),
                public.display()
            )));
        }
    }
    Ok(())
}

/// A credentials file inside the site is one `git add .` away from being published.
fn warn_if_in_site(root: &Path, file: &Path, g: Global) {
    let (Ok(r), Ok(f)) = (std::fs::canonicalize(root), std::fs::canonicalize(file)) else {
        return;
    };
    if f.starts_with(&r) && !g.quiet {
        eprintln!(
            "注意：密钥文件 {} 在站点目录中：请确认它已写入 .gitignore、没有提交到 git；最好放到站点目录以外",
            file.display()
        );
    }
}
