//! Positions folded from journal entries: what each fund holds in each company and
//! what each LP has committed to and paid into each fund, as of a date.
//!
//! Pure: fed entries in (date, id) order by whoever reads storage.

use std::collections::BTreeMap;

use crate::date::Date;
use crate::domain::{Entry, EntryKind, ProceedsKind};
use crate::money::Money;

/// A fund's position in one company.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holding {
    pub committed: Money,
    pub paid_in: Money,
    pub proceeds: Money,
    /// Latest valuation mark: (date, amount).
    pub mark: Option<(Date, Money)>,
    pub written_off: bool,
    pub exited: bool,
}

/// How a holding's value was arrived at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueBasis {
    /// The latest valuation mark.
    Mark,
    /// Never marked: counted at paid-in cost (flagged in reports).
    Cost,
    /// Written off or fully exited: worth 0.
    Closed,
}

impl Holding {
    /// Value as of the fold's date: latest mark; never marked → paid-in cost;
    /// written off or fully exited → 0.
    pub fn value(&self) -> (Money, ValueBasis) {
        if self.written_off || self.exited {
            (Money::ZERO, ValueBasis::Closed)
        } else if let Some((_, m)) = self.mark {
            (m, ValueBasis::Mark)
        } else {
            (self.paid_in, ValueBasis::Cost)
        }
    }
    pub fn unfunded(&self) -> Money {
        self.committed - self.paid_in
    }
}

/// An LP's position in one fund.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LpPosition {
    pub committed: Money,
    pub paid_in: Money,
    pub distributed: Money,
}

/// All positions, keyed by (fund id, company id) and (fund id, investor id).
#[derive(Clone, Debug, Default)]
pub struct Book {
    pub holdings: BTreeMap<(i64, i64), Holding>,
    pub lps: BTreeMap<(i64, i64), LpPosition>,
}

impl Book {
    /// Apply one effective entry. Entries must arrive in (date, id) order so that the
    /// last mark applied is the latest.
    pub fn apply(&mut self, e: &Entry) {
        let amount = e.amount.unwrap_or(Money::ZERO);
        match (e.fund_id, e.investor_id, e.company_id) {
            (Some(f), Some(i), _) => {
                let p = self.lps.entry((f, i)).or_default();
                match e.kind {
                    EntryKind::LpCommit => p.committed += amount,
                    EntryKind::LpPay => p.paid_in += amount,
                    EntryKind::LpDistribute => p.distributed += amount,
                    _ => {}
                }
            }
            (Some(f), None, Some(c)) => {
                let h = self.holdings.entry((f, c)).or_default();
                match e.kind {
                    EntryKind::DealCommit => h.committed += amount,
                    EntryKind::DealPay => h.paid_in += amount,
                    EntryKind::DealValue => h.mark = Some((e.date, amount)),
                    EntryKind::DealProceeds => {
                        h.proceeds += amount;
                        if e.detail.as_deref() == Some(ProceedsKind::Exit.as_str()) {
                            h.exited = true;
                        }
                    }
                    EntryKind::DealWriteOff => h.written_off = true,
                    _ => {}
                }
            }
            _ => {}
        }
    }
}
