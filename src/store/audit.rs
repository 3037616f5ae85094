//! Raw reads for `audit`: SQLite's own checks and the journal exactly as stored,
//! hash columns included, read leniently so a tampered row becomes a finding rather
//! than an error.

use rusqlite::types::ValueRef;
use rusqlite::OptionalExtension;

use super::Tx;
use crate::error::{BadRow, Error, Result};

/// One row of the hash pass ([`Tx::for_each_stored_hash`]), borrowed from SQLite.
pub struct StoredHash<'a> {
    pub id: i64,
    pub prev_hash: &'a [u8],
    pub hash: &'a [u8],
    pub fund_id: Option<i64>,
    pub date: &'a [u8],
    pub reversal: bool,
}

/// One journal row as stored, every column as text (NULL → None).
#[derive(Clone, Debug)]
pub struct RawEntry {
    pub id: i64,
    pub cols: Vec<(String, Option<String>)>,
    pub prev_hash: String,
    pub hash: String,
}

impl RawEntry {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.cols
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }
}

impl Tx<'_> {
    /// `PRAGMA integrity_check`: `["ok"]` when the file is sound.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let mut st = self.conn().prepare("PRAGMA integrity_check")?;
        let rows = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(rows)
    }

    /// `PRAGMA foreign_key_check`: (table, rowid, parent table) for each dangling reference.
    pub fn foreign_key_check(&self) -> Result<Vec<(String, Option<i64>, String)>> {
        let mut st = self.conn().prepare("PRAGMA foreign_key_check")?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Every journal row in id order, as stored.
    pub fn for_each_raw_entry(&self, f: impl FnMut(RawEntry) -> Result<()>) -> Result<()> {
        self.for_each_raw_entry_after(0, f)
    }

    /// [`Tx::for_each_raw_entry`] for the entries with an id above `after`.
    pub fn for_each_raw_entry_after(
        &self,
        after: i64,
        mut f: impl FnMut(RawEntry) -> Result<()>,
    ) -> Result<()> {
        let mut st = self
            .conn()
            .prepare("SELECT * FROM entries WHERE id > ?1 ORDER BY id")?;
        let names: Vec<String> = st.column_names().map(|s| s.to_string()).collect();
        let mut rows = st.query([after])?;
        while let Some(r) = rows.next()? {
            let mut cols = Vec::with_capacity(names.len());
            for (i, n) in names.iter().enumerate() {
                let v = match r.get_ref(i)? {
                    ValueRef::Null => None,
                    ValueRef::Integer(v) => Some(v.to_string()),
                    ValueRef::Real(v) => Some(format!("{v}")),
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Some(String::from_utf8_lossy(t).into_owned())
                    }
                };
                cols.push((n.clone(), v));
            }
            let id = r.get::<_, i64>("id")?;
            let prev_hash = r.get::<_, Option<String>>("prev_hash")?.unwrap_or_default();
            let hash = r.get::<_, Option<String>>("hash")?.unwrap_or_default();
            f(RawEntry {
                id,
                cols,
                prev_hash,
                hash,
            })?;
        }
        Ok(())
    }

    /// The stored hashes of the entries with an id up to `up_to`, in id order, and
    /// with `funds` the three columns the fund-inception check needs (else they read
    /// as none): the hash pass of an incremental audit, which reads no other column
    /// and decodes nothing.
    pub fn for_each_stored_hash(
        &self,
        up_to: i64,
        funds: bool,
        mut f: impl FnMut(StoredHash<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut st = self.conn().prepare(if funds {
            "SELECT id, prev_hash, hash, fund_id, effective_date, kind FROM entries
             WHERE id <= ?1 ORDER BY id"
        } else {
            "SELECT id, prev_hash, hash, NULL, '', '' FROM entries WHERE id <= ?1 ORDER BY id"
        })?;
        let mut rows = st.query([up_to])?;
        // Borrowed, not copied: this pass reads millions of rows.
        let text = |v: ValueRef<'_>| -> Vec<u8> {
            match v {
                ValueRef::Text(t) | ValueRef::Blob(t) => t.to_vec(),
                _ => Vec::new(),
            }
        };
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let fund_id = match r.get_ref(3)? {
                ValueRef::Integer(v) => Some(v),
                _ => None,
            };
            let reversal = matches!(r.get_ref(5)?, ValueRef::Text(b"reversal"));
            match (r.get_ref(1)?, r.get_ref(2)?, r.get_ref(4)?) {
                (ValueRef::Text(p), ValueRef::Text(h), ValueRef::Text(d)) => f(StoredHash {
                    id,
                    prev_hash: p,
                    hash: h,
                    fund_id,
                    date: d,
                    reversal,
                })?,
                (p, h, d) => f(StoredHash {
                    id,
                    prev_hash: &text(p),
                    hash: &text(h),
                    fund_id,
                    date: &text(d),
                    reversal,
                })?,
            }
        }
        Ok(())
    }

    /// The ids of every reversed entry (through the `reverses` index; reversals are few).
    pub fn reversed_ids(&self) -> Result<super::FastSet<i64>> {
        let mut st = self
            .conn()
            .prepare("SELECT reverses FROM entries WHERE reverses IS NOT NULL")?;
        let ids = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// An entry's stored kind and the entries that reverse it, read raw (no decoding).
    pub fn raw_kind_and_reversals(&self, id: i64) -> Result<(Option<String>, Vec<i64>)> {
        let kind: Option<String> = self
            .cached_row("SELECT kind FROM entries WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        let mut st = self
            .conn()
            .prepare_cached("SELECT id FROM entries WHERE reverses = ?1 ORDER BY id")?;
        let by = st
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok((kind, by))
    }

    /// Every stored row of the journal and the fund, investor and company tables that
    /// cannot be read as what it should hold, named by record and column.
    pub fn undecodable_rows(&self) -> Result<Vec<BadRow>> {
        use super::journal::{entry_row, ENTRY_COLS};
        use super::reference::{company_row, fund_row, investor_row, FUND_COLS};
        let mut out = Vec::new();
        self.collect_bad(
            &format!("SELECT {FUND_COLS} FROM funds f LEFT JOIN funds p ON p.id = f.parent_id ORDER BY f.id"),
            fund_row,
            &mut out,
        )?;
        self.collect_bad(
            "SELECT id, code, name, type, fund_id FROM investors ORDER BY id",
            investor_row,
            &mut out,
        )?;
        self.collect_bad(
            "SELECT id, code, name, sector, region, uscc, stage FROM companies ORDER BY id",
            company_row,
            &mut out,
        )?;
        self.collect_bad(
            &format!("SELECT {ENTRY_COLS} FROM entries e ORDER BY e.id"),
            entry_row,
            &mut out,
        )?;
        Ok(out)
    }

    fn collect_bad<T>(
        &self,
        sql: &str,
        row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
        out: &mut Vec<BadRow>,
    ) -> Result<()> {
        let mut st = self.conn().prepare(sql)?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            match row(r).map_err(Error::from) {
                Ok(_) => {}
                Err(Error::BadRow(b)) => out.push(b),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The stored hash of entry `id`.
    pub fn entry_hash(&self, id: i64) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row("SELECT hash FROM entries WHERE id = ?1", [id], |r| r.get(0))
            .optional()?)
    }

    /// The last entry's id and hash: the chain head.
    pub fn chain_head(&self) -> Result<Option<(i64, String)>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row(
                "SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }
}

impl super::Ledger {
    /// Copy the ledger to `dest` with SQLite's online backup API: a consistent
    /// snapshot even while other processes write. `dest` must not exist; callers
    /// write to a temporary path and move it into place once verified (`fsutil`).
    pub fn backup_to(&self, dest: &std::path::Path) -> Result<()> {
        if dest.exists() {
            return Err(crate::error::Error::Ledger(format!(
                "{} already exists; refusing to overwrite it",
                dest.display()
            )));
        }
        let mut out = rusqlite::Connection::open(dest)?;
        {
            let b = rusqlite::backup::Backup::new(&self.conn, &mut out)?;
            // -1 pages per step: copy everything in one step under one read lock, so
            // the copy is a single consistent snapshot; retry while a writer holds it.
            let deadline = std::time::Instant::now() + super::BUSY_TIMEOUT;
            loop {
                match b.step(-1)? {
                    rusqlite::backup::StepResult::Done => break,
                    _ if std::time::Instant::now() > deadline => {
                        return Err(crate::error::Error::Ledger(format!(
                            "backup: the ledger stayed locked by a writer for {} s",
                            super::BUSY_TIMEOUT.as_secs()
                        )))
                    }
                    _ => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
        }
        out.close().map_err(|(_, e)| e)?;
        Ok(())
    }
}
