//! The report model: one plain value every report and listing builds, and every
//! renderer (terminal table, CSV, XLSX, HTML, PDF) reads.
//!
//! Why a model: before it, each report rendered itself in its own CLI file, so a new
//! output format meant touching every report. Now a report builds a [`Document`] of
//! typed cells (money stays exact [`Money`], a footnote mark is data beside the value,
//! never `1500.00*` glued to it), and a renderer turns any document into its format
//! without knowing what a fund or a loan is.
//!
//! Architecture Invariant: the model holds exact values. Money is converted to the
//! document's unit, with `DISPLAY_ROUNDING`, only by the renderers (`Money::display_in`,
//! `Money::plain_in`, `Money::in_unit`); other numbers carry their exact value and the
//! text that the report rounded at its own named place.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::date::Date;
use crate::money::{Money, Ratio, Unit};

use super::labels::{label, Lang};

/// One document: a report or a listing, or a pack of several (the pack is a list).
#[derive(Clone, Debug, Serialize)]
pub struct Document {
    /// Stable identifier (`portfolio`, `leverage`, `log`…): file names, sheet names.
    pub id: String,
    pub title: String,
    /// The date the figures are as of; `None` for listings with no date.
    pub as_of: Option<Date>,
    /// Filters and options in force, shown under the title (`Fund: SC`).
    pub scope: Vec<Scope>,
    #[serde(serialize_with = "ser_unit")]
    pub unit: Unit,
    pub lang: Lang,
    pub sections: Vec<Section>,
}

fn ser_unit<S: serde::Serializer>(u: &Unit, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(u.label())
}

#[derive(Clone, Debug, Serialize)]
pub struct Scope {
    pub label: String,
    pub value: String,
}

/// Page orientation a printed section wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Orientation {
    Portrait,
    Landscape,
}

/// A titled table with its notes and charts.
#[derive(Clone, Debug, Serialize)]
pub struct Section {
    /// Stable identifier (sheet name in a workbook).
    pub id: String,
    pub title: String,
    pub orientation: Orientation,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub notes: Vec<Note>,
    pub charts: Vec<Chart>,
}

/// What kind of value a column holds: decides alignment and number formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Text,
    /// Money in the document's unit; the header gets the unit: `Paid-in (万元)`.
    Money,
    /// Ratios and multiples (4 decimals).
    Ratio,
    /// Rates shown as percentages (IRR, interest, shares).
    Percent,
    /// Counts and ids.
    Count,
    Date,
    /// Any other number.
    Number,
}

