//! The journal: append, look up, and stream entries.

use rusqlite::{params, OptionalExtension, Row};

use super::reference::parse_date_col;
use super::Tx;
use crate::date::Date;
use crate::domain::{Entry, EntryKind, NewEntry};
use crate::error::{Error, Result};
use crate::hashchain;
use crate::money::Money;

pub(super) const ENTRY_COLS: &str =
    "e.id, e.kind, e.effective_date, e.recorded_at, e.recorded_by, e.memo, \
     e.fund_id, e.investor_id, e.company_id, e.amount_fen, e.detail, e.reverses";

/// Entries that count in reports: not reversals and not reversed.
pub(super) const EFFECTIVE: &str =
    "e.kind <> 'reversal' AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses = e.id)";

pub(super) fn entry_row(r: &Row<'_>) -> rusqlite::Result<Entry> {
    let kind: String = r.get(1)?;
    Ok(Entry {
        id: r.get(0)?,
        kind: kind.parse::<EntryKind>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, e.into())
        })?,
        date: parse_date_col(2, Some(r.get(2)?))?.expect("date is NOT NULL"),
        recorded_at: r.get(3)?,
        recorded_by: r.get(4)?,
        memo: r.get(5)?,
        fund_id: r.get(6)?,
        investor_id: r.get(7)?,
        company_id: r.get(8)?,
        amount: r.get::<_, Option<i64>>(9)?.map(Money::from_fen),
        detail: r.get(10)?,
        reverses: r.get(11)?,
    })
}

/// Which entries `log` shows.
#[derive(Clone, Debug, Default)]
pub struct EntryFilter {
    pub fund_id: Option<i64>,
}

/// An entry with the codes it refers to, for listing.
#[derive(Clone, Debug)]
pub struct LoggedEntry {
    pub entry: Entry,
    pub fund: Option<String>,
    pub investor: Option<String>,
    pub company: Option<String>,
    pub reversed_by: Option<i64>,
}

impl Tx<'_> {
    /// Append an entry at the end of the journal, chaining its hash to the last one.
    /// Must run inside [`super::Ledger::write`] (IMMEDIATE), which serialises writers so
    /// the chain cannot fork.
    pub fn append_entry(&self, n: &NewEntry) -> Result<i64> {
        let last: Option<(i64, String)> = self
            .conn()
            .query_row(
                "SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (id, prev) = match last {
            Some((id, h)) => (id + 1, h),
            None => (1, hashchain::GENESIS.to_string()),
        };
        let e = Entry {
            id,
            kind: n.kind,
            date: n.date,
            recorded_at: self.now.clone(),
            recorded_by: self.actor.clone(),
            memo: n.memo.clone(),
            fund_id: n.fund_id,
            investor_id: n.investor_id,
            company_id: n.company_id,
            amount: n.amount,
            detail: n.detail.clone(),
            reverses: n.reverses,
        };
        let hash = hashchain::entry_hash(&prev, &e);
        self.conn().execute(
            "INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by, memo, fund_id,
                 investor_id, company_id, amount_fen, detail, reverses, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            params![
                e.id,
                e.kind.as_str(),
                e.date.to_string(),
                e.recorded_at,
                e.recorded_by,
                e.memo,
                e.fund_id,
                e.investor_id,
                e.company_id,
                e.amount.map(Money::fen),
                e.detail,
                e.reverses,
                prev,
                hash
            ],
        )?;
        Ok(id)
    }

    pub fn entry(&self, id: i64) -> Result<Option<Entry>> {
        let sql = format!("SELECT {ENTRY_COLS} FROM entries e WHERE e.id = ?1");
        Ok(self.conn().query_row(&sql, [id], entry_row).optional()?)
    }

    /// The id of the reversal of `id`, if it has been reversed.
    pub fn reversal_of(&self, id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row("SELECT id FROM entries WHERE reverses = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Effective entries of one holding (fund → company), all dates, in journal order.
    pub fn holding_entries(&self, fund_id: i64, company_id: i64) -> Result<Vec<Entry>> {
        let sql = format!(
            "SELECT {ENTRY_COLS} FROM entries e
             WHERE e.fund_id = ?1 AND e.company_id = ?2 AND {EFFECTIVE} ORDER BY e.id"
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st
            .query_map([fund_id, company_id], entry_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Effective entries of one LP position (investor → fund), all dates, in journal order.
    pub fn lp_entries(&self, fund_id: i64, investor_id: i64) -> Result<Vec<Entry>> {
        let sql = format!(
            "SELECT {ENTRY_COLS} FROM entries e
             WHERE e.fund_id = ?1 AND e.investor_id = ?2 AND {EFFECTIVE} ORDER BY e.id"
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st
            .query_map([fund_id, investor_id], entry_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Stream every effective entry dated on or before `as_of`, ordered by date then
    /// id, through `f`. One query for a whole report; memory stays bounded by what `f`
    /// keeps, not by the size of the journal.
    pub fn for_each_effective(
        &self,
        as_of: Date,
        mut f: impl FnMut(Entry) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "SELECT {ENTRY_COLS} FROM entries e
             WHERE e.effective_date <= ?1 AND {EFFECTIVE} ORDER BY e.effective_date, e.id"
        );
        let mut st = self.conn().prepare(&sql)?;
        let mut rows = st.query([as_of.to_string()])?;
        while let Some(r) = rows.next()? {
            f(entry_row(r).map_err(Error::from)?)?;
        }
        Ok(())
    }

    /// Every entry, reversals included, for `log`.
    pub fn log(&self, filter: &EntryFilter) -> Result<Vec<LoggedEntry>> {
        let sql = format!(
            "SELECT {ENTRY_COLS}, f.code, i.code, c.code, r.id
             FROM entries e
             LEFT JOIN entries o ON o.id = e.reverses
             LEFT JOIN funds f ON f.id = COALESCE(e.fund_id, o.fund_id)
             LEFT JOIN investors i ON i.id = COALESCE(e.investor_id, o.investor_id)
             LEFT JOIN companies c ON c.id = COALESCE(e.company_id, o.company_id)
             LEFT JOIN entries r ON r.reverses = e.id
             WHERE ?1 IS NULL OR COALESCE(e.fund_id, o.fund_id) = ?1
             ORDER BY e.id"
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st
            .query_map([filter.fund_id], |r| {
                Ok(LoggedEntry {
                    entry: entry_row(r)?,
                    fund: r.get(12)?,
                    investor: r.get(13)?,
                    company: r.get(14)?,
                    reversed_by: r.get(15)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
