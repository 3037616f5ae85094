//! The core ledger through the real binary: storage, journal, reference data, entries,
//! every refusal rule (each leaving the ledger unchanged), and `report portfolio`.

mod common;

use common::{run_in, small_ledger, TestLedger};

// ---------------------------------------------------------------- storage

#[test]
fn init_refuses_to_overwrite_and_other_commands_refuse_a_missing_file() {
    if common::sqlite_file_test() {
        return;
    }
    let t = TestLedger::new();
    let before = std::fs::read(&t.db).unwrap();
    t.run(&["init"]).refused("already exists");
    assert_eq!(before, std::fs::read(&t.db).unwrap());

    let missing = TestLedger::uninit();
    missing.run(&["fund", "list"]).refused("no ledger at");
    missing
        .run(&["report", "portfolio"])
        .refused("no ledger at");
    assert!(
        !missing.db.exists(),
        "a read must never create an empty ledger"
    );
}

#[test]
fn a_ledger_from_a_newer_version_is_refused_and_left_untouched() {
    if common::sqlite_file_test() {
        return;
    }
    let t = TestLedger::new();
    {
        let c = rusqlite::Connection::open(&t.db).unwrap();
        c.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = std::fs::read(&t.db).unwrap();
    let err = t
        .run(&["fund", "list"])
        .refused("newer fundledger")
        .to_string();
    assert!(err.contains("999"), "{err}");
    t.run(&["fund", "add", "X", "--name", "x", "--kind", "guidance"])
        .refused("newer fundledger");
    assert_eq!(before, std::fs::read(&t.db).unwrap());
}

#[test]
fn a_sqlite_file_that_is_not_a_ledger_is_refused() {
    if common::sqlite_file_test() {
        return;
    }
    let t = TestLedger::uninit();
    {
        let c = rusqlite::Connection::open(&t.db).unwrap();
        c.execute_batch("CREATE TABLE other (x INTEGER);").unwrap();
    }
    let before = std::fs::read(&t.db).unwrap();
    t.run(&["fund", "list"]).refused("not a fundledger ledger");
    assert_eq!(before, std::fs::read(&t.db).unwrap());
    std::fs::write(&t.db, b"plain text, not SQLite").unwrap();
    t.run(&["fund", "list"]).refused("not a fundledger ledger");
}

#[test]
fn money_columns_are_integer_fen_and_tables_strict() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let c = rusqlite::Connection::open(&t.db).unwrap();
    let sql: Vec<String> = c
        .prepare("SELECT sql FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for s in &sql {
        let up = s.to_uppercase();
        assert!(!up.contains(" REAL") && !up.contains("NUMERIC"), "{s}");
        assert!(up.trim_end().ends_with("STRICT"), "not STRICT: {s}");
    }
    // 8,000,000 元 paid by GOV is stored as 800,000,000 fen.
    let fen: i64 = c
        .query_row(
            "SELECT amount_fen FROM entries WHERE kind = 'lp-pay' ORDER BY id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(fen, 800_000_000);
}

#[test]
fn the_journal_refuses_update_and_delete_even_from_sql() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let c = rusqlite::Connection::open(&t.db).unwrap();
    let e = c
        .execute("UPDATE entries SET amount_fen = 1 WHERE id = 1", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = c
        .execute("DELETE FROM entries WHERE id = 1", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
}

// ---------------------------------------------------------------- entries and amounts

#[test]
fn every_amount_format_records_the_same_exact_yuan() {
    let t = TestLedger::new();
    t.run(&["fund", "add", "F", "--name", "基金", "--kind", "guidance"])
        .ok();
    t.run(&[
        "investor",
        "add",
        "I",
        "--name",
        "投资人",
        "--type",
        "social",
    ])
    .ok();
    t.run(&[
        "lp",
        "commit",
        "F",
        "--investor",
        "I",
        "--amount",
        "1亿",
        "--date",
        "2021-01-01",
    ])
    .ok();
    // Each of these is 80,950,000 元 (8,095万元).
    for amount in [
        "80950000",
        "80,950,000.00",
        "8095万",
        "8,095万元",
        "0.8095亿",
        "¥80,950,000",
    ] {
        let before = t.json(&["log"])["entries"].as_array().unwrap().len();
        t.run(&[
            "lp",
            "pay",
            "F",
            "--investor",
            "I",
            "--amount",
            amount,
            "--date",
            "2021-02-01",
        ])
        .ok();
        let log = t.json(&["log"]);
        let last = &log["entries"][before];
        assert_eq!(last["amount"], "80950000.00", "{amount}");
        let id = last["id"].as_i64().unwrap().to_string();
        t.run(&["reverse", &id, "--reason", "format test"]).ok();
    }
}

#[test]
fn entry_commands_print_the_new_id() {
    let t = small_ledger();
    let v = t.json(&[
        "deal",
        "pay",
        "S",
        "A",
        "--amount",
        "100",
        "--date",
        "2020-04-01",
    ]);
    // small_ledger wrote 8 entries; this is the 9th.
    assert_eq!(v["id"], 9);
    assert_eq!(v["amount"], "100.00");
    let out = t
        .run(&[
            "deal",
            "pay",
            "S",
            "A",
            "--amount",
            "100",
            "--date",
            "2020-04-01",
        ])
        .ok()
        .to_string();
    assert!(out.contains("recorded entry 10"), "{out}");
}

#[test]
fn recorded_by_is_the_by_flag_or_the_environment() {
    let t = small_ledger();
    t.run(&[
        "deal",
        "pay",
        "S",
        "A",
        "--amount",
        "1",
        "--date",
        "2020-04-01",
        "--by",
        "王会计",
    ])
    .ok();
    let log = t.json(&["log"]);
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.last().unwrap()["recorded_by"], "王会计");
    assert_eq!(entries[0]["recorded_by"], "tester"); // FUNDLEDGER_USER in the harness
}

// ---------------------------------------------------------------- refusals (ledger unchanged)

#[test]
fn bad_amounts_are_refused() {
    let t = small_ledger();
    let pay = |amount: &str| {
        [
            "deal",
            "pay",
            "S",
            "A",
            "--amount",
            amount,
            "--date",
            "2020-04-01",
        ]
        .map(String::from)
        .to_vec()
    };
    for (amount, needle) in [
        ("1e5", "not a number"),
        ("12.345", "more precise than a fen"),
        ("0.0000001万", "more precise than a fen"),
        ("-5", "negative"),
        ("", "empty"),
        ("abc", "not a number"),
        ("0", "greater than 0"),
        ("0.00", "greater than 0"),
        ("100000000000000", "larger than the largest"),
    ] {
        let args = pay(amount);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        t.refused_unchanged(&args, needle);
    }
}

#[test]
fn paid_in_may_not_exceed_commitment() {
    let t = small_ledger();
    // S committed 2,000,000 to A and paid 1,500,000: 600,000 more is 100,000 over.
    let msg = t.refused_unchanged(
        &[
            "deal",
            "pay",
            "S",
            "A",
            "--amount",
            "600000",
            "--date",
            "2020-04-01",
        ],
        "paid-in-exceeds-commitment",
    );
    assert!(msg.contains("committed 2,000,000.00"), "{msg}");
    assert!(msg.contains("paid-in 2,100,000.00"), "{msg}");
    assert!(msg.contains("over by 100,000.00"), "{msg}");
    assert!(msg.contains("'S'") && msg.contains("'A'"), "{msg}");
    // LP level: SOC committed 1,000,000 and paid 750,000.
    let msg = t.refused_unchanged(
        &[
            "lp",
            "pay",
            "S",
            "--investor",
            "SOC",
            "--amount",
            "250000.01",
            "--date",
            "2020-05-01",
        ],
        "paid-in-exceeds-commitment",
    );
    assert!(msg.contains("over by 0.01"), "{msg}");
    // Exactly up to the commitment is fine.
    t.run(&[
        "lp",
        "pay",
        "S",
        "--investor",
        "SOC",
        "--amount",
        "250000",
        "--date",
        "2020-05-01",
    ])
    .ok();
}

#[test]
fn paid_in_is_checked_as_of_the_entry_date_including_back_dated_entries() {
    let t = small_ledger();
    // A commitment of 1,000,000 more to A dated 2020-06-01 does not cover a payment
    // back-dated to 2020-05-01 that takes paid-in to 2,100,000 on that date.
    t.run(&[
        "deal",
        "commit",
        "S",
        "A",
        "--amount",
        "1000000",
        "--date",
        "2020-06-01",
    ])
    .ok();
    t.refused_unchanged(
        &[
            "deal",
            "pay",
            "S",
            "A",
            "--amount",
            "600000",
            "--date",
            "2020-05-01",
        ],
        "paid-in-exceeds-commitment",
    );
    t.run(&[
        "deal",
        "pay",
        "S",
        "A",
        "--amount",
        "600000",
        "--date",
        "2020-06-01",
    ])
    .ok();
}

#[test]
fn no_paid_in_without_a_commitment() {
    let t = small_ledger();
    t.refused_unchanged(
        &[
            "deal",
            "pay",
            "S",
            "B",
            "--amount",
            "1",
            "--date",
            "2020-04-01",
        ],
        "paid-in-without-commitment",
    );
    t.refused_unchanged(
        &[
            "lp",
            "pay",
            "G",
            "--investor",
            "SOC",
            "--amount",
            "1",
            "--date",
            "2020-04-01",
        ],
        "paid-in-without-commitment",
    );
    // A payment dated before the commitment is a payment without one.
    t.refused_unchanged(
        &[
            "deal",
            "pay",
            "S",
            "A",
            "--amount",
            "1",
            "--date",
            "2020-02-15",
        ],
        "paid-in-without-commitment",
    );
}

#[test]
fn invalid_dates_and_dates_before_inception_or_in_the_future() {
    let t = small_ledger();
    for bad in ["2021-02-30", "2021-13-01", "20210301", "yesterday", ""] {
        t.refused_unchanged(
            &["deal", "commit", "S", "B", "--amount", "1", "--date", bad],
            "not a valid calendar date",
        );
    }
    // S began on 2020-02-01; 2020-01-31 is one day earlier.
    let msg = t.refused_unchanged(
        &[
            "deal",
            "commit",
            "S",
            "B",
            "--amount",
            "1",
            "--date",
            "2020-01-31",
        ],
        "before-inception",
    );
    assert!(msg.contains("1 days earlier"), "{msg}");
    // The harness pins today to 2026-06-30.
    t.refused_unchanged(
        &[
            "deal",
            "commit",
            "S",
            "B",
            "--amount",
            "1",
            "--date",
            "2026-07-01",
        ],
        "future-date",
    );
    // Other date spellings are accepted.
    t.run(&[
        "deal",
        "commit",
        "S",
        "B",
        "--amount",
        "1",
        "--date",
        "2021年3月1日",
    ])
    .ok();
    t.run(&[
        "deal", "commit", "S", "B", "--amount", "1", "--date", "2021/3/2",
    ])
    .ok();
}

#[test]
fn unknown_codes_are_refused_with_a_suggestion() {
    let t = small_ledger();
    let msg = t.refused_unchanged(
        &[
            "deal",
            "pay",
            "SS",
            "A",
            "--amount",
            "1",
            "--date",
            "2020-04-01",
        ],
        "unknown fund 'SS'",
    );
    assert!(msg.contains("did you mean 'S'"), "{msg}");
    let msg = t.refused_unchanged(
        &[
            "lp",
            "commit",
            "S",
            "--investor",
            "SOCC",
            "--amount",
            "1",
            "--date",
            "2020-04-01",
        ],
        "unknown investor 'SOCC'",
    );
    assert!(msg.contains("did you mean 'SOC'"), "{msg}");
    t.refused_unchanged(
        &[
            "deal",
            "commit",
            "S",
            "Z9",
            "--amount",
            "1",
            "--date",
            "2020-04-01",
        ],
        "unknown company 'Z9'",
    );
    t.refused_unchanged(&["report", "portfolio", "--fund", "GG"], "did you mean 'G'");
    t.refused_unchanged(&["log", "--fund", "Q"], "unknown fund 'Q'");
}

#[test]
fn duplicate_codes_are_refused() {
    let t = small_ledger();
    t.refused_unchanged(
        &["fund", "add", "G", "--name", "x", "--kind", "guidance"],
        "duplicate-code",
    );
    t.refused_unchanged(
        &["investor", "add", "SOC", "--name", "x", "--type", "social"],
        "duplicate-code",
    );
    t.refused_unchanged(&["company", "add", "A", "--name", "x"], "duplicate-code");
    // Fund and investor codes share one namespace.
    t.refused_unchanged(
        &["fund", "add", "SOC", "--name", "x", "--kind", "guidance"],
        "duplicate-code",
    );
    t.refused_unchanged(
        &[
            "fund",
            "add",
            "has space",
            "--name",
            "x",
            "--kind",
            "guidance",
        ],
        "bad-code",
    );
    t.refused_unchanged(
        &["fund", "add", "E", "--name", "  ", "--kind", "guidance"],
        "empty-name",
    );
}

#[test]
fn unified_social_credit_codes_are_checked() {
    let t = small_ledger();
    t.run(&[
        "company",
        "add",
        "HW",
        "--name",
        "华为技术有限公司",
        "--uscc",
        "914403001922038216",
    ])
    .ok();
    let msg = t.refused_unchanged(
        &[
            "company",
            "add",
            "X",
            "--name",
            "x",
            "--uscc",
            "914403001922038217",
        ],
        "check character",
    );
    assert!(msg.contains("expected '6', found '7'"), "{msg}");
    t.refused_unchanged(
        &[
            "company",
            "add",
            "X",
            "--name",
            "x",
            "--uscc",
            "9144030019220382",
        ],
        "must have 18",
    );
    t.refused_unchanged(
        &[
            "company",
            "add",
            "X",
            "--name",
            "x",
            "--uscc",
            "91440300192203821O",
        ],
        "does not use",
    );
    t.refused_unchanged(
        &[
            "company",
            "add",
            "X",
            "--name",
            "x",
            "--uscc",
            "914403001922038216",
        ],
        "duplicate-uscc",
    );
}

#[test]
fn fund_hierarchy_rules() {
    let t = small_ledger();
    t.refused_unchanged(
        &["fund", "add", "S2", "--name", "x", "--kind", "sub-fund"],
        "parent-required",
    );
    t.refused_unchanged(
        &[
            "fund", "add", "S2", "--name", "x", "--kind", "sub-fund", "--parent", "S",
        ],
        "parent-not-guidance",
    );
    t.refused_unchanged(
        &[
            "fund", "add", "S2", "--name", "x", "--kind", "sub-fund", "--parent", "S2",
        ],
        "fund-cycle",
    );
    t.refused_unchanged(
        &[
            "fund", "add", "S2", "--name", "x", "--kind", "sub-fund", "--parent", "NOPE",
        ],
        "unknown fund",
    );
    t.refused_unchanged(
        &[
            "fund",
            "add",
            "S2",
            "--name",
            "x",
            "--kind",
            "guidance",
            "--inception",
            "2027-01-01",
        ],
        "future-date",
    );
    // A guidance fund cannot be an LP of itself; a sub-fund must be registered as an
    // investor before it can be an LP.
    t.refused_unchanged(
        &[
            "lp",
            "commit",
            "G",
            "--investor",
            "G",
            "--amount",
            "1",
            "--date",
            "2020-05-01",
        ],
        "self-investment",
    );
    t.refused_unchanged(
        &[
            "lp",
            "commit",
            "G",
            "--investor",
            "S",
            "--amount",
            "1",
            "--date",
            "2020-05-01",
        ],
        "not a guidance fund",
    );
}

#[test]
fn marks_proceeds_and_write_offs_need_a_holding_and_nothing_follows_a_close() {
    let t = small_ledger();
    t.run(&[
        "deal",
        "commit",
        "S",
        "B",
        "--amount",
        "500000",
        "--date",
        "2020-03-01",
    ])
    .ok();
    // B is committed but nothing is paid in.
    t.refused_unchanged(
        &[
            "deal",
            "value",
            "S",
            "B",
            "--amount",
            "1",
            "--date",
            "2020-04-01",
        ],
        "not-held",
    );
    t.refused_unchanged(
        &[
            "deal",
            "proceeds",
            "S",
            "B",
            "--amount",
            "1",
            "--date",
            "2020-04-01",
            "--kind",
            "dividend",
        ],
        "not-held",
    );
    t.refused_unchanged(
        &["deal", "write-off", "S", "B", "--date", "2020-04-01"],
        "not-held",
    );
    // G never dealt with A at all.
    t.refused_unchanged(
        &[
            "deal",
            "value",
            "G",
            "A",
            "--amount",
            "1",
            "--date",
            "2020-04-01",
        ],
        "not-held",
    );

    // Write A off; then nothing more on A after that date.
    t.run(&[
        "deal",
        "write-off",
        "S",
        "A",
        "--date",
        "2021-06-30",
        "--memo",
        "liquidated",
    ])
    .ok();
    t.refused_unchanged(
        &[
            "deal",
            "value",
            "S",
            "A",
            "--amount",
            "1",
            "--date",
            "2021-07-01",
        ],
        "holding-closed",
    );
    t.refused_unchanged(
        &[
            "deal",
            "pay",
            "S",
            "A",
            "--amount",
            "1",
            "--date",
            "2021-07-01",
        ],
        "holding-closed",
    );
    t.refused_unchanged(
        &["deal", "write-off", "S", "A", "--date", "2021-07-01"],
        "holding-closed",
    );

    // A full exit closes a holding the same way.
    t.run(&[
        "deal",
        "pay",
        "S",
        "B",
        "--amount",
        "500000",
        "--date",
        "2020-04-01",
    ])
    .ok();
    t.run(&[
        "deal",
        "proceeds",
        "S",
        "B",
        "--amount",
        "900000",
        "--date",
        "2021-01-01",
        "--kind",
        "exit",
    ])
    .ok();
    t.refused_unchanged(
        &[
            "deal",
            "proceeds",
            "S",
            "B",
            "--amount",
            "1",
            "--date",
            "2021-02-01",
            "--kind",
            "dividend",
        ],
        "holding-closed",
    );
}

#[test]
fn reversal_rules() {
    let t = small_ledger();
    // Entry 8 is S's payment of 1,500,000 into A.
    t.run(&["reverse", "8", "--reason", "wrong bank slip"]).ok();
    let msg = t.refused_unchanged(&["reverse", "8", "--reason", "again"], "already-reversed");
    assert!(msg.contains("entry 9"), "{msg}");
    t.refused_unchanged(&["reverse", "9", "--reason", "undo"], "reverse-reversal");
    t.refused_unchanged(&["reverse", "99", "--reason", "x"], "unknown-entry");
    t.refused_unchanged(&["reverse", "1", "--reason", "  "], "reason-required");
    // Reversing G's LP commitment (entry 1) would leave 8,000,000 paid with nothing committed.
    t.refused_unchanged(
        &["reverse", "1", "--reason", "x"],
        "paid-in-without-commitment",
    );
    // Reversing the only payment into a marked holding would orphan the mark.
    t.run(&[
        "deal",
        "pay",
        "S",
        "A",
        "--amount",
        "100",
        "--date",
        "2020-03-15",
    ])
    .ok();
    t.run(&[
        "deal",
        "value",
        "S",
        "A",
        "--amount",
        "200",
        "--date",
        "2020-12-31",
    ])
    .ok();
    t.refused_unchanged(&["reverse", "10", "--reason", "x"], "not-held");
}

// ---------------------------------------------------------------- reports

#[test]
fn portfolio_figures_as_of_and_after_reversal() {
    let t = small_ledger();
    t.run(&[
        "deal",
        "value",
        "S",
        "A",
        "--amount",
        "1800000",
        "--date",
        "2020-12-31",
    ])
    .ok(); // entry 9
    t.run(&[
        "deal",
        "commit",
        "G",
        "B",
        "--amount",
        "3000000",
        "--date",
        "2021-01-10",
    ])
    .ok(); // 10
    t.run(&[
        "deal",
        "pay",
        "G",
        "B",
        "--amount",
        "1000000",
        "--date",
        "2021-02-01",
    ])
    .ok(); // 11
    t.run(&[
        "deal",
        "proceeds",
        "G",
        "B",
        "--amount",
        "50000",
        "--date",
        "2021-12-01",
        "--kind",
        "dividend",
    ])
    .ok(); // 12

    let p = t.json(&["report", "portfolio", "--as-of", "2021-12-31"]);
    assert_eq!(p["as_of"], "2021-12-31");
    let g = &p["funds"][0];
    let s = &p["funds"][1];
    assert_eq!(g["code"], "G");
    assert_eq!(g["lp_committed"], "10000000.00");
    assert_eq!(g["lp_paid_in"], "8000000.00");
    assert_eq!(g["projects"], 1);
    assert_eq!(g["deal_committed"], "3000000.00");
    assert_eq!(g["deal_paid_in"], "1000000.00");
    assert_eq!(g["deal_unfunded"], "2000000.00");
    // 1,000,000 / 3,000,000 = 0.33333… → 0.3333
    assert_eq!(g["paid_in_ratio"], "0.3333");
    // B never marked: carried at paid-in cost and flagged.
    assert_eq!(g["value"], "1000000.00");
    assert_eq!(g["unmarked"], 1);
    assert_eq!(g["proceeds"], "50000.00");
    assert_eq!(s["parent"], "S".replace('S', "G"));
    // S: LPs G 4,000,000 + SOC 1,000,000 committed; 3,000,000 + 750,000 paid.
    assert_eq!(s["lp_committed"], "5000000.00");
    assert_eq!(s["lp_paid_in"], "3750000.00");
    // 1,500,000 / 2,000,000 = 0.75
    assert_eq!(s["paid_in_ratio"], "0.7500");
    assert_eq!(s["value"], "1800000.00");
    // Consolidated total: G's 4,000,000 into S is internal, so LP committed is
    // GOV 10,000,000 + SOC 1,000,000 = 11,000,000; paid 8,000,000 + 750,000.
    let tot = &p["total"];
    assert_eq!(tot["lp_committed"], "11000000.00");
    assert_eq!(tot["lp_paid_in"], "8750000.00");
    assert_eq!(tot["projects"], 2);
    assert_eq!(tot["deal_committed"], "5000000.00");
    assert_eq!(tot["deal_paid_in"], "2500000.00");
    assert_eq!(tot["paid_in_ratio"], "0.5000");
    assert_eq!(tot["value"], "2800000.00");

    // As of 2020-12-30 the mark, G's deal and its dividend had not happened.
    let p = t.json(&["report", "portfolio", "--as-of", "2020-12-30"]);
    assert_eq!(p["funds"][0]["projects"], 0);
    assert_eq!(p["funds"][0]["paid_in_ratio"], serde_json::Value::Null);
    assert_eq!(p["funds"][1]["value"], "1500000.00");

    // Reverse the dividend and the mark: reports count neither, at any date.
    t.run(&[
        "reverse",
        "12",
        "--reason",
        "dividend belonged to another fund",
    ])
    .ok();
    t.run(&["reverse", "9", "--reason", "mark not approved"])
        .ok();
    let p = t.json(&["report", "portfolio", "--as-of", "2021-12-31"]);
    assert_eq!(p["funds"][0]["proceeds"], "0.00");
    assert_eq!(p["funds"][1]["value"], "1500000.00");

    // --fund S shows only S.
    let p = t.json(&[
        "report",
        "portfolio",
        "--fund",
        "S",
        "--as-of",
        "2021-12-31",
    ]);
    assert_eq!(p["funds"].as_array().unwrap().len(), 1);
    assert_eq!(p["total"]["lp_committed"], "5000000.00");
}

#[test]
fn written_off_holdings_count_zero() {
    let t = small_ledger();
    t.run(&[
        "deal",
        "value",
        "S",
        "A",
        "--amount",
        "3000000",
        "--date",
        "2020-12-31",
    ])
    .ok();
    t.run(&["deal", "write-off", "S", "A", "--date", "2021-06-30"])
        .ok();
    let before = t.json(&[
        "report",
        "portfolio",
        "--fund",
        "S",
        "--as-of",
        "2021-06-29",
    ]);
    assert_eq!(before["funds"][0]["value"], "3000000.00");
    let after = t.json(&[
        "report",
        "portfolio",
        "--fund",
        "S",
        "--as-of",
        "2021-06-30",
    ]);
    assert_eq!(after["funds"][0]["value"], "0.00");
    assert_eq!(after["funds"][0]["closed"], 1);
    // Paid-in is history; it stays.
    assert_eq!(after["funds"][0]["deal_paid_in"], "1500000.00");
}

#[test]
fn units_csv_and_table_rendering() {
    let t = small_ledger();
    let csv = t
        .run(&[
            "--format",
            "csv",
            "--unit",
            "wan",
            "report",
            "portfolio",
            "--as-of",
            "2021-01-01",
        ])
        .ok()
        .to_string();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("Code,Name,Kind,Parent,LP committed (万元)"),
        "{header}"
    );
    // G: 10,000,000 元 = 1000.00 万元, no thousands separator in CSV.
    let g = lines.next().unwrap();
    assert!(
        g.starts_with("G,引导基金,guidance,,1000.00,800.00,0,"),
        "{g}"
    );
    let yi = t
        .run(&[
            "--format",
            "csv",
            "--unit",
            "yi",
            "report",
            "portfolio",
            "--as-of",
            "2021-01-01",
        ])
        .ok()
        .to_string();
    // 10,000,000 元 = 0.10 亿元
    assert!(
        yi.lines()
            .nth(1)
            .unwrap()
            .starts_with("G,引导基金,guidance,,0.10,0.08,"),
        "{yi}"
    );

    let table = t
        .run(&[
            "--unit",
            "wan",
            "--columns",
            "code,name,lp_committed,value",
            "report",
            "portfolio",
            "--as-of",
            "2021-01-01",
        ])
        .ok()
        .to_string();
    assert!(table.contains("1,000.00"), "{table}");
    // CJK names are aligned by display width: every row of the grid is equally wide.
    // (The grid follows the title line.)
    let widths: Vec<usize> = table
        .lines()
        .skip_while(|l| !l.contains('|'))
        .take_while(|l| l.contains('|') || l.contains('+'))
        .map(unicode_width::UnicodeWidthStr::width)
        .collect();
    assert!(widths.len() >= 4, "{table}");
    assert!(
        widths.iter().all(|w| *w == widths[0]),
        "misaligned: {widths:?}\n{table}"
    );
}

