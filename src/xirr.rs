//! XIRR: the annual internal rate of return of dated cash flows, as Excel's XIRR
//! defines it, with an explicit status instead of a silent 0% or a bare error.
//!
//! Convention (Microsoft's XIRR documentation): solve
//! `Σ Pᵢ / (1 + r)^((dᵢ − d₀) / 365) = 0`, actual days over a 365-day year, `d₀` the
//! earliest date. The choice of `d₀` does not move the roots (it multiplies the sum by
//! a positive factor), so flows may come in any order. It does move where Excel's
//! Newton iteration lands when there are several roots; Excel counts from the first
//! *listed* flow, and so does the choice among several roots here.
//!
//! Floats: this is the one module of the crate that uses `f64`, because no closed
//! form exists and the solver needs `exp`/`ln`. Amounts arrive as exact `Decimal`s and
//! are summed per date exactly before being converted once; every rate leaves the
//! module as a `Decimal` rounded by [`Rate::from_f64`] (10 significant digits, half away
//! from zero). No money is ever computed here.
//!
//! Method. With `y = −ln(1 + r)` (so `r ∈ (−1, ∞)` ↔ `y ∈ ℝ`), the sum is
//! `P(y) − N(y)` where `P` sums the inflows `pᵢ·e^{tᵢ·y}` and `N` the outflows. The rate
//! is a root of `h(y) = ln P(y) − ln N(y)`. Both logs are log-sum-exps of lines in `y`,
//! hence convex with slopes between the earliest and latest exponent. That gives
//! cheap, rigorous certificates on any interval `[u, v]`:
//! - *monotone*: `h′ ∈ [φ′(u) − ψ′(v), φ′(v) − ψ′(u)]`; if that range excludes 0, `h` has
//!   at most one root there, found by safeguarded Newton;
//! - *no crossing*: a convex function lies above its tangents and below its chord, so
//!   if the tangents of one stay above the chord of the other, there is no root.
//!
//! Intervals neither certificate settles are halved. So the search over the whole
//! range finds every root that crosses zero (and tangential double roots up to the
//! float resolution) instead of sampling a grid and hoping. With one sign change in
//! the date-ordered flows (the usual case), `h` is monotone everywhere (generalised
//! Descartes rule) and the search is a single Newton solve.

use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::date::Date;
use crate::money::DISPLAY_ROUNDING;

/// Day-count denominator of Excel's XIRR: actual days ÷ 365, leap years included.
pub const DAYS_PER_YEAR: f64 = 365.0;

/// Significant digits a rate keeps when it leaves the solver.
pub const RATE_SIGNIFICANT_DIGITS: u32 = 10;

/// Decimals a rate keeps at most: below 1e-15 the solver's own error dominates.
pub const RATE_MAX_DP: u32 = 15;

/// Largest annual rate searched for (10¹² = 10¹⁴ %). A root beyond it only arises from
/// spans of days with large gains; it is reported as `out-of-range`, not as a number.
pub const RATE_MAX: f64 = 1e12;

/// Excel's default guess for XIRR, from which its Newton iteration starts.
pub const EXCEL_GUESS: f64 = 0.1;

/// Excel gives up after this many Newton steps.
const EXCEL_MAX_ITERATIONS: usize = 100;

/// How close (in `y = −ln(1 + r)`, about r itself near 0) a root must come to 0 to be
/// taken as the exact root r = 0 when the flows sum to exactly 0. The solver's own
/// error is far below this (about 1e-13 on sums of millions of yuan).
const ZERO_ROOT_TOLERANCE: f64 = 1e-9;

/// How far the interval search may subdivide before it stops (evaluations of `h`).
const SEARCH_BUDGET: usize = 20_000;

/// What kind of answer an IRR is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IrrStatus {
    /// One root, flows spanning a year or more.
    Ok,
    /// All flows have one sign (or there are none): undefined.
    NoSignChange,
    /// The flows change sign but the NPV never reaches zero: undefined.
    NoRoot,
    /// Several roots; all are listed and the one Excel's Newton from 0.1 reaches is reported.
    MultipleRoots,
    /// Money went in, nothing came back and nothing is left: −100%.
    TotalLoss,
    /// One root, but the flows span less than a year: the annualised figure is shown,
    /// flagged, with the cumulative return beside it (GIPS does not annualise).
    ShortPeriod,
    /// The only root lies above [`RATE_MAX`]: too large to be a meaningful figure.
    OutOfRange,
}

impl IrrStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IrrStatus::Ok => "ok",
            IrrStatus::NoSignChange => "no-sign-change",
            IrrStatus::NoRoot => "no-root",
            IrrStatus::MultipleRoots => "multiple-roots",
            IrrStatus::TotalLoss => "total-loss",
            IrrStatus::ShortPeriod => "short-period",
            IrrStatus::OutOfRange => "out-of-range",
        }
    }
}

