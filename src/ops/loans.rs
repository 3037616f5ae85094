//! Loans and grants: register a loan (and its disbursement), record repayments,
//! defaults, guarantee payouts (代偿), recoveries and write-offs, pay grants; and the
//! loan rules a reversal must keep.
//!
//! Every loan write replays the loan's whole effective history with the candidate
//! applied (`loan::engine`), so a back-dated entry or a reversal can never leave a
//! later entry breaking a rule or allocated differently from what was stored.

use std::collections::HashMap;

use super::{check_code, check_not_future, text, unique_ignoring_case};
use crate::date::{parse_date, Date};
use crate::domain::{Entry, EntryKind, LoanFields, NewEntry};
use crate::error::{unknown, Error, Result};
use crate::loan::engine::{self, Allocation, LoanEvent, Violation};
use crate::loan::{
    limit_warnings, BorrowerKind, Grant, Loan, LoanTerms, Method, Rate, SubsidyRule,
};
use crate::money::{parse_amount, Money};
use crate::reports::export::{ExEntry, ExGrant, ExLoan};
use crate::store::{Ledger, Tx};

/// Id the candidate entry takes during a replay: after every stored entry.
const CANDIDATE: i64 = i64::MAX;

#[derive(Clone, Debug)]
pub struct LoanInput {
    pub code: String,
    pub borrower: String,
    pub borrower_kind: BorrowerKind,
    pub principal: Money,
    pub rate: Rate,
    /// Signed so that a negative term is refused by the ledger's rules with the
    /// figures, not rejected as a usage error.
    pub term_months: i64,
    pub start: Date,
    pub method: Method,
    pub lpr: Option<Rate>,
    pub subsidy: SubsidyRule,
    pub guarantor: Option<String>,
    pub jobs: Option<i64>,
    pub partners: Option<i64>,
    pub memo: Option<String>,
}

/// A count that must be at least `min`.
fn count(
    what: &str,
    flag: &str,
    rule: &'static str,
    v: Option<i64>,
    min: i64,
) -> Result<Option<u32>> {
    match v {
        None => Ok(None),
        Some(n) if n < min => Err(Error::refused(
            rule,
            format!("{what}: {flag} must be at least {min}, found {n}"),
        )),
        Some(n) => u32::try_from(n)
            .map(Some)
            .map_err(|_| Error::refused(rule, format!("{what}: {flag} {n} is out of range"))),
    }
}

#[derive(Clone, Debug)]
pub struct AddedLoan {
    pub loan: Loan,
    /// Id of the disbursement entry.
    pub disbursement: i64,
    /// Policy limits the loan is outside of (they warn, never refuse).
    pub warnings: Vec<String>,
}

/// Register a loan and record its disbursement on the start date, atomically.
pub fn add_loan(ledger: &mut Ledger, actor: &str, input: LoanInput) -> Result<AddedLoan> {
    ledger.write(actor, |tx| add_loan_tx(tx, input))
}

pub fn add_loan_tx(tx: &Tx<'_>, mut input: LoanInput) -> Result<AddedLoan> {
    input.code = check_code("loan", &input.code)?;
    let what = format!("loan '{}'", input.code);
    let Some(borrower) = text("borrower", Some(input.borrower.clone()))? else {
        return Err(Error::refused(
            "empty-name",
            format!("{what} needs a non-empty --borrower"),
        ));
    };
    let guarantor = match text("guarantor", input.guarantor.take())? {
        Some(g) => Some(check_code("guarantor", &g)?),
        None => None,
    };
    unique_ignoring_case(tx, "loan", &input.code, &[("loans", "loan")])?;
    let jobs = count(&what, "--jobs", "bad-jobs", input.jobs, 0)?;
    let partners = count(&what, "--partners", "bad-partners", input.partners, 1)?;
    if let Some(n) = partners {
        if input.borrower_kind != BorrowerKind::Partnership {
            return Err(Error::refused(
                "bad-partners",
                format!(
                    "{what}: --partners {n} applies to partnerships only; this borrower is a {}",
                    input.borrower_kind
                ),
            ));
        }
    }
    if input.term_months < 1 {
        return Err(Error::refused(
            "term-not-positive",
            format!(
                "{what}: --term-months must be at least 1, found {}",
                input.term_months
            ),
        ));
    }
    let terms = LoanTerms {
        principal: input.principal,
        rate: input.rate,
        term_months: u32::try_from(input.term_months).unwrap_or(u32::MAX),
        start: input.start,
        method: input.method,
        lpr: input.lpr,
        subsidy: input.subsidy,
    };
    terms.check(&what)?;
    check_not_future(&format!("{what} start (its disbursement)"), terms.start)?;
    if tx.loan_by_code(&input.code)?.is_some() {
        return Err(Error::refused(
            "duplicate-code",
            format!("loan code '{}' is already registered", input.code),
        ));
    }
    let mut loan = Loan {
        id: 0,
        code: input.code,
        borrower,
        borrower_kind: input.borrower_kind,
        terms,
        guarantor,
        jobs,
        partners,
    };
    loan.id = tx.insert_loan(&loan)?;
    let mut n = NewEntry::new(EntryKind::LoanDisburse, loan.terms.start);
    n.amount = Some(loan.terms.principal);
    n.memo = text("memo", input.memo)?;
    n.loan = LoanFields {
        loan_id: Some(loan.id),
        ..LoanFields::default()
    };
    let disbursement = tx.append_entry(&n)?;
    let warnings = limit_warnings(&loan);
    Ok(AddedLoan {
        loan,
        disbursement,
        warnings,
    })
}

