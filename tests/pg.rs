//! The PostgreSQL backend (issue 13), on a real server: the same reports and chain
//! heads as the file it was copied from, the database refusing edits for every role,
//! roles that cannot write or cannot edit, tampering caught by `audit`, and writers
//! serialised on the chain tail.

mod common;

use common::{dump, pg, run_in, Run, TestLedger};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/ledger.db.example");

/// A test's own database with a ledger in it; `db_arg()` is its URL.
fn pg_ledger(admin: &str, tag: &str) -> TestLedger {
    let t = TestLedger {
        dir: tempfile::tempdir().unwrap(),
        db: std::path::PathBuf::new(),
        url: Some(pg::fresh_db(admin, tag)),
    };
    t.run(&["init"]).ok();
    t
}

fn entries(t: &TestLedger) -> i64 {
    pg::client(t.db_arg())
        .query_one("SELECT count(*) FROM entries", &[])
        .unwrap()
        .get(0)
}

fn file_json(db: &str, args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let mut full = vec!["--db", db, "--format", "json"];
    full.extend_from_slice(args);
    run_in(dir.path(), &full).json()
}

/// The example ledger, copied in.
fn example_on_pg(admin: &str, tag: &str) -> TestLedger {
    let t = pg_ledger(admin, tag);
    let out = run_in(
        t.dir.path(),
        &["copy", "--from", EXAMPLE, "--to", t.db_arg()],
    );
    // 183 entries and 67 reference seals: `fundledger --db ledger.db.example audit`.
    assert!(
        out.ok().contains("journal head 183:"),
        "copy output: {}",
        out.stdout
    );
    t
}

#[test]
fn a_copied_ledger_prints_the_same_reports_and_chain_heads_and_copies_back_byte_for_byte() {
    let Some(admin) = pg::admin() else { return };
    let t = example_on_pg(&admin, "same");
    // Every figure a report prints comes from the same rows: the JSON of each report
    // on the server equals the JSON of the file it was copied from.
    for args in [
        &["report", "portfolio", "--as-of", "2022-06-30"][..],
        &["report", "leverage", "--as-of", "2022-06-30"],
        &["report", "returns", "--as-of", "2022-06-30"],
        &["report", "loans", "--as-of", "2022-06-30"],
        &["report", "breakdown", "--as-of", "2022-06-30"],
        &["report", "outcomes", "--as-of", "2022-06-30"],
        &["log"],
        &["fund", "list"],
    ] {
        assert_eq!(
            t.json(args),
            file_json(EXAMPLE, args),
            "{args:?} differs between PostgreSQL and the file"
        );
    }
    let audit = t.json(&["audit", "--as-of", "2022-06-30"]);
    let file_audit = file_json(EXAMPLE, &["audit", "--as-of", "2022-06-30"]);
    assert_eq!(audit["head"], file_audit["head"], "chain heads differ");
    assert_eq!(audit["findings"].as_array().map(Vec::len), Some(0));
    // Back to a file: every row of every table as in the original.
    let back = t.dir.path().join("back.db");
    run_in(
        t.dir.path(),
        &["copy", "--from", t.db_arg(), "--to", back.to_str().unwrap()],
    )
    .ok();
    assert_eq!(dump(&back), dump(std::path::Path::new(EXAMPLE)));
}

#[test]
fn init_refuses_a_database_that_holds_a_ledger_and_copy_a_target_that_is_not_empty() {
    let Some(admin) = pg::admin() else { return };
    let t = example_on_pg(&admin, "refuse");
    let before = t.dump();
    t.run(&["init"]).refused("already holds a ledger");
    run_in(
        t.dir.path(),
        &["copy", "--from", EXAMPLE, "--to", t.db_arg()],
    )
    .refused("already holds 317 rows");
    assert_eq!(
        before,
        t.dump(),
        "a refused init or copy changed the ledger"
    );
    // A file target that exists is refused too, and left as it was.
    let existing = t.dir.path().join("x.db");
    std::fs::write(&existing, b"not mine").unwrap();
    run_in(
        t.dir.path(),
        &[
            "copy",
            "--from",
            t.db_arg(),
            "--to",
            existing.to_str().unwrap(),
        ],
    )
    .refused("already exists");
    assert_eq!(std::fs::read(&existing).unwrap(), b"not mine");
}

