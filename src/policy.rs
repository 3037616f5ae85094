//! Guidance-fund policy: the terms a fund's agreement or a local rule sets, and which of
//! them are in force on a date.
//!
//! Why terms carry dates and resolve one by one: the numbers are set per fund and change
//! over time (a 返投 minimum lowered from 2× to 1× in 2025, a cap raised from 20% to 30%),
//! and an amendment usually restates one term, not all of them. So a policy record sets
//! one or more terms from a date, and each term in force on a date is the one set by the
//! latest record (by effective date, then record id) dated on or before it. A sub-fund's
//! own term beats its guidance fund's: its agreement is the more specific rule.
//!
//! Pure: no I/O. Values are exact ([`Factor`]); nothing here rounds.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::date::Date;
use crate::domain::string_enum;
use crate::error::{Error, Result};

/// Decimals a [`Factor`] may have: shares to a basis point (0.01%), multiples and
/// weights to 0.0001.
pub const FACTOR_DP: u32 = 4;

/// Largest 返投 minimum or recognition weight accepted. Published rules use 1×–3×
/// (DOMAIN.md); anything above 10 is far more likely a slip (`15` for `1.5`) than a rule.
pub const MAX_MULTIPLE: i64 = 10;

/// An exact, non-negative number with at most four decimals: a share (0.3 = 30%), a
/// multiple (1.5×) or a weight (1.8). Stored as INTEGER ten-thousandths (basis points of
/// one), so storage never sees a float and reads back exactly what was typed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Factor(Decimal);

impl Factor {
    pub const ZERO: Factor = Factor(Decimal::ZERO);
    pub const ONE: Factor = Factor(Decimal::ONE);

    /// From ten-thousandths, as stored (`15000` → 1.5).
    pub fn from_bp(bp: i64) -> Factor {
        Factor(Decimal::new(bp, FACTOR_DP).normalize())
    }

    /// Ten-thousandths for storage. Exact by construction (at most four decimals).
    pub fn bp(self) -> i64 {
        use rust_decimal::prelude::ToPrimitive;
        (self.0 * Decimal::from(10_000))
            .to_i64()
            .expect("factor within storage range")
    }

    /// From an exact decimal; `None` if negative or finer than four decimals.
    pub fn from_decimal(d: Decimal) -> Option<Factor> {
        let n = d.normalize();
        (n.scale() <= FACTOR_DP && !n.is_sign_negative()).then_some(Factor(n))
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Four decimals, as ratios are shown everywhere: `1.5000`, `0.3000`.
    pub fn fixed(self) -> String {
        let mut d = self.0;
        d.rescale(FACTOR_DP);
        d.to_string()
    }

    /// A share written as a percentage for messages and tables: `30%`, `12.5%`.
    pub fn percent(self) -> String {
        format!("{}%", (self.0 * Decimal::ONE_HUNDRED).normalize())
    }
}

/// Shortest exact form for messages: `1.5`, `2`, `0.3`.
impl fmt::Display for Factor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

/// JSON: a decimal string with four decimals, like every ratio.
impl Serialize for Factor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.fixed())
    }
}

/// Split `input` into an unsigned decimal and what follows it, exactly.
fn split_number(input: &str) -> Option<(Decimal, &str)> {
    let s = input.trim();
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, rest) = s.split_at(end);
    let well_formed = !num.is_empty()
        && !num.starts_with('.')
        && !num.ends_with('.')
        && num.matches('.').count() <= 1
        && num.len() <= 20;
    if !well_formed {
        return None;
    }
    Decimal::from_str_exact(num).ok().map(|d| (d, rest.trim()))
}

/// A 返投 minimum or a recognition weight: `1.5`, `1.5x`, `1.5×`, `1.5倍`; 0 to
/// [`MAX_MULTIPLE`], at most four decimals. `what` names the option in messages;
/// `rule` is the refusal's code.
fn parse_multiple_as(input: &str, what: &str, rule: &'static str) -> Result<Factor> {
    let bad = |why: String| Error::refused(rule, format!("{what} '{input}' {why}"));
    if input.trim().starts_with(['-', '−']) {
        return Err(bad("is negative; it must be 0 or more".into()));
    }
    let (d, _) = split_number(input)
        .filter(|(_, rest)| matches!(*rest, "" | "x" | "X" | "×" | "倍"))
        .ok_or_else(|| {
            bad("is not a multiple this ledger reads (examples: 1.5, 2, 1.5x, 1.5倍)".into())
        })?;
    if d > Decimal::from(MAX_MULTIPLE) {
        return Err(bad(format!(
            "is above {MAX_MULTIPLE}; published rules use 1 to 3 (did you mean {}?)",
            (d / Decimal::TEN).normalize()
        )));
    }
    Factor::from_decimal(d).ok_or_else(|| {
        bad(format!(
            "has more than {FACTOR_DP} decimals; it is refused rather than rounded"
        ))
    })
}

