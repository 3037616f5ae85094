//! Startup guarantee loans (创业担保贷款): contract terms, exact rates, interest-subsidy
//! (贴息) rules and the policy limits that only warn. Pure: no I/O, no SQL.
//!
//! - [`schedule`]: the repayment schedule of a set of terms.
//! - [`engine`]: a loan's life replayed from its journal entries (allocation of
//!   payments, arrears, default, guarantee payouts, recoveries, write-off) and the
//!   rules a new entry must keep.
//!
//! See docs/loans.md for the maths and the rounding points.

pub mod engine;
pub mod schedule;

use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::date::Date;
use crate::domain::string_enum;
use crate::error::{Error, Result};
use crate::money::Money;

/// Rates are exact to 8 decimals of a fraction (0.000001 %); storage keeps them as
/// INTEGER × 10⁸. Finer input is refused, never rounded.
pub const RATE_DP: u32 = 8;

/// Longest term accepted. Not a policy limit (those only warn): a bound that keeps a
/// mistyped term (e.g. days keyed as months) from producing an absurd schedule.
pub const MAX_TERM_MONTHS: u32 = 600;

/// An annual interest rate as an exact fraction: 5.15% is 0.0515.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rate(Decimal);

impl Rate {
    pub const ZERO: Rate = Rate(Decimal::ZERO);

    /// From storage: the rate × 10⁸.
    pub fn from_e8(v: i64) -> Rate {
        Rate(Decimal::new(v, RATE_DP).normalize())
    }

    /// For storage: the rate × 10⁸, exact by the type invariant.
    pub fn e8(self) -> i64 {
        (self.0 * Decimal::from(100_000_000))
            .to_i64()
            .expect("rate below 1 fits i64 at 1e-8")
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// From an exact fraction; `None` if it is negative, 100% or more, or finer than
    /// [`RATE_DP`] decimals.
    pub fn from_fraction(d: Decimal) -> Option<Rate> {
        let d = d.normalize();
        (d >= Decimal::ZERO && d < Decimal::ONE && d.scale() <= RATE_DP).then_some(Rate(d))
    }

    /// Parse `4.35%` (percent) or `0.0435` (fraction). `what` names the field in
    /// refusals (e.g. "--rate").
    pub fn parse(what: &str, input: &str) -> Result<Rate> {
        let s = input.trim();
        let (body, percent) = match s.strip_suffix('%').or_else(|| s.strip_suffix('％')) {
            Some(b) => (b.trim_end(), true),
            None => (s, false),
        };
        if body.starts_with('-') || body.starts_with('−') {
            return Err(Error::refused(
                "negative-rate",
                format!("{what} '{input}' is negative; an interest rate cannot be below zero"),
            ));
        }
        let bad = || {
            Error::refused(
                "bad-rate",
                format!("{what} '{input}' is not a rate this ledger reads (write 4.35% or 0.0435)"),
            )
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits_ok = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty()
            || !digits_ok(int)
            || !digits_ok(frac)
            || (body.contains('.') && frac.is_empty())
        {
            return Err(bad());
        }
        if int.trim_start_matches('0').len() > 6 || frac.len() > 20 {
            return Err(rate_out_of_range(what, input));
        }
        let d = Decimal::from_str_exact(body).map_err(|_| bad())?;
        let fraction = if percent { d / Decimal::ONE_HUNDRED } else { d }.normalize();
        if fraction >= Decimal::ONE {
            return Err(if percent {
                rate_out_of_range(what, input)
            } else {
                Error::refused(
                    "rate-out-of-range",
                    format!(
                        "{what} '{input}' read as a fraction would be {}% a year; write {input}% for a percentage, or the fraction (0.0435 for 4.35%)",
                        (d * Decimal::ONE_HUNDRED).normalize()
                    ),
                )
            });
        }
        if fraction.scale() > RATE_DP {
            return Err(Error::refused(
                "rate-too-precise",
                format!(
                    "{what} '{input}' is more precise than 0.000001% ({RATE_DP} decimals of a fraction); it is refused rather than rounded"
                ),
            ));
        }
        Ok(Rate(fraction))
    }

    /// `5.15%`, with at least two decimals.
    pub fn percent(self) -> String {
        let mut p = (self.0 * Decimal::ONE_HUNDRED).normalize();
        if p.scale() < 2 {
            p.rescale(2);
        }
        format!("{p}%")
    }
}

fn rate_out_of_range(what: &str, input: &str) -> Error {
    Error::refused(
        "rate-out-of-range",
        format!(
            "{what} '{input}' is 100% a year or more; no loan in this programme has such a rate"
        ),
    )
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.percent())
    }
}

