//! Listings as documents: the journal (`log`), funds, investors, companies, and the
//! audit's reconciliation and findings.

use super::model::{
    count, date, opt_date, opt_money, opt_text, text, Cell, Document, Kind, Opts, Section,
};
use crate::date::Date;
use crate::domain::{Company, Fund, Investor};
use crate::reports::audit::AuditReport;
use crate::reports::LogLine;

/// The journal's document and its one section, without rows: `log` streams its rows
/// ([`log_row`]) so that a journal of millions of entries is never held in memory.
pub fn log_frame(fund: Option<&str>, o: Opts) -> (Document, Section) {
    let mut d = Document::new("log", "Log", None, o);
    d.scope("Fund", fund);
    let mut s = Section::new("log", "Log", o.lang).landscape();
    s.columns = vec![
        o.col("id", "Id", Kind::Count, true),
        o.col("date", "Date", Kind::Date, true),
        o.col("kind", "Kind", Kind::Text, true),
        o.col("fund", "Fund", Kind::Text, true),
        o.col("counterparty", "Counterparty", Kind::Text, true),
        o.col("amount", "Amount", Kind::Money, true),
        o.col("detail", "Detail", Kind::Text, true),
        o.col("memo", "Memo", Kind::Text, false),
        o.col("recorded", "Recorded", Kind::Text, false),
        o.col("by", "By", Kind::Text, false),
        o.col("status", "Status", Kind::Text, true),
    ];
    (d, s)
}

/// One journal line's cells, in [`log_frame`]'s columns. Reversals show the entry
/// they reverse; reversed entries show their reversal.
pub fn log_row(l: LogLine) -> Vec<Cell> {
    let status = match (l.reverses, l.reversed_by) {
        (Some(r), _) => format!("reverses {r}"),
        (_, Some(r)) => format!("reversed by {r}"),
        _ => String::new(),
    };
    vec![
        count(l.id),
        date(l.date),
        text(l.kind.as_str()),
        opt_text(l.fund),
        opt_text(l.investor.or(l.company).or(l.loan).or(l.grant)),
        opt_money(l.amount),
        opt_text(
            l.detail
                .or(l.reinvest_weight.map(|w| format!("返投 weight {w}"))),
        ),
        opt_text(l.memo),
        text(l.recorded_at),
        text(l.recorded_by),
        text(status),
    ]
}

/// The journal held in one document (workbooks, the web view's pages).
pub fn log(lines: Vec<LogLine>, fund: Option<&str>, o: Opts) -> Document {
    let (mut d, mut s) = log_frame(fund, o);
    for l in lines {
        s.row(log_row(l));
    }
    d.push(s);
    d
}

pub fn funds(list: Vec<Fund>, o: Opts) -> Document {
    let mut d = Document::new("funds", "Funds", None, o);
    let mut s = Section::new("funds", "Funds", o.lang);
    s.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("name", "Name", Kind::Text, true),
        o.col("kind", "Kind", Kind::Text, true),
        o.col("parent", "Parent", Kind::Text, true),
        o.col("manager", "Manager", Kind::Text, false),
        o.col("inception", "Inception", Kind::Date, true),
        o.col("region", "Region", Kind::Text, true),
    ];
    for f in list {
        s.row(vec![
            text(f.code),
            text(f.name),
            text(f.kind.as_str()),
            opt_text(f.parent),
            opt_text(f.manager),
            opt_date(f.inception),
            opt_text(f.region),
        ]);
    }
    d.push(s);
    d
}

pub fn investors(list: Vec<Investor>, o: Opts) -> Document {
    let mut d = Document::new("investors", "Investors", None, o);
    let mut s = Section::new("investors", "Investors", o.lang);
    s.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("name", "Name", Kind::Text, true),
        o.col("type", "Type", Kind::Text, true),
    ];
    for i in list {
        s.row(vec![
            text(i.code),
            text(i.name),
            text(i.investor_type.as_str()),
        ]);
    }
    d.push(s);
    d
}

pub fn companies(list: Vec<Company>, o: Opts) -> Document {
    let (mut d, mut s) = companies_frame(o);
    for c in list {
        s.row(company_row(c));
    }
    d.push(s);
    d
}

/// `company list`'s document and its one section, without rows (for streaming).
pub fn companies_frame(o: Opts) -> (Document, Section) {
    let d = Document::new("companies", "Companies", None, o);
    let mut s = Section::new("companies", "Companies", o.lang);
    s.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("name", "Name", Kind::Text, true),
        o.col("sector", "Sector", Kind::Text, true),
        o.col("region", "Region", Kind::Text, true),
        o.col("uscc", "USCC", Kind::Text, true),
    ];
    (d, s)
}

/// One company's cells, in [`companies_frame`]'s columns.
pub fn company_row(c: Company) -> Vec<Cell> {
    vec![
        text(c.code),
        text(c.name),
        opt_text(c.sector),
        opt_text(c.region),
        opt_text(c.uscc),
    ]
}

/// The audit verdict: `clean as of …: 0 finding(s).`
pub fn audit_status(r: &AuditReport) -> String {
    format!(
        "{} as of {}: {} finding(s).",
        if r.clean { "clean" } else { "NOT CLEAN" },
        r.as_of,
        r.findings.len(),
    )
}

/// The chain head to note down, on a line of its own so it never wraps: `N:HASH`.
pub fn chain_head(r: &AuditReport) -> String {
    format!("Chain head: {}:{}", r.entries, r.head)
}

