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
mod journal;
mod loans;
mod policy;
mod reference;
mod returns;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::{Error, Result};

pub use audit::RawEntry;
pub use browse::JournalQuery;
pub use bulk::SuspendedGuards;
pub(crate) use cache::{FastMap, FastSet};
pub use journal::{EntryFilter, LoggedEntry, PositionEvents};
pub use loans::GrantRow;
pub use policy::NewPolicy;
pub use reference::CodeTable;
pub use returns::FlowRow;

/// How long a writer waits for another process's write lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

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
    }
    tx.pragma_update(None, "user_version", to)?;
    tx.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
    Ok(())
}

/// Timestamp for `recorded_at`: UTC, RFC 3339, seconds. `FUNDLEDGER_NOW` pins it so
/// that the example ledger can be rebuilt byte for byte.
pub fn now_stamp() -> String {
    std::env::var("FUNDLEDGER_NOW")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

impl Ledger {
    /// Create a new ledger at `path`; refuses to touch an existing file.
    pub fn create(path: &Path) -> Result<Ledger> {
        Self::create_at_version(path, schema::LATEST)
    }

    /// Create a ledger at an older schema version. Exists so that tests can prove
    /// that an old file upgrades in place; not used by the CLI.
    #[doc(hidden)]
    pub fn create_at_version(path: &Path, version: i64) -> Result<Ledger> {
        if path.exists() {
            return Err(Error::Ledger(format!(
                "{} already exists; refusing to overwrite it (choose another --db path)",
                path.display()
            )));
        }
        let mut conn = Connection::open_with_flags(
            path,
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
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Re-read inside the lock: another process may have migrated meanwhile.
            let (_, ver) = read_versions(&tx)?;
            if ver < schema::LATEST {
                migrate(&tx, ver, schema::LATEST)?;
            }
            tx.commit()?;
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
        };
        let out = f(&t)?;
        if commit {
            t.tx.commit()?;
        }
        Ok(out)
    }

    /// Run `f` in a read transaction: one consistent snapshot for a whole report.
    pub fn read<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
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
