//! `audit`: verify the ledger's invariants, its hash chain and SQLite's own integrity,
//! and reconcile paid-in totals with an external statement.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;

use crate::audit::{
    check_expected_head, reconcile, ChainVerifier, Finding, Head, PaidInTotals, Reconciled,
    StatementKind,
};
use crate::book::Book;
use crate::date::{parse_date, Date};
use crate::domain::{Entry, EntryKind};
use crate::error::{Error, Result};
use crate::money::{parse_amount, Money};
use crate::rules::{self, Violation};
use crate::store::{Ledger, Tx};

#[derive(Clone, Debug, Default)]
pub struct AuditOptions {
    pub as_of: Option<Date>,
    pub expect_head: Option<Head>,
    /// Contents of a statement CSV (`fund,counterparty,kind,amount[,as_of]`).
    pub statement: Option<String>,
    pub tolerance: Money,
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditReport {
    pub as_of: Date,
    /// With `--since N:HASH`: N, the entries proven by their stored hashes only; the
    /// entries after N were checked in full (docs/audit.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<i64>,
    pub clean: bool,
    pub entries: i64,
    pub head: String,
    /// Reference rows sealed, and the last seal's hash: the reference chain's head.
    pub references: i64,
    pub reference_head: String,
    pub findings: Vec<Finding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconciliation: Option<Vec<Reconciled>>,
}

/// One line of a statement, parsed.
struct StatementLine {
    fund: String,
    counterparty: String,
    kind: StatementKind,
    amount: Money,
    as_of: Date,
}

fn statement_error(line: usize, msg: impl std::fmt::Display) -> Error {
    Error::refused("statement", format!("statement line {line}: {msg}"))
}

/// Parse the statement CSV. Any bad line refuses the whole statement, naming the line.
fn parse_statement(text: &str, default_as_of: Date) -> Result<Vec<StatementLine>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| statement_error(1, e))?
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(fc), Some(cc), Some(kc), Some(ac)) =
        (col("fund"), col("counterparty"), col("kind"), col("amount"))
    else {
        return Err(statement_error(
            1,
            "the header must name the columns fund,counterparty,kind,amount[,as_of]",
        ));
    };
    let dc = col("as_of");
    let mut lines = Vec::new();
    let mut seen: HashMap<(String, String, StatementKind, Date), usize> = HashMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let n = i + 2;
        let rec = rec.map_err(|e| statement_error(n, e))?;
        let get = |c: usize| rec.get(c).unwrap_or("").to_string();
        let kind = match get(kc).as_str() {
            "lp-paid-in" => StatementKind::LpPaidIn,
            "deal-paid-in" => StatementKind::DealPaidIn,
            other => {
                return Err(statement_error(
                    n,
                    format!("kind '{other}' must be lp-paid-in or deal-paid-in"),
                ))
            }
        };
        let amount = parse_amount(&get(ac)).map_err(|e| statement_error(n, e))?;
        let as_of = match dc.map(get).filter(|s| !s.is_empty()) {
            Some(d) => parse_date(&d).map_err(|e| statement_error(n, e))?,
            None => default_as_of,
        };
        let line = StatementLine {
            fund: get(fc),
            counterparty: get(cc),
            kind,
            amount,
            as_of,
        };
        let key = (line.fund.clone(), line.counterparty.clone(), kind, as_of);
        if let Some(first) = seen.insert(key, n) {
            return Err(statement_error(
                n,
                format!(
                    "{} {} {} repeats line {first}; a statement gives one cumulative total per position",
                    line.fund,
                    line.counterparty,
                    kind.as_str()
                ),
            ));
        }
        lines.push(line);
    }
    Ok(lines)
}

