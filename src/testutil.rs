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
