//! Rules for distributions to LPs (`lp-distribute`), as pure functions over whole
//! histories (see `rules.rs` for why whole histories).
//!
//! 1. `not-an-lp`: a distribution goes only to an investor with a commitment to the
//!    fund at the end of the distribution's day. Reversing that commitment later is
//!    refused for the same reason.
//! 2. `distribution-exceeds-proceeds`: at the end of every day, what a fund has
//!    distributed to its LPs in total never exceeds what it has received back in
//!    proceeds: deal proceeds from its holdings plus distributions it received as an LP
//!    of other funds. A fund pays LPs out of realisations, not out of LP capital; the
//!    split into return of capital and gain (`--kind`) classifies what is paid, it does
//!    not create another source. Back-dated distributions and reversals of proceeds are
//!    checked against the same rule.

use crate::date::Date;
use crate::domain::{Entry, EntryKind};
use crate::money::Money;

/// Kinds of distribution an `lp-distribute` entry may carry in `detail`.
pub const DISTRIBUTION_KINDS: &[&str] = &["return-of-capital", "gain"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DistributionViolation {
    /// A distribution on `date` to an investor with nothing committed by then.
    NotAnLp { date: Date, committed: Money },
    /// By the end of `date` the fund has distributed more than it received.
    ExceedsProceeds {
        date: Date,
        proceeds: Money,
        distributed: Money,
    },
}

impl DistributionViolation {
    pub fn rule(&self) -> &'static str {
        match self {
            DistributionViolation::NotAnLp { .. } => "not-an-lp",
            DistributionViolation::ExceedsProceeds { .. } => "distribution-exceeds-proceeds",
        }
    }
}

/// One LP position's history: every distribution falls on a day when the LP has a
/// commitment (end-of-day, so a commitment made that same day counts).
pub fn check_lp(entries: &[Entry]) -> Result<(), DistributionViolation> {
    let mut dist_dates: Vec<Date> = entries
        .iter()
        .filter(|e| e.kind == EntryKind::LpDistribute)
        .map(|e| e.date)
        .collect();
    dist_dates.sort();
    for date in dist_dates {
        let committed: Money = entries
            .iter()
            .filter(|e| e.kind == EntryKind::LpCommit && e.date <= date)
            .filter_map(|e| e.amount)
            .sum();
        if !committed.is_positive() {
            return Err(DistributionViolation::NotAnLp { date, committed });
        }
    }
    Ok(())
}

/// A fund's cash events: `entries` holds its deal proceeds and distributions paid
/// (`fund_id == fund`) and distributions it received as an LP (any other fund id).
pub fn check_fund(fund: i64, entries: &[Entry]) -> Result<(), DistributionViolation> {
    // (date, inflow?, amount); inflows first within a day: end-of-day totals.
    let mut events: Vec<(Date, bool, Money)> = entries
        .iter()
        .filter_map(|e| {
            let amount = e.amount?;
            match e.kind {
                EntryKind::DealProceeds if e.fund_id == Some(fund) => Some((e.date, true, amount)),
                EntryKind::LpDistribute if e.fund_id == Some(fund) => Some((e.date, false, amount)),
                EntryKind::LpDistribute => Some((e.date, true, amount)),
                _ => None,
            }
        })
        .collect();
    events.sort_by_key(|(d, inflow, _)| (*d, !*inflow));
    let (mut proceeds, mut distributed) = (Money::ZERO, Money::ZERO);
    for (i, (date, inflow, amount)) in events.iter().enumerate() {
        if *inflow {
            proceeds += *amount;
        } else {
            distributed += *amount;
        }
        let end_of_day = events.get(i + 1).is_none_or(|n| n.0 != *date);
        if end_of_day && distributed > proceeds {
            return Err(DistributionViolation::ExceedsProceeds {
                date: *date,
                proceeds,
                distributed,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;

    fn e(id: i64, kind: EntryKind, fund: i64, date: &str, yuan: i64) -> Entry {
        Entry {
            id,
            kind,
            date: parse_date(date).unwrap(),
            recorded_at: String::new(),
            recorded_by: String::new(),
            memo: None,
            fund_id: Some(fund),
            investor_id: None,
            company_id: None,
            amount: Some(Money::yuan(yuan)),
            detail: None,
            reverses: None,
            loan: Default::default(),
            reinvest_weight: None,
        }
    }
    use EntryKind::*;

    #[test]
    fn lp_needs_a_commitment_by_the_day() {
        let h = vec![
            e(1, LpCommit, 1, "2021-01-10", 100),
            e(2, LpDistribute, 1, "2021-01-10", 5),
        ];
        assert_eq!(check_lp(&h), Ok(()));
        let h = vec![
            e(1, LpCommit, 1, "2021-01-10", 100),
            e(2, LpDistribute, 1, "2021-01-09", 5),
        ];
        assert_eq!(check_lp(&h).unwrap_err().rule(), "not-an-lp");
    }

    #[test]
    fn distributions_within_proceeds_at_every_date() {
        // Proceeds 100 on 03-01 and 50 on 06-01 (received from a sub-fund, fund id 2).
        let mut h = vec![
            e(1, DealProceeds, 1, "2021-03-01", 100),
            e(2, LpDistribute, 2, "2021-06-01", 50),
        ];
        h.push(e(3, LpDistribute, 1, "2021-03-01", 100)); // same day: fine
        assert_eq!(check_fund(1, &h), Ok(()));
        h.push(e(4, LpDistribute, 1, "2021-05-01", 1)); // 101 > 100 on 05-01
        assert_eq!(
            check_fund(1, &h),
            Err(DistributionViolation::ExceedsProceeds {
                date: parse_date("2021-05-01").unwrap(),
                proceeds: Money::yuan(100),
                distributed: Money::yuan(101)
            })
        );
        // Dated after the second inflow instead: 101 ≤ 150.
        h.pop();
        h.push(e(4, LpDistribute, 1, "2021-06-01", 50));
        assert_eq!(check_fund(1, &h), Ok(()));
    }
}
