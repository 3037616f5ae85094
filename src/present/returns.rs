//! `report returns` and `calc xirr` as documents.
//!
//! Rates (IRR, direct alpha) are shown as percentages with 2 decimals rounded by
//! `Rate::percent` in readable layouts (terminal, workbooks); the flat layout (CSV)
//! carries the full decimal fraction the solver returned, so a spreadsheet recomputes
//! nothing.

use super::model::{
    money, na, number, opt_money, ratio, text, Cell, Chart, ChartKind, Column, Document, Kind,
    Link, Opts, Section, Series,
};
use super::Layout;
use crate::reports::calc::XirrCheck;
use crate::reports::returns::{Gross, Net, Returns};
use crate::xirr::{Irr, IrrStatus, Rate};

/// The mark on a value that includes holdings never marked (counted at cost).
const AT_COST: &str = "*";

/// A rate: `12.34%` in a readable layout, the full fraction in a flat one.
fn rate(r: Option<Rate>, layout: Layout) -> Cell {
    match (r, layout) {
        (None, _) => na(),
        (Some(r), Layout::Sections) => number(r.as_decimal(), format!("{}%", r.percent(2))),
        (Some(r), Layout::Flat) => number(r.as_decimal(), r.to_string()),
    }
}

fn pct(r: Option<Rate>) -> String {
    r.map_or("n/a".to_string(), |r| format!("{}%", r.percent(2)))
}

/// Roots as `10.00%, 20.00%` to read, `0.1;0.2` in one CSV field.
fn roots_text(irr: &Irr, layout: Layout) -> String {
    let parts: Vec<String> = match layout {
        Layout::Sections => irr.roots.iter().map(|r| pct(Some(*r))).collect(),
        Layout::Flat => irr.roots.iter().map(|r| r.to_string()).collect(),
    };
    parts.join(if layout == Layout::Flat { ";" } else { ", " })
}

/// A note explaining an IRR that is not a plain `ok`.
fn irr_note(label: &str, irr: &Irr, s: &mut Section) {
    match irr.status {
        IrrStatus::MultipleRoots => s.note(format!(
            "{label}: several IRRs solve the flows ({}); {} is shown, the one Excel's XIRR reaches from its default guess 10%.",
            roots_text(irr, Layout::Sections),
            pct(irr.rate)
        )),
        IrrStatus::ShortPeriod => s.note(format!(
            "{label}: flows span less than a year; the annualised {} is not a meaningful figure on its own; cumulative return {}.",
            pct(irr.rate),
            pct(irr.cumulative)
        )),
        _ => {}
    }
}

fn lead(o: Opts, cols: &[(&str, &str, Kind)]) -> Vec<Column> {
    cols.iter()
        .map(|(k, h, kind)| o.col(k, h, *kind, *k != "name" || cols.len() <= 3))
        .collect()
}

/// Gross columns, keys prefixed with `prefix` (flat by-fund tables hold both).
fn gross_columns(o: Opts, prefix: &str, full: bool) -> Vec<Column> {
    let mut c = vec![
        o.col(&format!("{prefix}paid_in"), "Paid-in", Kind::Money, true),
        o.col(&format!("{prefix}proceeds"), "Proceeds", Kind::Money, false),
        o.col(&format!("{prefix}value"), "Value", Kind::Money, true),
        o.col(
            &format!("{prefix}unrealised"),
            "Unrealised",
            Kind::Money,
            false,
        ),
        o.col(&format!("{prefix}moic"), "MOIC", Kind::Ratio, true),
        o.col(&format!("{prefix}irr"), "IRR", Kind::Percent, true),
        o.col(
            &format!("{prefix}irr_status"),
            "IRR status",
            Kind::Text,
            true,
        ),
    ];
    if full {
        c.extend(roots_columns(o, prefix));
    }
    c
}

fn roots_columns(o: Opts, prefix: &str) -> [Column; 2] {
    [
        o.col(
            &format!("{prefix}irr_roots"),
            "IRR roots",
            Kind::Text,
            false,
        ),
        o.col(
            &format!("{prefix}irr_cumulative"),
            "IRR cumulative",
            Kind::Percent,
            false,
        ),
    ]
}

