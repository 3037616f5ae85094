//! The ledger's rules over one position's history, as pure functions.
//!
//! Why whole timelines: an entry may be back-dated, and a reversal removes an entry
//! from the middle of history. Checking "paid-in ≤ commitment as of the entry's date"
//! only at the new entry's date would miss a back-dated payment that breaks a later
//! date. So every write re-checks the whole history of the position it touches, with
//! the candidate change applied; positions are small, so this stays cheap.
//!
//! Within one day, totals are compared at the end of the day, and events are ordered
//! commitment → payment → mark → proceeds → closing (exit or write-off), so a deal
//! committed and paid on the same day, or marked on the day it is exited, is fine.

use crate::date::Date;
use crate::domain::{Entry, EntryKind, ProceedsKind};
use crate::money::Money;

/// What broke, with the figures. The caller names the position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// Paid-in exceeds commitment at the end of `date` (committed may be zero).
    PaidExceedsCommitted {
        date: Date,
        committed: Money,
        paid: Money,
    },
    /// A mark, proceeds or write-off on a holding with nothing paid in by `date`.
    NotHeld { date: Date, kind: EntryKind },
    /// An entry dated after the holding was closed by a write-off or full exit.
    AfterClose {
        date: Date,
        kind: EntryKind,
        closed_on: Date,
        closed_by: &'static str,
    },
}

impl Violation {
    pub fn rule(&self) -> &'static str {
        match self {
            Violation::PaidExceedsCommitted { committed, .. } if committed.is_zero() => {
                "paid-in-without-commitment"
            }
            Violation::PaidExceedsCommitted { .. } => "paid-in-exceeds-commitment",
            Violation::NotHeld { .. } => "not-held",
            Violation::AfterClose { .. } => "holding-closed",
        }
    }
}

/// What the rules read of an entry, and no more: 32 bytes, so a bulk import can keep
/// every position it touches in memory (see `store/cache.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub amount: Money,
    pub date: Date,
    pub kind: EntryKind,
    /// A `deal-proceeds` entry that is a full exit (it closes the holding).
    pub exit: bool,
}

impl Event {
    pub fn new(
        id: i64,
        kind: EntryKind,
        date: Date,
        amount: Option<Money>,
        detail: Option<&str>,
    ) -> Event {
        Event {
            id,
            amount: amount.unwrap_or(Money::ZERO),
            date,
            kind,
            exit: kind == EntryKind::DealProceeds && detail == Some(ProceedsKind::Exit.as_str()),
        }
    }
}

impl From<&Entry> for Event {
    fn from(e: &Entry) -> Event {
        Event::new(e.id, e.kind, e.date, e.amount, e.detail.as_deref())
    }
}

fn rank(e: &Event) -> u8 {
    match e.kind {
        EntryKind::LpCommit | EntryKind::DealCommit => 0,
        EntryKind::LpPay | EntryKind::DealPay => 1,
        EntryKind::DealValue => 2,
        EntryKind::DealProceeds if !e.exit => 3,
        EntryKind::LpDistribute => 3,
        _ => 4,
    }
}

/// Sort a position's events into the order the rules read them.
fn timeline_order(events: &mut [Event]) {
    events.sort_by_key(|e| (e.date, rank(e), e.id));
}

/// Paid-in never exceeds committed at the end of any day.
fn check_paid_within_committed(
    events: &[Event],
    commit: EntryKind,
    pay: EntryKind,
) -> Result<(), Violation> {
    let (mut committed, mut paid) = (Money::ZERO, Money::ZERO);
    for (i, e) in events.iter().enumerate() {
        if e.kind == commit {
            committed += e.amount;
        } else if e.kind == pay {
            paid += e.amount;
        }
        let end_of_day = events.get(i + 1).is_none_or(|n| n.date != e.date);
        if end_of_day && paid > committed {
            return Err(Violation::PaidExceedsCommitted {
                date: e.date,
                committed,
                paid,
            });
        }
    }
    Ok(())
}

/// Rules for an LP position (one investor in one fund).
pub fn check_lp(entries: Vec<Entry>) -> Result<(), Violation> {
    check_lp_events(entries.iter().map(Event::from).collect())
}

/// [`check_lp`] over events.
pub fn check_lp_events(mut events: Vec<Event>) -> Result<(), Violation> {
    timeline_order(&mut events);
    check_paid_within_committed(&events, EntryKind::LpCommit, EntryKind::LpPay)
}

/// Rules for a holding (one fund in one company).
pub fn check_holding(entries: Vec<Entry>) -> Result<(), Violation> {
    check_holding_events(entries.iter().map(Event::from).collect())
}

