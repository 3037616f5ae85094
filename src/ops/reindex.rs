//! `reindex`: rebuild the derived position summary from the journal, in one
//! transaction (store/summary.rs). Nothing in the journal changes.

use serde::Serialize;

use crate::error::Result;
use crate::store::Ledger;

#[derive(Clone, Debug, Serialize)]
pub struct Reindexed {
    /// Summary rows written (one per position and year).
    pub rows: usize,
    /// Summary rows that differed from the journal before the rebuild.
    pub differed: usize,
}

pub fn reindex(ledger: &mut Ledger, actor: &str) -> Result<Reindexed> {
    ledger.write(actor, |tx| {
        let (_, differed) = tx.summary_differences(0)?;
        let rows = tx.rebuild_summary()?;
        Ok(Reindexed { rows, differed })
    })
}
