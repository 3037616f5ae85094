//! Bulk loading: the journal's INSERT guard triggers are set aside for one
//! transaction and their conditions are checked once, over every row written, before
//! they are put back.
//!
//! Why: SQLite runs any row trigger in a sub-program and, because a trigger may abort,
//! keeps a statement journal (a copy of every page the statement touches) for each
//! INSERT. For a million-row import that was about a quarter of SQLite's time, although
//! the rows come from rule-checked Rust code and never trip a guard.
//!
//! Architecture Invariant: the guards are never absent from a committed ledger. They
//! are dropped and re-created inside the caller's IMMEDIATE transaction, so no other
//! connection can see the file without them, and a crash or a refusal rolls the drop
//! back with everything else. The check before re-creation evaluates each trigger's own
//! `WHEN` condition, read from the schema rather than restated here, over every entry
//! written in bulk, so it refuses the rows the trigger would have refused. (It is
//! stricter in one case no fundledger code produces: a row that refers to itself, such
//! as a reversal of itself, which a BEFORE trigger sees before the row exists.)

use rusqlite::OptionalExtension;

use super::Tx;
use crate::error::{Error, Result};

/// The guard triggers taken out by [`Tx::suspend_insert_guards`], to be checked and put
/// back by [`Tx::restore_insert_guards`].
#[must_use = "the guards must be restored before the transaction commits"]
pub struct SuspendedGuards {
    /// Entries with an id above this were written without the guards and are not
    /// checked yet.
    after_id: i64,
    triggers: Vec<Guard>,
}

struct Guard {
    name: String,
    /// The `CREATE TRIGGER` statement exactly as stored.
    sql: String,
    /// The `WHEN` condition over the new row, with `NEW.` rewritten to `e.`.
    condition: String,
    /// The message of its `RAISE(ABORT, '…')`.
    message: String,
}

