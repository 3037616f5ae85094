//! Generate the full-size 2021 startup-loan book of the seed: 9,167 loans summing
//! exactly to 15.87亿元 (1,587,000,000.00 元) and creating exactly 17.33万 (173,300)
//! jobs, with realistic repayments up to 2022-06-15, some arrears, defaults, guarantee
//! payouts, recoveries and write-offs, and 150 graduate-founder grants of 3–6万元.
//!
//! Every entry goes through the ledger's own operations and rules (one IMMEDIATE
//! transaction for the whole book), so the result is a ledger the CLI could have
//! written. Deterministic: a fixed-seed generator, pinned dates (run it with
//! `FUNDLEDGER_TODAY=2022-06-15`, as scripts/bench-loans.sh does).
//!
//! Usage: cargo run --release --example gen_loan_book -- OUT.db

use std::path::PathBuf;

use fundledger::date::Date;
use fundledger::domain::EntryKind;
use fundledger::loan::engine::{LoanEvent, LoanState};
use fundledger::loan::{BorrowerKind, Method, Rate, SubsidyRule};
use fundledger::money::Money;
use fundledger::ops::loans::{
    add_grant_tx, add_loan_tx, record_loan_entry_tx, GrantInput, LoanEntryRequest, LoanInput,
};
use fundledger::store::{Ledger, Tx};

const LOANS: usize = 9_167;
const TOTAL_YUAN: i64 = 1_587_000_000;
const TOTAL_JOBS: i64 = 173_300;
const GRANTS: usize = 150;

/// A small deterministic generator (64-bit LCG, Knuth's constants); no crate needed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    /// True with probability `pct` %.
    fn pct(&mut self, pct: u64) -> bool {
        self.next() % 100 < pct
    }
}

/// How a borrower behaves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    OnTime,
    Late,
    PaysOff,
    Stops,
    Defaults,
}

struct Plan {
    code: String,
    kind: BorrowerKind,
    partners: Option<i64>,
    principal_yuan: i64,
    jobs: i64,
    months: i64,
    method: Method,
    rate: Rate,
    start: Date,
    guarantor: &'static str,
    behaviour: Behaviour,
}

const GUARANTORS: [&str; 6] = [
    "KM-CYDB", "WH-CYDB", "PL-CYDB", "GD-CYDB", "XS-CYDB", "CG-CYDB",
];

fn d(y: i32, m: u32, day: u32) -> Date {
    Date::from_ymd_opt(y, m, day).expect("valid date")
}

/// Amounts and jobs drawn per borrower kind, then nudged (in 1,000 元 and 1-job
/// steps, within each kind's bounds) until the totals are exactly the seed's.
fn plans(rng: &mut Lcg) -> Vec<Plan> {
    // Contract rates LPR (3.85% in 2021) + 50 to 200 basis points.
    let rates = ["4.35%", "4.85%", "5.35%", "5.85%"].map(|r| Rate::parse("rate", r).expect("rate"));
    let mut v: Vec<Plan> = (0..LOANS)
        .map(|i| {
            let roll = rng.range(0, 99);
            let (kind, partners, principal, jobs, months) = if roll < 90 {
                (
                    BorrowerKind::Individual,
                    None,
                    rng.range(30, 280) * 1_000,
                    rng.range(1, 30),
                    [24, 24, 36][rng.range(0, 2) as usize],
                )
            } else if roll < 98 {
                (
                    BorrowerKind::SmallFirm,
                    None,
                    rng.range(200, 600) * 1_000,
                    rng.range(10, 80),
                    [12, 24][rng.range(0, 1) as usize],
                )
            } else {
                let n = rng.range(2, 4);
                (
                    BorrowerKind::Partnership,
                    Some(n),
                    rng.range(150, 300 * n) * 1_000,
                    rng.range(5, 40),
                    24,
                )
            };
            let method = match rng.range(0, 99) {
                0..=69 => Method::EqualInstallment,
                70..=84 => Method::EqualPrincipal,
                85..=94 => Method::InterestOnly,
                _ => Method::Bullet,
            };
            let behaviour = match rng.range(0, 999) {
                0..=849 => Behaviour::OnTime,
                850..=909 => Behaviour::Late,
                910..=939 => Behaviour::PaysOff,
                940..=984 => Behaviour::Stops,
                _ => Behaviour::Defaults,
            };
            // Loans start on working-day-like dates spread over 2021 (day 1–28 keeps
            // the month-end rule out of the bulk; a few start on the 31st).
            let month = rng.range(1, 12) as u32;
            let day = if rng.pct(2) && [1, 3, 5, 7, 8, 10, 12].contains(&month) {
                31
            } else {
                rng.range(1, 28) as u32
            };
            Plan {
                code: format!("CY2021-{:05}", i + 1),
                kind,
                partners,
                principal_yuan: principal,
                jobs,
                months,
                method,
                rate: rates[rng.range(0, 3) as usize],
                start: d(2021, month, day),
                guarantor: GUARANTORS[rng.range(0, 5) as usize],
                behaviour,
            }
        })
        .collect();
    let bounds = |p: &Plan| match p.kind {
        BorrowerKind::Individual => (30_000, 300_000),
        BorrowerKind::SmallFirm => (100_000, 4_000_000),
        BorrowerKind::Partnership => (100_000, p.partners.unwrap_or(1) * 330_000),
    };
    let mut diff = TOTAL_YUAN - v.iter().map(|p| p.principal_yuan).sum::<i64>();
    while diff != 0 {
        for p in v.iter_mut() {
            let (lo, hi) = bounds(p);
            let step = 1_000 * diff.signum();
            if diff != 0 && (lo..=hi).contains(&(p.principal_yuan + step)) {
                p.principal_yuan += step;
                diff -= step;
            }
        }
    }
    let mut diff = TOTAL_JOBS - v.iter().map(|p| p.jobs).sum::<i64>();
    while diff != 0 {
        for p in v.iter_mut() {
            if diff != 0 && p.jobs + diff.signum() >= 1 {
                p.jobs += diff.signum();
                diff -= diff.signum();
            }
        }
    }
    v
}

