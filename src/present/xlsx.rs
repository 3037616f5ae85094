//! Excel workbooks that print: one sheet per section of one or more documents, with
//! page setup, typed cells and native charts (rust_xlsxwriter).
//!
//! What a sheet holds, top to bottom:
//!
//! 1. the title line (`Portfolio · As of 2026-06-30 · Fund: SC`, the terminal's title
//!    line) and, in a document with several sections, the section title;
//! 2. the table: a bold header row in the document's language (frozen, and repeated on
//!    every printed page as print titles), then the rows, totals in bold;
//! 3. the notes, each merged across the printed width with its text wrapped;
//! 4. the section's charts, as native Excel charts.
//!
//! Why the title and notes on the sheet and not on a sheet of their own: a printed
//! table is read with its as-of date and its footnotes on the same paper. The title
//! block is printed once, at the top of the first page; the page header repeats the
//! title and the as-of date on every page and the footer numbers the pages
//! ("Page 3 of 5"), so a loose page can still be placed. Notes come right after the
//! last row, where a reader looks for the explanation of a `*`.
//!
//! Footnote marks go in a narrow column of their own right after the column they
//! mark (header "Note"), as the CSV renderer does: the number stays a number Excel can
//! sum, and the mark is printed, which a cell comment would not be.
//!
//! Page setup: A4, landscape when the section asks for it or the printed width is
//! over [`PORTRAIT_MAX`] characters, fit to one page wide (as many pages tall as it
//! takes). The print area is the title, table, notes and charts; the figures the
//! charts draw from are written to the right of it (visible, so an auditor can check
//! them, but not printed).
//!
//! Column widths are computed here, with Chinese characters counting as two
//! (unicode-width): rust_xlsxwriter's autofit counts every character as one, which
//! leaves `昆明市双创产业发展股权投资基金` half hidden.
//!
//! Numbers and exactness: an .xlsx cell holds an IEEE double, and rust_xlsxwriter
//! writes it as the shortest decimal text that reads back as the same double
//! (`format!("{}", f64)`). A decimal with at most 15 significant digits always survives
//! that trip unchanged, and every figure of a ledger does (a money cell in 元 has 15
//! digits up to ten trillion yuan). This module does not rely on the argument: every
//! number is checked by [`exact_f64`], which converts it, formats it as it will be
//! written, and parses that back; a value that would not come back identical is
//! refused (`xlsx-precision`), naming the cell, before any file is written.

use std::collections::HashMap;

use chrono::Datelike;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart as XChart, ChartType, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder,
    Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use super::labels::{label, Lang};
use super::model::{
    Cell, Chart, ChartKind, Document, Kind, Orientation, Row, RowSource, Section, Value,
};
use super::text::{header, select, title_line, wrap as wrap_text, Columns};
use crate::error::{Error, Result};
use crate::money::Money;

/// A printed table wider than this many characters goes landscape.
pub const PORTRAIT_MAX: usize = 100;
/// Excel's paper size code for A4.
const A4: u8 = 9;
/// Rows an Excel sheet holds.
const MAX_ROWS: u32 = 1_048_576;
/// A text column is never made wider than this; longer text wraps.
const MAX_TEXT_WIDTH: usize = 40;
/// A header wider than this (and than its column's cells) wraps at spaces.
const HEADER_WIDTH: usize = 14;
/// Excel's default column width (characters) for columns the sheet does not size.
const DEFAULT_WIDTH: f64 = 8.43;
/// Chart size in pixels; the width grows with the table.
const CHART_MIN_WIDTH: u32 = 480;
const CHART_HEIGHT: u32 = 288;
/// Rows a chart takes (20-pixel default rows) plus one row of space.
const CHART_ROWS: u32 = CHART_HEIGHT / 20 + 1;

const MONEY: &str = "#,##0.00";
const RATIO: &str = "0.0000";
const COUNT: &str = "0";
const PERCENT: &str = "0.00%";
const DATE: &str = "yyyy-mm-dd";

