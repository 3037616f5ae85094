//! Performance evaluation (绩效评价), pure: company stages and facts, idle cash by age
//! (FIFO by call date), and scorecards computed from a template.
//!
//! No I/O, no SQL. Money is exact; a score is rounded once, to [`SCORE_DP`] decimals
//! with `DISPLAY_ROUNDING` (half away from zero), where an indicator's score is worked
//! out ([`score_indicator`]). See docs/evaluation.md for every formula.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::domain::string_enum;
use crate::error::{Error, Result};
use crate::money::{Money, DISPLAY_ROUNDING};

string_enum!(
    /// A company's development stage, as guidance-fund rules classify investments.
    Stage { Seed => "seed", Early => "early", Growth => "growth", Mature => "mature" }
);

impl Stage {
    /// English or the Chinese names rules use: 种子期, 初创期, 成长期, 成熟期.
    pub fn parse(input: &str) -> Result<Stage> {
        let s = input.trim();
        let zh = match s {
            "种子期" => Some(Stage::Seed),
            "初创期" | "早期" => Some(Stage::Early),
            "成长期" => Some(Stage::Growth),
            "成熟期" => Some(Stage::Mature),
            _ => None,
        };
        zh.or_else(|| s.to_ascii_lowercase().parse().ok())
            .ok_or_else(|| {
                Error::refused(
                    "bad-stage",
                    format!(
                        "stage '{input}' is not one of seed, early, growth, mature \
                         (种子期, 初创期, 成长期, 成熟期)"
                    ),
                )
            })
    }
}

string_enum!(
    /// What a breakdown groups holdings by.
    BreakdownBy { Sector => "sector", Stage => "stage", Region => "region", Local => "local" }
);

string_enum!(
    /// What a company fact records.
    FactKind {
        Jobs => "jobs",
        Tax => "tax",
        Revenue => "revenue",
        Financing => "financing",
        Relocation => "relocation",
        Stage => "stage",
    }
);

/// One effective company fact (neither a reversal nor reversed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub id: i64,
    #[serde(skip)]
    pub company_id: i64,
    pub company: String,
    pub kind: FactKind,
    pub date: Date,
    /// Headcount on the date (jobs facts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs: Option<i64>,
    /// Tax paid, revenue, or financing raised (exact yuan in JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub round: Option<String>,
    /// Whether the fund led the round (financing facts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    pub memo: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// A company's stage on `as_of`: the latest stage fact dated on or before it, else the
/// stage given at `company add`. `facts` are the company's facts in date order.
pub fn stage_on(initial: Option<Stage>, facts: &[&Fact], as_of: Date) -> Option<Stage> {
    facts
        .iter()
        .filter(|f| f.kind == FactKind::Stage && f.date <= as_of)
        .max_by_key(|f| (f.date, f.id))
        .and_then(|f| f.stage)
        .or(initial)
}

/// What evaluations score about one company over a period ending `to`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Latest headcount dated on or before `to`; `None` if never reported.
    pub jobs: Option<i64>,
    /// Sums of the facts dated within the period.
    pub tax: Money,
    pub revenue: Money,
    pub financing: Money,
    pub rounds: usize,
    pub led_rounds: usize,
    /// Date the company relocated to the city, if it did on or before `to`.
    pub relocated: Option<Date>,
}

impl Outcome {
    /// Fold one company's facts (any order) for the period `from..=to`.
    pub fn of(facts: &[&Fact], from: Date, to: Date) -> Outcome {
        let mut o = Outcome::default();
        let mut jobs_at: Option<(Date, i64)> = None;
        for f in facts.iter().filter(|f| f.date <= to) {
            let within = f.date >= from;
            let amount = f.amount.unwrap_or(Money::ZERO);
            match f.kind {
                FactKind::Jobs if jobs_at.is_none_or(|(d, id)| (f.date, f.id) > (d, id)) => {
                    jobs_at = Some((f.date, f.id));
                    o.jobs = f.jobs;
                }
                FactKind::Tax if within => o.tax += amount,
                FactKind::Revenue if within => o.revenue += amount,
                FactKind::Financing if within => {
                    o.financing += amount;
                    o.rounds += 1;
                    if f.lead == Some(true) {
                        o.led_rounds += 1;
                    }
                }
                FactKind::Relocation => {
                    o.relocated = Some(o.relocated.map_or(f.date, |d| d.min(f.date)));
                }
                _ => {}
            }
        }
        o
    }

