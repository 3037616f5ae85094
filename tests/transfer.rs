//! `import` and `export --format json` through the real binary: encodings, date and
//! amount spellings, all-or-nothing with every bad row reported, dry runs, duplicate
//! files, the JSON round trip, and a SIGKILL in the middle of an import.

mod common;

use std::path::{Path, PathBuf};

use common::{small_ledger, TestLedger};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn write(t: &TestLedger, name: &str, text: &str) -> String {
    let p = t.dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn the_example_files_import_with_their_figures() {
    let t = TestLedger::new();
    let csv = examples().join("import.csv");
    let s = t.json(&["import", csv.to_str().unwrap()]);
    assert_eq!(s["encoding"], "UTF-8");
    assert_eq!(
        (
            s["funds"].as_i64(),
            s["investors"].as_i64(),
            s["companies"].as_i64()
        ),
        (Some(2), Some(2), Some(2))
    );
    assert_eq!(s["entries"], 12);
    let p = t.json(&["report", "portfolio", "--as-of", "2022-12-31"]);
    let yn = &p["funds"][0];
    let yna = &p["funds"][1];
    // YN: 2亿 committed, "100,000,000.00" paid on 2020年1月15日; deal P02 2000万 paid "¥20,000,000"; dividend 120万.
    assert_eq!(yn["lp_committed"], "200000000.00");
    assert_eq!(yn["lp_paid_in"], "100000000.00");
    assert_eq!(yn["deal_paid_in"], "20000000.00");
    assert_eq!(yn["proceeds"], "1200000.00");
    // YN-A: LPs YN 6000万 + DCZB 1.4亿 = 2亿 committed, 3000万 + 7000万 paid; P01 5000万 agreed, 3000万 paid,
    // marked 4500万: ratio 3000/5000 = 0.6.
    assert_eq!(yna["parent"], "YN");
    assert_eq!(yna["lp_committed"], "200000000.00");
    assert_eq!(yna["lp_paid_in"], "100000000.00");
    assert_eq!(yna["paid_in_ratio"], "0.6000");
    assert_eq!(yna["value"], "45000000.00");
    // The GBK file, as Excel on Chinese Windows saves it, reads the same way.
    let gbk = examples().join("import-gbk.csv");
    assert!(
        std::str::from_utf8(&std::fs::read(&gbk).unwrap()).is_err(),
        "the sample must really be GBK"
    );
    let s = t.json(&["import", gbk.to_str().unwrap()]);
    assert_eq!(s["encoding"], "GB18030/GBK");
    let f = t.json(&["fund", "list"]);
    assert_eq!(f["funds"][2]["name"], "昆明市科技成果转化基金");
    let p = t.json(&[
        "report",
        "portfolio",
        "--fund",
        "GBK",
        "--as-of",
        "2022-12-31",
    ]);
    // 5000万 committed, 2500万 paid; 800万 agreed and paid on 2021年3月15日.
    assert_eq!(p["funds"][0]["lp_paid_in"], "25000000.00");
    assert_eq!(p["funds"][0]["deal_paid_in"], "8000000.00");
}

#[test]
fn utf8_with_a_byte_order_mark() {
    let t = TestLedger::new();
    let p = t.dir.path().join("bom.csv");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice("type,code,name,kind\nfund,B1,带BOM的基金,guidance\n".as_bytes());
    std::fs::write(&p, bytes).unwrap();
    let s = t.json(&["import", p.to_str().unwrap()]);
    assert_eq!(s["encoding"], "UTF-8 (BOM)");
    assert_eq!(t.json(&["fund", "list"])["funds"][0]["code"], "B1");
}

#[test]
fn a_file_with_bad_rows_writes_nothing_and_reports_every_one() {
    let t = small_ledger();
    let file = write(
        &t,
        "bad.csv",
        "type,code,name,kind,fund,investor,company,amount,date,detail\n\
         company,C9,新公司,,,,,,,\n\
         deal-commit,,,,S,,C9,100万,2021-01-01,\n\
         deal-pay,,,,S,,C9,60万,2021-02-01,\n\
         deal-pay,,,,S,,C9,50万,2021-03-01,\n\
         deal-pay,,,,S,,A,12.345,2021-03-01,\n\
         deal-pay,,,,SX,,A,1,2021-03-01,\n\
         deal-pay,,,,S,,A,1,2021-02-30,\n\
         deal-value,,,,S,,B,1,2021-03-01,\n\
         lp-pay,,,,G,NOBODY,,1,2021-03-01,\n\
         deal-commit,,,,S,,A,1,2019-01-01,\n\
         deal-proceeds,,,,S,,A,1,2021-03-01,bonus\n",
    );
    let before = t.dump();
    let r = t.run(&["--format", "json", "import", &file]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(
        before,
        t.dump(),
        "a refused import must not change the ledger"
    );
    let err: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    let rows = err["error"]["rows"].as_array().unwrap();
    let got: Vec<(i64, &str)> = rows
        .iter()
        .map(|r| (r["row"].as_i64().unwrap(), r["column"].as_str().unwrap()))
        .collect();
    // Row 5: 60万 + 50万 = 110万 against 100万 committed in row 3 of the same file.
    assert_eq!(
        got,
        vec![
            (5, "amount"),    // over the commitment made earlier in this file
            (6, "amount"),    // 12.345 is finer than a fen
            (7, "fund"),      // unknown fund SX
            (8, "date"),      // 2021-02-30
            (9, "type"),      // a mark on a holding never paid into
            (10, "investor"), // unknown investor
            (11, "date"),     // before S's inception (2020-02-01)
            (12, "detail"),   // 'bonus' is not a proceeds kind
        ]
    );
    assert!(
        rows[0]["reason"]
            .as_str()
            .unwrap()
            .contains("over by 100,000.00"),
        "{}",
        rows[0]
    );
    assert_eq!(rows[2]["value"], "SX");
    assert!(rows[2]["reason"]
        .as_str()
        .unwrap()
        .contains("did you mean 'S'"));
    // The plain-text report lists them too, one per line.
    let r = t.run(&["import", &file]);
    assert!(r.stderr.contains("8 bad row(s)"), "{}", r.stderr);
    assert!(
        r.stderr.contains("row 8, column date, value '2021-02-30'"),
        "{}",
        r.stderr
    );
}

#[test]
fn rows_are_applied_in_date_order_whatever_the_file_order() {
    let t = small_ledger();
    // The payment comes first in the file but is dated after the commitment.
    let file = write(
        &t,
        "order.csv",
        "type,fund,company,amount,date\n\
         deal-pay,S,B,300000,2021-02-01\n\
         deal-commit,S,B,500000,2021-01-01\n",
    );
    t.run(&["import", &file]).ok();
    let p = t.json(&[
        "report",
        "portfolio",
        "--fund",
        "S",
        "--as-of",
        "2021-12-31",
    ]);
    assert_eq!(p["funds"][0]["deal_paid_in"], "1800000.00");
    // Dated the other way round, the payment has no commitment on its date.
    let file = write(
        &t,
        "order2.csv",
        "type,fund,company,amount,date\n\
         deal-commit,S,B,500000,2021-06-01\n\
         deal-pay,S,B,300000,2021-05-01\n",
    );
    let before = t.dump();
    let r = t.run(&["--format", "json", "import", &file]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("\"row\":3"), "{}", r.stderr);
    assert_eq!(before, t.dump());
}

#[test]
fn dry_run_checks_everything_and_writes_nothing() {
    let t = small_ledger();
    let csv = examples().join("import.csv");
    let before = t.dump();
    let s = t.json(&["import", csv.to_str().unwrap(), "--dry-run"]);
    assert_eq!(s["dry_run"], true);
    assert_eq!(s["entries"], 12);
    assert_eq!(before, t.dump());
    // A dry run of a bad file reports its rows the same way.
    let file = write(
        &t,
        "bad.csv",
        "type,fund,company,amount,date\ndeal-pay,S,A,1e5,2021-01-01\n",
    );
    t.refused_unchanged(&["import", &file, "--dry-run"], "row 2, column amount");
}

#[test]
fn the_same_file_twice_is_refused_unless_allowed() {
    let t = small_ledger();
    let file = write(
        &t,
        "pay.csv",
        "type,fund,company,amount,date\ndeal-pay,S,A,1000,2021-01-01\n",
    );
    t.run(&["import", &file]).ok();
    let msg = t.refused_unchanged(&["import", &file], "duplicate-import");
    assert!(msg.contains("pay.csv"), "{msg}");
    // Renaming the file does not help: the fingerprint is of the content.
    let copy = write(&t, "renamed.csv", &std::fs::read_to_string(&file).unwrap());
    t.refused_unchanged(&["import", &copy], "duplicate-import");
    t.run(&["import", &file, "--allow-duplicate"]).ok();
    let p = t.json(&[
        "report",
        "portfolio",
        "--fund",
        "S",
        "--as-of",
        "2021-12-31",
    ]);
    // 1,500,000 + 1,000 + 1,000
    assert_eq!(p["funds"][0]["deal_paid_in"], "1502000.00");
}

#[test]
fn malformed_files_are_refused() {
    let t = small_ledger();
    let file = write(&t, "cols.csv", "type,fund,compnay,amount,date\n");
    t.refused_unchanged(&["import", &file], "unknown column");
    let p = t.dir.path().join("binary.csv");
    std::fs::write(&p, b"\xFF\xFE\xFF\x00\x81").unwrap();
    t.refused_unchanged(
        &["import", p.to_str().unwrap()],
        "neither UTF-8 nor GB18030",
    );
    let file = write(
        &t,
        "x.json",
        "{\"format\": \"something-else\", \"version\": 1}",
    );
    t.refused_unchanged(&["import", &file], "not a fundledger export");
}

#[test]
fn json_export_round_trips_into_an_empty_ledger() {
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
        "--memo",
        "估值, \"B轮\"",
    ])
    .ok();
    t.run(&[
        "deal",
        "pay",
        "S",
        "A",
        "--amount",
        "500000",
        "--date",
        "2020-03-16",
        "--by",
        "李四",
    ])
    .ok();
    t.run(&["reverse", "8", "--reason", "bank slip was for B"])
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
    // Never overwrites.
    t.run(&[
        "--format",
        "json",
        "export",
        "--output",
        out.to_str().unwrap(),
    ])
    .refused("output-exists");

    let r = TestLedger::new();
    r.json(&["import", out.to_str().unwrap()]);
    for args in [
        &["log"][..],
        &["--format", "json", "log"],
        &[
            "--format",
            "json",
            "report",
            "portfolio",
            "--as-of",
            "2026-06-30",
        ],
        &["--format", "json", "fund", "list"],
        &["--format", "json", "investor", "list"],
        &["--format", "json", "company", "list"],
    ] {
        assert_eq!(
            t.run(args).ok(),
            r.run(args).ok(),
            "{args:?} differs after the round trip"
        );
    }
    // Even the hash chain is identical: same content, same order, same authors.
    let a = t.json(&["audit"]);
    let b = r.json(&["audit"]);
    assert_eq!(a["head"], b["head"]);
    assert_eq!(b["clean"], true);
    // A restore needs an empty ledger.
    t.refused_unchanged(
        &["import", out.to_str().unwrap(), "--allow-duplicate"],
        "needs an empty one",
    );
}

