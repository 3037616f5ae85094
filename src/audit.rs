//! Audit findings and the pure checks behind them: the hash chain recomputed from
//! stored rows, and the reconciliation of paid-in totals with an external statement.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::hashchain;
use crate::money::Money;
use crate::store::RawEntry;

/// One finding. `code` is stable (documented in docs/audit.md); figures are strings so
/// that money stays exact in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub record: String,
    pub expected: Option<String>,
    pub recorded: Option<String>,
    pub difference: Option<String>,
    pub message: String,
}

impl Finding {
    pub fn new(
        code: &'static str,
        record: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            code,
            record: record.into(),
            expected: None,
            recorded: None,
            difference: None,
            message: message.into(),
        }
    }
    /// Attach money figures: expected, recorded and recorded − expected.
    pub fn money(mut self, expected: Money, recorded: Money) -> Finding {
        self.expected = Some(expected.to_plain());
        self.recorded = Some(recorded.to_plain());
        self.difference = Some((recorded - expected).to_plain());
        self
    }
    /// Attach text figures (hashes, ids).
    pub fn text(mut self, expected: impl Into<String>, recorded: impl Into<String>) -> Finding {
        self.expected = Some(expected.into());
        self.recorded = Some(recorded.into());
        self
    }
}

/// The state of the chain after verification.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainCheck {
    /// Number of entries read.
    pub entries: i64,
    /// Hash of the last entry as stored (the head an auditor notes down).
    pub head: String,
    /// Stored hash of each entry by position (1-based), kept only up to `keep`.
    pub hashes: Vec<String>,
    /// The first break found, if any.
    pub finding: Option<Finding>,
}

/// Recompute the chain over rows in id order. Stops at the first break: everything
/// after it is unverifiable anyway, and the first one is what an auditor needs.
#[derive(Default)]
pub struct ChainVerifier {
    prev: Option<String>,
    pub check: ChainCheck,
    keep: usize,
}

impl ChainVerifier {
    /// `keep`: how many leading hashes to remember (for `--expect-head N:HASH`).
    pub fn new(keep: usize) -> ChainVerifier {
        ChainVerifier {
            prev: None,
            check: ChainCheck::default(),
            keep,
        }
    }

    /// A verifier that continues a chain already proven up to entry `n` with hash
    /// `hash` (an incremental audit): the next entry must be `n + 1` and link to it.
    pub fn after(n: i64, hash: &str) -> ChainVerifier {
        ChainVerifier {
            prev: Some(hash.to_string()),
            check: ChainCheck {
                entries: n,
                head: hash.to_string(),
                ..ChainCheck::default()
            },
            keep: 0,
        }
    }

    pub fn push(&mut self, row: &RawEntry) {
        self.check.entries += 1;
        let position = self.check.entries;
        self.check.head = row.hash.clone();
        if self.check.hashes.len() < self.keep {
            self.check.hashes.push(row.hash.clone());
        }
        if self.check.finding.is_some() {
            return;
        }
        let prev = self
            .prev
            .clone()
            .unwrap_or_else(|| hashchain::GENESIS.to_string());
        let record = format!("entry {}", row.id);
        if row.id != position {
            self.check.finding = Some(
                Finding::new(
                    "chain-order",
                    &record,
                    format!(
                        "entry ids are not consecutive: position {position} holds entry {}; an entry was deleted or inserted",
                        row.id
                    ),
                )
                .text(position.to_string(), row.id.to_string()),
            );
        } else if row.prev_hash != prev {
            self.check.finding = Some(
                Finding::new(
                    "chain-link",
                    &record,
                    format!("entry {} does not link to the entry before it: an entry before it was removed, replaced or reordered", row.id),
                )
                .text(prev.clone(), row.prev_hash.clone()),
            );
        } else {
            let canonical =
                hashchain::canonical(row.cols.iter().map(|(k, v)| (k.as_str(), v.as_deref())));
            let computed = hashchain::chain_hash(&prev, &canonical);
            if computed != row.hash {
                self.check.finding = Some(
                    Finding::new(
                        "chain-content",
                        &record,
                        format!("the content of entry {} no longer matches its hash: it was changed after it was written", row.id),
                    )
                    .text(computed, row.hash.clone()),
                );
            }
        }
        self.prev = Some(row.hash.clone());
    }
}

