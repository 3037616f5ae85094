//! The journal a page at a time, with the total of what a filter selects: the
//! drill-down behind every sum the web view shows.

use serde::Serialize;

use crate::date::Date;
use crate::domain::EntryKind;
use crate::error::{unknown, Error, Result};
use crate::money::Money;
use crate::store::{CodeTable, JournalQuery, Ledger};

use super::LogLine;

/// What to show, by code (as a URL gives it).
#[derive(Clone, Debug, Default)]
pub struct JournalFilter {
    pub funds: Vec<String>,
    pub company: Option<String>,
    pub investor: Option<String>,
    pub loan: Option<String>,
    pub kind: Option<EntryKind>,
    pub as_of: Option<Date>,
    pub before: Option<i64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct JournalPage {
    /// Newest first; reversals and the entries they reverse both appear.
    pub lines: Vec<LogLine>,
    /// The sum of the amounts that count (not reversed, not reversals) over every page,
    /// when the filter names one kind (a sum over mixed kinds means nothing).
    pub total: Option<Money>,
    /// How many entries count towards `total`.
    pub counted: Option<i64>,
    /// The `before` of the next (older) page, when there is one.
    pub next_before: Option<i64>,
}

/// Entries on one page.
pub const PAGE: i64 = 50;

pub fn journal_page(ledger: &mut Ledger, f: &JournalFilter) -> Result<JournalPage> {
    ledger.read(|tx| {
        let mut q = JournalQuery {
            kind: f.kind.map(|k| k.as_str().to_string()),
            as_of: f.as_of,
            before: f.before,
            limit: PAGE + 1,
            ..JournalQuery::default()
        };
        for code in &f.funds {
            let fund = tx.fund_by_code(code)?.ok_or_else(|| {
                unknown("fund", code, tx.codes(CodeTable::Funds).unwrap_or_default())
            })?;
            q.fund_ids.push(fund.id);
        }
        if let Some(code) = &f.company {
            let c = tx.company_by_code(code)?.ok_or_else(|| {
                unknown(
                    "company",
                    code,
                    tx.codes(CodeTable::Companies).unwrap_or_default(),
                )
            })?;
            q.company_id = Some(c.id);
        }
        if let Some(code) = &f.investor {
            let i = tx.investor_by_code(code)?.ok_or_else(|| {
                unknown(
                    "investor",
                    code,
                    tx.codes(CodeTable::Investors).unwrap_or_default(),
                )
            })?;
            q.investor_id = Some(i.id);
        }
        if let Some(code) = &f.loan {
            let l = tx
                .loan_by_code(code)?
                .ok_or_else(|| Error::refused("unknown-code", format!("no loan '{code}'")))?;
            q.loan_id = Some(l.id);
        }
        let mut rows = tx.journal_page(&q)?;
        let next_before = if rows.len() as i64 > PAGE {
            rows.truncate(PAGE as usize);
            rows.last().map(|r| r.entry.id)
        } else {
            None
        };
        let (total, counted) = match f.kind {
            Some(_) => {
                let (m, n) = tx.journal_total(&q)?;
                (Some(m), Some(n))
            }
            None => (None, None),
        };
        Ok(JournalPage {
            lines: rows.into_iter().map(LogLine::from).collect(),
            total,
            counted,
            next_before,
        })
    })
}
