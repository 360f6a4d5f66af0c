//! Which `Host` names the preview answers to (DNS rebinding), and the refusal of others.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The host names this preview answers to. A page of another site can make the browser
/// send requests here under a name of its own that resolves to this machine (DNS
/// rebinding), and read the answers (drafts, the feedback forms); such requests carry that
/// name in `Host` and are refused. Allowed: `localhost` (and `*.localhost`, which browsers
/// resolve to this machine themselves), any IP address written as such (no name is resolved,
/// so nothing can be rebound: `127.0.0.1`, `[::1]`, the bound address, this machine's LAN
/// address when bound to `0.0.0.0`), the name given in `--addr`, and the names given with
/// `--allow-host`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Hosts {
    names: Vec<String>,
}

impl Hosts {
    /// The names for a preview started with `--addr addr` and `--allow-host extra…`.
    pub(crate) fn new(addr: &str, extra: &[String]) -> Hosts {
        let mut names: Vec<String> = extra.iter().filter_map(|n| normalise(n)).collect();
        if let Some(name) = host_part(addr).and_then(normalise) {
            names.push(name);
        }
        Hosts { names }
    }

    /// Does a request with this `Host` header value come to this preview?
    pub(crate) fn allows(&self, host: &str) -> bool {
        let Some(name) = host_part(host.trim()) else {
            return false;
        };
        if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
            return v6.parse::<Ipv6Addr>().is_ok();
        }
        if name.parse::<Ipv4Addr>().is_ok() {
            return true;
        }
        let Some(name) = normalise(name) else {
            return false;
        };
        name == "localhost" || name.ends_with(".localhost") || self.names.contains(&name)
    }
}

/// `host` of `host:port`, `[v6]` of `[v6]:port`; `None` when empty or malformed.
fn host_part(s: &str) -> Option<&str> {
    let host = if s.starts_with('[') {
        let end = s.find(']')?;
        let rest = &s[end + 1..];
        if !(rest.is_empty() || rest.strip_prefix(':').is_some_and(all_digits)) {
            return None;
        }
        &s[..=end]
    } else {
        match s.rsplit_once(':') {
            Some((h, port)) if all_digits(port) => h,
            Some(_) => return None,
            None => s,
        }
    };
    (!host.is_empty()).then_some(host)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A host name in lower case without a final dot; `None` unless it is made of letters,
/// digits, `-`, `_` and dots.
fn normalise(name: &str) -> Option<String> {
    let name = name.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then_some(name)
}

/// The answer to a request for another host name (421 Misdirected Request): what to do,
/// in Chinese.
pub(crate) fn misdirected_page(host: &str) -> String {
    let host = crate::render::escape_html(&crate::diag::escape_controls(host));
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>地址不对</title></head>\
<body style=\"font:18px/1.7 sans-serif;max-width:40em;margin:2em auto;padding:0 1em\"><h1>地址不对</h1>\
<p>这是 <code>gongshi serve</code> 的本地预览，它只回答用 localhost 或 IP 地址（如 127.0.0.1）打开的请求，\
不回答用其他域名（这次是 <code>{host}</code>）打开的请求：这样别的网站无法借用域名读取预览中的草稿。</p>\
<p>请用终端中显示的预览地址打开；确需用这个域名访问时，请在启动时加上 <code>--allow-host 域名</code>。</p></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_previews_names_are_answered() {
        let hosts = Hosts::new("127.0.0.1:1111", &["preview.example.gov.cn".into()]);
        for ok in [
            "127.0.0.1:1111",
            "127.0.0.1",
            "localhost:1111",
            "LOCALHOST",
            "localhost.",
            "site.localhost:8080",
            "[::1]:1111",
            "[::1]",
            "192.168.1.20:1111",
            "preview.example.gov.cn:1111",
            "Preview.Example.Gov.Cn",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "attacker.example:1111",
            "attacker.example",
            "127.0.0.1.attacker.example",
            "localhost.attacker.example",
            "preview.example.gov.cn.attacker.example",
            "",
            ":1111",
            "[::1",
            "[zz]:1",
            "localhost:abc",
            "a b",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        // A name given as the address to bind is one of the preview's names.
        assert!(Hosts::new("myhost.lan:1111", &[]).allows("myhost.lan:1111"));
        assert!(!Hosts::new("0.0.0.0:1111", &[]).allows("myhost.lan:1111"));
    }
}
