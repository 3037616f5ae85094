//! A minimal Excel workbook (.xlsx, Office Open XML SpreadsheetML) writer. Pure: typed
//! cells in, the bytes of a workbook out.
//!
//! Why hand-written and not a crate: a numeric cell in SpreadsheetML holds its value as
//! decimal *text* (`<v>8095.00</v>`), so an exact `Decimal` goes into the file as the
//! same digits a finance officer reads in the table, with no float on the way. The ZIP
//! container uses only the STORED method (no compression) and fixed timestamps: about a
//! hundred lines with CRC-32, no dependency, and the same ledger always gives the same
//! bytes (handy for audit trails). Excel, LibreOffice and openpyxl read stored entries.
//!
//! Limits are refused, never truncated: Excel holds at most 1,048,576 rows and 16,384
//! columns per sheet; a part over 4 GiB would need ZIP64, which this writer does not do.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::date::Date;
use crate::error::{Error, Result};

/// How a number is shown in Excel. The value stays exact; only the display differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberFormat {
    /// Money in the chosen unit: `#,##0.00` (built-in format 4).
    Money,
    /// Ratios and multiples: `0.0000` (custom format 164).
    Ratio,
    /// Counts and ids: `0` (built-in format 1).
    Integer,
    /// Any other number: Excel's General.
    General,
}

/// One cell of a sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Empty,
    Text(String),
    Number(Decimal, NumberFormat),
    /// A calendar date, written as an Excel serial day number with a date format.
    Date(Date),
}

/// One worksheet: a bold header row, then data rows.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// Rows Excel can hold in one sheet (the header row included).
pub const MAX_ROWS: usize = 1_048_576;
/// Columns Excel can hold in one sheet.
pub const MAX_COLS: usize = 16_384;

/// Cell style indexes into `cellXfs` of [`STYLES`].
const STYLE_MONEY: u32 = 1;
const STYLE_RATIO: u32 = 2;
const STYLE_INTEGER: u32 = 3;
const STYLE_DATE: u32 = 4;
const STYLE_HEADER: u32 = 5;

/// Number formats: 4 (`#,##0.00`) and 1 (`0`) are built into every Excel; 164 and 165
/// are declared here. Dates use ISO `yyyy-mm-dd`, the form the rest of the ledger prints.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="0.0000"/><numFmt numFmtId="165" formatCode="yyyy\-mm\-dd"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const NS_MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_PKG_REL: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

/// Excel's serial day number of `d`: days since 1899-12-30, so 1900-03-01 is 61 and
/// 2021-12-31 is 44561. (Excel's fictitious 1900-02-29 makes serials before March 1900
/// disagree with the calendar; the ledger refuses dates before 1900 and none of its
/// dates is that early in practice.)
pub fn excel_serial(d: Date) -> i64 {
    let epoch = Date::from_ymd_opt(1899, 12, 30).expect("valid epoch");
    (d - epoch).num_days()
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
fn column_name(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

/// Escape text for an XML element or attribute. Characters XML 1.0 cannot carry
/// (control characters) are written in SpreadsheetML's `_xHHHH_` form, and a literal
/// `_xHHHH_` in the text gets its underscore escaped so Excel does not decode it.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '_' if looks_like_escape(&chars[i..]) => out.push_str("_x005F_"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("_x{:04X}_", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Does `s` start with `_xHHHH_`?
fn looks_like_escape(s: &[char]) -> bool {
    s.len() >= 7
        && s[0] == '_'
        && s[1] == 'x'
        && s[2..6].iter().all(char::is_ascii_hexdigit)
        && s[6] == '_'
}

/// A rough display width for column sizing: East Asian characters take two columns.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| if (c as u32) >= 0x2E80 { 2 } else { 1 })
        .sum()
}

/// A valid, unique sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(raw: &str, n: usize, taken: &mut Vec<String>) -> String {
    let clean: String = raw
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect();
    let base = if clean.trim().is_empty() {
        format!("Sheet{n}")
    } else {
        clean
    };
    let mut name = base.clone();
    let mut k = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        let suffix = format!(" ({k})");
        let keep = 31usize.saturating_sub(suffix.chars().count());
        name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        k += 1;
    }
    taken.push(name.clone());
    name
}