fn violation_finding(v: &Violation, record: String) -> Finding {
    match v {
        Violation::PaidExceedsCommitted {
            date,
            committed,
            paid,
        } => Finding::new(
            v.rule(),
            record,
            format!("paid-in exceeds the commitment on {date}"),
        )
        .money(*committed, *paid),
        Violation::NotHeld { date, kind } => Finding::new(
            v.rule(),
            record,
            format!("a {kind} entry on {date} on a holding with nothing paid in"),
        ),
        Violation::AfterClose {
            date,
            kind,
            closed_on,
            closed_by,
        } => Finding::new(
            v.rule(),
            record,
            format!("a {kind} entry on {date} after {closed_by} on {closed_on}"),
        ),
    }
}

struct Names {
    funds: HashMap<i64, String>,
    investors: HashMap<i64, String>,
    companies: HashMap<i64, String>,
}

impl Names {
    fn load(tx: &Tx<'_>) -> Result<Names> {
        Ok(Names {
            funds: tx
                .funds_as_stored()?
                .into_iter()
                .map(|f| (f.id, f.code))
                .collect(),
            investors: tx
                .investors()?
                .into_iter()
                .map(|i| (i.id, i.code))
                .collect(),
            companies: tx
                .companies()?
                .into_iter()
                .map(|c| (c.id, c.code))
                .collect(),
        })
    }
    fn code(map: &HashMap<i64, String>, id: Option<i64>) -> String {
        id.and_then(|i| map.get(&i).cloned())
            .unwrap_or_else(|| format!("#{}", id.unwrap_or(0)))
    }
    fn position(&self, e: &Entry) -> String {
        let fund = Self::code(&self.funds, e.fund_id);
        if e.investor_id.is_some() {
            format!(
                "LP {} in fund {fund}",
                Self::code(&self.investors, e.investor_id)
            )
        } else {
            format!(
                "fund {fund} in company {}",
                Self::code(&self.companies, e.company_id)
            )
        }
    }
}

/// What is wrong with the reversals `by` (in id order) of entry `target`, whose kind is
/// a reversal or not (`None`: there is no such entry).
fn reversal_finding(target: i64, is_reversal: Option<bool>, by: &[i64]) -> Option<Finding> {
    let record = format!("entry {}", by[0]);
    match is_reversal {
        None => Some(Finding::new(
            "reversal-target-missing",
            record,
            format!("reverses entry {target}, which does not exist"),
        )),
        Some(true) => Some(Finding::new(
            "reversal-of-reversal",
            record,
            format!("reverses entry {target}, which is itself a reversal"),
        )),
        Some(false) if by.len() > 1 => Some(
            Finding::new(
                "reversal-duplicate",
                format!("entry {target}"),
                format!("is reversed {} times (by entries {by:?})", by.len()),
            )
            .text("1", by.len().to_string()),
        ),
        Some(false) => None,
    }
}

/// The most summary rows named one by one; beyond this, one finding gives the count.
const SUMMARY_FINDINGS: usize = 100;

