//! The loan book as of a date: `report loans`, `loan list`, `loan schedule`, `grant list`.
//!
//! Each loan is replayed from its entries dated on or before the as-of date (one
//! streaming query for the whole book), trusting the allocations stored with each
//! repayment and payout. Figures are exact `Money`; ratios are `Ratio` or `None`.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::Datelike;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::audit::Finding;
use crate::date::Date;
use crate::domain::string_enum;
use crate::error::{unknown, Error, Result};
use crate::loan::engine::{self, Bucket, LoanEvent, LoanState};
use crate::loan::{BorrowerKind, Loan, Method, Rate, SubsidyRule};
use crate::money::{Money, Ratio};
use crate::store::{GrantRow, Ledger, Tx};

/// Loans and outstanding principal in one aging bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BucketFigure {
    pub count: u64,
    pub principal: Money,
}

/// Aging of loans by days past due of their oldest unpaid installment. `principal` is
/// the loans' whole outstanding principal, not only the overdue part.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Arrears {
    #[serde(rename = "1-30")]
    pub d1_30: BucketFigure,
    #[serde(rename = "31-60")]
    pub d31_60: BucketFigure,
    #[serde(rename = "61-90")]
    pub d61_90: BucketFigure,
    #[serde(rename = ">90")]
    pub over_90: BucketFigure,
}

impl Arrears {
    fn bucket_mut(&mut self, b: Bucket) -> &mut BucketFigure {
        match b {
            Bucket::D1To30 => &mut self.d1_30,
            Bucket::D31To60 => &mut self.d31_60,
            Bucket::D61To90 => &mut self.d61_90,
            Bucket::Over90 => &mut self.over_90,
        }
    }
    /// The buckets with their labels, youngest first.
    pub fn labelled(&self) -> [(&'static str, BucketFigure); 4] {
        [
            ("1-30", self.d1_30),
            ("31-60", self.d31_60),
            ("61-90", self.d61_90),
            (">90", self.over_90),
        ]
    }
}

/// The programme's figures for a set of loans.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LoanFigures {
    /// Loans disbursed by the as-of date.
    pub loans: u64,
    pub disbursed: Money,
    /// Principal still owed to the banks.
    pub outstanding: Money,
    pub principal_repaid: Money,
    /// Interest repaid at the contract rate …
    pub interest_paid: Money,
    /// … of which borne by the borrowers …
    pub interest_borrower: Money,
    /// … and by public finance (贴息).
    pub interest_subsidy: Money,
    pub arrears: Arrears,
    /// Outstanding principal of loans more than 30 days late ÷ all outstanding principal.
    pub par30: Option<Ratio>,
    /// The same for more than 90 days.
    pub par90: Option<Ratio>,
    pub defaulted_loans: u64,
    /// Principal outstanding at the default date of the loans in default.
    pub defaulted: Money,
    pub compensated_loans: u64,
    /// Guarantee payouts (代偿) to the banks.
    pub compensated: Money,
    /// Recovered from borrowers after a payout.
    pub recovered: Money,
    pub written_off_loans: u64,
    /// Principal left at the bank plus unrecovered payouts, at each write-off.
    pub written_off: Money,
    /// Payouts − recoveries: the guarantee fund's net outflow.
    pub net_guarantee_loss: Money,
    pub jobs: u64,
    /// Disbursed ÷ loans, rounded to the fen; `None` without loans.
    pub average_loan: Option<Money>,
    /// Grants (无偿资助) paid; `None` in groups grants do not belong to (kind, guarantor).
    pub grants: Option<Money>,
    pub grants_count: Option<u64>,
}

