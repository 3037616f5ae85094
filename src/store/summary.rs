//! The position summary (`position_years`, schema version 10): per position and year
//! of effective date, what that year's effective entries add up to.
//!
//! Derived data, never trusted blindly: it is kept in step with the journal in the
//! same transaction as every entry ([`Tx::insert_sealed`] notes each entry's effect
//! here, and the effects are written before the transaction commits, or before any
//! read of the summary inside it); `audit` recomputes it from the journal
//! ([`Tx::summary_differences`]) and `reindex` rebuilds it ([`Tx::rebuild_summary`]).
//!
//! Architecture Invariant: the summary is written only here, and always from entries
//! that went through `Tx::insert_sealed` in the same transaction, or rebuilt from the
//! whole journal.

use chrono::Datelike;

use super::flow_days::PendingDays;
use super::{FastMap, Tx};
pub use crate::book::PositionYear;
use crate::date::Date;
use crate::domain::{EntryKind, NewEntry, ProceedsKind};
use crate::error::Result;

/// The rows of `position_years` as the journal says they should be (the CTE
/// `expected`): the fill of
/// migration 10, kept here as the definition `reindex` and `audit` use (the migration's
/// copy is frozen with it; this one may evolve with the table).
const REBUILD_WITH: &str = r#"
WITH eff AS (
    SELECT e.id, e.kind, e.effective_date AS d, e.fund_id, e.investor_id IS NOT NULL AS is_lp,
           COALESCE(e.investor_id, e.company_id) AS cp,
           CAST(substr(e.effective_date, 1, 4) AS INTEGER) AS year,
           e.amount_fen, e.detail, r.id IS NULL AS live
    FROM entries e LEFT JOIN entries r ON r.reverses = e.id
    WHERE e.kind <> 'reversal' AND e.fund_id IS NOT NULL
      AND (e.investor_id IS NOT NULL OR e.company_id IS NOT NULL)
),
marks AS (
    SELECT fund_id, cp, year, d, id, amount_fen,
           row_number() OVER (PARTITION BY fund_id, cp, year ORDER BY d DESC, id DESC) AS rn
    FROM eff WHERE live AND kind = 'deal-value' AND NOT is_lp
),
g AS (
    SELECT fund_id, is_lp, cp, year, max(d) AS last_date,
           sum(live) AS entries,
           sum(CASE WHEN live AND kind IN ('lp-commit', 'deal-commit') THEN amount_fen ELSE 0 END) AS committed,
           sum(CASE WHEN live AND kind IN ('lp-pay', 'deal-pay') THEN amount_fen ELSE 0 END) AS paid_in,
           sum(CASE WHEN live AND kind = 'deal-proceeds' THEN amount_fen ELSE 0 END) AS proceeds,
           sum(CASE WHEN live AND kind = 'lp-distribute' THEN amount_fen ELSE 0 END) AS distributed,
           sum(CASE WHEN live AND kind = 'deal-proceeds' AND detail = 'exit' THEN 1 ELSE 0 END) AS exits,
           sum(CASE WHEN live AND kind = 'deal-write-off' THEN 1 ELSE 0 END) AS write_offs
    FROM eff GROUP BY fund_id, is_lp, cp, year
),
expected AS (
    SELECT g.fund_id, g.is_lp, g.cp, g.year, g.last_date, g.entries, g.committed, g.paid_in,
           g.proceeds, g.distributed, g.exits, g.write_offs, m.d, m.id, m.amount_fen
    FROM g LEFT JOIN marks m
      ON m.rn = 1 AND NOT g.is_lp AND m.fund_id = g.fund_id AND m.cp = g.cp AND m.year = g.year
)
"#;

const COLUMNS: &str = "fund_id, is_lp, counterparty_id, year, last_date, entries, committed_fen, \
     paid_in_fen, proceeds_fen, distributed_fen, exits, write_offs, mark_date, mark_id, mark_fen";

/// A new mark is the row's latest when it is later by (date, id) than the stored one
/// (every assignment of an UPSERT reads the row as it was).
const NEWER: &str = "(excluded.mark_id IS NOT NULL AND (mark_id IS NULL \
     OR (excluded.mark_date, excluded.mark_id) > (mark_date, mark_id)))";

/// Above this many pending position-years, a long import writes them out early, which
/// bounds the memory they take (about 150 bytes each).
const MAX_PENDING: usize = 200_000;

/// (fund id, is an LP position, investor or company id, year).
pub type YearKey = (i64, bool, i64, i32);

/// What the entries of one transaction add to one row, not yet written.
#[derive(Clone, Debug, Default)]
struct Delta {
    last_date: Option<Date>,
    entries: i64,
    committed: i64,
    paid_in: i64,
    proceeds: i64,
    distributed: i64,
    exits: i64,
    write_offs: i64,
    /// The latest new mark: (date, id, fen).
    mark: Option<(Date, i64, i64)>,
    /// A mark was reversed: the year's latest mark is read back from the journal.
    remark: bool,
}

