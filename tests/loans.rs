//! Startup guarantee loans and grants, through the real binary on a real SQLite file.
//!
//! Expected figures are worked out by hand in the comments (or, where noted, with
//! Python's decimal module at 50 digits), never copied from the program's output.

mod common;

use common::TestLedger;
use serde_json::Value;

/// `loan add CODE …` with the usual flags, plus `extra`.
#[allow(clippy::too_many_arguments)]
fn add_loan(
    t: &TestLedger,
    code: &str,
    kind: &str,
    principal: &str,
    rate: &str,
    months: &str,
    start: &str,
    method: &str,
    extra: &[&str],
) {
    let mut args = vec![
        "loan",
        "add",
        code,
        "--borrower",
        "借款人",
        "--borrower-kind",
        kind,
        "--principal",
        principal,
        "--rate",
        rate,
        "--term-months",
        months,
        "--start",
        start,
        "--method",
        method,
    ];
    args.extend_from_slice(extra);
    t.run(&args).ok();
}

fn repay(t: &TestLedger, code: &str, amount: &str, date: &str) -> Value {
    t.json(&["loan", "repay", code, "--amount", amount, "--date", date])
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// (due, principal, interest, total, balance) of each installment.
fn schedule(t: &TestLedger, code: &str, as_of: &str) -> Vec<[String; 5]> {
    let v = t.json(&["loan", "schedule", code, "--as-of", as_of]);
    assert_eq!(s(&v["loan"]), code);
    v["installments"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(k, i)| {
            assert_eq!(i["n"].as_u64().unwrap(), k as u64 + 1);
            ["due", "principal", "interest", "total", "balance"].map(|f| s(&i[f]).to_string())
        })
        .collect()
}

fn row(due: &str, p: &str, i: &str, tot: &str, bal: &str) -> [String; 5] {
    [due, p, i, tot, bal].map(String::from)
}

fn report(t: &TestLedger, as_of: &str) -> Value {
    t.json(&["report", "loans", "--as-of", as_of])
}

#[test]
fn schedules_for_each_method_match_hand_calculations() {
    if common::sqlite_file_test() {
        return;
    }
    let t = TestLedger::new();
    // 等额本息 10,000 over 3 months at 12%: i = 1%, (1.01)³ = 1.030301,
    // payment 10,000 × 0.01 × 1.030301 / 0.030301 = 3,400.2211… → 3,400.22.
    // Interest 100.00; 6,699.78 × 1% = 66.9978 → 67.00; 3,366.56 × 1% = 33.6656 → 33.67.
    // The last installment pays the remaining 3,366.56 (total 3,400.23).
    add_loan(
        &t,
        "EI",
        "individual",
        "10000",
        "12%",
        "3",
        "2021-01-15",
        "equal-installment",
        &[],
    );
    assert_eq!(
        schedule(&t, "EI", "2021-01-15"),
        vec![
            row("2021-02-15", "3300.22", "100.00", "3400.22", "6699.78"),
            row("2021-03-15", "3333.22", "67.00", "3400.22", "3366.56"),
            row("2021-04-15", "3366.56", "33.67", "3400.23", "0.00"),
        ]
    );
    // 等额本金 100,000 over 3 months at 4.35% (entered as a fraction): principal
    // 33,333.33 twice and 33,333.34 last; interest 100,000 × 0.0435 / 12 = 362.50,
    // 66,666.67 × 0.0435 / 12 = 241.666… → 241.67, 33,333.34 × 0.0435 / 12 = 120.833… → 120.83.
    add_loan(
        &t,
        "EP",
        "individual",
        "10万",
        "0.0435",
        "3",
        "2021-05-20",
        "equal-principal",
        &[],
    );
    assert_eq!(
        schedule(&t, "EP", "2021-05-20"),
        vec![
            row("2021-06-20", "33333.33", "362.50", "33695.83", "66666.67"),
            row("2021-07-20", "33333.33", "241.67", "33575.00", "33333.34"),
            row("2021-08-20", "33333.34", "120.83", "33454.17", "0.00"),
        ]
    );
    // Interest-only 200,000 at 4.35% from the 31st: 725.00 a month on each month's end.
    add_loan(
        &t,
        "IO",
        "small-firm",
        "200000",
        "4.35%",
        "3",
        "2021-01-31",
        "interest-only",
        &[],
    );
    assert_eq!(
        schedule(&t, "IO", "2021-01-31"),
        vec![
            row("2021-02-28", "0.00", "725.00", "725.00", "200000.00"),
            row("2021-03-31", "0.00", "725.00", "725.00", "200000.00"),
            row("2021-04-30", "200000.00", "725.00", "200725.00", "0.00"),
        ]
    );
    // Bullet 100,000 for 12 months at 5.15%: 100,000 × 0.0515 × 12 / 12 = 5,150.00.
    add_loan(
        &t,
        "BU",
        "individual",
        "100000",
        "5.15%",
        "12",
        "2021-06-30",
        "bullet",
        &[],
    );
    assert_eq!(
        schedule(&t, "BU", "2021-06-30"),
        vec![row(
            "2022-06-30",
            "100000.00",
            "5150.00",
            "105150.00",
            "0.00"
        )]
    );
    // Rates are stored exactly as INTEGER × 10⁸, whichever spelling was typed.
    let c = rusqlite::Connection::open(&t.db).unwrap();
    let rates: Vec<(String, i64)> = c
        .prepare("SELECT code, rate_e8 FROM loans ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rates[1], ("EP".to_string(), 4_350_000));
    assert_eq!(rates[2], ("IO".to_string(), 4_350_000));
    // JSON carries the rate as an exact fraction; the table shows a percentage.
    let v = t.json(&["loan", "schedule", "BU", "--as-of", "2021-06-30"]);
    assert_eq!(s(&v["rate"]), "0.0515");
    assert!(t
        .run(&["loan", "list", "--as-of", "2021-06-30"])
        .ok()
        .contains("5.15%"));
}

#[test]
fn published_subsidy_example_and_share_rule() {
    if common::sqlite_file_test() {
        return;
    }
    let t = TestLedger::new();
    // DOMAIN.md: 100,000 元 for one year at 5.15%, LPR 3.65%, borrower pays LPR − 150bp:
    // interest 5,150 = borrower 2.15% (2,150) + public finance 3.00% (3,000).
    add_loan(
        &t,
        "PUB",
        "individual",
        "100000",
        "5.15%",
        "12",
        "2021-06-30",
        "bullet",
        &[
            "--lpr",
            "3.65%",
            "--subsidy",
            "lpr-minus:150",
            "--jobs",
            "4",
        ],
    );
    let r = repay(&t, "PUB", "105150", "2022-06-30");
    assert_eq!(
        (
            s(&r["interest"]),
            s(&r["interest_subsidy"]),
            s(&r["principal"])
        ),
        ("5150.00", "3000.00", "100000.00")
    );
    let v = report(&t, "2022-06-30");
    assert_eq!(s(&v["interest_paid"]), "5150.00");
    assert_eq!(s(&v["interest_borrower"]), "2150.00");
    assert_eq!(s(&v["interest_subsidy"]), "3000.00");
    assert_eq!(s(&v["principal_repaid"]), "100000.00");
    assert_eq!(s(&v["outstanding"]), "0.00");
    // Nothing outstanding: PAR is undefined, not 0.
    assert!(v["par30"].is_null() && v["par90"].is_null());
    assert_eq!(v["jobs"], 4);
    // share:50 on interest-only 200,000 at 4.35%: one month's interest 725.00,
    // finance pays half, 362.50.
    add_loan(
        &t,
        "SH",
        "small-firm",
        "200000",
        "4.35%",
        "12",
        "2021-07-01",
        "interest-only",
        &["--subsidy", "share:50"],
    );
    let r = repay(&t, "SH", "725", "2021-08-01");
    assert_eq!(
        (s(&r["interest"]), s(&r["interest_subsidy"])),
        ("725.00", "362.50")
    );
    // The split is stored with the entry, as exact fen.
    let c = rusqlite::Connection::open(&t.db).unwrap();
    let (i, sub): (i64, i64) = c
        .query_row(
            "SELECT interest_fen, subsidy_fen FROM entries WHERE kind = 'loan-repay' ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((i, sub), (72_500, 36_250));
}

/// 120,000 over 12 months at 6%, equal principal, from 2021-01-15: each month 10,000
/// principal and 0.5% interest on the opening balance (600, 550, 500, …).
fn ep_loan(t: &TestLedger, code: &str, extra: &[&str]) {
    add_loan(
        t,
        code,
        "individual",
        "120000",
        "6%",
        "12",
        "2021-01-15",
        "equal-principal",
        extra,
    );
}

#[test]
fn repayments_are_allocated_in_the_documented_order() {
    let t = TestLedger::new();
    ep_loan(&t, "A", &[]);
    // 2021-03-10: installment 1 (due 02-15) is overdue, installment 2 (due 03-15) current.
    // 11,000 → overdue interest 600, overdue principal 10,000, current interest 400.
    let r = repay(&t, "A", "11000", "2021-03-10");
    assert_eq!(
        (s(&r["interest"]), s(&r["principal"])),
        ("1000.00", "10000.00")
    );
    assert_eq!(s(&r["outstanding"]), "110000.00");
    // 2021-03-12: 25,000 → current interest left 150, current principal 10,000, and a
    // 14,850 prepayment. The ten later installments are re-amortised on 85,150:
    // 8,515 principal each; the next interest is 85,150 × 0.5% = 425.75.
    let r = repay(&t, "A", "25000", "2021-03-12");
    assert_eq!(
        (s(&r["interest"]), s(&r["principal"])),
        ("150.00", "24850.00")
    );
    let sch = schedule(&t, "A", "2021-03-12");
    // Balances read historically: after installment 1, 110,000; after installment 2
    // and the prepayment made with it, 120,000 − 20,000 − 14,850 = 85,150.
    assert_eq!(
        (sch[0][4].as_str(), sch[1][4].as_str()),
        ("110000.00", "85150.00")
    );
    let v = t.json(&["loan", "schedule", "A", "--as-of", "2021-03-12"]);
    assert_eq!(s(&v["installments"][1]["prepaid"]), "14850.00");
    assert_eq!(
        sch[2],
        row("2021-04-15", "8515.00", "425.75", "8940.75", "76635.00")
    );
    assert_eq!(
        sch[11],
        row("2022-01-15", "8515.00", "42.58", "8557.58", "0.00")
    );
    // On 2021-03-13 installment 2 is paid and the next period has not started: the
    // payoff is the 85,150 principal. One fen more is refused, with the figures.
    let msg = t.refused_unchanged(
        &[
            "loan",
            "repay",
            "A",
            "--amount",
            "85150.01",
            "--date",
            "2021-03-13",
        ],
        "payment-exceeds-owed",
    );
    assert!(
        msg.contains("more than the 85,150.00 owed on 2021-03-13"),
        "{msg}"
    );
    assert!(msg.contains("over by 0.01"), "{msg}");
    let v = t.json(&["loan", "schedule", "A", "--as-of", "2021-03-13"]);
    assert_eq!(s(&v["payoff"]), "85150.00");
    let r = repay(&t, "A", "85150", "2021-03-13");
    assert_eq!(s(&r["outstanding"]), "0.00");
    // Fully repaid: nothing more is owed.
    t.refused_unchanged(
        &[
            "loan",
            "repay",
            "A",
            "--amount",
            "0.01",
            "--date",
            "2021-04-15",
        ],
        "payment-exceeds-owed",
    );
    let v = t.json(&["loan", "list", "--as-of", "2021-12-31"]);
    assert_eq!(s(&v["loans"][0]["status"]), "repaid");
    // 1,000 + 150 + 0 of interest over the life: 1,150; principal 120,000.
    let v = report(&t, "2021-12-31");
    assert_eq!(
        (s(&v["interest_paid"]), s(&v["principal_repaid"])),
        ("1150.00", "120000.00")
    );
}

#[test]
fn arrears_buckets_edges_and_par() {
    let t = TestLedger::new();
    // A: 120,000, never repaid; installment 1 due 2021-02-15.
    ep_loan(&t, "A", &[]);
    // B: 300,000 interest-only at 6% from 2021-02-20: 1,500 a month, paid on time.
    add_loan(
        &t,
        "B",
        "small-firm",
        "300000",
        "6%",
        "12",
        "2021-02-20",
        "interest-only",
        &[],
    );
    repay(&t, "B", "1500", "2021-03-20");
    repay(&t, "B", "1500", "2021-04-20");
    let bucket = |v: &Value, b: &str| {
        (
            v["arrears"][b]["count"].as_u64().unwrap(),
            s(&v["arrears"][b]["principal"]).to_string(),
        )
    };
    // 2021-03-17 is 30 days after 02-15 (13 days to the end of February, then 17).
    let v = report(&t, "2021-03-17");
    assert_eq!(bucket(&v, "1-30"), (1, "120000.00".into()));
    assert_eq!(bucket(&v, "31-60"), (0, "0.00".into()));
    assert_eq!(s(&v["par30"]), "0.0000");
    // 2021-03-18: 31 days. PAR30 is A's whole outstanding principal over all of it:
    // 120,000 / 420,000 = 0.285714… → 0.2857 (the overdue amount, 10,600 + 550 of
    // March's interest not yet due, would give a very different, wrong figure).
    let v = report(&t, "2021-03-18");
    assert_eq!(bucket(&v, "1-30"), (0, "0.00".into()));
    assert_eq!(bucket(&v, "31-60"), (1, "120000.00".into()));
    assert_eq!(s(&v["outstanding"]), "420000.00");
    assert_eq!(s(&v["par30"]), "0.2857");
    assert_eq!(s(&v["par90"]), "0.0000");
    let l = t.json(&["loan", "list", "--as-of", "2021-03-18"]);
    assert_eq!(
        (
            s(&l["loans"][0]["status"]),
            l["loans"][0]["days_past_due"].as_i64()
        ),
        ("in-arrears", Some(31))
    );
    assert_eq!(
        (
            s(&l["loans"][1]["status"]),
            l["loans"][1]["days_past_due"].as_i64()
        ),
        ("current", None)
    );
    assert_eq!(s(&l["as_of"]), "2021-03-18");
    // The list streams (one loan at a time): CSV and the table give the same loans, in
    // the same order, the table with its as-of note after them.
    let csv = t
        .run(&["--format", "csv", "loan", "list", "--as-of", "2021-03-18"])
        .ok()
        .to_string();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[1].starts_with("A,") && lines[1].contains(",in-arrears,"));
    assert!(lines[2].starts_with("B,") && lines[2].contains(",current,"));
    let table = t
        .run(&["loan", "list", "--as-of", "2021-03-18"])
        .ok()
        .to_string();
    let a = table.find(" A ").unwrap();
    let b = table.find(" B ").unwrap();
    let note = table.find("As of 2021-03-18.").unwrap();
    assert!(a < b && b < note, "{table}");
    // 2021-05-16 is 90 days after 02-15 (13 + 31 + 30 + 16): still 61–90; 05-17 is 91.
    let v = report(&t, "2021-05-16");
    assert_eq!(bucket(&v, "61-90"), (1, "120000.00".into()));
    assert_eq!(s(&v["par90"]), "0.0000");
    let v = report(&t, "2021-05-17");
    assert_eq!(bucket(&v, ">90"), (1, "120000.00".into()));
    assert_eq!(s(&v["par90"]), "0.2857");
    // Catching up clears the arrears: on 2021-05-17 installments 1–4 are overdue
    // (interest 600 + 550 + 500 + 450 = 2,100, principal 40,000).
    repay(&t, "A", "42100", "2021-05-17");
    let v = report(&t, "2021-05-17");
    assert_eq!(bucket(&v, ">90"), (0, "0.00".into()));
    assert_eq!(s(&v["par30"]), "0.0000");
    // The table says n/a, never 0, where PAR is undefined.
    let t2 = TestLedger::new();
    assert!(t2
        .run(&["report", "loans", "--as-of", "2021-01-01"])
        .ok()
        .contains("n/a"));
}

#[test]
fn default_payout_recovery_and_write_off() {
    let t = TestLedger::new();
    ep_loan(&t, "D", &["--guarantor", "KMDB", "--jobs", "5"]);
    let run = |args: &[&str]| t.json(args);
    // No payout before a default.
    t.refused_unchanged(
        &[
            "loan",
            "compensate",
            "D",
            "--amount",
            "100",
            "--date",
            "2021-06-01",
        ],
        "loan-not-defaulted",
    );
    t.refused_unchanged(
        &["loan", "write-off", "D", "--date", "2021-06-01"],
        "loan-not-defaulted",
    );
    run(&["loan", "default", "D", "--date", "2021-06-01"]);
    t.refused_unchanged(
        &["loan", "default", "D", "--date", "2021-06-02"],
        "loan-already-defaulted",
    );
    // Outstanding on 2021-06-01: overdue interest of installments 1–4 (600 + 550 + 500
    // + 450 = 2,100), current interest 400 (installment 5, due 06-15) and all 120,000
    // of principal: 122,500. A payout one fen above is refused.
    let msg = t.refused_unchanged(
        &[
            "loan",
            "compensate",
            "D",
            "--amount",
            "122500.01",
            "--date",
            "2021-06-01",
        ],
        "payout-exceeds-outstanding",
    );
    assert!(msg.contains("122,500.00 outstanding"), "{msg}");
    let v = t.json(&["loan", "schedule", "D", "--as-of", "2021-06-01"]);
    assert_eq!(s(&v["payoff"]), "122500.00");
    // 50,000 paid out: interest 2,500 first, then 47,500 principal; 72,500 left at the bank.
    let r = run(&[
        "loan",
        "compensate",
        "D",
        "--amount",
        "50000",
        "--date",
        "2021-06-01",
    ]);
    assert_eq!(
        (s(&r["interest"]), s(&r["principal"]), s(&r["outstanding"])),
        ("2500.00", "47500.00", "72500.00")
    );
    // After a payout the borrower repays the guarantee fund, not the bank.
    t.refused_unchanged(
        &[
            "loan",
            "repay",
            "D",
            "--amount",
            "100",
            "--date",
            "2021-06-10",
        ],
        "loan-compensated",
    );
    run(&[
        "loan",
        "recover",
        "D",
        "--amount",
        "30000",
        "--date",
        "2021-07-01",
    ]);
    let msg = t.refused_unchanged(
        &[
            "loan",
            "recover",
            "D",
            "--amount",
            "20000.01",
            "--date",
            "2021-08-01",
        ],
        "recovery-exceeds-payout",
    );
    assert!(msg.contains("over by 0.01"), "{msg}");
    // Write-off: 72,500 left at the bank + 20,000 unrecovered = 92,500.
    let r = run(&["loan", "write-off", "D", "--date", "2021-09-01"]);
    assert_eq!(s(&r["written_off"]), "92500.00");
    // Nothing after a write-off.
    for args in [
        &[
            "loan",
            "recover",
            "D",
            "--amount",
            "1",
            "--date",
            "2021-09-02",
        ][..],
        &[
            "loan",
            "compensate",
            "D",
            "--amount",
            "1",
            "--date",
            "2021-09-02",
        ],
        &[
            "loan",
            "repay",
            "D",
            "--amount",
            "1",
            "--date",
            "2021-09-02",
        ],
        &["loan", "write-off", "D", "--date", "2021-09-02"],
    ] {
        t.refused_unchanged(args, "loan-written-off");
    }
    let v = report(&t, "2021-12-31");
    assert_eq!(v["defaulted_loans"], 1);
    // Principal outstanding at the default date: all 120,000 (nothing was repaid).
    assert_eq!(s(&v["defaulted"]), "120000.00");
    assert_eq!(s(&v["compensated"]), "50000.00");
    assert_eq!(s(&v["recovered"]), "30000.00");
    assert_eq!(s(&v["written_off"]), "92500.00");
    assert_eq!(s(&v["net_guarantee_loss"]), "20000.00");
    // Written off: nothing outstanding, nothing in arrears; jobs still count.
    assert_eq!(s(&v["outstanding"]), "0.00");
    assert_eq!(v["arrears"][">90"]["count"], 0);
    assert_eq!(v["jobs"], 5);
    // Between the payout and the write-off the loan was in arrears on what the bank
    // still held: on 2021-08-01 installment 5 (due 06-15) is 47 days late.
    let v = report(&t, "2021-08-01");
    assert_eq!(s(&v["arrears"]["31-60"]["principal"]), "72500.00");
    assert_eq!(s(&v["net_guarantee_loss"]), "20000.00");
}

#[test]
fn impossible_loans_and_bad_entries_are_refused_and_change_nothing() {
    let t = TestLedger::new();
    ep_loan(&t, "OK", &[]);
    let base = [
        "loan",
        "add",
        "X",
        "--borrower",
        "某人",
        "--borrower-kind",
        "individual",
        "--start",
        "2021-01-15",
        "--method",
        "equal-installment",
    ];
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "-1%",
                "--term-months",
                "12",
            ],
            "negative-rate",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4.35",
                "--term-months",
                "12",
            ],
            "rate-out-of-range",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4.1234567%",
                "--term-months",
                "12",
            ],
            "rate-too-precise",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4,35%",
                "--term-months",
                "12",
            ],
            "bad-rate",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4.35%",
                "--term-months",
                "0",
            ],
            "term-not-positive",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4.35%",
                "--term-months",
                "-3",
            ],
            "term-not-positive",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4.35%",
                "--term-months",
                "601",
            ],
            "term-out-of-range",
        ),
        (
            &["--principal", "0", "--rate", "4.35%", "--term-months", "12"],
            "amount-not-positive",
        ),
        (
            &[
                "--principal",
                "-5",
                "--rate",
                "4.35%",
                "--term-months",
                "12",
            ],
            "negative",
        ),
        (
            &[
                "--principal",
                "10.001",
                "--rate",
                "4.35%",
                "--term-months",
                "12",
            ],
            "more precise than a fen",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4.35%",
                "--term-months",
                "12",
                "--subsidy",
                "lpr-minus:150",
            ],
            "lpr-required",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4.35%",
                "--term-months",
                "12",
                "--subsidy",
                "half",
            ],
            "bad-subsidy",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4.35%",
                "--term-months",
                "12",
                "--lpr",
                "-3.65%",
            ],
            "negative-rate",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4.35%",
                "--term-months",
                "12",
                "--jobs",
                "-1",
            ],
            "bad-jobs",
        ),
        (
            &[
                "--principal",
                "10万",
                "--rate",
                "4.35%",
                "--term-months",
                "12",
                "--partners",
                "2",
            ],
            "bad-partners",
        ),
    ];
    for (extra, rule) in cases {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        t.refused_unchanged(&args, rule);
    }
    // A duplicate code, a future start, an unknown loan (with a suggestion).
    let mut dup = base.to_vec();
    dup[2] = "OK";
    dup.extend_from_slice(&["--principal", "1万", "--rate", "4%", "--term-months", "12"]);
    t.refused_unchanged(&dup, "duplicate-code");
    let mut future = base.to_vec();
    future[8] = "2026-07-01";
    future.extend_from_slice(&["--principal", "1万", "--rate", "4%", "--term-months", "12"]);
    t.refused_unchanged(&future, "future-date");
    let msg = t.refused_unchanged(
        &[
            "loan",
            "repay",
            "OJ",
            "--amount",
            "1",
            "--date",
            "2021-03-01",
        ],
        "unknown-code",
    );
    assert!(msg.contains("did you mean 'OK'"), "{msg}");
    // Entries: before the disbursement, zero or negative amounts, an amount on a
    // default, a future date.
    t.refused_unchanged(
        &[
            "loan",
            "repay",
            "OK",
            "--amount",
            "100",
            "--date",
            "2021-01-14",
        ],
        "loan-not-disbursed",
    );
    t.refused_unchanged(
        &[
            "loan",
            "repay",
            "OK",
            "--amount",
            "0",
            "--date",
            "2021-03-01",
        ],
        "amount-not-positive",
    );
    t.refused_unchanged(
        &[
            "loan",
            "repay",
            "OK",
            "--amount",
            "-100",
            "--date",
            "2021-03-01",
        ],
        "negative",
    );
    t.refused_unchanged(
        &[
            "loan",
            "repay",
            "OK",
            "--amount",
            "100",
            "--date",
            "2026-07-01",
        ],
        "future-date",
    );
    t.refused_unchanged(
        &[
            "loan",
            "recover",
            "OK",
            "--amount",
            "1",
            "--date",
            "2021-03-01",
        ],
        "recovery-exceeds-payout",
    );
    // Grants.
    t.run(&[
        "grant",
        "add",
        "G1",
        "--recipient",
        "王五",
        "--amount",
        "3万",
        "--date",
        "2021-09-01",
    ])
    .ok();
    t.refused_unchanged(
        &[
            "grant",
            "add",
            "G1",
            "--recipient",
            "赵六",
            "--amount",
            "3万",
            "--date",
            "2021-09-01",
        ],
        "duplicate-code",
    );
    t.refused_unchanged(
        &[
            "grant",
            "add",
            "G2",
            "--recipient",
            "赵六",
            "--amount",
            "0",
            "--date",
            "2021-09-01",
        ],
        "amount-not-positive",
    );
    t.refused_unchanged(
        &[
            "grant",
            "add",
            "G2",
            "--recipient",
            " ",
            "--amount",
            "1",
            "--date",
            "2021-09-01",
        ],
        "empty-name",
    );
    t.refused_unchanged(
        &[
            "grant",
            "add",
            "G2",
            "--recipient",
            "赵六",
            "--amount",
            "1",
            "--date",
            "2026-07-01",
        ],
        "future-date",
    );
}

