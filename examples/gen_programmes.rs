//! Generate a synthetic ledger of guidance-fund programmes, for measuring
//! `report leverage` and `report portfolio --look-through` (scripts/bench-leverage.sh).
//!
//! Usage: gen_programmes OUT.db GUIDANCE SUBS_PER_GUIDANCE HOLDINGS_PER_SUB
//!
//! Every guidance fund has a government LP and SUBS sub-funds; each sub-fund has the
//! guidance fund and two other LPs, HOLDINGS companies, and per holding a commitment
//! (every third with a 返投 weight), two payments and a valuation mark: 5 entries per
//! holding. Entries go through the library's own `record_many`, so every rule is
//! checked and the hash chain is real. Deterministic: the same arguments give the same
//! figures.

use std::path::PathBuf;

use fundledger::date::parse_date;
use fundledger::domain::{Company, EntryKind, FundKind, InvestorType};
use fundledger::money::Money;
use fundledger::ops::{self, EntryRequest, FundInput, InvestorInput};
use fundledger::policy::Factor;
use fundledger::store::Ledger;

fn arg(i: usize) -> usize {
    std::env::args()
        .nth(i)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            eprintln!("usage: gen_programmes OUT.db GUIDANCE SUBS_PER_GUIDANCE HOLDINGS_PER_SUB");
            std::process::exit(2)
        })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_default());
    let (guidance, subs, holdings) = (arg(2), arg(3), arg(4));
    let mut l = Ledger::create(&out)?;
    let by = "generator";
    let d = |s: &str| parse_date(s).expect("fixed date");
    let req = |kind, fund: &str, cp: &str, yuan: i64, date: &str| EntryRequest {
        kind,
        fund: fund.to_string(),
        counterparty: cp.to_string(),
        amount: Some(Money::yuan(yuan)),
        date: d(date),
        detail: None,
        memo: None,
        reinvest_weight: None,
    };
    for (code, t) in [
        ("GOV", InvestorType::Government),
        ("SOE", InvestorType::StateOwned),
        ("SOC", InvestorType::Social),
    ] {
        let input = InvestorInput {
            code: code.into(),
            name: code.into(),
            investor_type: t,
        };
        ops::add_investor(&mut l, by, input)?;
    }
    let regions = ["昆明市", "昆明市", "上海市"];
    let mut entries = 0usize;
    for g in 0..guidance {
        let gc = format!("G{g}");
        let fund = |code: &str, kind, parent: Option<&str>| FundInput {
            code: code.into(),
            name: format!("基金{code}"),
            kind,
            parent: parent.map(String::from),
            manager: None,
            inception: Some(d("2015-01-01")),
            region: Some("昆明市".into()),
        };
        ops::add_fund(&mut l, by, fund(&gc, FundKind::Guidance, None))?;
        let size = 100_000_000 * subs as i64;
        let mut batch = vec![
            req(EntryKind::LpCommit, &gc, "GOV", size, "2015-01-01"),
            req(EntryKind::LpPay, &gc, "GOV", size / 2, "2015-02-01"),
        ];
        for s in 0..subs {
            let sc = format!("G{g}-S{s}");
            ops::add_fund(&mut l, by, fund(&sc, FundKind::SubFund, Some(&gc)))?;
            batch.push(req(EntryKind::LpCommit, &sc, &gc, 40_000_000, "2016-01-01"));
            batch.push(req(
                EntryKind::LpCommit,
                &sc,
                "SOE",
                20_000_000,
                "2016-01-01",
            ));
            batch.push(req(
                EntryKind::LpCommit,
                &sc,
                "SOC",
                40_000_000,
                "2016-01-01",
            ));
            batch.push(req(EntryKind::LpPay, &sc, &gc, 30_000_000, "2016-02-01"));
            batch.push(req(EntryKind::LpPay, &sc, "SOE", 15_000_000, "2016-02-01"));
            batch.push(req(EntryKind::LpPay, &sc, "SOC", 30_000_000, "2016-02-01"));
            // Companies in one transaction: one fsync, not one per company.
            l.write(by, |tx| {
                for h in 0..holdings {
                    let cc = format!("C{g}-{s}-{h}");
                    tx.insert_company(&Company {
                        id: 0,
                        name: format!("公司{cc}"),
                        code: cc,
                        sector: None,
                        region: Some(regions[h % regions.len()].into()),
                        uscc: None,
                        stage: None,
                    })?;
                }
                Ok(())
            })?;
            for h in 0..holdings {
                let cc = format!("C{g}-{s}-{h}");
                let amount = 100_000 + (h as i64 % 97) * 1_000;
                let mut commit = req(EntryKind::DealCommit, &sc, &cc, amount, "2017-01-01");
                if h % 3 == 2 {
                    commit.reinvest_weight =
                        Factor::from_decimal(rust_decimal::Decimal::new(18, 1));
                }
                batch.push(commit);
                batch.push(req(EntryKind::DealPay, &sc, &cc, amount / 2, "2017-02-01"));
                batch.push(req(EntryKind::DealPay, &sc, &cc, amount / 4, "2018-02-01"));
                let mut mark = req(EntryKind::DealValue, &sc, &cc, amount * 2, "2021-12-31");
                mark.detail = Some("appraisal".into());
                batch.push(mark);
            }
        }
        entries += batch.len();
        ops::record_many(&mut l, by, &batch)?;
    }
    println!("wrote {} with {entries} entries", out.display());
    Ok(())
}
