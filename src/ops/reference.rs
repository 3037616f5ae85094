//! Adding funds, investors and companies.

use super::{check_code, check_not_future, text, unique_ignoring_case};
use crate::date::Date;
use crate::domain::{Company, Fund, FundKind, Investor, InvestorType};
use crate::error::{unknown, Error, Result};
use crate::store::{CodeTable, Ledger, Tx};
use crate::uscc;

#[derive(Clone, Debug)]
pub struct FundInput {
    pub code: String,
    pub name: String,
    pub kind: FundKind,
    pub parent: Option<String>,
    pub manager: Option<String>,
    pub inception: Option<Date>,
    pub region: Option<String>,
}

#[derive(Clone, Debug)]
pub struct InvestorInput {
    pub code: String,
    pub name: String,
    pub investor_type: InvestorType,
}

#[derive(Clone, Debug)]
pub struct CompanyInput {
    pub code: String,
    pub name: String,
    pub sector: Option<String>,
    pub region: Option<String>,
    pub uscc: Option<String>,
    /// seed / early / growth / mature, or 种子期 / 初创期 / 成长期 / 成熟期.
    pub stage: Option<String>,
}

fn check_name(what: &str, code: &str, name: &str) -> Result<String> {
    text(&format!("{what} '{code}' name"), Some(name.to_string()))?.ok_or_else(|| {
        Error::refused(
            "empty-name",
            format!("{what} '{code}' needs a non-empty --name"),
        )
    })
}

fn duplicate(what: &str, code: &str) -> Error {
    Error::refused(
        "duplicate-code",
        format!("{what} code '{code}' is already registered"),
    )
}

pub fn add_fund(ledger: &mut Ledger, actor: &str, input: FundInput) -> Result<Fund> {
    ledger.write(actor, |tx| add_fund_tx(tx, input))
}

pub(crate) fn add_fund_tx(tx: &Tx<'_>, mut input: FundInput) -> Result<Fund> {
    input.code = check_code("fund", &input.code)?;
    let name = check_name("fund", &input.code, &input.name)?;
    if tx.fund_by_code(&input.code)?.is_some() {
        return Err(duplicate("fund", &input.code));
    }
    unique_ignoring_case(
        tx,
        "fund",
        &input.code,
        &[("funds", "fund"), ("investors", "investor")],
    )?;
    if let Some(inv) = tx.investor_by_code(&input.code)? {
        return Err(Error::refused(
            "duplicate-code",
            format!("code '{}' is already used by investor '{}'; fund and investor codes share one namespace", input.code, inv.name),
        ));
    }
    if let Some(d) = input.inception {
        check_not_future(&format!("fund '{}' inception", input.code), d)?;
    }
    let parent_code = input
        .parent
        .as_deref()
        .map(crate::codes::normalize_code)
        .filter(|p| !p.is_empty());
    let parent_code = parent_code.as_deref();
    if let (FundKind::Guidance, Some(p)) = (input.kind, parent_code) {
        return Err(Error::refused(
            "guidance-has-parent",
            format!(
                "guidance fund '{}' cannot have a parent ('{p}'): a guidance fund is the top of its structure; \
                 if it invests in '{p}' or '{p}' in it, record that as an LP commitment (`lp commit`)",
                input.code
            ),
        ));
    }
    let parent = match parent_code {
        None if input.kind == FundKind::SubFund => {
            return Err(Error::refused(
                "parent-required",
                format!(
                    "sub-fund '{}' needs --parent: the guidance fund it belongs to",
                    input.code
                ),
            ))
        }
        None => None,
        Some(p) if p == input.code => {
            return Err(Error::refused(
                "fund-cycle",
                format!("fund '{}' cannot be its own parent", input.code),
            ))
        }
        Some(p) => {
            let parent = tx.fund_by_code(p)?.ok_or_else(|| {
                unknown("fund", p, tx.codes(CodeTable::Funds).unwrap_or_default())
            })?;
            if parent.kind != FundKind::Guidance {
                return Err(Error::refused(
                    "parent-not-guidance",
                    format!(
                        "parent of fund '{}' must be a guidance fund; '{}' is a {}",
                        input.code, parent.code, parent.kind
                    ),
                ));
            }
            // Parents must already exist, so a new fund can never close a cycle; walk
            // the chain anyway so a tampered file cannot send us round in circles.
            let mut seen = vec![parent.id];
            let mut up = parent.parent_id;
            while let Some(id) = up {
                if seen.contains(&id) {
                    return Err(Error::refused(
                        "fund-cycle",
                        format!("fund parents of '{p}' form a cycle"),
                    ));
                }
                seen.push(id);
                up = tx.fund_by_id(id)?.and_then(|f| f.parent_id);
            }
            Some(parent)
        }
    };
    let mut fund = Fund {
        id: 0,
        code: input.code,
        name,
        kind: input.kind,
        parent_id: parent.as_ref().map(|p| p.id),
        parent: parent.map(|p| p.code),
        manager: text("fund manager", input.manager)?,
        inception: input.inception,
        region: text("fund region", input.region)?,
    };
    fund.id = tx.insert_fund(&fund)?;
    Ok(fund)
}

pub fn add_investor(ledger: &mut Ledger, actor: &str, input: InvestorInput) -> Result<Investor> {
    ledger.write(actor, |tx| add_investor_tx(tx, input))
}

pub(crate) fn add_investor_tx(tx: &Tx<'_>, mut input: InvestorInput) -> Result<Investor> {
    {
        input.code = check_code("investor", &input.code)?;
        let name = check_name("investor", &input.code, &input.name)?;
        if tx.investor_by_code(&input.code)?.is_some() {
            return Err(duplicate("investor", &input.code));
        }
        unique_ignoring_case(
            tx,
            "investor",
            &input.code,
            &[("investors", "investor"), ("funds", "fund")],
        )?;
        // Registering a fund's own code as an investor links the two: that fund is
        // then an LP of other funds with the type given here.
        let fund_id = tx.fund_by_code(&input.code)?.map(|f| f.id);
        let mut inv = Investor {
            id: 0,
            code: input.code,
            name,
            investor_type: input.investor_type,
            fund_id,
        };
        inv.id = tx.insert_investor(&inv)?;
        Ok(inv)
    }
}

pub fn add_company(ledger: &mut Ledger, actor: &str, input: CompanyInput) -> Result<Company> {
    ledger.write(actor, |tx| add_company_tx(tx, input))
}

pub(crate) fn add_company_tx(tx: &Tx<'_>, mut input: CompanyInput) -> Result<Company> {
    {
        input.code = check_code("company", &input.code)?;
        let name = check_name("company", &input.code, &input.name)?;
        if tx.company_by_code(&input.code)?.is_some() {
            return Err(duplicate("company", &input.code));
        }
        unique_ignoring_case(tx, "company", &input.code, &[("companies", "company")])?;
        let uscc = match text("company uscc", input.uscc)? {
            Some(u) => {
                let u = uscc::validate(&u)?;
                if let Some(other) = tx.company_by_uscc(&u)? {
                    return Err(Error::refused(
                        "duplicate-uscc",
                        format!(
                            "unified social credit code {u} is already registered to company '{}'",
                            other.code
                        ),
                    ));
                }
                Some(u)
            }
            None => None,
        };
        let mut c = Company {
            id: 0,
            code: input.code,
            name,
            sector: text("company sector", input.sector)?,
            region: text("company region", input.region)?,
            uscc,
            stage: input
                .stage
                .as_deref()
                .map(crate::eval::Stage::parse)
                .transpose()?,
        };
        c.id = tx.insert_company(&c)?;
        Ok(c)
    }
}