fn net_columns(o: Opts, prefix: &str, full: bool) -> Vec<Column> {
    let mut c = vec![
        o.col(
            &format!("{prefix}committed"),
            "Committed",
            Kind::Money,
            false,
        ),
        o.col(&format!("{prefix}paid_in"), "Paid-in", Kind::Money, true),
        o.col(
            &format!("{prefix}distributed"),
            "Distributed",
            Kind::Money,
            true,
        ),
        o.col(&format!("{prefix}nav"), "NAV", Kind::Money, true),
        o.col(&format!("{prefix}pic"), "PIC", Kind::Ratio, false),
        o.col(&format!("{prefix}dpi"), "DPI", Kind::Ratio, true),
        o.col(&format!("{prefix}rvpi"), "RVPI", Kind::Ratio, false),
        o.col(&format!("{prefix}tvpi"), "TVPI", Kind::Ratio, true),
        o.col(&format!("{prefix}irr"), "IRR", Kind::Percent, true),
        o.col(
            &format!("{prefix}irr_status"),
            "IRR status",
            Kind::Text,
            false,
        ),
    ];
    if full {
        c.extend(roots_columns(o, prefix));
    }
    c
}

fn pme_columns(o: Opts) -> [Column; 3] {
    [
        o.col("ks_pme", "KS-PME", Kind::Ratio, true),
        o.col("direct_alpha", "Direct alpha", Kind::Percent, true),
        o.col(
            "direct_alpha_status",
            "Direct alpha status",
            Kind::Text,
            false,
        ),
    ]
}

fn roots_cells(irr: &Irr, layout: Layout) -> [Cell; 2] {
    [
        text(roots_text(irr, layout)),
        match irr.cumulative {
            None => text(""),
            some => rate(some, layout),
        },
    ]
}

fn gross_cells(g: &Gross, layout: Layout, full: bool) -> Vec<Cell> {
    let mut v = vec![
        money(g.paid_in),
        money(g.proceeds),
        money(g.value).marked(AT_COST, g.unmarked > 0 && layout == Layout::Sections),
        money(g.unrealised),
        ratio(g.moic),
        rate(g.irr.rate, layout),
        text(g.irr.status.as_str()),
    ];
    if full {
        v.extend(roots_cells(&g.irr, layout));
    }
    v
}

fn net_cells(n: &Net, layout: Layout, full: bool) -> Vec<Cell> {
    let mut v = vec![
        money(n.committed),
        money(n.paid_in),
        money(n.distributed),
        opt_money(n.nav),
        ratio(n.pic),
        ratio(n.dpi),
        ratio(n.rvpi),
        ratio(n.tvpi),
        rate(n.irr.rate, layout),
        text(n.irr.status.as_str()),
    ];
    if full {
        v.extend(roots_cells(&n.irr, layout));
    }
    v
}

fn lead_note(r: &Returns, o: Opts) -> String {
    format!(
        "As of {}. Money in {}. MOIC = (proceeds + value) ÷ paid-in; IRR = XIRR, actual days ÷ 365, value (NAV) at the as-of date as the final inflow.",
        r.as_of,
        o.unit.label()
    )
}