impl LoanFigures {
    fn add(&mut self, loan: &Loan, s: &LoanState, as_of: Date) {
        let outstanding = s.outstanding();
        self.loans += 1;
        self.disbursed += loan.terms.principal;
        self.outstanding += outstanding;
        self.principal_repaid += s.principal_repaid;
        self.interest_paid += s.interest_paid;
        self.interest_subsidy += s.subsidy_paid;
        if let Some(b) = s.days_past_due(as_of).and_then(Bucket::of) {
            let f = self.arrears.bucket_mut(b);
            f.count += 1;
            f.principal += outstanding;
        }
        if let Some((_, principal)) = s.defaulted {
            self.defaulted_loans += 1;
            self.defaulted += principal;
        }
        if s.first_payout.is_some() {
            self.compensated_loans += 1;
        }
        self.compensated += s.compensated;
        self.recovered += s.recovered;
        if let Some((_, amount)) = s.written_off {
            self.written_off_loans += 1;
            self.written_off += amount;
        }
        self.jobs += u64::from(loan.jobs.unwrap_or(0));
    }

    fn add_grant(&mut self, amount: Money) {
        *self.grants.get_or_insert(Money::ZERO) += amount;
        *self.grants_count.get_or_insert(0) += 1;
    }

    /// Derived figures, once everything is added.
    fn finish(&mut self, with_grants: bool) {
        self.interest_borrower = self.interest_paid - self.interest_subsidy;
        let a = &self.arrears;
        self.par30 = Ratio::of(
            a.d31_60.principal + a.d61_90.principal + a.over_90.principal,
            self.outstanding,
        );
        self.par90 = Ratio::of(a.over_90.principal, self.outstanding);
        self.net_guarantee_loss = self.compensated - self.recovered;
        self.average_loan = (self.loans > 0)
            .then(|| Money::round_fen(self.disbursed.as_decimal() / Decimal::from(self.loans)));
        if with_grants {
            self.grants.get_or_insert(Money::ZERO);
            self.grants_count.get_or_insert(0);
        }
    }
}

string_enum!(
    /// How `report loans --by` groups loans.
    LoanGrouping { Kind => "kind", Year => "year", Guarantor => "guarantor" }
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoanGroup {
    pub group: String,
    #[serde(flatten)]
    pub figures: LoanFigures,
}

/// `report loans`: the totals at the top level; with `--by`, the groups too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoansReport {
    pub as_of: Date,
    #[serde(flatten)]
    pub total: LoanFigures,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<LoanGrouping>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<Vec<LoanGroup>>,
}

/// Replay a loan trusting its stored allocations. A failure means the file was changed
/// outside fundledger: say so rather than print a wrong figure.
fn replay(loan: &Loan, events: Vec<LoanEvent>) -> Result<LoanState> {
    engine::replay(&loan.terms, events, false)
        .map(|(s, _)| s)
        .map_err(|b| {
            let (e, v) = *b;
            Error::Ledger(format!(
                "loan '{}': its history cannot be replayed at entry {} ({} on {}): {}; \
             the file may have been altered outside fundledger (run `fundledger audit`)",
                loan.code,
                e.id,
                e.kind,
                e.date,
                v.rule()
            ))
        })
}

/// Sort key and label of a loan's group.
fn group_of(loan: &Loan, by: LoanGrouping) -> ((u8, i64, String), String) {
    match by {
        LoanGrouping::Kind => {
            let k = loan.borrower_kind;
            let pos = BorrowerKind::ALL.iter().position(|x| *x == k).unwrap_or(0) as i64;
            ((0, pos, String::new()), k.as_str().to_string())
        }
        LoanGrouping::Year => {
            let y = i64::from(loan.terms.start.year());
            ((0, y, String::new()), y.to_string())
        }
        LoanGrouping::Guarantor => match &loan.guarantor {
            Some(g) => ((0, 0, g.clone()), g.clone()),
            None => ((1, 0, String::new()), "(none)".to_string()),
        },
    }
}