#[test]
fn a_killed_import_leaves_all_or_nothing() {
    use std::process::{Command, Stdio};
    let t = small_ledger();
    // A large file, so the kill lands in the middle of writing.
    let mut text = String::from("type,fund,company,amount,date\ndeal-commit,S,B,1亿,2020-03-01\n");
    for i in 0..150_000 {
        text.push_str(&format!("deal-pay,S,B,1.{:02},2020-04-01\n", i % 100));
    }
    let file = write(&t, "big.csv", &text);
    let before = t.dump();
    let journal = PathBuf::from(format!("{}-journal", t.db.display()));
    let mut child = Command::new(common::bin())
        .args(["--db", t.db.to_str().unwrap(), "import", &file])
        .env("FUNDLEDGER_TODAY", "2026-06-30")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The rollback journal appears once the transaction has started changing pages.
    let start = std::time::Instant::now();
    while !journal.exists() && start.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    std::thread::sleep(std::time::Duration::from_millis(50));
    child.kill().unwrap(); // SIGKILL on Unix
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the import finished before it could be killed; make the file larger"
    );
    // Opening the ledger rolls the interrupted transaction back: nothing of it remains.
    let v = t.json(&["audit"]);
    assert_eq!(v["clean"], true, "{v}");
    assert_eq!(v["entries"], 8);
    assert_eq!(before, t.dump());
}

