//! A per-transaction cache for the lookups every write repeats: codes → records,
//! a position's history, and the chain's tail.
//!
//! Why: a bulk import runs the same rule checks as a single CLI entry, row after row,
//! and without this each row paid for several SQL round trips. The cache lives and
//! dies with one transaction, and every write in that transaction goes through `Tx`,
//! which keeps it in step, so it can never disagree with the database it fronts.

use std::collections::HashMap;
use std::rc::Rc;

use crate::domain::{Company, Fund, Investor, NewEntry};
use crate::rules::Event;

/// A map with a fast, fixed hasher: keys are the ledger's own codes and ids, looked up
/// several times per imported row, and SipHash's flood resistance buys nothing here.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

/// Which side of a fund a position is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Side {
    Lp,
    Holding,
}

/// Above this many cached events the position cache is dropped and rebuilt on demand,
/// which bounds an import's memory whatever the file's size: 2,000,000 × 32 bytes is
/// 64 MB. Large enough that a million-row import never re-reads a position; each
/// re-read is an SQL query, and dropping a smaller cache every ~100,000 entries once
/// cost a third of such an import's time.
const MAX_CACHED_EVENTS: usize = 2_000_000;

#[derive(Default)]
pub(crate) struct TxCache {
    pub funds: FastMap<String, Rc<Fund>>,
    pub investors: FastMap<String, Rc<Investor>>,
    pub companies: FastMap<String, Rc<Company>>,
    /// Each position's effective history as the rules read it.
    pub positions: FastMap<(i64, Side, i64), Vec<Event>>,
    /// Fund id → whether it had no journal entries when first asked; such a fund's
    /// positions start empty without asking SQLite.
    pub fund_was_empty: FastMap<i64, bool>,
    pub cached_events: usize,
    /// (id, hash) of the last entry.
    pub tail: Option<(i64, String)>,
    /// Hash of the last reference seal.
    pub ref_tail: Option<String>,
}

impl TxCache {
    pub fn key(e: &NewEntry) -> Option<(i64, Side, i64)> {
        match (e.fund_id, e.investor_id, e.company_id) {
            (Some(f), Some(i), _) => Some((f, Side::Lp, i)),
            (Some(f), None, Some(c)) => Some((f, Side::Holding, c)),
            _ => None,
        }
    }

    pub fn store(&mut self, key: (i64, Side, i64), history: Vec<Event>) {
        if self.cached_events > MAX_CACHED_EVENTS {
            self.forget_positions();
        }
        self.cached_events += history.len();
        self.positions.insert(key, history);
    }

    /// Drop every cached history; they are read back from SQLite when next needed.
    fn forget_positions(&mut self) {
        self.positions.clear();
        self.cached_events = 0;
        for v in self.fund_was_empty.values_mut() {
            *v = false;
        }
    }

    /// Keep the cache in step with entry `id`, just appended.
    pub fn appended(&mut self, id: i64, e: &NewEntry) {
        if e.reverses.is_some() {
            // A reversal removes an entry from some position's history; rather than
            // find it, forget every cached history (reversals are rare in bulk).
            self.forget_positions();
            return;
        }
        let Some(key) = Self::key(e) else { return };
        let event = || Event::new(id, e.kind, e.date, e.amount, e.detail.as_deref());
        if let Some(v) = self.positions.get_mut(&key) {
            v.push(event());
            self.cached_events += 1;
        } else if self.fund_was_empty.get(&key.0) == Some(&true) {
            self.positions.insert(key, vec![event()]);
            self.cached_events += 1;
        }
    }
}
