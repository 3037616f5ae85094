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

/// One row of the position summary (`position_years`, store/summary.rs): what a
/// position's effective entries dated in one calendar year add up to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PositionYear {
    pub fund_id: i64,
    pub is_lp: bool,
    pub counterparty_id: i64,
    pub year: i32,
    /// Latest effective date of any non-reversal entry of the year, reversed or not:
    /// a report as of a date on or after it can take the row whole.
    pub last_date: String,
    /// Effective entries (not reversed).
    pub entries: i64,
    pub committed_fen: i64,
    pub paid_in_fen: i64,
    pub proceeds_fen: i64,
    pub distributed_fen: i64,
    pub exits: i64,
    pub write_offs: i64,
    /// The year's latest effective valuation: (date, entry id, fen).
    pub mark: Option<(String, i64, i64)>,
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

    /// Add one summary row: the same as applying that year's effective entries. A
    /// position's rows must come in year order (the last mark added is the latest),
    /// and before any entry of a later date is applied. A row with no effective entry
    /// adds nothing, as its entries (all reversed) would.
    pub fn add_year(&mut self, y: &PositionYear) {
        if y.entries == 0 {
            return;
        }
        if y.is_lp {
            let p = self.lps.entry((y.fund_id, y.counterparty_id)).or_default();
            add_fen(&mut p.committed, y.committed_fen);
            add_fen(&mut p.paid_in, y.paid_in_fen);
            add_fen(&mut p.distributed, y.distributed_fen);
        } else {
            let h = self
                .holdings
                .entry((y.fund_id, y.counterparty_id))
                .or_default();
            add_fen(&mut h.committed, y.committed_fen);
            add_fen(&mut h.paid_in, y.paid_in_fen);
            add_fen(&mut h.proceeds, y.proceeds_fen);
            if let Some((date, _, fen)) = &y.mark {
                if let Ok(d) = date.parse::<Date>() {
                    h.mark = Some((d, Money::from_fen(*fen)));
                }
            }
            h.exited |= y.exits > 0;
            h.written_off |= y.write_offs > 0;
        }
    }
}

/// Add a summary sum the way applying its entries would: nothing when there were none
/// (so a figure no entry touched stays `Money::ZERO`, exactly as in a replay, down to
/// the decimal scale it prints with).
fn add_fen(m: &mut Money, fen: i64) {
    if fen != 0 {
        *m += Money::from_fen(fen);
    }
}
