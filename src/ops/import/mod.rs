//! `import FILE`: spreadsheets in, all or nothing.
//!
//! A CSV file (UTF-8, UTF-8 with BOM, or GB18030/GBK) with a `type` column, or a JSON
//! file written by `export --format json`. Reference rows are applied first, in file
//! order; entries are then applied in date order (stable, so same-day rows keep file
//! order), each checked by the same rules as the CLI against the ledger *and* the rows
//! before it. Every bad row is collected (row, column, value, reason) and, if there is
//! any, the whole transaction is rolled back and all of them are reported.

pub mod csvfile;
pub mod decode;
mod pipeline;

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::entries::{record_tx, reverse_tx, EntryRequest};
use super::reference::{add_company_tx, add_fund_tx, add_investor_tx};
use super::{CompanyInput, FundInput, InvestorInput};
use crate::date::parse_date;
use crate::domain::{EntryKind, FundKind, InvestorType};
use crate::error::{Error, Result, RowProblem};
use crate::money::parse_amount;
use crate::reports::export::{ExportDoc, FORMAT};
use crate::store::{Ledger, Tx};
use csvfile::{Record, Row};

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Check everything against the ledger, then roll back.
    pub dry_run: bool,
    /// Import even if a file with the same content was imported before.
    pub allow_duplicate: bool,
    /// Name recorded in the import log.
    pub file_name: String,
    /// How many events the checking thread caches before it starts again (default
    /// 2,000,000); only tests set it, to make the limit reachable.
    #[doc(hidden)]
    pub checker_cache_events: Option<usize>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ImportSummary {
    pub file: String,
    pub encoding: &'static str,
    pub fingerprint: String,
    pub dry_run: bool,
    pub rows: usize,
    pub funds: usize,
    pub investors: usize,
    pub companies: usize,
    /// Company facts (docs/evaluation.md).
    pub facts: usize,
    pub entries: usize,
    pub first_entry: Option<i64>,
    pub last_entry: Option<i64>,
    /// Limits exceeded that are warnings, not refusals (loan limits vary by place).
    pub warnings: Vec<String>,
}

/// Called with (rows done, rows in total) as the import goes.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

pub fn fingerprint(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The column a refusal is about, for the row report.
fn column_of(e: &Error, kind: Option<EntryKind>) -> &'static str {
    let lp = kind.is_some_and(|k| k.is_lp());
    match e.rule() {
        Some("unknown-code") => {
            let msg = e.to_string();
            if msg.contains("unknown fund") {
                "fund"
            } else if lp {
                "investor"
            } else {
                "company"
            }
        }
        Some("control-character") => {
            // The refusal starts by naming the field: "memo '…'", "company 'X' name '…'".
            let msg = e.to_string();
            let field = msg.split(": ").nth(1).unwrap_or("");
            let head = field.split(" '").next().unwrap_or("");
            [
                "memo",
                "detail",
                "manager",
                "region",
                "sector",
                "programme",
                "recipient",
                "borrower",
                "guarantor",
            ]
            .into_iter()
            .find(|f| head.ends_with(f))
            .unwrap_or("name")
        }
        Some("self-investment") => "investor",
        Some("before-inception" | "future-date" | "date") => "date",
        Some("duplicate-code" | "bad-code") => "code",
        Some("empty-name") => "name",
        Some("uscc" | "duplicate-uscc") => "uscc",
        Some("parent-required" | "parent-not-guidance" | "fund-cycle" | "guidance-has-parent") => {
            "parent"
        }
        Some(r) if r.starts_with("paid-in") || r.starts_with("amount") => "amount",
        _ => "type",
    }
}

fn refusal_to_problem(row: usize, e: &Error, kind: Option<EntryKind>, value: String) -> RowProblem {
    RowProblem {
        row,
        column: column_of(e, kind).to_string(),
        value,
        reason: e.to_string(),
    }
}

/// A refused loan or grant row: amounts and dates name their column, the rest the
/// loan (or grant) code.
fn loan_problem(row: usize, e: &Error, code: String) -> RowProblem {
    let column = match e.rule() {
        Some("amount") => "amount",
        Some("date" | "future-date") => "date",
        Some("duplicate-code" | "bad-code") => "code",
        _ => "loan",
    };
    RowProblem {
        row,
        column: column.to_string(),
        value: code,
        reason: e.to_string(),
    }
}

