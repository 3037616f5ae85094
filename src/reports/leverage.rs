//! `report leverage`: what each guidance fund's money drew in (放大倍数, 撬动社会资金),
//! what its programme invested back home (返投), and whether each sub-fund keeps the
//! government's share under its cap. Formulas in docs/leverage.md.
//!
//! Why every ratio carries its numerator and denominator: published 放大倍数 figures use
//! incompatible definitions (DOMAIN.md), so a bare multiple cannot be compared with
//! anyone else's; the two amounts can. A zero denominator gives `None` with a reason.
//!
//! Row scopes:
//! - a sub-fund row covers that fund's own LPs and holdings;
//! - a guidance-fund row covers its *programme*, the guidance fund and its sub-funds
//!   consolidated: its own commitments to its sub-funds are internal and counted once
//!   (as the capital its own LPs put in), so government money is never counted twice;
//! - the total covers every fund shown, consolidated the same way.
//!
//! So on every row size = government + state-owned + social, on both bases.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::book::{Book, LpPosition};
use crate::date::Date;
use crate::domain::{Company, Entry, EntryKind, Fund, FundKind, Investor, InvestorType};
use crate::error::{unknown, Error, Result};
use crate::money::{Money, Ratio};
use crate::policy::{terms_in_force, Factor, PolicyRecord, ReinvestBase, Terms};
use crate::store::Ledger;

/// A ratio shown with what it divides. `value` is `None` exactly when the denominator
/// is zero, and then `reason` says why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fig {
    pub value: Option<Ratio>,
    pub numerator: Money,
    pub denominator: Money,
    pub reason: Option<String>,
}

impl Fig {
    fn of(numerator: Money, denominator: Money, why_zero: impl FnOnce() -> String) -> Fig {
        let value = Ratio::of(numerator, denominator);
        let reason = value.is_none().then(why_zero);
        Fig {
            value,
            numerator,
            denominator,
            reason,
        }
    }
}

/// 返投: weighted local investment against the guidance fund's contribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reinvest {
    /// Weighted investments into home-region companies, on `base_kind`.
    pub local_amount: Money,
    /// The guidance fund's contribution on `base_kind` (the denominator).
    pub base: Money,
    /// `None` only in a total over guidance funds whose policies use different bases.
    pub base_kind: Option<ReinvestBase>,
    /// local_amount ÷ base.
    pub ratio: Option<Ratio>,
    pub reason: Option<String>,
    /// The policy's minimum multiple, if one is in force.
    pub minimum: Option<Factor>,
    /// minimum × base, rounded to the fen half away from zero.
    pub required: Option<Money>,
    /// required − local_amount when positive, else 0.
    pub shortfall: Option<Money>,
}

/// Every figure of a row (and of the total).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub gov_committed: Money,
    pub gov_paid_in: Money,
    pub soe_committed: Money,
    pub soe_paid_in: Money,
    pub social_committed: Money,
    pub social_paid_in: Money,
    pub size_committed: Money,
    pub size_paid_in: Money,
    pub leverage_committed: Fig,
    pub leverage_paid_in: Fig,
    /// social_committed ÷ gov_committed.
    pub social_multiple: Fig,
    pub reinvest: Reinvest,
    /// gov_committed ÷ size_committed.
    pub gov_share: Option<Ratio>,
    pub gov_share_reason: Option<String>,
    /// The cap in force (sub-funds only).
    pub gov_share_max: Option<Factor>,
    /// gov_share above the cap; `None` where no cap applies. In the total: any breach.
    pub breach: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeverageRow {
    pub code: String,
    pub name: String,
    pub kind: FundKind,
    pub parent: Option<String>,
    /// Guidance funds: how many sub-funds they have set up.
    pub sub_funds: Option<usize>,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeverageTotal {
    pub guidance_funds: usize,
    pub sub_funds: usize,
    #[serde(flatten)]
    pub figures: Figures,
}

/// A sub-fund whose government share is above its cap.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Breach {
    pub code: String,
    pub parent: Option<String>,
    pub gov_committed: Money,
    pub size_committed: Money,
    pub gov_share: Option<Ratio>,
    pub gov_share_max: Factor,
    /// gov_committed − gov_share_max × size_committed (the latter rounded to the fen).
    pub excess: Money,
    /// The policy record that sets the cap, and whose it is.
    pub policy_id: i64,
    pub policy_fund: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Leverage {
    pub as_of: Date,
    pub funds: Vec<LeverageRow>,
    pub total: LeverageTotal,
    pub breaches: Vec<Breach>,
}

/// One holding's 返投-weighted amounts.
///
/// A weight stated on a commitment applies to it, to later commitments that state none,
/// and to payments recorded after it; amounts before any stated weight take the
/// region default when the report knows the fund's home region (1 or 0, so exact).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WeightedHolding {
    current: Option<Factor>,
    stated_committed: Money,
    stated_paid_in: Money,
    unstated_committed: Money,
    unstated_paid_in: Money,
}

