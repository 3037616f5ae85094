//! Evaluation reports as documents: pacing and idle cash, breakdowns, company outcomes
//! and the scorecard (issue 15).

use rust_decimal::Decimal;

use super::model::{
    count, date, empty, money, number, opt_date, opt_text, ratio, text, Cell, Document, Kind, Link,
    Opts, Section,
};
use crate::reports::eval::{Breakdown, Outcomes, Pacing, Scorecard, Share};

fn percent(s: &Share) -> Cell {
    match s.percent {
        Some(p) => number(p, format!("{p}%")),
        None => super::model::na(),
    }
}

fn points(d: Decimal) -> Cell {
    number(d, d.to_string())
}

pub fn pacing(p: &Pacing, fund: Option<&str>, o: Opts) -> Document {
    let mut d = Document::new("pacing", "Idle cash and pacing", Some(p.as_of), o);
    d.scope("Fund", fund);
    let mut s = Section::new("pacing", "Idle cash and pacing", o.lang).landscape();
    s.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("name", "Name", Kind::Text, false),
        o.col("lp_committed", "LP committed", Kind::Money, false),
        o.col("lp_paid_in", "LP paid-in", Kind::Money, true),
        o.col("invested", "Invested", Kind::Money, true),
        o.col("pace", "Pace", Kind::Ratio, true),
        o.col("idle", "Idle cash", Kind::Money, true),
        o.col("idle_over_warn", "Idle over warning", Kind::Money, true),
        o.col("idle_over_alert", "Idle over alert", Kind::Money, false),
        o.col("oldest_idle", "Oldest idle", Kind::Date, false),
        o.col("first_call_date", "First call date", Kind::Date, false),
        o.col("first_call_ratio", "First-call ratio", Kind::Ratio, true),
    ];
    for r in &p.funds {
        s.row(vec![
            text(&r.code).link(Link::Fund(r.code.clone())),
            text(&r.name),
            money(r.lp_committed),
            money(r.lp_paid_in),
            money(r.invested),
            ratio(r.pace),
            money(r.idle),
            money(r.idle_over_warn).marked("!", r.idle_over_warn.is_positive()),
            money(r.idle_over_alert).marked("!!", r.idle_over_alert.is_positive()),
            opt_date(r.oldest_idle),
            opt_date(r.first_call_date),
            ratio(r.first_call_ratio),
        ]);
    }
    let zh = o.lang == super::Lang::Zh;
    s.note(if zh {
        format!("截至 {}。金额单位：{}；闲置资金 = 出资人实缴尚未投出部分，按到账日先进先出；投资进度 = 已投出 ÷ 出资人实缴。", p.as_of, o.unit.label())
    } else {
        format!(
            "As of {}. Money in {}; idle cash = LP paid-in not yet invested, used first in first out by date received; pace = invested ÷ LP paid-in.",
            p.as_of,
            o.unit.label()
        )
    });
    for r in &p.funds {
        if r.idle_over_warn.is_positive() {
            s.marked_note(
                "!",
                if zh {
                    format!(
                        "{}：闲置超过 {} 个月 {}（其中超过 {} 个月 {}）。",
                        r.code,
                        r.idle_warn_months,
                        o.money_str(r.idle_over_warn),
                        r.idle_alert_months,
                        o.money_str(r.idle_over_alert)
                    )
                } else {
                    format!(
                        "{}: idle over {} months {} (over {} months {}).",
                        r.code,
                        r.idle_warn_months,
                        o.money_str(r.idle_over_warn),
                        r.idle_alert_months,
                        o.money_str(r.idle_over_alert)
                    )
                },
            );
        }
    }
    d.push(s);

    let mut t = Section::new("pacing-over-time", "Pace over time", o.lang);
    t.columns = vec![
        o.col("fund", "Fund", Kind::Text, true),
        o.col("date", "Date", Kind::Date, true),
        o.col("lp_paid_in", "LP paid-in", Kind::Money, true),
        o.col("invested", "Invested", Kind::Money, true),
        o.col("pace", "Pace", Kind::Ratio, true),
    ];
    for r in &p.funds {
        for pt in &r.points {
            t.row(vec![
                text(&r.code),
                date(pt.date),
                money(pt.lp_paid_in),
                money(pt.invested),
                ratio(pt.pace),
            ]);
        }
    }
    d.push(t);

    let mut l = Section::new("idle-lots", "Idle cash by date received", o.lang);
    l.columns = vec![
        o.col("fund", "Fund", Kind::Text, true),
        o.col("received", "Received", Kind::Date, true),
        o.col("amount", "Idle cash", Kind::Money, true),
        o.col("age", "Age", Kind::Text, true),
    ];
    for r in &p.funds {
        for lot in &r.lots {
            let age = if lot.over_alert {
                format!("> {} {}", r.idle_alert_months, o.label("months"))
            } else if lot.over_warn {
                format!("> {} {}", r.idle_warn_months, o.label("months"))
            } else {
                format!("≤ {} {}", r.idle_warn_months, o.label("months"))
            };
            l.row(vec![
                text(&r.code),
                date(lot.received),
                money(lot.amount),
                text(age),
            ]);
        }
    }
    d.push(l);
    d
}

