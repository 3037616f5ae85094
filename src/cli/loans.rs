//! `loan …`, `grant …` and `report loans`.

use clap::{Args, Subcommand};
use fundledger::domain::EntryKind;
use fundledger::error::Result;
use fundledger::loan::{BorrowerKind, Method, Rate, SubsidyRule};
use fundledger::ops::loans::{describe, RecordedLoanEntry};
use fundledger::ops::{self, GrantInput, LoanEntryRequest, LoanInput};
use fundledger::reports::loans::{self as loan_reports, LoanGrouping};
use serde_json::json;

use fundledger::present;
use fundledger::present::model::{self as m, Cell, Document, Kind, RowSource, Section};

use super::render::{print_doc, print_json, print_json_stream, print_line, print_streamed, Format};
use super::{amount, as_of, date, Ctx, Who};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum BorrowerKindArg {
    Individual,
    SmallFirm,
    Partnership,
}

impl From<BorrowerKindArg> for BorrowerKind {
    fn from(k: BorrowerKindArg) -> BorrowerKind {
        match k {
            BorrowerKindArg::Individual => BorrowerKind::Individual,
            BorrowerKindArg::SmallFirm => BorrowerKind::SmallFirm,
            BorrowerKindArg::Partnership => BorrowerKind::Partnership,
        }
    }
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum MethodArg {
    /// 等额本息: the same payment every month
    EqualInstallment,
    /// 等额本金: the same principal every month, interest on the balance
    EqualPrincipal,
    /// Interest monthly, all principal at the end
    InterestOnly,
    /// All principal and interest at maturity
    Bullet,
}

impl From<MethodArg> for Method {
    fn from(m: MethodArg) -> Method {
        match m {
            MethodArg::EqualInstallment => Method::EqualInstallment,
            MethodArg::EqualPrincipal => Method::EqualPrincipal,
            MethodArg::InterestOnly => Method::InterestOnly,
            MethodArg::Bullet => Method::Bullet,
        }
    }
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ByArg {
    Kind,
    Year,
    Guarantor,
}

impl From<ByArg> for LoanGrouping {
    fn from(b: ByArg) -> LoanGrouping {
        match b {
            ByArg::Kind => LoanGrouping::Kind,
            ByArg::Year => LoanGrouping::Year,
            ByArg::Guarantor => LoanGrouping::Guarantor,
        }
    }
}

#[derive(Args, Debug)]
pub struct LoanAdd {
    /// Loan code used in every other loan command, e.g. CY2021-0001
    pub code: String,
    /// Borrower's name
    #[arg(long)]
    pub borrower: String,
    #[arg(long, value_enum)]
    pub borrower_kind: BorrowerKindArg,
    /// Principal lent: 100000, 10万, …
    #[arg(long, allow_hyphen_values = true)]
    pub principal: String,
    /// Annual contract rate: 4.35% or 0.0435 (stored exactly)
    #[arg(long, allow_hyphen_values = true)]
    pub rate: String,
    /// Term in months
    #[arg(long, allow_negative_numbers = true)]
    pub term_months: i64,
    /// Disbursement date; installments fall due monthly from it
    #[arg(long)]
    pub start: String,
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// Loan prime rate the subsidy rule refers to, e.g. 3.65%
    #[arg(long, allow_hyphen_values = true)]
    pub lpr: Option<String>,
    /// Interest subsidy (贴息): none, lpr-minus:BP (borrower pays up to LPR − BP basis
    /// points, finance the rest), share:PCT (finance pays PCT% of the interest)
    #[arg(long, default_value = "none")]
    pub subsidy: String,
    /// Guarantor (guarantee fund) code
    #[arg(long)]
    pub guarantor: Option<String>,
    /// Jobs the loan creates (带动就业)
    #[arg(long, allow_negative_numbers = true)]
    pub jobs: Option<i64>,
    /// For a partnership: number of partners (its limit is 110% of theirs)
    #[arg(long, allow_negative_numbers = true)]
    pub partners: Option<i64>,
    /// Free-text note kept with the disbursement entry
    #[arg(long)]
    pub memo: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Args, Debug)]
pub struct LoanMoneyArgs {
    /// Loan code
    pub code: String,
    /// Amount: 8567.62, 1万, …
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub memo: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Args, Debug)]
pub struct LoanDateArgs {
    /// Loan code
    pub code: String,
    #[arg(long)]
    pub date: String,
    #[arg(long)]
    pub memo: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Args, Debug)]
