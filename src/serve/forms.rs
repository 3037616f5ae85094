//! The everyday writes as forms: LP commit/pay/distribute, deal commit/pay/value/
//! proceeds/write-off, reverse with a reason, loan repay. Each goes through the same
//! `ops` function as the CLI, inside one transaction; a refusal is shown next to its
//! form with the rule and figures, and nothing is written.
//!
//! Every form is a POST carrying the session's CSRF token; `--read-only` has no forms
//! and refuses every POST. No form edits or deletes an entry: a correction is a
//! reversal, as on the command line.

use std::fmt::Write as _;

use super::http::{esc, Request, Response};
use super::{pages, App, View};
use crate::date::parse_date;
use crate::domain::EntryKind;
use crate::error::{Error, Result};
use crate::money::parse_amount;
use crate::ops::{self, EntryRequest, LoanEntryRequest};
use crate::present::labels::label;

/// A refused form: which one, what was typed, and why.
pub struct Failed {
    pub form: String,
    pub values: Vec<(String, String)>,
    pub message: String,
}

impl Failed {
    fn value(&self, form: &str, field: &str) -> String {
        if self.form != form {
            return String::new();
        }
        self.values
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// One field of a form: name, label, input type, and the choices of a select.
struct Field(
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

/// The entry forms of a fund page: (form id = entry kind, title, counterparty field).
const FUND_FORMS: &[(&str, &str, &[Field])] = &[
    (
        "lp-commit",
        "LP commit",
        &[Field("counterparty", "Investor", "text", &[])],
    ),
    (
        "lp-pay",
        "LP pay",
        &[Field("counterparty", "Investor", "text", &[])],
    ),
    (
        "lp-distribute",
        "LP distribute",
        &[
            Field("counterparty", "Investor", "text", &[]),
            Field(
                "detail",
                "Kind",
                "select",
                &["", "return-of-capital", "gain"],
            ),
        ],
    ),
    (
        "deal-commit",
        "Deal commit",
        &[Field("counterparty", "Company", "text", &[])],
    ),
    (
        "deal-pay",
        "Deal pay",
        &[Field("counterparty", "Company", "text", &[])],
    ),
    (
        "deal-value",
        "Deal value",
        &[
            Field("counterparty", "Company", "text", &[]),
            Field("detail", "Method", "text", &[]),
        ],
    ),
    (
        "deal-proceeds",
        "Deal proceeds",
        &[
            Field("counterparty", "Company", "text", &[]),
            Field(
                "detail",
                "Kind",
                "select",
                &["dividend", "partial-exit", "exit"],
            ),
        ],
    ),
    (
        "deal-write-off",
        "Deal write-off",
        &[Field("counterparty", "Company", "text", &[])],
    ),
];

/// A form: where it posts, its id (the entry kind, or the action), its title, hidden
/// values and fields.
struct Spec<'a> {
    action: &'a str,
    id: &'a str,
    title: &'a str,
    hidden: &'a [(&'a str, &'a str)],
    fields: &'a [Field],
}

fn form_html(v: &View, spec: &Spec<'_>, token: &str, failed: Option<&Failed>) -> String {
    let Spec {
        action,
        id,
        title,
        hidden,
        fields,
    } = *spec;
    let l = |k| label(v.lang, k);
    let mut b = String::new();
    // The page's as-of date, language and unit go with the form and come back with it.
    let action = pages::with_query(action, &pages::carry(v));
    let _ = write!(
        b,
        "<form class=\"entry\" method=\"post\" action=\"{}\"><strong>{}</strong>",
        esc(&action),
        esc(title)
    );
    if let Some(f) = failed.filter(|f| f.form == id) {
        let _ = write!(b, "<p class=\"err\">{}</p>", esc(&f.message));
    }
    // Not escaped: a token is hex, and a page built for every session holds the
    // placeholder `CSRF_SLOT` here, which the server replaces on the way out.
    let _ = write!(b, "<input type=\"hidden\" name=\"csrf\" value=\"{token}\">");
    let _ = write!(
        b,
        "<input type=\"hidden\" name=\"form\" value=\"{}\">",
        esc(id)
    );
    for (k, val) in hidden {
        let _ = write!(
            b,
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(k),
            esc(val)
        );
    }
    let keep = |name: &str| failed.map(|f| f.value(id, name)).unwrap_or_default();
    for Field(name, lab, kind, choices) in fields {
        let _ = write!(b, "<label>{} ", esc(l(lab)));
        if *kind == "select" {
            let _ = write!(b, "<select name=\"{name}\">");
            for c in *choices {
                let sel = if keep(name) == *c { " selected" } else { "" };
                let _ = write!(b, "<option value=\"{}\"{sel}>{}</option>", esc(c), esc(c));
            }
            b.push_str("</select>");
        } else {
            let _ = write!(
                b,
                "<input type=\"{kind}\" name=\"{name}\" value=\"{}\">",
                esc(&keep(name))
            );
        }
        b.push_str("</label>");
    }
    b.push_str("</form>");
    // The submit button and the common fields go inside the form.
    let common = format!(
        "<label>{} <input type=\"date\" name=\"date\" value=\"{}\"></label><label>{} <input type=\"text\" name=\"memo\" value=\"{}\"></label><label>{} <input type=\"text\" name=\"by\" value=\"{}\"></label><button>{}</button></form>",
        esc(l("Date")),
        esc(&keep("date")),
        esc(l("Memo")),
        esc(&keep("memo")),
        esc(l("By")),
        esc(&keep("by")),
        esc(l("Submit"))
    );
    b.replace("</form>", &common)
}

fn amount_field(id: &str) -> Option<Field> {
    (id != "deal-write-off").then_some(Field("amount", "Amount", "text", &[]))
}

/// The entry forms of one fund.
pub fn fund_forms(v: &View, fund: &str, token: &str, failed: Option<&Failed>) -> String {
    // Folded unless a refusal is shown in it: the page is for reading first.
    let open = if failed.is_some() { " open" } else { "" };
    let mut b = format!(
        "<details class=\"forms\"{open}><summary>{}</summary>",
        esc(label(v.lang, "Record an entry"))
    );
    for (id, title, fields) in FUND_FORMS {
        let mut all: Vec<Field> = fields
            .iter()
            .map(|Field(a, b, c, d)| Field(a, b, c, d))
            .collect();
        if let Some(a) = amount_field(id) {
            all.insert(1, a);
        }
        let spec = Spec {
            action: "/record",
            id,
            title: label(v.lang, title),
            hidden: &[("fund", fund), ("kind", id)],
            fields: &all,
        };
        b.push_str(&form_html(v, &spec, token, failed));
    }
    b.push_str("</details>");
    b
}

/// Reverse an entry, with the reason the reversal must carry.
pub fn reverse_form(v: &View, token: &str, failed: Option<&Failed>) -> String {
    let spec = Spec {
        action: "/reverse",
        id: "reverse",
        title: label(v.lang, "Reverse an entry"),
        hidden: &[],
        fields: &[
            Field("entry", "Entry", "number", &[]),
            Field("reason", "Reason", "text", &[]),
        ],
    };
    form_html(v, &spec, token, failed)
}

/// Record a repayment of a loan.
pub fn loan_forms(v: &View, loan: &str, token: &str, failed: Option<&Failed>) -> String {
    let spec = Spec {
        action: "/loan-repay",
        id: "loan-repay",
        title: label(v.lang, "Repayment"),
        hidden: &[("loan", loan)],
        fields: &[Field("amount", "Amount", "text", &[])],
    };
    form_html(v, &spec, token, failed)
}

fn get<'a>(form: &'a [(String, String)], k: &str) -> &'a str {
    form.iter()
        .find(|(n, _)| n == k)
        .map_or("", |(_, v)| v.trim())
}

