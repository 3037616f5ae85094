//! The journal's hash chain: each entry's hash covers its stored content and the
//! previous entry's hash, so a changed amount, date, order, deletion or insertion made
//! behind the ledger's back is detectable (`audit`).
//!
//! Canonical content is defined over the row *as stored*: one `column=value` line per
//! non-NULL column of `entries` (except `prev_hash` and `hash`), sorted by column name,
//! values JSON-escaped (integers in decimal). Defining it over stored columns means the
//! auditor can recompute it from the file alone, and a column added by a later
//! migration is NULL on older rows and so leaves their hashes unchanged.

use sha2::{Digest, Sha256};

use crate::domain::NewEntry;
use crate::money::Money;
use crate::policy::Factor;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Columns that are not part of the hashed content.
pub const UNHASHED: [&str; 2] = ["prev_hash", "hash"];

/// The canonical text of a row given as (column, value) pairs.
pub fn canonical<'a>(cols: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> String {
    let mut set: Vec<(&str, &str)> = cols
        .into_iter()
        .filter(|(k, _)| !UNHASHED.contains(k))
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
    set.sort_unstable();
    let mut out = String::with_capacity(256);
    for (k, v) in set {
        out.push_str(k);
        out.push('=');
        push_json_string(&mut out, v);
        out.push('\n');
    }
    out
}

/// A new entry's place in the chain: its id, the hash before it and its own, with the
/// stored text of the columns the hash covers that are not in [`NewEntry`].
#[derive(Clone, Debug)]
pub struct Sealed {
    pub id: i64,
    pub prev_hash: String,
    pub hash: String,
    /// `effective_date` as stored.
    pub date: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

/// Seal `n` as the entry after `prev` (id, hash): compute its hash over the row exactly
/// as SQLite will store it, so that an auditor reading the file gets the same text.
pub fn seal(prev: (i64, &str), n: &NewEntry, recorded_at: &str, recorded_by: &str) -> Sealed {
    let id = prev.0 + 1;
    let date = n.date.to_string();
    let mut c = SortedCanonical::default();
    entry_columns(&mut c, id, n, &date, recorded_at, recorded_by);
    Sealed {
        id,
        prev_hash: prev.1.to_string(),
        hash: chain_hash(prev.1, &c.finish()),
        date,
        recorded_at: recorded_at.to_string(),
        recorded_by: recorded_by.to_string(),
    }
}

/// Every hashed column of a new entry, in name order. A test in `store::journal`
/// checks the names against the `entries` table, so a column added by a migration
/// cannot be left out of new hashes.
pub(crate) fn entry_columns(
    c: &mut SortedCanonical,
    id: i64,
    n: &NewEntry,
    date: &str,
    recorded_at: &str,
    recorded_by: &str,
) {
    c.int("amount_fen", n.amount.map(Money::fen))
        .int("company_id", n.company_id)
        .text("detail", n.detail.as_deref())
        .text("effective_date", Some(date))
        .int("fund_id", n.fund_id)
        .int("grant_id", n.loan.grant_id)
        .int("id", Some(id))
        .int("interest_fen", n.loan.interest.map(Money::fen))
        .int("investor_id", n.investor_id)
        .text("kind", Some(n.kind.as_str()))
        .int("loan_id", n.loan.loan_id)
        .text("memo", n.memo.as_deref())
        .text("recorded_at", Some(recorded_at))
        .text("recorded_by", Some(recorded_by))
        .int("reinvest_weight_bp", n.reinvest_weight.map(Factor::bp))
        .int("reverses", n.reverses)
        .int("subsidy_fen", n.loan.subsidy.map(Money::fen));
}

/// The canonical text built from columns handed over already in name order, without
/// the list and sort of [`canonical`]: the append path of a bulk import builds one per
/// row. Equal to [`canonical`] over the same columns (tested below).
pub struct SortedCanonical {
    out: String,
    last: &'static str,
    /// Every column handed over, NULL or not (for the test of [`entry_columns`]).
    #[cfg(test)]
    pub(crate) columns: Vec<&'static str>,
}

impl Default for SortedCanonical {
    fn default() -> Self {
        SortedCanonical {
            out: String::with_capacity(320),
            last: "",
            #[cfg(test)]
            columns: Vec::new(),
        }
    }
}

impl SortedCanonical {
    /// Start `column`'s line if it is not NULL; `false` for a NULL, which the canonical
    /// text leaves out.
    fn column(&mut self, column: &'static str, present: bool) -> bool {
        debug_assert!(column > self.last, "{column} after {}", self.last);
        self.last = column;
        #[cfg(test)]
        self.columns.push(column);
        if present {
            self.out.push_str(column);
            self.out.push('=');
        }
        present
    }