/// The position summary recomputed from the journal and compared, row by row, with the
/// one stored (`summary-different`); `fundledger reindex` repairs it.
fn check_summary(tx: &Tx<'_>, findings: &mut Vec<Finding>) -> Result<()> {
    let (rows, n) = tx.summary_differences(SUMMARY_FINDINGS)?;
    let show = |y: &Option<crate::book::PositionYear>| {
        match y {
        None => "no row".to_string(),
        Some(y) => format!(
            "entries {}, committed {}, paid-in {}, proceeds {}, distributed {}, exits {}, write-offs {}, mark {}, last date {}",
            y.entries,
            Money::from_fen(y.committed_fen),
            Money::from_fen(y.paid_in_fen),
            Money::from_fen(y.proceeds_fen),
            Money::from_fen(y.distributed_fen),
            y.exits,
            y.write_offs,
            y.mark.as_ref().map_or("none".to_string(), |(d, id, fen)| {
                format!("{} on {d} (entry {id})", Money::from_fen(*fen))
            }),
            y.last_date
        ),
    }
    };
    for (stored, expected) in &rows {
        let y = stored
            .as_ref()
            .or(expected.as_ref())
            .expect("one side differs");
        let record = format!(
            "summary: fund #{} {} #{} in {}",
            y.fund_id,
            if y.is_lp { "LP" } else { "company" },
            y.counterparty_id,
            y.year
        );
        findings.push(
            Finding::new(
                "summary-different",
                record,
                "the stored position summary differs from the journal; reports read it, so run `fundledger reindex`",
            )
            .text(show(expected), show(stored)),
        );
    }
    more_differ(findings, n, rows.len());
    let (days, n) = tx.flow_day_differences(SUMMARY_FINDINGS)?;
    let show = |d: &Option<crate::store::FlowDay>| match d {
        None => "no row".to_string(),
        Some(d) => format!(
            "deal paid {}, deal proceeds {}, LP paid {}, LP distributed {}",
            Money::from_fen(d.deal_paid),
            Money::from_fen(d.deal_proceeds),
            Money::from_fen(d.lp_paid),
            Money::from_fen(d.lp_distributed)
        ),
    };
    for (stored, expected) in &days {
        let d = stored
            .as_ref()
            .or(expected.as_ref())
            .expect("one side differs");
        findings.push(
            Finding::new(
                "summary-different",
                format!("flow summary: fund #{} on {}", d.fund_id, d.day),
                "the stored flow summary differs from the journal; report returns reads it, so run `fundledger reindex`",
            )
            .text(show(expected), show(stored)),
        );
    }
    more_differ(findings, n, days.len());
    Ok(())
}

/// One finding for the differing summary rows beyond those named.
fn more_differ(findings: &mut Vec<Finding>, differ: usize, named: usize) {
    if differ > named {
        findings.push(Finding::new(
            "summary-different",
            "summary",
            format!(
                "{} more summary rows differ from the journal; run `fundledger reindex`",
                differ - named
            ),
        ));
    }
}

/// The rules over one position's history (entries of one LP or one holding).
fn position_finding(names: &Names, entries: Vec<Entry>) -> Option<Finding> {
    let first = entries.first()?;
    let record = names.position(first);
    let result = if first.investor_id.is_some() {
        rules::check_lp(entries)
    } else {
        rules::check_holding(entries)
    };
    result.err().map(|v| violation_finding(&v, record))
}

/// Check every position's history as of `as_of`, one position at a time.
fn check_positions(
    tx: &Tx<'_>,
    names: &Names,
    as_of: Date,
    findings: &mut Vec<Finding>,
) -> Result<()> {
    let mut current: Vec<Entry> = Vec::new();
    let mut flush = |group: &mut Vec<Entry>| {
        findings.extend(position_finding(names, std::mem::take(group)));
    };
    tx.for_each_effective_by_position(as_of, |e| {
        if e.fund_id.is_none() {
            return Ok(()); // not a fund position (e.g. a loan entry)
        }
        let same = current.first().is_some_and(|c| {
            (c.fund_id, c.investor_id, c.company_id) == (e.fund_id, e.investor_id, e.company_id)
        });
        if !same {
            flush(&mut current);
        }
        current.push(e);
        Ok(())
    })?;
    flush(&mut current);
    Ok(())
}

/// How a finding names a reference row: `fund 'SC'`, `loan 'CY2021-001'`, or the
/// table and id when the row has no code (policy records) or is gone.
fn reference_label(table: &str, id: i64, cols: Option<&[(String, Option<String>)]>) -> String {
    let what = match table {
        "funds" => "fund",
        "investors" => "investor",
        "companies" => "company",
        "loans" => "loan",
        "grants" => "grant",
        _ => "policy record",
    };
    let code = cols.and_then(|c| {
        c.iter()
            .find(|(k, _)| k == "code")
            .and_then(|(_, v)| v.clone())
    });
    match code {
        Some(code) => format!("{what} '{code}'"),
        None => format!("{what} #{id}"),
    }
}

