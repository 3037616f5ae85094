//! The checking thread of a CSV import.
//!
//! Why: SQLite's INSERT is most of an import's cost and can only run on the thread that
//! owns the transaction. So a second thread parses each dated row, checks the common
//! ones (fund entries other than distributions) with the same functions `record_tx`
//! uses, and seals them into the hash chain, and the writer does little more than
//! insert. Everything else (loans, grants, distributions, a guidance fund used as an LP
//! for the first time, codes it does not know) is handed to the writer to apply as any
//! row is, and the checker waits for the outcome before it goes on, so that rows are
//! still checked strictly in date order, each against every row before it.
//!
//! What the checker reads: the reference data as it stands after the file's reference
//! rows were applied (a snapshot: no entry row changes it, except the implicit LP the
//! writer handles), and each position's history, asked of the writer the first time a
//! position is met and kept up to date by the checker from then on.
//!
//! Architecture Invariant: the writer refuses a sealed entry that does not follow the
//! journal's tail ([`crate::store::Tx::insert_sealed`]), so the two threads can never
//! fork the chain, whatever the order of their messages.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use super::csvfile::{Record, Row};
use super::entry_problem;
use crate::domain::{Entry, EntryKind, Fund, Investor, NewEntry};
use crate::error::{Error, RowProblem};
use crate::hashchain::{self, Sealed};
use crate::ops::entries::{check_request, Counterparty};
use crate::ops::EntryRequest;
use crate::rules::Event;
use crate::store::{FastMap, FastSet, PositionEvents};

/// A position: (fund, whether the counterparty is an LP, investor or company).
type Key = (i64, bool, i64);

/// What the checker asks of, or hands to, the writer.
pub enum Msg {
    /// A fund entry, checked and sealed: insert it.
    Write {
        row: usize,
        entry: NewEntry,
        sealed: Sealed,
    },
    /// A row the checker does not handle: apply it as any row, and say what came of it.
    Apply {
        row: Row,
        reply: SyncSender<Applied>,
    },
    /// A bad row's problems.
    Problems(Vec<RowProblem>),
    /// The effective history of every position of a fund that had entries before the
    /// checker met it: ((is an LP position, investor or company), events).
    FundHistory {
        fund: i64,
        reply: SyncSender<Vec<PositionEvents>>,
    },
}

/// What came of a row the writer applied for the checker.
pub struct Applied {
    /// The journal's (id, hash) after it.
    pub tail: (i64, String),
    /// The fund entry it appended, if it was one and was applied: the checker adds it
    /// to the position it keeps.
    pub entry: Option<Entry>,
    /// The LP of an LP entry that was applied: a guidance fund becomes one on first use,
    /// and from then on the checker resolves its code itself.
    pub investor: Option<Investor>,
}

/// The reference data the checker resolves codes with.
pub struct Snapshot {
    pub funds: FastMap<String, Fund>,
    /// Funds with journal entries: their positions must be asked for. A fund not here
    /// has none yet, so its positions start empty and the checker keeps them itself.
    pub funds_with_entries: FastSet<i64>,
    pub investors: FastMap<String, Investor>,
    /// Company code → id.
    pub companies: FastMap<String, i64>,
}

/// Where the chain stands, and who is writing: what sealing an entry needs.
pub struct Chain {
    /// The journal's (id, hash) so far.
    pub tail: (i64, String),
    pub recorded_at: String,
    pub recorded_by: String,
}

/// Messages are sent in batches (a channel operation per row costs as much as the
/// checking), flushed before the checker waits for an answer.
const BATCH: usize = 512;

/// Above this many cached events the checker forgets the positions of the funds it
/// used least recently, down to half of it, and asks for them again if they come back:
/// 2,000,000 × 32 bytes.
pub const MAX_CACHED_EVENTS: usize = 2_000_000;

pub struct Checker {
    snapshot: Snapshot,
    chain: Chain,
    positions: Positions,
    link: Link,
}