/// `--reinvest-min`: the 返投 minimum as a multiple of the guidance fund's contribution.
pub fn parse_reinvest_min(input: &str) -> Result<Factor> {
    parse_multiple_as(input, "--reinvest-min", "bad-multiple")
}

/// `--reinvest-weight`: how much one yuan of a deal counts towards 返投 (2 for a company
/// that relocated fully, 1.8 for a local subsidiary, 1.5 for a local company, 0 to not
/// count it).
pub fn parse_weight(input: &str) -> Result<Factor> {
    parse_multiple_as(input, "--reinvest-weight", "bad-weight")
}

/// `--gov-share-max`: a percentage, `30`, `30%`, `12.5%` or `30％`, above 0 and at most
/// 100, to a hundredth of a percent. Returned as a share (30% → 0.3).
///
/// A bare number below 1 (`0.3`) is refused as ambiguous: it could mean 0.3% or 30%,
/// and guessing wrong would mark every sub-fund as breaching or none.
/// An idle-cash threshold in whole months, 1 to 120.
pub fn parse_months(option: &str, input: &str) -> Result<u32> {
    input
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=120).contains(m))
        .ok_or_else(|| {
            Error::refused(
                "bad-months",
                format!("{option} '{input}' is not a whole number of months from 1 to 120"),
            )
        })
}

pub fn parse_percent(input: &str) -> Result<Factor> {
    let bad =
        |why: String| Error::refused("bad-percentage", format!("--gov-share-max '{input}' {why}"));
    if input.trim().starts_with(['-', '−']) {
        return Err(bad(
            "is negative; a share cap is above 0% and at most 100%".into()
        ));
    }
    let (d, rest) = split_number(input)
        .filter(|(_, rest)| matches!(*rest, "" | "%" | "％"))
        .ok_or_else(|| {
            bad("is not a percentage this ledger reads (examples: 30, 30%, 12.5%)".into())
        })?;
    if rest.is_empty() && d < Decimal::ONE && !d.is_zero() {
        return Err(bad(format!(
            "is ambiguous: write {}% if you mean {}%, or {d}% if you mean {d}%",
            (d * Decimal::ONE_HUNDRED).normalize(),
            (d * Decimal::ONE_HUNDRED).normalize()
        )));
    }
    if d.is_zero() || d > Decimal::ONE_HUNDRED {
        return Err(bad(
            "is out of range; a share cap is above 0% and at most 100%".into(),
        ));
    }
    Factor::from_decimal(d / Decimal::ONE_HUNDRED).ok_or_else(|| {
        bad("is more precise than a hundredth of a percent (0.01%); it is refused rather than rounded".into())
    })
}

string_enum!(
    /// What the guidance fund's contribution is measured on for 返投.
    ReinvestBase { Committed => "committed", PaidIn => "paid-in" }
);

impl ReinvestBase {
    /// Used where no policy sets a base: 返投 rules are most often written against the
    /// subscribed contribution (认缴出资额).
    pub const DEFAULT: ReinvestBase = ReinvestBase::Committed;
}

/// One policy record as stored: the terms it sets from `from`. `None` leaves a term as
/// it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyRecord {
    pub id: i64,
    #[serde(skip)]
    pub fund_id: i64,
    pub fund: String,
    pub from: Date,
    pub gov_share_max: Option<Factor>,
    pub reinvest_min: Option<Factor>,
    pub reinvest_base: Option<ReinvestBase>,
    pub memo: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
    /// Idle-cash thresholds in months (issue 15); absent from JSON when not set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_warn_months: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_alert_months: Option<u32>,
}

