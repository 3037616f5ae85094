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
    /// hledger: leave out the `account` directives (only `hledger --strict` needs them;
    /// hledger reads a journal with hundreds of thousands of them very slowly)
    #[arg(long)]
    pub no_account_directives: bool,
}

pub fn run(ctx: &Ctx, a: ExportArgs) -> Result<()> {
    // The format is the global --format; each exporter is one arm here.
    let flavor = match ctx.out.format {
        Format::Hledger => Flavor::Hledger,
        Format::Beancount => Flavor::Beancount,
        Format::Json => return json(ctx, a),
        Format::Table | Format::Csv | Format::Xlsx | Format::Html | Format::Pdf => {
            return Err(Error::refused(
                "export-format",
                "export needs --format json, hledger or beancount (reports and listings take table, csv, json, xlsx, html and pdf)",
            ))
        }
    };
    let as_of = as_of(a.as_of.as_deref())?;
    let mut ledger = ctx.open()?;
    let declare = !a.no_account_directives;
    output::with_writer(|out| {
        reports::plaintext::plaintext(&mut ledger, flavor, as_of, declare, out)
    })?;
    Ok(())
}

/// The whole ledger as JSON, for `import` into an empty ledger.
fn json(ctx: &Ctx, a: ExportArgs) -> Result<()> {
    if a.as_of.is_some() {
        return Err(Error::refused(
            "export-format",
            "export --format json writes the whole ledger; --as-of applies to hledger and beancount",
        ));
    }
    let mut ledger = ctx.open()?;
    output::with_writer(|out| reports::export::write_export(&mut ledger, out))
}