/// The shared string table: each distinct text once, cells refer to it by index.
#[derive(Default)]
struct SharedStrings {
    index: HashMap<String, usize>,
    list: Vec<String>,
    uses: usize,
}

impl SharedStrings {
    fn id(&mut self, s: &str) -> usize {
        self.uses += 1;
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.list.len();
        self.index.insert(s.to_string(), i);
        self.list.push(s.to_string());
        i
    }
    fn xml(&self) -> String {
        let mut x = format!(
            "{XML_DECL}<sst xmlns=\"{NS_MAIN}\" count=\"{}\" uniqueCount=\"{}\">",
            self.uses,
            self.list.len()
        );
        for s in &self.list {
            // Leading or trailing spaces would be dropped by XML readers otherwise.
            if s.starts_with([' ', '\t', '\n']) || s.ends_with([' ', '\t', '\n']) {
                x.push_str(&format!(
                    "<si><t xml:space=\"preserve\">{}</t></si>",
                    escape(s)
                ));
            } else {
                x.push_str(&format!("<si><t>{}</t></si>", escape(s)));
            }
        }
        x.push_str("</sst>");
        x
    }
}

fn sheet_xml(sheet: &Sheet, strings: &mut SharedStrings) -> Result<String> {
    let ncols = sheet
        .rows
        .iter()
        .map(Vec::len)
        .chain([sheet.header.len()])
        .max()
        .unwrap_or(0);
    if sheet.rows.len() + 1 > MAX_ROWS || ncols > MAX_COLS {
        return Err(Error::refused(
            "xlsx-too-large",
            format!(
                "sheet '{}' has {} rows and {ncols} columns; an Excel sheet holds at most {} rows \
                 (header included) and {MAX_COLS} columns; use --format csv for this output",
                sheet.name,
                sheet.rows.len(),
                MAX_ROWS
            ),
        ));
    }
    let mut widths: Vec<usize> = sheet.header.iter().map(|h| width(h)).collect();
    widths.resize(ncols, 0);
    let mut data = String::new();
    data.push_str("<row r=\"1\">");
    for (c, h) in sheet.header.iter().enumerate() {
        let id = strings.id(h);
        data.push_str(&format!(
            "<c r=\"{}1\" s=\"{STYLE_HEADER}\" t=\"s\"><v>{id}</v></c>",
            column_name(c)
        ));
    }
    data.push_str("</row>");
    for (r, row) in sheet.rows.iter().enumerate() {
        let rn = r + 2;
        data.push_str(&format!("<row r=\"{rn}\">"));
        for (c, v) in row.iter().enumerate() {
            let at = format!("{}{rn}", column_name(c));
            let (cell, w) = match v {
                Value::Empty => continue,
                Value::Text(s) => (
                    format!("<c r=\"{at}\" t=\"s\"><v>{}</v></c>", strings.id(s)),
                    width(s),
                ),
                Value::Number(d, f) => {
                    let style = match f {
                        NumberFormat::Money => STYLE_MONEY,
                        NumberFormat::Ratio => STYLE_RATIO,
                        NumberFormat::Integer => STYLE_INTEGER,
                        NumberFormat::General => 0,
                    };
                    // Decimal's Display is plain positional notation (never an
                    // exponent), exactly what <v> takes.
                    let text = d.to_string();
                    // Money shows thousands separators, about a third wider.
                    let w = text.len() + text.len() / 3;
                    (format!("<c r=\"{at}\" s=\"{style}\"><v>{text}</v></c>"), w)
                }
                Value::Date(d) => (
                    format!(
                        "<c r=\"{at}\" s=\"{STYLE_DATE}\"><v>{}</v></c>",
                        excel_serial(*d)
                    ),
                    10,
                ),
            };
            widths[c] = widths[c].max(w);
            data.push_str(&cell);
        }
        data.push_str("</row>");
    }
    let mut x = format!("{XML_DECL}<worksheet xmlns=\"{NS_MAIN}\" xmlns:r=\"{NS_REL}\">");
    // Freeze the header row so it stays visible while scrolling.
    x.push_str(
        "<sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" \
         activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews>",
    );
    if ncols > 0 {
        x.push_str("<cols>");
        for (i, w) in widths.iter().enumerate() {
            let w = (*w).clamp(6, 60) + 2;
            x.push_str(&format!(
                "<col min=\"{n}\" max=\"{n}\" width=\"{w}\" customWidth=\"1\"/>",
                n = i + 1
            ));
        }
        x.push_str("</cols>");
    }
    x.push_str("<sheetData>");
    x.push_str(&data);
    x.push_str("</sheetData></worksheet>");
    Ok(x)
}

