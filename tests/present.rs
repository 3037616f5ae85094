//! The report model and its terminal and CSV renderers, on the example ledger and on
//! scratch ledgers: tables fit 100 columns, Chinese labels are complete, CSV is safe
//! for Excel, and the documents' figures are the published ones (golden snapshots).

mod common;

use std::path::Path;

use common::TestLedger;
use fundledger::date::parse_date;
use fundledger::money::Unit;
use fundledger::present::{self, Document, Lang, Layout, Opts};
use fundledger::reports::{self, By, ReturnsQuery};
use fundledger::store::Ledger;
use unicode_width::UnicodeWidthStr;

fn example() -> TestLedger {
    TestLedger::example()
}

/// Every report and listing of the example ledger, as CLI arguments.
const REPORTS: &[&[&str]] = &[
    &["report", "portfolio", "--as-of", "2021-12-31"],
    &[
        "report",
        "portfolio",
        "--fund",
        "SC",
        "--as-of",
        "2021-12-31",
    ],
    &[
        "report",
        "portfolio",
        "--look-through",
        "--as-of",
        "2021-12-31",
    ],
    &["report", "leverage", "--as-of", "2021-12-31"],
    &["report", "returns", "--as-of", "2021-12-31"],
    &[
        "report",
        "returns",
        "--by",
        "holding",
        "--as-of",
        "2021-12-31",
    ],
    &["report", "returns", "--by", "lp", "--as-of", "2021-12-31"],
    &[
        "report",
        "returns",
        "--look-through",
        "--as-of",
        "2021-12-31",
    ],
    &["report", "loans", "--as-of", "2022-06-15"],
    &[
        "report",
        "loans",
        "--by",
        "guarantor",
        "--as-of",
        "2022-06-15",
    ],
    &["report", "loans", "--by", "kind", "--as-of", "2022-06-15"],
    &["log"],
    &["fund", "list"],
    &["investor", "list"],
    &["company", "list"],
    &["loan", "list", "--as-of", "2022-06-15"],
    &["loan", "schedule", "CY2021-011", "--as-of", "2022-06-15"],
    &["grant", "list"],
    &["fund", "policy", "SC"],
    &["audit"],
    &["report", "pacing", "--as-of", "2021-12-31"],
    &[
        "report",
        "breakdown",
        "--by",
        "sector",
        "--as-of",
        "2021-12-31",
    ],
    &[
        "report",
        "breakdown",
        "--by",
        "stage",
        "--fund",
        "SC",
        "--look-through",
        "--as-of",
        "2021-12-31",
    ],
    &[
        "report",
        "breakdown",
        "--by",
        "local",
        "--as-of",
        "2021-12-31",
    ],
    &["report", "outcomes", "--as-of", "2021-12-31"],
    &["company", "facts"],
    &["fund", "scores", "SC"],
    &[
        "fund",
        "scorecard",
        "SC",
        "--template",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/templates/quanzhou-2025.toml"
        ),
        "--year",
        "2021",
    ],
    &[
        "fund",
        "scorecard",
        "SC",
        "--template",
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/templates/fujian-2025.toml"
        ),
        "--year",
        "2021",
    ],
];

#[test]
fn every_report_of_the_example_fits_100_columns() {
    let t = example();
    for args in REPORTS {
        for unit in ["yuan", "wan"] {
            for lang in ["en", "zh"] {
                let mut a = vec!["--unit", unit, "--lang", lang];
                a.extend_from_slice(args);
                let out = t.run(&a).ok().to_string();
                assert!(out.lines().count() > 2, "{a:?}: {out}");
                for line in out.lines() {
                    // Display width: a Chinese character takes two columns.
                    let w = UnicodeWidthStr::width(line);
                    assert!(
                        w <= 100,
                        "{a:?}: a line is {w} columns wide:\n{line}\n{out}"
                    );
                }
            }
        }
    }
}

