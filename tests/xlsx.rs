//! `--format xlsx --output FILE`: workbooks from the real binary on a real ledger,
//! opened by an independent reader written here (ZIP entries, CRC, XML) and, when it is
//! installed, by openpyxl.

mod common;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;

use common::{Run, TestLedger};

fn example() -> TestLedger {
    let t = TestLedger::uninit();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("ledger.db.example");
    std::fs::copy(src, &t.db).unwrap();
    t
}

/// CRC-32 computed bit by bit: deliberately not the table-driven code under test.
fn crc32_bitwise(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn u16_at(b: &[u8], i: usize) -> usize {
    usize::from(u16::from_le_bytes([b[i], b[i + 1]]))
}
fn u32_at(b: &[u8], i: usize) -> u32 {
    u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])
}

/// The entries of a ZIP archive, checking each stored entry's CRC and that the end
/// record counts every entry.
fn unzip(bytes: &[u8]) -> HashMap<String, String> {
    let mut files = HashMap::new();
    let mut i = 0;
    while u32_at(bytes, i) == 0x0403_4b50 {
        let method = u16_at(bytes, i + 8);
        assert_eq!(method, 0, "entry at {i} is not STORED");
        let crc = u32_at(bytes, i + 14);
        let size = u32_at(bytes, i + 18) as usize;
        let name_len = u16_at(bytes, i + 26);
        let extra_len = u16_at(bytes, i + 28);
        let name = String::from_utf8(bytes[i + 30..i + 30 + name_len].to_vec()).unwrap();
        let start = i + 30 + name_len + extra_len;
        let data = &bytes[start..start + size];
        assert_eq!(crc32_bitwise(data), crc, "CRC of {name}");
        files.insert(name, String::from_utf8(data.to_vec()).expect("UTF-8 XML"));
        i = start + size;
    }
    let eocd = bytes.len() - 22;
    assert_eq!(u32_at(bytes, eocd), 0x0605_4b50, "end of central directory");
    assert_eq!(u16_at(bytes, eocd + 10), files.len());
    files
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Text between `open` (up to its closing `>`) and `close`, for every occurrence.
fn elements<'a>(xml: &'a str, open: &str, close: &str) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(p) = rest.find(open) {
        let after = &rest[p + open.len()..];
        let gt = after.find('>').unwrap();
        let attrs = &after[..gt];
        if attrs.ends_with('/') {
            out.push((attrs, ""));
            rest = &after[gt..];
            continue;
        }
        let body_end = after.find(close).unwrap();
        out.push((attrs, &after[gt + 1..body_end]));
        rest = &after[body_end..];
    }
    out
}

fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let p = format!(" {attrs}").find(&key)?;
    let rest = &attrs[p + key.len() - 1..];
    Some(&rest[..rest.find('"').unwrap()])
}

/// A cell as a reader sees it.
#[derive(Debug, Clone, PartialEq)]
struct XCell {
    /// Text (shared string resolved) or the number as written.
    value: String,
    is_text: bool,
    /// The number format code applied, e.g. `#,##0.00`.
    format: String,
}

struct Book {
    files: HashMap<String, String>,
    strings: Vec<String>,
    /// cellXfs index → number format code.
    formats: Vec<String>,
}

