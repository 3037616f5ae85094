//! `export --format hledger|beancount`: the journals balance, their per-fund account
//! balances equal `report portfolio`, and (when installed) hledger and bean-check
//! accept them and compute the same totals.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use common::{small_ledger, tool, TestLedger};
use rust_decimal::Decimal;

fn example() -> TestLedger {
    TestLedger::example()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|_| panic!("not a decimal: {s}"))
}

/// Export to a file in the ledger's folder and return its path.
fn export(t: &TestLedger, format: &str, extra: &[&str]) -> PathBuf {
    let name = format!("out-{format}-{}.txt", extra.join("_"));
    let path = t.dir.path().join(name);
    let mut args = vec![
        "--format",
        format,
        "--output",
        path.to_str().unwrap(),
        "export",
    ];
    args.extend_from_slice(extra);
    assert_eq!(t.run(&args).ok(), "");
    path
}

/// What a minimal reader of either format finds: the fund code → account component
/// key from the header, and the balance of every account.
struct Parsed {
    fund_accounts: HashMap<String, String>,
    balances: HashMap<String, Decimal>,
    transactions: usize,
}

const ROOTS: [&str; 5] = ["Assets:", "Liabilities:", "Equity:", "Income:", "Expenses:"];

fn parse(text: &str) -> Parsed {
    let mut fund_accounts = HashMap::new();
    let mut in_funds = false;
    let mut balances: HashMap<String, Decimal> = HashMap::new();
    let mut transactions = 0;
    let mut open: Option<Decimal> = None;
    let close = |sum: Option<Decimal>| {
        if let Some(s) = sum {
            assert_eq!(s, Decimal::ZERO, "a transaction does not balance");
        }
    };
    for line in text.lines() {
        if line.starts_with("; Funds:") {
            in_funds = true;
            continue;
        }
        if line.starts_with("; Investors") {
            in_funds = false;
        }
        if in_funds {
            // `;   CODE (accounts: X)  NAME` or `;   CODE  NAME`
            let tokens: Vec<&str> = line.trim_start_matches(';').split_whitespace().collect();
            let account = if tokens[1] == "(accounts:" {
                tokens[2].trim_end_matches(')')
            } else {
                tokens[0]
            };
            fund_accounts.insert(tokens[0].to_string(), account.to_string());
            continue;
        }
        let starts_with_date =
            line.len() > 10 && line.as_bytes()[4] == b'-' && line.as_bytes()[7] == b'-';
        if starts_with_date && line[10..].starts_with(" * ") {
            close(open.take());
            open = Some(Decimal::ZERO);
            transactions += 1;
            continue;
        }
        let tokens: Vec<&str> = line.split_whitespace().collect();
        let is_posting = line.starts_with(' ')
            && tokens.len() == 3
            && ROOTS.iter().any(|r| tokens[0].starts_with(r))
            && tokens[2] == "CNY";
        if is_posting {
            let amount = dec(tokens[1]);
            *balances.entry(tokens[0].to_string()).or_default() += amount;
            *open.as_mut().expect("posting outside a transaction") += amount;
        }
    }
    close(open);
    Parsed {
        fund_accounts,
        balances,
        transactions,
    }
}

impl Parsed {
    fn sum(&self, prefix: &str) -> Decimal {
        self.balances
            .iter()
            .filter(|(a, _)| a.starts_with(prefix))
            .map(|(_, b)| *b)
            .sum()
    }
    /// The report's figures for one fund, read off the accounts docs/export.md names.
    fn fund(&self, code: &str) -> HashMap<&'static str, Decimal> {
        let f = &self.fund_accounts[code];
        HashMap::from([
            (
                "lp_committed",
                -self.sum(&format!("Equity:Funds:{f}:Memo:LP-Committed:")),
            ),
            (
                "lp_paid_in",
                -self.sum(&format!("Equity:Funds:{f}:LP-Paid-In:")),
            ),
            (
                "deal_committed",
                self.sum(&format!("Equity:Funds:{f}:Memo:Deal-Committed:")),
            ),
            (
                "deal_paid_in",
                self.sum(&format!("Assets:Funds:{f}:Investments:Cost:")),
            ),
            ("value", self.sum(&format!("Assets:Funds:{f}:Investments:"))),
            (
                "proceeds",
                -self.sum(&format!("Income:Funds:{f}:Proceeds:")),
            ),
        ])
    }
}