/// A loan event as a user asks for it.
#[derive(Clone, Debug)]
pub struct LoanEntryRequest {
    pub loan: String,
    /// `LoanRepay`, `LoanDefault`, `LoanCompensate`, `LoanRecover` or `LoanWriteOff`.
    pub kind: EntryKind,
    pub amount: Option<Money>,
    pub date: Date,
    pub memo: Option<String>,
}

#[derive(Clone, Debug)]
pub struct RecordedLoanEntry {
    pub id: i64,
    pub loan: String,
    pub kind: EntryKind,
    pub date: Date,
    pub amount: Option<Money>,
    /// How a repayment or payout was split.
    pub allocation: Option<Allocation>,
    /// Principal still owed to the bank at the end of the entry's date.
    pub outstanding: Money,
    /// For a write-off: the amount written off.
    pub written_off: Option<Money>,
}

/// What a loan entry is called in messages.
pub fn describe(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::LoanDisburse => "disbursement",
        EntryKind::LoanRepay => "repayment",
        EntryKind::LoanDefault => "default",
        EntryKind::LoanCompensate => "guarantee payout (代偿)",
        EntryKind::LoanRecover => "recovery",
        EntryKind::LoanWriteOff => "write-off",
        _ => "entry",
    }
}

pub fn record_loan_entry(
    ledger: &mut Ledger,
    actor: &str,
    req: LoanEntryRequest,
) -> Result<RecordedLoanEntry> {
    ledger.write(actor, |tx| record_loan_entry_tx(tx, &req))
}

fn loan(tx: &Tx<'_>, code: &str) -> Result<Loan> {
    tx.loan_by_code(code)?
        .ok_or_else(|| unknown("loan", code, tx.loan_codes().unwrap_or_default()))
}

pub fn record_loan_entry_tx(tx: &Tx<'_>, req: &LoanEntryRequest) -> Result<RecordedLoanEntry> {
    let kind = req.kind;
    let takes_amount = match kind {
        EntryKind::LoanRepay | EntryKind::LoanCompensate | EntryKind::LoanRecover => true,
        EntryKind::LoanDefault | EntryKind::LoanWriteOff => false,
        other => {
            return Err(Error::refused(
                "not-a-loan-entry",
                format!("a {other} entry is not recorded against a loan"),
            ))
        }
    };
    let l = loan(tx, &req.loan)?;
    let what = format!("{} of loan '{}' on {}", describe(kind), l.code, req.date);
    let amount = match (takes_amount, req.amount) {
        (true, None) => {
            return Err(Error::refused(
                "amount-required",
                format!("{what} needs --amount"),
            ))
        }
        (true, Some(a)) if !a.is_positive() => {
            return Err(Error::refused(
                "amount-not-positive",
                format!("{what}: amount must be greater than 0, found {a}"),
            ))
        }
        (false, Some(_)) => {
            return Err(Error::refused(
                "amount-not-allowed",
                format!("{what} takes no --amount"),
            ))
        }
        (_, a) => a,
    };
    check_not_future(&what, req.date)?;
    let mut events = tx.loan_events(l.id)?;
    let candidate = LoanEvent {
        id: CANDIDATE,
        kind,
        date: req.date,
        amount,
        interest: None,
        subsidy: None,
    };
    events.push(candidate);
    let (_, allocations) = engine::replay(&l.terms, events.clone(), true)
        .map_err(|b| violation_error(&l, &what, &b.0, &b.1))?;
    let allocation = allocations
        .iter()
        .find(|(id, _)| *id == CANDIDATE)
        .map(|(_, a)| *a);
    let mut n = NewEntry::new(kind, req.date);
    n.amount = amount;
    n.memo = text("memo", req.memo.clone())?;
    n.loan = LoanFields {
        loan_id: Some(l.id),
        interest: allocation.map(|a| a.interest),
        subsidy: allocation
            .filter(|_| kind == EntryKind::LoanRepay)
            .map(|a| a.subsidy),
        ..LoanFields::default()
    };
    let id = tx.append_entry(&n)?;
    // The position at the end of the entry's date, for the confirmation.
    events.retain(|e| e.date <= req.date);
    let (state, _) = engine::replay(&l.terms, events, true)
        .map_err(|b| violation_error(&l, &what, &b.0, &b.1))?;
    Ok(RecordedLoanEntry {
        id,
        loan: l.code,
        kind,
        date: req.date,
        amount,
        allocation,
        outstanding: state.outstanding(),
        written_off: state.written_off.map(|(_, m)| m),
    })
}