#[test]
fn wide_and_columns_choose_what_is_shown() {
    let t = example();
    let compact = t
        .run(&[
            "--unit",
            "wan",
            "report",
            "portfolio",
            "--as-of",
            "2021-12-31",
        ])
        .ok()
        .to_string();
    // The compact set leaves LP capital out (LP committed for SC is 10,000.00 万).
    assert!(!compact.contains("LP committed"), "{compact}");
    let wide = t
        .run(&[
            "--unit",
            "wan",
            "--wide",
            "report",
            "portfolio",
            "--as-of",
            "2021-12-31",
        ])
        .ok()
        .to_string();
    assert!(
        wide.contains("LP committed") && wide.contains("10,000.00"),
        "{wide}"
    );
    let chosen = t
        .run(&[
            "--unit",
            "wan",
            "--columns",
            "code,deal_paid_in",
            "report",
            "portfolio",
            "--as-of",
            "2021-12-31",
        ])
        .ok()
        .to_string();
    // Only the two columns, in that order: NT paid in 5,982.00 万 (the seed's figure).
    let nt = chosen.lines().find(|l| l.contains(" NT ")).unwrap();
    let cells: Vec<&str> = nt.split('|').map(str::trim).collect();
    assert_eq!(cells, vec!["NT", "5,982.00"], "{chosen}");
    // An unknown key is refused, naming the keys there are.
    let r = t.run(&["--columns", "code,nope", "report", "portfolio"]);
    let err = r.refused("nope");
    assert!(err.contains("deal_paid_in"), "{err}");
}

/// A narrow terminal width forces the expanded layout rather than an overflowing grid.
#[test]
fn a_table_too_wide_to_wrap_becomes_one_record_per_block() {
    let doc = portfolio_doc(Opts::default());
    let mut out = Vec::new();
    present::text::write(&doc, &present::text::Columns::All, 40, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("-[ RECORD 1 ]"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("Deal paid-in (元)") && l.ends_with("37,950,000.00")),
        "{out}"
    );
}

#[test]
fn chinese_headers_are_complete() {
    let t = example();
    // Acronyms and symbols that stay as they are in Chinese reports.
    let kept = [
        "IRR", "TVPI", "DPI", "RVPI", "PIC", "MOIC", "PAR30", "PAR90", "PME", "KS-PME", "N",
    ];
    let mut missing = Vec::new();
    for args in REPORTS {
        let mut a = vec!["--lang", "zh", "--format", "csv"];
        a.extend_from_slice(args);
        let out = t.run(&a).ok().to_string();
        let header = out
            .trim_start_matches('\u{feff}')
            .lines()
            .next()
            .unwrap_or("");
        let mut heads: Vec<&str> = header.split(',').collect();
        if args.contains(&"--by") && args[1] == "loans" {
            // Loan-book groups are data (guarantor codes, borrower kinds), not labels.
            heads = vec![heads[0], heads[heads.len() - 1]];
        }
        for h in heads {
            let label = h.split(" (").next().unwrap();
            let cjk = label
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            if !cjk && !kept.contains(&label) && !label.is_empty() {
                missing.push(format!("{args:?}: {label}"));
            }
        }
    }
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "headers with no Chinese label:\n{}",
        missing.join("\n")
    );
}

