//! A loan's life, replayed from its journal entries in order.
//!
//! Why a replay and not running totals: entries can be back-dated and reversed, so
//! every write replays the loan's whole effective history with the candidate entry
//! applied, and refuses if any entry would break a rule or be allocated differently
//! from what was stored. Reports replay the same way, trusting the stored
//! allocations. Loans are small (tens of entries), so this stays cheap.
//!
//! Order of a day's events: disbursement, repayments, default, guarantee payouts,
//! recoveries, write-off; then journal order.
//!
//! Allocation of a repayment (and of a guarantee payout, which pays the bank what the
//! borrower owes): overdue interest, overdue principal, current interest, current
//! principal, then prepayment of principal. *Overdue* installments fell due before
//! the payment date; the *current* installment is the first one falling due on or
//! after it. A prepayment re-amortises the installments after the current one over
//! their remaining months by the loan's method (lower installments, same term). The
//! most a payment can be is the payoff: all overdue amounts, the current interest and
//! every remaining unit of principal; future interest is never owed in advance.

use serde::Serialize;

use super::schedule::{self, Installment};
use super::LoanTerms;
use crate::date::Date;
use crate::domain::EntryKind;
use crate::money::Money;

/// A loan entry as the engine needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanEvent {
    pub id: i64,
    pub kind: EntryKind,
    pub date: Date,
    pub amount: Option<Money>,
    /// Stored interest part (repayments and payouts); `None` on a candidate.
    pub interest: Option<Money>,
    /// Stored subsidy part (repayments); `None` on a candidate.
    pub subsidy: Option<Money>,
}

/// An installment with what has been paid against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Inst {
    pub n: u32,
    pub due: Date,
    pub principal: Money,
    pub interest: Money,
    pub paid_principal: Money,
    pub paid_interest: Money,
    /// Principal prepaid with this installment, beyond the schedule (it re-amortised
    /// the installments after it).
    pub prepaid: Money,
}

impl Inst {
    fn from_schedule(i: Installment) -> Inst {
        Inst {
            n: i.n,
            due: i.due,
            principal: i.principal,
            interest: i.interest,
            paid_principal: Money::ZERO,
            paid_interest: Money::ZERO,
            prepaid: Money::ZERO,
        }
    }
    pub fn unpaid_principal(&self) -> Money {
        self.principal - self.paid_principal
    }
    pub fn unpaid_interest(&self) -> Money {
        self.interest - self.paid_interest
    }
    /// An installment re-amortised to nothing by a payoff.
    pub fn total_is_zero(&self) -> bool {
        self.principal.is_zero() && self.interest.is_zero()
    }
    /// Paid in full: only then is it not late. No tolerance: a fen short is late.
    pub fn settled(&self) -> bool {
        self.unpaid_principal().is_zero() && self.unpaid_interest().is_zero()
    }
}

/// What the borrower owes on a date, in allocation order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Owed {
    pub overdue_interest: Money,
    pub overdue_principal: Money,
    pub current_interest: Money,
    pub current_principal: Money,
    /// Principal of later installments: payable early, never required.
    pub later_principal: Money,
}

impl Owed {
    /// The payoff: the most a payment can be on that date.
    pub fn total(&self) -> Money {
        self.overdue_interest
            + self.overdue_principal
            + self.current_interest
            + self.current_principal
            + self.later_principal
    }

    /// Split `amount` in allocation order; `None` if it is more than the payoff.
    pub fn allocate(&self, amount: Money) -> Option<(Money, Money)> {
        if amount > self.total() {
            return None;
        }
        let mut left = amount;
        let mut take = |part: Money| {
            let x = part.min(left);
            left -= x;
            x
        };
        let oi = take(self.overdue_interest);
        let op = take(self.overdue_principal);
        let ci = take(self.current_interest);
        let cp = take(self.current_principal);
        let pre = take(self.later_principal);
        Some((oi + ci, op + cp + pre))
    }
}

/// How a repayment or payout was split.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub interest: Money,
    pub principal: Money,
    /// Interest subsidy (贴息) share of `interest`; zero on payouts.
    pub subsidy: Money,
}

impl Allocation {
    /// The interest the borrower bears: interest − subsidy.
    pub fn borrower_interest(&self) -> Money {
        self.interest - self.subsidy
    }
}

