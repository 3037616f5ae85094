//! `lp distribute` and its rules, through the real binary.

mod common;

use common::{small_ledger, TestLedger};

/// small_ledger plus proceeds of 600,000 from A to S on 2021-06-30.
fn with_proceeds() -> TestLedger {
    let t = small_ledger();
    t.run(&[
        "deal",
        "proceeds",
        "S",
        "A",
        "--amount",
        "600000",
        "--date",
        "2021-06-30",
        "--kind",
        "dividend",
    ])
    .ok();
    t
}

#[test]
fn distributions_up_to_proceeds_are_recorded_with_their_kind() {
    let t = with_proceeds();
    let r = t.json(&[
        "lp",
        "distribute",
        "S",
        "--investor",
        "SOC",
        "--amount",
        "12万",
        "--date",
        "2021-07-01",
        "--kind",
        "gain",
    ]);
    assert_eq!(r["kind"], "lp-distribute");
    assert_eq!(r["amount"], "120000.00");
    // 120,000 + 480,000 = 600,000 = the proceeds: exactly at the limit is allowed.
    t.run(&[
        "lp",
        "distribute",
        "S",
        "--investor",
        "G",
        "--amount",
        "480,000.00",
        "--date",
        "2021-07-01",
        "--kind",
        "return-of-capital",
    ])
    .ok();
    let log = t.json(&["log", "--fund", "S"]);
    let dist: Vec<_> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "lp-distribute")
        .collect();
    assert_eq!(dist.len(), 2);
    assert_eq!(dist[0]["detail"], "gain");
    assert_eq!(dist[1]["detail"], "return-of-capital");
    // One fen more is beyond the proceeds: 600,000.01 distributed against 600,000.00.
    let msg = t.refused_unchanged(
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "SOC",
            "--amount",
            "0.01",
            "--date",
            "2021-07-02",
        ],
        "distribution-exceeds-proceeds",
    );
    assert!(
        msg.contains("600,000.01") && msg.contains("600,000.00") && msg.contains("over by 0.01"),
        "{msg}"
    );
}

#[test]
fn a_distribution_before_the_proceeds_arrive_is_refused() {
    let t = with_proceeds();
    // Dated the day before the 600,000 came in: 0 received by 2021-06-29.
    let msg = t.refused_unchanged(
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "SOC",
            "--amount",
            "100",
            "--date",
            "2021-06-29",
        ],
        "[distribution-exceeds-proceeds]",
    );
    assert!(
        msg.contains("2021-06-29") && msg.contains("received only 0.00"),
        "{msg}"
    );
    // Same day as the proceeds: end-of-day totals, so it is fine.
    t.run(&[
        "lp",
        "distribute",
        "S",
        "--investor",
        "SOC",
        "--amount",
        "100",
        "--date",
        "2021-06-30",
    ])
    .ok();
}

#[test]
fn only_an_lp_of_the_fund_receives_distributions() {
    let t = with_proceeds();
    // GOV is an LP of G, not of S.
    let msg = t.refused_unchanged(
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "GOV",
            "--amount",
            "100",
            "--date",
            "2021-07-01",
        ],
        "[not-an-lp]",
    );
    assert!(
        msg.contains("GOV") && msg.contains("'S'") && msg.contains("2021-07-01"),
        "{msg}"
    );
    // An investor whose commitment comes only after the distribution date.
    t.run(&[
        "investor",
        "add",
        "LATE",
        "--name",
        "后来者",
        "--type",
        "social",
    ])
    .ok();
    t.run(&[
        "lp",
        "commit",
        "S",
        "--investor",
        "LATE",
        "--amount",
        "100000",
        "--date",
        "2021-08-01",
    ])
    .ok();
    t.refused_unchanged(
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "LATE",
            "--amount",
            "100",
            "--date",
            "2021-07-31",
        ],
        "[not-an-lp]",
    );
    t.run(&[
        "lp",
        "distribute",
        "S",
        "--investor",
        "LATE",
        "--amount",
        "100",
        "--date",
        "2021-08-01",
    ])
    .ok();
    // A guidance fund never an LP of S: refused, and not even registered as an investor.
    t.run(&[
        "fund",
        "add",
        "G2",
        "--name",
        "另一引导基金",
        "--kind",
        "guidance",
    ])
    .ok();
    t.refused_unchanged(
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "G2",
            "--amount",
            "100",
            "--date",
            "2021-07-01",
        ],
        "[not-an-lp]",
    );
}

