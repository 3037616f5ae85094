//! Performance evaluation commands (issue 15): company facts, manual scores, the
//! scorecard, and `report pacing|breakdown|outcomes`. See docs/evaluation.md.

use clap::{ArgGroup, Args};
use fundledger::error::{Error, Result};
use fundledger::eval::{parse_score, BreakdownBy, FactKind, Template};
use fundledger::ops::facts::{self, FactInput};
use fundledger::present;
use fundledger::reports::eval as rep;
use serde_json::json;

use super::render::{print_doc, print_json, Format};
use super::{amount, as_of, date, Ctx, Who};

pub const FACT_HELP: &str = "\
One fact per command, dated; facts are never edited: reverse one (company fact-reverse ID --reason …) and record it again.

Examples:
  fundledger company fact C01 --date 2024-12-31 --jobs 35
  fundledger company fact C01 --date 2024-12-31 --tax 120万
  fundledger company fact C01 --date 2024-06-30 --financing 3000万 --round B --lead
  fundledger company fact C01 --date 2024-03-01 --relocated --memo \"moved HQ to 昆明\"
  fundledger company fact C01 --date 2025-01-01 --stage growth";

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("what").required(true).args(["jobs", "tax", "revenue", "financing", "relocated", "stage"])))]
pub struct FactArgs {
    /// Company code
    pub company: String,
    /// Date the fact is about (headcount on, tax paid by, round closed on…)
    #[arg(long)]
    pub date: String,
    /// Headcount (jobs) on the date
    #[arg(long)]
    pub jobs: Option<i64>,
    /// Tax paid
    #[arg(long)]
    pub tax: Option<String>,
    /// Revenue
    #[arg(long)]
    pub revenue: Option<String>,
    /// Follow-on financing raised in a round (needs --round)
    #[arg(long, requires = "round")]
    pub financing: Option<String>,
    /// The round of a financing (A, B+, Pre-IPO…)
    #[arg(long, requires = "financing")]
    pub round: Option<String>,
    /// The fund led the round
    #[arg(long, requires = "financing")]
    pub lead: bool,
    /// The company relocated to the city on the date (for 返投)
    #[arg(long)]
    pub relocated: bool,
    /// The company's stage from the date: seed, early, growth, mature (种子期…)
    #[arg(long)]
    pub stage: Option<String>,
    #[arg(long)]
    pub memo: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Args, Debug)]
pub struct FactsArgs {
    /// Only this company
    pub company: Option<String>,
}

#[derive(Args, Debug)]
pub struct ReverseArgs {
    /// Id of the record to cancel
    pub id: i64,
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// Fund code
    pub fund: String,
    #[arg(long)]
    pub year: i32,
    /// The template's indicator key
    #[arg(long)]
    pub indicator: String,
    /// Points, at most two decimals (e.g. 8.5)
    #[arg(long)]
    pub score: String,
    /// What the score rests on (documents reviewed, meeting minutes…)
    #[arg(long)]
    pub note: String,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Args, Debug)]
pub struct ScoresArgs {
    pub fund: String,
    #[arg(long)]
    pub year: Option<i32>,
}

#[derive(Args, Debug)]
pub struct ScorecardArgs {
    /// Fund code
    pub fund: String,
    /// Scorecard template (TOML; examples in docs/templates/)
    #[arg(long)]
    pub template: std::path::PathBuf,
    /// Evaluation year: figures as of 31 December, flows within the year
    #[arg(long)]
    pub year: i32,
}

pub const SCORECARD_HELP: &str = "\
Computed indicators read the ledger as of 31 December of --year; manual ones read the scores recorded with `fund score`.

Examples:
  fundledger fund scorecard SC --template docs/templates/quanzhou-2025.toml --year 2025
  fundledger fund score SC --year 2025 --indicator team --score 8.5 --note \"2025 review minutes\"
  fundledger fund score-reverse 3 --reason \"scored against the wrong year\"";

#[derive(Args, Debug)]
pub struct PacingArgs {
    /// Ignore entries dated after this date [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    /// Only this fund and its sub-funds
    #[arg(long)]
    pub fund: Option<String>,
}

#[derive(Args, Debug)]
pub struct BreakdownArgs {
    /// sector, stage, region or local (the fund's home region or not)
    #[arg(long, default_value = "sector")]
    pub by: String,
    #[arg(long)]
    pub as_of: Option<String>,
    #[arg(long)]
    pub fund: Option<String>,
    /// The fund's own holdings plus its paid-in share of its sub-funds' holdings (穿透)
    #[arg(long)]
    pub look_through: bool,
}

#[derive(Args, Debug)]
pub struct OutcomesArgs {
    #[arg(long)]
    pub as_of: Option<String>,
    /// Start of the period for tax, revenue and financing [default: 1 January of the as-of year]
    #[arg(long)]
    pub from: Option<String>,
    #[arg(long)]
    pub fund: Option<String>,
}

fn money_opt(s: &Option<String>) -> Result<Option<fundledger::money::Money>> {
    s.as_deref().map(amount).transpose()
}