pub struct AsOfArgs {
    /// Ignore entries dated after this date [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
}

#[derive(Args, Debug)]
pub struct ScheduleArgs {
    /// Loan code
    pub code: String,
    /// Show payments and arrears as of this date [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum LoanCmd {
    /// Register a startup guarantee loan (创业担保贷款) and record its disbursement
    #[command(
        after_help = "Policy limits (individual 30万元, small firm 400万元, partnership 110% of its partners'; terms 3 and 2 years) only warn.\n\nExample:\n  fundledger loan add CY-0001 --borrower 张三 --borrower-kind individual --principal 10万 --rate 5.15% --lpr 3.65% --subsidy lpr-minus:150 --term-months 24 --start 2021-03-10 --method equal-installment --guarantor KMDB --jobs 3"
    )]
    Add(Box<LoanAdd>),
    /// List loans with their status, outstanding principal and days past due
    #[command(after_help = "Example:\n  fundledger loan list --as-of 2021-12-31 --format csv")]
    List(AsOfArgs),
    /// Show a loan's repayment schedule, with what has been paid against it
    #[command(after_help = "Example:\n  fundledger --format json loan schedule CY-0001")]
    Schedule(ScheduleArgs),
    /// Record a repayment; allocated to overdue interest, overdue principal, current interest, current principal, then prepayment
    #[command(
        after_help = "Example:\n  fundledger loan repay CY-0001 --amount 4392.52 --date 2021-04-10"
    )]
    Repay(LoanMoneyArgs),
    /// Declare a loan in default
    #[command(
        after_help = "Example:\n  fundledger loan default CY-0001 --date 2022-01-15 --memo \"3 installments unpaid\""
    )]
    Default(LoanDateArgs),
    /// Record a guarantee payout (代偿): the guarantee fund repays the bank
    #[command(
        after_help = "Example:\n  fundledger loan compensate CY-0001 --amount 60000 --date 2022-02-01"
    )]
    Compensate(LoanMoneyArgs),
    /// Record money recovered from the borrower after a payout, back to the guarantee fund
    #[command(
        after_help = "Example:\n  fundledger loan recover CY-0001 --amount 15000 --date 2022-05-20"
    )]
    Recover(LoanMoneyArgs),
    /// Write a defaulted loan off; nothing can be recorded after it
    #[command(
        after_help = "Example:\n  fundledger loan write-off CY-0001 --date 2022-06-01 --memo \"borrower insolvent\""
    )]
    WriteOff(LoanDateArgs),
}

#[derive(Args, Debug)]
pub struct GrantAdd {
    /// Grant code, e.g. CC2021-01
    pub code: String,
    /// Who receives the grant
    #[arg(long)]
    pub recipient: String,
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    #[arg(long)]
    pub date: String,
    /// Programme the grant belongs to
    #[arg(long)]
    pub programme: Option<String>,
    #[arg(long)]
    pub memo: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Subcommand, Debug)]
pub enum GrantCmd {
    /// Record a grant (无偿资助) paid to a founder or project
    #[command(
        after_help = "Example:\n  fundledger grant add CC2021-01 --recipient 李四（昆明理工大学） --amount 5万 --date 2021-09-01 --programme 春城大学生创业行动"
    )]
    Add(GrantAdd),
    /// List grants, reversed ones marked
    #[command(after_help = "Example:\n  fundledger grant list --format csv")]
    List,
}

#[derive(Args, Debug)]
pub struct ReportLoansArgs {
    /// Ignore entries dated after this date [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    /// Also show the figures per borrower kind, disbursement year or guarantor
    #[arg(long, value_enum)]
    pub by: Option<ByArg>,
}

pub fn loan(ctx: &Ctx, cmd: LoanCmd) -> Result<()> {
    match cmd {
        LoanCmd::Add(a) => add(ctx, *a),
        LoanCmd::List(a) => list(ctx, a),
        LoanCmd::Schedule(a) => schedule(ctx, a),
        LoanCmd::Repay(a) => money_entry(ctx, EntryKind::LoanRepay, a),
        LoanCmd::Compensate(a) => money_entry(ctx, EntryKind::LoanCompensate, a),
        LoanCmd::Recover(a) => money_entry(ctx, EntryKind::LoanRecover, a),
        LoanCmd::Default(a) => date_entry(ctx, EntryKind::LoanDefault, a),
        LoanCmd::WriteOff(a) => date_entry(ctx, EntryKind::LoanWriteOff, a),
    }
}

