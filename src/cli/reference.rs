//! `init`, `fund`, `investor`, `company`.

use clap::{Args, Subcommand};
use fundledger::domain::{FundKind, InvestorType};
use fundledger::error::Result;
use fundledger::ops::{self, CompanyInput, FundInput, InvestorInput};
use fundledger::reports;
use fundledger::store::Ledger;
use serde_json::json;

use fundledger::present;
use fundledger::present::model::{Cell, RowSource};

use super::render::{print_doc, print_json, print_json_stream, print_streamed, Format};
use super::{date, Ctx, Who};

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum FundKindArg {
    Guidance,
    SubFund,
    Vehicle,
}

impl From<FundKindArg> for FundKind {
    fn from(k: FundKindArg) -> FundKind {
        match k {
            FundKindArg::Guidance => FundKind::Guidance,
            FundKindArg::SubFund => FundKind::SubFund,
            FundKindArg::Vehicle => FundKind::Vehicle,
        }
    }
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum InvestorTypeArg {
    Government,
    StateOwned,
    Social,
}

impl From<InvestorTypeArg> for InvestorType {
    fn from(k: InvestorTypeArg) -> InvestorType {
        match k {
            InvestorTypeArg::Government => InvestorType::Government,
            InvestorTypeArg::StateOwned => InvestorType::StateOwned,
            InvestorTypeArg::Social => InvestorType::Social,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum FundCmd {
    /// Register a fund
    #[command(
        after_help = "Examples:\n  fundledger fund add SC --name 昆明市双创产业发展股权投资基金 --kind guidance --inception 2019-06-01 --region 昆明市\n  fundledger fund add SC-1 --name 双创一号子基金 --kind sub-fund --parent SC"
    )]
    Add(FundAdd),
    /// List funds
    #[command(after_help = "Example:\n  fundledger fund list --format csv")]
    List,
    /// Policy terms (government-share cap, 返投 minimum and base) from a date; without --from, list them
    #[command(after_help = super::policy::AFTER_HELP)]
    Policy(super::policy::PolicyArgs),
    /// Performance scorecard (绩效评价) of a fund for a year, from a template
    #[command(after_help = super::eval::SCORECARD_HELP)]
    Scorecard(super::eval::ScorecardArgs),
    /// Record a manual indicator score (with a note) for a scorecard year
    #[command(after_help = super::eval::SCORECARD_HELP)]
    Score(super::eval::ScoreArgs),
    /// Cancel a manual score (with a reason)
    #[command(
        after_help = "Example:\n  fundledger fund score-reverse 3 --reason \"scored against the wrong year\""
    )]
    ScoreReverse(super::eval::ReverseArgs),
    /// List a fund's manual scores
    #[command(after_help = "Example:\n  fundledger fund scores SC --year 2021")]
    Scores(super::eval::ScoresArgs),
}

#[derive(Args, Debug)]
pub struct FundAdd {
    /// Short code used in every other command, e.g. SC-1
    pub code: String,
    #[arg(long)]
    pub name: String,
    #[arg(long, value_enum)]
    pub kind: FundKindArg,
    /// The guidance fund a sub-fund belongs to
    #[arg(long)]
    pub parent: Option<String>,
    #[arg(long)]
    pub manager: Option<String>,
    /// Date the fund was set up; entries dated earlier are refused
    #[arg(long)]
    pub inception: Option<String>,
    /// Home region (for 返投)
    #[arg(long)]
    pub region: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Subcommand, Debug)]
pub enum InvestorCmd {
    /// Register an investor (LP). A guidance fund needs no registration to be an LP.
    #[command(
        after_help = "Example:\n  fundledger investor add KMCZ --name 昆明市财政局 --type government"
    )]
    Add(InvestorAdd),
    /// List investors
    #[command(after_help = "Example:\n  fundledger investor list")]
    List,
}

#[derive(Args, Debug)]
pub struct InvestorAdd {
    pub code: String,
    #[arg(long)]
    pub name: String,
    #[arg(long = "type", value_enum)]
    pub investor_type: InvestorTypeArg,
    #[command(flatten)]
    pub who: Who,
}

#[derive(Subcommand, Debug)]
pub enum CompanyCmd {
    /// Register a company (project)
    #[command(
        after_help = "Example:\n  fundledger company add C01 --name 云南某疫苗有限公司 --sector 疫苗生产 --region 昆明市 --uscc 914403001922038216"
    )]
    Add(CompanyAdd),
    /// List companies
    #[command(after_help = "Example:\n  fundledger company list")]
    List,
    /// Record a dated fact: jobs, tax, revenue, follow-on financing, relocation, stage
    #[command(after_help = super::eval::FACT_HELP)]
    Fact(super::eval::FactArgs),
    /// List company facts (with the ids to reverse them)
    #[command(
        after_help = "Examples:\n  fundledger company facts\n  fundledger company facts C01 --format csv"
    )]
    Facts(super::eval::FactsArgs),
    /// Cancel a company fact (with a reason)
    #[command(
        after_help = "Example:\n  fundledger company fact-reverse 12 --reason \"round never closed\""
    )]
    FactReverse(super::eval::ReverseArgs),
}

