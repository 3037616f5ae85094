//! `report returns` and `calc xirr`: parsing and rendering only.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use fundledger::csvin::read_levels;
use fundledger::error::{Error, Result};
use fundledger::pme::Benchmark;
use fundledger::reports::calc::xirr_of_csv;
use fundledger::reports::returns::{FundReturns, Gross, Net};
use fundledger::reports::{self, By, ReturnsQuery};
use fundledger::xirr::{Irr, IrrStatus, Rate};

use super::render::{num, print_json, ratio, text, Cell, Format, Out, Table};
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

/// An IRR cell: percent with 2 decimals in tables, the full decimal fraction in CSV.
fn rate_cell(o: &Out, r: Option<Rate>) -> Cell {
    match r {
        None => num("n/a"),
        Some(r) if o.format == Format::Table => num(format!("{}%", r.percent(2))),
        Some(r) => num(r.to_string()),
    }
}

/// Roots as `10.00%, 20.00%` in tables, `0.1;0.2` in CSV (one field).
fn roots_text(irr: &Irr, o: &Out) -> String {
    if o.format == Format::Table {
        irr.roots
            .iter()
            .map(|r| format!("{}%", r.percent(2)))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        irr.roots
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(";")
    }
}

/// Table notes explaining an IRR that is not a plain `ok`.
fn irr_note(label: &str, irr: &Irr, o: &Out, notes: &mut Vec<String>) {
    let pct = |r: Option<Rate>| r.map_or("n/a".to_string(), |r| format!("{}%", r.percent(2)));
    match irr.status {
        IrrStatus::MultipleRoots => notes.push(format!(
            "{label}: several IRRs solve the flows ({}); {} is shown, the one Excel's XIRR reaches from its default guess 10%.",
            roots_text(irr, o),
            pct(irr.rate)
        )),
        IrrStatus::ShortPeriod => notes.push(format!(
            "{label}: flows span less than a year; the annualised {} is not a meaningful figure on its own; cumulative return {}.",
            pct(irr.rate),
            pct(irr.cumulative)
        )),
        _ => {}
    }
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
    let a_look_through = q.look_through;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&r)?);
    }
    let o = &ctx.out;
    let csv = o.format == Format::Csv;
    let mut notes = vec![format!(
        "As of {}. Money in {}. MOIC = (proceeds + value) ÷ paid-in; IRR = XIRR, actual days ÷ 365, value (NAV) at the as-of date as the final inflow.",
        r.as_of,
        o.unit.label()
    )];
    if let Some(funds) = &r.funds {
        if csv {
            return fund_csv(o, funds);
        }
        let mut g = Table::new(gross_headers(o, &["Code", "Name"]));
        let mut n = Table::new(net_headers(o, &["Code", "Name"], benchmark.is_some()));
        let mut unmarked = 0;
        for f in funds {
            let mut row = vec![text(&f.code), text(&f.name)];
            row.extend(gross_cells(o, &f.gross, false));
            g.push(row);
            let mut row = vec![text(&f.code), text(&f.name)];
            row.extend(net_cells(o, &f.net, false));
            if let Some(p) = &f.pme {
                row.extend([
                    ratio(p.ks_pme),
                    rate_cell(o, p.direct_alpha),
                    text(p.direct_alpha_status.as_str()),
                ]);
            } else if benchmark.is_some() {
                row.extend([num("n/a"), num("n/a"), text("")]);
            }
            n.push(row);
            unmarked += f.gross.unmarked;
            irr_note(&format!("{} gross", f.code), &f.gross.irr, o, &mut notes);
            irr_note(&format!("{} net", f.code), &f.net.irr, o, &mut notes);
            if let Some(p) = &f.pme {
                if p.direct_alpha_status == IrrStatus::MultipleRoots {
                    notes.push(format!(
                        "{} direct alpha: several roots; see --format json.",
                        f.code
                    ));
                }
            }
        }
        if unmarked > 0 {
            notes.push(format!(
                "* value includes {unmarked} holding(s) never marked, counted at paid-in cost."
            ));
        }
        notes.push(
            "NAV = holdings at latest marks + stakes in other funds (their NAV share) + cash; gross covers direct holdings only."
                .into(),
        );
        if benchmark.is_some() {
            notes.push("KS-PME and Direct Alpha compare each fund's LP flows and NAV with the benchmark index.".into());
        }
        println!("Gross: fund ↔ companies");
        g.print(o.format)?;
        if a_look_through {
            let mut lt = Table::new(gross_headers(o, &["Code", "Name"]));
            for f in funds {
                if let Some(l) = &f.look_through {
                    let mut row = vec![text(&f.code), text(&f.name)];
                    row.extend(gross_cells(o, l, false));
                    lt.push(row);
                }
            }
            println!();
            println!("Look-through (穿透): own holdings + share (by paid-in) of the holdings of funds it is an LP of");
            lt.print(o.format)?;
        }
        println!();
        println!("Net: LPs ↔ fund");
        n.notes = notes;
        return Ok(n.print(o.format)?);
    }
    if let Some(holdings) = r.holdings {
        let lead: &[&str] = if a_look_through {
            &["Fund", "Via", "Share", "Company", "Name"]
        } else {
            &["Fund", "Company", "Name"]
        };
        let mut headers = gross_headers(o, lead);
        if csv {
            headers.extend(["IRR roots", "IRR cumulative"].map(String::from));
        }
        let mut t = Table::new(headers);
        let mut unmarked = false;
        // By value: each row is freed once its cells hold the text (100,000 rows of a
        // large ledger would otherwise sit in memory beside the renderer's copies).
        for h in holdings {
            unmarked |= h.gross.unmarked > 0;
            let mut row = vec![text(&h.fund)];
            if a_look_through {
                row.push(text(h.via.clone().unwrap_or_default()));
                row.push(h.share.map_or_else(|| text(""), |s| ratio(Some(s))));
            }
            row.extend([text(&h.company), text(&h.company_name)]);
            row.extend(gross_cells(o, &h.gross, csv));
            t.push(row);
            irr_note(
                &format!("{} {}", h.fund, h.company),
                &h.gross.irr,
                o,
                &mut notes,
            );
        }
        if !csv {
            if a_look_through {
                notes.push("Look-through rows (Via a sub-fund): the fund's share of that holding, share = its paid-in ÷ all LPs' paid-in to the sub-fund; money scaled with one rounding to the fen, MOIC and IRR unchanged by scaling.".into());
            }
            if unmarked {
                notes.push("* never marked: value is the paid-in cost.".into());
            }
            t.notes = notes;
        }
        return Ok(t.print(o.format)?);
    }
    if let Some(lps) = r.lps {
        let mut headers = net_headers(o, &["Fund", "Investor", "Name"], false);
        if csv {
            headers.extend(["IRR roots", "IRR cumulative"].map(String::from));
        }
        let mut t = Table::new(headers);
        for l in lps {
            let mut row = vec![text(&l.fund), text(&l.investor), text(&l.investor_name)];
            row.extend(net_cells(o, &l.net, csv));
            t.push(row);
            irr_note(
                &format!("{} {}", l.fund, l.investor),
                &l.net.irr,
                o,
                &mut notes,
            );
        }
        if !csv {
            notes.push(
                "NAV share = the fund's NAV pro rata to paid-in, to the fen (largest remainder)."
                    .into(),
            );
            t.notes = notes;
        }
        return Ok(t.print(o.format)?);
    }
    Ok(())
}

