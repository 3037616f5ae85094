//! Text encodings of files saved by Excel: UTF-8 with or without a byte-order mark,
//! and GB18030/GBK (what Excel writes for "CSV" on Chinese Windows).

use std::borrow::Cow;

use encoding_rs::GB18030;

/// Which encoding a file was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Gb18030 => "GB18030/GBK",
        }
    }
}

/// Decode `bytes`. Valid UTF-8 is taken as UTF-8 (a GBK file of Chinese text is almost
/// never valid UTF-8, while ASCII is both); anything else must decode as GB18030
/// without a single malformed sequence, or the file is refused.
/// UTF-8 is borrowed, not copied: a large file is held once.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (Cow::Borrowed(s), Encoding::Utf8Bom))
            .map_err(|e| {
                format!("the file starts with a UTF-8 byte-order mark but is not valid UTF-8 ({e})")
            });
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(s), Encoding::Utf8));
    }
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(
            "the file is neither UTF-8 nor GB18030/GBK text; save it from Excel as \"CSV UTF-8\""
                .into(),
        );
    }
    Ok((Cow::Owned(text.into_owned()), Encoding::Gb18030))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_and_gbk() {
        assert_eq!(
            decode("基金".as_bytes()).unwrap(),
            (Cow::from("基金"), Encoding::Utf8)
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice("基金".as_bytes());
        assert_eq!(
            decode(&bom).unwrap(),
            (Cow::from("基金"), Encoding::Utf8Bom)
        );
        // 基金 in GBK is BB F9 BD F0 (基 = BBF9, 金 = BDF0 in GB2312).
        assert_eq!(
            decode(b"\xBB\xF9\xBD\xF0").unwrap(),
            (Cow::from("基金"), Encoding::Gb18030)
        );
        assert!(decode(b"\xFF\xFF\xFF").is_err());
    }
}
