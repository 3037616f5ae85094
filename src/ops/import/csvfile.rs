//! The import CSV: one file, a `type` column saying what each row is, and the other
//! columns named after the CLI's options (see docs/import.md). Parsing is pure and
//! goes on past bad rows so that every bad row is reported.

use crate::date::{parse_date, Date};
use crate::domain::{EntryKind, FundKind, InvestorType, ProceedsKind};
use crate::error::RowProblem;
use crate::loan::{BorrowerKind, Method, Rate, SubsidyRule};
use crate::money::parse_amount;
use crate::ops::{
    CompanyInput, EntryRequest, FundInput, GrantInput, InvestorInput, LoanEntryRequest, LoanInput,
};

/// A parsed row, with the file row it came from.
#[derive(Clone, Debug)]
pub struct Row {
    pub row: usize,
    pub record: Record,
}

#[derive(Clone, Debug)]
pub enum Record {
    Fund(Box<FundInput>),
    Investor(Box<InvestorInput>),
    Company(Box<CompanyInput>),
    Entry(EntryRequest),
    /// A loan: its terms, and its disbursement on the start date. Boxed, like the
    /// other rare row types, so that a million fund entries stay small in memory.
    Loan(Box<LoanInput>),
    LoanEntry(Box<LoanEntryRequest>),
    Grant(Box<GrantInput>),
    /// A company fact (docs/evaluation.md): applied with the reference rows, in file
    /// order, since no entry depends on it.
    Fact(Box<crate::ops::facts::FactInput>),
}

impl Record {
    /// Reference rows sort before entries; entries (loans by their start date) sort by date.
    pub fn date(&self) -> Option<Date> {
        match self {
            Record::Entry(e) => Some(e.date),
            Record::Loan(l) => Some(l.start),
            Record::LoanEntry(e) => Some(e.date),
            Record::Grant(g) => Some(g.date),
            _ => None,
        }
    }
}

fn loan_entry_kind(t: &str) -> Option<EntryKind> {
    use EntryKind::*;
    let k = t.parse::<EntryKind>().ok()?;
    matches!(
        k,
        LoanRepay | LoanDefault | LoanCompensate | LoanRecover | LoanWriteOff
    )
    .then_some(k)
}

/// Every column the format knows; anything else is refused so a typo in a header
/// is not silently ignored.
pub const COLUMNS: &[&str] = &[
    "type",
    "code",
    "name",
    "kind",
    "parent",
    "manager",
    "inception",
    "region",
    "investor_type",
    "sector",
    "uscc",
    "fund",
    "investor",
    "company",
    "amount",
    "date",
    "detail",
    "memo",
    "borrower",
    "borrower_kind",
    "principal",
    "rate",
    "term_months",
    "start",
    "method",
    "lpr",
    "subsidy",
    "guarantor",
    "jobs",
    "partners",
    "loan",
    "recipient",
    "programme",
    "reinvest_weight",
    "stage",
    "fact",
    "round",
    "lead",
];

/// The position in [`COLUMNS`] of a column name the parser asks for. A `match` rather
/// than a search or a hash: it runs several times for every row of a large file.
fn column_index(c: &str) -> usize {
    match c {
        "type" => 0,
        "code" => 1,
        "name" => 2,
        "kind" => 3,
        "parent" => 4,
        "manager" => 5,
        "inception" => 6,
        "region" => 7,
        "investor_type" => 8,
        "sector" => 9,
        "uscc" => 10,
        "fund" => 11,
        "investor" => 12,
        "company" => 13,
        "amount" => 14,
        "date" => 15,
        "detail" => 16,
        "memo" => 17,
        "borrower" => 18,
        "borrower_kind" => 19,
        "principal" => 20,
        "rate" => 21,
        "term_months" => 22,
        "start" => 23,
        "method" => 24,
        "lpr" => 25,
        "subsidy" => 26,
        "guarantor" => 27,
        "jobs" => 28,
        "partners" => 29,
        "loan" => 30,
        "recipient" => 31,
        "programme" => 32,
        "reinvest_weight" => 33,
        "stage" => 34,
        "fact" => 35,
        "round" => 36,
        "lead" => 37,
        other => unreachable!("the parser asked for an unknown column {other}"),
    }
}

/// For each of [`COLUMNS`], which field of a record holds it (the file's header may
/// name columns in any order, and leave any out).
type ColumnMap = [Option<usize>; COLUMNS.len()];

