//! Rendering plain data as a table, CSV or JSON.
//!
//! Tables align CJK text by display width (tabled measures with unicode-width) and
//! right-align numbers. CSV has one header row and plain numbers (no thousands
//! separators) so Excel reads them as numbers. JSON is produced by each command from
//! its report's serde types; money there is always exact yuan strings. An .xlsx
//! workbook gets typed cells: money, ratios and counts as numbers with their exact
//! decimal value, dates as Excel dates (see `fundledger::xlsx`).

use std::io::{self, Write};

use fundledger::date::Date;
use fundledger::money::{Money, Ratio, Unit};
use fundledger::xlsx::{self, NumberFormat};
use rust_decimal::Decimal;
use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
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

    fn to_xlsx(&self) -> xlsx::Value {
        match self {
            Cell::Text(s) if s.is_empty() => xlsx::Value::Empty,
            Cell::Text(s) => xlsx::Value::Text(s.clone()),
            Cell::Num(s) => match s.replace(',', "").parse::<Decimal>() {
                Ok(d) if d.scale() == 0 => xlsx::Value::Number(d, NumberFormat::Integer),
                Ok(d) => xlsx::Value::Number(d, NumberFormat::General),
                Err(_) => xlsx::Value::Text(s.clone()),
            },
            Cell::Number { value, format, .. } => xlsx::Value::Number(*value, *format),
            Cell::Date(d) => xlsx::Value::Date(*d),
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
    /// Money with a marker (`4,395.00*`) in tables and CSV; the plain number in a
    /// workbook, where the marker's note goes on the Notes sheet.
    pub fn money_marked(&self, m: Money, marked: bool) -> Cell {
        match self.money(m) {
            Cell::Number {
                shown,
                value,
                format,
            } if marked => Cell::Number {
                shown: format!("{shown}*"),
                value,
                format,
            },
            c => c,
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

/// Text as a cell; control characters (a terminal escape edited into the file) are
/// shown escaped, never sent to the terminal.
pub fn text(s: impl Into<String>) -> Cell {
    let s = s.into();
    match fundledger::codes::escape_controls(&s) {
        std::borrow::Cow::Borrowed(_) => Cell::Text(s),
        std::borrow::Cow::Owned(e) => Cell::Text(e),
    }
}
pub fn opt_text(s: Option<impl ToString>) -> Cell {
    text(s.map(|s| s.to_string()).unwrap_or_default())
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
/// A ratio, or `n/a` when it is undefined (never 0).
pub fn ratio(r: Option<Ratio>) -> Cell {
    match r {
        Some(r) => Cell::Number {
            shown: r.to_string(),
            value: r.rounded(),
            format: NumberFormat::Ratio,
        },
        None => Cell::Num("n/a".into()),
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
        if format == Format::Xlsx {
            let sheet = xlsx::Sheet {
                name: self.title.clone().unwrap_or_default(),
                header: self.headers.clone(),
                rows: self
                    .rows
                    .iter()
                    .map(|r| r.iter().map(Cell::to_xlsx).collect())
                    .collect(),
            };
            if output::add_sheet(sheet, &self.notes) {
                return Ok(());
            }
        }
        output::with_writer(|out| self.write_text(format, out))
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
                            t.modify(Columns::one(i), Alignment::right());
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
