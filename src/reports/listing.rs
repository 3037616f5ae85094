//! Listings of reference data and of the journal.

use serde::Serialize;

use crate::date::Date;
use crate::domain::{Company, EntryKind, Fund, Investor};
use crate::error::{unknown, Result};
use crate::money::Money;
use crate::policy::Factor;
use crate::store::{CodeTable, EntryFilter, Ledger, LoggedEntry};

pub fn funds(ledger: &mut Ledger) -> Result<Vec<Fund>> {
    ledger.read(|tx| tx.funds())
}

pub fn investors(ledger: &mut Ledger) -> Result<Vec<Investor>> {
    ledger.read(|tx| tx.investors())
}

pub fn companies(ledger: &mut Ledger) -> Result<Vec<Company>> {
    ledger.read(|tx| tx.companies())
}

/// [`companies`] one at a time, in one read transaction.
pub fn company_each(ledger: &mut Ledger, f: impl FnMut(Company) -> Result<()>) -> Result<()> {
    ledger.read(|tx| tx.for_each_company(f))
}

/// One line of `log`.
#[derive(Clone, Debug, Serialize)]
pub struct LogLine {
    pub id: i64,
    pub date: Date,
    pub kind: EntryKind,
    pub fund: Option<String>,
    pub investor: Option<String>,
    pub company: Option<String>,
    pub loan: Option<String>,
    pub grant: Option<String>,
    pub amount: Option<Money>,
    pub detail: Option<String>,
    pub memo: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
    pub reverses: Option<i64>,
    pub reversed_by: Option<i64>,
    pub reinvest_weight: Option<Factor>,
}

/// Every entry (reversals included), optionally only those of one fund, one line at
/// a time, in one read transaction: memory stays flat however long the journal is.
pub fn log_each(
    ledger: &mut Ledger,
    fund: Option<&str>,
    mut f: impl FnMut(LogLine) -> Result<()>,
) -> Result<()> {
    ledger.read(|tx| {
        let fund_id = match fund {
            Some(code) => Some(
                tx.fund_by_code(code)?
                    .ok_or_else(|| {
                        unknown("fund", code, tx.codes(CodeTable::Funds).unwrap_or_default())
                    })?
                    .id,
            ),
            None => None,
        };
        tx.for_each_log(&EntryFilter { fund_id }, |l| f(LogLine::from(l)))
    })
}

impl From<LoggedEntry> for LogLine {
    fn from(l: LoggedEntry) -> LogLine {
        LogLine {
            id: l.entry.id,
            date: l.entry.date,
            kind: l.entry.kind,
            fund: l.fund,
            investor: l.investor,
            company: l.company,
            loan: l.loan,
            grant: l.grant,
            amount: l.entry.amount,
            detail: l.entry.detail,
            memo: l.entry.memo,
            recorded_at: l.entry.recorded_at,
            recorded_by: l.entry.recorded_by,
            reverses: l.entry.reverses,
            reversed_by: l.reversed_by,
            reinvest_weight: l.entry.reinvest_weight,
        }
    }
}
