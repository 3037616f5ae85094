//! The flow summary (`fund_flow_days`, schema version 12): per fund and effective
//! date, what its effective deal payments, deal proceeds, LP payments and LP
//! distributions add up to. `report returns --by fund` solves each fund's XIRRs from
//! it instead of reading every entry: the solver sums a series per date exactly before
//! it starts (xirr.rs), so the per-day sums give the very same answer.
//!
//! Kept like the position summary (store/summary.rs), in the same pending set and the
//! same flush: noted by `Tx::insert_sealed` for every entry, written before the
//! transaction commits or before any read; `audit` recomputes it from the journal and
//! `reindex` rebuilds it. A day whose entries were all reversed has no row.
//!
//! Architecture Invariant: written only here, from entries inserted in the same
//! transaction, or rebuilt from the whole journal.

use super::returns::iso_date;
use super::{FastMap, Tx};
use crate::date::Date;
use crate::domain::EntryKind;
use crate::error::Result;

/// The rows of `fund_flow_days` as the journal says they should be (the fill of
/// migration 12, kept here as the definition `reindex` and `audit` use). A stored
/// amount no entry could have (audit names it as a bad row) counts as nothing here
/// rather than overflowing the sum and stopping the audit that is to name it.
fn expected() -> String {
    let max = crate::money::MAX_INPUT_YUAN * 100;
    format!(
        "SELECT fund_id, effective_date,
           sum(CASE WHEN kind = 'deal-pay' THEN fen ELSE 0 END),
           sum(CASE WHEN kind = 'deal-proceeds' THEN fen ELSE 0 END),
           sum(CASE WHEN kind = 'lp-pay' THEN fen ELSE 0 END),
           sum(CASE WHEN kind = 'lp-distribute' THEN fen ELSE 0 END)
         FROM (SELECT e.fund_id, e.effective_date, e.kind,
                      CASE WHEN e.amount_fen BETWEEN 1 AND {max} THEN e.amount_fen ELSE 0 END AS fen
               FROM entries e LEFT JOIN entries r ON r.reverses = e.id
               WHERE e.kind IN ('deal-pay', 'deal-proceeds', 'lp-pay', 'lp-distribute')
                 AND r.id IS NULL)
         GROUP BY fund_id, effective_date"
    )
}

const COLUMNS: &str =
    "fund_id, day, deal_paid_fen, deal_proceeds_fen, lp_paid_fen, lp_distributed_fen";

/// One fund's cash flows on one day, in fen, each side summed apart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FlowDay {
    pub fund_id: i64,
    pub day: Date,
    /// `deal-pay`: the fund paid companies (out of the fund).
    pub deal_paid: i64,
    /// `deal-proceeds`: companies paid the fund.
    pub deal_proceeds: i64,
    /// `lp-pay`: LPs paid the fund (out of the LPs' pockets).
    pub lp_paid: i64,
    /// `lp-distribute`: the fund paid its LPs.
    pub lp_distributed: i64,
}

impl FlowDay {
    /// Which of the four sums (in the order of [`FlowDay::sums`]) an entry kind adds to.
    pub fn slot(kind: EntryKind) -> Option<usize> {
        match kind {
            EntryKind::DealPay => Some(0),
            EntryKind::DealProceeds => Some(1),
            EntryKind::LpPay => Some(2),
            EntryKind::LpDistribute => Some(3),
            _ => None,
        }
    }

    /// Deal paid, deal proceeds, LP paid, LP distributed.
    pub fn sums(&self) -> [i64; 4] {
        [
            self.deal_paid,
            self.deal_proceeds,
            self.lp_paid,
            self.lp_distributed,
        ]
    }
}

/// This transaction's effects on `fund_flow_days`, not yet written.
#[derive(Default)]
pub(crate) struct PendingDays(FastMap<(i64, Date), [i64; 4]>);

