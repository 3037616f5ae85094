//! Company facts and manual indicator scores (issue 15): append-only rows, corrected by
//! a reversal row, each sealed in the reference chain when it is written.

use rusqlite::{params, OptionalExtension, Row};
use rust_decimal::Decimal;

use super::reference::parse_date_col;
use super::Tx;
use crate::date::Date;
use crate::error::Result;
use crate::eval::{Fact, FactKind, Stage};
use crate::money::Money;

/// A fact to record.
#[derive(Clone, Debug)]
pub struct NewFact {
    pub company_id: i64,
    pub kind: FactKind,
    pub date: Date,
    pub jobs: Option<i64>,
    pub amount: Option<Money>,
    pub round: Option<String>,
    pub lead: Option<bool>,
    pub stage: Option<Stage>,
    pub memo: Option<String>,
}

/// A manual score as stored (reversals left out of reads).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ScoreRow {
    pub id: i64,
    #[serde(skip)]
    pub fund_id: i64,
    pub fund: String,
    pub year: i32,
    pub indicator: String,
    /// Points, two decimals.
    #[serde(serialize_with = "ser_points")]
    pub score: Decimal,
    pub note: String,
    pub recorded_at: String,
    pub recorded_by: String,
}

fn ser_points<S: serde::Serializer>(d: &Decimal, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

/// Which rows of `t` count: neither a reversal nor reversed.
fn effective(t: &str) -> String {
    format!("x.reverses IS NULL AND NOT EXISTS (SELECT 1 FROM {t} r WHERE r.reverses = x.id)")
}

fn parse_col<T: std::str::FromStr<Err = String>>(idx: usize, s: String) -> rusqlite::Result<T> {
    s.parse().map_err(|e: String| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())
    })
}

fn fact_row(r: &Row<'_>) -> rusqlite::Result<Fact> {
    super::named_row(r, "company fact", fact_fields(r))
}

fn fact_fields(r: &Row<'_>) -> rusqlite::Result<Fact> {
    Ok(Fact {
        id: r.get(0)?,
        company_id: r.get(1)?,
        company: r.get(2)?,
        kind: parse_col(3, r.get(3)?)?,
        date: parse_date_col(4, Some(r.get(4)?))?.expect("effective_date is NOT NULL"),
        jobs: r.get(5)?,
        amount: r.get::<_, Option<i64>>(6)?.map(Money::from_fen),
        round: r.get(7)?,
        lead: r.get::<_, Option<i64>>(8)?.map(|v| v == 1),
        stage: r
            .get::<_, Option<String>>(9)?
            .map(|s| parse_col(9, s))
            .transpose()?,
        memo: r.get(10)?,
        recorded_at: r.get(11)?,
        recorded_by: r.get(12)?,
    })
}

const FACT_COLS: &str =
    "x.id, x.company_id, c.code, x.kind, x.effective_date, x.jobs, x.amount_fen, \
     x.round, x.lead, x.stage, x.memo, x.recorded_at, x.recorded_by";

