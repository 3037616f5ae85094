//! `audit` and `backup` through the real binary: every finding code, every kind of
//! tampering made directly in the SQLite file, reconciliation with a statement, and
//! appends from several processes at once.

mod common;

use std::path::Path;

use common::{small_ledger, TestLedger};
use fundledger::hashchain;
use rusqlite::Connection;
use serde_json::Value;

/// Open the file as an outsider with the sqlite3 shell would: no triggers dropped yet,
/// foreign keys off (the shell's default).
fn raw(db: &Path) -> Connection {
    let c = Connection::open(db).unwrap();
    c.pragma_update(None, "foreign_keys", false).unwrap();
    c
}

fn drop_guards(c: &Connection) {
    c.execute_batch(
        "DROP TRIGGER entries_append_only_update; DROP TRIGGER entries_append_only_delete;
         DROP TRIGGER entries_no_reversal_of_reversal;",
    )
    .unwrap();
}

/// Append a row with a correctly chained hash, bypassing every ledger rule: what a
/// tamperer who knows the hash scheme could do.
fn append_chained(c: &Connection, cols: &[(&str, Option<&str>)]) {
    let (id, prev): (i64, String) = c
        .query_row(
            "SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let id = (id + 1).to_string();
    // A plausible time: now, as fundledger itself would have recorded it.
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut all: Vec<(&str, Option<&str>)> = vec![
        ("id", Some(&id)),
        ("recorded_at", Some(&now)),
        ("recorded_by", Some("mallory")),
    ];
    all.extend_from_slice(cols);
    let hash = hashchain::chain_hash(&prev, &hashchain::canonical(all.iter().copied()));
    let names: Vec<&str> = all.iter().map(|(k, _)| *k).collect();
    let marks: Vec<String> = (1..=all.len() + 2).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO entries ({}, prev_hash, hash) VALUES ({})",
        names.join(", "),
        marks.join(", ")
    );
    let mut vals: Vec<Option<String>> = all.iter().map(|(_, v)| v.map(String::from)).collect();
    vals.push(Some(prev));
    vals.push(Some(hash));
    c.execute(&sql, rusqlite::params_from_iter(vals))
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Recompute every hash from the stored rows: a tamperer rewriting the whole chain.
fn rechain(c: &Connection) {
    let ids: Vec<i64> = c
        .prepare("SELECT id FROM entries ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut prev = hashchain::GENESIS.to_string();
    for id in ids {
        let mut st = c.prepare("SELECT * FROM entries WHERE id = ?1").unwrap();
        let names: Vec<String> = st.column_names().map(String::from).collect();
        let vals: Vec<Option<String>> = st
            .query_row([id], |r| {
                Ok((0..names.len())
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Null => None,
                        rusqlite::types::ValueRef::Integer(v) => Some(v.to_string()),
                        rusqlite::types::ValueRef::Text(t) => {
                            Some(String::from_utf8_lossy(t).into_owned())
                        }
                        other => panic!("{other:?}"),
                    })
                    .collect())
            })
            .unwrap();
        let canonical = hashchain::canonical(
            names
                .iter()
                .map(String::as_str)
                .zip(vals.iter().map(|v| v.as_deref())),
        );
        let hash = hashchain::chain_hash(&prev, &canonical);
        c.execute(
            "UPDATE entries SET prev_hash = ?1, hash = ?2 WHERE id = ?3",
            rusqlite::params![prev, hash, id],
        )
        .unwrap();
        prev = hash;
    }
}

/// Run `audit --format json`, expecting `code` as the exit status.
fn audit(t: &TestLedger, extra: &[&str], code: i32) -> Value {
    let mut args = vec!["--format", "json", "audit", "--as-of", "2026-06-30"];
    args.extend_from_slice(extra);
    let r = t.run(&args);
    assert_eq!(r.code, code, "stdout: {}\nstderr: {}", r.stdout, r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// The finding codes, but `summary-different`: every row written behind the ledger's
/// back also leaves the position summary behind the journal, which is tested on its own
/// (`summary_codes`).
fn codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] != "summary-different")
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// The findings of an audit with rule `code`.
fn with_code(v: &Value, code: &str) -> Vec<Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .cloned()
        .collect()
}

/// How many `summary-different` findings an audit has.
fn summary_codes(v: &Value) -> usize {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "summary-different")
        .count()
}

#[test]
fn a_clean_ledger_audits_clean_and_prints_its_head() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let v = audit(&t, &[], 0);
    assert_eq!(v["clean"], true);
    assert_eq!(v["entries"], 8);
    let head = v["head"].as_str().unwrap();
    assert_eq!(head.len(), 64);
    // The head is the stored hash of the last entry.
    let stored: String = raw(&t.db)
        .query_row("SELECT hash FROM entries WHERE id = 8", [], |r| r.get(0))
        .unwrap();
    assert_eq!(head, stored);
    let table = t.run(&["audit"]).ok().to_string();
    assert!(table.contains(&format!("Chain head: 8:{head}")), "{table}");
}

