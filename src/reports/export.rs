//! `export --format json`: the whole ledger — reference data and the journal with its
//! reversals — by code, in the order it was written. `import` of this file into an
//! empty ledger restores it entry for entry (same ids, dates, authors and times), so
//! reports, `log` and even the hash chain come out identical.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::{EntryFilter, Ledger};

pub const FORMAT: &str = "fundledger-export";
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExportDoc {
    pub format: String,
    pub version: u32,
    pub funds: Vec<ExFund>,
    pub investors: Vec<ExInvestor>,
    pub companies: Vec<ExCompany>,
    pub entries: Vec<ExEntry>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExFund {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent: Option<String>,
    pub manager: Option<String>,
    pub inception: Option<String>,
    pub region: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExInvestor {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub investor_type: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExCompany {
    pub code: String,
    pub name: String,
    pub sector: Option<String>,
    pub region: Option<String>,
    pub uscc: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExEntry {
    pub id: i64,
    pub kind: String,
    pub date: String,
    pub recorded_at: String,
    pub recorded_by: String,
    pub memo: Option<String>,
    pub fund: Option<String>,
    pub investor: Option<String>,
    pub company: Option<String>,
    /// Exact yuan, e.g. "80950000.00".
    pub amount: Option<String>,
    pub detail: Option<String>,
    pub reverses: Option<i64>,
}

pub fn export(ledger: &mut Ledger) -> Result<ExportDoc> {
    ledger.read(|tx| {
        let funds = tx
            .funds()?
            .into_iter()
            .map(|f| ExFund {
                code: f.code,
                name: f.name,
                kind: f.kind.as_str().into(),
                parent: f.parent,
                manager: f.manager,
                inception: f.inception.map(|d| d.to_string()),
                region: f.region,
            })
            .collect();
        let investors = tx
            .investors()?
            .into_iter()
            .map(|i| ExInvestor {
                code: i.code,
                name: i.name,
                investor_type: i.investor_type.as_str().into(),
            })
            .collect();
        let companies = tx
            .companies()?
            .into_iter()
            .map(|c| ExCompany {
                code: c.code,
                name: c.name,
                sector: c.sector,
                region: c.region,
                uscc: c.uscc,
            })
            .collect();
        let entries = tx
            .log(&EntryFilter::default())?
            .into_iter()
            .map(|l| {
                let own = l.entry.reverses.is_none();
                ExEntry {
                    id: l.entry.id,
                    kind: l.entry.kind.as_str().into(),
                    date: l.entry.date.to_string(),
                    recorded_at: l.entry.recorded_at,
                    recorded_by: l.entry.recorded_by,
                    memo: l.entry.memo,
                    // A reversal refers to its original only; the codes `log` shows
                    // for it are the original's.
                    fund: l.fund.filter(|_| own),
                    investor: l.investor.filter(|_| own),
                    company: l.company.filter(|_| own),
                    amount: l.entry.amount.map(|m| m.to_plain()),
                    detail: l.entry.detail,
                    reverses: l.entry.reverses,
                }
            })
            .collect();
        Ok(ExportDoc {
            format: FORMAT.into(),
            version: VERSION,
            funds,
            investors,
            companies,
            entries,
        })
    })
}
