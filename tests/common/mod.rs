//! Shared test harness: run the real `fundledger` binary on a real SQLite file.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rusqlite::{types::ValueRef, Connection, OpenFlags};

/// A scratch ledger in its own temporary directory.
pub struct TestLedger {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    /// With `FUNDLEDGER_TEST_BACKEND=postgres`, the ledger is this PostgreSQL database
    /// instead of the file `db`: the same tests, run against the other backend.
    pub url: Option<String>,
}

/// Tests about the SQLite file itself (SQL run on the file, old files upgraded, file
/// locks): under `FUNDLEDGER_TEST_BACKEND=postgres` they print a line and return;
/// tests/pg.rs covers the same ground on the server.
pub fn sqlite_file_test() -> bool {
    if on_postgres() {
        eprintln!("SKIPPED (a SQLite file test) under FUNDLEDGER_TEST_BACKEND=postgres");
    }
    on_postgres()
}

/// `FUNDLEDGER_TEST_BACKEND=postgres` runs the ledger tests against PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("FUNDLEDGER_TEST_BACKEND").is_ok_and(|b| b == "postgres")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
    /// Assert success and return stdout.
    #[track_caller]
    pub fn ok(&self) -> &str {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        &self.stdout
    }
    /// Assert a refusal (exit 1) whose message contains `needle`; return stderr.
    #[track_caller]
    pub fn refused(&self, needle: &str) -> &str {
        assert_eq!(
            self.code, 1,
            "expected exit 1\nstdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        &self.stderr
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.ok())
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_fundledger")
}

/// Run the binary with `args`, pinned to a fixed "today" and user.
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("FUNDLEDGER_DB")
        // A PostgreSQL ledger's local replica stays with the test, not in ~/.cache.
        .env("FUNDLEDGER_PG_CACHE", dir.join("pg-replica"))
        .env("FUNDLEDGER_TODAY", "2026-06-30")
        .env("FUNDLEDGER_USER", "tester")
        .output()
        .expect("run fundledger");
    Run::from(out)
}

impl TestLedger {
    /// A new, initialised ledger.
    pub fn new() -> TestLedger {
        let t = TestLedger::uninit();
        t.run(&["init"]).ok();
        t
    }
    /// A path for a ledger that does not exist yet.
    pub fn uninit() -> TestLedger {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("ledger.db");
        let url = on_postgres().then(|| {
            let admin =
                pg::admin().expect("FUNDLEDGER_TEST_BACKEND=postgres needs FUNDLEDGER_TEST_PG");
            pg::fresh_db(&admin, "t")
        });
        TestLedger { dir, db, url }
    }
    /// A ledger holding a copy of the file `src` (on PostgreSQL: copied in).
    pub fn from_file(src: &Path) -> TestLedger {
        let t = TestLedger::uninit();
        std::fs::copy(src, &t.db).unwrap();
        if let Some(url) = &t.url {
            t.run(&["init"]).ok();
            run_in(
                t.dir.path(),
                &["copy", "--from", t.db.to_str().unwrap(), "--to", url],
            )
            .ok();
        }
        t
    }
    /// The example ledger, `ledger.db.example`.
    pub fn example() -> TestLedger {
        TestLedger::from_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("ledger.db.example"))
    }
    /// What `--db` says: the file, or the PostgreSQL URL.
    pub fn db_arg(&self) -> &str {
        self.url
            .as_deref()
            .unwrap_or_else(|| self.db.to_str().unwrap())
    }
    pub fn run(&self, args: &[&str]) -> Run {
        let mut full = vec!["--db", self.db_arg()];
        full.extend_from_slice(args);
        run_in(self.dir.path(), &full)
    }
    /// Run with `--format json` and parse stdout.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut full = vec!["--format", "json"];
        full.extend_from_slice(args);
        self.run(&full).json()
    }
    /// Every row of every table, as text: equal dumps mean an unchanged ledger.
    pub fn dump(&self) -> String {
        let Some(url) = &self.url else {
            return dump(&self.db);
        };
        // A PostgreSQL ledger is dumped through a verified copy to a file.
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let file = self.dir.path().join(format!("dump-{n}.db"));
        run_in(
            self.dir.path(),
            &["copy", "--from", url, "--to", file.to_str().unwrap()],
        )
        .ok();
        let d = dump(&file);
        std::fs::remove_file(&file).unwrap();
        d
    }
    /// Assert that running `args` is refused with `needle` and changes nothing.
    #[track_caller]
    pub fn refused_unchanged(&self, args: &[&str], needle: &str) -> String {
        let before = self.dump();
        let r = self.run(args);
        let msg = r.refused(needle).to_string();
        assert_eq!(
            before,
            self.dump(),
            "ledger changed after a refused command: {args:?}"
        );
        msg
    }
}

