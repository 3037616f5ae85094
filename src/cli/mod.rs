//! Command-line interface: parsing and rendering only.
//!
//! Architecture Invariant: nothing here does money arithmetic or speaks SQL. Each
//! subcommand parses its arguments into typed input, calls one `ops` or `reports`
//! function of the library, and renders what comes back.

mod audit;
mod entries;
mod eval;
mod export;
mod leverage;
mod loans;
mod output;
mod pg;
mod policy;
mod reference;
mod render;
mod report;
mod returns;
mod shell;
mod transfer;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use fundledger::date::{parse_date, Date};
use fundledger::error::{Error, Result};
use fundledger::money::{parse_amount, Money, Unit};
use fundledger::present::text::Columns;
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

Environment: FUNDLEDGER_DB (the ledger, as --db), FUNDLEDGER_USER (the author, as --by),
FUNDLEDGER_TODAY=DATE (pins \"today\" to an earlier day: a past report, tests; never later
than the real date), FUNDLEDGER_NOW=2022-06-15T00:00:00Z (pins recorded_at to an earlier UTC
time, to rebuild the example byte for byte; `audit` reports entries dated after their recorded
time and recorded times that go backwards), FUNDLEDGER_PG_CACHE=DIR|off (where a PostgreSQL
ledger's local replica is kept; default ~/.cache/fundledger; docs/postgres.md).

Example:
  fundledger --db ledger.db.example --unit wan report portfolio";

#[derive(Parser, Debug)]
#[command(name = "fundledger", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    /// Ledger file, or a PostgreSQL database (postgres://user@host/db) [default: ledger.db in the working directory]
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
    /// Unit for money in tables, CSV and xlsx (JSON is always exact yuan)
    #[arg(long, global = true, value_enum, default_value = "yuan")]
    pub unit: UnitArg,
    /// Write the output to this file instead of stdout (never overwrites; required by xlsx)
    #[arg(long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Language of headers and notes: en or zh
    #[arg(
        long,
        global = true,
        env = "FUNDLEDGER_LANG",
        default_value = "en",
        hide_default_value = true
    )]
    pub lang: fundledger::present::Lang,
    /// Tables: show every column (default: a compact set that fits the terminal)
    #[arg(long, global = true)]
    pub wide: bool,
    /// Tables, CSV and xlsx: only these columns, by key, in this order (e.g. code,name,deal_paid_in)
    #[arg(long, global = true, value_delimiter = ',', value_name = "KEYS")]
    pub columns: Option<Vec<String>>,
    /// PDF: the font file to set text in (.ttf/.otf/.ttc with Chinese) [default: a system CJK font]
    #[arg(long, global = true, value_name = "FILE")]
    pub font: Option<PathBuf>,
    /// CSV: start with a UTF-8 byte-order mark so Excel reads Chinese correctly (default when --output ends in .csv)
    #[arg(long, global = true)]
    pub bom: bool,
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
    /// LP capital: commitments (认缴), paid-in (实缴) and distributions (分配)
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
    /// Import a CSV file (UTF-8 or GBK) or a JSON export: all rows or none
    #[command(
        after_help = "Examples:\n  fundledger import examples/import.csv --dry-run\n  fundledger import examples/import.csv\n  fundledger import backup.json   # into an empty ledger made with `init`"
    )]
    Import(transfer::ImportArgs),
    /// Write a verified, consistent copy of the ledger (refuses to overwrite)
    #[command(after_help = "Example:\n  fundledger backup backups/ledger-2022-06-30.db")]
    Backup(audit::BackupArgs),
    /// Rebuild the position and flow summaries the reports read, from the journal (one transaction)
    #[command(
        after_help = "Run it when `audit` reports summary-different. The journal is not touched. On a PostgreSQL ledger it discards the local replica, and the next command pulls the ledger afresh (docs/postgres.md).\n\nExample:\n  fundledger reindex"
    )]
    Reindex,
    /// Export the ledger: JSON (the whole ledger, for `import`), hledger or Beancount
    #[command(
        after_help = "JSON is the whole ledger (reference data and journal, reversals included); `import` restores it into an empty ledger.\nhledger and Beancount totals match `report portfolio`; the account mapping is in docs/export.md.\n\nExamples:\n  fundledger --format json export --output ledger-2022.json\n  fundledger --db ledger.db.example export --format hledger --output fund.journal\n  hledger -f fund.journal bal Assets:Funds:SC-1:Investments:Cost\n  fundledger export --format beancount --as-of 2021-12-31 --output fund.beancount\n  bean-check fund.beancount"
    )]
    Export(export::ExportArgs),
    /// Calculators that need no ledger (check any figure against Excel)
    #[command(subcommand)]
    Calc(returns::CalcCmd),
    /// Print a shell completion script (bash, zsh, fish, powershell)
    #[command(
        after_help = "Examples:\n  fundledger completions bash > /etc/bash_completion.d/fundledger\n  fundledger completions zsh > \"${fpath[1]}/_fundledger\"\n  fundledger completions fish > ~/.config/fish/completions/fundledger.fish\n  fundledger completions powershell >> $PROFILE"
    )]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), every option and command
    #[command(after_help = "Example:\n  fundledger man > fundledger.1 && man ./fundledger.1")]
    Man,
    /// The ledger in a browser: pages with drill-down, downloads, and forms for the everyday writes
    #[command(
        after_help = "Loopback only unless --listen says otherwise. Security model: docs/serve.md.\n\nExamples:\n  fundledger --db ledger.db.example serve --read-only\n  fundledger serve --listen 127.0.0.1:8640 --user 张敏"
    )]
    Serve(ServeArgs),
    /// Copy a whole ledger between a file and PostgreSQL, verified (refuses a non-empty target)
    #[command(
        after_help = "Examples:\n  fundledger --db postgres://admin@db.example/ledger init\n  fundledger copy --from ledger.db --to postgres://admin@db.example/ledger\n  fundledger copy --from postgres://audrey@db.example/ledger --to ledger-2022-06-30.db"
    )]
    Copy(pg::CopyArgs),
    /// PostgreSQL ledgers: roles for writers and auditors
    #[command(subcommand)]
    Pg(pg::PgCmd),
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address and port to listen on; anything but loopback is reachable from the network
    #[arg(long, default_value = "127.0.0.1:8640")]
    pub listen: std::net::SocketAddr,
    /// No forms; every POST is refused
    #[arg(long)]
    pub read_only: bool,
    /// Author recorded for writes when the form's name field is empty [default: the OS user]
    #[arg(long)]
    pub user: Option<String>,
    /// Worker threads
    #[arg(long, default_value = "4")]
    pub threads: usize,
}

