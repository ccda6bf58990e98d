//! URLs: the API root a client talks to, and percent-encoding of the parts
//! callers supply, so that no id or parameter can change a URL's structure.

use crate::error::{ArgumentError, Given};
use crate::text;

/// The path every Looker API 4.0 call lives under.
pub const API_PATH: &str = "/api/4.0";

/// The API root a client talks to: `https://host[:port]/api/4.0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiBase {
    root: String,
    https: bool,
    loopback: bool,
}

/// The mistake of a `baseUrl` that is not one.
const NOT_A_BASE_URL: ArgumentError =
    ArgumentError::type_error("", "baseUrl", "must be an http(s) URL such as https://acme.looker.com:19999");

impl ApiBase {
    /// Parses a Looker SDK `base_url` (`https://acme.looker.com:19999`), with or
    /// without `/api/4.0` and trailing slashes.
    pub fn parse(base_url: &str) -> Result<Self, ArgumentError> {
        let invalid = |why| NOT_A_BASE_URL.given(Given::Why(why));
        let trimmed = base_url.trim_ascii();
        let (https, rest) = if let Some(rest) = strip_prefix_ignore_case(trimmed, "https://") {
            (true, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(trimmed, "http://") {
            (false, rest)
        } else {
            return Err(invalid("it has no http:// or https:// scheme"));
        };
        if byte_position(rest, b'?').is_some() || byte_position(rest, b'#').is_some() {
            return Err(invalid("it has a query or fragment"));
        }
        let (authority, path) =
            rest.split_at_checked(byte_position(rest, b'/').unwrap_or(rest.len())).unwrap_or((rest, ""));
        if byte_position(authority, b'@').is_some() {
            return Err(invalid("credentials do not belong in the URL"));
        }
        let host = host_of(authority).ok_or_else(|| invalid("it has no host"))?;
        // Without trailing slashes (a byte loop: `trim_end_matches` brings str's pattern code).
        let kept = path.bytes().rposition(|b| b != b'/').map_or(0, |at| at + 1);
        let mut path = path.get(..kept).unwrap_or_default();
        if let Some(prefix) = path.strip_suffix(API_PATH) {
            path = prefix;
        }
        let scheme = if https { "https://" } else { "http://" };
        Ok(Self { root: text!(scheme, authority, path, API_PATH), https, loopback: is_loopback(host) })
    }

    /// The API root, ending in `/api/4.0`.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// The site: the API root without `/api/4.0` (where Looker's OAuth
    /// endpoints, `/api/token` and `/api/logout`, and a web UI's `/auth` are).
    pub fn site(&self) -> &str {
        self.root.strip_suffix(API_PATH).unwrap_or(&self.root)
    }

    /// Whether requests travel encrypted.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// Whether the host is this machine (`localhost`, `127.0.0.0/8`, `::1`),
    /// where plain http cannot leak a token onto a network.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// The URL of `path` (which starts with `/`) with `query`.
    pub fn url(&self, path: &str, query: &Query) -> String {
        let mut url = String::with_capacity(self.root.len() + path.len() + query.0.len() + 1);
        url.push_str(&self.root);
        url.push_str(path);
        if !query.0.is_empty() {
            url.push_str("?");
            url.push_str(&query.0);
        }
        url
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let (head, rest) = s.split_at_checked(prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then_some(rest)
}

/// Where `byte` first is in `text`. (Byte searches keep the wasm free of
/// `str`'s pattern machinery; the bytes looked for are ASCII.)
fn byte_position(text: &str, byte: u8) -> Option<usize> {
    text.bytes().position(|b| b == byte)
}

/// Whether `host` is this machine: `localhost`, `[::1]` or `127.x.y.z`.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let Some(rest) = host.strip_prefix("127.") else {
        return false;
    };
    // Three more octets, each 0-255.
    let mut octets = 0;
    for octet in crate::text::split_ascii(rest, b'.') {
        octets += 1;
        if octet.len() > 3 || !crate::text::ascii_decimal(octet).is_some_and(|number| number <= 255.0) {
            return false;
        }
    }
    octets == 3
}

/// The host of `host[:port]` or `[v6]:port`, if any.
fn host_of(authority: &str) -> Option<&str> {
    let end = if authority.as_bytes().first() == Some(&b'[') {
        byte_position(authority, b']')? + 1
    } else {
        byte_position(authority, b':').unwrap_or(authority.len())
    };
    authority.get(..end).filter(|host| !host.is_empty())
}

/// The path of a URL, for messages: never the query, which may carry
/// parameters a caller would rather not see in a log.
pub fn path_of(url: &str) -> &str {
    let bytes = url.as_bytes();
    let after_scheme = bytes.windows(3).position(|w| w == b"://").map_or(0, |i| i + 3);
    let path_start = bytes.iter().skip(after_scheme).position(|&b| b == b'/').map_or(url.len(), |i| after_scheme + i);
    let path_end = byte_position(url, b'?').unwrap_or(url.len());
    url.get(path_start..path_end.max(path_start)).unwrap_or("")
}

/// Percent-encodes `value` as one path segment: all but RFC 3986's
/// unreserved characters, so `/`, `?` and `#` cannot change the URL.
pub fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    encode(value, b"-._~", &mut out);
    out
}

fn encode(value: &str, safe: &[u8], out: &mut String) {
    // Runs of safe bytes are copied whole; each other byte becomes %XX.
    let mut copied = 0;
    for (at, byte) in value.bytes().enumerate() {
        if !byte.is_ascii_alphanumeric() && !safe.contains(&byte) {
            out.push_str(value.get(copied..at).unwrap_or_default());
            out.push_str("%");
            crate::text::put_hex(byte, out);
            copied = at + 1;
        }
    }
    out.push_str(value.get(copied..).unwrap_or_default());
}

/// A query string (or form body) under construction, parameters in the order added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(String);

impl Query {
    /// Adds `name=value`; the value is percent-encoded, commas stay, as in
    /// Looker's `fields=a,b`.
    pub fn push(&mut self, name: &str, value: &str) {
        if !self.0.is_empty() {
            self.0.push_str("&");
        }
        self.0.push_str(name);
        self.0.push_str("=");
        encode(value, b"-._~,", &mut self.0);
    }