/// Every fund's figures in the export equal `report portfolio --format json` at the
/// same as-of date; returns the parsed export for further checks.
fn matches_portfolio(t: &TestLedger, format: &str, as_of: Option<&str>) -> Parsed {
    let extra: Vec<&str> = as_of.map(|d| vec!["--as-of", d]).unwrap_or_default();
    let path = export(t, format, &extra);
    let parsed = parse(&std::fs::read_to_string(&path).unwrap());
    let mut args = vec!["report", "portfolio"];
    args.extend_from_slice(&extra);
    let report = t.json(&args);
    let funds = report["funds"].as_array().unwrap();
    assert!(!funds.is_empty());
    for row in funds {
        let code = row["code"].as_str().unwrap();
        let got = parsed.fund(code);
        for (field, value) in &got {
            assert_eq!(
                *value,
                dec(row[*field].as_str().unwrap()),
                "{format} {code} {field} (as of {as_of:?})"
            );
        }
    }
    parsed
}

#[test]
fn example_exports_match_the_portfolio_report() {
    let t = example();
    for format in ["hledger", "beancount"] {
        let p = matches_portfolio(&t, format, None);
        // The published figures, independently of the report: the 双创 system (SC and
        // its sub-fund SC-1) paid 8,095万元 into deals (3,795万 + 4,300万); 高新诺泰's
        // holdings are worth 13,624万元.
        assert_eq!(
            p.fund("SC")["deal_paid_in"] + p.fund("SC-1")["deal_paid_in"],
            dec("80950000.00")
        );
        assert_eq!(p.fund("NT")["value"], dec("136240000.00"));
        assert_eq!(p.fund("NT")["deal_paid_in"], dec("59820000.00"));
        // 58 entries, less the reversed mark 57 and its reversal 58, less entry 27:
        // C04 marked at its cost (10,000,000 = 6,000,000 + 4,000,000 paid), which moves
        // no amount and is a comment line.
        assert_eq!(p.transactions, 55, "{format}");
        // SC's 3,440万 into SC-1 leaves SC's cash: 8,000万 paid in − 3,795万 into deals
        // − 3,440万 into SC-1 = 765万.
        assert_eq!(p.balances["Assets:Funds:SC:Cash"], dec("7650000.00"));
        assert_eq!(
            p.balances["Assets:Funds:SC:Fund-Investments:SC-1"],
            dec("34400000.00")
        );
        let text = std::fs::read_to_string(export(&t, format, &["--as-of", "2026-06-30"])).unwrap();
        assert!(!text.contains("entry:57") && !text.contains("entry: 57"));
    }
}

/// small_ledger plus marks, proceeds, an exit, a write-off, a reversed payment, a fund
/// with a CJK code and a memo with quotes and a semicolon.
fn busy_ledger() -> TestLedger {
    let t = small_ledger();
    for args in [
        &[
            "deal",
            "value",
            "S",
            "A",
            "--amount",
            "3000000",
            "--date",
            "2020-12-31",
        ][..],
        &[
            "deal",
            "pay",
            "S",
            "A",
            "--amount",
            "500000",
            "--date",
            "2021-01-15",
            "--memo",
            "second \"tranche\"; wire 7 \\ ok",
        ],
        &[
            "deal",
            "proceeds",
            "S",
            "A",
            "--amount",
            "100000",
            "--date",
            "2021-06-30",
            "--kind",
            "dividend",
        ],
        &[
            "deal",
            "commit",
            "S",
            "B",
            "--amount",
            "1000000",
            "--date",
            "2020-04-01",
        ],
        &[
            "deal",
            "pay",
            "S",
            "B",
            "--amount",
            "400000",
            "--date",
            "2020-04-15",
        ],
        &[
            "deal",
            "proceeds",
            "S",
            "B",
            "--amount",
            "600000",
            "--date",
            "2022-01-10",
            "--kind",
            "exit",
        ],
        &[
            "deal",
            "commit",
            "G",
            "B",
            "--amount",
            "500000",
            "--date",
            "2020-05-01",
        ],
        &[
            "deal",
            "pay",
            "G",
            "B",
            "--amount",
            "500000",
            "--date",
            "2020-05-10",
        ],
        &["deal", "write-off", "G", "B", "--date", "2022-06-30"],
        &[
            "fund",
            "add",
            "__",
            "--name",
            "三号基金",
            "--kind",
            "guidance",
            "--inception",
            "2020-01-01",
        ],
        &[
            "lp",
            "commit",
            "__",
            "--investor",
            "GOV",
            "--amount",
            "2000000",
            "--date",
            "2020-01-01",
        ],
        &[
            "lp",
            "pay",
            "__",
            "--investor",
            "GOV",
            "--amount",
            "1000000",
            "--date",
            "2020-01-02",
        ],
    ] {
        t.run(args).ok();
    }
    let id = t.json(&[
        "lp",
        "pay",
        "S",
        "--investor",
        "SOC",
        "--amount",
        "100000",
        "--date",
        "2021-02-01",
    ])["id"]
        .as_i64()
        .unwrap();
    t.run(&["reverse", &id.to_string(), "--reason", "keyed twice"])
        .ok();
    t
}