fn opt(form: &[(String, String)], k: &str) -> Option<String> {
    Some(get(form, k).to_string()).filter(|s| !s.is_empty())
}

fn required<'a>(form: &'a [(String, String)], k: &str) -> Result<&'a str> {
    let v = get(form, k);
    if v.is_empty() {
        return Err(Error::refused(
            "missing-field",
            format!("the form needs a value for '{k}'"),
        ));
    }
    Ok(v)
}

/// Handle a POST: check read-only and the CSRF token, then write through `ops`.
pub fn post(app: &App, req: &Request, v: &View, action: &str) -> Response {
    if app.cfg.read_only {
        return Response::text(
            403,
            "This server is read-only (started with --read-only): nothing was written.",
        );
    }
    let form = req.form();
    if !app.csrf_ok(req, &form) {
        return Response::text(
            403,
            "The form's security token is missing or does not match this browser session (CSRF check): nothing was written. Reload the page and submit again.",
        );
    }
    let author = opt(&form, "by")
        .or_else(|| app.cfg.user.clone())
        .unwrap_or_else(|| ops::actor(None));
    let outcome = write(app, action, &form, &author);
    let failed_on = |e: &Error| Failed {
        form: get(&form, "form").to_string(),
        values: form.clone(),
        // The error's text names the rule and the figures: `refused [rule]: …`.
        message: e.to_string(),
    };
    let session = req.cookie(super::SESSION).unwrap_or_default();
    let token = app.token(&session);
    let back = |path: String, id: i64| {
        Response::redirect(&pages::with_query(
            &format!("{path}?recorded={id}"),
            &pages::carry(v),
        ))
    };
    match (action, outcome) {
        ("record", Ok(id)) => back(
            format!("/fund/{}", super::http::encode(get(&form, "fund"))),
            id,
        ),
        ("loan-repay", Ok(id)) => back(
            format!("/loan/{}", super::http::encode(get(&form, "loan"))),
            id,
        ),
        (_, Ok(id)) => back("/journal".into(), id),
        (_, Err(e)) => {
            // The page again, the refusal next to the form, the typed values kept.
            let f = failed_on(&e);
            let page = match action {
                "record" => pages::fund(
                    app,
                    req_get(
                        req,
                        &format!("/fund/{}", super::http::encode(get(&form, "fund"))),
                    )
                    .as_ref(),
                    v,
                    get(&form, "fund"),
                    &token,
                ),
                "loan-repay" => pages::loan(
                    app,
                    req_get(req, "/loan").as_ref(),
                    v,
                    get(&form, "loan"),
                    &token,
                ),
                _ => pages::journal(app, req_get(req, "/journal").as_ref(), v, &token),
            };
            let mut resp = match page {
                Ok(p) => p,
                Err(pe) => return pages::error_page(v, 422, &pe),
            };
            let html = resp.body_text();
            let forms_now = match action {
                "record" => fund_forms(v, get(&form, "fund"), &token, None),
                "loan-repay" => loan_forms(v, get(&form, "loan"), &token, None),
                _ => reverse_form(v, &token, None),
            };
            let forms_failed = match action {
                "record" => fund_forms(v, get(&form, "fund"), &token, Some(&f)),
                "loan-repay" => loan_forms(v, get(&form, "loan"), &token, Some(&f)),
                _ => reverse_form(v, &token, Some(&f)),
            };
            let top = format!("<p class=\"err\">{}</p>", esc(&f.message));
            resp.body = html.replacen(&forms_now, &forms_failed, 1).into_bytes();
            resp = pages::with_message(resp, &top);
            resp.status = 422;
            resp
        }
    }
}

