//! `report leverage` and `report portfolio --look-through` as documents.
//!
//! Two layouts of the same figures: `Layout::Sections` (a capital table, then one
//! line per fund and ratio with its numerator, denominator, limit and note — what a
//! person reads and prints) and `Layout::Flat` (one wide row per fund — what a
//! spreadsheet wants, for CSV and workbooks).

use super::model::{
    count, money, number, opt_money, opt_text, ratio, text, Cell, Column, Document, Kind, Link,
    Opts, Section,
};
use super::Layout;
use crate::policy::Factor;
use crate::reports::leverage::{Fig, Figures, Leverage};
use crate::reports::lookthrough::LookThrough;

/// A minimum or cap: `≥ 1.5000` in a readable layout, the plain number in a flat one.
fn factor(f: Option<Factor>, prefix: &str) -> Cell {
    match f {
        None => text(""),
        Some(f) => number(f.as_decimal(), format!("{prefix}{}", f.fixed())),
    }
}

fn yes_no(o: Opts, b: Option<bool>) -> Cell {
    text(match b {
        Some(true) => o.label("yes"),
        Some(false) => o.label("no"),
        None => "",
    })
}

/// Every row's identity cells and figures, the total last.
fn rows(o: Opts, l: &Leverage) -> Vec<(Vec<Cell>, &Figures, bool)> {
    let mut out: Vec<(Vec<Cell>, &Figures, bool)> = l
        .funds
        .iter()
        .map(|r| {
            let ident = vec![
                text(&r.code),
                text(&r.name),
                text(o.label(r.kind.as_str())),
                opt_text(r.parent.as_ref()),
                r.sub_funds.map_or(text(""), count),
            ];
            (ident, &r.figures, false)
        })
        .collect();
    let ident = vec![
        text(o.label("Total")),
        text(o.label("(consolidated)")),
        text(""),
        text(""),
        count(l.total.sub_funds),
    ];
    out.push((ident, &l.total.figures, true));
    out
}

fn ident_columns(o: Opts) -> Vec<Column> {
    vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("name", "Name", Kind::Text, false),
        o.col("kind", "Kind", Kind::Text, false),
        o.col("parent", "Parent", Kind::Text, false),
        o.col("sub_funds", "Sub-funds", Kind::Count, false),
    ]
}

const CAPITAL: [(&str, &str, bool); 8] = [
    ("gov_committed", "Gov committed", true),
    ("gov_paid_in", "Gov paid-in", true),
    ("soe_committed", "SOE committed", false),
    ("soe_paid_in", "SOE paid-in", false),
    ("social_committed", "Social committed", true),
    ("social_paid_in", "Social paid-in", true),
    ("size_committed", "Size committed", true),
    ("size_paid_in", "Size paid-in", true),
];

fn capital_cells(f: &Figures) -> Vec<Cell> {
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
    .map(money)
    .to_vec()
}

