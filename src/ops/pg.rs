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
use crate::store::copy::{Census, Marks};
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
        copy_in(ptx, ltx, &Marks::new())?;
        ltx.rebuild_summary()?;
        Ok(())
    })
}

/// Copy the server's rows above `after` into the local transaction `ltx`, with the
/// journal's insert guards checked once over all of them rather than row by row
/// (store/bulk.rs); returns the ids of the entries copied.
fn copy_in(ptx: &mut pg::PgTx<'_>, ltx: &crate::store::Tx<'_>, after: &Marks) -> Result<Vec<i64>> {
    let guards = ltx.suspend_insert_guards()?;
    let ids = ptx.pull_into(ltx, after)?;
    if let Some(g) = guards {
        ltx.restore_insert_guards(g)?;
    }
    Ok(ids)
}

/// The directory that keeps local replicas of PostgreSQL ledgers between commands:
/// `FUNDLEDGER_PG_CACHE` (or none when it is `off`), else `$XDG_CACHE_HOME/fundledger`,
/// else `~/.cache/fundledger`.
fn replica_dir() -> Option<PathBuf> {
    match std::env::var_os("FUNDLEDGER_PG_CACHE") {
        Some(v) if v == "off" => None,
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|d| d.join("fundledger")),
    }
}

/// A local replica of one PostgreSQL ledger: a ledger file holding a prefix of the
/// server's rows, exactly as stored, locked by this process while it is used.
///
/// Sound because the server's tables only ever grow, under one write lock, in id
/// order: a replica whose every table ends at or below the server's, and whose
/// journal and seal chains end on the hashes the server holds at those ids, holds
/// exactly the server's rows up to there (the chains cover every entry and every
/// reference row). Catching up is then copying the rows above its ids. A replica
/// that fails the check is discarded and pulled afresh, never repaired.
struct Replica {
    path: PathBuf,
    /// Held (an exclusive lock) until dropped: one command per replica at a time, so
    /// no reader sees rows a writer has not yet committed on the server.
    _lock: std::fs::File,
}

/// The chains whose heads prove a replica's prefix.
const CHAINS: [&str; 2] = ["entries", "reference_seals"];

impl Replica {
    fn open(dir: &Path, url: &str) -> Result<Replica> {
        use sha2::{Digest, Sha256};
        let fail = |what: &str, p: &Path, e: std::io::Error| {
            Error::Ledger(format!(
                "cannot {what} {} for the local replica of {} ({e}); set FUNDLEDGER_PG_CACHE \
                 to a writable directory, or to `off` to pull the ledger afresh every time",
                p.display(),
                pg::redact(url)
            ))
        };
        std::fs::create_dir_all(dir).map_err(|e| fail("create", dir, e))?;
        // One replica per server, database and user; the password is not part of it.
        let key = Sha256::digest(pg::redact(url).as_bytes());
        let name: String = key[..8].iter().map(|b| format!("{b:02x}")).collect();
        let path = dir.join(format!("pg-{name}.db"));
        let lock_path = path.with_extension("lock");
        let lock = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| fail("open", &lock_path, e))?;
        lock.lock().map_err(|e| fail("lock", &lock_path, e))?;
        Ok(Replica { path, _lock: lock })
    }

    fn discard(&self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_file(self.path.with_extension("db-journal"));
    }

    /// Bring the replica to what the server transaction `ptx` sees; returns the
    /// highest id of each table, which the replica now shares with the server.
    fn sync(&self, ptx: &mut pg::PgTx<'_>, actor: &str) -> Result<Marks> {
        let server = ptx.marks()?;
        if self.path.exists() {
            // Any failure to read or extend the replica (a file from another build, a
            // damaged one) is met the same way as a mismatch: pull afresh.
            if let Ok(true) = self.catch_up(ptx, &server, actor) {
                return Ok(server);
            }
            self.discard();
        }
        let tmp = crate::fsutil::temp_path(&self.path);
        if let Err(e) = pull(ptx, &tmp, actor) {
            crate::fsutil::discard(&tmp);
            return Err(e);
        }
        crate::fsutil::publish(&tmp, &self.path).map_err(|e| {
            Error::Ledger(format!(
                "cannot keep the local replica {}: {e}",
                self.path.display()
            ))
        })?;
        Ok(server)
    }

    /// Copy the server's rows above the replica's; `false` when the replica is not a
    /// prefix of the server's ledger.
    fn catch_up(&self, ptx: &mut pg::PgTx<'_>, server: &Marks, actor: &str) -> Result<bool> {
        let mut local = Ledger::open(&self.path)?;
        // Checked in a read transaction: when nothing is new (the common case for a
        // report), the replica is not written, so no commit and no fsync.
        let have = local.read(|ltx| {
            let have = ltx.max_ids(&schema::TABLES)?;
            if have
                .iter()
                .any(|(t, id)| server.get(t).is_none_or(|s| id > s))
            {
                return Ok(None);
            }
            for t in CHAINS {
                let id = have[t];
                if id > 0 && ltx.hash_at(t, id)? != ptx.hash_at(t, id)? {
                    return Ok(None);
                }
            }
            Ok(Some(have))
        })?;
        let Some(have) = have else {
            return Ok(false);
        };
        if &have == server {
            return Ok(true);
        }
        // This process holds the replica's lock, so it is still as just checked.
        local.write(actor, |ltx| {
            for id in copy_in(ptx, ltx, &have)? {
                ltx.note_copied_in_summary(id)?;
            }
            Ok(true)
        })
    }
}

