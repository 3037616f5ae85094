//! Rendering plain data as a table, CSV or JSON.
//!
//! Tables align CJK text by display width (tabled measures with unicode-width) and
//! right-align numbers. CSV has one header row and plain numbers (no thousands
//! separators) so Excel reads them as numbers. JSON is produced by each command from
//! its report's serde types; money there is always exact yuan strings. An .xlsx
//! workbook is rendered from report documents by `fundledger::present::xlsx`; an
//! older [`Table`] becomes a one-section document on the way there.

use std::io::{self, Write};

use fundledger::date::Date;
use fundledger::money::group_thousands;
use fundledger::money::{Money, Unit};
use fundledger::present::model::{self, Document, Kind, Section};
use fundledger::present::text::{Columns, DEFAULT_WIDTH};
use fundledger::present::{csv, text, Lang, Opts};
use rust_decimal::Decimal;
use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::object::Columns as TColumns;
use tabled::settings::{Alignment, Style};

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
    /// hledger journal (`export` only)
    Hledger,
    /// Beancount ledger (`export` only)
    Beancount,
}

/// How a number of a [`Table`] is shown in a workbook. The value stays exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberFormat {
    /// Money in the chosen unit: `#,##0.00`.
    Money,
    /// Ratios and multiples: `0.0000`.
    Ratio,
    /// Counts and ids: `0`.
    Integer,
}

/// One cell of a table: text (left-aligned) or a number (right-aligned).
#[derive(Clone, Debug)]
pub enum Cell {
    Text(String),
    /// A number known only by its text; a workbook gets it as a number if it parses.
    Num(String),
    /// A number with its exact value: tables and CSV print `shown`, workbooks get
    /// `value` with `format`.
    Number {
        shown: String,
        value: Decimal,
        format: NumberFormat,
    },
    /// A calendar date: ISO text in tables and CSV, an Excel date in workbooks.
    Date(Date),
}

impl Cell {
    /// The text tables and CSV show.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(s) | Cell::Num(s) | Cell::Number { shown: s, .. } => s.clone(),
            Cell::Date(d) => d.to_string(),
        }
    }

    /// The cell in the report model, for a workbook.
    fn to_model(&self) -> model::Cell {
        match self {
            Cell::Text(s) => model::text(s.clone()),
            Cell::Num(s) if s == "n/a" => model::na(),
            Cell::Num(s) => match s.replace(',', "").parse::<Decimal>() {
                Ok(d) => model::number(d, s.clone()),
                Err(_) => model::text(s.clone()),
            },
            // Money's value is already in the unit (its header says which): shown
            // grouped, as the terminal shows it, so the workbook gets `#,##0.00`.
            Cell::Number {
                value,
                format: NumberFormat::Money,
                ..
            } => model::number(*value, group_thousands(&value.to_string())),
            Cell::Number { value, shown, .. } => model::number(*value, shown.clone()),
            Cell::Date(d) => model::date(*d),
        }
    }
}

pub struct Table {
    headers: Vec<String>,
    numeric: Vec<bool>,
    rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
    /// Sheet name in a workbook.
    title: Option<String>,
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

impl Out {
    pub fn money(&self, m: Money) -> Cell {
        let shown = match self.format {
            Format::Table => m.display_in(self.unit),
            _ => m.plain_in(self.unit),
        };
        Cell::Number {
            shown,
            value: m.in_unit(self.unit),
            format: NumberFormat::Money,
        }
    }
    pub fn opt_money(&self, m: Option<Money>) -> Cell {
        m.map_or(Cell::Text(String::new()), |m| self.money(m))
    }
    /// Header for a money column, with the unit: `LP committed (万元)`.
    pub fn money_header(&self, h: &str) -> String {
        format!("{h} ({})", self.unit.label())
    }
}

pub fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}
pub fn opt_text(s: Option<impl ToString>) -> Cell {
    Cell::Text(s.map(|s| s.to_string()).unwrap_or_default())
}
/// A number known only as text. Prefer `count`, `Out::money` or `ratio`, which carry
/// the exact value into workbooks; kept for tables built elsewhere in the meantime.
#[allow(dead_code)]
pub fn num(n: impl ToString) -> Cell {
    Cell::Num(n.to_string())
}
/// A count or an id: an integer in a workbook.
pub fn count<N: Into<Decimal> + ToString + Copy>(n: N) -> Cell {
    Cell::Number {
        shown: n.to_string(),
        value: n.into(),
        format: NumberFormat::Integer,
    }
}
pub fn date_cell(d: Date) -> Cell {
    Cell::Date(d)
}
pub fn opt_date(d: Option<Date>) -> Cell {
    d.map_or(Cell::Text(String::new()), Cell::Date)
}