#[test]
fn loans_repayments_and_grants_import() {
    let t = TestLedger::new();
    let csv = examples().join("import-loans.csv");
    let s = t.json(&["import", csv.to_str().unwrap()]);
    // Two disbursements, two repayments, one grant.
    assert_eq!(s["entries"], 5);
    let r = t.json(&["report", "loans", "--as-of", "2022-03-31"]);
    // 20万 + 1,500,000 disbursed.
    assert_eq!(r["disbursed"], "1700000.00");
    // L2022-001: 200,000 at 4.35%/12 = 0.3625% a month over 24 months; the first
    // installment is 8,716.17 = 725.00 interest (200,000 × 0.003625) + 7,991.17 principal.
    // L2022-002: equal principal 1,500,000 / 24 = 62,500.00 + 5,437.50 interest.
    assert_eq!(r["principal_repaid"], "70491.17");
    assert_eq!(r["interest_paid"], "6162.50");
    assert_eq!(r["grants"], "50000.00");
    assert_eq!(r["jobs"], 15);
    // A bad loan row is reported with the others, and nothing is written.
    let bad = write(
        &t,
        "bad-loans.csv",
        "type,code,borrower,borrower_kind,principal,rate,term_months,start,method,loan,amount,date\n\
         loan,L9,王五,individual,10万,-1%,12,2022-01-01,bullet,,,\n\
         loan-repay,,,,,,,,,NOPE,100,2022-02-01\n",
    );
    let before = t.dump();
    let r = t.run(&["--format", "json", "import", &bad]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(before, t.dump());
    let err: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    let rows: Vec<i64> = err["error"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["row"].as_i64().unwrap())
        .collect();
    assert_eq!(rows, vec![2, 3]);
}

/// Importing `file` is refused for exactly one bad row, `row`, and writes nothing.
#[track_caller]
fn refused_on_one_row(t: &TestLedger, file: &str, row: usize) {
    let before = t.dump();
    let r = t.run(&["--format", "json", "import", file]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("\"row\":{row}")), "{}", r.stderr);
    assert!(r.stderr.contains("1 bad row"), "{}", r.stderr);
    assert_eq!(before, t.dump());
}

