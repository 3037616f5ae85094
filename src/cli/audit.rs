//! `audit`, `backup`.

use std::path::PathBuf;

use clap::Args;
use fundledger::error::{Error, Result};
use fundledger::reports::audit::{self, AuditOptions};
use serde_json::json;

use super::render::{print_json, print_line, text, Format, Table};
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
    let r = audit::audit(&mut ledger, &opts)?;
    if ctx.out.format == Format::Json {
        print_json(&r)?;
    } else {
        let o = &ctx.out;
        if let Some(rec) = &r.reconciliation {
            let mut t = Table::new(vec![
                "Fund".into(),
                "Counterparty".into(),
                "Kind".into(),
                o.money_header("Statement"),
                o.money_header("Ledger"),
                o.money_header("Difference"),
                "Status".into(),
            ])
            .titled("Reconciliation");
            for l in rec {
                t.push(vec![
                    text(&l.fund),
                    text(&l.counterparty),
                    text(l.kind.as_str()),
                    o.opt_money(l.statement),
                    o.opt_money(l.ledger),
                    o.opt_money(l.difference),
                    text(l.status),
                ]);
            }
            t.print(o.format)?;
        }
        let mut t = Table::new(
            [
                "Code",
                "Record",
                "Expected",
                "Recorded",
                "Difference",
                "Message",
            ]
            .map(String::from)
            .to_vec(),
        )
        .titled("Findings");
        for f in &r.findings {
            t.push(vec![
                text(f.code),
                text(&f.record),
                text(f.expected.clone().unwrap_or_default()),
                text(f.recorded.clone().unwrap_or_default()),
                text(f.difference.clone().unwrap_or_default()),
                text(&f.message),
            ]);
        }
        let status = format!(
            "{} as of {}: {} finding(s). Chain head: {}:{}. Reference head: {}:{}",
            if r.clean { "clean" } else { "NOT CLEAN" },
            r.as_of,
            r.findings.len(),
            r.entries,
            r.head,
            r.references,
            r.reference_head
        );
        match o.format {
            // A workbook always gets the Findings sheet (empty when clean) with the
            // verdict as its note, so a clean audit still produces a file.
            Format::Xlsx => {
                t.notes.push(status);
                t.print(o.format)?;
            }
            _ => {
                if !r.findings.is_empty() {
                    t.print(o.format)?;
                }
                if o.format == Format::Table {
                    print_line(&status)?;
                }
            }
        }
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
