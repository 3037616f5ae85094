//! Reading the small CSV files auditors hand the ledger: dated cash flows for
//! `calc xirr` (`date,amount`) and index levels for `--benchmark` (`date,level`).
//!
//! Pure: takes the file's text. Fields may be quoted (RFC 4180, so `"80,950,000.00"`
//! works); a UTF-8 byte-order mark (Excel's "CSV UTF-8") is ignored; blank lines are
//! skipped. An optional first line is a header only if it names exactly the expected
//! columns: a mistyped first data line is an error, never silently dropped.

use rust_decimal::Decimal;

use crate::date::{parse_date, Date};
use crate::error::{Error, Result};
use crate::money::parse_amount;

fn bad(line: usize, message: impl std::fmt::Display) -> Error {
    Error::refused("bad-csv", format!("line {line}: {message}"))
}

/// Split one line into fields.
fn fields(line: usize, text: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cur.push(c),
            (false, '"') if cur.trim().is_empty() && !was_quoted => {
                cur.clear();
                quoted = true;
                was_quoted = true;
            }
            (false, ',') => {
                out.push(std::mem::take(&mut cur).trim().to_string());
                was_quoted = false;
            }
            (false, c) => cur.push(c),
        }
    }
    if quoted {
        return Err(bad(line, "a quoted field is not closed"));
    }
    out.push(cur.trim().to_string());
    Ok(out)
}

/// Records of exactly two fields, with line numbers, header skipped.
fn pairs(text: &str, header: [&str; 2]) -> Result<Vec<(usize, String, String)>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let f = fields(line, raw.trim_end_matches('\r'))?;
        if f.len() != 2 {
            return Err(bad(
                line,
                format!(
                    "expected 2 fields ({},{}), found {}",
                    header[0],
                    header[1],
                    f.len()
                ),
            ));
        }
        if out.is_empty()
            && f[0].eq_ignore_ascii_case(header[0])
            && f[1].eq_ignore_ascii_case(header[1])
        {
            continue;
        }
        let mut f = f.into_iter();
        let (a, b) = (f.next().unwrap_or_default(), f.next().unwrap_or_default());
        out.push((line, a, b));
    }
    Ok(out)
}

fn date_at(line: usize, s: &str) -> Result<Date> {
    parse_date(s).map_err(|e| bad(line, e))
}

/// `date,amount` rows; amounts in any format the CLI accepts, with a leading minus for
/// money going out. Zero amounts are kept (they do not move an IRR).
pub fn read_flows(text: &str) -> Result<Vec<(Date, Decimal)>> {
    let rows = pairs(text, ["date", "amount"])?;
    if rows.is_empty() {
        return Err(Error::refused(
            "bad-csv",
            "the file has no flows (expected lines of date,amount)",
        ));
    }
    rows.into_iter()
        .map(|(line, d, a)| {
            let date = date_at(line, &d)?;
            let (negative, body) = match a.strip_prefix('-').or_else(|| a.strip_prefix('−')) {
                Some(rest) => (true, rest),
                None => (false, a.as_str()),
            };
            let m = parse_amount(body).map_err(|e| bad(line, e))?;
            let v = m.as_decimal();
            Ok((date, if negative { -v } else { v }))
        })
        .collect()
}

/// `date,level` rows of a public-market index: levels are positive plain decimals;
/// dates unique. Returned sorted by date.
pub fn read_levels(text: &str) -> Result<Vec<(Date, Decimal)>> {
    let rows = pairs(text, ["date", "level"])?;
    if rows.is_empty() {
        return Err(Error::refused(
            "bad-csv",
            "the benchmark file has no levels (expected lines of date,level)",
        ));
    }
    let mut out = Vec::with_capacity(rows.len());
    for (line, d, l) in rows {
        let date = date_at(line, &d)?;
        let level = Decimal::from_str_exact(&l).map_err(|_| {
            bad(
                line,
                format!("level '{l}' is not a plain decimal number (e.g. 3245.67)"),
            )
        })?;
        if level <= Decimal::ZERO {
            return Err(bad(line, format!("level '{l}' must be greater than 0")));
        }
        out.push((line, date, level));
    }
    out.sort_by_key(|(_, d, _)| *d);
    if let Some(w) = out.windows(2).find(|w| w[0].1 == w[1].1) {
        return Err(bad(
            w[1].0,
            format!("{} appears twice (also on line {})", w[1].1, w[0].0),
        ));
    }
    Ok(out.into_iter().map(|(_, d, l)| (d, l)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flows_in_officers_formats() {
        let text = "\u{feff}date,amount\r\n2008-01-01,-10000\r\n2008/3/1,\"2,750.00\"\n\n2009年4月1日,0.275万\n2009-05-01,−1\n";
        let f = read_flows(text).unwrap();
        let got: Vec<String> = f.iter().map(|(d, a)| format!("{d} {a}")).collect();
        assert_eq!(
            got,
            [
                "2008-01-01 -10000",
                "2008-03-01 2750",
                "2009-04-01 2750",
                "2009-05-01 -1"
            ]
        );
    }

    #[test]
    fn flows_refused_with_the_line() {
        for (text, needle) in [
            ("2008-01-01,-1e4", "line 1"),
            ("date,amount\n2008-01-01,100\n2008-02-30,1", "line 3"),
            ("dates,amount\n2008-01-01,1", "line 1"),
            ("2008-01-01,1,2", "expected 2 fields"),
            ("2008-01-01,\"1", "not closed"),
            ("2008-01-01,12.345", "more precise than a fen"),
            ("", "no flows"),
            ("date,amount\n", "no flows"),
        ] {
            let e = read_flows(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn levels_sorted_positive_unique() {
        let l = read_levels("date,level\n2020-02-01,101.5\n2020-01-01,100\n").unwrap();
        assert_eq!(l[0].1, Decimal::from(100));
        assert!(read_levels("2020-01-01,0")
            .unwrap_err()
            .to_string()
            .contains("greater than 0"));
        assert!(read_levels("2020-01-01,1\n2020-01-01,2")
            .unwrap_err()
            .to_string()
            .contains("appears twice"));
        assert!(read_levels("2020-01-01,abc")
            .unwrap_err()
            .to_string()
            .contains("plain decimal"));
    }
}
