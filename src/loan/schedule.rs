//! Repayment schedules, exact to the fen.
//!
//! Conventions (as Chinese banks compute them; see docs/loans.md):
//! - monthly periods; the monthly rate is the annual rate ÷ 12, whatever the number
//!   of days in the month;
//! - installment k falls due k months after the start, computed from the start each
//!   time (never chained), on the start's day or the month's last day if the month is
//!   shorter: a start on the 31st rolls to each month's end;
//! - rounding points, each to the fen half away from zero ([`Money::round_fen`]):
//!   1. each period's interest, `balance × annual rate ÷ 12`;
//!   2. the equal installment (等额本息) payment;
//!   3. the equal principal part (等额本金), `principal ÷ n`;
//!   4. bullet interest, `principal × annual rate × months ÷ 12`;
//! - the final installment's principal is whatever balance remains, so the principal
//!   parts add up exactly to the principal and the final balance is zero.
//!
//! No floats: (1 + i)ⁿ is computed in `rust_decimal` by repeated multiplication.
//! Each product keeps 28 significant digits, so after n ≤ 600 steps the relative
//! error of the payment is below 10⁻²⁴: some 10¹⁴ times smaller than the half fen that
//! decides a rounding on any principal the ledger accepts.

use chrono::Months;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{LoanTerms, Method, Rate};
use crate::date::Date;
use crate::money::Money;

/// One installment of a schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Installment {
    pub n: u32,
    pub due: Date,
    pub principal: Money,
    pub interest: Money,
}

impl Installment {
    pub fn total(&self) -> Money {
        self.principal + self.interest
    }
}

/// The due date `months` months after `start`, on the start's day or the month's last
/// day if the month is shorter (chrono clamps to the month end).
pub fn due_date(start: Date, months: u32) -> Date {
    start
        .checked_add_months(Months::new(months))
        .expect("due dates stay within chrono's range")
}

/// One month's interest on `balance`: `balance × annual ÷ 12`, rounded to the fen.
/// Multiplying before dividing keeps the product exact; only the ÷ 12 can repeat, and
/// a repeating quotient is never a midpoint, so the rounding is always the true one.
pub fn monthly_interest(balance: Money, rate: Rate) -> Money {
    Money::round_fen(balance.as_decimal() * rate.as_decimal() / Decimal::from(12))
}

/// The equal installment (等额本息) paying off `principal` over `n` months:
/// `P × i(1+i)ⁿ / ((1+i)ⁿ − 1)` with `i` = annual ÷ 12, or `P ÷ n` at a zero rate,
/// rounded to the fen.
pub fn annuity_payment(principal: Money, rate: Rate, n: u32) -> Money {
    let p = principal.as_decimal();
    if rate.as_decimal().is_zero() {
        return Money::round_fen(p / Decimal::from(n));
    }
    let i = rate.as_decimal() / Decimal::from(12);
    let g = Decimal::ONE + i;
    let mut f = Decimal::ONE;
    for _ in 0..n {
        f *= g;
    }
    // i·f/(f − 1) first: it stays near i, so the product with P cannot overflow.
    Money::round_fen(p * (i * f / (f - Decimal::ONE)))
}

/// (principal, interest) of each installment of `principal` repaid by `method` over
/// `periods` months. Bullet loans have one installment whatever `periods` is.
pub fn amounts(method: Method, principal: Money, rate: Rate, periods: u32) -> Vec<(Money, Money)> {
    let n = periods.max(1);
    let mut out = Vec::with_capacity(n as usize);
    let mut balance = principal;
    match method {
        Method::Bullet => {
            let interest = Money::round_fen(
                principal.as_decimal() * rate.as_decimal() * Decimal::from(n) / Decimal::from(12),
            );
            out.push((principal, interest));
        }
        Method::InterestOnly => {
            let interest = monthly_interest(principal, rate);
            for k in 1..=n {
                out.push((if k == n { principal } else { Money::ZERO }, interest));
            }
        }
        Method::EqualInstallment | Method::EqualPrincipal => {
            let fixed = match method {
                Method::EqualInstallment => annuity_payment(principal, rate, n),
                _ => Money::round_fen(principal.as_decimal() / Decimal::from(n)),
            };
            for k in 1..=n {
                let interest = monthly_interest(balance, rate);
                let part = if k == n {
                    balance
                } else {
                    let wanted = if method == Method::EqualInstallment {
                        fixed - interest
                    } else {
                        fixed
                    };
                    // Rounding can only matter on tiny loans; never pay below zero or
                    // beyond the balance.
                    wanted.max(Money::ZERO).min(balance)
                };
                balance -= part;
                out.push((part, interest));
            }
        }
    }
    out
}

