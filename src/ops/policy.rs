//! Recording a fund's policy terms from a date.

use super::text;
use crate::date::Date;
use crate::domain::FundKind;
use crate::error::{unknown, Error, Result};
use crate::policy::{terms_in_force, Factor, PolicyRecord, ReinvestBase};
use crate::store::{CodeTable, Ledger, NewPolicy};

#[derive(Clone, Debug)]
pub struct PolicyInput {
    pub fund: String,
    pub from: Date,
    pub gov_share_max: Option<Factor>,
    pub reinvest_min: Option<Factor>,
    pub reinvest_base: Option<ReinvestBase>,
    pub memo: Option<String>,
    pub idle_warn_months: Option<u32>,
    pub idle_alert_months: Option<u32>,
}

/// Record terms for a guidance fund or a sub-fund from `input.from`; returns the record.
///
/// Dates after today are accepted: a bureau adopts a rule before it takes effect, and
/// reports as of earlier dates simply do not see it yet.
pub fn set_policy(ledger: &mut Ledger, actor: &str, input: PolicyInput) -> Result<PolicyRecord> {
    ledger.write(actor, |tx| {
        let f = tx
            .fund_by_code(&input.fund)?
            .ok_or_else(|| unknown("fund", &input.fund, tx.codes(CodeTable::Funds).unwrap_or_default()))?;
        if f.kind == FundKind::Vehicle {
            return Err(Error::refused(
                "policy-not-applicable",
                format!(
                    "fund '{}' is a vehicle; government-share caps and 返投 terms belong to guidance funds \
                     and their sub-funds",
                    f.code
                ),
            ));
        }
        if input.gov_share_max.is_none()
            && input.reinvest_min.is_none()
            && input.reinvest_base.is_none()
            && input.idle_warn_months.is_none()
            && input.idle_alert_months.is_none()
        {
            return Err(Error::refused(
                "policy-empty",
                format!(
                    "policy for fund '{}' from {} sets no term; give --gov-share-max, --reinvest-min, \
                     --reinvest-base, --idle-warn-months or --idle-alert-months",
                    f.code, input.from
                ),
            ));
        }
        // A record that restates exactly what the fund's own records already put in force
        // on that date changes nothing: most likely the same decision keyed twice.
        let own = tx.policies(Some(&[f.id]))?;
        let now = terms_in_force(&own, f.id, None, input.from);
        let unchanged = input.gov_share_max.is_none_or(|v| Some(v) == now.gov_share_max.as_ref().map(|t| t.value))
            && input.reinvest_min.is_none_or(|v| Some(v) == now.reinvest_min.as_ref().map(|t| t.value))
            && input.reinvest_base.is_none_or(|v| Some(v) == now.reinvest_base.as_ref().map(|t| t.value))
            && input.idle_warn_months.is_none_or(|v| Some(v) == now.idle_warn_months.as_ref().map(|t| t.value))
            && input.idle_alert_months.is_none_or(|v| Some(v) == now.idle_alert_months.as_ref().map(|t| t.value));
        // The thresholds that would be in force with this record: the earlier one must be shorter.
        let all = tx.policies(None)?;
        let with = terms_in_force(&all, f.id, f.parent_id, input.from);
        let warn = input
            .idle_warn_months
            .or(with.idle_warn_months.as_ref().map(|t| t.value))
            .unwrap_or(crate::eval::IDLE_WARN_MONTHS);
        let alert = input
            .idle_alert_months
            .or(with.idle_alert_months.as_ref().map(|t| t.value))
            .unwrap_or(crate::eval::IDLE_ALERT_MONTHS);
        if (input.idle_warn_months.is_some() || input.idle_alert_months.is_some()) && warn >= alert {
            return Err(Error::refused(
                "idle-thresholds-order",
                format!(
                    "fund '{}' from {}: the idle-cash warning threshold ({warn} months) must be shorter \
                     than the alert threshold ({alert} months)",
                    f.code, input.from
                ),
            ));
        }
        if unchanged
        {
            let ids: Vec<String> = [
                input.gov_share_max.and(now.gov_share_max.as_ref()).map(|t| t.policy_id),
                input.reinvest_min.and(now.reinvest_min.as_ref()).map(|t| t.policy_id),
                input.reinvest_base.and(now.reinvest_base.as_ref()).map(|t| t.policy_id),
                input.idle_warn_months.and(now.idle_warn_months.as_ref()).map(|t| t.policy_id),
                input.idle_alert_months.and(now.idle_alert_months.as_ref()).map(|t| t.policy_id),
            ]
            .into_iter()
            .flatten()
            .map(|id| format!("#{id}"))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
            return Err(Error::refused(
                "policy-unchanged",
                format!(
                    "fund '{}' already has these terms in force on {} (policy record {}); nothing to record",
                    f.code,
                    input.from,
                    ids.join(", ")
                ),
            ));
        }
        let n = NewPolicy {
            fund_id: f.id,
            from: input.from,
            gov_share_max: input.gov_share_max,
            reinvest_min: input.reinvest_min,
            reinvest_base: input.reinvest_base,
            memo: text("memo", input.memo)?,
            idle_warn_months: input.idle_warn_months,
            idle_alert_months: input.idle_alert_months,
        };
        let id = tx.insert_policy(&n)?;
        Ok(PolicyRecord {
            id,
            fund_id: f.id,
            fund: f.code,
            from: n.from,
            gov_share_max: n.gov_share_max,
            reinvest_min: n.reinvest_min,
            reinvest_base: n.reinvest_base,
            memo: n.memo,
            recorded_at: tx.now.clone(),
            recorded_by: tx.actor.clone(),
            idle_warn_months: n.idle_warn_months,
            idle_alert_months: n.idle_alert_months,
        })
    })
}
