//! The web view's routes, without a socket: pages, drill-down, escaping, the Host
//! check, CSRF and read-only refusals, and writes through the same rules as the CLI.

mod common;

use common::TestLedger;
use fundledger::serve::{App, Config, Request, Response};

const HOST: &str = "127.0.0.1:8640";
const SESSION: &str = "fundledger_session=s3ss10n";

fn example() -> TestLedger {
    TestLedger::example()
}

fn app(t: &TestLedger, read_only: bool) -> App {
    App::with_secret(
        Config {
            db: t.db.clone(),
            listen: HOST.parse().unwrap(),
            read_only,
            user: Some("web-tester".into()),
            lang: Default::default(),
            threads: 1,
        },
        [7u8; 32],
    )
}

fn get(app: &App, url: &str) -> Response {
    let mut r = Request::get(url);
    r.headers = vec![
        ("Host".into(), HOST.into()),
        ("Cookie".into(), SESSION.into()),
    ];
    app.handle(&r)
}

fn post(app: &App, url: &str, form: &[(&str, &str)], token: Option<&str>) -> Response {
    let mut body: Vec<String> = form
        .iter()
        .map(|(k, v)| format!("{k}={}", fundledger::serve::http::encode(v)))
        .collect();
    if let Some(t) = token {
        body.push(format!("csrf={t}"));
    }
    app.handle(&Request {
        method: "POST".into(),
        url: url.into(),
        headers: vec![
            ("Host".into(), HOST.into()),
            ("Cookie".into(), SESSION.into()),
        ],
        body: body.join("&").into_bytes(),
    })
}

fn token(app: &App) -> String {
    app.token("s3ss10n")
}

/// `href` values of the page's links.
fn links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().replace("&amp;", "&"))
        .collect()
}

