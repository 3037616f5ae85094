//! The loan book (`report loans`), `loan list`, `loan schedule` and `grant list` as
//! documents.

use super::model::{
    count, date, money, na, number, opt_text, ratio, text, Cell, Chart, ChartKind, Document, Kind,
    Link, Opts, Section, Series,
};
use crate::date::Date;
use crate::money::{Money, Ratio};
use crate::reports::loans::{
    GrantLine, LoanFigures, LoanGrouping, LoanLine, LoanList, LoanSchedule, LoansReport,
};

/// One measure of the loan book: its label and its cell from a figure set.
type Measure = (String, Box<dyn Fn(&LoanFigures) -> Cell>);

fn measures(o: Opts) -> Vec<Measure> {
    let unit = o.unit.label();
    let m = move |label: &str, f: fn(&LoanFigures) -> Money| -> Measure {
        (format!("{label} ({unit})"), Box::new(move |x| money(f(x))))
    };
    let opt_m = move |label: &str, f: fn(&LoanFigures) -> Option<Money>| -> Measure {
        (
            format!("{label} ({unit})"),
            Box::new(move |x| f(x).map_or(na(), money)),
        )
    };
    let n = |label: &str, f: fn(&LoanFigures) -> u64| -> Measure {
        (label.to_string(), Box::new(move |x| count(f(x))))
    };
    let r = |label: &str, f: fn(&LoanFigures) -> Option<Ratio>| -> Measure {
        (label.to_string(), Box::new(move |x| ratio(f(x))))
    };
    let mut v = vec![
        n("Loans", |x| x.loans),
        m("Disbursed", |x| x.disbursed),
        m("Outstanding principal", |x| x.outstanding),
        m("Principal repaid", |x| x.principal_repaid),
        m("Interest paid", |x| x.interest_paid),
        m("  borne by borrowers", |x| x.interest_borrower),
        m("  subsidy (贴息)", |x| x.interest_subsidy),
    ];
    for (k, label) in ["1-30", "31-60", "61-90", ">90"].iter().enumerate() {
        let pick = move |x: &LoanFigures| x.arrears.labelled()[k].1;
        v.push((
            format!("Arrears {label} days: loans"),
            Box::new(move |x| count(pick(x).count)),
        ));
        v.push((
            format!("Arrears {label} days: principal ({unit})"),
            Box::new(move |x| money(pick(x).principal)),
        ));
    }
    v.extend([
        r("PAR30", |x| x.par30),
        r("PAR90", |x| x.par90),
        n("Defaulted loans", |x| x.defaulted_loans),
        m("Defaulted principal", |x| x.defaulted),
        n("Compensated loans", |x| x.compensated_loans),
        m("Compensated (代偿)", |x| x.compensated),
        m("Recovered", |x| x.recovered),
        n("Written-off loans", |x| x.written_off_loans),
        m("Written off", |x| x.written_off),
        m("Net guarantee loss", |x| x.net_guarantee_loss),
        n("Jobs created", |x| x.jobs),
        opt_m("Average loan", |x| x.average_loan),
        (
            "Grants paid".to_string(),
            Box::new(|x: &LoanFigures| x.grants_count.map_or(na(), count)),
        ),
        opt_m("Grants", |x| x.grants),
    ]);
    v
}

pub fn book(rep: &LoansReport, o: Opts) -> Document {
    let mut d = Document::new("loans", "Loan book", Some(rep.as_of), o);
    d.scope("Group by", rep.by.map(|b| b.as_str()));
    d.push(book_section(rep, o));
    d
}

/// Measures down, groups across: a group's figures read as one column.
pub fn book_section(rep: &LoansReport, o: Opts) -> Section {
    let groups = rep.groups.as_deref().unwrap_or_default();
    let mut s = Section::new("loans", "Loan book", o.lang);
    if groups.len() > 4 {
        s = s.landscape();
    }
    s.columns = vec![o.col("measure", "Measure", Kind::Text, true)];
    for (i, g) in groups.iter().enumerate() {
        let mut c = o.col(&format!("group_{}", i + 1), "", Kind::Number, true);
        c.label = g.group.clone();
        s.columns.push(c);
    }
    s.columns.push(o.col("total", "Total", Kind::Number, true));
    for (label, show) in measures(o) {
        let mut row = vec![text(label)];
        row.extend(groups.iter().map(|g| show(&g.figures)));
        row.push(show(&rep.total));
        s.row(row);
    }
    s.note(format!("As of {}. Money in {}.", rep.as_of, o.unit.label()));
    s.note("Arrears: loans by days past due of their oldest unpaid installment, with their whole outstanding principal.");
    s.note("PAR30 (PAR90) = outstanding principal of loans more than 30 (90) days late ÷ all outstanding principal; n/a when nothing is outstanding.");
    if rep.by.is_some_and(|b| b != LoanGrouping::Year) {
        s.note("Grants belong to no borrower kind or guarantor: n/a per group, counted in Total.");
    }
    let buckets = rep.total.arrears.labelled();
    s.charts.push(Chart {
        id: "arrears".into(),
        title: o.label("Loans in arrears by days overdue").into(),
        kind: ChartKind::Bar,
        measure: Kind::Money,
        categories: buckets.iter().map(|(l, _)| format!("{l} days")).collect(),
        series: vec![Series {
            name: o.label("Outstanding").into(),
            values: buckets
                .iter()
                .map(|(_, b)| Some(b.principal.as_decimal()))
                .collect(),
        }],
    });
    s
}