fn gross_headers(o: &Out, lead: &[&str]) -> Vec<String> {
    let mut h: Vec<String> = lead.iter().map(|s| s.to_string()).collect();
    h.extend(["Paid-in", "Proceeds", "Value", "Unrealised"].map(|x| o.money_header(x)));
    h.extend(["MOIC", "IRR", "IRR status"].map(String::from));
    h
}

fn net_headers(o: &Out, lead: &[&str], pme: bool) -> Vec<String> {
    let mut h: Vec<String> = lead.iter().map(|s| s.to_string()).collect();
    h.extend(["Committed", "Paid-in", "Distributed", "NAV"].map(|x| o.money_header(x)));
    h.extend(["PIC", "DPI", "RVPI", "TVPI", "IRR", "IRR status"].map(String::from));
    if pme {
        h.extend(["KS-PME", "Direct alpha", "Direct alpha status"].map(String::from));
    }
    h
}

/// Gross cells; with `full`, the roots and cumulative return too (CSV).
fn gross_cells(o: &Out, g: &Gross, full: bool) -> Vec<Cell> {
    let value = if g.unmarked > 0 && o.format == Format::Table {
        num(format!("{}*", o.money_text(g.value)))
    } else {
        o.money(g.value)
    };
    let mut v = vec![
        o.money(g.paid_in),
        o.money(g.proceeds),
        value,
        o.money(g.unrealised),
        ratio(g.moic),
        rate_cell(o, g.irr.rate),
        text(g.irr.status.as_str()),
    ];
    if full {
        v.extend([
            text(roots_text(&g.irr, o)),
            rate_or_blank(o, g.irr.cumulative),
        ]);
    }
    v
}