/// A broken rule, with the figures. The caller names the loan and the entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    NotDisbursed {
        date: Date,
        kind: EntryKind,
        disbursed: Option<Date>,
        /// The loan's start date, when its disbursement is due.
        start: Date,
    },
    PaymentExceedsOwed {
        date: Date,
        amount: Money,
        owed: Owed,
    },
    PayoutExceedsOutstanding {
        date: Date,
        amount: Money,
        owed: Owed,
    },
    RecoveryExceedsPayout {
        date: Date,
        amount: Money,
        compensated: Money,
        recovered: Money,
    },
    AfterWriteOff {
        date: Date,
        kind: EntryKind,
        written_off_on: Date,
    },
    AlreadyDefaulted {
        date: Date,
        defaulted_on: Date,
    },
    NotDefaulted {
        date: Date,
        kind: EntryKind,
    },
    AfterCompensation {
        date: Date,
        first_payout: Date,
    },
    NothingOutstanding {
        date: Date,
        kind: EntryKind,
    },
    AllocationChanged {
        stored: Allocation,
        now: Allocation,
    },
    /// Stored figures no rule could have produced (a file altered outside fundledger).
    Inconsistent(String),
}

impl Violation {
    pub fn rule(&self) -> &'static str {
        match self {
            Violation::NotDisbursed { .. } => "loan-not-disbursed",
            Violation::PaymentExceedsOwed { .. } => "payment-exceeds-owed",
            Violation::PayoutExceedsOutstanding { .. } => "payout-exceeds-outstanding",
            Violation::RecoveryExceedsPayout { .. } => "recovery-exceeds-payout",
            Violation::AfterWriteOff { .. } => "loan-written-off",
            Violation::AlreadyDefaulted { .. } => "loan-already-defaulted",
            Violation::NotDefaulted { .. } => "loan-not-defaulted",
            Violation::AfterCompensation { .. } => "loan-compensated",
            Violation::NothingOutstanding { .. } => "nothing-outstanding",
            Violation::AllocationChanged { .. } => "allocation-changed",
            Violation::Inconsistent(_) => "loan-history-inconsistent",
        }
    }
}

fn owed_breakdown(o: &Owed) -> String {
    format!(
        "overdue interest {} + overdue principal {} + current interest {} + remaining principal {}",
        o.overdue_interest,
        o.overdue_principal,
        o.current_interest,
        o.current_principal + o.later_principal
    )
}

fn allocation_text(a: &Allocation) -> String {
    format!(
        "interest {} (subsidy {}) + principal {}",
        a.interest, a.subsidy, a.principal
    )
}

impl Violation {
    /// What broke, with the figures, for a refusal or an audit finding about loan `code`.
    pub fn describe(&self, code: &str) -> String {
        let v = self;
        match v {
            Violation::NotDisbursed { date, kind, disbursed: Some(d), .. } => {
                format!("a {kind} on {date} is before the loan was disbursed on {d}")
            }
            Violation::NotDisbursed { date, kind, disbursed: None, start } if date < start => format!(
                "a {kind} on {date} is dated before the loan is disbursed on its start date {start} ({} days earlier): nothing is owed before then",
                (*start - *date).num_days()
            ),
            Violation::NotDisbursed { date, kind, disbursed: None, .. } => format!(
                "the loan would have no disbursement (it was reversed), so a {kind} on {date} cannot stand; reverse the loan's later entries first"
            ),
            Violation::PaymentExceedsOwed { date, amount, owed } => format!(
                "a payment of {amount} is more than the {} owed on {date} ({}), over by {}",
                owed.total(),
                owed_breakdown(owed),
                *amount - owed.total()
            ),
            Violation::PayoutExceedsOutstanding { date, amount, owed } => format!(
                "a payout of {amount} is more than the {} outstanding on {date} ({}), over by {}",
                owed.total(),
                owed_breakdown(owed),
                *amount - owed.total()
            ),
            Violation::RecoveryExceedsPayout { date, amount, compensated, recovered } => format!(
                "a recovery of {amount} is more than the {} of guarantee payouts not yet recovered on {date} \
                 (paid out {compensated}, recovered {recovered}), over by {}",
                *compensated - *recovered,
                *amount - (*compensated - *recovered)
            ),
            Violation::AfterWriteOff { date, kind, written_off_on } => format!(
                "the loan was written off on {written_off_on}, and nothing is recorded after a write-off (a {kind} on {date}); reverse the write-off first if it was a mistake"
            ),
            Violation::AlreadyDefaulted { date, defaulted_on } => {
                format!("the loan is already in default since {defaulted_on} (a second default on {date})")
            }
            Violation::NotDefaulted { date, kind } => format!(
                "a {kind} on {date} needs the loan to be in default first: record `loan default {code} --date …`"
            ),
            Violation::AfterCompensation { date, first_payout } => format!(
                "the guarantee fund paid the bank on {first_payout}; after a payout (代偿) the borrower repays the guarantee fund, so record the {date} payment with `loan recover {code}`"
            ),
            Violation::NothingOutstanding { date, kind } => format!(
                "nothing is outstanding on {date} (principal repaid and no unrecovered payout), so there is nothing for a {kind}"
            ),
            Violation::AllocationChanged { stored, now } => format!(
                "its stored split, {}, would become {}; reverse the loan's later repayments and payouts first (newest first), then record them again in date order",
                allocation_text(stored),
                allocation_text(now)
            ),
            Violation::Inconsistent(s) => {
                format!("the loan's stored history is inconsistent ({s}); the file may have been altered outside fundledger")
            }
        }
    }
}