fn rows_error(problems: Vec<RowProblem>, dry_run: bool) -> Error {
    let n = problems.len();
    let message = format!(
        "{n} bad row(s); nothing was {}",
        if dry_run {
            "checked further"
        } else {
            "written"
        }
    );
    Error::Rows {
        message,
        rows: problems,
    }
}

/// Import a file's bytes into the ledger.
pub fn import(
    ledger: &mut Ledger,
    actor: &str,
    bytes: &[u8],
    opts: &ImportOptions,
    progress: Progress<'_>,
) -> Result<ImportSummary> {
    // The fingerprint (a SHA-256 of the whole file) is taken on a second thread while
    // this one decodes the file and makes the first pass over it.
    let (fp, decoded) = std::thread::scope(|s| {
        let fp = s.spawn(|| fingerprint(bytes));
        let decoded = decode::decode(bytes).map(|(text, encoding)| {
            let scan = (!text.trim_start().starts_with('{')).then(|| csvfile::scan(&text));
            (text, encoding, scan)
        });
        (fp.join().expect("fingerprint thread"), decoded)
    });
    let (text, encoding, scan) = decoded.map_err(|m| Error::refused("encoding", m))?;
    let mut summary = ImportSummary {
        file: opts.file_name.clone(),
        encoding: encoding.label(),
        fingerprint: fp.clone(),
        dry_run: opts.dry_run,
        rows: 0,
        funds: 0,
        investors: 0,
        companies: 0,
        facts: 0,
        entries: 0,
        first_entry: None,
        last_entry: None,
        warnings: Vec::new(),
    };
    ledger.write_with(actor, !opts.dry_run, |tx| {
        if !opts.allow_duplicate {
            if let Some((file, at)) = tx.import_by_fingerprint(&fp)? {
                return Err(Error::refused(
                    "duplicate-import",
                    format!(
                        "a file with the same content ({file}) was imported on {at}; use --allow-duplicate to import it again"
                    ),
                ));
            }
        }
        // Bulk mode (store/bulk.rs): the per-row guard triggers are checked once over
        // all the new rows instead; a refusal there rolls everything back.
        let mut guards = tx.suspend_insert_guards()?;
        match scan {
            None => restore(tx, &text, &mut summary, progress)?,
            Some(scan) => apply_csv(
                tx,
                &text,
                scan,
                guards.as_mut(),
                opts.checker_cache_events,
                &mut summary,
                progress,
            )?,
        }
        if let Some(g) = guards {
            tx.restore_insert_guards(g)?;
        }
        let span = summary.first_entry.zip(summary.last_entry);
        tx.record_import(&fp, &opts.file_name, summary.rows, span)?;
        Ok(summary)
    })
}

fn note_entry(summary: &mut ImportSummary, id: i64) {
    summary.entries += 1;
    summary.first_entry.get_or_insert(id);
    summary.last_entry = Some(id);
}

