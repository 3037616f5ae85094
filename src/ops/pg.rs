//! PostgreSQL ledgers: `init`, running any command against one, `copy` between a file
//! and a server, and the roles script (docs/postgres.md).
//!
//! A command on a PostgreSQL ledger works on a local SQLite snapshot taken inside one
//! server transaction ([`with_snapshot`]): the same code, rules and reports as on a
//! file, so the two backends cannot drift apart in what they accept or print. What a
//! write adds goes back in that transaction, under the write lock; if anything fails,
//! the server transaction rolls back and nothing was recorded.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::store::copy::Census;
use crate::store::pg::{self, schema, PgLedger};
use crate::store::Ledger;

/// A private directory for the snapshot, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("fundledger-pg-{}-{nanos}", std::process::id()));
        std::fs::create_dir(&dir).map_err(|e| {
            Error::Ledger(format!(
                "cannot create a snapshot directory {}: {e}",
                dir.display()
            ))
        })?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Create the ledger schema in an empty PostgreSQL database.
pub fn init(url: &str) -> Result<String> {
    let mut pg = PgLedger::connect(url)?;
    pg.init()?;
    Ok(pg.shown().to_string())
}

/// Fill the new local ledger at `path` from the server transaction `ptx`.
fn pull(ptx: &mut pg::PgTx<'_>, path: &Path, actor: &str) -> Result<()> {
    let mut local = Ledger::create(path)?;
    local.write(actor, |ltx| {
        ptx.pull_into(ltx)?;
        ltx.rebuild_summary()?;
        Ok(())
    })
}

/// Run `f` on a local snapshot of the PostgreSQL ledger at `url`. With `write`, the
/// server's write lock is held throughout and the rows `f` added are sent back before
/// the server transaction commits; returns `f`'s result and the rows sent.
pub fn with_snapshot<T>(
    url: &str,
    write: bool,
    actor: &str,
    f: impl FnOnce(&Path) -> Result<T>,
) -> Result<(T, u64)> {
    let scratch = Scratch::new()?;
    let path = scratch.0.join("snapshot.db");
    let mut pg = PgLedger::connect(url)?;
    if !write {
        pg.read(|ptx| pull(ptx, &path, actor))?;
        return Ok((f(&path)?, 0));
    }
    pg.write(|ptx| {
        pull(ptx, &path, actor)?;
        let marks = ptx.marks()?;
        let out = f(&path)?;
        let mut local = Ledger::open(&path)?;
        let sent = local.read(|ltx| ptx.push_from(ltx, &marks))?;
        Ok((out, sent))
    })
}

/// What `copy` moved and proved.
#[derive(Clone, Debug, Serialize)]
pub struct CopyReport {
    pub from: String,
    pub to: String,
    /// Rows copied, all tables.
    pub rows: i64,
    /// The census both sides agree on: rows per table, entries and fen per kind, and
    /// both chain heads.
    pub census: Census,
}

fn total_rows(c: &Census) -> i64 {
    c.tables.iter().map(|t| t.rows).sum()
}

/// Name the first difference between two censuses.
fn compare(from: &Census, to: &Census, what_from: &str, what_to: &str) -> Result<()> {
    if from == to {
        return Ok(());
    }
    let detail = if from.journal_head != to.journal_head {
        format!(
            "journal head: {} has {}:{}, {} has {}:{}",
            what_from,
            from.journal_head.0,
            from.journal_head.1,
            what_to,
            to.journal_head.0,
            to.journal_head.1
        )
    } else if from.seal_head != to.seal_head {
        format!(
            "reference seals: {what_from} has {} ending {}, {what_to} has {} ending {}",
            from.seal_head.0, from.seal_head.1, to.seal_head.0, to.seal_head.1
        )
    } else if from.tables != to.tables {
        format!(
            "row counts: {what_from} {:?}, {what_to} {:?}",
            from.tables, to.tables
        )
    } else {
        format!(
            "totals by kind: {what_from} {:?}, {what_to} {:?}",
            from.kinds, to.kinds
        )
    };
    Err(Error::Ledger(format!(
        "the copy does not match its source ({detail}); nothing was kept"
    )))
}

/// Copy a whole ledger between a file and a PostgreSQL database, either way, into an
/// empty target; verify rows, totals and both chain heads on the target as stored.
pub fn copy(from: &str, to: &str, actor: &str) -> Result<CopyReport> {
    match (pg::is_url(from), pg::is_url(to)) {
        (false, true) => {
            let mut src = Ledger::open(Path::new(from))?;
            let tables = schema::TABLES;
            let census = src.read(|ltx| ltx.census(&tables, from))?;
            // No marks: every row is above 0.
            let marks = crate::store::copy::Marks::new();
            let mut pg = PgLedger::connect(to)?;
            let shown = pg.shown().to_string();
            pg.write(|ptx| {
                let present = ptx.rows()?;
                if present > 0 {
                    return Err(Error::Ledger(format!(
                        "{shown} already holds {present} rows; copy only into a ledger just made by `init`"
                    )));
                }
                src.read(|ltx| ptx.push_from(ltx, &marks))?;
                let landed = ptx.census()?;
                compare(&census, &landed, from, &shown)
            })?;
            Ok(CopyReport {
                from: from.to_string(),
                to: shown,
                rows: total_rows(&census),
                census,
            })
        }
        (true, false) => {
            let dest = Path::new(to);
            if dest.exists() {
                return Err(Error::Ledger(format!(
                    "{to} already exists; refusing to overwrite it (choose a new file)"
                )));
            }
            let mut pg = PgLedger::connect(from)?;
            let shown = pg.shown().to_string();
            // Built beside the target and moved into place only when verified.
            let tmp = crate::fsutil::temp_path(dest);
            let built = pg.read(|ptx| {
                let census = ptx.census()?;
                pull(ptx, &tmp, actor)?;
                let mut local = Ledger::open(&tmp)?;
                let landed = local.read(|ltx| ltx.census(&schema::TABLES, to))?;
                compare(&census, &landed, &shown, to)?;
                Ok(census)
            });
            let census = match built {
                Ok(c) => c,
                Err(e) => {
                    crate::fsutil::discard(&tmp);
                    return Err(e);
                }
            };
            crate::fsutil::publish(&tmp, dest)
                .map_err(|e| Error::Ledger(format!("cannot create {to}: {e}")))?;
            Ok(CopyReport {
                from: shown,
                to: to.to_string(),
                rows: total_rows(&census),
                census,
            })
        }
        (false, false) => Err(Error::refused(
            "copy-backends",
            "both --from and --to are files: use `fundledger backup` to copy a ledger file",
        )),
        (true, true) => Err(Error::refused(
            "copy-backends",
            "both --from and --to are PostgreSQL databases: copy through a file, or use pg_dump",
        )),
    }
}

/// The roles script for the ledger at `url`; with `apply`, run it there too.
pub fn roles(url: &str, writer: &str, auditor: &str, apply: bool) -> Result<String> {
    let mut pg = PgLedger::connect(url)?;
    let db = pg.database()?;
    let sql = pg::roles_sql(&db, writer, auditor);
    if apply {
        pg.apply(&sql)?;
    }
    Ok(sql)
}