struct Fields<'a> {
    row: usize,
    columns: &'a ColumnMap,
    record: &'a csv::StringRecord,
    problems: Vec<RowProblem>,
}

impl<'a> Fields<'a> {
    fn problem(&mut self, column: &str, value: &str, reason: impl Into<String>) {
        self.problems.push(RowProblem {
            row: self.row,
            column: column.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        });
    }
    fn opt(&self, c: &str) -> Option<String> {
        self.columns[column_index(c)]
            .and_then(|i| self.record.get(i))
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
            .map(String::from)
    }
    fn req(&mut self, c: &str) -> String {
        match self.opt(c) {
            Some(v) => v,
            None => {
                self.problem(c, "", "required for this type of row");
                String::new()
            }
        }
    }
    fn parse<T>(
        &mut self,
        c: &str,
        required: bool,
        f: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let v = if required {
            Some(self.req(c)).filter(|v| !v.is_empty())
        } else {
            self.opt(c)
        };
        let v = v?;
        match f(&v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problem(c, &v, e);
                None
            }
        }
    }
    fn date(&mut self, c: &str, required: bool) -> Option<Date> {
        self.parse(c, required, |v| parse_date(v).map_err(|e| e.to_string()))
    }
}

fn entry_kind(t: &str) -> Option<EntryKind> {
    use EntryKind::*;
    let k = t.parse::<EntryKind>().ok()?;
    matches!(
        k,
        LpCommit
            | LpPay
            | LpDistribute
            | DealCommit
            | DealPay
            | DealValue
            | DealProceeds
            | DealWriteOff
    )
    .then_some(k)
}

