//! CSV for Excel: one header row, plain numbers, marks in their own column, and no
//! cell a spreadsheet would evaluate.
//!
//! Why the formula guard: a company named `=HYPERLINK(…)` or `+1+1` typed into the
//! ledger would run as a formula when a finance officer opens the CSV in Excel (CSV
//! injection). Text cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage
//! return get a leading apostrophe, which Excel and LibreOffice show as plain text.
//! Numbers are never guarded: `-5.00` stays a number.

use std::io::Write;

use super::model::{Document, HeldRows, RowSource, Section, Value};
use super::text::{header, select, Columns};
use crate::error::Result;

/// The UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8 (without it,
/// Chinese Excel reads GBK and shows mojibake).
pub const BOM: &str = "\u{feff}";

/// Quote a field when it needs it (RFC 4180).
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Text as a spreadsheet will not evaluate it.
pub fn inert(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Write every section of `doc` (a blank line and its title between sections).
pub fn write(doc: &Document, cols: &Columns, bom: bool, out: &mut dyn Write) -> Result<()> {
    if bom {
        write!(out, "{BOM}")?;
    }
    for (n, s) in doc.sections.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
            writeln!(out, "{}", field(&s.title))?;
        }
        section(doc, s, &mut HeldRows(&s.rows), cols, out)?;
    }
    Ok(())
}

/// Write one section whose rows come from `rows`, one at a time: memory does not grow
/// with the number of rows.
pub fn write_streamed(
    doc: &Document,
    s: &Section,
    rows: &mut dyn RowSource,
    cols: &Columns,
    bom: bool,
    out: &mut dyn Write,
) -> Result<()> {
    if bom {
        write!(out, "{BOM}")?;
    }
    section(doc, s, rows, cols, out)
}

fn section(
    doc: &Document,
    s: &Section,
    rows: &mut dyn RowSource,
    cols: &Columns,
    out: &mut dyn Write,
) -> Result<()> {
    let idx = select(s, cols);
    // A column with any marked cell gets a second column for the marks. Streamed
    // sections hold no rows to look at: their builders put no marks on cells.
    let marked: Vec<bool> = idx
        .iter()
        .map(|&i| s.rows.iter().any(|r| r.cells[i].mark.is_some()))
        .collect();
    let mut head = Vec::new();
    for (k, &i) in idx.iter().enumerate() {
        head.push(field(&header(doc, s, i)));
        if marked[k] {
            head.push(field(&format!("{} note", s.columns[i].label)));
        }
    }
    writeln!(out, "{}", head.join(","))?;
    let mut line = Vec::with_capacity(head.len());
    rows.each(&mut |cells| {
        line.clear();
        for (k, &i) in idx.iter().enumerate() {
            let c = &cells[i];
            let v = match &c.value {
                Value::Text(t) => inert(t),
                _ => c.plain(doc.unit),
            };
            line.push(field(&v));
            if marked[k] {
                line.push(field(c.mark.as_deref().unwrap_or("")));
            }
        }
        writeln!(out, "{}", line.join(","))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_inert_and_fields_quoted() {
        assert_eq!(inert("=1+1"), "'=1+1");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("\tx"), "'\tx");
        assert_eq!(inert("云南生物"), "云南生物");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
