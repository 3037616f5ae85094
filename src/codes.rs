//! Codes and free text, cleaned at the door.
//!
//! A **code** names a fund, investor, company, loan, grant or guarantor in every
//! command and file. It is read NFKC-normalised and trimmed (a full-width `ＳＣ-１`
//! pasted from a Chinese document is `SC-1`), and must then be 1 to 64 characters of
//! one alphabet: ASCII letters, digits, `-`, `_` and `.`. So no space, no zero-width
//! or control character, no look-alike letter can make two codes that print the same.
//! Codes are unique whatever their case (`sc` cannot sit next to `SC`); that is
//! checked against the ledger by the operations that add records.
//!
//! **Names and memos** are free text but may not hold control characters (line
//! breaks, tabs, terminal escape sequences such as `ESC[2J`): refused on input, and
//! shown escaped (`\u{1b}`) if a file edited outside fundledger holds them.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// Longest code, in characters.
pub const MAX_CODE_CHARS: usize = 64;

/// The alphabet of codes, as refusals name it.
pub const CODE_ALPHABET: &str = "ASCII letters, digits, '-', '_' and '.'";

/// A code as typed or pasted, as the ledger reads it: NFKC-normalised and trimmed.
/// Lookups use this, so `ＳＣ-１` finds fund `SC-1`.
pub fn normalize_code(input: &str) -> Cow<'_, str> {
    let t = input.trim();
    if t.is_ascii() {
        Cow::Borrowed(t)
    } else {
        Cow::Owned(t.nfkc().collect::<String>().trim().to_string())
    }
}

/// Whether `c` belongs to the code alphabet.
pub fn is_code_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// How a refusal names a character: printable ones quoted, the rest by code point.
fn describe(c: char) -> String {
    if c.is_control() || c.is_whitespace() || is_invisible(c) {
        let kind = if c.is_control() {
            "a control character"
        } else if c.is_whitespace() {
            "a space"
        } else {
            "an invisible character"
        };
        format!("U+{:04X} ({kind})", c as u32)
    } else {
        format!("'{c}' (U+{:04X})", c as u32)
    }
}

/// Zero-width and other format characters (Unicode category Cf) that print as nothing.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// A new code checked against the alphabet: the normalised code, or a refusal
/// (`bad-code`) naming the offending character.
pub fn check_code(what: &str, input: &str) -> Result<String> {
    let code = normalize_code(input);
    let shown = escape_controls(input);
    let n = code.chars().count();
    if n == 0 || n > MAX_CODE_CHARS {
        return Err(Error::refused(
            "bad-code",
            format!(
                "{what} code '{shown}' must be 1 to {MAX_CODE_CHARS} characters ({CODE_ALPHABET}); it has {n}"
            ),
        ));
    }
    if let Some(c) = code.chars().find(|c| !is_code_char(*c)) {
        return Err(Error::refused(
            "bad-code",
            format!(
                "{what} code '{shown}' contains {}; a code uses only {CODE_ALPHABET} \
                 (full-width letters and digits are read as ASCII)",
                describe(c)
            ),
        ));
    }
    Ok(code.into_owned())
}

/// Free text (a name, memo, region, reason …): trimmed, `None` when empty, refused
/// (`control-character`) when it holds a control character.
pub fn check_text(what: &str, s: Option<&str>) -> Result<Option<String>> {
    let Some(t) = s.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if let Some((i, c)) = t.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Err(Error::refused(
            "control-character",
            format!(
                "{what} '{}' contains {} at character {}; names and memos are plain text on one line",
                escape_controls(t),
                describe(c),
                i + 1
            ),
        ));
    }
    Ok(Some(t.to_string()))
}

/// `s` with every control character written as `\u{…}`, for output: a name edited into
/// the file with an escape sequence is shown, never run by the terminal.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(check_code("fund", "ＳＣ-１").unwrap(), "SC-1");
        assert_eq!(check_code("fund", " SC_1.a ").unwrap(), "SC_1.a");
        assert_eq!(normalize_code("ＳＣ"), "SC");
        for (bad, says) in [
            ("S\u{200B}C", "U+200B (an invisible character)"),
            ("S C", "U+0020 (a space)"),
            ("S\u{1b}C", "U+001B (a control character)"),
            ("双创", "'双' (U+53CC)"),
            ("SC/1", "'/' (U+002F)"),
            ("Ѕ", "'Ѕ' (U+0405)"), // Cyrillic DZE, looks like S
        ] {
            let e = check_code("fund", bad).unwrap_err();
            assert_eq!(e.rule(), Some("bad-code"), "{bad}");
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
        assert!(check_code("fund", "").is_err());
        assert!(check_code("fund", &"A".repeat(65)).is_err());
        assert!(check_code("fund", &"A".repeat(64)).is_ok());
    }

    #[test]
    fn text_refuses_and_escapes_controls() {
        assert_eq!(
            check_text("name", Some(" 基金 ")).unwrap(),
            Some("基金".into())
        );
        assert_eq!(check_text("name", Some("  ")).unwrap(), None);
        let e = check_text("fund name", Some("基\u{1b}[2J金")).unwrap_err();
        assert_eq!(e.rule(), Some("control-character"));
        assert!(
            e.to_string()
                .contains("'基\\u{1b}[2J金' contains U+001B (a control character) at character 2"),
            "{e}"
        );
        assert_eq!(escape_controls("a\u{7}b\nc"), "a\\u{7}b\\u{a}c");
        assert_eq!(escape_controls("plain 中文"), "plain 中文");
    }
}