#[test]
fn csv_cells_never_run_as_formulas_and_a_bom_is_there_when_asked() {
    let t = TestLedger::new();
    t.run(&["company", "add", "X1", "--name", "=1+1"]).ok();
    t.run(&["company", "add", "X2", "--name", "@SUM(A1)"]).ok();
    t.run(&["company", "add", "X3", "--name=-2+3"]).ok();
    let csv = t
        .run(&["--format", "csv", "company", "list"])
        .ok()
        .to_string();
    assert!(!csv.starts_with('\u{feff}'), "no BOM unless asked: {csv:?}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[1], "X1,'=1+1,,,");
    assert_eq!(lines[2], "X2,'@SUM(A1),,,");
    assert_eq!(lines[3], "X3,'-2+3,,,");
    let bom = t
        .run(&["--format", "csv", "--bom", "company", "list"])
        .ok()
        .to_string();
    assert!(bom.starts_with("\u{feff}Code,Name"), "{bom:?}");
}

#[test]
fn csv_marks_have_their_own_column_and_numbers_stay_numbers() {
    let t = example();
    let csv = t
        .run(&[
            "--format",
            "csv",
            "--unit",
            "wan",
            "report",
            "portfolio",
            "--fund",
            "SC",
            "--as-of",
            "2021-12-31",
        ])
        .ok()
        .to_string();
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    let head = &rows[0];
    let v = head.iter().position(|h| *h == "Value (万元)").unwrap();
    assert_eq!(head[v + 1], "Value note");
    // The 双创 programme (SC + SC-1), the seed's figures: 9,785万 agreed, 8,095万 paid in.
    let total = rows.iter().find(|r| r[0] == "Total").unwrap();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    assert_eq!(total[col("Deal committed (万元)")], "9785.00");
    assert_eq!(total[col("Deal paid-in (万元)")], "8095.00");
    // SC + SC-1 value: 4,395 + 5,000 = 9,395万, with unmarked holdings counted at cost.
    assert_eq!(total[v], "9395.00");
    assert_eq!(total[v + 1], "*");
}

fn open_example() -> (TestLedger, Ledger) {
    let t = example();
    let l = Ledger::open(&t.db).unwrap();
    (t, l)
}

fn portfolio_doc(o: Opts) -> Document {
    let (_t, mut l) = open_example();
    let p = reports::portfolio(&mut l, parse_date("2021-12-31").unwrap(), None).unwrap();
    present::portfolio::document(&p, None, o)
}

/// The example's 2021 scorecard of SC on the shipped Quanzhou template.
fn scorecard_doc(l: &mut Ledger, o: Opts) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates/quanzhou-2025.toml");
    let t = fundledger::eval::Template::parse(
        "quanzhou-2025.toml",
        &std::fs::read_to_string(path).unwrap(),
    )
    .unwrap();
    let c = reports::eval::scorecard(l, "SC", 2021, "quanzhou-2025.toml", &t).unwrap();
    present::eval::scorecard(&c, o)
}

/// The documents of the example ledger at 2021-12-31, as JSON: what every renderer
/// is given. A change to any figure, label or layout shows here as a diff.
fn golden_docs() -> Vec<(&'static str, Document)> {
    let (_t, mut l) = open_example();
    let as_of = parse_date("2021-12-31").unwrap();
    let o = Opts {
        unit: Unit::Wan,
        lang: Lang::En,
    };
    let zh = Opts {
        unit: Unit::Wan,
        lang: Lang::Zh,
    };
    let p = reports::portfolio(&mut l, as_of, None).unwrap();
    let lev = reports::leverage::leverage(&mut l, as_of, None).unwrap();
    let q = ReturnsQuery {
        as_of,
        fund: None,
        by: By::Fund,
        benchmark: None,
        look_through: false,
    };
    let ret = reports::returns(&mut l, &q).unwrap();
    let loans =
        reports::loans::loans_report(&mut l, parse_date("2022-06-15").unwrap(), None).unwrap();
    vec![
        ("portfolio", present::portfolio::document(&p, None, o)),
        ("portfolio-zh", present::portfolio::document(&p, None, zh)),
        (
            "leverage",
            present::leverage::document(&lev, None, o, Layout::Sections),
        ),
        (
            "returns",
            present::returns::document(&ret, None, o, Layout::Sections, false, false),
        ),
        ("loans", present::loans::book(&loans, o)),
        ("scorecard-zh", scorecard_doc(&mut l, zh)),
    ]
}

#[test]
fn report_models_of_the_example_match_their_golden_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    for (name, doc) in golden_docs() {
        let json = serde_json::to_string_pretty(&doc).unwrap() + "\n";
        let path = dir.join(format!("{name}.json"));
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &json).unwrap();
        }
        let want = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1 once)", path.display()));
        assert_eq!(
            json, want,
            "{name}: the model changed; review and re-run with UPDATE_GOLDEN=1"
        );
    }
}