/// Apply one parsed row with the same rules as the CLI command it stands for.
fn apply_row(
    tx: &Tx<'_>,
    summary: &mut ImportSummary,
    r: Row,
) -> std::result::Result<(), RowProblem> {
    match r.record {
        Record::Fund(f) => {
            let code = f.code.clone();
            add_fund_tx(tx, *f)
                .map(|_| summary.funds += 1)
                .map_err(|e| refusal_to_problem(r.row, &e, None, code))
        }
        Record::Investor(inv) => {
            let code = inv.code.clone();
            add_investor_tx(tx, *inv)
                .map(|_| summary.investors += 1)
                .map_err(|e| refusal_to_problem(r.row, &e, None, code))
        }
        Record::Company(c) => {
            let code = c.code.clone();
            add_company_tx(tx, *c)
                .map(|_| summary.companies += 1)
                .map_err(|e| refusal_to_problem(r.row, &e, None, code))
        }
        Record::Loan(l) => {
            let code = l.code.clone();
            match crate::ops::loans::add_loan_tx(tx, *l) {
                Ok(added) => {
                    summary.warnings.extend(
                        added
                            .warnings
                            .into_iter()
                            .map(|w| format!("row {}: {w}", r.row)),
                    );
                    note_entry(summary, added.disbursement);
                    Ok(())
                }
                Err(e) => Err(loan_problem(r.row, &e, code)),
            }
        }
        Record::LoanEntry(req) => match crate::ops::loans::record_loan_entry_tx(tx, &req) {
            Ok(rec) => {
                note_entry(summary, rec.id);
                Ok(())
            }
            Err(e) => Err(loan_problem(r.row, &e, req.loan.clone())),
        },
        Record::Grant(g) => {
            let code = g.code.clone();
            match crate::ops::loans::add_grant_tx(tx, *g) {
                Ok((_, id)) => {
                    note_entry(summary, id);
                    Ok(())
                }
                Err(e) => Err(loan_problem(r.row, &e, code)),
            }
        }
        Record::Fact(fact) => {
            let code = fact.company.clone();
            crate::ops::facts::add_fact_tx(tx, *fact)
                .map(|_| summary.facts += 1)
                .map_err(|e| refusal_to_problem(r.row, &e, None, code))
        }
        Record::Entry(req) => match record_tx(tx, &req) {
            Ok(id) => {
                note_entry(summary, id);
                Ok(())
            }
            Err(e) => Err(entry_problem(r.row, &e, &req)),
        },
    }
}

/// A refused fund entry row, naming the column the refusal is about.
fn entry_problem(row: usize, e: &Error, req: &EntryRequest) -> RowProblem {
    let value = match column_of(e, Some(req.kind)) {
        "fund" => req.fund.clone(),
        "investor" | "company" => req.counterparty.clone(),
        "date" => req.date.to_string(),
        "amount" => req.amount.map(|m| m.to_plain()).unwrap_or_default(),
        _ => req.kind.as_str().to_string(),
    };
    refusal_to_problem(row, e, Some(req.kind), value)
}