/// The workbook bytes of `docs`: one sheet per section, `cols` choosing the columns
/// (as for CSV). The report pack passes all its documents at once.
pub fn workbook(docs: &[Document], cols: &Columns) -> Result<Vec<u8>> {
    temp_dir_writable()?;
    let mut wb = Workbook::new();
    // The creation time is a date (the as-of date, else today), not the clock, so the
    // same ledger and command give the same bytes.
    let first = docs.first();
    let created = first
        .and_then(|d| d.as_of)
        .unwrap_or_else(crate::date::today);
    let mut props = DocProperties::new()
        .set_author("fundledger")
        .set_creation_datetime(&excel_date(created)?);
    if let Some(d) = first {
        props = props.set_title(&d.title);
    }
    wb.set_properties(&props);
    let mut names: Vec<String> = Vec::new();
    let mut formats = Formats::default();
    for doc in docs {
        for s in &doc.sections {
            let name = sheet_name(&s.title, &s.id, &mut names);
            let ws = wb.add_worksheet();
            ws.set_name(&name).map_err(xlsx_error)?;
            sheet(ws, &name, doc, s, Body::Held(&s.rows), cols, &mut formats)?;
        }
    }
    if names.is_empty() {
        // An empty document still makes a valid workbook (Excel needs one sheet).
        wb.add_worksheet();
    }
    wb.save_to_buffer().map_err(xlsx_error)
}

/// A workbook of one streamed section (the journal of millions of entries) saved to
/// `path`: the rows are read twice from `rows` (widths, then cells) and written in
/// rust_xlsxwriter's constant-memory mode, each row flushed to a temporary file beside
/// `path` as it is written, so memory does not grow with the rows. More rows than a
/// sheet holds are refused (`xlsx-too-large`).
pub fn save_streamed(
    doc: &Document,
    section: &Section,
    rows: &mut dyn RowSource,
    cols: &Columns,
    path: &std::path::Path,
) -> Result<()> {
    temp_dir_writable()?;
    let mut wb = Workbook::new();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        wb.set_tempdir(dir).map_err(xlsx_error)?;
    }
    let created = doc.as_of.unwrap_or_else(crate::date::today);
    wb.set_properties(
        &DocProperties::new()
            .set_author("fundledger")
            .set_title(&doc.title)
            .set_creation_datetime(&excel_date(created)?),
    );
    let mut names = Vec::new();
    let name = sheet_name(&section.title, &section.id, &mut names);
    let ws = wb.add_worksheet_with_constant_memory();
    ws.set_name(&name).map_err(xlsx_error)?;
    sheet(
        ws,
        &name,
        doc,
        section,
        Body::Streamed(rows),
        cols,
        &mut Formats::default(),
    )?;
    wb.save(path).map_err(xlsx_error)
}

/// rust_xlsxwriter, built with constant-memory sheets, opens a temporary file for
/// every sheet in the system's temporary directory and panics when it cannot; a
/// clear refusal instead, before any work.
fn temp_dir_writable() -> Result<()> {
    let dir = std::env::temp_dir();
    let probe = dir.join(format!(".fundledger-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(Error::Ledger(format!(
            "cannot build a workbook: no temporary file can be created in {} ({e}); \
             set TMPDIR to a writable directory",
            dir.display()
        ))),
    }
}

/// A sheet's rows: held by its section, or read on demand (twice) from a source.
enum Body<'a> {
    Held(&'a [Row]),
    Streamed(&'a mut dyn RowSource),
}

impl Body<'_> {
    /// Each row's cells and whether it is a total row, in order. An error `f` returns
    /// ends the pass and is returned as it is.
    fn each(&mut self, f: &mut dyn FnMut(&[Cell], bool) -> Result<()>) -> Result<()> {
        match self {
            Body::Held(rows) => rows.iter().try_for_each(|r| f(&r.cells, r.total)),
            Body::Streamed(src) => {
                let mut failed: Option<Error> = None;
                let read = src.each(&mut |cells| {
                    f(cells, false).map_err(|e| {
                        failed = Some(e);
                        std::io::Error::other("stopped")
                    })
                });
                match failed {
                    Some(e) => Err(e),
                    None => read,
                }
            }
        }
    }
}