impl PolicyRecord {
    /// Whether the record sets no term at all (storage refuses that too).
    pub fn is_empty(&self) -> bool {
        self.gov_share_max.is_none()
            && self.reinvest_min.is_none()
            && self.reinvest_base.is_none()
            && self.idle_warn_months.is_none()
            && self.idle_alert_months.is_none()
    }
}

/// A term in force, with where it comes from, so a report can be traced to its rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Term<T> {
    pub value: T,
    #[serde(skip)]
    pub fund_id: i64,
    /// Code of the fund whose record sets the term (a sub-fund's own, or its guidance fund's).
    pub fund: String,
    pub policy_id: i64,
    pub from: Date,
}

/// The terms in force for one fund on one date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Terms {
    pub gov_share_max: Option<Term<Factor>>,
    pub reinvest_min: Option<Term<Factor>>,
    pub reinvest_base: Option<Term<ReinvestBase>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_warn_months: Option<Term<u32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_alert_months: Option<Term<u32>>,
}

impl Terms {
    /// The base 返投 is measured on: the policy's, else [`ReinvestBase::DEFAULT`].
    pub fn base(&self) -> ReinvestBase {
        self.reinvest_base
            .as_ref()
            .map_or(ReinvestBase::DEFAULT, |t| t.value)
    }
}

/// The latest record of `fund_id` dated on or before `as_of` that sets the term `get`
/// reads. Ties on the date go to the later record, so a same-day restatement supersedes.
fn latest<T: Copy>(
    records: &[PolicyRecord],
    fund_id: i64,
    as_of: Date,
    get: impl Fn(&PolicyRecord) -> Option<T>,
) -> Option<Term<T>> {
    records
        .iter()
        .filter(|r| r.fund_id == fund_id && r.from <= as_of)
        .filter_map(|r| get(r).map(|v| (r, v)))
        .max_by_key(|(r, _)| (r.from, r.id))
        .map(|(r, value)| Term {
            value,
            fund_id,
            fund: r.fund.clone(),
            policy_id: r.id,
            from: r.from,
        })
}

