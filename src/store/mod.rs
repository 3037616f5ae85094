//! Storage: the only module that speaks SQL.
//!
//! A ledger is one SQLite file. [`Ledger::open`] refuses a missing file (it never
//! creates an empty ledger by accident), refuses a file written by a newer fundledger,
//! and upgrades an older one in place inside one IMMEDIATE transaction. Every write
//! goes through [`Ledger::write`], an IMMEDIATE transaction, so two processes appending
//! at once serialise instead of interleaving, and a multi-entry command is atomic.
//!
//! Architecture Invariant: money crosses this boundary only as `i64` fen
//! (`Money::fen` / `Money::from_fen`); SQL never sums or compares money as text.

mod audit;
mod browse;
mod bulk;
mod cache;
pub mod copy;
mod facts;
mod flow_days;
mod journal;
mod loans;
pub mod pg;
mod policy;
mod refchain;
mod reference;
mod returns;
pub mod schema;
mod series;
mod summary;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};

pub use audit::{RawEntry, StoredHash};
pub use browse::JournalQuery;
pub use bulk::SuspendedGuards;
pub(crate) use cache::{FastMap, FastSet};
pub use facts::{NewFact, ScoreRow};
pub use flow_days::FlowDay;
pub use journal::{EntryFilter, LoggedEntry, PositionEvents};
pub use loans::GrantRow;
pub use policy::NewPolicy;
pub use refchain::{seal_of, SealRow, SEALED_TABLES};
pub use reference::CodeTable;
pub use returns::FlowRow;
pub use series::MonthlyPaidIn;
pub use summary::{PositionYear, YearKey};