/// The reference data's seal head (funds, investors, companies, loans, grants,
/// policies), on its own line: `N:HASH`.
pub fn reference_head(r: &AuditReport) -> String {
    format!("Reference head: {}:{}", r.references, r.reference_head)
}

/// The audit: the reconciliation (when a statement was given), then the findings with
/// the verdict and chain head as their note.
pub fn audit(r: &AuditReport, o: Opts) -> Document {
    let as_of: Date = r.as_of;
    let mut d = Document::new("audit", "Audit", Some(as_of), o);
    if let Some(rec) = &r.reconciliation {
        let mut s = Section::new("reconciliation", "Reconciliation", o.lang);
        s.columns = vec![
            o.col("fund", "Fund", Kind::Text, true),
            o.col("counterparty", "Counterparty", Kind::Text, true),
            o.col("kind", "Kind", Kind::Text, true),
            o.col("statement", "Statement", Kind::Money, true),
            o.col("ledger", "Ledger", Kind::Money, true),
            o.col("difference", "Difference", Kind::Money, true),
            o.col("status", "Status", Kind::Text, true),
        ];
        for l in rec {
            s.row(vec![
                text(&l.fund),
                text(&l.counterparty),
                text(l.kind.as_str()),
                opt_money(l.statement),
                opt_money(l.ledger),
                opt_money(l.difference),
                text(l.status),
            ]);
        }
        d.push(s);
    }
    let mut s = Section::new("findings", "Findings", o.lang);
    s.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("record", "Record", Kind::Text, true),
        o.col("expected", "Expected", Kind::Text, true),
        o.col("recorded", "Recorded", Kind::Text, true),
        o.col("difference", "Difference", Kind::Text, true),
        o.col("message", "Message", Kind::Text, true),
    ];
    for f in &r.findings {
        s.row(vec![
            text(f.code),
            text(&f.record),
            text(f.expected.clone().unwrap_or_default()),
            text(f.recorded.clone().unwrap_or_default()),
            text(f.difference.clone().unwrap_or_default()),
            text(&f.message),
        ]);
    }
    s.note(audit_status(r));
    s.note(chain_head(r));
    s.note(reference_head(r));
    d.push(s);
    d
}

/// A government-share cap as people write it: `40%`.
pub fn cap_text(f: crate::policy::Factor) -> String {
    f.percent()
}

/// A 返投 minimum as people write it: `1.5×`.
pub fn min_text(f: crate::policy::Factor) -> String {
    format!("{f}×")
}

/// `fund policy CODE`: the fund's own policy records and the terms in force.
pub fn policy(
    h: &crate::reports::policy::PolicyHistory,
    o: Opts,
    layout: super::Layout,
) -> Document {
    use crate::policy::{Factor, ReinvestBase, Term};
    let readable = layout == super::Layout::Sections;
    // Readable: `40%`, `1.5×`; flat: the plain number a spreadsheet reads.
    let term = |v: Option<Factor>, shown: &dyn Fn(Factor) -> String| match v {
        None => text(""),
        Some(v) if readable => super::model::number(v.as_decimal(), shown(v)),
        Some(v) => super::model::number(v.as_decimal(), v.fixed()),
    };
    let source = |fund: &str, id: i64, from: Date| format!("{fund} record #{id} from {from}");
    let mut d = Document::new("policy", "Policy terms", Some(h.as_of), o);
    d.scope("Fund", Some(&h.fund));
    let mut s = Section::new("policy", "Policy terms", o.lang);
    s.columns = vec![
        o.col("id", "Id", Kind::Count, true),
        o.col("from", "From", Kind::Date, true),
        o.col("gov_share_max", "Gov share max", Kind::Ratio, true),
        o.col("reinvest_min", "Reinvest min", Kind::Ratio, true),
        o.col("reinvest_base", "Reinvest base", Kind::Text, true),
        o.col("memo", "Memo", Kind::Text, true),
        o.col("recorded", "Recorded", Kind::Text, true),
        o.col("by", "By", Kind::Text, true),
    ];
    for r in &h.policies {
        s.row(vec![
            count(r.id),
            date(r.from),
            term(r.gov_share_max, &cap_text),
            term(r.reinvest_min, &min_text),
            opt_text(r.reinvest_base),
            opt_text(r.memo.as_ref()),
            text(&r.recorded_at),
            text(&r.recorded_by),
        ]);
    }
    if h.policies.is_empty() {
        s.note(format!("No policy recorded for {} itself.", h.fund));
    } else {
        s.note("Blank = not set by that record (the earlier value carries over).");
    }
    let i = &h.in_force;
    let src = |t: &Term<Factor>| source(&t.fund, t.policy_id, t.from);
    let cap = i.gov_share_max.as_ref().map_or("none".to_string(), |t| {
        format!("{} ({})", cap_text(t.value), src(t))
    });
    let min = i.reinvest_min.as_ref().map_or("none".to_string(), |t| {
        format!("{} ({})", min_text(t.value), src(t))
    });
    let base = i
        .reinvest_base
        .as_ref()
        .map_or(format!("{} (default)", ReinvestBase::DEFAULT), |t| {
            format!("{} ({})", t.value, source(&t.fund, t.policy_id, t.from))
        });
    s.note(format!("In force for {} on {}:", h.fund, h.as_of));
    s.note(format!("  government share cap: {cap}"));
    s.note(format!("  返投 minimum: {min}"));
    s.note(format!("  返投 base: {base}"));
    d.push(s);
    d
}