/// The terms in force on `as_of` for `fund_id`: each term from the fund's own records,
/// else from `parent_id`'s (its guidance fund). `records` may hold any funds' records.
pub fn terms_in_force(
    records: &[PolicyRecord],
    fund_id: i64,
    parent_id: Option<i64>,
    as_of: Date,
) -> Terms {
    fn pick<T: Copy>(
        records: &[PolicyRecord],
        fund_id: i64,
        parent_id: Option<i64>,
        as_of: Date,
        get: impl Fn(&PolicyRecord) -> Option<T> + Copy,
    ) -> Option<Term<T>> {
        latest(records, fund_id, as_of, get)
            .or_else(|| parent_id.and_then(|p| latest(records, p, as_of, get)))
    }
    Terms {
        gov_share_max: pick(records, fund_id, parent_id, as_of, |r| r.gov_share_max),
        reinvest_min: pick(records, fund_id, parent_id, as_of, |r| r.reinvest_min),
        reinvest_base: pick(records, fund_id, parent_id, as_of, |r| r.reinvest_base),
        idle_warn_months: pick(records, fund_id, parent_id, as_of, |r| r.idle_warn_months),
        idle_alert_months: pick(records, fund_id, parent_id, as_of, |r| r.idle_alert_months),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn multiples_and_weights_are_exact_or_refused() {
        assert_eq!(parse_reinvest_min("1.5").unwrap().bp(), 15_000);
        assert_eq!(parse_reinvest_min("1.5x").unwrap().bp(), 15_000);
        assert_eq!(parse_reinvest_min(" 2倍 ").unwrap().bp(), 20_000);
        assert_eq!(parse_weight("1.8×").unwrap().to_string(), "1.8");
        assert_eq!(parse_weight("0").unwrap(), Factor::ZERO);
        assert_eq!(parse_weight("1.2345").unwrap().bp(), 12_345);
        assert_eq!(Factor::from_bp(18_000).fixed(), "1.8000");
        for (bad, rule) in [
            ("1.23456", "bad-weight"),
            ("-1", "bad-weight"),
            ("15", "bad-weight"),
            ("abc", "bad-weight"),
            ("1.5.1", "bad-weight"),
            (".5", "bad-weight"),
            ("1e2", "bad-weight"),
            ("", "bad-weight"),
            ("2 倍x", "bad-weight"),
        ] {
            assert_eq!(parse_weight(bad).unwrap_err().rule(), Some(rule), "{bad}");
        }
        assert_eq!(
            parse_reinvest_min("10.5").unwrap_err().rule(),
            Some("bad-multiple")
        );
        assert_eq!(parse_reinvest_min("10").unwrap().bp(), 100_000);
    }

    #[test]
    fn percentages_are_exact_or_refused() {
        assert_eq!(parse_percent("30").unwrap().bp(), 3_000);
        assert_eq!(parse_percent("30%").unwrap().fixed(), "0.3000");
        assert_eq!(parse_percent("12.5%").unwrap().bp(), 1_250);
        assert_eq!(parse_percent("0.5%").unwrap().bp(), 50);
        assert_eq!(parse_percent("100").unwrap().bp(), 10_000);
        assert_eq!(parse_percent("1").unwrap().bp(), 100);
        assert_eq!(parse_percent("30%").unwrap().percent(), "30%");
        for bad in [
            "0.3", "0", "0%", "101", "-5%", "12.345%", "abc", "30%%", "3e1",
        ] {
            assert_eq!(
                parse_percent(bad).unwrap_err().rule(),
                Some("bad-percentage"),
                "{bad}"
            );
        }
        assert!(parse_percent("0.3")
            .unwrap_err()
            .to_string()
            .contains("ambiguous"));
    }

    fn rec(id: i64, fund_id: i64, from: &str, cap: Option<i64>, min: Option<i64>) -> PolicyRecord {
        PolicyRecord {
            id,
            fund_id,
            fund: String::new(),
            from: d(from),
            gov_share_max: cap.map(Factor::from_bp),
            reinvest_min: min.map(Factor::from_bp),
            reinvest_base: None,
            memo: None,
            recorded_at: String::new(),
            recorded_by: String::new(),
            idle_warn_months: None,
            idle_alert_months: None,
        }
    }

    #[test]
    fn each_term_resolves_by_date_own_before_parent() {
        // Guidance fund 1: cap 30% and 返投 2× from 2020; 返投 lowered to 1× from 2025.
        // Sub-fund 2: its own cap of 20% from 2021.
        let rs = vec![
            rec(1, 1, "2020-01-01", Some(3000), Some(20000)),
            rec(2, 1, "2025-01-01", None, Some(10000)),
            rec(3, 2, "2021-01-01", Some(2000), None),
        ];
        let t = terms_in_force(&rs, 1, None, d("2019-12-31"));
        assert_eq!(t, Terms::default());
        let t = terms_in_force(&rs, 1, None, d("2024-12-31"));
        assert_eq!(t.reinvest_min.as_ref().unwrap().value.bp(), 20000);
        assert_eq!(t.gov_share_max.as_ref().unwrap().value.bp(), 3000);
        // From 2025 the minimum changes, the cap carries over from record 1.
        let t = terms_in_force(&rs, 1, None, d("2025-01-01"));
        assert_eq!(t.reinvest_min.as_ref().unwrap().policy_id, 2);
        assert_eq!(t.base(), ReinvestBase::Committed);
        assert_eq!(t.gov_share_max.as_ref().unwrap().policy_id, 1);
        // The sub-fund: the parent's cap in 2020, its own from 2021; the parent's 返投.
        let t = terms_in_force(&rs, 2, Some(1), d("2020-06-30"));
        assert_eq!(t.gov_share_max.as_ref().unwrap().value.bp(), 3000);
        let t = terms_in_force(&rs, 2, Some(1), d("2021-01-01"));
        assert_eq!(t.gov_share_max.as_ref().unwrap().value.bp(), 2000);
        assert_eq!(t.reinvest_min.as_ref().unwrap().policy_id, 1);
    }

    #[test]
    fn same_day_restatement_supersedes() {
        let rs = vec![
            rec(5, 1, "2022-01-01", Some(3000), None),
            rec(4, 1, "2022-01-01", Some(4000), None),
        ];
        // Record 5 was recorded after record 4 for the same date: it wins.
        assert_eq!(
            terms_in_force(&rs, 1, None, d("2022-06-30"))
                .gov_share_max
                .unwrap()
                .value
                .bp(),
            3000
        );
    }
}