/// The schema's objects (tables, indexes, triggers) with their SQL, by name.
fn schema(t: &TestLedger) -> Vec<(String, String, String)> {
    let conn = rusqlite::Connection::open(&t.db).unwrap();
    let mut st = conn
        .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_master ORDER BY name")
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// Imports set the journal's INSERT guard triggers aside while they write and check
/// their conditions afterwards (store/bulk.rs); whatever the outcome, the guards are
/// there afterwards, exactly as before.
#[test]
fn imports_leave_the_storage_guards_as_they_were() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let before = schema(&t);
    let triggers = before.iter().filter(|o| o.0 == "trigger").count();
    assert!(triggers >= 3, "{before:?}");
    let csv = examples().join("import.csv");
    t.run(&["import", "--dry-run", csv.to_str().unwrap()]).ok();
    assert_eq!(schema(&t), before, "after a dry run");
    t.run(&["import", csv.to_str().unwrap()]).ok();
    assert_eq!(schema(&t), before, "after an import");
    let bad = write(
        &t,
        "bad.csv",
        "type,fund,company,amount,date\ndeal-pay,S,B,999999999,2021-02-01\n",
    );
    t.run(&["import", &bad]).refused("paid-in");
    assert_eq!(schema(&t), before, "after a refused import");
    let loans = examples().join("import-loans.csv");
    t.run(&["import", loans.to_str().unwrap()]).ok();
    assert_eq!(schema(&t), before, "after a loan import");
}

/// A file out of date order, longer than one batch between the parsing and writing
/// threads, with its reference rows last: every row lands, in date order.
/// 100 companies × (a 1,000,000 commitment + ten 1,000 payments), written newest
/// first: committed 100 × 1,000,000 = 100,000,000.00, paid 100 × 10 × 1,000 =
/// 1,000,000.00. A payment beyond its commitment in the middle is reported by its row.
#[test]
fn a_large_unordered_file_is_applied_in_date_order() {
    let t = TestLedger::new();
    let mut rows = Vec::new();
    for c in 0..100 {
        for m in (1..=10).rev() {
            rows.push(format!("deal-pay,F,C{c:03},1000,2021-{m:02}-15"));
        }
        rows.push(format!("deal-commit,F,C{c:03},1000000,2021-01-01"));
    }
    // Newest first: the reverse of the order the rows must be applied in.
    rows.sort_by(|a, b| b.rsplit(',').next().cmp(&a.rsplit(',').next()));
    let mut text = String::from("type,code,name,kind,fund,company,amount,date\n");
    for r in &rows {
        let f: Vec<&str> = r.split(',').collect();
        text.push_str(&format!(
            "{},,,,{},{},{},{}\n",
            f[0], f[1], f[2], f[3], f[4]
        ));
    }
    text.push_str("fund,F,基金,guidance,,,,\n");
    for c in 0..100 {
        text.push_str(&format!("company,C{c:03},公司{c},,,,,\n"));
    }
    let file = write(&t, "big.csv", &text);
    let s = t.json(&["import", &file]);
    assert_eq!(s["entries"], 1100);
    let p = t.json(&["report", "portfolio", "--as-of", "2021-12-31"]);
    assert_eq!(p["funds"][0]["deal_committed"], "100000000.00");
    assert_eq!(p["funds"][0]["deal_paid_in"], "1000000.00");
    // One payment too many for C050, on row 2 (first in the file, dated latest).
    let t = TestLedger::new();
    let extra = text.replacen(
        "type,code,name,kind,fund,company,amount,date\n",
        "type,code,name,kind,fund,company,amount,date\ndeal-pay,,,,F,C050,999001,2021-12-31\n",
        1,
    );
    let file = write(&t, "big2.csv", &extra);
    refused_on_one_row(&t, &file, 2);
}

