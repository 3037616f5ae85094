//! Rows as stored, moved between backends (`fundledger copy`, and the local snapshot a
//! command on a PostgreSQL ledger works on): read a table raw, insert rows raw, and a
//! [`Census`] of what a ledger holds, computed the same way from either backend's rows
//! so that a copy is verified by comparing two of them.
//!
//! Raw inserts bypass fundledger's rules but not the database's: every CHECK, foreign
//! key and trigger still applies, and the hash chains are verified from the copied
//! rows, so a copy cannot smuggle in what the source would not hold.

use std::collections::BTreeMap;

use rusqlite::types::{ToSqlOutput, ValueRef};

use super::Tx;
use crate::audit::ChainVerifier;
use crate::error::{Error, Result};
use crate::store::RawEntry;

/// One stored value. Every fundledger column is an integer or text (STRICT on SQLite,
/// BIGINT or TEXT on PostgreSQL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Raw {
    Null,
    Int(i64),
    Text(String),
}

impl Raw {
    /// The value as the hash chains' canonical text carries it.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Raw::Null => None,
            Raw::Int(v) => Some(v.to_string()),
            Raw::Text(t) => Some(t.clone()),
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Raw::Int(v) => Some(*v),
            _ => None,
        }
    }
}

impl rusqlite::ToSql for Raw {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Raw::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Raw::Int(v) => ToSqlOutput::Borrowed(ValueRef::Integer(*v)),
            Raw::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

/// Row count and highest id of one table.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct TableCount {
    pub table: String,
    pub rows: i64,
    pub max_id: i64,
}

/// Entries and money of one entry kind, reversed entries included (each reversal is an
/// entry of its own kind): in fen, summed in Rust as i128, never by SQL over text.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct KindTotal {
    pub kind: String,
    pub entries: i64,
    pub amount_fen: i128,
    pub interest_fen: i128,
    pub subsidy_fen: i128,
}

/// What a ledger holds, as two backends can both compute it from their rows.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Census {
    pub tables: Vec<TableCount>,
    pub kinds: Vec<KindTotal>,
    /// Entries and the last entry's hash: the chain head an auditor notes down.
    pub journal_head: (i64, String),
    /// Seals and the last seal's hash: the reference chain's head.
    pub seal_head: (i64, String),
}

/// Builds a [`Census`] from rows fed table by table in id order, recomputing the
/// journal's hash chain on the way (a break is an error: a copy must be whole).
#[derive(Default)]
pub struct CensusBuilder {
    tables: BTreeMap<String, TableCount>,
    kinds: BTreeMap<String, KindTotal>,
    chain: Option<ChainVerifier>,
    seal_prev: Option<String>,
    seal_head: (i64, String),
    origin: String,
}

impl CensusBuilder {
    /// `origin` names the ledger in errors (a path or a redacted URL).
    pub fn new(origin: &str) -> CensusBuilder {
        CensusBuilder {
            chain: Some(ChainVerifier::new(0)),
            origin: origin.to_string(),
            ..CensusBuilder::default()
        }
    }

    pub fn push(&mut self, table: &str, cols: &[String], vals: &[Raw]) -> Result<()> {
        let get = |name: &str| cols.iter().position(|c| c == name).map(|i| &vals[i]);
        let id = get("id").and_then(Raw::as_int).unwrap_or(0);
        let t = self
            .tables
            .entry(table.to_string())
            .or_insert_with(|| TableCount {
                table: table.to_string(),
                ..TableCount::default()
            });
        t.rows += 1;
        t.max_id = t.max_id.max(id);
        match table {
            "entries" => {
                let kind = get("kind").and_then(Raw::as_text).unwrap_or_default();
                let k = self.kinds.entry(kind.clone()).or_insert_with(|| KindTotal {
                    kind,
                    ..KindTotal::default()
                });
                k.entries += 1;
                let fen = |n: &str| i128::from(get(n).and_then(Raw::as_int).unwrap_or(0));
                k.amount_fen += fen("amount_fen");
                k.interest_fen += fen("interest_fen");
                k.subsidy_fen += fen("subsidy_fen");
                let row = RawEntry {
                    id,
                    cols: cols
                        .iter()
                        .zip(vals)
                        .map(|(c, v)| (c.clone(), v.as_text()))
                        .collect(),
                    prev_hash: get("prev_hash").and_then(Raw::as_text).unwrap_or_default(),
                    hash: get("hash").and_then(Raw::as_text).unwrap_or_default(),
                };
                let chain = self.chain.as_mut().expect("chain verifier");
                chain.push(&row);
                if let Some(f) = chain.check.finding.take() {
                    return Err(Error::Ledger(format!(
                        "the journal of {} does not verify at {}: {} (expected {}, found {}); \
                         nothing was copied: run `fundledger audit` on it",
                        self.origin,
                        f.record,
                        f.message,
                        f.expected.unwrap_or_default(),
                        f.recorded.unwrap_or_default()
                    )));
                }
            }
            "reference_seals" => {
                let prev = get("prev_hash").and_then(Raw::as_text).unwrap_or_default();
                let want = self
                    .seal_prev
                    .clone()
                    .unwrap_or_else(|| crate::hashchain::GENESIS.to_string());
                if prev != want {
                    return Err(Error::Ledger(format!(
                        "the reference seals of {} do not link at seal {id} (expected {want}, found {prev}); \
                         nothing was copied: run `fundledger audit` on it",
                        self.origin
                    )));
                }
                let hash = get("hash").and_then(Raw::as_text).unwrap_or_default();
                self.seal_prev = Some(hash.clone());
                self.seal_head = (self.seal_head.0 + 1, hash);
            }
            _ => {}
        }
        Ok(())
    }