#[derive(Args, Debug)]
pub struct CompanyAdd {
    pub code: String,
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub sector: Option<String>,
    #[arg(long)]
    pub region: Option<String>,
    /// Unified social credit code (统一社会信用代码), checked per GB 32100-2015
    #[arg(long)]
    pub uscc: Option<String>,
    /// Stage when invested: seed, early, growth, mature (种子期, 初创期, 成长期, 成熟期);
    /// later changes are dated facts (`company fact CODE --stage S --date D`)
    #[arg(long)]
    pub stage: Option<String>,
    #[command(flatten)]
    pub who: Who,
}

pub fn init(ctx: &Ctx) -> Result<()> {
    Ledger::create(&ctx.db)?;
    match ctx.out.format {
        Format::Json => print_json(&json!({"created": ctx.db.display().to_string()}))?,
        _ => println!("created ledger {}", ctx.db.display()),
    }
    Ok(())
}

fn added(ctx: &Ctx, what: &str, code: &str) -> Result<()> {
    match ctx.out.format {
        Format::Json => print_json(&json!({"added": what, "code": code}))?,
        _ => println!("added {what} {code}"),
    }
    Ok(())
}

pub fn fund(ctx: &Ctx, cmd: FundCmd) -> Result<()> {
    let mut ledger = ctx.open()?;
    match cmd {
        FundCmd::Add(a) => {
            let input = FundInput {
                code: a.code,
                name: a.name,
                kind: a.kind.into(),
                parent: a.parent,
                manager: a.manager,
                inception: a.inception.as_deref().map(date).transpose()?,
                region: a.region,
            };
            let f = ops::add_fund(&mut ledger, &a.who.actor(), input)?;
            added(ctx, "fund", &f.code)
        }
        FundCmd::Policy(a) => super::policy::policy(ctx, &mut ledger, a),
        FundCmd::Scorecard(a) => super::eval::scorecard(ctx, a),
        FundCmd::Score(a) => super::eval::score(ctx, a),
        FundCmd::ScoreReverse(a) => super::eval::score_reverse(ctx, a),
        FundCmd::Scores(a) => super::eval::scores(ctx, a),
        FundCmd::List => {
            let funds = reports::funds(&mut ledger)?;
            if ctx.out.format == Format::Json {
                print_json(&json!({ "funds": funds }))?;
                return Ok(());
            }
            print_doc(ctx, &present::listing::funds(funds, ctx.out.opts()))
        }
    }
}

pub fn investor(ctx: &Ctx, cmd: InvestorCmd) -> Result<()> {
    let mut ledger = ctx.open()?;
    match cmd {
        InvestorCmd::Add(a) => {
            let input = InvestorInput {
                code: a.code,
                name: a.name,
                investor_type: a.investor_type.into(),
            };
            let i = ops::add_investor(&mut ledger, &a.who.actor(), input)?;
            added(ctx, "investor", &i.code)
        }
        InvestorCmd::List => {
            let list = reports::investors(&mut ledger)?;
            if ctx.out.format == Format::Json {
                print_json(&json!({ "investors": list }))?;
                return Ok(());
            }
            print_doc(ctx, &present::listing::investors(list, ctx.out.opts()))
        }
    }
}

pub fn company(ctx: &Ctx, cmd: CompanyCmd) -> Result<()> {
    let mut ledger = ctx.open()?;
    match cmd {
        CompanyCmd::Add(a) => {
            let input = CompanyInput {
                code: a.code,
                name: a.name,
                sector: a.sector,
                region: a.region,
                uscc: a.uscc,
                stage: a.stage,
            };
            let c = ops::add_company(&mut ledger, &a.who.actor(), input)?;
            added(ctx, "company", &c.code)
        }
        CompanyCmd::Fact(a) => super::eval::fact(ctx, a),
        CompanyCmd::Facts(a) => super::eval::facts_list(ctx, a),
        CompanyCmd::FactReverse(a) => super::eval::fact_reverse(ctx, a),
        CompanyCmd::List => match ctx.out.format {
            Format::Json => print_json_stream(&[], "companies", |emit| {
                reports::listing::company_each(&mut ledger, emit)
            }),
            _ => {
                let (doc, section) = present::listing::companies_frame(ctx.out.opts());
                print_streamed(ctx, &doc, &section, &mut CompanyRows(&mut ledger))
            }
        },
    }
}

/// The companies as a row source: each pass is one streaming read.
struct CompanyRows<'a>(&'a mut fundledger::store::Ledger);

impl RowSource for CompanyRows<'_> {
    fn each(&mut self, f: &mut dyn FnMut(&[Cell]) -> std::io::Result<()>) -> Result<()> {
        reports::listing::company_each(self.0, |c| Ok(f(&present::listing::company_row(c))?))
    }
}