fn parse_row(f: &mut Fields<'_>) -> Option<Record> {
    let t = f.req("type");
    let record = match t.as_str() {
        "" => return None,
        "fund" => {
            let code = f.req("code");
            let name = f.req("name");
            let kind = f.parse("kind", true, |v| v.parse::<FundKind>());
            let inception = f.date("inception", false);
            Record::Fund(Box::new(FundInput {
                code,
                name,
                kind: kind?,
                parent: f.opt("parent"),
                manager: f.opt("manager"),
                inception,
                region: f.opt("region"),
            }))
        }
        "investor" => {
            let code = f.req("code");
            let name = f.req("name");
            let investor_type = f.parse("investor_type", true, |v| v.parse::<InvestorType>())?;
            Record::Investor(Box::new(InvestorInput {
                code,
                name,
                investor_type,
            }))
        }
        "company" => Record::Company(Box::new(CompanyInput {
            code: f.req("code"),
            name: f.req("name"),
            sector: f.opt("sector"),
            region: f.opt("region"),
            uscc: f.opt("uscc"),
            stage: f.opt("stage"),
        })),
        "company-fact" => {
            use crate::eval::FactKind;
            let company = f.req("company");
            let date = f.date("date", true);
            let kind = f.parse("fact", true, |v| v.parse::<FactKind>());
            let jobs = f.parse("jobs", false, |v| {
                v.parse::<i64>()
                    .map_err(|_| format!("jobs '{v}' is not a whole number"))
            });
            let amount = f.parse("amount", false, |v| {
                parse_amount(v).map_err(|e| e.to_string())
            });
            let lead = f.parse("lead", false, |v| match v.to_ascii_lowercase().as_str() {
                "yes" | "true" | "1" | "是" => Ok(true),
                "no" | "false" | "0" | "否" => Ok(false),
                _ => Err(format!("lead '{v}' is not yes or no")),
            });
            let kind = kind?;
            Record::Fact(Box::new(crate::ops::facts::FactInput {
                company,
                kind,
                date: date?,
                jobs,
                amount,
                round: f.opt("round"),
                lead: lead.or((kind == FactKind::Financing).then_some(false)),
                stage: f.opt("stage"),
                memo: f.opt("memo"),
            }))
        }
        "loan" => {
            let code = f.req("code");
            let borrower = f.req("borrower");
            let borrower_kind = f.parse("borrower_kind", true, |v| v.parse::<BorrowerKind>());
            let principal = f.parse("principal", true, |v| {
                parse_amount(v).map_err(|e| e.to_string())
            });
            let rate = f.parse("rate", true, |v| {
                Rate::parse("rate", v).map_err(|e| e.to_string())
            });
            let term_months = f.parse("term_months", true, |v| {
                v.parse::<i64>()
                    .map_err(|_| "not a whole number of months".to_string())
            });
            let start = f.date("start", true);
            let method = f.parse("method", true, |v| v.parse::<Method>());
            let lpr = f.parse("lpr", false, |v| {
                Rate::parse("lpr", v).map_err(|e| e.to_string())
            });
            let subsidy = f.parse("subsidy", false, |v| {
                SubsidyRule::parse(v).map_err(|e| e.to_string())
            });
            let int = |f: &mut Fields<'_>, c: &str| {
                f.parse(c, false, |v| {
                    v.parse::<i64>()
                        .map_err(|_| "not a whole number".to_string())
                })
            };
            let jobs = int(f, "jobs");
            let partners = int(f, "partners");
            Record::Loan(Box::new(LoanInput {
                code,
                borrower,
                borrower_kind: borrower_kind?,
                principal: principal?,
                rate: rate?,
                term_months: term_months?,
                start: start?,
                method: method?,
                lpr,
                subsidy: match subsidy {
                    Some(s) => s,
                    None => SubsidyRule::parse("none").ok()?,
                },
                guarantor: f.opt("guarantor"),
                jobs,
                partners,
                memo: f.opt("memo"),
            }))
        }
        "grant" => {
            let code = f.req("code");
            let recipient = f.req("recipient");
            let amount = f.parse("amount", true, |v| {
                parse_amount(v).map_err(|e| e.to_string())
            });
            let date = f.date("date", true);
            Record::Grant(Box::new(GrantInput {
                code,
                recipient,
                amount: amount?,
                date: date?,
                programme: f.opt("programme"),
                memo: f.opt("memo"),
            }))
        }
        other if loan_entry_kind(other).is_some() => {
            let kind = loan_entry_kind(other)?;
            let loan = f.req("loan");
            let needs_amount = matches!(
                kind,
                EntryKind::LoanRepay | EntryKind::LoanCompensate | EntryKind::LoanRecover
            );
            let amount = if needs_amount {
                Some(f.parse("amount", true, |v| {
                    parse_amount(v).map_err(|e| e.to_string())
                })?)
            } else {
                None
            };
            let date = f.date("date", true);
            Record::LoanEntry(Box::new(LoanEntryRequest {
                loan,
                kind,
                amount,
                date: date?,
                memo: f.opt("memo"),
            }))
        }
        other => {
            let Some(kind) = entry_kind(other) else {
                f.problem(
                    "type",
                    other,
                    format!(
                        "unknown row type; expected fund, investor, company, loan, grant, or an entry type ({})",
                        "lp-commit, lp-pay, lp-distribute, deal-commit, deal-pay, deal-value, deal-proceeds, deal-write-off, \
                         loan-repay, loan-default, loan-compensate, loan-recover, loan-write-off"
                    ),
                );
                return None;
            };
            let is_lp = kind.is_lp();
            let fund = f.req("fund");
            let counterparty = f.req(if is_lp { "investor" } else { "company" });
            let amount = if kind == EntryKind::DealWriteOff {
                None
            } else {
                f.parse("amount", true, |v| {
                    parse_amount(v).map_err(|e| e.to_string())
                })
            };
            let date = f.date("date", true);
            let detail = match kind {
                EntryKind::DealProceeds => f.parse("detail", true, |v| {
                    v.parse::<ProceedsKind>().map(|k| k.as_str().to_string())
                }),
                EntryKind::DealValue => Some(f.opt("detail").unwrap_or_else(|| "appraisal".into())),
                _ => f.opt("detail"),
            };
            // 返投 recognition weight: deal commitments only (docs/leverage.md).
            let reinvest_weight = f.parse("reinvest_weight", false, |v| {
                if kind == EntryKind::DealCommit {
                    crate::policy::parse_weight(v).map_err(|e| e.to_string())
                } else {
                    Err("only a deal-commit row takes a 返投 weight".into())
                }
            });
            if kind != EntryKind::DealWriteOff && amount.is_none() {
                return None;
            }
            Record::Entry(EntryRequest {
                kind,
                fund,
                counterparty,
                amount,
                date: date?,
                detail,
                memo: f.opt("memo"),
                reinvest_weight,
            })
        }
    };
    Some(record)
}