    /// Add another company's outcome (for fund totals).
    pub fn add(&mut self, other: &Outcome) {
        if let Some(j) = other.jobs {
            self.jobs = Some(self.jobs.unwrap_or(0) + j);
        }
        self.tax += other.tax;
        self.revenue += other.revenue;
        self.financing += other.financing;
        self.rounds += other.rounds;
        self.led_rounds += other.led_rounds;
    }
}

/// Default idle-cash thresholds in months (a policy record may set others per fund).
pub const IDLE_WARN_MONTHS: u32 = 6;
pub const IDLE_ALERT_MONTHS: u32 = 12;

/// Cash received from LPs and not yet invested, one lot per receipt, used first in,
/// first out by the date received.
///
/// An investment larger than the lots on hand (paid from a bridge, or keyed before the
/// call that funds it) leaves a deficit that the next receipts cover first, so the lots
/// always add up to max(0, LP paid-in − invested).
#[derive(Clone, Debug, Default)]
pub struct CashFifo {
    lots: VecDeque<(Date, Money)>,
    deficit: Money,
}

impl CashFifo {
    pub fn receive(&mut self, date: Date, amount: Money) {
        let covered = amount.min(self.deficit);
        self.deficit -= covered;
        let rest = amount - covered;
        if rest.is_positive() {
            self.lots.push_back((date, rest));
        }
    }

    pub fn invest(&mut self, amount: Money) {
        let mut left = amount;
        while left.is_positive() {
            match self.lots.front_mut() {
                Some((_, lot)) => {
                    let used = (*lot).min(left);
                    *lot -= used;
                    left -= used;
                    if lot.is_zero() {
                        self.lots.pop_front();
                    }
                }
                None => {
                    self.deficit += left;
                    left = Money::ZERO;
                }
            }
        }
    }

    /// The lots on hand, oldest first: (date received, amount left).
    pub fn lots(&self) -> impl Iterator<Item = &(Date, Money)> {
        self.lots.iter()
    }

    pub fn idle(&self) -> Money {
        self.lots.iter().map(|(_, m)| *m).sum()
    }

    /// Cash idle for more than `months` on `as_of`: lots received before
    /// `as_of` − `months` (a lot received exactly `months` earlier is not yet over).
    pub fn idle_over(&self, as_of: Date, months: u32) -> Money {
        self.lots
            .iter()
            .filter(|(d, _)| older_than(*d, as_of, months))
            .map(|(_, m)| *m)
            .sum()
    }
}

/// Whether `since` lies more than `months` calendar months before `as_of`
/// (month ends clamp: 2024-08-31 + 6 months = 2025-02-28).
pub fn older_than(since: Date, as_of: Date, months: u32) -> bool {
    since
        .checked_add_months(Months::new(months))
        .is_some_and(|limit| limit < as_of)
}

/// The last day of `year`.
pub fn year_end(year: i32) -> Option<Date> {
    Date::from_ymd_opt(year, 12, 31)
}

/// The first day of `year`.
pub fn year_start(year: i32) -> Option<Date> {
    Date::from_ymd_opt(year, 1, 1)
}

/// Year-ends from the year of `first` up to (excluding) the year of `as_of`, then `as_of`.
pub fn pace_points(first: Date, as_of: Date) -> Vec<Date> {
    let mut v: Vec<Date> = (first.year()..as_of.year()).filter_map(year_end).collect();
    v.push(as_of);
    v
}

// ---------------------------------------------------------------------------------
// Scorecards

/// Decimals a score is rounded to (half away from zero), once per indicator.
pub const SCORE_DP: u32 = 2;