pub fn breakdown(b: &Breakdown, o: Opts) -> Document {
    let mut d = Document::new("breakdown", "Breakdown", Some(b.as_of), o);
    d.scope("Fund", b.fund.as_deref());
    d.scope("Group by", Some(o.label(b.by.as_str())));
    if b.look_through {
        d.scope("Look-through", Some(o.label("yes")));
    }
    let mut s = Section::new("breakdown", "Breakdown", o.lang).landscape();
    s.columns = vec![
        o.col("group", "Group", Kind::Text, true),
        o.col("companies", "Companies", Kind::Count, true),
        o.col("committed", "Deal committed", Kind::Money, true),
        o.col("share_committed", "Share of committed", Kind::Percent, true),
        o.col("paid_in", "Deal paid-in", Kind::Money, false),
        o.col("share_paid_in", "Share of paid-in", Kind::Percent, true),
        o.col("value", "Value", Kind::Money, false),
        o.col("share_value", "Share of value", Kind::Percent, true),
    ];
    let group_label = |g: &str| -> String {
        match g {
            "local"
            | "non-local"
            | crate::reports::eval::UNSPECIFIED
            | "seed"
            | "early"
            | "growth"
            | "mature" => o.label(g).to_string(),
            _ => g.to_string(),
        }
    };
    for r in &b.groups {
        s.row(vec![
            text(group_label(&r.group)),
            count(r.companies as u64),
            money(r.committed),
            percent(&r.share_committed),
            money(r.paid_in),
            percent(&r.share_paid_in),
            money(r.value),
            percent(&r.share_value),
        ]);
    }
    let hundred = |m: crate::money::Money| {
        if m.is_zero() {
            super::model::na()
        } else {
            number(Decimal::new(10_000, 2), "100.00%")
        }
    };
    s.total_row(vec![
        text(o.label("Total")),
        count(b.total.companies as u64),
        money(b.total.committed),
        hundred(b.total.committed),
        money(b.total.paid_in),
        hundred(b.total.paid_in),
        money(b.total.value),
        hundred(b.total.value),
    ]);
    s.note(if o.lang == super::Lang::Zh {
        "占比精确到 0.01%，按最大余额法分配，各列合计恰为 100.00%。"
    } else {
        "Shares to 0.01%, allocated by largest remainder so each column adds up to exactly 100.00%."
    });
    d.push(s);
    d
}