/// How long a command waits for another process's lock on the ledger before it says
/// the ledger is locked (docs/audit.md). Writes take milliseconds, so queued writers
/// pass well within it; a lock held longer is a long import or another program.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether `e` is SQLite saying the file is locked by someone else.
fn is_locked(e: &Error) -> bool {
    matches!(
        e,
        Error::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// The error for a ledger another process keeps locked: what, for how long, and who
/// holds it open where the system can tell (SQLite itself cannot).
fn locked(path: &Path) -> Error {
    let holders = crate::fsutil::holders(path);
    let by = if holders.is_empty() {
        "another process (SQLite cannot tell which): a long import, another fundledger \
         command, or a program with the file open in a transaction such as the sqlite3 shell"
            .to_string()
    } else {
        let list: Vec<String> = holders
            .iter()
            .map(|(pid, name)| format!("{name} (pid {pid})"))
            .collect();
        format!("another process; the file is open in {}", list.join(", "))
    };
    Error::Ledger(format!(
        "{} is locked by {by}; waited {} s. Try again when it has finished",
        path.display(),
        BUSY_TIMEOUT.as_secs()
    ))
}

/// An open ledger file.
pub struct Ledger {
    conn: Connection,
    path: PathBuf,
}

/// A transaction on the ledger; all queries hang off it.
pub struct Tx<'a> {
    tx: rusqlite::Transaction<'a>,
    /// The connection `tx` runs on, borrowed for as long as the transaction so that a
    /// statement prepared once can be kept for the whole transaction.
    conn: &'a Connection,
    /// The journal's INSERT, prepared on first use: a bulk import runs it once per row,
    /// and looking it up in the statement cache each time was measurable.
    insert_entry: std::cell::RefCell<Option<rusqlite::Statement<'a>>>,
    /// (recorded_at, recorded_by) as last bound to `insert_entry`.
    bound_stamp: std::cell::RefCell<Option<(String, String)>>,
    /// Who is writing (for `recorded_by` / `created_by`).
    pub actor: String,
    /// When (for `recorded_at`), fixed for the whole transaction.
    pub now: String,
    /// (recorded_at, recorded_by) to write on entries instead of `now`/`actor`: only a
    /// restore from an export sets it, to keep the original authorship.
    pub(crate) stamp: std::cell::RefCell<Option<(String, String)>>,
    pub(crate) cache: std::cell::RefCell<cache::TxCache>,
    /// The position summary's changes from this transaction's entries, written before
    /// it commits (store/summary.rs).
    summary: std::cell::RefCell<summary::Pending>,
}

fn configure(conn: &Connection) -> Result<()> {
    // Both are per connection, so they are set on every open.
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.set_prepared_statement_cache_capacity(64);
    // 32 MiB of page cache: large imports touch index pages all over the file.
    conn.pragma_update(None, "cache_size", -32_768)?;
    Ok(())
}

fn read_versions(conn: &Connection) -> Result<(i32, i64)> {
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let ver: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((app, ver))
}

/// Run the migrations from `from` up to `to` in the transaction `tx`.
fn migrate(tx: &rusqlite::Transaction<'_>, from: i64, to: i64) -> Result<()> {
    for v in from..to {
        tx.execute_batch(schema::MIGRATIONS[v as usize])?;
        if v + 1 == schema::REFERENCE_SEALS_VERSION {
            refchain::seal_existing(tx)?;
        }
    }
    tx.pragma_update(None, "user_version", to)?;
    tx.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
    Ok(())
}

/// The format of `recorded_at`: UTC, RFC 3339, seconds.
pub const STAMP_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// Timestamp for `recorded_at`. `FUNDLEDGER_NOW` may pin an earlier time so that the
/// example ledger can be rebuilt byte for byte; never a later one (the CLI refuses
/// such a setting, exit 2; here it is ignored). `audit` reports an entry dated after
/// its recorded time, and recorded times that go backwards along the journal.
pub fn now_stamp() -> String {
    pinned_now()
        .ok()
        .flatten()
        .unwrap_or_else(|| chrono::Utc::now().format(STAMP_FORMAT).to_string())
}

/// `FUNDLEDGER_NOW` if set: `Ok(Some(stamp))` for a UTC time in `recorded_at`'s format
/// that is not after the real time, `Err` naming the problem otherwise, `Ok(None)` when
/// unset or empty.
pub fn pinned_now() -> std::result::Result<Option<String>, String> {
    let Some(s) = std::env::var("FUNDLEDGER_NOW")
        .ok()
        .filter(|s| !s.trim().is_empty())
    else {
        return Ok(None);
    };
    let t = chrono::NaiveDateTime::parse_from_str(&s, STAMP_FORMAT)
        .map_err(|_| format!("FUNDLEDGER_NOW={s} is not a UTC time like 2022-06-15T00:00:00Z"))?;
    let real = chrono::Utc::now().naive_utc();
    if t > real {
        return Err(format!(
            "FUNDLEDGER_NOW={s} is after the real time ({}); it can only pin an earlier time",
            real.format(STAMP_FORMAT)
        ));
    }
    Ok(Some(s))
}

impl Ledger {
    /// Create a new ledger at `path`; refuses to touch an existing file.
    pub fn create(path: &Path) -> Result<Ledger> {
        Self::create_at_version(path, schema::LATEST)
    }

    /// Create a ledger at an older schema version. Exists so that tests can prove
    /// that an old file upgrades in place; not used by the CLI.
    ///
    /// The file is built under a temporary name beside `path` and moved into place
    /// only when complete (`fsutil`), so a failure never leaves an empty or partial
    /// file at `path` that would block a retry.
    #[doc(hidden)]
    pub fn create_at_version(path: &Path, version: i64) -> Result<Ledger> {
        let exists = || {
            Error::Ledger(format!(
                "{} already exists; refusing to overwrite it (choose another --db path)",
                path.display()
            ))
        };
        if path.exists() {
            return Err(exists());
        }
        let tmp = crate::fsutil::temp_path(path);
        let built = (|| -> Result<()> {
            let mut conn = Connection::open_with_flags(
                &tmp,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            configure(&conn)?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            migrate(&tx, 0, version)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('created_by_version', ?1)",
                [env!("CARGO_PKG_VERSION")],
            )?;
            tx.commit()?;
            conn.close().map_err(|(_, e)| e)?;
            crate::fsutil::publish(&tmp, path).map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => exists(),
                _ => Error::Ledger(format!("cannot create {}: {e}", path.display())),
            })
        })();
        if let Err(e) = built {
            crate::fsutil::discard(&tmp);
            return Err(e);
        }
        // Opened as it is (not through `open`, which would upgrade an older version).
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        configure(&conn)?;
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// Open an existing ledger, upgrading its schema if it is older than this build.
    pub fn open(path: &Path) -> Result<Ledger> {
        if !path.exists() {
            return Err(Error::Ledger(format!(
                "no ledger at {}; create one with `fundledger --db {} init`, or pass --db / set FUNDLEDGER_DB",
                path.display(),
                path.display()
            )));
        }
        // NO_MUTEX: a Connection is never shared between threads (rusqlite's own default);
        // serialized mode would lock a mutex on every column read of a report.
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let not_a_ledger = |why: &str| {
            Error::Ledger(format!(
                "{} is not a fundledger ledger ({why})",
                path.display()
            ))
        };
        let (app, ver) = configure(&conn)
            .and_then(|()| read_versions(&conn))
            .map_err(|e| match e {
                e if is_locked(&e) => locked(path),
                Error::Sqlite(err) => not_a_ledger(&err.to_string()),
                other => other,
            })?;
        if app != schema::APPLICATION_ID {
            return Err(not_a_ledger("its SQLite application_id does not match"));
        }
        if ver > schema::LATEST {
            return Err(Error::Ledger(format!(
                "{} was written by a newer fundledger (schema version {ver}; this build knows up to {}); \
                 it was left untouched: upgrade fundledger to use it",
                path.display(),
                schema::LATEST
            )));
        }
        if ver < schema::LATEST {
            let mut upgrade = || -> Result<()> {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                // Re-read inside the lock: another process may have migrated meanwhile.
                let (_, ver) = read_versions(&tx)?;
                if ver < schema::LATEST {
                    migrate(&tx, ver, schema::LATEST)?;
                }
                tx.commit()?;
                Ok(())
            };
            upgrade().map_err(|e| if is_locked(&e) { locked(path) } else { e })?;
        }
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(read_versions(&self.conn)?.1)
    }

    /// Run `f` in an IMMEDIATE transaction; commit if it returns Ok, roll back otherwise.
    pub fn write<T>(&mut self, actor: &str, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        self.write_with(actor, true, f)
    }

    /// Like [`Ledger::write`], but with `commit` false everything is rolled back even
    /// on success (a dry run that checks every rule against the real ledger).
    pub fn write_with<T>(
        &mut self,
        actor: &str,
        commit: bool,
        f: impl FnOnce(&Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        let path = self.path.clone();
        self.write_inner(actor, commit, f)
            .map_err(|e| if is_locked(&e) { locked(&path) } else { e })
    }

    fn write_inner<T>(
        &mut self,
        actor: &str,
        commit: bool,
        f: impl FnOnce(&Tx<'_>) -> Result<T>,
    ) -> Result<T> {
        // `new_unchecked` takes `&Connection`; `&mut self` already rules out a nested
        // transaction, which is all the checked form adds.
        let conn = &self.conn;
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        let t = Tx {
            tx,
            conn,
            insert_entry: Default::default(),
            bound_stamp: Default::default(),
            actor: actor.to_string(),
            now: now_stamp(),
            stamp: Default::default(),
            cache: Default::default(),
            summary: Default::default(),
        };
        let out = f(&t)?;
        if commit {
            t.flush_summary()?;
            t.tx.commit()?;
        }
        Ok(out)
    }

    /// Run `f` in a read transaction: one consistent snapshot for a whole report.
    pub fn read<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let path = self.path.clone();
        self.read_inner(f)
            .map_err(|e| if is_locked(&e) { locked(&path) } else { e })
    }

    fn read_inner<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let conn = &self.conn;
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Deferred)?;
        let t = Tx {
            tx,
            conn,
            insert_entry: Default::default(),
            bound_stamp: Default::default(),
            actor: String::new(),
            now: now_stamp(),
            stamp: Default::default(),
            cache: Default::default(),
            summary: Default::default(),
        };
        let out = f(&t)?;
        t.tx.commit()?;
        Ok(out)
    }

    /// Raw connection, for tests that tamper with the file as an outsider would.
    #[doc(hidden)]
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

