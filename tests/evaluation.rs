//! Performance evaluation (issue 15): idle cash and pacing, breakdowns, company
//! outcomes, manual scores and the scorecard, through the real binary. Every figure is
//! worked out by hand in the comments.

mod common;

use common::TestLedger;
use serde_json::Value;

/// The scenario, as of 2024-12-31:
///
/// Guidance fund G (region 泉州市): GOV commits 10,000,000 and pays 3,000,000 on
/// 2022-06-01. Sub-fund S of G: G commits 4,000,000, SOC 6,000,000.
/// Calls into S: 2023-01-10 G 800,000 + SOC 1,200,000 (first call, 2,000,000);
/// 2023-07-01 SOC 1,500,000; 2024-03-01 G 1,000,000; 2024-05-01 SOC 500,000 (reversed).
/// S invests: A 1,200,000 on 2023-02-01, A 1,000,000 on 2023-09-01, A 300,000 on
/// 2024-04-01 (reversed), B 500,000 on 2024-06-01; C is committed 2,000,000, unpaid.
fn scenario() -> TestLedger {
    let t = TestLedger::new();
    let run = |args: &[&str]| {
        t.run(args).ok();
    };
    run(&[
        "fund",
        "add",
        "G",
        "--name",
        "引导基金",
        "--kind",
        "guidance",
        "--region",
        "泉州市",
        "--inception",
        "2022-01-01",
    ]);
    run(&[
        "fund",
        "add",
        "S",
        "--name",
        "子基金",
        "--kind",
        "sub-fund",
        "--parent",
        "G",
        "--region",
        "泉州市",
        "--inception",
        "2022-01-01",
    ]);
    run(&[
        "investor",
        "add",
        "GOV",
        "--name",
        "市财政局",
        "--type",
        "government",
    ]);
    run(&[
        "investor",
        "add",
        "G",
        "--name",
        "引导基金",
        "--type",
        "government",
    ]);
    run(&[
        "investor",
        "add",
        "SOC",
        "--name",
        "社会资本",
        "--type",
        "social",
    ]);
    run(&[
        "company",
        "add",
        "A",
        "--name",
        "甲疫苗",
        "--sector",
        "疫苗",
        "--region",
        "泉州市",
        "--stage",
        "初创期",
    ]);
    run(&[
        "company",
        "add",
        "B",
        "--name",
        "乙芯片",
        "--sector",
        "芯片",
        "--region",
        "厦门市",
        "--stage",
        "growth",
    ]);
    run(&[
        "company",
        "add",
        "C",
        "--name",
        "丙疫苗",
        "--sector",
        "疫苗",
        "--region",
        "福州市",
    ]);
    for (fund, inv, kind, amount, date) in [
        ("G", "GOV", "commit", "10000000", "2022-06-01"),
        ("G", "GOV", "pay", "3000000", "2022-06-01"),
        ("S", "G", "commit", "4000000", "2022-12-01"),
        ("S", "SOC", "commit", "6000000", "2022-12-01"),
        ("S", "G", "pay", "800000", "2023-01-10"),
        ("S", "SOC", "pay", "1200000", "2023-01-10"),
        ("S", "SOC", "pay", "1500000", "2023-07-01"),
        ("S", "G", "pay", "1000000", "2024-03-01"),
    ] {
        run(&[
            "lp",
            kind,
            fund,
            "--investor",
            inv,
            "--amount",
            amount,
            "--date",
            date,
        ]);
    }
    let bad_call = t.json(&[
        "lp",
        "pay",
        "S",
        "--investor",
        "SOC",
        "--amount",
        "500000",
        "--date",
        "2024-05-01",
    ]);
    for (company, kind, amount, date) in [
        ("A", "commit", "3000000", "2023-02-01"),
        ("A", "pay", "1200000", "2023-02-01"),
        ("A", "pay", "1000000", "2023-09-01"),
        ("B", "commit", "1000000", "2024-06-01"),
        ("B", "pay", "500000", "2024-06-01"),
        ("C", "commit", "2000000", "2024-06-01"),
    ] {
        run(&[
            "deal", kind, "S", company, "--amount", amount, "--date", date,
        ]);
    }
    let bad_pay = t.json(&[
        "deal",
        "pay",
        "S",
        "A",
        "--amount",
        "300000",
        "--date",
        "2024-04-01",
    ]);
    for id in [&bad_call["id"], &bad_pay["id"]] {
        run(&["reverse", &id.to_string(), "--reason", "keyed twice"]);
    }
    t
}