impl fmt::Display for IrrStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for IrrStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An annual rate as a decimal fraction (0.1 = 10%), already rounded to
/// [`RATE_SIGNIFICANT_DIGITS`] significant digits. Serialises as a decimal string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(pub Decimal);

impl Rate {
    pub const MINUS_ONE: Rate = Rate(Decimal::NEGATIVE_ONE);

    /// The one place a float becomes a figure: 10 significant digits, then at most 15
    /// decimals, both half away from zero. `None` for a non-finite float.
    pub fn from_f64(r: f64) -> Option<Rate> {
        if !r.is_finite() {
            return None;
        }
        if r.abs() < 1e-15 {
            return Some(Rate(Decimal::ZERO));
        }
        let d = Decimal::from_f64_retain(r)?;
        let d = d.round_sf_with_strategy(RATE_SIGNIFICANT_DIGITS, DISPLAY_ROUNDING)?;
        Some(Rate(
            d.round_dp_with_strategy(RATE_MAX_DP, DISPLAY_ROUNDING)
                .normalize(),
        ))
    }

    /// The rate in percent with `dp` decimals, half away from zero (for tables).
    pub fn percent(self, dp: u32) -> Decimal {
        let mut d = (self.0 * Decimal::ONE_HUNDRED).round_dp_with_strategy(dp, DISPLAY_ROUNDING);
        d.rescale(dp);
        d
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

/// An IRR with its status. Serialised flat as `irr`, `irr_status`, `irr_roots`,
/// `irr_cumulative` so that reports can `#[serde(flatten)]` it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Irr {
    /// The reported annual rate; `None` (JSON null) when undefined.
    #[serde(rename = "irr")]
    pub rate: Option<Rate>,
    #[serde(rename = "irr_status")]
    pub status: IrrStatus,
    /// Every root found, ascending (one for `ok`/`short-period`, several for `multiple-roots`).
    #[serde(rename = "irr_roots")]
    pub roots: Vec<Rate>,
    /// When the flows span less than a year: the cumulative (not annualised) return
    /// over the span, `(1 + r)^(days/365) − 1`.
    #[serde(rename = "irr_cumulative")]
    pub cumulative: Option<Rate>,
}

impl Irr {
    fn undefined(status: IrrStatus) -> Irr {
        Irr {
            rate: None,
            status,
            roots: Vec::new(),
            cumulative: None,
        }
    }
}

/// XIRR of `flows` (negative = money out), dated in any order.
pub fn xirr(flows: &[(Date, Decimal)]) -> Irr {
    solve(flows)
}

/// XIRR of `flows` with a value at `as_of` entering as a final inflow (the valuation of
/// what is still held). When money went in, nothing ever came back and the value is
/// zero, the answer is `total-loss` (−100%): the limit the rate tends to as the
/// returns shrink to nothing, which no root-finder can reach.
pub fn xirr_with_value(flows: &[(Date, Decimal)], as_of: Date, value: Decimal) -> Irr {
    let any_in = flows
        .iter()
        .any(|(_, a)| a.is_sign_negative() && !a.is_zero());
    let any_back = flows
        .iter()
        .any(|(_, a)| a.is_sign_positive() && !a.is_zero());
    if value.is_zero() && any_in && !any_back {
        return Irr {
            rate: Some(Rate::MINUS_ONE),
            status: IrrStatus::TotalLoss,
            roots: Vec::new(),
            cumulative: None,
        };
    }
    if value.is_zero() {
        return solve(flows);
    }
    let mut all = Vec::with_capacity(flows.len() + 1);
    all.extend_from_slice(flows);
    all.push((as_of, value));
    solve(&all)
}

/// Flows summed per date (exactly), zero sums dropped, sorted by date.
fn merge(flows: &[(Date, Decimal)]) -> Vec<(Date, Decimal)> {
    let mut v: Vec<(Date, Decimal)> = flows.to_vec();
    v.sort_by_key(|(d, _)| *d);
    let mut out: Vec<(Date, Decimal)> = Vec::with_capacity(v.len());
    for (d, a) in v {
        match out.last_mut() {
            Some((ld, la)) if *ld == d => *la += a,
            _ => out.push((d, a)),
        }
    }
    out.retain(|(_, a)| !a.is_zero());
    out
}

/// One side (inflows or outflows) of the series: exponents and log-amounts.
#[derive(Default)]
struct Side {
    t: Vec<f64>,
    ln_a: Vec<f64>,
}

impl Side {
    /// `(ln S(y), d/dy ln S(y))` for `S(y) = Σ aᵢ e^{tᵢ y}`, computed without overflow.
    fn eval(&self, y: f64) -> (f64, f64) {
        let mut m = f64::NEG_INFINITY;
        for (t, c) in self.t.iter().zip(&self.ln_a) {
            m = m.max(c + t * y);
        }
        let (mut s, mut s1) = (0.0, 0.0);
        for (t, c) in self.t.iter().zip(&self.ln_a) {
            let w = (c + t * y - m).exp();
            s += w;
            s1 += t * w;
        }
        (m + s.ln(), s1 / s)
    }
    fn t_max(&self) -> f64 {
        self.t.iter().copied().fold(f64::NEG_INFINITY, f64::max)
    }
}

/// `h`, `ln P`, `ln N` and their slopes at one `y`.
#[derive(Clone, Copy, Debug)]
struct Point {
    y: f64,
    phi: f64,
    dphi: f64,
    psi: f64,
    dpsi: f64,
}

impl Point {
    fn h(&self) -> f64 {
        self.phi - self.psi
    }
    fn dh(&self) -> f64 {
        self.dphi - self.dpsi
    }
}

struct Series {
    pos: Side,
    neg: Side,
    /// Sign of `h` as `y → −∞` (r → ∞): the earliest flow's.
    sign_low: f64,
    /// Sign of `h` as `y → +∞` (r → −1): the latest flow's.
    sign_high: f64,
    evaluations: usize,
}

impl Series {
    fn at(&mut self, y: f64) -> Point {
        self.evaluations += 1;
        let (phi, dphi) = self.pos.eval(y);
        let (psi, dpsi) = self.neg.eval(y);
        Point {
            y,
            phi,
            dphi,
            psi,
            dpsi,
        }
    }

