//! Browsing the journal a page at a time (the web view's journal and drill-down).
//!
//! Why keyset pages (`id < before ORDER BY id DESC LIMIT n`) and not OFFSET: a page
//! deep in a journal of millions of entries costs the same as the first one, because
//! SQLite walks the primary key from `before` instead of counting past every row.

use rusqlite::types::Value;

use super::journal::{log_select, logged_row, LoggedEntry};
use super::Tx;
use crate::date::Date;
use crate::error::Result;
use crate::money::Money;

/// Which entries a journal page shows. Empty lists and `None` mean "any".
#[derive(Clone, Debug, Default)]
pub struct JournalQuery {
    /// Entries of these funds (a reversal counts as its original's).
    pub fund_ids: Vec<i64>,
    pub company_id: Option<i64>,
    pub investor_id: Option<i64>,
    pub loan_id: Option<i64>,
    /// The original's kind: `deal-pay` also finds the reversals of deal payments.
    pub kind: Option<String>,
    /// Entries dated on or before this date.
    pub as_of: Option<Date>,
    /// Entries with an id below this (the next page).
    pub before: Option<i64>,
    pub limit: i64,
}

impl JournalQuery {
    /// The WHERE clause over `e` (the entry) and `o` (its original, for a reversal).
    fn filter(&self) -> (String, Vec<Value>) {
        self.filter_on(true)
    }

    /// With `reversals` false, the clause reads only `e`'s own columns: a total skips
    /// reversals anyway, and SQLite can then use the position indexes on
    /// (fund_id, company_id) and (fund_id, investor_id) instead of scanning the journal.
    fn filter_on(&self, reversals: bool) -> (String, Vec<Value>) {
        let col = |c: &str| {
            if reversals {
                format!("COALESCE(e.{c}, o.{c})")
            } else {
                format!("e.{c}")
            }
        };
        let mut w = vec!["1 = 1".to_string()];
        let mut p: Vec<Value> = Vec::new();
        if !self.fund_ids.is_empty() {
            let marks = vec!["?"; self.fund_ids.len()].join(", ");
            w.push(format!("{} IN ({marks})", col("fund_id")));
            p.extend(self.fund_ids.iter().map(|&id| Value::Integer(id)));
        }
        for (c, v) in [
            ("company_id", self.company_id),
            ("investor_id", self.investor_id),
            ("loan_id", self.loan_id),
        ] {
            if let Some(id) = v {
                w.push(format!("{} = ?", col(c)));
                p.push(Value::Integer(id));
            }
        }
        if let Some(k) = &self.kind {
            w.push(
                if reversals {
                    "COALESCE(o.kind, e.kind) = ?"
                } else {
                    "e.kind = ?"
                }
                .into(),
            );
            p.push(Value::Text(k.clone()));
            // Implied by the entries' shape checks; said here so that SQLite may use the
            // partial position indexes (they hold only rows with a company or an LP).
            if !reversals && k.starts_with("deal-") {
                w.push("e.company_id IS NOT NULL".into());
            } else if !reversals && k.starts_with("lp-") {
                w.push("e.investor_id IS NOT NULL".into());
            }
        }
        if let Some(d) = self.as_of {
            w.push("e.effective_date <= ?".into());
            p.push(Value::Text(d.to_string()));
        }
        (w.join(" AND "), p)
    }
}

impl Tx<'_> {
    /// One page of the journal, newest first.
    pub fn journal_page(&self, q: &JournalQuery) -> Result<Vec<LoggedEntry>> {
        let (mut w, mut p) = q.filter();
        if let Some(b) = q.before {
            w.push_str(" AND e.id < ?");
            p.push(Value::Integer(b));
        }
        p.push(Value::Integer(q.limit));
        let sql = format!("{} WHERE {w} ORDER BY e.id DESC LIMIT ?", log_select());
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(p), logged_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The sum of the amounts of the entries `q` selects that count (neither reversals
    /// nor reversed), and how many there are. `before` and `limit` are ignored: the
    /// total is over every page. Integer fen, summed by SQLite over an INTEGER column
    /// (which raises an error rather than wrap on overflow).
    pub fn journal_total(&self, q: &JournalQuery) -> Result<(Money, i64)> {
        let (w, p) = q.filter_on(false);
        let sql = format!(
            "SELECT COALESCE(SUM(e.amount_fen), 0), COUNT(*)
             FROM entries e
             WHERE {w} AND e.kind <> 'reversal'
               AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses = e.id)"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let (fen, n): (i64, i64) = st.query_row(rusqlite::params_from_iter(p), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        Ok((Money::from_fen(fen), n))
    }
}
