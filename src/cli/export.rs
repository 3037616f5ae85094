//! `export`: the ledger in another tool's format.

use clap::Args;
use fundledger::error::{Error, Result};
use fundledger::export::plaintext::Flavor;
use fundledger::reports;

use super::output;
use super::render::Format;
use super::{as_of, Ctx};

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// Export entries dated on or before this date [default: today], as `report portfolio --as-of`
    #[arg(long)]
    pub as_of: Option<String>,
}

pub fn run(ctx: &Ctx, a: ExportArgs) -> Result<()> {
    // The format is the global --format; each exporter is one arm here.
    let flavor = match ctx.out.format {
        Format::Hledger => Flavor::Hledger,
        Format::Beancount => Flavor::Beancount,
        Format::Json => {
            return Err(Error::refused(
                "export-format",
                "export --format json is not available in this build; use --format hledger or beancount",
            ))
        }
        Format::Table | Format::Csv | Format::Xlsx => {
            return Err(Error::refused(
                "export-format",
                "export needs --format hledger or --format beancount (reports and listings take table, csv, json and xlsx)",
            ))
        }
    };
    let as_of = as_of(a.as_of.as_deref())?;
    let mut ledger = ctx.open()?;
    output::with_writer(|out| reports::plaintext::plaintext(&mut ledger, flavor, as_of, out))?;
    Ok(())
}