/// Reversing a loan entry must leave the rest of the loan's history valid: replay it
/// without the entry. Entries of other kinds pass through.
pub(crate) fn check_reversal(tx: &Tx<'_>, e: &Entry, what: &str) -> Result<()> {
    let Some(loan_id) = e.loan.loan_id else {
        return Ok(());
    };
    let l = tx.loan_by_id(loan_id)?.ok_or_else(|| {
        Error::Ledger(format!(
            "entry {} refers to loan {loan_id}, which does not exist",
            e.id
        ))
    })?;
    let events: Vec<LoanEvent> = tx
        .loan_events(loan_id)?
        .into_iter()
        .filter(|x| x.id != e.id)
        .collect();
    engine::replay(&l.terms, events, true)
        .map(|_| ())
        .map_err(|b| violation_error(&l, what, &b.0, &b.1))
}

/// A violation as a refusal naming the loan, the entry and the figures.
fn violation_error(l: &Loan, what: &str, ev: &LoanEvent, v: &Violation) -> Error {
    let code = &l.code;
    let detail = v.describe(code);
    let message = if ev.id == CANDIDATE {
        format!("{what}: {detail}")
    } else {
        format!(
            "{what} would break entry {} ({} on {}) of loan '{code}': {detail}",
            ev.id, ev.kind, ev.date
        )
    };
    Error::refused(v.rule(), message)
}

#[derive(Clone, Debug)]
pub struct GrantInput {
    pub code: String,
    pub recipient: String,
    pub amount: Money,
    pub date: Date,
    pub programme: Option<String>,
    pub memo: Option<String>,
}

/// Register a grant (无偿资助) and record its payment, atomically. Returns the grant
/// and the payment entry's id.
pub fn add_grant(ledger: &mut Ledger, actor: &str, input: GrantInput) -> Result<(Grant, i64)> {
    ledger.write(actor, |tx| add_grant_tx(tx, input))
}

pub fn add_grant_tx(tx: &Tx<'_>, mut input: GrantInput) -> Result<(Grant, i64)> {
    input.code = check_code("grant", &input.code)?;
    let what = format!("grant '{}'", input.code);
    let Some(recipient) = text("recipient", Some(input.recipient.clone()))? else {
        return Err(Error::refused(
            "empty-name",
            format!("{what} needs a non-empty --recipient"),
        ));
    };
    unique_ignoring_case(tx, "grant", &input.code, &[("grants", "grant")])?;
    if !input.amount.is_positive() {
        return Err(Error::refused(
            "amount-not-positive",
            format!(
                "{what}: amount must be greater than 0, found {}",
                input.amount
            ),
        ));
    }
    check_not_future(&what, input.date)?;
    if tx.grant_by_code(&input.code)?.is_some() {
        return Err(Error::refused(
            "duplicate-code",
            format!("grant code '{}' is already registered", input.code),
        ));
    }
    let mut g = Grant {
        id: 0,
        code: input.code,
        recipient,
        programme: text("programme", input.programme)?,
    };
    g.id = tx.insert_grant(&g)?;
    let mut n = NewEntry::new(EntryKind::Grant, input.date);
    n.amount = Some(input.amount);
    n.memo = text("memo", input.memo)?;
    n.loan = LoanFields {
        grant_id: Some(g.id),
        ..LoanFields::default()
    };
    let id = tx.append_entry(&n)?;
    Ok((g, id))
}