impl WeightedHolding {
    /// The weighted amount on `base`; `local` says whether the company is in the home
    /// region (weight 1 for amounts with no stated weight) or not (weight 0).
    pub fn weighted(&self, base: ReinvestBase, local: bool) -> Money {
        let (stated, unstated) = match base {
            ReinvestBase::Committed => (self.stated_committed, self.unstated_committed),
            ReinvestBase::PaidIn => (self.stated_paid_in, self.unstated_paid_in),
        };
        if local {
            stated + unstated
        } else {
            stated
        }
    }
}

/// 返投 weights folded from the journal, beside the [`Book`], keyed (fund, company).
#[derive(Clone, Debug, Default)]
pub struct Weights {
    pub holdings: BTreeMap<(i64, i64), WeightedHolding>,
    /// Per fund: (committed, paid-in) of its home-region holdings that are not in
    /// `holdings` because no commitment of theirs states a weight, summed from the
    /// position summary. Each counts at weight 1, so the sum is exact; a holding
    /// outside the home region and without a stated weight counts 0 and is left out.
    pub local_unstated: HashMap<i64, (Money, Money)>,
}

impl Weights {
    /// Apply one effective entry; entries arrive in (date, id) order.
    pub fn apply(&mut self, e: &Entry) {
        let (Some(f), Some(c), Some(amount)) = (e.fund_id, e.company_id, e.amount) else {
            return;
        };
        let commit = match e.kind {
            EntryKind::DealCommit => true,
            EntryKind::DealPay => false,
            _ => return,
        };
        let h = self.holdings.entry((f, c)).or_default();
        if commit && e.reinvest_weight.is_some() {
            h.current = e.reinvest_weight;
        }
        // Each weighted amount is rounded to the fen, half away from zero.
        match (h.current, commit) {
            (Some(w), true) => h.stated_committed += amount.mul_round_fen(w.as_decimal()),
            (Some(w), false) => h.stated_paid_in += amount.mul_round_fen(w.as_decimal()),
            (None, true) => h.unstated_committed += amount,
            (None, false) => h.unstated_paid_in += amount,
        }
    }
}

/// Everything the report reads, as of one date.
pub struct Inputs<'a> {
    pub as_of: Date,
    pub funds: &'a [Fund],
    pub investors: &'a [Investor],
    pub companies: &'a [Company],
    pub policies: &'a [PolicyRecord],
    /// LP positions (the book's holdings are not read: see `direct`).
    pub book: &'a Book,
    pub weights: &'a Weights,
    /// Per fund: what it has committed to and paid into companies directly, summed
    /// over its holdings.
    pub direct: &'a HashMap<i64, LpPosition>,
}

/// Add a holding's amounts to its fund's direct total.
fn add_direct(direct: &mut HashMap<i64, LpPosition>, fund: i64, h: &crate::book::Holding) {
    let d = direct.entry(fund).or_default();
    d.committed += h.committed;
    d.paid_in += h.paid_in;
}

#[derive(Clone, Debug, Default)]
struct Capital {
    gov: LpPosition,
    soe: LpPosition,
    social: LpPosition,
}

impl Capital {
    fn size_committed(&self) -> Money {
        self.gov.committed + self.soe.committed + self.social.committed
    }
    fn size_paid_in(&self) -> Money {
        self.gov.paid_in + self.soe.paid_in + self.social.paid_in
    }
}

struct Ctx<'a> {
    inp: &'a Inputs<'a>,
    funds: HashMap<i64, &'a Fund>,
    /// investor id → (capital class, the fund it is, if any)
    investors: HashMap<i64, (InvestorType, Option<i64>)>,
    /// fund id → its investor id when it acts as an LP
    fund_investor: HashMap<i64, i64>,
    regions: HashMap<i64, Option<&'a str>>,
}