/// A loan's position after some of its events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoanState {
    pub terms: LoanTerms,
    /// The schedule in force (re-amortised after prepayments) with payments against it.
    pub installments: Vec<Inst>,
    pub disbursed: Option<Date>,
    pub principal_repaid: Money,
    pub interest_paid: Money,
    pub subsidy_paid: Money,
    /// Default date and the principal outstanding then.
    pub defaulted: Option<(Date, Money)>,
    pub compensated: Money,
    pub compensated_interest: Money,
    pub first_payout: Option<Date>,
    pub recovered: Money,
    /// Write-off date and the amount written off: the principal still owed to the bank
    /// plus the guarantee fund's unrecovered payouts.
    pub written_off: Option<(Date, Money)>,
    /// Index of the oldest installment not paid in full (all before it are).
    first_open: usize,
    /// Principal not yet paid: the sum of the installments' unpaid principal.
    balance: Money,
}

/// Aging buckets of days past due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bucket {
    D1To30,
    D31To60,
    D61To90,
    Over90,
}

impl Bucket {
    /// The bucket of `days` past due; `None` when not late (0 days or fewer).
    pub fn of(days: i64) -> Option<Bucket> {
        match days {
            i64::MIN..=0 => None,
            1..=30 => Some(Bucket::D1To30),
            31..=60 => Some(Bucket::D31To60),
            61..=90 => Some(Bucket::D61To90),
            _ => Some(Bucket::Over90),
        }
    }
}

/// Same-day order of events (see the module documentation).
pub fn rank(kind: EntryKind) -> u8 {
    match kind {
        EntryKind::LoanDisburse => 0,
        EntryKind::LoanRepay => 1,
        EntryKind::LoanDefault => 2,
        EntryKind::LoanCompensate => 3,
        EntryKind::LoanRecover => 4,
        EntryKind::LoanWriteOff => 5,
        _ => 6,
    }
}

/// Sort events into the order the rules read them.
pub fn order(events: &mut [LoanEvent]) {
    events.sort_by_key(|e| (e.date, rank(e.kind), e.id));
}

impl LoanState {
    pub fn new(terms: &LoanTerms) -> LoanState {
        LoanState {
            installments: schedule::schedule(terms)
                .into_iter()
                .map(Inst::from_schedule)
                .collect(),
            terms: terms.clone(),
            disbursed: None,
            principal_repaid: Money::ZERO,
            interest_paid: Money::ZERO,
            subsidy_paid: Money::ZERO,
            defaulted: None,
            compensated: Money::ZERO,
            compensated_interest: Money::ZERO,
            first_payout: None,
            recovered: Money::ZERO,
            written_off: None,
            first_open: 0,
            // The schedule's principal parts add up to the principal exactly.
            balance: terms.principal,
        }
    }

    /// Principal still owed to the bank (zero before disbursement and after a write-off).
    pub fn outstanding(&self) -> Money {
        if self.disbursed.is_none() || self.written_off.is_some() {
            return Money::ZERO;
        }
        self.balance
    }

    /// The guarantee fund's payouts not yet recovered.
    pub fn unrecovered(&self) -> Money {
        self.compensated - self.recovered
    }

    /// Index of the last installment a regular payment on `date` may reach: the
    /// current one (first due on or after `date`), or the last if all are past due.
    fn reach(&self, date: Date) -> usize {
        // Due dates strictly increase, so a binary search finds the current one.
        self.installments
            .partition_point(|i| i.due < date)
            .min(self.installments.len() - 1)
    }

    pub fn owed(&self, date: Date) -> Owed {
        let mut o = Owed::default();
        let reach = self.reach(date);
        // Installments before `first_open` are paid in full; after `reach` only their
        // principal counts, and that is the balance less what is counted here.
        for i in self
            .installments
            .iter()
            .take(reach + 1)
            .skip(self.first_open)
        {
            if i.due < date {
                o.overdue_interest += i.unpaid_interest();
                o.overdue_principal += i.unpaid_principal();
            } else {
                o.current_interest += i.unpaid_interest();
                o.current_principal += i.unpaid_principal();
            }
        }
        o.later_principal = self.balance - o.overdue_principal - o.current_principal;
        o
    }

