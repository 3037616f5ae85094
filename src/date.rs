//! Dates as finance officers write them: `2021-03-01`, `2021/3/1`, `2021年3月1日`.
//!
//! The ledger stores ISO `YYYY-MM-DD` text (SQLite's `date()` checks it); an impossible
//! calendar date such as `2021-02-30` is refused, never rolled over.

use chrono::NaiveDate;

pub type Date = NaiveDate;

/// The first and last dates the ledger accepts. Before 1900 Excel's serial dates (and
/// its fictitious 1900-02-29) disagree with the calendar; four-digit years end at 9999.
pub const FIRST_DATE: &str = "1900-01-01";
pub const LAST_DATE: &str = "9999-12-31";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("date '{0}' is not a valid calendar date (use 2021-03-01, 2021/3/1 or 2021年3月1日)")]
    Invalid(String),
    #[error("date '{0}' is outside the dates this ledger accepts ({FIRST_DATE} to {LAST_DATE})")]
    OutOfRange(String),
}

pub fn parse_date(input: &str) -> Result<Date, DateError> {
    let s = input.trim();
    let err = || DateError::Invalid(input.to_string());
    let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(err)?;
        let (m, d) = rest.split_once('月').ok_or_else(err)?;
        vec![y, m, d]
    } else if s.contains('/') {
        s.split('/').collect()
    } else {
        s.split('-').collect()
    };
    if parts.len() != 3 || parts[0].len() != 4 {
        return Err(err());
    }
    let num = |p: &str, max_len: usize| -> Result<u32, DateError> {
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        p.parse().map_err(|_| err())
    };
    let (y, m, d) = (num(parts[0], 4)?, num(parts[1], 2)?, num(parts[2], 2)?);
    let date = NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(err)?;
    if y < 1900 {
        return Err(DateError::OutOfRange(input.to_string()));
    }
    Ok(date)
}

/// Today in local time, unless `FUNDLEDGER_TODAY` pins an earlier day (to reproduce a
/// past report, to rebuild the example ledger, in tests). A pinned day is never later
/// than the real date: the variable cannot make the ledger accept entries dated in the
/// future (the CLI refuses such a setting, exit 2; here it is ignored).
pub fn today() -> Date {
    // Read once per process: every row of an import asks, and the local clock and
    // time zone are not free. A run that spans midnight keeps the day it started on,
    // as its transaction keeps one `recorded_at`.
    static TODAY: std::sync::OnceLock<Date> = std::sync::OnceLock::new();
    *TODAY.get_or_init(|| pinned_today().ok().flatten().unwrap_or_else(real_today))
}

/// The real date on this computer's clock, in local time.
pub fn real_today() -> Date {
    chrono::Local::now().date_naive()
}

/// `FUNDLEDGER_TODAY` if set: `Ok(Some(day))` for a date not after the real date,
/// `Err` naming the problem for anything else, `Ok(None)` when unset or empty.
pub fn pinned_today() -> Result<Option<Date>, String> {
    let Some(s) = std::env::var("FUNDLEDGER_TODAY")
        .ok()
        .filter(|s| !s.trim().is_empty())
    else {
        return Ok(None);
    };
    let d = parse_date(&s).map_err(|e| format!("FUNDLEDGER_TODAY: {e}"))?;
    let real = real_today();
    if d > real {
        return Err(format!(
            "FUNDLEDGER_TODAY={s} is after the real date ({real}); it can only pin an earlier day \
             (to reproduce a past report), never let the ledger record the future"
        ));
    }
    Ok(Some(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let d = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
        for s in [
            "2021-03-01",
            "2021/3/1",
            "2021/03/01",
            "2021年3月1日",
            "2021-3-1",
        ] {
            assert_eq!(parse_date(s).unwrap(), d, "{s}");
        }
        assert_eq!(parse_date("2024-02-29").unwrap().to_string(), "2024-02-29");
    }

    #[test]
    fn refusals() {
        for s in [
            "2021-02-30",
            "2023-02-29",
            "2021-13-01",
            "21-03-01",
            "2021-03",
            "",
            "2021-03-01x",
            "1e5",
            "2021年3月1",
        ] {
            assert_eq!(parse_date(s), Err(DateError::Invalid(s.into())), "{s}");
        }
        // A real date before 1900 is named as out of range, not as no date at all.
        for s in ["0999-01-01", "1899-12-31", "1066年10月14日"] {
            let e = parse_date(s).unwrap_err();
            assert_eq!(e, DateError::OutOfRange(s.into()));
            assert!(e.to_string().contains("1900-01-01 to 9999-12-31"), "{e}");
        }
        assert!(parse_date("1900-01-01").is_ok());
    }
}