#[test]
fn log_lists_entries_with_reversal_links() {
    let t = small_ledger();
    t.run(&["reverse", "8", "--reason", "typo"]).ok();
    let log = t.json(&["log", "--fund", "S"]);
    let e = log["entries"].as_array().unwrap();
    // S has entries 3..=8 (LP and deal) plus the reversal 9.
    assert_eq!(
        e.iter()
            .map(|x| x["id"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        vec![3, 4, 5, 6, 7, 8, 9]
    );
    assert_eq!(e[5]["reversed_by"], 9);
    assert_eq!(e[6]["kind"], "reversal");
    assert_eq!(e[6]["reverses"], 8);
    assert_eq!(e[6]["memo"], "typo");
    assert_eq!(e[6]["company"], "A");
    let csv = t.run(&["--format", "csv", "log"]).ok().to_string();
    assert!(
        csv.starts_with("Id,Date,Kind,Fund,Counterparty,Amount (元)"),
        "{csv}"
    );
}

#[test]
fn lists_of_reference_data() {
    let t = small_ledger();
    let f = t.json(&["fund", "list"]);
    assert_eq!(f["funds"][1]["code"], "S");
    assert_eq!(f["funds"][1]["parent"], "G");
    assert_eq!(f["funds"][1]["inception"], "2020-02-01");
    let i = t.json(&["investor", "list"]);
    // GOV, SOC, and G registered automatically as a government LP when it committed to S.
    let codes: Vec<&str> = i["investors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["GOV", "SOC", "G"]);
    assert_eq!(i["investors"][2]["type"], "government");
    let c = t.json(&["company", "list"]);
    assert_eq!(c["companies"][0]["sector"], "芯片制造");
}

// ---------------------------------------------------------------- CLI conventions

#[test]
fn usage_errors_exit_2_and_refusals_exit_1() {
    let t = small_ledger();
    assert_eq!(
        t.run(&["fund", "add", "X", "--name", "x", "--kind", "bogus"])
            .code,
        2
    );
    assert_eq!(t.run(&["no-such-command"]).code, 2);
    assert_eq!(
        t.run(&[
            "deal",
            "pay",
            "S",
            "A",
            "--amount",
            "-1",
            "--date",
            "2020-04-01"
        ])
        .code,
        1
    );
    let r = t.run(&[
        "--format",
        "json",
        "deal",
        "pay",
        "S",
        "A",
        "--amount",
        "1e5",
        "--date",
        "2020-04-01",
    ]);
    let err: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert_eq!(err["error"]["rule"], "amount");
}

#[test]
fn every_command_help_has_an_example() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [
        &["init"][..],
        &["fund", "add"],
        &["fund", "list"],
        &["investor", "add"],
        &["investor", "list"],
        &["company", "add"],
        &["company", "list"],
        &["lp", "commit"],
        &["lp", "pay"],
        &["deal", "commit"],
        &["deal", "pay"],
        &["deal", "value"],
        &["deal", "proceeds"],
        &["deal", "write-off"],
        &["reverse"],
        &["log"],
        &["report", "portfolio"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let r = run_in(dir.path(), &args);
        assert!(r.ok().contains("Example"), "{cmd:?} --help has no example");
    }
}

#[test]
fn db_defaults_to_ledger_db_or_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), &["init"]).ok();
    assert!(dir.path().join("ledger.db").exists());
    let out = std::process::Command::new(common::bin())
        .args(["init"])
        .current_dir(dir.path())
        .env("FUNDLEDGER_DB", dir.path().join("other.db"))
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(dir.path().join("other.db").exists());
}

