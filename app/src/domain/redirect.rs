//! Where a redirect may send the browser: a path on this site, nothing else.
//!
//! Invariant: every `Location` the application builds from input (`next`, a form's target)
//! passes [`local_path`]. Browsers drop tabs and line breaks from URLs and read `\` as `/`, so
//! `/\t/evil.example` or `/\evil.example` would leave the site: any control character,
//! whitespace or backslash refuses the whole target, as does `//` (another host).

/// `target` if it is a same-origin path (`/…`, not `//…`, no control character, whitespace or
/// backslash); `/` otherwise.
pub fn local_path(target: Option<&str>) -> String {
    match target {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            path.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_paths_of_this_site_pass() {
        assert_eq!(
            local_path(Some("/orgs/acme?tab=groups")),
            "/orgs/acme?tab=groups"
        );
        assert_eq!(local_path(Some("/orgs/acme%20x")), "/orgs/acme%20x");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "\t//evil.example",
            "/\n",
            "/\r\nSet-Cookie: x=1",
            "/a b",
            "/\u{0}",
            "/\u{2028}",
            "",
            "evil.example",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(local_path(None), "/");
    }
}
