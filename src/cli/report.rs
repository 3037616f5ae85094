//! `report …`.

use clap::{Args, Subcommand};
use fundledger::error::Result;
use fundledger::present::pack::PackInfo;
use fundledger::reports;

use super::render::{print_json, Format};
use super::{as_of, Ctx};

#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// Per fund: LP capital, projects, deal committed / paid-in / unfunded, paid-in ratio, value, proceeds
    #[command(
        after_help = "Examples:\n  fundledger --db ledger.db.example --unit wan report portfolio\n  fundledger report portfolio --fund SC --as-of 2021-12-31 --format json\n  fundledger report portfolio --look-through --fund SC"
    )]
    Portfolio(PortfolioArgs),
    /// Returns per fund, holding or LP: gross (paid-in, proceeds, value, MOIC, IRR) and net (PIC, DPI, RVPI, TVPI, IRR), with optional PME
    #[command(after_help = super::returns::RETURNS_HELP)]
    Returns(super::returns::ReturnsArgs),
    /// The loan book: disbursed, outstanding, repaid, interest and subsidy, arrears, PAR30/PAR90, guarantee flows, jobs, grants
    #[command(
        after_help = "Examples:\n  fundledger --db ledger.db.example --unit wan report loans\n  fundledger report loans --as-of 2021-12-31 --by guarantor --format json"
    )]
    Loans(super::loans::ReportLoansArgs),
    /// Leverage (放大倍数), social capital, 返投 and government share per guidance fund and sub-fund
    #[command(after_help = super::leverage::LEVERAGE_HELP)]
    Leverage(super::leverage::LeverageArgs),
    /// Idle cash by age (FIFO by date received), first-call ratio and investment pace per fund
    #[command(
        after_help = "Examples:\n  fundledger --unit wan report pacing --as-of 2024-12-31\n  fundledger report pacing --fund SC --format json"
    )]
    Pacing(super::eval::PacingArgs),
    /// Holdings by sector, stage, region or local/non-local: committed, paid-in, value and shares
    #[command(
        after_help = "Examples:\n  fundledger report breakdown --by sector\n  fundledger report breakdown --by local --fund SC --look-through"
    )]
    Breakdown(super::eval::BreakdownArgs),
    /// Company outcomes: jobs, tax, revenue, follow-on financing, relocation; per company and per fund
    #[command(after_help = "Example:\n  fundledger report outcomes --fund SC --as-of 2024-12-31")]
    Outcomes(super::eval::OutcomesArgs),
    /// One document to hand out or print: cover, portfolio, returns, leverage and policy compliance, loan book, charts, sign-off
    #[command(
        after_help = "Needs --format html, pdf or xlsx and --output FILE (never overwritten).\nThe cover names the ledger, scope, as-of date, who produced the pack and when, and the audit chain head N:HASH\n(check it later with `fundledger audit --expect-head N:HASH`). PDF fonts: --font FILE, else a system CJK font\n(Debian: apt-get install fonts-noto-cjk). See docs/reports.md.\n\nExamples:\n  fundledger --db ledger.db.example --unit wan report pack --as-of 2022-12-31 --format pdf --output pack.pdf\n  fundledger --unit wan --lang zh report pack --fund SC --format html --output sc.html\n  fundledger --unit wan report pack --as-of 2022-12-31 --format xlsx --output pack.xlsx"
    )]
    Pack(PackArgs),
}

#[derive(Args, Debug)]
pub struct PackArgs {
    /// Ignore entries dated after this date [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    /// Only this fund and its sub-funds (the loan book, which belongs to no fund, is left out)
    #[arg(long)]
    pub fund: Option<String>,
    #[command(flatten)]
    pub who: super::Who,
}

#[derive(Args, Debug)]
pub struct PortfolioArgs {
    /// Ignore entries dated after this date [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    /// Only this fund and its sub-funds
    #[arg(long)]
    pub fund: Option<String>,
    /// Per guidance fund: its direct holdings plus its pro-rata share (by paid-in) of each
    /// sub-fund's holdings (穿透)
    #[arg(long)]
    pub look_through: bool,
}

pub fn run(ctx: &Ctx, cmd: ReportCmd) -> Result<()> {
    match cmd {
        ReportCmd::Portfolio(a) => portfolio(ctx, a),
        ReportCmd::Returns(a) => super::returns::returns(ctx, a),
        ReportCmd::Loans(a) => super::loans::report(ctx, a),
        ReportCmd::Leverage(a) => super::leverage::report(ctx, a),
        ReportCmd::Pacing(a) => super::eval::pacing(ctx, a),
        ReportCmd::Breakdown(a) => super::eval::breakdown(ctx, a),
        ReportCmd::Outcomes(a) => super::eval::outcomes(ctx, a),
        ReportCmd::Pack(a) => pack(ctx, a),
    }
}

fn portfolio(ctx: &Ctx, a: PortfolioArgs) -> Result<()> {
    let as_of = as_of(a.as_of.as_deref())?;
    if a.look_through {
        return super::leverage::look_through(ctx, as_of, a.fund.as_deref());
    }
    let mut ledger = ctx.open()?;
    let p = reports::portfolio(&mut ledger, as_of, a.fund.as_deref())?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&p)?);
    }
    let doc = fundledger::present::portfolio::document(&p, a.fund.as_deref(), ctx.out.opts());
    super::render::print_doc(ctx, &doc)
}

fn pack(ctx: &Ctx, a: PackArgs) -> Result<()> {
    if !matches!(ctx.out.format, Format::Html | Format::Pdf | Format::Xlsx) {
        return Err(fundledger::error::Error::refused(
            "pack-format",
            "report pack is written with --format html, pdf or xlsx and --output FILE",
        ));
    }
    let as_of = as_of(a.as_of.as_deref())?;
    let mut ledger = ctx.open()?;
    let info = PackInfo {
        ledger: std::fs::canonicalize(&ctx.db)
            .unwrap_or_else(|_| ctx.db.clone())
            .display()
            .to_string(),
        produced: chrono::Local::now()
            .format("%Y-%m-%d %H:%M:%S %:z")
            .to_string(),
        produced_by: a.who.actor(),
    };
    let b = fundledger::present::pack::build(
        &mut ledger,
        as_of,
        a.fund.as_deref(),
        &info,
        ctx.out.opts(),
    )?;
    if ctx.out.format == Format::Xlsx {
        // One workbook: a sheet per section of every document, with its native charts.
        for d in &b.docs {
            super::render::print_doc(ctx, d)?;
        }
        return Ok(());
    }
    super::render::print_binder(ctx, &b)
}