/// How far along the journal a recorded time may go backwards before it is reported:
/// clocks are corrected by a few seconds now and then; a pinned or forged time is off
/// by days.
pub const CLOCK_DRIFT_SECONDS: i64 = 300;

/// The widest time zone (UTC+14): an entry recorded at a UTC time may carry the local
/// date up to 14 hours later.
const WIDEST_ZONE_HOURS: i64 = 14;

/// Checks each entry's `recorded_at` in journal order: a timestamp; no effective date
/// after it (allowing for the time zone); not going backwards from the entry before.
#[derive(Default)]
pub struct RecordedTimes {
    last: Option<(i64, chrono::NaiveDateTime)>,
}

impl RecordedTimes {
    pub fn push(&mut self, row: &RawEntry, findings: &mut Vec<Finding>) {
        let record = format!("entry {}", row.id);
        let stamp = row.get("recorded_at").unwrap_or("");
        let Ok(at) = chrono::NaiveDateTime::parse_from_str(stamp, crate::store::STAMP_FORMAT)
        else {
            findings.push(
                Finding::new(
                    "recorded-at-invalid",
                    record,
                    format!("recorded_at '{stamp}' is not a UTC time like 2022-06-15T00:00:00Z"),
                )
                .text("YYYY-MM-DDTHH:MM:SSZ", stamp),
            );
            return;
        };
        let latest_local = (at + chrono::Duration::hours(WIDEST_ZONE_HOURS)).date();
        let effective = row
            .get("effective_date")
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        if let Some(d) = effective.filter(|d| *d > latest_local) {
            findings.push(
                Finding::new(
                    "dated-after-recorded",
                    &record,
                    format!(
                        "dated {d}, after it was recorded at {stamp}: an entry records what has happened"
                    ),
                )
                .text(at.date().to_string(), d.to_string()),
            );
        }
        if let Some((prev_id, prev)) = self.last {
            if at < prev - chrono::Duration::seconds(CLOCK_DRIFT_SECONDS) {
                findings.push(
                    Finding::new(
                        "recorded-out-of-order",
                        &record,
                        format!(
                            "recorded at {stamp}, before entry {prev_id} (recorded at {}) that precedes it in the journal: its recorded time was pinned or forged",
                            prev.format(crate::store::STAMP_FORMAT)
                        ),
                    )
                    .text(prev.format(crate::store::STAMP_FORMAT).to_string(), stamp),
                );
            }
        }
        if self.last.is_none_or(|(_, prev)| at > prev) {
            self.last = Some((row.id, at));
        }
    }
}

/// A noted chain head: the first `n` entries end in `hash`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub n: i64,
    pub hash: String,
}

impl std::str::FromStr for Head {
    type Err = String;
    fn from_str(s: &str) -> Result<Head, String> {
        let (n, h) = s
            .split_once(':')
            .ok_or_else(|| format!("head '{s}' must look like N:HASH"))?;
        let n: i64 = n
            .trim()
            .parse()
            .map_err(|_| format!("head '{s}': '{n}' is not an entry count"))?;
        let hash = h.trim().to_ascii_lowercase();
        if n < 1 || hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!(
                "head '{s}' must be N:HASH with N ≥ 1 and a 64-digit hex SHA-256"
            ));
        }
        Ok(Head { n, hash })
    }
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.n, self.hash)
    }
}

/// Compare a noted head with the verified chain.
pub fn check_expected_head(expected: &Head, chain: &ChainCheck) -> Option<Finding> {
    let record = format!("entry {}", expected.n);
    if expected.n > chain.entries {
        return Some(
            Finding::new(
                "head-missing",
                record,
                format!(
                    "the noted head covers {} entries but the ledger has only {}: entries were removed",
                    expected.n, chain.entries
                ),
            )
            .text(expected.n.to_string(), chain.entries.to_string()),
        );
    }
    let actual = chain.hashes.get(expected.n as usize - 1)?;
    (actual != &expected.hash).then(|| {
        Finding::new(
            "head-mismatch",
            record,
            format!(
                "the first {} entries are not the ones noted: history was rewritten",
                expected.n
            ),
        )
        .text(expected.hash.clone(), actual.clone())
    })
}

/// What a statement line reconciles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatementKind {
    LpPaidIn,
    DealPaidIn,
}

