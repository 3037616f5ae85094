//! `report portfolio` as a document: one row per fund, the consolidated total, and
//! the charts the report pack prints (committed vs paid-in, value composition).

use super::model::{
    count, money, opt_text, ratio, text, Chart, ChartKind, Document, Kind, Link, Opts, Section,
    Series,
};
use crate::reports::{Portfolio, PortfolioTotal};

/// The mark on a value that includes holdings never marked (counted at cost).
pub const UNMARKED: &str = "*";

pub fn document(p: &Portfolio, fund: Option<&str>, o: Opts) -> Document {
    let mut d = Document::new("portfolio", "Portfolio", Some(p.as_of), o);
    d.scope("Fund", fund);
    d.push(section(p, o));
    d
}

pub fn section(p: &Portfolio, o: Opts) -> Section {
    let mut s = Section::new("portfolio", "Portfolio", o.lang).landscape();
    s.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("name", "Name", Kind::Text, true),
        o.col("kind", "Kind", Kind::Text, false),
        o.col("parent", "Parent", Kind::Text, false),
        o.col("lp_committed", "LP committed", Kind::Money, false),
        o.col("lp_paid_in", "LP paid-in", Kind::Money, false),
        o.col("projects", "Projects", Kind::Count, true),
        o.col("deal_committed", "Deal committed", Kind::Money, true),
        o.col("deal_paid_in", "Deal paid-in", Kind::Money, true),
        o.col("deal_unfunded", "Deal unfunded", Kind::Money, false),
        o.col("paid_in_ratio", "Paid-in ratio", Kind::Ratio, true),
        o.col("value", "Value", Kind::Money, true),
        o.col("proceeds", "Proceeds", Kind::Money, false),
    ];
    // A sum links to the entries it adds up (the total's LP capital leaves out what the
    // funds put into each other, so no single set of entries adds up to it).
    let drill = |funds: &[String], kind: &str| Link::Entries {
        funds: funds.to_vec(),
        company: None,
        investor: None,
        kind: kind.into(),
    };
    let figures = |f: &PortfolioTotal, funds: &[String], total: bool| {
        let lp = |m, kind| {
            let c = money(m);
            if total {
                c
            } else {
                c.link(drill(funds, kind))
            }
        };
        vec![
            lp(f.lp_committed, "lp-commit"),
            lp(f.lp_paid_in, "lp-pay"),
            count(f.projects),
            money(f.deal_committed).link(drill(funds, "deal-commit")),
            money(f.deal_paid_in).link(drill(funds, "deal-pay")),
            money(f.deal_unfunded),
            ratio(f.paid_in_ratio),
            money(f.value).marked(UNMARKED, f.unmarked > 0),
            money(f.proceeds).link(drill(funds, "deal-proceeds")),
        ]
    };
    for r in &p.funds {
        let mut row = vec![
            text(&r.code).link(Link::Fund(r.code.clone())),
            text(&r.name),
            text(o.label(r.kind.as_str())),
            opt_text(r.parent.as_ref()),
        ];
        row.extend(figures(&r.figures, std::slice::from_ref(&r.code), false));
        s.row(row);
    }
    let all: Vec<String> = p.funds.iter().map(|f| f.code.clone()).collect();
    let mut row = vec![
        text(o.label("Total")),
        text(o.label("(consolidated)")),
        text(""),
        text(""),
    ];
    row.extend(figures(&p.total, &all, true));
    s.total_row(row);
    let zh = o.lang == super::Lang::Zh;
    s.note(if zh {
        format!(
            "截至 {}。金额单位：{}；到位率 = 实际出资 ÷ 协议投资。",
            p.as_of,
            o.unit.label()
        )
    } else {
        format!(
            "As of {}. Money in {}; paid-in ratio = deal paid-in ÷ deal committed.",
            p.as_of,
            o.unit.label()
        )
    });
    if p.total.unmarked > 0 {
        s.marked_note(
            UNMARKED,
            if zh {
                format!("含 {} 个从未估值的项目，按实缴成本计。", p.total.unmarked)
            } else {
                format!(
                    "includes {} holding(s) never marked, counted at paid-in cost.",
                    p.total.unmarked
                )
            },
        );
    }
    s.note(if zh {
        "合计已剔除本报告内基金之间的出资（不重复计算）。"
    } else {
        "Total excludes LP capital that funds in this report put into each other (no double counting)."
    });
    let codes: Vec<String> = p.funds.iter().map(|f| f.code.clone()).collect();
    let series = |name: &str, f: fn(&PortfolioTotal) -> crate::money::Money| Series {
        name: o.label(name).into(),
        values: p
            .funds
            .iter()
            .map(|r| Some(f(&r.figures).as_decimal()))
            .collect(),
    };
    s.charts.push(Chart {
        id: "committed-vs-paid-in".into(),
        title: o.label("Committed vs paid-in per fund").into(),
        kind: ChartKind::Bar,
        measure: Kind::Money,
        categories: codes.clone(),
        series: vec![
            series("Deal committed", |f| f.deal_committed),
            series("Deal paid-in", |f| f.deal_paid_in),
        ],
    });
    s.charts.push(Chart {
        id: "value-composition".into(),
        title: o.label("Value composition").into(),
        kind: ChartKind::StackedBar,
        measure: Kind::Money,
        categories: codes,
        series: vec![
            series("Unrealised value", |f| f.value),
            series("Proceeds", |f| f.proceeds),
        ],
    });
    s
}
