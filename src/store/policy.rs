//! Policy records: a fund's terms with effective dates.

use rusqlite::{params, Row};

use super::reference::parse_date_col;
use super::Tx;
use crate::date::Date;
use crate::error::Result;
use crate::policy::{Factor, PolicyRecord, ReinvestBase};

const POLICY_COLS: &str =
    "p.id, p.fund_id, f.code, p.effective_from, p.gov_share_max_bp, p.reinvest_min_bp, \
     p.reinvest_base, p.memo, p.recorded_at, p.recorded_by, p.idle_warn_months, p.idle_alert_months";

fn policy_row(r: &Row<'_>) -> rusqlite::Result<PolicyRecord> {
    let base: Option<String> = r.get(6)?;
    Ok(PolicyRecord {
        id: r.get(0)?,
        fund_id: r.get(1)?,
        fund: r.get(2)?,
        from: parse_date_col(3, Some(r.get(3)?))?.expect("effective_from is NOT NULL"),
        gov_share_max: r.get::<_, Option<i64>>(4)?.map(Factor::from_bp),
        reinvest_min: r.get::<_, Option<i64>>(5)?.map(Factor::from_bp),
        reinvest_base: base
            .map(|b| {
                b.parse::<ReinvestBase>().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        6,
                        rusqlite::types::Type::Text,
                        e.into(),
                    )
                })
            })
            .transpose()?,
        memo: r.get(7)?,
        recorded_at: r.get(8)?,
        recorded_by: r.get(9)?,
        idle_warn_months: r.get(10)?,
        idle_alert_months: r.get(11)?,
    })
}

/// Terms to record for a fund from a date.
#[derive(Clone, Debug)]
pub struct NewPolicy {
    pub fund_id: i64,
    pub from: Date,
    pub gov_share_max: Option<Factor>,
    pub reinvest_min: Option<Factor>,
    pub reinvest_base: Option<ReinvestBase>,
    pub memo: Option<String>,
    pub idle_warn_months: Option<u32>,
    pub idle_alert_months: Option<u32>,
}

impl Tx<'_> {
    pub fn insert_policy(&self, p: &NewPolicy) -> Result<i64> {
        // A restore keeps each record's original author and time (see `stamp`).
        let (at, by) = self.record_stamp();
        self.conn().execute(
            "INSERT INTO fund_policies (fund_id, effective_from, gov_share_max_bp, reinvest_min_bp,
                 reinvest_base, memo, recorded_at, recorded_by, idle_warn_months, idle_alert_months)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                p.fund_id,
                p.from.to_string(),
                p.gov_share_max.map(Factor::bp),
                p.reinvest_min.map(Factor::bp),
                p.reinvest_base.map(ReinvestBase::as_str),
                p.memo,
                at,
                by,
                p.idle_warn_months,
                p.idle_alert_months
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        self.seal_reference("fund_policies", id)?;
        Ok(id)
    }

    /// Policy records of the given funds (all funds if `None`), by fund, date, record.
    /// The table is small (a few records per fund), so reports read it whole.
    pub fn policies(&self, fund_ids: Option<&[i64]>) -> Result<Vec<PolicyRecord>> {
        let sql = format!(
            "SELECT {POLICY_COLS} FROM fund_policies p JOIN funds f ON f.id = p.fund_id
             ORDER BY p.fund_id, p.effective_from, p.id"
        );
        let mut st = self.conn().prepare(&sql)?;
        let rows = st
            .query_map([], policy_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(match fund_ids {
            Some(ids) => rows
                .into_iter()
                .filter(|r| ids.contains(&r.fund_id))
                .collect(),
            None => rows,
        })
    }
}
