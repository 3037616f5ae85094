//! `calc xirr`: the XIRR of flows an auditor supplies, outside any ledger, so any
//! figure of `report returns` (or any spreadsheet) can be checked directly.

use serde::Serialize;

use crate::csvin::read_flows;
use crate::date::Date;
use crate::error::Result;
use crate::xirr::{xirr, Irr};

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct XirrCheck {
    #[serde(flatten)]
    pub irr: Irr,
    /// Number of rows read (zero amounts included).
    pub flows: usize,
    pub first_date: Date,
    pub last_date: Date,
}

/// XIRR of the `date,amount` CSV text (negative = money out).
pub fn xirr_of_csv(text: &str) -> Result<XirrCheck> {
    let flows = read_flows(text)?;
    let first_date = flows
        .iter()
        .map(|f| f.0)
        .min()
        .expect("read_flows refuses an empty file");
    let last_date = flows
        .iter()
        .map(|f| f.0)
        .max()
        .expect("read_flows refuses an empty file");
    Ok(XirrCheck {
        irr: xirr(&flows),
        flows: flows.len(),
        first_date,
        last_date,
    })
}
