//! `report leverage` and `report portfolio --look-through`.

use clap::Args;
use fundledger::date::Date;
use fundledger::error::Result;
use fundledger::policy::Factor;
use fundledger::reports::leverage::{leverage, Fig, Figures, Leverage};
use fundledger::reports::lookthrough::{look_through as look_through_report, LookThrough};
use fundledger::xlsx::NumberFormat;

use super::render::{
    count, opt_text, print_json, print_line, ratio, text, Cell, Format, Out, Table,
};
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

/// A minimum or cap: with its sign in tables (`≥ 1.5000`), a plain number elsewhere.
fn opt_factor(o: &Out, f: Option<Factor>, prefix: &str) -> Cell {
    match (f, o.format) {
        (None, _) => text(""),
        (Some(f), Format::Table) => Cell::Num(format!("{prefix}{}", f.fixed())),
        (Some(f), _) => Cell::Number {
            shown: f.fixed(),
            value: f.as_decimal(),
            format: NumberFormat::Ratio,
        },
    }
}

fn bool_cell(b: Option<bool>) -> Cell {
    text(match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    })
}

pub fn report(ctx: &Ctx, a: LeverageArgs) -> Result<()> {
    let as_of = as_of(a.as_of.as_deref())?;
    let mut ledger = ctx.open()?;
    let l = leverage(&mut ledger, as_of, a.fund.as_deref())?;
    match ctx.out.format {
        Format::Json => Ok(print_json(&l)?),
        // One wide table: what Excel wants, in CSV and in a workbook alike.
        Format::Csv | Format::Xlsx => wide(&ctx.out, &l),
        // `run` refuses hledger and beancount for reports before they run.
        _ => sections(&ctx.out, &l),
    }
}

/// Every row's identity cells and figures, the total last.
fn rows(l: &Leverage) -> Vec<(Vec<Cell>, &Figures)> {
    let mut out: Vec<(Vec<Cell>, &Figures)> = l
        .funds
        .iter()
        .map(|r| {
            let ident = vec![
                text(&r.code),
                text(&r.name),
                text(r.kind.as_str()),
                opt_text(r.parent.as_ref()),
                r.sub_funds.map_or(text(""), count),
            ];
            (ident, &r.figures)
        })
        .collect();
    let ident = vec![
        text("Total"),
        text("(consolidated)"),
        text(""),
        text(""),
        count(l.total.sub_funds),
    ];
    out.push((ident, &l.total.figures));
    out
}

const CAPITAL: [&str; 8] = [
    "Gov committed",
    "Gov paid-in",
    "SOE committed",
    "SOE paid-in",
    "Social committed",
    "Social paid-in",
    "Size committed",
    "Size paid-in",
];

fn capital_cells(o: &Out, f: &Figures) -> Vec<Cell> {
    [
        f.gov_committed,
        f.gov_paid_in,
        f.soe_committed,
        f.soe_paid_in,
        f.social_committed,
        f.social_paid_in,
        f.size_committed,
        f.size_paid_in,
    ]
    .map(|m| o.money(m))
    .to_vec()
}

/// The breaches, one line each, or a line saying there are none.
fn breach_notes(o: &Out, l: &Leverage) -> Vec<String> {
    if l.breaches.is_empty() {
        return vec!["No sub-fund is above its government-share cap.".into()];
    }
    let mut notes = vec!["Sub-funds above their government-share cap:".to_string()];
    for b in &l.breaches {
        notes.push(format!(
            "  {}: government {} of {} = {} > cap {} (set by {} record #{}), over by {}",
            b.code,
            o.money_str(b.gov_committed),
            o.money_str(b.size_committed),
            b.gov_share.map_or("n/a".to_string(), |r| r.to_string()),
            b.gov_share_max.fixed(),
            b.policy_fund,
            b.policy_id,
            o.money_str(b.excess),
        ));
    }
    notes
}

