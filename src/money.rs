//! Exact money: parsing what finance officers type, storing fen, showing 元/万元/亿元.
//!
//! Why a newtype and not a bare `Decimal`: every amount in the ledger is exact to the
//! fen (0.01 元). Holding that as a type invariant means no code path can carry a
//! sub-fen amount into storage, and the only rounding in the crate happens in the
//! functions named here, with the strategy spelled out.
//!
//! Architecture Invariant: no binary floating-point value ever touches a `Money`. Storage sees only
//! `i64` fen (see [`Money::fen`]).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Serialize, Serializer};

/// Amounts are exact to the fen: at most two decimals of a yuan.
pub const YUAN_DP: u32 = 2;

/// The rounding used wherever a figure is rounded *for display* (tables, CSV, unit
/// conversion to 万元/亿元, ratios): half away from zero, as Chinese finance reports and
/// Excel's ROUND do. Never rust_decimal's default (banker's) rounding.
pub const DISPLAY_ROUNDING: RoundingStrategy = RoundingStrategy::MidpointAwayFromZero;

/// Largest single amount accepted as input: 10 trillion yuan (10万亿元), far above any
/// real fund, small enough that millions of them sum without overflow in `i64` fen.
pub const MAX_INPUT_YUAN: i64 = 10_000_000_000_000;

/// An exact amount of money in yuan, never more precise than a fen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

/// Why an amount string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("amount is empty")]
    Empty,
    #[error("amount '{0}' is negative; amounts are entered as positive figures (use `reverse` to correct an entry)")]
    Negative(String),
    #[error("amount '{0}' is not a number this ledger reads (examples: 80950000, 80,950,000.00, 8095万, 8,095万元, 0.8095亿, ¥80,950,000)")]
    Malformed(String),
    #[error("amount '{input}' is {yuan} yuan, more precise than a fen (0.01 元); it is refused rather than rounded")]
    TooPrecise { input: String, yuan: String },
    #[error("amount '{0}' is larger than the largest amount accepted (10万亿元 = 10,000,000,000,000 元)")]
    OutOfRange(String),
}

/// The unit money is shown in. Input may use any unit; storage is always fen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Unit {
    #[default]
    Yuan,
    Wan,
    Yi,
}

impl Unit {
    pub fn factor(self) -> Decimal {
        match self {
            Unit::Yuan => Decimal::ONE,
            Unit::Wan => Decimal::from(10_000),
            Unit::Yi => Decimal::from(100_000_000),
        }
    }
    /// The label used in column headers.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Yuan => "元",
            Unit::Wan => "万元",
            Unit::Yi => "亿元",
        }
    }
}