    /// Apply a split payment: interest oldest first up to the current installment,
    /// principal likewise, the rest as a prepayment that re-amortises what follows.
    fn pay(&mut self, date: Date, interest: Money, principal: Money) -> Result<(), Violation> {
        let reach = self.reach(date);
        let open = self.first_open.min(reach + 1);
        let mut left = interest;
        for i in &mut self.installments[open..=reach] {
            let x = left.min(i.unpaid_interest());
            i.paid_interest += x;
            left -= x;
        }
        if left.is_positive() {
            return Err(Violation::Inconsistent(format!(
                "an interest part of {interest} on {date} is {left} more than the interest due"
            )));
        }
        let mut left = principal;
        for i in &mut self.installments[open..=reach] {
            let x = left.min(i.unpaid_principal());
            i.paid_principal += x;
            left -= x;
        }
        if left.is_positive() {
            self.installments[reach].prepaid += left;
            let later = &mut self.installments[reach + 1..];
            let balance: Money = later.iter().map(Inst::unpaid_principal).sum();
            if left > balance {
                return Err(Violation::Inconsistent(format!(
                    "a principal part of {principal} on {date} is {} more than the principal owed",
                    left - balance
                )));
            }
            let t = &self.terms;
            let parts = schedule::amounts(t.method, balance - left, t.rate, later.len() as u32);
            for (i, (p, int)) in later.iter_mut().zip(parts) {
                // Later installments never carry payments: only prepayments reach them,
                // and a prepayment re-amortises them from scratch.
                *i = Inst {
                    principal: p,
                    interest: int,
                    paid_principal: Money::ZERO,
                    paid_interest: Money::ZERO,
                    ..*i
                };
            }
        }
        self.balance -= principal;
        // Payments fill installments oldest first, so the paid ones are a prefix.
        while self
            .installments
            .get(self.first_open)
            .is_some_and(Inst::settled)
        {
            self.first_open += 1;
        }
        Ok(())
    }

    /// Split a payment of `amount` on `date` as the allocation order says, or use the
    /// stored split: when `verify`, a stored split must equal the computed one.
    fn settle(
        &mut self,
        ev: &LoanEvent,
        computed: Allocation,
        verify: bool,
    ) -> Result<Allocation, Violation> {
        let amount = ev.amount.unwrap_or(Money::ZERO);
        let used = match ev.interest {
            Some(interest) => {
                let stored = Allocation {
                    interest,
                    principal: amount - interest,
                    subsidy: ev.subsidy.unwrap_or(Money::ZERO),
                };
                if verify && stored != computed {
                    return Err(Violation::AllocationChanged {
                        stored,
                        now: computed,
                    });
                }
                stored
            }
            None => computed,
        };
        self.pay(ev.date, used.interest, used.principal)?;
        Ok(used)
    }

