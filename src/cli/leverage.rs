//! `report leverage` and `report portfolio --look-through`.

use clap::Args;
use fundledger::date::Date;
use fundledger::error::Result;
use fundledger::present::{self, Layout};
use fundledger::reports::leverage::leverage;
use fundledger::reports::lookthrough::look_through as look_through_report;

use super::render::{print_doc, print_json, Format};
use super::{as_of, Ctx};

#[derive(Args, Debug)]
pub struct LeverageArgs {
    /// Ignore entries dated after this date and apply the policy terms in force on it [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    /// Only this guidance fund and its sub-funds, or only this sub-fund
    #[arg(long)]
    pub fund: Option<String>,
}

pub const LEVERAGE_HELP: &str = "\
Per guidance fund (its programme: itself and its sub-funds, consolidated) and per sub-fund:
government, state-owned and social capital; leverage (放大倍数); social ÷ government; 返投 against
the policy minimum; government share against its cap. Every ratio shows its numerator and
denominator; n/a where the denominator is zero. Formulas: docs/leverage.md.

Examples:
  fundledger --db ledger.db.example --unit wan report leverage
  fundledger report leverage --fund SC --as-of 2021-12-31 --format json";

/// The layout a format wants: one wide table for CSV (machines), readable sections
/// otherwise (a workbook is printed: its sections keep their notes, marks and charts).
pub fn layout(format: Format) -> Layout {
    match format {
        Format::Csv => Layout::Flat,
        _ => Layout::Sections,
    }
}

pub fn report(ctx: &Ctx, a: LeverageArgs) -> Result<()> {
    let as_of = as_of(a.as_of.as_deref())?;
    let mut ledger = ctx.open()?;
    let l = leverage(&mut ledger, as_of, a.fund.as_deref())?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&l)?);
    }
    let doc = present::leverage::document(
        &l,
        a.fund.as_deref(),
        ctx.out.opts(),
        layout(ctx.out.format),
    );
    print_doc(ctx, &doc)
}

pub fn look_through(ctx: &Ctx, as_of: Date, fund: Option<&str>) -> Result<()> {
    let mut ledger = ctx.open()?;
    let lt = look_through_report(&mut ledger, as_of, fund)?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&lt)?);
    }
    let doc = present::leverage::look_through(&lt, fund, ctx.out.opts(), layout(ctx.out.format));
    print_doc(ctx, &doc)
}
