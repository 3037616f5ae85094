//! `lp`, `deal`, `reverse`, `log`.

use clap::{Args, Subcommand};
use fundledger::domain::EntryKind;
use fundledger::error::Result;
use fundledger::ops::{self, EntryRequest};
use fundledger::policy;
use fundledger::reports;
use serde_json::json;

use fundledger::present;
use fundledger::present::model::{Cell, RowSource};

use super::render::{print_json, print_json_stream, print_streamed, Format};
use super::{amount, date, Ctx, Who};

/// Options every entry takes.
#[derive(Args, Debug)]
pub struct EntryOpts {
    /// Effective date of the entry
    #[arg(long)]
    pub date: String,
    /// Free-text note kept with the entry
    #[arg(long)]
    pub memo: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Args, Debug)]
pub struct LpArgs {
    /// Fund code
    pub fund: String,
    /// Investor code (a guidance fund's code makes it the LP)
    #[arg(long)]
    pub investor: String,
    /// Amount: 80950000, 80,950,000.00, 8095万, 0.8095亿, ¥80,950,000 …
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    #[command(flatten)]
    pub opts: EntryOpts,
}

#[derive(Subcommand, Debug)]
pub enum LpCmd {
    /// Record an LP commitment (认缴) to a fund
    #[command(
        after_help = "Example:\n  fundledger lp commit SC-1 --investor SC --amount 4000万 --date 2020-03-01"
    )]
    Commit(LpArgs),
    /// Record LP paid-in capital (实缴); may not exceed the LP's commitment
    #[command(
        after_help = "Example:\n  fundledger lp pay SC-1 --investor SC --amount 3440万 --date 2020-04-01"
    )]
    Pay(LpArgs),
    /// Record a distribution (分配) from a fund to one of its LPs; a fund's distributions may not exceed the proceeds it has received
    #[command(
        after_help = "Example:\n  fundledger lp distribute NT --investor GXCZ --amount 300万 --date 2022-03-31 --kind gain"
    )]
    Distribute {
        #[command(flatten)]
        lp: LpArgs,
        /// What the distribution pays: return of the LP's capital, or gain
        #[arg(long, value_enum)]
        kind: Option<DistributionKindArg>,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DistributionKindArg {
    ReturnOfCapital,
    Gain,
}

#[derive(Args, Debug)]
pub struct DealArgs {
    /// Fund code
    pub fund: String,
    /// Company code
    pub company: String,
    /// Amount: 80950000, 80,950,000.00, 8095万, 0.8095亿, ¥80,950,000 …
    #[arg(long, allow_hyphen_values = true)]
    pub amount: String,
    #[command(flatten)]
    pub opts: EntryOpts,
}

/// `deal commit` alone takes a 返投 recognition weight.
#[derive(Args, Debug)]
pub struct DealCommitArgs {
    #[command(flatten)]
    pub deal: DealArgs,
    /// 返投 recognition weight of this commitment, e.g. 2 (relocated fully), 1.8 (local
    /// subsidiary), 1.5; it also applies to later payments and to later commitments that
    /// state none [default: 1 for a company in the guidance fund's home region, else 0]
    #[arg(long)]
    pub reinvest_weight: Option<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ProceedsKindArg {
    Dividend,
    PartialExit,
    Exit,
}

#[derive(Subcommand, Debug)]
pub enum DealCmd {
    /// Record a deal commitment (协议投资金额) from a fund to a company
    #[command(
        after_help = "Examples:\n  fundledger deal commit SC-1 C01 --amount 1500万 --date 2020-05-10\n  fundledger deal commit SC-1 C07 --amount 800万 --date 2021-04-01 --reinvest-weight 2"
    )]
    Commit(DealCommitArgs),
    /// Record a paid-in tranche (实际出资); may not exceed the deal commitment
    #[command(
        after_help = "Example:\n  fundledger deal pay SC-1 C01 --amount 1200万 --date 2020-06-01"
    )]
    Pay(DealArgs),
    /// Record a valuation mark (股权价值) of a holding
    #[command(
        after_help = "Example:\n  fundledger deal value NT N01 --amount 2100万 --date 2021-12-31 --method appraisal"
    )]
    Value {
        #[command(flatten)]
        deal: DealArgs,
        /// How the value was arrived at: cost, last-round, appraisal, …
        #[arg(long, default_value = "appraisal")]
        method: String,
    },
    /// Record proceeds from a holding; `--kind exit` closes it
    #[command(
        after_help = "Example:\n  fundledger deal proceeds SC C05 --amount 300万 --date 2022-03-01 --kind dividend"
    )]
    Proceeds {
        #[command(flatten)]
        deal: DealArgs,
        #[arg(long, value_enum)]
        kind: ProceedsKindArg,
    },
    /// Write a holding off; it then counts at 0 and takes no further entries
    #[command(
        after_help = "Example:\n  fundledger deal write-off SC-1 C04 --date 2022-06-30 --memo \"liquidated\""
    )]
    WriteOff {
        fund: String,
        company: String,
        #[command(flatten)]
        opts: EntryOpts,
    },
}

#[derive(Args, Debug)]
pub struct ReverseArgs {
    /// Id of the entry to reverse (see `log`)
    pub entry_id: i64,
    /// Why the entry is wrong; kept with the reversal
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Args, Debug)]
pub struct LogArgs {
    /// Only entries of this fund
    #[arg(long)]
    pub fund: Option<String>,
}