impl FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "yuan" | "元" => Ok(Unit::Yuan),
            "wan" | "万" | "万元" => Ok(Unit::Wan),
            "yi" | "亿" | "亿元" => Ok(Unit::Yi),
            _ => Err(format!("unknown unit '{s}' (use yuan, wan or yi)")),
        }
    }
}

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// From integer fen, as stored in SQLite.
    pub fn from_fen(fen: i64) -> Money {
        Money(Decimal::new(fen, YUAN_DP))
    }

    /// From a decimal yuan amount; `None` if it is more precise than a fen.
    pub fn from_yuan(d: Decimal) -> Option<Money> {
        let n = d.normalize();
        (n.scale() <= YUAN_DP).then_some(Money(n))
    }

    /// From whole yuan.
    pub fn yuan(y: i64) -> Money {
        Money(Decimal::from(y))
    }

    /// Integer fen for storage. Exact by the type invariant; panics only if the amount
    /// exceeds `i64` fen (about 9.2e16 yuan), which input limits make unreachable.
    pub fn fen(self) -> i64 {
        use rust_decimal::prelude::ToPrimitive;
        let f = self.0 * Decimal::ONE_HUNDRED;
        debug_assert!(f.fract().is_zero());
        f.to_i64().expect("money out of i64 fen range")
    }

    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }
    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }
    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }
    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    /// Exact yuan with exactly two decimals, no separators: `80950000.00`. Used in JSON.
    pub fn to_plain(self) -> String {
        let mut d = self.0;
        d.rescale(YUAN_DP);
        d.to_string()
    }

    /// The amount in `unit`, rounded to 2 decimals half away from zero (the only
    /// display rounding; exact for 元).
    pub fn in_unit(self, unit: Unit) -> Decimal {
        let mut d = (self.0 / unit.factor()).round_dp_with_strategy(2, DISPLAY_ROUNDING);
        d.rescale(2);
        d
    }

    /// For tables: the amount in `unit` with thousands separators: `8,095.00`.
    pub fn display_in(self, unit: Unit) -> String {
        group_thousands(&self.in_unit(unit).to_string())
    }

    /// For CSV: the amount in `unit`, 2 decimals, no separators (Excel reads it as a number).
    pub fn plain_in(self, unit: Unit) -> String {
        self.in_unit(unit).to_string()
    }

    /// An amount computed from rates or shares (interest, an installment, a subsidy,
    /// an average), rounded to the fen half away from zero ([`DISPLAY_ROUNDING`]). The
    /// loan schedule's rounding points all go through here.
    pub fn round_fen(d: Decimal) -> Money {
        Money(d.round_dp_with_strategy(YUAN_DP, DISPLAY_ROUNDING))
    }

    /// Multiply by an exact factor (a share, a weight) and round to the fen half away
    /// from zero. The name says where rounding happens.
    pub fn mul_round_fen(self, factor: Decimal) -> Money {
        Money((self.0 * factor).round_dp_with_strategy(YUAN_DP, DISPLAY_ROUNDING))
    }

    /// `self × num ÷ den`, rounded once to the fen half away from zero
    /// ([`DISPLAY_ROUNDING`]): a pro-rata part of an amount, e.g. a guidance fund's
    /// look-through share of a sub-fund's holding. Integer arithmetic in fen until that one
    /// rounding, so no intermediate decimal is truncated. `None` when `den` is zero or the
    /// result would not fit.
    pub fn pro_rata(self, num: Money, den: Money) -> Option<Money> {
        let den = i128::from(den.fen());
        if den == 0 {
            return None;
        }
        let a = i128::from(self.fen()) * i128::from(num.fen());
        let (mut q, r) = (a / den, a % den);
        if 2 * r.abs() >= den.abs() {
            q += if (a < 0) == (den < 0) { 1 } else { -1 };
        }
        i64::try_from(q).ok().map(Money::from_fen)
    }
}

/// Insert thousands separators into a plain decimal string (`-1234567.50` → `-1,234,567.50`).
pub fn group_thousands(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    let mut r = format!("{sign}{out}");
    if let Some(f) = frac {
        r.push('.');
        r.push_str(f);
    }
    r
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", group_thousands(&self.to_plain()))
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_plain())
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, o: Money) -> Money {
        Money(self.0 + o.0)
    }
}
impl Sub for Money {
    type Output = Money;
    fn sub(self, o: Money) -> Money {
        Money(self.0 - o.0)
    }
}
impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}
impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, o: Money) {
        self.0 += o.0;
    }
}
impl std::ops::SubAssign for Money {
    fn sub_assign(&mut self, o: Money) {
        self.0 -= o.0;
    }
}
impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}
impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, |a, b| a + *b)
    }
}