pub fn list(l: &LoanList, o: Opts) -> Document {
    let (mut d, mut s) = list_frame(l.as_of, o);
    for x in &l.loans {
        s.row(list_row(x));
    }
    d.push(s);
    d
}

/// `loan list`'s document and its one section, without rows (for streaming).
pub fn list_frame(as_of: Date, o: Opts) -> (Document, Section) {
    let d = Document::new("loan-list", "Loans", Some(as_of), o);
    let mut s = Section::new("loans", "Loans", o.lang).landscape();
    s.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("borrower", "Borrower", Kind::Text, true),
        o.col("kind", "Kind", Kind::Text, false),
        o.col("principal", "Principal", Kind::Money, true),
        o.col("rate", "Rate", Kind::Percent, true),
        o.col("months", "Months", Kind::Count, false),
        o.col("start", "Start", Kind::Date, true),
        o.col("method", "Method", Kind::Text, false),
        o.col("subsidy", "Subsidy", Kind::Text, false),
        o.col("guarantor", "Guarantor", Kind::Text, false),
        o.col("jobs", "Jobs", Kind::Count, false),
        o.col("status", "Status", Kind::Text, true),
        o.col("outstanding", "Outstanding", Kind::Money, true),
        o.col("days_past_due", "Days past due", Kind::Count, true),
    ];
    s.note(format!("As of {as_of}. Money in {}.", o.unit.label()));
    (d, s)
}

/// One loan's cells, in [`list_frame`]'s columns.
pub fn list_row(x: &LoanLine) -> Vec<Cell> {
    let t = &x.loan.terms;
    vec![
        text(&x.loan.code).link(Link::Loan(x.loan.code.clone())),
        text(&x.loan.borrower),
        text(x.loan.borrower_kind.as_str()),
        money(t.principal),
        number(t.rate.as_decimal(), t.rate.percent()),
        count(t.term_months),
        date(t.start),
        text(t.method.as_str()),
        text(t.subsidy.to_string()),
        opt_text(x.loan.guarantor.as_ref()),
        x.loan.jobs.map_or(text(""), count),
        text(x.status),
        money(x.outstanding),
        x.days_past_due.map_or(text(""), count),
    ]
}

pub fn schedule(sch: &LoanSchedule, o: Opts) -> Document {
    let mut d = Document::new("schedule", "Schedule", Some(sch.as_of), o);
    d.scope("Loan", Some(&sch.loan));
    let mut s = Section::new("schedule", "Schedule", o.lang).landscape();
    s.columns = vec![
        o.col("n", "N", Kind::Count, true),
        o.col("due", "Due", Kind::Date, true),
        o.col("principal", "Principal", Kind::Money, true),
        o.col("interest", "Interest", Kind::Money, true),
        o.col("total", "Total", Kind::Money, true),
        o.col("prepaid", "Prepaid", Kind::Money, false),
        o.col("balance", "Balance", Kind::Money, true),
        o.col("paid_principal", "Paid principal", Kind::Money, false),
        o.col("paid_interest", "Paid interest", Kind::Money, false),
        o.col("status", "Status", Kind::Text, true),
    ];
    for i in &sch.installments {
        s.row(vec![
            count(i.n),
            date(i.due),
            money(i.principal),
            money(i.interest),
            money(i.total),
            money(i.prepaid),
            money(i.balance),
            money(i.paid_principal),
            money(i.paid_interest),
            text(i.status),
        ]);
    }
    s.note(format!(
        "Loan {} ({}): {} at {} a year over {} months, {}, from {}; subsidy {}.",
        sch.loan,
        sch.borrower,
        o.money_str(sch.principal),
        sch.rate,
        sch.term_months,
        sch.method,
        sch.start,
        sch.subsidy
    ));
    let late = sch
        .days_past_due
        .map(|d| format!(", {d} days past due"))
        .unwrap_or_default();
    let payoff = sch
        .payoff
        .map(|p| format!("; payoff {}", o.money_str(p)))
        .unwrap_or_default();
    s.note(format!(
        "As of {}: {}, outstanding {}{late}{payoff}.",
        sch.as_of,
        sch.status,
        o.money_str(sch.outstanding)
    ));
    d.push(s);
    d
}

pub fn grants(list: &[GrantLine], o: Opts) -> Document {
    let mut d = Document::new("grants", "Grants", None, o);
    let mut s = Section::new("grants", "Grants", o.lang);
    s.columns = vec![
        o.col("code", "Code", Kind::Text, true),
        o.col("recipient", "Recipient", Kind::Text, true),
        o.col("programme", "Programme", Kind::Text, true),
        o.col("date", "Date", Kind::Date, true),
        o.col("amount", "Amount", Kind::Money, true),
        o.col("entry", "Entry", Kind::Count, true),
        o.col("status", "Status", Kind::Text, true),
    ];
    for g in list {
        s.row(vec![
            text(&g.code),
            text(&g.recipient),
            opt_text(g.programme.as_ref()),
            date(g.date),
            money(g.amount),
            count(g.entry),
            opt_text(g.reversed_by.map(|r| format!("reversed by {r}"))),
        ]);
    }
    d.push(s);
    d
}
