//! Issue 12: what a new user and a hostile tester hit — small input rules, the author
//! of an entry without `$USER`, locked ledgers, files left behind. Through the real
//! binary on real SQLite files; expected values are worked out by hand.

mod common;

use std::process::Command;

use common::{bin, TestLedger};

/// `By` is the OS account when no environment variable names the user.
#[test]
fn author_without_user_variables_is_the_os_account() {
    if common::sqlite_file_test() {
        return;
    }
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
    t.run(&[
        "fund",
        "add",
        "G",
        "--name",
        "引导基金",
        "--kind",
        "guidance",
    ])
    .ok();
    t.run(&[
        "investor",
        "add",
        "GOV",
        "--name",
        "财政局",
        "--type",
        "government",
    ])
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

/// `--format json export --output path`, expected to succeed.
fn export_json(t: &TestLedger, path: &std::path::Path) {
    t.run(&[
        "--format",
        "json",
        "export",
        "--output",
        path.to_str().unwrap(),
    ])
    .ok();
}

/// Run the binary under `ulimit -f blocks` (512-byte blocks): a write past the limit
/// kills it with SIGXFSZ, as a full disk or a kill mid-write would stop it.
fn run_limited(dir: &std::path::Path, blocks: u32, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -f {blocks}; exec \"$0\" \"$@\""))
        .arg(bin())
        .args(args)
        .current_dir(dir)
        .env("FUNDLEDGER_TODAY", "2026-06-30")
        .env("FUNDLEDGER_USER", "tester")
        .env_remove("FUNDLEDGER_DB")
        .output()
        .expect("run sh")
}