impl<'a> Ctx<'a> {
    fn new(inp: &'a Inputs<'a>) -> Ctx<'a> {
        let funds: HashMap<i64, &Fund> = inp.funds.iter().map(|f| (f.id, f)).collect();
        let is_guidance = |id: Option<i64>| {
            id.and_then(|id| funds.get(&id))
                .is_some_and(|f| f.kind == FundKind::Guidance)
        };
        // A guidance fund acting as an LP is government money whatever type its
        // investor record was given.
        let investors = inp
            .investors
            .iter()
            .map(|i| {
                let class = if is_guidance(i.fund_id) {
                    InvestorType::Government
                } else {
                    i.investor_type
                };
                (i.id, (class, i.fund_id))
            })
            .collect();
        let fund_investor = inp
            .investors
            .iter()
            .filter_map(|i| i.fund_id.map(|f| (f, i.id)))
            .collect();
        let regions = inp
            .companies
            .iter()
            .map(|c| (c.id, c.region.as_deref()))
            .collect();
        Ctx {
            inp,
            funds,
            investors,
            fund_investor,
            regions,
        }
    }

    fn sub_funds(&self, g: &Fund) -> Vec<&'a Fund> {
        self.inp
            .funds
            .iter()
            .filter(|f| f.kind == FundKind::SubFund && f.parent_id == Some(g.id))
            .collect()
    }

    /// LP capital of `funds`, leaving out LPs that are themselves among `internal`.
    fn capital(&self, funds: &[i64], internal: &HashSet<i64>) -> Capital {
        let mut c = Capital::default();
        for &f in funds {
            for ((_, inv), p) in self.inp.book.lps.range((f, i64::MIN)..=(f, i64::MAX)) {
                let Some(&(class, as_fund)) = self.investors.get(inv) else {
                    continue;
                };
                if as_fund.is_some_and(|id| internal.contains(&id)) {
                    continue;
                }
                let bucket = match class {
                    InvestorType::Government => &mut c.gov,
                    InvestorType::StateOwned => &mut c.soe,
                    InvestorType::Social => &mut c.social,
                };
                bucket.committed += p.committed;
                bucket.paid_in += p.paid_in;
            }
        }
        c
    }

    /// What guidance fund `g` has committed to and paid into fund `f`.
    fn contribution(&self, g: i64, f: i64) -> LpPosition {
        self.fund_investor
            .get(&g)
            .and_then(|inv| self.inp.book.lps.get(&(f, *inv)))
            .cloned()
            .unwrap_or_default()
    }

    /// Weighted local investment of fund `f` on `base`.
    fn local(&self, f: &Fund, base: ReinvestBase) -> Money {
        let home = home_region(&self.funds, f);
        let stated: Money = self
            .inp
            .weights
            .holdings
            .range((f.id, i64::MIN)..=(f.id, i64::MAX))
            .map(|((_, c), h)| {
                h.weighted(base, is_home(home, self.regions.get(c).copied().flatten()))
            })
            .sum();
        let unstated = match (self.inp.weights.local_unstated.get(&f.id), base) {
            (Some((committed, _)), ReinvestBase::Committed) => *committed,
            (Some((_, paid_in)), ReinvestBase::PaidIn) => *paid_in,
            (None, _) => Money::ZERO,
        };
        stated + unstated
    }

    fn terms(&self, f: &Fund) -> Terms {
        terms_in_force(self.inp.policies, f.id, f.parent_id, self.inp.as_of)
    }
}

/// The region 返投 counts as home for deals of `f`: its guidance fund's, else its own.
fn home_region<'a>(funds: &HashMap<i64, &'a Fund>, f: &Fund) -> Option<&'a str> {
    let parent = f
        .parent_id
        .and_then(|p| funds.get(&p))
        .and_then(|p| p.region.as_deref());
    parent.or(funds.get(&f.id).and_then(|f| f.region.as_deref()))
}

/// Whether a company in `region` is in the home region `home` (none is, without one).
fn is_home(home: Option<&str>, region: Option<&str>) -> bool {
    home.is_some() && region == home
}

fn reinvest(
    local: Money,
    base: Money,
    kind: ReinvestBase,
    minimum: Option<Factor>,
    why_zero: impl FnOnce() -> String,
) -> Reinvest {
    let ratio = Ratio::of(local, base);
    let required = minimum.map(|m| base.mul_round_fen(m.as_decimal()));
    Reinvest {
        local_amount: local,
        base,
        base_kind: Some(kind),
        ratio,
        reason: ratio.is_none().then(why_zero),
        minimum,
        required,
        shortfall: required.map(|r| if r > local { r - local } else { Money::ZERO }),
    }
}