impl Kind {
    pub fn is_numeric(self) -> bool {
        !matches!(self, Kind::Text | Kind::Date)
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Column {
    /// Stable key for `--columns` and CSV (English, snake_case, never translated).
    pub key: String,
    /// Header in the document's language, without the unit.
    pub label: String,
    pub kind: Kind,
    /// In the default terminal column set (`--wide` shows all columns).
    pub compact: bool,
}

/// One cell's value. Numbers other than money carry both their exact value (for
/// workbooks and charts) and the text the report rounded them to.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
pub enum Value {
    Empty,
    Text(String),
    Money(Money),
    Number {
        value: Decimal,
        text: String,
    },
    Date(Date),
    /// Undefined (a ratio over zero): shown `n/a`, never 0.
    NotApplicable,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    pub value: Value,
    /// A footnote mark (`*`), explained by the section note with the same mark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark: Option<String>,
    /// What this cell is about, for renderers that can link (the web view): a record's
    /// page, or the journal entries whose amounts add up to this figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
}

/// A link target, independent of any URL scheme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Link {
    Fund(String),
    Company(String),
    Loan(String),
    /// The entries of these funds (and counterparty) of one kind: their effective
    /// amounts add up to the figure (drill-down).
    Entries {
        funds: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        company: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        investor: Option<String>,
        kind: String,
    },
}

impl Cell {
    pub fn new(value: Value) -> Cell {
        Cell {
            value,
            mark: None,
            link: None,
        }
    }
    pub fn link(mut self, l: Link) -> Cell {
        self.link = Some(l);
        self
    }
    /// Put a footnote mark on this cell when `on`.
    pub fn marked(mut self, mark: &str, on: bool) -> Cell {
        if on {
            self.mark = Some(mark.to_string());
        }
        self
    }
    /// The value's text in a table: money grouped in thousands (`8,095.00`).
    pub fn shown(&self, unit: Unit) -> String {
        match &self.value {
            Value::Empty => String::new(),
            Value::Text(s) => s.clone(),
            Value::Money(m) => m.display_in(unit),
            Value::Number { text, .. } => text.clone(),
            Value::Date(d) => d.to_string(),
            Value::NotApplicable => "n/a".into(),
        }
    }
    /// The value's text for a machine reader (CSV): plain numbers, no grouping.
    pub fn plain(&self, unit: Unit) -> String {
        match &self.value {
            Value::Money(m) => m.plain_in(unit),
            Value::Number { value, text } => {
                // A number whose text is decorated (`12.34%`, `1.5x`) goes out as the
                // decimal it stands for, so a spreadsheet reads a number.
                if text.parse::<Decimal>().is_ok() {
                    text.clone()
                } else {
                    value.normalize().to_string()
                }
            }
            _ => self.shown(unit),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// A total or subtotal row (bold in print, kept last).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub total: bool,
}

/// Rows produced on demand, for listings too long to hold in memory (the journal of
/// millions of entries). `each` may be called more than once: a terminal table reads
/// the rows once to measure its columns and once to print them.
pub trait RowSource {
    fn each(
        &mut self,
        f: &mut dyn FnMut(&[Cell]) -> std::io::Result<()>,
    ) -> crate::error::Result<()>;
}

/// A section's own rows, as a source.
pub struct HeldRows<'a>(pub &'a [Row]);

impl RowSource for HeldRows<'_> {
    fn each(
        &mut self,
        f: &mut dyn FnMut(&[Cell]) -> std::io::Result<()>,
    ) -> crate::error::Result<()> {
        for r in self.0 {
            f(&r.cells)?;
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Note {
    /// The mark of the cells this note explains, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mark: Option<String>,
    pub text: String,
}

/// A chart over a section's figures. Values are exact; money series are in yuan and
/// drawn in the document's unit.
#[derive(Clone, Debug, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub kind: ChartKind,
    /// What the values are: money (drawn in the document's unit), a ratio or a percent.
    pub measure: Kind,
    /// X-axis labels (fund codes, dates, buckets).
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// Side-by-side bars per category.
    Bar,
    /// Bars stacked per category (composition).
    StackedBar,
    /// A line per series over the categories (time).
    Line,
}

#[derive(Clone, Debug, Serialize)]
pub struct Series {
    pub name: String,
    /// One value per category; `None` where undefined (no bar, a gap in a line).
    pub values: Vec<Option<Decimal>>,
}

impl Document {
    pub fn new(id: &str, title: &str, as_of: Option<Date>, opts: Opts) -> Document {
        Document {
            id: id.into(),
            title: opts.label(title).into(),
            as_of,
            scope: Vec::new(),
            unit: opts.unit,
            lang: opts.lang,
            sections: Vec::new(),
        }
    }
    /// Add a filter line under the title when `value` is set.
    pub fn scope(&mut self, key: &str, value: Option<impl ToString>) {
        if let Some(v) = value {
            self.scope.push(Scope {
                label: label(self.lang, key).into(),
                value: v.to_string(),
            });
        }
    }
    pub fn push(&mut self, s: Section) {
        self.sections.push(s);
    }
}

impl Section {
    pub fn new(id: &str, title: &str, lang: Lang) -> Section {
        Section {
            id: id.into(),
            title: label(lang, title).into(),
            orientation: Orientation::Portrait,
            columns: Vec::new(),
            rows: Vec::new(),
            notes: Vec::new(),
            charts: Vec::new(),
        }
    }
    pub fn landscape(mut self) -> Section {
        self.orientation = Orientation::Landscape;
        self
    }
    pub fn row(&mut self, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.columns.len(), "{}: row width", self.id);
        self.rows.push(Row {
            cells,
            total: false,
        });
    }
    pub fn total_row(&mut self, cells: Vec<Cell>) {
        debug_assert_eq!(cells.len(), self.columns.len(), "{}: row width", self.id);
        self.rows.push(Row { cells, total: true });
    }
    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(Note {
            mark: None,
            text: text.into(),
        });
    }
    pub fn marked_note(&mut self, mark: &str, text: impl Into<String>) {
        self.notes.push(Note {
            mark: Some(mark.into()),
            text: text.into(),
        });
    }
    /// Index of the column with `key`.
    pub fn col(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }
}

/// How a builder labels: the document's unit and language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Opts {
    pub unit: Unit,
    pub lang: Lang,
}

impl Default for Opts {
    fn default() -> Opts {
        Opts {
            unit: Unit::Yuan,
            lang: Lang::En,
        }
    }
}

impl Opts {
    pub fn label<'a>(&self, key: &'a str) -> &'a str {
        label(self.lang, key)
    }
    /// A column: `key` is stable, `en` is the English label looked up in the label table.
    pub fn col(&self, key: &str, en: &str, kind: Kind, compact: bool) -> Column {
        Column {
            key: key.into(),
            label: label(self.lang, en).into(),
            kind,
            compact,
        }
    }
    /// Money with its unit, for notes: `8,095.00 万元`.
    pub fn money_str(&self, m: Money) -> String {
        format!("{} {}", m.display_in(self.unit), self.unit.label())
    }
}

/// Text as a cell; control characters (a terminal escape edited into the file) are
/// shown escaped, never sent to a terminal or a page.
pub fn text(s: impl Into<String>) -> Cell {
    let s = s.into();
    let s = match crate::codes::escape_controls(&s) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(e) => e,
    };
    Cell::new(Value::Text(s))
}
pub fn opt_text(s: Option<impl ToString>) -> Cell {
    s.map_or(Cell::new(Value::Empty), |s| text(s.to_string()))
}
pub fn empty() -> Cell {
    Cell::new(Value::Empty)
}
pub fn money(m: Money) -> Cell {
    Cell::new(Value::Money(m))
}
pub fn opt_money(m: Option<Money>) -> Cell {
    m.map_or(empty(), money)
}
pub fn count<N: Into<Decimal> + ToString + Copy>(n: N) -> Cell {
    Cell::new(Value::Number {
        value: n.into(),
        text: n.to_string(),
    })
}
/// A ratio (4 decimals, `Ratio::rounded`), or `n/a` when undefined (never 0).
pub fn ratio(r: Option<Ratio>) -> Cell {
    match r {
        Some(r) => number(r.rounded(), r.to_string()),
        None => Cell::new(Value::NotApplicable),
    }
}
/// A number with the text its report rounded it to.
pub fn number(value: Decimal, text: impl Into<String>) -> Cell {
    Cell::new(Value::Number {
        value,
        text: text.into(),
    })
}
pub fn date(d: Date) -> Cell {
    Cell::new(Value::Date(d))
}
pub fn opt_date(d: Option<Date>) -> Cell {
    d.map_or(empty(), date)
}
pub fn na() -> Cell {
    Cell::new(Value::NotApplicable)
}