fn serve(ctx: &Ctx, a: ServeArgs) -> Result<()> {
    // Refuse a missing or foreign file now, not at the first page.
    drop(ctx.open()?);
    if !a.listen.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this address can read{} the ledger; \
             fundledger serve has no login (see docs/serve.md)",
            a.listen,
            if a.read_only { "" } else { " and write" }
        );
    }
    let app = fundledger::serve::App::new(fundledger::serve::Config {
        db: ctx.db.clone(),
        listen: a.listen,
        read_only: a.read_only,
        user: a.user,
        lang: ctx.out.lang,
        threads: a.threads,
    })?;
    eprintln!(
        "fundledger: serving {} at http://{}/{} (Ctrl-C to stop)",
        ctx.db.display(),
        a.listen,
        if a.read_only { " read-only" } else { "" }
    );
    fundledger::serve::run(app)
}

/// Refuse a --format or --output the command cannot honour, before it runs (so a
/// write command never records an entry and then fails to print). Usage errors: exit 2.
fn check_output(cli: &Cli) {
    let tabular = matches!(
        cli.command,
        Command::Fund(
            reference::FundCmd::List
                | reference::FundCmd::Scorecard(_)
                | reference::FundCmd::Scores(_)
        ) | Command::Company(reference::CompanyCmd::Facts(_))
            | Command::Investor(reference::InvestorCmd::List)
            | Command::Company(reference::CompanyCmd::List)
            | Command::Log(_)
            | Command::Report(_)
            | Command::Audit(_)
            | Command::Loan(loans::LoanCmd::List(_) | loans::LoanCmd::Schedule(_))
            | Command::Grant(loans::GrantCmd::List)
    );
    let export = matches!(cli.command, Command::Export(_));
    let problem = match cli.format {
        Format::Xlsx if !tabular => Some(
            "--format xlsx applies to commands that print a table (report, log, fund/investor/company/loan/grant list, loan schedule, audit)",
        ),
        Format::Xlsx if cli.output.is_none() => {
            Some("--format xlsx needs --output FILE.xlsx (a workbook is not sent to a terminal)")
        }
        Format::Html | Format::Pdf if !tabular => Some(
            "--format html and --format pdf apply to commands that print a table (report, log, fund/investor/company/loan/grant list, loan schedule, audit)",
        ),
        Format::Html | Format::Pdf if cli.output.is_none() => {
            Some("--format html and --format pdf need --output FILE (a file to open or print, not sent to a terminal)")
        }
        Format::Hledger | Format::Beancount if !export => {
            Some("--format hledger and --format beancount apply to `export` only")
        }
        _ if cli.output.is_some() && !(tabular || export) => Some(
            "--output applies to report, log, fund/investor/company/loan/grant list, loan schedule, audit and export",
        ),
        _ => None,
    };
    if let Some(msg) = problem {
        Cli::command()
            .error(clap::error::ErrorKind::ArgumentConflict, msg)
            .exit();
    }
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
    pub view: render::View,
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
    // Parsed through `shell::command()`: the same tree, with the global options shown
    // once in `fundledger --help` rather than in every subcommand's help.
    let cli = Cli::from_arg_matches(&shell::command().get_matches()).unwrap_or_else(|e| e.exit());
    check_output(&cli);
    if let Err(msg) = fundledger::date::pinned_today().and(fundledger::store::pinned_now()) {
        Cli::command()
            .error(clap::error::ErrorKind::ValueValidation, msg)
            .exit();
    }
    let ctx = Ctx {
        db: cli.db.clone(),
        out: Out {
            format: cli.format,
            unit: cli.unit.into(),
            lang: cli.lang,
        },
        view: render::View {
            columns: match (&cli.columns, cli.wide) {
                (Some(keys), _) => Columns::Keys(keys.clone()),
                (None, true) => Columns::All,
                (None, false) => Columns::Compact,
            },
            bom: cli.bom
                || cli
                    .output
                    .as_ref()
                    .and_then(|p| p.extension())
                    .is_some_and(|e| e.eq_ignore_ascii_case("csv")),
            to_file: cli.output.is_some(),
            font: cli.font.clone(),
        },
    };
    if let Err(e) = output::configure(
        cli.output.clone(),
        cli.format == Format::Xlsx,
        matches!(cli.format, Format::Html | Format::Pdf),
    ) {
        report_error(&ctx, &e);
        return ExitCode::from(1);
    }
    let db = cli.db.to_string_lossy().into_owned();
    let result = if fundledger::store::pg::is_url(&db) {
        pg::run(&ctx, &db, cli.command)
    } else if matches!(cli.command, Command::Pg(_)) {
        Err(Error::Ledger(format!(
            "`fundledger pg` works on a PostgreSQL ledger; --db is {db}: pass --db postgres://user@host/db"
        )))
    } else {
        dispatch(&ctx, cli.command)
    };
    let result = match result {
        Ok(code) => output::finish().map(|()| code),
        Err(e) => {
            output::abandon();
            Err(e)
        }
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

/// Run a command against the ledger `ctx.db` names (a file).
pub(crate) fn dispatch(ctx: &Ctx, command: Command) -> Result<u8> {
    let ok = |r: Result<()>| r.map(|()| 0u8);
    match command {
        Command::Audit(a) => audit::run(ctx, a),
        Command::Backup(a) => ok(audit::backup(ctx, a)),
        Command::Reindex => ok(audit::reindex(ctx)),
        Command::Import(a) => ok(transfer::import(ctx, a)),
        Command::Init => ok(reference::init(ctx)),
        Command::Fund(c) => ok(reference::fund(ctx, c)),
        Command::Investor(c) => ok(reference::investor(ctx, c)),
        Command::Company(c) => ok(reference::company(ctx, c)),
        Command::Lp(c) => ok(entries::lp(ctx, c)),
        Command::Deal(c) => ok(entries::deal(ctx, c)),
        Command::Reverse(a) => ok(entries::reverse(ctx, a)),
        Command::Log(a) => ok(entries::log(ctx, a)),
        Command::Report(c) => ok(report::run(ctx, c)),
        Command::Loan(c) => ok(loans::loan(ctx, c)),
        Command::Grant(c) => ok(loans::grant(ctx, c)),
        Command::Export(a) => ok(export::run(ctx, a)),
        Command::Calc(c) => ok(returns::calc(ctx, c)),
        // Built whole, then written like any output (a closed pipe is not an error).
        Command::Completions { shell } => ok(render::print_bytes(&shell::completions(shell))),
        Command::Man => ok(shell::man()
            .map_err(Error::from)
            .and_then(|m| render::print_bytes(&m))),
        Command::Serve(a) => ok(serve(ctx, a)),
        Command::Copy(a) => ok(pg::copy(ctx, a)),
        Command::Pg(_) => unreachable!("pg commands are run by cli::pg"),
    }
}

fn report_error(ctx: &Ctx, e: &Error) {
    let rows = match e {
        Error::Rows { rows, .. } => rows.as_slice(),
        _ => &[],
    };
    if ctx.out.format == Format::Json {
        let v = serde_json::json!({"error": {"rule": e.rule(), "message": e.to_string(), "rows": rows}});
        eprintln!("{v}");
    } else {
        eprintln!("error: {e}");
        for r in rows {
            eprintln!("  {r}");
        }
    }
}