fn wide(o: &Out, l: &Leverage) -> Result<()> {
    let money = |h: &str| o.money_header(h);
    let mut headers: Vec<String> = ["Code", "Name", "Kind", "Parent", "Sub-funds"]
        .map(String::from)
        .to_vec();
    headers.extend(CAPITAL.map(money));
    for fig in ["Leverage committed", "Leverage paid-in", "Social multiple"] {
        headers.extend([
            fig.to_string(),
            money(&format!("{fig} numerator")),
            money(&format!("{fig} denominator")),
        ]);
    }
    headers.extend([
        money("Reinvest local"),
        money("Reinvest base"),
        "Reinvest base kind".into(),
    ]);
    headers.extend(["Reinvest ratio".to_string(), "Reinvest minimum".into()]);
    headers.extend([money("Reinvest required"), money("Reinvest shortfall")]);
    headers.extend(["Gov share", "Gov share max", "Breach", "Notes"].map(String::from));
    let mut t = Table::new(headers).titled("Leverage");
    if o.format == Format::Xlsx {
        t.notes.push(format!(
            "As of {}. Money in {}. Guidance-fund rows cover the fund and its sub-funds, consolidated. \
             Formulas: docs/leverage.md.",
            l.as_of,
            o.unit.label()
        ));
        t.notes.extend(breach_notes(o, l));
    }
    for (mut cells, f) in rows(l) {
        cells.extend(capital_cells(o, f));
        for fig in [
            &f.leverage_committed,
            &f.leverage_paid_in,
            &f.social_multiple,
        ] {
            cells.extend([
                ratio(fig.value),
                o.money(fig.numerator),
                o.money(fig.denominator),
            ]);
        }
        let r = &f.reinvest;
        cells.extend([
            o.money(r.local_amount),
            o.money(r.base),
            opt_text(r.base_kind),
        ]);
        cells.extend([ratio(r.ratio), opt_factor(o, r.minimum, "")]);
        cells.extend([o.opt_money(r.required), o.opt_money(r.shortfall)]);
        cells.extend([
            ratio(f.gov_share),
            opt_factor(o, f.gov_share_max, ""),
            bool_cell(f.breach),
        ]);
        let notes: Vec<&str> = [
            &f.leverage_committed.reason,
            &f.leverage_paid_in.reason,
            &f.social_multiple.reason,
            &r.reason,
            &f.gov_share_reason,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
        cells.push(text(notes.join("; ")));
        t.push(cells);
    }
    Ok(t.print(o.format)?)
}

fn fig_row(o: &Out, code: &str, measure: &str, f: &Fig) -> Vec<Cell> {
    vec![
        text(code),
        text(measure),
        o.money(f.numerator),
        o.money(f.denominator),
        ratio(f.value),
        text(""),
        text(""),
        opt_text(f.reason.as_ref()),
    ]
}

/// The terminal layout: a capital section, then one line per fund and ratio.
fn sections(o: &Out, l: &Leverage) -> Result<()> {
    print_line(&format!(
        "Capital as of {} ({}); guidance-fund rows cover the fund and its sub-funds, consolidated",
        l.as_of,
        o.unit.label()
    ))?;
    let mut headers: Vec<String> = ["Code", "Name", "Kind", "Parent", "Sub-funds"]
        .map(String::from)
        .to_vec();
    headers.extend(CAPITAL.map(|h| o.money_header(h)));
    let mut cap = Table::new(headers);
    for (mut cells, f) in rows(l) {
        cells.extend(capital_cells(o, f));
        cap.push(cells);
    }
    cap.print(o.format)?;
    print_line("")?;
    print_line("Ratios")?;
    let mut t = Table::new(vec![
        "Fund".into(),
        "Measure".into(),
        o.money_header("Numerator"),
        o.money_header("Denominator"),
        "Value".into(),
        "Limit".into(),
        o.money_header("Shortfall / excess"),
        "Note".into(),
    ]);
    let codes = l.funds.iter().map(|r| r.code.as_str()).chain(["Total"]);
    for (code, (_, f)) in codes.zip(rows(l)) {
        t.push(fig_row(
            o,
            code,
            "Leverage, committed",
            &f.leverage_committed,
        ));
        t.push(fig_row(o, code, "Leverage, paid-in", &f.leverage_paid_in));
        t.push(fig_row(o, code, "Social ÷ government", &f.social_multiple));
        let r = &f.reinvest;
        let base = r
            .base_kind
            .map_or("mixed bases".to_string(), |k| k.to_string());
        let note = match (&r.reason, r.required) {
            (Some(why), _) => why.clone(),
            (None, Some(req)) => format!("required {}", o.money_str(req)),
            (None, None) if code == "Total" => String::new(),
            (None, None) => "no 返投 minimum in force".into(),
        };
        t.push(vec![
            text(code),
            text(format!("返投, {base}")),
            o.money(r.local_amount),
            o.money(r.base),
            ratio(r.ratio),
            opt_factor(o, r.minimum, "≥ "),
            o.opt_money(r.shortfall),
            text(note),
        ]);
        let excess = l.breaches.iter().find(|b| b.code == code).map(|b| b.excess);
        let note = match (&f.gov_share_reason, f.breach, excess) {
            (Some(why), _, _) => why.clone(),
            (None, Some(true), Some(x)) => {
                format!("BREACH: government over the cap by {}", o.money_str(x))
            }
            (None, Some(true), None) => "BREACH in at least one sub-fund".into(),
            _ => String::new(),
        };
        t.push(vec![
            text(code),
            text("Government share, committed"),
            o.money(f.gov_committed),
            o.money(f.size_committed),
            ratio(f.gov_share),
            opt_factor(o, f.gov_share_max, "≤ "),
            o.opt_money(excess),
            text(note),
        ]);
    }
    t.notes.extend(breach_notes(o, l));
    t.notes.push(
        "Leverage: sub-fund size ÷ the guidance fund's contribution to it (guidance fund: its sub-funds' sizes \
         ÷ its contributions to them)."
            .into(),
    );
    t.notes.push(
        "Published 放大倍数 figures use other definitions; compare numerators and denominators, not the ratio alone."
            .into(),
    );
    Ok(t.print(o.format)?)
}

pub fn look_through(ctx: &Ctx, as_of: Date, fund: Option<&str>) -> Result<()> {
    let mut ledger = ctx.open()?;
    let lt = look_through_report(&mut ledger, as_of, fund)?;
    let o = &ctx.out;
    match o.format {
        Format::Json => Ok(print_json(&lt)?),
        Format::Csv | Format::Xlsx => look_through_wide(o, &lt),
        _ => look_through_sections(o, &lt),
    }
}

fn holding_headers(o: &Out) -> Vec<String> {
    let mut headers = ["Company", "Name", "Sector", "Via", "Share"]
        .map(String::from)
        .to_vec();
    headers.extend(["Committed", "Paid-in", "Value", "Proceeds"].map(|h| o.money_header(h)));
    headers
}

/// One table for Excel: a guidance-fund column, each holding, a total per fund.
fn look_through_wide(o: &Out, lt: &LookThrough) -> Result<()> {
    let mut headers = vec!["Guidance fund".to_string()];
    headers.extend(holding_headers(o));
    let mut t = Table::new(headers).titled("Look-through");
    if o.format == Format::Xlsx {
        t.notes.push(format!(
            "As of {}. Money in {}. Sub-fund lines = the holding's amount × the guidance fund's share of the \
             sub-fund's LP paid-in, rounded to the fen (half away from zero); totals add the lines.",
            lt.as_of,
            o.unit.label()
        ));
    }
    for g in &lt.funds {
        for h in &g.holdings {
            t.push(vec![
                text(&g.code),
                text(&h.company),
                text(&h.name),
                opt_text(h.sector.as_ref()),
                text(h.via.as_deref().unwrap_or("direct")),
                ratio(Some(h.share)),
                o.money(h.committed),
                o.money(h.paid_in),
                o.money(h.value),
                o.money(h.proceeds),
            ]);
        }
        t.push(vec![
            text(&g.code),
            text("Total"),
            text(""),
            text(""),
            text(""),
            text(""),
            o.money(g.total.committed),
            o.money(g.total.paid_in),
            o.money(g.total.value),
            o.money(g.total.proceeds),
        ]);
    }
    Ok(t.print(o.format)?)
}

fn look_through_sections(o: &Out, lt: &LookThrough) -> Result<()> {
    if lt.funds.is_empty() {
        print_line("No guidance fund to look through.")?;
    }
    for g in &lt.funds {
        print_line(&format!(
            "{} {}: look-through as of {} ({}); stakes by share of LP paid-in",
            g.code,
            g.name,
            lt.as_of,
            o.unit.label()
        ))?;
        if !g.stakes.is_empty() {
            let mut s = Table::new(vec![
                "Sub-fund".into(),
                o.money_header(&format!("{} paid-in", g.code)),
                o.money_header("All LPs' paid-in"),
                "Share".into(),
                "Note".into(),
            ]);
            for st in &g.stakes {
                s.push(vec![
                    text(&st.fund),
                    o.money(st.holder_paid_in),
                    o.money(st.fund_paid_in),
                    ratio(st.share),
                    opt_text(st.reason.as_ref()),
                ]);
            }
            s.print(o.format)?;
        }
        let mut t = Table::new(holding_headers(o));
        for h in &g.holdings {
            t.push(vec![
                text(&h.company),
                text(&h.name),
                opt_text(h.sector.as_ref()),
                text(h.via.as_deref().unwrap_or("direct")),
                ratio(Some(h.share)),
                o.money(h.committed),
                o.money(h.paid_in),
                o.money_marked(h.value, h.at_cost),
                o.money(h.proceeds),
            ]);
        }
        t.push(vec![
            text("Total"),
            text(""),
            text(""),
            text(""),
            text(""),
            o.money(g.total.committed),
            o.money(g.total.paid_in),
            o.money_marked(g.total.value, g.total.unmarked > 0),
            o.money(g.total.proceeds),
        ]);
        if g.total.unmarked > 0 {
            t.notes
                .push("* includes holdings never marked, counted at paid-in cost.".into());
        }
        t.notes.push(
            "Each sub-fund line is the holding's amount × the share, rounded to the fen (half away from zero); \
             totals add the lines."
                .into(),
        );
        t.print(o.format)?;
        print_line("")?;
    }
    Ok(())
}
