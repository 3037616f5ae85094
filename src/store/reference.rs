//! Reference data: funds, investors (LPs), companies.

use rusqlite::{params, OptionalExtension, Row};

use std::rc::Rc;

use super::cache::{FastMap, TxCache};
use super::Tx;
use crate::date::Date;
use crate::domain::{Company, Fund, FundKind, Investor, InvestorType};
use crate::error::Result;

pub(super) const FUND_COLS: &str =
    "f.id, f.code, f.name, f.kind, f.parent_id, p.code, f.manager, f.inception, f.region";

fn parse_enum<T: std::str::FromStr<Err = String>>(idx: usize, s: String) -> rusqlite::Result<T> {
    s.parse().map_err(|e: String| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())
    })
}

pub(crate) fn parse_date_col(idx: usize, s: Option<String>) -> rusqlite::Result<Option<Date>> {
    s.map(|s| {
        s.parse::<Date>().map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())
        })
    })
    .transpose()
}

pub(super) fn fund_row(r: &Row<'_>) -> rusqlite::Result<Fund> {
    super::named_row(r, "fund", fund_fields(r))
}

fn fund_fields(r: &Row<'_>) -> rusqlite::Result<Fund> {
    Ok(Fund {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        kind: parse_enum::<FundKind>(3, r.get(3)?)?,
        parent_id: r.get(4)?,
        parent: r.get(5)?,
        manager: r.get(6)?,
        inception: parse_date_col(7, r.get(7)?)?,
        region: r.get(8)?,
    })
}

pub(super) fn investor_row(r: &Row<'_>) -> rusqlite::Result<Investor> {
    super::named_row(r, "investor", investor_fields(r))
}

fn investor_fields(r: &Row<'_>) -> rusqlite::Result<Investor> {
    Ok(Investor {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        investor_type: parse_enum::<InvestorType>(3, r.get(3)?)?,
        fund_id: r.get(4)?,
    })
}

pub(super) fn company_row(r: &Row<'_>) -> rusqlite::Result<Company> {
    super::named_row(r, "company", company_fields(r))
}

fn company_fields(r: &Row<'_>) -> rusqlite::Result<Company> {
    Ok(Company {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        sector: r.get(3)?,
        region: r.get(4)?,
        uscc: r.get(5)?,
        stage: r
            .get::<_, Option<String>>(6)?
            .map(|v| parse_enum::<crate::eval::Stage>(6, v))
            .transpose()?,
    })
}