/// Read a template number exactly as written: integers and strings exactly; a TOML
/// float by its shortest decimal text (what was typed, up to 15 significant digits),
/// so `0.8` is 0.8, never 0.8000000000000000444.
fn de_decimal<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Decimal, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = Decimal;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number")
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Decimal, E> {
            Ok(Decimal::from(v))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<Decimal, E> {
            // The float's shortest round-trip text is the literal in the file.
            Decimal::from_str_exact(&format!("{v}")).map_err(E::custom)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> std::result::Result<Decimal, E> {
            Decimal::from_str_exact(v.trim()).map_err(E::custom)
        }
    }
    d.deserialize_any(V)
}

fn de_opt_decimal<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Decimal>, D::Error> {
    de_decimal(d).map(Some)
}

/// A scorecard template (docs/evaluation.md; examples in docs/templates/).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub name: String,
    /// Where the indicator table comes from, and what in it is a placeholder.
    #[serde(default)]
    pub source: Option<String>,
    /// Points of the base scorecard: the weights of the indicators that are not bonus
    /// must add up to this.
    #[serde(default = "hundred", deserialize_with = "de_decimal")]
    pub points: Decimal,
    /// Most bonus points counted.
    #[serde(default, deserialize_with = "de_opt_decimal")]
    pub bonus_cap: Option<Decimal>,
    #[serde(default, rename = "grade")]
    pub grades: Vec<Grade>,
    #[serde(rename = "indicator")]
    pub indicators: Vec<Indicator>,
}

