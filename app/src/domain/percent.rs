//! Percent-encoding (RFC 3986): every byte but the unreserved characters is escaped, so the
//! result is safe in a query value or a `data:` URL.

pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b));
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_all_but_unreserved() {
        assert_eq!(super::encode("a b\n/c-1?é"), "a%20b%0A%2Fc-1%3F%C3%A9");
    }
}
