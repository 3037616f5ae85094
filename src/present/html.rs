//! One self-contained HTML file from a [`Binder`]: inline CSS, inline SVG charts, no
//! script, no external reference (fonts, images, styles), so the file opens offline
//! in any browser and prints on A4.
//!
//! Printing: `@page` rules set A4 with margins, a running header (title and as-of
//! date) and "Page X of Y" in the bottom margin (CSS page-margin boxes; Chromium 131+
//! prints them, older browsers print the page without them). A section marked
//! landscape goes on a named page of A4 landscape; each run of sections of one
//! orientation starts a new page. Tables repeat their header row on every printed
//! page (`thead` is a table-header group) and rows are not split across pages.
//!
//! Every value is escaped ([`esc`]): a company named `<script>` is shown as text.
//! Text placed in CSS (the running header) is escaped as a CSS string ([`css_str`]),
//! so no name can close the `<style>` element.

use std::io::{self, Write};

use super::model::{Document, Kind, Orientation, Section};
use super::print::{cell_text, page_runs, subtitle, Binder};
use super::svg::{self, esc};
use super::text::{header, select, Columns};

const CSS: &str = r#"
:root { --ink: #111; --rule: #999; --light: #f2f2f2; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
  color: var(--ink); margin: 0 auto; padding: 16px; max-width: 1200px; font-size: 13px; line-height: 1.35; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 18px 0 6px; }
p.sub { margin: 0 0 10px; color: #444; }
table.data { border-collapse: collapse; width: 100%; margin: 4px 0 6px; font-size: 12px; }
table.data th, table.data td { border-bottom: 1px solid #ccc; padding: 3px 6px; vertical-align: top; }
table.data th { border-bottom: 1.5px solid var(--ink); text-align: left; background: var(--light); }
table.data td.n, table.data th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.data tr.total td { font-weight: bold; border-top: 1.5px solid var(--ink); }
sup.mark { font-size: 0.75em; }
ol.notes { list-style: none; padding: 0; margin: 4px 0 10px; font-size: 11.5px; color: #333; }
figure.chart { margin: 8px 0 12px; max-width: 760px; break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; display: block; }
.cover { min-height: 60vh; }
.cover h1 { font-size: 28px; margin-top: 20vh; }
.cover dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; font-size: 14px; }
.cover dt { font-weight: bold; }
.cover dd { margin: 0; word-break: break-all; }
nav.contents ol { padding-left: 20px; }
table.signoff { border-collapse: collapse; margin-top: 28px; font-size: 14px; break-inside: avoid; }
table.signoff th { text-align: left; padding: 18px 10px 4px 0; font-weight: normal; white-space: nowrap; }
table.signoff td { border-bottom: 1px solid var(--ink); width: 200px; padding: 18px 0 4px; }
.none { color: #666; }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; }
  h1 { font-size: 14pt; } h2 { font-size: 11pt; }
  table.data { font-size: 7.5pt; }
  ol.notes { font-size: 7.5pt; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  .run { break-before: page; }
  .cover + .run, .cover { break-before: auto; }
  .cover { break-after: page; }
  figure.chart { max-width: 170mm; }
  .landscape figure.chart { max-width: 200mm; }
}
@page { size: A4 portrait; margin: 16mm 12mm 16mm 12mm; }
@page wide { size: A4 landscape; margin: 14mm 12mm 14mm 12mm; }
.landscape { page: wide; }
"#;

/// Escape `s` as the inside of a CSS string: quotes, backslashes and anything not
/// plain ASCII printable become `\HEX ` escapes, so `</style>` cannot appear.
pub fn css_str(s: &str) -> String {
    let mut o = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || " .,:;·-_()/".contains(c) {
            o.push(c);
        } else {
            o.push_str(&format!("\\{:x} ", u32::from(c)));
        }
    }
    o
}

/// The page-margin boxes: running head top left, page X of Y bottom right.
fn page_css(b: &Binder) -> String {
    let [p, of, end] = b.page_words();
    let boxes = format!(
        "@top-left {{ content: \"{}\"; font-size: 8pt; color: #444; }} \
         @bottom-right {{ content: \"{}\" counter(page) \"{}\" counter(pages) \"{}\"; font-size: 8pt; color: #444; }}",
        css_str(&b.running_head()),
        css_str(p),
        css_str(of),
        css_str(end)
    );
    format!("@page {{ {boxes} }}\n@page wide {{ {boxes} }}\n")
}

/// Write `b` as one HTML file. `cols` chooses columns as for tables (`Columns::All`
/// prints every column).
pub fn write(b: &Binder, cols: &Columns, out: &mut dyn Write) -> io::Result<()> {
    let lang = match b.lang {
        super::Lang::Zh => "zh-CN",
        super::Lang::En => "en",
    };
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n",
        esc(&b.running_head()),
        page_css(b)
    )?;
    if let Some(c) = &b.cover {
        writeln!(
            out,
            "<div class=\"cover\">\n<h1>{}</h1>\n<dl>",
            esc(&b.title)
        )?;
        for l in &c.lines {
            writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(&l.label), esc(&l.value))?;
        }
        writeln!(out, "</dl>")?;
        writeln!(
            out,
            "<nav class=\"contents\"><h2>{}</h2><ol>",
            esc(b.label("Contents"))
        )?;
        for d in &b.docs {
            writeln!(out, "<li>{}</li>", esc(&d.title))?;
        }
        writeln!(out, "</ol></nav>\n</div>")?;
    }
    for d in &b.docs {
        document(d, cols, out)?;
    }
    if b.sign_off {
        writeln!(out, "<table class=\"signoff\">")?;
        for role in b.sign_off_roles() {
            writeln!(
                out,
                "<tr><th>{}</th><td></td><th>{}</th><td></td></tr>",
                esc(role),
                esc(b.label("Date"))
            )?;
        }
        writeln!(out, "</table>")?;
    }
    writeln!(out, "</body>\n</html>")?;
    out.flush()
}