fn request(
    kind: EntryKind,
    fund: String,
    counterparty: String,
    amt: Option<&str>,
    opts: &EntryOpts,
) -> Result<EntryRequest> {
    Ok(EntryRequest {
        kind,
        fund,
        counterparty,
        amount: amt.map(amount).transpose()?,
        date: date(&opts.date)?,
        detail: None,
        memo: opts.memo.clone(),
        reinvest_weight: None,
    })
}

fn recorded(ctx: &Ctx, id: i64, req: &EntryRequest) -> Result<()> {
    match ctx.out.format {
        Format::Json => print_json(&json!({
            "id": id,
            "kind": req.kind,
            "fund": req.fund,
            "counterparty": req.counterparty,
            "amount": req.amount,
            "date": req.date.to_string(),
            "reinvest_weight": req.reinvest_weight,
        }))?,
        Format::Csv => println!("id\n{id}"),
        // `run` refuses the other formats for writes before anything is written.
        _ => {
            let amt = req
                .amount
                .map(|m| format!(" {}", ctx.out.money_str(m)))
                .unwrap_or_default();
            let weight = req
                .reinvest_weight
                .map(|w| format!(" (返投 weight {w})"))
                .unwrap_or_default();
            println!(
                "recorded entry {id}: {} {} {}{amt} on {}{weight}",
                req.kind, req.fund, req.counterparty, req.date
            );
        }
    }
    Ok(())
}

fn record(ctx: &Ctx, who: &Who, req: EntryRequest) -> Result<()> {
    let mut ledger = ctx.open()?;
    let id = ops::record(&mut ledger, &who.actor(), req.clone())?;
    recorded(ctx, id, &req)
}

pub fn lp(ctx: &Ctx, cmd: LpCmd) -> Result<()> {
    let (kind, a, detail) = match cmd {
        LpCmd::Commit(a) => (EntryKind::LpCommit, a, None),
        LpCmd::Pay(a) => (EntryKind::LpPay, a, None),
        LpCmd::Distribute { lp, kind } => {
            let k = kind.map(|k| match k {
                DistributionKindArg::ReturnOfCapital => "return-of-capital",
                DistributionKindArg::Gain => "gain",
            });
            (EntryKind::LpDistribute, lp, k.map(String::from))
        }
    };
    let mut req = request(kind, a.fund, a.investor, Some(&a.amount), &a.opts)?;
    req.detail = detail;
    record(ctx, &a.opts.who, req)
}

pub fn deal(ctx: &Ctx, cmd: DealCmd) -> Result<()> {
    let mut weight = None;
    let (kind, d, detail) = match cmd {
        DealCmd::Commit(c) => {
            weight = c
                .reinvest_weight
                .as_deref()
                .map(policy::parse_weight)
                .transpose()?;
            (EntryKind::DealCommit, c.deal, None)
        }
        DealCmd::Pay(d) => (EntryKind::DealPay, d, None),
        DealCmd::Value { deal, method } => (EntryKind::DealValue, deal, Some(method)),
        DealCmd::Proceeds { deal, kind } => {
            let k = match kind {
                ProceedsKindArg::Dividend => "dividend",
                ProceedsKindArg::PartialExit => "partial-exit",
                ProceedsKindArg::Exit => "exit",
            };
            (EntryKind::DealProceeds, deal, Some(k.to_string()))
        }
        DealCmd::WriteOff {
            fund,
            company,
            opts,
        } => {
            let req = request(EntryKind::DealWriteOff, fund, company, None, &opts)?;
            return record(ctx, &opts.who, req);
        }
    };
    let mut req = request(kind, d.fund, d.company, Some(&d.amount), &d.opts)?;
    req.detail = detail;
    req.reinvest_weight = weight;
    record(ctx, &d.opts.who, req)
}

pub fn reverse(ctx: &Ctx, a: ReverseArgs) -> Result<()> {
    let mut ledger = ctx.open()?;
    let id = ops::reverse(&mut ledger, &a.who.actor(), a.entry_id, &a.reason)?;
    match ctx.out.format {
        Format::Json => print_json(&json!({"id": id, "kind": "reversal", "reverses": a.entry_id}))?,
        Format::Csv => println!("id\n{id}"),
        _ => println!("recorded entry {id}: reversal of entry {}", a.entry_id),
    }
    Ok(())
}

pub fn log(ctx: &Ctx, a: LogArgs) -> Result<()> {
    let mut ledger = ctx.open()?;
    let fund = a.fund.as_deref();
    let o = ctx.out.opts();
    match ctx.out.format {
        // One entry per line, written as it is read: a closed pipe ends it quietly.
        Format::Json => print_json_stream(&[], "entries", |emit| {
            reports::listing::log_each(&mut ledger, fund, emit)
        }),
        _ => {
            let (doc, section) = present::listing::log_frame(fund, o);
            print_streamed(
                ctx,
                &doc,
                &section,
                &mut LogRows {
                    ledger: &mut ledger,
                    fund,
                },
            )
        }
    }
}

/// The journal as a row source: each pass is one streaming read of the entries.
struct LogRows<'a> {
    ledger: &'a mut fundledger::store::Ledger,
    fund: Option<&'a str>,
}

impl RowSource for LogRows<'_> {
    fn each(&mut self, f: &mut dyn FnMut(&[Cell]) -> std::io::Result<()>) -> Result<()> {
        reports::listing::log_each(self.ledger, self.fund, |l| {
            Ok(f(&present::listing::log_row(l))?)
        })
    }
}
