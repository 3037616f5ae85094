//! Domain types: funds, investors, companies and journal entries, as plain data.
//!
//! No I/O here. Storage turns rows into these; operations and reports consume them.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::date::Date;
use crate::money::Money;
use crate::policy::Factor;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }
        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($s => Ok($name::$variant),)+
                    _ => Err(format!(
                        "'{}' is not a {}; expected one of: {}",
                        s,
                        stringify!($name),
                        [$($s),+].join(", ")
                    )),
                }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use string_enum;

string_enum!(
    /// What a fund is in the programme's structure.
    FundKind { Guidance => "guidance", SubFund => "sub-fund", Vehicle => "vehicle" }
);

string_enum!(
    /// Who an LP is, for leverage and social-capital figures.
    InvestorType { Government => "government", StateOwned => "state-owned", Social => "social" }
);

string_enum!(
    /// Every kind of journal entry. The string is what storage and JSON carry.
    EntryKind {
        LpCommit => "lp-commit",
        LpPay => "lp-pay",
        LpDistribute => "lp-distribute",
        DealCommit => "deal-commit",
        DealPay => "deal-pay",
        DealValue => "deal-value",
        DealProceeds => "deal-proceeds",
        DealWriteOff => "deal-write-off",
        Reversal => "reversal",
        LoanDisburse => "loan-disburse",
        LoanRepay => "loan-repay",
        LoanDefault => "loan-default",
        LoanCompensate => "loan-compensate",
        LoanRecover => "loan-recover",
        LoanWriteOff => "loan-write-off",
        Grant => "grant",
    }
);

impl EntryKind {
    /// An LP entry: between a fund and one of its investors (the other fund entries
    /// are between a fund and a company).
    pub fn is_lp(self) -> bool {
        matches!(
            self,
            EntryKind::LpCommit | EntryKind::LpPay | EntryKind::LpDistribute
        )
    }
}

string_enum!(
    /// Kinds of proceeds from a holding. `exit` closes the holding.
    ProceedsKind { Dividend => "dividend", PartialExit => "partial-exit", Exit => "exit" }
);

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fund {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: FundKind,
    #[serde(skip)]
    pub parent_id: Option<i64>,
    pub parent: Option<String>,
    pub manager: Option<String>,
    pub inception: Option<Date>,
    pub region: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Investor {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub investor_type: InvestorType,
    /// Set when this LP is itself a fund of the ledger (a guidance fund in its sub-fund).
    #[serde(skip)]
    pub fund_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Company {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub sector: Option<String>,
    pub region: Option<String>,
    pub uscc: Option<String>,
    /// Stage given at `company add` (later changes are dated `stage` facts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<crate::eval::Stage>,
}

/// A journal entry as stored. Which optional fields are set depends on `kind`
/// (storage enforces the shape with CHECK constraints).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub kind: EntryKind,
    pub date: Date,
    pub recorded_at: String,
    pub recorded_by: String,
    pub memo: Option<String>,
    pub fund_id: Option<i64>,
    pub investor_id: Option<i64>,
    pub company_id: Option<i64>,
    pub amount: Option<Money>,
    /// Valuation method, proceeds kind or distribution kind.
    pub detail: Option<String>,
    /// For a reversal: the entry it reverses.
    pub reverses: Option<i64>,
    /// For a deal commitment: its 返投 recognition weight, if one was stated.
    pub reinvest_weight: Option<Factor>,
    /// Loan-programme fields (loans migration); all `None` on other entries.
    pub loan: LoanFields,
}

/// The columns the loans migration added to entries. Grouped so that entries of the
/// fund side only ever write `loan: LoanFields::default()`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoanFields {
    pub loan_id: Option<i64>,
    pub grant_id: Option<i64>,
    /// Interest part of a repayment or guarantee payout; the rest of `amount` is
    /// principal. Stored, so later reports never re-allocate history differently.
    pub interest: Option<Money>,
    /// Interest subsidy (贴息) share of `interest`, for repayments.
    pub subsidy: Option<Money>,
}

/// An entry about to be appended (no id, no timestamps yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEntry {
    pub kind: EntryKind,
    pub date: Date,
    pub memo: Option<String>,
    pub fund_id: Option<i64>,
    pub investor_id: Option<i64>,
    pub company_id: Option<i64>,
    pub amount: Option<Money>,
    pub detail: Option<String>,
    pub reverses: Option<i64>,
    pub loan: LoanFields,
    pub reinvest_weight: Option<Factor>,
}

impl NewEntry {
    pub fn new(kind: EntryKind, date: Date) -> NewEntry {
        NewEntry {
            kind,
            date,
            memo: None,
            fund_id: None,
            investor_id: None,
            company_id: None,
            amount: None,
            detail: None,
            reverses: None,
            loan: LoanFields::default(),
            reinvest_weight: None,
        }
    }
}