/// Apply a CSV file, given its first pass ([`csvfile::scan`]: the reference rows, and
/// the date and place of each dated row).
fn apply_csv(
    tx: &Tx<'_>,
    text: &str,
    scan: csvfile::Scan,
    mut guards: Option<&mut crate::store::SuspendedGuards>,
    cache_events: Option<usize>,
    summary: &mut ImportSummary,
    progress: Progress<'_>,
) -> Result<()> {
    let csvfile::Scan {
        reference,
        entries,
        mut problems,
        bad_rows,
        ..
    } = scan;
    summary.rows = reference.len() + entries.len() + bad_rows;
    // Reference data first, in file order.
    for r in reference {
        if let Err(p) = apply_row(tx, summary, r) {
            problems.push(p);
        }
    }
    // Then the dated rows in date order (the first pass sorted their places). A second
    // thread parses each in full as it is due, and checks and seals the fund entries
    // (pipeline.rs), while this one writes; parsed rows are never all held at once.
    let total = entries.len();
    // Rows are checked in date order, so every position of the file is in use at once
    // from its first date to its last: a cache smaller than the file's own entries
    // would drop positions the next rows need and read them back over and over. At
    // most 32 bytes a row, beside the file's text and the 24 bytes a row of the sort.
    let cap = cache_events.unwrap_or(pipeline::MAX_CACHED_EVENTS.max(total));
    let (checker, receive) = pipeline::channel(snapshot(tx)?, cap, {
        pipeline::Chain {
            tail: tx.chain_tail()?,
            recorded_at: tx.now.clone(),
            recorded_by: tx.actor.clone(),
        }
    });
    let entries = &entries;
    std::thread::scope(|s| {
        // `move`: the checker (and its sender) goes with the thread, so the loop
        // below ends when the thread is done.
        s.spawn(move || {
            let mut checker = checker;
            csvfile::rows_at(text, entries, |parsed| checker.row(parsed));
            checker.finish();
        });
        // Owned here, so that a return on an error closes the channel and the checker
        // (blocked on a full channel or an answer) stops, and the scope can end.
        let receive = receive;
        let mut done = 0;
        for batch in receive.iter() {
            for msg in batch {
                match msg {
                    pipeline::Msg::Write { row, entry, sealed } => {
                        // Checked and sealed by the checker; an error here is not a
                        // refusal of the row but a failure of the ledger: stop.
                        let id = tx
                            .insert_sealed(&entry, sealed)
                            .map_err(|e| Error::Ledger(format!("writing row {row}: {e}")))?;
                        note_entry(summary, id);
                    }
                    pipeline::Msg::Apply { row, reply } => {
                        let lp = match &row.record {
                            Record::Entry(req) if req.kind.is_lp() => {
                                Some(req.counterparty.clone())
                            }
                            _ => None,
                        };
                        let is_entry = matches!(row.record, Record::Entry(_));
                        let before = tx.chain_tail()?.0;
                        let applied = apply_row(tx, summary, row);
                        let tail = tx.chain_tail()?;
                        let mut answer = pipeline::Applied {
                            entry: None,
                            investor: None,
                            tail,
                        };
                        match applied {
                            Err(p) => problems.push(p),
                            Ok(()) => {
                                if is_entry && answer.tail.0 > before {
                                    answer.entry = tx.entry(answer.tail.0)?;
                                }
                                if let Some(code) = lp {
                                    answer.investor = tx.investor_by_code(&code)?;
                                }
                            }
                        }
                        // The checker waits for this; if it is gone, so is the work.
                        let _ = reply.send(answer);
                    }
                    pipeline::Msg::Problems(found) => problems.extend(found),
                    pipeline::Msg::FundHistory { fund, reply } => {
                        let _ = reply.send(tx.fund_position_events(fund)?);
                        continue; // not a row
                    }
                }
                done += 1;
                if done % 10_000 == 0 || done == total {
                    progress(done, total);
                }
                if done % GUARD_CHECK_EVERY == 0 {
                    if let Some(g) = guards.as_deref_mut() {
                        tx.check_insert_guards(g)?;
                    }
                }
            }
        }
        Ok::<(), Error>(())
    })?;
    if problems.is_empty() {
        Ok(())
    } else {
        problems.sort_by_key(|p| p.row);
        Err(rows_error(problems, false))
    }
}

/// How many rows go by between checks of the storage guards' conditions (bulk.rs):
/// few enough that the rows' pages are still in SQLite's 32 MiB cache.
const GUARD_CHECK_EVERY: usize = 50_000;

/// The reference data as it stands once the file's reference rows are in.
fn snapshot(tx: &Tx<'_>) -> Result<pipeline::Snapshot> {
    let funds = tx.funds()?;
    let mut funds_with_entries = crate::store::FastSet::default();
    for f in &funds {
        if tx.fund_has_entries(f.id)? {
            funds_with_entries.insert(f.id);
        }
    }
    Ok(pipeline::Snapshot {
        funds_with_entries,
        funds: funds.into_iter().map(|f| (f.code.clone(), f)).collect(),
        investors: tx
            .investors()?
            .into_iter()
            .map(|i| (i.code.clone(), i))
            .collect(),
        companies: tx
            .companies()?
            .into_iter()
            .map(|c| (c.code, c.id))
            .collect(),
    })
}

