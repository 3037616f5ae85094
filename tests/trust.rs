//! Issue 12: what a new user and a hostile tester hit — small input rules, the author
//! of an entry without `$USER`, locked ledgers, files left behind. Through the real
//! binary on real SQLite files; expected values are worked out by hand.

mod common;

use std::process::Command;

use common::{bin, TestLedger};

/// `By` is the OS account when no environment variable names the user.
#[test]
fn author_without_user_variables_is_the_os_account() {
    let t = TestLedger::new();
    let expected = String::from_utf8(
        Command::new("id")
            .arg("-un")
            .output()
            .expect("id -un")
            .stdout,
    )
    .unwrap()
    .trim()
    .to_string();
    assert!(!expected.is_empty());
    let out = Command::new(bin())
        .args(["--db", t.db.to_str().unwrap(), "investor", "add", "GOV"])
        .args(["--name", "财政局", "--type", "government"])
        .env_clear()
        .env("FUNDLEDGER_TODAY", "2026-06-30")
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", out);
    // The investor's creator is in the dump: code|name|type|fund|created_at|created_by.
    let dump = t.dump();
    let row = dump
        .lines()
        .find(|l| l.starts_with("1|GOV|"))
        .expect("investor row");
    assert!(row.ends_with(&format!("|{expected}")), "{row}");
    assert!(!row.ends_with("|unknown"), "{row}");
}

/// 10万亿 is the limit the overflow message names, so it is accepted; a fen more is not.
#[test]
fn ten_wan_yi_is_accepted_as_the_limit() {
    let t = TestLedger::new();
    t.run(&["fund", "add", "G", "--name", "引导基金", "--kind", "guidance"])
        .ok();
    t.run(&["investor", "add", "GOV", "--name", "财政局", "--type", "government"])
        .ok();
    t.run(&[
        "lp",
        "commit",
        "G",
        "--investor",
        "GOV",
        "--amount",
        "10万亿",
        "--date",
        "2021-01-01",
    ])
    .ok();
    let v = t.json(&["report", "portfolio"]);
    assert_eq!(v["funds"][0]["lp_committed"], "10000000000000.00");
    let msg = t.refused_unchanged(
        &[
            "lp",
            "commit",
            "G",
            "--investor",
            "GOV",
            "--amount",
            "10000000000000.01",
            "--date",
            "2021-01-01",
        ],
        "10万亿元",
    );
    assert!(msg.contains("10000000000000.01"), "{msg}");
}

/// A real date before 1900 names the supported range, not "not a valid calendar date".
#[test]
fn years_before_1900_name_the_supported_range() {
    let t = TestLedger::new();
    let msg = t.refused_unchanged(
        &[
            "fund",
            "add",
            "G",
            "--name",
            "引导基金",
            "--kind",
            "guidance",
            "--inception",
            "1899-12-31",
        ],
        "1900-01-01 to 9999-12-31",
    );
    assert!(!msg.contains("not a valid calendar date"), "{msg}");
    assert!(msg.contains("1899-12-31"), "{msg}");
}

/// A repayment dated before the loan's disbursement says so, not that it was reversed.
#[test]
fn repayment_before_disbursement_says_what_is_wrong() {
    let t = TestLedger::new();
    t.run(&[
        "loan",
        "add",
        "L1",
        "--borrower",
        "借款人",
        "--borrower-kind",
        "individual",
        "--principal",
        "100000",
        "--rate",
        "4.35%",
        "--term-months",
        "12",
        "--start",
        "2021-03-01",
        "--method",
        "equal-principal",
    ])
    .ok();
    // 2021-02-01 is 28 days before the start 2021-03-01.
    let msg = t.refused_unchanged(
        &[
            "loan",
            "repay",
            "L1",
            "--amount",
            "1000",
            "--date",
            "2021-02-01",
        ],
        "before the loan is disbursed on its start date 2021-03-01 (28 days earlier)",
    );
    assert!(!msg.contains("reversed"), "{msg}");
}