fn net_cells(o: &Out, n: &Net, full: bool) -> Vec<Cell> {
    let mut v = vec![
        o.money(n.committed),
        o.money(n.paid_in),
        o.money(n.distributed),
        o.opt_money(n.nav),
        ratio(n.pic),
        ratio(n.dpi),
        ratio(n.rvpi),
        ratio(n.tvpi),
        rate_cell(o, n.irr.rate),
        text(n.irr.status.as_str()),
    ];
    if full {
        v.extend([
            text(roots_text(&n.irr, o)),
            rate_or_blank(o, n.irr.cumulative),
        ]);
    }
    v
}

fn rate_or_blank(o: &Out, r: Option<Rate>) -> Cell {
    match r {
        None => text(""),
        some => rate_cell(o, some),
    }
}

/// By fund as one wide CSV table: gross, net and PME columns side by side.
fn fund_csv(o: &Out, funds: &[FundReturns]) -> Result<()> {
    let mut h = vec!["Code".to_string(), "Name".into()];
    let prefixed = |p: &str, v: Vec<String>| -> Vec<String> {
        v.into_iter().map(|x| format!("{p} {x}")).collect()
    };
    let mut g = gross_headers(o, &[]);
    g.extend(["IRR roots", "IRR cumulative"].map(String::from));
    h.extend(prefixed("Gross", g));
    let mut n = net_headers(o, &[], false);
    n.extend(["IRR roots", "IRR cumulative"].map(String::from));
    h.extend(prefixed("Net", n));
    h.extend(["KS-PME", "Direct alpha", "Direct alpha status"].map(String::from));
    let mut t = Table::new(h);
    for f in funds {
        let mut row = vec![text(&f.code), text(&f.name)];
        row.extend(gross_cells(o, &f.gross, true));
        row.extend(net_cells(o, &f.net, true));
        match &f.pme {
            Some(p) => row.extend([
                ratio(p.ks_pme),
                rate_cell(o, p.direct_alpha),
                text(p.direct_alpha_status.as_str()),
            ]),
            None => row.extend([text(""), text(""), text("")]),
        }
        t.push(row);
    }
    Ok(t.print(o.format)?)
}

pub fn calc(ctx: &Ctx, cmd: CalcCmd) -> Result<()> {
    match cmd {
        CalcCmd::Xirr { file } => {
            let c = xirr_of_csv(&read(&file)?)?;
            if ctx.out.format == Format::Json {
                return Ok(print_json(&c)?);
            }
            let o = &ctx.out;
            let pct =
                |r: Option<Rate>| r.map_or("n/a".to_string(), |r| format!("{}%", r.percent(2)));
            let full = |r: Option<Rate>| r.map_or("n/a".to_string(), |r| r.to_string());
            let roots: Vec<String> = c.irr.roots.iter().map(|r| r.to_string()).collect();
            let mut t = Table::new(
                [
                    "IRR",
                    "IRR %",
                    "Status",
                    "Roots",
                    "Cumulative",
                    "Flows",
                    "First date",
                    "Last date",
                ]
                .map(String::from)
                .to_vec(),
            );
            t.push(vec![
                num(full(c.irr.rate)),
                num(pct(c.irr.rate)),
                text(c.irr.status.as_str()),
                text(roots.join(";")),
                text(c.irr.cumulative.map(|r| r.to_string()).unwrap_or_default()),
                num(c.flows),
                text(c.first_date.to_string()),
                text(c.last_date.to_string()),
            ]);
            if o.format == Format::Table {
                t.notes.push(
                    "XIRR as Excel: actual days ÷ 365 from the earliest date; IRR to 10 significant digits.".into(),
                );
                irr_note("IRR", &c.irr, o, &mut t.notes);
            }
            Ok(t.print(o.format)?)
        }
    }
}
