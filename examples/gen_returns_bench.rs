//! Generate the `report returns` benchmark ledger: 1,000 funds × 100 holdings × 10
//! entries (1,000,000 deal entries) plus LP commitments, payments and distributions,
//! one reversal per fund, and a daily index file for `--benchmark`.
//!
//! Every entry goes through `ops::record_many` (one IMMEDIATE transaction per fund),
//! so each one passes the same rules as `fundledger` would apply: nothing is
//! bypassed, and the hash chain is real. Deterministic: the same seed gives the same
//! ledger.
//!
//! Usage: cargo run --release --example gen_returns_bench -- OUT.db [OUT-index.csv] [FUNDS]
//! (scripts/bench-returns.sh runs it and times the report).

use std::io::Write;
use std::path::PathBuf;

use fundledger::date::Date;
use fundledger::domain::{EntryKind, FundKind, InvestorType};
use fundledger::money::Money;
use fundledger::ops::{self, CompanyInput, EntryRequest, FundInput, InvestorInput};
use fundledger::store::Ledger;

/// splitmix64: small, deterministic, good enough for synthetic data.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo) as u64) as i64
    }
}

const HOLDINGS_PER_FUND: usize = 100;
const FUNDS_PER_GUIDANCE: usize = 100;
const ACTOR: &str = "bench-generator";

fn day(base: Date, days: i64) -> Date {
    base + chrono::Days::new(days as u64)
}

fn req(
    kind: EntryKind,
    fund: &str,
    cp: &str,
    fen: Option<i64>,
    date: Date,
    detail: Option<&str>,
) -> EntryRequest {
    EntryRequest {
        kind,
        fund: fund.to_string(),
        counterparty: cp.to_string(),
        amount: fen.map(Money::from_fen),
        date,
        detail: detail.map(String::from),
        memo: None,
        reinvest_weight: None,
    }
}