fn row<'a>(v: &'a Value, list: &str, key: &str, code: &str) -> &'a Value {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == code)
        .unwrap_or_else(|| panic!("no {code} in {list}: {v}"))
}

#[test]
fn idle_cash_is_aged_first_in_first_out_with_reversals_left_out() {
    let t = scenario();
    let p = t.json(&["report", "pacing", "--as-of", "2024-12-31"]);
    let s = row(&p, "funds", "code", "S");
    // LP paid-in 2,000,000 + 1,500,000 + 1,000,000 = 4,500,000 (the reversed 500,000 is
    // not counted); invested 1,200,000 + 1,000,000 + 500,000 = 2,700,000.
    assert_eq!(s["lp_paid_in"], "4500000.00");
    assert_eq!(s["invested"], "2700000.00");
    // FIFO: 1,200,000 from the January 2023 lot (800,000 left); 1,000,000 takes its
    // 800,000 and 200,000 of July's (1,300,000 left); 500,000 more from July (800,000).
    // Idle: July 2023 800,000 + March 2024 1,000,000 = 1,800,000 = 4,500,000 − 2,700,000.
    assert_eq!(s["idle"], "1800000.00");
    let lots: Vec<(String, String)> = s["lots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["received"].as_str().unwrap().into(),
                l["amount"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        lots,
        vec![
            ("2023-07-01".into(), "800000.00".into()),
            ("2024-03-01".into(), "1000000.00".into())
        ]
    );
    // Over 6 months on 2024-12-31: both lots (2024-01-01 and 2024-09-01 are before it).
    // Over 12 months: July 2023 only (2024-07-01 < 2024-12-31; 2025-03-01 is not).
    assert_eq!(s["idle_over_warn"], "1800000.00");
    assert_eq!(s["idle_over_alert"], "800000.00");
    // pace 2,700,000 ÷ 4,500,000 = 0.6; idle share 1,800,000 ÷ 4,500,000 = 0.4.
    assert_eq!(s["pace"], "0.6000");
    assert_eq!(s["idle_share"], "0.4000");
    // First call 2023-01-10: 800,000 + 1,200,000 = 2,000,000 ÷ 10,000,000 committed.
    assert_eq!(s["first_call_date"], "2023-01-10");
    assert_eq!(s["first_call"], "2000000.00");
    assert_eq!(s["first_call_ratio"], "0.2000");
    // Pace over time: end 2023 paid 3,500,000, invested 2,200,000 → 0.628571… → 0.6286.
    let pts = s["points"].as_array().unwrap();
    assert_eq!(pts[0]["date"], "2023-12-31");
    assert_eq!(pts[0]["lp_paid_in"], "3500000.00");
    assert_eq!(pts[0]["invested"], "2200000.00");
    assert_eq!(pts[0]["pace"], "0.6286");
    assert_eq!(pts.last().unwrap()["pace"], "0.6000");

    // The guidance fund invests by paying into S: 800,000 + 1,000,000 = 1,800,000 out
    // of its 3,000,000 lot of 2022-06-01, leaving 1,200,000 idle for over 12 months.
    let g = row(&p, "funds", "code", "G");
    assert_eq!(g["invested"], "1800000.00");
    assert_eq!(g["idle"], "1200000.00");
    assert_eq!(g["idle_over_alert"], "1200000.00");
    assert_eq!(g["first_call_ratio"], "0.3000");

    // Before the 2024-05-01 reversal's original date nothing changes; as of 2023-12-31
    // the idle cash is 3,500,000 − 2,200,000 = 1,300,000 (July's lot), over 6 months
    // on 2023-12-31: no (2024-01-01 is after it).
    let p23 = t.json(&["report", "pacing", "--fund", "S", "--as-of", "2023-12-31"]);
    let s23 = row(&p23, "funds", "code", "S");
    assert_eq!(s23["idle"], "1300000.00");
    assert_eq!(s23["idle_over_warn"], "0.00");
}

#[test]
fn idle_thresholds_come_from_the_fund_policy() {
    let t = scenario();
    t.run(&[
        "fund",
        "policy",
        "S",
        "--from",
        "2023-01-01",
        "--idle-warn-months",
        "3",
        "--idle-alert-months",
        "10",
    ])
    .ok();
    let p = t.json(&["report", "pacing", "--fund", "S", "--as-of", "2024-12-31"]);
    let s = row(&p, "funds", "code", "S");
    // Over 3 months: both lots (2023-10-01, 2024-06-01 < 2024-12-31) = 1,800,000.
    // Over 10 months: July 2023 (2024-05-01) yes; March 2024 (2025-01-01) no = 800,000.
    assert_eq!(s["idle_warn_months"], 3);
    assert_eq!(s["idle_alert_months"], 10);
    assert_eq!(s["idle_over_warn"], "1800000.00");
    assert_eq!(s["idle_over_alert"], "800000.00");
    // A warning threshold not shorter than the alert is refused, and nothing changes.
    t.refused_unchanged(
        &[
            "fund",
            "policy",
            "S",
            "--from",
            "2024-01-01",
            "--idle-warn-months",
            "10",
        ],
        "idle-thresholds-order",
    );
    t.refused_unchanged(
        &[
            "fund",
            "policy",
            "S",
            "--from",
            "2024-01-01",
            "--idle-alert-months",
            "0",
        ],
        "bad-months",
    );
}

#[test]
fn breakdown_shares_add_up_to_exactly_one_hundred_percent() {
    let t = scenario();
    let b = t.json(&[
        "report",
        "breakdown",
        "--by",
        "region",
        "--fund",
        "S",
        "--as-of",
        "2024-12-31",
    ]);
    // Committed: A 3,000,000, B 1,000,000, C 2,000,000 of 6,000,000: 50%, 16.666…%,
    // 33.333…% → basis points 5000, 1666.67, 3333.33: floors 5000 + 1666 + 3333 = 9999;
    // the one left goes to the largest remainder (B's .67): 50.00, 16.67, 33.33.
    let share = |g: &str, col: &str| {
        row(&b, "groups", "group", g)[col]["percent"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(share("泉州市", "share_committed"), "50.00");
    assert_eq!(share("厦门市", "share_committed"), "16.67");
    assert_eq!(share("福州市", "share_committed"), "33.33");
    // Paid-in: A 2,200,000, B 500,000 of 2,700,000: 81.481…% and 18.518…% → floors
    // 8148 + 1851 = 9999, the remainder to B (.85 > .15): 81.48 + 18.52 = 100.00.
    assert_eq!(share("泉州市", "share_paid_in"), "81.48");
    assert_eq!(share("厦门市", "share_paid_in"), "18.52");
    assert_eq!(share("福州市", "share_paid_in"), "0.00");
    assert_eq!(b["total"]["committed"], "6000000.00");

    // Sector: 疫苗 A + C 5,000,000 (83.333…%), 芯片 16.666…%: floors 8333 + 1666, the
    // last basis point to 芯片 (.67 > .33): 83.33 + 16.67.
    let s = t.json(&[
        "report",
        "breakdown",
        "--by",
        "sector",
        "--fund",
        "S",
        "--as-of",
        "2024-12-31",
    ]);
    assert_eq!(
        row(&s, "groups", "group", "疫苗")["share_committed"]["percent"],
        "83.33"
    );
    assert_eq!(
        row(&s, "groups", "group", "芯片")["share_committed"]["percent"],
        "16.67"
    );

    // Local: S's home region is its guidance fund's, 泉州市: A is local (3,000,000).
    let l = t.json(&[
        "report",
        "breakdown",
        "--by",
        "local",
        "--fund",
        "S",
        "--as-of",
        "2024-12-31",
    ]);
    assert_eq!(
        row(&l, "groups", "group", "local")["committed"],
        "3000000.00"
    );
    assert_eq!(
        row(&l, "groups", "group", "non-local")["committed"],
        "3000000.00"
    );

    // Stage: A early (at add), B growth at add but mature from 2024-09-01 (a dated
    // fact), C none.
    t.run(&[
        "company",
        "fact",
        "B",
        "--date",
        "2024-09-01",
        "--stage",
        "mature",
    ])
    .ok();
    let st = t.json(&[
        "report",
        "breakdown",
        "--by",
        "stage",
        "--fund",
        "S",
        "--as-of",
        "2024-12-31",
    ]);
    assert_eq!(
        row(&st, "groups", "group", "early")["committed"],
        "3000000.00"
    );
    assert_eq!(
        row(&st, "groups", "group", "mature")["committed"],
        "1000000.00"
    );
    assert_eq!(
        row(&st, "groups", "group", "(unspecified)")["committed"],
        "2000000.00"
    );
    let before = t.json(&[
        "report",
        "breakdown",
        "--by",
        "stage",
        "--fund",
        "S",
        "--as-of",
        "2024-08-31",
    ]);
    assert_eq!(
        row(&before, "groups", "group", "growth")["committed"],
        "1000000.00"
    );

    // Look-through of G: its paid-in share of S is 1,800,000 ÷ 4,500,000 = 0.4, so A's
    // 3,000,000 counts 1,200,000.
    let lt = t.json(&[
        "report",
        "breakdown",
        "--by",
        "region",
        "--fund",
        "G",
        "--look-through",
        "--as-of",
        "2024-12-31",
    ]);
    assert_eq!(
        row(&lt, "groups", "group", "泉州市")["committed"],
        "1200000.00"
    );
    let table = t
        .run(&[
            "report",
            "breakdown",
            "--by",
            "sector",
            "--as-of",
            "2024-12-31",
        ])
        .ok()
        .to_string();
    assert!(table.contains("100.00%"), "{table}");
}

fn outcome_facts(t: &TestLedger) -> i64 {
    for args in [
        &[
            "company",
            "fact",
            "A",
            "--date",
            "2023-12-31",
            "--jobs",
            "30",
        ][..],
        &[
            "company",
            "fact",
            "A",
            "--date",
            "2024-12-31",
            "--jobs",
            "42",
        ],
        &[
            "company",
            "fact",
            "A",
            "--date",
            "2023-12-31",
            "--tax",
            "90000",
        ],
        &[
            "company",
            "fact",
            "A",
            "--date",
            "2024-06-30",
            "--tax",
            "15万",
        ],
        &[
            "company",
            "fact",
            "A",
            "--date",
            "2024-12-31",
            "--revenue",
            "2000000",
        ],
        &[
            "company",
            "fact",
            "A",
            "--date",
            "2024-08-01",
            "--financing",
            "5000000",
            "--round",
            "B",
            "--lead",
        ],
        &[
            "company",
            "fact",
            "A",
            "--date",
            "2024-02-01",
            "--relocated",
            "--memo",
            "总部迁入泉州",
        ],
        &[
            "company",
            "fact",
            "B",
            "--date",
            "2024-12-31",
            "--jobs",
            "18",
        ],
        &[
            "company",
            "fact",
            "B",
            "--date",
            "2024-12-31",
            "--tax",
            "60000.50",
        ],
        &[
            "company",
            "fact",
            "B",
            "--date",
            "2024-10-01",
            "--financing",
            "3000000",
            "--round",
            "A+",
        ],
    ] {
        t.run(args).ok();
    }
    let wrong = t.json(&[
        "company",
        "fact",
        "B",
        "--date",
        "2024-11-01",
        "--financing",
        "1000000",
        "--round",
        "A++",
    ]);
    wrong["id"].as_i64().unwrap()
}

#[test]
fn company_outcomes_per_company_and_per_fund_with_a_reversed_fact() {
    let t = scenario();
    let wrong = outcome_facts(&t);
    t.run(&[
        "company",
        "fact-reverse",
        &wrong.to_string(),
        "--reason",
        "round never closed",
    ])
    .ok();
    let o = t.json(&["report", "outcomes", "--as-of", "2024-12-31"]);
    let a = row(&o, "companies", "code", "A");
    // Jobs: the latest headcount (2024-12-31: 42); tax in 2024 only: 150,000.
    assert_eq!(a["jobs"], 42);
    assert_eq!(a["tax"], "150000.00");
    assert_eq!(a["relocated"], "2024-02-01");
    let s = row(&o, "funds", "code", "S");
    // Jobs 42 + 18 = 60; tax 150,000 + 60,000.50 = 210,000.50; financing 5,000,000 +
    // 3,000,000 = 8,000,000 (the reversed 1,000,000 left out); 2 rounds, 1 led; local
    // (泉州市, A) financing 5,000,000; 1 relocation in 2024.
    assert_eq!(s["jobs"], 60);
    assert_eq!(s["tax"], "210000.50");
    assert_eq!(s["financing"], "8000000.00");
    assert_eq!(s["rounds"], 2);
    assert_eq!(s["led_rounds"], 1);
    assert_eq!(s["local_financing"], "5000000.00");
    assert_eq!(s["relocated"], 1);
    assert_eq!(s["companies"], 3);
    // The guidance fund looks through to S's companies: the same sums.
    let g = row(&o, "funds", "code", "G");
    assert_eq!(g["tax"], "210000.50");

    // Refusals name the record and rule and change nothing.
    t.refused_unchanged(
        &[
            "company",
            "fact",
            "A",
            "--date",
            "2024-12-31",
            "--tax",
            "1.001",
        ],
        "fen",
    );
    t.refused_unchanged(
        &[
            "company",
            "fact",
            "ZZ",
            "--date",
            "2024-12-31",
            "--jobs",
            "3",
        ],
        "unknown-code",
    );
    t.refused_unchanged(
        &[
            "company",
            "fact",
            "A",
            "--date",
            "2024-03-01",
            "--relocated",
        ],
        "fact-duplicate",
    );
    t.refused_unchanged(
        &[
            "company",
            "fact",
            "A",
            "--date",
            "2024-03-01",
            "--stage",
            "late",
        ],
        "bad-stage",
    );
    t.refused_unchanged(
        &["company", "fact", "A", "--date", "2024-03-01", "--jobs=-3"],
        "fact-shape",
    );
    t.refused_unchanged(
        &[
            "company",
            "fact-reverse",
            &wrong.to_string(),
            "--reason",
            "again",
        ],
        "already-reversed",
    );
    t.refused_unchanged(
        &["company", "fact-reverse", "999", "--reason", "none"],
        "unknown-fact",
    );
    t.refused_unchanged(
        &["company", "add", "D", "--name", "丁", "--stage", "late"],
        "bad-stage",
    );
}

const TEMPLATE: &str = r#"
name = "Test scorecard"
points = 100
bonus_cap = 3

[[grade]]
min = 90
grade = "优秀"
[[grade]]
min = 80
grade = "良好"
[[grade]]
min = 0
grade = "不合格"

[[indicator]]
key = "reinvest"
name = "返投完成率"
weight = 30
metric = "reinvest_completion"
linear = { zero = 0, full = 1 }

[[indicator]]
key = "leverage"
name = "放大倍数"
weight = 20
metric = "leverage_paid_in"
thresholds = [{ min = 2, score = 20 }, { min = 1.5, score = 12 }]

[[indicator]]
key = "pace"
name = "投资进度"
weight = 20
metric = "investment_pace"
linear = { zero = 0, full = 0.8 }

[[indicator]]
key = "idle"
name = "闲置资金"
weight = 10
metric = "idle_share"
linear = { zero = 0.5, full = 0 }

[[indicator]]
key = "jobs"
name = "带动就业"
weight = 10
metric = "jobs"
thresholds = [{ min = 50, score = 10 }, { min = 20, score = 5 }]

[[indicator]]
key = "team"
name = "管理团队"
weight = 10
manual = true

[[indicator]]
key = "lead"
name = "领投"
weight = 5
bonus = true
metric = "lead_rounds"
thresholds = [{ min = 1, score = 5 }]
"#;

#[test]
fn scorecard_by_hand_with_a_zero_reinvest_minimum_and_a_reversed_manual_score() {
    let t = scenario();
    outcome_facts(&t);
    t.run(&[
        "fund",
        "policy",
        "G",
        "--from",
        "2022-01-01",
        "--reinvest-min",
        "0",
    ])
    .ok();
    let tpl = t.dir.path().join("t.toml");
    std::fs::write(&tpl, TEMPLATE).unwrap();
    let tpl = tpl.to_str().unwrap();
    t.run(&[
        "fund",
        "score",
        "G",
        "--year",
        "2024",
        "--indicator",
        "team",
        "--score",
        "7",
        "--note",
        "review minutes",
        "--by",
        "李审计",
    ])
    .ok();
    let second = t.json(&[
        "fund",
        "score",
        "G",
        "--year",
        "2024",
        "--indicator",
        "team",
        "--score",
        "8.5",
        "--note",
        "keyed for 2025",
    ]);
    let c = t.json(&[
        "fund",
        "scorecard",
        "G",
        "--template",
        tpl,
        "--year",
        "2024",
    ]);
    let score = |c: &Value, k: &str| {
        row(c, "indicators", "key", k)["score"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(score(&c, "team"), "8.50");
    t.run(&[
        "fund",
        "score-reverse",
        &second["id"].to_string(),
        "--reason",
        "belongs to 2025",
    ])
    .ok();
    let c = t.json(&[
        "fund",
        "scorecard",
        "G",
        "--template",
        tpl,
        "--year",
        "2024",
    ]);
    // 返投 minimum 0 → met, the full 30 (no division by the minimum, no breach).
    assert_eq!(score(&c, "reinvest"), "30.00");
    assert!(row(&c, "indicators", "key", "reinvest")["evidence"]
        .as_str()
        .unwrap()
        .contains("met"));
    // 放大倍数 paid-in: S's 4,500,000 ÷ G's 1,800,000 = 2.5 ≥ 2 → 20.
    assert_eq!(row(&c, "indicators", "key", "leverage")["figure"], "2.5");
    assert_eq!(score(&c, "leverage"), "20.00");
    // Pace of G: 1,800,000 ÷ 3,000,000 = 0.6; 20 × 0.6 ÷ 0.8 = 15.
    assert_eq!(score(&c, "pace"), "15.00");
    // Idle share of G: 1,200,000 idle over 6 months ÷ 3,000,000 = 0.4;
    // 10 × (0.4 − 0.5) ÷ (0 − 0.5) = 2.
    assert_eq!(score(&c, "idle"), "2.00");
    // Jobs through S: 42 + 18 = 60 ≥ 50 → 10.
    assert_eq!(score(&c, "jobs"), "10.00");
    // Manual: 8.5 reversed, so the 7 recorded first counts.
    assert_eq!(score(&c, "team"), "7.00");
    assert!(row(&c, "indicators", "key", "team")["evidence"]
        .as_str()
        .unwrap()
        .contains("李审计"));
    // Bonus: 1 led round → 5, capped at 3.
    assert_eq!(score(&c, "lead"), "5.00");
    // Base 30 + 20 + 15 + 2 + 10 + 7 = 84; bonus 3; total 87 → 良好.
    assert_eq!(c["base"], "84.00");
    assert_eq!(c["bonus"], "3.00");
    assert_eq!(c["total"], "87.00");
    assert_eq!(c["grade"], "良好");
    // The leverage report shows no shortfall for a minimum of 0.
    let lev = t.json(&["report", "leverage", "--as-of", "2024-12-31", "--fund", "G"]);
    let g = row(&lev, "funds", "code", "G");
    assert_eq!(g["reinvest"]["shortfall"], "0.00");

    // Every format renders.
    for f in ["table", "csv"] {
        let out = t
            .run(&[
                "--format",
                f,
                "fund",
                "scorecard",
                "G",
                "--template",
                tpl,
                "--year",
                "2024",
            ])
            .ok()
            .to_string();
        assert!(out.contains("87.00"), "{f}: {out}");
    }
    let xlsx = t.dir.path().join("card.xlsx");
    t.run(&[
        "--format",
        "xlsx",
        "--output",
        xlsx.to_str().unwrap(),
        "fund",
        "scorecard",
        "G",
        "--template",
        tpl,
        "--year",
        "2024",
    ])
    .ok();
    assert!(xlsx.exists());

    // Refusals: manual score rules, and a template whose weights do not add up.
    t.refused_unchanged(
        &[
            "fund",
            "score",
            "G",
            "--year",
            "2024",
            "--indicator",
            "team",
            "--score",
            "7.555",
            "--note",
            "x",
        ],
        "bad-score",
    );
    t.refused_unchanged(
        &[
            "fund",
            "score",
            "G",
            "--year",
            "2024",
            "--indicator",
            "team",
            "--score",
            "7",
            "--note",
            " ",
        ],
        "note-required",
    );
    t.refused_unchanged(
        &[
            "fund",
            "score-reverse",
            &second["id"].to_string(),
            "--reason",
            "again",
        ],
        "already-reversed",
    );
    let bad = t.dir.path().join("bad.toml");
    std::fs::write(&bad, TEMPLATE.replace("weight = 30", "weight = 31")).unwrap();
    let msg = t.refused_unchanged(
        &[
            "fund",
            "scorecard",
            "G",
            "--template",
            bad.to_str().unwrap(),
            "--year",
            "2024",
        ],
        "bad-template",
    );
    assert!(msg.contains("101"), "{msg}");
}

#[test]
fn company_facts_import_from_csv_all_or_nothing() {
    let t = scenario();
    let csv = t.dir.path().join("facts.csv");
    std::fs::write(
        &csv,
        "type,company,date,fact,jobs,amount,round,lead,stage,memo\n\
         company-fact,A,2024-12-31,jobs,42,,,,,\n\
         company-fact,A,2024-06-30,tax,,15万,,,,\n\
         company-fact,B,2024-10-01,financing,,3000000,A+,否,,\n\
         company-fact,A,2024-08-01,financing,,5000000,B,是,,\n\
         company-fact,B,2024-09-01,stage,,,,,成熟期,\n",
    )
    .unwrap();
    let bad = t.dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "type,company,date,fact,jobs,amount,round,lead,stage,memo\n\
         company-fact,A,2024-12-31,jobs,42,,,,,\n\
         company-fact,A,2024-06-30,tax,,1.001,,,,\n\
         company-fact,ZZ,2024-06-30,tax,,100,,,,\n\
         company-fact,B,2024-10-01,financing,,3000000,,,,\n",
    )
    .unwrap();
    let msg = t.refused_unchanged(&["import", bad.to_str().unwrap()], "bad row");
    // Every bad row is named: 3 (too precise), 4 (unknown company), 5 (no round).
    for needle in ["row 3", "row 4", "row 5"] {
        assert!(msg.contains(needle), "{needle}: {msg}");
    }
    t.run(&["import", csv.to_str().unwrap()]).ok();
    let o = t.json(&["report", "outcomes", "--fund", "S", "--as-of", "2024-12-31"]);
    let s = row(&o, "funds", "code", "S");
    // Jobs 42 (B reported none); tax 150,000; financing 3,000,000 + 5,000,000; 1 led.
    assert_eq!(s["jobs"], 42);
    assert_eq!(s["tax"], "150000.00");
    assert_eq!(s["financing"], "8000000.00");
    assert_eq!(s["led_rounds"], 1);
    assert_eq!(row(&o, "companies", "code", "B")["stage"], "mature");
}

#[test]
fn facts_scores_and_idle_terms_are_sealed_and_the_audit_is_clean() {
    let t = scenario();
    outcome_facts(&t);
    t.run(&[
        "fund",
        "score",
        "G",
        "--year",
        "2024",
        "--indicator",
        "team",
        "--score",
        "7",
        "--note",
        "n",
    ])
    .ok();
    t.run(&[
        "fund",
        "policy",
        "G",
        "--from",
        "2022-01-01",
        "--reinvest-min",
        "0",
        "--idle-warn-months",
        "5",
    ])
    .ok();
    let out = t.run(&["audit"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
}

#[test]
fn the_example_scorecard_by_hand() {
    let t = TestLedger::example();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let tpl = root.join("docs/templates/quanzhou-2025.toml");
    let c = t.json(&[
        "fund",
        "scorecard",
        "SC",
        "--template",
        tpl.to_str().unwrap(),
        "--year",
        "2021",
    ]);
    let score = |k: &str| {
        row(&c, "indicators", "key", k)["score"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // No 返投 minimum recorded for SC: undefined, 0 (the evidence says how to record one).
    assert_eq!(score("reinvest"), "0.00");
    // 放大倍数: SC-1's paid-in 4,300万 ÷ SC's 3,440万 = 1.25 → the "min 1" step, 3.
    assert_eq!(row(&c, "indicators", "key", "leverage")["figure"], "1.25");
    assert_eq!(score("leverage"), "3.00");
    // Local follow-on financing C01 6,000万 + C03 2,000万 = 8,000万 ≥ 5,000万 → 6.
    assert_eq!(score("follow_on"), "6.00");
    // Jobs 86 + 45 + 38 + 120 + 52 + 64 = 405 ≥ 200 → 3; tax 320 + 85 + 60 + 150 + 40
    // + 25 = 680万 → 3 × 6,800,000 ÷ 10,000,000 = 2.04.
    assert_eq!(row(&c, "indicators", "key", "jobs")["figure"], "405");
    assert_eq!(score("tax"), "2.04");
    // Pace: SC invested 3,440万 (into SC-1) + 2,000万 (C05) + 1,795万 (C06) = 7,235万 of
    // 8,000万 = 0.904375 ≥ 0.8 → 6. Idle 765万, all over 6 months: 0.095625 →
    // 5 × (0.095625 − 0.5) ÷ (0 − 0.5) = 4.04375 → 4.04.
    assert_eq!(score("pace"), "6.00");
    assert_eq!(score("idle"), "4.04");
    // TVPI 9,160万 ÷ 8,000万 = 1.145 → the "min 1" step, 2.
    assert_eq!(score("tvpi"), "2.00");
    // Manual: team 7, compliance 6.5; the others not scored yet.
    assert_eq!(score("team"), "7.00");
    assert_eq!(score("compliance"), "6.50");
    // 0 + 3 + 0 + 6 + 2 + 3 + 2.04 + 7 + 0 + 0 + 6.5 + 0 + 6 + 4.04 + 2 = 41.58.
    assert_eq!(c["total"], "41.58");
    assert_eq!(c["grade"], "不合格");
}
