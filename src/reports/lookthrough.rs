//! 穿透 (look-through): what a guidance fund's money is actually invested in.
//!
//! A fund's stake in another fund is its share of that fund's LP **paid-in** capital as
//! of the date: `holder paid-in ÷ all LPs' paid-in`. Why paid-in and not commitments:
//! the holdings were bought with money actually paid in, and a commitment not yet called
//! owns nothing. Distributions do not reduce paid-in (it is cumulative), so the share is
//! stable across a fund's life unless LPs pay in unevenly. The holder's look-through
//! amount of a sub-fund's holding is `amount × stake`, computed by [`Money::pro_rata`]
//! (exact, one rounding to the fen, half away from zero); direct holdings count in full.
//! One level: the funds the holder is an LP of, not their own fund investments.
//!
//! The functions here are pure and work on ids, so other reports (returns, for one) can
//! apply the same stakes to their own figures: [`stakes`] gives each stake and
//! [`Stake::apply`] scales any amount by it.

use std::collections::HashMap;

use serde::Serialize;

use crate::book::{Book, ValueBasis};
use crate::date::Date;
use crate::domain::{Company, Fund, FundKind};
use crate::error::{unknown, Error, Result};
use crate::money::{Money, Ratio};
use crate::reports::portfolio::scope;
use crate::store::Ledger;

/// A holder fund's stake in one fund, by paid-in capital.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stake {
    /// The fund the holder is an LP of.
    pub fund_id: i64,
    /// The holder's paid-in to that fund (numerator).
    pub holder_paid_in: Money,
    /// All LPs' paid-in to that fund (denominator).
    pub fund_paid_in: Money,
}

impl Stake {
    /// `holder_paid_in ÷ fund_paid_in`; `None` when nobody has paid in.
    pub fn share(&self) -> Option<Ratio> {
        Ratio::of(self.holder_paid_in, self.fund_paid_in)
    }
    /// The holder's part of `amount` (rounded once to the fen); `None` when the share is.
    pub fn apply(&self, amount: Money) -> Option<Money> {
        amount.pro_rata(self.holder_paid_in, self.fund_paid_in)
    }
}

/// The investor id under which fund `holder` acts as an LP, from the investor → fund
/// map that `reports::portfolio::book_as_of` returns.
fn holder_investor(investor_fund: &HashMap<i64, Option<i64>>, holder: i64) -> Option<i64> {
    investor_fund
        .iter()
        .find(|(_, f)| **f == Some(holder))
        .map(|(i, _)| *i)
}

/// Every stake of fund `holder` as of the book's date, in fund id order: one per fund
/// it has committed to or paid into as an LP.
pub fn stakes(book: &Book, investor_fund: &HashMap<i64, Option<i64>>, holder: i64) -> Vec<Stake> {
    let Some(inv) = holder_investor(investor_fund, holder) else {
        return Vec::new();
    };
    book.lps
        .iter()
        .filter(|((_, i), p)| *i == inv && !(p.committed.is_zero() && p.paid_in.is_zero()))
        .map(|((f, _), p)| Stake {
            fund_id: *f,
            holder_paid_in: p.paid_in,
            fund_paid_in: book
                .lps
                .range((*f, i64::MIN)..=(*f, i64::MAX))
                .map(|(_, q)| q.paid_in)
                .sum(),
        })
        .collect()
}

/// One holding seen through: the holder's part of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub company_id: i64,
    /// The fund that holds the company; `None` for the holder's own (direct) holding.
    pub via: Option<i64>,
    /// 1 for a direct holding, else the stake.
    pub share: Ratio,
    pub committed: Money,
    pub paid_in: Money,
    pub value: Money,
    pub proceeds: Money,
    pub basis: ValueBasis,
}

/// The holder's direct holdings in full, then its part of each holding of every fund it
/// has a stake in. Funds where its share is zero or undefined add no lines (see
/// [`stakes`] for why).
pub fn lines(book: &Book, investor_fund: &HashMap<i64, Option<i64>>, holder: i64) -> Vec<Line> {
    let mut out = Vec::new();
    let mut push = |fund: i64, via: Option<i64>, share: Ratio, scale: &dyn Fn(Money) -> Money| {
        for ((_, company), h) in book.holdings.range((fund, i64::MIN)..=(fund, i64::MAX)) {
            let (value, basis) = h.value();
            out.push(Line {
                company_id: *company,
                via,
                share,
                committed: scale(h.committed),
                paid_in: scale(h.paid_in),
                value: scale(value),
                proceeds: scale(h.proceeds),
                basis,
            });
        }
    };
    push(holder, None, Ratio(rust_decimal::Decimal::ONE), &|m| m);
    for s in stakes(book, investor_fund, holder) {
        let Some(share) = s.share().filter(|r| !r.0.is_zero()) else {
            continue;
        };
        // Share is defined here, so apply() is too.
        push(s.fund_id, Some(s.fund_id), share, &|m| {
            s.apply(m).unwrap_or(Money::ZERO)
        });
    }
    out
}