/// The golden files hold the published figures (DOMAIN.md), not only whatever the code
/// printed when they were written.
#[test]
fn golden_models_hold_the_seed_figures() {
    let docs = golden_docs();
    let portfolio = &docs[0].1.sections[0];
    let row = |code: &str| {
        portfolio
            .rows
            .iter()
            .find(|r| r.cells[0].shown(Unit::Wan) == code)
            .unwrap()
    };
    let cell =
        |code: &str, key: &str| row(code).cells[portfolio.col(key).unwrap()].shown(Unit::Wan);
    // 诺泰: 5,982万 invested in 8 projects, valued at 13,624万.
    assert_eq!(cell("NT", "deal_paid_in"), "5,982.00");
    assert_eq!(cell("NT", "value"), "13,624.00");
    assert_eq!(cell("NT", "projects"), "8");
    // 双创: SC 4,985 + SC-1 4,800 = 9,785万 agreed; 3,795 + 4,300 = 8,095万 paid in.
    assert_eq!(cell("SC", "deal_committed"), "4,985.00");
    assert_eq!(cell("SC-1", "deal_committed"), "4,800.00");
    assert_eq!(cell("SC", "deal_paid_in"), "3,795.00");
    assert_eq!(cell("SC-1", "deal_paid_in"), "4,300.00");
    // The value of SC includes a holding never marked: the mark is data, not text.
    assert_eq!(
        row("SC").cells[portfolio.col("value").unwrap()]
            .mark
            .as_deref(),
        Some("*")
    );
    // Chinese labels come from the one label table.
    let zh = &docs[1].1.sections[0];
    assert_eq!(
        zh.columns[zh.col("deal_paid_in").unwrap()].label,
        "实际出资"
    );
    // The leverage document: SC's 返投 numerator is its programme's 9,785万 committed.
    let ratios = &docs[2].1.sections[1];
    let reinvest = ratios
        .rows
        .iter()
        .find(|r| {
            r.cells[0].shown(Unit::Wan) == "SC" && r.cells[1].shown(Unit::Wan).starts_with("返投")
        })
        .unwrap();
    assert_eq!(reinvest.cells[2].shown(Unit::Wan), "9,785.00");
    // Charts carry exact values in yuan: NT's paid-in 59,820,000.
    let chart = &portfolio.charts[0];
    let nt = chart.categories.iter().position(|c| c == "NT").unwrap();
    assert_eq!(
        chart.series[1].values[nt].unwrap().to_string(),
        "59820000.00"
    );
}

/// `fundledger … | head` closes the pipe early: every format ends quietly, exit 0 and
/// nothing on stderr, as Unix tools do. The reading end is closed before the program
/// writes anything, so its first write meets the closed pipe.
#[test]
fn a_closed_pipe_ends_every_format_quietly() {
    use std::process::{Command, Stdio};
    let t = example();
    for args in [
        &["--format", "json", "log"][..],
        &["--format", "csv", "log"],
        &["log"],
        &["--format", "json", "report", "portfolio"],
        &["--format", "csv", "report", "portfolio"],
        &["report", "leverage"],
        &["--format", "json", "export"],
        &["--format", "hledger", "export"],
        &["--format", "beancount", "export"],
        &["--format", "json", "loan", "list"],
        &["--format", "csv", "loan", "list"],
        &["loan", "list"],
        &["--format", "json", "report", "returns", "--by", "holding"],
        &["--format", "csv", "report", "loans"],
        &["--format", "json", "audit"],
        &["--format", "json", "company", "list"],
        &["company", "list"],
    ] {
        let mut child = Command::new(common::bin())
            .arg("--db")
            .arg(&t.db)
            .args(args)
            .env("FUNDLEDGER_TODAY", "2026-06-30")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The journal streams: the table's two passes and CSV give every entry, in order.
#[test]
fn the_streamed_log_lists_every_entry_once_in_order() {
    let t = example();
    let json = t.json(&["log"]);
    let ids: Vec<i64> = json["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    let n = ids.len();
    assert!(n > 100, "{n}");
    assert_eq!(ids, (1..=n as i64).collect::<Vec<_>>());
    let csv = t.run(&["--format", "csv", "log"]).ok().to_string();
    assert_eq!(csv.lines().count(), n + 1);
    let table = t.run(&["log"]).ok().to_string();
    let last = format!(" {n} | ");
    assert!(
        table
            .lines()
            .any(|l| l.trim_start().starts_with(last.trim_start())),
        "{table}"
    );
}
