//! Leverage, 返投, government share, policy terms and look-through, through the real
//! binary on real SQLite files. Every expected figure is worked out by hand in the
//! comment beside it.

mod common;

use common::{small_ledger, TestLedger};
use serde_json::Value;

/// Run one command per line (arguments split on whitespace; `#` starts a comment line).
fn script(t: &TestLedger, lines: &str) {
    for line in lines
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let args: Vec<&str> = line.split_whitespace().collect();
        t.run(&args).ok();
    }
}

/// Run a recording command and return the new entry's id.
fn id_of(t: &TestLedger, line: &str) -> String {
    let args: Vec<&str> = line.split_whitespace().collect();
    t.json(&args)["id"].to_string()
}

fn leverage(t: &TestLedger, extra: &[&str]) -> Value {
    let mut args = vec!["report", "leverage"];
    args.extend_from_slice(extra);
    t.json(&args)
}

fn row<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["funds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("no row {code} in {report:#}"))
}

fn fig(v: &Value) -> (Value, Value, Value) {
    (
        v["value"].clone(),
        v["numerator"].clone(),
        v["denominator"].clone(),
    )
}

fn s(x: &str) -> Value {
    Value::String(x.into())
}

#[test]
fn small_ledger_figures_by_hand() {
    // small_ledger: GOV commits 10,000,000 to G and pays 8,000,000; G commits 4,000,000
    // to S and pays 3,000,000; SOC (social) commits 1,000,000 to S and pays 750,000;
    // S commits 2,000,000 to A (昆明市, G's home region) and pays 1,500,000.
    let t = small_ledger();
    let j = leverage(&t, &[]);
    assert_eq!(j["as_of"], "2026-06-30");

    let sub = row(&j, "S");
    assert_eq!(sub["kind"], "sub-fund");
    assert_eq!(sub["parent"], "G");
    // S's LPs: G (a guidance fund, so government) and SOC.
    assert_eq!(sub["gov_committed"], "4000000.00");
    assert_eq!(sub["gov_paid_in"], "3000000.00");
    assert_eq!(sub["soe_committed"], "0.00");
    assert_eq!(sub["social_committed"], "1000000.00");
    assert_eq!(sub["social_paid_in"], "750000.00");
    assert_eq!(sub["size_committed"], "5000000.00");
    assert_eq!(sub["size_paid_in"], "3750000.00");
    // 5,000,000 ÷ 4,000,000 = 1.25; 3,750,000 ÷ 3,000,000 = 1.25.
    assert_eq!(
        fig(&sub["leverage_committed"]),
        (s("1.2500"), s("5000000.00"), s("4000000.00"))
    );
    assert_eq!(
        fig(&sub["leverage_paid_in"]),
        (s("1.2500"), s("3750000.00"), s("3000000.00"))
    );
    // Social ÷ government = 1,000,000 ÷ 4,000,000 = 0.25.
    assert_eq!(
        fig(&sub["social_multiple"]),
        (s("0.2500"), s("1000000.00"), s("4000000.00"))
    );
    // 返投 with no policy: committed base. A is local, weight 1: 2,000,000 ÷ 4,000,000.
    let r = &sub["reinvest"];
    assert_eq!(r["local_amount"], "2000000.00");
    assert_eq!(r["base"], "4000000.00");
    assert_eq!(r["base_kind"], "committed");
    assert_eq!(r["ratio"], "0.5000");
    assert_eq!(r["required"], Value::Null);
    assert_eq!(r["shortfall"], Value::Null);
    // Government share 4,000,000 ÷ 5,000,000 = 0.8; no cap in force.
    assert_eq!(sub["gov_share"], "0.8000");
    assert_eq!(sub["gov_share_max"], Value::Null);
    assert_eq!(sub["breach"], Value::Null);

    let g = row(&j, "G");
    assert_eq!(g["sub_funds"], 1);
    // Programme G+S consolidated: G's 4,000,000 into S is internal; government money
    // counted once, as GOV's 10,000,000 (8,000,000 paid).
    assert_eq!(g["gov_committed"], "10000000.00");
    assert_eq!(g["gov_paid_in"], "8000000.00");
    assert_eq!(g["social_committed"], "1000000.00");
    // 10,000,000 + 1,000,000 = 11,000,000; 8,000,000 + 750,000 = 8,750,000.
    assert_eq!(g["size_committed"], "11000000.00");
    assert_eq!(g["size_paid_in"], "8750000.00");
    // Sub-fund sizes ÷ G's contributions to them: as for S.
    assert_eq!(
        fig(&g["leverage_committed"]),
        (s("1.2500"), s("5000000.00"), s("4000000.00"))
    );
    // 1,000,000 ÷ 10,000,000 = 0.1.
    assert_eq!(
        fig(&g["social_multiple"]),
        (s("0.1000"), s("1000000.00"), s("10000000.00"))
    );
    assert_eq!(g["reinvest"]["ratio"], "0.5000");
    // 10,000,000 ÷ 11,000,000 = 0.90909… → 0.9091.
    assert_eq!(g["gov_share"], "0.9091");
    assert_eq!(g["breach"], Value::Null);

    let tot = &j["total"];
    assert_eq!(tot["guidance_funds"], 1);
    assert_eq!(tot["sub_funds"], 1);
    assert_eq!(tot["gov_committed"], "10000000.00");
    assert_eq!(tot["size_committed"], "11000000.00");
    assert_eq!(tot["leverage_committed"]["value"], "1.2500");
    assert_eq!(tot["breach"], false);
    assert_eq!(j["breaches"], Value::Array(vec![]));

    // Every key the issue names is present on every row and on the total.
    for r in j["funds"].as_array().unwrap() {
        for k in ["code", "kind", "parent"] {
            assert!(r.get(k).is_some(), "{k}");
        }
    }
    for r in j["funds"].as_array().unwrap().iter().chain([tot]) {
        for k in [
            "gov_committed",
            "gov_paid_in",
            "soe_committed",
            "soe_paid_in",
            "social_committed",
            "social_paid_in",
            "size_committed",
            "size_paid_in",
            "gov_share",
            "gov_share_max",
            "breach",
        ] {
            assert!(r.get(k).is_some(), "{k}");
        }
        for k in ["leverage_committed", "leverage_paid_in", "social_multiple"] {
            for f in ["value", "numerator", "denominator"] {
                assert!(r[k].get(f).is_some(), "{k}.{f}");
            }
        }
        for f in ["local_amount", "base", "ratio", "required", "shortfall"] {
            assert!(r["reinvest"].get(f).is_some(), "reinvest.{f}");
        }
    }

    // CSV: one header row, one row per fund and the total, plain numbers in 万元.
    let csv = t
        .run(&["--format", "csv", "--unit", "wan", "report", "leverage"])
        .ok()
        .to_string();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(
        lines[0].starts_with("Code,Name,Kind,Parent,Sub-funds,Gov committed (万元)"),
        "{csv}"
    );
    // G's size 11,000,000 元 = 1,100.00 万元.
    assert!(lines[1].starts_with("G,引导基金,guidance,,1,1000.00,800.00,0.00,0.00,100.00,75.00,1100.00,875.00,1.2500,500.00,400.00"), "{csv}");
    // Table in 万元: the ratio section shows numerator and denominator.
    let table = t
        .run(&["--unit", "wan", "report", "leverage"])
        .ok()
        .to_string();
    assert!(
        table.contains("1,100.00") && table.contains("0.9091"),
        "{table}"
    );
    assert!(
        table.contains("No sub-fund is above its government-share cap."),
        "{table}"
    );
}

#[test]
fn example_ledger_sc_has_one_sub_fund_and_10m_social_capital() {
    let t = TestLedger::example();
    let j = leverage(&t, &["--fund", "SC"]);
    let sc = row(&j, "SC");
    // The seed: 双创 guidance fund set up 1 sub-fund and drew in 1,000万元 of social capital.
    assert_eq!(sc["sub_funds"], 1);
    assert_eq!(sc["social_committed"], "10000000.00");
    // SC-1 = SC 4,000万 + social 1,000万: leverage 5,000万 ÷ 4,000万 = 1.25.
    assert_eq!(
        fig(&sc["leverage_committed"]),
        (s("1.2500"), s("50000000.00"), s("40000000.00"))
    );
    // 1,000万 social ÷ 10,000万 from 昆明市财政局 = 0.1.
    assert_eq!(sc["social_multiple"]["value"], "0.1000");
    // 返投: SC-1's 4,800万 and SC's direct 4,985万, all in 昆明市 (weight 1), over SC's
    // contribution 4,000万 + 4,985万 = 8,985万: 9,785 ÷ 8,985 = 1.08903… → 1.0890.
    let r = &sc["reinvest"];
    assert_eq!(
        (r["local_amount"].clone(), r["base"].clone()),
        (s("97850000.00"), s("89850000.00"))
    );
    assert_eq!(r["ratio"], "1.0890");
    let codes: Vec<&str> = j["funds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["SC", "SC-1"]);

    // 高新诺泰 has no sub-funds: leverage undefined, with the reason.
    let j = leverage(&t, &[]);
    let nt = row(&j, "NT");
    assert_eq!(nt["sub_funds"], 0);
    assert_eq!(nt["leverage_committed"]["value"], Value::Null);
    assert!(nt["leverage_committed"]["reason"]
        .as_str()
        .unwrap()
        .contains("no sub-funds"));

    // Look-through: SC paid 3,440万 of SC-1's 4,300万 = 0.8. C01 (marked 2,100万) → 1,680万.
    let lt = t.json(&["report", "portfolio", "--look-through", "--fund", "SC"]);
    let sc = &lt["funds"][0];
    assert_eq!(sc["stakes"][0]["share"], "0.8000");
    let c01 = sc["holdings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["company"] == "C01")
        .unwrap();
    assert_eq!(
        (c01["via"].clone(), c01["value"].clone()),
        (s("SC-1"), s("16800000.00"))
    );
    // Direct 4,985万 + 0.8 × 4,800万 = 8,825万 committed; direct 3,795万 + 0.8 × 4,300万
    // = 7,235万 paid; value direct 2,600万 + 1,795万 (at cost) + 0.8 × (2,100 + 800 + 1,100
    // + 1,000)万 = 8,395万.
    assert_eq!(sc["total"]["committed"], "88250000.00");
    assert_eq!(sc["total"]["paid_in"], "72350000.00");
    assert_eq!(sc["total"]["value"], "83950000.00");
}

#[test]
fn sub_fund_over_its_government_share_cap() {
    let t = small_ledger();
    script(
        &t,
        "fund policy G --from 2020-01-01 --gov-share-max 30%
         fund policy S --from 2022-01-01 --gov-share-max 80% --memo 子基金协议",
    );
    // As of 2021-12-31 only G's cap applies to S: 4,000,000 ÷ 5,000,000 = 0.8 > 0.3.
    let j = leverage(&t, &["--as-of", "2021-12-31"]);
    let sub = row(&j, "S");
    assert_eq!(sub["gov_share_max"], "0.3000");
    assert_eq!(sub["breach"], true);
    assert_eq!(j["total"]["breach"], true);
    assert_eq!(row(&j, "G")["breach"], Value::Null);
    let b = &j["breaches"][0];
    assert_eq!(b["code"], "S");
    assert_eq!(b["policy_fund"], "G");
    assert_eq!(b["gov_share"], "0.8000");
    // Over the cap by 4,000,000 − 0.3 × 5,000,000 = 2,500,000.
    assert_eq!(b["excess"], "2500000.00");
    let table = t
        .run(&["report", "leverage", "--as-of", "2021-12-31"])
        .ok()
        .to_string();
    assert!(
        table.contains("BREACH") && table.contains("2,500,000.00"),
        "{table}"
    );

    // From 2022 S's own agreement caps it at 80%: 0.8 is not above 0.8, no breach.
    let j = leverage(&t, &["--as-of", "2022-01-01"]);
    assert_eq!(row(&j, "S")["gov_share_max"], "0.8000");
    assert_eq!(row(&j, "S")["breach"], false);
    assert_eq!(j["breaches"], Value::Array(vec![]));

    // Before anyone committed, the share is undefined, not 0.
    let j = leverage(&t, &["--as-of", "2019-12-31"]);
    let sub = row(&j, "S");
    assert_eq!(sub["gov_share"], Value::Null);
    assert!(sub["gov_share_reason"]
        .as_str()
        .unwrap()
        .contains("no LP commitments"));
    assert_eq!(sub["breach"], Value::Null);
}

#[test]
fn reinvest_shortfall_and_a_policy_change_mid_life() {
    let t = small_ledger();
    script(
        &t,
        "fund policy G --from 2020-01-01 --reinvest-min 2
         fund policy G --from 2023-01-01 --reinvest-min 0.4 --reinvest-base paid-in",
    );
    // Before the change: 2× on the committed base. Local: S's 2,000,000 in A.
    // Required 2 × 4,000,000 = 8,000,000; shortfall 8,000,000 − 2,000,000 = 6,000,000.
    let j = leverage(&t, &["--as-of", "2022-12-31"]);
    for code in ["S", "G"] {
        let r = &row(&j, code)["reinvest"];
        assert_eq!(r["base_kind"], "committed", "{code}");
        assert_eq!(r["local_amount"], "2000000.00", "{code}");
        assert_eq!(r["base"], "4000000.00", "{code}");
        assert_eq!(r["ratio"], "0.5000", "{code}");
        assert_eq!(r["minimum"], "2.0000", "{code}");
        assert_eq!(r["required"], "8000000.00", "{code}");
        assert_eq!(r["shortfall"], "6000000.00", "{code}");
    }
    // The city-wide total measures each guidance fund against its own minimum.
    assert_eq!(j["total"]["reinvest"]["shortfall"], "6000000.00");

    // From 2023: 0.4× on the paid-in base. Local paid-in: 1,500,000 in A; G paid
    // 3,000,000 into S: ratio 0.5; required 0.4 × 3,000,000 = 1,200,000; no shortfall.
    let j = leverage(&t, &["--as-of", "2023-01-01"]);
    let r = &row(&j, "S")["reinvest"];
    assert_eq!(r["base_kind"], "paid-in");
    assert_eq!(r["local_amount"], "1500000.00");
    assert_eq!(r["base"], "3000000.00");
    assert_eq!(r["ratio"], "0.5000");
    assert_eq!(r["required"], "1200000.00");
    assert_eq!(r["shortfall"], "0.00");

    // The terms in force on each date, traced to their records.
    let h = t.json(&["fund", "policy", "G", "--as-of", "2022-12-31"]);
    assert_eq!(h["in_force"]["reinvest_min"]["value"], "2.0000");
    assert_eq!(h["in_force"]["reinvest_min"]["policy_id"], 1);
    assert_eq!(h["in_force"]["reinvest_base"], Value::Null);
    let h = t.json(&["fund", "policy", "G", "--as-of", "2023-01-01"]);
    assert_eq!(h["in_force"]["reinvest_min"]["value"], "0.4000");
    assert_eq!(h["in_force"]["reinvest_base"]["value"], "paid-in");
}

#[test]
fn recognition_weights_count_as_stated_and_default_by_region() {
    let t = TestLedger::new();
    // S is registered in 上海市, but 返投 counts for G's home region, 昆明市.
    script(
        &t,
        "fund add G --name 引导 --kind guidance --inception 2020-01-01 --region 昆明市
         fund add S --name 子 --kind sub-fund --parent G --inception 2020-01-01 --region 上海市
         investor add GOV --name 财政 --type government
         company add L --name 本地 --region 昆明市
         company add R --name 迁入 --region 上海市
         company add M --name 外地 --region 北京市
         company add Z --name 本地零 --region 昆明市
         lp commit G --investor GOV --amount 10000000 --date 2020-01-01
         lp commit S --investor G --amount 1000000 --date 2020-01-02
         lp pay S --investor G --amount 1000000 --date 2020-01-02
         deal commit S L --amount 100000 --date 2020-02-01
         deal commit S M --amount 300000 --date 2020-02-01
         deal commit S Z --amount 100000 --date 2020-02-01 --reinvest-weight 0
         deal commit G M --amount 100000.03 --date 2020-02-01 --reinvest-weight 1.5
         deal pay G M --amount 0.03 --date 2020-02-15
         deal pay S L --amount 50000 --date 2020-02-15
         fund policy G --from 2026-01-01 --reinvest-base paid-in",
    );
    let r_commit = id_of(
        &t,
        "deal commit S R --amount 200000 --date 2020-02-01 --reinvest-weight 2",
    );
    // A later commitment stating no weight keeps R's weight of 2.
    script(&t, "deal commit S R --amount 50000 --date 2020-03-01");
    let r_pay = id_of(&t, "deal pay S R --amount 100000.01 --date 2020-02-15");

    // Committed base (as of 2025-12-31):
    //   S: L 100,000 × 1 (local default) + R (200,000 + 50,000) × 2 + M 300,000 × 0
    //      (北京市, not local) + Z 100,000 × 0 (stated) = 600,000 over G's 1,000,000 → 0.6.
    //   G: S's 600,000 + direct M 100,000.03 × 1.5 = 150,000.045 → 150,000.05 (half away
    //      from zero; banker's rounding would give .04) = 750,000.05, over 1,000,000 to S
    //      + 100,000.03 direct = 1,100,000.03 → 0.681818… → 0.6818.
    let j = leverage(&t, &["--as-of", "2025-12-31"]);
    let s_r = &row(&j, "S")["reinvest"];
    assert_eq!(
        (s_r["local_amount"].clone(), s_r["ratio"].clone()),
        (s("600000.00"), s("0.6000"))
    );
    let g_r = &row(&j, "G")["reinvest"];
    assert_eq!(g_r["local_amount"], "750000.05");
    assert_eq!(g_r["base"], "1100000.03");
    assert_eq!(g_r["ratio"], "0.6818");

    // Paid-in base (policy from 2026-01-01):
    //   S: R 100,000.01 × 2 = 200,000.02 + L 50,000 = 250,000.02 over 1,000,000 → 0.2500.
    //   G: + direct 0.03 × 1.5 = 0.045 → 0.05: 250,000.07 over 1,000,000.03 → 0.2500.
    let j = leverage(&t, &[]);
    let s_r = &row(&j, "S")["reinvest"];
    assert_eq!(
        (s_r["base_kind"].clone(), s_r["local_amount"].clone()),
        (s("paid-in"), s("250000.02"))
    );
    let g_r = &row(&j, "G")["reinvest"];
    assert_eq!(
        (g_r["local_amount"].clone(), g_r["base"].clone()),
        (s("250000.07"), s("1000000.03"))
    );

    // The weight is kept with the entry and shown in the log.
    let log = t.json(&["log", "--fund", "S"]);
    let weighted: Vec<&Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reinvest_weight"] != Value::Null)
        .collect();
    assert_eq!(weighted.len(), 2, "{log:#}");
    assert_eq!(weighted[1]["reinvest_weight"], "2.0000");
    assert!(t
        .run(&["log", "--fund", "S"])
        .ok()
        .contains("返投 weight 2"));

    // Reversing R's weighted commitment (after its payment) leaves R's second commitment
    // with no stated weight: R is in 上海市, so it counts 0. S: L 100,000 only → 0.1.
    t.run(&["reverse", &r_pay, "--reason", "keyed against R by mistake"])
        .ok();
    t.run(&[
        "reverse",
        &r_commit,
        "--reason",
        "R committed through another vehicle",
    ])
    .ok();
    let j = leverage(&t, &["--as-of", "2025-12-31"]);
    let s_r = &row(&j, "S")["reinvest"];
    assert_eq!(
        (s_r["local_amount"].clone(), s_r["ratio"].clone()),
        (s("100000.00"), s("0.1000"))
    );
}

#[test]
fn guidance_fund_without_sub_funds_and_zero_denominators() {
    let t = TestLedger::new();
    script(
        &t,
        "fund add N --name 无子基金 --kind guidance --inception 2020-01-01 --region 昆明市
         fund add E --name 空基金 --kind guidance --inception 2020-01-01 --region 昆明市
         fund add SX --name 只有社会资本 --kind sub-fund --parent E --inception 2020-01-01
         investor add GOV --name 财政 --type government
         investor add SOE --name 国企 --type state-owned
         investor add SOC --name 社会 --type social
         company add A --name 甲 --region 昆明市
         lp commit N --investor GOV --amount 3000000 --date 2020-01-01
         lp commit N --investor SOE --amount 1000000 --date 2020-01-01
         deal commit N A --amount 1000000 --date 2020-02-01
         deal pay N A --amount 400000 --date 2020-02-01
         lp commit SX --investor SOC --amount 500000 --date 2020-01-01",
    );
    let j = leverage(&t, &[]);
    let n = row(&j, "N");
    assert_eq!(n["sub_funds"], 0);
    // No sub-funds: leverage undefined (0 ÷ 0), never 0 or infinity.
    assert_eq!(
        fig(&n["leverage_committed"]),
        (Value::Null, s("0.00"), s("0.00"))
    );
    assert!(n["leverage_paid_in"]["reason"]
        .as_str()
        .unwrap()
        .contains("'N' has no sub-funds"));
    // Social 0 ÷ government 3,000,000 is a real 0, not undefined.
    assert_eq!(n["social_multiple"]["value"], "0.0000");
    // 返投 on its direct deal: 1,000,000 local ÷ 1,000,000 contributed = 1.
    assert_eq!(n["reinvest"]["ratio"], "1.0000");
    // 3,000,000 ÷ (3,000,000 + 1,000,000) = 0.75.
    assert_eq!(n["gov_share"], "0.7500");
    assert_eq!(n["soe_committed"], "1000000.00");

    // E has a sub-fund but put nothing in it, and no LPs of its own.
    let e = row(&j, "E");
    assert_eq!(e["sub_funds"], 1);
    assert_eq!(
        fig(&e["leverage_committed"]),
        (Value::Null, s("500000.00"), s("0.00"))
    );
    assert!(e["leverage_committed"]["reason"]
        .as_str()
        .unwrap()
        .contains("committed nothing to its sub-funds"));
    assert_eq!(e["reinvest"]["ratio"], Value::Null);
    assert!(e["reinvest"]["reason"].as_str().is_some());
    // Programme E: only SX's social 500,000; no government capital.
    assert_eq!(e["social_multiple"]["value"], Value::Null);
    assert!(e["social_multiple"]["reason"]
        .as_str()
        .unwrap()
        .contains("no government capital"));

    let sx = row(&j, "SX");
    assert_eq!(
        fig(&sx["leverage_committed"]),
        (Value::Null, s("500000.00"), s("0.00"))
    );
    assert!(sx["leverage_committed"]["reason"]
        .as_str()
        .unwrap()
        .contains("'E' has committed nothing to 'SX'"));
    // Government 0 of 500,000: the share is 0, defined.
    assert_eq!(sx["gov_share"], "0.0000");

    // Total over N and E: sub-fund sizes 500,000 over guidance commitments 0 → undefined.
    let tot = &j["total"];
    assert_eq!(tot["guidance_funds"], 2);
    assert_eq!(
        fig(&tot["leverage_committed"]),
        (Value::Null, s("500000.00"), s("0.00"))
    );
    assert!(tot["leverage_committed"]["reason"].as_str().is_some());

    // Tables say n/a, CSV too; never 0 or inf.
    let table = t.run(&["report", "leverage"]).ok().to_string();
    assert!(table.contains("n/a") && !table.contains("inf"), "{table}");
    let csv = t
        .run(&["--format", "csv", "report", "leverage", "--fund", "SX"])
        .ok()
        .to_string();
    assert!(csv.lines().nth(1).unwrap().contains(",n/a,"), "{csv}");

    // --fund narrows to one guidance fund's block, or one sub-fund.
    let j = leverage(&t, &["--fund", "N"]);
    assert_eq!(j["funds"].as_array().unwrap().len(), 1);
    assert_eq!(j["total"]["sub_funds"], 0);
    let j = leverage(&t, &["--fund", "SX"]);
    assert_eq!(j["funds"][0]["code"], "SX");
    assert_eq!(j["total"]["social_committed"], "500000.00");
}

#[test]
fn look_through_by_paid_in_rounds_each_line_once() {
    let t = TestLedger::new();
    script(
        &t,
        "fund add G --name 引导 --kind guidance --inception 2020-01-01 --region 昆明市
         fund add S --name 子 --kind sub-fund --parent G --inception 2020-01-01
         fund add S2 --name 未出资 --kind sub-fund --parent G --inception 2020-01-01
         investor add GOV --name 财政 --type government
         investor add SOC --name 社会 --type social
         company add A --name 甲 --sector 芯片 --region 昆明市
         company add B --name 乙 --region 昆明市
         lp commit G --investor GOV --amount 5000000 --date 2020-01-01
         lp pay G --investor GOV --amount 5000000 --date 2020-01-01
         lp commit S --investor G --amount 1000000 --date 2020-01-02
         lp pay S --investor G --amount 1000000 --date 2020-01-02
         lp commit S --investor SOC --amount 2000000 --date 2020-01-02
         lp pay S --investor SOC --amount 2000000 --date 2020-01-02
         lp commit S2 --investor G --amount 100 --date 2020-01-02
         deal commit S A --amount 1000000.01 --date 2020-02-01
         deal pay S A --amount 1000000.01 --date 2020-02-01
         deal value S A --amount 100 --date 2021-12-31
         deal proceeds S A --amount 200 --date 2022-03-01 --kind dividend
         deal commit G B --amount 500000 --date 2020-02-01
         deal pay G B --amount 500000 --date 2020-02-01",
    );
    let lt = t.json(&["report", "portfolio", "--look-through"]);
    assert_eq!(lt["basis"], "paid-in");
    let g = &lt["funds"][0];
    assert_eq!(g["code"], "G");
    // G paid 1,000,000 of S's 3,000,000: share 1/3 → shown 0.3333.
    let st = &g["stakes"][0];
    assert_eq!(
        (st["fund"].clone(), st["share"].clone()),
        (s("S"), s("0.3333"))
    );
    assert_eq!(
        (st["holder_paid_in"].clone(), st["fund_paid_in"].clone()),
        (s("1000000.00"), s("3000000.00"))
    );
    // S2: G committed but nobody paid in: undefined, with a reason, and no lines.
    let st2 = &g["stakes"][1];
    assert_eq!(
        (st2["fund"].clone(), st2["share"].clone()),
        (s("S2"), Value::Null)
    );
    assert!(st2["reason"]
        .as_str()
        .unwrap()
        .contains("no LP has paid into 'S2'"));

    let h = g["holdings"].as_array().unwrap();
    assert_eq!(h.len(), 2);
    // Direct B at 100%, at cost.
    assert_eq!(
        (
            h[0]["company"].clone(),
            h[0]["via"].clone(),
            h[0]["share"].clone()
        ),
        (s("B"), Value::Null, s("1.0000"))
    );
    assert_eq!(h[0]["at_cost"], true);
    // A via S: 1,000,000.01 ÷ 3 = 333,333.3366… → 333,333.34; value 100 ÷ 3 = 33.33;
    // proceeds 200 ÷ 3 = 66.666… → 66.67 (each rounded once, half away from zero).
    assert_eq!(
        (h[1]["company"].clone(), h[1]["via"].clone()),
        (s("A"), s("S"))
    );
    assert_eq!(h[1]["committed"], "333333.34");
    assert_eq!(h[1]["paid_in"], "333333.34");
    assert_eq!(h[1]["value"], "33.33");
    assert_eq!(h[1]["proceeds"], "66.67");
    assert_eq!(h[1]["sector"], "芯片");
    // Totals add the lines: 500,000 + 333,333.34.
    assert_eq!(g["total"]["committed"], "833333.34");
    assert_eq!(g["total"]["value"], "500033.33");
    assert_eq!(g["total"]["unmarked"], 1);

    let csv = t
        .run(&["--format", "csv", "report", "portfolio", "--look-through"])
        .ok()
        .to_string();
    assert!(
        csv.starts_with("Guidance fund,Company,Name,Sector,Via,Share,Committed (元)"),
        "{csv}"
    );
    assert!(
        csv.contains("G,A,甲,芯片,S,0.3333,333333.34,333333.34,33.33,66.67"),
        "{csv}"
    );
    let table = t
        .run(&["report", "portfolio", "--look-through", "--fund", "G"])
        .ok()
        .to_string();
    assert!(
        table.contains("333,333.34") && table.contains("500,000.00*"),
        "{table}"
    );
    // Before G paid anything into S, nothing is seen through S.
    let lt = t.json(&[
        "report",
        "portfolio",
        "--look-through",
        "--as-of",
        "2020-01-01",
    ]);
    assert_eq!(lt["funds"][0]["holdings"], Value::Array(vec![]));
}

#[test]
fn policy_history_and_same_day_correction() {
    let t = small_ledger();
    script(
        &t,
        "fund policy G --from 2020-01-01 --gov-share-max 30% --reinvest-min 1.5 --memo 协议第8条
         fund policy S --from 2021-01-01 --reinvest-base paid-in",
    );
    // Keyed 30% for 40%: corrected by a later record for the same date.
    let rec = t.json(&[
        "fund",
        "policy",
        "G",
        "--from",
        "2020-01-01",
        "--gov-share-max",
        "40",
    ]);
    assert_eq!(
        (rec["id"].clone(), rec["gov_share_max"].clone()),
        (Value::from(3), s("0.4000"))
    );
    assert_eq!(rec["reinvest_min"], Value::Null);

    let h = t.json(&["fund", "policy", "G"]);
    let p = h["policies"].as_array().unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(
        (p[0]["from"].clone(), p[0]["gov_share_max"].clone()),
        (s("2020-01-01"), s("0.3000"))
    );
    assert_eq!(
        (p[0]["memo"].clone(), p[0]["recorded_by"].clone()),
        (s("协议第8条"), s("tester"))
    );
    let cap = &h["in_force"]["gov_share_max"];
    assert_eq!(
        (cap["value"].clone(), cap["policy_id"].clone()),
        (s("0.4000"), Value::from(3))
    );
    assert_eq!(h["in_force"]["reinvest_min"]["policy_id"], 1);
    // The report uses the corrected cap: S at 0.8 > 0.4.
    assert_eq!(row(&leverage(&t, &[]), "S")["gov_share_max"], "0.4000");

    // S inherits G's terms; its own base applies from 2021.
    let h = t.json(&["fund", "policy", "S", "--as-of", "2020-12-31"]);
    assert_eq!(h["policies"].as_array().unwrap().len(), 1);
    assert_eq!(h["in_force"]["gov_share_max"]["fund"], "G");
    assert_eq!(h["in_force"]["reinvest_base"], Value::Null);
    let h = t.json(&["fund", "policy", "S"]);
    assert_eq!(h["in_force"]["reinvest_base"]["fund"], "S");
    assert_eq!(h["in_force"]["reinvest_base"]["value"], "paid-in");

    let table = t.run(&["fund", "policy", "G"]).ok().to_string();
    assert!(
        table.contains("40%") && table.contains("1.5×") && table.contains("In force for G"),
        "{table}"
    );
    let csv = t
        .run(&["--format", "csv", "fund", "policy", "G"])
        .ok()
        .to_string();
    assert!(
        csv.starts_with("Id,From,Gov share max,Reinvest min,Reinvest base,Memo"),
        "{csv}"
    );
    assert!(
        csv.contains("1,2020-01-01,0.3000,1.5000,,协议第8条"),
        "{csv}"
    );
    // A policy dated after today is accepted: adopted now, in force later.
    t.run(&[
        "fund",
        "policy",
        "G",
        "--from",
        "2027-01-01",
        "--reinvest-min",
        "1",
    ])
    .ok();
    assert_eq!(
        t.json(&["fund", "policy", "G"])["in_force"]["reinvest_min"]["value"],
        "1.5000"
    );
}

#[test]
fn every_refusal_leaves_the_ledger_unchanged() {
    let t = small_ledger();
    script(
        &t,
        "fund add V --name 载体 --kind vehicle
         fund policy G --from 2020-01-01 --gov-share-max 30%",
    );
    let pol = |extra: &[&str]| {
        let mut a = vec!["fund", "policy", "G", "--from", "2021-01-01"];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            ["fund", "policy", "NOPE", "--from", "2021-01-01", "--gov-share-max", "30"].map(String::from).to_vec(),
            "[unknown-code]: unknown fund 'NOPE'",
        ),
        (["fund", "policy", "GG"].map(String::from).to_vec(), "did you mean 'G'?"),
        (
            ["fund", "policy", "V", "--from", "2021-01-01", "--gov-share-max", "30"].map(String::from).to_vec(),
            "[policy-not-applicable]: fund 'V' is a vehicle",
        ),
        (pol(&[]), "[policy-empty]"),
        (pol(&["--gov-share-max", "30%"]), "[policy-unchanged]: fund 'G' already has these terms in force on 2021-01-01 (policy record #1)"),
        (pol(&["--gov-share-max", "0.3"]), "[bad-percentage]: --gov-share-max '0.3' is ambiguous"),
        (pol(&["--gov-share-max", "0"]), "[bad-percentage]"),
        (pol(&["--gov-share-max", "101%"]), "out of range"),
        (pol(&["--gov-share-max=-5"]), "is negative"),
        (pol(&["--gov-share-max", "12.345%"]), "more precise than a hundredth of a percent"),
        (pol(&["--gov-share-max", "三成"]), "[bad-percentage]"),
        (pol(&["--reinvest-min=-1"]), "[bad-multiple]"),
        (pol(&["--reinvest-min", "15"]), "is above 10"),
        (pol(&["--reinvest-min", "1.23456"]), "more than 4 decimals"),
        (pol(&["--reinvest-min", "2y"]), "[bad-multiple]"),
        (
            ["fund", "policy", "G", "--from", "2021-02-30", "--gov-share-max", "40"].map(String::from).to_vec(),
            "is not a valid calendar date",
        ),
        (
            ["deal", "commit", "S", "A", "--amount", "100", "--date", "2020-03-01", "--reinvest-weight", "1.23456"]
                .map(String::from)
                .to_vec(),
            "[bad-weight]: --reinvest-weight '1.23456' has more than 4 decimals",
        ),
        (
            ["deal", "commit", "S", "A", "--amount", "100", "--date", "2020-03-01", "--reinvest-weight=-2"]
                .map(String::from)
                .to_vec(),
            "[bad-weight]",
        ),
        (
            ["deal", "commit", "S", "A", "--amount", "100", "--date", "2020-03-01", "--reinvest-weight", "18"]
                .map(String::from)
                .to_vec(),
            "did you mean 1.8?",
        ),
        (
            ["deal", "commit", "S", "A", "--amount", "100", "--date", "2020-03-01", "--reinvest-weight", "两倍"]
                .map(String::from)
                .to_vec(),
            "[bad-weight]",
        ),
        (["report", "leverage", "--fund", "NOPE"].map(String::from).to_vec(), "[unknown-code]"),
        (["report", "leverage", "--fund", "V"].map(String::from).to_vec(), "[leverage-not-applicable]"),
        (["report", "leverage", "--as-of", "2021-13-01"].map(String::from).to_vec(), "is not a valid calendar date"),
        (
            ["report", "portfolio", "--look-through", "--fund", "S"].map(String::from).to_vec(),
            "[look-through-not-guidance]: look-through shows a guidance fund's share of its sub-funds' holdings; 'S' is a sub-fund (try --fund G)",
        ),
        (["report", "portfolio", "--look-through", "--fund", "NOPE"].map(String::from).to_vec(), "[unknown-code]"),
    ];
    for (args, needle) in &cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        t.refused_unchanged(&a, needle);
    }
    // A term without --from is a usage error (exit 2), and writes nothing either.
    let before = t.dump();
    let r = t.run(&["fund", "policy", "G", "--gov-share-max", "40"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(before, t.dump());
    // JSON errors carry the rule.
    let r = t.run(&[
        "--format",
        "json",
        "fund",
        "policy",
        "G",
        "--from",
        "2021-01-01",
    ]);
    let e: Value = serde_json::from_str(r.stderr.trim()).unwrap();
    assert_eq!(e["error"]["rule"], "policy-empty");
}

#[test]
fn policy_records_are_append_only() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    script(&t, "fund policy G --from 2020-01-01 --gov-share-max 30%");
    let c = rusqlite::Connection::open(&t.db).unwrap();
    let before = t.dump();
    let e = c
        .execute("UPDATE fund_policies SET gov_share_max_bp = 9000", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = c.execute("DELETE FROM fund_policies", []).unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    // Storage refuses what the CLI refuses, should anything bypass it.
    assert!(c
        .execute(
            "INSERT INTO fund_policies (fund_id, effective_from, gov_share_max_bp, recorded_at, recorded_by)
             VALUES (1, '2021-01-01', 0.3, 'x', 'x')",
            [],
        )
        .is_err());
    assert!(c
        .execute(
            "INSERT INTO fund_policies (fund_id, effective_from, recorded_at, recorded_by)
             VALUES (1, '2021-01-01', 'x', 'x')",
            [],
        )
        .is_err());
    assert!(c
        .execute(
            "UPDATE entries SET reinvest_weight_bp = 20000 WHERE id = 1",
            []
        )
        .is_err());
    assert_eq!(before, t.dump());
}

#[test]
fn the_weight_is_covered_by_the_hash_chain() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let id = id_of(
        &t,
        "deal commit S B --amount 100 --date 2020-03-01 --reinvest-weight 1.8",
    );
    assert_eq!(t.run(&["audit"]).code, 0);
    // Someone edits the weight behind the ledger's back.
    let c = rusqlite::Connection::open(&t.db).unwrap();
    c.execute_batch(&format!(
        "DROP TRIGGER entries_append_only_update;
         UPDATE entries SET reinvest_weight_bp = 30000 WHERE id = {id};"
    ))
    .unwrap();
    let r = t.run(&["--format", "json", "audit"]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    let a: Value = serde_json::from_str(&r.stdout).unwrap();
    let f = &a["findings"][0];
    assert_eq!(f["code"], "chain-content");
    assert!(f["record"].to_string().contains(&id), "{f}");
}

#[test]
fn a_ledger_from_before_policies_upgrades_with_its_hashes_intact() {
    if common::sqlite_file_test() {
        return;
    }
    use fundledger::hashchain::{canonical, chain_hash, GENESIS};
    let t = TestLedger::uninit();
    {
        // Schema version 1 with one entry, hashed as version 1 wrote it.
        let l = fundledger::store::Ledger::create_at_version(&t.db, 1).unwrap();
        let c = l.connection();
        c.execute_batch(
            "INSERT INTO funds (code, name, kind, region, created_at, created_by)
                 VALUES ('G', '引导', 'guidance', '昆明市', 'x', 'old');
             INSERT INTO funds (code, name, kind, parent_id, created_at, created_by)
                 VALUES ('S', '子', 'sub-fund', 1, 'x', 'old');
             INSERT INTO investors (code, name, type, fund_id, created_at, created_by)
                 VALUES ('G', '引导', 'government', 1, 'x', 'old');
             INSERT INTO companies (code, name, region, created_at, created_by)
                 VALUES ('A', '甲', '昆明市', 'x', 'old');",
        )
        .unwrap();
        let rows: [&[(&str, &str)]; 2] = [
            &[
                ("kind", "lp-commit"),
                ("fund_id", "2"),
                ("investor_id", "1"),
                ("amount_fen", "100000"),
            ],
            &[
                ("kind", "deal-commit"),
                ("fund_id", "2"),
                ("company_id", "1"),
                ("amount_fen", "150000"),
            ],
        ];
        let mut prev = GENESIS.to_string();
        for (i, cols) in rows.iter().enumerate() {
            let id = (i + 1).to_string();
            let mut all: Vec<(&str, Option<&str>)> = vec![
                ("id", Some(&id)),
                ("effective_date", Some("2020-03-01")),
                ("recorded_at", Some("2020-03-01T00:00:00Z")),
                ("recorded_by", Some("old")),
            ];
            all.extend(cols.iter().map(|(k, v)| (*k, Some(*v))));
            let hash = chain_hash(&prev, &canonical(all.iter().copied()));
            let names: Vec<&str> = all.iter().map(|(k, _)| *k).collect();
            let values: Vec<String> = all
                .iter()
                .map(|(_, v)| format!("'{}'", v.unwrap()))
                .collect();
            c.execute(
                &format!(
                    "INSERT INTO entries ({}, prev_hash, hash) VALUES ({}, '{prev}', '{hash}')",
                    names.join(", "),
                    values.join(", ")
                ),
                [],
            )
            .unwrap();
            prev = hash;
        }
    }
    assert!(t.dump().starts_with("user_version=1\n"));
    // The first command upgrades the file; the old hashes still verify.
    assert_eq!(t.run(&["audit"]).code, 0);
    assert!(t.dump().starts_with(&format!(
        "user_version={}\n",
        fundledger::store::schema::LATEST
    )));
    // 1,500 local over G's 1,000 committed to S.
    let j = leverage(&t, &[]);
    assert_eq!(row(&j, "S")["reinvest"]["ratio"], "1.5000");
}

#[test]
fn new_commands_have_help_with_an_example() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in [
        &["fund", "policy"][..],
        &["report", "leverage"],
        &["deal", "commit"],
    ] {
        let mut args = cmd.to_vec();
        args.push("--help");
        let r = common::run_in(dir.path(), &args);
        assert!(r.ok().contains("Example"), "{cmd:?} --help has no example");
    }
    let r = common::run_in(dir.path(), &["report", "portfolio", "--help"]);
    assert!(r.ok().contains("--look-through"));
}

#[test]
fn export_and_restore_keep_weights_and_policies() {
    let t = small_ledger();
    script(
        &t,
        "fund policy G --from 2020-01-01 --gov-share-max 30% --reinvest-min 1.5 --memo 协议
         fund policy S --from 2021-01-01 --reinvest-base paid-in
         deal commit S B --amount 100000 --date 2020-03-01 --reinvest-weight 1.8",
    );
    let out = t.dir.path().join("export.json");
    t.run(&[
        "--format",
        "json",
        "export",
        "--output",
        out.to_str().unwrap(),
    ])
    .ok();
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["policies"].as_array().unwrap().len(), 2);
    assert_eq!(doc["policies"][0]["gov_share_max"], "0.3");
    let r = TestLedger::new();
    r.json(&["import", out.to_str().unwrap()]);
    for args in [
        &["--format", "json", "report", "leverage"][..],
        &["--format", "json", "fund", "policy", "S"],
        &["--format", "json", "log"],
    ] {
        assert_eq!(
            t.run(args).ok(),
            r.run(args).ok(),
            "{args:?} differs after the round trip"
        );
    }
    // The weight is part of the hashed content: identical chains prove it came back.
    assert_eq!(t.json(&["audit"])["head"], r.json(&["audit"])["head"]);
    // A ledger without weights or policies exports without those keys at all.
    let plain = TestLedger::new();
    let out2 = plain.dir.path().join("plain.json");
    plain
        .run(&[
            "--format",
            "json",
            "export",
            "--output",
            out2.to_str().unwrap(),
        ])
        .ok();
    assert!(!std::fs::read_to_string(&out2).unwrap().contains("policies"));
}

#[test]
fn csv_import_takes_a_weight_on_commitments_only() {
    let t = small_ledger();
    let csv = t.dir.path().join("deals.csv");
    std::fs::write(
        &csv,
        "type,fund,company,amount,date,reinvest_weight\n\
         deal-commit,S,B,100000,2020-03-01,2\n",
    )
    .unwrap();
    t.json(&["import", csv.to_str().unwrap()]);
    // B (上海市) counts at the stated weight: 2,000,000 (A) + 2 × 100,000 = 2,200,000.
    let j = leverage(&t, &[]);
    assert_eq!(row(&j, "S")["reinvest"]["local_amount"], "2200000.00");

    let bad = t.dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "type,fund,company,amount,date,reinvest_weight\n\
         deal-pay,S,B,1000,2020-03-02,2\n\
         deal-commit,S,B,1000,2020-03-02,1.23456\n",
    )
    .unwrap();
    let before = t.dump();
    let r = t.run(&["--format", "json", "import", bad.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(before, t.dump());
    let err: Value = serde_json::from_str(r.stderr.trim()).unwrap();
    let rows: Vec<(i64, String)> = err["error"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_i64().unwrap(),
                r["column"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            (2, "reinvest_weight".to_string()),
            (3, "reinvest_weight".to_string())
        ]
    );
}