#[test]
fn every_kind_of_entry_exports_to_the_reports_figures() {
    let t = busy_ledger();
    for format in ["hledger", "beancount"] {
        let p = matches_portfolio(&t, format, None);
        // By hand (see busy_ledger): S paid A 1,500,000 + 500,000 and B 400,000;
        // proceeds 100,000 dividend + 600,000 exit; value A's mark 3,000,000 + B 0
        // (exited); LP paid-in 3,000,000 + 750,000 (the 100,000 was reversed).
        let s = p.fund("S");
        assert_eq!(s["deal_paid_in"], dec("2400000.00"));
        assert_eq!(s["proceeds"], dec("700000.00"));
        assert_eq!(s["value"], dec("3000000.00"));
        assert_eq!(s["lp_paid_in"], dec("3750000.00"));
        assert_eq!(s["deal_committed"], dec("3000000.00"));
        assert_eq!(s["lp_committed"], dec("5000000.00"));
        // G wrote B off: cost stays 500,000 (as in the report), value 0.
        let g = p.fund("G");
        assert_eq!(g["deal_paid_in"], dec("500000.00"));
        assert_eq!(g["value"], dec("0"));
        // A code with no letter or digit: fund id 3 becomes the account component F3.
        assert_eq!(p.fund_accounts["__"], "F3");
        assert_eq!(p.fund("__")["lp_paid_in"], dec("1000000.00"));
        // Earlier as-of: B not yet exited, valued at cost 400,000; only the dividend.
        let early = matches_portfolio(&t, format, Some("2021-06-30"));
        assert_eq!(early.fund("S")["value"], dec("3400000.00"));
        assert_eq!(early.fund("S")["proceeds"], dec("100000.00"));
    }
}