/// Ten entries for one holding, in date order: commit, three payments, three marks, a
/// dividend, a mark, then an exit (60%), a write-off (20%) or another mark (20%, still
/// held).
fn holding(
    rng: &mut Rng,
    fund: &str,
    company: &str,
    start: Date,
    proceeds: &mut Vec<(Date, i64)>,
) -> Vec<EntryRequest> {
    let tranche: Vec<i64> = (0..3)
        .map(|_| rng.range(100_000_000, 1_000_000_000))
        .collect();
    let committed: i64 = tranche.iter().sum();
    let mut v = vec![req(
        EntryKind::DealCommit,
        fund,
        company,
        Some(committed),
        start,
        None,
    )];
    let mut d = start;
    for t in &tranche {
        v.push(req(EntryKind::DealPay, fund, company, Some(*t), d, None));
        d = day(d, rng.range(150, 400));
    }
    for _ in 0..3 {
        let mark = committed / 100 * rng.range(30, 300);
        v.push(req(
            EntryKind::DealValue,
            fund,
            company,
            Some(mark.max(1)),
            d,
            Some("appraisal"),
        ));
        d = day(d, rng.range(200, 400));
    }
    let dividend = committed / 1000 * rng.range(5, 80);
    v.push(req(
        EntryKind::DealProceeds,
        fund,
        company,
        Some(dividend),
        d,
        Some("dividend"),
    ));
    proceeds.push((d, dividend));
    d = day(d, rng.range(60, 250));
    let mark = committed / 100 * rng.range(30, 300);
    v.push(req(
        EntryKind::DealValue,
        fund,
        company,
        Some(mark.max(1)),
        d,
        Some("appraisal"),
    ));
    d = day(d, rng.range(60, 250));
    match rng.range(0, 10) {
        0..=5 => {
            let exit = committed / 100 * rng.range(20, 400);
            v.push(req(
                EntryKind::DealProceeds,
                fund,
                company,
                Some(exit),
                d,
                Some("exit"),
            ));
            proceeds.push((d, exit));
        }
        6 | 7 => v.push(req(EntryKind::DealWriteOff, fund, company, None, d, None)),
        _ => {
            let mark = committed / 100 * rng.range(30, 300);
            v.push(req(
                EntryKind::DealValue,
                fund,
                company,
                Some(mark.max(1)),
                d,
                Some("appraisal"),
            ));
        }
    }
    v
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: gen_returns_bench OUT.db [OUT-index.csv] [FUNDS]")?,
    );
    let index = args.next().map(PathBuf::from);
    let n_funds: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(1000);
    let mut ledger = Ledger::create(&out)?;
    let mut rng = Rng(20260630);
    let base = Date::from_ymd_opt(2012, 1, 1).expect("date");

    for c in 0..HOLDINGS_PER_FUND {
        ops::add_company(
            &mut ledger,
            ACTOR,
            CompanyInput {
                code: format!("C{c:03}"),
                name: format!("基准公司{c:03}"),
                sector: None,
                region: None,
                uscc: None,
                stage: None,
            },
        )?;
    }
    let investors: Vec<String> = (0..20).map(|i| format!("LP{i:02}")).collect();
    for (i, code) in investors.iter().enumerate() {
        let t = if i < 5 {
            InvestorType::Government
        } else {
            InvestorType::Social
        };
        ops::add_investor(
            &mut ledger,
            ACTOR,
            InvestorInput {
                code: code.clone(),
                name: format!("出资人{i:02}"),
                investor_type: t,
            },
        )?;
    }

    // Guidance funds G00, G01, … each with sub-funds G00-001 … (the guidance fund is
    // an LP of each of its sub-funds, so NAVs are valued through stakes).
    let mut funds: Vec<(String, Option<String>)> = Vec::new();
    for g in 0..n_funds.div_ceil(FUNDS_PER_GUIDANCE) {
        let gcode = format!("G{g:02}");
        funds.push((gcode.clone(), None));
        for s in 1..FUNDS_PER_GUIDANCE {
            if funds.len() < n_funds {
                funds.push((format!("{gcode}-{s:03}"), Some(gcode.clone())));
            }
        }
    }
    funds.truncate(n_funds);
    for (code, parent) in &funds {
        ops::add_fund(
            &mut ledger,
            ACTOR,
            FundInput {
                code: code.clone(),
                name: format!("基准基金{code}"),
                kind: if parent.is_some() {
                    FundKind::SubFund
                } else {
                    FundKind::Guidance
                },
                parent: parent.clone(),
                manager: None,
                inception: None,
                region: None,
            },
        )?;
    }

    // Entries of sub-funds first: they distribute to their guidance fund, whose own
    // distributions then rest on those.
    funds.sort_by_key(|(_, parent)| parent.is_none());
    let started = std::time::Instant::now();
    let mut total = 0usize;
    // What each guidance fund pays into its sub-funds, to size its own LP capital.
    let mut into_subfunds: std::collections::HashMap<String, i64> =
        std::collections::HashMap::new();
    for (k, (code, parent)) in funds.iter().enumerate() {
        let mut reqs = Vec::new();
        let mut proceeds: Vec<(Date, i64)> = Vec::new();
        let fund_start = day(base, rng.range(0, 720));
        let mut deals = Vec::new();
        for c in 0..HOLDINGS_PER_FUND {
            let start = day(fund_start, rng.range(60, 1500));
            deals.extend(holding(
                &mut rng,
                code,
                &format!("C{c:03}"),
                start,
                &mut proceeds,
            ));
        }
        // LP capital covers the deals with a quarter to spare: committed at the start,
        // paid in four annual calls of a fifth each (80% called).
        let deal_total: i64 = deals
            .iter()
            .filter(|r| r.kind == EntryKind::DealCommit)
            .filter_map(|r| r.amount)
            .map(Money::fen)
            .sum();
        let need = deal_total + into_subfunds.get(code).copied().unwrap_or(0);
        let mut lps: Vec<String> = parent.iter().cloned().collect();
        let first = rng.range(0, investors.len() as i64) as usize;
        lps.push(investors[first].clone());
        lps.push(investors[(first + 7) % investors.len()].clone());
        for lp in &lps {
            let commit = need * 5 / 4 / lps.len() as i64 * 5 / 4;
            reqs.push(req(
                EntryKind::LpCommit,
                code,
                lp,
                Some(commit),
                fund_start,
                None,
            ));
            for p in 0..4 {
                reqs.push(req(
                    EntryKind::LpPay,
                    code,
                    lp,
                    Some(commit / 5),
                    day(fund_start, 30 + p * 365),
                    None,
                ));
            }
            if let Some(parent) = parent.as_ref().filter(|p| *p == lp) {
                *into_subfunds.entry(parent.clone()).or_default() += commit / 5 * 4;
            }
        }
        reqs.extend(deals);
        // Year-end distributions of 80% of what came in and was not yet paid out,
        // split equally between the LPs (the last takes the odd fen).
        proceeds.sort();
        let mut distributed = 0i64;
        for year in 2014..=2025 {
            let year_end = Date::from_ymd_opt(year, 12, 31).expect("date");
            let received: i64 = proceeds
                .iter()
                .filter(|(d, _)| *d <= year_end)
                .map(|(_, a)| a)
                .sum();
            let pay = (received - distributed) * 8 / 10;
            if pay < lps.len() as i64 * 100 {
                continue;
            }
            let each = pay / lps.len() as i64;
            for (i, lp) in lps.iter().enumerate() {
                let amount = if i + 1 == lps.len() {
                    pay - each * (lps.len() as i64 - 1)
                } else {
                    each
                };
                reqs.push(req(
                    EntryKind::LpDistribute,
                    code,
                    lp,
                    Some(amount),
                    year_end,
                    Some("gain"),
                ));
            }
            distributed += pay;
        }
        let ids = ops::record_many(&mut ledger, ACTOR, &reqs)?;
        total += ids.len();
        // One correction per fund, as a real journal has: a mark reversed.
        let mark = reqs
            .iter()
            .position(|r| r.kind == EntryKind::DealValue)
            .expect("a mark");
        ops::reverse(
            &mut ledger,
            ACTOR,
            ids[mark],
            "benchmark: mark keyed against the wrong date",
        )?;
        total += 1;
        if (k + 1) % 50 == 0 {
            eprintln!(
                "{} funds, {total} entries, {:.0?}",
                k + 1,
                started.elapsed()
            );
        }
    }
    eprintln!(
        "wrote {} ({total} entries in {:.1?})",
        out.display(),
        started.elapsed()
    );

    if let Some(path) = index {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
        writeln!(f, "date,level")?;
        let mut level: i64 = 1_000_000; // in 1/10000 points
        let mut d = Date::from_ymd_opt(2011, 1, 3).expect("date");
        let end = Date::from_ymd_opt(2026, 12, 31).expect("date");
        while d <= end {
            use chrono::Datelike;
            if d.weekday().number_from_monday() <= 5 {
                writeln!(f, "{d},{}.{:04}", level / 10_000, level % 10_000)?;
                level += level * (rng.range(0, 2001) - 990) / 100_000;
            }
            d = day(d, 1);
        }
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
