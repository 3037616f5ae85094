//! Performance evaluation reports (issue 15): idle cash and pacing, breakdowns, company
//! outcomes, and the scorecard. Formulas and JSON keys: docs/evaluation.md.
//!
//! Each report reads reference data and streams the journal once (pacing, breakdowns,
//! outcomes); the scorecard runs the reports it draws on (leverage, returns, portfolio,
//! pacing, outcomes), each one streaming read, so its cost stays linear in the ledger.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::book::Book;
use crate::date::Date;
use crate::domain::{Company, EntryKind, Fund, FundKind};
use crate::error::{unknown, Error, Result};
use crate::eval::{
    older_than, pace_points, score_indicator, stage_on, year_end, year_start, CashFifo, Fact,
    Figure, Metric, Outcome, Template, IDLE_ALERT_MONTHS, IDLE_WARN_MONTHS,
};
use crate::money::{allocate_pro_rata, Money, Ratio};
use crate::policy::terms_in_force;
use crate::reports::portfolio::scope;
use crate::store::{CodeTable, Ledger, ScoreRow};

fn unknown_fund(ledger: &mut Ledger, code: &str) -> Error {
    let codes = ledger
        .read(|tx| tx.codes(CodeTable::Funds))
        .unwrap_or_default();
    unknown("fund", code, codes)
}

// ---------------------------------------------------------------------------------
// Idle cash and pacing

