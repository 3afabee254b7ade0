//! `--token-file`: every request must carry the token.
//!
//! Programs send `authorization: Bearer <token>`. Browsers cannot add a header to a page they
//! navigate to, so the review page is reached with HTTP Basic authentication instead: any user
//! name, the token as the password. The browser asks for it once and then sends it with the
//! page's own requests too.

use sha2::{Digest, Sha256};

pub struct Token {
    /// Only the digest is kept, so comparisons take the same time whatever the guess.
    digest: [u8; 32],
}

impl Token {
    /// Reads the token: the file's text without surrounding white space.
    pub fn read(path: &std::path::Path) -> Result<Token, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the token file `{}`: {e}", path.display()))?;
        let token = text.trim();
        if token.is_empty() {
            return Err(format!("the token file `{}` is empty", path.display()));
        }
        Ok(Token {
            digest: Sha256::digest(token.as_bytes()).into(),
        })
    }

    fn matches(&self, guess: &[u8]) -> bool {
        let guess: [u8; 32] = Sha256::digest(guess).into();
        guess
            .iter()
            .zip(&self.digest)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }

    /// Checks an `authorization` header. The error says what was wrong, for the 401's body.
    pub fn check(&self, header: Option<&[u8]>) -> Result<(), &'static str> {
        let Some(header) = header else {
            return Err("this server requires a token: send `authorization: Bearer <token>`");
        };
        let (scheme, credentials) = match header.iter().position(|&b| b == b' ') {
            Some(i) => (&header[..i], trim(&header[i + 1..])),
            None => (header, &[][..]),
        };
        let token = if scheme.eq_ignore_ascii_case(b"bearer") {
            credentials.to_vec()
        } else if scheme.eq_ignore_ascii_case(b"basic") {
            let Some(decoded) = base64_decode(credentials) else {
                return Err("the `authorization: Basic` credentials are not valid base64");
            };
            match decoded.iter().position(|&b| b == b':') {
                Some(i) => decoded[i + 1..].to_vec(),
                None => return Err("the `authorization: Basic` credentials have no password"),
            }
        } else {
            return Err("unsupported authorization scheme: send `authorization: Bearer <token>`");
        };
        if self.matches(&token) {
            Ok(())
        } else {
            Err("the token does not match the server's `--token-file`")
        }
    }
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != b' ').unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| *b != b' ')
        .map_or(start, |i| i + 1);
    &bytes[start..end.max(start)]
}

/// Standard base64 with padding (RFC 4648), as browsers send Basic credentials.
fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for (i, chunk) in text.chunks(4).enumerate() {
        let last = i + 1 == text.len() / 4;
        let padding = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return None;
        }
        let mut n = 0u32;
        for &c in &chunk[..4 - padding] {
            n = (n << 6) | value(c)?;
        }
        n <<= 6 * padding as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - padding]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(text: &str) -> Token {
        Token {
            digest: Sha256::digest(text.as_bytes()).into(),
        }
    }

    #[test]
    fn bearer_and_basic_credentials_are_accepted_and_nothing_else() {
        let t = token("s3cret");
        assert!(t.check(Some(b"Bearer s3cret")).is_ok());
        assert!(t.check(Some(b"bearer  s3cret ")).is_ok());
        // "user:s3cret"
        assert!(t.check(Some(b"Basic dXNlcjpzM2NyZXQ=")).is_ok());
        // ":s3cret"
        assert!(t.check(Some(b"Basic OnMzY3JldA==")).is_ok());
        assert!(t.check(None).is_err());
        assert!(t.check(Some(b"Bearer s3cre")).is_err());
        assert!(t.check(Some(b"Bearer")).is_err());
        assert!(t.check(Some(b"Token s3cret")).is_err());
        assert!(t.check(Some(b"Basic !!!!")).is_err());
        assert!(t.check(Some(b"Basic dXNlcg==")).is_err());
    }

    #[test]
    fn base64_round_trips_known_values() {
        assert_eq!(base64_decode(b"").unwrap(), b"");
        assert_eq!(base64_decode(b"Zg==").unwrap(), b"f");
        assert_eq!(base64_decode(b"Zm8=").unwrap(), b"fo");
        assert_eq!(base64_decode(b"Zm9v").unwrap(), b"foo");
        assert_eq!(base64_decode(b"Zm9vYmFy").unwrap(), b"foobar");
        assert!(base64_decode(b"Zg=").is_none());
        assert!(base64_decode(b"Zg==Zm9v").is_none());
        assert!(base64_decode(b"Z===").is_none());
    }
}