#[test]
fn reversing_what_a_distribution_rests_on_is_refused() {
    let t = with_proceeds();
    let proceeds_id = t.json(&["log", "--fund", "S"])["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "deal-proceeds")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    t.run(&[
        "lp",
        "distribute",
        "S",
        "--investor",
        "G",
        "--amount",
        "480000",
        "--date",
        "2021-07-01",
    ])
    .ok();
    // Without the proceeds, S would have paid 480,000 out of nothing.
    let msg = t.refused_unchanged(
        &["reverse", &proceeds_id, "--reason", "test"],
        "[distribution-exceeds-proceeds]",
    );
    assert!(
        msg.contains("480,000.00") && msg.contains("over by 480,000.00"),
        "{msg}"
    );

    // G passes the 480,000 it received from S on to GOV: for G that is proceeds.
    t.run(&[
        "lp",
        "distribute",
        "G",
        "--investor",
        "GOV",
        "--amount",
        "480000",
        "--date",
        "2021-07-02",
    ])
    .ok();
    t.refused_unchanged(
        &[
            "lp",
            "distribute",
            "G",
            "--investor",
            "GOV",
            "--amount",
            "0.01",
            "--date",
            "2021-07-03",
        ],
        "[distribution-exceeds-proceeds]",
    );
    let s_to_g = t.json(&["log", "--fund", "S"])["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "lp-distribute" && e["investor"] == "G")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let msg = t.refused_unchanged(
        &["reverse", &s_to_g, "--reason", "test"],
        "[distribution-exceeds-proceeds]",
    );
    assert!(msg.contains("fund 'G'"), "{msg}");

    // An LP with a commitment but nothing paid in receives a distribution; its
    // commitment can then not be reversed away.
    t.run(&[
        "investor", "add", "NEW", "--name", "新LP", "--type", "social",
    ])
    .ok();
    let commit = t.json(&[
        "lp",
        "commit",
        "S",
        "--investor",
        "NEW",
        "--amount",
        "100000",
        "--date",
        "2021-01-01",
    ])["id"]
        .as_i64()
        .unwrap()
        .to_string();
    t.run(&[
        "lp",
        "distribute",
        "S",
        "--investor",
        "NEW",
        "--amount",
        "10",
        "--date",
        "2021-07-01",
    ])
    .ok();
    t.refused_unchanged(&["reverse", &commit, "--reason", "test"], "[not-an-lp]");
}

#[test]
fn a_reversed_distribution_frees_its_room() {
    let t = with_proceeds();
    let id = t.json(&[
        "lp",
        "distribute",
        "S",
        "--investor",
        "SOC",
        "--amount",
        "600000",
        "--date",
        "2021-07-01",
    ])["id"]
        .as_i64()
        .unwrap()
        .to_string();
    t.refused_unchanged(
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "G",
            "--amount",
            "1",
            "--date",
            "2021-07-01",
        ],
        "[distribution-exceeds-proceeds]",
    );
    t.run(&["reverse", &id, "--reason", "paid to the wrong LP"])
        .ok();
    t.run(&[
        "lp",
        "distribute",
        "S",
        "--investor",
        "G",
        "--amount",
        "600000",
        "--date",
        "2021-07-01",
    ])
    .ok();
}

#[test]
fn ordinary_entry_rules_apply_to_distributions() {
    let t = with_proceeds();
    t.refused_unchanged(
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "SOC",
            "--amount",
            "0",
            "--date",
            "2021-07-01",
        ],
        "[amount-not-positive]",
    );
    t.refused_unchanged(
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "SCO",
            "--amount",
            "1",
            "--date",
            "2021-07-01",
        ],
        "[unknown-code]: unknown investor 'SCO'",
    );
    t.refused_unchanged(
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "SOC",
            "--amount",
            "1",
            "--date",
            "2027-01-01",
        ],
        "[future-date]",
    );
    // --kind takes only the two documented values (a usage error, exit 2).
    let r = t.run(&[
        "lp",
        "distribute",
        "S",
        "--investor",
        "SOC",
        "--amount",
        "1",
        "--date",
        "2021-07-01",
        "--kind",
        "bonus",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}