/// A break of the fund-structure rule, naming the fund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundProblem {
    pub fund: String,
    pub message: String,
}

/// The fund-structure rule: a guidance fund has no parent; a sub-fund has one; every
/// parent is a guidance fund. So a structure is at most two levels deep (guidance fund
/// → its sub-funds and vehicles) and cannot loop, and every report that walks it
/// (portfolio scope, look-through, leverage, policy terms) sees every fund once. A
/// guidance fund that invests in another fund does so as its LP, not as its child.
///
/// `fund add` and the import refuse what breaks it; `audit` reports it in a file
/// edited outside fundledger, and reports refuse to run on such a file.
pub fn fund_structure_problems(funds: &[Fund]) -> Vec<FundProblem> {
    let by_id: std::collections::HashMap<i64, &Fund> = funds.iter().map(|f| (f.id, f)).collect();
    let code = |id: i64| {
        by_id
            .get(&id)
            .map(|f| format!("'{}'", f.code))
            .unwrap_or_else(|| format!("#{id}"))
    };
    let mut out = Vec::new();
    let mut in_cycle = std::collections::HashSet::new();
    for f in funds {
        // Walk up at most funds.len() steps: a walk that comes back to `f` is a cycle.
        let mut path = vec![f.id];
        let mut up = f.parent_id;
        while let Some(p) = up {
            if p == f.id {
                if path.iter().all(|id| !in_cycle.contains(id)) {
                    in_cycle.extend(path.iter().copied());
                    let names: Vec<String> =
                        path.iter().chain([&f.id]).map(|id| code(*id)).collect();
                    out.push(FundProblem {
                        fund: f.code.clone(),
                        message: format!(
                            "fund parents form a cycle: {} (each fund's parent is the next)",
                            names.join(" → ")
                        ),
                    });
                }
                break;
            }
            if path.contains(&p) || path.len() > funds.len() {
                break; // a cycle further up, reported from its own members
            }
            path.push(p);
            up = by_id.get(&p).and_then(|x| x.parent_id);
        }
        match (f.kind, f.parent_id) {
            (FundKind::Guidance, Some(p)) => out.push(FundProblem {
                fund: f.code.clone(),
                message: format!(
                    "guidance fund '{}' has a parent ({}); a guidance fund is the top of its structure",
                    f.code,
                    code(p)
                ),
            }),
            (FundKind::SubFund, None) => out.push(FundProblem {
                fund: f.code.clone(),
                message: format!("sub-fund '{}' has no parent guidance fund", f.code),
            }),
            (_, Some(p)) => match by_id.get(&p) {
                Some(parent) if parent.kind != FundKind::Guidance => out.push(FundProblem {
                    fund: f.code.clone(),
                    message: format!(
                        "the parent of fund '{}' is '{}', a {}, not a guidance fund",
                        f.code, parent.code, parent.kind
                    ),
                }),
                Some(_) => {}
                None => out.push(FundProblem {
                    fund: f.code.clone(),
                    message: format!("the parent of fund '{}' (#{p}) does not exist", f.code),
                }),
            },
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fund(id: i64, code: &str, kind: FundKind, parent_id: Option<i64>) -> Fund {
        Fund {
            id,
            code: code.into(),
            name: code.into(),
            kind,
            parent_id,
            parent: None,
            manager: None,
            inception: None,
            region: None,
        }
    }

    #[test]
    fn fund_structure_rule() {
        use FundKind::*;
        let ok = [
            fund(1, "SC", Guidance, None),
            fund(2, "SC-1", SubFund, Some(1)),
            fund(3, "V", Vehicle, Some(1)),
            fund(4, "V2", Vehicle, None),
        ];
        assert_eq!(fund_structure_problems(&ok), []);
        // SC and SC-1 each other's parent: one cycle, and a guidance fund with a parent.
        let cycle = [
            fund(1, "SC", Guidance, Some(2)),
            fund(2, "SC-1", SubFund, Some(1)),
        ];
        let p = fund_structure_problems(&cycle);
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(
            p[0].message,
            "fund parents form a cycle: 'SC' → 'SC-1' → 'SC' (each fund's parent is the next)"
        );
        assert!(p[1]
            .message
            .starts_with("guidance fund 'SC' has a parent ('SC-1')"));
        // A sub-fund under a sub-fund, and a guidance fund under a guidance fund.
        let deep = [
            fund(1, "G", Guidance, None),
            fund(2, "S", SubFund, Some(1)),
            fund(3, "SS", SubFund, Some(2)),
            fund(4, "G2", Guidance, Some(1)),
        ];
        let p: Vec<String> = fund_structure_problems(&deep)
            .into_iter()
            .map(|p| p.fund)
            .collect();
        assert_eq!(p, ["SS", "G2"]);
    }
}