    pub fn finish(self) -> Census {
        let check = self.chain.map(|c| c.check).unwrap_or_default();
        Census {
            tables: self.tables.into_values().collect(),
            kinds: self.kinds.into_values().collect(),
            journal_head: (check.entries, check.head),
            seal_head: self.seal_head,
        }
    }
}

/// Highest id of each copied table: what a snapshot held before a command ran, so the
/// rows the command added are those above it.
pub type Marks = BTreeMap<String, i64>;

impl Tx<'_> {
    /// Rows of `table` with an id above `after`, in id order, every value as stored.
    pub fn for_each_raw_row(
        &self,
        table: &str,
        after: i64,
        mut f: impl FnMut(&[String], &[Raw]) -> Result<()>,
    ) -> Result<()> {
        let mut st = self.conn().prepare(&format!(
            "SELECT * FROM \"{table}\" WHERE id > ?1 ORDER BY id"
        ))?;
        let names: Vec<String> = st.column_names().map(String::from).collect();
        let mut rows = st.query([after])?;
        let mut vals = Vec::with_capacity(names.len());
        while let Some(r) = rows.next()? {
            vals.clear();
            for (i, name) in names.iter().enumerate() {
                vals.push(match r.get_ref(i)? {
                    ValueRef::Null => Raw::Null,
                    ValueRef::Integer(v) => Raw::Int(v),
                    ValueRef::Text(t) => Raw::Text(String::from_utf8_lossy(t).into_owned()),
                    // STRICT tables hold neither; a file that does was not written by us.
                    ValueRef::Real(_) | ValueRef::Blob(_) => {
                        return Err(Error::Ledger(format!(
                            "{table} row {}, column {}: a float or blob, which no fundledger column holds; \
                             run `fundledger audit`",
                            r.get::<_, i64>(0).unwrap_or(0),
                            name
                        )))
                    }
                });
            }
            f(&names, &vals)?;
        }
        Ok(())
    }

    /// A prepared INSERT of rows of `table` as they are (ids included), values in the
    /// order of `cols`.
    pub fn raw_inserter(&self, table: &str, cols: &[String]) -> Result<RawInserter<'_>> {
        let list: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        let st = self.conn().prepare(&format!(
            "INSERT INTO \"{table}\" ({}) VALUES ({})",
            list.join(", "),
            marks.join(", ")
        ))?;
        Ok(RawInserter {
            st,
            table: table.to_string(),
            id_col: cols.iter().position(|c| c == "id"),
        })
    }

    /// The columns of `table`, in the order `SELECT *` gives them.
    pub fn column_names(&self, table: &str) -> Result<Vec<String>> {
        let st = self
            .conn()
            .prepare(&format!("SELECT * FROM \"{table}\" LIMIT 0"))?;
        Ok(st.column_names().map(String::from).collect())
    }

    /// The highest id of each of `tables` (0 for an empty one).
    pub fn max_ids(&self, tables: &[&str]) -> Result<Marks> {
        let mut m = Marks::new();
        for t in tables {
            let max: i64 = self.conn().query_row(
                &format!("SELECT COALESCE(MAX(id), 0) FROM \"{t}\""),
                [],
                |r| r.get(0),
            )?;
            m.insert(t.to_string(), max);
        }
        Ok(m)
    }

    /// The `hash` column of row `id` of `table` (`entries` or `reference_seals`).
    pub fn hash_at(&self, table: &str, id: i64) -> Result<Option<String>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT hash FROM \"{table}\" WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The census of this ledger, read whole (`origin` names it in errors).
    pub fn census(&self, tables: &[&str], origin: &str) -> Result<Census> {
        let mut b = CensusBuilder::new(origin);
        for t in tables {
            self.for_each_raw_row(t, 0, |cols, vals| b.push(t, cols, vals))?;
        }
        Ok(b.finish())
    }
}

/// See [`Tx::raw_inserter`].
pub struct RawInserter<'a> {
    st: rusqlite::Statement<'a>,
    table: String,
    id_col: Option<usize>,
}

impl RawInserter<'_> {
    /// Insert one row; returns its id (0 for a table without one).
    pub fn insert(&mut self, vals: &[Raw]) -> Result<i64> {
        let id = self.id_col.and_then(|i| vals[i].as_int()).unwrap_or(0);
        self.st
            .execute(rusqlite::params_from_iter(vals.iter()))
            .map_err(|e| {
                Error::Ledger(format!(
                    "{} row {id} cannot be stored in a fundledger ledger ({e}): it breaks a rule \
                     of the schema, so it was changed outside fundledger",
                    self.table
                ))
            })?;
        Ok(id)
    }
}