/// Effects of this transaction's entries on the summary, written by [`Tx::flush_summary`].
#[derive(Default)]
pub(crate) struct Pending {
    rows: FastMap<YearKey, Delta>,
    /// The flow summary's share (store/flow_days.rs).
    days: PendingDays,
}

fn year_key(fund: i64, investor: Option<i64>, company: Option<i64>, date: Date) -> Option<YearKey> {
    let (is_lp, cp) = match (investor, company) {
        (Some(i), _) => (true, i),
        (None, Some(c)) => (false, c),
        (None, None) => return None,
    };
    Some((fund, is_lp, cp, date.year()))
}

/// Add (`sign` = 1) or take away (−1) one entry's effect on its row.
fn apply(d: &mut Delta, sign: i64, kind: EntryKind, fen: i64, detail: Option<&str>) {
    d.entries += sign;
    match kind {
        EntryKind::LpCommit | EntryKind::DealCommit => d.committed += sign * fen,
        EntryKind::LpPay | EntryKind::DealPay => d.paid_in += sign * fen,
        EntryKind::LpDistribute => d.distributed += sign * fen,
        EntryKind::DealProceeds => {
            d.proceeds += sign * fen;
            if detail == Some(ProceedsKind::Exit.as_str()) {
                d.exits += sign;
            }
        }
        EntryKind::DealWriteOff => d.write_offs += sign,
        _ => {}
    }
}

