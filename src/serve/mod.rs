//! `fundledger serve`: the ledger in a browser, for the people who will not use a
//! terminal. docs/serve.md has the pages, URL parameters and the security model.
//!
//! Why a small synchronous server (tiny_http) and no async runtime: every request is
//! one SQLite read or write on a file on this machine, so a few worker threads, each
//! opening the ledger for its request, serve a loopback user faster than they can
//! click, with far less to compile and to trust. The router is a plain function from
//! [`Request`] to [`Response`], so every route is tested without a socket.
//!
//! Architecture Invariant: the web view writes only through `ops` — the same
//! functions, rules and refusals as the CLI — and never edits or deletes an entry.

mod cache;
pub mod forms;
pub mod http;
pub mod pages;

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::date::{parse_date, today, Date};
use crate::error::{Error, Result};
use crate::money::Unit;
use crate::present::Lang;
use crate::store::Ledger;

pub use http::{Request, Response};

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    pub db: PathBuf,
    pub listen: SocketAddr,
    pub read_only: bool,
    /// The author recorded for writes when the form leaves the name empty.
    pub user: Option<String>,
    pub lang: Lang,
    /// Worker threads.
    pub threads: usize,
}

/// A running web view: its configuration, the secret its CSRF tokens are made with,
/// and the pages already built for the ledger as it is now.
pub struct App {
    pub cfg: Config,
    secret: [u8; 32],
    cache: cache::Pages,
}

/// Where a page's forms get the session's CSRF token. It cannot come from data: every
/// value on a page is escaped, and this has a `<`.
const CSRF_SLOT: &str = "<csrf-token/>";

/// The Content-Security-Policy of every page: nothing from elsewhere, no scripts at all,
/// forms post only here, no framing.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; \
                       form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The session cookie; the CSRF token is an HMAC of its value.
const SESSION: &str = "fundledger_session";

/// What every page is asked for in its URL.
#[derive(Clone, Debug)]
pub struct View {
    pub as_of: Date,
    /// `as_of` was given in the URL (links carry it on).
    pub as_of_given: bool,
    pub lang: Lang,
    pub unit: Unit,
}

impl App {
    pub fn new(cfg: Config) -> Result<App> {
        let secret = http::random_bytes().map_err(|e| {
            Error::Ledger(format!(
                "cannot read /dev/urandom for the session secret: {e}"
            ))
        })?;
        Ok(App::with_secret(cfg, secret))
    }

    /// An app with a fixed secret (tests).
    pub fn with_secret(cfg: Config, secret: [u8; 32]) -> App {
        App {
            cfg,
            secret,
            cache: cache::Pages::default(),
        }
    }

    /// What identifies the ledger's content now: the file's size and modification time
    /// (any write, by this server, the CLI or anything else, changes them). `None` when
    /// the file cannot be read (then nothing is cached).
    fn version(&self) -> Option<String> {
        let m = std::fs::metadata(&self.cfg.db).ok()?;
        let t = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(format!("{}:{}", m.len(), t.as_nanos()))
    }

    pub fn open(&self) -> Result<Ledger> {
        Ledger::open(&self.cfg.db)
    }

    /// The CSRF token of a session.
    pub fn token(&self, session: &str) -> String {
        http::hmac_hex(&self.secret, session.as_bytes())
    }

    /// Host headers this server answers: its listen address, and `localhost` with its
    /// port when it listens on loopback. Anything else is refused, so a page on another
    /// site cannot reach this server through a DNS name rebound to 127.0.0.1.
    fn host_allowed(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return false };
        let l = self.cfg.listen;
        let mut ok = vec![l.to_string()];
        if l.ip().is_loopback() {
            ok.push(format!("localhost:{}", l.port()));
            ok.push(format!("127.0.0.1:{}", l.port()));
            ok.push(format!("[::1]:{}", l.port()));
        }
        ok.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Answer one request. Never panics on input and never shows a stack trace.
    pub fn handle(&self, req: &Request) -> Response {
        let resp = self.route(req);
        let mut resp = resp
            .with_header("Content-Security-Policy", CSP)
            .with_header("X-Content-Type-Options", "nosniff")
            .with_header("Referrer-Policy", "no-referrer")
            .with_header("Cache-Control", "no-store");
        if req.cookie(SESSION).is_none() {
            if let Ok(b) = http::random_bytes() {
                resp = resp.with_header(
                    "Set-Cookie",
                    &format!(
                        "{SESSION}={}; Path=/; HttpOnly; SameSite=Strict",
                        http::hex(&b)
                    ),
                );
            }
        }
        resp
    }