impl Book {
    fn open(path: &Path) -> Book {
        let files = unzip(&std::fs::read(path).unwrap());
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
        ] {
            assert!(files.contains_key(part), "missing {part}");
        }
        let strings = elements(&files["xl/sharedStrings.xml"], "<si", "</si>")
            .into_iter()
            .map(|(_, body)| {
                let (_, t) = elements(body, "<t", "</t>")[0];
                unescape(t)
            })
            .collect();
        let styles = &files["xl/styles.xml"];
        let custom: HashMap<&str, String> = elements(styles, "<numFmt ", "</numFmt>")
            .into_iter()
            .map(|(a, _)| {
                (
                    attr(a, "numFmtId").unwrap(),
                    unescape(attr(a, "formatCode").unwrap()),
                )
            })
            .collect();
        let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
        let formats = elements(xfs, "<xf ", "</xf>")
            .into_iter()
            .map(|(a, _)| {
                let id = attr(a, "numFmtId").unwrap();
                // The built-in formats the ledger relies on (ECMA-376 §18.8.30).
                match id {
                    "0" => "General".to_string(),
                    "1" => "0".to_string(),
                    "4" => "#,##0.00".to_string(),
                    other => custom
                        .get(other)
                        .unwrap_or_else(|| panic!("numFmtId {other} undeclared"))
                        .clone(),
                }
            })
            .collect();
        Book {
            files,
            strings,
            formats,
        }
    }

    fn sheet_names(&self) -> Vec<String> {
        elements(&self.files["xl/workbook.xml"], "<sheet ", "</sheet>")
            .into_iter()
            .map(|(a, _)| unescape(attr(a, "name").unwrap()))
            .collect()
    }

    /// Cells of sheet `n` (1-based) by reference (`B2`).
    fn sheet(&self, n: usize) -> HashMap<String, XCell> {
        let xml = &self.files[&format!("xl/worksheets/sheet{n}.xml")];
        elements(xml, "<c ", "</c>")
            .into_iter()
            .map(|(a, body)| {
                let r = attr(a, "r").unwrap().to_string();
                let s: usize = attr(a, "s").unwrap_or("0").parse().unwrap();
                let (_, v) = elements(body, "<v", "</v>")[0];
                let is_text = attr(a, "t") == Some("s");
                let value = if is_text {
                    self.strings[v.parse::<usize>().unwrap()].clone()
                } else {
                    v.to_string()
                };
                (
                    r,
                    XCell {
                        value,
                        is_text,
                        format: self.formats[s].clone(),
                    },
                )
            })
            .collect()
    }
}

fn text(v: &str) -> XCell {
    XCell {
        value: v.into(),
        is_text: true,
        format: "General".into(),
    }
}
fn number(v: &str, format: &str) -> XCell {
    XCell {
        value: v.into(),
        is_text: false,
        format: format.into(),
    }
}

/// Which row (number) has `code` in column A.
fn row_of(cells: &HashMap<String, XCell>, code: &str) -> usize {
    (2..100)
        .find(|r| cells.get(&format!("A{r}")).map(|c| c.value.as_str()) == Some(code))
        .unwrap_or_else(|| panic!("no row for {code}"))
}

#[test]
fn portfolio_workbook_has_typed_cells_in_the_chosen_unit() {
    let t = example();
    let out = t.dir.path().join("portfolio.xlsx");
    let r = t.run(&[
        "--unit",
        "wan",
        "--format",
        "xlsx",
        "--output",
        out.to_str().unwrap(),
        "report",
        "portfolio",
    ]);
    assert_eq!(r.ok(), "", "a workbook run prints nothing on stdout");
    let book = Book::open(&out);
    assert_eq!(book.sheet_names(), vec!["Portfolio", "Notes"]);
    let c = book.sheet(1);
    let header: Vec<String> = "ABCDEFGHIJKLM"
        .chars()
        .map(|col| c[&format!("{col}1")].value.clone())
        .collect();
    assert_eq!(
        header,
        [
            "Code",
            "Name",
            "Kind",
            "Parent",
            "LP committed (万元)",
            "LP paid-in (万元)",
            "Projects",
            "Deal committed (万元)",
            "Deal paid-in (万元)",
            "Deal unfunded (万元)",
            "Paid-in ratio",
            "Value (万元)",
            "Proceeds (万元)",
        ]
    );
    let nt = row_of(&c, "NT");
    assert_eq!(
        c[&format!("B{nt}")],
        text("昆明高新诺泰大健康产业投资合伙企业（有限合伙）")
    );
    // Seed: 高新诺泰 invested 5,982万元, equity value 13,624万元, 8 projects, fully paid
    // (5,982 / 5,982 = 1.0000).
    money_format_checks(&c, nt);
    assert_eq!(c[&format!("L{nt}")], number("13624.00", "#,##0.00"));
    assert_eq!(c[&format!("I{nt}")], number("5982.00", "#,##0.00"));
    assert_eq!(c[&format!("G{nt}")], number("8", "0"));
    assert_eq!(c[&format!("K{nt}")], number("1.0000", "0.0000"));
    // SC's value is marked "*" in the table (one holding never marked) but is a plain
    // number here: C05 marked 2,600万 + C06 at cost 1,000万 + 795万 = 4,395万.
    let sc = row_of(&c, "SC");
    assert_eq!(c[&format!("L{sc}")], number("4395.00", "#,##0.00"));
    // Ratio 3,795 / 4,985 = 0.76128… → 0.7613.
    assert_eq!(c[&format!("K{sc}")], number("0.7613", "0.0000"));
    // The total row; empty cells are not written at all.
    let tot = row_of(&c, "Total");
    assert_eq!(c[&format!("B{tot}")], text("(consolidated)"));
    assert!(!c.contains_key(&format!("C{tot}")));
    // The table's notes, with the as-of date, are on the Notes sheet.
    let notes = book.sheet(2);
    assert!(
        notes["A2"].value.starts_with("As of 2026-06-30."),
        "{notes:?}"
    );
    assert!(notes["A3"].value.contains("never marked"), "{notes:?}");
}

