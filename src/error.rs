//! One error type for the library. Every refusal names its rule with a stable code so
//! that tests, scripts and auditors can match on it, and carries a message that names
//! the record and the figures involved.

use crate::date::DateError;
use crate::money::AmountError;
use crate::uscc::UsccError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a ledger rule. Nothing was written.
    #[error("refused [{rule}]: {message}")]
    Refused { rule: &'static str, message: String },
    #[error(transparent)]
    Amount(#[from] AmountError),
    #[error(transparent)]
    Date(#[from] DateError),
    #[error(transparent)]
    Uscc(#[from] UsccError),
    /// The ledger file itself cannot be used (missing, newer schema, not a ledger).
    #[error("{0}")]
    Ledger(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    /// What a PostgreSQL server said, with its SQLSTATE (store/pg).
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    /// A stored row that cannot be read as what it should hold: changed outside
    /// fundledger (`audit` reports it as a `bad-row` finding).
    #[error("{0}")]
    BadRow(BadRow),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// An import with bad rows: every one is listed; nothing was written.
    #[error("{message}")]
    Rows {
        message: String,
        rows: Vec<RowProblem>,
    },
}

/// One problem with one row of an imported file: the row (1-based line of the file,
/// the header being row 1), the column, the value and the reason.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub row: usize,
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column.is_empty() {
            write!(f, "row {}: {}", self.row, self.reason)
        } else {
            write!(
                f,
                "row {}, column {}, value '{}': {}",
                self.row, self.column, self.value, self.reason
            )
        }
    }
}

/// A stored row that cannot be decoded: which record, which column, the value as
/// stored, and why it cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRow {
    /// `entry`, `fund`, `investor`, `company`, `loan`, …
    pub what: &'static str,
    pub id: i64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for BadRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}, column {}: the stored value {} cannot be read ({}); the file was changed \
             outside fundledger: run `fundledger audit` and restore it from a backup",
            self.what, self.id, self.column, self.value, self.reason
        )
    }
}

impl std::error::Error for BadRow {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(bad) = inner.downcast_ref::<BadRow>() {
                return Error::BadRow(bad.clone());
            }
        }
        Error::Sqlite(e)
    }
}

impl Error {
    pub fn refused(rule: &'static str, message: impl Into<String>) -> Error {
        Error::Refused {
            rule,
            message: message.into(),
        }
    }
    /// The stable rule code of a refusal, if this is one.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            Error::Refused { rule, .. } => Some(rule),
            Error::Amount(_) => Some("amount"),
            Error::Date(_) => Some("date"),
            Error::Uscc(_) => Some("uscc"),
            Error::Rows { .. } => Some("import-rows"),
            _ => None,
        }
    }
}

/// Levenshtein distance, for "did you mean" suggestions on unknown codes.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The nearest of `candidates` to `code`, if it is plausibly a typo.
pub fn nearest<'a>(code: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (distance(code, c), c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Refusal for a code that names nothing, with the nearest existing code suggested.
pub fn unknown(what: &str, code: &str, candidates: Vec<String>) -> Error {
    let hint = match nearest(code, candidates.iter().map(String::as_str)) {
        Some(n) => format!("; did you mean '{n}'?"),
        None if candidates.is_empty() => format!("; no {what} is registered yet"),
        None => String::new(),
    };
    Error::refused("unknown-code", format!("unknown {what} '{code}'{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn suggestions() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(nearest("SC-01", ["SC-1", "NT", "XYZ-99"]), Some("SC-1"));
        assert_eq!(nearest("QQQQQQ", ["SC-1", "NT"]), None);
    }
}
