//! Recording and reversing journal entries.

use std::rc::Rc;

use super::{check_not_future, text};
use crate::date::Date;
use crate::domain::{Entry, EntryKind, Fund, FundKind, Investor, InvestorType, NewEntry};
use crate::error::{unknown, Error, Result};
use crate::money::Money;
use crate::policy::Factor;
use crate::rules::{self, Event, Violation};
use crate::store::{CodeTable, Ledger, Tx};

/// An entry as a user asks for it, by codes. `counterparty` is the investor for LP
/// entries and the company for deal entries.
#[derive(Clone, Debug)]
pub struct EntryRequest {
    pub kind: EntryKind,
    pub fund: String,
    pub counterparty: String,
    pub amount: Option<Money>,
    pub date: Date,
    pub detail: Option<String>,
    pub memo: Option<String>,
    /// 返投 recognition weight; only a deal commitment takes one (storage refuses others).
    pub reinvest_weight: Option<Factor>,
}

/// Record one entry; returns its id.
pub fn record(ledger: &mut Ledger, actor: &str, req: EntryRequest) -> Result<i64> {
    ledger.write(actor, |tx| record_tx(tx, &req))
}

/// Record several entries atomically: all of them or, on the first refusal, none.
pub fn record_many(ledger: &mut Ledger, actor: &str, reqs: &[EntryRequest]) -> Result<Vec<i64>> {
    ledger.write(actor, |tx| reqs.iter().map(|r| record_tx(tx, r)).collect())
}

fn fund(tx: &Tx<'_>, code: &str) -> Result<Rc<Fund>> {
    tx.fund_rc(code)?
        .ok_or_else(|| unknown("fund", code, tx.codes(CodeTable::Funds).unwrap_or_default()))
}

/// The LP named `code`: a registered investor, or a guidance fund acting as an LP
/// (registered as a government investor on first use, linked to the fund).
fn lp(tx: &Tx<'_>, code: &str) -> Result<Rc<Investor>> {
    if let Some(i) = tx.investor_rc(code)? {
        return Ok(i);
    }
    match tx.fund_rc(code)? {
        Some(f) if f.kind == FundKind::Guidance => {
            let mut inv = Investor {
                id: 0,
                code: f.code.clone(),
                name: f.name.clone(),
                investor_type: InvestorType::Government,
                fund_id: Some(f.id),
            };
            inv.id = tx.insert_investor(&inv)?;
            Ok(Rc::new(inv))
        }
        Some(f) => Err(Error::refused(
            "unknown-code",
            format!(
                "fund '{}' is a {}, not a guidance fund, so its LP type is not implied; \
                 register it first with `investor add {} --name … --type …`",
                f.code, f.kind, f.code
            ),
        )),
        None => Err(unknown(
            "investor",
            code,
            tx.codes(CodeTable::Investors).unwrap_or_default(),
        )),
    }
}

/// The other side of a fund entry, resolved from its code: the LP (an investor, which
/// may itself be a fund) or the company.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counterparty<'a> {
    pub id: i64,
    pub code: &'a str,
    /// For an LP that is itself a fund: that fund.
    pub lp_fund: Option<i64>,
}

/// A fund entry checked on its own (before its position's history is looked at): the
/// pure first half of [`record_tx`], shared with the import's checking thread.
pub(crate) struct Checked<'a> {
    pub entry: NewEntry,
    pub is_lp: bool,
    fund_code: &'a str,
    counterparty_code: &'a str,
}

