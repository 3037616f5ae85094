//! PostgreSQL: one ledger shared by many offices (issue 13; docs/postgres.md).
//!
//! The server is the store of record. A command on a PostgreSQL ledger runs inside one
//! server transaction: it reads the ledger into a local SQLite snapshot, runs exactly
//! the code it runs on a file, and, if it wrote, sends the rows it added back in the
//! same transaction. Writers take a transaction-scoped advisory lock first, so the
//! chain tail is serialised across every client and every rule is checked against
//! the ledger as it stands under that lock; readers take a REPEATABLE READ snapshot
//! and no lock.
//!
//! Architecture Invariant: a write transaction takes [`schema::WRITE_LOCK`] before its
//! first read, in READ COMMITTED (under REPEATABLE READ the snapshot would be taken by
//! the statement that waits for the lock, before the previous writer committed).
//!
//! Architecture Invariant: rows cross between the backends only as [`Raw`] values
//! (BIGINT ↔ INTEGER, TEXT ↔ TEXT), so a row and its hash are the same on both.

pub mod schema;

use std::io::Write;

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::Type;
use postgres::{Client, IsolationLevel, NoTls};

use super::copy::{Census, CensusBuilder, Marks, Raw};
use super::Tx;
use crate::error::{Error, Result};

/// Whether `--db` names a PostgreSQL database rather than a file.
pub fn is_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// The URL with any password replaced, for messages and reports.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.split_once('@') {
        Some((a, h)) => (Some(a), h),
        None => (None, rest),
    };
    match auth {
        Some(a) => match a.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => format!("{scheme}://{a}@{host}"),
        },
        None => url.to_string(),
    }
}

fn pg_err(e: postgres::Error) -> Error {
    match e.as_db_error() {
        Some(db) => {
            let mut s = format!("{} ({}): {}", db.severity(), db.code().code(), db.message());
            if let Some(d) = db.detail() {
                s.push_str(&format!("; {d}"));
            }
            if let Some(t) = db.table() {
                s.push_str(&format!(" [table {t}]"));
            }
            Error::Postgres(s)
        }
        None => Error::Postgres(e.to_string()),
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Error {
        pg_err(e)
    }
}

/// A connection to a PostgreSQL ledger.
pub struct PgLedger {
    client: Client,
    shown: String,
}

/// A transaction on a PostgreSQL ledger.
pub struct PgTx<'a> {
    tx: postgres::Transaction<'a>,
    shown: &'a str,
}

impl PgLedger {
    pub fn connect(url: &str) -> Result<PgLedger> {
        let shown = redact(url);
        let client = Client::connect(url, NoTls).map_err(|e| {
            Error::Ledger(format!(
                "cannot connect to {shown}: {}",
                match pg_err(e) {
                    Error::Postgres(s) => s,
                    other => other.to_string(),
                }
            ))
        })?;
        Ok(PgLedger { client, shown })
    }

