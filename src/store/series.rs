//! Time series for charts: deal paid-in summed per fund and month.

use super::journal::EFFECTIVE;
use super::Tx;
use crate::date::Date;
use crate::error::Result;
use crate::money::Money;

/// Deal paid-in (`deal-pay`) of one fund in one calendar month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MonthlyPaidIn {
    /// `YYYY-MM`.
    pub month: String,
    pub fund_id: i64,
    pub paid_in: Money,
}

impl Tx<'_> {
    /// Effective deal paid-in dated on or before `as_of`, per month and fund, in month
    /// order: one grouped query, integer fen sums (exact).
    pub fn deal_paid_in_by_month(&self, as_of: Date) -> Result<Vec<MonthlyPaidIn>> {
        let sql = format!(
            "SELECT substr(e.effective_date, 1, 7), e.fund_id, SUM(e.amount_fen)
             FROM entries e
             WHERE e.kind = 'deal-pay' AND e.effective_date <= ?1 AND {EFFECTIVE}
             GROUP BY 1, 2 ORDER BY 1, 2"
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st.query_map([as_of.to_string()], |r| {
            Ok(MonthlyPaidIn {
                month: r.get(0)?,
                fund_id: r.get(1)?,
                paid_in: Money::from_fen(r.get(2)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
