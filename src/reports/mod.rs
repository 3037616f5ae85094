//! Reports and listings: read-only use cases that return plain data.
//!
//! Architecture Invariant: each report reads the journal with one streaming query in
//! one read transaction (a consistent snapshot), and does its arithmetic in exact
//! `Money`/`Ratio`; rendering is the CLI's job.

pub mod audit;
pub mod calc;
pub mod eval;
pub mod export;
pub mod journal;
pub mod leverage;
pub mod listing;
pub mod loans;
pub mod lookthrough;
pub mod pack;
pub mod plaintext;
pub mod policy;
pub mod portfolio;
pub mod returns;

pub use listing::{companies, funds, investors, LogLine};
pub use portfolio::{portfolio, Portfolio, PortfolioRow, PortfolioTotal};
pub use returns::{returns, By, Returns, ReturnsQuery};