/// Restore an `export --format json` document into an empty ledger, entry for entry.
fn restore(
    tx: &Tx<'_>,
    text: &str,
    summary: &mut ImportSummary,
    progress: Progress<'_>,
) -> Result<()> {
    let mut doc: ExportDoc = serde_json::from_str(text)
        .map_err(|e| Error::refused("import-json", format!("not a fundledger export: {e}")))?;
    if doc.format != FORMAT || doc.version != 1 {
        return Err(Error::refused(
            "import-json",
            format!(
                "format '{}' version {} is not a fundledger export this build reads",
                doc.format, doc.version
            ),
        ));
    }
    if !tx.funds()?.is_empty()
        || !tx.investors()?.is_empty()
        || !tx.companies()?.is_empty()
        || tx.chain_head()?.is_some()
    {
        return Err(Error::refused(
            "import-json",
            "a JSON export restores a whole ledger and needs an empty one; create it with `init`",
        ));
    }
    let bad = |what: &str, v: &str, e: String| {
        Error::refused("import-json", format!("{what} '{v}': {e}"))
    };
    check_restored_entries(&doc.entries)?;
    for f in doc.funds {
        let input = FundInput {
            kind: f
                .kind
                .parse::<FundKind>()
                .map_err(|e| bad("fund kind", &f.kind, e))?,
            inception: f.inception.as_deref().map(parse_date).transpose()?,
            code: f.code,
            name: f.name,
            parent: f.parent,
            manager: f.manager,
            region: f.region,
        };
        add_fund_tx(tx, input)?;
        summary.funds += 1;
    }
    for i in doc.investors {
        let investor_type = i
            .investor_type
            .parse::<InvestorType>()
            .map_err(|e| bad("investor type", &i.investor_type, e))?;
        add_investor_tx(
            tx,
            InvestorInput {
                code: i.code,
                name: i.name,
                investor_type,
            },
        )?;
        summary.investors += 1;
    }
    for c in doc.companies {
        add_company_tx(
            tx,
            CompanyInput {
                code: c.code,
                name: c.name,
                sector: c.sector,
                region: c.region,
                uscc: c.uscc,
                stage: c.stage,
            },
        )?;
        summary.companies += 1;
    }
    restore_policies(tx, &doc.policies)?;
    let total = doc.entries.len();
    summary.rows = summary.funds + summary.investors + summary.companies + total;
    let mut new_id: HashMap<i64, i64> = HashMap::new();
    let loans: HashMap<_, _> = std::mem::take(&mut doc.loans)
        .into_iter()
        .map(|l| (l.code.clone(), l))
        .collect();
    let grants: HashMap<_, _> = std::mem::take(&mut doc.grants)
        .into_iter()
        .map(|g| (g.code.clone(), g))
        .collect();
    for (i, e) in doc.entries.into_iter().enumerate() {
        *tx.stamp.borrow_mut() = Some((e.recorded_at.clone(), e.recorded_by.clone()));
        let id = if let Some(target) = e.reverses {
            let target = *new_id.get(&target).ok_or_else(|| {
                bad(
                    "entry",
                    &e.id.to_string(),
                    format!("reverses entry {target}, which comes later or not at all"),
                )
            })?;
            reverse_tx(tx, target, e.memo.as_deref().unwrap_or(""))?
        } else {
            let kind = e
                .kind
                .parse::<EntryKind>()
                .map_err(|m| bad("entry kind", &e.kind, m))?;
            if let Some(id) = super::loans::restore_entry_tx(tx, kind, &e, &loans, &grants)? {
                new_id.insert(e.id, id);
                note_entry(summary, id);
                continue;
            }
            let is_lp = kind.is_lp();
            let req = EntryRequest {
                kind,
                fund: e.fund.unwrap_or_default(),
                counterparty: if is_lp { e.investor } else { e.company }.unwrap_or_default(),
                amount: e.amount.as_deref().map(parse_amount).transpose()?,
                date: parse_date(&e.date)?,
                detail: e.detail,
                memo: e.memo,
                reinvest_weight: e
                    .reinvest_weight
                    .as_deref()
                    .map(crate::policy::parse_weight)
                    .transpose()?,
            };
            record_tx(tx, &req).map_err(|err| bad("entry", &e.id.to_string(), err.to_string()))?
        };
        if id != e.id {
            return Err(bad(
                "entry",
                &e.id.to_string(),
                format!("was restored as entry {id}; the export's ids must be the journal's, 1 to N in order"),
            ));
        }
        new_id.insert(e.id, id);
        note_entry(summary, id);
        if i % 10_000 == 0 || i + 1 == total {
            progress(i + 1, total);
        }
    }
    *tx.stamp.borrow_mut() = None;
    Ok(())
}