/// The positions the checker keeps, by fund: a fund is kept whole or not at all.
///
/// Why least recently used funds, not everything: a file of millions of rows, fund
/// after fund, once outgrew the cap every 2,000,000 events; dropping every position
/// then made each fund be asked for again, with all its entries so far, and the cache
/// filled up again at once: ten million rows took 786 s of CPU. The funds a file is
/// busy with are the ones it just used.
#[derive(Default)]
struct Positions {
    map: FastMap<Key, Vec<Event>>,
    events: usize,
    /// At most this many events are kept ([`MAX_CACHED_EVENTS`] but in tests), or one
    /// fund's whole history when that alone is more.
    cap: usize,
    /// Funds (with entries) whose positions have been asked for and are in `map`.
    loaded: FastSet<i64>,
    /// Funds whose positions were dropped: they may have entries of this import by
    /// now, so they are asked for like funds that had entries before it.
    evicted: FastSet<i64>,
    /// Per fund in `map`: its events, and when it was last used (a counter).
    fund_events: FastMap<i64, usize>,
    used: FastMap<i64, u64>,
    tick: u64,
}

struct Link {
    out: SyncSender<Vec<Msg>>,
    batch: Vec<Msg>,
    /// The writer has gone (it stopped on an error): stop too.
    closed: bool,
}

/// A checker and the writer's end of its channel.
pub fn channel(snapshot: Snapshot, cap: usize, chain: Chain) -> (Checker, Receiver<Vec<Msg>>) {
    let (out, receive) = sync_channel(8);
    let checker = Checker {
        snapshot,
        chain,
        positions: Positions {
            cap,
            ..Positions::default()
        },
        link: Link {
            out,
            batch: Vec::with_capacity(BATCH),
            closed: false,
        },
    };
    (checker, receive)
}

impl Checker {
    /// Check one parsed row (or pass on its problems); `false` once the writer has
    /// stopped, so that the rest of the file is not read for nothing.
    pub fn row(&mut self, parsed: Result<Row, Vec<RowProblem>>) -> bool {
        if self.link.closed {
            return false;
        }
        match parsed {
            Err(problems) => self.link.send(Msg::Problems(problems)),
            Ok(row) => {
                let handled = match &row.record {
                    Record::Entry(req) if req.kind != EntryKind::LpDistribute => {
                        self.fund_entry(row.row, req)
                    }
                    _ => false,
                };
                if !handled {
                    self.apply_on_writer(row);
                }
            }
        }
        !self.link.closed
    }

    /// Send what is left; the writer's loop ends when the checker is dropped.
    pub fn finish(mut self) {
        self.link.flush();
    }

    /// Check and seal a fund entry; `false` if it is one for the writer to apply.
    fn fund_entry(&mut self, row: usize, req: &EntryRequest) -> bool {
        let Checker {
            snapshot,
            chain,
            positions,
            link,
        } = self;
        let Some(fund) = snapshot.funds.get(&req.fund) else {
            return false;
        };
        let is_lp = matches!(req.kind, EntryKind::LpCommit | EntryKind::LpPay);
        let counterparty = if is_lp {
            match snapshot.investors.get(&req.counterparty) {
                Some(i) => Counterparty {
                    id: i.id,
                    code: &i.code,
                    lp_fund: i.fund_id,
                },
                // Maybe a guidance fund as an LP for the first time: the writer's job.
                None => return false,
            }
        } else {
            match snapshot.companies.get_key_value(&req.counterparty) {
                Some((code, &id)) => Counterparty {
                    id,
                    code,
                    lp_fund: None,
                },
                None => return false,
            }
        };
        let key = (fund.id, is_lp, counterparty.id);
        let refuse = |link: &mut Link, e: &Error| {
            link.send(Msg::Problems(vec![entry_problem(row, e, req)]));
            true
        };
        let checked = match check_request(req, fund, counterparty) {
            Ok(c) => c,
            Err(e) => return refuse(link, &e),
        };
        let Some(history) = positions.get_or_ask(key, &snapshot.funds_with_entries, link) else {
            return true; // the writer has stopped
        };
        if let Err(e) = checked.check_history(history) {
            return refuse(link, &e);
        }
        let sealed = hashchain::seal(
            (chain.tail.0, &chain.tail.1),
            &checked.entry,
            &chain.recorded_at,
            &chain.recorded_by,
        );
        history.push(Event {
            id: sealed.id,
            ..checked.event()
        });
        positions.count(fund.id, 1);
        chain.tail = (sealed.id, sealed.hash.clone());
        link.send(Msg::Write {
            row,
            entry: checked.entry,
            sealed,
        });
        true
    }