impl Tx<'_> {
    /// Note entry `id`, just inserted, in the pending summary. A reversal takes its
    /// original's effect away (one lookup; reversals are rare).
    pub(super) fn note_in_summary(&self, id: i64, n: &NewEntry) -> Result<()> {
        if let Some(orig) = n.reverses {
            let Some(o) = self.entry(orig)? else {
                return Ok(()); // refused by the foreign key before we get here
            };
            let Some(key) = o
                .fund_id
                .and_then(|f| year_key(f, o.investor_id, o.company_id, o.date))
            else {
                return Ok(());
            };
            let fen = o.amount.map_or(0, crate::money::Money::fen);
            let mut p = self.summary.borrow_mut();
            p.days.note(-1, o.kind, key.0, o.date, fen);
            let d = p.rows.entry(key).or_default();
            if d.last_date.is_none() {
                d.last_date = Some(o.date);
            }
            apply(d, -1, o.kind, fen, o.detail.as_deref());
            if o.kind == EntryKind::DealValue {
                d.remark = true;
            }
        } else {
            let Some(key) = n
                .fund_id
                .and_then(|f| year_key(f, n.investor_id, n.company_id, n.date))
            else {
                return Ok(());
            };
            let date = n.date;
            let fen = n.amount.map_or(0, crate::money::Money::fen);
            let mut p = self.summary.borrow_mut();
            p.days.note(1, n.kind, key.0, date, fen);
            let d = p.rows.entry(key).or_default();
            apply(d, 1, n.kind, fen, n.detail.as_deref());
            if n.kind == EntryKind::DealValue
                && d.mark.is_none_or(|(md, mid, _)| (md, mid) < (date, id))
            {
                d.mark = Some((date, id, fen));
            }
            if d.last_date.is_none_or(|l| date > l) {
                d.last_date = Some(date);
            }
        }
        let pending = {
            let p = self.summary.borrow();
            p.rows.len() + p.days.len()
        };
        if pending > MAX_PENDING {
            self.flush_summary()?;
        }
        Ok(())
    }

    /// Note entry `id`, copied in as stored rather than through `insert_sealed` (the
    /// local replica of a PostgreSQL ledger catching up), exactly as its insert would
    /// have noted it.
    pub fn note_copied_in_summary(&self, id: i64) -> Result<()> {
        let Some(e) = self.entry(id)? else {
            return Ok(());
        };
        let n = NewEntry {
            kind: e.kind,
            date: e.date,
            memo: None,
            fund_id: e.fund_id,
            investor_id: e.investor_id,
            company_id: e.company_id,
            amount: e.amount,
            detail: e.detail,
            reverses: e.reverses,
            loan: Default::default(),
            reinvest_weight: None,
        };
        self.note_in_summary(id, &n)
    }

    /// Write the pending effects into `position_years`. Runs before every commit of a
    /// write and before any read of the summary.
    pub(crate) fn flush_summary(&self) -> Result<()> {
        let (rows, days) = {
            let mut p = self.summary.borrow_mut();
            (std::mem::take(&mut p.rows), std::mem::take(&mut p.days))
        };
        self.flush_flow_days(days)?;
        if rows.is_empty() {
            return Ok(());
        }
        // In key order: neighbouring keys share B-tree pages.
        let mut rows: Vec<(YearKey, Delta)> = rows.into_iter().collect();
        rows.sort_unstable_by_key(|(k, _)| *k);
        let mut upsert = self.conn().prepare_cached(&format!(
            "INSERT INTO position_years ({COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (fund_id, is_lp, counterparty_id, year) DO UPDATE SET
                last_date = max(last_date, excluded.last_date),
                entries = entries + excluded.entries,
                committed_fen = committed_fen + excluded.committed_fen,
                paid_in_fen = paid_in_fen + excluded.paid_in_fen,
                proceeds_fen = proceeds_fen + excluded.proceeds_fen,
                distributed_fen = distributed_fen + excluded.distributed_fen,
                exits = exits + excluded.exits,
                write_offs = write_offs + excluded.write_offs,
                mark_date = CASE WHEN {NEWER} THEN excluded.mark_date ELSE mark_date END,
                mark_id = CASE WHEN {NEWER} THEN excluded.mark_id ELSE mark_id END,
                mark_fen = CASE WHEN {NEWER} THEN excluded.mark_fen ELSE mark_fen END"
        ))?;
        let mut remarks = Vec::new();
        for (k, d) in rows {
            let (md, mid, mfen) = match d.mark {
                Some((md, mid, mfen)) => (Some(md.to_string()), Some(mid), Some(mfen)),
                None => (None, None, None),
            };
            upsert.execute(rusqlite::params![
                k.0,
                k.1,
                k.2,
                k.3,
                d.last_date.map(|d| d.to_string()),
                d.entries,
                d.committed,
                d.paid_in,
                d.proceeds,
                d.distributed,
                d.exits,
                d.write_offs,
                md,
                mid,
                mfen
            ])?;
            if d.remark {
                remarks.push(k);
            }
        }
        for k in remarks {
            self.conn()
                .prepare_cached(
                    "UPDATE position_years SET (mark_date, mark_id, mark_fen) = (
                        SELECT e.effective_date, e.id, e.amount_fen FROM entries e
                        WHERE e.fund_id = ?1 AND e.company_id = ?2 AND e.kind = 'deal-value'
                          AND e.effective_date BETWEEN ?3 AND ?4
                          AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses = e.id)
                        ORDER BY e.effective_date DESC, e.id DESC LIMIT 1)
                     WHERE fund_id = ?1 AND is_lp = 0 AND counterparty_id = ?2 AND year = ?5",
                )?
                .execute(rusqlite::params![
                    k.0,
                    k.2,
                    format!("{:04}-01-01", k.3),
                    format!("{:04}-12-31", k.3),
                    k.3
                ])?;
        }
        Ok(())
    }

    /// Every summary row of a year up to `max_year`, in key order (so each position's
    /// years come together and in order).
    pub fn for_each_position_year(
        &self,
        max_year: i32,
        mut f: impl FnMut(PositionYear) -> Result<()>,
    ) -> Result<()> {
        self.flush_summary()?;
        let sql = format!(
            "SELECT {COLUMNS} FROM position_years WHERE year <= ?1
             ORDER BY fund_id, is_lp, counterparty_id, year"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let mut rows = st.query([max_year])?;
        while let Some(r) = rows.next()? {
            f(position_year(r)?)?;
        }
        Ok(())
    }

    /// Rebuild the summary (position years and flow days) from the journal; returns
    /// the number of rows written to each.
    pub fn rebuild_summary(&self) -> Result<(usize, usize)> {
        *self.summary.borrow_mut() = Pending::default();
        self.conn().execute("DELETE FROM position_years", [])?;
        let years = self.conn().execute(
            &format!("{REBUILD_WITH} INSERT INTO position_years SELECT * FROM expected"),
            [],
        )?;
        Ok((years, self.rebuild_flow_days()?))
    }

    /// Rows where the stored summary and the journal disagree: (stored, expected) for
    /// each key that differs, either side `None` when the row is missing there. At most
    /// `limit` keys; the second value is how many keys differ in all.
    #[allow(clippy::type_complexity)]
    pub fn summary_differences(
        &self,
        limit: usize,
    ) -> Result<(Vec<(Option<PositionYear>, Option<PositionYear>)>, usize)> {
        self.flush_summary()?;
        let sql = format!(
            "{REBUILD_WITH}
             SELECT 0, * FROM (SELECT {COLUMNS} FROM position_years EXCEPT SELECT * FROM expected)
             UNION ALL
             SELECT 1, * FROM (SELECT * FROM expected EXCEPT SELECT {COLUMNS} FROM position_years)
             ORDER BY 2, 3, 4, 5, 1"
        );
        pair_differences(self, &sql, limit, position_year_at, |y| {
            (y.fund_id, y.is_lp, y.counterparty_id, y.year)
        })
    }
}

