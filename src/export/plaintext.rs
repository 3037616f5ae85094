//! The ledger as an hledger journal or a Beancount file, for auditors who recompute
//! totals in their own tools. docs/export.md documents the account mapping; in short,
//! per fund `F` (counterparty `I` = investor, `C` = company):
//!
//! | entry | postings |
//! | --- | --- |
//! | lp-commit | `Equity:Funds:F:Memo:LP-Committed:I` −X, `Equity:Funds:F:Memo:Offset` +X |
//! | lp-pay | `Assets:Funds:F:Cash` +X, `Equity:Funds:F:LP-Paid-In:I` −X (and, when the LP is a fund G of the ledger, `Assets:Funds:G:Fund-Investments:F` +X, `Assets:Funds:G:Cash` −X) |
//! | lp-distribute | `Equity:Funds:F:LP-Distributions:I` +X, `Assets:Funds:F:Cash` −X (mirrored for a fund LP into `Assets:Funds:G:Cash` / `Income:Funds:G:Fund-Distributions:F`) |
//! | deal-commit | `Equity:Funds:F:Memo:Deal-Committed:C` +X, `Equity:Funds:F:Memo:Offset` −X |
//! | deal-pay | `Assets:Funds:F:Investments:Cost:C` +X, `Assets:Funds:F:Cash` −X |
//! | deal-proceeds | `Assets:Funds:F:Cash` +X, `Income:Funds:F:Proceeds:C` −X |
//! | any change of a holding's value | `Assets:Funds:F:Investments:Revaluation:C` +D, `Income:Funds:F:Unrealised:C` −D |
//!
//! where D is the change of (value − paid-in) of the holding, value being exactly what
//! `report portfolio` counts (latest mark; paid-in cost if never marked; 0 once written
//! off or exited), computed with the same fold ([`Book`]). So for each fund the report's
//! figures are single account balances: deal paid-in = `Investments:Cost`, value =
//! `Investments`, proceeds = −`Proceeds`, LP paid-in = −`LP-Paid-In`, deal committed =
//! `Memo:Deal-Committed`, LP committed = −`Memo:LP-Committed`.
//!
//! Commitments are not money that moved, so they live in a memo pair inside the
//! fund's equity that always nets to zero: balance sheets stay true to cash and cost.
//!
//! Pure: reference data and effective entries in, text out, one entry at a time so an
//! export streams in bounded memory.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use crate::book::{Book, Holding};
use crate::date::Date;
use crate::domain::{Company, Entry, EntryKind, Fund, Investor};
use crate::money::Money;

/// Which plain-text accounting tool the output is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Hledger,
    Beancount,
}

/// The commodity every amount is in.
pub const CURRENCY: &str = "CNY";

/// A fund, investor or company as it appears in account names and comments.
#[derive(Clone, Debug)]
struct Party {
    /// The account-name component (the code when it is valid in both tools).
    account: String,
    code: String,
    name: String,
}

/// Builds the journal: a header, then one transaction per effective entry.
pub struct Journal {
    flavor: Flavor,
    funds: HashMap<i64, Party>,
    /// Investor id → the party, and the fund that investor is, if it is one.
    investors: HashMap<i64, (Party, Option<i64>)>,
    companies: HashMap<i64, Party>,
    fund_order: Vec<i64>,
    investor_order: Vec<i64>,
    company_order: Vec<i64>,
    parents: HashMap<i64, (String, Option<String>)>,
    /// Positions folded so far, to turn valuation changes into revaluation postings.
    book: Book,
    /// Accounts already declared (hledger `account`, Beancount `open`).
    declared: HashSet<String>,
    /// Write hledger `account` directives (needed by `hledger --strict` only).
    declare: bool,
}

