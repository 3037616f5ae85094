//! A per-transaction cache for the lookups every write repeats: codes → records,
//! a position's history, and the chain's tail.
//!
//! Why: a bulk import runs the same rule checks as a single CLI entry, row after row,
//! and without this each row paid for several SQL round trips. The cache lives and
//! dies with one transaction, and every write in that transaction goes through `Tx`,
//! which keeps it in step, so it can never disagree with the database it fronts.

use std::collections::HashMap;
use std::rc::Rc;

use crate::domain::{Company, Entry, Fund, Investor};

/// A map with a fast, fixed hasher: keys are the ledger's own codes and ids, looked up
/// several times per imported row, and SipHash's flood resistance buys nothing here.
pub(crate) type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Which side of a fund a position is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Side {
    Lp,
    Holding,
}

/// Above this many cached history entries the position cache is dropped and rebuilt
/// on demand, which bounds an import's memory whatever the file's size.
const MAX_CACHED_ENTRIES: usize = 100_000;

#[derive(Default)]
pub(crate) struct TxCache {
    pub funds: FastMap<String, Rc<Fund>>,
    pub investors: FastMap<String, Rc<Investor>>,
    pub companies: FastMap<String, Rc<Company>>,
    /// Histories as the rules read them (memo and authorship left blank).
    pub positions: FastMap<(i64, Side, i64), Vec<Entry>>,
    /// Fund id → whether it had no journal entries when first asked; such a fund's
    /// positions start empty without asking SQLite.
    pub fund_was_empty: FastMap<i64, bool>,
    pub cached_entries: usize,
    /// (id, hash) of the last entry.
    pub tail: Option<(i64, String)>,
}

impl TxCache {
    /// A copy of `e` with only what the rules read.
    pub fn slim(e: Entry) -> Entry {
        Entry {
            recorded_at: String::new(),
            recorded_by: String::new(),
            memo: None,
            ..e
        }
    }

    pub fn key(e: &Entry) -> Option<(i64, Side, i64)> {
        match (e.fund_id, e.investor_id, e.company_id) {
            (Some(f), Some(i), _) => Some((f, Side::Lp, i)),
            (Some(f), None, Some(c)) => Some((f, Side::Holding, c)),
            _ => None,
        }
    }

    pub fn store(&mut self, key: (i64, Side, i64), history: Vec<Entry>) {
        if self.cached_entries > MAX_CACHED_ENTRIES {
            self.positions.clear();
            self.cached_entries = 0;
            // Positions dropped from the cache must be read back from SQLite.
            for v in self.fund_was_empty.values_mut() {
                *v = false;
            }
        }
        self.cached_entries += history.len();
        self.positions
            .insert(key, history.into_iter().map(Self::slim).collect());
    }

    /// Keep the cache in step with an appended entry.
    pub fn appended(&mut self, e: Entry) {
        if let Some(target) = e.reverses {
            // A reversal removes an entry from some position's history; rather than
            // find it, forget every cached history (reversals are rare in bulk).
            let _ = target;
            self.positions.clear();
            self.cached_entries = 0;
            for v in self.fund_was_empty.values_mut() {
                *v = false;
            }
            return;
        }
        let Some(key) = Self::key(&e) else { return };
        if let Some(v) = self.positions.get_mut(&key) {
            v.push(Self::slim(e));
            self.cached_entries += 1;
        } else if self.fund_was_empty.get(&key.0) == Some(&true) {
            self.positions.insert(key, vec![Self::slim(e)]);
            self.cached_entries += 1;
        }
    }
}
