//! `export --format json`: the whole ledger — reference data and the journal with its
//! reversals — by code, in the order it was written. `import` of this file into an
//! empty ledger restores it entry for entry (same ids, dates, authors and times), so
//! reports, `log` and even the hash chain come out identical.

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::{EntryFilter, Ledger, Tx};

pub const FORMAT: &str = "fundledger-export";
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExportDoc {
    pub format: String,
    pub version: u32,
    pub funds: Vec<ExFund>,
    pub investors: Vec<ExInvestor>,
    pub companies: Vec<ExCompany>,
    /// Startup guarantee loans and grants (absent from ledgers without any, so those
    /// export exactly as before).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub loans: Vec<ExLoan>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<ExGrant>,
    pub entries: Vec<ExEntry>,
    /// Policy records (docs/leverage.md); absent when there are none, so a ledger
    /// without policies exports exactly as before they existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<ExPolicy>,
}

/// A policy record; shares and multiples as exact decimals ("0.3", "1.5").
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExPolicy {
    pub fund: String,
    pub from: String,
    pub gov_share_max: Option<String>,
    pub reinvest_min: Option<String>,
    pub reinvest_base: Option<String>,
    pub memo: Option<String>,
    pub recorded_at: String,
    pub recorded_by: String,
    /// Idle-cash thresholds (months); absent when not set (older exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_warn_months: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_alert_months: Option<u32>,
}

/// A loan's contract terms; its disbursement is an entry.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExLoan {
    pub code: String,
    pub borrower: String,
    pub borrower_kind: String,
    /// Exact yuan.
    pub principal: String,
    /// Exact annual rate as a fraction, e.g. "0.0515".
    pub rate: String,
    pub term_months: u32,
    pub start: String,
    pub method: String,
    pub lpr: Option<String>,
    pub subsidy: String,
    pub guarantor: Option<String>,
    pub jobs: Option<u32>,
    pub partners: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExGrant {
    pub code: String,
    pub recipient: String,
    pub programme: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExFund {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent: Option<String>,
    pub manager: Option<String>,
    pub inception: Option<String>,
    pub region: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExInvestor {
    pub code: String,
    pub name: String,
    #[serde(rename = "type")]
    pub investor_type: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExCompany {
    pub code: String,
    pub name: String,
    pub sector: Option<String>,
    pub region: Option<String>,
    pub uscc: Option<String>,
    /// Stage given at `company add`; absent when none (older exports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExEntry {
    pub id: i64,
    pub kind: String,
    pub date: String,
    pub recorded_at: String,
    pub recorded_by: String,
    pub memo: Option<String>,
    pub fund: Option<String>,
    pub investor: Option<String>,
    pub company: Option<String>,
    /// Exact yuan, e.g. "80950000.00".
    pub amount: Option<String>,
    pub detail: Option<String>,
    pub reverses: Option<i64>,
    /// 返投 recognition weight of a deal commitment, exact ("1.8"); absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reinvest_weight: Option<String>,
    /// Loan or grant code of a loan or grant entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant: Option<String>,
    /// The stored split of a repayment or payout, exact yuan; a restore checks that
    /// the rules give the same split.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subsidy: Option<String>,
}

pub fn export(ledger: &mut Ledger) -> Result<ExportDoc> {
    ledger.read(|tx| {
        let mut entries = Vec::new();
        tx.for_each_log(&EntryFilter::default(), |l| {
            entries.push(ex_entry(l));
            Ok(())
        })?;
        let mut doc = reference_doc(tx)?;
        doc.entries = entries;
        Ok(doc)
    })
}

/// The export's JSON written to `out` as [`export`] would serialise it, byte for byte,
/// but with the entries streamed from one query one at a time: memory does not grow
/// with the journal (issue 16).
pub fn write_export(ledger: &mut Ledger, out: &mut dyn std::io::Write) -> Result<()> {
    ledger.read(|tx| {
        let doc = reference_doc(tx)?;
        let streamed = Streamed {
            tx,
            failed: std::cell::RefCell::new(None),
        };
        let view = DocView {
            format: &doc.format,
            version: doc.version,
            funds: &doc.funds,
            investors: &doc.investors,
            companies: &doc.companies,
            loans: &doc.loans,
            grants: &doc.grants,
            entries: &streamed,
            policies: &doc.policies,
        };
        let written = serde_json::to_writer_pretty(&mut *out, &view);
        if let Some(e) = streamed.failed.borrow_mut().take() {
            return Err(e);
        }
        written.map_err(|e| {
            crate::error::Error::Io(match e.io_error_kind() {
                Some(kind) => std::io::Error::new(kind, e),
                None => std::io::Error::other(e),
            })
        })?;
        writeln!(out)?;
        Ok(())
    })
}

/// [`ExportDoc`]'s fields, in its order and with its rules, borrowing everything and
/// with the entries streamed.
#[derive(Serialize)]
struct DocView<'a, E: Serialize> {
    format: &'a str,
    version: u32,
    funds: &'a [ExFund],
    investors: &'a [ExInvestor],
    companies: &'a [ExCompany],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    loans: &'a [ExLoan],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    grants: &'a [ExGrant],
    entries: &'a E,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    policies: &'a [ExPolicy],
}

/// The journal as a JSON array, read from the store while it is written.
struct Streamed<'a, 't> {
    tx: &'a Tx<'t>,
    /// A read error met while writing (serde can only carry a message).
    failed: std::cell::RefCell<Option<crate::error::Error>>,
}

impl Serialize for Streamed<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{Error as _, SerializeSeq};
        let mut seq = s.serialize_seq(None)?;
        let mut write_error: Option<S::Error> = None;
        let read = self.tx.for_each_log(&EntryFilter::default(), |l| {
            seq.serialize_element(&ex_entry(l)).map_err(|e| {
                write_error = Some(e);
                crate::error::Error::Ledger("the export could not be written".into())
            })
        });
        if let Some(e) = write_error {
            return Err(e);
        }
        if let Err(e) = read {
            *self.failed.borrow_mut() = Some(e);
            return Err(S::Error::custom("the ledger could not be read"));
        }
        seq.end()
    }
}