/// Is `s` a valid account-name component for both tools? Beancount takes
/// `[\p{Lu}\p{Nd}][\p{L}\p{Nd}-]*`; ASCII keeps it readable in any terminal and font.
pub fn valid_component(s: &str) -> bool {
    let mut cs = s.chars();
    matches!(cs.next(), Some(c) if c.is_ascii_uppercase() || c.is_ascii_digit())
        && cs.all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Account components for codes, injective: a valid code is used as it is; any other
/// is reduced to its ASCII letters, digits and dashes with the first letter capitalised,
/// or `{prefix}{id}` when nothing usable is left (CJK codes), with `-2`, `-3`… added on
/// a clash. Valid codes are reserved first so that they are never renamed.
fn components(items: &[(i64, &str, char)]) -> HashMap<i64, String> {
    let mut taken: HashSet<String> = items
        .iter()
        .filter(|(_, c, _)| valid_component(c))
        .map(|(_, c, _)| c.to_string())
        .collect();
    let mut out = HashMap::new();
    for (id, code, prefix) in items {
        if valid_component(code) {
            out.insert(*id, code.to_string());
            continue;
        }
        let kept: String = code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let mut cs = kept.chars();
        let mut base: String = match cs.next() {
            Some(c) => c.to_ascii_uppercase().to_string() + cs.as_str(),
            None => String::new(),
        };
        if !valid_component(&base) {
            base = format!("{prefix}{id}");
        }
        let mut name = base.clone();
        let mut k = 2;
        while taken.contains(&name) {
            name = format!("{base}-{k}");
            k += 1;
        }
        taken.insert(name.clone());
        out.insert(*id, name);
    }
    out
}

/// One line of free text: no line breaks (both tools are line-based).
fn one_line(s: &str) -> String {
    s.replace(['\r', '\n', '\t'], " ")
}

/// A Beancount string literal.
fn quoted(s: &str) -> String {
    format!(
        "\"{}\"",
        one_line(s).replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// Text for an hledger description or comment: `;` would start a comment.
fn hl_text(s: &str) -> String {
    one_line(s).replace(';', ",")
}

/// What a holding adds to its cost to make its value: value − paid-in.
fn revaluation(h: Option<&Holding>) -> Money {
    h.map_or(Money::ZERO, |h| h.value().0 - h.paid_in)
}

impl Journal {
    pub fn new(
        flavor: Flavor,
        funds: &[Fund],
        investors: &[Investor],
        companies: &[Company],
    ) -> Journal {
        // Funds and investors share one code namespace; companies have their own.
        let mut fi: Vec<(i64, &str, char)> =
            funds.iter().map(|f| (f.id, f.code.as_str(), 'F')).collect();
        // Offsetting investor ids keeps them apart from fund ids in one map.
        const INV: i64 = 1 << 40;
        fi.extend(
            investors
                .iter()
                .filter(|i| i.fund_id.is_none())
                .map(|i| (INV + i.id, i.code.as_str(), 'I')),
        );
        let fi = components(&fi);
        let cc: Vec<(i64, &str, char)> = companies
            .iter()
            .map(|c| (c.id, c.code.as_str(), 'C'))
            .collect();
        let cc = components(&cc);
        let party = |account: &String, code: &str, name: &str| Party {
            account: account.clone(),
            code: code.to_string(),
            name: name.to_string(),
        };
        Journal {
            flavor,
            funds: funds
                .iter()
                .map(|f| (f.id, party(&fi[&f.id], &f.code, &f.name)))
                .collect(),
            investors: investors
                .iter()
                .map(|i| {
                    let key = i.fund_id.unwrap_or(INV + i.id);
                    (i.id, (party(&fi[&key], &i.code, &i.name), i.fund_id))
                })
                .collect(),
            companies: companies
                .iter()
                .map(|c| (c.id, party(&cc[&c.id], &c.code, &c.name)))
                .collect(),
            fund_order: funds.iter().map(|f| f.id).collect(),
            investor_order: investors.iter().map(|i| i.id).collect(),
            company_order: companies.iter().map(|c| c.id).collect(),
            parents: funds
                .iter()
                .map(|f| (f.id, (f.kind.as_str().to_string(), f.parent.clone())))
                .collect(),
            book: Book::default(),
            declared: HashSet::new(),
            declare: true,
        }
    }

    /// Leave out hledger's `account` directives. Why: a ledger with hundreds of
    /// thousands of holdings declares as many accounts, and hledger 1.25 then takes
    /// minutes and gigabytes to read the file; without them it reads it in seconds
    /// (only `--strict` needs them). Beancount requires its `open` directives, which
    /// are always written.
    pub fn without_account_directives(mut self) -> Journal {
        self.declare = false;
        self
    }

    /// Options, the commodity, and a commented key from codes to account names.
    pub fn header(&self, as_of: Date) -> String {
        let mut s = String::new();
        let tool = match self.flavor {
            Flavor::Hledger => "hledger journal",
            Flavor::Beancount => "Beancount ledger",
        };
        let _ = writeln!(s, "; fundledger export: {tool}, as of {as_of}.");
        s.push_str(
            "; Every effective entry dated on or before that date, in (date, id) order.\n\
             ; Reversed entries and their reversals are both left out, as in every report\n\
             ; (`fundledger log` shows them). Account mapping: docs/export.md.\n\
             ; Per fund F: deal paid-in = Assets:Funds:F:Investments:Cost, value =\n\
             ; Assets:Funds:F:Investments, proceeds = -Income:Funds:F:Proceeds, LP paid-in =\n\
             ; -Equity:Funds:F:LP-Paid-In, deal committed = Equity:Funds:F:Memo:Deal-Committed,\n\
             ; LP committed = -Equity:Funds:F:Memo:LP-Committed.\n;\n",
        );
        let key = |s: &mut String, p: &Party, extra: &str| {
            let acct = if p.account == p.code {
                String::new()
            } else {
                format!(" (accounts: {})", p.account)
            };
            let _ = writeln!(s, ";   {}{acct}  {}{extra}", p.code, one_line(&p.name));
        };
        s.push_str("; Funds:\n");
        for id in &self.fund_order {
            let (kind, parent) = &self.parents[id];
            let extra = match parent {
                Some(p) => format!(" [{kind} of {p}]"),
                None => format!(" [{kind}]"),
            };
            key(&mut s, &self.funds[id], &extra);
        }
        s.push_str("; Investors (LPs):\n");
        for id in &self.investor_order {
            let (p, fund) = &self.investors[id];
            key(&mut s, p, if fund.is_some() { " [a fund]" } else { "" });
        }
        s.push_str("; Companies:\n");
        for id in &self.company_order {
            key(&mut s, &self.companies[id], "");
        }
        s.push('\n');
        match self.flavor {
            Flavor::Hledger => {
                let _ = writeln!(s, "commodity 1000.00 {CURRENCY}\n");
            }
            Flavor::Beancount => {
                let _ = writeln!(
                    s,
                    "option \"title\" {}\noption \"operating_currency\" \"{CURRENCY}\"\n",
                    quoted(&format!("fundledger export as of {as_of}"))
                );
            }
        }
        s
    }

    /// The transaction for one effective entry (with any account declarations it
    /// needs first), or a comment when the entry moves no amount.
    pub fn entry(&mut self, e: &Entry) -> String {
        let mut postings: Vec<(String, Money)> = Vec::new();
        let amount = e.amount.unwrap_or(Money::ZERO);
        let Some(fund) = e.fund_id.and_then(|id| self.funds.get(&id)).cloned() else {
            return format!(
                "; entry {} ({}) names no fund; not exported\n\n",
                e.id, e.kind
            );
        };
        let f = &fund.account;
        let investor = e
            .investor_id
            .and_then(|id| self.investors.get(&id))
            .cloned();
        let company = e.company_id.and_then(|id| self.companies.get(&id)).cloned();
        let counterparty = investor.as_ref().map(|(p, _)| p).or(company.as_ref());
        match (&investor, &company) {
            (Some((inv, inv_fund)), _) => {
                let i = &inv.account;
                let lp_fund = inv_fund.and_then(|id| self.funds.get(&id));
                match e.kind {
                    EntryKind::LpCommit => {
                        postings.push((format!("Equity:Funds:{f}:Memo:LP-Committed:{i}"), -amount));
                        postings.push((format!("Equity:Funds:{f}:Memo:Offset"), amount));
                    }
                    EntryKind::LpPay => {
                        postings.push((format!("Assets:Funds:{f}:Cash"), amount));
                        postings.push((format!("Equity:Funds:{f}:LP-Paid-In:{i}"), -amount));
                        if let Some(g) = lp_fund {
                            let g = &g.account;
                            postings
                                .push((format!("Assets:Funds:{g}:Fund-Investments:{f}"), amount));
                            postings.push((format!("Assets:Funds:{g}:Cash"), -amount));
                        }
                    }
                    EntryKind::LpDistribute => {
                        postings.push((format!("Equity:Funds:{f}:LP-Distributions:{i}"), amount));
                        postings.push((format!("Assets:Funds:{f}:Cash"), -amount));
                        if let Some(g) = lp_fund {
                            let g = &g.account;
                            postings.push((format!("Assets:Funds:{g}:Cash"), amount));
                            postings.push((
                                format!("Income:Funds:{g}:Fund-Distributions:{f}"),
                                -amount,
                            ));
                        }
                    }
                    _ => {}
                }
            }
            (None, Some(co)) => {
                let c = &co.account;
                let key = (
                    e.fund_id.unwrap_or_default(),
                    e.company_id.unwrap_or_default(),
                );
                let before = revaluation(self.book.holdings.get(&key));
                self.book.apply(e);
                let delta = revaluation(self.book.holdings.get(&key)) - before;
                match e.kind {
                    EntryKind::DealCommit => {
                        postings
                            .push((format!("Equity:Funds:{f}:Memo:Deal-Committed:{c}"), amount));
                        postings.push((format!("Equity:Funds:{f}:Memo:Offset"), -amount));
                    }
                    EntryKind::DealPay => {
                        postings.push((format!("Assets:Funds:{f}:Investments:Cost:{c}"), amount));
                        postings.push((format!("Assets:Funds:{f}:Cash"), -amount));
                    }
                    EntryKind::DealProceeds => {
                        postings.push((format!("Assets:Funds:{f}:Cash"), amount));
                        postings.push((format!("Income:Funds:{f}:Proceeds:{c}"), -amount));
                    }
                    _ => {}
                }
                if !delta.is_zero() {
                    postings.push((
                        format!("Assets:Funds:{f}:Investments:Revaluation:{c}"),
                        delta,
                    ));
                    postings.push((format!("Income:Funds:{f}:Unrealised:{c}"), -delta));
                }
            }
            (None, None) => {}
        }
        let cp = counterparty.map_or(String::new(), |p| format!(" {} {}", p.code, p.name));
        let detail = e
            .detail
            .as_deref()
            .map_or(String::new(), |d| format!(" ({d})"));
        let what = format!("{} {}{cp}{detail}", e.kind, fund.code);
        postings.retain(|(_, m)| !m.is_zero());
        if postings.is_empty() {
            return format!(
                "; {} entry {}: {} (no amount moves)\n\n",
                e.date,
                e.id,
                one_line(&what)
            );
        }
        let mut s = String::new();
        let declare = self.declare || self.flavor == Flavor::Beancount;
        for (acct, _) in &postings {
            if declare && self.declared.insert(acct.clone()) {
                match self.flavor {
                    Flavor::Hledger => {
                        let _ = writeln!(s, "account {acct}");
                    }
                    Flavor::Beancount => {
                        let _ = writeln!(s, "{} open {acct} {CURRENCY}", e.date);
                    }
                }
            }
        }
        let width = postings.iter().map(|(a, _)| a.len()).max().unwrap_or(0);
        let amounts: Vec<String> = postings.iter().map(|(_, m)| m.to_plain()).collect();
        let amount_width = amounts.iter().map(String::len).max().unwrap_or(0);
        match self.flavor {
            Flavor::Hledger => {
                let _ = writeln!(
                    s,
                    "{} * {}  ; entry:{}, kind:{}",
                    e.date,
                    hl_text(&what),
                    e.id,
                    e.kind
                );
                if let Some(m) = &e.memo {
                    let _ = writeln!(s, "    ; memo: {}", hl_text(m));
                }
                for ((acct, _), amt) in postings.iter().zip(&amounts) {
                    let _ = writeln!(s, "    {acct:width$}  {amt:>amount_width$} {CURRENCY}");
                }
            }
            Flavor::Beancount => {
                let narration = format!("{}{cp}{detail}", e.kind);
                let _ = writeln!(
                    s,
                    "{} * {} {}",
                    e.date,
                    quoted(&fund.code),
                    quoted(&narration)
                );
                let _ = writeln!(s, "  entry: {}", e.id);
                let _ = writeln!(s, "  kind: {}", quoted(e.kind.as_str()));
                if let Some(p) = counterparty {
                    let _ = writeln!(s, "  counterparty: {}", quoted(&p.code));
                }
                if let Some(m) = &e.memo {
                    let _ = writeln!(s, "  memo: {}", quoted(m));
                }
                for ((acct, _), amt) in postings.iter().zip(&amounts) {
                    let _ = writeln!(s, "  {acct:width$}  {amt:>amount_width$} {CURRENCY}");
                }
            }
        }
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{FundKind, InvestorType};

    /// Text with every run of whitespace made one space, so checks do not depend on
    /// column alignment.
    fn squash(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn fund(id: i64, code: &str) -> Fund {
        Fund {
            id,
            code: code.into(),
            name: format!("基金{code}"),
            kind: FundKind::Guidance,
            parent_id: None,
            parent: None,
            manager: None,
            inception: None,
            region: None,
        }
    }

    fn entry(
        id: i64,
        kind: EntryKind,
        d: &str,
        inv: Option<i64>,
        co: Option<i64>,
        fen: Option<i64>,
    ) -> Entry {
        Entry {
            id,
            kind,
            date: date(d),
            recorded_at: String::new(),
            recorded_by: String::new(),
            memo: None,
            fund_id: Some(1),
            investor_id: inv,
            company_id: co,
            amount: fen.map(Money::from_fen),
            detail: None,
            reverses: None,
            loan: Default::default(),
            reinvest_weight: None,
        }
    }

    #[test]
    fn components_are_valid_and_injective() {
        let m = components(&[
            (1, "SC-1", 'F'),
            (2, "sc-1", 'F'),
            (3, "双创", 'F'),
            (4, "F3", 'F'),
            (5, "Sc-1", 'F'),
            (6, "a_b", 'F'),
        ]);
        assert_eq!(m[&1], "SC-1");
        // "sc-1" capitalises to "Sc-1", which the valid code 5 already holds.
        assert_eq!(m[&2], "Sc-1-2");
        // Nothing ASCII is left of 双创: F{id}, which the valid code 4 already holds.
        assert_eq!(m[&3], "F3-2");
        assert_eq!(m[&6], "Ab");
        let all: HashSet<&String> = m.values().collect();
        assert_eq!(all.len(), 6);
        assert!(m.values().all(|c| valid_component(c)));
    }

    #[test]
    fn revaluation_follows_the_reports_value() {
        let funds = [fund(1, "G")];
        let companies = [Company {
            id: 7,
            code: "A".into(),
            name: "甲".into(),
            sector: None,
            region: None,
            uscc: None,
            stage: None,
        }];
        let mut j = Journal::new(Flavor::Hledger, &funds, &[], &companies);
        let c = Some(7);
        // Pay 100.00: never marked, value = cost, no revaluation.
        let pay = j.entry(&entry(
            1,
            EntryKind::DealPay,
            "2020-01-01",
            None,
            c,
            Some(10_000),
        ));
        assert!(!pay.contains("Revaluation"), "{pay}");
        // Mark at 250.00: adjustment 250 − 100 = +150.
        let mark = j.entry(&entry(
            2,
            EntryKind::DealValue,
            "2020-06-30",
            None,
            c,
            Some(25_000),
        ));
        assert!(
            squash(&mark).contains("Assets:Funds:G:Investments:Revaluation:A 150.00 CNY"),
            "{mark}"
        );
        assert!(
            squash(&mark).contains("Income:Funds:G:Unrealised:A -150.00 CNY"),
            "{mark}"
        );
        // Pay 50.00 more: value stays 250, cost 150, adjustment 100: change −50.
        let pay2 = j.entry(&entry(
            3,
            EntryKind::DealPay,
            "2020-07-01",
            None,
            c,
            Some(5_000),
        ));
        assert!(squash(&pay2).contains("Revaluation:A -50.00 CNY"), "{pay2}");
        // Write off: value 0, cost 150, adjustment −150: change −250. Cost 150 plus
        // revaluations 150 − 50 − 250 = −150 leaves Investments at 0, the report's value.
        let off = j.entry(&entry(
            4,
            EntryKind::DealWriteOff,
            "2021-01-01",
            None,
            c,
            None,
        ));
        assert!(squash(&off).contains("Revaluation:A -250.00 CNY"), "{off}");
        assert!(squash(&off).contains("Unrealised:A 250.00 CNY"), "{off}");
    }

    #[test]
    fn fund_lp_pay_is_mirrored_and_no_amount_is_a_comment() {
        let funds = [fund(1, "S"), fund(2, "G")];
        let investors = [Investor {
            id: 9,
            code: "G".into(),
            name: "基金G".into(),
            investor_type: InvestorType::Government,
            fund_id: Some(2),
        }];
        let mut j = Journal::new(Flavor::Beancount, &funds, &investors, &[]);
        let t = j.entry(&entry(
            1,
            EntryKind::LpPay,
            "2020-02-01",
            Some(9),
            None,
            Some(300),
        ));
        // S receives 3.00 from G; G's cash goes into its investment in S.
        for line in [
            "2020-02-01 open Assets:Funds:S:Cash CNY",
            "2020-02-01 * \"S\" \"lp-pay G 基金G\"",
            "Assets:Funds:S:Cash 3.00 CNY",
            "Equity:Funds:S:LP-Paid-In:G -3.00 CNY",
            "Assets:Funds:G:Fund-Investments:S 3.00 CNY",
            "Assets:Funds:G:Cash -3.00 CNY",
        ] {
            assert!(squash(&t).contains(line), "{line:?} not in\n{t}");
        }
        // Declared once only.
        let t2 = j.entry(&entry(
            2,
            EntryKind::LpPay,
            "2020-03-01",
            Some(9),
            None,
            Some(100),
        ));
        assert!(!t2.contains("open"), "{t2}");
        let none = j.entry(&entry(
            3,
            EntryKind::DealWriteOff,
            "2020-04-01",
            None,
            None,
            None,
        ));
        assert!(none.starts_with(';'), "{none}");
    }
}