impl PendingDays {
    /// Add (`sign` = 1) or take away (−1) one entry's amount.
    pub(crate) fn note(&mut self, sign: i64, kind: EntryKind, fund: i64, day: Date, fen: i64) {
        if let Some(i) = FlowDay::slot(kind) {
            self.0.entry((fund, day)).or_default()[i] += sign * fen;
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }
}

fn flow_day(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<FlowDay> {
    let day = match r.get_ref(at + 1)? {
        rusqlite::types::ValueRef::Text(t) => iso_date(at + 1, t)?,
        _ => iso_date(at + 1, b"")?,
    };
    Ok(FlowDay {
        fund_id: r.get(at)?,
        day,
        deal_paid: r.get(at + 2)?,
        deal_proceeds: r.get(at + 3)?,
        lp_paid: r.get(at + 4)?,
        lp_distributed: r.get(at + 5)?,
    })
}

impl Tx<'_> {
    /// Write `pending` into `fund_flow_days` (called by `flush_summary`).
    pub(super) fn flush_flow_days(&self, pending: PendingDays) -> Result<()> {
        if pending.0.is_empty() {
            return Ok(());
        }
        let mut rows: Vec<((i64, Date), [i64; 4])> = pending.0.into_iter().collect();
        rows.sort_unstable_by_key(|(k, _)| *k);
        let mut upsert = self.conn().prepare_cached(&format!(
            "INSERT INTO fund_flow_days ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (fund_id, day) DO UPDATE SET
                deal_paid_fen = deal_paid_fen + excluded.deal_paid_fen,
                deal_proceeds_fen = deal_proceeds_fen + excluded.deal_proceeds_fen,
                lp_paid_fen = lp_paid_fen + excluded.lp_paid_fen,
                lp_distributed_fen = lp_distributed_fen + excluded.lp_distributed_fen"
        ))?;
        for ((fund, day), s) in rows {
            if s == [0; 4] {
                continue; // an entry and its reversal in one transaction
            }
            let day = day.to_string();
            upsert.execute(rusqlite::params![fund, day, s[0], s[1], s[2], s[3]])?;
            // Only a reversal takes away; a day it empties has no row, as in a rebuild.
            if s.iter().any(|v| *v < 0) {
                self.conn()
                    .prepare_cached(
                        "DELETE FROM fund_flow_days WHERE fund_id = ?1 AND day = ?2
                           AND deal_paid_fen = 0 AND deal_proceeds_fen = 0
                           AND lp_paid_fen = 0 AND lp_distributed_fen = 0",
                    )?
                    .execute(rusqlite::params![fund, day])?;
            }
        }
        Ok(())
    }

    /// Every fund's flow days up to `as_of`, by fund and day.
    pub fn for_each_flow_day(
        &self,
        as_of: Date,
        mut f: impl FnMut(FlowDay) -> Result<()>,
    ) -> Result<()> {
        self.flush_summary()?;
        let mut st = self.conn().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM fund_flow_days WHERE day <= ?1 ORDER BY fund_id, day"
        ))?;
        let mut rows = st.query([as_of.to_string()])?;
        while let Some(r) = rows.next()? {
            f(flow_day(r, 0)?)?;
        }
        Ok(())
    }

    /// Rebuild `fund_flow_days` from the journal; returns the number of rows.
    pub(super) fn rebuild_flow_days(&self) -> Result<usize> {
        self.conn().execute("DELETE FROM fund_flow_days", [])?;
        Ok(self
            .conn()
            .execute(&format!("INSERT INTO fund_flow_days {}", expected()), [])?)
    }

    /// Flow days where the stored summary and the journal disagree, as
    /// [`Tx::summary_differences`] gives position years.
    #[allow(clippy::type_complexity)]
    pub fn flow_day_differences(
        &self,
        limit: usize,
    ) -> Result<(Vec<(Option<FlowDay>, Option<FlowDay>)>, usize)> {
        self.flush_summary()?;
        let sql = format!(
            "WITH expected AS ({})
             SELECT 0, * FROM (SELECT {COLUMNS} FROM fund_flow_days EXCEPT SELECT * FROM expected)
             UNION ALL
             SELECT 1, * FROM (SELECT * FROM expected EXCEPT SELECT {COLUMNS} FROM fund_flow_days)
             ORDER BY 2, 3, 1",
            expected()
        );
        super::summary::pair_differences(self, &sql, limit, flow_day, |d| (d.fund_id, d.day))
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Ledger;

    /// Upgrading to version 12 fills the flow summary from the journal: same-day flows
    /// summed per side, a reversed entry left out, and a day left with nothing absent.
    #[test]
    fn an_upgrade_fills_the_flow_summary_from_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("l.db");
        crate::testutil::ledger_at_version(
            &path,
            11,
            "(1, 'lp-pay', '2020-01-01', 'x', 'x', 1, 1, NULL, 500, NULL, NULL, NULL, '', printf('%064d', 1)),
                   (2, 'deal-pay', '2020-01-01', 'x', 'x', 1, NULL, 1, 300, NULL, NULL, NULL, '', printf('%064d', 2)),
                   (3, 'deal-pay', '2020-01-01', 'x', 'x', 1, NULL, 1, 200, NULL, NULL, NULL, '', printf('%064d', 3)),
                   (4, 'deal-value', '2020-06-01', 'x', 'x', 1, NULL, 1, 900, NULL, NULL, NULL, '', printf('%064d', 4)),
                   (5, 'deal-proceeds', '2021-01-01', 'x', 'x', 1, NULL, 1, 100, 'dividend', NULL, NULL, '', printf('%064d', 5)),
                   (6, 'reversal', '2021-01-02', 'x', 'x', NULL, NULL, NULL, NULL, NULL, 5, 'wrong', '', printf('%064d', 6))",
        );
        let mut l = Ledger::open(&path).unwrap();
        let days = l
            .read(|tx| {
                let mut days = Vec::new();
                tx.for_each_flow_day("2030-01-01".parse().unwrap(), |d| {
                    days.push((
                        d.day.to_string(),
                        d.deal_paid,
                        d.deal_proceeds,
                        d.lp_paid,
                        d.lp_distributed,
                    ));
                    Ok(())
                })?;
                Ok(days)
            })
            .unwrap();
        // 300 + 200 paid to C and 500 paid in by I on 2020-01-01; the valuation is no
        // flow; the 2021 proceeds are reversed.
        assert_eq!(days, [("2020-01-01".to_string(), 500, 0, 500, 0)]);
        let (_, n) = l.read(|tx| tx.flow_day_differences(10)).unwrap();
        assert_eq!(n, 0);
    }
}