    fn apply_on_writer(&mut self, row: Row) {
        let (reply, answer) = sync_channel(1);
        self.link.send(Msg::Apply { row, reply });
        self.link.flush();
        let Ok(applied) = answer.recv() else {
            self.link.closed = true;
            return;
        };
        self.chain.tail = applied.tail;
        if let Some(i) = applied.investor {
            self.snapshot.investors.entry(i.code.clone()).or_insert(i);
        }
        if let Some(e) = applied.entry {
            let key = match (e.fund_id, e.investor_id, e.company_id) {
                (Some(f), Some(i), _) => (f, true, i),
                (Some(f), None, Some(c)) => (f, false, c),
                _ => return,
            };
            let must_ask = self.positions.evicted.contains(&key.0)
                || self.snapshot.funds_with_entries.contains(&key.0);
            let event = Event::from(&e);
            match self.positions.map.get_mut(&key) {
                Some(history) => history.push(event),
                // A fund whose positions were not asked for yet: they will be, and the
                // answer includes this entry.
                None if must_ask && !self.positions.loaded.contains(&key.0) => return,
                // Otherwise the position was empty (an unasked fund with no entries
                // before this import, or one whose positions were all sent).
                None => {
                    self.positions.map.insert(key, vec![event]);
                }
            }
            self.positions.count(key.0, 1);
        }
    }
}

impl Positions {
    /// A position's history: empty for a fund that had no entries, else asked of the
    /// writer (all of the fund's positions at once) the first time the fund is met.
    fn get_or_ask(
        &mut self,
        key: Key,
        funds_with_entries: &FastSet<i64>,
        link: &mut Link,
    ) -> Option<&mut Vec<Event>> {
        let fund = key.0;
        self.tick += 1;
        self.used.insert(fund, self.tick);
        if self.map.contains_key(&key) {
            return self.map.get_mut(&key);
        }
        if self.events > self.cap {
            self.evict(fund);
        }
        let must_ask = self.evicted.contains(&fund) || funds_with_entries.contains(&fund);
        if must_ask && !self.loaded.contains(&fund) {
            let (reply, answer) = sync_channel(1);
            link.send(Msg::FundHistory { fund, reply });
            link.flush();
            let Ok(positions) = answer.recv() else {
                link.closed = true;
                return None;
            };
            for ((is_lp, counterparty), history) in positions {
                self.count(fund, history.len());
                self.map.insert((fund, is_lp, counterparty), history);
            }
            self.loaded.insert(fund);
        }
        Some(self.map.entry(key).or_default())
    }

    fn count(&mut self, fund: i64, events: usize) {
        self.events += events;
        *self.fund_events.entry(fund).or_default() += events;
    }

    /// Drop the positions of the least recently used funds but `keep` (the one being
    /// asked for) until at most half the cap is left.
    fn evict(&mut self, keep: i64) {
        let mut by_age: Vec<(u64, i64)> = self
            .fund_events
            .keys()
            .filter(|f| **f != keep)
            .map(|f| (self.used.get(f).copied().unwrap_or(0), *f))
            .collect();
        by_age.sort_unstable();
        let mut gone: FastSet<i64> = FastSet::default();
        for (_, f) in by_age {
            if self.events <= self.cap / 2 {
                break;
            }
            self.events -= self.fund_events.remove(&f).unwrap_or(0);
            self.used.remove(&f);
            self.loaded.remove(&f);
            self.evicted.insert(f);
            gone.insert(f);
        }
        self.map.retain(|k, _| !gone.contains(&k.0));
    }
}

impl Link {
    fn send(&mut self, m: Msg) {
        self.batch.push(m);
        if self.batch.len() == BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() || self.closed {
            return;
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        if self.out.send(batch).is_err() {
            self.closed = true;
        }
    }
}
