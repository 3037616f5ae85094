//! The journal: append, look up, and stream entries.

use rusqlite::{params, OptionalExtension, Row};

use super::cache::Side;
use super::reference::parse_date_col;
use super::Tx;
use crate::date::Date;
use crate::domain::{Entry, EntryKind, LoanFields, NewEntry};
use crate::error::{Error, Result};
use crate::hashchain;
use crate::money::Money;
use crate::policy::Factor;
use crate::rules::Event;

pub(crate) const ENTRY_COLS: &str =
    "e.id, e.kind, e.effective_date, e.recorded_at, e.recorded_by, e.memo, \
     e.fund_id, e.investor_id, e.company_id, e.amount_fen, e.detail, e.reverses, e.reinvest_weight_bp, \
     e.loan_id, e.grant_id, e.interest_fen, e.subsidy_fen";

/// Number of columns in `ENTRY_COLS`; queries that select more read them from here on.
const ENTRY_NCOLS: usize = 17;

/// Entries that count in reports: not reversals and not reversed.
pub(super) const EFFECTIVE: &str =
    "e.kind <> 'reversal' AND NOT EXISTS (SELECT 1 FROM entries r WHERE r.reverses = e.id)";

/// An entry from a row of `ENTRY_COLS`; a value it cannot hold (an unknown kind, an
/// impossible date, an amount out of range) names the entry and the column.
pub(super) fn entry_row(r: &Row<'_>) -> rusqlite::Result<Entry> {
    super::named_row(r, "entry", entry_fields(r))
}

/// A stored amount in fen, at most the largest input amount (so sums stay exact) and
/// positive or, with `zero_ok`, not negative.
pub(super) fn fen_col(r: &Row<'_>, idx: usize, zero_ok: bool) -> rusqlite::Result<Option<Money>> {
    let Some(fen) = r.get::<_, Option<i64>>(idx)? else {
        return Ok(None);
    };
    let max = crate::money::MAX_INPUT_YUAN * 100;
    if fen > max || fen < 0 || (fen == 0 && !zero_ok) {
        return Err(rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Integer,
            format!("fen must be {} to {max}", if zero_ok { 0 } else { 1 }).into(),
        ));
    }
    Ok(Some(Money::from_fen(fen)))
}

fn entry_fields(r: &Row<'_>) -> rusqlite::Result<Entry> {
    let kind: String = r.get(1)?;
    let date: String = r.get(2)?;
    Ok(Entry {
        id: r.get(0)?,
        kind: kind.parse::<EntryKind>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, e.into())
        })?,
        date: parse_date_col(2, Some(date))?.expect("a date was given"),
        recorded_at: r.get(3)?,
        recorded_by: r.get(4)?,
        memo: r.get(5)?,
        fund_id: r.get(6)?,
        investor_id: r.get(7)?,
        company_id: r.get(8)?,
        amount: fen_col(r, 9, false)?,
        detail: r.get(10)?,
        reverses: r.get(11)?,
        reinvest_weight: r.get::<_, Option<i64>>(12)?.map(Factor::from_bp),
        loan: LoanFields {
            loan_id: r.get(13)?,
            grant_id: r.get(14)?,
            interest: fen_col(r, 15, true)?,
            subsidy: fen_col(r, 16, true)?,
        },
    })
}

/// One position of a fund, ((is an LP position, investor or company id), its events).
pub type PositionEvents = ((bool, i64), Vec<Event>);

/// Which entries `log` shows.
#[derive(Clone, Debug, Default)]
pub struct EntryFilter {
    pub fund_id: Option<i64>,
}

/// The journal as `log` shows it: each entry with the codes it refers to (a reversal
/// with its original's) and the id of its reversal, read by [`logged_row`]. Callers
/// add their WHERE and ORDER BY.
pub(super) fn log_select() -> String {
    format!(
        "SELECT {ENTRY_COLS}, f.code, i.code, c.code, r.id, l.code, g.code
         FROM entries e
         LEFT JOIN entries o ON o.id = e.reverses
         LEFT JOIN funds f ON f.id = COALESCE(e.fund_id, o.fund_id)
         LEFT JOIN investors i ON i.id = COALESCE(e.investor_id, o.investor_id)
         LEFT JOIN companies c ON c.id = COALESCE(e.company_id, o.company_id)
         LEFT JOIN entries r ON r.reverses = e.id
         LEFT JOIN loans l ON l.id = COALESCE(e.loan_id, o.loan_id)
         LEFT JOIN grants g ON g.id = COALESCE(e.grant_id, o.grant_id)"
    )
}

