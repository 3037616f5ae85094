//! fundledger: an exact, append-only ledger for a city's startup-finance programmes.
//!
//! Layers, each depending only on those above it:
//! - [`money`], [`date`], [`uscc`], [`domain`], [`rules`], [`book`], [`hashchain`],
//!   [`loan`]:
//!   values and pure calculations; no I/O, no SQL.
//! - [`store`]: SQLite, migrations; the only module with SQL.
//! - [`ops`] (writes) and [`reports`] (reads): use cases returning plain data.
//! - the `fundledger` binary (`src/cli`): parsing and rendering only.
//!
//! See docs/ARCHITECTURE.md for the invariants.

pub mod audit;
pub mod book;
pub mod codes;
pub mod csvin;
pub mod date;
pub mod distributions;
pub mod domain;
pub mod error;
pub mod eval;
pub mod export;
pub mod fsutil;
pub mod hashchain;
pub mod loan;
pub mod money;
pub mod ops;
pub mod pme;
pub mod policy;
pub mod present;
pub mod reports;
pub mod rules;
pub mod serve;
pub mod store;
pub mod uscc;
pub mod xirr;

#[cfg(test)]
mod testutil;