    /// Safeguarded Newton on `[a, b]`, where `h` is monotone and changes sign.
    fn root_in(&mut self, a: Point, b: Point) -> f64 {
        if a.h() == 0.0 {
            return a.y;
        }
        if b.h() == 0.0 {
            return b.y;
        }
        // Orient so that h(lo) < 0 < h(hi).
        let (mut lo, mut hi) = if a.h() < 0.0 { (a.y, b.y) } else { (b.y, a.y) };
        let mut y = 0.5 * (a.y + b.y);
        for _ in 0..200 {
            let p = self.at(y);
            let h = p.h();
            if h == 0.0 {
                return y;
            }
            if h < 0.0 {
                lo = y;
            } else {
                hi = y;
            }
            let newton = y - h / p.dh();
            let (l, u) = if lo < hi { (lo, hi) } else { (hi, lo) };
            let next = if newton.is_finite() && newton > l && newton < u {
                newton
            } else {
                0.5 * (lo + hi)
            };
            let tol = 4.0 * f64::EPSILON * next.abs().max(1.0);
            if (next - y).abs() <= tol || (u - l) <= tol {
                return next;
            }
            y = next;
        }
        y
    }

    /// Whether `h` cannot cross zero on `[u, v]` (convexity certificate).
    fn no_crossing(u: &Point, v: &Point) -> bool {
        let (phi, psi) = (
            (u.phi, u.dphi, v.phi, v.dphi),
            (u.psi, u.dpsi, v.psi, v.dpsi),
        );
        Self::gap(phi, psi, u.y, v.y) > 0.0 || Self::gap(psi, phi, u.y, v.y) > 0.0
    }

    /// A lower bound on `f − g` over `[u, v]` for convex `f` and `g`, each given as
    /// (value at u, slope at u, value at v, slope at v): the larger of f's tangents at
    /// u and v, minus g's chord. That difference is piecewise linear, so its minimum is
    /// at an end or where the two tangents cross.
    fn gap(f: (f64, f64, f64, f64), g: (f64, f64, f64, f64), u: f64, v: f64) -> f64 {
        let (fu, dfu, fv, dfv) = f;
        let (gu, gv) = (g.0, g.2);
        let chord = |y: f64| gu + (gv - gu) * (y - u) / (v - u);
        let mut m = (fu - gu).min(fv - gv);
        if dfu != dfv {
            let k = ((fv - fu + dfu * u - dfv * v) / (dfu - dfv)).clamp(u, v);
            m = m.min(fu + dfu * (k - u) - chord(k));
        }
        m
    }

    fn monotone(u: &Point, v: &Point) -> bool {
        u.dphi - v.dpsi > 0.0 || v.dphi - u.dpsi < 0.0
    }

