//! `copy`, `pg roles`, and every other command when `--db` is a PostgreSQL URL.

use clap::{Args, Subcommand};
use fundledger::error::{Error, Result};
use fundledger::ops::pg as ops;
use serde_json::json;

use super::render::{print_json, Format};
use super::{dispatch, Command, Ctx};

#[derive(Args, Debug)]
pub struct CopyArgs {
    /// The ledger to copy: a file, or postgres://user@host/db
    #[arg(long)]
    pub from: String,
    /// Where to: a new file, or a PostgreSQL database made by `init` and still empty
    #[arg(long)]
    pub to: String,
}

#[derive(Subcommand, Debug)]
pub enum PgCmd {
    /// Print (or, with --apply, run) the SQL for a writer role and a read-only auditor role
    #[command(
        after_help = "The writer may add rows and read; nobody may edit or delete any (triggers refuse it too).\n\nExamples:\n  fundledger --db postgres://admin@db.example/ledger pg roles\n  fundledger --db postgres://admin@db.example/ledger pg roles --apply\n  psql -c 'GRANT fundledger_writer TO alice'"
    )]
    Roles(RolesArgs),
}

#[derive(Args, Debug)]
pub struct RolesArgs {
    /// Name of the role that writes (INSERT and SELECT only)
    #[arg(long, default_value = "fundledger_writer")]
    pub writer: String,
    /// Name of the role that only reads (SELECT)
    #[arg(long, default_value = "fundledger_auditor")]
    pub auditor: String,
    /// Run the SQL on the database (as its owner) instead of printing it
    #[arg(long)]
    pub apply: bool,
}

pub fn copy(ctx: &Ctx, a: CopyArgs) -> Result<()> {
    let r = ops::copy(&a.from, &a.to, &fundledger::ops::actor(None))?;
    match ctx.out.format {
        Format::Json => print_json(&r)?,
        _ => {
            println!("copied {} rows from {} to {}", r.rows, r.from, r.to);
            println!(
                "journal head {}:{}  reference seals {}:{}",
                r.census.journal_head.0,
                r.census.journal_head.1,
                r.census.seal_head.0,
                r.census.seal_head.1
            );
            println!(
                "verified on the target as stored: rows of {} tables, entries and fen of {} kinds, both hash chains",
                r.census.tables.len(),
                r.census.kinds.len()
            );
        }
    }
    Ok(())
}

/// Whether a command only reads (it runs on a read-only snapshot, without the lock).
fn reads_only(c: &Command) -> bool {
    use super::{loans, reference};
    matches!(
        c,
        Command::Fund(
            reference::FundCmd::List
                | reference::FundCmd::Scorecard(_)
                | reference::FundCmd::Scores(_)
        ) | Command::Company(reference::CompanyCmd::Facts(_) | reference::CompanyCmd::List)
            | Command::Investor(reference::InvestorCmd::List)
            | Command::Log(_)
            | Command::Report(_)
            | Command::Audit(_)
            | Command::Export(_)
            | Command::Backup(_)
            | Command::Loan(loans::LoanCmd::List(_) | loans::LoanCmd::Schedule(_))
            | Command::Grant(loans::GrantCmd::List)
    )
}

/// Run `command` against the PostgreSQL ledger at `url`.
pub fn run(ctx: &Ctx, url: &str, command: Command) -> Result<u8> {
    match command {
        Command::Init => {
            let shown = ops::init(url)?;
            match ctx.out.format {
                Format::Json => print_json(&json!({"created": shown}))?,
                _ => println!("created ledger {shown}"),
            }
            Ok(0)
        }
        Command::Pg(PgCmd::Roles(a)) => {
            let sql = ops::roles(url, &a.writer, &a.auditor, a.apply)?;
            if a.apply {
                println!(
                    "roles {} and {} are set up on {}",
                    a.writer,
                    a.auditor,
                    fundledger::store::pg::redact(url)
                );
            } else {
                print!("{sql}");
            }
            Ok(0)
        }
        Command::Serve(_) => Err(Error::Ledger(
            "fundledger serve works on a ledger file; for a PostgreSQL ledger, copy it to a file \
             (`fundledger copy --from postgres://… --to ledger.db`) and serve that read-only"
                .into(),
        )),
        Command::Reindex => {
            match ops::forget_replica(url)? {
                Some(p) => println!(
                    "discarded the local replica {}; the next command pulls the ledger afresh \
                     and rebuilds its position summary from the journal",
                    p.display()
                ),
                None => println!(
                    "no local replica is kept (FUNDLEDGER_PG_CACHE=off): every command rebuilds \
                     the position summary from the journal"
                ),
            }
            Ok(0)
        }
        c @ (Command::Copy(_) | Command::Calc(_) | Command::Completions { .. } | Command::Man) => {
            dispatch(ctx, c)
        }
        c => {
            let write = !reads_only(&c);
            // An audit checks the rows the server holds now, not a replica of them.
            let fresh = matches!(c, Command::Audit(_));
            let (code, _) = ops::with_snapshot(url, write, fresh, "fundledger", |path| {
                let local = Ctx {
                    db: path.to_path_buf(),
                    out: ctx.out,
                    view: ctx.view.clone(),
                };
                dispatch(&local, c)
            })?;
            Ok(code)
        }
    }
}
