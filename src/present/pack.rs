//! The report pack: which reports, in which order, and the cover, as one
//! [`Binder`] that the HTML, PDF and (later) XLSX renderers print.
//!
//! Contents, as of one date and for one scope (all funds, or a fund with its
//! sub-funds):
//! 1. Portfolio: the per-fund summary (charts: committed vs paid-in, value
//!    composition), each programme's consolidated total (a guidance fund with its
//!    sub-funds: the 双创 programme's 9,785 / 8,095万元), and deal paid-in over time
//!    (a line chart).
//! 2. Returns per fund, gross and net (charts: net IRR, TVPI).
//! 3. Leverage and policy compliance: capital by source and the ratios with their
//!    numerators, denominators and limits.
//! 4. The loan book with its arrears chart, when the ledger has loans and the pack
//!    covers all funds (loans belong to no fund).
//!
//! The cover names the ledger, the scope, the as-of date, when and by whom the pack was
//! produced, and the audit chain head `N:HASH`, so a reader can tie the paper to the
//! ledger (`fundledger audit --expect-head N:HASH`). The pack ends with a sign-off block.

use super::model::{
    count, money, ratio, text, Chart, ChartKind, Kind, Opts, Scope, Section, Series,
};
use super::print::{Binder, Cover};
use super::{leverage, loans, portfolio, returns, Layout};
use crate::date::Date;
use crate::error::Result;
use crate::reports::pack::{
    paid_in_over_time, portfolio_with_programmes, PaidInOverTime, Programme,
};
use crate::reports::{self, By, ReturnsQuery};
use crate::store::Ledger;

/// What the cover says beyond the figures.
#[derive(Clone, Debug)]
pub struct PackInfo {
    /// The ledger as the user named it (a path).
    pub ledger: String,
    /// When the pack was produced (local time, as text).
    pub produced: String,
    /// Who produced it.
    pub produced_by: String,
}

/// Build the pack for `fund` (or all funds) as of `as_of`.
pub fn build(
    ledger: &mut Ledger,
    as_of: Date,
    fund: Option<&str>,
    info: &PackInfo,
    o: Opts,
) -> Result<Binder> {
    let (p, programmes) = portfolio_with_programmes(ledger, as_of, fund)?;
    let over_time = paid_in_over_time(ledger, as_of, fund)?;
    let head = ledger.read(|tx| tx.chain_head())?;

    let mut docs = Vec::new();
    let mut d = portfolio::document(&p, fund, o);
    d.push(programme_section(&programmes, o));
    d.push(paid_in_section(&over_time, o));
    docs.push(d);

    let r = reports::returns(
        ledger,
        &ReturnsQuery {
            as_of,
            fund,
            by: By::Fund,
            benchmark: None,
            look_through: false,
        },
    )?;
    docs.push(returns::document(
        &r,
        fund,
        o,
        Layout::Sections,
        false,
        false,
    ));

    let l = reports::leverage::leverage(ledger, as_of, fund)?;
    let mut d = leverage::document(&l, fund, o, Layout::Sections);
    d.title = o.label("Leverage and policy compliance").into();
    docs.push(d);

    if fund.is_none() {
        let book = reports::loans::loans_report(ledger, as_of, None)?;
        if book.total.loans > 0 {
            docs.push(loans::book(&book, o));
        }
    }

    let scope = match fund {
        None => o.label("All funds").to_string(),
        Some(code) => p
            .funds
            .iter()
            .find(|f| f.code == code)
            .map_or(code.to_string(), |f| format!("{} {}", f.code, f.name)),
    };
    let line = |label: &str, value: String| Scope {
        label: o.label(label).into(),
        value,
    };
    let cover = Cover {
        lines: vec![
            line("Ledger", info.ledger.clone()),
            line("Scope", scope),
            line("As of", as_of.to_string()),
            line("Unit", o.unit.label().into()),
            line("Produced", info.produced.clone()),
            line("Produced by", info.produced_by.clone()),
            line(
                "Audit chain head",
                head.map_or_else(|| "0 (empty journal)".into(), |(n, h)| format!("{n}:{h}")),
            ),
        ],
    };
    Ok(Binder {
        title: o.label("Report pack").into(),
        as_of: Some(as_of),
        lang: o.lang,
        cover: Some(cover),
        docs,
        sign_off: true,
    })
}

