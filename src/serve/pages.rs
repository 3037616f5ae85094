//! The web view's pages: each builds the same report documents as the CLI
//! (`present::*`), shows them as HTML with links (drill-down), and offers the same
//! view as CSV, XLSX and PDF downloads.

use std::fmt::Write as _;

use super::http::{encode, esc, Request, Response};
use super::{forms, App, View};
use crate::domain::EntryKind;
use crate::error::{Error, Result};
use crate::present::labels::label;
use crate::present::model::{Cell, Document, Kind, Link, Opts, Section};
use crate::present::text::{header, Columns};
use crate::present::{self, Layout};
use crate::reports::journal::{journal_page, JournalFilter};
use crate::reports::{self, By, ReturnsQuery};

/// Page styles: screen and A4 print (the print rules of the report pack).
const CSS: &str = "
body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;margin:0;color:#222;font-size:14px}
header{background:#1f3b57;color:#fff;padding:.5em 1em;display:flex;flex-wrap:wrap;gap:1em;align-items:center}
header a{color:#fff;text-decoration:none;margin-right:1em}header form{margin-left:auto}
main{padding:1em}h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1.2em 0 .4em}
.asof{color:#555}table{border-collapse:collapse;margin:.3em 0}
th,td{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}th{background:#eef2f6;text-align:left}
td.n{text-align:right;white-space:nowrap}tr.total td{font-weight:bold;background:#f6f6f6}
td a{color:#1f5fa0}.notes{color:#444;font-size:.9em}.err{background:#fde8e8;border:1px solid #d99;padding:.5em;margin:.5em 0}
.ok{background:#e6f4e6;border:1px solid #9c9;padding:.5em;margin:.5em 0}
form.entry{border:1px solid #ccc;padding:.5em;margin:.5em 0;display:inline-block;vertical-align:top}
form.entry label{display:block;margin:.2em 0}.downloads a{margin-right:1em}
details.forms{margin:1em 0}details.forms summary{font-weight:bold;cursor:pointer}
@media print{header,form,details,.downloads,.nav{display:none}@page{size:A4;margin:15mm}
thead{display:table-header-group}tr{page-break-inside:avoid}body{font-size:10pt}
.printhead{display:block}}
.printhead{display:none}
figure.chart{margin:.5em 0;max-width:720px}figure.chart svg{width:100%;height:auto}
";

/// The query string every link carries on: the as-of date (when chosen), language, unit.
pub(crate) fn carry(v: &View) -> String {
    let mut q = vec![];
    if v.as_of_given {
        q.push(format!("as_of={}", v.as_of));
    }
    if v.lang == present::Lang::Zh {
        q.push("lang=zh".into());
    }
    if v.unit != crate::money::Unit::Wan {
        q.push(format!("unit={}", unit_key(v.unit)));
    }
    q.join("&")
}

fn unit_key(u: crate::money::Unit) -> &'static str {
    match u {
        crate::money::Unit::Yuan => "yuan",
        crate::money::Unit::Wan => "wan",
        crate::money::Unit::Yi => "yi",
    }
}

pub(crate) fn with_query(path: &str, extra: &str) -> String {
    match (extra.is_empty(), path.contains('?')) {
        (true, _) => path.to_string(),
        (false, true) => format!("{path}&{extra}"),
        (false, false) => format!("{path}?{extra}"),
    }
}

/// The URL a link goes to, with the page's as-of date (a drill-down is as of the
/// figure's date, always).
fn href(l: &Link, v: &View) -> String {
    let base = match l {
        Link::Fund(c) => format!("/fund/{}", encode(c)),
        Link::Company(c) => format!("/company/{}", encode(c)),
        Link::Loan(c) => format!("/loan/{}", encode(c)),
        Link::Entries {
            funds,
            company,
            investor,
            kind,
        } => {
            let mut q: Vec<String> = funds
                .iter()
                .map(|f| format!("fund={}", encode(f)))
                .collect();
            if let Some(c) = company {
                q.push(format!("company={}", encode(c)));
            }
            if let Some(i) = investor {
                q.push(format!("investor={}", encode(i)));
            }
            q.push(format!("kind={}", encode(kind)));
            q.push(format!("as_of={}", v.as_of));
            return with_query(
                &format!("/journal?{}", q.join("&")),
                &carry(&View {
                    as_of_given: false,
                    ..v.clone()
                }),
            );
        }
    };
    with_query(&base, &carry(v))
}

fn cell_html(doc: &Document, c: &Cell, v: &View) -> String {
    let mut s = esc(&c.shown(doc.unit));
    if let Some(m) = &c.mark {
        s.push_str(&esc(m));
    }
    match &c.link {
        Some(l) if !s.is_empty() => format!("<a href=\"{}\">{s}</a>", esc(&href(l, v))),
        _ => s,
    }
}

/// One section as an HTML table with its notes.
fn section_html(doc: &Document, s: &Section, v: &View, out: &mut String) {
    let _ = write!(out, "<section><h2>{}</h2>", esc(&s.title));
    if s.rows.is_empty() {
        out.push_str("<p>(none)</p>");
    } else {
        out.push_str("<table><thead><tr>");
        for i in 0..s.columns.len() {
            let _ = write!(out, "<th>{}</th>", esc(&header(doc, s, i)));
        }
        out.push_str("</tr></thead><tbody>");
        for r in &s.rows {
            out.push_str(if r.total {
                "<tr class=\"total\">"
            } else {
                "<tr>"
            });
            for (c, col) in r.cells.iter().zip(&s.columns) {
                let class = if col.kind.is_numeric() || col.kind == Kind::Date {
                    " class=\"n\""
                } else {
                    ""
                };
                let _ = write!(out, "<td{class}>{}</td>", cell_html(doc, c, v));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
    }
    // Charts as inline SVG (viewBox, so they scale on screen and on paper).
    for c in &s.charts {
        let _ = write!(
            out,
            "<figure class=\"chart\">{}</figure>",
            present::svg::inline(c, doc.unit)
        );
    }
    if !s.notes.is_empty() {
        out.push_str("<div class=\"notes\">");
        for n in &s.notes {
            let mark = n
                .mark
                .as_deref()
                .map(|m| format!("{} ", esc(m)))
                .unwrap_or_default();
            let _ = write!(out, "<p>{mark}{}</p>", esc(&n.text));
        }
        out.push_str("</div>");
    }
    out.push_str("</section>");
}

/// A whole page: navigation, the as-of form, the documents, downloads, extra HTML.
fn page(
    req: &Request,
    v: &View,
    title: &str,
    docs: &[Document],
    top: &str,
    forms: &str,
) -> Response {
    let l = |k| label(v.lang, k);
    let mut b = String::new();
    let lang = if v.lang == present::Lang::Zh {
        "zh-CN"
    } else {
        "en"
    };
    let _ = write!(
        b,
        "<!doctype html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{} · fundledger</title><style>{CSS}</style></head><body>",
        esc(title)
    );
    let nav = carry(v);
    let _ = write!(
        b,
        "<header><span class=\"nav\"><a href=\"{}\">{}</a><a href=\"{}\">{}</a><a href=\"{}\">{}</a><a href=\"{}\">{}</a></span>",
        esc(&with_query("/", &nav)),
        esc(l("Portfolio")),
        esc(&with_query("/journal", &nav)),
        esc(l("Journal")),
        esc(&with_query("/loans", &nav)),
        esc(l("Loans")),
        esc(&with_query("/audit", &nav)),
        esc(l("Audit")),
    );
    // The as-of form keeps the page's other parameters.
    let _ = write!(b, "<form method=\"get\" action=\"{}\">", esc(req.path()));
    for (k, val) in req.query() {
        if !["as_of", "lang", "before", "format"].contains(&k.as_str()) {
            let _ = write!(
                b,
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                esc(&k),
                esc(&val)
            );
        }
    }
    let _ = write!(
        b,
        "<label>{} <input type=\"date\" name=\"as_of\" value=\"{}\"></label> <select name=\"lang\"><option value=\"en\"{}>English</option><option value=\"zh\"{}>中文</option></select> <button>OK</button></form></header>",
        esc(l("As of")),
        v.as_of,
        if v.lang == present::Lang::En { " selected" } else { "" },
        if v.lang == present::Lang::Zh { " selected" } else { "" },
    );
    let _ = write!(
        b,
        "<main><div class=\"printhead\">fundledger · {} · {} {}</div><h1>{}</h1><p class=\"asof\">{} {} · {}: {}</p>",
        esc(title),
        esc(l("As of")),
        v.as_of,
        esc(title),
        esc(l("As of")),
        v.as_of,
        esc(l("Unit")),
        esc(v.unit.label())
    );
    b.push_str(top);
    for d in docs {
        for s in &d.sections {
            section_html(d, s, v, &mut b);
        }
    }
    b.push_str(forms);
    if !docs.is_empty() {
        let here = req.url.split('?').next().unwrap_or("/");
        let q: Vec<(String, String)> = req
            .query()
            .into_iter()
            .filter(|(k, _)| k != "format")
            .collect();
        let q: Vec<String> = q
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        let link = |f: &str| {
            let mut qs = q.clone();
            qs.push(format!("format={f}"));
            format!("{here}?{}", qs.join("&"))
        };
        let _ = write!(
            b,
            "<p class=\"downloads\"><a href=\"{}\">CSV</a><a href=\"{}\">XLSX</a><a href=\"{}\">PDF</a></p>",
            esc(&link("csv")),
            esc(&link("xlsx")),
            esc(&link("pdf"))
        );
    }
    b.push_str("</main></body></html>");
    Response::html(200, b)
}

/// The same documents as a download: CSV (one file, sections one after another).
fn download(req: &Request, name: &str, docs: &[Document]) -> Option<Result<Response>> {
    let fmt = req.query().into_iter().find(|(k, _)| k == "format")?.1;
    Some(match fmt.as_str() {
        "csv" => {
            let mut out = Vec::new();
            let mut r = Ok(());
            for d in docs {
                if r.is_ok() {
                    r = present::csv::write(d, &Columns::All, out.is_empty(), &mut out);
                }
            }
            r.map(|()| {
                Response::new(200, "text/csv; charset=utf-8", out).with_header(
                    "Content-Disposition",
                    &format!("attachment; filename=\"{name}.csv\""),
                )
            })
        }
        "xlsx" => present::xlsx::workbook(docs, &Columns::All).map(|bytes| {
            Response::new(
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes,
            )
            .with_header(
                "Content-Disposition",
                &format!("attachment; filename=\"{name}.xlsx\""),
            )
        }),
        "pdf" => {
            let Some(first) = docs.first() else {
                return Some(Err(Error::refused(
                    "format",
                    "this page has nothing to print",
                )));
            };
            let mut b = present::print::Binder::single(first.clone());
            b.docs = docs.to_vec();
            present::pdf::font_files(None)
                .and_then(|f| present::pdf::load_fonts(&f))
                .and_then(|fonts| present::pdf::render(&b, &Columns::All, fonts))
                .map(|(bytes, _pages)| {
                    Response::new(200, "application/pdf", bytes).with_header(
                        "Content-Disposition",
                        &format!("attachment; filename=\"{name}.pdf\""),
                    )
                })
        }
        other => Err(Error::refused(
            "format",
            format!("download format '{other}' is not available (use csv, xlsx or pdf)"),
        )),
    })
}

fn opts(v: &View) -> Opts {
    Opts {
        unit: v.unit,
        lang: v.lang,
    }
}

/// What a page shows besides its documents: a message above them, forms below.
#[derive(Default)]
struct Extra {
    top: String,
    forms: String,
}

fn finish(
    req: &Request,
    v: &View,
    name: &str,
    title: &str,
    docs: Vec<Document>,
    extra: Extra,
) -> Result<Response> {
    if let Some(d) = download(req, name, &docs) {
        return d;
    }
    let mut top = extra.top;
    if let Some((_, id)) = req.query().into_iter().find(|(k, _)| k == "recorded") {
        let _ = write!(top, "<p class=\"ok\">Recorded entry {}.</p>", esc(&id));
    }
    Ok(page(req, v, title, &docs, &top, &extra.forms))
}

pub fn overview(app: &App, req: &Request, v: &View, _token: &str) -> Result<Response> {
    let mut l = app.open()?;
    let o = opts(v);
    let p = reports::portfolio(&mut l, v.as_of, None)?;
    let mut docs = vec![present::portfolio::document(&p, None, o)];
    let r = returns(&mut l, v, None, By::Fund)?;
    docs.push(present::returns::document(
        &r,
        None,
        o,
        Layout::Sections,
        false,
        false,
    ));
    let lev = reports::leverage::leverage(&mut l, v.as_of, None)?;
    docs.push(present::leverage::document(&lev, None, o, Layout::Sections));
    let list = reports::loans::loan_list(&mut l, v.as_of)?;
    if !list.loans.is_empty() {
        let book = reports::loans::loans_report(&mut l, v.as_of, None)?;
        docs.push(present::loans::book(&book, o));
    }
    finish(
        req,
        v,
        "overview",
        label(v.lang, "Portfolio"),
        docs,
        Extra::default(),
    )
}

pub fn fund(app: &App, req: &Request, v: &View, code: &str, token: &str) -> Result<Response> {
    let mut l = app.open()?;
    let o = opts(v);
    let p = reports::portfolio(&mut l, v.as_of, Some(code))?;
    let title = p
        .funds
        .first()
        .map_or(code.to_string(), |f| format!("{} {}", f.code, f.name));
    let mut docs = vec![present::portfolio::document(&p, Some(code), o)];
    // Look-through is a guidance fund's view of its sub-funds' holdings.
    if p.funds
        .first()
        .is_some_and(|f| f.kind == crate::domain::FundKind::Guidance)
    {
        let lt = reports::lookthrough::look_through(&mut l, v.as_of, Some(code))?;
        docs.push(present::leverage::look_through(
            &lt,
            Some(code),
            o,
            Layout::Sections,
        ));
    }
    for by in [By::Holding, By::Lp] {
        let r = returns(&mut l, v, Some(code), by)?;
        docs.push(present::returns::document(
            &r,
            Some(code),
            o,
            Layout::Sections,
            false,
            false,
        ));
    }
    let h = reports::policy::policy_history(&mut l, code, v.as_of)?;
    docs.push(present::listing::policy(&h, o, Layout::Sections));
    let forms = if app.cfg.read_only {
        String::new()
    } else {
        forms::fund_forms(v, code, token, None)
    };
    finish(
        req,
        v,
        &format!("fund-{code}"),
        &title,
        docs,
        Extra {
            top: String::new(),
            forms,
        },
    )
}

pub fn company(app: &App, req: &Request, v: &View, code: &str) -> Result<Response> {
    let mut l = app.open()?;
    let o = opts(v);
    let c = reports::companies(&mut l)?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or_else(|| Error::refused("unknown-code", format!("no company '{code}'")))?;
    let title = format!("{} {}", c.code, c.name);
    let mut r = returns(&mut l, v, None, By::Holding)?;
    if let Some(h) = r.holdings.as_mut() {
        h.retain(|h| h.company == code);
    }
    let mut docs = vec![present::listing::companies(vec![c], o)];
    docs.push(present::returns::document(
        &r,
        None,
        o,
        Layout::Sections,
        false,
        false,
    ));
    let page_ = journal_page(
        &mut l,
        &JournalFilter {
            company: Some(code.to_string()),
            as_of: Some(v.as_of),
            ..JournalFilter::default()
        },
    )?;
    docs.push(present::listing::log(page_.lines, None, o));
    finish(
        req,
        v,
        &format!("company-{code}"),
        &title,
        docs,
        Extra::default(),
    )
}

pub fn loans(app: &App, req: &Request, v: &View) -> Result<Response> {
    let mut l = app.open()?;
    let o = opts(v);
    let list = reports::loans::loan_list(&mut l, v.as_of)?;
    let book = reports::loans::loans_report(&mut l, v.as_of, None)?;
    let docs = vec![
        present::loans::book(&book, o),
        present::loans::list(&list, o),
    ];
    finish(
        req,
        v,
        "loans",
        label(v.lang, "Loan book"),
        docs,
        Extra::default(),
    )
}

pub fn loan(app: &App, req: &Request, v: &View, code: &str, token: &str) -> Result<Response> {
    let mut l = app.open()?;
    let s = reports::loans::loan_schedule(&mut l, code, v.as_of)?;
    let docs = vec![present::loans::schedule(&s, opts(v))];
    let forms = if app.cfg.read_only {
        String::new()
    } else {
        forms::loan_forms(v, code, token, None)
    };
    let title = format!("{} {}", s.loan, s.borrower);
    finish(
        req,
        v,
        &format!("loan-{code}"),
        &title,
        docs,
        Extra {
            top: String::new(),
            forms,
        },
    )
}

/// The journal with filters (`fund` may repeat, `company`, `investor`, `loan`, `kind`,
/// `as_of`) and keyset pages (`before`): as fast on page 20,000 as on page 1.
pub fn journal(app: &App, req: &Request, v: &View, token: &str) -> Result<Response> {
    let mut f = JournalFilter {
        as_of: v.as_as_of(),
        ..JournalFilter::default()
    };
    for (k, val) in req.query() {
        if val.is_empty() {
            continue;
        }
        match k.as_str() {
            "fund" => f.funds.push(val),
            "company" => f.company = Some(val),
            "investor" => f.investor = Some(val),
            "loan" => f.loan = Some(val),
            "kind" => {
                f.kind = Some(
                    val.parse::<EntryKind>()
                        .map_err(|e| Error::refused("kind", e.to_string()))?,
                )
            }
            "before" => {
                f.before =
                    Some(val.parse().map_err(|_| {
                        Error::refused("before", format!("'{val}' is not an entry id"))
                    })?)
            }
            _ => {}
        }
    }
    let mut l = app.open()?;
    let o = opts(v);
    let p = journal_page(&mut l, &f)?;
    let mut extra = Extra::default();
    if let (Some(total), Some(n)) = (p.total, p.counted) {
        let _ = write!(
            extra.top,
            "<p class=\"ok\">{} {} {}: <strong>{}</strong> ({n} entries that count; reversed entries and reversals excluded)</p>",
            esc(label(v.lang, "Total")),
            esc(f.kind.map_or("", |k| k.as_str())),
            esc(&f.funds.join(", ")),
            esc(&o.money_str(total)),
        );
    }
    if !app.cfg.read_only {
        extra.forms = forms::reverse_form(v, token, None);
    }
    let next = p.next_before.map(|b| {
        let q: Vec<String> = req
            .query()
            .into_iter()
            .filter(|(k, _)| k != "before" && k != "format")
            .map(|(k, v)| format!("{}={}", encode(&k), encode(&v)))
            .chain([format!("before={b}")])
            .collect();
        format!(
            "<p><a href=\"/journal?{}\">older entries →</a></p>",
            esc(&q.join("&"))
        )
    });
    let docs = vec![present::listing::log(p.lines, None, o)];
    let mut resp = finish(req, v, "journal", label(v.lang, "Journal"), docs, extra)?;
    if let Some(n) = next {
        if resp
            .header("content-type")
            .is_some_and(|c| c.starts_with("text/html"))
        {
            let body = resp.body_text().replace("</main>", &format!("{n}</main>"));
            resp.body = body.into_bytes();
        }
    }
    Ok(resp)
}

pub fn audit(app: &App, req: &Request, v: &View) -> Result<Response> {
    let mut l = app.open()?;
    let opts_ = reports::audit::AuditOptions {
        as_of: Some(v.as_of),
        expect_head: None,
        statement: None,
        tolerance: crate::money::Money::ZERO,
    };
    let r = reports::audit::audit(&mut l, &opts_)?;
    let docs = vec![present::listing::audit(&r, opts(v))];
    finish(
        req,
        v,
        "audit",
        label(v.lang, "Audit"),
        docs,
        Extra::default(),
    )
}

/// The returns of the page's funds (`fund`, or all), one row per `by`, as of the page.
fn returns(
    l: &mut crate::store::Ledger,
    v: &View,
    fund: Option<&str>,
    by: By,
) -> Result<reports::Returns> {
    let q = ReturnsQuery {
        as_of: v.as_of,
        fund,
        by,
        benchmark: None,
        look_through: false,
    };
    reports::returns(l, &q)
}

/// An error as a page: the message (a refusal names its rule and figures), never a
/// stack trace.
pub fn error_page(v: &View, status: u16, e: &Error) -> Response {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>fundledger</title><style>{CSS}</style></head><body><main><p class=\"err\">{}</p><p><a href=\"{}\">←</a></p></main></body></html>",
        esc(&e.to_string()),
        esc(&with_query("/", &carry(v)))
    );
    Response::html(status, body)
}

impl View {
    /// The as-of date journal pages filter on.
    fn as_as_of(&self) -> Option<crate::date::Date> {
        Some(self.as_of)
    }
}

/// Render a page with a form's outcome above the documents (used by `forms`).
pub fn with_message(resp: Response, html: &str) -> Response {
    let body = resp.body_text().replacen("<h1>", &format!("{html}<h1>"), 1);
    Response {
        body: body.into_bytes(),
        ..resp
    }
}
