//! Fuzz targets, one per parser that reads what users type or files they bring:
//! amounts, dates, codes, CSV import rows and JSON restores. Each runs a bounded number
//! of generated cases (proptest, stable Rust) in every `cargo test`, and asserts that
//! nothing panics and that whatever is refused leaves the ledger unchanged.

mod common;

use std::path::Path;

use fundledger::codes::{check_code, is_code_char, MAX_CODE_CHARS};
use fundledger::date::parse_date;
use fundledger::money::{parse_amount, MAX_INPUT_YUAN};
use fundledger::ops::import::{import, ImportOptions};
use fundledger::store::Ledger;
use proptest::prelude::*;

/// Strings made of the pieces these parsers look for, so generated cases get past the
/// first character and into the interesting branches.
fn pieces(parts: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::collection::vec(prop::sample::select(parts), 0..8).prop_map(|v| v.concat())
}

const AMOUNT_PARTS: &[&str] = &[
    "0",
    "1",
    "9",
    "12",
    "345",
    ",",
    ".",
    "万",
    "亿",
    "元",
    "万亿",
    "¥",
    "￥",
    "-",
    "−",
    " ",
    "e",
    "00",
    "999999999999999",
    "\u{200b}",
    "１",
];
const DATE_PARTS: &[&str] = &[
    "2021", "1899", "0000", "9999", "-", "/", "年", "月", "日", "02", "2", "29", "30", "31", "13",
    " ", "x", "１",
];
const CODE_PARTS: &[&str] = &[
    "S", "C", "c", "-", "_", ".", "１", "Ｓ", "\u{200b}", "\u{1b}", " ", "基", "Ѕ", "\u{feff}",
    "\u{301}",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn amounts_never_panic_and_stay_in_range(
        s in prop_oneof![pieces(AMOUNT_PARTS), any::<String>()]
    ) {
        if let Ok(m) = parse_amount(&s) {
            prop_assert!(!m.is_negative());
            prop_assert!(m.fen() <= MAX_INPUT_YUAN * 100);
            // What was accepted reads back as itself.
            prop_assert_eq!(parse_amount(&m.to_plain()).unwrap(), m);
        }
    }

    #[test]
    fn dates_never_panic_and_stay_in_range(
        s in prop_oneof![pieces(DATE_PARTS), any::<String>()]
    ) {
        if let Ok(d) = parse_date(&s) {
            prop_assert!(d.to_string().as_str() >= "1900-01-01");
            prop_assert_eq!(parse_date(&d.to_string()).unwrap(), d);
        }
    }

    #[test]
    fn codes_never_panic_and_keep_to_the_alphabet(
        s in prop_oneof![pieces(CODE_PARTS), any::<String>()]
    ) {
        if let Ok(c) = check_code("fund", &s) {
            prop_assert!(!c.is_empty() && c.chars().count() <= MAX_CODE_CHARS);
            prop_assert!(c.chars().all(is_code_char), "{:?}", c);
            prop_assert_eq!(check_code("fund", &c).unwrap(), c.clone());
        }
    }
}

/// A ledger with reference data and a few entries, built once and copied per case.
fn base(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("base.db");
    let mut l = Ledger::create(&path).unwrap();
    let setup = "type,code,name,kind,investor_type,parent,fund,investor,company,amount,date\n\
                 fund,G,引导基金,guidance,,,,,,,\n\
                 fund,S,子基金,sub-fund,,G,,,,,\n\
                 investor,GOV,财政局,,government,,,,,,\n\
                 company,A,甲公司,,,,,,,,\n\
                 lp-commit,,,,,,G,GOV,,1000万,2020-01-01\n\
                 lp-pay,,,,,,G,GOV,,500万,2020-02-01\n\
                 deal-commit,,,,,,S,,A,300万,2020-03-01\n\
                 deal-pay,,,,,,S,,A,100万,2020-03-15\n";
    import(&mut l, "setup", setup.as_bytes(), &opts(), &mut |_, _| {}).unwrap();
    path
}

fn opts() -> ImportOptions {
    ImportOptions {
        file_name: "fuzz".into(),
        allow_duplicate: true,
        ..ImportOptions::default()
    }
}