/// JSON carries the exact fraction as a decimal string: `"0.0515"`.
impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.normalize().to_string())
    }
}

string_enum!(
    /// How a loan is repaid.
    Method {
        EqualInstallment => "equal-installment",
        EqualPrincipal => "equal-principal",
        InterestOnly => "interest-only",
        Bullet => "bullet",
    }
);

string_enum!(
    /// Who borrows; the policy limits differ.
    BorrowerKind { Individual => "individual", SmallFirm => "small-firm", Partnership => "partnership" }
);

/// Which part of the interest public finance pays (贴息).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubsidyRule {
    None,
    /// The borrower pays interest up to LPR − `bp` basis points; finance pays the rest
    /// of the contract rate.
    LprMinus {
        bp: u32,
    },
    /// Finance pays a fixed share (percent, up to 2 decimals) of the interest.
    Share {
        pct: Decimal,
    },
}

impl SubsidyRule {
    pub fn parse(input: &str) -> Result<SubsidyRule> {
        let s = input.trim();
        let bad = |why: &str| {
            Error::refused(
                "bad-subsidy",
                format!("subsidy rule '{input}' {why} (use none, lpr-minus:150 or share:50)"),
            )
        };
        if s == "none" {
            return Ok(SubsidyRule::None);
        }
        if let Some(bp) = s.strip_prefix("lpr-minus:") {
            if bp.is_empty() || !bp.bytes().all(|b| b.is_ascii_digit()) || bp.len() > 5 {
                return Err(bad("needs whole basis points after lpr-minus:"));
            }
            let bp: u32 = bp.parse().map_err(|_| bad("needs whole basis points"))?;
            if bp > 10_000 {
                return Err(bad("takes at most 10000 basis points (100%)"));
            }
            return Ok(SubsidyRule::LprMinus { bp });
        }
        if let Some(p) = s.strip_prefix("share:") {
            let p = p.strip_suffix('%').unwrap_or(p);
            let (int, frac) = p.split_once('.').unwrap_or((p, ""));
            let digits = |x: &str| x.bytes().all(|b| b.is_ascii_digit());
            if int.is_empty()
                || int.len() > 3
                || !digits(int)
                || !digits(frac)
                || (p.contains('.') && frac.is_empty())
            {
                return Err(bad("needs a percentage after share:"));
            }
            let pct = Decimal::from_str_exact(p)
                .map_err(|_| bad("needs a percentage"))?
                .normalize();
            if pct.scale() > 2 {
                return Err(bad("takes a percentage with at most 2 decimals"));
            }
            if pct <= Decimal::ZERO || pct > Decimal::ONE_HUNDRED {
                return Err(bad("needs a share above 0 and at most 100"));
            }
            return Ok(SubsidyRule::Share { pct });
        }
        Err(bad("is not a rule this ledger knows"))
    }

    /// The part of `rate` public finance bears. `lpr` is needed for `lpr-minus`.
    pub fn finance_rate(self, rate: Rate, lpr: Option<Rate>) -> Decimal {
        let r = rate.as_decimal();
        match self {
            SubsidyRule::None => Decimal::ZERO,
            SubsidyRule::LprMinus { bp } => {
                let Some(lpr) = lpr else { return Decimal::ZERO };
                let borrower =
                    (lpr.as_decimal() - Decimal::new(i64::from(bp), 4)).max(Decimal::ZERO);
                (r - borrower).max(Decimal::ZERO)
            }
            SubsidyRule::Share { pct } => r * pct / Decimal::ONE_HUNDRED,
        }
    }

    /// Finance's share of `interest` actually paid, rounded once to the fen half away
    /// from zero; the borrower bears the rest (so the two always add up exactly).
    pub fn subsidy(self, interest: Money, rate: Rate, lpr: Option<Rate>) -> Money {
        let i = interest.as_decimal();
        match self {
            SubsidyRule::None => Money::ZERO,
            SubsidyRule::Share { pct } => Money::round_fen(i * pct / Decimal::ONE_HUNDRED),
            SubsidyRule::LprMinus { .. } if rate.as_decimal().is_zero() => Money::ZERO,
            SubsidyRule::LprMinus { .. } => {
                // interest × finance rate ÷ contract rate: the multiplication is exact
                // (fen × 8-decimal rate), the division keeps 28 digits, and the one
                // rounding is to the fen.
                Money::round_fen(i * self.finance_rate(rate, lpr) / rate.as_decimal())
            }
        }
    }
}

impl fmt::Display for SubsidyRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SubsidyRule::None => f.write_str("none"),
            SubsidyRule::LprMinus { bp } => write!(f, "lpr-minus:{bp}"),
            SubsidyRule::Share { pct } => write!(f, "share:{pct}"),
        }
    }
}