pub fn loans_report(
    ledger: &mut Ledger,
    as_of: Date,
    by: Option<LoanGrouping>,
) -> Result<LoansReport> {
    let mut total = LoanFigures::default();
    let mut groups: BTreeMap<(u8, i64, String), LoanGroup> = BTreeMap::new();
    fn group(
        groups: &mut BTreeMap<(u8, i64, String), LoanGroup>,
        (key, label): ((u8, i64, String), String),
    ) -> &mut LoanFigures {
        &mut groups
            .entry(key)
            .or_insert_with(|| LoanGroup {
                group: label,
                figures: LoanFigures::default(),
            })
            .figures
    }
    ledger.read(|tx| {
        let mut grants: Vec<(Date, Money)> = Vec::new();
        tx.for_each_loan_and_grant(
            as_of,
            |loan, events| {
                let state = replay(&loan, events)?;
                if state.disbursed.is_none() {
                    return Ok(());
                }
                total.add(&loan, &state, as_of);
                if let Some(by) = by {
                    group(&mut groups, group_of(&loan, by)).add(&loan, &state, as_of);
                }
                Ok(())
            },
            |date, amount| {
                grants.push((date, amount));
                Ok(())
            },
        )?;
        for (date, amount) in grants {
            total.add_grant(amount);
            if by == Some(LoanGrouping::Year) {
                let y = i64::from(date.year());
                group(&mut groups, ((0, y, String::new()), y.to_string())).add_grant(amount);
            }
        }
        Ok(())
    })?;
    total.finish(true);
    let groups = by.map(|by| {
        groups
            .into_values()
            .map(|mut g| {
                g.figures.finish(by == LoanGrouping::Year);
                g
            })
            .collect()
    });
    Ok(LoansReport {
        as_of,
        total,
        by,
        groups,
    })
}

/// For `audit`: replay every loan up to `as_of` under the rules, checking that each
/// stored allocation is the one the rules give. One finding per loan that breaks,
/// naming the first entry that does.
pub fn audit_findings(tx: &Tx<'_>, as_of: Date) -> Result<Vec<Finding>> {
    let mut out = Vec::new();
    tx.for_each_loan(as_of, |loan, events| {
        if let Err(b) = engine::replay(&loan.terms, events, true) {
            let (e, v) = *b;
            out.push(Finding::new(
                v.rule(),
                format!("loan {} entry {}", loan.code, e.id),
                format!("{} on {}: {}", e.kind, e.date, v.describe(&loan.code)),
            ));
        }
        Ok(())
    })?;
    Ok(out)
}

/// Where a loan stands on a date.
pub fn status(s: &LoanState, as_of: Date) -> &'static str {
    if s.disbursed.is_none() {
        "not-disbursed"
    } else if s.written_off.is_some() {
        "written-off"
    } else if s.first_payout.is_some() {
        "compensated"
    } else if s.defaulted.is_some() {
        "defaulted"
    } else if s.outstanding().is_zero() {
        "repaid"
    } else if s.days_past_due(as_of).is_some() {
        "in-arrears"
    } else {
        "current"
    }
}

/// One line of `loan list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoanLine {
    #[serde(flatten)]
    pub loan: Loan,
    pub status: &'static str,
    pub outstanding: Money,
    pub days_past_due: Option<i64>,
    pub principal_repaid: Money,
    pub interest_paid: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoanList {
    pub as_of: Date,
    pub loans: Vec<LoanLine>,
}

pub fn loan_list(ledger: &mut Ledger, as_of: Date) -> Result<LoanList> {
    let mut loans = Vec::new();
    loan_each(ledger, as_of, |l| {
        loans.push(l);
        Ok(())
    })?;
    Ok(LoanList { as_of, loans })
}

/// Each loan's line of `loan list`, in id order, handed to `f` as it is read: memory
/// holds one loan and its events, however many loans the book has.
pub fn loan_each(
    ledger: &mut Ledger,
    as_of: Date,
    mut f: impl FnMut(LoanLine) -> Result<()>,
) -> Result<()> {
    ledger.read(|tx| {
        tx.for_each_loan(as_of, |loan, events| {
            let s = replay(&loan, events)?;
            f(LoanLine {
                status: status(&s, as_of),
                outstanding: s.outstanding(),
                days_past_due: s.days_past_due(as_of),
                principal_repaid: s.principal_repaid,
                interest_paid: s.interest_paid,
                loan,
            })
        })
    })
}

