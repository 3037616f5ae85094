//! The distribution rules (`distributions.rs`) applied to writes: a new `lp-distribute`
//! entry, and reversals that take away what a distribution rested on (a commitment,
//! proceeds, or a distribution a fund received as an LP).

use crate::distributions::{self, DistributionViolation};
use crate::domain::{Entry, EntryKind};
use crate::error::{Error, Result};
use crate::store::Tx;

fn code_of_fund(tx: &Tx<'_>, id: i64) -> Result<String> {
    Ok(tx
        .fund_by_id(id)?
        .map(|f| f.code)
        .unwrap_or_else(|| format!("#{id}")))
}

fn refusal(tx: &Tx<'_>, v: &DistributionViolation, fund_id: i64, what: &str) -> Result<Error> {
    let fund = code_of_fund(tx, fund_id)?;
    let message = match v {
        DistributionViolation::NotAnLp { date, committed } => format!(
            "{what}: the investor has no commitment to fund '{fund}' as of {date} (committed {committed}); \
             only an LP of the fund receives its distributions"
        ),
        DistributionViolation::ExceedsProceeds { date, proceeds, distributed } => format!(
            "{what}: fund '{fund}' would have distributed {distributed} to its LPs by {date} but received only \
             {proceeds} in proceeds by then (deal proceeds and distributions from funds it is an LP of), \
             over by {}",
            *distributed - *proceeds
        ),
    };
    Ok(Error::refused(v.rule(), message))
}

/// Rules for a candidate `lp-distribute` entry (not yet appended).
pub(crate) fn check_new(tx: &Tx<'_>, candidate: &Entry, what: &str) -> Result<()> {
    if candidate.kind != EntryKind::LpDistribute {
        return Ok(());
    }
    let (Some(fund), Some(investor)) = (candidate.fund_id, candidate.investor_id) else {
        return Ok(());
    };
    let mut lp = tx.lp_entries(fund, investor)?;
    lp.push(candidate.clone());
    if let Err(v) = distributions::check_lp(&lp) {
        return Err(refusal(tx, &v, fund, what)?);
    }
    let mut events = tx.fund_cash_events(fund)?;
    events.push(candidate.clone());
    if let Err(v) = distributions::check_fund(fund, &events) {
        return Err(refusal(tx, &v, fund, what)?);
    }
    Ok(())
}

/// Rules that reversing `removed` could break.
pub(crate) fn check_removal(tx: &Tx<'_>, removed: &Entry, what: &str) -> Result<()> {
    let without =
        |v: Vec<Entry>| -> Vec<Entry> { v.into_iter().filter(|e| e.id != removed.id).collect() };
    match (removed.kind, removed.fund_id, removed.investor_id) {
        (EntryKind::LpCommit, Some(fund), Some(investor)) => {
            if let Err(v) = distributions::check_lp(&without(tx.lp_entries(fund, investor)?)) {
                return Err(refusal(tx, &v, fund, what)?);
            }
        }
        (EntryKind::DealProceeds, Some(fund), _) => {
            if let Err(v) = distributions::check_fund(fund, &without(tx.fund_cash_events(fund)?)) {
                return Err(refusal(tx, &v, fund, what)?);
            }
        }
        (EntryKind::LpDistribute, _, Some(investor)) => {
            // The receiving side: a fund that is this LP loses proceeds.
            if let Some(receiver) = tx.investor_fund(investor)? {
                if let Err(v) =
                    distributions::check_fund(receiver, &without(tx.fund_cash_events(receiver)?))
                {
                    return Err(refusal(tx, &v, receiver, what)?);
                }
            }
        }
        _ => {}
    }
    Ok(())
}