/// The bytes of an .xlsx workbook holding `sheets` in order. At least one sheet is
/// written (an empty "Sheet1" if `sheets` is empty), as Excel requires.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>> {
    let empty = [Sheet {
        name: "Sheet1".into(),
        ..Sheet::default()
    }];
    let sheets = if sheets.is_empty() {
        &empty[..]
    } else {
        sheets
    };
    let mut strings = SharedStrings::default();
    let mut taken = Vec::new();
    let mut parts: Vec<(String, Vec<u8>)> = Vec::new();
    let mut wb_sheets = String::new();
    let mut wb_rels = String::new();
    let mut ct_sheets = String::new();
    for (i, s) in sheets.iter().enumerate() {
        let n = i + 1;
        let name = sheet_name(&s.name, n, &mut taken);
        wb_sheets.push_str(&format!(
            "<sheet name=\"{}\" sheetId=\"{n}\" r:id=\"rId{n}\"/>",
            escape(&name)
        ));
        wb_rels.push_str(&format!(
            "<Relationship Id=\"rId{n}\" Type=\"{NS_REL}/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"
        ));
        ct_sheets.push_str(&format!(
            "<Override PartName=\"/xl/worksheets/sheet{n}.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        ));
        parts.push((
            format!("xl/worksheets/sheet{n}.xml"),
            sheet_xml(s, &mut strings)?.into_bytes(),
        ));
    }
    let k = sheets.len();
    let content_types = format!(
        "{XML_DECL}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
         {ct_sheets}\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
         <Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>\
         </Types>"
    );
    let root_rels = format!(
        "{XML_DECL}<Relationships xmlns=\"{NS_PKG_REL}\">\
         <Relationship Id=\"rId1\" Type=\"{NS_REL}/officeDocument\" Target=\"xl/workbook.xml\"/>\
         </Relationships>"
    );
    let workbook = format!(
        "{XML_DECL}<workbook xmlns=\"{NS_MAIN}\" xmlns:r=\"{NS_REL}\"><sheets>{wb_sheets}</sheets></workbook>"
    );
    let workbook_rels = format!(
        "{XML_DECL}<Relationships xmlns=\"{NS_PKG_REL}\">{wb_rels}\
         <Relationship Id=\"rId{}\" Type=\"{NS_REL}/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId{}\" Type=\"{NS_REL}/sharedStrings\" Target=\"sharedStrings.xml\"/>\
         </Relationships>",
        k + 1,
        k + 2
    );
    let mut all: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), content_types.into_bytes()),
        ("_rels/.rels".into(), root_rels.into_bytes()),
        ("xl/workbook.xml".into(), workbook.into_bytes()),
        (
            "xl/_rels/workbook.xml.rels".into(),
            workbook_rels.into_bytes(),
        ),
        ("xl/styles.xml".into(), STYLES.as_bytes().to_vec()),
        ("xl/sharedStrings.xml".into(), strings.xml().into_bytes()),
    ];
    all.extend(parts);
    stored_zip(&all)
}

/// CRC-32 (IEEE 802.3, the one ZIP uses), table-driven.
pub fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c = TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