pub fn dump(db: &Path) -> String {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    tables.sort();
    let mut out = String::new();
    let ver: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    out.push_str(&format!("user_version={ver}\n"));
    for t in tables {
        out.push_str(&format!("== {t}\n"));
        // A WITHOUT ROWID table (the position summary) in the order of its columns.
        let mut st = conn
            .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY rowid"))
            .or_else(|_| {
                let n = conn
                    .prepare(&format!("SELECT * FROM \"{t}\""))?
                    .column_count();
                let order: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
                conn.prepare(&format!(
                    "SELECT * FROM \"{t}\" ORDER BY {}",
                    order.join(", ")
                ))
            })
            .unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let cells: Vec<String> = (0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    ValueRef::Null => "NULL".into(),
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => format!("REAL:{v}"),
                    ValueRef::Text(v) => String::from_utf8_lossy(v).into_owned(),
                    ValueRef::Blob(v) => format!("BLOB:{}", v.len()),
                })
                .collect();
            out.push_str(&cells.join("|"));
            out.push('\n');
        }
    }
    out
}

/// A small two-fund ledger used by many tests:
/// guidance fund G (inception 2020-01-01) with LP GOV (government) committing
/// 10,000,000 and paying 8,000,000; sub-fund S under G with LPs G (4,000,000 committed,
/// 3,000,000 paid) and SOC (social, 1,000,000 committed, 750,000 paid); companies
/// A and B; S commits 2,000,000 to A and pays 1,500,000.
pub fn small_ledger() -> TestLedger {
    let t = TestLedger::new();
    for args in [
        &[
            "fund",
            "add",
            "G",
            "--name",
            "引导基金",
            "--kind",
            "guidance",
            "--inception",
            "2020-01-01",
            "--region",
            "昆明市",
        ][..],
        &[
            "fund",
            "add",
            "S",
            "--name",
            "子基金",
            "--kind",
            "sub-fund",
            "--parent",
            "G",
            "--inception",
            "2020-02-01",
            "--region",
            "昆明市",
        ],
        &[
            "investor",
            "add",
            "GOV",
            "--name",
            "市财政局",
            "--type",
            "government",
        ],
        &[
            "investor",
            "add",
            "SOC",
            "--name",
            "社会资本",
            "--type",
            "social",
        ],
        &[
            "company",
            "add",
            "A",
            "--name",
            "甲公司",
            "--sector",
            "芯片制造",
            "--region",
            "昆明市",
        ],
        &[
            "company",
            "add",
            "B",
            "--name",
            "乙公司",
            "--sector",
            "充电桩",
            "--region",
            "上海市",
        ],
        &[
            "lp",
            "commit",
            "G",
            "--investor",
            "GOV",
            "--amount",
            "10000000",
            "--date",
            "2020-01-01",
        ],
        &[
            "lp",
            "pay",
            "G",
            "--investor",
            "GOV",
            "--amount",
            "8000000",
            "--date",
            "2020-01-15",
        ],
        &[
            "lp",
            "commit",
            "S",
            "--investor",
            "G",
            "--amount",
            "4000000",
            "--date",
            "2020-02-01",
        ],
        &[
            "lp",
            "pay",
            "S",
            "--investor",
            "G",
            "--amount",
            "3000000",
            "--date",
            "2020-02-10",
        ],
        &[
            "lp",
            "commit",
            "S",
            "--investor",
            "SOC",
            "--amount",
            "1000000",
            "--date",
            "2020-02-01",
        ],
        &[
            "lp",
            "pay",
            "S",
            "--investor",
            "SOC",
            "--amount",
            "750000",
            "--date",
            "2020-02-10",
        ],
        &[
            "deal",
            "commit",
            "S",
            "A",
            "--amount",
            "2000000",
            "--date",
            "2020-03-01",
        ],
        &[
            "deal",
            "pay",
            "S",
            "A",
            "--amount",
            "1500000",
            "--date",
            "2020-03-15",
        ],
    ] {
        t.run(args).ok();
    }
    t
}

