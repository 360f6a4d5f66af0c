//! The S3-compatible target (`gongshi deploy --bucket … --endpoint …`), through the
//! `rust-s3` crate (docs/deploy/object-storage.md says why this crate). Uploads run
//! `jobs` at a time on a small tokio runtime.

use super::{DeployError, Target, Upload};
use s3::creds::Credentials;
use s3::error::S3Error;
use s3::{Bucket, Region};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Where and how to reach the bucket.
#[derive(Debug, Clone)]
pub struct S3Options {
    pub bucket: String,
    /// Key prefix without leading or trailing `/` (empty: the bucket's root).
    pub prefix: String,
    pub endpoint: String,
    pub region: String,
    /// `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`.
    pub path_style: bool,
    /// A credentials file (`access_key_id = …`, `secret_access_key = …`); otherwise the
    /// environment's `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` (`AWS_SESSION_TOKEN`).
    pub credentials: Option<std::path::PathBuf>,
    pub jobs: usize,
}

pub struct S3Target {
    bucket: Arc<Bucket>,
    prefix: String,
    describe: String,
    jobs: usize,
    rt: tokio::runtime::Runtime,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct CredFile {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

/// The keys: from the file if given, else from the environment. Never printed.
fn credentials(file: Option<&Path>) -> Result<Credentials, DeployError> {
    let (key, secret, token) = match file {
        Some(f) => {
            let text = std::fs::read_to_string(f).map_err(|e| {
                DeployError::Usage(format!("无法读取密钥文件 {}：{e}", f.display()))
            })?;
            let c: CredFile = toml::from_str(&text).map_err(|e| {
                DeployError::Usage(format!(
                    "密钥文件 {} 的格式不对：{}；应为两行 access_key_id = \"…\" 和 secret_access_key = \"…\"（可加 session_token）",
                    f.display(),
                    e.message()
                ))
            })?;
            (c.access_key_id, c.secret_access_key, c.session_token)
        }
        None => {
            let var = |n: &str| std::env::var(n).ok().filter(|v| !v.is_empty());
            match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
                (Some(k), Some(s)) => (k, s, var("AWS_SESSION_TOKEN")),
                _ => {
                    return Err(DeployError::Usage(
                        "没有对象存储的密钥：请设置环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY，或用 --credentials 指定密钥文件（不要提交到 git）".into(),
                    ))
                }
            }
        }
    };
    Credentials::new(Some(&key), Some(&secret), token.as_deref(), None, None)
        .map_err(|e| DeployError::Usage(format!("密钥无效：{e}")))
}

impl S3Target {
    pub fn open(o: &S3Options) -> Result<S3Target, DeployError> {
        if !(o.endpoint.starts_with("http://") || o.endpoint.starts_with("https://")) {
            return Err(DeployError::Usage(format!(
                "--endpoint {:?} 应是以 http:// 或 https:// 开头的对象存储服务地址，如 https://oss-cn-beijing.aliyuncs.com",
                o.endpoint
            )));
        }
        if o.bucket.is_empty() || o.bucket.contains(['/', ' ']) {
            return Err(DeployError::Usage(format!(
                "--bucket {:?} 不是存储桶名称（不含 / 和空格）",
                o.bucket
            )));
        }
        let creds = credentials(o.credentials.as_deref())?;
        let region = Region::Custom {
            region: o.region.clone(),
            endpoint: o.endpoint.trim_end_matches('/').to_string(),
        };
        let fail = |e: S3Error| DeployError::Usage(format!("无法使用存储桶 {}：{e}", o.bucket));
        let mut bucket = Bucket::new(&o.bucket, region, creds).map_err(fail)?;
        if o.path_style {
            bucket = bucket.with_path_style();
        }
        let bucket = bucket
            .with_request_timeout(Duration::from_secs(60))
            .map_err(fail)?;
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| DeployError::Target(format!("无法启动网络线程：{e}")))?;
        let prefix = o.prefix.trim_matches('/').to_string();
        let describe = if prefix.is_empty() {
            format!("s3://{}（{}）", o.bucket, o.endpoint)
        } else {
            format!("s3://{}/{}（{}）", o.bucket, prefix, o.endpoint)
        };
        Ok(S3Target {
            bucket: Arc::new(*bucket),
            prefix,
            describe,
            jobs: o.jobs.max(1),
            rt,
        })
    }