/// The reference chain (store/refchain.rs): seals consecutive and linked, every
/// reference row still hashing to its seal, and no reference row without one.
/// Returns (seals read, the last seal's hash).
fn check_reference_chain(tx: &Tx<'_>, findings: &mut Vec<Finding>) -> Result<(i64, String)> {
    use crate::hashchain::GENESIS;
    let seals = tx.reference_seals()?;
    let mut prev = GENESIS.to_string();
    let mut chain_broken = false;
    let mut sealed = std::collections::HashSet::new();
    for (i, s) in seals.iter().enumerate() {
        let position = i as i64 + 1;
        let record = format!("reference seal {}", s.id);
        if !chain_broken && s.id != position {
            chain_broken = true;
            findings.push(
                Finding::new(
                    "reference-chain-order",
                    record,
                    format!("reference seals are not consecutive: position {position} holds seal {}; a seal was deleted or inserted", s.id),
                )
                .text(position.to_string(), s.id.to_string()),
            );
        } else if !chain_broken && s.prev_hash != prev {
            chain_broken = true;
            findings.push(
                Finding::new(
                    "reference-chain-link",
                    record,
                    format!("reference seal {} does not link to the seal before it: a seal before it was removed, replaced or reordered", s.id),
                )
                .text(prev.clone(), s.prev_hash.clone()),
            );
        }
        prev = s.hash.clone();
        sealed.insert((s.table.clone(), s.row_id));
        match tx.reference_row(&s.table, s.row_id)? {
            None => findings.push(Finding::new(
                "reference-missing",
                reference_label(&s.table, s.row_id, None),
                format!(
                    "{} row {} was sealed (seal {}) but is no longer in the file: it was deleted",
                    s.table, s.row_id, s.id
                ),
            )),
            Some(cols) => {
                let computed = crate::store::seal_of(&s.prev_hash, &s.table, &cols);
                if computed != s.hash {
                    findings.push(
                        Finding::new(
                            "reference-changed",
                            reference_label(&s.table, s.row_id, Some(&cols)),
                            format!(
                                "{} row {} no longer matches its seal (seal {}): it was changed after it was written",
                                s.table, s.row_id, s.id
                            ),
                        )
                        .text(computed, s.hash.clone()),
                    );
                }
            }
        }
    }
    for table in crate::store::SEALED_TABLES {
        for id in tx.reference_ids(table)? {
            if !sealed.contains(&(table.to_string(), id)) {
                let cols = tx.reference_row(table, id)?;
                findings.push(Finding::new(
                    "reference-unsealed",
                    reference_label(table, id, cols.as_deref()),
                    format!("{table} row {id} has no seal: it was added outside fundledger"),
                ));
            }
        }
    }
    Ok((seals.len() as i64, prev))
}

/// The fund-structure rule over the funds as stored, and entries dated before their
/// fund's inception (an inception moved after the entries that depend on it), given
/// each fund's earliest effective entry as (fund, date, entry).
fn check_fund_structure(
    tx: &Tx<'_>,
    earliest: Vec<(i64, String, i64)>,
    findings: &mut Vec<Finding>,
) -> Result<()> {
    let funds = tx.funds_as_stored()?;
    for p in crate::domain::fund_structure_problems(&funds) {
        findings.push(Finding::new(
            "fund-structure",
            format!("fund '{}'", p.fund),
            p.message,
        ));
    }
    let inception: HashMap<i64, (&str, Date)> = funds
        .iter()
        .filter_map(|f| f.inception.map(|d| (f.id, (f.code.as_str(), d))))
        .collect();
    for (fund_id, first, entry) in earliest {
        let (Some((code, inc)), Ok(first)) = (inception.get(&fund_id), parse_date(&first)) else {
            continue;
        };
        if first < *inc {
            findings.push(
                Finding::new(
                    "before-inception",
                    format!("fund '{code}'"),
                    format!(
                        "entry {entry} is dated {first}, {} days before the fund's inception on {inc}",
                        (*inc - first).num_days()
                    ),
                )
                .text(inc.to_string(), first.to_string()),
            );
        }
    }
    Ok(())
}