#[test]
fn policy_limits_warn_but_do_not_refuse() {
    let t = TestLedger::new();
    // An individual above 30万 and beyond 3 years: recorded, with two warnings.
    let r = t.run(&[
        "loan",
        "add",
        "BIG",
        "--borrower",
        "张三",
        "--borrower-kind",
        "individual",
        "--principal",
        "35万",
        "--rate",
        "4.35%",
        "--term-months",
        "48",
        "--start",
        "2021-03-01",
        "--method",
        "equal-principal",
    ]);
    r.ok();
    assert!(r.stderr.contains("warning: loan 'BIG': principal 350,000.00 元 is above the individual limit of 300,000.00 元"), "{}", r.stderr);
    assert!(r.stderr.contains("over by 50,000.00 元"), "{}", r.stderr);
    assert!(r.stderr.contains("48 months"), "{}", r.stderr);
    // A partnership of 2: limit 2 × 30万 × 110% = 66万; 66万 is fine, 66万 + 0.01 warns.
    let partnership = |code: &str, amount: &str| {
        t.run(&[
            "loan",
            "add",
            code,
            "--borrower",
            "合伙企业",
            "--borrower-kind",
            "partnership",
            "--partners",
            "2",
            "--principal",
            amount,
            "--rate",
            "4.35%",
            "--term-months",
            "24",
            "--start",
            "2021-03-01",
            "--method",
            "equal-principal",
        ])
    };
    let r = partnership("P1", "66万");
    r.ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let r = partnership("P2", "660000.01");
    r.ok();
    assert!(
        r.stderr.contains("partnership limit for 2 partner(s)"),
        "{}",
        r.stderr
    );
    // A small firm within 400万 and 2 years: no warning.
    let r = t.run(&[
        "loan",
        "add",
        "SF",
        "--borrower",
        "小微企业",
        "--borrower-kind",
        "small-firm",
        "--principal",
        "400万",
        "--rate",
        "4.35%",
        "--term-months",
        "24",
        "--start",
        "2021-03-01",
        "--method",
        "interest-only",
    ]);
    r.ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert_eq!(
        t.json(&["loan", "list", "--as-of", "2021-03-01"])["loans"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn loan_entries_reverse_and_re_check_the_loan() {
    let t = TestLedger::new();
    ep_loan(&t, "R", &[]);
    // Installments 1 and 2 paid on time: 10,600 then 10,550.
    let first = repay(&t, "R", "10600", "2021-02-15")["id"]
        .as_i64()
        .unwrap();
    let second = repay(&t, "R", "10550", "2021-03-15")["id"]
        .as_i64()
        .unwrap();
    // Reversing the first would leave the second allocated differently: on 03-15 it
    // would pay installment 1's 600 interest and 9,950 of its principal instead.
    let msg = t.refused_unchanged(
        &["reverse", &first.to_string(), "--reason", "bounced"],
        "allocation-changed",
    );
    assert!(
        msg.contains(&format!("would break entry {second}")),
        "{msg}"
    );
    assert!(
        msg.contains("interest 600.00 (subsidy 0.00) + principal 9,950.00"),
        "{msg}"
    );
    // Reversing the disbursement would orphan the repayments.
    t.refused_unchanged(
        &["reverse", "1", "--reason", "keyed twice"],
        "loan-not-disbursed",
    );
    // Newest first works; the report counts neither the reversed entry nor the reversal.
    t.run(&["reverse", &second.to_string(), "--reason", "bounced"])
        .ok();
    t.run(&["reverse", &first.to_string(), "--reason", "bounced"])
        .ok();
    let v = report(&t, "2021-03-16");
    assert_eq!(
        (s(&v["principal_repaid"]), s(&v["interest_paid"])),
        ("0.00", "0.00")
    );
    // 2021-03-16 is 29 days after 02-15.
    assert_eq!(v["arrears"]["1-30"]["count"], 1);
    // Re-entered in date order, the same figures come back.
    repay(&t, "R", "10600", "2021-02-15");
    let r = repay(&t, "R", "10550", "2021-03-15");
    assert_eq!(
        (s(&r["interest"]), s(&r["principal"])),
        ("550.00", "10000.00")
    );
    // A loan whose disbursement is reversed (nothing else on it) counts nowhere.
    add_loan(
        &t,
        "Z",
        "individual",
        "50000",
        "4%",
        "12",
        "2021-04-01",
        "bullet",
        &[],
    );
    let z = t.json(&["log"])["entries"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    t.run(&[
        "reverse",
        &z.to_string(),
        "--reason",
        "duplicate application",
    ])
    .ok();
    let v = report(&t, "2021-12-31");
    assert_eq!(v["loans"], 1);
    let l = t.json(&["loan", "list", "--as-of", "2021-12-31"]);
    assert_eq!(s(&l["loans"][1]["status"]), "not-disbursed");
    // The log names the loan of each loan entry and of its reversal.
    let log = t.run(&["--format", "csv", "log"]);
    assert!(
        log.ok().lines().filter(|l| l.contains(",Z,")).count() >= 2,
        "{}",
        log.stdout
    );
}

#[test]
fn report_groups_formats_and_grants() {
    let t = TestLedger::new();
    ep_loan(&t, "A", &["--guarantor", "KMDB", "--jobs", "3"]);
    add_loan(
        &t,
        "B",
        "small-firm",
        "300000",
        "6%",
        "24",
        "2022-01-10",
        "interest-only",
        &["--guarantor", "YNDB", "--jobs", "12"],
    );
    add_loan(
        &t,
        "C",
        "individual",
        "80000",
        "4.35%",
        "12",
        "2022-02-01",
        "bullet",
        &[],
    );
    t.run(&[
        "grant",
        "add",
        "G1",
        "--recipient",
        "李四",
        "--amount",
        "3万",
        "--date",
        "2021-09-01",
        "--programme",
        "春城大学生创业行动",
    ])
    .ok();
    t.run(&[
        "grant",
        "add",
        "G2",
        "--recipient",
        "王五",
        "--amount",
        "6万",
        "--date",
        "2022-03-01",
        "--programme",
        "春城大学生创业行动",
    ])
    .ok();
    let v = t.json(&["report", "loans", "--as-of", "2022-06-30", "--by", "year"]);
    // Totals at the top level, as without --by: 3 loans, 500,000 disbursed, average
    // 500,000 / 3 = 166,666.666… → 166,666.67; grants 30,000 + 60,000.
    assert_eq!(v["loans"], 3);
    assert_eq!(s(&v["disbursed"]), "500000.00");
    assert_eq!(s(&v["average_loan"]), "166666.67");
    assert_eq!(
        (s(&v["grants"]), v["grants_count"].as_u64()),
        ("90000.00", Some(2))
    );
    assert_eq!(v["jobs"], 15);
    let g = v["groups"].as_array().unwrap();
    assert_eq!(g.len(), 2);
    assert_eq!(
        (
            s(&g[0]["group"]),
            g[0]["loans"].as_u64(),
            s(&g[0]["grants"])
        ),
        ("2021", Some(1), "30000.00")
    );
    assert_eq!(
        (
            s(&g[1]["group"]),
            g[1]["loans"].as_u64(),
            s(&g[1]["grants"])
        ),
        ("2022", Some(2), "60000.00")
    );
    let v = t.json(&[
        "report",
        "loans",
        "--as-of",
        "2022-06-30",
        "--by",
        "guarantor",
    ]);
    let names: Vec<&str> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| s(&g["group"]))
        .collect();
    assert_eq!(names, ["KMDB", "YNDB", "(none)"]);
    // Grants belong to no guarantor: null per group.
    assert!(v["groups"][0]["grants"].is_null());
    let v = t.json(&["report", "loans", "--as-of", "2022-06-30", "--by", "kind"]);
    let kinds: Vec<(&str, u64)> = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (s(&g["group"]), g["loans"].as_u64().unwrap()))
        .collect();
    assert_eq!(kinds, [("individual", 2), ("small-firm", 1)]);
    // CSV: a header row, one row per measure, a column per group and the total.
    let csv = t.run(&[
        "--format",
        "csv",
        "--unit",
        "wan",
        "report",
        "loans",
        "--as-of",
        "2022-06-30",
        "--by",
        "kind",
    ]);
    let mut lines = csv.ok().lines();
    assert_eq!(lines.next().unwrap(), "Measure,individual,small-firm,Total");
    assert_eq!(lines.next().unwrap(), "Loans,2,1,3");
    assert_eq!(lines.next().unwrap(), "Disbursed (万元),20.00,30.00,50.00");
    // The table aligns Chinese labels by display width.
    let table = t.run(&["report", "loans", "--as-of", "2022-06-30"]);
    let rows: Vec<&str> = table.ok().lines().filter(|l| l.contains(" | ")).collect();
    let widths: Vec<usize> = rows
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(*l))
        .collect();
    assert!(widths.windows(2).all(|w| w[0] == w[1]), "{}", table.stdout);
    let list = t.json(&["grant", "list"]);
    assert_eq!(s(&list["grants"][1]["programme"]), "春城大学生创业行动");
}

#[test]
fn loan_entries_are_in_the_hash_chain_and_audit_clean() {
    if common::sqlite_file_test() {
        return;
    }
    let t = TestLedger::new();
    ep_loan(&t, "H", &[]);
    repay(&t, "H", "10600", "2021-02-15");
    t.run(&[
        "grant",
        "add",
        "G",
        "--recipient",
        "某人",
        "--amount",
        "5万",
        "--date",
        "2021-09-01",
    ])
    .ok();
    t.run(&["audit"]).ok();
    let c = rusqlite::Connection::open(&t.db).unwrap();
    // Even raw SQL cannot append a repayment without its interest split.
    let e = c
        .execute(
            "INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by, amount_fen, loan_id, prev_hash, hash)
             VALUES (99, 'loan-repay', '2021-03-15', 't', 'x', 100, 1, 'p', 'h')",
            [],
        )
        .unwrap_err();
    assert!(
        e.to_string().contains("malformed loan or grant entry"),
        "{e}"
    );
    // Change a stored interest split behind the ledger's back: the chain catches it.
    c.execute_batch(
        "DROP TRIGGER entries_append_only_update;
         UPDATE entries SET interest_fen = 50000 WHERE kind = 'loan-repay';",
    )
    .unwrap();
    let r = t.run(&["--format", "json", "audit"]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(r.stdout.contains("chain-content"), "{}", r.stdout);
    // And the loan rules: 500 of interest no longer matches the 600 the allocation
    // order gives for installment 1.
    assert!(r.stdout.contains("allocation-changed"), "{}", r.stdout);
    assert!(r.stdout.contains("loan H entry 2"), "{}", r.stdout);
}

#[test]
fn an_older_ledger_upgrades_and_keeps_its_hashes() {
    if common::sqlite_file_test() {
        return;
    }
    use fundledger::hashchain::{canonical, chain_hash, GENESIS};
    // A schema-1 ledger with one LP commitment, written as version 1 wrote it.
    let t = TestLedger::uninit();
    drop(fundledger::store::Ledger::create_at_version(&t.db, 1).unwrap());
    let c = rusqlite::Connection::open(&t.db).unwrap();
    c.execute_batch(
        "INSERT INTO funds (code, name, kind, created_at, created_by) VALUES ('G', '引导基金', 'guidance', 't', 'old');
         INSERT INTO investors (code, name, type, created_at, created_by) VALUES ('GOV', '财政局', 'government', 't', 'old');",
    )
    .unwrap();
    let cols = [
        ("id", "1"),
        ("kind", "lp-commit"),
        ("effective_date", "2021-01-01"),
        ("recorded_at", "2021-01-01T00:00:00Z"),
        ("recorded_by", "old"),
        ("fund_id", "1"),
        ("investor_id", "1"),
        ("amount_fen", "100000000"),
    ];
    let hash = chain_hash(GENESIS, &canonical(cols.map(|(k, v)| (k, Some(v)))));
    c.execute(
        "INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by, fund_id, investor_id, amount_fen, prev_hash, hash)
         VALUES (1, 'lp-commit', '2021-01-01', '2021-01-01T00:00:00Z', 'old', 1, 1, 100000000, ?1, ?2)",
        [GENESIS, hash.as_str()],
    )
    .unwrap();
    drop(c);
    // Opening upgrades it; the old entry's hash still verifies, and loans work.
    t.run(&["audit"]).ok();
    ep_loan(&t, "L", &[]);
    repay(&t, "L", "10600", "2021-02-15");
    t.run(&["audit"]).ok();
    let c = rusqlite::Connection::open(&t.db).unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert!(v >= 2, "upgraded to {v}");
}

#[test]
fn every_loan_command_help_has_an_example() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [
        &["loan", "add"][..],
        &["loan", "list"],
        &["loan", "schedule"],
        &["loan", "repay"],
        &["loan", "default"],
        &["loan", "compensate"],
        &["loan", "recover"],
        &["loan", "write-off"],
        &["grant", "add"],
        &["grant", "list"],
        &["report", "loans"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let r = common::run_in(dir.path(), &args);
        assert!(r.ok().contains("Example"), "{cmd:?} --help has no example");
    }
}

#[test]
fn json_export_restores_loans_and_grants_entry_for_entry() {
    let t = TestLedger::new();
    ep_loan(
        &t,
        "A",
        &[
            "--guarantor",
            "KMDB",
            "--jobs",
            "3",
            "--lpr",
            "3.85%",
            "--subsidy",
            "lpr-minus:150",
        ],
    );
    repay(&t, "A", "11000", "2021-03-10");
    repay(&t, "A", "25000", "2021-03-12");
    let dup = repay(&t, "A", "100", "2021-03-13")["id"].as_i64().unwrap();
    t.run(&["reverse", &dup.to_string(), "--reason", "keyed twice"])
        .ok();
    add_loan(
        &t,
        "P",
        "partnership",
        "500000",
        "4.85%",
        "24",
        "2021-04-01",
        "interest-only",
        &["--partners", "2"],
    );
    t.run(&["loan", "default", "P", "--date", "2021-09-01"])
        .ok();
    t.run(&[
        "loan",
        "compensate",
        "P",
        "--amount",
        "300000",
        "--date",
        "2021-10-01",
    ])
    .ok();
    t.run(&[
        "loan",
        "recover",
        "P",
        "--amount",
        "1万",
        "--date",
        "2021-11-01",
    ])
    .ok();
    t.run(&[
        "grant",
        "add",
        "G1",
        "--recipient",
        "孙悦",
        "--amount",
        "3万",
        "--date",
        "2021-09-15",
        "--programme",
        "春城大学生创业行动",
    ])
    .ok();
    let out = t.dir.path().join("export.json");
    t.run(&[
        "--format",
        "json",
        "export",
        "--output",
        out.to_str().unwrap(),
    ])
    .ok();
    let r = TestLedger::new();
    r.json(&["import", out.to_str().unwrap()]);
    for args in [
        &["--format", "json", "log"][..],
        &["--format", "json", "loan", "list", "--as-of", "2022-06-30"],
        &[
            "--format",
            "json",
            "loan",
            "schedule",
            "A",
            "--as-of",
            "2022-06-30",
        ],
        &[
            "--format",
            "json",
            "report",
            "loans",
            "--as-of",
            "2022-06-30",
            "--by",
            "guarantor",
        ],
        &["--format", "json", "grant", "list"],
    ] {
        assert_eq!(
            t.run(args).ok(),
            r.run(args).ok(),
            "{args:?} differs after the round trip"
        );
    }
    assert_eq!(t.json(&["audit"])["head"], r.json(&["audit"])["head"]);
    // A stored split that the rules would not give is refused, and nothing is restored.
    let text = std::fs::read_to_string(&out).unwrap().replacen(
        "\"interest\": \"1000.00\"",
        "\"interest\": \"999.00\"",
        1,
    );
    let bad = t.dir.path().join("bad.json");
    std::fs::write(&bad, text).unwrap();
    let e = TestLedger::new();
    let msg = e.refused_unchanged(&["import", bad.to_str().unwrap()], "import-json");
    assert!(msg.contains("differs from the rules'"), "{msg}");
}