/// Run an external tool if it is installed. Missing: say so on stderr with a
/// `SKIPPED: … not installed` line, and fail under CI (`CI` set), where .ci/run
/// installs it, so a missing package never passes silently there.
pub fn tool(name: &str, args: &[&str]) -> Option<std::process::Output> {
    use std::io::Write;
    match Command::new(name).args(args).output() {
        Ok(o) => Some(o),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Straight to stderr: libtest captures eprintln! of passing tests.
            let _ = writeln!(std::io::stderr(), "SKIPPED: {name} not installed");
            assert!(
                std::env::var_os("CI").is_none(),
                "{name} is required under CI (.ci/run installs it with apt-get)"
            );
            None
        }
        Err(e) => panic!("cannot run {name}: {e}"),
    }
}

/// Whether a file exists that a test needs (a font): missing, the same rule as [`tool`].
pub fn have_file(path: &str, package: &str) -> bool {
    use std::io::Write;
    if Path::new(path).is_file() {
        return true;
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {path} not installed (apt-get install {package})"
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "{path} is required under CI (.ci/run installs {package})"
    );
    false
}

/// PostgreSQL for the tests: `FUNDLEDGER_TEST_PG` is a superuser URL of a throwaway
/// cluster (`.ci/run` starts one with scripts/pg-cluster.sh). Without it the PostgreSQL
/// tests print a SKIPPED line and pass locally, and fail under CI.
pub mod pg {
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub fn admin() -> Option<String> {
        match std::env::var("FUNDLEDGER_TEST_PG") {
            Ok(u) if !u.trim().is_empty() => Some(u),
            _ if std::env::var_os("CI").is_some() => panic!(
                "FUNDLEDGER_TEST_PG is not set under CI: .ci/run starts a PostgreSQL cluster for these tests"
            ),
            _ => {
                eprintln!(
                    "SKIPPED: PostgreSQL tests: set FUNDLEDGER_TEST_PG to a superuser URL \
                     (scripts/pg-cluster.sh start DIR prints one)"
                );
                None
            }
        }
    }

    /// `url` with its database replaced by `db`.
    pub fn with_db(url: &str, db: &str) -> String {
        let (base, query) = match url.split_once('?') {
            Some((b, q)) => (b, format!("?{q}")),
            None => (url, String::new()),
        };
        let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
        let host_end = base[scheme_end..]
            .find('/')
            .map(|i| scheme_end + i)
            .unwrap_or(base.len());
        format!("{}/{db}{query}", &base[..host_end])
    }

    /// A new empty database on the test cluster; returns its superuser URL.
    pub fn fresh_db(admin: &str, tag: &str) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "fl_{tag}_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let mut c =
            postgres::Client::connect(admin, postgres::NoTls).expect("connect to the test cluster");
        c.batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create a test database");
        with_db(admin, &name)
    }

    pub fn client(url: &str) -> postgres::Client {
        postgres::Client::connect(url, postgres::NoTls).expect("connect")
    }
}