/// Import `bytes` into a copy of `src`; a refusal must leave the copy as it was.
fn import_checked(src: &Path, dir: &Path, n: usize, bytes: &[u8]) -> Result<(), TestCaseError> {
    let db = dir.join(format!("case{n}.db"));
    if src.exists() {
        std::fs::copy(src, &db).unwrap();
    } else {
        drop(Ledger::create(&db).unwrap());
    }
    let before = common::dump(&db);
    let mut l = Ledger::open(&db).unwrap();
    let outcome = import(&mut l, "fuzzer", bytes, &opts(), &mut |_, _| {});
    drop(l);
    if outcome.is_err() {
        prop_assert_eq!(
            before,
            common::dump(&db),
            "refused but changed: {:?}",
            outcome
        );
    }
    std::fs::remove_file(&db).unwrap();
    Ok(())
}

const CSV_TYPES: &[&str] = &[
    "fund",
    "investor",
    "company",
    "lp-commit",
    "lp-pay",
    "deal-commit",
    "deal-pay",
    "deal-value",
    "deal-proceeds",
    "deal-write-off",
    "loan",
    "loan-repay",
    "grant",
    "bogus",
    "",
];
const CSV_CELLS: &[&str] = &[
    "",
    "G",
    "S",
    "GOV",
    "A",
    "B",
    "Ｇ",
    "g",
    "100",
    "1万",
    "-5",
    "12.345",
    "10万亿",
    "2020-03-20",
    "2021-02-30",
    "1899-01-01",
    "2099-01-01",
    "guidance",
    "sub-fund",
    "social",
    "x\u{1b}y",
    "\"a,b\"",
    "exit",
    "cost",
    "CY-1",
];
const CSV_HEADERS: &[&str] = &[
    "type,code,name,kind,investor_type,parent,fund,investor,company,amount,date,method",
    "type,fund,company,amount,date,amount",
    "type,fund,company,amount,date",
    "type,code,name,kind,ammount",
    "code,name",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// CSV files of plausible and implausible rows: never a panic; refused ⇒ unchanged.
    #[test]
    fn csv_import_never_panics_and_refusals_change_nothing(
        header in prop::sample::select(CSV_HEADERS),
        rows in proptest::collection::vec(
            (prop::sample::select(CSV_TYPES),
             proptest::collection::vec(prop::sample::select(CSV_CELLS), 0..14)),
            0..6),
        noise in proptest::option::of(any::<Vec<u8>>()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let src = base(dir.path());
        let mut text = format!("{header}\n");
        for (t, cells) in &rows {
            text.push_str(t);
            for c in cells {
                text.push(',');
                text.push_str(c);
            }
            text.push('\n');
        }
        let mut bytes = text.into_bytes();
        if let Some(n) = noise {
            bytes.extend(n);
        }
        import_checked(&src, dir.path(), 0, &bytes)?;
    }

    /// A real export with one field replaced by an arbitrary value: never a panic;
    /// refused ⇒ the empty ledger stays empty.
    #[test]
    fn json_restore_never_panics_and_refusals_change_nothing(
        pick in 0usize..10_000,
        value in prop_oneof![
            any::<i64>().prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::from),
            prop::sample::select(&["2021-02-30", "yesterday", "-1", "0", "9", "1e3", "reversal", "G"][..])
                .prop_map(serde_json::Value::from),
            Just(serde_json::Value::Null),
        ],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let src = base(dir.path());
        let mut l = Ledger::open(&src).unwrap();
        let doc = fundledger::reports::export::export(&mut l).unwrap();
        drop(l);
        let mut v = serde_json::to_value(&doc).unwrap();
        // Replace the scalar leaf `pick` lands on (leaves counted depth first).
        let mut k = pick % count_leaves(&v);
        prop_assert!(replace_leaf(&mut v, &mut k, &value));
        let bytes = serde_json::to_vec(&v).unwrap();
        import_checked(&dir.path().join("absent.db"), dir.path(), 1, &bytes)?;
    }
}

fn count_leaves(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::Object(m) => m.values().map(count_leaves).sum(),
        serde_json::Value::Array(a) => a.iter().map(count_leaves).sum(),
        _ => 1,
    }
}

/// Replace the `k`-th scalar leaf of `v` (depth first) with `new`.
fn replace_leaf(v: &mut serde_json::Value, k: &mut usize, new: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => m.values_mut().any(|x| replace_leaf(x, k, new)),
        serde_json::Value::Array(a) => a.iter_mut().any(|x| replace_leaf(x, k, new)),
        leaf if *k == 0 => {
            *leaf = new.clone();
            true
        }
        _ => {
            *k -= 1;
            false
        }
    }
}