fn figures(
    cap: &Capital,
    lev_c: Fig,
    lev_p: Fig,
    reinvest: Reinvest,
    what: &str,
    as_of: Date,
) -> Figures {
    let size_committed = cap.size_committed();
    let gov_share = Ratio::of(cap.gov.committed, size_committed);
    Figures {
        gov_committed: cap.gov.committed,
        gov_paid_in: cap.gov.paid_in,
        soe_committed: cap.soe.committed,
        soe_paid_in: cap.soe.paid_in,
        social_committed: cap.social.committed,
        social_paid_in: cap.social.paid_in,
        size_committed,
        size_paid_in: cap.size_paid_in(),
        leverage_committed: lev_c,
        leverage_paid_in: lev_p,
        social_multiple: Fig::of(cap.social.committed, cap.gov.committed, || {
            format!("{what} has no government capital committed as of {as_of}")
        }),
        reinvest,
        gov_share,
        gov_share_reason: gov_share
            .is_none()
            .then(|| format!("{what} has no LP commitments as of {as_of}")),
        gov_share_max: None,
        breach: None,
    }
}

fn sub_fund_row(cx: &Ctx<'_>, s: &Fund, breaches: &mut Vec<Breach>) -> LeverageRow {
    let as_of = cx.inp.as_of;
    let g = s.parent_id.and_then(|p| cx.funds.get(&p).copied());
    let g_code = g.map_or("(none)", |g| g.code.as_str());
    let contrib = g.map(|g| cx.contribution(g.id, s.id)).unwrap_or_default();
    let cap = cx.capital(&[s.id], &HashSet::new());
    let lev_c = Fig::of(cap.size_committed(), contrib.committed, || {
        format!(
            "guidance fund '{g_code}' has committed nothing to '{}' as of {as_of}",
            s.code
        )
    });
    let lev_p = Fig::of(cap.size_paid_in(), contrib.paid_in, || {
        format!(
            "guidance fund '{g_code}' has paid nothing into '{}' as of {as_of}",
            s.code
        )
    });
    let terms = cx.terms(s);
    let kind = terms.base();
    let base = match kind {
        ReinvestBase::Committed => contrib.committed,
        ReinvestBase::PaidIn => contrib.paid_in,
    };
    let ri = reinvest(
        cx.local(s, kind),
        base,
        kind,
        terms.reinvest_min.as_ref().map(|t| t.value),
        || {
            format!(
                "guidance fund '{g_code}' has no {kind} contribution to '{}' as of {as_of}",
                s.code
            )
        },
    );
    let mut fig = figures(&cap, lev_c, lev_p, ri, &format!("'{}'", s.code), as_of);
    if let Some(t) = &terms.gov_share_max {
        let max = t.value;
        // Exact: compare gov ≤ max × size without dividing.
        let over =
            fig.gov_committed.as_decimal() > max.as_decimal() * fig.size_committed.as_decimal();
        fig.gov_share_max = Some(max);
        fig.breach = Some(over);
        if over {
            breaches.push(Breach {
                code: s.code.clone(),
                parent: s.parent.clone(),
                gov_committed: fig.gov_committed,
                size_committed: fig.size_committed,
                gov_share: fig.gov_share,
                gov_share_max: max,
                excess: fig.gov_committed - fig.size_committed.mul_round_fen(max.as_decimal()),
                policy_id: t.policy_id,
                policy_fund: t.fund.clone(),
            });
        }
    }
    LeverageRow {
        code: s.code.clone(),
        name: s.name.clone(),
        kind: s.kind,
        parent: s.parent.clone(),
        sub_funds: None,
        figures: fig,
    }
}

