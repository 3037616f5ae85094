//! `report pack` and `--format html|pdf`: through the real binary on a copy of
//! ledger.db.example, read back by real tools (poppler's pdftotext/pdfinfo/pdffonts,
//! headless Chromium). A missing tool or font is a `SKIPPED: … not installed` line
//! outside CI and a failure under CI, where .ci/run installs them.

mod common;

use std::path::{Path, PathBuf};

use common::{have_file, tool, TestLedger};

/// The published figures (DOMAIN.md, in 万元): the 双创 programme's agreed and paid-in
/// deal amounts, and 高新诺泰's invested cost and equity value.
const SEED: [&str; 4] = ["9,785.00", "8,095.00", "5,982.00", "13,624.00"];
const SC_NAME: &str = "昆明市双创产业发展股权投资基金";
const NT_NAME: &str = "昆明高新诺泰大健康产业投资合伙企业（有限合伙）";
const NOTO: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

fn example() -> TestLedger {
    TestLedger::example()
}

/// `report pack` of `t` as of 2022-12-31 in 万元, written to `name`; `extra` goes first.
fn pack(t: &TestLedger, format: &str, name: &str, extra: &[&str]) -> PathBuf {
    let out = t.dir.path().join(name);
    let mut args: Vec<&str> = extra.to_vec();
    args.extend([
        "--unit",
        "wan",
        "--format",
        format,
        "--output",
        out.to_str().unwrap(),
        "report",
        "pack",
        "--as-of",
        "2022-12-31",
    ]);
    t.run(&args).ok();
    out
}

fn pdftotext(pdf: &Path) -> Option<String> {
    let o = tool("pdftotext", &["-layout", pdf.to_str()?, "-"])?;
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Some(String::from_utf8(o.stdout).unwrap())
}

/// `pdfinfo` of every page: (page count, sizes in points as pdfinfo prints them).
fn pdfinfo(pdf: &Path) -> Option<(usize, Vec<String>)> {
    let o = tool("pdfinfo", &[pdf.to_str()?])?;
    let s = String::from_utf8(o.stdout).unwrap();
    let pages: usize = s
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let o = tool(
        "pdfinfo",
        &["-f", "1", "-l", &pages.to_string(), pdf.to_str()?],
    )?;
    let sizes = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains("size:"))
        .map(|l| l.split_once("size:").unwrap().1.trim().to_string())
        .collect();
    Some((pages, sizes))
}

/// A4 either way round, within a point (Chromium writes 594.96 x 841.92).
fn a4(size: &str) -> bool {
    let n: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let near = |a: f64, b: f64| (a - b).abs() < 1.0;
    n.len() >= 2
        && ((near(n[0], 595.3) && near(n[1], 841.9)) || (near(n[0], 841.9) && near(n[1], 595.3)))
}

/// A landscape page: wider than tall.
fn landscape(size: &str) -> bool {
    let n: Vec<f64> = size
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    n.len() >= 2 && n[0] > n[1]
}

// ------------------------------------------------------------------ HTML

#[test]
fn html_pack_is_self_contained_and_shows_the_seed_figures() {
    let t = example();
    let out = pack(&t, "html", "pack.html", &[]);
    let h = std::fs::read_to_string(&out).unwrap();
    for f in SEED {
        assert!(h.contains(&format!(">{f}<")), "{f} missing");
    }
    assert!(h.contains(SC_NAME) && h.contains(NT_NAME));
    // Self-contained: nothing to fetch, nothing to run.
    for bad in [
        "http:", "https:", "<script", "src=", "href=", "@import", "url(",
    ] {
        assert!(!h.contains(bad), "the pack references {bad}");
    }
    // The charts: committed vs paid-in, value composition, net IRR, TVPI, cumulative
    // paid-in, arrears; inline SVG that scales.
    for id in [
        "committed-vs-paid-in",
        "value-composition",
        "net-irr",
        "tvpi",
        "cumulative-paid-in",
        "arrears",
    ] {
        assert!(
            h.contains(&format!("id=\"chart-{id}\"")),
            "chart {id} missing"
        );
    }
    assert_eq!(h.matches("<svg viewBox=").count(), 6);
    // Print: A4 pages, landscape sections on named pages, page X of Y, header rows repeated.
    assert!(h.contains("@page { size: A4 portrait;"));
    assert!(h.contains("size: A4 landscape;"));
    assert!(h.contains("counter(page)") && h.contains("counter(pages)"));
    assert!(h.contains("<thead>"));
    // The cover ties the paper to the ledger: the audit chain head as `audit` reports it.
    let a = t.json(&["audit"]);
    let head = format!("{}:{}", a["entries"], a["head"].as_str().unwrap());
    assert!(h.contains(&head), "chain head {head} not on the cover");
    // Sign-off block.
    for role in ["Prepared by", "Reviewed by", "Approved by"] {
        assert!(h.contains(role));
    }
}