/// Parse a whole file. Returns the good rows, and the problems of every bad row.
pub fn parse(text: &str) -> (Vec<Row>, Vec<RowProblem>) {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for_each(text, |r| match r {
        Ok(row) => rows.push(row),
        Err(p) => problems.push(p),
    });
    (rows, problems)
}

/// Where a good dated row (an entry, loan or grant) is in the file, so that rows can be
/// applied in date order without all of them being held parsed in memory. 24 bytes.
#[derive(Clone, Debug)]
pub struct EntryKey {
    pub date: Date,
    /// The row number reported to the user.
    row: u32,
    /// The CSV record's index and byte offset, to seek back to it.
    record: u32,
    byte: u64,
}

impl EntryKey {
    pub fn row(&self) -> usize {
        self.row as usize
    }

    fn position(&self) -> csv::Position {
        let mut p = csv::Position::new();
        p.set_byte(self.byte).set_record(u64::from(self.record));
        p
    }
}

/// What a first pass over a file finds.
#[derive(Debug, Default)]
pub struct Scan {
    /// Reference rows (funds, investors, companies), parsed, in file order.
    pub reference: Vec<Row>,
    /// Good dated rows, in date order (stable: same-day rows keep file order).
    pub entries: Vec<EntryKey>,
    /// Whether the file had them in date order already (exports and most sheets do).
    pub ordered: bool,
    /// The problems of every bad row, and how many rows were bad.
    pub problems: Vec<RowProblem>,
    pub bad_rows: usize,
}

/// First pass: the reference rows, where each dated row is, and every problem of a
/// reference row or of a dated row's type or date. The rest of a dated row is parsed,
/// and its problems found, on the second pass ([`rows_at`]), so that a large file is
/// parsed in full once, on the thread that runs beside the writer.
pub fn scan(text: &str) -> Scan {
    let mut scan = Scan {
        ordered: true,
        ..Scan::default()
    };
    let mut last_bad = 0;
    let mut on_problem = |scan: &mut Scan, p: RowProblem| {
        if p.row != last_bad {
            scan.bad_rows += 1;
            last_bad = p.row;
        }
        scan.problems.push(p);
    };
    for_each_record(text, |r| {
        let (columns, record, row, pos) = match r {
            Ok(r) => r,
            Err(p) => return on_problem(&mut scan, p),
        };
        if let Some(date) = quick_date(columns, record) {
            scan.ordered &= scan.entries.last().is_none_or(|l| l.date <= date);
            scan.entries.push(EntryKey {
                date,
                row: row.try_into().unwrap_or(u32::MAX),
                record: pos.record().try_into().unwrap_or(u32::MAX),
                byte: pos.byte(),
            });
            return;
        }
        match parse_record(columns, record, row) {
            // A dated row whose date `quick_date` could not read is bad, so only
            // reference rows come through here.
            Ok(r) => scan.reference.push(r),
            Err(problems) => problems.into_iter().for_each(|p| on_problem(&mut scan, p)),
        }
    });
    if !scan.ordered {
        // Stable: same-day rows keep their order in the file.
        scan.entries.sort_by_key(|k| (k.date, k.row));
    }
    scan
}

/// The date of a dated row (entry, loan or grant), read without parsing the rest of
/// it; `None` for reference rows and for a missing or bad type or date, which the full
/// parse then reports.
fn quick_date(columns: &ColumnMap, record: &csv::StringRecord) -> Option<Date> {
    let get = |c: &str| {
        columns[column_index(c)]
            .and_then(|i| record.get(i))
            .map(str::trim)
    };
    let column = match get("type")? {
        "loan" => "start",
        "grant" => "date",
        t if entry_kind(t).is_some() || loan_entry_kind(t).is_some() => "date",
        _ => return None,
    };
    parse_date(get(column)?).ok()
}