fn guidance_row(cx: &Ctx<'_>, g: &Fund, sub_rows: &[&LeverageRow]) -> LeverageRow {
    let as_of = cx.inp.as_of;
    let subs = cx.sub_funds(g);
    let mut programme: Vec<i64> = vec![g.id];
    programme.extend(subs.iter().map(|s| s.id));
    let internal: HashSet<i64> = programme.iter().copied().collect();
    let cap = cx.capital(&programme, &internal);
    let contribs: Vec<LpPosition> = subs.iter().map(|s| cx.contribution(g.id, s.id)).collect();
    let committed: Money = contribs.iter().map(|c| c.committed).sum();
    let paid_in: Money = contribs.iter().map(|c| c.paid_in).sum();
    let no_subs = subs.is_empty();
    let why = |basis: &str| {
        if no_subs {
            format!("'{}' has no sub-funds", g.code)
        } else {
            format!(
                "'{}' has {basis} nothing to its sub-funds as of {as_of}",
                g.code
            )
        }
    };
    // Sub-fund sizes come from the sub-fund rows when they are shown, else afresh.
    let sizes: Vec<(Money, Money)> = subs
        .iter()
        .map(|s| match sub_rows.iter().find(|r| r.code == s.code) {
            Some(r) => (r.figures.size_committed, r.figures.size_paid_in),
            None => {
                let c = cx.capital(&[s.id], &HashSet::new());
                (c.size_committed(), c.size_paid_in())
            }
        })
        .collect();
    let lev_c = Fig::of(sizes.iter().map(|s| s.0).sum(), committed, || {
        why("committed")
    });
    let lev_p = Fig::of(sizes.iter().map(|s| s.1).sum(), paid_in, || why("paid"));
    let terms = cx.terms(g);
    let kind = terms.base();
    // The guidance fund's direct deals count on both sides: their weighted local part in
    // the numerator, their whole amount in its contribution. Counting them only above
    // the line would let direct investing inflate 返投, and leave a fund without
    // sub-funds with local investment and no base.
    let direct = cx.inp.direct.get(&g.id).cloned().unwrap_or_default();
    let base = match kind {
        ReinvestBase::Committed => committed + direct.committed,
        ReinvestBase::PaidIn => paid_in + direct.paid_in,
    };
    let local = cx.local(g, kind) + subs.iter().map(|s| cx.local(s, kind)).sum::<Money>();
    let ri = reinvest(
        local,
        base,
        kind,
        terms.reinvest_min.as_ref().map(|t| t.value),
        || {
            format!(
                "'{}' has no {kind} contribution to sub-funds or companies as of {as_of}",
                g.code
            )
        },
    );
    LeverageRow {
        code: g.code.clone(),
        name: g.name.clone(),
        kind: g.kind,
        parent: g.parent.clone(),
        sub_funds: Some(subs.len()),
        figures: figures(
            &cap,
            lev_c,
            lev_p,
            ri,
            &format!("programme '{}'", g.code),
            as_of,
        ),
    }
}

fn total(
    cx: &Ctx<'_>,
    shown: &[&Fund],
    rows: &[LeverageRow],
    top: &[usize],
    any_breach: bool,
) -> LeverageTotal {
    let as_of = cx.inp.as_of;
    let ids: Vec<i64> = shown.iter().map(|f| f.id).collect();
    let cap = cx.capital(&ids, &ids.iter().copied().collect());
    let sum =
        |get: &dyn Fn(&Figures) -> Money| top.iter().map(|&i| get(&rows[i].figures)).sum::<Money>();
    let lev_c = Fig::of(
        sum(&|f| f.leverage_committed.numerator),
        sum(&|f| f.leverage_committed.denominator),
        || format!("no guidance fund in this report has committed to a sub-fund as of {as_of}"),
    );
    let lev_p = Fig::of(
        sum(&|f| f.leverage_paid_in.numerator),
        sum(&|f| f.leverage_paid_in.denominator),
        || format!("no guidance fund in this report has paid into a sub-fund as of {as_of}"),
    );
    let local = sum(&|f| f.reinvest.local_amount);
    let base = sum(&|f| f.reinvest.base);
    let kinds: HashSet<Option<ReinvestBase>> = top
        .iter()
        .map(|&i| rows[i].figures.reinvest.base_kind)
        .collect();
    let ratio = Ratio::of(local, base);
    let add = |get: &dyn Fn(&Reinvest) -> Option<Money>| {
        top.iter()
            .filter_map(|&i| get(&rows[i].figures.reinvest))
            .reduce(|a, b| a + b)
    };
    let ri = Reinvest {
        local_amount: local,
        base,
        base_kind: if kinds.len() == 1 {
            kinds.into_iter().next().flatten()
        } else {
            None
        },
        ratio,
        reason: ratio.is_none().then(|| {
            format!("no guidance fund in this report has contributed to a sub-fund as of {as_of}")
        }),
        minimum: None,
        required: add(&|r| r.required),
        shortfall: add(&|r| r.shortfall),
    };
    let mut fig = figures(&cap, lev_c, lev_p, ri, "this report", as_of);
    fig.breach = Some(any_breach);
    LeverageTotal {
        guidance_funds: shown
            .iter()
            .filter(|f| f.kind == FundKind::Guidance)
            .count(),
        sub_funds: shown.iter().filter(|f| f.kind == FundKind::SubFund).count(),
        figures: fig,
    }
}