impl StatementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StatementKind::LpPaidIn => "lp-paid-in",
            StatementKind::DealPaidIn => "deal-paid-in",
        }
    }
}

/// (fund code, counterparty code, kind) → cumulative paid-in.
pub type PaidInTotals = BTreeMap<(String, String, StatementKind), Money>;

/// One reconciled line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reconciled {
    pub fund: String,
    pub counterparty: String,
    pub kind: StatementKind,
    pub statement: Option<Money>,
    pub ledger: Option<Money>,
    /// ledger − statement, when both exist.
    pub difference: Option<Money>,
    /// matched | within-tolerance | different | missing-from-ledger | missing-from-statement
    pub status: &'static str,
}

/// Match statement totals against ledger totals. Every statement line is matched or
/// reported; ledger positions are reported as missing from the statement only for the
/// (fund, kind) pairs the statement covers, since a statement for one fund says
/// nothing about another.
pub fn reconcile(
    statement: &PaidInTotals,
    ledger: &PaidInTotals,
    tolerance: Money,
) -> Vec<Reconciled> {
    let mut out = Vec::new();
    for ((fund, cp, kind), s) in statement {
        let l = ledger
            .get(&(fund.clone(), cp.clone(), *kind))
            .copied()
            .filter(|m| !m.is_zero());
        let (status, difference) = match l {
            None if s.is_zero() => ("matched", None),
            None => ("missing-from-ledger", None),
            Some(l) => {
                let d = l - *s;
                let status = if d.is_zero() {
                    "matched"
                } else if d.abs() <= tolerance {
                    "within-tolerance"
                } else {
                    "different"
                };
                (status, Some(d))
            }
        };
        out.push(Reconciled {
            fund: fund.clone(),
            counterparty: cp.clone(),
            kind: *kind,
            statement: Some(*s),
            ledger: l,
            difference,
            status,
        });
    }
    let covered: std::collections::BTreeSet<(&String, StatementKind)> =
        statement.keys().map(|(f, _, k)| (f, *k)).collect();
    for ((fund, cp, kind), l) in ledger {
        if l.is_zero() || !covered.contains(&(fund, *kind)) {
            continue;
        }
        if !statement.contains_key(&(fund.clone(), cp.clone(), *kind)) {
            out.push(Reconciled {
                fund: fund.clone(),
                counterparty: cp.clone(),
                kind: *kind,
                statement: None,
                ledger: Some(*l),
                difference: None,
                status: "missing-from-statement",
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(f: &str, c: &str) -> (String, String, StatementKind) {
        (f.into(), c.into(), StatementKind::LpPaidIn)
    }

    #[test]
    fn reconciliation_reports_every_line() {
        let mut s = PaidInTotals::new();
        s.insert(key("F", "A"), Money::yuan(100));
        s.insert(key("F", "B"), Money::yuan(200));
        s.insert(key("F", "C"), Money::yuan(300));
        let mut l = PaidInTotals::new();
        l.insert(key("F", "A"), Money::yuan(100));
        l.insert(key("F", "B"), Money::from_fen(20001)); // 200.01: one fen over
        l.insert(key("F", "D"), Money::yuan(5));
        l.insert(key("G", "E"), Money::yuan(7)); // fund G is not on the statement
        let r = reconcile(&s, &l, Money::ZERO);
        let st: Vec<(&str, &str)> = r
            .iter()
            .map(|x| (x.counterparty.as_str(), x.status))
            .collect();
        assert_eq!(
            st,
            vec![
                ("A", "matched"),
                ("B", "different"),
                ("C", "missing-from-ledger"),
                ("D", "missing-from-statement")
            ]
        );
        assert_eq!(r[1].difference, Some(Money::from_fen(1)));
        // With a tolerance of 0.01 the one-fen difference is accepted, and said so.
        let r = reconcile(&s, &l, Money::from_fen(1));
        assert_eq!(r[1].status, "within-tolerance");
    }

    #[test]
    fn heads_parse() {
        let h: Head = format!("3:{}", "A".repeat(64)).parse().unwrap();
        assert_eq!(h.n, 3);
        assert_eq!(h.hash, "a".repeat(64));
        assert!("3".parse::<Head>().is_err());
        assert!("0:abc".parse::<Head>().is_err());
    }
}
