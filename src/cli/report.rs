//! `report …`.

use clap::{Args, Subcommand};
use fundledger::error::Result;
use fundledger::reports;

use super::render::{count, opt_text, print_json, ratio, text, Format, Table};
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
    let o = &ctx.out;
    let mut headers = vec![
        "Code".to_string(),
        "Name".into(),
        "Kind".into(),
        "Parent".into(),
    ];
    headers.extend([
        o.money_header("LP committed"),
        o.money_header("LP paid-in"),
        "Projects".into(),
    ]);
    headers.extend(["Deal committed", "Deal paid-in", "Deal unfunded"].map(|h| o.money_header(h)));
    headers.push("Paid-in ratio".into());
    headers.extend(["Value", "Proceeds"].map(|h| o.money_header(h)));
    let mut t = Table::new(headers).titled("Portfolio");
    // The same figures for each fund and for the total.
    let cells = |f: &fundledger::reports::PortfolioTotal| {
        vec![
            o.money(f.lp_committed),
            o.money(f.lp_paid_in),
            count(f.projects),
            o.money(f.deal_committed),
            o.money(f.deal_paid_in),
            o.money(f.deal_unfunded),
            ratio(f.paid_in_ratio),
            o.money_marked(f.value, f.unmarked > 0),
            o.money(f.proceeds),
        ]
    };
    for r in &p.funds {
        let mut row = vec![
            text(&r.code),
            text(&r.name),
            text(r.kind.as_str()),
            opt_text(r.parent.as_ref()),
        ];
        row.extend(cells(&r.figures));
        t.push(row);
    }
    let tot = &p.total;
    let mut row = vec![text("Total"), text("(consolidated)"), text(""), text("")];
    row.extend(cells(tot));
    t.push(row);
    // A workbook keeps the notes too (on its Notes sheet): the as-of date and what the
    // value of unmarked holdings means matter as much in Excel as on screen.
    if matches!(o.format, Format::Table | Format::Xlsx) {
        t.notes.push(format!(
            "As of {}. Money in {}; paid-in ratio = deal paid-in ÷ deal committed.",
            p.as_of,
            o.unit.label()
        ));
        if tot.unmarked > 0 {
            t.notes.push(format!(
                "* includes {} holding(s) never marked, counted at paid-in cost.",
                tot.unmarked
            ));
        }
        t.notes.push(
            "Total excludes LP capital that funds in this report put into each other (no double counting).".into(),
        );
    }
    Ok(t.print(o.format)?)
}