/// [`check_holding`] over events.
pub fn check_holding_events(mut events: Vec<Event>) -> Result<(), Violation> {
    timeline_order(&mut events);
    check_paid_within_committed(&events, EntryKind::DealCommit, EntryKind::DealPay)?;
    let mut paid = Money::ZERO;
    let mut closed: Option<(Date, &'static str)> = None;
    for e in &events {
        if let Some((closed_on, closed_by)) = closed {
            return Err(Violation::AfterClose {
                date: e.date,
                kind: e.kind,
                closed_on,
                closed_by,
            });
        }
        match e.kind {
            EntryKind::DealPay => paid += e.amount,
            EntryKind::DealValue | EntryKind::DealProceeds | EntryKind::DealWriteOff => {
                // Payments on the same day sort first, so `paid` is the end-of-day figure.
                if paid.is_zero() {
                    return Err(Violation::NotHeld {
                        date: e.date,
                        kind: e.kind,
                    });
                }
                if e.kind == EntryKind::DealWriteOff {
                    closed = Some((e.date, "a write-off"));
                } else if e.exit {
                    closed = Some((e.date, "a full exit"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;

    fn e(id: i64, kind: EntryKind, date: &str, yuan: Option<i64>, detail: Option<&str>) -> Entry {
        Entry {
            id,
            kind,
            date: parse_date(date).unwrap(),
            recorded_at: String::new(),
            recorded_by: String::new(),
            memo: None,
            fund_id: Some(1),
            investor_id: None,
            company_id: Some(1),
            amount: yuan.map(Money::yuan),
            detail: detail.map(String::from),
            reverses: None,
            loan: Default::default(),
            reinvest_weight: None,
        }
    }
    use EntryKind::*;

    #[test]
    fn back_dated_payment_breaks_a_later_date() {
        // Commit 100 on 03-01, pay 80 on 04-01; a payment of 30 back-dated to 02-01
        // is itself uncommitted on 02-01 (0 committed, 30 paid).
        let h = vec![
            e(1, DealCommit, "2021-03-01", Some(100), None),
            e(2, DealPay, "2021-04-01", Some(80), None),
            e(3, DealPay, "2021-02-01", Some(30), None),
        ];
        assert_eq!(
            check_holding(h).unwrap_err(),
            Violation::PaidExceedsCommitted {
                date: parse_date("2021-02-01").unwrap(),
                committed: Money::ZERO,
                paid: Money::yuan(30)
            }
        );
        // Paid 30 on 03-15: fine then (30 ≤ 100), but by 04-01 paid is 110 > 100.
        let h = vec![
            e(1, DealCommit, "2021-03-01", Some(100), None),
            e(2, DealPay, "2021-04-01", Some(80), None),
            e(3, DealPay, "2021-03-15", Some(30), None),
        ];
        let v = check_holding(h).unwrap_err();
        assert_eq!(v.rule(), "paid-in-exceeds-commitment");
        assert!(
            matches!(v, Violation::PaidExceedsCommitted { paid, .. } if paid == Money::yuan(110))
        );
    }

    #[test]
    fn same_day_commit_and_pay_is_fine() {
        let h = vec![
            e(2, DealPay, "2021-03-01", Some(100), None),
            e(1, DealCommit, "2021-03-01", Some(100), None),
        ];
        assert_eq!(check_holding(h), Ok(()));
    }

    #[test]
    fn marks_need_a_holding_and_nothing_follows_a_close() {
        let h = vec![
            e(1, DealCommit, "2021-03-01", Some(100), None),
            e(2, DealValue, "2021-03-02", Some(5), None),
        ];
        assert_eq!(check_holding(h).unwrap_err().rule(), "not-held");
        let h = vec![
            e(1, DealCommit, "2021-03-01", Some(100), None),
            e(2, DealPay, "2021-03-01", Some(100), None),
            e(3, DealWriteOff, "2021-06-01", None, None),
            e(4, DealValue, "2021-06-01", Some(1), None),
        ];
        // A mark on the write-off's own day sorts before it: allowed.
        assert_eq!(check_holding(h.clone()), Ok(()));
        let mut h2 = h;
        h2.push(e(5, DealValue, "2021-06-02", Some(1), None));
        assert_eq!(check_holding(h2).unwrap_err().rule(), "holding-closed");
        let h = vec![
            e(1, DealCommit, "2021-03-01", Some(100), None),
            e(2, DealPay, "2021-03-01", Some(100), None),
            e(3, DealProceeds, "2021-06-01", Some(300), Some("exit")),
            e(4, DealProceeds, "2021-07-01", Some(1), Some("dividend")),
        ];
        assert_eq!(check_holding(h).unwrap_err().rule(), "holding-closed");
    }

    #[test]
    fn an_event_stays_small() {
        // The import's position cache is sized in events (store/cache.rs).
        assert!(std::mem::size_of::<Event>() <= 32);
    }

    #[test]
    fn lp_paid_within_committed() {
        let mut lp = vec![
            e(1, LpCommit, "2021-01-01", Some(100), None),
            e(2, LpPay, "2021-02-01", Some(100), None),
        ];
        assert_eq!(check_lp(lp.clone()), Ok(()));
        lp.push(e(3, LpPay, "2021-02-01", Some(1), None));
        assert_eq!(
            check_lp(lp).unwrap_err().rule(),
            "paid-in-exceeds-commitment"
        );
    }
}
