//! clap arguments of `gongshi deploy` (the command is `src/cmd/deploy.rs`).

use clap::Args;
use std::path::PathBuf;

/// The arguments of `gongshi deploy`. One target: `--to DIR`, or `--bucket` with
/// `--endpoint`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["to", "bucket"])))]
pub struct DeployArgs {
    /// 站点根目录（含 site.toml；发布记录中写入它的 base_url）
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// 要发布的网站（默认为 根目录/public，即 gongshi build 的输出）
    #[arg(long, value_name = "DIR")]
    pub public: Option<PathBuf>,
    /// 发布到这个目录（供 rsync、NFS 等方式使用；与 --bucket 二选一）
    #[arg(long, value_name = "DIR", conflicts_with_all = ["bucket", "endpoint", "prefix", "region", "path_style", "credentials"])]
    pub to: Option<PathBuf>,
    /// 发布到 S3 兼容对象存储的这个存储桶；需同时给出 --endpoint 服务地址
    #[arg(long, value_name = "NAME", requires = "endpoint")]
    pub bucket: Option<String>,
    /// 存储桶中的路径前缀，如 gk（默认为存储桶根目录）
    #[arg(long, value_name = "PREFIX", default_value = "")]
    pub prefix: String,
    /// 对象存储服务地址，如 https://oss-cn-beijing.aliyuncs.com、https://cos.ap-beijing.myqcloud.com
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// 区域（签名用；多数国内对象存储填什么都可以）
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// 用“服务地址/存储桶/文件”形式的网址（MinIO 等自建服务需要；阿里云 OSS 不支持）
    #[arg(long)]
    pub path_style: bool,
    /// 密钥文件（access_key_id = "…"、secret_access_key = "…"），不要提交到 git；不给时读环境变量 AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY
    #[arg(long, value_name = "FILE")]
    pub credentials: Option<PathBuf>,
    /// 只列出将要上传和删除的文件，不做任何改动
    #[arg(long)]
    pub dry_run: bool,
    /// 同时上传的文件数
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
}