// ---------------------------------------------------------------------------------
// `report portfolio --look-through`

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StakeRow {
    pub fund: String,
    pub holder_paid_in: Money,
    pub fund_paid_in: Money,
    pub share: Option<Ratio>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineRow {
    pub company: String,
    pub name: String,
    pub sector: Option<String>,
    /// The sub-fund holding it, or `null` for a direct holding.
    pub via: Option<String>,
    pub share: Ratio,
    pub committed: Money,
    pub paid_in: Money,
    pub value: Money,
    pub proceeds: Money,
    /// Never marked: valued at paid-in cost.
    pub at_cost: bool,
    /// Written off or fully exited: valued at 0.
    pub closed: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LineTotal {
    pub committed: Money,
    pub paid_in: Money,
    pub value: Money,
    pub proceeds: Money,
    /// Lines valued at cost.
    pub unmarked: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LookThroughFund {
    pub code: String,
    pub name: String,
    pub stakes: Vec<StakeRow>,
    pub holdings: Vec<LineRow>,
    /// Sums of the (already rounded) lines, so the total is what the lines add up to.
    pub total: LineTotal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LookThrough {
    pub as_of: Date,
    /// What stakes are measured on.
    pub basis: &'static str,
    pub funds: Vec<LookThroughFund>,
}

/// Pure assembly for the guidance funds among `shown`.
pub fn build(
    as_of: Date,
    shown: &[Fund],
    all: &[Fund],
    companies: &[Company],
    investor_fund: &HashMap<i64, Option<i64>>,
    book: &Book,
) -> LookThrough {
    let code = |id: i64| {
        all.iter()
            .find(|f| f.id == id)
            .map_or_else(|| format!("#{id}"), |f| f.code.clone())
    };
    let companies: HashMap<i64, &Company> = companies.iter().map(|c| (c.id, c)).collect();
    let funds = shown
        .iter()
        .filter(|f| f.kind == FundKind::Guidance)
        .map(|g| {
            let stakes = stakes(book, investor_fund, g.id)
                .into_iter()
                .map(|s| {
                    let share = s.share();
                    StakeRow {
                        fund: code(s.fund_id),
                        holder_paid_in: s.holder_paid_in,
                        fund_paid_in: s.fund_paid_in,
                        share,
                        reason: share.is_none().then(|| {
                            format!(
                                "no LP has paid into '{}' as of {as_of}: nothing to look through",
                                code(s.fund_id)
                            )
                        }),
                    }
                })
                .collect();
            let mut total = LineTotal::default();
            let holdings = lines(book, investor_fund, g.id)
                .into_iter()
                .map(|l| {
                    total.committed += l.committed;
                    total.paid_in += l.paid_in;
                    total.value += l.value;
                    total.proceeds += l.proceeds;
                    total.unmarked += usize::from(l.basis == ValueBasis::Cost);
                    let c = companies.get(&l.company_id);
                    LineRow {
                        company: c.map_or_else(|| format!("#{}", l.company_id), |c| c.code.clone()),
                        name: c.map(|c| c.name.clone()).unwrap_or_default(),
                        sector: c.and_then(|c| c.sector.clone()),
                        via: l.via.map(code),
                        share: l.share,
                        committed: l.committed,
                        paid_in: l.paid_in,
                        value: l.value,
                        proceeds: l.proceeds,
                        at_cost: l.basis == ValueBasis::Cost,
                        closed: l.basis == ValueBasis::Closed,
                    }
                })
                .collect();
            LookThroughFund {
                code: g.code.clone(),
                name: g.name.clone(),
                stakes,
                holdings,
                total,
            }
        })
        .collect();
    LookThrough {
        as_of,
        basis: "paid-in",
        funds,
    }
}

/// `report portfolio --look-through [--fund CODE]`: every guidance fund, or `CODE`
/// (which must be a guidance fund).
pub fn look_through(ledger: &mut Ledger, as_of: Date, fund: Option<&str>) -> Result<LookThrough> {
    // One read transaction: the book and the names come from the same snapshot.
    let (all, investor_fund, book, companies) = ledger.read(|tx| {
        let mut book = Book::default();
        tx.for_each_effective(as_of, |e| {
            book.apply(&e);
            Ok(())
        })?;
        let investor_fund = tx
            .investors()?
            .into_iter()
            .map(|i| (i.id, i.fund_id))
            .collect();
        Ok((tx.funds()?, investor_fund, book, tx.companies()?))
    })?;
    let shown = scope(&all, fund).ok_or_else(|| {
        unknown(
            "fund",
            fund.unwrap_or_default(),
            all.iter().map(|f| f.code.clone()).collect(),
        )
    })?;
    if let Some(f) = fund.and_then(|c| all.iter().find(|f| f.code == c)) {
        if f.kind != FundKind::Guidance {
            return Err(Error::refused(
                "look-through-not-guidance",
                format!(
                    "look-through shows a guidance fund's share of its sub-funds' holdings; '{}' is a {}{}",
                    f.code,
                    f.kind,
                    f.parent.as_ref().map(|p| format!(" (try --fund {p})")).unwrap_or_default()
                ),
            ));
        }
    }
    Ok(build(
        as_of,
        &shown,
        &all,
        &companies,
        &investor_fund,
        &book,
    ))
}
