//! Rendering plain data as a table, CSV or JSON.
//!
//! Tables align CJK text by display width (tabled measures with unicode-width) and
//! right-align numbers. CSV has one header row and plain numbers (no thousands
//! separators) so Excel reads them as numbers. JSON is produced by each command from
//! its report's serde types; money there is always exact yuan strings.

use std::io::{self, Write};

use fundledger::money::{Money, Ratio, Unit};
use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Alignment, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// One cell of a table: text (left-aligned) or a number (right-aligned).
#[derive(Clone, Debug)]
pub enum Cell {
    Text(String),
    Num(String),
}

pub struct Table {
    headers: Vec<String>,
    numeric: Vec<bool>,
    rows: Vec<Vec<Cell>>,
    pub notes: Vec<String>,
}

/// How money and ratios print in the current format and unit.
#[derive(Clone, Copy, Debug)]
pub struct Out {
    pub format: Format,
    pub unit: Unit,
}

impl Out {
    pub fn money(&self, m: Money) -> Cell {
        match self.format {
            Format::Table => Cell::Num(m.display_in(self.unit)),
            _ => Cell::Num(m.plain_in(self.unit)),
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
pub fn num(n: impl ToString) -> Cell {
    Cell::Num(n.to_string())
}
/// A ratio, or `n/a` when it is undefined (never 0).
pub fn ratio(r: Option<Ratio>) -> Cell {
    match r {
        Some(r) => Cell::Num(r.to_string()),
        None => Cell::Num("n/a".into()),
    }
}

impl Table {
    pub fn new(headers: Vec<String>) -> Table {
        Table {
            numeric: vec![false; headers.len()],
            headers,
            rows: Vec::new(),
            notes: Vec::new(),
        }
    }
    pub fn push(&mut self, row: Vec<Cell>) {
        for (i, c) in row.iter().enumerate() {
            if matches!(c, Cell::Num(_)) {
                if let Some(n) = self.numeric.get_mut(i) {
                    *n = true;
                }
            }
        }
        self.rows.push(row);
    }

    fn cell_text(c: &Cell) -> &str {
        match c {
            Cell::Text(s) | Cell::Num(s) => s,
        }
    }

    pub fn print(&self, format: Format) -> io::Result<()> {
        // Buffered: stdout is line-buffered, a syscall per line on big reports.
        let mut out = io::BufWriter::new(io::stdout().lock());
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
                    let line: Vec<String> =
                        r.iter().map(|c| csv_field(Self::cell_text(c))).collect();
                    writeln!(out, "{}", line.join(","))?;
                }
            }
            Format::Table | Format::Json => {
                if self.rows.is_empty() {
                    writeln!(out, "(none)")?;
                } else {
                    let mut b = Builder::default();
                    b.push_record(self.headers.clone());
                    for r in &self.rows {
                        b.push_record(r.iter().map(|c| Self::cell_text(c).to_string()));
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
    let mut out = io::BufWriter::new(io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, v).map_err(io::Error::other)?;
    writeln!(out)?;
    out.flush()
}

impl Out {
    /// Money with its unit, for one-line messages: `8,095.00 万元`.
    pub fn money_str(&self, m: Money) -> String {
        format!("{} {}", m.display_in(self.unit), self.unit.label())
    }
}

impl Out {
    /// Money as text in the current format's style (for cells that add a marker).
    pub fn money_text(&self, m: Money) -> String {
        match self.money(m) {
            Cell::Text(s) | Cell::Num(s) => s,
        }
    }
}