impl Tx<'_> {
    /// A record by code through the transaction cache (only records found are cached,
    /// so a code added later in the transaction is still found).
    fn through_cache<T>(
        &self,
        code: &str,
        pick: fn(&mut TxCache) -> &mut FastMap<String, Rc<T>>,
        load: impl FnOnce() -> Result<Option<T>>,
    ) -> Result<Option<Rc<T>>> {
        if let Some(x) = pick(&mut self.cache.borrow_mut()).get(code) {
            return Ok(Some(x.clone()));
        }
        let found = load()?.map(Rc::new);
        if let Some(x) = &found {
            pick(&mut self.cache.borrow_mut()).insert(code.to_string(), x.clone());
        }
        Ok(found)
    }

    pub fn insert_fund(&self, f: &Fund) -> Result<i64> {
        self.cached_exec(
            "INSERT INTO funds (code, name, kind, parent_id, manager, inception, region, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                f.code,
                f.name,
                f.kind.as_str(),
                f.parent_id,
                f.manager,
                f.inception.map(|d| d.to_string()),
                f.region,
                self.now,
                self.actor
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        self.seal_reference("funds", id)?;
        Ok(id)
    }

    pub fn fund_by_code(&self, code: &str) -> Result<Option<Fund>> {
        Ok(self.fund_rc(code)?.map(|x| (*x).clone()))
    }

    /// [`Tx::fund_by_code`] without copying the record: the hot path of an import.
    pub fn fund_rc(&self, code: &str) -> Result<Option<Rc<Fund>>> {
        let code = &*crate::codes::normalize_code(code);
        self.through_cache(code, |c| &mut c.funds, || self.fund_by_code_sql(code))
    }

    fn fund_by_code_sql(&self, code: &str) -> Result<Option<Fund>> {
        let sql = format!("SELECT {FUND_COLS} FROM funds f LEFT JOIN funds p ON p.id = f.parent_id WHERE f.code = ?1");
        Ok(self.cached_row(&sql, [code], fund_row).optional()?)
    }

    pub fn fund_by_id(&self, id: i64) -> Result<Option<Fund>> {
        let sql = format!("SELECT {FUND_COLS} FROM funds f LEFT JOIN funds p ON p.id = f.parent_id WHERE f.id = ?1");
        Ok(self.cached_row(&sql, [id], fund_row).optional()?)
    }

    /// All funds, in the order they were added. Refuses a file whose fund structure
    /// breaks the rule ([`crate::domain::fund_structure_problems`]: a parent cycle, a
    /// guidance fund with a parent, a parent that is not a guidance fund), naming the
    /// funds, so that no report walks a broken structure (a cycle would never end).
    pub fn funds(&self) -> Result<Vec<Fund>> {
        let funds = self.funds_as_stored()?;
        let problems = crate::domain::fund_structure_problems(&funds);
        if !problems.is_empty() {
            let list: Vec<String> = problems.into_iter().map(|p| p.message).collect();
            return Err(crate::error::Error::Ledger(format!(
                "the fund structure in this file breaks the ledger's rules: {}; it was changed outside fundledger: run `fundledger audit`",
                list.join("; ")
            )));
        }
        Ok(funds)
    }

    /// All funds as stored, however their parents are set (for `audit`).
    pub fn funds_as_stored(&self) -> Result<Vec<Fund>> {
        let sql = format!(
            "SELECT {FUND_COLS} FROM funds f LEFT JOIN funds p ON p.id = f.parent_id ORDER BY f.id"
        );
        let mut st = self.conn().prepare_cached(&sql)?;
        let rows = st
            .query_map([], fund_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn insert_investor(&self, i: &Investor) -> Result<i64> {
        self.cached_exec(
            "INSERT INTO investors (code, name, type, fund_id, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                i.code,
                i.name,
                i.investor_type.as_str(),
                i.fund_id,
                self.now,
                self.actor
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        self.seal_reference("investors", id)?;
        Ok(id)
    }

    pub fn investor_by_code(&self, code: &str) -> Result<Option<Investor>> {
        Ok(self.investor_rc(code)?.map(|x| (*x).clone()))
    }

    /// [`Tx::investor_by_code`] without copying the record: the hot path of an import.
    pub fn investor_rc(&self, code: &str) -> Result<Option<Rc<Investor>>> {
        let code = &*crate::codes::normalize_code(code);
        self.through_cache(
            code,
            |c| &mut c.investors,
            || self.investor_by_code_sql(code),
        )
    }

    fn investor_by_code_sql(&self, code: &str) -> Result<Option<Investor>> {
        Ok(self
            .cached_row(
                "SELECT id, code, name, type, fund_id FROM investors WHERE code = ?1",
                [code],
                investor_row,
            )
            .optional()?)
    }

    pub fn investors(&self) -> Result<Vec<Investor>> {
        let mut st = self
            .conn()
            .prepare_cached("SELECT id, code, name, type, fund_id FROM investors ORDER BY id")?;
        let rows = st
            .query_map([], investor_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn insert_company(&self, c: &Company) -> Result<i64> {
        self.cached_exec(
            "INSERT INTO companies (code, name, sector, region, uscc, created_at, created_by, stage)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                c.code,
                c.name,
                c.sector,
                c.region,
                c.uscc,
                self.now,
                self.actor,
                c.stage.map(crate::eval::Stage::as_str)
            ],
        )?;
        let id = self.conn().last_insert_rowid();
        self.seal_reference("companies", id)?;
        Ok(id)
    }

    pub fn company_by_code(&self, code: &str) -> Result<Option<Company>> {
        Ok(self.company_rc(code)?.map(|x| (*x).clone()))
    }

    /// [`Tx::company_by_code`] without copying the record: the hot path of an import.
    pub fn company_rc(&self, code: &str) -> Result<Option<Rc<Company>>> {
        let code = &*crate::codes::normalize_code(code);
        self.through_cache(
            code,
            |c| &mut c.companies,
            || self.company_by_code_sql(code),
        )
    }

    fn company_by_code_sql(&self, code: &str) -> Result<Option<Company>> {
        Ok(self
            .cached_row(
                "SELECT id, code, name, sector, region, uscc, stage FROM companies WHERE code = ?1",
                [code],
                company_row,
            )
            .optional()?)
    }

    pub fn company_by_uscc(&self, uscc: &str) -> Result<Option<Company>> {
        Ok(self
            .cached_row(
                "SELECT id, code, name, sector, region, uscc, stage FROM companies WHERE uscc = ?1",
                [uscc],
                company_row,
            )
            .optional()?)
    }

    pub fn companies(&self) -> Result<Vec<Company>> {
        let mut out = Vec::new();
        self.for_each_company(|c| {
            out.push(c);
            Ok(())
        })?;
        Ok(out)
    }

    /// Every company in id order, one at a time (a province's startups can be many).
    pub fn for_each_company(&self, mut f: impl FnMut(Company) -> Result<()>) -> Result<()> {
        let mut st = self.conn().prepare_cached(
            "SELECT id, code, name, sector, region, uscc, stage FROM companies ORDER BY id",
        )?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            f(company_row(r)?)?;
        }
        Ok(())
    }

    /// A code of `table` (`funds`, `investors`, `companies`, `loans` or `grants`) that
    /// equals `code` but for ASCII case, if there is one (through the NOCASE indexes
    /// of schema v8).
    pub fn code_in_other_case(&self, table: &str, code: &str) -> Result<Option<String>> {
        debug_assert!(["funds", "investors", "companies", "loans", "grants"].contains(&table));
        let sql = format!(
            "SELECT code FROM \"{table}\" WHERE code = ?1 COLLATE NOCASE AND code <> ?1 LIMIT 1"
        );
        Ok(self.cached_row(&sql, [code], |r| r.get(0)).optional()?)
    }

    /// Codes of one reference table, for "did you mean" suggestions.
    pub fn codes(&self, table: CodeTable) -> Result<Vec<String>> {
        let sql = match table {
            CodeTable::Funds => "SELECT code FROM funds",
            CodeTable::Investors => "SELECT code FROM investors UNION SELECT code FROM funds",
            CodeTable::Companies => "SELECT code FROM companies",
        };
        let mut st = self.conn().prepare_cached(sql)?;
        let rows = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[derive(Clone, Copy, Debug)]
pub enum CodeTable {
    Funds,
    Investors,
    Companies,
}