/// The returns document. `look_through` and `pme` say which optional parts were asked.
pub fn document(
    r: &Returns,
    fund: Option<&str>,
    o: Opts,
    layout: Layout,
    pme: bool,
    look_through: bool,
) -> Document {
    let mut d = Document::new("returns", "Returns", Some(r.as_of), o);
    d.scope("Fund", fund);
    if let Some(funds) = &r.funds {
        if layout == Layout::Flat {
            let mut s = Section::new("returns", "Returns per fund", o.lang).landscape();
            s.columns = lead(
                o,
                &[("code", "Code", Kind::Text), ("name", "Name", Kind::Text)],
            );
            // Flat headers say which side a figure is on: `Gross IRR`, `Net TVPI`.
            let side = |mut cols: Vec<Column>, word: &str| {
                let word = o.label(word);
                for c in &mut cols {
                    c.label = format!("{word} {}", c.label);
                }
                cols
            };
            s.columns
                .extend(side(gross_columns(o, "gross_", true), "Gross"));
            s.columns.extend(side(net_columns(o, "net_", true), "Net"));
            s.columns.extend(pme_columns(o));
            for f in funds {
                let mut row = vec![text(&f.code), text(&f.name)];
                row.extend(gross_cells(&f.gross, layout, true));
                row.extend(net_cells(&f.net, layout, true));
                match &f.pme {
                    Some(p) => row.extend([
                        ratio(p.ks_pme),
                        rate(p.direct_alpha, layout),
                        text(p.direct_alpha_status.as_str()),
                    ]),
                    None => row.extend([text(""), text(""), text("")]),
                }
                s.row(row);
            }
            d.push(s);
            return d;
        }
        let ident = [("code", "Code", Kind::Text), ("name", "Name", Kind::Text)];
        let mut g = Section::new("gross", "Gross returns", o.lang).landscape();
        g.title = format!("{} ({})", o.label("Gross returns"), "fund ↔ companies");
        g.columns = lead(o, &ident);
        g.columns.extend(gross_columns(o, "", false));
        let mut n = Section::new("net", "Net returns", o.lang).landscape();
        n.title = format!("{} ({})", o.label("Net returns"), "LPs ↔ fund");
        n.columns = lead(o, &ident);
        n.columns.extend(net_columns(o, "", false));
        if pme {
            n.columns.extend(pme_columns(o));
        }
        n.note(lead_note(r, o));
        let mut unmarked = 0;
        for f in funds {
            let mut row = vec![text(&f.code), text(&f.name)];
            row.extend(gross_cells(&f.gross, layout, false));
            g.row(row);
            let mut row = vec![text(&f.code), text(&f.name)];
            row.extend(net_cells(&f.net, layout, false));
            if let Some(p) = &f.pme {
                row.extend([
                    ratio(p.ks_pme),
                    rate(p.direct_alpha, layout),
                    text(p.direct_alpha_status.as_str()),
                ]);
            } else if pme {
                row.extend([na(), na(), text("")]);
            }
            n.row(row);
            unmarked += f.gross.unmarked;
            irr_note(&format!("{} gross", f.code), &f.gross.irr, &mut n);
            irr_note(&format!("{} net", f.code), &f.net.irr, &mut n);
            if let Some(p) = &f.pme {
                if p.direct_alpha_status == IrrStatus::MultipleRoots {
                    n.note(format!(
                        "{} direct alpha: several roots; see --format json.",
                        f.code
                    ));
                }
            }
        }
        if unmarked > 0 {
            n.marked_note(
                AT_COST,
                format!(
                    "value includes {unmarked} holding(s) never marked, counted at paid-in cost."
                ),
            );
        }
        n.note("NAV = holdings at latest marks + stakes in other funds (their NAV share) + cash; gross covers direct holdings only.");
        if pme {
            n.note("KS-PME and Direct Alpha compare each fund's LP flows and NAV with the benchmark index.");
        }
        let codes: Vec<String> = funds.iter().map(|f| f.code.clone()).collect();
        n.charts.push(Chart {
            id: "net-irr".into(),
            title: format!(
                "{} · {}",
                o.label("Net IRR"),
                o.label("IRR and TVPI per fund")
            ),
            kind: ChartKind::Bar,
            measure: Kind::Percent,
            categories: codes.clone(),
            series: vec![Series {
                name: o.label("Net IRR").into(),
                values: funds
                    .iter()
                    .map(|f| f.net.irr.rate.map(|r| r.as_decimal()))
                    .collect(),
            }],
        });
        n.charts.push(Chart {
            id: "tvpi".into(),
            title: format!("TVPI · {}", o.label("IRR and TVPI per fund")),
            kind: ChartKind::Bar,
            measure: Kind::Ratio,
            categories: codes,
            series: vec![Series {
                name: "TVPI".into(),
                values: funds
                    .iter()
                    .map(|f| f.net.tvpi.map(|t| t.rounded()))
                    .collect(),
            }],
        });
        d.push(g);
        if look_through {
            let mut lt = Section::new("look-through", "Look-through", o.lang).landscape();
            lt.title = format!(
                "{} (穿透): own holdings + share (by paid-in) of the holdings of funds it is an LP of",
                o.label("Look-through")
            );
            lt.columns = lead(o, &ident);
            lt.columns.extend(gross_columns(o, "", false));
            for f in funds {
                if let Some(l) = &f.look_through {
                    let mut row = vec![text(&f.code), text(&f.name)];
                    row.extend(gross_cells(l, layout, false));
                    lt.row(row);
                }
            }
            d.push(lt);
        }
        d.push(n);
        return d;
    }
    let full = layout == Layout::Flat;
    if let Some(holdings) = &r.holdings {
        let ident: &[(&str, &str, Kind)] = if look_through {
            &[
                ("fund", "Fund", Kind::Text),
                ("via", "Via", Kind::Text),
                ("share", "Share", Kind::Ratio),
                ("company", "Company", Kind::Text),
                ("name", "Name", Kind::Text),
            ]
        } else {
            &[
                ("fund", "Fund", Kind::Text),
                ("company", "Company", Kind::Text),
                ("name", "Name", Kind::Text),
            ]
        };
        let mut s = Section::new("holdings", "Gross returns", o.lang).landscape();
        s.columns = lead(o, ident);
        s.columns.extend(gross_columns(o, "", full));
        if !full {
            s.note(lead_note(r, o));
        }
        let mut unmarked = false;
        for h in holdings {
            unmarked |= h.gross.unmarked > 0;
            let mut row = vec![text(&h.fund).link(Link::Fund(h.fund.clone()))];
            if look_through {
                row.push(text(h.via.clone().unwrap_or_default()));
                row.push(h.share.map_or_else(|| text(""), |s| ratio(Some(s))));
            }
            row.extend([
                text(&h.company).link(Link::Company(h.company.clone())),
                text(&h.company_name),
            ]);
            row.extend(gross_cells(&h.gross, layout, full));
            s.row(row);
            if !full {
                irr_note(&format!("{} {}", h.fund, h.company), &h.gross.irr, &mut s);
            }
        }
        if !full {
            if look_through {
                s.note("Look-through rows (Via a sub-fund): the fund's share of that holding, share = its paid-in ÷ all LPs' paid-in to the sub-fund; money scaled with one rounding to the fen, MOIC and IRR unchanged by scaling.");
            }
            if unmarked {
                s.marked_note(AT_COST, "never marked: value is the paid-in cost.");
            }
        }
        d.push(s);
        return d;
    }
    if let Some(lps) = &r.lps {
        let mut s = Section::new("lps", "Net returns", o.lang).landscape();
        s.columns = lead(
            o,
            &[
                ("fund", "Fund", Kind::Text),
                ("investor", "Investor", Kind::Text),
                ("name", "Name", Kind::Text),
            ],
        );
        s.columns.extend(net_columns(o, "", full));
        if !full {
            s.note(lead_note(r, o));
        }
        for l in lps {
            let mut row = vec![text(&l.fund), text(&l.investor), text(&l.investor_name)];
            row.extend(net_cells(&l.net, layout, full));
            s.row(row);
            if !full {
                irr_note(&format!("{} {}", l.fund, l.investor), &l.net.irr, &mut s);
            }
        }
        if !full {
            s.note(
                "NAV share = the fund's NAV pro rata to paid-in, to the fen (largest remainder).",
            );
        }
        d.push(s);
    }
    d
}