    /// Adds `name=value` when there is a value.
    pub fn push_opt(&mut self, name: &str, value: Option<&str>) {
        if let Some(value) = value {
            self.push(name, value);
        }
    }

    /// The encoded text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The encoded text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gets_the_api_path_once() {
        for url in [
            "https://acme.looker.com:19999",
            "https://acme.looker.com:19999/",
            "https://acme.looker.com:19999/api/4.0",
            "https://acme.looker.com:19999/api/4.0/",
            " https://acme.looker.com:19999// ",
            "HTTPS://acme.looker.com:19999",
        ] {
            assert_eq!(ApiBase::parse(url).unwrap().root(), "https://acme.looker.com:19999/api/4.0", "{url}");
        }
        assert_eq!(
            ApiBase::parse("http://127.0.0.1:8100/looker").unwrap().root(),
            "http://127.0.0.1:8100/looker/api/4.0"
        );
    }

    #[test]
    fn base_url_must_be_http() {
        for url in [
            "",
            "acme.looker.com",
            "ftp://acme.looker.com",
            "https://",
            "https://:443",
            "https://a.com?x=1",
            "https://u:p@a.com",
        ] {
            let error = ApiBase::parse(url).unwrap_err();
            assert!(!error.range && error.message().starts_with("baseUrl must be an http(s) URL"), "{url:?}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for url in
            ["http://127.0.0.1:1", "http://localhost", "http://LOCALHOST:80", "http://[::1]:8080", "http://127.255.0.1"]
        {
            assert!(ApiBase::parse(url).unwrap().is_loopback(), "{url}");
        }
        for url in [
            "http://127.0.0.1.evil.com",
            "http://localhost.evil.com",
            "http://10.0.0.1",
            "http://[::2]",
            "http://128.0.0.1",
        ] {
            assert!(!ApiBase::parse(url).unwrap().is_loopback(), "{url}");
        }
    }

    #[test]
    fn encoding_keeps_the_structure() {
        assert_eq!(encode_component("a/b?c#d"), "a%2Fb%3Fc%23d");
        assert_eq!(encode_component("é %"), "%C3%A9%20%25");
        let mut query = Query::default();
        query.push("fields", "id,status");
        query.push("theme", "dark mode&x=1");
        query.push_opt("none", None);
        assert_eq!(query.as_str(), "fields=id,status&theme=dark%20mode%26x%3D1");
    }

    #[test]
    fn paths_for_messages_leave_out_the_query() {
        assert_eq!(path_of("https://a.com:1/api/4.0/render_tasks/x?fields=id"), "/api/4.0/render_tasks/x");
        assert_eq!(path_of("https://a.com"), "");
        assert_eq!(path_of("garbage?x"), "");
    }
}