fn hundred() -> Decimal {
    Decimal::ONE_HUNDRED
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Lowest total that earns this grade.
    #[serde(deserialize_with = "de_decimal")]
    pub min: Decimal,
    pub grade: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable key; manual scores are recorded against it.
    pub key: String,
    pub name: String,
    /// policy, compliance, financial, bonus… (free text, shown as the group).
    #[serde(default)]
    pub group: Option<String>,
    #[serde(deserialize_with = "de_decimal")]
    pub weight: Decimal,
    /// Counts toward the bonus points (capped by `bonus_cap`), not the base.
    #[serde(default)]
    pub bonus: bool,
    /// The ledger figure it scores ([`Metric`]); absent for a manual indicator.
    #[serde(default)]
    pub metric: Option<Metric>,
    /// Scored by hand: `fund score CODE --year Y --indicator KEY --score S --note …`.
    #[serde(default)]
    pub manual: bool,
    /// Linear scale: 0 points at `zero`, the full weight at `full` (either direction).
    #[serde(default)]
    pub linear: Option<Linear>,
    /// Steps, the first met wins; none met scores 0.
    #[serde(default)]
    pub thresholds: Vec<Threshold>,
    /// The rule text, for the evidence column.
    #[serde(default)]
    pub rule: Option<String>,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Linear {
    #[serde(deserialize_with = "de_decimal")]
    pub zero: Decimal,
    #[serde(deserialize_with = "de_decimal")]
    pub full: Decimal,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Met when the figure is at least this…
    #[serde(default, deserialize_with = "de_opt_decimal")]
    pub min: Option<Decimal>,
    /// …and at most this.
    #[serde(default, deserialize_with = "de_opt_decimal")]
    pub max: Option<Decimal>,
    #[serde(deserialize_with = "de_decimal")]
    pub score: Decimal,
}

string_enum!(
    /// The ledger figures a template may score (docs/evaluation.md gives each formula).
    Metric {
        ReinvestRatio => "reinvest_ratio",
        ReinvestCompletion => "reinvest_completion",
        LeveragePaidIn => "leverage_paid_in",
        LeverageCommitted => "leverage_committed",
        PaidInRatio => "paid_in_ratio",
        InvestmentPace => "investment_pace",
        IdleShare => "idle_share",
        IdleAlertShare => "idle_alert_share",
        FirstCallRatio => "first_call_ratio",
        Tvpi => "tvpi",
        Dpi => "dpi",
        IrrNet => "irr_net",
        Jobs => "jobs",
        Tax => "tax",
        Revenue => "revenue",
        Financing => "financing",
        LocalFinancing => "local_financing",
        LeadRounds => "lead_rounds",
        LeadShare => "lead_share",
        Relocated => "relocated",
        Companies => "companies",
    }
);

impl<'de> Deserialize<'de> for Metric {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Metric, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A figure a computed indicator scores, with the numbers behind it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figure {
    /// `None` when undefined (a ratio over zero, no term in force).
    pub value: Option<Decimal>,
    /// Scored as met whatever the value (a 返投 minimum of 0).
    pub met: bool,
    pub evidence: String,
}

impl Figure {
    pub fn of(value: Option<Decimal>, evidence: impl Into<String>) -> Figure {
        Figure {
            value,
            met: false,
            evidence: evidence.into(),
        }
    }
}

impl Template {
    /// Parse and check a template; refusals name the indicator, value and rule.
    pub fn parse(file: &str, text: &str) -> Result<Template> {
        let bad = |m: String| Error::refused("bad-template", format!("template {file}: {m}"));
        let t: Template = toml::from_str(text).map_err(|e| bad(e.to_string()))?;
        if t.indicators.is_empty() {
            return Err(bad("lists no [[indicator]]".into()));
        }
        let mut keys = std::collections::BTreeSet::new();
        for i in &t.indicators {
            let at = |m: String| bad(format!("indicator '{}': {m}", i.key));
            if !keys.insert(i.key.as_str()) {
                return Err(at("the key is used twice".into()));
            }
            if i.weight <= Decimal::ZERO {
                return Err(at(format!("weight {} must be above 0", i.weight)));
            }
            let ways = usize::from(i.manual)
                + usize::from(i.linear.is_some())
                + usize::from(!i.thresholds.is_empty());
            if ways != 1 {
                return Err(at(
                    "needs exactly one of manual = true, linear = {…} or thresholds = […]".into(),
                ));
            }
            if i.manual != i.metric.is_none() {
                return Err(at(if i.manual {
                    "a manual indicator names no metric".into()
                } else {
                    "names no metric (or say manual = true)".into()
                }));
            }
            if let Some(l) = i.linear {
                if l.zero == l.full {
                    return Err(at(format!("linear zero and full are both {}", l.zero)));
                }
            }
            for th in &i.thresholds {
                if th.score < Decimal::ZERO || th.score > i.weight {
                    return Err(at(format!(
                        "threshold score {} is outside 0..={} (the weight)",
                        th.score, i.weight
                    )));
                }
                if th.min.is_none() && th.max.is_none() {
                    return Err(at("a threshold needs min or max".into()));
                }
            }
        }
        let base: Decimal = t
            .indicators
            .iter()
            .filter(|i| !i.bonus)
            .map(|i| i.weight)
            .sum();
        if base != t.points {
            return Err(bad(format!(
                "the weights of the indicators that are not bonus add up to {base}, not points = {}",
                t.points
            )));
        }
        Ok(t)
    }

    pub fn grade(&self, total: Decimal) -> Option<&str> {
        let mut g: Vec<&Grade> = self.grades.iter().collect();
        g.sort_by_key(|g| std::cmp::Reverse(g.min));
        g.into_iter()
            .find(|g| total >= g.min)
            .map(|g| g.grade.as_str())
    }
}

/// Round a score to [`SCORE_DP`] decimals, half away from zero: the one rounding of a score.
pub fn round_score(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(SCORE_DP, DISPLAY_ROUNDING);
    r.rescale(SCORE_DP);
    r
}

/// The score of a computed indicator for a figure, and how it was reached.
pub fn score_indicator(i: &Indicator, f: &Figure) -> (Decimal, String) {
    if f.met {
        return (round_score(i.weight), "met: full weight".into());
    }
    let Some(x) = f.value else {
        return (round_score(Decimal::ZERO), "figure undefined: 0".into());
    };
    if let Some(l) = i.linear {
        let t = ((x - l.zero) / (l.full - l.zero)).clamp(Decimal::ZERO, Decimal::ONE);
        return (
            round_score(i.weight * t),
            format!("linear: 0 at {}, {} at {}", l.zero, i.weight, l.full),
        );
    }
    for th in &i.thresholds {
        if th.min.is_none_or(|m| x >= m) && th.max.is_none_or(|m| x <= m) {
            let range = match (th.min, th.max) {
                (Some(a), Some(b)) => format!("{a} ≤ x ≤ {b}"),
                (Some(a), None) => format!("x ≥ {a}"),
                (None, Some(b)) => format!("x ≤ {b}"),
                (None, None) => String::new(),
            };
            return (round_score(th.score), format!("threshold {range}"));
        }
    }
    (round_score(Decimal::ZERO), "no threshold met".into())
}

/// A score as stored: hundredths of a point (8.5 → 850). Exact: scores carry at most
/// [`SCORE_DP`] decimals by construction.
pub fn score_e2(score: Decimal) -> i64 {
    use rust_decimal::prelude::ToPrimitive;
    (round_score(score) * Decimal::ONE_HUNDRED)
        .to_i64()
        .unwrap_or(i64::MAX)
}

/// A manual score in hundredths of a point: at most two decimals, 0 or more.
pub fn parse_score(input: &str) -> Result<Decimal> {
    let bad = |why: &str| Error::refused("bad-score", format!("--score '{input}' {why}"));
    let d = Decimal::from_str(input.trim()).map_err(|_| bad("is not a number (e.g. 8 or 8.5)"))?;
    if d.is_sign_negative() {
        return Err(bad("is negative; a score is 0 or more"));
    }
    if d.normalize().scale() > SCORE_DP {
        return Err(bad(
            "has more than 2 decimals; it is refused rather than rounded",
        ));
    }
    if d > Decimal::from(1000) {
        return Err(bad("is above 1000 points"));
    }
    Ok(round_score(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;

    fn d(s: &str) -> Date {
        parse_date(s).unwrap()
    }
    fn y(n: i64) -> Money {
        Money::yuan(n)
    }

    #[test]
    fn fifo_uses_the_oldest_cash_first_and_carries_a_deficit() {
        let mut c = CashFifo::default();
        c.receive(d("2023-01-10"), y(100));
        c.receive(d("2023-06-01"), y(50));
        c.invest(y(120)); // 100 from January, 20 from June: 30 left of June
        assert_eq!(
            c.lots().cloned().collect::<Vec<_>>(),
            vec![(d("2023-06-01"), y(30))]
        );
        c.invest(y(40)); // 30 from June, 10 short
        assert_eq!(c.idle(), Money::ZERO);
        c.receive(d("2023-09-01"), y(25)); // 10 covers the deficit, 15 idle
        assert_eq!(c.idle(), y(15));
        // Exactly six months is not over six months; one day more is.
        assert_eq!(c.idle_over(d("2024-03-01"), 6), Money::ZERO);
        assert_eq!(c.idle_over(d("2024-03-02"), 6), y(15));
        assert!(older_than(d("2024-08-31"), d("2025-03-01"), 6));
        assert!(!older_than(d("2024-08-31"), d("2025-02-28"), 6));
    }

    #[test]
    fn scores_round_half_away_from_zero_once() {
        assert_eq!(round_score(Decimal::new(12345, 3)).to_string(), "12.35");
        assert_eq!(parse_score("8.5").unwrap().to_string(), "8.50");
        assert_eq!(parse_score("8.555").unwrap_err().rule(), Some("bad-score"));
        assert_eq!(parse_score("-1").unwrap_err().rule(), Some("bad-score"));
    }

    #[test]
    fn stages_read_english_and_chinese() {
        assert_eq!(Stage::parse("初创期").unwrap(), Stage::Early);
        assert_eq!(Stage::parse("Growth").unwrap(), Stage::Growth);
        assert_eq!(Stage::parse("late").unwrap_err().rule(), Some("bad-stage"));
    }
}