/// `calc xirr`: one row, the rate in full and in percent.
pub fn xirr(c: &XirrCheck, o: Opts, layout: Layout) -> Document {
    let mut d = Document::new("xirr", "XIRR", None, o);
    let mut s = Section::new("xirr", "XIRR", o.lang);
    s.columns = vec![
        o.col("irr", "IRR", Kind::Number, true),
        o.col("irr_percent", "IRR %", Kind::Percent, true),
        o.col("status", "Status", Kind::Text, true),
        o.col("roots", "Roots", Kind::Text, true),
        o.col("cumulative", "Cumulative", Kind::Number, true),
        o.col("flows", "Flows", Kind::Count, true),
        o.col("first_date", "First date", Kind::Text, true),
        o.col("last_date", "Last date", Kind::Text, true),
    ];
    let full = |r: Option<Rate>| match r {
        None => na(),
        Some(r) => number(r.as_decimal(), r.to_string()),
    };
    let roots: Vec<String> = c.irr.roots.iter().map(|r| r.to_string()).collect();
    s.row(vec![
        full(c.irr.rate),
        rate(c.irr.rate, Layout::Sections),
        text(c.irr.status.as_str()),
        text(roots.join(";")),
        c.irr
            .cumulative
            .map_or(text(""), |r| number(r.as_decimal(), r.to_string())),
        super::model::count(c.flows as u64),
        text(c.first_date.to_string()),
        text(c.last_date.to_string()),
    ]);
    if layout == Layout::Sections {
        s.note("XIRR as Excel: actual days ÷ 365 from the earliest date; IRR to 10 significant digits.");
        irr_note("IRR", &c.irr, &mut s);
    }
    d.push(s);
    d
}
