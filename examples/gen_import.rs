//! Generate an import CSV for the import benchmark (scripts/bench-import.sh).
//!
//! `cargo run --release --example gen_import -- ROWS > big.csv`
//!
//! Shape: funds of 1,000 holdings each; every fund has one government LP that commits
//! and pays in; every holding has a commitment, eight paid-in tranches and a valuation
//! (10 rows), so ROWS ≈ 10 × holdings. Amounts are whole yuan, dates spread over 2015–2024.

use std::io::{BufWriter, Write};

fn main() {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let holdings = rows.div_ceil(10);
    let per_fund = 1_000;
    let funds = holdings.div_ceil(per_fund);
    let out = std::io::stdout();
    let mut w = BufWriter::new(out.lock());
    writeln!(
        w,
        "type,code,name,kind,investor_type,fund,investor,company,amount,date,detail"
    )
    .unwrap();
    for f in 0..funds {
        writeln!(w, "fund,F{f:04},基金{f},guidance,,,,,,,").unwrap();
        writeln!(w, "investor,I{f:04},财政{f},,government,,,,,,").unwrap();
    }
    for c in 0..per_fund {
        writeln!(w, "company,C{c:04},公司{c},,,,,,,,").unwrap();
    }
    for f in 0..funds {
        writeln!(w, "lp-commit,,,,,F{f:04},I{f:04},,100亿,2015-01-01,").unwrap();
        writeln!(w, "lp-pay,,,,,F{f:04},I{f:04},,80亿,2015-01-02,").unwrap();
    }
    let mut n = 0;
    'outer: for f in 0..funds {
        for c in 0..per_fund {
            if n >= holdings {
                break 'outer;
            }
            n += 1;
            let year = 2015 + (c % 9);
            writeln!(w, "deal-commit,,,,,F{f:04},,C{c:04},1000000,{year}-01-10,").unwrap();
            for t in 0..8 {
                writeln!(
                    w,
                    "deal-pay,,,,,F{f:04},,C{c:04},{},{year}-{:02}-15,",
                    100_000 + t * 1000,
                    t + 2
                )
                .unwrap();
            }
            writeln!(
                w,
                "deal-value,,,,,F{f:04},,C{c:04},{},{year}-12-31,appraisal",
                900_000 + (c * 7919) % 400_000
            )
            .unwrap();
        }
    }
}