    /// A text column; `None` is a NULL.
    pub fn text(&mut self, column: &'static str, v: Option<&str>) -> &mut Self {
        if let (true, Some(v)) = (self.column(column, v.is_some()), v) {
            push_json_string(&mut self.out, v);
            self.out.push('\n');
        }
        self
    }

    /// An integer column, written in decimal as SQLite gives it back as text.
    pub fn int(&mut self, column: &'static str, v: Option<i64>) -> &mut Self {
        if let (true, Some(v)) = (self.column(column, v.is_some()), v) {
            self.out.push('"');
            push_decimal(&mut self.out, v);
            self.out.push_str("\"\n");
        }
        self
    }

    pub fn finish(&mut self) -> String {
        std::mem::take(&mut self.out)
    }
}

/// Append `v` in decimal, as `v.to_string()` would, without the formatting machinery.
fn push_decimal(out: &mut String, v: i64) {
    let mut digits = [0u8; 20];
    let mut n = v.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push('-');
    }
    out.push_str(std::str::from_utf8(&digits[i..]).expect("ASCII digits"));
}

/// Append `v` as a JSON string literal (RFC 8259 escaping, as serde_json writes it).
fn push_json_string(out: &mut String, v: &str) {
    use std::fmt::Write;
    out.push('"');
    // Most values (codes, dates, kinds) need no escaping at all.
    if !v.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.push_str(v);
        out.push('"');
        return;
    }
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The hash sealing one reference row (a fund, investor, company, loan, grant or
/// policy record) in the reference chain: `sha256(prev_hash ‖ "\n" ‖ table ‖ "\n" ‖
/// canonical)`, with `canonical` over the row's stored columns as for entries.
pub fn reference_hash(prev_hash: &str, table: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(table.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    hex(&h.finalize())
}

/// `sha256(prev_hash ‖ "\n" ‖ canonical)`, lowercase hex.
pub fn chain_hash(prev_hash: &str, canonical: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical.as_bytes());
    hex(&h.finalize())
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = Vec::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize]);
        s.push(DIGITS[(b & 15) as usize]);
    }
    String::from_utf8(s).expect("hex digits are ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_is_sorted_skips_nulls_and_hash_columns() {
        let c = canonical([
            ("kind", Some("lp-pay")),
            ("amount_fen", Some("100")),
            ("memo", None),
            ("hash", Some("x")),
        ]);
        assert_eq!(c, "amount_fen=\"100\"\nkind=\"lp-pay\"\n");
    }

    #[test]
    fn json_escaping_matches_serde_json() {
        for v in [
            "plain",
            "引号\"和\\反斜杠",
            "tab\tnew\nline\r",
            "\u{1}\u{1f}",
            "¥8,095万",
        ] {
            let mut mine = String::new();
            push_json_string(&mut mine, v);
            assert_eq!(
                mine,
                serde_json::Value::String(v.to_string()).to_string(),
                "{v:?}"
            );
        }
    }

    #[test]
    fn decimals_match_to_string() {
        for v in [0, 7, -7, 10, 809_500_000, i64::MAX, i64::MIN] {
            let mut s = String::new();
            push_decimal(&mut s, v);
            assert_eq!(s, v.to_string());
        }
    }

    #[test]
    fn sorted_canonical_equals_canonical() {
        let mut w = SortedCanonical::default();
        w.int("amount_fen", Some(809_500_000))
            .int("company_id", None)
            .text("detail", Some("估值\"法\"\n"))
            .text("effective_date", Some("2021-03-01"))
            .int("fund_id", Some(-7))
            .int("id", Some(12))
            .text("kind", Some("deal-pay"))
            .text("memo", None);
        let generic = canonical([
            ("kind", Some("deal-pay")),
            ("id", Some("12")),
            ("memo", None),
            ("fund_id", Some("-7")),
            ("effective_date", Some("2021-03-01")),
            ("detail", Some("估值\"法\"\n")),
            ("company_id", None),
            ("amount_fen", Some("809500000")),
        ]);
        assert_eq!(w.finish(), generic);
    }

    #[test]
    fn known_vector() {
        // sha256("0…0\n") computed independently: printf '%064d\n' 0 | sha256sum
        assert_eq!(
            chain_hash(GENESIS, ""),
            "827d096d92f3deeaa0e8070d79f45beb176768e57a958a1cd325f5f4b754b048"
        );
    }
}
