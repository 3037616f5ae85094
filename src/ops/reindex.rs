//! `reindex`: rebuild the derived summaries (positions and flow days) from the journal, in one
//! transaction (store/summary.rs). Nothing in the journal changes.

use serde::Serialize;

use crate::error::Result;
use crate::store::Ledger;

#[derive(Clone, Debug, Serialize)]
pub struct Reindexed {
    /// Position-summary rows written (one per position and year).
    pub rows: usize,
    /// Flow-summary rows written (one per fund and day with cash flows).
    pub flow_days: usize,
    /// Rows of either that differed from the journal before the rebuild.
    pub differed: usize,
}

pub fn reindex(ledger: &mut Ledger, actor: &str) -> Result<Reindexed> {
    ledger.write(actor, |tx| {
        let (_, years_differed) = tx.summary_differences(0)?;
        let (_, days_differed) = tx.flow_day_differences(0)?;
        let (rows, flow_days) = tx.rebuild_summary()?;
        Ok(Reindexed {
            rows,
            flow_days,
            differed: years_differed + days_differed,
        })
    })
}