/// The files a directory holds, by name, without the temporary `.NAME.partial-…` ones.
fn visible_files(dir: &std::path::Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

/// `init`, `backup` and `export --output` killed mid-write leave nothing under the
/// name asked for, so the same command run again succeeds.
#[test]
fn killed_writes_leave_no_file_that_blocks_a_retry() {
    if common::sqlite_file_test() {
        return;
    }
    // init: a new ledger is well over 4 KiB (8 blocks).
    let t = TestLedger::uninit();
    let db = t.db.to_str().unwrap();
    let out = run_limited(t.dir.path(), 8, &["--db", db, "init"]);
    assert!(!out.status.success(), "{out:?}");
    assert!(!t.db.exists(), "init left a partial ledger behind");
    t.run(&["init"]).ok();
    assert_eq!(t.run(&["audit"]).code, 0);

    // backup and export of a small ledger.
    let t = common::small_ledger();
    let db = t.db.to_str().unwrap();
    let backup = t.dir.path().join("copy.db");
    let out = run_limited(
        t.dir.path(),
        8,
        &["--db", db, "backup", backup.to_str().unwrap()],
    );
    assert!(!out.status.success(), "{out:?}");
    assert!(!backup.exists(), "backup left a partial copy behind");
    let json = t.dir.path().join("all.json");
    let out = run_limited(
        t.dir.path(),
        1,
        &[
            "--db",
            db,
            "--format",
            "json",
            "export",
            "--output",
            json.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success(), "{out:?}");
    assert!(!json.exists(), "export left a partial file behind");
    assert_eq!(visible_files(t.dir.path()), ["ledger.db"]);
    // The retries succeed and give complete files.
    t.run(&["backup", backup.to_str().unwrap()]).ok();
    export_json(&t, &json);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["entries"].as_array().unwrap().len(), 8);
    assert_eq!(
        visible_files(t.dir.path()),
        ["all.json", "copy.db", "ledger.db"]
    );
}

/// A ledger another program keeps locked says so, names the program where the system
/// can tell, and gives up after the documented wait (5 s), not after a silent 30 s.
#[test]
fn a_locked_ledger_says_it_is_locked_and_by_what() {
    if common::sqlite_file_test() {
        return;
    }
    let t = common::small_ledger();
    let holder = rusqlite::Connection::open(&t.db).unwrap();
    let me = format!("(pid {})", std::process::id());
    // A write lock (as the sqlite3 shell's BEGIN IMMEDIATE takes): reads go on, a
    // write waits and then says the file is locked.
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    assert_eq!(t.run(&["log"]).code, 0);
    let start = std::time::Instant::now();
    let msg = t
        .refused_unchanged(
            &["investor", "add", "NEW", "--name", "新", "--type", "social"],
            "is locked by another process",
        )
        .to_string();
    let waited = start.elapsed();
    assert!(msg.contains(&me), "{msg}");
    assert!(msg.contains("waited 5 s"), "{msg}");
    assert!(waited >= std::time::Duration::from_secs(4), "{waited:?}");
    assert!(waited < std::time::Duration::from_secs(20), "{waited:?}");
    holder.execute_batch("ROLLBACK").unwrap();
    // An exclusive lock blocks even opening it: still "locked", never "not a ledger".
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let r = t.run(&["log"]);
    let msg = r.refused("is locked by another process");
    assert!(!msg.contains("not a fundledger ledger"), "{msg}");
    assert!(msg.contains(&me), "{msg}");
    holder.execute_batch("ROLLBACK").unwrap();
}

/// Run `args` on `t` with extra environment variables.
fn run_env(t: &TestLedger, env: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut c = Command::new(bin());
    c.arg("--db")
        .arg(&t.db)
        .args(args)
        .current_dir(t.dir.path())
        .env_remove("FUNDLEDGER_DB")
        .env("FUNDLEDGER_TODAY", "2026-06-30")
        .env("FUNDLEDGER_USER", "tester");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// FUNDLEDGER_TODAY and FUNDLEDGER_NOW can pin an earlier day or time (tests, the
/// example), never a later one: no entry dated in 2099 gets in through them.
#[test]
fn pinned_clocks_cannot_reach_the_future() {
    let t = common::small_ledger();
    let before = t.dump();
    let pay = [
        "lp",
        "pay",
        "S",
        "--investor",
        "SOC",
        "--amount",
        "1",
        "--date",
        "2099-01-01",
    ];
    for (var, value, needle) in [
        (
            "FUNDLEDGER_TODAY",
            "2099-01-01",
            "FUNDLEDGER_TODAY=2099-01-01 is after the real date",
        ),
        (
            "FUNDLEDGER_NOW",
            "2099-01-01T00:00:00Z",
            "FUNDLEDGER_NOW=2099-01-01T00:00:00Z is after the real time",
        ),
        (
            "FUNDLEDGER_TODAY",
            "yesterday",
            "FUNDLEDGER_TODAY: date 'yesterday' is not a valid calendar date",
        ),
        (
            "FUNDLEDGER_NOW",
            "2022-06-15",
            "FUNDLEDGER_NOW=2022-06-15 is not a UTC time",
        ),
    ] {
        let out = run_env(&t, &[(var, value)], &pay);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{var}={value}: {stderr}");
        assert!(stderr.contains(needle), "{stderr}");
        assert_eq!(t.dump(), before);
    }
}

/// A recorded time pinned into the past is recorded, and `audit` names what it did: an
/// entry dated after its recorded time, recorded before the entries preceding it.
#[test]
fn audit_reports_entries_dated_after_their_recorded_time() {
    if common::sqlite_file_test() {
        return;
    }
    let t = common::small_ledger();
    let out = run_env(
        &t,
        &[("FUNDLEDGER_NOW", "2020-01-01T00:00:00Z")],
        &[
            "lp",
            "pay",
            "S",
            "--investor",
            "SOC",
            "--amount",
            "1",
            "--date",
            "2021-01-01",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let r = t.run(&["--format", "json", "audit", "--as-of", "2026-06-30"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let f: Vec<(&str, &str, &str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["record"].as_str().unwrap(),
                f["expected"].as_str().unwrap(),
                f["recorded"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].0, "dated-after-recorded");
    assert_eq!(f[0].1, "entry 9");
    assert_eq!((f[0].2, f[0].3), ("2020-01-01", "2021-01-01"));
    assert_eq!(f[1].0, "recorded-out-of-order");
    assert_eq!(f[1].1, "entry 9");
    assert_eq!(f[1].3, "2020-01-01T00:00:00Z");
}

/// Codes: NFKC (full-width ＳＣ is SC), one alphabet, unique whatever their case; names
/// and memos without control characters. The same through the CSV import.
#[test]
fn codes_and_text_are_cleaned_at_the_door() {
    let t = TestLedger::new();
    t.run(&[
        "fund",
        "add",
        "ＳＣ-１",
        "--name",
        "双创",
        "--kind",
        "guidance",
    ])
    .ok();
    let v = t.json(&["fund", "list"]);
    assert_eq!(v["funds"][0]["code"], "SC-1");
    // Found by its full-width spelling too.
    t.run(&["company", "add", "C1", "--name", "甲公司"]).ok();
    t.run(&[
        "deal",
        "commit",
        "ＳＣ-１",
        "Ｃ１",
        "--amount",
        "100",
        "--date",
        "2021-01-01",
    ])
    .ok();
    let msg = t.refused_unchanged(
        &[
            "fund", "add", "sc-1", "--name", "重复", "--kind", "guidance",
        ],
        "refused [duplicate-code]",
    );
    assert!(
        msg.contains("fund code 'sc-1' differs only in case from fund 'SC-1'"),
        "{msg}"
    );
    t.refused_unchanged(
        &[
            "investor", "add", "Sc-1", "--name", "重复", "--type", "social",
        ],
        "differs only in case from fund 'SC-1'",
    );
    t.refused_unchanged(
        &["company", "add", "c1", "--name", "乙"],
        "differs only in case from company 'C1'",
    );
    for (code, says) in [
        ("C\u{200B}2", "U+200B (an invisible character)"),
        ("C\u{1b}2", "U+001B (a control character)"),
        ("公司", "'公' (U+516C)"),
    ] {
        t.refused_unchanged(&["company", "add", code, "--name", "乙"], says);
    }
    let msg = t.refused_unchanged(
        &["company", "add", "C2", "--name", "乙\u{1b}[2J公司"],
        "refused [control-character]",
    );
    assert!(
        msg.contains("\\u{1b}[2J") && !msg.contains('\u{1b}'),
        "{msg}"
    );
    t.refused_unchanged(
        &[
            "deal",
            "pay",
            "SC-1",
            "C1",
            "--amount",
            "1",
            "--date",
            "2021-01-02",
            "--memo",
            "line one\nline two",
        ],
        "U+000A (a control character)",
    );
    // The import applies the same rules, row by row.
    let csv = t.dir.path().join("ref.csv");
    std::fs::write(
        &csv,
        "type,code,name,kind\n\
         company,Ｃ３,丙公司,\n\
         company,c1,重复,\n\
         company,C\u{200B}4,零宽,\n\
         company,C5,\"乙\u{7}公司\",\n",
    )
    .unwrap();
    let before = t.dump();
    let r = t.run(&["--format", "json", "import", csv.to_str().unwrap()]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(t.dump(), before);
    let e: serde_json::Value = serde_json::from_str(r.stderr.trim()).unwrap();
    let rows: Vec<(u64, &str, &str)> = e["error"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["column"].as_str().unwrap(),
                r["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!((rows[0].0, rows[0].1), (3, "code"));
    assert!(rows[0].2.contains("differs only in case"), "{rows:?}");
    assert_eq!((rows[1].0, rows[1].1), (4, "code"));
    assert!(rows[1].2.contains("U+200B"), "{rows:?}");
    assert_eq!((rows[2].0, rows[2].1), (5, "name"));
    assert!(rows[2].2.contains("U+0007"), "{rows:?}");
}

/// A name edited into the file with a terminal escape sequence is shown escaped.
#[test]
fn control_characters_in_the_file_are_shown_escaped() {
    if common::sqlite_file_test() {
        return;
    }
    let t = TestLedger::new();
    t.run(&["company", "add", "C1", "--name", "甲公司"]).ok();
    let c = rusqlite::Connection::open(&t.db).unwrap();
    c.execute_batch(
        "DROP TRIGGER companies_no_update;
         UPDATE companies SET name = '甲' || char(27) || '[2J公司' WHERE code = 'C1';",
    )
    .unwrap();
    drop(c);
    for format in ["table", "csv"] {
        let out = t.run(&["--format", format, "company", "list"]);
        let s = out.ok();
        assert!(!s.contains('\u{1b}'), "{s:?}");
        assert!(s.contains("甲\\u{1b}[2J公司"), "{s}");
    }
}

/// The CSV import loses nothing silently: a column named twice, a value past the
/// header's end; and on one date a payment before its commitment is refused, as the
/// documentation says.
#[test]
fn csv_import_loses_nothing_silently() {
    let t = common::small_ledger();
    let file = |name: &str, text: &str| {
        let p = t.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let twice = file(
        "twice.csv",
        "type,fund,company,amount,date,amount\ndeal-pay,S,A,100,2021-01-04,200\n",
    );
    let msg = t.refused_unchanged(&["import", &twice], "row 1, column amount");
    assert!(
        msg.contains("appears twice in the header (columns 4 and 6)"),
        "{msg}"
    );
    let extra = file(
        "extra.csv",
        "type,fund,company,amount,date\ndeal-pay,S,A,100,2021-01-04,oops\n",
    );
    let msg = t.refused_unchanged(&["import", &extra], "row 2, column #6, value 'oops'");
    assert!(msg.contains("more cells than the header"), "{msg}");
    // S's holding in B has no commitment yet; on 2021-01-05 the payment row comes
    // first: refused, naming it. Commitment first: both go in.
    let pay_first = file(
        "pay_first.csv",
        "type,fund,company,amount,date\n\
         deal-pay,S,B,100,2021-01-05\n\
         deal-commit,S,B,100,2021-01-05\n",
    );
    let msg = t.refused_unchanged(&["import", &pay_first], "row 2, column amount");
    assert!(
        msg.contains("paid-in-without-commitment") || msg.contains("paid-in"),
        "{msg}"
    );
    let commit_first = file(
        "commit_first.csv",
        "type,fund,company,amount,date\n\
         deal-commit,S,B,100,2021-01-05\n\
         deal-pay,S,B,100,2021-01-05\n",
    );
    t.run(&["import", &commit_first]).ok();
}

/// A JSON restore checks what it is given: a duplicate entry id, a reversal pointing
/// elsewhere than its ids say, a `recorded_at` that is not a timestamp — each refused
/// naming the entry, nothing written. A good restore keeps the original authorship and
/// records who restored it.
#[test]
fn json_restore_checks_what_it_is_given() {
    if common::sqlite_file_test() {
        return;
    }
    let src = common::small_ledger();
    let out = src.dir.path().join("all.json");
    src.run(&["reverse", "8", "--reason", "keyed twice"]).ok();
    export_json(&src, &out);
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(doc["entries"][8]["reverses"], 8);
    let variant = |name: &str, edit: &dyn Fn(&mut serde_json::Value)| {
        let mut d = doc.clone();
        edit(&mut d);
        let p = src.dir.path().join(name);
        std::fs::write(&p, d.to_string()).unwrap();
        p.to_str().unwrap().to_string()
    };
    let dup = variant("dup.json", &|d| d["entries"][3]["id"] = 3.into());
    let elsewhere = variant("elsewhere.json", &|d| {
        d["entries"][8]["reverses"] = 9.into()
    });
    let time = variant("time.json", &|d| {
        d["entries"][5]["recorded_at"] = "yesterday".into()
    });
    for (file, needle) in [
        (&dup, "entry 3 of the export: its id appears twice in the export"),
        (
            &elsewhere,
            "entry 9 of the export: it reverses entry 9, which is not an earlier entry of the export",
        ),
        (
            &time,
            "entry 6 of the export: recorded_at 'yesterday' is not a UTC time",
        ),
    ] {
        let t = TestLedger::new();
        t.refused_unchanged(&["import", file], needle);
    }
    let t = TestLedger::new();
    let o = run_env(
        &t,
        &[("FUNDLEDGER_USER", "restorer")],
        &["import", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{o:?}");
    let dump = t.dump();
    // Entries keep their author; the import log names who restored.
    let entries: Vec<&str> = dump
        .lines()
        .skip_while(|l| *l != "== entries")
        .skip(1)
        .take_while(|l| !l.starts_with("=="))
        .collect();
    assert_eq!(entries.len(), 9);
    assert!(
        entries.iter().all(|l| l.contains("|tester|")),
        "{entries:?}"
    );
    let imports: Vec<&str> = dump
        .lines()
        .skip_while(|l| *l != "== imports")
        .skip(1)
        .take_while(|l| !l.starts_with("=="))
        .collect();
    assert_eq!(imports.len(), 1);
    assert!(imports[0].ends_with("|restorer"), "{imports:?}");
}