fn add(ctx: &Ctx, a: LoanAdd) -> Result<()> {
    let input = LoanInput {
        borrower_kind: a.borrower_kind.into(),
        principal: amount(&a.principal)?,
        rate: Rate::parse("--rate", &a.rate)?,
        term_months: a.term_months,
        start: date(&a.start)?,
        method: a.method.into(),
        lpr: a
            .lpr
            .as_deref()
            .map(|l| Rate::parse("--lpr", l))
            .transpose()?,
        subsidy: SubsidyRule::parse(&a.subsidy)?,
        code: a.code,
        borrower: a.borrower,
        guarantor: a.guarantor,
        jobs: a.jobs,
        partners: a.partners,
        memo: a.memo,
    };
    let mut ledger = ctx.open()?;
    let added = ops::add_loan(&mut ledger, &a.who.actor(), input)?;
    for w in &added.warnings {
        eprintln!("warning: {w}");
    }
    let l = &added.loan;
    match ctx.out.format {
        Format::Json => print_json(&json!({
            "added": "loan",
            "code": l.code,
            "disbursement": added.disbursement,
            "warnings": added.warnings,
        }))?,
        Format::Csv => print_line(&format!(
            "code,disbursement\n{},{}",
            l.code, added.disbursement
        ))?,
        // `run` refuses the other formats for writes before anything is written.
        _ => print_line(&format!(
            "added loan {}: {} disbursed on {} (entry {})",
            l.code,
            ctx.out.money_str(l.terms.principal),
            l.terms.start,
            added.disbursement
        ))?,
    }
    Ok(())
}

fn recorded(ctx: &Ctx, r: &RecordedLoanEntry) -> Result<()> {
    let o = &ctx.out;
    let a = r.allocation;
    match o.format {
        Format::Json => print_json(&json!({
            "id": r.id,
            "kind": r.kind,
            "loan": r.loan,
            "date": r.date.to_string(),
            "amount": r.amount,
            "interest": a.map(|a| a.interest),
            "interest_subsidy": a.filter(|_| r.kind == EntryKind::LoanRepay).map(|a| a.subsidy),
            "principal": a.map(|a| a.principal),
            "outstanding": r.outstanding,
            "written_off": r.written_off,
        }))?,
        _ => {
            let ops_ = o.opts();
            let mut d = Document::new("recorded", "Loan", Some(r.date), ops_);
            let mut t = Section::new("recorded", "Loan", ops_.lang);
            t.columns = vec![
                ops_.col("id", "Id", Kind::Count, true),
                ops_.col("kind", "Kind", Kind::Text, true),
                ops_.col("loan", "Loan", Kind::Text, true),
                ops_.col("date", "Date", Kind::Date, true),
                ops_.col("amount", "Amount", Kind::Money, true),
                ops_.col("interest", "Interest", Kind::Money, true),
                ops_.col("subsidy", "Subsidy", Kind::Money, true),
                ops_.col("principal", "Principal", Kind::Money, true),
                ops_.col("outstanding", "Outstanding", Kind::Money, true),
            ];
            t.row(vec![
                m::count(r.id),
                m::text(r.kind.as_str()),
                m::text(&r.loan),
                m::date(r.date),
                m::opt_money(r.amount.or(r.written_off)),
                m::opt_money(a.map(|a| a.interest)),
                m::opt_money(
                    a.filter(|_| r.kind == EntryKind::LoanRepay)
                        .map(|a| a.subsidy),
                ),
                m::opt_money(a.map(|a| a.principal)),
                m::money(r.outstanding),
            ]);
            if o.format == Format::Table {
                let mut note = format!(
                    "recorded entry {}: {} of loan {} on {}",
                    r.id,
                    describe(r.kind),
                    r.loan,
                    r.date
                );
                if let (Some(a), EntryKind::LoanRepay) = (a, r.kind) {
                    note.push_str(&format!(
                        "; interest borne by the borrower {}, by public finance {}",
                        o.money_str(a.borrower_interest()),
                        o.money_str(a.subsidy)
                    ));
                }
                if let Some(w) = r.written_off {
                    note.push_str(&format!("; written off {}", o.money_str(w)));
                }
                t.note(note);
            }
            d.push(t);
            print_doc(ctx, &d)?;
        }
    }
    Ok(())
}