/// Cumulative paid-in by (fund, counterparty, kind) as of a date.
fn paid_in_totals(tx: &Tx<'_>, names: &Names, as_of: Date) -> Result<PaidInTotals> {
    let mut book = Book::default();
    tx.for_each_effective(as_of, |e| {
        book.apply(&e);
        Ok(())
    })?;
    let mut out = PaidInTotals::new();
    for ((f, i), p) in &book.lps {
        let key = (
            Names::code(&names.funds, Some(*f)),
            Names::code(&names.investors, Some(*i)),
            StatementKind::LpPaidIn,
        );
        out.insert(key, p.paid_in);
    }
    for ((f, c), h) in &book.holdings {
        let key = (
            Names::code(&names.funds, Some(*f)),
            Names::code(&names.companies, Some(*c)),
            StatementKind::DealPaidIn,
        );
        out.insert(key, h.paid_in);
    }
    Ok(out)
}

pub fn audit(ledger: &mut Ledger, opts: &AuditOptions) -> Result<AuditReport> {
    let as_of = opts.as_of.unwrap_or_else(crate::date::today);
    let statement = opts
        .statement
        .as_deref()
        .map(|s| parse_statement(s, as_of))
        .transpose()?;
    ledger.read(|tx| {
        let mut findings = Vec::new();

        for line in tx.integrity_check()? {
            if line != "ok" {
                findings.push(Finding::new("sqlite-integrity", "database file", line));
            }
        }
        for (table, rowid, parent) in tx.foreign_key_check()? {
            findings.push(Finding::new(
                "foreign-key",
                format!("{table} row {}", rowid.unwrap_or(0)),
                format!("refers to a missing row of {parent}"),
            ));
        }

        // The chain, and reversal links, in one pass over the raw journal.
        let keep = opts.expect_head.as_ref().map_or(0, |h| h.n as usize);
        let mut chain = ChainVerifier::new(keep);
        let mut kinds: HashMap<i64, bool> = HashMap::new(); // id → is a reversal
        let mut reversed: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        let mut times = crate::audit::RecordedTimes::default();
        tx.for_each_raw_entry(|row| {
            chain.push(&row);
            times.push(&row, &mut findings);
            let is_reversal = row.get("kind") == Some(EntryKind::Reversal.as_str());
            kinds.insert(row.id, is_reversal);
            if let Some(target) = row.get("reverses").and_then(|t| t.parse::<i64>().ok()) {
                reversed.entry(target).or_default().push(row.id);
            }
            Ok(())
        })?;
        for (target, by) in &reversed {
            findings.extend(reversal_finding(*target, kinds.get(target).copied(), by));
        }
        let check = chain.check;
        if let Some(f) = check.finding.clone() {
            findings.push(f);
        }
        if let Some(h) = &opts.expect_head {
            findings.extend(check_expected_head(h, &check));
        }

        let reference = check_reference_chain(tx, &mut findings)?;
        check_summary(tx, &mut findings)?;

        // Rows that cannot be read are named; the checks that read records need
        // every row, so they wait until those rows are repaired.
        let bad = tx.undecodable_rows()?;
        let readable = bad.is_empty();
        for b in bad {
            findings.push(
                Finding::new(
                    "bad-row",
                    format!("{} {}", b.what, b.id),
                    format!(
                        "column {}: the stored value {} cannot be read ({}); the rule checks that read records were not run",
                        b.column, b.value, b.reason
                    ),
                )
                .text("a readable value", b.value.clone()),
            );
        }
        let names = if readable { Some(Names::load(tx)?) } else { None };
        if let Some(names) = &names {
            check_fund_structure(tx, tx.earliest_fund_entries()?, &mut findings)?;
            check_positions(tx, names, as_of, &mut findings)?;
            findings.extend(super::loans::audit_findings(tx, as_of)?);
        }

        let reconciliation = match statement {
            None => None,
            Some(_) if names.is_none() => {
                return Err(Error::Ledger(
                    "the ledger has rows that cannot be read (see `fundledger audit`); repair them before reconciling a statement".into(),
                ))
            }
            Some(lines) => {
                let names = names.as_ref().expect("checked above");
                let mut all = Vec::new();
                let mut by_date: BTreeMap<Date, PaidInTotals> = BTreeMap::new();
                for l in &lines {
                    by_date
                        .entry(l.as_of)
                        .or_default()
                        .insert((l.fund.clone(), l.counterparty.clone(), l.kind), l.amount);
                }
                for (date, stmt) in &by_date {
                    let ledger_totals = paid_in_totals(tx, names, *date)?;
                    for r in reconcile(stmt, &ledger_totals, opts.tolerance) {
                        let record = format!(
                            "{} {} {} as of {date}",
                            r.fund,
                            r.counterparty,
                            r.kind.as_str()
                        );
                        let f = match r.status {
                            "different" => Some(
                                Finding::new(
                                    "statement-different",
                                    record,
                                    "ledger and statement differ",
                                )
                                .money(
                                    r.statement.unwrap_or_default(),
                                    r.ledger.unwrap_or_default(),
                                ),
                            ),
                            "missing-from-ledger" => Some(
                                Finding::new(
                                    "statement-missing-from-ledger",
                                    record,
                                    "on the statement, not in the ledger",
                                )
                                .money(r.statement.unwrap_or_default(), Money::ZERO),
                            ),
                            "missing-from-statement" => Some(
                                Finding::new(
                                    "statement-missing-line",
                                    record,
                                    "in the ledger, not on the statement",
                                )
                                .money(Money::ZERO, r.ledger.unwrap_or_default()),
                            ),
                            _ => None,
                        };
                        findings.extend(f);
                        all.push(r);
                    }
                }
                Some(all)
            }
        };

        Ok(AuditReport {
            as_of,
            since: None,
            clean: findings.is_empty(),
            entries: check.entries,
            head: check.head,
            references: reference.0,
            reference_head: reference.1,
            findings,
            reconciliation,
        })
    })
}