/// The funds a leverage report covers, in display order: each guidance fund followed
/// by its sub-funds. `code` narrows it to one guidance fund and its sub-funds, or to
/// one sub-fund. Vehicles take no part.
pub fn select<'a>(funds: &'a [Fund], code: Option<&str>) -> Result<Vec<&'a Fund>> {
    let block = |g: &'a Fund| {
        std::iter::once(g).chain(
            funds
                .iter()
                .filter(move |f| f.kind == FundKind::SubFund && f.parent_id == Some(g.id)),
        )
    };
    let Some(code) = code else {
        let mut out: Vec<&Fund> = funds
            .iter()
            .filter(|f| f.kind == FundKind::Guidance)
            .flat_map(block)
            .collect();
        // A sub-fund under a parent that is not a guidance fund cannot be recorded, but
        // never drop a fund silently.
        let orphans: Vec<&Fund> = funds
            .iter()
            .filter(|f| f.kind == FundKind::SubFund && !out.iter().any(|o| o.id == f.id))
            .collect();
        out.extend(orphans);
        return Ok(out);
    };
    let f = funds
        .iter()
        .find(|f| f.code == code)
        .ok_or_else(|| unknown("fund", code, funds.iter().map(|f| f.code.clone()).collect()))?;
    match f.kind {
        FundKind::Guidance => Ok(block(f).collect()),
        FundKind::SubFund => Ok(vec![f]),
        FundKind::Vehicle => Err(Error::refused(
            "leverage-not-applicable",
            format!(
                "fund '{code}' is a vehicle; leverage covers guidance funds and their sub-funds"
            ),
        )),
    }
}

/// Pure assembly of the report.
pub fn build(inp: &Inputs<'_>, shown: &[&Fund]) -> Leverage {
    let cx = Ctx::new(inp);
    let shown_ids: HashSet<i64> = shown.iter().map(|f| f.id).collect();
    let mut breaches = Vec::new();
    // Sub-fund rows first: guidance rows reuse their sizes.
    let mut rows: Vec<Option<LeverageRow>> = shown
        .iter()
        .map(|f| (f.kind == FundKind::SubFund).then(|| sub_fund_row(&cx, f, &mut breaches)))
        .collect();
    for (i, f) in shown.iter().enumerate() {
        if f.kind == FundKind::Guidance {
            let subs: Vec<&LeverageRow> = rows
                .iter()
                .flatten()
                .filter(|r| r.parent.as_deref() == Some(&f.code))
                .collect();
            rows[i] = Some(guidance_row(&cx, f, &subs));
        }
    }
    let rows: Vec<LeverageRow> = rows.into_iter().flatten().collect();
    // Top-level rows: guidance funds, and sub-funds shown without their guidance fund.
    let top: Vec<usize> = shown
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            f.kind == FundKind::Guidance || !f.parent_id.is_some_and(|p| shown_ids.contains(&p))
        })
        .map(|(i, _)| i)
        .collect();
    let total = total(&cx, shown, &rows, &top, !breaches.is_empty());
    Leverage {
        as_of: inp.as_of,
        funds: rows,
        total,
        breaches,
    }
}

/// `report leverage`: reads the ledger in one transaction. LP capital and deal amounts
/// come from the position summary ([`crate::reports::portfolio::fold_positions`]), so
/// the cost follows the number of positions, not the journal's length; only holdings
/// with a stated 返投 weight, whose weighted amounts depend on the order of their
/// entries, are replayed from the journal. Identical to [`leverage_by_replay`]
/// (property-tested below).
pub fn leverage(ledger: &mut Ledger, as_of: Date, fund: Option<&str>) -> Result<Leverage> {
    ledger
        .read(|tx| {
            let (funds, companies) = (tx.funds()?, tx.companies()?);
            let by_id: HashMap<i64, &Fund> = funds.iter().map(|f| (f.id, f)).collect();
            let region: HashMap<i64, Option<&str>> = companies
                .iter()
                .map(|c| (c.id, c.region.as_deref()))
                .collect();
            let stated: HashSet<(i64, i64)> = tx.weighted_holdings()?.into_iter().collect();
            let (mut book, mut weights) = (Book::default(), Weights::default());
            let mut direct = HashMap::new();
            crate::reports::portfolio::fold_positions(tx, as_of, |b| {
                book.lps.append(&mut b.lps);
                for ((f, c), h) in std::mem::take(&mut b.holdings) {
                    add_direct(&mut direct, f, &h);
                    if stated.contains(&(f, c)) {
                        continue;
                    }
                    let home = by_id.get(&f).and_then(|fund| home_region(&by_id, fund));
                    if !is_home(home, region.get(&c).copied().flatten()) {
                        continue;
                    }
                    let sum = weights
                        .local_unstated
                        .entry(f)
                        .or_insert((Money::ZERO, Money::ZERO));
                    sum.0 += h.committed;
                    sum.1 += h.paid_in;
                }
            })?;
            for (f, c) in stated {
                let mut history: Vec<Entry> = tx
                    .holding_entries(f, c)?
                    .into_iter()
                    .filter(|e| e.date <= as_of)
                    .collect();
                history.sort_by_key(|e| (e.date, e.id));
                for e in &history {
                    weights.apply(e);
                }
            }
            Ok(Read {
                funds,
                investors: tx.investors()?,
                companies,
                policies: tx.policies(None)?,
                book,
                weights,
                direct,
            })
        })?
        .report(as_of, fund)
}