/// For `import` of a JSON export: restore a loan or grant entry through the same
/// operations the commands use (so every rule is checked again), verifying that a
/// repayment or payout splits as it was exported. `Ok(None)` when the entry is
/// neither. A loan is registered at its disbursement, a grant at its payment, so ids
/// and the hash chain come out as they were.
pub(crate) fn restore_entry_tx(
    tx: &Tx<'_>,
    kind: EntryKind,
    e: &ExEntry,
    loans: &HashMap<String, ExLoan>,
    grants: &HashMap<String, ExGrant>,
) -> Result<Option<i64>> {
    let bad = |msg: String| Error::refused("import-json", format!("entry {}: {msg}", e.id));
    let amount = e.amount.as_deref().map(parse_amount).transpose()?;
    let date = parse_date(&e.date)?;
    let loan_code = || {
        e.loan
            .clone()
            .ok_or_else(|| bad(format!("a {kind} entry names no loan")))
    };
    match kind {
        EntryKind::LoanDisburse => {
            let code = loan_code()?;
            let l = loans
                .get(&code)
                .ok_or_else(|| bad(format!("loan '{code}' is not among the export's loans")))?;
            let field =
                |what: &str, v: &str, m: String| bad(format!("loan '{code}' {what} '{v}': {m}"));
            let input = LoanInput {
                code: l.code.clone(),
                borrower: l.borrower.clone(),
                borrower_kind: l
                    .borrower_kind
                    .parse()
                    .map_err(|m| field("borrower kind", &l.borrower_kind, m))?,
                principal: parse_amount(&l.principal)?,
                rate: Rate::parse("rate", &l.rate)?,
                term_months: i64::from(l.term_months),
                start: parse_date(&l.start)?,
                method: l
                    .method
                    .parse()
                    .map_err(|m| field("method", &l.method, m))?,
                lpr: l
                    .lpr
                    .as_deref()
                    .map(|r| Rate::parse("lpr", r))
                    .transpose()?,
                subsidy: SubsidyRule::parse(&l.subsidy)?,
                guarantor: l.guarantor.clone(),
                jobs: l.jobs.map(i64::from),
                partners: l.partners.map(i64::from),
                memo: e.memo.clone(),
            };
            let added = add_loan_tx(tx, input)?;
            if amount != Some(added.loan.terms.principal) || date != added.loan.terms.start {
                return Err(bad(format!(
                    "the disbursement of {} on {} does not match loan '{code}' ({} from {})",
                    amount.unwrap_or(Money::ZERO),
                    date,
                    added.loan.terms.principal,
                    added.loan.terms.start
                )));
            }
            Ok(Some(added.disbursement))
        }
        EntryKind::LoanRepay
        | EntryKind::LoanDefault
        | EntryKind::LoanCompensate
        | EntryKind::LoanRecover
        | EntryKind::LoanWriteOff => {
            let req = LoanEntryRequest {
                loan: loan_code()?,
                kind,
                amount,
                date,
                memo: e.memo.clone(),
            };
            let r = record_loan_entry_tx(tx, &req)?;
            let exported = (
                e.interest.as_deref().map(parse_amount).transpose()?,
                e.subsidy.as_deref().map(parse_amount).transpose()?,
            );
            let restored = (
                r.allocation.map(|a| a.interest),
                r.allocation
                    .filter(|_| kind == EntryKind::LoanRepay)
                    .map(|a| a.subsidy),
            );
            if exported != restored {
                return Err(bad(format!(
                    "exported split (interest {:?}, subsidy {:?}) differs from the rules' (interest {:?}, subsidy {:?})",
                    exported.0.map(Money::to_plain),
                    exported.1.map(Money::to_plain),
                    restored.0.map(Money::to_plain),
                    restored.1.map(Money::to_plain)
                )));
            }
            Ok(Some(r.id))
        }
        EntryKind::Grant => {
            let code = e
                .grant
                .clone()
                .ok_or_else(|| bad("a grant entry names no grant".into()))?;
            let g = grants
                .get(&code)
                .ok_or_else(|| bad(format!("grant '{code}' is not among the export's grants")))?;
            let input = GrantInput {
                code: g.code.clone(),
                recipient: g.recipient.clone(),
                amount: amount.ok_or_else(|| bad("a grant entry has no amount".into()))?,
                date,
                programme: g.programme.clone(),
                memo: e.memo.clone(),
            };
            Ok(Some(add_grant_tx(tx, input)?.1))
        }
        _ => Ok(None),
    }
}