/// A GET request for `path` with the headers of `req` (to re-render a page).
fn req_get(req: &Request, path: &str) -> Box<Request> {
    Box::new(Request {
        method: "GET".into(),
        url: path.into(),
        headers: req.headers.clone(),
        body: Vec::new(),
    })
}

/// The write itself: parse the form into the same request the CLI builds.
fn write(app: &App, action: &str, form: &[(String, String)], author: &str) -> Result<i64> {
    let mut ledger = app.open()?;
    match action {
        "record" => {
            let kind: EntryKind = required(form, "kind")?
                .parse()
                .map_err(|e: String| Error::refused("kind", e))?;
            let amount = match kind {
                EntryKind::DealWriteOff => None,
                _ => Some(parse_amount(required(form, "amount")?)?),
            };
            let req = EntryRequest {
                kind,
                fund: required(form, "fund")?.to_string(),
                counterparty: required(form, "counterparty")?.to_string(),
                amount,
                date: parse_date(required(form, "date")?)?,
                detail: opt(form, "detail"),
                memo: opt(form, "memo"),
                reinvest_weight: None,
            };
            ops::record(&mut ledger, author, req)
        }
        "reverse" => {
            let id: i64 = required(form, "entry")?.parse().map_err(|_| {
                Error::refused(
                    "entry",
                    format!("'{}' is not an entry id", get(form, "entry")),
                )
            })?;
            ops::reverse(&mut ledger, author, id, required(form, "reason")?)
        }
        "loan-repay" => {
            let req = LoanEntryRequest {
                loan: required(form, "loan")?.to_string(),
                kind: EntryKind::LoanRepay,
                amount: Some(parse_amount(required(form, "amount")?)?),
                date: parse_date(required(form, "date")?)?,
                memo: opt(form, "memo"),
            };
            Ok(ops::record_loan_entry(&mut ledger, author, req)?.id)
        }
        _ => Err(Error::refused("not-found", format!("no form '{action}'"))),
    }
}