fn ex_entry(l: crate::store::LoggedEntry) -> ExEntry {
    let own = l.entry.reverses.is_none();
    ExEntry {
        id: l.entry.id,
        kind: l.entry.kind.as_str().into(),
        date: l.entry.date.to_string(),
        recorded_at: l.entry.recorded_at,
        recorded_by: l.entry.recorded_by,
        memo: l.entry.memo,
        // A reversal refers to its original only; the codes `log` shows for it are
        // the original's.
        fund: l.fund.filter(|_| own),
        investor: l.investor.filter(|_| own),
        company: l.company.filter(|_| own),
        amount: l.entry.amount.map(|m| m.to_plain()),
        detail: l.entry.detail,
        reverses: l.entry.reverses,
        reinvest_weight: l.entry.reinvest_weight.map(|w| w.to_string()),
        loan: l.loan.filter(|_| own),
        grant: l.grant.filter(|_| own),
        interest: l.entry.loan.interest.map(|m| m.to_plain()),
        subsidy: l.entry.loan.subsidy.map(|m| m.to_plain()),
    }
}

/// Everything but the entries.
fn reference_doc(tx: &Tx<'_>) -> Result<ExportDoc> {
    {
        let funds = tx
            .funds()?
            .into_iter()
            .map(|f| ExFund {
                code: f.code,
                name: f.name,
                kind: f.kind.as_str().into(),
                parent: f.parent,
                manager: f.manager,
                inception: f.inception.map(|d| d.to_string()),
                region: f.region,
            })
            .collect();
        let investors = tx
            .investors()?
            .into_iter()
            .map(|i| ExInvestor {
                code: i.code,
                name: i.name,
                investor_type: i.investor_type.as_str().into(),
            })
            .collect();
        let companies = tx
            .companies()?
            .into_iter()
            .map(|c| ExCompany {
                code: c.code,
                name: c.name,
                sector: c.sector,
                region: c.region,
                uscc: c.uscc,
                stage: c.stage.map(|s| s.as_str().to_string()),
            })
            .collect();
        let entries = Vec::new();
        let loans = tx
            .loans()?
            .into_iter()
            .map(|l| ExLoan {
                code: l.code,
                borrower: l.borrower,
                borrower_kind: l.borrower_kind.as_str().into(),
                principal: l.terms.principal.to_plain(),
                rate: l.terms.rate.as_decimal().normalize().to_string(),
                term_months: l.terms.term_months,
                start: l.terms.start.to_string(),
                method: l.terms.method.as_str().into(),
                lpr: l.terms.lpr.map(|r| r.as_decimal().normalize().to_string()),
                subsidy: l.terms.subsidy.to_string(),
                guarantor: l.guarantor,
                jobs: l.jobs,
                partners: l.partners,
            })
            .collect();
        let grants = tx
            .grant_list()?
            .into_iter()
            .map(|g| ExGrant {
                code: g.code,
                recipient: g.recipient,
                programme: g.programme,
            })
            .collect();
        let policies = tx
            .policies(None)?
            .into_iter()
            .map(|p| ExPolicy {
                fund: p.fund,
                from: p.from.to_string(),
                gov_share_max: p.gov_share_max.map(|v| v.to_string()),
                reinvest_min: p.reinvest_min.map(|v| v.to_string()),
                reinvest_base: p.reinvest_base.map(|v| v.as_str().into()),
                memo: p.memo,
                recorded_at: p.recorded_at,
                recorded_by: p.recorded_by,
                idle_warn_months: p.idle_warn_months,
                idle_alert_months: p.idle_alert_months,
            })
            .collect();
        Ok(ExportDoc {
            format: FORMAT.into(),
            version: VERSION,
            funds,
            investors,
            companies,
            loans,
            grants,
            entries,
            policies,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EntryKind, NewEntry};
    use crate::money::Money;

    /// The streamed export is byte for byte the serialised [`ExportDoc`].
    #[test]
    fn the_streamed_export_is_the_document_serialised() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::create(&dir.path().join("l.db")).unwrap();
        let stream = |l: &mut Ledger| {
            let mut out = Vec::new();
            write_export(l, &mut out).unwrap();
            String::from_utf8(out).unwrap()
        };
        let whole =
            |l: &mut Ledger| serde_json::to_string_pretty(&export(l).unwrap()).unwrap() + "\n";
        assert_eq!(stream(&mut l), whole(&mut l));
        let f = crate::testutil::guidance_fund(&mut l, "F");
        let i = crate::testutil::government(&mut l, "I");
        l.write("t", |tx| {
            let mut n = NewEntry::new(EntryKind::LpCommit, "2021-01-01".parse().unwrap());
            n.fund_id = Some(f);
            n.investor_id = Some(i);
            n.amount = Some(Money::from_fen(100_000));
            let id = tx.append_entry(&n)?;
            tx.append_entry(&n)?;
            let mut r = NewEntry::new(EntryKind::Reversal, n.date);
            r.reverses = Some(id);
            r.memo = Some("twice".into());
            tx.append_entry(&r)
        })
        .unwrap();
        let s = stream(&mut l);
        assert_eq!(s, whole(&mut l));
        assert_eq!(
            serde_json::from_str::<ExportDoc>(&s).unwrap().entries.len(),
            3
        );
    }
}