#[derive(Clone, Debug, Serialize)]
pub struct Lot {
    pub received: Date,
    pub amount: Money,
    pub over_warn: bool,
    pub over_alert: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct PacePoint {
    pub date: Date,
    pub lp_paid_in: Money,
    pub invested: Money,
    pub pace: Option<Ratio>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PacingRow {
    pub code: String,
    pub name: String,
    pub kind: FundKind,
    pub lp_committed: Money,
    pub lp_paid_in: Money,
    /// Deal payments, plus a guidance fund's payments into its sub-funds as an LP.
    pub invested: Money,
    /// invested ÷ LP paid-in.
    pub pace: Option<Ratio>,
    pub first_call_date: Option<Date>,
    /// LP payments on the first call date.
    pub first_call: Money,
    /// first_call ÷ LP committed.
    pub first_call_ratio: Option<Ratio>,
    /// Cash from LPs not yet invested (FIFO lots).
    pub idle: Money,
    pub idle_warn_months: u32,
    pub idle_alert_months: u32,
    pub idle_over_warn: Money,
    pub idle_over_alert: Money,
    /// idle_over_warn ÷ LP paid-in.
    pub idle_share: Option<Ratio>,
    /// idle_over_alert ÷ LP paid-in.
    pub idle_alert_share: Option<Ratio>,
    pub oldest_idle: Option<Date>,
    pub lots: Vec<Lot>,
    pub points: Vec<PacePoint>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Pacing {
    pub as_of: Date,
    pub funds: Vec<PacingRow>,
}

#[derive(Default)]
struct PaceAcc {
    committed: Money,
    paid_in: Money,
    invested: Money,
    first: Option<(Date, Money)>,
    fifo: CashFifo,
    points: Vec<PacePoint>,
}

impl PaceAcc {
    fn point(&mut self, date: Date) {
        if self.first.is_some() {
            self.points.push(PacePoint {
                date,
                lp_paid_in: self.paid_in,
                invested: self.invested,
                pace: Ratio::of(self.invested, self.paid_in),
            });
        }
    }
}

pub fn pacing(ledger: &mut Ledger, as_of: Date, fund: Option<&str>) -> Result<Pacing> {
    let (funds, inv_fund, policies, accs) = ledger.read(|tx| {
        let funds = tx.funds()?;
        let inv_fund: HashMap<i64, i64> = tx
            .investors()?
            .into_iter()
            .filter_map(|i| i.fund_id.map(|f| (i.id, f)))
            .collect();
        let policies = tx.policies(None)?;
        let mut accs: HashMap<i64, PaceAcc> = HashMap::new();
        let mut next_point: Option<Date> = None;
        tx.for_each_effective(as_of, |e| {
            // Year-ends passed before this entry: a point for every fund.
            let due = next_point
                .get_or_insert_with(|| year_end(chrono::Datelike::year(&e.date)).unwrap_or(as_of));
            while e.date > *due && *due < as_of {
                for a in accs.values_mut() {
                    a.point(*due);
                }
                *due = year_end(chrono::Datelike::year(due) + 1).unwrap_or(as_of);
            }
            let amount = e.amount.unwrap_or(Money::ZERO);
            let Some(f) = e.fund_id else { return Ok(()) };
            match e.kind {
                EntryKind::LpCommit => accs.entry(f).or_default().committed += amount,
                EntryKind::LpPay => {
                    let a = accs.entry(f).or_default();
                    a.paid_in += amount;
                    a.fifo.receive(e.date, amount);
                    match &mut a.first {
                        None => a.first = Some((e.date, amount)),
                        Some((d, m)) if *d == e.date => *m += amount,
                        _ => {}
                    }
                    // A fund paying into another fund as its LP invests that cash.
                    if let Some(payer) = e.investor_id.and_then(|i| inv_fund.get(&i)) {
                        let p = accs.entry(*payer).or_default();
                        p.invested += amount;
                        p.fifo.invest(amount);
                    }
                }
                EntryKind::DealPay => {
                    let a = accs.entry(f).or_default();
                    a.invested += amount;
                    a.fifo.invest(amount);
                }
                _ => {}
            }
            Ok(())
        })?;
        Ok((funds, inv_fund, policies, accs))
    })?;
    let _ = inv_fund;
    let shown = scope(&funds, fund).ok_or_else(|| unknown_fund(ledger, fund.unwrap_or("")))?;
    let mut accs = accs;
    let rows = shown
        .iter()
        .map(|f| {
            let mut a = accs.remove(&f.id).unwrap_or_default();
            let first_year = a.first.map(|(d, _)| d);
            // Year-ends after the last entry, then the as-of date.
            if let Some(first) = first_year {
                let have: BTreeSet<Date> = a.points.iter().map(|p| p.date).collect();
                for d in pace_points(first, as_of) {
                    if !have.contains(&d) {
                        a.point(d);
                    }
                }
            }
            a.points.sort_by_key(|p| p.date);
            let terms = terms_in_force(&policies, f.id, f.parent_id, as_of);
            let warn = terms.idle_warn_months.map_or(IDLE_WARN_MONTHS, |t| t.value);
            let alert = terms
                .idle_alert_months
                .map_or(IDLE_ALERT_MONTHS, |t| t.value);
            let over_warn = a.fifo.idle_over(as_of, warn);
            let over_alert = a.fifo.idle_over(as_of, alert);
            let (first_call_date, first_call) =
                a.first.map_or((None, Money::ZERO), |(d, m)| (Some(d), m));
            let oldest_idle = a.fifo.lots().next().map(|(d, _)| *d);
            let lots: Vec<Lot> = a
                .fifo
                .lots()
                .map(|(d, m)| Lot {
                    received: *d,
                    amount: *m,
                    over_warn: older_than(*d, as_of, warn),
                    over_alert: older_than(*d, as_of, alert),
                })
                .collect();
            PacingRow {
                code: f.code.clone(),
                name: f.name.clone(),
                kind: f.kind,
                lp_committed: a.committed,
                lp_paid_in: a.paid_in,
                invested: a.invested,
                pace: Ratio::of(a.invested, a.paid_in),
                first_call_date,
                first_call,
                first_call_ratio: Ratio::of(first_call, a.committed),
                idle: a.fifo.idle(),
                idle_warn_months: warn,
                idle_alert_months: alert,
                idle_over_warn: over_warn,
                idle_over_alert: over_alert,
                idle_share: Ratio::of(over_warn, a.paid_in),
                idle_alert_share: Ratio::of(over_alert, a.paid_in),
                oldest_idle,
                lots,
                points: a.points,
            }
        })
        .collect();
    Ok(Pacing { as_of, funds: rows })
}

// ---------------------------------------------------------------------------------
// Breakdowns

pub use crate::eval::BreakdownBy;

#[derive(Clone, Debug, Serialize)]
pub struct Share {
    /// Exact share, for machines.
    pub exact: Option<Ratio>,
    /// Percentage to 0.01%, by largest remainder so the column adds up to 100.00 exactly.
    pub percent: Option<Decimal>,
}

#[derive(Clone, Debug, Serialize)]
pub struct BreakdownRow {
    pub group: String,
    pub companies: usize,
    pub committed: Money,
    pub paid_in: Money,
    pub value: Money,
    pub share_committed: Share,
    pub share_paid_in: Share,
    pub share_value: Share,
}

#[derive(Clone, Debug, Serialize)]
pub struct BreakdownTotal {
    pub companies: usize,
    pub committed: Money,
    pub paid_in: Money,
    pub value: Money,
}

#[derive(Clone, Debug, Serialize)]
pub struct Breakdown {
    pub as_of: Date,
    pub by: BreakdownBy,
    pub fund: Option<String>,
    pub look_through: bool,
    pub groups: Vec<BreakdownRow>,
    pub total: BreakdownTotal,
}

/// The group label for no value (a company without a sector, stage or region).
pub const UNSPECIFIED: &str = "(unspecified)";

/// Each amount's share of their sum in basis points (0.01%), by largest remainder so
/// they add up to exactly 10,000; `None` when the sum is zero. (The fen of
/// `allocate_pro_rata` stand for basis points here: the same exact method.)
pub fn shares_bp(amounts: &[Money]) -> Option<Vec<i64>> {
    allocate_pro_rata(Money::from_fen(10_000), amounts)
        .map(|v| v.into_iter().map(Money::fen).collect())
}

/// The home region of a fund's deals for 返投: its guidance fund's region, else its own.
fn home_region(funds: &[Fund], f: &Fund) -> Option<String> {
    f.parent_id
        .and_then(|p| funds.iter().find(|x| x.id == p))
        .and_then(|p| p.region.clone())
        .or_else(|| f.region.clone())
}

struct Holding {
    fund_id: i64,
    company_id: i64,
    committed: Money,
    paid_in: Money,
    value: Money,
}

/// Holdings a breakdown or an outcome report covers: every holding of the funds in scope
/// in full, or with `look_through` a fund's own holdings in full and its paid-in share of
/// its sub-funds' holdings (reports/lookthrough.rs).
fn holdings(
    book: &Book,
    inv_fund: &HashMap<i64, Option<i64>>,
    shown: &[Fund],
    look_through: bool,
) -> Vec<Holding> {
    if look_through {
        let root = &shown[0];
        return crate::reports::lookthrough::lines(book, inv_fund, root.id)
            .into_iter()
            .map(|l| Holding {
                fund_id: l.via.unwrap_or(root.id),
                company_id: l.company_id,
                committed: l.committed,
                paid_in: l.paid_in,
                value: l.value,
            })
            .collect();
    }
    let ids: BTreeSet<i64> = shown.iter().map(|f| f.id).collect();
    book.holdings
        .iter()
        .filter(|((f, _), h)| ids.contains(f) && !h.committed.is_zero())
        .map(|((f, c), h)| Holding {
            fund_id: *f,
            company_id: *c,
            committed: h.committed,
            paid_in: h.paid_in,
            value: h.value().0,
        })
        .collect()
}

struct Scene {
    funds: Vec<Fund>,
    companies: Vec<Company>,
    inv_fund: HashMap<i64, Option<i64>>,
    book: Book,
    facts: Vec<Fact>,
}

fn scene(ledger: &mut Ledger, as_of: Date) -> Result<Scene> {
    ledger.read(|tx| {
        let funds = tx.funds()?;
        let companies = tx.companies()?;
        let inv_fund = tx
            .investors()?
            .into_iter()
            .map(|i| (i.id, i.fund_id))
            .collect();
        let facts = tx.facts()?;
        let mut book = Book::default();
        tx.for_each_effective(as_of, |e| {
            book.apply(&e);
            Ok(())
        })?;
        Ok(Scene {
            funds,
            companies,
            inv_fund,
            book,
            facts,
        })
    })
}

fn shown_funds(
    ledger: &mut Ledger,
    s: &Scene,
    fund: Option<&str>,
    look_through: bool,
) -> Result<Vec<Fund>> {
    if look_through && fund.is_none() {
        return Err(Error::refused(
            "look-through-needs-fund",
            "--look-through shows one fund's holdings through its sub-funds; name it with --fund",
        ));
    }
    scope(&s.funds, fund).ok_or_else(|| unknown_fund(ledger, fund.unwrap_or("")))
}

/// One group of a breakdown: (companies, committed, paid-in, value).
type Group = (BTreeSet<i64>, Money, Money, Money);

pub fn breakdown(
    ledger: &mut Ledger,
    as_of: Date,
    by: BreakdownBy,
    fund: Option<&str>,
    look_through: bool,
) -> Result<Breakdown> {
    let s = scene(ledger, as_of)?;
    let shown = shown_funds(ledger, &s, fund, look_through)?;
    let company: HashMap<i64, &Company> = s.companies.iter().map(|c| (c.id, c)).collect();
    let fund_of: HashMap<i64, &Fund> = s.funds.iter().map(|f| (f.id, f)).collect();
    let mut facts_of: HashMap<i64, Vec<&Fact>> = HashMap::new();
    for f in &s.facts {
        facts_of.entry(f.company_id).or_default().push(f);
    }
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let mut all: BTreeSet<i64> = BTreeSet::new();
    for h in holdings(&s.book, &s.inv_fund, &shown, look_through) {
        let Some(c) = company.get(&h.company_id) else {
            continue;
        };
        let key = match by {
            BreakdownBy::Sector => c.sector.clone(),
            BreakdownBy::Region => c.region.clone(),
            BreakdownBy::Stage => stage_on(
                c.stage,
                facts_of.get(&c.id).map_or(&[][..], Vec::as_slice),
                as_of,
            )
            .map(|s| s.as_str().to_string()),
            BreakdownBy::Local => {
                let home = fund_of
                    .get(&h.fund_id)
                    .and_then(|f| home_region(&s.funds, f));
                Some(
                    if home.is_some() && home == c.region {
                        "local"
                    } else {
                        "non-local"
                    }
                    .to_string(),
                )
            }
        }
        .unwrap_or_else(|| UNSPECIFIED.to_string());
        let g = groups.entry(key).or_default();
        g.0.insert(c.id);
        g.1 += h.committed;
        g.2 += h.paid_in;
        g.3 += h.value;
        all.insert(c.id);
    }
    let list: Vec<(String, Group)> = groups.into_iter().collect();
    let col = |pick: fn(&Group) -> Money| -> (Vec<Money>, Option<Vec<i64>>) {
        let v: Vec<Money> = list.iter().map(|(_, g)| pick(g)).collect();
        let bp = shares_bp(&v);
        (v, bp)
    };
    let (committed, bp_c) = col(|g| g.1);
    let (paid_in, bp_p) = col(|g| g.2);
    let (value, bp_v) = col(|g| g.3);
    let t = |v: &[Money]| v.iter().copied().sum::<Money>();
    let (tc, tp, tv) = (t(&committed), t(&paid_in), t(&value));
    let share = |m: Money, total: Money, bp: &Option<Vec<i64>>, i: usize| Share {
        exact: Ratio::of(m, total),
        percent: bp.as_ref().map(|b| Decimal::new(b[i], 2)),
    };
    let rows = list
        .iter()
        .enumerate()
        .map(|(i, (k, g))| BreakdownRow {
            group: k.clone(),
            companies: g.0.len(),
            committed: g.1,
            paid_in: g.2,
            value: g.3,
            share_committed: share(g.1, tc, &bp_c, i),
            share_paid_in: share(g.2, tp, &bp_p, i),
            share_value: share(g.3, tv, &bp_v, i),
        })
        .collect();
    Ok(Breakdown {
        as_of,
        by,
        fund: fund.map(String::from),
        look_through,
        groups: rows,
        total: BreakdownTotal {
            companies: all.len(),
            committed: tc,
            paid_in: tp,
            value: tv,
        },
    })
}

// ---------------------------------------------------------------------------------
// Company outcomes

#[derive(Clone, Debug, Serialize)]
pub struct CompanyOutcome {
    pub code: String,
    pub name: String,
    pub stage: Option<crate::eval::Stage>,
    pub region: Option<String>,
    /// Whether the company is in the home region of a fund in scope that holds it.
    pub local: bool,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Clone, Debug, Serialize)]
pub struct FundOutcome {
    pub code: String,
    pub name: String,
    /// Companies the fund holds directly or through its sub-funds, each once.
    pub companies: usize,
    #[serde(flatten)]
    pub outcome: Outcome,
    /// Follow-on financing of its local companies (返投 companies).
    pub local_financing: Money,
    pub relocated: usize,
}

#[derive(Clone, Debug, Serialize)]
pub struct Outcomes {
    pub as_of: Date,
    pub from: Date,
    pub companies: Vec<CompanyOutcome>,
    pub funds: Vec<FundOutcome>,
}

pub fn outcomes(
    ledger: &mut Ledger,
    as_of: Date,
    from: Option<Date>,
    fund: Option<&str>,
) -> Result<Outcomes> {
    let from = from.unwrap_or_else(|| year_start(chrono::Datelike::year(&as_of)).unwrap_or(as_of));
    if from > as_of {
        return Err(Error::refused(
            "bad-period",
            format!("--from {from} is after the as-of date {as_of}"),
        ));
    }
    let s = scene(ledger, as_of)?;
    let shown = shown_funds(ledger, &s, fund, false)?;
    let mut facts_of: HashMap<i64, Vec<&Fact>> = HashMap::new();
    for f in &s.facts {
        facts_of.entry(f.company_id).or_default().push(f);
    }
    let held = holdings(&s.book, &s.inv_fund, &shown, false);
    let fund_of: HashMap<i64, &Fund> = s.funds.iter().map(|f| (f.id, f)).collect();
    let mut local: BTreeMap<i64, bool> = BTreeMap::new();
    for h in &held {
        let c = s.companies.iter().find(|c| c.id == h.company_id);
        let home = fund_of
            .get(&h.fund_id)
            .and_then(|f| home_region(&s.funds, f));
        let is_local = home.is_some() && c.and_then(|c| c.region.clone()) == home;
        *local.entry(h.company_id).or_default() |= is_local;
    }
    let outcome_of = |id: i64| {
        Outcome::of(
            facts_of.get(&id).map_or(&[][..], Vec::as_slice),
            from,
            as_of,
        )
    };
    let companies = s
        .companies
        .iter()
        .filter(|c| local.contains_key(&c.id))
        .map(|c| CompanyOutcome {
            code: c.code.clone(),
            name: c.name.clone(),
            stage: stage_on(
                c.stage,
                facts_of.get(&c.id).map_or(&[][..], Vec::as_slice),
                as_of,
            ),
            region: c.region.clone(),
            local: local[&c.id],
            outcome: outcome_of(c.id),
        })
        .collect();
    let funds = shown
        .iter()
        .map(|f| {
            let programme = scope(&s.funds, Some(&f.code)).unwrap_or_default();
            let ids: BTreeSet<i64> = held
                .iter()
                .filter(|h| programme.iter().any(|p| p.id == h.fund_id))
                .map(|h| h.company_id)
                .collect();
            let mut o = Outcome::default();
            let mut local_financing = Money::ZERO;
            let mut relocated = 0;
            for id in &ids {
                let c = outcome_of(*id);
                if local.get(id).copied().unwrap_or(false) {
                    local_financing += c.financing;
                }
                if c.relocated.is_some_and(|d| d >= from) {
                    relocated += 1;
                }
                o.add(&c);
            }
            FundOutcome {
                code: f.code.clone(),
                name: f.name.clone(),
                companies: ids.len(),
                outcome: o,
                local_financing,
                relocated,
            }
        })
        .collect();
    Ok(Outcomes {
        as_of,
        from,
        companies,
        funds,
    })
}

// ---------------------------------------------------------------------------------
// Scorecard

#[derive(Clone, Debug, Serialize)]
pub struct ScoredIndicator {
    pub key: String,
    pub name: String,
    pub group: Option<String>,
    pub weight: Decimal,
    pub bonus: bool,
    pub metric: Option<Metric>,
    pub manual: bool,
    /// The figure scored (exact, shortest form); `null` when undefined or manual.
    #[serde(serialize_with = "ser_normalized")]
    pub figure: Option<Decimal>,
    pub score: Decimal,
    /// The numbers behind the figure, and how the score was reached.
    pub evidence: String,
    /// The manual score record used (its id), if any.
    pub score_record: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Scorecard {
    pub fund: String,
    pub name: String,
    pub year: i32,
    pub as_of: Date,
    /// The template file, and the name it gives itself.
    pub template: String,
    pub template_name: String,
    pub indicators: Vec<ScoredIndicator>,
    pub base: Decimal,
    pub bonus: Decimal,
    pub total: Decimal,
    pub grade: Option<String>,
}

fn ser_normalized<S: serde::Serializer>(
    d: &Option<Decimal>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.normalize().to_string()),
        None => s.serialize_none(),
    }
}

fn dec(r: Option<Ratio>) -> Option<Decimal> {
    r.map(|r| r.0)
}

fn money_text(m: Money) -> String {
    m.to_plain()
}

/// The figures of fund `code` for `year` that templates may score.
fn figures(
    ledger: &mut Ledger,
    code: &str,
    year: i32,
) -> Result<(Fund, Date, HashMap<Metric, Figure>)> {
    let as_of = year_end(year)
        .ok_or_else(|| Error::refused("bad-year", format!("--year {year} is not a year")))?;
    let from = year_start(year).unwrap_or(as_of);
    let f = ledger
        .read(|tx| tx.fund_by_code(code))?
        .ok_or_else(|| unknown_fund(ledger, code))?;
    let mut m: HashMap<Metric, Figure> = HashMap::new();

    let lev = crate::reports::leverage::leverage(ledger, as_of, Some(code))?;
    if let Some(row) = lev.funds.iter().find(|r| r.code == f.code) {
        let r = &row.figures.reinvest;
        m.insert(
            Metric::ReinvestRatio,
            Figure::of(
                dec(r.ratio),
                format!(
                    "返投 {} ÷ base {}",
                    money_text(r.local_amount),
                    money_text(r.base)
                ),
            ),
        );
        let completion = match r.minimum {
            None => Figure::of(
                None,
                "no 返投 minimum in force (record one with fund policy; 0 if none applies)",
            ),
            Some(min) if min.is_zero() => Figure {
                value: None,
                met: true,
                evidence: "返投 minimum 0 (国办发〔2025〕1号): met".into(),
            },
            Some(min) => Figure::of(
                r.ratio.map(|x| x.0 / min.as_decimal()),
                format!(
                    "返投 ratio {} ÷ minimum {} (返投 {} ÷ base {})",
                    r.ratio.map_or("n/a".into(), |x| x.to_string()),
                    min,
                    money_text(r.local_amount),
                    money_text(r.base)
                ),
            ),
        };
        m.insert(Metric::ReinvestCompletion, completion);
        for (metric, fig) in [
            (Metric::LeveragePaidIn, &row.figures.leverage_paid_in),
            (Metric::LeverageCommitted, &row.figures.leverage_committed),
        ] {
            m.insert(
                metric,
                Figure::of(
                    dec(fig.value),
                    format!(
                        "{} ÷ {}",
                        money_text(fig.numerator),
                        money_text(fig.denominator)
                    ),
                ),
            );
        }
    }

    let p = crate::reports::portfolio(ledger, as_of, Some(code))?;
    m.insert(
        Metric::PaidInRatio,
        Figure::of(
            dec(p.total.paid_in_ratio),
            format!(
                "deal paid-in {} ÷ deal committed {}",
                money_text(p.total.deal_paid_in),
                money_text(p.total.deal_committed)
            ),
        ),
    );

    let pace = pacing(ledger, as_of, Some(code))?;
    if let Some(r) = pace.funds.iter().find(|r| r.code == f.code) {
        m.insert(
            Metric::InvestmentPace,
            Figure::of(
                dec(r.pace),
                format!(
                    "invested {} ÷ LP paid-in {}",
                    money_text(r.invested),
                    money_text(r.lp_paid_in)
                ),
            ),
        );
        m.insert(
            Metric::IdleShare,
            Figure::of(
                dec(r.idle_share),
                format!(
                    "idle over {} months {} ÷ LP paid-in {}",
                    r.idle_warn_months,
                    money_text(r.idle_over_warn),
                    money_text(r.lp_paid_in)
                ),
            ),
        );
        m.insert(
            Metric::IdleAlertShare,
            Figure::of(
                dec(r.idle_alert_share),
                format!(
                    "idle over {} months {} ÷ LP paid-in {}",
                    r.idle_alert_months,
                    money_text(r.idle_over_alert),
                    money_text(r.lp_paid_in)
                ),
            ),
        );
        m.insert(
            Metric::FirstCallRatio,
            Figure::of(
                dec(r.first_call_ratio),
                format!(
                    "first call {} ÷ LP committed {}",
                    money_text(r.first_call),
                    money_text(r.lp_committed)
                ),
            ),
        );
    }

    let q = crate::reports::ReturnsQuery {
        as_of,
        fund: Some(code),
        by: crate::reports::By::Fund,
        benchmark: None,
        look_through: false,
    };
    let ret = crate::reports::returns(ledger, &q)?;
    if let Some(r) = ret
        .funds
        .as_ref()
        .and_then(|v| v.iter().find(|r| r.code == f.code))
    {
        let n = &r.net;
        m.insert(
            Metric::Tvpi,
            Figure::of(
                dec(n.tvpi),
                format!(
                    "(distributed {} + NAV {}) ÷ LP paid-in {}",
                    money_text(n.distributed),
                    n.nav.map_or("n/a".into(), money_text),
                    money_text(n.paid_in)
                ),
            ),
        );
        m.insert(
            Metric::Dpi,
            Figure::of(
                dec(n.dpi),
                format!(
                    "distributed {} ÷ LP paid-in {}",
                    money_text(n.distributed),
                    money_text(n.paid_in)
                ),
            ),
        );
        m.insert(
            Metric::IrrNet,
            Figure::of(
                n.irr.rate.map(|r| r.0),
                format!(
                    "net IRR (XIRR of LP flows and NAV; float solver), status {:?}",
                    n.irr.status
                ),
            ),
        );
    }

    let out = outcomes(ledger, as_of, Some(from), Some(code))?;
    if let Some(o) = out.funds.iter().find(|r| r.code == f.code) {
        let n = |x: usize| Some(Decimal::from(x));
        let c = o.companies;
        let oc = &o.outcome;
        let period = format!("{from} to {as_of}");
        m.insert(
            Metric::Companies,
            Figure::of(n(c), format!("{c} companies held (with sub-funds)")),
        );
        m.insert(
            Metric::Jobs,
            Figure::of(
                Some(Decimal::from(oc.jobs.unwrap_or(0))),
                format!("latest headcount of {c} companies on {as_of}"),
            ),
        );
        for (metric, amount, what) in [
            (Metric::Tax, oc.tax, "tax paid"),
            (Metric::Revenue, oc.revenue, "revenue"),
            (Metric::Financing, oc.financing, "follow-on financing"),
            (
                Metric::LocalFinancing,
                o.local_financing,
                "follow-on financing of local (返投) companies",
            ),
        ] {
            m.insert(
                metric,
                Figure::of(
                    Some(amount.as_decimal()),
                    format!("{what} {} yuan, {period}", money_text(amount)),
                ),
            );
        }
        m.insert(
            Metric::LeadRounds,
            Figure::of(
                n(oc.led_rounds),
                format!("{} of {} rounds led, {period}", oc.led_rounds, oc.rounds),
            ),
        );
        m.insert(
            Metric::LeadShare,
            Figure::of(
                (oc.rounds > 0).then(|| Decimal::from(oc.led_rounds) / Decimal::from(oc.rounds)),
                format!("{} led ÷ {} rounds, {period}", oc.led_rounds, oc.rounds),
            ),
        );
        m.insert(
            Metric::Relocated,
            Figure::of(
                n(o.relocated),
                format!("{} companies relocated to the city, {period}", o.relocated),
            ),
        );
    }
    Ok((f, as_of, m))
}

pub fn scorecard(
    ledger: &mut Ledger,
    code: &str,
    year: i32,
    template_name: &str,
    t: &Template,
) -> Result<Scorecard> {
    let (f, as_of, figs) = figures(ledger, code, year)?;
    let scores: Vec<ScoreRow> = ledger.read(|tx| tx.scores(f.id))?;
    let mut indicators = Vec::new();
    for i in &t.indicators {
        let (figure, score, evidence, record) = if i.manual {
            // The latest effective record for this fund, year and indicator.
            match scores
                .iter()
                .filter(|s| s.year == year && s.indicator == i.key)
                .max_by_key(|s| s.id)
            {
                Some(s) if s.score > i.weight => {
                    return Err(Error::refused(
                        "score-above-weight",
                        format!(
                            "manual score #{} of {} for indicator '{}' ({year}) is {} points, above the \
                             template's weight {}; reverse it and record a score within the weight",
                            s.id, f.code, i.key, s.score, i.weight
                        ),
                    ))
                }
                Some(s) => (
                    None,
                    s.score,
                    format!("manual #{} by {}: {}", s.id, s.recorded_by, s.note),
                    Some(s.id),
                ),
                None => (
                    None,
                    crate::eval::round_score(Decimal::ZERO),
                    format!("not scored yet (fund score {} --year {year} --indicator {} …)", f.code, i.key),
                    None,
                ),
            }
        } else {
            let metric = i.metric.expect("checked when the template was read");
            let fig = figs
                .get(&metric)
                .cloned()
                .unwrap_or_else(|| Figure::of(None, "no figure for this fund"));
            let (score, how) = score_indicator(i, &fig);
            (fig.value, score, format!("{}; {how}", fig.evidence), None)
        };
        indicators.push(ScoredIndicator {
            key: i.key.clone(),
            name: i.name.clone(),
            group: i.group.clone(),
            weight: i.weight,
            bonus: i.bonus,
            metric: i.metric,
            manual: i.manual,
            figure,
            score,
            evidence,
            score_record: record,
        });
    }
    let base: Decimal = indicators
        .iter()
        .filter(|i| !i.bonus)
        .map(|i| i.score)
        .sum();
    let bonus_raw: Decimal = indicators.iter().filter(|i| i.bonus).map(|i| i.score).sum();
    // Sums of scores already rounded to SCORE_DP: exact, rescaled only for display.
    let bonus = crate::eval::round_score(t.bonus_cap.map_or(bonus_raw, |c| bonus_raw.min(c)));
    let base = crate::eval::round_score(base);
    let total = base + bonus;
    Ok(Scorecard {
        fund: f.code.clone(),
        name: f.name.clone(),
        year,
        as_of,
        template: template_name.to_string(),
        template_name: t.name.clone(),
        indicators,
        base,
        bonus,
        total,
        grade: t.grade(total).map(String::from),
    })
}