pub fn outcomes(x: &Outcomes, fund: Option<&str>, o: Opts) -> Document {
    let mut d = Document::new("outcomes", "Company outcomes", Some(x.as_of), o);
    d.scope("Fund", fund);
    d.scope("From", Some(x.from));
    let mut s = Section::new("outcomes-companies", "Company outcomes", o.lang).landscape();
    s.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("name", "Name", Kind::Text, false),
        o.col("stage", "Stage", Kind::Text, true),
        o.col("region", "Region", Kind::Text, false),
        o.col("jobs", "Jobs", Kind::Count, true),
        o.col("tax", "Tax paid", Kind::Money, true),
        o.col("revenue", "Revenue", Kind::Money, true),
        o.col("financing", "Follow-on financing", Kind::Money, true),
        o.col("rounds", "Rounds", Kind::Count, false),
        o.col("led_rounds", "Led", Kind::Count, true),
        o.col("relocated", "Relocated", Kind::Date, false),
    ];
    for c in &x.companies {
        s.row(vec![
            text(&c.code).link(Link::Company(c.code.clone())),
            text(&c.name),
            opt_text(c.stage.map(|s| o.label(s.as_str()).to_string())),
            opt_text(c.region.as_ref()),
            c.outcome.jobs.map_or(empty(), count),
            money(c.outcome.tax),
            money(c.outcome.revenue),
            money(c.outcome.financing),
            count(c.outcome.rounds as u64),
            count(c.outcome.led_rounds as u64),
            opt_date(c.outcome.relocated),
        ]);
    }
    s.note(if o.lang == super::Lang::Zh {
        format!("就业人数取截至 {} 的最近一次数据；纳税、营业收入与后续融资为 {} 至 {} 的合计。", x.as_of, x.from, x.as_of)
    } else {
        format!(
            "Jobs: the latest headcount reported on or before {}; tax, revenue and financing: sums from {} to {}.",
            x.as_of, x.from, x.as_of
        )
    });
    d.push(s);
    let mut f = Section::new("outcomes-funds", "Outcomes per fund", o.lang);
    f.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("companies", "Companies", Kind::Count, true),
        o.col("jobs", "Jobs", Kind::Count, true),
        o.col("tax", "Tax paid", Kind::Money, true),
        o.col("revenue", "Revenue", Kind::Money, false),
        o.col("financing", "Follow-on financing", Kind::Money, true),
        o.col("local_financing", "Local financing", Kind::Money, false),
        o.col("led_rounds", "Led", Kind::Count, true),
        o.col("relocated", "Relocated", Kind::Count, true),
    ];
    for r in &x.funds {
        f.row(vec![
            text(&r.code).link(Link::Fund(r.code.clone())),
            count(r.companies as u64),
            r.outcome.jobs.map_or(empty(), count),
            money(r.outcome.tax),
            money(r.outcome.revenue),
            money(r.outcome.financing),
            money(r.local_financing),
            count(r.outcome.led_rounds as u64),
            count(r.relocated as u64),
        ]);
    }
    f.note(if o.lang == super::Lang::Zh {
        "每支基金含其子基金所投企业（穿透），每家企业只计一次。"
    } else {
        "Each fund counts the companies it holds directly or through its sub-funds (look-through), each company once."
    });
    d.push(f);
    d
}