#[test]
fn a_changed_amount_or_date_is_found_at_that_entry() {
    if common::sqlite_file_test() {
        return;
    }
    for (sql, what) in [
        (
            "UPDATE entries SET amount_fen = amount_fen + 1 WHERE id = 4",
            "amount",
        ),
        (
            "UPDATE entries SET effective_date = '2020-02-02' WHERE id = 4",
            "date",
        ),
        ("UPDATE entries SET memo = 'edited' WHERE id = 4", "memo"),
    ] {
        let t = small_ledger();
        let c = raw(&t.db);
        drop_guards(&c);
        c.execute(sql, []).unwrap();
        let v = audit(&t, &[], 3);
        let f = &v["findings"][0];
        assert_eq!(f["code"], "chain-content", "{what}");
        assert_eq!(f["record"], "entry 4", "{what}");
    }
}

#[test]
fn a_deleted_or_inserted_or_reordered_row_is_found() {
    if common::sqlite_file_test() {
        return;
    }
    // Deleted from the middle: entry 4 is gone, so position 4 holds entry 5.
    let t = small_ledger();
    let c = raw(&t.db);
    drop_guards(&c);
    c.execute("DELETE FROM entries WHERE id = 4", []).unwrap();
    let v = audit(&t, &[], 3);
    assert_eq!(codes(&v), vec!["chain-order"]);
    assert_eq!(v["findings"][0]["record"], "entry 5");

    // Deleted then the ids closed up: entry 5 renumbered 4 no longer links to entry 3.
    let t = small_ledger();
    let c = raw(&t.db);
    drop_guards(&c);
    c.execute_batch(
        "DELETE FROM entries WHERE id = 4; UPDATE entries SET id = id - 1 WHERE id > 4;",
    )
    .unwrap();
    let v = audit(&t, &[], 3);
    assert_eq!(v["findings"][0]["code"], "chain-link");
    assert_eq!(v["findings"][0]["record"], "entry 4");

    // Inserted at the end with a made-up hash.
    let t = small_ledger();
    let c = raw(&t.db);
    c.execute(
        "INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by, fund_id, company_id, amount_fen, prev_hash, hash)
         SELECT 9, 'deal-pay', '2020-04-01', recorded_at, 'x', fund_id, company_id, 100, hash, printf('%064d', 7) FROM entries WHERE id = 8",
        [],
    )
    .unwrap();
    let v = audit(&t, &[], 3);
    assert_eq!(v["findings"][0]["code"], "chain-content");
    assert_eq!(v["findings"][0]["record"], "entry 9");

    // Two entries swapped.
    let t = small_ledger();
    let c = raw(&t.db);
    drop_guards(&c);
    c.execute_batch("UPDATE entries SET id = 100 WHERE id = 3; UPDATE entries SET id = 3 WHERE id = 4; UPDATE entries SET id = 4 WHERE id = 100;")
        .unwrap();
    let v = audit(&t, &[], 3);
    assert_eq!(v["findings"][0]["record"], "entry 3");
    assert!(v["findings"][0]["code"]
        .as_str()
        .unwrap()
        .starts_with("chain-"));
}

#[test]
fn a_noted_head_catches_a_rewritten_chain() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let v = audit(&t, &[], 0);
    let noted = format!("8:{}", v["head"].as_str().unwrap());
    // Later, legitimate entries: the first 8 are still exactly as noted.
    t.run(&[
        "deal",
        "pay",
        "S",
        "A",
        "--amount",
        "1",
        "--date",
        "2020-04-01",
    ])
    .ok();
    let v = audit(&t, &["--expect-head", &noted], 0);
    assert_eq!(v["entries"], 9);

    // A tamperer changes entry 2 and recomputes every hash: the chain is intact...
    let c = raw(&t.db);
    drop_guards(&c);
    c.execute("UPDATE entries SET amount_fen = 700000000 WHERE id = 2", [])
        .unwrap();
    rechain(&c);
    // The summaries no longer agree with the journal (entry 2 is G's LP payment: one
    // position year and one flow day)...
    let v = audit(&t, &[], 3);
    assert_eq!(summary_codes(&v), 2, "{v}");
    // ...until the tamperer rebuilds it too: then the file verifies on its own...
    t.run(&["reindex"]).ok();
    audit(&t, &[], 0);
    // ...but not against the head the auditor noted.
    let v = audit(&t, &["--expect-head", &noted], 3);
    assert_eq!(codes(&v), vec!["head-mismatch"]);
    assert_eq!(
        v["findings"][0]["expected"],
        noted.split(':').nth(1).unwrap()
    );

    // A head beyond the ledger's length means entries were removed.
    let v = audit(&t, &["--expect-head", &format!("50:{}", "0".repeat(64))], 3);
    assert_eq!(codes(&v), vec!["head-missing"]);
    t.refused_unchanged(&["audit", "--expect-head", "8:nothex"], "N:HASH");
}