fn record(
    tx: &Tx<'_>,
    state: &mut LoanState,
    code: &str,
    kind: EntryKind,
    amount: Option<Money>,
    date: Date,
) {
    let req = LoanEntryRequest {
        loan: code.to_string(),
        kind,
        amount,
        date,
        memo: None,
    };
    let r = record_loan_entry_tx(tx, &req).unwrap_or_else(|e| panic!("{code}: {e}"));
    let ev = LoanEvent {
        id: r.id,
        kind,
        date,
        amount,
        interest: r.allocation.map(|a| a.interest),
        subsidy: r
            .allocation
            .filter(|_| kind == EntryKind::LoanRepay)
            .map(|a| a.subsidy),
    };
    state.apply(&ev, false).expect("the ledger accepted it");
}

/// What is still due on installment `k` (0-based) of the schedule in force.
fn due_on(state: &LoanState, k: usize) -> Money {
    let i = &state.installments[k];
    i.unpaid_principal() + i.unpaid_interest()
}

fn book(tx: &Tx<'_>, rng: &mut Lcg, as_of: Date) {
    let subsidy = SubsidyRule::parse("lpr-minus:150").expect("rule");
    let lpr = Rate::parse("lpr", "3.85%").expect("rate");
    for p in plans(rng) {
        let added = add_loan_tx(
            tx,
            LoanInput {
                code: p.code.clone(),
                borrower: format!("借款人{}", &p.code[7..]),
                borrower_kind: p.kind,
                principal: Money::yuan(p.principal_yuan),
                rate: p.rate,
                term_months: p.months,
                start: p.start,
                method: p.method,
                lpr: Some(lpr),
                subsidy,
                guarantor: Some(p.guarantor.to_string()),
                jobs: Some(p.jobs),
                partners: p.partners,
                memo: None,
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", p.code));
        let mut state = LoanState::new(&added.loan.terms);
        state
            .apply(
                &LoanEvent {
                    id: added.disbursement,
                    kind: EntryKind::LoanDisburse,
                    date: p.start,
                    amount: Some(added.loan.terms.principal),
                    interest: None,
                    subsidy: None,
                },
                false,
            )
            .expect("disbursed");
        let n = state.installments.len();
        let stop_at = rng.range(1, n as i64) as usize;
        let mut k = 0;
        while k < n {
            let due = state.installments[k].due;
            if due > as_of {
                break;
            }
            match p.behaviour {
                Behaviour::OnTime => {
                    let amount = due_on(&state, k);
                    record(
                        tx,
                        &mut state,
                        &p.code,
                        EntryKind::LoanRepay,
                        Some(amount),
                        due,
                    );
                }
                Behaviour::Late => {
                    let date = due + chrono::Days::new(rng.range(1, 20) as u64);
                    if date > as_of {
                        break;
                    }
                    let amount = due_on(&state, k);
                    record(
                        tx,
                        &mut state,
                        &p.code,
                        EntryKind::LoanRepay,
                        Some(amount),
                        date,
                    );
                }
                Behaviour::PaysOff if k + 1 == stop_at => {
                    // Pays the installment and everything else early, on its due date.
                    let amount = state.owed(due).total();
                    record(
                        tx,
                        &mut state,
                        &p.code,
                        EntryKind::LoanRepay,
                        Some(amount),
                        due,
                    );
                    break;
                }
                Behaviour::PaysOff => {
                    let amount = due_on(&state, k);
                    record(
                        tx,
                        &mut state,
                        &p.code,
                        EntryKind::LoanRepay,
                        Some(amount),
                        due,
                    );
                }
                Behaviour::Stops | Behaviour::Defaults if k + 1 >= stop_at => {
                    // Stops paying; a partial payment now and then on the oldest arrears.
                    if p.behaviour == Behaviour::Stops && rng.pct(25) {
                        let owed = state.owed(due);
                        let part = Money::yuan(
                            (owed.overdue_interest + owed.overdue_principal).fen() / 200,
                        );
                        if part.is_positive() {
                            record(
                                tx,
                                &mut state,
                                &p.code,
                                EntryKind::LoanRepay,
                                Some(part),
                                due,
                            );
                        }
                    }
                }
                Behaviour::Stops | Behaviour::Defaults => {
                    let amount = due_on(&state, k);
                    record(
                        tx,
                        &mut state,
                        &p.code,
                        EntryKind::LoanRepay,
                        Some(amount),
                        due,
                    );
                }
            }
            k += 1;
        }
        if p.behaviour == Behaviour::Defaults && stop_at <= n {
            // Default 90 days after the first missed installment, the guarantee fund
            // pays the bank 30 days later, recovers some, and writes some off.
            let missed = state.installments[stop_at - 1].due;
            let default_on = missed + chrono::Days::new(90);
            let payout_on = default_on + chrono::Days::new(30);
            if payout_on <= as_of && state.outstanding().is_positive() {
                record(
                    tx,
                    &mut state,
                    &p.code,
                    EntryKind::LoanDefault,
                    None,
                    default_on,
                );
                let payout = state.owed(payout_on).total();
                record(
                    tx,
                    &mut state,
                    &p.code,
                    EntryKind::LoanCompensate,
                    Some(payout),
                    payout_on,
                );
                let recover_on = payout_on + chrono::Days::new(60);
                if recover_on <= as_of && rng.pct(60) {
                    let part = Money::yuan(payout.fen() / 100 * rng.range(10, 50) / 100);
                    record(
                        tx,
                        &mut state,
                        &p.code,
                        EntryKind::LoanRecover,
                        Some(part),
                        recover_on,
                    );
                }
                let write_off_on = payout_on + chrono::Days::new(120);
                if write_off_on <= as_of && rng.pct(30) {
                    record(
                        tx,
                        &mut state,
                        &p.code,
                        EntryKind::LoanWriteOff,
                        None,
                        write_off_on,
                    );
                }
            }
        }
    }
    for g in 0..GRANTS {
        add_grant_tx(
            tx,
            GrantInput {
                code: format!("CC2021-{:03}", g + 1),
                recipient: format!("大学生创业项目{:03}", g + 1),
                amount: Money::yuan(rng.range(3, 6) * 10_000),
                date: d(2021, rng.range(3, 12) as u32, rng.range(1, 28) as u32),
                programme: Some("春城大学生创业行动".to_string()),
                memo: None,
            },
        )
        .expect("grant");
    }
}

fn main() {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| "loan-book.db".into());
    let as_of = fundledger::date::today();
    let mut ledger = Ledger::create(&out).unwrap_or_else(|e| panic!("{e}"));
    let mut rng = Lcg(2021);
    ledger
        .write("generator", |tx| {
            book(tx, &mut rng, as_of);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!("wrote {} ({LOANS} loans, as of {as_of})", out.display());
}