#[test]
fn pages_answer_with_the_reports_and_strict_headers() {
    let t = example();
    let a = app(&t, false);
    for url in [
        "/?as_of=2021-12-31",
        "/fund/SC?as_of=2021-12-31",
        "/fund/NT?as_of=2021-12-31&lang=zh",
        "/company/C01?as_of=2021-12-31",
        "/loans?as_of=2022-06-15",
        "/loan/CY2021-011?as_of=2022-06-15",
        "/journal",
        "/audit",
    ] {
        let r = get(&a, url);
        assert_eq!(r.status, 200, "{url}: {}", r.body_text());
        assert!(r
            .header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'"));
        let html = r.body_text();
        // No script of any kind, nothing from another host.
        assert!(!html.contains("<script"), "{url}");
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{url}"
        );
    }
    let html = get(&a, "/?as_of=2021-12-31").body_text();
    // 诺泰's published figures: 5,982万 paid in, valued 13,624万; the as-of date shown.
    assert!(
        html.contains("5,982.00") && html.contains("13,624.00"),
        "{html}"
    );
    assert!(html.contains("2021-12-31"));
    let zh = get(&a, "/fund/NT?as_of=2021-12-31&lang=zh").body_text();
    assert!(zh.contains("实际出资"), "{zh}");
    // A new browser gets a session cookie, HttpOnly and SameSite=Strict.
    let fresh = a.handle(&Request {
        headers: vec![("Host".into(), HOST.into())],
        ..Request::get("/")
    });
    let cookie = fresh.header("set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[test]
fn a_total_links_to_the_entries_that_add_up_to_it() {
    let t = example();
    let a = app(&t, false);
    let html = get(&a, "/fund/SC?as_of=2021-12-31").body_text();
    // The 双创 programme (SC and its sub-fund SC-1) has paid in 8,095万 (the seed).
    let drill = links(&html)
        .into_iter()
        .find(|l| l.contains("kind=deal-pay") && l.contains("fund=SC&fund=SC-1"))
        .unwrap_or_else(|| panic!("no drill-down link for the total: {html}"));
    assert!(drill.contains("as_of=2021-12-31"), "{drill}");
    let entries = get(&a, &drill).body_text();
    assert!(
        entries.contains("<strong>8,095.00 万元</strong>"),
        "{entries}"
    );
}

#[test]
fn every_value_is_escaped() {
    let t = TestLedger::new();
    t.run(&[
        "company",
        "add",
        "X",
        "--name",
        "<script>alert(1)</script>",
        "--sector",
        "\"><img src=x>",
    ])
    .ok();
    let a = app(&t, false);
    let html = get(&a, "/company/X").body_text();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        !html.contains("<script>") && !html.contains("<img src=x>"),
        "{html}"
    );
}

#[test]
fn another_host_is_refused() {
    let t = example();
    let a = app(&t, false);
    for host in [Some("evil.example:8640"), Some("127.0.0.1:9999"), None] {
        let mut r = Request::get("/");
        if let Some(h) = host {
            r.headers.push(("Host".into(), h.into()));
        }
        assert_eq!(a.handle(&r).status, 421, "{host:?}");
    }
    let mut r = Request::get("/");
    r.headers.push(("Host".into(), "localhost:8640".into()));
    assert_eq!(a.handle(&r).status, 200);
}

const OVERPAY: &[(&str, &str)] = &[
    ("form", "deal-pay"),
    ("kind", "deal-pay"),
    ("fund", "SC-1"),
    ("counterparty", "C01"),
    // C01 is paid in full (1,500万 of 1,500万): any payment exceeds the commitment.
    ("amount", "100万"),
    ("date", "2021-12-31"),
    ("by", "张敏"),
];

#[test]
fn posts_without_the_session_token_or_on_a_read_only_server_write_nothing() {
    let t = example();
    let before = t.dump();
    let a = app(&t, false);
    let mut ok = OVERPAY.to_vec();
    ok[4] = ("amount", "1");
    let r = post(&a, "/record", &ok, None);
    assert_eq!(r.status, 403, "{}", r.body_text());
    let r = post(&a, "/record", &ok, Some("0000"));
    assert_eq!(r.status, 403);
    assert!(r.body_text().contains("CSRF"));
    let ro = app(&t, true);
    let r = post(&ro, "/record", &ok, Some(&token(&ro)));
    assert_eq!(r.status, 403);
    assert!(r.body_text().contains("read-only"));
    // A read-only server shows no form at all.
    assert!(!get(&ro, "/fund/SC").body_text().contains("method=\"post\""));
    assert_eq!(before, t.dump(), "a refused POST changed the ledger");
    // Only GET and POST.
    let put = a.handle(&Request {
        method: "PUT".into(),
        headers: vec![("Host".into(), HOST.into())],
        ..Request::get("/")
    });
    assert_eq!(put.status, 405);
}

#[test]
fn a_refused_form_shows_the_rule_and_writes_nothing_and_a_valid_one_moves_the_total() {
    let t = example();
    let a = app(&t, false);
    let before = t.dump();
    let r = post(&a, "/record", OVERPAY, Some(&token(&a)));
    assert_eq!(r.status, 422);
    let html = r.body_text();
    assert!(html.contains("paid-in-exceeds-commitment"), "{html}");
    // The typed amount is kept in the form, and the form is open.
    assert!(html.contains("value=\"100万\""), "{html}");
    assert_eq!(before, t.dump(), "a refused form changed the ledger");

    // C05 (SC): committed 2,485万, paid 2,000万; 485万 more is within the commitment.
    let pay = [
        ("form", "deal-pay"),
        ("kind", "deal-pay"),
        ("fund", "SC"),
        ("counterparty", "C05"),
        ("amount", "485万"),
        ("date", "2021-12-31"),
        ("by", "张敏"),
    ];
    let r = post(&a, "/record", &pay, Some(&token(&a)));
    assert_eq!(r.status, 303, "{}", r.body_text());
    assert!(r
        .header("location")
        .unwrap()
        .starts_with("/fund/SC?recorded="));
    // 8,095万 + 485万 = 8,580万 for the programme.
    let total = get(
        &a,
        "/journal?fund=SC&fund=SC-1&kind=deal-pay&as_of=2021-12-31",
    )
    .body_text();
    assert!(total.contains("<strong>8,580.00 万元</strong>"), "{total}");
    // The entry records the name typed in the form.
    let log = t.json(&["log"]);
    let last = log["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["recorded_by"], "张敏");
    assert_eq!(last["amount"], "4850000.00");

    // A reversal with a reason, through the journal's form: the total is back.
    let id = last["id"].as_i64().unwrap().to_string();
    let rev = [
        ("form", "reverse"),
        ("entry", id.as_str()),
        ("reason", "keyed twice"),
    ];
    let r = post(&a, "/reverse", &rev, Some(&token(&a)));
    assert_eq!(r.status, 303, "{}", r.body_text());
    let total = get(
        &a,
        "/journal?fund=SC&fund=SC-1&kind=deal-pay&as_of=2021-12-31",
    )
    .body_text();
    assert!(total.contains("<strong>8,095.00 万元</strong>"), "{total}");
    assert!(
        total.contains(&format!("reversed by {}", id.parse::<i64>().unwrap() + 1)),
        "{total}"
    );
}

#[test]
fn errors_are_pages_without_internals() {
    let t = example();
    let a = app(&t, false);
    for (url, status) in [
        ("/fund/NOPE", 404),
        ("/nowhere", 404),
        ("/?as_of=2021-02-30", 400),
        ("/journal?kind=nonsense", 400),
        ("/journal?before=abc", 400),
    ] {
        let r = get(&a, url);
        assert_eq!(r.status, status, "{url}: {}", r.body_text());
        let html = r.body_text();
        assert!(
            !html.contains("panicked") && !html.contains("src/"),
            "{url}: {html}"
        );
    }
}

#[test]
fn the_journal_pages_by_entry_id_and_downloads_as_csv() {
    let t = example();
    let a = app(&t, false);
    let first = get(&a, "/journal").body_text();
    let next = links(&first)
        .into_iter()
        .find(|l| l.contains("before="))
        .expect("a link to older entries");
    let second = get(&a, &next).body_text();
    assert_ne!(first, second);
    let csv = get(&a, "/journal?fund=NT&kind=deal-pay&format=csv");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.body_text();
    assert!(text.starts_with("\u{feff}Id,Date,Kind"), "{text}");
    // 诺泰's eight payments.
    assert_eq!(
        text.lines().filter(|l| l.contains(",deal-pay,NT,")).count(),
        8,
        "{text}"
    );
}

/// Pages are built once per ledger version and shared by sessions: each session still
/// gets its own CSRF token, and a write from the CLI shows at the next request.
#[test]
fn built_pages_are_shared_but_tokens_and_new_entries_are_not_stale() {
    let t = example();
    let a = app(&t, false);
    let page_for = |cookie: &str| {
        let mut r = Request::get("/fund/SC?as_of=2021-12-31");
        r.headers = vec![
            ("Host".into(), HOST.into()),
            ("Cookie".into(), cookie.into()),
        ];
        a.handle(&r).body_text()
    };
    let one = page_for("fundledger_session=one");
    let two = page_for("fundledger_session=two");
    assert!(one.contains(&format!("value=\"{}\"", a.token("one"))));
    assert!(two.contains(&format!("value=\"{}\"", a.token("two"))));
    assert!(!two.contains(&a.token("one")));
    assert!(!one.contains("csrf-token"), "the placeholder leaked");
    // SC pays 485万 more into C05 from the command line: 3,795万 → 4,280万.
    assert!(one.contains("3,795.00") && !one.contains("4,280.00"));
    t.run(&[
        "deal",
        "pay",
        "SC",
        "C05",
        "--amount",
        "485万",
        "--date",
        "2021-12-31",
    ])
    .ok();
    let after = page_for("fundledger_session=one");
    assert!(after.contains("4,280.00"), "{after}");
}

/// Every page downloads as the same view in CSV, XLSX and PDF, and shows its charts
/// as inline SVG.
#[test]
fn pages_download_as_xlsx_and_pdf_and_show_charts() {
    let t = example();
    let a = app(&t, false);
    let html = get(&a, "/?as_of=2021-12-31").body_text();
    // Portfolio (2), returns (2) and loans (1) charts on the overview.
    assert!(html.matches("<svg").count() >= 4, "{html}");
    let x = get(&a, "/fund/SC?as_of=2021-12-31&format=xlsx");
    assert_eq!(x.status, 200, "{}", x.body_text());
    assert!(x.header("content-type").unwrap().contains("spreadsheetml"));
    assert_eq!(&x.body[..2], b"PK", "an xlsx is a zip file");
    let p = get(&a, "/fund/SC?as_of=2021-12-31&format=pdf");
    if p.status == 200 {
        assert_eq!(&p.body[..5], b"%PDF-");
        assert_eq!(p.header("content-type"), Some("application/pdf"));
    } else {
        // No CJK font on this machine: the page says what to install.
        let msg = p.body_text();
        assert!(msg.contains("fonts-noto-cjk"), "{msg}");
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs fonts-noto-cjk: {msg}"
        );
    }
    let bad = get(&a, "/?format=docx");
    assert_eq!(bad.status, 400);
}