impl FromStr for SubsidyRule {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        SubsidyRule::parse(s)
    }
}

impl Serialize for SubsidyRule {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// The contract terms a schedule is computed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoanTerms {
    pub principal: Money,
    pub rate: Rate,
    pub term_months: u32,
    pub start: Date,
    pub method: Method,
    pub lpr: Option<Rate>,
    pub subsidy: SubsidyRule,
}

impl LoanTerms {
    /// Refuse impossible terms (`what` names the loan). Policy limits are not checked
    /// here: see [`limit_warnings`].
    pub fn check(&self, what: &str) -> Result<()> {
        if !self.principal.is_positive() {
            return Err(Error::refused(
                "amount-not-positive",
                format!(
                    "{what}: principal must be greater than 0, found {}",
                    self.principal
                ),
            ));
        }
        if self.term_months == 0 {
            return Err(Error::refused(
                "term-not-positive",
                format!("{what}: --term-months must be at least 1, found 0"),
            ));
        }
        if self.term_months > MAX_TERM_MONTHS {
            return Err(Error::refused(
                "term-out-of-range",
                format!(
                    "{what}: --term-months {} is longer than {MAX_TERM_MONTHS} months (50 years); was the term keyed in days?",
                    self.term_months
                ),
            ));
        }
        if matches!(self.subsidy, SubsidyRule::LprMinus { .. }) && self.lpr.is_none() {
            return Err(Error::refused(
                "lpr-required",
                format!("{what}: subsidy rule {} needs the LPR it refers to: add --lpr (e.g. --lpr 3.65%)", self.subsidy),
            ));
        }
        Ok(())
    }
}

/// A loan as registered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Loan {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub borrower: String,
    pub borrower_kind: BorrowerKind,
    #[serde(flatten)]
    pub terms: LoanTerms,
    pub guarantor: Option<String>,
    pub jobs: Option<u32>,
    /// For a partnership: how many partners, which sets its limit.
    pub partners: Option<u32>,
}

/// A grant (无偿资助) as registered; its payment is a `grant` journal entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Grant {
    #[serde(skip)]
    pub id: i64,
    pub code: String,
    pub recipient: String,
    pub programme: Option<String>,
}

/// Policy limits of 财金〔2023〕75号 (individual 30万元, small firm 400万元, a
/// partnership 110% of its partners' individual limits; terms: individuals 3 years,
/// small firms 2 years). They vary by place and year, so they warn, never refuse.
pub const INDIVIDUAL_LIMIT_YUAN: i64 = 300_000;
pub const SMALL_FIRM_LIMIT_YUAN: i64 = 4_000_000;
pub const INDIVIDUAL_MAX_TERM: u32 = 36;
pub const SMALL_FIRM_MAX_TERM: u32 = 24;

