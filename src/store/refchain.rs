//! The reference chain: one seal per row of the reference tables (funds, investors,
//! companies, loans, grants, policy records), chained like the journal, so that
//! `audit` names a reference row edited, deleted or added outside fundledger.
//!
//! A row is sealed right after it is inserted, over its columns exactly as stored
//! (`hashchain::canonical`, as for entries), so an auditor can recompute every seal
//! from the file alone, and a column added by a later migration (NULL on old rows)
//! leaves old seals valid.

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};

use super::Tx;
use crate::error::Result;
use crate::hashchain;

/// The tables whose rows are sealed, in the order an upgrade seals existing rows.
pub const SEALED_TABLES: [&str; 8] = [
    "funds",
    "investors",
    "companies",
    "loans",
    "grants",
    "fund_policies",
    "company_facts",
    "indicator_scores",
];

/// How many of [`SEALED_TABLES`] exist at `schema::REFERENCE_SEALS_VERSION`.
const TABLES_AT_SEALS_VERSION: usize = 6;

/// A row as stored: (column, value as text), NULL as `None`.
pub type RawRow = Vec<(String, Option<String>)>;

/// A stored value as the canonical text carries it (NULL → None).
pub(super) fn raw_text(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Null => None,
        ValueRef::Integer(v) => Some(v.to_string()),
        ValueRef::Real(v) => Some(format!("{v}")),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
    }
}

/// One row of a table, every column as stored; `None` if there is no such row.
pub(super) fn raw_row(conn: &Connection, table: &str, id: i64) -> Result<Option<RawRow>> {
    debug_assert!(SEALED_TABLES.contains(&table));
    let mut st = conn.prepare_cached(&format!("SELECT * FROM \"{table}\" WHERE id = ?1"))?;
    let names: Vec<String> = st.column_names().map(String::from).collect();
    Ok(st
        .query_row([id], |r| {
            (0..names.len())
                .map(|i| Ok((names[i].clone(), raw_text(r.get_ref(i)?))))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .optional()?)
}

/// The seal of a row given as (column, value) pairs, after `prev_hash`.
pub fn seal_of(prev_hash: &str, table: &str, cols: &[(String, Option<String>)]) -> String {
    let canonical = hashchain::canonical(cols.iter().map(|(k, v)| (k.as_str(), v.as_deref())));
    hashchain::reference_hash(prev_hash, table, &canonical)
}

/// The hash of the last seal, or the genesis hash.
fn tail(conn: &Connection) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT hash FROM reference_seals ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| hashchain::GENESIS.to_string()))
}

/// Seal row `id` of `table` as it is stored now, after the seal whose hash is `prev`;
/// returns the new seal's hash.
fn seal(conn: &Connection, table: &str, id: i64, prev: &str) -> Result<String> {
    let cols = raw_row(conn, table, id)?.ok_or_else(|| {
        crate::error::Error::Ledger(format!(
            "internal error: {table} row {id} to seal is missing"
        ))
    })?;
    let hash = seal_of(prev, table, &cols);
    conn.prepare_cached(
        "INSERT INTO reference_seals (tbl, row_id, prev_hash, hash) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![table, id, prev, hash])?;
    Ok(hash)
}

/// Seal every existing reference row, table by table in id order: run once, by the
/// upgrade that adds the reference chain, which seals the rows as they stand then.
pub(super) fn seal_existing(conn: &Connection) -> Result<()> {
    // The tables that exist at that version (later ones are sealed from their first row).
    for table in &SEALED_TABLES[..TABLES_AT_SEALS_VERSION] {
        let ids: Vec<i64> = conn
            .prepare(&format!("SELECT id FROM \"{table}\" ORDER BY id"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            let prev = tail(conn)?;
            seal(conn, table, id, &prev)?;
        }
    }
    Ok(())
}

/// One seal as stored.
#[derive(Clone, Debug)]
pub struct SealRow {
    pub id: i64,
    pub table: String,
    pub row_id: i64,
    pub prev_hash: String,
    pub hash: String,
}

impl Tx<'_> {
    /// Seal a reference row just written (every reference INSERT calls this).
    pub(crate) fn seal_reference(&self, table: &str, id: i64) -> Result<()> {
        let cached = self.cache.borrow().ref_tail.clone();
        let prev = match cached {
            Some(t) => t,
            None => tail(self.conn())?,
        };
        let hash = seal(self.conn(), table, id, &prev)?;
        self.cache.borrow_mut().ref_tail = Some(hash);
        Ok(())
    }

    /// Every seal in id order.
    pub fn reference_seals(&self) -> Result<Vec<SealRow>> {
        let mut st = self
            .conn()
            .prepare("SELECT id, tbl, row_id, prev_hash, hash FROM reference_seals ORDER BY id")?;
        let rows = st
            .query_map([], |r| {
                Ok(SealRow {
                    id: r.get(0)?,
                    table: r.get(1)?,
                    row_id: r.get(2)?,
                    prev_hash: r.get(3)?,
                    hash: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Row `id` of reference table `table`, every column as stored.
    pub fn reference_row(&self, table: &str, id: i64) -> Result<Option<RawRow>> {
        raw_row(self.conn(), table, id)
    }

    /// Ids of every row of reference table `table`.
    pub fn reference_ids(&self, table: &str) -> Result<Vec<i64>> {
        debug_assert!(SEALED_TABLES.contains(&table));
        let mut st = self
            .conn()
            .prepare(&format!("SELECT id FROM \"{table}\" ORDER BY id"))?;
        let rows = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// For each fund with effective entries: (fund id, the earliest effective date of
    /// its entries, that entry's id).
    pub fn earliest_fund_entries(&self) -> Result<Vec<(i64, String, i64)>> {
        // SQLite: with MIN(), the bare column `id` comes from the row holding the minimum.
        let sql = format!(
            "SELECT e.fund_id, MIN(e.effective_date), e.id FROM entries e
             WHERE e.fund_id IS NOT NULL AND {} GROUP BY e.fund_id ORDER BY e.fund_id",
            super::journal::EFFECTIVE
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }
}
