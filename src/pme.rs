//! Public-market equivalents: how a fund's LP cash flows compare with putting the same
//! money into an index on the same dates.
//!
//! - Kaplan–Schoar PME (Kaplan & Schoar 2005): every flow is carried to the as-of date
//!   `T` by the index, `Fₜ · I_T / Iₜ`; PME = (Σ carried distributions + NAV) ÷ Σ carried
//!   contributions. Above 1: the fund beat the index. Exact decimal arithmetic, shown
//!   as a [`Ratio`] (4 decimals, half away from zero).
//! - Direct Alpha (Gredil, Griffiths & Stucke 2014): the XIRR of the same carried flows
//!   with NAV at `T`: the annual excess return over the index, with its IRR status.
//!
//! The level used for a date is the last level on or before it (indices do not trade
//! on weekends and holidays). The file must cover the flows: it must start on or
//! before the first flow, and must not end before `T`, so that no stale level stands
//! in for the as-of date.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::date::Date;
use crate::money::Ratio;
use crate::xirr::{xirr_with_value, IrrStatus, Rate};

/// Index levels by date, sorted, unique, positive (see `csvin::read_levels`).
#[derive(Clone, Debug)]
pub struct Benchmark {
    levels: Vec<(Date, Decimal)>,
}

/// Why the file cannot price a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// `date` is before the file's first level `first`.
    StartsAfter { date: Date, first: Date },
    /// The as-of date `as_of` is after the file's last level `last`.
    EndsBefore { as_of: Date, last: Date },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pme {
    pub ks_pme: Option<Ratio>,
    pub direct_alpha: Option<Rate>,
    pub direct_alpha_status: IrrStatus,
}

impl Benchmark {
    /// From sorted, unique, positive levels; `None` if empty.
    pub fn new(levels: Vec<(Date, Decimal)>) -> Option<Benchmark> {
        (!levels.is_empty()).then_some(Benchmark { levels })
    }

    pub fn first(&self) -> Date {
        self.levels[0].0
    }
    pub fn last(&self) -> Date {
        self.levels[self.levels.len() - 1].0
    }

    /// The last level on or before `date`.
    pub fn level_on_or_before(&self, date: Date) -> Option<Decimal> {
        let i = self.levels.partition_point(|(d, _)| *d <= date);
        (i > 0).then(|| self.levels[i - 1].1)
    }

    /// Kaplan–Schoar PME and Direct Alpha of `flows` (LP view: contributions negative,
    /// distributions positive) with `nav` at `as_of`.
    pub fn pme(
        &self,
        flows: &[(Date, Decimal)],
        nav: Decimal,
        as_of: Date,
    ) -> Result<Pme, Coverage> {
        if as_of > self.last() {
            return Err(Coverage::EndsBefore {
                as_of,
                last: self.last(),
            });
        }
        let level = |d: Date| {
            self.level_on_or_before(d).ok_or(Coverage::StartsAfter {
                date: d,
                first: self.first(),
            })
        };
        let end = level(as_of)?;
        let mut sorted: Vec<(Date, Decimal)> = flows.to_vec();
        sorted.sort_by_key(|(d, _)| *d);
        let (mut out, mut back) = (Decimal::ZERO, Decimal::ZERO);
        let mut carried = Vec::with_capacity(sorted.len());
        for (d, a) in sorted {
            let c = a * end / level(d)?;
            if c.is_sign_negative() {
                out -= c;
            } else {
                back += c;
            }
            carried.push((d, c));
        }
        let ks_pme = (!out.is_zero()).then(|| Ratio((back + nav) / out));
        let alpha = xirr_with_value(&carried, as_of, nav);
        Ok(Pme {
            ks_pme,
            direct_alpha: alpha.rate,
            direct_alpha_status: alpha.status,
        })
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
    fn kaplan_schoar_and_direct_alpha_by_hand() {
        // Index 100 on 2021-01-01, 120 on 2022-01-01 (365 days). Contribute 100 at the
        // start, receive 150 at the end, nothing left.
        // KS-PME = 150 / (100 × 120/100) = 1.25.
        // Direct Alpha: carried flows −120 and +150 a year apart → 150/120 − 1 = 0.25.
        let b = Benchmark::new(vec![
            (d("2021-01-01"), Decimal::from(100)),
            (d("2022-01-01"), Decimal::from(120)),
        ])
        .unwrap();
        let flows = [
            (d("2021-01-01"), Decimal::from(-100)),
            (d("2022-01-01"), Decimal::from(150)),
        ];
        let p = b.pme(&flows, Decimal::ZERO, d("2022-01-01")).unwrap();
        assert_eq!(p.ks_pme.unwrap().to_string(), "1.2500");
        assert_eq!(p.direct_alpha.unwrap().to_string(), "0.25");
        assert_eq!(p.direct_alpha_status, IrrStatus::Ok);
    }

    #[test]
    fn level_on_or_before_and_coverage() {
        let b = Benchmark::new(vec![
            (d("2021-01-04"), Decimal::from(100)),
            (d("2021-01-08"), Decimal::from(110)),
        ])
        .unwrap();
        // A Sunday uses Friday's level.
        assert_eq!(
            b.level_on_or_before(d("2021-01-10")),
            Some(Decimal::from(110))
        );
        assert_eq!(b.level_on_or_before(d("2021-01-03")), None);
        let flows = [(d("2021-01-02"), Decimal::from(-1))];
        assert_eq!(
            b.pme(&flows, Decimal::ONE, d("2021-01-08")),
            Err(Coverage::StartsAfter {
                date: d("2021-01-02"),
                first: d("2021-01-04")
            })
        );
        assert_eq!(
            b.pme(&[], Decimal::ONE, d("2021-01-09")),
            Err(Coverage::EndsBefore {
                as_of: d("2021-01-09"),
                last: d("2021-01-08")
            })
        );
    }
}