/// Split a guard trigger's SQL into its row condition and its message; `None` if it
/// is not of the one shape this module understands (`WHEN cond BEGIN SELECT
/// RAISE(ABORT, 'msg'); END`), in which case bulk mode is not used at all.
fn parse_guard(sql: &str) -> Option<(String, String)> {
    let when = sql.find("\nWHEN ")? + "\nWHEN ".len();
    let begin = sql.rfind("\nBEGIN SELECT RAISE(ABORT, '")?;
    let condition = sql.get(when..begin)?;
    let rest = &sql[begin + "\nBEGIN SELECT RAISE(ABORT, '".len()..];
    let message = rest.strip_suffix("'); END")?;
    // Rewriting `NEW.` to `e.` is exact only if every reference to the new row is
    // spelt `NEW.`, none sits in a string literal, there is no `OLD.`, and `e` is not
    // already a name in the condition. Anything else keeps its trigger.
    let lower = condition.to_ascii_lowercase();
    let mut literals = condition.split('\'').skip(1).step_by(2);
    let uses_e = condition
        .match_indices("e.")
        .any(|(i, _)| i == 0 || !is_name_char(condition.as_bytes()[i - 1]));
    if message.contains('\'')
        || lower.matches("new.").count() != condition.matches("NEW.").count()
        || lower.contains("old.")
        || literals.any(|l| l.contains("NEW."))
        || uses_e
    {
        return None;
    }
    Some((condition.replace("NEW.", "e."), message.to_string()))
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl Tx<'_> {
    /// Drop the journal's BEFORE INSERT guard triggers for the rest of this
    /// transaction. Returns `None` (and changes nothing) if any of them is not of the
    /// shape whose condition can be checked afterwards.
    pub fn suspend_insert_guards(&self) -> Result<Option<SuspendedGuards>> {
        let mut st = self.conn().prepare(
            "SELECT name, sql FROM sqlite_schema
             WHERE type = 'trigger' AND tbl_name = 'entries' AND sql LIKE '%BEFORE INSERT ON entries%'
             ORDER BY name",
        )?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut triggers = Vec::new();
        for (name, sql) in rows {
            let Some((condition, message)) = parse_guard(&sql) else {
                return Ok(None);
            };
            triggers.push(Guard {
                name,
                sql,
                condition,
                message,
            });
        }
        let after_id = self.last_entry_id()?;
        for t in &triggers {
            self.conn()
                .execute_batch(&format!("DROP TRIGGER \"{}\"", t.name))?;
        }
        Ok(Some(SuspendedGuards { after_id, triggers }))
    }

    /// Check every entry written since [`Tx::suspend_insert_guards`] against each
    /// guard's condition in one pass, then re-create the guards as they were. A row
    /// that a guard would have refused is refused here, with the guard's message, and
    /// the caller's transaction must then be rolled back.
    pub fn restore_insert_guards(&self, mut s: SuspendedGuards) -> Result<()> {
        self.check_insert_guards(&mut s)?;
        for t in &s.triggers {
            self.conn().execute_batch(&t.sql)?;
        }
        Ok(())
    }

    /// The id of the journal's last row, read from the table (not the cached chain
    /// tail), so that rows written by any means are covered; 0 for an empty journal.
    fn last_entry_id(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT coalesce(max(id), 0) FROM entries", [], |r| r.get(0))?)
    }

    /// Check the entries written since the last check (or since the guards were set
    /// aside) against every guard's condition. A bulk writer calls this now and then,
    /// while the new rows' pages are still in SQLite's cache, which is cheaper than one
    /// pass over all of them at the end; [`Tx::restore_insert_guards`] checks the rest.
    pub fn check_insert_guards(&self, s: &mut SuspendedGuards) -> Result<()> {
        let last = self.last_entry_id()?;
        if s.triggers.is_empty() || last <= s.after_id {
            return Ok(());
        }
        let any = s
            .triggers
            .iter()
            .map(|t| format!("({})", t.condition))
            .collect::<Vec<_>>()
            .join("\n OR ");
        let which = s
            .triggers
            .iter()
            .map(|t| format!("coalesce(({}), 0)", t.condition))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT e.id, {which} FROM entries e WHERE e.id > ?1 AND e.id <= ?2 AND ({any}) ORDER BY e.id LIMIT 1"
        );
        let found = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([s.after_id, last], |r| {
                let id: i64 = r.get(0)?;
                let hit = (0..s.triggers.len())
                    .find(|&i| r.get::<_, i64>(i + 1).unwrap_or(0) != 0)
                    .unwrap_or(0);
                Ok((id, hit))
            })
            .optional()?;
        if let Some((id, hit)) = found {
            return Err(Error::refused(
                "storage-guard",
                format!(
                    "entry {id} breaks the storage guard {}: {}",
                    s.triggers[hit].name, s.triggers[hit].message
                ),
            ));
        }
        s.after_id = last;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Ledger;

    fn ledger() -> (tempfile::TempDir, Ledger) {
        let dir = tempfile::tempdir().unwrap();
        let l = Ledger::create(&dir.path().join("l.db")).unwrap();
        (dir, l)
    }

    fn guard_sql(l: &Ledger) -> Vec<(String, String)> {
        let mut st = l
            .connection()
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name")
            .unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap()
    }

    #[test]
    fn every_insert_guard_of_the_schema_is_understood() {
        let (_d, mut l) = ledger();
        let n = l
            .write("t", |tx| {
                let s = tx.suspend_insert_guards()?.expect("all guards parse");
                let n = s.triggers.len();
                tx.restore_insert_guards(s)?;
                Ok(n)
            })
            .unwrap();
        // entries_no_reversal_of_reversal, entries_loan_shape, entries_reversal_no_loan_fields
        assert_eq!(n, 3);
    }

    #[test]
    fn guards_come_back_exactly_as_they_were() {
        let (_d, mut l) = ledger();
        let before = guard_sql(&l);
        l.write("t", |tx| {
            let s = tx.suspend_insert_guards()?.unwrap();
            tx.restore_insert_guards(s)
        })
        .unwrap();
        assert_eq!(guard_sql(&l), before);
    }

    /// A row a guard would refuse, written while the guards are down, is refused when
    /// they are restored, and the rollback leaves the guards in place.
    #[test]
    fn a_row_a_guard_would_refuse_is_refused_at_restore() {
        let (_d, mut l) = ledger();
        let before = guard_sql(&l);
        let err = l
            .write("t", |tx| {
                let s = tx.suspend_insert_guards()?.unwrap();
                // A loan repayment with no loan: entries_loan_shape's condition.
                tx.conn().execute(
                    "INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by, amount_fen, interest_fen, subsidy_fen, prev_hash, hash)
                     VALUES (1, 'loan-repay', '2024-01-01', 'now', 't', 100, 0, 0, 'x', printf('%064d', 1))",
                    [],
                )?;
                tx.restore_insert_guards(s)
            })
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("entry 1") && msg.contains("entries_loan_shape"),
            "{msg}"
        );
        assert!(msg.contains("malformed loan or grant entry"), "{msg}");
        assert_eq!(guard_sql(&l), before);
        let n: i64 = l
            .connection()
            .query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }

    /// Rows checked part-way are not checked again, and rows after that are.
    #[test]
    fn a_check_part_way_leaves_the_rest_to_restore() {
        let (_d, mut l) = ledger();
        let err = l
            .write("t", |tx| {
                let mut s = tx.suspend_insert_guards()?.unwrap();
                tx.check_insert_guards(&mut s)?; // nothing written yet
                tx.conn().execute_batch(
                    "INSERT INTO grants (id, code, recipient, created_at, created_by)
                         VALUES (1, 'G1', 'r', 'now', 't');
                     INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by,
                             grant_id, amount_fen, prev_hash, hash)
                         VALUES (1, 'grant', '2024-01-01', 'now', 't', 1, 100, 'x', printf('%064d', 1));",
                )?;
                tx.check_insert_guards(&mut s)?; // a well-formed grant passes
                assert_eq!(s.after_id, 1);
                // A grant without its amount: entries_loan_shape's condition.
                tx.conn().execute(
                    "INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by,
                         grant_id, prev_hash, hash)
                     VALUES (2, 'grant', '2024-01-02', 'now', 't', 1, 'x', printf('%064d', 2))",
                    [],
                )?;
                tx.restore_insert_guards(s)
            })
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("entry 2") && msg.contains("entries_loan_shape"),
            "{msg}"
        );
    }

    #[test]
    fn a_reversal_of_a_reversal_is_refused_at_restore() {
        let (_d, mut l) = ledger();
        let err = l
            .write("t", |tx| {
                let s = tx.suspend_insert_guards()?.unwrap();
                // A commitment, its reversal, and a reversal of that reversal.
                tx.conn().execute_batch(
                    "INSERT INTO funds (id, code, name, kind, created_at, created_by)
                         VALUES (1, 'F', 'f', 'guidance', 'now', 't');
                     INSERT INTO companies (id, code, name, created_at, created_by)
                         VALUES (1, 'C', 'c', 'now', 't');
                     INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by,
                             fund_id, company_id, amount_fen, prev_hash, hash)
                         VALUES (1, 'deal-commit', '2024-01-01', 'now', 't', 1, 1, 100, 'x', printf('%064d', 1));
                     INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by, memo, reverses, prev_hash, hash)
                         VALUES (2, 'reversal', '2024-01-01', 'now', 't', 'why', 1, 'x', printf('%064d', 2));
                     INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by, memo, reverses, prev_hash, hash)
                         VALUES (3, 'reversal', '2024-01-01', 'now', 't', 'why', 2, 'x', printf('%064d', 3));",
                )?;
                tx.restore_insert_guards(s)
            })
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("entry 3") && msg.contains("a reversal cannot be reversed"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_trigger_shapes_are_not_taken_apart() {
        assert!(
            parse_guard("CREATE TRIGGER t BEFORE INSERT ON entries BEGIN SELECT 1; END").is_none()
        );
        let shape = |cond: &str| {
            format!("CREATE TRIGGER t BEFORE INSERT ON entries\nWHEN {cond}\nBEGIN SELECT RAISE(ABORT, 'no'); END")
        };
        // Lower-case `new.`, a literal holding `NEW.`, an `OLD.`, the alias `e` in use.
        for cond in [
            "new.a > 1",
            "NEW.a > 1 AND new.b",
            "NEW.kind = 'RENEW.'",
            "OLD.a = NEW.a",
            "(SELECT 1 FROM entries e WHERE e.id = NEW.reverses)",
        ] {
            assert!(parse_guard(&shape(cond)).is_none(), "{cond}");
        }
        // A name that merely ends in `e` is not the alias.
        let (c, _) = parse_guard(&shape(
            "EXISTS (SELECT 1 FROM entry_kinds kinde WHERE kinde.kind = NEW.kind)",
        ))
        .unwrap();
        assert_eq!(
            c,
            "EXISTS (SELECT 1 FROM entry_kinds kinde WHERE kinde.kind = e.kind)"
        );
        let (c, m) = parse_guard(
            "CREATE TRIGGER t BEFORE INSERT ON entries\nWHEN NEW.a > 1\nBEGIN SELECT RAISE(ABORT, 'no'); END",
        )
        .unwrap();
        assert_eq!((c.as_str(), m.as_str()), ("e.a > 1", "no"));
    }
}