/// Check an export's journal before anything is restored: ids 1 to N in order (as
/// `export` writes them, so every restored entry keeps its id and a reversal points at
/// the entry its `reverses` names), reversals pointing back at an earlier entry, and an
/// author and a `recorded_at` timestamp on every entry. The first problem is refused,
/// naming the entry.
fn check_restored_entries(entries: &[crate::reports::export::ExEntry]) -> Result<()> {
    let refuse = |id: i64, why: String| {
        Error::refused("import-json", format!("entry {id} of the export: {why}"))
    };
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let position = i as i64 + 1;
        if !seen.insert(e.id) {
            return Err(refuse(e.id, "its id appears twice in the export".into()));
        }
        if e.id != position {
            return Err(refuse(
                e.id,
                format!("it is entry number {position} of the file; ids must run 1, 2, 3… in journal order, as `export` writes them"),
            ));
        }
        if let Some(target) = e.reverses {
            if target >= e.id || target < 1 {
                return Err(refuse(
                    e.id,
                    format!(
                        "it reverses entry {target}, which is not an earlier entry of the export"
                    ),
                ));
            }
            if e.kind != EntryKind::Reversal.as_str() {
                return Err(refuse(
                    e.id,
                    format!("it names entry {target} in `reverses` but its kind is '{}', not 'reversal'", e.kind),
                ));
            }
        }
        if chrono::NaiveDateTime::parse_from_str(&e.recorded_at, crate::store::STAMP_FORMAT)
            .is_err()
        {
            return Err(refuse(
                e.id,
                format!(
                    "recorded_at '{}' is not a UTC time like 2022-06-15T00:00:00Z",
                    crate::codes::escape_controls(&e.recorded_at)
                ),
            ));
        }
        crate::codes::check_text("recorded_by", Some(&e.recorded_by))?
            .ok_or_else(|| refuse(e.id, "recorded_by is empty".into()))?;
    }
    Ok(())
}

