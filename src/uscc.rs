//! Unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters from a 31-character alphabet (digits and capitals without I, O, S, V,
//! Z); the 18th is a check character: with weights 3^i mod 31 over the first 17,
//! check = 31 − (Σ value·weight mod 31), where 31 maps to 0.

const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("unified social credit code '{code}' has {len} characters; it must have 18")]
    Length { code: String, len: usize },
    #[error("unified social credit code '{code}' contains '{ch}', which GB 32100-2015 does not use (I, O, S, V, Z and lowercase are excluded)")]
    Character { code: String, ch: char },
    #[error("unified social credit code '{code}' fails its check character: expected '{expected}', found '{found}'")]
    Check {
        code: String,
        expected: char,
        found: char,
    },
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters.
pub fn check_char(first17: &[u8]) -> Option<char> {
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let r = (31 - sum % 31) % 31;
    Some(ALPHABET[r as usize] as char)
}

/// Validate a code; returns it unchanged (codes are case-sensitive uppercase).
pub fn validate(code: &str) -> Result<String, UsccError> {
    let len = code.chars().count();
    if len != 18 {
        return Err(UsccError::Length {
            code: code.into(),
            len,
        });
    }
    if let Some(ch) = code
        .chars()
        .find(|c| !c.is_ascii() || value(*c as u8).is_none())
    {
        return Err(UsccError::Character {
            code: code.into(),
            ch,
        });
    }
    let b = code.as_bytes();
    let expected = check_char(&b[..17]).expect("alphabet checked above");
    let found = b[17] as char;
    if expected != found {
        return Err(UsccError::Check {
            code: code.into(),
            expected,
            found,
        });
    }
    Ok(code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_codes_pass() {
        // Codes as printed on public business licences; worked by hand with the
        // weights above, e.g. 91110000600037341L: Σ = 538 ≡ 11 (mod 31) → 31−11 = 20 → alphabet[20] = 'L'.
        assert!(validate("914403001922038216").is_ok());
        assert!(validate("91110000600037341L").is_ok());
    }

    #[test]
    fn refusals() {
        assert!(matches!(
            validate("91440300192203821"),
            Err(UsccError::Length { .. })
        ));
        assert!(matches!(
            validate("91440300192203821I"),
            Err(UsccError::Character { .. })
        ));
        assert!(matches!(
            validate("914403001922038217"),
            Err(UsccError::Check {
                expected: '6',
                found: '7',
                ..
            })
        ));
    }
}