fn money_format_checks(c: &HashMap<String, XCell>, row: usize) {
    for col in "EFHIJLM".chars() {
        let cell = &c[&format!("{col}{row}")];
        assert!(
            !cell.is_text && cell.format == "#,##0.00",
            "{col}{row}: {cell:?}"
        );
        // Exactly two decimals, no separators: the exact figure as text.
        let (_, frac) = cell.value.split_once('.').unwrap();
        assert_eq!(frac.len(), 2, "{cell:?}");
    }
}

#[test]
fn log_workbook_has_real_dates_and_integer_ids() {
    let t = example();
    let out = t.dir.path().join("log.xlsx");
    t.run(&["--format", "xlsx", "--output", out.to_str().unwrap(), "log"])
        .ok();
    let book = Book::open(&out);
    assert_eq!(book.sheet_names(), vec!["Log"]);
    let c = book.sheet(1);
    assert_eq!(c["B1"], text("Date"));
    // Entry 25 is SC-1's mark of C01 dated 2021-12-31: 1899-12-30 + 44561 days
    // (2021-01-01 is 44197; + 364 days = 2021-12-31).
    let r = row_of(&c, "25");
    assert_eq!(c[&format!("A{r}")], number("25", "0"));
    assert_eq!(c[&format!("B{r}")], number("44561", "yyyy\\-mm\\-dd"));
    assert_eq!(c[&format!("F{r}")], number("21000000.00", "#,##0.00"));
    // The reversal of entry 57 has no amount: an empty cell, not 0.
    let r58 = row_of(&c, "58");
    assert!(!c.contains_key(&format!("F{r58}")));
    assert_eq!(c[&format!("K{r58}")], text("reverses 57"));
    assert_eq!(
        c[&format!("H{r58}")],
        text("mark keyed against the wrong holding; see N07")
    );
}