/// The contract schedule of a loan.
pub fn schedule(t: &LoanTerms) -> Vec<Installment> {
    let parts = amounts(t.method, t.principal, t.rate, t.term_months);
    let bullet = t.method == Method::Bullet;
    parts
        .into_iter()
        .enumerate()
        .map(|(k, (principal, interest))| {
            let n = k as u32 + 1;
            let due = due_date(t.start, if bullet { t.term_months } else { n });
            Installment {
                n,
                due,
                principal,
                interest,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;
    use crate::loan::SubsidyRule;
    use proptest::prelude::*;

    fn terms(principal: &str, rate: &str, n: u32, start: &str, method: Method) -> LoanTerms {
        LoanTerms {
            principal: principal.parse().unwrap(),
            rate: Rate::parse("rate", rate).unwrap(),
            term_months: n,
            start: parse_date(start).unwrap(),
            method,
            lpr: None,
            subsidy: SubsidyRule::None,
        }
    }

    /// (due, principal, interest) as strings, for compact expectations.
    fn rows(s: &[Installment]) -> Vec<(String, String, String)> {
        s.iter()
            .map(|i| {
                (
                    i.due.to_string(),
                    i.principal.to_plain(),
                    i.interest.to_plain(),
                )
            })
            .collect()
    }
    fn r(d: &str, p: &str, i: &str) -> (String, String, String) {
        (d.into(), p.into(), i.into())
    }

    #[test]
    fn equal_installment_by_hand() {
        // 10,000 over 3 months at 12%: i = 0.01, (1.01)³ = 1.030301,
        // payment = 10,000 × 0.01 × 1.030301 / 0.030301 = 3,400.2211… → 3,400.22.
        // 1: interest 10,000 × 0.01 = 100.00, principal 3,300.22, balance 6,699.78
        // 2: interest 66.9978 → 67.00, principal 3,333.22, balance 3,366.56
        // 3: interest 33.6656 → 33.67, principal = the balance 3,366.56 (total 3,400.23)
        let s = schedule(&terms(
            "10000",
            "12%",
            3,
            "2021-01-15",
            Method::EqualInstallment,
        ));
        assert_eq!(
            rows(&s),
            vec![
                r("2021-02-15", "3300.22", "100.00"),
                r("2021-03-15", "3333.22", "67.00"),
                r("2021-04-15", "3366.56", "33.67"),
            ]
        );
        assert_eq!(s[2].total().to_plain(), "3400.23");
    }

    #[test]
    fn equal_installment_5_15_percent_one_year() {
        // 100,000 over 12 months at 5.15%, the programme's typical contract rate.
        // Worked out independently with Python's decimal module at 50 digits:
        //   i = 0.0515/12 = 0.0042916…; f = (1+i)^12 = 1.0527331737…;
        //   payment = 100000·i·f/(f−1) = 8,567.6236… → 8,567.62.
        // Month 1: interest 100,000 × 0.0515 / 12 = 429.1666… → 429.17, principal 8,138.45.
        // Months 2–11 roll the balance down to 8,531.04; month 12 pays that balance with
        // interest 8,531.04 × 0.0515 / 12 = 36.6123… → 36.61, total 8,567.65 (the final
        // installment absorbs the rounding residue). Total interest 2,811.47.
        let s = schedule(&terms(
            "100000",
            "5.15%",
            12,
            "2021-03-10",
            Method::EqualInstallment,
        ));
        assert_eq!(s[0].total().to_plain(), "8567.62");
        assert_eq!(s[0].interest.to_plain(), "429.17");
        assert_eq!(s[0].principal.to_plain(), "8138.45");
        assert!(s[..11].iter().all(|i| i.total().to_plain() == "8567.62"));
        assert_eq!(s[11].principal.to_plain(), "8531.04");
        assert_eq!(s[11].interest.to_plain(), "36.61");
        assert_eq!(s[11].total().to_plain(), "8567.65");
        let interest: Money = s.iter().map(|i| i.interest).sum();
        assert_eq!(interest.to_plain(), "2811.47");
    }

    #[test]
    fn equal_principal_by_hand() {
        // 100,000 over 3 months at 4.35%: principal 100,000 / 3 = 33,333.333… → 33,333.33,
        // the last absorbs the residue: 100,000 − 2 × 33,333.33 = 33,333.34.
        // Interest: 100,000 × 0.0435 / 12 = 362.50;
        //           66,666.67 × 0.0435 / 12 = 241.6666… → 241.67;
        //           33,333.34 × 0.0435 / 12 = 120.8333… → 120.83.
        let s = schedule(&terms(
            "100000",
            "4.35%",
            3,
            "2021-05-20",
            Method::EqualPrincipal,
        ));
        assert_eq!(
            rows(&s),
            vec![
                r("2021-06-20", "33333.33", "362.50"),
                r("2021-07-20", "33333.33", "241.67"),
                r("2021-08-20", "33333.34", "120.83"),
            ]
        );
    }

    #[test]
    fn interest_only_and_bullet_by_hand() {
        // Interest-only 200,000 at 4.35%: 200,000 × 0.0435 / 12 = 725.00 a month,
        // principal with the last installment.
        let s = schedule(&terms(
            "200000",
            "4.35%",
            3,
            "2021-01-31",
            Method::InterestOnly,
        ));
        assert_eq!(
            rows(&s),
            vec![
                r("2021-02-28", "0.00", "725.00"),
                r("2021-03-31", "0.00", "725.00"),
                r("2021-04-30", "200000.00", "725.00"),
            ]
        );
        // Bullet 100,000 for 12 months at 5.15%: 100,000 × 0.0515 × 12 / 12 = 5,150.00,
        // all at maturity.
        let s = schedule(&terms("100000", "5.15%", 12, "2021-06-30", Method::Bullet));
        assert_eq!(rows(&s), vec![r("2022-06-30", "100000.00", "5150.00")]);
        // Bullet 50,000 for 7 months at 4.35%: 50,000 × 0.0435 × 7 / 12 = 1,268.75.
        let s = schedule(&terms("50000", "4.35%", 7, "2021-01-01", Method::Bullet));
        assert_eq!(rows(&s), vec![r("2021-08-01", "50000.00", "1268.75")]);
    }

    #[test]
    fn month_ends_roll() {
        let d = |s| parse_date(s).unwrap();
        // A start on the 31st lands on each month's end, leap February included.
        let got: Vec<String> = (1..=4)
            .map(|k| due_date(d("2024-01-31"), k).to_string())
            .collect();
        assert_eq!(
            got,
            ["2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31"]
        );
        // A start on the 30th: February's end, then back to the 30th (not chained).
        assert_eq!(due_date(d("2021-01-30"), 1).to_string(), "2021-02-28");
        assert_eq!(due_date(d("2021-01-30"), 2).to_string(), "2021-03-30");
    }

    #[test]
    fn zero_rate() {
        // 1,000 over 3 months at 0%: 333.33, 333.33, 333.34 and no interest.
        let s = schedule(&terms(
            "1000",
            "0%",
            3,
            "2021-01-01",
            Method::EqualInstallment,
        ));
        let p: Vec<String> = s.iter().map(|i| i.principal.to_plain()).collect();
        assert_eq!(p, ["333.33", "333.33", "333.34"]);
        assert!(s.iter().all(|i| i.interest.is_zero()));
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
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn schedule_invariants(
            fen in 1i64..=1_000_000_000_000,
            rate_e8 in 0i64..30_000_000,
            n in 1u32..=360,
            day in 1u32..=31,
            m in method(),
        ) {
            let start = Date::from_ymd_opt(2021, 1, day).unwrap();
            let t = LoanTerms {
                principal: Money::from_fen(fen),
                rate: Rate::from_e8(rate_e8),
                term_months: n,
                start,
                method: m,
                lpr: None,
                subsidy: SubsidyRule::None,
            };
            let s = schedule(&t);
            prop_assert_eq!(s.len(), if m == Method::Bullet { 1 } else { n as usize });
            // Principal parts sum exactly to the principal: the final balance is zero.
            let total: Money = s.iter().map(|i| i.principal).sum();
            prop_assert_eq!(total, t.principal);
            let mut balance = t.principal;
            for (k, i) in s.iter().enumerate() {
                prop_assert!(!i.principal.is_negative() && !i.interest.is_negative());
                prop_assert!(i.principal <= balance);
                balance -= i.principal;
                if k > 0 {
                    prop_assert!(i.due > s[k - 1].due);
                }
                // Interest never exceeds a month's interest on the balance outstanding
                // (plus a half fen of rounding), except the bullet's whole-term interest.
                if m != Method::Bullet {
                    let bound = (balance + i.principal).as_decimal() * t.rate.as_decimal() / Decimal::from(12);
                    prop_assert!(i.interest.as_decimal() <= bound + Decimal::new(5, 3));
                }
            }
            prop_assert!(balance.is_zero());
            prop_assert_eq!(s.last().unwrap().due, due_date(start, n));
            if m == Method::EqualInstallment && n > 1 && fen >= 100_000 {
                // Every installment but the last is the same payment.
                let a = s[0].total();
                prop_assert!(s[..s.len() - 1].iter().all(|i| i.total() == a));
            }
        }
    }
}