fn document(d: &Document, cols: &Columns, out: &mut dyn Write) -> io::Result<()> {
    for (i, (orientation, sections)) in page_runs(d).into_iter().enumerate() {
        let class = match orientation {
            Orientation::Portrait => "run portrait",
            Orientation::Landscape => "run landscape",
        };
        writeln!(out, "<section class=\"{class}\" id=\"{}-{i}\">", esc(&d.id))?;
        if i == 0 {
            writeln!(
                out,
                "<h1>{}</h1>\n<p class=\"sub\">{}</p>",
                esc(&d.title),
                esc(&subtitle(d))
            )?;
        }
        for s in sections {
            section(d, s, cols, out)?;
        }
        writeln!(out, "</section>")?;
    }
    Ok(())
}

fn section(d: &Document, s: &Section, cols: &Columns, out: &mut dyn Write) -> io::Result<()> {
    if s.title != d.title || d.sections.len() > 1 {
        writeln!(out, "<h2>{}</h2>", esc(&s.title))?;
    }
    if s.rows.is_empty() {
        writeln!(out, "<p class=\"none\">(none)</p>")?;
    } else {
        let idx = select(s, cols);
        let num = |i: usize| s.columns[i].kind.is_numeric() || s.columns[i].kind == Kind::Date;
        write!(out, "<table class=\"data\"><thead><tr>")?;
        for &i in &idx {
            write!(
                out,
                "<th{}>{}</th>",
                if num(i) { " class=\"n\"" } else { "" },
                esc(&header(d, s, i))
            )?;
        }
        writeln!(out, "</tr></thead><tbody>")?;
        for r in &s.rows {
            write!(out, "<tr{}>", if r.total { " class=\"total\"" } else { "" })?;
            for &i in &idx {
                let (t, mark) = cell_text(d, &r.cells[i]);
                write!(
                    out,
                    "<td{}>{}{}</td>",
                    if num(i) { " class=\"n\"" } else { "" },
                    esc(&t),
                    mark.map(|m| format!("<sup class=\"mark\">{}</sup>", esc(&m)))
                        .unwrap_or_default()
                )?;
            }
            writeln!(out, "</tr>")?;
        }
        writeln!(out, "</tbody></table>")?;
    }
    if !s.notes.is_empty() {
        writeln!(out, "<ol class=\"notes\">")?;
        for n in &s.notes {
            match &n.mark {
                Some(m) => writeln!(
                    out,
                    "<li><sup class=\"mark\">{}</sup> {}</li>",
                    esc(m),
                    esc(&n.text)
                )?,
                None => writeln!(out, "<li>{}</li>", esc(&n.text))?,
            }
        }
        writeln!(out, "</ol>")?;
    }
    for c in &s.charts {
        writeln!(
            out,
            "<figure class=\"chart\" id=\"chart-{}\">{}</figure>",
            esc(&c.id),
            svg::inline(c, d.unit)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::{Money, Unit};
    use crate::present::model::{money, text, Opts};

    fn doc() -> Document {
        let o = Opts {
            unit: Unit::Wan,
            lang: super::super::Lang::En,
        };
        let mut d = Document::new("t", "Test", None, o);
        let mut s = Section::new("s", "Section", o.lang);
        s.columns = vec![
            o.col("name", "Name", Kind::Text, true),
            o.col("paid", "Paid-in", Kind::Money, true),
        ];
        s.row(vec![
            text("<script>alert(1)</script>"),
            money(Money::yuan(80_950_000)).marked("*", true),
        ]);
        s.note("a & b");
        d.push(s);
        d
    }

    #[test]
    fn values_are_escaped_and_figures_shown() {
        let mut v = Vec::new();
        write(&Binder::single(doc()), &Columns::All, &mut v).unwrap();
        let h = String::from_utf8(v).unwrap();
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(h.contains("8,095.00<sup class=\"mark\">*</sup>"));
        assert!(h.contains("Paid-in (万元)"));
        assert!(h.contains("a &amp; b"));
    }

    #[test]
    fn css_strings_cannot_close_the_style() {
        assert_eq!(css_str("</style>"), "\\3c /style\\3e ");
        assert_eq!(css_str("a\"b"), "a\\22 b");
    }
}
