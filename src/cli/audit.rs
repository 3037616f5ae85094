//! `audit`, `backup`.

use std::path::PathBuf;

use clap::Args;
use fundledger::error::{Error, Result};
use fundledger::reports::audit::{self, AuditOptions};
use serde_json::json;

use fundledger::present;

use super::render::{print_doc, print_json, Format};
use super::{amount, as_of, Ctx};

#[derive(Args, Debug)]
pub struct AuditArgs {
    /// Check positions as of this date [default: today]
    #[arg(long)]
    pub as_of: Option<String>,
    /// Reconcile paid-in totals with a statement CSV: fund,counterparty,kind,amount[,as_of]
    #[arg(long, value_name = "STATEMENT.csv")]
    pub against: Option<PathBuf>,
    /// Accept statement differences up to this amount (default: exact)
    #[arg(long)]
    pub tolerance: Option<String>,
    /// Confirm the first N entries are unchanged since a head was noted (N:HASH)
    #[arg(long, value_name = "N:HASH")]
    pub expect_head: Option<String>,
    /// Incremental: prove the first N entries by their stored hashes against a noted head, check the rest in full
    #[arg(long, value_name = "N:HASH", conflicts_with_all = ["expect_head", "against"])]
    pub since: Option<String>,
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    /// Where to write the copy (must not exist)
    pub path: PathBuf,
}

/// Exit code when the audit has findings.
pub const FINDINGS: u8 = 3;

pub fn run(ctx: &Ctx, a: AuditArgs) -> Result<u8> {
    let statement = match &a.against {
        Some(p) => Some(
            std::fs::read(p)
                .map_err(|e| Error::Ledger(format!("cannot read {}: {e}", p.display())))?,
        ),
        None => None,
    };
    let statement = statement
        .map(|b| {
            String::from_utf8(b)
                .map_err(|_| Error::refused("statement", "the statement must be UTF-8 text"))
        })
        .transpose()?;
    let opts = AuditOptions {
        as_of: Some(as_of(a.as_of.as_deref())?),
        expect_head: a
            .expect_head
            .as_deref()
            .map(|h| {
                h.parse()
                    .map_err(|e: String| Error::refused("expect-head", e))
            })
            .transpose()?,
        statement,
        tolerance: a
            .tolerance
            .as_deref()
            .map(amount)
            .transpose()?
            .unwrap_or_default(),
    };
    let mut ledger = ctx.open()?;
    let r = match a.since.as_deref() {
        Some(h) => {
            let head = h
                .parse()
                .map_err(|e: String| Error::refused("since-head", e))?;
            audit::audit_since(&mut ledger, &head, opts.as_of)?
        }
        None => audit::audit(&mut ledger, &opts)?,
    };
    if ctx.out.format == Format::Json {
        print_json(&r)?;
    } else {
        print_doc(ctx, &present::listing::audit(&r, ctx.out.opts()))?;
    }
    Ok(if r.clean { 0 } else { FINDINGS })
}

pub fn backup(ctx: &Ctx, a: BackupArgs) -> Result<()> {
    let mut ledger = ctx.open()?;
    let r = audit::backup(&mut ledger, &a.path)?;
    match ctx.out.format {
        Format::Json => print_json(
            &json!({"path": r.path, "entries": r.entries, "head": r.head, "verified": true}),
        )?,
        _ => println!(
            "backed up {} entries to {} (verified; head {}:{})",
            r.entries, r.path, r.entries, r.head
        ),
    }
    Ok(())
}

pub fn reindex(ctx: &Ctx) -> Result<()> {
    let mut ledger = ctx.open()?;
    let r = fundledger::ops::reindex(&mut ledger, &fundledger::ops::actor(None))?;
    match ctx.out.format {
        Format::Json => print_json(
            &json!({"rows": r.rows, "flow_days": r.flow_days, "differed": r.differed}),
        )?,
        _ => println!(
            "rebuilt the position summary: {} rows, and the flow summary: {} rows ({} differed from the journal)",
            r.rows, r.flow_days, r.differed
        ),
    }
    Ok(())
}