/// One installment of `loan schedule`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScheduleLine {
    pub n: u32,
    pub due: Date,
    pub principal: Money,
    pub interest: Money,
    pub total: Money,
    /// Principal prepaid with this installment, beyond the schedule.
    pub prepaid: Money,
    /// Principal remaining after this installment and any prepayment made with it.
    pub balance: Money,
    pub paid_principal: Money,
    pub paid_interest: Money,
    /// `paid`, `overdue` (due before the as-of date and not paid in full),
    /// `part-paid` or `open`.
    pub status: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoanSchedule {
    pub loan: String,
    pub borrower: String,
    pub principal: Money,
    pub rate: Rate,
    pub term_months: u32,
    pub start: Date,
    pub method: Method,
    pub subsidy: SubsidyRule,
    pub as_of: Date,
    pub status: &'static str,
    pub outstanding: Money,
    pub days_past_due: Option<i64>,
    /// What settles the loan with the bank on the as-of date: overdue amounts, the
    /// current installment's interest and all remaining principal (`None` before the
    /// disbursement and after a write-off).
    pub payoff: Option<Money>,
    pub installments: Vec<ScheduleLine>,
}

/// The schedule in force on `as_of` (re-amortised after any prepayment) with what
/// has been paid against each installment.
pub fn loan_schedule(ledger: &mut Ledger, code: &str, as_of: Date) -> Result<LoanSchedule> {
    ledger.read(|tx| {
        let loan = tx
            .loan_by_code(code)?
            .ok_or_else(|| unknown("loan", code, tx.loan_codes().unwrap_or_default()))?;
        let events: Vec<LoanEvent> = tx
            .loan_events(loan.id)?
            .into_iter()
            .filter(|e| e.date <= as_of)
            .collect();
        let s = replay(&loan, events)?;
        let mut remaining = loan.terms.principal;
        let installments = s
            .installments
            .iter()
            .map(|i| {
                remaining -= i.principal + i.prepaid;
                let status = if i.settled() {
                    "paid"
                } else if i.due < as_of && s.disbursed.is_some() {
                    "overdue"
                } else if i.paid_principal.is_positive() || i.paid_interest.is_positive() {
                    "part-paid"
                } else {
                    "open"
                };
                ScheduleLine {
                    n: i.n,
                    due: i.due,
                    principal: i.principal,
                    interest: i.interest,
                    total: i.principal + i.interest,
                    prepaid: i.prepaid,
                    balance: remaining,
                    paid_principal: i.paid_principal,
                    paid_interest: i.paid_interest,
                    status,
                }
            })
            .collect();
        Ok(LoanSchedule {
            loan: loan.code.clone(),
            borrower: loan.borrower.clone(),
            principal: loan.terms.principal,
            rate: loan.terms.rate,
            term_months: loan.terms.term_months,
            start: loan.terms.start,
            method: loan.terms.method,
            subsidy: loan.terms.subsidy,
            as_of,
            status: status(&s, as_of),
            outstanding: s.outstanding(),
            days_past_due: s.days_past_due(as_of),
            payoff: (s.disbursed.is_some() && s.written_off.is_none())
                .then(|| s.owed(as_of).total()),
            installments,
        })
    })
}

/// One line of `grant list`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GrantLine {
    pub code: String,
    pub recipient: String,
    pub programme: Option<String>,
    pub date: Date,
    pub amount: Money,
    pub entry: i64,
    pub reversed_by: Option<i64>,
}

/// Every grant, reversed ones included (marked), in the order added.
pub fn grants(ledger: &mut Ledger) -> Result<Vec<GrantLine>> {
    let rows: Vec<GrantRow> = ledger.read(|tx| tx.grants())?;
    Ok(rows
        .into_iter()
        .map(|r| GrantLine {
            code: r.grant.code,
            recipient: r.grant.recipient,
            programme: r.grant.programme,
            date: r.date,
            amount: r.amount,
            entry: r.entry_id,
            reversed_by: r.reversed_by,
        })
        .collect())
}