impl Checked<'_> {
    /// What the entry is, for refusals only: formatted when one is made, since a bulk
    /// import checks hundreds of thousands of rows that pass.
    pub fn what(&self) -> String {
        let (kind, f, c) = (self.entry.kind, self.fund_code, self.counterparty_code);
        if self.is_lp {
            format!("{kind} of investor '{c}' in fund '{f}'")
        } else {
            format!("{kind} of fund '{f}' in company '{c}'")
        }
    }

    /// The entry as the rules read it.
    pub fn event(&self) -> Event {
        let n = &self.entry;
        Event::new(i64::MAX, n.kind, n.date, n.amount, n.detail.as_deref())
    }

    /// Check the rules of the entry's position, given its effective history.
    pub fn check_history(&self, history: &[Event]) -> Result<()> {
        let mut all = Vec::with_capacity(history.len() + 1);
        all.extend_from_slice(history);
        all.push(self.event());
        let checked = if self.is_lp {
            rules::check_lp_events(all)
        } else {
            rules::check_holding_events(all)
        };
        checked.map_err(|v| violation_error(&v, &self.what()))
    }
}

/// Check a fund entry request against its fund and counterparty.
pub(crate) fn check_request<'a>(
    req: &EntryRequest,
    f: &'a Fund,
    counterparty: Counterparty<'a>,
) -> Result<Checked<'a>> {
    let kind = req.kind;
    let is_lp = kind.is_lp();
    if is_lp && counterparty.lp_fund == Some(f.id) {
        return Err(Error::refused(
            "self-investment",
            format!("fund '{}' cannot be an LP of itself", f.code),
        ));
    }
    let mut n = NewEntry::new(kind, req.date);
    n.fund_id = Some(f.id);
    n.memo = text("memo", req.memo.clone())?;
    n.detail = text("detail", req.detail.clone())?;
    n.reinvest_weight = req.reinvest_weight;
    if is_lp {
        n.investor_id = Some(counterparty.id);
    } else {
        n.company_id = Some(counterparty.id);
    }
    let mut c = Checked {
        entry: n,
        is_lp,
        fund_code: &f.code,
        counterparty_code: counterparty.code,
    };
    if kind != EntryKind::DealWriteOff {
        let amount = req.amount.ok_or_else(|| {
            Error::refused("amount-required", format!("{} needs --amount", c.what()))
        })?;
        if !amount.is_positive() {
            return Err(Error::refused(
                "amount-not-positive",
                format!(
                    "{}: amount must be greater than 0, found {amount}",
                    c.what()
                ),
            ));
        }
        c.entry.amount = Some(amount);
    }
    if req.date > crate::date::today() {
        check_not_future(&c.what(), req.date)?;
    }
    if let Some(inception) = f.inception {
        if req.date < inception {
            return Err(Error::refused(
                "before-inception",
                format!(
                    "{} is dated {}, before the fund's inception on {inception} ({} days earlier)",
                    c.what(),
                    req.date,
                    (inception - req.date).num_days()
                ),
            ));
        }
    }
    Ok(c)
}

pub(crate) fn record_tx(tx: &Tx<'_>, req: &EntryRequest) -> Result<i64> {
    let f = fund(tx, &req.fund)?;
    let is_lp = req.kind.is_lp();
    let (id, code, lp_fund) = if is_lp {
        let inv = lp(tx, &req.counterparty)?;
        (inv.id, inv.code.clone(), inv.fund_id)
    } else {
        let c = tx.company_rc(&req.counterparty)?.ok_or_else(|| {
            unknown(
                "company",
                &req.counterparty,
                tx.codes(CodeTable::Companies).unwrap_or_default(),
            )
        })?;
        (c.id, c.code.clone(), None)
    };
    let c = check_request(
        req,
        &f,
        Counterparty {
            id,
            code: &code,
            lp_fund,
        },
    )?;
    let n = &c.entry;
    // The position's history, read in place from the transaction cache.
    match (n.investor_id, n.company_id) {
        (Some(i), _) => tx.with_lp_events(f.id, i, |h| c.check_history(h))??,
        (None, Some(co)) => tx.with_holding_events(f.id, co, |h| c.check_history(h))??,
        (None, None) => {}
    }
    if n.kind == EntryKind::LpDistribute {
        let candidate = Entry {
            id: i64::MAX,
            kind: n.kind,
            date: n.date,
            recorded_at: String::new(),
            recorded_by: String::new(),
            memo: None,
            fund_id: n.fund_id,
            investor_id: n.investor_id,
            company_id: n.company_id,
            amount: n.amount,
            detail: n.detail.clone(),
            reverses: None,
            loan: Default::default(),
            reinvest_weight: n.reinvest_weight,
        };
        super::distribute::check_new(tx, &candidate, &c.what())?;
    }
    tx.append_entry(n)
}