/// `audit --since N:HASH`: the first N entries proven by one pass over their stored
/// hashes (ids consecutive from 1, each `prev_hash` the hash before it, entry N's hash
/// the noted one), and every entry after N checked in full: its content against its
/// hash, its recorded time, its reversal link, and the rules over the whole history of
/// every position and loan it touches. A head that does not match is refused.
pub fn audit_since(ledger: &mut Ledger, since: &Head, as_of: Option<Date>) -> Result<AuditReport> {
    let as_of = as_of.unwrap_or_else(crate::date::today);
    ledger.read(|tx| {
        let mut findings = Vec::new();
        // 1. The hash pass: stored hashes only.
        let mut expect_id = 1i64;
        let mut prev: Vec<u8> = crate::hashchain::GENESIS.as_bytes().to_vec();
        let mut at_n: Option<String> = None;
        let mut broken = false;
        // Each fund's earliest effective entry, gathered on the same pass rather than
        // by a second scan and sort of the whole journal; only funds with an inception
        // are checked, so with none the pass reads the hashes alone.
        let reversed = tx.reversed_ids()?;
        let mut earliest = Earliest::default();
        let inceptions = tx.funds_as_stored()?.iter().any(|f| f.inception.is_some());
        tx.for_each_stored_hash(since.n, inceptions, |h| {
            let (id, prev_hash, hash) = (h.id, h.prev_hash, h.hash);
            if !h.reversal && !reversed.contains(&id) {
                earliest.note(h.fund_id, h.date, id);
            }
            if !broken && id != expect_id {
                broken = true;
                findings.push(
                    Finding::new(
                        "chain-order",
                        format!("entry {id}"),
                        format!("entry ids are not consecutive: position {expect_id} holds entry {id}; an entry was deleted or inserted"),
                    )
                    .text(expect_id.to_string(), id.to_string()),
                );
            } else if !broken && prev_hash != prev.as_slice() {
                broken = true;
                findings.push(
                    Finding::new(
                        "chain-link",
                        format!("entry {id}"),
                        format!("entry {id} does not link to the entry before it: an entry before it was removed, replaced or reordered"),
                    )
                    .text(
                        String::from_utf8_lossy(&prev),
                        String::from_utf8_lossy(prev_hash),
                    ),
                );
            }
            expect_id = id + 1;
            prev.clear();
            prev.extend_from_slice(hash);
            if id == since.n {
                at_n = Some(String::from_utf8_lossy(hash).into_owned());
            }
            Ok(())
        })?;
        let Some(stored) = at_n else {
            return Err(Error::refused(
                "since-head",
                format!(
                    "the noted head {since} names entry {}, which this ledger does not have ({} entries): \
                     entries were removed, or the head was noted from another ledger; run a full `audit`",
                    since.n,
                    expect_id - 1
                ),
            ));
        };
        if stored != since.hash {
            return Err(Error::refused(
                "since-head",
                format!(
                    "entry {}'s stored hash is {stored}, not the noted {}: the first {} entries are not \
                     those noted (history was rewritten), or the head was noted from another ledger or \
                     mistyped; run a full `audit` with --expect-head to see more",
                    since.n, since.hash, since.n
                ),
            ));
        }

        // 2. Every entry after N, in full.
        let mut chain = ChainVerifier::after(since.n, &since.hash);
        let mut times = crate::audit::RecordedTimes::default();
        let mut holdings: std::collections::BTreeSet<(i64, i64)> = Default::default();
        let mut lps: std::collections::BTreeSet<(i64, i64)> = Default::default();
        let mut loans = false;
        let mut reversal_targets: std::collections::BTreeSet<i64> = Default::default();
        tx.for_each_raw_entry_after(since.n, |row| {
            chain.push(&row);
            times.push(&row, &mut findings);
            let int = |c: &str| row.get(c).and_then(|v| v.parse::<i64>().ok());
            if let Some(t) = int("reverses") {
                reversal_targets.insert(t);
            } else if !reversed.contains(&row.id) {
                let date = row.get("effective_date").unwrap_or_default();
                earliest.note(int("fund_id"), date.as_bytes(), row.id);
            }
            note_position(&mut holdings, &mut lps, int("fund_id"), int("investor_id"), int("company_id"));
            loans |= int("loan_id").is_some() || int("grant_id").is_some();
            Ok(())
        })?;
        for target in reversal_targets {
            let (kind, reversals) = tx.raw_kind_and_reversals(target)?;
            let is_reversal = kind.map(|k| k == EntryKind::Reversal.as_str());
            findings.extend(reversal_finding(target, is_reversal, &reversals));
            if let Some(e) = tx.entry(target)? {
                note_position(&mut holdings, &mut lps, e.fund_id, e.investor_id, e.company_id);
                loans |= e.loan.loan_id.is_some() || e.loan.grant_id.is_some();
            }
        }
        let check = chain.check;
        if let Some(f) = check.finding.clone() {
            findings.push(f);
        }
        let reference = check_reference_chain(tx, &mut findings)?;
        check_fund_structure(tx, earliest.into_list(), &mut findings)?;
        let names = Names::load(tx)?;
        let keep = |e: &Entry| e.date <= as_of;
        for (fund, company) in holdings {
            let entries = tx.holding_entries(fund, company)?;
            findings.extend(position_finding(&names, entries.into_iter().filter(keep).collect()));
        }
        for (fund, investor) in lps {
            let entries = tx.lp_entries(fund, investor)?;
            findings.extend(position_finding(&names, entries.into_iter().filter(keep).collect()));
        }
        if loans {
            findings.extend(super::loans::audit_findings(tx, as_of)?);
        }
        Ok(AuditReport {
            as_of,
            since: Some(since.n),
            clean: findings.is_empty(),
            entries: check.entries,
            head: check.head,
            references: reference.0,
            reference_head: reference.1,
            findings,
            reconciliation: None,
        })
    })
}