fn xlsx_error(e: XlsxError) -> Error {
    match e {
        XlsxError::RowColumnLimitError => Error::refused(
            "xlsx-too-large",
            "the table does not fit an Excel sheet (at most 1,048,576 rows and 16,384 columns); use --format csv",
        ),
        e => Error::Ledger(format!("cannot build the workbook: {e}")),
    }
}

/// `d` as the double Excel will hold, if that double is written and read back as
/// exactly `d`; `None` if the cell could not hold it exactly.
///
/// The double is parsed from `d`'s decimal text (Rust parses correctly rounded), then
/// formatted as rust_xlsxwriter writes it (`{}`, the shortest text that round-trips)
/// and compared as a decimal: `8095.00` is written `8095` and compares equal.
pub fn exact_f64(d: Decimal) -> Option<f64> {
    let f: f64 = d.to_string().parse().ok()?;
    let back: Decimal = format!("{f}").parse().ok()?;
    (f.is_finite() && back == d).then_some(f)
}

/// Where a column of the sheet comes from.
#[derive(Clone, Copy)]
enum Col {
    /// Column `i` of the section.
    Data(usize),
    /// The marks of column `i`.
    Mark(usize),
}

/// Formats by (number format, bold total, wrapped, right-aligned), each made once.
#[derive(Default)]
struct Formats(HashMap<(String, bool, bool, bool), Format>);

impl Formats {
    fn get(&mut self, num: &str, total: bool, wrap: bool, right: bool) -> &Format {
        self.0
            .entry((num.to_string(), total, wrap, right))
            .or_insert_with(|| {
                let mut f = Format::new();
                if !num.is_empty() {
                    f = f.set_num_format(num);
                }
                if total {
                    f = f.set_bold().set_border_top(FormatBorder::Thin);
                }
                if wrap {
                    f = f.set_text_wrap().set_align(FormatAlign::Top);
                }
                if right {
                    f = f.set_align(FormatAlign::Right);
                }
                f
            })
    }
}

