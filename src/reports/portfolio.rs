//! `report portfolio`: per fund, LP capital, deals, paid-in ratio, value and proceeds.
//!
//! The total row is *consolidated*: when a fund shown in the report is itself an LP of
//! another fund shown (a guidance fund in its sub-fund), that LP capital is internal
//! to the programme and is left out of the total's LP figures, so government money is
//! not counted twice. Projects in the total are distinct companies.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::book::{Book, Holding, LpPosition, ValueBasis};
use crate::date::Date;
use crate::domain::{Fund, FundKind};
use crate::error::{unknown, Result};
use crate::money::{Money, Ratio};
use crate::store::{CodeTable, Ledger, Tx};

use chrono::Datelike;

/// The figures of one row, and of the total.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct PortfolioTotal {
    pub lp_committed: Money,
    pub lp_paid_in: Money,
    pub projects: usize,
    pub deal_committed: Money,
    pub deal_paid_in: Money,
    pub deal_unfunded: Money,
    pub paid_in_ratio: Option<Ratio>,
    pub value: Money,
    pub proceeds: Money,
    /// Holdings never marked, counted at paid-in cost.
    pub unmarked: usize,
    /// Holdings written off or fully exited, counted at 0.
    pub closed: usize,
}

impl PortfolioTotal {
    /// Derive the unfunded amount and the paid-in ratio from the sums.
    fn close(&mut self) {
        self.deal_unfunded = self.deal_committed - self.deal_paid_in;
        self.paid_in_ratio = Ratio::of(self.deal_paid_in, self.deal_committed);
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PortfolioRow {
    pub code: String,
    pub name: String,
    pub kind: FundKind,
    pub parent: Option<String>,
    #[serde(flatten)]
    pub figures: PortfolioTotal,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Portfolio {
    pub as_of: Date,
    pub funds: Vec<PortfolioRow>,
    pub total: PortfolioTotal,
}

/// The funds a report covers: all, or `code` and its descendants (sub-funds, and
/// their own sub-funds if any), parents before children.
pub fn scope(funds: &[Fund], code: Option<&str>) -> Option<Vec<Fund>> {
    let Some(code) = code else {
        return Some(funds.to_vec());
    };
    let root = funds.iter().find(|f| f.code == code)?;
    let mut ids: Vec<i64> = vec![root.id];
    let mut i = 0;
    while i < ids.len() {
        let id = ids[i];
        // Each fund once, even if a file edited outside fundledger had a parent cycle
        // (`Tx::funds` refuses such a file; this never loops either way).
        let children: Vec<i64> = funds
            .iter()
            .filter(|f| f.parent_id == Some(id) && !ids.contains(&f.id))
            .map(|f| f.id)
            .collect();
        ids.extend(children);
        i += 1;
    }
    Some(
        ids.iter()
            .filter_map(|id| funds.iter().find(|f| f.id == *id).cloned())
            .collect(),
    )
}

/// Reference data and positions as of a date, read in one snapshot.
pub struct Snapshot {
    pub funds: Vec<Fund>,
    /// Investor id → the fund that investor is, if it is one.
    pub inv_fund: HashMap<i64, Option<i64>>,
    pub book: Book,
}

/// Build the book of positions as of `as_of`, with one streaming query.
pub fn book_as_of(ledger: &mut Ledger, as_of: Date) -> Result<Snapshot> {
    ledger.read(|tx| {
        let mut book = Book::default();
        tx.for_each_effective(as_of, |e| {
            book.apply(&e);
            Ok(())
        })?;
        snapshot(tx, book)
    })
}

/// A book with the reference data a report needs beside it, from the same snapshot.
fn snapshot(tx: &Tx<'_>, book: Book) -> Result<Snapshot> {
    Ok(Snapshot {
        funds: tx.funds()?,
        inv_fund: tx
            .investors()?
            .into_iter()
            .map(|i| (i.id, i.fund_id))
            .collect(),
        book,
    })
}

/// One fund's figures, folded from its positions one at a time: what `build` needs,
/// without keeping every holding (a 10M-entry ledger has a million of them).
#[derive(Clone, Debug, Default)]
pub struct FundFigures {
    /// (investor id, committed, paid-in) per LP position.
    lps: Vec<(i64, Money, Money)>,
    /// Companies with a commitment (for the total's distinct projects).
    companies: Vec<i64>,
    row: PortfolioTotal,
}

impl FundFigures {
    fn add_lp(&mut self, investor: i64, p: &LpPosition) {
        self.lps.push((investor, p.committed, p.paid_in));
    }

    fn add_holding(&mut self, company: i64, h: &Holding) {
        let r = &mut self.row;
        if !h.committed.is_zero() {
            r.projects += 1;
            self.companies.push(company);
        }
        r.deal_committed += h.committed;
        r.deal_paid_in += h.paid_in;
        r.proceeds += h.proceeds;
        let (v, basis) = h.value();
        r.value += v;
        match basis {
            ValueBasis::Cost => r.unmarked += 1,
            ValueBasis::Closed => r.closed += 1,
            ValueBasis::Mark => {}
        }
    }

    /// Move every position of `book` into the figures of its fund.
    fn drain(figures: &mut HashMap<i64, FundFigures>, book: &mut Book) {
        for ((f, inv), p) in std::mem::take(&mut book.lps) {
            figures.entry(f).or_default().add_lp(inv, &p);
        }
        for ((f, c), h) in std::mem::take(&mut book.holdings) {
            figures.entry(f).or_default().add_holding(c, &h);
        }
    }
}

/// Every position as of `as_of`, from the position summary (store/summary.rs) instead
/// of the whole journal: every summary row of an earlier year, and of `as_of`'s year
/// when its entries all lie on or before `as_of` (always so at today's date and at a
/// year's end, the checkpoints); a position whose row of that year has entries after
/// `as_of` gets that year's entries up to `as_of` from the journal. `drain` receives a
/// book of one or more whole positions at a time and takes them out of it, so memory
/// holds one position rather than all. Identical to a full replay (property-tested
/// below, and for `report leverage` in reports/leverage.rs).
pub fn fold_positions(tx: &Tx<'_>, as_of: Date, mut drain: impl FnMut(&mut Book)) -> Result<()> {
    let year = as_of.year();
    let day = as_of.to_string();
    // The position being read, and the positions that need the journal.
    let mut current = Book::default();
    let mut current_key: Option<(i64, bool, i64)> = None;
    let mut current_partial = false;
    let mut partial = Book::default();
    let mut partial_keys: HashSet<(i64, bool, i64)> = HashSet::new();
    let mut finish = |current: &mut Book, partial_now: bool, drain: &mut dyn FnMut(&mut Book)| {
        if partial_now {
            partial.lps.append(&mut current.lps);
            partial.holdings.append(&mut current.holdings);
        } else {
            drain(current);
        }
    };
    tx.for_each_position_year(year, |y| {
        let key = (y.fund_id, y.is_lp, y.counterparty_id);
        if current_key != Some(key) {
            finish(&mut current, current_partial, &mut drain);
            current_key = Some(key);
            current_partial = false;
        }
        if y.year == year && y.last_date > day {
            current_partial = true;
            partial_keys.insert(key);
        } else {
            current.add_year(&y);
        }
        Ok(())
    })?;
    finish(&mut current, current_partial, &mut drain);
    if !partial_keys.is_empty() {
        let from = Date::from_ymd_opt(year, 1, 1).expect("1 January exists");
        tx.for_each_effective_between(from, as_of, |e| {
            let key = match (e.fund_id, e.investor_id, e.company_id) {
                (Some(f), Some(i), _) => (f, true, i),
                (Some(f), None, Some(c)) => (f, false, c),
                _ => return Ok(()),
            };
            if partial_keys.contains(&key) {
                partial.apply(&e);
            }
            Ok(())
        })?;
        drain(&mut partial);
    }
    Ok(())
}

/// Per-fund figures as of `as_of`, folded from [`fold_positions`].
pub fn summary_figures(tx: &Tx<'_>, as_of: Date) -> Result<HashMap<i64, FundFigures>> {
    let mut figures: HashMap<i64, FundFigures> = HashMap::new();
    fold_positions(tx, as_of, |b| FundFigures::drain(&mut figures, b))?;
    Ok(figures)
}

pub fn portfolio(ledger: &mut Ledger, as_of: Date, fund: Option<&str>) -> Result<Portfolio> {
    let (funds, inv_fund, figures) = ledger.read(|tx| {
        let figures = summary_figures(tx, as_of)?;
        let Snapshot {
            funds, inv_fund, ..
        } = snapshot(tx, Book::default())?;
        Ok((funds, inv_fund, figures))
    })?;
    let shown = match scope(&funds, fund) {
        Some(s) => s,
        None => {
            let code = fund.unwrap_or_default();
            let codes = ledger.read(|tx| tx.codes(CodeTable::Funds))?;
            return Err(unknown("fund", code, codes));
        }
    };
    Ok(build_from(as_of, &shown, &inv_fund, &figures))
}

/// Pure assembly of the report from a book.
pub fn build(
    as_of: Date,
    shown: &[Fund],
    inv_fund: &HashMap<i64, Option<i64>>,
    book: &Book,
) -> Portfolio {
    let mut book = book.clone();
    let mut figures = HashMap::new();
    FundFigures::drain(&mut figures, &mut book);
    build_from(as_of, shown, inv_fund, &figures)
}

/// Pure assembly of the report from each fund's figures.
pub fn build_from(
    as_of: Date,
    shown: &[Fund],
    inv_fund: &HashMap<i64, Option<i64>>,
    figures: &HashMap<i64, FundFigures>,
) -> Portfolio {
    let shown_ids: HashSet<i64> = shown.iter().map(|f| f.id).collect();
    let mut rows = Vec::with_capacity(shown.len());
    let mut t = PortfolioTotal::default();
    let mut companies: BTreeSet<i64> = BTreeSet::new();
    let none = FundFigures::default();
    for f in shown {
        let fig = figures.get(&f.id).unwrap_or(&none);
        let mut r = fig.row.clone();
        for (inv, committed, paid_in) in &fig.lps {
            r.lp_committed += *committed;
            r.lp_paid_in += *paid_in;
            let internal = inv_fund
                .get(inv)
                .copied()
                .flatten()
                .is_some_and(|fid| shown_ids.contains(&fid));
            if !internal {
                t.lp_committed += *committed;
                t.lp_paid_in += *paid_in;
            }
        }
        companies.extend(fig.companies.iter().copied());
        r.close();
        t.deal_committed += r.deal_committed;
        t.deal_paid_in += r.deal_paid_in;
        t.value += r.value;
        t.proceeds += r.proceeds;
        t.unmarked += r.unmarked;
        t.closed += r.closed;
        rows.push(PortfolioRow {
            code: f.code.clone(),
            name: f.name.clone(),
            kind: f.kind,
            parent: f.parent.clone(),
            figures: r,
        });
    }
    t.projects = companies.len();
    t.close();
    Portfolio {
        as_of,
        funds: rows,
        total: t,
    }
}

#[cfg(test)]
mod summary_tests {
    //! The position summary against a full replay of the journal, on random ledgers
    //! with back-dated entries and reversals written in several transactions.
    use proptest::prelude::*;

    use super::*;
    use crate::domain::{EntryKind, NewEntry};
    use crate::ops::{add_company, CompanyInput};

    /// One step: an entry (kind, fund, counterparty, day, amount in fen, detail), a
    /// reversal of the n-th entry so far (if it can be reversed), or a commit.
    #[derive(Clone, Debug)]
    enum Step {
        Entry(usize, i64, i64, i64, i64, usize),
        Reverse(usize),
        Commit,
    }

    const KINDS: [EntryKind; 9] = [
        EntryKind::LpCommit,
        EntryKind::LpPay,
        EntryKind::LpDistribute,
        EntryKind::DealCommit,
        EntryKind::DealPay,
        EntryKind::DealValue,
        EntryKind::DealProceeds,
        EntryKind::DealWriteOff,
        EntryKind::DealValue,
    ];

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            8 => (0usize..9, 0i64..2, 0i64..3, 0i64..(5 * 365), 1i64..1_000_000, 0usize..3)
                .prop_map(|(k, f, c, d, a, x)| Step::Entry(k, f, c, d, a, x)),
            2 => (0usize..1000).prop_map(Step::Reverse),
            1 => Just(Step::Commit),
        ]
    }

    fn ledger() -> (tempfile::TempDir, Ledger, Vec<i64>, Vec<i64>, Vec<i64>) {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::create(&dir.path().join("l.db")).unwrap();
        let mut funds = Vec::new();
        let mut investors = Vec::new();
        let mut companies = Vec::new();
        for i in 0..2 {
            funds.push(crate::testutil::guidance_fund(&mut l, &format!("F{i}")));
            investors.push(crate::testutil::government(&mut l, &format!("I{i}")));
        }
        for i in 0..3 {
            let c = add_company(
                &mut l,
                "t",
                CompanyInput {
                    code: format!("C{i}"),
                    name: format!("company {i}"),
                    sector: None,
                    region: None,
                    uscc: None,
                    stage: None,
                },
            )
            .unwrap();
            companies.push(c.id);
        }
        (dir, l, funds, investors, companies)
    }

    fn day(n: i64) -> Date {
        Date::from_ymd_opt(2019, 1, 1).unwrap() + chrono::Duration::days(n)
    }

    /// Write the steps: entries in the order given (so dates go back and forth), each
    /// `Commit` ending a transaction.
    fn write(l: &mut Ledger, steps: &[Step], ids: (&[i64], &[i64], &[i64])) {
        let (funds, investors, companies) = ids;
        let mut written: Vec<(i64, bool)> = Vec::new(); // (id, reversed)
        for chunk in steps.split(|s| matches!(s, Step::Commit)) {
            l.write("t", |tx| {
                for s in chunk {
                    match s {
                        Step::Entry(k, f, c, d, a, x) => {
                            let kind = KINDS[*k];
                            let mut n = NewEntry::new(kind, day(*d));
                            n.fund_id = Some(funds[*f as usize]);
                            if kind.as_str().starts_with("lp-") {
                                n.investor_id = Some(investors[(*c % 2) as usize]);
                            } else {
                                n.company_id = Some(companies[*c as usize]);
                            }
                            if kind != EntryKind::DealWriteOff {
                                n.amount = Some(Money::from_fen(*a));
                            }
                            if kind == EntryKind::DealProceeds {
                                n.detail =
                                    Some(["dividend", "partial-exit", "exit"][*x].to_string());
                            }
                            let id = tx.append_entry(&n)?;
                            written.push((id, false));
                        }
                        Step::Reverse(i) => crate::testutil::reverse_nth(tx, &mut written, *i)?,
                        Step::Commit => {}
                    }
                }
                Ok(())
            })
            .unwrap();
        }
    }

    fn replay(l: &mut Ledger, as_of: Date) -> Portfolio {
        let snap = book_as_of(l, as_of).unwrap();
        build(as_of, &snap.funds, &snap.inv_fund, &snap.book)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn summary_reports_equal_a_full_replay(
            steps in proptest::collection::vec(step(), 1..60),
            dates in proptest::collection::vec(0i64..(6 * 365), 4),
        ) {
            let (_dir, mut l, funds, investors, companies) = ledger();
            write(&mut l, &steps, (&funds, &investors, &companies));
            let mut as_ofs: Vec<Date> = dates.iter().map(|d| day(*d)).collect();
            // Checkpoints (year ends), a day before and after one, and a day after all.
            as_ofs.extend([
                day(0).with_ordinal(365).unwrap(),
                Date::from_ymd_opt(2021, 12, 31).unwrap(),
                Date::from_ymd_opt(2022, 1, 1).unwrap(),
                Date::from_ymd_opt(2030, 6, 30).unwrap(),
            ]);
            for as_of in as_ofs {
                let fast = portfolio(&mut l, as_of, None).unwrap();
                let full = replay(&mut l, as_of);
                prop_assert_eq!(&fast, &full, "as of {}", as_of);
                // Identical as printed too (a decimal's scale shows in JSON).
                prop_assert_eq!(
                    serde_json::to_string(&fast).unwrap(),
                    serde_json::to_string(&full).unwrap()
                );
                // `report returns --by fund` reads both summaries.
                let q = crate::reports::returns::ReturnsQuery {
                    as_of,
                    fund: None,
                    by: crate::reports::returns::By::Fund,
                    benchmark: None,
                    look_through: false,
                };
                let fast = crate::reports::returns::returns(&mut l, &q).unwrap();
                let full = crate::reports::returns::returns_by_replay(&mut l, &q).unwrap();
                prop_assert_eq!(&fast, &full, "returns as of {}", as_of);
                prop_assert_eq!(
                    serde_json::to_string(&fast).unwrap(),
                    serde_json::to_string(&full).unwrap()
                );
            }
            // The summaries kept in step equal ones rebuilt from the journal.
            let (diff, n) = l.read(|tx| tx.summary_differences(10)).unwrap();
            prop_assert_eq!(n, 0, "{:?}", diff);
            let (diff, n) = l.read(|tx| tx.flow_day_differences(10)).unwrap();
            prop_assert_eq!(n, 0, "{:?}", diff);
        }
    }

    #[test]
    fn a_tampered_summary_is_found_and_reindex_repairs_it() {
        let (_dir, mut l, funds, investors, companies) = ledger();
        let steps = [
            Step::Entry(3, 0, 0, 10, 500_000, 0),
            Step::Entry(4, 0, 0, 20, 200_000, 0),
            Step::Entry(5, 0, 0, 400, 900_000, 0),
            Step::Entry(5, 0, 0, 420, 800_000, 0),
            Step::Reverse(3),
        ];
        write(&mut l, &steps, (&funds, &investors, &companies));
        // The reversed 2020 mark (800,000 fen) gives way to the earlier one.
        let p = portfolio(&mut l, day(1000), None).unwrap();
        assert_eq!(p.total.value, Money::from_fen(900_000));
        l.connection()
            .execute(
                "UPDATE position_years SET paid_in_fen = paid_in_fen + 1 WHERE year = 2019",
                [],
            )
            .unwrap();
        let (diff, n) = l.read(|tx| tx.summary_differences(10)).unwrap();
        assert_eq!(n, 1);
        assert_eq!(diff[0].0.as_ref().unwrap().paid_in_fen, 200_001);
        assert_eq!(diff[0].1.as_ref().unwrap().paid_in_fen, 200_000);
        // The flow summary too: the 200,000 fen deal payment of day 20 (2019-01-21),
        // one row removed behind the ledger's back and one added.
        l.connection()
            .execute_batch(
                "DELETE FROM fund_flow_days;
                 INSERT INTO fund_flow_days VALUES (1, '2019-02-01', 0, 5, 0, 0);",
            )
            .unwrap();
        let (diff, n) = l.read(|tx| tx.flow_day_differences(10)).unwrap();
        assert_eq!(n, 2);
        let expected = diff[0].1.unwrap();
        assert_eq!(diff[0].0, None);
        assert_eq!((expected.day, expected.deal_paid), (day(20), 200_000));
        let stored = diff[1].0.unwrap();
        assert_eq!(diff[1].1, None);
        assert_eq!((stored.day, stored.deal_proceeds), (day(31), 5));
        l.write("t", |tx| tx.rebuild_summary()).unwrap();
        let (_, n) = l.read(|tx| tx.summary_differences(10)).unwrap();
        assert_eq!(n, 0);
        let (_, n) = l.read(|tx| tx.flow_day_differences(10)).unwrap();
        assert_eq!(n, 0);
    }
}