#[test]
fn export_refusals() {
    let t = example();
    t.run(&["export"]).refused("export-format");
    // JSON is the whole ledger: an as-of cut would not restore.
    t.run(&["--format", "json", "export", "--as-of", "2021-12-31"])
        .refused("export-format");
    let r = t.run(&["--format", "hledger", "report", "portfolio"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let out = t.dir.path().join("x.journal");
    std::fs::write(&out, "keep").unwrap();
    t.run(&[
        "--format",
        "hledger",
        "--output",
        out.to_str().unwrap(),
        "export",
    ])
    .refused("output-exists");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep");
}

fn stdout_ok(o: &std::process::Output, what: &str) -> String {
    assert!(
        o.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// hledger's total for accounts matching `regex`, e.g. `80950000.00 CNY`.
fn hledger_total(file: &Path, regex: &str) -> Option<String> {
    let o = tool(
        "hledger",
        &["-f", file.to_str().unwrap(), "bal", regex, "-O", "csv"],
    )?;
    let out = stdout_ok(&o, "hledger bal");
    let last = out.lines().last().unwrap().to_string();
    Some(
        last.strip_prefix("\"total\",\"")
            .and_then(|r| r.strip_suffix('"'))
            .unwrap_or_else(|| panic!("no total in {out}"))
            .to_string(),
    )
}

/// bean-query's sum of the numbers in accounts matching `regex`.
fn beancount_total(file: &Path, regex: &str) -> Option<String> {
    let q = format!("SELECT sum(number) AS n WHERE account ~ '{regex}'");
    let o = tool("bean-query", &["-f", "csv", file.to_str().unwrap(), &q])?;
    let out = stdout_ok(&o, "bean-query");
    Some(out.lines().nth(1).unwrap_or_default().trim().to_string())
}

#[test]
fn hledger_accepts_the_journal_and_agrees() {
    let t = example();
    let file = export(&t, "hledger", &[]);
    let Some(o) = tool(
        "hledger",
        &["-f", file.to_str().unwrap(), "--strict", "bal"],
    ) else {
        return;
    };
    stdout_ok(&o, "hledger --strict bal");
    // The 双创 system's deal paid-in, 8,095万元, and 高新诺泰's value, 13,624万元.
    assert_eq!(
        hledger_total(&file, "^Assets:Funds:SC(-1)?:Investments:Cost:").unwrap(),
        "80950000.00 CNY"
    );
    assert_eq!(
        hledger_total(&file, "^Assets:Funds:NT:Investments:").unwrap(),
        "136240000.00 CNY"
    );
    // SC-1's LP committed: 4,000万 + 600万 + 400万 = 5,000万 (credit, so negative).
    assert_eq!(
        hledger_total(&file, "^Equity:Funds:SC-1:Memo:LP-Committed:").unwrap(),
        "-50000000.00 CNY"
    );
    let busy = busy_ledger();
    let file = export(&busy, "hledger", &[]);
    let o = tool(
        "hledger",
        &["-f", file.to_str().unwrap(), "--strict", "bal"],
    )
    .unwrap();
    stdout_ok(&o, "hledger --strict bal (busy ledger)");
    assert_eq!(
        hledger_total(&file, "^Income:Funds:S:Proceeds:").unwrap(),
        "-700000.00 CNY"
    );
    assert_eq!(
        hledger_total(&file, "^Equity:Funds:F3:LP-Paid-In:").unwrap(),
        "-1000000.00 CNY"
    );
}

#[test]
fn bean_check_accepts_the_ledger_and_agrees() {
    let t = example();
    let file = export(&t, "beancount", &[]);
    let Some(o) = tool("bean-check", &[file.to_str().unwrap()]) else {
        return;
    };
    assert_eq!(stdout_ok(&o, "bean-check"), "");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        beancount_total(&file, "^Assets:Funds:SC(-1)?:Investments:Cost:").unwrap(),
        "80950000.00"
    );
    assert_eq!(
        beancount_total(&file, "^Assets:Funds:NT:Investments:").unwrap(),
        "136240000.00"
    );
    let busy = busy_ledger();
    let file = export(&busy, "beancount", &[]);
    let o = tool("bean-check", &[file.to_str().unwrap()]).unwrap();
    assert_eq!(stdout_ok(&o, "bean-check (busy ledger)"), "");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        beancount_total(&file, "^Income:Funds:S:Proceeds:").unwrap(),
        "-700000.00"
    );
    // The memo with quotes, a semicolon and a backslash survives as metadata.
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains(r#"memo: "second \"tranche\"; wire 7 \\ ok""#),
        "memo not escaped as expected"
    );
}

/// `--no-account-directives` drops hledger's `account` lines (hledger reads a journal
/// with hundreds of thousands of them very slowly) and changes no balance: the same
/// 8,095万元 of the 双创 system's deal paid-in. Beancount keeps its `open` lines,
/// which it requires.
#[test]
fn hledger_without_account_directives_has_the_same_balances() {
    let t = example();
    let with = std::fs::read_to_string(export(&t, "hledger", &[])).unwrap();
    let file = export(&t, "hledger", &["--no-account-directives"]);
    let without = std::fs::read_to_string(&file).unwrap();
    let declared = with.lines().filter(|l| l.starts_with("account ")).count();
    assert!(declared > 20, "{declared}");
    assert_eq!(
        without
            .lines()
            .filter(|l| l.starts_with("account "))
            .count(),
        0
    );
    // Everything else is the same, line for line.
    let rest: Vec<&str> = with
        .lines()
        .filter(|l| !l.starts_with("account "))
        .collect();
    assert_eq!(rest, without.lines().collect::<Vec<_>>());
    let (a, b) = (parse(&with), parse(&without));
    assert_eq!(a.balances, b.balances);
    let bean =
        std::fs::read_to_string(export(&t, "beancount", &["--no-account-directives"])).unwrap();
    assert!(bean.lines().any(|l| l.contains(" open ")));
    if let Some(total) = hledger_total(&file, "^Assets:Funds:SC(-1)?:Investments:Cost:") {
        assert_eq!(total, "80950000.00 CNY");
    }
}