pub fn scorecard(c: &Scorecard, o: Opts) -> Document {
    let mut d = Document::new("scorecard", "Scorecard", Some(c.as_of), o);
    d.scope("Fund", Some(&c.fund));
    d.scope("Year", Some(c.year));
    d.scope("Template", Some(&c.template));
    let mut s = Section::new("scorecard", "Scorecard", o.lang).landscape();
    s.columns = vec![
        o.col("group", "Group", Kind::Text, false),
        o.col("key", "Indicator", Kind::Text, true),
        o.col("name", "Name", Kind::Text, false),
        o.col("weight", "Weight", Kind::Number, true),
        o.col("source", "Source", Kind::Text, true),
        o.col("figure", "Figure", Kind::Number, true),
        o.col("score", "Score", Kind::Number, true),
        o.col("evidence", "Evidence", Kind::Text, false),
    ];
    for i in &c.indicators {
        let source = if i.manual {
            o.label("manual").to_string()
        } else {
            i.metric.map(|m| m.as_str().to_string()).unwrap_or_default()
        };
        let figure = match i.figure {
            Some(f) => {
                // Shown to at most 4 decimals (ratios), whole numbers without any.
                let r = f
                    .round_dp_with_strategy(4, crate::money::DISPLAY_ROUNDING)
                    .normalize();
                number(f, r.to_string())
            }
            None => empty(),
        };
        s.row(vec![
            opt_text(i.group.as_ref()),
            text(if i.bonus {
                format!("{} (+)", i.key)
            } else {
                i.key.clone()
            }),
            text(&i.name),
            points(i.weight),
            text(source),
            figure,
            points(i.score),
            text(&i.evidence),
        ]);
        s.note(format!("{}: {}", i.key, i.evidence));
    }
    s.note(format!("{} — {}", c.name, c.template_name));
    s.total_row(vec![
        empty(),
        text(o.label("Total")),
        empty(),
        empty(),
        text(c.grade.clone().unwrap_or_default()),
        empty(),
        points(c.total),
        text(format!(
            "{} {} + {} {}",
            o.label("base"),
            c.base,
            o.label("bonus"),
            c.bonus
        )),
    ]);
    d.push(s);
    d
}

/// `company facts`: every effective fact, with its id (to reverse it).
pub fn facts(list: &[crate::eval::Fact], o: Opts) -> Document {
    let mut d = Document::new("facts", "Company facts", None, o);
    let mut s = Section::new("facts", "Company facts", o.lang);
    s.columns = vec![
        o.col("id", "Id", Kind::Count, true),
        o.col("company", "Code", Kind::Text, true),
        o.col("kind", "Fact", Kind::Text, true),
        o.col("date", "Date", Kind::Date, true),
        o.col("jobs", "Jobs", Kind::Count, true),
        o.col("amount", "Amount", Kind::Money, true),
        o.col("round", "Round", Kind::Text, true),
        o.col("lead", "Lead", Kind::Text, true),
        o.col("stage", "Stage", Kind::Text, true),
        o.col("memo", "Memo", Kind::Text, false),
        o.col("recorded_by", "By", Kind::Text, false),
    ];
    for f in list {
        s.row(vec![
            count(f.id),
            text(&f.company).link(Link::Company(f.company.clone())),
            text(f.kind.as_str()),
            date(f.date),
            f.jobs.map_or(empty(), count),
            f.amount.map_or(empty(), money),
            opt_text(f.round.as_ref()),
            opt_text(
                f.lead
                    .map(|l| o.label(if l { "yes" } else { "no" }).to_string()),
            ),
            opt_text(f.stage.map(|s| o.label(s.as_str()).to_string())),
            opt_text(f.memo.as_ref()),
            text(&f.recorded_by),
        ]);
    }
    d.push(s);
    d
}

/// `fund scores CODE`: the manual scores in force, with their ids.
pub fn scores(list: &[crate::store::ScoreRow], o: Opts) -> Document {
    let mut d = Document::new("scores", "Manual scores", None, o);
    let mut s = Section::new("scores", "Manual scores", o.lang);
    s.columns = vec![
        o.col("id", "Id", Kind::Count, true),
        o.col("fund", "Fund", Kind::Text, true),
        o.col("year", "Year", Kind::Count, true),
        o.col("indicator", "Indicator", Kind::Text, true),
        o.col("score", "Score", Kind::Number, true),
        o.col("note", "Note", Kind::Text, true),
        o.col("recorded_by", "By", Kind::Text, true),
    ];
    for r in list {
        s.row(vec![
            count(r.id),
            text(&r.fund),
            count(r.year),
            text(&r.indicator),
            points(r.score),
            text(&r.note),
            text(&r.recorded_by),
        ]);
    }
    d.push(s);
    d
}
