//! `fundledger serve` in a real browser: Debian's chromium and chromium-driver, driven
//! by tests/browser/serve_check.py (python3-selenium). Skipped with a `SKIPPED:` line
//! outside CI when they are missing; required under CI (.ci/run installs them).

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::TestLedger;

/// A python3 that can import selenium: Debian's, or the one on PATH.
fn python_with_selenium() -> Option<String> {
    ["/usr/bin/python3", "python3"].into_iter().find_map(|p| {
        let ok = Command::new(p)
            .args(["-c", "import selenium"])
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| p.to_string())
    })
}

fn skip(what: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {what} not installed; the web view was not checked in a browser"
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is required under CI (.ci/run installs chromium, chromium-driver, python3-selenium, poppler-utils)"
    );
}

/// Where screenshots go: CI prints this folder's listing.
fn artifacts() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/ci-artifacts/serve");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_finance_officer_drills_down_pays_and_prints_in_chromium() {
    for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
        if !Path::new(tool).exists() {
            return skip(tool);
        }
    }
    let Some(python) = python_with_selenium() else {
        return skip("python3-selenium");
    };
    let t = TestLedger::uninit();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("ledger.db.example"),
        &t.db,
    )
    .unwrap();
    let before = t.json(&["log"])["entries"].as_array().unwrap().len();
    // A free port: bind, read it, let go (the server binds it a moment later).
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut server = Command::new(common::bin())
        .args(["--db", t.db.to_str().unwrap(), "serve", "--listen", &listen])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while TcpStream::connect(&listen).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "serve did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = artifacts();
    let run = Command::new(&python)
        .args([
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/serve_check.py"),
            &format!("http://{listen}"),
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        run.status.success(),
        "browser script failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    // The drill-down from the 双创 programme's paid-in total: its entries add up to
    // the seed's 8,095万.
    assert_eq!(seen["drill_link_text"], "8,095.00");
    assert_eq!(seen["drill_total"], "8,095.00 万元");
    // The refused payment: the rule and the figures, next to the form.
    let refusal = seen["refusal"].as_str().unwrap();
    assert!(refusal.contains("paid-in-exceeds-commitment"), "{refusal}");
    // The accepted payment moved the total: 8,095万 + 485万.
    assert!(
        seen["after_post_url"]
            .as_str()
            .unwrap()
            .contains("/fund/SC?recorded="),
        "{seen}"
    );
    assert_eq!(seen["after_total"], "8,580.00 万元");
    // Exactly one entry was written: the refused one wrote nothing.
    let log = t.json(&["log"]);
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), before + 1);
    assert_eq!(entries.last().unwrap()["amount"], "4850000.00");
    assert_eq!(entries.last().unwrap()["recorded_by"], "浏览器测试");
    // No console errors but the refused form's own status (422, on purpose: the
    // browser logs every 4xx answer), nothing fetched from elsewhere.
    let errors: Vec<&str> = seen["console_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    assert_eq!(errors.len(), 1, "{seen}");
    assert!(
        errors[0].contains("/record") && errors[0].contains("422"),
        "{seen}"
    );
    assert_eq!(seen["foreign_requests"], serde_json::json!([]), "{seen}");
    // The printed fund page shows its as-of date and its figures.
    let pdf = out.join("fund-SC.pdf");
    match Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
    {
        Ok(o) => {
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(text.contains("2021-12-31"), "{text}");
            assert!(text.contains("8,580.00"), "{text}");
            assert!(text.contains("昆明市双创产业发展股权投资基金"), "{text}");
        }
        Err(_) => skip("pdftotext (poppler-utils)"),
    }
}
