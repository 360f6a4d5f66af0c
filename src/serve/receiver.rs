//! The real feedback receiver mounted in the preview: `gongshi serve` starts
//! `crate::feedback` on a loopback port with a throw-away database (or `--db FILE`) and
//! forwards the site's form requests to it, so a reviewer can try a comment end to end with
//! the very code that runs in production.

use super::forms::{FormHandler, FormRequest, FormResponse};
use crate::feedback::{self, ServeOptions};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Forwards form requests to a receiver running on loopback.
pub struct Receiver {
    addr: SocketAddr,
    _handle: feedback::ServerHandle,
    _tmp: Option<TempDb>,
    /// The receiver's windows follow the content, as in production.
    _follow: Option<feedback::reload::FollowHandle>,
}

/// The temporary folder of the preview database: a new one each time, with a random name
/// (never one that exists already, which someone else could have made), private to the user
/// (mode 0700: the database holds what was typed into the forms), removed when the preview
/// stops, however it stops ([`super::cleanup`]).
struct TempDb(Option<tempfile::TempDir>);

impl TempDb {
    fn new() -> Result<TempDb, String> {
        let dir = tempfile::Builder::new()
            .prefix("gongshi-preview-")
            .tempdir()
            .map_err(|e| format!("无法创建临时目录：{e}"))?;
        #[cfg(unix)]
        {
            // tempfile makes it 0700 already; say so where it matters.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700))
                .map_err(|e| format!("无法设置临时目录 {} 的权限：{e}", dir.path().display()))?;
        }
        super::cleanup::register(dir.path());
        Ok(TempDb(Some(dir)))
    }

    fn path(&self) -> PathBuf {
        self.0
            .as_ref()
            .map(|d| d.path().to_path_buf())
            .unwrap_or_default()
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        if let Some(dir) = self.0.take() {
            super::cleanup::unregister(dir.path());
            let _ = dir.close();
        }
    }
}

impl Receiver {
    /// Start the receiver for the site at `root`. `db`: keep comments in this file; `None`:
    /// a throw-away database. `now` fixes the receiver's clock like the preview's.
    pub fn start(
        root: &Path,
        db: Option<PathBuf>,
        now: Option<jiff::Timestamp>,
    ) -> Result<Receiver, String> {
        let dir = feedback::site::load_directory(root)?;
        let (dir, follow): (std::sync::Arc<dyn feedback::Directory>, _) =
            match feedback::reload::follow(
                root.to_path_buf(),
                dir.clone(),
                std::sync::Arc::new(feedback::site::load_directory),
                std::sync::Arc::new(|_: &str| {}),
                true,
                false,
            ) {
                Ok((d, h)) => (d, Some(h)),
                Err(_) => (dir, None),
            };
        let (db, tmp) = match db {
            Some(p) => (p, None),
            None => {
                let tmp = TempDb::new()?;
                (tmp.path().join("feedback.db"), Some(tmp))
            }
        };
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        let mut opts = ServeOptions::new(db, loopback);
        // The throw-away database is new on every start; a `--db FILE` of the preview is
        // created on first use too (it only ever holds trial comments).
        opts.init = true;
        opts.now = now;
        opts.handle_signals = false;
        opts.site_hosts = feedback::cli::site_hosts(root);
        opts.log = feedback::LogSink::stderr().min_level(feedback::Level::Error);
        let handle =
            feedback::start(opts, dir).map_err(|e| format!("意见接收服务无法启动：{e}"))?;
        Ok(Receiver {
            addr: handle.local_addr(),
            _handle: handle,
            _tmp: tmp,
            _follow: follow,
        })
    }

    fn forward(&self, req: &FormRequest) -> std::io::Result<FormResponse> {
        let mut s = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5))?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        let target = match &req.query {
            Some(q) => format!("{}?{q}", req.path),
            None => req.path.clone(),
        };
        // The browser's Host (the preview's address) goes on, as a proxy passes it: the
        // receiver compares it with the form's Origin and a correction's page address.
        let host = req
            .headers
            .iter()
            .find(|(n, _)| n == "host")
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| self.addr.to_string());
        let mut head = format!(
            "{} {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            req.method,
            target,
            host,
            req.body.len()
        );
        for (n, v) in &req.headers {
            if !matches!(
                n.as_str(),
                "host" | "connection" | "content-length" | "transfer-encoding" | "keep-alive"
            ) {
                head.push_str(&format!("{n}: {v}\r\n"));
            }
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes())?;
        s.write_all(&req.body)?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw)?;
        parse_response(&raw).ok_or_else(|| std::io::Error::other("意见接收服务的回答无法解析"))
    }
}

fn parse_response(raw: &[u8]) -> Option<FormResponse> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut content_type = "text/html; charset=utf-8".to_string();
    let mut headers = Vec::new();
    let mut chunked = false;
    for l in lines {
        let (n, v) = l.split_once(':')?;
        let (n, v) = (n.trim().to_ascii_lowercase(), v.trim().to_string());
        match n.as_str() {
            "content-type" => content_type = v,
            "transfer-encoding" => chunked = v.eq_ignore_ascii_case("chunked"),
            "content-length" | "connection" | "date" => {}
            _ => headers.push((n, v)),
        }
    }
    if chunked {
        body = dechunk(&body)?;
    }
    Some(FormResponse {
        status,
        content_type,
        headers,
        body,
    })
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let end = b.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(
            std::str::from_utf8(&b[..end])
                .ok()?
                .split(';')
                .next()?
                .trim(),
            16,
        )
        .ok()?;
        b = &b[end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

impl FormHandler for Receiver {
    fn handle(&self, req: &FormRequest) -> FormResponse {
        match self.forward(req) {
            Ok(r) => r,
            Err(e) => FormResponse {
                status: 502,
                content_type: "text/html; charset=utf-8".into(),
                headers: Vec::new(),
                body: format!(
                    "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>意见接收服务无响应</title><h1>意见接收服务无响应</h1><p>预览中的意见接收服务没有回答（{}）。您的意见没有保存，请稍后再试。</p></html>",
                    crate::render::escape_html(&e.to_string())
                )
                .into_bytes(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_chunked_responses() {
        let r = parse_response(
            b"HTTP/1.1 303 See Other\r\nLocation: /receipt/X?new=1\r\ncontent-length: 0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(r.status, 303);
        assert_eq!(
            r.headers,
            vec![("location".to_string(), "/receipt/X?new=1".to_string())]
        );
        let r = parse_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").unwrap();
        assert_eq!(r.body, b"abcde");
        assert_eq!(r.content_type, "text/plain");
    }
}
