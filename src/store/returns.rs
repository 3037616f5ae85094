//! Reads for distributions and returns: a fund's cash events (for the distribution
//! rules) and the lean stream of dated flows `report returns` folds.

use rusqlite::types::ValueRef;
use rusqlite::OptionalExtension;

use super::journal::{entry_row, EFFECTIVE, ENTRY_COLS};
use super::Tx;
use crate::date::Date;
use crate::domain::{Entry, EntryKind, ProceedsKind};
use crate::error::Result;
use crate::money::Money;

/// One effective entry as `report returns` needs it: no memo, author or timestamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FlowRow {
    pub id: i64,
    pub kind: EntryKind,
    pub date: Date,
    pub fund_id: i64,
    pub investor_id: Option<i64>,
    pub company_id: Option<i64>,
    pub amount: Option<Money>,
    /// A `deal-proceeds` entry of kind `exit` (closes the holding).
    pub exit: bool,
}

fn conversion(idx: usize, what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        idx,
        rusqlite::types::Type::Text,
        what.to_string().into(),
    )
}

/// `YYYY-MM-DD` (what the CHECK constraint guarantees) without chrono's general parser:
/// the report reads a million of these.
pub(super) fn iso_date(idx: usize, b: &[u8]) -> rusqlite::Result<Date> {
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(conversion(idx, "effective_date is not YYYY-MM-DD"));
    }
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(y), Some(m), Some(d)) => Date::from_ymd_opt(y as i32, m, d)
            .ok_or_else(|| conversion(idx, "effective_date is not a calendar date")),
        _ => Err(conversion(idx, "effective_date is not YYYY-MM-DD")),
    }
}

/// A [`FlowRow`] from the columns of [`Tx::for_each_flow`]'s query.
fn flow_fields(r: &rusqlite::Row<'_>, id: i64, exit: &[u8]) -> rusqlite::Result<FlowRow> {
    let kind = match r.get_ref(1)? {
        ValueRef::Text(t) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.parse::<EntryKind>().ok())
            .ok_or_else(|| conversion(1, "unknown entry kind"))?,
        _ => return Err(conversion(1, "kind is not text")),
    };
    let date = match r.get_ref(2)? {
        ValueRef::Text(t) => iso_date(2, t)?,
        _ => return Err(conversion(2, "effective_date is not text")),
    };
    let is_exit = matches!(r.get_ref(7)?, ValueRef::Text(t) if t == exit);
    Ok(FlowRow {
        id,
        kind,
        date,
        fund_id: r.get(3)?,
        investor_id: r.get(4)?,
        company_id: r.get(5)?,
        amount: super::journal::fen_col(r, 6, false)?,
        exit: kind == EntryKind::DealProceeds && is_exit,
    })
}

impl Tx<'_> {
    /// The fund an investor is, if the investor is a fund of this ledger.
    pub fn investor_fund(&self, investor_id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT fund_id FROM investors WHERE id = ?1",
                [investor_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Effective entries that move a fund's realised cash: its deal proceeds, its
    /// distributions to LPs, and distributions it received as an LP of other funds.
    pub fn fund_cash_events(&self, fund_id: i64) -> Result<Vec<Entry>> {
        let sql = format!(
            // Each kind through its own partial index (schema v7), which holds only
            // that kind: a fund's cash events cost what they are, not the fund's size.
            "SELECT {ENTRY_COLS} FROM entries e INDEXED BY entries_fund_proceeds
             WHERE e.fund_id = ?1 AND e.kind = 'deal-proceeds' AND {EFFECTIVE}
             UNION ALL
             SELECT {ENTRY_COLS} FROM entries e INDEXED BY entries_fund_distributions
             WHERE e.fund_id = ?1 AND e.kind = 'lp-distribute' AND {EFFECTIVE}
             UNION ALL
             SELECT {ENTRY_COLS} FROM entries e
             WHERE e.investor_id = (SELECT id FROM investors WHERE fund_id = ?1)
               AND e.kind = 'lp-distribute' AND {EFFECTIVE}"
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st
            .query_map([fund_id], entry_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Stream every effective fund entry dated on or before `as_of` through `f`, in
    /// journal order (the returns fold does not depend on order: marks compare dates).
    /// One pass over the journal, no sort, no per-row allocation. Reversed entries are
    /// skipped by id: the (few) reversed ids come first from the `reverses` index,
    /// which costs far less than an anti-join probe per row.
    pub fn for_each_flow(
        &self,
        as_of: Date,
        mut f: impl FnMut(FlowRow) -> Result<()>,
    ) -> Result<()> {
        let reversed = self.reversed_ids()?;
        let sql = "SELECT e.id, e.kind, e.effective_date, e.fund_id, e.investor_id, e.company_id, e.amount_fen, e.detail
             FROM entries e
             WHERE e.effective_date <= ?1 AND e.fund_id IS NOT NULL AND e.kind <> 'reversal'";
        let mut st = self.conn().prepare(sql)?;
        let mut rows = st.query([as_of.to_string()])?;
        let exit = ProceedsKind::Exit.as_str().as_bytes();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if reversed.contains(&id) {
                continue;
            }
            let row = super::named_row(r, "entry", flow_fields(r, id, exit));
            f(row?)?;
        }
        Ok(())
    }
}