/// Runs `sql`, whose rows are a flag (1: the journal's side, 0: the stored side) and
/// then a row read by `read`, ordered by key and then flag; pairs the two sides of
/// each key. At most `limit` keys; the second value is how many keys differ in all.
#[allow(clippy::type_complexity)]
pub(super) fn pair_differences<T, K: PartialEq>(
    tx: &Tx<'_>,
    sql: &str,
    limit: usize,
    read: impl Fn(&rusqlite::Row<'_>, usize) -> rusqlite::Result<T>,
    key: impl Fn(&T) -> K,
) -> Result<(Vec<(Option<T>, Option<T>)>, usize)> {
    let mut st = tx.conn().prepare(sql)?;
    let mut rows = st.query([])?;
    let mut out: Vec<(Option<T>, Option<T>)> = Vec::new();
    let mut keys = 0usize;
    let mut last: Option<K> = None;
    while let Some(r) = rows.next()? {
        let expected: bool = r.get(0)?;
        let row = read(r, 1)?;
        let k = key(&row);
        if last.as_ref() != Some(&k) {
            keys += 1;
            last = Some(k);
            if out.len() < limit {
                out.push((None, None));
            } else {
                continue;
            }
        } else if keys > limit {
            continue;
        }
        let slot = out.last_mut().expect("pushed above");
        if expected {
            slot.1 = Some(row);
        } else {
            slot.0 = Some(row);
        }
    }
    Ok((out, keys))
}

fn position_year(r: &rusqlite::Row<'_>) -> rusqlite::Result<PositionYear> {
    position_year_at(r, 0)
}

fn position_year_at(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<PositionYear> {
    let mark_date: Option<String> = r.get(at + 12)?;
    let mark_id: Option<i64> = r.get(at + 13)?;
    let mark_fen: Option<i64> = r.get(at + 14)?;
    Ok(PositionYear {
        fund_id: r.get(at)?,
        is_lp: r.get(at + 1)?,
        counterparty_id: r.get(at + 2)?,
        year: r.get(at + 3)?,
        last_date: r.get(at + 4)?,
        entries: r.get(at + 5)?,
        committed_fen: r.get(at + 6)?,
        paid_in_fen: r.get(at + 7)?,
        proceeds_fen: r.get(at + 8)?,
        distributed_fen: r.get(at + 9)?,
        exits: r.get(at + 10)?,
        write_offs: r.get(at + 11)?,
        mark: match (mark_date, mark_id, mark_fen) {
            (Some(d), Some(i), Some(f)) => Some((d, i, f)),
            _ => None,
        },
    })
}

#[cfg(test)]
mod tests {
    use crate::store::Ledger;

    /// A ledger from before the summary gets it filled from its journal on upgrade,
    /// reversed entries and marks included.
    #[test]
    fn an_upgrade_fills_the_summary_from_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.db");
        crate::testutil::ledger_at_version(
            &path,
            8,
            "(1, 'lp-commit', '2020-01-01', 'x', 'x', 1, 1, NULL, 500, NULL, NULL, NULL, '', printf('%064d', 1)),
                   (2, 'deal-commit', '2020-02-01', 'x', 'x', 1, NULL, 1, 300, NULL, NULL, NULL, '', printf('%064d', 2)),
                   (3, 'deal-value', '2021-03-01', 'x', 'x', 1, NULL, 1, 900, NULL, NULL, NULL, '', printf('%064d', 3)),
                   (4, 'deal-value', '2021-05-01', 'x', 'x', 1, NULL, 1, 700, NULL, NULL, NULL, '', printf('%064d', 4)),
                   (5, 'reversal', '2021-05-01', 'x', 'x', NULL, NULL, NULL, NULL, NULL, 4, 'wrong', '', printf('%064d', 5))",
        );
        let mut l = Ledger::open(&path).unwrap();
        let rows = l
            .read(|tx| {
                let mut rows = Vec::new();
                tx.for_each_position_year(9999, |y| {
                    rows.push(y);
                    Ok(())
                })?;
                Ok(rows)
            })
            .unwrap();
        let got: Vec<_> = rows
            .iter()
            .map(|y| {
                (
                    y.is_lp,
                    y.year,
                    y.entries,
                    y.committed_fen,
                    y.last_date.as_str(),
                    y.mark.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (false, 2020, 1, 300, "2020-02-01", None),
                // Entry 4 is reversed: it counts in last_date, not in the mark.
                (
                    false,
                    2021,
                    1,
                    0,
                    "2021-05-01",
                    Some(("2021-03-01".to_string(), 3, 900))
                ),
                (true, 2020, 1, 500, "2020-01-01", None),
            ]
        );
        let (_, n) = l.read(|tx| tx.summary_differences(10)).unwrap();
        assert_eq!(n, 0);
    }
}
