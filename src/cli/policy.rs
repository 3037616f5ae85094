//! `fund policy`.

use clap::Args;
use fundledger::error::Result;
use fundledger::ops::{self, PolicyInput};
use fundledger::policy::{self, PolicyRecord, ReinvestBase};
use fundledger::present::listing::{cap_text, min_text};
use fundledger::reports::policy::policy_history;
use fundledger::store::Ledger;
use serde_json::json;

use fundledger::present;

use super::render::{print_doc, print_json, Format};
use super::{as_of, date, Ctx, Who};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ReinvestBaseArg {
    Committed,
    PaidIn,
}

impl From<ReinvestBaseArg> for ReinvestBase {
    fn from(b: ReinvestBaseArg) -> ReinvestBase {
        match b {
            ReinvestBaseArg::Committed => ReinvestBase::Committed,
            ReinvestBaseArg::PaidIn => ReinvestBase::PaidIn,
        }
    }
}

#[derive(Args, Debug)]
pub struct PolicyArgs {
    /// Guidance fund or sub-fund code
    pub fund: String,
    /// Date the terms apply from; without it, the fund's policy history is listed
    #[arg(long)]
    pub from: Option<String>,
    /// Cap on the government's share of a sub-fund's committed capital, e.g. 30%
    /// (set on a guidance fund it applies to all its sub-funds)
    #[arg(long, requires = "from")]
    pub gov_share_max: Option<String>,
    /// 返投 minimum, as a multiple of the guidance fund's contribution, e.g. 1.5 (0 = none)
    #[arg(long, requires = "from")]
    pub reinvest_min: Option<String>,
    /// What the guidance fund's contribution is measured on for 返投 [default: committed]
    #[arg(long, value_enum, requires = "from")]
    pub reinvest_base: Option<ReinvestBaseArg>,
    /// Cash idle longer than this many months is flagged in `report pacing` [default: 6]
    #[arg(long, requires = "from")]
    pub idle_warn_months: Option<String>,
    /// Cash idle longer than this many months is an alert in `report pacing` [default: 12]
    #[arg(long, requires = "from")]
    pub idle_alert_months: Option<String>,
    /// Where the terms come from (agreement, rule number), kept with the record
    #[arg(long, requires = "from")]
    pub memo: Option<String>,
    /// When listing: show the terms in force on this date [default: today]
    #[arg(long, conflicts_with = "from")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

pub const AFTER_HELP: &str = "\
Terms not given keep their earlier value; a sub-fund's own term beats its guidance fund's.
A record is never edited: to correct one, record the right terms for the same date (the later record wins).

Examples:
  fundledger fund policy SC --from 2020-01-01 --gov-share-max 40% --reinvest-min 1.5 --reinvest-base committed
  fundledger fund policy SC --from 2025-01-01 --reinvest-min 1 --memo \"2025 rule lowers 返投\"
  fundledger fund policy SC --as-of 2024-12-31";

pub fn policy(ctx: &Ctx, ledger: &mut Ledger, a: PolicyArgs) -> Result<()> {
    let Some(from) = a.from else {
        return list(ctx, ledger, &a.fund, a.as_of.as_deref());
    };
    let input = PolicyInput {
        fund: a.fund,
        from: date(&from)?,
        gov_share_max: a
            .gov_share_max
            .as_deref()
            .map(policy::parse_percent)
            .transpose()?,
        reinvest_min: a
            .reinvest_min
            .as_deref()
            .map(policy::parse_reinvest_min)
            .transpose()?,
        reinvest_base: a.reinvest_base.map(Into::into),
        memo: a.memo,
        idle_warn_months: a
            .idle_warn_months
            .as_deref()
            .map(|m| policy::parse_months("--idle-warn-months", m))
            .transpose()?,
        idle_alert_months: a
            .idle_alert_months
            .as_deref()
            .map(|m| policy::parse_months("--idle-alert-months", m))
            .transpose()?,
    };
    let r = ops::set_policy(ledger, &a.who.actor(), input)?;
    match ctx.out.format {
        Format::Json => print_json(&r)?,
        Format::Csv => println!("id\n{}", r.id),
        // `run` refuses the other formats for writes before anything is written.
        _ => println!(
            "recorded policy #{} for {} from {}: {}",
            r.id,
            r.fund,
            r.from,
            describe(&r)
        ),
    }
    Ok(())
}

fn describe(r: &PolicyRecord) -> String {
    let mut parts = Vec::new();
    if let Some(v) = r.gov_share_max {
        parts.push(format!(
            "government share of a sub-fund at most {}",
            cap_text(v)
        ));
    }
    if let Some(v) = r.reinvest_min {
        parts.push(format!("返投 at least {}", min_text(v)));
    }
    if let Some(v) = r.reinvest_base {
        parts.push(format!("返投 on the {v} contribution"));
    }
    if let Some(m) = r.idle_warn_months {
        parts.push(format!("cash idle over {m} months flagged"));
    }
    if let Some(m) = r.idle_alert_months {
        parts.push(format!("cash idle over {m} months an alert"));
    }
    parts.join("; ")
}

fn list(ctx: &Ctx, ledger: &mut Ledger, code: &str, as_of_arg: Option<&str>) -> Result<()> {
    let h = policy_history(ledger, code, as_of(as_of_arg)?)?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&json!(h))?);
    }
    let doc = present::listing::policy(&h, ctx.out.opts(), super::leverage::layout(ctx.out.format));
    print_doc(ctx, &doc)
}