/// Each fund's earliest effective entry by (date, id), as
/// [`Tx::earliest_fund_entries`] finds it in SQL.
#[derive(Default)]
struct Earliest(crate::store::FastMap<i64, (Vec<u8>, i64)>);

impl Earliest {
    fn note(&mut self, fund: Option<i64>, date: &[u8], id: i64) {
        let Some(fund) = fund else { return };
        match self.0.get_mut(&fund) {
            Some((d, _)) if d.as_slice() <= date => {}
            Some(slot) => *slot = (date.to_vec(), id),
            None => {
                self.0.insert(fund, (date.to_vec(), id));
            }
        }
    }

    fn into_list(self) -> Vec<(i64, String, i64)> {
        let mut v: Vec<(i64, String, i64)> = self
            .0
            .into_iter()
            .map(|(f, (d, id))| (f, String::from_utf8_lossy(&d).into_owned(), id))
            .collect();
        v.sort_unstable();
        v
    }
}

fn note_position(
    holdings: &mut std::collections::BTreeSet<(i64, i64)>,
    lps: &mut std::collections::BTreeSet<(i64, i64)>,
    fund: Option<i64>,
    investor: Option<i64>,
    company: Option<i64>,
) {
    match (fund, investor, company) {
        (Some(f), Some(i), _) => {
            lps.insert((f, i));
        }
        (Some(f), None, Some(c)) => {
            holdings.insert((f, c));
        }
        _ => {}
    }
}