/// Warnings for a loan outside the usual policy limits or with a subsidy rule that
/// pays nothing.
pub fn limit_warnings(l: &Loan) -> Vec<String> {
    let mut w = Vec::new();
    let t = &l.terms;
    let what = format!("loan '{}'", l.code);
    let over = |limit: Money, basis: &str| {
        format!(
            "{what}: principal {} 元 is above the {basis} of {} 元 (财金〔2023〕75号; limits vary by place and year), over by {} 元",
            t.principal,
            limit,
            t.principal - limit
        )
    };
    match l.borrower_kind {
        BorrowerKind::Individual => {
            let limit = Money::yuan(INDIVIDUAL_LIMIT_YUAN);
            if t.principal > limit {
                w.push(over(limit, "individual limit"));
            }
            if t.term_months > INDIVIDUAL_MAX_TERM {
                w.push(format!(
                    "{what}: term of {} months is longer than the usual {INDIVIDUAL_MAX_TERM} months for individuals",
                    t.term_months
                ));
            }
        }
        BorrowerKind::SmallFirm => {
            let limit = Money::yuan(SMALL_FIRM_LIMIT_YUAN);
            if t.principal > limit {
                w.push(over(limit, "small-firm limit"));
            }
            if t.term_months > SMALL_FIRM_MAX_TERM {
                w.push(format!(
                    "{what}: term of {} months is longer than the usual {SMALL_FIRM_MAX_TERM} months for small firms",
                    t.term_months
                ));
            }
        }
        BorrowerKind::Partnership => match l.partners {
            Some(n) => {
                // 110% of n individual limits: n × 300,000 × 1.1, exact in whole yuan.
                let limit = Money::yuan(i64::from(n) * INDIVIDUAL_LIMIT_YUAN * 11 / 10);
                if t.principal > limit {
                    w.push(over(limit, &format!("partnership limit for {n} partner(s) (110% of their individual limits)")));
                }
            }
            None => w.push(format!(
                "{what}: a partnership's limit is 110% of its partners' individual limits; add --partners N to check it"
            )),
        },
    }
    if let SubsidyRule::LprMinus { bp } = t.subsidy {
        if t.subsidy.finance_rate(t.rate, t.lpr).is_zero() {
            w.push(format!(
                "{what}: contract rate {} is not above LPR {} − {bp}bp, so subsidy rule {} pays nothing",
                t.rate,
                t.lpr.map(|r| r.percent()).unwrap_or_default(),
                t.subsidy
            ));
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(s: &str) -> Rate {
        Rate::parse("--rate", s).unwrap()
    }
    fn refused(s: &str) -> &'static str {
        Rate::parse("--rate", s).unwrap_err().rule().unwrap()
    }

    #[test]
    fn rates_are_exact_in_both_spellings() {
        assert_eq!(rate("4.35%"), rate("0.0435"));
        assert_eq!(rate("4.35%").e8(), 4_350_000);
        assert_eq!(Rate::from_e8(5_150_000), rate("5.15%"));
        assert_eq!(rate("5.15%").to_string(), "5.15%");
        assert_eq!(rate("3%").to_string(), "3.00%");
        assert_eq!(rate("0%"), Rate::ZERO);
        assert_eq!(rate("4.123456%").e8(), 4_123_456);
        assert_eq!(serde_json::to_string(&rate("5.15%")).unwrap(), "\"0.0515\"");
    }

    #[test]
    fn impossible_rates_are_refused() {
        assert_eq!(refused("-1%"), "negative-rate");
        assert_eq!(refused("-0.01"), "negative-rate");
        // "4.35" read as a fraction is 435% a year: refused with a hint, never guessed.
        assert_eq!(refused("4.35"), "rate-out-of-range");
        assert_eq!(refused("100%"), "rate-out-of-range");
        assert_eq!(refused("4.1234567%"), "rate-too-precise");
        for s in ["", "%", "abc", "4,35%", "1e-2", "4.%", ".5%", "4.3.5%"] {
            assert_eq!(refused(s), "bad-rate", "{s}");
        }
    }

    #[test]
    fn subsidy_rules_parse_and_split_interest() {
        assert_eq!(SubsidyRule::parse("none").unwrap(), SubsidyRule::None);
        assert_eq!(
            SubsidyRule::parse("lpr-minus:150").unwrap(),
            SubsidyRule::LprMinus { bp: 150 }
        );
        assert_eq!(
            SubsidyRule::parse("share:50%").unwrap().to_string(),
            "share:50"
        );
        for bad in [
            "lpr-minus:",
            "lpr-minus:-5",
            "lpr-minus:1.5",
            "share:0",
            "share:101",
            "share:33.333",
            "half",
        ] {
            assert!(SubsidyRule::parse(bad).is_err(), "{bad}");
        }
        // DOMAIN.md: 100,000 元 for a year at 5.15%, LPR 3.65%, LPR − 150bp:
        // borrower rate 3.65 − 1.50 = 2.15%, finance 5.15 − 2.15 = 3.00%;
        // interest 5,150 → finance 5,150 × 3.00 / 5.15 = 3,000, borrower 2,150.
        let r = rate("5.15%");
        let lpr = Some(rate("3.65%"));
        let rule = SubsidyRule::LprMinus { bp: 150 };
        assert_eq!(rule.finance_rate(r, lpr), Decimal::new(3, 2));
        assert_eq!(rule.subsidy(Money::yuan(5150), r, lpr), Money::yuan(3000));
        // One month of interest, 429.17: 429.17 × 3 / 5.15 = 250.00194… → 250.00.
        assert_eq!(
            rule.subsidy(Money::from_fen(42917), r, lpr),
            Money::from_fen(25000)
        );
        // share:50 of 0.05 → 0.025 → 0.03 (half away from zero, not banker's 0.02).
        let half = SubsidyRule::Share {
            pct: Decimal::from(50),
        };
        assert_eq!(
            half.subsidy(Money::from_fen(5), r, None),
            Money::from_fen(3)
        );
        // A contract rate below LPR − BP leaves nothing to subsidise.
        assert_eq!(rule.subsidy(Money::yuan(100), rate("2%"), lpr), Money::ZERO);
        // LPR below BP: the borrower pays nothing, finance all of it.
        assert_eq!(
            rule.subsidy(Money::yuan(100), r, Some(rate("1%"))),
            Money::yuan(100)
        );
    }
}