#[test]
fn a_newer_schema_and_an_empty_database_are_refused_untouched() {
    let Some(admin) = pg::admin() else { return };
    let empty = pg::fresh_db(&admin, "empty");
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), &["--db", &empty, "report", "portfolio"])
        .refused("holds no fundledger ledger");
    let t = pg_ledger(&admin, "newer");
    let mut c = pg::client(t.db_arg());
    c.batch_execute("UPDATE meta SET value = '11' WHERE key = 'schema_version'")
        .unwrap();
    t.run(&["fund", "add", "G", "--name", "g", "--kind", "guidance"])
        .refused("newer fundledger (schema version 11");
    let funds: i64 = c
        .query_one("SELECT count(*) FROM funds", &[])
        .unwrap()
        .get(0);
    assert_eq!(funds, 0);
}

#[test]
fn writes_follow_the_same_rules_and_a_refusal_changes_nothing() {
    let Some(admin) = pg::admin() else { return };
    let t = pg_ledger(&admin, "rules");
    for args in [
        &[
            "fund",
            "add",
            "G",
            "--name",
            "引导基金",
            "--kind",
            "guidance",
        ][..],
        &["company", "add", "A", "--name", "甲公司"],
        &[
            "deal",
            "commit",
            "G",
            "A",
            "--amount",
            "1000000",
            "--date",
            "2021-03-01",
        ],
        &[
            "deal",
            "pay",
            "G",
            "A",
            "--amount",
            "600000",
            "--date",
            "2021-04-01",
        ],
    ] {
        t.run(args).ok();
    }
    let before = t.dump();
    // 600,000 paid of 1,000,000 committed: 500,000 more would be 100,000 over.
    t.run(&[
        "deal",
        "pay",
        "G",
        "A",
        "--amount",
        "500000",
        "--date",
        "2021-05-01",
    ])
    .refused("paid-in-exceeds-commitment");
    t.run(&[
        "deal",
        "pay",
        "G",
        "A",
        "--amount",
        "1.001",
        "--date",
        "2021-05-01",
    ])
    .refused("amount");
    assert_eq!(before, t.dump(), "a refused write changed the ledger");
    assert_eq!(entries(&t), 2);
}

#[test]
fn the_database_refuses_edits_and_roles_hold_writers_to_inserts_and_auditors_to_reads() {
    let Some(admin) = pg::admin() else { return };
    let t = example_on_pg(&admin, "roles");
    t.run(&["pg", "roles", "--apply"]).ok();
    let mut su = pg::client(t.db_arg());
    su.batch_execute(
        "DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fl_alice') THEN CREATE ROLE fl_alice LOGIN; END IF;
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fl_audrey') THEN CREATE ROLE fl_audrey LOGIN; END IF;
         END $$;
         GRANT fundledger_writer TO fl_alice; GRANT fundledger_auditor TO fl_audrey;",
    )
    .unwrap();
    // Even the owner cannot edit history: the trigger refuses, SQLSTATE 23001.
    let e = su
        .batch_execute("UPDATE entries SET amount_fen = 1 WHERE id = 3")
        .unwrap_err();
    assert_eq!(e.code().map(|c| c.code()), Some("23001"), "{e}");
    let e = su.batch_execute("TRUNCATE funds CASCADE").unwrap_err();
    assert_eq!(e.code().map(|c| c.code()), Some("23001"), "{e}");

    let as_user = |user: &str| t.db_arg().replacen("postgres@", &format!("{user}@"), 1);
    let alice = as_user("fl_alice");
    let audrey = as_user("fl_audrey");
    let before = t.dump();
    // The writer may not edit or delete: permission denied, SQLSTATE 42501.
    let mut w = pg::client(&alice);
    for sql in [
        "UPDATE entries SET amount_fen = 1 WHERE id = 3",
        "DELETE FROM entries WHERE id = 183",
        "UPDATE funds SET name = 'x' WHERE id = 1",
    ] {
        let e = w.batch_execute(sql).unwrap_err();
        assert_eq!(e.code().map(|c| c.code()), Some("42501"), "{sql}: {e}");
    }
    // The auditor may read everything and write nothing, through fundledger too.
    let dir = tempfile::tempdir().unwrap();
    run_in(
        dir.path(),
        &["--db", &audrey, "audit", "--as-of", "2022-06-30"],
    )
    .ok();
    run_in(
        dir.path(),
        &[
            "--db", &audrey, "fund", "add", "X", "--name", "x", "--kind", "guidance",
        ],
    )
    .refused("42501");
    let e = pg::client(&audrey)
        .batch_execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        .unwrap_err();
    assert_eq!(e.code().map(|c| c.code()), Some("42501"), "{e}");
    assert_eq!(before, t.dump(), "a refused edit changed the ledger");
    // The writer writes through fundledger.
    run_in(
        dir.path(),
        &[
            "--db", &alice, "fund", "add", "X", "--name", "x", "--kind", "guidance",
        ],
    )
    .ok();
}