#[test]
fn names_are_text_in_html_and_pdf() {
    let t = TestLedger::new();
    t.run(&[
        "fund",
        "add",
        "X",
        "--name",
        "<script>alert(1)</script>",
        "--kind",
        "guidance",
    ])
    .ok();
    t.run(&[
        "fund",
        "add",
        "Y",
        "--name",
        "=1+1 #sys *b* $m$",
        "--kind",
        "guidance",
    ])
    .ok();
    let out = pack(&t, "html", "x.html", &[]);
    let h = std::fs::read_to_string(&out).unwrap();
    assert!(!h.contains("<script"), "a name became markup");
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(h.contains("=1+1 #sys *b* $m$"));
    if !have_file(NOTO, "fonts-noto-cjk") {
        return;
    }
    let pdf = pack(&t, "pdf", "x.pdf", &[]);
    let Some(text) = pdftotext(&pdf) else { return };
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
    assert!(text.contains("=1+1 #sys *b* $m$"), "{text}");
}

#[test]
fn chromium_prints_the_html_pack_on_a4() {
    let t = example();
    let html = pack(&t, "html", "pack.html", &[]);
    let printed = t.dir.path().join("printed.pdf");
    let profile = t.dir.path().join("profile");
    let browser = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .unwrap_or("chromium");
    let Some(o) = tool(
        browser,
        &[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            &format!("--user-data-dir={}", profile.display()),
            "--no-pdf-header-footer",
            &format!("--print-to-pdf={}", printed.display()),
            &format!("file://{}", html.display()),
        ],
    ) else {
        return;
    };
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(printed.is_file(), "chromium printed nothing: {log}");
    // No console errors (the page has no script; a failed load would log one).
    assert!(
        !log.lines()
            .any(|l| l.contains("CONSOLE") || l.contains("Uncaught")),
        "{log}"
    );
    let Some((pages, sizes)) = pdfinfo(&printed) else {
        return;
    };
    assert!((6..=20).contains(&pages), "{pages} pages");
    assert!(sizes.iter().all(|s| a4(s)), "{sizes:?}");
    assert!(
        sizes.iter().any(|s| landscape(s)),
        "no landscape page: {sizes:?}"
    );
    let text = pdftotext(&printed).unwrap();
    for f in SEED {
        assert!(text.contains(f), "{f} not in Chromium's print:\n{text}");
    }
    assert!(
        text.contains(&format!("of {pages}")),
        "no page X of Y:\n{text}"
    );
}

// ------------------------------------------------------------------ PDF

#[test]
fn pdf_pack_has_the_figures_embedded_subset_fonts_and_a4_pages() {
    if !have_file(NOTO, "fonts-noto-cjk") {
        return;
    }
    let t = example();
    let out = pack(&t, "pdf", "pack.pdf", &[]);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() < 2_000_000, "{} bytes", bytes.len());
    let Some(text) = pdftotext(&out) else { return };
    for f in SEED {
        assert!(text.contains(f), "{f} missing:\n{text}");
    }
    assert!(text.contains(SC_NAME), "{text}");
    assert!(text.contains("Prepared by") && text.contains("Approved by"));
    let a = t.json(&["audit"]);
    assert!(
        text.contains(a["head"].as_str().unwrap()),
        "chain head missing"
    );
    let Some((pages, sizes)) = pdfinfo(&out) else {
        return;
    };
    assert!((6..=20).contains(&pages), "{pages} pages");
    assert!(text.contains(&format!("Page {pages} of {pages}")), "{text}");
    assert!(sizes.iter().all(|s| a4(s)), "{sizes:?}");
    assert!(!landscape(&sizes[0]), "cover is portrait");
    assert!(sizes.iter().any(|s| landscape(s)), "no landscape page");
    let o = tool("pdffonts", &[out.to_str().unwrap()]).unwrap();
    let fonts = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for r in rows {
        // name type encoding emb sub uni object ID: emb and sub are "yes".
        let cols: Vec<&str> = r.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], ["yes", "yes", "yes"], "{r}");
    }
}