fn dw(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// The width of bold text, about a tenth wider than its characters.
fn bold_width(s: &str) -> usize {
    (dw(s) * 11).div_ceil(10)
}

/// Column width in pixels for a width in characters (Calibri 11: 7 px a character
/// plus 5 px of padding).
fn px(chars: f64) -> u32 {
    (chars * 7.0 + 5.0).round() as u32
}

fn sheet(
    ws: &mut Worksheet,
    name: &str,
    doc: &Document,
    s: &Section,
    mut body: Body<'_>,
    cols: &Columns,
    formats: &mut Formats,
) -> Result<()> {
    let idx = select(s, cols);
    let mut layout: Vec<Col> = Vec::new();
    // Streamed sections have no rows to look at: their builders put no marks on cells.
    for &i in &idx {
        layout.push(Col::Data(i));
        if s.rows.iter().any(|r| r.cells[i].mark.is_some()) {
            layout.push(Col::Mark(i));
        }
    }
    let headers: Vec<String> = layout
        .iter()
        .map(|c| match *c {
            Col::Data(i) => header(doc, s, i),
            Col::Mark(_) => label(doc.lang, "Note").to_string(),
        })
        .collect();

    // Widths: the widest cell as Excel shows it, or the header's longest word, or up
    // to HEADER_WIDTH of the header (a longer header wraps), plus 2 (3 for numbers,
    // which sit right against the next column's text); text wraps past MAX_TEXT_WIDTH.
    // Headers are bold, about a tenth wider than their characters.
    let mut widths: Vec<usize> = headers
        .iter()
        .map(|h| {
            let word = h.split(' ').map(bold_width).max().unwrap_or(0);
            word.max(bold_width(h).min(HEADER_WIDTH))
        })
        .collect();
    let mut n: u64 = 0;
    body.each(&mut |cells, _| {
        n += 1;
        for (k, c) in layout.iter().enumerate() {
            let w = match *c {
                Col::Data(i) => dw(&cells[i].shown(doc.unit)),
                Col::Mark(i) => cells[i].mark.as_deref().map_or(0, dw),
            };
            widths[k] = widths[k].max(w);
        }
        Ok(())
    })?;
    // Refused before a row is written, not when the writer runs out of rows.
    if n + 3 > u64::from(MAX_ROWS) {
        return Err(xlsx_error(XlsxError::RowColumnLimitError));
    }
    let wrap: Vec<bool> = widths.iter().map(|&w| w > MAX_TEXT_WIDTH).collect();
    let widths: Vec<usize> = widths.iter().map(|&w| w.min(MAX_TEXT_WIDTH)).collect();
    // A header that does not fit its column is broken into lines here, at spaces, so
    // every reader prints the same lines (Excel and LibreOffice would also break
    // between any two Chinese characters: `(万` / `元)`).
    let mut written = false;
    let headers: Vec<String> = headers
        .iter()
        .zip(&widths)
        .map(|(h, &w)| {
            if bold_width(h) <= w {
                h.clone()
            } else {
                wrap_text(h, w).join("\n")
            }
        })
        .collect();
    let header_lines = headers.iter().map(|h| h.lines().count()).max().unwrap_or(1);
    let widths: Vec<f64> = widths
        .iter()
        .zip(&layout)
        .map(|(&w, c)| {
            let numeric = matches!(*c, Col::Data(i) if s.columns[i].kind.is_numeric());
            (w + if numeric { 3 } else { 2 }) as f64
        })
        .collect();
    for (k, &w) in widths.iter().enumerate() {
        ws.set_column_width(col_num(k)?, w).map_err(xlsx_error)?;
    }

    // Title block.
    let title = title_line(doc);
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, &title, &bold.clone().set_font_size(13))
        .map_err(xlsx_error)?;
    if doc.sections.len() > 1 {
        ws.write_string_with_format(1, 0, &s.title, &bold)
            .map_err(xlsx_error)?;
    }

    // Header row and body.
    let head_row: u32 = 2;
    if header_lines > 1 {
        // Set, not left to Excel: not every reader grows a row for wrapped text.
        ws.set_row_height(head_row, 15.0 * header_lines as f64)
            .map_err(xlsx_error)?;
    }
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border_bottom(FormatBorder::Thin);
    for (k, h) in headers.iter().enumerate() {
        let f = match layout[k] {
            Col::Data(i) if s.columns[i].kind.is_numeric() => {
                head.clone().set_align(FormatAlign::Right)
            }
            _ => head.clone(),
        };
        ws.write_string_with_format(head_row, col_num(k)?, h, &f)
            .map_err(xlsx_error)?;
    }
    let mut row = head_row;
    body.each(&mut |cells, total| {
        row += 1;
        written = true;
        for (k, c) in layout.iter().enumerate() {
            let col = col_num(k)?;
            match *c {
                Col::Data(i) => {
                    let at = || format!("{name}!{}", rust_xlsxwriter::row_col_to_cell(row, col));
                    cell(
                        ws,
                        row,
                        col,
                        doc,
                        s.columns[i].kind,
                        &cells[i],
                        total,
                        wrap[k],
                        formats,
                        at,
                    )?;
                }
                Col::Mark(i) => {
                    let f = formats.get("", total, false, false);
                    match &cells[i].mark {
                        Some(m) => ws.write_string_with_format(row, col, m, f),
                        None if total => ws.write_blank(row, col, f),
                        None => continue,
                    }
                    .map_err(xlsx_error)?;
                }
            }
        }
        Ok(())
    })?;
    // By the rows written: a streamed source is read twice, and another process may
    // have written between the two reads.
    if !written {
        row += 1;
        ws.write_string(row, 0, "(none)").map_err(xlsx_error)?;
    }

    // The printed width: the table, and at least the title and a chart.
    let table_px: u32 = widths.iter().map(|&w| px(w)).sum();
    let chart_px = table_px.max(CHART_MIN_WIDTH);
    let mut need_px = table_px.max(px((dw(&title) + 4) as f64 * 1.2));
    if !s.charts.is_empty() {
        need_px = need_px.max(chart_px);
    }
    let mut print_cols = widths.len().max(1);
    let mut have_px = table_px;
    while have_px < need_px {
        have_px += px(DEFAULT_WIDTH);
        print_cols += 1;
    }
    let print_chars: f64 = widths.iter().sum::<f64>()
        + (print_cols - widths.len().min(print_cols)) as f64 * DEFAULT_WIDTH;

    // Notes, each on its own row across the printed width.
    if !s.notes.is_empty() {
        row += 1;
    }
    let note_fmt = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for n in &s.notes {
        row += 1;
        let t = match &n.mark {
            Some(m) => format!("{m} {}", n.text),
            None => n.text.clone(),
        };
        // Wrapped text in a merged cell does not grow its row; size it here (with a
        // tenth to spare, since proportional text is not exactly 1 width a character).
        let lines = ((dw(&t) as f64 * 1.1) / print_chars).ceil().max(1.0);
        if lines > 1.0 {
            ws.set_row_height(row, 15.0 * lines).map_err(xlsx_error)?;
        }
        if print_cols > 1 {
            ws.merge_range(row, 0, row, col_num(print_cols - 1)?, &t, &note_fmt)
        } else {
            ws.write_string_with_format(row, 0, &t, &note_fmt)
        }
        .map_err(xlsx_error)?;
    }

    // Charts below, their figures to the right of the printed area.
    let mut data_col = print_cols as u32 + 1;
    for ch in &s.charts {
        row += 2;
        let x = chart(ws, name, doc, ch, head_row, data_col, chart_px, formats)?;
        ws.insert_chart(row, 0, &x).map_err(xlsx_error)?;
        data_col += ch.series.len() as u32 + 2;
        row += CHART_ROWS;
    }

    // Page setup.
    let last_col = col_num(print_cols - 1)?;
    ws.set_paper_size(A4);
    let chars: usize = widths.iter().map(|&w| w as usize).sum();
    if s.orientation == Orientation::Landscape || chars > PORTRAIT_MAX {
        ws.set_landscape();
    } else {
        ws.set_portrait();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_area(0, 0, row, last_col).map_err(xlsx_error)?;
    ws.set_repeat_rows(head_row, head_row).map_err(xlsx_error)?;
    ws.set_freeze_panes(head_row + 1, 0).map_err(xlsx_error)?;
    ws.set_header(page_header(doc, s));
    ws.set_footer(page_footer(doc.lang));
    Ok(())
}

fn col_num(k: usize) -> Result<u16> {
    u16::try_from(k)
        .ok()
        .filter(|&c| c < 16_384)
        .ok_or_else(|| xlsx_error(XlsxError::RowColumnLimitError))
}

/// Write one table cell.
#[allow(clippy::too_many_arguments)]
fn cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    doc: &Document,
    kind: Kind,
    c: &Cell,
    total: bool,
    wrap: bool,
    formats: &mut Formats,
    at: impl Fn() -> String,
) -> Result<()> {
    let number = |d: Decimal| {
        exact_f64(d).ok_or_else(|| {
            Error::refused(
                "xlsx-precision",
                format!(
                    "{}: {d} cannot be held exactly by an Excel cell (a double: about 15 significant digits); use --format csv or json, which are exact, or a larger --unit",
                    at()
                ),
            )
        })
    };
    let done = match &c.value {
        Value::Empty if total => ws.write_blank(row, col, formats.get("", true, false, false)),
        Value::Empty => return Ok(()),
        Value::Text(t) if t.is_empty() && !total => return Ok(()),
        Value::Text(t) => {
            ws.write_string_with_format(row, col, t, formats.get("", total, wrap, false))
        }
        Value::NotApplicable => {
            ws.write_string_with_format(row, col, "n/a", formats.get("", total, false, true))
        }
        Value::Money(m) => {
            let v = number(m.in_unit(doc.unit))?;
            ws.write_number_with_format(row, col, v, formats.get(MONEY, total, false, false))
        }
        Value::Number { value, text } => {
            let v = number(*value)?;
            let f = number_format(kind, text);
            ws.write_number_with_format(row, col, v, formats.get(&f, total, false, false))
        }
        Value::Date(d) => {
            let x = excel_date(*d)?;
            ws.write_datetime_with_format(row, col, &x, formats.get(DATE, total, false, false))
        }
    };
    done.map(|_| ()).map_err(xlsx_error)
}