    /// Every root of `h` in `[a, b]`, ascending in `y`.
    fn isolate(&mut self, a: Point, b: Point, roots: &mut Vec<f64>) {
        let mut stack = vec![(a, b)];
        while let Some((u, v)) = stack.pop() {
            if Self::no_crossing(&u, &v) {
                continue;
            }
            let sign_change = u.h().signum() != v.h().signum() || u.h() == 0.0 || v.h() == 0.0;
            if Self::monotone(&u, &v) {
                if sign_change {
                    roots.push(self.root_in(u, v));
                }
                continue;
            }
            let width = v.y - u.y;
            if width <= 1e-9 * u.y.abs().max(1.0) || self.evaluations > SEARCH_BUDGET {
                // Too narrow to certify: a crossing still counts; otherwise a touch of
                // zero (a double root) counts when h is zero to float resolution.
                let m = self.at(0.5 * (u.y + v.y));
                if sign_change {
                    roots.push(self.bisect(u, v));
                } else if m.h().abs() < 1e-10 {
                    roots.push(m.y);
                }
                continue;
            }
            let m = self.at(0.5 * (u.y + v.y));
            // Right half first on the stack, so the left half is handled first.
            stack.push((m, v));
            stack.push((u, m));
        }
    }

    fn bisect(&mut self, a: Point, b: Point) -> f64 {
        let (mut lo, mut hi) = (a, b);
        for _ in 0..100 {
            if lo.h() == 0.0 {
                return lo.y;
            }
            let mid = 0.5 * (lo.y + hi.y);
            if mid <= lo.y || mid >= hi.y {
                break;
            }
            let m = self.at(mid);
            if m.h().signum() == lo.h().signum() {
                lo = m;
            } else {
                hi = m;
            }
        }
        0.5 * (lo.y + hi.y)
    }
}

/// `y` of the rate `RATE_MAX`: rates above it are not searched.
fn y_low() -> f64 {
    -RATE_MAX.ln_1p()
}

/// Where the search starts on the high side of `y` (r + 1 = e^−50 ≈ 2e−22).
const Y_HIGH_START: f64 = 50.0;
/// How far it may extend (r + 1 = e^−51200: −100% to any precision).
const Y_HIGH_LIMIT: f64 = 51_200.0;

fn solve(flows: &[(Date, Decimal)]) -> Irr {
    let merged = merge(flows);
    let Some(&(d0, _)) = merged.first() else {
        return Irr::undefined(IrrStatus::NoSignChange);
    };
    let last = merged.last().expect("non-empty").0;
    let sign_changes = merged
        .windows(2)
        .filter(|w| w[0].1.is_sign_negative() != w[1].1.is_sign_negative())
        .count();
    if sign_changes == 0 {
        return Irr::undefined(IrrStatus::NoSignChange);
    }
    let mut s = Series {
        pos: Side::default(),
        neg: Side::default(),
        sign_low: if merged[0].1.is_sign_negative() {
            -1.0
        } else {
            1.0
        },
        sign_high: if merged[merged.len() - 1].1.is_sign_negative() {
            -1.0
        } else {
            1.0
        },
        evaluations: 0,
    };
    for (d, a) in &merged {
        let t = (*d - d0).num_days() as f64 / DAYS_PER_YEAR;
        let side = if a.is_sign_negative() {
            &mut s.neg
        } else {
            &mut s.pos
        };
        side.t.push(t);
        side.ln_a.push(a.abs().to_f64().unwrap_or(f64::MAX).ln());
    }
    let span_years = (last - d0).num_days() as f64 / DAYS_PER_YEAR;

    let lo = s.at(y_low());
    // Roots above RATE_MAX: certain when h has not yet reached the sign it has at
    // r → ∞ (an odd number lies beyond), or, on a tail where h is provably monotone,
    // exactly when the signs differ.
    let beyond_max = lo.h().signum() != s.sign_low && lo.h() != 0.0;

    let mut roots: Vec<f64> = Vec::new();
    if sign_changes == 1 {
        // h is monotone on the whole line: one root, which is beyond RATE_MAX if h at
        // the low end already has the sign of the high end.
        if !beyond_max {
            let mut hi = s.at(Y_HIGH_START);
            while hi.h().signum() != s.sign_high && hi.y < Y_HIGH_LIMIT {
                hi = s.at(hi.y * 2.0);
            }
            roots.push(s.root_in(lo, hi));
        }
    } else {
        // Extend the high end until the tail beyond it provably holds no root.
        let (t_max_pos, t_max_neg) = (s.pos.t_max(), s.neg.t_max());
        let mut hi = s.at(Y_HIGH_START);
        while hi.y < Y_HIGH_LIMIT {
            let monotone_tail = hi.dphi > t_max_neg || t_max_pos < hi.dpsi;
            if monotone_tail && hi.h().signum() == s.sign_high {
                break;
            }
            hi = s.at(hi.y * 2.0);
        }
        s.isolate(lo, hi, &mut roots);
    }

    // y ascending is r descending; report rates ascending.
    let mut ys = roots;
    // A root the flows imply exactly is reported exactly: when what came back equals
    // what went in (the exact sum is 0), r = 0 solves the equation, so a root the
    // solver places within its tolerance of 0 is that root, not ±1e-13 of float noise.
    if merged.iter().map(|(_, a)| *a).sum::<Decimal>().is_zero() {
        for y in ys.iter_mut().filter(|y| y.abs() <= ZERO_ROOT_TOLERANCE) {
            *y = 0.0;
        }
    }
    ys.sort_by(|a, b| b.partial_cmp(a).expect("finite"));
    ys.dedup_by(|a, b| (*a - *b).abs() <= 1e-9 * a.abs().max(1.0));
    let rates: Vec<f64> = ys.iter().map(|y| (-y).exp_m1()).collect();
    let listed: Vec<Rate> = rates.iter().filter_map(|r| Rate::from_f64(*r)).collect();

    let cumulative = |y: f64| {
        (span_years < 1.0)
            .then(|| Rate::from_f64((-y * span_years).exp_m1()))
            .flatten()
    };
    match ys.len() {
        0 if beyond_max => Irr::undefined(IrrStatus::OutOfRange),
        0 => Irr::undefined(IrrStatus::NoRoot),
        1 if !beyond_max => {
            let status = if span_years < 1.0 {
                IrrStatus::ShortPeriod
            } else {
                IrrStatus::Ok
            };
            Irr {
                rate: listed.first().copied(),
                status,
                roots: listed,
                cumulative: cumulative(ys[0]),
            }
        }
        _ => {
            // Report the root Excel reaches from its default guess; if its Newton
            // iteration would fail, the root nearest that guess.
            // Excel counts time from the first *listed* flow, not the earliest: with
            // several roots that start moves where its Newton iteration lands.
            let listed_first = flows.first().map_or(d0, |(d, _)| *d);
            let pick = excel_newton(&merged, listed_first)
                .and_then(|r| {
                    rates
                        .iter()
                        .position(|x| (x - r).abs() <= 1e-6 * r.abs().max(1.0))
                })
                .unwrap_or_else(|| {
                    let dist = |x: &f64| (x - EXCEL_GUESS).abs();
                    (0..rates.len())
                        .min_by(|a, b| {
                            dist(&rates[*a])
                                .partial_cmp(&dist(&rates[*b]))
                                .expect("finite")
                        })
                        .expect("at least one root")
                });
            Irr {
                rate: Rate::from_f64(rates[pick]),
                status: IrrStatus::MultipleRoots,
                roots: listed,
                cumulative: cumulative(ys[pick]),
            }
        }
    }
}

/// Excel's XIRR iteration: Newton's method on the NPV in `r`, from 0.1, at most 100
/// steps. `None` where Excel would answer #NUM!.
fn excel_newton(merged: &[(Date, Decimal)], d0: Date) -> Option<f64> {
    let flows: Vec<(f64, f64)> = merged
        .iter()
        .map(|(d, a)| {
            (
                (*d - d0).num_days() as f64 / DAYS_PER_YEAR,
                a.to_f64().unwrap_or(0.0),
            )
        })
        .collect();
    let mut r = EXCEL_GUESS;
    for _ in 0..EXCEL_MAX_ITERATIONS {
        if r <= -1.0 || !r.is_finite() {
            return None;
        }
        let (mut f, mut df) = (0.0, 0.0);
        for (t, a) in &flows {
            let v = a * (1.0 + r).powf(-t);
            f += v;
            df -= t * v / (1.0 + r);
        }
        let next = r - f / df;
        if !next.is_finite() {
            return None;
        }
        if (next - r).abs() <= 1e-10 * next.abs().max(1.0) {
            return (next > -1.0).then_some(next);
        }
        r = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::parse_date;
    use std::str::FromStr;

    fn flows(v: &[(&str, &str)]) -> Vec<(Date, Decimal)> {
        v.iter()
            .map(|(d, a)| (parse_date(d).unwrap(), Decimal::from_str(a).unwrap()))
            .collect()
    }
    fn f64_of(r: Option<Rate>) -> f64 {
        r.expect("a rate").0.to_f64().unwrap()
    }

    #[test]
    fn excel_documentation_example() {
        // Microsoft's XIRR page: 0.373362535 (shown to 9 decimals).
        let i = xirr(&flows(&[
            ("2008-01-01", "-10000"),
            ("2008-03-01", "2750"),
            ("2008-10-30", "4250"),
            ("2009-02-15", "3250"),
            ("2009-04-01", "2750"),
        ]));
        assert_eq!(i.status, IrrStatus::Ok);
        assert!((f64_of(i.rate) - 0.373362535).abs() < 1e-8, "{:?}", i.rate);
        assert_eq!(i.roots.len(), 1);
        assert_eq!(i.cumulative, None);
    }

    #[test]
    fn order_of_flows_does_not_matter() {
        // Published 0.1635371584; given here last-first and shuffled.
        let i = xirr(&flows(&[
            ("2018-06-10", "20000"),
            ("2015-10-17", "-3000"),
            ("2015-06-11", "-1000"),
            ("2015-07-21", "-9000"),
        ]));
        assert_eq!(i.status, IrrStatus::Ok);
        assert!(
            (f64_of(i.rate) - 0.1635371584).abs() < 1e-10,
            "{:?}",
            i.rate
        );
    }

    #[test]
    fn leap_year_counts_366_days() {
        // 110/100 over 366 days: 1.1^(365/366) − 1 = 0.0997135859…, not 0.10.
        let i = xirr(&flows(&[("2024-01-01", "-100"), ("2025-01-01", "110")]));
        assert_eq!(i.status, IrrStatus::Ok);
        assert!(
            (f64_of(i.rate) - 0.0997135859).abs() < 1e-10,
            "{:?}",
            i.rate
        );
        assert_eq!(i.rate.unwrap().to_string(), "0.09971358593");
    }

    #[test]
    fn two_roots_are_listed_and_excel_choice_reported() {
        // Years of 365 days, so exponents are exactly 0, 1, 2:
        // −100 + 230x − 132x² = 0 → x = (230 ± 10)/264 → r = 10% or 20%.
        // Newton from 0.1 starts on the 10% root.
        let i = xirr(&flows(&[
            ("2021-01-01", "-100"),
            ("2022-01-01", "230"),
            ("2023-01-01", "-132"),
        ]));
        assert_eq!(i.status, IrrStatus::MultipleRoots);
        let roots: Vec<String> = i.roots.iter().map(|r| r.to_string()).collect();
        assert_eq!(roots, ["0.1", "0.2"]);
        assert_eq!(i.rate.unwrap().to_string(), "0.1");
    }

    #[test]
    fn excel_choice_is_where_newton_lands_not_the_nearest_root() {
        // Roots r = −20% and 50%: x = 1/(1+r) = 1.25 and 2/3, so
        // (x − 1.25)(x − 2/3)·(−12) = −12x² + 23x − 10. The nearer root to the guess
        // 0.1 is −20%, but Newton from 0.1 goes 0.1 → 1.115 → 0.421 → 0.501 → 0.5
        // (worked by hand), so Excel answers 50%.
        let i = xirr(&flows(&[
            ("2021-01-01", "-10"),
            ("2022-01-01", "23"),
            ("2023-01-01", "-12"),
        ]));
        assert_eq!(i.status, IrrStatus::MultipleRoots);
        let roots: Vec<String> = i.roots.iter().map(|r| r.to_string()).collect();
        assert_eq!(roots, ["-0.2", "0.5"]);
        assert_eq!(i.rate.unwrap().to_string(), "0.5");
    }

    #[test]
    fn excel_choice_counts_time_from_the_first_listed_flow() {
        // −100 + 250x − 126x² with x = 1/(1+r) over 2020-01-01 (366 days) and 2021-01-01
        // (365 days): roots near −30% and 80%. Newton from 0.1 counting from 2020-01-01
        // lands on 0.795278617…, counting from 2022-01-01 (listed first) on
        // −0.300435126… (both iterations run independently in Python's floats).
        let sorted = flows(&[
            ("2020-01-01", "-100"),
            ("2021-01-01", "250"),
            ("2022-01-01", "-126"),
        ]);
        let i = xirr(&sorted);
        assert_eq!(i.status, IrrStatus::MultipleRoots);
        assert_eq!(i.rate.unwrap().to_string(), "0.7952786172");
        let last_first = flows(&[
            ("2022-01-01", "-126"),
            ("2020-01-01", "-100"),
            ("2021-01-01", "250"),
        ]);
        let j = xirr(&last_first);
        assert_eq!(j.roots, i.roots);
        assert_eq!(j.rate.unwrap().to_string(), "-0.3004351262");
    }

    #[test]
    fn returning_exactly_what_went_in_is_exactly_zero() {
        // Three payments, then a value equal to their sum (779,271,011.88 +
        // 117,150,753.46 + 217,670,467.56 = 1,114,092,232.90): the float solver alone
        // lands 1e-15 off and reported 0.000000000000001.
        let i = xirr_with_value(
            &flows(&[
                ("2010-08-05", "-779271011.88"),
                ("2007-03-22", "-117150753.46"),
                ("2010-01-17", "-217670467.56"),
            ]),
            parse_date("2013-04-18").unwrap(),
            Decimal::from_str("1114092232.90").unwrap(),
        );
        assert_eq!(i.status, IrrStatus::Ok);
        assert_eq!(i.rate.unwrap().to_string(), "0");
        assert_eq!(i.roots.len(), 1);
        assert_eq!(i.roots[0].to_string(), "0");
    }

    #[test]
    fn one_sign_never_has_an_irr() {
        let i = xirr(&flows(&[("2020-01-01", "-100"), ("2021-01-01", "-50")]));
        assert_eq!(i, Irr::undefined(IrrStatus::NoSignChange));
        assert_eq!(xirr(&[]).status, IrrStatus::NoSignChange);
        // Same-day flows cancelling leave nothing.
        let i = xirr(&flows(&[("2020-01-01", "-100"), ("2020-01-01", "100")]));
        assert_eq!(i.status, IrrStatus::NoSignChange);
    }

    #[test]
    fn sign_changes_without_a_root() {
        // −100 + 50x − 100x² < 0 for every x (discriminant 2500 − 40000 < 0).
        let i = xirr(&flows(&[
            ("2021-01-01", "-100"),
            ("2022-01-01", "50"),
            ("2023-01-01", "-100"),
        ]));
        assert_eq!(i.status, IrrStatus::NoRoot);
        assert_eq!(i.rate, None);
    }

    #[test]
    fn total_loss_only_with_a_zero_value() {
        let paid = flows(&[("2020-01-01", "-100"), ("2020-06-01", "-50")]);
        let as_of = parse_date("2022-12-31").unwrap();
        let i = xirr_with_value(&paid, as_of, Decimal::ZERO);
        assert_eq!(i.status, IrrStatus::TotalLoss);
        assert_eq!(i.rate.unwrap().to_string(), "-1");
        // The same flows with something still held are an ordinary IRR.
        let i = xirr_with_value(&paid, as_of, Decimal::from(150));
        assert_eq!(i.status, IrrStatus::Ok);
    }

    #[test]
    fn short_period_gives_cumulative_return() {
        // −100 on 01-01, +105 on 07-01 (181 days): cumulative 5%; annualised
        // 1.05^(365/181) − 1 = 0.10342…
        let i = xirr(&flows(&[("2021-01-01", "-100"), ("2021-07-01", "105")]));
        assert_eq!(i.status, IrrStatus::ShortPeriod);
        let expected = 1.05f64.powf(365.0 / 181.0) - 1.0;
        assert!((f64_of(i.rate) - expected).abs() < 1e-10);
        assert_eq!(i.cumulative.unwrap().to_string(), "0.05");
    }

    #[test]
    fn absurd_rates_are_out_of_range_not_numbers() {
        // Doubling in one day: 2^365 − 1 ≈ 7.5e109.
        let i = xirr(&flows(&[("2021-01-01", "-100"), ("2021-01-02", "200")]));
        assert_eq!(i.status, IrrStatus::OutOfRange);
        assert_eq!(i.rate, None);
    }

    #[test]
    fn near_total_loss_is_a_real_rate() {
        // 1 yuan back from 1,000,000 after 365 days: r = 1e-6 − 1.
        let i = xirr(&flows(&[("2021-01-01", "-1000000"), ("2022-01-01", "1")]));
        assert_eq!(i.status, IrrStatus::Ok);
        assert_eq!(i.rate.unwrap().to_string(), "-0.999999");
    }

    #[test]
    fn rate_rounding_is_named() {
        assert_eq!(
            Rate::from_f64(0.12345678905).unwrap().to_string(),
            "0.1234567891"
        );
        assert_eq!(Rate::from_f64(-0.5).unwrap().to_string(), "-0.5");
        assert_eq!(Rate::from_f64(1e-17).unwrap().to_string(), "0");
        assert_eq!(Rate::from_f64(f64::NAN), None);
        assert_eq!(
            Rate(Decimal::from_str("0.373362535").unwrap())
                .percent(2)
                .to_string(),
            "37.34"
        );
        assert_eq!(
            Rate(Decimal::from_str("0.000005").unwrap())
                .percent(2)
                .to_string(),
            "0.00"
        );
        assert_eq!(
            Rate(Decimal::from_str("-0.00005").unwrap())
                .percent(2)
                .to_string(),
            "-0.01"
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// NPV at rate r, in plain f64 (an independent, naive evaluation).
        fn npv(fl: &[(Date, Decimal)], r: f64) -> f64 {
            let d0 = fl.iter().map(|f| f.0).min().unwrap();
            fl.iter()
                .map(|(d, a)| {
                    a.to_f64().unwrap() / (1.0 + r).powf((*d - d0).num_days() as f64 / 365.0)
                })
                .sum()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(96))]

            /// Flows that return exactly what went in (any dates, any split, the value
            /// as the last inflow or spread over several) give an IRR of exactly 0.
            #[test]
            fn returning_what_went_in_gives_exactly_zero(
                pays in proptest::collection::vec((0u64..3000, 1i64..100_000_000_000), 1..10),
                backs in proptest::collection::vec((3000u64..6000, 1u32..100), 1..5),
            ) {
                let d0 = parse_date("2005-01-01").unwrap();
                let mut fl: Vec<(Date, Decimal)> = pays
                    .iter()
                    .map(|(day, fen)| (d0 + chrono::Days::new(*day), -Decimal::new(*fen, 2)))
                    .collect();
                let paid: i64 = pays.iter().map(|p| p.1).sum();
                // Split the total paid back in fen by the weights, the rest on the last.
                let weight: i64 = backs.iter().map(|b| b.1 as i64).sum();
                let mut left = paid;
                for (k, (day, w)) in backs.iter().enumerate() {
                    let part = if k + 1 == backs.len() { left } else { paid * *w as i64 / weight };
                    left -= part;
                    if part > 0 {
                        fl.push((d0 + chrono::Days::new(*day), Decimal::new(part, 2)));
                    }
                }
                let i = xirr(&fl);
                // All money out precedes all money back: one sign change, one root.
                prop_assert!(matches!(i.status, IrrStatus::Ok | IrrStatus::ShortPeriod), "{:?}", i);
                prop_assert_eq!(i.rate.unwrap().to_string(), "0");
            }

            /// Payments of known size, then one payout chosen so that the NPV at a chosen
            /// rate is zero: the solver must give that rate back.
            #[test]
            fn recovers_a_planted_rate(
                rate in -0.9f64..3.0,
                pays in proptest::collection::vec((0i64..2000, 1i64..100_000_000), 1..12),
                payout_day in 2000i64..6000,
            ) {
                let d0 = parse_date("2010-01-01").unwrap();
                let mut fl: Vec<(Date, Decimal)> = pays
                    .iter()
                    .map(|(day, fen)| (d0 + chrono::Days::new(*day as u64), -Decimal::new(*fen, 2)))
                    .collect();
                let first = fl.iter().map(|f| f.0).min().unwrap();
                let t_end = (payout_day - (first - d0).num_days()) as f64 / 365.0;
                // Future value at `rate` of every payment, at the payout date.
                let fv: f64 = fl.iter().map(|(d, a)| {
                    let t = (*d - first).num_days() as f64 / 365.0;
                    -a.to_f64().unwrap() * (1.0 + rate).powf(t_end - t)
                }).sum();
                prop_assume!(fv > 1000.0 && fv < 1e15);
                let payout = Decimal::from_f64_retain(fv).unwrap().round_dp(2);
                fl.push((d0 + chrono::Days::new(payout_day as u64), payout));
                let i = xirr(&fl);
                prop_assert!(matches!(i.status, IrrStatus::Ok | IrrStatus::ShortPeriod), "{:?}", i);
                let got = f64_of(i.rate);
                // The payout was rounded to the fen, so allow for that perturbation.
                prop_assert!((got - rate).abs() < 1e-6 * (1.0 + rate.abs()), "got {got}, planted {rate}");
            }

            /// With several sign changes, every listed root zeroes the NPV and no sign
            /// change of the NPV between listed roots goes unreported (checked on a grid).
            #[test]
            fn listed_roots_are_roots_and_none_missed(
                amounts in proptest::collection::vec(-1000i64..1000, 3..9),
            ) {
                let d0 = parse_date("2010-01-01").unwrap();
                let fl: Vec<(Date, Decimal)> = amounts
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| **a != 0)
                    .map(|(k, a)| (d0 + chrono::Days::new(200 * k as u64), Decimal::from(*a)))
                    .collect();
                let i = xirr(&fl);
                let scale: f64 = fl.iter().map(|f| f.1.abs().to_f64().unwrap()).sum();
                // A listed rate is rounded to 10 significant digits, so the true root
                // lies within that rounding of it: the NPV changes sign across it.
                for r in &i.roots {
                    let r = r.0.to_f64().unwrap();
                    let eps = 1e-9 * r.abs() + 1e-14;
                    let (a, b) = (npv(&fl, r - eps), npv(&fl, r + eps));
                    prop_assert!(a.signum() != b.signum() || npv(&fl, r).abs() < 1e-9 * scale,
                        "listed root {r} is not a root: npv {a} .. {b}");
                }
                // Count sign changes of the NPV on a fine grid of rates in (−0.95, 10).
                let grid: Vec<f64> = (0..3000).map(|k| -0.95 + k as f64 * (10.95 / 3000.0)).collect();
                let mut crossings = 0;
                for w in grid.windows(2) {
                    if npv(&fl, w[0]).signum() != npv(&fl, w[1]).signum() {
                        crossings += 1;
                    }
                }
                let listed_in_grid = i.roots.iter()
                    .map(|r| r.0.to_f64().unwrap())
                    .filter(|r| *r > -0.95 && *r < 10.0)
                    .count();
                prop_assert!(listed_in_grid >= crossings, "grid saw {crossings} crossings, solver listed {:?}", i.roots);
            }
        }
    }
}
