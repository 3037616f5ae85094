//! Terminal tables that fit: the width of the terminal, or 100 columns when the
//! output is not a terminal.
//!
//! Why not a table crate: fitting needs decisions a generic crate does not make —
//! which columns to show (`--columns`, the compact set, `--wide`), wrapping headers
//! at spaces, then the widest text columns, and when even that cannot fit, the
//! expanded (one record per block) layout that always fits. Widths are display
//! widths (unicode-width), so a Chinese character counts two.

use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::model::{Cell, Document, HeldRows, Kind, RowSource, Section};
use crate::error::{Error, Result};

/// Which columns to show.
#[derive(Clone, Debug, Default)]
pub enum Columns {
    /// Each section's compact set (the terminal default).
    #[default]
    Compact,
    /// Every column.
    All,
    /// These keys, in this order.
    Keys(Vec<String>),
}

/// Width a table gets when the output is not a terminal (a file, a pipe, a test).
pub const DEFAULT_WIDTH: usize = 100;
/// A wrapped text column is never made narrower than this.
const MIN_WRAP: usize = 8;

/// Indexes of the columns of `s` to show. A `--columns` key that no section of the
/// document has is refused by [`check_columns`] before anything is printed.
pub fn select(s: &Section, cols: &Columns) -> Vec<usize> {
    match cols {
        Columns::All => (0..s.columns.len()).collect(),
        Columns::Compact => {
            let c: Vec<usize> = (0..s.columns.len())
                .filter(|&i| s.columns[i].compact)
                .collect();
            if c.is_empty() {
                (0..s.columns.len()).collect()
            } else {
                c
            }
        }
        Columns::Keys(keys) => {
            let picked: Vec<usize> = keys.iter().filter_map(|k| s.col(k)).collect();
            if picked.is_empty() {
                (0..s.columns.len()).collect()
            } else {
                picked
            }
        }
    }
}

/// Refuse `--columns` keys that no section of `doc` has, naming the keys it has.
pub fn check_columns(doc: &Document, cols: &Columns) -> Result<()> {
    let Columns::Keys(keys) = cols else {
        return Ok(());
    };
    let unknown: Vec<&str> = keys
        .iter()
        .filter(|k| doc.sections.iter().all(|s| s.col(k).is_none()))
        .map(String::as_str)
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let mut known: Vec<&str> = Vec::new();
    for s in &doc.sections {
        for c in &s.columns {
            if !known.contains(&c.key.as_str()) {
                known.push(&c.key);
            }
        }
    }
    Err(Error::refused(
        "unknown-column",
        format!(
            "--columns: {} not in this report; it has: {}",
            unknown.join(", "),
            known.join(", ")
        ),
    ))
}

/// A column's header with its unit: `Deal paid-in (万元)`.
pub fn header(doc: &Document, s: &Section, i: usize) -> String {
    let c = &s.columns[i];
    if c.kind == Kind::Money {
        format!("{} ({})", c.label, doc.unit.label())
    } else {
        c.label.clone()
    }
}

/// A cell as a terminal table shows it: the value, then its footnote mark.
fn shown(doc: &Document, c: &Cell) -> String {
    let mut s = c.shown(doc.unit);
    if let Some(m) = &c.mark {
        s.push_str(m);
    }
    s
}

/// The title line: `Portfolio · as of 2021-12-31 · Fund: SC`.
pub fn title_line(doc: &Document) -> String {
    let mut t = doc.title.clone();
    if let Some(d) = doc.as_of {
        t.push_str(&format!(
            " · {} {d}",
            super::labels::label(doc.lang, "As of")
        ));
    }
    for sc in &doc.scope {
        t.push_str(&format!(" · {}: {}", sc.label, sc.value));
    }
    t
}

/// Write `doc` as terminal tables no wider than `width` where that is possible.
pub fn write(doc: &Document, cols: &Columns, width: usize, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "{}", title_line(doc))?;
    for s in &doc.sections {
        writeln!(out)?;
        if doc.sections.len() > 1 {
            writeln!(out, "{}", s.title)?;
        }
        section(doc, s, &mut HeldRows(&s.rows), cols, width, out)?;
    }
    Ok(())
}

/// Write one section whose rows come from `rows` (its own `rows` are ignored), in
/// memory that does not grow with the number of rows: the rows are read twice, once
/// to measure the columns and once to print them.
pub fn write_streamed(
    doc: &Document,
    s: &Section,
    rows: &mut dyn RowSource,
    cols: &Columns,
    width: usize,
    out: &mut dyn Write,
) -> Result<()> {
    writeln!(out, "{}", title_line(doc))?;
    writeln!(out)?;
    section(doc, s, rows, cols, width, out)
}