fn excel_date(d: crate::date::Date) -> Result<ExcelDateTime> {
    let year = u16::try_from(d.year())
        .map_err(|_| Error::Ledger(format!("date {d} is outside Excel's range")))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).map_err(xlsx_error)
}

/// The number format that shows `text`, the report's own rounding of the value:
/// ratios `0.0000`, counts `0`, rates as percentages, and any other number with the
/// decimals, grouping and decoration (`≥ 1.5000`, `5.15%`) of its text.
pub fn number_format(kind: Kind, text: &str) -> String {
    match kind {
        Kind::Ratio if !text.contains('%') => return RATIO.into(),
        Kind::Count => return COUNT.into(),
        Kind::Money => return MONEY.into(),
        _ => {}
    }
    let t = text.trim();
    let Some(start) = t.find(|c: char| c.is_ascii_digit()) else {
        return if kind == Kind::Percent {
            PERCENT.into()
        } else {
            "General".into()
        };
    };
    // The number: digits, separators and the point, a sign just before it.
    let start = if t[..start].ends_with('-') {
        start - 1
    } else {
        start
    };
    let len = t[start..]
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.' || c == '-'))
        .unwrap_or(t.len() - start);
    let (prefix, num, suffix) = (&t[..start], &t[start..start + len], &t[start + len..]);
    let decimals = num.split_once('.').map_or(0, |(_, f)| f.len());
    let mut f = String::new();
    let quote = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!("\"{s}\"")
        }
    };
    if prefix.contains('"') || suffix.trim_start_matches('%').contains('"') {
        return "General".into();
    }
    f.push_str(&quote(prefix));
    f.push_str(if num.contains(',') { "#,##0" } else { "0" });
    if decimals > 0 {
        f.push('.');
        f.push_str(&"0".repeat(decimals));
    }
    match suffix.strip_prefix('%') {
        Some(rest) => {
            f.push('%');
            f.push_str(&quote(rest));
        }
        // A percent column whose text is the plain fraction: show it as a percentage.
        None if kind == Kind::Percent && suffix.is_empty() => return PERCENT.into(),
        None => f.push_str(&quote(suffix)),
    }
    f
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`, not blank,
/// unique ignoring case): the section's title, or its id when the title is longer
/// (a cut title reads worse than the id: `SC 昆明市双创产业发展股权投资基金_ Stakes (202`).
fn sheet_name(title: &str, id: &str, taken: &mut Vec<String>) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
            .collect::<String>()
            .trim_matches(|c: char| c == '\'' || c.is_whitespace())
            .to_string()
    };
    let mut base = clean(title);
    if base.is_empty() || (base.chars().count() > 31 && !clean(id).is_empty()) {
        base = clean(id);
    }
    if base.is_empty() {
        base = format!("Sheet{}", taken.len() + 1);
    }
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    let mut name = cut(&base, 31);
    let mut k = 2;
    while taken
        .iter()
        .any(|t| t.to_lowercase() == name.to_lowercase())
    {
        let suffix = format!(" ({k})");
        name = format!("{}{suffix}", cut(&base, 31 - suffix.chars().count()));
        k += 1;
    }
    taken.push(name.clone());
    name
}

/// `&` is Excel's control character in headers and footers.
fn header_text(s: &str, max: usize) -> String {
    s.chars().take(max).collect::<String>().replace('&', "&&")
}

/// Left: the title (and the section's, in a document of several); right: the as-of date.
fn page_header(doc: &Document, s: &Section) -> String {
    let mut left = doc.title.clone();
    if doc.sections.len() > 1 && s.title != doc.title {
        left = format!("{left} · {}", s.title);
    }
    let mut h = format!("&L{}", header_text(&left, 100));
    if let Some(d) = doc.as_of {
        h.push_str(&format!(
            "&R{}",
            header_text(&format!("{} {d}", label(doc.lang, "As of")), 60)
        ));
    }
    h
}

fn page_footer(lang: Lang) -> String {
    match lang {
        Lang::En => "&CPage &P of &N".into(),
        Lang::Zh => "&C第 &P 页，共 &N 页".into(),
    }
}

/// A native chart of `ch`, its figures written as a small table from `(top, left)`:
/// categories down the first column, one column per series.
#[allow(clippy::too_many_arguments)]
fn chart(
    ws: &mut Worksheet,
    name: &str,
    doc: &Document,
    ch: &Chart,
    top: u32,
    left: u32,
    width_px: u32,
    formats: &mut Formats,
) -> Result<XChart> {
    let left16 = |k: u32| col_num((left + k) as usize);
    let (num_fmt, axis_fmt) = match ch.measure {
        Kind::Money => (MONEY, "#,##0"),
        Kind::Percent => (PERCENT, "0%"),
        Kind::Ratio => (RATIO, "0.00"),
        _ => ("", "General"),
    };
    let bold = Format::new().set_bold();
    ws.write_string_with_format(top - 1, left16(0)?, &ch.title, &bold)
        .map_err(xlsx_error)?;
    ws.set_column_width(
        left16(0)?,
        (ch.categories.iter().map(|c| dw(c)).max().unwrap_or(8) + 2) as f64,
    )
    .map_err(xlsx_error)?;
    for (i, c) in ch.categories.iter().enumerate() {
        ws.write_string(top + 1 + i as u32, left16(0)?, c)
            .map_err(xlsx_error)?;
    }
    let kind = match ch.kind {
        ChartKind::Bar => ChartType::Column,
        ChartKind::StackedBar => ChartType::ColumnStacked,
        ChartKind::Line => ChartType::Line,
    };
    let mut x = XChart::new(kind);
    x.title().set_name(ch.title.as_str());
    x.set_width(width_px).set_height(CHART_HEIGHT);
    x.y_axis().set_num_format(axis_fmt);
    if ch.measure == Kind::Money {
        x.y_axis().set_name(doc.unit.label());
    }
    let last = top + ch.categories.len() as u32;
    for (k, se) in ch.series.iter().enumerate() {
        let col = left16(k as u32 + 1)?;
        ws.write_string_with_format(top, col, &se.name, &bold)
            .map_err(xlsx_error)?;
        ws.set_column_width(col, (dw(&se.name) + 2).max(12) as f64)
            .map_err(xlsx_error)?;
        for (i, v) in se.values.iter().enumerate() {
            let Some(v) = v else { continue };
            let v = match ch.measure {
                // Chart money is in yuan; drawn in the document's unit like the table.
                Kind::Money => Money::from_yuan(*v).map_or(*v, |m| m.in_unit(doc.unit)),
                _ => *v,
            };
            let r = top + 1 + i as u32;
            let f = exact_f64(v).ok_or_else(|| {
                Error::refused(
                    "xlsx-precision",
                    format!(
                        "{name}: chart '{}': {v} cannot be held exactly by an Excel cell (a double: about 15 significant digits); use a larger --unit",
                        ch.title
                    ),
                )
            })?;
            ws.write_number_with_format(r, col, f, formats.get(num_fmt, false, false, false))
                .map_err(xlsx_error)?;
        }
        if !ch.categories.is_empty() {
            x.add_series()
                .set_name((name, top, col))
                .set_categories((name, top + 1, left16(0)?, last, left16(0)?))
                .set_values((name, top + 1, col, last, col));
        }
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn exact_f64_keeps_15_digits_and_refuses_more() {
        // Worked by hand: these have at most 15 significant digits.
        assert_eq!(exact_f64(d("8095.00")), Some(8095.0));
        assert_eq!(exact_f64(d("0.7613")), Some(0.7613));
        assert_eq!(exact_f64(d("9999999999999.99")), Some(9_999_999_999_999.99));
        assert_eq!(exact_f64(d("-1234567.89")), Some(-1_234_567.89));
        assert_eq!(exact_f64(d("0.1")), Some(0.1));
        // 2^53 + 1 = 9007199254740993 has no double; 0.1 with 17 more digits neither.
        assert_eq!(exact_f64(d("9007199254740993")), None);
        assert_eq!(exact_f64(d("12345678901234567.89")), None);
        assert_eq!(exact_f64(d("0.10000000000000000001")), None);
    }

    #[test]
    fn exact_f64_agrees_with_what_the_cell_holds() {
        // What rust_xlsxwriter writes is `format!("{}", f)`; check the text itself.
        for s in ["13624.00", "5982.00", "0.0515", "1.5", "44561"] {
            let f = exact_f64(d(s)).unwrap();
            assert_eq!(d(&format!("{f}")), d(s), "{s}");
        }
    }

    #[test]
    fn number_formats_follow_the_report_text() {
        assert_eq!(number_format(Kind::Ratio, "0.7613"), "0.0000");
        assert_eq!(number_format(Kind::Count, "8"), "0");
        assert_eq!(number_format(Kind::Percent, "12.34%"), "0.00%");
        assert_eq!(number_format(Kind::Percent, "0.1234567"), "0.00%");
        assert_eq!(number_format(Kind::Number, "5.15%"), "0.00%");
        assert_eq!(number_format(Kind::Number, "8,095.00"), "#,##0.00");
        assert_eq!(number_format(Kind::Number, "≥ 1.5000"), "\"≥ \"0.0000");
        assert_eq!(number_format(Kind::Number, "-3"), "0");
        assert_eq!(number_format(Kind::Number, "1.5x"), "0.0\"x\"");
        assert_eq!(number_format(Kind::Number, "n/a"), "General");
    }

    #[test]
    fn sheet_names_are_valid_and_unique() {
        let mut taken = Vec::new();
        assert_eq!(sheet_name("Loan book", "loans", &mut taken), "Loan book");
        assert_eq!(
            sheet_name("loan BOOK", "loans", &mut taken),
            "loan BOOK (2)"
        );
        assert_eq!(sheet_name("a/b: c?", "x", &mut taken), "a_b_ c_");
        assert_eq!(sheet_name("", "returns", &mut taken), "returns");
        assert_eq!(
            sheet_name(
                "SC 昆明市双创产业发展股权投资基金: Stakes (2026-06-30)",
                "SC-stakes",
                &mut taken
            ),
            "SC-stakes"
        );
        let long = "投资组合汇总".repeat(6);
        let n = sheet_name(&long, "", &mut taken);
        assert_eq!(n.chars().count(), 31);
        let n2 = sheet_name(&long, "", &mut taken);
        assert!(n2.ends_with(" (2)") && n2.chars().count() == 31, "{n2}");
    }

    #[test]
    fn headers_escape_ampersands() {
        assert_eq!(header_text("R&D fund", 100), "R&&D fund");
    }
}