/// Name the record and column of a row that fails to decode: `res` is the result of
/// reading the row `r` whose first column is the record's id. A conversion failure
/// becomes a [`crate::error::BadRow`] (carried through rusqlite inside a conversion
/// failure, so that every query reading such rows reports it, and turned into
/// `Error::BadRow` by `From`); other errors pass unchanged.
pub(crate) fn named_row<T>(
    r: &rusqlite::Row<'_>,
    what: &'static str,
    res: rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    named_row_at(r, what, 0, res)
}

/// [`named_row`] for a record whose id is column `id_col` of the row.
pub(crate) fn named_row_at<T>(
    r: &rusqlite::Row<'_>,
    what: &'static str,
    id_col: usize,
    res: rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    use rusqlite::types::ValueRef;
    let err = match res {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let (idx, reason) = match &err {
        rusqlite::Error::FromSqlConversionFailure(_, _, e)
            if e.downcast_ref::<crate::error::BadRow>().is_some() =>
        {
            return Err(err)
        }
        rusqlite::Error::FromSqlConversionFailure(i, _, e) => (*i, e.to_string()),
        rusqlite::Error::InvalidColumnType(i, _, t) => (*i, format!("unexpected {t}")),
        rusqlite::Error::IntegralValueOutOfRange(i, _) => (*i, "integer out of range".into()),
        _ => return Err(err),
    };
    let value = match r.get_ref(idx) {
        Ok(ValueRef::Null) => "NULL".to_string(),
        Ok(ValueRef::Integer(v)) => v.to_string(),
        Ok(ValueRef::Real(v)) => format!("{v} (a float)"),
        Ok(ValueRef::Text(t)) => format!("'{}'", String::from_utf8_lossy(t)),
        Ok(ValueRef::Blob(b)) => format!("a blob of {} bytes", b.len()),
        Err(_) => "?".to_string(),
    };
    let column = r
        .as_ref()
        .column_name(idx)
        .map(|c| c.to_string())
        .unwrap_or_else(|_| format!("#{idx}"));
    let id = r
        .get_ref(id_col)
        .ok()
        .and_then(|v| v.as_i64().ok())
        .unwrap_or(0);
    Err(rusqlite::Error::FromSqlConversionFailure(
        idx,
        rusqlite::types::Type::Null,
        Box::new(crate::error::BadRow {
            what,
            id,
            column,
            value,
            reason,
        }),
    ))
}

impl Tx<'_> {
    pub(crate) fn conn(&self) -> &Connection {
        &self.tx
    }

    /// `query_row` through the statement cache: imports run the same few statements
    /// hundreds of thousands of times, and compiling SQL each time dominated their cost.
    pub(crate) fn cached_row<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.tx.prepare_cached(sql)?.query_row(params, f)
    }

    /// `execute` through the statement cache.
    pub(crate) fn cached_exec<P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
    ) -> rusqlite::Result<usize> {
        self.tx.prepare_cached(sql)?.execute(params)
    }
}