/// Rows the import's checking thread handles itself (fund entries) mixed with rows it
/// hands to the writer (a loan, a distribution, a guidance fund that becomes an LP on
/// first use), into a ledger whose funds already have entries: every row lands, the
/// chain and every rule verify (`audit`), and the figures are the hand-summed ones.
///
/// small_ledger: S committed 2,000,000 to A and paid 1,500,000.
/// File: S pays A 400,000 (1,900,000); commits 500,000 to B, pays it, receives a
/// 200,000 dividend from B; distributes 100,000 to SOC; pays A 100,000 more
/// (2,000,000 = the commitment). New guidance fund H commits 1,000,000 to new sub-fund
/// S2 and pays 500,000. S paid in: 2,000,000 + 500,000 = 2,500,000; S proceeds
/// 200,000. A last payment of 0.01 to A would exceed the commitment: refused on its row.
#[test]
fn checked_and_handed_over_rows_mix_in_date_order() {
    let t = small_ledger();
    let header = "type,code,name,kind,parent,inception,borrower,borrower_kind,principal,rate,term_months,start,method,fund,investor,company,amount,date,detail\n";
    let rows = "\
deal-pay,,,,,,,,,,,,,S,,A,400000,2020-04-01,
fund,H,新引导基金,guidance,,2020-01-01,,,,,,,,,,,,,
fund,S2,新子基金,sub-fund,H,2020-01-01,,,,,,,,,,,,,
deal-commit,,,,,,,,,,,,,S,,B,500000,2020-04-02,
loan,L1,张三,,,,张三,individual,200000,4.35%,24,2020-04-02,equal-installment,,,,,,
deal-pay,,,,,,,,,,,,,S,,B,500000,2020-04-03,
lp-commit,,,,,,,,,,,,,S2,H,,1000000,2020-04-05,
lp-pay,,,,,,,,,,,,,S2,H,,500000,2020-04-06,
deal-proceeds,,,,,,,,,,,,,S,,B,200000,2020-05-01,dividend
lp-distribute,,,,,,,,,,,,,S,SOC,,100000,2020-05-02,
deal-pay,,,,,,,,,,,,,S,,A,100000,2020-06-01,
";
    let file = write(&t, "mixed.csv", &format!("{header}{rows}"));
    let s = t.json(&["import", &file]);
    assert_eq!(s["entries"], 9, "{s}");
    let audit = t.run(&["audit"]);
    assert_eq!(audit.code, 0, "{}{}", audit.stdout, audit.stderr);
    let p = t.json(&[
        "report",
        "portfolio",
        "--fund",
        "S",
        "--as-of",
        "2020-12-31",
    ]);
    assert_eq!(p["funds"][0]["deal_paid_in"], "2500000.00", "{p}");
    assert_eq!(p["funds"][0]["proceeds"], "200000.00", "{p}");
    let p = t.json(&[
        "report",
        "portfolio",
        "--fund",
        "S2",
        "--as-of",
        "2020-12-31",
    ]);
    assert_eq!(p["funds"][0]["lp_paid_in"], "500000.00", "{p}");
    // The same file plus one fen too many for A, dated last but placed first.
    let t = small_ledger();
    let file = write(
        &t,
        "mixed2.csv",
        &format!("{header}deal-pay,,,,,,,,,,,,,S,,A,0.01,2020-07-01,\n{rows}"),
    );
    refused_on_one_row(&t, &file, 2);
}
