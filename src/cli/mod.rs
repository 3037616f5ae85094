//! Command-line interface: parsing and rendering only.
//!
//! Architecture Invariant: nothing here does money arithmetic or speaks SQL. Each
//! subcommand parses its arguments into typed input, calls one `ops` or `reports`
//! function of the library, and renders what comes back.

mod audit;
mod entries;
mod loans;
mod reference;
mod render;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use fundledger::date::{parse_date, Date};
use fundledger::error::{Error, Result};
use fundledger::money::{parse_amount, Money, Unit};
use fundledger::store::Ledger;

pub use render::{Format, Out};

const ABOUT: &str =
    "An exact, append-only ledger for guidance funds, sub-funds, startup investments and \
guarantee loans, with the reports finance officers and auditors need.";

const AFTER_HELP: &str = "\
Amounts accept 80950000, 80,950,000.00, 8095万, 8,095万元, 0.8095亿 or ¥80,950,000 and must be exact to the fen.
Dates accept 2021-03-01, 2021/3/1 or 2021年3月1日.

Exit codes: 0 success; 1 refused input or runtime error (nothing was written); 2 usage error;
3 `audit` found something.

Example:
  fundledger --db ledger.db.example --unit wan report portfolio";

#[derive(Parser, Debug)]
#[command(name = "fundledger", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    /// Ledger file [default: ledger.db in the working directory]
    #[arg(
        long,
        global = true,
        env = "FUNDLEDGER_DB",
        default_value = "ledger.db",
        hide_default_value = true
    )]
    pub db: PathBuf,
    /// Output format
    #[arg(long, global = true, value_enum, default_value = "table")]
    pub format: Format,
    /// Unit for money in tables and CSV (JSON is always exact yuan)
    #[arg(long, global = true, value_enum, default_value = "yuan")]
    pub unit: UnitArg,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum UnitArg {
    /// 元
    Yuan,
    /// 万元
    Wan,
    /// 亿元
    Yi,
}

impl From<UnitArg> for Unit {
    fn from(u: UnitArg) -> Unit {
        match u {
            UnitArg::Yuan => Unit::Yuan,
            UnitArg::Wan => Unit::Wan,
            UnitArg::Yi => Unit::Yi,
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new, empty ledger file (refuses to overwrite an existing file)
    #[command(after_help = "Example:\n  fundledger --db city.db init")]
    Init,
    /// Funds: guidance funds, sub-funds and vehicles
    #[command(subcommand)]
    Fund(reference::FundCmd),
    /// Investors (LPs)
    #[command(subcommand)]
    Investor(reference::InvestorCmd),
    /// Companies (projects) funds invest in
    #[command(subcommand)]
    Company(reference::CompanyCmd),
    /// LP capital: commitments (认缴) and paid-in (实缴)
    #[command(subcommand)]
    Lp(entries::LpCmd),
    /// Deals: commitments (协议投资金额), paid-in (实际出资), marks, proceeds, write-offs
    #[command(subcommand)]
    Deal(entries::DealCmd),
    /// Correct an entry by appending a reversal (nothing is ever edited or deleted)
    #[command(after_help = "Example:\n  fundledger reverse 17 --reason \"amount keyed twice\"")]
    Reverse(entries::ReverseArgs),
    /// List journal entries, reversals included
    #[command(after_help = "Example:\n  fundledger log --fund SC-1")]
    Log(entries::LogArgs),
    /// Reports
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Startup guarantee loans (创业担保贷款): schedules, repayments, default, guarantee payouts
    #[command(subcommand)]
    Loan(loans::LoanCmd),
    /// Grants (无偿资助) to founders and projects
    #[command(subcommand)]
    Grant(loans::GrantCmd),
    /// Verify invariants, the hash chain and file integrity; reconcile with a statement
    #[command(
        after_help = "Exit codes: 0 clean, 3 findings, 1 error.\n\nExamples:\n  fundledger audit\n  fundledger audit --expect-head 120:3f5a…\n  fundledger audit --against bank-statement.csv --as-of 2021-12-31"
    )]
    Audit(audit::AuditArgs),
    /// Write a verified, consistent copy of the ledger (refuses to overwrite)
    #[command(after_help = "Example:\n  fundledger backup backups/ledger-2022-06-30.db")]
    Backup(audit::BackupArgs),
}

/// Who records a write: `--by NAME`, else $FUNDLEDGER_USER, else the OS user.
#[derive(Args, Debug, Clone)]
pub struct Who {
    /// Name recorded as the author of this change [default: the OS user]
    #[arg(long = "by", env = "FUNDLEDGER_USER")]
    pub by: Option<String>,
}

impl Who {
    pub fn actor(&self) -> String {
        fundledger::ops::actor(self.by.as_deref())
    }
}

/// What every command gets: where the ledger is and how to print.
pub struct Ctx {
    pub db: PathBuf,
    pub out: Out,
}

impl Ctx {
    pub fn open(&self) -> Result<Ledger> {
        Ledger::open(&self.db)
    }
}

pub fn amount(s: &str) -> Result<Money> {
    Ok(parse_amount(s)?)
}

pub fn date(s: &str) -> Result<Date> {
    Ok(parse_date(s)?)
}

/// `--as-of`, defaulting to today.
pub fn as_of(s: Option<&str>) -> Result<Date> {
    s.map(date)
        .transpose()
        .map(|d| d.unwrap_or_else(fundledger::date::today))
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let ctx = Ctx {
        db: cli.db.clone(),
        out: Out {
            format: cli.format,
            unit: cli.unit.into(),
        },
    };
    let ok = |r: Result<()>| r.map(|()| 0u8);
    let result = match cli.command {
        Command::Audit(a) => audit::run(&ctx, a),
        Command::Backup(a) => ok(audit::backup(&ctx, a)),
        Command::Init => ok(reference::init(&ctx)),
        Command::Fund(c) => ok(reference::fund(&ctx, c)),
        Command::Investor(c) => ok(reference::investor(&ctx, c)),
        Command::Company(c) => ok(reference::company(&ctx, c)),
        Command::Lp(c) => ok(entries::lp(&ctx, c)),
        Command::Deal(c) => ok(entries::deal(&ctx, c)),
        Command::Reverse(a) => ok(entries::reverse(&ctx, a)),
        Command::Log(a) => ok(entries::log(&ctx, a)),
        Command::Report(c) => ok(report::run(&ctx, c)),
        Command::Loan(c) => ok(loans::loan(&ctx, c)),
        Command::Grant(c) => ok(loans::grant(&ctx, c)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // `fundledger … | head` closing the pipe early is not an error.
        Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            report_error(&ctx, &e);
            ExitCode::from(1)
        }
    }
}

fn report_error(ctx: &Ctx, e: &Error) {
    if ctx.out.format == Format::Json {
        let v = serde_json::json!({"error": {"rule": e.rule(), "message": e.to_string()}});
        eprintln!("{v}");
    } else {
        eprintln!("error: {e}");
    }
}