/// Second pass: parse the rows at `keys`, in the order given, handing each to `f`.
/// Keys in file order are read straight through; others are reached by seeking.
pub fn rows_at(
    text: &str,
    keys: &[EntryKey],
    mut f: impl FnMut(Result<Row, Vec<RowProblem>>) -> bool,
) {
    let in_file_order = keys.windows(2).all(|w| w[0].row < w[1].row);
    // Every seek refills the reader's buffer, so a seeking reader gets a small one.
    let buffer = if in_file_order { 64 * 1024 } else { 512 };
    let mut reader = open(text, buffer, &mut |_, _| {});
    let mut record = csv::StringRecord::new();
    let mut skip = csv::ByteRecord::new();
    for k in keys {
        // The first pass read this row, so failing to read it again is a fault of this
        // program, never a reason to leave the row out: it becomes a problem.
        let read = match &mut reader {
            None => Err("the header cannot be read".to_string()),
            Some((_, rdr)) => if in_file_order {
                skip_to(rdr, u64::from(k.record), &mut skip)
            } else {
                rdr.seek(k.position()).map_err(|e| e.to_string())
            }
            .and_then(|()| match rdr.read_record(&mut record) {
                Ok(true) => Ok(()),
                Ok(false) => Err("the file ends before it".to_string()),
                Err(e) => Err(e.to_string()),
            }),
        };
        let parsed = match (read, &reader) {
            (Ok(()), Some((columns, _))) => parse_record(columns, &record, k.row()),
            (Err(why), _) => Err(vec![RowProblem {
                row: k.row(),
                column: String::new(),
                value: String::new(),
                reason: format!("internal error: the row could not be read a second time ({why})"),
            }]),
            (Ok(()), None) => unreachable!("a row is read only through a reader"),
        };
        if !f(parsed) {
            return; // the caller has stopped
        }
    }
}

/// Read past records (reference rows, bad rows) up to record number `record`.
fn skip_to(
    rdr: &mut csv::Reader<std::io::Cursor<&[u8]>>,
    record: u64,
    skip: &mut csv::ByteRecord,
) -> Result<(), String> {
    while rdr.position().record() < record {
        let at = rdr.position().byte();
        match rdr.read_byte_record(skip) {
            Ok(true) => {}
            Ok(false) => return Err("the file ends before it".into()),
            // A bad record on the way was reported by the first pass; go past it.
            Err(_) if rdr.position().byte() > at => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(())
}

/// A reader past the header, and the header's column map; problems with the header
/// go to `f` and give `None`.
fn open<'t>(
    text: &'t str,
    buffer: usize,
    f: &mut dyn FnMut(Result<Row, RowProblem>, &csv::Position),
) -> Option<(ColumnMap, csv::Reader<std::io::Cursor<&'t [u8]>>)> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(buffer)
        .from_reader(std::io::Cursor::new(text.as_bytes()));
    let start = csv::Position::new();
    let headers: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|h| h.trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            f(
                Err(RowProblem {
                    row: 1,
                    column: String::new(),
                    value: String::new(),
                    reason: e.to_string(),
                }),
                &start,
            );
            return None;
        }
    };
    let mut header_ok = true;
    let mut columns: ColumnMap = [None; COLUMNS.len()];
    for (i, h) in headers.iter().enumerate() {
        if h.is_empty() {
            continue;
        }
        match COLUMNS.iter().position(|c| c == h) {
            // A column named twice: which of its cells counts would be a guess.
            Some(c) if columns[c].is_some() => {
                header_ok = false;
                f(
                    Err(RowProblem {
                        row: 1,
                        column: h.clone(),
                        value: h.clone(),
                        reason: format!(
                            "column '{h}' appears twice in the header (columns {} and {}); name each column once",
                            columns[c].expect("checked") + 1,
                            i + 1
                        ),
                    }),
                    &start,
                );
            }
            Some(c) => {
                columns[c] = Some(i);
            }
            None => {
                header_ok = false;
                f(
                    Err(RowProblem {
                        row: 1,
                        column: h.clone(),
                        value: h.clone(),
                        reason: format!("unknown column; the columns are {}", COLUMNS.join(", ")),
                    }),
                    &start,
                );
            }
        }
    }
    if columns[column_index("type")].is_none() {
        header_ok = false;
        f(
            Err(RowProblem {
                row: 1,
                column: "type".into(),
                value: String::new(),
                reason: "the header has no 'type' column".into(),
            }),
            &start,
        );
    }
    header_ok.then_some((columns, rdr))
}