    /// Apply one event. `verify`: check stored allocations against the rules (writes);
    /// otherwise trust them (reports). Returns the allocation of a payment.
    pub fn apply(&mut self, ev: &LoanEvent, verify: bool) -> Result<Option<Allocation>, Violation> {
        if let Some((on, _)) = self.written_off {
            return Err(Violation::AfterWriteOff {
                date: ev.date,
                kind: ev.kind,
                written_off_on: on,
            });
        }
        let amount = ev.amount.unwrap_or(Money::ZERO);
        if ev.kind == EntryKind::LoanDisburse {
            if let Some(d) = self.disbursed {
                return Err(Violation::Inconsistent(format!(
                    "a second disbursement on {} after the one on {d}",
                    ev.date
                )));
            }
            if amount != self.terms.principal || ev.date != self.terms.start {
                return Err(Violation::Inconsistent(format!(
                    "disbursement of {amount} on {} does not match the loan's principal {} and start {}",
                    ev.date, self.terms.principal, self.terms.start
                )));
            }
            self.disbursed = Some(ev.date);
            return Ok(None);
        }
        match self.disbursed {
            Some(d) if ev.date >= d => {}
            disbursed => {
                return Err(Violation::NotDisbursed {
                    date: ev.date,
                    kind: ev.kind,
                    disbursed,
                    start: self.terms.start,
                })
            }
        }
        match ev.kind {
            EntryKind::LoanRepay => {
                if let Some(first_payout) = self.first_payout {
                    return Err(Violation::AfterCompensation {
                        date: ev.date,
                        first_payout,
                    });
                }
                let owed = self.owed(ev.date);
                let (interest, principal) =
                    owed.allocate(amount).ok_or(Violation::PaymentExceedsOwed {
                        date: ev.date,
                        amount,
                        owed,
                    })?;
                let t = &self.terms;
                let subsidy = t.subsidy.subsidy(interest, t.rate, t.lpr);
                let a = self.settle(
                    ev,
                    Allocation {
                        interest,
                        principal,
                        subsidy,
                    },
                    verify,
                )?;
                self.principal_repaid += a.principal;
                self.interest_paid += a.interest;
                self.subsidy_paid += a.subsidy;
                Ok(Some(a))
            }
            EntryKind::LoanCompensate => {
                if self.defaulted.is_none() {
                    return Err(Violation::NotDefaulted {
                        date: ev.date,
                        kind: ev.kind,
                    });
                }
                let owed = self.owed(ev.date);
                let (interest, principal) =
                    owed.allocate(amount)
                        .ok_or(Violation::PayoutExceedsOutstanding {
                            date: ev.date,
                            amount,
                            owed,
                        })?;
                let a = self.settle(
                    ev,
                    Allocation {
                        interest,
                        principal,
                        subsidy: Money::ZERO,
                    },
                    verify,
                )?;
                self.compensated += amount;
                self.compensated_interest += a.interest;
                self.first_payout.get_or_insert(ev.date);
                Ok(Some(a))
            }
            EntryKind::LoanDefault => {
                if let Some((on, _)) = self.defaulted {
                    return Err(Violation::AlreadyDefaulted {
                        date: ev.date,
                        defaulted_on: on,
                    });
                }
                let out = self.outstanding();
                if out.is_zero() {
                    return Err(Violation::NothingOutstanding {
                        date: ev.date,
                        kind: ev.kind,
                    });
                }
                self.defaulted = Some((ev.date, out));
                Ok(None)
            }
            EntryKind::LoanRecover => {
                if amount > self.unrecovered() {
                    return Err(Violation::RecoveryExceedsPayout {
                        date: ev.date,
                        amount,
                        compensated: self.compensated,
                        recovered: self.recovered,
                    });
                }
                self.recovered += amount;
                Ok(None)
            }
            EntryKind::LoanWriteOff => {
                if self.defaulted.is_none() {
                    return Err(Violation::NotDefaulted {
                        date: ev.date,
                        kind: ev.kind,
                    });
                }
                let amount = self.outstanding() + self.unrecovered();
                if amount.is_zero() {
                    return Err(Violation::NothingOutstanding {
                        date: ev.date,
                        kind: ev.kind,
                    });
                }
                self.written_off = Some((ev.date, amount));
                Ok(None)
            }
            other => Err(Violation::Inconsistent(format!(
                "a {other} entry is not a loan entry"
            ))),
        }
    }

    /// Days the oldest unpaid installment is past due on `as_of` (an installment due
    /// on `as_of` is not late yet); `None` when nothing is late or nothing is owed.
    pub fn days_past_due(&self, as_of: Date) -> Option<i64> {
        if self.outstanding().is_zero() {
            return None;
        }
        // The oldest unpaid installment is the first open one.
        self.installments
            .get(self.first_open)
            .filter(|i| i.due < as_of)
            .map(|i| (as_of - i.due).num_days())
    }
}

/// The result of a replay: the final state and each payment's allocation by entry id.
pub type Replay = (LoanState, Vec<(i64, Allocation)>);

