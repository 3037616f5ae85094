//! `--format xlsx --output FILE`: workbooks from the real binary on a real ledger, read
//! back by a reader written here (the ZIP through the `zip` crate, the XML by hand) and,
//! when it is installed, by openpyxl.
//!
//! The figures are the seed's, worked out independently of the program: 高新诺泰 (NT)
//! invested 5,982万元 and holds equity valued at 13,624万元; the 双创 programme (SC and
//! its sub-fund SC-1) committed 4,985 + 4,800 = 9,785万元 to deals and paid in
//! 3,795 + 4,300 = 8,095万元.

mod common;

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::path::Path;

use common::{Run, TestLedger};
use rust_decimal::Decimal;

fn example() -> TestLedger {
    TestLedger::example()
}

/// Every XML part of the workbook at `path`, by name.
fn unzip(path: &Path) -> HashMap<String, String> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).expect("a ZIP file");
    let mut files = HashMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut s = String::new();
        if f.name().ends_with(".xml") || f.name().ends_with(".rels") {
            f.read_to_string(&mut s).expect("UTF-8 XML");
            files.insert(f.name().to_string(), s);
        }
    }
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
        let files = unzip(path);
        for part in [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
        ] {
            assert!(files.contains_key(part), "missing {part}");
        }
        let strings = files
            .get("xl/sharedStrings.xml")
            .map(|x| {
                elements(x, "<si", "</si>")
                    .into_iter()
                    .map(|(_, body)| unescape(elements(body, "<t", "</t>")[0].1))
                    .collect()
            })
            .unwrap_or_default();
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
                // Built-in formats (ECMA-376 §18.8.30) a writer may use instead of declaring.
                match id {
                    "0" => "General".to_string(),
                    "1" => "0".to_string(),
                    "2" => "0.00".to_string(),
                    "4" => "#,##0.00".to_string(),
                    "10" => "0.00%".to_string(),
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

    fn sheet_xml(&self, n: usize) -> &str {
        &self.files[&format!("xl/worksheets/sheet{n}.xml")]
    }

    /// Cells of sheet `n` (1-based) by reference (`B2`); blank cells are left out.
    fn sheet(&self, n: usize) -> HashMap<String, XCell> {
        elements(self.sheet_xml(n), "<c ", "</c>")
            .into_iter()
            .filter(|(_, body)| !body.is_empty())
            .map(|(a, body)| {
                let r = attr(a, "r").unwrap().to_string();
                let s: usize = attr(a, "s").unwrap_or("0").parse().unwrap();
                // Shared strings, or inline ones (a streamed, constant-memory sheet).
                let is_text = matches!(attr(a, "t"), Some("s" | "inlineStr"));
                let value = match attr(a, "t") {
                    Some("inlineStr") => unescape(elements(body, "<t", "</t>")[0].1),
                    Some("s") => {
                        let (_, v) = elements(body, "<v", "</v>")[0];
                        self.strings[v.parse::<usize>().unwrap()].clone()
                    }
                    _ => elements(body, "<v", "</v>")[0].1.to_string(),
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

/// Assert `c` is a number cell with format `format` holding exactly `expected`: the
/// text in the file, read as a decimal, equals it (`8095` is 8,095.00).
fn assert_number(c: &HashMap<String, XCell>, at: &str, expected: &str, format: &str) {
    let cell = c.get(at).unwrap_or_else(|| panic!("no cell {at}"));
    assert!(!cell.is_text, "{at}: {cell:?}");
    assert_eq!(cell.format, format, "{at}: {cell:?}");
    let got: Decimal = cell.value.parse().unwrap();
    assert_eq!(got, expected.parse::<Decimal>().unwrap(), "{at}: {cell:?}");
}

/// The header row: the title line is row 1, a section title (or nothing) row 2.
const HEAD: usize = 3;

/// Which row (number) below the header has `code` in column A.
fn row_of(cells: &HashMap<String, XCell>, code: &str) -> usize {
    (HEAD + 1..HEAD + 200)
        .find(|r| cells.get(&format!("A{r}")).map(|c| c.value.as_str()) == Some(code))
        .unwrap_or_else(|| panic!("no row for {code}"))
}

/// The header row's cells, each on one line (a long header is broken into lines).
fn header_row(c: &HashMap<String, XCell>, cols: &str) -> Vec<String> {
    cols.chars()
        .map(|col| c[&format!("{col}{HEAD}")].value.replace('\n', " "))
        .collect()
}

fn xlsx(t: &TestLedger, name: &str, args: &[&str]) -> std::path::PathBuf {
    let out = t.dir.path().join(name);
    let mut a = vec!["--format", "xlsx", "--output", out.to_str().unwrap()];
    a.extend_from_slice(args);
    let r = t.run(&a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "", "a workbook run prints nothing on stdout");
    out
}

/// `report portfolio` of the example in 万元, as a workbook.
fn portfolio_wan(t: &TestLedger) -> Book {
    Book::open(&xlsx(
        t,
        "p.xlsx",
        &["--unit", "wan", "report", "portfolio"],
    ))
}

#[test]
fn portfolio_workbook_has_exact_typed_cells_marks_and_notes() {
    let t = example();
    let book = portfolio_wan(&t);
    assert_eq!(book.sheet_names(), vec!["Portfolio"]);
    let c = book.sheet(1);
    assert_eq!(
        c["A1"],
        XCell {
            format: "General".into(),
            ..text("Portfolio · As of 2026-06-30")
        }
    );
    assert_eq!(
        header_row(&c, "ABCDEFGHIJKLMN"),
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
            // The marks of Value, in a column of their own.
            "Note",
            "Proceeds (万元)",
        ]
    );
    let nt = row_of(&c, "NT");
    assert_eq!(
        c[&format!("B{nt}")],
        text("昆明高新诺泰大健康产业投资合伙企业（有限合伙）")
    );
    // NT: 8 projects, 5,982万 paid in of 5,982万 committed (1.0000), value 13,624万.
    assert_number(&c, &format!("H{nt}"), "5982.00", "#,##0.00");
    assert_number(&c, &format!("I{nt}"), "5982.00", "#,##0.00");
    assert_number(&c, &format!("L{nt}"), "13624.00", "#,##0.00");
    assert_number(&c, &format!("G{nt}"), "8", "0");
    assert_number(&c, &format!("K{nt}"), "1.0000", "0.0000");
    assert!(
        !c.contains_key(&format!("M{nt}")),
        "NT's value is all marked: no mark"
    );
    // SC's value is a plain number with its mark beside it: C05 marked 2,600万 + C06
    // at cost 1,000万 + 795万 = 4,395万; ratio 3,795 / 4,985 = 0.76128… → 0.7613.
    let sc = row_of(&c, "SC");
    assert_number(&c, &format!("L{sc}"), "4395.00", "#,##0.00");
    assert_eq!(c[&format!("M{sc}")].value, "*");
    assert_number(&c, &format!("K{sc}"), "0.7613", "0.0000");
    // The total row, then a blank row, then the notes, the marked one with its mark.
    let tot = row_of(&c, "Total");
    assert_eq!(c[&format!("B{tot}")].value, "(consolidated)");
    assert!(!c.contains_key(&format!("C{tot}")));
    assert!(!c.contains_key(&format!("A{}", tot + 1)));
    assert!(c[&format!("A{}", tot + 2)]
        .value
        .starts_with("As of 2026-06-30."));
    assert!(c[&format!("A{}", tot + 3)]
        .value
        .starts_with("* includes 2 holding(s) never marked"));
    // The 双创 programme alone: its total is 9,785万 committed, 8,095万 paid in.
    let c = Book::open(&xlsx(
        &t,
        "sc.xlsx",
        &["--unit", "wan", "report", "portfolio", "--fund", "SC"],
    ))
    .sheet(1);
    assert_eq!(c["A1"].value, "Portfolio · As of 2026-06-30 · Fund: SC");
    let tot = row_of(&c, "Total");
    assert_number(&c, &format!("H{tot}"), "9785.00", "#,##0.00");
    assert_number(&c, &format!("I{tot}"), "8095.00", "#,##0.00");
}

#[test]
fn workbook_prints_a4_with_titles_frozen_header_and_charts() {
    let t = example();
    let book = portfolio_wan(&t);
    let ws = book.sheet_xml(1);
    let setup = elements(ws, "<pageSetup ", "</pageSetup>")[0].0;
    assert_eq!(attr(setup, "paperSize"), Some("9"), "A4");
    assert_eq!(attr(setup, "orientation"), Some("landscape"));
    // Fit to width: fitToPage on, one page wide (the default, 1), any number tall.
    assert!(ws.contains("<pageSetUpPr fitToPage=\"1\"/>"), "{ws}");
    assert!(matches!(attr(setup, "fitToWidth"), None | Some("1")));
    assert_eq!(attr(setup, "fitToHeight"), Some("0"));
    let pane = elements(ws, "<pane ", "</pane>")[0].0;
    assert_eq!(attr(pane, "ySplit"), Some("3"));
    assert_eq!(attr(pane, "state"), Some("frozen"));
    let names = &book.files["xl/workbook.xml"];
    assert!(names.contains("<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">Portfolio!$3:$3</definedName>"), "{names}");
    assert!(
        ws.contains("<oddHeader>&amp;LPortfolio&amp;RAs of 2026-06-30</oddHeader>"),
        "{ws}"
    );
    assert!(
        ws.contains("<oddFooter>&amp;CPage &amp;P of &amp;N</oddFooter>"),
        "{ws}"
    );
    // Two native charts: committed vs paid-in (bars side by side), value composition
    // (stacked).
    let c1 = &book.files["xl/charts/chart1.xml"];
    let c2 = &book.files["xl/charts/chart2.xml"];
    assert!(
        c1.contains("<c:barChart>") && c1.contains("<c:grouping val=\"clustered\"/>"),
        "{c1}"
    );
    assert!(c2.contains("<c:grouping val=\"stacked\"/>"), "{c2}");
    assert!(c1.contains("Committed vs paid-in per fund"));
    // A narrow listing prints portrait.
    let f = Book::open(&xlsx(&t, "f.xlsx", &["investor", "list"]));
    let setup = elements(f.sheet_xml(1), "<pageSetup ", "</pageSetup>")[0].0;
    assert_eq!(attr(setup, "orientation"), Some("portrait"));
    assert_eq!(attr(setup, "paperSize"), Some("9"));
}

#[test]
fn the_same_ledger_gives_the_same_bytes() {
    let t = example();
    for args in [&["report", "portfolio"][..], &["fund", "list"][..]] {
        let a = std::fs::read(xlsx(&t, "a.xlsx", args)).unwrap();
        let b = std::fs::read(xlsx(&t, "b.xlsx", args)).unwrap();
        assert!(a == b, "{args:?}: two runs differ");
        std::fs::remove_file(t.dir.path().join("a.xlsx")).unwrap();
        std::fs::remove_file(t.dir.path().join("b.xlsx")).unwrap();
    }
}

#[test]
fn chinese_headers_and_pages() {
    let t = example();
    let book = Book::open(&xlsx(
        &t,
        "p.xlsx",
        &["--unit", "wan", "--lang", "zh", "report", "portfolio"],
    ));
    assert_eq!(book.sheet_names(), vec!["投资组合汇总"]);
    let c = book.sheet(1);
    assert_eq!(c["A3"].value, "代码");
    assert_eq!(c["H3"].value.replace('\n', " "), "协议投资 (万元)");
    assert_eq!(c["M3"].value, "说明");
    assert!(book
        .sheet_xml(1)
        .contains("<oddFooter>&amp;C第 &amp;P 页，共 &amp;N 页</oddFooter>"));
}

#[test]
fn log_workbook_has_real_dates_and_integer_ids() {
    let t = example();
    let book = Book::open(&xlsx(&t, "log.xlsx", &["log"]));
    assert_eq!(book.sheet_names(), vec!["Log"]);
    let c = book.sheet(1);
    assert_eq!(c["B3"].value, "Date");
    // Entry 25 is SC-1's mark of C01 dated 2021-12-31: 1899-12-30 + 44561 days
    // (2021-01-01 is 44197; + 364 days = 2021-12-31).
    let r = row_of(&c, "25");
    assert_number(&c, &format!("A{r}"), "25", "0");
    assert_number(&c, &format!("B{r}"), "44561", "yyyy-mm-dd");
    assert_number(&c, &format!("F{r}"), "21000000.00", "#,##0.00");
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
    let c = Book::open(&xlsx(&t, "f.xlsx", &["fund", "list"])).sheet(1);
    let sc1 = row_of(&c, "SC-1");
    // Inception 2020-01-10: 2020-01-01 is 43831, + 9 days = 43840.
    assert_number(&c, &format!("F{sc1}"), "43840", "yyyy-mm-dd");
    assert_eq!(c[&format!("D{sc1}")], text("SC"));
    let book = Book::open(&xlsx(&t, "a.xlsx", &["audit"]));
    assert_eq!(book.sheet_names(), vec!["Findings"]);
    let c = book.sheet(1);
    assert_eq!(c["A4"].value, "(none)");
    // The note is on the same sheet, below the table.
    assert!(c["A6"].value.starts_with("clean as of"), "{c:?}");
    // The loan list streams into a constant-memory sheet: numbers stay numbers, text
    // is inline, and the as-of note follows the last loan.
    let c = Book::open(&xlsx(&t, "l.xlsx", &["loan", "list"])).sheet(1);
    let r = row_of(&c, "CY2021-001");
    assert_eq!(c[&format!("B{r}")], text("张明（餐饮个体户）"));
    assert_number(&c, &format!("D{r}"), "200000", "#,##0.00");
    let last = c
        .keys()
        .filter_map(|k| k.strip_prefix('A').and_then(|n| n.parse::<u32>().ok()))
        .max()
        .unwrap();
    assert!(
        c[&format!("A{last}")]
            .value
            .starts_with("As of 2026-06-30."),
        "{:?}",
        c[&format!("A{last}")]
    );
}

#[test]
fn a_figure_excel_cannot_hold_exactly_is_refused_and_no_file_written() {
    // Nine commitments of 9,999,999,999,999.99 元 (the largest amount an entry takes)
    // sum to 89,999,999,999,999.91: 16 significant digits, and the double nearest to it
    // prints as 89999999999999.9 (doubles there are 1/64 apart). In 万元 it is
    // 9,000,000,000.00, which a cell holds exactly.
    let t = TestLedger::new();
    t.run(&[
        "fund",
        "add",
        "BIG",
        "--name",
        "大基金",
        "--kind",
        "guidance",
        "--inception",
        "2020-01-01",
    ])
    .ok();
    for i in 1..=9 {
        let code = format!("G{i}");
        t.run(&[
            "investor",
            "add",
            &code,
            "--name",
            &format!("财政{i}"),
            "--type",
            "government",
        ])
        .ok();
        t.run(&[
            "lp",
            "commit",
            "BIG",
            "--investor",
            &code,
            "--amount",
            "9999999999999.99",
            "--date",
            "2020-02-01",
        ])
        .ok();
    }
    let out = t.dir.path().join("big.xlsx");
    let o = out.to_str().unwrap();
    let r = t.run(&["--format", "xlsx", "--output", o, "report", "portfolio"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "refused [xlsx-precision]: Portfolio!E4: 89999999999999.91 cannot be held exactly"
        ),
        "{}",
        r.stderr
    );
    assert!(!out.exists());
    t.run(&[
        "--unit",
        "wan",
        "--format",
        "xlsx",
        "--output",
        o,
        "report",
        "portfolio",
    ])
    .ok();
    let c = Book::open(&out).sheet(1);
    assert_number(&c, "E4", "9000000000.00", "#,##0.00");
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
        // A .csv file starts with the byte-order mark Excel needs; otherwise the same.
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
    let p = xlsx(&t, "p.xlsx", &["--unit", "wan", "report", "portfolio"]);
    let sc = xlsx(
        &t,
        "sc.xlsx",
        &["--unit", "wan", "report", "portfolio", "--fund", "SC"],
    );
    let l = xlsx(&t, "l.xlsx", &["log"]);
    let script = r#"
import sys, openpyxl
from openpyxl.utils import get_column_letter
def rows(ws):
    return {r[0].value: r for r in ws.iter_rows(min_row=4)}
ws = openpyxl.load_workbook(sys.argv[1]).active
ps = ws.page_setup
print("setup", ps.paperSize, ps.orientation, ws.sheet_properties.pageSetUpPr.fitToPage, ps.fitToWidth or 1, ps.fitToHeight)
print("titles", ws.print_title_rows, "freeze", ws.freeze_panes, "charts", len(ws._charts))
print("header", ws.oddHeader.left.text, "|", ws.oddHeader.right.text, "|", ws.oddFooter.center.text)
head = [c.value.replace("\n", " ") if c.value else c.value for c in ws[3]]
print("marks", head[head.index("Value (万元)") + 1], rows(ws)["SC"][head.index("Value (万元)") + 1].value)
nt = rows(ws)["NT"]
print("nt", nt[1].value, repr(nt[7].value), repr(nt[8].value), repr(nt[11].value), nt[11].number_format, nt[10].number_format, nt[6].value)
for code in ("SC", "NT"):
    name = rows(ws)[code][1]
    print("width", code, ws.column_dimensions[get_column_letter(name.column)].width)
sc = openpyxl.load_workbook(sys.argv[2]).active
tot = rows(sc)["Total"]
print("sc", repr(tot[7].value), repr(tot[8].value))
log = openpyxl.load_workbook(sys.argv[3]).active
d = rows(log)[25][1]
print("log", d.value.date().isoformat(), d.is_date)
"#;
    let o = std::process::Command::new(&python)
        .args([
            "-c",
            script,
            p.to_str().unwrap(),
            sc.to_str().unwrap(),
            l.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = s.lines().collect();
    // A4 (paper size 9), landscape, one page wide and as many tall as needed.
    assert_eq!(lines[0], "setup 9 landscape True 1 0", "{s}");
    // The header row repeats on every page and stays on screen; two native charts.
    assert_eq!(lines[1], "titles $3:$3 freeze A4 charts 2", "{s}");
    assert_eq!(
        lines[2], "header Portfolio | As of 2026-06-30 | Page &P of &N",
        "{s}"
    );
    assert_eq!(lines[3], "marks Note *", "{s}");
    assert_eq!(
        lines[4],
        "nt 昆明高新诺泰大健康产业投资合伙企业（有限合伙） 5982 5982 13624 #,##0.00 0.0000 8",
        "{s}"
    );
    // 昆明市双创产业发展股权投资基金 is 15 Chinese characters, 30 columns wide; the
    // widest name (23 characters, 46 columns) wraps at 40.
    let width = |l: &str| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap();
    assert!(
        lines[5].starts_with("width SC ") && width(lines[5]) >= 30.0,
        "{s}"
    );
    assert!(width(lines[6]) >= 40.0, "{s}");
    assert_eq!(lines[7], "sc 9785 8095", "{s}");
    assert_eq!(lines[8], "log 2021-12-31 True", "{s}");
}

/// `report pack --format xlsx`: the pack's documents in one workbook, a sheet per
/// section with its native charts, and the 双创 programme's seed totals (9,785万 agreed,
/// 8,095万 paid in) in its programme sheet.
#[test]
fn the_report_pack_is_one_workbook_with_its_charts() {
    let t = example();
    let book = Book::open(&xlsx(
        &t,
        "pack.xlsx",
        &["--unit", "wan", "report", "pack", "--as-of", "2022-12-31"],
    ));
    let names = book.sheet_names();
    assert!(names.len() >= 6, "{names:?}");
    assert!(names.iter().any(|n| n == "Portfolio"), "{names:?}");
    // Portfolio 2, programmes' paid-in over time 1, returns 2, loan arrears 1 at least.
    let charts = book
        .files
        .keys()
        .filter(|k| k.starts_with("xl/charts/chart"))
        .count();
    assert!(charts >= 5, "{charts} charts");
    let all: String = (1..=names.len())
        .map(|i| book.sheet_xml(i).to_string())
        .collect();
    assert!(
        all.contains("<v>9785</v>") || all.contains("<v>9785.00</v>") || all.contains(">9785<"),
        "no 9,785 in the pack"
    );
    assert!(
        all.contains("<v>8095</v>") || all.contains("<v>8095.00</v>") || all.contains(">8095<"),
        "no 8,095 in the pack"
    );
}

/// Workbooks need temporary files (one per sheet, in the system's temporary
/// directory): with none to be had, a clear refusal, exit 1 and no output file,
/// never a panic. Both paths: a report's sheets, and the streamed log.
#[test]
fn no_writable_temporary_directory_is_refused_clearly() {
    let t = example();
    for args in [&["report", "portfolio"][..], &["log"]] {
        let out = t.dir.path().join("never.xlsx");
        let r = std::process::Command::new(common::bin())
            .args(["--db", t.db_arg()])
            .args(["--format", "xlsx", "--output", out.to_str().unwrap()])
            .args(args)
            .env("TMPDIR", t.dir.path().join("no-such-dir"))
            .env("FUNDLEDGER_PG_CACHE", t.dir.path().join("pg-replica"))
            .env("FUNDLEDGER_TODAY", "2026-06-30")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("no temporary file can be created") && stderr.contains("TMPDIR"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!out.exists(), "{args:?}");
    }
}
