//! Figures only the report pack shows: each programme's consolidated portfolio total
//! (a guidance fund with its sub-funds, as `report portfolio --fund CODE` totals it)
//! and deal paid-in accumulated over time.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::portfolio::{book_as_of, build, scope, Portfolio, PortfolioTotal};
use crate::date::Date;
use crate::domain::Fund;
use crate::error::{unknown, Result};
use crate::money::Money;
use crate::store::{CodeTable, Ledger};

/// One programme: a fund with no parent in the report's scope, with its sub-funds.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Programme {
    pub code: String,
    pub name: String,
    /// Funds in the programme (the root and its descendants).
    pub funds: usize,
    /// The consolidated total, exactly as `report portfolio --fund CODE` shows it.
    pub total: PortfolioTotal,
}

/// `report portfolio` for the scope, and one consolidated total per programme in it:
/// one snapshot of the book, so the figures agree with each other.
pub fn portfolio_with_programmes(
    ledger: &mut Ledger,
    as_of: Date,
    fund: Option<&str>,
) -> Result<(Portfolio, Vec<Programme>)> {
    let snap = book_as_of(ledger, as_of)?;
    let Some(shown) = scope(&snap.funds, fund) else {
        let codes = ledger.read(|tx| tx.codes(CodeTable::Funds))?;
        return Err(unknown("fund", fund.unwrap_or_default(), codes));
    };
    let p = build(as_of, &shown, &snap.inv_fund, &snap.book);
    let programmes = roots(&shown)
        .into_iter()
        .map(|root| {
            let funds = scope(&snap.funds, Some(&root.code)).unwrap_or_default();
            Programme {
                code: root.code.clone(),
                name: root.name.clone(),
                funds: funds.len(),
                total: build(as_of, &funds, &snap.inv_fund, &snap.book).total,
            }
        })
        .collect();
    Ok((p, programmes))
}

/// The funds of `shown` whose parent is not in `shown`, in order.
fn roots(shown: &[Fund]) -> Vec<&Fund> {
    shown
        .iter()
        .filter(|f| f.parent_id.is_none_or(|p| shown.iter().all(|g| g.id != p)))
        .collect()
}

/// Deal paid-in accumulated to the end of each period, per programme and in total.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PaidInOverTime {
    pub as_of: Date,
    /// `2021` or `2021Q3`: years when the history spans more than eight years.
    pub periods: Vec<String>,
    /// Paid-in during each period, all programmes.
    pub in_period: Vec<Money>,
    /// Cumulative paid-in at each period's end, all programmes.
    pub cumulative: Vec<Money>,
    /// (programme code, cumulative paid-in at each period's end).
    pub programmes: Vec<(String, Vec<Money>)>,
}

/// Deal paid-in over time for the funds in scope (`fund` and its sub-funds, or all),
/// from one grouped query.
pub fn paid_in_over_time(
    ledger: &mut Ledger,
    as_of: Date,
    fund: Option<&str>,
) -> Result<PaidInOverTime> {
    let (funds, months) = ledger.read(|tx| Ok((tx.funds()?, tx.deal_paid_in_by_month(as_of)?)))?;
    let Some(shown) = scope(&funds, fund) else {
        let codes = ledger.read(|tx| tx.codes(CodeTable::Funds))?;
        return Err(unknown("fund", fund.unwrap_or_default(), codes));
    };
    let roots = roots(&shown);
    // Each fund in scope → the index of its programme.
    let mut programme_of: HashMap<i64, usize> = HashMap::new();
    for (i, r) in roots.iter().enumerate() {
        for f in scope(&shown, Some(&r.code)).unwrap_or_default() {
            programme_of.insert(f.id, i);
        }
    }
    let first_year = months
        .iter()
        .find(|m| programme_of.contains_key(&m.fund_id))
        .and_then(|m| m.month.get(..4)?.parse::<i32>().ok());
    let yearly = first_year.is_some_and(|y| chrono::Datelike::year(&as_of) - y >= 8);
    let period = |month: &str| -> String {
        let (y, m) = month.split_at(4);
        if yearly {
            y.to_string()
        } else {
            let q = m
                .trim_start_matches('-')
                .parse::<u32>()
                .unwrap_or(1)
                .div_ceil(3);
            format!("{y}Q{q}")
        }
    };
    // Periods from the first paid-in to the as-of date, none skipped.
    let mut periods: Vec<String> = Vec::new();
    if let Some(y0) = first_year {
        let last = period(&as_of.format("%Y-%m").to_string());
        'outer: for y in y0..=chrono::Datelike::year(&as_of) {
            for q in 1..=4u32 {
                let p = if yearly {
                    y.to_string()
                } else {
                    format!("{y}Q{q}")
                };
                if periods.last() != Some(&p) {
                    periods.push(p.clone());
                }
                if p == last {
                    break 'outer;
                }
            }
        }
    }
    let first = |m: &str| periods.iter().position(|p| *p == period(m));
    let mut sums: BTreeMap<(usize, usize), Money> = BTreeMap::new();
    for m in &months {
        let (Some(&prog), Some(at)) = (programme_of.get(&m.fund_id), first(&m.month)) else {
            continue;
        };
        *sums.entry((prog, at)).or_default() += m.paid_in;
    }
    let n = periods.len();
    let mut in_period = vec![Money::default(); n];
    let mut programmes: Vec<(String, Vec<Money>)> = roots
        .iter()
        .map(|r| (r.code.clone(), vec![Money::default(); n]))
        .collect();
    for (&(prog, at), &amt) in &sums {
        in_period[at] += amt;
        programmes[prog].1[at] += amt;
    }
    for (_, v) in &mut programmes {
        for i in 1..n {
            let prev = v[i - 1];
            v[i] += prev;
        }
    }
    let mut cumulative = in_period.clone();
    for i in 1..n {
        let prev = cumulative[i - 1];
        cumulative[i] += prev;
    }
    Ok(PaidInOverTime {
        as_of,
        periods,
        in_period,
        cumulative,
        programmes,
    })
}