/// The effective history of the position an entry belongs to.
fn position(tx: &Tx<'_>, e: &Entry) -> Result<Vec<Entry>> {
    match (e.fund_id, e.investor_id, e.company_id) {
        (Some(f), Some(i), _) => tx.lp_entries(f, i),
        (Some(f), _, Some(c)) => tx.holding_entries(f, c),
        _ => Ok(Vec::new()),
    }
}

/// Check a position's rules and turn a violation into a refusal naming `what`.
fn check_position(is_lp: bool, history: Vec<Entry>, what: &str) -> Result<()> {
    let result = if is_lp {
        rules::check_lp(history)
    } else {
        rules::check_holding(history)
    };
    result.map_err(|v| violation_error(&v, what))
}

fn violation_error(v: &Violation, what: &str) -> Error {
    let message = match v {
        Violation::PaidExceedsCommitted { date, committed, paid } if committed.is_zero() => format!(
            "{what}: paid-in would be {paid} with no commitment as of {date}; record the commitment first"
        ),
        Violation::PaidExceedsCommitted { date, committed, paid } => format!(
            "{what}: paid-in would exceed the commitment as of {date}: committed {committed}, paid-in {paid}, over by {}",
            *paid - *committed
        ),
        Violation::NotHeld { date, kind } => format!(
            "{what}: a {kind} entry on {date} needs a holding, but nothing has been paid in by that date"
        ),
        Violation::AfterClose { date, kind, closed_on, closed_by } => format!(
            "{what}: a {kind} entry on {date} comes after {closed_by} on {closed_on}, which closed the holding"
        ),
    };
    Error::refused(v.rule(), message)
}

/// Reverse entry `id` with a reason; returns the reversal's id. The reversal carries
/// the original's effective date, so reports as of any date count neither.
pub fn reverse(ledger: &mut Ledger, actor: &str, id: i64, reason: &str) -> Result<i64> {
    ledger.write(actor, |tx| reverse_tx(tx, id, reason))
}

pub(crate) fn reverse_tx(tx: &Tx<'_>, id: i64, reason: &str) -> Result<i64> {
    let Some(reason) = text("reason", Some(reason.to_string()))? else {
        return Err(Error::refused(
            "reason-required",
            format!("reversing entry {id} needs a --reason"),
        ));
    };
    let reason = reason.as_str();
    let e = tx.entry(id)?.ok_or_else(|| {
        Error::refused(
            "unknown-entry",
            format!("there is no entry {id} in this ledger"),
        )
    })?;
    if e.kind == EntryKind::Reversal {
        return Err(Error::refused(
            "reverse-reversal",
            format!(
                "entry {id} is itself a reversal (of entry {}); a reversal cannot be reversed",
                e.reverses.unwrap_or(0)
            ),
        ));
    }
    if let Some(r) = tx.reversal_of(id)? {
        return Err(Error::refused(
            "already-reversed",
            format!("entry {id} was already reversed by entry {r}"),
        ));
    }
    let what = format!("reversal of entry {id} ({} on {})", e.kind, e.date);
    super::loans::check_reversal(tx, &e, &what)?;
    let history: Vec<Entry> = position(tx, &e)?
        .into_iter()
        .filter(|h| h.id != id)
        .collect();
    check_position(e.investor_id.is_some(), history, &what)?;
    super::distribute::check_removal(tx, &e, &what)?;
    let mut n = NewEntry::new(EntryKind::Reversal, e.date);
    n.reverses = Some(id);
    n.memo = Some(reason.to_string());
    tx.append_entry(&n)
}