/// Parse an amount as typed by a finance officer.
///
/// Accepted: `80950000`, `80,950,000.00`, `8095万`, `8,095万元`, `0.8095亿`, `¥80,950,000`,
/// `80950000元`, full-width `￥`. Refused: exponents (`1e5`), signs, anything more
/// precise than a fen after applying the unit (`12.345`, `0.0000001万`), misplaced
/// thousands separators (`8,09,5`), empty strings, and amounts over [`MAX_INPUT_YUAN`].
/// Zero parses (a rule elsewhere decides whether zero is allowed).
pub fn parse_amount(input: &str) -> Result<Money, AmountError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    let malformed = || AmountError::Malformed(input.to_string());
    let mut body = s;
    for prefix in ["¥", "￥", "RMB", "CNY"] {
        if let Some(r) = body.strip_prefix(prefix) {
            body = r.trim_start();
            break;
        }
    }
    if body.starts_with('-') || body.starts_with('−') {
        return Err(AmountError::Negative(input.to_string()));
    }
    let mut factor = Decimal::ONE;
    for (suffix, f) in [
        ("万亿元", 1_000_000_000_000i64),
        ("万亿", 1_000_000_000_000),
        ("亿元", 100_000_000),
        ("万元", 10_000),
        ("亿", 100_000_000),
        ("万", 10_000),
        ("元", 1),
    ] {
        if let Some(r) = body.strip_suffix(suffix) {
            body = r.trim_end();
            factor = Decimal::from(f);
            break;
        }
    }
    if body.is_empty() {
        return Err(malformed());
    }
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int.is_empty() || frac.is_some_and(|f| f.is_empty()) {
        return Err(malformed());
    }
    if let Some(f) = frac {
        if !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
    }
    let digits: String = if int.contains(',') {
        let groups: Vec<&str> = int.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return Err(malformed());
        }
        groups.concat()
    } else {
        int.to_string()
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    // Bound the length before handing it to Decimal so nothing rounds silently
    // (Decimal::from_str rounds past 28 digits; from_str_exact refuses instead).
    let int_digits = digits.trim_start_matches('0');
    if int_digits.len() > 15 || frac.is_some_and(|f| f.len() > 20) {
        return Err(AmountError::OutOfRange(input.to_string()));
    }
    let text = match frac {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    let d = Decimal::from_str_exact(&text).map_err(|_| malformed())?;
    let yuan = d
        .checked_mul(factor)
        .ok_or_else(|| AmountError::OutOfRange(input.to_string()))?;
    if yuan > Decimal::from(MAX_INPUT_YUAN) {
        return Err(AmountError::OutOfRange(input.to_string()));
    }
    Money::from_yuan(yuan).ok_or_else(|| AmountError::TooPrecise {
        input: input.to_string(),
        yuan: yuan.normalize().to_string(),
    })
}

impl FromStr for Money {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_amount(s)
    }
}

/// A dimensionless ratio or multiple (paid-in ratio, MOIC, leverage). Exact in memory;
/// shown with [`RATIO_DP`] decimals rounded half away from zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ratio(pub Decimal);

/// Decimals shown for ratios and multiples in every format.
pub const RATIO_DP: u32 = 4;

impl Ratio {
    /// `num ÷ den`, or `None` when the denominator is zero (undefined, never 0 or ∞).
    pub fn of(num: Money, den: Money) -> Option<Ratio> {
        if den.is_zero() {
            None
        } else {
            Some(Ratio(num.as_decimal() / den.as_decimal()))
        }
    }
    pub fn rounded(self) -> Decimal {
        let mut d = self.0.round_dp_with_strategy(RATIO_DP, DISPLAY_ROUNDING);
        d.rescale(RATIO_DP);
        d
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.rounded())
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rounded().to_string())
    }
}

