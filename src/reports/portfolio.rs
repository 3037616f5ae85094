//! `report portfolio`: per fund, LP capital, deals, paid-in ratio, value and proceeds.
//!
//! The total row is *consolidated*: when a fund shown in the report is itself an LP of
//! another fund shown (a guidance fund in its sub-fund), that LP capital is internal
//! to the programme and is left out of the total's LP figures, so government money is
//! not counted twice. Projects in the total are distinct companies.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::book::{Book, ValueBasis};
use crate::date::Date;
use crate::domain::{Fund, FundKind};
use crate::error::{unknown, Result};
use crate::money::{Money, Ratio};
use crate::store::{CodeTable, Ledger};

/// The figures of one row, and of the total.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct PortfolioTotal {
    pub lp_committed: Money,
    pub lp_paid_in: Money,
    pub projects: usize,
    pub deal_committed: Money,
    pub deal_paid_in: Money,
    pub deal_unfunded: Money,
    pub paid_in_ratio: Option<Ratio>,
    pub value: Money,
    pub proceeds: Money,
    /// Holdings never marked, counted at paid-in cost.
    pub unmarked: usize,
    /// Holdings written off or fully exited, counted at 0.
    pub closed: usize,
}

impl PortfolioTotal {
    /// Derive the unfunded amount and the paid-in ratio from the sums.
    fn close(&mut self) {
        self.deal_unfunded = self.deal_committed - self.deal_paid_in;
        self.paid_in_ratio = Ratio::of(self.deal_paid_in, self.deal_committed);
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PortfolioRow {
    pub code: String,
    pub name: String,
    pub kind: FundKind,
    pub parent: Option<String>,
    #[serde(flatten)]
    pub figures: PortfolioTotal,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Portfolio {
    pub as_of: Date,
    pub funds: Vec<PortfolioRow>,
    pub total: PortfolioTotal,
}

/// The funds a report covers: all, or `code` and its descendants (sub-funds, and
/// their own sub-funds if any), parents before children.
pub fn scope(funds: &[Fund], code: Option<&str>) -> Option<Vec<Fund>> {
    let Some(code) = code else {
        return Some(funds.to_vec());
    };
    let root = funds.iter().find(|f| f.code == code)?;
    let mut ids: Vec<i64> = vec![root.id];
    let mut i = 0;
    while i < ids.len() {
        let id = ids[i];
        // Each fund once, even if a file edited outside fundledger had a parent cycle
        // (`Tx::funds` refuses such a file; this never loops either way).
        let children: Vec<i64> = funds
            .iter()
            .filter(|f| f.parent_id == Some(id) && !ids.contains(&f.id))
            .map(|f| f.id)
            .collect();
        ids.extend(children);
        i += 1;
    }
    Some(
        ids.iter()
            .filter_map(|id| funds.iter().find(|f| f.id == *id).cloned())
            .collect(),
    )
}

/// Reference data and positions as of a date, read in one snapshot.
pub struct Snapshot {
    pub funds: Vec<Fund>,
    /// Investor id → the fund that investor is, if it is one.
    pub inv_fund: HashMap<i64, Option<i64>>,
    pub book: Book,
}

/// Build the book of positions as of `as_of`, with one streaming query.
pub fn book_as_of(ledger: &mut Ledger, as_of: Date) -> Result<Snapshot> {
    ledger.read(|tx| {
        let funds = tx.funds()?;
        let inv_fund = tx
            .investors()?
            .into_iter()
            .map(|i| (i.id, i.fund_id))
            .collect();
        let mut book = Book::default();
        tx.for_each_effective(as_of, |e| {
            book.apply(&e);
            Ok(())
        })?;
        Ok(Snapshot {
            funds,
            inv_fund,
            book,
        })
    })
}

pub fn portfolio(ledger: &mut Ledger, as_of: Date, fund: Option<&str>) -> Result<Portfolio> {
    let snap = book_as_of(ledger, as_of)?;
    let shown = match scope(&snap.funds, fund) {
        Some(s) => s,
        None => {
            let code = fund.unwrap_or_default();
            let codes = ledger.read(|tx| tx.codes(CodeTable::Funds))?;
            return Err(unknown("fund", code, codes));
        }
    };
    Ok(build(as_of, &shown, &snap.inv_fund, &snap.book))
}

/// Pure assembly of the report from a book.
pub fn build(
    as_of: Date,
    shown: &[Fund],
    inv_fund: &HashMap<i64, Option<i64>>,
    book: &Book,
) -> Portfolio {
    let shown_ids: HashSet<i64> = shown.iter().map(|f| f.id).collect();
    let mut rows = Vec::with_capacity(shown.len());
    let mut t = PortfolioTotal::default();
    let mut companies: BTreeSet<i64> = BTreeSet::new();
    for f in shown {
        let mut r = PortfolioTotal::default();
        for ((_, inv), p) in book.lps.range((f.id, i64::MIN)..=(f.id, i64::MAX)) {
            r.lp_committed += p.committed;
            r.lp_paid_in += p.paid_in;
            let internal = inv_fund
                .get(inv)
                .copied()
                .flatten()
                .is_some_and(|fid| shown_ids.contains(&fid));
            if !internal {
                t.lp_committed += p.committed;
                t.lp_paid_in += p.paid_in;
            }
        }
        for ((_, company), h) in book.holdings.range((f.id, i64::MIN)..=(f.id, i64::MAX)) {
            if !h.committed.is_zero() {
                r.projects += 1;
                companies.insert(*company);
            }
            r.deal_committed += h.committed;
            r.deal_paid_in += h.paid_in;
            r.proceeds += h.proceeds;
            let (v, basis) = h.value();
            r.value += v;
            match basis {
                ValueBasis::Cost => r.unmarked += 1,
                ValueBasis::Closed => r.closed += 1,
                ValueBasis::Mark => {}
            }
        }
        r.close();
        t.deal_committed += r.deal_committed;
        t.deal_paid_in += r.deal_paid_in;
        t.value += r.value;
        t.proceeds += r.proceeds;
        t.unmarked += r.unmarked;
        t.closed += r.closed;
        rows.push(PortfolioRow {
            code: f.code.clone(),
            name: f.name.clone(),
            kind: f.kind,
            parent: f.parent.clone(),
            figures: r,
        });
    }
    t.projects = companies.len();
    t.close();
    Portfolio {
        as_of,
        funds: rows,
        total: t,
    }
}
