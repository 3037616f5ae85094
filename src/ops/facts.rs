//! Recording company facts and manual indicator scores (issue 15), and reversing them.
//!
//! Both are append-only: a mistake is corrected by a reversal with a reason, as for
//! journal entries. Every refusal names the record, the value and the rule, and writes
//! nothing.

use rust_decimal::Decimal;

use super::text;
use crate::date::Date;
use crate::error::{unknown, Error, Result};
use crate::eval::{FactKind, Stage};
use crate::money::Money;
use crate::store::{CodeTable, Ledger, NewFact, Tx};

/// A company fact as typed or imported.
#[derive(Clone, Debug)]
pub struct FactInput {
    pub company: String,
    pub kind: FactKind,
    pub date: Date,
    pub jobs: Option<i64>,
    pub amount: Option<Money>,
    pub round: Option<String>,
    pub lead: Option<bool>,
    pub stage: Option<String>,
    pub memo: Option<String>,
}

pub fn add_fact(ledger: &mut Ledger, actor: &str, input: FactInput) -> Result<i64> {
    ledger.write(actor, |tx| add_fact_tx(tx, input))
}

fn shape(company: &str, kind: FactKind, why: String) -> Error {
    Error::refused(
        "fact-shape",
        format!("{kind} fact for company '{company}': {why}"),
    )
}

pub(crate) fn add_fact_tx(tx: &Tx<'_>, input: FactInput) -> Result<i64> {
    let c = tx.company_by_code(&input.company)?.ok_or_else(|| {
        unknown(
            "company",
            &input.company,
            tx.codes(CodeTable::Companies).unwrap_or_default(),
        )
    })?;
    let k = input.kind;
    let bad = |why: String| shape(&c.code, k, why);
    let wants_amount = matches!(k, FactKind::Tax | FactKind::Revenue | FactKind::Financing);
    match (k == FactKind::Jobs, input.jobs) {
        (true, None) => return Err(bad("the headcount (jobs) is missing".into())),
        (false, Some(j)) => return Err(bad(format!("jobs {j} belongs on a jobs fact"))),
        (true, Some(j)) if j < 0 => return Err(bad(format!("jobs {j} is negative"))),
        _ => {}
    }
    match (wants_amount, input.amount) {
        (true, None) => return Err(bad("the amount is missing".into())),
        (false, Some(a)) => {
            return Err(bad(format!(
                "amount {} belongs on a tax, revenue or financing fact",
                a.to_plain()
            )))
        }
        (true, Some(a)) if a.is_negative() => {
            return Err(bad(format!("amount {} is negative", a.to_plain())))
        }
        (true, Some(a)) if k == FactKind::Financing && a.is_zero() => {
            return Err(bad("a financing round of 0 raised nothing".into()))
        }
        _ => {}
    }
    let round = text("round", input.round)?;
    if k == FactKind::Financing && round.is_none() {
        return Err(bad("the round (e.g. A, B+, Pre-IPO) is missing".into()));
    }
    if k != FactKind::Financing && (round.is_some() || input.lead.is_some()) {
        return Err(bad("round and lead belong on a financing fact".into()));
    }
    let stage = input.stage.as_deref().map(Stage::parse).transpose()?;
    match (k == FactKind::Stage, stage) {
        (true, None) => return Err(bad("the stage is missing".into())),
        (false, Some(s)) => return Err(bad(format!("stage {s} belongs on a stage fact"))),
        _ => {}
    }
    if k == FactKind::Relocation {
        if let Some(f) = tx
            .facts()?
            .into_iter()
            .find(|f| f.company_id == c.id && f.kind == FactKind::Relocation)
        {
            return Err(Error::refused(
                "fact-duplicate",
                format!(
                    "company '{}' already relocated to the city on {} (fact #{}); reverse that fact \
                     first if its date is wrong",
                    c.code, f.date, f.id
                ),
            ));
        }
    }
    tx.insert_fact(&NewFact {
        company_id: c.id,
        kind: k,
        date: input.date,
        jobs: input.jobs,
        amount: input.amount,
        round,
        lead: (k == FactKind::Financing).then_some(input.lead.unwrap_or(false)),
        stage,
        memo: text("memo", input.memo)?,
    })
}

fn reason_of(reason: &str) -> Result<String> {
    text("reason", Some(reason.to_string()))?
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| Error::refused("reason-required", "a reversal needs a reason (--reason)"))
}

/// Cancel fact `id` with a reason; returns the reversal's id.
pub fn reverse_fact(ledger: &mut Ledger, actor: &str, id: i64, reason: &str) -> Result<i64> {
    let reason = reason_of(reason)?;
    ledger.write(actor, |tx| {
        let (company_id, kind, date, reversed_by) = tx.fact_state(id)?.ok_or_else(|| {
            Error::refused("unknown-fact", format!("there is no company fact #{id}"))
        })?;
        if kind == "reversal" {
            return Err(Error::refused(
                "reversal-of-reversal",
                format!("company fact #{id} is itself a reversal; a reversal cannot be reversed"),
            ));
        }
        if let Some(r) = reversed_by {
            return Err(Error::refused(
                "already-reversed",
                format!("company fact #{id} was already reversed by #{r}"),
            ));
        }
        tx.insert_fact_reversal(id, company_id, &date, &reason)
    })
}

/// Record a manual indicator score of a fund for an evaluation year.
pub fn add_score(
    ledger: &mut Ledger,
    actor: &str,
    fund: &str,
    year: i32,
    indicator: &str,
    score: Decimal,
    note: &str,
) -> Result<i64> {
    let note = text("note", Some(note.to_string()))?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| {
            Error::refused(
                "note-required",
                "a manual score needs a note saying what it rests on (--note)",
            )
        })?;
    let indicator = crate::codes::check_code("indicator", indicator)?;
    if !(1900..=9999).contains(&year) {
        return Err(Error::refused(
            "bad-year",
            format!("--year {year} is outside 1900 to 9999"),
        ));
    }
    ledger.write(actor, |tx| {
        let f = tx
            .fund_by_code(fund)?
            .ok_or_else(|| unknown("fund", fund, tx.codes(CodeTable::Funds).unwrap_or_default()))?;
        tx.insert_score(f.id, year, &indicator, score, &note)
    })
}

/// Cancel manual score `id` with a reason; returns the reversal's id.
pub fn reverse_score(ledger: &mut Ledger, actor: &str, id: i64, reason: &str) -> Result<i64> {
    let reason = reason_of(reason)?;
    ledger.write(actor, |tx| {
        let (fund_id, year, indicator, is_reversal, reversed_by) =
            tx.score_state(id)?.ok_or_else(|| {
                Error::refused(
                    "unknown-score",
                    format!("there is no indicator score #{id}"),
                )
            })?;
        if is_reversal {
            return Err(Error::refused(
                "reversal-of-reversal",
                format!(
                    "indicator score #{id} is itself a reversal; a reversal cannot be reversed"
                ),
            ));
        }
        if let Some(r) = reversed_by {
            return Err(Error::refused(
                "already-reversed",
                format!("indicator score #{id} was already reversed by #{r}"),
            ));
        }
        tx.insert_score_reversal(id, fund_id, year, &indicator, &reason)
    })
}