/// A ZIP archive of `files`, every entry STORED (method 0), dated 1980-01-01 00:00 so
/// the same input gives the same bytes.
pub fn stored_zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    const DOS_TIME: u16 = 0;
    const DOS_DATE: u16 = 0x21; // 1980-01-01: (0 << 9) | (1 << 5) | 1
    const VERSION: u16 = 20; // 2.0
    let too_large = |what: &str| {
        Error::refused(
            "xlsx-too-large",
            format!(
                "{what} exceeds 4 GiB, more than an .xlsx without ZIP64 can hold; use --format csv"
            ),
        )
    };
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = u32::try_from(out.len()).map_err(|_| too_large("the workbook"))?;
        let size = u32::try_from(data.len()).map_err(|_| too_large(name))?;
        let crc = crc32(data);
        let name_len = u16::try_from(name.len()).expect("short part names");
        // Local file header.
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(VERSION.to_le_bytes());
        out.extend(0u16.to_le_bytes()); // flags
        out.extend(0u16.to_le_bytes()); // method: stored
        out.extend(DOS_TIME.to_le_bytes());
        out.extend(DOS_DATE.to_le_bytes());
        out.extend(crc.to_le_bytes());
        out.extend(size.to_le_bytes()); // compressed size
        out.extend(size.to_le_bytes()); // uncompressed size
        out.extend(name_len.to_le_bytes());
        out.extend(0u16.to_le_bytes()); // extra field length
        out.extend(name.as_bytes());
        out.extend(data);
        // Central directory record.
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(VERSION.to_le_bytes()); // made by
        central.extend(VERSION.to_le_bytes()); // needed
        central.extend(0u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(DOS_TIME.to_le_bytes());
        central.extend(DOS_DATE.to_le_bytes());
        central.extend(crc.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend(name_len.to_le_bytes());
        central.extend([0u8; 12]); // extra, comment, disk, internal and external attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).map_err(|_| too_large("the workbook"))?;
    let cd_size = u32::try_from(central.len()).map_err(|_| too_large("the workbook"))?;
    let count = u16::try_from(files.len()).map_err(|_| too_large("the workbook"))?;
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // this disk
    out.extend(0u16.to_le_bytes()); // disk with the central directory
    out.extend(count.to_le_bytes());
    out.extend(count.to_le_bytes());
    out.extend(cd_size.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // comment length
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn excel_serials() {
        // Excel: 1900-03-01 is 61 (60 is its fictitious 1900-02-29); 2021-12-31 is
        // 44561 (1899-12-30 + 44561 days; =DATE(2021,12,31) in Excel shows 44561).
        assert_eq!(excel_serial(d(1900, 3, 1)), 61);
        assert_eq!(excel_serial(d(2021, 12, 31)), 44561);
        // 2000-01-01 is 36526 in Excel (a commonly quoted anchor).
        assert_eq!(excel_serial(d(2000, 1, 1)), 36526);
    }

    #[test]
    fn columns_and_escapes() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
        assert_eq!(column_name(MAX_COLS - 1), "XFD");
        assert_eq!(escape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
        assert_eq!(escape("昆明（有限合伙）"), "昆明（有限合伙）");
        assert_eq!(escape("bell\u{7}"), "bell_x0007_");
        assert_eq!(escape("_x0041_"), "_x005F_x0041_");
        assert_eq!(escape("a_b_x12"), "a_b_x12");
    }

    #[test]
    fn crc_of_known_strings() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn sheet_names_valid_and_unique() {
        let mut taken = Vec::new();
        assert_eq!(sheet_name("Log", 1, &mut taken), "Log");
        assert_eq!(sheet_name("log", 2, &mut taken), "log (2)");
        assert_eq!(sheet_name("a/b:c", 3, &mut taken), "a_b_c");
        assert_eq!(sheet_name("", 4, &mut taken), "Sheet4");
        let long = "x".repeat(40);
        assert_eq!(sheet_name(&long, 5, &mut taken).chars().count(), 31);
    }

    #[test]
    fn too_many_rows_refused() {
        let s = Sheet {
            name: "Big".into(),
            header: vec!["n".into()],
            rows: vec![vec![]; MAX_ROWS],
        };
        let e = workbook(&[s]).unwrap_err();
        assert_eq!(e.rule(), Some("xlsx-too-large"));
    }

    #[test]
    fn numbers_go_in_as_exact_text() {
        let s = Sheet {
            name: "T".into(),
            header: vec!["Amount".into()],
            rows: vec![vec![Value::Number(
                "13624.00".parse().unwrap(),
                NumberFormat::Money,
            )]],
        };
        let mut strings = SharedStrings::default();
        let x = sheet_xml(&s, &mut strings).unwrap();
        assert!(x.contains("<c r=\"A2\" s=\"1\"><v>13624.00</v></c>"), "{x}");
    }
}
