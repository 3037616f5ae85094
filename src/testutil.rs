//! Reference data for the library's own tests.

use crate::domain::{FundKind, InvestorType};
use crate::ops::{add_fund, add_investor, FundInput, InvestorInput};
use crate::store::Ledger;

/// Add a guidance fund with no parent; its id.
pub fn guidance_fund(l: &mut Ledger, code: &str) -> i64 {
    add_fund(
        l,
        "t",
        FundInput {
            code: code.into(),
            name: format!("fund {code}"),
            kind: FundKind::Guidance,
            parent: None,
            manager: None,
            inception: None,
            region: None,
        },
    )
    .unwrap()
    .id
}

/// Add a government investor; its id.
pub fn government(l: &mut Ledger, code: &str) -> i64 {
    add_investor(
        l,
        "t",
        InvestorInput {
            code: code.into(),
            name: format!("investor {code}"),
            investor_type: InvestorType::Government,
        },
    )
    .unwrap()
    .id
}

/// For the random-ledger tests: reverse entry number `i` (modulo how many there are) of
/// those `written` so far, (id, reversed), unless it is reversed already.
pub fn reverse_nth(
    tx: &crate::store::Tx<'_>,
    written: &mut [(i64, bool)],
    i: usize,
) -> crate::error::Result<()> {
    if written.is_empty() {
        return Ok(());
    }
    let at = i % written.len();
    if written[at].1 {
        return Ok(());
    }
    let target = tx.entry(written[at].0)?.expect("a written entry");
    let mut n = crate::domain::NewEntry::new(crate::domain::EntryKind::Reversal, target.date);
    n.reverses = Some(target.id);
    n.memo = Some("test".into());
    tx.append_entry(&n)?;
    written[at].1 = true;
    Ok(())
}

/// A ledger file at schema `version` (to test an upgrade from it) holding fund F,
/// investor I and company C (id 1 each) and the entries of `values`: rows of
/// `(id, kind, effective_date, recorded_at, recorded_by, fund_id, investor_id,
/// company_id, amount_fen, detail, reverses, memo, prev_hash, hash)`.
pub fn ledger_at_version(path: &std::path::Path, version: i64, values: &str) {
    let l = Ledger::create_at_version(path, version).unwrap();
    l.connection()
        .execute_batch(&format!(
            "INSERT INTO funds (id, code, name, kind, created_at, created_by) VALUES (1, 'F', 'f', 'guidance', 'x', 'x');
             INSERT INTO investors (id, code, name, type, created_at, created_by) VALUES (1, 'I', 'i', 'government', 'x', 'x');
             INSERT INTO companies (id, code, name, created_at, created_by) VALUES (1, 'C', 'c', 'x', 'x');
             INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by, fund_id, investor_id, company_id, amount_fen, detail, reverses, memo, prev_hash, hash) VALUES
             {values};"
        ))
        .unwrap();
}
