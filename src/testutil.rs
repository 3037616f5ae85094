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