    fn route(&self, req: &Request) -> Response {
        if !self.host_allowed(req.header("host")) {
            return Response::text(
                421,
                "This server answers only to its own address (Host header refused).",
            );
        }
        let view = match self.view(req) {
            Ok(v) => v,
            Err(e) => return pages::error_page(&self.default_view(), 400, &e),
        };
        let path = req.path().to_string();
        let parts: Vec<String> = path
            .trim_matches('/')
            .split('/')
            .map(http::decode)
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        match (req.method.as_str(), parts.as_slice()) {
            ("POST", ["record"]) | ("POST", ["reverse"]) | ("POST", ["loan-repay"]) => {
                forms::post(self, req, &view, parts[0])
            }
            ("POST", _) => Response::text(404, "Not found."),
            ("GET" | "HEAD", _) => {
                if parts.as_slice() == ["favicon.ico"] {
                    // Browsers ask for it on every site; no icon, and no error either.
                    return Response::new(204, "image/x-icon", Vec::new());
                }
                let session = req.cookie(SESSION).unwrap_or_default();
                // Pages are built with a placeholder for the session's CSRF token, so one
                // built page serves every session; the token goes in on the way out.
                let build = || {
                    let t = CSRF_SLOT;
                    let out = match parts.as_slice() {
                        [""] => pages::overview(self, req, &view, t),
                        ["fund", code] => pages::fund(self, req, &view, code, t),
                        ["company", code] => pages::company(self, req, &view, code),
                        ["loans"] => pages::loans(self, req, &view),
                        ["loan", code] => pages::loan(self, req, &view, code, t),
                        ["journal"] => pages::journal(self, req, &view, t),
                        ["audit"] => pages::audit(self, req, &view),
                        _ => Err(Error::refused("not-found", format!("no page {path}"))),
                    };
                    out.unwrap_or_else(|e| pages::error_page(&view, status_of(&e), &e))
                };
                let page = match self.version() {
                    Some(version) => {
                        let key = format!(
                            "{version}|{}|{}|{:?}|{:?}",
                            req.url, view.as_of, view.lang, view.unit
                        );
                        self.cache.get_or_build(key, build)
                    }
                    None => build(),
                };
                let token = self.token(&session);
                let mut page = page;
                if page
                    .header("content-type")
                    .is_some_and(|c| c.starts_with("text/html"))
                {
                    page.body = page.body_text().replace(CSRF_SLOT, &token).into_bytes();
                }
                page
            }
            _ => Response::text(405, "Method not allowed.").with_header("Allow", "GET, POST"),
        }
    }

    fn default_view(&self) -> View {
        View {
            as_of: today(),
            as_of_given: false,
            lang: self.cfg.lang,
            unit: Unit::Wan,
        }
    }

    fn view(&self, req: &Request) -> Result<View> {
        let mut v = self.default_view();
        for (k, val) in req.query() {
            match k.as_str() {
                "as_of" if !val.is_empty() => {
                    v.as_of =
                        parse_date(&val).map_err(|e| Error::refused("bad-date", e.to_string()))?;
                    v.as_of_given = true;
                }
                "lang" if !val.is_empty() => {
                    v.lang = val.parse().map_err(|e: String| Error::refused("lang", e))?
                }
                "unit" if !val.is_empty() => {
                    v.unit = val.parse().map_err(|e: String| Error::refused("unit", e))?
                }
                _ => {}
            }
        }
        Ok(v)
    }

    /// The session of a request and whether its form carries that session's token.
    fn csrf_ok(&self, req: &Request, form: &[(String, String)]) -> bool {
        let Some(session) = req.cookie(SESSION) else {
            return false;
        };
        let sent = form
            .iter()
            .find(|(k, _)| k == "csrf")
            .map_or("", |(_, v)| v.as_str());
        http::same(sent, &self.token(&session))
    }
}

/// HTTP status for an error: a refusal or unknown code is the user's (400/404),
/// anything else is the server's (500).
fn status_of(e: &Error) -> u16 {
    match e.rule() {
        Some("unknown-code") | Some("not-found") => 404,
        Some(_) => 400,
        None => 500,
    }
}

/// Serve until the process is stopped: `threads` workers, each opening the ledger for
/// the request it handles (SQLite serialises writers; CLI writes meanwhile are fine).
pub fn run(app: App) -> Result<()> {
    let server = tiny_http::Server::http(app.cfg.listen)
        .map_err(|e| Error::Ledger(format!("cannot listen on {}: {e}", app.cfg.listen)))?;
    let app = std::sync::Arc::new(app);
    let server = std::sync::Arc::new(server);
    let mut workers = Vec::new();
    for _ in 0..app.cfg.threads.max(1) {
        let (app, server) = (app.clone(), server.clone());
        workers.push(std::thread::spawn(move || {
            while let Ok(mut rq) = server.recv() {
                let req = to_request(&mut rq);
                let resp = app.handle(&req);
                let _ = rq.respond(to_response(resp, req.method == "HEAD"));
            }
        }));
    }
    for w in workers {
        let _ = w.join();
    }
    Ok(())
}

/// Requests larger than this are refused unread (a form is a few hundred bytes).
const MAX_BODY: usize = 64 * 1024;

fn to_request(rq: &mut tiny_http::Request) -> Request {
    let mut body = Vec::new();
    if rq.body_length().unwrap_or(0) <= MAX_BODY {
        use std::io::Read;
        let _ = rq.as_reader().take(MAX_BODY as u64).read_to_end(&mut body);
    }
    Request {
        method: rq.method().as_str().to_ascii_uppercase(),
        url: rq.url().to_string(),
        headers: rq
            .headers()
            .iter()
            .map(|h| {
                (
                    h.field.as_str().as_str().to_string(),
                    h.value.as_str().to_string(),
                )
            })
            .collect(),
        body,
    }
}

fn to_response(r: Response, head: bool) -> tiny_http::Response<std::io::Cursor<Vec<u8>>> {
    let body = if head { Vec::new() } else { r.body };
    let mut out = tiny_http::Response::from_data(body).with_status_code(r.status);
    for (k, v) in r.headers {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            out.add_header(h);
        }
    }
    out
}
