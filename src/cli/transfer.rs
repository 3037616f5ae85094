//! `import`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;
use fundledger::error::{Error, Result};
use fundledger::ops::import::{self, ImportOptions};

use super::render::{print_json, Format};
use super::{Ctx, Who};

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// CSV file with a `type` column (see docs/import.md), or a JSON export
    pub file: PathBuf,
    /// Check every row against the ledger's rules and report, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Import even if a file with the same content was imported before
    #[arg(long)]
    pub allow_duplicate: bool,
    #[command(flatten)]
    pub who: Who,
}

pub fn import(ctx: &Ctx, a: ImportArgs) -> Result<()> {
    let bytes = std::fs::read(&a.file)
        .map_err(|e| Error::Ledger(format!("cannot read {}: {e}", a.file.display())))?;
    let opts = ImportOptions {
        dry_run: a.dry_run,
        allow_duplicate: a.allow_duplicate,
        file_name: a
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        checker_cache_events: None,
    };
    let mut ledger = ctx.open()?;
    // A progress line on stderr only when a person is watching.
    let tty = std::io::stderr().is_terminal();
    let mut shown = false;
    let mut progress = |done: usize, total: usize| {
        if tty && total >= 10_000 {
            shown = true;
            eprint!(
                "\rimporting: {done} / {total} rows ({}%)",
                done * 100 / total.max(1)
            );
            let _ = std::io::stderr().flush();
        }
    };
    let result = import::import(&mut ledger, &a.who.actor(), &bytes, &opts, &mut progress);
    if shown {
        eprintln!();
    }
    let s = result?;
    for w in &s.warnings {
        eprintln!("warning: {w}");
    }
    match ctx.out.format {
        Format::Json => print_json(&s)?,
        _ => println!(
            "{} {}: {} rows ({}), {} funds, {} investors, {} companies, {} entries{}",
            if s.dry_run {
                "checked (dry run, nothing written)"
            } else {
                "imported"
            },
            s.file,
            s.rows,
            s.encoding,
            s.funds,
            s.investors,
            s.companies,
            s.entries,
            match (s.first_entry, s.last_entry) {
                (Some(a), Some(b)) if !s.dry_run => format!(" (entries {a}–{b})"),
                _ => String::new(),
            }
        ),
    }
    Ok(())
}