pub fn fact(ctx: &Ctx, a: FactArgs) -> Result<()> {
    let kind = if a.jobs.is_some() {
        FactKind::Jobs
    } else if a.tax.is_some() {
        FactKind::Tax
    } else if a.revenue.is_some() {
        FactKind::Revenue
    } else if a.financing.is_some() {
        FactKind::Financing
    } else if a.relocated {
        FactKind::Relocation
    } else {
        FactKind::Stage
    };
    let input = FactInput {
        company: a.company,
        kind,
        date: date(&a.date)?,
        jobs: a.jobs,
        amount: money_opt(&a.tax)?
            .or(money_opt(&a.revenue)?)
            .or(money_opt(&a.financing)?),
        round: a.round,
        lead: a.financing.is_some().then_some(a.lead),
        stage: a.stage,
        memo: a.memo,
    };
    let mut ledger = ctx.open()?;
    let id = facts::add_fact(&mut ledger, &a.who.actor(), input)?;
    written(ctx, "company fact", id)
}

fn written(ctx: &Ctx, what: &str, id: i64) -> Result<()> {
    match ctx.out.format {
        Format::Json => print_json(&json!({ "id": id }))?,
        Format::Csv => println!("id\n{id}"),
        _ => println!("recorded {what} #{id}"),
    }
    Ok(())
}

pub fn facts_list(ctx: &Ctx, a: FactsArgs) -> Result<()> {
    let mut ledger = ctx.open()?;
    let list: Vec<_> = ledger
        .read(|tx| tx.facts())?
        .into_iter()
        .filter(|f| {
            a.company
                .as_deref()
                .is_none_or(|c| f.company.eq_ignore_ascii_case(c))
        })
        .collect();
    if ctx.out.format == Format::Json {
        return Ok(print_json(&json!({ "facts": list }))?);
    }
    print_doc(ctx, &present::eval::facts(&list, ctx.out.opts()))
}

pub fn fact_reverse(ctx: &Ctx, a: ReverseArgs) -> Result<()> {
    let mut ledger = ctx.open()?;
    let id = facts::reverse_fact(&mut ledger, &a.who.actor(), a.id, &a.reason)?;
    written(ctx, "reversal of company fact", id)
}

pub fn score(ctx: &Ctx, a: ScoreArgs) -> Result<()> {
    let s = parse_score(&a.score)?;
    let mut ledger = ctx.open()?;
    let id = facts::add_score(
        &mut ledger,
        &a.who.actor(),
        &a.fund,
        a.year,
        &a.indicator,
        s,
        &a.note,
    )?;
    written(ctx, "indicator score", id)
}

pub fn score_reverse(ctx: &Ctx, a: ReverseArgs) -> Result<()> {
    let mut ledger = ctx.open()?;
    let id = facts::reverse_score(&mut ledger, &a.who.actor(), a.id, &a.reason)?;
    written(ctx, "reversal of indicator score", id)
}

pub fn scores(ctx: &Ctx, a: ScoresArgs) -> Result<()> {
    let mut ledger = ctx.open()?;
    let f = ledger
        .read(|tx| tx.fund_by_code(&a.fund))?
        .ok_or_else(|| Error::refused("unknown-code", format!("unknown fund '{}'", a.fund)))?;
    let list: Vec<_> = ledger
        .read(|tx| tx.scores(f.id))?
        .into_iter()
        .filter(|s| a.year.is_none_or(|y| s.year == y))
        .collect();
    if ctx.out.format == Format::Json {
        return Ok(print_json(&json!({ "scores": list }))?);
    }
    print_doc(ctx, &present::eval::scores(&list, ctx.out.opts()))
}

pub fn scorecard(ctx: &Ctx, a: ScorecardArgs) -> Result<()> {
    let name = a.template.display().to_string();
    let text = std::fs::read_to_string(&a.template).map_err(|e| {
        Error::refused(
            "bad-template",
            format!("template {name} cannot be read: {e}"),
        )
    })?;
    let t = Template::parse(&name, &text)?;
    let mut ledger = ctx.open()?;
    let file_name = a
        .template
        .file_name()
        .map_or(name.clone(), |f| f.to_string_lossy().into_owned());
    let c = rep::scorecard(&mut ledger, &a.fund, a.year, &file_name, &t)?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&c)?);
    }
    print_doc(ctx, &present::eval::scorecard(&c, ctx.out.opts()))
}

pub fn pacing(ctx: &Ctx, a: PacingArgs) -> Result<()> {
    let as_of = as_of(a.as_of.as_deref())?;
    let mut ledger = ctx.open()?;
    let p = rep::pacing(&mut ledger, as_of, a.fund.as_deref())?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&p)?);
    }
    print_doc(
        ctx,
        &present::eval::pacing(&p, a.fund.as_deref(), ctx.out.opts()),
    )
}

pub fn breakdown(ctx: &Ctx, a: BreakdownArgs) -> Result<()> {
    let by: BreakdownBy = a.by.parse().map_err(|_| {
        Error::refused(
            "bad-breakdown",
            format!("--by '{}' is not one of sector, stage, region, local", a.by),
        )
    })?;
    let as_of = as_of(a.as_of.as_deref())?;
    let mut ledger = ctx.open()?;
    let b = rep::breakdown(&mut ledger, as_of, by, a.fund.as_deref(), a.look_through)?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&b)?);
    }
    print_doc(ctx, &present::eval::breakdown(&b, ctx.out.opts()))
}

pub fn outcomes(ctx: &Ctx, a: OutcomesArgs) -> Result<()> {
    let as_of = as_of(a.as_of.as_deref())?;
    let from = a.from.as_deref().map(date).transpose()?;
    let mut ledger = ctx.open()?;
    let o = rep::outcomes(&mut ledger, as_of, from, a.fund.as_deref())?;
    if ctx.out.format == Format::Json {
        return Ok(print_json(&o)?);
    }
    print_doc(
        ctx,
        &present::eval::outcomes(&o, a.fund.as_deref(), ctx.out.opts()),
    )
}