// ---------------------------------------------------------------- the example ledger

fn example() -> TestLedger {
    TestLedger::example()
}

#[test]
fn example_ledger_reproduces_the_published_figures() {
    let t = example();
    // 双创 guidance fund with its sub-fund: 6 projects, 协议投资 9,785万元, 实际出资 8,095万元.
    let p = t.json(&["report", "portfolio", "--fund", "SC"]);
    let codes: Vec<&str> = p["funds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["SC", "SC-1"]);
    let tot = &p["total"];
    assert_eq!(tot["projects"], 6);
    assert_eq!(tot["deal_committed"], "97850000.00");
    assert_eq!(tot["deal_paid_in"], "80950000.00");
    // 8,095 / 9,785 = 0.82728… → 0.8273 (DOMAIN.md).
    assert_eq!(tot["paid_in_ratio"], "0.8273");
    // 高新诺泰: 8 projects, invested 5,982万元, equity value 13,624万元.
    let p = t.json(&["report", "portfolio", "--fund", "NT"]);
    let nt = &p["funds"][0];
    assert_eq!(nt["projects"], 8);
    assert_eq!(nt["deal_paid_in"], "59820000.00");
    assert_eq!(nt["value"], "136240000.00");
    assert_eq!(nt["unmarked"], 0);
    // The same in 万元 in a table.
    let table = t
        .run(&["--unit", "wan", "report", "portfolio", "--fund", "NT"])
        .ok()
        .to_string();
    assert!(
        table.contains("13,624.00") && table.contains("5,982.00"),
        "{table}"
    );
}

#[test]
fn an_older_ledger_is_upgraded_in_place() {
    if common::sqlite_file_test() {
        return;
    }
    use fundledger::store::{schema, Ledger};
    let t = TestLedger::uninit();
    // A ledger as the first schema version wrote it, with a fund in it.
    drop(Ledger::create_at_version(&t.db, 1).unwrap());
    {
        let c = rusqlite::Connection::open(&t.db).unwrap();
        let v: i64 = c
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 1);
        c.execute(
            "INSERT INTO funds (code, name, kind, created_at, created_by) VALUES ('OLD', '旧基金', 'guidance', 'x', 'x')",
            [],
        )
        .unwrap();
    }
    // The upgrade goes through every later migration.
    const _: () = assert!(
        schema::LATEST > 1,
        "needs a second migration to upgrade through"
    );
    let f = t.json(&["fund", "list"]);
    assert_eq!(f["funds"][0]["name"], "旧基金");
    let c = rusqlite::Connection::open(&t.db).unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, schema::LATEST);
    // Tables of later versions exist and work.
    t.run(&[
        "fund",
        "add",
        "NEW",
        "--name",
        "新基金",
        "--kind",
        "guidance",
    ])
    .ok();
}

