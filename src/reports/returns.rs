//! `report returns`: how each fund, holding and LP has done, as of a date.
//!
//! - Gross (fund ↔ companies, a fund's *direct* holdings): paid-in, proceeds, value
//!   (latest marks as of the date; never marked → cost; written off or exited → 0),
//!   unrealised gain, MOIC = (proceeds + value) ÷ paid-in, XIRR of deal payments (out),
//!   proceeds (in) and the value at the as-of date (in).
//! - Net (LPs ↔ fund): committed, paid-in, distributed, NAV, PIC, DPI, RVPI, TVPI, XIRR
//!   of LP payments (out), distributions (in) and the NAV (in).
//!
//! A fund's NAV = its holdings' value + its stakes in other funds of the ledger (their
//! NAV share) + its cash (LP paid-in received + proceeds + distributions received −
//! deal paid-in − LP payments into other funds − distributions paid). An LP's NAV
//! share is the fund's NAV split pro rata to paid-in, to the fen by largest remainder
//! so the shares add up to the NAV exactly (`money::allocate_pro_rata`). Stakes are
//! valued bottom-up; funds holding stakes in each other in a circle have no defined
//! NAV and the report says so instead of guessing.
//!
//! Everything is read in one streaming query; cost is linear in the journal plus one
//! XIRR per row shown. See docs/metrics.md for every formula and status.

use std::collections::HashMap as StdHashMap;
use std::hash::{BuildHasherDefault, Hasher};

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::book::{Book, Holding, ValueBasis};
use crate::date::Date;
use crate::domain::{EntryKind, Fund};
use crate::error::{unknown, Error, Result};
use crate::money::{allocate_pro_rata, Money, Ratio};
use crate::pme::{Benchmark, Coverage, Pme};
use crate::reports::lookthrough::Stake;
use crate::reports::portfolio::{fold_positions, scope};
use crate::store::{CodeTable, FlowDay, FlowRow, Ledger};
use crate::xirr::{xirr_with_value, Irr};

/// Maps keyed by row ids, hashed by multiplication instead of SipHash: the keys are
/// the ledger's own integer ids (no untrusted input to defend against), and the fold
/// looks one up per journal entry.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
    }
}

type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<IdHasher>>;

/// Dated cash flows as the XIRR solver takes them.
type Flows = Vec<(Date, Decimal)>;

/// What one row of the report is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum By {
    Fund,
    Holding,
    Lp,
}

#[derive(Clone, Copy, Debug)]
pub struct ReturnsQuery<'a> {
    pub as_of: Date,
    /// Only this fund and its sub-funds.
    pub fund: Option<&'a str>,
    pub by: By,
    pub benchmark: Option<&'a Benchmark>,
    /// 穿透: also show each fund's share of the holdings of funds it is an LP of
    /// (pro rata to paid-in, see `reports::lookthrough`).
    pub look_through: bool,
}

/// Fund ↔ company figures.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Gross {
    pub paid_in: Money,
    pub proceeds: Money,
    pub value: Money,
    pub unrealised: Money,
    pub moic: Option<Ratio>,
    #[serde(flatten)]
    pub irr: Irr,
    /// Holdings in `value` at cost because never marked (flagged in tables).
    #[serde(skip)]
    pub unmarked: usize,
}