/// One row of [`log_select`].
pub(super) fn logged_row(r: &Row<'_>) -> rusqlite::Result<LoggedEntry> {
    Ok(LoggedEntry {
        entry: entry_row(r)?,
        fund: r.get(ENTRY_NCOLS)?,
        investor: r.get(ENTRY_NCOLS + 1)?,
        company: r.get(ENTRY_NCOLS + 2)?,
        reversed_by: r.get(ENTRY_NCOLS + 3)?,
        loan: r.get(ENTRY_NCOLS + 4)?,
        grant: r.get(ENTRY_NCOLS + 5)?,
    })
}

/// An entry with the codes it refers to, for listing.
#[derive(Clone, Debug)]
pub struct LoggedEntry {
    pub entry: Entry,
    pub fund: Option<String>,
    pub investor: Option<String>,
    pub company: Option<String>,
    pub reversed_by: Option<i64>,
    pub loan: Option<String>,
    pub grant: Option<String>,
}

impl Tx<'_> {
    /// Append an entry at the end of the journal, chaining its hash to the last one.
    /// Must run inside [`super::Ledger::write`] (IMMEDIATE), which serialises writers so
    /// the chain cannot fork.
    pub fn append_entry(&self, n: &NewEntry) -> Result<i64> {
        let tail = self.chain_tail()?;
        let sealed = {
            let stamp = self.stamp.borrow();
            let (at, by) = match &*stamp {
                Some((at, by)) => (at.as_str(), by.as_str()),
                None => (self.now.as_str(), self.actor.as_str()),
            };
            hashchain::seal((tail.0, &tail.1), n, at, by)
        };
        self.insert_sealed(n, sealed)
    }

    /// The (id, hash) of the last entry; (0, [`hashchain::GENESIS`]) for an empty journal.
    pub fn chain_tail(&self) -> Result<(i64, String)> {
        if let Some(t) = &self.cache.borrow().tail {
            return Ok(t.clone());
        }
        let last: Option<(i64, String)> = self
            .cached_row(
                "SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let tail = last.unwrap_or_else(|| (0, hashchain::GENESIS.to_string()));
        self.cache.borrow_mut().tail = Some(tail.clone());
        Ok(tail)
    }

    /// Write an entry sealed against the chain's tail (by [`Tx::append_entry`], or ahead
    /// of time by a bulk import's checking thread). Refuses a seal that does not follow
    /// the current tail, so the chain can never fork or skip.
    pub fn insert_sealed(&self, n: &NewEntry, s: hashchain::Sealed) -> Result<i64> {
        if self.cache.borrow().tail.is_none() {
            self.chain_tail()?;
        }
        if let Some((id, hash)) = &self.cache.borrow().tail {
            if s.id != id + 1 || s.prev_hash != *hash {
                return Err(Error::Ledger(format!(
                    "internal error: entry {} was sealed after entry {} but the journal ends at entry {id}",
                    s.id,
                    s.id - 1,
                )));
            }
        }
        let mut insert = self.insert_entry.borrow_mut();
        if insert.is_none() {
            *insert = Some(self.conn.prepare(
                "INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by, memo, fund_id,
                     investor_id, company_id, amount_fen, detail, reverses, prev_hash, hash,
                     reinvest_weight_bp, loan_id, grant_id, interest_fen, subsidy_fen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            )?);
        }
        let st = insert.as_mut().expect("prepared above");
        // Bound one by one: SQLite keeps bindings between runs, and `recorded_at` and
        // `recorded_by` are the same for every entry of an import, so they are bound only
        // when they change (each text binding is a copy inside SQLite).
        let mut stamp = self.bound_stamp.borrow_mut();
        if !matches!(&*stamp, Some((at, by)) if *at == s.recorded_at && *by == s.recorded_by) {
            st.raw_bind_parameter(4, &s.recorded_at)?;
            st.raw_bind_parameter(5, &s.recorded_by)?;
            *stamp = Some((s.recorded_at.clone(), s.recorded_by.clone()));
        }
        st.raw_bind_parameter(1, s.id)?;
        st.raw_bind_parameter(2, n.kind.as_str())?;
        st.raw_bind_parameter(3, &s.date)?;
        st.raw_bind_parameter(6, &n.memo)?;
        st.raw_bind_parameter(7, n.fund_id)?;
        st.raw_bind_parameter(8, n.investor_id)?;
        st.raw_bind_parameter(9, n.company_id)?;
        st.raw_bind_parameter(10, n.amount.map(Money::fen))?;
        st.raw_bind_parameter(11, &n.detail)?;
        st.raw_bind_parameter(12, n.reverses)?;
        st.raw_bind_parameter(13, &s.prev_hash)?;
        st.raw_bind_parameter(14, &s.hash)?;
        st.raw_bind_parameter(15, n.reinvest_weight.map(Factor::bp))?;
        st.raw_bind_parameter(16, n.loan.loan_id)?;
        st.raw_bind_parameter(17, n.loan.grant_id)?;
        st.raw_bind_parameter(18, n.loan.interest.map(Money::fen))?;
        st.raw_bind_parameter(19, n.loan.subsidy.map(Money::fen))?;
        let inserted = st.raw_execute();
        if inserted.is_err() {
            // A failed run may leave the statement in any state: bind everything anew.
            *stamp = None;
        }
        inserted?;
        drop(stamp);
        drop(insert);
        {
            let mut cache = self.cache.borrow_mut();
            cache.tail = Some((s.id, s.hash));
            cache.appended(s.id, n);
        }
        self.note_in_summary(s.id, n)?;
        Ok(s.id)
    }

    pub fn entry(&self, id: i64) -> Result<Option<Entry>> {
        let sql = format!("SELECT {ENTRY_COLS} FROM entries e WHERE e.id = ?1");
        Ok(self.cached_row(&sql, [id], entry_row).optional()?)
    }

    /// The id of the reversal of `id`, if it has been reversed.
    pub fn reversal_of(&self, id: i64) -> Result<Option<i64>> {
        Ok(self
            .cached_row("SELECT id FROM entries WHERE reverses = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// The holdings (fund, company) with a commitment that states a 返投 weight,
    /// reversed or not (an index lookup, not a journal scan).
    pub fn weighted_holdings(&self) -> Result<Vec<(i64, i64)>> {
        let mut st = self.conn().prepare_cached(
            "SELECT DISTINCT fund_id, company_id FROM entries
             WHERE reinvest_weight_bp IS NOT NULL AND company_id IS NOT NULL",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Effective entries of one holding (fund → company), all dates, in journal order.
    pub fn holding_entries(&self, fund_id: i64, company_id: i64) -> Result<Vec<Entry>> {
        self.position_sql(fund_id, Side::Holding, company_id)
    }

    pub fn lp_entries(&self, fund_id: i64, investor_id: i64) -> Result<Vec<Entry>> {
        self.position_sql(fund_id, Side::Lp, investor_id)
    }

    /// Run `f` over a holding's effective history as the rules read it, through the
    /// transaction cache (no copy, and no SQL once the position has been read).
    pub fn with_holding_events<R>(
        &self,
        fund_id: i64,
        company_id: i64,
        f: impl FnOnce(&[Event]) -> R,
    ) -> Result<R> {
        self.with_events((fund_id, Side::Holding, company_id), f)
    }

    /// [`Tx::with_holding_events`] for an LP position.
    pub fn with_lp_events<R>(
        &self,
        fund_id: i64,
        investor_id: i64,
        f: impl FnOnce(&[Event]) -> R,
    ) -> Result<R> {
        self.with_events((fund_id, Side::Lp, investor_id), f)
    }

    fn with_events<R>(&self, key: (i64, Side, i64), f: impl FnOnce(&[Event]) -> R) -> Result<R> {
        if let Some(v) = self.cache.borrow().positions.get(&key) {
            return Ok(f(v));
        }
        let was_empty = self.cache.borrow().fund_was_empty.get(&key.0).copied();
        let was_empty = match was_empty {
            Some(b) => b,
            None => {
                let empty = !self.fund_has_entries(key.0)?;
                self.cache.borrow_mut().fund_was_empty.insert(key.0, empty);
                empty
            }
        };
        let history: Vec<Event> = if was_empty {
            Vec::new()
        } else {
            self.position_sql(key.0, key.1, key.2)?
                .iter()
                .map(Event::from)
                .collect()
        };
        let out = f(&history);
        self.cache.borrow_mut().store(key, history);
        Ok(out)
    }

    /// A position's effective entries from SQLite, all dates, in journal order.
    fn position_sql(&self, fund_id: i64, side: Side, counterparty: i64) -> Result<Vec<Entry>> {
        let column = match side {
            Side::Holding => "company_id",
            Side::Lp => "investor_id",
        };
        let sql = format!(
            "SELECT {ENTRY_COLS} FROM entries e
             WHERE e.fund_id = ?1 AND e.{column} = ?2 AND {EFFECTIVE} ORDER BY e.id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st
            .query_map([fund_id, counterparty], entry_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Every position of one fund with its effective history as the rules read it:
    /// ((is an LP position, investor or company), events in journal order). Two queries,
    /// one per partial position index; for an import's checking thread, which asks once
    /// per fund that had entries before the import.
    pub fn fund_position_events(&self, fund_id: i64) -> Result<Vec<PositionEvents>> {
        let mut out: Vec<PositionEvents> = Vec::new();
        for (is_lp, column) in [(true, "investor_id"), (false, "company_id")] {
            let sql = format!(
                "SELECT {ENTRY_COLS} FROM entries e
                 WHERE e.fund_id = ?1 AND e.{column} IS NOT NULL AND {EFFECTIVE}
                 ORDER BY e.{column}, e.id"
            );
            let mut st = self.conn().prepare_cached(&sql)?;
            let mut rows = st.query([fund_id])?;
            while let Some(r) = rows.next()? {
                let e = entry_row(r)?;
                let counterparty = if is_lp { e.investor_id } else { e.company_id };
                let key = (is_lp, counterparty.expect("selected NOT NULL"));
                match out.last_mut() {
                    Some((k, events)) if *k == key => events.push(Event::from(&e)),
                    _ => out.push((key, vec![Event::from(&e)])),
                }
            }
        }
        Ok(out)
    }

    /// Whether a fund has any journal entry (effective or not) on either side.
    pub fn fund_has_entries(&self, fund_id: i64) -> Result<bool> {
        let any: Option<i64> = self
            .cached_row(
                // Two probes, one per partial position index; a bare `fund_id = ?`
                // would scan the journal.
                "SELECT 1 WHERE EXISTS (SELECT 1 FROM entries WHERE fund_id = ?1 AND company_id IS NOT NULL)
                    OR EXISTS (SELECT 1 FROM entries WHERE fund_id = ?1 AND investor_id IS NOT NULL)",
                [fund_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(any.is_some())
    }

    /// Stream every effective entry dated on or before `as_of`, ordered by date then
    /// id, through `f`. One query for a whole report; memory stays bounded by what `f`
    /// keeps, not by the size of the journal.
    pub fn for_each_effective(
        &self,
        as_of: Date,
        f: impl FnMut(Entry) -> Result<()>,
    ) -> Result<()> {
        self.stream_effective(as_of, "e.effective_date, e.id", f)
    }

    /// Stream every effective entry dated on or before `as_of`, grouped by position
    /// (fund, then investor or company) and in date order within each, for checks
    /// that read one position's history at a time.
    pub fn for_each_effective_by_position(
        &self,
        as_of: Date,
        f: impl FnMut(Entry) -> Result<()>,
    ) -> Result<()> {
        self.stream_effective(
            as_of,
            "e.fund_id, e.investor_id, e.company_id, e.effective_date, e.id",
            f,
        )
    }

    /// Stream every effective entry dated from `from` to `to` (both included), ordered
    /// by date then id: the entries after a summary checkpoint.
    pub fn for_each_effective_between(
        &self,
        from: Date,
        to: Date,
        f: impl FnMut(Entry) -> Result<()>,
    ) -> Result<()> {
        self.stream_effective_from(Some(from), to, "e.effective_date, e.id", f)
    }

    fn stream_effective(
        &self,
        as_of: Date,
        order: &str,
        f: impl FnMut(Entry) -> Result<()>,
    ) -> Result<()> {
        self.stream_effective_from(None, as_of, order, f)
    }

    fn stream_effective_from(
        &self,
        from: Option<Date>,
        as_of: Date,
        order: &str,
        mut f: impl FnMut(Entry) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "SELECT {ENTRY_COLS} FROM entries e
             WHERE e.effective_date <= ?1 AND (?2 IS NULL OR e.effective_date >= ?2)
               AND {EFFECTIVE} ORDER BY {order}"
        );
        let mut st = self.conn().prepare(&sql)?;
        let mut rows = st.query([Some(as_of.to_string()), from.map(|d| d.to_string())])?;
        while let Some(r) = rows.next()? {
            f(entry_row(r)?)?;
        }
        Ok(())
    }

    /// Every entry, reversals included, for `log`.
    pub fn log(&self, filter: &EntryFilter) -> Result<Vec<LoggedEntry>> {
        let mut out = Vec::new();
        self.for_each_log(filter, |l| {
            out.push(l);
            Ok(())
        })?;
        Ok(out)
    }

    /// The journal in id order, one entry at a time: memory does not grow with the
    /// journal (`log` and exports of millions of entries stream through this).
    pub fn for_each_log(
        &self,
        filter: &EntryFilter,
        mut f: impl FnMut(LoggedEntry) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "{} WHERE ?1 IS NULL OR COALESCE(e.fund_id, o.fund_id) = ?1 ORDER BY e.id",
            log_select()
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st.query_map([filter.fund_id], logged_row)?;
        for row in rows {
            f(row?)?;
        }
        Ok(())
    }
}

impl Tx<'_> {
    /// When a file with this fingerprint was imported before, if it was.
    pub fn import_by_fingerprint(&self, fingerprint: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .cached_row(
                "SELECT file, imported_at FROM imports WHERE fingerprint = ?1 ORDER BY id LIMIT 1",
                [fingerprint],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    pub fn record_import(
        &self,
        fingerprint: &str,
        file: &str,
        rows: usize,
        entries: Option<(i64, i64)>,
    ) -> Result<()> {
        self.cached_exec(
            "INSERT INTO imports (fingerprint, file, rows, first_entry, last_entry, imported_at, imported_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                fingerprint,
                file,
                rows as i64,
                entries.map(|e| e.0),
                entries.map(|e| e.1),
                self.now,
                self.actor
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{EntryKind, NewEntry};
    use crate::hashchain::{self, SortedCanonical, UNHASHED};
    use crate::store::Ledger;

    /// The columns a new entry's hash covers are exactly the `entries` table's columns
    /// (but the two hash columns), so a migration that adds a column must add it to
    /// `hashchain::entry_columns` too, or this fails.
    #[test]
    fn new_hashes_cover_every_column_of_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::create(&dir.path().join("l.db")).unwrap();
        let mut st = l
            .connection()
            .prepare("SELECT name FROM pragma_table_info('entries') ORDER BY name")
            .unwrap();
        let table: Vec<String> = st
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let table: Vec<&str> = table
            .iter()
            .map(String::as_str)
            .filter(|c| !UNHASHED.contains(c))
            .collect();
        let mut c = SortedCanonical::default();
        let n = NewEntry::new(EntryKind::DealPay, chrono::NaiveDate::MIN);
        hashchain::entry_columns(&mut c, 1, &n, "2024-01-01", "now", "me");
        assert_eq!(c.columns, table);
    }
}