fn section(
    doc: &Document,
    s: &Section,
    rows: &mut dyn RowSource,
    cols: &Columns,
    width: usize,
    out: &mut dyn Write,
) -> Result<()> {
    let idx = select(s, cols);
    let headers: Vec<String> = idx.iter().map(|&i| header(doc, s, i)).collect();
    let numeric: Vec<bool> = idx
        .iter()
        .map(|&i| s.columns[i].kind.is_numeric())
        .collect();
    // Pass 1: the widest cell of each column, and whether there is any row.
    let mut cell_max = vec![0; idx.len()];
    let mut any = false;
    rows.each(&mut |cells| {
        any = true;
        for (k, &i) in idx.iter().enumerate() {
            cell_max[k] = cell_max[k].max(dw(&shown(doc, &cells[i])));
        }
        Ok(())
    })?;
    if !any {
        writeln!(out, "(none)")?;
    } else {
        // Pass 2: print, in a grid when one fits, else one record per block.
        let layout = fit(&headers, &cell_max, &numeric, width);
        if let Some(widths) = &layout {
            physical(&headers, widths, &vec![false; headers.len()], out)?;
            let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w + 2)).collect();
            writeln!(out, "{}", rule.join("+"))?;
        }
        let hw = headers.iter().map(|h| dw(h)).max().unwrap_or(0);
        let mut n = 0;
        rows.each(&mut |cells| {
            let row: Vec<String> = idx.iter().map(|&i| shown(doc, &cells[i])).collect();
            n += 1;
            match &layout {
                Some(widths) => physical(&row, widths, &numeric, out),
                None => record(n, &headers, hw, &row, out),
            }
        })?;
    }
    for n in &s.notes {
        let line = match &n.mark {
            Some(m) => format!("{m} {}", n.text),
            None => n.text.clone(),
        };
        // Notes wrap at the width too; a continuation is indented under the first line.
        let body = line.trim_start();
        let indent = " ".repeat(line.len() - body.len());
        let w = width.saturating_sub(indent.len() + 2).max(20);
        for (k, l) in wrap(body, w).iter().enumerate() {
            let more = if k == 0 { "" } else { "  " };
            writeln!(out, "{indent}{more}{l}")?;
        }
    }
    Ok(())
}

fn dw(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Column widths that fit `width` (borders included), or `None` when no wrapping
/// fits and the expanded layout must be used.
fn fit(
    headers: &[String],
    cell_max: &[usize],
    numeric: &[bool],
    width: usize,
) -> Option<Vec<usize>> {
    let n = headers.len();
    let word_max: Vec<usize> = headers
        .iter()
        .map(|h| h.split(' ').map(dw).max().unwrap_or(0))
        .collect();
    let total = |w: &[usize]| w.iter().sum::<usize>() + 3 * n.saturating_sub(1) + 2;
    // 1. Natural widths.
    let mut w: Vec<usize> = (0..n).map(|i| cell_max[i].max(dw(&headers[i]))).collect();
    if total(&w) <= width {
        return Some(w);
    }
    // 2. Headers wrap at spaces.
    for i in 0..n {
        w[i] = cell_max[i].max(word_max[i]);
    }
    // 3. The widest text columns wrap, one display column at a time.
    while total(&w) > width {
        let widest = (0..n)
            .filter(|&i| !numeric[i] && w[i] > MIN_WRAP.max(word_max[i].min(MIN_WRAP * 2)))
            .max_by_key(|&i| w[i])?;
        w[widest] -= 1;
    }
    Some(w)
}

/// Break `s` into lines no wider than `w` display columns: at spaces where it can,
/// anywhere inside a word that is wider than `w` (Chinese text has no spaces).
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    if dw(s) <= w {
        // Kept whole, leading spaces (an indented sub-measure) included.
        return vec![s.to_string()];
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let sep = usize::from(!line.is_empty());
        if dw(&line) + sep + dw(word) <= w {
            if sep == 1 {
                line.push(' ');
            }
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for ch in word.chars() {
            let cw = ch.width().unwrap_or(0);
            if dw(&line) + cw > w && !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line.push(ch);
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

fn pad(s: &str, w: usize, right: bool) -> String {
    let fill = " ".repeat(w.saturating_sub(dw(s)));
    if right {
        format!("{fill}{s}")
    } else {
        format!("{s}{fill}")
    }
}

/// One logical row, its cells wrapped to the widths, as physical lines.
fn physical(
    cells: &[String],
    widths: &[usize],
    numeric: &[bool],
    out: &mut dyn Write,
) -> io::Result<()> {
    let wrapped: Vec<Vec<String>> = cells.iter().zip(widths).map(|(c, &w)| wrap(c, w)).collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    for l in 0..height {
        let parts: Vec<String> = wrapped
            .iter()
            .enumerate()
            .map(|(i, lines)| {
                pad(
                    lines.get(l).map_or("", String::as_str),
                    widths[i],
                    numeric[i],
                )
            })
            .collect();
        writeln!(out, " {} ", parts.join(" | "))?;
    }
    Ok(())
}

/// One record as a block of `header | value` lines (psql's expanded display).
fn record(
    n: usize,
    headers: &[String],
    hw: usize,
    row: &[String],
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "-[ RECORD {n} ]{}", "-".repeat(hw.saturating_sub(8)))?;
    for (h, v) in headers.iter().zip(row) {
        writeln!(out, "{} | {v}", pad(h, hw, false))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_counts_cjk_as_two() {
        assert_eq!(wrap("昆明市双创产业", 6), vec!["昆明市", "双创产", "业"]);
        assert_eq!(
            wrap("Deal paid-in (万元)", 12),
            vec!["Deal paid-in", "(万元)"]
        );
        assert_eq!(wrap("", 5), vec![""]);
    }

    #[test]
    fn fit_wraps_text_then_gives_up() {
        let h = vec!["Name".to_string(), "Amount".to_string()];
        let body = [30, 8];
        // Natural: 30 + 8 + 3 + 2 = 43.
        assert_eq!(fit(&h, &body, &[false, true], 43), Some(vec![30, 8]));
        // 30 columns: the name wraps to 30 - 13 = 17.
        assert_eq!(fit(&h, &body, &[false, true], 30), Some(vec![17, 8]));
        // Below the minimum wrap width: expanded layout.
        assert_eq!(fit(&h, &body, &[false, true], 15), None);
    }
}
