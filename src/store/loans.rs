//! Loans, grants and the loan journal.
//!
//! Rates cross this boundary as INTEGER × 10⁸ (`Rate::e8`), money as fen.

use rusqlite::{params, OptionalExtension, Row};

use super::reference::parse_date_col;
use super::Tx;
use crate::date::Date;
use crate::domain::EntryKind;
use crate::error::Result;
use crate::loan::engine::LoanEvent;
use crate::loan::{Grant, Loan, LoanTerms, Rate, SubsidyRule};
use crate::money::Money;

const LOAN_COLS: &str =
    "l.id, l.code, l.borrower, l.borrower_kind, l.principal_fen, l.rate_e8, l.term_months, \
     l.start_date, l.method, l.lpr_e8, l.subsidy, l.guarantor, l.jobs, l.partners";
const LOAN_NCOLS: usize = 14;

/// Entries that count: not reversed (loan and grant entries are never reversals).
/// SQLite evaluates the list of reversed ids once per statement, which halves the cost
/// of a report against a probe per row; `IS NOT NULL` keeps NULL out of the NOT IN.
const NOT_REVERSED: &str = "e.id NOT IN (SELECT reverses FROM entries WHERE reverses IS NOT NULL)";

fn conversion(
    idx: usize,
    e: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())
}

