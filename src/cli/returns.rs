//! `report returns` and `calc xirr`: parsing and rendering only.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use fundledger::csvin::read_levels;
use fundledger::error::{Error, Result};
use fundledger::pme::Benchmark;
use fundledger::present;
use fundledger::reports::calc::xirr_of_csv;
use fundledger::reports::{self, By, ReturnsQuery};

use super::render::{print_doc, print_json, Format};
use super::{as_of, Ctx};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ByArg {
    /// One row per fund: gross and net
    Fund,
    /// One row per holding (fund × company): gross
    Holding,
    /// One row per LP of a fund: net
    Lp,
}

#[derive(Args, Debug)]
pub struct ReturnsArgs {
    /// Ignore entries dated after this date; values and NAVs are taken at it [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    /// Only this fund and its sub-funds
    #[arg(long)]
    pub fund: Option<String>,
    /// What each row is
    #[arg(long, value_enum, default_value = "fund")]
    pub by: ByArg,
    /// Index levels (CSV `date,level`) for Kaplan–Schoar PME and Direct Alpha per fund
    #[arg(long, value_name = "FILE.csv")]
    pub benchmark: Option<PathBuf>,
    /// 穿透: add each fund's pro-rata share (by paid-in) of the holdings of the funds it
    /// is an LP of (--by fund: a look-through gross table; --by holding: extra rows)
    #[arg(long)]
    pub look_through: bool,
}

pub const RETURNS_HELP: &str = "\
Examples:
  fundledger --db ledger.db.example --unit wan report returns --as-of 2021-12-31
  fundledger report returns --fund NT --by holding --format json
  fundledger report returns --by lp --as-of 2022-06-30 --format csv
  fundledger report returns --benchmark csi300.csv --as-of 2021-12-31
  fundledger --db ledger.db.example report returns --fund SC --by holding --look-through

IRR is Excel's XIRR (actual days / 365, value or NAV at --as-of as a final inflow) with a status:
ok, short-period, multiple-roots, no-sign-change, no-root, total-loss, out-of-range. See docs/metrics.md.";

#[derive(Subcommand, Debug)]
pub enum CalcCmd {
    /// XIRR of dated cash flows in a CSV file (date,amount; negative = money out), as Excel computes it
    #[command(
        after_help = "Example:\n  fundledger calc xirr flows.csv\n\nwith flows.csv:\n  date,amount\n  2008-01-01,-10000\n  2008-03-01,2750\n  2008-10-30,4250\n  2009-02-15,3250\n  2009-04-01,2750"
    )]
    Xirr {
        /// CSV file: date,amount per line (header optional); amounts as elsewhere, with a leading - for money out
        file: PathBuf,
    },
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::refused("file", format!("cannot read {}: {e}", path.display())))
}

pub fn returns(ctx: &Ctx, a: ReturnsArgs) -> Result<()> {
    let as_of = as_of(a.as_of.as_deref())?;
    let benchmark = match &a.benchmark {
        Some(p) => Some(
            Benchmark::new(read_levels(&read(p)?)?)
                .ok_or_else(|| Error::refused("bad-csv", "the benchmark file has no levels"))?,
        ),
        None => None,
    };
    let by = match a.by {
        ByArg::Fund => By::Fund,
        ByArg::Holding => By::Holding,
        ByArg::Lp => By::Lp,
    };
    let mut ledger = ctx.open()?;
    let q = ReturnsQuery {
        as_of,
        fund: a.fund.as_deref(),
        by,
        benchmark: benchmark.as_ref(),
        look_through: a.look_through,
    };
    let r = reports::returns(&mut ledger, &q)?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&r)?);
    }
    let doc = present::returns::document(
        &r,
        a.fund.as_deref(),
        ctx.out.opts(),
        super::leverage::layout(ctx.out.format),
        benchmark.is_some(),
        q.look_through,
    );
    print_doc(ctx, &doc)
}

pub fn calc(ctx: &Ctx, cmd: CalcCmd) -> Result<()> {
    match cmd {
        CalcCmd::Xirr { file } => {
            let c = xirr_of_csv(&read(&file)?)?;
            if ctx.out.format == Format::Json {
                return Ok(print_json(&c)?);
            }
            let doc =
                present::returns::xirr(&c, ctx.out.opts(), super::leverage::layout(ctx.out.format));
            print_doc(ctx, &doc)
        }
    }
}
