//! `export --format hledger|beancount`: the ledger as a plain-text accounting journal.

use std::io::Write;

use crate::date::Date;
use crate::error::Result;
use crate::export::plaintext::{Flavor, Journal};
use crate::store::Ledger;

/// Write the journal of every effective entry dated on or before `as_of` to `out`,
/// reading one snapshot with one streaming query; returns the number of entries.
pub fn plaintext(
    ledger: &mut Ledger,
    flavor: Flavor,
    as_of: Date,
    declare_accounts: bool,
    out: &mut dyn Write,
) -> Result<usize> {
    ledger.read(|tx| {
        let mut journal = Journal::new(flavor, &tx.funds()?, &tx.investors()?, &tx.companies()?);
        if !declare_accounts {
            journal = journal.without_account_directives();
        }
        out.write_all(journal.header(as_of).as_bytes())?;
        let mut n = 0;
        tx.for_each_effective(as_of, |e| {
            out.write_all(journal.entry(&e).as_bytes())?;
            n += 1;
            Ok(())
        })?;
        out.flush()?;
        Ok(n)
    })
}