#[test]
fn tampering_as_superuser_with_triggers_disabled_is_named_by_audit() {
    let Some(admin) = pg::admin() else { return };
    let t = example_on_pg(&admin, "tamper");
    pg::client(t.db_arg())
        .batch_execute(
            "ALTER TABLE entries DISABLE TRIGGER USER;
             UPDATE entries SET amount_fen = amount_fen + 100 WHERE id = 3;
             ALTER TABLE entries ENABLE TRIGGER USER;",
        )
        .unwrap();
    let r = t.run(&["--format", "json", "audit", "--as-of", "2022-06-30"]);
    assert_eq!(r.code, 3, "audit should report findings: {}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["code"], "chain-content", "{v}");
    assert_eq!(f["record"], "entry 3", "{v}");
    // `copy` refuses to carry a broken chain anywhere.
    let out = t.dir.path().join("out.db");
    run_in(
        t.dir.path(),
        &["copy", "--from", t.db_arg(), "--to", out.to_str().unwrap()],
    )
    .refused("does not verify at entry 3");
    assert!(!out.exists());
}

/// `report portfolio`'s total paid into deals, as printed.
fn deal_paid_in(t: &TestLedger) -> String {
    t.json(&["report", "portfolio"])["total"]["deal_paid_in"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A small ledger: G committed 1,000,000 to A and paid 100,000 of it.
fn small_on_pg(admin: &str, tag: &str) -> TestLedger {
    let t = pg_ledger(admin, tag);
    for args in [
        &["fund", "add", "G", "--name", "g", "--kind", "guidance"][..],
        &["company", "add", "A", "--name", "a"],
        &[
            "deal",
            "commit",
            "G",
            "A",
            "--amount",
            "1000000",
            "--date",
            "2021-03-01",
        ],
        &[
            "deal",
            "pay",
            "G",
            "A",
            "--amount",
            "100000",
            "--date",
            "2021-04-01",
        ],
    ] {
        t.run(args).ok();
    }
    t
}

/// `deal pay G A AMOUNT --date DATE` on the ledger `db`, run from `dir` (whose
/// replica it uses).
fn pay(dir: &std::path::Path, db: &str, amount: &str, date: &str) {
    run_in(
        dir,
        &[
            "--db", db, "deal", "pay", "G", "A", "--amount", amount, "--date", date,
        ],
    )
    .ok();
}

#[test]
fn the_local_replica_catches_up_and_is_pulled_afresh_when_it_is_not_the_servers() {
    let Some(admin) = pg::admin() else { return };
    let t = small_on_pg(&admin, "replica");
    assert_eq!(deal_paid_in(&t), "100000.00");
    let replicas: Vec<_> = std::fs::read_dir(t.dir.path().join("pg-replica"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "db"))
        .collect();
    assert_eq!(replicas.len(), 1, "one replica per ledger: {replicas:?}");
    let replica = replicas[0].to_str().unwrap().to_string();

    // Another office (its own replica) pays 50,000: this client's next report pulls
    // that entry in. 100,000 + 50,000 = 150,000.
    let other = tempfile::tempdir().unwrap();
    pay(other.path(), t.db_arg(), "50000", "2021-05-01");
    assert_eq!(deal_paid_in(&t), "150000.00");

    // A replica holding an entry the server never committed (what a write whose
    // server commit failed would leave) is not a prefix of the server's ledger: it is
    // discarded and pulled afresh, so the 7,000 below never shows.
    pay(t.dir.path(), &replica, "7000", "2021-06-01");
    assert_eq!(deal_paid_in(&t), "150000.00");
    assert_eq!(entries(&t), 3);

    // The same when another office's entry took the same id (the chain heads differ).
    pay(t.dir.path(), &replica, "7000", "2021-06-01");
    pay(other.path(), t.db_arg(), "20000", "2021-06-02");
    assert_eq!(deal_paid_in(&t), "170000.00");

    // Another office values A and then reverses the valuation; the replica's position
    // summary follows both, as `audit` of the replica file itself confirms (it
    // recomputes the summary from the journal and finds nothing).
    for args in [
        &[
            "deal",
            "value",
            "G",
            "A",
            "--amount",
            "900000",
            "--date",
            "2021-06-30",
        ][..],
        &["reverse", "5", "--reason", "wrong report"],
    ] {
        let mut full = vec!["--db", t.db_arg()];
        full.extend_from_slice(args);
        run_in(other.path(), &full).ok();
    }
    assert_eq!(
        t.json(&["report", "portfolio"])["total"]["value"],
        "170000.00",
        "the reversed mark must not count"
    );
    let local = file_json(&replica, &["audit"]);
    assert_eq!(
        local["findings"].as_array().map(Vec::len),
        Some(0),
        "{local}"
    );

    // `audit` never trusts the replica: an entry edited on the server after it was
    // replicated is named, although the replica still holds it as it was.
    pg::client(t.db_arg())
        .batch_execute(
            "ALTER TABLE entries DISABLE TRIGGER USER;
             UPDATE entries SET amount_fen = amount_fen + 100 WHERE id = 2;
             ALTER TABLE entries ENABLE TRIGGER USER;",
        )
        .unwrap();
    // Reports read the replica, which holds entry 2 as it was committed...
    assert_eq!(deal_paid_in(&t), "170000.00");
    let r = t.run(&["--format", "json", "audit"]);
    assert_eq!(r.code, 3, "audit should report findings: {}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"][0]["code"], "chain-content", "{v}");
    assert_eq!(v["findings"][0]["record"], "entry 2", "{v}");

    // `reindex` discards the replica; with replicas off nothing is kept.
    t.run(&["reindex"]).ok();
    assert!(!std::path::Path::new(&replica).exists());
    let off = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(common::bin())
        .args([
            "--db",
            t.db_arg(),
            "--format",
            "json",
            "report",
            "portfolio",
        ])
        .env("FUNDLEDGER_PG_CACHE", "off")
        .env("FUNDLEDGER_TODAY", "2026-06-30")
        .current_dir(off.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    // 170,000.00 + the 1.00 edited in above, read afresh from the server.
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"]["deal_paid_in"], "170001.00");
    assert_eq!(std::fs::read_dir(off.path()).unwrap().count(), 0);
}

#[test]
fn concurrent_writers_lose_nothing_and_exactly_one_wins_the_last_headroom() {
    let Some(admin) = pg::admin() else { return };
    let t = small_on_pg(&admin, "race");
    // 8 processes × 200 marks at once, each with its own replica: all 1,600 land, one chain.
    let procs: Vec<_> = (0..8)
        .map(|p| {
            let url = t.db_arg().to_string();
            std::thread::spawn(move || {
                let dir = tempfile::tempdir().unwrap();
                for i in 0..200 {
                    let amount = format!("{}", 1000 + p * 100 + i);
                    run_in(
                        dir.path(),
                        &[
                            "--db",
                            &url,
                            "deal",
                            "value",
                            "G",
                            "A",
                            "--amount",
                            &amount,
                            "--date",
                            "2021-06-30",
                        ],
                    )
                    .ok();
                }
            })
        })
        .collect();
    for p in procs {
        p.join().unwrap();
    }
    assert_eq!(entries(&t), 2 + 1600);
    let audit = t.json(&["audit", "--as-of", "2022-06-30"]);
    assert_eq!(
        audit["findings"].as_array().map(Vec::len),
        Some(0),
        "{audit}"
    );
    // 1,000,000 committed, 100,000 paid: two writers each pay 600,000 at once (either
    // fits alone, both would be 300,000 over); the second to take the lock sees the
    // first's payment and is refused.
    let racers: Vec<_> = (0..2)
        .map(|_| {
            let url = t.db_arg().to_string();
            std::thread::spawn(move || {
                let dir = tempfile::tempdir().unwrap();
                run_in(
                    dir.path(),
                    &[
                        "--db",
                        &url,
                        "deal",
                        "pay",
                        "G",
                        "A",
                        "--amount",
                        "600000",
                        "--date",
                        "2021-07-01",
                    ],
                )
            })
        })
        .collect();
    let results: Vec<Run> = racers.into_iter().map(|h| h.join().unwrap()).collect();
    let won = results.iter().filter(|r| r.code == 0).count();
    assert_eq!(
        won,
        1,
        "exactly one payment must land: {:?}",
        results.iter().map(|r| &r.stderr).collect::<Vec<_>>()
    );
    assert!(results
        .iter()
        .any(|r| r.stderr.contains("paid-in-exceeds-commitment")));
    assert_eq!(entries(&t), 2 + 1600 + 1);
}

#[test]
fn a_client_killed_while_it_holds_the_write_lock_leaves_nothing() {
    let Some(admin) = pg::admin() else { return };
    let t = example_on_pg(&admin, "killed");
    let before = t.dump();
    // A writer that takes the lock, adds a row and dies before committing, as a killed
    // fundledger would (its connection drops mid-transaction).
    {
        let mut c = pg::client(t.db_arg());
        let mut tx = c.transaction().unwrap();
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&0x464C_4447_i64])
            .unwrap();
        tx.batch_execute(
            "INSERT INTO grants (id, code, recipient, created_at, created_by)
             VALUES (999, 'KILLED', 'x', '2022-01-01T00:00:00Z', 'x')",
        )
        .unwrap();
        drop(tx);
        drop(c);
    }
    assert_eq!(before, t.dump());
    // And the lock went with it: the next writer is not blocked.
    t.run(&["fund", "add", "AFTER", "--name", "x", "--kind", "guidance"])
        .ok();
}

/// A cluster of the test's own (scripts/pg-cluster.sh), stopped when dropped.
struct OwnCluster {
    dir: tempfile::TempDir,
}

const CLUSTER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pg-cluster.sh");

impl OwnCluster {
    /// Start one on a free port; returns it and its superuser URL.
    fn start() -> (OwnCluster, String) {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // As root the cluster runs as `postgres`, which must reach the directory.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = std::process::Command::new(CLUSTER)
            .args([
                "start",
                dir.path().join("c").to_str().unwrap(),
                &port.to_string(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg-cluster.sh start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8(out.stdout).unwrap().trim().to_string();
        (OwnCluster { dir }, url)
    }

    fn cluster(&self, cmd: &str) {
        let out = std::process::Command::new(CLUSTER)
            .args([cmd, self.dir.path().join("c").to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pg-cluster.sh {cmd}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = std::process::Command::new(CLUSTER)
            .args(["stop", self.dir.path().join("c").to_str().unwrap()])
            .output();
    }
}

#[test]
fn a_server_crashed_and_restarted_mid_run_loses_no_committed_entry() {
    let Some(_) = pg::admin() else { return };
    // Its own cluster: restarting the shared one would cut every other test off.
    let (cluster, admin) = OwnCluster::start();
    let t = small_on_pg(&admin, "restart");
    let url = t.db_arg().to_string();
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    let restarted = std::sync::Arc::new(AtomicBool::new(false));
    let writer = {
        let (url, restarted) = (url.clone(), restarted.clone());
        std::thread::spawn(move || {
            let dir = tempfile::tempdir().unwrap();
            // (amount in fen, acknowledged after the restart)
            let mut acknowledged: Vec<(i64, bool)> = Vec::new();
            for i in 0..3000 {
                let after = restarted.load(SeqCst);
                if acknowledged.iter().filter(|a| a.1).count() == 10 {
                    break;
                }
                let amount = 500_000 + i;
                let r = run_in(
                    dir.path(),
                    &[
                        "--db",
                        &url,
                        "deal",
                        "value",
                        "G",
                        "A",
                        "--amount",
                        &amount.to_string(),
                        "--date",
                        "2021-06-30",
                    ],
                );
                if r.code == 0 {
                    acknowledged.push((amount * 100, after));
                } else {
                    assert!(
                        r.stderr.contains(&url) || r.stderr.contains("PostgreSQL"),
                        "not a connection failure: {}",
                        r.stderr
                    );
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
            }
            acknowledged
        })
    };
    // Crash the server while the writer is at it: a write in flight fails, those made
    // while it is down or recovering cannot connect, and the writer goes on until ten
    // more have landed after it is back.
    std::thread::sleep(std::time::Duration::from_millis(600));
    cluster.cluster("crash-restart");
    restarted.store(true, SeqCst);
    let acknowledged = writer.join().unwrap();
    assert!(
        acknowledged.iter().any(|a| !a.1),
        "no write landed before the crash; nothing was tested"
    );
    let acknowledged: Vec<i64> = acknowledged.into_iter().map(|a| a.0).collect();
    let stored: Vec<i64> = pg::client(&url)
        .query(
            "SELECT amount_fen FROM entries WHERE kind = 'deal-value' ORDER BY id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    // Every write the client was told had committed is on the server after recovery,
    // and in the order it was made. (A write whose commit reached the server but whose
    // answer was lost in the crash may be there too, as in any database.)
    let mut it = stored.iter();
    for a in &acknowledged {
        assert!(
            it.any(|s| s == a),
            "acknowledged {a} fen is missing or out of order after the restart: {stored:?}"
        );
    }
    assert!(!acknowledged.is_empty() && acknowledged.len() <= stored.len());
    // One unforked chain, and reports that agree with it.
    let audit = t.json(&["audit"]);
    assert_eq!(
        audit["findings"].as_array().map(Vec::len),
        Some(0),
        "{audit}"
    );
    assert_eq!(audit["entries"], 2 + stored.len() as i64, "{audit}");
}

#[test]
fn the_pg_commands_explain_themselves_on_a_file() {
    if common::sqlite_file_test() {
        return;
    }
    // No server needed: `pg roles` on a file and `copy` between two files are refused
    // with the command to use instead.
    let t = TestLedger::new();
    t.run(&["pg", "roles"]).refused("--db postgres://");
    let other = t.dir.path().join("b.db");
    run_in(
        t.dir.path(),
        &[
            "copy",
            "--from",
            t.db.to_str().unwrap(),
            "--to",
            other.to_str().unwrap(),
        ],
    )
    .refused("fundledger backup");
}

#[test]
fn the_postgres_schema_has_every_column_of_the_sqlite_schema_and_no_other() {
    if common::sqlite_file_test() {
        return;
    }
    let Some(admin) = pg::admin() else { return };
    let t = pg_ledger(&admin, "schema");
    let file = TestLedger::new();
    let conn = rusqlite::Connection::open(&file.db).unwrap();
    let mut c = pg::client(t.db_arg());
    for table in [
        "meta",
        "funds",
        "investors",
        "companies",
        "entry_kinds",
        "entries",
        "imports",
        "loans",
        "grants",
        "fund_policies",
        "company_facts",
        "indicator_scores",
        "reference_seals",
    ] {
        // (name, INTEGER or TEXT) on SQLite; (name, bigint or text) on PostgreSQL.
        let mut lite: Vec<(String, String)> = conn
            .prepare(&format!(
                "SELECT name, type FROM pragma_table_info('{table}')"
            ))
            .unwrap()
            .query_map([], |r| {
                Ok((r.get(0)?, r.get::<_, String>(1)?.to_lowercase()))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut server: Vec<(String, String)> = c
            .query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name = $1",
                &[&table],
            )
            .unwrap()
            .iter()
            .map(|r| {
                let ty: String = r.get(1);
                let ty = if ty == "bigint" {
                    "integer".to_string()
                } else {
                    ty
                };
                (r.get(0), ty)
            })
            .collect();
        lite.sort();
        server.sort();
        assert_eq!(lite, server, "table {table} differs between the backends");
    }
}
