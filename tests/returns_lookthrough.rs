//! `report returns --look-through` (issue 4, 穿透) on the example ledger.

mod common;

use common::TestLedger;

fn example() -> TestLedger {
    TestLedger::example()
}

#[test]
fn a_guidance_fund_sees_through_to_its_sub_fund_holdings() {
    let t = example();
    // SC paid 3,440万 of SC-1's 4,300万 LP paid-in: a stake of 0.8.
    let r = t.json(&[
        "report",
        "returns",
        "--fund",
        "SC",
        "--by",
        "holding",
        "--look-through",
        "--as-of",
        "2021-12-31",
    ]);
    let rows = r["holdings"].as_array().unwrap();
    let c01 = rows
        .iter()
        .find(|h| h["fund"] == "SC" && h["via"] == "SC-1" && h["company"] == "C01")
        .unwrap();
    assert_eq!(c01["share"], "0.8000");
    // SC-1 paid 1,500万 into C01, marked 2,100万: SC's part is 1,200万 and 1,680万.
    assert_eq!(c01["paid_in"], "12000000.00");
    assert_eq!(c01["value"], "16800000.00");
    // MOIC is unchanged by scaling: 2,100 / 1,500 = 1.4.
    assert_eq!(c01["moic"], "1.4000");
    let direct = rows
        .iter()
        .find(|h| h["fund"] == "SC-1" && h["company"] == "C01")
        .unwrap();
    assert_eq!(direct["irr"], c01["irr"]);
    assert!(direct.get("via").is_none());
    // Without the flag, no look-through rows.
    let r = t.json(&[
        "report",
        "returns",
        "--fund",
        "SC",
        "--by",
        "holding",
        "--as-of",
        "2021-12-31",
    ]);
    assert!(r["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h.get("via").is_none()));

    // Per fund: own paid-in 3,795万 + 0.8 × 4,300万 = 7,235万; value 4,395万 + 0.8 × 5,000万 = 8,395万.
    let r = t.json(&[
        "report",
        "returns",
        "--fund",
        "SC",
        "--look-through",
        "--as-of",
        "2021-12-31",
    ]);
    let sc = &r["funds"][0];
    assert_eq!(sc["look_through"]["paid_in"], "72350000.00");
    assert_eq!(sc["look_through"]["value"], "83950000.00");
    // (0 + 8,395) / 7,235 = 1.16033… → 1.1603
    assert_eq!(sc["look_through"]["moic"], "1.1603");
    assert_eq!(sc["gross"]["paid_in"], "37950000.00");
}