/// Policy records of an export, with their original authors and times.
fn restore_policies(tx: &Tx<'_>, policies: &[crate::reports::export::ExPolicy]) -> Result<()> {
    use crate::policy::{Factor, ReinvestBase};
    let bad = |what: &str, v: &str| {
        Error::refused("import-json", format!("policy {what} '{v}' is not valid"))
    };
    let factor = |what: &str, v: &Option<String>| -> Result<Option<Factor>> {
        v.as_deref()
            .map(|s| {
                rust_decimal::Decimal::from_str_exact(s)
                    .ok()
                    .and_then(Factor::from_decimal)
                    .ok_or_else(|| bad(what, s))
            })
            .transpose()
    };
    for p in policies {
        if chrono::NaiveDateTime::parse_from_str(&p.recorded_at, crate::store::STAMP_FORMAT)
            .is_err()
        {
            return Err(bad("recorded_at", &p.recorded_at));
        }
        let fund = tx
            .fund_by_code(&p.fund)?
            .ok_or_else(|| bad("fund", &p.fund))?;
        let n = crate::store::NewPolicy {
            fund_id: fund.id,
            from: parse_date(&p.from)?,
            gov_share_max: factor("gov_share_max", &p.gov_share_max)?,
            reinvest_min: factor("reinvest_min", &p.reinvest_min)?,
            reinvest_base: p
                .reinvest_base
                .as_deref()
                .map(|b| {
                    b.parse::<ReinvestBase>()
                        .map_err(|_| bad("reinvest_base", b))
                })
                .transpose()?,
            memo: p.memo.clone(),
            idle_warn_months: p.idle_warn_months.filter(|m| (1..=120).contains(m)),
            idle_alert_months: p.idle_alert_months.filter(|m| (1..=120).contains(m)),
        };
        *tx.stamp.borrow_mut() = Some((p.recorded_at.clone(), p.recorded_by.clone()));
        let inserted = tx.insert_policy(&n);
        *tx.stamp.borrow_mut() = None;
        inserted?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(cap: Option<usize>) -> ImportOptions {
        ImportOptions {
            file_name: "t.csv".into(),
            allow_duplicate: true,
            checker_cache_events: cap,
            ..ImportOptions::default()
        }
    }

    /// A ledger whose fund F1 already has entries: an LP and five holdings.
    fn ledger(dir: &std::path::Path, name: &str) -> Ledger {
        let mut l = Ledger::create(&dir.join(name)).unwrap();
        let mut setup =
            String::from("type,code,name,kind,investor_type,fund,investor,company,amount,date\n");
        setup.push_str("fund,F1,一号,guidance,,,,,,\ninvestor,I1,甲,,social,,,,,\n");
        for c in 0..10 {
            setup.push_str(&format!("company,C{c},公司{c},,,,,,,\n"));
        }
        setup.push_str("lp-commit,,,,,F1,I1,,1亿,2020-01-01\n");
        for c in 0..5 {
            setup.push_str(&format!("deal-commit,,,,,F1,,C{c},100000,2020-02-01\n"));
            setup.push_str(&format!("deal-pay,,,,,F1,,C{c},50000,2020-03-01\n"));
        }
        import(&mut l, "t", setup.as_bytes(), &opts(None), &mut |_, _| {}).unwrap();
        l
    }

    /// The journal without its authorship and hashes (the two imports run at
    /// different times).
    fn journal(l: &mut Ledger) -> Vec<String> {
        l.read(|tx| tx.log(&crate::store::EntryFilter::default()))
            .unwrap()
            .into_iter()
            .map(|e| {
                let e = e.entry;
                format!(
                    "{}|{}|{}|{:?}|{:?}|{:?}|{:?}",
                    e.id, e.kind, e.date, e.fund_id, e.investor_id, e.company_id, e.amount
                )
            })
            .collect()
    }

    /// With a checker cache of 3 events it forgets its positions over and over and asks
    /// the writer again, for old funds and for a fund new in the file alike; the
    /// outcome (the journal, or the list of refused rows) is the default cache's.
    #[test]
    fn a_tiny_checker_cache_changes_nothing_but_speed() {
        let mut file =
            String::from("type,code,name,kind,investor_type,fund,investor,company,amount,date\n");
        file.push_str("fund,F2,二号,guidance,,,,,,\n");
        for round in 1..=3 {
            for c in 0..10 {
                let date = format!("2021-0{round}-1{c}");
                // F2 commits 3,000 once and pays 1,000 a round: only a checker that
                // still knows the commitment lets the later payments through.
                if round == 1 {
                    file.push_str(&format!("deal-commit,,,,,F2,,C{c},3000,{date}\n"));
                }
                file.push_str(&format!("deal-pay,,,,,F2,,C{c},1000,{date}\n"));
                // F1's holdings: 50,000 paid of 100,000 before; 3 × 10,000 more is fine.
                if c < 5 {
                    file.push_str(&format!("deal-pay,,,,,F1,,C{c},10000,{date}\n"));
                }
            }
            file.push_str(&format!("lp-pay,,,,,F1,I1,,1000,2021-0{round}-20\n"));
        }
        let dir = tempfile::tempdir().unwrap();
        let mut outcomes = Vec::new();
        for (i, cap) in [None, Some(3)].into_iter().enumerate() {
            let mut l = ledger(dir.path(), &format!("good{i}.db"));
            let s = import(&mut l, "t", file.as_bytes(), &opts(cap), &mut |_, _| {}).unwrap();
            // 10 commitments + 3 rounds × (10 + 5 + 1) payments = 58 entries.
            assert_eq!(s.entries, 58);
            outcomes.push(journal(&mut l));
        }
        assert_eq!(outcomes[0], outcomes[1]);
        // One payment too many for C0 late in the file: 50,000 + 3 × 10,000 + 20,001.
        let bad = format!("{file}deal-pay,,,,,F1,,C0,20001,2021-03-25\n");
        let mut refusals = Vec::new();
        for (i, cap) in [None, Some(3)].into_iter().enumerate() {
            let mut l = ledger(dir.path(), &format!("bad{i}.db"));
            let before = journal(&mut l);
            let err = import(&mut l, "t", bad.as_bytes(), &opts(cap), &mut |_, _| {}).unwrap_err();
            assert_eq!(journal(&mut l), before);
            refusals.push(err.to_string());
            if let Error::Rows { rows, .. } = err {
                assert_eq!(rows.len(), 1);
                assert_eq!(rows[0].row, bad.lines().count());
            } else {
                panic!("{err}");
            }
        }
        assert_eq!(refusals[0], refusals[1]);
    }
}