/// `report leverage` by a replay of the whole journal: the definition [`leverage`] is
/// tested against.
pub fn leverage_by_replay(
    ledger: &mut Ledger,
    as_of: Date,
    fund: Option<&str>,
) -> Result<Leverage> {
    ledger
        .read(|tx| {
            let (mut book, mut weights) = (Book::default(), Weights::default());
            tx.for_each_effective(as_of, |e| {
                book.apply(&e);
                weights.apply(&e);
                Ok(())
            })?;
            let mut direct = HashMap::new();
            for ((f, _), h) in &book.holdings {
                add_direct(&mut direct, *f, h);
            }
            Ok(Read {
                funds: tx.funds()?,
                investors: tx.investors()?,
                companies: tx.companies()?,
                policies: tx.policies(None)?,
                book,
                weights,
                direct,
            })
        })?
        .report(as_of, fund)
}

/// What `report leverage` reads, whichever way it was read.
struct Read {
    funds: Vec<Fund>,
    investors: Vec<Investor>,
    companies: Vec<Company>,
    policies: Vec<PolicyRecord>,
    book: Book,
    weights: Weights,
    direct: HashMap<i64, LpPosition>,
}

impl Read {
    fn report(&self, as_of: Date, fund: Option<&str>) -> Result<Leverage> {
        let inp = Inputs {
            as_of,
            funds: &self.funds,
            investors: &self.investors,
            companies: &self.companies,
            policies: &self.policies,
            book: &self.book,
            weights: &self.weights,
            direct: &self.direct,
        };
        Ok(build(&inp, &select(&self.funds, fund)?))
    }
}

#[cfg(test)]
mod summary_tests {
    //! `report leverage` from the position summary against a full replay of the
    //! journal, on random ledgers: a programme with two sub-funds, LPs of every class
    //! (the guidance fund among them), companies in and out of the home region,
    //! commitments with and without stated 返投 weights, back-dated entries and
    //! reversals written in several transactions.
    use proptest::prelude::*;

    use super::*;
    use crate::domain::NewEntry;
    use crate::ops::{add_company, add_fund, add_investor, CompanyInput, FundInput, InvestorInput};

    /// An entry (kind, fund, counterparty, day, amount in fen, weight in bp or none),
    /// a reversal of the n-th entry so far, or a commit.
    #[derive(Clone, Debug)]
    enum Step {
        Entry(usize, usize, usize, i64, i64, Option<i64>),
        Reverse(usize),
        Commit,
    }

    const KINDS: [EntryKind; 6] = [
        EntryKind::LpCommit,
        EntryKind::LpPay,
        EntryKind::DealCommit,
        EntryKind::DealPay,
        EntryKind::DealValue,
        EntryKind::DealCommit,
    ];

    fn step() -> impl Strategy<Value = Step> {
        let weight = prop_oneof![2 => Just(None), 1 => (0i64..=20).prop_map(|w| Some(w * 5_000))];
        prop_oneof![
            8 => (0usize..6, 0usize..3, 0usize..3, 0i64..(5 * 365), 1i64..1_000_000, weight)
                .prop_map(|(k, f, c, d, a, w)| Step::Entry(k, f, c, d, a, w)),
            2 => (0usize..1000).prop_map(Step::Reverse),
            1 => Just(Step::Commit),
        ]
    }

    fn day(n: i64) -> Date {
        Date::from_ymd_opt(2019, 1, 1).unwrap() + chrono::Duration::days(n)
    }