impl Table {
    pub fn new(headers: Vec<String>) -> Table {
        Table {
            numeric: vec![false; headers.len()],
            headers,
            rows: Vec::new(),
            notes: Vec::new(),
            title: None,
        }
    }
    /// Name the sheet this table becomes in a workbook.
    pub fn titled(mut self, title: &str) -> Table {
        self.title = Some(title.to_string());
        self
    }
    pub fn push(&mut self, row: Vec<Cell>) {
        for (i, c) in row.iter().enumerate() {
            if matches!(c, Cell::Num(_) | Cell::Number { .. }) {
                if let Some(n) = self.numeric.get_mut(i) {
                    *n = true;
                }
            }
        }
        self.rows.push(row);
    }

    pub fn print(&self, format: Format) -> io::Result<()> {
        if format == Format::Xlsx && output::add_doc(&self.to_document(), &Columns::All) {
            return Ok(());
        }
        output::with_writer(|out| self.write_text(format, out))
    }

    /// The table as a one-section document (English, as its headers are), for the
    /// workbook renderer. Headers keep their unit (`Amount (万元)`), so money columns
    /// are plain number columns here.
    fn to_document(&self) -> Document {
        let title = self.title.clone().unwrap_or_default();
        let mut d = Document::new(&title, &title, None, Opts::default());
        let mut s = Section::new(&title, &title, Lang::En);
        s.columns = self
            .headers
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let cells = || self.rows.iter().filter_map(move |r| r.get(i));
                let kind = if cells().any(|c| matches!(c, Cell::Date(_))) {
                    Kind::Date
                } else if cells().all(|c| match c {
                    Cell::Number { format, .. } => *format == NumberFormat::Integer,
                    Cell::Text(t) => t.is_empty(),
                    _ => false,
                }) && cells().any(|c| matches!(c, Cell::Number { .. }))
                {
                    Kind::Count
                } else if self.numeric[i] {
                    Kind::Number
                } else {
                    Kind::Text
                };
                model::Column {
                    key: h.clone(),
                    label: h.clone(),
                    kind,
                    compact: true,
                }
            })
            .collect();
        for r in &self.rows {
            let mut cells: Vec<model::Cell> = r.iter().map(Cell::to_model).collect();
            cells.resize(s.columns.len(), model::empty());
            s.row(cells);
        }
        for n in &self.notes {
            s.note(n.clone());
        }
        d.push(s);
        d
    }

    fn write_text(&self, format: Format, out: &mut dyn Write) -> io::Result<()> {
        match format {
            Format::Csv => {
                writeln!(
                    out,
                    "{}",
                    self.headers
                        .iter()
                        .map(|h| csv_field(h))
                        .collect::<Vec<_>>()
                        .join(",")
                )?;
                for r in &self.rows {
                    let line: Vec<String> = r.iter().map(|c| csv_field(&c.shown())).collect();
                    writeln!(out, "{}", line.join(","))?;
                }
            }
            _ => {
                if self.rows.is_empty() {
                    writeln!(out, "(none)")?;
                } else {
                    let mut b = Builder::default();
                    b.push_record(self.headers.clone());
                    for r in &self.rows {
                        b.push_record(r.iter().map(Cell::shown));
                    }
                    let mut t = b.build();
                    t.with(Style::psql());
                    for (i, numeric) in self.numeric.iter().enumerate() {
                        if *numeric {
                            t.modify(TColumns::one(i), Alignment::right());
                        }
                    }
                    writeln!(out, "{t}")?;
                }
                for n in &self.notes {
                    writeln!(out, "{n}")?;
                }
            }
        }
        out.flush()
    }
}

/// Quote a CSV field when it needs it (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn print_json<T: Serialize>(v: &T) -> io::Result<()> {
    output::with_writer(|out| {
        serde_json::to_writer_pretty(&mut *out, v).map_err(io::Error::other)?;
        writeln!(out)
    })
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

impl Out {
    /// Money as text in the current format's style (for cells that add a marker).
    /// `money_marked` does this with the exact value kept; this stays for other callers.
    #[allow(dead_code)]
    pub fn money_text(&self, m: Money) -> String {
        self.money(m).shown()
    }
}