    fn key(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}/{key}", self.prefix)
        }
    }
}

/// A failed request in Chinese, saying what to check.
fn explain(what: &str, key: &str, e: S3Error) -> DeployError {
    let why = match &e {
        S3Error::HttpFailWithBody(403, _) => {
            "拒绝访问（403）：请检查密钥是否正确、是否有这个存储桶的写权限".to_string()
        }
        S3Error::HttpFailWithBody(404, b) if b.contains("NoSuchBucket") => {
            "存储桶不存在（404）：请检查 --bucket 和 --endpoint".to_string()
        }
        S3Error::HttpFailWithBody(code, body) => {
            let code_name = body
                .split("<Code>")
                .nth(1)
                .and_then(|s| s.split("</Code>").next())
                .unwrap_or("");
            format!("服务器返回 {code} {code_name}")
        }
        _ => format!("{e}；请检查 --endpoint 和网络连接"),
    };
    DeployError::Target(format!("{what} {key} 失败：{why}"))
}

async fn put(bucket: &Bucket, key: &str, bytes: &[u8], ct: &str, cc: &str) -> Result<(), S3Error> {
    let mut headers = http::HeaderMap::new();
    if let Ok(v) = http::HeaderValue::from_str(cc) {
        headers.insert(http::header::CACHE_CONTROL, v);
    }
    bucket
        .put_object_with_content_type_and_headers(key, bytes, ct, Some(headers))
        .await?;
    Ok(())
}

impl Target for S3Target {
    fn describe(&self) -> String {
        self.describe.clone()
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, DeployError> {
        let k = self.key(key);
        match self.rt.block_on(self.bucket.get_object(&k)) {
            Ok(r) => Ok(Some(r.to_vec())),
            Err(S3Error::HttpFailWithBody(404, b)) if !b.contains("NoSuchBucket") => Ok(None),
            Err(e) => Err(explain("读取", &k, e)),
        }
    }

    fn put(&self, key: &str, bytes: &[u8], ct: &str, cc: &str) -> Result<(), DeployError> {
        let k = self.key(key);
        self.rt
            .block_on(put(&self.bucket, &k, bytes, ct, cc))
            .map_err(|e| explain("上传", &k, e))
    }

    fn put_all(&self, files: &[Upload], done: &mut dyn FnMut(&Upload)) -> Result<(), DeployError> {
        self.rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            let mut next = 0;
            let mut first_err = None;
            loop {
                while first_err.is_none() && next < files.len() && set.len() < self.jobs {
                    let i = next;
                    next += 1;
                    let u = files[i].clone();
                    let bytes = match u.read() {
                        Ok(b) => b,
                        Err(e) => {
                            first_err = Some(e);
                            break;
                        }
                    };
                    let bucket = self.bucket.clone();
                    let k = self.key(&u.key);
                    set.spawn(async move {
                        let r = put(&bucket, &k, &bytes, &u.content_type, &u.cache_control)
                            .await
                            .map_err(|e| explain("上传", &k, e));
                        (i, r)
                    });
                }
                // After a failure, the uploads already under way finish; none start.
                match set.join_next().await {
                    None => break,
                    Some(Ok((i, Ok(())))) => done(&files[i]),
                    Some(Ok((_, Err(e)))) => {
                        first_err.get_or_insert(e);
                    }
                    Some(Err(e)) => {
                        first_err.get_or_insert(DeployError::Target(format!("上传中断：{e}")));
                    }
                }
            }
            match first_err {
                Some(e) => Err(e),
                None => Ok(()),
            }
        })
    }

    fn delete(&self, key: &str) -> Result<(), DeployError> {
        let k = self.key(key);
        match self.rt.block_on(self.bucket.delete_object(&k)) {
            Ok(_) => Ok(()),
            Err(S3Error::HttpFailWithBody(404, b)) if !b.contains("NoSuchBucket") => Ok(()),
            Err(e) => Err(explain("删除", &k, e)),
        }
    }
}
