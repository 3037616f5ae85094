//! The journal's hash chain: each entry's hash covers its canonical content and the
//! previous entry's hash, so a changed amount, date, order, deletion or insertion made
//! behind the ledger's back is detectable (`audit`).
//!
//! Canonical content is one `name=value` line per field that is set, in a fixed
//! order, values JSON-escaped. Fields added by later migrations are appended to the
//! order and are absent on older entries, so old hashes never change.

use sha2::{Digest, Sha256};

use crate::domain::Entry;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical text hashed for an entry.
pub fn canonical(e: &Entry) -> String {
    let mut out = String::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            out.push_str(k);
            out.push('=');
            out.push_str(&serde_json::Value::String(v).to_string());
            out.push('\n');
        }
    };
    put("id", Some(e.id.to_string()));
    put("kind", Some(e.kind.as_str().to_string()));
    put("date", Some(e.date.to_string()));
    put("recorded_at", Some(e.recorded_at.clone()));
    put("recorded_by", Some(e.recorded_by.clone()));
    put("memo", e.memo.clone());
    put("fund", e.fund_id.map(|v| v.to_string()));
    put("investor", e.investor_id.map(|v| v.to_string()));
    put("company", e.company_id.map(|v| v.to_string()));
    put("amount_fen", e.amount.map(|m| m.fen().to_string()));
    put("detail", e.detail.clone());
    put("reverses", e.reverses.map(|v| v.to_string()));
    out
}

/// `sha256(prev_hash ‖ "\n" ‖ canonical(e))`, lowercase hex.
pub fn entry_hash(prev_hash: &str, e: &Entry) -> String {
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical(e).as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
