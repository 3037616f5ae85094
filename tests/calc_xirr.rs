//! `calc xirr FILE.csv` through the real binary, on published XIRR examples.

mod common;

use common::run_in;
use serde_json::{json, Value};

fn calc(csv: &str, format: &str) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("flows.csv"), csv).unwrap();
    run_in(
        dir.path(),
        &["--format", format, "calc", "xirr", "flows.csv"],
    )
}

fn irr(v: &Value) -> f64 {
    v["irr"].as_str().unwrap().parse().unwrap()
}

#[test]
fn excels_documented_example() {
    // Microsoft's XIRR page: 0.373362535. Amounts in several accepted spellings.
    let r = calc(
        "date,amount\n2008-01-01,\"-10,000.00\"\n2008/3/1,2750\n2008年10月30日,0.425万\n2009-02-15,¥3250\n2009-04-01,2750元\n",
        "json",
    )
    .json();
    assert_eq!(r["irr_status"], "ok");
    assert!((irr(&r) - 0.373362535).abs() < 1e-8, "{r}");
    assert_eq!(r["flows"], 5);
    assert_eq!(r["first_date"], "2008-01-01");
    assert_eq!(r["last_date"], "2009-04-01");
    let t = calc(
        "2008-01-01,-10000\n2008-03-01,2750\n2008-10-30,4250\n2009-02-15,3250\n2009-04-01,2750\n",
        "table",
    );
    assert!(
        t.ok().contains("37.34%") && t.stdout.contains("0.3733625"),
        "{}",
        t.stdout
    );
    let c = calc(
        "2008-01-01,-10000\n2008-03-01,2750\n2008-10-30,4250\n2009-02-15,3250\n2009-04-01,2750\n",
        "csv",
    );
    assert!(c.ok().starts_with("IRR,IRR %,Status,"), "{}", c.stdout);
}

#[test]
fn unordered_flows() {
    // Published 0.1635371584, given out of date order.
    let r = calc(
        "2018-06-10,20000\n2015-07-21,−9000\n2015-06-11,-1000\n2015-10-17,-3000\n",
        "json",
    )
    .json();
    assert!((irr(&r) - 0.1635371584).abs() < 1e-10, "{r}");
}

#[test]
fn leap_year() {
    // 2024 has 366 days: 1.1^(365/366) − 1 = 0.0997135859…, not 0.10.
    let r = calc("2024-01-01,-100\n2025-01-01,110\n", "json").json();
    assert!((irr(&r) - 0.0997135859).abs() < 1e-10, "{r}");
    assert_eq!(r["irr_status"], "ok");
}

#[test]
fn two_roots() {
    // −100 + 230x − 132x² = 0 with x = 1/(1+r): r = 10% or 20%.
    let r = calc("2021-01-01,-100\n2022-01-01,230\n2023-01-01,-132\n", "json").json();
    assert_eq!(r["irr_status"], "multiple-roots");
    assert_eq!(r["irr_roots"], json!(["0.1", "0.2"]));
    assert_eq!(r["irr"], "0.1");
}

#[test]
fn all_negative_has_no_irr() {
    let r = calc("2021-01-01,-100\n2022-01-01,-50\n", "json").json();
    assert_eq!(r["irr_status"], "no-sign-change");
    assert!(r["irr"].is_null());
    let t = calc("2021-01-01,-100\n2022-01-01,-50\n", "table");
    assert!(
        t.ok().contains("n/a") && !t.stdout.contains("0.00%"),
        "{}",
        t.stdout
    );
}

#[test]
fn bad_files_name_the_line() {
    let r = calc("date,amount\n2021-01-01,-100\n2021-02-30,50\n", "table");
    assert!(r.refused("line 3").contains("2021-02-30"), "{}", r.stderr);
    let r = calc("2021-01-01,-100\n2021-02-01,12.345\n", "table");
    r.refused("line 2");
    let r = calc("", "table");
    r.refused("no flows");
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), &["calc", "xirr", "nope.csv"]).refused("cannot read nope.csv");
}
