//! Sending a report document to the chosen renderer, and JSON.
//!
//! Every table-like command builds a `fundledger::present::model::Document` and calls
//! [`print_doc`]; the renderers (`present::text`, `present::csv`, `present::xlsx`)
//! know nothing of funds or loans. JSON is produced by each command from its report's
//! serde types (their keys are a contract); money there is always exact yuan strings.

use std::io;

use fundledger::money::{Money, Unit};
use fundledger::present::model::{Document, RowSource};
use fundledger::present::print::Binder;
use fundledger::present::text::{Columns, DEFAULT_WIDTH};
use fundledger::present::{csv, html, pdf, text, Lang, Opts};
use serde::Serialize;

use super::output;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text table
    Table,
    /// Comma-separated, header row, plain numbers
    Csv,
    /// Money as exact yuan strings
    Json,
    /// Excel workbook, written to --output FILE.xlsx (reports, listings, log, audit)
    Xlsx,
    /// Self-contained HTML page (inline CSS and SVG charts, prints on A4), to --output FILE.html
    Html,
    /// A4 PDF with embedded fonts, to --output FILE.pdf
    Pdf,
    /// hledger journal (`export` only)
    Hledger,
    /// Beancount ledger (`export` only)
    Beancount,
}

/// How money and ratios print in the current format and unit.
#[derive(Clone, Copy, Debug)]
pub struct Out {
    pub format: Format,
    pub unit: Unit,
    pub lang: Lang,
}

impl Out {
    /// What a report builder needs: the unit and the language.
    pub fn opts(&self) -> Opts {
        Opts {
            unit: self.unit,
            lang: self.lang,
        }
    }
}

/// How documents are laid out: which columns, a CSV byte-order mark, the width.
#[derive(Clone, Debug)]
pub struct View {
    pub columns: Columns,
    pub bom: bool,
    /// Output goes to `--output FILE` (tables then get the default width).
    pub to_file: bool,
    /// PDF: `--font FILE`.
    pub font: Option<std::path::PathBuf>,
}

impl View {
    /// The width tables must fit: the terminal's, or 100 when not a terminal.
    fn width(&self) -> usize {
        use std::io::IsTerminal;
        if self.to_file || !io::stdout().is_terminal() {
            return DEFAULT_WIDTH;
        }
        terminal_size::terminal_size().map_or(DEFAULT_WIDTH, |(w, _)| usize::from(w.0))
    }
}

/// Render a report document in the chosen format (JSON is each command's own).
pub fn print_doc(ctx: &super::Ctx, doc: &Document) -> fundledger::error::Result<()> {
    let v = &ctx.view;
    text::check_columns(doc, &v.columns)?;
    // Files for machines and spreadsheets get every column unless --columns says otherwise.
    let all = match (&v.columns, ctx.out.format) {
        (Columns::Compact, Format::Csv | Format::Xlsx) => &Columns::All,
        (c, _) => c,
    };
    match ctx.out.format {
        Format::Html | Format::Pdf => print_binder(ctx, &Binder::single(doc.clone())),
        // Collected; the workbook is built from every document once the command succeeds.
        Format::Xlsx => {
            output::add_doc(doc, all);
            Ok(())
        }
        Format::Csv => Ok(output::with_writer(|out| csv::write(doc, all, v.bom, out))?),
        _ => Ok(output::with_writer(|out| {
            text::write(doc, &v.columns, v.width(), out)
        })?),
    }
}

/// Render a binder (one report, or the report pack) as HTML or PDF into the output file.
/// Print shows every column unless --columns names some.
pub fn print_binder(ctx: &super::Ctx, b: &Binder) -> fundledger::error::Result<()> {
    let cols = match &ctx.view.columns {
        Columns::Compact => &Columns::All,
        c => c,
    };
    let bytes = match ctx.out.format {
        Format::Html => {
            let mut v = Vec::new();
            html::write(b, cols, &mut v)?;
            v
        }
        Format::Pdf => {
            let fonts = pdf::load_fonts(&pdf::font_files(ctx.view.font.as_deref())?)?;
            pdf::render(b, cols, fonts)?.0
        }
        _ => unreachable!("print_binder is called for html and pdf only"),
    };
    output::put_whole(bytes);
    Ok(())
}