/// One record to a row, or the problems that make it bad.
fn parse_record(
    columns: &ColumnMap,
    record: &csv::StringRecord,
    row: usize,
) -> Result<Row, Vec<RowProblem>> {
    let mut fields = Fields {
        row,
        columns,
        record,
        problems: Vec::new(),
    };
    let parsed = parse_row(&mut fields);
    // A value in a cell the header does not name (past its end, or under an empty
    // header cell) would be lost: the row is refused instead. Empty cells lose nothing.
    for (i, v) in record.iter().enumerate() {
        if !v.trim().is_empty() && !columns.contains(&Some(i)) {
            fields.problems.push(RowProblem {
                row,
                column: format!("#{}", i + 1),
                value: v.to_string(),
                reason: format!(
                    "cell {} has a value but the header names no column there; the row has more cells than the header",
                    i + 1
                ),
            });
        }
    }
    match parsed {
        Some(record) if fields.problems.is_empty() => Ok(Row { row, record }),
        _ => Err(fields.problems),
    }
}

/// A record with its column map, row number and position, or a problem with the file
/// at that row.
type RawRecord<'r> = (
    &'r ColumnMap,
    &'r csv::StringRecord,
    usize,
    &'r csv::Position,
);

/// Go through a file's records one by one (blank ones skipped), so that a caller can
/// go through a large file without holding all its rows.
fn for_each_record(text: &str, mut f: impl FnMut(Result<RawRecord<'_>, RowProblem>)) {
    let Some((columns, mut rdr)) = open(text, 64 * 1024, &mut |r, _| {
        if let Err(p) = r {
            f(Err(p));
        }
    }) else {
        return;
    };
    let mut record = csv::StringRecord::new();
    let mut i = 0;
    loop {
        let row = i + 2;
        i += 1;
        match rdr.read_record(&mut record) {
            Ok(false) => return,
            Ok(true) => {}
            Err(e) => {
                f(Err(RowProblem {
                    row,
                    column: String::new(),
                    value: String::new(),
                    reason: e.to_string(),
                }));
                continue;
            }
        }
        if record.iter().all(|v| v.trim().is_empty()) {
            continue; // Excel leaves blank lines at the end
        }
        let pos = record
            .position()
            .cloned()
            .unwrap_or_else(csv::Position::new);
        f(Ok((&columns, &record, row, &pos)));
    }
}

/// Parse a file row by row, handing each good row or each problem to `f`.
fn for_each(text: &str, mut f: impl FnMut(Result<Row, RowProblem>)) {
    for_each_record(text, |r| match r {
        Ok((columns, record, row, _)) => match parse_record(columns, record, row) {
            Ok(r) => f(Ok(r)),
            Err(problems) => problems.into_iter().for_each(|p| f(Err(p))),
        },
        Err(p) => f(Err(p)),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_row_is_reported() {
        let text = "type,code,name,kind,fund,company,amount,date\n\
                    fund,F,基金,guidance,,,,\n\
                    deal-pay,,,,F,C,12.345,2021/3/1\n\
                    deal-pay,,,,F,C,100,2021-02-30\n\
                    bogus,,,,,,,\n\
                    deal-commit,,,,F,C,8095万,2021年3月1日\n";
        let (rows, problems) = parse(text);
        assert_eq!(rows.len(), 2);
        let got: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect();
        assert_eq!(got, vec![(3, "amount"), (4, "date"), (5, "type")]);
        match &rows[1].record {
            Record::Entry(e) => {
                assert_eq!(e.amount.unwrap().to_plain(), "80950000.00");
                assert_eq!(e.date.to_string(), "2021-03-01");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn column_index_matches_columns() {
        for (i, c) in COLUMNS.iter().enumerate() {
            assert_eq!(column_index(c), i, "{c}");
        }
    }

    #[test]
    fn unknown_columns_are_refused() {
        let (_, p) = parse("type,amount,ammount\n");
        assert_eq!(p[0].column, "ammount");
    }

    #[test]
    fn a_column_named_twice_is_refused() {
        let (rows, p) =
            parse("type,fund,company,amount,date,amount\ndeal-pay,S,A,100,2021-01-01,200\n");
        assert!(rows.is_empty());
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].row, p[0].column.as_str()), (1, "amount"));
        assert!(p[0].reason.contains("columns 4 and 6"), "{p:?}");
    }

    #[test]
    fn cells_past_the_header_are_refused_unless_empty() {
        let (rows, p) = parse(
            "type,fund,company,amount,date\n\
             deal-pay,S,A,100,2021-01-01,oops\n\
             deal-pay,S,A,100,2021-01-02,,\n",
        );
        assert_eq!(rows.len(), 1, "{p:?}");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            (p[0].row, p[0].column.as_str(), p[0].value.as_str()),
            (2, "#6", "oops")
        );
    }
}