/// Split `total` pro rata to `weights`, to the fen, so that the parts add up exactly to
/// `total`: each part is first rounded down (toward zero) to the fen, then the fen left
/// over go one each to the largest remainders (ties to the earlier weight). This is
/// the largest-remainder method; a part never differs from its exact share by a fen or
/// more. `None` when the weights are negative or sum to zero (no share is defined), or
/// the figures exceed `i128` fen.
pub fn allocate_pro_rata(total: Money, weights: &[Money]) -> Option<Vec<Money>> {
    let w: Vec<i128> = weights.iter().map(|m| i128::from(m.fen())).collect();
    if w.iter().any(|x| *x < 0) {
        return None;
    }
    let sum: i128 = w.iter().sum();
    if sum == 0 {
        return None;
    }
    let t = i128::from(total.fen());
    let magnitude = t.abs();
    let mut parts = Vec::with_capacity(w.len());
    let mut remainders = Vec::with_capacity(w.len());
    for x in &w {
        let p = magnitude.checked_mul(*x)?;
        parts.push(p / sum);
        remainders.push(p % sum);
    }
    let left = magnitude - parts.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..w.len()).collect();
    order.sort_by(|a, b| remainders[*b].cmp(&remainders[*a]).then(a.cmp(b)));
    for i in order.into_iter().take(usize::try_from(left).ok()?) {
        parts[i] += 1;
    }
    let sign = if t < 0 { -1 } else { 1 };
    parts
        .into_iter()
        .map(|p| i64::try_from(sign * p).ok().map(Money::from_fen))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn y(s: &str) -> String {
        parse_amount(s).unwrap().to_plain()
    }

    #[test]
    fn accepts_the_formats_officers_type() {
        // 8,095万元 = 8,095 × 10,000 = 80,950,000 元 in every spelling.
        for s in [
            "80950000",
            "80,950,000.00",
            "8095万",
            "8,095万元",
            "0.8095亿",
            "¥80,950,000",
            "￥80950000元",
            " 80950000.0 ",
        ] {
            assert_eq!(y(s), "80950000.00", "{s}");
        }
        assert_eq!(y("0.01"), "0.01");
        assert_eq!(y("1.5万"), "15000.00");
        // 0.000001万 = 0.000001 × 10,000 = 0.01 元: exactly one fen, so it is exact.
        assert_eq!(y("0.000001万"), "0.01");
        assert_eq!(y("0"), "0.00");
    }

    #[test]
    fn refuses_what_it_cannot_take_exactly() {
        assert!(matches!(
            parse_amount("1e5"),
            Err(AmountError::Malformed(_))
        ));
        assert!(matches!(
            parse_amount("12.345"),
            Err(AmountError::TooPrecise { .. })
        ));
        // 0.0000001万 = 0.001 元: below a fen.
        assert!(matches!(
            parse_amount("0.0000001万"),
            Err(AmountError::TooPrecise { .. })
        ));
        assert!(matches!(parse_amount("-5"), Err(AmountError::Negative(_))));
        assert!(matches!(parse_amount(""), Err(AmountError::Empty)));
        assert!(matches!(parse_amount("   "), Err(AmountError::Empty)));
        for bad in [
            "abc",
            "1,2345",
            "12,34,567",
            ",123",
            "1.",
            ".5",
            "1..2",
            "万",
            "1.2.3",
            "1 000",
            "+5",
            "0x10",
            "1,000.5,0",
        ] {
            assert!(
                matches!(parse_amount(bad), Err(AmountError::Malformed(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_amount("10000000000001"),
            Err(AmountError::OutOfRange(_))
        ));
        assert!(matches!(
            parse_amount("100001亿"),
            Err(AmountError::OutOfRange(_))
        ));
        assert!(matches!(
            parse_amount("99999999999999999999999999999999"),
            Err(AmountError::OutOfRange(_))
        ));
        assert_eq!(y("10000000000000"), "10000000000000.00");
        // The limit as the refusal names it is itself accepted, and one fen more is not.
        assert_eq!(y("10万亿"), "10000000000000.00");
        assert_eq!(y("10万亿元"), "10000000000000.00");
        assert_eq!(y("0.5万亿"), "500000000000.00");
        assert!(matches!(
            parse_amount("10.0000000000001万亿"),
            Err(AmountError::OutOfRange(_))
        ));
    }

    #[test]
    fn fen_round_trip_and_units() {
        let m = parse_amount("8,095万").unwrap();
        assert_eq!(m.fen(), 8_095_000_000);
        assert_eq!(Money::from_fen(8_095_000_000), m);
        assert_eq!(m.display_in(Unit::Wan), "8,095.00");
        assert_eq!(m.display_in(Unit::Yi), "0.81");
        assert_eq!(m.plain_in(Unit::Yi), "0.81");
        assert_eq!(m.display_in(Unit::Yuan), "80,950,000.00");
        // 0.005万 = 50 元 → 0.005 → shown 0.01 万元 (half away from zero, not banker's 0.00).
        assert_eq!(Money::yuan(50).display_in(Unit::Wan), "0.01");
        assert_eq!(Money::yuan(150).display_in(Unit::Wan), "0.02");
        assert_eq!((-Money::yuan(50)).display_in(Unit::Wan), "-0.01");
        assert_eq!(Money::from_fen(-123456789).to_string(), "-1,234,567.89");
    }

    #[test]
    fn round_fen_is_half_away_from_zero() {
        // 0.125 → 0.13 (banker's rounding would give 0.12); −0.125 → −0.13.
        assert_eq!(Money::round_fen(Decimal::new(125, 3)).to_plain(), "0.13");
        assert_eq!(Money::round_fen(Decimal::new(-125, 3)).to_plain(), "-0.13");
        assert_eq!(Money::round_fen(Decimal::new(1234, 4)).to_plain(), "0.12");
    }

    #[test]
    fn pro_rata_rounds_once_half_away() {
        // 0.03 × 5 ÷ 6 = 0.025 exactly → 0.03 (half away), where a decimal 5/6 =
        // 0.8333… would have given 0.02499… → 0.02.
        assert_eq!(
            Money::from_fen(3).pro_rata(Money::yuan(5), Money::yuan(6)),
            Some(Money::from_fen(3))
        );
        // 48,000,000 × 34,400,000 ÷ 43,000,000 = 38,400,000 exactly.
        let lt = Money::yuan(48_000_000).pro_rata(Money::yuan(34_400_000), Money::yuan(43_000_000));
        assert_eq!(lt, Some(Money::yuan(38_400_000)));
        // 100 × 1 ÷ 3 = 33.333… → 33.33; 200 × 1 ÷ 3 = 66.666… → 66.67.
        assert_eq!(
            Money::yuan(100).pro_rata(Money::yuan(1), Money::yuan(3)),
            Some(Money::from_fen(3333))
        );
        assert_eq!(
            Money::yuan(200).pro_rata(Money::yuan(1), Money::yuan(3)),
            Some(Money::from_fen(6667))
        );
        assert_eq!(
            (-Money::from_fen(3)).pro_rata(Money::yuan(5), Money::yuan(6)),
            Some(-Money::from_fen(3))
        );
        assert_eq!(Money::yuan(1).pro_rata(Money::yuan(1), Money::ZERO), None);
    }

    #[test]
    fn ratios_undefined_on_zero_and_rounded_half_away() {
        assert_eq!(Ratio::of(Money::yuan(1), Money::ZERO), None);
        // 8095 / 9785 = 0.827286... → 0.8273
        let r = Ratio::of(Money::yuan(8095), Money::yuan(9785)).unwrap();
        assert_eq!(r.to_string(), "0.8273");
        // 13624 / 5982 = 2.277499... → 2.2775
        let r = Ratio::of(Money::yuan(13624), Money::yuan(5982)).unwrap();
        assert_eq!(r.to_string(), "2.2775");
        // 1/8 = 0.125 exactly at 3 dp; 0.00005 → 0.0001 (away from zero)
        let r = Ratio::of(Money::from_fen(5), Money::yuan(1000)).unwrap();
        assert_eq!(r.to_string(), "0.0001");
    }

    #[test]
    fn pro_rata_parts_add_up_exactly() {
        // 100.00 over weights 1:1:1 → exact 33.333…: 33.33 each, the last fen to the
        // first (equal remainders, earlier weight first): 33.34 + 33.33 + 33.33.
        let p = allocate_pro_rata(
            Money::yuan(100),
            &[Money::yuan(1), Money::yuan(1), Money::yuan(1)],
        )
        .unwrap();
        assert_eq!(
            p,
            vec![
                Money::from_fen(3334),
                Money::from_fen(3333),
                Money::from_fen(3333)
            ]
        );
        // 5,000万 over 3,440 : 516 : 344 (the example sub-fund) = 4,000万, 600万, 400万 exactly.
        let p = allocate_pro_rata(
            Money::yuan(50_000_000),
            &[
                Money::yuan(34_400_000),
                Money::yuan(5_160_000),
                Money::yuan(3_440_000),
            ],
        )
        .unwrap();
        assert_eq!(
            p,
            vec![
                Money::yuan(40_000_000),
                Money::yuan(6_000_000),
                Money::yuan(4_000_000)
            ]
        );
        // 5 fen over 2:1 → exact 3.33… and 1.66… fen: floors 3 and 1, and the fen left
        // goes to the second (remainder 0.67 fen beats 0.33): 0.03 + 0.02.
        let p = allocate_pro_rata(Money::from_fen(5), &[Money::yuan(2), Money::yuan(1)]).unwrap();
        assert_eq!(p, vec![Money::from_fen(3), Money::from_fen(2)]);
        // Negative totals split symmetrically.
        let p = allocate_pro_rata(Money::from_fen(-5), &[Money::yuan(2), Money::yuan(1)]).unwrap();
        assert_eq!(p, vec![Money::from_fen(-3), Money::from_fen(-2)]);
        assert_eq!(allocate_pro_rata(Money::yuan(1), &[Money::ZERO]), None);
        assert_eq!(allocate_pro_rata(Money::yuan(1), &[]), None);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// Any fen amount printed in any unit's exact form parses back to itself.
        #[test]
        fn plain_yuan_round_trips(fen in 0i64..=1_000_000_000_000_000) {
            let m = Money::from_fen(fen);
            prop_assert_eq!(parse_amount(&m.to_plain()).unwrap(), m);
            prop_assert_eq!(parse_amount(&m.to_string()).unwrap(), m);
            prop_assert_eq!(m.fen(), fen);
        }

        /// 万 input with up to 6 decimals is exact; the 万元 display is the same
        /// amount rounded half away from zero to 0.01 万元.
        #[test]
        fn wan_input_is_exact(whole in 0i64..100_000_000, frac in 0u32..1_000_000) {
            let s = format!("{whole}.{frac:06}万");
            let m = parse_amount(&s).unwrap();
            // whole.frac 万 = whole × 10,000 + frac / 100 元, i.e. whole × 1,000,000 + frac fen.
            prop_assert_eq!(m.fen(), whole * 1_000_000 + i64::from(frac));
            let shown: Decimal = m.display_in(Unit::Wan).replace(',', "").parse().unwrap();
            let exact = m.as_decimal() / Decimal::from(10_000);
            prop_assert!((shown - exact).abs() <= Decimal::new(5, 3));
        }

        /// A seventh decimal of 万 is finer than a fen and is always refused.
        #[test]
        fn sub_fen_wan_refused(whole in 0i64..1000, frac in 1u32..10) {
            let s = format!("{whole}.000000{frac}万");
            prop_assert!(matches!(parse_amount(&s), Err(AmountError::TooPrecise { .. })), "{}", s);
        }
    }

    #[test]
    fn a_million_small_amounts_sum_exactly() {
        // 1,000,000 × 0.01 元 = 10,000.00 元 exactly; and 1,000,000 × 0.07 = 70,000.00
        // (0.07 has no exact binary float, so a float sum would drift).
        let cent: Money = (0..1_000_000).map(|_| parse_amount("0.01").unwrap()).sum();
        assert_eq!(cent, Money::yuan(10_000));
        let seven: Money = std::iter::repeat_n(Money::from_fen(7), 1_000_000).sum();
        assert_eq!(seven.to_plain(), "70000.00");
    }
}