#[test]
fn pdf_pack_in_chinese() {
    if !have_file(NOTO, "fonts-noto-cjk") {
        return;
    }
    let t = example();
    let out = pack(&t, "pdf", "zh.pdf", &["--lang", "zh", "--font", NOTO]);
    let Some(text) = pdftotext(&out) else { return };
    for w in ["报告汇编", "编制", "复核", "负责人", "第 1 页，共", NT_NAME] {
        assert!(text.contains(w), "{w} missing:\n{text}");
    }
    for f in SEED {
        assert!(text.contains(f), "{f} missing");
    }
}

#[test]
fn any_report_renders_as_html_and_pdf() {
    let t = example();
    let h = t.dir.path().join("leverage.html");
    t.run(&[
        "--unit",
        "wan",
        "--format",
        "html",
        "--output",
        h.to_str().unwrap(),
        "report",
        "leverage",
        "--as-of",
        "2022-12-31",
    ])
    .ok();
    let h = std::fs::read_to_string(h).unwrap();
    assert!(h.contains(">9,785.00<"), "the 返投 numerator of SC");
    assert!(
        !h.contains("Prepared by"),
        "a single report has no sign-off block"
    );
    if !have_file(NOTO, "fonts-noto-cjk") {
        return;
    }
    let p = t.dir.path().join("fund-list.pdf");
    t.run(&[
        "--format",
        "pdf",
        "--output",
        p.to_str().unwrap(),
        "fund",
        "list",
    ])
    .ok();
    let Some(text) = pdftotext(&p) else { return };
    // Long names wrap in their column; the start of each is on one line.
    assert!(
        text.contains(SC_NAME) && text.contains("昆明高新诺泰大健康"),
        "{text}"
    );
}

// ------------------------------------------------------------------ refusals

#[test]
fn print_formats_need_an_output_file_and_never_overwrite() {
    let t = example();
    // No --output: a usage error, nothing printed to the terminal.
    let r = t.run(&["--format", "pdf", "report", "pack"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("need --output"), "{}", r.stderr);
    // The pack is html, pdf or xlsx.
    t.run(&["report", "pack"]).refused("pack-format");
    // An existing file is left alone.
    let out = t.dir.path().join("keep.html");
    std::fs::write(&out, "keep").unwrap();
    t.run(&[
        "--format",
        "html",
        "--output",
        out.to_str().unwrap(),
        "report",
        "pack",
    ])
    .refused("output-exists");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep");
    // A bad --font: refused before anything is written; no partial file left.
    let pdf = t.dir.path().join("p.pdf");
    t.run(&[
        "--format",
        "pdf",
        "--font",
        "/no/such/font.ttf",
        "--output",
        pdf.to_str().unwrap(),
        "report",
        "pack",
    ])
    .refused("font-not-found");
    assert!(!pdf.exists());
    let names: Vec<_> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".part")), "{names:?}");
}

#[test]
fn a_font_without_chinese_is_refused_not_printed_as_boxes() {
    let latin = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    if !have_file(latin, "fonts-dejavu-core") {
        return;
    }
    let t = example();
    let pdf = t.dir.path().join("p.pdf");
    let e = t
        .run(&[
            "--format",
            "pdf",
            "--font",
            latin,
            "--output",
            pdf.to_str().unwrap(),
            "report",
            "pack",
        ])
        .refused("missing-glyph")
        .to_string();
    assert!(e.contains("fonts-noto-cjk"), "{e}");
    assert!(!pdf.exists());
}