/// Result of `backup`.
#[derive(Clone, Debug, Serialize)]
pub struct BackupReport {
    pub path: String,
    pub entries: i64,
    pub head: String,
}

/// Copy a live ledger with SQLite's online backup, then verify the copy: SQLite
/// integrity, an intact hash chain, and a head that matches the source's entry at the
/// same position (the source may have grown meanwhile). The copy is written and
/// verified under a temporary name beside `dest` and moved to `dest` only then, so a
/// failed or killed backup never leaves a file at `dest`.
pub fn backup(ledger: &mut Ledger, dest: &Path) -> Result<BackupReport> {
    if dest.exists() {
        return Err(Error::Ledger(format!(
            "{} already exists; refusing to overwrite it",
            dest.display()
        )));
    }
    let tmp = crate::fsutil::temp_path(dest);
    let verify = (|| -> Result<BackupReport> {
        ledger.backup_to(&tmp)?;
        let report = {
            let mut copy = Ledger::open(&tmp)?;
            audit(&mut copy, &AuditOptions::default())?
        };
        let broken: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| {
                f.code.starts_with("chain")
                    || f.code.starts_with("reference-chain")
                    || f.code == "sqlite-integrity"
                    || f.code == "foreign-key"
            })
            .collect();
        if let Some(f) = broken.first() {
            return Err(Error::Ledger(format!(
                "backup {} failed verification: {}",
                dest.display(),
                f.message
            )));
        }
        let source_hash = ledger.read(|tx| tx.entry_hash(report.entries))?;
        if report.entries > 0 && source_hash.as_deref() != Some(report.head.as_str()) {
            return Err(Error::Ledger(format!(
                "backup {} failed verification: its head does not match the source's entry {}",
                dest.display(),
                report.entries
            )));
        }
        crate::fsutil::publish(&tmp, dest)
            .map_err(|e| Error::Ledger(format!("cannot write {}: {e}", dest.display())))?;
        Ok(BackupReport {
            path: dest.display().to_string(),
            entries: report.entries,
            head: report.head,
        })
    })();
    if verify.is_err() {
        crate::fsutil::discard(&tmp);
    }
    verify
}
