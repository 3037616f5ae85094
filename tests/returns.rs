//! `report returns` through the real binary, against figures worked out by hand (in
//! the comments) or by an independent bisection on the NPV written here.

mod common;

use std::collections::BTreeSet;

use common::{small_ledger, TestLedger};
use serde_json::Value;

/// Days between two ISO dates (proleptic Gregorian), independently of the crate.
fn days(a: &str, b: &str) -> f64 {
    fn jdn(s: &str) -> i64 {
        let p: Vec<i64> = s.split('-').map(|x| x.parse().unwrap()).collect();
        let (y, m, d) = (p[0], p[1], p[2]);
        let a = (14 - m) / 12;
        let (y, m) = (y + 4800 - a, m + 12 * a - 3);
        d + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }
    (jdn(b) - jdn(a)) as f64
}

/// Reference XIRR for flows with one sign change: bisection on the NPV, actual/365.
fn reference_irr(flows: &[(&str, f64)]) -> f64 {
    let d0 = flows.iter().map(|f| f.0).min().unwrap();
    let npv = |r: f64| {
        flows
            .iter()
            .map(|(d, a)| a / (1.0 + r).powf(days(d0, d) / 365.0))
            .sum::<f64>()
    };
    let (mut lo, mut hi) = (-0.99, 10.0);
    assert!(npv(lo).signum() != npv(hi).signum(), "reference bracket");
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if npv(mid).signum() == npv(lo).signum() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

fn num(v: &Value) -> f64 {
    v.as_str()
        .unwrap_or_else(|| panic!("not a decimal string: {v}"))
        .parse()
        .unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn set(k: &[&str]) -> BTreeSet<String> {
    k.iter().map(|s| s.to_string()).collect()
}

/// A copy of ledger.db.example in a scratch directory.
fn example() -> TestLedger {
    TestLedger::example()
}

#[test]
fn nuotai_on_the_example_ledger() {
    let t = example();
    let r = t.json(&["report", "returns", "--as-of", "2021-12-31", "--fund", "NT"]);
    assert_eq!(keys(&r), set(&["as_of", "funds"]));
    let f = &r["funds"][0];
    assert_eq!(keys(f), set(&["code", "name", "gross", "net", "pme"]));
    assert_eq!(f["code"], "NT");
    let g = &f["gross"];
    assert_eq!(
        keys(g),
        set(&[
            "paid_in",
            "proceeds",
            "value",
            "unrealised",
            "moic",
            "irr",
            "irr_status",
            "irr_roots",
            "irr_cumulative"
        ])
    );
    // Published: invested 5,982万, equity value 13,624万 → MOIC 13,624 ÷ 5,982 = 2.2775,
    // unrealised gain 13,624 − 5,982 = 7,642万.
    assert_eq!(g["paid_in"], "59820000.00");
    assert_eq!(g["value"], "136240000.00");
    assert_eq!(g["proceeds"], "0.00");
    assert_eq!(g["unrealised"], "76420000.00");
    assert_eq!(g["moic"], "2.2775");
    // The eight payments of scripts/build-example.sh, valued at 13,624万 on the as-of date.
    let flows = [
        ("2018-05-10", -12_000_000.0),
        ("2018-08-01", -9_500_000.0),
        ("2018-11-15", -8_000_000.0),
        ("2019-03-01", -7_000_000.0),
        ("2019-06-20", -6_500_000.0),
        ("2019-10-08", -6_000_000.0),
        ("2020-04-16", -5_820_000.0),
        ("2020-09-01", -5_000_000.0),
        ("2021-12-31", 136_240_000.0),
    ];
    assert_eq!(g["irr_status"], "ok");
    assert!(
        (num(&g["irr"]) - reference_irr(&flows)).abs() < 1e-9,
        "{}",
        g["irr"]
    );
    assert_eq!(g["irr_roots"].as_array().unwrap().len(), 1);
    assert!(g["irr_cumulative"].is_null());

    let n = &f["net"];
    assert_eq!(
        keys(n),
        set(&[
            "committed",
            "paid_in",
            "distributed",
            "nav",
            "pic",
            "dpi",
            "rvpi",
            "tvpi",
            "irr",
            "irr_status",
            "irr_roots",
            "irr_cumulative"
        ])
    );
    // LPs committed 3,000万 + 4,000万, paid 3,000万 + 3,500万 on 2018-04-01. NAV =
    // 13,624万 of holdings + cash 6,500万 − 5,982万 = 518万 → 14,142万.
    assert_eq!(n["committed"], "70000000.00");
    assert_eq!(n["paid_in"], "65000000.00");
    assert_eq!(n["distributed"], "0.00");
    assert_eq!(n["nav"], "141420000.00");
    assert_eq!(n["pic"], "0.9286"); // 6,500 ÷ 7,000 = 0.928571…
    assert_eq!(n["dpi"], "0.0000");
    assert_eq!(n["rvpi"], "2.1757"); // 14,142 ÷ 6,500 = 2.175692…
    assert_eq!(n["tvpi"], "2.1757");
    let net_flows = [("2018-04-01", -65_000_000.0), ("2021-12-31", 141_420_000.0)];
    assert!((num(&n["irr"]) - reference_irr(&net_flows)).abs() < 1e-9);
    assert!(f["pme"].is_null());

    // LP shares pro rata to paid-in 30 : 35 of 14,142万 = 65,270,769.2307… and
    // 76,149,230.7692…; floors leave one fen, which goes to the larger remainder (KYJT).
    let r = t.json(&[
        "report",
        "returns",
        "--as-of",
        "2021-12-31",
        "--fund",
        "NT",
        "--by",
        "lp",
    ]);
    assert_eq!(keys(&r), set(&["as_of", "lps"]));
    let lps = r["lps"].as_array().unwrap();
    assert_eq!(keys(&lps[0]).len(), 2 + keys(n).len());
    assert_eq!(
        (lps[0]["investor"].as_str(), lps[0]["nav"].as_str()),
        (Some("GXCZ"), Some("65270769.23"))
    );
    assert_eq!(
        (lps[1]["investor"].as_str(), lps[1]["nav"].as_str()),
        (Some("KYJT"), Some("76149230.77"))
    );
    assert_eq!(lps[0]["pic"], "1.0000");
    assert_eq!(lps[1]["pic"], "0.8750");

    let r = t.json(&[
        "report",
        "returns",
        "--as-of",
        "2021-12-31",
        "--fund",
        "NT",
        "--by",
        "holding",
    ]);
    assert_eq!(keys(&r), set(&["as_of", "holdings"]));
    let h = &r["holdings"][0];
    assert_eq!(
        (h["fund"].as_str(), h["company"].as_str()),
        (Some("NT"), Some("N01"))
    );
    // N01: 1,200万 paid 2018-05-10, marked 3,100万 → MOIC 2.5833.
    assert_eq!(h["moic"], "2.5833");
    let n01 = [("2018-05-10", -12_000_000.0), ("2021-12-31", 31_000_000.0)];
    assert!((num(&h["irr"]) - reference_irr(&n01)).abs() < 1e-9);
}

/// small_ledger (see tests/common) plus: S pays 1,000,000 into B on 2020-04-01 and
/// writes it off on 2020-12-31; S marks A at 1,815,000 on 2021-03-15.
fn scenario() -> TestLedger {
    let t = small_ledger();
    for a in [
        &[
            "deal",
            "commit",
            "S",
            "B",
            "--amount",
            "1000000",
            "--date",
            "2020-04-01",
        ][..],
        &[
            "deal",
            "pay",
            "S",
            "B",
            "--amount",
            "1000000",
            "--date",
            "2020-04-01",
        ],
        &["deal", "write-off", "S", "B", "--date", "2020-12-31"],
        &[
            "deal",
            "value",
            "S",
            "A",
            "--amount",
            "1815000",
            "--date",
            "2021-03-15",
        ],
    ] {
        t.run(a).ok();
    }
    t
}

#[test]
fn gross_and_net_with_look_through() {
    let t = scenario();
    let r = t.json(&["report", "returns", "--as-of", "2021-03-15"]);
    let funds = r["funds"].as_array().unwrap();
    let (g, s) = (&funds[0], &funds[1]);
    assert_eq!(
        (g["code"].as_str(), s["code"].as_str()),
        (Some("G"), Some("S"))
    );

    // S gross: paid 1,500,000 (A) + 1,000,000 (B) = 2,500,000; value 1,815,000 (A; B is
    // written off); unrealised 1,815,000 − 1,500,000 = 315,000; MOIC 1.815/2.5 = 0.7260.
    let sg = &s["gross"];
    assert_eq!(sg["paid_in"], "2500000.00");
    assert_eq!(sg["value"], "1815000.00");
    assert_eq!(sg["unrealised"], "315000.00");
    assert_eq!(sg["moic"], "0.7260");
    let flows = [
        ("2020-03-15", -1_500_000.0),
        ("2020-04-01", -1_000_000.0),
        ("2021-03-15", 1_815_000.0),
    ];
    assert!((num(&sg["irr"]) - reference_irr(&flows)).abs() < 1e-9);

    // S net: LPs paid 3,000,000 + 750,000 on 2020-02-10 of 5,000,000 committed.
    // NAV = 1,815,000 + cash (3,750,000 − 2,500,000) = 3,065,000.
    let sn = &s["net"];
    assert_eq!(sn["nav"], "3065000.00");
    assert_eq!(sn["pic"], "0.7500");
    assert_eq!(sn["rvpi"], "0.8173"); // 3,065 ÷ 3,750 = 0.817333…
                                      // One outflow, one inflow 399 days later: (3,065,000/3,750,000)^(365/399) − 1.
    let expected = (3_065_000f64 / 3_750_000.0).powf(365.0 / 399.0) - 1.0;
    assert!((num(&sn["irr"]) - expected).abs() < 1e-9);

    // G holds nothing directly: gross undefined, never 0%.
    let gg = &g["gross"];
    assert_eq!(gg["paid_in"], "0.00");
    assert!(gg["moic"].is_null() && gg["irr"].is_null());
    assert_eq!(gg["irr_status"], "no-sign-change");
    // G's NAV looks through to S: its share 3,065,000 × 3,000,000/3,750,000 = 2,452,000,
    // plus cash 8,000,000 − 3,000,000 = 5,000,000 → 7,452,000; TVPI 7.452/8 = 0.9315.
    assert_eq!(g["net"]["nav"], "7452000.00");
    assert_eq!(g["net"]["tvpi"], "0.9315");

    let r = t.json(&[
        "report",
        "returns",
        "--as-of",
        "2021-03-15",
        "--fund",
        "S",
        "--by",
        "lp",
    ]);
    let lps = r["lps"].as_array().unwrap();
    let navs: Vec<(&str, &str)> = lps
        .iter()
        .map(|l| (l["investor"].as_str().unwrap(), l["nav"].as_str().unwrap()))
        .collect();
    // Listed in registration order: SOC was registered before G first acted as an LP.
    assert_eq!(navs, [("SOC", "613000.00"), ("G", "2452000.00")]);
}

#[test]
fn a_written_off_holding_is_a_total_loss() {
    let t = scenario();
    let r = t.json(&[
        "report",
        "returns",
        "--as-of",
        "2021-03-15",
        "--by",
        "holding",
    ]);
    let b = r["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["company"] == "B")
        .unwrap()
        .clone();
    assert_eq!(b["irr_status"], "total-loss");
    assert_eq!(b["irr"], "-1");
    assert_eq!(b["value"], "0.00");
    assert_eq!(b["unrealised"], "0.00");
    assert_eq!(b["moic"], "0.0000");
    // A: 1,500,000 on 2020-03-15 to 1,815,000 on 2021-03-15 (365 days): exactly 21%.
    let a = r["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["company"] == "A")
        .unwrap()
        .clone();
    assert_eq!(a["irr"], "0.21");
    assert_eq!(a["irr_status"], "ok");
}

#[test]
fn distributions_count_in_dpi_and_nav() {
    let t = scenario();
    for a in [
        &[
            "deal",
            "proceeds",
            "S",
            "A",
            "--amount",
            "2000000",
            "--date",
            "2021-06-30",
            "--kind",
            "partial-exit",
        ][..],
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "G",
            "--amount",
            "1280000",
            "--date",
            "2021-07-15",
        ],
        &[
            "lp",
            "distribute",
            "S",
            "--investor",
            "SOC",
            "--amount",
            "320000",
            "--date",
            "2021-07-15",
            "--kind",
            "gain",
        ],
    ] {
        t.run(a).ok();
    }
    let r = t.json(&["report", "returns", "--as-of", "2021-12-31"]);
    let (g, s) = (&r["funds"][0], &r["funds"][1]);
    // S: distributed 1,600,000 → DPI 1.6/3.75 = 0.4267. NAV = A's mark 1,815,000 + cash
    // (3,750,000 + 2,000,000 − 2,500,000 − 1,600,000 = 1,650,000) = 3,465,000.
    // TVPI (1,600,000 + 3,465,000)/3,750,000 = 1.350666… → 1.3507.
    assert_eq!(s["net"]["distributed"], "1600000.00");
    assert_eq!(s["net"]["dpi"], "0.4267");
    assert_eq!(s["net"]["nav"], "3465000.00");
    assert_eq!(s["net"]["tvpi"], "1.3507");
    // Gross MOIC of S: (2,000,000 + 1,815,000) / 2,500,000 = 1.5260.
    assert_eq!(s["gross"]["moic"], "1.5260");
    // G: cash 8,000,000 − 3,000,000 + 1,280,000 received = 6,280,000; stake 80% of
    // 3,465,000 = 2,772,000 → NAV 9,052,000.
    assert_eq!(g["net"]["nav"], "9052000.00");
    // Earlier as-of dates ignore what came later.
    let before = t.json(&["report", "returns", "--as-of", "2021-06-29", "--fund", "S"]);
    assert_eq!(before["funds"][0]["net"]["distributed"], "0.00");
    assert_eq!(before["funds"][0]["gross"]["proceeds"], "0.00");
}

#[test]
fn reversed_entries_count_nowhere() {
    let t = scenario();
    let mark = t.json(&["log", "--fund", "S"])["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "deal-value")
        .unwrap()["id"]
        .as_i64()
        .unwrap()
        .to_string();
    t.run(&["reverse", &mark, "--reason", "mark not approved"])
        .ok();
    // A falls back to cost: value 1,500,000, MOIC of S 1.5/2.5 = 0.6000.
    let r = t.json(&["report", "returns", "--as-of", "2021-03-15", "--fund", "S"]);
    assert_eq!(r["funds"][0]["gross"]["value"], "1500000.00");
    assert_eq!(r["funds"][0]["gross"]["moic"], "0.6000");
    let table = t.run(&["report", "returns", "--as-of", "2021-03-15", "--fund", "S"]);
    assert!(table.ok().contains("1,500,000.00*"), "{}", table.stdout);
    assert!(table.stdout.contains("never marked"));
}

#[test]
fn short_periods_carry_the_cumulative_return() {
    let t = small_ledger();
    // A: 1,500,000 on 2020-03-15, marked 1,650,000 on 2020-09-15 (184 days): +10%.
    t.run(&[
        "deal",
        "value",
        "S",
        "A",
        "--amount",
        "1650000",
        "--date",
        "2020-09-15",
    ])
    .ok();
    let r = t.json(&[
        "report",
        "returns",
        "--as-of",
        "2020-09-15",
        "--by",
        "holding",
    ]);
    let a = &r["holdings"][0];
    assert_eq!(a["irr_status"], "short-period");
    assert_eq!(a["irr_cumulative"], "0.1");
    let annualised = 1.1f64.powf(365.0 / 184.0) - 1.0;
    assert!((num(&a["irr"]) - annualised).abs() < 1e-9);
    let table = t.run(&[
        "report",
        "returns",
        "--as-of",
        "2020-09-15",
        "--by",
        "holding",
    ]);
    assert!(
        table.ok().contains("cumulative return 10.00%"),
        "{}",
        table.stdout
    );
}

#[test]
fn several_roots_are_listed_with_excels_choice() {
    let t = small_ledger();
    // G invests directly in B: −1,000,000 (2021-01-01), +2,300,000 (2022-01-01),
    // −1,320,000 (2023-01-01), then written off: −100 / +230 / −132 a year apart, whose
    // NPV −100 + 230x − 132x² has roots x = 10/11 and 5/6, i.e. r = 10% and 20%.
    for a in [
        &[
            "deal",
            "commit",
            "G",
            "B",
            "--amount",
            "2320000",
            "--date",
            "2021-01-01",
        ][..],
        &[
            "deal",
            "pay",
            "G",
            "B",
            "--amount",
            "1000000",
            "--date",
            "2021-01-01",
        ],
        &[
            "deal",
            "proceeds",
            "G",
            "B",
            "--amount",
            "2300000",
            "--date",
            "2022-01-01",
            "--kind",
            "dividend",
        ],
        &[
            "deal",
            "pay",
            "G",
            "B",
            "--amount",
            "1320000",
            "--date",
            "2023-01-01",
        ],
        &["deal", "write-off", "G", "B", "--date", "2023-01-01"],
    ] {
        t.run(a).ok();
    }
    let r = t.json(&[
        "report",
        "returns",
        "--as-of",
        "2023-06-30",
        "--fund",
        "G",
        "--by",
        "holding",
    ]);
    let b = &r["holdings"][0];
    assert_eq!(b["irr_status"], "multiple-roots");
    assert_eq!(b["irr_roots"], serde_json::json!(["0.1", "0.2"]));
    assert_eq!(b["irr"], "0.1");
    let table = t.run(&[
        "report",
        "returns",
        "--as-of",
        "2023-06-30",
        "--fund",
        "G",
        "--by",
        "holding",
    ]);
    assert!(
        table
            .ok()
            .contains("several IRRs solve the flows (10.00%, 20.00%)"),
        "{}",
        table.stdout
    );
    let csv = t.run(&[
        "--format",
        "csv",
        "report",
        "returns",
        "--as-of",
        "2023-06-30",
        "--fund",
        "G",
        "--by",
        "holding",
    ]);
    assert!(
        csv.ok()
            .lines()
            .nth(1)
            .unwrap()
            .contains("0.1,multiple-roots,0.1;0.2,"),
        "{}",
        csv.stdout
    );
}

#[test]
fn csv_and_units() {
    let t = example();
    let csv = t.run(&[
        "--format",
        "csv",
        "--unit",
        "wan",
        "report",
        "returns",
        "--as-of",
        "2021-12-31",
        "--fund",
        "NT",
    ]);
    let mut lines = csv.ok().lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header.len(), row.len());
    let col = |h: &str| {
        row[header
            .iter()
            .position(|x| *x == h)
            .unwrap_or_else(|| panic!("no column {h}: {header:?}"))]
    };
    assert_eq!(col("Gross Paid-in (万元)"), "5982.00");
    assert_eq!(col("Gross MOIC"), "2.2775");
    assert_eq!(col("Net NAV (万元)"), "14142.00");
    assert_eq!(col("Gross IRR status"), "ok");
    assert_eq!(col("KS-PME"), "");
}

#[test]
fn pme_against_an_index() {
    let t = scenario();
    // No level on 2020-02-10 (S's LP payments): Friday 2020-02-07's 100 applies; 125 on
    // the as-of date. KS-PME = NAV 3,065,000 ÷ (3,750,000 × 125/100) = 0.653866… → 0.6539.
    // Direct Alpha: −4,687,500 on 2020-02-10, +3,065,000 399 days later.
    let idx = t.dir.path().join("index.csv");
    std::fs::write(
        &idx,
        "date,level\n2020-02-07,100\n2020-06-30,90\n2021-03-15,125\n",
    )
    .unwrap();
    let r = t.json(&[
        "report",
        "returns",
        "--as-of",
        "2021-03-15",
        "--fund",
        "S",
        "--benchmark",
        idx.to_str().unwrap(),
    ]);
    let p = &r["funds"][0]["pme"];
    assert_eq!(
        keys(p),
        set(&["ks_pme", "direct_alpha", "direct_alpha_status"])
    );
    assert_eq!(p["ks_pme"], "0.6539");
    let alpha = (3_065_000f64 / 4_687_500.0).powf(365.0 / 399.0) - 1.0;
    assert!((num(&p["direct_alpha"]) - alpha).abs() < 1e-9);
    assert_eq!(p["direct_alpha_status"], "ok");
    let table = t.run(&[
        "report",
        "returns",
        "--as-of",
        "2021-03-15",
        "--fund",
        "S",
        "--benchmark",
        idx.to_str().unwrap(),
    ]);
    assert!(
        table.ok().contains("KS-PME") && table.stdout.contains("0.6539"),
        "{}",
        table.stdout
    );

    // G's LP paid on 2020-01-15, before the file starts.
    let msg = t.refused_unchanged(
        &[
            "report",
            "returns",
            "--as-of",
            "2021-03-15",
            "--benchmark",
            idx.to_str().unwrap(),
        ],
        "[benchmark-coverage]",
    );
    assert!(
        msg.contains("2020-01-15") && msg.contains("'G'") && msg.contains("2020-02-07"),
        "{msg}"
    );
    // The as-of date after the file's last level.
    let msg = t.refused_unchanged(
        &[
            "report",
            "returns",
            "--as-of",
            "2021-03-16",
            "--fund",
            "S",
            "--benchmark",
            idx.to_str().unwrap(),
        ],
        "[benchmark-coverage]",
    );
    assert!(
        msg.contains("ends on 2021-03-15") && msg.contains("2021-03-16"),
        "{msg}"
    );
    t.refused_unchanged(
        &[
            "report",
            "returns",
            "--by",
            "holding",
            "--benchmark",
            idx.to_str().unwrap(),
        ],
        "[benchmark-needs-funds]",
    );
    std::fs::write(&idx, "date,level\n2020-02-07,100\n2020-02-08,-1\n").unwrap();
    t.refused_unchanged(
        &["report", "returns", "--benchmark", idx.to_str().unwrap()],
        "line 3",
    );
    t.refused_unchanged(
        &["report", "returns", "--benchmark", "missing.csv"],
        "cannot read missing.csv",
    );
}

#[test]
fn funds_holding_stakes_in_each_other_have_no_nav() {
    let t = TestLedger::new();
    for a in [
        &["fund", "add", "X", "--name", "甲", "--kind", "vehicle"][..],
        &["fund", "add", "Y", "--name", "乙", "--kind", "vehicle"],
        &["investor", "add", "X", "--name", "甲", "--type", "social"],
        &["investor", "add", "Y", "--name", "乙", "--type", "social"],
        &[
            "lp",
            "commit",
            "Y",
            "--investor",
            "X",
            "--amount",
            "100",
            "--date",
            "2021-01-01",
        ],
        &[
            "lp",
            "commit",
            "X",
            "--investor",
            "Y",
            "--amount",
            "100",
            "--date",
            "2021-01-01",
        ],
    ] {
        t.run(a).ok();
    }
    let msg = t.refused_unchanged(
        &["report", "returns", "--as-of", "2021-12-31"],
        "[lp-stake-cycle]",
    );
    assert!(msg.contains("X → Y → X"), "{msg}");
    // Funds outside the circle, and gross figures, are unaffected.
    t.run(&["fund", "add", "Z", "--name", "丙", "--kind", "vehicle"])
        .ok();
    let r = t.json(&["report", "returns", "--as-of", "2021-12-31", "--fund", "Z"]);
    assert_eq!(r["funds"][0]["net"]["nav"], "0.00");
    t.run(&[
        "report",
        "returns",
        "--as-of",
        "2021-12-31",
        "--by",
        "holding",
    ])
    .ok();
}

#[test]
fn unknown_fund_is_named() {
    let t = small_ledger();
    t.refused_unchanged(&["report", "returns", "--fund", "SS"], "unknown fund 'SS'");
}

#[test]
fn help_has_an_example() {
    let t = small_ledger();
    assert!(t
        .run(&["report", "returns", "--help"])
        .ok()
        .contains("Examples:\n  fundledger"));
    assert!(t
        .run(&["lp", "distribute", "--help"])
        .ok()
        .contains("Example:\n  fundledger"));
    assert!(t
        .run(&["calc", "xirr", "--help"])
        .ok()
        .contains("Example:\n  fundledger"));
}