/// The subcommands a `--help` page lists under "Commands:" (without `help`).
fn subcommands(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.starts_with("Commands:") {
            inside = true;
            continue;
        }
        if inside {
            if !line.starts_with("  ") {
                break;
            }
            // Wrapped descriptions are indented further than command names.
            if line.as_bytes().get(2).is_some_and(|b| *b == b' ') {
                continue;
            }
            if let Some(name) = line.split_whitespace().next() {
                if name != "help" {
                    out.push(name.to_string());
                }
            }
        }
    }
    out
}

#[test]
fn every_command_in_the_whole_tree_has_an_example() {
    // Walks the real command tree, so commands added later are covered too.
    let dir = tempfile::tempdir().unwrap();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    let mut leaves = 0;
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let help = run_in(dir.path(), &args).ok().to_string();
        let subs = subcommands(&help);
        if subs.is_empty() {
            leaves += 1;
            assert!(
                help.contains("Example"),
                "`fundledger {}` --help has no example",
                path.join(" ")
            );
        }
        for s in subs {
            let mut p = path.clone();
            p.push(s);
            todo.push(p);
        }
    }
    // init, fund ×3, investor ×2, company ×2, lp ×3, deal ×5, reverse, log, report ×4,
    // loan ×8, grant ×2, audit, import, backup, export, calc ×1 at the time of writing.
    assert!(leaves >= 30, "only {leaves} commands found");
}