fn entry(ctx: &Ctx, who: &Who, req: LoanEntryRequest) -> Result<()> {
    let mut ledger = ctx.open()?;
    let r = ops::record_loan_entry(&mut ledger, &who.actor(), req)?;
    recorded(ctx, &r)
}

fn money_entry(ctx: &Ctx, kind: EntryKind, a: LoanMoneyArgs) -> Result<()> {
    let req = LoanEntryRequest {
        loan: a.code,
        kind,
        amount: Some(amount(&a.amount)?),
        date: date(&a.date)?,
        memo: a.memo,
    };
    entry(ctx, &a.who, req)
}

fn date_entry(ctx: &Ctx, kind: EntryKind, a: LoanDateArgs) -> Result<()> {
    let req = LoanEntryRequest {
        loan: a.code,
        kind,
        amount: None,
        date: date(&a.date)?,
        memo: a.memo,
    };
    entry(ctx, &a.who, req)
}

fn list(ctx: &Ctx, a: AsOfArgs) -> Result<()> {
    let as_of = as_of(a.as_of.as_deref())?;
    let mut ledger = ctx.open()?;
    match ctx.out.format {
        // One loan per line, written as it is read: a closed pipe ends it quietly.
        Format::Json => print_json_stream(&[("as_of", json!(as_of))], "loans", |emit| {
            loan_reports::loan_each(&mut ledger, as_of, emit)
        }),
        _ => {
            let (doc, section) = present::loans::list_frame(as_of, ctx.out.opts());
            print_streamed(
                ctx,
                &doc,
                &section,
                &mut LoanRows {
                    ledger: &mut ledger,
                    as_of,
                },
            )
        }
    }
}

/// The loan book as a row source: each pass is one streaming read of the loans.
struct LoanRows<'a> {
    ledger: &'a mut fundledger::store::Ledger,
    as_of: fundledger::date::Date,
}

impl RowSource for LoanRows<'_> {
    fn each(&mut self, f: &mut dyn FnMut(&[Cell]) -> std::io::Result<()>) -> Result<()> {
        loan_reports::loan_each(self.ledger, self.as_of, |l| {
            Ok(f(&present::loans::list_row(&l))?)
        })
    }
}

fn schedule(ctx: &Ctx, a: ScheduleArgs) -> Result<()> {
    let as_of = as_of(a.as_of.as_deref())?;
    let mut ledger = ctx.open()?;
    let s = loan_reports::loan_schedule(&mut ledger, &a.code, as_of)?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&s)?);
    }
    print_doc(ctx, &present::loans::schedule(&s, ctx.out.opts()))
}

pub fn grant(ctx: &Ctx, cmd: GrantCmd) -> Result<()> {
    let mut ledger = ctx.open()?;
    match cmd {
        GrantCmd::Add(a) => {
            let input = GrantInput {
                amount: amount(&a.amount)?,
                date: date(&a.date)?,
                code: a.code,
                recipient: a.recipient,
                programme: a.programme,
                memo: a.memo,
            };
            let (g, id) = ops::add_grant(&mut ledger, &a.who.actor(), input)?;
            match ctx.out.format {
                Format::Json => {
                    print_json(&json!({"added": "grant", "code": g.code, "entry": id}))?
                }
                Format::Csv => print_line(&format!("code,entry\n{},{id}", g.code))?,
                _ => print_line(&format!(
                    "added grant {} to {} (entry {id})",
                    g.code, g.recipient
                ))?,
            }
            Ok(())
        }
        GrantCmd::List => {
            let list = loan_reports::grants(&mut ledger)?;
            if ctx.out.format == Format::Json {
                return Ok(print_json(&json!({ "grants": list }))?);
            }
            print_doc(ctx, &present::loans::grants(&list, ctx.out.opts()))
        }
    }
}

pub fn report(ctx: &Ctx, a: ReportLoansArgs) -> Result<()> {
    let as_of = as_of(a.as_of.as_deref())?;
    let mut ledger = ctx.open()?;
    let rep = loan_reports::loans_report(&mut ledger, as_of, a.by.map(Into::into))?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&rep)?);
    }
    print_doc(ctx, &present::loans::book(&rep, ctx.out.opts()))
}