    /// The URL as shown to people (no password).
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Create the schema in an empty database; refuses one that has a `meta` table.
    pub fn init(&mut self) -> Result<()> {
        let mut tx = self.client.transaction()?;
        let exists: bool = tx
            .query_one("SELECT to_regclass('meta') IS NOT NULL", &[])?
            .get(0);
        if exists {
            return Err(Error::Ledger(format!(
                "{} already holds a ledger (it has a meta table); refusing to create another",
                self.shown
            )));
        }
        tx.batch_execute(schema::SCHEMA)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', $1), ('created_by_version', $2)",
            &[&schema::VERSION.to_string(), &env!("CARGO_PKG_VERSION")],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Run `f` on a consistent read-only snapshot of the ledger (REPEATABLE READ).
    pub fn read<T>(&mut self, f: impl FnOnce(&mut PgTx<'_>) -> Result<T>) -> Result<T> {
        let tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        finish(tx, &self.shown, f)
    }

    /// Run `f` holding the ledger's write lock; commit if it returns Ok, roll back
    /// otherwise (a dropped transaction rolls back, so does a killed client).
    pub fn write<T>(&mut self, f: impl FnOnce(&mut PgTx<'_>) -> Result<T>) -> Result<T> {
        let mut tx = self
            .client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&schema::WRITE_LOCK])?;
        finish(tx, &self.shown, f)
    }

    /// Run SQL as it is (the roles script of `pg roles --apply`), in one transaction.
    pub fn apply(&mut self, sql: &str) -> Result<()> {
        let mut tx = self.client.transaction()?;
        tx.batch_execute(sql)?;
        tx.commit()?;
        Ok(())
    }

    /// The connected database's name.
    pub fn database(&mut self) -> Result<String> {
        Ok(self
            .client
            .query_one("SELECT current_database()", &[])?
            .get(0))
    }
}

/// Check the schema, run `f`, and commit only if both succeed.
fn finish<T>(
    tx: postgres::Transaction<'_>,
    shown: &str,
    f: impl FnOnce(&mut PgTx<'_>) -> Result<T>,
) -> Result<T> {
    let mut t = PgTx { tx, shown };
    t.check_version()?;
    let out = f(&mut t)?;
    t.tx.commit()?;
    Ok(out)
}

impl PgTx<'_> {
    /// Refuse a database without a ledger, or with a schema newer than this build.
    fn check_version(&mut self) -> Result<()> {
        let has: bool = self
            .tx
            .query_one("SELECT to_regclass('meta') IS NOT NULL", &[])?
            .get(0);
        let version: Option<String> = if has {
            self.tx
                .query_opt("SELECT value FROM meta WHERE key = 'schema_version'", &[])?
                .map(|r| r.get(0))
        } else {
            None
        };
        let Some(version) = version else {
            return Err(Error::Ledger(format!(
                "{} holds no fundledger ledger; create one with `fundledger --db {} init` \
                 or copy one in with `fundledger copy --from ledger.db --to {}`",
                self.shown, self.shown, self.shown
            )));
        };
        let v: i64 = version.parse().unwrap_or(i64::MAX);
        if v > schema::VERSION {
            return Err(Error::Ledger(format!(
                "{} was written by a newer fundledger (schema version {version}; this build knows up to {}); \
                 it was left untouched: upgrade fundledger to use it",
                self.shown,
                schema::VERSION
            )));
        }
        if v < schema::VERSION {
            // No PostgreSQL schema older than the first one exists yet; when one does,
            // its upgrade runs here, under the write lock, like SQLite's migrations.
            return Err(Error::Ledger(format!(
                "{} has schema version {version}, which this build cannot upgrade",
                self.shown
            )));
        }
        Ok(())
    }

    /// Rows in the ledger's tables (0 for a ledger just made by `init`).
    pub fn rows(&mut self) -> Result<i64> {
        let mut n = 0;
        for t in schema::TABLES {
            let c: i64 = self
                .tx
                .query_one(&format!("SELECT count(*) FROM {t}"), &[])?
                .get(0);
            n += c;
        }
        Ok(n)
    }

    /// The highest id of each table (one round trip).
    pub fn marks(&mut self) -> Result<Marks> {
        let sql = schema::TABLES
            .iter()
            .map(|t| format!("SELECT '{t}', COALESCE(MAX(id), 0) FROM {t}"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let mut m = Marks::new();
        for r in self.tx.query(&sql, &[])? {
            m.insert(r.get(0), r.get(1));
        }
        Ok(m)
    }

    /// Every row of `table` above `after`, in id order, as stored.
    fn for_each_row(
        &mut self,
        table: &str,
        after: i64,
        mut f: impl FnMut(&[String], &[Raw]) -> Result<()>,
    ) -> Result<()> {
        let mut it = self.tx.query_raw(
            &format!("SELECT * FROM {table} WHERE id > $1 ORDER BY id"),
            [after],
        )?;
        let mut names: Option<Vec<String>> = None;
        let mut vals = Vec::new();
        while let Some(row) = it.next()? {
            let cols = row.columns();
            let names =
                names.get_or_insert_with(|| cols.iter().map(|c| c.name().to_string()).collect());
            vals.clear();
            for (i, c) in cols.iter().enumerate() {
                vals.push(match *c.type_() {
                    Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map_or(Raw::Null, Raw::Int),
                    Type::TEXT => row.try_get::<_, Option<String>>(i)?.map_or(Raw::Null, Raw::Text),
                    ref t => {
                        return Err(Error::Ledger(format!(
                            "{table}.{} is of type {t} in {}; a fundledger ledger holds only BIGINT and TEXT",
                            c.name(),
                            self.shown
                        )))
                    }
                });
            }
            f(names, &vals)?;
        }
        Ok(())
    }

    /// The census of the ledger as stored on the server.
    pub fn census(&mut self) -> Result<Census> {
        let mut b = CensusBuilder::new(self.shown);
        for t in schema::TABLES {
            self.for_each_row(t, 0, |cols, vals| b.push(t, cols, vals))?;
        }
        Ok(b.finish())
    }

    /// The `hash` column of row `id` of `table` (`entries` or `reference_seals`), if
    /// that row exists.
    pub fn hash_at(&mut self, table: &str, id: i64) -> Result<Option<String>> {
        Ok(self
            .tx
            .query_opt(&format!("SELECT hash FROM {table} WHERE id = $1"), &[&id])?
            .map(|r| r.get(0)))
    }

    /// Copy every row above `after` into the local ledger `local`, table by table in
    /// id order; returns the ids of the entries copied. The position summary is the
    /// caller's to bring up to date.
    pub fn pull_into(&mut self, local: &Tx<'_>, after: &Marks) -> Result<Vec<i64>> {
        let mut entries = Vec::new();
        for t in schema::TABLES {
            let mut ins = None;
            let from = after.get(t).copied().unwrap_or(0);
            self.for_each_row(t, from, |cols, vals| {
                if ins.is_none() {
                    ins = Some(local.raw_inserter(t, cols)?);
                }
                let id = ins.as_mut().expect("inserter").insert(vals)?;
                if t == "entries" {
                    entries.push(id);
                }
                Ok(())
            })?;
        }
        Ok(entries)
    }

    /// Send the local rows above `marks` to the server (COPY), table by table.
    pub fn push_from(&mut self, local: &Tx<'_>, marks: &Marks) -> Result<u64> {
        let mut sent = 0;
        let local_marks = local.max_ids(&schema::TABLES)?;
        for t in schema::TABLES {
            let after = marks.get(t).copied().unwrap_or(0);
            if local_marks.get(t).copied().unwrap_or(0) <= after {
                continue; // nothing new in this table: no COPY round trip
            }
            let list: Vec<String> = local
                .column_names(t)?
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect();
            let mut w = self
                .tx
                .copy_in(&format!("COPY {t} ({}) FROM STDIN", list.join(", ")))?;
            let mut line = String::new();
            local.for_each_raw_row(t, after, |_, vals| {
                line.clear();
                for (i, v) in vals.iter().enumerate() {
                    if i > 0 {
                        line.push('\t');
                    }
                    copy_text(&mut line, v);
                }
                line.push('\n');
                w.write_all(line.as_bytes())?;
                Ok(())
            })?;
            sent += w.finish()?;
        }
        Ok(sent)
    }
}

/// A value in COPY's text format.
fn copy_text(out: &mut String, v: &Raw) {
    match v {
        Raw::Null => out.push_str("\\N"),
        Raw::Int(i) => out.push_str(&i.to_string()),
        Raw::Text(t) => {
            for c in t.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
        }
    }
}

/// The SQL that creates the two roles of a shared ledger: a writer that can add rows
/// and read (no UPDATE, DELETE or TRUNCATE on anything) and an auditor that can only
/// read. Both are NOLOGIN groups: people log in as themselves and are granted one.
pub fn roles_sql(database: &str, writer: &str, auditor: &str) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let (db, w, a) = (q(database), q(writer), q(auditor));
    let tables = schema::TABLES.join(", ");
    format!(
        "-- fundledger roles for database {db}: run as the ledger's owner.\n\
DO $$ BEGIN\n\
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{wl}') THEN CREATE ROLE {w} NOLOGIN; END IF;\n\
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{al}') THEN CREATE ROLE {a} NOLOGIN; END IF;\n\
END $$;\n\
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;\n\
GRANT CONNECT ON DATABASE {db} TO {w}, {a};\n\
GRANT USAGE ON SCHEMA public TO {w}, {a};\n\
GRANT SELECT ON ALL TABLES IN SCHEMA public TO {w}, {a};\n\
-- The writer adds rows; it never edits or removes one (the triggers refuse that too).\n\
GRANT INSERT ON {tables} TO {w};\n\
REVOKE UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public FROM {w}, {a};\n\
-- Then, for each person: GRANT {w} TO alice;  GRANT {a} TO audrey;\n",
        wl = writer.replace('\'', "''"),
        al = auditor.replace('\'', "''"),
    )
}