fn parse_col<T: std::str::FromStr>(r: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T::Err: std::fmt::Display,
{
    let s: String = r.get(idx)?;
    s.parse::<T>().map_err(|e| conversion(idx, e.to_string()))
}

/// A loan from `LOAN_COLS` starting at column `o`.
fn loan_at(r: &Row<'_>, o: usize) -> rusqlite::Result<Loan> {
    super::named_row_at(r, "loan", o, loan_fields(r, o))
}

fn loan_fields(r: &Row<'_>, o: usize) -> rusqlite::Result<Loan> {
    let subsidy: String = r.get(o + 10)?;
    Ok(Loan {
        id: r.get(o)?,
        code: r.get(o + 1)?,
        borrower: r.get(o + 2)?,
        borrower_kind: parse_col(r, o + 3)?,
        terms: LoanTerms {
            principal: Money::from_fen(r.get(o + 4)?),
            rate: Rate::from_e8(r.get(o + 5)?),
            term_months: r.get(o + 6)?,
            start: parse_date_col(o + 7, Some(r.get(o + 7)?))?.expect("start_date is NOT NULL"),
            method: parse_col(r, o + 8)?,
            lpr: r.get::<_, Option<i64>>(o + 9)?.map(Rate::from_e8),
            subsidy: SubsidyRule::parse(&subsidy).map_err(|e| conversion(o + 10, e.to_string()))?,
        },
        guarantor: r.get(o + 11)?,
        jobs: r.get(o + 12)?,
        partners: r.get(o + 13)?,
    })
}

/// A loan event from (id, kind, effective_date, amount_fen, interest_fen, subsidy_fen)
/// starting at column `o`.
fn event_at(r: &Row<'_>, o: usize) -> rusqlite::Result<LoanEvent> {
    super::named_row_at(r, "entry", o, event_fields(r, o))
}

fn event_fields(r: &Row<'_>, o: usize) -> rusqlite::Result<LoanEvent> {
    Ok(LoanEvent {
        id: r.get(o)?,
        // Borrowed text, parsed in place: a report reads ~10⁵ of these rows.
        kind: r
            .get_ref(o + 1)?
            .as_str()?
            .parse::<EntryKind>()
            .map_err(|e| conversion(o + 1, e))?,
        date: r
            .get_ref(o + 2)?
            .as_str()?
            .parse::<Date>()
            .map_err(|e| conversion(o + 2, e.to_string()))?,
        amount: r.get::<_, Option<i64>>(o + 3)?.map(Money::from_fen),
        interest: r.get::<_, Option<i64>>(o + 4)?.map(Money::from_fen),
        subsidy: r.get::<_, Option<i64>>(o + 5)?.map(Money::from_fen),
    })
}

/// A grant with its payment, for `grant list`.
#[derive(Clone, Debug)]
pub struct GrantRow {
    pub grant: Grant,
    pub entry_id: i64,
    pub date: Date,
    pub amount: Money,
    pub reversed_by: Option<i64>,
}

impl Tx<'_> {
    pub fn insert_loan(&self, l: &Loan) -> Result<i64> {
        let t = &l.terms;
        self.conn().execute(
            "INSERT INTO loans (code, borrower, borrower_kind, principal_fen, rate_e8, term_months, start_date,
                 method, lpr_e8, subsidy, guarantor, jobs, partners, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                l.code,
                l.borrower,
                l.borrower_kind.as_str(),
                t.principal.fen(),
                t.rate.e8(),
                t.term_months,
                t.start.to_string(),
                t.method.as_str(),
                t.lpr.map(Rate::e8),
                t.subsidy.to_string(),
                l.guarantor,
                l.jobs,
                l.partners,
                self.now,
                self.actor
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        self.seal_reference("loans", id)?;
        Ok(id)
    }

    pub fn loan_by_code(&self, code: &str) -> Result<Option<Loan>> {
        let code = &*crate::codes::normalize_code(code);
        let sql = format!("SELECT {LOAN_COLS} FROM loans l WHERE l.code = ?1");
        Ok(self
            .conn()
            .query_row(&sql, [code], |r| loan_at(r, 0))
            .optional()?)
    }

    pub fn loan_by_id(&self, id: i64) -> Result<Option<Loan>> {
        let sql = format!("SELECT {LOAN_COLS} FROM loans l WHERE l.id = ?1");
        Ok(self
            .conn()
            .query_row(&sql, [id], |r| loan_at(r, 0))
            .optional()?)
    }

    /// Every loan, in the order registered.
    pub fn loans(&self) -> Result<Vec<Loan>> {
        let sql = format!("SELECT {LOAN_COLS} FROM loans l ORDER BY l.id");
        let mut st = self.conn().prepare(&sql)?;
        let rows = st
            .query_map([], |r| loan_at(r, 0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn loan_codes(&self) -> Result<Vec<String>> {
        let mut st = self.conn().prepare("SELECT code FROM loans")?;
        let rows = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Every effective entry of one loan, all dates, in journal order.
    pub fn loan_events(&self, loan_id: i64) -> Result<Vec<LoanEvent>> {
        let sql = format!(
            "SELECT e.id, e.kind, e.effective_date, e.amount_fen, e.interest_fen, e.subsidy_fen
             FROM entries e WHERE e.loan_id = ?1 AND {NOT_REVERSED} ORDER BY e.id"
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st
            .query_map([loan_id], |r| event_at(r, 0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Stream every loan with its effective entries dated on or before `as_of`, loans
    /// with none included (for listings), in loan order: one query that SQLite answers
    /// in index order, without sorting. Memory holds one loan's entries at a time.
    pub fn for_each_loan(
        &self,
        as_of: Date,
        mut on_loan: impl FnMut(Loan, Vec<LoanEvent>) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "SELECT {LOAN_COLS}, e.id, e.kind, e.effective_date, e.amount_fen, e.interest_fen, e.subsidy_fen
             FROM loans l
             LEFT JOIN entries e ON e.loan_id = l.id AND e.effective_date <= ?1 AND {NOT_REVERSED}
             ORDER BY l.id, e.effective_date, e.id"
        );
        let mut st = self.conn().prepare(&sql)?;
        let mut rows = st.query([as_of.to_string()])?;
        let mut current: Option<(Loan, Vec<LoanEvent>)> = None;
        while let Some(r) = rows.next()? {
            let loan_id: i64 = r.get(0)?;
            if current.as_ref().is_none_or(|(l, _)| l.id != loan_id) {
                if let Some((l, evs)) = current.take() {
                    on_loan(l, evs)?;
                }
                current = Some((loan_at(r, 0)?, Vec::new()));
            }
            if r.get::<_, Option<i64>>(LOAN_NCOLS)?.is_some() {
                let e = event_at(r, LOAN_NCOLS)?;
                current.as_mut().expect("set above").1.push(e);
            }
        }
        if let Some((l, evs)) = current.take() {
            on_loan(l, evs)?;
        }
        Ok(())
    }

    /// Stream the loan book as of `as_of` for `report loans` with one query: every
    /// effective grant payment first, then each loan that has effective entries dated
    /// on or before `as_of`, with them. Driven by the journal's `(loan_id,
    /// effective_date)` index, so SQLite streams rows in order without sorting (grants
    /// have no loan, and NULL sorts first).
    pub fn for_each_loan_and_grant(
        &self,
        as_of: Date,
        mut on_loan: impl FnMut(Loan, Vec<LoanEvent>) -> Result<()>,
        mut on_grant: impl FnMut(Date, Money) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "SELECT {LOAN_COLS}, e.id, e.kind, e.effective_date, e.amount_fen, e.interest_fen, e.subsidy_fen
             FROM entries e LEFT JOIN loans l ON l.id = e.loan_id
             WHERE (e.loan_id IS NOT NULL OR e.grant_id IS NOT NULL)
               AND e.effective_date <= ?1 AND {NOT_REVERSED}
             ORDER BY e.loan_id, e.effective_date, e.id"
        );
        let mut st = self.conn().prepare(&sql)?;
        let mut rows = st.query([as_of.to_string()])?;
        let mut current: Option<(Loan, Vec<LoanEvent>)> = None;
        while let Some(r) = rows.next()? {
            let e = event_at(r, LOAN_NCOLS)?;
            let Some(loan_id) = r.get::<_, Option<i64>>(0)? else {
                on_grant(e.date, e.amount.unwrap_or(Money::ZERO))?;
                continue;
            };
            if current.as_ref().is_none_or(|(l, _)| l.id != loan_id) {
                if let Some((l, evs)) = current.take() {
                    on_loan(l, evs)?;
                }
                current = Some((loan_at(r, 0)?, Vec::new()));
            }
            current.as_mut().expect("set above").1.push(e);
        }
        if let Some((l, evs)) = current.take() {
            on_loan(l, evs)?;
        }
        Ok(())
    }

    pub fn insert_grant(&self, g: &Grant) -> Result<i64> {
        self.conn().execute(
            "INSERT INTO grants (code, recipient, programme, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![g.code, g.recipient, g.programme, self.now, self.actor],
        )?;
        let id = self.conn().last_insert_rowid();
        self.seal_reference("grants", id)?;
        Ok(id)
    }

    pub fn grant_by_code(&self, code: &str) -> Result<Option<Grant>> {
        let code = &*crate::codes::normalize_code(code);
        Ok(self
            .conn()
            .query_row(
                "SELECT id, code, recipient, programme FROM grants WHERE code = ?1",
                [code],
                |r| {
                    Ok(Grant {
                        id: r.get(0)?,
                        code: r.get(1)?,
                        recipient: r.get(2)?,
                        programme: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Every grant, in the order registered.
    pub fn grant_list(&self) -> Result<Vec<Grant>> {
        let mut st = self
            .conn()
            .prepare("SELECT id, code, recipient, programme FROM grants ORDER BY id")?;
        let rows = st
            .query_map([], |r| {
                Ok(Grant {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    recipient: r.get(2)?,
                    programme: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Every grant with its payment entry, reversed ones included, in the order added.
    pub fn grants(&self) -> Result<Vec<GrantRow>> {
        let mut st = self.conn().prepare(
            "SELECT g.id, g.code, g.recipient, g.programme, e.id, e.effective_date, e.amount_fen, r.id
             FROM grants g JOIN entries e ON e.grant_id = g.id AND e.kind = 'grant'
             LEFT JOIN entries r ON r.reverses = e.id
             ORDER BY g.id, e.id",
        )?;
        let rows = st
            .query_map([], |r| {
                Ok(GrantRow {
                    grant: Grant {
                        id: r.get(0)?,
                        code: r.get(1)?,
                        recipient: r.get(2)?,
                        programme: r.get(3)?,
                    },
                    entry_id: r.get(4)?,
                    date: parse_date_col(5, Some(r.get(5)?))?.expect("date is NOT NULL"),
                    amount: Money::from_fen(r.get(6)?),
                    reversed_by: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Ledger;

    /// The loan queries still find their entries through the (partial, since schema
    /// version 6) `entries_loan` index rather than by scanning the journal.
    #[test]
    fn loan_queries_use_the_partial_loan_index() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::create(&dir.path().join("l.db")).unwrap();
        let queries = [
            format!("SELECT e.id FROM entries e WHERE e.loan_id = ?1 AND {NOT_REVERSED} ORDER BY e.id"),
            format!(
                "SELECT {LOAN_COLS}, e.id FROM loans l
                 LEFT JOIN entries e ON e.loan_id = l.id AND e.effective_date <= ?1 AND {NOT_REVERSED}
                 ORDER BY l.id, e.effective_date, e.id"
            ),
            format!(
                "SELECT {LOAN_COLS}, e.id FROM entries e LEFT JOIN loans l ON l.id = e.loan_id
                 WHERE (e.loan_id IS NOT NULL OR e.grant_id IS NOT NULL)
                   AND e.effective_date <= ?1 AND {NOT_REVERSED}
                 ORDER BY e.loan_id, e.effective_date, e.id"
            ),
        ];
        for q in queries {
            let mut st = l
                .connection()
                .prepare(&format!("EXPLAIN QUERY PLAN {q}"))
                .unwrap();
            let plan: Vec<String> = st
                .query_map([1], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let outer = plan
                .iter()
                .find(|d| d.contains(" e ") || d.ends_with(" e"))
                .unwrap_or_else(|| panic!("{plan:?}"));
            assert!(outer.contains("INDEX entries_loan"), "{q}\n{plan:?}");
        }
    }
}