/// One row per programme: its consolidated total, as `report portfolio --fund CODE`.
pub fn programme_section(ps: &[Programme], o: Opts) -> Section {
    let mut s = Section::new("programmes", "Programme totals", o.lang);
    s.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("name", "Name", Kind::Text, true),
        o.col("funds", "Funds", Kind::Count, true),
        o.col("projects", "Projects", Kind::Count, true),
        o.col("deal_committed", "Deal committed", Kind::Money, true),
        o.col("deal_paid_in", "Deal paid-in", Kind::Money, true),
        o.col("paid_in_ratio", "Paid-in ratio", Kind::Ratio, true),
        o.col("value", "Value", Kind::Money, true),
        o.col("proceeds", "Proceeds", Kind::Money, true),
    ];
    for p in ps {
        let t = &p.total;
        s.row(vec![
            text(&p.code),
            text(&p.name),
            count(p.funds),
            count(t.projects),
            money(t.deal_committed),
            money(t.deal_paid_in),
            ratio(t.paid_in_ratio),
            money(t.value).marked(portfolio::UNMARKED, t.unmarked > 0),
            money(t.proceeds),
        ]);
    }
    s.note(if o.lang == super::Lang::Zh {
        "每个方案 = 一只顶层基金及其子基金，合并计算（同 report portfolio --fund 代码 的合计行）。"
    } else {
        "A programme is a top-level fund with its sub-funds, consolidated (the total row of report portfolio --fund CODE)."
    });
    if ps.iter().any(|p| p.total.unmarked > 0) {
        s.marked_note(
            portfolio::UNMARKED,
            if o.lang == super::Lang::Zh {
                "含从未估值的项目，按实缴成本计。"
            } else {
                "includes holdings never marked, counted at paid-in cost."
            },
        );
    }
    s
}

/// Deal paid-in per period and accumulated, with a line per programme.
pub fn paid_in_section(t: &PaidInOverTime, o: Opts) -> Section {
    let mut s = Section::new("paid-in-over-time", "Cumulative paid-in", o.lang);
    s.columns = vec![
        o.col("period", "Period", Kind::Text, true),
        o.col("paid_in", "Deal paid-in", Kind::Money, true),
        o.col("cumulative", "Cumulative paid-in", Kind::Money, true),
    ];
    for (i, p) in t.periods.iter().enumerate() {
        // Quiet periods are left out of the table; the chart keeps them.
        if t.in_period[i].is_zero() {
            continue;
        }
        s.row(vec![text(p), money(t.in_period[i]), money(t.cumulative[i])]);
    }
    s.note(if o.lang == super::Lang::Zh {
        "按期间列示项目实际出资（不含冲销）；只列有出资的期间。"
    } else {
        "Deal paid-in by period (reversed entries excluded); periods with none are not listed."
    });
    // A line per programme while the legend stays readable; beyond that the total only.
    let per_programme = if t.programmes.len() <= 6 {
        t.programmes.as_slice()
    } else {
        &[]
    };
    let mut series: Vec<Series> = per_programme
        .iter()
        .map(|(code, v)| Series {
            name: code.clone(),
            values: v.iter().map(|m| Some(m.as_decimal())).collect(),
        })
        .collect();
    if series.len() != 1 {
        series.push(Series {
            name: o.label("Total").into(),
            values: t.cumulative.iter().map(|m| Some(m.as_decimal())).collect(),
        });
    }
    s.charts.push(Chart {
        id: "cumulative-paid-in".into(),
        title: o.label("Cumulative paid-in").into(),
        kind: ChartKind::Line,
        measure: Kind::Money,
        categories: t.periods.clone(),
        series,
    });
    s
}
