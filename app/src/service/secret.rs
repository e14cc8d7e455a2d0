//! Secrets: random values and their hashes. Every secret Gatehouse hands out (session cookies,
//! tokens, links, codes, temporary passwords, salts) is drawn here, and every secret it keeps
//! is kept as the SHA-256 computed here.
//!
//! Invariants:
//! - Randomness comes from the operating system (`getrandom`); a failure is an error, never a
//!   weaker fallback.
//! - Characters from an alphabet are drawn by rejection sampling, so each is equally likely.
//! - Secrets are compared in constant time.

use crate::error::AppError;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// `N` random bytes.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], AppError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    Ok(bytes)
}

/// 256 random bits, URL-safe base64 (43 characters): session cookies, links, challenges.
pub fn random_secret() -> Result<String, AppError> {
    Ok(base64url(&random_bytes::<32>()?))
}

/// `len` characters drawn uniformly from `alphabet` (at most 256 distinct bytes).
pub fn random_string(alphabet: &[u8], len: usize) -> Result<String, AppError> {
    if alphabet.is_empty() || alphabet.len() > 256 {
        return Err(AppError::internal("an alphabet has 1 to 256 characters"));
    }
    // Bytes at or above `limit` would favour the first characters: they are thrown away.
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(len);
    while out.len() < len {
        for b in random_bytes::<64>()? {
            if out.len() == len {
                break;
            }
            if usize::from(b) < limit {
                let index = usize::from(b) % alphabet.len();
                out.push(char::from(alphabet.get(index).copied().unwrap_or(b'?')));
            }
        }
    }
    Ok(out)
}

/// The SHA-256 of `input`, lower-case hex: what the database keeps of a secret.
pub fn sha256_hex(input: &str) -> String {
    Sha256::digest(input.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// URL-safe base64 without padding.
pub fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(
                ALPHABET.get(index as usize).copied().unwrap_or(b'A'),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_43_url_safe_characters_and_differ() {
        let a = random_secret().unwrap();
        let b = random_secret().unwrap();
        assert_eq!(a.len(), 43);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_ne!(a, b);
    }

    #[test]
    fn base64url_matches_known_vectors() {
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn random_strings_use_only_their_alphabet_and_every_letter_of_it() {
        let s = random_string(b"abc", 3000).unwrap();
        assert_eq!(s.len(), 3000);
        for letter in ['a', 'b', 'c'] {
            let n = s.chars().filter(|c| *c == letter).count();
            assert!(n > 700, "{letter} drawn {n} times out of 3000");
        }
        assert!(s.chars().all(|c| "abc".contains(c)));
        assert!(random_string(b"", 3).is_err());
    }

    #[test]
    fn sha256_and_constant_time_compare() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