/// Discard the local replica of the ledger at `url` (`reindex`); returns its path, or
/// `None` when replicas are turned off.
pub fn forget_replica(url: &str) -> Result<Option<PathBuf>> {
    let Some(dir) = replica_dir() else {
        return Ok(None);
    };
    let rep = Replica::open(&dir, url)?;
    rep.discard();
    Ok(Some(rep.path.clone()))
}

/// Run `f` on a local copy of the PostgreSQL ledger at `url`, as the server's
/// transaction sees it. With `write`, the server's write lock is held throughout and
/// the rows `f` added are sent back before the server transaction commits; returns
/// `f`'s result and the rows sent.
///
/// The copy is the replica kept between commands (caught up in time proportional
/// to what is new) unless `fresh` is set or replicas are turned off: then the whole
/// ledger is pulled into a scratch file, which is what `audit` needs to check the
/// rows the server holds now rather than those it held when they were replicated.
pub fn with_snapshot<T>(
    url: &str,
    write: bool,
    fresh: bool,
    actor: &str,
    f: impl FnOnce(&Path) -> Result<T>,
) -> Result<(T, u64)> {
    let mut pg = PgLedger::connect(url)?;
    let replica = match replica_dir().filter(|_| !fresh) {
        Some(dir) => Some(Replica::open(&dir, url)?),
        None => None,
    };
    let Some(rep) = replica else {
        let scratch = Scratch::new()?;
        let path = scratch.0.join("snapshot.db");
        return run_on(&mut pg, write, &path, f, |ptx| {
            pull(ptx, &path, actor)?;
            ptx.marks()
        });
    };
    let mut synced = None;
    let out = run_on(&mut pg, write, &rep.path, f, |ptx| {
        let marks = rep.sync(ptx, actor)?;
        synced = Some(marks.clone());
        Ok(marks)
    });
    if out.is_err() {
        // A write that failed after `f` committed locally (a lost connection, a
        // refused commit) leaves rows in the replica that the server does not hold.
        let grown = match &synced {
            Some(marks) => Ledger::open(&rep.path)
                .and_then(|mut l| l.read(|ltx| ltx.max_ids(&schema::TABLES)))
                .map_or(true, |now| &now != marks),
            None => false,
        };
        if grown {
            rep.discard();
        }
    }
    out
}

/// Bring the local ledger at `path` up to the server transaction with `prepare`, then
/// run `f` on it (see [`with_snapshot`]).
fn run_on<T>(
    pg: &mut PgLedger,
    write: bool,
    path: &Path,
    f: impl FnOnce(&Path) -> Result<T>,
    prepare: impl FnOnce(&mut pg::PgTx<'_>) -> Result<Marks>,
) -> Result<(T, u64)> {
    if !write {
        pg.read(|ptx| prepare(ptx).map(drop))?;
        return Ok((f(path)?, 0));
    }
    pg.write(|ptx| {
        let marks = prepare(ptx)?;
        let out = f(path)?;
        let mut local = Ledger::open(path)?;
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
            let marks = Marks::new();
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