#[test]
fn listings_and_a_clean_audit_write_workbooks() {
    let t = example();
    let path = |n: &str| t.dir.path().join(n).to_str().unwrap().to_string();
    t.run(&[
        "--format",
        "xlsx",
        "--output",
        &path("f.xlsx"),
        "fund",
        "list",
    ])
    .ok();
    let c = Book::open(Path::new(&path("f.xlsx"))).sheet(1);
    let sc1 = row_of(&c, "SC-1");
    // Inception 2020-01-10: 2020-01-01 is 43831, + 9 days = 43840.
    assert_eq!(c[&format!("F{sc1}")], number("43840", "yyyy\\-mm\\-dd"));
    assert_eq!(c[&format!("D{sc1}")], text("SC"));
    let r = t.run(&["--format", "xlsx", "--output", &path("a.xlsx"), "audit"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let book = Book::open(Path::new(&path("a.xlsx")));
    assert_eq!(book.sheet_names(), vec!["Findings", "Notes"]);
    assert!(book.sheet(2)["A2"].value.starts_with("clean as of"));
}

#[test]
fn refusals_write_nothing() {
    let t = example();
    let out = t.dir.path().join("p.xlsx");
    let o = out.to_str().unwrap();
    // No --output: a usage error (exit 2).
    let r = t.run(&["--format", "xlsx", "report", "portfolio"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("needs --output"), "{}", r.stderr);
    // A write command cannot print a workbook: refused before it records anything.
    let before = t.dump();
    let r = t.run(&[
        "--format", "xlsx", "--output", o, "investor", "add", "ZZ", "--name", "某", "--type",
        "social",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(before, t.dump());
    assert!(!out.exists());
    // An existing file is never overwritten.
    std::fs::write(&out, b"keep me").unwrap();
    t.run(&["--format", "xlsx", "--output", o, "report", "portfolio"])
        .refused("output-exists");
    assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
    // A failing report leaves no file behind.
    let missing = t.dir.path().join("missing.xlsx");
    t.run(&[
        "--format",
        "xlsx",
        "--output",
        missing.to_str().unwrap(),
        "report",
        "portfolio",
        "--fund",
        "NOPE",
    ])
    .refused("unknown fund");
    assert!(!missing.exists());
}

#[test]
fn csv_and_json_can_go_to_a_file_unchanged() {
    let t = example();
    for format in ["csv", "json", "table"] {
        let out = t.dir.path().join(format!("p.{format}"));
        let args = |o: Option<&str>| {
            let mut a = vec!["--unit", "wan", "--format", format];
            if let Some(o) = o {
                a.extend(["--output", o]);
            }
            a.extend(["report", "portfolio"]);
            a.into_iter().map(String::from).collect::<Vec<_>>()
        };
        let run =
            |a: Vec<String>| -> Run { t.run(&a.iter().map(String::as_str).collect::<Vec<_>>()) };
        let stdout = run(args(None)).ok().to_string();
        let to_file = run(args(Some(out.to_str().unwrap())));
        assert_eq!(to_file.ok(), "");
        // A file named *.csv starts with a UTF-8 byte-order mark (so Excel reads the
        // Chinese names as UTF-8); otherwise it holds what stdout shows.
        let bom = if format == "csv" { "\u{feff}" } else { "" };
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            format!("{bom}{stdout}"),
            "{format}"
        );
    }
}

/// A python3 that has openpyxl, if any: the pyenv/PATH one or Debian's.
fn python_with_openpyxl() -> Option<String> {
    ["python3", "/usr/bin/python3"].into_iter().find_map(|p| {
        std::process::Command::new(p)
            .args(["-c", "import openpyxl"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| p.to_string())
    })
}

#[test]
fn openpyxl_reads_the_workbooks() {
    let Some(python) = python_with_openpyxl() else {
        // Straight to stderr: libtest captures eprintln! of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: openpyxl not installed (apt-get install python3-openpyxl); workbook not checked by a real reader"
        );
        assert!(
            std::env::var_os("CI").is_none(),
            "openpyxl is required under CI (.ci/run installs python3-openpyxl)"
        );
        return;
    };
    let t = example();
    let p = t.dir.path().join("p.xlsx");
    let l = t.dir.path().join("l.xlsx");
    t.run(&[
        "--unit",
        "wan",
        "--format",
        "xlsx",
        "--output",
        p.to_str().unwrap(),
        "report",
        "portfolio",
    ])
    .ok();
    t.run(&["--format", "xlsx", "--output", l.to_str().unwrap(), "log"])
        .ok();
    let script = r#"
import sys, openpyxl, datetime
p = openpyxl.load_workbook(sys.argv[1]).active
rows = {r[0].value: r for r in p.iter_rows()}
nt = rows["NT"]
print(nt[1].value)
print(repr(nt[11].value), nt[11].number_format, nt[10].number_format, nt[6].value)
log = openpyxl.load_workbook(sys.argv[2]).active
d = [r for r in log.iter_rows() if r[0].value == 25][0][1]
print(d.value.date().isoformat(), d.is_date)
"#;
    let o = std::process::Command::new(&python)
        .args(["-c", script, p.to_str().unwrap(), l.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines[0], "昆明高新诺泰大健康产业投资合伙企业（有限合伙）");
    assert_eq!(lines[1], "13624.0 #,##0.00 0.0000 8");
    assert_eq!(lines[2], "2021-12-31 True");
}
