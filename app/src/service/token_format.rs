//! The token format: `gt<kind>_<30 base62 random><6 base62 checksum>`, kind `u`, `g` or `o`.
//! The checksum is CRC32 of the 30 random characters in base62, zero-padded, so a scanner can
//! recognise a Gatehouse token offline and a mistyped one is refused before any lookup.

use crate::error::AppError;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const RANDOM_LEN: usize = 30;
const CHECKSUM_LEN: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    User,
    Group,
    Organization,
}

impl TokenKind {
    fn letter(self) -> char {
        match self {
            TokenKind::User => 'u',
            TokenKind::Group => 'g',
            TokenKind::Organization => 'o',
        }
    }
}

fn checksum(random: &str) -> String {
    let mut n = crc32fast::hash(random.as_bytes());
    let mut digits = [b'0'; CHECKSUM_LEN];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62.get((n % 62) as usize).copied().unwrap_or(b'0');
        n /= 62;
    }
    String::from_utf8_lossy(&digits).into_owned()
}

/// A new random token of `kind` (178 bits of randomness).
pub fn generate(kind: TokenKind) -> Result<String, AppError> {
    let random = super::secret::random_string(BASE62, RANDOM_LEN)?;
    let sum = checksum(&random);
    Ok(format!("gt{}_{random}{sum}", kind.letter()))
}

/// The kind of a well-formed token with a valid checksum; `None` for anything else.
pub fn parse(token: &str) -> Option<TokenKind> {
    let rest = token.strip_prefix("gt")?;
    let mut chars = rest.chars();
    let kind = match chars.next()? {
        'u' => TokenKind::User,
        'g' => TokenKind::Group,
        'o' => TokenKind::Organization,
        _ => return None,
    };
    let body = chars.as_str().strip_prefix('_')?;
    if body.len() != RANDOM_LEN + CHECKSUM_LEN || !body.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let (random, sum) = body.split_at(RANDOM_LEN);
    (checksum(random) == sum).then_some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_parse_and_look_right() {
        for kind in [TokenKind::User, TokenKind::Group, TokenKind::Organization] {
            let t = generate(kind).unwrap();
            assert_eq!(t.len(), 4 + 36, "{t}");
            assert_eq!(parse(&t), Some(kind), "{t}");
        }
        assert!(generate(TokenKind::User).unwrap().starts_with("gtu_"));
        assert_ne!(
            generate(TokenKind::User).unwrap(),
            generate(TokenKind::User).unwrap()
        );
    }

    #[test]
    fn mistyped_tokens_are_refused_offline() {
        let t = generate(TokenKind::User).unwrap();
        let mut chars: Vec<char> = t.chars().collect();
        chars[10] = if chars[10] == 'a' { 'b' } else { 'a' };
        let typo: String = chars.into_iter().collect();
        assert_eq!(parse(&typo), None);
        assert_eq!(parse(&t[..t.len() - 1]), None);
        assert_eq!(parse(&t.replacen("gtu_", "gtx_", 1)), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("Bearer"), None);
    }

    #[test]
    fn checksum_is_zero_padded_base62_of_crc32() {
        assert_eq!(checksum("").len(), 6);
        assert_eq!(checksum(""), "000000");
        // CRC32("a") = 0xe8b7be43, which is "4GEHKN" in base62.
        assert_eq!(checksum("a"), "4GEHKN");
    }
}
