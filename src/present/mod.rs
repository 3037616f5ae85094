//! Presentation: the report model, the builders that turn each report's plain data
//! into it, the label table, and the renderers.
//!
//! The path of a report: CLI args → `reports::*` (store reads, pure calculation) →
//! a builder here → [`model::Document`] → a renderer (`text`, `csv`, `xlsx`, `html`,
//! `pdf`). Builders know funds and loans and nothing of formats; renderers know
//! formats and nothing of funds and loans.

pub mod csv;
pub mod eval;
pub mod eval_labels;
pub mod html;
pub mod labels;
pub mod leverage;
pub mod listing;
pub mod loans;
pub mod model;
pub mod pack;
pub mod pdf;
pub mod portfolio;
pub mod print;
pub mod returns;
pub mod svg;
pub mod text;
pub mod xlsx;

pub use labels::Lang;
pub use model::{Document, Opts};

/// How a report with many figures per row is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Readable sections, for terminals, workbooks and print.
    Sections,
    /// One wide table, for CSV.
    Flat,
}