    /// Funds [G, S1, S2] (G's home region "R"), LPs [G itself, state-owned, social],
    /// companies in "R", in "Q" and in no region.
    fn ledger() -> (tempfile::TempDir, Ledger, Vec<i64>, Vec<i64>, Vec<i64>) {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::create(&dir.path().join("l.db")).unwrap();
        let fund =
            |l: &mut Ledger, code: &str, kind, parent: Option<&str>, region: Option<&str>| {
                add_fund(
                    l,
                    "t",
                    FundInput {
                        code: code.into(),
                        name: code.into(),
                        kind,
                        parent: parent.map(String::from),
                        manager: None,
                        inception: None,
                        region: region.map(String::from),
                    },
                )
                .unwrap()
                .id
            };
        let g = fund(&mut l, "G", FundKind::Guidance, None, Some("R"));
        let funds = vec![
            g,
            fund(&mut l, "S1", FundKind::SubFund, Some("G"), None),
            fund(&mut l, "S2", FundKind::SubFund, Some("G"), Some("Q")),
        ];
        let gi = l
            .write("t", |tx| {
                tx.insert_investor(&Investor {
                    id: 0,
                    code: "G".into(),
                    name: "G".into(),
                    investor_type: InvestorType::Government,
                    fund_id: Some(g),
                })
            })
            .unwrap();
        let mut investors = vec![gi];
        for (code, t) in [
            ("SOE", InvestorType::StateOwned),
            ("SOC", InvestorType::Social),
        ] {
            let i = add_investor(
                &mut l,
                "t",
                InvestorInput {
                    code: code.into(),
                    name: code.into(),
                    investor_type: t,
                },
            )
            .unwrap();
            investors.push(i.id);
        }
        let mut companies = Vec::new();
        for (i, region) in [Some("R"), Some("Q"), None].into_iter().enumerate() {
            let c = add_company(
                &mut l,
                "t",
                CompanyInput {
                    code: format!("C{i}"),
                    name: format!("company {i}"),
                    sector: None,
                    region: region.map(String::from),
                    uscc: None,
                    stage: None,
                },
            )
            .unwrap();
            companies.push(c.id);
        }
        (dir, l, funds, investors, companies)
    }

    fn write(l: &mut Ledger, steps: &[Step], funds: &[i64], investors: &[i64], companies: &[i64]) {
        let mut written: Vec<(i64, bool)> = Vec::new(); // (id, reversed)
        for chunk in steps.split(|s| matches!(s, Step::Commit)) {
            l.write("t", |tx| {
                for s in chunk {
                    match s {
                        Step::Entry(k, f, c, d, a, w) => {
                            let kind = KINDS[*k];
                            let mut n = NewEntry::new(kind, day(*d));
                            n.fund_id = Some(funds[*f]);
                            n.amount = Some(Money::from_fen(*a));
                            if kind.as_str().starts_with("lp-") {
                                n.investor_id = Some(investors[*c]);
                            } else {
                                n.company_id = Some(companies[*c]);
                            }
                            if kind == EntryKind::DealCommit {
                                n.reinvest_weight = w.map(Factor::from_bp);
                            }
                            written.push((tx.append_entry(&n)?, false));
                        }
                        Step::Reverse(i) => crate::testutil::reverse_nth(tx, &mut written, *i)?,
                        Step::Commit => {}
                    }
                }
                Ok(())
            })
            .unwrap();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn leverage_from_the_summary_equals_a_full_replay(
            steps in proptest::collection::vec(step(), 1..60),
            dates in proptest::collection::vec(0i64..(6 * 365), 3),
        ) {
            let (_dir, mut l, funds, investors, companies) = ledger();
            write(&mut l, &steps, &funds, &investors, &companies);
            let mut as_ofs: Vec<Date> = dates.iter().map(|d| day(*d)).collect();
            as_ofs.extend([
                Date::from_ymd_opt(2021, 12, 31).unwrap(),
                Date::from_ymd_opt(2022, 1, 1).unwrap(),
                Date::from_ymd_opt(2030, 6, 30).unwrap(),
            ]);
            for as_of in as_ofs {
                for scope in [None, Some("S1")] {
                    let fast = leverage(&mut l, as_of, scope).unwrap();
                    let full = leverage_by_replay(&mut l, as_of, scope).unwrap();
                    prop_assert_eq!(&fast, &full, "as of {}", as_of);
                    prop_assert_eq!(
                        serde_json::to_string(&fast).unwrap(),
                        serde_json::to_string(&full).unwrap()
                    );
                }
            }
        }
    }
}