#[test]
fn rule_breaking_rows_written_behind_the_ledger_are_found() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let c = raw(&t.db);
    let (s, a, b): (String, String, String) = (
        c.query_row("SELECT id FROM funds WHERE code = 'S'", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
        .to_string(),
        c.query_row("SELECT id FROM companies WHERE code = 'A'", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
        .to_string(),
        c.query_row("SELECT id FROM companies WHERE code = 'B'", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
        .to_string(),
    );
    let soc: String = c
        .query_row("SELECT id FROM investors WHERE code = 'SOC'", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
        .to_string();
    let g: String = c
        .query_row("SELECT id FROM funds WHERE code = 'G'", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
        .to_string();
    // S paid A 1,500,000 of 2,000,000 committed; 600,000 more is 100,000 over.
    append_chained(
        &c,
        &[
            ("kind", Some("deal-pay")),
            ("effective_date", Some("2020-04-01")),
            ("fund_id", Some(&s)),
            ("company_id", Some(&a)),
            ("amount_fen", Some("60000000")),
        ],
    );
    // SOC paid into G without any commitment.
    append_chained(
        &c,
        &[
            ("kind", Some("lp-pay")),
            ("effective_date", Some("2020-04-01")),
            ("fund_id", Some(&g)),
            ("investor_id", Some(&soc)),
            ("amount_fen", Some("100")),
        ],
    );
    // A mark on B, which S never paid into.
    append_chained(
        &c,
        &[
            ("kind", Some("deal-value")),
            ("effective_date", Some("2020-04-01")),
            ("fund_id", Some(&s)),
            ("company_id", Some(&b)),
            ("amount_fen", Some("100")),
        ],
    );
    let v = audit(&t, &[], 3);
    let mut found = codes(&v);
    found.sort();
    assert_eq!(
        found,
        vec![
            "not-held",
            "paid-in-exceeds-commitment",
            "paid-in-without-commitment"
        ]
    );
    let over = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "paid-in-exceeds-commitment")
        .unwrap();
    assert_eq!(over["record"], "fund S in company A");
    assert_eq!(over["expected"], "2000000.00");
    assert_eq!(over["recorded"], "2100000.00");
    assert_eq!(over["difference"], "100000.00");
    // The rows were written behind the ledger's back, so the position summary (which
    // covers the whole journal, whatever --as-of says) is behind too.
    assert!(summary_codes(&v) > 0, "{v}");
    // Rebuilt, an audit as of a date before the bad rows is clean of them.
    t.run(&["reindex"]).ok();
    let r = t.run(&["--format", "json", "audit", "--as-of", "2020-03-31"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn entries_after_a_write_off_are_found() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    t.run(&["deal", "write-off", "S", "A", "--date", "2021-01-01"])
        .ok();
    let c = raw(&t.db);
    append_chained(
        &c,
        &[
            ("kind", Some("deal-value")),
            ("effective_date", Some("2021-02-01")),
            ("fund_id", Some("2")),
            ("company_id", Some("1")),
            ("amount_fen", Some("100")),
        ],
    );
    let v = audit(&t, &[], 3);
    assert_eq!(codes(&v), vec!["holding-closed"]);
}

#[test]
fn broken_reversal_links_are_found() {
    if common::sqlite_file_test() {
        return;
    }
    // A reversal of a reversal, written with the guard trigger dropped.
    let t = small_ledger();
    t.run(&["reverse", "8", "--reason", "x"]).ok(); // entry 9
    let c = raw(&t.db);
    drop_guards(&c);
    append_chained(
        &c,
        &[
            ("kind", Some("reversal")),
            ("effective_date", Some("2020-03-15")),
            ("memo", Some("y")),
            ("reverses", Some("9")),
        ],
    );
    assert_eq!(codes(&audit(&t, &[], 3)), vec!["reversal-of-reversal"]);

    // A reversal of an entry that does not exist (foreign keys off, as in the shell).
    let t = small_ledger();
    let c = raw(&t.db);
    append_chained(
        &c,
        &[
            ("kind", Some("reversal")),
            ("effective_date", Some("2020-03-15")),
            ("memo", Some("y")),
            ("reverses", Some("77")),
        ],
    );
    let mut found = codes(&audit(&t, &[], 3));
    found.sort();
    assert_eq!(found, vec!["foreign-key", "reversal-target-missing"]);

    // The same entry reversed twice, after the table was rebuilt without its UNIQUE constraint.
    let t = small_ledger();
    t.run(&["reverse", "8", "--reason", "x"]).ok();
    let c = raw(&t.db);
    c.execute_batch(
        "ALTER TABLE entries RENAME TO entries_old; CREATE TABLE entries AS SELECT * FROM entries_old; DROP TABLE entries_old;",
    )
    .unwrap();
    append_chained(
        &c,
        &[
            ("kind", Some("reversal")),
            ("effective_date", Some("2020-03-15")),
            ("memo", Some("again")),
            ("reverses", Some("8")),
        ],
    );
    let v = audit(&t, &[], 3);
    assert_eq!(codes(&v), vec!["reversal-duplicate"]);
    assert_eq!(v["findings"][0]["recorded"], "2");
}

#[test]
fn sqlite_integrity_and_foreign_keys_are_checked() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let c = raw(&t.db);
    // An index whose stored definition no longer matches its contents.
    c.execute_batch(
        "CREATE INDEX funds_by_name ON funds(name);
         PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = 'CREATE INDEX funds_by_name ON funds(manager)' WHERE name = 'funds_by_name';
         PRAGMA writable_schema = OFF;",
    )
    .unwrap();
    drop(c);
    let v = audit(&t, &[], 3);
    assert!(codes(&v).contains(&"sqlite-integrity".to_string()), "{v}");

    let t = small_ledger();
    let c = raw(&t.db);
    append_chained(
        &c,
        &[
            ("kind", Some("deal-commit")),
            ("effective_date", Some("2020-04-01")),
            ("fund_id", Some("99")),
            ("company_id", Some("1")),
            ("amount_fen", Some("100")),
        ],
    );
    assert!(codes(&audit(&t, &[], 3)).contains(&"foreign-key".to_string()));
}

#[test]
fn reconciliation_against_a_statement() {
    let t = small_ledger();
    let st = t.dir.path().join("statement.csv");
    // G paid S 3,000,000 and SOC paid 750,000 (LP); S paid A 1,500,000 (deal).
    std::fs::write(
        &st,
        "fund,counterparty,kind,amount\n\
         S,G,lp-paid-in,300万\n\
         S,SOC,lp-paid-in,\"750,000.01\"\n\
         S,A,deal-paid-in,1500000\n\
         S,B,deal-paid-in,20000\n",
    )
    .unwrap();
    let v = audit(&t, &["--against", st.to_str().unwrap()], 3);
    let rec = v["reconciliation"].as_array().unwrap();
    let status: Vec<(&str, &str)> = rec
        .iter()
        .map(|r| {
            (
                r["counterparty"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        status,
        vec![
            ("A", "matched"),
            ("B", "missing-from-ledger"),
            ("G", "matched"),
            ("SOC", "different")
        ]
    );
    let soc = &rec[3];
    assert_eq!(soc["statement"], "750000.01");
    assert_eq!(soc["ledger"], "750000.00");
    assert_eq!(soc["difference"], "-0.01");
    let mut found = codes(&v);
    found.sort();
    assert_eq!(
        found,
        vec!["statement-different", "statement-missing-from-ledger"]
    );

    // Exact by default; a tolerance of one fen accepts the SOC line, and says so.
    std::fs::write(
        &st,
        "fund,counterparty,kind,amount\nS,G,lp-paid-in,300万\nS,SOC,lp-paid-in,750000.01\n",
    )
    .unwrap();
    let v = audit(
        &t,
        &["--against", st.to_str().unwrap(), "--tolerance", "0.01"],
        0,
    );
    assert_eq!(v["reconciliation"][1]["status"], "within-tolerance");

    // A statement for S's LPs that leaves out SOC: the ledger line is reported.
    std::fs::write(
        &st,
        "fund,counterparty,kind,amount,as_of\nS,G,lp-paid-in,3000000,2020-12-31\n",
    )
    .unwrap();
    let v = audit(&t, &["--against", st.to_str().unwrap()], 3);
    assert_eq!(codes(&v), vec!["statement-missing-line"]);
    assert_eq!(v["findings"][0]["recorded"], "750000.00");
    // As of a date before the payments, the statement's 3,000,000 is not in the ledger yet.
    std::fs::write(
        &st,
        "fund,counterparty,kind,amount,as_of\nS,G,lp-paid-in,3000000,2020-02-05\n",
    )
    .unwrap();
    let v = audit(&t, &["--against", st.to_str().unwrap()], 3);
    assert_eq!(v["reconciliation"][0]["status"], "missing-from-ledger");

    // A malformed statement is refused, naming the line.
    std::fs::write(
        &st,
        "fund,counterparty,kind,amount\nS,G,lp-paid-in,12.345\n",
    )
    .unwrap();
    t.refused_unchanged(
        &["audit", "--against", st.to_str().unwrap()],
        "statement line 2",
    );
    std::fs::write(&st, "fund,counterparty,kind,amount\nS,G,paid,1\n").unwrap();
    t.refused_unchanged(
        &["audit", "--against", st.to_str().unwrap()],
        "lp-paid-in or deal-paid-in",
    );
    std::fs::write(&st, "fund,amount\nS,1\n").unwrap();
    t.refused_unchanged(&["audit", "--against", st.to_str().unwrap()], "header");
}

#[test]
fn backup_is_consistent_verified_and_never_overwrites() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let dest = t.dir.path().join("copy.db");
    let v = t.json(&["backup", dest.to_str().unwrap()]);
    assert_eq!(v["entries"], 8);
    assert_eq!(v["verified"], true);
    assert_eq!(common::dump(&t.db), common::dump(&dest));
    let before = std::fs::read(&dest).unwrap();
    t.run(&["backup", dest.to_str().unwrap()])
        .refused("already exists");
    assert_eq!(before, std::fs::read(&dest).unwrap());
}

#[test]
fn parallel_writers_lose_nothing_and_keep_the_chain() {
    if common::sqlite_file_test() {
        return;
    }
    // 4 processes × 200 entries each, all at once, on one file.
    let t = small_ledger();
    t.run(&[
        "deal",
        "commit",
        "S",
        "B",
        "--amount",
        "1亿",
        "--date",
        "2020-03-01",
    ])
    .ok();
    let db = t.db.to_str().unwrap().to_string();
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let db = db.clone();
            let dir = t.dir.path().to_path_buf();
            std::thread::spawn(move || {
                for i in 0..200 {
                    let r = common::run_in(
                        &dir,
                        &[
                            "--db",
                            &db,
                            "deal",
                            "pay",
                            "S",
                            "B",
                            "--amount",
                            "1.01",
                            "--date",
                            "2020-04-01",
                            "--memo",
                            &format!("w{w}-{i}"),
                        ],
                    );
                    assert_eq!(r.code, 0, "{}", r.stderr);
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let v = audit(&t, &[], 0);
    // 8 + 1 set-up entries + 800 appended.
    assert_eq!(v["entries"], 809);
    // 800 × 1.01 = 808.00 exactly.
    let p = t.json(&[
        "report",
        "portfolio",
        "--fund",
        "S",
        "--as-of",
        "2020-12-31",
    ]);
    assert_eq!(p["funds"][0]["deal_paid_in"], "1500808.00");
}

/// Rows the sqlite3 shell can write but fundledger cannot read (an impossible date, an
/// amount out of range, an unknown kind) are audit findings naming the entry and the
/// column; `log` and reports stop with an error naming them, not a conversion error.
#[test]
fn undecodable_rows_are_named_not_fatal() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let c = raw(&t.db);
    drop_guards(&c);
    c.execute_batch(
        "PRAGMA ignore_check_constraints = ON;
         UPDATE entries SET effective_date = '2021-02-30' WHERE id = 3;
         UPDATE entries SET amount_fen = 9223372036854775807 WHERE id = 4;
         INSERT INTO entry_kinds (kind) VALUES ('lp-bonus');
         UPDATE entries SET kind = 'lp-bonus' WHERE id = 5;",
    )
    .unwrap();
    drop(c);
    let v = audit(&t, &[], 3);
    let bad: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "bad-row")
        .map(|f| {
            (
                f["record"].as_str().unwrap().to_string(),
                f["recorded"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        bad,
        [
            ("entry 3".to_string(), "'2021-02-30'".to_string()),
            ("entry 4".to_string(), "9223372036854775807".to_string()),
            ("entry 5".to_string(), "'lp-bonus'".to_string()),
        ]
    );
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "bad-row")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].starts_with("column effective_date:"),
        "{messages:?}"
    );
    assert!(
        messages[1].starts_with("column amount_fen:"),
        "{messages:?}"
    );
    assert!(messages[2].starts_with("column kind:"), "{messages:?}");
    // `log` reads in id order, so entry 3 comes first; reports read in date order and
    // stop at whichever bad row they meet first.
    let r = t.run(&["log"]);
    r.refused("entry 3, column effective_date: the stored value '2021-02-30'");
    // (`report portfolio`, `report leverage` and `report returns --by fund` read the
    // summaries instead, which audit finds out of step with these rows; the holding
    // rows of `report returns` read the journal.)
    let r = t.run(&[
        "report",
        "returns",
        "--by",
        "holding",
        "--as-of",
        "2026-06-30",
    ]);
    let msg = r.refused("fundledger audit");
    assert!(
        msg.contains("entry 3, column effective_date: the stored value '2021-02-30'")
            || msg.contains("entry 4, column amount_fen: the stored value 9223372036854775807")
            || msg.contains("entry 5, column kind: the stored value 'lp-bonus'"),
        "{msg}"
    );
    assert!(!msg.contains("Conversion error"), "{msg}");
}

/// Drop the triggers that keep reference rows from being edited or deleted, as someone
/// with the sqlite3 shell could.
fn drop_reference_guards(c: &Connection) {
    c.execute_batch(
        "DROP TRIGGER funds_no_update; DROP TRIGGER investors_no_update;
         DROP TRIGGER companies_no_update; DROP TRIGGER funds_no_delete;
         DROP TRIGGER companies_no_delete;",
    )
    .unwrap();
}

/// (code, record) of every finding.
fn findings(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["record"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pair(code: &str, record: &str) -> (String, String) {
    (code.to_string(), record.to_string())
}

/// Reference rows are sealed: an edit to a fund, investor or company made with the
/// sqlite3 shell is named by `audit`, as is a row deleted or added behind its back.
#[test]
fn edited_reference_rows_are_named() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let clean = audit(&t, &[], 0);
    // G, S, GOV, SOC, A, B and the investor row G gets as an LP: 7 seals.
    assert_eq!(clean["references"], 7);
    assert_eq!(clean["reference_head"].as_str().unwrap().len(), 64);
    let c = raw(&t.db);
    // The triggers refuse the edit until they are dropped.
    assert!(c
        .execute(
            "UPDATE investors SET type = 'social' WHERE code = 'GOV'",
            []
        )
        .is_err());
    drop_reference_guards(&c);
    c.execute_batch(
        "UPDATE investors SET type = 'social' WHERE code = 'GOV';
         UPDATE companies SET name = '丙公司' WHERE code = 'A';
         DELETE FROM companies WHERE code = 'B';
         INSERT INTO companies (id, code, name, created_at, created_by)
             VALUES (3, 'X', '冒名公司', '2026-01-01T00:00:00Z', 'mallory');",
    )
    .unwrap();
    drop(c);
    let v = audit(&t, &[], 3);
    let f = findings(&v);
    for want in [
        pair("reference-changed", "investor 'GOV'"),
        pair("reference-changed", "company 'A'"),
        pair("reference-missing", "company #2"),
        pair("reference-unsealed", "company 'X'"),
    ] {
        assert!(f.contains(&want), "{want:?} not in {f:?}");
    }
    // The journal itself is untouched.
    assert!(!f.iter().any(|(c, _)| c.starts_with("chain")), "{f:?}");
}

/// SC and SC-1 made each other's parent: `audit` names the cycle, and reports stop
/// with an error naming the funds instead of looping.
#[test]
fn a_fund_parent_cycle_is_found_and_reports_stop() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let c = raw(&t.db);
    drop_reference_guards(&c);
    c.execute(
        "UPDATE funds SET parent_id = (SELECT id FROM funds WHERE code = 'S') WHERE code = 'G'",
        [],
    )
    .unwrap();
    drop(c);
    let v = audit(&t, &[], 3);
    let f = findings(&v);
    assert!(f.contains(&pair("reference-changed", "fund 'G'")), "{f:?}");
    let structure: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "fund-structure")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        structure,
        [
            "fund parents form a cycle: 'G' → 'S' → 'G' (each fund's parent is the next)",
            "guidance fund 'G' has a parent ('S'); a guidance fund is the top of its structure",
        ]
    );
    for args in [
        &["report", "portfolio", "--fund", "G"][..],
        &["report", "portfolio", "--look-through"],
        &["report", "leverage"],
        &["fund", "list"],
    ] {
        let msg = t.refused_unchanged(args, "fund parents form a cycle: 'G' → 'S' → 'G'");
        assert!(msg.contains("fundledger audit"), "{msg}");
    }
}

/// A sub-fund whose parent was turned into a vehicle, and a fund whose inception was
/// moved after its entries: both named, with the figures.
#[test]
fn a_broken_parent_rule_and_a_moved_inception_are_found() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
    let clean = audit(&t, &[], 0);
    let noted = format!("{}:{}", clean["entries"], clean["head"].as_str().unwrap());
    let c = raw(&t.db);
    drop_reference_guards(&c);
    c.execute_batch(
        "UPDATE funds SET kind = 'vehicle' WHERE code = 'G';
         UPDATE funds SET inception = '2020-06-01' WHERE code = 'S';",
    )
    .unwrap();
    drop(c);
    // The incremental audit finds both as well: the entries before N are proven
    // unchanged, but a fund's inception is reference data, checked against them anew.
    let since = audit(&t, &["--since", &noted], 3);
    for code in ["fund-structure", "before-inception"] {
        assert_eq!(
            with_code(&since, code),
            with_code(&audit(&t, &[], 3), code),
            "{code}"
        );
    }
    let v = audit(&t, &[], 3);
    let f = findings(&v);
    assert!(f.contains(&pair("reference-changed", "fund 'G'")), "{f:?}");
    assert!(f.contains(&pair("reference-changed", "fund 'S'")), "{f:?}");
    let by_code = |code: &str| with_code(&v, code);
    let s = by_code("fund-structure");
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(
        s[0]["message"],
        "the parent of fund 'S' is 'G', a vehicle, not a guidance fund"
    );
    // S's first entries are its LPs' commitments on 2020-02-01 (entry 3):
    // 2020-02-01 → 2020-06-01 is 29 + 31 + 30 + 31 = 121 days.
    let b = by_code("before-inception");
    assert_eq!(b.len(), 1, "{b:?}");
    assert_eq!(b[0]["record"], "fund 'S'");
    assert_eq!(b[0]["expected"], "2020-06-01");
    assert_eq!(b[0]["recorded"], "2020-02-01");
    assert_eq!(
        b[0]["message"],
        "entry 3 is dated 2020-02-01, 121 days before the fund's inception on 2020-06-01"
    );
}

/// The rule the audit checks is the rule input keeps: a guidance fund takes no parent
/// (in the CLI and in the import), a parent must be a guidance fund.
#[test]
fn a_guidance_fund_with_a_parent_is_refused() {
    let t = small_ledger();
    let msg = t.refused_unchanged(
        &[
            "fund", "add", "G2", "--name", "二号", "--kind", "guidance", "--parent", "G",
        ],
        "refused [guidance-has-parent]",
    );
    assert!(
        msg.contains("guidance fund 'G2' cannot have a parent ('G')"),
        "{msg}"
    );
    t.refused_unchanged(
        &[
            "fund",
            "add",
            "SS",
            "--name",
            "孙基金",
            "--kind",
            "sub-fund",
            "--parent",
            "S",
        ],
        "refused [parent-not-guidance]",
    );
    let csv = t.dir.path().join("funds.csv");
    std::fs::write(
        &csv,
        "type,code,name,kind,parent\nfund,G3,三号,guidance,G\n",
    )
    .unwrap();
    let msg = t.refused_unchanged(&["import", csv.to_str().unwrap()], "row 2, column parent");
    assert!(msg.contains("guidance-has-parent"), "{msg}");
}

/// A ledger upgraded from an earlier schema gets its reference rows sealed as they
/// stand, and audits clean.
#[test]
fn an_upgraded_ledger_seals_its_reference_rows() {
    if common::sqlite_file_test() {
        return;
    }
    use fundledger::store::Ledger;
    let t = TestLedger::uninit();
    drop(Ledger::create_at_version(&t.db, 7).unwrap());
    {
        let c = Connection::open(&t.db).unwrap();
        c.execute_batch(
            "INSERT INTO funds (code, name, kind, created_at, created_by)
                 VALUES ('OLD', '旧基金', 'guidance', '2024-01-01T00:00:00Z', 'x');
             INSERT INTO companies (code, name, created_at, created_by)
                 VALUES ('C', '公司', '2024-01-01T00:00:00Z', 'x');",
        )
        .unwrap();
    }
    let v = audit(&t, &[], 0);
    assert_eq!(v["references"], 2);
    let c = raw(&t.db);
    drop_reference_guards(&c);
    c.execute("UPDATE funds SET name = '改名' WHERE code = 'OLD'", [])
        .unwrap();
    drop(c);
    let v = audit(&t, &[], 3);
    assert_eq!(findings(&v), [pair("reference-changed", "fund 'OLD'")]);
}

/// A loan's contract terms and a fund's policy record are sealed too.
#[test]
fn edited_loan_terms_and_policy_records_are_named() {
    if common::sqlite_file_test() {
        return;
    }
    let t = small_ledger();
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
    t.run(&[
        "fund",
        "policy",
        "G",
        "--from",
        "2020-01-01",
        "--gov-share-max",
        "40",
    ])
    .ok();
    let clean = audit(&t, &[], 0);
    assert_eq!(clean["references"], 9);
    let c = raw(&t.db);
    c.execute_batch(
        "DROP TRIGGER loans_no_update; DROP TRIGGER fund_policies_append_only_update;
         UPDATE loans SET principal_fen = 1000000 WHERE code = 'L1';
         UPDATE fund_policies SET gov_share_max_bp = 8000;",
    )
    .unwrap();
    drop(c);
    let v = audit(&t, &[], 3);
    let f = findings(&v);
    assert!(f.contains(&pair("reference-changed", "loan 'L1'")), "{f:?}");
    assert!(
        f.contains(&pair("reference-changed", "policy record #1")),
        "{f:?}"
    );
}

/// A small ledger audited (its head noted), then two more entries: (ledger, noted head).
fn noted_then_two_more() -> (TestLedger, String) {
    let t = small_ledger();
    let v = audit(&t, &[], 0);
    let noted = format!("{}:{}", v["entries"], v["head"].as_str().unwrap());
    for date in ["2020-04-01", "2020-04-02"] {
        t.run(&["deal", "pay", "S", "A", "--amount", "1", "--date", date])
            .ok();
    }
    (t, noted)
}

#[test]
fn an_incremental_audit_proves_the_noted_entries_by_their_hashes_and_checks_the_rest() {
    if common::sqlite_file_test() {
        return;
    }
    let (t, noted) = noted_then_two_more();
    let n: i64 = noted.split(':').next().unwrap().parse().unwrap();
    let v = audit(&t, &["--since", &noted], 0);
    assert_eq!(v["since"], n);
    assert_eq!(v["entries"], n + 2);
    assert_eq!(v["head"], audit(&t, &[], 0)["head"]);

    // Tampering before N that breaks the stored chain: caught by the hash pass.
    let c = raw(&t.db);
    drop_guards(&c);
    c.execute("DELETE FROM entries WHERE id = 3", []).unwrap();
    let v = audit(&t, &["--since", &noted], 3);
    assert_eq!(codes(&v), vec!["chain-order"]);
    assert_eq!(v["findings"][0]["record"], "entry 4");

    // An entry before N edited and every hash recomputed: the noted head no longer
    // matches, and the incremental audit refuses to go on from it.
    let (t, noted) = noted_then_two_more();
    let c = raw(&t.db);
    drop_guards(&c);
    c.execute("UPDATE entries SET amount_fen = 700000000 WHERE id = 2", [])
        .unwrap();
    rechain(&c);
    let r = t.run(&["audit", "--since", &noted]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stderr.contains("[since-head]") && r.stderr.contains("history was rewritten"),
        "{}",
        r.stderr
    );

    // An entry before N edited but its hashes left alone: the hash pass reads stored
    // hashes only and cannot see it; the full audit can (docs/audit.md).
    let (t, noted) = noted_then_two_more();
    let c = raw(&t.db);
    drop_guards(&c);
    c.execute("UPDATE entries SET amount_fen = 700000000 WHERE id = 2", [])
        .unwrap();
    audit(&t, &["--since", &noted], 0);
    assert!(codes(&audit(&t, &[], 3)).contains(&"chain-content".to_string()));

    // Tampering after N: the full check of the new entries finds it.
    let (t, noted) = noted_then_two_more();
    let c = raw(&t.db);
    drop_guards(&c);
    c.execute(
        &format!("UPDATE entries SET amount_fen = 5 WHERE id = {}", n + 1),
        [],
    )
    .unwrap();
    let v = audit(&t, &["--since", &noted], 3);
    assert_eq!(codes(&v), vec!["chain-content"]);
    assert_eq!(v["findings"][0]["record"], format!("entry {}", n + 1));

    // A row after N that breaks a position's rule, correctly chained: the rules run
    // over that position's whole history.
    let (t, noted) = noted_then_two_more();
    let c = raw(&t.db);
    append_chained(
        &c,
        &[
            ("kind", Some("deal-pay")),
            ("effective_date", Some("2021-03-01")),
            ("fund_id", Some("2")),
            ("company_id", Some("1")),
            ("amount_fen", Some("900000000000")),
        ],
    );
    let v = audit(&t, &["--since", &noted], 3);
    assert_eq!(codes(&v), vec!["paid-in-exceeds-commitment"]);
}

#[test]
fn an_incremental_audit_refuses_a_wrong_head() {
    let (t, noted) = noted_then_two_more();
    let n = noted.split(':').next().unwrap();
    let wrong = format!("{n}:{}", "ab".repeat(32));
    let before = t.dump();
    for (head, needle) in [
        (wrong.as_str(), "not the noted"),
        (&format!("50:{}", "ab".repeat(32)), "does not have"),
        ("8:nothex", "N:HASH"),
    ] {
        let r = t.run(&["audit", "--since", head]);
        assert_eq!(r.code, 1, "{head}: {}", r.stdout);
        assert!(r.stderr.contains(needle), "{head}: {}", r.stderr);
    }
    assert_eq!(t.dump(), before);
}