/// Replay `events` (any order; they are sorted) from the terms. On a broken rule,
/// returns the offending event and the violation.
pub fn replay(
    terms: &LoanTerms,
    mut events: Vec<LoanEvent>,
    verify: bool,
) -> Result<Replay, Box<(LoanEvent, Violation)>> {
    order(&mut events);
    let mut state = LoanState::new(terms);
    let mut allocations = Vec::new();
    for ev in events {
        match state.apply(&ev, verify) {
            Ok(Some(a)) => allocations.push((ev.id, a)),
            Ok(None) => {}
            Err(v) => return Err(Box::new((ev, v))),
        }
    }
    Ok((state, allocations))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;
    use crate::loan::{Method, Rate, SubsidyRule};
    use EntryKind::*;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }
    fn y(s: &str) -> Money {
        s.parse().unwrap()
    }

    /// 120,000 over 12 months at 6%, equal principal, from 2021-01-15: each month
    /// 10,000 principal; interest 0.5% of the opening balance: 600, 550, 500, …
    fn terms() -> LoanTerms {
        LoanTerms {
            principal: y("120000"),
            rate: Rate::parse("rate", "6%").unwrap(),
            term_months: 12,
            start: d("2021-01-15"),
            method: Method::EqualPrincipal,
            lpr: None,
            subsidy: SubsidyRule::None,
        }
    }

    fn ev(id: i64, kind: EntryKind, date: &str, amount: Option<&str>) -> LoanEvent {
        LoanEvent {
            id,
            kind,
            date: d(date),
            amount: amount.map(y),
            interest: None,
            subsidy: None,
        }
    }

    fn run(events: Vec<LoanEvent>) -> Result<Replay, Box<(LoanEvent, Violation)>> {
        let mut all = vec![ev(1, LoanDisburse, "2021-01-15", Some("120000"))];
        all.extend(events);
        replay(&terms(), all, true)
    }

    #[test]
    fn allocation_order() {
        // On 2021-03-10 installment 1 (due 02-15: 10,000 + 600) is overdue and
        // installment 2 (due 03-15: 10,000 + 550) is current. 11,000 pays overdue
        // interest 600, overdue principal 10,000, then 400 of the current interest.
        let (s, a) = run(vec![ev(2, LoanRepay, "2021-03-10", Some("11000"))]).unwrap();
        assert_eq!(
            a[0].1,
            Allocation {
                interest: y("1000"),
                principal: y("10000"),
                subsidy: Money::ZERO
            }
        );
        assert!(s.installments[0].settled());
        assert_eq!(s.installments[1].unpaid_interest(), y("150"));
        // Two days later 25,000: the rest of the current interest 150, current principal
        // 10,000, and 14,850 prepaid. The ten later installments are re-amortised on
        // 100,000 − 14,850 = 85,150: 8,515 each; the next interest is
        // 85,150 × 0.5% = 425.75.
        let (s, a) = run(vec![
            ev(2, LoanRepay, "2021-03-10", Some("11000")),
            ev(3, LoanRepay, "2021-03-12", Some("25000")),
        ])
        .unwrap();
        assert_eq!(
            a[1].1,
            Allocation {
                interest: y("150"),
                principal: y("24850"),
                subsidy: Money::ZERO
            }
        );
        assert_eq!(s.outstanding(), y("85150"));
        assert_eq!(
            (s.installments[2].principal, s.installments[2].interest),
            (y("8515"), y("425.75"))
        );
        assert_eq!(s.installments[11].principal, y("8515"));
        // The payoff on 03-12 was 150 + 110,000 = 110,150; one fen more is refused.
        let e = *run(vec![
            ev(2, LoanRepay, "2021-03-10", Some("11000")),
            ev(3, LoanRepay, "2021-03-12", Some("110150.01")),
        ])
        .unwrap_err();
        assert_eq!(e.1.rule(), "payment-exceeds-owed");
        let paid_off = run(vec![
            ev(2, LoanRepay, "2021-03-10", Some("11000")),
            ev(3, LoanRepay, "2021-03-12", Some("110150")),
        ])
        .unwrap();
        assert_eq!(paid_off.0.outstanding(), Money::ZERO);
        assert!(paid_off
            .0
            .installments
            .iter()
            .skip(2)
            .all(|i| i.interest.is_zero()));
    }

    #[test]
    fn stored_allocation_must_match_the_replay() {
        // Payment 2 was stored as 10,550 = interest 550 + principal 10,000 (on time).
        // A back-dated payment of 10,600 on 02-15 inserted before it is fine; but if
        // the 02-15 payment is missing, 03-15's 10,550 would now pay installment 1's
        // 600 interest, then its 10,000 principal (overdue before current): 600 interest
        // and 9,950 principal. The stored split no longer holds.
        let stored = LoanEvent {
            interest: Some(y("550")),
            subsidy: Some(Money::ZERO),
            ..ev(3, LoanRepay, "2021-03-15", Some("10550"))
        };
        assert!(run(vec![
            ev(2, LoanRepay, "2021-02-15", Some("10600")),
            stored.clone()
        ])
        .is_ok());
        let e = *run(vec![stored]).unwrap_err();
        assert_eq!(e.0.id, 3);
        assert_eq!(
            e.1,
            Violation::AllocationChanged {
                stored: Allocation {
                    interest: y("550"),
                    principal: y("10000"),
                    subsidy: Money::ZERO
                },
                now: Allocation {
                    interest: y("600"),
                    principal: y("9950"),
                    subsidy: Money::ZERO
                },
            }
        );
    }

    #[test]
    fn bucket_edges() {
        assert_eq!(Bucket::of(0), None);
        assert_eq!(Bucket::of(1), Some(Bucket::D1To30));
        assert_eq!(Bucket::of(30), Some(Bucket::D1To30));
        assert_eq!(Bucket::of(31), Some(Bucket::D31To60));
        assert_eq!(Bucket::of(60), Some(Bucket::D31To60));
        assert_eq!(Bucket::of(61), Some(Bucket::D61To90));
        assert_eq!(Bucket::of(90), Some(Bucket::D61To90));
        assert_eq!(Bucket::of(91), Some(Bucket::Over90));
        // Installment 1 due 2021-02-15 unpaid: 0 days late on the due date, 30 on
        // 03-17 (13 days left in February + 17), 31 on 03-18.
        let (s, _) = run(vec![]).unwrap();
        assert_eq!(s.days_past_due(d("2021-02-15")), None);
        assert_eq!(s.days_past_due(d("2021-02-16")), Some(1));
        assert_eq!(s.days_past_due(d("2021-03-17")), Some(30));
        assert_eq!(s.days_past_due(d("2021-03-18")), Some(31));
        // A fen short is still late.
        let (s, _) = run(vec![ev(2, LoanRepay, "2021-02-15", Some("10599.99"))]).unwrap();
        assert_eq!(s.days_past_due(d("2021-02-16")), Some(1));
    }

    #[test]
    fn guarantee_flow_rules() {
        let default = ev(2, LoanDefault, "2021-06-01", None);
        // Payout before a default.
        let e = *run(vec![ev(3, LoanCompensate, "2021-05-01", Some("100"))]).unwrap_err();
        assert_eq!(e.1.rule(), "loan-not-defaulted");
        // Payout beyond what is owed on 2021-06-01: overdue interest for installments
        // 1–4 (600 + 550 + 500 + 450 = 2,100), current interest 400 (installment 5,
        // due 06-15), and all 120,000 of principal: 122,500.
        let e = *run(vec![
            default.clone(),
            ev(3, LoanCompensate, "2021-06-01", Some("122500.01")),
        ])
        .unwrap_err();
        assert_eq!(e.1.rule(), "payout-exceeds-outstanding");
        let (s, a) = run(vec![
            default.clone(),
            ev(3, LoanCompensate, "2021-06-01", Some("122500")),
        ])
        .unwrap();
        assert_eq!(a[0].1.interest, y("2500"));
        assert_eq!(s.outstanding(), Money::ZERO);
        // Repayments after a payout go to the guarantee fund: refused as repayments.
        let e = *run(vec![
            default.clone(),
            ev(3, LoanCompensate, "2021-06-01", Some("50000")),
            ev(4, LoanRepay, "2021-06-02", Some("10")),
        ])
        .unwrap_err();
        assert_eq!(e.1.rule(), "loan-compensated");
        // Recoveries up to what was paid out.
        let e = *run(vec![
            default.clone(),
            ev(3, LoanCompensate, "2021-06-01", Some("50000")),
            ev(4, LoanRecover, "2021-07-01", Some("30000")),
            ev(5, LoanRecover, "2021-08-01", Some("20000.01")),
        ])
        .unwrap_err();
        assert_eq!(e.1.rule(), "recovery-exceeds-payout");
        // Write-off: what is left at the bank plus the unrecovered payout; then nothing.
        // 50,000 paid out on 06-01: interest 2,500 first, principal 47,500; the bank is
        // left with 72,500; 30,000 recovered → 20,000 unrecovered; written off 92,500.
        let (s, _) = run(vec![
            default.clone(),
            ev(3, LoanCompensate, "2021-06-01", Some("50000")),
            ev(4, LoanRecover, "2021-07-01", Some("30000")),
            ev(5, LoanWriteOff, "2021-09-01", None),
        ])
        .unwrap();
        assert_eq!(s.written_off, Some((d("2021-09-01"), y("92500"))));
        assert_eq!(s.outstanding(), Money::ZERO);
        let e = *run(vec![
            default.clone(),
            ev(5, LoanWriteOff, "2021-09-01", None),
            ev(6, LoanRecover, "2021-09-02", Some("1")),
        ])
        .unwrap_err();
        assert_eq!(e.1.rule(), "loan-written-off");
        let e = *run(vec![
            default.clone(),
            ev(3, LoanDefault, "2021-07-01", None),
        ])
        .unwrap_err();
        assert_eq!(e.1.rule(), "loan-already-defaulted");
        let e = *run(vec![ev(5, LoanWriteOff, "2021-09-01", None)]).unwrap_err();
        assert_eq!(e.1.rule(), "loan-not-defaulted");
    }

    #[test]
    fn nothing_before_disbursement() {
        let e = *replay(
            &terms(),
            vec![ev(2, LoanRepay, "2021-03-10", Some("1"))],
            true,
        )
        .unwrap_err();
        assert_eq!(e.1.rule(), "loan-not-disbursed");
        let e = *run(vec![ev(2, LoanRepay, "2021-01-14", Some("1"))]).unwrap_err();
        assert_eq!(e.1.rule(), "loan-not-disbursed");
    }

    #[test]
    fn bullet_pays_interest_first_and_cannot_prepay() {
        // Bullet 100,000 for 12 months at 5.15%: one installment of 105,150 due
        // 2022-06-30. It is the current installment all year, so an early 50,000 pays
        // the 5,150 interest first, then 44,850 principal.
        let t = LoanTerms {
            principal: y("100000"),
            rate: Rate::parse("rate", "5.15%").unwrap(),
            term_months: 12,
            start: d("2021-06-30"),
            method: Method::Bullet,
            lpr: Some(Rate::parse("lpr", "3.65%").unwrap()),
            subsidy: SubsidyRule::LprMinus { bp: 150 },
        };
        let events = vec![
            ev(1, LoanDisburse, "2021-06-30", Some("100000")),
            ev(2, LoanRepay, "2022-01-10", Some("50000")),
        ];
        let (s, a) = replay(&t, events, true).unwrap();
        // Subsidy: 5,150 × 3.00 / 5.15 = 3,000.
        assert_eq!(
            a[0].1,
            Allocation {
                interest: y("5150"),
                principal: y("44850"),
                subsidy: y("3000")
            }
        );
        assert_eq!(s.outstanding(), y("55150"));
        assert_eq!(s.owed(d("2022-01-11")).total(), y("55150"));
    }

    mod fast_paths {
        use super::*;
        use proptest::prelude::*;

        /// `owed` as the definition reads, scanning every installment.
        fn naive_owed(s: &LoanState, date: Date) -> Owed {
            let mut o = Owed::default();
            let reach = s
                .installments
                .iter()
                .position(|i| i.due >= date)
                .unwrap_or(s.installments.len() - 1);
            for (k, i) in s.installments.iter().enumerate() {
                if i.due < date {
                    o.overdue_interest += i.unpaid_interest();
                    o.overdue_principal += i.unpaid_principal();
                } else if k == reach {
                    o.current_interest += i.unpaid_interest();
                    o.current_principal += i.unpaid_principal();
                } else {
                    o.later_principal += i.unpaid_principal();
                }
            }
            o
        }

        fn method() -> impl Strategy<Value = Method> {
            prop_oneof![
                Just(Method::EqualInstallment),
                Just(Method::EqualPrincipal),
                Just(Method::InterestOnly),
                Just(Method::Bullet)
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

            /// Random payments (days after the start, share of the payoff in ‰):
            /// the running balance and cursor agree with a full rescan, principal
            /// paid + outstanding is the principal, and paid installments are a prefix.
            #[test]
            fn cursor_and_balance_match_a_full_rescan(
                m in method(),
                n in 1u32..=36,
                fen in 100_000i64..=50_000_000,
                payments in proptest::collection::vec((1i64..=40, 1i64..=1000), 0..20),
            ) {
                let t = LoanTerms {
                    principal: Money::from_fen(fen),
                    rate: Rate::from_e8(5_150_000),
                    term_months: n,
                    start: d("2021-01-31"),
                    method: m,
                    lpr: None,
                    subsidy: SubsidyRule::None,
                };
                let mut s = LoanState::new(&t);
                s.apply(&LoanEvent { id: 1, kind: LoanDisburse, date: t.start, amount: Some(t.principal), interest: None, subsidy: None }, true).unwrap();
                let mut date = t.start;
                for (k, (gap, share)) in payments.into_iter().enumerate() {
                    date = date + chrono::Days::new(gap as u64);
                    let owed = s.owed(date);
                    prop_assert_eq!(owed, naive_owed(&s, date));
                    let amount = owed.total().mul_round_fen(rust_decimal::Decimal::new(share, 3));
                    if !amount.is_positive() {
                        continue;
                    }
                    let ev = LoanEvent { id: k as i64 + 2, kind: LoanRepay, date, amount: Some(amount), interest: None, subsidy: None };
                    s.apply(&ev, true).unwrap();
                    let unpaid: Money = s.installments.iter().map(Inst::unpaid_principal).sum();
                    prop_assert_eq!(s.outstanding(), unpaid);
                    prop_assert_eq!(s.principal_repaid + s.outstanding(), t.principal);
                    let open = s.installments.iter().position(|i| !i.settled());
                    if let Some(open) = open {
                        prop_assert!(s.installments[open..].iter().all(|i| !i.settled() || i.total_is_zero()));
                    }
                    let later = date + chrono::Days::new(45);
                    let naive_dpd = if s.outstanding().is_zero() { None } else {
                        s.installments.iter().find(|i| i.due < later && !i.settled()).map(|i| (later - i.due).num_days())
                    };
                    prop_assert_eq!(s.days_past_due(later), naive_dpd);
                }
            }
        }
    }
}