/// A JSON object of `fields` (name, value already in JSON) and then the array `key`,
/// its items written one per line as `items` hands them over: memory holds one item,
/// and a closed pipe ends it quietly like any other output.
pub fn print_json_stream<T: Serialize>(
    fields: &[(&str, serde_json::Value)],
    key: &str,
    items: impl FnOnce(
        &mut dyn FnMut(T) -> fundledger::error::Result<()>,
    ) -> fundledger::error::Result<()>,
) -> fundledger::error::Result<()> {
    output::with_writer(|out| -> fundledger::error::Result<()> {
        out.write_all(b"{")?;
        for (name, value) in fields {
            write!(out, "\n  {}: {value},", serde_json::Value::from(*name))?;
        }
        write!(out, "\n  {}: [", serde_json::Value::from(key))?;
        let mut first = true;
        items(&mut |item| {
            out.write_all(if first { b"\n    " } else { b",\n    " })?;
            first = false;
            serde_json::to_writer(&mut *out, &item).map_err(json_io)?;
            Ok(())
        })?;
        writeln!(out, "\n  ]\n}}")?;
        Ok(())
    })
}

pub fn print_json<T: Serialize>(v: &T) -> io::Result<()> {
    output::with_writer(|out| {
        serde_json::to_writer_pretty(&mut *out, v).map_err(json_io)?;
        writeln!(out)
    })
}

/// A JSON writing error as the I/O error it wraps, so a closed pipe stays a
/// `BrokenPipe` (which ends the program quietly) rather than becoming an error.
pub fn json_io(e: serde_json::Error) -> io::Error {
    match e.io_error_kind() {
        Some(kind) => io::Error::new(kind, e),
        None => io::Error::other(e),
    }
}

/// Render a section whose rows are streamed from `rows` (the journal): table, CSV and
/// workbook (a constant-memory sheet, at most Excel's 1,048,576 rows) in memory that
/// does not grow with the rows.
pub fn print_streamed(
    ctx: &super::Ctx,
    doc: &Document,
    section: &fundledger::present::model::Section,
    rows: &mut dyn RowSource,
) -> fundledger::error::Result<()> {
    let v = &ctx.view;
    let mut framed = doc.clone();
    framed.sections = vec![section.clone()];
    text::check_columns(&framed, &v.columns)?;
    match ctx.out.format {
        Format::Csv => {
            let all = match &v.columns {
                Columns::Compact => &Columns::All,
                c => c,
            };
            output::with_writer(|out| csv::write_streamed(doc, section, rows, all, v.bom, out))
        }
        Format::Xlsx => {
            let all = match &v.columns {
                Columns::Compact => &Columns::All,
                c => c,
            };
            output::stream_workbook(|tmp| {
                fundledger::present::xlsx::save_streamed(doc, section, rows, all, tmp)
            })
        }
        _ => output::with_writer(|out| {
            text::write_streamed(doc, section, rows, &v.columns, v.width(), out)
        }),
    }
}

/// Bytes as they are (a completion script, a man page), to stdout.
pub fn print_bytes(b: &[u8]) -> fundledger::error::Result<()> {
    Ok(output::with_writer(|out| out.write_all(b))?)
}

/// One line of text, to stdout or --output.
pub fn print_line(s: &str) -> io::Result<()> {
    output::with_writer(|out| writeln!(out, "{s}"))
}

impl Out {
    /// Money with its unit, for one-line messages: `8,095.00 万元`.
    pub fn money_str(&self, m: Money) -> String {
        format!("{} {}", m.display_in(self.unit), self.unit.label())
    }
}
