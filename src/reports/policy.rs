//! `fund policy CODE`: a fund's policy records and the terms in force on a date.

use serde::Serialize;

use crate::date::Date;
use crate::domain::FundKind;
use crate::error::{unknown, Result};
use crate::policy::{terms_in_force, PolicyRecord, Terms};
use crate::store::{CodeTable, Ledger};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyHistory {
    pub fund: String,
    pub kind: FundKind,
    pub parent: Option<String>,
    /// The fund's own records, by effective date then record id.
    pub policies: Vec<PolicyRecord>,
    pub as_of: Date,
    /// Each term in force on `as_of`, with the record (own or the guidance fund's) it comes from.
    pub in_force: Terms,
}

pub fn policy_history(ledger: &mut Ledger, code: &str, as_of: Date) -> Result<PolicyHistory> {
    ledger.read(|tx| {
        let f = tx
            .fund_by_code(code)?
            .ok_or_else(|| unknown("fund", code, tx.codes(CodeTable::Funds).unwrap_or_default()))?;
        let ids: Vec<i64> = std::iter::once(f.id).chain(f.parent_id).collect();
        let records = tx.policies(Some(&ids))?;
        let in_force = terms_in_force(&records, f.id, f.parent_id, as_of);
        Ok(PolicyHistory {
            policies: records.into_iter().filter(|r| r.fund_id == f.id).collect(),
            fund: f.code,
            kind: f.kind,
            parent: f.parent,
            as_of,
            in_force,
        })
    })
}