/// The breaches, one line each, or a line saying there are none.
fn breach_notes(o: Opts, l: &Leverage) -> Vec<String> {
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

pub fn document(l: &Leverage, fund: Option<&str>, o: Opts, layout: Layout) -> Document {
    let mut d = Document::new("leverage", "Leverage", Some(l.as_of), o);
    d.scope("Fund", fund);
    match layout {
        Layout::Flat => d.push(flat(l, o)),
        Layout::Sections => {
            d.push(capital(l, o));
            d.push(ratios(l, o));
        }
    }
    d
}

/// One wide table for Excel.
pub fn flat(l: &Leverage, o: Opts) -> Section {
    let mut s = Section::new("leverage", "Leverage", o.lang).landscape();
    s.columns = ident_columns(o);
    s.columns
        .extend(CAPITAL.map(|(k, h, _)| o.col(k, h, Kind::Money, false)));
    for (key, fig) in [
        ("leverage_committed", "Leverage committed"),
        ("leverage_paid_in", "Leverage paid-in"),
        ("social_multiple", "Social multiple"),
    ] {
        s.columns.extend([
            o.col(key, fig, Kind::Ratio, false),
            o.col(
                &format!("{key}_numerator"),
                &format!("{fig} numerator"),
                Kind::Money,
                false,
            ),
            o.col(
                &format!("{key}_denominator"),
                &format!("{fig} denominator"),
                Kind::Money,
                false,
            ),
        ]);
    }
    s.columns.extend([
        o.col("reinvest_local", "Reinvest local", Kind::Money, false),
        o.col("reinvest_base", "Reinvest base", Kind::Money, false),
        o.col(
            "reinvest_base_kind",
            "Reinvest base kind",
            Kind::Text,
            false,
        ),
        o.col("reinvest_ratio", "Reinvest ratio", Kind::Ratio, false),
        o.col("reinvest_minimum", "Reinvest minimum", Kind::Ratio, false),
        o.col("reinvest_required", "Reinvest required", Kind::Money, false),
        o.col(
            "reinvest_shortfall",
            "Reinvest shortfall",
            Kind::Money,
            false,
        ),
        o.col("gov_share", "Gov share", Kind::Ratio, false),
        o.col("gov_share_max", "Gov share max", Kind::Ratio, false),
        o.col("breach", "Breach", Kind::Text, false),
        o.col("notes", "Notes", Kind::Text, false),
    ]);
    s.note(format!(
        "As of {}. Money in {}. Guidance-fund rows cover the fund and its sub-funds, consolidated. \
         Formulas: docs/leverage.md.",
        l.as_of,
        o.unit.label()
    ));
    for n in breach_notes(o, l) {
        s.note(n);
    }
    for (mut cells, f, total) in rows(o, l) {
        cells.extend(capital_cells(f));
        for fig in [
            &f.leverage_committed,
            &f.leverage_paid_in,
            &f.social_multiple,
        ] {
            cells.extend([
                ratio(fig.value),
                money(fig.numerator),
                money(fig.denominator),
            ]);
        }
        let r = &f.reinvest;
        cells.extend([money(r.local_amount), money(r.base), opt_text(r.base_kind)]);
        cells.extend([ratio(r.ratio), factor(r.minimum, "")]);
        cells.extend([opt_money(r.required), opt_money(r.shortfall)]);
        cells.extend([
            ratio(f.gov_share),
            factor(f.gov_share_max, ""),
            yes_no(o, f.breach),
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
        if total {
            s.total_row(cells);
        } else {
            s.row(cells);
        }
    }
    s
}

/// Capital by source per fund.
pub fn capital(l: &Leverage, o: Opts) -> Section {
    let mut s = Section::new("capital", "Capital by source", o.lang).landscape();
    s.columns = ident_columns(o);
    s.columns
        .extend(CAPITAL.map(|(k, h, compact)| o.col(k, h, Kind::Money, compact)));
    for (mut cells, f, total) in rows(o, l) {
        cells.extend(capital_cells(f));
        if total {
            s.total_row(cells);
        } else {
            s.row(cells);
        }
    }
    s.note(format!(
        "Capital as of {} ({}); guidance-fund rows cover the fund and its sub-funds, consolidated.",
        l.as_of,
        o.unit.label()
    ));
    s
}

fn fig_row(code: &str, measure: &str, f: &Fig) -> Vec<Cell> {
    vec![
        text(code),
        text(measure),
        money(f.numerator),
        money(f.denominator),
        ratio(f.value),
        text(""),
        text(""),
        opt_text(f.reason.as_ref()),
    ]
}

/// One line per fund and ratio: numerator, denominator, value, limit, note.
pub fn ratios(l: &Leverage, o: Opts) -> Section {
    let mut s = Section::new("ratios", "Leverage and policy compliance", o.lang);
    s.columns = vec![
        o.col("fund", "Fund", Kind::Text, true),
        o.col("measure", "Measure", Kind::Text, true),
        o.col("numerator", "Numerator", Kind::Money, true),
        o.col("denominator", "Denominator", Kind::Money, true),
        o.col("value", "Value", Kind::Ratio, true),
        o.col("limit", "Limit", Kind::Ratio, true),
        o.col(
            "shortfall_or_excess",
            "Shortfall / excess",
            Kind::Money,
            true,
        ),
        o.col("note", "Note", Kind::Text, true),
    ];
    let codes = l.funds.iter().map(|r| r.code.as_str()).chain(["Total"]);
    for (code, (_, f, _)) in codes.zip(rows(o, l)) {
        s.row(fig_row(code, "Leverage, committed", &f.leverage_committed));
        s.row(fig_row(code, "Leverage, paid-in", &f.leverage_paid_in));
        s.row(fig_row(code, "Social ÷ government", &f.social_multiple));
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
        s.row(vec![
            text(code),
            text(format!("返投, {base}")),
            money(r.local_amount),
            money(r.base),
            ratio(r.ratio),
            factor(r.minimum, "≥ "),
            opt_money(r.shortfall),
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
        s.row(vec![
            text(code),
            text("Government share, committed"),
            money(f.gov_committed),
            money(f.size_committed),
            ratio(f.gov_share),
            factor(f.gov_share_max, "≤ "),
            opt_money(excess),
            text(note),
        ]);
    }
    for n in breach_notes(o, l) {
        s.note(n);
    }
    s.note(
        "Leverage: sub-fund size ÷ the guidance fund's contribution to it (guidance fund: its sub-funds' sizes \
         ÷ its contributions to them).",
    );
    s.note(
        "Published 放大倍数 figures use other definitions; compare numerators and denominators, not the ratio alone.",
    );
    s
}

fn holding_columns(o: Opts) -> Vec<Column> {
    vec![
        o.col("company", "Company", Kind::Text, true),
        o.col("name", "Name", Kind::Text, true),
        o.col("sector", "Sector", Kind::Text, false),
        o.col("via", "Via", Kind::Text, true),
        o.col("share", "Share", Kind::Ratio, true),
        o.col("committed", "Committed", Kind::Money, false),
        o.col("paid_in", "Paid-in", Kind::Money, true),
        o.col("value", "Value", Kind::Money, true),
        o.col("proceeds", "Proceeds", Kind::Money, false),
    ]
}

/// The mark on a value that includes holdings never marked (counted at cost).
const AT_COST: &str = "*";

pub fn look_through(lt: &LookThrough, fund: Option<&str>, o: Opts, layout: Layout) -> Document {
    let mut d = Document::new("look-through", "Look-through", Some(lt.as_of), o);
    d.scope("Fund", fund);
    if layout == Layout::Flat {
        let mut s = Section::new("look-through", "Look-through", o.lang).landscape();
        s.columns = vec![o.col("guidance_fund", "Guidance fund", Kind::Text, true)];
        s.columns.extend(holding_columns(o));
        s.note(format!(
            "As of {}. Money in {}. Sub-fund lines = the holding's amount × the guidance fund's share of the \
             sub-fund's LP paid-in, rounded to the fen (half away from zero); totals add the lines.",
            lt.as_of,
            o.unit.label()
        ));
        for g in &lt.funds {
            for h in &g.holdings {
                s.row(vec![
                    text(&g.code),
                    text(&h.company).link(Link::Company(h.company.clone())),
                    text(&h.name),
                    opt_text(h.sector.as_ref()),
                    text(h.via.as_deref().unwrap_or("direct")),
                    ratio(Some(h.share)),
                    money(h.committed),
                    money(h.paid_in),
                    money(h.value),
                    money(h.proceeds),
                ]);
            }
            s.total_row(vec![
                text(&g.code),
                text("Total"),
                text(""),
                text(""),
                text(""),
                text(""),
                money(g.total.committed),
                money(g.total.paid_in),
                money(g.total.value),
                money(g.total.proceeds),
            ]);
        }
        d.push(s);
        return d;
    }
    if lt.funds.is_empty() {
        let mut s = Section::new("look-through", "Look-through", o.lang);
        s.note("No guidance fund to look through.");
        d.push(s);
    }
    for g in &lt.funds {
        if !g.stakes.is_empty() {
            let mut s = Section::new(&format!("{}-stakes", g.code), "Stakes", o.lang);
            s.title = format!(
                "{} {}: {} ({}, {})",
                g.code,
                g.name,
                o.label("Stakes"),
                lt.as_of,
                o.unit.label()
            );
            s.columns = vec![
                o.col("sub_fund", "Sub-fund", Kind::Text, true),
                o.col(
                    "holder_paid_in",
                    &format!("{} paid-in", g.code),
                    Kind::Money,
                    true,
                ),
                o.col("fund_paid_in", "All LPs' paid-in", Kind::Money, true),
                o.col("share", "Share", Kind::Ratio, true),
                o.col("note", "Note", Kind::Text, true),
            ];
            for st in &g.stakes {
                s.row(vec![
                    text(&st.fund),
                    money(st.holder_paid_in),
                    money(st.fund_paid_in),
                    ratio(st.share),
                    opt_text(st.reason.as_ref()),
                ]);
            }
            s.note("Stakes by share of LP paid-in.");
            d.push(s);
        }
        let mut s = Section::new(&format!("{}-holdings", g.code), "Holdings", o.lang);
        s.title = format!(
            "{} {}: {} ({}, {})",
            g.code,
            g.name,
            o.label("Look-through"),
            lt.as_of,
            o.unit.label()
        );
        s.columns = holding_columns(o);
        for h in &g.holdings {
            s.row(vec![
                text(&h.company).link(Link::Company(h.company.clone())),
                text(&h.name),
                opt_text(h.sector.as_ref()),
                text(h.via.as_deref().unwrap_or("direct")),
                ratio(Some(h.share)),
                money(h.committed),
                money(h.paid_in),
                money(h.value).marked(AT_COST, h.at_cost),
                money(h.proceeds),
            ]);
        }
        s.total_row(vec![
            text(o.label("Total")),
            text(""),
            text(""),
            text(""),
            text(""),
            money(g.total.committed),
            money(g.total.paid_in),
            money(g.total.value).marked(AT_COST, g.total.unmarked > 0),
            money(g.total.proceeds),
        ]);
        if g.total.unmarked > 0 {
            s.marked_note(
                AT_COST,
                "includes holdings never marked, counted at paid-in cost.",
            );
        }
        s.note(
            "Each sub-fund line is the holding's amount × the share, rounded to the fen (half away from zero); \
             totals add the lines.",
        );
        d.push(s);
    }
    d
}
