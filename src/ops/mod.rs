//! Operations: the use cases that change the ledger. Each validates against the
//! ledger's rules inside one IMMEDIATE transaction and either writes everything it
//! was asked to or nothing.
//!
//! Architecture Invariant: operations never format output and never parse command
//! lines; they take typed input and return plain data or an [`Error`].

mod distribute;
mod entries;
pub mod facts;
pub mod import;
pub mod loans;
pub mod pg;
mod policy;
mod reference;
mod reindex;

pub use entries::{record, record_many, reverse, EntryRequest};
pub use loans::{add_grant, add_loan, record_loan_entry, GrantInput, LoanEntryRequest, LoanInput};
pub use policy::{set_policy, PolicyInput};
pub use reference::{add_company, add_fund, add_investor, CompanyInput, FundInput, InvestorInput};
pub use reindex::{reindex, Reindexed};

use crate::date::{today, Date};
use crate::error::{Error, Result};

/// The name written as `recorded_by`: `--by NAME` if given, else the OS user
/// (`$USER`, `$LOGNAME`, `%USERNAME%`, else the account the process runs as).
pub fn actor(by: Option<&str>) -> String {
    if let Some(b) = by.map(str::trim).filter(|b| !b.is_empty()) {
        return b.to_string();
    }
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .or_else(os_account)
        .unwrap_or_else(|| "unknown".to_string())
}

/// The name of the account this process runs as, when no environment variable says
/// (cron jobs, services, `env -i`): the owner of `/proc/self` looked up in
/// `/etc/passwd`, else `uid N`.
#[cfg(unix)]
fn os_account() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let name = passwd.lines().find_map(|line| {
        let mut f = line.split(':');
        let name = f.next()?;
        let id: u32 = f.nth(1)?.parse().ok()?;
        (id == uid && !name.is_empty()).then(|| name.to_string())
    });
    Some(name.unwrap_or_else(|| format!("uid {uid}")))
}

#[cfg(not(unix))]
fn os_account() -> Option<String> {
    None
}

/// A new code, NFKC-normalised and checked against the code alphabet (codes.rs).
pub(crate) use crate::codes::check_code;

/// Refuse `code` for a new `what` if `table` holds the same code in another case:
/// codes are unique whatever their case (`sc` cannot sit next to `SC`).
pub(crate) fn unique_ignoring_case(
    tx: &crate::store::Tx<'_>,
    what: &str,
    code: &str,
    tables: &[(&str, &str)],
) -> Result<()> {
    for (table, other_what) in tables {
        if let Some(other) = tx.code_in_other_case(table, code)? {
            return Err(Error::refused(
                "duplicate-code",
                format!(
                    "{what} code '{code}' differs only in case from {other_what} '{other}'; codes are unique whatever their case"
                ),
            ));
        }
    }
    Ok(())
}

/// Dates in the future are refused: a ledger records what has happened.
pub(crate) fn check_not_future(what: &str, date: Date) -> Result<()> {
    let t = today();
    if date > t {
        return Err(Error::refused(
            "future-date",
            format!(
                "{what} is dated {date}, after today ({t}); the ledger records what has happened"
            ),
        ));
    }
    Ok(())
}

/// Optional free text (a manager, region, memo, …): trimmed, `None` when empty,
/// refused when it holds a control character (codes.rs).
pub(crate) fn text(what: &str, s: Option<String>) -> Result<Option<String>> {
    crate::codes::check_text(what, s.as_deref())
}