/// LP ↔ fund figures.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Net {
    pub committed: Money,
    pub paid_in: Money,
    pub distributed: Money,
    /// The fund's NAV, or the LP's share of it; null when no LP has paid in (no share
    /// is defined).
    pub nav: Option<Money>,
    pub pic: Option<Ratio>,
    pub dpi: Option<Ratio>,
    pub rvpi: Option<Ratio>,
    pub tvpi: Option<Ratio>,
    #[serde(flatten)]
    pub irr: Irr,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FundReturns {
    pub code: String,
    pub name: String,
    pub gross: Gross,
    pub net: Net,
    pub pme: Option<Pme>,
    /// With `--look-through`: gross figures over the fund's own holdings plus its
    /// pro-rata share of the holdings of the funds it is an LP of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub look_through: Option<Gross>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct HoldingReturns {
    pub fund: String,
    pub company: String,
    #[serde(skip)]
    pub company_name: String,
    /// With `--look-through`: the fund actually holding the company, when it is not
    /// `fund` itself; `fund`'s share of it; and the money figures are that share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share: Option<Ratio>,
    #[serde(flatten)]
    pub gross: Gross,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LpReturns {
    pub fund: String,
    pub investor: String,
    #[serde(skip)]
    pub investor_name: String,
    #[serde(flatten)]
    pub net: Net,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Returns {
    pub as_of: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funds: Option<Vec<FundReturns>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holdings: Option<Vec<HoldingReturns>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lps: Option<Vec<LpReturns>>,
}

/// One holding folded from its entries.
#[derive(Default)]
struct HoldingAcc {
    paid_in: Money,
    proceeds: Money,
    /// Latest mark by (date, entry id).
    mark: Option<(Date, i64, Money)>,
    written_off: bool,
    exited: bool,
    /// Payments negative, proceeds positive.
    flows: Vec<(Date, Decimal)>,
}

impl HoldingAcc {
    /// Valued by the book's rule (one definition of "value" in the crate).
    /// Value, unrealised gain (value − paid-in while open, 0 once closed) and whether
    /// the value is only the cost of a holding never marked.
    fn figures(&self) -> (Money, Money, bool) {
        let (value, basis) = self.value();
        let unrealised = if basis == ValueBasis::Closed {
            Money::ZERO
        } else {
            value - self.paid_in
        };
        (
            value,
            unrealised,
            basis == ValueBasis::Cost && self.paid_in.is_positive(),
        )
    }

    fn value(&self) -> (Money, ValueBasis) {
        Holding {
            committed: Money::ZERO,
            paid_in: self.paid_in,
            proceeds: self.proceeds,
            mark: self.mark.map(|(d, _, m)| (d, m)),
            written_off: self.written_off,
            exited: self.exited,
        }
        .value()
    }
}

/// One LP position folded from its entries.
#[derive(Default)]
struct LpAcc {
    committed: Money,
    paid_in: Money,
    distributed: Money,
    /// Payments negative, distributions positive.
    flows: Vec<(Date, Decimal)>,
}

#[derive(Default)]
struct Folded {
    holdings: HashMap<(i64, i64), HoldingAcc>,
    lps: HashMap<(i64, i64), LpAcc>,
    /// Per fund and day: [`FlowDay::sums`] (fen), as the flow summary keeps them
    /// (store/flow_days.rs). A fund's XIRRs are solved from these, whichever way they
    /// were read.
    days: HashMap<i64, BTreeMap<Date, [i64; 4]>>,
    /// Per fund, its direct holdings' figures summed. Read from the summary, holdings
    /// are summed here as they come and not kept (a million of them would be hundreds
    /// of megabytes); from the journal, `sum_holdings` fills it.
    gross: HashMap<i64, GrossSum>,
}

/// A fund's direct holdings, summed.
#[derive(Default, Clone, Copy)]
struct GrossSum {
    paid_in: Money,
    proceeds: Money,
    value: Money,
    unrealised: Money,
    /// Holdings counted at cost because never marked.
    unmarked: usize,
}

impl GrossSum {
    fn add(&mut self, h: &HoldingAcc) {
        let (value, unrealised, cost_only) = h.figures();
        self.paid_in += h.paid_in;
        self.proceeds += h.proceeds;
        self.value += value;
        self.unrealised += unrealised;
        self.unmarked += usize::from(cost_only);
    }
}

impl Folded {
    fn apply(&mut self, r: FlowRow) {
        let a = r.amount.unwrap_or(Money::ZERO);
        if let Some(i) = FlowDay::slot(r.kind) {
            self.days
                .entry(r.fund_id)
                .or_default()
                .entry(r.date)
                .or_default()[i] += a.fen();
        }
        match (r.investor_id, r.company_id) {
            (Some(inv), _) => {
                let p = self.lps.entry((r.fund_id, inv)).or_default();
                match r.kind {
                    EntryKind::LpCommit => p.committed += a,
                    EntryKind::LpPay => {
                        p.paid_in += a;
                        p.flows.push((r.date, -a.as_decimal()));
                    }
                    EntryKind::LpDistribute => {
                        p.distributed += a;
                        p.flows.push((r.date, a.as_decimal()));
                    }
                    _ => {}
                }
            }
            (None, Some(company)) => {
                let h = self.holdings.entry((r.fund_id, company)).or_default();
                match r.kind {
                    EntryKind::DealPay => {
                        h.paid_in += a;
                        h.flows.push((r.date, -a.as_decimal()));
                    }
                    EntryKind::DealProceeds => {
                        h.proceeds += a;
                        h.flows.push((r.date, a.as_decimal()));
                        h.exited |= r.exit;
                    }
                    EntryKind::DealValue
                        if h.mark.is_none_or(|(d, id, _)| (r.date, r.id) > (d, id)) =>
                    {
                        h.mark = Some((r.date, r.id, a));
                    }
                    EntryKind::DealWriteOff => h.written_off = true,
                    _ => {}
                }
            }
            (None, None) => {}
        }
    }
}

impl Folded {
    /// Take whole positions out of a book folded from the position summary: LP
    /// positions kept (the NAV splits among them), holdings only summed per fund. Their
    /// dated flows stay empty: only `--by fund` reads this way, and it solves from the
    /// flow days.
    fn take_book(&mut self, book: &mut Book) {
        for (k, p) in std::mem::take(&mut book.lps) {
            self.lps.insert(
                k,
                LpAcc {
                    committed: p.committed,
                    paid_in: p.paid_in,
                    distributed: p.distributed,
                    flows: Vec::new(),
                },
            );
        }
        for ((fund, _), h) in std::mem::take(&mut book.holdings) {
            self.gross.entry(fund).or_default().add(&HoldingAcc {
                paid_in: h.paid_in,
                proceeds: h.proceeds,
                // Only the latest mark is kept; its id only ever broke ties.
                mark: h.mark.map(|(d, m)| (d, 0, m)),
                written_off: h.written_off,
                exited: h.exited,
                flows: Vec::new(),
            });
        }
    }

    /// Fill `gross` from holdings folded from the journal.
    fn sum_holdings(&mut self) {
        for (&(fund, _), h) in &self.holdings {
            self.gross.entry(fund).or_default().add(h);
        }
    }

    fn add_day(&mut self, d: FlowDay) {
        self.days
            .entry(d.fund_id)
            .or_default()
            .insert(d.day, d.sums());
    }

    /// A fund's gross flows (deals) and net flows (LPs), in date order: money out of
    /// the side whose return it is negative, money back positive. On one day the two
    /// directions stay apart; the solver sums each day exactly.
    fn fund_flows(&self, fund: i64) -> (Flows, Flows) {
        let (mut gross, mut net) = (Vec::new(), Vec::new());
        let push = |v: &mut Flows, d: Date, fen: i64, sign: i64| {
            if fen != 0 {
                v.push((d, Money::from_fen(sign * fen).as_decimal()));
            }
        };
        for (d, s) in self.days.get(&fund).into_iter().flatten() {
            push(&mut gross, *d, s[0], -1);
            push(&mut gross, *d, s[1], 1);
            push(&mut net, *d, s[2], -1);
            push(&mut net, *d, s[3], 1);
        }
        (gross, net)
    }
}

/// Per-fund sums the NAV needs.
#[derive(Default, Clone, Copy)]
struct Cash {
    value: Money,
    deal_paid_in: Money,
    proceeds: Money,
    lp_paid_in: Money,
    distributed: Money,
    paid_into_funds: Money,
    received_from_funds: Money,
}

fn gross_of(
    paid_in: Money,
    proceeds: Money,
    value: Money,
    unrealised: Money,
    irr: Irr,
    unmarked: usize,
) -> Gross {
    Gross {
        paid_in,
        proceeds,
        value,
        unrealised,
        moic: Ratio::of(proceeds + value, paid_in),
        irr,
        unmarked,
    }
}

fn net_of(
    committed: Money,
    paid_in: Money,
    distributed: Money,
    nav: Option<Money>,
    irr: Irr,
) -> Net {
    Net {
        committed,
        paid_in,
        distributed,
        nav,
        pic: Ratio::of(paid_in, committed),
        dpi: Ratio::of(distributed, paid_in),
        rvpi: nav.and_then(|n| Ratio::of(n, paid_in)),
        tvpi: nav.and_then(|n| Ratio::of(distributed + n, paid_in)),
        irr,
    }
}

/// NAVs of funds and NAV shares of their LP positions, bottom-up through stakes.
struct Navs {
    fund: HashMap<i64, Money>,
    share: HashMap<(i64, i64), Option<Money>>,
}

/// Values the funds in `wanted` and, through their stakes, every fund they hold; a
/// circle of stakes elsewhere in the ledger does not concern them.
fn navs(
    funds: &[Fund],
    wanted: &[Fund],
    cash: &HashMap<i64, Cash>,
    lps: &HashMap<(i64, i64), LpAcc>,
    inv_fund: &HashMap<i64, i64>,
) -> Result<Navs> {
    // fund → its LP positions (investor ids, ascending) and its stakes in other funds.
    let mut lps_of: HashMap<i64, Vec<i64>> = HashMap::default();
    let mut stakes_of: HashMap<i64, Vec<(i64, i64)>> = HashMap::default();
    for &(f, inv) in lps.keys() {
        lps_of.entry(f).or_default().push(inv);
        if let Some(&holder) = inv_fund.get(&inv) {
            stakes_of.entry(holder).or_default().push((f, inv));
        }
    }
    lps_of.values_mut().for_each(|v| v.sort_unstable());
    let code = |id: i64| {
        funds
            .iter()
            .find(|f| f.id == id)
            .map_or_else(|| format!("#{id}"), |f| f.code.clone())
    };
    let mut out = Navs {
        fund: HashMap::default(),
        share: HashMap::default(),
    };
    // Depth-first, iteratively; `path` holds the funds being valued.
    for start in wanted.iter().map(|f| f.id) {
        let mut path: Vec<i64> = vec![start];
        while let Some(&f) = path.last() {
            if out.fund.contains_key(&f) {
                path.pop();
                continue;
            }
            let stakes = stakes_of.get(&f).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&(g, _)) = stakes.iter().find(|(g, _)| !out.fund.contains_key(g)) {
                if let Some(pos) = path.iter().position(|p| *p == g) {
                    let circle: Vec<String> =
                        path[pos..].iter().chain([&g]).map(|id| code(*id)).collect();
                    return Err(Error::refused(
                        "lp-stake-cycle",
                        format!(
                            "funds hold LP stakes in each other in a circle ({}); each NAV depends on the other, \
                             so net returns are undefined for them",
                            circle.join(" → ")
                        ),
                    ));
                }
                path.push(g);
                continue;
            }
            let c = cash.get(&f).copied().unwrap_or_default();
            let stake_value: Money = stakes
                .iter()
                .map(|k| out.share.get(k).copied().flatten().unwrap_or(Money::ZERO))
                .sum();
            let nav = c.value + stake_value + c.lp_paid_in + c.proceeds + c.received_from_funds
                - c.deal_paid_in
                - c.paid_into_funds
                - c.distributed;
            out.fund.insert(f, nav);
            let investors = lps_of.get(&f).map(Vec::as_slice).unwrap_or(&[]);
            let weights: Vec<Money> = investors.iter().map(|i| lps[&(f, *i)].paid_in).collect();
            match allocate_pro_rata(nav, &weights) {
                Some(parts) => {
                    for (i, p) in investors.iter().zip(parts) {
                        out.share.insert((f, *i), Some(p));
                    }
                }
                None => {
                    for i in investors {
                        out.share.insert((f, *i), None);
                    }
                }
            }
            path.pop();
        }
    }
    Ok(out)
}

struct Reference {
    funds: Vec<Fund>,
    investors: HashMap<i64, (String, String)>,
    companies: HashMap<i64, (String, String)>,
    inv_fund: HashMap<i64, i64>,
}

pub fn returns(ledger: &mut Ledger, q: &ReturnsQuery<'_>) -> Result<Returns> {
    // Holding and LP rows, and look-through, need each position's own flows.
    returns_from(ledger, q, q.by == By::Fund && !q.look_through)
}

/// The report from a full replay of the journal whatever the rows: the definition the
/// summaries are tested against.
#[cfg(test)]
pub(crate) fn returns_by_replay(ledger: &mut Ledger, q: &ReturnsQuery<'_>) -> Result<Returns> {
    returns_from(ledger, q, false)
}

/// With `summaries`, positions come from the position summary and fund flows from the
/// flow summary, at a cost independent of the journal's length; else every effective
/// entry is read.
fn returns_from(ledger: &mut Ledger, q: &ReturnsQuery<'_>, summaries: bool) -> Result<Returns> {
    if q.benchmark.is_some() && q.by != By::Fund {
        return Err(Error::refused(
            "benchmark-needs-funds",
            "--benchmark compares each fund's LP cash flows with the index; use it with --by fund",
        ));
    }
    let (reference, folded) = ledger.read(|tx| {
        let investors = tx.investors()?;
        let reference = Reference {
            funds: tx.funds()?,
            inv_fund: investors
                .iter()
                .filter_map(|i| i.fund_id.map(|f| (i.id, f)))
                .collect(),
            investors: investors
                .into_iter()
                .map(|i| (i.id, (i.code, i.name)))
                .collect(),
            // Only holding rows name companies (a million names are not read for
            // nothing).
            companies: if q.by == By::Holding {
                tx.companies()?
                    .into_iter()
                    .map(|c| (c.id, (c.code, c.name)))
                    .collect()
            } else {
                HashMap::default()
            },
        };
        let mut folded = Folded::default();
        if summaries {
            fold_positions(tx, q.as_of, |b| folded.take_book(b))?;
            tx.for_each_flow_day(q.as_of, |d| {
                folded.add_day(d);
                Ok(())
            })?;
        } else {
            tx.for_each_flow(q.as_of, |r| {
                folded.apply(r);
                Ok(())
            })?;
            folded.sum_holdings();
        }
        Ok((reference, folded))
    })?;
    let shown = match scope(&reference.funds, q.fund) {
        Some(s) => s,
        None => {
            let codes = ledger.read(|tx| tx.codes(CodeTable::Funds))?;
            return Err(unknown("fund", q.fund.unwrap_or_default(), codes));
        }
    };
    build(q, &reference, folded, &shown)
}

/// The stakes fund `holder` has, as an LP, in other funds, by paid-in as of the fold's
/// date (the rule of `reports::lookthrough`), in fund id order.
fn stakes_of(folded: &Folded, inv_fund: &HashMap<i64, i64>, holder: i64) -> Vec<Stake> {
    let mut out: Vec<Stake> = folded
        .lps
        .iter()
        .filter(|((_, inv), p)| inv_fund.get(inv) == Some(&holder) && p.paid_in.is_positive())
        .map(|((g, _), p)| Stake {
            fund_id: *g,
            holder_paid_in: p.paid_in,
            fund_paid_in: folded
                .lps
                .iter()
                .filter(|((f, _), _)| f == g)
                .map(|(_, q)| q.paid_in)
                .sum(),
        })
        .collect();
    out.sort_by_key(|s| s.fund_id);
    out
}

/// A holding's gross figures scaled to a stake. Money is scaled with one rounding to
/// the fen; the IRR is that of the unscaled flows (scaling every flow and the value by
/// the same factor leaves the rate unchanged).
fn scaled_gross(h: &HoldingAcc, s: &Stake, as_of: Date) -> Gross {
    let (value, unrealised, unmarked) = h.figures();
    let sc = |m: Money| s.apply(m).unwrap_or(Money::ZERO);
    let irr = xirr_with_value(&h.flows, as_of, value.as_decimal());
    gross_of(
        sc(h.paid_in),
        sc(h.proceeds),
        sc(value),
        sc(unrealised),
        irr,
        usize::from(unmarked),
    )
}

fn build(q: &ReturnsQuery<'_>, r: &Reference, folded: Folded, shown: &[Fund]) -> Result<Returns> {
    let as_of = q.as_of;
    let mut cash: HashMap<i64, Cash> = HashMap::default();
    // Holdings and LP positions per fund, in id order, for stable output.
    let mut holdings_of: HashMap<i64, Vec<i64>> = HashMap::default();
    for (&f, g) in &folded.gross {
        let c = cash.entry(f).or_default();
        c.value += g.value;
        c.deal_paid_in += g.paid_in;
        c.proceeds += g.proceeds;
    }
    for &(f, company) in folded.holdings.keys() {
        holdings_of.entry(f).or_default().push(company);
    }
    let mut lps_of: HashMap<i64, Vec<i64>> = HashMap::default();
    for (&(f, inv), p) in &folded.lps {
        let c = cash.entry(f).or_default();
        c.lp_paid_in += p.paid_in;
        c.distributed += p.distributed;
        if let Some(&holder) = r.inv_fund.get(&inv) {
            let h = cash.entry(holder).or_default();
            h.paid_into_funds += p.paid_in;
            h.received_from_funds += p.distributed;
        }
        lps_of.entry(f).or_default().push(inv);
    }
    holdings_of.values_mut().for_each(|v| v.sort_unstable());
    lps_of.values_mut().for_each(|v| v.sort_unstable());
    // Holdings need no NAV.
    let wanted = if q.by == By::Holding { &[][..] } else { shown };
    let navs = navs(&r.funds, wanted, &cash, &folded.lps, &r.inv_fund)?;
    let name = |m: &HashMap<i64, (String, String)>, id: i64| {
        m.get(&id)
            .cloned()
            .unwrap_or_else(|| (format!("#{id}"), String::new()))
    };
    let none: Vec<i64> = Vec::new();

    let holding_gross = |h: &HoldingAcc| {
        let (value, unrealised, unmarked) = h.figures();
        let irr = xirr_with_value(&h.flows, as_of, value.as_decimal());
        gross_of(
            h.paid_in,
            h.proceeds,
            value,
            unrealised,
            irr,
            usize::from(unmarked),
        )
    };

    let mut out = Returns {
        as_of,
        funds: None,
        holdings: None,
        lps: None,
    };
    match q.by {
        By::Fund => {
            let mut rows = Vec::with_capacity(shown.len());
            for f in shown {
                let GrossSum {
                    paid_in,
                    proceeds,
                    value,
                    unrealised,
                    unmarked,
                } = folded.gross.get(&f.id).copied().unwrap_or_default();
                let (flows, lp_flows) = folded.fund_flows(f.id);
                let gross_irr = xirr_with_value(&flows, as_of, value.as_decimal());
                let gross = gross_of(paid_in, proceeds, value, unrealised, gross_irr, unmarked);

                let investors = lps_of.get(&f.id).unwrap_or(&none);
                let (mut committed, mut lp_paid, mut distributed) =
                    (Money::ZERO, Money::ZERO, Money::ZERO);
                for i in investors {
                    let p = &folded.lps[&(f.id, *i)];
                    committed += p.committed;
                    lp_paid += p.paid_in;
                    distributed += p.distributed;
                }
                let nav = navs.fund.get(&f.id).copied().unwrap_or(Money::ZERO);
                let net_irr = xirr_with_value(&lp_flows, as_of, nav.as_decimal());
                let net = net_of(committed, lp_paid, distributed, Some(nav), net_irr);
                let pme = match q.benchmark {
                    Some(b) => Some(
                        b.pme(&lp_flows, nav.as_decimal(), as_of)
                            .map_err(|c| coverage(c, &f.code))?,
                    ),
                    None => None,
                };
                let look_through = q.look_through.then(|| {
                    let (
                        mut lt_paid,
                        mut lt_proceeds,
                        mut lt_value,
                        mut lt_unrealised,
                        mut lt_unmarked,
                    ) = (paid_in, proceeds, value, unrealised, unmarked);
                    let mut lt_flows = flows.clone();
                    for s in stakes_of(&folded, &r.inv_fund, f.id) {
                        let factor = s.holder_paid_in.as_decimal() / s.fund_paid_in.as_decimal();
                        for c in holdings_of.get(&s.fund_id).unwrap_or(&none) {
                            let h = &folded.holdings[&(s.fund_id, *c)];
                            let g = scaled_gross(h, &s, as_of);
                            lt_paid += g.paid_in;
                            lt_proceeds += g.proceeds;
                            lt_value += g.value;
                            lt_unrealised += g.unrealised;
                            lt_unmarked += g.unmarked;
                            lt_flows.extend(h.flows.iter().map(|(d, a)| (*d, *a * factor)));
                        }
                    }
                    let irr = xirr_with_value(&lt_flows, as_of, lt_value.as_decimal());
                    gross_of(
                        lt_paid,
                        lt_proceeds,
                        lt_value,
                        lt_unrealised,
                        irr,
                        lt_unmarked,
                    )
                });
                rows.push(FundReturns {
                    code: f.code.clone(),
                    name: f.name.clone(),
                    gross,
                    net,
                    pme,
                    look_through,
                });
            }
            out.funds = Some(rows);
        }
        By::Holding => {
            let mut rows = Vec::new();
            for f in shown {
                for c in holdings_of.get(&f.id).unwrap_or(&none) {
                    let (code, cname) = name(&r.companies, *c);
                    let gross = holding_gross(&folded.holdings[&(f.id, *c)]);
                    rows.push(HoldingReturns {
                        fund: f.code.clone(),
                        company: code,
                        company_name: cname,
                        via: None,
                        share: None,
                        gross,
                    });
                }
                if !q.look_through {
                    continue;
                }
                for s in stakes_of(&folded, &r.inv_fund, f.id) {
                    let via = r
                        .funds
                        .iter()
                        .find(|g| g.id == s.fund_id)
                        .map(|g| g.code.clone());
                    for c in holdings_of.get(&s.fund_id).unwrap_or(&none) {
                        let (code, cname) = name(&r.companies, *c);
                        rows.push(HoldingReturns {
                            fund: f.code.clone(),
                            company: code,
                            company_name: cname,
                            via: via.clone(),
                            share: s.share(),
                            gross: scaled_gross(&folded.holdings[&(s.fund_id, *c)], &s, as_of),
                        });
                    }
                }
            }
            out.holdings = Some(rows);
        }
        By::Lp => {
            let mut rows = Vec::new();
            for f in shown {
                for i in lps_of.get(&f.id).unwrap_or(&none) {
                    let p = &folded.lps[&(f.id, *i)];
                    let (code, iname) = name(&r.investors, *i);
                    let share = navs.share.get(&(f.id, *i)).copied().flatten();
                    let irr =
                        xirr_with_value(&p.flows, as_of, share.unwrap_or(Money::ZERO).as_decimal());
                    let net = net_of(p.committed, p.paid_in, p.distributed, share, irr);
                    rows.push(LpReturns {
                        fund: f.code.clone(),
                        investor: code,
                        investor_name: iname,
                        net,
                    });
                }
            }
            out.lps = Some(rows);
        }
    }
    Ok(out)
}

fn coverage(c: Coverage, fund: &str) -> Error {
    let message = match c {
        Coverage::StartsAfter { date, first } => format!(
            "the benchmark file starts on {first}, after fund '{fund}''s flow on {date}; \
             it needs a level on or before every flow date"
        ),
        Coverage::EndsBefore { as_of, last } => format!(
            "the benchmark file ends on {last}, before the as-of date {as_of}; \
             add a level for {as_of} or report --as-of {last} or earlier"
        ),
    };
    Error::refused("benchmark-coverage", message)
}