impl Tx<'_> {
    /// The author and time a row records: a restore's, else this transaction's.
    pub(super) fn record_stamp(&self) -> (String, String) {
        self.stamp
            .borrow()
            .clone()
            .unwrap_or_else(|| (self.now.clone(), self.actor.clone()))
    }

    pub fn insert_fact(&self, f: &NewFact) -> Result<i64> {
        let (at, by) = self.record_stamp();
        self.conn().execute(
            "INSERT INTO company_facts (company_id, kind, effective_date, jobs, amount_fen, round,
                 lead, stage, memo, recorded_at, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                f.company_id,
                f.kind.as_str(),
                f.date.to_string(),
                f.jobs,
                f.amount.map(Money::fen),
                f.round,
                f.lead.map(i64::from),
                f.stage.map(Stage::as_str),
                f.memo,
                at,
                by
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        self.seal_reference("company_facts", id)?;
        Ok(id)
    }

    /// A fact row by id: (company id, kind as stored, effective date, reversed by).
    #[allow(clippy::type_complexity)]
    pub fn fact_state(&self, id: i64) -> Result<Option<(i64, String, String, Option<i64>)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT x.company_id, x.kind, x.effective_date,
                        (SELECT r.id FROM company_facts r WHERE r.reverses = x.id)
                 FROM company_facts x WHERE x.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?)
    }

    pub fn insert_fact_reversal(
        &self,
        id: i64,
        company_id: i64,
        date: &str,
        reason: &str,
    ) -> Result<i64> {
        let (at, by) = self.record_stamp();
        self.conn().execute(
            "INSERT INTO company_facts (company_id, kind, effective_date, memo, reverses, recorded_at, recorded_by)
             VALUES (?1, 'reversal', ?2, ?3, ?4, ?5, ?6)",
            params![company_id, date, reason, id, at, by],
        )?;
        let rid = self.conn().last_insert_rowid();
        self.seal_reference("company_facts", rid)?;
        Ok(rid)
    }

    /// Every effective fact, by company, date and id (one query; the table is small
    /// beside the journal).
    pub fn facts(&self) -> Result<Vec<Fact>> {
        let sql = format!(
            "SELECT {FACT_COLS} FROM company_facts x JOIN companies c ON c.id = x.company_id
             WHERE {} ORDER BY x.company_id, x.effective_date, x.id",
            effective("company_facts")
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st
            .query_map([], fact_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn insert_score(
        &self,
        fund_id: i64,
        year: i32,
        indicator: &str,
        score: Decimal,
        note: &str,
    ) -> Result<i64> {
        let (at, by) = self.record_stamp();
        let e2 = crate::eval::score_e2(score);
        self.conn().execute(
            "INSERT INTO indicator_scores (fund_id, year, indicator, score_e2, note, recorded_at, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![fund_id, year, indicator, e2, note, at, by],
        )?;
        let id = self.conn().last_insert_rowid();
        self.seal_reference("indicator_scores", id)?;
        Ok(id)
    }

    /// A score row by id: (fund id, year, indicator, whether it is a reversal, reversed by).
    #[allow(clippy::type_complexity)]
    pub fn score_state(&self, id: i64) -> Result<Option<(i64, i32, String, bool, Option<i64>)>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT x.fund_id, x.year, x.indicator, x.reverses IS NOT NULL,
                        (SELECT r.id FROM indicator_scores r WHERE r.reverses = x.id)
                 FROM indicator_scores x WHERE x.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?)
    }

    pub fn insert_score_reversal(
        &self,
        id: i64,
        fund_id: i64,
        year: i32,
        indicator: &str,
        reason: &str,
    ) -> Result<i64> {
        let (at, by) = self.record_stamp();
        self.conn().execute(
            "INSERT INTO indicator_scores (fund_id, year, indicator, note, reverses, recorded_at, recorded_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![fund_id, year, indicator, reason, id, at, by],
        )?;
        let rid = self.conn().last_insert_rowid();
        self.seal_reference("indicator_scores", rid)?;
        Ok(rid)
    }

    /// Effective manual scores of a fund (all years), by year, indicator and id.
    pub fn scores(&self, fund_id: i64) -> Result<Vec<ScoreRow>> {
        let sql = format!(
            "SELECT x.id, x.fund_id, f.code, x.year, x.indicator, x.score_e2, x.note,
                    x.recorded_at, x.recorded_by
             FROM indicator_scores x JOIN funds f ON f.id = x.fund_id
             WHERE x.fund_id = ?1 AND {} ORDER BY x.year, x.indicator, x.id",
            effective("indicator_scores")
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st
            .query_map([fund_id], |r| {
                Ok(ScoreRow {
                    id: r.get(0)?,
                    fund_id: r.get(1)?,
                    fund: r.get(2)?,
                    year: r.get(3)?,
                    indicator: r.get(4)?,
                    score: Decimal::new(r.get::<_, i64>(5)?, crate::eval::SCORE_DP),
                    note: r.get(6)?,
                    recorded_at: r.get(7)?,
                    recorded_by: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
