//! What SQLite alone costs per journal row, for comparison with `import`
//! (docs/benchmarks.md, "import").
//!
//! `cargo run --release --example insert_floor -- [ROWS] [DIR]`
//!
//! Creates a ledger with the real schema (CHECKs, foreign keys, indexes) in DIR (default
//! the system temp directory), adds 20 funds and 1,000 companies, drops the INSERT guard
//! triggers as a bulk import does, and inserts ROWS deal payments (default 1,000,000)
//! with one prepared statement in one transaction, with precomputed values: no parsing,
//! no rules, no hashing. The time per row is the floor under `import`'s.

use std::time::Instant;

use fundledger::store::Ledger;
use rusqlite::params;

fn main() {
    let mut args = std::env::args().skip(1);
    let rows: i64 = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = args
        .next()
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let path = dir.join(format!("insert-floor-{}.db", std::process::id()));
    let ledger = Ledger::create(&path).expect("create ledger");
    let conn = ledger.connection();
    conn.pragma_update(None, "cache_size", -32_768).unwrap();
    conn.execute_batch(
        "BEGIN IMMEDIATE;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
         INSERT INTO companies (code, name, created_at, created_by)
             SELECT printf('C%04d', i), printf('公司%d', i), 'now', 'bench' FROM n;
         WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 19)
         INSERT INTO funds (code, name, kind, created_at, created_by)
             SELECT printf('F%04d', i), printf('基金%d', i), 'guidance', 'now', 'bench' FROM n;
         DROP TRIGGER entries_no_reversal_of_reversal;
         DROP TRIGGER entries_loan_shape;
         DROP TRIGGER entries_reversal_no_loan_fields;",
    )
    .expect("set up");
    // Values as import computes them, made beforehand so only SQLite is timed.
    let dates: Vec<String> = (0..rows)
        .map(|i| format!("{}-{:02}-15", 2015 + i % 9, 1 + i % 12))
        .collect();
    let hashes: Vec<String> = (0..=rows).map(|i| format!("{i:064x}")).collect();
    let started = Instant::now();
    {
        let mut st = conn
            .prepare(
                "INSERT INTO entries (id, kind, effective_date, recorded_at, recorded_by, memo, fund_id,
                     investor_id, company_id, amount_fen, detail, reverses, prev_hash, hash,
                     reinvest_weight_bp, loan_id, grant_id, interest_fen, subsidy_fen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
            )
            .unwrap();
        for i in 0..rows {
            st.execute(params![
                i + 1,
                "deal-pay",
                dates[i as usize],
                "2026-11-30T00:00:00Z",
                "bench",
                None::<String>,
                1 + i % 20,
                None::<i64>,
                1 + (i / 10) % 1000,
                10_000_000_i64, // 100,000.00 yuan in fen
                None::<String>,
                None::<i64>,
                hashes[i as usize],
                hashes[i as usize + 1],
                None::<i64>,
                None::<i64>,
                None::<i64>,
                None::<i64>,
                None::<i64>
            ])
            .expect("insert");
        }
    }
    conn.execute_batch("ROLLBACK").unwrap();
    let secs = started.elapsed().as_secs_f64();
    drop(ledger);
    let _ = std::fs::remove_file(&path);
    println!(
        "{rows} journal rows inserted by SQLite alone: {secs:.2} s, {:.2} µs/row, {:.0} rows/s",
        secs * 1e6 / rows as f64,
        rows as f64 / secs
    );
}
